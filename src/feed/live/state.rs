//! The state machine of one live source, with no IO and no clock of its own: the caller
//! passes `now` (a monotonic [`Instant`] for scheduling and the wall clock for display), so
//! every rule is unit-testable. Rules: a good answer (new document or 304) schedules the next
//! poll one interval later; a failure keeps the last good document and schedules a retry
//! with exponential backoff and jitter; a source that had data is *stale* once two intervals
//! have passed without a good answer, and recovers with the next good answer.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::SourceSpec;
use crate::backoff::backoff;

/// How a source is doing, as the board shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Health {
    /// No answer yet (the first request is under way).
    Connecting,
    /// The last request gave a good answer.
    Live,
    /// The last request failed, but the data on screen is less than two intervals old.
    Retrying,
    /// No good answer for two intervals or more: the data on screen is the last good one.
    Stale,
    /// Never had a good answer; the last request failed.
    NoData,
}

/// A snapshot of one source's state for the board (and the tests).
#[derive(Clone, Debug, PartialEq)]
pub struct SourceStatus {
    pub name: String,
    pub url: String,
    pub interval: Duration,
    pub health: Health,
    /// Wall-clock time of the last good answer (a new document or "not modified").
    pub last_success: Option<DateTime<Utc>>,
    /// Wall-clock time the document last changed (a new body was accepted).
    pub last_change: Option<DateTime<Utc>>,
    /// The last failure, in plain words, with its time; kept after recovery for reference.
    pub last_error: Option<(DateTime<Utc>, String)>,
    /// Failures since the last good answer.
    pub failures: u32,
    /// When the next request is due (wall clock).
    pub next_try: DateTime<Utc>,
    /// `as_of` and `generated_at` of the document on screen.
    pub as_of: Option<DateTime<Utc>>,
    pub generated_at: Option<DateTime<Utc>>,
    /// Requests made, bodies downloaded, "304 not modified" answers, body bytes read.
    pub requests: u64,
    pub downloads: u64,
    pub not_modified: u64,
    pub bytes: u64,
}

impl SourceStatus {
    /// The part of the status that is on screen without opening the sources window: a
    /// change here (and only here) is worth a repaint. (A new document repaints when its
    /// dataset arrives, a moment later.)
    pub fn visible_key(&self) -> (Health, Option<&str>) {
        let err = if self.failures > 0 { self.last_error.as_ref().map(|(_, m)| m.as_str()) } else { None };
        (self.health, err)
    }

    /// Whether the data of this source on screen may be relied on as current.
    pub fn is_fresh(&self) -> bool {
        self.health == Health::Live || self.health == Health::Retrying
    }
}

#[derive(Clone, Debug)]
pub struct SourceState {
    pub spec: SourceSpec,
    last_success: Option<(Instant, DateTime<Utc>)>,
    last_change: Option<DateTime<Utc>>,
    last_error: Option<(DateTime<Utc>, String)>,
    failures: u32,
    attempted: bool,
    next_try: Instant,
    /// Validators of the document on screen, for the next conditional request.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    as_of: Option<DateTime<Utc>>,
    generated_at: Option<DateTime<Utc>>,
    requests: u64,
    downloads: u64,
    not_modified: u64,
    bytes: u64,
}

impl SourceState {
    pub fn new(spec: SourceSpec, now: Instant) -> Self {
        SourceState {
            spec,
            last_success: None,
            last_change: None,
            last_error: None,
            failures: 0,
            attempted: false,
            next_try: now,
            etag: None,
            last_modified: None,
            as_of: None,
            generated_at: None,
            requests: 0,
            downloads: 0,
            not_modified: 0,
            bytes: 0,
        }
    }

    pub fn interval(&self) -> Duration {
        self.spec.interval
    }

    /// A new document was accepted.
    #[allow(clippy::too_many_arguments)]
    pub fn on_document(
        &mut self,
        now: Instant,
        wall: DateTime<Utc>,
        etag: Option<String>,
        last_modified: Option<String>,
        as_of: Option<DateTime<Utc>>,
        generated_at: Option<DateTime<Utc>>,
        bytes: u64,
    ) {
        self.requests += 1;
        self.downloads += 1;
        self.bytes += bytes;
        self.etag = etag;
        self.last_modified = last_modified;
        self.as_of = as_of;
        self.generated_at = generated_at;
        self.last_change = Some(wall);
        self.succeeded(now, wall);
    }

    /// The server sent the same document again (it gives no validators, or ignored them):
    /// as good as a 304, but it was downloaded.
    pub fn on_same_document(
        &mut self,
        now: Instant,
        wall: DateTime<Utc>,
        etag: Option<String>,
        last_modified: Option<String>,
        bytes: u64,
    ) {
        self.requests += 1;
        self.downloads += 1;
        self.bytes += bytes;
        self.etag = etag;
        self.last_modified = last_modified;
        self.succeeded(now, wall);
    }

    /// The server said "304 not modified": the document on screen is still current.
    pub fn on_not_modified(&mut self, now: Instant, wall: DateTime<Utc>) {
        self.requests += 1;
        self.not_modified += 1;
        self.succeeded(now, wall);
    }

    fn succeeded(&mut self, now: Instant, wall: DateTime<Utc>) {
        self.attempted = true;
        self.failures = 0;
        self.last_success = Some((now, wall));
        self.next_try = now + self.spec.interval;
    }

