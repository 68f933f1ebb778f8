//! Tests of the snapshot archive: recording and reading back, deduplication (file sizes
//! measured), lookups by instant, integrity, bad files of every kind, a reader while a
//! writer appends, a full disk, and exports.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, TimeZone as _, Utc};
use rusqlite::Connection;
use serde_json::{Value, json};

use super::*;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn at_minute(m: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 11, 20, 0, 0, 0).unwrap() + chrono::Duration::minutes(m)
}

fn demo(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo").join(name)).unwrap()
}

fn parse(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

/// A small document with its own as_of and a payload.
fn doc(as_of: &str, payload: Value) -> String {
    json!({"schema": "sitboard.feed/1", "as_of": as_of, "payload": payload}).to_string()
}

fn size_after_checkpoint(w: &mut ArchiveWriter) -> u64 {
    w.checkpoint().unwrap();
    std::fs::metadata(w.path()).unwrap().len()
}

/// An archive of `n` snapshots from three sources, closed (no write-ahead log left).
fn sample(dir: &Path, n: u64) -> PathBuf {
    let path = dir.join("sample.sitarchive");
    let mut w = ArchiveWriter::create_or_open(&path).unwrap();
    let mut seed = 7u64;
    for i in 0..n {
        // Incompressible-ish rows so that the file spans many pages.
        let rows: Vec<String> = (0..40).map(|_| format!("{:016x}", next(&mut seed))).collect();
        // The data is current to the instant it is received (the archive's clock is `as_of`).
        let body = doc(&at_minute(i as i64).to_rfc3339(), json!({"i": i, "rows": rows}));
        w.record(["a", "b", "c"][(i % 3) as usize], at_minute(i as i64), &body).unwrap();
    }
    drop(w);
    assert!(!companion(&path, "-wal").exists());
    path
}

fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn records_and_reads_back_in_key_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep/er/a.sitarchive");
    let mut w = ArchiveWriter::create_or_open(&path).unwrap();
    let body = r#"{ "zeta": [1, 2.5, "三"], "as_of": "2020-02-02T00:00:00+08:00", "alpha": {"y": null, "b": true} }"#;
    let received = t("2020-02-01T16:00:05.123456Z");
    let r1 = w.record("harbin", received, body).unwrap();
    assert_eq!((r1.seq, r1.unchanged), (1, false));
    let r2 = w.record("harbin", received + chrono::Duration::seconds(5), body).unwrap();
    assert_eq!((r2.seq, r2.unchanged), (2, true));
    assert!(r2.bytes_added < 1024, "{r2:?}");
    assert!(matches!(w.record("x", received, "[1, 2]"), Err(ArchiveError::BadDocument(_))));
    assert!(matches!(w.record("x", received, "{\"a\": "), Err(ArchiveError::BadDocument(_))));
    let far = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
    assert!(matches!(w.record("x", far, "{}"), Err(ArchiveError::BadTime(_))));
    drop(w);

    let r = ArchiveReader::open(&path).unwrap();
    assert_eq!(r.damage(), None);
    let s = r.snapshots();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].received, t("2020-02-01T16:00:05.123Z"), "kept to the millisecond");
    assert_eq!(s[0].as_of, Some(t("2020-02-01T16:00:00Z")));
    let d = r.document(1).unwrap();
    assert_eq!(parse(&d.body), parse(body));
    assert!(d.body.starts_with(r#"{"zeta":[1,2.5,"三"],"as_of":"#), "{}", d.body);
    assert_eq!(d.body.len() as u64, s[0].body_len);
    assert_eq!(r.document(2).unwrap().body, d.body);
    assert!(matches!(r.document(3), Err(ArchiveError::NoSnapshot { seq: 3, count: 2, .. })));
    assert!(matches!(r.document(0), Err(ArchiveError::NoSnapshot { .. })));
    let info = r.info();
    assert_eq!((info.format, info.snapshots), (FORMAT_NEW, 2));
    assert_eq!(info.sources, vec![("harbin".to_owned(), 2)]);
    assert_eq!(r.verify().unwrap().snapshots, 2);

    // Reopened for appending, the chain goes on.
    let mut w = ArchiveWriter::create_or_open(&path).unwrap();
    assert_eq!(w.record("other", received, r#"{"as_of": 5}"#).unwrap().seq, 3);
    w.record("other", received, r#"{"as_of": "0000-01-01T00:00:00+01:00"}"#).unwrap();
    drop(w);
    let r = ArchiveReader::open(&path).unwrap();
    assert_eq!(r.snapshots()[2].as_of, None, "not an RFC 3339 string");
    assert_eq!(r.snapshots()[3].as_of, None, "before the year 0000 in UTC");
    assert_eq!(r.verify().unwrap().snapshots, 4);
}

#[test]
fn documents_at_takes_each_sources_newest_at_or_before() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sitarchive");
    let mut w = ArchiveWriter::create_or_open(&path).unwrap();
    // The archive's clock is the data's `as_of`.
    let asof = |m: i64| at_minute(m).to_rfc3339();
    w.record("cases", at_minute(0), &doc(&asof(0), json!(0))).unwrap();
    w.record("status", at_minute(5), &doc(&asof(5), json!("s0"))).unwrap();
    w.record("cases", at_minute(10), &doc(&asof(10), json!(1))).unwrap();
    // Received late (a file current to minute 7, arriving after minute 10): it is found by
    // its instant, not its number.
    w.record("cases", at_minute(12), &doc(&asof(7), json!(2))).unwrap();
    drop(w);
    let r = ArchiveReader::open(&path).unwrap();
    let at = |m: i64| -> Vec<(String, Value)> {
        r.documents_at(at_minute(m))
            .unwrap()
            .into_iter()
            .map(|d| (d.source, parse(&d.body)["payload"].clone()))
            .collect()
    };
    assert!(r.documents_at(at_minute(-1)).unwrap().is_empty());
    assert_eq!(at(0), vec![("cases".into(), json!(0))]);
    assert_eq!(at(5), vec![("cases".into(), json!(0)), ("status".into(), json!("s0"))]);
    assert_eq!(at(7), vec![("status".into(), json!("s0")), ("cases".into(), json!(2))]);
    assert_eq!(at(60), vec![("status".into(), json!("s0")), ("cases".into(), json!(1))]);
}

/// The file sizes the issue asks for, on the bundled demo documents.
#[test]
fn sections_are_stored_once_and_measured() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dedup.sitarchive");
    let mut w = ArchiveWriter::create_or_open(&path).unwrap();
    let empty = size_after_checkpoint(&mut w);
    let body = demo("hlj-2020-status.json");
    let first = w.record("status", at_minute(0), &body).unwrap();
    let after_first = size_after_checkpoint(&mut w);
    let again = w.record("status", at_minute(1), &body).unwrap();
    let after_again = size_after_checkpoint(&mut w);
    assert!(again.unchanged && !first.unchanged);
    assert!(after_again - after_first <= 2048, "{after_first} → {after_again}");
    // Averaged over many polls, as the file grows by whole pages.
    for m in 2..42 {
        assert!(w.record("status", at_minute(m), &body).unwrap().unchanged);
    }
    let after_many = size_after_checkpoint(&mut w);
    let per_poll = (after_many - after_again) / 40;
    assert!(per_poll <= 2048, "{per_poll} bytes per unchanged poll");

    // One changed section (a different risk level list) costs about that section compressed.
    let mut v: serde_json::Map<String, Value> = serde_json::from_str(&body).unwrap();
    let risk = v["risk_levels"].as_array().unwrap().clone();
    let risk_compressed = sections::compress(&Value::Array(risk.clone()).to_string()).unwrap().len() as u64;
    let mut changed_total = 0;
    for k in 0..10 {
        let mut r = risk.clone();
        r.truncate(risk.len() - 1 - k);
        v.insert("risk_levels".into(), Value::Array(r));
        let rec = w.record("status", at_minute(100 + k as i64), &Value::Object(v.clone()).to_string()).unwrap();
        assert!(!rec.unchanged);
        changed_total += rec.bytes_added;
    }
    let after_changes = size_after_checkpoint(&mut w);
    let per_change = (after_changes - after_many) / 10;
    let first_cost = after_first - empty;
    assert!(per_change <= risk_compressed + 2048, "{per_change} > {risk_compressed} + 2048");
    assert!(per_change < first_cost, "{per_change} vs {first_cost}");
    eprintln!(
        "archive sizes: empty {empty} B; first record of hlj-2020-status.json ({} B of JSON) +{first_cost} B \
         (bytes_added {}); unchanged re-record +{} B once, {per_poll} B on average over 40; one changed section \
         (risk_levels, {risk_compressed} B compressed) {per_change} B on average over 10 (bytes_added {} on average)",
        body.len(),
        first.bytes_added,
        after_again - after_first,
        changed_total / 10
    );
    drop(w);
    assert_eq!(ArchiveReader::open(&path).unwrap().verify().unwrap().snapshots, 52);
}

/// Raw SQL on a copy, as someone editing the file outside Sitboard would.
fn tamper(path: &Path, sql: &str) {
    let c = Connection::open(path).unwrap();
    c.execute_batch(
        "DROP TRIGGER snapshots_no_update; DROP TRIGGER snapshots_no_delete;
         DROP TRIGGER blobs_no_update; DROP TRIGGER blobs_no_delete;",
    )
    .unwrap();
    c.execute_batch(sql).unwrap();
}

#[test]
fn verify_finds_changed_rows_sections_and_removed_ends() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path(), 6);
    let r = ArchiveReader::open(&path).unwrap();
    let good = r.verify().unwrap();
    assert_eq!(good.snapshots, 6);
    assert_eq!(good.head, r.snapshots()[5].hash);
    assert_eq!(r.snapshots()[1].hash.len(), 64);
    drop(r);
    let copy = |name: &str| {
        let p = dir.path().join(name);
        std::fs::copy(&path, &p).unwrap();
        p
    };

    let p = copy("row.sitarchive");
    tamper(&p, "UPDATE snapshots SET source = 'z' WHERE seq = 3");
    let r = ArchiveReader::open(&p).unwrap();
    let bad = r.verify().unwrap_err();
    assert_eq!((bad.seq, &bad.reason), (3, &BadReason::HashMismatch));
    assert_eq!(bad.source.as_deref(), Some("z"));
    assert_eq!(r.snapshots().len(), 2, "the readable prefix");
    assert!(r.damage().unwrap().contains("snapshot 3"), "{:?}", r.damage());
    assert!(r.document(2).is_ok());
    assert!(r.documents_at(at_minute(99)).unwrap().len() == 2);

    // A damaged section: found on opening (the prefix stops before it) …
    let p = copy("blob.sitarchive");
    let damage_a_section = "UPDATE blobs SET data = zeroblob(length(data)) WHERE id = 5";
    tamper(&p, damage_a_section);
    let r = ArchiveReader::open(&p).unwrap();
    let bad = r.verify().unwrap_err();
    assert!(matches!(bad.reason, BadReason::SectionDamaged { .. }), "{bad}");
    assert_eq!(r.snapshots().len() as u64, bad.seq - 1);
    assert!(r.damage().unwrap().contains(&format!("snapshot {} cannot be used", bad.seq)), "{:?}", r.damage());
    // … and when it is read after opening.
    let p = copy("later.sitarchive");
    let r = ArchiveReader::open(&p).unwrap();
    tamper(&p, damage_a_section);
    let err = r.document(bad.seq).unwrap_err();
    assert!(matches!(err, ArchiveError::Damaged { .. }), "{err}");
    assert!(err.to_string().contains("later.sitarchive"), "{err}");
    assert!(r.document(1).is_ok());

    let p = copy("end.sitarchive");
    tamper(&p, "DELETE FROM snapshots WHERE seq >= 5");
    let r = ArchiveReader::open(&p).unwrap();
    assert_eq!(r.snapshots().len(), 4);
    assert!(r.damage().unwrap().contains("2 of the 6 recorded are lost"), "{:?}", r.damage());
    let bad = r.verify().unwrap_err();
    assert_eq!((bad.seq, bad.reason), (4, BadReason::Truncated { head_seq: 6 }));
    let before = std::fs::read(&p).unwrap();
    assert!(matches!(ArchiveWriter::create_or_open(&p), Err(ArchiveError::Damaged { .. })));
    assert_eq!(std::fs::read(&p).unwrap(), before, "a damaged archive is never written to");

    let p = copy("gap.sitarchive");
    tamper(&p, "DELETE FROM snapshots WHERE seq = 2");
    let bad = ArchiveReader::open(&p).unwrap().verify().unwrap_err();
    assert_eq!((bad.seq, bad.reason), (3, BadReason::Gap { after: 1 }));
}

