//! One directive of the journal as derived from its events ([`DirectiveRecord`]): its current
//! content, status, acknowledgments and history, and whether it was in force at an instant.

use chrono::{DateTime, Utc};

use super::event::{EventKind, JournalEvent};
use crate::model::directive::{Directive, DirectiveContent, DirectiveStatus};

/// The `source` of directives derived from the journal (feed directives carry a feed id).
pub const JOURNAL_SOURCE: &str = "journal";

/// An acknowledgment by a unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Acknowledgment {
    pub unit: String,
    pub officer: String,
    pub at: DateTime<Utc>,
    pub seq: u64,
    /// The note the officer gave with it (the event's `reason`), if any.
    pub note: Option<String>,
}

/// An acknowledgment this desktop recorded of a directive it holds no record of: one
/// published by a feed (the hub), addressed to a unit in the officer's scope. The journal
/// keeps it as evidence and the outbox sends it to the hub; it never creates a directive.
#[derive(Clone, Debug, PartialEq)]
pub struct ExternalAck {
    pub issuer: String,
    pub number: String,
    pub ack: Acknowledgment,
}

/// One directive of the journal: its current content and status, derived from its events.
#[derive(Clone, Debug, PartialEq)]
pub struct DirectiveRecord {
    pub content: DirectiveContent,
    pub status: DirectiveStatus,
    pub drafted_at: Option<DateTime<Utc>>,
    pub issued_at: Option<DateTime<Utc>>,
    /// When it was lifted or revoked, with the reason.
    pub ended: Option<(DateTime<Utc>, String)>,
    pub acknowledgments: Vec<Acknowledgment>,
    /// All its events, oldest first (the history, always complete).
    pub events: Vec<JournalEvent>,
    /// The same directive as the board's other directives see it.
    pub directive: Directive,
}

impl DirectiveRecord {
    pub fn number(&self) -> &str {
        &self.content.number
    }

    pub fn issuer(&self) -> &str {
        &self.content.issuer
    }

    /// When it was first recorded (drafted or issued; the exercise clock for an exercise
    /// record).
    pub fn created_at(&self) -> DateTime<Utc> {
        self.events.first().map(|e| e.effective_at()).unwrap_or(self.directive.issued_at)
    }

    /// Whether it is an exercise (演练) record.
    pub fn is_exercise(&self) -> bool {
        self.events.iter().any(JournalEvent::is_exercise)
    }

    /// Whether it was in force at `t` (on the exercise clock for an exercise record), as the
    /// journal knew at `t`: issued by then, effective,
    /// not past its end, not yet lifted or revoked.
    pub fn in_force_at(&self, t: DateTime<Utc>) -> bool {
        let Some(issued) = self.issued_at else { return false };
        if t < issued {
            return false;
        }
        // Content as amended up to `t`.
        let content = self
            .events
            .iter()
            .rev()
            .filter(|e| e.effective_at() <= t)
            .find_map(|e| e.event.content.as_ref())
            .unwrap_or(&self.content);
        if content.effective_from.is_some_and(|f| t < f) || content.effective_until.is_some_and(|u| t >= u) {
            return false;
        }
        !self
            .events
            .iter()
            .any(|e| matches!(e.event.kind, EventKind::Lifted | EventKind::Revoked) && e.effective_at() <= t)
    }

    /// The directive as the board's other directives see it (a lift ends its validity).
    pub(super) fn to_directive(&self) -> Directive {
        let c = &self.content;
        let mut until = c.effective_until;
        if let Some((at, _)) = &self.ended
            && self.status == DirectiveStatus::Lifted
        {
            until = Some(until.map_or(*at, |u| u.min(*at)));
        }
        Directive {
            content: DirectiveContent { effective_until: until, ..c.clone() },
            issued_at: self.issued_at.or(self.drafted_at).unwrap_or_else(|| self.created_at()),
            status: self.status,
            supersedes: Vec::new(),
            source: JOURNAL_SOURCE.to_owned(),
            reference: None,
            known_until: None,
            addressed: Vec::new(),
        }
    }
}
