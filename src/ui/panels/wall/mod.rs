//! The wall display (大屏): everything a command centre's wall shows on one screen, sized to
//! be read from across the room — the key figures, the county map, the region's case curve
//! with its directive markers, the response level, risk counts and the directives in force,
//! under a header with the clock, the data's as-of and one freshness chip per live source.
//!
//! - **Scale**: the layout is designed in points for a 1920×1080 reference screen; in wall mode
//!   the app sets the zoom so that the screen is about 1920×1080 points ([`zoom_for`]):
//!   a 4K wall looks like the 1080p wall, only sharper. A wider screen (3840×1080,
//!   5760×1080) keeps the 1080 height and re-flows into more columns instead of
//!   letterboxing. The type sizes ([`size`]) keep the minimums of issue 18 at any size.
//! - **Never clip**: every card is given its rect and fits its content in it; lists that do
//!   not fit page (`1/3`) every few seconds, titles wrap to two lines then ellipsize.
//! - **Alive and honest**: a clock to the second (the app repaints once a second while the
//!   wall shows, nothing else), the data's as-of, a chip per live source with its age, a red
//!   edge banner while a source is stale and a large message when every source is lost.
//! - **Rotation** ([`playlist`]): views and regions in turn, paused by a key or a click.

mod acks;
mod cards;
mod header;
pub mod playlist;

use chrono::{DateTime, Utc};
use egui::{Rect, Ui, UiBuilder};

use super::{CheckpointsPanel, CurvesPanel, MapPanel, OverviewPanel, Panel, curves};
use crate::model::overview::{CORE_FIGURES, Overview};
use crate::settings::CurveMode;
use crate::settings::WallSettings;
use crate::settings::config::WallView;
use crate::ui::command::Commands;
use crate::ui::context::ViewerContext;

pub use self::playlist::Rotation;

/// The reference screen the wall is laid out for, in points.
pub const REF_W: f32 = 1920.0;
pub const REF_H: f32 = 1080.0;

/// The wall's type sizes in points of the reference screen, with the minimums of issue 18
/// (at 16:9, where a point is `screen height / 1080` pixels): key figures at least 1/15 of
/// the screen height, body text at least 1/50, nothing under 1/80.
pub mod size {
    use super::REF_H;
    pub const KPI_NUMBER: f32 = REF_H / 15.0;
    pub const TITLE: f32 = 34.0;
    pub const HEADING: f32 = 28.0;
    pub const KPI_LABEL: f32 = 24.0;
    pub const BODY: f32 = 22.0;
    pub const SMALL: f32 = 16.0;
    /// The smallest text anywhere on the wall.
    pub const MIN: f32 = REF_H / 80.0;

    // The minimums, checked when the code compiles.
    const _: () = {
        assert!(KPI_NUMBER >= REF_H / 15.0);
        assert!(BODY >= REF_H / 50.0);
        assert!(TITLE >= MIN && HEADING >= MIN && KPI_LABEL >= MIN && BODY >= MIN && SMALL >= MIN);
    };
}

/// The zoom factor that makes a screen of `physical` pixels about 1920×1080 points (the
/// smaller of the two ratios, so the reference layout always fits; a wider screen gets more
/// columns), or the given scale (`--scale`, `wall_scale`) in pixels per point.
pub fn zoom_for(physical: egui::Vec2, native_ppp: f32, scale: Option<f32>) -> f32 {
    let fit = (physical.x / REF_W).min(physical.y / REF_H);
    let ppp = scale.unwrap_or(fit);
    let range = crate::settings::config::WALL_SCALE_RANGE;
    let ppp = if ppp.is_finite() { ppp.clamp(*range.start(), *range.end()) } else { 1.0 };
    ppp / native_ppp.max(0.1)
}

