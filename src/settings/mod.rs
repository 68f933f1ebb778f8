//! Settings: what the board and the commands start from, merged once from the command line,
//! `sitboard.toml` and defaults — feed sources, language, region registry, tiles, live
//! polling, the hub and the data dir — plus the board's start options. The CLI only parses
//! into [`Overrides`] and [`StartOptions`]; everything below reads the resolved [`Settings`].

pub mod config;
pub mod paths;
pub mod view;

use std::path::PathBuf;
use std::time::Duration;

use chrono::NaiveDate;

pub use self::view::{CurveMode, MainTab, MapMode, RendererChoice, StartView};
use crate::feed::{self, FeedSource, LoadOutcome};
use crate::hub_client::HubTarget;
use crate::i18n::Lang;
use crate::model::{Adcode, RegionRegistry};
use crate::secret::Secret;

/// What the command line may set; the rest comes from the config file and defaults.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// Feed files, folders or URLs (`--data`, repeatable).
    pub data: Vec<String>,
    pub lang: Option<Lang>,
    /// Region registry CSV instead of the bundled one.
    pub regions: Option<PathBuf>,
    /// Config file instead of the platform's `sitboard.toml`.
    pub config: Option<PathBuf>,
    /// Data dir (journal, exports, tile cache) instead of the platform data dir.
    pub data_dir: Option<PathBuf>,
    pub tiles: Option<String>,
    pub hub: Option<String>,
    pub token: Option<Secret>,
    /// Poll interval of http(s) sources.
    pub interval: Option<Duration>,
    /// Replay this snapshot archive instead of following sources.
    pub replay: Option<PathBuf>,
    /// Record what the board follows into this archive.
    pub record: Option<PathBuf>,
    /// Recordings keep the last N days (default: everything).
    pub keep_days: Option<u32>,
    /// The renderer of the board window (`--renderer`).
    pub renderer: Option<RendererChoice>,
    /// The wall's scale (`--scale`): pixels per point of its 1920×1080 reference layout.
    pub wall_scale: Option<f32>,
}

/// Everything the board and the commands need to start: settings merged from the command
/// line, the config file and defaults, with any config problem kept to show.
#[derive(Debug, Clone)]
pub struct Settings {
    pub sources: Vec<FeedSource>,
    pub lang: Lang,
    pub regions: Option<PathBuf>,
    pub config_problem: Option<String>,
    /// No source was given: the bundled demo is shown.
    pub demo: bool,
    /// Tile URL template for the map's background; `None`: fully offline.
    pub tiles: Option<String>,
    /// Live sources: name, poll interval and token of each URL source; request limits.
    pub live: feed::live::LiveOptions,
    /// The hub that directives are pushed to (`--hub`, or `hub` in sitboard.toml).
    pub hub: Option<HubTarget>,
    /// Where the journal, exports and the tile cache live (`--data-dir`, else the platform
    /// data dir); resolved once here and passed down.
    pub data_dir: Option<PathBuf>,
    /// A snapshot archive to replay (`--replay`): no sources are followed then.
    pub replay: Option<PathBuf>,
    /// Where the board records what it follows (`--record`, or `record` in sitboard.toml).
    pub record: Option<PathBuf>,
    /// How much a recording keeps (`--keep-days`, or `record_keep_days`): `None` keeps
    /// everything.
    pub record_keep: Option<chrono::Duration>,
    /// The renderer of the board window (`--renderer`, or `renderer` in sitboard.toml).
    pub renderer: RendererChoice,
    /// The wall (大屏): its scale, rotation and paging.
    pub wall: WallSettings,
    /// How long a period one CSV may span (`csv_max_span_years` in sitboard.toml).
    pub csv_limits: feed::csv_import::CsvLimits,
    /// The hotline's time limits from `[hotline]` (none: the published defaults).
    pub hotline: Option<crate::model::SlaRules>,
    /// How long addressed units have to acknowledge, by priority (`[acknowledgment]`).
    pub ack_deadlines: crate::model::officer::AckDeadlines,
}

