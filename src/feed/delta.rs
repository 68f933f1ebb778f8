//! The delta form of a feed (`GET /v1/feed?since=TAG`, see `docs/feed-schema.md`): a board
//! that holds an older version of the hub's document asks for what changed since, and gets
//! the new header and only the rows that are new or changed (matched by each section's row
//! key), instead of the whole body. A wall of boards reconnecting after a network cut then
//! costs the hub kilobytes, not megabytes each.
//!
//! The hub computes a delta only where one is exact: no row was removed, and the rows that
//! have no key (malformed rows the board reports) are the same. Otherwise it sends the full
//! document, which is always a correct answer. The board applies a delta to the document
//! it holds ([`apply`]) and checks the row counts the delta gives; on any mismatch it asks
//! for the full document.

use std::collections::HashMap;
use std::hash::Hasher as _;

use serde_json::{Map, Value};

use crate::feed::document::SECTIONS;
use crate::feed::source_date;

/// `schema` of a delta document.
pub const DELTA_SCHEMA: &str = "sitboard.feed-delta/1";
/// The response header by which a feed server says it answers `?since=` (value `since`).
pub const DELTA_HEADER: &str = "sitboard-delta";

/// The section's key of a row (as in `docs/feed-schema.md`); `None` when a key field is
/// missing or malformed (the row is passed on, and the board reports it).
pub fn row_key(section: &str, o: &Map<String, Value>) -> Option<String> {
    let k = match section {
        "regions" => text(o, "adcode")?.to_owned(),
        "case_reports" => format!("{}/{}", text(o, "region")?, source_date(text(o, "date")?)?),
        "risk_levels" | "response_levels" => {
            format!("{}/{}", text(o, "region")?, date_or_instant(o, "since")?.timestamp())
        }
        "checkpoints" => text(o, "id")?.to_owned(),
        "throughput" => format!("{}/{}", text(o, "checkpoint")?, instant(o, "start")?.timestamp()),
        "directives" => format!("{}/{}", text(o, "issuer")?, text(o, "number")?),
        "work_orders" => text(o, "id")?.to_owned(),
        "hotline" => format!("{}/{}/{}", text(o, "region")?, text(o, "from")?, text(o, "to")?),
        _ => return None,
    };
    Some(k)
}

pub(crate) fn text<'a>(obj: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    obj.get(field).and_then(Value::as_str).map(str::trim)
}

pub(crate) fn instant(obj: &Map<String, Value>, field: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    text(obj, field).and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok()).map(|t| t.to_utc())
}

/// A date (00:00 Asia/Shanghai) or an instant.
pub(crate) fn date_or_instant(obj: &Map<String, Value>, field: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    match text(obj, field).and_then(source_date) {
        Some(d) => Some(crate::model::time::start_of_day(d)),
        None => instant(obj, field),
    }
}

fn hash_of<T: std::hash::Hash + ?Sized>(x: &T) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    x.hash(&mut h);
    h.finish()
}

/// One section of a version, as digests: enough to tell which rows a later version changed,
/// at 16 bytes a row (the hub keeps a few versions of these, never the documents).
#[derive(Debug, Default)]
struct SectionIndex {
    /// Digest of the key → digest of the row.
    keyed: HashMap<u64, u64>,
    /// Digests of the rows without a key, sorted.
    keyless: Vec<u64>,
    /// Two rows with one key (not in a hub's merged document): no delta for this section.
    duplicate: bool,
}

/// The rows of one version of a document, as digests.
#[derive(Debug, Default)]
pub struct RowIndex {
    sections: HashMap<&'static str, SectionIndex>,
}

impl RowIndex {
    /// Index a feed document (a JSON object with the sections of the schema).
    pub fn of(doc: &Value) -> RowIndex {
        let mut sections = HashMap::new();
        for section in SECTIONS {
            let Some(rows) = doc.get(section).and_then(Value::as_array) else { continue };
            let mut s = SectionIndex::default();
            for row in rows {
                let digest = hash_of(&serde_json::to_vec(row).unwrap_or_default());
                match row.as_object().and_then(|o| row_key(section, o)) {
                    Some(k) => {
                        if s.keyed.insert(hash_of(k.as_str()), digest).is_some() {
                            s.duplicate = true;
                        }
                    }
                    None => s.keyless.push(digest),
                }
            }
            s.keyless.sort_unstable();
            sections.insert(section, s);
        }
        RowIndex { sections }
    }
}

