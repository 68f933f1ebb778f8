//! Checking an archive: a snapshot row as stored and the checks every reader applies to it
//! (its number follows the one before, its chain hash recomputes, its fields read), and
//! [`ArchiveReader::verify`], which also decompresses every section and checks it against
//! its hash, and checks that nothing was removed from the end (the reader's `verify` runs
//! these checks).

use std::collections::HashSet;
use std::fmt;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension as _};

use super::sections::{self, SectionRef};
use super::{SnapshotMeta, parse_stored_instant};

/// An archive that verified: how many snapshots and distinct sections, and the last hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedArchive {
    pub snapshots: u64,
    pub sections: u64,
    pub head: String,
}

/// Why a snapshot failed verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadReason {
    /// SQLite cannot read it (the file is damaged there).
    Unreadable(String),
    /// Snapshots are missing before it (the numbers jump from `after`).
    Gap { after: u64 },
    /// Its `prev_hash` is not the hash of the snapshot before: one before it was changed,
    /// removed or inserted.
    ChainBroken,
    /// Its fields do not give its stored hash: it was changed after it was written.
    HashMismatch,
    /// A field cannot be read (named in the text).
    BadField(String),
    /// A section it names is not in the archive.
    SectionMissing { key: String, hash: String },
    /// A section it names cannot be decompressed or does not match its hash.
    SectionDamaged { key: String, hash: String, detail: String },
    /// Snapshots after it were removed: the head record names `head_seq`.
    Truncated { head_seq: u64 },
    /// It is not in the head record (written outside Sitboard).
    NotInHead { head_seq: u64 },
}

/// The first snapshot that failed verification (source and received when they could be read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadSnapshot {
    pub seq: u64,
    pub source: Option<String>,
    pub received: Option<DateTime<Utc>>,
    pub reason: BadReason,
}

impl fmt::Display for BadReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadReason::Unreadable(e) => write!(f, "it cannot be read ({e})"),
            BadReason::Gap { after } => write!(f, "snapshots after {after} are missing before it"),
            BadReason::ChainBroken => {
                f.write_str("it does not follow the snapshot before it (one before was changed, removed or inserted)")
            }
            BadReason::HashMismatch => f.write_str("its content does not match its hash (it was changed)"),
            BadReason::BadField(what) => f.write_str(what),
            BadReason::SectionMissing { key, hash } => write!(f, "its section {key:?} ({hash}) is missing"),
            BadReason::SectionDamaged { key, hash, detail } => {
                write!(f, "its section {key:?} ({hash}) is damaged: {detail}")
            }
            BadReason::Truncated { head_seq } => {
                write!(f, "the snapshots after it were removed (the archive recorded {head_seq})")
            }
            BadReason::NotInHead { head_seq } => {
                write!(f, "it was added outside Sitboard (the archive recorded {head_seq} snapshots)")
            }
        }
    }
}

impl fmt::Display for BadSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "snapshot {}", self.seq)?;
        if let Some(source) = &self.source {
            write!(f, " from {source}")?;
        }
        if let Some(received) = self.received {
            write!(f, " received {}", super::format_instant(received))?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// A row whose fields SQLite cannot give as stored.
pub(super) fn row_unreadable(e: &rusqlite::Error) -> BadReason {
    BadReason::Unreadable(format!("a field is damaged: {e}"))
}

/// A snapshot row as stored.
pub(super) struct RawSnapshot {
    pub seq: i64,
    pub source: String,
    pub received: String,
    pub as_of: Option<String>,
    /// The section list (`None` when the layout it names is missing).
    pub sections: Option<String>,
    pub body_len: i64,
    pub prev_hash: String,
    pub hash: String,
}

/// The rows with their section lists (a snapshot whose list is missing reads as `NULL`).
pub(super) const SELECT_SNAPSHOTS: &str = "SELECT s.seq, s.source, s.received, s.as_of, l.sections, s.body_len, \
     s.prev_hash, s.hash FROM snapshots s LEFT JOIN layouts l ON l.id = s.layout";

pub(super) fn raw_snapshot(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawSnapshot> {
    Ok(RawSnapshot {
        seq: r.get(0)?,
        source: r.get(1)?,
        received: r.get(2)?,
        as_of: r.get(3)?,
        sections: r.get(4)?,
        body_len: r.get(5)?,
        prev_hash: r.get(6)?,
        hash: r.get(7)?,
    })
}

impl RawSnapshot {
    /// Check the row against the snapshot before it (number and hash) and read its fields.
    pub(super) fn check(&self, prev_seq: u64, prev_hash: &str) -> Result<(SnapshotMeta, Vec<SectionRef>), BadReason> {
        if u64::try_from(self.seq).ok() != Some(prev_seq + 1) {
            return Err(BadReason::Gap { after: prev_seq });
        }
        let seq = prev_seq + 1;
        let text = self.sections.as_deref().ok_or_else(|| BadReason::BadField("its section list is missing".into()))?;
        let hash_now =
            sections::snapshot_hash(&self.prev_hash, seq, &self.source, &self.received, self.as_of.as_deref(), text);
        if hash_now != self.hash {
            return Err(BadReason::HashMismatch);
        }
        if self.prev_hash != prev_hash {
            return Err(BadReason::ChainBroken);
        }
        let received = parse_stored_instant(&self.received)
            .ok_or_else(|| BadReason::BadField(format!("its received time {:?} cannot be read", self.received)))?;
        let as_of = match &self.as_of {
            None => None,
            Some(a) => Some(
                parse_stored_instant(a)
                    .ok_or_else(|| BadReason::BadField(format!("its as_of time {a:?} cannot be read")))?,
            ),
        };
        let body_len = u64::try_from(self.body_len)
            .map_err(|_| BadReason::BadField(format!("its body length {} is negative", self.body_len)))?;
        let refs = sections::parse_sections(text).map_err(BadReason::BadField)?;
        let meta =
            SnapshotMeta { seq, source: self.source.clone(), received, as_of, hash: self.hash.clone(), body_len };
        Ok((meta, refs))
    }
}

/// A blob as stored: raw length and compressed bytes (`None` when it is not there).
pub(super) fn raw_blob(conn: &Connection, hash: &str) -> rusqlite::Result<Option<(i64, Vec<u8>)>> {
    conn.prepare_cached("SELECT raw_len, data FROM blobs WHERE hash = ?1")
        .and_then(|mut s| s.query_row([hash], |r| Ok((r.get(0)?, r.get(1)?))).optional())
}

/// Check every section not in `verified` yet: it is there, decompresses and matches its
/// hash; those that pass join `verified`.
pub(super) fn check_sections(
    conn: &Connection,
    refs: &[SectionRef],
    verified: &mut HashSet<String>,
) -> Result<(), BadReason> {
    for (key, hash) in refs {
        if verified.contains(hash) {
            continue;
        }
        let damaged = |detail: String| BadReason::SectionDamaged { key: key.clone(), hash: hash.clone(), detail };
        match raw_blob(conn, hash) {
            Ok(None) => return Err(BadReason::SectionMissing { key: key.clone(), hash: hash.clone() }),
            Ok(Some((raw_len, data))) => {
                sections::decode_blob(hash, raw_len, &data).map_err(damaged)?;
            }
            Err(e) => return Err(damaged(format!("it cannot be read ({e})"))),
        }
        verified.insert(hash.clone());
    }
    Ok(())
}
