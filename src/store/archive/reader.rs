//! Reading an archive: opened read-only, the snapshot list loaded in seq order up to the
//! first one that cannot be used (each row checked against the chain, each section
//! decompressed and checked against its hash once, so that every listed snapshot can be
//! reassembled), looked up by source and instant in memory, bodies reassembled from their
//! sections (checked again as they are read).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension as _};

use super::schema::{self, FileKind};
use super::sections::{self, Section, SectionRef};
use super::verify::{
    BadReason, BadSnapshot, RawSnapshot, SELECT_SNAPSHOTS, VerifiedArchive, check_sections, raw_blob, raw_snapshot,
    row_unreadable,
};
use super::{
    ArchiveError, ArchiveInfo, ArchivedDocument, SnapshotMeta, bytes_on_disk, parse_stored_instant, sql_error,
};

/// How long a reader waits when a writer briefly holds the file (WAL recovery, checkpoint).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An archive open for reading. One connection; use it from one thread.
pub struct ArchiveReader {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    format: u32,
    /// Where the chain starts: after the pruned snapshots (their last number and hash).
    base: (u64, String),
    snapshots: Vec<SnapshotMeta>,
    /// Per source, `(received, seq)` of its snapshots in time order: `documents_at` looks
    /// up each source in O(log n).
    by_source: HashMap<String, Vec<(DateTime<Utc>, u64)>>,
    /// `Some((pages there, pages named))` when the file is shorter than its header says.
    cut: Option<(u64, u64)>,
    damage: Option<String>,
    /// Hashes of the sections checked while loading (each is checked once).
    verified: HashSet<String>,
}

