//! Reads the file sources once on a background thread and hands the result to the UI,
//! with the map geometry prepared for its regions.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use super::Waker;
use crate::feed::geometry::{BUNDLED_BOUNDARIES, parse_boundaries};
use crate::feed::{IngestReport, LoadOutcome};
use crate::model::RegionRegistry;
use crate::settings::Settings;
use crate::ui::panels::map::layer::MapLayer;

pub enum LoadResult {
    /// The data, and the map geometry prepared for its regions.
    Loaded(Box<LoadOutcome>, Option<Arc<MapLayer>>),
    /// Nothing could be loaded at all (e.g. a broken region registry).
    Failed(String, Vec<IngestReport>),
}

/// The UI's end of the one-shot loader.
#[derive(Default)]
pub struct LoadLink {
    rx: Option<Receiver<LoadResult>>,
}

impl LoadLink {
    /// Start reading every source of `settings`.
    pub fn spawn(settings: Settings, waker: Waker) -> LoadLink {
        let (tx, rx) = channel();
        let spawned = std::thread::Builder::new().name("sitboard-load".into()).spawn(move || {
            // The receiver is gone only when the app closed; nothing to do then.
            let _ = tx.send(load(&settings));
            waker.wake();
        });
        if let Err(e) = spawned {
            tracing::error!("cannot start the loader thread: {e}");
        }
        LoadLink { rx: Some(rx) }
    }

    /// Whether the result is still to come.
    pub fn pending(&self) -> bool {
        self.rx.is_some()
    }

    /// The result, once it arrived (never blocks).
    pub fn poll(&mut self) -> Option<LoadResult> {
        let result = match self.rx.as_ref()?.try_recv() {
            Ok(r) => r,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => {
                LoadResult::Failed("the loader stopped without a result".into(), Vec::new())
            }
        };
        self.rx = None;
        Some(result)
    }
}

/// Read the sources (on the calling thread) and prepare the map geometry.
pub fn load(settings: &Settings) -> LoadResult {
    let outcome = match settings.load() {
        Ok(o) => o,
        Err(e) => return LoadResult::Failed(e, Vec::new()),
    };
    for r in &outcome.reports {
        if r.fatal.is_some() || !r.rejected.is_empty() {
            tracing::warn!("{}", r.summary());
        } else {
            tracing::info!("{}", r.summary());
        }
    }
    let layer = map_layer(&outcome.dataset.registry);
    LoadResult::Loaded(Box::new(outcome), layer)
}

/// Parse the bundled boundaries for the regions of a registry and prepare them for drawing.
/// `None` (with a log line) when nothing usable is there: the map then says so.
pub fn map_layer(registry: &RegionRegistry) -> Option<Arc<MapLayer>> {
    let (outlines, report) = parse_boundaries(BUNDLED_BOUNDARIES, "data/regions/boundaries.geojson", registry);
    if report.fatal.is_some() || !report.rejected.is_empty() {
        tracing::warn!("{}", report.summary());
    }
    (!outlines.is_empty()).then(|| Arc::new(MapLayer::build(&outlines)))
}
