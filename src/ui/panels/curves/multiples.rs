//! Small multiples: one small chart per subregion on one scale; clicking one selects it.

use super::*;

pub(super) fn small_multiples(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut CurvesPanel, commands: &mut Commands) {
    let tr = v.tr;
    let Some(cache) = state.cache.as_ref() else { return };
    let log = state.log_scale;
    let per_100k = state.per_100k;
    let n = cache.regions.len();
    let cols = (n as f32).sqrt().ceil().max(1.0) as usize + usize::from(n > 6);
    let rows = n.div_ceil(cols);
    let gap = ui.spacing().item_spacing;
    let w = (ui.available_width() - gap.x * (cols as f32 - 1.0)) / cols as f32;
    // Each chart has a title above it (a button of body text) and the note is under them all:
    // measured in the style in use, so the wall's larger type does not push the last row off.
    let title_h = ui.text_style_height(&egui::TextStyle::Button) + 2.0 * ui.spacing().button_padding.y + gap.y;
    let note_h = ui.text_style_height(&egui::TextStyle::Small) + 2.0 * gap.y;
    let h = ((ui.available_height() - note_h - gap.y * (rows as f32 - 1.0)) / rows as f32).max(110.0);
    let scale = |r: &RegionSeries| match (per_100k, r.population) {
        (true, Some(p)) if p > 0 => 100_000.0 / p as f64,
        _ => 1.0,
    };
    // One scale for all: the largest value of any region's new cases or active cases.
    let y_max = cache
        .regions
        .iter()
        .map(|r| {
            let s = scale(r);
            let active = r
                .lines
                .iter()
                .find(|(f, _)| *f == CaseField::Active)
                .map(|(_, p)| p.iter().map(|p| p.y).fold(0.0, f64::max))
                .unwrap_or(0.0);
            let new = r.new_bars.iter().map(|b| b.1).fold(0.0, f64::max);
            active.max(new) * s
        })
        .fold(1.0, f64::max);
    let y_top = y_of(y_max, log) * 1.05;
    let today = day_x(v.sit.date());
    // The charts share their x axis; the group is per period, so switching period starts the
    // new one on its own days (one group for all periods kept the old period's axis).
    let link = egui::Id::unique(("sitboard.multiples_x", cache.x_range.0 as i64));
    for chunk in cache.regions.chunks(cols) {
        ui.horizontal(|ui| {
            for r in chunk {
                ui.vertical(|ui| {
                    ui.set_width(w);
                    let s = scale(r);
                    let active_now = r.days.iter().find(|(d, _)| *d == v.sit.date()).and_then(|(_, vals)| {
                        vals.iter().find(|(f, _, _)| *f == CaseField::Active).map(|(_, n, _)| *n)
                    });
                    let title = match active_now {
                        Some(a) => format!("{}  {} {}", r.name, tr.overview.col_active, fmt_count(u64::from(a))),
                        None => r.name.clone(),
                    };
                    if ui.add(egui::Button::new(RichText::new(title).strong()).frame(false)).clicked() {
                        commands.push(UiCommand::SelectRegion(r.code));
                    }
                    let plot = Plot::new(("multiple", r.code.value(), cache.x_range.0 as i64, log, per_100k))
                        .id(multiple_plot_id(r.code, cache.x_range.0, log, per_100k))
                        .width(w)
                        .height(h - title_h)
                        .show_axes([true, true])
                        .y_axis_min_width(28.0)
                        .y_axis_formatter(move |m, _| y_label(m.value, log))
                        .show_grid([false, true])
                        .allow_drag(false)
                        .allow_zoom(false)
                        .allow_scroll(false)
                        .allow_boxed_zoom(false)
                        .default_x_bounds(cache.x_range.0, today + 2.0)
                        .default_y_bounds(0.0, y_top)
                        .link_axis(link, [true, false])
                        .x_axis_formatter(|m, _| date_label(m))
                        .label_formatter(|_| None);
                    let resp = plot.show(ui, |pui| {
                        let bars: Vec<Bar> = r
                            .new_bars
                            .iter()
                            .map(|(x, y, rep)| {
                                let c = series_colour(CaseField::NewConfirmed);
                                Bar::new(*x, y_of(y * s, log)).width(0.8).fill(if *rep {
                                    c
                                } else {
                                    c.gamma_multiply(0.5)
                                })
                            })
                            .collect();
                        pui.add(BarChart::new(tr.case_field(CaseField::NewConfirmed), bars).id("new"));
                        if let Some((_, pts)) = r.lines.iter().find(|(f, _)| *f == CaseField::Active) {
                            let mapped: Vec<PlotPoint> =
                                pts.iter().map(|p| PlotPoint::new(p.x, y_of(p.y * s, log))).collect();
                            pui.add(
                                Line::new(tr.case_field(CaseField::Active), PlotPoints::Owned(mapped))
                                    .color(series_colour(CaseField::Active))
                                    .width(1.8)
                                    .id("active"),
                            );
                        }
                        pui.add(VLine::new(tr.curves.today_line, today).color(theme::TEXT_DIM).width(1.0).id("today"));
                    });
                    if resp.response.clicked() {
                        commands.push(UiCommand::SelectRegion(r.code));
                    }
                    chart_menu(&resp.response, v, state, commands);
                });
            }
        });
    }
    ui.label(RichText::new(tr.curves.multiples_note).small().color(theme::TEXT_DIM));
}

/// The id of a region's small chart for a period starting at `x0` (tests read its bounds).
pub fn multiple_plot_id(code: Adcode, x0: f64, log: bool, per_100k: bool) -> egui::Id {
    egui::Id::unique(("sitboard.multiple", code.value(), x0 as i64, log, per_100k))
}
