//! `sitboard.toml`: optional settings (feed sources, language, tiles, the hub). A bad config never stops the
//! board: the problem is reported with its location and the defaults are used.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::i18n::Lang;
use crate::secret::Secret;

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
    /// Live sources: `[[source]]` tables (`url`, optional `name`, `interval_s`, `token`).
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceConfig>,
    /// The command center's hub (`http://HOST:PORT`): directives are pushed to it.
    pub hub: Option<String>,
    /// The officer's token for the hub.
    pub hub_token: Option<Secret>,
    /// Record what the board follows: `true` (into `archive.sqlite` in the data dir) or a
    /// file path.
    pub record: Option<Record>,
    /// Keep the last N days of the recording (default: everything).
    pub record_keep_days: Option<u32>,
    /// The board window's renderer: `auto` (default), `gpu`, `gl` or `cpu`.
    pub renderer: Option<super::RendererChoice>,
    /// The wall's scale (pixels per point of the 1920×1080 reference layout); default: from
    /// the screen size.
    pub wall_scale: Option<f32>,
    /// The wall (大屏): `[wall]` with its playlist.
    pub wall: Option<WallConfig>,
    /// The longest period (years, 1–100) one CSV file may span (default 5): a file whose
    /// dates reach further is refused, naming its first and last rows.
    pub csv_max_span_years: Option<u32>,
    /// The 12345 hotline's time limits and calendar: `[hotline]` (any field of
    /// `model::SlaRules`; the others keep their defaults).
    pub hotline: Option<crate::model::SlaRules>,
    /// How long an addressed unit has to acknowledge a directive, by priority:
    /// `[acknowledgment]` with `urgent_minutes`, `high_minutes`, `normal_minutes` (defaults 30,
    /// 120, 1440).
    pub acknowledgment: Option<crate::model::officer::AckDeadlines>,
}

/// `[wall]`: the wall's rotation and paging.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WallConfig {
    /// What the wall rotates through: `playlist = [{ view = "wall", region = 230100, dwell_s = 20 }, …]`.
    /// Empty or missing: the province, then each city with cases.
    #[serde(default)]
    pub playlist: Vec<PlaylistEntry>,
    /// Seconds each page of a list that does not fit stays (default 8).
    pub page_s: Option<u64>,
    /// Several screens driven by one board: `[[wall.screen]]`, each with its own playlist or
    /// one fixed view. The first is the board's window; `--wall --screen N` shows screen N
    /// alone.
    #[serde(default, rename = "screen")]
    pub screens: Vec<ScreenConfig>,
}

/// One `[[wall.screen]]`: its own rotation (`playlist`), or one fixed `view` (with an optional
/// `region` and `map_colour`); neither: the default rotation.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScreenConfig {
    #[serde(default)]
    pub playlist: Vec<PlaylistEntry>,
    pub view: Option<WallView>,
    pub region: Option<u32>,
    pub map_colour: Option<String>,
    /// Where the screen's window opens, `[x, y]` in desktop points (a point on the monitor it
    /// fills); default: where the window manager puts it.
    pub position: Option<[f32; 2]>,
}

impl ScreenConfig {
    /// What the screen rotates through: its playlist, or its fixed view as a one-entry
    /// playlist (which never turns).
    pub fn playlist(&self) -> Vec<PlaylistEntry> {
        match self.view {
            Some(view) => {
                vec![PlaylistEntry { view, region: self.region, map_colour: self.map_colour.clone(), dwell_s: None }]
            }
            None => self.playlist.clone(),
        }
    }
}

/// One view of the wall's rotation.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PlaylistEntry {
    /// `wall` (the composition, default), `map`, `curves`, `hotline`, `overview`, `compare`,
    /// `multiples` or `checkpoints`.
    #[serde(default)]
    pub view: WallView,
    /// The region (adcode); default: the one in view.
    pub region: Option<u32>,
    /// What the map colours by (`risk`, `computed`, `active`, `new7`, `per100k`).
    pub map_colour: Option<String>,
    /// Seconds on this view (default 20).
    pub dwell_s: Option<u64>,
}

