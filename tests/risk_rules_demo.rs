//! The February 2020 county rule and the "Strict Nine" applied to the bundled demo: on
//! 2020-03-04 the published state is 9 medium and 116 low county-level units; the computed
//! levels and their disagreements with the published ones are the ones the demo's
//! SOURCES.md documents.

use std::sync::Arc;

use chrono::NaiveDate;
use sitboard::feed::{FeedSource, load_sources, registry};
use sitboard::model::risk_rules::{self, RuleReason};
use sitboard::model::{Adcode, Overview, RiskLevel, Situation};

fn sit(day: &str) -> Situation {
    let dir = sitboard::settings::paths::bundled_demo_dir().expect("bundled demo folder data/demo");
    let outcome = load_sources(&[FeedSource::Path(dir)], registry::bundled().unwrap());
    Situation::at_end_of(Arc::new(outcome.dataset), NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap())
}

fn code(c: u32) -> Adcode {
    Adcode::new(c).unwrap()
}

#[test]
fn march_4_published_and_computed_levels() {
    let s = sit("2020-03-04");
    let ov = Overview::compute(&s, code(230000));
    let risk = ov.risk.unwrap();
    let c = risk.counts;
    assert_eq!((c.high, c.medium, c.low, c.unknown, c.total), (0, 9, 116, 0, 125));
    // Computed from the demo's case history with the 2020-02 rule.
    let k = risk.computed_counts;
    assert_eq!(k.total, 125);
    assert_eq!(k.high, 0, "no county exceeds 50 local cases in the demo");
    // Where they differ: the units whose published level the case history cannot explain,
    // as documented in data/demo/SOURCES.md (阳明区, 绥棱县, 建华区 stay medium 2 days longer
    // than the rule allows; 西安区's case of 03-04 makes the rule say medium a day early).
    let reg = &s.data().registry;
    let mut differ: Vec<String> = reg
        .counties_under(code(230000))
        .into_iter()
        .filter(|c| {
            let p = s.risk(*c).map(|a| a.level);
            let k = risk_rules::computed_level(&s, *c).map(|r| r.level);
            p.is_some() && k.is_some() && p != k
        })
        .map(|c| reg.name(c, false))
        .collect();
    differ.sort();
    assert_eq!(risk.disagreements as usize, differ.len());
    assert_eq!(differ, ["建华区", "绥棱县", "西安区", "阳明区"]);
    // Xi'an district: a new case on 03-04, ≤ 50 cases: medium by the rule.
    let xian = risk_rules::computed_level(&s, code(231005)).unwrap();
    assert_eq!((xian.level, xian.reason), (RiskLevel::Medium, RuleReason::RecentCaseAtMostFifty));
}

#[test]
fn strict_nine_units_in_the_demo() {
    // From 2020-02-18 on, every county-level unit with ≥ 10 cases.
    let s = sit("2020-03-04");
    let reg = &s.data().registry;
    let mut flagged: Vec<String> = reg
        .counties_under(code(230000))
        .into_iter()
        .filter(|c| {
            let cum = s.report(*c).and_then(|r| r.get(sitboard::model::CaseField::CumulativeConfirmed));
            risk_rules::yan_jiu_tiao(cum, s.date())
        })
        .map(|c| reg.name(c, false))
        .collect();
    flagged.sort();
    assert_eq!(
        flagged,
        ["五常市", "北林区", "南岗区", "友谊县", "尖山区", "建华区", "恒山区", "道外区", "道里区", "香坊区", "鸡冠区"]
    );
    assert_eq!(Overview::compute(&s, code(230000)).risk.unwrap().yan_jiu_tiao_units, 11);
    // Not before the rule existed.
    let early = sit("2020-02-17");
    assert_eq!(Overview::compute(&early, code(230000)).risk.unwrap().yan_jiu_tiao_units, 0);
}

/// The rule reads only a county's last 14 reports (and the one before them); the level must
/// be the one read from its whole history, for every county on every day of the demo.
#[test]
fn the_last_fifteen_reports_give_the_same_level_as_the_whole_history() {
    use sitboard::model::CaseField;
    use sitboard::model::indicators::daily_new;
    use sitboard::model::risk_rules::RuleDay;
    let first = sit("2020-01-21");
    let data = first.dataset_arc().clone();
    let counties: Vec<Adcode> = data
        .registry
        .iter_sorted()
        .filter(|r| r.level == sitboard::model::RegionLevel::County)
        .map(|r| r.adcode)
        .collect();
    let mut compared = 0;
    for date in data.dates() {
        let s = Situation::at_end_of(data.clone(), *date);
        for c in &counties {
            let daily: std::collections::HashMap<NaiveDate, Option<u32>> =
                daily_new(s.history(*c)).into_iter().collect();
            let whole: Vec<RuleDay> = s
                .history(*c)
                .map(|(d, r)| RuleDay {
                    date: *d,
                    new_confirmed: daily.get(d).copied().flatten(),
                    cumulative: r.get(CaseField::CumulativeConfirmed),
                    new_clusters: None,
                })
                .collect();
            assert_eq!(
                risk_rules::computed_level(&s, *c),
                risk_rules::county_level_2020(&whole, *date),
                "{c} on {date}"
            );
            compared += 1;
        }
    }
    assert!(compared > 10_000, "{compared} county-days compared");
}
