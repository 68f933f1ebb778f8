//! Checkpoints (卡口): a sortable table of every checkpoint in the selected region (status,
//! last hour's traffic, queue, alarms, data freshness; alerts highlighted), and for the
//! selected checkpoint — or the region's sum — traffic per hour by lane over the last 24
//! hours or 14 days, with capacity, and what the checkpoints caught, as a stacked chart and
//! as rates per 1,000 people. Rows and series are computed once per (data, day, selection).

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use egui::{Color32, RichText, ScrollArea, Ui};
use egui_plot::{Bar, BarChart, HLine, Line, Plot, PlotPoint, PlotPoints};

use super::Panel;
use crate::export::tables::{TableKind, TableRequest};
use crate::i18n::{Tr, fmt_count};
use crate::model::checkpoint_stats::{self, CheckpointAlert, CheckpointState, ThroughputTotals};
use crate::model::time::china;
use crate::model::{Adcode, Checkpoint, CheckpointStatus, Lane, Throughput};
use crate::ui::command::{Commands, ExportAction, UiCommand};
use crate::ui::context::ViewerContext;
use crate::ui::plot::{day_x, nice_grid_spacer, y_label};
use crate::ui::{theme, widgets};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortColumn {
    Name,
    Kind,
    Region,
    Status,
    Vehicles,
    People,
    Queue,
    #[default]
    Alarms,
    Positives,
    Freshness,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Window {
    #[default]
    Day,
    Fortnight,
}

#[derive(Default)]
pub struct CheckpointsPanel {
    pub sort: SortColumn,
    pub ascending: bool,
    pub window: Window,
    /// The wall's table: wider, names on up to two lines, no export button, and rows that do
    /// not fit paged every `page_secs` on the wall clock (`1/3`) instead of scrolled.
    pub wall: bool,
    pub page_secs: u64,
    rows: Option<(RowsKey, Vec<Row>)>,
    detail: Option<(DetailKey, Detail)>,
}

#[derive(Clone, PartialEq)]
struct RowsKey {
    data: usize,
    date: NaiveDate,
    region: Adcode,
    en: bool,
}

#[derive(Clone, PartialEq)]
struct DetailKey {
    rows: RowsKey,
    selected: Option<String>,
    window: Window,
}

/// One table row.
struct Row {
    id: String,
    name: String,
    kind: String,
    region: String,
    state: CheckpointState,
}

/// The series of the detail charts.
struct Detail {
    title: String,
    capacity_vehicles: Option<f64>,
    /// Per lane: (x, vehicles), (x, people).
    lanes: [(Vec<PlotPoint>, Vec<PlotPoint>); 3],
    /// What was caught, per bucket (hour or day): temperature alarms, red, yellow, turned back, positives.
    caught: Vec<(f64, [f64; 5])>,
    totals: ThroughputTotals,
    bucket_width: f64,
}

const LANE_COLOURS: [Color32; 3] =
    [Color32::from_rgb(0x3f, 0xb6, 0xff), Color32::from_rgb(0xff, 0x9f, 0x43), Color32::from_rgb(0x3c, 0xc4, 0x7c)];
const CAUGHT_COLOURS: [Color32; 5] = [
    Color32::from_rgb(0xff, 0xe0, 0x66),
    Color32::from_rgb(0xf0, 0x4d, 0x55),
    Color32::from_rgb(0xf5, 0xa5, 0x24),
    Color32::from_rgb(0x9a, 0xb0, 0xcf),
    Color32::from_rgb(0xd0, 0x7d, 0xff),
];
const ROW_HEIGHT: f32 = 30.0;

/// The table's columns and their shares of its width.
const COLS: [(SortColumn, f32); 10] = [
    (SortColumn::Name, 0.27),
    (SortColumn::Kind, 0.09),
    (SortColumn::Region, 0.08),
    (SortColumn::Status, 0.06),
    (SortColumn::Vehicles, 0.07),
    (SortColumn::People, 0.07),
    (SortColumn::Queue, 0.08),
    (SortColumn::Alarms, 0.06),
    (SortColumn::Positives, 0.06),
    (SortColumn::Freshness, 0.16),
];

impl Panel for CheckpointsPanel {
    fn ui(&mut self, ui: &mut Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
        show(ui, v, self, commands);
    }
}

fn show(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut CheckpointsPanel, commands: &mut Commands) {
    let tr = v.tr;
    refresh_rows(v, state);
    let Some((_, rows)) = state.rows.as_ref() else { return };
    if rows.is_empty() {
        ui.label(RichText::new(tr.checkpoints.cp_none).color(theme::TEXT_DIM));
        return;
    }
    let open = rows.iter().filter(|r| r.state.status == Some(CheckpointStatus::Open)).count();
    let closed = rows.iter().filter(|r| r.state.status == Some(CheckpointStatus::Closed)).count();
    let alerts = rows.iter().filter(|r| !r.state.alerts.is_empty()).count();
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!("{} · {} {}", v.name(v.region), rows.len(), tr.checkpoints.cp_count))
                .size(theme::HEADING),
        );
        ui.label(format!("{} {open} · {} {closed}", tr.checkpoints.cp_open, tr.checkpoints.cp_closed));
        if alerts > 0 {
            ui.label(RichText::new(format!("⚠ {alerts} {}", tr.checkpoints.cp_attention)).color(theme::ALERT));
        }
        if rows.iter().any(|r| r.state.synthetic) {
            ui.label(RichText::new(format!("◇ {}", tr.checkpoints.cp_synthetic_note)).small().color(theme::WARN));
        }
        if !state.wall && ui.small_button(tr.export.csv).on_hover_text(tr.export.csv_hint).clicked() {
            let req = TableRequest::new(TableKind::Checkpoints, v.region);
            commands.push(UiCommand::Export(ExportAction::Table(req)));
        }
    });
    ui.add_space(4.0);
    let width = ui.available_width();
    let height = ui.available_height();
    let share = if state.wall { 0.64 } else { 0.56 };
    ui.horizontal_top(|ui| {
        let down = egui::Layout::top_down(egui::Align::LEFT);
        ui.allocate_ui_with_layout(egui::vec2(width * share, height), down, |ui| table(ui, v, state, commands));
        ui.separator();
        ui.allocate_ui_with_layout(egui::vec2(width * (1.0 - share) - 16.0, height), down, |ui| {
            detail(ui, v, state, commands)
        });
    });
}