/// Open a bad file with the reader and the writer: a clear error or the readable prefix,
/// never a panic, and the file's bytes unchanged. True when something was noticed.
fn open_bad(path: &Path) -> bool {
    let before = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let noticed = match ArchiveReader::open(path) {
        Err(e) => {
            assert!(e.to_string().contains(&name), "{e}");
            true
        }
        Ok(r) => {
            let mut noticed = r.damage().is_some() || r.verify().is_err();
            for s in r.snapshots() {
                noticed |= r.document(s.seq).is_err();
            }
            noticed |= r.documents_at(at_minute(1_000_000)).is_err();
            let _ = r.info();
            noticed
        }
    };
    assert_eq!(std::fs::read(path).unwrap(), before, "reading {name} changed it");
    assert!(!companion(path, "-wal").exists() && !companion(path, "-shm").exists(), "{name}: the reader created files");
    // The writer either refuses it, leaving it as it was, or finds nothing wrong on the way
    // in (damage inside a section shows only when it is read).
    match ArchiveWriter::create_or_open(path) {
        Err(_) => assert_eq!(std::fs::read(path).unwrap(), before, "{name} changed"),
        Ok(mut w) => drop(w.record("x", at_minute(0), "{}")),
    }
    noticed
}

#[test]
fn bad_files_give_clear_errors_and_stay_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.sitarchive");
    assert!(matches!(ArchiveReader::open(&missing), Err(ArchiveError::NotFound { .. })));
    assert!(!missing.exists(), "the reader creates nothing");

    let empty = dir.path().join("empty.sitarchive");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(ArchiveReader::open(&empty), Err(ArchiveError::Empty { .. })));
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "前线报告\nnot an archive\n".repeat(100)).unwrap();
    let before = std::fs::read(&text).unwrap();
    assert!(matches!(ArchiveReader::open(&text), Err(ArchiveError::NotADatabase { .. })));
    assert!(matches!(ArchiveWriter::create_or_open(&text), Err(ArchiveError::NotADatabase { .. })));
    assert_eq!(std::fs::read(&text).unwrap(), before);

    let other = dir.path().join("other.sqlite");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE meta (key TEXT, value TEXT); INSERT INTO meta VALUES ('app', 'x');")
        .unwrap();
    let before = std::fs::read(&other).unwrap();
    assert!(matches!(ArchiveReader::open(&other), Err(ArchiveError::NotAnArchive { .. })));
    assert!(matches!(ArchiveWriter::create_or_open(&other), Err(ArchiveError::NotAnArchive { .. })));
    assert_eq!(std::fs::read(&other).unwrap(), before);

    let newer = sample(dir.path(), 2);
    Connection::open(&newer).unwrap().execute("UPDATE meta SET value = '99' WHERE key = 'format'", []).unwrap();
    let before = std::fs::read(&newer).unwrap();
    let err = ArchiveReader::open(&newer).err().unwrap();
    assert!(matches!(err, ArchiveError::NewerFormat { found: 99, supported: 2, .. }), "{err}");
    assert!(err.to_string().contains("newer sitboard"), "{err}");
    assert!(matches!(ArchiveWriter::create_or_open(&newer), Err(ArchiveError::NewerFormat { .. })));
    assert_eq!(std::fs::read(&newer).unwrap(), before);
}

