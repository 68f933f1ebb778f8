//! Tests of the journal file: appending, chaining, reloading, append-only, not creating.

use chrono::Utc;

use super::{GENESIS_HASH, JournalStore, StoreError, Verified, journal_path};
use crate::model::journal::{DirectiveContent, EventKind, NewEvent, Problem};
use crate::model::{Adcode, DirectiveCategory, DirectiveStatus, Priority};

fn content(number: &str) -> DirectiveContent {
    DirectiveContent {
        number: number.into(),
        issuer: "绥化市指挥部".into(),
        title: "交通管制".into(),
        body: "正文".into(),
        category: DirectiveCategory::TrafficControl,
        scope: vec![Adcode::new(231202).unwrap()],
        effective_from: None,
        effective_until: None,
        priority: Priority::High,
    }
}

fn event(kind: EventKind, number: &str) -> NewEvent {
    NewEvent {
        kind,
        issuer: "绥化市指挥部".into(),
        number: number.into(),
        officer: "王 001".into(),
        unit: (kind == EventKind::Acknowledged).then(|| "北林区".into()),
        reason: matches!(kind, EventKind::Lifted | EventKind::Revoked).then(|| "平稳".into()),
        content: kind.carries_content().then(|| content(number)),
    }
}

#[test]
fn appends_chain_and_reload() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = JournalStore::open_in(dir.path()).unwrap();
    let a = s.append(event(EventKind::Drafted, "1号"), Utc::now()).unwrap();
    let b = s.append(event(EventKind::Issued, "1号"), Utc::now()).unwrap();
    assert_eq!(a.prev_hash, GENESIS_HASH);
    assert_eq!(b.prev_hash, a.hash);
    assert_eq!(b.seq, 2);
    // Lifecycle rules hold in the store too (under the write lock).
    let err = s.append(event(EventKind::Drafted, "1号"), Utc::now()).unwrap_err();
    assert!(matches!(err, StoreError::Rejected(Problem::DuplicateNumber { .. })), "{err}");
    s.append(event(EventKind::Lifted, "1号"), Utc::now()).unwrap();
    let err = s.append(event(EventKind::Amended, "1号"), Utc::now()).unwrap_err();
    assert!(matches!(err, StoreError::Rejected(Problem::NotAllowed { .. })), "{err}");
    drop(s);
    let s = JournalStore::open(&journal_path(dir.path()), false).unwrap();
    let j = s.load().unwrap();
    assert_eq!(j.event_count(), 3);
    assert_eq!(j.records()[0].status, DirectiveStatus::Lifted);
    assert_eq!(s.verify().unwrap(), Ok(Verified { events: 3, head: s.events().unwrap()[2].hash.clone() }));
    assert_eq!(s.history("绥化市指挥部", "1号").unwrap().len(), 3);
}

#[test]
fn the_journal_is_append_only_in_sqlite_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = JournalStore::open_in(dir.path()).unwrap();
    s.append(event(EventKind::Issued, "1号"), Utc::now()).unwrap();
    let err = s.conn.execute("UPDATE events SET officer = 'x'", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    assert!(s.conn.execute("DELETE FROM events", []).is_err());
}

#[test]
fn missing_file_without_create_is_not_found_and_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let p = journal_path(dir.path());
    assert!(matches!(JournalStore::open(&p, false), Err(StoreError::NotFound { .. })));
    assert!(!p.exists());
}
