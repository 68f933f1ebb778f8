//! `sitboard export csv`, `sitboard briefing` and `sitboard screenshot` (issue 14): the
//! board's exports without a window, from the same code as the board's export actions. Each
//! file written is noted in the export record of the journal in the data dir (what, when, by
//! whom, the file's SHA-256); when that record cannot be opened nothing is written.

use super::out::outln;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use clap::Subcommand;

use super::report::load_for_cli;
use crate::export::briefing;
use crate::export::tables::{self, TableKind, TableRequest};
use crate::i18n::Lang;
use crate::model::journal::NewExport;
use crate::model::time::end_of_day;
use crate::model::{Adcode, Situation};
use crate::settings::{Settings, StartView, parse_date_arg};
use crate::store::journal::{JournalStore, file_sha256};

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// A table of the board as CSV (UTF-8 with BOM; a header naming region, period, as-of
    /// and source; a provenance column).
    Csv {
        /// Which table: curves, subregions, checkpoints, lanes (needs --checkpoint), risk,
        /// hotline.
        #[arg(long, value_parser = parse_kind)]
        what: TableKind,
        /// Region code (adcode), e.g. 230000.
        #[arg(long, value_name = "ADCODE")]
        region: String,
        /// Curves: the first day (default: the start of the period the last day is in).
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: Option<String>,
        /// The last day (the day of the other tables); default: the latest day of the data.
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: Option<String>,
        /// Curves: regions compared with the region, comma-separated adcodes.
        #[arg(long, value_name = "ADCODE[,…]")]
        compare: Option<String>,
        /// Lanes: the checkpoint's id.
        #[arg(long, value_name = "ID")]
        checkpoint: Option<String>,
        /// The file to write.
        #[arg(long, value_name = "FILE.csv")]
        out: PathBuf,
        /// Who exports it (noted in the export record; default: $USER).
        #[arg(long, value_name = "NAME")]
        officer: Option<String>,
    },
}

fn parse_kind(s: &str) -> Result<TableKind, String> {
    TableKind::parse(s).ok_or_else(|| {
        let names: Vec<&str> = TableKind::ALL.iter().map(|k| k.wire_name()).collect();
        format!("{s:?} is not one of {}", names.join(", "))
    })
}

/// Exit 2 with a message.
fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

fn parse_region(s: &str) -> Result<Adcode, String> {
    s.parse::<Adcode>().map_err(|e| format!("--region: {e}"))
}

fn parse_day(flag: &str, s: Option<&str>) -> Result<Option<NaiveDate>, String> {
    match s {
        None => Ok(None),
        Some(s) => parse_date_arg(s).map(Some).ok_or_else(|| format!("{flag} {s:?} is not a date (YYYY-MM-DD)")),
    }
}

/// The situation at the end of `date` (default: the latest day), the region resolved
/// (default: the registry's first top-level region, the province).
pub(super) fn situation(
    settings: &Settings,
    date: Option<NaiveDate>,
    region: Option<&str>,
) -> Result<(Situation, Adcode), String> {
    let region = region.map(parse_region).transpose()?;
    let outcome = load_for_cli(settings, None)?;
    let data = Arc::new(outcome.dataset);
    let region = match region {
        Some(r) => data.registry.resolve(r).ok_or_else(|| format!("--region {r} is not a known region"))?,
        None => *data.registry.roots().first().ok_or("the region registry is empty")?,
    };
    let date = match date {
        Some(d) => d,
        None => *data.dates().last().ok_or("the data has no reporting day")?,
    };
    if !data.dates().contains(&date) {
        let ranges: Vec<String> = data.episodes().iter().map(|(a, b)| format!("{a} … {b}")).collect();
        return Err(format!("no data for {date}; the data covers {}", ranges.join(", ")));
    }
    Ok((Situation::at_instant(data, end_of_day(date)), region))
}

/// Who exports: `--officer`, else the user name of the session.
fn who(officer: Option<&str>) -> String {
    officer
        .map(str::to_owned)
        .or_else(|| std::env::var("USER").ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "cli".to_owned())
}

/// The journal the export is noted in: opened before anything is written.
fn open_record(settings: &Settings) -> Result<JournalStore, String> {
    let dir = settings.data_dir.clone().ok_or("no data dir on this system: give --data-dir DIR")?;
    JournalStore::open_in(&dir).map_err(|e| format!("the export record cannot be opened: {e}"))
}

/// What an export is, for its note: what, the situation's region, period and as-of, who.
fn note(what: &str, sit: &Situation, region: Adcode, period: String, officer: String) -> NewExport {
    NewExport {
        what: what.to_owned(),
        region: region.to_string(),
        period,
        as_of: sit.as_of().to_rfc3339(),
        officer,
        ..Default::default()
    }
}

/// Write a file whole, then note it in the export record (its name, size and hash added).
fn write_and_note(store: &mut JournalStore, out: &Path, bytes: &[u8], mut export: NewExport) -> Result<(), String> {
    crate::export::write_file(out, bytes)?;
    export.file = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    export.sha256 = file_sha256(bytes);
    export.bytes = bytes.len() as u64;
    store
        .append_export(export, Utc::now())
        .map_err(|e| format!("{} was written but could not be noted in the export record: {e}", out.display()))?;
    Ok(())
}

