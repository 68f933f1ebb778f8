//! Checkpoint throughput arithmetic: sums over a time window, rates per 1,000 people, data
//! freshness and alerts (a positive, traffic dropping to zero while open, a silent feed),
//! and a region's checkpoint totals for a day. Pure functions over the throughput rows.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::checkpoint::{Checkpoint, CheckpointStatus, CodeColours, Lane, LaneCounts, Throughput};
use super::region::Adcode;
use super::situation::Situation;

/// A checkpoint's feed counts as stale when an open checkpoint has reported nothing for
/// this long.
pub const STALE_AFTER: Duration = Duration::hours(2);

/// Totals over a set of intervals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct ThroughputTotals {
    pub intervals: u32,
    pub lanes: [LaneTotals; 3],
    pub vehicles: u64,
    pub people: u64,
    pub temperature_alarms: u64,
    pub codes: CodeTotals,
    pub turned_back: u64,
    pub tests: u64,
    pub positives: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct LaneTotals {
    pub vehicles: u64,
    pub people: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct CodeTotals {
    pub green: u64,
    pub yellow: u64,
    pub red: u64,
}

impl ThroughputTotals {
    pub fn add(&mut self, t: &Throughput) {
        self.intervals += 1;
        for (i, l) in t.lanes.iter().enumerate() {
            if let Some(LaneCounts { vehicles, people }) = l {
                self.lanes[i].vehicles += u64::from(*vehicles);
                self.lanes[i].people += u64::from(*people);
            }
        }
        self.vehicles += u64::from(t.vehicles());
        self.people += u64::from(t.people());
        self.temperature_alarms += u64::from(t.temperature_alarms.unwrap_or(0));
        if let Some(CodeColours { green, yellow, red }) = t.codes {
            self.codes.green += u64::from(green);
            self.codes.yellow += u64::from(yellow);
            self.codes.red += u64::from(red);
        }
        self.turned_back += u64::from(t.turned_back.unwrap_or(0));
        self.tests += u64::from(t.tests.unwrap_or(0));
        self.positives += u64::from(t.positives.unwrap_or(0));
    }

    pub fn lane(&self, lane: Lane) -> LaneTotals {
        self.lanes[lane as usize]
    }

    /// Alarms a person acts on: temperature alarms, red codes and positives.
    pub fn alarms(&self) -> u64 {
        self.temperature_alarms + self.codes.red + self.positives
    }

    /// A count per 1,000 people passing; `None` when nobody passed.
    pub fn per_1000(&self, count: u64) -> Option<f64> {
        (self.people > 0).then(|| count as f64 * 1000.0 / self.people as f64)
    }
}

/// The rows of a checkpoint whose intervals start in `[from, to)`. Rows are sorted by start.
pub fn rows_between(rows: &[Throughput], from: DateTime<Utc>, to: DateTime<Utc>) -> &[Throughput] {
    let end = rows.partition_point(|r| r.start < to);
    let begin = rows[..end].partition_point(|r| r.start < from);
    &rows[begin..end]
}

pub fn totals(rows: &[Throughput]) -> ThroughputTotals {
    let mut t = ThroughputTotals::default();
    rows.iter().for_each(|r| t.add(r));
    t
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckpointAlert {
    /// A positive test in the last 24 hours.
    Positive,
    /// Open, but the last interval had no traffic after hours with traffic.
    DroppedToZero,
    /// Open, and nothing reported for more than [`STALE_AFTER`].
    Stale,
}

/// One checkpoint as of an instant: status, last interval, the last 24 hours, freshness.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckpointState {
    pub id: String,
    pub region: Adcode,
    /// `None` before the checkpoint's first known status.
    pub status: Option<CheckpointStatus>,
    pub last_interval: Option<ThroughputTotals>,
    pub last_interval_start: Option<DateTime<Utc>>,
    pub last_24h: ThroughputTotals,
    pub queue_minutes: Option<u32>,
    /// End of the last reported interval.
    pub last_data: Option<DateTime<Utc>>,
    pub alerts: Vec<CheckpointAlert>,
    pub synthetic: bool,
}

impl CheckpointState {
    pub fn at(c: &Checkpoint, rows: &[Throughput], t: DateTime<Utc>) -> CheckpointState {
        let status = c.status_at(t - Duration::nanoseconds(1));
        let day = rows_between(rows, t - Duration::hours(24), t);
        // Only intervals that have ended by `t` count.
        let day: &[Throughput] = match day.last() {
            Some(last) if last.end() > t => &day[..day.len() - 1],
            _ => day,
        };
        let last = day.last();
        let last_data = last.map(Throughput::end);
        let mut alerts = Vec::new();
        let day_totals = totals(day);
        if day_totals.positives > 0 {
            alerts.push(CheckpointAlert::Positive);
        }
        let open = matches!(status, Some(CheckpointStatus::Open | CheckpointStatus::Restricted));
        if open {
            if last_data.is_none_or(|d| t - d > STALE_AFTER) {
                alerts.push(CheckpointAlert::Stale);
            } else if let Some(l) = last
                && l.vehicles() + l.people() == 0
            {
                let before = &day[..day.len().saturating_sub(1)];
                let recent = &before[before.len().saturating_sub(6)..];
                if recent.iter().any(|r| r.vehicles() + r.people() > 0) {
                    alerts.push(CheckpointAlert::DroppedToZero);
                }
            }
        }
        CheckpointState {
            id: c.id.clone(),
            region: c.region,
            status,
            last_interval: last.map(|l| totals(std::slice::from_ref(l))),
            last_interval_start: last.map(|l| l.start),
            last_24h: day_totals,
            queue_minutes: last.and_then(|l| l.queue_minutes),
            last_data,
            alerts,
            synthetic: last.is_some_and(|l| l.synthetic),
        }
    }

    pub fn is_stale(&self) -> bool {
        self.alerts.contains(&CheckpointAlert::Stale)
    }
}

/// A region's checkpoint totals for the situation's day (as printed by `sitboard report`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RegionCheckpoints {
    pub total: u32,
    pub open: u32,
    pub closed: u32,
    pub restricted: u32,
    pub day: ThroughputTotals,
    pub alerts: u32,
    pub stale: u32,
}

