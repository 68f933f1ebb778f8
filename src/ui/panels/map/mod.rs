//! The "one map" (一张图): county risk levels or case counts on an offline basemap drawn from
//! the bundled boundaries (walkers for projection, pan and zoom; no tile server unless one
//! is configured), with checkpoints as markers. Overlays are walkers plugins, one per file;
//! this module is the panel: toolbar, legend, tooltips and what clicks do.

pub mod checkpoints;
pub mod choropleth;
pub mod layer;
pub mod regions;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use egui::{Color32, RichText, Ui, UiBuilder};
use walkers::{HttpTiles, MapMemory, Tiles};

use self::checkpoints::{CheckpointMarker, CheckpointsOutput, CheckpointsPlugin};
use self::choropleth::{CountyState, MapMode};
use self::layer::MapLayer;
use self::regions::{RegionsOutput, RegionsPlugin, position};
use crate::i18n::{Tr, fmt_count};
use crate::model::time::format_local;
use crate::model::{Adcode, CheckpointStatus, RegionLevel};
use crate::ui::command::{Commands, UiCommand};
use crate::ui::context::ViewerContext;
use crate::ui::panels::Panel;
use crate::ui::renderer;
use crate::ui::theme;

/// A tile server from a URL template with `{z}`, `{x}` and `{y}`.
pub struct TemplateTiles {
    pub template: String,
    pub attribution: &'static str,
}

impl walkers::sources::TileSource for TemplateTiles {
    fn tile_url(&self, id: walkers::TileId) -> String {
        self.template
            .replace("{z}", &id.zoom.to_string())
            .replace("{x}", &id.x.to_string())
            .replace("{y}", &id.y.to_string())
    }

    fn attribution(&self) -> walkers::sources::Attribution {
        walkers::sources::Attribution { text: self.attribution, url: "", logo_light: None, logo_dark: None }
    }
}

#[derive(Clone, PartialEq)]
struct CacheKey {
    data: usize,
    date: NaiveDate,
    /// The instant (the hotline's overdue orders change within a day).
    at: chrono::DateTime<chrono::Utc>,
}

#[derive(Default)]
pub struct MapPanel {
    pub mode: MapMode,
    memory: MapMemory,
    /// World bounds to fit on the next frame (first show, "fit province", double-click).
    pending_fit: Option<[f64; 4]>,
    fitted_once: bool,
    last_region: Option<Adcode>,
    selected_on_map: bool,
    cache: Option<(CacheKey, HashMap<Adcode, CountyState>, Vec<CheckpointMarker>)>,
    /// Tile URL template from the config or `--tiles`; `None` keeps the map fully offline.
    pub tile_url: Option<String>,
    /// Where fetched tiles are cached (`<data dir>/tiles`).
    pub tile_cache: Option<std::path::PathBuf>,
    /// The wall's map: no toolbar.
    pub compact: bool,
    tiles: Option<HttpTiles>,
    regions_out: RegionsOutput,
    checkpoints_out: CheckpointsOutput,
    scene: regions::SceneCache,
    /// Size of the map at the last fit, and whether the user moved the map since.
    fitted_size: Option<egui::Vec2>,
    user_moved: bool,
    /// The scale bar's text as last drawn ("200 km").
    scale_text: Option<String>,
}

impl MapPanel {
    /// Whether a tile layer (and so network access) exists. Without a configured URL it never does.
    pub fn tiles_active(&self) -> bool {
        self.tiles.is_some()
    }

    /// Where a region's label point was on screen in the last frame (tests drive the map
    /// with it, as a person would point at a county).
    pub fn screen_pos(&self, layer: &MapLayer, code: Adcode) -> Option<egui::Pos2> {
        let tf = self.regions_out.transform?;
        layer.get(code).and_then(|s| s.label).map(|w| tf.to_screen(w))
    }

    /// The colour a county was filled with in the last frame.
    pub fn fill_colour(&self, code: Adcode) -> Option<egui::Color32> {
        self.scene.fill_colour(code)
    }

