//! The hub's HTTP server and routes: `GET /v1/feed` (the merged document; strong ETag, 304
//! on `If-None-Match` or `If-Modified-Since`, zstd or gzip when the client accepts it, and
//! the delta form `?since=TAG`; a token when the hub has officers), `GET /v1/health` (JSON
//! status), `GET /v1/whoami` (the officer of the bearer token);
//! `POST /v1/directives/events` is in [`super::directives`]. Unknown paths get a JSON 404
//! that names the routes.
//!
//! Connections are hyper's HTTP/1 with a header-read timeout (a client trickling its
//! headers, or idle past it, is closed) and a bound on open connections; full bodies are
//! sent from the published version's shared bytes, at most `max_full_responses` at once.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::json;
use tokio::sync::OwnedSemaphorePermit;

use super::officers::Auth;
use super::{Published, Shared};
use crate::feed::delta::{DELTA_CONTENT_TYPE, DELTA_HEADER};
use crate::model::officer::Officer;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/feed", get(feed))
        .route("/v1/health", get(health))
        .route("/v1/whoami", get(whoami))
        .route("/v1/directives/events", axum::routing::post(super::directives::post_event))
        .fallback(not_found)
        .with_state(shared)
}

/// Accept connections until `stop`, each served on its own task; at most
/// `limits.max_connections` open at once. On `stop` the port closes at once and open
/// connections get up to a second to finish the answer they are sending.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    stop: tokio::sync::oneshot::Receiver<()>,
) {
    let limits = shared.config.limits;
    let app = router(shared);
    let open = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    let (closing_tx, closing) = tokio::sync::watch::channel(false);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    let builder = Arc::new(builder);
    let mut stop = stop;
    loop {
        let permit = tokio::select! {
            p = open.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = &mut stop => break,
        };
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors, or the peer left before we took it: go on.
                    tracing::warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let builder = builder.clone();
        let mut closing = closing.clone();
        tokio::spawn(async move {
            let conn = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!("connection closed: {e}");
                    }
                }
                _ = closing.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), conn).await;
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    let all = u32::try_from(limits.max_connections.max(1)).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), open.acquire_many(all)).await;
}

/// Content codings the hub sends, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Coding {
    Zstd,
    Gzip,
    Identity,
}

/// The bearer token of a request, if it carries one.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

fn json_error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

/// Who asks: `Ok(None)` on an open hub (no officers, no tokens), `Ok(Some(officer))` for a
/// valid token; else the answer to send (401 no token, 403 unknown or revoked). `what` says
/// what the token is needed for.
pub(crate) fn authorize(shared: &Shared, headers: &HeaderMap, what: &str) -> Result<Option<Officer>, Box<Response>> {
    match shared.officers.authenticate(bearer(headers), Utc::now()) {
        Auth::Open => Ok(None),
        Auth::Officer(o) => Ok(Some(o)),
        Auth::NoToken => {
            let mut r = json_error(
                StatusCode::UNAUTHORIZED,
                &format!("no bearer token: {what} needs `Authorization: Bearer TOKEN` (an officer's token)"),
            );
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            Err(Box::new(r))
        }
        Auth::Unknown => {
            tracing::warn!("refused a request: unknown token");
            Err(Box::new(json_error(
                StatusCode::FORBIDDEN,
                "the token is not one of this hub's tokens (revoked, or mistyped)",
            )))
        }
        Auth::Revoked(id) => {
            tracing::warn!("refused a request: {id}'s token was revoked");
            Err(Box::new(json_error(StatusCode::FORBIDDEN, &format!("the token of officer {id} was revoked"))))
        }
    }
}

/// `GET /v1/whoami`: the officer of the bearer token (404 on an open hub).
async fn whoami(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if bearer(&headers).is_none() && shared.officers.is_open() {
        return json_error(StatusCode::NOT_FOUND, "this hub has no officers: it is open");
    }
    match authorize(&shared, &headers, "whoami") {
        Ok(Some(o)) => (StatusCode::OK, axum::Json(o)).into_response(),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "this hub has no officers: it is open"),
        Err(r) => *r,
    }
}

