//! The app shell (rerun's shape: state + logic + ui). [`state`] is what survives a restart,
//! [`logic`] the per-frame non-UI step (take in worker results, apply commands), and this file
//! holds the app itself, its constructors and the UI step that builds the viewer context and
//! lays out the panels.

mod export;
mod logic;
pub mod state;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

pub use self::state::BoardState;
use super::command::{Commands, UiCommand};
use super::context::{BoardStatus, ViewerContext};
use super::panels::map::layer::MapLayer;
use super::panels::{self, Panels};
use super::renderer::RendererInfo;
use super::workers::{
    self, JournalLink, JournalStatus, LiveLink, LoadLink, PushLink, PushStatus, ReplayLink, SignInLink, SignInStatus,
    Waker,
};
use super::{fonts, theme};
use crate::feed::{IngestReport, LoadOutcome};
use crate::hub_client::HubTarget;
use crate::i18n::Lang;
use crate::model::{Adcode, Situation};
use crate::settings::{Settings, StartOptions, StartView};
use crate::store::JournalKind;
use crate::timeline::{Speed, Timeline};

pub struct SitboardApp {
    pub state: BoardState,
    situation: Option<Situation>,
    reports: Vec<IngestReport>,
    /// Reading file sources once (none pending with live sources: they load through `live`).
    load: LoadLink,
    /// Why nothing could be shown, when loading failed.
    failed: Option<String>,
    /// Live sources, when any source is a URL (else the data is read once).
    live: Option<LiveLink>,
    /// A snapshot archive being replayed (`--replay`), instead of sources.
    replay: Option<ReplayLink>,
    /// Recording what the board follows (`--record`).
    recorder: Option<crate::recorder::Recorder>,
    /// Pushes the directive journal to the hub, when there is one.
    push: Option<PushLink>,
    journal: JournalLink,
    /// Where the journal lives and the hub it is pushed to (to reopen them as the other
    /// kind when the data turns out to be an exercise, or stops being one).
    journal_dir: Option<PathBuf>,
    hub: Option<HubTarget>,
    /// The data is an exercise (演练): its clock is the exercise clock, and the board writes
    /// to the exercise journal.
    exercise: bool,
    /// The kind of journal open (none until the board knows: live data opens it).
    journal_kind_open: Option<JournalKind>,
    /// Wakes the UI from the workers.
    waker: Waker,
    /// The board's one "now": the instant in view and how it moves.
    timeline: Timeline,
    /// The speed the play button plays at.
    speed: Speed,
    /// When the timeline last advanced while playing.
    last_tick: Option<Instant>,
    /// Tests and benchmarks advance a playing timeline themselves ([`SitboardApp::tick`]),
    /// so what they see does not depend on how fast the machine draws.
    manual_clock: bool,
    commands: Commands,
    panels: Panels,
    start: StartOptions,
    /// Wall display: the wall layout alone (Esc leaves).
    wall_mode: bool,
    /// A live source's newest day went back: (from, to), until dismissed.
    notice: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    source_note: String,
    config_problem: Option<String>,
    frame_cpu_ms: Option<f32>,
    show_frame_time: bool,
    map_layer: Option<Arc<MapLayer>>,
    /// The renderer drawing the window, as the runner reported it (none in tests).
    renderer: Option<RendererInfo>,
    /// The wall's scale (`--scale`, `wall_scale`); `None`: from the screen size.
    wall_scale: Option<f32>,
    /// The zoom factor before the wall set its own, restored when the wall is left.
    zoom_before_wall: Option<f32>,
    /// Tests set the wall clock (the wall's clock, paging and rotation read it).
    clock_override: Option<chrono::DateTime<chrono::Utc>>,
    /// Exports: the awaited outcome, the picture to take, the footer.
    exports: export::ExportState,
    /// Sign-in with the hub: where it stands (none without a hub), the attempt in flight,
    /// when to ask again.
    sign_in: Option<SignInStatus>,
    sign_in_link: Option<SignInLink>,
    sign_in_again: Option<Instant>,
    /// The settings the live link was started with (to follow again with a new token).
    live_settings: Option<Settings>,
    /// How long addressed units have to acknowledge (`[acknowledgment]`).
    ack_deadlines: crate::model::officer::AckDeadlines,
    /// Where a token given in the sign-in dialog is remembered (none: not remembered).
    token_file: Option<PathBuf>,
    /// The wall's screens beyond the first (`[[wall.screen]]`), each in a window of its own.
    screens: Vec<OtherScreen>,
    /// The renderer cannot open more windows (the screens beyond the first were noted once).
    screens_not_opened: bool,
}

