//! Opening an archive file: what kind of file it is (before SQLite touches it), refusing
//! anything that is not a Sitboard archive of a format this build knows (without writing to
//! it), creating the tables of a new one, and the head record that says how many snapshots
//! were recorded.

use std::io::Read as _;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension as _};

use super::{APP_ID, ArchiveError, FORMAT_NEW, FORMAT_VERSION, GENESIS_HASH, companion, io_error, sql_error};

/// Small pages: the file grows by little for a poll that brings nothing new (one short row)
/// and wastes little after each section (SQLite allocates whole pages); measured in the
/// tests: with 4 KiB pages a changed 2.3 KB section cost 5.3 KB, with 1 KiB pages 4 KB.
const PAGE_SIZE: u32 = 1024;

/// What is at a path, from its first bytes.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum FileKind {
    Missing,
    Empty,
    /// An SQLite file; `cut` is `Some((pages there, pages its header names))` when the file
    /// is shorter than its header says (and no write-ahead log holds the rest).
    Sqlite {
        cut: Option<(u64, u64)>,
    },
}

/// Look at a file without opening it in SQLite.
pub(super) fn inspect(path: &Path) -> Result<FileKind, ArchiveError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::Missing),
        Err(e) => return Err(io_error(path, "read", &e)),
    };
    if meta.is_dir() {
        return Err(ArchiveError::NotADatabase { path: path.to_path_buf() });
    }
    if meta.len() == 0 {
        return Ok(FileKind::Empty);
    }
    let mut header = Vec::with_capacity(100);
    std::fs::File::open(path)
        .and_then(|f| f.take(100).read_to_end(&mut header))
        .map_err(|e| io_error(path, "read", &e))?;
    if !header.starts_with(b"SQLite format 3\0") {
        return Err(ArchiveError::NotADatabase { path: path.to_path_buf() });
    }
    if header.len() < 100 {
        return Err(ArchiveError::Damaged {
            path: path.to_path_buf(),
            detail: format!("the file is cut short: only {} bytes are left", header.len()),
        });
    }
    let be32 = |at: usize| u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536,
        n => u64::from(n),
    };
    let pages = u64::from(be32(28));
    let size_valid = pages > 0 && be32(24) == be32(92) && page_size >= 512;
    let wal_len = std::fs::metadata(companion(path, "-wal")).map(|m| m.len()).unwrap_or(0);
    let cut = (size_valid && wal_len == 0 && pages * page_size > meta.len()).then(|| (meta.len() / page_size, pages));
    Ok(FileKind::Sqlite { cut })
}

/// Refuse a database that is not an archive of a known format; returns the format.
pub(super) fn check_archive(conn: &Connection, path: &Path) -> Result<u32, ArchiveError> {
    let mut stmt =
        conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").map_err(|e| sql_error(path, "read", e))?;
    let tables = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(|e| sql_error(path, "read", e))?;
    if tables.is_empty() {
        return Err(ArchiveError::Empty { path: path.to_path_buf() });
    }
    if !["meta", "snapshots", "layouts", "blobs"].iter().all(|t| tables.iter().any(|n| n == t)) {
        return Err(ArchiveError::NotAnArchive { path: path.to_path_buf() });
    }
    let app = meta(conn, path, "app").map_err(|e| match e {
        // A `meta` table of another shape: another program's database.
        ArchiveError::Sql(_) => ArchiveError::NotAnArchive { path: path.to_path_buf() },
        e => e,
    })?;
    if app.as_deref() != Some(APP_ID) {
        return Err(ArchiveError::NotAnArchive { path: path.to_path_buf() });
    }
    let format = meta(conn, path, "format")?.unwrap_or_default();
    match format.parse::<u32>() {
        Ok(v) if (1..=FORMAT_VERSION).contains(&v) => Ok(v),
        Ok(v) if v > FORMAT_VERSION => {
            Err(ArchiveError::NewerFormat { path: path.to_path_buf(), found: v, supported: FORMAT_VERSION })
        }
        _ => Err(ArchiveError::Damaged { path: path.to_path_buf(), detail: format!("unknown format {format:?}") }),
    }
}

/// The triggers that refuse deletes (pruning lifts them inside its transaction).
pub(super) const TRIGGERS: &str = "CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots
                 BEGIN SELECT RAISE(ABORT, 'the snapshot archive is append-only'); END;
             CREATE TRIGGER blobs_no_delete BEFORE DELETE ON blobs
                 BEGIN SELECT RAISE(ABORT, 'the snapshot archive is append-only'); END;
             CREATE TRIGGER layouts_no_delete BEFORE DELETE ON layouts
                 BEGIN SELECT RAISE(ABORT, 'the snapshot archive is append-only'); END;";

