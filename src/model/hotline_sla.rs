//! The 12345 hotline's time limits as data: first action within 2 hours, closed within 1
//! working day (Harbin's escalated supervision, 提级督办, seed 003), the working calendar they
//! are counted in (working hours, weekends, the State Council's public holidays and the
//! weekends worked in exchange, 调休), and the categories a work order may have. The board's
//! defaults are [`SlaRules::default`]; `sitboard.toml` may replace any field (`[hotline]`).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone as _, Utc, Weekday};
use serde::{Deserialize, Serialize};

use super::hotline::WorkOrder;
use super::time::{china, format_local};

/// The time limits of a work order and the calendar they are counted in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlaRules {
    /// First action due this many minutes after the order is received, counted on the clock
    /// (the hotline and the task force work around the clock): 120.
    pub first_action_minutes: u32,
    /// Closing (result fed back) due after this many working days: 1.
    pub close_working_days: u32,
    /// Working hours, local time (Asia/Shanghai): 08:30–17:30.
    pub work_start: NaiveTime,
    pub work_end: NaiveTime,
    /// Days off outside the normal weekend (public holidays, local dates).
    pub holidays: Vec<NaiveDate>,
    /// Saturdays and Sundays that are working days (调休).
    pub working_weekends: Vec<NaiveDate>,
    /// An open order whose next deadline is this close is shown as about to breach (amber).
    pub warn_minutes: u32,
    /// The categories a work order may have (`work_orders[].category`).
    pub categories: Vec<String>,
}

/// The known categories: the topics the seeds name (Suihua 2020: supplies, travel under
/// traffic control, sudden illness, births; Harbin 2022: arrival policy, key-area controls,
/// testing, health-code changes, key venues) plus livelihood, complaints and other.
pub const CATEGORIES: [&str; 12] = [
    "policy",
    "key_area_control",
    "testing",
    "health_code",
    "key_venues",
    "supplies",
    "travel",
    "medical",
    "maternity",
    "livelihood",
    "complaint",
    "other",
];

/// Public holidays of the demo years, as ranges of days off (inclusive), with the weekends
/// worked in exchange. 2020: 国务院办公厅关于2020年部分节假日安排的通知 (国办发明电〔2019〕16号)
/// and 国务院办公厅关于延长2020年春节假期的通知 (国办发明电〔2020〕1号: the Spring Festival
/// holiday extended to 2 February, so the 1 February make-up working Saturday was cancelled).
/// 2022: 国务院办公厅关于2022年部分节假日安排的通知 (国办发明电〔2021〕11号).
/// A local date as (year, month, day).
type Ymd = (i32, u32, u32);

const HOLIDAYS: [(Ymd, Ymd); 13] = [
    ((2020, 1, 1), (2020, 1, 1)),
    ((2020, 1, 24), (2020, 2, 2)),
    ((2020, 4, 4), (2020, 4, 6)),
    ((2020, 5, 1), (2020, 5, 5)),
    ((2020, 6, 25), (2020, 6, 27)),
    ((2020, 10, 1), (2020, 10, 8)),
    ((2022, 1, 1), (2022, 1, 3)),
    ((2022, 1, 31), (2022, 2, 6)),
    ((2022, 4, 3), (2022, 4, 5)),
    ((2022, 4, 30), (2022, 5, 4)),
    ((2022, 6, 3), (2022, 6, 5)),
    ((2022, 9, 10), (2022, 9, 12)),
    ((2022, 10, 1), (2022, 10, 7)),
];
const WORKING_WEEKENDS: [Ymd; 13] = [
    (2020, 1, 19),
    (2020, 4, 26),
    (2020, 5, 9),
    (2020, 6, 28),
    (2020, 9, 27),
    (2020, 10, 10),
    (2022, 1, 29),
    (2022, 1, 30),
    (2022, 4, 2),
    (2022, 4, 24),
    (2022, 5, 7),
    (2022, 10, 8),
    (2022, 10, 9),
];

fn ymd((y, m, d): Ymd) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

impl Default for SlaRules {
    fn default() -> Self {
        let mut holidays = Vec::new();
        for (a, b) in HOLIDAYS {
            if let (Some(mut d), Some(end)) = (ymd(a), ymd(b)) {
                while d <= end {
                    holidays.push(d);
                    d = d.succ_opt().unwrap_or(end + Duration::days(1));
                }
            }
        }
        SlaRules {
            first_action_minutes: 120,
            close_working_days: 1,
            work_start: NaiveTime::from_hms_opt(8, 30, 0).unwrap_or(NaiveTime::MIN),
            work_end: NaiveTime::from_hms_opt(17, 30, 0).unwrap_or(NaiveTime::MIN),
            holidays,
            working_weekends: WORKING_WEEKENDS.iter().filter_map(|d| ymd(*d)).collect(),
            warn_minutes: 30,
            categories: CATEGORIES.iter().map(|c| (*c).to_owned()).collect(),
        }
    }
}

