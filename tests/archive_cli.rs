//! `sitboard archive` end to end, through the real binary: an archive built with the library
//! from the bundled demo documents (each its own source, then a copy of one with a changed
//! `as_of`), then `info --json`, `verify`, `export` of a time range (and `verify` of the
//! export), and `verify` of a copy changed with SQLite directly, which names the snapshot.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use rusqlite::Connection;
use serde_json::Value;
use sitboard::store::archive::{ArchiveReader, ArchiveWriter};

fn sitboard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sitboard"))
        .args(["--config", "/nonexistent/no-config.toml", "archive"])
        .args(args)
        .output()
        .expect("run the sitboard binary")
}

fn run(args: &[&str], code: i32) -> (String, String) {
    let o = sitboard(args);
    let (out, err) = (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned());
    assert_eq!(o.status.code(), Some(code), "sitboard archive {args:?}:\n{out}\n{err}");
    (out, err)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// 2022-11-20 08:00 in Beijing (00:00 UTC) plus `m` minutes.
fn at(m: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 11, 20, 0, 0, 0).unwrap() + Duration::minutes(m)
}

/// Every bundled demo document at minutes 0, 1, …; then Harbin again with `as_of` a day
/// later at minute 60, and two days later at minute 120. Returns the path and how many.
fn build(dir: &Path) -> (PathBuf, usize) {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&demo)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    let path = dir.join("board.sitarchive");
    let mut w = ArchiveWriter::create_or_open(&path).unwrap();
    let mut harbin = None;
    for (i, f) in files.iter().enumerate() {
        let body = std::fs::read_to_string(f).unwrap();
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        let r = w.record(&name, at(i as i64), &body).unwrap();
        assert_eq!((r.seq, r.unchanged), (i as u64 + 1, false));
        if name.starts_with("harbin") {
            harbin = Some((name, body));
        }
    }
    w.checkpoint().unwrap();
    let once = std::fs::metadata(&path).unwrap().len();
    let (name, body) = harbin.unwrap();
    for (k, minute) in [(1, 60), (2, 120)] {
        let mut v: serde_json::Map<String, Value> = serde_json::from_str(&body).unwrap();
        v.insert("as_of".into(), Value::String(format!("2022-12-0{k}T16:00:00Z")));
        let r = w.record(&name, at(minute), &Value::Object(v).to_string()).unwrap();
        assert!(!r.unchanged);
        assert!(r.bytes_added < 2048, "only the as_of section and a row: {r:?}");
    }
    w.checkpoint().unwrap();
    let twice = std::fs::metadata(&path).unwrap().len();
    eprintln!("{} demo documents: archive {once} B; +{} B for two copies with a new as_of", files.len(), twice - once);
    (path, files.len() + 2)
}

