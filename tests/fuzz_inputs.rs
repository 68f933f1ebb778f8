//! Property-based fuzzing (proptest, stable Rust) of every parser that reads outside input:
//! the feed JSON parser and ingest, the long CSV importer, the journal's wire format (what
//! the hub takes on `POST /v1/directives/events`) and the snapshot archive reader. Each input
//! is a file of `tests/fuzz_corpus/` (the issue 15 reproductions among them) with random
//! byte edits, or random bytes.
//!
//! CI runs a short deterministic pass: a fixed seed and a fixed number of cases per target
//! (seconds). The long run (see README, "Fuzzing"):
//! `SITBOARD_FUZZ_CASES=100000 SITBOARD_FUZZ_SEED=$RANDOM cargo test --release --test fuzz_inputs`.

use std::path::Path;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed};
use sitboard::feed::csv_import::{CsvLimits, import_long_csv_with};
use sitboard::feed::{FeedDocument, PLAUSIBLE_DATES, ingest_documents, registry};
use sitboard::model::journal::wire::WireEvent;
use sitboard::model::{DatasetBuilder, RegionRegistry};
use sitboard::store::archive::{ArchiveReader, ArchiveWriter};

/// Cases per target: `SITBOARD_FUZZ_CASES`, else `default` (CI's short run).
fn config(default: u32) -> Config {
    let cases = std::env::var("SITBOARD_FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(default);
    let seed = std::env::var("SITBOARD_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x15_15_15);
    Config {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    }
}

fn corpus(prefix: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix)))
        .map(|p| (p.display().to_string(), std::fs::read(&p).expect("corpus file")))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no {prefix}* files in {}", dir.display());
    out
}

fn reg() -> &'static RegionRegistry {
    static REG: OnceLock<RegionRegistry> = OnceLock::new();
    REG.get_or_init(|| registry::bundled().expect("bundled registry"))
}

/// One byte edit: replace, insert or remove at a position (taken modulo the length).
#[derive(Clone, Debug)]
enum Edit {
    Set(usize, u8),
    Insert(usize, u8),
    Remove(usize),
    /// Copy a slice of the input over another place (duplicates keys, rows, digits).
    Splice {
        from: usize,
        len: usize,
        to: usize,
    },
}

/// Bytes that matter to the formats: JSON and CSV punctuation, digits, and UTF-8 lead bytes.
fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        prop::sample::select(b"{}[]\":,-+0123456789.eE\n\r\\ tfnu".to_vec()),
        any::<u8>(),
        prop::sample::select(vec![0xe2, 0x80, 0x8b, 0xef, 0xbc, 0x97, 0xff, 0x00]),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), interesting_byte()).prop_map(|(p, b)| Edit::Set(p, b)),
        (any::<usize>(), interesting_byte()).prop_map(|(p, b)| Edit::Insert(p, b)),
        any::<usize>().prop_map(Edit::Remove),
        (any::<usize>(), 1usize..64, any::<usize>()).prop_map(|(from, len, to)| Edit::Splice { from, len, to }),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let n = bytes.len().max(1);
        match *e {
            Edit::Set(p, b) if !bytes.is_empty() => bytes[p % n] = b,
            Edit::Insert(p, b) => bytes.insert(p % (bytes.len() + 1), b),
            Edit::Remove(p) if !bytes.is_empty() => {
                bytes.remove(p % n);
            }
            Edit::Splice { from, len, to } if !bytes.is_empty() => {
                let from = from % n;
                let piece: Vec<u8> = bytes[from..(from + len).min(bytes.len())].to_vec();
                let to = to % (bytes.len() + 1);
                bytes.splice(to..to, piece);
            }
            _ => {}
        }
    }
    bytes
}

/// A corpus file with edits, or (`None` index) random bytes.
fn input(prefix: &'static str) -> impl Strategy<Value = (String, Vec<u8>)> {
    let files = corpus(prefix);
    let n = files.len();
    prop_oneof![
        4 => (0..n, prop::collection::vec(edit(), 0..8))
            .prop_map(move |(i, edits)| (files[i].0.clone(), apply(files[i].1.clone(), &edits))),
        1 => prop::collection::vec(any::<u8>(), 0..600).prop_map(|b| ("random bytes".to_owned(), b)),
    ]
}

fn check_feed(origin: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(bytes);
    match FeedDocument::parse(&text, origin) {
        Err(msg) => prop_assert!(!msg.trim().is_empty(), "a refused document says why"),
        Ok(doc) => {
            let mut b = DatasetBuilder::new(reg().clone());
            let reports = ingest_documents(&[doc], &mut b);
            let r = &reports[0];
            prop_assert!(r.rejected.iter().chain(&r.warnings).all(|i| !i.message.trim().is_empty()));
            let ds = b.build();
            // No date outside the plausible window reaches the board.
            prop_assert!(ds.dates().iter().all(|d| PLAUSIBLE_DATES.contains(d)), "{:?}", ds.dates());
            // No more case reports than the document has objects (sums add one per level).
            let objects = text.matches('{').count();
            let reports_in = ds.dates().len();
            prop_assert!(reports_in <= objects, "{reports_in} days from {objects} objects");
        }
    }
    Ok(())
}

