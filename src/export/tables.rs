//! CSV of everything tabular on the board (issue 14): the curves of a region and of the
//! regions compared with it, the subregion ranking, the checkpoint table and a checkpoint's
//! lanes, the risk levels by county and the hotline periods. Every file is UTF-8 with a BOM
//! (Excel then opens Chinese correctly), starts with a few `#key,value` rows naming what it
//! is, the region, the period, the as-of instant and the public source, and every data row
//! carries its provenance: `reported`, `reconstructed`, `summed` (from lower levels),
//! `computed` (by the board) or `synthetic`. The board's export actions and
//! `sitboard export csv` both call these functions, so a file is the same from either.

use chrono::{DateTime, NaiveDate, Utc};

use crate::i18n::Lang;
use crate::model::checkpoint_stats::{CheckpointState, rows_between, totals};
use crate::model::overview::{FigureSource, rank_subregions};
use crate::model::risk_rules::computed_level;
use crate::model::time::{end_of_day, format_as_of};
use crate::model::{Adcode, CaseField, Lane, Provenance, RegionLevel, RiskBasis, Situation};

/// The byte-order mark every export starts with.
pub const BOM: &str = "\u{feff}";

/// Which table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TableKind {
    /// Daily figures of the region (and compared regions) over a period, one row per day,
    /// region and figure.
    Curves,
    /// The subregion ranking of the overview for the day.
    Subregions,
    /// The checkpoint table for the day (last 24 h).
    Checkpoints,
    /// One checkpoint's lanes over the last 24 h (`--checkpoint ID`).
    Lanes,
    /// Risk levels by county: published and computed.
    Risk,
    /// Hotline (12345) periods as published.
    Hotline,
}

impl TableKind {
    pub const ALL: [TableKind; 6] = [
        TableKind::Curves,
        TableKind::Subregions,
        TableKind::Checkpoints,
        TableKind::Lanes,
        TableKind::Risk,
        TableKind::Hotline,
    ];

    pub fn parse(s: &str) -> Option<TableKind> {
        Self::ALL.into_iter().find(|k| k.wire_name() == s)
    }

    pub fn wire_name(self) -> &'static str {
        match self {
            TableKind::Curves => "curves",
            TableKind::Subregions => "subregions",
            TableKind::Checkpoints => "checkpoints",
            TableKind::Lanes => "lanes",
            TableKind::Risk => "risk",
            TableKind::Hotline => "hotline",
        }
    }
}

/// What to export: the table, the region, the period (curves; the other tables are of the
/// situation's day), the regions compared (curves) and the checkpoint (lanes).
#[derive(Clone, Debug, PartialEq)]
pub struct TableRequest {
    pub kind: TableKind,
    pub region: Adcode,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub compared: Vec<Adcode>,
    pub checkpoint: Option<String>,
}

impl TableRequest {
    pub fn new(kind: TableKind, region: Adcode) -> Self {
        TableRequest { kind, region, from: None, to: None, compared: Vec::new(), checkpoint: None }
    }
}

/// A provenance word of the CSV column.
pub fn provenance_word(p: Provenance) -> &'static str {
    match p {
        Provenance::Reported => "reported",
        Provenance::Reconstructed => "reconstructed",
        Provenance::Aggregated { .. } => "summed",
        Provenance::Synthetic => "synthetic",
    }
}

/// The provenance word of an overview figure.
pub fn figure_word(s: FigureSource) -> &'static str {
    match s {
        FigureSource::Reported => "reported",
        FigureSource::Reconstructed => "reconstructed",
        FigureSource::Aggregated { .. } => "summed",
        FigureSource::Derived => "computed",
        FigureSource::Synthetic => "synthetic",
        FigureSource::Missing => "missing",
    }
}

