//! UI tests of officers and acknowledgments (issue 12) with egui_kittest, on a small Harbin
//! feed whose hub directives address units (`Directive.addressed`, as feed schema 1.2 fills
//! it) and a journal in a temporary data dir: the district officer's awaiting list (overdue
//! first), the Acknowledge action with a note (written to the journal as an external
//! acknowledgment, shown as "sending" until the hub publishes it), the issuer's per-unit
//! status (1 of 2, overdue in red), a viewer's form disabled with the reason, and who is
//! signed in, in the top bar.

mod ui_common;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use serde_json::json;
use sitboard::feed::{FeedDocument, LoadOutcome, ingest_documents, registry};
use sitboard::i18n::Lang;
use sitboard::model::journal::{DirectiveContent, EventKind};
use sitboard::model::{
    Ack, Addressee, DatasetBuilder, Directive, DirectiveCategory, DirectiveStatus, Officer, OfficerRole, Priority,
};
use sitboard::store::journal::{JournalStore, journal_path};
use sitboard::ui::workers::SignInStatus;
use sitboard::ui::workers::journal::JournalState;
use sitboard::ui::{MainTab, SitboardApp, UiCommand};
use ui_common::{code, harness};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn hub_directive(number: &str, priority: Priority, issued: &str, addressed: Vec<Addressee>) -> Directive {
    Directive {
        content: DirectiveContent {
            number: number.into(),
            issuer: "黑龙江省应对新冠肺炎疫情工作指挥部".into(),
            title: format!("{number} 关于加强社区管控的通知"),
            body: String::new(),
            category: DirectiveCategory::ResidentialControl,
            scope: addressed.iter().map(|a| a.unit).collect(),
            effective_from: None,
            effective_until: None,
            priority,
        },
        issued_at: t(issued),
        status: DirectiveStatus::InForce,
        supersedes: Vec::new(),
        source: "hub".into(),
        reference: None,
        known_until: Some(t("2022-11-24T16:00:00Z")),
        addressed,
    }
}

/// A Harbin day (2022-11-24, as of its end) and two hub directives: 省指12号 (urgent,
/// 23:00 UTC+8, due 23:30: overdue at the instant in view) to 道外区 and 南岗区, 南岗区 having
/// acknowledged; 省指13号 (normal, 20:00 UTC+8, due a day later) to 道外区.
fn outcome() -> LoadOutcome {
    let doc = json!({
        "schema": "sitboard.feed/1.1",
        "source": {"id": "hub", "name": "Sitboard hub"},
        "generated_at": "2022-11-24T16:00:00Z",
        "as_of": "2022-11-24T16:00:00Z",
        "case_reports": [
            {"region": "230100", "date": "2022-11-23", "active": 100},
            {"region": "230100", "date": "2022-11-24", "active": 120}
        ]
    });
    let doc = FeedDocument::parse(&doc.to_string(), "test").expect("test document");
    let mut b = DatasetBuilder::new(registry::bundled().expect("registry"));
    let reports = ingest_documents(&[doc], &mut b);
    let nangang_ack =
        Ack { at: t("2022-11-24T15:10:00Z"), officer: "nangang01".into(), note: Some("已部署".into()) };
    b.add_directive(
        hub_directive(
            "省指12号",
            Priority::Urgent,
            "2022-11-24T15:00:00Z",
            vec![Addressee { unit: code(230104), ack: None }, Addressee { unit: code(230103), ack: Some(nangang_ack) }],
        ),
        None,
    );
    b.add_directive(
        hub_directive(
            "省指13号",
            Priority::Normal,
            "2022-11-24T12:00:00Z",
            vec![Addressee { unit: code(230104), ack: None }],
        ),
        None,
    );
    LoadOutcome { dataset: b.build(), reports }
}

fn officer(id: &str, unit: &str, scope: u32, role: OfficerRole) -> Officer {
    Officer { id: id.into(), name: format!("{id} 王"), unit: unit.into(), scope: vec![code(scope)], role }
}

fn board(lang: Lang, data_dir: &Path, who: Officer) -> Harness<'static, SitboardApp> {
    let mut app = SitboardApp::from_outcome(outcome(), lang).with_journal(data_dir.to_path_buf());
    app.set_sign_in(SignInStatus::SignedIn(who));
    let mut h = harness(app);
    wait_for(&mut h, "the journal to open", |h| h.state().journal_status().state == JournalState::Ready);
    h.state_mut().apply(UiCommand::SetTab(MainTab::Directives));
    h.run_steps(3);
    h
}

/// Run frames until `cond` holds (the journal worker answers on its own thread).
fn wait_for(h: &mut Harness<'static, SitboardApp>, what: &str, cond: impl Fn(&Harness<'static, SitboardApp>) -> bool) {
    let start = Instant::now();
    while !cond(h) {
        assert!(start.elapsed() < Duration::from_secs(30), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(15));
        h.step();
    }
    h.run_steps(3);
}

