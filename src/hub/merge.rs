//! The hub's merged feed document: every feed document of the data dir in one schema 1.1
//! document. Each original document becomes a member of `sources` (with its own `as_of`
//! and `synthetic` flag) and each row names its member in `source`, so a board reads the
//! merged document exactly as it would read the files: the same provenance, the same
//! "known until", and the same rule for rows given twice (the newer `as_of` wins).
//!
//! In live-demo mode the document is cut at the end of a reporting day: only rows up to
//! that day are kept and every member's `as_of` is at most the cut.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{Map, Value, json};

use crate::feed::delta::{date_or_instant, instant, row_key, text};
use crate::feed::document::SECTIONS;
use crate::feed::source::read_path;
use crate::feed::{FeedDocument, source_date};
use crate::model::time::local_date;

/// Schema written by the hub: 1.1 adds the optional `sources` list and row `source`; 1.2 a
/// directive row's `addressed` units and their acknowledgments.
pub const SCHEMA_MERGED: &str = crate::feed::SCHEMA_V1_2;

/// One feed document of the data dir, with its member id in the merged document.
#[derive(Debug)]
pub struct HubDocument {
    pub file: String,
    /// Unique among the members (a second document of the same source gets `.2`, …).
    pub member_id: String,
    pub doc: FeedDocument,
    /// The document's top-level object with its rows (read once: every version is merged
    /// from them).
    pub body: Map<String, Value>,
}

impl HubDocument {
    pub fn new(file: String, member_id: String, doc: FeedDocument) -> HubDocument {
        let body = doc.body_value();
        HubDocument { file, member_id, doc, body }
    }
}

/// The feed documents of a data dir, in file-name order.
#[derive(Debug, Default)]
pub struct HubData {
    pub documents: Vec<HubDocument>,
    /// Files that could not be used, each with the reason.
    pub problems: Vec<String>,
}

impl HubData {
    /// Every reporting day that has at least one case report, sorted (the demo's days).
    pub fn days(&self) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = self
            .documents
            .iter()
            .filter_map(|d| d.body.get("case_reports").and_then(Value::as_array))
            .flatten()
            .filter_map(|r| r.get("date").and_then(Value::as_str).and_then(source_date))
            .collect();
        days.sort();
        days.dedup();
        days
    }
}

/// Read the `.json` feed documents of a folder (or one file). A document that is not a feed
/// is left out and named in `problems`; the others are served.
pub fn load(path: &Path) -> HubData {
    let mut texts = Vec::new();
    read_path(path, &mut texts);
    let mut data = HubData::default();
    let mut used: HashMap<String, usize> = HashMap::new();
    for (file, text) in texts {
        if file.to_ascii_lowercase().ends_with(".csv") {
            data.problems.push(format!("{file}: skipped: the hub serves feed documents (JSON), not CSV"));
            continue;
        }
        let doc = match text.and_then(|t| FeedDocument::parse(&t, &file)) {
            Ok(d) => d,
            Err(e) => {
                data.problems.push(format!("{file}: refused: {e}"));
                continue;
            }
        };
        if !doc.members.is_empty() {
            data.problems.push(format!(
                "{file}: skipped: already a merged document (it lists sources); give the hub the original documents"
            ));
            continue;
        }
        let n = used.entry(doc.info.id.clone()).or_insert(0);
        *n += 1;
        let member_id = if *n == 1 { doc.info.id.clone() } else { format!("{}.{n}", doc.info.id) };
        data.documents.push(HubDocument::new(file, member_id, doc));
    }
    data
}

/// The files of a data dir with their sizes and modification times: when this changes, the
/// hub reads the folder again.
pub fn signature(path: &Path) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    let mut out = Vec::new();
    let mut add = |p: PathBuf| {
        if let Ok(m) = std::fs::metadata(&p) {
            out.push((p, m.len(), m.modified().ok()));
        }
    };
    if path.is_dir() {
        if let Ok(entries) = std::fs::read_dir(path) {
            for e in entries.flatten() {
                let p = e.path();
                let ext = p.extension().and_then(|x| x.to_str()).map(str::to_ascii_lowercase);
                if p.is_file() && matches!(ext.as_deref(), Some("json" | "csv")) {
                    add(p);
                }
            }
        }
    } else {
        add(path.to_path_buf());
    }
    out.sort();
    out
}

/// What a live demo calls itself in the feed's `exercise` object.
pub const EXERCISE_NAME: &str = "演练（实时演示）/ Exercise (live demo)";

/// Extra rows the hub publishes itself (e.g. directives logged by officers), as one more
/// member of the merged document.
#[derive(Clone, Debug, Default)]
pub struct HubRows {
    /// Shared with the journal's writer: a new version copies pointers, not rows.
    pub directives: Vec<std::sync::Arc<Value>>,
    /// Bumped on every change, so the hub knows to publish a new version.
    pub version: u64,
}

