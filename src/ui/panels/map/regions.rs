//! Walkers plugin that draws the regions: county fills coloured by the map mode (one mesh,
//! triangulated at load), county, city and province borders of increasing weight, the
//! selected and hovered outlines, badges for the "Strict Nine" and for counties whose
//! published and computed levels differ, and region names where they fit.

use std::collections::HashMap;

use std::sync::Arc;

use egui::epaint::{Mesh, PathShape, TessellationOptions, Tessellator, Vertex, WHITE_UV};
use egui::{Align2, Color32, FontId, Pos2, Response, Shape, Stroke, Ui};
use walkers::{MapMemory, Plugin, Projector, lon_lat};

use super::choropleth::{CountyState, MapMode};
use super::layer::{Lod, MapLayer, RegionShape};
use crate::model::geometry::unmercator;
use crate::model::{Adcode, RegionLevel, RegionRegistry};
use crate::ui::theme;

/// World ↔ screen for the current frame: Web Mercator is affine on screen at a given zoom.
#[derive(Clone, Copy, Debug)]
pub struct ScreenTransform {
    pub scale: f64,
    pub offset: [f64; 2],
}

impl ScreenTransform {
    pub fn from_projector(projector: &Projector, a: [f64; 2], b: [f64; 2]) -> Option<ScreenTransform> {
        let pa = projector.project(position(a));
        let pb = projector.project(position(b));
        let dx = b[0] - a[0];
        if dx.abs() < f64::EPSILON {
            return None;
        }
        let scale = f64::from(pb.x - pa.x) / dx;
        if !scale.is_finite() || scale <= 0.0 {
            return None;
        }
        Some(ScreenTransform { scale, offset: [f64::from(pa.x) - a[0] * scale, f64::from(pa.y) - a[1] * scale] })
    }

    pub fn to_screen(&self, w: [f64; 2]) -> Pos2 {
        Pos2::new((w[0] * self.scale + self.offset[0]) as f32, (w[1] * self.scale + self.offset[1]) as f32)
    }

    pub fn to_world(&self, p: Pos2) -> [f64; 2] {
        [(f64::from(p.x) - self.offset[0]) / self.scale, (f64::from(p.y) - self.offset[1]) / self.scale]
    }
}

pub fn position(w: [f64; 2]) -> walkers::Position {
    let (lon, lat) = unmercator(w);
    lon_lat(lon, lat)
}

/// What the plugin tells the panel after drawing.
#[derive(Clone, Copy, Debug, Default)]
pub struct RegionsOutput {
    pub hovered: Option<Adcode>,
    pub clicked: Option<Adcode>,
    pub double_clicked: Option<Adcode>,
    pub transform: Option<ScreenTransform>,
}

/// The regions' fills and borders, tessellated once into one mesh (fills first, then the
/// county, city and province borders): while the view (zoom, colours) stays the same, a
/// frame hands the same mesh to egui again, so hovering and idle repaints cost no geometry
/// work. While the map is panned the mesh covers a window larger than the view and is only
/// moved (by whole pixels), until the view leaves that window.
#[derive(Default)]
pub struct SceneCache {
    key: Option<SceneKey>,
    /// The screen transform's offset the mesh was built at (screen points).
    built_offset: [f64; 2],
    /// The world window the mesh covers when built for panning.
    window: Option<([f64; 2], [f64; 2])>,
    mesh: Arc<Mesh>,
    /// Says which mesh this is to a renderer that keeps its raster (a new one on every
    /// rebuild or recolouring).
    id: u64,
    /// The vertices of each county in the fill part of `mesh`, to recolour the counties in
    /// place when only their colours change (a new day while playing): the borders and the
    /// fill geometry stay.
    fill_ranges: Vec<(Adcode, std::ops::Range<usize>)>,
}

#[derive(Clone, Copy, PartialEq)]
struct SceneKey {
    /// The selected region's outline is part of the mesh (a province's is thousands of points).
    selected: Adcode,
    scale: u64,
    rect: [u32; 4],
    lod: usize,
    colours: u64,
    ppp: u32,
}

/// A new scene id (unique in the process: several maps may draw at once).
fn next_scene_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl SceneCache {
    /// The colour a county was last filled with (tests check the map follows the day).
    pub fn fill_colour(&self, code: Adcode) -> Option<Color32> {
        let (_, range) = self.fill_ranges.iter().find(|(c, _)| *c == code)?;
        self.mesh.vertices.get(range.start).map(|v| v.color)
    }
}