async fn feed(State(shared): State<Arc<Shared>>, headers: HeaderMap, uri: Uri) -> Response {
    if let Err(r) = authorize(&shared, &headers, "the feed") {
        return *r;
    }
    shared.feed_requests.fetch_add(1, Ordering::Relaxed);
    let p = shared.published();
    let coding = match accepted_coding(&headers) {
        Coding::Zstd if !p.zstd.is_empty() => Coding::Zstd,
        Coding::Zstd | Coding::Gzip if !p.gzip.is_empty() => Coding::Gzip,
        _ => Coding::Identity,
    };
    let etag = match coding {
        Coding::Zstd => p.etag_zstd(),
        Coding::Gzip => p.etag_gzip(),
        Coding::Identity => p.etag(),
    };
    let last_modified = http_date(p.generated_at);
    let mut h = HeaderMap::new();
    insert(&mut h, header::ETAG, &etag);
    insert(&mut h, header::LAST_MODIFIED, &last_modified);
    insert(&mut h, header::CACHE_CONTROL, "no-cache");
    insert(&mut h, header::VARY, "Accept-Encoding");
    h.insert(DELTA_HEADER, HeaderValue::from_static("since"));
    if not_modified(&headers, &p) {
        shared.not_modified.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::NOT_MODIFIED, h).into_response();
    }
    // A board that holds an earlier version: what changed since, when the hub has it.
    if let Some(since) = since_param(&uri) {
        if since == p.tag {
            shared.not_modified.fetch_add(1, Ordering::Relaxed);
            return (StatusCode::NOT_MODIFIED, h).into_response();
        }
        if let Some(d) = p.delta(&since) {
            shared.deltas_sent.fetch_add(1, Ordering::Relaxed);
            // The ETag names the version the board holds once it applied the delta.
            insert(&mut h, header::ETAG, &p.etag());
            insert(&mut h, header::CONTENT_TYPE, DELTA_CONTENT_TYPE);
            let body = if accepts(&headers, "gzip") && !d.gzip.is_empty() && d.gzip.len() < d.body.len() {
                insert(&mut h, header::CONTENT_ENCODING, "gzip");
                d.gzip.clone()
            } else {
                d.body.clone()
            };
            return (StatusCode::OK, h, Body::from(body)).into_response();
        }
    }
    // The full body: shared bytes (a clone is a reference count), a bounded number at once.
    let wait = shared.config.limits.full_wait;
    let permit = match tokio::time::timeout(wait, shared.full_slots.clone().acquire_owned()).await {
        Ok(Ok(permit)) => permit,
        _ => {
            shared.busy.fetch_add(1, Ordering::Relaxed);
            insert(&mut h, header::RETRY_AFTER, "1");
            let body = json!({"error": "the hub is sending as many full feeds as it may at once; retry in a second"});
            return (StatusCode::SERVICE_UNAVAILABLE, h, axum::Json(body)).into_response();
        }
    };
    insert(&mut h, header::CONTENT_TYPE, "application/json; charset=utf-8");
    let bytes = match coding {
        Coding::Zstd => {
            insert(&mut h, header::CONTENT_ENCODING, "zstd");
            p.zstd.clone()
        }
        Coding::Gzip => {
            insert(&mut h, header::CONTENT_ENCODING, "gzip");
            p.gzip.clone()
        }
        Coding::Identity => p.body.clone(),
    };
    (StatusCode::OK, h, Body::new(PermitBody { data: bytes, _permit: permit })).into_response()
}

/// A full body that holds its sending slot until it is sent (or the client is gone): the
/// shared bytes go out in slices (no copy), so that hyper asks for the next one only as the
/// client reads, and the slot is given back with the last one.
struct PermitBody {
    data: Bytes,
    _permit: OwnedSemaphorePermit,
}

/// Bytes handed to hyper at a time.
const SLICE: usize = 64 * 1024;

impl http_body::Body for PermitBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        if self.data.is_empty() {
            return Poll::Ready(None);
        }
        let n = self.data.len().min(SLICE);
        let slice = self.data.split_to(n);
        Poll::Ready(Some(Ok(http_body::Frame::data(slice))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_empty()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.data.len() as u64)
    }
}

/// The version a board holds, from `?since=TAG` (its ETag, with or without quotes, of any
/// encoding).
fn since_param(uri: &Uri) -> Option<String> {
    let q = uri.query()?;
    let v = q.split('&').find_map(|kv| kv.strip_prefix("since="))?;
    let v = v.replace("%22", "").replace("%2F", "/").replace("%2f", "/");
    let v = v.trim().trim_start_matches("W/").trim_matches('"');
    let v = v.strip_suffix("-gz").or_else(|| v.strip_suffix("-zst")).unwrap_or(v);
    (!v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_hexdigit())).then(|| v.to_owned())
}

/// `If-None-Match` (weak comparison, as RFC 9110 asks for it; any encoding's tag) wins over
/// `If-Modified-Since`.
fn not_modified(headers: &HeaderMap, p: &Published) -> bool {
    if let Some(inm) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        let ours = [p.etag(), p.etag_gzip(), p.etag_zstd()];
        return inm.split(',').map(str::trim).any(|t| t == "*" || ours.iter().any(|o| t.trim_start_matches("W/") == o));
    }
    if let Some(ims) = headers.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok())
        && let Ok(since) = DateTime::parse_from_rfc2822(ims)
    {
        return p.generated_at.timestamp() <= since.timestamp();
    }
    false
}

