//! The directive journal's worker thread: it owns the SQLite connection, writes events and
//! export files, and sends the journal back to the UI over a channel, asking egui for a
//! repaint. The UI thread never waits on disk. Every couple of seconds it also looks for
//! events written by another process (e.g. `sitboard journal` on the same data dir).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError, channel};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::export::tables::TableRequest;
use crate::i18n::Lang;
use crate::model::journal::{Journal, JournalEvent, NewEvent, NewExport, Problem, Stamp};
use crate::model::{Adcode, Situation};
use crate::store::journal::{BadEvent, JournalKind, JournalStore, StoreError, file_sha256};

use super::Waker;

/// What the UI asks the worker to do. `id` comes back with the outcome.
#[derive(Clone, Debug, PartialEq)]
pub enum JournalRequest {
    /// Write an event (already checked by the same code as the command line). The app fills
    /// in `exercise_at` (the exercise clock) while the board follows an exercise.
    Append { id: u64, event: Box<NewEvent>, exercise_at: Option<DateTime<Utc>> },
    /// Write a unit's acknowledgment of a directive published by a feed (the hub): the
    /// journal holds no record of it, so it is written as an external acknowledgment
    /// (`JournalStore::append_external_ack`) and the outbox sends it to the hub.
    Acknowledge { id: u64, event: Box<NewEvent>, exercise_at: Option<DateTime<Utc>> },
    /// Make an export file (off the UI thread), write it into the `exports` folder of the
    /// data dir and note it in the export record (what, when, by whom, the file's hash).
    Export { id: u64, file_name: String, job: Box<ExportJob>, note: ExportNote },
}

/// What an export file is made from.
#[derive(Clone, Debug)]
pub enum ExportJob {
    /// Ready text (a directive list or history).
    Text(String),
    /// A table of the board as CSV.
    Table { sit: Box<Situation>, req: TableRequest, lang: Lang },
    /// The window's pixels, encoded as PNG here.
    Png(Arc<egui::ColorImage>),
    /// The daily briefing, as PDF or HTML.
    Briefing { sit: Box<Situation>, region: Adcode, lang: Lang, pdf: bool },
}

impl PartialEq for ExportJob {
    /// Two jobs are equal when they would make the same file from the same data (a
    /// situation compares by its dataset, day and instant; pixels by identity).
    fn eq(&self, other: &Self) -> bool {
        let same_sit =
            |a: &Situation, b: &Situation| Arc::ptr_eq(a.dataset_arc(), b.dataset_arc()) && a.as_of() == b.as_of();
        match (self, other) {
            (ExportJob::Text(a), ExportJob::Text(b)) => a == b,
            (ExportJob::Table { sit: s1, req: r1, lang: l1 }, ExportJob::Table { sit: s2, req: r2, lang: l2 }) => {
                same_sit(s1, s2) && r1 == r2 && l1 == l2
            }
            (ExportJob::Png(a), ExportJob::Png(b)) => Arc::ptr_eq(a, b),
            (
                ExportJob::Briefing { sit: s1, region: g1, lang: l1, pdf: p1 },
                ExportJob::Briefing { sit: s2, region: g2, lang: l2, pdf: p2 },
            ) => same_sit(s1, s2) && g1 == g2 && l1 == l2 && p1 == p2,
            _ => false,
        }
    }
}

impl ExportJob {
    /// Make the file's bytes.
    fn make(&self) -> Result<Vec<u8>, String> {
        match self {
            ExportJob::Text(t) => Ok(t.clone().into_bytes()),
            ExportJob::Table { sit, req, lang } => crate::export::tables::csv(sit, req, *lang).map(String::into_bytes),
            ExportJob::Png(image) => crate::ui::screenshot::encode_png(image),
            ExportJob::Briefing { sit, region, lang, pdf } => {
                let b = crate::export::briefing::compose(sit, *region, *lang)?;
                if *pdf {
                    crate::export::briefing::pdf::render(&b)
                } else {
                    Ok(crate::export::briefing::to_html(&b).into_bytes())
                }
            }
        }
    }
}

