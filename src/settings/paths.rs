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

/// Where the board remembers the officer's token after a sign-in: `hub-token.json` in the
/// platform config dir (beside `sitboard.toml`), readable by the user only.
pub fn token_file() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("hub-token.json"))
}

/// What the token file holds: the hub it is for and the token.
#[derive(serde::Serialize, serde::Deserialize)]
struct RememberedToken {
    hub: String,
    token: String,
}

/// The token remembered for `hub` at the last sign-in, if any (another hub's is not used).
pub fn remembered_token(hub: &str) -> Option<crate::secret::Secret> {
    read_token(&token_file()?, hub)
}

/// The token in `file` for `hub`.
pub fn read_token(file: &Path, hub: &str) -> Option<crate::secret::Secret> {
    let text = std::fs::read_to_string(file).ok()?;
    let r: RememberedToken = match serde_json::from_str(&text) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!("{}: not a remembered token ({e}); ignored", file.display());
            return None;
        }
    };
    let same = r.hub.trim().trim_end_matches('/') == hub.trim().trim_end_matches('/');
    (same && !r.token.trim().is_empty()).then(|| crate::secret::Secret::new(r.token))
}

/// Remember `token` for `hub` in `file`, readable and writable by the user only (0600 on
/// Unix; created so from the start, never readable by others in between).
pub fn write_token(file: &Path, hub: &str, token: &str) -> Result<(), String> {
    let body = serde_json::to_string(&RememberedToken { hub: hub.to_owned(), token: token.to_owned() })
        .map_err(|e| format!("cannot write the token: {e}"))?;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let tmp = file.with_extension("json.tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        open.mode(0o600);
    }
    let mut f = open.open(&tmp).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    use std::io::Write as _;
    f.write_all(body.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    drop(f);
    std::fs::rename(&tmp, file).map_err(|e| format!("cannot write {}: {e}", file.display()))
}

#[cfg(test)]
mod token_tests {
    use super::*;

    #[test]
    fn a_remembered_token_is_private_and_only_for_its_hub() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cfg/hub-token.json");
        write_token(&file, "http://10.0.0.2:8470/", "sbt_abc").unwrap();
        assert_eq!(
            read_token(&file, "http://10.0.0.2:8470").map(|s| s.expose().to_owned()).as_deref(),
            Some("sbt_abc")
        );
        assert!(read_token(&file, "http://10.0.0.9:8470").is_none(), "another hub's token is not used");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "readable by the user only");
        }
        write_token(&file, "http://10.0.0.2:8470", "sbt_new").unwrap();
        assert_eq!(read_token(&file, "http://10.0.0.2:8470").unwrap().expose(), "sbt_new");
        std::fs::write(&file, "not json").unwrap();
        assert!(read_token(&file, "http://10.0.0.2:8470").is_none());
    }
}