#[test]
fn the_corpus_reproductions_behave() {
    // The issue 15 reproductions, unedited: what each must give.
    let one = |name: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus").join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let fatal = FeedDocument::parse(&one("feed_duplicate_key.json"), "x").unwrap_err();
    assert!(fatal.starts_with("duplicate key \"active\""), "{fatal}");
    let fatal = FeedDocument::parse(&one("feed_no_source_name.json"), "x").unwrap_err();
    assert!(fatal.starts_with("source.name: missing"), "{fatal}");
    let csv = |name: &str| {
        let mut b = DatasetBuilder::new(reg().clone());
        let r = import_long_csv_with(&one(name), name, "x", &mut b, CsvLimits::default());
        (r, b.build())
    };
    let (r, ds) = csv("csv_year_1.csv");
    assert!(r.rejected.iter().any(|i| i.to_string().starts_with("line 5 date: 0001-01-01 is outside")), "{r:?}");
    assert!(ds.dates().len() < 10);
    let (r, _) = csv("csv_year_9999.csv");
    assert!(r.rejected.iter().any(|i| i.to_string().starts_with("line 5 date: 9999-12-31 is outside")), "{r:?}");
    let (r, _) = csv("csv_span_2099.csv");
    assert!(r.fatal.as_deref().is_some_and(|f| f.contains("(line 5)")), "{r:?}");
    let wire = serde_json::from_str::<WireEvent>(&one("wire_duplicate_key.json")).unwrap_err();
    assert!(wire.to_string().contains("duplicate field `officer`"), "{wire}");
    // Schema 1.2: the good row's acknowledgment is read; the row with bad `addressed`
    // entries is refused at the first one, by its path.
    let doc = FeedDocument::parse(&one("feed_addressed_1_2.json"), "x").expect("a 1.2 hub document");
    let mut b = DatasetBuilder::new(reg().clone());
    let reports = ingest_documents(&[doc], &mut b);
    let ds = b.build();
    assert_eq!(ds.directives().len(), 1);
    assert_eq!(ds.directives()[0].addressed.iter().filter(|a| a.ack.is_some()).count(), 1);
    let msgs: Vec<String> = reports[0].rejected.iter().map(ToString::to_string).collect();
    assert_eq!(
        msgs,
        [
            "directives[1].addressed[0].acknowledged_at: missing: an entry with an officer or a note is an acknowledgment, which says when"
        ]
    );
}

proptest! {
    #![proptest_config(config(2_000))]

    #[test]
    fn feed_documents_never_panic((origin, bytes) in input("feed_")) {
        check_feed(&origin, &bytes)?;
    }

    #[test]
    fn csv_files_never_panic_nor_grow_past_their_span((origin, bytes) in input("csv_")) {
        let text = String::from_utf8_lossy(&bytes);
        let limits = CsvLimits::years(1);
        let mut b = DatasetBuilder::new(reg().clone());
        let r = import_long_csv_with(&text, &origin, "fuzz", &mut b, limits);
        prop_assert!(r.rejected.iter().chain(&r.warnings).all(|i| !i.message.trim().is_empty()));
        let ds = b.build();
        let days = ds.dates();
        prop_assert!(days.iter().all(|d| PLAUSIBLE_DATES.contains(d)), "{days:?}");
        if let (Some(first), Some(last)) = (days.first(), days.last()) {
            prop_assert!((*last - *first).num_days() <= i64::from(limits.max_span_days), "{first} … {last}");
        }
        // Rows made: at most one per line, plus the zero-filled days of each region.
        let lines = text.lines().count();
        let bound = lines + reg().len() * (limits.max_span_days as usize + 1);
        prop_assert!(r.total_accepted() <= bound, "{} rows from {lines} lines", r.total_accepted());
    }

    #[test]
    fn wire_events_never_panic_and_round_trip((_origin, bytes) in input("wire_")) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(w) = serde_json::from_str::<WireEvent>(&text) {
            let now: DateTime<Utc> = "2020-03-01T00:00:00Z".parse().unwrap();
            let _ = w.check(reg(), now);
            let _ = w.to_event("A01");
            let again: WireEvent = serde_json::from_str(&serde_json::to_string(&w).unwrap()).unwrap();
            prop_assert_eq!(again, w);
        }
    }
}

/// A small real archive: two documents of the corpus recorded.
fn archive_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite");
        let mut w = ArchiveWriter::create_or_open(&path).unwrap();
        let t: DateTime<Utc> = "2020-03-04T02:00:00Z".parse().unwrap();
        for (i, (_, body)) in corpus("feed_impossible").into_iter().chain(corpus("feed_u32")).enumerate() {
            let body = String::from_utf8(body).unwrap();
            w.record("fuzz", t + chrono::Duration::minutes(i as i64), &body).unwrap();
        }
        w.checkpoint().unwrap();
        drop(w);
        std::fs::read(&path).unwrap()
    })
}

fn read_archive(path: &Path) {
    let Ok(mut r) = ArchiveReader::open(path) else { return };
    let _ = r.info();
    let _ = r.damage();
    let _ = r.verify();
    let seqs: Vec<(u64, DateTime<Utc>)> = r.snapshots().iter().map(|s| (s.seq, s.received)).collect();
    for (seq, at) in seqs {
        let _ = r.document(seq);
        let _ = r.documents_at(at);
    }
    let _ = r.refresh();
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn damaged_archives_never_panic_the_reader(
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..12),
        cut in prop::option::weighted(0.2, any::<usize>()),
    ) {
        let mut bytes = archive_bytes().to_vec();
        for (p, b) in edits {
            // Past the 100-byte header, or the file is just "not an archive".
            let n = bytes.len();
            bytes[100 + p % (n - 100)] = b;
        }
        if let Some(c) = cut {
            bytes.truncate(c % bytes.len());
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("damaged.sqlite");
        std::fs::write(&path, &bytes).unwrap();
        read_archive(&path);
    }
}
