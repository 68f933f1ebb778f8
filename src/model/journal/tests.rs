//! Tests of the journal's domain: lifecycle, replay, input checks and unique numbers.

use chrono::{DateTime, Utc};

use super::*;
use crate::model::region::tests::small_registry;
use crate::model::text::TextProblem;
use crate::model::time::parse_time_input;
use crate::model::{Adcode, DirectiveCategory, DirectiveStatus, Priority, RegionRegistry};

fn t(s: &str) -> DateTime<Utc> {
    parse_time_input(s).unwrap()
}

fn input(number: &str) -> DraftInput {
    DraftInput {
        number: number.into(),
        issuer: "绥化市指挥部".into(),
        title: "关于北林区实行交通管制的公告".into(),
        body: "自即日起…".into(),
        category: DirectiveCategory::TrafficControl,
        priority: Priority::Urgent,
        scope: "231202".into(),
        from: String::new(),
        until: String::new(),
    }
}

struct Log {
    journal: Journal,
    seq: u64,
}

impl Log {
    fn new() -> Self {
        Log { journal: Journal::default(), seq: 0 }
    }
    fn push(&mut self, e: NewEvent, at: &str) -> Result<(), Problem> {
        self.seq += 1;
        self.journal.apply(JournalEvent {
            exercise_at: None,
            seq: self.seq,
            at: t(at),
            event: e,
            prev_hash: String::new(),
            hash: String::new(),
        })
    }
    fn prep(&self, now: &str) -> Prepare<'_> {
        // The registry lives for the test: leak it (tests only).
        let registry: &'static RegionRegistry = Box::leak(Box::new(small_registry()));
        Prepare { journal: &self.journal, registry, feed: &[], now: t(now) }
    }
}

#[test]
fn lifecycle_draft_issue_ack_lift() {
    let mut log = Log::new();
    let e = log.prep("2020-02-01 20:00").create(&input("绥指公4号"), "王警官 001", false).unwrap();
    assert_eq!(e.kind, EventKind::Drafted);
    log.push(e, "2020-02-01 20:00").unwrap();
    let r = log.journal.find("绥指公4号", None).unwrap().clone();
    assert_eq!(r.status, DirectiveStatus::Draft);
    assert!(!r.in_force_at(t("2020-02-02 00:00")));

    // Cannot lift or acknowledge a draft.
    let err = log.prep("2020-02-01 20:10").action(&r, EventKind::Lifted, "王", "结束").unwrap_err();
    assert_eq!(
        err,
        vec![Problem::NotAllowed {
            action: EventKind::Lifted,
            number: "绥指公4号".into(),
            status: DirectiveStatus::Draft
        }]
    );
    assert!(log.prep("2020-02-01 20:10").action(&r, EventKind::Acknowledged, "王", "北林区").is_err());

    let mut inp = DraftInput::from_content(&r.content);
    inp.from = "2020-02-01 22:00".into();
    let e = log.prep("2020-02-01 21:00").amend(&r, &inp, "王", EventKind::Issued).unwrap();
    log.push(e, "2020-02-01 21:00").unwrap();
    let r = log.journal.find("绥指公4号", None).unwrap().clone();
    assert_eq!(r.status, DirectiveStatus::InForce);
    assert!(!r.in_force_at(t("2020-02-01 21:30")), "issued but not yet effective");
    assert!(r.in_force_at(t("2020-02-01 22:00")));

    let e = log.prep("2020-02-02 08:00").action(&r, EventKind::Acknowledged, "李", "北林区防控办").unwrap();
    log.push(e, "2020-02-02 08:00").unwrap();
    let r = log.journal.find("绥指公4号", None).unwrap().clone();
    assert_eq!(r.acknowledgments.len(), 1);
    assert_eq!(r.acknowledgments[0].unit, "北林区防控办");

    // A reason is required to lift.
    let err = log.prep("2020-03-13 00:00").action(&r, EventKind::Lifted, "王", "  ").unwrap_err();
    assert_eq!(err, vec![Problem::Missing(Field::Reason)]);
    let e = log.prep("2020-03-13 00:00").action(&r, EventKind::Lifted, "王", "疫情平稳").unwrap();
    log.push(e, "2020-03-13 00:00").unwrap();
    let r = log.journal.find("绥指公4号", None).unwrap();
    assert_eq!(r.status, DirectiveStatus::Lifted);
    assert_eq!(r.events.len(), 4);
    // History keeps its past: in force before the lift, not after.
    assert!(r.in_force_at(t("2020-03-12 23:59")));
    assert!(!r.in_force_at(t("2020-03-13 00:00")));
    assert!(r.directive.in_force_at(t("2020-03-12 23:59")));
    assert!(!r.directive.in_force_at(t("2020-03-13 00:01")));
    // Nothing more can happen to a lifted directive.
    assert!(r.allowed_actions().is_empty());
    assert!(log.prep("2020-03-14 00:00").action(r, EventKind::Revoked, "王", "x").is_err());
}

