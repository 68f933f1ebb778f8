//! The directive journal file (`journal.sqlite` in the data dir): append-only events, each
//! stamped in UTC and chained to the one before by a SHA-256 hash, so that a changed, removed
//! or inserted row is found by [`JournalStore::verify`]. WAL mode with `synchronous=FULL`:
//! once [`JournalStore::append`] returns, the event survives a crash or a kill. Writers in
//! several processes take turns (`BEGIN IMMEDIATE` with a busy timeout). A file that is not a
//! journal, is damaged, or has a newer schema is refused with a clear error and never
//! written to.
//!
//! One file per topic: `schema` (opening a file, refusing what is not a journal, creating
//! the tables), `rows` (an event as stored, and the hash that chains it), `append` (reading
//! and appending events), `verify` (checking the whole chain).

mod append;
mod audit;
mod exports;
mod rows;
mod schema;
#[cfg(test)]
mod tests;
mod verify;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};

use crate::model::journal::Problem;

pub(super) use append::append_in;
pub use audit::BadAudit;
pub use exports::{BadExport, file_sha256};
pub use verify::{BadEvent, BadReason, Verified};

/// The journal's file name inside the data dir.
pub const FILE_NAME: &str = "journal.sqlite";
/// The exercise (演练) journal's file name inside the data dir: exercise records never go
/// into the real journal.
pub const EXERCISE_FILE_NAME: &str = "exercise-journal.sqlite";
/// The schema this build writes and reads (2 added the exercise time; 3 the export record,
/// a table of its own with its own chain; 4 the hub's audit record of officers, its own
/// chain too). An older journal is upgraded on opening by adding the empty column and the
/// empty tables; no record is changed, so every hash stays valid.
pub const SCHEMA_VERSION: u32 = 4;
/// `meta.purpose` of an exercise journal (a real journal has none).
pub(super) const PURPOSE_EXERCISE: &str = "exercise";
/// `meta.app`: what the file is.
const APP_ID: &str = "sitboard.journal";
/// `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// How long a writer waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(20);

/// Which journal: the real record of command decisions, or an exercise's (演练).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum JournalKind {
    #[default]
    Real,
    Exercise,
}

impl JournalKind {
    pub fn file_name(self) -> &'static str {
        match self {
            JournalKind::Real => FILE_NAME,
            JournalKind::Exercise => EXERCISE_FILE_NAME,
        }
    }

    pub fn is_exercise(self) -> bool {
        self == JournalKind::Exercise
    }
}

/// The (real) journal file in a data dir.
pub fn journal_path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// The journal file of a kind in a data dir.
pub fn journal_path_of(data_dir: &Path, kind: JournalKind) -> PathBuf {
    data_dir.join(kind.file_name())
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
    #[error(
        "{path} is {}, not {}; it was left untouched",
        if *exercise { "an exercise (演练) journal" } else { "a real directive journal" },
        if *exercise { "a real directive journal" } else { "an exercise journal" }
    )]
    WrongKind { path: PathBuf, exercise: bool },
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
    /// An audit event that cannot be recorded (an officer ID taken, an officer unknown).
    #[error("{0}")]
    Refused(String),
}

/// An open journal. One connection; use it from one thread.
pub struct JournalStore {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    pub(super) kind: JournalKind,
    /// Opened read-only on a schema 1 journal (no exercise-time column; not upgraded).
    pub(super) schema_1_read_only: bool,
}

impl JournalStore {
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn kind(&self) -> JournalKind {
        self.kind
    }

    fn err(&self, action: &'static str, e: rusqlite::Error) -> StoreError {
        sql_error(&self.path, action, e)
    }
}

/// A stored row of the journal's chained tables that does not read back (`seq` as stored).
pub(super) fn bad_row(path: &Path, seq: i64, detail: String) -> StoreError {
    StoreError::BadRow { path: path.to_path_buf(), seq: u64::try_from(seq).unwrap_or(0), detail }
}

pub(super) fn sql_error(path: &Path, action: &'static str, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path: path.to_path_buf() },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt { path: path.to_path_buf(), detail: e.to_string() },
        _ => StoreError::Sqlite { action, path: path.to_path_buf(), source: e },
    }
}
