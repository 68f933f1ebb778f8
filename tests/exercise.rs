//! Exercises (演练): a hub running a live demo publishes its exercise clock; a board that
//! follows it writes directives to the exercise journal, stamped with the exercise clock, and
//! the hub takes them into its own exercise journal on its exercise clock. Real and exercise
//! records never mix: the hub refuses a real event during an exercise, the real journal stays
//! empty, and `sitboard journal list` keeps them apart.

mod live_common;
mod ui_common;

use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use live_common::*;
use serde_json::{Value, json};
use sitboard::feed::FeedSource;
use sitboard::feed::live::{LiveOptions, SourceSpec};
use sitboard::hub::{self, HubConfig};
use sitboard::hub_client::{HubTarget, push_pending};
use sitboard::i18n::Lang;
use sitboard::model::journal::{DirectiveContent, EventKind, NewEvent};
use sitboard::model::time::end_of_day;
use sitboard::model::{Adcode, DirectiveCategory, Priority};
use sitboard::secret::Secret;
use sitboard::settings::Settings;
use sitboard::store::journal::{JournalKind, JournalStore, journal_path, journal_path_of};
use sitboard::ui::workers::journal::{JournalRequest, JournalState, Outcome};
use sitboard::ui::{MainTab, SitboardApp, UiCommand};
use ui_common::harness;

fn issued(number: &str) -> NewEvent {
    NewEvent {
        kind: EventKind::Issued,
        issuer: "哈尔滨市指挥部".into(),
        number: number.into(),
        officer: "officer.a".into(),
        unit: None,
        reason: None,
        content: Some(DirectiveContent {
            number: number.into(),
            issuer: "哈尔滨市指挥部".into(),
            title: format!("演练：{number}"),
            body: String::new(),
            category: DirectiveCategory::TrafficControl,
            scope: vec![Adcode::new(230100).unwrap()],
            effective_from: None,
            effective_until: None,
            priority: Priority::High,
        }),
    }
}