/// The public names of the sources behind a set of source ids, joined (the dataset's
/// source names: newspaper or bulletin, as the feed states them).
pub fn source_names<'a>(sit: &Situation, ids: impl IntoIterator<Item = &'a str>) -> String {
    let mut names: Vec<&str> = Vec::new();
    for id in ids {
        if let Some(s) = sit.data().sources.iter().find(|s| s.id == id)
            && !names.contains(&s.name.as_str())
        {
            names.push(&s.name);
        }
    }
    names.join(" | ")
}

/// A table ready to write: the preamble's period and source, the column names, the rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub period: (NaiveDate, NaiveDate),
    pub as_of: Option<DateTime<Utc>>,
    pub source: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// Build the table of a request over a situation; an error names what is wrong (an unknown
/// checkpoint, a period outside the data).
pub fn build(sit: &Situation, req: &TableRequest) -> Result<Table, String> {
    match req.kind {
        TableKind::Curves => curves(sit, req),
        TableKind::Subregions => Ok(subregions(sit, req.region)),
        TableKind::Checkpoints => Ok(checkpoints(sit, req.region)),
        TableKind::Lanes => lanes(sit, req.checkpoint.as_deref()),
        TableKind::Risk => Ok(risk(sit, req.region)),
        TableKind::Hotline => Ok(hotline(sit, req.region)),
    }
}

/// The CSV file of a request: BOM, preamble, header, rows.
pub fn csv(sit: &Situation, req: &TableRequest, lang: Lang) -> Result<String, String> {
    let table = build(sit, req)?;
    Ok(write_csv(sit, req, &table, lang))
}

/// A file name for an export of a request: `subregions-230000-2020-03-03.csv`.
pub fn file_name(sit: &Situation, req: &TableRequest) -> String {
    let mut name = format!("{}-{}", req.kind.wire_name(), req.region);
    if let Some(c) = &req.checkpoint
        && req.kind == TableKind::Lanes
    {
        name = format!("lanes-{c}");
    }
    match (req.kind, req.from) {
        (TableKind::Curves, Some(from)) => {
            name.push_str(&format!("-{from}-{}", req.to.unwrap_or(sit.date())));
        }
        _ => name.push_str(&format!("-{}", sit.date())),
    }
    name.push_str(".csv");
    name
}

fn write_csv(sit: &Situation, req: &TableRequest, t: &Table, lang: Lang) -> String {
    let en = lang.is_en();
    let reg = &sit.data().registry;
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let region = format!("{} {} ({})", reg.name(req.region, false), reg.name(req.region, true), req.region);
    let period =
        if t.period.0 == t.period.1 { t.period.0.to_string() } else { format!("{} … {}", t.period.0, t.period.1) };
    let as_of = t.as_of.unwrap_or(sit.as_of());
    let what = match (req.kind, en) {
        (TableKind::Curves, false) => "病例曲线 curves",
        (TableKind::Subregions, false) => "下级地区排名 subregions",
        (TableKind::Checkpoints, false) => "卡口 checkpoints",
        (TableKind::Lanes, false) => "卡口车道 lanes",
        (TableKind::Risk, false) => "风险等级 risk",
        (TableKind::Hotline, false) => "12345热线 hotline",
        (k, true) => k.wire_name(),
    };
    let preamble: [[&str; 2]; 6] = [
        ["#sitboard", what],
        ["#region", &region],
        ["#period", &period],
        ["#as_of", &format!("{} ({})", as_of.to_rfc3339(), format_as_of(as_of))],
        ["#source", &t.source],
        ["#provenance", "reported | reconstructed | summed | computed | synthetic"],
    ];
    // Writing into a Vec cannot fail; a failure would only lose the row, never panic.
    for row in preamble {
        let _ = w.write_record(row);
    }
    let _ = w.write_record(&t.columns);
    for row in &t.rows {
        let _ = w.write_record(row);
    }
    let bytes = w.into_inner().unwrap_or_default();
    format!("{BOM}{}", String::from_utf8_lossy(&bytes))
}

