//! `sitboard-hub`: the command center's feed hub. It merges the feed documents of a data
//! dir into one document (feed schema 1.1, see [`merge`]) and serves it over plain HTTP to
//! every board (`GET /v1/feed`, strong ETag, 304, zstd/gzip, deltas with `?since=`), with
//! `GET /v1/health`; in
//! live-demo mode it replays the days of the data in accelerated time ([`demo`]). Officers'
//! tokens are in [`tokens`]. The hub speaks plain HTTP for a closed network; put a reverse
//! proxy in front of it for TLS.
//!
//! Runtime: one multi-thread tokio runtime (2 workers) on a background thread runs the axum
//! server and an updater task that re-reads the data dir when its files change, advances
//! the demo day, and publishes a new version; building a version (merge, serialise, compress,
//! deltas from the last versions) runs on a blocking thread, once per version: every answer
//! is sent from its shared bytes ([`Published`]). A directive event updates only its own row
//! of the published directives ([`directives`]). [`start`] returns once the first version is built and the
//! port is bound, so the caller can print the address.

pub mod audit;
pub mod demo;
pub mod directives;
pub mod merge;
pub mod officers;
mod server;
pub mod tokens;

use std::collections::{HashMap, VecDeque};
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest as _, Sha256};

use crate::feed::delta::RowIndex;
use crate::model::time::{end_of_day, format_as_of};
use demo::DemoClock;
use merge::{HubData, HubRows};
use tokens::Tokens;

/// How the hub runs (from the command line, or from a test).
#[derive(Clone, Debug)]
pub struct HubConfig {
    /// A folder of feed documents (or one document).
    pub data: PathBuf,
    /// `HOST:PORT`; port 0 picks a free port.
    pub listen: String,
    /// Officers' tokens file (`token add`; its officers have the issue role over the
    /// province). With it, or with officers in the journal, every request needs a token.
    pub tokens: Option<PathBuf>,
    /// Live demo: seconds of real time per reporting day.
    pub demo_speed: Option<Duration>,
    /// Live demo: the first day to serve (default: the first day of the data).
    pub demo_start: Option<NaiveDate>,
    /// How often the data dir is checked for changed files.
    pub rescan: Duration,
    /// Where the hub's directive journal (and its officers) live (default with `--tokens`:
    /// the platform data dir's `hub` folder). Without tokens and without this, the hub has no
    /// officers: it is open to anyone and takes no directives.
    pub journal_dir: Option<PathBuf>,
    /// The snapshot archive every published version is recorded into: the command center's
    /// official record (`sitboard-hub` records by default; none here by default).
    pub archive: Option<PathBuf>,
    /// Keep the last N days of the archive (`None`: everything).
    pub archive_keep: Option<chrono::Duration>,
    /// Connections, timeouts and concurrent full answers.
    pub limits: HubLimits,
}

/// What one hub takes on at once (issue 15): the machine's memory and descriptors stay
/// bounded whatever the clients do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HubLimits {
    /// Open connections at most; past it the hub accepts no more until one closes (they
    /// wait in the system's listen queue).
    pub max_connections: usize,
    /// A request's headers must arrive within this (an idle kept-alive connection is closed
    /// after it too): a client sending a byte a second is closed.
    pub header_timeout: Duration,
    /// A directive event's body must arrive within this (408 otherwise).
    pub body_timeout: Duration,
    /// Full feed bodies being sent at once; a request past it waits up to `full_wait` for
    /// its turn, then gets 503 with `Retry-After`.
    pub max_full_responses: usize,
    pub full_wait: Duration,
}

impl Default for HubLimits {
    fn default() -> Self {
        HubLimits {
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_full_responses: 32,
            full_wait: Duration::from_secs(5),
        }
    }
}

impl HubConfig {
    pub fn new(data: impl Into<PathBuf>, listen: impl Into<String>) -> Self {
        HubConfig {
            data: data.into(),
            listen: listen.into(),
            tokens: None,
            demo_speed: None,
            demo_start: None,
            rescan: Duration::from_secs(2),
            journal_dir: None,
            archive: None,
            archive_keep: None,
            limits: HubLimits::default(),
        }
    }
}

