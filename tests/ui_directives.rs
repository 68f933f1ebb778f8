//! UI tests of the Directives tab with egui_kittest, on the bundled demo and a journal in a
//! temporary data dir: draft and issue a directive through the form, find it in the in-force
//! list, lift it, read both events in its history; invalid input shows the form's messages
//! and saves nothing; a directive logged here reaches the overview and the case curves.

mod ui_common;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use sitboard::feed::{FeedSource, load_sources, registry};
use sitboard::i18n::Lang;
use sitboard::model::journal::{DirectiveContent, EventKind, NewEvent};
use sitboard::model::{Adcode, DirectiveCategory, Priority};
use sitboard::store::journal::{JournalStore, journal_path};
use sitboard::ui::workers::journal::JournalState;
use sitboard::ui::{MainTab, SitboardApp, UiCommand};
use ui_common::harness;

fn demo_app(lang: Lang, data_dir: &Path) -> SitboardApp {
    let dir = sitboard::settings::paths::bundled_demo_dir().expect("bundled demo folder data/demo");
    let outcome = load_sources(&[FeedSource::Path(dir)], registry::bundled().expect("registry"));
    SitboardApp::from_outcome(outcome, lang).with_journal(data_dir.to_path_buf())
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

fn open_tab(h: &mut Harness<'static, SitboardApp>) {
    wait_for(h, "the journal to open", |h| h.state().journal_status().state == JournalState::Ready);
    h.state_mut().apply(UiCommand::SetTab(MainTab::Directives));
    h.run_steps(3);
}

fn type_into(h: &mut Harness<'static, SitboardApp>, label: &str, text: &str) {
    let field = h.get_by_label(label);
    field.click();
    field.type_text(text);
    h.run_steps(2);
}

/// Select all of a field's text and type over it.
fn replace_text(h: &mut Harness<'static, SitboardApp>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    h.get_by_label(label).type_text(text);
    h.run_steps(2);
}

fn click(h: &mut Harness<'static, SitboardApp>, label: &str) {
    h.get_by_role_and_label(Role::Button, label).click();
    h.run_steps(3);
}

fn has_label(h: &Harness<'static, SitboardApp>, label: &str) -> bool {
    h.query_all_by_label(label).next().is_some()
}

fn events_in(dir: &Path) -> usize {
    match JournalStore::open(&journal_path(dir), false) {
        Ok(s) => s.events().unwrap().len(),
        Err(_) => 0,
    }
}

#[test]
fn draft_issue_see_in_force_lift_and_read_the_history() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = harness(demo_app(Lang::En, tmp.path()));
    open_tab(&mut h);
    // The demo's feed directives are listed, read-only, with their badge.
    assert!(h.query_all_by_label("Feed").next().is_some(), "feed directives carry a badge");
    assert!(has_label(&h, "绥指公4号  关于绥化市北林区实行交通管制的公告"));

    type_into(&mut h, "Officer (name or ID)", "Wang 0231");
    assert_eq!(h.state().state.officer, "Wang 0231", "the officer is kept in the saved board state");

    // Draft first.
    click(&mut h, "New directive…");
    type_into(&mut h, "Number", "SZ-12");
    type_into(&mut h, "Title", "Close the Beilin exits");
    type_into(&mut h, "Body", "All exits of the main town are closed.");
    click(&mut h, "Save draft");
    wait_for(&mut h, "the draft to be saved", |h| has_label(h, "Saved: event #1 (drafted SZ-12)"));
    // A draft cannot be lifted or acknowledged: those actions are not offered.
    assert!(h.query_by_label("Lift…").is_none() && h.query_by_label("Acknowledge…").is_none());

    // Issue it (the form opens prefilled).
    click(&mut h, "Issue…");
    assert_eq!(h.get_by_label("Title").value().as_deref(), Some("Close the Beilin exits"));
    click(&mut h, "Issue");
    wait_for(&mut h, "the issue to be saved", |h| has_label(h, "Saved: event #2 (issued SZ-12)"));

    // Listed, with its badge. "In force now" means at the instant in view (the demo's last
    // day, 2022-11-30), as on the overview: a directive issued today is not in force in that
    // scene, and neither are the 2020 ones.
    assert!(has_label(&h, "SZ-12  Close the Beilin exits"));
    assert!(h.query_all_by_label("Logged here").next().is_some(), "locally logged directives carry their badge");
    h.get_by_label("In force now").click();
    h.run_steps(3);
    assert!(!has_label(&h, "SZ-12  Close the Beilin exits"), "issued after the instant in view");
    assert!(!has_label(&h, "绥指公4号  关于绥化市北林区实行交通管制的公告"), "2020 directives are not in force then");
    h.get_by_label("In force now").click();
    h.run_steps(3);

    // Lift it, with a reason.
    click(&mut h, "Lift…");
    click(&mut h, "Confirm lift");
    assert!(has_label(&h, "• Enter the reason"), "a reason is required");
    assert_eq!(events_in(tmp.path()), 2);
    type_into(&mut h, "Reason", "Stable for 14 days");
    click(&mut h, "Confirm lift");
    wait_for(&mut h, "the lift to be saved", |h| has_label(h, "Saved: event #3 (lifted SZ-12)"));

    // The history shows every event, with the officer and the reason.
    for label in ["#1", "#2", "#3", "Drafted", "Issued", "Lifted", "Reason: Stable for 14 days"] {
        assert!(has_label(&h, label), "history lacks {label:?}");
    }
    assert!(h.query_all_by_label("Wang 0231").count() >= 3);

    // And on disk: three events that verify.
    let store = JournalStore::open(&journal_path(tmp.path()), false).unwrap();
    assert!(store.verify().unwrap().is_ok());
    assert_eq!(store.events().unwrap().len(), 3);
}

