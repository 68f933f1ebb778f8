//! CPU software render backend for egui (vendored from egui_software_backend 0.0.3 and
//! ported to egui 0.37 for Sitboard; see NOTICE.md for what changed).
//!
//! ```ignore
//! let mut sw_render = EguiSoftwareRender::new(ColorFieldOrder::Bgra);
//! let out = ctx.run_ui(raw_input, |ui| app.ui(ui));
//! let primitives = ctx.tessellate(out.shapes, out.pixels_per_point);
//! sw_render.render_to_canvas(width, height, &primitives, &out.textures_delta, out.pixels_per_point);
//! let damage = sw_render.damage();
//! sw_render.copy_canvas_to(frame_buffer, &damage);
//! ```
//!
//! Performance will be very poor without compiler optimizations.

#![allow(clippy::needless_doctest_main)]
// Upstream style, kept to keep the vendored diff small (Sitboard CI runs clippy -D warnings).
#![allow(clippy::explicit_counter_loop)]
#![no_std]
extern crate alloc;

#[cfg(feature = "std")]
extern crate std;

use core::ops::Range;

use alloc::{sync::Arc, vec, vec::Vec};

use ahash::HashMap;
use egui::{Color32, Mesh, Pos2, Vec2, vec2};

#[cfg(feature = "raster_stats")]
use crate::stats::RasterStats;
use crate::{
    color::{AvailableImpl, SelectedImpl, swizzle_rgba_bgra},
    egui_texture::EguiTexture,
    hash::Hash32,
    render::{draw_egui_mesh, egui_orient2df},
};

pub(crate) mod color;
pub(crate) mod egui_texture;
pub(crate) mod hash;
pub(crate) mod math;
pub(crate) mod raster;
pub(crate) mod render;
#[cfg(feature = "raster_stats")]
pub mod stats;

#[inline(always)]
#[allow(dead_code)]
pub(crate) fn sse41() -> bool {
    #[cfg(all(target_arch = "x86_64", feature = "std"))]
    return std::arch::is_x86_feature_detected!("sse4.1");
    #[cfg(any(not(target_arch = "x86_64"), not(feature = "std")))]
    return false;
}

#[inline(always)]
#[allow(dead_code)]
pub(crate) fn neon() -> bool {
    #[cfg(all(target_arch = "aarch64", feature = "std"))]
    // This should always be true on aarch64
    return std::arch::is_aarch64_feature_detected!("neon");
    #[cfg(any(not(target_arch = "aarch64"), not(feature = "std")))]
    return false;
}

const TILE_SIZE: usize = 64;

/// Meshes with at least this many vertices are kept as movable rasters (see
/// [`EguiSoftwareRender::prims_moved_last_frame`]).
const MOVABLE_MIN_VERTICES: usize = 1024;
/// Pixels rasterized around the visible part of a mesh once it has been seen moving, so that
/// the next whole-pixel moves are cut out of that raster.
const MOVABLE_MARGIN: i64 = 192;
/// Larger rasters are drawn with less sub-pixel precision (and are never kept as movable).
const MAX_PRECISE_SIZE: usize = 4096;

/// Used to define the color swizzle order. Some backends require Rgba and others require Bgra. The renderer swizzles
/// textures as they are loaded so they can later be rasterized directly onto the frame buffer.
#[derive(Copy, Clone, Default)]
pub enum ColorFieldOrder {
    #[default]
    Rgba,
    Bgra,
}

struct CacheReuse {
    z_order: usize,
    min_x: usize,
    min_y: usize,
    hash: u32,
}

enum CacheUpdate {
    CacheReuse(CacheReuse),
    New(u32, CachedPrimitive),
    /// Cut out of a kept raster: a large mesh moved by whole pixels, or a [`MovedMesh`].
    Moved(u32, CachedPrimitive, KeptKey),
    /// Rasterized now and kept to be cut out of later.
    NewKept(u32, CachedPrimitive, NewKept),
    None,
}

/// Which kept raster a primitive was cut out of.
enum KeptKey {
    /// A large mesh's, by its translation-invariant key.
    Movable(u64),
    /// A [`MovedMesh`]'s, by its key.
    MovedMesh(u64),
}

/// A raster kept to be cut out of in later frames.
enum NewKept {
    Movable(u64, MovableRaster),
    MovedMesh(u64, KeptMovedMesh),
}

/// Software render backend for egui.
pub struct EguiSoftwareRender {
    textures: HashMap<egui::TextureId, EguiTexture>,
    cached_primitives: HashMap<u32, CachedPrimitive>,
    /// Rasters of large meshes by their translation-invariant key: the same mesh moved by
    /// whole pixels (a panned map) is cut out of one instead of rasterized again.
    movable: HashMap<u64, MovableRaster>,
    /// Rasters of [`MovedMesh`] callbacks by their key.
    moved_meshes: HashMap<u64, KeptMovedMesh>,
    prims_moved_this_frame: usize,
    tiles_dim: [usize; 2],
    dirty_tiles: Vec<u8>,
    target_size: Vec2,
    prims_updated_this_frame: usize,
    output_field_order: ColorFieldOrder,
    canvas: Canvas,
    redraw_everything_this_frame: bool,
    convert_tris_to_rects: bool,
    allow_raster_opt: bool,
    cacheing_enabled: bool,
    simd_impl: AvailableImpl,
    #[cfg(feature = "raster_stats")]
    pub stats: RasterStats,
}

impl EguiSoftwareRender {
    /// # Arguments
    /// * `output_field_order` - egui textures and vertex colors will be swizzled before rendering to match the desired
    ///   output buffer order.
    pub fn new(output_field_order: ColorFieldOrder) -> Self {
        EguiSoftwareRender {
            textures: Default::default(),
            cached_primitives: Default::default(),
            movable: Default::default(),
            moved_meshes: Default::default(),
            prims_moved_this_frame: 0,
            tiles_dim: Default::default(),
            dirty_tiles: Default::default(),
            target_size: Default::default(),
            prims_updated_this_frame: Default::default(),
            output_field_order,
            canvas: Default::default(),
            redraw_everything_this_frame: Default::default(),
            convert_tris_to_rects: true,
            allow_raster_opt: true,
            cacheing_enabled: true,
            simd_impl: Default::default(),
            #[cfg(feature = "raster_stats")]
            stats: Default::default(),
        }
    }

    /// If true: attempts to optimize by converting suitable triangle pairs into rectangles for faster rendering.
    ///   Things *should* look the same with this set to `true` while rendering faster.
    pub fn with_convert_tris_to_rects(mut self, set: bool) -> Self {
        self.convert_tris_to_rects = set;
        self
    }

    /// If false: Rasterize everything with triangles, always calculate vertex colors, uvs, use bilinear
    ///   everywhere, etc... Things *should* look the same with this set to `true` while rendering faster.
    pub fn with_allow_raster_opt(mut self, set: bool) -> Self {
        self.allow_raster_opt = set;
        self
    }

    /// If true: rasterized ClippedPrimitives are cached and rendered to an intermediate tiled canvas. That canvas is
    /// then rendered over the frame buffer. If false ClippedPrimitives are rendered directly to the frame buffer.
    /// Rendering without caching is much slower and primarily intended for testing.
    pub fn with_caching(mut self, set: bool) -> Self {
        self.cacheing_enabled = set;
        self
    }

    /// Renders the given paint jobs to buffer_ref. Alternatively, when using caching
    /// EguiSoftwareRender::render_to_canvas() and subsequently EguiSoftwareRender::blit_canvas_to_buffer() can be run
    /// separately so that the primary rendering in render_to_canvas() can happen without a lock on the frame buffer.
    ///
    ///
    /// # Arguments
    /// * `paint_jobs` - List of `egui::ClippedPrimitive` from egui to be rendered.
    /// * `textures_delta` - The change in egui textures since last frame
    /// * `pixels_per_point` - The number of physical pixels for each logical point.
    pub fn render(
        &mut self,
        buffer_ref: &mut BufferMutRef,
        paint_jobs: &[egui::ClippedPrimitive],
        textures_delta: &egui::TexturesDelta,
        pixels_per_point: f32,
    ) {
        if self.cacheing_enabled {
            self.render_to_canvas(
                buffer_ref.width,
                buffer_ref.height,
                paint_jobs,
                textures_delta,
                pixels_per_point,
            );
            self.blit_canvas_to_buffer(buffer_ref);
        } else {
            self.render_direct(buffer_ref, paint_jobs, textures_delta, pixels_per_point);
        }
    }

