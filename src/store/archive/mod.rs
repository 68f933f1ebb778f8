//! The snapshot archive: one SQLite file holding every accepted feed document with the
//! instant it was received, for replaying offline what the board saw.
//!
//! A document (a JSON object) is stored section by section: each top-level key's value, as
//! serde_json's compact text, is a blob keyed by its SHA-256 and zstd-compressed, stored once
//! however many snapshots use it. A snapshot row names its sections (key → blob hash, in the
//! document's key order), so a poll that brings nothing new costs one small row and a changed
//! section costs about that section compressed. Each snapshot is chained to the one before
//! by a SHA-256 over its fields and the previous hash, and blobs are checked against their
//! hash whenever they are read, so a changed, removed or damaged snapshot is found.
//!
//! The writer ([`ArchiveWriter`]) appends in WAL mode with `synchronous=NORMAL`, and leaves
//! a single self-contained file when it closes (if no one else has it open). Readers
//! ([`ArchiveReader`]) open the file read-only and read while a writer in another process
//! appends (then SQLite uses the writer's `-wal`/`-shm` companions; the archive file itself
//! is never written by a reader). A file that is not an archive, or is of a newer format, is refused and
//! never written to; a partly damaged one opens with its readable prefix and says what was
//! lost ([`ArchiveReader::damage`]).
//!
//! One file per topic: `sections` (splitting a document, blobs, hashes, reassembly), `schema`
//! (opening a file, refusing what is not an archive, creating the tables), `writer`
//! (recording), `reader` (loading, looking up, reassembling), `verify` (checking every hash
//! and the chain), `export` (a smaller archive of a time range).

mod export;
mod reader;
mod schema;
mod sections;
#[cfg(test)]
mod tests;
mod verify;
mod writer;

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::ErrorCode;

pub use export::ExportSummary;
pub use reader::ArchiveReader;
pub use verify::{BadReason, BadSnapshot, VerifiedArchive};
pub use writer::{ArchiveWriter, Pruned};

/// The newest archive format this build reads (`meta.format`). A new archive is format 1;
/// pruning (keeping the last N days) makes it format 2: its chain starts after the pruned
/// snapshots, from the hash recorded in `meta.pruned_hash` (an older build refuses it rather
/// than report the pruned start as damage).
pub const FORMAT_VERSION: u32 = 2;
/// The format of a new (never pruned) archive.
pub const FORMAT_NEW: u32 = 1;
/// `meta.app`: what the file is.
pub const APP_ID: &str = "sitboard.archive";
/// `prev_hash` of the first snapshot.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("no archive at {path}: nothing has been recorded there (is the path right?)")]
    NotFound { path: PathBuf },
    #[error("{path} is empty: nothing has been recorded in it yet")]
    Empty { path: PathBuf },
    #[error(
        "{path} is not an SQLite database (damaged, or another kind of file); it was left untouched: \
         choose another file, or restore it from a backup"
    )]
    NotADatabase { path: PathBuf },
    #[error(
        "{path} is an SQLite database but not a Sitboard snapshot archive; it was left untouched: \
         choose another file"
    )]
    NotAnArchive { path: PathBuf },
    #[error(
        "{path} was written by a newer Sitboard (archive format {found}; this build reads format \
         {supported}); it was left untouched: open it with a newer sitboard"
    )]
    NewerFormat { path: PathBuf, found: u32, supported: u32 },
    #[error(
        "the disk holding {path} is full (or the file reached its size limit): the snapshot was not \
         recorded and the archive keeps everything recorded before; free some space, then record again"
    )]
    DiskFull { path: PathBuf },
    /// An SQLite error; the text names the file and what was being done.
    #[error("{0}")]
    Sql(String),
    #[error(
        "{path} is damaged ({detail}); it was left untouched: run `sitboard archive verify` on it, or \
         restore it from a backup"
    )]
    Damaged { path: PathBuf, detail: String },
    /// A file error; the text names the file and what was being done.
    #[error("{0}")]
    Io(String),
    /// The body to record is not a JSON object; nothing was recorded.
    #[error("not recorded: the document is not a JSON object ({0})")]
    BadDocument(String),
    /// The received instant cannot be stored (outside the years 0000–9999); nothing was
    /// recorded.
    #[error("not recorded: the received time {0} is outside the years 0000–9999")]
    BadTime(String),
    #[error("{path} already exists; it was left untouched: choose another output file, or move it aside")]
    Exists { path: PathBuf },
    /// An export's time range selects nothing (the text says why).
    #[error("{0}")]
    BadRange(String),
    #[error("the archive {path} has no readable snapshot {seq} (it has {count})")]
    NoSnapshot { path: PathBuf, seq: u64, count: u64 },
}

