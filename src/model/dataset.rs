//! Everything the board knows, merged from all sources and indexed for the panels:
//! the region tree, case reports (with city and province figures summed from lower levels
//! where a level has no report of its own), risk and response levels, checkpoints and
//! throughput, directives, hotline data. Built once per ingest; shared read-only via `Arc`.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};

use super::case::{CaseField, CaseReport, Channel, ReportWindow};
use super::checkpoint::{Checkpoint, Throughput};
use super::directive::Directive;
use super::hotline::{HotlinePeriod, WorkOrder};
use super::hotline_sla::SlaRules;
use super::hotline_stats::HotlineIndex;
use super::region::{Adcode, RegionLevel, RegionRegistry};
use super::response::ResponseLevelChange;
use super::risk::RiskAssessment;

/// One feed source that contributed to the dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceInfo {
    pub id: String,
    pub name: String,
    /// Where it was read from: a path or URL.
    pub origin: String,
    pub synthetic: bool,
    pub generated_at: Option<DateTime<Utc>>,
    pub as_of: Option<DateTime<Utc>>,
    /// The source runs an exercise (演练; e.g. a hub's live demo): its `as_of` is the
    /// exercise clock, and directives logged while following it are exercise records.
    pub exercise: bool,
}

/// A figure of a city or province summed from its subregions that does not fit a count
/// (more than 4,294,967,295): the sum is left unknown rather than clamped or wrapped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SumOverflow {
    pub region: Adcode,
    pub date: NaiveDate,
    /// The field's wire name (or `channels.NAME`).
    pub field: String,
    /// The true sum.
    pub total: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub registry: RegionRegistry,
    pub sources: Vec<SourceInfo>,
    cases: HashMap<Adcode, BTreeMap<NaiveDate, CaseReport>>,
    risk: HashMap<Adcode, Vec<RiskAssessment>>,
    response: HashMap<Adcode, Vec<ResponseLevelChange>>,
    checkpoints: Vec<Checkpoint>,
    throughput: HashMap<String, Vec<Throughput>>,
    directives: Vec<Directive>,
    hotline: Vec<HotlinePeriod>,
    work_orders: Vec<WorkOrder>,
    /// The work orders' deadlines and numbers for the hotline statistics (built with the data).
    hotline_index: std::sync::Arc<HotlineIndex>,
    dates: Vec<NaiveDate>,
    sum_overflows: Vec<SumOverflow>,
}

impl Dataset {
    /// Sums over subregions that were too large to be a count (left unknown).
    pub fn sum_overflows(&self) -> &[SumOverflow] {
        &self.sum_overflows
    }

    /// Whether the data comes from an exercise (演练): its clock is the exercise clock.
    pub fn is_exercise(&self) -> bool {
        self.sources.iter().any(|s| s.exercise)
    }

    pub fn report(&self, region: Adcode, date: NaiveDate) -> Option<&CaseReport> {
        self.cases.get(&region)?.get(&date)
    }

    /// All reports of a region by date (own and summed from lower levels).
    pub fn series(&self, region: Adcode) -> Option<&BTreeMap<NaiveDate, CaseReport>> {
        self.cases.get(&region)
    }

    /// Every reporting day that has at least one case report, sorted.
    pub fn dates(&self) -> &[NaiveDate] {
        &self.dates
    }

    /// Runs of consecutive reporting days (e.g. the 2020 outbreak and Harbin 2022-11).
    pub fn episodes(&self) -> Vec<(NaiveDate, NaiveDate)> {
        let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
        for &d in &self.dates {
            match out.last_mut() {
                Some((_, end)) if end.succ_opt() == Some(d) => *end = d,
                _ => out.push((d, d)),
            }
        }
        out
    }