    /// Renders the given paint jobs to an intermediate canvas.
    ///
    /// # Arguments
    /// * `width` - The width of the output in pixels. Must match final output buffer dimensions.
    /// * `height` - The height of the output in pixels. Must match final output buffer dimensions.
    /// * `paint_jobs` - List of `egui::ClippedPrimitive` from egui to be rendered.
    /// * `textures_delta` - The change in egui textures since last frame
    /// * `pixels_per_point` - The number of physical pixels for each logical point.
    pub fn render_to_canvas(
        &mut self,
        width: usize,
        height: usize,
        paint_jobs: &[egui::ClippedPrimitive],
        textures_delta: &egui::TexturesDelta,
        pixels_per_point: f32,
    ) {
        // TODO: need to deal with user textures. Either make the fields of EguiUserTextures pub or need to come up with a replacement.

        #[cfg(feature = "raster_stats")]
        self.stats.clear();

        assert!(width > 0);
        assert!(height > 0);
        assert!(pixels_per_point > 0.0);

        self.redraw_everything_this_frame = self.canvas.resize(width, height);
        self.prims_updated_this_frame = 0;
        self.prims_moved_this_frame = 0;

        // Textures first: replacing a whole texture invalidates the cached primitives.
        self.set_textures(textures_delta);

        if self.redraw_everything_this_frame {
            self.canvas.clear();
            self.cached_primitives.clear();
            self.movable.clear();
            self.moved_meshes.clear();
        }

        for (_hash, prim) in self.cached_primitives.iter_mut() {
            prim.seen_this_frame = false;
        }
        for kept in self.movable.values_mut() {
            kept.seen_this_frame = false;
        }
        for kept in self.moved_meshes.values_mut() {
            kept.seen_this_frame = false;
        }

        self.target_size = vec2(width as f32, height as f32);
        self.tiles_dim = [width.div_ceil(TILE_SIZE), height.div_ceil(TILE_SIZE)];

        self.render_prims_to_cache(paint_jobs, pixels_per_point);

        self.update_dirty_tiles();
        self.clear_unused_cached_prims();

        if self.redraw_everything_this_frame
            || self
                .dirty_tiles
                .iter()
                .any(|m| m & Self::DIRTY_TILE_MASK != 0)
        {
            self.update_canvas_from_cached();
        }

        self.free_textures(textures_delta);
    }