fn refresh_rows(v: &ViewerContext<'_>, state: &mut CheckpointsPanel) {
    let key = RowsKey {
        data: Arc::as_ptr(v.sit.dataset_arc()) as usize,
        date: v.sit.date(),
        region: v.region,
        en: v.lang.is_en(),
    };
    if state.rows.as_ref().is_some_and(|(k, _)| *k == key) {
        return;
    }
    let data = v.sit.data();
    let t = v.sit.as_of();
    let rows = data
        .checkpoints()
        .iter()
        .filter(|c| data.registry.is_within(c.region, v.region))
        .filter_map(|c| {
            let st = CheckpointState::at(c, data.throughput(&c.id), t);
            st.status.is_some().then(|| Row {
                id: c.id.clone(),
                name: if v.lang.is_en() { c.name_en.clone() } else { c.name_zh.clone() },
                kind: v.tr.checkpoints.checkpoint_kind(c.kind).to_owned(),
                region: v.name(c.region),
                state: st,
            })
        })
        .collect();
    state.rows = Some((key, rows));
}

fn status_text(tr: &crate::i18n::Tr, s: Option<CheckpointStatus>) -> &'static str {
    match s {
        Some(CheckpointStatus::Open) => tr.checkpoints.cp_open,
        Some(CheckpointStatus::Closed) => tr.checkpoints.cp_closed,
        Some(CheckpointStatus::Restricted) => tr.checkpoints.cp_restricted,
        None => tr.checkpoints.cp_no_data,
    }
}