#[test]
fn cannot_amend_a_revoked_directive() {
    let mut log = Log::new();
    let e = log.prep("2020-02-01 20:00").create(&input("绥指公5号"), "王", true).unwrap();
    log.push(e, "2020-02-01 20:00").unwrap();
    let r = log.journal.find("绥指公5号", None).unwrap().clone();
    let e = log.prep("2020-02-02 20:00").action(&r, EventKind::Revoked, "王", "发布有误").unwrap();
    log.push(e, "2020-02-02 20:00").unwrap();
    let r = log.journal.find("绥指公5号", None).unwrap().clone();
    assert_eq!(r.status, DirectiveStatus::Revoked);
    let err = log.prep("2020-02-03 00:00").amend(&r, &input("绥指公5号"), "王", EventKind::Amended).unwrap_err();
    assert!(matches!(err[0], Problem::NotAllowed { action: EventKind::Amended, status: DirectiveStatus::Revoked, .. }));
    // A revoked directive counts as never in force on the board; the journal still
    // knows it was in force until revoked.
    assert!(!r.directive.in_force_at(t("2020-02-02 10:00")));
    assert!(r.in_force_at(t("2020-02-02 10:00")));
    // Replaying a forged event that breaks the rules skips it and says so.
    let forged = NewEvent {
        kind: EventKind::Amended,
        issuer: r.issuer().into(),
        number: r.number().into(),
        officer: "x".into(),
        unit: None,
        reason: None,
        content: Some(r.content.clone()),
    };
    let mut events: Vec<JournalEvent> = r.events.clone();
    events.push(JournalEvent {
        exercise_at: None,
        seq: 3,
        at: t("2020-02-03 00:00"),
        event: forged,
        prev_hash: String::new(),
        hash: String::new(),
    });
    let j = Journal::from_events(events);
    assert_eq!(j.event_count(), 2);
    assert_eq!(j.problems.len(), 1);
    assert_eq!(j.problems[0].seq, 3);
}

#[test]
fn validation_names_every_problem() {
    let log = Log::new();
    let prep = log.prep("2020-03-01 00:00");
    let mut bad = input("");
    bad.title = "   ".into();
    bad.scope = "231202, 999999, 23x".into();
    bad.from = "2020-03-05 00:00".into();
    bad.until = "2020-03-04 00:00".into();
    let err = prep.create(&bad, "", true).unwrap_err();
    assert!(err.contains(&Problem::Missing(Field::Officer)), "{err:?}");
    assert!(err.contains(&Problem::Missing(Field::Number)), "{err:?}");
    assert!(err.contains(&Problem::Missing(Field::Title)), "{err:?}");
    assert!(err.contains(&Problem::UnknownRegion(Adcode::new(999999).unwrap())), "{err:?}");
    assert!(err.contains(&Problem::BadRegionCode("23x".into())), "{err:?}");
    assert!(err.contains(&Problem::EndsBeforeStart), "{err:?}");

    let mut past = input("绥指公6号");
    past.until = "2020-02-01 00:00".into();
    assert_eq!(prep.create(&past, "王", true).unwrap_err(), vec![Problem::EndsInPast]);
    // A draft may be written for any time; it is checked again when issued.
    assert!(prep.create(&past, "王", false).is_ok());

    let mut odd = input("绥指公7号");
    odd.from = "next week".into();
    odd.scope = String::new();
    let err = prep.create(&odd, "王", true).unwrap_err();
    assert!(err.contains(&Problem::BadTime { field: Field::From, text: "next week".into() }), "{err:?}");
    assert!(err.contains(&Problem::Missing(Field::Scope)), "{err:?}");
}

