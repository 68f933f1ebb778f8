//! Crash safety and concurrency of the directive journal, with real processes: a writer
//! killed with SIGKILL at arbitrary moments loses no event it reported as saved and never
//! leaves a journal that fails verification; two processes writing to the same journal at
//! once lose nothing.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use sitboard::store::journal::{JournalStore, journal_path};

fn soak(dir: &Path, tag: &str, count: u64) -> Child {
    Command::new(env!("CARGO_BIN_EXE_sitboard"))
        .args(["journal", "soak", "--tag", tag, "--count", &count.to_string(), "--data-dir"])
        .arg(dir)
        .arg("--config")
        .arg(dir.join("no-config.toml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sitboard journal soak")
}

/// Parse `saved SEQ HASH` lines.
fn saved_line(line: &str) -> Option<(u64, String)> {
    let mut parts = line.split_whitespace();
    (parts.next()? == "saved").then_some(())?;
    Some((parts.next()?.parse().ok()?, parts.next()?.to_owned()))
}

/// Every event the writer reported as saved is in the journal with the same hash, and the
/// whole chain verifies.
fn check(dir: &Path, reported: &BTreeMap<u64, String>) -> usize {
    let store = JournalStore::open(&journal_path(dir), false).expect("the journal opens after the kill");
    let verified = store.verify().expect("verify runs");
    assert!(verified.is_ok(), "the journal must verify after a kill: {verified:?}");
    let events = store.events().unwrap();
    let by_seq: BTreeMap<u64, &str> = events.iter().map(|e| (e.seq, e.hash.as_str())).collect();
    for (seq, hash) in reported {
        assert_eq!(
            by_seq.get(seq).copied(),
            Some(hash.as_str()),
            "event {seq} was reported saved but is not in the journal"
        );
    }
    events.len()
}

#[test]
fn killing_a_writer_loses_no_saved_event_and_never_corrupts_the_journal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut reported: BTreeMap<u64, String> = BTreeMap::new();
    // Several rounds on the same journal, each killed at a different moment.
    for (round, kill_after_ms) in [150u64, 420, 777, 1013, 60].into_iter().enumerate() {
        let mut child = soak(dir, &format!("kill{round}"), 1_000_000);
        let stdout = child.stdout.take().expect("child stdout");
        let (tx, rx) = channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(s) = saved_line(&line) {
                    let _ = tx.send(s);
                }
            }
        });
        // Wait for the first saved event (the child has opened the journal), then a while.
        let first = rx.recv_timeout(Duration::from_secs(60)).expect("the writer saves a first event");
        reported.insert(first.0, first.1);
        std::thread::sleep(Duration::from_millis(kill_after_ms));
        child.kill().expect("SIGKILL the writer");
        let _ = child.wait();
        reader.join().unwrap();
        let before = reported.len();
        reported.extend(rx.try_iter());
        assert!(
            reported.len() > before || kill_after_ms < 100,
            "round {round}: the writer saved events before the kill"
        );
        let total = check(dir, &reported);
        assert!(total >= reported.len());
    }
    // And the journal still takes new events after all those kills.
    let mut child = soak(dir, "after", 3);
    let status = child.wait().unwrap();
    assert!(status.success());
    check(dir, &reported);
}

#[test]
fn two_processes_writing_at_once_lose_no_event() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    const N: u64 = 150;
    let started = Instant::now();
    let children: Vec<Child> = ["a", "b"].into_iter().map(|tag| soak(dir, tag, N)).collect();
    let mut reported: BTreeMap<u64, String> = BTreeMap::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "a writer failed: {stderr}");
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let (seq, hash) = saved_line(line).expect("saved line");
            assert!(reported.insert(seq, hash).is_none(), "two writers got the same sequence number {seq}");
        }
    }
    // Each writer: one issue and N acknowledgments.
    assert_eq!(reported.len() as u64, 2 * (N + 1));
    let total = check(dir, &reported);
    assert_eq!(total as u64, 2 * (N + 1), "written in {:?}", started.elapsed());
    let journal = JournalStore::open(&journal_path(dir), false).unwrap().load().unwrap();
    assert!(journal.problems.is_empty());
    for tag in ["a", "b"] {
        let r = journal.find(&format!("SOAK-{tag}"), None).unwrap();
        assert_eq!(r.acknowledgments.len() as u64, N);
    }
}
