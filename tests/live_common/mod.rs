//! Helpers of the live-feed tests: small feed documents, an in-process hub, bounded waits
//! for the feed client's events, and a misbehaving HTTP server. Every loop here is bounded
//! in count and in time.
#![allow(dead_code)]

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde_json::json;
use sitboard::feed::live::{FetchLimits, Health, LiveConfig, LiveEvent, LiveFeed, SourceSpec, SourceStatus};
use sitboard::feed::{LoadOutcome, registry};
use sitboard::hub::{self, HubConfig, HubHandle};
use sitboard::model::time::end_of_day;

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

/// A feed document of the province with one case report per day from `first` to `last`
/// (active cases = 10 × day number), as of the end of `last`.
pub fn feed_doc(id: &str, first: NaiveDate, last: NaiveDate) -> String {
    let mut rows = Vec::new();
    let mut d = first;
    let mut n = 0u32;
    while d <= last && n < 1000 {
        n += 1;
        rows.push(json!({"region": "230000", "date": d.to_string(), "new_confirmed": n, "active": 10 * n}));
        d = d.succ_opt().expect("next day");
    }
    let as_of = end_of_day(last).to_rfc3339();
    json!({
        "schema": "sitboard.feed/1",
        "source": {"id": id, "name": format!("test source {id}")},
        "generated_at": as_of,
        "as_of": as_of,
        "case_reports": rows,
    })
    .to_string()
}

/// Write a file so that a folder watcher never sees it half written.
pub fn write_atomic(dir: &Path, name: &str, text: &str) {
    let tmp = dir.join(format!("{name}.part"));
    std::fs::write(&tmp, text).expect("write test feed");
    std::fs::rename(&tmp, dir.join(name)).expect("rename test feed");
}

/// A hub on a free loopback port, checking its folder every 50 ms.
pub fn start_hub(dir: &Path) -> HubHandle {
    start_hub_on(dir, "127.0.0.1:0")
}

pub fn start_hub_on(dir: &Path, listen: &str) -> HubHandle {
    let mut cfg = HubConfig::new(dir, listen);
    cfg.rescan = Duration::from_millis(50);
    hub::start(cfg).expect("hub starts")
}