    /// Whether the last frame drew the regions.
    pub fn drawn(&self) -> bool {
        self.regions_out.transform.is_some()
    }

    /// Where a checkpoint's marker was on screen in the last frame.
    pub fn checkpoint_screen_pos(&self, id: &str) -> Option<egui::Pos2> {
        let tf = self.regions_out.transform?;
        let (_, _, markers) = self.cache.as_ref()?;
        markers.iter().find(|m| m.id == id).map(|m| tf.to_screen(m.world))
    }
}

/// Where a map looks: its centre (when moved off the default) and zoom. Two maps showing
/// the same view can be linked by copying it ([`MapPanel::view`], [`MapPanel::set_view`]).
pub type MapView = (Option<walkers::Position>, f64);

impl MapPanel {
    /// A map without its toolbar (the wall, the compare view).
    pub fn compact() -> Self {
        MapPanel { compact: true, ..Default::default() }
    }

    /// What the scale bar reads ("200 km"), once the map has been drawn.
    pub fn scale_text(&self) -> Option<&str> {
        self.scale_text.as_deref()
    }

    pub fn view(&self) -> MapView {
        (self.memory.detached(), self.memory.zoom())
    }

    /// Look where another map looks (its pan and zoom), as if the user had moved there.
    pub fn set_view(&mut self, (centre, zoom): MapView) {
        if let Some(c) = centre {
            self.memory.center_at(c);
        }
        // A zoom out of walkers' range is ignored; the map keeps its zoom.
        let _ = self.memory.set_zoom(zoom);
        self.fitted_once = true;
        self.user_moved = true;
    }
}

impl Panel for MapPanel {
    fn ui(&mut self, ui: &mut Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
        show(ui, v, v.status.map_layer, self, commands);
    }
}

/// The zoom levels the wheel reaches on the CPU renderer (walkers' own range is 0–26).
const MIN_WHEEL_ZOOM: f64 = 2.0;
const MAX_WHEEL_ZOOM: f64 = 20.0;

/// On the CPU renderer (see [`renderer::moved_meshes`]) egui's smoothed wheel (a notch spread
/// over about seven frames) would draw the map again at a new scale in every one of those
/// frames: there a wheel event over the map zooms in one step instead, by what walkers'
/// smoothed zoom reaches at 60 frames a second (1/120 of a level per point scrolled), and the
/// smoothed remainder is taken away from walkers. Returns the pointer and the levels to zoom
/// by this frame; `None` elsewhere (other renderers keep walkers' smooth zoom).
fn wheel_zoom_levels(ui: &mut Ui) -> Option<(egui::Pos2, f64)> {
    if !renderer::moved_meshes(ui.ctx()) {
        return None;
    }
    let rect = ui.available_rect_before_wrap();
    let pointer = ui.input(|i| i.pointer.hover_pos()).filter(|p| rect.contains(*p))?;
    if !ui.rect_contains_pointer(rect) {
        return None;
    }
    let line = ui.ctx().options(|o| o.input_options.line_scroll_speed);
    let points: f32 = ui.input(|i| {
        i.raw
            .events
            .iter()
            .filter_map(|e| match e {
                egui::Event::MouseWheel { unit, delta, modifiers, .. } if !modifiers.command && !modifiers.shift => {
                    Some(match unit {
                        egui::MouseWheelUnit::Point => delta.y,
                        egui::MouseWheelUnit::Line => delta.y * line,
                        egui::MouseWheelUnit::Page => delta.y * rect.height(),
                    })
                }
                _ => None,
            })
            .sum()
    });
    ui.input_mut(|i| i.smooth_scroll_delta = egui::Vec2::ZERO);
    Some((pointer, f64::from(points) / 120.0))
}

