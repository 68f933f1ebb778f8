//! The egui/eframe board. [`app`] is the shell (state + logic + ui); [`command`] and
//! [`context`] are what panels push and read; [`panels`] holds one struct per panel (the map
//! with its walkers plugins among them); [`workers`] do the background work (loading, live
//! feeds, the journal, the push to the hub); [`theme`], [`fonts`], [`widgets`] and [`plot`]
//! are the UI kit. No panel does IO.

pub mod app;
pub mod command;
pub mod context;
pub mod fonts;
pub mod panels;
pub mod plot;
pub mod theme;
pub mod widgets;
pub mod workers;

use std::process::ExitCode;

pub use crate::settings::MainTab;
pub use app::{BoardState, SitboardApp};
pub use command::UiCommand;

use crate::settings::{Settings, StartOptions};

/// Open the board window (blocks until it is closed).
pub fn run_native(settings: Settings, start: StartOptions) -> ExitCode {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Sitboard")
        .with_inner_size(start.size.map(|(w, h)| [w, h]).unwrap_or([1600.0, 960.0]))
        .with_min_inner_size([900.0, 600.0]);
    if start.fullscreen || start.wall {
        viewport = viewport.with_fullscreen(true);
    }
    // A size given on the command line wins over the window size saved by the last run.
    let options = eframe::NativeOptions { viewport, persist_window: start.size.is_none(), ..Default::default() };
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
