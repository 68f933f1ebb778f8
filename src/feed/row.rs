//! Typed, validating access to one JSON row of a feed section. Every failure becomes an
//! [`Issue`] naming the section, row index and field.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone as _, Utc};
use serde_json::{Map, Value};

use super::ingest_report::Issue;
use crate::model::time::china;
use crate::model::{Adcode, RegionRegistry};

/// Longest single-line text we accept (titles, names).
pub const MAX_LINE_CHARS: usize = 500;
/// Longest source reference we accept.
pub const MAX_REF_CHARS: usize = 2_000;
/// Longest multi-line text we accept (directive bodies).
pub const MAX_TEXT_CHARS: usize = 20_000;

pub struct Row<'a> {
    pub section: &'static str,
    pub index: usize,
    pub obj: &'a Map<String, Value>,
}

pub type FieldResult<T> = Result<T, Issue>;

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The JSON type of a value's text (valid JSON), as [`type_name`] says it.
pub fn raw_type_name(raw: &str) -> &'static str {
    match raw.trim_start().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

impl<'a> Row<'a> {
    pub fn new(section: &'static str, index: usize, value: &'a Value) -> FieldResult<Self> {
        match value {
            Value::Object(obj) => Ok(Row { section, index, obj }),
            other => Err(Issue {
                section: section.into(),
                row: Some(index),
                field: None,
                message: format!("expected an object, found {}", type_name(other)),
            }),
        }
    }

    pub fn err(&self, field: &str, message: impl Into<String>) -> Issue {
        Issue {
            section: self.section.into(),
            row: Some(self.index),
            field: (!field.is_empty()).then(|| field.to_owned()),
            message: message.into(),
        }
    }

