//! The overview of key figures for one region and day: the numbers on the board's KPI tiles
//! and in `sitboard report`, computed once here so both always agree.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::case::{CaseField, CaseReport, Channel, Provenance, ReportWindow};
use super::checkpoint_stats::{self, RegionCheckpoints};
use super::indicators::Indicators;
use super::region::{Adcode, RegionLevel};
use super::response::ResponseLevel;
use super::risk::{RiskBasis, RiskLevel};
use super::risk_rules::{self, ComputedRisk};
use super::situation::Situation;

/// Where a figure on the board came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FigureSource {
    Reported,
    Reconstructed,
    /// Summed from `children` of `of` lower-level regions.
    Aggregated {
        children: u16,
        of: u16,
    },
    /// Computed by the board from other figures of the same report.
    Derived,
    Synthetic,
    /// Not in any report for this region and day.
    Missing,
}

impl From<Provenance> for FigureSource {
    fn from(p: Provenance) -> Self {
        match p {
            Provenance::Reported => FigureSource::Reported,
            Provenance::Reconstructed => FigureSource::Reconstructed,
            Provenance::Aggregated { children, of } => FigureSource::Aggregated { children, of },
            Provenance::Synthetic => FigureSource::Synthetic,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Figure {
    pub value: Option<u32>,
    pub source: FigureSource,
    /// Change from the previous reporting day, where both days have the figure.
    pub delta: Option<i64>,
    /// A published downward revision on this day, if any.
    pub correction: Option<i64>,
}

impl Figure {
    pub const MISSING: Figure = Figure { value: None, source: FigureSource::Missing, delta: None, correction: None };
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResponseSummary {
    pub level: ResponseLevel,
    pub since: DateTime<Utc>,
    /// The region whose response level applies (the region itself or an ancestor).
    pub region: Adcode,
    /// Set when the situation is later than any source vouches for this level: it is the
    /// last known level, as of this instant, not a current one.
    pub last_known_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RiskCounts {
    pub high: u32,
    pub medium: u32,
    pub low: u32,
    /// County-level units with no level published.
    pub unknown: u32,
    pub total: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RiskSummary {
    /// The region's own level (for a county), with when it took effect and its basis.
    pub level: Option<RiskLevel>,
    pub since: Option<DateTime<Utc>>,
    pub reported: bool,
    /// The region's own level computed by the 2020-02 county rule from its case history.
    pub computed: Option<ComputedRisk>,
    /// Whether the region falls under the "Strict Nine" (a county with ≥ 10 cases).
    pub yan_jiu_tiao: bool,
    /// Counts over the county-level units in the region (published levels).
    pub counts: RiskCounts,
    /// Counts of the levels computed by the rule (`unknown`: the rule could not be applied).
    pub computed_counts: RiskCounts,
    /// Counts of the levels as the map's risk colouring shows them: published, else computed
    /// (one screen, one answer), and how many of those are computed.
    pub shown_counts: RiskCounts,
    pub shown_computed: u32,
    /// Of `counts`, the levels a feed gives as reconstructed by its publisher (not read from
    /// a notice): they must not read as published.
    pub reconstructed: u32,
    /// County-level units whose published and computed levels differ.
    pub disagreements: u32,
    /// County-level units under the "Strict Nine".
    pub yan_jiu_tiao_units: u32,
}

impl RiskCounts {
    fn add(&mut self, level: Option<RiskLevel>) {
        self.total += 1;
        match level {
            Some(RiskLevel::High) => self.high += 1,
            Some(RiskLevel::Medium) => self.medium += 1,
            Some(RiskLevel::Low) => self.low += 1,
            None => self.unknown += 1,
        }
    }
}

/// Local cases derived from all cases minus the imported ones (bulletins from April 2020
/// report the two series separately).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LocalSplit {
    pub new_confirmed: Option<u32>,
    pub cumulative_confirmed: Option<u32>,
    pub active: Option<u32>,
}

impl LocalSplit {
    pub fn get(&self, field: CaseField) -> Option<u32> {
        match field {
            CaseField::NewConfirmed => self.new_confirmed,
            CaseField::CumulativeConfirmed => self.cumulative_confirmed,
            CaseField::Active => self.active,
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DirectiveRef {
    pub number: String,
    pub issuer: String,
    pub title: String,
    pub issued_at: DateTime<Utc>,
    /// Logged in the local journal (not published by a feed).
    pub logged: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Overview {
    pub region: Adcode,
    pub region_name_zh: String,
    pub region_name_en: String,
    pub level: Option<RegionLevel>,
    pub date: NaiveDate,
    pub as_of: DateTime<Utc>,
    /// The part of the day the figures cover, when not the whole day ("00:00–15:00").
    pub window: Option<String>,
    /// Key figures in display order; the core six are always present (possibly missing).
    pub figures: Vec<(CaseField, Figure)>,
    pub channels: Vec<(Channel, u32)>,
    /// Derived indicators of the region's case curve for the day.
    pub indicators: Option<Indicators>,
    /// The region's checkpoints on the day (open/closed, traffic, alarms), when it has any.
    pub checkpoints: Option<RegionCheckpoints>,
    /// Local (本土) cases = all − imported, where the report splits out imported cases.
    pub local: Option<LocalSplit>,
    pub response: Option<ResponseSummary>,
    pub risk: Option<RiskSummary>,
    pub directives_in_force: Vec<DirectiveRef>,
    /// Source ids of the report, and its reference text.
    pub source: Option<String>,
    pub reference: Option<String>,
}

/// Subregions in the board's ranking for the situation's day: most active cases first, then
/// most new (confirmed and asymptomatic), then most cumulative (the overview's table and its
/// CSV export).
pub fn rank_subregions(sit: &Situation, children: &[Adcode]) -> Vec<Adcode> {
    let mut rows = children.to_vec();
    rows.sort_by_key(|c| {
        let r = sit.report(*c);
        let g = |f| r.and_then(|r| r.get(f)).unwrap_or(0);
        (
            std::cmp::Reverse(g(CaseField::Active)),
            std::cmp::Reverse(g(CaseField::NewConfirmed) + g(CaseField::NewAsymptomatic)),
            std::cmp::Reverse(g(CaseField::CumulativeConfirmed)),
            *c,
        )
    });
    rows
}

/// The figures every overview shows, in order.
pub const CORE_FIGURES: [CaseField; 6] = [
    CaseField::NewConfirmed,
    CaseField::Active,
    CaseField::Severe,
    CaseField::Cured,
    CaseField::Deaths,
    CaseField::CumulativeConfirmed,
];

/// Figures shown when the report carries them.
pub const EXTRA_FIGURES: [CaseField; 9] = [
    CaseField::Critical,
    CaseField::NewAsymptomatic,
    CaseField::ActiveAsymptomatic,
    CaseField::Suspected,
    CaseField::NewCured,
    CaseField::UnderObservation,
    CaseField::FeverClinicVisits,
    CaseField::ImportedCumulative,
    CaseField::ImportedActive,
];

impl Overview {
    /// The overview figures of a region for the situation's day (the same numbers the board
    /// and `sitboard report` show).
    pub fn compute(sit: &Situation, region: Adcode) -> Overview {
        let data = sit.data();
        let reg = data.registry.get(region);
        let report = sit.report(region);
        let prev = sit.date().pred_opt().and_then(|d| sit.report_on(region, d));

        let mut figures = Vec::new();
        for f in CORE_FIGURES {
            figures.push((f, figure(report, prev, f)));
        }
        for f in EXTRA_FIGURES {
            let fig = figure(report, prev, f);
            if fig.value.is_some() {
                figures.push((f, fig));
            }
        }

        let response = sit.response(region).map(|c| ResponseSummary {
            level: c.level,
            since: c.since,
            region: c.region,
            last_known_at: c.known_until.filter(|k| *k < sit.as_of()),
        });

        let has_counties = !data.registry.counties_under(region).is_empty();
        let risk = if data.has_risk_levels() || has_counties {
            let mut counts = RiskCounts::default();
            let mut computed_counts = RiskCounts::default();
            let mut shown_counts = RiskCounts::default();
            let mut shown_computed = 0;
            let mut reconstructed = 0;
            let mut disagreements = 0;
            let mut yan_jiu_tiao_units = 0;
            for county in data.registry.counties_under(region) {
                let given = sit.risk(county);
                if given.is_some_and(|a| matches!(a.basis, RiskBasis::Reconstructed { .. })) {
                    reconstructed += 1;
                }
                let published = given.map(|a| a.level);
                let computed = risk_rules::computed_level(sit, county).map(|c| c.level);
                counts.add(published);
                computed_counts.add(computed);
                shown_counts.add(published.or(computed));
                if published.is_none() && computed.is_some() {
                    shown_computed += 1;
                }
                if let (Some(p), Some(c)) = (published, computed)
                    && p != c
                {
                    disagreements += 1;
                }
                let cum = sit.report(county).and_then(|r| r.get(CaseField::CumulativeConfirmed));
                if risk_rules::yan_jiu_tiao(cum, sit.date()) {
                    yan_jiu_tiao_units += 1;
                }
            }
            let own = sit.risk(region);
            let own_cum = report.and_then(|r| r.get(CaseField::CumulativeConfirmed));
            let is_county = reg.is_some_and(|r| r.level == RegionLevel::County);
            Some(RiskSummary {
                level: own.map(|a| a.level),
                since: own.map(|a| a.since),
                reported: own.is_some_and(|a| matches!(a.basis, RiskBasis::Reported { .. })),
                computed: if is_county { risk_rules::computed_level(sit, region) } else { None },
                yan_jiu_tiao: is_county && risk_rules::yan_jiu_tiao(own_cum, sit.date()),
                counts,
                computed_counts,
                shown_counts,
                shown_computed,
                reconstructed,
                disagreements,
                yan_jiu_tiao_units,
            })
        } else {
            None
        };

        let directives_in_force = sit
            .directives_in_force(region)
            .into_iter()
            .map(|d| DirectiveRef {
                number: d.content.number.clone(),
                issuer: d.content.issuer.clone(),
                title: d.content.title.clone(),
                issued_at: d.issued_at,
                logged: sit.is_logged(d),
            })
            .collect();

        let local = report.and_then(|r| {
            let minus = |all: CaseField, imp: CaseField| r.get(all)?.checked_sub(r.get(imp)?);
            let split = LocalSplit {
                new_confirmed: minus(CaseField::NewConfirmed, CaseField::ImportedNew),
                cumulative_confirmed: minus(CaseField::CumulativeConfirmed, CaseField::ImportedCumulative),
                active: minus(CaseField::Active, CaseField::ImportedActive),
            };
            (split != LocalSplit::default()).then_some(split)
        });

        Overview {
            region,
            indicators: sit.indicators(region),
            checkpoints: Some(checkpoint_stats::region_checkpoints(sit, region)).filter(|c| c.total > 0),
            local,
            region_name_zh: reg.map(|r| r.name_zh.clone()).unwrap_or_else(|| region.to_string()),
            region_name_en: reg.map(|r| r.name_en.clone()).unwrap_or_else(|| region.to_string()),
            level: reg.map(|r| r.level),
            date: sit.date(),
            as_of: sit.as_of(),
            window: report.and_then(|r| r.window).map(format_window),
            figures,
            channels: report.map(|r| r.channels.clone()).unwrap_or_default(),
            response,
            risk,
            directives_in_force,
            source: report.map(|r| r.source.clone()),
            reference: report.and_then(|r| r.reference.clone()),
        }
    }

    pub fn figure(&self, field: CaseField) -> Figure {
        self.figures.iter().find(|(f, _)| *f == field).map(|(_, fig)| *fig).unwrap_or(Figure::MISSING)
    }
}

pub fn format_window(w: ReportWindow) -> String {
    format!("{}–{}", w.from.format("%H:%M"), w.to.format("%H:%M"))
}

/// A figure with its source; where the report lacks active or new confirmed but carries
/// what they follow from, derive them (active = cumulative − cured − deaths).
fn figure(report: Option<&CaseReport>, prev: Option<&CaseReport>, f: CaseField) -> Figure {
    let Some(r) = report else { return Figure::MISSING };
    let (value, source) = match r.value(f) {
        Some((v, p)) => (Some(v), FigureSource::from(p)),
        None => match derive(r, prev, f) {
            Some(v) => (Some(v), FigureSource::Derived),
            None => (None, FigureSource::Missing),
        },
    };
    let prev_value = prev.and_then(|p| p.get(f).or_else(|| derive(p, None, f)));
    let delta = match (value, prev_value) {
        (Some(a), Some(b)) if !f.is_daily_flow() => Some(i64::from(a) - i64::from(b)),
        _ => None,
    };
    Figure { value, source, delta, correction: r.correction(f) }
}

fn derive(r: &CaseReport, prev: Option<&CaseReport>, f: CaseField) -> Option<u32> {
    match f {
        CaseField::Active => {
            let cum = r.get(CaseField::CumulativeConfirmed)?;
            let cured = r.get(CaseField::Cured)?;
            let deaths = r.get(CaseField::Deaths)?;
            cum.checked_sub(cured)?.checked_sub(deaths)
        }
        CaseField::NewConfirmed => {
            let today = r.get(CaseField::CumulativeConfirmed)?;
            let yesterday = prev?.get(CaseField::CumulativeConfirmed)?;
            today.checked_sub(yesterday)
        }
        _ => None,
    }
}
