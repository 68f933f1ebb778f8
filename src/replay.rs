//! Reading a snapshot archive back as the board saw it: the archive's clock (each snapshot's
//! `as_of`, else the instant it was received — the exercise clock for a recording of a live
//! demo), the snapshots in force at an instant (the newest of every source by that clock),
//! and the dataset they make, through the same ingest as live feeds. The board's replay
//! worker and `sitboard report --at` both use it, so they agree.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::feed::IngestReport;
use crate::feed::source::{LoadOutcome, merge, recognise};
use crate::model::RegionRegistry;
use crate::store::archive::{ArchiveReader, SnapshotMeta};

/// A snapshot's instant on the archive's clock ([`SnapshotMeta::clock`]).
pub fn clock(s: &SnapshotMeta) -> DateTime<Utc> {
    s.clock()
}

/// Every instant of the archive's clock, sorted, once each: the timeline's marks.
pub fn marks(snapshots: &[SnapshotMeta]) -> Vec<DateTime<Utc>> {
    let mut v: Vec<DateTime<Utc>> = snapshots.iter().map(clock).collect();
    v.sort();
    v.dedup();
    v
}

/// The snapshots that make the board at `t`: for every source, its newest snapshot at or
/// before `t` on the archive's clock (a later recording of the same instant wins). Sorted by
/// seq; empty before the first snapshot.
pub fn snapshots_at(snapshots: &[SnapshotMeta], t: DateTime<Utc>) -> Vec<u64> {
    let mut newest: BTreeMap<&str, (DateTime<Utc>, u64)> = BTreeMap::new();
    for s in snapshots {
        let c = clock(s);
        if c > t {
            continue;
        }
        let e = newest.entry(s.source.as_str()).or_insert((c, s.seq));
        if (c, s.seq) > *e {
            *e = (c, s.seq);
        }
    }
    let mut seqs: Vec<u64> = newest.values().map(|(_, seq)| *seq).collect();
    seqs.sort_unstable();
    seqs
}

/// The dataset of the given snapshots, ingested as a live feed's documents are.
pub fn outcome_of(reader: &ArchiveReader, seqs: &[u64], registry: RegionRegistry) -> LoadOutcome {
    let mut docs = Vec::new();
    let mut refused = Vec::new();
    for seq in seqs {
        match reader.document(*seq) {
            Ok(d) => {
                let origin = format!("{} · snapshot {} ({})", d.source, d.seq, d.received.to_rfc3339());
                match recognise(&origin, d.body) {
                    Ok(doc) => docs.push(doc),
                    Err(e) => refused.push(IngestReport::fatal(origin, e)),
                }
            }
            Err(e) => refused.push(IngestReport::fatal(format!("snapshot {seq}"), e.to_string())),
        }
    }
    let refs: Vec<_> = docs.iter().collect();
    merge(registry, &refs, refused)
}

/// The board as recorded at `t`: open the archive at `path`, take the snapshots in force at
/// `t` and build their dataset. An error names the file and what is wrong with it.
pub fn outcome_at(path: &Path, t: DateTime<Utc>, registry: RegionRegistry) -> Result<LoadOutcome, String> {
    let reader = ArchiveReader::open(path).map_err(|e| e.to_string())?;
    let snaps = reader.snapshots();
    let seqs = snapshots_at(snaps, t);
    if seqs.is_empty() {
        let range = match (marks(snaps).first(), marks(snaps).last()) {
            (Some(a), Some(b)) => format!("it covers {} … {}", a.to_rfc3339(), b.to_rfc3339()),
            _ => "it holds no snapshot".to_owned(),
        };
        return Err(format!("{}: nothing was recorded at or before {}; {range}", path.display(), t.to_rfc3339()));
    }
    if let Some(d) = reader.damage() {
        tracing::warn!("{}: {d}", path.display());
    }
    Ok(outcome_of(&reader, &seqs, registry))
}

/// Whether the file at `path` is an SQLite database (an archive, or at least meant as one)
/// rather than a feed document or CSV: it starts with SQLite's header.
pub fn looks_like_archive(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 16];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"SQLite format 3\0"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(seq: u64, source: &str, clock_s: &str, received_s: &str) -> SnapshotMeta {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        SnapshotMeta {
            seq,
            source: source.into(),
            received: t(received_s),
            as_of: (!clock_s.is_empty()).then(|| t(clock_s)),
            hash: String::new(),
            body_len: 0,
        }
    }

    #[test]
    fn the_board_at_an_instant_is_the_newest_snapshot_of_every_source() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let snaps = vec![
            snap(1, "hub", "2020-02-01T16:00:00Z", "2026-11-30T10:00:00Z"),
            snap(2, "cases", "", "2026-11-30T10:00:01Z"),
            snap(3, "hub", "2020-02-02T16:00:00Z", "2026-11-30T10:00:02Z"),
            snap(4, "hub", "2020-02-03T16:00:00Z", "2026-11-30T10:00:03Z"),
        ];
        // The clock is the data's as_of where there is one (the exercise clock of a demo).
        assert_eq!(marks(&snaps).first(), Some(&t("2020-02-01T16:00:00Z")));
        assert_eq!(marks(&snaps).len(), 4);
        assert_eq!(snapshots_at(&snaps, t("2020-01-01T00:00:00Z")), Vec::<u64>::new());
        assert_eq!(snapshots_at(&snaps, t("2020-02-02T17:00:00Z")), vec![3]);
        assert_eq!(snapshots_at(&snaps, t("2020-02-03T16:00:00Z")), vec![4]);
        // A source without as_of is on the received clock.
        assert_eq!(snapshots_at(&snaps, t("2026-11-30T12:00:00Z")), vec![2, 4]);
    }

    #[test]
    fn only_sqlite_files_look_like_archives() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("a.json");
        std::fs::write(&json, "{\"schema\": \"sitboard.feed/1\"}").unwrap();
        assert!(!looks_like_archive(&json));
        assert!(!looks_like_archive(&dir.path().join("missing")));
        let db = dir.path().join("a.sqlite");
        std::fs::write(&db, b"SQLite format 3\0rest of the header").unwrap();
        assert!(looks_like_archive(&db));
    }
}
