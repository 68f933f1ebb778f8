//! Recording: the writer opens (or creates) an archive and appends snapshots, each in one
//! transaction under SQLite's write lock: new sections stored once, the row numbered and
//! chained to the one before, the head record moved on.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension as _, TransactionBehavior, params};

use super::schema::TRIGGERS;
use super::schema::{self, FileKind};
use super::sections::{self, Section, SectionRef};
use super::{ArchiveError, FORMAT_VERSION, Recorded, format_instant, io_error, parse_stored_instant, sql_error};

/// How long a writer waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(20);

/// An archive open for recording. One connection; use it from one thread.
pub struct ArchiveWriter {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
}

/// What [`ArchiveWriter::prune`] removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Snapshots removed, and sections no remaining snapshot used.
    pub snapshots: u64,
    pub sections: u64,
    /// The last snapshot removed (the chain now starts after it).
    pub through: u64,
    /// The instant the archive's clock was cut at.
    pub cut: Option<DateTime<Utc>>,
}

/// A snapshot ready to append: its fields as stored.
pub(super) struct NewRow<'a> {
    pub source: &'a str,
    pub received: String,
    pub as_of: Option<String>,
    pub refs: Vec<SectionRef>,
    pub body_len: u64,
}

impl ArchiveWriter {
    /// Create the file (and its folder) if missing, else open it for appending; refuse a
    /// file that is not an archive or has a newer format (never write to it).
    pub fn create_or_open(path: &Path) -> Result<ArchiveWriter, ArchiveError> {
        let path = path.to_path_buf();
        match schema::inspect(&path)? {
            FileKind::Missing => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, "create the folder", &e))?;
                }
            }
            FileKind::Empty => {}
            FileKind::Sqlite { cut: Some((have, want)) } => {
                return Err(ArchiveError::Damaged {
                    path,
                    detail: format!("the file is cut short: {have} of its {want} pages are left"),
                });
            }
            FileKind::Sqlite { cut: None } => {}
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(&path, flags).map_err(|e| sql_error(&path, "open", e))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| sql_error(&path, "open", e))?;
        match schema::check_archive(&conn, &path) {
            Err(ArchiveError::Empty { .. }) => schema::init(&mut conn, &path)?,
            other => {
                other?;
            }
        }
        schema::check_archive(&conn, &path)?;
        {
            // One read transaction: another writer may commit between the two reads.
            let tx = conn.unchecked_transaction().map_err(|e| sql_error(&path, "read", e))?;
            head_in(&tx, &path)?;
        }
        // Ours, of a known format, its end as recorded: now it is safe to set its modes.
        let mode: String =
            conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).map_err(|e| sql_error(&path, "open", e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(ArchiveError::Damaged {
                path,
                detail: format!("cannot switch to write-ahead logging (mode {mode})"),
            });
        }
        conn.execute_batch("PRAGMA synchronous=NORMAL;").map_err(|e| sql_error(&path, "open", e))?;
        Ok(ArchiveWriter { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Record one feed document (its JSON text, an object) from `source` (a name or URL),
    /// received at `received` (kept to the millisecond).
    pub fn record(&mut self, source: &str, received: DateTime<Utc>, body: &str) -> Result<Recorded, ArchiveError> {
        let received_text = format_instant(received);
        if parse_stored_instant(&received_text).is_none() {
            return Err(ArchiveError::BadTime(received.to_rfc3339()));
        }
        let sections = sections::split_document(body).map_err(ArchiveError::BadDocument)?;
        let refs: Vec<SectionRef> =
            sections.iter().map(|s| (s.key.clone(), sections::sha256_hex(s.text.as_bytes()))).collect();
        let row = NewRow {
            source,
            received: received_text,
            as_of: sections::stored_as_of(sections::as_of_of(&sections)),
            body_len: sections::body_len(&sections),
            refs,
        };
        let path = self.path.clone();
        // Compress the sections not stored yet before taking the write lock (blobs are never
        // removed, so one found now is still there under the lock).
        let mut ready: HashMap<usize, Vec<u8>> = HashMap::new();
        {
            let mut exists = self
                .conn
                .prepare_cached("SELECT 1 FROM blobs WHERE hash = ?1")
                .map_err(|e| sql_error(&path, "read", e))?;
            for (i, (_, hash)) in row.refs.iter().enumerate() {
                if !exists.exists([hash]).map_err(|e| sql_error(&path, "read", e))? {
                    ready.insert(i, compress_section(&path, &sections[i])?);
                }
            }
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&path, "write to", e))?;
        let (head_seq, head_hash) = head_in(&tx, &path)?;
        let previous: Option<String> = tx
            .query_row(
                "SELECT l.hash FROM snapshots s JOIN layouts l ON l.id = s.layout
                 WHERE s.source = ?1 AND s.received <= ?2 ORDER BY s.received DESC, s.seq DESC LIMIT 1",
                params![source, row.received],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| sql_error(&path, "read", e))?;
        let layout_hash = sections::sha256_hex(sections::sections_text(&row.refs).as_bytes());
        let unchanged = previous.as_deref() == Some(layout_hash.as_str());
        let mut blob = |i: usize| -> Result<(u64, Vec<u8>), ArchiveError> {
            let data = match ready.remove(&i) {
                Some(data) => data,
                None => compress_section(&path, &sections[i])?,
            };
            Ok((sections[i].text.len() as u64, data))
        };
        let (seq, _hash, bytes_added) = append_in(&tx, &path, (head_seq, &head_hash), &row, &mut blob)?;
        tx.commit().map_err(|e| sql_error(&path, "write to", e))?;
        Ok(Recorded { seq, bytes_added, unchanged })
    }

    /// Keep the last `keep` of the archive's clock (counted back from its newest instant) and
    /// remove the snapshots before, with the sections no remaining snapshot uses. The state
    /// at the first kept instant stays complete: every source keeps its newest snapshot at or
    /// before the cut (a source with nothing newer than the cut is dropped whole). Only a
    /// prefix of the chain is removed, and the hash of its last snapshot is kept
    /// (`meta.pruned_seq`, `meta.pruned_hash`, format 2), so what is left still verifies.
    /// The file does not shrink; new snapshots reuse the freed pages.
    pub fn prune(&mut self, keep: chrono::Duration) -> Result<Pruned, ArchiveError> {
        let path = self.path.clone();
        let e = |err| sql_error(&path, "prune", err);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(e)?;
        let base = schema::chain_base(&tx, &path)?;
        // (seq, source, clock, received) of every snapshot.
        let rows: Vec<(u64, String, DateTime<Utc>, DateTime<Utc>)> = {
            let mut stmt = tx.prepare("SELECT seq, source, received, as_of FROM snapshots ORDER BY seq").map_err(e)?;
            let mapped = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                })
                .map_err(e)?;
            let mut out = Vec::new();
            for row in mapped {
                let (seq, source, received, as_of) = row.map_err(e)?;
                let received = parse_stored_instant(&received);
                let clock = as_of.as_deref().and_then(parse_stored_instant).or(received);
                let (Ok(seq), Some(clock), Some(received)) = (u64::try_from(seq), clock, received) else {
                    return Err(ArchiveError::Damaged {
                        path: path.clone(),
                        detail: format!(
                            "snapshot {seq} cannot be read; nothing was pruned (run `sitboard archive verify`)"
                        ),
                    });
                };
                out.push((seq, source, clock, received));
            }
            out
        };
        let Some(newest) = rows.iter().map(|r| r.2).max() else { return Ok(Pruned::default()) };
        let newest_received = rows.iter().map(|r| r.3).max().unwrap_or(newest);
        let cut = newest - keep;
        // Per source: its state at the cut (its newest snapshot at or before the cut, by clock
        // then number, as a replay picks it), and when it was last received. A source not
        // received within `keep` (of the recording's own time) is gone, and is dropped whole.
        let mut state_at_cut: HashMap<&str, (DateTime<Utc>, u64)> = HashMap::new();
        let mut last_received: HashMap<&str, DateTime<Utc>> = HashMap::new();
        for (seq, source, clock, received) in &rows {
            let r = last_received.entry(source).or_insert(*received);
            *r = (*r).max(*received);
            if *clock <= cut {
                let c = state_at_cut.entry(source).or_insert((*clock, *seq));
                *c = (*c).max((*clock, *seq));
            }
        }
        let live = |source: &str| last_received.get(source).is_some_and(|r| *r > newest_received - keep);
        // The first snapshot still needed: of a live source, its state at the cut or later.
        let needed = rows
            .iter()
            .filter(|(seq, source, clock, _)| {
                live(source) && state_at_cut.get(source.as_str()).is_none_or(|c| (*clock, *seq) >= *c)
            })
            .map(|r| r.0)
            .min();
        let last = rows.last().map_or(base.0, |r| r.0);
        let through = needed.map_or(last, |n| n - 1).min(last.saturating_sub(1));
        if through <= base.0 {
            return Ok(Pruned::default());
        }
        let hash: String = tx
            .query_row("SELECT hash FROM snapshots WHERE seq = ?1", [i64::try_from(through).unwrap_or(i64::MAX)], |r| {
                r.get(0)
            })
            .map_err(e)?;
        let removed = rows.iter().filter(|r| r.0 <= through).count() as u64;
        let blobs_before: i64 = tx.query_row("SELECT count(*) FROM blobs", [], |r| r.get(0)).map_err(e)?;
        tx.execute_batch(
            "DROP TRIGGER snapshots_no_delete; DROP TRIGGER layouts_no_delete; DROP TRIGGER blobs_no_delete;
             CREATE TEMP TABLE IF NOT EXISTS keep_blobs (hash TEXT PRIMARY KEY); DELETE FROM keep_blobs;",
        )
        .map_err(e)?;
        tx.execute("DELETE FROM snapshots WHERE seq <= ?1", [i64::try_from(through).unwrap_or(i64::MAX)]).map_err(e)?;
        tx.execute_batch("DELETE FROM layouts WHERE id NOT IN (SELECT DISTINCT layout FROM snapshots)").map_err(e)?;
        {
            let mut stmt = tx.prepare("SELECT sections FROM layouts").map_err(e)?;
            let texts: Vec<String> =
                stmt.query_map([], |r| r.get(0)).map_err(e)?.collect::<Result<_, _>>().map_err(e)?;
            let mut insert = tx.prepare("INSERT OR IGNORE INTO keep_blobs (hash) VALUES (?1)").map_err(e)?;
            for text in texts {
                let refs = sections::parse_sections(&text).map_err(|why| ArchiveError::Damaged {
                    path: path.clone(),
                    detail: format!("a section list cannot be read ({why}); nothing was pruned"),
                })?;
                for (_, hash) in refs {
                    insert.execute([hash]).map_err(e)?;
                }
            }
        }
        tx.execute_batch(&format!(
            "DELETE FROM blobs WHERE hash NOT IN (SELECT hash FROM keep_blobs);
             DELETE FROM keep_blobs;
             {TRIGGERS}
             INSERT OR REPLACE INTO meta (key, value) VALUES ('format', '{FORMAT_VERSION}');"
        ))
        .map_err(e)?;
        tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('pruned_seq', ?1)", [through.to_string()])
            .map_err(e)?;
        tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('pruned_hash', ?1)", [&hash]).map_err(e)?;
        let blobs_after: i64 = tx.query_row("SELECT count(*) FROM blobs", [], |r| r.get(0)).map_err(e)?;
        tx.commit().map_err(e)?;
        tracing::info!(
            "{}: pruned {removed} snapshots (through {through}) older than {} and {} unused sections",
            path.display(),
            format_instant(cut),
            blobs_before - blobs_after
        );
        Ok(Pruned {
            snapshots: removed,
            sections: u64::try_from(blobs_before - blobs_after).unwrap_or(0),
            through,
            cut: Some(cut),
        })
    }

    /// Move everything from the write-ahead log into the archive file, so that the file
    /// alone holds every snapshot (to copy it while no one writes, or to measure it).
    pub fn checkpoint(&mut self) -> Result<(), ArchiveError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| sql_error(&self.path, "write to", e))
    }

    /// Test support: let the file grow to at most `n` pages (as if the disk were full
    /// beyond); returns the limit now in force (never below the pages in use).
    #[doc(hidden)]
    pub fn limit_pages_for_tests(&mut self, n: u64) -> Result<u64, ArchiveError> {
        self.conn
            .query_row(&format!("PRAGMA max_page_count = {n}"), [], |r| r.get::<_, i64>(0))
            .map(|p| u64::try_from(p).unwrap_or(0))
            .map_err(|e| sql_error(&self.path, "limit", e))
    }
}