/// The views the wall can show.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WallView {
    /// Key figures, map, curve, response, risk and directives on one screen.
    #[default]
    Wall,
    /// The county map alone.
    Map,
    /// The case curve alone.
    Curves,
    /// The 12345 hotline (figures, charts, overdue list).
    Hotline,
    /// The overview: key figures, response, risk, discovery channels, subregions, directives.
    Overview,
    /// The subregions compared: one curve per city (or county), named at its end.
    Compare,
    /// Small multiples: one small chart per subregion, on one scale.
    Multiples,
    /// The checkpoints (卡口): the table, and the traffic and what was caught.
    Checkpoints,
}

impl WallView {
    /// Every view, as written in sitboard.toml.
    pub const NAMES: &'static str = "wall, map, curves, hotline, overview, compare, multiples or checkpoints";
}

/// Smallest and largest wall scale accepted (`--scale`, `wall_scale`).
pub const WALL_SCALE_RANGE: std::ops::RangeInclusive<f32> = 0.25..=8.0;

/// `record = true | false | "FILE"`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Record {
    On(bool),
    To(PathBuf),
}

/// One `[[source]]` of the config: a feed the board polls.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// Display name (default: the URL).
    pub name: Option<String>,
    /// `http(s)://…` (polled) or a file or folder (read once).
    pub url: String,
    /// Seconds between polls (default 5).
    pub interval_s: Option<f64>,
    /// Bearer token sent with each request.
    pub token: Option<Secret>,
}

/// The span a CSV may be allowed, in years.
pub const CSV_SPAN_YEARS_RANGE: std::ops::RangeInclusive<u32> = 1..=100;

/// Shortest and longest poll interval accepted, in seconds.
pub const INTERVAL_RANGE: std::ops::RangeInclusive<f64> = 0.1..=86_400.0;

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
    for (i, src) in cfg.sources.iter().enumerate() {
        let at = format!("{}: [[source]] {}", path.display(), i + 1);
        if src.url.trim().is_empty() {
            return Err(format!("{at}: url is empty"));
        }
        if let Some(x) = src.interval_s
            && !(x.is_finite() && INTERVAL_RANGE.contains(&x))
        {
            return Err(format!("{at}: interval_s = {x} is not between 0.1 and 86400 seconds"));
        }
    }
    if let Some(r) = &cfg.hotline {
        r.validate().map_err(|e| format!("{}: [hotline] {e}", path.display()))?;
    }
    if let Some(x) = cfg.wall_scale
        && !(x.is_finite() && WALL_SCALE_RANGE.contains(&x))
    {
        return Err(format!("{}: wall_scale = {x} is not between 0.25 and 8", path.display()));
    }
    for (i, e) in cfg.wall.iter().flat_map(|w| w.playlist.iter()).enumerate() {
        check_entry(e, &format!("{}: [wall] playlist entry {}", path.display(), i + 1))?;
    }
    for (n, screen) in cfg.wall.iter().flat_map(|w| w.screens.iter()).enumerate() {
        let at = format!("{}: [[wall.screen]] {}", path.display(), n + 1);
        if screen.view.is_some() && !screen.playlist.is_empty() {
            return Err(format!("{at}: has both a view and a playlist; give one"));
        }
        if screen.view.is_none() && (screen.region.is_some() || screen.map_colour.is_some()) {
            return Err(format!("{at}: region and map_colour go with a view (or in its playlist entries)"));
        }
        if let Some(p) = screen.position
            && !p.iter().all(|c| c.is_finite() && c.abs() <= 100_000.0)
        {
            return Err(format!("{at}: position = {p:?} is not a desktop position"));
        }
        for (i, e) in screen.playlist().iter().enumerate() {
            let entry = if screen.view.is_some() { at.clone() } else { format!("{at} playlist entry {}", i + 1) };
            check_entry(e, &entry)?;
        }
    }
    if cfg.wall.as_ref().and_then(|w| w.page_s) == Some(0) {
        return Err(format!("{}: [wall] page_s is 0", path.display()));
    }
    if let Some(y) = cfg.csv_max_span_years
        && !CSV_SPAN_YEARS_RANGE.contains(&y)
    {
        return Err(format!("{}: csv_max_span_years = {y} is not between 1 and 100", path.display()));
    }
    Ok(Some(cfg))
}