    /// A request failed (or its answer was unusable). `jitter` in `[0, 1)` spreads retries
    /// of many boards over time. Returns the delay until the retry.
    pub fn on_failure(&mut self, now: Instant, wall: DateTime<Utc>, message: String, jitter: f64) -> Duration {
        self.requests += 1;
        self.attempted = true;
        self.failures = self.failures.saturating_add(1);
        self.last_error = Some((wall, message));
        let delay = backoff(self.spec.interval, self.failures, jitter);
        self.next_try = now + delay;
        delay
    }

    /// Ask for a request now (the "retry now" button).
    pub fn retry_now(&mut self, now: Instant) {
        self.next_try = now;
    }

    pub fn next_try(&self) -> Instant {
        self.next_try
    }

    /// When the data on screen turns stale if no good answer comes: two intervals after
    /// the last good answer. `None` before the first good answer.
    pub fn stale_at(&self) -> Option<Instant> {
        self.last_success.map(|(t, _)| t + 2 * self.spec.interval)
    }

    /// When the source's task must wake: the next request, or the moment it turns stale
    /// (so the board learns it without waiting for a long backoff).
    pub fn wake_at(&self, now: Instant) -> Instant {
        match self.stale_at() {
            Some(s) if s > now && s < self.next_try => s,
            _ => self.next_try,
        }
    }

    pub fn health(&self, now: Instant) -> Health {
        match (self.last_success, self.attempted) {
            (None, false) => Health::Connecting,
            (None, true) => Health::NoData,
            (Some(_), _) if self.stale_at().is_some_and(|s| now >= s) => Health::Stale,
            (Some(_), _) if self.failures > 0 => Health::Retrying,
            (Some(_), _) => Health::Live,
        }
    }

    pub fn snapshot(&self, now: Instant, wall: DateTime<Utc>) -> SourceStatus {
        let until_next = self.next_try.saturating_duration_since(now);
        SourceStatus {
            name: self.spec.name.clone(),
            url: self.spec.url.clone(),
            interval: self.spec.interval,
            health: self.health(now),
            last_success: self.last_success.map(|(_, w)| w),
            last_change: self.last_change,
            last_error: self.last_error.clone(),
            failures: self.failures,
            next_try: wall + chrono::Duration::from_std(until_next).unwrap_or_else(|_| chrono::Duration::zero()),
            as_of: self.as_of,
            generated_at: self.generated_at,
            requests: self.requests,
            downloads: self.downloads,
            not_modified: self.not_modified,
            bytes: self.bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(ms: u64) -> SourceSpec {
        SourceSpec::new("hub", "http://127.0.0.1:1/v1/feed", Duration::from_millis(ms))
    }

    fn wall() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap().to_utc()
    }

    #[test]
    fn fresh_then_retrying_then_stale_then_recovered() {
        let t0 = Instant::now();
        let ms = |n: u64| Duration::from_millis(n);
        let mut s = SourceState::new(spec(200), t0);
        assert_eq!(s.health(t0), Health::Connecting);
        s.on_document(t0, wall(), Some("\"a\"".into()), None, None, None, 100);
        assert_eq!(s.health(t0), Health::Live);
        assert_eq!(s.next_try(), t0 + ms(200));
        // A 304 is a good answer: the data stays current.
        s.on_not_modified(t0 + ms(200), wall());
        assert_eq!(s.health(t0 + ms(300)), Health::Live);
        assert_eq!(s.stale_at(), Some(t0 + ms(600)));
        // The hub goes away.
        let d = s.on_failure(t0 + ms(400), wall(), "cannot connect".into(), 1.0);
        assert_eq!(d, ms(200));
        assert_eq!(s.health(t0 + ms(450)), Health::Retrying);
        let d = s.on_failure(t0 + ms(600), wall(), "cannot connect".into(), 1.0);
        assert_eq!(d, ms(400));
        // Two intervals after the last good answer: stale, even though the next retry is
        // later; the task wakes at that moment to say so.
        assert_eq!(s.health(t0 + ms(600)), Health::Stale);
        assert_eq!(s.wake_at(t0 + ms(599)), t0 + ms(600));
        let snap = s.snapshot(t0 + ms(650), wall());
        assert_eq!(snap.health, Health::Stale);
        assert_eq!(snap.last_error.as_ref().map(|e| e.1.as_str()), Some("cannot connect"));
        assert_eq!(snap.failures, 2);
        assert_eq!((snap.requests, snap.downloads, snap.not_modified), (4, 1, 1));
        // Back: one good answer clears it.
        s.on_not_modified(t0 + ms(1000), wall());
        assert_eq!(s.health(t0 + ms(1000)), Health::Live);
        assert_eq!(s.snapshot(t0 + ms(1000), wall()).visible_key().1, None, "the old error is no longer shown");
    }

    #[test]
    fn a_source_that_never_answered_has_no_data_not_stale() {
        let t0 = Instant::now();
        let mut s = SourceState::new(spec(200), t0);
        s.on_failure(t0, wall(), "the server answered 500".into(), 0.5);
        assert_eq!(s.health(t0 + Duration::from_secs(10)), Health::NoData);
        assert_eq!(s.stale_at(), None);
    }
}
