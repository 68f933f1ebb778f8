//! The timeline: the board's one "now". A cursor over the instants the data knows (the end
//! of each reporting day of a file, each snapshot of an archive, each document of a live
//! feed), with rerun's play states — *Following* the live edge, *Paused* where a person put
//! it, or *Playing* at a speed, looping or not. Every panel reads the cursor's instant
//! (through the `Situation` the app builds for it), never the wall clock. Pure: the app
//! gives it the elapsed wall time; tests drive it step by step.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::model::time::{end_of_day, local_date};

/// How fast playing moves the cursor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    /// This many marks (snapshots, or reporting days of a file) per second.
    MarksPerSecond(f64),
    /// This many reporting days per second.
    DaysPerSecond(f64),
    /// Recorded time at this multiple of real time (1, 10, 60 …).
    RealTime(f64),
}

impl Speed {
    /// The speeds offered on the timeline bar.
    pub const CHOICES: [Speed; 5] = [
        Speed::MarksPerSecond(1.0),
        Speed::DaysPerSecond(1.0),
        Speed::RealTime(1.0),
        Speed::RealTime(10.0),
        Speed::RealTime(60.0),
    ];
}

impl Default for Speed {
    fn default() -> Self {
        Speed::MarksPerSecond(1.0)
    }
}

/// Rerun's words: follow the newest data, stay where the person put the cursor, or play.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum PlayState {
    /// The cursor is on the newest instant and moves with it as data arrives.
    #[default]
    Following,
    Paused,
    Playing(Speed),
}

/// What one step of the step buttons (and ← / →) moves by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepUnit {
    /// To the previous or next mark.
    Mark,
    Hour,
    /// To the end of the previous or next reporting day.
    Day,
}

/// The cursor and its marks.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// The instants the data knows, sorted, without duplicates.
    marks: Vec<DateTime<Utc>>,
    cursor: Option<DateTime<Utc>>,
    play: PlayState,
    /// Playing past the last mark starts again at the first.
    pub looping: bool,
    /// Whether new marks may still arrive (live feeds): playing off the end then follows.
    pub live: bool,
    /// Wall time accumulated towards the next mark while playing by marks.
    carry: f64,
}

impl Timeline {
    pub fn new(marks: Vec<DateTime<Utc>>) -> Self {
        let mut t = Timeline::default();
        t.set_marks(marks);
        t
    }

    /// Replace the marks (new data). Following: the cursor moves to the newest mark; otherwise
    /// it stays where it is (clamped into the new range).
    pub fn set_marks(&mut self, mut marks: Vec<DateTime<Utc>>) {
        marks.sort();
        marks.dedup();
        self.marks = marks;
        self.cursor = match (self.play, self.cursor) {
            (PlayState::Following, _) | (_, None) => self.last(),
            (_, Some(c)) => Some(self.clamp(c)),
        };
    }

    pub fn marks(&self) -> &[DateTime<Utc>] {
        &self.marks
    }

    pub fn first(&self) -> Option<DateTime<Utc>> {
        self.marks.first().copied()
    }

    pub fn last(&self) -> Option<DateTime<Utc>> {
        self.marks.last().copied()
    }

    /// The instant in view: the board's "now".
    pub fn cursor(&self) -> Option<DateTime<Utc>> {
        self.cursor
    }

    pub fn play_state(&self) -> PlayState {
        self.play
    }

    pub fn is_following(&self) -> bool {
        self.play == PlayState::Following
    }

    pub fn is_playing(&self) -> bool {
        matches!(self.play, PlayState::Playing(_))
    }

    fn clamp(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        match (self.first(), self.last()) {
            (Some(a), Some(b)) => t.clamp(a, b),
            _ => t,
        }
    }

    /// Move the cursor to `t` (clamped to the marks). Seeking to the newest mark of a live
    /// source follows again; any other instant pauses (playing stops).
    pub fn seek(&mut self, t: DateTime<Utc>) {
        let t = self.clamp(t);
        self.cursor = Some(t);
        self.carry = 0.0;
        self.play = if self.live && Some(t) == self.last() { PlayState::Following } else { PlayState::Paused };
    }

    /// Follow the newest instant again ("jump to live", End).
    pub fn follow(&mut self) {
        self.play = PlayState::Following;
        self.cursor = self.last();
    }

    pub fn pause(&mut self) {
        self.play = PlayState::Paused;
    }

    /// Start playing. From the last mark, playing starts again at the first.
    pub fn play(&mut self, speed: Speed) {
        if self.cursor == self.last()
            && let Some(first) = self.first()
        {
            self.cursor = Some(first);
        }
        self.carry = 0.0;
        self.play = PlayState::Playing(speed);
    }

    /// A new speed for a playing cursor (it keeps its place).
    pub fn set_speed(&mut self, speed: Speed) {
        if self.is_playing() {
            self.play = PlayState::Playing(speed);
        }
    }

