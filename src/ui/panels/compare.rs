//! Compare two moments: instant A and instant B (by default B is the instant in view and A a
//! week before it) for the selected region — the key figures side by side with the change,
//! the day each shows, the response level and risk counts, the case curve with both instants
//! marked, the directives issued between them, and the subregions ranked by how much their
//! active cases changed. Works the same for live, file and archive sources: both instants
//! are read from the data on screen.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use egui::{Grid, RichText, ScrollArea, TextEdit, Ui};
use egui_plot::{Bar, BarChart, Line, LineStyle, Plot, PlotPoints, VLine};

use super::Panel;
use super::map::{MapPanel, MapView};
use crate::i18n::{fmt_count, fmt_delta};
use crate::model::overview::Overview;
use crate::model::time::{format_as_of, format_time_input, parse_time_input};
use crate::model::{Adcode, CaseField, Directive, Situation};
use crate::ui::command::Commands;
use crate::ui::context::ViewerContext;
use crate::ui::plot::{date_label, day_x, instant_x};
use crate::ui::{theme, widgets};

/// The two instants and the comparison computed for them.
pub struct ComparePanel {
    /// B follows the timeline's cursor.
    pub b_is_now: bool,
    a: Option<DateTime<Utc>>,
    b: Option<DateTime<Utc>>,
    a_input: String,
    b_input: String,
    /// What was typed that is not a time (the message is worded each frame).
    error: Option<String>,
    cache: Option<(CacheKey, Arc<Comparison>)>,
    /// One map per instant, linked: panning or zooming one moves the other.
    map_a: MapPanel,
    map_b: MapPanel,
    linked_view: Option<MapView>,
}

impl Default for ComparePanel {
    fn default() -> Self {
        ComparePanel {
            b_is_now: true,
            a: None,
            b: None,
            a_input: String::new(),
            b_input: String::new(),
            error: None,
            cache: None,
            map_a: MapPanel::compact(),
            map_b: MapPanel::compact(),
            linked_view: None,
        }
    }
}

#[derive(Clone, PartialEq)]
struct CacheKey {
    data: usize,
    journal: usize,
    region: Adcode,
    a: DateTime<Utc>,
    b: DateTime<Utc>,
}

/// Everything the view shows, computed once per (data, region, A, B).
struct Comparison {
    /// The situations at A and at B (their maps are drawn from them).
    sa: Situation,
    sb: Situation,
    a: Overview,
    b: Overview,
    /// Subregions: name, active at A, active at B.
    subregions: Vec<(String, Option<u32>, Option<u32>)>,
    /// Directives issued in (A, B]: time, number, title.
    directives: Vec<(DateTime<Utc>, String, String)>,
    /// The region's new cases per day and active cases, up to B.
    new_cases: Vec<(f64, f64)>,
    active: Vec<[f64; 2]>,
}

impl Panel for ComparePanel {
    fn ui(&mut self, ui: &mut Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
        show(ui, v, self, commands);
    }
}

impl ComparePanel {
    /// Set both instants (tests, and a future "compare with" action elsewhere).
    pub fn set(&mut self, a: DateTime<Utc>, b: Option<DateTime<Utc>>) {
        self.a = Some(a);
        self.b_is_now = b.is_none();
        self.b = b;
    }

    /// Where the map at A and the map at B look (tests check they stay linked).
    pub fn map_views(&self) -> (MapView, MapView) {
        (self.map_a.view(), self.map_b.view())
    }

    /// The instants compared now: A, and B (the instant in view when B follows it).
    fn instants(&self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let b = if self.b_is_now { now } else { self.b.unwrap_or(now) };
        let a = self.a.unwrap_or(b - Duration::days(7));
        (a, b)
    }
}