fn compress_section(path: &Path, section: &Section) -> Result<Vec<u8>, ArchiveError> {
    sections::compress(&section.text).map_err(|e| ArchiveError::Io(format!("{e} (recording into {})", path.display())))
}

impl Drop for ArchiveWriter {
    /// Leave one self-contained file when no one else has the archive open: back in
    /// rollback-journal mode, with no `-wal`/`-shm` companions, it opens anywhere, even from
    /// read-only media (a WAL-mode file needs its `-shm`). While another connection has it
    /// open this fails at once and the archive stays in WAL mode.
    fn drop(&mut self) {
        let _ = self.conn.busy_timeout(Duration::ZERO);
        let _ = self.conn.query_row("PRAGMA journal_mode=DELETE", [], |_| Ok(()));
    }
}

/// The head record inside a transaction, checked against the last row.
pub(super) fn head_in(conn: &Connection, path: &Path) -> Result<(u64, String), ArchiveError> {
    let record = schema::head_record(conn, path)?;
    let last = schema::last_row(conn, path)?;
    if record != last {
        return Err(ArchiveError::Damaged {
            path: path.to_path_buf(),
            detail: format!(
                "its head record names snapshot {} but its last snapshot is {}: snapshots were removed \
                 or added outside Sitboard",
                record.0, last.0
            ),
        });
    }
    Ok(record)
}