/// Build the merged document. `cut`: the live-demo instant (end of a reporting day).
pub fn merged(data: &HubData, extra: &HubRows, cut: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Merged {
    let mut members: Vec<Value> = Vec::new();
    let mut sections: HashMap<&'static str, Keyed> = HashMap::new();
    let mut doc_as_of: Option<DateTime<Utc>> = None;
    for (doc_index, hd) in data.documents.iter().enumerate() {
        let d = &hd.doc;
        let as_of = cut.map_or(d.as_of, |c| d.as_of.min(c));
        let generated_at = d.generated_at;
        let mut rows_here = 0usize;
        for section in SECTIONS {
            let Some(rows) = hd.body.get(section).and_then(Value::as_array) else { continue };
            let keyed = sections.entry(section).or_default();
            for row in rows {
                let Value::Object(obj) = row else { continue };
                let Some(obj) = cut_row(section, obj, cut) else { continue };
                let mut obj = obj;
                obj.insert("source".into(), Value::String(hd.member_id.clone()));
                keyed.put(row_key(section, &obj), Value::Object(obj), as_of, doc_index);
                rows_here += 1;
            }
        }
        if rows_here == 0 && cut.is_some() {
            continue;
        }
        let mut src = hd.body.get("source").and_then(Value::as_object).cloned().unwrap_or_default();
        src.insert("id".into(), json!(hd.member_id));
        src.insert("as_of".into(), json!(as_of.to_rfc3339()));
        src.insert("generated_at".into(), json!(generated_at.min(now).to_rfc3339()));
        members.push(Value::Object(src));
        doc_as_of = doc_as_of.max(Some(as_of));
    }
    // Directives logged at the hub are current now; in a live demo (an exercise, 演练) "now"
    // is the exercise clock, and the hub's directives are exercise records on that clock.
    let hub_as_of = cut.unwrap_or(now);
    if !extra.directives.is_empty() {
        members.push(json!({
            "id": HUB_SOURCE_ID,
            "name": "指挥部指令（枢纽）/ Directives logged at the hub",
            "as_of": hub_as_of.to_rfc3339(),
            "generated_at": now.to_rfc3339(),
        }));
        let keyed = sections.entry("directives").or_default();
        for d in &extra.directives {
            let Value::Object(obj) = d.as_ref() else { continue };
            let mut obj = obj.clone();
            obj.insert("source".into(), json!(HUB_SOURCE_ID));
            keyed.put(row_key("directives", &obj), Value::Object(obj), hub_as_of, usize::MAX);
        }
        doc_as_of = doc_as_of.max(Some(hub_as_of));
    }
    if let (Some(cut), Some(directives)) = (cut, sections.get_mut("directives")) {
        replay_statuses(&mut directives.rows, cut);
    }
    let as_of = doc_as_of.unwrap_or(cut.unwrap_or(now));
    let mut out = Map::new();
    out.insert("schema".into(), json!(SCHEMA_MERGED));
    out.insert("source".into(), json!({"id": HUB_SOURCE_ID, "name": "Sitboard hub"}));
    out.insert("generated_at".into(), json!(now.to_rfc3339()));
    out.insert("as_of".into(), json!(as_of.to_rfc3339()));
    if cut.is_some() {
        // Boards following this feed are in an exercise: their "now" is `as_of`, and the
        // directives they log are exercise records.
        out.insert("exercise".into(), json!({"name": EXERCISE_NAME}));
    }
    out.insert("sources".into(), Value::Array(members));
    let mut rows = 0;
    for section in SECTIONS {
        if let Some(k) = sections.remove(section) {
            rows += k.rows.len();
            out.insert(section.into(), Value::Array(k.rows.into_iter().map(|(v, _, _)| v).collect()));
        }
    }
    Merged { document: Value::Object(out), as_of, rows }
}

/// A directive's status is published as of its document's `as_of`; replaying an earlier
/// day, one later lifted or superseded was still in force: unless a directive served by
/// then supersedes it, or it ended by then (`effective_until`), or it was lifted at an
/// unknown time (no end given: left as published).
fn replay_statuses(rows: &mut [(Value, DateTime<Utc>, usize)], cut: DateTime<Utc>) {
    let mut superseded: Vec<(String, String)> = Vec::new();
    for (row, _, _) in rows.iter() {
        let Value::Object(o) = row else { continue };
        let issuer = text(o, "issuer").unwrap_or_default().to_owned();
        for n in o.get("supersedes").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            superseded.push((issuer.clone(), n.trim().to_owned()));
        }
    }
    for (row, _, _) in rows.iter_mut() {
        let Value::Object(o) = row else { continue };
        let status = text(o, "status").unwrap_or("in_force").to_owned();
        let key = (text(o, "issuer").unwrap_or_default().to_owned(), text(o, "number").unwrap_or_default().to_owned());
        let ends_later = instant(o, "effective_until").is_some_and(|u| u > cut);
        let new = match status.as_str() {
            "superseded" if superseded.contains(&key) => "superseded",
            "superseded" => "in_force",
            "lifted" if ends_later => "in_force",
            _ => continue,
        };
        o.insert("status".into(), json!(new));
    }
}

