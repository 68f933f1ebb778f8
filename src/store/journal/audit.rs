//! The `audit` table (schema 4): the hub's officers and what they did that the directive
//! events do not say (grants, revocations, token rotations, sign-ins, refusals), append-only
//! and chained by its own SHA-256 hash (as the export record), with its head in `meta`
//! (`audit_head_seq`, `audit_head_hash`) so that a removed last row is found. The officers
//! are derived from it ([`officers_from`]); a grant takes an ID once, for good.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension as _, TransactionBehavior, params};

use super::rows::{fields_hash, format_at};
use super::{GENESIS_HASH, JournalStore, StoreError, bad_row, sql_error};
use crate::model::journal::{AuditEvent, AuditRecord, GRANT_KINDS, OfficerEntry, officers_from};

/// The table, its triggers, its index and its head (created by `init` and the upgrade to
/// schema 4).
pub(super) const AUDIT_DDL: &str = "CREATE TABLE IF NOT EXISTS audit (
         seq INTEGER PRIMARY KEY,
         at TEXT NOT NULL,
         kind TEXT NOT NULL,
         officer TEXT NOT NULL,
         actor TEXT NOT NULL,
         detail TEXT NOT NULL,
         prev_hash TEXT NOT NULL,
         hash TEXT NOT NULL
     );
     CREATE INDEX IF NOT EXISTS audit_by_kind ON audit (kind, seq);
     CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
         BEGIN SELECT RAISE(ABORT, 'the audit record is append-only'); END;
     CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
         BEGIN SELECT RAISE(ABORT, 'the audit record is append-only'); END;
     INSERT OR IGNORE INTO meta (key, value) VALUES ('audit_head_seq', '0');
     INSERT OR IGNORE INTO meta (key, value) VALUES ('audit_head_hash', '0000000000000000000000000000000000000000000000000000000000000000');";

const SELECT: &str = "SELECT seq, at, kind, officer, actor, detail, prev_hash, hash FROM audit";

/// A row as stored (what the hash covers).
struct Raw {
    seq: i64,
    at: String,
    kind: String,
    officer: String,
    actor: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok(Raw {
        seq: r.get(0)?,
        at: r.get(1)?,
        kind: r.get(2)?,
        officer: r.get(3)?,
        actor: r.get(4)?,
        detail: r.get(5)?,
        prev_hash: r.get(6)?,
        hash: r.get(7)?,
    })
}

impl Raw {
    fn hash_now(&self) -> String {
        let seq = self.seq.to_string();
        let fields = [&seq, &self.at, &self.kind, &self.officer, &self.actor, &self.detail, &self.prev_hash];
        fields_hash(b"sitboard.audit/1\n", &fields.map(|f| Some(f.as_str())))
    }

    fn parse(&self) -> Result<AuditRecord, String> {
        let seq = u64::try_from(self.seq).map_err(|_| format!("sequence number {} is negative", self.seq))?;
        let at = DateTime::parse_from_rfc3339(&self.at)
            .map_err(|e| format!("time {:?} is not RFC 3339: {e}", self.at))?
            .with_timezone(&Utc);
        let event: AuditEvent =
            serde_json::from_str(&self.detail).map_err(|e| format!("its detail cannot be read: {e}"))?;
        if event.kind_name() != self.kind || event.officer() != self.officer {
            return Err(format!("its detail does not match its kind {:?} and officer {:?}", self.kind, self.officer));
        }
        Ok(AuditRecord {
            seq,
            at,
            actor: self.actor.clone(),
            event,
            prev_hash: self.prev_hash.clone(),
            hash: self.hash.clone(),
        })
    }
}

/// Why the audit record failed verification: the first bad row and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadAudit {
    pub seq: u64,
    pub kind: String,
    pub officer: String,
    pub reason: String,
}

impl std::fmt::Display for BadAudit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "audit record {} ({} {}): {}", self.seq, self.kind, self.officer, self.reason)
    }
}

impl JournalStore {
    /// Whether the file has the audit table (a schema 3 or older journal opened read-only
    /// has none: its audit record is empty).
    fn has_audit(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'", [], |_| Ok(()))
            .optional()
            .map(|r| r.is_some())
            .map_err(|e| self.err("read", e))
    }

