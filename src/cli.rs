//! Command line: open the board, validate a feed (`check`), or print a region's overview
//! for a day (`report`) from the same code the board uses.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use serde_json::{Value, json};

use crate::feed::{self, FeedSource, LoadOutcome};
use crate::i18n::{Lang, fmt_count, fmt_delta};
use crate::model::overview::{FigureSource, Overview};
use crate::model::time::{format_as_of, format_local};
use crate::model::{Adcode, RegionRegistry, Situation};

pub mod journal;

#[derive(Debug, Parser)]
#[command(name = "sitboard", version, about = "Situation board for an epidemic command center")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Feed file (JSON feed or long-format CSV), folder of them, or http(s) URL; repeatable.
    /// Default: the sources in sitboard.toml, else the bundled Heilongjiang demo.
    #[arg(long, global = true, value_name = "PATH|URL")]
    pub data: Vec<String>,

    /// Interface language.
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,

    /// Region registry CSV to use instead of the bundled one.
    #[arg(long, global = true, value_name = "CSV")]
    pub regions: Option<PathBuf>,

    /// Config file (default: sitboard.toml in the platform config dir).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Data dir for the directive journal (default: the platform data dir, e.g.
    /// ~/.local/share/sitboard).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Board: start on this reporting day (YYYY-MM-DD); default: the latest day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,

    /// Board: start on this region (adcode); default: the province.
    #[arg(long, value_name = "ADCODE")]
    pub region: Option<String>,

    /// Board: open full screen (wall display).
    #[arg(long)]
    pub fullscreen: bool,

    /// Board: wall display (大屏): full screen, the wall layout only, no picker or date
    /// control (Esc brings them back).
    #[arg(long)]
    pub wall: bool,

    /// Board: tile server URL template for a background map, e.g.
    /// `https://tile.example.org/{z}/{x}/{y}.png`. Off by default: the map is drawn offline.
    #[arg(long, value_name = "URL")]
    pub tiles: Option<String>,

    /// Board: start on this view of the central area.
    #[arg(long, value_enum)]
    pub view: Option<StartView>,

    /// Board: what the map colours counties by.
    #[arg(long, value_enum, value_name = "MODE")]
    pub map_colour: Option<MapColour>,

    /// Board: window size in points, e.g. 1920x1080.
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub size: Option<(f32, f32)>,

    /// The command center's hub, e.g. http://10.0.0.2:8470: directives logged here are
    /// pushed to it (board and `journal`); with no --data, the board shows its feed.
    #[arg(long, global = true, value_name = "URL")]
    pub hub: Option<String>,

    /// The officer's token for the hub (from `sitboard-hub token add`; or `hub_token` in
    /// sitboard.toml, which keeps it out of the process list).
    #[arg(long, global = true, value_name = "TOKEN")]
    pub token: Option<String>,

    /// Board: seconds between polls of http(s) sources (default 5; `interval_s` of a
    /// `[[source]]` in sitboard.toml).
    #[arg(long, value_name = "SECONDS", value_parser = parse_interval)]
    pub interval: Option<std::time::Duration>,
}

/// Map colourings, for `--map-colour`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MapColour {
    /// Published risk level (computed where none is published).
    Risk,
    /// Risk level computed by the February 2020 county rule.
    Computed,
    /// Active cases.
    Active,
    /// New cases in the last 7 days.
    New7,
    /// New cases in the last 7 days per 100,000 people.
    Per100k,
}

/// Views of the board's central area, for `--view`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StartView {
    Overview,
    Curves,
    Compare,
    Multiples,
    Map,
    Checkpoints,
    Wall,
    Directives,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate feed documents or CSV files and print what was accepted and rejected.
    /// Exits non-zero when nothing usable was found.
    Check {
        /// Files, folders or URLs to check.
        #[arg(required = true, value_name = "PATH|URL")]
        paths: Vec<String>,
        /// Print every issue, not only the first 50 of each kind.
        #[arg(long)]
        all: bool,
    },
    /// Print the overview figures for a region and day, without opening a window.
    Report {
        /// Reporting day (YYYY-MM-DD, Asia/Shanghai, as of 24:00).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
        /// Region code (adcode), e.g. 230000 for Heilongjiang.
        #[arg(long, value_name = "ADCODE")]
        region: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The directive journal: issue, acknowledge, lift or revoke directives, list them,
    /// show a history, export, and verify the hash chain.
    Journal {
        #[command(subcommand)]
        command: journal::JournalCommand,
    },
}

