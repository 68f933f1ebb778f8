//! Directive events from desktops: `POST /v1/directives/events` with `Authorization: Bearer
//! TOKEN` and an `Idempotency-Key`, written to the hub's own directive journal (the same
//! SQLite journal and hash chain as a desktop's, `store::journal`), then published to every
//! board in the `directives` section of `/v1/feed`.
//!
//! Answers: 201 written now, 200 a retry of a request already written (the same event as
//! then) or an acknowledgment for a unit acknowledged before (the first one stands; nothing
//! written), 401 no bearer token, 403 a token this hub does not know or revoked, or an
//! officer whose role or scope does not allow the event (`{"error", "refusal", "region"}`,
//! noted in the audit record; see `model::officer`), 413 a body over 256 KB,
//! 408 a body that does not arrive within 30 s, 415 a body not sent as `Content-Type: application/json`, 422 an event that breaks the
//! rules (text, regions, lifecycle, a reused key) or names another officer than the token's
//! (the token's officer is the author, full stop), 400 a body that is not JSON or a missing
//! key. A refused request writes nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::Shared;
use super::merge::HubRows;
use super::officers::{OfficerBook, refusal_sentence};
use crate::export::journal_feed::feed_row;
use crate::i18n::Lang;
use crate::model::journal::{AuditEvent, EventKind, Journal, JournalEvent, NewEvent, Problem, Stamp};
use crate::model::journal_wire::WireEvent;
use crate::model::officer::{Officer, OfficerRole, Refusal};
use crate::model::{Adcode, RegionRegistry};
use crate::store::outbox::AppendOnce;
use crate::store::{JournalKind, JournalStore};

/// Largest request body accepted.
pub const MAX_EVENT_BYTES: usize = 256 * 1024;
/// Longest `Idempotency-Key`.
const MAX_KEY_CHARS: usize = 200;

/// The hub's directive journal: the file, and the directives it holds as feed rows, kept
/// up to date event by event (a POST costs the same on an empty journal as on one of 100,000
/// events: the journal is read once, when the hub starts).
pub(crate) struct HubJournal {
    store: Mutex<Writer>,
    registry: RegionRegistry,
    pub(crate) path: PathBuf,
}

/// The journal file and what has been published of it, behind one lock: an event is
/// written and applied to the published rows in the order of the file.
struct Writer {
    store: JournalStore,
    journal: Journal,
    /// Where each issued directive's row is in the published rows.
    rows_at: HashMap<(String, String), usize>,
}

