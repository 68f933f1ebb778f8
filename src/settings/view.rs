//! The board's views, named once: the tabs of the central area, the modes of the case curves
//! and the map's colourings. The command line (`--view`, `--map-colour`), the saved state and
//! the panels all use these types, so a start view is resolved in one place.

use serde::{Deserialize, Serialize};

/// The views of the central area.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MainTab {
    #[default]
    Overview,
    Curves,
    Map,
    Checkpoints,
    /// The 12345 hotline: work orders, deadlines, the overdue list.
    Hotline,
    /// The wall display (大屏): key figures, map, curve and directives on one screen.
    Wall,
    Directives,
    /// Two moments side by side.
    Compare,
}

/// What the case-curves tab draws.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CurveMode {
    /// The selected region's series.
    #[default]
    Single,
    /// Its subregions on one chart.
    Compare,
    /// One small chart per subregion, on one scale.
    SmallMultiples,
}

/// What the map colours counties by (`--map-colour`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
pub enum MapMode {
    /// Published risk level (computed where none is published).
    #[default]
    Risk,
    /// Risk level computed by the February 2020 county rule.
    #[value(name = "computed")]
    RiskComputed,
    /// Active cases.
    Active,
    /// New cases in the last 7 days.
    #[value(name = "new7")]
    New7Days,
    /// New cases in the last 7 days per 100,000 people.
    #[value(name = "per100k")]
    New7DaysPer100k,
    /// Open 12345 work orders past a deadline.
    #[value(name = "hotline")]
    HotlineOverdue,
}

impl MapMode {
    /// A colouring by its command-line name (`risk`, `computed`, `active`, `new7`, `per100k`,
    /// `hotline`).
    pub fn parse(s: &str) -> Option<MapMode> {
        <MapMode as clap::ValueEnum>::from_str(s.trim(), true).ok()
    }
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
    /// The 12345 hotline tab.
    Hotline,
    Wall,
    Directives,
    /// Compare two moments (the instant in view and a week before).
    Moments,
}

impl StartView {
    /// The tab this view is on.
    pub fn tab(self) -> MainTab {
        match self {
            StartView::Overview => MainTab::Overview,
            StartView::Curves | StartView::Compare | StartView::Multiples => MainTab::Curves,
            StartView::Map => MainTab::Map,
            StartView::Checkpoints => MainTab::Checkpoints,
            StartView::Hotline => MainTab::Hotline,
            StartView::Wall => MainTab::Wall,
            StartView::Directives => MainTab::Directives,
            StartView::Moments => MainTab::Compare,
        }
    }

    /// The case curves' mode this view shows (the single-region chart for the other tabs).
    pub fn curve_mode(self) -> CurveMode {
        match self {
            StartView::Compare => CurveMode::Compare,
            StartView::Multiples => CurveMode::SmallMultiples,
            _ => CurveMode::Single,
        }
    }
}

/// Which renderer draws the board window (`--renderer`, `renderer = "…"` in sitboard.toml).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum RendererChoice {
    /// The GPU path on a hardware adapter; the CPU rasterizer when the only adapter is a
    /// software one (llvmpipe, lavapipe, WARP…), where it costs the least.
    #[default]
    Auto,
    /// eframe on wgpu (Vulkan, Metal, DX12…).
    Gpu,
    /// eframe on OpenGL (glow).
    Gl,
    /// egui's meshes rasterized on the CPU into the window (softbuffer), redrawing only what changed.
    Cpu,
}

impl RendererChoice {
    pub fn name(self) -> &'static str {
        match self {
            RendererChoice::Auto => "auto",
            RendererChoice::Gpu => "gpu",
            RendererChoice::Gl => "gl",
            RendererChoice::Cpu => "cpu",
        }
    }
}
