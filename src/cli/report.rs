//! `sitboard report`: the overview figures of a region and day, without a window — the same
//! numbers, from the same code, as the board.

use super::out::{out, outln};
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use crate::export::hotline::{hotline_json, hotline_text};
use crate::export::overview::{overview_json, overview_text};
use crate::feed::LoadOutcome;
use crate::model::overview::Overview;
use crate::model::time::{end_of_day, parse_time_input};
use crate::model::{Adcode, Situation};
use crate::replay;
use crate::settings::{Settings, parse_date_arg};

/// Read the sources (an archive at `at` when `--data` is one archive file); rejected rows
/// are warnings, nothing usable is an error.
pub(super) fn load_for_cli(settings: &Settings, at: Option<DateTime<Utc>>) -> Result<LoadOutcome, String> {
    let outcome = match (settings.replay.clone(), at) {
        (Some(path), Some(t)) => {
            let mut o = replay::outcome_at(&path, t, settings.registry()?)?;
            settings.apply_hotline_rules(&mut o);
            o
        }
        (Some(path), None) => {
            return Err(format!(
                "{} is a snapshot archive: give --at TIME (see `sitboard archive info`)",
                path.display()
            ));
        }
        (None, _) => settings.load()?,
    };
    for r in &outcome.reports {
        if r.fatal.is_some() || !r.rejected.is_empty() {
            eprintln!("warning: {}", r.summary());
        }
    }
    if !outcome.usable() {
        let msgs: Vec<String> = outcome.reports.iter().map(|r| r.summary()).collect();
        return Err(format!("no usable data:\n  {}", msgs.join("\n  ")));
    }
    Ok(outcome)
}

/// Print the overview of `region` at the end of `date`, or at the instant `at` (the board
/// as it stood then: the last reporting day that had ended, the levels and directives in
/// force at that instant); exit 2 on a bad argument or no usable data.
pub fn run(settings: &Settings, date: Option<&str>, at: Option<&str>, region: &str, as_json: bool) -> ExitCode {
    let instant = match (date, at) {
        (_, Some(a)) => match parse_time_input(a) {
            Some(t) => t,
            None => {
                eprintln!("error: --at {a:?} is not a time (RFC 3339, or YYYY-MM-DD HH:MM Beijing time)");
                return ExitCode::from(2);
            }
        },
        (Some(d), None) => match parse_date_arg(d) {
            Some(d) => end_of_day(d),
            None => {
                eprintln!("error: --date {d:?} is not a date (YYYY-MM-DD)");
                return ExitCode::from(2);
            }
        },
        (None, None) => {
            eprintln!("error: give --date YYYY-MM-DD or --at TIME");
            return ExitCode::from(2);
        }
    };
    let code: Adcode = match region.parse() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: --region: {e}");
            return ExitCode::from(2);
        }
    };
    let outcome = match load_for_cli(settings, at.map(|_| instant)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let data = std::sync::Arc::new(outcome.dataset);
    let Some(code) = data.registry.resolve(code) else {
        eprintln!("error: --region {code} is not a known region");
        return ExitCode::from(2);
    };
    let sit = Situation::at_instant(data.clone(), instant);
    let date = sit.date();
    if !data.dates().contains(&date) {
        let ranges: Vec<String> = data.episodes().iter().map(|(a, b)| format!("{a} … {b}")).collect();
        eprintln!("error: no data for {date}; the data covers {}", ranges.join(", "));
        return ExitCode::from(2);
    }
    let ov = Overview::compute(&sit, code);
    if as_json {
        let mut json = overview_json(&ov, &sit);
        json["hotline"] = hotline_json(&sit, code);
        match serde_json::to_string_pretty(&json) {
            Ok(s) => outln!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        out!("{}", overview_text(&ov, &sit, settings.lang));
        out!("{}", hotline_text(&sit, code, settings.lang));
    }
    ExitCode::SUCCESS
}
