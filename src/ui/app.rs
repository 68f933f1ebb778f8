//! The app shell: persisted board state, the current `Situation`, the per-frame logic step
//! (drain the loader, apply commands) and the layout of the panels.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Instant;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::journal_worker::{JournalLink, JournalRequest};
use super::live::{LiveLink, PlayState};
use super::loader::{self, LoadResult};
use super::map::layer::MapLayer;
use super::panels::{self, MainTab, PanelState, View};
use super::{fonts, theme};
use crate::cli::Settings;
use crate::feed::{IngestReport, LoadOutcome};
use crate::i18n::Lang;
use crate::model::{Adcode, Dataset, Situation};

/// What panels ask the app to do. Applied in the logic step, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum UiCommand {
    SelectRegion(Adcode),
    SetDate(NaiveDate),
    /// Live feeds: follow the newest day again ("jump to live").
    FollowLive,
    /// Live feeds: open or close the sources window.
    ShowSources(bool),
    /// Live feeds: request every source now.
    RetryNow,
    SetLang(Lang),
    SetTab(MainTab),
    SelectCheckpoint(Option<String>),
    ShowProblems(bool),
    /// Write to the directive journal (off the UI thread).
    Journal(JournalRequest),
    /// The officer recorded with journal events.
    SetOfficer(String),
}

/// The part of the board's state that survives a restart.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct BoardState {
    pub lang: Lang,
    pub region: Option<Adcode>,
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub tab: MainTab,
    #[serde(default)]
    pub checkpoint: Option<String>,
    /// Officer name or ID recorded with the directive journal's events.
    #[serde(default)]
    pub officer: String,
}

/// Start-up choices from the command line, applied once data arrives.
#[derive(Clone, Debug, Default)]
pub struct StartOptions {
    pub date: Option<NaiveDate>,
    pub region: Option<Adcode>,
    pub lang_override: Option<Lang>,
    pub view: Option<crate::cli::StartView>,
    pub map_colour: Option<crate::cli::MapColour>,
    pub wall: bool,
    /// Data dir of the directive journal (`--data-dir`, else the platform data dir).
    pub journal_dir: Option<PathBuf>,
}

enum Load {
    Pending(Receiver<LoadResult>),
    Done,
    Failed(String),
}

pub struct SitboardApp {
    pub state: BoardState,
    situation: Option<Situation>,
    reports: Vec<IngestReport>,
    load: Load,
    /// Live sources, when any source is a URL (else the data is read once).
    live: Option<LiveLink>,
    /// Pushes the directive journal to the hub, when there is one.
    sync: Option<crate::sync::SyncLink>,
    commands: Vec<UiCommand>,
    panels: PanelState,
    start: StartOptions,
    source_note: String,
    config_problem: Option<String>,
    frame_cpu_ms: Option<f32>,
    show_frame_time: bool,
    map_layer: Option<Arc<MapLayer>>,
    journal: JournalLink,
}

const STORAGE_KEY: &str = "sitboard.board";

impl SitboardApp {
    /// The app as eframe creates it: restore saved state, start loading in the background.
    pub fn new(cc: &eframe::CreationContext<'_>, settings: Settings, start: StartOptions) -> Self {
        fonts::install(&cc.egui_ctx);
        theme::apply(&cc.egui_ctx);
        let mut state: BoardState = cc.storage.and_then(|s| eframe::get_value(s, STORAGE_KEY)).unwrap_or_default();
        state.lang = start.lang_override.unwrap_or(if cc.storage.is_some() { state.lang } else { settings.lang });
        let live = settings.live_config().map(|c| LiveLink::spawn(&settings, c, Some(cc.egui_ctx.clone())));
        // Live sources load through the live link; files alone through the one-shot loader.
        let load = match live {
            Some(_) => Load::Done,
            None => Load::Pending(loader::spawn(settings.clone(), cc.egui_ctx.clone())),
        };
        let view = start.view;
        let map_colour = start.map_colour;
        let wall = start.wall;
        let journal_dir = start.journal_dir.clone();
        let paused = start.date.is_some();
        let mut app = Self::with_load(state, load, &settings, start);
        app.live = live.map(|mut l| {
            if paused {
                l.play = PlayState::Paused;
            }
            l
        });
        if let (Some(hub), Some(dir)) = (settings.hub.clone(), journal_dir.clone()) {
            let ctx = cc.egui_ctx.clone();
            app.sync = Some(crate::sync::SyncLink::spawn(dir, hub, Box::new(move || ctx.request_repaint())));
        }
        match journal_dir {
            Some(dir) => app.journal = JournalLink::spawn(dir, Some(cc.egui_ctx.clone())),
            None => tracing::warn!("no data dir for the directive journal; give --data-dir"),
        }
        app.panels.wall_mode = wall;
        if let Some(c) = map_colour {
            use crate::cli::MapColour as C;
            use crate::ui::map::choropleth::MapMode as M;
            app.panels.map.mode = match c {
                C::Risk => M::Risk,
                C::Computed => M::RiskComputed,
                C::Active => M::Active,
                C::New7 => M::New7Days,
                C::Per100k => M::New7DaysPer100k,
            };
        }
        if let Some(v) = view {
            app.show_view(v);
        }
        app
    }

