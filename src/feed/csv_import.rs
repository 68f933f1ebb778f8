//! Importer for the common public long CSV format of cumulative counts, one row per region
//! and day: `date, province, provinceCode, city, cityCode, confirmed, suspected, cured, dead`
//! (the layout of e.g. canghailan/Wuhan-2019-nCoV). Daily new counts and active cases are
//! derived; a cumulative count that falls is kept as a flagged correction, never as a
//! negative day.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::ingest_report::{IngestReport, Issue};
use super::row::{PLAUSIBLE_DATES, parse_date};
use crate::model::case::{Correction, FieldSet};
use crate::model::time::end_of_day;
use crate::model::{Adcode, CaseField, CaseReport, DatasetBuilder, RegionLevel, SourceInfo};

/// How long a period one CSV may span unless `csv_max_span_years` in sitboard.toml says
/// otherwise: an outbreak's file covers months, a national archive a few years.
pub const DEFAULT_MAX_SPAN_YEARS: u32 = 5;

/// Bounds on what one CSV may claim. The format leaves a city's days before its first row
/// out (they are zeros by convention and filled in), so the period a file spans decides how
/// many rows it makes: one wrong date must not make millions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvLimits {
    /// The most days from the file's first date to its last.
    pub max_span_days: u32,
}

impl CsvLimits {
    pub fn years(years: u32) -> Self {
        CsvLimits { max_span_days: years.saturating_mul(366) }
    }
}

impl Default for CsvLimits {
    fn default() -> Self {
        CsvLimits::years(DEFAULT_MAX_SPAN_YEARS)
    }
}

/// Whether a text looks like this CSV format (a header with the columns we need).
pub fn looks_like_long_csv(text: &str) -> bool {
    let first = text.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
    let cols: Vec<&str> = first.split(',').map(str::trim).collect();
    ["date", "confirmed", "cured", "dead"].iter().all(|c| cols.contains(c))
}

struct Row {
    line: usize,
    region: Adcode,
    date: NaiveDate,
    confirmed: Option<u32>,
    suspected: Option<u32>,
    cured: Option<u32>,
    dead: Option<u32>,
}

/// Import a long-format CSV into the builder with the default [`CsvLimits`]. `source_id`
/// names it on the board.
pub fn import_long_csv(text: &str, origin: &str, source_id: &str, builder: &mut DatasetBuilder) -> IngestReport {
    import_long_csv_with(text, origin, source_id, builder, CsvLimits::default())
}

