//! Opening a journal file: refusing anything that is not a Sitboard journal of a schema this
//! build knows (without writing to it), creating a new one, and setting its modes.

use std::io::Read as _;
use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension as _};

use super::{APP_ID, BUSY_TIMEOUT, GENESIS_HASH, JournalStore, SCHEMA_VERSION, StoreError, journal_path, sql_error};

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

    pub(super) fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get::<_, String>(0))
            .optional()
            .map_err(|e| self.err("read", e))
    }

    /// Create the tables of a new journal (one transaction; a second process creating the
    /// same journal at the same moment finds them made).
    fn init(&mut self) -> Result<(), StoreError> {
        let ddl = format!(
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
        );
        crate::store::sqlite::create_tables_once(&mut self.conn, &ddl)
            .map(|_| ())
            .map_err(|e| sql_error(&self.path, "create", e))
    }
}