pub fn region_checkpoints(sit: &Situation, region: Adcode) -> RegionCheckpoints {
    let data = sit.data();
    let t = sit.as_of();
    let from = crate::model::time::start_of_day(sit.date());
    let mut out = RegionCheckpoints::default();
    for c in data.checkpoints().iter().filter(|c| data.registry.is_within(c.region, region)) {
        let Some(status) = c.status_at(t - Duration::nanoseconds(1)) else { continue };
        out.total += 1;
        match status {
            CheckpointStatus::Open => out.open += 1,
            CheckpointStatus::Closed => out.closed += 1,
            CheckpointStatus::Restricted => out.restricted += 1,
        }
        let rows = data.throughput(&c.id);
        for r in rows_between(rows, from, t) {
            out.day.add(r);
        }
        let st = CheckpointState::at(c, rows, t);
        if !st.alerts.is_empty() {
            out.alerts += 1;
        }
        if st.is_stale() {
            out.stale += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CheckpointKind;

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2020-02-10T00:00:00+08:00").unwrap().to_utc() + Duration::hours(h)
    }

    fn cp(status: CheckpointStatus) -> Checkpoint {
        Checkpoint {
            id: "a".into(),
            name_zh: "测试".into(),
            name_en: "Test".into(),
            kind: CheckpointKind::TollStation,
            region: Adcode::new(230400).unwrap(),
            lon: 130.0,
            lat: 47.0,
            position_approximate: false,
            lanes: [1, 1, 1],
            capacity_vehicles_per_hour: None,
            capacity_people_per_hour: None,
            status: vec![(t(-100), status)],
            source: "s".into(),
            reference: None,
        }
    }

    fn row(h: i64, vehicles: u32, people: u32, positives: u32) -> Throughput {
        Throughput {
            checkpoint: "a".into(),
            start: t(h),
            minutes: 60,
            lanes: [Some(LaneCounts { vehicles, people }), None, Some(LaneCounts { vehicles: 1, people: 1 })],
            temperature_alarms: Some(1),
            codes: Some(CodeColours { green: people, yellow: 0, red: 2 }),
            turned_back: Some(1),
            tests: Some(3),
            positives: Some(positives),
            queue_minutes: Some(5),
            synthetic: true,
        }
    }

    #[test]
    fn totals_and_rates() {
        let rows: Vec<Throughput> = (0..4).map(|h| row(h, 10, 99, 0)).collect();
        let s = totals(&rows);
        assert_eq!(s.intervals, 4);
        assert_eq!(s.vehicles, 44);
        assert_eq!(s.people, 400);
        assert_eq!(s.lane(Lane::Passenger).vehicles, 40);
        assert_eq!(s.lane(Lane::Green).people, 4);
        assert_eq!(s.alarms(), 4 + 8);
        assert_eq!(s.per_1000(s.codes.red), Some(20.0));
        assert_eq!(ThroughputTotals::default().per_1000(3), None);
        assert_eq!(rows_between(&rows, t(1), t(3)).len(), 2);
    }

    #[test]
    fn stale_dropped_and_positive_alerts() {
        let c = cp(CheckpointStatus::Open);
        let mut rows: Vec<Throughput> = (0..6).map(|h| row(h, 10, 20, 0)).collect();
        // Fresh and normal at 06:00.
        let s = CheckpointState::at(&c, &rows, t(6));
        assert!(s.alerts.is_empty(), "{:?}", s.alerts);
        assert_eq!(s.last_data, Some(t(6)));
        // Nothing since 06:00: stale after two hours.
        assert!(!CheckpointState::at(&c, &rows, t(8)).is_stale());
        assert!(CheckpointState::at(&c, &rows, t(8) + Duration::minutes(1)).is_stale());
        // Traffic drops to zero while open.
        let mut zero = row(6, 0, 0, 0);
        zero.lanes = [Some(LaneCounts::default()), None, None];
        rows.push(zero);
        assert_eq!(CheckpointState::at(&c, &rows, t(7)).alerts, vec![CheckpointAlert::DroppedToZero]);
        // A positive.
        rows.push(row(7, 3, 3, 1));
        assert_eq!(CheckpointState::at(&c, &rows, t(8)).alerts, vec![CheckpointAlert::Positive]);
        // A closed checkpoint reporting zeros is not an alert.
        let closed = cp(CheckpointStatus::Closed);
        let zeros: Vec<Throughput> = (0..6).map(|h| row(h, 0, 0, 0)).collect();
        assert!(CheckpointState::at(&closed, &zeros, t(6)).alerts.is_empty());
        // An interval that has not ended is not counted.
        assert_eq!(CheckpointState::at(&c, &rows, t(7) + Duration::minutes(30)).last_interval_start, Some(t(6)));
    }
}