#[test]
fn hostile_text_is_refused() {
    let log = Log::new();
    let prep = log.prep("2020-03-01 00:00");
    let mut long = input("绥指公8号");
    long.body = "疫".repeat(100_000);
    let err = prep.create(&long, "王", true).unwrap_err();
    assert!(matches!(err[0], Problem::Text { field: Field::Body, problem: TextProblem::TooLong { .. } }), "{err:?}");
    let mut rtl = input("绥指公8号");
    rtl.title = "通知\u{202E}txt.exe".into();
    let err = prep.create(&rtl, "王", true).unwrap_err();
    assert_eq!(
        err,
        vec![Problem::Text { field: Field::Title, problem: TextProblem::BadCharacter { code: 0x202E, position: 2 } }]
    );
    let mut ctrl = input("绥指公\u{0007}8号");
    ctrl.body = "line one\nline two\tok".into();
    let err = prep.create(&ctrl, "王\u{0000}", true).unwrap_err();
    assert_eq!(err.len(), 2, "{err:?}");
}

#[test]
fn numbers_are_unique_per_issuing_body() {
    let mut log = Log::new();
    let e = log.prep("2020-02-01 20:00").create(&input("绥指公4号"), "王", true).unwrap();
    log.push(e, "2020-02-01 20:00").unwrap();
    let err = log.prep("2020-02-01 21:00").create(&input("绥指公4号"), "王", true).unwrap_err();
    assert_eq!(err, vec![Problem::DuplicateNumber { issuer: "绥化市指挥部".into(), number: "绥指公4号".into() }]);
    // Another body may use the same number; finding it by number then needs the body.
    let mut other = input("绥指公4号");
    other.issuer = "哈尔滨市指挥部".into();
    let e = log.prep("2020-02-01 21:00").create(&other, "王", true).unwrap();
    log.push(e, "2020-02-01 21:00").unwrap();
    assert!(matches!(log.journal.find("绥指公4号", None), Err(Problem::AmbiguousNumber { .. })));
    assert!(log.journal.find("绥指公4号", Some("哈尔滨市指挥部")).is_ok());
    assert!(matches!(log.journal.find("绥指公9号", None), Err(Problem::UnknownDirective { .. })));
}

#[test]
fn a_feed_directive_number_is_taken() {
    let log = Log::new();
    let registry = small_registry();
    let feed_directive = log
        .prep("2020-02-01 20:00")
        .create(&input("绥指公4号"), "王", true)
        .map(|e| {
            let mut j = Journal::default();
            j.apply(JournalEvent {
                exercise_at: None,
                seq: 1,
                at: t("2020-02-01 20:00"),
                event: e,
                prev_hash: String::new(),
                hash: String::new(),
            })
            .unwrap();
            j.records()[0].directive.clone()
        })
        .unwrap();
    let feed = [feed_directive];
    let prep = Prepare { journal: &log.journal, registry: &registry, feed: &feed, now: t("2020-02-02 00:00") };
    assert!(matches!(prep.create(&input("绥指公4号"), "王", true).unwrap_err()[0], Problem::DuplicateNumber { .. }));
}
