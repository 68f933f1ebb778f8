//! Hub load and fault suite (issue 15), loopback only, every phase bounded in time and in
//! count. It runs the `sitboard-hub` binary as a child process (its RSS is sampled from
//! `/proc`) and prints one table per phase:
//!
//! - `post`: POST p50/p99 of directive events against a journal of 0 … 100,000 events (a
//!   synthetic journal, written before the hub starts);
//! - `load`: GET of the demo document (~10 MB): full identity, gzip, zstd, 304 and delta
//!   (`?since=`) at 1, 16 and 64 clients, with the hub's peak RSS;
//! - `storm`: 10 clients POST 1,000 events with 200 resends while the hub is killed with
//!   `kill -9` and restarted three times: events lost and duplicated;
//! - `slow`: 1,000 connections sending a header byte a second, while a normal client polls;
//!   how many the hub closed.
//!
//! Run with `cargo bench --bench hub` (all phases) or `cargo bench --bench hub -- post load`
//! (some); `SITBOARD_HUB_BIN=PATH` runs it against another build of the hub. Under `cargo test --all-targets` it only checks that the phases run, at a tiny
//! size (a few seconds).

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::{Value, json};
use sitboard::model::journal::{DirectiveContent, EventKind, NewEvent};
use sitboard::model::{Adcode, DirectiveCategory, Priority};
use sitboard::store::{JournalKind, JournalStore};

/// The hub binary of this build; `SITBOARD_HUB_BIN=PATH` runs the suite against another
/// (e.g. an older build, for a before/after comparison).
fn hub_bin() -> String {
    std::env::var("SITBOARD_HUB_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_sitboard-hub").to_owned())
}

struct Hub {
    child: Child,
    addr: SocketAddr,
}

