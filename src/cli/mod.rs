//! Command line: parse the arguments into settings and start options, then open the board,
//! validate feeds (`check`), print a region's overview for a day (`report`) or work on the
//! directive journal (`journal`) — each from the same code the board uses.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::i18n::Lang;
use crate::secret::Secret;
use crate::settings::{MapMode, Overrides, RendererChoice, Settings, StartOptions, StartView, parse_date_arg};

pub mod archive;
mod check;
pub mod export;
pub mod journal;
mod out;
mod record;
mod report;

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

    /// Board: replay a snapshot archive (read-only, offline) instead of following sources.
    #[arg(long, value_name = "FILE", conflicts_with = "data")]
    pub replay: Option<PathBuf>,

    /// Board: record what the board follows (its http(s) sources) into this archive file
    /// (or `record = true` in sitboard.toml: `archive.sqlite` in the data dir).
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,

    /// Recording (`--record`, `sitboard record`): keep the last N days of the archive, pruned
    /// at start and every hour (default: keep everything; or `record_keep_days` in
    /// sitboard.toml).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub keep_days: Option<u32>,

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

    /// Board: the wall's scale: pixels per point of its 1920×1080 reference layout (2 on a 4K
    /// wall; default: from the screen size, or `wall_scale` in sitboard.toml).
    #[arg(long, value_name = "FACTOR", value_parser = parse_scale)]
    pub scale: Option<f32>,

    /// Board: with --wall, show only screen N (1-based) of the `[[wall.screen]]` entries in
    /// sitboard.toml (one process per monitor); default: every screen, each in its own window.
    #[arg(long, value_name = "N", requires = "wall", value_parser = clap::value_parser!(u32).range(1..))]
    pub screen: Option<u32>,

    /// Board: tile server URL template for a background map, e.g.
    /// `https://tile.example.org/{z}/{x}/{y}.png`. Off by default: the map is drawn offline.
    #[arg(long, value_name = "URL")]
    pub tiles: Option<String>,

    /// Board: start on this view of the central area.
    #[arg(long, value_enum)]
    pub view: Option<StartView>,

    /// Board: what the map colours counties by.
    #[arg(long, value_enum, value_name = "MODE")]
    pub map_colour: Option<MapMode>,

    /// Board: the renderer. `auto` (default) uses the GPU, or the CPU rasterizer when the
    /// only graphics adapter is a software one (llvmpipe, lavapipe, WARP: no GPU); `gpu`
    /// (wgpu), `gl` (OpenGL) and `cpu` force one. Also `renderer = "…"` in sitboard.toml.
    #[arg(long, value_enum, value_name = "RENDERER")]
    pub renderer: Option<RendererChoice>,

    /// Board: print what frames cost to stderr every 10 s and at exit: frames, process CPU
    /// per frame split into UI and render/present (p50/p95), the renderer, and the time to
    /// the first frame. Also `SITBOARD_FRAME_STATS=1`.
    #[arg(long)]
    pub frame_stats: bool,

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
        #[arg(long, value_name = "YYYY-MM-DD", required_unless_present = "at", conflicts_with = "at")]
        date: Option<String>,
        /// An instant instead of a day: the board as it stood then (RFC 3339, or
        /// `YYYY-MM-DD HH:MM` Beijing time); with an archive (`--data FILE.sqlite`), as
        /// recorded at that instant on the archive's clock.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// Region code (adcode), e.g. 230000 for Heilongjiang.
        #[arg(long, value_name = "ADCODE")]
        region: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Record the http(s) sources into a snapshot archive, without a window (for a server).
    Record {
        /// The archive file (created when missing, appended to otherwise).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Stop after this many seconds (default: until stopped).
        #[arg(long = "for", value_name = "SECONDS", value_parser = parse_interval)]
        duration: Option<std::time::Duration>,
    },
    /// The directive journal: issue, acknowledge, lift or revoke directives, list them,
    /// show a history, export, and verify the hash chain.
    Journal {
        /// Work on the exercise (演练) journal, kept apart from the real one.
        #[arg(long, global = true)]
        exercise: bool,
        /// The exercise clock for an exercise record (RFC 3339 or `YYYY-MM-DD HH:MM`, Beijing
        /// time); implies --exercise.
        #[arg(long, global = true, value_name = "TIME")]
        exercise_at: Option<String>,
        #[command(subcommand)]
        command: journal::JournalCommand,
    },
    /// Export a table of the board (CSV), noted in the export record of the journal.
    Export {
        #[command(subcommand)]
        command: export::ExportCommand,
    },
    /// The daily briefing (每日疫情简报) of a region and day as an A4 PDF or a printable
    /// HTML page (by the extension of --out), noted in the export record.
    Briefing {
        /// Reporting day (YYYY-MM-DD).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
        /// Region code (adcode), e.g. 230000.
        #[arg(long, value_name = "ADCODE")]
        region: String,
        /// The file to write: FILE.pdf or FILE.html.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Who exports it (default: $USER).
        #[arg(long, value_name = "NAME")]
        officer: Option<String>,
    },
    /// Draw a view of the board offscreen (no window, no GPU: the CPU rasterizer) and save it
    /// as PNG, with the as-of time and the source in its footer; noted in the export record.
    Screenshot {
        /// The view to draw.
        #[arg(long = "view", value_enum, default_value = "wall")]
        shot_view: StartView,
        /// Reporting day (YYYY-MM-DD); default: the latest day.
        #[arg(long = "date", value_name = "YYYY-MM-DD")]
        shot_date: Option<String>,
        /// Region code (adcode); default: the province.
        #[arg(long = "region", value_name = "ADCODE")]
        shot_region: Option<String>,
        /// Image size in pixels, e.g. 1920x1080 or 3840x2160.
        #[arg(long = "size", value_name = "WxH", value_parser = parse_size, default_value = "1920x1080")]
        shot_size: (f32, f32),
        /// The PNG file to write.
        #[arg(long, value_name = "FILE.png")]
        out: PathBuf,
        /// Who exports it (default: $USER).
        #[arg(long, value_name = "NAME")]
        officer: Option<String>,
    },
    /// The snapshot archive: what it holds, verify it, export a time range.
    Archive {
        #[command(subcommand)]
        command: archive::ArchiveCommand,
    },
}

