//! Opening a journal file: refusing anything that is not a Sitboard journal of a schema this
//! build knows (without writing to it), creating a new one, and setting its modes.

use std::io::Read as _;
use std::path::Path;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension as _};

use super::{
    APP_ID, BUSY_TIMEOUT, GENESIS_HASH, JournalKind, JournalStore, PURPOSE_EXERCISE, SCHEMA_VERSION, StoreError,
    journal_path, journal_path_of, sql_error,
};

impl JournalStore {
    /// Open the (real) journal in a data dir, creating the dir and the journal when missing.
    pub fn open_in(data_dir: &Path) -> Result<JournalStore, StoreError> {
        Self::open(&journal_path(data_dir), true)
    }

    /// Open the journal of a kind in a data dir, creating the dir and the journal when missing.
    pub fn open_kind_in(data_dir: &Path, kind: JournalKind) -> Result<JournalStore, StoreError> {
        Self::open_kind(&journal_path_of(data_dir, kind), true, kind)
    }

    /// Open a real journal file. With `create`, a missing (or empty) file becomes a new
    /// journal; without, it is [`StoreError::NotFound`]. Anything that is not a journal of a
    /// schema this build knows is refused without writing to it.
    pub fn open(path: &Path, create: bool) -> Result<JournalStore, StoreError> {
        Self::open_kind(path, create, JournalKind::Real)
    }

    /// Open a journal file of a kind (an exercise journal is refused as a real one and the
    /// other way round).
    pub fn open_kind(path: &Path, create: bool, kind: JournalKind) -> Result<JournalStore, StoreError> {
        let path = path.to_path_buf();
        check_file(&path, create)?;
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(&path, flags).map_err(|e| sql_error(&path, "open", e))?;
        let mut store = JournalStore { conn, path, kind, schema_1_read_only: false };
        store.conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| store.err("open", e))?;
        store.check_or_init(create)?;
        Ok(store)
    }

    /// Open a journal file only to read it (`journal verify`): nothing is written to it, not
    /// its modes, not an upgrade. Without a write-ahead log beside it (a closed journal, or a
    /// copy of the main file alone) it is opened `immutable`, so not even a `-wal` or `-shm`
    /// file is made beside it; with one (a journal in use), `mode=ro`, reading the log too.
    pub fn open_read_only(path: &Path, kind: JournalKind) -> Result<JournalStore, StoreError> {
        let path = path.to_path_buf();
        check_file(&path, false)?;
        let mut uri = String::from("file:");
        for c in path.to_string_lossy().chars() {
            match c {
                '%' => uri.push_str("%25"),
                '?' => uri.push_str("%3f"),
                '#' => uri.push_str("%23"),
                c => uri.push(c),
            }
        }
        uri.push_str(if wal_path(&path).exists() { "?mode=ro" } else { "?mode=ro&immutable=1" });
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&uri, flags).map_err(|e| sql_error(&path, "open", e))?;
        let mut store = JournalStore { conn, path, kind, schema_1_read_only: false };
        store.conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| store.err("open", e))?;
        let tables = store.tables()?;
        if tables.is_empty() {
            return Err(StoreError::NotFound { path: store.path.clone() });
        }
        if !(tables.iter().any(|t| t == "meta") && tables.iter().any(|t| t == "events")) {
            return Err(StoreError::NotAJournal { path: store.path.clone() });
        }
        let version = store.check_meta()?;
        let exercise = store.meta("purpose")?.as_deref() == Some(PURPOSE_EXERCISE);
        if exercise != store.kind.is_exercise() {
            return Err(StoreError::WrongKind { path: store.path.clone(), exercise });
        }
        let check: String =
            store.conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(|e| store.err("check", e))?;
        if check != "ok" {
            return Err(StoreError::Corrupt { path: store.path.clone(), detail: check });
        }
        // Schema 1 has no exercise-time column; read as it is, not upgraded.
        store.schema_1_read_only = version == 1;
        Ok(store)
    }

    /// The journal's write-ahead log beside it, if there is one.
    pub fn has_wal(&self) -> bool {
        wal_path(&self.path).exists()
    }

    /// Whether the file is in write-ahead-log mode (its header says so): then its newest
    /// events may sit in the `-wal` file beside it until they are checkpointed.
    pub fn is_wal_mode(&self) -> bool {
        let mut header = [0u8; 20];
        std::fs::File::open(&self.path).and_then(|mut f| f.read_exact(&mut header)).is_ok() && header[18] == 2
    }
}

/// `FILE-wal` beside `FILE`.
fn wal_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    std::path::PathBuf::from(name)
}