/// A wall screen beyond the first: its own wall (rotation, map, charts) and its own region,
/// so its rotation does not move the board's window.
struct OtherScreen {
    n: usize,
    wall: panels::WallPanel,
    region: Option<Adcode>,
    position: Option<[f32; 2]>,
}

impl SitboardApp {
    /// The app as eframe creates it: restore saved state, start the workers.
    pub fn new(cc: &eframe::CreationContext<'_>, settings: Settings, start: StartOptions) -> Self {
        Self::create(&cc.egui_ctx, cc.storage, settings, start)
    }

    /// Whether the frame just run showed the board with its data (or why there is none),
    /// not the loading board: the frame statistics' "first complete frame".
    pub fn data_shown(&self) -> bool {
        !self.load.pending() && (self.situation.is_some() || self.failed.is_some())
    }

    /// The app for a window's egui context, restoring the state saved in `storage` (eframe's
    /// and the CPU runner's construction: both go through here), and starting the workers.
    pub fn create(
        ctx: &egui::Context,
        storage: Option<&dyn eframe::Storage>,
        settings: Settings,
        start: StartOptions,
    ) -> Self {
        Self::create_loading(ctx, storage, settings, start, None)
    }

    /// [`SitboardApp::create`] with the loader already started ([`LoadLink::early`]: the
    /// runners start it before opening the window, so the data is read meanwhile).
    pub fn create_loading(
        ctx: &egui::Context,
        storage: Option<&dyn eframe::Storage>,
        settings: Settings,
        start: StartOptions,
        early: Option<LoadLink>,
    ) -> Self {
        fonts::install(ctx);
        theme::apply(ctx);
        let mut state: BoardState = storage.and_then(|s| eframe::get_value(s, state::STORAGE_KEY)).unwrap_or_default();
        state.lang = start.lang_override.unwrap_or(if storage.is_some() { state.lang } else { settings.lang });
        let waker = Waker::new(Some(ctx.clone()));
        let view = start.start_view();
        let map_mode = start.map_mode;
        let mut app = Self::with_settings(state, &settings, start, waker.clone());
        // An archive replays through the replay worker; live sources load through the live
        // link (recorded when asked); files alone through the one-shot loader.
        if let Some(path) = settings.replay.clone() {
            app.source_note = path.display().to_string();
            app.replay = Some(ReplayLink::spawn(path, settings.registry(), waker.clone()));
        } else if settings.live_config().is_some() {
            app.follow_live(&settings);
        } else if let Some(link) = early {
            link.attach(ctx);
            app.load = link;
        } else {
            app.load = LoadLink::spawn(settings.clone(), waker.clone());
        }
        if let Some(hub) = settings.hub.clone() {
            // Who the token belongs to (asked on a worker; none known: the dialog asks).
            app.hub = Some(hub.clone());
            app.sign_in_with(hub, None);
        }
        match settings.data_dir.clone() {
            Some(dir) => {
                if let Some(hub) = settings.hub.clone() {
                    app.hub = Some(hub);
                }
                app.journal_dir = Some(dir);
                app.open_journal_unless_waiting();
            }
            None => tracing::warn!("no data dir for the directive journal; give --data-dir"),
        }
        if let Some(m) = map_mode {
            app.panels.map.mode = m;
        }
        app.wall_mode = app.start.wall;
        if let Some(v) = view {
            app.show_view(v);
        }
        app
    }

    fn with_settings(state: BoardState, settings: &Settings, start: StartOptions, waker: Waker) -> Self {
        let names: Vec<String> = settings.sources.iter().map(|s| s.describe()).collect();
        let mut panels = Panels::default();
        let tile_cache = settings.data_dir.as_ref().map(|d| d.join("tiles"));
        panels.map.tile_url = settings.tile_url();
        panels.map.tile_cache = tile_cache.clone();
        panels.wall.set_tiles(settings.tile_url(), tile_cache);
        panels.wall.configure(&settings.wall);
        let mut app = SitboardApp {
            state,
            situation: None,
            reports: Vec::new(),
            load: LoadLink::default(),
            failed: None,
            live: None,
            replay: None,
            recorder: None,
            push: None,
            journal: JournalLink::default(),
            journal_dir: None,
            hub: None,
            exercise: false,
            journal_kind_open: None,
            waker,
            timeline: Timeline::default(),
            speed: Speed::default(),
            last_tick: None,
            manual_clock: false,
            commands: Commands::default(),
            panels,
            start,
            wall_mode: false,
            notice: None,
            source_note: names.join(", "),
            config_problem: settings.config_problem.clone(),
            frame_cpu_ms: None,
            show_frame_time: false,
            map_layer: None,
            renderer: None,
            wall_scale: settings.wall.scale,
            zoom_before_wall: None,
            clock_override: None,
            exports: export::ExportState::default(),
            sign_in: None,
            sign_in_link: None,
            sign_in_again: None,
            live_settings: None,
            ack_deadlines: settings.ack_deadlines,
            token_file: crate::settings::paths::token_file(),
            screens: Vec::new(),
            screens_not_opened: false,
        };
        app.configure_screens(&settings.wall);
        app
    }