impl HubJournal {
    /// Open (or create) the journal, verify its chain, and read it once: the published
    /// rows of its directives go into `rows`.
    pub(crate) fn open(dir: &Path, kind: JournalKind, rows: &mut HubRows) -> Result<HubJournal, String> {
        let store = JournalStore::open_kind_in(dir, kind).map_err(|e| format!("the hub's directive journal: {e}"))?;
        match store.verify() {
            Ok(Ok(v)) => {
                tracing::info!("directive journal {}: {} events, chain verified", store.path().display(), v.events)
            }
            Ok(Err(bad)) => {
                return Err(format!(
                    "the hub's directive journal {} fails verification at event {} ({:?}); it was left \
                     untouched: restore it from a backup",
                    store.path().display(),
                    bad.seq,
                    bad.reason
                ));
            }
            Err(e) => return Err(format!("the hub's directive journal: {e}")),
        }
        let registry = crate::feed::registry::bundled()?;
        let path = store.path().to_path_buf();
        let journal = store.load().map_err(|e| format!("the hub's directive journal: {e}"))?;
        let mut rows_at = HashMap::new();
        rows.directives.clear();
        for r in journal.issued() {
            rows_at.insert((r.issuer().to_owned(), r.number().to_owned()), rows.directives.len());
            rows.directives.push(Arc::new(feed_row(r)));
        }
        Ok(HubJournal { store: Mutex::new(Writer { store, journal, rows_at }), registry, path })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Writer> {
        match self.store.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Events in the journal.
    pub(crate) fn events(&self) -> usize {
        self.lock().journal.event_count()
    }
}

impl Writer {
    /// A newly written event: update the one directive's row in the published rows.
    fn publish(&mut self, e: JournalEvent, rows: &Mutex<HubRows>) {
        let key = (e.event.issuer.clone(), e.event.number.clone());
        if let Err(p) = self.journal.apply(e) {
            // The journal checked the event under the same lock; this cannot differ.
            tracing::error!("the hub's published directives skip an event the journal took: {p:?}");
            return;
        }
        let Some(record) = self.journal.record(&key.0, &key.1).filter(|r| r.issued_at.is_some()) else { return };
        let row = Arc::new(feed_row(record));
        let mut extra = match rows.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        match self.rows_at.get(&key) {
            Some(&i) if i < extra.directives.len() => extra.directives[i] = row,
            _ => {
                self.rows_at.insert(key, extra.directives.len());
                extra.directives.push(row);
            }
        }
        extra.version += 1;
    }
}

/// What the writer did with an event.
enum Outcome {
    Appended(Box<AppendOnce>),
    /// An acknowledgment for a unit that has one: nothing written (the first one stands).
    AlreadyAcknowledged(Box<JournalEvent>),
    Refused(Refusal, String),
}

/// Whether the officer may write the event.
enum Permit {
    Write,
    AlreadyAcknowledged(Box<JournalEvent>),
    Refused(Refusal),
}

/// 403 with the refusal's name and region (nothing was written; the audit record has it).
fn refused(refusal: &Refusal, message: String) -> Response {
    let mut body = json!({"error": message, "refusal": refusal.wire_name()});
    if let Some(r) = refusal.region() {
        body["region"] = json!(r.value());
    }
    answer(StatusCode::FORBIDDEN, body)
}

impl Writer {
    /// The rules of `model::officer`, applied to an event against the journal's directives:
    /// issue (and draft) within scope; amend, lift or revoke as the issuer or above (an
    /// amendment's new scope within scope too); acknowledge for an addressed unit within
    /// scope, once per unit. An event the lifecycle refuses (no such directive, say) passes
    /// here and is refused by the journal (422).
    fn permitted(&self, registry: &RegionRegistry, book: &OfficerBook, officer: &Officer, e: &NewEvent) -> Permit {
        // A view-only token never writes, whatever it asks.
        if officer.role == OfficerRole::View {
            return Permit::Refused(Refusal::ViewOnly);
        }
        let record = self.journal.record(&e.issuer, &e.number);
        let check = match e.kind {
            EventKind::Drafted | EventKind::Issued => {
                let scope = e.content.as_ref().map(|c| c.scope.as_slice()).unwrap_or_default();
                // Issuing a draft is a change of that draft too.
                match record {
                    Some(r) => {
                        self.may_change(registry, book, officer, r).and_then(|()| officer.may_issue(registry, scope))
                    }
                    None => officer.may_issue(registry, scope),
                }
            }
            EventKind::Amended | EventKind::Lifted | EventKind::Revoked => match record {
                None => Ok(()),
                Some(r) => self.may_change(registry, book, officer, r).and_then(|()| match &e.content {
                    Some(c) => officer.may_issue(registry, &c.scope),
                    None => Ok(()),
                }),
            },
            EventKind::Acknowledged => {
                let (Some(r), Some(unit)) = (record, e.unit.as_deref().and_then(|u| u.trim().parse::<Adcode>().ok()))
                else {
                    return Permit::Write;
                };
                if let Err(refusal) = officer.may_acknowledge(registry, &r.content.scope, unit) {
                    return Permit::Refused(refusal);
                }
                let unit = unit.to_string();
                if let Some(first) = r.acknowledgments.iter().find(|a| a.unit == unit)
                    && let Some(ev) = r.events.iter().find(|ev| ev.seq == first.seq)
                {
                    return Permit::AlreadyAcknowledged(Box::new(ev.clone()));
                }
                Ok(())
            }
        };
        match check {
            Ok(()) => Permit::Write,
            Err(refusal) => Permit::Refused(refusal),
        }
    }

    /// May the officer change a directive: they issued it, or they are above its issuer. An
    /// issuer the hub does not know (an entry removed from the tokens file) stands for the
    /// directive's own scope.
    fn may_change(
        &self,
        registry: &RegionRegistry,
        book: &OfficerBook,
        officer: &Officer,
        r: &crate::model::journal::DirectiveRecord,
    ) -> Result<(), Refusal> {
        let issuer_id = r.events.first().map(|e| e.event.officer.as_str()).unwrap_or_default();
        let issuer = book.officer(issuer_id).unwrap_or_else(|| Officer {
            id: issuer_id.to_owned(),
            name: issuer_id.to_owned(),
            unit: r.issuer().to_owned(),
            scope: r.content.scope.clone(),
            role: OfficerRole::Issue,
        });
        officer.may_change(registry, &issuer)
    }
}

fn answer(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    answer(status, json!({ "error": message.into() }))
}

fn event_json(status: &str, e: &JournalEvent) -> Value {
    json!({
        "status": status,
        "seq": e.seq,
        "at": e.at.to_rfc3339(),
        "hash": e.hash,
        "prev_hash": e.prev_hash,
        "officer": e.event.officer,
        "kind": e.event.kind.wire_name(),
        "number": e.event.number,
        "issuer": e.event.issuer,
    })
}

/// How much of an oversized request body is read and discarded before answering 413 (past
/// this the hub answers anyway and closes the connection).
const MAX_DRAIN_BYTES: usize = 8 * 1024 * 1024;

/// The body, when it is at most `limit` bytes; `None` for a larger one (read on, and thrown
/// away, up to `drain` bytes in all) or one that breaks off.
async fn read_bounded(mut body: Body, limit: usize, drain: usize) -> Option<Vec<u8>> {
    use http_body_util::BodyExt as _;
    let mut out = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { return None };
        if let Some(data) = frame.data_ref() {
            seen += data.len();
            if seen <= limit {
                out.extend_from_slice(data);
            } else if seen > drain {
                return None;
            }
        }
    }
    (seen <= limit).then_some(out)
}

/// Whether the request says its body is JSON (`application/json`, any parameters).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

pub(crate) async fn post_event(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let headers = req.headers().clone();
    // Who is asking, before reading anything else.
    let officer = match super::server::authorize(&shared, &headers, "a directive event") {
        Ok(Some(o)) => o,
        Ok(None) => {
            return error(
                StatusCode::FORBIDDEN,
                "this hub takes no directive events: it has no officers (add them with `sitboard-hub officer add`)",
            );
        }
        Err(r) => return *r,
    };
    let Some(journal) = shared.journal.clone() else {
        return error(StatusCode::SERVICE_UNAVAILABLE, "this hub has no directive journal open");
    };
    if !is_json(&headers) {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "the event must be sent as `Content-Type: application/json` (got {}); nothing was written",
                headers
                    .get(header::CONTENT_TYPE)
                    .map(|v| format!("{:?}", String::from_utf8_lossy(v.as_bytes())))
                    .unwrap_or_else(|| "none".into())
            ),
        );
    }
    let key = match headers.get("idempotency-key").map(|v| v.to_str().map(str::trim)) {
        Some(Ok(k)) if !k.is_empty() && k.len() <= MAX_KEY_CHARS && k.bytes().all(|b| b.is_ascii_graphic()) => {
            k.to_owned()
        }
        Some(_) => {
            return error(StatusCode::BAD_REQUEST, "Idempotency-Key must be 1–200 visible ASCII characters");
        }
        None => {
            return error(
                StatusCode::BAD_REQUEST,
                "no Idempotency-Key header: send one per event (the same on every retry of it)",
            );
        }
    };
    // An oversized event is read to the end (up to a bound) and discarded before the 413, so
    // that a client still sending sees the answer rather than a connection reset.
    let too_large = || {
        let mut r = error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the event is larger than {} KB; nothing was written", MAX_EVENT_BYTES / 1024),
        );
        r.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
        r
    };
    let body_timeout = shared.config.limits.body_timeout;
    let read = tokio::time::timeout(body_timeout, read_bounded(req.into_body(), MAX_EVENT_BYTES, MAX_DRAIN_BYTES));
    let Ok(read) = read.await else {
        let mut r = error(
            StatusCode::REQUEST_TIMEOUT,
            format!("the event did not arrive within {} s; nothing was written", body_timeout.as_secs_f64()),
        );
        r.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
        return r;
    };
    let Some(bytes) = read else { return too_large() };
    let wire: WireEvent = match serde_json::from_slice(&bytes) {
        Ok(w) => w,
        Err(e) => {
            let status = if e.classify() == serde_json::error::Category::Data {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::BAD_REQUEST
            };
            return error(status, format!("not a directive event: {e}; nothing was written"));
        }
    };
    let now = Utc::now();
    let words = &Lang::En.tr().journal;
    if let Err(problems) = wire.check(&journal.registry, now) {
        let list: Vec<String> = problems.iter().map(|p| words.problem(p)).collect();
        return answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": format!("the event was refused: {}", list.join("; ")), "problems": list}),
        );
    }
    // An acknowledgment names the acknowledging unit by its region code (`"230104"`): the
    // units a directive addresses are its scope regions.
    if wire.kind == EventKind::Acknowledged
        && let Some(unit) = wire.unit.as_deref()
        && unit.trim().parse::<Adcode>().is_err()
    {
        let msg = format!(
            "unit {unit:?} is not a region code: an acknowledgment names the acknowledging unit by its 6-digit region \
             code (one of the directive's scope regions); nothing was written"
        );
        return answer(StatusCode::UNPROCESSABLE_ENTITY, json!({"error": msg, "problems": [msg]}));
    }
    let digest: String = match serde_json::to_vec(&wire) {
        Ok(v) => Sha256::digest(&v).iter().map(|b| format!("{b:02x}")).collect(),
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot read the event: {e}")),
    };
    // In a live demo (an exercise) the hub stamps its own exercise clock; an exercise
    // record never enters a real journal, nor a real one an exercise journal.
    let exercise_now = shared.exercise_now();
    if exercise_now.is_some() != wire.exercise_at.is_some() {
        let msg = words.problem(&Problem::ExerciseMix { exercise: wire.exercise_at.is_some() });
        return answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": format!("the event was refused: {msg}"), "problems": [msg]}),
        );
    }
    let stamp = Stamp { at: now, exercise_at: exercise_now };
    let event = match wire.to_event(&officer.id) {
        Ok(e) => e,
        Err(declared) => {
            let id = &officer.id;
            let msg = format!(
                "the event names officer {declared:?}, but the token is {id:?}'s: an officer logs events \
                 only in their own name (log it as {id:?}); nothing was written"
            );
            tracing::warn!("refused a directive event: {msg}");
            return answer(StatusCode::UNPROCESSABLE_ENTITY, json!({"error": msg, "problems": [msg]}));
        }
    };
    let task_journal = journal.clone();
    let task_key = key.clone();
    let task_shared = shared.clone();
    let task_officer = officer.clone();
    let result = tokio::task::spawn_blocking(move || {
        let mut w = task_journal.lock();
        // The officer's role and scope, against the directive as the journal holds it now
        // (under the writer's lock: nothing changes it between the check and the write).
        match w.permitted(&task_journal.registry, &task_shared.officers, &task_officer, &event) {
            Permit::Write => {}
            Permit::AlreadyAcknowledged(e) => return Ok(Outcome::AlreadyAcknowledged(e)),
            Permit::Refused(refusal) => {
                let message = refusal_sentence(&refusal, &task_officer);
                task_shared.officers.note_refusal(
                    &AuditEvent::Refused {
                        officer: task_officer.id.clone(),
                        action: event.kind,
                        issuer: event.issuer.clone(),
                        number: event.number.clone(),
                        refusal: refusal.wire_name().to_owned(),
                        region: refusal.region().map(Adcode::value),
                        message: message.clone(),
                    },
                    Utc::now(),
                );
                return Ok(Outcome::Refused(refusal, message));
            }
        }
        let outcome = w.store.append_once(&task_key, &digest, event, stamp);
        if let Ok(AppendOnce::New(e)) = &outcome {
            w.publish(e.clone(), &task_shared.extra);
            task_shared.journal_events.store(w.journal.event_count() as u64, std::sync::atomic::Ordering::Relaxed);
        }
        outcome.map(|o| Outcome::Appended(Box::new(o)))
    })
    .await;
    let outcome = match result {
        Ok(Ok(Outcome::Appended(o))) => *o,
        Ok(Ok(Outcome::AlreadyAcknowledged(e))) => {
            tracing::info!(
                "directive journal: {} acknowledged {} {} for a unit acknowledged before (event {}); nothing written",
                officer.id,
                e.event.issuer,
                e.event.number,
                e.seq
            );
            return answer(StatusCode::OK, event_json("already_acknowledged", &e));
        }
        Ok(Ok(Outcome::Refused(refusal, message))) => {
            tracing::warn!("refused a directive event of {}: {message}", officer.id);
            return refused(&refusal, message);
        }
        Ok(Err(crate::store::StoreError::Rejected(p))) => {
            let msg = words.problem(&p);
            return answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"error": format!("the event was refused: {msg}"), "problems": [msg]}),
            );
        }
        Ok(Err(e)) => {
            tracing::error!("{e}");
            return error(StatusCode::INTERNAL_SERVER_ERROR, format!("the hub could not write its journal: {e}"));
        }
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, format!("the hub's journal writer stopped: {e}")),
    };
    match outcome {
        AppendOnce::New(e) => {
            tracing::info!(
                "directive journal: event {} ({} {} {}) by {}",
                e.seq,
                e.event.kind.wire_name(),
                e.event.issuer,
                e.event.number,
                officer.id
            );
            shared.refresh.notify_one();
            answer(StatusCode::CREATED, event_json("created", &e))
        }
        AppendOnce::Replay(e) => answer(StatusCode::OK, event_json("replay", &e)),
        AppendOnce::KeyConflict { seq } => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("Idempotency-Key {key:?} was used for another event (event {seq}); use a new key per event"),
        ),
    }
}
