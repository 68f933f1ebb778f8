//! What the map colours counties by, and the legend: published or computed risk level,
//! active cases, new cases in 7 days, or new cases in 7 days per 100 000 people. Values
//! are computed from the `Situation` once per (data, day, mode) and cached by the map.

use std::collections::HashMap;

use egui::Color32;

use crate::i18n::Tr;
use crate::model::risk_rules::{self, ComputedRisk};
use crate::model::{Adcode, CaseField, RegionLevel, RiskLevel, Situation};
use crate::ui::theme;

pub use crate::settings::MapMode;

/// Everything the map shows about one county.
#[derive(Clone, Copy, Debug, Default)]
pub struct CountyState {
    pub published: Option<RiskLevel>,
    pub published_since: Option<chrono::DateTime<chrono::Utc>>,
    pub computed: Option<ComputedRisk>,
    pub active: Option<u32>,
    pub new_7d: Option<u32>,
    pub per_100k: Option<f64>,
    pub yan_jiu_tiao: bool,
    /// Open 12345 work orders past a deadline (none: no work orders in the data).
    pub hotline_overdue: Option<u32>,
}

impl CountyState {
    pub fn disagrees(&self) -> bool {
        matches!((self.published, self.computed), (Some(p), Some(c)) if p != c.level)
    }

    /// The level the risk mode shows: the published one, else the computed one.
    pub fn shown_level(&self) -> Option<RiskLevel> {
        self.published.or(self.computed.map(|c| c.level))
    }
}

pub fn county_states(sit: &Situation) -> HashMap<Adcode, CountyState> {
    let data = sit.data();
    let index = data.hotline_index();
    let overdue = (!index.is_empty()).then(|| index.overdue_by_region(sit.as_of()));
    let mut out = HashMap::new();
    for r in data.registry.iter_sorted().filter(|r| r.level == RegionLevel::County) {
        let code = r.adcode;
        let report = sit.report(code);
        let daily = sit.daily_new(code);
        let last7: Option<u32> = (daily.len() >= 7 && daily.last().is_some_and(|(d, _)| *d == sit.date()))
            .then(|| daily[daily.len() - 7..].iter().map(|(_, n)| *n).sum::<Option<u32>>())
            .flatten();
        let published = sit.risk(code);
        let cum = report.and_then(|r| r.get(CaseField::CumulativeConfirmed));
        out.insert(
            code,
            CountyState {
                published: published.map(|a| a.level),
                published_since: published.map(|a| a.since),
                computed: risk_rules::computed_level(sit, code),
                active: report.and_then(|r| r.get(CaseField::Active)),
                new_7d: last7,
                per_100k: last7
                    .zip(r.population)
                    .filter(|(_, p)| *p > 0)
                    .map(|(n, p)| f64::from(n) * 100_000.0 / p as f64),
                yan_jiu_tiao: risk_rules::yan_jiu_tiao(cum, sit.date()),
                hotline_overdue: overdue.as_ref().map(|o| o.get(&code).copied().unwrap_or(0)),
            },
        );
    }
    out
}

/// A legend class: its colour, its label, and whether a value falls in it.
pub struct Class {
    pub colour: Color32,
    pub label: String,
}

const SEQ: [Color32; 6] = [
    Color32::from_rgb(0x1e, 0x33, 0x52),
    Color32::from_rgb(0xfd, 0xe6, 0x8a),
    Color32::from_rgb(0xfb, 0xbf, 0x24),
    Color32::from_rgb(0xf9, 0x73, 0x16),
    Color32::from_rgb(0xdc, 0x26, 0x26),
    Color32::from_rgb(0x8b, 0x1a, 0x1a),
];
/// Class breaks for counts: 0, 1–4, 5–9, 10–19, 20–49, 50+.
const COUNT_BREAKS: [f64; 5] = [1.0, 5.0, 10.0, 20.0, 50.0];
/// Class breaks for rates per 100 000: 0, <1, 1–5, 5–10, 10–20, 20+.
const RATE_BREAKS: [f64; 5] = [f64::MIN_POSITIVE, 1.0, 5.0, 10.0, 20.0];

