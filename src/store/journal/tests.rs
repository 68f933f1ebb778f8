//! Tests of the journal file: appending, chaining, reloading, append-only, not creating.

use chrono::Utc;

use super::{GENESIS_HASH, JournalKind, JournalStore, StoreError, Verified, journal_path};
use crate::model::journal::{AuditEvent, DirectiveContent, EventKind, NewEvent, NewExport, Problem};
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
    assert_eq!(
        s.verify().unwrap(),
        Ok(Verified { events: 3, head: s.events().unwrap()[2].hash.clone(), recorded_head_seq: 3 })
    );
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

#[test]
fn exercise_records_and_real_ones_never_mix() {
    use super::{JournalKind, journal_path_of};
    use crate::model::journal::Stamp;
    let dir = tempfile::tempdir().unwrap();
    let exercise_clock = chrono::DateTime::parse_from_rfc3339("2020-02-10T15:59:59Z").unwrap().with_timezone(&Utc);
    // The real journal refuses an exercise record, and writes nothing.
    let mut real = JournalStore::open_in(dir.path()).unwrap();
    let err = real.append(event(EventKind::Issued, "1号"), Stamp::exercise(Utc::now(), exercise_clock)).unwrap_err();
    assert!(matches!(err, StoreError::Rejected(Problem::ExerciseMix { exercise: true })), "{err}");
    assert!(real.events().unwrap().is_empty());
    // The exercise journal is another file; it refuses a real record.
    let mut ex = JournalStore::open_kind_in(dir.path(), JournalKind::Exercise).unwrap();
    assert_eq!(ex.path(), journal_path_of(dir.path(), JournalKind::Exercise));
    assert_ne!(ex.path(), real.path());
    let err = ex.append(event(EventKind::Issued, "1号"), Utc::now()).unwrap_err();
    assert!(matches!(err, StoreError::Rejected(Problem::ExerciseMix { exercise: false })), "{err}");
    // An exercise record keeps both clocks, takes effect on the exercise clock, and verifies.
    let written = ex.append(event(EventKind::Issued, "1号"), Stamp::exercise(Utc::now(), exercise_clock)).unwrap();
    assert_eq!(written.exercise_at, Some(exercise_clock));
    let j = ex.load().unwrap();
    let r = &j.records()[0];
    assert!(r.is_exercise());
    assert_eq!(r.issued_at, Some(exercise_clock));
    assert!(r.in_force_at(exercise_clock) && !r.in_force_at(exercise_clock - chrono::Duration::seconds(1)));
    assert!(ex.verify().unwrap().is_ok());
    // Reading back gives the same exercise time; the exercise time is covered by the chain.
    assert_eq!(ex.events().unwrap()[0].exercise_at, Some(exercise_clock));
    ex.conn
        .execute_batch("DROP TRIGGER events_no_update; UPDATE events SET exercise_at = '2020-02-11T00:00:00.000000Z'")
        .unwrap();
    assert!(ex.verify().unwrap().is_err(), "a changed exercise time is found");
    drop(ex);
    // Each file is refused as the other kind.
    let err = JournalStore::open_kind(&journal_path_of(dir.path(), JournalKind::Exercise), false, JournalKind::Real)
        .err()
        .unwrap();
    assert!(matches!(err, StoreError::WrongKind { exercise: true, .. }), "{err}");
    let err = JournalStore::open_kind(&journal_path(dir.path()), false, JournalKind::Exercise).err().unwrap();
    assert!(matches!(err, StoreError::WrongKind { exercise: false, .. }), "{err}");
}

