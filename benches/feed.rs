//! What a board pays for its data (issue 18, the wall's soak): time and the heap's peak of
//! - `version`: one live version of a hub's demo document at its largest (the last demo day):
//!   the delta from the day before applied to the held text, the new document read, the
//!   dataset built from it — what a wall following a hub does on every poll;
//! - `load`: the first load of the bundled demo (`data/demo`, read, parsed, merged).
//!
//! The heap is counted by a global allocator (every thread); the peak is the highest live
//! heap during the step above what was live before it.
//! Run with `cargo bench --bench feed`; under `cargo test --all-targets` each step runs once.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use sitboard::feed::delta::{RowIndex, apply, diff};
use sitboard::feed::source::{merge, recognise};
use sitboard::feed::{FeedSource, load_sources, registry};
use sitboard::hub::merge::{HubRows, load, merged};
use sitboard::model::time::end_of_day;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

struct Counting;

fn add(n: isize) {
    let now = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed to the system allocator unchanged; the counters are atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Run `step` `rounds` times: the median time and the largest heap peak above the start.
fn measure<T>(rounds: usize, mut step: impl FnMut() -> T) -> (Duration, f64) {
    let mut times = Vec::new();
    let mut peak = 0isize;
    for _ in 0..rounds {
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let t = Instant::now();
        let out = step();
        times.push(t.elapsed());
        peak = peak.max(PEAK.load(Ordering::Relaxed) - base);
        drop(out);
    }
    times.sort();
    (times[times.len() / 2], peak as f64 / 1e6)
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds = if quick { 1 } else { 9 };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let demo = root.join("data/demo");
    let reg = match registry::bundled() {
        Ok(r) => r,
        Err(e) => panic!("the bundled registry does not load: {e}"),
    };

    // The hub's document on the demo's last two days, and the delta between them.
    let data = load(&demo);
    assert!(data.problems.is_empty(), "the demo loads in the hub: {:?}", data.problems);
    let days = data.days();
    assert!(days.len() >= 2, "the demo has {} days", days.len());
    let now = Utc::now();
    let version = |i: usize| merged(&data, &HubRows::default(), Some(end_of_day(days[i])), now).document;
    let (old, new) = (version(days.len() - 2), version(days.len() - 1));
    let old_text = old.to_string();
    let delta = diff(&RowIndex::of(&old), &new, &RowIndex::of(&new), "old", "new").expect("an exact delta");
    let delta_text = delta.to_string();
    drop((old, new, delta, data));
    let mut stages = [Vec::new(), Vec::new(), Vec::new()];
    let (t, peak) = measure(rounds, || {
        let t0 = Instant::now();
        let full = apply(&old_text, &delta_text).expect("the delta applies");
        let t1 = Instant::now();
        let doc = recognise("http://hub/v1/feed", full).expect("the document reads");
        let t2 = Instant::now();
        let outcome = merge(reg.clone(), &[&doc], Vec::new());
        assert!(outcome.usable(), "the version gives data");
        for (s, d) in stages.iter_mut().zip([t1 - t0, t2 - t1, t2.elapsed()]) {
            s.push(d);
        }
        (doc, outcome)
    });
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1000.0
    };
    println!(
        "version: a {:.1} MB document from a {:.0} KB delta, read and built: median {:>7.1} ms \
         (delta {:.1}, read {:.1}, dataset {:.1}), heap peak {:>6.1} MB",
        old_text.len() as f64 / 1e6,
        delta_text.len() as f64 / 1e3,
        t.as_secs_f64() * 1000.0,
        median(&mut stages[0]),
        median(&mut stages[1]),
        median(&mut stages[2]),
        peak
    );

    let (t, peak) = measure(rounds, || {
        let outcome = load_sources(&[FeedSource::Path(demo.clone())], reg.clone());
        assert!(outcome.usable(), "the demo gives data");
        outcome
    });
    println!("load: the bundled demo: median {:>7.1} ms, heap peak {:>6.1} MB", t.as_secs_f64() * 1000.0, peak);
}
