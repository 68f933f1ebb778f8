//! The export record (issue 14): every file that left the board, newest first — when, what,
//! for which region and day, the file, by whom, and the start of its SHA-256 (the whole hash
//! on hover), so an after-action review sees which figures left the system.

use super::*;

pub(super) fn export_record(ui: &mut Ui, v: &ViewerContext<'_>) {
    let te = &v.tr.export;
    ui.label(RichText::new(te.record_title).size(theme::KPI_LABEL).color(theme::TEXT_DIM))
        .on_hover_text(te.record_hint);
    let exports = &v.sit.journal().exports;
    if exports.is_empty() {
        ui.label(RichText::new(te.record_empty).color(theme::TEXT_DIM));
        return;
    }
    Grid::new("export_record").striped(true).num_columns(6).spacing([14.0, 4.0]).show(ui, |ui| {
        for h in [te.col_time, te.col_what, te.col_region, te.col_period, te.col_file, te.col_officer] {
            ui.label(RichText::new(h).small().color(theme::TEXT_DIM));
        }
        ui.end_row();
        for r in exports.iter().rev() {
            let e = &r.export;
            ui.label(format_local(r.at));
            ui.label(&e.what);
            let region =
                e.region.parse::<crate::model::Adcode>().map(|c| v.name(c)).unwrap_or_else(|_| e.region.clone());
            ui.label(region);
            ui.label(&e.period);
            ui.label(&e.file).on_hover_text(format!("SHA-256 {}\n{} B", e.sha256, e.bytes));
            ui.label(if e.officer.is_empty() { "—" } else { &e.officer });
            ui.end_row();
        }
    });
}
