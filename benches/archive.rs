//! Archive benchmark: builds a synthetic snapshot archive (three sources, one snapshot a
//! minute each in turn, 100,000 snapshots by default), then measures what replay needs —
//! opening the archive, and seeking: the snapshots in force at a random instant, their
//! documents read back and ingested into a dataset, and the `Situation` at that instant — and
//! the file's growth per unchanged and per changed poll.
//! Run with `cargo bench --bench archive` (`-- 10000` for another size). Under
//! `cargo test --all-targets` it only checks that everything runs, on 300 snapshots.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone as _, Utc};
use serde_json::json;
use sitboard::feed::registry;
use sitboard::model::Situation;
use sitboard::store::archive::{ArchiveReader, ArchiveWriter};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    let n = v.len();
    format!(
        "median {:>7.3} ms   p95 {:>7.3} ms   max {:>7.3} ms   ({n} seeks)",
        ms(v[n / 2]),
        ms(v[(n * 95 / 100).min(n - 1)]),
        ms(v[n - 1])
    )
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2020, 3, 1, 0, 0, 0).single().unwrap_or_default()
}

/// A small valid feed document of `source`, as of `t`: one province report per day up to
/// `t`'s day (so every poll of a new day changes the case section).
fn document(source: &str, t: DateTime<Utc>, days: i64) -> String {
    let first = start().date_naive();
    let rows: Vec<serde_json::Value> = (0..=days)
        .map(|d| {
            let date = first + chrono::Duration::days(d);
            json!({"region": "230000", "date": date.to_string(), "new_confirmed": (d % 17) as u32, "active": (100 + d * 3) as u32})
        })
        .collect();
    json!({
        "schema": "sitboard.feed/1",
        "source": {"id": source, "name": format!("synthetic {source}")},
        "generated_at": t.to_rfc3339(),
        "as_of": t.to_rfc3339(),
        "case_reports": rows,
    })
    .to_string()
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let n: u64 = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .find_map(|a| a.parse().ok())
        .unwrap_or(if quick { 300 } else { 100_000 });
    let Ok(dir) = tempfile::tempdir() else {
        eprintln!("cannot make a temporary folder");
        std::process::exit(1);
    };
    let path = dir.path().join("bench.sqlite");
    println!("Sitboard archive benchmark: {n} snapshots from 3 sources, one a minute");

    // Build: each source's document changes once a simulated day (1,440 minutes); in between
    // the same document is polled again (the archive stores a row, not the document).
    let built = Instant::now();
    let mut w = match ArchiveWriter::create_or_open(&path) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let sources = ["cases", "status", "checkpoints"];
    let (mut unchanged_bytes, mut unchanged_n, mut changed_bytes, mut changed_n, mut changed_json) = (0, 0, 0, 0, 0);
    let mut cache: Vec<(i64, String)> = vec![(-1, String::new()); sources.len()];
    for i in 0..n {
        let t = start() + chrono::Duration::minutes(i as i64);
        let k = (i % 3) as usize;
        let day = i as i64 / 1440;
        if cache[k].0 != day {
            // The data is current to the end of the day before (as a daily bulletin is).
            cache[k] = (day, document(sources[k], t, day));
        }
        let r = match w.record(sources[k], t, &cache[k].1) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("recording snapshot {i}: {e}");
                std::process::exit(1);
            }
        };
        if r.unchanged {
            unchanged_bytes += r.bytes_added;
            unchanged_n += 1;
        } else if i >= 3 {
            changed_bytes += r.bytes_added;
            changed_n += 1;
            changed_json += cache[k].1.len() as u64;
        }
    }
    drop(w);
    let file = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "build          {:>8.1} s, file {:.1} MB ({:.0} bytes a snapshot)",
        built.elapsed().as_secs_f64(),
        file as f64 / 1e6,
        file as f64 / n as f64
    );
    if unchanged_n > 0 {
        println!(
            "unchanged poll {:>8.0} bytes added on average ({unchanged_n} polls)",
            unchanged_bytes as f64 / unchanged_n as f64
        );
    }
    if changed_n > 0 {
        println!(
            "changed day    {:>8.0} bytes added on average, {:.1} % of the document's JSON ({changed_n} changes)",
            changed_bytes as f64 / changed_n as f64,
            100.0 * changed_bytes as f64 / changed_json.max(1) as f64
        );
    }

    let opened = Instant::now();
    let reader = match ArchiveReader::open(&path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    println!("open           {:>8.1} ms (every snapshot checked against the chain)", ms(opened.elapsed()));
    let Ok(reg) = registry::bundled() else {
        eprintln!("the bundled registry does not load");
        std::process::exit(1);
    };
    let marks = sitboard::replay::marks(reader.snapshots());
    let mut seed = 12_345u64;
    let mut times = Vec::new();
    for _ in 0..if quick { 20 } else { 1000 } {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let t = marks[(seed % marks.len() as u64) as usize];
        let began = Instant::now();
        let seqs = sitboard::replay::snapshots_at(reader.snapshots(), t);
        let outcome = sitboard::replay::outcome_of(&reader, &seqs, reg.clone());
        let sit = Situation::at_instant(Arc::new(outcome.dataset), t);
        std::hint::black_box(sit.date());
        times.push(began.elapsed());
    }
    println!("seek           {}", stats(times));
}
