//! Replaying a snapshot archive (`sitboard --replay FILE`): a thread that opens the archive
//! read-only (the file is never modified; the hub may still be writing it), tells the UI the
//! archive's instants (the timeline's marks), and builds the dataset of the snapshots in
//! force at the instant the UI asks for — only when that set of snapshots changes, and
//! always for the newest instant asked (requests that pile up while building are skipped).
//! It looks for new snapshots every couple of seconds, so a growing recording can be
//! replayed while it is written.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError, channel};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Waker;
use super::load::{LoadResult, map_layer};
use crate::model::RegionRegistry;
use crate::replay;
use crate::store::archive::{ArchiveInfo, ArchiveReader};
use crate::ui::panels::map::layer::MapLayer;

/// What the replay worker sends.
pub enum ReplayMsg {
    /// The archive's instants, at opening and whenever new snapshots appear.
    Marks(Vec<DateTime<Utc>>, Box<ArchiveInfo>),
    /// The dataset at the instant last asked for.
    Data(LoadResult),
}

/// The UI's end of the replay worker.
pub struct ReplayLink {
    tx: Sender<DateTime<Utc>>,
    rx: Option<Receiver<ReplayMsg>>,
    /// The archive as last read (time range, snapshots, damage).
    pub info: Option<ArchiveInfo>,
    /// The instant last asked for.
    asked: Option<DateTime<Utc>>,
}

impl ReplayLink {
    /// Open the archive at `path` in the background, over the given region registry.
    pub fn spawn(path: PathBuf, registry: Result<RegionRegistry, String>, waker: Waker) -> ReplayLink {
        let (tx, requests) = channel();
        let (replies, rx) = channel();
        let fail_tx = replies.clone();
        let spawned = std::thread::Builder::new()
            .name("sitboard-replay".into())
            .spawn(move || run(&path, registry, &requests, &replies, &waker));
        if let Err(e) = spawned {
            let _ = fail_tx
                .send(ReplayMsg::Data(LoadResult::Failed(format!("cannot start the replay thread: {e}"), Vec::new())));
        }
        ReplayLink { tx, rx: Some(rx), info: None, asked: None }
    }

    /// Ask for the dataset at `t` (cheap when nothing changes: the worker answers only when
    /// the snapshots in force differ).
    pub fn request(&mut self, t: DateTime<Utc>) {
        if self.asked != Some(t) {
            self.asked = Some(t);
            let _ = self.tx.send(t);
        }
    }

    /// Take in what arrived (never blocks).
    pub fn poll(&mut self) -> Vec<ReplayMsg> {
        let mut out = Vec::new();
        let Some(rx) = &self.rx else { return out };
        loop {
            match rx.try_recv() {
                Ok(ReplayMsg::Marks(m, info)) => {
                    self.info = Some((*info).clone());
                    out.push(ReplayMsg::Marks(m, info));
                }
                Ok(msg) => out.push(msg),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.rx = None;
                    break;
                }
            }
        }
        out
    }
}

fn run(
    path: &std::path::Path,
    registry: Result<RegionRegistry, String>,
    requests: &Receiver<DateTime<Utc>>,
    replies: &Sender<ReplayMsg>,
    waker: &Waker,
) {
    let send = |m: ReplayMsg| {
        let ok = replies.send(m).is_ok();
        waker.wake();
        ok
    };
    let fail = |msg: String| {
        send(ReplayMsg::Data(LoadResult::Failed(msg, Vec::new())));
    };
    let registry = match registry {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let mut reader = match ArchiveReader::open(path) {
        Ok(r) => r,
        Err(e) => return fail(e.to_string()),
    };
    if reader.snapshots().is_empty() {
        return fail(format!("{}: the archive holds no snapshot yet", path.display()));
    }
    if !send(ReplayMsg::Marks(replay::marks(reader.snapshots()), Box::new(reader.info()))) {
        return;
    }
    let mut layer: Option<(usize, Option<Arc<MapLayer>>)> = None;
    let mut shown: Option<Vec<u64>> = None;
    let mut wanted: Option<DateTime<Utc>> = None;
    loop {
        match requests.recv_timeout(Duration::from_secs(2)) {
            Ok(t) => wanted = Some(t),
            Err(RecvTimeoutError::Timeout) => {
                // A recording still being written: new snapshots are new marks.
                if let Ok(true) = reader.refresh()
                    && !send(ReplayMsg::Marks(replay::marks(reader.snapshots()), Box::new(reader.info())))
                {
                    return;
                }
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
        // Only the newest request matters.
        while let Ok(t) = requests.try_recv() {
            wanted = Some(t);
        }
        let Some(t) = wanted.take() else { continue };
        let seqs = replay::snapshots_at(reader.snapshots(), t);
        if seqs.is_empty() || shown.as_ref() == Some(&seqs) {
            continue;
        }
        let outcome = replay::outcome_of(&reader, &seqs, registry.clone());
        let n = outcome.dataset.registry.len();
        if layer.as_ref().is_none_or(|(for_n, _)| *for_n != n) {
            layer = Some((n, map_layer(&outcome.dataset.registry)));
        }
        let map = layer.as_ref().and_then(|(_, l)| l.clone());
        shown = Some(seqs);
        if !send(ReplayMsg::Data(LoadResult::Loaded(Box::new(outcome), map))) {
            return;
        }
    }
}
