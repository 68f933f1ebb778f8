//! Shared widgets: cards, KPI tiles with provenance marks, risk chips and bars.

use egui::{Color32, CornerRadius, Frame, Margin, RichText, Sense, Stroke, Ui, WidgetInfo};

use super::theme;
use crate::i18n::{Tr, fmt_count, fmt_delta};
use crate::model::overview::{Figure, FigureSource};

/// Horizontal space a card's frame takes (margins and border) around its content.
pub const CARD_CHROME: f32 = 2.0 * 14.0 + 2.0;

/// A card: the board's framed container, `outer_width` wide in total.
pub fn card<R>(ui: &mut Ui, outer_width: f32, add: impl FnOnce(&mut Ui) -> R) -> R {
    Frame::new()
        .fill(theme::CARD)
        .stroke(Stroke::new(1.0, theme::CARD_BORDER))
        .corner_radius(CornerRadius::same(6))
        .inner_margin(Margin::symmetric(14, 10))
        .show(ui, |ui| {
            let w = (outer_width - CARD_CHROME).max(40.0);
            ui.set_width(w);
            ui.vertical(add).inner
        })
        .inner
}

/// A grid cell whose text wraps at `max_width` (egui's grids extend their cells instead, so a
/// long value would push the whole card past the window's edge).
pub fn wrapped_cell(ui: &mut Ui, text: impl Into<egui::WidgetText>, max_width: f32) -> egui::Response {
    ui.scope(|ui| {
        ui.set_max_width(max_width.max(40.0));
        ui.add(egui::Label::new(text).wrap())
    })
    .inner
}

/// The width a one-line text takes in a text style.
pub fn text_width(ui: &Ui, text: &str, style: egui::TextStyle) -> f32 {
    let font = style.resolve(ui.style());
    ui.fonts_mut(|f| f.layout_no_wrap(text.to_owned(), font, egui::Color32::WHITE).size().x)
}

/// The mark shown next to a figure for where it came from.
pub fn provenance_mark(source: FigureSource) -> (&'static str, Color32) {
    match source {
        FigureSource::Reported => ("●", theme::ACCENT),
        FigureSource::Reconstructed => ("◌", theme::TEXT_DIM),
        FigureSource::Aggregated { .. } => ("Σ", theme::TEXT_DIM),
        FigureSource::Derived => ("≈", theme::TEXT_DIM),
        FigureSource::Synthetic => ("◇", theme::WARN),
        FigureSource::Missing => ("", theme::TEXT_DIM),
    }
}

/// A KPI tile: label, big number, provenance mark, change from the previous day. Its
/// accessible label reads "label: value" so screen readers and tests read it as a person does.
pub fn kpi_tile(
    ui: &mut Ui,
    tr: &Tr,
    label: &str,
    fig: &Figure,
    note: Option<&str>,
    colour: Color32,
    outer_width: f32,
) -> egui::Response {
    let value_text = fig.value.map(|v| fmt_count(u64::from(v))).unwrap_or_else(|| "—".into());
    let inner = Frame::new()
        .fill(theme::CARD)
        .stroke(Stroke::new(1.0, theme::CARD_BORDER))
        .corner_radius(CornerRadius::same(6))
        .inner_margin(Margin::symmetric(14, 10))
        .show(ui, |ui| {
            ui.set_width((outer_width - CARD_CHROME).max(40.0));
            // Same height for every tile, even when a label wraps to two lines.
            ui.set_min_height(128.0);
            ui.vertical(|ui| {
                ui.label(RichText::new(label).size(theme::KPI_LABEL).color(theme::TEXT_DIM));
                ui.horizontal(|ui| {
                    let colour = if fig.value.is_some() { colour } else { theme::TEXT_DIM };
                    ui.label(RichText::new(&value_text).size(theme::KPI_NUMBER).strong().color(colour));
                    let (mark, mark_colour) = provenance_mark(fig.source);
                    if !mark.is_empty() {
                        ui.label(RichText::new(mark).size(theme::BODY).color(mark_colour));
                    }
                });
                let mut line = note.map(str::to_owned).unwrap_or_default();
                if let Some(d) = fig.delta {
                    if !line.is_empty() {
                        line.push_str("  ");
                    }
                    line.push_str(&format!("{} {}", tr.overview.vs_previous_day, fmt_delta(d)));
                }
                if let Some(c) = fig.correction {
                    if !line.is_empty() {
                        line.push_str("  ");
                    }
                    line.push_str(&format!("{} {}", tr.overview.correction, fmt_delta(c)));
                }
                if fig.value.is_none() {
                    line = tr.overview.figure_source(FigureSource::Missing);
                }
                let colour = if fig.correction.is_some() { theme::WARN } else { theme::TEXT_DIM };
                ui.label(
                    RichText::new(if line.is_empty() { " ".into() } else { line }).size(theme::SMALL).color(colour),
                );
            });
        });
    let response = inner.response.interact(Sense::hover());
    let a11y = format!("{label}: {value_text}");
    response.widget_info(|| WidgetInfo::labeled(egui::Role::Label, true, &a11y));
    response
}

/// A small coloured square followed by text (legends, risk chips).
pub fn swatch(ui: &mut Ui, colour: Color32, text: impl Into<egui::WidgetText>) -> egui::Response {
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), Sense::hover());
        ui.painter().rect_filled(rect, CornerRadius::same(3), colour);
        ui.label(text)
    })
    .inner
}

/// A horizontal bar split by counts, e.g. high/medium/low/unknown risk.
pub fn stacked_bar(ui: &mut Ui, parts: &[(u32, Color32)], height: f32) {
    let total: u32 = parts.iter().map(|(n, _)| n).sum();
    let width = ui.available_width().max(50.0);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, height), Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, CornerRadius::same(3), theme::BG);
    if total == 0 {
        return;
    }
    let mut x = rect.left();
    for (n, colour) in parts {
        if *n == 0 {
            continue;
        }
        let w = rect.width() * (*n as f32) / (total as f32);
        let r = egui::Rect::from_min_size(egui::pos2(x, rect.top()), egui::vec2(w, rect.height()));
        painter.rect_filled(r, CornerRadius::ZERO, *colour);
        x += w;
    }
}

/// A small filled chip with dark text (badges such as "logged here" or "feed").
pub fn chip(ui: &mut Ui, text: &str, fill: Color32) -> egui::Response {
    Frame::new()
        .fill(fill)
        .corner_radius(CornerRadius::same(3))
        .inner_margin(Margin::symmetric(6, 1))
        .show(ui, |ui| ui.label(RichText::new(text).small().color(Color32::from_rgb(0x07, 0x12, 0x24))))
        .inner
}
