//! Reading events (all of them, or one directive's history) and appending one: checked
//! against the lifecycle under the write lock, numbered, chained, and durable on return.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension as _, TransactionBehavior, params};

use super::rows::{RawRow, SELECT_ROWS, format_at, raw_row};
use super::{GENESIS_HASH, JournalStore, StoreError, bad_row, sql_error};
use crate::model::journal::{
    EventKind, Journal, JournalEvent, NewEvent, Problem, Stamp, check_external_ack, check_transition,
};
use crate::model::text::comparable;

impl JournalStore {
    pub(super) fn rows(&self, filter: Option<(&str, &str)>) -> Result<Vec<RawRow>, StoreError> {
        let rows = match filter {
            None => {
                let select = if self.schema_1_read_only {
                    SELECT_ROWS.replace(", exercise_at FROM", ", NULL AS exercise_at FROM")
                } else {
                    SELECT_ROWS.to_owned()
                };
                let mut stmt = self.conn.prepare(&format!("{select} ORDER BY seq")).map_err(|e| self.err("read", e))?;
                stmt.query_map([], raw_row)
                    .map_err(|e| self.err("read", e))?
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| self.err("read", e))?
            }
            Some((issuer, number)) => {
                let mut stmt = self
                    .conn
                    .prepare(&format!("{SELECT_ROWS} WHERE issuer = ?1 AND number = ?2 ORDER BY seq"))
                    .map_err(|e| self.err("read", e))?;
                stmt.query_map(params![issuer, number], raw_row)
                    .map_err(|e| self.err("read", e))?
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| self.err("read", e))?
            }
        };
        Ok(rows)
    }

    fn parse_rows(&self, rows: Vec<RawRow>) -> Result<Vec<JournalEvent>, StoreError> {
        rows.iter().map(|r| r.parse().map_err(|detail| bad_row(&self.path, r.seq, detail))).collect()
    }

    /// Every event, in order.
    pub fn events(&self) -> Result<Vec<JournalEvent>, StoreError> {
        let rows = self.rows(None)?;
        self.parse_rows(rows)
    }

    /// The events of one directive, in order (its history).
    pub fn history(&self, issuer: &str, number: &str) -> Result<Vec<JournalEvent>, StoreError> {
        let rows = self.rows(Some((issuer, number)))?;
        self.parse_rows(rows)
    }

    /// The journal as the board reads it: every directive derived from its events.
    pub fn load(&self) -> Result<Journal, StoreError> {
        let mut j = Journal::from_events(self.events()?);
        j.exports = self.exports()?;
        Ok(j)
    }

    /// Changes whenever another connection (another process) commits to the journal.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.conn.query_row("PRAGMA data_version", [], |r| r.get(0)).map_err(|e| self.err("read", e))
    }

    /// Write one event, stamped `at` (a wall-clock time, or a [`Stamp`] with the exercise
    /// clock for an exercise journal), after checking it against the directive's events so
    /// far (under the write lock, so a concurrent writer cannot slip in between). Returns
    /// once the event is durably on disk.
    pub fn append(&mut self, event: NewEvent, at: impl Into<Stamp>) -> Result<JournalEvent, StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|err| sql_error(&path, "write to", err))?;
        let written = append_in(&tx, &path, event, at.into())?;
        tx.commit().map_err(|err| sql_error(&path, "write to", err))?;
        Ok(written)
    }

    /// Write a unit's acknowledgment of a directive this journal may hold no record of (a
    /// feed's, published by the hub): [`check_external_ack`] instead of the lifecycle's
    /// "unknown directive". A directive the journal does hold is checked by its lifecycle as
    /// in [`append`](Self::append). Durable on return; the outbox sends it to the hub.
    pub fn append_external_ack(&mut self, event: NewEvent, at: impl Into<Stamp>) -> Result<JournalEvent, StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|err| sql_error(&path, "write to", err))?;
        let written = append_checked(&tx, &path, event, at.into(), true)?;
        tx.commit().map_err(|err| sql_error(&path, "write to", err))?;
        Ok(written)
    }
}

/// Append one event inside a write transaction the caller commits: check it against the
/// directive's events so far, number it, chain it to the last event, move the head record.
/// An exercise record goes only into an exercise journal, a real one only into a real one.
/// (The hub's idempotent append writes its key in the same transaction.)
pub(in crate::store) fn append_in(
    tx: &rusqlite::Transaction<'_>,
    path: &Path,
    event: NewEvent,
    stamp: Stamp,
) -> Result<JournalEvent, StoreError> {
    append_checked(tx, path, event, stamp, false)
}