/// A playlist entry's map colour and dwell, checked; `at` names the entry.
fn check_entry(e: &PlaylistEntry, at: &str) -> Result<(), String> {
    if let Some(m) = &e.map_colour
        && crate::settings::MapMode::parse(m).is_none()
    {
        return Err(format!("{at}: map_colour = {m:?} is not risk, computed, active, new7 or per100k"));
    }
    if e.dwell_s == Some(0) {
        return Err(format!("{at}: dwell_s is 0"));
    }
    Ok(())
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
    fn csv_span_is_bounded() {
        let p = Path::new("sitboard.toml");
        assert_eq!(parse("csv_max_span_years = 10\n", p).unwrap().unwrap().csv_max_span_years, Some(10));
        for bad in ["0", "101"] {
            let e = parse(&format!("csv_max_span_years = {bad}\n"), p).unwrap_err();
            assert!(e.contains(&format!("csv_max_span_years = {bad} is not between 1 and 100")), "{e}");
        }
    }

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
        let e = parse("renderer = \"vulkan\"\n", p).unwrap_err();
        assert!(e.contains("renderer") || e.contains("vulkan"), "{e}");
    }

    #[test]
    fn renderer_in_the_config() {
        let p = Path::new("sitboard.toml");
        let cfg = parse("renderer = \"cpu\"\n", p).unwrap().unwrap();
        assert_eq!(cfg.renderer, Some(super::super::RendererChoice::Cpu));
        assert_eq!(parse("renderer = \"gl\"\n", p).unwrap().unwrap().renderer, Some(super::super::RendererChoice::Gl));
        assert_eq!(parse("lang = \"en\"\n", p).unwrap().unwrap().renderer, None);
    }

    #[test]
    fn live_sources_in_the_config() {
        let p = Path::new("sitboard.toml");
        let text =
            "[[source]]\nname = \"hub\"\nurl = \"http://10.0.0.2:8470/v1/feed\"\ninterval_s = 10\ntoken = \"sbt_x\"\n";
        let cfg = parse(text, p).unwrap().unwrap();
        assert_eq!(cfg.sources.len(), 1);
        assert_eq!(cfg.sources[0].interval_s, Some(10.0));
        assert!(!format!("{cfg:?}").contains("sbt_x"), "the token must not be printed");
        let e = parse("[[source]]\nurl = \"http://x\"\ninterval_s = 0\n", p).unwrap_err();
        assert!(e.contains("interval_s"), "{e}");
        let e = parse("[[source]]\nurl = \"http://x\"\nintervall = 3\n", p).unwrap_err();
        assert!(e.contains("intervall"), "{e}");
    }

    #[test]
    fn hotline_rules_in_the_config() {
        let p = Path::new("sitboard.toml");
        let text = "[hotline]\nclose_working_days = 2\nwork_start = \"09:00:00\"\nholidays = [\"2022-11-28\"]\n";
        let r = parse(text, p).unwrap().unwrap().hotline.unwrap();
        assert_eq!(r.close_working_days, 2);
        assert_eq!(r.first_action_minutes, 120, "unset fields keep the published defaults");
        assert!(!r.is_working_day(chrono::NaiveDate::from_ymd_opt(2022, 11, 28).unwrap()));
        let e = parse("[hotline]\nwork_end = \"07:00:00\"\n", p).unwrap_err();
        assert!(e.contains("sitboard.toml: [hotline] hotline.work_end 07:00:00 is not after work_start"), "{e}");
        let e = parse("[hotline]\nclose_days = 1\n", p).unwrap_err();
        assert!(e.contains("close_days"), "{e}");
    }

    #[test]
    fn the_wall_in_the_config() {
        let p = Path::new("sitboard.toml");
        let text = "wall_scale = 1.5\n[wall]\npage_s = 5\nplaylist = [\n  { view = \"wall\", dwell_s = 30 },\n  { view = \"map\", region = 230100, map_colour = \"active\" },\n]\n";
        let cfg = parse(text, p).unwrap().unwrap();
        assert_eq!(cfg.wall_scale, Some(1.5));
        let wall = cfg.wall.unwrap();
        assert_eq!(wall.page_s, Some(5));
        assert_eq!(wall.playlist.len(), 2);
        assert_eq!(wall.playlist[1].view, WallView::Map);
        assert_eq!(wall.playlist[1].region, Some(230100));
        let e = parse("wall_scale = 20\n", p).unwrap_err();
        assert!(e.contains("wall_scale"), "{e}");
        let e = parse("[wall]\nplaylist = [{ view = \"map\", map_colour = \"blue\" }]\n", p).unwrap_err();
        assert!(e.contains("blue"), "{e}");
        let e = parse("[wall]\nplaylist = [{ view = \"tv\" }]\n", p).unwrap_err();
        assert!(e.contains("tv"), "{e}");
        let views = "[wall]\nplaylist = [{ view = \"overview\" }, { view = \"compare\" }, { view = \"multiples\" }, { view = \"checkpoints\" }]\n";
        let got: Vec<WallView> =
            parse(views, p).unwrap().unwrap().wall.unwrap().playlist.iter().map(|e| e.view).collect();
        assert_eq!(got, [WallView::Overview, WallView::Compare, WallView::Multiples, WallView::Checkpoints]);
    }

    #[test]
    fn wall_screens_in_the_config() {
        let p = Path::new("sitboard.toml");
        let text = "[wall]\n[[wall.screen]]\nplaylist = [{ view = \"wall\", region = 230000 }, { view = \"compare\" }]\n\
                    [[wall.screen]]\nview = \"map\"\nregion = 230100\nmap_colour = \"active\"\n[[wall.screen]]\n";
        let wall = parse(text, p).unwrap().unwrap().wall.unwrap();
        assert_eq!(wall.screens.len(), 3);
        assert_eq!(wall.screens[0].playlist().len(), 2);
        let fixed = wall.screens[1].playlist();
        assert_eq!(fixed.len(), 1);
        assert_eq!(
            (fixed[0].view, fixed[0].region, fixed[0].map_colour.as_deref()),
            (WallView::Map, Some(230100), Some("active"))
        );
        assert!(wall.screens[2].playlist().is_empty(), "no view nor playlist: the default rotation");
        // Errors name the screen (and the entry).
        let e = parse("[[wall.screen]]\nview = \"map\"\n[[wall.screen]]\nview = \"tv\"\n", p).unwrap_err();
        assert!(e.contains("sitboard.toml") && e.contains("tv") && e.contains("line 4"), "{e}");
        let e = parse(
            "[[wall.screen]]\n[[wall.screen]]\nplaylist = [{ view = \"map\" }, { view = \"map\", dwell_s = 0 }]\n",
            p,
        )
        .unwrap_err();
        assert!(e.contains("[[wall.screen]] 2 playlist entry 2: dwell_s is 0"), "{e}");
        let e = parse("[[wall.screen]]\nview = \"map\"\nmap_colour = \"blue\"\n", p).unwrap_err();
        assert!(e.contains("[[wall.screen]] 1: map_colour = \"blue\""), "{e}");
        let e = parse("[[wall.screen]]\nview = \"map\"\nplaylist = [{ view = \"curves\" }]\n", p).unwrap_err();
        assert!(e.contains("[[wall.screen]] 1: has both a view and a playlist"), "{e}");
        let e = parse("[[wall.screen]]\nregion = 230100\n", p).unwrap_err();
        assert!(e.contains("[[wall.screen]] 1: region and map_colour go with a view"), "{e}");
    }
}
