//! The board on the CPU (`--renderer cpu`, issue 19): a winit window, egui-winit for input,
//! egui's meshes rasterized by the vendored `egui_software_backend` into a `softbuffer`
//! surface. The rasterizer caches every clipped primitive it drew and recomposites only the
//! 64 px tiles whose primitives changed; only those tiles are copied and presented (X11 SHM
//! `put_image` per damaged rectangle), so a frame where a label changes costs a label.
//!
//! A frame is drawn only when egui asks for one (input, `request_repaint[_after]` from the
//! board or its workers), as in eframe: nothing changing means no frames at all.
//!
//! The board state is saved where eframe saves it (`eframe::storage_dir("Sitboard")/app.ron`,
//! the same RON key-value file, the same key), so switching renderers keeps the board's
//! state. eframe's own `FileStorage` is private, hence [`RonStorage`].

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow};
use egui::ViewportId;
use egui_software_backend::{ColorFieldOrder, EguiSoftwareRender};
use winit::application::ApplicationHandler;
use winit::event::WindowEvent;
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop, EventLoopProxy, OwnedDisplayHandle};
use winit::window::{Window, WindowId};

use super::SitboardApp;
use super::frame_stats::{FrameStats, process_cpu, since_process_start};
use super::renderer::RendererInfo;
use crate::settings::{Settings, StartOptions};

/// How often the state is saved while frames are drawn (eframe's autosave interval).
const AUTOSAVE: Duration = Duration::from_secs(30);

/// The display refresh assumed when the monitor does not say.
const DEFAULT_REFRESH_MILLIHERTZ: u32 = 60_000;