/// What [`ArchiveWriter::record`] stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// The snapshot's number (1, 2, … in the order recorded).
    pub seq: u64,
    /// Bytes of new content: the sections not stored before (compressed) and the snapshot
    /// row. The file grows by about this much (SQLite allocates in pages).
    pub bytes_added: u64,
    /// The same content as this source's previous snapshot (the newest one received at or
    /// before this one): a poll that brought nothing new.
    pub unchanged: bool,
}

/// One snapshot as listed by [`ArchiveReader::snapshots`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotMeta {
    pub seq: u64,
    /// The feed source's name or URL.
    pub source: String,
    /// When it was received (millisecond precision).
    pub received: DateTime<Utc>,
    /// The document's `as_of`, when it is a valid RFC 3339 time.
    pub as_of: Option<DateTime<Utc>>,
    /// The snapshot's chain hash (SHA-256, hex).
    pub hash: String,
    /// Length in bytes of the reassembled body ([`ArchivedDocument::body`]).
    pub body_len: u64,
}

impl SnapshotMeta {
    /// The snapshot's instant on the archive's clock: the time its data is current to
    /// (`as_of`; for a recording of a live demo, the exercise clock), else when it was
    /// received. Replay, `report --at`, `info` and `export` all use this clock.
    pub fn clock(&self) -> DateTime<Utc> {
        self.as_of.unwrap_or(self.received)
    }
}

/// A snapshot with its body reassembled: compact JSON, top-level keys in the order
/// received; it parses to the same JSON value as the document recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchivedDocument {
    pub seq: u64,
    pub source: String,
    pub received: DateTime<Utc>,
    pub as_of: Option<DateTime<Utc>>,
    pub body: String,
}

/// A summary of an archive, from what was loaded (no verification: see
/// [`ArchiveReader::verify`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveInfo {
    pub path: PathBuf,
    pub format: u32,
    /// The earliest and latest instant of the readable snapshots on the archive's clock
    /// ([`SnapshotMeta::clock`]).
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    /// When the first and the last readable snapshot were received.
    pub received: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Readable snapshots.
    pub snapshots: u64,
    /// Every source with its number of snapshots, by name.
    pub sources: Vec<(String, u64)>,
    /// Bytes on disk: the file and its `-wal` companion, if any.
    pub file_bytes: u64,
    pub damage: Option<String>,
}

/// An instant as stored: RFC 3339 in UTC with milliseconds, e.g. `2020-01-25T00:00:00.000Z`
/// (fixed width, so text order is time order).
pub fn format_instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Read an instant as stored; `None` unless it is exactly in the stored form.
pub(crate) fn parse_stored_instant(s: &str) -> Option<DateTime<Utc>> {
    let t = DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc);
    (format_instant(t) == s).then_some(t)
}

/// Bytes on disk of an SQLite file and its `-wal` companion.
pub(crate) fn bytes_on_disk(path: &Path) -> u64 {
    let len = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    len(path) + len(&companion(path, "-wal"))
}

/// `PATH-wal` or `PATH-shm`.
pub(crate) fn companion(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// An SQLite error as an [`ArchiveError`] naming the file and the action.
pub(crate) fn sql_error(path: &Path, action: &str, e: rusqlite::Error) -> ArchiveError {
    let path = path.to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => ArchiveError::DiskFull { path },
        Some(ErrorCode::NotADatabase) => ArchiveError::NotADatabase { path },
        Some(ErrorCode::DatabaseCorrupt) => ArchiveError::Damaged { path, detail: e.to_string() },
        _ => ArchiveError::Sql(format!("cannot {action} the archive {}: {e}", path.display())),
    }
}

/// A file error as an [`ArchiveError`] naming the file and the action.
pub(crate) fn io_error(path: &Path, action: &str, e: &std::io::Error) -> ArchiveError {
    ArchiveError::Io(format!("cannot {action} {}: {e}", path.display()))
}
