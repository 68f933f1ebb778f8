//! Derived indicators of a region's case curve, computed from its daily new confirmed cases
//! up to a day: 7-day average, week-over-week growth, doubling or halving time, days since
//! the last new case (the "14 days without a new case" rule) and the longest run of days
//! without one. Pure functions over a daily series; missing days are never taken as zero.

use chrono::NaiveDate;
use serde::Serialize;

use super::case::{CaseField, CaseReport};

/// One reporting day's new confirmed cases; `None` when the day has no (derivable) figure.
pub type DailyNew = (NaiveDate, Option<u32>);

/// The longest gap between two reports filled day by day in [`daily_new`]; a longer one
/// (e.g. the years between two outbreaks, or a date typed wrong) is one `None` entry, so a
/// series never holds an entry per day of a gap.
pub const MAX_FILLED_GAP_DAYS: i64 = 31;

/// Daily new confirmed cases from a region's reports in date order, one entry per calendar
/// day from the first report to the last (gaps are `None`). A gap longer than
/// [`MAX_FILLED_GAP_DAYS`] is a single `None` entry dated the day before the report after
/// it: every run of entries without a `None` is still consecutive days, so a 7-day window
/// across the gap is unknown, as it would be with every day listed. Where a report lacks the
/// new count but it follows from two consecutive cumulative counts, it is derived.
pub fn daily_new<'a>(reports: impl IntoIterator<Item = (&'a NaiveDate, &'a CaseReport)>) -> Vec<DailyNew> {
    let mut out: Vec<DailyNew> = Vec::new();
    let mut prev_cum: Option<(NaiveDate, u32)> = None;
    for (d, r) in reports {
        if let Some((last, _)) = out.last()
            && (*d - *last).num_days() > MAX_FILLED_GAP_DAYS
            && let Some(before) = d.pred_opt()
        {
            out.push((before, None));
        }
        while let Some((last, _)) = out.last() {
            match last.succ_opt() {
                Some(next) if next < *d => out.push((next, None)),
                _ => break,
            }
        }
        let cum = r.get(CaseField::CumulativeConfirmed);
        let derived = match (cum, prev_cum) {
            (Some(c), Some((pd, pc))) if pd.succ_opt() == Some(*d) => c.checked_sub(pc),
            _ => None,
        };
        out.push((*d, r.get(CaseField::NewConfirmed).or(derived)));
        prev_cum = cum.map(|c| (*d, c));
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SinceLastNew {
    /// `days` full days without a new case since `last` (0: a new case today).
    Days { days: u32, last: NaiveDate },
    /// No new case at all in the `days` days the data covers.
    NoneInData { days: u32 },
    /// A day without a figure interrupts the count.
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ZeroStreak {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub days: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Indicators {
    pub date: NaiveDate,
    /// Mean daily new cases over the 7 days ending on `date` (all 7 must be known).
    pub avg7_new: Option<f64>,
    /// New cases in the 7 days to `date` over the 7 days before, minus one (0.25 = +25 %).
    pub week_growth: Option<f64>,
    /// At the current weekly growth rate, days until the weekly count doubles.
    pub doubling_days: Option<f64>,
    /// At the current weekly decline, days until the weekly count halves.
    pub halving_days: Option<f64>,
    pub since_last_new: SinceLastNew,
    /// Whether the region has gone 14 full days without a new case.
    pub fourteen_days_clear: bool,
    /// The longest run of days without a new case after the first case, up to `date`.
    pub longest_zero_streak: Option<ZeroStreak>,
}

impl Indicators {
    /// Indicators for `date` from a daily series (as from [`daily_new`]); entries after
    /// `date` are ignored.
    pub fn compute(series: &[DailyNew], date: NaiveDate) -> Indicators {
        let upto: Vec<DailyNew> = series.iter().copied().take_while(|(d, _)| *d <= date).collect();
        let ends_today = upto.last().is_some_and(|(d, _)| *d == date);
        let window = |end_offset: usize| -> Option<u32> {
            // Sum of the 7 days ending `end_offset` days before `date`; all must be known.
            if !ends_today || upto.len() < end_offset + 7 {
                return None;
            }
            let end = upto.len() - end_offset;
            upto[end - 7..end].iter().map(|(_, n)| *n).sum::<Option<u32>>()
        };
        let this_week = window(0);
        let last_week = window(7);
        let avg7_new = this_week.map(|s| f64::from(s) / 7.0);
        let week_growth = match (this_week, last_week) {
            (Some(a), Some(b)) if b > 0 => Some(f64::from(a) / f64::from(b) - 1.0),
            _ => None,
        };
        let rate = match (this_week, last_week) {
            (Some(a), Some(b)) if a > 0 && b > 0 && a != b => Some((f64::from(a) / f64::from(b)).ln() / 7.0),
            _ => None,
        };
        let ln2 = std::f64::consts::LN_2;
        let doubling_days = rate.filter(|r| *r > 0.0).map(|r| ln2 / r);
        let halving_days = rate.filter(|r| *r < 0.0).map(|r| ln2 / -r);

        let since_last_new = if !ends_today {
            SinceLastNew::Unknown
        } else {
            let mut days = 0u32;
            let mut result = SinceLastNew::NoneInData { days: 0 };
            let mut found = false;
            for (d, n) in upto.iter().rev() {
                match n {
                    Some(0) => days += 1,
                    Some(_) => {
                        result = SinceLastNew::Days { days, last: *d };
                        found = true;
                        break;
                    }
                    None => {
                        result = SinceLastNew::Unknown;
                        found = true;
                        break;
                    }
                }
            }
            if !found {
                result = SinceLastNew::NoneInData { days };
            }
            result
        };
        let fourteen_days_clear = matches!(since_last_new, SinceLastNew::Days { days, .. } if days >= 14);

        let mut longest: Option<ZeroStreak> = None;
        let mut run: Option<ZeroStreak> = None;
        let mut seen_case = false;
        for (d, n) in &upto {
            match n {
                Some(0) if seen_case => {
                    run = Some(match run {
                        Some(r) => ZeroStreak { last: *d, days: r.days + 1, ..r },
                        None => ZeroStreak { first: *d, last: *d, days: 1 },
                    });
                    if let Some(r) = run
                        && longest.is_none_or(|l| r.days > l.days)
                    {
                        longest = Some(r);
                    }
                }
                Some(0) => {}
                Some(_) => {
                    seen_case = true;
                    run = None;
                }
                None => run = None,
            }
        }

        Indicators {
            date,
            avg7_new,
            week_growth,
            doubling_days,
            halving_days,
            since_last_new,
            fourteen_days_clear,
            longest_zero_streak: longest,
        }
    }
}

/// A centred-on-the-end 7-day moving average over a daily series: `None` where any of the 7
/// days is unknown or fewer than 7 days precede.
pub fn moving_average_7(series: &[DailyNew]) -> Vec<(NaiveDate, Option<f64>)> {
    series
        .iter()
        .enumerate()
        .map(|(i, (d, _))| {
            let avg = (i >= 6)
                .then(|| series[i - 6..=i].iter().map(|(_, n)| *n).sum::<Option<u32>>())
                .flatten()
                .map(|s| f64::from(s) / 7.0);
            (*d, avg)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, m, day).unwrap()
    }

    fn series(start: NaiveDate, values: &[Option<u32>]) -> Vec<DailyNew> {
        values.iter().enumerate().map(|(i, v)| (start + chrono::Duration::days(i as i64), *v)).collect()
    }

    #[test]
    fn a_long_gap_is_one_unknown_entry_not_one_per_day() {
        let report = |date: NaiveDate, new: u32| {
            let mut r = CaseReport::new(crate::model::Adcode::new(230100).unwrap(), date);
            r.counts.set(CaseField::NewConfirmed, Some(new));
            (date, r)
        };
        let far = NaiveDate::from_ymd_opt(2099, 12, 31).unwrap();
        let mut reports: Vec<(NaiveDate, CaseReport)> = (1..=8).map(|day| report(d(3, day), 1)).collect();
        reports.push(report(d(3, 12), 2));
        reports.push(report(far, 5));
        let s = daily_new(reports.iter().map(|(d, r)| (d, r)));
        // 8 days, 3 days filled (3-9 … 3-11), 3-12, one unknown for the 80 years, the last.
        assert_eq!(s.len(), 8 + 3 + 1 + 1 + 1, "{s:?}");
        assert_eq!(s[s.len() - 2], (far.pred_opt().unwrap(), None));
        assert_eq!(s[s.len() - 1], (far, Some(5)));
        // Across the gap nothing is known; before it, as before.
        assert_eq!(Indicators::compute(&s, far).avg7_new, None);
        assert_eq!(Indicators::compute(&s, d(3, 7)).avg7_new, Some(1.0));
    }

    #[test]
    fn seven_day_average_and_growth() {
        // Week 1: 1 a day (7); week 2: 2 a day (14): growth +100 %, doubling in 7 days.
        let mut v = vec![Some(1); 7];
        v.extend(vec![Some(2); 7]);
        let s = series(d(2, 1), &v);
        let ind = Indicators::compute(&s, d(2, 14));
        assert_eq!(ind.avg7_new, Some(2.0));
        assert!((ind.week_growth.unwrap() - 1.0).abs() < 1e-9);
        assert!((ind.doubling_days.unwrap() - 7.0).abs() < 1e-9);
        assert_eq!(ind.halving_days, None);
        // Declining: 14 then 7 → halving in 7 days.
        let mut v = vec![Some(2); 7];
        v.extend(vec![Some(1); 7]);
        let ind = Indicators::compute(&series(d(2, 1), &v), d(2, 14));
        assert!((ind.week_growth.unwrap() + 0.5).abs() < 1e-9);
        assert!((ind.halving_days.unwrap() - 7.0).abs() < 1e-9);
    }

    #[test]
    fn a_missing_day_is_not_zero() {
        let mut v = vec![Some(3); 13];
        v.push(None);
        let ind = Indicators::compute(&series(d(2, 1), &v), d(2, 14));
        assert_eq!(ind.avg7_new, None);
        assert_eq!(ind.week_growth, None);
        assert_eq!(ind.since_last_new, SinceLastNew::Unknown);
    }

    #[test]
    fn days_since_last_case_and_longest_zero_streak() {
        // Cases on 02-20 … 02-22, then zero 02-23 … 03-03 (10 days), as Heilongjiang reported.
        let mut v = vec![Some(0), Some(5), Some(3), Some(1)];
        v.extend(vec![Some(0); 10]);
        let s = series(d(2, 19), &v);
        let ind = Indicators::compute(&s, d(3, 3));
        assert_eq!(ind.since_last_new, SinceLastNew::Days { days: 10, last: d(2, 22) });
        assert!(!ind.fourteen_days_clear);
        assert_eq!(ind.longest_zero_streak, Some(ZeroStreak { first: d(2, 23), last: d(3, 3), days: 10 }));
        // The leading zero before the first case is not a streak.
        let ind = Indicators::compute(&s, d(2, 21));
        assert_eq!(ind.longest_zero_streak, None);
        assert_eq!(ind.since_last_new, SinceLastNew::Days { days: 0, last: d(2, 21) });
        // 14 days clear.
        let mut v = vec![Some(2)];
        v.extend(vec![Some(0); 14]);
        let ind = Indicators::compute(&series(d(3, 1), &v), d(3, 15));
        assert!(ind.fourteen_days_clear);
        // Never a case.
        let ind = Indicators::compute(&series(d(3, 1), &[Some(0); 5]), d(3, 5));
        assert_eq!(ind.since_last_new, SinceLastNew::NoneInData { days: 5 });
    }

    #[test]
    fn daily_new_fills_gaps_and_derives_from_cumulative() {
        use crate::model::Adcode;
        let code = Adcode::new(230000).unwrap();
        let mk = |day: u32, cum: u32, new: Option<u32>| {
            let mut r = CaseReport::new(code, d(3, day));
            r.counts.set(CaseField::CumulativeConfirmed, Some(cum));
            r.counts.set(CaseField::NewConfirmed, new);
            r
        };
        let reports = [mk(1, 10, Some(1)), mk(2, 12, None), mk(4, 15, None)];
        let dates = [d(3, 1), d(3, 2), d(3, 4)];
        let s = daily_new(dates.iter().zip(reports.iter()));
        assert_eq!(s, vec![(d(3, 1), Some(1)), (d(3, 2), Some(2)), (d(3, 3), None), (d(3, 4), None)]);
        let ma = moving_average_7(&series(d(3, 1), &[Some(7); 8]));
        assert_eq!(ma[5].1, None);
        assert_eq!(ma[6].1, Some(7.0));
    }
}