/// The wall's own map, curve and overview (their zoom and caches are separate from the tabs'),
/// its rotation and paging.
pub struct WallPanel {
    overview: OverviewPanel,
    map: MapPanel,
    curves: CurvesPanel,
    hotline: super::HotlinePanel,
    checkpoints: CheckpointsPanel,
    rotation: Rotation,
    /// Seconds per page of a list that does not fit.
    page_secs: u64,
    /// The rects of the header, cards, map and chart laid out on the last frame (tests check
    /// that every text stays inside one).
    areas: Vec<Rect>,
}

impl Default for WallPanel {
    fn default() -> Self {
        let mut map = MapPanel::default();
        map.compact = true;
        let mut curves = CurvesPanel::default();
        curves.wall = true;
        let mut checkpoints = CheckpointsPanel::default();
        checkpoints.wall = true;
        WallPanel {
            overview: OverviewPanel::default(),
            map,
            curves,
            hotline: Default::default(),
            checkpoints,
            rotation: Rotation::default(),
            page_secs: crate::settings::DEFAULT_PAGE_SECS,
            areas: Vec::new(),
        }
    }
}

impl WallPanel {
    /// The wall map's tile layer: the same as the map tab's.
    pub fn set_tiles(&mut self, url: Option<String>, cache: Option<std::path::PathBuf>) {
        self.map.tile_url = url;
        self.map.tile_cache = cache;
    }

    /// The wall's playlist and paging from the settings.
    pub fn configure(&mut self, settings: &WallSettings) {
        self.rotation = Rotation::new(settings.playlist.clone());
        self.page_secs = settings.page_secs.max(1);
        self.checkpoints.page_secs = self.page_secs;
    }

    /// The rects of the header, cards, map and chart on the last frame, in points.
    pub fn areas(&self) -> &[Rect] {
        &self.areas
    }

    /// The rotation (tests read where it is).
    pub fn rotation(&self) -> &Rotation {
        &self.rotation
    }
}

impl Panel for WallPanel {
    fn ui(&mut self, ui: &mut Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
        show(ui, v, self, commands);
    }
}

/// Paging of a list on the wall: which page is shown at `clock`, and when the next one is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub index: usize,
    pub count: usize,
}

impl Page {
    /// The page of `count` shown at `clock`, turning every `secs` seconds (wall clock, so
    /// every list turns together and the board stays idle in between).
    pub fn at(clock: DateTime<Utc>, secs: u64, count: usize) -> Page {
        let count = count.max(1);
        let secs = secs.max(1) as i64;
        let index = (clock.timestamp().div_euclid(secs) as usize) % count;
        Page { index, count }
    }

    /// The time until the next page turns.
    pub fn next_turn(clock: DateTime<Utc>, secs: u64) -> std::time::Duration {
        let secs = secs.max(1) as i64;
        let into = clock.timestamp().rem_euclid(secs) * 1000 + i64::from(clock.timestamp_subsec_millis());
        std::time::Duration::from_millis((secs * 1000 - into).max(1) as u64)
    }
}

/// What a frame of the wall needs besides the panel state.
pub(super) struct Frame {
    pub clock: DateTime<Utc>,
    pub page_secs: u64,
    /// A list paged on this frame (the wall then asks for a repaint at the next turn).
    pub paged: std::cell::Cell<bool>,
    /// The rects laid out (header, cards, map, chart).
    pub areas: std::cell::RefCell<Vec<Rect>>,
}

impl Frame {
    fn area(&self, r: Rect) -> Rect {
        self.areas.borrow_mut().push(r);
        r
    }
}

