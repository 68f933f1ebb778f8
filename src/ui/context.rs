//! What every panel reads in a frame (rerun's "viewer context"): the situation on screen and
//! the selection, the language, and the board's status around the data — loading, data
//! problems, live sources, the directive journal and its push queue. Built by the app each
//! frame from its state; panels read it and push commands, never change it.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::feed::IngestReport;
use crate::i18n::{Lang, Tr};
use crate::model::{Adcode, Situation};
use crate::settings::MainTab;
use crate::timeline::{Speed, Timeline};
use crate::ui::panels::map::layer::MapLayer;
use crate::ui::workers::{JournalStatus, LiveLink, PushStatus};

/// The board's state around the data, for the top bar, the problems window, the loading
/// screen and the panels that show it (directives, live badges).
pub struct BoardStatus<'a> {
    pub lang: Lang,
    pub tr: &'static Tr,
    pub tab: MainTab,
    /// Wall display: the wall layout alone, no picker or date control.
    pub wall_mode: bool,
    /// The map geometry, prepared off the UI thread (none: the map says so).
    pub map_layer: Option<&'a Arc<MapLayer>>,
    pub reports: &'a [IngestReport],
    pub loading: bool,
    pub failed: Option<&'a str>,
    /// Live sources (none when the board replays files).
    pub live: Option<&'a LiveLink>,
    /// Directives pushed to the hub: what is still waiting (none without a hub).
    pub push: Option<&'a PushStatus>,
    pub source_note: &'a str,
    pub config_problem: Option<&'a str>,
    /// The directive journal, and the officer its events are recorded under.
    pub journal: &'a JournalStatus,
    pub officer: &'a str,
    /// The board's one "now" (the instant the situation shows) and how it moves.
    pub timeline: &'a Timeline,
    /// The speed the play button plays at.
    pub speed: Speed,
    /// The wall clock as the app read it this frame: only for stamping new journal events,
    /// naming exports, the age of live data and the wall's clock, page turns and rotation —
    /// never for what the scene shows.
    pub clock: DateTime<Utc>,
    /// The board's own recording, when it records (`--record`).
    pub recording: Option<crate::recorder::RecorderStatus>,
    /// The archive being replayed, once opened.
    pub replaying: Option<&'a crate::store::archive::ArchiveInfo>,
    /// A live source's newest day went back from the first day to the second (shown until
    /// dismissed).
    pub went_back: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    /// The data is an exercise (演练): "now" is the exercise clock, records are exercise
    /// records.
    pub exercise: bool,
    /// The renderer drawing the window (none in tests): shown with the sources.
    pub renderer: Option<&'a crate::ui::renderer::RendererInfo>,
    /// The last export's outcome (text, whether it went well), shown in the top bar.
    pub export_message: Option<&'a (String, bool)>,
    /// Sign-in with the hub (none without a hub): who is signed in, or why nobody is.
    pub sign_in: Option<&'a crate::ui::workers::SignInStatus>,
    /// How long addressed units have to acknowledge a directive (`[acknowledgment]`).
    pub ack_deadlines: crate::model::officer::AckDeadlines,
}

impl BoardStatus<'_> {
    /// The officer signed in at the hub (none: no hub, an open hub, not signed in yet).
    pub fn officer(&self) -> Option<&crate::model::officer::Officer> {
        self.sign_in.and_then(crate::ui::workers::SignInStatus::officer)
    }
}

/// What every panel renders from: the situation, the selected region and checkpoint, the
/// language, and the board's status.
pub struct ViewerContext<'a> {
    pub sit: &'a Situation,
    pub region: Adcode,
    /// The selected checkpoint, shared by the map and the checkpoints panel.
    pub checkpoint: Option<&'a str>,
    pub lang: Lang,
    pub tr: &'static Tr,
    pub status: &'a BoardStatus<'a>,
}

impl ViewerContext<'_> {
    /// The instant deadlines are judged at (hotline orders, acknowledgments): the
    /// situation's, or — following a live feed that is not an exercise (whose "now" is the
    /// exercise clock) — the clock, since deadlines pass whether or not new data arrives.
    pub fn deadline_now(&self) -> DateTime<Utc> {
        let live = self.status.live.is_some() && self.status.timeline.is_following() && !self.status.exercise;
        if live { self.sit.as_of().max(self.status.clock) } else { self.sit.as_of() }
    }

    /// A region's name in the board's language.
    pub fn name(&self, code: Adcode) -> String {
        self.sit.data().registry.name(code, self.lang.is_en())
    }
}
