//! The `sitboard-hub` binary as an operator runs it (a child process; its first line gives
//! the address): it serves the bundled demo with a strong ETag, 304 and gzip; `sitboard
//! report --data URL` reads it and prints exactly what it prints from the files; the live
//! demo advances its day; `token add` prints a token once and stores only its hash; and
//! `sitboard journal issue --hub … --token …` queues a directive while the hub is down and
//! `sitboard journal sync` pushes it once the hub is back. Every wait is bounded.

mod live_common;

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use live_common::*;
use serde_json::Value;

const HUB: &str = env!("CARGO_BIN_EXE_sitboard-hub");
const BOARD: &str = env!("CARGO_BIN_EXE_sitboard");

/// A hub child process, killed when dropped.
struct HubProcess {
    child: Child,
    url: String,
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `sitboard-hub ARGS --listen 127.0.0.1:0` and read the address from its first line
/// (bounded: 120 s, the demo takes a few seconds to merge in a debug build).
fn spawn_hub(args: &[&str]) -> HubProcess {
    let mut child = Command::new(HUB)
        .args(args)
        .args(["--listen", "127.0.0.1:0", "--no-archive"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sitboard-hub");
    let stdout = child.stdout.take().expect("hub stdout");
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(120)).expect("the hub prints its address");
    let url = line.trim().strip_prefix("listening on ").expect("first line: listening on http://ADDR").to_owned();
    assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"), "a real port: {url}");
    HubProcess { child, url }
}

fn get(url: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let resp = reqwest::blocking::Client::new().get(url).send().expect("GET");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.text().unwrap_or_default())
}

fn sitboard(args: &[&str]) -> std::process::Output {
    Command::new(BOARD)
        .args(["--config", "/nonexistent/sitboard.toml", "--lang", "en"])
        .args(args)
        .output()
        .expect("run sitboard")
}

#[test]
fn the_hub_serves_the_demo_and_report_reads_it_as_from_the_files() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let hub = spawn_hub(&["--data", demo.to_str().unwrap()]);

    let (status, _, body) = get(&format!("{}/v1/health", hub.url));
    assert_eq!(status, 200);
    let health: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["documents"], 7);
    assert_eq!(health["problems"].as_array().map(Vec::len), Some(0));

    // Strong ETag; 304 on If-None-Match, nothing sent again; gzip when asked.
    let feed = format!("{}/v1/feed", hub.url);
    let client = reqwest::blocking::Client::builder().gzip(false).build().unwrap();
    let full = client.get(&feed).send().unwrap();
    assert_eq!(full.status().as_u16(), 200);
    let etag = full.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "strong ETag: {etag}");
    let plain_len = full.bytes().unwrap().len();
    let again = client.get(&feed).header("if-none-match", &etag).send().unwrap();
    assert_eq!(again.status().as_u16(), 304);
    assert!(again.bytes().unwrap().is_empty());
    let zipped = client.get(&feed).header("accept-encoding", "gzip").send().unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let zipped_etag = zipped.headers()["etag"].to_str().unwrap().to_owned();
    let zipped_len = zipped.bytes().unwrap().len();
    eprintln!("feed: {plain_len} bytes, {zipped_len} gzip");
    assert!(zipped_len * 5 < plain_len);
    let again = client.get(&feed).header("accept-encoding", "gzip").header("if-none-match", &zipped_etag).send();
    assert_eq!(again.unwrap().status().as_u16(), 304);

    // `sitboard report --data URL`: the same figures as from the files, to the byte.
    let args = ["report", "--date", "2020-03-03", "--region", "230000", "--json"];
    let from_hub = sitboard(&[&args[..], &["--data", &feed]].concat());
    let from_files = sitboard(&[&args[..], &["--data", demo.to_str().unwrap()]].concat());
    assert!(from_hub.status.success(), "{}", String::from_utf8_lossy(&from_hub.stderr));
    assert_eq!(String::from_utf8_lossy(&from_hub.stdout), String::from_utf8_lossy(&from_files.stdout));
    let v: Value = serde_json::from_slice(&from_hub.stdout).unwrap();
    assert_eq!(v["figures"]["active"]["value"], 95);
    // The synthetic throughput stays marked synthetic through the hub.
    let sources = v["sources"].as_array().unwrap();
    assert!(sources.iter().any(|s| s["synthetic"] == true && s["id"] == "demo-throughput-synthetic"));
    let check = sitboard(&["check", &feed]);
    assert!(check.status.success());
    assert!(String::from_utf8_lossy(&check.stdout).contains("0 rejected"));
}

#[test]
fn the_live_demo_advances_one_day_at_a_time_and_serves_only_rows_up_to_it() {
    let dir = tempfile::tempdir().unwrap();
    write_atomic(dir.path(), "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-30")));
    let hub = spawn_hub(&["--data", dir.path().to_str().unwrap(), "--demo-speed", "0.5", "--demo-start", "2020-03-05"]);
    let feed = format!("{}/v1/feed", hub.url);
    let read = || {
        let (_, _, body) = get(&feed);
        let doc: Value = serde_json::from_str(&body).unwrap();
        let last =
            doc["case_reports"].as_array().unwrap().iter().filter_map(|r| r["date"].as_str()).max().map(str::to_owned);
        (doc["as_of"].as_str().unwrap().to_owned(), last.unwrap())
    };
    let (as_of_1, last_1) = read();
    assert!(last_1.as_str() >= "2020-03-05" && last_1.as_str() < "2020-03-30", "{last_1}");
    let started = Instant::now();
    let mut advanced = None;
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(100));
        let (as_of, last) = read();
        if last > last_1 {
            advanced = Some((as_of, last));
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the demo did not advance");
    }
    let (as_of_2, last_2) = advanced.expect("the demo advances");
    eprintln!("demo: {last_1} ({as_of_1}) → {last_2} ({as_of_2}) in {} ms", started.elapsed().as_millis());
    assert!(as_of_2 > as_of_1);
    // The document is as of the end of the last day it serves.
    let end = sitboard::model::time::end_of_day(day(&last_2));
    assert_eq!(chrono::DateTime::parse_from_rfc3339(&as_of_2).unwrap().to_utc(), end);
}