/// One version of the served document, ready to send: compressed once when it is
/// published, and served from these shared bytes to every client (a request copies no
/// body).
#[derive(Debug)]
pub struct Published {
    pub body: Bytes,
    /// `body` gzip-compressed (empty if compressing failed).
    pub gzip: Bytes,
    /// `body` zstd-compressed (empty if compressing failed).
    pub zstd: Bytes,
    /// Hex digest prefix of `body`: the ETag is `"tag"` (identity), `"tag-gz"` (gzip) or
    /// `"tag-zst"` (zstd).
    pub tag: String,
    pub generated_at: DateTime<Utc>,
    pub as_of: DateTime<Utc>,
    pub rows: usize,
    pub documents: usize,
    pub demo_day: Option<NaiveDate>,
    /// The rows of this version as digests (to make deltas from it to later versions).
    index: Arc<RowIndex>,
    /// Deltas from recent earlier versions (by their tag) to this one.
    deltas: HashMap<String, Delta>,
}

/// A delta document from an earlier version, ready to send.
#[derive(Debug)]
pub(crate) struct Delta {
    pub(crate) body: Bytes,
    pub(crate) gzip: Bytes,
}

impl Published {
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.tag)
    }

    pub fn etag_gzip(&self) -> String {
        format!("\"{}-gz\"", self.tag)
    }

    pub fn etag_zstd(&self) -> String {
        format!("\"{}-zst\"", self.tag)
    }

    /// The tags of the earlier versions a delta to this one is kept for.
    pub fn delta_sources(&self) -> Vec<String> {
        self.deltas.keys().cloned().collect()
    }

    pub(crate) fn delta(&self, since: &str) -> Option<&Delta> {
        self.deltas.get(since)
    }
}

/// How many earlier versions a new version keeps deltas from.
const DELTA_HISTORY: usize = 8;

pub(crate) struct Shared {
    published: RwLock<Arc<Published>>,
    config: HubConfig,
    started: Instant,
    /// Who may read and write (officers of the journal and of the tokens file).
    officers: officers::OfficerBook,
    problems: Mutex<Vec<String>>,
    extra: Mutex<HubRows>,
    clock: Option<DemoClock>,
    journal: Option<Arc<directives::HubJournal>>,
    journal_events: AtomicU64,
    refresh: tokio::sync::Notify,
    feed_requests: AtomicU64,
    not_modified: AtomicU64,
    deltas_sent: AtomicU64,
    busy: AtomicU64,
    /// Full bodies being sent (permits of `config.limits.max_full_responses`).
    full_slots: Arc<tokio::sync::Semaphore>,
    /// The last versions' tags and row digests, newest last (deltas are made from these).
    history: Mutex<VecDeque<(String, Arc<RowIndex>)>>,
    /// Where published versions are recorded (none without an archive, or once it failed).
    record: Mutex<Option<std::sync::mpsc::Sender<crate::feed::live::ReceivedDocument>>>,
}

impl Shared {
    /// The exercise clock now, when the hub runs a demo: the last instant of the live demo's
    /// day (the feed is "as of 24:00" of that day).
    pub(crate) fn exercise_now(&self) -> Option<chrono::DateTime<Utc>> {
        self.clock.as_ref().map(|c| crate::model::time::just_before(end_of_day(c.day(Instant::now()))))
    }

