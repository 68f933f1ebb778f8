//! The directive journal file (`journal.sqlite` in the data dir): append-only events, each
//! stamped in UTC and chained to the one before by a SHA-256 hash, so that a changed, removed
//! or inserted row is found by [`JournalStore::verify`]. WAL mode with `synchronous=FULL`:
//! once [`JournalStore::append`] returns, the event survives a crash or a kill. Writers in
//! several processes take turns (`BEGIN IMMEDIATE` with a busy timeout). A file that is not a
//! journal, is damaged, or has a newer schema is refused with a clear error and never
//! written to.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension as _, TransactionBehavior, params};
use sha2::{Digest as _, Sha256};

use crate::model::journal::{DirectiveContent, EventKind, Journal, JournalEvent, NewEvent, Problem, check_transition};

/// The journal's file name inside the data dir.
pub const FILE_NAME: &str = "journal.sqlite";
/// The schema this build writes and reads.
pub const SCHEMA_VERSION: u32 = 1;
/// `meta.app`: what the file is.
const APP_ID: &str = "sitboard.journal";
/// `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// How long a writer waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(20);

/// The journal file in a data dir.
pub fn journal_path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no journal at {path}: nothing has been logged there yet (is --data-dir right?)")]
    NotFound { path: PathBuf },
    #[error(
        "{path} is not an SQLite database (damaged, or another kind of file); it was left untouched: \
         move it aside to start a new journal, or restore it from a backup"
    )]
    NotADatabase { path: PathBuf },
    #[error(
        "{path} is an SQLite database but not a Sitboard journal; it was left untouched: \
         give another --data-dir"
    )]
    NotAJournal { path: PathBuf },
    #[error(
        "{path} was written by a newer Sitboard (journal schema {found}; this build reads schema \
         {SCHEMA_VERSION}); it was left untouched: open it with a newer sitboard"
    )]
    NewerSchema { path: PathBuf, found: u32 },
    #[error("{path} has an unknown journal schema {found:?}; it was left untouched")]
    UnknownSchema { path: PathBuf, found: String },
    #[error(
        "{path} is damaged ({detail}); it was left untouched: restore it from a backup, then run \
         `sitboard journal verify`"
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error("cannot {action} the journal {path}: {source}")]
    Sqlite {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot create the data folder {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("event {seq} of the journal {path} cannot be read ({detail}); run `sitboard journal verify`")]
    BadRow { path: PathBuf, seq: u64, detail: String },
    /// The event breaks a rule (the caller words the problem for the user).
    #[error("the journal refused the event: {0:?}")]
    Rejected(Problem),
}

/// A journal that verified: how many events, and the hash of the last one.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    pub events: u64,
    pub head: String,
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

/// An open journal. One connection; use it from one thread.
pub struct JournalStore {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
}

/// A row as stored, before parsing (what the hash covers).
struct RawRow {
    seq: i64,
    at: String,
    kind: String,
    issuer: String,
    number: String,
    officer: String,
    unit: Option<String>,
    reason: Option<String>,
    content: Option<String>,
    prev_hash: String,
    hash: String,
}

const SELECT_ROWS: &str =
    "SELECT seq, at, kind, issuer, number, officer, unit, reason, content, prev_hash, hash FROM events";