/// The map panel. `compact` leaves out the toolbar (the wall layout).
fn show(
    ui: &mut Ui,
    v: &ViewerContext<'_>,
    layer: Option<&Arc<MapLayer>>,
    state: &mut MapPanel,
    commands: &mut Commands,
) {
    let compact = state.compact;
    let tr = v.tr;
    let Some(layer) = layer else {
        ui.label(RichText::new(tr.map.map_no_boundaries).color(theme::WARN));
        return;
    };
    refresh_cache(v, state);
    let data = v.sit.data();
    let has_population = data
        .registry
        .iter_sorted()
        .filter(|r| r.level == RegionLevel::County && r.has_polygon)
        .all(|r| r.population.is_some());
    if !has_population && state.mode == MapMode::New7DaysPer100k {
        state.mode = MapMode::New7Days;
    }

    // Toolbar: colour by …, fit the province.
    if !compact {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(tr.map.map_colour_by).color(theme::TEXT_DIM));
            for m in MapMode::ALL {
                let enabled = m != MapMode::New7DaysPer100k || has_population;
                let resp = ui.add_enabled(enabled, egui::Button::selectable(state.mode == m, m.label(tr)));
                if resp.clicked() {
                    state.mode = m;
                }
                if !enabled {
                    resp.on_disabled_hover_text(tr.curves.no_population);
                }
            }
            ui.separator();
            if ui.button(tr.map.map_fit_province).clicked() {
                state.pending_fit = Some(layer.bbox);
            }
            if let Some(s) = layer.get(v.region)
                && v.sit.data().registry.get(v.region).is_some_and(|r| r.level != RegionLevel::Province)
                && ui.button(format!("{} {}", tr.map.map_fit_region, v.name(v.region))).clicked()
            {
                state.pending_fit = Some(s.bbox);
            }
        });
    }

    // Follow selections made elsewhere (region picker, tables): zoom to the new region.
    if state.last_region != Some(v.region) {
        if state.last_region.is_some() && !state.selected_on_map {
            state.pending_fit = layer.get(v.region).map(|s| s.bbox).or(state.pending_fit);
        }
        state.last_region = Some(v.region);
        state.selected_on_map = false;
    }
    if !state.fitted_once {
        state.pending_fit = Some(layer.get(v.region).map(|s| s.bbox).unwrap_or(layer.bbox));
        state.fitted_once = true;
    }
    let size = ui.available_size();
    // A new map size (window resized, another layout) refits the view unless the user has
    // moved the map themselves.
    if !state.user_moved && state.pending_fit.is_none() && state.fitted_size.is_some_and(|s| (s - size).length() > 40.0)
    {
        state.pending_fit = Some(layer.get(v.region).map(|s| s.bbox).unwrap_or(layer.bbox));
    }
    if let Some(b) = state.pending_fit.take() {
        fit(&mut state.memory, b, size);
        state.fitted_size = Some(size);
        state.user_moved = false;
    }

    if state.tiles.is_none()
        && let Some(url) = &state.tile_url
    {
        let attribution: &'static str = Box::leak(format!("{} {url}", tr.map.map_tiles_from).into_boxed_str());
        let options = walkers::HttpOptions { cache: state.tile_cache.clone(), ..Default::default() };
        state.tiles = Some(HttpTiles::with_options(
            TemplateTiles { template: url.clone(), attribution },
            options,
            ui.ctx().clone(),
        ));
    }

    let Some((_, states, markers)) = state.cache.as_ref() else { return };
    let colours: Vec<Color32> = state.mode.classes(tr).iter().map(|c| c.colour).collect();
    let mut regions_out = RegionsOutput::default();
    let mut checkpoints_out = CheckpointsOutput::default();
    let centre = position([(layer.bbox[0] + layer.bbox[2]) / 2.0, (layer.bbox[1] + layer.bbox[3]) / 2.0]);
    let tiles: Option<&mut dyn Tiles> = state.tiles.as_mut().map(|t| t as &mut dyn Tiles);
    let mode = state.mode;
    let colours_key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (mode, state.cache.as_ref().map(|(k, _, _)| (k.data, k.date))).hash(&mut h);
        h.finish()
    };
    let wheel_zoom = wheel_zoom_levels(ui);
    let map = walkers::Map::new(tiles, &mut state.memory, centre)
        .double_click_to_zoom(false)
        // The wheel zooms, as on every map a user knows (walkers' default pans with it).
        .zoom_with_ctrl(false)
        .with_plugin(RegionsPlugin {
            layer,
            states,
            mode,
            colours: &colours,
            colours_key,
            selected: v.region,
            registry: &data.registry,
            en: v.lang.is_en(),
            scene: &mut state.scene,
            out: &mut regions_out,
        })
        .with_plugin(CheckpointsPlugin {
            markers,
            selected: v.checkpoint,
            anchor: layer.bbox,
            out: &mut checkpoints_out,
        });
    let attribution = state.tile_url.is_some();
    let mut zoom_step = 0i8;
    let mut scale_text = None;
    let response = map
        .show(ui, |ui, _response, projector, _memory| {
            legend(ui, v, mode, states);
            // The wall and the compare view's small maps keep the map clear (the wheel zooms).
            if !compact {
                zoom_step = zoom_buttons(ui, tr);
            }
            scale_text = scale_bar(ui, projector, tr);
            if attribution {
                let r = ui.max_rect();
                ui.put(
                    egui::Rect::from_min_size(r.right_bottom() - egui::vec2(360.0, 22.0), egui::vec2(356.0, 20.0)),
                    egui::Label::new(RichText::new(tr.map.map_tiles_attribution).small().color(theme::TEXT_DIM)),
                );
            }
        })
        .response;
    state.regions_out = regions_out;
    state.checkpoints_out = checkpoints_out.clone();
    state.scale_text = scale_text;
    if let (Some((pointer, levels)), Some(tf)) = (wheel_zoom, state.regions_out.transform) {
        // Around the pointer: the place under it stays under it.
        let z0 = state.memory.zoom();
        let z1 = (z0 + levels).clamp(MIN_WHEEL_ZOOM, MAX_WHEEL_ZOOM);
        let at = tf.to_world(pointer);
        let scale = tf.scale * 2f64.powf(z1 - z0);
        let centre = response.rect.center();
        let world = [at[0] + f64::from(centre.x - pointer.x) / scale, at[1] + f64::from(centre.y - pointer.y) / scale];
        if z1 != z0 && state.memory.set_zoom(z1).is_ok() {
            state.memory.center_at(position(world));
            state.user_moved = true;
            ui.ctx().request_repaint();
        }
    }
    if zoom_step != 0 {
        // Out of walkers' zoom range: the button does nothing.
        let _ = if zoom_step > 0 { state.memory.zoom_in() } else { state.memory.zoom_out() };
        state.user_moved = true;
        ui.ctx().request_repaint();
    }
    if response.dragged()
        || (response.hovered() && ui.input(|i| i.smooth_scroll_delta.y != 0.0 || i.zoom_delta() != 1.0))
    {
        state.user_moved = true;
    }

    // A checkpoint under the pointer takes precedence over the county below it.
    if let Some(id) = &checkpoints_out.hovered {
        if let Some(m) = markers.iter().find(|m| &m.id == id) {
            let resp = response.clone().on_hover_ui_at_pointer(|ui| checkpoint_tooltip(ui, v, m));
            if resp.clicked() || checkpoints_out.clicked.is_some() {
                commands.push(UiCommand::SelectCheckpoint(Some(id.clone())));
            }
        }
        return;
    }
    if let Some(code) = regions_out.hovered
        && let Some(st) = states.get(&code)
    {
        let _ = response.clone().on_hover_ui_at_pointer(|ui| county_tooltip(ui, v, code, st));
    }
    if let Some(code) = regions_out.double_clicked {
        if let Some(s) = layer.get(code) {
            state.pending_fit = Some(s.bbox);
        }
        if code != v.region {
            state.selected_on_map = true;
            commands.push(UiCommand::SelectRegion(code));
        }
    } else if let Some(code) = regions_out.clicked
        && code != v.region
    {
        state.selected_on_map = true;
        commands.push(UiCommand::SelectRegion(code));
    }
    if state.pending_fit.is_some() {
        ui.ctx().request_repaint();
    }
}

