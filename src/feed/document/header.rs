//! A feed document's header: parse the text, check the schema, the `source` (and a merged
//! document's `sources`) and the document's times; the sections stay text until ingested,
//! where each row is read on its own (a whole document read into a `serde_json::Value` takes
//! ten times its text, and a board following a hub holds one document per source).

use std::ops::Range;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::SECTIONS;
use crate::feed::SCHEMA_V1;
use crate::feed::ingest_report::{IngestReport, Issue};
use crate::feed::row::{FieldResult, Row, raw_type_name, type_name};
use crate::model::SourceInfo;
use crate::model::time::format_as_of;

/// A parsed document whose header is valid; its sections are still text (checked to be
/// JSON without a key given twice), read one row at a time by [`FeedDocument::section`].
#[derive(Debug)]
pub struct FeedDocument {
    pub origin: String,
    pub info: SourceInfo,
    pub as_of: DateTime<Utc>,
    pub generated_at: DateTime<Utc>,
    /// Schema 1.1: the sources a merged document (e.g. from `sitboard-hub`) carries rows of,
    /// each with its own `as_of`; a row names its source in its `source` field. Empty for
    /// an ordinary document, whose rows all belong to `info`.
    pub members: Vec<SourceInfo>,
    /// The top-level members other than the sections: the header.
    header: Map<String, Value>,
    /// The document's text, shared with whoever keeps it (a board that applies deltas).
    text: Arc<String>,
    /// Each section present, in [`SECTIONS`] order: where its rows are in `text`.
    sections: Vec<(&'static str, Section)>,
}

#[derive(Debug)]
enum Section {
    /// Byte ranges of the rows in the text.
    Rows(Vec<Range<usize>>),
    /// Not an array: the type it is instead.
    Not(&'static str),
}

/// The rows of one section, each read from the text when it is reached.
pub struct SectionRows<'a> {
    text: &'a str,
    rows: std::slice::Iter<'a, Range<usize>>,
}

impl Iterator for SectionRows<'_> {
    /// A row, or why it cannot be read (not expected: the whole text was checked).
    type Item = Result<Value, String>;

    fn next(&mut self) -> Option<Self::Item> {
        let r = self.rows.next()?;
        let Some(raw) = self.text.get(r.clone()) else {
            return Some(Err("the row is not where it was found".into()));
        };
        Some(serde_json::from_str(raw).map_err(|e| format!("cannot read the row again: {e}")))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rows.size_hint()
    }
}

impl ExactSizeIterator for SectionRows<'_> {}

impl FeedDocument {
    /// Parse the text of a document and check its header. A document that is not JSON, or
    /// whose header is wrong, is refused as a whole with a message saying where.
    pub fn parse(text: &str, origin: &str) -> Result<FeedDocument, String> {
        FeedDocument::parse_shared(Arc::new(text.to_owned()), origin)
    }

    /// [`FeedDocument::parse`] of a text the document then keeps (no copy).
    pub fn parse_owned(text: String, origin: &str) -> Result<FeedDocument, String> {
        FeedDocument::parse_shared(Arc::new(text), origin)
    }

