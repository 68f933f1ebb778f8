//! Compare subregions: one line per subregion on one chart (7-day average, active or
//! cumulative; per 100,000 people when every region has a population).

use super::*;

pub(super) fn compare_chart(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut CurvesPanel, commands: &mut Commands) {
    let tr = v.tr;
    let Some(cache) = state.cache.as_ref() else { return };
    let log = state.log_scale;
    let plot_id =
        egui::Id::unique(("sitboard.curves_compare", cache.x_range.0 as i64, log, state.per_100k, state.metric));
    let mut plot = Plot::new(plot_id)
        .id(plot_id)
        .height((ui.available_height() - ui.text_style_height(&egui::TextStyle::Small) - 12.0).max(240.0))
        .legend(Legend::default().position(egui_plot::Corner::LeftTop).follow_insertion_order(true))
        .auto_bounds([true, true])
        .include_x(cache.x_range.0)
        .include_x(day_x(v.sit.date()) + 8.0)
        .include_y(0.0)
        .show_grid([false, true])
        .x_axis_formatter(|m, _| date_label(m))
        .y_axis_formatter(move |m, _| y_label(m.value, log));
    if std::mem::take(&mut state.reset_view) {
        plot = plot.reset();
    }
    let today = day_x(v.sit.date());
    // End-of-line names for the five highest lines (others would pile up near zero and be
    // unreadable; the legend names every line).
    let mut ranked: Vec<(usize, f64)> = cache
        .regions
        .iter()
        .enumerate()
        .filter_map(|(i, r)| metric_series(r, state.metric, state.per_100k, log).last().map(|p| (i, p.y)))
        .filter(|(_, y)| *y > 0.0)
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let labelled: Vec<usize> = ranked.iter().take(5).map(|(i, _)| *i).collect();
    let resp = plot.show(ui, |pui| {
        // Names at the ends of the labelled lines, readable without a legend or a mouse; lines
        // ending close together get their names moved apart (never printed over each other).
        let ends: Vec<(usize, PlotPoint)> = labelled
            .iter()
            .filter_map(|&i| {
                metric_series(&cache.regions[i], state.metric, state.per_100k, log).last().map(|p| (i, *p))
            })
            .collect();
        let screen: Vec<f32> = ends.iter().map(|(_, p)| pui.screen_from_plot(*p).y).collect();
        let spread = spread_labels(&screen, theme::SMALL + 4.0);
        for ((i, p), y) in ends.iter().zip(spread) {
            let r = &cache.regions[*i];
            let at = pui.plot_from_screen(egui::pos2(pui.screen_from_plot(*p).x, y));
            let colour = PALETTE[i % PALETTE.len()];
            pui.add(
                Text::new(
                    "",
                    PlotPoint::new(p.x, at.y),
                    RichText::new(format!(" {}", r.name)).size(theme::SMALL).color(colour),
                )
                .anchor(Align2::LEFT_CENTER)
                .id(("end_label", r.code.value())),
            );
        }
        for (i, r) in cache.regions.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let pts = metric_series(r, state.metric, state.per_100k, log);
            pui.add(Line::new(&r.name, PlotPoints::Owned(pts)).color(colour).width(2.0).id(("region", r.code.value())));
        }
        pui.add(VLine::new("", today).color(theme::TEXT).width(1.5).id(("today", 0)));
        pui.pointer_coordinate()
    });
    if resp.response.clicked()
        && let Some(d) = resp.inner.filter(|_| resp.response.hovered()).and_then(|p| x_day(p.x))
        && v.sit.data().dates().contains(&d)
    {
        commands.push(UiCommand::SetDate(d));
    }
    chart_menu(&resp.response, v, state, commands);
    let unit = if state.per_100k { tr.curves.per_100k_unit } else { "" };
    ui.label(RichText::new(format!("{}{unit}", tr.curves.curves_compare_note)).small().color(theme::TEXT_DIM));
}