impl Cli {
    /// What the command line overrides in the settings.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            data: self.data.clone(),
            lang: self.lang,
            regions: self.regions.clone(),
            config: self.config.clone(),
            data_dir: self.data_dir.clone(),
            tiles: self.tiles.clone(),
            hub: self.hub.clone(),
            token: self.token.clone().map(Secret::new),
            interval: self.interval,
            replay: self.replay.clone(),
            record: self.record.clone(),
            keep_days: self.keep_days,
            renderer: self.renderer,
            wall_scale: self.scale,
        }
    }

    /// The settings: the command line over the config file over the defaults.
    pub fn settings(&self) -> Settings {
        Settings::resolve(&self.overrides())
    }

    /// The board window's start options.
    pub fn start_options(&self) -> StartOptions {
        StartOptions {
            date: self.date.as_deref().and_then(parse_date_arg),
            region: self.region.as_deref().and_then(|r| r.parse().ok()),
            lang_override: self.lang,
            view: self.view,
            map_mode: self.map_colour,
            wall: self.wall,
            fullscreen: self.fullscreen,
            size: self.size,
            frame_stats: self.frame_stats || crate::ui::frame_stats::enabled_by_env(),
        }
    }
}

/// Run what the command line asks for: a command, or the board window.
pub fn run(cli: &Cli) -> ExitCode {
    let mut settings = cli.settings();
    if let Some(p) = &settings.config_problem {
        eprintln!("warning: config ignored: {p}");
    }
    if let Some(n) = cli.screen {
        // This process drives wall screen N alone.
        match settings.wall.screen(n as usize) {
            Ok(w) => settings.wall = w,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    match &cli.command {
        Some(Command::Check { paths, all }) => check::run(&settings, paths, *all),
        Some(Command::Report { date, at, region, json }) => {
            report::run(&settings, date.as_deref(), at.as_deref(), region, *json)
        }
        Some(Command::Record { out, duration }) => record::run(&settings, out, *duration),
        Some(Command::Journal { command, exercise, exercise_at }) => {
            journal::run(&settings, command, *exercise, exercise_at.as_deref())
        }
        Some(Command::Archive { command }) => archive::run(command, settings.record_keep),
        Some(Command::Export { command }) => export::run(&settings, command),
        Some(Command::Briefing { date, region, out, officer }) => {
            export::briefing(&settings, date, region, cli.lang, out, officer.as_deref())
        }
        Some(Command::Screenshot { shot_view, shot_date, shot_region, shot_size, out, officer }) => export::screenshot(
            &settings,
            *shot_view,
            shot_date.as_deref(),
            shot_region.as_deref(),
            *shot_size,
            out,
            officer.as_deref(),
        ),
        None => crate::ui::run_native(settings, cli.start_options()),
    }
}

fn parse_size(s: &str) -> Result<(f32, f32), String> {
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(|| format!("{s:?} is not WIDTHxHEIGHT"))?;
    let parse = |v: &str| v.trim().parse::<f32>().ok().filter(|x| (200.0..=20000.0).contains(x));
    match (parse(w), parse(h)) {
        (Some(w), Some(h)) => Ok((w, h)),
        _ => Err(format!("{s:?} is not WIDTHxHEIGHT with sizes between 200 and 20000")),
    }
}

fn parse_scale(s: &str) -> Result<f32, String> {
    match s.trim().parse::<f32>() {
        Ok(x) if x.is_finite() && crate::settings::config::WALL_SCALE_RANGE.contains(&x) => Ok(x),
        _ => Err(format!("{s:?} is not a scale between 0.25 and 8")),
    }
}

fn parse_interval(s: &str) -> Result<std::time::Duration, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && crate::settings::config::INTERVAL_RANGE.contains(&x) => {
            Ok(std::time::Duration::from_secs_f64(x))
        }
        _ => Err(format!("{s:?} is not a number of seconds between 0.1 and 86400")),
    }
}
