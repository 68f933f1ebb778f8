//! The live feed service: a background thread runs a small tokio runtime with one task per
//! URL source (poll, back off, turn stale), and a merger thread rebuilds the dataset from
//! the latest good document of every source whenever one changes. Both report over one
//! channel of [`LiveEvent`]s; nothing here touches the UI, so tests drive it directly.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Instant;

use chrono::Utc;
use sha2::{Digest as _, Sha256};
use tokio::sync::watch;

use super::fetch::{self, FetchLimits, Fetched};
use super::state::{SourceState, SourceStatus};
use super::{SourceSpec, describe_bytes};
use crate::backoff::Jitter;
use crate::feed::ingest_report::IngestReport;
use crate::feed::source::{LoadOutcome, SourceText, merge, read_path, recognise};
use crate::model::RegionRegistry;
use crate::model::time::format_as_of;

/// What to follow: URL sources (polled) and files or folders (read once).
#[derive(Clone, Debug, Default)]
pub struct LiveConfig {
    pub sources: Vec<SourceSpec>,
    pub files: Vec<PathBuf>,
    pub limits: FetchLimits,
    /// Where every newly accepted document's text goes as well (a recorder), when set.
    pub tap: Option<Sender<ReceivedDocument>>,
}

/// A document a source delivered and the service accepted (a new body that parsed), as
/// received: what a recorder writes to the archive.
#[derive(Clone, Debug)]
pub struct ReceivedDocument {
    /// Index into `LiveConfig::sources`.
    pub index: usize,
    /// The source's URL.
    pub source: String,
    pub received: chrono::DateTime<Utc>,
    pub body: String,
}

/// What the service reports.
#[derive(Debug)]
pub enum LiveEvent {
    /// A new merged dataset: a source's document changed (or the files were read).
    Data {
        outcome: Box<LoadOutcome>,
        /// Indices (into `LiveConfig::sources`) of the sources whose documents changed.
        changed: Vec<usize>,
        /// When the dataset was ready.
        at: Instant,
    },
    /// A source's state changed (after every request, and when it turns stale).
    Source(usize, SourceStatus),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Control {
    retry: u64,
    shutdown: bool,
}

/// Asks the service to retry now or to stop. The service also stops when every
/// `LiveControl` is dropped.
#[derive(Clone, Debug)]
pub struct LiveControl {
    tx: Arc<watch::Sender<Control>>,
}

impl LiveControl {
    /// Request every source now (a person pressed "retry now").
    pub fn retry_now(&self) {
        self.tx.send_modify(|c| c.retry += 1);
    }

    pub fn shutdown(&self) {
        self.tx.send_modify(|c| c.shutdown = true);
    }
}

/// A running service: its events and its control.
pub struct LiveFeed {
    pub events: Receiver<LiveEvent>,
    pub control: LiveControl,
}

struct MergeInput {
    index: usize,
    document: Arc<SourceText>,
}

impl LiveFeed {
    /// Start polling. Returns at once; files are read and the first requests made in the
    /// background.
    pub fn start(config: LiveConfig, registry: RegionRegistry) -> Result<LiveFeed, String> {
        let (events_tx, events) = channel();
        let (merge_tx, merge_rx) = channel::<MergeInput>();
        let (ctrl_tx, ctrl_rx) = watch::channel(Control::default());
        let n = config.sources.len();
        let files = config.files.clone();
        let merger_events = events_tx.clone();
        std::thread::Builder::new()
            .name("sitboard-merge".into())
            .spawn(move || run_merger(registry, files, n, merge_rx, merger_events))
            .map_err(|e| format!("cannot start the live merge thread: {e}"))?;
        let sources = config.sources.clone();
        let limits = config.limits;
        let tap = config.tap.clone();
        std::thread::Builder::new()
            .name("sitboard-live".into())
            .spawn(move || run_pollers(sources, limits, ctrl_rx, events_tx, merge_tx, tap))
            .map_err(|e| format!("cannot start the live feed thread: {e}"))?;
        Ok(LiveFeed { events, control: LiveControl { tx: Arc::new(ctrl_tx) } })
    }
}

fn run_pollers(
    sources: Vec<SourceSpec>,
    limits: FetchLimits,
    ctrl: watch::Receiver<Control>,
    events: Sender<LiveEvent>,
    merge: Sender<MergeInput>,
    tap: Option<Sender<ReceivedDocument>>,
) {
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            fail_all(&sources, &events, format!("cannot start the network runtime: {e}"));
            return;
        }
    };
    rt.block_on(async move {
        let client = match fetch::client(&limits) {
            Ok(c) => c,
            Err(e) => {
                fail_all(&sources, &events, e);
                return;
            }
        };
        let mut tasks = Vec::new();
        for (index, spec) in sources.into_iter().enumerate() {
            let task = SourceTask {
                index,
                state: SourceState::new(spec, Instant::now()),
                client: client.clone(),
                limits,
                ctrl: ctrl.clone(),
                events: events.clone(),
                merge: merge.clone(),
                jitter: Jitter::new(index as u64 + 1),
                last_sent: None,
                last_body: None,
                held: None,
                delta_ok: false,
                tap: tap.clone(),
            };
            tasks.push(tokio::spawn(task.run()));
        }
        for t in tasks {
            // A task that panicked has already lost its source; the others go on.
            if let Err(e) = t.await {
                tracing::error!("a live source task stopped: {e}");
            }
        }
    });
}

