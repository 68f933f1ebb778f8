//! Exporting part of an archive: the snapshots in a time range (on the archive's clock) plus, for each
//! source, its newest snapshot before the range (so the range's first instant is complete),
//! into a new archive, renumbered and chained afresh, so it verifies on its own. Sections
//! are copied compressed, each checked against its hash on the way.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::TransactionBehavior;

use super::reader::ArchiveReader;
use super::sections;
use super::verify::raw_blob;
use super::writer::{ArchiveWriter, NewRow, append_in};
use super::{ArchiveError, GENESIS_HASH, companion, format_instant, io_error, sql_error};

/// What [`ArchiveReader::export_range`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportSummary {
    pub path: PathBuf,
    /// Snapshots written.
    pub snapshots: u64,
    /// Of those, received within the range.
    pub in_range: u64,
    /// Of those, the newest before the range of their source (its state at `from`).
    pub carried: u64,
    /// Sources with at least one snapshot written.
    pub sources: u64,
    /// The earliest and latest instant written, on the archive's clock.
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    /// The new file's size.
    pub bytes: u64,
}

impl ArchiveReader {
    /// Write a smaller, still verifiable archive to `out`: the snapshots (by the archive's clock) in
    /// [`from`, `to`] (either end open when `None`) plus, for each source, its newest
    /// snapshot before `from`. Refuses to overwrite an existing file; leaves no file behind
    /// when it fails.
    pub fn export_range(
        &self,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        out: &Path,
    ) -> Result<ExportSummary, ArchiveError> {
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(ArchiveError::BadRange(format!(
                "the range starts ({}) after it ends ({}): nothing was exported",
                format_instant(f),
                format_instant(t)
            )));
        }
        let in_range = |t: DateTime<Utc>| from.is_none_or(|f| t >= f) && to.is_none_or(|e| t <= e);
        let snapshots = self.snapshots();
        let mut chosen: Vec<usize> = (0..snapshots.len()).filter(|&i| in_range(snapshots[i].clock())).collect();
        let in_range_count = chosen.len() as u64;
        if let Some(f) = from {
            let mut before: HashMap<&str, usize> = HashMap::new();
            for (i, s) in snapshots.iter().enumerate().filter(|(_, s)| s.clock() < f) {
                let newer = before.get(s.source.as_str()).is_none_or(|&j| {
                    let o = &snapshots[j];
                    (s.clock(), s.seq) > (o.clock(), o.seq)
                });
                if newer {
                    before.insert(&s.source, i);
                }
            }
            chosen.extend(before.into_values());
        }
        chosen.sort_unstable();
        if chosen.is_empty() {
            return Err(ArchiveError::BadRange(format!(
                "no snapshot of {} was received in that range or before it: nothing was exported",
                self.path.display()
            )));
        }
        if std::fs::symlink_metadata(out).is_ok() {
            return Err(ArchiveError::Exists { path: out.to_path_buf() });
        }
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, "create the folder", &e))?;
        }
        match std::fs::OpenOptions::new().write(true).create_new(true).open(out) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(ArchiveError::Exists { path: out.to_path_buf() });
            }
            Err(e) => return Err(io_error(out, "create", &e)),
        }
        let written = self.write_export(&chosen, out);
        if written.is_err() {
            for p in [out.to_path_buf(), companion(out, "-wal"), companion(out, "-shm")] {
                let _ = std::fs::remove_file(p);
            }
        }
        written?;
        let picked: Vec<_> = chosen.iter().map(|&i| &snapshots[i]).collect();
        let mut sources: Vec<&str> = picked.iter().map(|s| s.source.as_str()).collect();
        sources.sort_unstable();
        sources.dedup();
        Ok(ExportSummary {
            path: out.to_path_buf(),
            snapshots: picked.len() as u64,
            in_range: in_range_count,
            carried: picked.len() as u64 - in_range_count,
            sources: sources.len() as u64,
            first: picked.iter().map(|s| s.clock()).min(),
            last: picked.iter().map(|s| s.clock()).max(),
            bytes: std::fs::metadata(out).map(|m| m.len()).unwrap_or(0),
        })
    }

    /// Copy the chosen snapshots (indexes into `snapshots()`, in order) into the new, empty
    /// archive at `out`, in one transaction.
    fn write_export(&self, chosen: &[usize], out: &Path) -> Result<(), ArchiveError> {
        let mut writer = ArchiveWriter::create_or_open(out)?;
        let tx = writer
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| sql_error(out, "write to", e))?;
        let mut head = (0u64, GENESIS_HASH.to_owned());
        for &i in chosen {
            let meta = &self.snapshots()[i];
            let (_, refs) = self.snapshot_sections(meta.seq)?;
            let row = NewRow {
                source: &meta.source,
                received: format_instant(meta.received),
                as_of: meta.as_of.map(format_instant),
                refs,
                body_len: meta.body_len,
            };
            let mut blob = |k: usize| -> Result<(u64, Vec<u8>), ArchiveError> {
                let (key, hash) = &row.refs[k];
                let damaged = |detail: String| ArchiveError::Damaged {
                    path: self.path.clone(),
                    detail: format!("section {key:?} of snapshot {} {detail}", meta.seq),
                };
                let (raw_len, data) = raw_blob(&self.conn, hash)
                    .map_err(|e| damaged(format!("cannot be read: {e}")))?
                    .ok_or_else(|| damaged("is missing".into()))?;
                let text =
                    sections::decode_blob(hash, raw_len, &data).map_err(|e| damaged(format!("is damaged: {e}")))?;
                Ok((text.len() as u64, data))
            };
            let (seq, hash, _) = append_in(&tx, out, (head.0, &head.1), &row, &mut blob)?;
            head = (seq, hash);
        }
        tx.commit().map_err(|e| sql_error(out, "write to", e))?;
        writer.checkpoint()
    }
}