fn table(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut CheckpointsPanel, commands: &mut Commands) {
    let tr = v.tr;
    let total_w = ui.available_width() - 12.0;
    let header = |c: SortColumn| match c {
        SortColumn::Name => tr.checkpoints.cp_name,
        SortColumn::Kind => tr.checkpoints.cp_kind,
        SortColumn::Region => tr.checkpoints.cp_region,
        SortColumn::Status => tr.checkpoints.cp_status,
        SortColumn::Vehicles => tr.checkpoints.cp_vehicles,
        SortColumn::People => tr.checkpoints.cp_people,
        SortColumn::Queue => tr.checkpoints.cp_queue,
        SortColumn::Alarms => tr.checkpoints.cp_alarms,
        SortColumn::Positives => tr.checkpoints.cp_positives,
        SortColumn::Freshness => tr.checkpoints.cp_freshness,
    };
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 0.0;
        for (c, w) in COLS {
            let mark = if state.sort == c { if state.ascending { " ▲" } else { " ▼" } } else { "" };
            let text = RichText::new(format!("{}{mark}", header(c))).small().color(theme::TEXT_DIM);
            let resp = ui.add_sized([total_w * w, 24.0], egui::Button::new(text).frame(false));
            if resp.clicked() {
                if state.sort == c {
                    state.ascending = !state.ascending;
                } else {
                    state.sort = c;
                    // Numbers read best largest first; text A–Z.
                    state.ascending = matches!(c, SortColumn::Name | SortColumn::Kind | SortColumn::Region);
                }
            }
        }
    });
    let Some((_, rows)) = state.rows.as_mut() else { return };
    sort_rows(rows, state.sort, state.ascending);
    if state.wall {
        // Two lines of body text a row; the rows that do not fit are paged.
        let row_h = ui.text_style_height(&egui::TextStyle::Body) * 2.0 + 8.0;
        let mark_h = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
        let per_page = ((ui.available_height() - mark_h) / row_h).floor().max(1.0) as usize;
        let page = super::wall::Page::at(v.status.clock, state.page_secs, rows.len().div_ceil(per_page));
        for r in rows.iter().skip(page.index * per_page).take(per_page) {
            row(ui, v, r, total_w, row_h, true, commands);
        }
        if page.count > 1 {
            ui.with_layout(egui::Layout::top_down(egui::Align::RIGHT), |ui| {
                let mark = format!("{}/{}", page.index + 1, page.count);
                ui.label(RichText::new(mark).strong().color(theme::ACCENT));
            });
        }
        return;
    }
    ScrollArea::vertical().auto_shrink([false, false]).show_rows(ui, ROW_HEIGHT, rows.len(), |ui, range| {
        for r in &rows[range] {
            row(ui, v, r, total_w, ROW_HEIGHT, false, commands);
        }
    });
}