#[test]
fn truncated_files_open_their_readable_prefix_or_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path(), 30);
    let full = std::fs::read(&path).unwrap();
    let len = full.len();
    let mut prefixes = Vec::new();
    for cut in [10, 99, 100, 4096, len / 4, len / 2, len * 3 / 4, len - 4096, len - 1] {
        let p = dir.path().join(format!("cut-{cut}.sitarchive"));
        std::fs::write(&p, &full[..cut]).unwrap();
        assert!(open_bad(&p), "a cut at {cut} of {len} bytes went unnoticed");
        if let Ok(r) = ArchiveReader::open(&p) {
            assert!(r.damage().unwrap().contains("cut short"), "{:?}", r.damage());
            for s in r.snapshots() {
                assert!(r.document(s.seq).is_ok(), "snapshot {} of the prefix at cut {cut}", s.seq);
            }
            prefixes.push((cut, r.snapshots().len()));
        }
    }
    // Cutting off the end keeps the start readable.
    assert!(prefixes.iter().any(|&(_, n)| n > 0), "{prefixes:?}");
}

#[test]
fn flipped_bytes_never_panic_or_pass_unnoticed_silently() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path(), 30);
    let full = std::fs::read(&path).unwrap();
    let good = ArchiveReader::open(&path).unwrap().documents_at(at_minute(1_000)).unwrap();
    let mut seed = 12345u64;
    let mut noticed = 0;
    for case in 0..40 {
        let mut bytes = full.clone();
        for _ in 0..8 {
            let at = full.len() / 4 + (next(&mut seed) as usize) % (full.len() / 2);
            bytes[at] ^= 1 + (next(&mut seed) % 255) as u8;
        }
        let p = dir.path().join(format!("flip-{case}.sitarchive"));
        std::fs::write(&p, &bytes).unwrap();
        if open_bad(&p) {
            noticed += 1;
        } else if let Ok(r) = ArchiveReader::open(&p) {
            // Unnoticed only where nothing that matters changed: the same documents.
            assert_eq!(r.documents_at(at_minute(1_000)).unwrap(), good, "case {case}");
        }
    }
    assert!(noticed > 0);
}