pub struct RegionsPlugin<'a> {
    pub layer: &'a MapLayer,
    pub states: &'a HashMap<Adcode, CountyState>,
    pub mode: MapMode,
    pub colours: &'a [Color32],
    /// Changes whenever the colours of the counties change (mode or data).
    pub colours_key: u64,
    pub selected: Adcode,
    pub registry: &'a RegionRegistry,
    pub en: bool,
    pub scene: &'a mut SceneCache,
    pub out: &'a mut RegionsOutput,
}

impl Plugin for RegionsPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, response: &Response, projector: &Projector, _memory: &MapMemory) {
        let layer = self.layer;
        let b = layer.bbox;
        let Some(exact) = ScreenTransform::from_projector(projector, [b[0], b[1]], [b[2], b[3]]) else { return };
        let rect = response.rect;
        let painter = ui.painter_at(rect);
        let lod_index = MapLayer::lod_for(exact.scale);
        let ppp = ui.ctx().pixels_per_point();
        let key = SceneKey {
            selected: self.selected,
            scale: exact.scale.to_bits(),
            rect: [rect.min.x.to_bits(), rect.min.y.to_bits(), rect.max.x.to_bits(), rect.max.y.to_bits()],
            lod: lod_index,
            colours: self.colours_key,
            ppp: ppp.to_bits(),
        };
        let colour_of = |code: Adcode| {
            self.states
                .get(&code)
                .map(|st| self.colours.get(self.mode.class_of(st)).copied().unwrap_or(theme::UNKNOWN))
                .unwrap_or(theme::UNKNOWN)
        };
        // The mesh can stay when only the offset changed and the view is still inside the
        // window it was built over: it is then moved by whole pixels, and this frame draws
        // everything (outlines, names, hit tests) with that snapped offset.
        let scene = &mut *self.scene;
        // The scale derived from the projector carries float noise as the centre moves (a few
        // 1e-8 relative): within a millionth it is the same zoom, and the mesh stays.
        let same_geometry = scene.key.is_some_and(|k| {
            let scale = f64::from_bits(k.scale);
            (scale - exact.scale).abs() <= scale * 1e-6
                && SceneKey { colours: key.colours, scale: key.scale, ..k } == key
        });
        let built_scale = scene.key.map_or(exact.scale, |k| f64::from_bits(k.scale));
        let moved = [exact.offset[0] - scene.built_offset[0], exact.offset[1] - scene.built_offset[1]];
        let snapped = moved.map(|m| (m * f64::from(ppp)).round() / f64::from(ppp));
        let still = snapped == [0.0, 0.0];
        let in_window = |(wlo, whi): ([f64; 2], [f64; 2])| {
            let lo = exact.to_world(rect.left_top());
            let hi = exact.to_world(rect.right_bottom());
            (0..2).all(|i| lo[i] >= wlo[i] && hi[i] <= whi[i])
        };
        let reuse = same_geometry && (still || scene.window.is_some_and(in_window));
        let tf = if reuse {
            ScreenTransform {
                scale: built_scale,
                offset: [scene.built_offset[0] + snapped[0], scene.built_offset[1] + snapped[1]],
            }
        } else {
            exact
        };
        self.out.transform = Some(tf);
        let lo = tf.to_world(rect.left_top());
        let hi = tf.to_world(rect.right_bottom());
        let visible =
            |s: &RegionShape| s.bbox[2] >= lo[0] && s.bbox[0] <= hi[0] && s.bbox[3] >= lo[1] && s.bbox[1] <= hi[1];
        if reuse && scene.key.is_some_and(|k| k.colours != key.colours) {
            // Only the colours changed.
            let fills = Arc::make_mut(&mut scene.mesh);
            for (code, range) in &scene.fill_ranges {
                let colour = colour_of(*code);
                if let Some(vs) = fills.vertices.get_mut(range.clone()) {
                    for v in vs {
                        v.color = colour;
                    }
                }
            }
            scene.key = Some(SceneKey { scale: built_scale.to_bits(), ..key });
            scene.id = next_scene_id();
        }
        if !reuse {
            // While the map is panned (dragged, or gliding after a drag: same scale, new
            // offset), the fills and borders take the regions in a window larger than the view,
            // snapped to a grid of half views: the mesh is then only moved until the view leaves
            // that window, and a CPU renderer moves its raster instead of drawing it again
            // (issue 19). Otherwise (still, zooming) only what is in view.
            let panning = response.dragged() || (same_geometry && !still);
            let window = panning.then(|| cull_window(lo, hi));
            let (cull_lo, cull_hi) = window.unwrap_or((lo, hi));
            let in_cull = |s: &RegionShape| {
                s.bbox[2] >= cull_lo[0] && s.bbox[0] <= cull_hi[0] && s.bbox[3] >= cull_lo[1] && s.bbox[1] <= cull_hi[1]
            };
            let border_clip = if panning {
                egui::Rect::from_min_max(tf.to_screen(cull_lo), tf.to_screen(cull_hi))
            } else {
                rect.expand(4.0)
            };
            let mut fills = Mesh::default();
            let mut fill_ranges = Vec::new();
            let mut borders = [Mesh::default(), Mesh::default(), Mesh::default()];
            let mut tess = Tessellator::new(ppp, TessellationOptions::default(), [1, 1], Vec::new());
            tess.set_clip_rect(border_clip);
            for s in layer.shapes.iter().filter(|s| in_cull(s)) {
                let l = lod_of(s, lod_index);
                if s.level == RegionLevel::County {
                    let colour = colour_of(s.adcode);
                    let base = fills.vertices.len() as u32;
                    fills.vertices.extend(l.vertices.iter().map(|w| Vertex {
                        pos: tf.to_screen(*w),
                        uv: WHITE_UV,
                        color: colour,
                    }));
                    fills.indices.extend(l.indices.iter().map(|i| base + i));
                    fill_ranges.push((s.adcode, base as usize..fills.vertices.len()));
                }
                let (slot, stroke) = match s.level {
                    RegionLevel::County => (0, Stroke::new(0.7, Color32::from_rgba_unmultiplied(7, 18, 36, 200))),
                    RegionLevel::City => (1, Stroke::new(1.8, Color32::from_rgb(0xc8, 0xd6, 0xec))),
                    RegionLevel::Province => (2, Stroke::new(2.6, theme::ACCENT)),
                };
                for ring in &l.rings {
                    let path = PathShape::closed_line(ring.iter().map(|w| tf.to_screen(*w)).collect(), stroke);
                    tess.tessellate_path(&path, &mut borders[slot]);
                }
            }
            for b in &borders {
                fills.append_ref(b);
            }
            // The selected region's outline, over the borders.
            if let Some(s) = layer.get(self.selected) {
                let stroke = Stroke::new(3.2, theme::ACCENT);
                let mut outline = Mesh::default();
                for ring in &lod_of(s, lod_index).rings {
                    let path = PathShape::closed_line(ring.iter().map(|w| tf.to_screen(*w)).collect(), stroke);
                    tess.tessellate_path(&path, &mut outline);
                }
                fills.append(outline);
            }
            *scene = SceneCache {
                key: Some(key),
                built_offset: tf.offset,
                window,
                mesh: Arc::new(fills),
                id: next_scene_id(),
                fill_ranges,
            };
        }
        let shift =
            egui::vec2((tf.offset[0] - scene.built_offset[0]) as f32, (tf.offset[1] - scene.built_offset[1]) as f32);
        if crate::ui::renderer::moved_meshes(ui.ctx()) {
            // The CPU renderer keeps the mesh's raster and cuts each step of a pan out of it.
            let moved = egui_software_backend::MovedMesh { key: scene.id, mesh: scene.mesh.clone(), offset: shift };
            painter.add(Shape::Callback(egui::PaintCallback { rect, callback: Arc::new(moved) }));
        } else if shift == egui::Vec2::ZERO {
            painter.add(Shape::Mesh(scene.mesh.clone()));
        } else {
            let mut mesh = (*scene.mesh).clone();
            mesh.translate(shift);
            painter.add(Shape::Mesh(Arc::new(mesh)));
        }
        // The hovered outline, names and badges change more often than the fills and borders (hover, and
        // the labels that fit while panning): a clip rectangle that differs by a hair makes
        // egui keep them in a primitive of their own, so the CPU renderer redraws only them.
        let painter = painter.with_clip_rect(rect.shrink(OVERLAY_CLIP_INSET));
        let mut shapes: Vec<Shape> = Vec::new();
        let ring_shapes = |s: &RegionShape, stroke: Stroke, out: &mut Vec<Shape>| {
            for ring in &lod_of(s, lod_index).rings {
                let pts: Vec<Pos2> = ring.iter().map(|w| tf.to_screen(*w)).collect();
                out.push(Shape::closed_line(pts, stroke));
            }
        };