    /// Space: play when paused or following, pause when playing.
    pub fn toggle_play(&mut self, speed: Speed) {
        if self.is_playing() { self.pause() } else { self.play(speed) }
    }

    /// The previous (`forward = false`) or next mark, hour or day from the cursor; pauses.
    pub fn step(&mut self, unit: StepUnit, forward: bool) {
        let Some(c) = self.cursor else { return };
        let target = match unit {
            StepUnit::Mark => {
                if forward {
                    self.marks.iter().find(|m| **m > c).copied()
                } else {
                    self.marks.iter().rev().find(|m| **m < c).copied()
                }
            }
            StepUnit::Hour => Some(if forward { c + TimeDelta::hours(1) } else { c - TimeDelta::hours(1) }),
            StepUnit::Day => {
                // The end of the reporting day the cursor is in, then whole days.
                let day = local_date(c - TimeDelta::nanoseconds(1));
                let end = end_of_day(day);
                Some(if forward {
                    if end > c { end } else { end_of_day(day + TimeDelta::days(1)) }
                } else {
                    end_of_day(day - TimeDelta::days(1))
                })
            }
        };
        if let Some(t) = target {
            self.seek(t);
        }
    }

    /// Advance a playing cursor by `elapsed` wall time. Returns whether the cursor moved.
    pub fn advance(&mut self, elapsed: Duration) -> bool {
        let PlayState::Playing(speed) = self.play else { return false };
        let (Some(c), Some(first), Some(last)) = (self.cursor, self.first(), self.last()) else { return false };
        let next = match speed {
            Speed::MarksPerSecond(n) => {
                self.carry += elapsed.as_secs_f64() * n.max(0.0);
                let steps = self.carry.floor();
                if steps < 1.0 {
                    return false;
                }
                self.carry -= steps;
                let at = self.marks.partition_point(|m| *m <= c);
                // `at` is the index of the first mark after the cursor.
                let idx = at + steps as usize - 1;
                self.marks.get(idx).copied().unwrap_or(last + TimeDelta::nanoseconds(1))
            }
            Speed::DaysPerSecond(n) => c + scaled(TimeDelta::days(1), elapsed.as_secs_f64() * n),
            Speed::RealTime(x) => c + scaled(TimeDelta::seconds(1), elapsed.as_secs_f64() * x),
        };
        if next > last {
            if self.looping {
                self.cursor = Some(first);
                self.carry = 0.0;
            } else {
                self.cursor = Some(last);
                self.play = if self.live { PlayState::Following } else { PlayState::Paused };
            }
        } else {
            self.cursor = Some(next.max(first));
        }
        self.cursor != Some(c)
    }

    /// How long until playing changes what is on screen (the next mark or the next day):
    /// the UI asks for a repaint then and is idle in between. `None` when not playing.
    pub fn next_wake(&self) -> Option<Duration> {
        let PlayState::Playing(speed) = self.play else { return None };
        let c = self.cursor?;
        let secs = match speed {
            Speed::MarksPerSecond(n) => (1.0 - self.carry).max(0.0) / n.max(1e-6),
            Speed::DaysPerSecond(n) | Speed::RealTime(n) => {
                let per_second = match speed {
                    Speed::DaysPerSecond(_) => 86_400.0 * n,
                    _ => n,
                };
                // The next mark or the next day's end, whichever comes first; at most a second
                // (the instant shown on the bar moves).
                let day_end = end_of_day(local_date(c));
                let next_mark = self.marks.iter().find(|m| **m > c).copied();
                let target = next_mark.map_or(day_end, |m| m.min(day_end));
                let gap = (target - c).num_milliseconds().max(1) as f64 / 1000.0;
                (gap / per_second.max(1e-6)).min(1.0)
            }
        };
        Some(Duration::from_secs_f64(secs.clamp(0.001, 3600.0)))
    }
}