    /// The wall's screens beyond the first, from the settings.
    fn configure_screens(&mut self, wall: &crate::settings::WallSettings) {
        let (url, cache) = (self.panels.map.tile_url.clone(), self.panels.map.tile_cache.clone());
        self.screens = wall
            .other_screens()
            .into_iter()
            .map(|(n, w)| {
                let mut panel = panels::WallPanel::default();
                panel.set_tiles(url.clone(), cache.clone());
                panel.configure(&w);
                OtherScreen { n, wall: panel, region: None, position: w.position }
            })
            .collect();
    }

    /// The wall screens beyond the first, in windows of their own (immediate viewports, drawn
    /// with the board's frame: one clock for all). A renderer that cannot open windows (the
    /// CPU renderer: one window) shows the first screen only, and says so once.
    fn show_other_screens(
        screens: &mut [OtherScreen],
        not_opened: &mut bool,
        board_commands: &mut Commands,
        ctx: &egui::Context,
        v: &ViewerContext<'_>,
    ) {
        if screens.is_empty() {
            return;
        }
        if ctx.embed_viewports() {
            if !*not_opened {
                tracing::warn!(
                    "this renderer draws one window: wall screens 2 to {} are not opened; run `sitboard --wall --screen N` for each",
                    screens.len() + 1
                );
                *not_opened = true;
            }
            return;
        }
        for screen in screens {
            let region = screen.region.filter(|r| v.sit.data().registry.contains(*r)).unwrap_or(v.region);
            let sv = ViewerContext { region, ..*v };
            let mut commands = Commands::default();
            let mut builder = egui::ViewportBuilder::default()
                .with_title(format!("Sitboard · {} {}", v.tr.wall.screen, screen.n))
                .with_fullscreen(true);
            if let Some(p) = screen.position {
                builder = builder.with_position(p);
            }
            let id = egui::ViewportId::from_hash_of(("sitboard.wall.screen", screen.n));
            ctx.show_viewport_immediate(id, builder, |ui, _| {
                panels::wall_screen(ui, &sv, &mut screen.wall, &mut commands);
            });
            // Its rotation moves its own region; anything else is the board's to apply.
            for c in commands.take() {
                match c {
                    UiCommand::SelectRegion(r) => screen.region = Some(r),
                    other => board_commands.push(other),
                }
            }
        }
    }