/// Open the board in a window drawn by the CPU rasterizer; blocks until it is closed.
/// `early`: the loader, when it was started before (it reads while the window opens).
pub fn run(
    settings: Settings,
    start: StartOptions,
    info: RendererInfo,
    early: Option<super::workers::LoadLink>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let event_loop: EventLoop<UserEvent> =
        EventLoop::with_user_event().build().context("cannot start the window system's event loop")?;
    let softbuffer_ctx = softbuffer::Context::new(event_loop.owned_display_handle())
        .map_err(|e| anyhow!("softbuffer cannot use this display: {e}"))?;

    let ctx = egui::Context::default();
    // The map's layer comes as a moved raster while panned (see `renderer::set_moved_meshes`).
    super::renderer::set_moved_meshes(&ctx, true);
    let proxy: EventLoopProxy<UserEvent> = event_loop.create_proxy();
    ctx.set_request_repaint_callback(move |r| {
        let _ = proxy
            .send_event(UserEvent::Repaint { when: Instant::now() + r.delay, pass_nr: r.current_cumulative_pass_nr });
    });

    let storage = RonStorage::open();
    let viewport = super::viewport(&start);
    let stats = FrameStats::new(start.frame_stats, super::stats_renderer(&info));
    let mut app =
        SitboardApp::create_loading(&ctx, storage.as_ref().map(|s| s as &dyn eframe::Storage), settings, start, early);
    app.set_renderer(info);

    let mut runner = Runner {
        window: None,
        ctx,
        app,
        storage,
        viewport,
        softbuffer_ctx,
        raster: EguiSoftwareRender::new(ColorFieldOrder::Bgra),
        textures: egui::TexturesDelta::default(),
        next_repaint: None,
        we_asked: false,
        presented_size: None,
        last_save: Instant::now(),
        last_frame: None,
        frame_interval: Duration::from_micros(1_000_000_000 / u64::from(DEFAULT_REFRESH_MILLIHERTZ)),
        started,
        stats,
        error: None,
    };
    let ran = event_loop.run_app(&mut runner);
    runner.textures.clear(); // the window is gone: nothing left to draw them into
    ran.context("the window system's event loop failed")?;
    if runner.stats.first_frame().is_some() {
        tracing::info!("{}", runner.stats.total_line());
    }
    runner.stats.finish();
    match runner.error.take() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

enum UserEvent {
    /// egui asked for a frame at `when` (from the board, its workers or egui itself), during
    /// pass `pass_nr`.
    Repaint { when: Instant, pass_nr: u64 },
}

/// The window and what draws into it. Field order is drop order: the surface and egui-winit's
/// clipboard go before the window they use.
struct Win {
    surface: softbuffer::Surface<OwnedDisplayHandle, Rc<Window>>,
    input: egui_winit::State,
    viewport_info: egui::ViewportInfo,
    window: Rc<Window>,
}

struct Runner {
    window: Option<Win>,
    ctx: egui::Context,
    app: SitboardApp,
    storage: Option<RonStorage>,
    viewport: egui::ViewportBuilder,
    softbuffer_ctx: softbuffer::Context<OwnedDisplayHandle>,
    raster: EguiSoftwareRender,
    /// Texture changes not yet given to the rasterizer.
    textures: egui::TexturesDelta,
    /// The earliest frame egui asked for.
    next_repaint: Option<Instant>,
    /// The next `RedrawRequested` is one we asked for (else the window system wants the
    /// whole window: an expose after being covered).
    we_asked: bool,
    /// The surface size last presented (a new size presents everything).
    presented_size: Option<(u32, u32)>,
    last_save: Instant,
    /// When the last frame started, and the shortest time between two frames: one display
    /// refresh. The GPU paths wait for vsync; without it a drag that asks for a frame on
    /// every pass (walkers does) would draw every couple of milliseconds.
    last_frame: Option<Instant>,
    frame_interval: Duration,
    started: Instant,
    stats: FrameStats,
    error: Option<anyhow::Error>,
}

impl Runner {
    fn open_window(&mut self, el: &ActiveEventLoop) -> anyhow::Result<()> {
        let window =
            Rc::new(egui_winit::create_window(&self.ctx, el, &self.viewport).context("cannot open the board window")?);
        let surface = softbuffer::Surface::new(&self.softbuffer_ctx, window.clone())
            .map_err(|e| anyhow!("cannot draw into the window (softbuffer): {e}"))?;
        let input = egui_winit::State::new(
            self.ctx.clone(),
            ViewportId::ROOT,
            el,
            Some(window.scale_factor() as f32),
            window.theme(),
            None,
        );
        let mut viewport_info = egui::ViewportInfo::default();
        egui_winit::update_viewport_info(&mut viewport_info, &self.ctx, &window, true);
        let refresh = window
            .current_monitor()
            .and_then(|m| m.refresh_rate_millihertz())
            .filter(|mhz| *mhz >= 20_000)
            .unwrap_or(DEFAULT_REFRESH_MILLIHERTZ);
        self.frame_interval = Duration::from_micros(1_000_000_000 / u64::from(refresh));
        window.request_redraw();
        self.we_asked = false;
        self.window = Some(Win { surface, input, viewport_info, window });
        Ok(())
    }

    fn save(&mut self) {
        if let Some(s) = &mut self.storage {
            self.app.save_state(s);
            eframe::Storage::flush(s);
        }
        self.last_save = Instant::now();
    }

    fn request_redraw(&mut self) {
        if let Some(w) = &self.window {
            self.we_asked = true;
            w.window.request_redraw();
        }
    }

    /// One frame: run the board, rasterize what changed, present the damaged rectangles.
    fn paint(&mut self, el: &ActiveEventLoop, whole_window: bool) -> anyhow::Result<()> {
        let Some(win) = &mut self.window else { return Ok(()) };
        let t0 = Instant::now();
        let cpu0 = process_cpu();
        self.last_frame = Some(t0);
        egui_winit::update_viewport_info(&mut win.viewport_info, &self.ctx, &win.window, false);
        let mut raw_input = win.input.take_egui_input(&win.window);
        zoom_notches_at_once(&mut raw_input.events, &self.ctx.options(|o| o.input_options));
        raw_input.viewports = std::iter::once((ViewportId::ROOT, win.viewport_info.clone())).collect();
        let app = &mut self.app;
        let mut out = self.ctx.run_ui(raw_input, |ui| app.frame(ui));
        let complete = app.data_shown();
        win.input.handle_platform_output_with_event_loop(&win.window, el, std::mem::take(&mut out.platform_output));
        let mut shots = Vec::new();
        if let Some(vo) = out.viewport_output.remove(&ViewportId::ROOT) {
            let mut actions = Vec::new();
            // Screenshots are the renderer's to answer: from the canvas, once drawn.
            let (taken, commands): (Vec<_>, Vec<_>) =
                vo.commands.into_iter().partition(|c| matches!(c, egui::ViewportCommand::Screenshot(_)));
            shots.extend(taken.into_iter().filter_map(|c| match c {
                egui::ViewportCommand::Screenshot(cb) => Some(cb),
                _ => None,
            }));
            egui_winit::process_viewport_commands(
                &self.ctx,
                &mut win.viewport_info,
                commands,
                &win.window,
                &mut actions,
            );
            if vo.repaint_delay < Duration::from_secs(3600 * 24) {
                let when = Instant::now() + vo.repaint_delay;
                self.next_repaint = Some(self.next_repaint.map_or(when, |t| t.min(when)));
            }
        }
        if win.viewport_info.close_requested() {
            el.exit();
        }
        let primitives = self.ctx.tessellate(std::mem::take(&mut out.shapes), out.pixels_per_point);
        // Texture changes wait here until a frame is rasterized (none while minimized).
        self.textures.append(std::mem::take(&mut out.textures_delta));
        let t1 = Instant::now();
        let cpu1 = process_cpu();

        let size = win.window.inner_size();
        let (Some(w), Some(h)) = (NonZeroU32::new(size.width), NonZeroU32::new(size.height)) else {
            return Ok(()); // minimized
        };
        self.raster.render_to_canvas(
            w.get() as usize,
            h.get() as usize,
            &primitives,
            &self.textures,
            out.pixels_per_point,
        );
        self.textures.clear(); // applied
        if !shots.is_empty() {
            let (px, cw, ch) = self.raster.canvas();
            let image = Arc::new(super::screenshot::over_background(px, cw, ch, ColorFieldOrder::Bgra));
            for cb in shots {
                cb.complete(image.clone());
            }
        }
        let new_size = self.presented_size != Some((w.get(), h.get()));
        if new_size {
            win.surface.resize(w, h).map_err(|e| anyhow!("cannot resize the window's buffer: {e}"))?;
        }
        let damage = {
            let mut damage = self.raster.damage();
            let mut buffer = win.surface.buffer_mut().map_err(|e| anyhow!("cannot draw into the window: {e}"))?;
            // The buffer holds the last presented frame (age 1) unless it is new: then, after a
            // resize or when the window system asks for the whole window, copy everything.
            let full = whole_window || new_size || buffer.age() == 0;
            if full {
                damage = vec![[0, 0, w.get() as usize, h.get() as usize]];
            }
            if !damage.is_empty() {
                self.raster.copy_canvas_to(&mut buffer, &damage);
                let rects: Vec<softbuffer::Rect> = damage
                    .iter()
                    .filter_map(|r| {
                        Some(softbuffer::Rect {
                            x: u32::try_from(r[0]).ok()?,
                            y: u32::try_from(r[1]).ok()?,
                            width: NonZeroU32::new(u32::try_from(r[2].saturating_sub(r[0])).ok()?)?,
                            height: NonZeroU32::new(u32::try_from(r[3].saturating_sub(r[1])).ok()?)?,
                        })
                    })
                    .collect();
                buffer.present_with_damage(&rects).map_err(|e| anyhow!("cannot present the frame: {e}"))?;
                self.presented_size = Some((w.get(), h.get()));
            }
            damage
        };
        drop(primitives);
        let t3 = Instant::now();
        let cpu3 = process_cpu();
        let ms = |a: Option<Duration>, b: Option<Duration>, wall: Duration| match (a, b) {
            (Some(a), Some(b)) => b.saturating_sub(a).as_secs_f64() * 1000.0,
            _ => wall.as_secs_f64() * 1000.0,
        };
        self.stats.frame(ms(cpu0, cpu1, t1 - t0), ms(cpu1, cpu3, t3 - t1));
        if self.stats.enabled() {
            self.stats.textures(&self.ctx);
        }
        if !damage.is_empty() && self.stats.first_frame().is_none() {
            let since = since_process_start();
            self.stats.first_presented(since);
            tracing::info!(
                "cpu renderer: first frame presented {:.0} ms after start ({:.0} ms after the runner started)",
                since.as_secs_f64() * 1000.0,
                self.started.elapsed().as_secs_f64() * 1000.0
            );
        }
        // The first frame with the data on screen (its pixels are in the window now, whether
        // or not they differ from the last frame's).
        if complete && self.stats.first_complete().is_none() && self.presented_size.is_some() {
            let since = since_process_start();
            self.stats.complete_presented(since);
            tracing::info!(
                "cpu renderer: first complete frame presented {:.0} ms after start",
                since.as_secs_f64() * 1000.0
            );
        }
        self.stats.tick();
        if self.last_save.elapsed() >= AUTOSAVE {
            self.save();
        }
        Ok(())
    }
}

impl ApplicationHandler<UserEvent> for Runner {
    fn resumed(&mut self, el: &ActiveEventLoop) {
        if self.window.is_none()
            && let Err(e) = self.open_window(el)
        {
            self.error = Some(e);
            el.exit();
        }
    }

    fn user_event(&mut self, _el: &ActiveEventLoop, event: UserEvent) {
        let UserEvent::Repaint { when, pass_nr } = event;
        // A request made during a pass that has run since is already satisfied (eframe's rule).
        let now_nr = self.ctx.cumulative_pass_nr_for(ViewportId::ROOT);
        if now_nr == pass_nr || now_nr == pass_nr + 1 {
            self.next_repaint = Some(self.next_repaint.map_or(when, |t| t.min(when)));
        }
    }

    fn window_event(&mut self, el: &ActiveEventLoop, id: WindowId, event: WindowEvent) {
        let Some(win) = &mut self.window else { return };
        if win.window.id() != id {
            return;
        }
        match event {
            WindowEvent::CloseRequested => {
                self.save();
                el.exit();
            }
            WindowEvent::RedrawRequested => {
                let whole = !std::mem::take(&mut self.we_asked);
                if let Err(e) = self.paint(el, whole) {
                    self.error = Some(e);
                    el.exit();
                }
            }
            other => {
                let response = win.input.on_window_event(&win.window, &other);
                if response.repaint {
                    // Drawn in `about_to_wait`, with the input that arrives until then.
                    let now = Instant::now();
                    self.next_repaint = Some(self.next_repaint.map_or(now, |t| t.min(now)));
                }
            }
        }
    }

    fn about_to_wait(&mut self, el: &ActiveEventLoop) {
        // At most one frame per display refresh.
        let due = self.next_repaint.map(|t| match self.last_frame {
            Some(last) => t.max(last + self.frame_interval),
            None => t,
        });
        match due {
            Some(t) if t <= Instant::now() => {
                self.next_repaint = None;
                self.request_redraw();
                el.set_control_flow(ControlFlow::Wait);
            }
            Some(t) => el.set_control_flow(ControlFlow::WaitUntil(t)),
            None => el.set_control_flow(ControlFlow::Wait),
        }
    }

    fn exiting(&mut self, _el: &ActiveEventLoop) {
        self.save();
    }
}

/// eframe's key-value RON file (`app.ron` in `eframe::storage_dir`), read and written the way
/// eframe's `FileStorage` does, so both renderers share the saved board state.
pub struct RonStorage {
    path: PathBuf,
    kv: HashMap<String, String>,
    dirty: bool,
}

impl RonStorage {
    /// The board's file, where eframe keeps it; `None` without a home or data dir.
    pub fn open() -> Option<Self> {
        let dir = eframe::storage_dir(super::APP_ID)?;
        Some(Self::at(dir.join("app.ron")))
    }

    /// A storage file at `path` (read when it exists and parses; empty otherwise).
    pub fn at(path: PathBuf) -> Self {
        let kv = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| match ron::from_str::<HashMap<String, String>>(&text) {
                Ok(kv) => Some(kv),
                Err(e) => {
                    tracing::warn!("{}: saved state not readable, starting fresh: {e}", path.display());
                    None
                }
            })
            .unwrap_or_default();
        Self { path, kv, dirty: false }
    }
}

