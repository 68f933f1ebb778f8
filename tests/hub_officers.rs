//! Officers, scopes and acknowledgments at a real hub on loopback (issue 12): officers are
//! added with the `sitboard-hub officer` command (a process, as an operator runs it) into
//! the journal folder of a running hub; the hub enforces their roles and scopes on every
//! directive event (403, nothing written, a chained audit event), sees a revocation or a new
//! token at the next request without a restart, serves its feed only with a token, answers
//! `whoami`, and publishes each directive's addressed units with their acknowledgments.
//! Every wait is bounded and ends as soon as its condition holds.

mod live_common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use live_common::*;
use serde_json::{Value, json};
use sitboard::hub::{self, HubConfig, HubHandle};
use sitboard::store::JournalStore;

const HUB: &str = env!("CARGO_BIN_EXE_sitboard-hub");
const BOARD: &str = env!("CARGO_BIN_EXE_sitboard");

fn hub_cmd(args: &[&str]) -> Output {
    Command::new(HUB).args(args).output().expect("run sitboard-hub")
}

/// `sitboard-hub officer add …` into `journal`: the token (its last line).
fn add_officer(journal: &Path, id: &str, unit: &str, scope: &str, role: &str) -> String {
    let out = hub_cmd(&[
        "officer",
        "add",
        id,
        "--name",
        "测试",
        "--unit",
        unit,
        "--scope",
        scope,
        "--role",
        role,
        "--journal-dir",
        journal.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "officer add {id}: {stdout} {}", String::from_utf8_lossy(&out.stderr));
    let token = stdout.lines().last().unwrap_or_default().trim().to_owned();
    assert!(token.starts_with("sbt_") && token.len() == 68, "the token on the last line: {stdout}");
    token
}

fn start(data: &Path, journal: &Path) -> HubHandle {
    let mut cfg = HubConfig::new(data, "127.0.0.1:0");
    cfg.rescan = Duration::from_millis(50);
    cfg.journal_dir = Some(journal.to_path_buf());
    hub::start(cfg).expect("hub starts")
}

fn data_dir(tmp: &Path) -> std::path::PathBuf {
    let data = tmp.join("data");
    std::fs::create_dir_all(&data).unwrap();
    write_atomic(&data, "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-03")));
    data
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(20)).build().unwrap()
}

/// GET with an optional token: status and JSON body.
fn get(url: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = client().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().expect("GET");
    let status = resp.status().as_u16();
    (status, serde_json::from_str(&resp.text().unwrap_or_default()).unwrap_or(Value::Null))
}

/// POST a directive event: status and JSON body.
fn post(hub: &HubHandle, token: &str, key: &str, event: &Value) -> (u16, Value) {
    let resp = client()
        .post(format!("{}/v1/directives/events", hub.base_url()))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(event).unwrap())
        .send()
        .expect("POST");
    let status = resp.status().as_u16();
    (status, serde_json::from_str(&resp.text().unwrap_or_default()).unwrap_or(Value::Null))
}

const ISSUER: &str = "哈尔滨市指挥部";

fn issued(number: &str, officer: &str, scope: &[&str]) -> Value {
    json!({
        "kind": "issued", "issuer": ISSUER, "number": number, "officer": officer,
        "content": {"number": number, "issuer": ISSUER, "title": "关于交通管制的通告", "body": "",
                    "category": "traffic_control", "scope": scope, "effective_from": null,
                    "effective_until": null, "priority": "urgent"},
        "local_seq": 1, "local_at": "2026-01-01T00:00:00Z", "local_hash": "ab"
    })
}

fn ack(number: &str, officer: &str, unit: &str, note: Option<&str>) -> Value {
    json!({"kind": "acknowledged", "issuer": ISSUER, "number": number, "officer": officer, "unit": unit,
           "reason": note, "local_seq": 2, "local_at": "2026-01-01T00:00:00Z", "local_hash": "cd"})
}

fn lifted(number: &str, officer: &str) -> Value {
    json!({"kind": "lifted", "issuer": ISSUER, "number": number, "officer": officer, "reason": "解除",
           "local_seq": 3, "local_at": "2026-01-01T00:00:00Z", "local_hash": "ef"})
}

