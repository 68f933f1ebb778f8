//! What panels ask the app to do. Panels never change shared state: they push a
//! [`UiCommand`] and the app's logic step applies it, in order (rerun's `SystemCommand`).
//! Defined below the panels and the app, so both depend on it and it on neither.

use chrono::{DateTime, NaiveDate, Utc};

use super::workers::JournalRequest;
use crate::export::tables::TableRequest;
use crate::i18n::Lang;
use crate::model::Adcode;
use crate::settings::MainTab;
use crate::timeline::{Speed, StepUnit};

#[derive(Clone, Debug, PartialEq)]
pub enum UiCommand {
    SelectRegion(Adcode),
    /// Move the timeline to the end of a reporting day.
    SetDate(NaiveDate),
    /// Move the timeline to an instant.
    Seek(DateTime<Utc>),
    /// Follow the newest data again ("jump to live", End).
    FollowLive,
    /// Play, or pause when playing (Space).
    TogglePlay,
    SetSpeed(Speed),
    SetLoop(bool),
    /// Step the timeline back (`false`) or forward by a mark, an hour or a day.
    Step(StepUnit, bool),
    /// Live feeds: open or close the sources window.
    ShowSources(bool),
    /// Live feeds: request every source now.
    RetryNow,
    SetLang(Lang),
    SetTab(MainTab),
    SelectCheckpoint(Option<String>),
    ShowProblems(bool),
    /// Leave the wall display (Esc): the picker and timeline bar come back.
    LeaveWall,
    /// Close the notice that a live source's data went back.
    DismissNotice,
    /// Write to the directive journal (off the UI thread).
    Journal(JournalRequest),
    /// The officer recorded with journal events.
    SetOfficer(String),
    /// Sign in to the hub with this token (from the sign-in dialog).
    SignIn(crate::secret::Secret),
    /// Export what the board shows (written off the UI thread, noted in the export record).
    Export(ExportAction),
}

/// What to export.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportAction {
    /// A table or chart series of the board as CSV.
    Table(TableRequest),
    /// The window as PNG, with the as-of time and the source in a footer (F12).
    Png,
    /// The daily briefing of the region and day in view, as PDF or printable HTML.
    Briefing { pdf: bool },
}

/// The commands of one frame, in the order they were pushed.
#[derive(Debug, Default)]
pub struct Commands(Vec<UiCommand>);

impl Commands {
    pub fn push(&mut self, cmd: UiCommand) {
        self.0.push(cmd);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Take every command out, oldest first.
    pub fn take(&mut self) -> Vec<UiCommand> {
        std::mem::take(&mut self.0)
    }
}