    /// The app over already-loaded data (tests, benchmarks).
    pub fn from_outcome(outcome: LoadOutcome, lang: Lang) -> Self {
        let settings = Settings::for_sources(Vec::new(), lang);
        let state = BoardState { lang, ..Default::default() };
        let mut app = Self::with_settings(state, &settings, StartOptions::default(), Waker::default());
        // Tests and benchmarks never write the user's config folder.
        app.token_file = None;
        let layer = workers::load::map_layer(&outcome.dataset.registry);
        app.accept(workers::LoadResult::Loaded(Box::new(outcome), layer));
        app.manual_clock = true;
        app
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

    /// Follow the live sources of the settings, recording what arrives when asked
    /// (`--record`, `record = …`).
    fn follow_live(&mut self, settings: &Settings) {
        let Some(mut c) = settings.live_config() else { return };
        if let Some(path) = &settings.record {
            match crate::recorder::Recorder::start_keeping(path, settings.record_keep) {
                Ok(r) => {
                    c.tap = Some(r.sender());
                    self.recorder = Some(r);
                }
                Err(e) => self.config_problem = Some(format!("not recording: {e}")),
            }
        }
        self.live = Some(LiveLink::spawn(settings, c, self.waker.clone()));
        self.live_settings = Some(settings.clone());
        self.timeline.live = true;
    }

    /// Ask the hub who `hub`'s token belongs to (on a worker); `remember`: where to keep the
    /// token once the hub knows it (a sign-in from the dialog).
    pub(super) fn sign_in_with(&mut self, hub: HubTarget, remember: Option<PathBuf>) {
        if hub.token.is_none() {
            self.sign_in = Some(SignInStatus::NeedsToken(None));
            self.sign_in_link = None;
            return;
        }
        self.sign_in = Some(SignInStatus::Checking);
        self.sign_in_link = Some(SignInLink::spawn(hub, remember, self.waker.clone()));
    }

    /// A token from the sign-in dialog: sent from now on with the hub's feed polls and the
    /// directive pushes, and asked about (remembered once the hub knows it).
    pub(super) fn sign_in_token(&mut self, token: crate::secret::Secret) {
        let Some(hub) = &self.hub else { return };
        let hub = HubTarget::new(&hub.url, Some(token.clone()));
        self.hub = Some(hub.clone());
        if let (Some(dir), Some(kind)) = (&self.journal_dir, self.journal_kind_open) {
            self.push = Some(PushLink::spawn(dir.clone(), hub.clone(), kind, self.waker.clone()));
        }
        // Follow the hub's feed again with the token (the data on screen stays until then).
        if let Some(mut settings) = self.live_settings.clone() {
            let feed = hub.feed_url();
            for spec in settings.live.specs.iter_mut().filter(|s| s.url.trim_end_matches('/') == feed) {
                spec.token = Some(token.clone());
            }
            if let Some(h) = &mut settings.hub {
                h.token = Some(token.clone());
            }
            if let Some(old) = self.live.take() {
                old.shutdown();
            }
            let recorder = self.recorder.take();
            self.follow_live(&settings);
            if self.recorder.is_none() {
                self.recorder = recorder;
            }
        }
        self.sign_in_with(hub, self.token_file.clone());
    }

    /// Where a token given in the sign-in dialog is remembered (tests: a temporary file).
    pub fn set_token_file(&mut self, file: Option<PathBuf>) {
        self.token_file = file;
    }

    /// Sign-in as the hub said (tests: an officer, without a hub to ask).
    pub fn set_sign_in(&mut self, status: SignInStatus) {
        if let SignInStatus::SignedIn(o) = &status {
            self.state.officer = o.id.clone();
        }
        self.sign_in = Some(status);
    }

    /// Where sign-in stands (none without a hub).
    pub fn sign_in_status(&self) -> Option<&SignInStatus> {
        self.sign_in.as_ref()
    }

    /// How long addressed units have to acknowledge (tests).
    pub fn set_ack_deadlines(&mut self, d: crate::model::officer::AckDeadlines) {
        self.ack_deadlines = d;
    }

    /// How the board's own recording goes, when it records.
    pub fn recording(&self) -> Option<crate::recorder::RecorderStatus> {
        self.recorder.as_ref().map(crate::recorder::Recorder::status)
    }

    /// The app following live sources, without a window (tests drive it frame by frame).
    pub fn live_for_tests(settings: Settings, lang: Lang, ctx: Option<egui::Context>) -> Self {
        let state = BoardState { lang, ..Default::default() };
        let waker = Waker::new(ctx);
        let mut app = Self::with_settings(state, &settings, StartOptions::default(), waker);
        app.token_file = None;
        app.follow_live(&settings);
        app.timeline.live = app.live.is_some();
        app
    }

    /// The same app with the directive journal of a data dir (tests).
    pub fn with_journal(mut self, data_dir: PathBuf) -> Self {
        self.journal_dir = Some(data_dir);
        self.open_journal_unless_waiting();
        self
    }

    /// The same app pushing the directive journal of `data_dir` to a hub, signed in with
    /// its token (tests).
    pub fn with_push(mut self, data_dir: PathBuf, hub: HubTarget) -> Self {
        self.push = Some(PushLink::spawn(data_dir, hub.clone(), self.journal_kind(), self.waker.clone()));
        self.hub = Some(hub.clone());
        self.sign_in_with(hub, None);
        self
    }

    /// Open the journal (and its push to the hub) now, unless the board waits for its first
    /// live data to know whether it follows an exercise: then the first data opens the right
    /// one, and the real journal is not touched during an exercise.
    fn open_journal_unless_waiting(&mut self) {
        let waiting = (self.live.is_some() || self.replay.is_some()) && self.situation.is_none();
        if !waiting {
            self.open_journal();
        }
    }

    /// (Re)open the journal of the current kind and its push to the hub.
    pub(super) fn open_journal(&mut self) {
        let kind = self.journal_kind();
        self.journal_kind_open = Some(kind);
        if let Some(dir) = &self.journal_dir {
            self.journal = JournalLink::spawn(dir.clone(), kind, self.waker.clone());
            if let Some(hub) = &self.hub {
                self.push = Some(PushLink::spawn(dir.clone(), hub.clone(), kind, self.waker.clone()));
            }
        }
    }

    /// The journal the board writes to: the exercise journal while the data is an exercise.
    pub fn journal_kind(&self) -> JournalKind {
        if self.exercise { JournalKind::Exercise } else { JournalKind::Real }
    }

    /// Whether the board follows an exercise (演练).
    pub fn is_exercise(&self) -> bool {
        self.exercise
    }

    /// Wall mode: the wall layout alone, full screen (tests and benchmarks).
    pub fn set_wall_mode(&mut self, on: bool) {
        self.wall_mode = on;
        if on {
            self.state.tab = crate::settings::MainTab::Wall;
        }
    }

    /// Set the wall clock the board reads (tests: the wall's clock, paging and rotation then
    /// move only when the test moves it).
    pub fn set_clock(&mut self, t: chrono::DateTime<chrono::Utc>) {
        self.clock_override = Some(t);
    }

    /// The wall's settings (tests: a playlist, a scale, paging).
    pub fn configure_wall(&mut self, wall: &crate::settings::WallSettings) {
        self.wall_scale = wall.scale;
        self.panels.wall.configure(wall);
        self.configure_screens(wall);
    }

    /// The wall panel's rotation (tests read where it is).
    pub fn wall_rotation(&self) -> &panels::wall::Rotation {
        self.panels.wall.rotation()
    }

    /// The rects of the wall's header, cards, map and chart on the last frame (tests).
    pub fn wall_areas(&self) -> &[egui::Rect] {
        self.panels.wall.areas()
    }

    /// Whether the wall is shown alone (wall mode).
    pub fn wall_mode(&self) -> bool {
        self.wall_mode
    }

    /// Switch the central area to a view (as the tabs and the curves toolbar do).
    pub fn show_view(&mut self, v: StartView) {
        self.state.tab = v.tab();
        self.panels.curves.mode = v.curve_mode();
    }

    pub fn situation(&self) -> Option<&Situation> {
        self.situation.as_ref()
    }

    pub fn selected_region(&self) -> Option<Adcode> {
        self.state.region
    }

    pub fn selected_checkpoint(&self) -> Option<&str> {
        self.state.checkpoint.as_deref()
    }

    /// Whether the directive journal is open, and the last write's outcome.
    pub fn journal_status(&self) -> &JournalStatus {
        &self.journal.status
    }

    /// The push queue's state, when the board pushes to a hub.
    pub fn push_status(&self) -> Option<&PushStatus> {
        self.push.as_ref().map(|s| &s.status)
    }

    /// The live link (tests read the sources' states).
    pub fn live(&self) -> Option<&LiveLink> {
        self.live.as_ref()
    }

    /// The replayed archive's worker, when replaying (tests read its state).
    pub fn replay(&self) -> Option<&ReplayLink> {
        self.replay.as_ref()
    }

    /// The app replaying an archive, without a window (tests drive it frame by frame).
    pub fn replay_for_tests(settings: Settings, lang: Lang) -> Self {
        let state = BoardState { lang, ..Default::default() };
        let mut app = Self::with_settings(state, &settings, StartOptions::default(), Waker::default());
        if let Some(path) = settings.replay.clone() {
            app.replay = Some(ReplayLink::spawn(path, settings.registry(), Waker::default()));
        }
        app.manual_clock = true;
        app
    }

    /// The timeline: the instant in view and the play state.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// Where a region's label point is on the map (after a frame showing the map).
    pub fn map_screen_pos(&self, code: Adcode) -> Option<egui::Pos2> {
        self.map_layer.as_ref().and_then(|l| self.panels.map.screen_pos(l, code))
    }

    /// Where a checkpoint's marker is on the map (after a frame showing the map).
    pub fn map_checkpoint_pos(&self, id: &str) -> Option<egui::Pos2> {
        self.panels.map.checkpoint_screen_pos(id)
    }

    /// The renderer drawing the window (shown with the sources).
    pub fn set_renderer(&mut self, info: RendererInfo) {
        self.renderer = Some(info);
    }

    /// Save what survives a restart (eframe's `save`, and the CPU runner's).
    pub fn save_state(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, state::STORAGE_KEY, &self.state);
    }