fn fail_all(sources: &[SourceSpec], events: &Sender<LiveEvent>, message: String) {
    tracing::error!("{message}");
    for (i, spec) in sources.iter().enumerate() {
        let mut s = SourceState::new(spec.clone(), Instant::now());
        s.on_failure(Instant::now(), Utc::now(), message.clone(), 1.0);
        let _ = events.send(LiveEvent::Source(i, s.snapshot(Instant::now(), Utc::now())));
    }
}

struct SourceTask {
    index: usize,
    state: SourceState,
    client: reqwest::Client,
    limits: FetchLimits,
    ctrl: watch::Receiver<Control>,
    events: Sender<LiveEvent>,
    merge: Sender<MergeInput>,
    jitter: Jitter,
    last_sent: Option<SourceStatus>,
    /// Digest of the last accepted body: the same body again is not a change.
    last_body: Option<[u8; 32]>,
    /// The last accepted document's text, kept only for a server that answers deltas
    /// (`?since=`): a delta is applied to it.
    held: Option<Arc<String>>,
    /// The server said it answers `?since=` (a Sitboard hub).
    delta_ok: bool,
    tap: Option<Sender<ReceivedDocument>>,
}

impl SourceTask {
    async fn run(mut self) {
        let mut retry_seen = self.ctrl.borrow().retry;
        self.publish();
        loop {
            if self.ctrl.borrow().shutdown {
                return;
            }
            let now = Instant::now();
            let wake = self.state.wake_at(now);
            if wake > now {
                tokio::select! {
                    _ = tokio::time::sleep_until(wake.into()) => {}
                    changed = self.ctrl.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        let c = *self.ctrl.borrow();
                        if c.shutdown {
                            return;
                        }
                        if c.retry != retry_seen {
                            retry_seen = c.retry;
                            self.state.retry_now(Instant::now());
                        }
                    }
                }
                // Waking at the stale instant changes the health: say so.
                self.publish();
                continue;
            }
            let spec = self.state.spec.clone();
            let work = self.fetch_resolved(&spec);
            let result = tokio::select! {
                r = work => r,
                () = shutdown_requested(self.ctrl.clone()) => return,
            };
            self.settle(&spec, result).await;
            self.publish();
        }
    }

    /// One request; a delta answer is applied to the document held, and when it does not
    /// fit, the full document is asked for at once.
    async fn fetch_resolved(&self, spec: &SourceSpec) -> Result<Fetched, String> {
        let token = spec.token.as_ref().map(crate::secret::Secret::expose);
        let held = fetch::Held {
            etag: self.state.etag.as_deref(),
            last_modified: self.state.last_modified.as_deref(),
            since: self.delta_ok && self.held.is_some(),
        };
        let result = fetch::fetch(&self.client, &spec.url, token, held, &self.limits).await;
        let Ok(Fetched::Body { text, etag, last_modified, bytes, delta: true, delta_ok }) = result else {
            return result;
        };
        let Some(old) = self.held.clone() else {
            return Err("the server sent a delta, but the board holds no document to apply it to".into());
        };
        match tokio::task::spawn_blocking(move || crate::feed::delta::apply(&old, &text)).await {
            Ok(Ok(full)) => {
                tracing::debug!("{}: delta of {} applied", spec.name, describe_bytes(bytes));
                Ok(Fetched::Body { text: full, etag, last_modified, bytes, delta: false, delta_ok })
            }
            other => {
                let why = match other {
                    Ok(Err(why)) => why,
                    Err(e) => format!("applying it stopped: {e}"),
                    Ok(Ok(_)) => String::new(),
                };
                tracing::warn!("{}: the delta does not fit the document held ({why}); asking for all of it", spec.name);
                let full = fetch::Held { etag: None, last_modified: None, since: false };
                fetch::fetch(&self.client, &spec.url, token, full, &self.limits).await
            }
        }
    }

    /// Apply a request's result to the state; hand a new document to the merger.
    async fn settle(&mut self, spec: &SourceSpec, result: Result<Fetched, String>) {
        let name = &spec.name;
        match result {
            Ok(Fetched::NotModified) => {
                tracing::debug!("{name}: not modified");
                self.state.on_not_modified(Instant::now(), Utc::now());
            }
            Ok(Fetched::Body { text, etag, last_modified, bytes, delta: _, delta_ok }) => {
                self.delta_ok = delta_ok;
                let digest: [u8; 32] = Sha256::digest(text.as_bytes()).into();
                if self.last_body == Some(digest) {
                    tracing::debug!("{name}: the same document again");
                    self.state.on_same_document(Instant::now(), Utc::now(), etag, last_modified, bytes);
                    return;
                }
                let origin = spec.url.clone();
                let received = Utc::now();
                let copy = self.tap.as_ref().map(|_| text.clone());
                let parsed = tokio::task::spawn_blocking(move || recognise(&origin, text)).await;
                match parsed {
                    Ok(Ok(document)) => {
                        let (as_of, generated_at) = document.times();
                        tracing::info!(
                            "{name}: new document{}, {}",
                            as_of.map(|t| format!(" as of {}", format_as_of(t))).unwrap_or_default(),
                            describe_bytes(bytes)
                        );
                        self.state.on_document(
                            Instant::now(),
                            Utc::now(),
                            etag,
                            last_modified,
                            as_of,
                            generated_at,
                            bytes,
                        );
                        self.last_body = Some(digest);
                        // The text a delta is applied to: the document's own, shared.
                        self.held = if delta_ok { document.feed_text().cloned() } else { None };
                        if let (Some(tap), Some(body)) = (&self.tap, copy) {
                            let doc = ReceivedDocument { index: self.index, source: spec.url.clone(), received, body };
                            // A recorder that stopped (its file failed) does not stop the feed.
                            if tap.send(doc).is_err() {
                                self.tap = None;
                            }
                        }
                        // The merger is gone only when the service is shutting down.
                        let _ = self.merge.send(MergeInput { index: self.index, document: Arc::new(document) });
                    }
                    Ok(Err(msg)) => self.failed(format!("the answer is not a usable feed document: {msg}")),
                    Err(e) => self.failed(format!("reading the document failed unexpectedly ({e})")),
                }
            }
            Err(msg) => self.failed(msg),
        }
    }

    fn failed(&mut self, message: String) {
        let delay = self.state.on_failure(Instant::now(), Utc::now(), message.clone(), self.jitter.sample());
        tracing::warn!(
            "{}: {message}; keeping the last good data, retrying in {}",
            self.state.spec.name,
            fetch::describe_duration(delay)
        );
    }

    fn publish(&mut self) {
        let snap = self.state.snapshot(Instant::now(), Utc::now());
        if self.last_sent.as_ref() == Some(&snap) {
            return;
        }
        self.last_sent = Some(snap.clone());
        let _ = self.events.send(LiveEvent::Source(self.index, snap));
    }
}