    /// Note an audit event, durably (one transaction, chained to the last one). A grant of
    /// an ID the record already holds, and a revocation or token rotation of an officer it
    /// does not hold (or holds revoked), are refused with [`StoreError::Refused`] (checked
    /// under the write lock: two operators cannot grant the same ID at once).
    pub fn append_audit(
        &mut self,
        event: &AuditEvent,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<AuditRecord, StoreError> {
        let path = self.path.clone();
        let e = |err| sql_error(&path, "write to", err);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(e)?;
        if event.is_grant() {
            let mut stmt = tx
                .prepare(&format!(
                    "{SELECT} WHERE officer = ?1 AND kind IN ('{}', '{}', '{}') ORDER BY seq",
                    GRANT_KINDS[0], GRANT_KINDS[1], GRANT_KINDS[2]
                ))
                .map_err(e)?;
            let rows = stmt.query_map([event.officer()], raw).map_err(e)?.collect::<Result<Vec<_>, _>>().map_err(e)?;
            drop(stmt);
            let records = rows
                .iter()
                .map(|r| r.parse().map_err(|detail| bad_row(&path, r.seq, detail)))
                .collect::<Result<Vec<_>, _>>()?;
            let (list, revoked_elsewhere) = officers_from(&records);
            let id = event.officer();
            let held = list.iter().find(|o| o.officer.id == id);
            match event {
                AuditEvent::Granted { .. } if held.is_some() || revoked_elsewhere.iter().any(|r| r == id) => {
                    return Err(StoreError::Refused(format!(
                        "the officer ID {id:?} is taken (granted or revoked before; an ID is never given out \
                         twice): choose another"
                    )));
                }
                AuditEvent::TokenRotated { .. } if held.is_none_or(|o| o.revoked) => {
                    return Err(StoreError::Refused(format!(
                        "{id:?} is not an officer of this hub{}",
                        if held.is_some() { " any more (revoked)" } else { "" }
                    )));
                }
                AuditEvent::Revoked { .. }
                    if held.is_some_and(|o| o.revoked) || revoked_elsewhere.iter().any(|r| r == id) =>
                {
                    return Err(StoreError::Refused(format!("{id:?} is revoked already")));
                }
                _ => {}
            }
        }
        let detail = serde_json::to_string(event).map_err(|err| StoreError::BadRow {
            path: path.clone(),
            seq: 0,
            detail: format!("cannot write the audit event: {err}"),
        })?;
        let last: Option<(i64, String)> = tx
            .query_row("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(e)?;
        let (last_seq, prev_hash) = last.unwrap_or((0, GENESIS_HASH.to_owned()));
        let mut row = Raw {
            seq: last_seq + 1,
            at: format_at(at),
            kind: event.kind_name().to_owned(),
            officer: event.officer().to_owned(),
            actor: actor.to_owned(),
            detail,
            prev_hash,
            hash: String::new(),
        };
        row.hash = row.hash_now();
        tx.execute(
            "INSERT INTO audit (seq, at, kind, officer, actor, detail, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![row.seq, row.at, row.kind, row.officer, row.actor, row.detail, row.prev_hash, row.hash],
        )
        .map_err(e)?;
        tx.execute("UPDATE meta SET value = ?1 WHERE key = 'audit_head_seq'", [row.seq.to_string()]).map_err(e)?;
        tx.execute("UPDATE meta SET value = ?1 WHERE key = 'audit_head_hash'", [&row.hash]).map_err(e)?;
        tx.commit().map_err(e)?;
        let seq = row.seq as u64;
        row.parse().map_err(|detail| StoreError::BadRow { path: self.path.clone(), seq, detail })
    }

    fn audit_rows(&self, grants_only: bool) -> Result<Vec<Raw>, StoreError> {
        if !self.has_audit()? {
            return Ok(Vec::new());
        }
        let filter = if grants_only {
            format!(" WHERE kind IN ('{}', '{}', '{}')", GRANT_KINDS[0], GRANT_KINDS[1], GRANT_KINDS[2])
        } else {
            String::new()
        };
        let mut stmt = self.conn.prepare(&format!("{SELECT}{filter} ORDER BY seq")).map_err(|e| self.err("read", e))?;
        let rows = stmt.query_map([], raw).map_err(|e| self.err("read", e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err("read", e))
    }

    fn parse_audit(&self, rows: Vec<Raw>) -> Result<Vec<AuditRecord>, StoreError> {
        rows.iter().map(|r| r.parse().map_err(|detail| bad_row(&self.path, r.seq, detail))).collect()
    }

    /// Every audit event, oldest first.
    pub fn audit(&self) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = self.audit_rows(false)?;
        self.parse_audit(rows)
    }

    /// The officers the audit record grants (in the order granted), and the IDs revoked
    /// without a grant here (officers of a tokens file). Reads the grant events only.
    pub fn officers(&self) -> Result<(Vec<OfficerEntry>, Vec<String>), StoreError> {
        let rows = self.audit_rows(true)?;
        let records = self.parse_audit(rows)?;
        Ok(officers_from(&records))
    }

    /// Check the audit record's chain: every hash, every link, no gap, nothing removed from
    /// the end, every row readable. Returns how many records verified, or the first bad one.
    pub fn verify_audit(&self) -> Result<Result<u64, BadAudit>, StoreError> {
        let rows = self.audit_rows(false)?;
        let head_seq: u64 = self.meta("audit_head_seq")?.and_then(|s| s.parse().ok()).unwrap_or(0);
        let head_hash = self.meta("audit_head_hash")?.unwrap_or_default();
        let mut prev_hash = GENESIS_HASH.to_owned();
        let mut prev_seq = 0u64;
        for r in &rows {
            let seq = u64::try_from(r.seq).unwrap_or(0);
            let bad =
                |reason: String| Ok(Err(BadAudit { seq, kind: r.kind.clone(), officer: r.officer.clone(), reason }));
            if r.hash_now() != r.hash {
                return bad("changed after it was written (its hash does not match)".into());
            }
            if seq != prev_seq + 1 {
                return bad(format!("records missing before it (after {prev_seq})"));
            }
            if r.prev_hash != prev_hash {
                return bad("the chain is broken before it".into());
            }
            if seq > head_seq {
                return bad("not in the head record (written outside Sitboard)".into());
            }
            if let Err(detail) = r.parse() {
                return bad(detail);
            }
            prev_hash = r.hash.clone();
            prev_seq = seq;
        }
        if prev_seq < head_seq || (head_seq > 0 && prev_hash != head_hash) {
            let last = rows.last();
            return Ok(Err(BadAudit {
                seq: prev_seq,
                kind: last.map(|r| r.kind.clone()).unwrap_or_default(),
                officer: last.map(|r| r.officer.clone()).unwrap_or_default(),
                reason: format!("records after it were removed (the head names record {head_seq})"),
            }));
        }
        Ok(Ok(prev_seq))
    }
}