/// What the export record says of an export, besides the file's name and hash.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportNote {
    /// `csv:subregions`, `png:board`, `briefing:pdf`, `csv:directives`…
    pub what: String,
    pub region: String,
    pub period: String,
    pub as_of: String,
    pub officer: String,
}

/// How a request ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Durably written.
    Saved(Box<JournalEvent>),
    /// Refused by the lifecycle rules (e.g. another process lifted it first).
    Refused(Problem),
    /// Could not be written (disk, damaged file); the message says what to do.
    Failed(String),
    Exported(PathBuf),
}

/// Whether the journal is open.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum JournalState {
    /// No journal for this board (tests, benchmarks).
    #[default]
    None,
    Opening,
    Ready,
    Failed(String),
}

/// What the panels know about the journal.
#[derive(Clone, Debug, Default)]
pub struct JournalStatus {
    pub state: JournalState,
    pub path: Option<PathBuf>,
    /// The real journal, or the exercise journal while the board follows an exercise.
    pub kind: JournalKind,
    /// The first bad event, when the journal failed verification on opening.
    pub integrity: Option<BadEvent>,
    /// The last request that finished, with its id.
    pub outcome: Option<(u64, Outcome)>,
}

enum Reply {
    Opened { journal: Arc<Journal>, integrity: Option<BadEvent> },
    Snapshot(Arc<Journal>),
    Done(u64, Outcome),
    OpenFailed(String),
}

/// The app's end of the worker: send requests, take in replies without blocking.
#[derive(Default)]
pub struct JournalLink {
    tx: Option<Sender<JournalRequest>>,
    rx: Option<Receiver<Reply>>,
    journal: Arc<Journal>,
    pub status: JournalStatus,
}

impl JournalLink {
    /// Start the worker on the journal of `kind` in `data_dir` (created when missing).
    pub fn spawn(data_dir: PathBuf, kind: JournalKind, waker: Waker) -> Self {
        let (req_tx, req_rx) = channel();
        let (reply_tx, reply_rx) = channel();
        let path = crate::store::journal::journal_path_of(&data_dir, kind);
        let spawned = std::thread::Builder::new()
            .name("sitboard-journal".into())
            .spawn(move || run(&data_dir, kind, &req_rx, &reply_tx, &waker));
        let state = match spawned {
            Ok(_) => JournalState::Opening,
            Err(e) => JournalState::Failed(format!("cannot start the journal thread: {e}")),
        };
        JournalLink {
            tx: Some(req_tx),
            rx: Some(reply_rx),
            journal: Arc::default(),
            status: JournalStatus { state, path: Some(path), kind, ..Default::default() },
        }
    }

    /// The journal as last read.
    pub fn journal(&self) -> Arc<Journal> {
        self.journal.clone()
    }

    pub fn send(&mut self, req: JournalRequest) {
        let id = match &req {
            JournalRequest::Append { id, .. }
            | JournalRequest::Acknowledge { id, .. }
            | JournalRequest::Export { id, .. } => *id,
        };
        let sent = self.tx.as_ref().map(|tx| tx.send(req).is_ok()).unwrap_or(false);
        if !sent {
            let why = match &self.status.state {
                JournalState::Failed(m) => m.clone(),
                _ => "the directive journal is not open".to_owned(),
            };
            self.status.outcome = Some((id, Outcome::Failed(why)));
        }
    }

    /// Take in what the worker sent. Returns the journal when it changed.
    pub fn poll(&mut self) -> Option<Arc<Journal>> {
        let rx = self.rx.as_ref()?;
        let mut changed = None;
        loop {
            match rx.try_recv() {
                Ok(Reply::Opened { journal, integrity }) => {
                    self.status.state = JournalState::Ready;
                    self.status.integrity = integrity;
                    changed = Some(journal);
                }
                Ok(Reply::Snapshot(j)) => changed = Some(j),
                Ok(Reply::Done(id, outcome)) => self.status.outcome = Some((id, outcome)),
                Ok(Reply::OpenFailed(msg)) => self.status.state = JournalState::Failed(msg),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if matches!(self.status.state, JournalState::Opening | JournalState::Ready) {
                        self.status.state = JournalState::Failed("the journal thread stopped".into());
                    }
                    self.rx = None;
                    self.tx = None;
                    break;
                }
            }
        }
        if let Some(j) = &changed {
            self.journal = j.clone();
        }
        changed
    }
}

