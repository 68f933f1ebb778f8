//! `sitboard journal` end to end, through the real binary on a temporary data dir: issue,
//! acknowledge, lift, list, history, export and verify; invalid or hostile input exits
//! non-zero with the form's messages and writes nothing; a row changed with SQLite directly
//! makes `verify` fail naming it; files that are not journals are refused and left as they
//! were.

use std::path::Path;
use std::process::{Command, Output};

use rusqlite::Connection;
use sitboard::store::journal::{JournalStore, StoreError, journal_path};

fn sitboard(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sitboard"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .arg("--config")
        .arg(dir.join("no-config.toml"))
        .output()
        .expect("run the sitboard binary")
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = sitboard(dir, args);
    let (out, err) = text(&o);
    assert!(o.status.success(), "sitboard {args:?} failed ({:?}):\n{out}\n{err}", o.status);
    out
}

fn fails(dir: &Path, args: &[&str]) -> String {
    let o = sitboard(dir, args);
    let (out, err) = text(&o);
    assert!(!o.status.success(), "sitboard {args:?} should fail:\n{out}\n{err}");
    err
}

fn issue_args<'a>(number: &'a str, title: &'a str) -> Vec<&'a str> {
    vec![
        "journal",
        "issue",
        "--lang",
        "en",
        "--number",
        number,
        "--title",
        title,
        "--body",
        "All exits of the main town are closed.\nRail passengers may not board.",
        "--scope",
        "231202,230100",
        "--officer",
        "Wang 0231",
        "--issuer",
        "Suihua HQ",
        "--category",
        "traffic_control",
        "--priority",
        "urgent",
        "--from",
        "2020-02-01 22:00",
    ]
}

#[test]
fn issue_ack_lift_list_history_export_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = ok(dir, &issue_args("SZ-4", "Traffic control in Beilin"));
    assert!(out.contains("Saved: event #1 (issued SZ-4)"), "{out}");

    let list = ok(dir, &["journal", "list", "--in-force", "--lang", "en"]);
    assert!(list.contains("SZ-4") && list.contains("In force"), "{list}");

    ok(dir, &["journal", "ack", "SZ-4", "--officer", "Li 07", "--unit", "Beilin district office", "--lang", "en"]);
    let out = ok(
        dir,
        &["journal", "lift", "SZ-4", "--officer", "Wang 0231", "--reason", "Stable for 14 days", "--lang", "en"],
    );
    assert!(out.contains("Saved: event #3 (lifted SZ-4)"), "{out}");

    let list = ok(dir, &["journal", "list", "--in-force", "--lang", "en"]);
    assert!(!list.contains("SZ-4"), "a lifted directive is not in force:\n{list}");
    let json = ok(dir, &["journal", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["number"], "SZ-4");
    assert_eq!(v[0]["status"], "lifted");
    assert_eq!(v[0]["acknowledgments"][0]["unit"], "Beilin district office");
    assert_eq!(v[0]["effective_from"], "2020-02-01T14:00:00+00:00");

    let hist = ok(dir, &["journal", "history", "SZ-4", "--lang", "en"]);
    for want in ["#1", "Issued", "#2", "Acknowledged", "#3", "Lifted", "Stable for 14 days"] {
        assert!(hist.contains(want), "history lacks {want:?}:\n{hist}");
    }

    // Lifecycle: nothing more can happen to a lifted directive.
    let err = fails(dir, &["journal", "revoke", "SZ-4", "--officer", "W", "--reason", "x", "--lang", "en"]);
    assert!(err.contains("Cannot revoke SZ-4: it is lifted"), "{err}");

    let csv_path = dir.join("list.csv");
    ok(dir, &["journal", "export", "--csv", csv_path.to_str().unwrap(), "--lang", "en"]);
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(csv.starts_with('\u{feff}') && csv.contains("SZ-4") && csv.contains("Suihua HQ"), "{csv}");
    let html_path = dir.join("history.html");
    ok(dir, &["journal", "export", "--html", html_path.to_str().unwrap(), "--number", "SZ-4"]);
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("<!DOCTYPE html>") && html.contains("Stable for 14 days"), "{html}");

    let out = ok(dir, &["journal", "verify", "--lang", "en"]);
    assert!(out.contains("Verified") && out.contains("3 events"), "{out}");
}