fn opt(v: Option<u32>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// Daily figures, one row per (day, region, figure): the values the curves draw, each with
/// its provenance and the report's public reference.
fn curves(sit: &Situation, req: &TableRequest) -> Result<Table, String> {
    let to = req.to.unwrap_or(sit.date()).min(sit.date());
    let from = req.from.or(sit.period_start()).unwrap_or(to);
    if from > to {
        return Err(format!("the period {from} … {to} is empty (is --from after --to, or after the data?)"));
    }
    let mut regions = vec![req.region];
    regions.extend(req.compared.iter().copied().filter(|c| *c != req.region));
    let reg = &sit.data().registry;
    let mut rows = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    for (date, _) in sit.history(req.region).filter(|(d, _)| **d >= from && **d <= to) {
        for code in &regions {
            let Some(r) = sit.report_on(*code, *date) else { continue };
            if !sources.contains(&r.source) {
                sources.push(r.source.clone());
            }
            for f in CaseField::ALL {
                let Some((v, p)) = r.value(f) else { continue };
                rows.push(vec![
                    date.to_string(),
                    code.to_string(),
                    reg.name(*code, false),
                    reg.name(*code, true),
                    f.wire_name().to_owned(),
                    v.to_string(),
                    provenance_word(p).to_owned(),
                    r.reference.clone().unwrap_or_default(),
                ]);
            }
        }
    }
    Ok(Table {
        period: (from, to),
        as_of: Some(end_of_day(to).min(sit.as_of())),
        source: source_names(sit, sources.iter().map(String::as_str)),
        columns: vec!["date", "adcode", "region_zh", "region_en", "figure", "value", "provenance", "reference"],
        rows,
    })
}

const RANK_FIELDS: [CaseField; 5] =
    [CaseField::NewConfirmed, CaseField::Active, CaseField::CumulativeConfirmed, CaseField::Cured, CaseField::Deaths];

fn subregions(sit: &Situation, region: Adcode) -> Table {
    let reg = &sit.data().registry;
    let mut rows = Vec::new();
    let mut sources = Vec::new();
    for (i, code) in rank_subregions(sit, reg.children(region)).into_iter().enumerate() {
        let r = sit.report(code);
        let mut row = vec![(i + 1).to_string(), code.to_string(), reg.name(code, false), reg.name(code, true)];
        let mut words: Vec<&str> = Vec::new();
        for f in RANK_FIELDS {
            let v = r.and_then(|r| r.value(f));
            row.push(opt(v.map(|(n, _)| n)));
            if let Some((_, p)) = v
                && !words.contains(&provenance_word(p))
            {
                words.push(provenance_word(p));
            }
        }
        if let Some(r) = r
            && !sources.contains(&r.source)
        {
            sources.push(r.source.clone());
        }
        let (risk, risk_prov) = risk_cell(sit, code);
        row.push(risk);
        row.push(if words.is_empty() { "missing".to_owned() } else { words.join("+") });
        row.push(risk_prov);
        rows.push(row);
    }
    Table {
        period: (sit.date(), sit.date()),
        as_of: None,
        source: source_names(sit, sources.iter().map(String::as_str)),
        columns: vec![
            "rank",
            "adcode",
            "region_zh",
            "region_en",
            "new_confirmed",
            "active",
            "cumulative_confirmed",
            "cured",
            "deaths",
            "risk",
            "provenance",
            "risk_provenance",
        ],
        rows,
    }
}

/// A subregion's risk cell: a county's level (published, else computed by the county rule),
/// or for a city the number of its counties at medium or high risk.
fn risk_cell(sit: &Situation, code: Adcode) -> (String, String) {
    let reg = &sit.data().registry;
    if reg.get(code).is_some_and(|r| r.level == RegionLevel::County) {
        match sit.risk(code) {
            Some(a) => (a.level.wire_name().to_owned(), basis_word(&a.basis).to_owned()),
            None => match computed_level(sit, code) {
                Some(c) => (c.level.wire_name().to_owned(), "computed".to_owned()),
                None => (String::new(), "missing".to_owned()),
            },
        }
    } else {
        let counties = reg.counties_under(code);
        let elevated =
            counties.iter().filter(|c| sit.risk(**c).is_some_and(|a| a.level != crate::model::RiskLevel::Low)).count();
        (format!("{elevated}/{} medium_or_high", counties.len()), "summed".to_owned())
    }
}

fn basis_word(b: &RiskBasis) -> &'static str {
    match b {
        RiskBasis::Reported { .. } => "reported",
        RiskBasis::Reconstructed { .. } => "reconstructed",
        RiskBasis::Computed => "computed",
    }
}

