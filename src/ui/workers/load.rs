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
    waker: Waker,
}

impl LoadLink {
    /// Start reading every source of `settings`.
    pub fn spawn(settings: Settings, waker: Waker) -> LoadLink {
        let (tx, rx) = channel();
        let wakes = waker.clone();
        let spawned = std::thread::Builder::new().name("sitboard-load".into()).spawn(move || {
            // The receiver is gone only when the app closed; nothing to do then.
            let _ = tx.send(load(&settings));
            wakes.wake();
            // The parse trees are gone: give their memory back (after the data is on its
            // way, so the board does not wait for it).
            release_freed_memory();
        });
        if let Err(e) = spawned {
            tracing::error!("cannot start the loader thread: {e}");
        }
        LoadLink { rx: Some(rx), waker }
    }

    /// Start reading at process start, before there is a window (the runners open it
    /// meanwhile); [`LoadLink::attach`] gives it the window's context once there is one.
    /// `None` when the settings do not read files once (live sources, a replay).
    pub fn early(settings: &Settings) -> Option<LoadLink> {
        reads_files_once(settings).then(|| LoadLink::spawn(settings.clone(), Waker::default()))
    }

    /// Wake the UI of `ctx` when the result arrives (a result that came before is taken by
    /// the first frame anyway).
    pub fn attach(&self, ctx: &egui::Context) {
        self.waker.set_ctx(ctx);
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

/// Whether the board reads its sources once through this loader (not a replay, not live).
pub fn reads_files_once(settings: &Settings) -> bool {
    settings.replay.is_none() && settings.live_config().is_none()
}

/// Read the sources (on the calling thread) and prepare the map geometry. The geometry
/// depends only on the region registry, so it is triangulated on a thread of its own while
/// the documents are parsed. [`LoadLink::spawn`] gives the parse trees' memory back after.
pub fn load(settings: &Settings) -> LoadResult {
    let _span = tracing::debug_span!("load").entered();
    let (outcome, layer) = std::thread::scope(|scope| {
        // The registry read once more for the geometry (a few KB of CSV): the data's own
        // reading stays the one door, `Settings::load`.
        let geometry = std::thread::Builder::new()
            .name("sitboard-geometry".into())
            .spawn_scoped(scope, || settings.registry().ok().map(|r| (map_layer(&r), r.len())))
            .map_err(|e| tracing::warn!("cannot start the geometry thread, preparing it after the data: {e}"))
            .ok();
        let outcome = settings.load();
        let layer = match (&outcome, geometry) {
            (Err(_), _) => None,
            // A document's `regions` section may add regions to the registry: their
            // outlines, if the boundaries have any, are drawn too (prepared again then).
            (Ok(o), Some(handle)) => match handle.join().unwrap_or_else(|p| std::panic::resume_unwind(p)) {
                Some((layer, n)) if n == o.dataset.registry.len() => layer,
                _ => map_layer(&o.dataset.registry),
            },
            (Ok(o), None) => map_layer(&o.dataset.registry),
        };
        (outcome, layer)
    });
    match outcome {
        Ok(o) => loaded(o, layer),
        Err(e) => LoadResult::Failed(e, Vec::new()),
    }
}

fn loaded(outcome: LoadOutcome, layer: Option<Arc<MapLayer>>) -> LoadResult {
    for r in &outcome.reports {
        if r.fatal.is_some() || !r.rejected.is_empty() {
            tracing::warn!("{}", r.summary());
        } else {
            tracing::info!("{}", r.summary());
        }
    }
    LoadResult::Loaded(Box::new(outcome), layer)
}

/// Give the memory freed since the last call back to the system. A load parses megabytes of
/// JSON into trees that are dropped once the data is built, and glibc's allocator keeps what
/// they held (per thread, in arenas of 64 MB) unless asked: on the demo that is ~150 MB of
/// resident memory the board never uses again (README, "Performance").
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let _span = tracing::debug_span!("malloc_trim").entered();
        // SAFETY: malloc_trim only walks the allocator's own free lists; it has no
        // preconditions and may be called from any thread at any time.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

/// Parse the bundled boundaries for the regions of a registry and prepare them for drawing.
/// `None` (with a log line) when nothing usable is there: the map then says so.
pub fn map_layer(registry: &RegionRegistry) -> Option<Arc<MapLayer>> {
    let _span = tracing::debug_span!("map layer").entered();
    let (outlines, report) = parse_boundaries(BUNDLED_BOUNDARIES, "data/regions/boundaries.geojson", registry);
    if report.fatal.is_some() || !report.rejected.is_empty() {
        tracing::warn!("{}", report.summary());
    }
    (!outlines.is_empty()).then(|| {
        let _span = tracing::debug_span!("triangulate", regions = outlines.len()).entered();
        Arc::new(MapLayer::build(&outlines))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::FeedSource;
    use crate::i18n::Lang;

    /// The demo read by the loader (documents parsed side by side, geometry prepared beside
    /// them) is what the one-thread path makes of it: the same reports, days and outlines.
    #[test]
    fn the_loader_reads_the_demo_as_the_sequential_path_does() {
        let dir = crate::settings::paths::bundled_demo_dir().expect("the bundled demo folder data/demo");
        let settings = Settings::for_sources(vec![FeedSource::Path(dir)], Lang::Zh);
        let LoadResult::Loaded(outcome, layer) = load(&settings) else { panic!("the demo did not load") };
        let sequential = settings.load().expect("the demo");
        let summaries = |o: &LoadOutcome| o.reports.iter().map(IngestReport::summary).collect::<Vec<_>>();
        assert_eq!(summaries(&outcome), summaries(&sequential));
        assert!(summaries(&outcome).len() >= 7, "{:?}", summaries(&outcome));
        assert_eq!(outcome.dataset.dates(), sequential.dataset.dates());
        let layer = layer.expect("the map geometry");
        let expected = map_layer(&sequential.dataset.registry).expect("the map geometry");
        assert_eq!(layer.shapes.len(), expected.shapes.len());
        assert_eq!(layer.vertex_count, expected.vertex_count);
        assert!(layer.shapes.len() > 100, "{}", layer.shapes.len());
    }

    #[test]
    fn a_broken_registry_fails_the_load_with_its_reason() {
        let dir = tempfile::tempdir().expect("temp dir");
        let regions = dir.path().join("regions.csv");
        std::fs::write(&regions, "adcode,parent\n230000,\n").expect("write");
        let mut settings = Settings::for_sources(vec![FeedSource::Path(dir.path().into())], Lang::En);
        settings.regions = Some(regions);
        match load(&settings) {
            LoadResult::Failed(msg, _) => assert!(msg.contains("no column \"level\""), "{msg}"),
            LoadResult::Loaded(..) => panic!("loaded over a broken registry"),
        }
    }
}
