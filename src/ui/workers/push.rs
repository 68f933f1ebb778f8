//! The board's push worker: sends the local directive journal to the hub in the background
//! — at once, then whenever the journal changes, with backoff while the hub is unreachable —
//! and reports the queue's state (what is pending, refused, the last error).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::backoff::{Jitter, backoff};
use crate::hub_client::{HubTarget, client, push_pending};
use crate::store::journal::{JournalKind, journal_path_of};
use crate::store::{JournalStore, StoreError};

use super::Waker;

/// What the board shows about the push queue.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PushStatus {
    pub hub: String,
    /// Local events waiting for the hub, in order.
    pub pending: Vec<u64>,
    /// Local events the hub refused, with its reason.
    pub refused: Vec<(u64, String)>,
    /// The last failure to push, while events are waiting.
    pub last_error: Option<(DateTime<Utc>, String)>,
    pub last_push: Option<DateTime<Utc>>,
    /// When the next attempt is due while events are waiting.
    pub next_try: Option<DateTime<Utc>>,
}

impl PushStatus {
    /// Whether the local event `seq` is waiting.
    pub fn is_pending(&self, seq: u64) -> bool {
        self.pending.contains(&seq)
    }

    pub fn refusal(&self, seq: u64) -> Option<&str> {
        self.refused.iter().find(|(s, _)| *s == seq).map(|(_, m)| m.as_str())
    }
}

/// The board's end of the push worker.
pub struct PushLink {
    rx: Receiver<PushStatus>,
    wake: Sender<()>,
    pub status: PushStatus,
}

impl PushLink {
    /// Push the journal of `data_dir` to `hub` in the background: at once, then whenever
    /// the journal changes, with backoff while the hub is unreachable. `waker` is asked for
    /// a repaint after each status change.
    /// `kind`: the real journal, or the exercise journal while the board follows an exercise.
    pub fn spawn(data_dir: PathBuf, hub: HubTarget, kind: JournalKind, waker: Waker) -> PushLink {
        let (tx, rx) = channel();
        let (wake_tx, wake_rx) = channel();
        let status = PushStatus { hub: hub.url.clone(), ..Default::default() };
        let first = status.clone();
        let spawned = std::thread::Builder::new()
            .name("sitboard-sync".into())
            .spawn(move || run_worker(&data_dir, kind, &hub, &tx, &wake_rx, &waker, first));
        if let Err(e) = spawned {
            tracing::error!("cannot start the directive sync thread: {e}");
        }
        PushLink { rx, wake: wake_tx, status }
    }

    /// Take in status changes (never blocks). Returns whether anything changed.
    pub fn poll(&mut self) -> bool {
        let mut changed = false;
        while let Ok(s) = self.rx.try_recv() {
            self.status = s;
            changed = true;
        }
        changed
    }

    /// Try now (a new event was written, or a person asked).
    pub fn wake(&self) {
        let _ = self.wake.send(());
    }
}

fn run_worker(
    data_dir: &Path,
    kind: JournalKind,
    hub: &HubTarget,
    tx: &Sender<PushStatus>,
    wake: &Receiver<()>,
    waker: &Waker,
    mut status: PushStatus,
) {
    let client = match client() {
        Ok(c) => c,
        Err(e) => {
            status.last_error = Some((Utc::now(), e));
            let _ = tx.send(status);
            waker.wake();
            return;
        }
    };
    let path = journal_path_of(data_dir, kind);
    let mut store: Option<JournalStore> = None;
    let mut seen_version: Option<i64> = None;
    let mut failures = 0u32;
    let mut jitter = Jitter::new(7);
    let mut retry_at: Option<Instant> = None;
    let base = Duration::from_secs(2);
    loop {
        if store.is_none() {
            match JournalStore::open_kind(&path, false, kind) {
                Ok(s) => store = Some(s),
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => {
                    let msg = e.to_string();
                    if status.last_error.as_ref().map(|x| &x.1) != Some(&msg) {
                        status.last_error = Some((Utc::now(), msg));
                        if tx.send(status.clone()).is_err() {
                            return;
                        }
                        waker.wake();
                    }
                }
            }
        }
        if let Some(s) = &store {
            let version = s.data_version().ok();
            let due = retry_at.is_some_and(|t| Instant::now() >= t);
            if version != seen_version || due {
                let before = status.clone();
                match push_pending(s, hub, &client) {
                    Ok(report) => {
                        if !report.pushed.is_empty() {
                            status.last_push = Some(Utc::now());
                        }
                        status.pending = report.pending;
                        status.refused = s.outbox_refused(&hub.url).unwrap_or_default();
                        match report.stopped {
                            Some(why) => {
                                failures = failures.saturating_add(1);
                                let delay = backoff(base, failures, jitter.sample());
                                retry_at = Some(Instant::now() + delay);
                                status.next_try = chrono::Duration::from_std(delay).ok().map(|d| Utc::now() + d);
                                status.last_error = Some((Utc::now(), why));
                            }
                            None => {
                                failures = 0;
                                retry_at = None;
                                status.next_try = None;
                                status.last_error = None;
                            }
                        }
                    }
                    Err(e) => {
                        status.last_error = Some((Utc::now(), e.to_string()));
                        retry_at = Some(Instant::now() + base);
                    }
                }
                // Our own outbox marks change the data version: read it again, so they do
                // not trigger another round.
                seen_version = s.data_version().ok();
                if status != before {
                    if tx.send(status.clone()).is_err() {
                        return;
                    }
                    waker.wake();
                }
            }
        }
        // Wait for a wake-up, the retry time, or the next look at the journal (1 s).
        let mut wait = Duration::from_secs(1);
        if let Some(t) = retry_at {
            wait = wait.min(t.saturating_duration_since(Instant::now()));
        }
        match wake.recv_timeout(wait) {
            Ok(()) => retry_at = Some(Instant::now()),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}