impl ArchiveReader {
    /// Open an archive read-only and load its snapshot list. A file that is not an archive
    /// (or of a newer format) is an error; a partly damaged one opens with its readable
    /// prefix, and [`ArchiveReader::damage`] says what was lost.
    pub fn open(path: &Path) -> Result<ArchiveReader, ArchiveError> {
        let path = path.to_path_buf();
        let cut = match schema::inspect(&path)? {
            FileKind::Missing => return Err(ArchiveError::NotFound { path }),
            FileKind::Empty => return Err(ArchiveError::Empty { path }),
            FileKind::Sqlite { cut } => cut,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags).map_err(|e| sql_error(&path, "open", e))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| sql_error(&path, "open", e))?;
        // Stricter page checks; and a file cut short is read as far as it goes (SQLite
        // otherwise refuses it whole).
        let pragmas = if cut.is_some() {
            "PRAGMA query_only=ON; PRAGMA cell_size_check=ON; PRAGMA writable_schema=ON;"
        } else {
            "PRAGMA query_only=ON; PRAGMA cell_size_check=ON;"
        };
        conn.execute_batch(pragmas).map_err(|e| sql_error(&path, "open", e))?;
        let format = schema::check_archive(&conn, &path)?;
        let base = schema::chain_base(&conn, &path)?;
        let mut reader = ArchiveReader {
            conn,
            path,
            format,
            base,
            snapshots: Vec::new(),
            by_source: HashMap::new(),
            cut,
            damage: None,
            verified: HashSet::new(),
        };
        reader.load_more()?;
        Ok(reader)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The readable snapshots in seq order (loaded at open; [`ArchiveReader::refresh`]
    /// loads those recorded since).
    pub fn snapshots(&self) -> &[SnapshotMeta] {
        &self.snapshots
    }

    /// Load the snapshots recorded since the last load; true when there are new ones.
    pub fn refresh(&mut self) -> Result<bool, ArchiveError> {
        let before = self.snapshots.len();
        self.load_more()?;
        Ok(self.snapshots.len() > before)
    }

    /// What could not be read, when the file is partly damaged (the snapshots before it
    /// stay usable).
    pub fn damage(&self) -> Option<&str> {
        self.damage.as_deref()
    }

    /// The newest snapshot of every source at or before `at` on the archive's clock
    /// ([`SnapshotMeta::clock`]), bodies reassembled, in seq order.
    pub fn documents_at(&self, at: DateTime<Utc>) -> Result<Vec<ArchivedDocument>, ArchiveError> {
        let mut seqs: Vec<u64> = self
            .by_source
            .values()
            .filter_map(|list| {
                let n = list.partition_point(|(clock, _)| *clock <= at);
                n.checked_sub(1).map(|i| list[i].1)
            })
            .collect();
        seqs.sort_unstable();
        seqs.into_iter().map(|seq| self.document(seq)).collect()
    }

    /// One snapshot with its body reassembled (every section checked against its hash).
    pub fn document(&self, seq: u64) -> Result<ArchivedDocument, ArchiveError> {
        let (meta, refs) = self.snapshot_sections(seq)?;
        let mut parts = Vec::with_capacity(refs.len());
        for (key, hash) in refs {
            let text = self.blob_text(seq, &key, &hash)?;
            parts.push(Section { key, text });
        }
        Ok(ArchivedDocument {
            seq,
            source: meta.source.clone(),
            received: meta.received,
            as_of: meta.as_of,
            body: sections::reassemble(&parts),
        })
    }

    /// A summary from what was loaded.
    pub fn info(&self) -> ArchiveInfo {
        let mut sources: Vec<(String, u64)> =
            self.by_source.iter().map(|(name, list)| (name.clone(), list.len() as u64)).collect();
        sources.sort();
        ArchiveInfo {
            path: self.path.clone(),
            format: self.format,
            first: self.snapshots.iter().map(SnapshotMeta::clock).min(),
            last: self.snapshots.iter().map(SnapshotMeta::clock).max(),
            received: self
                .snapshots
                .iter()
                .map(|s| s.received)
                .min()
                .zip(self.snapshots.iter().map(|s| s.received).max()),
            snapshots: self.snapshots.len() as u64,
            sources,
            file_bytes: bytes_on_disk(&self.path),
            damage: self.damage.clone(),
        }
    }

    /// A loaded snapshot and its section list, read again and checked against its hash.
    pub(super) fn snapshot_sections(&self, seq: u64) -> Result<(&SnapshotMeta, Vec<SectionRef>), ArchiveError> {
        let count = self.snapshots.len() as u64;
        let index = usize::try_from(seq.wrapping_sub(self.base.0 + 1)).unwrap_or(usize::MAX);
        let Some(meta) = self.snapshots.get(index) else {
            return Err(ArchiveError::NoSnapshot { path: self.path.clone(), seq, count });
        };
        let prev_hash = index.checked_sub(1).map_or(self.base.1.as_str(), |i| self.snapshots[i].hash.as_str());
        let damaged = |detail: String| ArchiveError::Damaged { path: self.path.clone(), detail };
        let raw: RawSnapshot = self
            .conn
            .query_row(
                &format!("{SELECT_SNAPSHOTS} WHERE s.seq = ?1"),
                [i64::try_from(seq).unwrap_or(-1)],
                raw_snapshot,
            )
            .optional()
            .map_err(|e| damaged(format!("snapshot {seq} cannot be read: {e}")))?
            .ok_or_else(|| damaged(format!("snapshot {seq} is gone")))?;
        let (again, refs) = raw.check(seq - 1, prev_hash).map_err(|why| damaged(format!("snapshot {seq}: {why}")))?;
        if again != *meta {
            return Err(damaged(format!("snapshot {seq} changed since it was loaded")));
        }
        Ok((meta, refs))
    }

    /// A section's text, checked against its hash.
    fn blob_text(&self, seq: u64, key: &str, hash: &str) -> Result<String, ArchiveError> {
        let damaged = |detail: String| ArchiveError::Damaged {
            path: self.path.clone(),
            detail: format!("section {key:?} of snapshot {seq} {detail}"),
        };
        match raw_blob(&self.conn, hash) {
            Ok(Some((raw_len, data))) => {
                sections::decode_blob(hash, raw_len, &data).map_err(|e| damaged(format!("is damaged: {e}")))
            }
            Ok(None) => Err(damaged("is missing".into())),
            Err(e) => Err(damaged(format!("cannot be read: {e}"))),
        }
    }

    /// Load the snapshots after those loaded, in one read transaction (a consistent view
    /// while a writer appends), up to the first one that cannot be used.
    fn load_more(&mut self) -> Result<(), ArchiveError> {
        let path = self.path.clone();
        let tx = self.conn.unchecked_transaction().map_err(|e| sql_error(&path, "read", e))?;
        // A writer that pruned since the last load moved the chain's start: load afresh.
        let base = schema::chain_base(&tx, &path)?;
        if base != self.base {
            self.base = base;
            self.snapshots.clear();
            self.by_source.clear();
        }
        let head = schema::head_record(&tx, &path);
        let head_seq = head.as_ref().map_or(u64::MAX, |h| h.0);
        let (mut prev_seq, mut prev_hash) =
            self.snapshots.last().map_or_else(|| self.base.clone(), |s| (s.seq, s.hash.clone()));
        let mut problem: Option<String> = None;
        let mut loaded: Vec<SnapshotMeta> = Vec::new();
        let mut verified = std::mem::take(&mut self.verified);
        {
            let mut stmt = tx
                .prepare(&format!("{SELECT_SNAPSHOTS} WHERE s.seq > ?1 ORDER BY s.seq"))
                .map_err(|e| sql_error(&path, "read", e))?;
            let mut rows =
                stmt.query([i64::try_from(prev_seq).unwrap_or(i64::MAX)]).map_err(|e| sql_error(&path, "read", e))?;
            loop {
                let raw = match rows.next() {
                    Ok(None) => break,
                    Ok(Some(row)) => raw_snapshot(row).map_err(|e| row_unreadable(&e)),
                    Err(e) => Err(BadReason::Unreadable(e.to_string())),
                };
                let checked = raw.and_then(|raw| raw.check(prev_seq, &prev_hash));
                let usable = checked.and_then(|(meta, refs)| {
                    if meta.seq > head_seq {
                        return Err(BadReason::NotInHead { head_seq });
                    }
                    check_sections(&tx, &refs, &mut verified).map(|()| meta)
                });
                match usable {
                    Ok(meta) => {
                        prev_seq = meta.seq;
                        prev_hash = meta.hash.clone();
                        loaded.push(meta);
                    }
                    Err(why) => {
                        problem = Some(why.to_string());
                        break;
                    }
                }
            }
        }
        drop(tx);
        self.verified = verified;
        self.damage = self.describe_damage(prev_seq, &prev_hash, head, problem);
        for meta in loaded {
            let list = self.by_source.entry(meta.source.clone()).or_default();
            let at = list.partition_point(|&(c, s)| (c, s) <= (meta.clock(), meta.seq));
            list.insert(at, (meta.clock(), meta.seq));
            self.snapshots.push(meta);
        }
        Ok(())
    }

    /// What was lost, in words: `last` is the last usable snapshot, `head` what the file
    /// says was recorded, `problem` why the next one cannot be used.
    fn describe_damage(
        &self,
        last: u64,
        last_hash: &str,
        head: Result<(u64, String), ArchiveError>,
        problem: Option<String>,
    ) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        if let Some((have, want)) = self.cut {
            parts.push(format!("the file is cut short ({have} of its {want} pages are left)"));
        }
        let usable = match last {
            0 => "no snapshot is usable".to_owned(),
            1 => "snapshot 1 is usable".to_owned(),
            n => format!("snapshots 1–{n} are usable"),
        };
        match (head, problem) {
            (Ok((head_seq, _)), Some(why)) if head_seq > last => parts.push(format!(
                "snapshot {} cannot be used ({why}): {} of the {head_seq} recorded are lost; {usable}",
                last + 1,
                head_seq - last
            )),
            (_, Some(why)) => {
                parts.push(format!("snapshot {} and any after it cannot be used ({why}); {usable}", last + 1))
            }
            (Ok((head_seq, _)), None) if head_seq > last => parts.push(format!(
                "snapshots {}–{head_seq} are missing: {} of the {head_seq} recorded are lost; {usable}",
                last + 1,
                head_seq - last
            )),
            (Ok((head_seq, head_hash)), None) if head_seq == last && head_hash != last_hash => {
                parts.push(format!("the last snapshot ({last}) is not the one recorded last; {usable}"))
            }
            (Ok(_), None) => {}
            (Err(e), None) => parts
                .push(format!("its head record cannot be read ({e}), so lost snapshots at the end would go unnoticed")),
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

impl ArchiveReader {
    /// Recompute every hash and the chain, decompress every section and check it against
    /// its hash, and check that no snapshot was removed from the end. Reads the file as it
    /// is now (snapshots appended since the reader opened included).
    pub fn verify(&self) -> Result<VerifiedArchive, BadSnapshot> {
        let bad = |seq: u64, raw: Option<&RawSnapshot>, reason: BadReason| BadSnapshot {
            seq,
            source: raw.map(|r| r.source.clone()),
            received: raw.and_then(|r| parse_stored_instant(&r.received)),
            reason,
        };
        let unreadable = |seq: u64, e: &dyn std::fmt::Display| bad(seq, None, BadReason::Unreadable(e.to_string()));
        let conn: &Connection = &self.conn;
        let tx = conn.unchecked_transaction().map_err(|e| unreadable(1, &e))?;
        let head = schema::head_record(&tx, &self.path).map_err(|e| unreadable(1, &e))?;
        let mut stmt = tx.prepare(&format!("{SELECT_SNAPSHOTS} ORDER BY s.seq")).map_err(|e| unreadable(1, &e))?;
        let mut rows = stmt.query([]).map_err(|e| unreadable(1, &e))?;
        let (mut prev_seq, mut prev_hash) = schema::chain_base(&tx, &self.path).map_err(|e| unreadable(1, &e))?;
        let mut verified: HashSet<String> = HashSet::new();
        let mut last: Option<RawSnapshot> = None;
        let mut count = 0u64;
        loop {
            let raw = match rows.next() {
                Ok(None) => break,
                Ok(Some(row)) => raw_snapshot(row).map_err(|e| bad(prev_seq + 1, None, row_unreadable(&e)))?,
                Err(e) => return Err(unreadable(prev_seq + 1, &e)),
            };
            let seq = u64::try_from(raw.seq).unwrap_or(0);
            let (meta, refs) = raw.check(prev_seq, &prev_hash).map_err(|reason| bad(seq, Some(&raw), reason))?;
            if meta.seq > head.0 {
                return Err(bad(meta.seq, Some(&raw), BadReason::NotInHead { head_seq: head.0 }));
            }
            check_sections(conn, &refs, &mut verified).map_err(|reason| bad(meta.seq, Some(&raw), reason))?;
            prev_seq = meta.seq;
            prev_hash = meta.hash;
            last = Some(raw);
            count += 1;
        }
        if head.0 > prev_seq || head.1 != prev_hash {
            return Err(bad(prev_seq, last.as_ref(), BadReason::Truncated { head_seq: head.0 }));
        }
        Ok(VerifiedArchive { snapshots: count, sections: verified.len() as u64, head: prev_hash })
    }
}
