//! The CPU renderer (`--renderer cpu`) draws what the GPU path draws: the demo board's
//! overview and map rendered in one kittest harness by wgpu (lavapipe where there is no GPU)
//! and by the vendored CPU rasterizer, from the same tessellated frame, compared pixel by
//! pixel within a tolerance (anti-aliased edges and glyph filtering differ slightly between
//! the two, colours and geometry must not). No timing is asserted.

mod ui_common;

use std::cell::RefCell;
use std::rc::Rc;

use egui::TexturesDelta;
use egui_kittest::TestRenderer;
use egui_kittest::wgpu::WgpuTestRenderer;
use egui_software_backend::{ColorFieldOrder, EguiSoftwareRender, MovedMesh};
use sitboard::i18n::Lang;
use sitboard::ui::{MainTab, UiCommand};
use ui_common::*;

/// The CPU rasterizer's side of the tee: the textures it has been given, and its last frame.
struct CpuSide {
    raster: EguiSoftwareRender,
    pending: TexturesDelta,
    frame: Option<(Vec<[u8; 4]>, usize, usize)>,
    /// Primitives cut out of a kept raster (moved) over all frames.
    moved: usize,
}

impl Drop for CpuSide {
    fn drop(&mut self) {
        self.pending.clear(); // what arrived after the last frame is never drawn
    }
}

/// Feeds every texture change and every rendered frame to both wgpu and the CPU rasterizer.
struct Tee {
    gpu: WgpuTestRenderer,
    cpu: Rc<RefCell<CpuSide>>,
}

impl TestRenderer for Tee {
    fn handle_delta(&mut self, delta: &mut TexturesDelta) {
        self.cpu.borrow_mut().pending.append(delta.clone());
        self.gpu.handle_delta(delta);
    }

    fn render(&mut self, ctx: &egui::Context, output: &egui::FullOutput) -> Result<image::RgbaImage, String> {
        let ppp = ctx.pixels_per_point();
        let size = ctx.content_rect().size() * ppp;
        let (w, h) = (size.x.round() as usize, size.y.round() as usize);
        let primitives = ctx.tessellate(output.shapes.clone(), ppp);
        {
            let mut cpu = self.cpu.borrow_mut();
            let mut pending = std::mem::take(&mut cpu.pending);
            cpu.raster.render_to_canvas(w, h, &primitives, &pending, ppp);
            cpu.moved += cpu.raster.prims_moved_last_frame();
            pending.clear(); // applied
            let (px, cw, ch) = cpu.raster.canvas();
            let frame = (px.to_vec(), cw, ch);
            cpu.frame = Some(frame);
        }
        // wgpu does not know the CPU renderer's moved-mesh callback: it gets the mesh, moved.
        let mut for_gpu = output.clone();
        for clipped in &mut for_gpu.shapes {
            if let egui::Shape::Callback(cb) = &clipped.shape
                && let Some(moved) = cb.callback.downcast_ref::<MovedMesh>()
            {
                clipped.shape = egui::Shape::mesh(moved.translated());
            }
        }
        self.gpu.render(ctx, &for_gpu)
    }
}

/// How far apart two frames are.
#[derive(Debug)]
struct Diff {
    /// Mean over pixels of the largest channel difference (0–255).
    mean: f64,
    /// Share of pixels whose largest channel difference exceeds 48.
    far: f64,
    /// Largest difference of 16×16 block means (any channel): what a wall viewer sees.
    block: f64,
}

fn compare(gpu: &[u8], cpu: &[[u8; 4]], w: usize, h: usize) -> Diff {
    assert_eq!(gpu.len(), w * h * 4, "wgpu frame size");
    assert_eq!(cpu.len(), w * h, "cpu frame size");
    let mut sum = 0u64;
    let mut far = 0usize;
    for (g, c) in gpu.chunks_exact(4).zip(cpu) {
        let d = (0..3).map(|i| g[i].abs_diff(c[i])).max().unwrap_or(0);
        sum += u64::from(d);
        if d > 48 {
            far += 1;
        }
    }
    let mut block = 0f64;
    const B: usize = 16;
    for by in 0..h / B {
        for bx in 0..w / B {
            let mut sg = [0u64; 3];
            let mut sc = [0u64; 3];
            for y in by * B..(by + 1) * B {
                for x in bx * B..(bx + 1) * B {
                    let i = y * w + x;
                    for k in 0..3 {
                        sg[k] += u64::from(gpu[i * 4 + k]);
                        sc[k] += u64::from(cpu[i][k]);
                    }
                }
            }
            for k in 0..3 {
                block = block.max((sg[k] as f64 - sc[k] as f64).abs() / (B * B) as f64);
            }
        }
    }
    Diff { mean: sum as f64 / (w * h) as f64, far: far as f64 / (w * h) as f64, block }
}