        // Hover and clicks.
        let hovered = response
            .hover_pos()
            .filter(|p| rect.contains(*p))
            .and_then(|p| layer.county_at(tf.to_world(p)))
            .map(|s| s.adcode);
        self.out.hovered = hovered;
        if response.double_clicked() {
            self.out.double_clicked = hovered;
        } else if response.clicked() {
            self.out.clicked = hovered;
        }
        if let Some(s) = hovered.and_then(|h| layer.get(h)) {
            ring_shapes(s, Stroke::new(2.2, Color32::WHITE), &mut shapes);
        }
        painter.extend(shapes);

        // Names where they fit: counties once they are large enough on screen, else cities.
        let mut widths: Vec<f64> =
            layer.shapes.iter().filter(|s| s.level == RegionLevel::County).map(|s| s.width() * tf.scale).collect();
        widths.sort_by(f64::total_cmp);
        let median = widths.get(widths.len() / 2).copied().unwrap_or(0.0);
        let label_level = if median >= 70.0 { RegionLevel::County } else { RegionLevel::City };
        let font = FontId::proportional(if label_level == RegionLevel::City { theme::BODY } else { theme::SMALL });
        let risk_mode = matches!(self.mode, MapMode::Risk | MapMode::RiskComputed);
        for s in layer.shapes.iter().filter(|s| visible(s)) {
            let Some(lp) = s.label else { continue };
            let at = tf.to_screen(lp);
            if s.level == label_level {
                // Estimate first (CJK glyphs are about one em wide), lay out only if it may fit.
                let name = self.registry.name(s.adcode, self.en);
                let estimate =
                    f64::from(font.size) * name.chars().map(|c| if c.is_ascii() { 0.55 } else { 1.0 }).sum::<f64>();
                let (sw, sh) = (s.width() * tf.scale, s.height() * tf.scale);
                if estimate * 0.8 <= sw && f64::from(font.size) <= sh && rect.contains(at) {
                    let galley = painter.layout_no_wrap(name.clone(), font.clone(), Color32::WHITE);
                    let (w, h) = (f64::from(galley.size().x), f64::from(galley.size().y));
                    if w + 6.0 <= sw && h + 2.0 <= sh {
                        let pos = at - galley.size() / 2.0;
                        let shadow = painter.layout_no_wrap(name, font.clone(), Color32::from_black_alpha(220));
                        painter.galley(pos + egui::vec2(1.0, 1.0), shadow, Color32::BLACK);
                        painter.galley(pos, galley, Color32::WHITE);
                    }
                }
            }
            // Badges on counties: 严 (Strict Nine) and ≠ (published and computed differ).
            if s.level == RegionLevel::County
                && risk_mode
                && s.width() * tf.scale > 18.0
                && let Some(st) = self.states.get(&s.adcode)
            {
                let mut x = at.x + if label_level == RegionLevel::County { 0.0 } else { -6.0 };
                let y = at.y + if label_level == RegionLevel::County { 14.0 } else { 0.0 };
                if st.yan_jiu_tiao {
                    badge(&painter, Pos2::new(x, y), "严", theme::ALERT);
                    x += 16.0;
                }
                if st.disagrees() {
                    badge(&painter, Pos2::new(x, y), "≠", theme::WARN);
                }
            }
        }
    }
}