    fn published(&self) -> Arc<Published> {
        match self.published.read() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set_published(&self, p: Arc<Published>) {
        self.record(&p);
        self.remember(&p);
        match self.published.write() {
            Ok(mut g) => *g = p,
            Err(poisoned) => *poisoned.into_inner() = p,
        }
    }

    /// Keep a version's row digests, so that later versions carry a delta from it.
    fn remember(&self, p: &Published) {
        let mut h = match self.history.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        h.retain(|(tag, _)| *tag != p.tag);
        h.push_back((p.tag.clone(), p.index.clone()));
        while h.len() > DELTA_HISTORY {
            h.pop_front();
        }
    }

    fn history(&self) -> Vec<(String, Arc<RowIndex>)> {
        match self.history.lock() {
            Ok(g) => g.iter().cloned().collect(),
            Err(poisoned) => poisoned.into_inner().iter().cloned().collect(),
        }
    }

    /// Record a published version in the archive (when recording).
    fn record(&self, p: &Published) {
        let mut guard = match self.record.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let Some(tx) = guard.as_ref() else { return };
        let doc = crate::feed::live::ReceivedDocument {
            index: 0,
            source: format!("{}/v1/feed", self.config.listen),
            received: chrono::Utc::now(),
            body: String::from_utf8_lossy(&p.body).into_owned(),
        };
        if tx.send(doc).is_err() {
            *guard = None;
        }
    }
}

/// A running hub.
pub struct HubHandle {
    addr: SocketAddr,
    recorder: Option<crate::recorder::Recorder>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl HubHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://ADDR/v1/feed`
    pub fn feed_url(&self) -> String {
        format!("http://{}/v1/feed", self.addr)
    }

    /// The version being served now.
    pub fn published(&self) -> Arc<Published> {
        self.shared.published()
    }

    /// The hub's directive journal file, when it takes directives.
    pub fn journal_path(&self) -> Option<PathBuf> {
        self.shared.journal.as_ref().map(|j| j.path.clone())
    }

    /// Events in the hub's directive journal.
    pub fn journal_events(&self) -> u64 {
        self.shared.journal_events.load(Ordering::Relaxed)
    }

    /// Check the data dir (and the demo day) now instead of at the next tick.
    pub fn refresh(&self) {
        self.shared.refresh.notify_one();
    }

    /// Stop serving and wait until the port is closed.
    pub fn stop(mut self) {
        self.shutdown();
    }

    /// Serve until the process gets Ctrl-C or SIGTERM, then stop.
    pub fn run_until_signal(mut self) {
        match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt.block_on(wait_for_signal()),
            Err(e) => {
                tracing::error!("cannot wait for signals ({e}); serving until killed");
                if let Some(t) = self.thread.take() {
                    let _ = t.join();
                }
            }
        }
        tracing::info!("stopping");
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if let Some(r) = self.recorder.take() {
            let status = r.finish();
            tracing::info!("recorded {} versions into {}", status.recorded, status.path.display());
        }
    }

    /// How the recording is going (none without an archive).
    pub fn recording(&self) -> Option<crate::recorder::RecorderStatus> {
        self.recorder.as_ref().map(crate::recorder::Recorder::status)
    }
}