#[test]
fn invalid_input_shows_the_message_and_saves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = harness(demo_app(Lang::Zh, tmp.path()));
    open_tab(&mut h);
    click(&mut h, "起草新指令…");
    // No officer, no title, an unknown region, an end before the start.
    type_into(&mut h, "文号", "绥指公99号");
    type_into(&mut h, "适用地区（区划代码，逗号分隔）", ", 999999");
    type_into(&mut h, "生效时间", "2030-03-05 10:00");
    type_into(&mut h, "截止时间", "2030-03-04 10:00");
    click(&mut h, "发布");
    for msg in [
        "• 请填写值班人员",
        "• 请填写标题",
        "• 未知地区 999999：地区表中没有这个代码",
        "• 截止时间早于生效时间：截止时间必须晚于生效时间",
    ] {
        assert!(has_label(&h, msg), "expected the message {msg:?}");
    }
    // Nothing was sent, nothing written.
    h.run_steps(5);
    assert!(h.state().journal_status().outcome.is_none());
    assert_eq!(events_in(tmp.path()), 0);

    // Fixing a field takes its message away at once; the others stay until fixed.
    type_into(&mut h, "标题", "临时标题");
    assert!(!has_label(&h, "• 请填写标题"), "the title's message goes once a title is typed");
    assert!(has_label(&h, "• 未知地区 999999：地区表中没有这个代码"), "the scope's stays");

    // A number the demo feed already uses for the same issuing body.
    type_into(&mut h, "值班人员（姓名/工号）", "王明");
    replace_text(&mut h, "文号", "绥指公4号");
    assert_eq!(h.get_by_label("文号").value().as_deref(), Some("绥指公4号"));
    replace_text(&mut h, "发布机构", "绥化市新型冠状病毒感染肺炎疫情防控工作指挥部");
    replace_text(&mut h, "标题", "重复的文号");
    click(&mut h, "发布");
    assert!(
        has_label(&h, "• 文号重复：绥化市新型冠状病毒感染肺炎疫情防控工作指挥部已有文号为 绥指公4号 的指令"),
        "duplicate number message"
    );
    assert_eq!(events_in(tmp.path()), 0);
}

fn t(s: &str) -> DateTime<Utc> {
    sitboard::model::time::parse_time_input(s).unwrap()
}