async fn shutdown_requested(mut ctrl: watch::Receiver<Control>) {
    loop {
        if ctrl.borrow().shutdown {
            return;
        }
        if ctrl.changed().await.is_err() {
            return;
        }
    }
}

/// The merger: keeps the files (read once) and the latest document of every source, and
/// rebuilds the dataset when one changes. Several changes that arrive together make one
/// rebuild.
fn run_merger(
    registry: RegionRegistry,
    files: Vec<PathBuf>,
    n_sources: usize,
    rx: Receiver<MergeInput>,
    events: Sender<LiveEvent>,
) {
    let mut texts = Vec::new();
    for f in &files {
        read_path(f, &mut texts);
    }
    let mut file_docs: Vec<SourceText> = Vec::new();
    let mut refused: Vec<IngestReport> = Vec::new();
    for (origin, text) in texts {
        match text.and_then(|t| recognise(&origin, t)) {
            Ok(d) => file_docs.push(d),
            Err(e) => refused.push(IngestReport::fatal(origin, e)),
        }
    }
    let mut latest: Vec<Option<Arc<SourceText>>> = vec![None; n_sources];
    let mut changed: Vec<usize> = Vec::new();
    let build = |latest: &[Option<Arc<SourceText>>], changed: Vec<usize>| {
        let started = Instant::now();
        let mut items: Vec<&SourceText> = file_docs.iter().collect();
        items.extend(latest.iter().flatten().map(|d| d.as_ref()));
        let outcome = merge(registry.clone(), &items, refused.clone());
        tracing::info!(
            "live: dataset rebuilt from {} documents in {} ms{}",
            items.len(),
            started.elapsed().as_millis(),
            outcome.dataset.as_of().map(|t| format!(", as of {}", format_as_of(t))).unwrap_or_default()
        );
        events.send(LiveEvent::Data { outcome: Box::new(outcome), changed, at: Instant::now() }).is_ok()
    };
    if (!file_docs.is_empty() || !refused.is_empty()) && !build(&latest, Vec::new()) {
        return;
    }
    while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        while let Some(input) = next {
            if let Some(slot) = latest.get_mut(input.index) {
                *slot = Some(input.document);
                if !changed.contains(&input.index) {
                    changed.push(input.index);
                }
            }
            next = rx.try_recv().ok();
        }
        if !build(&latest, std::mem::take(&mut changed)) {
            return;
        }
    }
}