fn show(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut WallPanel, commands: &mut Commands) {
    style(ui);
    let clock = v.status.clock;
    let full = state.overview.get(v).clone();
    // The wall shows the six core figures only.
    let ov = Overview {
        figures: full.figures.iter().filter(|(f, _)| CORE_FIGURES.contains(f)).copied().collect(),
        ..full.clone()
    };
    let rotation = if v.status.wall_mode {
        let input = ui.input(|i| {
            i.events.iter().any(|e| {
                matches!(e, egui::Event::Key { pressed: true, .. } | egui::Event::PointerButton { pressed: true, .. })
            })
        });
        Some(state.rotation.step(v, clock, input, &mut state.map, commands))
    } else {
        None
    };
    let frame = Frame { clock, page_secs: state.page_secs, paged: false.into(), areas: Default::default() };
    let alarm = header::alarm(v.status);

    let whole = ui.available_rect_before_wrap();
    let mut top = whole.top();
    if alarm != header::Alarm::None {
        top = header::stale_banner(ui, v, whole, alarm);
        frame.area(Rect::from_min_max(whole.min, egui::pos2(whole.right(), top)));
    }
    let head_top = top;
    top = header::header(ui, v, &ov, Rect::from_min_max(egui::pos2(whole.left(), top), whole.max), rotation.as_ref());
    frame.area(Rect::from_min_max(egui::pos2(whole.left(), head_top), egui::pos2(whole.right(), top)));
    let gap = 10.0;
    let body = Rect::from_min_max(egui::pos2(whole.left(), top + gap), whole.max);
    match state.rotation.view() {
        WallView::Map if v.status.wall_mode => {
            in_rect(ui, frame.area(body), |ui| state.map.ui(ui, v, commands));
        }
        WallView::Hotline if v.status.wall_mode => {
            in_rect(ui, frame.area(body), |ui| state.hotline.ui(ui, v, commands));
        }
        WallView::Curves if v.status.wall_mode => {
            in_rect(ui, frame.area(body), |ui| {
                curves::refresh_cache(v, &mut state.curves);
                curves::single_chart(ui, v, &mut state.curves, commands);
            });
        }
        view @ (WallView::Compare | WallView::Multiples) if v.status.wall_mode => {
            let mode = if view == WallView::Compare { CurveMode::Compare } else { CurveMode::SmallMultiples };
            in_rect(ui, frame.area(body), |ui| {
                curves::refresh_cache(v, &mut state.curves);
                curves::chart(ui, v, &mut state.curves, mode, commands);
            });
        }
        WallView::Overview if v.status.wall_mode => overview(ui, v, &full, frame.area(body), &frame),
        WallView::Checkpoints if v.status.wall_mode => {
            let card = frame.area(body);
            // egui_plot centres the last hour's label on a chart's right edge: room for its
            // right half inside the card.
            let inner = card.with_max_x(card.max.x - 1.6 * ui.text_style_height(&egui::TextStyle::Small));
            in_rect(ui, inner, |ui| state.checkpoints.ui(ui, v, commands));
        }
        _ => composition(ui, v, state, &ov, body, &frame, commands),
    }
    if alarm == header::Alarm::AllLost {
        header::all_lost(ui, v, whole);
        frame.area(whole);
    }
    state.areas = frame.areas.take();
    ui.allocate_rect(whole, egui::Sense::hover());
    if frame.paged.get() && !v.status.wall_mode {
        // As a tab (no clock running), a paged list asks for the frame of its next page only.
        ui.ctx().request_repaint_after(Page::next_turn(clock, state.page_secs));
    }
}

