//! Region picker: province → city → county, with each region's active cases and (for
//! counties) its risk level, and a search box. Selecting emits `SelectRegion`.

use egui::collapsing_header::CollapsingState;
use egui::{RichText, ScrollArea, TextEdit, Ui};

use super::View;
use crate::i18n::fmt_count;
use crate::model::{Adcode, CaseField, RegionLevel};
use crate::ui::app::UiCommand;
use crate::ui::theme;

#[derive(Default)]
pub struct RegionPickerState {
    pub search: String,
}

pub fn ui(ui: &mut Ui, v: &View<'_>, state: &mut RegionPickerState, commands: &mut Vec<UiCommand>) {
    let tr = v.tr;
    ui.label(RichText::new(tr.region_picker).size(theme::HEADING).strong());
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new(tr.search_region).small().color(theme::TEXT_DIM));
        ui.add(TextEdit::singleline(&mut state.search).desired_width(f32::INFINITY)).labelled_by(label.id);
    });
    ui.add_space(4.0);
    let registry = &v.sit.data().registry;
    let query = state.search.trim().to_lowercase();
    ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        if !query.is_empty() {
            for r in registry.iter_sorted() {
                if r.name_zh.to_lowercase().contains(&query) || r.name_en.to_lowercase().contains(&query) {
                    row(ui, v, r.adcode, commands);
                }
            }
            return;
        }
        for &root in registry.roots() {
            row(ui, v, root, commands);
            for &city in registry.children(root) {
                let id = ui.make_persistent_id(("region_city", city));
                let contains_selection = registry.is_within(v.region, city) && v.region != city;
                let mut state = CollapsingState::load_with_default_open(ui.ctx(), id, false);
                if contains_selection {
                    state.set_open(true);
                }
                state.show_header(ui, |ui| row(ui, v, city, commands)).body(|ui| {
                    for &county in registry.children(city) {
                        row(ui, v, county, commands);
                    }
                });
            }
        }
    });
}

fn row(ui: &mut Ui, v: &View<'_>, code: Adcode, commands: &mut Vec<UiCommand>) {
    let registry = &v.sit.data().registry;
    let Some(region) = registry.get(code) else { return };
    let selected = v.region == code;
    ui.horizontal(|ui| {
        if region.level == RegionLevel::County {
            let level = v.sit.risk(code).map(|a| a.level);
            let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter().circle_filled(rect.center(), 4.5, theme::risk_colour(level));
        }
        let mut text = RichText::new(v.name(code));
        if region.level != RegionLevel::County {
            text = text.strong();
        }
        let resp = ui.selectable_label(selected, text);
        let resp = if region.has_polygon { resp } else { resp.on_hover_text(v.tr.no_polygon_note) };
        if resp.clicked() && !selected {
            commands.push(UiCommand::SelectRegion(code));
        }
        if let Some(active) = v.sit.report(code).and_then(|r| r.get(CaseField::Active)) {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let colour = if active > 0 { theme::WARN } else { theme::TEXT_DIM };
                ui.label(RichText::new(fmt_count(u64::from(active))).small().color(colour));
            });
        }
    });
}