/// Where the chain starts: after the pruned snapshots (their last number and hash), else
/// at the beginning (0 and the genesis hash).
pub(super) fn chain_base(conn: &Connection, path: &Path) -> Result<(u64, String), ArchiveError> {
    let seq = meta(conn, path, "pruned_seq")?;
    let hash = meta(conn, path, "pruned_hash")?;
    match (seq, hash) {
        (None, None) => Ok((0, GENESIS_HASH.to_owned())),
        (Some(seq), Some(hash)) if seq.parse::<u64>().is_ok() && hash.len() == 64 => {
            Ok((seq.parse::<u64>().unwrap_or(0), hash))
        }
        _ => Err(ArchiveError::Damaged {
            path: path.to_path_buf(),
            detail: "its record of pruned snapshots cannot be read".into(),
        }),
    }
}

/// A `meta` value.
pub(super) fn meta(conn: &Connection, path: &Path, key: &str) -> Result<Option<String>, ArchiveError> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get::<_, String>(0))
        .optional()
        .map_err(|e| sql_error(path, "read", e))
}

/// The head record: how many snapshots were recorded and the last one's hash.
pub(super) fn head_record(conn: &Connection, path: &Path) -> Result<(u64, String), ArchiveError> {
    let seq = meta(conn, path, "head_seq")?.and_then(|s| s.parse::<u64>().ok());
    let hash = meta(conn, path, "head_hash")?;
    match (seq, hash) {
        (Some(seq), Some(hash)) => Ok((seq, hash)),
        _ => Err(ArchiveError::Damaged { path: path.to_path_buf(), detail: "its head record cannot be read".into() }),
    }
}

/// The last snapshot row: its number and hash (0 and the genesis hash when there is none).
pub(super) fn last_row(conn: &Connection, path: &Path) -> Result<(u64, String), ArchiveError> {
    let row = conn
        .query_row("SELECT seq, hash FROM snapshots ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .optional()
        .map_err(|e| sql_error(path, "read", e))?;
    match row {
        None => Ok((0, GENESIS_HASH.to_owned())),
        Some((seq, hash)) => u64::try_from(seq).map(|s| (s, hash)).map_err(|_| ArchiveError::Damaged {
            path: path.to_path_buf(),
            detail: format!("snapshot number {seq} is negative"),
        }),
    }
}

/// Create the tables of a new archive (one transaction; a second process creating the same
/// archive at the same moment finds them made).
pub(super) fn init(conn: &mut Connection, path: &Path) -> Result<(), ArchiveError> {
    conn.execute_batch(&format!("PRAGMA page_size={PAGE_SIZE}")).map_err(|e| sql_error(path, "create", e))?;
    let ddl = format!(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO meta (key, value) VALUES ('app', '{APP_ID}'), ('format', '{FORMAT_NEW}'),
                 ('head_seq', '0'), ('head_hash', '{GENESIS_HASH}');
             CREATE TABLE blobs (
                 id INTEGER PRIMARY KEY,
                 hash TEXT NOT NULL UNIQUE,
                 raw_len INTEGER NOT NULL,
                 data BLOB NOT NULL
             );
             CREATE TABLE layouts (
                 id INTEGER PRIMARY KEY,
                 hash TEXT NOT NULL UNIQUE,
                 sections TEXT NOT NULL
             );
             CREATE TABLE snapshots (
                 seq INTEGER PRIMARY KEY,
                 source TEXT NOT NULL,
                 received TEXT NOT NULL,
                 as_of TEXT,
                 layout INTEGER NOT NULL,
                 body_len INTEGER NOT NULL,
                 prev_hash TEXT NOT NULL,
                 hash TEXT NOT NULL
             );
             CREATE INDEX snapshots_by_source ON snapshots (source, received, seq);
             CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots
                 BEGIN SELECT RAISE(ABORT, 'the snapshot archive is append-only'); END;
             CREATE TRIGGER blobs_no_update BEFORE UPDATE ON blobs
                 BEGIN SELECT RAISE(ABORT, 'the snapshot archive is append-only'); END;
             CREATE TRIGGER layouts_no_update BEFORE UPDATE ON layouts
                 BEGIN SELECT RAISE(ABORT, 'the snapshot archive is append-only'); END;
             {TRIGGERS}"
    );
    crate::store::sqlite::create_tables_once(conn, &ddl).map(|_| ()).map_err(|e| sql_error(path, "create", e))
}
