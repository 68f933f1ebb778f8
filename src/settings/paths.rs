//! Where things live on disk: the bundled demo data, the config file and the data dir.

use std::path::{Path, PathBuf};

/// The bundled demo feed folder. Looked up, in order: `$SITBOARD_DEMO_DIR`, `data/demo`
/// beside the executable, two levels up from it (`target/release/…` in a checkout), the
/// source checkout the binary was built from, and the working directory.
pub fn bundled_demo_dir() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Ok(d) = std::env::var("SITBOARD_DEMO_DIR") {
        candidates.push(PathBuf::from(d));
    }
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        candidates.push(dir.join("data/demo"));
        candidates.push(dir.join("../../data/demo"));
        candidates.push(dir.join("../../../data/demo"));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo"));
    candidates.push(PathBuf::from("data/demo"));
    candidates.into_iter().find(|p| p.is_dir())
}

/// The board's own recording in the data dir (`record = true`).
pub const ARCHIVE_FILE: &str = "archive.sqlite";

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("org", "sitboard", "sitboard")
}

/// `sitboard.toml` in the platform config dir (e.g. `~/.config/sitboard/sitboard.toml`).
pub fn config_file() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("sitboard.toml"))
}

/// The platform data dir (archive and journal live here; `--data-dir` overrides).
pub fn data_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().to_path_buf())
}
