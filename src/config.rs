//! `sitboard.toml`: optional settings (feed sources, language). A bad config never stops the
//! board: the problem is reported with its location and the defaults are used.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::i18n::Lang;

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Feed sources: files, folders or URLs. Empty means the bundled demo.
    #[serde(default)]
    pub data: Vec<String>,
    /// `zh` or `en`.
    pub lang: Option<String>,
    /// Another region registry CSV instead of the bundled one.
    pub regions: Option<PathBuf>,
    /// Tile server URL template (`{z}`, `{x}`, `{y}`) for the map's background. None: offline.
    pub tiles: Option<String>,
}

impl Config {
    pub fn lang(&self) -> Option<Lang> {
        self.lang.as_deref().and_then(Lang::parse)
    }
}

/// Read the config file if it exists. `Ok(None)` when there is none.
pub fn load(path: &Path) -> Result<Option<Config>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
    };
    parse(&text, path)
}

pub fn parse(text: &str, path: &Path) -> Result<Option<Config>, String> {
    let cfg: Config = toml::from_str(text).map_err(|e| format!("{}: {}", path.display(), e.to_string().trim()))?;
    if let Some(l) = &cfg.lang
        && Lang::parse(l).is_none()
    {
        return Err(format!("{}: lang = {l:?} is not zh or en", path.display()));
    }
    if let Some(t) = &cfg.tiles
        && !valid_tile_template(t)
    {
        return Err(format!(
            "{}: tiles = {t:?} is not an http(s) URL template with {{z}}, {{x}} and {{y}}",
            path.display()
        ));
    }
    Ok(Some(cfg))
}

/// Whether a tile URL template is usable: http(s) with `{z}`, `{x}` and `{y}`.
pub fn valid_tile_template(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && ["{z}", "{x}", "{y}"].iter().all(|p| t.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_errors_name_the_problem() {
        let p = Path::new("sitboard.toml");
        assert_eq!(parse("lang = \"en\"\n", p).unwrap().unwrap().lang(), Some(Lang::En));
        let e = parse("lang = \"fr\"\n", p).unwrap_err();
        assert!(e.contains("fr"), "{e}");
        let e = parse("lnag = \"en\"\n", p).unwrap_err();
        assert!(e.contains("lnag"), "{e}");
        let e = parse("data = 3\n", p).unwrap_err();
        assert!(e.contains("sitboard.toml"), "{e}");
    }
}