/// One row of the table, `row_h` high; on the wall the name takes up to two lines.
fn row(ui: &mut Ui, v: &ViewerContext<'_>, r: &Row, total_w: f32, row_h: f32, wall: bool, commands: &mut Commands) {
    let tr = v.tr;
    let t = v.sit.as_of();
    {
        {
            let selected = v.checkpoint == Some(r.id.as_str());
            let alert = r.state.alerts.first().copied();
            let (rect, _) = ui.allocate_exact_size(egui::vec2(total_w, row_h - 2.0), egui::Sense::hover());
            let tint = match alert {
                Some(CheckpointAlert::Positive) => Some(theme::ALERT.gamma_multiply(0.25)),
                Some(CheckpointAlert::DroppedToZero) | Some(CheckpointAlert::Stale) => {
                    Some(theme::WARN.gamma_multiply(0.18))
                }
                None => None,
            };
            if let Some(tint) = tint {
                ui.painter().rect_filled(rect, 3.0, tint);
            }
            let mut child = ui.new_child(
                egui::UiBuilder::new().max_rect(rect).layout(egui::Layout::left_to_right(egui::Align::Center)),
            );
            child.spacing_mut().item_spacing.x = 0.0;
            let cell = |ui: &mut Ui, w: f32, text: RichText| {
                ui.add_sized([total_w * w, row_h - 4.0], egui::Label::new(text).truncate());
            };
            let name = egui::Button::selectable(selected, &r.name);
            let name = if wall { name.wrap() } else { name.truncate() };
            let resp = child.add_sized([total_w * COLS[0].1, row_h - 4.0], name);
            if resp.clicked() {
                commands.push(UiCommand::SelectCheckpoint(if selected { None } else { Some(r.id.clone()) }));
            }
            cell(&mut child, COLS[1].1, RichText::new(&r.kind).small());
            cell(&mut child, COLS[2].1, RichText::new(&r.region).small());
            let status = status_text(tr, r.state.status);
            let status_colour =
                if r.state.status == Some(CheckpointStatus::Closed) { theme::TEXT_DIM } else { theme::OK };
            cell(&mut child, COLS[3].1, RichText::new(status).color(status_colour));
            let last = r.state.last_interval;
            let n = |x: Option<u64>| x.map(fmt_count).unwrap_or_else(|| "—".into());
            cell(&mut child, COLS[4].1, RichText::new(n(last.map(|l| l.vehicles))));
            cell(&mut child, COLS[5].1, RichText::new(n(last.map(|l| l.people))));
            cell(&mut child, COLS[6].1, RichText::new(n(r.state.queue_minutes.map(u64::from))));
            let alarms = r.state.last_24h.alarms();
            cell(
                &mut child,
                COLS[7].1,
                RichText::new(fmt_count(alarms)).color(if alarms > 0 { theme::WARN } else { theme::TEXT }),
            );
            let pos = r.state.last_24h.positives;
            cell(
                &mut child,
                COLS[8].1,
                RichText::new(fmt_count(pos)).color(if pos > 0 { theme::ALERT } else { theme::TEXT }),
            );
            let fresh = match (r.state.last_data, alert) {
                (_, Some(CheckpointAlert::Stale)) | (None, _) => {
                    let since = r.state.last_data.map(|d| format!(" · {}", age(tr, t, d))).unwrap_or_default();
                    RichText::new(format!("⚠ {}{since}", tr.checkpoints.cp_alert_stale)).color(theme::WARN)
                }
                (Some(d), Some(CheckpointAlert::DroppedToZero)) => {
                    RichText::new(format!("⚠ {} · {}", tr.checkpoints.cp_alert_dropped, age(tr, t, d)))
                        .color(theme::WARN)
                }
                (Some(d), Some(CheckpointAlert::Positive)) => {
                    RichText::new(format!("⚠ {} · {}", tr.checkpoints.cp_alert_positive, age(tr, t, d)))
                        .color(theme::ALERT)
                }
                (Some(d), None) => RichText::new(age(tr, t, d)).small().color(theme::TEXT_DIM),
            };
            cell(&mut child, COLS[9].1, fresh);
        }
    }
}

fn age(tr: &crate::i18n::Tr, t: DateTime<Utc>, d: DateTime<Utc>) -> String {
    format!("{} {}", (t - d).num_minutes().max(0), tr.checkpoints.cp_minutes_ago)
}

fn sort_rows(rows: &mut [Row], column: SortColumn, ascending: bool) {
    rows.sort_by(|a, b| {
        let (x, y) = (&a.state, &b.state);
        let o = match column {
            SortColumn::Name => a.name.cmp(&b.name),
            SortColumn::Kind => a.kind.cmp(&b.kind),
            SortColumn::Region => a.region.cmp(&b.region),
            SortColumn::Status => format!("{:?}", x.status).cmp(&format!("{:?}", y.status)),
            SortColumn::Vehicles => x.last_interval.map(|l| l.vehicles).cmp(&y.last_interval.map(|l| l.vehicles)),
            SortColumn::People => x.last_interval.map(|l| l.people).cmp(&y.last_interval.map(|l| l.people)),
            SortColumn::Queue => x.queue_minutes.cmp(&y.queue_minutes),
            SortColumn::Alarms => x.last_24h.alarms().cmp(&y.last_24h.alarms()),
            SortColumn::Positives => x.last_24h.positives.cmp(&y.last_24h.positives),
            SortColumn::Freshness => x.last_data.cmp(&y.last_data),
        };
        let o = if ascending { o } else { o.reverse() };
        o.then_with(|| a.id.cmp(&b.id))
    });
}

