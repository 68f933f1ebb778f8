//! The 12345 hotline (tab "12345"): the day's figures (received, open, overdue, closed in
//! time) and the published period figures; volume per hour (last 24 h) and per day, topics
//! ranked, the backlog curve; the overdue list (longest overdue first) and the orders about to
//! breach with their countdowns (amber within `warn_minutes`); filters by district and
//! category. A district — in the filter or the district list — is selected on the whole board
//! (map, curves), and its list row shows that district's new cases and directives in force
//! next to its overdue orders.
//!
//! The figures are one [`HotlineView`] computed for (data, region, category, instant) and
//! kept until the next deadline crossing: a frame only draws it. Following a live feed, "now"
//! is the clock (deadlines pass without new data), and the panel asks for one repaint at the
//! next crossing instead of repainting in a loop.

use std::sync::Arc;

use chrono::{DateTime, Duration, Timelike, Utc};
use egui::{Color32, RichText, ScrollArea, Sense, Ui};
use egui_plot::{Bar, BarChart, Line, Plot, PlotPoints};

use super::Panel;
use crate::i18n::{Tr, fmt_count};
use crate::model::hotline_stats::{Breach, DeadlineItem, HotlineView};
use crate::model::time::{china, format_as_of, format_local};
use crate::model::{Adcode, CaseField, RegionLevel, Situation};
use crate::ui::command::{Commands, UiCommand};
use crate::ui::context::ViewerContext;
use crate::ui::plot::{date_label, day_x};
use crate::ui::{theme, widgets};

#[derive(Default)]
pub struct HotlinePanel {
    /// The category filter (none: every category).
    pub category: Option<String>,
    view: Option<(ViewKey, HotlineView)>,
}

#[derive(Clone, PartialEq)]
struct ViewKey {
    data: usize,
    region: Adcode,
    category: Option<String>,
    at: DateTime<Utc>,
}

const ROW_HEIGHT: f32 = 28.0;
const BAR: Color32 = theme::ACCENT;

impl Panel for HotlinePanel {
    fn ui(&mut self, ui: &mut Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
        show(ui, v, self, commands);
    }
}

/// The instant the hotline is judged at: the situation's, or — following a live feed that is
/// not an exercise (whose "now" is the exercise clock) — the clock, since deadlines pass
/// whether or not new data arrives.
pub fn hotline_now(v: &ViewerContext<'_>) -> DateTime<Utc> {
    v.deadline_now()
}

impl HotlinePanel {
    /// The view for the context's region and the panel's category at `now`, recomputed only
    /// when the data, region or category changed, or `now` left the instant range it holds.
    fn refresh(&mut self, v: &ViewerContext<'_>, now: DateTime<Utc>) {
        let key = ViewKey {
            data: Arc::as_ptr(v.sit.dataset_arc()) as usize,
            region: v.region,
            category: self.category.clone(),
            at: now,
        };
        let keep = self.view.as_ref().is_some_and(|(k, view)| {
            let same = k.data == key.data && k.region == key.region && k.category == key.category;
            same && (k.at == now || (k.at <= now && now < view.valid_until))
        });
        if !keep {
            let data = v.sit.data();
            let index = data.hotline_index();
            let cat = self.category.as_deref().and_then(|c| index.category_index(c));
            let view = HotlineView::compute(index, &data.registry, v.region, cat, now);
            self.view = Some((key, view));
        }
    }
}

