//! County risk levels (风险等级): low / medium / high from a date, and where each came from
//! (published by the HQ, or computed by the board from case history).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::region::Adcode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

impl RiskLevel {
    pub const ALL: [RiskLevel; 3] = [RiskLevel::High, RiskLevel::Medium, RiskLevel::Low];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "low" => Some(Self::Low),
            "medium" => Some(Self::Medium),
            "high" => Some(Self::High),
            _ => None,
        }
    }

    pub fn wire_name(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
        }
    }
}

/// The rule set a level was assigned under (see `shared/domain/rules.md` §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RiskRule {
    /// State Council county scheme of 2020-02-17 (low / medium / high by county).
    County2020,
    /// Prevention and Control Plan, 9th edition (2022-06-28), compound-level areas.
    Area9thEdition,
    /// "20 measures" (2022-11-11), building-level high-risk areas.
    Area20Measures,
}

impl RiskRule {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "county-2020-02" => Some(Self::County2020),
            "area-9th-ed" => Some(Self::Area9thEdition),
            "area-20-measures" => Some(Self::Area20Measures),
            _ => None,
        }
    }

    pub fn wire_name(self) -> &'static str {
        match self {
            RiskRule::County2020 => "county-2020-02",
            RiskRule::Area9thEdition => "area-9th-ed",
            RiskRule::Area20Measures => "area-20-measures",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RiskBasis {
    /// Published by a command HQ (a feed's `risk_levels` row).
    Reported { source: String, reference: Option<String> },
    /// Given by a feed, but reconstructed by its publisher rather than read from a notice.
    Reconstructed { source: String, reference: Option<String> },
    /// Computed by the board from the region's case history.
    Computed,
}

/// A region's risk level from `since` until the next assessment of the same region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskAssessment {
    pub region: Adcode,
    pub level: RiskLevel,
    pub since: DateTime<Utc>,
    pub rule: Option<RiskRule>,
    pub basis: RiskBasis,
    /// The instant the publisher vouched for this level up to (the feed document's
    /// `as_of`). Later than that the level is unknown, not "still in force".
    pub known_until: Option<DateTime<Utc>>,
}

impl RiskAssessment {
    /// Whether this assessment says anything about instant `t`.
    pub fn covers(&self, t: DateTime<Utc>) -> bool {
        self.since <= t && self.known_until.is_none_or(|k| t <= k)
    }
}
