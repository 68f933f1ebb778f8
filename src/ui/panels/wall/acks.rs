//! The wall's alert of overdue acknowledgments (issue 12): one line across the top of the
//! directives card when addressed units in the region have not acknowledged in time —
//! how many, and the most overdue. Nothing is drawn when none is overdue.

use egui::{Rect, RichText, Ui};

use super::{in_rect, size};
use crate::ui::context::ViewerContext;
use crate::ui::panels::directives::acks::overdue_within;
use crate::ui::theme;

/// Draw the alert at the top of `rect` when acknowledgments are overdue; returns the rect
/// left below it (all of `rect` when nothing is overdue).
pub(super) fn overdue_alert(ui: &mut Ui, v: &ViewerContext<'_>, rect: Rect) -> Rect {
    let overdue = overdue_within(v, v.region, v.deadline_now());
    let Some((d, unit, by)) = overdue.first() else { return rect };
    let o = &v.tr.officers;
    let height = ui.fonts_mut(|f| f.row_height(&egui::FontId::proportional(size::BODY))) + 12.0;
    let line = Rect::from_min_size(rect.min, egui::vec2(rect.width(), height));
    ui.painter().rect_filled(line, 6.0, theme::ALERT.gamma_multiply(0.25));
    let text = format!(
        "⚠ {} {} · {} → {} · {}",
        o.wall_overdue,
        overdue.len(),
        d.content.number,
        v.name(*unit),
        o.overdue_by(*by)
    );
    in_rect(ui, line.shrink2(egui::vec2(10.0, 6.0)), |ui| {
        ui.add(egui::Label::new(RichText::new(text).size(size::BODY).strong().color(theme::ALERT)).truncate());
    });
    Rect::from_min_max(egui::pos2(rect.left(), line.bottom() + 6.0), rect.max)
}
