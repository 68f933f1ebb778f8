//! Exports as records (issue 14): every file that leaves the board (a CSV, a PNG of the
//! board, a daily briefing) is noted in the journal database — what, when, by whom, for
//! which region and day, and the file's SHA-256 — so an after-action review can see which
//! figures left the system. Pure data: the table and its hash chain live in `store`.

use chrono::{DateTime, Utc};

/// An export to note: what was written and by whom.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewExport {
    /// What it is: `csv:subregions`, `png:board`, `briefing:pdf`…
    pub what: String,
    /// The region (adcode) and the reporting day (YYYY-MM-DD) or period it shows.
    pub region: String,
    pub period: String,
    /// The instant the figures are as of (RFC 3339).
    pub as_of: String,
    /// The file name (not the folder: where it went is the officer's business).
    pub file: String,
    /// The SHA-256 of the file's bytes, hex.
    pub sha256: String,
    pub bytes: u64,
    /// The officer (or, from the command line, the user) who exported it.
    pub officer: String,
}

/// An export as noted, chained to the one before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportRecord {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub export: NewExport,
    pub prev_hash: String,
    pub hash: String,
}