/// The two deadlines of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadlines {
    pub first_action: DateTime<Utc>,
    pub close: DateTime<Utc>,
}

impl SlaRules {
    /// Check the rules themselves (a config file): a clear message for what cannot work.
    pub fn validate(&self) -> Result<(), String> {
        if self.work_end <= self.work_start {
            return Err(format!("hotline.work_end {} is not after work_start {}", self.work_end, self.work_start));
        }
        if self.close_working_days == 0 || self.close_working_days > 30 {
            return Err(format!("hotline.close_working_days {} is not between 1 and 30", self.close_working_days));
        }
        if self.first_action_minutes == 0 {
            return Err("hotline.first_action_minutes must be more than 0".into());
        }
        if self.categories.is_empty() {
            return Err("hotline.categories is empty".into());
        }
        Ok(())
    }

    pub fn is_category(&self, c: &str) -> bool {
        self.categories.iter().any(|k| k == c)
    }

    /// Whether a local date is a working day: Monday to Friday unless a holiday, and the
    /// weekends worked in exchange.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        if weekend { self.working_weekends.contains(&d) } else { !self.holidays.contains(&d) }
    }

    fn local(d: NaiveDate, t: NaiveTime) -> DateTime<Utc> {
        let naive = d.and_time(t);
        china()
            .from_local_datetime(&naive)
            .single()
            .map(|x| x.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
    }

    /// The instant `work` of working time after `from`: time counts only inside working hours
    /// of working days (an order received at night or on a holiday starts counting at the
    /// next working morning).
    pub fn add_working_time(&self, from: DateTime<Utc>, work: Duration) -> DateTime<Utc> {
        let local = from.with_timezone(&china());
        let mut day = local.date_naive();
        let mut left = work;
        let mut time = local.time();
        // A year of days is far more than any rule needs; the bound only guards a calendar
        // with no working day at all.
        for _ in 0..400 {
            if self.is_working_day(day) {
                let start = time.max(self.work_start);
                if start < self.work_end {
                    let avail = self.work_end - start;
                    if left <= avail {
                        return Self::local(day, start) + left;
                    }
                    left -= avail;
                }
            }
            day = match day.succ_opt() {
                Some(d) => d,
                None => break,
            };
            time = NaiveTime::MIN;
        }
        from + work
    }

    /// The length of one working day.
    pub fn working_day(&self) -> Duration {
        self.work_end - self.work_start
    }

    /// An order's deadlines from the instant it was received.
    pub fn deadlines(&self, received_at: DateTime<Utc>) -> Deadlines {
        Deadlines {
            first_action: received_at + Duration::minutes(i64::from(self.first_action_minutes)),
            close: self.add_working_time(received_at, self.working_day() * self.close_working_days as i32),
        }
    }
}