    /// Draw canvas alpha over given buffer.
    /// Only run after EguiSoftwareRender::render_to_canvas(), or use EguiSoftwareRender::render() to run both.
    /// Only writes tile regions that contain pixels that are not fully transparent.
    pub fn blit_canvas_to_buffer(&mut self, buffer: &mut BufferMutRef) {
        #[cfg(feature = "raster_stats")]
        let start = std::time::Instant::now();

        // Simple tile-less version
        // buffer.data.iter_mut().zip(self.canvas.iter()).for_each(|(pixel, src)| {
        //     *pixel = egui_blend_u8(*src, *pixel);
        // });

        if self.canvas.data.is_empty() {
            #[cfg(feature = "log")]
            log::error!(
                "Canvas not initialized, call EguiSoftwareRender::blit_canvas_to_buffer() only after EguiSoftwareRender::render_to_canvas()"
            );
            return;
        }

        let width = self.canvas.width;
        let height = self.canvas.height;
        assert_eq!(self.canvas.data.len(), width * height);
        assert_eq!(buffer.data.len(), width * height);

        let tiles_x = self.tiles_dim[0];

        #[cfg(feature = "rayon")]
        {
            use rayon::{
                iter::{IndexedParallelIterator, ParallelIterator},
                slice::ParallelSliceMut,
            };
            // blit rows of tiles in parallel

            let width = buffer.width;
            let px_per_row_of_tiles = width * TILE_SIZE;

            buffer
                .data
                .par_chunks_mut(px_per_row_of_tiles)
                .enumerate()
                .for_each(|(tile_row, tile_height_row)| {
                    let height = tile_height_row.len() / width; // Might be less than TILE_SIZE
                    let buffer_tile_row = &mut BufferMutRef::new(tile_height_row, width, height);

                    for (tile_idx, &mask) in self.dirty_tiles.iter().enumerate() {
                        if mask & Self::OCCUPIED_TILE_MASK == 0 {
                            continue;
                        }

                        let tile_y = tile_idx / tiles_x;
                        if tile_y != tile_row {
                            continue;
                        }

                        let tile_x = tile_idx % tiles_x;

                        let x_start = tile_x * TILE_SIZE;
                        let y_start = 0;
                        let x_end = (x_start + TILE_SIZE).min(width);
                        let y_end = TILE_SIZE.min(height);

                        let canvas_row_offset = tile_row * TILE_SIZE;

                        dispatch_simd_impl!(self.simd_impl, |simd_impl| self.blit_tile(
                            simd_impl,
                            buffer_tile_row,
                            x_start,
                            y_start,
                            x_end,
                            y_end,
                            canvas_row_offset,
                        ));
                    }
                });
        }
        #[cfg(not(feature = "rayon"))]
        {
            for (tile_idx, &mask) in self.dirty_tiles.iter().enumerate() {
                if mask & Self::OCCUPIED_TILE_MASK == 0 {
                    continue;
                }

                let tile_x = tile_idx % tiles_x;
                let tile_y = tile_idx / tiles_x;

                let x_start = tile_x * TILE_SIZE;
                let y_start = tile_y * TILE_SIZE;
                let x_end = (x_start + TILE_SIZE).min(width);
                let y_end = (y_start + TILE_SIZE).min(height);

                dispatch_simd_impl!(self.simd_impl, |simd_impl| self
                    .blit_tile(simd_impl, buffer, x_start, y_start, x_end, y_end, 0));
            }
        }

        #[cfg(feature = "raster_stats")]
        {
            self.stats.blit_canvas_to_buffer = start.elapsed().as_secs_f32();
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn blit_tile(
        &self,
        simd_impl: impl SelectedImpl,
        buffer: &mut BufferMutRef,
        x_start: usize,
        y_start: usize,
        x_end: usize,
        y_end: usize,
        canvas_row_offset: usize,
    ) {
        for y in y_start..y_end {
            let src_row = self.canvas.get_span(x_start, x_end, y + canvas_row_offset);
            let dst_row = &mut buffer.get_mut_span(x_start, x_end, y);
            simd_impl.egui_blend_u8_slice(src_row, dst_row);
        }
    }

    /// Render directly into buffer without cache. This is much slower and mainly intended for testing.
    fn render_direct(
        &mut self,
        direct_draw_buffer: &mut BufferMutRef,
        paint_jobs: &[egui::ClippedPrimitive],
        textures_delta: &egui::TexturesDelta,
        pixels_per_point: f32,
    ) {
        #[cfg(feature = "raster_stats")]
        self.stats.clear();

        self.set_textures(textures_delta);

        self.target_size = vec2(
            direct_draw_buffer.width as f32,
            direct_draw_buffer.height as f32,
        );

        #[cfg(feature = "raster_stats")]
        let start = std::time::Instant::now();

        for egui::ClippedPrimitive {
            clip_rect,
            primitive,
        } in paint_jobs.iter()
        {
            let input_mesh = match primitive {
                egui::epaint::Primitive::Mesh(input_mesh) => input_mesh,
                egui::epaint::Primitive::Callback(_) => {
                    #[cfg(feature = "log")]
                    log::error!("egui::epaint::Primitive::Callback(PaintCallback) not supported");
                    continue;
                }
            };

            if input_mesh.vertices.is_empty() || input_mesh.indices.is_empty() {
                continue;
            }

            let clip_rect = egui::Rect {
                min: clip_rect.min * pixels_per_point,
                max: clip_rect.max * pixels_per_point,
            };

            let mut mesh_min = egui::Vec2::splat(f32::MAX);
            let mut mesh_max = egui::Vec2::splat(-f32::MAX);

            let px_mesh =
                self.prepare_px_mesh(pixels_per_point, input_mesh, &mut mesh_min, &mut mesh_max);

            let mesh_size = mesh_max - mesh_min;
            if mesh_size.x > 8192.0 || mesh_size.y > 8192.0 {
                // TODO it occasionally tries to make giant buffers in the first couple frames initially for some reason.
                continue;
            }

            let render_in_low_precision = mesh_size.x > 4096.0 || mesh_size.y > 4096.0;
            if render_in_low_precision {
                draw_egui_mesh::<2>(
                    self.simd_impl,
                    &self.textures,
                    direct_draw_buffer,
                    &clip_rect,
                    &px_mesh,
                    Vec2::ZERO,
                    self.allow_raster_opt,
                    self.convert_tris_to_rects,
                    #[cfg(all(feature = "raster_stats", not(feature = "rayon")))]
                    &mut self.stats,
                );
            } else {
                draw_egui_mesh::<8>(
                    self.simd_impl,
                    &self.textures,
                    direct_draw_buffer,
                    &clip_rect,
                    &px_mesh,
                    Vec2::ZERO,
                    self.allow_raster_opt,
                    self.convert_tris_to_rects,
                    #[cfg(all(feature = "raster_stats", not(feature = "rayon")))]
                    &mut self.stats,
                );
            }
        }

        #[cfg(feature = "raster_stats")]
        {
            self.stats.render_direct = start.elapsed().as_secs_f32();
        }
        self.free_textures(textures_delta);
    }

    fn prepare_px_mesh(
        &self,
        pixels_per_point: f32,
        mesh: &egui::Mesh,
        mesh_min: &mut Vec2,
        mesh_max: &mut Vec2,
    ) -> Mesh {
        let mut px_mesh = mesh.clone();

        for v in px_mesh.vertices.iter_mut() {
            v.pos *= pixels_per_point;

            match self.output_field_order {
                ColorFieldOrder::Rgba => (), // egui uses rgba
                ColorFieldOrder::Bgra => {
                    let d = swizzle_rgba_bgra(v.color.to_array());
                    v.color = Color32::from_rgba_premultiplied(d[0], d[1], d[2], d[3]);
                }
            }

            *mesh_min = mesh_min.min(v.pos.to_vec2());
            *mesh_max = mesh_max.max(v.pos.to_vec2());
        }

        // Make all the tris face forward (ccw) to simplify rasterization.
        // TODO perf: could store the area so it's not recomputed later.
        for i in (0..px_mesh.indices.len()).step_by(3) {
            let i0 = px_mesh.indices[i] as usize;
            let i1 = px_mesh.indices[i + 1] as usize;
            let i2 = px_mesh.indices[i + 2] as usize;
            let v0 = px_mesh.vertices[i0];
            let v1 = px_mesh.vertices[i1];
            let v2 = px_mesh.vertices[i2];
            let area = egui_orient2df(&v0.pos, &v1.pos, &v2.pos);
            if area < 0.0 {
                px_mesh.indices.swap(i + 1, i + 2);
            }
        }
        px_mesh
    }

    fn render_prims_to_cache(
        &mut self,
        paint_jobs: &[egui::ClippedPrimitive],
        pixels_per_point: f32,
    ) {
        #[cfg(feature = "raster_stats")]
        let start = std::time::Instant::now();

        let canvas_w = self.target_size.x as i64;
        let canvas_h = self.target_size.y as i64;

        // Render paint jobs in parallel
        #[cfg(feature = "rayon")]
        use rayon::iter::{IndexedParallelIterator, IntoParallelRefIterator, ParallelIterator};
        #[cfg(feature = "rayon")]
        let iter = paint_jobs.par_iter().enumerate();

        #[cfg(not(feature = "rayon"))]
        let iter = paint_jobs.iter().enumerate();

        let updates: Vec<CacheUpdate> = iter
            .map(
                |(
                    prim_idx,
                    egui::ClippedPrimitive {
                        clip_rect,
                        primitive,
                    },
                )| {
                    let input_mesh = match primitive {
                        egui::epaint::Primitive::Mesh(input_mesh) => input_mesh,
                        egui::epaint::Primitive::Callback(callback) => {
                            if let Some(moved) = callback.callback.downcast_ref::<MovedMesh>() {
                                return self.moved_mesh_update(
                                    prim_idx,
                                    clip_rect,
                                    moved,
                                    pixels_per_point,
                                );
                            }
                            #[cfg(feature = "log")]
                            log::error!(
                                "egui::epaint::Primitive::Callback(PaintCallback) not supported"
                            );
                            return CacheUpdate::None;
                        }
                    };

                    if input_mesh.vertices.is_empty() || input_mesh.indices.is_empty() {
                        return CacheUpdate::None;
                    }

                    let clip_rect = egui::Rect {
                        min: clip_rect.min * pixels_per_point,
                        max: clip_rect.max * pixels_per_point,
                    };

                    // One pass over the input mesh: its pixel bounds and its exact hash (no copy
                    // of the mesh unless it has to be rasterized).
                    let mut mesh_min = egui::Vec2::splat(f32::MAX);
                    let mut mesh_max = egui::Vec2::splat(-f32::MAX);
                    let mut hasher = Hash32::new_fnv();
                    hasher.hash_wrap(pixels_per_point.to_bits());
                    hasher.hash_wrap(texture_key(input_mesh.texture_id));
                    for v in &input_mesh.vertices {
                        let p = v.pos.to_vec2() * pixels_per_point;
                        mesh_min = mesh_min.min(p);
                        mesh_max = mesh_max.max(p);
                        // It's much faster to not wrap for every field.
                        hasher.hash(v.pos.x.to_bits());
                        hasher.hash(v.pos.y.to_bits());
                        hasher.hash(v.uv.x.to_bits());
                        hasher.hash(v.uv.y.to_bits());
                        hasher.hash(u32::from_le_bytes(v.color.to_array()));
                        hasher.fnv_wrap();
                    }
                    for ind in &input_mesh.indices {
                        hasher.hash_wrap(*ind);
                    }
                    hasher.hash_wrap(input_mesh.vertices.len() as u32);
                    hasher.hash_wrap(input_mesh.indices.len() as u32);

                    // The pixels the primitive may cover on the canvas: its clip rectangle
                    // (rounded, as GPU scissors round it) within the mesh's bounds.
                    let visible = PxRect {
                        x0: (clip_rect.min.x.round() as i64)
                            .max(mesh_min.x.floor() as i64)
                            .max(0),
                        y0: (clip_rect.min.y.round() as i64)
                            .max(mesh_min.y.floor() as i64)
                            .max(0),
                        x1: (clip_rect.max.x.round() as i64)
                            .min(mesh_max.x.ceil() as i64)
                            .min(canvas_w),
                        y1: (clip_rect.max.y.round() as i64)
                            .min(mesh_max.y.ceil() as i64)
                            .min(canvas_h),
                    };
                    if visible.is_empty() {
                        return CacheUpdate::None;
                    }
                    // The cached raster is specific to its place (the clip may cut it).
                    hasher.hash_wrap(visible.x0 as u32);
                    hasher.hash_wrap(visible.y0 as u32);
                    hasher.hash_wrap(visible.x1 as u32);
                    hasher.hash_wrap(visible.y1 as u32);
                    let hash = hasher.finalize();

                    if self.cached_primitives.contains_key(&hash) {
                        return CacheUpdate::CacheReuse(CacheReuse {
                            hash,
                            z_order: prim_idx,
                            min_x: visible.x0 as usize,
                            min_y: visible.y0 as usize,
                        });
                    }

                    // A large mesh that is only moved (a map being panned, a list scrolled) is
                    // cut out of its kept raster instead of being rasterized again.
                    let movable = (input_mesh.vertices.len() >= MOVABLE_MIN_VERTICES)
                        .then(|| movable_key(input_mesh, pixels_per_point));
                    let mut margin = 0;
                    if let Some((key, anchor)) = movable
                        && let Some(kept) = self.movable.get(&key)
                        && same_shape(input_mesh, pixels_per_point, anchor, &kept.shape)
                    {
                        let dx = anchor[0] - kept.anchor[0];
                        let dy = anchor[1] - kept.anchor[1];
                        let src = PxRect {
                            x0: visible.x0 - dx,
                            y0: visible.y0 - dy,
                            x1: visible.x1 - dx,
                            y1: visible.y1 - dy,
                        };
                        if kept.area.contains(&src) {
                            let offset = (src.y0 - kept.area.y0) as usize * kept.area.width()
                                + (src.x0 - kept.area.x0) as usize;
                            let mut prim = CachedPrimitive::shared(
                                kept.buffer.clone(),
                                kept.area.width(),
                                offset,
                                &visible,
                                prim_idx,
                            );
                            prim.occupied_tiles_from_triangles(
                                input_mesh,
                                pixels_per_point,
                                Vec2::ZERO,
                                self.tiles_dim,
                            );
                            return CacheUpdate::Moved(hash, prim, KeptKey::Movable(key));
                        }
                        // It moves and needs pixels the kept raster lacks: rasterize a margin
                        // around what is visible, for the next steps.
                        margin = MOVABLE_MARGIN;
                    }

                    let mut area = PxRect {
                        x0: (mesh_min.x.floor() as i64).max(visible.x0 - margin),
                        y0: (mesh_min.y.floor() as i64).max(visible.y0 - margin),
                        x1: (mesh_max.x.ceil() as i64).min(visible.x1 + margin),
                        y1: (mesh_max.y.ceil() as i64).min(visible.y1 + margin),
                    };
                    if area.width() > MAX_PRECISE_SIZE || area.height() > MAX_PRECISE_SIZE {
                        area = visible;
                    }
                    let (width, height) = (area.width(), area.height());
                    if width > 8192 || height > 8192 {
                        // TODO it occasionally tries to make giant buffers in the first couple frames initially for some reason.
                        return CacheUpdate::None;
                    }
                    let render_in_low_precision =
                        width > MAX_PRECISE_SIZE || height > MAX_PRECISE_SIZE;

                    let mut ignored_min = Vec2::ZERO;
                    let mut ignored_max = Vec2::ZERO;
                    let px_mesh = self.prepare_px_mesh(
                        pixels_per_point,
                        input_mesh,
                        &mut ignored_min,
                        &mut ignored_max,
                    );

                    let offset = -vec2(area.x0 as f32, area.y0 as f32);
                    let buffer = self.rasterize(&px_mesh, width, height, offset);
                    let buffer = Arc::new(buffer);
                    let offset =
                        (visible.y0 - area.y0) as usize * width + (visible.x0 - area.x0) as usize;
                    let mut prim =
                        CachedPrimitive::shared(buffer.clone(), width, offset, &visible, prim_idx);
                    prim.occupied_tiles_from_triangles(&px_mesh, 1.0, Vec2::ZERO, self.tiles_dim);
                    match movable {
                        Some((key, anchor)) if !render_in_low_precision => CacheUpdate::NewKept(
                            hash,
                            prim,
                            NewKept::Movable(
                                key,
                                MovableRaster {
                                    buffer,
                                    area,
                                    anchor,
                                    shape: relative_positions(input_mesh, pixels_per_point, anchor),
                                    seen_this_frame: true,
                                },
                            ),
                        ),
                        _ => CacheUpdate::New(hash, prim),
                    }
                },
            )
            .collect::<Vec<_>>();

        updates.into_iter().for_each(|update| match update {
            CacheUpdate::CacheReuse(cache_reuse) => {
                if let Some(cached_primitive) = self.cached_primitives.get_mut(&cache_reuse.hash) {
                    cached_primitive.seen_this_frame = true;
                    cached_primitive.z_order = cache_reuse.z_order;
                    cached_primitive.min_x = cache_reuse.min_x;
                    cached_primitive.min_y = cache_reuse.min_y;
                    cached_primitive.rendered_this_frame = false;
                }
            }
            CacheUpdate::New(hash, prim) => {
                self.prims_updated_this_frame += 1;
                self.cached_primitives.insert(hash, prim);
            }
            CacheUpdate::Moved(hash, prim, key) => {
                self.prims_updated_this_frame += 1;
                self.prims_moved_this_frame += 1;
                self.cached_primitives.insert(hash, prim);
                let seen = match key {
                    KeptKey::Movable(k) => self.movable.get_mut(&k).map(|r| &mut r.seen_this_frame),
                    KeptKey::MovedMesh(k) => self
                        .moved_meshes
                        .get_mut(&k)
                        .map(|r| &mut r.seen_this_frame),
                };
                if let Some(seen) = seen {
                    *seen = true;
                }
            }
            CacheUpdate::NewKept(hash, prim, kept) => {
                self.prims_updated_this_frame += 1;
                self.cached_primitives.insert(hash, prim);
                match kept {
                    NewKept::Movable(key, raster) => {
                        self.movable.insert(key, raster);
                    }
                    NewKept::MovedMesh(key, raster) => {
                        self.moved_meshes.insert(key, raster);
                    }
                }
            }
            CacheUpdate::None => (),
        });

        #[cfg(feature = "raster_stats")]
        {
            self.stats.render_prims_to_cache = start.elapsed().as_secs_f32();
        }
    }

    /// A [`MovedMesh`]: cut out of the raster kept under its key when that covers what is
    /// visible now, else rasterized with a margin (for the next steps of a pan) and kept.
    fn moved_mesh_update(
        &self,
        prim_idx: usize,
        clip_rect: &egui::Rect,
        moved: &MovedMesh,
        pixels_per_point: f32,
    ) -> CacheUpdate {
        let mesh = &moved.mesh;
        if mesh.vertices.is_empty() || mesh.indices.is_empty() {
            return CacheUpdate::None;
        }
        let ppp_bits = pixels_per_point.to_bits();
        let kept = self
            .moved_meshes
            .get(&moved.key)
            .filter(|k| k.ppp_bits == ppp_bits && Arc::ptr_eq(&k.mesh, mesh));
        let bounds = match kept {
            Some(k) => k.bounds,
            None => px_bounds(mesh, pixels_per_point),
        };
        // The translation in whole pixels; a fraction would need another raster (the mesh is
        // then drawn where it is, as a plain mesh would be).
        let shift = moved.offset * pixels_per_point;
        let d = [shift.x.round() as i64, shift.y.round() as i64];
        let whole = (shift.x - d[0] as f32).abs() <= MOVABLE_TOLERANCE
            && (shift.y - d[1] as f32).abs() <= MOVABLE_TOLERANCE;
        let canvas = PxRect {
            x0: 0,
            y0: 0,
            x1: self.target_size.x as i64,
            y1: self.target_size.y as i64,
        };
        let clip = PxRect {
            x0: (clip_rect.min.x * pixels_per_point).round() as i64,
            y0: (clip_rect.min.y * pixels_per_point).round() as i64,
            x1: (clip_rect.max.x * pixels_per_point).round() as i64,
            y1: (clip_rect.max.y * pixels_per_point).round() as i64,
        };
        let placed = bounds.shifted(d);
        let visible = clip.intersect(&placed).intersect(&canvas);
        if visible.is_empty() {
            return CacheUpdate::None;
        }
        let mut hasher = Hash32::new_fnv();
        hasher.hash_wrap(moved.key as u32);
        hasher.hash_wrap((moved.key >> 32) as u32);
        hasher.hash_wrap(ppp_bits);
        hasher.hash_wrap(shift.x.to_bits());
        hasher.hash_wrap(shift.y.to_bits());
        for v in [visible.x0, visible.y0, visible.x1, visible.y1] {
            hasher.hash_wrap(v as u32);
        }
        let hash = hasher.finalize();
        if self.cached_primitives.contains_key(&hash) {
            return CacheUpdate::CacheReuse(CacheReuse {
                hash,
                z_order: prim_idx,
                min_x: visible.x0 as usize,
                min_y: visible.y0 as usize,
            });
        }
        // The part of the mesh's own pixels (before the shift) that shows.
        let src = visible.shifted([-d[0], -d[1]]);
        if whole
            && let Some(k) = kept
            && k.area.contains(&src)
        {
            let offset =
                (src.y0 - k.area.y0) as usize * k.area.width() + (src.x0 - k.area.x0) as usize;
            let mut prim = CachedPrimitive::shared(
                k.buffer.clone(),
                k.area.width(),
                offset,
                &visible,
                prim_idx,
            );
            prim.occupied_tiles_from_spans(&k.spans, &k.area, d, self.tiles_dim);
            return CacheUpdate::Moved(hash, prim, KeptKey::MovedMesh(moved.key));
        }
        // Rasterize: with a margin around what shows when the shift is whole (kept for the
        // next steps), else only what shows, at the fractional place.
        let (area, offset) = if whole {
            let mut area = src.grow(MOVED_MESH_MARGIN).intersect(&bounds);
            if area.width() > MAX_PRECISE_SIZE || area.height() > MAX_PRECISE_SIZE {
                area = src;
            }
            (area, -vec2(area.x0 as f32, area.y0 as f32))
        } else {
            (visible, shift - vec2(visible.x0 as f32, visible.y0 as f32))
        };
        let (width, height) = (area.width(), area.height());
        if width == 0 || height == 0 || width > 8192 || height > 8192 {
            return CacheUpdate::None;
        }
        let mut ignored_min = Vec2::ZERO;
        let mut ignored_max = Vec2::ZERO;
        let px_mesh =
            self.prepare_px_mesh(pixels_per_point, mesh, &mut ignored_min, &mut ignored_max);
        let buffer = self.rasterize(&px_mesh, width, height, offset);
        let buffer = Arc::new(buffer);
        if !whole {
            let mut prim = CachedPrimitive::shared(buffer, width, 0, &visible, prim_idx);
            prim.occupied_tiles_from_triangles(&px_mesh, 1.0, shift, self.tiles_dim);
            return CacheUpdate::New(hash, prim);
        }
        let spans = row_spans(&buffer, width);
        let offset = (src.y0 - area.y0) as usize * width + (src.x0 - area.x0) as usize;
        let mut prim = CachedPrimitive::shared(buffer.clone(), width, offset, &visible, prim_idx);
        prim.occupied_tiles_from_spans(&spans, &area, d, self.tiles_dim);
        CacheUpdate::NewKept(
            hash,
            prim,
            NewKept::MovedMesh(
                moved.key,
                KeptMovedMesh {
                    mesh: mesh.clone(),
                    ppp_bits,
                    bounds,
                    buffer,
                    area,
                    spans,
                    seen_this_frame: true,
                },
            ),
        )
    }

    /// A new `width` × `height` raster of a mesh in canvas pixels, moved by `offset` (with
    /// less sub-pixel precision beyond [`MAX_PRECISE_SIZE`]).
    fn rasterize(&self, px_mesh: &Mesh, width: usize, height: usize, offset: Vec2) -> Vec<[u8; 4]> {
        let mut buffer = vec![[0u8; 4]; width * height];
        let mut buffer_ref = BufferMutRef {
            data: &mut buffer,
            width,
            height,
            width_extent: width.saturating_sub(1),
            height_extent: height.saturating_sub(1),
        };
        let local_clip = egui::Rect {
            min: Pos2::ZERO,
            max: egui::pos2(width as f32, height as f32),
        };
        if width > MAX_PRECISE_SIZE || height > MAX_PRECISE_SIZE {
            // Seems to not be an issue in direct draw? Seems like a bug.
            draw_egui_mesh::<2>(
                self.simd_impl,
                &self.textures,
                &mut buffer_ref,
                &local_clip,
                px_mesh,
                offset,
                self.allow_raster_opt,
                self.convert_tris_to_rects,
                #[cfg(all(feature = "raster_stats", not(feature = "rayon")))]
                &mut Default::default(),
            );
        } else {
            draw_egui_mesh::<8>(
                self.simd_impl,
                &self.textures,
                &mut buffer_ref,
                &local_clip,
                px_mesh,
                offset,
                self.allow_raster_opt,
                self.convert_tris_to_rects,
                #[cfg(all(feature = "raster_stats", not(feature = "rayon")))]
                &mut Default::default(),
            );
        }
        buffer
    }

    fn update_canvas_from_cached(&mut self) {
        let simd_impl = self.simd_impl;
        #[cfg(feature = "raster_stats")]
        let start = std::time::Instant::now();

        let mut sorted_prim_cache = self.cached_primitives.values().collect::<Vec<_>>();
        sorted_prim_cache.sort_unstable_by_key(|prim| prim.z_order);

        #[allow(unused_mut)]
        let mut canvas =
            BufferMutRef::new(&mut self.canvas.data, self.canvas.width, self.canvas.height);

        #[cfg(feature = "rayon")]
        {
            use rayon::{
                iter::{IndexedParallelIterator, ParallelIterator},
                slice::ParallelSliceMut,
            };
            // composite rows of tiles in parallel

            let full_height = self.canvas.height;

            let width = canvas.width;
            let px_per_row_of_tiles = width * TILE_SIZE;

            canvas
                .data
                .par_chunks_mut(px_per_row_of_tiles)
                .enumerate()
                .for_each(|(tile_row, tile_height_row)| {
                    let height = tile_height_row.len() / width; // Might be less than TILE_SIZE
                    let canvas_tile_row = &mut BufferMutRef::new(tile_height_row, width, height);

                    let dirty_tile_row_start = tile_row * self.tiles_dim[0];
                    let dirty_tile_row_end = dirty_tile_row_start + self.tiles_dim[0];

                    self.dirty_tiles
                        .iter()
                        .enumerate()
                        .skip(dirty_tile_row_start)
                        .take(dirty_tile_row_end)
                        .filter(|(_, mask)| **mask & Self::DIRTY_TILE_MASK != 0)
                        .map(|(idx, _)| idx)
                        .for_each(|tile_idx| {
                            let tile_y = tile_idx / self.tiles_dim[0];

                            if tile_y != tile_row {
                                return;
                            }
                            let canvas_row_offset = tile_row * TILE_SIZE;

                            let tile_x = tile_idx % self.tiles_dim[0];

                            update_canvas_tile(
                                simd_impl,
                                &sorted_prim_cache,
                                canvas_tile_row,
                                tile_x,
                                tile_y,
                                full_height,
                                canvas_row_offset,
                            );
                        });
                });
        }

        #[cfg(not(feature = "rayon"))]
        {
            for tile_idx in self
                .dirty_tiles
                .iter()
                .enumerate()
                .filter(|(_, mask)| **mask & Self::DIRTY_TILE_MASK != 0)
                .map(|(idx, _)| idx)
            {
                let tile_x = tile_idx % self.tiles_dim[0];
                let tile_y = tile_idx / self.tiles_dim[0];
                let full_height = canvas.height;
                update_canvas_tile(
                    simd_impl,
                    &sorted_prim_cache,
                    &mut canvas,
                    tile_x,
                    tile_y,
                    full_height,
                    0,
                );
            }
        }
        #[cfg(feature = "raster_stats")]
        {
            self.stats.update_canvas_from_cached = start.elapsed().as_secs_f32();
        }
    }

    /// The canvas the last [`Self::render_to_canvas`] composited (premultiplied pixels in the
    /// output field order, over transparent black), with its width and height.
    pub fn canvas(&self) -> (&[[u8; 4]], usize, usize) {
        (&self.canvas.data, self.canvas.width, self.canvas.height)
    }

    /// The pixel rectangles `[x0, y0, x1, y1)` the last [`Self::render_to_canvas`] changed on
    /// the canvas: its dirty tiles merged into runs (the whole canvas after a reset). Empty when
    /// nothing changed, so a caller can skip presenting.
    pub fn damage(&self) -> Vec<[usize; 4]> {
        let (w, h) = (self.canvas.width, self.canvas.height);
        if w == 0 || h == 0 {
            return Vec::new();
        }
        if self.redraw_everything_this_frame {
            return vec![[0, 0, w, h]];
        }
        let [tiles_x, tiles_y] = self.tiles_dim;
        let dirty = |tx: usize, ty: usize| {
            self.dirty_tiles
                .get(tx + ty * tiles_x)
                .is_some_and(|m| m & Self::DIRTY_TILE_MASK != 0)
        };
        let mut out: Vec<[usize; 4]> = Vec::new();
        for ty in 0..tiles_y {
            let mut tx = 0;
            while tx < tiles_x {
                if !dirty(tx, ty) {
                    tx += 1;
                    continue;
                }
                let first = tx;
                while tx < tiles_x && dirty(tx, ty) {
                    tx += 1;
                }
                let rect = [
                    first * TILE_SIZE,
                    ty * TILE_SIZE,
                    (tx * TILE_SIZE).min(w),
                    ((ty + 1) * TILE_SIZE).min(h),
                ];
                // Runs over the same columns on consecutive tile rows become one rectangle.
                match out
                    .iter_mut()
                    .find(|r| r[0] == rect[0] && r[2] == rect[2] && r[3] == rect[1])
                {
                    Some(r) => r[3] = rect[3],
                    None => out.push(rect),
                }
            }
        }
        out
    }

    /// Copies the given rectangles of the canvas into a frame buffer of 32-bit pixels with the
    /// canvas' dimensions (as `softbuffer` presents them when the field order is `Bgra`). The
    /// canvas is composited over transparent black, so copying is blending over black. Does
    /// nothing when the buffer's size does not match the canvas.
    pub fn copy_canvas_to(&self, dst: &mut [u32], rects: &[[usize; 4]]) {
        let (w, h) = (self.canvas.width, self.canvas.height);
        if dst.len() != w * h || self.canvas.data.len() != w * h {
            return;
        }
        for r in rects {
            let (x0, x1) = (r[0].min(w), r[2].min(w));
            for y in r[1].min(h)..r[3].min(h) {
                let row = y * w;
                let src = &self.canvas.data[row + x0..row + x1];
                for (d, s) in dst[row + x0..row + x1].iter_mut().zip(src) {
                    *d = u32::from_le_bytes(*s);
                }
            }
        }
    }

    fn clear_unused_cached_prims(&mut self) {
        self.cached_primitives
            .retain(|_hash, prim| prim.seen_this_frame);
        // A movable raster stays while a cached primitive still shows part of it (frames where
        // the mesh did not change at all do not look it up).
        self.movable
            .retain(|_key, kept| kept.seen_this_frame || Arc::strong_count(&kept.buffer) > 1);
        self.moved_meshes
            .retain(|_key, kept| kept.seen_this_frame || Arc::strong_count(&kept.buffer) > 1);
    }

    /// How many primitives the last [`Self::render_to_canvas`] rasterized or moved (those not
    /// reused from the cache unchanged).
    pub fn prims_updated_last_frame(&self) -> usize {
        self.prims_updated_this_frame
    }

    /// How many of those were large meshes moved by whole pixels and cut out of a kept raster
    /// instead of being rasterized again.
    pub fn prims_moved_last_frame(&self) -> usize {
        self.prims_moved_this_frame
    }

    /// Bytes held by cached rasters (primitives and movable rasters; shared buffers once).
    pub fn cached_bytes(&self) -> usize {
        let mut seen: Vec<*const Vec<[u8; 4]>> = Vec::new();
        let mut bytes = self.canvas.data.len() * 4;
        let buffers = self
            .cached_primitives
            .values()
            .map(|p| &p.buffer)
            .chain(self.movable.values().map(|m| &m.buffer))
            .chain(self.moved_meshes.values().map(|m| &m.buffer));
        for b in buffers {
            let ptr = Arc::as_ptr(b);
            if !seen.contains(&ptr) {
                seen.push(ptr);
                bytes += b.len() * 4;
            }
        }
        bytes
    }

    const DIRTY_TILE_MASK: u8 = 0b00000001;
    const OCCUPIED_TILE_MASK: u8 = 0b000000010;
    fn update_dirty_tiles(&mut self) {
        #[cfg(feature = "raster_stats")]
        let start = std::time::Instant::now();
        self.dirty_tiles
            .resize(self.tiles_dim[0] * self.tiles_dim[1], 0);
        self.dirty_tiles.fill(0);
        for prim in self.cached_primitives.values() {
            for tile in &prim.occupied_tiles {
                let mask =
                    &mut self.dirty_tiles[tile[0] as usize + tile[1] as usize * self.tiles_dim[0]];
                if !prim.seen_this_frame || prim.rendered_this_frame {
                    *mask |= Self::DIRTY_TILE_MASK;
                }
                *mask |= Self::OCCUPIED_TILE_MASK;
            }
        }
        #[cfg(feature = "raster_stats")]
        {
            self.stats.update_dirty_tiles = start.elapsed().as_secs_f32();
        }
    }

    fn set_textures(&mut self, textures_delta: &egui::TexturesDelta) {
        #[cfg(feature = "raster_stats")]
        let start = std::time::Instant::now();
        // egui 0.37: each texture id carries a list of deltas, applied in order.
        for (id, deltas) in &textures_delta.set {
            for delta in deltas {
                self.set_texture(*id, delta);
            }
        }
        #[cfg(feature = "raster_stats")]
        {
            self.stats.set_textures = start.elapsed().as_secs_f32();
        }
    }

    fn set_texture(&mut self, id: egui::TextureId, delta: &egui::epaint::ImageDelta) {
        if delta.options.magnification != delta.options.minification {
            // Would need helper lanes to impl?
            #[cfg(feature = "log")]
            log::warn!(
                "TextureOptions magnification and minification not matching is unsupported."
            );
        }
        let egui::ImageData::Color(image) = &delta.image;
        let pixels = &image.pixels;
        let size = delta.image.size();
        if pixels.len() != size[0] * size[1] || pixels.is_empty() {
            return;
        }
        if let Some(pos) = delta.pos {
            if let Some(texture) = self.textures.get_mut(&id) {
                // Clip the update to the texture (a malformed delta must not panic).
                let w = size[0].min(texture.width.saturating_sub(pos[0]));
                let h = size[1].min(texture.height.saturating_sub(pos[1]));
                for y in 0..h {
                    for x in 0..w {
                        let src_pos = x + y * size[0];
                        let dest_pos = (x + pos[0]) + (y + pos[1]) * texture.width;
                        texture.data[dest_pos] = match self.output_field_order {
                            ColorFieldOrder::Rgba => pixels[src_pos].to_array(),
                            ColorFieldOrder::Bgra => swizzle_rgba_bgra(pixels[src_pos].to_array()),
                        };
                    }
                }
                if let Some(first) = texture.data.first() {
                    texture.uv_zero_val = *first;
                }
            }
        } else {
            let new_texture =
                EguiTexture::new(self.output_field_order, delta.options, size, pixels);
            // A whole texture replaced: primitives cached with the old one are stale even when
            // their meshes (and so their hashes) did not change.
            if self.textures.insert(id, new_texture).is_some() {
                self.cached_primitives.clear();
                self.movable.clear();
                self.redraw_everything_this_frame = true;
            }
        }
    }

    fn free_textures(&mut self, textures_delta: &egui::TexturesDelta) {
        for free in &textures_delta.free {
            self.textures.remove(free);
        }
    }
}

fn update_canvas_tile(
    simd_impl: AvailableImpl,
    sorted_prim_cache: &[&CachedPrimitive],
    canvas: &mut BufferMutRef,
    tile_x: usize,
    tile_y: usize,
    full_height: usize,
    canvas_row_offset: usize,
) {
    let tile_x_start = tile_x * TILE_SIZE;
    let tile_y_start = tile_y * TILE_SIZE;
    let tile_x_end = (tile_x_start + TILE_SIZE).min(canvas.width);
    let tile_y_end = (tile_y_start + TILE_SIZE).min(full_height);

    // clear tile
    for y in (tile_y_start - canvas_row_offset)..(tile_y_end - canvas_row_offset) {
        let row_start = y * canvas.width;
        let start = row_start + tile_x_start;
        let end = row_start + tile_x_end;
        canvas.data[start..end].fill([0; 4]);
    }

    let tile_n = [tile_x as u16, tile_y as u16];
    // redraw cached prims on tile
    for prim in sorted_prim_cache {
        if !prim.occupied_tiles.contains(&tile_n) {
            continue;
        }

        let mut min_x = prim.min_x;
        let mut min_y = prim.min_y;
        let mut max_x = min_x + prim.width;
        let mut max_y = min_y + prim.height;

        min_x = min_x.max(tile_x_start).min(canvas.width);
        min_y = min_y
            .max(tile_y_start)
            .min(canvas.height + canvas_row_offset);
        max_x = max_x.min(tile_x_end).min(canvas.width);
        max_y = max_y.min(tile_y_end).min(canvas.height + canvas_row_offset);

        if max_x <= min_x || max_y <= min_y {
            continue;
        }
        let prim_x_min = (min_x - prim.min_x).min(prim.width);
        let prim_x_max = (max_x - prim.min_x).min(prim.width);

        let get_ranges = |y: usize| -> (Range<usize>, Range<usize>) {
            let canvas_row_start = (y - canvas_row_offset).min(canvas.height) * canvas.width;
            let canvas_start = canvas_row_start + min_x;
            let canvas_end = canvas_row_start + max_x;

            let prim_y = (y - prim.min_y).min(prim.height);
            let prim_row_start = prim.offset + prim_y * prim.stride;
            let prim_start = prim_row_start + prim_x_min;
            let prim_end = prim_row_start + prim_x_max;

            (canvas_start..canvas_end, prim_start..prim_end)
        };

        dispatch_simd_impl!(simd_impl, |simd_impl| {
            for y in min_y..max_y {
                let (canvas_slice, prim_slice) = get_ranges(y);
                let src_row = &prim.buffer[prim_slice];
                let dst_row = &mut canvas.data[canvas_slice];
                simd_impl.egui_blend_u8_slice(src_row, dst_row);
            }
        });
    }
}

#[derive(Default)]
struct Canvas {
    data: Vec<[u8; 4]>,
    width: usize,
    height: usize,
    width_extent: usize,
    height_extent: usize,
}

impl Canvas {
    fn clear(&mut self) {
        self.data.iter_mut().for_each(|p| *p = [0; 4]);
    }

    /// returns true if wasn't already the given size
    fn resize(&mut self, width: usize, height: usize) -> bool {
        if width != self.width || height != self.height {
            self.data.resize(width * height, [0; 4]);
            self.width = width;
            self.height = height;
            self.width_extent = width - 1;
            self.height_extent = height - 1;
            true
        } else {
            false
        }
    }

    #[inline(always)]
    pub fn get_range(&self, start: usize, end: usize, y: usize) -> Range<usize> {
        let row_start = y * self.width;
        let start = row_start + start;
        let end = row_start + end;
        start..end
    }

    #[inline(always)]
    pub fn get_span(&self, start: usize, end: usize, y: usize) -> &[[u8; 4]] {
        let range = self.get_range(start, end, y);
        &self.data[range]
    }
}

/// A region of cached rendered image data that corresponds to a ClippedPrimitive.
pub struct CachedPrimitive {
    /// The pixels, possibly shared with a [`MovableRaster`] larger than this primitive: its
    /// row `y` starts at `offset + y * stride`.
    buffer: Arc<Vec<[u8; 4]>>,
    stride: usize,
    offset: usize,
    min_x: usize,
    min_y: usize,
    width: usize,
    height: usize,
    z_order: usize,
    seen_this_frame: bool,
    rendered_this_frame: bool,
    occupied_tiles: Vec<[u16; 2]>,
}

impl CachedPrimitive {
    /// The `at` rectangle of the canvas, drawn from `buffer` (rows of `stride` pixels) from
    /// pixel `offset` on.
    fn shared(
        buffer: Arc<Vec<[u8; 4]>>,
        stride: usize,
        offset: usize,
        at: &PxRect,
        z_order: usize,
    ) -> Self {
        CachedPrimitive {
            buffer,
            stride,
            offset,
            min_x: at.x0 as usize,
            min_y: at.y0 as usize,
            width: at.width(),
            height: at.height(),
            z_order,
            seen_this_frame: true,
            rendered_this_frame: true,
            occupied_tiles: Vec::with_capacity(64),
        }
    }

    /// The tiles a primitive may cover, from its triangles' bounds (canvas pixels: positions
    /// × `scale` + `shift`): no pixel is read, and a sparse mesh (a few names over a whole
    /// map) is not scanned tile by tile. Conservative: a tile marked may stay transparent.
    fn occupied_tiles_from_triangles(
        &mut self,
        mesh: &Mesh,
        scale: f32,
        shift: Vec2,
        tiles_dim: [usize; 2],
    ) {
        self.occupied_tiles.clear();
        let (x0, x1) = (self.min_x as f32, (self.min_x + self.width) as f32);
        let (y0, y1) = (self.min_y as f32, (self.min_y + self.height) as f32);
        let [tw, th] = tiles_dim;
        let mut marked = vec![false; tw * th];
        let pos = |i: u32| {
            mesh.vertices
                .get(i as usize)
                .map(|v| v.pos.to_vec2() * scale + shift)
        };
        for tri in mesh.indices.chunks_exact(3) {
            let (Some(a), Some(b), Some(c)) = (pos(tri[0]), pos(tri[1]), pos(tri[2])) else {
                continue;
            };
            // One pixel more on each side: coverage of pixels an edge only touches.
            let lo_x = (a.x.min(b.x).min(c.x) - 1.0).max(x0);
            let hi_x = (a.x.max(b.x).max(c.x) + 1.0).min(x1);
            let lo_y = (a.y.min(b.y).min(c.y) - 1.0).max(y0);
            let hi_y = (a.y.max(b.y).max(c.y) + 1.0).min(y1);
            if lo_x >= hi_x || lo_y >= hi_y {
                continue;
            }
            let (tx0, tx1) = (
                lo_x as usize / TILE_SIZE,
                (hi_x.ceil() as usize).div_ceil(TILE_SIZE).min(tw),
            );
            let (ty0, ty1) = (
                lo_y as usize / TILE_SIZE,
                (hi_y.ceil() as usize).div_ceil(TILE_SIZE).min(th),
            );
            for ty in ty0..ty1 {
                for m in &mut marked[ty * tw + tx0.min(tx1)..ty * tw + tx1] {
                    *m = true;
                }
            }
        }
        for (i, m) in marked.iter().enumerate() {
            if *m {
                self.occupied_tiles.push([(i % tw) as u16, (i / tw) as u16]);
            }
        }
    }

    /// The occupied tiles of a primitive cut out of a raster over `area` (its own pixels)
    /// shifted by `d`, from the raster's row spans: no pixel is read.
    fn occupied_tiles_from_spans(
        &mut self,
        spans: &[[u32; 2]],
        area: &PxRect,
        d: [i64; 2],
        tiles_dim: [usize; 2],
    ) {
        self.occupied_tiles.clear();
        let (x0, x1) = (self.min_x as i64, (self.min_x + self.width) as i64);
        let (y0, y1) = (self.min_y as i64, (self.min_y + self.height) as i64);
        let tile = TILE_SIZE as i64;
        let mut ty = y0 / tile;
        while ty * tile < y1 && (ty as usize) < tiles_dim[1] {
            // The columns any row of this tile row covers (the hull of the rows' spans).
            let (mut lo, mut hi) = (i64::MAX, i64::MIN);
            for y in (ty * tile).max(y0)..((ty + 1) * tile).min(y1) {
                let row = y - d[1] - area.y0;
                let Some(span) = usize::try_from(row).ok().and_then(|r| spans.get(r)) else {
                    continue;
                };
                if span[0] >= span[1] {
                    continue;
                }
                let s0 = (area.x0 + i64::from(span[0]) + d[0]).max(x0);
                let s1 = (area.x0 + i64::from(span[1]) + d[0]).min(x1);
                if s0 < s1 {
                    lo = lo.min(s0);
                    hi = hi.max(s1);
                }
            }
            if lo < hi {
                for tx in (lo / tile)..=((hi - 1) / tile) {
                    if (tx as usize) < tiles_dim[0] {
                        self.occupied_tiles.push([tx as u16, ty as u16]);
                    }
                }
            }
            ty += 1;
        }
    }
}

/// A large mesh's raster over `area` (canvas pixels when it was drawn, possibly beyond the
/// canvas), kept to be cut out again when the same mesh comes back moved by whole pixels.
struct MovableRaster {
    buffer: Arc<Vec<[u8; 4]>>,
    area: PxRect,
    /// The mesh's whole-pixel anchor when it was drawn (see [`movable_key`]).
    anchor: [i64; 2],
    /// Its vertices' positions relative to the anchor, in pixels.
    shape: Vec<Vec2>,
    seen_this_frame: bool,
}

/// A mesh drawn moved by a translation: give it to egui as a paint callback,
/// `egui::Shape::Callback(egui::PaintCallback { rect, callback: Arc::new(moved) })`, and
/// this renderer rasterizes the mesh once (with a margin) and, while only `offset` changes by
/// whole pixels, cuts each frame out of that raster: a map being panned costs no hashing of
/// its vertices, no tessellation and no rasterization per step. Renderers that do not know
/// this callback draw [`MovedMesh::translated`] instead.
pub struct MovedMesh {
    /// Says which mesh this is: a new mesh (new vertices, new colours) needs a new key.
    pub key: u64,
    /// The mesh in points, before the translation.
    pub mesh: Arc<Mesh>,
    /// The translation in points; kept rasters are reused when it is a whole number of pixels.
    pub offset: Vec2,
}

impl MovedMesh {
    /// The mesh where this draws it.
    pub fn translated(&self) -> Mesh {
        let mut mesh = (*self.mesh).clone();
        mesh.translate(self.offset);
        mesh
    }
}

/// Pixels rasterized around the visible part of a [`MovedMesh`], so that the next steps of a
/// pan are cut out of the same raster.
const MOVED_MESH_MARGIN: i64 = 256;

/// The raster of a [`MovedMesh`] over `area` (its own pixels, before any shift).
struct KeptMovedMesh {
    mesh: Arc<Mesh>,
    ppp_bits: u32,
    /// The mesh's pixel bounds (its own pixels).
    bounds: PxRect,
    buffer: Arc<Vec<[u8; 4]>>,
    area: PxRect,
    /// Per row of `area`: the columns `[x0, x1)` (of `area`) holding non-transparent pixels.
    spans: Vec<[u32; 2]>,
    seen_this_frame: bool,
}

/// A mesh's pixel bounds (whole pixels around its vertices).
fn px_bounds(mesh: &Mesh, pixels_per_point: f32) -> PxRect {
    let mut min = Vec2::splat(f32::MAX);
    let mut max = Vec2::splat(-f32::MAX);
    for v in &mesh.vertices {
        let p = v.pos.to_vec2() * pixels_per_point;
        min = min.min(p);
        max = max.max(p);
    }
    PxRect {
        x0: min.x.floor() as i64,
        y0: min.y.floor() as i64,
        x1: max.x.ceil() as i64 + 1,
        y1: max.y.ceil() as i64 + 1,
    }
}

/// Per row of a raster `width` wide: the columns `[x0, x1)` of its non-transparent pixels
/// (`[0, 0]` for an empty row).
fn row_spans(buffer: &[[u8; 4]], width: usize) -> Vec<[u32; 2]> {
    buffer
        .chunks_exact(width)
        .map(|row| {
            let first = row.iter().position(|p| u32::from_le_bytes(*p) != 0);
            let last = row.iter().rposition(|p| u32::from_le_bytes(*p) != 0);
            match (first, last) {
                (Some(a), Some(b)) => [a as u32, b as u32 + 1],
                _ => [0, 0],
            }
        })
        .collect()
}

/// A rectangle of whole pixels `[x0, x1) × [y0, y1)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PxRect {
    x0: i64,
    y0: i64,
    x1: i64,
    y1: i64,
}

impl PxRect {
    fn is_empty(&self) -> bool {
        self.x1 <= self.x0 || self.y1 <= self.y0
    }