/// The best coding the client accepts: zstd, then gzip.
fn accepted_coding(headers: &HeaderMap) -> Coding {
    if accepts(headers, "zstd") {
        Coding::Zstd
    } else if accepts(headers, "gzip") {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// Whether `Accept-Encoding` names a coding (`q=0` refuses it).
fn accepts(headers: &HeaderMap, name: &str) -> bool {
    let Some(ae) = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else { return false };
    ae.split(',').any(|part| {
        let mut it = part.split(';').map(str::trim);
        let coding = it.next().unwrap_or("");
        let refused = it.any(|p| p.replace(' ', "").trim_start_matches("q=").parse::<f32>().is_ok_and(|q| q == 0.0));
        coding.eq_ignore_ascii_case(name) && !refused
    })
}

fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn insert(h: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        h.insert(name, v);
    }
}

async fn health(State(shared): State<Arc<Shared>>) -> Response {
    let p = shared.published();
    let now = std::time::Instant::now();
    let demo = shared.clock.as_ref().map(|c| {
        json!({
            "day": c.day(now).to_string(),
            "day_index": c.index(now),
            "days": c.days().len(),
            "seconds_per_day": c.per_day().as_secs_f64(),
            "next_day_in_s": c.next_change(now).saturating_duration_since(now).as_secs_f64(),
        })
    });
    let problems = shared.problems.lock().map(|g| g.clone()).unwrap_or_default();
    let body = json!({
        "status": "ok",
        "hub": concat!("sitboard-hub ", env!("CARGO_PKG_VERSION")),
        "schema": super::merge::SCHEMA_MERGED,
        "etag": p.etag(),
        "as_of": p.as_of.to_rfc3339(),
        "generated_at": p.generated_at.to_rfc3339(),
        "documents": p.documents,
        "rows": p.rows,
        "bytes": p.body.len(),
        "gzip_bytes": p.gzip.len(),
        "zstd_bytes": p.zstd.len(),
        "deltas_from": p.delta_sources().len(),
        "problems": problems,
        "demo": demo,
        "uptime_s": shared.started.elapsed().as_secs(),
        "requests": {
            "feed": shared.feed_requests.load(Ordering::Relaxed),
            "not_modified": shared.not_modified.load(Ordering::Relaxed),
            "deltas": shared.deltas_sent.load(Ordering::Relaxed),
            "busy": shared.busy.load(Ordering::Relaxed),
        },
        "officers": {
            "open": shared.officers.is_open(),
            "known": shared.officers.counts().0,
            "tokens_file": shared.officers.counts().1,
        },
        "journal": shared.journal.as_ref().map(|j| json!({
            "path": j.path.display().to_string(),
            "events": shared.journal_events.load(Ordering::Relaxed),
        })),
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

async fn not_found(uri: axum::http::Uri) -> Response {
    let body = json!({
        "error": format!("not found: {}; the hub serves GET /v1/feed, GET /v1/health, GET /v1/whoami and POST /v1/directives/events", uri.path()),
    });
    (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coding_negotiation() {
        let mut h = HeaderMap::new();
        assert_eq!(accepted_coding(&h), Coding::Identity);
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("br, gzip"));
        assert_eq!(accepted_coding(&h), Coding::Gzip);
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip;q=0, br"));
        assert_eq!(accepted_coding(&h), Coding::Identity);
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("GZIP; q=0.5"));
        assert_eq!(accepted_coding(&h), Coding::Gzip);
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip, zstd"));
        assert_eq!(accepted_coding(&h), Coding::Zstd);
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip, zstd;q=0"));
        assert_eq!(accepted_coding(&h), Coding::Gzip);
    }

    #[test]
    fn since_takes_any_form_of_the_etag() {
        let tag = "0123456789abcdef0123456789abcdef";
        for q in [format!("since={tag}"), format!("a=1&since=%22{tag}-gz%22"), format!("since=W%2F%22{tag}-zst%22")] {
            let uri: Uri = format!("/v1/feed?{q}").parse().unwrap();
            assert_eq!(since_param(&uri).as_deref(), Some(tag), "{q}");
        }
        assert_eq!(since_param(&"/v1/feed?since=%3Cscript%3E".parse().unwrap()), None);
        assert_eq!(since_param(&"/v1/feed".parse().unwrap()), None);
    }

    #[test]
    fn http_dates_round_trip() {
        let t = DateTime::parse_from_rfc3339("2026-11-23T14:36:28Z").unwrap().to_utc();
        let s = http_date(t);
        assert_eq!(s, "Mon, 23 Nov 2026 14:36:28 GMT");
        assert_eq!(DateTime::parse_from_rfc2822(&s).unwrap().to_utc(), t);
    }
}