#[test]
fn a_schema_1_journal_is_upgraded_and_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let p = journal_path(dir.path());
    let mut s = JournalStore::open_in(dir.path()).unwrap();
    s.append(event(EventKind::Issued, "1号"), Utc::now()).unwrap();
    s.append(event(EventKind::Acknowledged, "1号"), Utc::now()).unwrap();
    let head = s.events().unwrap()[1].hash.clone();
    // Make it a schema 1 file, as written before exercises existed.
    s.conn
        .execute_batch(
            "ALTER TABLE events DROP COLUMN exercise_at; UPDATE meta SET value = '1' WHERE key = 'schema_version'",
        )
        .unwrap();
    s.conn
        .execute_batch(
            "DROP TABLE exports; DELETE FROM meta WHERE key IN ('exports_head_seq', 'exports_head_hash');
             DROP TABLE audit; DELETE FROM meta WHERE key IN ('audit_head_seq', 'audit_head_hash');",
        )
        .unwrap();
    drop(s);
    let mut s = JournalStore::open(&p, false).unwrap();
    assert_eq!(s.meta("schema_version").unwrap().as_deref(), Some("4"));
    assert_eq!(s.verify().unwrap(), Ok(Verified { events: 2, head, recorded_head_seq: 2 }));
    assert!(s.events().unwrap().iter().all(|e| e.exercise_at.is_none()));
    // The upgraded journal keeps an export record.
    s.append_export(export("a.csv", b"a"), Utc::now()).unwrap();
    assert_eq!(s.verify_exports().unwrap(), Ok(1));
}

#[test]
fn a_schema_2_journal_gets_an_empty_export_record_and_keeps_its_events() {
    let dir = tempfile::tempdir().unwrap();
    let p = journal_path(dir.path());
    let mut s = JournalStore::open_in(dir.path()).unwrap();
    s.append(event(EventKind::Issued, "1号"), Utc::now()).unwrap();
    let head = s.events().unwrap()[0].hash.clone();
    // As written by the build before exports were records.
    s.conn
        .execute_batch(
            "DROP TABLE exports; DELETE FROM meta WHERE key IN ('exports_head_seq', 'exports_head_hash');
             DROP TABLE audit; DELETE FROM meta WHERE key IN ('audit_head_seq', 'audit_head_hash');
             UPDATE meta SET value = '2' WHERE key = 'schema_version'",
        )
        .unwrap();
    drop(s);
    let mut s = JournalStore::open(&p, false).unwrap();
    assert_eq!(s.meta("schema_version").unwrap().as_deref(), Some("4"));
    assert_eq!(s.verify().unwrap(), Ok(Verified { events: 1, head, recorded_head_seq: 1 }));
    assert!(s.exports().unwrap().is_empty());
    s.append_export(export("a.csv", b"a"), Utc::now()).unwrap();
    assert_eq!(s.load().unwrap().exports.len(), 1);
}

fn export(file: &str, bytes: &[u8]) -> NewExport {
    NewExport {
        what: "csv:subregions".into(),
        region: "230000".into(),
        period: "2020-03-03".into(),
        as_of: "2020-03-03T16:00:00+00:00".into(),
        file: file.into(),
        sha256: super::file_sha256(bytes),
        bytes: bytes.len() as u64,
        officer: "王明 0231".into(),
    }
}

#[test]
fn exports_are_chained_and_a_changed_removed_or_inserted_one_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = JournalStore::open_in(dir.path()).unwrap();
    let a = s.append_export(export("a.csv", b"a"), Utc::now()).unwrap();
    let b = s.append_export(export("b.png", b"bb"), Utc::now()).unwrap();
    assert_eq!((a.seq, b.seq), (1, 2));
    assert_eq!(a.prev_hash, GENESIS_HASH);
    assert_eq!(b.prev_hash, a.hash);
    assert_eq!(s.exports().unwrap(), vec![a.clone(), b.clone()]);
    assert_eq!(s.verify_exports().unwrap(), Ok(2));
    // Exports do not touch the directive events' chain.
    assert_eq!(s.verify().unwrap(), Ok(Verified { events: 0, head: GENESIS_HASH.to_owned(), recorded_head_seq: 0 }));
    // Append-only in SQLite too.
    assert!(s.conn.execute("UPDATE exports SET officer = 'x'", []).is_err());
    assert!(s.conn.execute("DELETE FROM exports WHERE seq = 2", []).is_err());

    // Changed behind Sitboard's back (triggers dropped): the row is named.
    s.conn
        .execute_batch(
            "DROP TRIGGER exports_no_update; DROP TRIGGER exports_no_delete;
             UPDATE exports SET sha256 = 'forged' WHERE seq = 1;",
        )
        .unwrap();
    let bad = s.verify_exports().unwrap().unwrap_err();
    assert_eq!((bad.seq, bad.file.as_str()), (1, "a.csv"));
    assert!(bad.reason.contains("changed"), "{}", bad.reason);
    s.conn.execute("UPDATE exports SET sha256 = ?1 WHERE seq = 1", [&a.export.sha256]).unwrap();
    assert_eq!(s.verify_exports().unwrap(), Ok(2));
    // The last one removed: the head record still names it.
    s.conn.execute("DELETE FROM exports WHERE seq = 2", []).unwrap();
    let bad = s.verify_exports().unwrap().unwrap_err();
    assert!(bad.reason.contains("removed"), "{}", bad.reason);
}