impl Drop for HubHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Read the data, build the first version, bind the port and serve in the background.
pub fn start(config: HubConfig) -> Result<HubHandle, String> {
    let data = merge::load(&config.data);
    for p in &data.problems {
        tracing::warn!("{p}");
    }
    if data.documents.is_empty() {
        return Err(format!(
            "{}: no usable feed documents (.json){}",
            config.data.display(),
            if data.problems.is_empty() { String::new() } else { format!(": {}", data.problems.join("; ")) }
        ));
    }
    let tokens = match &config.tokens {
        Some(p) => {
            let t = Tokens::load(p)?;
            tracing::info!("{} officer tokens from {}", t.len(), p.display());
            Some(t)
        }
        None => None,
    };
    let journal_dir = match (&config.journal_dir, &tokens) {
        (Some(d), _) => Some(d.clone()),
        (None, Some(_)) => Some(
            crate::settings::paths::data_dir()
                .map(|d| d.join("hub"))
                .ok_or("no data dir on this system for the hub's directive journal: give --journal-dir DIR")?,
        ),
        (None, None) => None,
    };
    let now = Instant::now();
    let clock = match config.demo_speed {
        Some(speed) => {
            let clock = DemoClock::new(data.days(), speed, config.demo_start, now).ok_or_else(|| {
                format!("{}: live demo: the data has no case reports to replay", config.data.display())
            })?;
            tracing::info!(
                "live demo: {} reporting days, one every {} s, from {}",
                clock.days().len(),
                speed.as_secs_f64(),
                clock.day(now)
            );
            Some(clock)
        }
        None => None,
    };
    let demo_day = clock.as_ref().map(|c| c.day(now));
    // A live demo is an exercise (演练): its directives go to the exercise journal, never
    // into the real one.
    let kind = if clock.is_some() { crate::store::JournalKind::Exercise } else { crate::store::JournalKind::Real };
    let mut extra = HubRows::default();
    let journal = match &journal_dir {
        Some(d) => Some(Arc::new(directives::HubJournal::open(d, kind, &mut extra)?)),
        None => None,
    };
    let events = journal.as_ref().map_or(0, |j| j.events());
    let book = officers::OfficerBook::open(journal_dir.as_deref(), tokens)?;
    if book.is_open() {
        tracing::warn!(
            "this hub is open to anyone: it has no officers and no tokens, so every board on the network reads              its feed and none writes directives (add officers with `sitboard-hub officer add`)"
        );
    } else {
        let (officers, file) = book.counts();
        tracing::info!("officers: {officers} ({file} from the tokens file); the feed and every write need a token");
    }
    let recorder = match &config.archive {
        Some(path) => {
            let r = crate::recorder::Recorder::start_keeping(path, config.archive_keep).map_err(|e| e.to_string())?;
            tracing::info!("recording every published version into {}", path.display());
            Some(r)
        }
        None => None,
    };
    let first = build_version(&data, &extra, demo_day, &[]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("sitboard-hub")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the hub's runtime: {e}"))?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(&config.listen))
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| format!("cannot read the bound address: {e}"))?;
    let config_limits = config.limits;
    let shared = Arc::new(Shared {
        published: RwLock::new(Arc::new(first)),
        problems: Mutex::new(data.problems.clone()),
        config,
        started: now,
        officers: book,
        extra: Mutex::new(extra),
        clock,
        journal,
        journal_events: AtomicU64::new(events as u64),
        refresh: tokio::sync::Notify::new(),
        feed_requests: AtomicU64::new(0),
        not_modified: AtomicU64::new(0),
        deltas_sent: AtomicU64::new(0),
        busy: AtomicU64::new(0),
        full_slots: Arc::new(tokio::sync::Semaphore::new(config_limits.max_full_responses.max(1))),
        history: Mutex::new(VecDeque::new()),
        record: Mutex::new(recorder.as_ref().map(crate::recorder::Recorder::sender)),
    });
    shared.record(&shared.published());
    shared.remember(&shared.published());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let task_shared = shared.clone();
    let thread = std::thread::Builder::new()
        .name("sitboard-hub-main".into())
        .spawn(move || {
            let serve_shared = task_shared.clone();
            rt.block_on(async move {
                let updater = tokio::spawn(update_loop(task_shared, Arc::new(data)));
                server::serve(listener, serve_shared, stop_rx).await;
                updater.abort();
            });
            rt.shutdown_timeout(Duration::from_secs(1));
        })
        .map_err(|e| format!("cannot start the hub's thread: {e}"))?;
    Ok(HubHandle { addr, recorder, stop: Some(stop_tx), thread: Some(thread), shared })
}

/// Print the address line that scripts and tests wait for (always the first line).
pub fn print_listening(addr: SocketAddr) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on http://{addr}");
    let _ = out.flush();
}