fn show(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut ComparePanel, commands: &mut Commands) {
    let tr = v.tr;
    let c = &tr.compare;
    let (a, b) = state.instants(v.sit.as_of());
    toolbar(ui, v, state, a, b);
    let (a, b) = state.instants(v.sit.as_of());
    let key = CacheKey {
        data: Arc::as_ptr(v.sit.dataset_arc()) as usize,
        journal: Arc::as_ptr(v.sit.journal_arc()) as usize,
        region: v.region,
        a,
        b,
    };
    let cmp = match &state.cache {
        Some((k, cmp)) if *k == key => cmp.clone(),
        _ => {
            let cmp = Arc::new(compare(v, a, b));
            state.cache = Some((key, cmp.clone()));
            cmp
        }
    };
    ui.add_space(6.0);
    ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        let width = ui.available_width() - 14.0;
        let gap = ui.spacing().item_spacing.x;
        ui.horizontal_top(|ui| {
            widgets::card(ui, width * 0.46, |ui| figures(ui, v, &cmp, a, b));
            // The figures card grows with its labels (English is wider): the curve takes
            // what is left of the row.
            let rest = (ui.available_width() - 14.0).max(240.0);
            widgets::card(ui, rest, |ui| {
                ui.label(RichText::new(c.curve).small().color(theme::TEXT_DIM));
                curve(ui, &cmp, a, b);
            });
        });
        maps(ui, v, state, &cmp, commands, width, a, b);
        ui.horizontal_top(|ui| {
            widgets::card(ui, width * 0.46, |ui| {
                ui.label(RichText::new(c.directives_between).size(theme::HEADING));
                if cmp.directives.is_empty() {
                    ui.label(RichText::new(c.none_between).color(theme::TEXT_DIM));
                }
                for (t, number, title) in &cmp.directives {
                    ui.label(RichText::new(format!("{number}  {title}")).strong().color(theme::ACCENT));
                    ui.label(RichText::new(format_as_of(*t)).small().color(theme::TEXT_DIM));
                }
            });
            widgets::card(ui, width * 0.51 - gap, |ui| subregions(ui, v, &cmp));
        });
        ui.label(RichText::new(c.same_data).small().color(theme::TEXT_DIM));
    });
}

/// The two instant fields, "7 days before B" and "B = the instant in view".
fn toolbar(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut ComparePanel, a: DateTime<Utc>, b: DateTime<Utc>) {
    let c = &v.tr.compare;
    ui.horizontal_wrapped(|ui| {
        let label_a = ui.label(RichText::new(c.instant_a).strong().color(theme::WARN));
        if state.a_input.is_empty() && !ui.memory(|m| m.has_focus(egui::Id::unique("compare_a"))) {
            state.a_input = format_time_input(a);
        }
        let resp = ui
            .add(
                TextEdit::singleline(&mut state.a_input)
                    .id(egui::Id::unique("compare_a"))
                    .hint_text(c.input_hint)
                    .desired_width(150.0),
            )
            .labelled_by(label_a.id);
        if resp.lost_focus() {
            match parse_time_input(&state.a_input) {
                Some(t) => {
                    state.a = Some(t);
                    state.error = None;
                }
                None => state.error = Some(state.a_input.clone()),
            }
            state.a_input.clear();
        }
        if ui.button(c.a_week_before).clicked() {
            state.a = Some(b - Duration::days(7));
            state.a_input.clear();
        }
        ui.separator();
        let label_b = ui.label(RichText::new(c.instant_b).strong().color(theme::ACCENT));
        if state.b_is_now || (state.b_input.is_empty() && !ui.memory(|m| m.has_focus(egui::Id::unique("compare_b")))) {
            state.b_input = format_time_input(b);
        }
        let resp = ui
            .add_enabled(
                !state.b_is_now,
                TextEdit::singleline(&mut state.b_input)
                    .id(egui::Id::unique("compare_b"))
                    .hint_text(c.input_hint)
                    .desired_width(150.0),
            )
            .labelled_by(label_b.id);
        if resp.lost_focus() {
            match parse_time_input(&state.b_input) {
                Some(t) => {
                    state.b = Some(t);
                    state.error = None;
                }
                None => state.error = Some(state.b_input.clone()),
            }
            state.b_input.clear();
        }
        let mut now = state.b_is_now;
        if ui.checkbox(&mut now, c.b_is_now).on_hover_text(c.b_is_now_hint).changed() {
            state.b_is_now = now;
            state.b = Some(b);
        }
        // The text that was not a time; the words are those of the current language.
        if let Some(e) = state.error.as_ref().map(|typed| format!("{}: {typed}", c.input_invalid)) {
            ui.label(RichText::new(e).color(theme::WARN).small());
        }
    });
}

