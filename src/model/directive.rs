//! Directives and public notices (指令/公告) of a command HQ: number, scope, validity and
//! lifecycle. Feed directives are read-only records; locally logged ones live in the journal.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::region::Adcode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectiveCategory {
    TrafficControl,
    ResidentialControl,
    Testing,
    Reopening,
    Supplies,
    Other,
}

impl DirectiveCategory {
    pub const ALL: [DirectiveCategory; 6] = [
        DirectiveCategory::TrafficControl,
        DirectiveCategory::ResidentialControl,
        DirectiveCategory::Testing,
        DirectiveCategory::Reopening,
        DirectiveCategory::Supplies,
        DirectiveCategory::Other,
    ];

    pub fn wire_name(self) -> &'static str {
        match self {
            DirectiveCategory::TrafficControl => "traffic_control",
            DirectiveCategory::ResidentialControl => "residential_control",
            DirectiveCategory::Testing => "testing",
            DirectiveCategory::Reopening => "reopening",
            DirectiveCategory::Supplies => "supplies",
            DirectiveCategory::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.wire_name() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectiveStatus {
    Draft,
    InForce,
    Lifted,
    Revoked,
    Superseded,
}

impl DirectiveStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(Self::Draft),
            "in_force" => Some(Self::InForce),
            "lifted" => Some(Self::Lifted),
            "revoked" => Some(Self::Revoked),
            "superseded" => Some(Self::Superseded),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "normal" => Some(Self::Normal),
            "high" => Some(Self::High),
            "urgent" => Some(Self::Urgent),
            _ => None,
        }
    }
}

/// A directive's content as an officer wrote it or a feed published it. Number and issuing
/// body identify it and never change after it is first recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DirectiveContent {
    pub number: String,
    pub issuer: String,
    pub title: String,
    pub body: String,
    pub category: DirectiveCategory,
    pub scope: Vec<Adcode>,
    pub effective_from: Option<DateTime<Utc>>,
    pub effective_until: Option<DateTime<Utc>>,
    pub priority: Priority,
}

/// A directive as the board shows it: its content, when it was issued and its status, and
/// where the record comes from (a feed, or the local journal).
#[derive(Clone, Debug, PartialEq)]
pub struct Directive {
    pub content: DirectiveContent,
    pub issued_at: DateTime<Utc>,
    /// Status as published (as of the feed's `as_of`).
    pub status: DirectiveStatus,
    pub supersedes: Vec<String>,
    /// Feed source id.
    pub source: String,
    pub reference: Option<String>,
    /// The instant the published `status` is known to hold (the document's `as_of`).
    pub known_until: Option<DateTime<Utc>>,
    /// The units (regions) asked to acknowledge it, with their acknowledgments (feed schema
    /// 1.2 `addressed`; empty when the source asks for none, as for a published bulletin).
    pub addressed: Vec<crate::model::officer::Addressee>,
}

impl Directive {
    /// Whether the directive was in force at `t`: issued, effective, not yet ended. A
    /// revoked directive without an end time counts as never in force.
    pub fn in_force_at(&self, t: DateTime<Utc>) -> bool {
        if self.status == DirectiveStatus::Draft || self.status == DirectiveStatus::Revoked {
            return false;
        }
        let from = self.content.effective_from.unwrap_or(self.issued_at);
        if t < from || t < self.issued_at {
            return false;
        }
        match self.content.effective_until {
            Some(until) => t < until,
            // No end time: in force while the feed says so, and only as far as the feed
            // vouches for (after its `as_of` the status is unknown). Lifted or superseded
            // without an end time: we cannot tell when, so not shown as in force.
            None => self.status == DirectiveStatus::InForce && self.known_until.is_none_or(|k| t <= k),
        }
    }
}