impl eframe::Storage for RonStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.kv.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        if self.kv.get(key) != Some(&value) {
            self.kv.insert(key.to_owned(), value);
            self.dirty = true;
        }
    }

    fn remove_string(&mut self, key: &str) {
        self.dirty |= self.kv.remove(key).is_some();
    }

    fn flush(&mut self) {
        if !self.dirty {
            return;
        }
        let text = match ron::ser::to_string_pretty(&self.kv, ron::ser::PrettyConfig::default()) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!("cannot encode the board state: {e}");
                return;
            }
        };
        let tmp = self.path.with_extension("ron.tmp");
        let written = self
            .path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&tmp, text))
            .and_then(|()| std::fs::rename(&tmp, &self.path));
        match written {
            Ok(()) => self.dirty = false,
            Err(e) => tracing::warn!("{}: cannot save the board state: {e}", self.path.display()),
        }
    }
}

/// egui spreads each notch of a ctrl+wheel zoom over about seven frames (90 % of it in 0.1 s).
/// On this renderer every one of those frames draws the map again at a new scale, so a notch
/// becomes one `Event::Zoom` of the same factor: one frame per notch, as in the browser
/// dashboards. Trackpads (point deltas), plain and shifted scrolling are left as they are.
fn zoom_notches_at_once(events: &mut [egui::Event], options: &egui::InputOptions) {
    for event in events.iter_mut() {
        if let egui::Event::MouseWheel { unit: egui::MouseWheelUnit::Line, delta, phase, modifiers, .. } = event
            && *phase == egui::TouchPhase::Move
            && modifiers.matches_any(options.zoom_modifier)
            && !modifiers.matches_any(options.horizontal_scroll_modifier)
            && !modifiers.matches_any(options.vertical_scroll_modifier)
        {
            let points = *delta * options.line_scroll_speed;
            *event = egui::Event::Zoom((options.scroll_zoom_speed * (points.x + points.y)).exp());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_file_round_trips_and_keeps_other_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.ron");
        let mut s = RonStorage::at(path.clone());
        eframe::Storage::set_string(&mut s, "egui", "(x: 1)".into());
        eframe::set_value(&mut s, "sitboard", &vec![1, 2, 3]);
        eframe::Storage::flush(&mut s);
        let back = RonStorage::at(path.clone());
        assert_eq!(eframe::get_value::<Vec<i32>>(&back, "sitboard"), Some(vec![1, 2, 3]));
        assert_eq!(eframe::Storage::get_string(&back, "egui").as_deref(), Some("(x: 1)"));
        std::fs::write(&path, "not ron").unwrap();
        assert!(eframe::Storage::get_string(&RonStorage::at(path), "egui").is_none());
    }

    #[test]
    fn a_ctrl_wheel_notch_zooms_in_one_frame_by_the_factor_egui_reaches() {
        let options = egui::InputOptions::default();
        let wheel = |modifiers: egui::Modifiers, unit: egui::MouseWheelUnit| egui::Event::MouseWheel {
            unit,
            delta: egui::vec2(0.0, 1.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers,
        };
        let mut events = vec![
            wheel(egui::Modifiers::COMMAND, egui::MouseWheelUnit::Line),
            wheel(egui::Modifiers::NONE, egui::MouseWheelUnit::Line),
            wheel(egui::Modifiers::COMMAND, egui::MouseWheelUnit::Point),
        ];
        zoom_notches_at_once(&mut events, &options);
        let expected = (options.scroll_zoom_speed * options.line_scroll_speed).exp();
        assert!(matches!(events[0], egui::Event::Zoom(f) if (f - expected).abs() < 1e-6), "{:?}", events[0]);
        assert!(matches!(events[1], egui::Event::MouseWheel { .. }), "plain scrolling stays");
        assert!(matches!(events[2], egui::Event::MouseWheel { .. }), "a trackpad stays");

        // egui applies the event in one pass: the whole notch's zoom in the first frame.
        let ctx = egui::Context::default();
        let mut zoom = 1.0;
        let mut out = ctx.run_ui(egui::RawInput { events: events[..1].to_vec(), ..Default::default() }, |ui| {
            zoom = ui.input(|i| i.zoom_delta());
        });
        out.textures_delta.clear();
        assert!((zoom - expected).abs() < 1e-6, "{zoom} vs {expected}");
    }
}
