//! One conditional GET of a live source: `If-None-Match` / `If-Modified-Since` from the last
//! good answer (a 304 keeps the data), `?since=` for a delta where the server offers one,
//! zstd or gzip (`Accept-Encoding`), a connect timeout, a hard total deadline that
//! covers a body trickling in too slowly, and a body limit counted on the decompressed
//! bytes (so a small compressed bomb is refused too). Every failure is one sentence that
//! says what happened and, where it helps, what to check.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};

use crate::feed::source::MAX_BODY_BYTES;

/// Timeouts and the body limit of live requests (the defaults; tests make them small).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FetchLimits {
    pub connect_timeout: Duration,
    /// From the start of the request to the last byte of the body.
    pub total_timeout: Duration,
    pub max_body: u64,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits {
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(30),
            max_body: MAX_BODY_BYTES,
        }
    }
}

/// A good answer.
#[derive(Debug)]
pub enum Fetched {
    /// 304: the document we have is current.
    NotModified,
    /// 200 with a body (text, decompressed) and its validators. `delta`: the body is a
    /// delta document (an answer to `since`, see [`crate::feed::delta`]); `delta_ok`: the
    /// server answers `since` (a Sitboard hub).
    Body { text: String, etag: Option<String>, last_modified: Option<String>, bytes: u64, delta: bool, delta_ok: bool },
}

/// The HTTP client for live sources (connection pooling, gzip, timeouts).
pub fn client(limits: &FetchLimits) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .connect_timeout(limits.connect_timeout)
        .timeout(limits.total_timeout)
        .gzip(true)
        .user_agent(concat!("sitboard/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot start an HTTP client: {e}"))
}

/// What the board holds of a source: the validators of its last good answer, and whether to
/// ask for a delta from that version (`?since=`, only of a server that said it answers it).
#[derive(Clone, Copy, Debug, Default)]
pub struct Held<'a> {
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
    pub since: bool,
}

/// GET `url`, conditionally. Runs on the live runtime.
pub async fn fetch(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    held: Held<'_>,
    limits: &FetchLimits,
) -> Result<Fetched, String> {
    let work = fetch_inner(client, url, token, held, limits);
    match tokio::time::timeout(limits.total_timeout, work).await {
        Ok(r) => r,
        Err(_) => Err(timed_out(limits.total_timeout)),
    }
}

fn timed_out(total: Duration) -> String {
    format!("timed out: no complete answer within {}; the server or the network is too slow", describe_duration(total))
}

async fn fetch_inner(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    held: Held<'_>,
    limits: &FetchLimits,
) -> Result<Fetched, String> {
    let Held { etag, last_modified, since } = held;
    let mut req = match (since, etag) {
        (true, Some(tag)) => match reqwest::Url::parse(url) {
            Ok(mut u) => {
                u.query_pairs_mut().append_pair("since", tag.trim_start_matches("W/").trim_matches('"'));
                client.get(u)
            }
            Err(_) => client.get(url),
        },
        _ => client.get(url),
    };
    if let Some(t) = token {
        req = req.header(AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(e) = etag {
        req = req.header(IF_NONE_MATCH, e);
    }
    if let Some(lm) = last_modified {
        req = req.header(IF_MODIFIED_SINCE, lm);
    }
    let mut resp = req.send().await.map_err(|e| describe_error(&e, limits))?;
    let status = resp.status();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified);
    }
    if !status.is_success() {
        let hint = match status.as_u16() {
            401 | 403 => "; check the source's token",
            404 => "; check the URL",
            500..=599 => "; the server has a problem, the board will retry",
            _ => "",
        };
        return Err(format!("the server answered HTTP {status}{hint}"));
    }
    let header = |name| resp.headers().get(name).and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok());
    let new_etag = header(ETAG).map(str::to_owned);
    let new_last_modified = header(LAST_MODIFIED).map(str::to_owned);
    let content_type = header(CONTENT_TYPE).map(str::to_ascii_lowercase).unwrap_or_default();
    let is_html = content_type.contains("text/html");
    let delta = content_type.starts_with(crate::feed::delta::DELTA_CONTENT_TYPE);
    let delta_ok = resp
        .headers()
        .get(crate::feed::delta::DELTA_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("since"));
    let limit_mb = limits.max_body as f64 / (1024.0 * 1024.0);
    let too_large = || format!("the answer is larger than the {} limit; stopped reading", describe_mb(limit_mb));
    if resp.content_length().is_some_and(|n| n > limits.max_body) {
        return Err(too_large());
    }
    let mut body: Vec<u8> = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() as u64 + chunk.len() as u64 > limits.max_body {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return Err(format!("reading the answer failed: {}", describe_error(&e, limits))),
        }
    }
    let bytes = body.len() as u64;
    let text = String::from_utf8(body).map_err(|_| "the answer is not UTF-8 text; is the URL a feed?".to_owned())?;
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if is_html || head.starts_with('<') {
        return Err(format!(
            "the server sent a web page (HTML), not a feed document{}; check the URL (a proxy or login page?)",
            html_title(head).map(|t| format!(" (\"{t}\")")).unwrap_or_default()
        ));
    }
    if head.is_empty() {
        return Err("the server sent an empty answer".into());
    }
    Ok(Fetched::Body { text, etag: new_etag, last_modified: new_last_modified, bytes, delta, delta_ok })
}

/// The `<title>` of an HTML page, shortened, to help a person recognise the error page.
fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    let title: String = html.get(start..end)?.trim().chars().filter(|c| !c.is_control()).take(80).collect();
    (!title.is_empty()).then_some(title)
}

fn describe_error(e: &reqwest::Error, limits: &FetchLimits) -> String {
    if e.is_timeout() {
        if e.is_connect() {
            return format!(
                "cannot connect: no answer within {}; check the address and the network",
                describe_duration(limits.connect_timeout)
            );
        }
        return timed_out(limits.total_timeout);
    }
    if e.is_connect() {
        let root = root_cause(e);
        return format!("cannot connect to the server ({root}); is it running, and is the address right?");
    }
    if e.is_decode() {
        return format!("the answer could not be decoded ({})", root_cause(e));
    }
    if e.is_body() {
        return format!("the answer broke off ({})", root_cause(e));
    }
    root_cause(e)
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &dyn std::error::Error = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

pub fn describe_duration(d: Duration) -> String {
    if d.as_millis() < 1000 || d.subsec_millis() != 0 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{} s", d.as_secs())
    }
}

fn describe_mb(mb: f64) -> String {
    if mb >= 1.0 { format!("{mb:.0} MB") } else { format!("{:.0} KB", mb * 1024.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_units() {
        assert_eq!(html_title("<html><head><TITLE> 502 Bad Gateway </TITLE>").as_deref(), Some("502 Bad Gateway"));
        assert_eq!(html_title("<html>"), None);
        assert_eq!(describe_duration(Duration::from_secs(30)), "30 s");
        assert_eq!(describe_duration(Duration::from_millis(300)), "300 ms");
        assert_eq!(describe_mb(64.0), "64 MB");
        assert_eq!(describe_mb(0.0625), "64 KB");
    }
}
