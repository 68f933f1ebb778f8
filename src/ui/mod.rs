//! The egui/eframe board: app shell (state + logic + ui), theme, fonts, string table use,
//! shared widgets and one module per panel. Panels render `&Situation` and emit
//! [`app::UiCommand`]s; the app's logic step applies them. No panel does IO.

pub mod app;
pub mod fonts;
pub mod journal_worker;
pub mod live;
pub mod loader;
pub mod map;
pub mod panels;
pub mod theme;
pub mod widgets;

use std::process::ExitCode;

pub use app::{BoardState, SitboardApp, UiCommand};
pub use panels::MainTab;

use crate::cli::{Cli, Settings};

/// Open the board window (blocks until it is closed).
pub fn run_native(cli: &Cli, settings: Settings) -> ExitCode {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Sitboard")
        .with_inner_size(cli.size.map(|(w, h)| [w, h]).unwrap_or([1600.0, 960.0]))
        .with_min_inner_size([900.0, 600.0]);
    if cli.fullscreen || cli.wall {
        viewport = viewport.with_fullscreen(true);
    }
    let options = eframe::NativeOptions { viewport, ..Default::default() };
    let start = app::StartOptions {
        date: cli.date.as_deref().and_then(crate::cli::parse_date_arg),
        region: cli.region.as_deref().and_then(|r| r.parse().ok()),
        lang_override: cli.lang,
        view: if cli.wall { Some(crate::cli::StartView::Wall) } else { cli.view },
        wall: cli.wall,
        map_colour: cli.map_colour,
        journal_dir: cli.data_dir.clone().or_else(crate::paths::data_dir),
    };
    let result = eframe::run_native(
        "Sitboard",
        options,
        Box::new(move |cc| Ok(Box::new(SitboardApp::new(cc, settings, start)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the board window could not be opened: {e}");
            ExitCode::FAILURE
        }
    }
}