impl SlaRules {
    /// What in the work orders contradicts these rules, one message per problem naming the
    /// order (`sitboard check` prints them): an unknown category, or a `due_at` that is
    /// neither the first-action nor the closing deadline the rules give (a minute's leeway).
    pub fn audit(&self, orders: &[WorkOrder]) -> Vec<String> {
        let mut out = Vec::new();
        for o in orders {
            if !self.is_category(&o.category) {
                out.push(format!(
                    "work order {}: category {:?} is not one of {}",
                    o.id,
                    o.category,
                    self.categories.join(", ")
                ));
            }
            if let Some(due) = o.due_at {
                let d = self.deadlines(o.received_at);
                let near = |x: DateTime<Utc>| (x - due).num_seconds().abs() <= 60;
                if !near(d.first_action) && !near(d.close) {
                    out.push(format!(
                        "work order {}: due_at {} contradicts the rules: received {}, first action due {} ({} min), closing due {} ({} working day(s))",
                        o.id,
                        format_local(due),
                        format_local(o.received_at),
                        format_local(d.first_action),
                        self.first_action_minutes,
                        format_local(d.close),
                        self.close_working_days
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn received_in_working_hours_closes_at_the_same_time_next_working_day() {
        let r = SlaRules::default();
        // Tuesday 2022-11-29 10:15 → Wednesday 10:15.
        let d = r.deadlines(at("2022-11-29T10:15:00+08:00"));
        assert_eq!(d.first_action, at("2022-11-29T12:15:00+08:00"));
        assert_eq!(d.close, at("2022-11-30T10:15:00+08:00"));
    }

    #[test]
    fn received_at_night_counts_from_the_next_working_morning() {
        let r = SlaRules::default();
        // Tuesday 23:40: first action still within 2 clock hours; closing at the end of Wednesday.
        let d = r.deadlines(at("2022-11-29T23:40:00+08:00"));
        assert_eq!(d.first_action, at("2022-11-30T01:40:00+08:00"));
        assert_eq!(d.close, at("2022-11-30T17:30:00+08:00"));
        // Before work starts on a working day: the end of that day.
        assert_eq!(r.deadlines(at("2022-11-30T06:00:00+08:00")).close, at("2022-11-30T17:30:00+08:00"));
    }

    #[test]
    fn friday_afternoon_runs_over_the_weekend() {
        let r = SlaRules::default();
        // Friday 2022-11-25 16:00: 1.5 h left on Friday, 7.5 h on Monday 11-28 → 16:00.
        assert_eq!(r.deadlines(at("2022-11-25T16:00:00+08:00")).close, at("2022-11-28T16:00:00+08:00"));
        // Saturday: from Monday morning.
        assert_eq!(r.deadlines(at("2022-11-26T09:00:00+08:00")).close, at("2022-11-28T17:30:00+08:00"));
    }

    #[test]
    fn public_holidays_and_worked_weekends_of_the_demo_years() {
        let r = SlaRules::default();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // 2020 Spring Festival, extended to 02-02 (国办发明电〔2020〕1号): an order of the
        // evening of 01-24 is due at the end of Monday 02-03.
        assert!(!r.is_working_day(d("2020-01-27")), "a Monday of the Spring Festival holiday");
        assert!(!r.is_working_day(d("2020-01-31")));
        assert!(!r.is_working_day(d("2020-02-01")), "the cancelled make-up Saturday");
        assert!(r.is_working_day(d("2020-01-19")), "a Sunday worked before the holiday");
        assert_eq!(r.deadlines(at("2020-01-24T20:00:00+08:00")).close, at("2020-02-03T17:30:00+08:00"));
        // 2022 National Day: 10-01…07 off, Saturday 10-08 worked.
        assert!(!r.is_working_day(d("2022-10-07")));
        assert!(r.is_working_day(d("2022-10-08")));
        assert_eq!(r.deadlines(at("2022-09-30T17:00:00+08:00")).close, at("2022-10-08T17:00:00+08:00"));
    }

    #[test]
    fn audit_flags_unknown_categories_and_due_times_against_the_rules() {
        use super::super::hotline::WorkOrderStatus;
        let r = SlaRules::default();
        let mk = |id: &str, cat: &str, due: Option<&str>| WorkOrder {
            id: id.into(),
            category: cat.into(),
            region: super::super::region::Adcode::new_unchecked(230102),
            received_at: at("2022-11-29T10:15:00+08:00"),
            first_action_at: None,
            due_at: due.map(at),
            status: WorkOrderStatus::Open,
            closed_at: None,
            summary: String::new(),
        };
        let orders = [
            mk("ok1", "testing", Some("2022-11-30T10:15:00+08:00")),
            mk("ok2", "health_code", Some("2022-11-29T12:15:00+08:00")),
            mk("bad-cat", "ufo", None),
            mk("bad-due", "testing", Some("2022-11-29T18:00:00+08:00")),
        ];
        let msgs = r.audit(&orders);
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].starts_with("work order bad-cat: category \"ufo\" is not one of policy"), "{}", msgs[0]);
        assert!(
            msgs[1].starts_with("work order bad-due: due_at 2022-11-29 18:00 UTC+8 contradicts the rules"),
            "{}",
            msgs[1]
        );
        assert!(msgs[1].contains("closing due 2022-11-30 10:15 UTC+8"), "{}", msgs[1]);
    }

    #[test]
    fn the_rules_are_data_a_config_can_change() {
        let r = SlaRules {
            close_working_days: 2,
            work_start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            ..SlaRules::default()
        };
        assert_eq!(r.deadlines(at("2022-11-29T10:00:00+08:00")).close, at("2022-12-01T10:00:00+08:00"));
        let bad = SlaRules { work_end: NaiveTime::from_hms_opt(8, 0, 0).unwrap(), ..SlaRules::default() };
        assert!(bad.validate().unwrap_err().contains("work_end"));
        assert!(SlaRules::default().validate().is_ok());
    }
}