fn raw_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
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
    fn hash_now(&self) -> String {
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

    fn parse(&self) -> Result<JournalEvent, String> {
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
fn format_at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl JournalStore {
    /// Open the journal in a data dir, creating the dir and the journal when missing.
    pub fn open_in(data_dir: &Path) -> Result<JournalStore, StoreError> {
        Self::open(&journal_path(data_dir), true)
    }

    /// Open a journal file. With `create`, a missing (or empty) file becomes a new journal;
    /// without, it is [`StoreError::NotFound`]. Anything that is not a journal of a schema
    /// this build knows is refused without writing to it.
    pub fn open(path: &Path, create: bool) -> Result<JournalStore, StoreError> {
        let path = path.to_path_buf();
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => return Err(StoreError::NotADatabase { path }),
            Ok(m) if m.len() > 0 => {
                let mut header = [0u8; 16];
                let read = std::fs::File::open(&path).and_then(|mut f| f.read_exact(&mut header));
                if let Err(e) = read {
                    return match e.kind() {
                        std::io::ErrorKind::UnexpectedEof => Err(StoreError::NotADatabase { path }),
                        _ => Err(StoreError::Io { path, source: e }),
                    };
                }
                if &header != b"SQLite format 3\0" {
                    return Err(StoreError::NotADatabase { path });
                }
            }
            Ok(_) if !create => return Err(StoreError::NotFound { path }),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !create {
                    return Err(StoreError::NotFound { path });
                }
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| StoreError::Io { path: dir.to_path_buf(), source: e })?;
                }
            }
            Err(e) => return Err(StoreError::Io { path, source: e }),
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(&path, flags).map_err(|e| sql_error(&path, "open", e))?;
        let mut store = JournalStore { conn, path };
        store.conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| store.err("open", e))?;
        store.check_or_init(create)?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, action: &'static str, e: rusqlite::Error) -> StoreError {
        sql_error(&self.path, action, e)
    }

    fn tables(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
            .map_err(|e| self.err("read", e))?;
        let names = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(|e| self.err("read", e))?;
        names.collect::<Result<Vec<_>, _>>().map_err(|e| self.err("read", e))
    }

    fn check_or_init(&mut self, create: bool) -> Result<(), StoreError> {
        let tables = self.tables()?;
        if tables.is_empty() {
            if !create {
                return Err(StoreError::NotFound { path: self.path.clone() });
            }
            self.init()?;
        } else if !(tables.iter().any(|t| t == "meta") && tables.iter().any(|t| t == "events")) {
            return Err(StoreError::NotAJournal { path: self.path.clone() });
        }
        self.check_meta()?;
        // Ours and of a known schema: now it is safe to set the file's modes.
        let mode: String =
            self.conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).map_err(|e| self.err("open", e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Corrupt {
                path: self.path.clone(),
                detail: format!("cannot switch to write-ahead logging (mode {mode})"),
            });
        }
        self.conn.execute_batch("PRAGMA synchronous=FULL;").map_err(|e| self.err("open", e))?;
        let check: String =
            self.conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(|e| self.err("check", e))?;
        if check != "ok" {
            return Err(StoreError::Corrupt { path: self.path.clone(), detail: check });
        }
        Ok(())
    }

    fn check_meta(&self) -> Result<(), StoreError> {
        let app = self.meta("app")?;
        if app.as_deref() != Some(APP_ID) {
            return Err(StoreError::NotAJournal { path: self.path.clone() });
        }
        let version = self.meta("schema_version")?.unwrap_or_default();
        match version.parse::<u32>() {
            Ok(v) if v == SCHEMA_VERSION => Ok(()),
            Ok(v) if v > SCHEMA_VERSION => Err(StoreError::NewerSchema { path: self.path.clone(), found: v }),
            _ => Err(StoreError::UnknownSchema { path: self.path.clone(), found: version }),
        }
    }

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get::<_, String>(0))
            .optional()
            .map_err(|e| self.err("read", e))
    }

    /// Create the tables of a new journal (one transaction; a second process creating the
    /// same journal at the same moment finds them made).
    fn init(&mut self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
            .map_err(|e| sql_error(&self.path, "create", e))?;
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&path, "create", e))?;
        let existing: i64 = tx
            .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))
            .map_err(|e| sql_error(&path, "create", e))?;
        if existing == 0 {
            tx.execute_batch(&format!(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 INSERT INTO meta (key, value) VALUES ('app', '{APP_ID}'), ('schema_version', '{SCHEMA_VERSION}'),
                     ('head_seq', '0'), ('head_hash', '{GENESIS_HASH}');
                 CREATE TABLE events (
                     seq INTEGER PRIMARY KEY,
                     at TEXT NOT NULL,
                     kind TEXT NOT NULL,
                     issuer TEXT NOT NULL,
                     number TEXT NOT NULL,
                     officer TEXT NOT NULL,
                     unit TEXT,
                     reason TEXT,
                     content TEXT,
                     prev_hash TEXT NOT NULL,
                     hash TEXT NOT NULL
                 );
                 CREATE INDEX events_by_directive ON events (issuer, number, seq);
                 CREATE TRIGGER events_no_update BEFORE UPDATE ON events
                     BEGIN SELECT RAISE(ABORT, 'the directive journal is append-only'); END;
                 CREATE TRIGGER events_no_delete BEFORE DELETE ON events
                     BEGIN SELECT RAISE(ABORT, 'the directive journal is append-only'); END;"
            ))
            .map_err(|e| sql_error(&path, "create", e))?;
        }
        tx.commit().map_err(|e| sql_error(&path, "create", e))
    }

    fn rows(&self, filter: Option<(&str, &str)>) -> Result<Vec<RawRow>, StoreError> {
        let rows = match filter {
            None => {
                let mut stmt =
                    self.conn.prepare(&format!("{SELECT_ROWS} ORDER BY seq")).map_err(|e| self.err("read", e))?;
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
        rows.iter()
            .map(|r| {
                r.parse().map_err(|detail| StoreError::BadRow {
                    path: self.path.clone(),
                    seq: u64::try_from(r.seq).unwrap_or(0),
                    detail,
                })
            })
            .collect()
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
        Ok(Journal::from_events(self.events()?))
    }

    /// Changes whenever another connection (another process) commits to the journal.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.conn.query_row("PRAGMA data_version", [], |r| r.get(0)).map_err(|e| self.err("read", e))
    }

    /// Write one event, stamped `at`, after checking it against the directive's events so
    /// far (under the write lock, so a concurrent writer cannot slip in between). Returns
    /// once the event is durably on disk.
    pub fn append(&mut self, event: NewEvent, at: DateTime<Utc>) -> Result<JournalEvent, StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|err| sql_error(&path, "write to", err))?;
        let written = append_in(&tx, &path, event, at)?;
        tx.commit().map_err(|err| sql_error(&path, "write to", err))?;
        Ok(written)
    }

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
        Ok(Ok(Verified { events: prev_seq, head: prev_hash }))
    }
}

