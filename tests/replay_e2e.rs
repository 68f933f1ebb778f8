//! Record, carry away, replay (issue 11): a live-demo hub records every version it publishes
//! and a headless `sitboard record` records what it follows, while a board follows the hub;
//! afterwards `sitboard report --at` on the archive gives, at each recorded instant, the
//! figures the live board showed then; both archives verify; and another board replays the
//! archive with play, pause, step and loop. Small synthetic data (one province, one day every
//! 250 ms) keeps it quick; every wait is bounded.

mod live_common;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use live_common::{day, feed_doc, write_atomic};
use sitboard::feed::FeedSource;
use sitboard::feed::live::{LiveOptions, SourceSpec};
use sitboard::hub::{self, HubConfig};
use sitboard::i18n::Lang;
use sitboard::model::overview::Overview;
use sitboard::model::{Adcode, CaseField};
use sitboard::settings::Settings;
use sitboard::store::archive::ArchiveReader;
use sitboard::timeline::{Speed, StepUnit};
use sitboard::ui::{SitboardApp, UiCommand, fonts, theme};

const BOARD: &str = env!("CARGO_BIN_EXE_sitboard");

fn harness(app: SitboardApp) -> Harness<'static, SitboardApp> {
    Harness::builder()
        .with_size([1600.0, 960.0])
        .with_context_setup(|ctx| {
            fonts::install(ctx);
            theme::apply(ctx);
        })
        .build_ui_state(|ui, app: &mut SitboardApp| app.frame(ui), app)
}

fn province() -> Adcode {
    Adcode::new(230000).unwrap()
}

/// What the board shows for the province: (active, new confirmed).
fn figures(app: &SitboardApp) -> Option<(NaiveDate, Option<u32>, Option<u32>)> {
    let sit = app.situation()?;
    let ov = Overview::compute(sit, province());
    Some((sit.date(), ov.figure(CaseField::Active).value, ov.figure(CaseField::NewConfirmed).value))
}

