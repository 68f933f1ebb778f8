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
    /// The exercise clock of an exercise record (RFC 3339, as `at`); NULL for a real one.
    pub(super) exercise_at: Option<String>,
    pub(super) prev_hash: String,
    pub(super) hash: String,
}

pub(super) const SELECT_ROWS: &str =
    "SELECT seq, at, kind, issuer, number, officer, unit, reason, content, prev_hash, hash, exercise_at FROM events";

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
        exercise_at: r.get(11)?,
    })
}

impl RawRow {
    pub(super) fn hash_now(&self) -> String {
        let mut fields = vec![
            Some(self.seq.to_string()),
            Some(self.at.clone()),
            Some(self.kind.clone()),
            Some(self.issuer.clone()),
            Some(self.number.clone()),
            Some(self.officer.clone()),
            self.unit.clone(),
            self.reason.clone(),
            self.content.clone(),
            Some(self.prev_hash.clone()),
        ];
        // Schema 1 had no exercise time: a real record hashes the same fields as then, so
        // journals written before exercises existed still verify.
        if let Some(t) = &self.exercise_at {
            fields.push(Some(format!("exercise_at={t}")));
        }
        let refs: Vec<Option<&str>> = fields.iter().map(Option::as_deref).collect();
        chain_hash(&refs)
    }

    pub(super) fn parse(&self) -> Result<JournalEvent, String> {
        let seq = u64::try_from(self.seq).map_err(|_| format!("sequence number {} is negative", self.seq))?;
        let at = DateTime::parse_from_rfc3339(&self.at)
            .map_err(|e| format!("time {:?} is not RFC 3339: {e}", self.at))?
            .with_timezone(&Utc);
        let exercise_at = match &self.exercise_at {
            None => None,
            Some(t) => Some(
                DateTime::parse_from_rfc3339(t)
                    .map_err(|e| format!("exercise time {t:?} is not RFC 3339: {e}"))?
                    .with_timezone(&Utc),
            ),
        };
        let kind = EventKind::parse(&self.kind).ok_or_else(|| format!("unknown event kind {:?}", self.kind))?;
        let content: Option<DirectiveContent> = match &self.content {
            None => None,
            Some(c) => Some(serde_json::from_str(c).map_err(|e| format!("content is not valid: {e}"))?),
        };
        Ok(JournalEvent {
            seq,
            at,
            exercise_at,
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
    fields_hash(b"sitboard.journal/1\n", fields)
}

/// SHA-256 over a table's domain line and the fields of a row of its chain, each
/// length-prefixed (`None` written `-`), hex: the journal's events, exports and audit.
pub(super) fn fields_hash(domain: &[u8], fields: &[Option<&str>]) -> String {
    let mut h = Sha256::new();
    h.update(domain);
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
