//! Case curves: the epidemic's course for the selected region (daily new cases as bars,
//! 7-day average, active, severe/critical, cumulative, cured, deaths, new asymptomatic),
//! with directive issue times and response-level spans drawn on the chart so a wall can
//! read them without a mouse. Two more views: several regions overlaid (optionally per
//! 100 000 people), and small multiples (one mini chart per subregion, same scales).
//! Everything comes from the `Situation`; the plotted series are cached per
//! (data, region, day, view) so a frame only draws.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, Timelike};
use egui::{Align2, Color32, RichText, Ui};
use egui_plot::{
    Bar, BarChart, GridMark, Legend, Line, LineStyle, MarkerShape, Plot, PlotPoint, PlotPoints, Points, Span, Text,
    VLine,
};

use super::View;
use crate::i18n::{Tr, fmt_count};
use crate::model::case::Provenance;
use crate::model::indicators::{daily_new, moving_average_7};
use crate::model::time::{china, format_local};
use crate::model::{Adcode, CaseField, Dataset, ResponseLevel, Situation};
use crate::ui::app::UiCommand;
use crate::ui::theme;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CurveMode {
    #[default]
    Single,
    Compare,
    SmallMultiples,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CompareMetric {
    #[default]
    Avg7New,
    Active,
    Cumulative,
}

#[derive(Default)]
pub struct CurvesState {
    pub mode: CurveMode,
    pub log_scale: bool,
    pub per_100k: bool,
    pub metric: CompareMetric,
    reset_view: bool,
    /// Plot ids whose default hidden series were applied already.
    defaults_applied: Vec<egui::Id>,
    cache: Option<Cache>,
}

/// Series of the single-region chart and of each region of the compare/multiples views.
struct Cache {
    key: CacheKey,
    single: Option<RegionSeries>,
    regions: Vec<RegionSeries>,
    annotations: Vec<Annotation>,
    spans: Vec<ResponseSpan>,
    x_range: (f64, f64),
}

#[derive(Clone, PartialEq)]
struct CacheKey {
    data: usize,
    journal: usize,
    region: Adcode,
    date: NaiveDate,
    en: bool,
}

/// Every series of one region, up to the day in view, in plot coordinates (x = day number).
struct RegionSeries {
    code: Adcode,
    name: String,
    population: Option<u64>,
    new_bars: Vec<(f64, f64, bool)>,
    avg7: Vec<PlotPoint>,
    corrections: Vec<(f64, i64)>,
    lines: Vec<(CaseField, Vec<PlotPoint>)>,
    /// Reported values of `active`, drawn as dots so reported and reconstructed differ visibly.
    reported_active: Vec<PlotPoint>,
    /// Per-day readout: date → (field, value, provenance).
    days: Vec<(NaiveDate, DayValues)>,
}

/// One day's values of the plotted fields, with where each came from.
type DayValues = Vec<(CaseField, u32, Provenance)>;

struct Annotation {
    x: f64,
    label: String,
    /// Number and local issue time, e.g. "绥指公4号 02-01 21:00".
    short: String,
    detail: String,
}

struct ResponseSpan {
    from: f64,
    to: f64,
    level: ResponseLevel,
}

const LINE_FIELDS: [CaseField; 7] = [
    CaseField::Active,
    CaseField::Severe,
    CaseField::Critical,
    CaseField::CumulativeConfirmed,
    CaseField::Cured,
    CaseField::Deaths,
    CaseField::NewAsymptomatic,
];

/// Hidden until the user turns them on: a wall shows new cases, their 7-day average and
/// active cases.
const HIDDEN_BY_DEFAULT: [CaseField; 5] =
    [CaseField::Critical, CaseField::CumulativeConfirmed, CaseField::Cured, CaseField::Deaths, CaseField::Severe];

pub fn series_colour(f: CaseField) -> Color32 {
    match f {
        CaseField::NewConfirmed => Color32::from_rgb(0xf0, 0x4d, 0x55),
        CaseField::Active => Color32::from_rgb(0xff, 0x9f, 0x43),
        CaseField::Severe => Color32::from_rgb(0xd0, 0x7d, 0xff),
        CaseField::Critical => Color32::from_rgb(0x9d, 0x4e, 0xdd),
        CaseField::CumulativeConfirmed => Color32::from_rgb(0x3f, 0xb6, 0xff),
        CaseField::Cured => Color32::from_rgb(0x3c, 0xc4, 0x7c),
        CaseField::Deaths => Color32::from_rgb(0xb8, 0xc2, 0xd3),
        CaseField::NewAsymptomatic => Color32::from_rgb(0xff, 0x7e, 0xb6),
        _ => theme::TEXT,
    }
}

const AVG7_COLOUR: Color32 = Color32::from_rgb(0xff, 0xe0, 0x66);

const PALETTE: [Color32; 13] = [
    Color32::from_rgb(0x3f, 0xb6, 0xff),
    Color32::from_rgb(0xff, 0x9f, 0x43),
    Color32::from_rgb(0x3c, 0xc4, 0x7c),
    Color32::from_rgb(0xf0, 0x4d, 0x55),
    Color32::from_rgb(0xd0, 0x7d, 0xff),
    Color32::from_rgb(0xff, 0xe0, 0x66),
    Color32::from_rgb(0x4e, 0xd8, 0xd0),
    Color32::from_rgb(0xff, 0x7e, 0xb6),
    Color32::from_rgb(0xa3, 0xc9, 0x6b),
    Color32::from_rgb(0xc4, 0x9a, 0x6c),
    Color32::from_rgb(0x8f, 0xa8, 0xff),
    Color32::from_rgb(0xe8, 0xef, 0xfa),
    Color32::from_rgb(0xff, 0x6b, 0x1a),
];

/// Day number of a date (days since 1970-01-01), the chart's x.
pub fn day_x(d: NaiveDate) -> f64 {
    f64::from(d.num_days_from_ce() - 719_163)
}

fn x_day(x: f64) -> Option<NaiveDate> {
    let n = i32::try_from(x.round() as i64).ok()?;
    NaiveDate::from_num_days_from_ce_opt(n.checked_add(719_163)?)
}

/// x of an instant: its local day plus the fraction of the day.
fn instant_x(t: chrono::DateTime<chrono::Utc>) -> f64 {
    let local = t.with_timezone(&china());
    day_x(local.date_naive()) + f64::from(local.time().num_seconds_from_midnight()) / 86_400.0 - 0.5
}

pub fn ui(ui: &mut Ui, v: &View<'_>, state: &mut CurvesState, commands: &mut Vec<UiCommand>) {
    let tr = v.tr;
    refresh_cache(v, state);
    toolbar(ui, v, state);
    ui.add_space(4.0);
    let Some(cache) = state.cache.as_ref() else { return };
    match state.mode {
        CurveMode::Single => single_chart(ui, v, state, commands),
        CurveMode::Compare => {
            if cache.regions.is_empty() {
                ui.label(RichText::new(tr.no_subregions).color(theme::TEXT_DIM));
            } else {
                compare_chart(ui, v, state, commands);
            }
        }
        CurveMode::SmallMultiples => {
            if cache.regions.is_empty() {
                ui.label(RichText::new(tr.no_subregions).color(theme::TEXT_DIM));
            } else {
                small_multiples(ui, v, state, commands);
            }
        }
    }
}

fn toolbar(ui: &mut Ui, v: &View<'_>, state: &mut CurvesState) {
    let tr = v.tr;
    ui.horizontal_wrapped(|ui| {
        for (mode, label) in [
            (CurveMode::Single, tr.curves_single),
            (CurveMode::Compare, tr.curves_compare),
            (CurveMode::SmallMultiples, tr.curves_multiples),
        ] {
            if ui.selectable_label(state.mode == mode, label).clicked() {
                state.mode = mode;
            }
        }
        ui.separator();
        ui.checkbox(&mut state.log_scale, tr.log_scale);
        if state.mode != CurveMode::Single {
            let missing: Vec<String> = state
                .cache
                .as_ref()
                .map(|c| c.regions.iter().filter(|r| r.population.is_none()).map(|r| r.name.clone()).collect())
                .unwrap_or_default();
            let enabled = missing.is_empty();
            if !enabled {
                state.per_100k = false;
            }
            let resp = ui.add_enabled(enabled, egui::Checkbox::new(&mut state.per_100k, tr.per_100k));
            if !enabled {
                resp.on_disabled_hover_text(format!("{}: {}", tr.no_population, missing.join("、")));
            }
        }
        if state.mode == CurveMode::Compare {
            ui.separator();
            for (m, label) in [
                (CompareMetric::Avg7New, tr.avg7_label),
                (CompareMetric::Active, tr.case_field(CaseField::Active)),
                (CompareMetric::Cumulative, tr.case_field(CaseField::CumulativeConfirmed)),
            ] {
                if ui.selectable_label(state.metric == m, label).clicked() {
                    state.metric = m;
                }
            }
        }
        ui.separator();
        if ui.button(tr.reset_view).clicked() {
            state.reset_view = true;
        }
    });
}

pub(super) fn refresh_cache(v: &View<'_>, state: &mut CurvesState) {
    let key = CacheKey {
        data: Arc::as_ptr(v.sit.dataset_arc()) as usize,
        journal: Arc::as_ptr(v.sit.journal_arc()) as usize,
        region: v.region,
        date: v.sit.date(),
        en: v.lang.is_en(),
    };
    if state.cache.as_ref().is_some_and(|c| c.key == key) {
        return;
    }
    let sit = v.sit;
    let data = sit.data();
    let episode = data
        .episodes()
        .into_iter()
        .find(|(a, b)| *a <= sit.date() && sit.date() <= *b)
        .unwrap_or((sit.date(), sit.date()));
    let single = region_series(sit, v.region, episode.0, v.lang.is_en());
    let regions = data
        .registry
        .children(v.region)
        .iter()
        .filter_map(|c| region_series(sit, *c, episode.0, v.lang.is_en()))
        .collect();
    let annotations = annotations(sit, v.region, episode, v.tr);
    let spans = response_spans(data, sit, v.region, episode);
    state.cache = Some(Cache {
        key,
        single,
        regions,
        annotations,
        spans,
        x_range: (day_x(episode.0) - 1.0, day_x(episode.1) + 1.0),
    });
}

fn region_series(sit: &Situation, code: Adcode, from: NaiveDate, en: bool) -> Option<RegionSeries> {
    let data = sit.data();
    let history: Vec<_> = sit.history(code).filter(|(d, _)| **d >= from).collect();
    if history.is_empty() {
        return None;
    }
    let daily = daily_new(history.iter().copied());
    let avg = moving_average_7(&daily);
    let mut new_bars = Vec::new();
    let mut corrections = Vec::new();
    let mut lines: Vec<(CaseField, Vec<PlotPoint>)> = LINE_FIELDS.iter().map(|f| (*f, Vec::new())).collect();
    let mut reported_active = Vec::new();
    let mut days = Vec::new();
    for (d, r) in &history {
        let x = day_x(**d);
        if let Some((n, p)) = r.value(CaseField::NewConfirmed) {
            new_bars.push((x, f64::from(n), matches!(p, Provenance::Reported)));
        } else if let Some((_, Some(n))) = daily.iter().find(|(dd, _)| dd == *d) {
            new_bars.push((x, f64::from(*n), false));
        }
        for c in &r.corrections {
            corrections.push((x, c.delta));
        }
        for (f, pts) in lines.iter_mut() {
            if let Some(n) = r.get(*f) {
                pts.push(PlotPoint::new(x, f64::from(n)));
            }
        }
        if let Some((n, Provenance::Reported)) = r.value(CaseField::Active) {
            reported_active.push(PlotPoint::new(x, f64::from(n)));
        }
        let mut values = Vec::new();
        for f in std::iter::once(CaseField::NewConfirmed).chain(LINE_FIELDS) {
            if let Some((n, p)) = r.value(f) {
                values.push((f, n, p));
            }
        }
        days.push((**d, values));
    }
    lines.retain(|(_, pts)| !pts.is_empty());
    let avg7 = avg.iter().filter_map(|(d, a)| a.map(|a| PlotPoint::new(day_x(*d), a))).collect();
    let region = data.registry.get(code)?;
    Some(RegionSeries {
        code,
        name: if en { region.name_en.clone() } else { region.name_zh.clone() },
        population: region.population,
        new_bars,
        avg7,
        corrections,
        lines,
        reported_active,
        days,
    })
}

/// Directives whose scope touches the region, issued within the period, as chart markers.
fn annotations(sit: &Situation, region: Adcode, episode: (NaiveDate, NaiveDate), tr: &Tr) -> Vec<Annotation> {
    let data = sit.data();
    // Feed directives and those issued in the local journal.
    let mut out: Vec<Annotation> = sit
        .directives()
        .filter(|d| data.scope_touches(&d.content.scope, region) && d.issued_at <= sit.as_of())
        .filter(|d| {
            let day = d.issued_at.with_timezone(&china()).date_naive();
            episode.0 <= day && day <= episode.1
        })
        .map(|d| Annotation {
            x: instant_x(d.issued_at),
            label: d.content.number.clone(),
            short: format!("{} {}", d.content.number, d.issued_at.with_timezone(&china()).format("%m-%d %H:%M")),
            detail: format!(
                "{} {}\n{}\n{} {}",
                d.content.number,
                d.content.title,
                d.content.issuer,
                tr.issued,
                format_local(d.issued_at)
            ),
        })
        .collect();
    out.sort_by(|a, b| a.x.total_cmp(&b.x));
    out
}

/// Response-level periods that apply to the region (its own or inherited), within the period.
fn response_spans(
    data: &Dataset,
    sit: &Situation,
    region: Adcode,
    episode: (NaiveDate, NaiveDate),
) -> Vec<ResponseSpan> {
    let start = day_x(episode.0) - 0.5;
    let end = day_x(episode.1) + 0.5;
    let path = data.registry.path(region);
    let Some(holder) = path.iter().rev().find(|c| !data.response_history(**c).is_empty()) else { return Vec::new() };
    let hist = data.response_history(*holder);
    let limit = sit.as_of();
    let end = end.min(instant_x(limit));
    let mut out = Vec::new();
    for (i, c) in hist.iter().enumerate() {
        if c.since > limit {
            break;
        }
        let from = instant_x(c.since).max(start);
        let next = hist.get(i + 1).map(|n| instant_x(n.since));
        let known = c.known_until.map(instant_x).unwrap_or(end);
        let to = next.unwrap_or(end).min(known).min(end);
        if to > from && c.level != ResponseLevel::None {
            out.push(ResponseSpan { from, to, level: c.level });
        }
    }
    out
}

fn response_colour(level: ResponseLevel) -> Color32 {
    match level {
        ResponseLevel::I => theme::ALERT,
        ResponseLevel::II => theme::RISK_MEDIUM,
        ResponseLevel::III => Color32::from_rgb(0xf2, 0xd0, 0x3b),
        ResponseLevel::IV => theme::ACCENT,
        ResponseLevel::None => theme::TEXT_DIM,
    }
}

/// y of a value on the chosen scale. Log scale is log₁₀(1 + v), so zero days stay on the axis.
fn y_of(value: f64, log: bool) -> f64 {
    if log { (1.0 + value.max(0.0)).log10() } else { value }
}

fn y_label(y: f64, log: bool) -> String {
    let v = if log { 10f64.powf(y) - 1.0 } else { y };
    if v < 0.0 {
        return String::new();
    }
    if v >= 10.0 || v == v.round() { fmt_count(v.round() as u64) } else { format!("{v:.1}") }
}

fn date_label(mark: GridMark) -> String {
    x_day(mark.value).map(|d| format!("{:02}-{:02}", d.month(), d.day())).unwrap_or_default()
}

pub(super) fn single_chart(ui: &mut Ui, v: &View<'_>, state: &mut CurvesState, commands: &mut Vec<UiCommand>) {
    let tr = v.tr;
    let Some(cache) = state.cache.as_ref() else { return };
    let Some(series) = cache.single.as_ref() else {
        ui.label(RichText::new(tr.no_report).color(theme::TEXT_DIM));
        return;
    };
    let log = state.log_scale;
    let today = day_x(v.sit.date());
    let plot_id = egui::Id::unique(("sitboard.curves_single", cache.x_range.0 as i64, log));
    let readout_h = 64.0;
    let height = (ui.available_height() - readout_h).max(240.0);
    let mut legend = Legend::default().position(egui_plot::Corner::LeftTop).follow_insertion_order(true);
    if !state.defaults_applied.contains(&plot_id) {
        legend =
            legend.hidden_items(HIDDEN_BY_DEFAULT.iter().map(|f| egui_plot::ItemId::new(("series", f.wire_name()))));
        state.defaults_applied.push(plot_id);
    }
    let mut plot = Plot::new(plot_id)
        .id(plot_id)
        .height(height)
        .legend(legend)
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
                    RichText::new(tr.response(s.level)).size(theme::SMALL).color(response_colour(s.level)),
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
                tr.avg7_label,
                PlotPoints::Owned(series.avg7.iter().map(|p| PlotPoint::new(p.x, y_of(p.y, log))).collect()),
            )
            .color(AVG7_COLOUR)
            .width(2.5)
            .id(("series", "avg7")),
        );
        for (f, pts) in &series.lines {
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
                Points::new(tr.correction, PlotPoints::Owned(vec![PlotPoint::new(*x, 0.0)]))
                    .shape(MarkerShape::Down)
                    .radius(7.0)
                    .color(theme::WARN)
                    .id(("correction", x.to_bits())),
            );
            pui.add(
                Text::new(
                    "",
                    PlotPoint::new(*x, y_top * 0.06),
                    RichText::new(format!("{} {delta}", tr.correction)).size(theme::SMALL).color(theme::WARN),
                )
                .anchor(Align2::CENTER_BOTTOM)
                .id(("correction_label", x.to_bits())),
            );
        }
        // Directive markers, labels staggered so neighbours do not overlap.
        let mut last_x = f64::NEG_INFINITY;
        let mut row = 0;
        for a in &cache.annotations {
            row = if a.x - last_x < 6.0 { (row + 1) % 4 } else { 0 };
            last_x = a.x;
            pui.add(
                VLine::new("", a.x)
                    .color(theme::ACCENT.gamma_multiply(0.8))
                    .style(LineStyle::dashed_loose())
                    .width(1.2)
                    .id(("directive", a.x.to_bits())),
            );
            pui.add(
                Text::new(
                    "",
                    PlotPoint::new(a.x, y_top * (0.93 - 0.07 * row as f64)),
                    RichText::new(format!(" {} ", a.label))
                        .size(theme::SMALL)
                        .color(theme::TEXT)
                        .background_color(theme::PANEL),
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
    readout(ui, v, series, hovered_day.unwrap_or(v.sit.date()));
    if !cache.annotations.is_empty() {
        // The same markers as text: for screen readers, and for reading the exact times.
        let list: Vec<String> = cache.annotations.iter().map(|a| a.short.clone()).collect();
        ui.label(RichText::new(format!("{}: {}", tr.annotations, list.join(" · "))).small().color(theme::TEXT_DIM));
    }
}

/// The values of every series on one day (the hovered day, else the day in view), with
/// whether each was reported or reconstructed.
fn readout(ui: &mut Ui, v: &View<'_>, series: &RegionSeries, day: NaiveDate) {
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
        parts.push(format!("{} {a:.1}", tr.avg7_label));
    }
    let text = parts.join("   ");
    let label = if values.is_empty() { format!("{text}   {}", tr.no_report) } else { text };
    ui.add(egui::Label::new(RichText::new(label).size(theme::BODY)).wrap());
    ui.label(RichText::new(tr.curves_legend_note).small().color(theme::TEXT_DIM));
}

fn metric_series(r: &RegionSeries, metric: CompareMetric, per_100k: bool, log: bool) -> Vec<PlotPoint> {
    let pts: Vec<PlotPoint> = match metric {
        CompareMetric::Avg7New => r.avg7.clone(),
        CompareMetric::Active => {
            r.lines.iter().find(|(f, _)| *f == CaseField::Active).map(|(_, p)| p.clone()).unwrap_or_default()
        }
        CompareMetric::Cumulative => r
            .lines
            .iter()
            .find(|(f, _)| *f == CaseField::CumulativeConfirmed)
            .map(|(_, p)| p.clone())
            .unwrap_or_default(),
    };
    let scale = match (per_100k, r.population) {
        (true, Some(pop)) if pop > 0 => 100_000.0 / pop as f64,
        _ => 1.0,
    };
    pts.into_iter().map(|p| PlotPoint::new(p.x, y_of(p.y * scale, log))).collect()
}

fn compare_chart(ui: &mut Ui, v: &View<'_>, state: &mut CurvesState, commands: &mut Vec<UiCommand>) {
    let tr = v.tr;
    let Some(cache) = state.cache.as_ref() else { return };
    let log = state.log_scale;
    let plot_id =
        egui::Id::unique(("sitboard.curves_compare", cache.x_range.0 as i64, log, state.per_100k, state.metric));
    let mut plot = Plot::new(plot_id)
        .id(plot_id)
        .height((ui.available_height() - 30.0).max(240.0))
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
        for (i, r) in cache.regions.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let pts = metric_series(r, state.metric, state.per_100k, log);
            if let Some(last) = pts.last().copied().filter(|_| labelled.contains(&i)) {
                // Name at the end of each line: readable without a legend or a mouse.
                pui.add(
                    Text::new("", last, RichText::new(format!(" {}", r.name)).size(theme::SMALL).color(colour))
                        .anchor(Align2::LEFT_CENTER)
                        .id(("end_label", r.code.value())),
                );
            }
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
    let unit = if state.per_100k { tr.per_100k_unit } else { "" };
    ui.label(RichText::new(format!("{}{unit}", tr.curves_compare_note)).small().color(theme::TEXT_DIM));
}

fn small_multiples(ui: &mut Ui, v: &View<'_>, state: &mut CurvesState, commands: &mut Vec<UiCommand>) {
    let tr = v.tr;
    let Some(cache) = state.cache.as_ref() else { return };
    let log = state.log_scale;
    let per_100k = state.per_100k;
    let n = cache.regions.len();
    let cols = (n as f32).sqrt().ceil().max(1.0) as usize + usize::from(n > 6);
    let rows = n.div_ceil(cols);
    let gap = ui.spacing().item_spacing;
    let w = (ui.available_width() - gap.x * (cols as f32 - 1.0)) / cols as f32;
    let h = ((ui.available_height() - 40.0 - gap.y * (rows as f32 - 1.0)) / rows as f32).max(110.0);
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
    let link = egui::Id::unique("sitboard.multiples_x");
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
                        Some(a) => format!("{}  {} {}", r.name, tr.col_active, fmt_count(u64::from(a))),
                        None => r.name.clone(),
                    };
                    if ui.add(egui::Button::new(RichText::new(title).strong()).frame(false)).clicked() {
                        commands.push(UiCommand::SelectRegion(r.code));
                    }
                    let plot = Plot::new(("multiple", r.code.value(), cache.x_range.0 as i64, log, per_100k))
                        .width(w)
                        .height(h - 26.0)
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
                        pui.add(VLine::new(tr.today_line, today).color(theme::TEXT_DIM).width(1.0).id("today"));
                    });
                    if resp.response.clicked() {
                        commands.push(UiCommand::SelectRegion(r.code));
                    }
                });
            }
        });
    }
    ui.label(RichText::new(tr.multiples_note).small().color(theme::TEXT_DIM));
}
