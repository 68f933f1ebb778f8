//! Feed schema v1 (`docs/feed-schema.md`): parse a document's header, then validate and
//! ingest each section row by row into a [`DatasetBuilder`]. Bad rows are rejected with
//! their location; good rows are kept.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::SCHEMA_V1;
use super::report::{IngestReport, Issue};
use super::row::{FieldResult, Row, local_instant, type_name};
use crate::model::case::{Correction, FieldSet};
use crate::model::checkpoint::CodeColours;
use crate::model::time::{end_of_day, format_as_of, format_local};
use crate::model::{
    CaseField, CaseReport, Channel, Checkpoint, CheckpointKind, CheckpointStatus, DatasetBuilder, Directive,
    DirectiveCategory, DirectiveStatus, HotlinePeriod, Lane, LaneCounts, Priority, Region, RegionLevel, ReportWindow,
    ResponseLevel, ResponseLevelChange, RiskAssessment, RiskBasis, RiskLevel, RiskRule, SourceInfo, Throughput,
    WorkOrder, WorkOrderStatus,
};

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

/// A parsed document whose header is valid; its sections are still raw JSON.
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
    body: Map<String, Value>,
}

impl FeedDocument {
    /// Parse the text of a document and check its header. A document that is not JSON, or
    /// whose header is wrong, is refused as a whole with a message saying where.
    pub fn parse(text: &str, origin: &str) -> Result<FeedDocument, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: Value = serde_json::from_str(text).map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Eof => "the document ends too early (truncated?)",
                serde_json::error::Category::Syntax => "not valid JSON",
                serde_json::error::Category::Data => "unexpected data",
                serde_json::error::Category::Io => "read error",
            };
            format!("{what} at line {}, column {}: {e}", e.line(), e.column())
        })?;
        let Value::Object(body) = value else {
            return Err(format!("expected a JSON object at the top level, found {}", type_name(&value)));
        };
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
        let info = match body.get("source") {
            Some(Value::Object(src)) => parse_source(src, "source", 0, origin, generated_at, as_of)?,
            Some(other) => return Err(format!("source: expected an object, found {}", type_name(other))),
            None => return Err("source: missing".into()),
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
        Ok(FeedDocument { origin: origin.to_owned(), info, as_of, generated_at, members, body })
    }

    /// The document's top-level object (header and raw sections), for tools that pass rows
    /// on without interpreting them (the hub).
    pub fn body(&self) -> &Map<String, Value> {
        &self.body
    }

    fn section(&self, name: &str, report: &mut IngestReport) -> Option<&Vec<Value>> {
        match self.body.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Array(a)) => Some(a),
            Some(other) => {
                report.rejected.push(Issue {
                    section: name.into(),
                    row: None,
                    field: None,
                    message: format!("expected an array of rows, found {}; section ignored", type_name(other)),
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
    let name = row.line_text("name", false).map_err(e)?.unwrap_or_else(|| id.clone());
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
    })
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

fn schema_is_v1(s: &str) -> bool {
    match s.strip_prefix("sitboard.feed/1") {
        Some("") => true,
        Some(rest) => rest.strip_prefix('.').is_some_and(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit())),
        None => false,
    }
}

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
            let mut ctx = Ctx { report, seen: HashMap::new(), pending: None, src: RowSource::default() };
            for (i, v) in rows.iter().enumerate() {
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

/// The source of the row being ingested: its id, whether it is synthetic, and the instant
/// its content is current to (the document's `as_of`, or its member source's).
#[derive(Default)]
struct RowSource {
    id: String,
    synthetic: bool,
    as_of: DateTime<Utc>,
}

struct Ctx<'a> {
    src: RowSource,
    report: &'a mut IngestReport,
    /// Keys of accepted rows in the current section → row index, for duplicate detection.
    seen: HashMap<String, usize>,
    /// The key the row being validated claims once it is accepted.
    pending: Option<(String, usize)>,
}

