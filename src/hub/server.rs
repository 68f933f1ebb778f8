//! The hub's HTTP routes: `GET /v1/feed` (the merged document; strong ETag, 304 on
//! `If-None-Match` or `If-Modified-Since`, gzip when the client accepts it) and
//! `GET /v1/health` (JSON status); `POST /v1/directives/events` is in [`super::directives`].
//! Unknown paths get a JSON 404 that names the routes.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde_json::json;

use super::{Published, Shared};

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/feed", get(feed))
        .route("/v1/health", get(health))
        .route("/v1/directives/events", axum::routing::post(super::directives::post_event))
        .fallback(not_found)
        .with_state(shared)
}

async fn feed(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    shared.feed_requests.fetch_add(1, Ordering::Relaxed);
    let p = shared.published();
    let gzip = accepts_gzip(&headers) && !p.gzip.is_empty();
    let etag = if gzip { p.etag_gzip() } else { p.etag() };
    let last_modified = http_date(p.generated_at);
    let mut h = HeaderMap::new();
    insert(&mut h, header::ETAG, &etag);
    insert(&mut h, header::LAST_MODIFIED, &last_modified);
    insert(&mut h, header::CACHE_CONTROL, "no-cache");
    insert(&mut h, header::VARY, "Accept-Encoding");
    if not_modified(&headers, &p) {
        shared.not_modified.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::NOT_MODIFIED, h).into_response();
    }
    insert(&mut h, header::CONTENT_TYPE, "application/json; charset=utf-8");
    let body = if gzip {
        insert(&mut h, header::CONTENT_ENCODING, "gzip");
        p.gzip.clone()
    } else {
        p.body.clone()
    };
    (StatusCode::OK, h, Body::from(body)).into_response()
}

/// `If-None-Match` (weak comparison, as RFC 9110 asks for it; either encoding's tag) wins
/// over `If-Modified-Since`.
fn not_modified(headers: &HeaderMap, p: &Published) -> bool {
    if let Some(inm) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        let ours = [p.etag(), p.etag_gzip()];
        return inm.split(',').map(str::trim).any(|t| t == "*" || ours.iter().any(|o| t.trim_start_matches("W/") == o));
    }
    if let Some(ims) = headers.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok())
        && let Ok(since) = DateTime::parse_from_rfc2822(ims)
    {
        return p.generated_at.timestamp() <= since.timestamp();
    }
    false
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    let Some(ae) = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else { return false };
    ae.split(',').any(|part| {
        let mut it = part.split(';').map(str::trim);
        let coding = it.next().unwrap_or("");
        let refused = it.any(|p| p.replace(' ', "").trim_start_matches("q=").parse::<f32>().is_ok_and(|q| q == 0.0));
        coding.eq_ignore_ascii_case("gzip") && !refused
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
        "problems": problems,
        "demo": demo,
        "uptime_s": shared.started.elapsed().as_secs(),
        "requests": {
            "feed": shared.feed_requests.load(Ordering::Relaxed),
            "not_modified": shared.not_modified.load(Ordering::Relaxed),
        },
        "tokens": shared.tokens.as_ref().map(|t| t.len()),
        "journal": shared.journal.as_ref().map(|j| json!({
            "path": j.path.display().to_string(),
            "events": shared.journal_events.load(Ordering::Relaxed),
        })),
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

async fn not_found(uri: axum::http::Uri) -> Response {
    let body = json!({
        "error": format!("not found: {}; the hub serves GET /v1/feed, GET /v1/health and POST /v1/directives/events", uri.path()),
    });
    (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_negotiation() {
        let mut h = HeaderMap::new();
        assert!(!accepts_gzip(&h));
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("br, gzip"));
        assert!(accepts_gzip(&h));
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip;q=0, br"));
        assert!(!accepts_gzip(&h));
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("GZIP; q=0.5"));
        assert!(accepts_gzip(&h));
    }

    #[test]
    fn http_dates_round_trip() {
        let t = DateTime::parse_from_rfc3339("2026-11-23T14:36:28Z").unwrap().to_utc();
        let s = http_date(t);
        assert_eq!(s, "Mon, 23 Nov 2026 14:36:28 GMT");
        assert_eq!(DateTime::parse_from_rfc2822(&s).unwrap().to_utc(), t);
    }
}