/// Compute both overviews and everything else the view shows.
fn compare(v: &ViewerContext<'_>, a: DateTime<Utc>, b: DateTime<Utc>) -> Comparison {
    let data = v.sit.dataset_arc().clone();
    let journal = v.sit.journal_arc().clone();
    let sa = Situation::at_instant(data.clone(), a).with_journal(journal.clone());
    let sb = Situation::at_instant(data, b).with_journal(journal);
    let active = |s: &Situation, c: Adcode| s.report(c).and_then(|r| r.get(CaseField::Active));
    let mut subregions: Vec<(String, Option<u32>, Option<u32>)> =
        sb.data().registry.children(v.region).iter().map(|c| (v.name(*c), active(&sa, *c), active(&sb, *c))).collect();
    let change = |(_, x, y): &(String, Option<u32>, Option<u32>)| match (x, y) {
        (Some(x), Some(y)) => (i64::from(*y) - i64::from(*x)).abs(),
        _ => -1,
    };
    subregions.sort_by_key(|r| std::cmp::Reverse(change(r)));
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let mut directives: Vec<(DateTime<Utc>, String, String)> = sb
        .directives()
        .filter(|d: &&Directive| lo < d.issued_at && d.issued_at <= hi)
        .map(|d| (d.issued_at, d.content.number.clone(), d.content.title.clone()))
        .collect();
    directives.sort_by_key(|d| d.0);
    let period = sb.period_start();
    let in_period = |d: &chrono::NaiveDate| period.is_none_or(|p| *d >= p);
    let new_cases = sb
        .daily_new(v.region)
        .into_iter()
        .filter(|(d, _)| in_period(d))
        .filter_map(|(d, n)| n.map(|n| (day_x(d), f64::from(n))))
        .collect();
    let active_line = sb
        .history(v.region)
        .filter(|(d, _)| in_period(d))
        .filter_map(|(d, r)| r.get(CaseField::Active).map(|n| [day_x(*d), f64::from(n)]))
        .collect();
    Comparison {
        a: Overview::compute(&sa, v.region),
        b: Overview::compute(&sb, v.region),
        sa,
        sb,
        subregions,
        directives,
        new_cases,
        active: active_line,
    }
}

/// The map at A and the map at B, side by side and linked (the same pan and zoom).
#[allow(clippy::too_many_arguments)]
fn maps(
    ui: &mut Ui,
    v: &ViewerContext<'_>,
    state: &mut ComparePanel,
    cmp: &Comparison,
    commands: &mut Commands,
    width: f32,
    a: DateTime<Utc>,
    b: DateTime<Utc>,
) {
    let c = &v.tr.compare;
    let gap = ui.spacing().item_spacing.x;
    let half = (width - gap) / 2.0;
    let height = (half * 0.55).clamp(260.0, 460.0);
    ui.horizontal_top(|ui| {
        for (label, colour, sit, map) in
            [("A", theme::WARN, &cmp.sa, &mut state.map_a), ("B", theme::ACCENT, &cmp.sb, &mut state.map_b)]
        {
            widgets::card(ui, half - 16.0, |ui| {
                let when = if label == "A" { a } else { b };
                ui.label(RichText::new(format!("{label}  {} · {}", c.map_at, format_as_of(when))).color(colour));
                let ctx = ViewerContext { sit, ..*v };
                ui.allocate_ui(egui::vec2(ui.available_width(), height), |ui| {
                    ui.set_min_height(height);
                    map.ui(ui, &ctx, commands);
                });
            });
        }
    });
    // Linked: whichever map moved, the other follows.
    let (va, vb) = (state.map_a.view(), state.map_b.view());
    if state.linked_view != Some(va) {
        state.map_b.set_view(va);
        state.linked_view = Some(va);
        ui.ctx().request_repaint();
    } else if state.linked_view != Some(vb) {
        state.map_a.set_view(vb);
        state.linked_view = Some(vb);
        ui.ctx().request_repaint();
    }
}

