//! The hub under load and hostile clients (issue 15), in process on loopback, every wait
//! bounded: full answers are the published bytes, pre-compressed (zstd, gzip), a bounded
//! number at once (503 with `Retry-After` past it); a board holding an older version gets a
//! delta (`?since=`), and the board's feed client uses it; the published directives follow
//! the journal event by event, as a restarted hub reads them; a client trickling its headers
//! is closed, and open connections are bounded.

mod live_common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use live_common::*;
use serde_json::{Value, json};
use sitboard::feed::delta::{DELTA_CONTENT_TYPE, apply};
use sitboard::hub::{self, HubConfig, HubHandle, HubLimits};

fn hub_with(data: &Path, journal: Option<(&Path, &Path)>, limits: HubLimits) -> HubHandle {
    let mut cfg = HubConfig::new(data, "127.0.0.1:0");
    cfg.rescan = Duration::from_millis(50);
    cfg.limits = limits;
    if let Some((tokens, dir)) = journal {
        cfg.tokens = Some(tokens.to_path_buf());
        cfg.journal_dir = Some(dir.to_path_buf());
    }
    hub::start(cfg).expect("hub starts")
}

/// A client that decompresses nothing by itself (the test reads the codings).
fn raw_client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .gzip(false)
        .zstd(false)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

fn issued(number: &str) -> Value {
    json!({
        "kind": "issued", "issuer": "哈尔滨市指挥部", "number": number, "officer": "officer.a",
        "content": {"number": number, "issuer": "哈尔滨市指挥部", "title": "交通管制", "body": "",
                    "category": "traffic_control", "scope": ["230100"], "effective_from": null,
                    "effective_until": null, "priority": "high"},
        "local_seq": 1, "local_at": "2026-01-01T00:00:00Z", "local_hash": "ab"
    })
}

fn other_event(kind: &str, number: &str) -> Value {
    json!({"kind": kind, "issuer": "哈尔滨市指挥部", "number": number, "officer": "officer.a",
           "unit": "230100", "reason": "解除", "local_seq": 2, "local_at": "2026-01-01T00:00:00Z",
           "local_hash": "cd"})
}

fn post(hub: &HubHandle, token: &str, key: &str, event: &Value) -> u16 {
    let resp = raw_client()
        .post(format!("{}/v1/directives/events", hub.base_url()))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(event).unwrap())
        .send()
        .expect("POST");
    resp.status().as_u16()
}

/// A [`raw_client`] that sends an officer's token with every request.
fn authed_client(token: &str) -> reqwest::blocking::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
    reqwest::blocking::Client::builder()
        .gzip(false)
        .zstd(false)
        .default_headers(h)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// Wait (bounded) until the hub serves a version other than `tag`.
