//! Live-demo clock: replays the reporting days of the data in accelerated time, one day
//! every N seconds, from a start day to the last one, then from the first day again.

use std::time::{Duration, Instant};

use chrono::NaiveDate;

#[derive(Clone, Debug)]
pub struct DemoClock {
    days: Vec<NaiveDate>,
    per_day: Duration,
    started: Instant,
    start_index: usize,
}

impl DemoClock {
    /// `None` when there are no days to replay.
    pub fn new(days: Vec<NaiveDate>, per_day: Duration, start: Option<NaiveDate>, now: Instant) -> Option<Self> {
        if days.is_empty() {
            return None;
        }
        let start_index = start.map(|s| days.iter().position(|d| *d >= s).unwrap_or(0)).unwrap_or(0);
        let per_day = per_day.max(Duration::from_millis(10));
        Some(DemoClock { days, per_day, started: now, start_index })
    }

    fn steps(&self, now: Instant) -> u128 {
        now.saturating_duration_since(self.started).as_nanos() / self.per_day.as_nanos().max(1)
    }

    /// Index (into `days()`) of the day being served at `now`.
    pub fn index(&self, now: Instant) -> usize {
        let n = self.days.len() as u128;
        ((self.start_index as u128 + self.steps(now)) % n) as usize
    }

    pub fn day(&self, now: Instant) -> NaiveDate {
        self.days[self.index(now)]
    }

    /// When the served day changes next.
    pub fn next_change(&self, now: Instant) -> Instant {
        let next = self.steps(now) + 1;
        let nanos = self.per_day.as_nanos().saturating_mul(next);
        self.started + Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }

    pub fn days(&self) -> &[NaiveDate] {
        &self.days
    }

    pub fn per_day(&self) -> Duration {
        self.per_day
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advances_one_day_per_step_and_loops() {
        let d = |n: u32| NaiveDate::from_ymd_opt(2020, 3, n).unwrap();
        let t0 = Instant::now();
        let c = DemoClock::new(vec![d(1), d(2), d(3)], Duration::from_secs(5), Some(d(2)), t0).unwrap();
        assert_eq!(c.day(t0), d(2));
        assert_eq!(c.day(t0 + Duration::from_millis(4999)), d(2));
        assert_eq!(c.day(t0 + Duration::from_secs(5)), d(3));
        assert_eq!(c.day(t0 + Duration::from_secs(10)), d(1), "loops to the first day");
        assert_eq!(c.next_change(t0 + Duration::from_secs(6)), t0 + Duration::from_secs(10));
    }
}