fn has(h: &Harness<'static, SitboardApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// Where the first text containing `text` is, from the top.
fn top(h: &Harness<'static, SitboardApp>, text: &str) -> f32 {
    h.get_all_by_label_contains(text).map(|n| n.rect().min.y).fold(f32::INFINITY, f32::min)
}

#[test]
fn the_district_sees_what_awaits_it_and_acknowledges_with_a_note() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = board(Lang::En, tmp.path(), officer("daowai01", "道外区指挥部", 230104, OfficerRole::Acknowledge));
    // Who is signed in, in the top bar: name, unit, role, scope by name.
    assert!(
        has(&h, "Signed in daowai01 王 · 道外区指挥部 · may acknowledge · Scope Daowai"),
        "the top bar names the officer"
    );
    // Both directives await 道外区; the overdue one first.
    assert!(has(&h, "Awaiting your acknowledgment (2)"));
    let overdue = top(&h, "overdue · overdue by 30 min");
    let awaiting = top(&h, "awaiting · due in 20 h");
    assert!(overdue < awaiting, "overdue first ({overdue} vs {awaiting})");
    assert!(top(&h, "省指12号  省指12号") < top(&h, "省指13号  省指13号"));
    // 南岗区 is not in this officer's scope: not offered.
    assert!(!has(&h, "→ Nangang"), "only units in the officer's scope await them");
    // An acknowledge-only officer cannot issue: the reason is shown.
    assert!(h.get_by_role_and_label(Role::Button, "New directive…").accesskit_node().is_disabled());
    assert!(has(&h, "Cannot issue: this officer may acknowledge directives, not issue or change them"));

    // Acknowledge the overdue one, with a note.
    h.get_all_by_role_and_label(Role::Button, "Acknowledge").next().expect("an Acknowledge action").click();
    h.run_steps(3);
    let note = h.get_by_label("Note (optional)");
    note.click();
    note.type_text("已部署 24 小时值守");
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Send acknowledgment").click();
    h.run_steps(2);
    wait_for(&mut h, "the acknowledgment to be saved", |h| has(h, "acknowledged (sending…)"));
    assert_eq!(h.query_all_by_role_and_label(Role::Button, "Acknowledge").count(), 1, "one unit left to acknowledge");
    assert!(has(&h, "Awaiting your acknowledgment (1)"));

    // In the journal: an external acknowledgment of the hub's directive, with unit and note.
    let store = JournalStore::open(&journal_path(tmp.path()), false).unwrap();
    let events = store.events().unwrap();
    assert_eq!(events.len(), 1);
    let e = &events[0].event;
    assert_eq!((e.kind, e.number.as_str(), e.unit.as_deref()), (EventKind::Acknowledged, "省指12号", Some("230104")));
    assert_eq!((e.officer.as_str(), e.reason.as_deref()), ("daowai01", Some("已部署 24 小时值守")));
    assert!(store.verify().unwrap().is_ok());
    assert!(store.load().unwrap().problems.is_empty());
}

#[test]
fn the_issuer_sees_each_unit_and_who_is_overdue() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = board(Lang::Zh, tmp.path(), officer("prov01", "省指挥部", 230000, OfficerRole::Issue));
    // The list says how many acknowledged.
    assert!(has(&h, "1/2 已确认"), "per directive, n of m");
    // The districts' acknowledgments are theirs to give: nothing awaits the province
    // officer's own (the province's scope covers every district, the list is not theirs).
    assert!(has(&h, "待确认 (0)") && has(&h, "没有待确认的指令"), "the issuer's own list is empty");
    h.get_all_by_label("省指12号  省指12号 关于加强社区管控的通知")
        .max_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
        .expect("the directive in the list")
        .click();
    h.run_steps(3);
    assert!(has(&h, "各单位确认情况"));
    // Per unit at the instant in view: 南岗区 acknowledged (when, by whom, note); 道外区 overdue.
    assert!(
        has(&h, "已确认 · 2022-11-24 23:10 UTC+8 · 确认人 nangang01 · 已部署"),
        "acknowledged, when, by whom, note"
    );
    assert!(has(&h, "逾期未确认 · 已逾期 30 分钟"), "overdue by");
    assert!(has(&h, "道外区 230104") && has(&h, "南岗区 230103"));
    // The issuer may issue: the form is enabled.
    assert!(!h.get_by_role_and_label(Role::Button, "起草新指令…").accesskit_node().is_disabled());
}

