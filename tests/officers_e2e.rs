//! Issue 12's end-to-end test: four desktops (egui_kittest, headless, frame by frame)
//! signed in to a real hub on loopback as a province issuer, the 道外区 (230104) and 南岗区
//! (230103) acknowledgers and a wall viewer. The issuer's directive to both districts appears
//! on both district boards as awaiting acknowledgment; 道外区 acknowledges while the hub is
//! down (kept, sent on reconnect); the issuer's board then shows 1 of 2 acknowledged, and —
//! its clock moved past the deadline (an injected clock: nothing sleeps) — 南岗区 overdue;
//! the viewer's board cannot issue. Officers are added with the `sitboard-hub officer`
//! command, as an operator does. Every wait is bounded and ends as soon as it holds.

mod live_common;
mod ui_common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use live_common::*;
use sitboard::feed::FeedSource;
use sitboard::feed::live::{LiveOptions, SourceSpec};
use sitboard::hub::{self, HubConfig, HubHandle};
use sitboard::hub_client::HubTarget;
use sitboard::i18n::Lang;
use sitboard::secret::Secret;
use sitboard::settings::Settings;
use sitboard::ui::workers::journal::JournalState;
use sitboard::ui::{MainTab, SitboardApp, UiCommand};
use ui_common::harness;

const HUB: &str = env!("CARGO_BIN_EXE_sitboard-hub");

/// `sitboard-hub officer add …` into the hub's journal folder: the token (its last line).
fn add_officer(journal: &Path, id: &str, unit: &str, scope: &str, role: &str) -> String {
    let out = Command::new(HUB)
        .args(["officer", "add", id, "--name", id, "--unit", unit, "--scope", scope, "--role", role])
        .arg("--journal-dir")
        .arg(journal)
        .output()
        .expect("run sitboard-hub officer add");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "officer add {id}: {stdout} {}", String::from_utf8_lossy(&out.stderr));
    stdout.lines().last().unwrap_or_default().trim().to_owned()
}

fn hub_config(data: &Path, journal: &Path, listen: &str) -> HubConfig {
    let mut cfg = HubConfig::new(data, listen);
    cfg.rescan = Duration::from_millis(50);
    cfg.journal_dir = Some(journal.to_path_buf());
    cfg
}

/// A board following the hub's feed (polled every 100 ms with the officer's token), with its
/// own journal pushed to the hub and signed in with the token.
fn board(base: &str, token: &str, desk: &Path) -> Harness<'static, SitboardApp> {
    let feed = format!("{base}/v1/feed");
    let mut settings = Settings::for_sources(vec![FeedSource::Url(feed.clone())], Lang::En);
    let mut spec = SourceSpec::new("hub", feed, Duration::from_millis(100));
    spec.token = Some(Secret::new(token));
    settings.live = LiveOptions { specs: vec![spec], limits: limits_for_tests() };
    let target = HubTarget::new(base, Some(Secret::new(token)));
    let app = SitboardApp::live_for_tests(settings, Lang::En, None)
        .with_journal(desk.to_path_buf())
        .with_push(desk.to_path_buf(), target);
    let mut h = harness(app);
    frames_until(&mut h, "the journal and the sign-in", |h| {
        h.state().journal_status().state == JournalState::Ready && has(h, "Signed in")
    });
    h.state_mut().apply(UiCommand::SetTab(MainTab::Directives));
    h.run_steps(2);
    h
}

