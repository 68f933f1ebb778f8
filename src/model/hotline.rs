//! The 12345 hotline: work orders with their time limits, and volume over periods.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::region::Adcode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkOrderStatus {
    Open,
    InProgress,
    Closed,
}

impl WorkOrderStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "in_progress" => Some(Self::InProgress),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct WorkOrder {
    pub id: String,
    pub category: String,
    pub region: Adcode,
    pub received_at: DateTime<Utc>,
    /// When the responsible unit first acted (claimed it and started work), if it has.
    pub first_action_at: Option<DateTime<Utc>>,
    /// First-action or closing deadline (Harbin: act within 2 h, close within 1 working day).
    pub due_at: Option<DateTime<Utc>>,
    pub status: WorkOrderStatus,
    pub closed_at: Option<DateTime<Utc>>,
    pub summary: String,
}

impl WorkOrder {
    pub fn is_overdue_at(&self, t: DateTime<Utc>) -> bool {
        match (self.due_at, self.closed_at) {
            (Some(due), Some(closed)) => closed > due && t > due,
            (Some(due), None) => t > due,
            _ => false,
        }
    }
}

/// Hotline volume over a period of days (inclusive), as published.
#[derive(Clone, Debug, PartialEq)]
pub struct HotlinePeriod {
    pub region: Adcode,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub requests: Option<u32>,
    pub connection_rate: Option<f64>,
    pub response_rate: Option<f64>,
    pub baseline_ratio: Option<f64>,
    pub topics: Vec<String>,
    /// The fields read from a published source (`ref` names it); the others are reconstructed.
    pub reported: Vec<String>,
    pub source: String,
    pub reference: Option<String>,
}