/// How much the overlay's clip rectangle is inset from the map's (points): enough to make a
/// separate primitive, too little to change a rounded pixel.
const OVERLAY_CLIP_INSET: f32 = 1.0 / 512.0;

/// The world window whose regions are tessellated for a view `lo..hi`: the view grown by at
/// least half its size on each side, with edges on a grid of half views.
fn cull_window(lo: [f64; 2], hi: [f64; 2]) -> ([f64; 2], [f64; 2]) {
    let mut out_lo = lo;
    let mut out_hi = hi;
    for i in 0..2 {
        let cell = (hi[i] - lo[i]).abs() / 2.0;
        if cell > 0.0 && cell.is_finite() {
            out_lo[i] = ((lo[i] / cell).floor() - 1.0) * cell;
            out_hi[i] = ((hi[i] / cell).ceil() + 1.0) * cell;
        }
    }
    (out_lo, out_hi)
}

fn lod_of(s: &RegionShape, index: usize) -> &Lod {
    static EMPTY: Lod = Lod { rings: Vec::new(), vertices: Vec::new(), indices: Vec::new() };
    s.lods.get(index).or(s.lods.first()).unwrap_or(&EMPTY)
}

fn badge(painter: &egui::Painter, at: Pos2, text: &str, colour: Color32) {
    painter.circle(at, 7.5, Color32::from_black_alpha(200), Stroke::new(1.2, colour));
    painter.text(at, Align2::CENTER_CENTER, text, FontId::proportional(10.5), colour);
}