#[test]
fn token_add_prints_the_token_once_and_stores_only_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.toml");
    let out =
        Command::new(HUB).args(["token", "add", "zhang.wei", "--tokens", file.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.trim();
    assert_eq!(stdout.lines().count(), 1, "only the token on stdout: {stdout}");
    assert!(token.starts_with("sbt_"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not shown again"));
    let stored = std::fs::read_to_string(&file).unwrap();
    assert!(!stored.contains(token));
    assert!(stored.contains(&sitboard::hub::tokens::hash_token(token)));
    assert!(stored.contains("zhang.wei"));
    let bad = Command::new(HUB).args(["token", "add", "", "--tokens", file.to_str().unwrap()]).output().unwrap();
    assert!(!bad.status.success());
}

#[test]
fn journal_issue_queues_while_the_hub_is_down_and_sync_pushes_it_when_it_is_back() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    write_atomic(&data, "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-03")));
    let tokens = tmp.path().join("tokens.toml");
    let token = sitboard::hub::tokens::add(&tokens, "li.na").unwrap();
    let desk = tmp.path().join("desk");
    let hub_args = |journal: &Path| -> Vec<String> {
        [
            "--data",
            data.to_str().unwrap(),
            "--tokens",
            tokens.to_str().unwrap(),
            "--journal-dir",
            journal.to_str().unwrap(),
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let journal_dir = tmp.path().join("hub-journal");
    let args: Vec<String> = hub_args(&journal_dir);
    // Find a port, then stop the hub: the desktop works offline.
    let url = {
        let h = spawn_hub(&args.iter().map(String::as_str).collect::<Vec<_>>());
        h.url.clone()
    };
    let issue = sitboard(&[
        "journal",
        "issue",
        "--data-dir",
        desk.to_str().unwrap(),
        "--hub",
        &url,
        "--token",
        &token,
        "--number",
        "哈指7号",
        "--issuer",
        "哈尔滨市指挥部",
        "--title",
        "关于道里区交通管制的通告",
        "--scope",
        "230102",
        "--officer",
        "li.na",
    ]);
    assert!(issue.status.success(), "saved locally even offline: {}", String::from_utf8_lossy(&issue.stderr));
    let err = String::from_utf8_lossy(&issue.stderr);
    assert!(err.contains("pending sync: 1 event"), "{err}");
    assert!(err.contains("cannot connect"), "{err}");

    // The hub is back on the same port: `journal sync` pushes the queue.
    let port = url.rsplit(':').next().unwrap();
    let mut child = Command::new(HUB)
        .args(&args)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--no-archive"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(60)).unwrap();
    let _hub = HubProcess { child, url: line.trim().replace("listening on ", "") };
    let sync = sitboard(&["journal", "sync", "--data-dir", desk.to_str().unwrap(), "--hub", &url, "--token", &token]);
    let out = String::from_utf8_lossy(&sync.stdout);
    assert!(sync.status.success(), "{out} {}", String::from_utf8_lossy(&sync.stderr));
    assert!(out.contains("pushed to the hub") && out.contains("event 1 → hub event 1"), "{out}");
    // Nothing left: a second sync pushes nothing and succeeds.
    let again = sitboard(&["journal", "sync", "--data-dir", desk.to_str().unwrap(), "--hub", &url, "--token", &token]);
    assert!(again.status.success());
    assert!(!String::from_utf8_lossy(&again.stdout).contains("pushed"));
    // The hub publishes it to every board (with a token: the hub has officers).
    assert_eq!(get(&format!("{url}/v1/feed")).0, 401, "the feed needs a token when the hub has tokens");
    let resp = reqwest::blocking::Client::new().get(format!("{url}/v1/feed")).bearer_auth(&token).send().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body = resp.text().unwrap();
    let doc: Value = serde_json::from_str(&body).unwrap();
    let d = &doc["directives"][0];
    assert_eq!(d["number"], "哈指7号");
    assert_eq!(d["source"], "sitboard-hub");
    // A wrong token: the event stays queued and the command says why.
    let issue = sitboard(&[
        "journal",
        "issue",
        "--data-dir",
        desk.to_str().unwrap(),
        "--hub",
        &url,
        "--token",
        "sbt_wrong",
        "--number",
        "哈指8号",
        "--issuer",
        "哈尔滨市指挥部",
        "--title",
        "解除管制",
        "--scope",
        "230102",
        "--officer",
        "li.na",
    ]);
    let err = String::from_utf8_lossy(&issue.stderr);
    assert!(issue.status.success() && err.contains("refused the token"), "{err}");
}