/// The wall's composition: key figures across the top; below them the map and, beside it,
/// the curve and the cards — in two columns at 16:9, in three or four on an ultra-wide wall.
fn composition(
    ui: &mut Ui,
    v: &ViewerContext<'_>,
    state: &mut WallPanel,
    ov: &Overview,
    body: Rect,
    frame: &Frame,
    commands: &mut Commands,
) {
    let gap = 10.0;
    let tiles_bottom = cards::tiles(ui, v, ov, body, frame);
    let rest = Rect::from_min_max(egui::pos2(body.left(), tiles_bottom + gap), body.max);
    let aspect = rest.width() / rest.height().max(1.0);
    let children = v.sit.data().registry.children(v.region);
    if aspect < 2.6 {
        // 16:9 (and narrower): map | curve over response + risk over directives.
        let (map_rect, right) = split_x(rest, 0.56, gap);
        in_rect(ui, frame.area(map_rect), |ui| state.map.ui(ui, v, commands));
        no_levels_note(ui, v, state, ov, map_rect);
        let (chart, below) = split_y(right, 0.42, gap);
        chart_card(ui, v, state, frame.area(chart), commands);
        let cards_h = cards::level_cards_height(ui);
        let (levels, directives) =
            split_y_at(below, (below.top() + cards_h).min(below.top() + below.height() * 0.5), gap);
        let (response, risk) = split_x(levels, 0.4, gap);
        cards::response(ui, v, ov, frame.area(response));
        cards::risk(ui, v, ov, frame.area(risk));
        let directives = acks::overdue_alert(ui, v, frame.area(directives));
        cards::directives(ui, v, ov, directives, frame);
    } else {
        // Ultra-wide: more columns at the same height instead of letterboxing.
        let map_w = (rest.height() * 1.25).min(rest.width() * 0.34);
        let map_rect = Rect::from_min_size(rest.min, egui::vec2(map_w, rest.height()));
        in_rect(ui, frame.area(map_rect), |ui| state.map.ui(ui, v, commands));
        no_levels_note(ui, v, state, ov, map_rect);
        let others = Rect::from_min_max(egui::pos2(map_rect.right() + gap, rest.top()), rest.max);
        let with_subregions = !children.is_empty() && others.width() > 3.0 * 620.0;
        let columns = if with_subregions { 3.0 } else { 2.0 };
        let col_w = (others.width() - gap * (columns - 1.0)) / columns;
        let col = |i: f32| {
            Rect::from_min_size(
                egui::pos2(others.left() + i * (col_w + gap), others.top()),
                egui::vec2(col_w, others.height()),
            )
        };
        chart_card(ui, v, state, frame.area(col(0.0)), commands);
        let cards_col = col(1.0);
        let cards_h = cards::level_cards_height(ui);
        let (levels, directives) = split_y_at(cards_col, cards_col.top() + cards_h, gap);
        let (response, risk) = split_x(levels, 0.4, gap);
        cards::response(ui, v, ov, frame.area(response));
        cards::risk(ui, v, ov, frame.area(risk));
        let directives = acks::overdue_alert(ui, v, frame.area(directives));
        cards::directives(ui, v, ov, directives, frame);
        if with_subregions {
            cards::subregions(ui, v, children, frame.area(col(2.0)), frame);
        }
    }
}

/// The overview view: the overview tab's upper part (header, every key figure, response, risk,
/// indicators, discovery channels) and below it, in the room left, the subregions and the
/// directives in force as the wall's paged cards (the tab's tables would run off the screen).
fn overview(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview, body: Rect, frame: &Frame) {
    let gap = 10.0;
    let bottom = in_rect(ui, body, |ui| {
        super::overview::upper(ui, v, ov, body.width());
        ui.min_rect().bottom()
    });
    let rest = Rect::from_min_max(egui::pos2(body.left(), bottom + gap), body.max);
    let children = v.sit.data().registry.children(v.region);
    if children.is_empty() {
        cards::directives(ui, v, ov, frame.area(rest), frame);
    } else {
        let (subregions, directives) = split_x(rest, 0.5, gap);
        cards::subregions(ui, v, children, frame.area(subregions), frame);
        cards::directives(ui, v, ov, frame.area(directives), frame);
    }
}

/// A risk map with no level anywhere is not shown as if it were current grey: a note across
/// its bottom says that this period has no county risk levels.
fn no_levels_note(ui: &mut Ui, v: &ViewerContext<'_>, state: &WallPanel, ov: &Overview, map: Rect) {
    use crate::settings::MapMode;
    if !matches!(state.map.mode, MapMode::Risk | MapMode::RiskComputed) || !cards::no_levels(ov) {
        return;
    }
    let h = ui.fonts_mut(|f| f.row_height(&egui::FontId::proportional(size::HEADING))) + 16.0;
    let note = Rect::from_min_size(egui::pos2(map.left(), map.bottom() - h), egui::vec2(map.width(), h));
    ui.painter().rect_filled(note, 6.0, egui::Color32::from_rgba_unmultiplied(7, 18, 36, 230));
    in_rect(ui, note.shrink2(egui::vec2(12.0, 8.0)), |ui| {
        ui.vertical_centered(|ui| {
            ui.label(egui::RichText::new(v.tr.wall.no_risk_levels).size(size::HEADING).color(crate::ui::theme::WARN));
        });
    });
}