    pub fn risk_history(&self, region: Adcode) -> &[RiskAssessment] {
        self.risk.get(&region).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The region's risk assessment in force at `t`; `None` when no source vouches for a
    /// level at that instant (never rated, or the last rating's feed ended before `t`).
    pub fn risk_at(&self, region: Adcode, t: DateTime<Utc>) -> Option<&RiskAssessment> {
        self.risk_history(region).iter().take_while(|a| a.since <= t).last().filter(|a| a.covers(t))
    }

    pub fn has_risk_levels(&self) -> bool {
        !self.risk.is_empty()
    }

    pub fn response_history(&self, region: Adcode) -> &[ResponseLevelChange] {
        self.response.get(&region).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The response level in force at `t` for a region: its own, or else the nearest
    /// ancestor's (a province's Level I covers its cities).
    pub fn response_at(&self, region: Adcode, t: DateTime<Utc>) -> Option<&ResponseLevelChange> {
        for code in self.registry.path(region).into_iter().rev() {
            if let Some(c) = self.response_history(code).iter().take_while(|c| c.since <= t).last() {
                return Some(c);
            }
        }
        None
    }

    pub fn checkpoints(&self) -> &[Checkpoint] {
        &self.checkpoints
    }

    pub fn throughput(&self, checkpoint: &str) -> &[Throughput] {
        self.throughput.get(checkpoint).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn directives(&self) -> &[Directive] {
        &self.directives
    }

    pub fn hotline(&self) -> &[HotlinePeriod] {
        &self.hotline
    }

    pub fn work_orders(&self) -> &[WorkOrder] {
        &self.work_orders
    }

    /// The work orders indexed for the hotline statistics, with the time limits they were
    /// judged by (`model::hotline_stats`).
    pub fn hotline_index(&self) -> &HotlineIndex {
        &self.hotline_index
    }

    /// Judge the work orders by other time limits (`[hotline]` in sitboard.toml).
    pub fn set_hotline_rules(&mut self, rules: SlaRules) {
        self.hotline_index = std::sync::Arc::new(HotlineIndex::build(&self.work_orders, rules));
    }

    /// Whether a directive's scope touches a region: the scope contains the region, one of
    /// its ancestors, or one of its descendants.
    pub fn scope_touches(&self, scope: &[Adcode], region: Adcode) -> bool {
        scope.iter().any(|&s| self.registry.is_within(region, s) || self.registry.is_within(s, region))
    }

    /// The newest `as_of` among the sources.
    pub fn as_of(&self) -> Option<DateTime<Utc>> {
        self.sources.iter().filter_map(|s| s.as_of).max()
    }
}

/// Rows keyed for de-duplication, each with the `as_of` of the document it came from.
type Keyed<K, V> = HashMap<K, (V, Option<DateTime<Utc>>)>;

/// Collects rows from any number of documents, resolving conflicts (the row from the
/// source with the newer `as_of` wins per key), then builds the indexed [`Dataset`].
#[derive(Debug, Default)]
pub struct DatasetBuilder {
    registry: RegionRegistry,
    sources: Vec<SourceInfo>,
    cases: Keyed<(Adcode, NaiveDate), CaseReport>,
    risk: Keyed<(Adcode, DateTime<Utc>), RiskAssessment>,
    response: Keyed<(Adcode, DateTime<Utc>), ResponseLevelChange>,
    checkpoints: Keyed<String, Checkpoint>,
    throughput: Keyed<(String, DateTime<Utc>), Throughput>,
    directives: Keyed<(String, String), Directive>,
    hotline: Keyed<(Adcode, NaiveDate, NaiveDate), HotlinePeriod>,
    work_orders: Keyed<String, WorkOrder>,
}

fn put<K: std::hash::Hash + Eq, V>(map: &mut Keyed<K, V>, key: K, value: V, as_of: Option<DateTime<Utc>>) {
    match map.get(&key) {
        Some((_, existing)) if *existing > as_of => {}
        _ => {
            map.insert(key, (value, as_of));
        }
    }
}

impl DatasetBuilder {
    pub fn new(registry: RegionRegistry) -> Self {
        DatasetBuilder { registry, ..Default::default() }
    }

    pub fn registry(&self) -> &RegionRegistry {
        &self.registry
    }

    pub fn registry_mut(&mut self) -> &mut RegionRegistry {
        &mut self.registry
    }

    pub fn add_source(&mut self, info: SourceInfo) {
        self.sources.push(info);
    }

    pub fn add_case_report(&mut self, r: CaseReport, as_of: Option<DateTime<Utc>>) {
        put(&mut self.cases, (r.region, r.date), r, as_of);
    }

    pub fn add_risk(&mut self, a: RiskAssessment, as_of: Option<DateTime<Utc>>) {
        put(&mut self.risk, (a.region, a.since), a, as_of);
    }

    pub fn add_response(&mut self, c: ResponseLevelChange, as_of: Option<DateTime<Utc>>) {
        put(&mut self.response, (c.region, c.since), c, as_of);
    }

    pub fn add_checkpoint(&mut self, c: Checkpoint, as_of: Option<DateTime<Utc>>) {
        put(&mut self.checkpoints, c.id.clone(), c, as_of);
    }

    pub fn has_checkpoint(&self, id: &str) -> bool {
        self.checkpoints.contains_key(id)
    }

    pub fn add_throughput(&mut self, t: Throughput, as_of: Option<DateTime<Utc>>) {
        put(&mut self.throughput, (t.checkpoint.clone(), t.start), t, as_of);
    }

    pub fn add_directive(&mut self, d: Directive, as_of: Option<DateTime<Utc>>) {
        // Look-alike numbers (`哈指7\u{200B}号`, `哈指７号`) are one directive.
        let key =
            (crate::model::text::comparable(&d.content.issuer), crate::model::text::comparable(&d.content.number));
        put(&mut self.directives, key, d, as_of);
    }

    pub fn add_hotline(&mut self, h: HotlinePeriod, as_of: Option<DateTime<Utc>>) {
        put(&mut self.hotline, (h.region, h.from, h.to), h, as_of);
    }

    pub fn add_work_order(&mut self, w: WorkOrder, as_of: Option<DateTime<Utc>>) {
        put(&mut self.work_orders, w.id.clone(), w, as_of);
    }

    pub fn build(self) -> Dataset {
        let mut cases: HashMap<Adcode, BTreeMap<NaiveDate, CaseReport>> = HashMap::new();
        for ((region, date), (r, _)) in self.cases {
            cases.entry(region).or_default().insert(date, r);
        }
        let sum_overflows = aggregate_up(&self.registry, &mut cases);

        let mut dates: Vec<NaiveDate> = cases.values().flat_map(|s| s.keys().copied()).collect();
        dates.sort();
        dates.dedup();

        let mut risk: HashMap<Adcode, Vec<RiskAssessment>> = HashMap::new();
        for (_, (a, _)) in self.risk {
            risk.entry(a.region).or_default().push(a);
        }
        risk.values_mut().for_each(|v| v.sort_by_key(|a| a.since));

        let mut response: HashMap<Adcode, Vec<ResponseLevelChange>> = HashMap::new();
        for (_, (c, _)) in self.response {
            response.entry(c.region).or_default().push(c);
        }
        response.values_mut().for_each(|v| v.sort_by_key(|c| c.since));

        let mut checkpoints: Vec<Checkpoint> = self.checkpoints.into_values().map(|(c, _)| c).collect();
        checkpoints.sort_by(|a, b| a.id.cmp(&b.id));

        let mut throughput: HashMap<String, Vec<Throughput>> = HashMap::new();
        for (_, (t, _)) in self.throughput {
            throughput.entry(t.checkpoint.clone()).or_default().push(t);
        }
        throughput.values_mut().for_each(|v| v.sort_by_key(|t| t.start));

        let mut directives: Vec<Directive> = self.directives.into_values().map(|(d, _)| d).collect();
        directives.sort_by(|a, b| {
            let (ca, cb) = (&a.content, &b.content);
            (a.issued_at, &ca.issuer, &ca.number).cmp(&(b.issued_at, &cb.issuer, &cb.number))
        });

        let mut hotline: Vec<HotlinePeriod> = self.hotline.into_values().map(|(h, _)| h).collect();
        hotline.sort_by_key(|h| (h.from, h.region));

        let mut work_orders: Vec<WorkOrder> = self.work_orders.into_values().map(|(w, _)| w).collect();
        work_orders.sort_by(|a, b| (a.received_at, &a.id).cmp(&(b.received_at, &b.id)));

        let hotline_index = std::sync::Arc::new(HotlineIndex::build(&work_orders, SlaRules::default()));
        Dataset {
            hotline_index,
            registry: self.registry,
            sources: self.sources,
            cases,
            risk,
            response,
            checkpoints,
            throughput,
            directives,
            hotline,
            work_orders,
            dates,
            sum_overflows,
        }
    }
}

/// Where a city or the province has no report of its own on a day, sum its children's
/// reports (own or summed). A field is summed over the children that carry it; the report
/// records how many children reported, so a partial sum is never mistaken for a total.
/// Sums are taken in `u64`; one that does not fit a count is left unknown and returned.
fn aggregate_up(
    registry: &RegionRegistry,
    cases: &mut HashMap<Adcode, BTreeMap<NaiveDate, CaseReport>>,
) -> Vec<SumOverflow> {
    let mut overflows = Vec::new();
    for code in registry.bottom_up() {
        let Some(region) = registry.get(code) else { continue };
        if region.level == RegionLevel::County {
            continue;
        }
        let children = registry.children(code);
        if children.is_empty() {
            continue;
        }
        let mut by_date: BTreeMap<NaiveDate, Vec<&CaseReport>> = BTreeMap::new();
        for ch in children {
            if let Some(series) = cases.get(ch) {
                for (d, r) in series {
                    by_date.entry(*d).or_default().push(r);
                }
            }
        }
        let own = cases.get(&code);
        let mut new_reports = Vec::new();
        for (date, reports) in by_date {
            if own.is_some_and(|s| s.contains_key(&date)) {
                continue;
            }
            new_reports.push(sum_reports(code, date, &reports, children.len(), &mut overflows));
        }
        if !new_reports.is_empty() {
            let series = cases.entry(code).or_default();
            for r in new_reports {
                series.insert(r.date, r);
            }
        }
    }
    overflows
}

fn sum_reports(
    region: Adcode,
    date: NaiveDate,
    reports: &[&CaseReport],
    of: usize,
    overflows: &mut Vec<SumOverflow>,
) -> CaseReport {
    let mut out = CaseReport::new(region, date);
    let mut fits = |field: String, total: u64| match u32::try_from(total) {
        Ok(n) => Some(n),
        Err(_) => {
            overflows.push(SumOverflow { region, date, field, total });
            None
        }
    };
    for f in CaseField::ALL {
        let vals: Vec<u64> = reports.iter().filter_map(|r| r.get(f)).map(u64::from).collect();
        if !vals.is_empty() {
            out.counts.set(f, fits(f.wire_name().to_owned(), vals.iter().sum()));
        }
    }
    let mut channels: BTreeMap<Channel, u64> = BTreeMap::new();
    for r in reports {
        for (c, n) in &r.channels {
            *channels.entry(*c).or_default() += u64::from(*n);
        }
    }
    out.channels = channels
        .into_iter()
        .filter_map(|(c, n)| fits(format!("channels.{}", c.wire_name()), n).map(|n| (c, n)))
        .collect();
    let windows: Vec<Option<ReportWindow>> = reports.iter().map(|r| r.window).collect();
    out.window = windows.first().copied().flatten().filter(|w| windows.iter().all(|x| *x == Some(*w)));
    out.synthetic = reports.iter().all(|r| r.synthetic);
    out.aggregated = Some((u16::try_from(reports.len()).unwrap_or(u16::MAX), u16::try_from(of).unwrap_or(u16::MAX)));
    let mut srcs: Vec<&str> = reports.iter().map(|r| r.source.as_str()).collect();
    srcs.sort();
    srcs.dedup();
    out.source = srcs.join(", ");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::region::tests::small_registry;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, m, day).unwrap()
    }

    fn report(code: u32, date: NaiveDate, active: u32, source: &str) -> CaseReport {
        let mut r = CaseReport::new(Adcode::new(code).unwrap(), date);
        r.counts.set(CaseField::Active, Some(active));
        r.source = source.into();
        r
    }

    #[test]
    fn sums_counties_into_cities_and_province() {
        let mut b = DatasetBuilder::new(small_registry());
        b.add_case_report(report(230110, d(3, 3), 30, "a"), None);
        b.add_case_report(report(230103, d(3, 3), 18, "a"), None);
        b.add_case_report(report(231202, d(3, 3), 8, "a"), None);
        let ds = b.build();
        let harbin = ds.report(Adcode::new(230100).unwrap(), d(3, 3)).unwrap();
        assert_eq!(harbin.get(CaseField::Active), Some(48));
        assert_eq!(harbin.aggregated, Some((2, 2)));
        let prov = ds.report(Adcode::new(230000).unwrap(), d(3, 3)).unwrap();
        assert_eq!(prov.get(CaseField::Active), Some(56));
        // A field nobody reported stays missing, not zero.
        assert_eq!(prov.get(CaseField::Severe), None);
    }

    #[test]
    fn own_report_wins_over_sum() {
        let mut b = DatasetBuilder::new(small_registry());
        b.add_case_report(report(230110, d(3, 3), 30, "a"), None);
        b.add_case_report(report(230100, d(3, 3), 48, "a"), None);
        let ds = b.build();
        let harbin = ds.report(Adcode::new(230100).unwrap(), d(3, 3)).unwrap();
        assert_eq!(harbin.get(CaseField::Active), Some(48));
        assert_eq!(harbin.aggregated, None);
    }

    #[test]
    fn newer_as_of_wins_per_region_and_day() {
        let t1 = DateTime::parse_from_rfc3339("2020-03-04T00:00:00Z").unwrap().to_utc();
        let t2 = DateTime::parse_from_rfc3339("2020-03-05T00:00:00Z").unwrap().to_utc();
        let mut b = DatasetBuilder::new(small_registry());
        b.add_case_report(report(230100, d(3, 3), 50, "new"), Some(t2));
        b.add_case_report(report(230100, d(3, 3), 40, "old"), Some(t1));
        let ds = b.build();
        assert_eq!(ds.report(Adcode::new(230100).unwrap(), d(3, 3)).unwrap().source, "new");
    }

    #[test]
    fn episodes_split_on_gaps() {
        let mut b = DatasetBuilder::new(small_registry());
        for day in [1, 2, 3, 10, 11] {
            b.add_case_report(report(230110, d(3, day), 1, "a"), None);
        }
        let ds = b.build();
        assert_eq!(ds.episodes(), vec![(d(3, 1), d(3, 3)), (d(3, 10), d(3, 11))]);
    }
}