#[test]
fn a_viewer_cannot_issue_and_is_told_why() {
    let tmp = tempfile::tempdir().unwrap();
    let h = board(Lang::En, tmp.path(), officer("wall01", "大屏", 230000, OfficerRole::View));
    assert!(
        h.get_by_role_and_label(Role::Button, "New directive…").accesskit_node().is_disabled(),
        "the form cannot be opened"
    );
    assert!(has(&h, "Cannot issue: this officer may only view"));
    assert!(!has(&h, "Awaiting your acknowledgment"), "a viewer acknowledges nothing");
    assert!(has(&h, "Signed in wall01 王 · 大屏 · view only"));
}

#[test]
fn an_issuer_cannot_issue_outside_their_scope() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = board(Lang::En, tmp.path(), officer("harbin01", "哈尔滨市指挥部", 230100, OfficerRole::Issue));
    h.get_by_role_and_label(Role::Button, "New directive…").click();
    h.run_steps(3);
    let scope = h.get_by_label("Scope (region codes, comma-separated)");
    scope.click();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Scope (region codes, comma-separated)").type_text("230104, 231202");
    h.run_steps(3);
    assert!(has(&h, "Beilin District 231202 is outside your scope"), "the reason, with the region");
    assert!(h.get_by_role_and_label(Role::Button, "Issue").accesskit_node().is_disabled());
}

#[test]
fn the_wall_alerts_overdue_acknowledgments() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = board(Lang::En, tmp.path(), officer("wall01", "大屏", 230000, OfficerRole::View));
    h.state_mut().apply(UiCommand::SetTab(MainTab::Wall));
    h.run_steps(3);
    assert!(
        has(&h, "⚠ Overdue acknowledgments 1 · 省指12号 → Daowai District · overdue by 30 min"),
        "one unit is overdue: said on the wall"
    );
    // Once the deadlines are longer, nothing is overdue and the wall says nothing of it.
    h.state_mut().set_ack_deadlines(sitboard::model::AckDeadlines { urgent_minutes: 120, ..Default::default() });
    h.run_steps(3);
    assert!(!has(&h, "Overdue acknowledgments"));
}

/// A stand-in for the hub's `GET /v1/whoami` on loopback: `sbt_good` is 道外区's officer,
/// any other token is unknown (403). Serves at most 50 connections.
fn whoami_server() -> String {
    use std::io::{BufRead as _, BufReader, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut first, mut good) = (String::new(), false);
            let _ = reader.read_line(&mut first);
            for _ in 0..100 {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                good |= line.to_ascii_lowercase().starts_with("authorization: bearer sbt_good");
            }
            let (status, body) = if !first.starts_with("GET /v1/whoami ") {
                ("404 Not Found", r#"{"error": "no such path"}"#.to_owned())
            } else if good {
                let who = json!({"id": "daowai01", "name": "李明", "unit": "道外区指挥部", "scope": [230104], "role": "acknowledge"});
                ("200 OK", who.to_string())
            } else {
                ("403 Forbidden", r#"{"error": "unknown or revoked token"}"#.to_owned())
            };
            let answer = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    format!("http://{addr}")
}

#[test]
fn sign_in_asks_once_refuses_an_unknown_token_and_remembers_a_good_one() {
    let tmp = tempfile::tempdir().unwrap();
    let hub = sitboard::hub_client::HubTarget::new(&whoami_server(), None);
    let mut app = SitboardApp::from_outcome(outcome(), Lang::En)
        .with_journal(tmp.path().join("desk"))
        .with_push(tmp.path().join("desk"), hub);
    let token_file = tmp.path().join("config/hub-token.json");
    app.set_token_file(Some(token_file.clone()));
    let mut h = harness(app);
    h.run_steps(3);
    // No token known: the dialog asks.
    assert!(has(&h, "Enter the token the hub issued to you"), "the sign-in dialog is shown");
    let sign_in = |h: &mut Harness<'static, SitboardApp>, token: &str| {
        let field = h.get_by_label("Token");
        field.click();
        field.type_text(token);
        h.run_steps(2);
        h.get_by_role_and_label(Role::Button, "Sign in").click();
        h.run_steps(2);
    };
    sign_in(&mut h, "sbt_wrong");
    wait_for(&mut h, "the hub's refusal", |h| has(h, "The hub does not accept this token"));
    assert!(has(&h, "unknown or revoked token"), "the hub's words");
    assert!(!token_file.exists(), "a refused token is not remembered");
    sign_in(&mut h, "sbt_good");
    wait_for(&mut h, "the sign-in", |h| {
        has(h, "Signed in 李明 · 道外区指挥部 · may acknowledge · Scope Daowai District")
    });
    assert!(!has(&h, "Enter the token the hub issued to you"), "the dialog is gone");
    assert_eq!(h.state().state.officer, "daowai01", "events are recorded under the hub's officer");
    // Remembered for next time, readable by the user only.
    let remembered = std::fs::read_to_string(&token_file).expect("the token is remembered");
    assert!(remembered.contains("sbt_good"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&token_file).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
