//! The hub's client on a desktop: directives reach every screen because a desktop pushes its
//! directive journal to the hub. The local journal is the outbox — an event is durable on disk before any attempt to send it
//! — and its events go to `POST /v1/directives/events` strictly in order, each with its own
//! hash as `Idempotency-Key`, so a retry after a lost answer is recognised by the hub and
//! never writes twice. Offline, events wait ("pending sync") and go out in order on
//! reconnect; an event the hub refuses for good (e.g. its number is taken there) is recorded
//! as refused and the queue moves on.
//!
//! Blocking reqwest on one worker thread (the board's push worker, `ui::workers::push`) or
//! the calling thread (the command line): pushes are sequential by design, so a runtime
//! would add nothing.

use std::time::Duration;

use serde_json::Value;

use crate::model::Adcode;
use crate::model::journal::JournalEvent;
use crate::model::journal_wire::WireEvent;
use crate::model::officer::{Officer, OfficerRole};
use crate::secret::Secret;
use crate::store::outbox::OutboxState;
use crate::store::{JournalStore, StoreError};

/// The hub a desktop pushes to, and the officer's token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HubTarget {
    /// Base URL, e.g. `http://10.0.0.2:8470` (no trailing slash).
    pub url: String,
    pub token: Option<Secret>,
}

impl HubTarget {
    pub fn new(url: &str, token: Option<Secret>) -> Self {
        HubTarget { url: url.trim().trim_end_matches('/').to_owned(), token }
    }

    pub fn events_url(&self) -> String {
        format!("{}/v1/directives/events", self.url)
    }

    pub fn feed_url(&self) -> String {
        format!("{}/v1/feed", self.url)
    }

    pub fn whoami_url(&self) -> String {
        format!("{}/v1/whoami", self.url)
    }
}

/// Who the hub says the token belongs to (`GET /v1/whoami`).
#[derive(Clone, Debug, PartialEq)]
pub enum WhoAmI {
    /// The signed-in officer.
    Officer(Officer),
    /// The hub has no officers (404): it is open, the board works as without officers.
    Open,
    /// No token to send.
    NoToken,
    /// 401/403: the token is missing, unknown or revoked (the hub's words).
    Refused(String),
    /// Could not ask, or the answer made no sense (try again later).
    Failed(String),
}

/// Ask the hub who the token belongs to. Blocking: call it on a worker thread.
pub fn whoami(client: &reqwest::blocking::Client, hub: &HubTarget) -> WhoAmI {
    let Some(token) = &hub.token else { return WhoAmI::NoToken };
    let resp = match client.get(hub.whoami_url()).bearer_auth(token.expose()).send() {
        Ok(r) => r,
        Err(e) if e.is_connect() => {
            return WhoAmI::Failed(format!("cannot connect to the hub {} (is it running?)", hub.url));
        }
        Err(e) => return WhoAmI::Failed(format!("asking the hub {} who is signed in failed: {e}", hub.url)),
    };
    let status = resp.status().as_u16();
    let json: Option<Value> = resp.text().ok().and_then(|t| serde_json::from_str(&t).ok());
    let said = json.as_ref().and_then(|j| j.get("error")).and_then(Value::as_str).unwrap_or("").to_owned();
    match status {
        200 => match json.as_ref().map(parse_officer) {
            Some(Ok(o)) => WhoAmI::Officer(o),
            Some(Err(why)) => WhoAmI::Failed(format!("the hub's /v1/whoami answer: {why}")),
            None => WhoAmI::Failed("the hub's /v1/whoami answer is not JSON; is the URL a Sitboard hub?".into()),
        },
        404 => WhoAmI::Open,
        401 | 403 => WhoAmI::Refused(if said.is_empty() { format!("HTTP {status}") } else { said }),
        _ => WhoAmI::Failed(format!("the hub answered /v1/whoami with HTTP {status} {said}")),
    }
}

/// An officer from the hub's JSON, naming the field that is wrong. Region codes may come as
/// numbers (`230104`) or strings (`"230104"`).
pub fn parse_officer(v: &Value) -> Result<Officer, String> {
    let text = |k: &str| match v.get(k).and_then(Value::as_str).map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s.to_owned()),
        _ => Err(format!("{k}: missing or not text")),
    };
    let role = text("role")?;
    let role = OfficerRole::parse(&role).ok_or_else(|| format!("role: {role:?} is not issue, acknowledge or view"))?;
    let list = v.get("scope").and_then(Value::as_array).ok_or("scope: missing or not a list")?;
    let mut scope = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let code = match c {
            Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()).and_then(Adcode::new),
            Value::String(s) => s.trim().parse().ok().and_then(Adcode::new),
            _ => None,
        };
        scope.push(code.ok_or_else(|| format!("scope[{i}]: {c} is not a 6-digit region code"))?);
    }
    if scope.is_empty() {
        return Err("scope: empty".into());
    }
    Ok(Officer { id: text("id")?, name: text("name")?, unit: text("unit")?, scope, role })
}