impl Ctx<'_> {
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

    fn region(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("regions", i, v)?;
        let code_s = row.req_str("adcode")?;
        let code = code_s.parse().map_err(|m: String| row.err("adcode", m))?;
        self.once(&row, code_s.to_owned(), &format!("region {code_s}"))?;
        let population = row.count("population")?.map(u64::from);
        if let Some(existing) = b.registry().get(code).cloned() {
            let mut r = existing;
            if let Some(p) = population {
                r.population = Some(p);
            }
            return b.registry_mut().upsert(r).map_err(|m| row.err("adcode", m));
        }
        let level = row.enum_value("level", RegionLevel::parse, "province, city, county")?;
        let parent = match row.opt_str("parent")? {
            Some(p) => Some(row.adcode_value(p, "parent", b.registry())?),
            None if level == RegionLevel::Province => None,
            None => return Err(row.err("parent", "missing (required for a city or county)")),
        };
        let region = Region {
            adcode: code,
            name_zh: row.line_text("name_zh", true)?.unwrap_or_default(),
            name_en: row.line_text("name_en", true)?.unwrap_or_default(),
            level,
            parent,
            population,
            has_polygon: false,
            aliases: Vec::new(),
        };
        b.registry_mut().upsert(region).map_err(|m| row.err("parent", m))
    }

    fn case_report(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("case_reports", i, v)?;
        let region = row.adcode("region", b.registry())?;
        let date = row.date("date")?;
        let window = match row.opt_object("window")? {
            None => None,
            Some(w) => {
                let from = row.time_of_day(w, "from", "window.from")?;
                let to = row.time_of_day(w, "to", "window.to")?;
                if to <= from {
                    return Err(row.err("window", "ends before it starts"));
                }
                Some(ReportWindow { from, to })
            }
        };
        let reported_at = match window {
            Some(w) => local_instant(date, w.to),
            None => end_of_day(date),
        };
        self.not_future(&row, "date", reported_at)?;
        self.once(&row, format!("{region}/{date}"), &format!("region {region}, date {date}"))?;

        let mut r = CaseReport::new(region, date);
        r.window = window;
        for f in CaseField::ALL {
            let name = f.wire_name();
            if name.starts_with("imported_") {
                continue;
            }
            r.counts.set(f, row.count(name)?);
        }
        if let Some(imp) = row.opt_object("imported")? {
            r.counts.set(CaseField::ImportedNew, row.count_in(imp, "new", "imported.new")?);
            r.counts.set(CaseField::ImportedCumulative, row.count_in(imp, "cumulative", "imported.cumulative")?);
            r.counts.set(CaseField::ImportedActive, row.count_in(imp, "active", "imported.active")?);
        }
        if let Some(ch) = row.opt_object("channels")? {
            let mut keys: Vec<&String> = ch.keys().collect();
            keys.sort();
            for k in keys {
                let label = format!("channels.{k}");
                let c = Channel::from_wire(k).ok_or_else(|| {
                    row.err(&label, "unknown discovery channel (expected quarantined, community_screening, contact_screening, key_person_screening, cross_region_request, other)")
                })?;
                let n = row.count_in(ch, k, &label)?;
                if let Some(n) = n {
                    r.channels.push((c, n));
                }
            }
        }
        if let Some(cor) = row.opt_object("corrections")? {
            for (k, val) in cor {
                let label = format!("corrections.{k}");
                let field = CaseField::from_wire(k).ok_or_else(|| row.err(&label, "not a case-report field"))?;
                let delta = val
                    .as_i64()
                    .ok_or_else(|| row.err(&label, format!("expected a whole number, found {}", type_name(val))))?;
                r.corrections.push(Correction { field, delta });
            }
        }
        if let Some(list) = row.opt_array("reported")? {
            let mut set = FieldSet::default();
            for (j, item) in list.iter().enumerate() {
                let label = format!("reported[{j}]");
                let name = item.as_str().ok_or_else(|| row.err(&label, "expected a field name"))?;
                if name == "channels" {
                    if r.channels.is_empty() {
                        return Err(row.err(&label, "lists \"channels\", which the row does not carry"));
                    }
                    r.channels_reported = true;
                    continue;
                }
                let f = CaseField::from_wire(&name.replace("imported.", "imported_"))
                    .ok_or_else(|| row.err(&label, format!("{name:?} is not a case-report field")))?;
                if r.counts.get(f).is_none() {
                    return Err(row.err(&label, format!("lists {name:?}, which the row does not carry")));
                }
                set.insert(f);
            }
            r.reported = set;
        }
        r.reference = row.reference()?;
        r.source = self.src.id.clone();
        r.synthetic = self.src.synthetic;
        if r.counts.is_empty() && r.channels.is_empty() {
            return Err(row.err("", "carries no counts"));
        }
        // Consistency: active + cured + deaths should equal cumulative. Kept, but flagged.
        if let (Some(c), Some(a), Some(cu), Some(d)) = (
            r.get(CaseField::CumulativeConfirmed),
            r.get(CaseField::Active),
            r.get(CaseField::Cured),
            r.get(CaseField::Deaths),
        ) && u64::from(a) + u64::from(cu) + u64::from(d) != u64::from(c)
        {
            self.report.warnings.push(row.err(
                "active",
                format!("active {a} + cured {cu} + deaths {d} ≠ cumulative {c} (row kept as published)"),
            ));
        }
        if let (Some(total), Some(newc)) = (r.channel_total(), r.get(CaseField::NewConfirmed)) {
            let asym = r.get(CaseField::NewAsymptomatic).unwrap_or(0);
            if total != newc && total != newc + asym {
                self.report.warnings.push(row.err(
                    "channels",
                    format!("channels add up to {total}, new positives are {newc} confirmed + {asym} asymptomatic"),
                ));
            }
        }
        b.add_case_report(r, Some(self.src.as_of));
        Ok(())
    }

    fn risk_level(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("risk_levels", i, v)?;
        let region = row.adcode("region", b.registry())?;
        let level = row.enum_value("level", RiskLevel::parse, "low, medium, high")?;
        let since = row.date_or_instant("since")?;
        self.not_future(&row, "since", since)?;
        let rule = row.opt_enum("rule", RiskRule::parse, "county-2020-02, area-9th-ed, area-20-measures")?;
        self.once(&row, format!("{region}/{since}"), &format!("region {region}, since {}", format_local(since)))?;
        let (source, reference) = (self.src.id.clone(), row.reference()?);
        let basis = if row.opt_bool("reported")?.unwrap_or(true) {
            RiskBasis::Reported { source, reference }
        } else {
            RiskBasis::Reconstructed { source, reference }
        };
        let a = RiskAssessment { region, level, since, rule, basis, known_until: Some(self.src.as_of) };
        b.add_risk(a, Some(self.src.as_of));
        Ok(())
    }

    fn response_level(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("response_levels", i, v)?;
        let region = row.adcode("region", b.registry())?;
        let level = row.enum_value("level", ResponseLevel::parse, "I, II, III, IV, none")?;
        let since = row.date_or_instant("since")?;
        self.not_future(&row, "since", since)?;
        self.once(&row, format!("{region}/{since}"), &format!("region {region}, since {}", format_local(since)))?;
        b.add_response(
            ResponseLevelChange {
                region,
                level,
                since,
                source: self.src.id.clone(),
                reference: row.reference()?,
                reported: row.opt_bool("reported")?.unwrap_or(true),
                known_until: Some(self.src.as_of),
            },
            Some(self.src.as_of),
        );
        Ok(())
    }

    fn checkpoint(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("checkpoints", i, v)?;
        let id = row.line_text("id", true)?.unwrap_or_default();
        if !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)) {
            return Err(row.err("id", format!("{id:?} may only hold a-z, 0-9, '.', '_' and '-'")));
        }
        self.once(&row, id.clone(), &format!("checkpoint {id}"))?;
        let kind = row.enum_value(
            "kind",
            CheckpointKind::parse,
            "expressway_exit, toll_station, road_checkpoint, rail_station, logistics_park, community_gate",
        )?;
        let region = row.adcode("region", b.registry())?;
        let lon = row.opt_f64("lon")?.ok_or_else(|| row.err("lon", "missing"))?;
        let lat = row.opt_f64("lat")?.ok_or_else(|| row.err("lat", "missing"))?;
        if !(-180.0..=180.0).contains(&lon) {
            return Err(row.err("lon", format!("{lon} is not a longitude")));
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(row.err("lat", format!("{lat} is not a latitude")));
        }
        let mut lanes = [0u16; 3];
        if let Some(l) = row.opt_object("lanes")? {
            for (k, val) in l {
                let label = format!("lanes.{k}");
                let lane = Lane::parse(k).ok_or_else(|| row.err(&label, "unknown lane (passenger, freight, green)"))?;
                let n = row.count_value(val, &label)?;
                lanes[lane as usize] = u16::try_from(n).map_err(|_| row.err(&label, "too many lanes"))?;
            }
        }
        let (mut cap_v, mut cap_p) = (None, None);
        if let Some(c) = row.opt_object("capacity_per_hour")? {
            cap_v = row.count_in(c, "vehicles", "capacity_per_hour.vehicles")?;
            cap_p = row.count_in(c, "people", "capacity_per_hour.people")?;
        }
        let mut status = Vec::new();
        if let Some(list) = row.opt_array("status")? {
            for (j, item) in list.iter().enumerate() {
                let label = format!("status[{j}]");
                let Value::Object(o) = item else {
                    return Err(row.err(&label, format!("expected an object, found {}", type_name(item))));
                };
                let sub = Row { section: row.section, index: row.index, obj: o };
                let since = sub.date_or_instant("since").map_err(|e| relabel(e, &label))?;
                let s = sub
                    .enum_value("status", CheckpointStatus::parse, "open, closed, restricted")
                    .map_err(|e| relabel(e, &label))?;
                self.not_future(&row, &format!("{label}.since"), since)?;
                status.push((since, s));
            }
        }
        status.sort_by_key(|(t, _)| *t);
        let c = Checkpoint {
            name_zh: row.line_text("name_zh", true)?.unwrap_or_default(),
            name_en: row.line_text("name_en", false)?.unwrap_or_else(|| id.clone()),
            id,
            kind,
            region,
            lon,
            lat,
            position_approximate: row.opt_bool("position_approximate")?.unwrap_or(false),
            lanes,
            capacity_vehicles_per_hour: cap_v,
            capacity_people_per_hour: cap_p,
            status,
            source: self.src.id.clone(),
            reference: row.reference()?,
        };
        b.add_checkpoint(c, Some(self.src.as_of));
        Ok(())
    }

    fn throughput(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("throughput", i, v)?;
        let cp = row.req_str("checkpoint")?.to_owned();
        if !b.has_checkpoint(&cp) {
            return Err(row.err("checkpoint", format!("unknown checkpoint {cp:?}")));
        }
        let start = row.instant("start")?;
        let minutes = row.count("minutes")?.unwrap_or(60);
        if minutes == 0 || minutes > 24 * 60 {
            return Err(row.err("minutes", format!("{minutes} is not an interval length (1–1440)")));
        }
        let t_end = start + chrono::Duration::minutes(i64::from(minutes));
        self.not_future(&row, "start", t_end)?;
        self.once(&row, format!("{cp}/{start}"), &format!("checkpoint {cp}, start {}", format_local(start)))?;
        let mut lanes = [None; 3];
        if let Some(l) = row.opt_object("lanes")? {
            for (k, val) in l {
                let label = format!("lanes.{k}");
                let lane = Lane::parse(k).ok_or_else(|| row.err(&label, "unknown lane (passenger, freight, green)"))?;
                let Value::Object(o) = val else {
                    return Err(row.err(&label, format!("expected an object, found {}", type_name(val))));
                };
                lanes[lane as usize] = Some(LaneCounts {
                    vehicles: row.count_in(o, "vehicles", &format!("{label}.vehicles"))?.unwrap_or(0),
                    people: row.count_in(o, "people", &format!("{label}.people"))?.unwrap_or(0),
                });
            }
        }
        let codes = match row.opt_object("codes")? {
            None => None,
            Some(o) => Some(CodeColours {
                green: row.count_in(o, "green", "codes.green")?.unwrap_or(0),
                yellow: row.count_in(o, "yellow", "codes.yellow")?.unwrap_or(0),
                red: row.count_in(o, "red", "codes.red")?.unwrap_or(0),
            }),
        };
        let t = Throughput {
            checkpoint: cp,
            start,
            minutes,
            lanes,
            temperature_alarms: row.count("temperature_alarms")?,
            codes,
            turned_back: row.count("turned_back")?,
            tests: row.count("tests")?,
            positives: row.count("positives")?,
            queue_minutes: row.count("queue_minutes")?,
            synthetic: self.src.synthetic,
        };
        b.add_throughput(t, Some(self.src.as_of));
        Ok(())
    }

    fn directive(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("directives", i, v)?;
        let number = row.line_text("number", true)?.unwrap_or_default();
        let issuer = row.line_text("issuer", true)?.unwrap_or_default();
        self.once(&row, format!("{issuer}/{number}"), &format!("{issuer} {number}"))?;
        let title = row.line_text("title", true)?.unwrap_or_default();
        let body = row.body_text("body")?.unwrap_or_default();
        let category = row.enum_value(
            "category",
            DirectiveCategory::parse,
            "traffic_control, residential_control, testing, reopening, supplies, other",
        )?;
        let scope_list = row.opt_array("scope")?.ok_or_else(|| row.err("scope", "missing"))?;
        if scope_list.is_empty() {
            return Err(row.err("scope", "names no region"));
        }
        let mut scope = Vec::new();
        for (j, item) in scope_list.iter().enumerate() {
            let label = format!("scope[{j}]");
            let s = item.as_str().ok_or_else(|| row.err(&label, "expected a region code"))?;
            scope.push(row.adcode_value(s, &label, b.registry())?);
        }
        let issued_at = row.instant("issued_at")?;
        self.not_future(&row, "issued_at", issued_at)?;
        let effective_from = row.opt_instant("effective_from")?;
        let effective_until = row.opt_instant("effective_until")?;
        if let (Some(f), Some(u)) = (effective_from.or(Some(issued_at)), effective_until)
            && u <= f
        {
            return Err(row.err("effective_until", "ends before it takes effect"));
        }
        let status = row
            .opt_enum("status", DirectiveStatus::parse, "in_force, lifted, revoked, superseded")?
            .unwrap_or(DirectiveStatus::InForce);
        let mut supersedes = Vec::new();
        if let Some(list) = row.opt_array("supersedes")? {
            for (j, item) in list.iter().enumerate() {
                let s = item.as_str().ok_or_else(|| row.err(&format!("supersedes[{j}]"), "expected a number"))?;
                supersedes.push(s.to_owned());
            }
        }
        let d = Directive {
            number,
            issuer,
            title,
            body,
            category,
            scope,
            issued_at,
            effective_from,
            effective_until,
            status,
            supersedes,
            priority: row.opt_enum("priority", Priority::parse, "normal, high, urgent")?.unwrap_or(Priority::Normal),
            source: self.src.id.clone(),
            reference: row.reference()?,
            known_until: Some(self.src.as_of),
        };
        b.add_directive(d, Some(self.src.as_of));
        Ok(())
    }

    fn work_order(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("work_orders", i, v)?;
        let id = row.line_text("id", true)?.unwrap_or_default();
        self.once(&row, id.clone(), &format!("work order {id}"))?;
        let received_at = row.instant("received_at")?;
        self.not_future(&row, "received_at", received_at)?;
        let w = WorkOrder {
            category: row.line_text("category", true)?.unwrap_or_default(),
            region: row.adcode("region", b.registry())?,
            received_at,
            due_at: row.opt_instant("due_at")?,
            status: row.enum_value("status", WorkOrderStatus::parse, "open, in_progress, closed")?,
            closed_at: row.opt_instant("closed_at")?,
            summary: row.body_text("summary")?.unwrap_or_default(),
            id,
        };
        b.add_work_order(w, Some(self.src.as_of));
        Ok(())
    }

    fn hotline(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("hotline", i, v)?;
        let region = row.adcode("region", b.registry())?;
        let from = row.date("from")?;
        let to = row.date("to")?;
        if to < from {
            return Err(row.err("to", "ends before it starts"));
        }
        self.not_future(&row, "to", end_of_day(to))?;
        self.once(&row, format!("{region}/{from}/{to}"), &format!("region {region}, {from} … {to}"))?;
        let rate = |f: &str| -> FieldResult<Option<f64>> {
            match row.opt_f64(f)? {
                Some(x) if !(0.0..=1.0).contains(&x) => Err(row.err(f, format!("{x} is not a rate between 0 and 1"))),
                other => Ok(other),
            }
        };
        let mut topics = Vec::new();
        if let Some(list) = row.opt_array("topics")? {
            for (j, t) in list.iter().enumerate() {
                let s = t.as_str().ok_or_else(|| row.err(&format!("topics[{j}]"), "expected text"))?;
                topics.push(
                    super::row::check_text(s, false, super::row::MAX_LINE_CHARS)
                        .map_err(|m| row.err(&format!("topics[{j}]"), m))?,
                );
            }
        }
        let h = HotlinePeriod {
            region,
            from,
            to,
            requests: row.count("requests")?,
            connection_rate: rate("connection_rate")?,
            response_rate: rate("response_rate")?,
            baseline_ratio: row.opt_f64("baseline_ratio")?,
            topics,
            source: self.src.id.clone(),
            reference: row.reference()?,
        };
        b.add_hotline(h, Some(self.src.as_of));
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
