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

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::Hasher as _;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::feed::document::SECTIONS;
use crate::feed::row::raw_type_name;
use crate::feed::source_date;

/// `schema` of a delta document.
pub const DELTA_SCHEMA: &str = "sitboard.feed-delta/1";
/// The response header by which a feed server says it answers `?since=` (value `since`).
pub const DELTA_HEADER: &str = "sitboard-delta";

/// The section's key of a row (as in `docs/feed-schema.md`); `None` when a key field is
/// missing or malformed (the row is passed on, and the board reports it).
pub fn row_key(section: &str, o: &Map<String, Value>) -> Option<String> {
    row_key_of(section, |field| text(o, field))
}

/// [`row_key`] over a row's text fields (trimmed), however the row is held.
fn row_key_of<'a>(section: &str, text: impl Fn(&str) -> Option<&'a str>) -> Option<String> {
    let instant =
        |field: &str| text(field).and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok()).map(|t| t.to_utc());
    let date_or_instant = |field: &str| match text(field).and_then(source_date) {
        Some(d) => Some(crate::model::time::start_of_day(d)),
        None => instant(field),
    };
    let k = match section {
        "regions" => text("adcode")?.to_owned(),
        "case_reports" => format!("{}/{}", text("region")?, source_date(text("date")?)?),
        "risk_levels" | "response_levels" => format!("{}/{}", text("region")?, date_or_instant("since")?.timestamp()),
        "checkpoints" => text("id")?.to_owned(),
        "throughput" => format!("{}/{}", text("checkpoint")?, instant("start")?.timestamp()),
        "directives" => format!("{}/{}", text("issuer")?, text("number")?),
        "work_orders" => text("id")?.to_owned(),
        "hotline" => format!("{}/{}/{}", text("region")?, text("from")?, text("to")?),
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
///
/// The held document is never read into one tree (ten times its text): its rows are
/// copied as text, and only the key fields of the sections the delta changes are read.
pub fn apply(old_text: &str, delta_text: &str) -> Result<String, String> {
    let delta: Value = serde_json::from_str(delta_text).map_err(|e| format!("the delta is not JSON: {e}"))?;
    if delta.get("schema").and_then(Value::as_str) != Some(DELTA_SCHEMA) {
        return Err(format!("not a delta document (schema {DELTA_SCHEMA})"));
    }
    let old_text = old_text.strip_prefix('\u{feff}').unwrap_or(old_text);
    if raw_type_name(old_text) != "an object" {
        return Err("the document held is not a JSON object".into());
    }
    let held: HashMap<String, &RawValue> =
        serde_json::from_str(old_text).map_err(|e| format!("the document held cannot be read again: {e}"))?;
    let header = delta.get("header").and_then(Value::as_object).ok_or("the delta has no header")?;
    if let Some(k) = header.keys().find(|k| SECTIONS.contains(&k.as_str())) {
        return Err(format!("the delta's header holds the section {k}"));
    }
    let empty = Map::new();
    let upsert = delta.get("upsert").and_then(Value::as_object).unwrap_or(&empty);
    if let Some(k) = upsert.keys().find(|k| !SECTIONS.contains(&k.as_str())) {
        return Err(format!("unknown section {k}"));
    }
    let counts = delta.get("counts").and_then(Value::as_object).unwrap_or(&empty);
    fn json<T: serde::Serialize + ?Sized>(v: &T) -> Result<String, String> {
        serde_json::to_string(v).map_err(|e| format!("cannot write the document: {e}"))
    }
    let mut out = String::with_capacity(old_text.len() + delta_text.len());
    out.push('{');
    for (k, v) in header {
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(&json(k)?);
        out.push(':');
        out.push_str(&json(v)?);
    }
    for section in SECTIONS {
        let raw = held.get(section);
        let new_rows = match upsert.get(section) {
            None => None,
            Some(rows) => Some(rows.as_array().ok_or_else(|| format!("{section}: the delta's rows are not a list"))?),
        };
        let want = counts.get(section).and_then(Value::as_u64).unwrap_or(0);
        let is_list = raw.is_some_and(|r| raw_type_name(r.get()) == "an array");
        let mut rows: Vec<std::borrow::Cow<'_, str>> = Vec::new();
        if is_list && let Some(r) = raw {
            let list: Vec<&RawValue> = serde_json::from_str(r.get())
                .map_err(|e| format!("{section}: the document held cannot be read: {e}"))?;
            rows = list.into_iter().map(|r| std::borrow::Cow::Borrowed(r.get())).collect();
        } else if raw.is_some() && new_rows.is_some() {
            return Err(format!("{section}: the document held has no list"));
        }
        if let Some(new_rows) = new_rows {
            let mut at: HashMap<String, usize> = HashMap::new();
            for (i, row) in rows.iter().enumerate() {
                if let Some(k) = held_row_key(section, row) {
                    at.insert(k, i);
                }
            }
            for row in new_rows {
                let key = row
                    .as_object()
                    .and_then(|o| row_key(section, o))
                    .ok_or_else(|| format!("{section}: a row of the delta has no key"))?;
                let text = std::borrow::Cow::Owned(json(row)?);
                match at.get(&key) {
                    Some(&i) => rows[i] = text,
                    None => {
                        at.insert(key, rows.len());
                        rows.push(text);
                    }
                }
            }
        }
        let have = if is_list || new_rows.is_some() { rows.len() } else { 0 };
        if have as u64 != want {
            return Err(format!("{section}: {have} rows after the delta, the hub has {want}"));
        }
        if raw.is_none() && new_rows.is_none() {
            continue;
        }
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(&json(section)?);
        out.push(':');
        match raw {
            // Kept as it was (the counts said it has no rows).
            Some(r) if !is_list && new_rows.is_none() => out.push_str(r.get()),
            _ => {
                out.push('[');
                for (i, row) in rows.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(row);
                }
                out.push(']');
            }
        }
    }
    out.push('}');
    Ok(out)
}