fn frames_until(
    h: &mut Harness<'static, SitboardApp>,
    timeout: Duration,
    mut done: impl FnMut(&Harness<'static, SitboardApp>) -> bool,
) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        h.step();
        if done(h) {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_live_demo_is_an_exercise_and_its_records_never_mix_with_real_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    write_atomic(&data, "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-31")));
    let tokens = tmp.path().join("tokens.toml");
    let token = hub::tokens::add(&tokens, "officer.a").unwrap();
    let mut cfg = HubConfig::new(&data, "127.0.0.1:0");
    // One exercise day per hour: the exercise clock stays on 03-05 for the whole test.
    cfg.demo_speed = Some(Duration::from_secs(3600));
    cfg.demo_start = Some(day("2020-03-05"));
    cfg.tokens = Some(tokens.clone());
    cfg.journal_dir = Some(tmp.path().join("hub-journal"));
    let hub = hub::start(cfg).expect("hub starts");
    let feed_clock: DateTime<Utc> = end_of_day(day("2020-03-05"));
    // Records logged then belong to 03-05 (a change at exactly 24:00 is the next day's).
    let exercise_clock = sitboard::model::time::just_before(feed_clock);

    // The feed says it is an exercise, and its as_of is the exercise clock.
    // The hub has a token: its feed is read with one (any role).
    let read = |url: &str| -> Value {
        let resp = reqwest::blocking::Client::new().get(url).bearer_auth(&token).send().unwrap();
        serde_json::from_str(&resp.text().unwrap()).unwrap()
    };
    let feed = read(&hub.feed_url());
    assert!(feed["exercise"].is_object(), "the demo's feed names the exercise: {}", feed["exercise"]);
    assert_eq!(feed["as_of"], json!(feed_clock.to_rfc3339()));
    // The hub keeps its exercise journal apart from a real one.
    let hub_journal = hub.journal_path().unwrap();
    assert_eq!(hub_journal.file_name().unwrap(), JournalKind::Exercise.file_name());

    // A board follows the hub: it is in an exercise, says so, and writes to the exercise
    // journal, stamping the exercise clock.
    let desk = tmp.path().join("desk");
    let url = hub.feed_url();
    let mut settings = Settings::for_sources(vec![FeedSource::Url(url.clone())], Lang::En);
    settings.live = LiveOptions {
        specs: vec![SourceSpec {
            token: Some(Secret::new(token.clone())),
            ..SourceSpec::new("exercise hub", url, Duration::from_millis(200))
        }],
        limits: limits_for_tests(),
    };
    let target = HubTarget::new(&hub.base_url(), Some(Secret::new(token.clone())));
    let app = SitboardApp::live_for_tests(settings, Lang::En, None).with_journal(desk.clone());
    let mut h = harness(app);
    assert!(
        frames_until(&mut h, Duration::from_secs(30), |h| h.state().is_exercise()
            && h.state().journal_status().state == JournalState::Ready),
        "the board does not see the exercise"
    );
    assert_eq!(h.state().journal_kind(), JournalKind::Exercise);
    assert!(h.query_by_label_contains("EXERCISE").is_some(), "the top bar says it is an exercise");
    h.state_mut().apply(UiCommand::SetTab(MainTab::Directives));
    h.run_steps(2);
    assert!(h.query_by_label_contains("Exercise records: this board follows an exercise").is_some());
    h.state_mut().apply(UiCommand::Journal(JournalRequest::Append {
        id: 1,
        event: Box::new(issued("演1号")),
        exercise_at: None,
    }));
    assert!(
        frames_until(&mut h, Duration::from_secs(30), |h| h.state().journal_status().outcome.is_some()),
        "the journal does not answer"
    );
    let saved = match &h.state().journal_status().outcome {
        Some((1, Outcome::Saved(ev))) => ev.clone(),
        other => panic!("not saved: {other:?}"),
    };
    assert_eq!(saved.exercise_at, Some(exercise_clock), "stamped with the exercise clock");
    // In force on the exercise clock, i.e. at the instant the board shows.
    assert!(
        frames_until(&mut h, Duration::from_secs(10), |h| h.state().situation().is_some_and(|s| s
            .journal()
            .records()
            .iter()
            .any(|r| r.in_force_at(s.last_instant())))),
        "the exercise directive is not in force at the exercise clock: {:?}",
        h.state().situation().map(|s| (
            s.last_instant(),
            s.journal().records().iter().map(|r| (r.issued_at, r.status)).collect::<Vec<_>>()
        ))
    );
    assert!(!journal_path(&desk).exists(), "nothing was written to the real journal");
    drop(h);

    // Pushed to the hub: written to its exercise journal on its exercise clock, published.
    let store =
        JournalStore::open_kind(&journal_path_of(&desk, JournalKind::Exercise), false, JournalKind::Exercise).unwrap();
    let client = sitboard::hub_client::client().unwrap();
    let report = push_pending(&store, &target, &client).unwrap();
    assert!(report.refused.is_empty() && report.pending.is_empty(), "{report:?}");
    let hub_store = JournalStore::open_kind(&hub_journal, false, JournalKind::Exercise).unwrap();
    let events = hub_store.events().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].exercise_at, Some(exercise_clock));
    assert!(hub_store.verify().unwrap().is_ok());
    let deadline = Instant::now() + Duration::from_secs(20);
    let published = loop {
        let feed = read(&hub.feed_url());
        let rows = feed["directives"].as_array().cloned().unwrap_or_default();
        if let Some(row) = rows.into_iter().find(|r| r["number"] == "演1号") {
            assert_eq!(feed["as_of"], json!(feed_clock.to_rfc3339()), "the hub's directives keep the exercise clock");
            break row;
        }
        assert!(Instant::now() < deadline, "the hub does not publish the exercise directive");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(published["issued_at"], json!(exercise_clock.to_rfc3339()));

    // A real event offered to the exercise hub is refused, and nothing is written.
    let mut real = JournalStore::open_in(&tmp.path().join("real-desk")).unwrap();
    real.append(issued("真1号"), Utc::now()).unwrap();
    let report = push_pending(&real, &target, &client).unwrap();
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert!(report.refused[0].1.contains("exercise"), "{:?}", report.refused);
    assert_eq!(hub_store.events().unwrap().len(), 1);

    // The command line keeps them apart: the real list points at the exercise records.
    let bin = env!("CARGO_BIN_EXE_sitboard");
    let run = |args: &[&str]| {
        let out = Command::new(bin).args(["--lang", "en", "--data-dir"]).arg(&desk).args(args).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
    };
    let (code, out) = run(&["journal", "list"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("Nothing has been logged"), "{out}");
    assert!(out.contains("1 exercise records are kept apart"), "{out}");
    let (code, out) = run(&["journal", "--exercise", "list"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("Exercise records (not real directives)") && out.contains("演1号"), "{out}");
    // Writing an exercise record from the command line needs the exercise clock.
    let (code, out) = run(&["journal", "--exercise", "ack", "演1号", "--unit", "道里区", "--officer", "李"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("--exercise-at"), "{out}");
    let (code, out) =
        run(&["journal", "--exercise-at", "2020-03-06 08:00", "ack", "演1号", "--unit", "道里区", "--officer", "李"]);
    assert_eq!(code, Some(0), "{out}");
    let (_, out) = run(&["journal", "--exercise", "history", "演1号", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["events"][1]["exercise_at"], json!("2020-03-06T00:00:00+00:00"));
    assert_eq!(v["exercise"], json!(true));
    assert!(!journal_path(&desk).exists(), "the real journal was never created");
}
