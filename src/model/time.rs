//! Time conventions: instants are UTC, reporting days are calendar dates in Asia/Shanghai
//! (UTC+8 all year; China has had no daylight saving time since 1991), "as of 24:00".

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone as _, Utc};

/// Asia/Shanghai as a fixed offset (UTC+8, no DST).
pub fn china() -> FixedOffset {
    #[allow(clippy::expect_used)]
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid constant offset")
}

/// The local reporting day an instant falls on.
pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&china()).date_naive()
}

/// The instant a reporting day ends ("as of 24:00" local time).
pub fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    let next = date.succ_opt().unwrap_or(date);
    start_of_day(next)
}

/// The instant a reporting day starts (00:00 local time).
pub fn start_of_day(date: NaiveDate) -> DateTime<Utc> {
    let naive = date.and_time(NaiveTime::MIN);
    china()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
}

/// Format an instant in local time with the zone shown, e.g. `2020-01-25 00:00 UTC+8`.
pub fn format_local(instant: DateTime<Utc>) -> String {
    format!("{} UTC+8", instant.with_timezone(&china()).format("%Y-%m-%d %H:%M"))
}

/// Format an "as of" instant: midnight is written as 24:00 of the previous day, as
/// Chinese bulletins do (`截至2020年3月3日24时`), e.g. `2020-03-03 24:00 UTC+8`.
pub fn format_as_of(instant: DateTime<Utc>) -> String {
    let local = instant.with_timezone(&china());
    if local.time() == NaiveTime::MIN {
        let prev = local.date_naive().pred_opt().unwrap_or(local.date_naive());
        format!("{} 24:00 UTC+8", prev.format("%Y-%m-%d"))
    } else {
        format!("{} UTC+8", local.format("%Y-%m-%d %H:%M"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_of_day_is_midnight_local() {
        let d = NaiveDate::from_ymd_opt(2020, 3, 3).unwrap();
        let t = end_of_day(d);
        assert_eq!(t.to_rfc3339(), "2020-03-03T16:00:00+00:00");
        assert_eq!(format_as_of(t), "2020-03-03 24:00 UTC+8");
        assert_eq!(format_local(t), "2020-03-04 00:00 UTC+8");
        assert_eq!(local_date(t), NaiveDate::from_ymd_opt(2020, 3, 4).unwrap());
    }
}