/// Import a long-format CSV into the builder. A row dated outside [`PLAUSIBLE_DATES`] is
/// rejected; a file whose dates span more than `limits` is refused as a whole (nothing is
/// loaded from it), naming the first and last rows.
pub fn import_long_csv_with(
    text: &str,
    origin: &str,
    source_id: &str,
    builder: &mut DatasetBuilder,
    limits: CsvLimits,
) -> IngestReport {
    let mut report = IngestReport::new(origin);
    report.source_id = Some(source_id.to_owned());
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            report.fatal = Some(format!("cannot read the CSV header: {e}"));
            return report;
        }
    };
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(c_date), Some(c_conf), Some(c_cured), Some(c_dead)) =
        (col("date"), col("confirmed"), col("cured"), col("dead"))
    else {
        report.fatal = Some(format!(
            "not the long case CSV format: the header needs date, confirmed, cured, dead (found: {})",
            headers.iter().collect::<Vec<_>>().join(", ")
        ));
        return report;
    };
    let c_pcode = col("provinceCode");
    let c_city = col("city");
    let c_ccode = col("cityCode");
    let c_susp = col("suspected");
    if c_pcode.is_none() && c_ccode.is_none() {
        report.fatal = Some("the header has neither provinceCode nor cityCode: cannot tell the regions".into());
        return report;
    }

    let registry = builder.registry().clone();
    let mut rows: Vec<Row> = Vec::new();
    let mut seen: HashMap<(Adcode, NaiveDate), usize> = HashMap::new();
    let mut outside: BTreeMap<String, usize> = BTreeMap::new();
    let mut buckets: BTreeMap<String, usize> = BTreeMap::new();

    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let issue = |field: &str, message: String| Issue {
            section: "line".into(),
            row: Some(line),
            field: (!field.is_empty()).then(|| field.to_owned()),
            message,
        };
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                report.rejected.push(issue("", format!("unreadable row: {e}")));
                continue;
            }
        };
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim();
        let Some(date) = parse_date(get(Some(c_date))) else {
            report.rejected.push(issue("date", format!("{:?} is not a date (YYYY-MM-DD)", get(Some(c_date)))));
            continue;
        };
        if !PLAUSIBLE_DATES.contains(&date) {
            report.rejected.push(issue(
                "date",
                format!(
                    "{date} is outside the dates this board takes ({} … {})",
                    PLAUSIBLE_DATES.start(),
                    PLAUSIBLE_DATES.end()
                ),
            ));
            continue;
        }
        let city = get(c_city);
        let ccode = get(c_ccode);
        let pcode = get(c_pcode);
        let (code_text, field) =
            if !city.is_empty() || !ccode.is_empty() { (ccode, "cityCode") } else { (pcode, "provinceCode") };
        let code = match code_text.parse::<Adcode>() {
            Ok(c) => c,
            Err(_) => {
                // Buckets such as 境外输入 (imported) or 未公布来源 (source not announced) are
                // not places: the province row already includes them.
                let label = if city.is_empty() { code_text.to_owned() } else { format!("{city} ({code_text})") };
                *buckets.entry(label).or_default() += 1;
                continue;
            }
        };
        let Some(region) = registry.resolve(code) else {
            let province_known = pcode.parse::<Adcode>().ok().is_some_and(|p| registry.contains(p));
            if province_known {
                report.rejected.push(issue(field, format!("unknown region code {code}")));
            } else {
                *outside.entry(code.to_string()).or_default() += 1;
            }
            continue;
        };
        let count = |c: Option<usize>, name: &str| -> Result<Option<u32>, Issue> {
            let s = get(c);
            if s.is_empty() {
                return Ok(None);
            }
            match s.parse::<i64>() {
                Ok(n) if n < 0 => Err(issue(name, format!("negative count {n}"))),
                Ok(n) => u32::try_from(n).map(Some).map_err(|_| issue(name, format!("count {n} is too large"))),
                Err(_) => Err(issue(name, format!("{s:?} is not a whole number"))),
            }
        };
        let parsed = (|| {
            Ok::<_, Issue>((
                count(Some(c_conf), "confirmed")?,
                count(c_susp, "suspected")?,
                count(Some(c_cured), "cured")?,
                count(Some(c_dead), "dead")?,
            ))
        })();
        let (confirmed, suspected, cured, dead) = match parsed {
            Ok(v) => v,
            Err(e) => {
                report.rejected.push(e);
                continue;
            }
        };
        if let Some(first) = seen.get(&(region, date)) {
            report.rejected.push(issue("", format!("duplicate of line {first} (region {region}, date {date})")));
            continue;
        }
        seen.insert((region, date), line);
        rows.push(Row { line, region, date, confirmed, suspected, cured, dead });
    }

    for (label, n) in &buckets {
        report.warnings.push(Issue::document(format!(
            "{n} rows for {label}: not a place, left out of city figures (the province rows include them)"
        )));
    }
    if !outside.is_empty() {
        let examples: Vec<&str> = outside.keys().take(5).map(String::as_str).collect();
        report.warnings.push(Issue::document(format!(
            "{} rows for regions outside the board's registry skipped (e.g. {})",
            outside.values().sum::<usize>(),
            examples.join(", ")
        )));
    }

    // The period the file spans bounds what it makes (the zero-fill below is one row per
    // city and day of it): a file over the limit is refused before anything is built.
    if let (Some(first), Some(last)) =
        (rows.iter().min_by_key(|r| (r.date, r.line)), rows.iter().max_by_key(|r| r.date))
    {
        let span = (last.date - first.date).num_days();
        if span > i64::from(limits.max_span_days) {
            report.fatal = Some(format!(
                "the file spans {span} days, from {} (line {}) to {} (line {}): more than the {} days one CSV may \
                 span (csv_max_span_years in sitboard.toml); is one of these dates wrong?",
                first.date, first.line, last.date, last.line, limits.max_span_days
            ));
            return report;
        }
    }

    // Group by region, in date order.
    let mut by_region: BTreeMap<Adcode, BTreeMap<NaiveDate, Row>> = BTreeMap::new();
    for r in rows {
        by_region.entry(r.region).or_default().insert(r.date, r);
    }
    let first_day = by_region.values().filter_map(|s| s.keys().next()).min().copied();
    let last_day = by_region.values().filter_map(|s| s.keys().next_back()).max().copied();

    for (region, series) in &by_region {
        let is_city = registry.get(*region).is_some_and(|r| r.level != RegionLevel::Province);
        let name = registry.name(*region, false);
        // The format omits a city's days before its first case: those are zeros by the
        // format's convention (reconstructed, not reported).
        if is_city && let (Some(start), Some(first)) = (first_day, series.keys().next()) {
            let mut d = start;
            while d < *first {
                let mut r = CaseReport::new(*region, d);
                for f in [CaseField::CumulativeConfirmed, CaseField::Cured, CaseField::Deaths, CaseField::Active] {
                    r.counts.set(f, Some(0));
                }
                if d > start {
                    r.counts.set(CaseField::NewConfirmed, Some(0));
                }
                r.source = source_id.to_owned();
                r.reference = Some("zero before the region's first row (format convention)".into());
                builder.add_case_report(r, last_day.map(end_of_day));
                report.accept("case_reports (zero-filled)");
                let Some(next) = d.succ_opt() else { break };
                d = next;
            }
        }
        // The previous day's cumulative counts; zero the day before a zero-filled start.
        let mut prev: Option<Cumulative> = match (first_day, series.keys().next()) {
            (Some(start), Some(first)) if is_city && *first > start => {
                first.pred_opt().map(|date| Cumulative { date, confirmed: Some(0), cured: Some(0), dead: Some(0) })
            }
            _ => None,
        };
        for row in series.values() {
            let mut r = CaseReport::new(*region, row.date);
            r.counts.set(CaseField::CumulativeConfirmed, row.confirmed);
            r.counts.set(CaseField::Suspected, row.suspected);
            r.counts.set(CaseField::Cured, row.cured);
            r.counts.set(CaseField::Deaths, row.dead);
            let mut reported = FieldSet::default();
            for f in [CaseField::CumulativeConfirmed, CaseField::Suspected, CaseField::Cured, CaseField::Deaths] {
                if r.get(f).is_some() {
                    reported.insert(f);
                }
            }
            r.reported = reported;
            if let Some(p) = prev.filter(|p| p.date.succ_opt() == Some(row.date)) {
                for (field, new_field, today, before, what) in [
                    (
                        CaseField::CumulativeConfirmed,
                        CaseField::NewConfirmed,
                        row.confirmed,
                        p.confirmed,
                        "cumulative confirmed",
                    ),
                    (CaseField::Cured, CaseField::NewCured, row.cured, p.cured, "cumulative cured"),
                    (CaseField::Deaths, CaseField::NewDeaths, row.dead, p.dead, "cumulative deaths"),
                ] {
                    let (Some(t), Some(b)) = (today, before) else { continue };
                    if t >= b {
                        r.counts.set(new_field, Some(t - b));
                    } else {
                        let delta = i64::from(t) - i64::from(b);
                        r.corrections.push(Correction { field, delta });
                        report.warnings.push(Issue {
                            section: "line".into(),
                            row: Some(row.line),
                            field: None,
                            message: format!(
                                "{name} {}: {what} fell from {b} to {t} ({delta}); kept as a correction, the day's new count is unknown",
                                row.date
                            ),
                        });
                    }
                }
            }
            if let (Some(c), Some(cu), Some(d)) = (row.confirmed, row.cured, row.dead) {
                match c.checked_sub(cu).and_then(|x| x.checked_sub(d)) {
                    Some(a) => r.counts.set(CaseField::Active, Some(a)),
                    None => report.warnings.push(Issue {
                        section: "line".into(),
                        row: Some(row.line),
                        field: None,
                        message: format!(
                            "{name} {}: cured {cu} + deaths {d} exceed confirmed {c}; active left unknown",
                            row.date
                        ),
                    }),
                }
            }
            r.source = source_id.to_owned();
            r.reference = Some(format!("{origin}, line {}", row.line));
            builder.add_case_report(r, last_day.map(end_of_day));
            report.accept("case_reports");
            prev = Some(Cumulative { date: row.date, confirmed: row.confirmed, cured: row.cured, dead: row.dead });
        }
    }

    if let (Some(first), Some(last)) = (first_day, last_day) {
        builder.add_source(SourceInfo {
            id: source_id.to_owned(),
            name: format!("CSV {origin} ({first} … {last})"),
            origin: origin.to_owned(),
            synthetic: false,
            generated_at: None,
            as_of: Some(end_of_day(last)),
            exercise: false,
        });
    }
    report
}

#[derive(Clone, Copy)]
struct Cumulative {
    date: NaiveDate,
    confirmed: Option<u32>,
    cured: Option<u32>,
    dead: Option<u32>,
}
