//! Persistence in SQLite. Today: the directive journal, an append-only, hash-chained log of
//! directive events in the data dir. Depends on `model` only; callers run it off the UI
//! thread.

pub mod journal;
pub mod sync;

pub use journal::{BadEvent, JournalStore, StoreError, Verified};
