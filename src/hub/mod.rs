//! `sitboard-hub`: the command center's feed hub. It merges the feed documents of a data
//! dir into one document (feed schema 1.1, see [`merge`]) and serves it over plain HTTP to
//! every board (`GET /v1/feed`, strong ETag, 304, gzip), with `GET /v1/health`; in
//! live-demo mode it replays the days of the data in accelerated time ([`demo`]). Officers'
//! tokens are in [`tokens`]. The hub speaks plain HTTP for a closed network; put a reverse
//! proxy in front of it for TLS.
//!
//! Runtime: one multi-thread tokio runtime (2 workers) on a background thread runs the axum
//! server and an updater task that re-reads the data dir when its files change, advances
//! the demo day, and publishes a new version; building a version (merge, serialise, gzip)
//! runs on a blocking thread. [`start`] returns once the first version is built and the
//! port is bound, so the caller can print the address.

pub mod demo;
pub mod directives;
pub mod merge;
mod server;
pub mod tokens;

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest as _, Sha256};

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
    /// Officers' tokens (needed to accept directives).
    pub tokens: Option<PathBuf>,
    /// Live demo: seconds of real time per reporting day.
    pub demo_speed: Option<Duration>,
    /// Live demo: the first day to serve (default: the first day of the data).
    pub demo_start: Option<NaiveDate>,
    /// How often the data dir is checked for changed files.
    pub rescan: Duration,
    /// Where the hub's directive journal lives (default with `--tokens`: the platform data
    /// dir's `hub` folder). Without tokens and without this, the hub takes no directives.
    pub journal_dir: Option<PathBuf>,
    /// The snapshot archive every published version is recorded into: the command center's
    /// official record (`sitboard-hub` records by default; none here by default).
    pub archive: Option<PathBuf>,
    /// Keep the last N days of the archive (`None`: everything).
    pub archive_keep: Option<chrono::Duration>,
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
        }
    }
}

/// One version of the served document, ready to send.
#[derive(Debug)]
pub struct Published {
    pub body: Vec<u8>,
    pub gzip: Vec<u8>,
    /// Hex digest prefix of `body`: the ETag is `"tag"` (identity) or `"tag-gz"` (gzip).
    pub tag: String,
    pub generated_at: DateTime<Utc>,
    pub as_of: DateTime<Utc>,
    pub rows: usize,
    pub documents: usize,
    pub demo_day: Option<NaiveDate>,
}

impl Published {
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.tag)
    }

    pub fn etag_gzip(&self) -> String {
        format!("\"{}-gz\"", self.tag)
    }
}

pub(crate) struct Shared {
    published: RwLock<Arc<Published>>,
    config: HubConfig,
    started: Instant,
    tokens: Option<Tokens>,
    problems: Mutex<Vec<String>>,
    extra: Mutex<HubRows>,
    clock: Option<DemoClock>,
    journal: Option<Arc<directives::HubJournal>>,
    journal_events: AtomicU64,
    refresh: tokio::sync::Notify,
    feed_requests: AtomicU64,
    not_modified: AtomicU64,
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
        match self.published.write() {
            Ok(mut g) => *g = p,
            Err(poisoned) => *poisoned.into_inner() = p,
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
    let journal = match &journal_dir {
        Some(d) => Some(Arc::new(directives::HubJournal::open(d, kind)?)),
        None => None,
    };
    let (hub_rows, events) = match &journal {
        Some(j) => j.feed_rows()?,
        None => (Vec::new(), 0),
    };
    let extra = HubRows { directives: hub_rows, version: 0 };
    let recorder = match &config.archive {
        Some(path) => {
            let r = crate::recorder::Recorder::start_keeping(path, config.archive_keep).map_err(|e| e.to_string())?;
            tracing::info!("recording every published version into {}", path.display());
            Some(r)
        }
        None => None,
    };
    let first = build_version(&data, &extra, demo_day);
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
    let shared = Arc::new(Shared {
        published: RwLock::new(Arc::new(first)),
        problems: Mutex::new(data.problems.clone()),
        config,
        started: now,
        tokens,
        extra: Mutex::new(extra),
        clock,
        journal,
        journal_events: AtomicU64::new(events as u64),
        refresh: tokio::sync::Notify::new(),
        feed_requests: AtomicU64::new(0),
        not_modified: AtomicU64::new(0),
        record: Mutex::new(recorder.as_ref().map(crate::recorder::Recorder::sender)),
    });
    shared.record(&shared.published());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let task_shared = shared.clone();
    let thread = std::thread::Builder::new()
        .name("sitboard-hub-main".into())
        .spawn(move || {
            let serve_shared = task_shared.clone();
            rt.block_on(async move {
                let updater = tokio::spawn(update_loop(task_shared, Arc::new(data)));
                let app = server::router(serve_shared);
                let result = axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stop_rx.await;
                    })
                    .await;
                updater.abort();
                if let Err(e) = result {
                    tracing::error!("the hub's server stopped: {e}");
                }
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

/// Merge, serialise and compress one version.
fn build_version(data: &HubData, extra: &HubRows, demo_day: Option<NaiveDate>) -> Published {
    let started = Instant::now();
    let now = Utc::now();
    let cut = demo_day.map(end_of_day);
    let m = merge::merged(data, extra, cut, now);
    // Serialising a `Value` cannot fail (its keys are strings).
    let body = serde_json::to_vec(&m.document).unwrap_or_default();
    let digest = Sha256::digest(&body);
    let tag: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let gzip = {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        match enc.write_all(&body).and_then(|()| enc.finish()) {
            Ok(z) => z,
            Err(e) => {
                tracing::warn!("cannot gzip the feed ({e}); serving it uncompressed");
                Vec::new()
            }
        }
    };
    let documents = m.document.get("sources").and_then(|s| s.as_array()).map_or(0, Vec::len);
    tracing::info!(
        "published {} as of {}: {} documents, {} rows, {} ({} gzip) in {} ms",
        format!("\"{tag}\""),
        format_as_of(m.as_of),
        documents,
        m.rows,
        crate::feed::live::describe_bytes(body.len() as u64),
        crate::feed::live::describe_bytes(gzip.len() as u64),
        started.elapsed().as_millis()
    );
    Published { body, gzip, tag, generated_at: now, as_of: m.as_of, rows: m.rows, documents, demo_day }
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
            match tokio::task::spawn_blocking(move || build_version(&d, &extra, day)).await {
                Ok(p) => shared.set_published(Arc::new(p)),
                Err(e) => tracing::error!("building the feed failed ({e}); still serving the previous version"),
            }
        }
    }
}