/// `unit` × `factor`, in whole milliseconds.
fn scaled(unit: TimeDelta, factor: f64) -> TimeDelta {
    TimeDelta::milliseconds((unit.num_milliseconds() as f64 * factor.max(0.0)).round() as i64)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn day(d: u32) -> DateTime<Utc> {
        end_of_day(NaiveDate::from_ymd_opt(2020, 3, d).unwrap())
    }

    fn days(range: std::ops::RangeInclusive<u32>) -> Vec<DateTime<Utc>> {
        range.map(day).collect()
    }

    #[test]
    fn follows_the_newest_mark_until_moved_back() {
        let mut t = Timeline::new(days(1..=3));
        t.live = true;
        assert_eq!(t.cursor(), Some(day(3)));
        t.set_marks(days(1..=4));
        assert_eq!(t.cursor(), Some(day(4)), "following moves with new data");
        t.seek(day(2));
        assert_eq!(t.play_state(), PlayState::Paused);
        t.set_marks(days(1..=5));
        assert_eq!(t.cursor(), Some(day(2)), "paused stays");
        t.seek(day(5));
        assert!(t.is_following(), "seeking to the live edge follows again");
        t.seek(day(2));
        t.follow();
        assert_eq!((t.cursor(), t.play_state()), (Some(day(5)), PlayState::Following));
    }

    #[test]
    fn a_file_source_pauses_at_its_last_day() {
        let mut t = Timeline::new(days(1..=3));
        t.seek(day(3));
        assert_eq!(t.play_state(), PlayState::Paused, "no live edge without a live source");
    }

    #[test]
    fn seek_clamps_to_the_marks() {
        let mut t = Timeline::new(days(5..=9));
        t.seek(day(1));
        assert_eq!(t.cursor(), Some(day(5)));
        t.seek(day(30));
        assert_eq!(t.cursor(), Some(day(9)));
    }

    #[test]
    fn steps_by_mark_hour_and_day() {
        let mut t = Timeline::new(vec![day(1), day(3), day(4)]);
        t.seek(day(1));
        t.step(StepUnit::Mark, true);
        assert_eq!(t.cursor(), Some(day(3)), "the next mark, not the next day");
        t.step(StepUnit::Mark, false);
        assert_eq!(t.cursor(), Some(day(1)));
        t.step(StepUnit::Mark, false);
        assert_eq!(t.cursor(), Some(day(1)), "nothing before the first mark");
        t.step(StepUnit::Hour, true);
        assert_eq!(t.cursor(), Some(day(1) + TimeDelta::hours(1)));
        t.step(StepUnit::Day, true);
        assert_eq!(t.cursor(), Some(day(2)), "to the end of the reporting day the cursor is in");
        t.step(StepUnit::Day, true);
        assert_eq!(t.cursor(), Some(day(3)));
        t.step(StepUnit::Day, false);
        assert_eq!(t.cursor(), Some(day(2)));
    }

    #[test]
    fn plays_by_marks_and_stops_or_loops_at_the_end() {
        let mut t = Timeline::new(days(1..=4));
        t.seek(day(1));
        t.play(Speed::MarksPerSecond(2.0));
        assert!(!t.advance(Duration::from_millis(400)), "not yet half a second");
        assert!(t.advance(Duration::from_millis(100)));
        assert_eq!(t.cursor(), Some(day(2)));
        assert!(t.advance(Duration::from_secs(1)));
        assert_eq!(t.cursor(), Some(day(4)), "two marks in a second");
        t.advance(Duration::from_secs(1));
        assert_eq!((t.cursor(), t.play_state()), (Some(day(4)), PlayState::Paused), "stops at the end");
        t.looping = true;
        t.play(Speed::MarksPerSecond(1.0));
        assert_eq!(t.cursor(), Some(day(1)), "play from the end starts again");
        t.advance(Duration::from_secs(3));
        assert_eq!(t.cursor(), Some(day(4)));
        t.advance(Duration::from_secs(1));
        assert_eq!(t.cursor(), Some(day(1)), "looping");
        assert!(t.is_playing());
    }

    #[test]
    fn plays_in_days_and_real_time() {
        let mut t = Timeline::new(days(1..=10));
        t.seek(day(1));
        t.play(Speed::DaysPerSecond(1.0));
        t.advance(Duration::from_millis(2500));
        assert_eq!(t.cursor(), Some(day(3) + TimeDelta::hours(12)));
        t.pause();
        assert!(!t.advance(Duration::from_secs(5)), "paused: nothing moves");
        assert_eq!(t.next_wake(), None, "paused: no repaint");
        t.play(Speed::RealTime(60.0));
        t.advance(Duration::from_secs(60));
        assert_eq!(t.cursor(), Some(day(3) + TimeDelta::hours(13)));
    }

    #[test]
    fn a_live_source_played_off_its_end_follows() {
        let mut t = Timeline::new(days(1..=3));
        t.live = true;
        t.seek(day(2));
        t.play(Speed::MarksPerSecond(1.0));
        t.advance(Duration::from_secs(5));
        assert!(t.is_following());
    }

    #[test]
    fn playing_wakes_the_ui_only_when_something_changes() {
        let mut t = Timeline::new(days(1..=3));
        t.seek(day(1));
        t.play(Speed::MarksPerSecond(2.0));
        assert_eq!(t.next_wake(), Some(Duration::from_millis(500)));
        t.play(Speed::RealTime(1.0));
        assert_eq!(t.next_wake(), Some(Duration::from_secs(1)), "the bar's clock moves each second");
        t.play(Speed::DaysPerSecond(4.0));
        assert_eq!(t.next_wake(), Some(Duration::from_millis(250)), "the next day's end");
    }

    #[test]
    fn an_empty_timeline_has_no_now() {
        let mut t = Timeline::new(Vec::new());
        assert_eq!(t.cursor(), None);
        t.step(StepUnit::Day, true);
        t.play(Speed::default());
        assert!(!t.advance(Duration::from_secs(1)));
        assert_eq!(t.cursor(), None);
    }
}
