//! `sitboard report`: the overview figures of a region and day, without a window — the same
//! numbers, from the same code, as the board.

use std::process::ExitCode;

use crate::export::overview::{overview_json, overview_text};
use crate::feed::LoadOutcome;
use crate::model::overview::Overview;
use crate::model::{Adcode, Situation};
use crate::settings::{Settings, parse_date_arg};

/// Read the sources; rejected rows are warnings, nothing usable is an error.
fn load_for_cli(settings: &Settings) -> Result<LoadOutcome, String> {
    let outcome = settings.load()?;
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

/// Print the overview of `region` on `date`; exit 2 on a bad argument or no usable data.
pub fn run(settings: &Settings, date: &str, region: &str, as_json: bool) -> ExitCode {
    let Some(date) = parse_date_arg(date) else {
        eprintln!("error: --date {date:?} is not a date (YYYY-MM-DD)");
        return ExitCode::from(2);
    };
    let code: Adcode = match region.parse() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: --region: {e}");
            return ExitCode::from(2);
        }
    };
    let outcome = match load_for_cli(settings) {
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
    let dates = data.dates();
    if !dates.contains(&date) {
        let ranges: Vec<String> = data.episodes().iter().map(|(a, b)| format!("{a} … {b}")).collect();
        eprintln!("error: no data for {date}; the data covers {}", ranges.join(", "));
        return ExitCode::from(2);
    }
    let sit = Situation::at_end_of(data.clone(), date);
    let ov = Overview::compute(&sit, code);
    if as_json {
        match serde_json::to_string_pretty(&overview_json(&ov, &sit)) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", overview_text(&ov, &sit, settings.lang));
    }
    ExitCode::SUCCESS
}
