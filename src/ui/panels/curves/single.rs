//! The single-region chart: daily new cases as bars, 7-day average and the line series,
//! directive markers, response-level shading, the day in view, and the readout below.

use super::*;

pub(crate) fn single_chart(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut CurvesPanel, commands: &mut Commands) {
    let tr = v.tr;
    let Some(cache) = state.cache.as_ref() else { return };
    let Some(series) = cache.single.as_ref() else {
        ui.label(RichText::new(tr.overview.no_report).color(theme::TEXT_DIM));
        return;
    };
    let log = state.log_scale;
    let today = day_x(v.sit.date());
    let plot_id = egui::Id::unique(("sitboard.curves_single", cache.x_range.0 as i64, log));
    let compact = state.wall;
    // Room under the chart for what follows it: the readout (up to two lines of body text),
    // the legend note and the list of markers, measured at this width so none is cut off by
    // the date bar.
    let readout_h = if compact {
        ui.text_style_height(&egui::TextStyle::Small) * 2.0 + 16.0
    } else {
        let width = ui.available_width();
        let spacing = ui.spacing().item_spacing.y;
        let small = egui::TextStyle::Small.resolve(ui.style());
        let wrapped = |text: String, font: egui::FontId| {
            ui.fonts_mut(|f| f.layout(text, font, egui::Color32::WHITE, width).size().y)
        };
        let markers = if cache.annotations.is_empty() {
            0.0
        } else {
            let list: Vec<&str> = cache.annotations.iter().map(|a| a.short.as_str()).collect();
            wrapped(format!("{}: {}", tr.curves.annotations, list.join(" · ")), small.clone()) + spacing
        };
        let body = ui.text_style_height(&egui::TextStyle::Body).max(theme::BODY * 1.3);
        2.0 * body + wrapped(tr.curves.curves_legend_note.to_owned(), small) + markers + 4.0 * spacing
    };
    let height = (ui.available_height() - readout_h).max(if compact { 120.0 } else { 240.0 });
    let mut legend = Legend::default().position(egui_plot::Corner::LeftTop).follow_insertion_order(true);
    if !state.defaults_applied.contains(&plot_id) {
        legend =
            legend.hidden_items(HIDDEN_BY_DEFAULT.iter().map(|f| egui_plot::ItemId::new(("series", f.wire_name()))));
        state.defaults_applied.push(plot_id);
    }
    let mut plot = Plot::new(plot_id).id(plot_id).height(height);
    if !compact {
        plot = plot.legend(legend);
    }
    let mut plot = plot
        .auto_bounds([true, true])
        .include_x(cache.x_range.0)
        .include_x(today + 3.0)
        .include_y(0.0)
        .show_grid([false, true])
        .allow_double_click_reset(true)
        .x_axis_formatter(|m, _| date_label(m))
        .y_axis_formatter(move |m, _| y_label(m.value, log))
        .label_formatter(|_| None);
    if std::mem::take(&mut state.reset_view) {
        plot = plot.reset();
    }
    let top = series
        .lines
        .iter()
        .flat_map(|(_, p)| p.iter().map(|p| p.y))
        .chain(series.new_bars.iter().map(|b| b.1))
        .fold(1.0f64, f64::max);
    let y_top = y_of(top, log) * 1.12;
    let resp = plot.show(ui, |pui| {
        for s in &cache.spans {
            pui.add(Span::new("", s.from..=s.to).fill(response_colour(s.level).gamma_multiply(0.10)).border_width(0.0));
            pui.add(
                Text::new(
                    "",
                    PlotPoint::new(s.from + 0.3, y_top),
                    RichText::new(tr.overview.response(s.level)).size(theme::SMALL).color(response_colour(s.level)),
                )
                .anchor(Align2::LEFT_TOP)
                .id(("span_label", s.from.to_bits())),
            );
        }
        let reported: Vec<Bar> = series
            .new_bars
            .iter()
            .map(|(x, y, rep)| {
                let c = series_colour(CaseField::NewConfirmed);
                Bar::new(*x, y_of(*y, log)).width(0.7).fill(if *rep { c } else { c.gamma_multiply(0.45) })
            })
            .collect();
        pui.add(
            BarChart::new(tr.case_field(CaseField::NewConfirmed), reported)
                .color(series_colour(CaseField::NewConfirmed))
                .id(("series", CaseField::NewConfirmed.wire_name())),
        );
        pui.add(
            Line::new(
                tr.curves.avg7_label,
                PlotPoints::Owned(series.avg7.iter().map(|p| PlotPoint::new(p.x, y_of(p.y, log))).collect()),
            )
            .color(AVG7_COLOUR)
            .width(2.5)
            .id(("series", "avg7")),
        );
        for (f, pts) in &series.lines {
            if compact && HIDDEN_BY_DEFAULT.contains(f) {
                continue;
            }
            let mapped: Vec<PlotPoint> = pts.iter().map(|p| PlotPoint::new(p.x, y_of(p.y, log))).collect();
            pui.add(
                Line::new(tr.case_field(*f), PlotPoints::Owned(mapped))
                    .color(series_colour(*f))
                    .width(if *f == CaseField::Active { 2.5 } else { 1.8 })
                    .id(("series", f.wire_name())),
            );
            if *f == CaseField::Active && !series.reported_active.is_empty() {
                let dots: Vec<PlotPoint> =
                    series.reported_active.iter().map(|p| PlotPoint::new(p.x, y_of(p.y, log))).collect();
                pui.add(
                    Points::new(tr.case_field(*f), PlotPoints::Owned(dots))
                        .shape(MarkerShape::Circle)
                        .radius(3.5)
                        .filled(true)
                        .color(series_colour(*f))
                        .id(("series_reported", f.wire_name())),
                );
            }
        }
        for (x, delta) in &series.corrections {
            pui.add(
                Points::new(tr.overview.correction, PlotPoints::Owned(vec![PlotPoint::new(*x, 0.0)]))
                    .shape(MarkerShape::Down)
                    .radius(7.0)
                    .color(theme::WARN)
                    .id(("correction", x.to_bits())),
            );
            pui.add(
                Text::new(
                    "",
                    PlotPoint::new(*x, y_top * 0.06),
                    RichText::new(format!("{} {delta}", tr.overview.correction)).size(theme::SMALL).color(theme::WARN),
                )
                .anchor(Align2::CENTER_BOTTOM)
                .id(("correction_label", x.to_bits())),
            );
        }
        // Directive markers. Labels that would print over each other (markers closer than a
        // label's width, e.g. 绥指公4号 and 5号 a day apart on the wall's narrow chart) are
        // moved apart vertically as the compare view's end labels are (`spread_labels`),
        // below the row of the response-level labels.
        let font = egui::FontId::proportional(theme::SMALL);
        let texts: Vec<String> = cache.annotations.iter().map(|a| format!(" {} ", a.label)).collect();
        let widths: Vec<f32> = pui.ctx().fonts_mut(|f| {
            texts.iter().map(|t| f.layout_no_wrap(t.clone(), font.clone(), theme::TEXT).size().x).collect()
        });
        let row_h = pui.ctx().fonts_mut(|f| f.row_height(&font)) + 2.0;
        let xs: Vec<f32> = cache.annotations.iter().map(|a| pui.screen_from_plot(PlotPoint::new(a.x, 0.0)).x).collect();
        let first_row = pui.screen_from_plot(PlotPoint::new(0.0, y_top)).y + row_h * 1.5;
        let ys = directive_label_ys(&xs, &widths, first_row, row_h);
        for ((a, text), y) in cache.annotations.iter().zip(texts).zip(ys) {
            pui.add(
                VLine::new("", a.x)
                    .color(theme::ACCENT.gamma_multiply(0.8))
                    .style(LineStyle::dashed_loose())
                    .width(1.2)
                    .id(("directive", a.x.to_bits())),
            );
            let at = pui.plot_from_screen(egui::pos2(0.0, y)).y;
            pui.add(
                Text::new(
                    "",
                    PlotPoint::new(a.x, at),
                    RichText::new(text).size(theme::SMALL).color(theme::TEXT).background_color(theme::PANEL),
                )
                .anchor(Align2::LEFT_CENTER)
                .id(("directive_label", a.x.to_bits())),
            );
        }
        pui.add(VLine::new("", today).color(theme::TEXT).width(1.5).id(("today", 0)));
        pui.pointer_coordinate()
    });
    // `pointer_coordinate` follows the pointer anywhere; only a pointer over the chart counts.
    let pointer = resp.inner.filter(|_| resp.response.hovered());
    let hovered_day = pointer.and_then(|p| x_day(p.x));
    // Full directive text on hover (desktop); the labels above are enough on a wall.
    if let Some(p) = pointer
        && let Some(a) = cache.annotations.iter().find(|a| (a.x - p.x).abs() < 0.5)
    {
        resp.response.clone().on_hover_text(&a.detail);
    }
    if resp.response.clicked()
        && let Some(d) = hovered_day
        && v.sit.data().dates().contains(&d)
        && d != v.sit.date()
    {
        commands.push(UiCommand::SetDate(d));
    }
    if !compact {
        chart_menu(&resp.response, v, state, commands);
    }
    if compact {
        wall_key(ui, v, series);
        return;
    }
    readout(ui, v, series, hovered_day.unwrap_or(v.sit.date()));
    if !cache.annotations.is_empty() {
        // The same markers as text: for screen readers, and for reading the exact times.
        let list: Vec<String> = cache.annotations.iter().map(|a| a.short.clone()).collect();
        ui.label(
            RichText::new(format!("{}: {}", tr.curves.annotations, list.join(" · "))).small().color(theme::TEXT_DIM),
        );
    }
}