fn show(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut HotlinePanel, commands: &mut Commands) {
    let tr = v.tr;
    let h = &tr.hotline;
    let now = hotline_now(v);
    let data = v.sit.data();
    let periods = v.sit.hotline_periods(v.region);
    if data.hotline_index().is_empty() && periods.is_empty() {
        ui.label(RichText::new(h.none).color(theme::TEXT_DIM));
        return;
    }
    let following = v.status.live.is_some() && v.status.timeline.is_following() && !v.status.exercise;
    let categories = &data.hotline_index().categories;
    let synthetic = data.sources.iter().any(|s| s.synthetic && s.id.contains("hotline"));

    // Title, filters.
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("{} · {}", h.title, v.name(v.region))).size(theme::HEADING));
        ui.label(RichText::new(format_as_of(now)).small().color(theme::TEXT_DIM));
        district_filter(ui, v, commands);
        let current = state.category.as_deref().map(|c| h.category(c).to_owned()).unwrap_or(h.all_categories.into());
        let label = ui.label(RichText::new(h.category).small().color(theme::TEXT_DIM));
        egui::ComboBox::from_id_salt("hotline_category")
            .selected_text(current)
            .show_ui(ui, |ui| {
                if ui.selectable_label(state.category.is_none(), h.all_categories).clicked() {
                    state.category = None;
                }
                for c in categories {
                    if ui.selectable_label(state.category.as_deref() == Some(c), h.category(c)).clicked() {
                        state.category = Some(c.clone());
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if synthetic {
            ui.label(RichText::new(format!("◇ {}", h.synthetic_note)).small().color(theme::WARN));
        }
    });
    state.refresh(v, now);
    let Some((_, view)) = state.view.as_ref() else { return };
    if following && let Ok(wait) = (view.valid_until - now).to_std() {
        // One repaint when the next order crosses its deadline (or the hour turns).
        ui.ctx().request_repaint_after(wait);
    }
    let category = state.category.as_deref();
    ui.add_space(4.0);
    figures(ui, tr, view, synthetic);
    for p in &periods {
        published(ui, v, p);
    }
    ui.add_space(6.0);

    let width = ui.available_width();
    let height = ui.available_height();
    ui.horizontal_top(|ui| {
        let down = egui::Layout::top_down(egui::Align::LEFT);
        ui.allocate_ui_with_layout(egui::vec2(width * 0.5, height), down, |ui| charts(ui, tr, view, category));
        ui.separator();
        ui.allocate_ui_with_layout(egui::vec2(width * 0.5 - 16.0, height), down, |ui| {
            lists(ui, v, view, now, commands)
        });
    });
}

fn district_filter(ui: &mut Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
    let h = &v.tr.hotline;
    let reg = &v.sit.data().registry;
    // The districts of the city in view (of the county's city when a county is selected).
    let county = reg.get(v.region).is_some_and(|r| r.level == RegionLevel::County);
    let parent = if county { reg.get(v.region).and_then(|r| r.parent) } else { Some(v.region) };
    let Some(parent) = parent else { return };
    let children = reg.children(parent);
    if children.is_empty() {
        return;
    }
    let current = if county { v.name(v.region) } else { h.all_districts.to_owned() };
    let label = ui.label(RichText::new(h.district).small().color(theme::TEXT_DIM));
    egui::ComboBox::from_id_salt("hotline_district")
        .selected_text(current)
        .show_ui(ui, |ui| {
            if ui.selectable_label(!county, h.all_districts).clicked() && county {
                commands.push(UiCommand::SelectRegion(parent));
            }
            for &c in children {
                if ui.selectable_label(c == v.region, v.name(c)).clicked() && c != v.region {
                    commands.push(UiCommand::SelectRegion(c));
                }
            }
        })
        .response
        .labelled_by(label.id);
}

fn figures(ui: &mut Ui, tr: &Tr, view: &HotlineView, synthetic: bool) {
    use crate::model::overview::{Figure, FigureSource};
    let h = &tr.hotline;
    let s = &view.summary;
    let source = if synthetic { FigureSource::Synthetic } else { FigureSource::Derived };
    let fig = |n: u32| Figure { value: Some(n), source, delta: None, correction: None };
    let share = s.in_time_share.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or_else(|| h.no_closings.into());
    let acted = if s.acted > 0 {
        format!("{} {:.0}%", h.acted_in_time, f64::from(s.acted_in_time) * 100.0 / f64::from(s.acted))
    } else {
        String::new()
    };
    let w = (ui.available_width() - 3.0 * 10.0) / 4.0;
    ui.horizontal(|ui| {
        widgets::kpi_tile(ui, tr, h.volume_today, &fig(s.volume), Some(&acted), theme::ACCENT, w);
        widgets::kpi_tile(ui, tr, h.open, &fig(s.open), None, theme::TEXT, w);
        let colour = if s.overdue > 0 { theme::ALERT } else { theme::OK };
        widgets::kpi_tile(ui, tr, h.overdue, &fig(s.overdue), None, colour, w);
        let closed = format!("{}/{}", fmt_count(u64::from(s.closed_in_time)), fmt_count(u64::from(s.closed)));
        // The share is a percentage, not a count: a tile of its own, read as "label: value".
        let resp = egui::Frame::new()
            .fill(theme::CARD)
            .stroke(egui::Stroke::new(1.0, theme::CARD_BORDER))
            .corner_radius(egui::CornerRadius::same(6))
            .inner_margin(egui::Margin::symmetric(14, 10))
            .show(ui, |ui| {
                ui.set_width((w - widgets::CARD_CHROME).max(40.0));
                ui.set_min_height(128.0);
                ui.vertical(|ui| {
                    ui.label(RichText::new(h.in_time).size(theme::KPI_LABEL).color(theme::TEXT_DIM));
                    ui.label(RichText::new(&share).size(theme::KPI_NUMBER).strong().color(theme::OK));
                    ui.label(RichText::new(closed).size(theme::SMALL).color(theme::TEXT_DIM));
                });
            })
            .response
            .interact(Sense::hover());
        let a11y = format!("{}: {share}", h.in_time);
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &a11y));
    });
}