    fn parse_shared(shared: Arc<String>, origin: &str) -> Result<FeedDocument, String> {
        let full = shared.as_str();
        let text = full.strip_prefix('\u{feff}').unwrap_or(full);
        // A key given twice is refused: which of the two figures would be the true one?
        crate::feed::strict_json::check(text).map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Eof => "the document ends too early (truncated?)",
                serde_json::error::Category::Syntax => "not valid JSON",
                // `duplicate key "active" at line 6 column 17`
                serde_json::error::Category::Data => return e.to_string(),
                serde_json::error::Category::Io => "read error",
            };
            format!("{what} at line {}, column {}: {e}", e.line(), e.column())
        })?;
        if raw_type_name(text) != "an object" {
            return Err(format!("expected a JSON object at the top level, found {}", raw_type_name(text)));
        }
        let top: Vec<(String, &RawValue)> = serde_json::from_str::<std::collections::BTreeMap<String, &RawValue>>(text)
            .map_err(|e| format!("not valid JSON: {e}"))?
            .into_iter()
            .collect();
        let mut body = Map::new();
        let mut sections = Vec::new();
        for (key, raw) in top {
            let Some(&name) = SECTIONS.iter().find(|s| **s == key) else {
                let value = serde_json::from_str(raw.get()).map_err(|e| format!("{key}: {e}"))?;
                body.insert(key, value);
                continue;
            };
            let section = match raw_type_name(raw.get()) {
                "null" => continue,
                "an array" => {
                    let rows: Vec<&RawValue> = serde_json::from_str(raw.get()).map_err(|e| format!("{name}: {e}"))?;
                    // Each row's place in the text: the raw values are slices of it.
                    let base = full.as_ptr() as usize;
                    Section::Rows(
                        rows.iter()
                            .map(|r| {
                                let start = r.get().as_ptr() as usize - base;
                                start..start + r.get().len()
                            })
                            .collect(),
                    )
                }
                other => Section::Not(other),
            };
            sections.push((name, section));
        }
        sections.sort_by_key(|(name, _)| SECTIONS.iter().position(|s| s == name));
        let schema = match body.get("schema") {
            Some(Value::String(s)) => s.as_str(),
            Some(other) => return Err(format!("schema: expected a string, found {}", type_name(other))),
            None => return Err("schema: missing (expected \"sitboard.feed/1\")".into()),
        };
        if !schema_is_v1(schema) {
            return Err(format!("schema: {schema:?} is not supported (this board reads {SCHEMA_V1})"));
        }
        let header = Row { section: "", index: 0, obj: &body };
        let hdr = |r: FieldResult<DateTime<Utc>>| r.map_err(|i| i.to_string());
        let generated_at = hdr(header.instant("generated_at"))?;
        let as_of = hdr(header.instant("as_of"))?;
        let mut info = match body.get("source") {
            Some(Value::Object(src)) => parse_source(src, "source", 0, origin, generated_at, as_of)?,
            Some(other) => return Err(format!("source: expected an object, found {}", type_name(other))),
            None => return Err("source: missing".into()),
        };
        // An exercise (演练, e.g. a hub's live demo): `as_of` is the exercise clock.
        info.exercise = match body.get("exercise") {
            None | Some(Value::Null) => false,
            Some(Value::Object(_)) => true,
            Some(other) => return Err(format!("exercise: expected an object, found {}", type_name(other))),
        };
        let mut members: Vec<SourceInfo> = Vec::new();
        match body.get("sources") {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) => {
                for (i, v) in list.iter().enumerate() {
                    let Value::Object(src) = v else {
                        return Err(format!("sources[{i}]: expected an object, found {}", type_name(v)));
                    };
                    let m = parse_source(src, "sources", i, origin, generated_at, as_of)?;
                    if members.iter().any(|x| x.id == m.id) {
                        return Err(format!("sources[{i}].id: {:?} is listed twice", m.id));
                    }
                    members.push(m);
                }
            }
            Some(other) => return Err(format!("sources: expected an array, found {}", type_name(other))),
        }
        // A merged document's members are on the same (exercise) clock.
        for m in &mut members {
            m.exercise = info.exercise;
        }
        Ok(FeedDocument {
            origin: origin.to_owned(),
            info,
            as_of,
            generated_at,
            members,
            header: body,
            text: shared.clone(),
            sections,
        })
    }

    /// The document's header: its top-level members other than the sections.
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }

    /// The document's text as received (a board that applies deltas keeps it, shared).
    pub fn text(&self) -> &Arc<String> {
        &self.text
    }

    /// The whole top-level object, header and sections read into values: for tools that
    /// pass rows on without interpreting them (the hub, which reads its files once). A
    /// section that is not an array is left out.
    pub fn body_value(&self) -> Map<String, Value> {
        let mut body = self.header.clone();
        for (name, section) in &self.sections {
            if let Section::Rows(rows) = section {
                let rows = SectionRows { text: &self.text, rows: rows.iter() };
                body.insert((*name).to_owned(), Value::Array(rows.flatten().collect()));
            }
        }
        body
    }

    /// The rows of a section, each read when it is reached; `None` when the document has
    /// no such section, or (said in the report) when it is not an array.
    pub(super) fn section(&self, name: &str, report: &mut IngestReport) -> Option<SectionRows<'_>> {
        match self.sections.iter().find(|(n, _)| *n == name).map(|(_, s)| s)? {
            Section::Rows(rows) => Some(SectionRows { text: &self.text, rows: rows.iter() }),
            Section::Not(found) => {
                report.rejected.push(Issue {
                    section: name.into(),
                    row: None,
                    field: None,
                    message: format!("expected an array of rows, found {found}; section ignored"),
                });
                None
            }
        }
    }
}

/// A source object: the document's `source`, or one of a merged document's `sources`
/// (whose `generated_at` and `as_of` default to the document's and may not be later).
fn parse_source(
    src: &Map<String, Value>,
    section: &'static str,
    index: usize,
    origin: &str,
    generated_at: DateTime<Utc>,
    as_of: DateTime<Utc>,
) -> Result<SourceInfo, String> {
    let row = Row { section, index, obj: src };
    let e = |i: Issue| i.to_string();
    let id = row.line_text("id", true).map_err(e)?.unwrap_or_default();
    let label = if section == "source" { "source.id".to_owned() } else { format!("{section}[{index}].id") };
    if !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)) {
        return Err(format!("{label}: {id:?} may only hold a-z, 0-9, '.', '_' and '-'"));
    }
    // The board shows a document's source by name (a public one: newspaper, bulletin,
    // office); a document that does not say where it comes from is refused. A merged
    // document's members may fall back to their id.
    let name = match row.line_text("name", section == "source") {
        Ok(name) => name.unwrap_or_else(|| id.clone()),
        Err(i) if section == "source" => {
            return Err(format!("source.name: {} (the public source the document comes from)", i.message));
        }
        Err(i) => return Err(e(i)),
    };
    let synthetic = row.opt_bool("synthetic").map_err(e)?.unwrap_or(false);
    let (member_generated, member_as_of) = if section == "source" {
        (generated_at, as_of)
    } else {
        let g = row.opt_instant("generated_at").map_err(e)?.unwrap_or(generated_at);
        let a = row.opt_instant("as_of").map_err(e)?.unwrap_or(as_of);
        if a > as_of {
            return Err(format!(
                "{section}[{index}].as_of: {} is after the document's as_of ({})",
                format_as_of(a),
                format_as_of(as_of)
            ));
        }
        (g, a)
    };
    Ok(SourceInfo {
        id,
        name,
        origin: origin.to_owned(),
        synthetic,
        generated_at: Some(member_generated),
        as_of: Some(member_as_of),
        exercise: false,
    })
}

fn schema_is_v1(s: &str) -> bool {
    match s.strip_prefix("sitboard.feed/1") {
        Some("") => true,
        Some(rest) => rest.strip_prefix('.').is_some_and(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit())),
        None => false,
    }
}
