//! The only door for data: feed schema v1 (parse, validate row by row, merge), the CSV
//! importer for the common public long format, the region registry, and the sources that
//! read them (files, folders, HTTP). Everything returns an [`IngestReport`] naming each
//! rejected row and field; nothing here panics on bad input.

pub mod csv_import;
pub mod delta;
pub mod document;
pub mod geometry;
pub mod ingest_report;
pub mod live;
pub mod registry;
mod row;
pub mod source;
pub mod strict_json;

pub use document::{FeedDocument, ingest_document_refs, ingest_documents};
pub use ingest_report::{IngestReport, Issue};
pub use row::PLAUSIBLE_DATES;
pub use source::{FeedSource, LoadError, LoadOutcome, load_sources, load_sources_with};

/// The schema identifier this build writes and reads (major version 1).
pub const SCHEMA_V1: &str = "sitboard.feed/1";
/// Minor version 2: a directive row's `addressed` units and their acknowledgments (written
/// by the hub and by a board's recording of its own journal).
pub const SCHEMA_V1_2: &str = "sitboard.feed/1.2";

/// The one loader of the board, `check`, `report` and `journal`: read every source once over
/// the registry in `regions` (the bundled one when `None`). An error only when the registry
/// cannot be read; a source that fails is reported in the outcome, the others are kept.
pub fn load(
    sources: &[FeedSource],
    regions: Option<&std::path::Path>,
    limits: csv_import::CsvLimits,
) -> Result<LoadOutcome, String> {
    let registry = registry::load(regions)?;
    Ok(load_sources_with(sources, registry, limits))
}

/// Parse a reporting day written `YYYY-MM-DD`.
pub fn source_date(s: &str) -> Option<chrono::NaiveDate> {
    row::parse_date(s)
}