    pub fn count_in(&self, obj: &Map<String, Value>, field: &str, label: &str) -> FieldResult<Option<u32>> {
        match obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.count_value(v, label).map(Some),
        }
    }

    pub fn count(&self, field: &str) -> FieldResult<Option<u32>> {
        self.count_in(self.obj, field, field)
    }

    pub fn count_value(&self, v: &Value, label: &str) -> FieldResult<u32> {
        match v {
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    u32::try_from(u).map_err(|_| self.err(label, format!("count {u} is too large")))
                } else if let Some(i) = n.as_i64() {
                    Err(self.err(label, format!("negative count {i}")))
                } else {
                    Err(self.err(label, format!("expected a whole number, found {n}")))
                }
            }
            other => Err(self.err(label, format!("expected a count, found {}", type_name(other)))),
        }
    }

    pub fn req_str(&self, field: &str) -> FieldResult<&'a str> {
        match self.obj.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.as_str()),
            Some(Value::String(_)) => Err(self.err(field, "is empty")),
            None | Some(Value::Null) => Err(self.err(field, "missing")),
            Some(other) => Err(self.err(field, format!("expected a string, found {}", type_name(other)))),
        }
    }

    pub fn opt_str(&self, field: &str) -> FieldResult<Option<&'a str>> {
        match self.obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(self.err(field, format!("expected a string, found {}", type_name(other)))),
        }
    }

    /// A single line of display text: no control characters, bounded length.
    pub fn line_text(&self, field: &str, required: bool) -> FieldResult<Option<String>> {
        let s = if required { Some(self.req_str(field)?) } else { self.opt_str(field)? };
        match s {
            None => Ok(None),
            Some(s) => check_text(s, false, MAX_LINE_CHARS).map(Some).map_err(|m| self.err(field, m)),
        }
    }

    /// The `ref` field: a single line naming the source, up to [`MAX_REF_CHARS`].
    pub fn reference(&self) -> FieldResult<Option<String>> {
        match self.opt_str("ref")? {
            None => Ok(None),
            Some(s) => check_text(s, false, MAX_REF_CHARS).map(Some).map_err(|m| self.err("ref", m)),
        }
    }

    /// Multi-line text (newlines and tabs allowed).
    pub fn body_text(&self, field: &str) -> FieldResult<Option<String>> {
        match self.opt_str(field)? {
            None => Ok(None),
            Some(s) => check_text(s, true, MAX_TEXT_CHARS).map(Some).map_err(|m| self.err(field, m)),
        }
    }

    pub fn opt_bool(&self, field: &str) -> FieldResult<Option<bool>> {
        match self.obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.err(field, format!("expected true or false, found {}", type_name(other)))),
        }
    }

    pub fn opt_f64(&self, field: &str) -> FieldResult<Option<f64>> {
        match self.obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => {
                n.as_f64().filter(|f| f.is_finite()).map(Some).ok_or_else(|| self.err(field, "not a finite number"))
            }
            Some(other) => Err(self.err(field, format!("expected a number, found {}", type_name(other)))),
        }
    }

    pub fn adcode_value(&self, s: &str, field: &str, registry: &RegionRegistry) -> FieldResult<Adcode> {
        let code: Adcode = s.parse().map_err(|m: String| self.err(field, m))?;
        registry.resolve(code).ok_or_else(|| self.err(field, format!("unknown region code {code}")))
    }

    pub fn adcode(&self, field: &str, registry: &RegionRegistry) -> FieldResult<Adcode> {
        match self.obj.get(field) {
            Some(Value::String(s)) => self.adcode_value(s, field, registry),
            Some(Value::Number(n)) => self.adcode_value(&n.to_string(), field, registry),
            None | Some(Value::Null) => Err(self.err(field, "missing")),
            Some(other) => Err(self.err(field, format!("expected a region code, found {}", type_name(other)))),
        }
    }

    /// A date within [`PLAUSIBLE_DATES`].
    fn plausible(&self, field: &str, d: NaiveDate) -> FieldResult<()> {
        if PLAUSIBLE_DATES.contains(&d) {
            Ok(())
        } else {
            Err(self.err(
                field,
                format!(
                    "{d} is outside the dates this board takes ({} … {})",
                    PLAUSIBLE_DATES.start(),
                    PLAUSIBLE_DATES.end()
                ),
            ))
        }
    }

    pub fn date(&self, field: &str) -> FieldResult<NaiveDate> {
        let s = self.req_str(field)?;
        let d = parse_date(s).ok_or_else(|| self.err(field, format!("{s:?} is not a date (YYYY-MM-DD)")))?;
        self.plausible(field, d)?;
        Ok(d)
    }

    pub fn instant(&self, field: &str) -> FieldResult<DateTime<Utc>> {
        let s = self.req_str(field)?;
        let t =
            parse_instant(s).ok_or_else(|| self.err(field, format!("{s:?} is not an RFC 3339 time with offset")))?;
        self.plausible(field, t.date_naive())?;
        Ok(t)
    }

    pub fn opt_instant(&self, field: &str) -> FieldResult<Option<DateTime<Utc>>> {
        match self.opt_str(field)? {
            None => Ok(None),
            Some(_) => self.instant(field).map(Some),
        }
    }

    /// A date (meaning 00:00 Asia/Shanghai) or an instant.
    pub fn date_or_instant(&self, field: &str) -> FieldResult<DateTime<Utc>> {
        let s = self.req_str(field)?;
        if let Some(t) = parse_instant(s) {
            self.plausible(field, t.date_naive())?;
            return Ok(t);
        }
        if let Some(d) = parse_date(s) {
            self.plausible(field, d)?;
            return Ok(crate::model::time::start_of_day(d));
        }
        Err(self.err(field, format!("{s:?} is neither a date (YYYY-MM-DD) nor an RFC 3339 time")))
    }

    pub fn opt_object(&self, field: &str) -> FieldResult<Option<&'a Map<String, Value>>> {
        match self.obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(o)) => Ok(Some(o)),
            Some(other) => Err(self.err(field, format!("expected an object, found {}", type_name(other)))),
        }
    }

    pub fn opt_array(&self, field: &str) -> FieldResult<Option<&'a Vec<Value>>> {
        match self.obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(other) => Err(self.err(field, format!("expected an array, found {}", type_name(other)))),
        }
    }

    pub fn enum_value<T>(&self, field: &str, parse: impl Fn(&str) -> Option<T>, allowed: &str) -> FieldResult<T> {
        let s = self.req_str(field)?;
        parse(s).ok_or_else(|| self.err(field, format!("unknown value {s:?} (expected one of {allowed})")))
    }

    pub fn opt_enum<T>(&self, field: &str, parse: impl Fn(&str) -> Option<T>, allowed: &str) -> FieldResult<Option<T>> {
        match self.opt_str(field)? {
            None => Ok(None),
            Some(s) => parse(s)
                .map(Some)
                .ok_or_else(|| self.err(field, format!("unknown value {s:?} (expected one of {allowed})"))),
        }
    }

    pub fn time_of_day(&self, obj: &Map<String, Value>, field: &str, label: &str) -> FieldResult<NaiveTime> {
        match obj.get(field) {
            Some(Value::String(s)) => {
                parse_time_of_day(s).ok_or_else(|| self.err(label, format!("{s:?} is not a time of day (HH:MM)")))
            }
            None | Some(Value::Null) => Err(self.err(label, "missing")),
            Some(other) => Err(self.err(label, format!("expected a time (HH:MM), found {}", type_name(other)))),
        }
    }
}

