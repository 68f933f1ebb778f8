//! A PNG of the board (issue 14). In the window, `F12` (or the Export menu) draws the footer
//! with the as-of time and the source for one frame and asks the renderer for that frame's
//! pixels (`egui::Context::request_screenshot`; the wgpu and GL paths answer it in eframe,
//! the CPU runner answers it from its canvas); the journal worker encodes and writes the PNG.
//! Headless (`sitboard screenshot`), the board runs whole frames offscreen and the vendored
//! CPU rasterizer draws the last one into a pixel buffer: no window and no GPU.

use egui::{Color32, ColorImage, RawInput, ViewportId, ViewportInfo};
use egui_software_backend::{ColorFieldOrder, EguiSoftwareRender};

use super::{SitboardApp, fonts, theme};

/// Frames run before the picture is taken: the wall sets its zoom on the first, lays out at
/// it on the next; the rest let anything sized on a previous frame settle.
const FRAMES: usize = 6;

/// Encode pixels as PNG (8-bit RGB: the picture is opaque; the smaller of the standard
/// compressions, a 4K wall is under a megabyte).
pub fn encode_png(image: &ColorImage) -> Result<Vec<u8>, String> {
    let [w, h] = image.size;
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w as u32, h as u32);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::High);
        let mut writer = enc.write_header().map_err(|e| format!("cannot encode the PNG: {e}"))?;
        let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| [c.r(), c.g(), c.b()]).collect();
        writer.write_image_data(&bytes).map_err(|e| format!("cannot encode the PNG: {e}"))?;
    }
    Ok(out)
}

/// Premultiplied RGBA pixels over the board's background, as a [`ColorImage`].
pub fn over_background(pixels: &[[u8; 4]], w: usize, h: usize, order: ColorFieldOrder) -> ColorImage {
    let bg = theme::BG;
    let over = |c: u8, b: u8, a: u8| c.saturating_add(((u16::from(b) * u16::from(255 - a)) / 255) as u8);
    let px = pixels
        .iter()
        .map(|p| {
            let (r, g, b) = match order {
                ColorFieldOrder::Rgba => (p[0], p[1], p[2]),
                ColorFieldOrder::Bgra => (p[2], p[1], p[0]),
            };
            let a = p[3];
            Color32::from_rgb(over(r, bg.r(), a), over(g, bg.g(), a), over(b, bg.b(), a))
        })
        .collect();
    ColorImage::new([w, h], px)
}

/// Draw the board offscreen at `size` pixels (native scale 1) with the capture footer, and
/// return the last frame's pixels. The app is set up by the caller (day, region, view).
pub fn render_offscreen(app: &mut SitboardApp, size: (f32, f32)) -> Result<ColorImage, String> {
    let (w, h) = (size.0.round() as usize, size.1.round() as usize);
    if w == 0 || h == 0 {
        return Err(format!("{w}×{h} is not a picture size"));
    }
    let ctx = egui::Context::default();
    fonts::install(&ctx);
    theme::apply(&ctx);
    app.set_capture_footer(true);
    let mut raster = EguiSoftwareRender::new(ColorFieldOrder::Rgba);
    let mut textures = egui::TexturesDelta::default();
    let mut last = None;
    for _ in 0..FRAMES {
        let ppp = ctx.pixels_per_point();
        let info = ViewportInfo { native_pixels_per_point: Some(1.0), ..Default::default() };
        let raw = RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w as f32, h as f32) / ppp)),
            viewports: std::iter::once((ViewportId::ROOT, info)).collect(),
            ..Default::default()
        };
        let mut out = ctx.run_ui(raw, |ui| app.frame(ui));
        textures.append(std::mem::take(&mut out.textures_delta));
        last = Some(out);
    }
    let out = last.ok_or("no frame was drawn")?;
    let primitives = ctx.tessellate(out.shapes, out.pixels_per_point);
    raster.render_to_canvas(w, h, &primitives, &textures, out.pixels_per_point);
    textures.clear();
    let (pixels, cw, ch) = raster.canvas();
    Ok(over_background(pixels, cw, ch, ColorFieldOrder::Rgba))
}