impl MapMode {
    pub const ALL: [MapMode; 6] = [
        MapMode::Risk,
        MapMode::RiskComputed,
        MapMode::Active,
        MapMode::New7Days,
        MapMode::New7DaysPer100k,
        MapMode::HotlineOverdue,
    ];

    pub fn label(self, tr: &Tr) -> &'static str {
        match self {
            MapMode::Risk => tr.map.map_mode_risk,
            MapMode::RiskComputed => tr.map.map_mode_risk_computed,
            MapMode::Active => tr.case_field(CaseField::Active),
            MapMode::New7Days => tr.map.map_mode_new7,
            MapMode::New7DaysPer100k => tr.map.map_mode_per100k,
            MapMode::HotlineOverdue => tr.hotline.map_mode,
        }
    }

    /// The legend classes of the mode, in order (the last one is "no data").
    pub fn classes(self, tr: &Tr) -> Vec<Class> {
        let c = |colour, label: String| Class { colour, label };
        match self {
            MapMode::Risk | MapMode::RiskComputed => vec![
                c(theme::RISK_HIGH, tr.risk.risk_level(RiskLevel::High).into()),
                c(theme::RISK_MEDIUM, tr.risk.risk_level(RiskLevel::Medium).into()),
                c(theme::RISK_LOW, tr.risk.risk_level(RiskLevel::Low).into()),
                c(theme::UNKNOWN, tr.risk.risk_unknown.into()),
            ],
            MapMode::Active | MapMode::New7Days | MapMode::HotlineOverdue => {
                let labels = ["0", "1–4", "5–9", "10–19", "20–49", "50+"];
                let mut v: Vec<Class> = SEQ.iter().zip(labels).map(|(col, l)| c(*col, l.into())).collect();
                v.push(c(theme::UNKNOWN, tr.map.no_data.into()));
                v
            }
            MapMode::New7DaysPer100k => {
                let labels = ["0", "<1", "1–5", "5–10", "10–20", "20+"];
                let mut v: Vec<Class> = SEQ.iter().zip(labels).map(|(col, l)| c(*col, l.into())).collect();
                v.push(c(theme::UNKNOWN, tr.map.no_data.into()));
                v
            }
        }
    }

    /// The legend class index of a county.
    pub fn class_of(self, s: &CountyState) -> usize {
        let by_breaks = |v: Option<f64>, breaks: &[f64; 5]| match v {
            None => 6,
            Some(x) => breaks.iter().take_while(|b| x >= **b).count(),
        };
        let risk = |l: Option<RiskLevel>| match l {
            Some(RiskLevel::High) => 0,
            Some(RiskLevel::Medium) => 1,
            Some(RiskLevel::Low) => 2,
            None => 3,
        };
        match self {
            MapMode::Risk => risk(s.shown_level()),
            MapMode::RiskComputed => risk(s.computed.map(|c| c.level)),
            MapMode::Active => by_breaks(s.active.map(f64::from), &COUNT_BREAKS),
            MapMode::New7Days => by_breaks(s.new_7d.map(f64::from), &COUNT_BREAKS),
            MapMode::New7DaysPer100k => by_breaks(s.per_100k, &RATE_BREAKS),
            MapMode::HotlineOverdue => by_breaks(s.hotline_overdue.map(f64::from), &COUNT_BREAKS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_breaks() {
        let s = |active| CountyState { active, ..Default::default() };
        let m = MapMode::Active;
        assert_eq!(m.class_of(&s(Some(0))), 0);
        assert_eq!(m.class_of(&s(Some(1))), 1);
        assert_eq!(m.class_of(&s(Some(9))), 2);
        assert_eq!(m.class_of(&s(Some(10))), 3);
        assert_eq!(m.class_of(&s(Some(50))), 5);
        assert_eq!(m.class_of(&s(None)), 6);
        let r = |per_100k| CountyState { per_100k, ..Default::default() };
        assert_eq!(MapMode::New7DaysPer100k.class_of(&r(Some(0.0))), 0);
        assert_eq!(MapMode::New7DaysPer100k.class_of(&r(Some(0.4))), 1);
        assert_eq!(MapMode::New7DaysPer100k.class_of(&r(Some(25.0))), 5);
    }
}
