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

/// The last instant a record can carry before `t` (the journal keeps microseconds). An
/// exercise record logged while the exercise clock reads "24:00" of a day is stamped here, so
/// that it belongs to that day, as the board shows it (a change exactly at 24:00 belongs to
/// the next day).
pub fn just_before(t: DateTime<Utc>) -> DateTime<Utc> {
    t - chrono::Duration::microseconds(1)
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

/// A time typed by a person: RFC 3339 (`2020-02-01T22:00:00+08:00`), or local time (UTC+8)
/// written `YYYY-MM-DD HH:MM`, or a date alone (`YYYY-MM-DD`, meaning 00:00 local).
pub fn parse_time_input(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M") {
        return china().from_local_datetime(&naive).single().map(|t| t.with_timezone(&Utc));
    }
    if s.len() == 10
        && let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d")
    {
        return Some(start_of_day(d));
    }
    None
}

/// An instant as a person types it back: `YYYY-MM-DD HH:MM` in local time (UTC+8).
pub fn format_time_input(instant: DateTime<Utc>) -> String {
    instant.with_timezone(&china()).format("%Y-%m-%d %H:%M").to_string()
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

    #[test]
    fn typed_times_are_rfc3339_or_local() {
        let t = parse_time_input("2020-02-01 22:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2020-02-01T14:00:00+00:00");
        assert_eq!(parse_time_input("2020-02-01T22:00:00+08:00"), Some(t));
        assert_eq!(format_time_input(t), "2020-02-01 22:00");
        assert_eq!(parse_time_input("2020-02-01").unwrap().to_rfc3339(), "2020-01-31T16:00:00+00:00");
        assert!(parse_time_input("2020-02-30 10:00").is_none());
        assert!(parse_time_input("tomorrow").is_none());
        assert!(parse_time_input("2020-02-01 25:00").is_none());
    }
}
