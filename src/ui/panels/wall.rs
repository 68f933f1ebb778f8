//! The wall display (大屏): everything a command centre's wall shows on one screen, sized to
//! be read from across the room — the key figures, the county map, the region's case curve
//! with its directive markers, the response level, risk counts and the directives in force.
//! No interaction is needed; with `--wall` the picker and date control are hidden too.

use egui::{Layout, Ui};

use super::{CurvesPanel, MapPanel, OverviewPanel, Panel, curves, overview};
use crate::model::overview::{CORE_FIGURES, Overview};
use crate::ui::command::Commands;
use crate::ui::context::ViewerContext;

/// The wall's own map, curve and overview (their zoom and caches are separate from the tabs').
pub struct WallPanel {
    overview: OverviewPanel,
    map: MapPanel,
    curves: CurvesPanel,
}

impl Default for WallPanel {
    fn default() -> Self {
        let mut map = MapPanel::default();
        map.compact = true;
        WallPanel { overview: OverviewPanel::default(), map, curves: CurvesPanel::default() }
    }
}

impl WallPanel {
    /// The wall map's tile layer: the same as the map tab's.
    pub fn set_tiles(&mut self, url: Option<String>, cache: Option<std::path::PathBuf>) {
        self.map.tile_url = url;
        self.map.tile_cache = cache;
    }
}

impl Panel for WallPanel {
    fn ui(&mut self, ui: &mut Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
        show(ui, v, self, commands);
    }
}

fn show(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut WallPanel, commands: &mut Commands) {
    let full = state.overview.get(v).clone();
    // The wall shows the six core figures only.
    let ov =
        Overview { figures: full.figures.iter().filter(|(f, _)| CORE_FIGURES.contains(f)).copied().collect(), ..full };
    let width = ui.available_width();
    let gap = ui.spacing().item_spacing.x;
    overview::tiles(ui, v, &ov, width);
    ui.add_space(8.0);
    let height = ui.available_height();
    let down = Layout::top_down(egui::Align::LEFT);
    ui.horizontal_top(|ui| {
        ui.allocate_ui_with_layout(egui::vec2(width * 0.56, height), down, |ui| {
            state.map.ui(ui, v, commands);
        });
        let right = width * 0.44 - gap;
        ui.allocate_ui_with_layout(egui::vec2(right, height), down, |ui| {
            ui.allocate_ui_with_layout(egui::vec2(right, height * 0.52), down, |ui| {
                curves::refresh_cache(v, &mut state.curves);
                curves::single_chart(ui, v, &mut state.curves, commands);
            });
            ui.horizontal_top(|ui| {
                overview::response_card(ui, v, &ov, right * 0.4 - gap);
                overview::risk_card(ui, v, &ov, right * 0.6);
            });
            overview::directives(ui, v, &ov, right);
        });
    });
}
