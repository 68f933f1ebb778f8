//! What the journal and the archive files share as SQLite files: write-ahead logging and
//! creating a new file's tables exactly once, even when two processes create the same file
//! at the same moment.

use rusqlite::{Connection, TransactionBehavior};

/// Switch the file to WAL mode, then create its tables with `ddl` unless it has tables
/// already (one `BEGIN IMMEDIATE` transaction: a second process creating the same file at the
/// same moment waits, then finds them made). Returns whether this call created them.
pub(super) fn create_tables_once(conn: &mut Connection, ddl: &str) -> rusqlite::Result<bool> {
    conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let existing: i64 = tx.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))?;
    if existing == 0 {
        tx.execute_batch(ddl)?;
    }
    tx.commit()?;
    Ok(existing == 0)
}