/// Append one event inside a write transaction the caller commits: check it against the
/// directive's events so far, number it, chain it to the last event, move the head record.
/// (The hub's idempotent append writes its key in the same transaction.)
pub(super) fn append_in(
    tx: &rusqlite::Transaction<'_>,
    path: &Path,
    event: NewEvent,
    at: DateTime<Utc>,
) -> Result<JournalEvent, StoreError> {
    let path = path.to_path_buf();
    let e = |err| sql_error(&path, "write to", err);
    let mut stmt = tx.prepare(&format!("{SELECT_ROWS} WHERE issuer = ?1 AND number = ?2 ORDER BY seq")).map_err(e)?;
    let rows = stmt
        .query_map(params![event.issuer, event.number], raw_row)
        .map_err(e)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(e)?;
    drop(stmt);
    let mut history = Vec::with_capacity(rows.len());
    for r in &rows {
        history.push(r.parse().map_err(|detail| StoreError::BadRow {
            path: path.clone(),
            seq: u64::try_from(r.seq).unwrap_or(0),
            detail,
        })?);
    }
    let so_far = Journal::from_events(history);
    check_transition(so_far.record(&event.issuer, &event.number), &event).map_err(StoreError::Rejected)?;

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
        prev_hash,
        hash: String::new(),
    };
    let hash = row.hash_now();
    tx.execute(
        "INSERT INTO events (seq, at, kind, issuer, number, officer, unit, reason, content, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
            hash
        ],
    )
    .map_err(e)?;
    tx.execute("UPDATE meta SET value = ?1 WHERE key = 'head_seq'", [row.seq.to_string()]).map_err(e)?;
    tx.execute("UPDATE meta SET value = ?1 WHERE key = 'head_hash'", [&hash]).map_err(e)?;
    Ok(JournalEvent {
        seq: u64::try_from(row.seq).unwrap_or(0),
        at: DateTime::parse_from_rfc3339(&row.at).map(|t| t.with_timezone(&Utc)).unwrap_or(at),
        event,
        prev_hash: row.prev_hash,
        hash,
    })
}