/// What one push of the queue did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PushReport {
    /// Local event → hub event, for each event the hub took (now or before).
    pub pushed: Vec<(u64, u64)>,
    /// Events the hub refused for good, with its reason.
    pub refused: Vec<(u64, String)>,
    /// Why the push stopped early (the rest stays queued, in order).
    pub stopped: Option<String>,
    /// Events still waiting.
    pub pending: Vec<u64>,
}

enum PushOutcome {
    Taken { hub_seq: u64 },
    Refused(String),
    Retry(String),
}

/// The HTTP client for pushes: connect timeout 5 s, 30 s per request.
pub fn client() -> Result<reqwest::blocking::Client, String> {
    client_with(Duration::from_secs(5), Duration::from_secs(30))
}

pub fn client_with(connect: Duration, total: Duration) -> Result<reqwest::blocking::Client, String> {
    reqwest::blocking::Client::builder()
        .connect_timeout(connect)
        .timeout(total)
        .user_agent(concat!("sitboard/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot start an HTTP client: {e}"))
}

/// Push every pending event of the journal to the hub, in order.
pub fn push_pending(
    store: &JournalStore,
    hub: &HubTarget,
    client: &reqwest::blocking::Client,
) -> Result<PushReport, StoreError> {
    let mut report = PushReport::default();
    let pending = store.outbox_pending(&hub.url)?;
    let mut left = pending.iter().map(|e| e.seq).collect::<Vec<_>>();
    for ev in &pending {
        if report.stopped.is_some() {
            break;
        }
        match push_one(client, hub, ev) {
            PushOutcome::Taken { hub_seq } => {
                store.outbox_mark(&hub.url, ev.seq, OutboxState::Pushed, &format!("hub event {hub_seq}"))?;
                report.pushed.push((ev.seq, hub_seq));
                left.retain(|s| *s != ev.seq);
            }
            PushOutcome::Refused(why) => {
                tracing::warn!("the hub refused directive event {} ({}): {why}", ev.seq, ev.event.number);
                store.outbox_mark(&hub.url, ev.seq, OutboxState::Refused, &why)?;
                report.refused.push((ev.seq, why));
                left.retain(|s| *s != ev.seq);
            }
            PushOutcome::Retry(why) => report.stopped = Some(why),
        }
    }
    report.pending = left;
    Ok(report)
}