#[test]
fn a_reader_follows_a_writer_without_blocking_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.sitarchive");
    let mut w = ArchiveWriter::create_or_open(&path).unwrap();
    w.record("a", at_minute(0), &doc("2022-11-19T16:00:00Z", json!(0))).unwrap();
    drop(w);
    // Opened while no one writes (the file alone), then a writer comes.
    let mut r = ArchiveReader::open(&path).unwrap();
    assert_eq!(r.snapshots().len(), 1);
    assert!(!r.refresh().unwrap());
    let mut w = ArchiveWriter::create_or_open(&path).unwrap();
    w.record("b", at_minute(0), &doc("2022-11-19T16:00:00Z", json!(0))).unwrap();
    assert!(r.refresh().unwrap());
    assert_eq!(r.snapshots().len(), 2);

    // A reader in the middle of a read does not hold up the writer (no waiting allowed).
    r.conn.execute_batch("BEGIN").unwrap();
    let n: i64 = r.conn.query_row("SELECT count(*) FROM snapshots", [], |row| row.get(0)).unwrap();
    assert_eq!(n, 2);
    w.conn.busy_timeout(Duration::ZERO).unwrap();
    w.record("a", at_minute(1), &doc("2022-11-19T16:00:00Z", json!(1))).unwrap();
    r.conn.execute_batch("COMMIT").unwrap();
    assert!(r.refresh().unwrap());
    assert_eq!(r.snapshots().len(), 3);

    let writer = std::thread::spawn(move || {
        for i in 3..40 {
            w.record(["a", "b"][i % 2], at_minute(i as i64), &doc("2022-11-19T16:00:00Z", json!(i))).unwrap();
            std::thread::sleep(Duration::from_millis(2));
        }
    });
    let mut growth = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while r.snapshots().len() < 40 && std::time::Instant::now() < deadline {
        if r.refresh().unwrap() {
            growth += 1;
        }
        assert_eq!(r.damage(), None);
    }
    writer.join().unwrap();
    r.refresh().unwrap();
    assert_eq!(r.snapshots().len(), 40);
    assert!(growth >= 1);
    assert_eq!(r.verify().unwrap().snapshots, 40);
    let latest = r.documents_at(at_minute(100)).unwrap();
    assert_eq!(latest.iter().map(|d| d.seq).collect::<Vec<_>>(), vec![39, 40]);
}