/// The dates a feed or CSV may name: a date outside is a typo or an attack (`0001-01-01`,
/// `9999-12-31`), and a period reaching it would make one row per day in between.
pub const PLAUSIBLE_DATES: std::ops::RangeInclusive<NaiveDate> = {
    let (Some(first), Some(last)) = (NaiveDate::from_ymd_opt(2000, 1, 1), NaiveDate::from_ymd_opt(2099, 12, 31)) else {
        panic!("constant dates")
    };
    first..=last
};

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim()).ok().map(|t| t.with_timezone(&Utc))
}

/// `HH:MM`; `24:00` is accepted as the end of the day (stored as 23:59:59).
pub fn parse_time_of_day(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    if s == "24:00" {
        return NaiveTime::from_hms_opt(23, 59, 59);
    }
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// The instant a local wall-clock time of a reporting day falls on.
pub fn local_instant(date: NaiveDate, t: NaiveTime) -> DateTime<Utc> {
    china()
        .from_local_datetime(&date.and_time(t))
        .single()
        .map(|x| x.with_timezone(&Utc))
        .unwrap_or_else(|| crate::model::time::start_of_day(date))
}

/// Refuse control characters (other than newline and tab in multi-line text), bidi
/// override/embedding characters, and over-long text. Returns the text trimmed.
pub fn check_text(s: &str, multiline: bool, max_chars: usize) -> Result<String, String> {
    crate::model::text::check_text(s, multiline, max_chars).map_err(|p| p.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_checks() {
        assert_eq!(check_text("  绥指公4号 ", false, 100).unwrap(), "绥指公4号");
        assert!(check_text("a\nb", false, 100).is_err());
        assert!(check_text("a\nb", true, 100).is_ok());
        assert!(check_text("evil\u{202E}txt", true, 100).is_err());
        assert!(check_text("\u{0007}", true, 100).is_err());
        assert!(check_text(&"x".repeat(101), true, 100).is_err());
    }

    #[test]
    fn times() {
        assert_eq!(parse_time_of_day("15:00"), NaiveTime::from_hms_opt(15, 0, 0));
        assert!(parse_time_of_day("25:00").is_none());
        assert!(parse_date("2020-02-30").is_none());
        assert!(parse_date("2020-2-3").is_none());
        assert!(parse_instant("2020-02-01T22:00:00+08:00").is_some());
        assert!(parse_instant("2020-02-01 22:00").is_none());
    }
}