pub(super) fn sql_error(path: &Path, action: &'static str, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path: path.to_path_buf() },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt { path: path.to_path_buf(), detail: e.to_string() },
        _ => StoreError::Sqlite { action, path: path.to_path_buf(), source: e },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::journal::DirectiveContent;
    use crate::model::{Adcode, DirectiveCategory, DirectiveStatus, Priority};

    fn content(number: &str) -> DirectiveContent {
        DirectiveContent {
            number: number.into(),
            issuer: "绥化市指挥部".into(),
            title: "交通管制".into(),
            body: "正文".into(),
            category: DirectiveCategory::TrafficControl,
            scope: vec![Adcode::new(231202).unwrap()],
            effective_from: None,
            effective_until: None,
            priority: Priority::High,
        }
    }

    fn event(kind: EventKind, number: &str) -> NewEvent {
        NewEvent {
            kind,
            issuer: "绥化市指挥部".into(),
            number: number.into(),
            officer: "王 001".into(),
            unit: (kind == EventKind::Acknowledged).then(|| "北林区".into()),
            reason: matches!(kind, EventKind::Lifted | EventKind::Revoked).then(|| "平稳".into()),
            content: kind.carries_content().then(|| content(number)),
        }
    }

    #[test]
    fn appends_chain_and_reload() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = JournalStore::open_in(dir.path()).unwrap();
        let a = s.append(event(EventKind::Drafted, "1号"), Utc::now()).unwrap();
        let b = s.append(event(EventKind::Issued, "1号"), Utc::now()).unwrap();
        assert_eq!(a.prev_hash, GENESIS_HASH);
        assert_eq!(b.prev_hash, a.hash);
        assert_eq!(b.seq, 2);
        // Lifecycle rules hold in the store too (under the write lock).
        let err = s.append(event(EventKind::Drafted, "1号"), Utc::now()).unwrap_err();
        assert!(matches!(err, StoreError::Rejected(Problem::DuplicateNumber { .. })), "{err}");
        s.append(event(EventKind::Lifted, "1号"), Utc::now()).unwrap();
        let err = s.append(event(EventKind::Amended, "1号"), Utc::now()).unwrap_err();
        assert!(matches!(err, StoreError::Rejected(Problem::NotAllowed { .. })), "{err}");
        drop(s);
        let s = JournalStore::open(&journal_path(dir.path()), false).unwrap();
        let j = s.load().unwrap();
        assert_eq!(j.event_count(), 3);
        assert_eq!(j.records()[0].status, DirectiveStatus::Lifted);
        assert_eq!(s.verify().unwrap(), Ok(Verified { events: 3, head: s.events().unwrap()[2].hash.clone() }));
        assert_eq!(s.history("绥化市指挥部", "1号").unwrap().len(), 3);
    }

    #[test]
    fn the_journal_is_append_only_in_sqlite_too() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = JournalStore::open_in(dir.path()).unwrap();
        s.append(event(EventKind::Issued, "1号"), Utc::now()).unwrap();
        let err = s.conn.execute("UPDATE events SET officer = 'x'", []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
        assert!(s.conn.execute("DELETE FROM events", []).is_err());
    }

    #[test]
    fn missing_file_without_create_is_not_found_and_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let p = journal_path(dir.path());
        assert!(matches!(JournalStore::open(&p, false), Err(StoreError::NotFound { .. })));
        assert!(!p.exists());
    }
}
