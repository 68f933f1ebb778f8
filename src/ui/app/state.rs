//! The part of the board's state that survives a restart (eframe's storage): language,
//! region, day, tab, checkpoint and officer. Caches and panel state are not saved.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::model::Adcode;
use crate::settings::MainTab;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct BoardState {
    pub lang: Lang,
    pub region: Option<Adcode>,
    pub date: Option<NaiveDate>,
    /// The sources `date` was saved for: another source opens on its own latest day.
    #[serde(default)]
    pub date_sources: Option<String>,
    #[serde(default)]
    pub tab: MainTab,
    #[serde(default)]
    pub checkpoint: Option<String>,
    /// Officer name or ID recorded with the directive journal's events.
    #[serde(default)]
    pub officer: String,
}

/// The key of [`BoardState`] in eframe's storage.
pub const STORAGE_KEY: &str = "sitboard.board";
