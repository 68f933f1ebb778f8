//! The wire form of a directive journal event, as a desktop sends it to the hub
//! (`POST /v1/directives/events`): the event as the officer made it, and where it sits in
//! the desktop's own journal (sequence number, time, hash) for the audit trail. Also the
//! checks the hub applies before writing one: the same text rules as the desktop's form,
//! region codes the registry knows, and (in the journal) the lifecycle rules.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::event::{EventKind, JournalEvent, NewEvent};
use super::input::{DraftInput, MAX_REASON_CHARS, MAX_SHORT_CHARS, check_officer, validate_input};
use super::problem::{Field, Problem};
use crate::model::directive::DirectiveContent;
use crate::model::region::RegionRegistry;
use crate::model::text::check_text;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireEvent {
    pub kind: EventKind,
    pub issuer: String,
    pub number: String,
    /// The officer as the desktop recorded them (the hub records the token's officer).
    pub officer: String,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub content: Option<DirectiveContent>,
    /// The event in the sender's journal.
    pub local_seq: u64,
    pub local_at: DateTime<Utc>,
    pub local_hash: String,
    /// An exercise (演练) record: the exercise clock on the sender when it was logged. Only
    /// an exercise hub (a live demo) takes it, and stamps its own exercise clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exercise_at: Option<DateTime<Utc>>,
}

impl WireEvent {
    pub fn from_journal(e: &JournalEvent) -> Self {
        let n = &e.event;
        WireEvent {
            kind: n.kind,
            issuer: n.issuer.clone(),
            number: n.number.clone(),
            officer: n.officer.clone(),
            unit: n.unit.clone(),
            reason: n.reason.clone(),
            content: n.content.clone(),
            local_seq: e.seq,
            local_at: e.at,
            local_hash: e.hash.clone(),
            exercise_at: e.exercise_at,
        }
    }

    /// The event the hub writes: the officer the token belongs to is its author, full stop.
    /// An event that names another officer is refused (`Err` with the name it gave): one
    /// officer's token never writes, or lifts, in another officer's name.
    pub fn to_event(&self, token_officer: &str) -> Result<NewEvent, String> {
        let declared = self.officer.trim();
        if !declared.is_empty() && declared != token_officer {
            return Err(declared.to_owned());
        }
        let officer = token_officer.to_owned();
        Ok(NewEvent {
            kind: self.kind,
            issuer: self.issuer.clone(),
            number: self.number.clone(),
            officer,
            unit: self.unit.clone(),
            reason: self.reason.clone(),
            content: self.content.clone(),
        })
    }

    /// The checks a desktop's form applies, applied again by the hub (a desktop may be an
    /// older build, or not a Sitboard at all). The lifecycle is checked by the journal.
    pub fn check(&self, registry: &RegionRegistry, now: DateTime<Utc>) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        if let Err(p) = check_officer(&self.officer) {
            problems.push(p);
        }
        if self.kind.carries_content() != self.content.is_some() {
            problems.push(Problem::Mismatch);
        }
        if let Some(c) = &self.content {
            if c.number != self.number || c.issuer != self.issuer {
                problems.push(Problem::Mismatch);
            }
            check_content(c, registry, now, &mut problems);
        }
        let mut short = |field: Field, s: &Option<String>, multiline: bool, max: usize| {
            if let Some(s) = s
                && let Err(problem) = check_text(s, multiline, max)
            {
                problems.push(Problem::Text { field, problem });
            }
        };
        short(Field::Unit, &self.unit, false, MAX_SHORT_CHARS);
        short(Field::Reason, &self.reason, true, MAX_REASON_CHARS);
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

fn check_content(c: &DirectiveContent, registry: &RegionRegistry, now: DateTime<Utc>, out: &mut Vec<Problem>) {
    // The form's own check, on the content as written (an event may be replayed long
    // after it was made, so "ends in the past" is not a reason to refuse it here).
    let input = DraftInput::from_content(c);
    if let Err(ps) = validate_input(&input, registry, false, now) {
        out.extend(ps);
    }
    if let (Some(f), Some(u)) = (c.effective_from, c.effective_until)
        && u <= f
        && !out.contains(&Problem::EndsBeforeStart)
    {
        out.push(Problem::EndsBeforeStart);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::region::tests::small_registry;
    use crate::model::{Adcode, DirectiveCategory, Priority};

    fn wire() -> WireEvent {
        WireEvent {
            kind: EventKind::Issued,
            issuer: "绥化市指挥部".into(),
            number: "1号".into(),
            officer: "王 001".into(),
            unit: None,
            reason: None,
            content: Some(DirectiveContent {
                number: "1号".into(),
                issuer: "绥化市指挥部".into(),
                title: "交通管制".into(),
                body: "正文".into(),
                category: DirectiveCategory::TrafficControl,
                scope: vec![Adcode::new(230100).unwrap()],
                effective_from: None,
                effective_until: None,
                priority: Priority::High,
            }),
            local_seq: 7,
            local_at: Utc::now(),
            local_hash: "ab".repeat(32),
            exercise_at: None,
        }
    }

    #[test]
    fn round_trips_and_checks() {
        let w = wire();
        let json = serde_json::to_string(&w).unwrap();
        assert!(json.contains("\"kind\":\"issued\""), "{json}");
        let back: WireEvent = serde_json::from_str(&json).unwrap();
        assert_eq!(back, w);
        assert!(w.check(&small_registry(), Utc::now()).is_ok());
        assert_eq!(w.to_event("王 001").unwrap().officer, "王 001");
        assert_eq!(w.to_event("wang001"), Err("王 001".to_owned()), "another officer's name is refused");
        let mut unnamed = wire();
        unnamed.officer = " ".into();
        assert_eq!(unnamed.to_event("wang001").unwrap().officer, "wang001");

        let mut bad = wire();
        bad.content.as_mut().unwrap().title = "evil\u{202E}".into();
        bad.content.as_mut().unwrap().scope = vec![Adcode::new(110000).unwrap()];
        let ps = bad.check(&small_registry(), Utc::now()).unwrap_err();
        assert!(ps.iter().any(|p| matches!(p, Problem::Text { field: Field::Title, .. })), "{ps:?}");
        assert!(ps.iter().any(|p| matches!(p, Problem::UnknownRegion(_))), "{ps:?}");
        let mut other = wire();
        other.number = "2号".into();
        assert!(other.check(&small_registry(), Utc::now()).unwrap_err().contains(&Problem::Mismatch));
        assert!(serde_json::from_str::<WireEvent>(&json.replace("\"kind\"", "\"extra\":1,\"kind\"")).is_err());
    }
}