/// Make an export, write it whole into the exports folder, and note it in the export record.
fn export(
    store: &mut JournalStore,
    data_dir: &Path,
    file_name: &str,
    job: &ExportJob,
    note: ExportNote,
) -> Result<PathBuf, String> {
    let bytes = job.make()?;
    let path = crate::export::write_into_exports(data_dir, file_name, &bytes)?;
    let record = NewExport {
        what: note.what,
        region: note.region,
        period: note.period,
        as_of: note.as_of,
        file: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        sha256: file_sha256(&bytes),
        bytes: bytes.len() as u64,
        officer: note.officer,
    };
    store
        .append_export(record, Utc::now())
        .map_err(|e| format!("{} was written but could not be noted in the export record: {e}", path.display()))?;
    Ok(path)
}

fn run(
    data_dir: &Path,
    kind: JournalKind,
    requests: &Receiver<JournalRequest>,
    replies: &Sender<Reply>,
    waker: &Waker,
) {
    let send = |r: Reply| {
        // The receiver is gone only when the app closed; nothing to do then.
        let _ = replies.send(r);
        waker.wake();
    };
    let mut store = match JournalStore::open_kind_in(data_dir, kind) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("{e}");
            send(Reply::OpenFailed(e.to_string()));
            return;
        }
    };
    let integrity = match store.verify() {
        Ok(Ok(_)) => None,
        Ok(Err(bad)) => {
            tracing::error!("the directive journal failed verification at event {}: {:?}", bad.seq, bad.reason);
            Some(bad)
        }
        Err(e) => {
            send(Reply::OpenFailed(e.to_string()));
            return;
        }
    };
    match store.load() {
        Ok(j) => send(Reply::Opened { journal: Arc::new(j), integrity }),
        Err(e) => {
            send(Reply::OpenFailed(e.to_string()));
            return;
        }
    }
    let mut version = store.data_version().unwrap_or(0);
    let reload = |store: &JournalStore| match store.load() {
        Ok(j) => send(Reply::Snapshot(Arc::new(j))),
        Err(e) => tracing::error!("{e}"),
    };
    // The outcome of a write, after the journal (so that the UI finds the event when it
    // reads "saved").
    let answer = |store: &JournalStore, id: u64, written: Result<JournalEvent, StoreError>| match written {
        Ok(ev) => {
            reload(store);
            send(Reply::Done(id, Outcome::Saved(Box::new(ev))));
        }
        Err(StoreError::Rejected(p)) => {
            reload(store);
            send(Reply::Done(id, Outcome::Refused(p)));
        }
        Err(e) => {
            tracing::error!("{e}");
            send(Reply::Done(id, Outcome::Failed(e.to_string())));
        }
    };
    loop {
        match requests.recv_timeout(Duration::from_secs(2)) {
            Ok(JournalRequest::Append { id, event, exercise_at }) => {
                let written = store.append(*event, Stamp { at: Utc::now(), exercise_at });
                answer(&store, id, written);
            }
            Ok(JournalRequest::Acknowledge { id, event, exercise_at }) => {
                let written = store.append_external_ack(*event, Stamp { at: Utc::now(), exercise_at });
                answer(&store, id, written);
            }
            Ok(JournalRequest::Export { id, file_name, job, note }) => {
                let outcome = match export(&mut store, data_dir, &file_name, &job, note) {
                    Ok(p) => {
                        reload(&store);
                        Outcome::Exported(p)
                    }
                    Err(m) => {
                        tracing::error!("export {file_name}: {m}");
                        Outcome::Failed(m)
                    }
                };
                send(Reply::Done(id, outcome));
            }
            Err(RecvTimeoutError::Timeout) => {
                // Written by another process?
                if let Ok(v) = store.data_version()
                    && v != version
                {
                    version = v;
                    reload(&store);
                }
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
}
