//! The wall display (大屏): everything a command centre's wall shows on one screen, sized to
//! be read from across the room — the key figures, the county map, the region's case curve
//! with its directive markers, the response level, risk counts and the directives in force.
//! No interaction is needed; with `--wall` the picker and date control are hidden too.

use std::sync::Arc;

use egui::{Layout, Ui};

use super::{PanelState, View, curves, overview};
use crate::model::overview::{CORE_FIGURES, Overview};
use crate::ui::app::UiCommand;
use crate::ui::map::layer::MapLayer;

pub fn ui(
    ui: &mut Ui,
    v: &View<'_>,
    layer: Option<&Arc<MapLayer>>,
    state: &mut PanelState,
    commands: &mut Vec<UiCommand>,
) {
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
            crate::ui::map::ui(ui, v, layer, &mut state.map, commands, true);
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