#[test]
fn invalid_input_exits_non_zero_with_the_form_messages_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let err = fails(
        dir,
        &[
            "journal",
            "issue",
            "--lang",
            "en",
            "--number",
            "SZ-5",
            "--title",
            " ",
            "--scope",
            "231202,999999,23x",
            "--officer",
            "W",
            "--from",
            "2030-03-05 00:00",
            "--until",
            "2030-03-04 00:00",
        ],
    );
    for want in
        ["Enter a title", "Unknown region 999999", "\"23x\" is not a region code", "The end is before the start"]
    {
        assert!(err.contains(want), "expected {want:?} in:\n{err}");
    }
    let err =
        fails(dir, &["journal", "issue", "--lang", "en", "--number", "SZ-5", "--title", "T", "--scope", "231202"]);
    assert!(err.contains("Enter the officer"), "{err}");
    let err = fails(
        dir,
        &[
            "journal",
            "issue",
            "--lang",
            "en",
            "--number",
            "SZ-5",
            "--title",
            "T",
            "--scope",
            "231202",
            "--officer",
            "W",
            "--from",
            "soon",
        ],
    );
    assert!(err.contains("\"soon\" is not a time"), "{err}");
    // A number a feed already used for the same issuing body (the demo's 绥指公4号).
    let err = fails(
        dir,
        &[
            "journal",
            "issue",
            "--lang",
            "en",
            "--number",
            "绥指公4号",
            "--issuer",
            "绥化市新型冠状病毒感染肺炎疫情防控工作指挥部",
            "--title",
            "T",
            "--scope",
            "231202",
            "--officer",
            "W",
        ],
    );
    assert!(err.contains("Duplicate number"), "{err}");
    // Acting on a directive that is not there.
    let err = fails(dir, &["journal", "lift", "SZ-9", "--officer", "W", "--reason", "r", "--lang", "en"]);
    assert!(err.contains("no journal at"), "{err}");
    assert!(!journal_path(dir).exists(), "invalid input must not create a journal");

    // A duplicate in the journal itself.
    ok(dir, &issue_args("SZ-4", "Traffic control"));
    let err = fails(dir, &issue_args("SZ-4", "Again"));
    assert!(err.contains("Duplicate number: Suihua HQ already has a directive SZ-4"), "{err}");
    // Lifting needs a reason; acknowledging needs a unit.
    let err = fails(dir, &["journal", "lift", "SZ-4", "--officer", "W", "--lang", "en"]);
    assert!(err.contains("Enter the reason"), "{err}");
    let err = fails(dir, &["journal", "ack", "SZ-4", "--officer", "W", "--lang", "en"]);
    assert!(err.contains("Enter the acknowledging unit"), "{err}");
    let store = JournalStore::open(&journal_path(dir), false).unwrap();
    assert_eq!(store.events().unwrap().len(), 1, "only the valid issue was written");
}

