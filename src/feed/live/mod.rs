//! Live feeds: poll HTTP sources in the background, keep each source's latest good
//! document, and rebuild the merged dataset whenever one changes — without the UI ever
//! waiting on the network.
//!
//! Why tokio and async reqwest rather than blocking reqwest on worker threads: one small
//! runtime on one background thread serves any number of sources; a hard total deadline on
//! a request (including a body that trickles in slower than the timeout) is a plain
//! `tokio::time::timeout`; a task sleeping until its next poll costs nothing and wakes at
//! once for "retry now" or shutdown. The hub already runs on tokio, so the dependency is
//! shared. Parsing and merging are CPU work and run on blocking threads, never on the
//! runtime's thread.
//!
//! Layout: [`state`] is the pure per-source state machine (fresh, retrying, stale, backoff),
//! [`fetch`] one conditional GET, [`service`] the runtime, the per-source tasks and the
//! merger.

pub mod fetch;
pub mod service;
pub mod state;

use std::time::Duration;

pub use fetch::{FetchLimits, Fetched};
pub use service::{LiveConfig, LiveControl, LiveEvent, LiveFeed, ReceivedDocument};
pub use state::{Health, SourceState, SourceStatus};

/// Poll interval of a URL source when neither the command line nor the config gives one.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// Per-source options of live sources (from the config and the command line) and the
/// request limits, carried in the board's settings.
#[derive(Clone, Debug, Default)]
pub struct LiveOptions {
    pub specs: Vec<SourceSpec>,
    pub limits: FetchLimits,
}

/// One live source: where, how often, and the bearer token it needs (if any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceSpec {
    /// Display name (from the config, else the URL).
    pub name: String,
    pub url: String,
    pub interval: Duration,
    /// Sent as `Authorization: Bearer …`; never logged or shown.
    pub token: Option<crate::secret::Secret>,
}

impl SourceSpec {
    pub fn new(name: impl Into<String>, url: impl Into<String>, interval: Duration) -> Self {
        SourceSpec { name: name.into(), url: url.into(), interval, token: None }
    }
}

/// A byte count for logs and the sources window, e.g. `9.1 MB`.
pub fn describe_bytes(n: u64) -> String {
    match n {
        0..1024 => format!("{n} bytes"),
        1024..1_048_576 => format!("{:.1} KB", n as f64 / 1024.0),
        _ => format!("{:.1} MB", n as f64 / 1_048_576.0),
    }
}