#[test]
fn a_full_disk_refuses_the_snapshot_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("full.sitarchive");
    let mut w = ArchiveWriter::create_or_open(&path).unwrap();
    for i in 0..3 {
        w.record("a", at_minute(i), &doc("2022-11-19T16:00:00Z", json!(i))).unwrap();
    }
    let pages: i64 = w.conn.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    assert_eq!(w.limit_pages_for_tests(pages as u64 + 2).unwrap(), pages as u64 + 2);
    let mut seed = 99u64;
    let big: Vec<String> = (0..20_000).map(|_| format!("{:016x}", next(&mut seed))).collect();
    let err = w.record("a", at_minute(10), &doc("2022-11-20T16:00:00Z", json!(big))).unwrap_err();
    assert!(matches!(err, ArchiveError::DiskFull { .. }), "{err}");
    assert!(err.to_string().contains("full.sitarchive"), "{err}");
    drop(w);
    let r = ArchiveReader::open(&path).unwrap();
    assert_eq!(r.damage(), None);
    assert_eq!(r.verify().unwrap().snapshots, 3);
    // And recording goes on once there is room.
    let mut w = ArchiveWriter::create_or_open(&path).unwrap();
    assert_eq!(w.record("a", at_minute(11), "{}").unwrap().seq, 4);
}