    /// Where a region's label point is on the map (after a frame showing the map).
    pub fn map_screen_pos(&self, code: Adcode) -> Option<egui::Pos2> {
        self.map_layer.as_ref().and_then(|l| self.panels.map.screen_pos(l, code))
    }

    /// Where a checkpoint's marker is on the map (after a frame showing the map).
    pub fn map_checkpoint_pos(&self, id: &str) -> Option<egui::Pos2> {
        self.panels.map.checkpoint_screen_pos(id)
    }

    pub fn selected_checkpoint(&self) -> Option<&str> {
        self.state.checkpoint.as_deref()
    }

    /// The map panel's state (tests check that no tile layer exists without a tile URL).
    pub fn map_state(&self) -> &crate::ui::map::MapState {
        &self.panels.map
    }

    /// The app over already-loaded data, with a tile URL for the map (tests).
    pub fn from_outcome_with_tiles(outcome: LoadOutcome, lang: Lang, tiles: Option<String>) -> Self {
        let mut app = Self::from_outcome(outcome, lang);
        app.panels.map.tile_url = tiles;
        app
    }

    /// Replace the map geometry (benchmarks with synthetic layers).
    pub fn with_map_layer(mut self, layer: Arc<MapLayer>) -> Self {
        self.map_layer = Some(layer);
        self
    }

    /// The app following live sources, without a window (tests drive it frame by frame).
    pub fn live_for_tests(settings: Settings, lang: Lang, ctx: Option<egui::Context>) -> Self {
        let state = BoardState { lang, ..Default::default() };
        let mut app = Self::with_load(state, Load::Done, &settings, StartOptions::default());
        app.live = settings.live_config().map(|c| LiveLink::spawn(&settings, c, ctx));
        app
    }

    /// The same app pushing the directive journal of `data_dir` to a hub (tests).
    pub fn with_sync(mut self, data_dir: PathBuf, hub: crate::sync::HubTarget) -> Self {
        self.sync = Some(crate::sync::SyncLink::spawn(data_dir, hub, Box::new(|| {})));
        self
    }

    /// The push queue's state, when the board pushes to a hub.
    pub fn sync_status(&self) -> Option<&crate::sync::SyncStatus> {
        self.sync.as_ref().map(|s| &s.status)
    }

    /// The live link (tests read the sources' states and the play state).
    pub fn live(&self) -> Option<&LiveLink> {
        self.live.as_ref()
    }

    /// The app over already-loaded data (tests, benchmarks).
    pub fn from_outcome(outcome: LoadOutcome, lang: Lang) -> Self {
        let settings = Settings {
            sources: Vec::new(),
            lang,
            regions: None,
            config_problem: None,
            demo: false,
            tiles: None,
            live: Default::default(),
            hub: None,
        };
        let state = BoardState { lang, ..Default::default() };
        let mut app = Self::with_load(state, Load::Done, &settings, StartOptions::default());
        let layer = loader::map_layer(&outcome.dataset.registry);
        app.accept(LoadResult::Loaded(Box::new(outcome), layer));
        app
    }

    /// The same app with the directive journal of a data dir (tests).
    pub fn with_journal(mut self, data_dir: PathBuf) -> Self {
        self.journal = JournalLink::spawn(data_dir, None);
        self
    }

    fn with_load(state: BoardState, load: Load, settings: &Settings, start: StartOptions) -> Self {
        let names: Vec<String> = settings.sources.iter().map(|s| s.describe()).collect();
        let mut panels = PanelState::default();
        panels.map.tile_url = settings.tiles.clone().filter(|t| crate::config::valid_tile_template(t));
        SitboardApp {
            state,
            situation: None,
            reports: Vec::new(),
            load,
            live: None,
            sync: None,
            commands: Vec::new(),
            panels,
            start,
            source_note: names.join(", "),
            config_problem: settings.config_problem.clone(),
            frame_cpu_ms: None,
            show_frame_time: false,
            map_layer: None,
            journal: JournalLink::default(),
        }
    }

