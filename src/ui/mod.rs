//! The egui/eframe board. [`app`] is the shell (state + logic + ui); [`command`] and
//! [`context`] are what panels push and read; [`panels`] holds one struct per panel (the map
//! with its walkers plugins among them); [`workers`] do the background work (loading, live
//! feeds, the journal, the push to the hub); [`theme`], [`fonts`], [`widgets`] and [`plot`]
//! are the UI kit. No panel does IO.

pub mod app;
pub mod command;
pub mod context;
pub mod cpu_runner;
pub mod fonts;
pub mod frame_stats;
pub mod panels;
pub mod plot;
pub mod renderer;
pub mod screenshot;
pub mod theme;
pub mod widgets;
pub mod workers;

use std::process::ExitCode;

pub use crate::settings::MainTab;
pub use app::{BoardState, SitboardApp};
pub use command::{ExportAction, UiCommand};

use crate::settings::{RendererChoice, Settings, StartOptions};

/// The board window's viewport: title, size and full screen (every renderer opens the same).
pub fn viewport(start: &StartOptions) -> egui::ViewportBuilder {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Sitboard")
        .with_inner_size(start.size.map(|(w, h)| [w, h]).unwrap_or([1600.0, 960.0]))
        .with_min_inner_size([900.0, 600.0]);
    if start.fullscreen || start.wall {
        viewport = viewport.with_fullscreen(true);
    }
    viewport
}

/// The app id eframe stores the board state under (`eframe::storage_dir(APP_ID)/app.ron`);
/// the CPU runner uses the same file.
pub const APP_ID: &str = "Sitboard";

/// Open the board window with the renderer the settings ask for (blocks until it is closed).
pub fn run_native(settings: Settings, start: StartOptions) -> ExitCode {
    // The data is read while the renderer is chosen and the window opens (issue 19: the
    // first complete frame within 0.5 s of launch).
    let early = workers::LoadLink::early(&settings);
    let asked = settings.renderer;
    let (kind, probe) = renderer::resolve(asked);
    match &probe {
        Some((name, software)) => tracing::info!(
            "renderer {}: {name} ({}): {} path",
            asked.name(),
            if *software { "software" } else { "hardware" },
            kind.name()
        ),
        None if asked == RendererChoice::Auto => {
            tracing::info!("renderer auto: wgpu found no adapter: {} path", kind.name())
        }
        None => {}
    }
    let screens = if start.wall { settings.wall.screens.len() } else { 1 };
    let (kind, why) = renderer::for_wall_screens(asked, kind, screens);
    if let Some(why) = why {
        tracing::info!("renderer auto: {why}");
    }
    let result = match kind {
        RendererChoice::Cpu => {
            let info = renderer::RendererInfo {
                kind,
                adapter: match probe {
                    Some((name, _)) => format!("egui_software_backend; {name}"),
                    None => "egui_software_backend".to_owned(),
                },
                software: true,
            };
            tracing::info!("renderer: cpu (software rasterizer in this process)");
            cpu_runner::run(settings, start, info, early).map_err(|e| e.to_string())
        }
        RendererChoice::Gl => run_eframe(settings, start, eframe::Renderer::Glow, early),
        RendererChoice::Gpu | RendererChoice::Auto => run_eframe(settings, start, eframe::Renderer::Wgpu, early),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the board window could not be opened: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The board in eframe, on wgpu or OpenGL.
fn run_eframe(
    settings: Settings,
    start: StartOptions,
    renderer: eframe::Renderer,
    early: Option<workers::LoadLink>,
) -> Result<(), String> {
    // A size given on the command line wins over the window size saved by the last run.
    let mut viewport = viewport(&start);
    if start.wall
        && let Some(p) = settings.wall.position
    {
        // The wall screen's `position` (`[[wall.screen]]`): the monitor its window fills.
        viewport = viewport.with_position(p);
    }
    let options =
        eframe::NativeOptions { viewport, renderer, persist_window: start.size.is_none(), ..Default::default() };
    eframe::run_native(
        APP_ID,
        options,
        Box::new(move |cc| {
            let info = eframe_renderer_info(cc);
            tracing::info!(
                "renderer: {} on {} ({})",
                info.kind.name(),
                info.adapter,
                if info.software { "software" } else { "hardware" }
            );
            let stats = frame_stats::FrameStats::new(start.frame_stats, stats_renderer(&info));
            let mut app = SitboardApp::create_loading(&cc.egui_ctx, cc.storage, settings, start, early);
            app.set_renderer(info);
            Ok(Box::new(StatsApp { app, probe: frame_stats::EframeProbe::new(stats) }))
        }),
    )
    .map_err(|e| e.to_string())
}

/// The renderer as the frame statistics name it: "gpu (hardware, NVIDIA …)".
pub(crate) fn stats_renderer(info: &renderer::RendererInfo) -> String {
    let how = if info.software { "software" } else { "hardware" };
    if info.adapter.is_empty() {
        format!("{} ({how})", info.kind.name())
    } else {
        format!("{} ({how}, {})", info.kind.name(), info.adapter)
    }
}

/// The board in eframe, with its frame statistics (`--frame-stats`).
struct StatsApp {
    app: SitboardApp,
    probe: frame_stats::EframeProbe,
}

impl eframe::App for StatsApp {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.app.logic(ctx, frame);
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.probe.begin(frame.info().cpu_usage);
        self.app.ui(ui, frame);
        self.probe.end(self.app.data_shown());
        if self.probe.stats.enabled() {
            self.probe.stats.textures(ui.ctx());
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.app.save(storage);
    }

    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        self.app.clear_color(visuals)
    }

    fn on_exit(&mut self, gl: Option<&eframe::glow::Context>) {
        self.app.on_exit(gl);
        self.probe.stats.finish();
    }
}

/// What eframe draws with: the wgpu adapter, or OpenGL's `GL_RENDERER`.
fn eframe_renderer_info(cc: &eframe::CreationContext<'_>) -> renderer::RendererInfo {
    if let Some(rs) = &cc.wgpu_render_state {
        let a = rs.adapter.get_info();
        let software = a.device_type == eframe::wgpu::DeviceType::Cpu || renderer::is_software_name(&a.name);
        return renderer::RendererInfo {
            kind: RendererChoice::Gpu,
            adapter: format!("{} ({:?})", a.name, a.backend),
            software,
        };
    }
    if let Some(gl) = &cc.gl {
        use eframe::glow::HasContext as _;
        // SAFETY: eframe made this GL context current before creating the app; reading the
        // RENDERER string has no other precondition.
        let name = unsafe { gl.get_parameter_string(eframe::glow::RENDERER) };
        let software = renderer::is_software_name(&name);
        return renderer::RendererInfo { kind: RendererChoice::Gl, adapter: name, software };
    }
    renderer::RendererInfo { kind: RendererChoice::Gpu, adapter: String::new(), software: false }
}