/// Merge, serialise and compress one version, with deltas from the versions in `history`.
fn build_version(
    data: &HubData,
    extra: &HubRows,
    demo_day: Option<NaiveDate>,
    history: &[(String, Arc<RowIndex>)],
) -> Published {
    let started = Instant::now();
    let now = Utc::now();
    let cut = demo_day.map(end_of_day);
    let m = merge::merged(data, extra, cut, now);
    // Serialising a `Value` cannot fail (its keys are strings).
    let body = serde_json::to_vec(&m.document).unwrap_or_default();
    let tag = tag_of(&body);
    let gzip = gzip_bytes(&body);
    let zstd = zstd::bulk::compress(&body, 3).unwrap_or_else(|e| {
        tracing::warn!("cannot zstd-compress the feed ({e}); serving gzip or uncompressed");
        Vec::new()
    });
    let index = Arc::new(RowIndex::of(&m.document));
    let mut deltas = HashMap::new();
    for (old_tag, old_index) in history.iter().filter(|(t, _)| *t != tag) {
        let Some(d) = crate::feed::delta::diff(old_index, &m.document, &index, old_tag, &tag) else { continue };
        let d = serde_json::to_vec(&d).unwrap_or_default();
        // A delta near the size of the document saves nothing.
        if d.is_empty() || d.len() > body.len() / 2 {
            continue;
        }
        let gz = gzip_bytes(&d);
        deltas.insert(old_tag.clone(), Delta { body: Bytes::from(d), gzip: Bytes::from(gz) });
    }
    let documents = m.document.get("sources").and_then(|s| s.as_array()).map_or(0, Vec::len);
    tracing::info!(
        "published {} as of {}: {} documents, {} rows, {} ({} gzip, {} zstd, {} deltas) in {} ms",
        format!("\"{tag}\""),
        format_as_of(m.as_of),
        documents,
        m.rows,
        crate::feed::live::describe_bytes(body.len() as u64),
        crate::feed::live::describe_bytes(gzip.len() as u64),
        crate::feed::live::describe_bytes(zstd.len() as u64),
        deltas.len(),
        started.elapsed().as_millis()
    );
    Published {
        body: Bytes::from(body),
        gzip: Bytes::from(gzip),
        zstd: Bytes::from(zstd),
        tag,
        generated_at: now,
        as_of: m.as_of,
        rows: m.rows,
        documents,
        demo_day,
        index,
        deltas,
    }
}

fn tag_of(body: &[u8]) -> String {
    Sha256::digest(body).iter().take(16).map(|b| format!("{b:02x}")).collect()
}

fn gzip_bytes(body: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 4), flate2::Compression::fast());
    match enc.write_all(body).and_then(|()| enc.finish()) {
        Ok(z) => z,
        Err(e) => {
            tracing::warn!("cannot gzip the feed ({e}); serving it uncompressed");
            Vec::new()
        }
    }
}

/// Re-read the data dir when its files change, advance the demo day, publish new versions.
async fn update_loop(shared: Arc<Shared>, mut data: Arc<HubData>) {
    let path = shared.config.data.clone();
    let sig_path = path.clone();
    let mut signature = tokio::task::spawn_blocking(move || merge::signature(&sig_path)).await.unwrap_or_default();
    let mut day = shared.published().demo_day;
    let mut extra_version = 0u64;
    loop {
        let now = Instant::now();
        let mut wake = now + shared.config.rescan;
        if let Some(c) = &shared.clock {
            wake = wake.min(c.next_change(now));
        }
        tokio::select! {
            _ = tokio::time::sleep_until(wake.into()) => {}
            _ = shared.refresh.notified() => {}
        }
        let mut changed = false;
        let sig_path = path.clone();
        let new_sig = tokio::task::spawn_blocking(move || merge::signature(&sig_path)).await.unwrap_or_default();
        if new_sig != signature {
            let load_path = path.clone();
            if let Ok(d) = tokio::task::spawn_blocking(move || merge::load(&load_path)).await {
                tracing::info!("{}: files changed; {} documents", path.display(), d.documents.len());
                for p in &d.problems {
                    tracing::warn!("{p}");
                }
                if let Ok(mut g) = shared.problems.lock() {
                    g.clone_from(&d.problems);
                }
                data = Arc::new(d);
                signature = new_sig;
                changed = true;
            }
        }
        if let Some(c) = &shared.clock {
            let d = Some(c.day(Instant::now()));
            if d != day {
                day = d;
                changed = true;
            }
        }
        let (extra, v) = match shared.extra.lock() {
            Ok(g) => (g.clone(), g.version),
            Err(p) => {
                let g = p.into_inner();
                (g.clone(), g.version)
            }
        };
        if v != extra_version {
            extra_version = v;
            changed = true;
        }
        if changed {
            let d = data.clone();
            let history = shared.history();
            match tokio::task::spawn_blocking(move || build_version(&d, &extra, day, &history)).await {
                Ok(p) => shared.set_published(Arc::new(p)),
                Err(e) => tracing::error!("building the feed failed ({e}); still serving the previous version"),
            }
        }
    }
}