#[test]
fn a_look_alike_number_is_refused_by_the_store() {
    // The hub writes through the store alone: the look-alike check must hold here too.
    let dir = tempfile::tempdir().unwrap();
    let mut s = JournalStore::open_in(dir.path()).unwrap();
    s.append(event(EventKind::Issued, "哈指7号"), Utc::now()).unwrap();
    for look_alike in ["哈指7\u{200B}号", "哈指７号", "\u{FEFF}哈指7号"] {
        for kind in [EventKind::Drafted, EventKind::Issued] {
            let err = s.append(event(kind, look_alike), Utc::now()).unwrap_err();
            assert!(
                matches!(&err, StoreError::Rejected(Problem::DuplicateNumber { number, .. }) if number == "哈指7号"),
                "{look_alike:?}: {err}"
            );
        }
    }
    s.append(event(EventKind::Issued, "哈指8号"), Utc::now()).unwrap();
    assert_eq!(s.load().unwrap().records().len(), 2);
}

#[test]
fn external_acknowledgment_of_a_feed_directive() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = JournalStore::open_in(dir.path()).unwrap();
    let mut ack = event(EventKind::Acknowledged, "哈指9号");
    ack.issuer = "省指挥部".into();
    ack.unit = Some("230104".into());
    ack.reason = Some("已部署".into());
    // The plain path still refuses an acknowledgment of a directive the journal lacks.
    let err = s.append(ack.clone(), Utc::now()).unwrap_err();
    assert!(matches!(err, StoreError::Rejected(Problem::UnknownDirective { .. })), "{err}");
    let written = s.append_external_ack(ack.clone(), Utc::now()).unwrap();
    assert_eq!(written.seq, 1);
    // Without a unit it is refused; content makes it something else.
    let mut no_unit = ack.clone();
    no_unit.unit = Some(" ".into());
    assert!(matches!(s.append_external_ack(no_unit, Utc::now()), Err(StoreError::Rejected(Problem::Missing(_)))));
    let mut with_content = ack.clone();
    with_content.content = Some(content("哈指9号"));
    assert!(matches!(s.append_external_ack(with_content, Utc::now()), Err(StoreError::Rejected(Problem::Mismatch))));
    // The journal's own directives keep their lifecycle on this path too: no ack of a draft.
    s.append(event(EventKind::Drafted, "1号"), Utc::now()).unwrap();
    let err = s.append_external_ack(event(EventKind::Acknowledged, "1号"), Utc::now()).unwrap_err();
    assert!(matches!(err, StoreError::Rejected(Problem::NotAllowed { .. })), "{err}");
    drop(s);
    let s = JournalStore::open(&journal_path(dir.path()), false).unwrap();
    let j = s.load().unwrap();
    assert!(j.problems.is_empty(), "{:?}", j.problems);
    assert_eq!(j.records().len(), 1, "an external acknowledgment creates no directive");
    let a = j.external_ack("省指挥部", "哈指9号", "230104").expect("the acknowledgment is read back");
    assert_eq!((a.officer.as_str(), a.note.as_deref()), ("王 001", Some("已部署")));
    assert!(matches!(s.verify().unwrap(), Ok(v) if v.events == 2));
}

fn grant(id: &str, scope: u32, role: crate::model::officer::OfficerRole) -> AuditEvent {
    AuditEvent::Granted {
        officer: crate::model::officer::Officer {
            id: id.into(),
            name: "李娜".into(),
            unit: "道外区指挥部".into(),
            scope: vec![Adcode::new(scope).unwrap()],
            role,
        },
        token_sha256: "a".repeat(64),
    }
}