/// Screen heights of the directive labels (centres), given where their markers are (`xs`,
/// in order) and how wide each label is: a label that would start before the previous one
/// ends joins its group, and each group's labels are spread apart by `row_h`
/// (`spread_labels`), its top label on `first_row`.
pub(super) fn directive_label_ys(xs: &[f32], widths: &[f32], first_row: f32, row_h: f32) -> Vec<f32> {
    let mut out = Vec::with_capacity(xs.len());
    let mut start = 0;
    let mut right = f32::NEG_INFINITY;
    for i in 0..=xs.len() {
        if i == xs.len() || xs[i] >= right {
            // The group start..i is complete: spread it, and put its top on the first row.
            let spread = spread_labels(&vec![first_row; i - start], row_h);
            let top = spread.iter().copied().fold(f32::INFINITY, f32::min);
            out.extend(spread.iter().map(|y| y - top + first_row));
            start = i;
            right = f32::NEG_INFINITY;
        }
        if let (Some(x), Some(w)) = (xs.get(i), widths.get(i)) {
            right = right.max(x + w);
        }
    }
    out
}

/// The values of every series on one day (the hovered day, else the day in view), with
/// whether each was reported or reconstructed.
pub(super) fn readout(ui: &mut Ui, v: &ViewerContext<'_>, series: &RegionSeries, day: NaiveDate) {
    let tr = v.tr;
    let values = series.days.iter().find(|(d, _)| *d == day).map(|(_, v)| v.as_slice()).unwrap_or(&[]);
    let avg = series.avg7.iter().find(|p| (p.x - day_x(day)).abs() < 0.1).map(|p| p.y);
    let mut parts = vec![day.format("%Y-%m-%d").to_string()];
    for (f, n, p) in values {
        let mark = match p {
            Provenance::Reported => "●",
            Provenance::Reconstructed => "◌",
            Provenance::Aggregated { .. } => "Σ",
            Provenance::Synthetic => "◇",
        };
        parts.push(format!("{} {} {mark}", tr.case_field(*f), fmt_count(u64::from(*n))));
    }
    if let Some(a) = avg {
        parts.push(format!("{} {a:.1}", tr.curves.avg7_label));
    }
    let text = parts.join("   ");
    let label = if values.is_empty() { format!("{text}   {}", tr.overview.no_report) } else { text };
    ui.add(egui::Label::new(RichText::new(label).size(theme::BODY)).wrap());
    ui.label(RichText::new(tr.curves.curves_legend_note).small().color(theme::TEXT_DIM));
}

