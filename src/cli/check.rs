//! `sitboard check`: validate feed documents or CSV files and print what was accepted and
//! every rejected row (section, row, field, reason).

use super::out::{out, outln};
use std::process::ExitCode;

use crate::feed::{self, FeedSource};
use crate::settings::Settings;

/// Check `paths`; exit 1 when nothing usable was found, 2 when the registry cannot be read.
pub fn run(settings: &Settings, paths: &[String], all: bool) -> ExitCode {
    let sources: Vec<FeedSource> = paths.iter().map(|p| FeedSource::parse(p)).collect();
    let outcome = match feed::load(&sources, settings.regions.as_deref(), settings.csv_limits) {
        Ok(mut o) => {
            settings.apply_hotline_rules(&mut o);
            o
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let limit = if all { usize::MAX } else { 50 };
    for r in &outcome.reports {
        out!("{}", r.render(limit));
    }
    // Work orders that contradict the hotline's rules (kept, but flagged).
    let problems = outcome.dataset.hotline_index().rules.audit(outcome.dataset.work_orders());
    if !problems.is_empty() {
        println!("hotline: {} work orders contradict the rules", problems.len());
        for p in problems.iter().take(limit) {
            println!("  {p}");
        }
        if problems.len() > limit {
            println!("  … {} more (--all shows every one)", problems.len() - limit);
        }
    }
    let accepted: usize = outcome.reports.iter().map(|r| r.total_accepted()).sum();
    let rejected: usize = outcome.reports.iter().map(|r| r.rejected.len()).sum();
    let refused = outcome.reports.iter().filter(|r| r.fatal.is_some()).count();
    outln!(
        "total: {} documents, {accepted} rows accepted, {rejected} rejected, {refused} documents refused",
        outcome.reports.len()
    );
    if outcome.usable() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
