//! The board on live data (egui_kittest, frame by frame): it follows a live-demo hub to the
//! newest day without interaction, stays where a person moved it (Paused, with "Jump to
//! live"), asks for no repaint between polls but the minute tick of the data age, shows a
//! stale banner when the hub goes away while keeping the data; and a directive logged
//! while the hub is down is shown as pending sync until the hub is back.

mod live_common;
mod ui_common;

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use live_common::*;
use sitboard::feed::live::{LiveOptions, SourceSpec};
use sitboard::feed::{FeedSource, load_sources, registry};
use sitboard::hub::{self, HubConfig};
use sitboard::i18n::Lang;
use sitboard::settings::Settings;
use sitboard::timeline::PlayState;
use sitboard::ui::{MainTab, SitboardApp, UiCommand};
use ui_common::harness;

/// Run frames until `done` holds (at most `timeout`, at most 2,000 frames). Single steps:
/// while loading, the spinner repaints continuously.
fn frames_until(
    h: &mut Harness<'static, SitboardApp>,
    timeout: Duration,
    mut done: impl FnMut(&Harness<'static, SitboardApp>) -> bool,
) -> bool {
    let deadline = Instant::now() + timeout;
    for _ in 0..2000 {
        h.step();
        if done(h) {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn live_settings(url: String, interval: Duration) -> Settings {
    let mut s = Settings::for_sources(vec![FeedSource::Url(url.clone())], Lang::En);
    s.live = LiveOptions { specs: vec![SourceSpec::new("test hub", url, interval)], limits: limits_for_tests() };
    s
}

fn shown_date(h: &Harness<'static, SitboardApp>) -> Option<chrono::NaiveDate> {
    h.state().situation().map(|s| s.date())
}

fn newest_date(h: &Harness<'static, SitboardApp>) -> Option<chrono::NaiveDate> {
    h.state().situation().and_then(|s| s.data().dates().last().copied())
}

#[test]
fn the_board_follows_the_hub_pauses_when_moved_back_and_shows_stale_data_when_it_stops() {
    let dir = tempfile::tempdir().unwrap();
    write_atomic(dir.path(), "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-31")));
    let mut cfg = HubConfig::new(dir.path(), "127.0.0.1:0");
    cfg.demo_speed = Some(Duration::from_millis(400));
    cfg.demo_start = Some(day("2020-03-05"));
    let hub = hub::start(cfg).unwrap();
    let interval = Duration::from_millis(150);
    let mut h = harness(SitboardApp::live_for_tests(live_settings(hub.feed_url(), interval), Lang::En, None));

    assert!(frames_until(&mut h, Duration::from_secs(20), |h| h.state().situation().is_some()), "no data");
    // Following: the day moves on by itself.
    let first = shown_date(&h).unwrap();
    assert!(
        frames_until(&mut h, Duration::from_secs(10), |h| shown_date(h) > Some(first)),
        "the board does not follow"
    );
    assert_eq!(shown_date(&h), newest_date(&h));
    assert!(h.query_by_label("● Following").is_some());
    assert!(h.query_by_label_contains("Live ·").is_some(), "the badge shows data age, not Replay");
    assert!(h.query_by_label_contains("Replay").is_none());

    // Idle between polls: after a frame settles, the only repaint asked for is the data
    // age's minute tick.
    h.run();
    let delay = h.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert!(delay >= Duration::from_secs(30), "the board asks for a repaint in {delay:?}");

    // A person moves back: Paused, the day stays while new data arrives.
    h.state_mut().apply(UiCommand::SetDate(day("2020-03-05")));
    h.step();
    let newest = newest_date(&h);
    assert!(frames_until(&mut h, Duration::from_secs(10), |h| newest_date(h) > newest), "no new data");
    assert_eq!(shown_date(&h), Some(day("2020-03-05")), "paused: the day stays");
    assert_eq!(h.state().timeline().play_state(), PlayState::Paused);
    assert!(h.query_by_label("‖ Paused").is_some());
    h.get_by_role_and_label(Role::Button, "▶ Jump to live").click();
    h.run_steps(2);
    assert_eq!(h.state().timeline().play_state(), PlayState::Following);
    assert_eq!(shown_date(&h), newest_date(&h));

    // The hub stops: a stale banner within two intervals (plus a frame), the data stays.
    let kept = newest_date(&h);
    hub.stop();
    let stopped = Instant::now();
    assert!(
        frames_until(&mut h, Duration::from_secs(10), |h| h.query_by_label_contains("is stale").is_some()),
        "no stale banner"
    );
    eprintln!("stale banner {} ms after the hub stopped", stopped.elapsed().as_millis());
    assert!(h.query_by_label_contains("Source “test hub” is stale").is_some());
    assert!(h.query_by_label_contains("Last error: cannot connect").is_some());
    assert!(h.query_by_role_and_label(Role::Button, "Retry now").is_some());
    assert_eq!(newest_date(&h), kept, "the last good data stays on screen");
    assert!(h.query_by_label_contains("Stale ·").is_some());

    // The sources window and the Chinese board render (the font covers every string).
    h.state_mut().apply(UiCommand::ShowSources(true));
    h.run_steps(2);
    let errors = h.query_all_by_label_contains("Connection refused").count();
    assert!(errors >= 2, "the window shows the last error too (banner + window: {errors})");
    h.state_mut().apply(UiCommand::SetLang(Lang::Zh));
    h.run_steps(2);
    assert!(h.query_by_label_contains("数据源“test hub”已过期").is_some());
    assert!(h.query_by_label_contains("数据过期 ·").is_some());
}

#[test]
fn a_directive_logged_while_the_hub_is_down_is_pending_sync_until_it_is_back() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    write_atomic(&data, "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-03")));
    let tokens = tmp.path().join("tokens.toml");
    let token = hub::tokens::add(&tokens, "li.na").unwrap();
    let hub_config = |listen: &str| {
        let mut c = HubConfig::new(&data, listen);
        c.tokens = Some(tokens.clone());
        c.journal_dir = Some(tmp.path().join("hub-journal"));
        c
    };
    // A port for the hub, which is down for now.
    let addr = hub::start(hub_config("127.0.0.1:0")).unwrap().addr().to_string();
    let target =
        sitboard::hub_client::HubTarget::new(&format!("http://{addr}"), Some(sitboard::secret::Secret::new(token)));

    let desk = tmp.path().join("desk");
    let outcome = load_sources(&[FeedSource::Path(data.join("cases.json"))], registry::bundled().unwrap());
    let app = SitboardApp::from_outcome(outcome, Lang::En).with_journal(desk.clone()).with_push(desk.clone(), target);
    let mut h = harness(app);
    h.step();
    // An officer logs a directive (through the same journal file the board's worker uses).
    let mut store = {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match sitboard::store::JournalStore::open(&sitboard::store::journal::journal_path(&desk), false) {
                Ok(s) => break s,
                Err(e) if Instant::now() < deadline => {
                    eprintln!("waiting for the journal: {e}");
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => panic!("{e}"),
            }
        }
    };
    let content = sitboard::model::journal::DirectiveContent {
        number: "哈指7号".into(),
        issuer: "哈尔滨市指挥部".into(),
        title: "关于道里区交通管制的通告".into(),
        body: String::new(),
        category: sitboard::model::DirectiveCategory::TrafficControl,
        scope: vec![sitboard::model::Adcode::new(230102).unwrap()],
        effective_from: None,
        effective_until: None,
        priority: sitboard::model::Priority::High,
    };
    store
        .append(
            sitboard::model::journal::NewEvent {
                kind: sitboard::model::journal::EventKind::Issued,
                issuer: content.issuer.clone(),
                number: content.number.clone(),
                officer: "li.na".into(),
                unit: None,
                reason: None,
                content: Some(content),
            },
            chrono::Utc::now(),
        )
        .unwrap();
    h.state_mut().apply(UiCommand::SetTab(MainTab::Directives));
    assert!(
        frames_until(&mut h, Duration::from_secs(20), |h| {
            h.query_by_label("⇅ 1 pending sync").is_some() && h.query_by_label("Pending sync").is_some()
        }),
        "no pending-sync badge in the top bar and the list; sync: {:?}",
        h.state().push_status()
    );
    let err = h.state().push_status().unwrap().last_error.clone().unwrap().1;
    assert!(err.contains("cannot connect"), "{err}");

    // The hub is back: the queue empties by itself (backoff retry), the marks go away.
    let hub = restart_with(&addr, || hub::start(hub_config(&addr)));
    let back = Instant::now();
    assert!(
        frames_until(&mut h, Duration::from_secs(30), |h| h
            .state()
            .push_status()
            .is_some_and(|s| s.pending.is_empty() && s.last_push.is_some())),
        "not pushed after the hub came back: {:?}",
        h.state().push_status()
    );
    eprintln!("pushed {} ms after the hub came back", back.elapsed().as_millis());
    h.run_steps(2);
    assert!(h.query_by_label("⇅ 1 pending sync").is_none());
    assert!(h.query_by_label("Pending sync").is_none());
    assert_eq!(hub.journal_events(), 1);
}

