//! Directive sync on top of the journal file. On the hub: an idempotent append (the
//! request's `Idempotency-Key` is written in the same transaction as the event, so a
//! retried request never writes the event twice, not even after a crash between the write
//! and the answer). On a desktop: the outbox (which local events have reached which hub, or
//! were refused by it for good); the local journal itself is the queue, so an event is
//! durable before any attempt to send it.

use chrono::Utc;
use rusqlite::{OptionalExtension as _, TransactionBehavior, params};

use super::journal::{JournalStore, StoreError, append_in, sql_error};
use crate::model::journal::{JournalEvent, NewEvent, Stamp};

/// How an idempotent append ended.
#[derive(Clone, Debug, PartialEq)]
pub enum AppendOnce {
    /// Written now.
    New(JournalEvent),
    /// This key was written before (a retry): the event as written then.
    Replay(JournalEvent),
    /// This key was written before with another event.
    KeyConflict { seq: u64 },
}

/// What the hub did with a desktop's event, as the outbox records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxState {
    /// The hub has it (written now or before).
    Pushed,
    /// The hub refused it for good (e.g. the number is taken there); never sent again.
    Refused,
}

impl OutboxState {
    fn wire(self) -> &'static str {
        match self {
            OutboxState::Pushed => "pushed",
            OutboxState::Refused => "refused",
        }
    }
}

const IDEMPOTENCY_TABLE: &str = "CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY, digest TEXT NOT NULL, seq INTEGER NOT NULL,
    issuer TEXT NOT NULL, number TEXT NOT NULL, at TEXT NOT NULL)";

const OUTBOX_TABLE: &str = "CREATE TABLE IF NOT EXISTS outbox (
    hub TEXT NOT NULL, seq INTEGER NOT NULL, state TEXT NOT NULL, at TEXT NOT NULL, detail TEXT,
    PRIMARY KEY (hub, seq))";

