//! What a feed document costs in memory on the board: about its text, never the tree of
//! values the text reads into (about ten times the text). A wall following a hub parses a
//! new version of a 12 MB document every poll and holds one per source between them; with
//! whole-document trees its resident memory swung by hundreds of megabytes with every version
//! (README, "Idle and soak").
//!
//! One test per process would be needed for exact figures; the counter below is per thread
//! (each test runs on its own), so the tests of this file may run side by side.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use serde_json::Value;
use sitboard::feed::FeedDocument;
use sitboard::feed::delta::{RowIndex, apply, diff};

/// Bytes allocated and not yet freed by this thread, and their highest mark.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn add(n: isize) {
    // `try_with`: a thread being torn down has no counter; its frees are not counted.
    let _ = LIVE.try_with(|l| {
        l.set(l.get() + n);
        let _ = PEAK.try_with(|p| p.set(p.get().max(l.get())));
    });
}

// SAFETY: every call is passed to the system allocator unchanged; the counters are plain
// thread-local cells without destructors (they allocate nothing).
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

/// Start measuring: (live bytes now); the peak starts from here.
fn mark() -> isize {
    let now = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(now));
    now
}

fn peak_since(start: isize) -> isize {
    PEAK.with(Cell::get) - start
}

fn live_since(start: isize) -> isize {
    LIVE.with(Cell::get) - start
}

/// The demo's largest case document (3 MB of JSON).
fn cases_text() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo/hlj-2020-cases.json");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e} (the bundled demo must be there)"))
}

#[test]
fn a_parsed_document_holds_its_text_not_a_tree() {
    let text = cases_text();
    let len = text.len() as isize;
    let start = mark();
    let doc = FeedDocument::parse_owned(text, "hlj-2020-cases.json").expect("the demo parses");
    let held = live_since(start);
    let peak = peak_since(start);
    // The text moved in (not counted); what is added is the rows' places and the header.
    assert!(held < len / 4, "a parsed document holds {held} bytes more than its {len}-byte text");
    // Reading it never builds the whole tree (that alone was more than 8 times the text).
    assert!(peak < len, "parsing a {len}-byte document took {peak} bytes at its peak");
    // The rows are all there, read one at a time.
    let body = doc.body_value();
    let rows = body.get("case_reports").and_then(Value::as_array).map_or(0, Vec::len);
    assert!(rows > 1000, "{rows} case reports");
}

#[test]
fn a_delta_is_applied_without_reading_the_held_document_into_a_tree() {
    let old_text = cases_text();
    let old: Value = serde_json::from_str(&old_text).expect("the demo is JSON");
    let mut new = old.clone();
    let rows = new["case_reports"].as_array_mut().expect("case reports");
    rows[5]["active"] = Value::from(12_345);
    let mut added = rows[6].clone();
    added["date"] = Value::from("2020-05-01");
    rows.push(added);
    let delta = diff(&RowIndex::of(&old), &new, &RowIndex::of(&new), "old", "new").expect("an exact delta");
    let delta_text = delta.to_string();
    drop((old, delta));

    let len = old_text.len() as isize;
    let start = mark();
    let full = apply(&old_text, &delta_text).expect("the delta applies");
    let peak = peak_since(start);
    // The new text itself, the list of row slices, and one changed row at a time.
    assert!(peak < 2 * len, "applying a delta to a {len}-byte document took {peak} bytes at its peak");
    let got: Value = serde_json::from_str(&full).expect("the result is JSON");
    assert_eq!(got, new, "the result is the new version");
}