fn published(ui: &mut Ui, v: &ViewerContext<'_>, p: &crate::model::HotlinePeriod) {
    let h = &v.tr.hotline;
    let mut parts = vec![format!("{} {} … {} · {}", h.published, p.from, p.to, v.name(p.region))];
    if let Some(n) = p.requests {
        parts.push(format!("{} {}", fmt_count(u64::from(n)), h.requests));
    }
    if let Some(r) = p.connection_rate {
        parts.push(format!("{} {:.0}%", h.connection_rate, r * 100.0));
    }
    if let Some(r) = p.response_rate {
        parts.push(format!("{} {:.0}%", h.response_rate, r * 100.0));
    }
    if let Some(b) = p.baseline_ratio {
        parts.push(format!("{} ×{b:.1}", h.baseline));
    }
    ui.horizontal_wrapped(|ui| {
        let (mark, colour) = widgets::provenance_mark(crate::model::FigureSource::Reported);
        let resp = ui.label(RichText::new(format!("{mark} {}", parts.join(" · "))).color(theme::TEXT));
        if let Some(r) = &p.reference {
            resp.on_hover_text(r);
        }
        if !p.reported.is_empty() {
            ui.label(RichText::new(h.reported).small().color(colour));
        }
        if !p.topics.is_empty() {
            ui.label(
                RichText::new(format!("{}: {}", h.topics_published, p.topics.join("、")))
                    .small()
                    .color(theme::TEXT_DIM),
            );
        }
    });
}

fn charts(ui: &mut Ui, tr: &Tr, view: &HotlineView, category: Option<&str>) {
    // Two rows of two: per hour | per day, backlog | topics ranked.
    let gap = 12.0;
    let cell_w = ((ui.available_width() - gap) / 2.0).max(120.0);
    let cell_h = ((ui.available_height() - gap) / 2.0).max(120.0);
    let chart_h = cell_h - 30.0;
    let down = egui::Layout::top_down(egui::Align::LEFT);
    let cell = egui::vec2(cell_w, cell_h);
    ui.horizontal_top(|ui| {
        ui.spacing_mut().item_spacing.x = gap;
        ui.allocate_ui_with_layout(cell, down, |ui| by_hour(ui, tr, view, category, chart_h));
        ui.allocate_ui_with_layout(cell, down, |ui| by_day(ui, tr, view, category, chart_h));
    });
    ui.add_space(gap / 2.0);
    ui.horizontal_top(|ui| {
        ui.spacing_mut().item_spacing.x = gap;
        ui.allocate_ui_with_layout(cell, down, |ui| backlog(ui, tr, view, category, chart_h));
        ui.allocate_ui_with_layout(cell, down, |ui| topics(ui, tr, view, chart_h));
    });
}

