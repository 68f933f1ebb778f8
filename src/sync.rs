//! Directives reach every screen: a desktop pushes its directive journal to the hub. The
//! local journal is the outbox — an event is durable on disk before any attempt to send it
//! — and its events go to `POST /v1/directives/events` strictly in order, each with its own
//! hash as `Idempotency-Key`, so a retry after a lost answer is recognised by the hub and
//! never writes twice. Offline, events wait ("pending sync") and go out in order on
//! reconnect; an event the hub refuses for good (e.g. its number is taken there) is recorded
//! as refused and the queue moves on.
//!
//! Blocking reqwest on one worker thread (the board) or the calling thread (the command
//! line): pushes are sequential by design, so a runtime would add nothing.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::feed::live::state::{Jitter, backoff};
use crate::model::journal::JournalEvent;
use crate::model::journal_wire::WireEvent;
use crate::store::journal::journal_path;
use crate::store::sync::OutboxState;
use crate::store::{JournalStore, StoreError};

/// The hub a desktop pushes to, and the officer's token.
#[derive(Clone, PartialEq, Eq)]
pub struct HubTarget {
    /// Base URL, e.g. `http://10.0.0.2:8470` (no trailing slash).
    pub url: String,
    pub token: Option<String>,
}

impl std::fmt::Debug for HubTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubTarget").field("url", &self.url).field("token", &self.token.as_ref().map(|_| "…")).finish()
    }
}

impl HubTarget {
    pub fn new(url: &str, token: Option<String>) -> Self {
        HubTarget { url: url.trim().trim_end_matches('/').to_owned(), token }
    }

    pub fn events_url(&self) -> String {
        format!("{}/v1/directives/events", self.url)
    }

    pub fn feed_url(&self) -> String {
        format!("{}/v1/feed", self.url)
    }
}

/// What one push of the queue did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PushReport {
    /// Local event → hub event, for each event the hub took (now or before).
    pub pushed: Vec<(u64, u64)>,
    /// Events the hub refused for good, with its reason.
    pub refused: Vec<(u64, String)>,
    /// Why the push stopped early (the rest stays queued, in order).
    pub stopped: Option<String>,
    /// Events still waiting.
    pub pending: Vec<u64>,
}

enum One {
    Taken { hub_seq: u64 },
    Refused(String),
    Retry(String),
}

/// The HTTP client for pushes: connect timeout 5 s, 30 s per request.
pub fn client() -> Result<reqwest::blocking::Client, String> {
    client_with(Duration::from_secs(5), Duration::from_secs(30))
}

pub fn client_with(connect: Duration, total: Duration) -> Result<reqwest::blocking::Client, String> {
    reqwest::blocking::Client::builder()
        .connect_timeout(connect)
        .timeout(total)
        .user_agent(concat!("sitboard/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot start an HTTP client: {e}"))
}

/// Push every pending event of the journal to the hub, in order.
pub fn push_pending(
    store: &JournalStore,
    hub: &HubTarget,
    client: &reqwest::blocking::Client,
) -> Result<PushReport, StoreError> {
    let mut report = PushReport::default();
    let pending = store.outbox_pending(&hub.url)?;
    let mut left = pending.iter().map(|e| e.seq).collect::<Vec<_>>();
    for ev in &pending {
        if report.stopped.is_some() {
            break;
        }
        match push_one(client, hub, ev) {
            One::Taken { hub_seq } => {
                store.outbox_mark(&hub.url, ev.seq, OutboxState::Pushed, &format!("hub event {hub_seq}"))?;
                report.pushed.push((ev.seq, hub_seq));
                left.retain(|s| *s != ev.seq);
            }
            One::Refused(why) => {
                tracing::warn!("the hub refused directive event {} ({}): {why}", ev.seq, ev.event.number);
                store.outbox_mark(&hub.url, ev.seq, OutboxState::Refused, &why)?;
                report.refused.push((ev.seq, why));
                left.retain(|s| *s != ev.seq);
            }
            One::Retry(why) => report.stopped = Some(why),
        }
    }
    report.pending = left;
    Ok(report)
}