fn push_one(client: &reqwest::blocking::Client, hub: &HubTarget, ev: &JournalEvent) -> PushOutcome {
    let Some(token) = &hub.token else {
        return PushOutcome::Retry("no token for the hub: give --token TOKEN (or hub_token in sitboard.toml)".into());
    };
    let body = match serde_json::to_vec(&WireEvent::from_journal(ev)) {
        Ok(b) => b,
        Err(e) => return PushOutcome::Refused(format!("cannot write the event: {e}")),
    };
    let resp = client
        .post(hub.events_url())
        .bearer_auth(token.expose())
        .header("Idempotency-Key", &ev.hash)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send();
    let resp = match resp {
        Ok(r) => r,
        Err(e) if e.is_connect() => {
            return PushOutcome::Retry(format!(
                "cannot connect to the hub {} (is it running, is the address right?)",
                hub.url
            ));
        }
        Err(e) if e.is_timeout() => return PushOutcome::Retry(format!("the hub {} did not answer in time", hub.url)),
        Err(e) => return PushOutcome::Retry(format!("sending to the hub {} failed: {e}", hub.url)),
    };
    let status = resp.status().as_u16();
    let json: Option<Value> = resp.text().ok().and_then(|t| serde_json::from_str(&t).ok());
    let said = json.as_ref().and_then(|j| j.get("error")).and_then(Value::as_str).unwrap_or("").to_owned();
    match status {
        200 | 201 => match json.as_ref().and_then(|j| j.get("seq")).and_then(Value::as_u64) {
            Some(hub_seq) => PushOutcome::Taken { hub_seq },
            None => PushOutcome::Retry("the hub's answer has no event number; is the URL a Sitboard hub?".into()),
        },
        // A refusal by the rules (an officer's role or scope; `refusal` names which) is for
        // good: the local record stays, marked refused, and the queue moves on.
        403 if json.as_ref().and_then(|j| j.get("refusal")).is_some_and(Value::is_string) => {
            PushOutcome::Refused(if said.is_empty() { "HTTP 403".into() } else { said })
        }
        401 | 403 => PushOutcome::Retry(format!("the hub refused the token (HTTP {status}): {said}")),
        400 | 413 | 422 => PushOutcome::Refused(if said.is_empty() { format!("HTTP {status}") } else { said }),
        _ => PushOutcome::Retry(
            format!("the hub answered HTTP {status}{}", if said.is_empty() { "" } else { ": " }) + &said,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn officers_from_the_hub_and_what_is_wrong_with_them() {
        let ok = serde_json::json!({"id": "daowai01", "name": "李", "unit": "道外区指挥部", "scope": [230104, "230103"], "role": "acknowledge"});
        let o = parse_officer(&ok).unwrap();
        assert_eq!(o.scope, vec![Adcode::new(230104).unwrap(), Adcode::new(230103).unwrap()]);
        assert_eq!(o.role, OfficerRole::Acknowledge);
        let mut bad = ok.clone();
        bad["role"] = "boss".into();
        assert!(parse_officer(&bad).unwrap_err().starts_with("role:"));
        bad = ok.clone();
        bad["scope"] = serde_json::json!([230104, 12]);
        assert_eq!(parse_officer(&bad).unwrap_err(), "scope[1]: 12 is not a 6-digit region code");
        bad = ok.clone();
        bad["scope"] = serde_json::json!([]);
        assert!(parse_officer(&bad).is_err());
        bad = ok;
        bad.as_object_mut().unwrap().remove("name");
        assert_eq!(parse_officer(&bad).unwrap_err(), "name: missing or not text");
    }

    /// A hub stand-in on loopback answering every request with `status` and `body` (each
    /// connection read up to the end of its body; bounded).
    fn canned_hub(status: u16, body: &'static str) -> String {
        use std::io::{BufRead as _, BufReader, Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(20) {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut rest = vec![0u8; length.min(1 << 20)];
                let _ = reader.read_exact(&mut rest);
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        format!("http://{addr}")
    }

    fn store_with_an_ack(dir: &std::path::Path) -> JournalStore {
        let mut store = JournalStore::open_in(dir).unwrap();
        let ack = crate::model::journal::NewEvent {
            kind: crate::model::journal::EventKind::Acknowledged,
            issuer: "省指挥部".into(),
            number: "省指12号".into(),
            officer: "daowai01".into(),
            unit: Some("230104".into()),
            reason: None,
            content: None,
        };
        store.append_external_ack(ack, chrono::Utc::now()).unwrap();
        store
    }

    #[test]
    fn a_refusal_by_the_rules_is_final_a_refused_token_is_retried() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_an_ack(dir.path());
        let client = client_with(Duration::from_secs(5), Duration::from_secs(10)).unwrap();
        // 403 naming a rule: refused for good, the local record stays, the queue moves on.
        let url = canned_hub(
            403,
            r#"{"error": "230104 is not a unit in your scope", "refusal": "unit_outside_scope", "region": 230104}"#,
        );
        let hub = HubTarget::new(&url, Some(Secret::new("sbt_x")));
        let report = push_pending(&store, &hub, &client).unwrap();
        assert_eq!(report.refused, vec![(1, "230104 is not a unit in your scope".to_owned())]);
        assert!(report.pending.is_empty() && report.stopped.is_none());
        assert_eq!(store.outbox_refused(&hub.url).unwrap().len(), 1);
        assert_eq!(store.events().unwrap().len(), 1, "the local record is kept");
        // 403 without a rule (an unknown or revoked token): kept, tried again later.
        let dir2 = tempfile::tempdir().unwrap();
        let store2 = store_with_an_ack(dir2.path());
        let url = canned_hub(403, r#"{"error": "unknown or revoked token"}"#);
        let hub = HubTarget::new(&url, Some(Secret::new("sbt_x")));
        let report = push_pending(&store2, &hub, &client).unwrap();
        assert!(report.refused.is_empty());
        assert_eq!(report.pending, vec![1]);
        assert!(report.stopped.as_deref().is_some_and(|s| s.contains("refused the token")), "{report:?}");
    }
}