/// Start a hub on an address its predecessor just left (bounded retries).
fn restart_with(
    addr: &str,
    mut start: impl FnMut() -> Result<sitboard::hub::HubHandle, String>,
) -> sitboard::hub::HubHandle {
    let deadline = Instant::now() + Duration::from_secs(10);
    for _ in 0..100 {
        match start() {
            Ok(h) => return h,
            Err(e) if Instant::now() < deadline => {
                eprintln!("restart on {addr}: {e}");
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("{e}"),
        }
    }
    panic!("the hub does not restart on {addr}")
}

#[test]
fn a_source_whose_newest_day_goes_back_is_announced_not_followed_silently() {
    let dir = tempfile::tempdir().unwrap();
    write_atomic(dir.path(), "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-10")));
    let hub = start_hub(dir.path());
    let mut h =
        harness(SitboardApp::live_for_tests(live_settings(hub.feed_url(), Duration::from_millis(100)), Lang::En, None));
    assert!(
        frames_until(&mut h, Duration::from_secs(20), |h| shown_date(h) == Some(day("2020-03-10"))),
        "the board follows the hub"
    );
    assert!(h.query_by_label_contains("newest day went back").is_none());
    // The hub's data is replaced by an older run (as after a restart of a live demo).
    write_atomic(dir.path(), "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-05")));
    hub.refresh();
    assert!(
        frames_until(&mut h, Duration::from_secs(20), |h| shown_date(h) == Some(day("2020-03-05"))),
        "the board shows the newest data"
    );
    h.run_steps(2);
    let notice =
        "⚠ The source's newest day went back; the board moved back with it to 2020-03-05 (the newest was 2020-03-10)";
    assert!(h.query_by_label(notice).is_some(), "the move back is said in words");
    h.get_by_role_and_label(Role::Button, "Close").click();
    h.run_steps(2);
    assert!(h.query_by_label(notice).is_none(), "and can be dismissed");
}