fn chart_card(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut WallPanel, rect: Rect, commands: &mut Commands) {
    cards::card(ui, rect, |ui| {
        curves::refresh_cache(v, &mut state.curves);
        curves::single_chart(ui, v, &mut state.curves, commands);
    });
}

/// The wall's type: body, headings and small text at the wall's sizes (charts and legends
/// drawn with text styles follow).
fn style(ui: &mut Ui) {
    use egui::{FontFamily, FontId, TextStyle};
    let s = ui.style_mut();
    s.text_styles = [
        (TextStyle::Heading, FontId::new(size::HEADING, FontFamily::Proportional)),
        (TextStyle::Body, FontId::new(size::BODY, FontFamily::Proportional)),
        (TextStyle::Button, FontId::new(size::BODY, FontFamily::Proportional)),
        (TextStyle::Small, FontId::new(size::SMALL, FontFamily::Proportional)),
        (TextStyle::Monospace, FontId::new(size::BODY, FontFamily::Monospace)),
    ]
    .into();
}

/// Draw into exactly `rect` (clipped to it).
pub(super) fn in_rect<R>(ui: &mut Ui, rect: Rect, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.scope_builder(UiBuilder::new().max_rect(rect).layout(egui::Layout::top_down(egui::Align::LEFT)), |ui| {
        ui.set_clip_rect(rect.intersect(ui.clip_rect()));
        add(ui)
    })
    .inner
}

fn split_x(r: Rect, share: f32, gap: f32) -> (Rect, Rect) {
    let x = r.left() + (r.width() - gap) * share;
    (Rect::from_min_max(r.min, egui::pos2(x, r.bottom())), Rect::from_min_max(egui::pos2(x + gap, r.top()), r.max))
}

fn split_y(r: Rect, share: f32, gap: f32) -> (Rect, Rect) {
    split_y_at(r, r.top() + (r.height() - gap) * share, gap)
}

fn split_y_at(r: Rect, y: f32, gap: f32) -> (Rect, Rect) {
    (Rect::from_min_max(r.min, egui::pos2(r.right(), y)), Rect::from_min_max(egui::pos2(r.left(), y + gap), r.max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zoom_fits_the_reference_layout() {
        let z = |w: f32, h: f32| zoom_for(egui::vec2(w, h), 1.0, None);
        assert_eq!(z(1920.0, 1080.0), 1.0);
        assert_eq!(z(3840.0, 2160.0), 2.0);
        assert!((z(1280.0, 720.0) - 2.0 / 3.0).abs() < 1e-4);
        // Ultra-wide keeps the height: more columns, not letterboxing.
        assert_eq!(z(5760.0, 1080.0), 1.0);
        assert_eq!(z(3840.0, 1080.0), 1.0);
        // A HiDPI 4K screen (2 pixels per point natively) needs no zoom.
        assert_eq!(zoom_for(egui::vec2(3840.0, 2160.0), 2.0, None), 1.0);
        // --scale wins, within its range.
        assert_eq!(zoom_for(egui::vec2(3840.0, 2160.0), 1.0, Some(1.5)), 1.5);
        assert_eq!(zoom_for(egui::vec2(3840.0, 2160.0), 1.0, Some(100.0)), 8.0);
    }

    #[test]
    fn pages_turn_on_the_wall_clock() {
        let t = |s: i64| DateTime::<Utc>::from_timestamp(s, 0).unwrap();
        assert_eq!(Page::at(t(0), 8, 3), Page { index: 0, count: 3 });
        assert_eq!(Page::at(t(8), 8, 3).index, 1);
        assert_eq!(Page::at(t(23), 8, 3).index, 2);
        assert_eq!(Page::at(t(24), 8, 3).index, 0);
        assert_eq!(Page::next_turn(t(3), 8), std::time::Duration::from_secs(5));
    }
}