    /// The map panel's state (tests check that no tile layer exists without a tile URL).
    pub fn map_state(&self) -> &panels::MapPanel {
        &self.panels.map
    }

    /// The compare view (tests read where its two maps look).
    pub fn compare_state(&self) -> &panels::ComparePanel {
        &self.panels.compare
    }

    /// Draw the board (the UI part of a frame).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let started = Instant::now();
        if ui.input(|i| i.key_pressed(egui::Key::F12) && i.modifiers.shift) {
            self.show_frame_time = !self.show_frame_time;
        }
        self.waker.set_ctx(ui.ctx());
        self.scale_wall(ui.ctx());
        let clock = self.clock_override.unwrap_or_else(chrono::Utc::now);
        let lang = self.state.lang;
        let status = BoardStatus {
            lang,
            tr: lang.tr(),
            tab: self.state.tab,
            wall_mode: self.wall_mode,
            map_layer: self.map_layer.as_ref(),
            reports: &self.reports,
            loading: self.load.pending(),
            failed: self.failed.as_deref(),
            live: self.live.as_ref(),
            push: self.push.as_ref().map(|s| &s.status),
            source_note: &self.source_note,
            config_problem: self.config_problem.as_deref(),
            journal: &self.journal.status,
            officer: &self.state.officer,
            timeline: &self.timeline,
            speed: self.speed,
            clock,
            recording: self.recorder.as_ref().map(crate::recorder::Recorder::status),
            replaying: self.replay.as_ref().and_then(|r| r.info.as_ref()),
            exercise: self.exercise,
            went_back: self.notice,
            renderer: self.renderer.as_ref(),
            export_message: self.exports.message.as_ref(),
            sign_in: self.sign_in.as_ref(),
            ack_deadlines: self.ack_deadlines,
        };
        let checkpoint = self.state.checkpoint.as_deref();
        let view = self.situation.as_ref().zip(self.state.region).map(|(sit, region)| ViewerContext {
            sit,
            region,
            checkpoint,
            lang,
            tr: lang.tr(),
            status: &status,
        });
        panels::board(ui, &status, view.as_ref(), &mut self.panels, &mut self.commands);
        if self.wall_mode
            && let Some(v) = &view
        {
            Self::show_other_screens(&mut self.screens, &mut self.screens_not_opened, &mut self.commands, ui.ctx(), v);
        }
        if let Some(wait) = self.timeline.next_wake() {
            // Playing: the next frame is due when the cursor reaches the next mark or day.
            ui.ctx().request_repaint_after(wait);
        }
        if self.wall_mode && view.is_some() {
            // The wall's clock shows seconds: one frame at each new second, while the wall
            // shows (the rest of the board stays idle).
            let into = u64::from(clock.timestamp_subsec_millis());
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(1000 - into.min(999)));
        }
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
                    if let Some(r) = &self.renderer {
                        ui.label(egui::RichText::new(r.describe(lang.tr())).small().color(theme::TEXT_DIM));
                    }
                });
        }
        self.capture_ui(ui);
        self.frame_cpu_ms = Some(started.elapsed().as_secs_f32() * 1000.0);
    }

    /// The wall is laid out for a 1920×1080 screen: in wall mode the zoom makes the screen
    /// about that many points (or `--scale`); leaving the wall restores the zoom before it.
    fn scale_wall(&mut self, ctx: &egui::Context) {
        if self.wall_mode {
            self.zoom_before_wall.get_or_insert_with(|| ctx.zoom_factor());
            let physical = ctx.content_rect().size() * ctx.pixels_per_point();
            let native = ctx.native_pixels_per_point().unwrap_or(1.0);
            let zoom = panels::wall::zoom_for(physical, native, self.wall_scale);
            // Only a real change: rounding must not set it every frame (each set repaints).
            if (zoom - ctx.zoom_factor()).abs() > 1e-3 {
                ctx.set_zoom_factor(zoom);
            }
        } else if let Some(z) = self.zoom_before_wall.take() {
            ctx.set_zoom_factor(z);
        }
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

    /// egui's memory (its zoom factor among it) is not saved while the wall has set its own
    /// zoom: the board opened next without `--wall` keeps the zoom it had before.
    fn persist_egui_memory(&self) -> bool {
        self.zoom_before_wall.is_none()
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.save_state(storage);
    }

    fn clear_color(&self, _visuals: &egui::Visuals) -> [f32; 4] {
        theme::BG.to_normalized_gamma_f32()
    }
}