/// Everything the board and the commands need to start: settings merged from the command
/// line, the config file and defaults, with any config problem kept to show.
#[derive(Debug, Clone)]
pub struct Settings {
    pub sources: Vec<FeedSource>,
    pub lang: Lang,
    pub regions: Option<PathBuf>,
    pub config_problem: Option<String>,
    pub demo: bool,
    /// Tile URL template for the map's background; `None`: fully offline.
    pub tiles: Option<String>,
    /// Live sources: name, poll interval and token of each URL source; request limits.
    pub live: feed::live::LiveOptions,
    /// The hub that directives are pushed to (`--hub`, or `hub` in sitboard.toml).
    pub hub: Option<crate::sync::HubTarget>,
}

impl Cli {
    pub fn settings(&self) -> Settings {
        let path = self.config.clone().or_else(crate::paths::config_file);
        let (cfg, config_problem) = match path.as_deref().map(crate::config::load) {
            Some(Ok(c)) => (c.unwrap_or_default(), None),
            Some(Err(e)) => (Default::default(), Some(e)),
            None => (Default::default(), None),
        };
        let hub = self
            .hub
            .clone()
            .or(cfg.hub.clone())
            .map(|u| crate::sync::HubTarget::new(&u, self.token.clone().or(cfg.hub_token.clone().map(|t| t.0))));
        let mut data = self.data.clone();
        if data.is_empty() {
            data = cfg.data.clone();
            data.extend(cfg.sources.iter().map(|s| s.url.clone()));
        }
        if data.is_empty()
            && let Some(h) = &hub
        {
            data.push(h.feed_url());
        }
        let demo = data.is_empty();
        let sources: Vec<FeedSource> = if demo {
            crate::paths::bundled_demo_dir().map(FeedSource::Path).into_iter().collect()
        } else {
            data.iter().map(|d| FeedSource::parse(d)).collect()
        };
        let live = live_options(&sources, &cfg.sources, self.interval);
        Settings {
            sources,
            lang: self.lang.or(cfg.lang()).unwrap_or_default(),
            regions: self.regions.clone().or(cfg.regions.clone()),
            config_problem,
            demo,
            tiles: self.tiles.clone().or(cfg.tiles.clone()),
            live,
            hub,
        }
    }
}

/// Name, interval and token of every URL source: from its `[[source]]` in the config when
/// there is one (matched by URL), `--interval` over the config's interval.
fn live_options(
    sources: &[FeedSource],
    configured: &[crate::config::SourceConfig],
    interval: Option<std::time::Duration>,
) -> feed::live::LiveOptions {
    let specs = sources
        .iter()
        .filter_map(|s| match s {
            FeedSource::Url(u) => Some(u),
            FeedSource::Path(_) => None,
        })
        .map(|url| {
            let c = configured.iter().find(|c| c.url.trim() == url.as_str());
            let name = c.and_then(|c| c.name.clone()).unwrap_or_else(|| url.clone());
            let every = interval
                .or_else(|| c.and_then(|c| c.interval_s).map(std::time::Duration::from_secs_f64))
                .unwrap_or(feed::live::DEFAULT_INTERVAL);
            let mut spec = feed::live::SourceSpec::new(name, url.clone(), every);
            spec.token = c.and_then(|c| c.token.clone());
            spec
        })
        .collect();
    feed::live::LiveOptions { specs, limits: Default::default() }
}

impl Settings {
    /// What to follow live: `Some` when at least one source is an http(s) URL (files are
    /// then read once alongside).
    pub fn live_config(&self) -> Option<feed::live::LiveConfig> {
        let urls: Vec<&String> = self
            .sources
            .iter()
            .filter_map(|s| match s {
                FeedSource::Url(u) => Some(u),
                FeedSource::Path(_) => None,
            })
            .collect();
        if urls.is_empty() {
            return None;
        }
        let sources =
            urls.into_iter()
                .map(|u| {
                    self.live.specs.iter().find(|s| s.url == *u).cloned().unwrap_or_else(|| {
                        feed::live::SourceSpec::new(u.clone(), u.clone(), feed::live::DEFAULT_INTERVAL)
                    })
                })
                .collect();
        let files = self
            .sources
            .iter()
            .filter_map(|s| match s {
                FeedSource::Path(p) => Some(p.clone()),
                FeedSource::Url(_) => None,
            })
            .collect();
        Some(feed::live::LiveConfig { sources, files, limits: self.live.limits })
    }