/// The delta document that takes a board from the version indexed by `old` to `new` (with
/// `new_index`, its index); `None` where no exact delta exists (a row was removed, rows
/// without a key changed, a key is given twice): the board then gets the full document.
pub fn diff(old: &RowIndex, new: &Value, new_index: &RowIndex, since: &str, version: &str) -> Option<Value> {
    let obj = new.as_object()?;
    let mut header = Map::new();
    for (k, v) in obj {
        if !SECTIONS.contains(&k.as_str()) {
            header.insert(k.clone(), v.clone());
        }
    }
    let mut upsert = Map::new();
    let mut counts = Map::new();
    for section in SECTIONS {
        let empty = SectionIndex::default();
        let before = old.sections.get(section).unwrap_or(&empty);
        let after = new_index.sections.get(section).unwrap_or(&empty);
        if before.duplicate || after.duplicate || before.keyless != after.keyless {
            return None;
        }
        if before.keyed.keys().any(|k| !after.keyed.contains_key(k)) {
            return None;
        }
        let Some(rows) = new.get(section).and_then(Value::as_array) else {
            if before.keyed.is_empty() && before.keyless.is_empty() {
                continue;
            }
            return None;
        };
        counts.insert(section.into(), Value::from(rows.len()));
        let changed: Vec<Value> = rows
            .iter()
            .filter(|row| {
                let Some(k) = row.as_object().and_then(|o| row_key(section, o)) else { return false };
                let kh = hash_of(k.as_str());
                before.keyed.get(&kh) != after.keyed.get(&kh)
            })
            .cloned()
            .collect();
        if !changed.is_empty() {
            upsert.insert(section.into(), Value::Array(changed));
        }
    }
    let mut d = Map::new();
    d.insert("schema".into(), Value::from(DELTA_SCHEMA));
    d.insert("since".into(), Value::from(since));
    d.insert("version".into(), Value::from(version));
    d.insert("header".into(), Value::Object(header));
    d.insert("upsert".into(), Value::Object(upsert));
    d.insert("counts".into(), Value::Object(counts));
    Some(Value::Object(d))
}

/// `Content-Type` of a delta answer (a full document is `application/json`).
pub const DELTA_CONTENT_TYPE: &str = "application/vnd.sitboard.feed-delta+json";

