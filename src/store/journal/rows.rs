//! An event as stored in the `events` table, before parsing: reading it from a row, the
//! SHA-256 that chains it to the event before, and parsing it into a [`JournalEvent`].

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest as _, Sha256};

use crate::model::journal::{DirectiveContent, EventKind, JournalEvent, NewEvent};

/// A row as stored, before parsing (what the hash covers).
pub(super) struct RawRow {
    pub(super) seq: i64,
    pub(super) at: String,
    pub(super) kind: String,
    pub(super) issuer: String,
    pub(super) number: String,
    pub(super) officer: String,
    pub(super) unit: Option<String>,
    pub(super) reason: Option<String>,
    pub(super) content: Option<String>,
    pub(super) prev_hash: String,
    pub(super) hash: String,
}

pub(super) const SELECT_ROWS: &str =
    "SELECT seq, at, kind, issuer, number, officer, unit, reason, content, prev_hash, hash FROM events";

pub(super) fn raw_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        seq: r.get(0)?,
        at: r.get(1)?,
        kind: r.get(2)?,
        issuer: r.get(3)?,
        number: r.get(4)?,
        officer: r.get(5)?,
        unit: r.get(6)?,
        reason: r.get(7)?,
        content: r.get(8)?,
        prev_hash: r.get(9)?,
        hash: r.get(10)?,
    })
}

impl RawRow {
    pub(super) fn hash_now(&self) -> String {
        chain_hash(&[
            Some(&self.seq.to_string()),
            Some(&self.at),
            Some(&self.kind),
            Some(&self.issuer),
            Some(&self.number),
            Some(&self.officer),
            self.unit.as_deref(),
            self.reason.as_deref(),
            self.content.as_deref(),
            Some(&self.prev_hash),
        ])
    }

    pub(super) fn parse(&self) -> Result<JournalEvent, String> {
        let seq = u64::try_from(self.seq).map_err(|_| format!("sequence number {} is negative", self.seq))?;
        let at = DateTime::parse_from_rfc3339(&self.at)
            .map_err(|e| format!("time {:?} is not RFC 3339: {e}", self.at))?
            .with_timezone(&Utc);
        let kind = EventKind::parse(&self.kind).ok_or_else(|| format!("unknown event kind {:?}", self.kind))?;
        let content: Option<DirectiveContent> = match &self.content {
            None => None,
            Some(c) => Some(serde_json::from_str(c).map_err(|e| format!("content is not valid: {e}"))?),
        };
        Ok(JournalEvent {
            seq,
            at,
            event: NewEvent {
                kind,
                issuer: self.issuer.clone(),
                number: self.number.clone(),
                officer: self.officer.clone(),
                unit: self.unit.clone(),
                reason: self.reason.clone(),
                content,
            },
            prev_hash: self.prev_hash.clone(),
            hash: self.hash.clone(),
        })
    }
}

/// SHA-256 over the fields, each length-prefixed (so no two field lists hash alike), hex.
fn chain_hash(fields: &[Option<&str>]) -> String {
    let mut h = Sha256::new();
    h.update(b"sitboard.journal/1\n");
    for f in fields {
        match f {
            None => h.update(b"-\n"),
            Some(s) => {
                h.update(format!("{}:", s.len()).as_bytes());
                h.update(s.as_bytes());
                h.update(b"\n");
            }
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// How times are written in the journal: UTC, microseconds, `Z`.
pub(super) fn format_at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}
