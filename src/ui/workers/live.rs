//! The board's side of live feeds: a thread that starts the [`LiveFeed`] service, prepares
//! the map geometry once, and forwards datasets and source states to the UI, asking for a
//! repaint only when something on screen changes (a new dataset, a source turning stale or
//! recovering, a new error) — so the board stays idle between polls. It only delivers data:
//! where the board looks (following the newest data, paused, playing) is the app's timeline.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Instant;

use chrono::{DateTime, Utc};

use super::Waker;
use super::load::{self, LoadResult};
use crate::feed::live::{Health, LiveConfig, LiveControl, LiveEvent, LiveFeed, SourceStatus};
use crate::settings::Settings;

enum LiveMsg {
    Control(LiveControl),
    Data(LoadResult, Instant),
    Source(usize, SourceStatus),
}

pub struct LiveLink {
    rx: Receiver<LiveMsg>,
    control: Option<LiveControl>,
    /// State of every URL source, in the order of the settings.
    pub sources: Vec<SourceStatus>,
    /// Whether the sources window is open.
    pub show_sources: bool,
    details_open: Arc<AtomicBool>,
    got_data: bool,
    reported_failure: bool,
}

impl LiveLink {
    /// Start following. Returns at once; the first data arrives through [`LiveLink::poll`].
    pub fn spawn(settings: &Settings, config: LiveConfig, waker: Waker) -> LiveLink {
        let (tx, rx) = channel();
        let details_open = Arc::new(AtomicBool::new(false));
        let open = details_open.clone();
        let settings = settings.clone();
        let fail_tx = tx.clone();
        let spawned = std::thread::Builder::new()
            .name("sitboard-live-ui".into())
            .spawn(move || forward(settings, config, waker, tx, open));
        if let Err(e) = spawned {
            let msg = format!("cannot start the live feed thread: {e}");
            let _ = fail_tx.send(LiveMsg::Data(LoadResult::Failed(msg, Vec::new()), Instant::now()));
        }
        LiveLink {
            rx,
            control: None,
            sources: Vec::new(),
            show_sources: false,
            details_open,
            got_data: false,
            reported_failure: false,
        }
    }

    /// Take in what arrived (never blocks). Returns the newest dataset, if one came; or,
    /// while there is no data at all, a failure once every source has failed.
    pub fn poll(&mut self) -> Option<(LoadResult, Instant)> {
        let mut newest = None;
        while let Ok(msg) = self.rx.try_recv() {
            match msg {
                LiveMsg::Control(c) => self.control = Some(c),
                LiveMsg::Data(r, at) => {
                    self.got_data |= matches!(r, LoadResult::Loaded(..));
                    newest = Some((r, at));
                }
                LiveMsg::Source(i, s) => {
                    if self.sources.len() <= i {
                        self.sources.resize_with(i + 1, || s.clone());
                    }
                    self.sources[i] = s;
                }
            }
        }
        if newest.is_none()
            && !self.got_data
            && !self.reported_failure
            && !self.sources.is_empty()
            && self.sources.iter().all(|s| s.health == Health::NoData)
        {
            self.reported_failure = true;
            let lines: Vec<String> = self
                .sources
                .iter()
                .map(|s| format!("{}: {}", s.name, s.last_error.as_ref().map(|e| e.1.as_str()).unwrap_or("")))
                .collect();
            return Some((LoadResult::Failed(lines.join("\n"), Vec::new()), Instant::now()));
        }
        newest
    }

    /// Stop following (the service ends its polls).
    pub fn shutdown(&self) {
        if let Some(c) = &self.control {
            c.shutdown();
        }
    }

    /// Ask every source now.
    pub fn retry_now(&self) {
        if let Some(c) = &self.control {
            c.retry_now();
        }
    }

    /// While the sources window is open, every state change is on screen.
    pub fn set_details_open(&self, open: bool) {
        self.details_open.store(open, Ordering::Relaxed);
    }

    /// The newest `generated_at` (else last change) among the sources: the data's age.
    pub fn data_time(&self) -> Option<DateTime<Utc>> {
        self.sources.iter().filter_map(|s| s.generated_at.or(s.last_change)).max()
    }

    /// The worst health among the sources (what the top bar shows).
    pub fn worst(&self) -> Option<Health> {
        let rank = |h: Health| match h {
            Health::Live => 0,
            Health::Connecting => 1,
            Health::Retrying => 2,
            Health::Stale => 3,
            Health::NoData => 4,
        };
        self.sources.iter().map(|s| s.health).max_by_key(|h| rank(*h))
    }
}

/// The forwarding thread: start the service, turn its events into the UI's messages.
fn forward(settings: Settings, config: LiveConfig, waker: Waker, tx: Sender<LiveMsg>, details_open: Arc<AtomicBool>) {
    let repaint = || waker.wake();
    let registry = match settings.registry() {
        Ok(r) => r,
        Err(e) => {
            let _ = tx.send(LiveMsg::Data(LoadResult::Failed(e, Vec::new()), Instant::now()));
            repaint();
            return;
        }
    };
    let feed = match LiveFeed::start(config, registry) {
        Ok(f) => f,
        Err(e) => {
            let _ = tx.send(LiveMsg::Data(LoadResult::Failed(e, Vec::new()), Instant::now()));
            repaint();
            return;
        }
    };
    if tx.send(LiveMsg::Control(feed.control.clone())).is_err() {
        return;
    }
    let mut map_layer = None;
    let mut map_for: Option<usize> = None;
    let mut shown: Vec<Option<SourceStatus>> = Vec::new();
    for event in feed.events.iter() {
        let data = matches!(event, LiveEvent::Data { .. });
        let (msg, visible) = match event {
            LiveEvent::Data { outcome, at, .. } => {
                // The map geometry depends only on the registry: prepare it once (and again
                // if a feed adds regions), here rather than on the UI thread.
                let n = outcome.dataset.registry.len();
                if map_for != Some(n) {
                    map_layer = load::map_layer(&outcome.dataset.registry);
                    map_for = Some(n);
                }
                (LiveMsg::Data(LoadResult::Loaded(outcome, map_layer.clone()), at), true)
            }
            LiveEvent::Source(i, s) => {
                if shown.len() <= i {
                    shown.resize(i + 1, None);
                }
                let visible = details_open.load(Ordering::Relaxed)
                    || shown[i].as_ref().is_none_or(|old| old.visible_key() != s.visible_key());
                shown[i] = Some(s.clone());
                (LiveMsg::Source(i, s), visible)
            }
        };
        if tx.send(msg).is_err() {
            return;
        }
        if visible {
            repaint();
        }
        if data {
            // The new version's parse trees are gone (and the board drops the previous
            // dataset): give that memory back, or a wall following a feed for weeks keeps
            // the high-water mark of every version's parse (README, "Performance").
            load::release_freed_memory();
        }
    }
}