fn chart(id: (&'static str, Option<&str>), height: f32) -> Plot<'static> {
    Plot::new((id.0, id.1.map(str::to_owned)))
        .height(height)
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .include_y(0.0)
        .y_axis_min_width(36.0)
}

/// Received per hour, last 24 h: x = hours since the first hour (local labels).
fn by_hour(ui: &mut Ui, tr: &Tr, view: &HotlineView, category: Option<&str>, h: f32) {
    let l = &tr.hotline;
    ui.label(RichText::new(l.by_hour).small().color(theme::TEXT_DIM));
    let first_hour = f64::from(view.first_hour.with_timezone(&china()).hour());
    chart(("hotline_hour", category), h)
        .x_axis_formatter(move |m, _| format!("{:02}:00", ((first_hour + m.value).rem_euclid(24.0)) as u32))
        .show(ui, |pui| {
            let bars: Vec<Bar> =
                view.by_hour.iter().enumerate().map(|(i, n)| Bar::new(i as f64, f64::from(*n)).width(0.8)).collect();
            pui.add(BarChart::new(l.by_hour, bars).color(BAR));
        });
}

fn by_day(ui: &mut Ui, tr: &Tr, view: &HotlineView, category: Option<&str>, h: f32) {
    let l = &tr.hotline;
    ui.label(RichText::new(l.by_day).small().color(theme::TEXT_DIM));
    chart(("hotline_day", category), h).x_axis_formatter(|m, _| date_label(m)).show(ui, |pui| {
        let bars: Vec<Bar> = view.by_day.iter().map(|(d, n)| Bar::new(day_x(*d), f64::from(*n)).width(0.8)).collect();
        pui.add(BarChart::new(l.by_day, bars).color(BAR));
    });
}

/// Open orders at each hour of the last 7 days: x = hours since the first.
fn backlog(ui: &mut Ui, tr: &Tr, view: &HotlineView, category: Option<&str>, h: f32) {
    let l = &tr.hotline;
    ui.label(RichText::new(l.backlog).small().color(theme::TEXT_DIM));
    let start = view.backlog.first().map(|b| b.0).unwrap_or(view.first_hour);
    chart(("hotline_backlog", category), h)
        .x_axis_formatter(move |m, _| {
            let t = start + Duration::minutes((m.value * 60.0) as i64);
            t.with_timezone(&china()).format("%m-%d").to_string()
        })
        .show(ui, |pui| {
            let pts: Vec<[f64; 2]> =
                view.backlog.iter().map(|(t, n)| [(*t - start).num_minutes() as f64 / 60.0, f64::from(*n)]).collect();
            pui.add(Line::new(l.backlog, PlotPoints::from(pts)).color(theme::WARN).fill(0.0));
        });
}

/// Categories ranked by orders in the last 7 days, as bars with their counts.
fn topics(ui: &mut Ui, tr: &Tr, view: &HotlineView, h: f32) {
    let l = &tr.hotline;
    ui.label(RichText::new(l.topics).small().color(theme::TEXT_DIM));
    let max = view.topics.first().map(|t| t.1).unwrap_or(1).max(1);
    let rows = ((h / 26.0) as usize).max(1);
    for (c, n) in view.topics.iter().take(rows) {
        let name = view.category_names.get(usize::from(*c)).map(|s| l.category(s)).unwrap_or("?");
        ui.horizontal(|ui| {
            ui.add_sized([120.0, 20.0], egui::Label::new(RichText::new(name).small()).truncate());
            let w = (ui.available_width() - 60.0).max(20.0);
            let (rect, _) = ui.allocate_exact_size(egui::vec2(w, 14.0), Sense::hover());
            let frac = *n as f32 / max as f32;
            let bar = egui::Rect::from_min_size(rect.min, egui::vec2(rect.width() * frac, rect.height()));
            ui.painter().rect_filled(bar, 2.0, BAR);
            ui.label(RichText::new(fmt_count(u64::from(*n))).small());
        });
    }
}

fn lists(ui: &mut Ui, v: &ViewerContext<'_>, view: &HotlineView, now: DateTime<Utc>, commands: &mut Commands) {
    let h = &v.tr.hotline;
    let sit = v.sit;
    // Districts: overdue and open orders next to the district's cases and directives.
    if !view.districts.is_empty() {
        ui.label(RichText::new(h.districts).small().color(theme::TEXT_DIM));
        let rows = view.districts.len().min(6);
        ScrollArea::vertical().id_salt("hotline_districts").max_height(rows as f32 * ROW_HEIGHT + 4.0).show(ui, |ui| {
            for d in &view.districts {
                district_row(ui, v, sit, d, commands);
            }
        });
        ui.separator();
    }
    let names = &view.category_names;
    let orders = sit.data().work_orders();
    let warn = Duration::minutes(i64::from(sit.data().hotline_index().rules.warn_minutes));
    ui.label(
        RichText::new(format!("{} · {}", h.overdue_list, fmt_count(view.overdue.len() as u64)))
            .strong()
            .color(if view.overdue.is_empty() { theme::TEXT } else { theme::ALERT }),
    );
    // The overdue list takes what is left above the "about to breach" list (up to 5 rows).
    let soon_rows = view.due_soon.len().clamp(1, 5) as f32;
    let list_h = (ui.available_height() - 60.0 - soon_rows * ROW_HEIGHT).max(ROW_HEIGHT * 3.0);
    ScrollArea::vertical().id_salt("hotline_overdue").max_height(list_h).auto_shrink([false, true]).show_rows(
        ui,
        ROW_HEIGHT,
        view.overdue.len(),
        |ui, range| {
            for item in &view.overdue[range] {
                let late = now - item.deadline;
                let text = format!("{} {}", h.overdue_by, h.duration(late));
                order_row(ui, v, item, orders, names, &text, theme::ALERT, commands);
            }
        },
    );
    ui.separator();
    ui.label(RichText::new(format!("{} · {}", h.due_soon, fmt_count(view.due_soon.len() as u64))).strong());
    ScrollArea::vertical().id_salt("hotline_soon").auto_shrink([false, true]).show_rows(
        ui,
        ROW_HEIGHT,
        view.due_soon.len(),
        |ui, range| {
            for item in &view.due_soon[range] {
                let left = item.deadline - now;
                let colour = if left <= warn { theme::WARN } else { theme::TEXT };
                let text = format!("{} {}", h.left, h.duration(left));
                order_row(ui, v, item, orders, names, &text, colour, commands);
            }
        },
    );
}

fn district_row(
    ui: &mut Ui,
    v: &ViewerContext<'_>,
    sit: &Situation,
    d: &crate::model::hotline_stats::DistrictLoad,
    commands: &mut Commands,
) {
    let h = &v.tr.hotline;
    let cases = sit.report(d.region).and_then(|r| r.counts.get(CaseField::NewConfirmed));
    let directives = sit.directives_in_force(d.region).len();
    ui.horizontal(|ui| {
        let name = v.name(d.region);
        let resp = ui
            .add_sized([150.0, ROW_HEIGHT - 4.0], egui::Button::selectable(v.region == d.region, name).truncate())
            .on_hover_text(h.select_district_hint);
        if resp.clicked() && v.region != d.region {
            commands.push(UiCommand::SelectRegion(d.region));
        }
        let colour = if d.overdue > 0 { theme::ALERT } else { theme::TEXT_DIM };
        ui.label(RichText::new(format!("{} {}", h.overdue, fmt_count(u64::from(d.overdue)))).color(colour));
        ui.label(RichText::new(format!("{} {}", h.open, fmt_count(u64::from(d.open)))).small());
        let c = cases.map(|n| fmt_count(u64::from(n))).unwrap_or_else(|| "—".into());
        ui.label(RichText::new(format!("{} {c}", h.cases_today)).small().color(theme::TEXT_DIM));
        if directives > 0 {
            ui.label(RichText::new(format!("{} {directives}", h.directives_in_force)).small().color(theme::ACCENT));
        }
    });
}

#[allow(clippy::too_many_arguments)]
fn order_row(
    ui: &mut Ui,
    v: &ViewerContext<'_>,
    item: &DeadlineItem,
    orders: &[crate::model::WorkOrder],
    names: &[String],
    countdown: &str,
    colour: Color32,
    commands: &mut Commands,
) {
    let h = &v.tr.hotline;
    let Some(o) = orders.get(item.order as usize) else { return };
    let cat = names.get(usize::from(item.category)).map(|c| h.category(c)).unwrap_or("?");
    let breach = match item.breach {
        Breach::FirstAction => h.breach_first_action,
        Breach::Close => h.breach_close,
    };
    ui.horizontal(|ui| {
        ui.add_sized([150.0, ROW_HEIGHT - 4.0], egui::Label::new(RichText::new(countdown).color(colour).strong()));
        ui.add_sized([110.0, ROW_HEIGHT - 4.0], egui::Label::new(RichText::new(&o.id).small()).truncate());
        let district = ui.add(egui::Button::new(RichText::new(v.name(item.region)).small()).frame(false));
        if district.on_hover_text(h.select_district_hint).clicked() && item.region != v.region {
            commands.push(UiCommand::SelectRegion(item.region));
        }
        ui.label(RichText::new(cat).small());
        ui.label(RichText::new(breach).small().color(theme::TEXT_DIM)).on_hover_text(format!(
            "{} {} · {}",
            h.received,
            format_local(o.received_at),
            o.summary
        ));
    });
}
