//! Feed schema v1 (`docs/feed-schema.md`): parse a document's header, then validate and
//! ingest each section row by row into a [`DatasetBuilder`]. Bad rows are rejected with
//! their location; good rows are kept.
//!
//! One file per topic: `header` (the document and its header), `cases` (regions, case
//! reports, risk and response levels), `operations` (checkpoints and throughput, directives,
//! work orders, the hotline); the ingest loop that drives them is here.

mod cases;
mod header;
mod operations;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ingest_report::{IngestReport, Issue};
use super::row::{FieldResult, Row, type_name};
use crate::model::time::format_as_of;
use crate::model::{DatasetBuilder, SourceInfo};

pub use header::FeedDocument;

/// Sections this version understands, in the order they are ingested.
pub const SECTIONS: [&str; 9] = [
    "regions",
    "case_reports",
    "risk_levels",
    "response_levels",
    "checkpoints",
    "directives",
    "work_orders",
    "hotline",
    "throughput",
];

/// Ingest several documents into the builder. Sections are taken in phases across all
/// documents (regions first, throughput last) so a throughput document may refer to
/// checkpoints defined in another document. Returns one report per document.
pub fn ingest_documents(docs: &[FeedDocument], builder: &mut DatasetBuilder) -> Vec<IngestReport> {
    let refs: Vec<&FeedDocument> = docs.iter().collect();
    ingest_document_refs(&refs, builder)
}

/// [`ingest_documents`] over borrowed documents (the live feed keeps each source's latest
/// document and rebuilds the dataset from all of them whenever one changes).
pub fn ingest_document_refs(docs: &[&FeedDocument], builder: &mut DatasetBuilder) -> Vec<IngestReport> {
    let mut reports: Vec<IngestReport> = docs
        .iter()
        .map(|d| {
            let mut r = IngestReport::new(d.origin.clone());
            r.source_id = Some(d.info.id.clone());
            r
        })
        .collect();
    for doc in docs {
        if doc.members.is_empty() {
            builder.add_source(doc.info.clone());
        }
        for m in &doc.members {
            builder.add_source(m.clone());
        }
    }
    for section in SECTIONS {
        for (doc, report) in docs.iter().zip(reports.iter_mut()) {
            let Some(rows) = doc.section(section, report) else { continue };
            let mut ctx = SectionCheck { report, seen: HashMap::new(), pending: None, src: RowSource::default() };
            for (i, v) in rows.enumerate() {
                let v = match v {
                    Ok(v) => v,
                    Err(message) => {
                        let issue = Issue { section: section.into(), row: Some(i), field: None, message };
                        ctx.report.rejected.push(issue);
                        continue;
                    }
                };
                let v = &v;
                ctx.src = match row_source(doc, section, i, v) {
                    Ok(s) => s,
                    Err(issue) => {
                        ctx.report.rejected.push(issue);
                        continue;
                    }
                };
                let result = match section {
                    "regions" => ctx.region(i, v, builder),
                    "case_reports" => ctx.case_report(i, v, builder),
                    "risk_levels" => ctx.risk_level(i, v, builder),
                    "response_levels" => ctx.response_level(i, v, builder),
                    "checkpoints" => ctx.checkpoint(i, v, builder),
                    "directives" => ctx.directive(i, v, builder),
                    "work_orders" => ctx.work_order(i, v, builder),
                    "hotline" => ctx.hotline(i, v, builder),
                    "throughput" => ctx.throughput(i, v, builder),
                    _ => Ok(()),
                };
                let claimed = ctx.pending.take();
                match result {
                    Ok(()) => {
                        // Only an accepted row claims its key: a rejected row must not make
                        // a later, valid row look like a duplicate.
                        if let Some((key, index)) = claimed {
                            ctx.seen.insert(key, index);
                        }
                        ctx.report.accept(section)
                    }
                    Err(issue) => ctx.report.rejected.push(issue),
                }
            }
        }
    }
    reports
}

/// The source a row belongs to: the one its `source` field names among the document's
/// `sources` (schema 1.1), else the document's own.
fn row_source(doc: &FeedDocument, section: &str, index: usize, v: &Value) -> Result<RowSource, Issue> {
    let own =
        |s: &SourceInfo| RowSource { id: s.id.clone(), synthetic: s.synthetic, as_of: s.as_of.unwrap_or(doc.as_of) };
    let issue =
        |message: String| Issue { section: section.into(), row: Some(index), field: Some("source".into()), message };
    match v.get("source") {
        None | Some(Value::Null) => Ok(own(&doc.info)),
        Some(Value::String(id)) => match doc.members.iter().find(|m| m.id == *id) {
            Some(m) => Ok(own(m)),
            None => Err(issue(format!("{id:?} is not one of the document's sources"))),
        },
        Some(other) => Err(issue(format!("expected a source id, found {}", type_name(other)))),
    }
}

/// The source of the row being ingested: its id, whether it is synthetic, and the instant
/// its content is current to (the document's `as_of`, or its member source's).
#[derive(Default)]
struct RowSource {
    id: String,
    synthetic: bool,
    as_of: DateTime<Utc>,
}

/// Validation of one section of a document: where its rows come from, the report they are
/// written to, and the keys already accepted (duplicates are refused).
struct SectionCheck<'a> {
    src: RowSource,
    report: &'a mut IngestReport,
    /// Keys of accepted rows in the current section → row index, for duplicate detection.
    seen: HashMap<String, usize>,
    /// The key the row being validated claims once it is accepted.
    pending: Option<(String, usize)>,
}

impl SectionCheck<'_> {
    fn once(&mut self, row: &Row, key: String, describe: &str) -> FieldResult<()> {
        if let Some(first) = self.seen.get(&key) {
            return Err(row.err("", format!("duplicate of {}[{first}] ({describe})", row.section)));
        }
        self.pending = Some((key, row.index));
        Ok(())
    }

    fn not_future(&self, row: &Row, field: &str, t: DateTime<Utc>) -> FieldResult<()> {
        if t > self.src.as_of {
            return Err(row.err(
                field,
                format!("{} is after the document's as_of ({})", format_as_of(t), format_as_of(self.src.as_of)),
            ));
        }
        Ok(())
    }
}

fn relabel(mut issue: Issue, prefix: &str) -> Issue {
    issue.field = Some(match issue.field {
        Some(f) => format!("{prefix}.{f}"),
        None => prefix.to_owned(),
    });
    issue
}