fn refresh_cache(v: &ViewerContext<'_>, state: &mut MapPanel) {
    let key = CacheKey { data: Arc::as_ptr(v.sit.dataset_arc()) as usize, date: v.sit.date(), at: v.sit.as_of() };
    if state.cache.as_ref().is_some_and(|(k, _, _)| *k == key) {
        return;
    }
    state.cache = Some((key, choropleth::county_states(v.sit), checkpoints::markers(v.sit)));
}

/// The map's + and − buttons at its top right; returns +1 / −1 when one was clicked.
fn zoom_buttons(ui: &mut Ui, tr: &Tr) -> i8 {
    let r = ui.max_rect();
    let size = egui::vec2(34.0, 34.0);
    let mut step = 0;
    for (i, (glyph, label, dir)) in
        [("+", tr.map.map_zoom_in, 1), ("−", tr.map.map_zoom_out, -1)].into_iter().enumerate()
    {
        let at = egui::Rect::from_min_size(r.right_top() + egui::vec2(-44.0, 10.0 + 40.0 * i as f32), size);
        let button = egui::Button::new(RichText::new(glyph).size(20.0).strong())
            .fill(Color32::from_rgba_unmultiplied(7, 18, 36, 225));
        let resp = ui.put(at, button).on_hover_text(label);
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, label));
        if resp.clicked() {
            step = dir;
        }
    }
    step
}