fn wait_for_new_version(hub: &HubHandle, tag: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while hub.published().tag == tag {
        assert!(Instant::now() < deadline, "the hub published no new version");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn one_directive_hub(tmp: &Path) -> (HubHandle, String) {
    let data = tmp.join("data");
    std::fs::create_dir_all(&data).unwrap();
    write_atomic(&data, "cases.json", &feed_doc("cases", day("2020-01-01"), day("2020-06-30")));
    let tokens = tmp.join("tokens.toml");
    let token = hub::tokens::add(&tokens, "officer.a").unwrap();
    let hub = hub_with(&data, Some((&tokens, &tmp.join("journal"))), HubLimits::default());
    (hub, token)
}

#[test]
fn full_answers_are_the_published_bytes_compressed_once_zstd_or_gzip() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    write_atomic(&data, "cases.json", &feed_doc("cases", day("2020-01-01"), day("2020-06-30")));
    let hub = hub_with(&data, None, HubLimits::default());
    let p = hub.published();
    let client = raw_client();
    let url = hub.feed_url();
    for (accept, coding, etag) in
        [("zstd, gzip", Some("zstd"), p.etag_zstd()), ("gzip", Some("gzip"), p.etag_gzip()), ("br", None, p.etag())]
    {
        let resp = client.get(&url).header("accept-encoding", accept).send().unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{accept}");
        let h = resp.headers().clone();
        assert_eq!(h.get("content-encoding").and_then(|v| v.to_str().ok()), coding, "{accept}");
        assert_eq!(h.get("etag").unwrap().to_str().unwrap(), etag, "{accept}");
        assert_eq!(h.get("vary").unwrap().to_str().unwrap(), "Accept-Encoding");
        let bytes = resp.bytes().unwrap();
        let body = match coding {
            Some("zstd") => {
                assert_eq!(bytes, p.zstd, "the bytes compressed when the version was published");
                zstd::decode_all(&bytes[..]).unwrap()
            }
            Some("gzip") => {
                assert_eq!(bytes, p.gzip);
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut out).unwrap();
                out
            }
            _ => bytes.to_vec(),
        };
        assert_eq!(body, p.body, "{accept}: the document itself");
        // Any coding's tag is a 304.
        let again = client.get(&url).header("accept-encoding", accept).header("if-none-match", &etag).send().unwrap();
        assert_eq!(again.status().as_u16(), 304);
    }
    assert!(p.zstd.len() < p.body.len() / 4, "zstd {} of {}", p.zstd.len(), p.body.len());
}

#[test]
fn full_answers_past_the_bound_wait_then_get_503_with_retry_after() {
    // The demo's ~10 MB document: more than the socket buffers hold, so a client that
    // reads nothing keeps its answer (and its slot) in flight.
    let limits = HubLimits { max_full_responses: 1, full_wait: Duration::from_millis(200), ..HubLimits::default() };
    let hub = hub_with(Path::new("data/demo"), None, limits);
    let size = hub.published().body.len();
    assert!(size > 8 * 1024 * 1024, "the demo document is {size} bytes");
    let mut stalled = TcpStream::connect(hub.addr()).unwrap();
    stalled.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    stalled.write_all(b"GET /v1/feed HTTP/1.1\r\nHost: hub\r\n\r\n").unwrap();
    let mut status = [0u8; 12];
    stalled.read_exact(&mut status).unwrap();
    assert_eq!(&status, b"HTTP/1.1 200", "the first full answer is being sent");
    // The only slot is taken: the next full answer waits 200 ms, then is told to retry.
    let busy = raw_client().get(hub.feed_url()).send().unwrap();
    assert_eq!(busy.status().as_u16(), 503);
    assert_eq!(busy.headers().get("retry-after").unwrap().to_str().unwrap(), "1");
    let said: Value = serde_json::from_str(&busy.text().unwrap()).unwrap();
    assert!(said["error"].as_str().unwrap().contains("retry"), "{said}");
    // A 304 needs no slot.
    let etag = hub.published().etag();
    let cheap = raw_client().get(hub.feed_url()).header("if-none-match", &etag).send().unwrap();
    assert_eq!(cheap.status().as_u16(), 304);
    // The stalled client leaves: its slot is free again.
    drop(stalled);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = raw_client().get(hub.feed_url()).header("accept-encoding", "gzip").send().unwrap();
        if r.status().as_u16() == 200 {
            assert_eq!(r.bytes().unwrap(), hub.published().gzip);
            break;
        }
        assert!(Instant::now() < deadline, "the slot was never given back");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_board_holding_an_older_version_gets_only_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let (hub, token) = one_directive_hub(tmp.path());
    let tag0 = hub.published().tag.clone();
    assert_eq!(post(&hub, &token, "k1", &issued("1号")), 201);
    wait_for_new_version(&hub, &tag0);
    // The hub has a token: its feed is read with one.
    let client = authed_client(&token);
    let first = client.get(hub.feed_url()).send().unwrap();
    let etag1 = first.headers().get("etag").unwrap().to_str().unwrap().to_owned();
    assert_eq!(first.headers().get("sitboard-delta").unwrap(), "since", "the hub says it answers since=");
    let body1 = first.text().unwrap();
    let tag1 = hub.published().tag.clone();

    assert_eq!(post(&hub, &token, "k2", &issued("2号")), 201);
    wait_for_new_version(&hub, &tag1);
    let full2: Value = serde_json::from_slice(&hub.published().body).unwrap();

    // Since the version it holds (its ETag as given, quotes and all): the delta.
    let resp = client.get(hub.feed_url()).query_pairs("since", &etag1).send().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers().get("content-type").unwrap().to_str().unwrap(), DELTA_CONTENT_TYPE);
    assert_eq!(resp.headers().get("etag").unwrap().to_str().unwrap(), hub.published().etag());
    let delta = resp.text().unwrap();
    let d: Value = serde_json::from_str(&delta).unwrap();
    assert_eq!(d["upsert"]["directives"].as_array().unwrap().len(), 1, "only the new directive: {d}");
    assert!(d["upsert"].get("case_reports").is_none(), "unchanged rows are not sent: {d}");
    assert!(delta.len() * 4 < body1.len(), "delta {} bytes, document {}", delta.len(), body1.len());
    let rebuilt: Value = serde_json::from_str(&apply(&body1, &delta).unwrap()).unwrap();
    assert_eq!(rebuilt, full2, "the delta applied to the old document is the new document");

    // The version it holds is current: 304. A version the hub does not know: the full body.
    let current = hub.published().etag();
    assert_eq!(client.get(hub.feed_url()).query_pairs("since", &current).send().unwrap().status().as_u16(), 304);
    let unknown = client.get(hub.feed_url()).query_pairs("since", "\"0123456789abcdef\"").send().unwrap();
    assert_eq!(unknown.headers().get("content-type").unwrap().to_str().unwrap(), "application/json; charset=utf-8");
    assert_eq!(serde_json::from_str::<Value>(&unknown.text().unwrap()).unwrap(), full2);
}

