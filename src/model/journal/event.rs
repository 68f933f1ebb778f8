//! Journal events: what can happen to a directive ([`EventKind`]), an event as an officer asks
//! for it ([`NewEvent`]), and as the journal wrote it, numbered, stamped and hash-chained
//! ([`JournalEvent`]; the hashes themselves are computed by `store`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::directive::DirectiveContent;

/// What happened to a directive. Every change is a new event; nothing is overwritten.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Drafted,
    Issued,
    Amended,
    Acknowledged,
    Lifted,
    Revoked,
}

impl EventKind {
    pub const ALL: [EventKind; 6] = [
        EventKind::Drafted,
        EventKind::Issued,
        EventKind::Amended,
        EventKind::Acknowledged,
        EventKind::Lifted,
        EventKind::Revoked,
    ];

    pub fn wire_name(self) -> &'static str {
        match self {
            EventKind::Drafted => "drafted",
            EventKind::Issued => "issued",
            EventKind::Amended => "amended",
            EventKind::Acknowledged => "acknowledged",
            EventKind::Lifted => "lifted",
            EventKind::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.wire_name() == s)
    }

    /// Whether the event carries the directive's full content.
    pub fn carries_content(self) -> bool {
        matches!(self, EventKind::Drafted | EventKind::Issued | EventKind::Amended)
    }
}

/// An event as an officer asks for it, before the journal stamps, numbers and chains it.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    pub kind: EventKind,
    pub issuer: String,
    pub number: String,
    pub officer: String,
    /// The unit that acknowledged (acknowledged only).
    pub unit: Option<String>,
    /// Why it was lifted or revoked.
    pub reason: Option<String>,
    /// Full content (drafted, issued, amended).
    pub content: Option<DirectiveContent>,
}

/// When an event is written: the wall clock, and for an exercise (演练) record the exercise
/// clock too (the instant the exercise was at when the officer logged it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub at: DateTime<Utc>,
    pub exercise_at: Option<DateTime<Utc>>,
}

impl Stamp {
    /// A real record, stamped with the wall clock.
    pub fn real(at: DateTime<Utc>) -> Stamp {
        Stamp { at, exercise_at: None }
    }

    /// An exercise record: written at `at` (wall clock) when the exercise was at `exercise_at`.
    pub fn exercise(at: DateTime<Utc>, exercise_at: DateTime<Utc>) -> Stamp {
        Stamp { at, exercise_at: Some(exercise_at) }
    }
}

impl From<DateTime<Utc>> for Stamp {
    fn from(at: DateTime<Utc>) -> Stamp {
        Stamp::real(at)
    }
}

/// An event as written in the journal: numbered, stamped and chained to the one before.
#[derive(Clone, Debug, PartialEq)]
pub struct JournalEvent {
    /// 1, 2, 3, … in the order written.
    pub seq: u64,
    /// When it was written (UTC, the wall clock).
    pub at: DateTime<Utc>,
    /// For an exercise record: the exercise clock when it was written (the exercise's "now";
    /// the record takes effect then, in the exercise). `None` for a real record.
    pub exercise_at: Option<DateTime<Utc>>,
    pub event: NewEvent,
    /// SHA-256 of the previous event (hex), all zeros for the first.
    pub prev_hash: String,
    /// SHA-256 of this event's fields and `prev_hash` (hex).
    pub hash: String,
}

impl JournalEvent {
    /// When the event takes effect: the exercise clock for an exercise record, else when it
    /// was written.
    pub fn effective_at(&self) -> DateTime<Utc> {
        self.exercise_at.unwrap_or(self.at)
    }

    pub fn is_exercise(&self) -> bool {
        self.exercise_at.is_some()
    }
}