pub fn run(settings: &Settings, cmd: &ExportCommand) -> ExitCode {
    match cmd {
        ExportCommand::Csv { what, region, from, to, compare, checkpoint, out, officer } => {
            let run = || -> Result<String, String> {
                let from = parse_day("--from", from.as_deref())?;
                let to = parse_day("--to", to.as_deref())?;
                let compared = match compare {
                    None => Vec::new(),
                    Some(list) => list
                        .split(',')
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| s.trim().parse::<Adcode>().map_err(|e| format!("--compare: {e}")))
                        .collect::<Result<Vec<_>, _>>()?,
                };
                let mut store = open_record(settings)?;
                let (sit, region) = situation(settings, to, Some(region))?;
                let req = TableRequest {
                    kind: *what,
                    region,
                    from,
                    to: Some(sit.date()),
                    compared,
                    checkpoint: checkpoint.clone(),
                };
                let table = tables::build(&sit, &req)?;
                let text = tables::csv(&sit, &req, settings.lang)?;
                let period = if *what == TableKind::Curves {
                    format!("{} … {}", table.period.0, table.period.1)
                } else {
                    sit.date().to_string()
                };
                let what = format!("csv:{}", what.wire_name());
                write_and_note(
                    &mut store,
                    out,
                    text.as_bytes(),
                    note(&what, &sit, region, period, who(officer.as_deref())),
                )?;
                Ok(format!("{} ({} rows)", out.display(), table.rows.len()))
            };
            match run() {
                Ok(line) => {
                    outln!("{}{line}", settings.lang.tr().export.exported);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
    }
}

/// `sitboard briefing`: the daily briefing of a region and day as PDF or HTML (by the file
/// name's extension).
pub fn briefing(
    settings: &Settings,
    date: &str,
    region: &str,
    lang: Option<Lang>,
    out: &Path,
    officer: Option<&str>,
) -> ExitCode {
    let run = || -> Result<String, String> {
        let date = parse_day("--date", Some(date))?;
        let ext = out.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
        if ext != "pdf" && ext != "html" && ext != "htm" {
            return Err(format!("--out {}: give a file name ending in .pdf or .html", out.display()));
        }
        let lang = lang.unwrap_or(settings.lang);
        let mut store = open_record(settings)?;
        let (sit, region) = situation(settings, date, Some(region))?;
        let b = briefing::compose(&sit, region, lang)?;
        let (bytes, what) = if ext == "pdf" {
            (briefing::pdf::render(&b)?, "briefing:pdf")
        } else {
            (briefing::to_html(&b).into_bytes(), "briefing:html")
        };
        write_and_note(&mut store, out, &bytes, note(what, &sit, region, sit.date().to_string(), who(officer)))?;
        Ok(out.display().to_string())
    };
    match run() {
        Ok(line) => {
            outln!("{}{line}", settings.lang.tr().export.exported);
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// `sitboard screenshot`: the board drawn offscreen by the CPU rasterizer (no window, no
/// GPU) and written as PNG, with the as-of time and the source in its footer.
pub fn screenshot(
    settings: &Settings,
    view: StartView,
    date: Option<&str>,
    region: Option<&str>,
    size: (f32, f32),
    out: &Path,
    officer: Option<&str>,
) -> ExitCode {
    let run = || -> Result<String, String> {
        let date = parse_day("--date", date)?;
        let region = region.map(parse_region).transpose()?;
        // The picture is held in memory three times (canvas, pixels, PNG rows): up to 8K.
        if size.0 * size.1 > 7680.0 * 4320.0 {
            return Err(format!("--size {}x{} is larger than 8K (7680x4320)", size.0, size.1));
        }
        let mut store = open_record(settings)?;
        let outcome = load_for_cli(settings, None)?;
        let registry = &outcome.dataset.registry;
        let region = match region {
            Some(r) => registry.resolve(r).ok_or_else(|| format!("--region {r} is not a known region"))?,
            None => *registry.roots().first().ok_or("the region registry is empty")?,
        };
        let dates = outcome.dataset.dates().to_vec();
        let date = match date {
            Some(d) if dates.contains(&d) => d,
            Some(d) => return Err(format!("no data for {d}")),
            None => *dates.last().ok_or("the data has no reporting day")?,
        };
        let mut app = crate::ui::SitboardApp::from_outcome(outcome, settings.lang);
        app.apply(crate::ui::UiCommand::SetDate(date));
        app.apply(crate::ui::UiCommand::SelectRegion(region));
        app.show_view(view);
        if view == StartView::Wall {
            // The wall as configured: its first view (`[wall] playlist`), at its scale.
            app.configure_wall(&settings.wall);
            app.set_wall_mode(true);
        }
        let image = crate::ui::screenshot::render_offscreen(&mut app, size)?;
        let png = crate::ui::screenshot::encode_png(&image)?;
        let sit = app.situation().cloned().ok_or("the board has no data to show")?;
        let what = format!("png:{}", format!("{view:?}").to_lowercase());
        write_and_note(&mut store, out, &png, note(&what, &sit, region, sit.date().to_string(), who(officer)))?;
        Ok(format!("{} ({}×{})", out.display(), image.size[0], image.size[1]))
    };
    match run() {
        Ok(line) => {
            outln!("{}{line}", settings.lang.tr().export.exported);
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}
