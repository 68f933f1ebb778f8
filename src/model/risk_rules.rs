//! The risk rules of the time, as pure functions of a county's case history
//! (`shared/domain/rules.md` §2): the State Council county scheme of 2020-02-17 and
//! Heilongjiang's "Strict Nine" (严九条) flag of 2020-02-18. The board computes levels with
//! them where no level is published, and shows where computed and published levels differ.

use chrono::NaiveDate;
use serde::Serialize;

use super::case::CaseField;
use super::region::Adcode;
use super::risk::RiskLevel;
use super::situation::Situation;

/// The first day the county scheme applied.
pub fn county_scheme_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 2, 17).unwrap_or(NaiveDate::MIN)
}

/// The first day of the "Strict Nine" rule.
pub fn yan_jiu_tiao_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 2, 18).unwrap_or(NaiveDate::MIN)
}

/// Cumulative confirmed cases from which a county falls under the "Strict Nine".
pub const YAN_JIU_TIAO_THRESHOLD: u32 = 10;
/// Cumulative confirmed cases above which the scheme looks at clusters.
pub const COUNTY_CUMULATIVE_THRESHOLD: u32 = 50;
/// Days without a new confirmed case after which a county is low risk.
pub const CLEAR_DAYS: u32 = 14;

/// One day of a county's history, as the rule needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleDay {
    pub date: NaiveDate,
    pub new_confirmed: Option<u32>,
    pub cumulative: Option<u32>,
    /// New clusters (聚集性疫情) reported that day; `None` when the feed does not say.
    pub new_clusters: Option<u32>,
}

/// Why the rule gave its level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleReason {
    /// No confirmed case at all.
    NoCase,
    /// 14 days in a row without a new confirmed case.
    ClearFourteenDays,
    /// A new case within 14 days, cumulative ≤ 50.
    RecentCaseAtMostFifty,
    /// Cumulative > 50, a new case within 14 days, no cluster within 14 days.
    OverFiftyNoCluster,
    /// Cumulative > 50 and a cluster within 14 days.
    OverFiftyWithCluster,
    /// Cumulative > 50 with a new case within 14 days, and the data does not say whether a
    /// cluster occurred: the higher level is assumed.
    OverFiftyClusterUnknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ComputedRisk {
    pub level: RiskLevel,
    pub reason: RuleReason,
}

/// The level under the 2020-02-17 county scheme at the end of `date`, from the history up
/// to and including `date`. `None` when the history does not cover the last 14 days (a
/// missing day is not a day without cases) or has no cumulative count.
pub fn county_level_2020(history: &[RuleDay], date: NaiveDate) -> Option<ComputedRisk> {
    let upto: Vec<&RuleDay> = history.iter().filter(|d| d.date <= date).collect();
    let today = upto.last().filter(|d| d.date == date)?;
    let cumulative = today.cumulative?;
    if cumulative == 0 {
        return Some(ComputedRisk { level: RiskLevel::Low, reason: RuleReason::NoCase });
    }
    // The 14 days ending today, all present.
    let window: Vec<&&RuleDay> = upto.iter().rev().take(CLEAR_DAYS as usize).collect();
    let first_day = date - chrono::Duration::days(i64::from(CLEAR_DAYS) - 1);
    let complete = window.len() == CLEAR_DAYS as usize
        && window.last().is_some_and(|d| d.date == first_day)
        && window.iter().all(|d| d.new_confirmed.is_some());
    if !complete {
        return None;
    }
    let new_in_window: u32 = window.iter().filter_map(|d| d.new_confirmed).sum();
    if new_in_window == 0 {
        return Some(ComputedRisk { level: RiskLevel::Low, reason: RuleReason::ClearFourteenDays });
    }
    if cumulative <= COUNTY_CUMULATIVE_THRESHOLD {
        return Some(ComputedRisk { level: RiskLevel::Medium, reason: RuleReason::RecentCaseAtMostFifty });
    }
    let clusters: Option<u32> = window.iter().map(|d| d.new_clusters).sum();
    Some(match clusters {
        Some(0) => ComputedRisk { level: RiskLevel::Medium, reason: RuleReason::OverFiftyNoCluster },
        Some(_) => ComputedRisk { level: RiskLevel::High, reason: RuleReason::OverFiftyWithCluster },
        None => ComputedRisk { level: RiskLevel::High, reason: RuleReason::OverFiftyClusterUnknown },
    })
}

/// Whether a county falls under the "Strict Nine" on `date`: from 2020-02-18, cumulative
/// confirmed ≥ 10.
pub fn yan_jiu_tiao(cumulative: Option<u32>, date: NaiveDate) -> bool {
    date >= yan_jiu_tiao_start() && cumulative.is_some_and(|c| c >= YAN_JIU_TIAO_THRESHOLD)
}