    fn width(&self) -> usize {
        (self.x1 - self.x0).max(0) as usize
    }

    fn height(&self) -> usize {
        (self.y1 - self.y0).max(0) as usize
    }

    fn contains(&self, other: &PxRect) -> bool {
        other.x0 >= self.x0 && other.y0 >= self.y0 && other.x1 <= self.x1 && other.y1 <= self.y1
    }

    fn intersect(&self, other: &PxRect) -> PxRect {
        PxRect {
            x0: self.x0.max(other.x0),
            y0: self.y0.max(other.y0),
            x1: self.x1.min(other.x1),
            y1: self.y1.min(other.y1),
        }
    }

    fn shifted(&self, d: [i64; 2]) -> PxRect {
        PxRect {
            x0: self.x0 + d[0],
            y0: self.y0 + d[1],
            x1: self.x1 + d[0],
            y1: self.y1 + d[1],
        }
    }

    fn grow(&self, by: i64) -> PxRect {
        PxRect {
            x0: self.x0 - by,
            y0: self.y0 - by,
            x1: self.x1 + by,
            y1: self.y1 + by,
        }
    }
}

fn texture_key(id: egui::TextureId) -> u32 {
    match id {
        egui::TextureId::Managed(id) => id as u32,
        egui::TextureId::User(id) => id as u32 + 9358476,
    }
}

/// How far (in pixels) a vertex of a moved mesh may be from where the kept raster has it,
/// relative to the mesh's anchor: positions recomputed for every pan step carry float
/// rounding (a few 1e-4 px), a real change of shape moves vertices by much more.
const MOVABLE_TOLERANCE: f32 = 1.0 / 64.0;

/// A key that is the same for a mesh and the same mesh moved (texture, scale, vertex and
/// index counts, uv, colours and indices; positions are compared by [`same_shape`]), and the
/// mesh's whole-pixel anchor: where its first vertex is, rounded down.
fn movable_key(mesh: &egui::Mesh, pixels_per_point: f32) -> (u64, [i64; 2]) {
    let first = mesh.vertices.first().map_or(Pos2::ZERO, |v| v.pos) * pixels_per_point;
    let mut h = Hash64::new();
    h.add(u64::from(pixels_per_point.to_bits()));
    h.add(u64::from(texture_key(mesh.texture_id)));
    h.add(mesh.vertices.len() as u64);
    h.add(mesh.indices.len() as u64);
    // The fraction of the first vertex's position: the raster is only valid at the same
    // sub-pixel phase.
    let phase = |v: f32| ((v - v.floor()) * 64.0).round() as u64;
    h.add(phase(first.x) | (phase(first.y) << 32));
    for v in &mesh.vertices {
        h.add(u64::from(v.uv.x.to_bits()) | (u64::from(v.uv.y.to_bits()) << 32));
        h.add(u64::from(u32::from_le_bytes(v.color.to_array())));
    }
    for pair in mesh.indices.chunks(2) {
        let hi = pair.get(1).copied().unwrap_or(u32::MAX);
        h.add(u64::from(pair[0]) | (u64::from(hi) << 32));
    }
    (h.finish(), [first.x.floor() as i64, first.y.floor() as i64])
}

/// The mesh's vertex positions in pixels relative to `anchor`.
fn relative_positions(mesh: &egui::Mesh, pixels_per_point: f32, anchor: [i64; 2]) -> Vec<Vec2> {
    let a = vec2(anchor[0] as f32, anchor[1] as f32);
    mesh.vertices
        .iter()
        .map(|v| v.pos.to_vec2() * pixels_per_point - a)
        .collect()
}

/// Whether the mesh, relative to `anchor`, has its vertices where `shape` has them (within
/// [`MOVABLE_TOLERANCE`]).
fn same_shape(mesh: &egui::Mesh, pixels_per_point: f32, anchor: [i64; 2], shape: &[Vec2]) -> bool {
    let a = vec2(anchor[0] as f32, anchor[1] as f32);
    mesh.vertices.len() == shape.len()
        && mesh.vertices.iter().zip(shape).all(|(v, s)| {
            let d = v.pos.to_vec2() * pixels_per_point - a - *s;
            d.x.abs() <= MOVABLE_TOLERANCE && d.y.abs() <= MOVABLE_TOLERANCE
        })
}

/// A 64-bit multiply-xorshift hash (keys of movable rasters: a collision would show one
/// mesh's pixels for another, so 32 bits are not enough).
struct Hash64(u64);

impl Hash64 {
    fn new() -> Self {
        Hash64(0xcbf2_9ce4_8422_2325)
    }