fn checkpoints(sit: &Situation, region: Adcode) -> Table {
    let data = sit.data();
    let t = sit.as_of();
    let mut rows = Vec::new();
    let mut sources = Vec::new();
    for c in data.checkpoints().iter().filter(|c| data.registry.is_within(c.region, region)) {
        let st = CheckpointState::at(c, data.throughput(&c.id), t);
        let Some(status) = st.status else { continue };
        if !sources.contains(&c.source) {
            sources.push(c.source.clone());
        }
        let day = &st.last_24h;
        rows.push(vec![
            c.id.clone(),
            c.name_zh.clone(),
            c.name_en.clone(),
            c.kind.wire_name().to_owned(),
            c.region.to_string(),
            format!("{status:?}").to_lowercase(),
            st.last_interval.map(|l| l.vehicles.to_string()).unwrap_or_default(),
            st.last_interval.map(|l| l.people.to_string()).unwrap_or_default(),
            st.queue_minutes.map(|q| q.to_string()).unwrap_or_default(),
            day.vehicles.to_string(),
            day.people.to_string(),
            day.alarms().to_string(),
            day.positives.to_string(),
            st.last_data.map(|d| d.to_rfc3339()).unwrap_or_default(),
            st.alerts.iter().map(|a| format!("{a:?}").to_lowercase()).collect::<Vec<_>>().join("+"),
            if st.synthetic {
                "synthetic"
            } else if st.last_data.is_some() {
                "reported"
            } else {
                "missing"
            }
            .to_owned(),
            c.reference.clone().unwrap_or_default(),
        ]);
    }
    if rows.iter().any(|r| r[15] == "synthetic") {
        sources.extend(sit.data().sources.iter().filter(|s| s.synthetic).map(|s| s.id.clone()));
    }
    Table {
        period: (sit.date(), sit.date()),
        as_of: None,
        source: source_names(sit, sources.iter().map(String::as_str)),
        columns: vec![
            "id",
            "name_zh",
            "name_en",
            "kind",
            "adcode",
            "status",
            "last_hour_vehicles",
            "last_hour_people",
            "queue_minutes",
            "vehicles_24h",
            "people_24h",
            "alarms_24h",
            "positives_24h",
            "last_data",
            "alerts",
            "provenance",
            "reference",
        ],
        rows,
    }
}

fn lanes(sit: &Situation, checkpoint: Option<&str>) -> Result<Table, String> {
    let data = sit.data();
    let Some(id) = checkpoint else { return Err("the lanes table needs a checkpoint (--checkpoint ID)".into()) };
    let Some(c) = data.checkpoints().iter().find(|c| c.id == id) else {
        return Err(format!("no checkpoint {id:?} in the data"));
    };
    let t = sit.as_of();
    let rows_24h = rows_between(data.throughput(id), t - chrono::Duration::hours(24), t);
    let tot = totals(rows_24h);
    let synthetic = rows_24h.iter().any(|r| r.synthetic);
    let rows = Lane::ALL
        .iter()
        .enumerate()
        .map(|(i, lane)| {
            let l = tot.lane(*lane);
            vec![
                lane.wire_name().to_owned(),
                c.lanes[i].to_string(),
                l.vehicles.to_string(),
                l.people.to_string(),
                if synthetic { "synthetic" } else { "reported" }.to_owned(),
            ]
        })
        .collect();
    Ok(Table {
        period: (sit.date(), sit.date()),
        as_of: None,
        source: lane_sources(sit, c, synthetic),
        columns: vec!["lane", "lanes", "vehicles_24h", "people_24h", "provenance"],
        rows,
    })
}

