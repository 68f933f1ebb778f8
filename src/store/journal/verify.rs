//! Verifying a journal: every event's hash and its link to the event before, no gaps,
//! nothing removed from the end, every event readable and allowed by the lifecycle rules.

use super::rows::RawRow;
use super::{GENESIS_HASH, JournalStore, StoreError};
use crate::model::journal::{Journal, Problem};

/// A journal that verified: how many events, and the hash of the last one.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    pub events: u64,
    pub head: String,
    /// The last event the journal's head record names (written with every event).
    pub recorded_head_seq: u64,
}

/// Why an event failed verification.
#[derive(Clone, Debug, PartialEq)]
pub enum BadReason {
    /// Its fields do not give its stored hash: it was changed after it was written.
    HashMismatch,
    /// Its `prev_hash` is not the hash of the event before it: an event before it was
    /// changed, removed or inserted.
    ChainBroken,
    /// Events are missing before it (the sequence jumps from `after`).
    Gap { after: u64 },
    /// Events after it were removed (the journal's head record names a later event).
    Truncated { head_seq: u64 },
    /// It is not recorded in the journal's head record (written outside Sitboard).
    NotInHead { head_seq: u64 },
    /// A field cannot be read.
    Unreadable(String),
    /// It breaks the lifecycle rules (e.g. lifts a draft).
    BreaksRules(Problem),
}

/// The first event that failed verification.
#[derive(Clone, Debug, PartialEq)]
pub struct BadEvent {
    pub seq: u64,
    pub kind: String,
    pub number: String,
    pub issuer: String,
    pub reason: BadReason,
}

impl JournalStore {
    /// Check the whole chain: every event's hash, every link to the event before, no gaps,
    /// nothing removed from the end, every event readable and allowed by the lifecycle rules.
    /// `Ok(Err(bad))` names the first bad event.
    pub fn verify(&self) -> Result<Result<Verified, BadEvent>, StoreError> {
        let rows = self.rows(None)?;
        let head_seq: u64 = self.meta("head_seq")?.and_then(|s| s.parse().ok()).unwrap_or(0);
        let head_hash = self.meta("head_hash")?.unwrap_or_default();
        let mut prev_hash = GENESIS_HASH.to_owned();
        let mut prev_seq: u64 = 0;
        let mut journal = Journal::default();
        let bad = |r: &RawRow, reason: BadReason| BadEvent {
            seq: u64::try_from(r.seq).unwrap_or(0),
            kind: r.kind.clone(),
            number: r.number.clone(),
            issuer: r.issuer.clone(),
            reason,
        };
        for r in &rows {
            let seq = u64::try_from(r.seq).unwrap_or(0);
            if r.hash_now() != r.hash {
                return Ok(Err(bad(r, BadReason::HashMismatch)));
            }
            if seq != prev_seq + 1 {
                return Ok(Err(bad(r, BadReason::Gap { after: prev_seq })));
            }
            if r.prev_hash != prev_hash {
                return Ok(Err(bad(r, BadReason::ChainBroken)));
            }
            if seq > head_seq {
                return Ok(Err(bad(r, BadReason::NotInHead { head_seq })));
            }
            let event = match r.parse() {
                Ok(ev) => ev,
                Err(detail) => return Ok(Err(bad(r, BadReason::Unreadable(detail)))),
            };
            if let Err(p) = journal.apply(event) {
                return Ok(Err(bad(r, BadReason::BreaksRules(p))));
            }
            prev_hash = r.hash.clone();
            prev_seq = seq;
        }
        if prev_seq < head_seq || (head_seq > 0 && prev_hash != head_hash) {
            let last = rows.last();
            return Ok(Err(BadEvent {
                seq: prev_seq,
                kind: last.map(|r| r.kind.clone()).unwrap_or_default(),
                number: last.map(|r| r.number.clone()).unwrap_or_default(),
                issuer: last.map(|r| r.issuer.clone()).unwrap_or_default(),
                reason: BadReason::Truncated { head_seq },
            }));
        }
        Ok(Ok(Verified { events: prev_seq, head: prev_hash, recorded_head_seq: head_seq }))
    }
}