impl Hub {
    fn start(args: &[&str], listen: &str) -> Hub {
        for attempt in 0..50 {
            let mut child = Command::new(hub_bin())
                .args(args)
                .args(["--listen", listen, "--no-archive"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("start sitboard-hub");
            let stdout = child.stdout.take().expect("stdout");
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let mut line = String::new();
                let _ = BufReader::new(stdout).read_line(&mut line);
                let _ = tx.send(line);
            });
            let line = rx.recv_timeout(Duration::from_secs(300)).unwrap_or_default();
            if let Some(addr) = line.trim().strip_prefix("listening on http://").and_then(|a| a.parse().ok()) {
                return Hub { child, addr };
            }
            // The port of a killed hub may be busy for a moment.
            let _ = child.kill();
            let _ = child.wait();
            assert!(attempt < 49, "the hub does not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        unreachable!()
    }

    fn rss_mb(&self) -> f64 {
        rss_mb(self.child.id())
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn kill9(mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Sample a process's RSS every 20 ms until stopped; the peak.
struct RssSampler {
    stop: Arc<AtomicBool>,
    peak: Arc<Mutex<f64>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RssSampler {
    fn start(pid: u32) -> RssSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(Mutex::new(0.0f64));
        let (s, p) = (stop.clone(), peak.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                let r = rss_mb(pid);
                if let Ok(mut g) = p.lock() {
                    *g = g.max(r);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        RssSampler { stop, peak, thread: Some(thread) }
    }

    fn finish(mut self) -> f64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.peak.lock().map_or(0.0, |g| *g)
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .gzip(false)
        .zstd(false)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn pct(v: &mut [Duration], p: usize) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort();
    ms(v[(v.len() * p / 100).min(v.len() - 1)])
}

fn content(number: &str) -> DirectiveContent {
    DirectiveContent {
        number: number.into(),
        issuer: "哈尔滨市指挥部".into(),
        title: "关于道里区交通管制的通告".into(),
        body: String::new(),
        category: DirectiveCategory::TrafficControl,
        scope: vec![Adcode::new(230102).expect("adcode")],
        effective_from: None,
        effective_until: None,
        priority: Priority::High,
    }
}

fn new_event(kind: EventKind, number: &str, officer: &str) -> NewEvent {
    NewEvent {
        kind,
        issuer: "哈尔滨市指挥部".into(),
        number: number.into(),
        officer: officer.into(),
        unit: (kind == EventKind::Acknowledged).then(|| "道里区".into()),
        reason: matches!(kind, EventKind::Lifted).then(|| "解除".into()),
        content: matches!(kind, EventKind::Issued).then(|| content(number)),
    }
}

fn wire_issued(number: &str, officer: &str) -> Value {
    json!({
        "kind": "issued", "issuer": "哈尔滨市指挥部", "number": number, "officer": officer,
        "content": {"number": number, "issuer": "哈尔滨市指挥部", "title": "关于道里区交通管制的通告",
                    "body": "", "category": "traffic_control", "scope": ["230102"],
                    "effective_from": null, "effective_until": null, "priority": "high"},
        "local_seq": 1, "local_at": "2026-01-01T00:00:00Z", "local_hash": "ab"
    })
}

/// POST one event; the status, or `None` when the hub could not be reached.
fn post(c: &reqwest::blocking::Client, url: &str, token: &str, key: &str, body: &[u8]) -> Option<u16> {
    c.post(url)
        .bearer_auth(token)
        .header("idempotency-key", key)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .ok()
        .map(|r| r.status().as_u16())
}

/// A folder with one small feed document (the POST phases measure the journal, not the data).
fn small_data(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    let doc = json!({
        "schema": "sitboard.feed/1",
        "source": {"id": "cases", "name": "bench"},
        "generated_at": "2020-03-03T16:00:00Z", "as_of": "2020-03-03T16:00:00Z",
        "case_reports": [{"region": "230000", "date": "2020-03-03", "active": 10}],
    });
    std::fs::write(data.join("cases.json"), doc.to_string()).expect("write doc");
    data
}

/// Bring a journal up to `n` events: directives issued, acknowledged twice, lifted (four
/// events each), written directly before the hub starts.
fn fill_journal(dir: &Path, have: &mut usize, n: usize) {
    let mut store = JournalStore::open_kind_in(dir, JournalKind::Real).expect("journal");
    while *have < n {
        let d = *have / 4;
        let number = format!("{d}号");
        let kind = match *have % 4 {
            0 => EventKind::Issued,
            1 | 2 => EventKind::Acknowledged,
            _ => EventKind::Lifted,
        };
        let mut ev = new_event(kind, &number, "bench");
        if *have % 4 == 2 {
            ev.unit = Some("南岗区".into());
        }
        store.append(ev, Utc::now()).expect("append");
        *have += 1;
    }
}

fn phase_post(quick: bool) {
    println!("\n## POST /v1/directives/events against a journal of N events (one client, sequential)");
    println!("| journal events | POSTs | p50 ms | p99 ms | hub RSS MB |");
    println!("|---:|---:|---:|---:|---:|");
    // The journal is written on tmpfs (fast to fill), then copied to disk for the hub.
    let fill_root =
        if Path::new("/dev/shm").is_dir() && !quick { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
    let fill = tempfile::tempdir_in(fill_root).expect("tmp");
    let tmp = tempfile::tempdir().expect("tmp");
    let data = small_data(tmp.path());
    let tokens = tmp.path().join("tokens.toml");
    let token = sitboard::hub::tokens::add(&tokens, "bench").expect("token");
    // `HUB_BENCH_MAX_EVENTS=N` stops at N events (an older build reloads its journal per POST).
    let max: usize = std::env::var("HUB_BENCH_MAX_EVENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(usize::MAX);
    let all: &[usize] = if quick { &[0, 40] } else { &[0, 1_000, 10_000, 50_000, 100_000] };
    let sizes: Vec<usize> = all.iter().copied().filter(|&n| n <= max).collect();
    let posts = if quick { 10 } else { 300 };
    let mut have = 0usize;
    for (round, &n) in sizes.iter().enumerate() {
        fill_journal(fill.path(), &mut have, n);
        let journal = tmp.path().join(format!("journal-{round}"));
        std::fs::create_dir_all(&journal).expect("journal dir");
        std::fs::copy(fill.path().join("journal.sqlite"), journal.join("journal.sqlite")).expect("copy journal");
        let hub = Hub::start(
            &[
                "--data",
                data.to_str().unwrap_or_default(),
                "--tokens",
                tokens.to_str().unwrap_or_default(),
                "--journal-dir",
                journal.to_str().unwrap_or_default(),
            ],
            "127.0.0.1:0",
        );
        let c = client();
        let url = hub.url("/v1/directives/events");
        let mut lat = Vec::with_capacity(posts);
        for i in 0..posts {
            let body = serde_json::to_vec(&wire_issued(&format!("P{round}-{i}号"), "bench")).unwrap_or_default();
            let t = Instant::now();
            let status = post(&c, &url, &token, &format!("p{round}-{i}"), &body);
            lat.push(t.elapsed());
            assert_eq!(status, Some(201), "POST {i} at {n} events");
        }
        let rss = hub.rss_mb();
        println!("| {n} | {posts} | {:.2} | {:.2} | {rss:.0} |", pct(&mut lat, 50), pct(&mut lat, 99));
    }
}

/// One load run: `clients` threads for `secs`, each request built by `req`.
fn run_load(
    hub: &Hub,
    clients: usize,
    dur: Duration,
    req: Arc<dyn Fn(&reqwest::blocking::Client) -> reqwest::blocking::RequestBuilder + Send + Sync>,
    expect: u16,
) -> (usize, f64, f64, f64, usize, f64) {
    let sampler = RssSampler::start(hub.child.id());
    let lat = Arc::new(Mutex::new(Vec::new()));
    let other = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (lat, other, req) = (lat.clone(), other.clone(), req.clone());
            std::thread::spawn(move || {
                let c = client();
                let mut mine = Vec::new();
                while started.elapsed() < dur {
                    let t = Instant::now();
                    match req(&c).send() {
                        Ok(r) => {
                            let status = r.status().as_u16();
                            let read = r.bytes().is_ok();
                            mine.push(t.elapsed());
                            if status != expect || !read {
                                other.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        Err(_) => {
                            other.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                if let Ok(mut g) = lat.lock() {
                    g.extend(mine);
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let peak = sampler.finish();
    let mut lat = lat.lock().map(|g| g.clone()).unwrap_or_default();
    let n = lat.len();
    (n, n as f64 / elapsed, pct(&mut lat, 50), pct(&mut lat, 99), other.load(Ordering::Relaxed) as usize, peak)
}

fn phase_load(quick: bool) {
    let tmp = tempfile::tempdir().expect("tmp");
    // The demo's ~10 MB document; a small one for the quick check.
    let data = if quick { small_data(tmp.path()) } else { PathBuf::from("data/demo") };
    let tokens = tmp.path().join("tokens.toml");
    let token = sitboard::hub::tokens::add(&tokens, "bench").expect("token");
    let journal = tmp.path().join("journal");
    let hub = Hub::start(
        &[
            "--data",
            data.to_str().unwrap_or_default(),
            "--tokens",
            tokens.to_str().unwrap_or_default(),
            "--journal-dir",
            journal.to_str().unwrap_or_default(),
        ],
        "127.0.0.1:0",
    );
    let c = client();
    // The hub has officers: every feed request carries a token (as a board's does).
    let auth = format!("Bearer {token}");
    let first = c.get(hub.url("/v1/feed")).header("authorization", &auth).send().expect("GET");
    let old_etag = first.headers().get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let body_mb = first.bytes().map(|b| b.len()).unwrap_or(0) as f64 / 1_048_576.0;
    // One directive event: the version the load runs against, with a delta from the first.
    let ev = serde_json::to_vec(&wire_issued("L1号", "bench")).unwrap_or_default();
    assert_eq!(post(&c, &hub.url("/v1/directives/events"), &token, "l1", &ev), Some(201));
    let deadline = Instant::now() + Duration::from_secs(120);
    let etag = loop {
        let h: Value = c
            .get(hub.url("/v1/health"))
            .send()
            .ok()
            .and_then(|r| r.text().ok())
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null);
        if h["journal"]["events"] == 1 && h["etag"].as_str().is_some_and(|e| e != old_etag) {
            break h["etag"].as_str().unwrap_or_default().to_owned();
        }
        assert!(Instant::now() < deadline, "the hub publishes no new version");
        std::thread::sleep(Duration::from_millis(100));
    };
    std::thread::sleep(Duration::from_millis(500));
    let idle = hub.rss_mb();
    println!(
        "\n## GET /v1/feed, demo document {body_mb:.1} MB; hub idle RSS {idle:.0} MB; goal: RSS ≤ 2 × body + 50 MB = {:.0} MB above idle",
        2.0 * body_mb + 50.0
    );
    println!("| answer | clients | requests | req/s | p50 ms | p99 ms | not as expected | hub peak RSS MB |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let feed = hub.url("/v1/feed");
    let delta_url = format!("{feed}?since={}", old_etag.trim_matches('"'));
    type Req = Arc<dyn Fn(&reqwest::blocking::Client) -> reqwest::blocking::RequestBuilder + Send + Sync>;
    let kinds: Vec<(&str, Req, u16)> = vec![
        (
            "full, identity",
            Arc::new({
                let (u, a) = (feed.clone(), auth.clone());
                move |c: &reqwest::blocking::Client| c.get(&u).header("authorization", &a)
            }),
            200,
        ),
        (
            "full, gzip",
            Arc::new({
                let (u, a) = (feed.clone(), auth.clone());
                move |c: &reqwest::blocking::Client| {
                    c.get(&u).header("authorization", &a).header("accept-encoding", "gzip")
                }
            }),
            200,
        ),
        (
            "full, zstd",
            Arc::new({
                let (u, a) = (feed.clone(), auth.clone());
                move |c: &reqwest::blocking::Client| {
                    c.get(&u).header("authorization", &a).header("accept-encoding", "zstd, gzip")
                }
            }),
            200,
        ),
        (
            "304",
            Arc::new({
                let (u, e, a) = (feed.clone(), etag.clone(), auth.clone());
                move |c: &reqwest::blocking::Client| c.get(&u).header("authorization", &a).header("if-none-match", &e)
            }),
            304,
        ),
        (
            "delta (since=)",
            Arc::new({
                let (u, e, a) = (delta_url.clone(), old_etag.clone(), auth.clone());
                move |c: &reqwest::blocking::Client| {
                    c.get(&u).header("authorization", &a).header("if-none-match", &e).header("accept-encoding", "gzip")
                }
            }),
            200,
        ),
    ];
    let dur = if quick { Duration::from_millis(300) } else { Duration::from_secs(4) };
    let counts: &[usize] = if quick { &[1, 4] } else { &[1, 16, 64] };
    for (name, req, expect) in kinds {
        for &n in counts {
            let (reqs, rate, p50, p99, other, peak) = run_load(&hub, n, dur, req.clone(), expect);
            println!("| {name} | {n} | {reqs} | {rate:.0} | {p50:.2} | {p99:.1} | {other} | {peak:.0} |");
        }
    }
    println!("(hub RSS after the load: {:.0} MB)", hub.rss_mb());
}

fn phase_storm(quick: bool) {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = small_data(tmp.path());
    let tokens = tmp.path().join("tokens.toml");
    let token = sitboard::hub::tokens::add(&tokens, "storm").expect("token");
    let journal = tmp.path().join("journal");
    let args: Vec<String> = [
        "--data",
        data.to_str().unwrap_or_default(),
        "--tokens",
        tokens.to_str().unwrap_or_default(),
        "--journal-dir",
        journal.to_str().unwrap_or_default(),
    ]
    .map(str::to_owned)
    .to_vec();
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let first = Hub::start(&argv, "127.0.0.1:0");
    let addr = first.addr;
    let hub = Arc::new(Mutex::new(Some(first)));
    let (clients, per_client, kills): (usize, usize, usize) = if quick { (2, 20, 1) } else { (10, 100, 3) };
    let resend_every = 5; // one event in five is sent twice on purpose: 200 resends of 1,000
    let done = Arc::new(AtomicBool::new(false));
    let (created, replayed, retries) =
        (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let peak = Arc::new(Mutex::new(0.0f64));
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|c| {
            let (token, created, replayed, retries) =
                (token.clone(), created.clone(), replayed.clone(), retries.clone());
            std::thread::spawn(move || {
                let http =
                    reqwest::blocking::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
                let url = format!("http://{addr}/v1/directives/events");
                for i in 0..per_client {
                    let body = serde_json::to_vec(&wire_issued(&format!("S{c}-{i}号"), "storm")).unwrap_or_default();
                    let key = format!("storm-{c}-{i}");
                    let sends = if i % resend_every == 0 { 2 } else { 1 };
                    for _ in 0..sends {
                        let deadline = Instant::now() + Duration::from_secs(120);
                        loop {
                            match post(&http, &url, &token, &key, &body) {
                                Some(201) => {
                                    created.fetch_add(1, Ordering::Relaxed);
                                    break;
                                }
                                Some(200) => {
                                    replayed.fetch_add(1, Ordering::Relaxed);
                                    break;
                                }
                                other => {
                                    assert!(Instant::now() < deadline, "event {key} never taken: {other:?}");
                                    retries.fetch_add(1, Ordering::Relaxed);
                                    std::thread::sleep(Duration::from_millis(20));
                                }
                            }
                        }
                    }
                }
            })
        })
        .collect();
    // The killer: kill -9 the hub at intervals and start it again on the same port.
    let killer = {
        let (hub, done, peak, args) = (hub.clone(), done.clone(), peak.clone(), args.clone());
        std::thread::spawn(move || {
            for k in 0..kills {
                std::thread::sleep(Duration::from_millis(if quick { 200 } else { 800 }));
                if done.load(Ordering::Relaxed) {
                    break;
                }
                let old = hub.lock().ok().and_then(|mut g| g.take());
                if let Some(h) = old {
                    if let Ok(mut p) = peak.lock() {
                        *p = p.max(h.rss_mb());
                    }
                    h.kill9();
                }
                let argv: Vec<&str> = args.iter().map(String::as_str).collect();
                let fresh = Hub::start(&argv, &addr.to_string());
                eprintln!("storm: kill -9 #{}, restarted", k + 1);
                if let Ok(mut g) = hub.lock() {
                    *g = Some(fresh);
                }
            }
        })
    };
    for w in workers {
        let _ = w.join();
    }
    done.store(true, Ordering::Relaxed);
    let _ = killer.join();
    let elapsed = started.elapsed();
    if let Some(h) = hub.lock().ok().and_then(|mut g| g.take()) {
        if let Ok(mut p) = peak.lock() {
            *p = p.max(h.rss_mb());
        }
        drop(h);
    }
    let store = JournalStore::open(&journal.join("journal.sqlite"), false).expect("journal");
    let events = store.events().expect("events");
    let verified = store.verify().expect("verify").is_ok();
    let mut numbers: Vec<&str> = events.iter().map(|e| e.event.number.as_str()).collect();
    numbers.sort_unstable();
    let distinct = {
        let mut d = numbers.clone();
        d.dedup();
        d.len()
    };
    let want: usize = clients * per_client;
    let lost = want.saturating_sub(distinct);
    let duplicated = numbers.len() - distinct;
    println!(
        "\n## POST storm: {clients} clients × {per_client} events, every {resend_every}th sent twice, {kills} × kill -9 and restart"
    );
    println!(
        "| events sent | resends (on purpose) | retries (hub down) | 201 | 200 (replay) | in the journal | lost | duplicated | chain verifies | time s | hub peak RSS MB |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
    println!(
        "| {want} | {} | {} | {} | {} | {} | {lost} | {duplicated} | {verified} | {:.1} | {:.0} |",
        want / resend_every,
        retries.load(Ordering::Relaxed),
        created.load(Ordering::Relaxed),
        replayed.load(Ordering::Relaxed),
        events.len(),
        elapsed.as_secs_f64(),
        peak.lock().map_or(0.0, |g| *g)
    );
    assert_eq!((lost, duplicated), (0, 0), "events lost or duplicated");
    assert!(verified, "the journal's chain verifies");
}

fn phase_slow(quick: bool) {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = small_data(tmp.path());
    let timeout = if quick { "1" } else { "2" };
    let hub = Hub::start(&["--data", data.to_str().unwrap_or_default(), "--header-timeout", timeout], "127.0.0.1:0");
    let n = if quick { 20 } else { 1_000 };
    let mut slow: Vec<Option<TcpStream>> = (0..n)
        .map(|_| {
            TcpStream::connect(hub.addr).ok().inspect(|s| {
                let _ = s.set_nonblocking(true);
            })
        })
        .collect();
    let opened = slow.iter().filter(|s| s.is_some()).count();
    let c = client();
    let feed = hub.url("/v1/feed");
    let etag = c.get(&feed).send().ok().and_then(|r| r.headers().get("etag").cloned()).expect("etag");
    let request = b"GET /v1/feed HTTP/1.1\r\nHost: hub\r\n\r\n";
    let mut lat = Vec::new();
    let mut closed_at: Vec<Option<Duration>> = vec![None; n];
    let started = Instant::now();
    let secs = if quick { 2 } else { 5 };
    for tick in 0..secs {
        // Every slow client sends one more header byte.
        for (i, s) in slow.iter_mut().enumerate() {
            let Some(stream) = s else { continue };
            let mut buf = [0u8; 256];
            let gone = matches!(stream.read(&mut buf), Ok(0)) || stream.write_all(&request[tick..=tick]).is_err();
            if gone {
                closed_at[i] = Some(started.elapsed());
                *s = None;
            }
        }
        // A normal board polls meanwhile.
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(1) {
            let t = Instant::now();
            let ok =
                c.get(&feed).header("if-none-match", etag.clone()).send().is_ok_and(|r| r.status().as_u16() == 304);
            lat.push(t.elapsed());
            assert!(ok, "a normal client was not served");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    // Those still open: wait (bounded) for the hub to close them.
    let deadline = Instant::now() + Duration::from_secs(20);
    while slow.iter().any(Option::is_some) && Instant::now() < deadline {
        for (i, s) in slow.iter_mut().enumerate() {
            let Some(stream) = s else { continue };
            let mut buf = [0u8; 256];
            match stream.read(&mut buf) {
                Ok(0) => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                Ok(_) => continue, // an answer (408) before the close
                Err(_) => {}
            }
            closed_at[i] = Some(started.elapsed());
            *s = None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let closed = closed_at.iter().filter(|c| c.is_some()).count();
    let last_close = closed_at.iter().flatten().max().copied().unwrap_or_default();
    let first_close = closed_at.iter().flatten().min().copied().unwrap_or_default();
    println!("\n## Slow clients: {n} connections sending one header byte a second (header timeout {timeout} s)");
    println!(
        "| slow connections | closed by the hub | first / last closed after s | normal 304 polls meanwhile | p50 ms | max ms | hub RSS MB |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let polls = lat.len();
    let max = lat.iter().max().copied().unwrap_or_default();
    println!(
        "| {opened} | {closed} | {:.1} / {:.1} | {polls} | {:.2} | {:.1} | {:.0} |",
        first_close.as_secs_f64(),
        last_close.as_secs_f64(),
        pct(&mut lat, 50),
        ms(max),
        hub.rss_mb()
    );
    assert_eq!(closed, opened, "every slow connection is closed");
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let wanted: Vec<String> =
        std::env::args().skip(1).filter(|a| ["post", "load", "storm", "slow"].contains(&a.as_str())).collect();
    let on = |p: &str| wanted.is_empty() || wanted.iter().any(|w| w == p);
    if quick {
        println!("(quick check under cargo test; `cargo bench --bench hub` for the figures)");
    }
    if on("post") {
        phase_post(quick);
    }
    if on("load") {
        phase_load(quick);
    }
    if on("storm") {
        phase_storm(quick);
    }
    if on("slow") {
        phase_slow(quick);
    }
}
