//! Recording what the board saw: a thread that writes every document a live feed accepts
//! into the snapshot archive, as it was received. The hub, the board (`--record FILE`) and
//! the headless `sitboard record` all use it. A recording that fails (the disk is full, the
//! file is refused) stops with a message; the feed and the board go on, and nothing already
//! recorded is damaged.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::feed::live::ReceivedDocument;
use crate::store::archive::{ArchiveError, ArchiveWriter};

/// How a recording is going.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecorderStatus {
    pub path: PathBuf,
    /// Snapshots written, and the bytes they added to the file.
    pub recorded: u64,
    pub bytes: u64,
    /// Documents that were the same as their source's previous one (cost only a row).
    pub unchanged: u64,
    /// Why recording stopped, if it did.
    pub stopped: Option<String>,
    /// Snapshots removed by the retention setting (keep the last N days), and the last
    /// problem pruning met (recording goes on).
    pub pruned: u64,
    pub prune_problem: Option<String>,
}

/// How often a recorder with a retention setting prunes (and once at start).
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// A running recorder: send it documents; read its status.
pub struct Recorder {
    tx: Sender<ReceivedDocument>,
    status: Arc<Mutex<RecorderStatus>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Recorder {
    /// Open (or create) the archive at `path` and start the recording thread. An archive that
    /// cannot be opened is refused here, before anything runs.
    pub fn start(path: &Path) -> Result<Recorder, ArchiveError> {
        Self::start_keeping(path, None)
    }

    /// As [`Recorder::start`], keeping only the last `keep` of the archive's clock (pruned at
    /// start and every hour; `None` keeps everything).
    pub fn start_keeping(path: &Path, keep: Option<chrono::Duration>) -> Result<Recorder, ArchiveError> {
        let writer = ArchiveWriter::create_or_open(path)?;
        let (tx, rx) = channel();
        let status = Arc::new(Mutex::new(RecorderStatus { path: path.to_path_buf(), ..Default::default() }));
        let shared = status.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let stop_seen = stop.clone();
        let thread = std::thread::Builder::new()
            .name("sitboard-record".into())
            .spawn(move || run(writer, keep, &rx, &shared, &stop_seen))
            .map_err(|e| ArchiveError::Io(format!("cannot start the recording thread: {e}")))?;
        Ok(Recorder { tx, status, stop, thread: Some(thread) })
    }

    /// Where documents go: give it to the live feed as its tap.
    pub fn sender(&self) -> Sender<ReceivedDocument> {
        self.tx.clone()
    }

    pub fn status(&self) -> RecorderStatus {
        self.status.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Stop, after writing every document sent so far, and say how it went.
    pub fn finish(mut self) -> RecorderStatus {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.status()
    }
}

fn run(
    mut writer: ArchiveWriter,
    keep: Option<chrono::Duration>,
    rx: &Receiver<ReceivedDocument>,
    status: &Mutex<RecorderStatus>,
    stop: &AtomicBool,
) {
    let mut pruned_at: Option<std::time::Instant> = None;
    loop {
        if let Some(keep) = keep
            && pruned_at.is_none_or(|t| t.elapsed() >= PRUNE_EVERY)
        {
            pruned_at = Some(std::time::Instant::now());
            let result = writer.prune(keep);
            let mut s = status.lock().unwrap_or_else(PoisonError::into_inner);
            match result {
                Ok(p) => s.pruned += p.snapshots,
                Err(e) => {
                    tracing::warn!("keeping the last {} days of {}: {e}", keep.num_days(), writer.path().display());
                    s.prune_problem = Some(e.to_string());
                }
            }
        }
        let doc = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(doc) => doc,
            // Asked to stop: write what is still queued, then stop.
            Err(RecvTimeoutError::Timeout) if stop.load(Ordering::Relaxed) => match rx.try_recv() {
                Ok(doc) => doc,
                Err(_) => return,
            },
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let result = writer.record(&doc.source, doc.received, &doc.body);
        let mut s = status.lock().unwrap_or_else(PoisonError::into_inner);
        match result {
            Ok(r) => {
                s.recorded += 1;
                s.bytes += r.bytes_added;
                s.unchanged += u64::from(r.unchanged);
                tracing::info!("recorded snapshot {} from {} (+{} bytes)", r.seq, doc.source, r.bytes_added);
            }
            Err(ArchiveError::BadDocument(why)) => {
                // Not a JSON document (a CSV source): it is shown, but cannot be archived.
                tracing::warn!("not recorded: a document from {} is not a JSON feed document ({why})", doc.source);
            }
            Err(e) => {
                let msg = format!("recording to {} stopped: {e}", writer.path().display());
                tracing::error!("{msg}");
                s.stopped = Some(msg);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn a_recorder_with_a_retention_setting_prunes_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.sqlite");
        let day = |d: i64| chrono::Utc.with_ymd_and_hms(2020, 2, 1, 16, 0, 0).unwrap() + chrono::Duration::days(d);
        {
            let mut w = ArchiveWriter::create_or_open(&path).unwrap();
            for d in 0..10 {
                let body = serde_json::json!({"schema": "sitboard.feed/1", "as_of": day(d).to_rfc3339(), "d": d});
                w.record("cases", day(d), &body.to_string()).unwrap();
            }
        }
        let kept_all = Recorder::start(&path).unwrap().finish();
        assert_eq!(kept_all.pruned, 0, "no retention setting: everything is kept");
        let status = Recorder::start_keeping(&path, Some(chrono::Duration::days(3))).unwrap().finish();
        assert_eq!((status.pruned, status.prune_problem), (6, None));
        let r = crate::store::archive::ArchiveReader::open(&path).unwrap();
        assert_eq!(r.snapshots().len(), 4);
        assert!(r.verify().is_ok());
    }
}