#[test]
fn logged_directives_reach_the_overview_and_the_curves() {
    let tmp = tempfile::tempdir().unwrap();
    // A directive recorded in the journal during the 2020 outbreak (e.g. entered at the
    // time on another board sharing this data dir).
    {
        let mut store = JournalStore::open_in(tmp.path()).unwrap();
        let content = DirectiveContent {
            number: "黑指发88号".into(),
            issuer: "黑龙江省指挥部".into(),
            title: "全省加强社区管控".into(),
            body: String::new(),
            category: DirectiveCategory::ResidentialControl,
            scope: vec![Adcode::new(230000).unwrap()],
            effective_from: None,
            effective_until: None,
            priority: Priority::High,
        };
        let ev = NewEvent {
            kind: EventKind::Issued,
            issuer: content.issuer.clone(),
            number: content.number.clone(),
            officer: "王明".into(),
            unit: None,
            reason: None,
            content: Some(content),
        };
        store.append(ev, t("2020-03-01 10:00")).unwrap();
    }
    let mut h = harness(demo_app(Lang::Zh, tmp.path()));
    wait_for(&mut h, "the journal to open", |h| h.state().journal_status().state == JournalState::Ready);
    h.state_mut().apply(UiCommand::SetDate(NaiveDate::from_ymd_opt(2020, 3, 3).unwrap()));
    h.state_mut().apply(UiCommand::SelectRegion(Adcode::new(230100).unwrap()));
    h.run_steps(3);
    let sit = h.state().situation().unwrap();
    let in_force = sit.directives_in_force(Adcode::new(230100).unwrap());
    assert!(in_force.iter().any(|d| d.content.number == "黑指发88号"), "in force in Harbin through the province scope");
    assert!(has_label(&h, "黑指发88号"), "listed among the directives in force on the overview");
    assert!(h.query_all_by_label("本地记录").next().is_some(), "with the logged-here badge");
    // Before it was issued it is not in force.
    h.state_mut().apply(UiCommand::SetDate(NaiveDate::from_ymd_opt(2020, 2, 28).unwrap()));
    h.run_steps(3);
    assert!(!has_label(&h, "黑指发88号"));

    h.state_mut().apply(UiCommand::SetDate(NaiveDate::from_ymd_opt(2020, 3, 3).unwrap()));
    h.state_mut().apply(UiCommand::SetTab(MainTab::Curves));
    h.run_steps(4);
    assert!(
        h.query_by_label_contains("黑指发88号 03-01 10:00").is_some(),
        "its issue time is marked on the case curves"
    );
}

#[test]
fn the_board_picks_up_the_command_line_and_exports_from_the_tab() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = harness(demo_app(Lang::En, tmp.path()));
    open_tab(&mut h);
    // Another process (the CLI) writes to the same journal while the board is open.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sitboard"))
        .args(["journal", "issue", "--number", "HZ-74", "--title", "Temporary controls", "--scope", "230100"])
        .args(["--officer", "Li 07", "--issuer", "Harbin HQ", "--data-dir"])
        .arg(tmp.path())
        .arg("--config")
        .arg(tmp.path().join("no-config.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    wait_for(&mut h, "the board to read the new event", |h| has_label(h, "HZ-74  Temporary controls"));

    // Exports go to the data dir's exports folder, off the UI thread.
    click(&mut h, "Export list as CSV");
    wait_for(&mut h, "the export", |h| h.query_by_label_contains("Exported to").is_some());
    let files: Vec<_> = std::fs::read_dir(tmp.path().join("exports")).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    let csv = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(csv.contains("HZ-74") && csv.contains("绥指公4号"), "the list as shown, feed directives included");
}

/// Issue 16.12: the English detail of a directive with a long scope wraps inside the window
/// (its scope, body and source used to run past the right edge).
#[test]
fn a_long_scope_wraps_inside_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(demo_app(Lang::En, dir.path()));
    h.state_mut().apply(UiCommand::SetDate(NaiveDate::from_ymd_opt(2022, 11, 29).unwrap()));
    open_tab(&mut h);
    h.get_by_role_and_label(Role::Button, "第74号公告  主城六区临时性管控措施（第74号公告；标题为摘要，非原文标题）")
        .click();
    h.run();
    let scope = h.get_by_label_contains("Daoli District 230102");
    let r = scope.rect();
    assert!(r.right() <= 1920.0, "the scope ends at x = {} (window 1920)", r.right());
    assert!(r.height() > 30.0, "the scope wraps onto more lines: {r:?}");
}

/// One "now" everywhere: the directive list reads each directive's status at the instant in
/// view. On 2020-02-20 the 2022 announcement and 绥指公21号 (2020-03-13) are not yet issued,
/// 严九条 is in force; on 2022-11-29 第74号公告 is in force.
#[test]
fn statuses_are_read_at_the_instant_in_view() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(demo_app(Lang::En, dir.path()));
    h.state_mut().apply(UiCommand::SetDate(NaiveDate::from_ymd_opt(2020, 2, 20).unwrap()));
    open_tab(&mut h);
    // Two rows, and the detail of the newest (第74号公告).
    assert_eq!(h.query_all_by_label("Not yet issued").count(), 3);
    assert!(h.query_all_by_label("In force").count() >= 1);
    h.state_mut().apply(UiCommand::SetDate(NaiveDate::from_ymd_opt(2022, 11, 29).unwrap()));
    h.run_steps(3);
    assert_eq!(h.query_all_by_label("Not yet issued").count(), 0);
}
