//! Checkpoints (卡口/检查站) and their throughput per interval.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::region::Adcode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckpointKind {
    ExpresswayExit,
    TollStation,
    RoadCheckpoint,
    RailStation,
    LogisticsPark,
    CommunityGate,
}

impl CheckpointKind {
    pub const ALL: [CheckpointKind; 6] = [
        CheckpointKind::ExpresswayExit,
        CheckpointKind::TollStation,
        CheckpointKind::RoadCheckpoint,
        CheckpointKind::RailStation,
        CheckpointKind::LogisticsPark,
        CheckpointKind::CommunityGate,
    ];

    pub fn wire_name(self) -> &'static str {
        match self {
            CheckpointKind::ExpresswayExit => "expressway_exit",
            CheckpointKind::TollStation => "toll_station",
            CheckpointKind::RoadCheckpoint => "road_checkpoint",
            CheckpointKind::RailStation => "rail_station",
            CheckpointKind::LogisticsPark => "logistics_park",
            CheckpointKind::CommunityGate => "community_gate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.wire_name() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckpointStatus {
    Open,
    Closed,
    Restricted,
}

impl CheckpointStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "closed" => Some(Self::Closed),
            "restricted" => Some(Self::Restricted),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    Passenger,
    Freight,
    Green,
}

impl Lane {
    pub const ALL: [Lane; 3] = [Lane::Passenger, Lane::Freight, Lane::Green];

    pub fn wire_name(self) -> &'static str {
        match self {
            Lane::Passenger => "passenger",
            Lane::Freight => "freight",
            Lane::Green => "green",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.wire_name() == s)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub kind: CheckpointKind,
    pub region: Adcode,
    pub lon: f64,
    pub lat: f64,
    pub position_approximate: bool,
    /// Lane counts by [`Lane`] order.
    pub lanes: [u16; 3],
    pub capacity_vehicles_per_hour: Option<u32>,
    pub capacity_people_per_hour: Option<u32>,
    /// Status changes, sorted by time.
    pub status: Vec<(DateTime<Utc>, CheckpointStatus)>,
    pub source: String,
    pub reference: Option<String>,
}

impl Checkpoint {
    /// Status at an instant; `None` before its first known status.
    pub fn status_at(&self, t: DateTime<Utc>) -> Option<CheckpointStatus> {
        self.status.iter().take_while(|(since, _)| *since <= t).last().map(|(_, s)| *s)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LaneCounts {
    pub vehicles: u32,
    pub people: u32,
}

/// Health-code colours seen in an interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CodeColours {
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Throughput {
    pub checkpoint: String,
    pub start: DateTime<Utc>,
    pub minutes: u32,
    /// Per-lane counts by [`Lane`] order; `None` where the lane was not reported.
    pub lanes: [Option<LaneCounts>; 3],
    pub temperature_alarms: Option<u32>,
    pub codes: Option<CodeColours>,
    pub turned_back: Option<u32>,
    pub tests: Option<u32>,
    pub positives: Option<u32>,
    pub queue_minutes: Option<u32>,
    pub synthetic: bool,
}

impl Throughput {
    pub fn vehicles(&self) -> u32 {
        self.lanes.iter().flatten().map(|l| l.vehicles).sum()
    }
    pub fn people(&self) -> u32 {
        self.lanes.iter().flatten().map(|l| l.people).sum()
    }
    pub fn end(&self) -> DateTime<Utc> {
        self.start + chrono::Duration::minutes(i64::from(self.minutes))
    }
}
