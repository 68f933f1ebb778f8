//! Loads feed sources on a background thread and hands the result to the UI over a
//! channel, asking egui for a repaint when it arrives. The UI thread never waits on IO.

use std::sync::mpsc::{Receiver, channel};

use crate::cli::Settings;
use std::sync::Arc;

use super::map::layer::MapLayer;
use crate::feed::geometry::{BUNDLED_BOUNDARIES, parse_boundaries};
use crate::feed::{self, IngestReport, LoadOutcome};
use crate::model::RegionRegistry;

pub enum LoadResult {
    /// The data, and the map geometry prepared for its regions.
    Loaded(Box<LoadOutcome>, Option<Arc<MapLayer>>),
    /// Nothing could be loaded at all (e.g. a broken region registry).
    Failed(String, Vec<IngestReport>),
}

pub fn spawn(settings: Settings, ctx: egui::Context) -> Receiver<LoadResult> {
    let (tx, rx) = channel();
    let spawned = std::thread::Builder::new().name("sitboard-load".into()).spawn(move || {
        let result = load(&settings);
        // The receiver is gone only when the app closed; nothing to do then.
        let _ = tx.send(result);
        ctx.request_repaint();
    });
    if let Err(e) = spawned {
        tracing::error!("cannot start the loader thread: {e}");
    }
    rx
}

pub fn load(settings: &Settings) -> LoadResult {
    if settings.sources.is_empty() {
        return LoadResult::Failed(
            "no data source: the bundled demo folder data/demo was not found; start with --data PATH".into(),
            Vec::new(),
        );
    }
    let registry = match settings.registry() {
        Ok(r) => r,
        Err(e) => return LoadResult::Failed(e, Vec::new()),
    };
    let outcome = feed::load_sources(&settings.sources, registry);
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