#[test]
fn the_boards_feed_client_follows_the_hub_by_deltas() {
    let tmp = tempfile::tempdir().unwrap();
    let (hub, token) = one_directive_hub(tmp.path());
    let feed = follow_with_token(&[hub.feed_url()], Duration::from_millis(100), &token);
    let mut seen = Seen::default();
    assert!(
        wait_until(&feed.events, &mut seen, Duration::from_secs(20), |s| !s.datasets.is_empty()),
        "the board gets the first document"
    );
    for (i, n) in ["1号", "2号", "3号"].iter().enumerate() {
        assert_eq!(post(&hub, &token, &format!("k{i}"), &issued(n)), 201);
        let want = i + 1;
        assert!(
            wait_until(&feed.events, &mut seen, Duration::from_secs(20), |s| {
                s.datasets.last().is_some_and(|(o, _)| o.dataset.directives().len() == want)
            }),
            "the board shows {want} directives"
        );
    }
    let health = raw_client().get(format!("{}/v1/health", hub.base_url())).send().unwrap().text().unwrap();
    let health: Value = serde_json::from_str(&health).unwrap();
    let deltas = health["requests"]["deltas"].as_u64().unwrap();
    assert!(deltas >= 1, "the board asked for deltas: {health}");
    feed.control.shutdown();
}