    #[inline(always)]
    fn add(&mut self, v: u64) {
        let mut x = v ^ self.0;
        x = (x ^ (x >> 32)).wrapping_mul(0xd6e8_feb8_6659_fd93);
        x = (x ^ (x >> 32)).wrapping_mul(0xd6e8_feb8_6659_fd93);
        self.0 = x ^ (x >> 32);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A mutable reference to a slice of image buffer data and corresponding image extents.
#[derive(Debug)]
pub struct BufferMutRef<'a> {
    pub data: &'a mut [[u8; 4]],
    pub width: usize,
    pub height: usize,
    pub width_extent: usize,
    pub height_extent: usize,
}

impl<'a> BufferMutRef<'a> {
    pub fn new(data: &'a mut [[u8; 4]], width: usize, height: usize) -> Self {
        assert!(width > 0);
        assert!(height > 0);
        BufferMutRef {
            data,
            width,
            height,
            width_extent: width - 1,
            height_extent: height - 1,
        }
    }

    #[inline(always)]
    pub fn get_range(&self, start: usize, end: usize, y: usize) -> Range<usize> {
        let row_start = y * self.width;
        let start = row_start + start;
        let end = row_start + end;
        start..end
    }

    #[inline(always)]
    pub fn get_mut_span(&mut self, start: usize, end: usize, y: usize) -> &mut [[u8; 4]] {
        let range = self.get_range(start, end, y);
        &mut self.data[range]
    }