/// A county's rule history from the situation (up to the day in view). The rule reads the
/// last 14 reports only, so only those are taken, with the one before them (a day's new
/// cases may be derived from the cumulative count of the day before): the same days as from
/// the whole history, without walking it (the board computes this for every county each
/// time the day changes, e.g. 10 times a second while playing).
pub fn rule_days(sit: &Situation, county: Adcode) -> Vec<RuleDay> {
    let history: Vec<_> = sit.history(county).collect();
    let recent = &history[history.len().saturating_sub(CLEAR_DAYS as usize + 1)..];
    let daily: std::collections::HashMap<NaiveDate, Option<u32>> =
        super::indicators::daily_new(recent.iter().copied()).into_iter().collect();
    recent
        .iter()
        .copied()
        .map(|(d, r)| RuleDay {
            date: *d,
            new_confirmed: daily.get(d).copied().flatten(),
            cumulative: r.get(CaseField::CumulativeConfirmed),
            new_clusters: None,
        })
        .collect()
}

/// The computed level of a county for the situation's day. Before 2020-02-17 the rule did
/// not exist yet; the level is then a retrospective reading (see [`county_scheme_start`]).
pub fn computed_level(sit: &Situation, county: Adcode) -> Option<ComputedRisk> {
    county_level_2020(&rule_days(sit, county), sit.date())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, m, day).unwrap()
    }

    /// `news` from `start`, with cumulative counts accumulated from `base`.
    fn history(start: NaiveDate, base: u32, news: &[u32], clusters: Option<u32>) -> Vec<RuleDay> {
        let mut cum = base;
        news.iter()
            .enumerate()
            .map(|(i, n)| {
                cum += n;
                RuleDay {
                    date: start + chrono::Duration::days(i as i64),
                    new_confirmed: Some(*n),
                    cumulative: Some(cum),
                    new_clusters: clusters,
                }
            })
            .collect()
    }

    #[test]
    fn low_medium_high_as_in_the_2020_scheme() {
        // No case at all: low.
        let h = history(d(2, 1), 0, &[0; 20], None);
        assert_eq!(county_level_2020(&h, d(2, 20)).unwrap().reason, RuleReason::NoCase);
        // A case 13 days ago: medium; 14 clear days: low.
        let mut news = vec![0; 6];
        news.push(1);
        news.extend([0; 14]);
        let h = history(d(2, 1), 0, &news, None);
        assert_eq!(county_level_2020(&h, d(2, 20)).unwrap().level, RiskLevel::Medium);
        let low = county_level_2020(&h, d(2, 21)).unwrap();
        assert_eq!((low.level, low.reason), (RiskLevel::Low, RuleReason::ClearFourteenDays));
        // Over 50 with a recent case: high with a cluster, medium without, high (assumed)
        // when nobody says.
        let h = history(d(2, 1), 60, &[2; 14], Some(1));
        assert_eq!(county_level_2020(&h, d(2, 14)).unwrap().level, RiskLevel::High);
        let h = history(d(2, 1), 60, &[2; 14], Some(0));
        let c = county_level_2020(&h, d(2, 14)).unwrap();
        assert_eq!((c.level, c.reason), (RiskLevel::Medium, RuleReason::OverFiftyNoCluster));
        let h = history(d(2, 1), 60, &[2; 14], None);
        assert_eq!(county_level_2020(&h, d(2, 14)).unwrap().reason, RuleReason::OverFiftyClusterUnknown);
        // Over 50 but 14 days clear: low.
        let h = history(d(2, 1), 60, &[0; 14], None);
        assert_eq!(county_level_2020(&h, d(2, 14)).unwrap().level, RiskLevel::Low);
    }

    #[test]
    fn gaps_give_no_level_rather_than_a_wrong_one() {
        let mut h = history(d(2, 1), 5, &[0; 14], None);
        h[5].new_confirmed = None;
        assert_eq!(county_level_2020(&h, d(2, 14)), None);
        let h = history(d(2, 1), 5, &[0; 10], None);
        assert_eq!(county_level_2020(&h, d(2, 10)), None, "fewer than 14 days of history");
        let h = history(d(2, 1), 0, &[0; 3], None);
        assert_eq!(county_level_2020(&h, d(2, 3)).unwrap().reason, RuleReason::NoCase);
    }

    #[test]
    fn strict_nine_from_2020_02_18_at_ten_cases() {
        assert!(!yan_jiu_tiao(Some(12), d(2, 17)));
        assert!(yan_jiu_tiao(Some(10), d(2, 18)));
        assert!(!yan_jiu_tiao(Some(9), d(3, 1)));
        assert!(!yan_jiu_tiao(None, d(3, 1)));
    }
}
