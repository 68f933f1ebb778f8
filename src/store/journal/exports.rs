//! The `exports` table (schema 3): one row per file that left the board, append-only and
//! chained by its own SHA-256 hash (apart from the directive events, whose chain and head
//! record stay as they were), with its head in `meta` (`exports_head_seq`,
//! `exports_head_hash`) so that a removed last row is found.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension as _, TransactionBehavior, params};
use sha2::{Digest as _, Sha256};

use super::rows::{fields_hash, format_at};
use super::{GENESIS_HASH, JournalStore, StoreError, bad_row, sql_error};
use crate::model::journal::{ExportRecord, NewExport};

/// The table, its triggers and its head (created by `init` and the upgrade to schema 3).
pub(super) const EXPORTS_DDL: &str = "CREATE TABLE IF NOT EXISTS exports (
         seq INTEGER PRIMARY KEY,
         at TEXT NOT NULL,
         what TEXT NOT NULL,
         region TEXT NOT NULL,
         period TEXT NOT NULL,
         as_of TEXT NOT NULL,
         file TEXT NOT NULL,
         sha256 TEXT NOT NULL,
         bytes INTEGER NOT NULL,
         officer TEXT NOT NULL,
         prev_hash TEXT NOT NULL,
         hash TEXT NOT NULL
     );
     CREATE TRIGGER IF NOT EXISTS exports_no_update BEFORE UPDATE ON exports
         BEGIN SELECT RAISE(ABORT, 'the export record is append-only'); END;
     CREATE TRIGGER IF NOT EXISTS exports_no_delete BEFORE DELETE ON exports
         BEGIN SELECT RAISE(ABORT, 'the export record is append-only'); END;
     INSERT OR IGNORE INTO meta (key, value) VALUES ('exports_head_seq', '0');
     INSERT OR IGNORE INTO meta (key, value) VALUES ('exports_head_hash', '0000000000000000000000000000000000000000000000000000000000000000');";

const SELECT: &str =
    "SELECT seq, at, what, region, period, as_of, file, sha256, bytes, officer, prev_hash, hash FROM exports";

/// A row as stored.
struct Raw {
    seq: i64,
    at: String,
    what: String,
    region: String,
    period: String,
    as_of: String,
    file: String,
    sha256: String,
    bytes: i64,
    officer: String,
    prev_hash: String,
    hash: String,
}

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok(Raw {
        seq: r.get(0)?,
        at: r.get(1)?,
        what: r.get(2)?,
        region: r.get(3)?,
        period: r.get(4)?,
        as_of: r.get(5)?,
        file: r.get(6)?,
        sha256: r.get(7)?,
        bytes: r.get(8)?,
        officer: r.get(9)?,
        prev_hash: r.get(10)?,
        hash: r.get(11)?,
    })
}

impl Raw {
    fn hash_now(&self) -> String {
        let (seq, bytes) = (self.seq.to_string(), self.bytes.to_string());
        let fields = [
            &seq,
            &self.at,
            &self.what,
            &self.region,
            &self.period,
            &self.as_of,
            &self.file,
            &self.sha256,
            &bytes,
            &self.officer,
            &self.prev_hash,
        ];
        fields_hash(b"sitboard.exports/1\n", &fields.map(|f| Some(f.as_str())))
    }