/// The wall's settings: `--scale` over `wall_scale`, and `[wall]` of the config.
#[derive(Debug, Clone, Default)]
pub struct WallSettings {
    /// Pixels per point of the 1920×1080 reference layout; `None`: from the screen size.
    pub scale: Option<f32>,
    /// The rotation; empty: the province, then each city with cases.
    pub playlist: Vec<config::PlaylistEntry>,
    /// Seconds per page of a list that does not fit.
    pub page_secs: u64,
    /// `[[wall.screen]]`: the first is the board's window; the others get windows of their
    /// own. Empty: one screen, `playlist`.
    pub screens: Vec<ScreenSettings>,
    /// Where this screen's window opens (`position` of its `[[wall.screen]]`).
    pub position: Option<[f32; 2]>,
}

/// One screen of the wall: its rotation and where its window opens.
#[derive(Debug, Clone, Default)]
pub struct ScreenSettings {
    pub playlist: Vec<config::PlaylistEntry>,
    pub position: Option<[f32; 2]>,
}

impl WallSettings {
    /// The wall of screen `n` (1-based, `--screen N`) alone, or why there is none.
    pub fn screen(&self, n: usize) -> Result<WallSettings, String> {
        let count = self.screens.len();
        match n.checked_sub(1).and_then(|i| self.screens.get(i)) {
            Some(s) => Ok(WallSettings {
                playlist: s.playlist.clone(),
                position: s.position,
                screens: Vec::new(),
                ..self.clone()
            }),
            None if count == 0 => Err(format!("--screen {n}: the config has no [[wall.screen]] entries")),
            None => Err(format!("--screen {n}: the config has {count} [[wall.screen]] entries (1 to {count})")),
        }
    }

    /// The screens beyond the first, each as a wall of its own (numbered from 2).
    pub fn other_screens(&self) -> Vec<(usize, WallSettings)> {
        (2..=self.screens.len()).filter_map(|n| self.screen(n).ok().map(|w| (n, w))).collect()
    }
}

/// The environment variable that gives the officer's token for the hub.
pub const HUB_TOKEN_ENV: &str = "SITBOARD_HUB_TOKEN";

/// Seconds per page of a wall list that does not fit, unless `[wall] page_s` says otherwise.
pub const DEFAULT_PAGE_SECS: u64 = 8;

/// Start-up choices of the board window, applied once data arrives.
#[derive(Clone, Debug, Default)]
pub struct StartOptions {
    pub date: Option<NaiveDate>,
    pub region: Option<Adcode>,
    /// `--lang`: wins over the saved language.
    pub lang_override: Option<Lang>,
    pub view: Option<StartView>,
    pub map_mode: Option<MapMode>,
    /// Wall display: the wall layout alone, full screen.
    pub wall: bool,
    pub fullscreen: bool,
    /// Window size in points.
    pub size: Option<(f32, f32)>,
    /// `--frame-stats` or `SITBOARD_FRAME_STATS=1`: print what frames cost.
    pub frame_stats: bool,
}

impl StartOptions {
    /// The view to open: the wall when `--wall`, else `--view`.
    pub fn start_view(&self) -> Option<StartView> {
        if self.wall { Some(StartView::Wall) } else { self.view }
    }
}