/// The key of a row of the held document, reading only the fields keys are made of (the
/// others are skipped unread, and nothing is allocated for a field without escapes).
fn held_row_key(section: &str, row: &str) -> Option<String> {
    /// A field's text; `None` for a value that is not a string (as [`text`] reads it).
    #[derive(Default)]
    struct Text<'a>(Option<Cow<'a, str>>);

    impl<'de: 'a, 'a> serde::Deserialize<'de> for Text<'a> {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<'a>(std::marker::PhantomData<&'a ()>);
            impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
                type Value = Text<'a>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("any JSON value")
                }
                fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'a>, E> {
                    Ok(Text(Some(Cow::Borrowed(v))))
                }
                fn visit_str<E>(self, v: &str) -> Result<Text<'a>, E> {
                    Ok(Text(Some(Cow::Owned(v.to_owned()))))
                }
                fn visit_bool<E>(self, _: bool) -> Result<Text<'a>, E> {
                    Ok(Text(None))
                }
                fn visit_i64<E>(self, _: i64) -> Result<Text<'a>, E> {
                    Ok(Text(None))
                }
                fn visit_u64<E>(self, _: u64) -> Result<Text<'a>, E> {
                    Ok(Text(None))
                }
                fn visit_f64<E>(self, _: f64) -> Result<Text<'a>, E> {
                    Ok(Text(None))
                }
                fn visit_unit<E>(self) -> Result<Text<'a>, E> {
                    Ok(Text(None))
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Text<'a>, A::Error> {
                    while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                    Ok(Text(None))
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Text<'a>, A::Error> {
                    while map.next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?.is_some() {}
                    Ok(Text(None))
                }
            }
            d.deserialize_any(V(std::marker::PhantomData))
        }
    }

    /// The fields of any section's key.
    #[derive(serde::Deserialize)]
    struct KeyFields<'a> {
        #[serde(borrow, default)]
        adcode: Text<'a>,
        #[serde(borrow, default)]
        region: Text<'a>,
        #[serde(borrow, default)]
        date: Text<'a>,
        #[serde(borrow, default)]
        since: Text<'a>,
        #[serde(borrow, default)]
        id: Text<'a>,
        #[serde(borrow, default)]
        checkpoint: Text<'a>,
        #[serde(borrow, default)]
        start: Text<'a>,
        #[serde(borrow, default)]
        issuer: Text<'a>,
        #[serde(borrow, default)]
        number: Text<'a>,
        #[serde(borrow, default)]
        from: Text<'a>,
        #[serde(borrow, default)]
        to: Text<'a>,
    }

    if raw_type_name(row) != "an object" {
        return None;
    }
    let f: KeyFields<'_> = serde_json::from_str(row).ok()?;
    row_key_of(section, |field| {
        let t = match field {
            "adcode" => &f.adcode,
            "region" => &f.region,
            "date" => &f.date,
            "since" => &f.since,
            "id" => &f.id,
            "checkpoint" => &f.checkpoint,
            "start" => &f.start,
            "issuer" => &f.issuer,
            "number" => &f.number,
            "from" => &f.from,
            "to" => &f.to,
            _ => return None,
        };
        t.0.as_deref().map(str::trim)
    })
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

    #[test]
    fn a_held_row_s_key_is_the_key_of_the_row() {
        let rows = [
            ("regions", json!({"adcode": " 230100 ", "name_zh": "哈尔滨市"})),
            ("regions", json!({"adcode": 230100})),
            ("case_reports", json!({"region": "230100", "date": "2020-03-01", "active": 4, "reported": [{"a": 1}]})),
            ("case_reports", json!({"region": "230100", "date": "not a date"})),
            ("risk_levels", json!({"region": "230102", "since": "2020-03-01"})),
            ("risk_levels", json!({"region": "230102", "since": "2020-03-01T08:00:00+08:00"})),
            ("throughput", json!({"checkpoint": "c\"1", "start": "2022-11-29T08:00:00+08:00", "id": {"x": [1]}})),
            ("directives", json!({"issuer": "指挥部", "number": "1号", "title": "t"})),
            ("hotline", json!({"region": "230100", "from": "2022-11-01", "to": "2022-11-02"})),
            ("hotline", json!({"region": "230100", "from": null, "to": "2022-11-02"})),
            ("work_orders", json!({"id": true})),
        ];
        for (section, row) in rows {
            let want = row_key(section, row.as_object().unwrap());
            assert_eq!(held_row_key(section, &row.to_string()), want, "{section} {row}");
        }
        assert_eq!(held_row_key("regions", "[\"230100\"]"), None, "a row that is not an object has no key");
    }
}