    fn parse(self) -> Result<ExportRecord, String> {
        let seq = u64::try_from(self.seq).map_err(|_| format!("sequence number {} is negative", self.seq))?;
        let at = DateTime::parse_from_rfc3339(&self.at)
            .map_err(|e| format!("time {:?} is not RFC 3339: {e}", self.at))?
            .with_timezone(&Utc);
        Ok(ExportRecord {
            seq,
            at,
            export: NewExport {
                what: self.what,
                region: self.region,
                period: self.period,
                as_of: self.as_of,
                file: self.file,
                sha256: self.sha256,
                bytes: u64::try_from(self.bytes).unwrap_or(0),
                officer: self.officer,
            },
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

/// The SHA-256 of a file's bytes, hex (what an export record keeps).
pub fn file_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Why the export record failed verification: the first bad row and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadExport {
    pub seq: u64,
    pub file: String,
    pub reason: String,
}

impl JournalStore {
    /// Note an export, durably (one transaction, chained to the last one).
    pub fn append_export(&mut self, export: NewExport, at: DateTime<Utc>) -> Result<ExportRecord, StoreError> {
        let path = self.path.clone();
        let e = |err| sql_error(&path, "write to", err);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(e)?;
        let last: Option<(i64, String)> = tx
            .query_row("SELECT seq, hash FROM exports ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(e)?;
        let (last_seq, prev_hash) = last.unwrap_or((0, GENESIS_HASH.to_owned()));
        let mut row = Raw {
            seq: last_seq + 1,
            at: format_at(at),
            what: export.what,
            region: export.region,
            period: export.period,
            as_of: export.as_of,
            file: export.file,
            sha256: export.sha256,
            bytes: i64::try_from(export.bytes).unwrap_or(i64::MAX),
            officer: export.officer,
            prev_hash,
            hash: String::new(),
        };
        row.hash = row.hash_now();
        tx.execute(
            "INSERT INTO exports (seq, at, what, region, period, as_of, file, sha256, bytes, officer, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                row.seq,
                row.at,
                row.what,
                row.region,
                row.period,
                row.as_of,
                row.file,
                row.sha256,
                row.bytes,
                row.officer,
                row.prev_hash,
                row.hash
            ],
        )
        .map_err(e)?;
        tx.execute("UPDATE meta SET value = ?1 WHERE key = 'exports_head_seq'", [row.seq.to_string()]).map_err(e)?;
        tx.execute("UPDATE meta SET value = ?1 WHERE key = 'exports_head_hash'", [&row.hash]).map_err(e)?;
        tx.commit().map_err(e)?;
        let seq = row.seq;
        row.parse().map_err(|detail| StoreError::BadRow { path: self.path.clone(), seq: seq as u64, detail })
    }

    fn export_rows(&self) -> Result<Vec<Raw>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("{SELECT} ORDER BY seq")).map_err(|e| self.err("read", e))?;
        let rows = stmt.query_map([], raw).map_err(|e| self.err("read", e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err("read", e))
    }

    /// Every export noted, oldest first.
    pub fn exports(&self) -> Result<Vec<ExportRecord>, StoreError> {
        self.export_rows()?
            .into_iter()
            .map(|r| {
                let seq = r.seq;
                r.parse().map_err(|detail| bad_row(&self.path, seq, detail))
            })
            .collect()
    }

    /// Check the export record's chain: every hash, every link, no gap, nothing removed
    /// from the end. Returns how many exports verified, or the first bad one.
    pub fn verify_exports(&self) -> Result<Result<u64, BadExport>, StoreError> {
        let rows = self.export_rows()?;
        let head_seq: u64 = self.meta("exports_head_seq")?.and_then(|s| s.parse().ok()).unwrap_or(0);
        let head_hash = self.meta("exports_head_hash")?.unwrap_or_default();
        let mut prev_hash = GENESIS_HASH.to_owned();
        let mut prev_seq = 0u64;
        for r in &rows {
            let seq = u64::try_from(r.seq).unwrap_or(0);
            let bad = |reason: &str| Ok(Err(BadExport { seq, file: r.file.clone(), reason: reason.to_owned() }));
            if r.hash_now() != r.hash {
                return bad("changed after it was written (its hash does not match)");
            }
            if seq != prev_seq + 1 {
                return bad(&format!("exports missing before it (after {prev_seq})"));
            }
            if r.prev_hash != prev_hash {
                return bad("the chain is broken before it");
            }
            if seq > head_seq {
                return bad("not in the head record (written outside Sitboard)");
            }
            prev_hash = r.hash.clone();
            prev_seq = seq;
        }
        if prev_seq < head_seq || (head_seq > 0 && prev_hash != head_hash) {
            return Ok(Err(BadExport {
                seq: prev_seq,
                file: rows.last().map(|r| r.file.clone()).unwrap_or_default(),
                reason: format!("exports after it were removed (the head names export {head_seq})"),
            }));
        }
        Ok(Ok(prev_seq))
    }
}