fn events(hub: &HubHandle) -> usize {
    JournalStore::open(&hub.journal_path().unwrap(), false).unwrap().events().unwrap().len()
}

/// The audit record as `sitboard-hub audit --json` lists it.
fn audit(journal: &Path, extra: &[&str]) -> Vec<Value> {
    let out = hub_cmd(&[&["audit", "--json", "--journal-dir", journal.to_str().unwrap()], extra].concat());
    assert!(out.status.success(), "audit: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<Value>(&out.stdout).unwrap().as_array().cloned().unwrap()
}

fn refusals(journal: &Path, officer: &str) -> Vec<String> {
    audit(journal, &["--officer", officer])
        .iter()
        .filter(|e| e["kind"] == "refused")
        .map(|e| e["detail"]["refusal"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The published row of a directive, once the hub serves it as `ok` wants (bounded wait).
fn published_row(hub: &HubHandle, number: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let doc: Value = serde_json::from_slice(&hub.published().body).unwrap();
        let row = doc["directives"].as_array().and_then(|rows| rows.iter().find(|r| r["number"] == number).cloned());
        if let Some(row) = row.filter(&ok) {
            assert_eq!(doc["schema"], "sitboard.feed/1.2");
            return row;
        }
        assert!(Instant::now() < deadline, "the hub does not publish {number} as expected: {}", doc["directives"]);
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn roles_and_scopes_are_enforced_acknowledgments_are_published_and_revocation_needs_no_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(tmp.path());
    let journal = tmp.path().join("hub-journal");
    let province = add_officer(&journal, "prov01", "黑龙江省指挥部", "230000", "issue");
    let daowai = add_officer(&journal, "daowai01", "道外区指挥部", "230104", "acknowledge");
    let wall = add_officer(&journal, "wall01", "指挥大厅大屏", "230000", "view");
    let district = add_officer(&journal, "daowai.issue", "道外区指挥部", "230104", "issue");
    let hub = start(&data, &journal);
    let base = hub.base_url();

    // whoami: the serde form of the officer, scope as numbers.
    let (status, me) = get(&format!("{base}/v1/whoami"), Some(&daowai));
    assert_eq!(status, 200);
    assert_eq!(
        me,
        json!({"id": "daowai01", "name": "测试", "unit": "道外区指挥部", "scope": [230104], "role": "acknowledge"})
    );
    assert_eq!(get(&format!("{base}/v1/whoami"), None).0, 401);
    assert_eq!(get(&format!("{base}/v1/whoami"), Some("sbt_forged")).0, 403);

    // The feed needs a token (any role): the wall reads it.
    let (status, body) = get(&hub.feed_url(), None);
    assert_eq!(status, 401, "{body}");
    assert_eq!(get(&hub.feed_url(), Some("sbt_forged")).0, 403);
    assert_eq!(get(&hub.feed_url(), Some(&wall)).0, 200);

    // The viewer cannot issue: 403, nothing written, an audit event.
    let (status, body) = post(&hub, &wall, "w1", &issued("哈指7号", "wall01", &["230104", "230103"]));
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["refusal"], "view_only");
    assert_eq!(events(&hub), 0, "nothing written");
    assert_eq!(refusals(&journal, "wall01"), ["view_only"]);
    let noted = audit(&journal, &["--officer", "wall01"]).into_iter().find(|e| e["kind"] == "refused").unwrap();
    assert_eq!(
        (noted["detail"]["action"].clone(), noted["detail"]["number"].clone()),
        (json!("issued"), json!("哈指7号"))
    );

    // The province issues a directive to 道外区 and 南岗区.
    let (status, body) = post(&hub, &province, "p1", &issued("哈指7号", "prov01", &["230104", "230103"]));
    assert_eq!(status, 201, "{body}");
    let row = published_row(&hub, "哈指7号", |r| r["addressed"].as_array().is_some_and(|a| a.len() == 2));
    assert_eq!(row["addressed"], json!([{"unit": 230104}, {"unit": 230103}]));

    // Daowai cannot acknowledge for 南岗区 (its scope is 道外区), nor for a unit not addressed,
    // nor issue.
    let (status, body) = post(&hub, &daowai, "d1", &ack("哈指7号", "daowai01", "230103", None));
    assert_eq!(
        (status, body["refusal"].clone(), body["region"].clone()),
        (403, json!("unit_outside_scope"), json!(230103))
    );
    let (status, body) = post(&hub, &daowai, "d2", &ack("哈指7号", "daowai01", "230102", None));
    assert_eq!((status, body["refusal"].clone()), (403, json!("not_addressed")));
    let (status, body) = post(&hub, &daowai, "d3", &issued("道指1号", "daowai01", &["230104"]));
    assert_eq!((status, body["refusal"].clone()), (403, json!("acknowledge_only")));
    assert_eq!(events(&hub), 1, "refusals write nothing");
    assert_eq!(refusals(&journal, "daowai01"), ["unit_outside_scope", "not_addressed", "acknowledge_only"]);

    // … but can for 道外区; a second acknowledgment of the unit (any officer) writes nothing.
    let (status, body) = post(&hub, &daowai, "d4", &ack("哈指7号", "daowai01", "230104", Some("已部署")));
    assert_eq!(status, 201, "{body}");
    let (status, body) = post(&hub, &daowai, "d5", &ack("哈指7号", "daowai01", "230104", None));
    assert_eq!((status, body["status"].clone()), (200, json!("already_acknowledged")), "{body}");
    let (status, _) = post(&hub, &province, "p2", &ack("哈指7号", "prov01", "230104", None));
    assert_eq!(status, 200);
    assert_eq!(events(&hub), 2, "one acknowledgment per unit");
    let row = published_row(&hub, "哈指7号", |r| r["addressed"][0].get("acknowledged_at").is_some());
    assert_eq!(row["addressed"][0]["officer"], "daowai01");
    assert_eq!(row["addressed"][0]["note"], "已部署");
    assert_eq!(row["addressed"][1], json!({"unit": 230103}), "南岗区 has not acknowledged");
    // The board's parser reads it (through the feed, with a token).
    let feed = client().get(hub.feed_url()).bearer_auth(&wall).send().unwrap().text().unwrap();
    let doc = sitboard::feed::FeedDocument::parse(&feed, "hub").unwrap();
    let mut b = sitboard::model::DatasetBuilder::new(sitboard::feed::registry::bundled().unwrap());
    let reports = sitboard::feed::ingest_documents(&[doc], &mut b);
    assert!(reports[0].rejected.is_empty(), "{:?}", reports[0].rejected);
    let ds = b.build();
    let d = ds.directives().iter().find(|d| d.content.number == "哈指7号").unwrap();
    assert_eq!(d.addressed.iter().filter(|a| a.ack.is_some()).count(), 1);

    // A district issuer cannot lift the province's directive, nor issue outside its district;
    // it issues within it, and the province (above it) may lift that one.
    let (status, body) = post(&hub, &district, "x1", &lifted("哈指7号", "daowai.issue"));
    assert_eq!((status, body["refusal"].clone()), (403, json!("not_issuer_or_above")), "{body}");
    let (status, body) = post(&hub, &district, "x2", &issued("道指1号", "daowai.issue", &["230103"]));
    assert_eq!((status, body["refusal"].clone(), body["region"].clone()), (403, json!("outside_scope"), json!(230103)));
    assert_eq!(post(&hub, &district, "x3", &issued("道指1号", "daowai.issue", &["230104"])).0, 201);
    assert_eq!(post(&hub, &province, "p3", &lifted("道指1号", "prov01")).0, 201);
    assert_eq!(events(&hub), 4);

    // Revoked while the hub runs: the next request is refused, no restart.
    let out = hub_cmd(&["officer", "revoke", "daowai01", "--journal-dir", journal.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(get(&format!("{base}/v1/whoami"), Some(&daowai)).0, 403);
    assert_eq!(get(&hub.feed_url(), Some(&daowai)).0, 403);
    let (status, body) = post(&hub, &daowai, "d6", &ack("哈指7号", "daowai01", "230104", None));
    assert_eq!(status, 403, "{body}");
    assert!(body["error"].as_str().unwrap_or_default().contains("revoked"), "{body}");

    // A new token: the old one is dead at once, the new one works.
    let out = hub_cmd(&["officer", "token", "prov01", "--journal-dir", journal.to_str().unwrap()]);
    assert!(out.status.success());
    let new_token = String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or_default().trim().to_owned();
    assert_eq!(get(&hub.feed_url(), Some(&province)).0, 403);
    assert_eq!(get(&format!("{base}/v1/whoami"), Some(&new_token)).1["id"], "prov01");

    // The audit lists it all, chained: grants, sign-ins, issues, acks, refusals, the
    // revocation and the new token.
    let all = audit(&journal, &[]);
    let kinds: Vec<&str> = all.iter().map(|e| e["kind"].as_str().unwrap_or_default()).collect();
    for k in ["granted", "signed_in", "issued", "acknowledged", "lifted", "refused", "revoked", "token_rotated"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    assert_eq!(kinds.iter().filter(|k| **k == "granted").count(), 4);
    assert_eq!(
        all.iter().filter(|e| e["kind"] == "signed_in" && e["officer"] == "prov01").count(),
        1,
        "one sign-in per officer and day, however many requests"
    );
    assert!(audit(&journal, &["--officer", "wall01"]).iter().all(|e| e["officer"] == "wall01"));
    assert!(audit(&journal, &["--since", "2999-01-01"]).is_empty());
}

#[test]
fn an_open_hub_serves_anyone_and_says_it_has_no_officers() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(tmp.path());
    let hub = start(&data, &tmp.path().join("hub-journal"));
    assert_eq!(get(&hub.feed_url(), None).0, 200, "no officers, no tokens: open as before");
    let (status, body) = get(&format!("{}/v1/whoami", hub.base_url()), None);
    assert_eq!((status, body), (404, json!({"error": "this hub has no officers: it is open"})));
    let (status, _) = post(&hub, "sbt_any", "k", &issued("1号", "x", &["230104"]));
    assert_eq!(status, 403, "an open hub takes no directive events");
    // An officer added while it runs closes it from the next request.
    let token = add_officer(&tmp.path().join("hub-journal"), "wall01", "大屏", "230000", "view");
    assert_eq!(get(&hub.feed_url(), None).0, 401);
    assert_eq!(get(&hub.feed_url(), Some(&token)).0, 200);
}

#[test]
fn tokens_file_officers_issue_over_the_province_and_revoking_one_removes_its_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(tmp.path());
    let journal = tmp.path().join("hub-journal");
    let tokens = tmp.path().join("tokens.toml");
    let token = hub::tokens::add(&tokens, "li.na").unwrap();
    let mut cfg = HubConfig::new(&data, "127.0.0.1:0");
    cfg.tokens = Some(tokens.clone());
    cfg.journal_dir = Some(journal.clone());
    let hub = hub::start(cfg).unwrap();
    let (status, me) = get(&format!("{}/v1/whoami", hub.base_url()), Some(&token));
    assert_eq!(status, 200);
    assert_eq!((me["role"].clone(), me["scope"].clone()), (json!("issue"), json!([230000])));
    let list =
        hub_cmd(&["officer", "list", "--tokens", tokens.to_str().unwrap(), "--journal-dir", journal.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("li.na"), "{}", String::from_utf8_lossy(&list.stdout));
    // The same ID cannot be given out again.
    let dup = hub_cmd(&[
        "officer",
        "add",
        "li.na",
        "--name",
        "n",
        "--unit",
        "u",
        "--scope",
        "230104",
        "--role",
        "view",
        "--tokens",
        tokens.to_str().unwrap(),
        "--journal-dir",
        journal.to_str().unwrap(),
    ]);
    assert_eq!(dup.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&dup.stderr).contains("taken"), "{}", String::from_utf8_lossy(&dup.stderr));
    let out = hub_cmd(&[
        "officer",
        "revoke",
        "li.na",
        "--tokens",
        tokens.to_str().unwrap(),
        "--journal-dir",
        journal.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(get(&hub.feed_url(), Some(&token)).0, 403, "refused at once, though the hub read the file at start");
    assert!(!std::fs::read_to_string(&tokens).unwrap().contains("li.na"), "the entry is gone from the file");
}

#[test]
fn bad_officer_arguments_exit_2_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let j = tmp.path().join("j");
    let j = j.to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "officer",
                "add",
                "a",
                "--name",
                "n",
                "--unit",
                "u",
                "--scope",
                "239999",
                "--role",
                "view",
                "--journal-dir",
                j,
            ],
            "239999 is not a region",
        ),
        (
            &[
                "officer",
                "add",
                "a",
                "--name",
                "n",
                "--unit",
                "u",
                "--scope",
                "23010",
                "--role",
                "view",
                "--journal-dir",
                j,
            ],
            "--scope",
        ),
        (
            &[
                "officer",
                "add",
                "a",
                "--name",
                "n",
                "--unit",
                "u",
                "--scope",
                "230104",
                "--role",
                "admin",
                "--journal-dir",
                j,
            ],
            "--role \"admin\"",
        ),
        (&["officer", "revoke", "nobody", "--journal-dir", j], "no officer \"nobody\""),
        (&["officer", "token", "nobody", "--journal-dir", j], "not an officer"),
    ];
    for (args, wanted) in cases {
        let out = hub_cmd(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(wanted), "{args:?}: wanted {wanted:?} in {err}");
    }
    let out = hub_cmd(&["audit", "--journal-dir", j, "--since", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_tampered_audit_row_is_found_by_journal_verify_by_audit_and_by_the_hub_at_start() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(tmp.path());
    let journal = tmp.path().join("hub-journal");
    add_officer(&journal, "daowai01", "道外区指挥部", "230104", "acknowledge");
    add_officer(&journal, "wall01", "大屏", "230000", "view");
    let verify = || {
        Command::new(BOARD)
            .args(["--config", "/nonexistent/sitboard.toml", "journal", "verify", "--lang", "en", "--data-dir"])
            .arg(&journal)
            .output()
            .unwrap()
    };
    let ok = verify();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("2 audit records"), "{}", String::from_utf8_lossy(&ok.stdout));
    {
        // Widen the acknowledger's scope to the province behind Sitboard's back.
        let conn = rusqlite::Connection::open(sitboard::store::journal::journal_path(&journal)).unwrap();
        assert!(
            conn.execute("UPDATE audit SET detail = replace(detail, '230104', '230000')", []).is_err(),
            "append-only"
        );
        conn.execute_batch(
            "DROP TRIGGER audit_no_update; UPDATE audit SET detail = replace(detail, '[230104]', '[230000]') WHERE seq = 1;",
        )
        .unwrap();
    }
    let bad = verify();
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(1), "{err}");
    assert!(err.contains("audit record 1 (granted daowai01)") && err.contains("changed"), "{err}");
    let out = hub_cmd(&["audit", "--journal-dir", journal.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fails verification"));
    let mut cfg = HubConfig::new(&data, "127.0.0.1:0");
    cfg.journal_dir = Some(journal.clone());
    let refused = hub::start(cfg).err().expect("the hub does not start on a tampered audit record");
    assert!(refused.contains("audit record") && refused.contains("fails verification"), "{refused}");
}

/// Start the hub binary, wait (bounded) for its address line, stop it: what it logged.
fn hub_start_log(args: &[&str]) -> String {
    use std::io::{BufRead as _, BufReader, Read as _};
    let mut child = Command::new(HUB)
        .args(args)
        .args(["--listen", "127.0.0.1:0", "--no-archive"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start sitboard-hub");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(120)).expect("the hub prints its address");
    assert!(line.starts_with("listening on "), "{line}");
    let _ = child.kill();
    let mut log = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut log);
    let _ = child.wait();
    log
}

#[test]
fn the_hub_says_at_start_whether_it_is_open_to_anyone() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(tmp.path());
    let journal = tmp.path().join("hub-journal");
    let args = ["--data", data.to_str().unwrap(), "--journal-dir", journal.to_str().unwrap()];
    let log = hub_start_log(&args);
    assert!(log.contains("open to anyone"), "{log}");
    add_officer(&journal, "wall01", "大屏", "230000", "view");
    let log = hub_start_log(&args);
    assert!(!log.contains("open to anyone") && log.contains("officers: 1 (0 from the tokens file)"), "{log}");
}
