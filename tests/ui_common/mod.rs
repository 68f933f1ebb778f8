//! Helpers of the UI tests: the bundled demo loaded as the board, and a headless harness at
//! 1920×1080 with the board's fonts and theme (the harness fails on a missing glyph, so every
//! UI test also proves the bundled font covers what it shows).
#![allow(dead_code)]

use chrono::NaiveDate;
use egui_kittest::Harness;
use sitboard::feed::{FeedSource, LoadOutcome, load_sources, registry};
use sitboard::i18n::Lang;
use sitboard::model::Adcode;
use sitboard::ui::{SitboardApp, fonts, theme};

/// The bundled demo, read as the board reads it; it must load without a rejected row.
pub fn demo_outcome() -> LoadOutcome {
    let dir = sitboard::settings::paths::bundled_demo_dir().expect("bundled demo folder data/demo");
    let outcome = load_sources(&[FeedSource::Path(dir)], registry::bundled().expect("registry"));
    for r in &outcome.reports {
        assert!(r.fatal.is_none() && r.rejected.is_empty(), "demo data must load cleanly: {}", r.render(20));
    }
    outcome
}

/// The board over the bundled demo.
pub fn demo_app(lang: Lang) -> SitboardApp {
    SitboardApp::from_outcome(demo_outcome(), lang)
}

/// A headless 1920×1080 harness running whole frames (logic, then UI) of the board.
pub fn harness(app: SitboardApp) -> Harness<'static, SitboardApp> {
    Harness::builder()
        .with_size([1920.0, 1080.0])
        .with_context_setup(|ctx| {
            fonts::install(ctx);
            theme::apply(ctx);
        })
        .build_ui_state(|ui, app: &mut SitboardApp| app.frame(ui), app)
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

pub fn code(c: u32) -> Adcode {
    Adcode::new(c).expect("test adcode")
}