/// Run frames until `done` holds (bounded: 30 s, 3,000 frames).
fn frames_until(
    h: &mut Harness<'static, SitboardApp>,
    what: &str,
    done: impl Fn(&Harness<'static, SitboardApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    for _ in 0..3000 {
        h.step();
        if done(h) {
            h.run_steps(2);
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}; push: {:?}", h.state().push_status());
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("no {what} after 3,000 frames");
}

fn has(h: &Harness<'static, SitboardApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

fn type_into(h: &mut Harness<'static, SitboardApp>, label: &str, text: &str) {
    let field = h.get_by_label(label);
    field.click();
    field.type_text(text);
    h.run_steps(2);
}

/// Start a hub on the address its predecessor just left (bounded retries).
fn restart(data: &Path, journal: &Path, addr: &str) -> HubHandle {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match hub::start(hub_config(data, journal, addr)) {
            Ok(h) => return h,
            Err(e) if Instant::now() < deadline => {
                eprintln!("restart on {addr}: {e}");
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("the hub does not restart on {addr}: {e}"),
        }
    }
}

#[test]
fn a_directive_reaches_both_districts_one_acknowledges_offline_the_issuer_sees_who_is_overdue() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    write_atomic(&data, "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-03")));
    let journal = tmp.path().join("hub-journal");
    let prov = add_officer(&journal, "prov01", "省指挥部", "230000", "issue");
    let daowai = add_officer(&journal, "daowai01", "道外区指挥部", "230104", "acknowledge");
    let nangang = add_officer(&journal, "nangang01", "南岗区指挥部", "230103", "acknowledge");
    let wall = add_officer(&journal, "wall01", "大屏", "230000", "view");
    let hub = hub::start(hub_config(&data, &journal, "127.0.0.1:0")).expect("hub starts");
    let addr = hub.addr().to_string();
    let base = hub.base_url();

    let mut issuer = board(&base, &prov, &tmp.path().join("prov"));
    let mut dw = board(&base, &daowai, &tmp.path().join("daowai"));
    let mut ng = board(&base, &nangang, &tmp.path().join("nangang"));
    let mut viewer = board(&base, &wall, &tmp.path().join("wall"));
    assert!(has(&issuer, "Signed in prov01 · 省指挥部 · may issue"), "who is signed in, from the hub");

    // The viewer cannot issue; the reason is said.
    assert!(viewer.get_by_role_and_label(Role::Button, "New directive…").accesskit_node().is_disabled());
    assert!(has(&viewer, "Cannot issue: this officer may only view"));
    viewer.step();

    // The province issues a directive to 道外区 and 南岗区 from its form.
    issuer.get_by_role_and_label(Role::Button, "New directive…").click();
    issuer.run_steps(2);
    type_into(&mut issuer, "Number", "省指12号");
    type_into(&mut issuer, "Title", "关于加强社区管控的通知");
    issuer.get_by_label("Scope (region codes, comma-separated)").click();
    issuer.run_steps(1);
    issuer.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    issuer.get_by_label("Scope (region codes, comma-separated)").type_text("230104, 230103");
    issuer.run_steps(2);
    issuer.get_by_role_and_label(Role::Button, "Issue").click();
    frames_until(&mut issuer, "the issue to be saved", |h| has(h, "Saved: event #1 (issued 省指12号)"));
    frames_until(&mut issuer, "the directive at the hub, 0 of 2 acknowledged", |h| has(h, "0 of 2 acknowledged"));

    // Both districts see it awaiting their acknowledgment.
    for (b, unit) in [(&mut dw, "→ Daowai District 230104"), (&mut ng, "→ Nangang District 230103")] {
        frames_until(b, "the directive awaiting acknowledgment", |h| {
            has(h, "Awaiting your acknowledgment (1)") && has(h, unit)
        });
    }

    // The hub goes down; 道外区 acknowledges, with a note: kept, shown as on its way.
    hub.stop();
    // The board says the hub is gone (its stale banner moves the layout down: clicks come after).
    frames_until(&mut dw, "the stale banner", |h| h.query_by_role_and_label(Role::Button, "Retry now").is_some());
    dw.get_by_role_and_label(Role::Button, "Acknowledge").click();
    dw.run_steps(2);
    type_into(&mut dw, "Note (optional)", "已部署");
    assert_eq!(dw.get_by_label("Note (optional)").value().as_deref(), Some("已部署"), "the note as typed");
    dw.get_by_role_and_label(Role::Button, "Send acknowledgment").click();
    frames_until(&mut dw, "the acknowledgment to wait for the hub", |h| {
        has(h, "acknowledged (sending…)")
            && h.state().push_status().is_some_and(|s| !s.pending.is_empty() && s.last_error.is_some())
    });

    // The hub is back: the acknowledgment goes out by itself and the hub publishes it.
    let hub = restart(&data, &journal, &addr);
    frames_until(&mut dw, "the acknowledgment pushed", |h| {
        h.state().push_status().is_some_and(|s| s.pending.is_empty() && s.last_push.is_some())
    });
    frames_until(&mut issuer, "1 of 2 acknowledged on the issuer's board", |h| has(h, "1 of 2 acknowledged"));
    frames_until(&mut issuer, "who acknowledged, with the note", |h| has(h, "by daowai01 · 已部署"));
    assert!(has(&issuer, "awaiting · due in"), "南岗区 awaits, not yet overdue");
    frames_until(&mut dw, "nothing left awaiting 道外区", |h| has(h, "Awaiting your acknowledgment (0)"));

    // Past the deadline (normal priority: 1 day) on the issuer's clock: 南岗区 is overdue.
    issuer.state_mut().set_clock(chrono::Utc::now() + chrono::Duration::days(1) + chrono::Duration::minutes(5));
    issuer.run_steps(3);
    assert!(has(&issuer, "overdue · overdue by"), "南岗区 overdue after the deadline");
    assert!(has(&issuer, "1 of 2 acknowledged"));
    assert_eq!(hub.journal_events(), 2, "the issue and one acknowledgment");
    drop(hub);
}