impl Settings {
    /// Merge the command line's overrides with the config file and the defaults.
    pub fn resolve(o: &Overrides) -> Settings {
        let path = o.config.clone().or_else(paths::config_file);
        let (cfg, config_problem) = match path.as_deref().map(config::load) {
            Some(Ok(c)) => (c.unwrap_or_default(), None),
            Some(Err(e)) => (Default::default(), Some(e)),
            None => (Default::default(), None),
        };
        // Validated with the rest of the config (a bad `[hotline]` is a config problem).
        let hotline = cfg.hotline.clone();
        // The officer's token: --token, else $SITBOARD_HUB_TOKEN, else `hub_token`, else the
        // one remembered at the last sign-in (none: the board asks once).
        let hub = o.hub.clone().or(cfg.hub.clone()).map(|u| {
            let token = o
                .token
                .clone()
                .or_else(|| std::env::var(HUB_TOKEN_ENV).ok().filter(|t| !t.trim().is_empty()).map(Secret::new))
                .or(cfg.hub_token.clone())
                .or_else(|| paths::remembered_token(&u));
            HubTarget::new(&u, token)
        });
        let mut data = o.data.clone();
        if data.is_empty() {
            data = cfg.data.clone();
            data.extend(cfg.sources.iter().map(|s| s.url.clone()));
        }
        if data.is_empty()
            && let Some(h) = &hub
        {
            data.push(h.feed_url());
        }
        let demo = data.is_empty();
        let sources: Vec<FeedSource> = if demo {
            paths::bundled_demo_dir().map(FeedSource::Path).into_iter().collect()
        } else {
            data.iter().map(|d| FeedSource::parse(d)).collect()
        };
        let mut live = live_options(&sources, &cfg.sources, o.interval);
        if let Some(h) = &hub {
            // The hub's feed is polled with the officer's token (a hub with officers answers
            // 401 without one), unless its `[[source]]` gives another.
            let feed = h.feed_url();
            for spec in live.specs.iter_mut().filter(|s| s.url.trim_end_matches('/') == feed && s.token.is_none()) {
                spec.token = h.token.clone();
            }
        }
        let data_dir = o.data_dir.clone().or_else(paths::data_dir);
        let record = o.record.clone().or_else(|| match &cfg.record {
            Some(config::Record::On(true)) => data_dir.as_ref().map(|d| d.join(paths::ARCHIVE_FILE)),
            Some(config::Record::To(p)) => Some(p.clone()),
            _ => None,
        });
        // One file that is an SQLite database is an archive to replay, not a feed document.
        let replay = o.replay.clone().or_else(|| match sources.as_slice() {
            [FeedSource::Path(p)] if p.is_file() && crate::replay::looks_like_archive(p) => Some(p.clone()),
            _ => None,
        });
        Settings {
            sources,
            lang: o.lang.or(cfg.lang()).unwrap_or_default(),
            regions: o.regions.clone().or(cfg.regions.clone()),
            config_problem,
            demo,
            tiles: o.tiles.clone().or(cfg.tiles.clone()),
            live,
            hub,
            data_dir,
            replay,
            record,
            record_keep: o.keep_days.or(cfg.record_keep_days).map(|d| chrono::Duration::days(i64::from(d))),
            renderer: o.renderer.or(cfg.renderer).unwrap_or_default(),
            wall: {
                let screens: Vec<ScreenSettings> = cfg
                    .wall
                    .as_ref()
                    .map(|w| {
                        w.screens
                            .iter()
                            .map(|s| ScreenSettings { playlist: s.playlist(), position: s.position })
                            .collect()
                    })
                    .unwrap_or_default();
                // The first screen is the board's window.
                let (playlist, position) = match screens.first() {
                    Some(first) => (first.playlist.clone(), first.position),
                    None => (cfg.wall.as_ref().map(|w| w.playlist.clone()).unwrap_or_default(), None),
                };
                WallSettings {
                    scale: o.wall_scale.or(cfg.wall_scale),
                    playlist,
                    page_secs: cfg.wall.as_ref().and_then(|w| w.page_s).unwrap_or(DEFAULT_PAGE_SECS),
                    screens,
                    position,
                }
            },
            csv_limits: cfg.csv_max_span_years.map(feed::csv_import::CsvLimits::years).unwrap_or_default(),
            hotline,
            ack_deadlines: cfg.acknowledgment.unwrap_or_default(),
        }
    }