/// Metres of a scale bar at most `max_px` long: 1, 2 or 5 × 10ⁿ.
pub(crate) fn nice_scale_length(metres_per_px: f64, max_px: f64) -> f64 {
    let max_m = metres_per_px * max_px;
    if !max_m.is_finite() || max_m <= 0.0 {
        return 0.0;
    }
    let decade = 10f64.powf(max_m.log10().floor());
    [5.0, 2.0, 1.0].into_iter().map(|k| k * decade).find(|m| *m <= max_m).unwrap_or(decade)
}

/// A scale bar at the map's bottom left, true at the latitude it is drawn at. Its text is the
/// small text of the place it is drawn in (the wall's is larger, readable across the room).
fn scale_bar(ui: &mut Ui, projector: &walkers::Projector, tr: &Tr) -> Option<String> {
    let r = ui.max_rect();
    let font = egui::TextStyle::Small.resolve(ui.style());
    let text_h = ui.fonts_mut(|f| f.row_height(&font));
    let origin = egui::pos2(r.left() + 16.0, r.bottom() - 18.0);
    let ppm = f64::from(projector.scale_pixel_per_meter(projector.unproject(origin.to_vec2())));
    if !(ppm.is_finite() && ppm > 0.0) {
        return None;
    }
    let metres = nice_scale_length(1.0 / ppm, 140.0);
    let px = (metres * ppm) as f32;
    if metres <= 0.0 || px < 10.0 {
        return None;
    }
    let text = if metres >= 1000.0 { format!("{} km", metres / 1000.0) } else { format!("{metres} m") };
    let painter = ui.painter();
    let stroke = egui::Stroke::new(2.0, theme::TEXT);
    let end = origin + egui::vec2(px, 0.0);
    let text_w = ui.fonts_mut(|f| f.layout_no_wrap(text.clone(), font.clone(), theme::TEXT).size().x);
    let bg = egui::Rect::from_min_max(
        origin - egui::vec2(6.0, text_h + 10.0),
        egui::pos2(end.x.max(origin.x + text_w), end.y) + egui::vec2(6.0, 6.0),
    );
    painter.rect_filled(bg, 3.0, Color32::from_rgba_unmultiplied(7, 18, 36, 200));
    painter.line_segment([origin, end], stroke);
    for x in [origin, end] {
        painter.line_segment([x, x - egui::vec2(0.0, 6.0)], stroke);
    }
    let label = egui::Rect::from_min_max(
        origin - egui::vec2(0.0, text_h + 10.0),
        egui::pos2(end.x.max(origin.x + text_w + 2.0), origin.y - 6.0),
    );
    ui.put(label, egui::Label::new(RichText::new(&text).font(font).color(theme::TEXT)).selectable(false))
        .on_hover_text(tr.map.map_scale);
    Some(text)
}