#[test]
fn exports_a_range_with_the_state_at_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path(), 30);
    let r = ArchiveReader::open(&path).unwrap();
    let out = dir.path().join("part/range.sitarchive");
    let s = r.export_range(Some(at_minute(10)), Some(at_minute(19)), &out).unwrap();
    assert_eq!((s.in_range, s.carried, s.snapshots, s.sources), (10, 3, 13, 3));
    assert_eq!((s.first, s.last), (Some(at_minute(7)), Some(at_minute(19))));
    assert!(!companion(&out, "-wal").exists(), "one file");
    let e = ArchiveReader::open(&out).unwrap();
    assert_eq!(e.verify().unwrap().snapshots, 13);
    assert!(s.bytes < std::fs::metadata(&path).unwrap().len());
    for m in [10, 14, 19] {
        let strip = |docs: Vec<ArchivedDocument>| docs.into_iter().map(|d| (d.source, d.body)).collect::<Vec<_>>();
        assert_eq!(strip(e.documents_at(at_minute(m)).unwrap()), strip(r.documents_at(at_minute(m)).unwrap()));
    }
    let before = std::fs::read(&out).unwrap();
    assert!(matches!(r.export_range(None, None, &out), Err(ArchiveError::Exists { .. })));
    assert_eq!(std::fs::read(&out).unwrap(), before);
    let nowhere = dir.path().join("none.sitarchive");
    assert!(matches!(r.export_range(Some(at_minute(5)), Some(at_minute(1)), &nowhere), Err(ArchiveError::BadRange(_))));
    assert!(matches!(r.export_range(None, Some(at_minute(-5)), &nowhere), Err(ArchiveError::BadRange(_))));
    assert!(!nowhere.exists());
    let all = r.export_range(None, None, &dir.path().join("all.sitarchive")).unwrap();
    assert_eq!((all.snapshots, all.carried), (30, 0));
}