impl JournalStore {
    /// Hub: write `event` unless `key` was written before. `digest` identifies the request's
    /// content: the same key with another digest is a conflict, not a replay.
    pub fn append_once(
        &mut self,
        key: &str,
        digest: &str,
        event: NewEvent,
        stamp: impl Into<Stamp>,
    ) -> Result<AppendOnce, StoreError> {
        let stamp = stamp.into();
        let at = stamp.at;
        let path = self.path.clone();
        let e = |err| sql_error(&path, "write to", err);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(e)?;
        tx.execute_batch(IDEMPOTENCY_TABLE).map_err(e)?;
        let seen: Option<(String, i64, String, String)> = tx
            .query_row("SELECT digest, seq, issuer, number FROM idempotency WHERE key = ?1", [key], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()
            .map_err(e)?;
        if let Some((old_digest, seq, issuer, number)) = seen {
            drop(tx);
            let seq = u64::try_from(seq).unwrap_or(0);
            if old_digest != digest {
                return Ok(AppendOnce::KeyConflict { seq });
            }
            let written = self.history(&issuer, &number)?.into_iter().find(|ev| ev.seq == seq).ok_or_else(|| {
                StoreError::BadRow {
                    path: path.clone(),
                    seq,
                    detail: "the event of an idempotency key is missing".into(),
                }
            })?;
            return Ok(AppendOnce::Replay(written));
        }
        let written = append_in(&tx, &path, event, stamp)?;
        tx.execute(
            "INSERT INTO idempotency (key, digest, seq, issuer, number, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![key, digest, written.seq as i64, written.event.issuer, written.event.number, at.to_rfc3339()],
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(AppendOnce::New(written))
    }

    /// Desktop: the events not yet pushed to `hub` nor refused by it, oldest first.
    pub fn outbox_pending(&self, hub: &str) -> Result<Vec<JournalEvent>, StoreError> {
        let done = self.outbox_done(hub)?;
        Ok(self.events()?.into_iter().filter(|ev| !done.iter().any(|(s, _, _)| *s == ev.seq)).collect())
    }

    /// Desktop: the events `hub` refused, with the reason it gave.
    pub fn outbox_refused(&self, hub: &str) -> Result<Vec<(u64, String)>, StoreError> {
        Ok(self
            .outbox_done(hub)?
            .into_iter()
            .filter(|(_, state, _)| state == OutboxState::Refused.wire())
            .map(|(seq, _, detail)| (seq, detail))
            .collect())
    }

    fn outbox_done(&self, hub: &str) -> Result<Vec<(u64, String, String)>, StoreError> {
        let e = |err| sql_error(&self.path, "read", err);
        self.conn.execute_batch(OUTBOX_TABLE).map_err(e)?;
        let mut stmt = self.conn.prepare("SELECT seq, state, detail FROM outbox WHERE hub = ?1").map_err(e)?;
        let rows = stmt
            .query_map([hub], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))
            .map_err(e)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(e)?;
        Ok(rows.into_iter().map(|(s, st, d)| (u64::try_from(s).unwrap_or(0), st, d.unwrap_or_default())).collect())
    }

    /// Desktop: record what `hub` did with the local event `seq`.
    pub fn outbox_mark(&self, hub: &str, seq: u64, state: OutboxState, detail: &str) -> Result<(), StoreError> {
        let e = |err| sql_error(&self.path, "write to", err);
        self.conn.execute_batch(OUTBOX_TABLE).map_err(e)?;
        self.conn
            .execute(
                "INSERT OR REPLACE INTO outbox (hub, seq, state, at, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![hub, seq as i64, state.wire(), Utc::now().to_rfc3339(), detail],
            )
            .map_err(e)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::journal::{DirectiveContent, EventKind};
    use crate::model::{Adcode, DirectiveCategory, Priority};

    fn issued(number: &str) -> NewEvent {
        NewEvent {
            kind: EventKind::Issued,
            issuer: "指挥部".into(),
            number: number.into(),
            officer: "li".into(),
            unit: None,
            reason: None,
            content: Some(DirectiveContent {
                number: number.into(),
                issuer: "指挥部".into(),
                title: "t".into(),
                body: String::new(),
                category: DirectiveCategory::Other,
                scope: vec![Adcode::new(230100).unwrap()],
                effective_from: None,
                effective_until: None,
                priority: Priority::Normal,
            }),
        }
    }

    #[test]
    fn a_key_writes_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = JournalStore::open_in(dir.path()).unwrap();
        let AppendOnce::New(a) = s.append_once("k1", "d1", issued("1号"), Utc::now()).unwrap() else { panic!() };
        let AppendOnce::Replay(b) = s.append_once("k1", "d1", issued("1号"), Utc::now()).unwrap() else { panic!() };
        assert_eq!(a, b);
        assert_eq!(
            s.append_once("k1", "other", issued("2号"), Utc::now()).unwrap(),
            AppendOnce::KeyConflict { seq: 1 }
        );
        assert!(matches!(s.append_once("k2", "d2", issued("1号"), Utc::now()), Err(StoreError::Rejected(_))));
        assert_eq!(s.events().unwrap().len(), 1);
        assert!(s.verify().unwrap().is_ok(), "the chain still verifies with the extra table");
    }

    #[test]
    fn the_outbox_keeps_order_and_forgets_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = JournalStore::open_in(dir.path()).unwrap();
        for n in ["1号", "2号", "3号"] {
            s.append(issued(n), Utc::now()).unwrap();
        }
        let hub = "http://hub:8470";
        assert_eq!(s.outbox_pending(hub).unwrap().iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3]);
        s.outbox_mark(hub, 1, OutboxState::Pushed, "").unwrap();
        s.outbox_mark(hub, 2, OutboxState::Refused, "number taken").unwrap();
        assert_eq!(s.outbox_pending(hub).unwrap().iter().map(|e| e.seq).collect::<Vec<_>>(), vec![3]);
        assert_eq!(s.outbox_refused(hub).unwrap(), vec![(2, "number taken".to_owned())]);
        assert_eq!(s.outbox_pending("http://other").unwrap().len(), 3, "per hub");
        assert!(s.verify().unwrap().is_ok());
    }
}