#[test]
fn info_verify_and_export_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let (path, n) = build(dir.path());

    let (out, _) = run(&["info", s(&path), "--json"], 0);
    let info: Value = serde_json::from_str(&out).unwrap();
    // On the archive's clock: the documents' as_of (2020-04-30 24:00 … the second Harbin copy).
    assert_eq!(info["first"], "2020-04-30T16:00:00.000Z");
    assert_eq!(info["last"], "2022-12-02T16:00:00.000Z");
    assert_eq!(info["snapshots"], n as u64);
    assert_eq!(info["sources"].as_array().unwrap().len(), n - 2);
    let harbin = info["sources"].as_array().unwrap().iter().find(|s| s["name"].as_str().unwrap().starts_with("harbin"));
    assert_eq!(harbin.unwrap()["snapshots"], 3);
    assert_eq!((info["verified"].as_bool(), info["damage"].is_null()), (Some(true), true));
    assert_eq!(info["format"], 1);
    assert!(info["bytes"].as_u64().unwrap() > 10_000);
    let (text, _) = run(&["info", s(&path)], 0);
    assert!(text.contains("verified") && text.contains("2022-11-20 08:00 UTC+8"), "{text}");

    let (out, _) = run(&["verify", s(&path)], 0);
    assert!(out.contains(&format!("{n} snapshots verified")), "{out}");

    // UTC and Beijing time in: 12-01 12:00 UTC … 12-02 20:00 Beijing holds the first Harbin
    // copy (as of 12-01 16:00 UTC) only; the export adds every source's newest snapshot
    // before the range.
    let out_path = dir.path().join("exports/morning.sitarchive");
    let (out, _) = run(
        &["export", s(&path), "--from", "2022-12-01T12:00:00Z", "--to", "2022-12-02 20:00", "--out", s(&out_path)],
        0,
    );
    assert!(out.contains(&format!("exported {} snapshots", n - 1)) && out.contains("1 in the range"), "{out}");
    let (out, _) = run(&["verify", s(&out_path)], 0);
    assert!(out.contains(&format!("{} snapshots verified", n - 1)), "{out}");
    let export = ArchiveReader::open(&out_path).unwrap();
    let original = ArchiveReader::open(&path).unwrap();
    let bodies = |r: &ArchiveReader| -> Vec<(String, String)> {
        let t = Utc.with_ymd_and_hms(2022, 12, 2, 0, 0, 0).unwrap();
        r.documents_at(t).unwrap().into_iter().map(|d| (d.source, d.body)).collect()
    };
    assert_eq!(bodies(&export), bodies(&original));
    assert!(std::fs::metadata(&out_path).unwrap().len() <= std::fs::metadata(&path).unwrap().len());
    // Never over an existing file; a time that is not one is refused.
    let (_, err) = run(&["export", s(&path), "--out", s(&out_path)], 2);
    assert!(err.contains("already exists"), "{err}");
    let (_, err) = run(&["export", s(&path), "--from", "yesterday", "--out", s(&dir.path().join("x"))], 2);
    assert!(err.contains("--from"), "{err}");

    // A copy changed outside Sitboard: verify names the snapshot.
    let bad = dir.path().join("changed.sitarchive");
    std::fs::copy(&path, &bad).unwrap();
    let c = Connection::open(&bad).unwrap();
    c.execute_batch(
        "DROP TRIGGER snapshots_no_update; UPDATE snapshots SET received = '2022-11-20T00:02:30.000Z' WHERE seq = 3;",
    )
    .unwrap();
    drop(c);
    let (_, err) = run(&["verify", s(&bad)], 1);
    assert!(err.contains("snapshot 3 from") && err.contains("does not match its hash"), "{err}");
    let (out, _) = run(&["info", s(&bad), "--json"], 1);
    let info: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((info["verified"].as_bool(), info["snapshots"].as_u64()), (Some(false), Some(2)));
    assert!(info["damage"].as_str().unwrap().contains("snapshot 3"), "{info}");

    // Not an archive at all: a clear error, exit 2.
    let (_, err) = run(&["verify", s(&dir.path().join("missing.sitarchive"))], 2);
    assert!(err.contains("no archive at"), "{err}");
}

#[test]
fn prune_keeps_the_last_days_and_what_is_left_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("days.sitarchive");
    {
        let mut w = ArchiveWriter::create_or_open(&path).unwrap();
        for d in 0..10 {
            let t = at(d * 24 * 60);
            let body = serde_json::json!({"schema": "sitboard.feed/1", "as_of": t.to_rfc3339(), "day": d}).to_string();
            w.record("cases", t, &body).unwrap();
        }
    }
    let (_, err) = run(&["prune", s(&path)], 2);
    assert!(err.contains("--keep-days"), "{err}");
    let (out, _) = run(&["prune", s(&path), "--keep-days", "3"], 0);
    assert!(out.contains("removed 6 snapshots"), "{out}");
    let (out, _) = run(&["verify", s(&path)], 0);
    assert!(out.contains("4 snapshots verified"), "{out}");
    let r = ArchiveReader::open(&path).unwrap();
    assert_eq!(r.snapshots().first().map(|m| m.seq), Some(7));
    assert_eq!(r.snapshots().len(), 4);
    let (out, _) = run(&["prune", s(&path), "--keep-days", "3"], 0);
    assert!(out.contains("nothing is older"), "{out}");
}