    /// Wall mode: the wall layout alone, full screen (tests and benchmarks).
    pub fn set_wall_mode(&mut self, on: bool) {
        self.panels.wall_mode = on;
        if on {
            self.state.tab = MainTab::Wall;
        }
    }

    /// Switch the central area to a view (as the tabs and the curves toolbar do).
    pub fn show_view(&mut self, v: crate::cli::StartView) {
        use crate::cli::StartView;
        use panels::curves::CurveMode;
        self.state.tab = match v {
            StartView::Overview => MainTab::Overview,
            StartView::Map => MainTab::Map,
            StartView::Checkpoints => MainTab::Checkpoints,
            StartView::Wall => MainTab::Wall,
            StartView::Directives => MainTab::Directives,
            _ => MainTab::Curves,
        };
        self.panels.curves.mode = match v {
            StartView::Compare => CurveMode::Compare,
            StartView::Multiples => CurveMode::SmallMultiples,
            _ => CurveMode::Single,
        };
    }

    pub fn situation(&self) -> Option<&Situation> {
        self.situation.as_ref()
    }

    pub fn selected_region(&self) -> Option<Adcode> {
        self.state.region
    }

    /// Whether the directive journal is open, and the last write's outcome.
    pub fn journal_status(&self) -> &super::journal_worker::JournalStatus {
        &self.journal.status
    }

    fn accept(&mut self, result: LoadResult) {
        match result {
            LoadResult::Failed(msg, reports) => {
                self.reports = reports;
                self.load = Load::Failed(msg);
            }
            LoadResult::Loaded(outcome, map_layer) => {
                self.map_layer = map_layer;
                let outcome = *outcome;
                self.reports = outcome.reports;
                if !self.reports.iter().any(IngestReport::usable) {
                    self.load = Load::Failed(self.reports.iter().map(|r| r.summary()).collect::<Vec<_>>().join("\n"));
                    return;
                }
                self.load = Load::Done;
                self.install(Arc::new(outcome.dataset));
            }
        }
    }

    /// Put a freshly loaded dataset on screen, keeping the user's region and day if they
    /// still exist in it.
    fn install(&mut self, data: Arc<Dataset>) {
        let dates = data.dates();
        let wanted = self.start.date.take().or(self.state.date);
        // Following live data: always the newest day; otherwise keep the person's day.
        let following = self.live.as_ref().is_some_and(|l| l.play == PlayState::Following);
        let date = match wanted {
            Some(d) if !following && dates.contains(&d) => Some(d),
            _ => dates.last().copied(),
        };
        let Some(date) = date else {
            self.load = Load::Failed("the data holds no case reports".into());
            return;
        };
        let region_wanted = self.start.region.take().or(self.state.region);
        let region =
            region_wanted.and_then(|r| data.registry.resolve(r)).or_else(|| data.registry.roots().first().copied());
        self.state.date = Some(date);
        self.state.region = region;
        self.situation = Some(Situation::at_end_of(data, date).with_journal(self.journal.journal()));
    }

    /// The non-UI work of a frame: take in loaded data, apply commands. Never blocks.
    pub fn logic_step(&mut self) {
        if let Load::Pending(rx) = &self.load {
            match rx.try_recv() {
                Ok(result) => self.accept(result),
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => {
                    self.load = Load::Failed("the loader stopped without a result".into());
                }
            }
        }
        if let Some((result, ready)) = self.live.as_mut().and_then(LiveLink::poll) {
            self.accept(result);
            if let Some(sit) = &self.situation {
                tracing::info!(
                    "board: showing {} (data as of {}), {} ms after the dataset was ready",
                    sit.date(),
                    sit.data().as_of().map(crate::model::time::format_as_of).unwrap_or_default(),
                    ready.elapsed().as_millis()
                );
            }
        }
        if let Some(sync) = &mut self.sync {
            sync.poll();
        }
        if let Some(journal) = self.journal.poll() {
            self.situation = self.situation.take().map(|s| s.with_journal(journal));
        }
        for cmd in std::mem::take(&mut self.commands) {
            self.apply(cmd);
        }
    }

