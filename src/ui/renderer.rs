//! Which renderer draws the board window (issue 19): the GPU path (eframe on wgpu), OpenGL
//! (eframe on glow) or the CPU rasterizer ([`super::cpu_runner`]). `auto` asks wgpu for the
//! adapter it would use: a software one (llvmpipe, lavapipe, WARP…) means there is no GPU,
//! and there the CPU rasterizer costs the least (README, "Performance without a GPU").

use crate::i18n::Tr;
use crate::settings::RendererChoice;

/// The renderer in use, for the log and the sources line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RendererInfo {
    /// `Gpu`, `Gl` or `Cpu` (never `Auto`).
    pub kind: RendererChoice,
    /// The adapter or driver (wgpu's adapter name, `GL_RENDERER`; for the CPU rasterizer,
    /// what the probe found, if it ran).
    pub adapter: String,
    /// Whether the pixels are made on the CPU (a software adapter, or the CPU rasterizer).
    pub software: bool,
}

impl RendererInfo {
    /// "Renderer: cpu (software, llvmpipe)" in the board's language.
    pub fn describe(&self, tr: &Tr) -> String {
        let b = &tr.board;
        let how = if self.software { b.renderer_software } else { b.renderer_hardware };
        if self.adapter.is_empty() {
            format!("{}: {} ({how})", b.renderer, self.kind.name())
        } else {
            format!("{}: {} ({how}, {})", b.renderer, self.kind.name(), self.adapter)
        }
    }
}

/// Whether an adapter or `GL_RENDERER` name is a software rasterizer.
pub fn is_software_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["llvmpipe", "lavapipe", "softpipe", "swiftshader", "swrast", "microsoft basic render"]
        .iter()
        .any(|s| n.contains(s))
}

/// What wgpu would draw with: the adapter's name and whether it is a software one. `None`
/// when wgpu finds no adapter at all (no GPU and no software driver either).
pub fn probe_wgpu() -> Option<(String, bool)> {
    use eframe::wgpu;
    let mut desc = wgpu::InstanceDescriptor::new_without_display_handle();
    // The backends eframe's wgpu path uses (WGPU_BACKEND overrides, as there).
    desc.backends = wgpu::Backends::from_env().unwrap_or(wgpu::Backends::PRIMARY | wgpu::Backends::GL);
    let instance = wgpu::Instance::new(desc);
    let options = wgpu::RequestAdapterOptions {
        power_preference: wgpu::PowerPreference::from_env().unwrap_or(wgpu::PowerPreference::HighPerformance),
        force_fallback_adapter: false,
        compatible_surface: None,
        ..Default::default()
    };
    let adapter = pollster::block_on(instance.request_adapter(&options)).ok()?;
    let info = adapter.get_info();
    let software = info.device_type == wgpu::DeviceType::Cpu || is_software_name(&info.name);
    Some((format!("wgpu adapter {} ({:?})", info.name, info.backend), software))
}

/// Whether the system has a device a GPU driver could use. Only Linux can tell cheaply:
/// without a DRM node (`/dev/dri`), NVIDIA's (`/dev/nvidia*`) or WSL's (`/dev/dxg`) every
/// adapter is a software one, and asking wgpu would only load the Vulkan and GL drivers
/// (llvmpipe: ~0.3 s and ~70 MB of resident libraries on the 2-core machine) to learn so.
/// Elsewhere: `true` (wgpu is asked).
pub fn may_have_gpu() -> bool {
    if cfg!(target_os = "linux") { gpu_device_in(std::path::Path::new("/dev")) } else { true }
}

/// Whether `dev` (a `/dev`) holds a GPU device node.
pub fn gpu_device_in(dev: &std::path::Path) -> bool {
    let dri = std::fs::read_dir(dev.join("dri")).map(|d| d.flatten().next().is_some()).unwrap_or(false);
    let other = std::fs::read_dir(dev)
        .map(|d| {
            d.flatten().any(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with("nvidia") || name == "dxg"
            })
        })
        .unwrap_or(false);
    dri || other
}

/// The renderer to run for a choice: `auto` becomes the CPU rasterizer on a software adapter
/// (or none), the GPU path otherwise. The probe's finding comes along for the log.
pub fn resolve(choice: RendererChoice) -> (RendererChoice, Option<(String, bool)>) {
    match choice {
        RendererChoice::Auto if !may_have_gpu() => {
            (RendererChoice::Cpu, Some(("no GPU device in /dev (wgpu not asked)".to_owned(), true)))
        }
        RendererChoice::Auto => {
            let found = probe_wgpu();
            let pick = match &found {
                Some((_, false)) => RendererChoice::Gpu,
                Some((_, true)) | None => RendererChoice::Cpu,
            };
            (pick, found)
        }
        other => (other, None),
    }
}