#[test]
fn a_recorded_live_demo_replays_and_report_at_gives_what_the_live_board_showed() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("feeds");
    std::fs::create_dir_all(&data).unwrap();
    write_atomic(&data, "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-31")));
    let hub_archive = tmp.path().join("hub.sqlite");
    let mut cfg = HubConfig::new(&data, "127.0.0.1:0");
    cfg.rescan = Duration::from_millis(50);
    cfg.demo_speed = Some(Duration::from_millis(250));
    cfg.demo_start = Some(day("2020-03-01"));
    cfg.archive = Some(hub_archive.clone());
    let hub = hub::start(cfg).expect("hub starts");
    let url = hub.feed_url();

    // A headless recorder follows the hub too.
    let no_config = tmp.path().join("no-config.toml");
    let board_archive = tmp.path().join("board.sqlite");
    let mut recorder = Command::new(BOARD)
        .args(["--interval", "0.1", "--config"])
        .arg(&no_config)
        .args(["record", "--data", &url, "--for", "3", "--out"])
        .arg(&board_archive)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sitboard record starts");

    // A board follows the hub: note what it shows for each day.
    let mut settings = Settings::for_sources(vec![FeedSource::Url(url.clone())], Lang::En);
    settings.live = LiveOptions {
        specs: vec![SourceSpec::new("hub", url.clone(), Duration::from_millis(100))],
        limits: Default::default(),
    };
    let mut live = harness(SitboardApp::live_for_tests(settings, Lang::En, None));
    let mut seen: BTreeMap<NaiveDate, (Option<u32>, Option<u32>)> = BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(4);
    while Instant::now() < deadline {
        live.step();
        if let Some((d, active, new)) = figures(live.state()) {
            seen.insert(d, (active, new));
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    assert!(seen.len() >= 2, "the live board followed the demo: {seen:?}");

    let started = Instant::now();
    let status = loop {
        if let Some(s) = recorder.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(90), "sitboard record --for 3 did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "sitboard record failed");
    let rec = hub.recording().expect("the hub records");
    assert!(rec.stopped.is_none(), "{rec:?}");
    hub.stop();

    // The hub's archive: verified, one snapshot per published version.
    let reader = ArchiveReader::open(&hub_archive).expect("the hub's archive opens");
    assert!(reader.verify().is_ok(), "the hub's archive verifies");
    let marks = sitboard::replay::marks(reader.snapshots());
    assert!(marks.len() >= 3, "one snapshot per demo day at least: {}", marks.len());
    drop(reader);

    // report --at gives, at each recorded instant, what the live board showed on that day.
    let mut matched = 0;
    for t in &marks {
        let out = Command::new(BOARD)
            .args(["--config"])
            .arg(&no_config)
            .args(["report", "--region", "230000", "--json", "--at", &t.to_rfc3339(), "--data"])
            .arg(&hub_archive)
            .output()
            .unwrap();
        assert!(out.status.success(), "report --at {t}: {}", String::from_utf8_lossy(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report JSON");
        let date: NaiveDate = json["date"].as_str().unwrap().parse().unwrap();
        let value = |k: &str| json["figures"][k]["value"].as_u64().map(|v| v as u32);
        if let Some((active, new)) = seen.get(&date) {
            assert_eq!((value("active"), value("new_confirmed")), (*active, *new), "on {date} (at {t})");
            matched += 1;
        }
    }
    assert!(matched >= 2, "report --at matched the live board on {matched} days; seen {seen:?}");

    // The headless recording verifies (by the command a person would run).
    let out = Command::new(BOARD).args(["archive", "verify"]).arg(&board_archive).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // Another board replays the hub's archive: it opens on its instants and plays.
    let mut settings = Settings::for_sources(Vec::new(), Lang::En);
    settings.replay = Some(hub_archive.clone());
    let mut h = harness(SitboardApp::replay_for_tests(settings, Lang::En));
    let started = Instant::now();
    while h.state().situation().is_none() {
        assert!(started.elapsed() < Duration::from_secs(30), "the replay did not open");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run_steps(2);
    assert_eq!(h.state().timeline().marks(), marks.as_slice());
    assert!(h.state().timeline().is_playing(), "a replay plays when opened");
    assert_eq!(h.state().timeline().cursor(), marks.first().copied(), "from its first instant");
    assert!(h.query_by_label_contains("Replay").is_some(), "the replay badge");
    let shown = |h: &Harness<'static, SitboardApp>| h.state().situation().map(|s| s.date());
    let wait_for_day = |h: &mut Harness<'static, SitboardApp>, d: NaiveDate| {
        let started = Instant::now();
        while shown(h) != Some(d) {
            assert!(started.elapsed() < Duration::from_secs(30), "the replay did not reach {d}: {:?}", shown(h));
            h.step();
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let day_of =
        |t: chrono::DateTime<chrono::Utc>| sitboard::model::Situation::at_instant(Default::default(), t).date();

    // One instant per second: a second later, the second instant and its data.
    h.state_mut().tick(Duration::from_secs(1));
    wait_for_day(&mut h, day_of(marks[1]));
    // Pause, step back, speed, loop.
    h.state_mut().apply(UiCommand::TogglePlay);
    assert!(!h.state().timeline().is_playing());
    h.state_mut().apply(UiCommand::Step(StepUnit::Mark, false));
    wait_for_day(&mut h, day_of(marks[0]));
    h.state_mut().apply(UiCommand::SetLoop(true));
    h.state_mut().apply(UiCommand::SetSpeed(Speed::MarksPerSecond(10.0)));
    h.state_mut().apply(UiCommand::TogglePlay);
    h.state_mut().tick(Duration::from_millis(100 * (marks.len() as u64 - 1)));
    assert_eq!(h.state().timeline().cursor(), marks.last().copied(), "ten instants a second");
    h.state_mut().tick(Duration::from_millis(100));
    assert_eq!(h.state().timeline().cursor(), marks.first().copied(), "looping");
    assert!(h.state().timeline().is_playing());
}

#[test]
fn a_damaged_archive_replays_what_can_be_read_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("damaged.sqlite");
    let mut w = sitboard::store::archive::ArchiveWriter::create_or_open(&path).unwrap();
    for (i, last) in ["2020-03-03", "2020-03-04", "2020-03-05", "2020-03-06"].iter().enumerate() {
        let received = chrono::Utc::now() + chrono::Duration::seconds(i as i64);
        w.record("cases", received, &feed_doc("cases", day("2020-03-01"), day(last))).unwrap();
    }
    drop(w);
    // Changed outside Sitboard: snapshot 3 no longer matches its hash.
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("DROP TRIGGER snapshots_no_update; UPDATE snapshots SET source = 'forged' WHERE seq = 3;").unwrap();
    drop(c);
    let before = std::fs::read(&path).unwrap();

    let mut settings = Settings::for_sources(Vec::new(), Lang::En);
    settings.replay = Some(path.clone());
    let mut h = harness(SitboardApp::replay_for_tests(settings, Lang::En));
    let started = Instant::now();
    while h.state().situation().is_none() {
        assert!(started.elapsed() < Duration::from_secs(30), "the readable part did not open");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run_steps(2);
    assert_eq!(h.state().timeline().marks().len(), 2, "the two snapshots before the damage");
    let info = h.state().replay().and_then(|r| r.info.clone()).expect("archive info");
    assert!(info.damage.as_deref().is_some_and(|d| d.contains("snapshot 3")), "{:?}", info.damage);
    assert!(h.query_by_label_contains("⚠ Replay").is_some(), "the badge says the archive is damaged");
    assert_eq!(std::fs::read(&path).unwrap(), before, "replay never writes to the file");
}

/// A recording board archives its own journal too: a replay shows the directives logged on
/// it, in force from the instant they were logged, and not before.
#[test]
fn a_board_recording_archives_its_own_journal_and_a_replay_shows_those_directives() {
    use sitboard::model::journal::{DirectiveContent, EventKind, NewEvent};
    use sitboard::model::{DirectiveCategory, Priority};
    use sitboard::ui::workers::journal::{JournalRequest, JournalState, Outcome};

    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    write_atomic(&data, "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-03")));
    let hub = hub::start(HubConfig::new(&data, "127.0.0.1:0")).unwrap();
    let archive = tmp.path().join("board.sqlite");
    let url = hub.feed_url();
    let mut settings = Settings::for_sources(vec![FeedSource::Url(url.clone())], Lang::En);
    settings.live = LiveOptions {
        specs: vec![SourceSpec::new("hub", url, Duration::from_millis(200))],
        limits: live_common::limits_for_tests(),
    };
    settings.record = Some(archive.clone());
    let app = SitboardApp::live_for_tests(settings, Lang::En, None).with_journal(tmp.path().join("desk"));
    let mut h = harness(app);
    let until = |h: &mut Harness<'static, SitboardApp>, what: &str, cond: &dyn Fn(&SitboardApp) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !cond(h.state()) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(20));
            h.step();
        }
    };
    until(&mut h, "data and the journal", &|a| {
        a.situation().is_some() && a.journal_status().state == JournalState::Ready
    });
    let number = "哈指1号";
    let content = DirectiveContent {
        number: number.into(),
        issuer: "哈尔滨市指挥部".into(),
        title: "交通管制".into(),
        body: String::new(),
        category: DirectiveCategory::TrafficControl,
        scope: vec![province()],
        effective_from: None,
        effective_until: None,
        priority: Priority::High,
    };
    let event = NewEvent {
        kind: EventKind::Issued,
        issuer: content.issuer.clone(),
        number: number.into(),
        officer: "值班员".into(),
        unit: None,
        reason: None,
        content: Some(content),
    };
    h.state_mut().apply(UiCommand::Journal(JournalRequest::Append {
        id: 7,
        event: Box::new(event),
        exercise_at: None,
    }));
    until(&mut h, "the directive to be saved", &|a| a.journal_status().outcome.is_some());
    let issued_at = match &h.state().journal_status().outcome {
        Some((7, Outcome::Saved(ev))) => ev.at,
        other => panic!("not saved: {other:?}"),
    };
    // The feed's document and the journal's, both recorded.
    until(&mut h, "the journal to be recorded", &|a| a.recording().is_some_and(|r| r.recorded >= 2));
    drop(h);

    let reader = ArchiveReader::open(&archive).unwrap();
    let sources: Vec<String> = reader.snapshots().iter().map(|s| s.source.clone()).collect();
    assert!(sources.iter().any(|s| s.starts_with("journal:")), "{sources:?}");
    let registry = sitboard::feed::registry::bundled().unwrap();
    let has = |t: chrono::DateTime<chrono::Utc>| {
        let outcome = sitboard::replay::outcome_at(&archive, t, registry.clone()).unwrap();
        outcome.dataset.directives().iter().any(|d| d.content.number == number)
    };
    assert!(has(issued_at + chrono::Duration::seconds(1)), "the replay shows the directive once logged");
    assert!(!has(issued_at - chrono::Duration::seconds(1)), "and not before");
    assert!(!has(sitboard::model::time::end_of_day(day("2020-03-03"))), "nor on the data's day");
}