/// [`append_in`], where `external_ack` lets an acknowledgment of a directive the journal
/// holds no record of through ([`check_external_ack`]).
fn append_checked(
    tx: &rusqlite::Transaction<'_>,
    path: &Path,
    event: NewEvent,
    stamp: Stamp,
    external_ack: bool,
) -> Result<JournalEvent, StoreError> {
    let path = path.to_path_buf();
    let e = |err| sql_error(&path, "write to", err);
    let purpose: Option<String> =
        tx.query_row("SELECT value FROM meta WHERE key = 'purpose'", [], |r| r.get(0)).optional().map_err(e)?;
    let exercise_journal = purpose.as_deref() == Some(super::PURPOSE_EXERCISE);
    if exercise_journal != stamp.exercise_at.is_some() {
        return Err(StoreError::Rejected(Problem::ExerciseMix { exercise: stamp.exercise_at.is_some() }));
    }
    let at = stamp.at;
    let mut stmt = tx.prepare(&format!("{SELECT_ROWS} WHERE issuer = ?1 AND number = ?2 ORDER BY seq")).map_err(e)?;
    let rows = stmt
        .query_map(params![event.issuer, event.number], raw_row)
        .map_err(e)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(e)?;
    drop(stmt);
    let mut history = Vec::with_capacity(rows.len());
    for r in &rows {
        history.push(r.parse().map_err(|detail| bad_row(&path, r.seq, detail))?);
    }
    let so_far = Journal::from_events(history);
    let current = so_far.record(&event.issuer, &event.number);
    if external_ack {
        check_external_ack(current, &event).map_err(StoreError::Rejected)?;
    } else {
        check_transition(current, &event).map_err(StoreError::Rejected)?;
    }
    // A new directive may not take a number that reads the same as one in the journal
    // (`哈指7\u{200B}号` beside `哈指7号`): compared as `comparable` forms. Only a new number
    // (no event under it yet) needs the look; the list is one entry per directive.
    if rows.is_empty() && matches!(event.kind, EventKind::Drafted | EventKind::Issued) {
        let (issuer, number) = (comparable(&event.issuer), comparable(&event.number));
        let mut stmt = tx.prepare("SELECT DISTINCT issuer, number FROM events").map_err(e)?;
        let taken = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(e)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(e)?
            .into_iter()
            .find(|(i, n)| comparable(i) == issuer && comparable(n) == number);
        if let Some((issuer, number)) = taken {
            return Err(StoreError::Rejected(Problem::DuplicateNumber { issuer, number }));
        }
    }

    let last: Option<(i64, String)> = tx
        .query_row("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(e)?;
    let (last_seq, prev_hash) = last.unwrap_or((0, GENESIS_HASH.to_owned()));
    let content = match &event.content {
        None => None,
        Some(c) => Some(serde_json::to_string(c).map_err(|err| StoreError::BadRow {
            path: path.clone(),
            seq: 0,
            detail: format!("cannot write the directive's content: {err}"),
        })?),
    };
    let row = RawRow {
        seq: last_seq + 1,
        at: format_at(at),
        kind: event.kind.wire_name().to_owned(),
        issuer: event.issuer.clone(),
        number: event.number.clone(),
        officer: event.officer.clone(),
        unit: event.unit.clone(),
        reason: event.reason.clone(),
        content,
        exercise_at: stamp.exercise_at.map(format_at),
        prev_hash,
        hash: String::new(),
    };
    let hash = row.hash_now();
    tx.execute(
        "INSERT INTO events (seq, at, kind, issuer, number, officer, unit, reason, content, prev_hash, hash, exercise_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            row.seq,
            row.at,
            row.kind,
            row.issuer,
            row.number,
            row.officer,
            row.unit,
            row.reason,
            row.content,
            row.prev_hash,
            hash,
            row.exercise_at
        ],
    )
    .map_err(e)?;
    tx.execute("UPDATE meta SET value = ?1 WHERE key = 'head_seq'", [row.seq.to_string()]).map_err(e)?;
    tx.execute("UPDATE meta SET value = ?1 WHERE key = 'head_hash'", [&hash]).map_err(e)?;
    Ok(JournalEvent {
        seq: u64::try_from(row.seq).unwrap_or(0),
        at: DateTime::parse_from_rfc3339(&row.at).map(|t| t.with_timezone(&Utc)).unwrap_or(at),
        exercise_at: row
            .exercise_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
            .or(stamp.exercise_at),
        event,
        prev_hash: row.prev_hash,
        hash,
    })
}