/// Room the legend takes on the map's left (the view is fitted beside it).
const LEGEND_INSET: f64 = 280.0;

/// Centre on world bounds and zoom so they fill most of the map beside the legend.
fn fit(memory: &mut MapMemory, b: [f64; 4], size: egui::Vec2) {
    let (w, h) = ((b[2] - b[0]).max(1e-9), (b[3] - b[1]).max(1e-9));
    let inset = if f64::from(size.x) > 3.0 * LEGEND_INSET { LEGEND_INSET } else { 0.0 };
    let px_per_world = ((f64::from(size.x) - inset) / w).min(f64::from(size.y) / h) * 0.92;
    let zoom = (px_per_world / 256.0).log2().clamp(2.0, 18.0);
    let px_per_world = 256.0 * zoom.exp2();
    // Shift the centre left by half the inset so the bounds sit in the free area.
    let centre = [(b[0] + b[2]) / 2.0 - inset / 2.0 / px_per_world, (b[1] + b[3]) / 2.0];
    memory.center_at(position(centre));
    // A zoom out of walkers' range is ignored; the map keeps its zoom.
    let _ = memory.set_zoom(zoom);
}

fn legend(ui: &mut Ui, v: &ViewerContext<'_>, mode: MapMode, states: &HashMap<Adcode, CountyState>) {
    let tr = v.tr;
    let classes = mode.classes(tr);
    let mut counts = vec![0u32; classes.len()];
    // A county selected: the legend still counts the province the map shows around it.
    let registry = &v.sit.data().registry;
    let scope = match registry.get(v.region) {
        Some(r) if r.level == RegionLevel::County => registry.path(v.region).first().copied().unwrap_or(v.region),
        _ => v.region,
    };
    let total = registry.counties_under(scope);
    for code in &total {
        if let Some(st) = states.get(code) {
            let c = mode.class_of(st).min(classes.len() - 1);
            counts[c] += 1;
        }
    }
    let r = ui.max_rect();
    let area = egui::Rect::from_min_size(r.left_top() + egui::vec2(10.0, 10.0), egui::vec2(260.0, r.height() - 20.0));
    ui.scope_builder(UiBuilder::new().max_rect(area), |ui| {
        egui::Frame::new()
            .fill(Color32::from_rgba_unmultiplied(7, 18, 36, 225))
            .corner_radius(6)
            .inner_margin(10)
            .show(ui, |ui| {
                ui.label(RichText::new(mode.label(tr)).strong());
                ui.label(
                    RichText::new(format!("{} · {} {}", v.name(scope), total.len(), tr.risk.county_units))
                        .small()
                        .color(theme::TEXT_DIM),
                );
                for (class, n) in classes.iter().zip(&counts) {
                    crate::ui::widgets::swatch(ui, class.colour, format!("{}  {n}", class.label));
                }
                if mode == MapMode::Risk {
                    // Say how many colours come from the rule rather than from a notice.
                    let computed = total
                        .iter()
                        .filter_map(|c| states.get(c))
                        .filter(|s| s.published.is_none() && s.computed.is_some())
                        .count();
                    if computed > 0 {
                        ui.label(
                            RichText::new(format!("{computed} {}", tr.map.map_computed_fallback))
                                .small()
                                .color(theme::WARN),
                        );
                    }
                }
                if matches!(mode, MapMode::Risk | MapMode::RiskComputed) {
                    ui.label(RichText::new(tr.map.map_badges_note).small().color(theme::TEXT_DIM));
                }
            });
    });
}

