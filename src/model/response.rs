//! Emergency response levels (突发公共卫生事件应急响应 I–IV) of a region, with history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::region::Adcode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ResponseLevel {
    I,
    II,
    III,
    IV,
    /// No emergency response in force.
    None,
}

impl ResponseLevel {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "I" => Some(Self::I),
            "II" => Some(Self::II),
            "III" => Some(Self::III),
            "IV" => Some(Self::IV),
            "none" => Some(Self::None),
            _ => None,
        }
    }

    pub fn roman(self) -> &'static str {
        match self {
            ResponseLevel::I => "I",
            ResponseLevel::II => "II",
            ResponseLevel::III => "III",
            ResponseLevel::IV => "IV",
            ResponseLevel::None => "—",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseLevelChange {
    pub region: Adcode,
    pub level: ResponseLevel,
    pub since: DateTime<Utc>,
    pub source: String,
    pub reference: Option<String>,
    /// Whether the level was read from an official notice (false: reconstructed).
    pub reported: bool,
    /// The instant the publisher vouched for this level up to (the document's `as_of`).
    pub known_until: Option<DateTime<Utc>>,
}
