//! Chart helpers shared by every egui_plot chart of the board: a day's x (days since
//! 1970-01-01), an instant's x, the log scale and the axis labels.

use chrono::{Datelike, NaiveDate, Timelike};
use egui_plot::GridMark;

use crate::i18n::fmt_count;
use crate::model::time::china;

/// Day number of a date (days since 1970-01-01), the chart's x.
pub fn day_x(d: NaiveDate) -> f64 {
    f64::from(d.num_days_from_ce() - 719_163)
}

pub fn x_day(x: f64) -> Option<NaiveDate> {
    let n = i32::try_from(x.round() as i64).ok()?;
    NaiveDate::from_num_days_from_ce_opt(n.checked_add(719_163)?)
}

/// x of an instant: its local day plus the fraction of the day.
pub fn instant_x(t: chrono::DateTime<chrono::Utc>) -> f64 {
    let local = t.with_timezone(&china());
    day_x(local.date_naive()) + f64::from(local.time().num_seconds_from_midnight()) / 86_400.0 - 0.5
}

/// y of a value on the chosen scale. Log scale is log₁₀(1 + v), so zero days stay on the axis.
pub fn y_of(value: f64, log: bool) -> f64 {
    if log { (1.0 + value.max(0.0)).log10() } else { value }
}

pub fn y_label(y: f64, log: bool) -> String {
    let v = if log { 10f64.powf(y) - 1.0 } else { y };
    if v < 0.0 {
        return String::new();
    }
    if v >= 10.0 || v == v.round() { fmt_count(v.round() as u64) } else { format!("{v:.1}") }
}

pub fn date_label(mark: GridMark) -> String {
    x_day(mark.value).map(|d| format!("{:02}-{:02}", d.month(), d.day())).unwrap_or_default()
}