/// The id of the hub's own member source (directives logged at the hub).
pub const HUB_SOURCE_ID: &str = "sitboard-hub";

pub struct Merged {
    pub document: Value,
    pub as_of: DateTime<Utc>,
    pub rows: usize,
}

/// Rows of one section in order, de-duplicated by key as the board's dataset builder does:
/// across documents the newer `as_of` wins (a tie: the later document); within one document
/// the first row wins (the board rejects the second as a duplicate).
#[derive(Default)]
struct Keyed {
    rows: Vec<(Value, DateTime<Utc>, usize)>,
    index: HashMap<String, usize>,
}

impl Keyed {
    fn put(&mut self, key: Option<String>, row: Value, as_of: DateTime<Utc>, doc: usize) {
        let Some(key) = key else {
            self.rows.push((row, as_of, doc));
            return;
        };
        match self.index.get(&key) {
            Some(&i) => {
                let (_, old_as_of, old_doc) = &self.rows[i];
                if *old_doc != doc && *old_as_of <= as_of {
                    self.rows[i] = (row, as_of, doc);
                }
            }
            None => {
                self.index.insert(key, self.rows.len());
                self.rows.push((row, as_of, doc));
            }
        }
    }
}

/// A row as of the live-demo cut: `None` when it describes a later time (or cannot be
/// placed in time); a checkpoint keeps only its status changes up to the cut; a work order
/// acted on or closed after the cut is not yet.
fn cut_row(section: &str, o: &Map<String, Value>, cut: Option<DateTime<Utc>>) -> Option<Map<String, Value>> {
    let Some(cut) = cut else { return Some(o.clone()) };
    let day = local_date(cut - Duration::nanoseconds(1));
    let keep = match section {
        "regions" => true,
        "case_reports" => text(o, "date").and_then(source_date)? <= day,
        "risk_levels" | "response_levels" => date_or_instant(o, "since")? <= cut,
        "throughput" => {
            let minutes = o.get("minutes").and_then(Value::as_i64).unwrap_or(60);
            instant(o, "start")? + Duration::minutes(minutes) <= cut
        }
        "directives" => instant(o, "issued_at")? <= cut,
        "work_orders" => instant(o, "received_at")? <= cut,
        "hotline" => text(o, "to").and_then(source_date)? <= day,
        "checkpoints" => {
            let mut c = o.clone();
            if let Some(Value::Array(list)) = c.get_mut("status") {
                list.retain(|s| s.as_object().and_then(|s| date_or_instant(s, "since")).is_some_and(|t| t <= cut));
            }
            return Some(c);
        }
        _ => true,
    };
    if !keep {
        return None;
    }
    let mut row = o.clone();
    if section == "work_orders" {
        let acted = instant(o, "first_action_at");
        if acted.is_some_and(|t| t > cut) {
            row.remove("first_action_at");
        }
        if instant(o, "closed_at").is_some_and(|t| t > cut) {
            row.remove("closed_at");
            let status = if acted.is_some_and(|t| t <= cut) { "in_progress" } else { "open" };
            row.insert("status".into(), json!(status));
        }
    }
    Some(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(file: &str, id: &str, as_of: &str, rows: Value) -> HubDocument {
        let mut body = json!({
            "schema": "sitboard.feed/1",
            "source": {"id": id, "name": id, "synthetic": id.contains("syn")},
            "generated_at": as_of,
            "as_of": as_of,
        });
        if let (Value::Object(b), Value::Object(r)) = (&mut body, rows) {
            b.extend(r);
        }
        let doc = FeedDocument::parse(&body.to_string(), file).unwrap();
        HubDocument::new(file.into(), id.into(), doc)
    }

    #[test]
    fn a_work_order_at_the_cut_is_not_yet_acted_on_or_closed() {
        let row = |v: Value| v.as_object().cloned().unwrap();
        let o = row(json!({"id": "w", "received_at": "2022-11-29T10:00:00+08:00",
            "first_action_at": "2022-11-29T11:00:00+08:00", "closed_at": "2022-11-29T15:00:00+08:00", "status": "closed"}));
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let mid = cut_row("work_orders", &o, Some(at("2022-11-29T12:00:00+08:00"))).unwrap();
        assert_eq!((mid.get("status"), mid.contains_key("closed_at")), (Some(&json!("in_progress")), false));
        assert!(mid.contains_key("first_action_at"));
        let early = cut_row("work_orders", &o, Some(at("2022-11-29T10:30:00+08:00"))).unwrap();
        assert_eq!(early.get("status"), Some(&json!("open")));
        assert!(!early.contains_key("first_action_at") && !early.contains_key("closed_at"));
        assert!(cut_row("work_orders", &o, Some(at("2022-11-29T09:00:00+08:00"))).is_none());
        assert_eq!(cut_row("work_orders", &o, Some(at("2022-11-29T16:00:00+08:00"))).unwrap(), o);
    }

    #[test]
    fn newer_as_of_wins_and_rows_keep_their_source() {
        let old = || {
            doc(
                "a.json",
                "old",
                "2020-03-03T16:00:00Z",
                json!({"case_reports": [{"region": "230100", "date": "2020-03-03", "active": 40}]}),
            )
        };
        let new = || {
            doc(
                "b.json",
                "new",
                "2020-03-04T16:00:00Z",
                json!({"case_reports": [{"region": "230100", "date": "2020-03-03", "active": 48}]}),
            )
        };
        // Whatever the file order, the newer document's row wins.
        for documents in [vec![old(), new()], vec![new(), old()]] {
            let data = HubData { documents, problems: vec![] };
            let m = merged(&data, &HubRows::default(), None, Utc::now());
            let rows = m.document["case_reports"].as_array().unwrap();
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0]["active"], 48);
            assert_eq!(rows[0]["source"], "new");
            let sources = m.document["sources"].as_array().unwrap();
            assert_eq!(sources.len(), 2);
            let old_member = sources.iter().find(|s| s["id"] == "old").unwrap();
            assert_eq!(old_member["as_of"], "2020-03-03T16:00:00+00:00");
        }
    }

    #[test]
    fn the_demo_cut_keeps_rows_up_to_the_day() {
        let d = doc(
            "a.json",
            "a",
            "2020-03-05T16:00:00Z",
            json!({
                "case_reports": [
                    {"region": "230100", "date": "2020-03-03", "active": 40},
                    {"region": "230100", "date": "2020-03-04", "active": 41}
                ],
                "response_levels": [{"region": "230000", "level": "I", "since": "2020-03-05"}],
                "checkpoints": [{"id": "x", "name_zh": "x", "kind": "toll_station", "region": "230100",
                                 "lon": 126.6, "lat": 45.7,
                                 "status": [{"since": "2020-03-01T00:00:00+08:00", "status": "open"},
                                            {"since": "2020-03-05T08:00:00+08:00", "status": "closed"}]}]
            }),
        );
        let data = HubData { documents: vec![d], problems: vec![] };
        let cut = crate::model::time::end_of_day(NaiveDate::from_ymd_opt(2020, 3, 3).unwrap());
        let m = merged(&data, &HubRows::default(), Some(cut), Utc::now());
        assert_eq!(m.document["case_reports"].as_array().unwrap().len(), 1);
        assert!(m.document["response_levels"].as_array().unwrap().is_empty());
        assert_eq!(m.document["checkpoints"][0]["status"].as_array().unwrap().len(), 1);
        assert_eq!(m.document["as_of"], "2020-03-03T16:00:00+00:00");
        assert_eq!(m.document["sources"][0]["as_of"], "2020-03-03T16:00:00+00:00");
    }

    #[test]
    fn a_replayed_day_shows_directives_as_they_stood_then() {
        let row = |n: &str, issued: &str, status: &str, sup: &[&str]| {
            json!({"number": n, "issuer": "绥化市指挥部", "title": "t", "category": "other", "scope": ["231202"],
                   "issued_at": issued, "status": status, "supersedes": sup})
        };
        let d = doc(
            "a.json",
            "a",
            "2020-04-30T16:00:00Z",
            json!({"directives": [
                row("4号", "2020-02-01T13:00:00Z", "superseded", &[]),
                row("5号", "2020-02-03T16:00:00Z", "superseded", &["4号"]),
                row("9号", "2020-03-20T00:00:00Z", "in_force", &["5号"]),
            ]}),
        );
        let data = HubData { documents: vec![d], problems: vec![] };
        let status = |day: u32| {
            let cut = crate::model::time::end_of_day(NaiveDate::from_ymd_opt(2020, 2, day).unwrap());
            let m = merged(&data, &HubRows::default(), Some(cut), Utc::now());
            m.document["directives"].as_array().unwrap().iter().map(|r| r["status"].clone()).collect::<Vec<_>>()
        };
        assert_eq!(status(2), vec![json!("in_force")], "4号 before 5号 replaced it");
        assert_eq!(status(4), vec![json!("superseded"), json!("in_force")], "5号 before 9号");
    }
}