/// Start the hub on an address, retrying for a while (the port may still be in use for a
/// moment after the previous hub on it stopped).
pub fn restart_hub_on(dir: &Path, listen: &str) -> HubHandle {
    let started = Instant::now();
    for _ in 0..100 {
        let mut cfg = HubConfig::new(dir, listen);
        cfg.rescan = Duration::from_millis(50);
        match hub::start(cfg) {
            Ok(h) => return h,
            Err(e) if started.elapsed() < Duration::from_secs(10) => {
                eprintln!("hub restart: {e}; trying again");
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("hub does not restart on {listen}: {e}"),
        }
    }
    panic!("hub does not restart on {listen}")
}

pub fn limits_for_tests() -> FetchLimits {
    FetchLimits {
        connect_timeout: Duration::from_secs(1),
        total_timeout: Duration::from_millis(700),
        max_body: 64 * 1024,
    }
}

/// Follow URLs with the given interval and the test limits.
pub fn follow(urls: &[String], interval: Duration) -> LiveFeed {
    let config = LiveConfig {
        sources: urls.iter().map(|u| SourceSpec::new(u.clone(), u.clone(), interval)).collect(),
        files: Vec::new(),
        limits: limits_for_tests(),
        tap: None,
    };
    LiveFeed::start(config, registry::bundled().expect("bundled registry")).expect("live feed starts")
}

/// [`follow`] with an officer's token (a hub that has officers serves its feed only with one).
pub fn follow_with_token(urls: &[String], interval: Duration, token: &str) -> LiveFeed {
    let config = LiveConfig {
        sources: urls
            .iter()
            .map(|u| SourceSpec {
                token: Some(sitboard::secret::Secret::new(token.to_owned())),
                ..SourceSpec::new(u.clone(), u.clone(), interval)
            })
            .collect(),
        files: Vec::new(),
        limits: limits_for_tests(),
        tap: None,
    };
    LiveFeed::start(config, registry::bundled().expect("bundled registry")).expect("live feed starts")
}

/// What the client reported, kept across waits.
#[derive(Default)]
pub struct Seen {
    pub sources: Vec<Option<SourceStatus>>,
    pub datasets: Vec<(Box<LoadOutcome>, Instant)>,
}

impl Seen {
    pub fn status(&self, i: usize) -> Option<&SourceStatus> {
        self.sources.get(i).and_then(Option::as_ref)
    }

    pub fn latest_date(&self) -> Option<NaiveDate> {
        self.datasets.last().and_then(|(o, _)| o.dataset.dates().last().copied())
    }

    fn take(&mut self, ev: LiveEvent) {
        match ev {
            LiveEvent::Source(i, s) => {
                if self.sources.len() <= i {
                    self.sources.resize(i + 1, None);
                }
                self.sources[i] = Some(s);
            }
            LiveEvent::Data { outcome, at, .. } => self.datasets.push((outcome, at)),
        }
    }
}

/// Take events until `done` holds or `timeout` passes; returns whether `done` held.
pub fn wait_until(
    rx: &Receiver<LiveEvent>,
    seen: &mut Seen,
    timeout: Duration,
    mut done: impl FnMut(&Seen) -> bool,
) -> bool {
    let deadline = Instant::now() + timeout;
    for _ in 0..1_000_000 {
        if done(seen) {
            return true;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return done(seen);
        }
        match rx.recv_timeout(left.min(Duration::from_millis(50))) {
            Ok(ev) => seen.take(ev),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return done(seen),
        }
    }
    done(seen)
}

pub fn health(seen: &Seen, i: usize) -> Option<Health> {
    seen.status(i).map(|s| s.health)
}

/// A misbehaving HTTP server: each path answers in one of the ways real servers and
/// proxies fail. Stops when dropped (its accept loop is bounded to a minute anyway).
pub struct FaultServer {
    pub addr: std::net::SocketAddr,
    stop: Arc<AtomicBool>,
}

impl FaultServer {
    pub fn start(good_doc: String) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fault server");
        let addr = listener.local_addr().expect("fault server address");
        listener.set_nonblocking(true).expect("nonblocking accept");
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let good = Arc::new(good_doc);
        std::thread::spawn(move || {
            let started = Instant::now();
            while !stop2.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(60) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let good = good.clone();
                        let stop3 = stop2.clone();
                        std::thread::spawn(move || answer(stream, &good, &stop3));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        FaultServer { addr, stop }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn answer(mut s: TcpStream, good: &str, stop: &AtomicBool) {
    let _ = s.set_nonblocking(false);
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let respond = |s: &mut TcpStream, status: &str, ctype: &str, body: &[u8]| {
        let h = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(h.as_bytes());
        let _ = s.write_all(body);
    };
    match path.as_str() {
        "/good" => respond(&mut s, "200 OK", "application/json", good.as_bytes()),
        "/html" => respond(
            &mut s,
            "200 OK",
            "text/html",
            b"<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>",
        ),
        "/truncated" => {
            let cut = &good.as_bytes()[..good.len() / 2];
            respond(&mut s, "200 OK", "application/json", cut)
        }
        "/500" => respond(&mut s, "500 Internal Server Error", "text/plain", b"internal server error"),
        "/slow" => {
            // Headers at once, then ten bytes every 100 ms: a complete answer would take
            // 20 s, far beyond the client's deadline.
            let h = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n";
            if s.write_all(h.as_bytes()).is_err() {
                return;
            }
            for _ in 0..200 {
                if stop.load(Ordering::Relaxed) || s.write_all(b"          ").is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        "/big" => respond(&mut s, "200 OK", "application/json", &vec![b' '; 200_000]),
        "/big-stream" => {
            // No Content-Length: the body ends when the connection closes, so only counting
            // the bytes read can stop it.
            let h = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
            if s.write_all(h.as_bytes()).is_err() {
                return;
            }
            for _ in 0..50 {
                if s.write_all(&[b' '; 4096]).is_err() {
                    return;
                }
            }
        }
        _ => respond(&mut s, "404 Not Found", "text/plain", b"not found"),
    }
}

/// A proxy in front of the hub that loses answers: of the POSTs it sees, every third is
/// passed on but its answer is dropped (the hub wrote the event, the client does not know),
/// and every fifth is dropped before reaching the hub. Everything else passes through.
pub struct FlakyProxy {
    pub addr: std::net::SocketAddr,
    stop: Arc<AtomicBool>,
    pub lost_answers: Arc<std::sync::atomic::AtomicUsize>,
    pub dropped_requests: Arc<std::sync::atomic::AtomicUsize>,
}

impl FlakyProxy {
    pub fn start(upstream: std::net::SocketAddr) -> FlakyProxy {
        use std::sync::atomic::AtomicUsize;
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        listener.set_nonblocking(true).expect("nonblocking accept");
        let stop = Arc::new(AtomicBool::new(false));
        let lost = Arc::new(AtomicUsize::new(0));
        let dropped = Arc::new(AtomicUsize::new(0));
        let posts = Arc::new(AtomicUsize::new(0));
        let (stop2, lost2, dropped2) = (stop.clone(), lost.clone(), dropped.clone());
        std::thread::spawn(move || {
            let started = Instant::now();
            while !stop2.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(120) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let (posts, lost, dropped) = (posts.clone(), lost2.clone(), dropped2.clone());
                        std::thread::spawn(move || relay(client, upstream, &posts, &lost, &dropped));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        FlakyProxy { addr, stop, lost_answers: lost, dropped_requests: dropped }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for FlakyProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Read one HTTP/1.1 message (head + Content-Length body) from a stream.
fn read_message(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut msg = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = msg.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        if msg.len() > 1 << 20 {
            return None;
        }
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => msg.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&msg[..head_end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
        .unwrap_or(0);
    while msg.len() < head_end + len {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => msg.extend_from_slice(&buf[..n]),
        }
    }
    Some(msg)
}

fn relay(
    mut client: TcpStream,
    upstream: std::net::SocketAddr,
    posts: &std::sync::atomic::AtomicUsize,
    lost: &std::sync::atomic::AtomicUsize,
    dropped: &std::sync::atomic::AtomicUsize,
) {
    let _ = client.set_nonblocking(false);
    let _ = client.set_read_timeout(Some(Duration::from_secs(5)));
    // One request per connection (keep-alive requests after the first are refused by
    // closing, which clients treat as a closed idle connection).
    let Some(request) = read_message(&mut client) else { return };
    let is_post = request.starts_with(b"POST");
    let n = if is_post { posts.fetch_add(1, Ordering::Relaxed) + 1 } else { 0 };
    if is_post && n % 5 == 0 {
        dropped.fetch_add(1, Ordering::Relaxed);
        return;
    }
    let Ok(mut up) = TcpStream::connect(upstream) else { return };
    let _ = up.set_read_timeout(Some(Duration::from_secs(10)));
    // Ask the hub to close after answering (one request per connection).
    if up.write_all(&with_close(&request)).is_err() {
        return;
    }
    let Some(answer) = read_message(&mut up) else { return };
    if is_post && n % 3 == 0 {
        lost.fetch_add(1, Ordering::Relaxed);
        return;
    }
    let _ = client.write_all(&with_close(&answer));
}

/// The message with `Connection: close` instead of any connection header it had.
fn with_close(msg: &[u8]) -> Vec<u8> {
    let Some(end) = msg.windows(4).position(|w| w == b"\r\n\r\n") else { return msg.to_vec() };
    let head = String::from_utf8_lossy(&msg[..end]);
    let mut out = String::new();
    for line in head.split("\r\n") {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&msg[end + 4..]);
    bytes
}