fn v_first(r: &ArchiveReader) -> u64 {
    let conn = Connection::open(r.path()).unwrap();
    conn.query_row("SELECT value FROM meta WHERE key = 'pruned_seq'", [], |row| row.get::<_, String>(0))
        .unwrap()
        .parse::<u64>()
        .unwrap()
        + 1
}

#[test]
fn pruning_keeps_the_last_days_complete_and_verifiable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keep.sitarchive");
    let mut w = ArchiveWriter::create_or_open(&path).unwrap();
    let day = |d: i64| Utc.with_ymd_and_hms(2020, 2, 1, 16, 0, 0).unwrap() + chrono::Duration::days(d);
    // "cases" changes every day; "checkpoints" was published once, on day 0, and is polled
    // (unchanged) every day; "gone" stopped on day 2.
    let checkpoints = doc(&day(0).to_rfc3339(), json!({"checkpoints": [1, 2, 3]}));
    for d in 0..10 {
        w.record("cases", day(d), &doc(&day(d).to_rfc3339(), json!({"day": d, "rows": vec![d; 50]}))).unwrap();
        w.record("checkpoints", day(d), &checkpoints).unwrap();
        if d <= 2 {
            w.record("gone", day(d), &doc(&day(d).to_rfc3339(), json!({"gone": d}))).unwrap();
        }
    }
    let before = ArchiveReader::open(&path).unwrap();
    let at_cut_before: Vec<String> = before.documents_at(day(6)).unwrap().into_iter().map(|d| d.body).collect();
    drop(before);

    let pruned = w.prune(chrono::Duration::days(3)).unwrap();
    assert_eq!(pruned.cut, Some(day(6)));
    assert!(pruned.snapshots > 0 && pruned.sections > 0, "{pruned:?}");
    // Nothing more to prune until the archive grows.
    assert_eq!(w.prune(chrono::Duration::days(3)).unwrap().snapshots, 0);

    let r = ArchiveReader::open(&path).unwrap();
    let v = r.verify().unwrap();
    assert_eq!(r.snapshots().first().map(|m| m.seq), Some(v_first(&r)), "numbers go on after the pruned head");
    assert_eq!(v.snapshots, r.snapshots().len() as u64, "the chain verifies from the pruned head");
    assert_eq!(r.info().format, FORMAT_VERSION);
    // The state at the cut is whole: the day-6 cases and the day-0 checkpoints (still current).
    let at_cut: Vec<String> = r.documents_at(day(6)).unwrap().into_iter().map(|d| d.body).collect();
    let without_gone: Vec<String> = at_cut_before.into_iter().filter(|b| !b.contains("\"gone\"")).collect();
    assert_eq!(at_cut, without_gone);
    assert!(at_cut.iter().any(|b| b.contains("\"checkpoints\"")), "a slow source's state at the cut is kept");
    assert!(r.snapshots().iter().all(|s| s.source != "gone"), "a source no longer received is dropped");
    assert!(r.documents_at(day(5)).unwrap().iter().all(|d| !d.body.contains("\"day\":5")), "before the cut: gone");
    drop(r);

    // Recording goes on after pruning, and the chain still verifies.
    w.record("cases", day(10), &doc(&day(10).to_rfc3339(), json!({"day": 10}))).unwrap();
    drop(w);
    let r = ArchiveReader::open(&path).unwrap();
    assert!(r.verify().is_ok());
    assert_eq!(r.snapshots().last().unwrap().seq, 24);
    // A changed snapshot is still found after pruning.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER snapshots_no_update; UPDATE snapshots SET source = 'x' WHERE seq = (SELECT min(seq) FROM snapshots)").unwrap();
    drop(conn);
    let r = ArchiveReader::open(&path).unwrap();
    assert!(matches!(r.verify(), Err(BadSnapshot { reason: BadReason::HashMismatch, .. })));
}
