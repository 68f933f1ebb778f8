//! What panels ask the app to do. Panels never change shared state: they push a
//! [`UiCommand`] and the app's logic step applies it, in order (rerun's `SystemCommand`).
//! Defined below the panels and the app, so both depend on it and it on neither.

use chrono::NaiveDate;

use super::workers::JournalRequest;
use crate::i18n::Lang;
use crate::model::Adcode;
use crate::settings::MainTab;

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
    /// Leave the wall display (Esc): the picker and date control come back.
    LeaveWall,
    /// Write to the directive journal (off the UI thread).
    Journal(JournalRequest),
    /// The officer recorded with journal events.
    SetOfficer(String),
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