#[test]
fn very_long_or_hostile_text_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let long_body = "疫".repeat(100 * 1024 / 3 + 10);
    let mut args = issue_args("SZ-6", "Long");
    let pos = args.iter().position(|a| *a == "--body").unwrap();
    args[pos + 1] = &long_body;
    let err = fails(dir, &args);
    assert!(err.contains("Body is too long"), "{err}");

    let err = fails(dir, &issue_args("SZ-6", "Notice\u{202E}exe.txt"));
    assert!(err.contains("U+202E"), "{err}");
    let err = fails(dir, &issue_args("SZ-6", "Bell\u{0007}"));
    assert!(err.contains("U+0007"), "{err}");
    assert!(!journal_path(dir).exists(), "nothing hostile was written");

    // Markup is not hostile to the journal, but must come out escaped in HTML.
    ok(dir, &issue_args("SZ-7", "<script>alert(1)</script> & <b>bold</b>"));
    // A hostile officer name on an acknowledgment of a directive that exists: refused, named.
    let err = fails(dir, &["journal", "ack", "SZ-7", "--officer", "\u{2066}W", "--unit", "u"]);
    assert!(err.contains("U+2066"), "{err}");
    let events = sitboard::store::JournalStore::open(&journal_path(dir), false).unwrap().events().unwrap().len();
    assert_eq!(events, 1, "the refused acknowledgment wrote nothing");
    let html_path = dir.join("list.html");
    ok(dir, &["journal", "export", "--html", html_path.to_str().unwrap()]);
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(!html.contains("<script>") && !html.contains("<b>bold"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"), "{html}");
}

/// Two directives with a few events each, for tampering.
fn journal_with_events(dir: &Path) {
    ok(dir, &issue_args("SZ-4", "Traffic control"));
    ok(dir, &["journal", "ack", "SZ-4", "--officer", "Li", "--unit", "Beilin"]);
    ok(dir, &issue_args("SZ-5", "Testing"));
    ok(dir, &["journal", "lift", "SZ-4", "--officer", "Wang", "--reason", "Stable"]);
}

#[test]
fn verify_names_a_row_changed_with_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    journal_with_events(dir);
    ok(dir, &["journal", "verify"]);
    {
        let conn = Connection::open(journal_path(dir)).unwrap();
        // The table refuses changes; someone determined drops the guard first.
        assert!(conn.execute("UPDATE events SET officer = 'Zhao' WHERE seq = 2", []).is_err());
        conn.execute_batch("DROP TRIGGER events_no_update; UPDATE events SET officer = 'Zhao' WHERE seq = 2;").unwrap();
    }
    let o = sitboard(dir, &["journal", "verify", "--lang", "en"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("event #2 (acknowledged Suihua HQ SZ-4)"), "{err}");
    assert!(err.contains("changed after it was written"), "{err}");
}

#[test]
fn verify_finds_removed_and_rechained_rows() {
    // A row removed from the middle.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    journal_with_events(dir);
    {
        let conn = Connection::open(journal_path(dir)).unwrap();
        conn.execute_batch("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 2;").unwrap();
    }
    let err = fails(dir, &["journal", "verify", "--lang", "en"]);
    assert!(err.contains("event #3") && err.contains("missing before it"), "{err}");

    // The last row removed.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    journal_with_events(dir);
    {
        let conn = Connection::open(journal_path(dir)).unwrap();
        conn.execute_batch("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 4;").unwrap();
    }
    let err = fails(dir, &["journal", "verify", "--lang", "en"]);
    assert!(err.contains("event #3") && err.contains("events after it were removed"), "{err}");
}

#[test]
fn files_that_are_not_journals_are_refused_and_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();

    // Not SQLite at all.
    let path = journal_path(dir);
    std::fs::write(&path, b"this is not a database, it is a shopping list\n").unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = fails(dir, &issue_args("SZ-4", "T"));
    assert!(err.contains("is not an SQLite database") && err.contains("left untouched"), "{err}");
    assert!(matches!(JournalStore::open(&path, true), Err(StoreError::NotADatabase { .. })));
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // A damaged journal: a real one, cut short.
    std::fs::remove_file(&path).unwrap();
    journal_with_events(dir);
    drop(JournalStore::open(&path, false).unwrap()); // checkpoints the WAL into the file
    let full = std::fs::read(&path).unwrap();
    std::fs::write(&path, &full[..full.len() / 2 + 100]).unwrap();
    let _ = std::fs::remove_file(dir.join("journal.sqlite-wal"));
    let _ = std::fs::remove_file(dir.join("journal.sqlite-shm"));
    let before = std::fs::read(&path).unwrap();
    let result = JournalStore::open(&path, true).and_then(|s| s.events());
    assert!(result.is_err(), "a cut journal must not open cleanly");
    let err = fails(dir, &["journal", "verify"]);
    assert!(err.contains("damaged") || err.contains("not an SQLite database") || err.contains("cannot"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "the damaged file is left as it was");

    // Another program's SQLite database.
    std::fs::remove_file(&path).unwrap();
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO patients VALUES (1, 'x');",
        )
        .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = fails(dir, &issue_args("SZ-4", "T"));
    assert!(err.contains("not a Sitboard journal"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // A journal from a newer Sitboard.
    std::fs::remove_file(&path).unwrap();
    journal_with_events(dir);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'", []).unwrap();
    }
    let err = fails(dir, &issue_args("SZ-9", "T"));
    assert!(err.contains("newer Sitboard (journal schema 5"), "{err}");
    let conn = Connection::open(&path).unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 4, "nothing was added to the newer journal");
}