/// Apply a delta document to the full document a board holds: the new full document's
/// text. An error (the board then asks for the full document) when the delta is not one,
/// or the result does not have the rows the delta says it has.
pub fn apply(old_text: &str, delta_text: &str) -> Result<String, String> {
    let delta: Value = serde_json::from_str(delta_text).map_err(|e| format!("the delta is not JSON: {e}"))?;
    if delta.get("schema").and_then(Value::as_str) != Some(DELTA_SCHEMA) {
        return Err(format!("not a delta document (schema {DELTA_SCHEMA})"));
    }
    let mut doc: Value =
        serde_json::from_str(old_text).map_err(|e| format!("the document held cannot be read again: {e}"))?;
    let obj = doc.as_object_mut().ok_or("the document held is not a JSON object")?;
    let header = delta.get("header").and_then(Value::as_object).ok_or("the delta has no header")?;
    obj.retain(|k, _| SECTIONS.contains(&k.as_str()));
    for (k, v) in header {
        if SECTIONS.contains(&k.as_str()) {
            return Err(format!("the delta's header holds the section {k}"));
        }
        obj.insert(k.clone(), v.clone());
    }
    let empty = Map::new();
    let upsert = delta.get("upsert").and_then(Value::as_object).unwrap_or(&empty);
    for (section, rows) in upsert {
        let section = SECTIONS.iter().find(|s| **s == section).ok_or_else(|| format!("unknown section {section}"))?;
        let rows = rows.as_array().ok_or_else(|| format!("{section}: the delta's rows are not a list"))?;
        let list = obj.entry(*section).or_insert_with(|| Value::Array(Vec::new()));
        let list = list.as_array_mut().ok_or_else(|| format!("{section}: the document held has no list"))?;
        let mut at: HashMap<String, usize> = HashMap::new();
        for (i, row) in list.iter().enumerate() {
            if let Some(k) = row.as_object().and_then(|o| row_key(section, o)) {
                at.insert(k, i);
            }
        }
        for row in rows {
            let key = row
                .as_object()
                .and_then(|o| row_key(section, o))
                .ok_or_else(|| format!("{section}: a row of the delta has no key"))?;
            match at.get(&key) {
                Some(&i) => list[i] = row.clone(),
                None => {
                    at.insert(key, list.len());
                    list.push(row.clone());
                }
            }
        }
    }
    let counts = delta.get("counts").and_then(Value::as_object).unwrap_or(&empty);
    for section in SECTIONS {
        let have = obj.get(section).and_then(Value::as_array).map_or(0, Vec::len);
        let want = counts.get(section).and_then(Value::as_u64).unwrap_or(0);
        if have as u64 != want {
            return Err(format!("{section}: {have} rows after the delta, the hub has {want}"));
        }
    }
    serde_json::to_string(&doc).map_err(|e| format!("cannot write the document: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(active: u64, directives: &[&str]) -> Value {
        json!({
            "schema": "sitboard.feed/1.1",
            "source": {"id": "sitboard-hub", "name": "hub"},
            "as_of": format!("2020-03-0{}T16:00:00Z", 1 + directives.len()),
            "case_reports": [
                {"region": "230100", "date": "2020-03-01", "active": 40},
                {"region": "230100", "date": "2020-03-02", "active": active},
            ],
            "directives": directives.iter().map(|n| json!({"issuer": "指挥部", "number": n, "title": "t"})).collect::<Vec<_>>(),
        })
    }

    #[test]
    fn a_delta_carries_only_changed_rows_and_rebuilds_the_document() {
        let old = doc(41, &["1号"]);
        let new = doc(42, &["1号", "2号"]);
        let (oi, ni) = (RowIndex::of(&old), RowIndex::of(&new));
        let d = diff(&oi, &new, &ni, "old", "new").expect("a delta");
        assert_eq!(d["upsert"]["case_reports"].as_array().unwrap().len(), 1, "{d}");
        assert_eq!(d["upsert"]["directives"], json!([{"issuer": "指挥部", "number": "2号", "title": "t"}]));
        assert_eq!(d["header"]["as_of"], new["as_of"]);
        let text = d.to_string();
        let rebuilt: Value = serde_json::from_str(&apply(&old.to_string(), &text).unwrap()).unwrap();
        assert_eq!(rebuilt, new);
        // The same version: an empty delta.
        let same = diff(&ni, &new, &ni, "new", "new").unwrap();
        assert_eq!(same["upsert"], json!({}));
    }

    #[test]
    fn no_delta_where_it_would_not_be_exact() {
        let old = doc(41, &["1号", "2号"]);
        let fewer = doc(41, &["1号"]);
        assert!(diff(&RowIndex::of(&old), &fewer, &RowIndex::of(&fewer), "a", "b").is_none(), "a row removed");
        let mut keyless = old.clone();
        keyless["case_reports"].as_array_mut().unwrap().push(json!({"region": "230100", "active": 1}));
        assert!(diff(&RowIndex::of(&old), &keyless, &RowIndex::of(&keyless), "a", "b").is_none(), "a keyless row");
    }

    #[test]
    fn a_delta_that_does_not_fit_the_document_held_is_refused() {
        let old = doc(41, &["1号"]);
        let new = doc(42, &["1号", "2号"]);
        let d = diff(&RowIndex::of(&old), &new, &RowIndex::of(&new), "old", "new").unwrap().to_string();
        // Applied to another document than the one it was made for: the counts disagree.
        let other = doc(41, &[]);
        let err = apply(&other.to_string(), &d).unwrap_err();
        assert!(err.contains("directives: 1 rows after the delta, the hub has 2"), "{err}");
        assert!(apply(&old.to_string(), "{\"schema\": \"x\"}").is_err());
        assert!(apply("not json", &d).is_err());
    }
}