/// A checkpoint's sources: its definition's, and the synthetic throughput's when its counts
/// are made up.
fn lane_sources(sit: &Situation, c: &crate::model::Checkpoint, synthetic: bool) -> String {
    let synthetic_ids = sit.data().sources.iter().filter(|s| synthetic && s.synthetic).map(|s| s.id.as_str());
    source_names(sit, std::iter::once(c.source.as_str()).chain(synthetic_ids))
}

fn risk(sit: &Situation, region: Adcode) -> Table {
    let reg = &sit.data().registry;
    let mut rows = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    for code in reg.counties_under(region) {
        let published = sit.risk(code);
        let computed = computed_level(sit, code);
        if let Some(RiskBasis::Reported { source, .. } | RiskBasis::Reconstructed { source, .. }) =
            published.map(|a| &a.basis)
            && !sources.contains(source)
        {
            sources.push(source.clone());
        }
        let (shown, prov) = match (published, computed) {
            (Some(a), _) => (a.level.wire_name(), basis_word(&a.basis)),
            (None, Some(c)) => (c.level.wire_name(), "computed"),
            (None, None) => ("", "missing"),
        };
        let reference = match published.map(|a| &a.basis) {
            Some(RiskBasis::Reported { reference, .. } | RiskBasis::Reconstructed { reference, .. }) => {
                reference.clone().unwrap_or_default()
            }
            _ => String::new(),
        };
        rows.push(vec![
            code.to_string(),
            reg.name(code, false),
            reg.name(code, true),
            shown.to_owned(),
            prov.to_owned(),
            published.map(|a| a.level.wire_name()).unwrap_or_default().to_owned(),
            published.map(|a| a.since.to_rfc3339()).unwrap_or_default(),
            computed.map(|c| c.level.wire_name()).unwrap_or_default().to_owned(),
            computed.map(|c| format!("{:?}", c.reason)).unwrap_or_default(),
            reference,
        ]);
    }
    Table {
        period: (sit.date(), sit.date()),
        as_of: None,
        source: source_names(sit, sources.iter().map(String::as_str)),
        columns: vec![
            "adcode",
            "region_zh",
            "region_en",
            "level",
            "provenance",
            "published",
            "published_since",
            "computed",
            "computed_reason",
            "reference",
        ],
        rows,
    }
}

fn hotline(sit: &Situation, region: Adcode) -> Table {
    let data = sit.data();
    let reg = &data.registry;
    let mut rows = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    let f = |x: Option<f64>| x.map(|v| format!("{v}")).unwrap_or_default();
    for h in data.hotline().iter().filter(|h| h.from <= sit.date() && reg.is_within(h.region, region)) {
        if !sources.contains(&h.source) {
            sources.push(h.source.clone());
        }
        rows.push(vec![
            h.region.to_string(),
            reg.name(h.region, false),
            h.from.to_string(),
            h.to.to_string(),
            opt(h.requests),
            f(h.connection_rate),
            f(h.response_rate),
            f(h.baseline_ratio),
            h.topics.join("; "),
            "reported".to_owned(),
            h.reference.clone().unwrap_or_default(),
        ]);
    }
    Table {
        period: (sit.period_start().unwrap_or(sit.date()), sit.date()),
        as_of: None,
        source: source_names(sit, sources.iter().map(String::as_str)),
        columns: vec![
            "adcode",
            "region_zh",
            "from",
            "to",
            "requests",
            "connection_rate",
            "response_rate",
            "baseline_ratio",
            "topics",
            "provenance",
            "reference",
        ],
        rows,
    }
}