    pub fn apply(&mut self, cmd: UiCommand) {
        match cmd {
            UiCommand::SelectRegion(r) => {
                if self.situation.as_ref().is_some_and(|s| s.data().registry.contains(r)) {
                    self.state.region = Some(r);
                }
            }
            UiCommand::SetDate(d) => {
                if let Some(sit) = &self.situation
                    && sit.data().dates().contains(&d)
                {
                    if let Some(live) = &mut self.live {
                        // Moving to the newest day follows live data again; any other day pauses.
                        let newest = sit.data().dates().last() == Some(&d);
                        live.play = if newest { PlayState::Following } else { PlayState::Paused };
                    }
                    self.situation = Some(sit.with_date(d));
                    self.state.date = Some(d);
                }
            }
            UiCommand::FollowLive => {
                if let Some(live) = &mut self.live {
                    live.play = PlayState::Following;
                }
                if let Some(last) = self.situation.as_ref().and_then(|s| s.data().dates().last().copied()) {
                    self.apply(UiCommand::SetDate(last));
                }
            }
            UiCommand::ShowSources(open) => {
                if let Some(live) = &mut self.live {
                    live.show_sources = open;
                    live.set_details_open(open);
                }
            }
            UiCommand::RetryNow => {
                if let Some(live) = &self.live {
                    live.retry_now();
                }
            }
            UiCommand::SetLang(l) => self.state.lang = l,
            UiCommand::SetTab(t) => self.state.tab = t,
            UiCommand::SelectCheckpoint(c) => self.state.checkpoint = c,
            UiCommand::ShowProblems(b) => self.panels.show_problems = b,
            UiCommand::Journal(req) => self.journal.send(req),
            UiCommand::SetOfficer(o) => self.state.officer = o,
        }
    }

    /// Draw the board (the UI part of a frame).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let started = Instant::now();
        if ui.input(|i| i.key_pressed(egui::Key::F12)) {
            self.show_frame_time = !self.show_frame_time;
        }
        self.journal.set_ctx(ui.ctx());
        let lang = self.state.lang;
        let status = panels::Status {
            tab: self.state.tab,
            map_layer: self.map_layer.as_ref(),
            reports: &self.reports,
            loading: matches!(self.load, Load::Pending(_)),
            failed: match &self.load {
                Load::Failed(m) => Some(m.as_str()),
                _ => None,
            },
            live: self.live.as_ref(),
            sync: self.sync.as_ref().map(|s| &s.status),
            source_note: &self.source_note,
            config_problem: self.config_problem.as_deref(),
            journal: &self.journal.status,
            officer: &self.state.officer,
        };
        let checkpoint = self.state.checkpoint.as_deref();
        let view = self.situation.as_ref().zip(self.state.region).map(|(sit, region)| View {
            sit,
            region,
            checkpoint,
            lang,
            tr: lang.tr(),
        });
        panels::board(ui, view.as_ref(), &status, lang, &mut self.panels, &mut self.commands);
        if self.live.is_some() {
            // The data age is shown to the minute: one repaint a minute keeps it true.
            // Nothing else repaints between polls: the live link asks for a repaint when
            // something on screen changes (every state change while the sources window is
            // open).
            ui.ctx().request_repaint_after(std::time::Duration::from_secs(60));
        }
        if self.show_frame_time {
            let ms = self.frame_cpu_ms.unwrap_or(0.0);
            egui::Area::new(egui::Id::unique("sitboard.frame_time"))
                .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-8.0, -70.0))
                .show(ui.ctx(), |ui| {
                    ui.label(
                        egui::RichText::new(format!("{} {ms:.2} ms", lang.tr().board.frame_time))
                            .small()
                            .color(theme::TEXT_DIM),
                    );
                });
        }
        self.frame_cpu_ms = Some(started.elapsed().as_secs_f32() * 1000.0);
    }

    /// Logic then UI: one full frame, as eframe and the tests run it.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        self.logic_step();
        self.show(ui);
        // Commands emitted while drawing take effect now, so the next frame shows them;
        // ask for that frame only when something was emitted (idle otherwise).
        if !self.commands.is_empty() {
            ui.ctx().request_repaint();
        }
    }
}

impl eframe::App for SitboardApp {
    fn logic(&mut self, _ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.logic_step();
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
        if !self.commands.is_empty() {
            ui.ctx().request_repaint();
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, &self.state);
    }

    fn clear_color(&self, _visuals: &egui::Visuals) -> [f32; 4] {
        theme::BG.to_normalized_gamma_f32()
    }
}