    pub fn registry(&self) -> Result<RegionRegistry, String> {
        match &self.regions {
            Some(p) => {
                let text = feed::source::read_file(p).map_err(|e| e.to_string())?;
                feed::registry::parse_registry_csv(&text, &p.display().to_string())
            }
            None => feed::registry::bundled(),
        }
    }
}

pub fn run_check(settings: &Settings, paths: &[String], all: bool) -> ExitCode {
    let registry = match settings.registry() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let sources: Vec<FeedSource> = paths.iter().map(|p| FeedSource::parse(p)).collect();
    let outcome = feed::load_sources(&sources, registry);
    let limit = if all { usize::MAX } else { 50 };
    for r in &outcome.reports {
        print!("{}", r.render(limit));
    }
    let accepted: usize = outcome.reports.iter().map(|r| r.total_accepted()).sum();
    let rejected: usize = outcome.reports.iter().map(|r| r.rejected.len()).sum();
    let refused = outcome.reports.iter().filter(|r| r.fatal.is_some()).count();
    println!(
        "total: {} documents, {accepted} rows accepted, {rejected} rejected, {refused} documents refused",
        outcome.reports.len()
    );
    if outcome.usable() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn load_for_cli(settings: &Settings) -> Result<LoadOutcome, String> {
    if settings.sources.is_empty() {
        return Err("no data: the bundled demo folder was not found; give --data PATH".into());
    }
    let registry = settings.registry()?;
    let outcome = feed::load_sources(&settings.sources, registry);
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

pub fn run_report(settings: &Settings, date: &str, region: &str, as_json: bool) -> ExitCode {
    let Some(date) = feed::source_date(date) else {
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
    let ov = sit.overview(code);
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

fn source_kind(s: FigureSource) -> &'static str {
    match s {
        FigureSource::Reported => "reported",
        FigureSource::Reconstructed => "reconstructed",
        FigureSource::Aggregated { .. } => "aggregated",
        FigureSource::Derived => "derived",
        FigureSource::Synthetic => "synthetic",
        FigureSource::Missing => "missing",
    }
}

pub fn overview_json(ov: &Overview, sit: &Situation) -> Value {
    let mut figures = serde_json::Map::new();
    for (f, fig) in &ov.figures {
        let mut o = json!({
            "value": fig.value,
            "source": source_kind(fig.source),
            "delta": fig.delta,
        });
        if let FigureSource::Aggregated { children, of } = fig.source {
            o["children_reporting"] = json!(children);
            o["children_total"] = json!(of);
        }
        if let Some(c) = fig.correction {
            o["correction"] = json!(c);
        }
        figures.insert(f.wire_name().to_owned(), o);
    }
    let channels: serde_json::Map<String, Value> =
        ov.channels.iter().map(|(c, n)| (c.wire_name().to_owned(), json!(n))).collect();
    json!({
        "region": ov.region.to_string(),
        "name_zh": ov.region_name_zh,
        "name_en": ov.region_name_en,
        "date": ov.date.to_string(),
        "as_of": ov.as_of.to_rfc3339(),
        "window": ov.window,
        "figures": figures,
        "channels": if channels.is_empty() { Value::Null } else { Value::Object(channels) },
        "local": ov.local,
        "indicators": ov.indicators,
        "checkpoints": ov.checkpoints.as_ref().map(|c| json!({
            "total": c.total, "open": c.open, "closed": c.closed, "restricted": c.restricted,
            "vehicles": c.day.vehicles, "people": c.day.people, "alarms": c.day.alarms(),
            "temperature_alarms": c.day.temperature_alarms, "red_codes": c.day.codes.red,
            "turned_back": c.day.turned_back, "tests": c.day.tests, "positives": c.day.positives,
            "checkpoints_with_alerts": c.alerts, "stale": c.stale,
        })),
        "response_level": ov.response.as_ref().map(|r| json!({
            "level": r.level.roman(),
            "since": r.since.to_rfc3339(),
            "region": r.region.to_string(),
            "last_known_at": r.last_known_at.map(|t| t.to_rfc3339()),
        })),
        "risk": ov.risk.as_ref().map(|r| json!({
            "level": r.level.map(|l| l.wire_name()),
            "since": r.since.map(|t| t.to_rfc3339()),
            "reported": r.reported,
            "computed": r.computed.map(|c| json!({"level": c.level.wire_name(), "reason": c.reason, "rule": "county-2020-02"})),
            "yan_jiu_tiao": r.yan_jiu_tiao,
            "counts": r.counts,
            "computed_counts": r.computed_counts,
            "disagreements": r.disagreements,
            "yan_jiu_tiao_units": r.yan_jiu_tiao_units,
        })),
        "directives_in_force": ov.directives_in_force.iter().map(|d| json!({
            "number": d.number, "issuer": d.issuer, "title": d.title, "issued_at": d.issued_at.to_rfc3339(),
        })).collect::<Vec<_>>(),
        "source": ov.source,
        "reference": ov.reference,
        "sources": sit.data().sources.iter().map(|s| json!({"id": s.id, "name": s.name, "synthetic": s.synthetic})).collect::<Vec<_>>(),
    })
}

pub fn overview_text(ov: &Overview, sit: &Situation, lang: Lang) -> String {
    let t = lang.tr();
    let en = lang.is_en();
    let mut s = String::new();
    let name = if en { &ov.region_name_en } else { &ov.region_name_zh };
    s.push_str(&format!("{name} ({}) · {} · {} {}\n", ov.region, ov.date, t.board.as_of, format_as_of(ov.as_of)));
    if let Some(w) = &ov.window {
        s.push_str(&format!("{}: {w}\n", t.overview.window));
    }
    if sit.report(ov.region).is_none() {
        s.push_str(&format!("{}\n", t.overview.no_report));
    }
    s.push('\n');
    for (f, fig) in &ov.figures {
        let value = fig.value.map(|v| fmt_count(u64::from(v))).unwrap_or_else(|| "—".into());
        let mut line =
            format!("  {}{:>10}   {}", pad(t.case_field(*f), 28), value, t.overview.figure_source(fig.source));
        if let Some(n) = ov.local.and_then(|l| l.get(*f)) {
            line.push_str(&format!("   {} {}", t.overview.local, fmt_count(u64::from(n))));
        }
        if let Some(d) = fig.delta {
            line.push_str(&format!("   {} {}", t.overview.vs_previous_day, fmt_delta(d)));
        }
        if let Some(c) = fig.correction {
            line.push_str(&format!("   {} {}", t.overview.correction, fmt_delta(c)));
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    if !ov.channels.is_empty() {
        s.push_str(&format!("\n{}:\n", t.overview.channels));
        for (c, n) in &ov.channels {
            s.push_str(&format!("  {}{:>10}\n", pad(t.overview.channel(*c), 28), n));
        }
    }
    if let Some(ind) = &ov.indicators {
        s.push_str(&format!("\n{}:\n", t.overview.indicators));
        for (label, value) in t.overview.indicator_lines(ind) {
            s.push_str(&format!("  {}{value}\n", pad(label, 32)));
        }
    }
    s.push('\n');
    match &ov.response {
        Some(r) => {
            let from = if r.region != ov.region {
                format!(" ({} {})", t.overview.inherited_from, sit.data().registry.name(r.region, en))
            } else {
                String::new()
            };
            let stale = r
                .last_known_at
                .map(|k| format!(" ({} {})", t.overview.last_known, format_as_of(k)))
                .unwrap_or_default();
            s.push_str(&format!(
                "{}: {} · {} {}{from}{stale}\n",
                t.overview.response_level,
                t.overview.response(r.level),
                t.overview.since,
                format_local(r.since)
            ));
        }
        None => s.push_str(&format!("{}: {}\n", t.overview.response_level, t.overview.response_none)),
    }
    if let Some(r) = &ov.risk {
        let counts = |c: &crate::model::overview::RiskCounts| {
            format!(
                "{} {} · {} {} · {} {} · {} {}",
                t.risk.risk_level(crate::model::RiskLevel::High),
                c.high,
                t.risk.risk_level(crate::model::RiskLevel::Medium),
                c.medium,
                t.risk.risk_level(crate::model::RiskLevel::Low),
                c.low,
                t.risk.risk_unknown,
                c.unknown
            )
        };
        let is_county = ov.level == Some(crate::model::RegionLevel::County);
        if is_county {
            match r.level {
                Some(l) => {
                    let since = r.since.map(format_local).unwrap_or_default();
                    s.push_str(&format!(
                        "{}: {} · {} {since}\n",
                        t.risk.risk_of_region,
                        t.risk.risk_level(l),
                        t.overview.since
                    ));
                }
                None => s.push_str(&format!("{}: {}\n", t.risk.risk_of_region, t.risk.risk_unknown)),
            }
            match r.computed {
                Some(c) => s.push_str(&format!(
                    "{}: {} ({})\n",
                    t.risk.risk_computed,
                    t.risk.risk_level(c.level),
                    t.risk.rule_reason(c.reason)
                )),
                None => s.push_str(&format!("{}: {}\n", t.risk.risk_computed, t.risk.rule_not_applicable)),
            }
            if r.yan_jiu_tiao {
                s.push_str(&format!("{} ({})\n", t.risk.yan_jiu_tiao, t.risk.yan_jiu_tiao_note));
            }
        } else {
            s.push_str(&format!(
                "{} ({} {}, {}): {}\n",
                t.risk.risk_levels,
                r.counts.total,
                t.risk.county_units,
                t.risk.risk_published,
                counts(&r.counts)
            ));
            s.push_str(&format!("{}: {}\n", t.risk.risk_computed, counts(&r.computed_counts)));
            if r.disagreements > 0 {
                s.push_str(&format!("  {} {}\n", r.disagreements, t.risk.risk_disagree));
            }
            if r.yan_jiu_tiao_units > 0 {
                s.push_str(&format!("  {} {}\n", r.yan_jiu_tiao_units, t.risk.yan_jiu_tiao_units));
            }
        }
    }
    if let Some(c) = &ov.checkpoints {
        s.push_str(&format!(
            "{} ({} {}): {} {} · {} {} · {} {}\n",
            t.checkpoints.cp_title,
            c.total,
            t.checkpoints.cp_count,
            t.checkpoints.cp_open,
            c.open,
            t.checkpoints.cp_closed,
            c.closed,
            t.checkpoints.cp_restricted,
            c.restricted
        ));
        s.push_str(&format!(
            "  {}: {} {} · {} {} · {} {} · {} {}\n",
            t.checkpoints.cp_day_totals,
            t.checkpoints.cp_vehicles,
            fmt_count(c.day.vehicles),
            t.checkpoints.cp_people,
            fmt_count(c.day.people),
            t.checkpoints.cp_alarms,
            fmt_count(c.day.alarms()),
            t.checkpoints.cp_positives,
            fmt_count(c.day.positives)
        ));
    }
    if !ov.directives_in_force.is_empty() {
        s.push_str(&format!("{}:\n", t.overview.directives_in_force));
        for d in &ov.directives_in_force {
            s.push_str(&format!("  {} {} ({} {})\n", d.number, d.title, t.journal.issued, format_local(d.issued_at)));
        }
    }
    if let Some(src) = &ov.source {
        s.push_str(&format!("{}: {src}", t.board.source));
        if let Some(r) = &ov.reference {
            s.push_str(&format!(" · {r}"));
        }
        s.push('\n');
    }
    s
}

/// Pad text to a terminal width, counting CJK characters as two columns.
fn pad(text: &str, width: usize) -> String {
    let w: usize = text
        .chars()
        .map(|c| if matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6) { 2 } else { 1 })
        .sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

fn parse_size(s: &str) -> Result<(f32, f32), String> {
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(|| format!("{s:?} is not WIDTHxHEIGHT"))?;
    let parse = |v: &str| v.trim().parse::<f32>().ok().filter(|x| (200.0..=20000.0).contains(x));
    match (parse(w), parse(h)) {
        (Some(w), Some(h)) => Ok((w, h)),
        _ => Err(format!("{s:?} is not WIDTHxHEIGHT with sizes between 200 and 20000")),
    }
}

fn parse_interval(s: &str) -> Result<std::time::Duration, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && crate::config::INTERVAL_RANGE.contains(&x) => {
            Ok(std::time::Duration::from_secs_f64(x))
        }
        _ => Err(format!("{s:?} is not a number of seconds between 0.1 and 86400")),
    }
}

/// Parse a `--date`.
pub fn parse_date_arg(s: &str) -> Option<NaiveDate> {
    feed::source_date(s)
}