/// What `auto` settles on for a wall of `screens` windows: the CPU renderer draws one window,
/// so when `auto` chose it for a wall of several screens the OpenGL path is taken instead (it
/// opens a window per screen, on llvmpipe without a GPU), and the reason is returned for the
/// log. A renderer asked for by name is kept (the board then says which screens it cannot
/// open).
pub fn for_wall_screens(
    asked: RendererChoice,
    kind: RendererChoice,
    screens: usize,
) -> (RendererChoice, Option<String>) {
    if asked == RendererChoice::Auto && kind == RendererChoice::Cpu && screens > 1 {
        let why = format!(
            "{screens} wall screens are configured and the CPU renderer draws one window: the OpenGL path opens all of them"
        );
        (RendererChoice::Gl, Some(why))
    } else {
        (kind, None)
    }
}

/// Where [`set_moved_meshes`] keeps its flag in egui's memory.
fn moved_meshes_id() -> egui::Id {
    egui::Id::unique("sitboard.renderer.moved_meshes")
}

/// Said by a renderer that understands `egui_software_backend::MovedMesh` paint callbacks
/// (the CPU renderer): large layers that move as a whole (the map's fills and borders while
/// panned) are then handed to it as such a callback, and it moves its raster of them instead
/// of receiving, hashing and rasterizing a new mesh every frame. Other renderers get meshes.
pub fn set_moved_meshes(ctx: &egui::Context, on: bool) {
    ctx.data_mut(|d| d.insert_temp(moved_meshes_id(), on));
}

/// Whether the renderer understands `MovedMesh` callbacks (see [`set_moved_meshes`]).
pub fn moved_meshes(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp::<bool>(moved_meshes_id())).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn software_adapters_are_recognised() {
        assert!(is_software_name("llvmpipe (LLVM 19.1.7, 256 bits)"));
        assert!(is_software_name("Microsoft Basic Render Driver"));
        assert!(is_software_name("SwiftShader Device (Subzero)"));
        assert!(!is_software_name("NVIDIA GeForce RTX 4070"));
        assert!(!is_software_name("AMD Radeon Graphics (RADV GFX1103_R1)"));
    }

    #[test]
    fn a_gpu_device_node_is_looked_for_in_dev() {
        let dev = tempfile::tempdir().expect("temp dir");
        assert!(!gpu_device_in(dev.path()), "an empty /dev");
        std::fs::create_dir(dev.path().join("dri")).expect("dri");
        std::fs::write(dev.path().join("null"), "").expect("null");
        assert!(!gpu_device_in(dev.path()), "an empty /dev/dri");
        std::fs::write(dev.path().join("dri/renderD128"), "").expect("render node");
        assert!(gpu_device_in(dev.path()));
        for node in ["nvidia0", "dxg"] {
            let other = tempfile::tempdir().expect("temp dir");
            std::fs::write(other.path().join(node), "").expect("node");
            assert!(gpu_device_in(other.path()), "{node}");
        }
    }

    #[test]
    fn the_renderer_line_is_translated() {
        let info = RendererInfo { kind: RendererChoice::Cpu, adapter: "llvmpipe".into(), software: true };
        assert_eq!(info.describe(Lang::En.tr()), "Renderer: cpu (software, llvmpipe)");
        assert_eq!(info.describe(Lang::Zh.tr()), "渲染器: cpu (软件渲染, llvmpipe)");
        let gpu = RendererInfo { kind: RendererChoice::Gpu, adapter: String::new(), software: false };
        assert_eq!(gpu.describe(Lang::En.tr()), "Renderer: gpu (hardware)");
    }

    #[test]
    fn auto_takes_the_gl_path_for_a_wall_of_several_screens() {
        use RendererChoice::*;
        let (kind, why) = for_wall_screens(Auto, Cpu, 3);
        assert_eq!(kind, Gl);
        assert!(why.is_some_and(|w| w.contains("3 wall screens")));
        assert_eq!(for_wall_screens(Auto, Cpu, 1), (Cpu, None), "one screen: the CPU renderer");
        assert_eq!(for_wall_screens(Cpu, Cpu, 3), (Cpu, None), "asked for by name: kept");
        assert_eq!(for_wall_screens(Auto, Gpu, 3), (Gpu, None));
    }
}
