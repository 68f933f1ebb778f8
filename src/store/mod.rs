//! Persistence in SQLite: the directive journal, an append-only, hash-chained log of
//! directive events in the data dir, and its outbox (which events the hub has taken).
//! Depends on `model` only; callers run it off the UI thread.

pub mod archive;
pub mod journal;
pub mod outbox;
mod sqlite;

pub use journal::{BadEvent, JournalKind, JournalStore, StoreError, Verified};