#[test]
fn published_directives_follow_the_journal_event_by_event_as_a_restarted_hub_reads_it() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    write_atomic(&data, "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-03")));
    let tokens = tmp.path().join("tokens.toml");
    let token = hub::tokens::add(&tokens, "officer.a").unwrap();
    let journal = tmp.path().join("journal");
    let hub = hub_with(&data, Some((&tokens, &journal)), HubLimits::default());
    let mut tag = hub.published().tag.clone();
    let steps = [
        issued("1号"),
        issued("2号"),
        other_event("acknowledged", "1号"),
        other_event("lifted", "2号"),
        issued("3号"),
        other_event("revoked", "3号"),
    ];
    for (i, ev) in steps.iter().enumerate() {
        assert_eq!(post(&hub, &token, &format!("k{i}"), ev), 201, "step {i}");
        wait_for_new_version(&hub, &tag);
        tag = hub.published().tag.clone();
    }
    let rows = |h: &HubHandle| -> Vec<Value> {
        let doc: Value = serde_json::from_slice(&h.published().body).unwrap();
        let mut rows: Vec<Value> = doc["directives"].as_array().unwrap().clone();
        rows.sort_by_key(|r| r["number"].as_str().unwrap_or("").to_owned());
        rows
    };
    let live = rows(&hub);
    let statuses: Vec<&str> = live.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["in_force", "lifted", "revoked"]);
    assert!(live[0]["ref"].as_str().unwrap().contains("2 events, last 3"), "{}", live[0]["ref"]);
    assert_eq!(hub.journal_events(), 6);
    hub.stop();
    // A hub started on the same journal reads it whole: the same rows.
    let again = hub_with(&data, Some((&tokens, &journal)), HubLimits::default());
    assert_eq!(rows(&again), live);
    assert_eq!(again.journal_events(), 6);
}

#[test]
fn a_client_trickling_its_headers_is_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    write_atomic(&data, "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-03")));
    let limits = HubLimits { header_timeout: Duration::from_millis(300), ..HubLimits::default() };
    let hub = hub_with(&data, None, limits);
    let mut slow = TcpStream::connect(hub.addr()).unwrap();
    slow.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    let started = Instant::now();
    let request = b"GET /v1/feed HTTP/1.1\r\nHost: hub\r\n\r\n";
    let mut closed = false;
    // One byte every 100 ms: the request would take 3.6 s; the hub closes it long before.
    for b in request.iter() {
        if slow.write_all(&[*b]).is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 512];
        match slow.read(&mut buf) {
            Ok(0) => {
                closed = true;
                break;
            }
            Ok(_) => {
                // hyper may say 408 before it closes.
                let text = String::from_utf8_lossy(&buf);
                assert!(text.starts_with("HTTP/1.1 408"), "{text}");
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => {
                closed = true;
                break;
            }
        }
    }
    assert!(closed, "the hub kept a connection that sent its headers a byte at a time");
    assert!(started.elapsed() < Duration::from_secs(3), "closed after {:?}", started.elapsed());
    // A normal client is served.
    assert_eq!(raw_client().get(hub.feed_url()).send().unwrap().status().as_u16(), 200);
}

#[test]
fn open_connections_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    write_atomic(&data, "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-03")));
    let limits = HubLimits { max_connections: 2, header_timeout: Duration::from_secs(60), ..HubLimits::default() };
    let hub = hub_with(&data, None, limits);
    let idle_a = TcpStream::connect(hub.addr()).unwrap();
    let idle_b = TcpStream::connect(hub.addr()).unwrap();
    // Both slots are taken by clients that say nothing: a third is not served...
    let quick = reqwest::blocking::Client::builder().timeout(Duration::from_millis(1500)).build().unwrap();
    let refused = quick.get(hub.feed_url()).send();
    assert!(refused.is_err_and(|e| e.is_timeout()), "a third connection was served past the limit");
    // (That client gives up: its connection, still waiting in the queue, closes.)
    drop(quick);
    // ...until one of them leaves.
    drop(idle_a);
    let served = raw_client().get(hub.feed_url()).send().unwrap();
    assert_eq!(served.status().as_u16(), 200);
    drop(idle_b);
}

/// `?since=VALUE` on a request, percent-encoded (as the board's client sends it).
trait SinceQuery {
    fn query_pairs(self, name: &str, value: &str) -> Self;
}

impl SinceQuery for reqwest::blocking::RequestBuilder {
    fn query_pairs(self, name: &str, value: &str) -> Self {
        let (client, req) = self.build_split();
        let mut req = req.expect("request");
        req.url_mut().query_pairs_mut().append_pair(name, value);
        reqwest::blocking::RequestBuilder::from_parts(client, req)
    }
}