/// Figure | A | B | change, then the day each shows, the response level and risk counts.
fn figures(ui: &mut Ui, v: &ViewerContext<'_>, cmp: &Comparison, a: DateTime<Utc>, b: DateTime<Utc>) {
    let tr = v.tr;
    let c = &tr.compare;
    let value = |x: Option<u32>| x.map(|n| fmt_count(u64::from(n))).unwrap_or_else(|| "—".into());
    Grid::new("compare_figures").num_columns(4).striped(true).spacing([18.0, 6.0]).show(ui, |ui| {
        ui.label(RichText::new(c.figure).color(theme::TEXT_DIM));
        ui.label(RichText::new(format!("A  {}", format_as_of(a))).color(theme::WARN));
        ui.label(RichText::new(format!("B  {}", format_as_of(b))).color(theme::ACCENT));
        ui.label(RichText::new(c.change).color(theme::TEXT_DIM));
        ui.end_row();
        ui.label(c.day_shown);
        ui.label(cmp.a.date.to_string());
        ui.label(cmp.b.date.to_string());
        ui.label("");
        ui.end_row();
        for (f, fb) in &cmp.b.figures {
            let fa = cmp.a.figures.iter().find(|(g, _)| g == f).map(|(_, x)| x.value);
            let va = fa.flatten();
            let vb = fb.value;
            ui.label(tr.case_field(*f));
            ui.label(value(va));
            ui.label(RichText::new(value(vb)).strong());
            match (va, vb) {
                (Some(x), Some(y)) => ui.label(fmt_delta(i64::from(y) - i64::from(x))),
                _ => ui.label("—"),
            };
            ui.end_row();
        }
        let response = |ov: &Overview| match &ov.response {
            Some(r) => tr.overview.response(r.level).to_owned(),
            None => tr.overview.response_none.to_owned(),
        };
        ui.label(c.response);
        ui.label(response(&cmp.a));
        ui.label(response(&cmp.b));
        ui.label("");
        ui.end_row();
        let risk = |ov: &Overview| {
            ov.risk
                .as_ref()
                .map(|r| format!("{}/{}/{}", r.counts.high, r.counts.medium, r.counts.low))
                .unwrap_or_default()
        };
        ui.label(c.risk_counts);
        ui.label(risk(&cmp.a));
        ui.label(risk(&cmp.b));
        ui.label("");
        ui.end_row();
    });
}

/// The region's curve of B's period with A and B marked.
fn curve(ui: &mut Ui, cmp: &Comparison, a: DateTime<Utc>, b: DateTime<Utc>) {
    let bars: Vec<Bar> =
        cmp.new_cases.iter().map(|(x, y)| Bar::new(*x, *y).width(0.8).fill(theme::ALERT.gamma_multiply(0.7))).collect();
    Plot::new("compare_curve")
        .height(260.0)
        .show_grid([false, true])
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .x_axis_formatter(|m, _| date_label(m))
        .include_x(instant_x(a.min(b)) - 1.0)
        .include_x(instant_x(a.max(b)) + 2.0)
        .show(ui, |pui| {
            pui.bar_chart(BarChart::new("new", bars));
            pui.line(Line::new("active", PlotPoints::from(cmp.active.clone())).color(theme::WARN).width(2.0));
            pui.vline(VLine::new("A", instant_x(a)).color(theme::WARN).style(LineStyle::dashed_loose()).width(2.0));
            pui.vline(VLine::new("B", instant_x(b)).color(theme::ACCENT).style(LineStyle::dashed_loose()).width(2.0));
        });
}

/// The subregions, ranked by how much their active cases changed from A to B.
fn subregions(ui: &mut Ui, v: &ViewerContext<'_>, cmp: &Comparison) {
    let tr = v.tr;
    ui.label(RichText::new(tr.compare.subregions).size(theme::HEADING));
    if cmp.subregions.is_empty() {
        ui.label(RichText::new(tr.curves.no_subregions).color(theme::TEXT_DIM));
        return;
    }
    let value = |x: Option<u32>| x.map(|n| fmt_count(u64::from(n))).unwrap_or_else(|| "—".into());
    Grid::new("compare_subregions").num_columns(4).striped(true).spacing([18.0, 4.0]).show(ui, |ui| {
        ui.label(RichText::new(tr.regions.region).color(theme::TEXT_DIM));
        ui.label(RichText::new("A").color(theme::WARN));
        ui.label(RichText::new("B").color(theme::ACCENT));
        ui.label(RichText::new(tr.compare.change).color(theme::TEXT_DIM));
        ui.end_row();
        for (name, x, y) in cmp.subregions.iter().take(20) {
            ui.label(name);
            ui.label(value(*x));
            ui.label(value(*y));
            match (x, y) {
                (Some(x), Some(y)) => ui.label(fmt_delta(i64::from(*y) - i64::from(*x))),
                _ => ui.label("—"),
            };
            ui.end_row();
        }
    });
}