    /// Settings over given sources alone, with no config file (tests, benchmarks).
    pub fn for_sources(sources: Vec<FeedSource>, lang: Lang) -> Settings {
        Settings {
            sources,
            lang,
            regions: None,
            config_problem: None,
            demo: false,
            tiles: None,
            live: Default::default(),
            hub: None,
            data_dir: None,
            replay: None,
            record: None,
            record_keep: None,
            renderer: RendererChoice::default(),
            wall: WallSettings { page_secs: DEFAULT_PAGE_SECS, ..Default::default() },
            csv_limits: Default::default(),
            hotline: None,
            ack_deadlines: Default::default(),
        }
    }

    /// The tile URL template, when it is usable.
    pub fn tile_url(&self) -> Option<String> {
        self.tiles.clone().filter(|t| config::valid_tile_template(t))
    }

    /// What to follow live: `Some` when at least one source is an http(s) URL (files are
    /// then read once alongside).
    pub fn live_config(&self) -> Option<feed::live::LiveConfig> {
        let urls: Vec<&String> = self
            .sources
            .iter()
            .filter_map(|s| match s {
                FeedSource::Url(u) => Some(u),
                FeedSource::Path(_) => None,
            })
            .collect();
        if urls.is_empty() {
            return None;
        }
        let sources =
            urls.into_iter()
                .map(|u| {
                    self.live.specs.iter().find(|s| s.url == *u).cloned().unwrap_or_else(|| {
                        feed::live::SourceSpec::new(u.clone(), u.clone(), feed::live::DEFAULT_INTERVAL)
                    })
                })
                .collect();
        Some(feed::live::LiveConfig { sources, files: self.file_sources(), limits: self.live.limits, tap: None })
    }

    /// The sources that are files or folders (read once; URLs are polled).
    pub fn file_sources(&self) -> Vec<PathBuf> {
        self.sources
            .iter()
            .filter_map(|s| match s {
                FeedSource::Path(p) => Some(p.clone()),
                FeedSource::Url(_) => None,
            })
            .collect()
    }

    /// The region registry: `regions` when given, else the bundled one.
    pub fn registry(&self) -> Result<RegionRegistry, String> {
        feed::registry::load(self.regions.as_deref())
    }

    /// Read every source once (the board's loader, `check`, `report` and `journal`).
    pub fn load(&self) -> Result<LoadOutcome, String> {
        if self.sources.is_empty() {
            return Err("no data source: the bundled demo folder data/demo was not found; give --data PATH".into());
        }
        let mut outcome = feed::load(&self.sources, self.regions.as_deref(), self.csv_limits)?;
        self.apply_hotline_rules(&mut outcome);
        Ok(outcome)
    }

    /// Judge the work orders by the configured hotline rules (`[hotline]`), if any.
    pub fn apply_hotline_rules(&self, outcome: &mut LoadOutcome) {
        if let Some(r) = &self.hotline {
            outcome.dataset.set_hotline_rules(r.clone());
        }
    }
}

/// Name, interval and token of every URL source: from its `[[source]]` in the config when
/// there is one (matched by URL), `--interval` over the config's interval.
fn live_options(
    sources: &[FeedSource],
    configured: &[config::SourceConfig],
    interval: Option<Duration>,
) -> feed::live::LiveOptions {
    let specs = sources
        .iter()
        .filter_map(|s| match s {
            FeedSource::Url(u) => Some(u),
            FeedSource::Path(_) => None,
        })
        .map(|url| {
            let c = configured.iter().find(|c| c.url.trim() == url.as_str());
            let name = c.and_then(|c| c.name.clone()).unwrap_or_else(|| url.clone());
            let every = interval
                .or_else(|| c.and_then(|c| c.interval_s).map(Duration::from_secs_f64))
                .unwrap_or(feed::live::DEFAULT_INTERVAL);
            let mut spec = feed::live::SourceSpec::new(name, url.clone(), every);
            spec.token = c.and_then(|c| c.token.clone());
            spec
        })
        .collect();
    feed::live::LiveOptions { specs, limits: Default::default() }
}

/// Parse a date given on the command line (`YYYY-MM-DD`).
pub fn parse_date_arg(s: &str) -> Option<NaiveDate> {
    feed::source_date(s)
}