fn push_one(client: &reqwest::blocking::Client, hub: &HubTarget, ev: &JournalEvent) -> One {
    let Some(token) = &hub.token else {
        return One::Retry("no token for the hub: give --token TOKEN (or hub_token in sitboard.toml)".into());
    };
    let body = match serde_json::to_vec(&WireEvent::from_journal(ev)) {
        Ok(b) => b,
        Err(e) => return One::Refused(format!("cannot write the event: {e}")),
    };
    let resp = client
        .post(hub.events_url())
        .bearer_auth(token)
        .header("Idempotency-Key", &ev.hash)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send();
    let resp = match resp {
        Ok(r) => r,
        Err(e) if e.is_connect() => {
            return One::Retry(format!("cannot connect to the hub {} (is it running, is the address right?)", hub.url));
        }
        Err(e) if e.is_timeout() => return One::Retry(format!("the hub {} did not answer in time", hub.url)),
        Err(e) => return One::Retry(format!("sending to the hub {} failed: {e}", hub.url)),
    };
    let status = resp.status().as_u16();
    let json: Option<Value> = resp.text().ok().and_then(|t| serde_json::from_str(&t).ok());
    let said = json.as_ref().and_then(|j| j.get("error")).and_then(Value::as_str).unwrap_or("").to_owned();
    match status {
        200 | 201 => match json.as_ref().and_then(|j| j.get("seq")).and_then(Value::as_u64) {
            Some(hub_seq) => One::Taken { hub_seq },
            None => One::Retry("the hub's answer has no event number; is the URL a Sitboard hub?".into()),
        },
        401 | 403 => One::Retry(format!("the hub refused the token (HTTP {status}): {said}")),
        400 | 413 | 422 => One::Refused(if said.is_empty() { format!("HTTP {status}") } else { said }),
        _ => One::Retry(format!("the hub answered HTTP {status}{}", if said.is_empty() { "" } else { ": " }) + &said),
    }
}

/// The command line's push after a journal write (or `sitboard journal sync`): prints what
/// happened in plain words. Returns whether nothing is left queued.
pub fn push_and_report(data_dir: &Path, hub: &HubTarget, tr: &crate::i18n::Tr) -> bool {
    let l = &tr.live;
    let store = match JournalStore::open(&journal_path(data_dir), false) {
        Ok(s) => s,
        Err(StoreError::NotFound { .. }) => {
            println!("{}", l.nothing_to_push(&data_dir.display().to_string()));
            return true;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    let report = match client()
        .map_err(|e| e.to_string())
        .and_then(|c| push_pending(&store, hub, &c).map_err(|e| e.to_string()))
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    for (local, remote) in &report.pushed {
        println!("{}", l.pushed_line(&hub.url, *local, *remote));
    }
    for (local, why) in &report.refused {
        eprintln!("{}", l.refused_line(*local, why));
    }
    if let Some(why) = &report.stopped {
        eprintln!("{}", l.queued_line(report.pending.len(), why));
    }
    report.pending.is_empty()
}

/// What the board shows about the push queue.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncStatus {
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

impl SyncStatus {
    /// Whether the local event `seq` is waiting.
    pub fn is_pending(&self, seq: u64) -> bool {
        self.pending.contains(&seq)
    }

    pub fn refusal(&self, seq: u64) -> Option<&str> {
        self.refused.iter().find(|(s, _)| *s == seq).map(|(_, m)| m.as_str())
    }
}

/// The board's end of the push worker.
pub struct SyncLink {
    rx: Receiver<SyncStatus>,
    wake: Sender<()>,
    pub status: SyncStatus,
}

impl SyncLink {
    /// Push the journal of `data_dir` to `hub` in the background: at once, then whenever
    /// the journal changes, with backoff while the hub is unreachable. `notify` is called
    /// after each status change (the board asks for a repaint there).
    pub fn spawn(data_dir: PathBuf, hub: HubTarget, notify: Box<dyn Fn() + Send>) -> SyncLink {
        let (tx, rx) = channel();
        let (wake_tx, wake_rx) = channel();
        let status = SyncStatus { hub: hub.url.clone(), ..Default::default() };
        let first = status.clone();
        let spawned = std::thread::Builder::new()
            .name("sitboard-sync".into())
            .spawn(move || run_worker(&data_dir, &hub, &tx, &wake_rx, notify.as_ref(), first));
        if let Err(e) = spawned {
            tracing::error!("cannot start the directive sync thread: {e}");
        }
        SyncLink { rx, wake: wake_tx, status }
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
    hub: &HubTarget,
    tx: &Sender<SyncStatus>,
    wake: &Receiver<()>,
    notify: &dyn Fn(),
    mut status: SyncStatus,
) {
    let client = match client() {
        Ok(c) => c,
        Err(e) => {
            status.last_error = Some((Utc::now(), e));
            let _ = tx.send(status);
            notify();
            return;
        }
    };
    let path = journal_path(data_dir);
    let mut store: Option<JournalStore> = None;
    let mut seen_version: Option<i64> = None;
    let mut failures = 0u32;
    let mut jitter = Jitter::new(7);
    let mut retry_at: Option<Instant> = None;
    let base = Duration::from_secs(2);
    loop {
        if store.is_none() {
            match JournalStore::open(&path, false) {
                Ok(s) => store = Some(s),
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => {
                    let msg = e.to_string();
                    if status.last_error.as_ref().map(|x| &x.1) != Some(&msg) {
                        status.last_error = Some((Utc::now(), msg));
                        if tx.send(status.clone()).is_err() {
                            return;
                        }
                        notify();
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
                    notify();
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