#[test]
fn a_schema_3_journal_gets_an_empty_audit_record_and_keeps_its_chains() {
    let dir = tempfile::tempdir().unwrap();
    let p = journal_path(dir.path());
    let mut s = JournalStore::open_in(dir.path()).unwrap();
    s.append(event(EventKind::Issued, "1号"), Utc::now()).unwrap();
    s.append_export(export("a.csv", b"a"), Utc::now()).unwrap();
    s.conn
        .execute_batch(
            "DROP TABLE audit; DELETE FROM meta WHERE key IN ('audit_head_seq', 'audit_head_hash');
             UPDATE meta SET value = '3' WHERE key = 'schema_version'",
        )
        .unwrap();
    drop(s);
    // Read-only (journal verify), a schema 3 file has an empty audit record.
    let ro = JournalStore::open_read_only(&p, JournalKind::Real).unwrap();
    assert_eq!(ro.verify_audit().unwrap(), Ok(0));
    drop(ro);
    let mut s = JournalStore::open(&p, false).unwrap();
    assert_eq!(s.meta("schema_version").unwrap().as_deref(), Some("4"));
    assert_eq!(s.verify().unwrap().unwrap().events, 1);
    assert_eq!(s.verify_exports().unwrap(), Ok(1));
    s.append_audit(&grant("daowai01", 230104, crate::model::officer::OfficerRole::Acknowledge), "op", Utc::now())
        .unwrap();
    assert_eq!(s.verify_audit().unwrap(), Ok(1));
}

#[test]
fn the_audit_record_is_chained_takes_an_id_once_and_a_tampered_row_is_found() {
    use crate::model::officer::OfficerRole;
    let dir = tempfile::tempdir().unwrap();
    let mut s = JournalStore::open_in(dir.path()).unwrap();
    let a = s.append_audit(&grant("daowai01", 230104, OfficerRole::Acknowledge), "op", Utc::now()).unwrap();
    let err = s.append_audit(&grant("daowai01", 230103, OfficerRole::Issue), "op", Utc::now()).unwrap_err();
    assert!(matches!(&err, StoreError::Refused(m) if m.contains("taken")), "{err}");
    let rotate = AuditEvent::TokenRotated { officer: "daowai01".into(), token_sha256: "b".repeat(64) };
    let b = s.append_audit(&rotate, "op", Utc::now()).unwrap();
    assert_eq!((a.seq, b.seq, b.prev_hash.as_str()), (1, 2, a.hash.as_str()));
    let unknown = AuditEvent::TokenRotated { officer: "nobody".into(), token_sha256: "b".repeat(64) };
    assert!(matches!(s.append_audit(&unknown, "op", Utc::now()), Err(StoreError::Refused(_))));
    s.append_audit(&AuditEvent::Revoked { officer: "daowai01".into() }, "op", Utc::now()).unwrap();
    assert!(matches!(
        s.append_audit(&AuditEvent::Revoked { officer: "daowai01".into() }, "op", Utc::now()),
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(s.append_audit(&rotate, "op", Utc::now()), Err(StoreError::Refused(_))), "revoked: no new token");
    let (officers, _) = s.officers().unwrap();
    assert_eq!(officers.len(), 1);
    assert!(officers[0].revoked);
    assert_eq!(officers[0].token_sha256, "b".repeat(64));
    assert_eq!(s.verify_audit().unwrap(), Ok(3));
    // Nothing else's chain moved.
    assert_eq!(s.verify().unwrap().unwrap().events, 0);
    // Append-only in SQLite.
    assert!(s.conn.execute("UPDATE audit SET actor = 'x'", []).is_err());
    assert!(s.conn.execute("DELETE FROM audit WHERE seq = 3", []).is_err());
    // Tampered behind Sitboard's back (triggers dropped): a revocation turned into a grant
    // of nothing, then a removed last row.
    s.conn
        .execute_batch(
            "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;
             UPDATE audit SET officer = 'someone.else' WHERE seq = 2;",
        )
        .unwrap();
    let bad = s.verify_audit().unwrap().unwrap_err();
    assert_eq!(bad.seq, 2);
    assert!(bad.reason.contains("changed"), "{bad}");
    s.conn.execute("UPDATE audit SET officer = 'daowai01' WHERE seq = 2", []).unwrap();
    assert_eq!(s.verify_audit().unwrap(), Ok(3));
    s.conn.execute("DELETE FROM audit WHERE seq = 3", []).unwrap();
    let bad = s.verify_audit().unwrap().unwrap_err();
    assert!(bad.reason.contains("removed"), "{bad}");
}