/// Append one snapshot inside the caller's transaction after `head` (number and hash of
/// the last snapshot): the blobs not stored yet (`blob(i)` gives section `i` as raw length
/// and compressed bytes; called only for those), then the chained row and the head record.
/// Returns the new number, its hash and the bytes added.
pub(super) fn append_in(
    conn: &Connection,
    path: &Path,
    head: (u64, &str),
    row: &NewRow<'_>,
    blob: &mut dyn FnMut(usize) -> Result<(u64, Vec<u8>), ArchiveError>,
) -> Result<(u64, String, u64), ArchiveError> {
    let mut bytes_added: u64 = 0;
    {
        let mut exists =
            conn.prepare_cached("SELECT 1 FROM blobs WHERE hash = ?1").map_err(|e| sql_error(path, "read", e))?;
        let mut insert = conn
            .prepare_cached("INSERT INTO blobs (hash, raw_len, data) VALUES (?1, ?2, ?3)")
            .map_err(|e| sql_error(path, "write to", e))?;
        for (i, (_, hash)) in row.refs.iter().enumerate() {
            if exists.exists([hash]).map_err(|e| sql_error(path, "read", e))? {
                continue;
            }
            let (raw_len, data) = blob(i)?;
            let raw_len =
                i64::try_from(raw_len).map_err(|_| ArchiveError::BadDocument("a section is too large".into()))?;
            insert.execute(params![hash, raw_len, data]).map_err(|e| sql_error(path, "write to", e))?;
            bytes_added += data.len() as u64 + 64;
        }
    }
    let text = sections::sections_text(&row.refs);
    let (layout, layout_bytes) = layout_id(conn, path, &text)?;
    bytes_added += layout_bytes;
    let seq = head.0 + 1;
    let hash = sections::snapshot_hash(head.1, seq, row.source, &row.received, row.as_of.as_deref(), &text);
    let seq_i = i64::try_from(seq).map_err(|_| ArchiveError::Damaged {
        path: path.to_path_buf(),
        detail: "it has run out of snapshot numbers".into(),
    })?;
    let body_len = i64::try_from(row.body_len).unwrap_or(i64::MAX);
    conn.prepare_cached(
        "INSERT INTO snapshots (seq, source, received, as_of, layout, body_len, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .and_then(|mut s| s.execute(params![seq_i, row.source, row.received, row.as_of, layout, body_len, head.1, hash]))
    .map_err(|e| sql_error(path, "write to", e))?;
    conn.execute(
        "UPDATE meta SET value = CASE key WHEN 'head_seq' THEN ?1 ELSE ?2 END WHERE key IN ('head_seq', 'head_hash')",
        params![seq.to_string(), hash],
    )
    .map_err(|e| sql_error(path, "write to", e))?;
    bytes_added +=
        (row.source.len() + row.received.len() + row.as_of.as_ref().map_or(0, String::len)) as u64 + 2 * 64 + 16;
    Ok((seq, hash, bytes_added))
}

/// The layout (section list) with this text: the stored one, or a new one. Returns its id
/// and the bytes added.
fn layout_id(conn: &Connection, path: &Path, text: &str) -> Result<(i64, u64), ArchiveError> {
    let hash = sections::sha256_hex(text.as_bytes());
    let found: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, sections FROM layouts WHERE hash = ?1")
        .and_then(|mut s| s.query_row([&hash], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .map_err(|e| sql_error(path, "read", e))?;
    match found {
        Some((id, stored)) if stored == text => Ok((id, 0)),
        Some(_) => Err(ArchiveError::Damaged {
            path: path.to_path_buf(),
            detail: format!("its section list {hash} does not match its hash"),
        }),
        None => {
            conn.prepare_cached("INSERT INTO layouts (hash, sections) VALUES (?1, ?2)")
                .and_then(|mut s| s.execute(params![hash, text]))
                .map_err(|e| sql_error(path, "write to", e))?;
            Ok((conn.last_insert_rowid(), (hash.len() + text.len() + 8) as u64))
        }
    }
}
