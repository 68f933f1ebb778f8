//! Case curves: the epidemic's course for the selected region (daily new cases as bars,
//! 7-day average, active, severe/critical, cumulative, cured, deaths, new asymptomatic),
//! with directive issue times and response-level spans drawn on the chart so a wall can
//! read them without a mouse. Two more views: several regions overlaid (optionally per
//! 100 000 people), and small multiples (one mini chart per subregion, same scales).
//! Everything comes from the `Situation`; the plotted series are cached per
//! (data, region, day, view) so a frame only draws.

use std::sync::Arc;

use chrono::NaiveDate;
use egui::{Align2, Color32, RichText, Ui};
use egui_plot::{
    Bar, BarChart, Legend, Line, LineStyle, MarkerShape, Plot, PlotPoint, PlotPoints, Points, Span, Text, VLine,
};

mod compare;
mod multiples;
mod series;
mod single;

use self::compare::compare_chart;
pub use self::multiples::multiple_plot_id;
use self::multiples::small_multiples;
use self::series::*;
pub(crate) use self::single::single_chart;
use super::Panel;
use crate::export::tables::{TableKind, TableRequest};
use crate::i18n::{Tr, fmt_count};
use crate::model::case::Provenance;
use crate::model::indicators::{daily_new, moving_average_7};
use crate::model::time::{china, format_local};
use crate::model::{Adcode, CaseField, Dataset, ResponseLevel, Situation};
use crate::ui::command::{Commands, ExportAction, UiCommand};
use crate::ui::context::ViewerContext;
use crate::ui::plot::*;
use crate::ui::theme;

pub use crate::settings::CurveMode;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CompareMetric {
    #[default]
    Avg7New,
    Active,
    Cumulative,
}

#[derive(Default)]
pub struct CurvesPanel {
    pub mode: CurveMode,
    pub log_scale: bool,
    pub per_100k: bool,
    pub metric: CompareMetric,
    /// The wall's chart: no legend over the plot (a key of the shown series below it
    /// instead) and no footnotes, so it fits the card it is given.
    pub wall: bool,
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

impl Panel for CurvesPanel {
    fn ui(&mut self, ui: &mut Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
        show(ui, v, self, commands);
    }
}

fn show(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut CurvesPanel, commands: &mut Commands) {
    refresh_cache(v, state);
    toolbar(ui, v, state, commands);
    ui.add_space(4.0);
    chart(ui, v, state, state.mode, commands);
}

/// The chart of a view (single, compare or small multiples) without the toolbar: the tab's and
/// the wall's. The cache must be fresh ([`refresh_cache`]).
pub(crate) fn chart(
    ui: &mut Ui,
    v: &ViewerContext<'_>,
    state: &mut CurvesPanel,
    mode: CurveMode,
    commands: &mut Commands,
) {
    let tr = v.tr;
    let Some(cache) = state.cache.as_ref() else { return };
    match mode {
        CurveMode::Single => single_chart(ui, v, state, commands),
        CurveMode::Compare => {
            if cache.regions.is_empty() {
                ui.label(RichText::new(tr.curves.no_subregions).color(theme::TEXT_DIM));
            } else {
                compare_chart(ui, v, state, commands);
            }
        }
        CurveMode::SmallMultiples => {
            if cache.regions.is_empty() {
                ui.label(RichText::new(tr.curves.no_subregions).color(theme::TEXT_DIM));
            } else {
                small_multiples(ui, v, state, commands);
            }
        }
    }
}

fn toolbar(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut CurvesPanel, commands: &mut Commands) {
    let tr = v.tr;
    ui.horizontal_wrapped(|ui| {
        for (mode, label) in [
            (CurveMode::Single, tr.curves.curves_single),
            (CurveMode::Compare, tr.curves.curves_compare),
            (CurveMode::SmallMultiples, tr.curves.curves_multiples),
        ] {
            if ui.selectable_label(state.mode == mode, label).clicked() {
                state.mode = mode;
            }
        }
        ui.separator();
        ui.checkbox(&mut state.log_scale, tr.curves.log_scale);
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
            let resp = ui.add_enabled(enabled, egui::Checkbox::new(&mut state.per_100k, tr.curves.per_100k));
            if !enabled {
                resp.on_disabled_hover_text(format!("{}: {}", tr.curves.no_population, missing.join("、")));
            }
        }
        if state.mode == CurveMode::Compare {
            ui.separator();
            for (m, label) in [
                (CompareMetric::Avg7New, tr.curves.avg7_label),
                (CompareMetric::Active, tr.case_field(CaseField::Active)),
                (CompareMetric::Cumulative, tr.case_field(CaseField::CumulativeConfirmed)),
            ] {
                if ui.selectable_label(state.metric == m, label).clicked() {
                    state.metric = m;
                }
            }
        }
        ui.separator();
        if ui.button(tr.curves.reset_view).clicked() {
            state.reset_view = true;
        }
        if !state.wall && ui.button(tr.export.csv).on_hover_text(tr.export.csv_hint).clicked() {
            commands.push(UiCommand::Export(ExportAction::Table(curves_request(v, state))));
        }
    });
}

/// The curves on screen as a table to export: the region, and in the compare and small
/// multiples views every region drawn, from the start of the period to the day in view.
fn curves_request(v: &ViewerContext<'_>, state: &CurvesPanel) -> TableRequest {
    let mut req = TableRequest::new(TableKind::Curves, v.region);
    req.to = Some(v.sit.date());
    if state.mode != CurveMode::Single {
        req.compared = state.cache.as_ref().map(|c| c.regions.iter().map(|r| r.code).collect()).unwrap_or_default();
    }
    req
}

/// A chart's context menu: its series as CSV, or the board as PNG.
pub(super) fn chart_menu(resp: &egui::Response, v: &ViewerContext<'_>, state: &CurvesPanel, commands: &mut Commands) {
    resp.context_menu(|ui| {
        if ui.button(v.tr.export.csv).clicked() {
            commands.push(UiCommand::Export(ExportAction::Table(curves_request(v, state))));
            ui.close();
        }
        if ui.button(v.tr.export.png).clicked() {
            commands.push(UiCommand::Export(ExportAction::Png));
            ui.close();
        }
    });
}

pub(super) fn refresh_cache(v: &ViewerContext<'_>, state: &mut CurvesPanel) {
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