    #[inline(always)]
    pub fn get_mut_clamped(&mut self, x: usize, y: usize) -> &mut [u8; 4] {
        let x = x.min(self.width_extent);
        let y = y.min(self.height_extent);
        &mut self.data[x + y * self.width]
    }

    #[inline(always)]
    pub fn get_mut(&mut self, x: usize, y: usize) -> &mut [u8; 4] {
        &mut self.data[x + y * self.width]
    }
}

/// A reference to a slice of image buffer data and corresponding image extents.
#[derive(Debug)]
pub struct BufferRef<'a> {
    pub data: &'a [[u8; 4]],
    pub width: usize,
    pub height: usize,
    pub width_extent: usize,
    pub height_extent: usize,
}

impl<'a> BufferRef<'a> {
    #[inline(always)]
    pub fn get_ref_clamped(&self, x: usize, y: usize) -> &[u8; 4] {
        let x = x.min(self.width_extent);
        let y = y.min(self.height_extent);
        &self.data[x + y * self.width]
    }

    #[inline(always)]
    pub fn get_ref(&self, x: usize, y: usize) -> &[u8; 4] {
        &self.data[x + y * self.width]
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use egui::epaint::{ClippedPrimitive, Primitive, Vertex};

    fn white_texture() -> egui::TexturesDelta {
        let image = egui::ColorImage::new([1, 1], vec![Color32::WHITE]);
        let mut delta = egui::TexturesDelta::default();
        delta.set.insert(
            egui::TextureId::default(),
            vec![egui::epaint::ImageDelta::full(
                image,
                egui::TextureOptions::LINEAR,
            )]
            .into(),
        );
        delta
    }

    /// A map-like mesh: a grid of triangles of varied colours (some translucent), with
    /// fractional vertex positions computed as `world * scale + offset`, like a panned map.
    fn grid(offset: [f64; 2]) -> Mesh {
        let mut mesh = Mesh::default();
        let n = 40u32;
        let scale = 7.37;
        for j in 0..=n {
            for i in 0..=n {
                let w = [
                    f64::from(i) + 0.13 * f64::from(j % 3),
                    f64::from(j) + 0.29 * f64::from(i % 5),
                ];
                let pos = Pos2::new(
                    (w[0] * scale + offset[0]) as f32,
                    (w[1] * scale + offset[1]) as f32,
                );
                let c = (i * 37 + j * 11) as u8;
                let alpha = if (i + j) % 7 == 0 { 160 } else { 255 };
                mesh.vertices.push(Vertex {
                    pos,
                    uv: egui::epaint::WHITE_UV,
                    color: Color32::from_rgba_unmultiplied(c, 255 - c, c / 2, alpha),
                });
            }
        }
        for j in 0..n {
            for i in 0..n {
                let a = j * (n + 1) + i;
                mesh.indices
                    .extend([a, a + 1, a + n + 1, a + 1, a + n + 2, a + n + 1]);
            }
        }
        mesh
    }

    fn frame(offset: [f64; 2]) -> Vec<ClippedPrimitive> {
        let clip = egui::Rect::from_min_max(Pos2::new(20.5, 30.0), Pos2::new(250.0, 190.5));
        vec![ClippedPrimitive {
            clip_rect: clip,
            primitive: Primitive::Mesh(grid(offset)),
        }]
    }

    #[test]
    fn a_mesh_moved_by_whole_pixels_is_cut_from_its_raster_and_looks_as_if_drawn_anew() {
        let (w, h) = (300, 220);
        let mut kept = EguiSoftwareRender::new(ColorFieldOrder::Bgra);
        let mut texture = white_texture();
        kept.render_to_canvas(w, h, &frame([-30.0, -20.0]), &texture, 1.0);
        let mut moved = 0;
        for step in 1..12 {
            // Whole-pixel steps of a drag; the mesh is larger than its clip, so pixels come
            // into view.
            let offset = [-30.0 + 3.0 * f64::from(step), -20.0 + 2.0 * f64::from(step)];
            let prims = frame(offset);
            kept.render_to_canvas(w, h, &prims, &egui::TexturesDelta::default(), 1.0);
            moved += kept.prims_moved_last_frame();
            let mut fresh = EguiSoftwareRender::new(ColorFieldOrder::Bgra);
            fresh.render_to_canvas(w, h, &prims, &texture, 1.0);
            let (a, b) = (kept.canvas().0, fresh.canvas().0);
            let differing = a.iter().zip(b).filter(|(x, y)| x != y).count();
            let worst = a
                .iter()
                .zip(b)
                .map(|(x, y)| (0..4).map(|i| x[i].abs_diff(y[i])).max().unwrap_or(0))
                .max()
                .unwrap_or(0);
            // Float rounding of the raster's origin moves a few colour interpolations by one
            // level; the picture is the same.
            assert!(
                worst <= 2 && differing * 200 < a.len(),
                "step {step}: {differing} pixels differ from a fresh raster, by up to {worst}"
            );
        }
        // The first move needs pixels outside the first raster; the others are cut out.
        assert!(moved >= 9, "only {moved} frames reused the raster");
        // A sub-pixel move is rasterized anew.
        kept.render_to_canvas(
            w,
            h,
            &frame([3.5, 2.0]),
            &egui::TexturesDelta::default(),
            1.0,
        );
        assert_eq!(kept.prims_moved_last_frame(), 0);
        texture.clear();
    }
    fn moved_frame(mesh: &Arc<Mesh>, offset: Vec2) -> Vec<ClippedPrimitive> {
        let clip = egui::Rect::from_min_max(Pos2::new(20.5, 30.0), Pos2::new(250.0, 190.5));
        let moved = MovedMesh {
            key: 7,
            mesh: mesh.clone(),
            offset,
        };
        vec![ClippedPrimitive {
            clip_rect: clip,
            primitive: Primitive::Callback(egui::PaintCallback {
                rect: clip,
                callback: Arc::new(moved),
            }),
        }]
    }

    #[test]
    fn a_moved_mesh_is_cut_from_one_raster_and_looks_like_the_mesh_drawn_there() {
        let (w, h) = (300, 220);
        let mesh = Arc::new(grid([-30.0, -20.0]));
        let mut kept = EguiSoftwareRender::new(ColorFieldOrder::Bgra);
        let mut texture = white_texture();
        kept.render_to_canvas(w, h, &moved_frame(&mesh, Vec2::ZERO), &texture, 1.0);
        let mut cut = 0;
        for step in 1..12 {
            let offset = vec2(3.0 * step as f32, 2.0 * step as f32);
            kept.render_to_canvas(
                w,
                h,
                &moved_frame(&mesh, offset),
                &egui::TexturesDelta::default(),
                1.0,
            );
            cut += kept.prims_moved_last_frame();
            // What a renderer that does not know the callback draws.
            let plain = MovedMesh {
                key: 0,
                mesh: mesh.clone(),
                offset,
            }
            .translated();
            let clip = egui::Rect::from_min_max(Pos2::new(20.5, 30.0), Pos2::new(250.0, 190.5));
            let mut fresh = EguiSoftwareRender::new(ColorFieldOrder::Bgra);
            fresh.render_to_canvas(
                w,
                h,
                &[ClippedPrimitive {
                    clip_rect: clip,
                    primitive: Primitive::Mesh(plain),
                }],
                &texture,
                1.0,
            );
            let (a, b) = (kept.canvas().0, fresh.canvas().0);
            let differing = a.iter().zip(b).filter(|(x, y)| x != y).count();
            let worst = a
                .iter()
                .zip(b)
                .map(|(x, y)| (0..4).map(|i| x[i].abs_diff(y[i])).max().unwrap_or(0))
                .max()
                .unwrap_or(0);
            assert!(
                worst <= 2 && differing * 200 < a.len(),
                "step {step}: {differing} pixels differ from the mesh drawn there, by up to {worst}"
            );
        }
        // Every step lies within the first raster's margin: all of them are cut out.
        assert_eq!(cut, 11, "only {cut} frames were cut from the kept raster");
        // The same place again: nothing to do.
        kept.render_to_canvas(
            w,
            h,
            &moved_frame(&mesh, vec2(33.0, 22.0)),
            &egui::TexturesDelta::default(),
            1.0,
        );
        assert_eq!(kept.prims_updated_last_frame(), 0);
        assert!(kept.damage().is_empty());
        // A fraction of a pixel is drawn anew, not cut out.
        kept.render_to_canvas(
            w,
            h,
            &moved_frame(&mesh, vec2(3.5, 2.0)),
            &egui::TexturesDelta::default(),
            1.0,
        );
        assert_eq!(kept.prims_moved_last_frame(), 0);
        assert_eq!(kept.prims_updated_last_frame(), 1);
        texture.clear();
    }
}