/// Refuse what is not an SQLite file (without opening it); `create` allows a missing or empty
/// file (it becomes a new journal).
fn check_file(path: &Path, create: bool) -> Result<(), StoreError> {
    let path = path.to_path_buf();
    {
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
    }
    Ok(())
}

impl JournalStore {
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
        let version = self.check_meta()?;
        let exercise = self.meta("purpose")?.as_deref() == Some(PURPOSE_EXERCISE);
        if exercise != self.kind.is_exercise() {
            return Err(StoreError::WrongKind { path: self.path.clone(), exercise });
        }
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
        if version < SCHEMA_VERSION {
            self.upgrade_from(version)?;
        }
        Ok(())
    }

    /// Schema 1 → 2: add the (empty) exercise-time column; 2 → 3: add the (empty) export
    /// record; 3 → 4: add the (empty) audit record. No record changes, so every hash stays valid; one transaction, so a crash
    /// leaves the old schema as it was.
    fn upgrade_from(&mut self, from: u32) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&path, "upgrade", e))?;
        let version: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))
            .optional()
            .map_err(|e| sql_error(&path, "upgrade", e))?;
        // Another process may have upgraded it while we waited for the lock.
        if version.as_deref() == Some(from.to_string().as_str()) {
            if from == 1 {
                tx.execute_batch("ALTER TABLE events ADD COLUMN exercise_at TEXT;")
                    .map_err(|e| sql_error(&path, "upgrade", e))?;
            }
            tx.execute_batch(super::exports::EXPORTS_DDL).map_err(|e| sql_error(&path, "upgrade", e))?;
            tx.execute_batch(super::audit::AUDIT_DDL).map_err(|e| sql_error(&path, "upgrade", e))?;
            tx.execute_batch(&format!("UPDATE meta SET value = '{SCHEMA_VERSION}' WHERE key = 'schema_version';"))
                .map_err(|e| sql_error(&path, "upgrade", e))?;
        }
        tx.commit().map_err(|e| sql_error(&path, "upgrade", e))?;
        tracing::info!(
            "directive journal {} upgraded from schema {from} to {SCHEMA_VERSION} (exercise time, export record, audit record)",
            path.display()
        );
        Ok(())
    }

    /// The file's schema version, when this build reads it.
    fn check_meta(&self) -> Result<u32, StoreError> {
        let app = self.meta("app")?;
        if app.as_deref() != Some(APP_ID) {
            return Err(StoreError::NotAJournal { path: self.path.clone() });
        }
        let version = self.meta("schema_version")?.unwrap_or_default();
        match version.parse::<u32>() {
            Ok(v) if (1..=SCHEMA_VERSION).contains(&v) => Ok(v),
            Ok(v) if v > SCHEMA_VERSION => Err(StoreError::NewerSchema { path: self.path.clone(), found: v }),
            _ => Err(StoreError::UnknownSchema { path: self.path.clone(), found: version }),
        }
    }

    pub(super) fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get::<_, String>(0))
            .optional()
            .map_err(|e| self.err("read", e))
    }

    /// Create the tables of a new journal (one transaction; a second process creating the
    /// same journal at the same moment finds them made).
    fn init(&mut self) -> Result<(), StoreError> {
        let purpose = match self.kind {
            JournalKind::Real => String::new(),
            JournalKind::Exercise => format!(", ('purpose', '{PURPOSE_EXERCISE}')"),
        };
        let ddl = format!(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 INSERT INTO meta (key, value) VALUES ('app', '{APP_ID}'), ('schema_version', '{SCHEMA_VERSION}'),
                     ('head_seq', '0'), ('head_hash', '{GENESIS_HASH}'){purpose};
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
                     hash TEXT NOT NULL,
                     exercise_at TEXT
                 );
                 CREATE INDEX events_by_directive ON events (issuer, number, seq);
                 CREATE TRIGGER events_no_update BEFORE UPDATE ON events
                     BEGIN SELECT RAISE(ABORT, 'the directive journal is append-only'); END;
                 CREATE TRIGGER events_no_delete BEFORE DELETE ON events
                     BEGIN SELECT RAISE(ABORT, 'the directive journal is append-only'); END;
                 {}
                 {}",
            super::exports::EXPORTS_DDL,
            super::audit::AUDIT_DDL
        );
        // Two processes creating the same new file at the same moment: switching it to WAL
        // can answer "locked" at once (SQLite does not wait there); creating the tables is
        // idempotent, so try again until the other has finished (bounded by the busy timeout).
        let started = std::time::Instant::now();
        loop {
            match crate::store::sqlite::create_tables_once(&mut self.conn, &ddl) {
                Ok(_) => return Ok(()),
                Err(e)
                    if matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
                        && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(e) => return Err(sql_error(&self.path, "create", e)),
            }
        }
    }
}
