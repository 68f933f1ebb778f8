//! Region picker: province → city → county as an expandable list, with each region's
//! active cases and (for counties) its risk level, and a search box. Only the rows in view
//! are laid out, so a national registry of thousands of counties costs the same per frame
//! as one province. Selecting emits `SelectRegion`.

use std::collections::HashSet;

use egui::{RichText, ScrollArea, TextEdit, Ui};

use super::Panel;
use crate::i18n::fmt_count;
use crate::model::{Adcode, CaseField, RegionLevel};
use crate::ui::command::{Commands, UiCommand};
use crate::ui::context::ViewerContext;
use crate::ui::theme;

#[derive(Default)]
pub struct RegionPickerPanel {
    pub search: String,
    /// Regions whose children are shown.
    expanded: HashSet<Adcode>,
    /// The selection the expansion last followed (so picking elsewhere opens the path).
    followed: Option<Adcode>,
}

const ROW_HEIGHT: f32 = 30.0;

impl Panel for RegionPickerPanel {
    fn ui(&mut self, ui: &mut Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
        show(ui, v, self, commands);
    }
}

fn show(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut RegionPickerPanel, commands: &mut Commands) {
    let tr = v.tr;
    ui.label(RichText::new(tr.regions.region_picker).size(theme::HEADING).strong());
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new(tr.regions.search_region).small().color(theme::TEXT_DIM));
        ui.add(TextEdit::singleline(&mut state.search).desired_width(f32::INFINITY)).labelled_by(label.id);
    });
    ui.add_space(4.0);
    let registry = &v.sit.data().registry;
    // Open the path to a region selected elsewhere (map, tables, curves), and scroll to it.
    let newly_selected = state.followed != Some(v.region);
    if newly_selected {
        for code in registry.path(v.region) {
            if code != v.region {
                state.expanded.insert(code);
            }
        }
        state.followed = Some(v.region);
    }
    let query = state.search.trim().to_lowercase();
    let rows: Vec<(Adcode, usize)> = if query.is_empty() {
        let mut rows = Vec::new();
        let mut stack: Vec<(Adcode, usize)> = registry.roots().iter().rev().map(|c| (*c, 0)).collect();
        while let Some((code, depth)) = stack.pop() {
            rows.push((code, depth));
            if depth == 0 || state.expanded.contains(&code) {
                stack.extend(registry.children(code).iter().rev().map(|c| (*c, depth + 1)));
            }
        }
        rows
    } else {
        registry
            .iter_sorted()
            .filter(|r| {
                // By name (either language) or by region code, as the directive form asks for.
                r.name_zh.to_lowercase().contains(&query)
                    || r.name_en.to_lowercase().contains(&query)
                    || r.adcode.to_string().starts_with(&query)
            })
            .map(|r| (r.adcode, 0))
            .collect()
    };
    let mut area = ScrollArea::vertical().auto_shrink([false, false]);
    if newly_selected && let Some(i) = rows.iter().position(|(c, _)| *c == v.region) {
        // The row a few rows from the top, so its city stays in view above it.
        area = area.vertical_scroll_offset((i.saturating_sub(3) as f32) * ROW_HEIGHT);
    }
    area.show_rows(ui, ROW_HEIGHT, rows.len(), |ui, range| {
        for &(code, depth) in &rows[range] {
            row(ui, v, code, depth, state, commands);
        }
    });
}

fn row(
    ui: &mut Ui,
    v: &ViewerContext<'_>,
    code: Adcode,
    depth: usize,
    state: &mut RegionPickerPanel,
    commands: &mut Commands,
) {
    let registry = &v.sit.data().registry;
    let Some(region) = registry.get(code) else { return };
    let selected = v.region == code;
    ui.horizontal(|ui| {
        ui.set_height(ROW_HEIGHT - 4.0);
        ui.add_space(14.0 * depth.saturating_sub(1) as f32);
        let has_children = !registry.children(code).is_empty();
        if depth > 0 && has_children {
            let open = state.expanded.contains(&code);
            let arrow = if open { "▼" } else { "▶" };
            let arrow = RichText::new(arrow).size(theme::SMALL - 3.0).color(theme::TEXT_DIM);
            if ui.add(egui::Button::new(arrow).frame(false)).on_hover_text(v.name(code)).clicked() {
                if open {
                    state.expanded.remove(&code);
                } else {
                    state.expanded.insert(code);
                }
            }
        } else if region.level == RegionLevel::County {
            let level = v.sit.risk(code).map(|a| a.level);
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().circle_filled(rect.center(), 4.5, theme::risk_colour(level));
        }
        let mut text = RichText::new(v.name(code));
        if region.level != RegionLevel::County {
            text = text.strong();
        }
        let resp = ui.selectable_label(selected, text);
        let resp = if region.has_polygon { resp } else { resp.on_hover_text(v.tr.regions.no_polygon_note) };
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