/// Writes both frames as PPM files (for a failing run) and returns where.
fn dump(name: &str, gpu: &[u8], cpu: &[[u8; 4]], w: usize, h: usize) -> String {
    let dir = std::env::temp_dir().join("sitboard-cpu-render");
    let _ = std::fs::create_dir_all(&dir);
    let write = |file: &str, px: &mut dyn Iterator<Item = [u8; 3]>| {
        let mut bytes = format!("P6\n{w} {h}\n255\n").into_bytes();
        for p in px {
            bytes.extend_from_slice(&p);
        }
        let _ = std::fs::write(dir.join(file), bytes);
    };
    write(&format!("{name}-wgpu.ppm"), &mut gpu.chunks_exact(4).map(|p| [p[0], p[1], p[2]]));
    write(&format!("{name}-cpu.ppm"), &mut cpu.iter().map(|p| [p[0], p[1], p[2]]));
    dir.display().to_string()
}

#[test]
fn the_cpu_renderer_draws_what_wgpu_draws() {
    if sitboard::ui::renderer::probe_wgpu().is_none() {
        // No adapter at all (not even lavapipe): nothing to compare against.
        assert!(
            std::env::var_os("SITBOARD_REQUIRE_WGPU").is_none(),
            "SITBOARD_REQUIRE_WGPU is set but wgpu has no adapter"
        );
        eprintln!("skipped: wgpu finds no adapter (install mesa-vulkan-drivers for lavapipe)");
        return;
    }
    let cpu = Rc::new(RefCell::new(CpuSide {
        raster: EguiSoftwareRender::new(ColorFieldOrder::Rgba),
        pending: TexturesDelta::default(),
        frame: None,
        moved: 0,
    }));
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1920.0, 1080.0])
        .with_context_setup(|ctx| {
            sitboard::ui::fonts::install(ctx);
            sitboard::ui::theme::apply(ctx);
            // As the CPU runner says: the map's layer comes as a moved raster.
            sitboard::ui::renderer::set_moved_meshes(ctx, true);
        })
        .renderer(Tee { gpu: WgpuTestRenderer::new(), cpu: cpu.clone() })
        .build_ui_state(|ui, app: &mut sitboard::ui::SitboardApp| app.frame(ui), demo_app(Lang::Zh));
    harness.run();

    let mut previous: Option<Vec<u8>> = None;
    for (name, tab) in [("overview", MainTab::Overview), ("map", MainTab::Map), ("map panned", MainTab::Map)] {
        harness.state_mut().apply(UiCommand::SetTab(tab));
        harness.run();
        if name == "map panned" {
            // Drag the map: its layer is then cut out of the raster kept from the first step.
            let before = cpu.borrow().moved;
            // (walkers repaints every frame while dragged: step, do not wait for it to settle)
            harness.drag_at(egui::pos2(1000.0, 600.0));
            harness.run_steps(2);
            for step in 1..=8 {
                harness.hover_at(egui::pos2(1000.0 + 12.0 * step as f32, 600.0 + 7.0 * step as f32));
                harness.run_steps(2);
                // Frames reach the renderers only when rendered.
                harness.render().expect("wgpu renders the board");
            }
            harness.drop_at(egui::pos2(1100.0, 660.0));
            harness.run();
            assert!(cpu.borrow().moved > before, "the panned map was not moved as a raster");
        }
        let gpu = harness.render().expect("wgpu renders the board");
        let (w, h) = (gpu.width() as usize, gpu.height() as usize);
        // The tab switch really drew something else (the comparison is not of a blank frame).
        if let Some(prev) = previous.replace(gpu.as_raw().clone()) {
            let changed = prev.chunks_exact(4).zip(gpu.as_raw().chunks_exact(4)).filter(|(a, b)| a != b).count();
            // (a pan leaves the inside of large counties as it was: fewer pixels change)
            let least = if name == "map panned" { w * h / 50 } else { w * h / 10 };
            assert!(changed > least, "{name}: the frame barely changed from the previous one ({changed} pixels)");
        }
        let side = cpu.borrow();
        let Some((frame, cw, ch)) = &side.frame else { panic!("the CPU rasterizer saw no frame") };
        assert_eq!((*cw, *ch), (w, h), "{name}: both renderers draw the same size");
        let d = compare(gpu.as_raw(), frame, w, h);
        eprintln!("{name}: {d:?}");
        let ok = d.mean < 1.5 && d.far < 0.004 && d.block < 12.0;
        if !ok {
            let at = dump(name, gpu.as_raw(), frame, w, h);
            panic!("{name}: the CPU renderer drifted from wgpu: {d:?} (frames in {at})");
        }
    }
}