fn county_tooltip(ui: &mut Ui, v: &ViewerContext<'_>, code: Adcode, st: &CountyState) {
    let tr = v.tr;
    ui.label(RichText::new(v.name(code)).strong().size(theme::HEADING));
    let level = |l: Option<crate::model::RiskLevel>| l.map(|l| tr.risk.risk_level(l)).unwrap_or(tr.risk.risk_unknown);
    let mut published = format!("{}: {}", tr.map.risk_published_level, level(st.published));
    if let Some(since) = st.published_since {
        published.push_str(&format!(" · {} {}", tr.overview.since, format_local(since)));
    }
    ui.label(published);
    match st.computed {
        Some(c) => ui.label(format!(
            "{}: {} ({})",
            tr.risk.risk_computed,
            tr.risk.risk_level(c.level),
            tr.risk.rule_reason(c.reason)
        )),
        None => ui.label(format!("{}: {}", tr.risk.risk_computed, tr.risk.rule_not_applicable)),
    };
    if st.disagrees() {
        ui.label(RichText::new(tr.map.map_disagree).color(theme::WARN));
    }
    let n = |x: Option<u32>| x.map(|x| fmt_count(u64::from(x))).unwrap_or_else(|| "—".into());
    ui.label(format!("{}: {}", tr.case_field(crate::model::CaseField::Active), n(st.active)));
    ui.label(format!("{}: {}", tr.map.map_mode_new7, n(st.new_7d)));
    if let Some(p) = st.per_100k {
        ui.label(format!("{}: {p:.1}", tr.map.map_mode_per100k));
    }
    if st.yan_jiu_tiao {
        ui.label(
            RichText::new(format!("{} ({})", tr.risk.yan_jiu_tiao, tr.risk.yan_jiu_tiao_note)).color(theme::ALERT),
        );
    }
}

fn checkpoint_tooltip(ui: &mut Ui, v: &ViewerContext<'_>, m: &CheckpointMarker) {
    let tr = v.tr;
    let Some(c) = v.sit.data().checkpoints().iter().find(|c| c.id == m.id) else { return };
    ui.label(RichText::new(if v.lang.is_en() { &c.name_en } else { &c.name_zh }).strong().size(theme::HEADING));
    ui.label(format!("{} · {}", tr.checkpoints.checkpoint_kind(c.kind), v.name(c.region)));
    let status = match m.status {
        CheckpointStatus::Open => tr.checkpoints.cp_open,
        CheckpointStatus::Closed => tr.checkpoints.cp_closed,
        CheckpointStatus::Restricted => tr.checkpoints.cp_restricted,
    };
    ui.label(format!("{}: {status}", tr.checkpoints.cp_status));
    if m.stale {
        ui.label(RichText::new(tr.checkpoints.cp_stale).color(theme::WARN));
    }
    if m.dropped {
        ui.label(RichText::new(tr.checkpoints.cp_alert_dropped).color(theme::WARN));
    }
    ui.label(format!(
        "{}: {}",
        tr.checkpoints.cp_last_interval,
        m.last_interval.map(|x| fmt_count(u64::from(x))).unwrap_or_else(|| "—".into())
    ));
    ui.label(format!(
        "{} {} · {} {} · {} {}",
        tr.checkpoints.cp_positives,
        m.positives,
        tr.checkpoints.cp_red_codes,
        m.red_codes,
        tr.checkpoints.cp_temperature_alarms,
        m.temperature_alarms
    ));
    if c.position_approximate {
        ui.label(RichText::new(tr.checkpoints.cp_position_approximate).small().color(theme::TEXT_DIM));
    }
}

#[cfg(test)]
mod scale_tests {
    use super::nice_scale_length;

    #[test]
    fn scale_lengths_are_1_2_5_times_a_power_of_ten_within_the_bar() {
        assert_eq!(nice_scale_length(1804.0, 140.0), 200_000.0); // 252 km fit: 200 km
        assert_eq!(nice_scale_length(1000.0, 140.0), 100_000.0); // 140 km fit: 100 km
        assert_eq!(nice_scale_length(40.0, 140.0), 5_000.0); // 5.6 km fit: 5 km
        assert_eq!(nice_scale_length(1.0, 140.0), 100.0);
        assert_eq!(nice_scale_length(0.0, 140.0), 0.0);
        assert_eq!(nice_scale_length(f64::NAN, 140.0), 0.0);
    }
}