/// The wall's key under its chart: each series shown, in its colour, with its value on the day
/// in view (small, wrapped; the card is sized for two lines).
fn wall_key(ui: &mut Ui, v: &ViewerContext<'_>, series: &RegionSeries) {
    let tr = v.tr;
    let day = v.sit.date();
    let values = series.days.iter().find(|(d, _)| *d == day).map(|(_, v)| v.as_slice()).unwrap_or(&[]);
    let value = |f: CaseField| values.iter().find(|(g, _, _)| *g == f).map(|(_, n, _)| fmt_count(u64::from(*n)));
    let avg = series.avg7.iter().find(|p| (p.x - day_x(day)).abs() < 0.1).map(|p| format!("{:.1}", p.y));
    let mut keys = vec![(
        series_colour(CaseField::NewConfirmed),
        tr.case_field(CaseField::NewConfirmed),
        value(CaseField::NewConfirmed),
    )];
    keys.push((AVG7_COLOUR, tr.curves.avg7_label, avg));
    for (f, _) in &series.lines {
        if !HIDDEN_BY_DEFAULT.contains(f) && *f != CaseField::NewConfirmed {
            keys.push((series_colour(*f), tr.case_field(*f), value(*f)));
        }
    }
    ui.horizontal_wrapped(|ui| {
        for (colour, name, value) in keys {
            let text = format!("{name} {}", value.unwrap_or_else(|| "—".into()));
            crate::ui::widgets::swatch(ui, colour, RichText::new(text).small());
        }
    });
}