fn detail(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut CheckpointsPanel, commands: &mut Commands) {
    let tr = v.tr;
    let Some((rows_key, _)) = state.rows.as_ref() else { return };
    let key = DetailKey { rows: rows_key.clone(), selected: v.checkpoint.map(str::to_owned), window: state.window };
    if state.detail.as_ref().is_none_or(|(k, _)| *k != key) {
        let d = build_detail(v, state.window);
        state.detail = Some((key, d));
    }
    ui.horizontal_wrapped(|ui| {
        for (w, label) in
            [(Window::Day, tr.checkpoints.cp_window_24h), (Window::Fortnight, tr.checkpoints.cp_window_14d)]
        {
            if ui.selectable_label(state.window == w, label).clicked() {
                state.window = w;
            }
        }
        if let Some(id) = v.checkpoint
            && ui.small_button(tr.export.csv).on_hover_text(tr.export.csv_hint).clicked()
        {
            let mut req = TableRequest::new(TableKind::Lanes, v.region);
            req.checkpoint = Some(id.to_owned());
            commands.push(UiCommand::Export(ExportAction::Table(req)));
        }
        if v.checkpoint.is_some() && ui.button(tr.checkpoints.cp_show_region).clicked() {
            commands.push(UiCommand::SelectCheckpoint(None));
        }
    });
    let Some((_, d)) = state.detail.as_ref() else { return };
    ui.label(RichText::new(&d.title).size(theme::HEADING).strong());
    // The three charts share what is left after their titles and the rates line under them,
    // measured at the type sizes in use (the wall's are larger than the desk's).
    let rates = rates_line(tr, &d.totals);
    let gap = ui.spacing().item_spacing.y;
    let rates_h = ui
        .fonts_mut(|f| {
            let font = egui::TextStyle::Small.resolve(ui.style());
            f.layout(rates.clone(), font, theme::TEXT_DIM, ui.available_width()).size().y
        })
        .max(ui.text_style_height(&egui::TextStyle::Small));
    let title_h = ui.text_style_height(&egui::TextStyle::Small).max(ui.spacing().interact_size.y) + gap;
    let h = ((ui.available_height() - 3.0 * (title_h + gap) - rates_h - 2.0 * gap) / 3.0).max(120.0);
    let lane_names = [tr.checkpoints.lane_passenger, tr.checkpoints.lane_freight, tr.checkpoints.lane_green];
    let day_chart = state.window == Window::Day;
    for (k, title) in [(0usize, tr.checkpoints.cp_by_lane_vehicles), (1, tr.checkpoints.cp_by_lane_people)] {
        // The legend sits on the title line, so it never covers the early hours.
        let mut keys: Vec<(Color32, &str)> =
            lane_names.iter().copied().zip(LANE_COLOURS).map(|(n, c)| (c, n)).collect();
        if k == 0 && d.capacity_vehicles.is_some() {
            keys.push((theme::TEXT_DIM, tr.checkpoints.cp_capacity));
        }
        chart_title(ui, title, &keys);
        let plot = Plot::new(("cp_lanes", k, day_chart))
            .height(h)
            .allow_scroll(false)
            .include_y(0.0)
            .x_axis_formatter(move |m, _| hour_label(m.value, day_chart))
            .y_axis_formatter(|m, _| y_label(m.value, false))
            .y_grid_spacer(nice_grid_spacer)
            .y_axis_min_width(48.0);
        plot.show(ui, |pui| {
            if day_chart {
                // Stacked bars by lane, per hour.
                let mut charts: Vec<BarChart> = Vec::new();
                for (i, name) in lane_names.iter().enumerate() {
                    let pts = if k == 0 { &d.lanes[i].0 } else { &d.lanes[i].1 };
                    let bars: Vec<Bar> = pts.iter().map(|p| Bar::new(p.x, p.y).width(d.bucket_width * 0.8)).collect();
                    let refs: Vec<&BarChart> = charts.iter().collect();
                    let chart = BarChart::new(*name, bars).color(LANE_COLOURS[i]).id(("lane", k, i)).stack_on(&refs);
                    charts.push(chart);
                }
                for c in charts {
                    pui.add(c);
                }
            } else {
                for (i, name) in lane_names.iter().enumerate() {
                    let pts = if k == 0 { &d.lanes[i].0 } else { &d.lanes[i].1 };
                    pui.add(Line::new(*name, PlotPoints::Owned(pts.clone())).color(LANE_COLOURS[i]).id(("lane", k, i)));
                }
            }
            if k == 0
                && let Some(c) = d.capacity_vehicles
            {
                pui.add(
                    HLine::new(tr.checkpoints.cp_capacity, c)
                        .color(theme::TEXT_DIM)
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
        });
    }
    let caught_names = [
        tr.checkpoints.cp_temperature_alarms,
        tr.checkpoints.cp_red_codes,
        tr.checkpoints.cp_yellow_codes,
        tr.checkpoints.cp_turned_back,
        tr.checkpoints.cp_positives,
    ];
    let keys: Vec<(Color32, &str)> = caught_names.iter().copied().zip(CAUGHT_COLOURS).map(|(n, c)| (c, n)).collect();
    chart_title(ui, tr.checkpoints.cp_catch, &keys);
    Plot::new(("cp_caught", day_chart))
        .height(h)
        .allow_scroll(false)
        .include_y(0.0)
        .x_axis_formatter(move |m, _| hour_label(m.value, day_chart))
        .y_axis_formatter(|m, _| y_label(m.value, false))
        .y_grid_spacer(nice_grid_spacer)
        .y_axis_min_width(48.0)
        .show(ui, |pui| {
            let mut charts: Vec<BarChart> = Vec::new();
            for (i, name) in caught_names.iter().enumerate() {
                let bars: Vec<Bar> =
                    d.caught.iter().map(|(x, vals)| Bar::new(*x, vals[i]).width(d.bucket_width * 0.8)).collect();
                let refs: Vec<&BarChart> = charts.iter().collect();
                charts.push(BarChart::new(*name, bars).color(CAUGHT_COLOURS[i]).id(("caught", i)).stack_on(&refs));
            }
            for c in charts {
                pui.add(c);
            }
        });
    ui.label(RichText::new(rates).small());
}

/// Rates per 1,000 people over the window, as the line under the charts says them.
fn rates_line(tr: &Tr, t: &ThroughputTotals) -> String {
    let rate = |n: u64| t.per_1000(n).map(|r| format!("{r:.2}")).unwrap_or_else(|| "—".into());
    format!(
        "{} ({} {}): {} {} · {} {} · {} {} · {} {} · {} {} · {} {}",
        tr.checkpoints.cp_per_1000,
        fmt_count(t.people),
        tr.checkpoints.cp_people,
        tr.checkpoints.cp_temperature_alarms,
        rate(t.temperature_alarms),
        tr.checkpoints.cp_red_codes,
        rate(t.codes.red),
        tr.checkpoints.cp_yellow_codes,
        rate(t.codes.yellow),
        tr.checkpoints.cp_turned_back,
        rate(t.turned_back),
        tr.checkpoints.cp_tests,
        rate(t.tests),
        tr.checkpoints.cp_positives,
        rate(t.positives),
    )
}

/// x of an instant in hours since the epoch (for the 24-hour and 14-day charts).
fn hour_x(t: DateTime<Utc>) -> f64 {
    t.timestamp() as f64 / 3600.0
}

fn hour_label(x: f64, day: bool) -> String {
    let Some(t) = DateTime::<Utc>::from_timestamp((x * 3600.0) as i64, 0) else { return String::new() };
    let local = t.with_timezone(&china());
    if day { local.format("%H:%M").to_string() } else { local.format("%m-%d").to_string() }
}

fn build_detail(v: &ViewerContext<'_>, window: Window) -> Detail {
    let data = v.sit.data();
    let t = v.sit.as_of();
    let from = match window {
        Window::Day => t - Duration::hours(24),
        Window::Fortnight => t - Duration::days(14),
    };
    let selected: Option<&Checkpoint> = v.checkpoint.and_then(|id| data.checkpoints().iter().find(|c| c.id == id));
    let members: Vec<&Checkpoint> = match selected {
        Some(c) => vec![c],
        None => data.checkpoints().iter().filter(|c| data.registry.is_within(c.region, v.region)).collect(),
    };
    let title = match selected {
        Some(c) => {
            format!(
                "{} · {}",
                if v.lang.is_en() { &c.name_en } else { &c.name_zh },
                v.tr.checkpoints.checkpoint_kind(c.kind)
            )
        }
        None => format!("{} · {}", v.name(v.region), v.tr.checkpoints.cp_region_sum),
    };
    // Hourly buckets (summed over the members), keyed by interval start.
    let mut hourly: std::collections::BTreeMap<i64, Vec<&Throughput>> = std::collections::BTreeMap::new();
    let mut totals = ThroughputTotals::default();
    for c in &members {
        for r in checkpoint_stats::rows_between(data.throughput(&c.id), from, t) {
            if r.end() <= t {
                hourly.entry(r.start.timestamp()).or_default().push(r);
                totals.add(r);
            }
        }
    }
    let mut lanes: [(Vec<PlotPoint>, Vec<PlotPoint>); 3] = Default::default();
    for (start, rows) in &hourly {
        let x = *start as f64 / 3600.0 + 0.5;
        for lane in Lane::ALL {
            let (vh, pp) = rows
                .iter()
                .filter_map(|r| r.lanes[lane as usize])
                .fold((0u64, 0u64), |(a, b), l| (a + u64::from(l.vehicles), b + u64::from(l.people)));
            lanes[lane as usize].0.push(PlotPoint::new(x, vh as f64));
            lanes[lane as usize].1.push(PlotPoint::new(x, pp as f64));
        }
    }
    let caught_of = |rows: &[&Throughput]| {
        let mut s = ThroughputTotals::default();
        rows.iter().for_each(|r| s.add(r));
        [
            s.temperature_alarms as f64,
            s.codes.red as f64,
            s.codes.yellow as f64,
            s.turned_back as f64,
            s.positives as f64,
        ]
    };
    let (caught, bucket_width) = match window {
        Window::Day => {
            (hourly.iter().map(|(start, rows)| (*start as f64 / 3600.0 + 0.5, caught_of(rows))).collect(), 1.0)
        }
        Window::Fortnight => {
            // One bar per local day.
            let mut days: std::collections::BTreeMap<NaiveDate, Vec<&Throughput>> = std::collections::BTreeMap::new();
            for rows in hourly.values() {
                for r in rows {
                    days.entry(r.start.with_timezone(&china()).date_naive()).or_default().push(r);
                }
            }
            let x_of = |d: NaiveDate| hour_x(crate::model::time::start_of_day(d)) + 12.0;
            (days.iter().map(|(d, rows)| (x_of(*d), caught_of(rows))).collect(), 24.0)
        }
    };
    let _ = day_x;
    Detail {
        title,
        capacity_vehicles: selected.and_then(|c| c.capacity_vehicles_per_hour).map(f64::from),
        lanes,
        caught,
        totals,
        bucket_width,
    }
}

/// A chart's title with its legend beside it (colour keys), on one wrapping line.
fn chart_title(ui: &mut Ui, title: &str, keys: &[(Color32, &str)]) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(title).small().color(theme::TEXT_DIM));
        for (colour, name) in keys {
            ui.add_space(6.0);
            widgets::swatch(ui, *colour, RichText::new(*name).small());
        }
    });
}
