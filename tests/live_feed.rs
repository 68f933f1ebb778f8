//! The board's live feed client against a hub on a loopback port (started in-process): it
//! sees an update within one poll interval, a 304 keeps the data without downloading it
//! again, a stopped hub turns the source stale within two intervals while the data stays,
//! and a hub that comes back clears it. Bad answers (an HTML error page, truncated JSON,
//! HTTP 500, a body slower than the timeout, an oversized body) each give a clear error in
//! the source's state and nothing else breaks. The state machine is tested through the
//! client's events, not through pixels.

mod live_common;

use std::time::{Duration, Instant};

use clap::Parser as _;
use live_common::*;
use sitboard::feed::FeedSource;
use sitboard::feed::live::Health;

const INTERVAL: Duration = Duration::from_millis(200);

/// Processing allowance on top of the protocol's bound (debug build, 2 shared cores): the
/// poll itself, parsing and rebuilding a small dataset.
const SLACK: Duration = Duration::from_millis(400);

#[test]
fn an_update_is_seen_within_one_interval_and_304_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    write_atomic(dir.path(), "a.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-03")));
    let hub = start_hub(dir.path());
    let feed = follow(&[hub.feed_url()], INTERVAL);
    let mut seen = Seen::default();

    assert!(
        wait_until(&feed.events, &mut seen, Duration::from_secs(20), |s| {
            !s.datasets.is_empty() && health(s, 0) == Some(Health::Live)
        }),
        "no data: {:?}",
        seen.sources
    );
    assert_eq!(seen.datasets.len(), 1);
    assert_eq!(seen.latest_date(), Some(day("2020-03-03")));
    assert_eq!(health(&seen, 0), Some(Health::Live));

    // Unchanged document: the next polls are answered 304, nothing is downloaded again and
    // no new dataset is built.
    assert!(wait_until(&feed.events, &mut seen, Duration::from_secs(10), |s| {
        s.status(0).is_some_and(|st| st.not_modified >= 3)
    }));
    let st = seen.status(0).unwrap();
    assert_eq!(st.downloads, 1, "a 304 must not download the document again: {st:?}");
    assert_eq!(st.health, Health::Live);
    assert_eq!(seen.datasets.len(), 1, "no rebuild without a change");
    assert_eq!(seen.latest_date(), Some(day("2020-03-03")), "the data is kept");

    // The hub gets a newer document; measure from the moment it serves it.
    write_atomic(dir.path(), "b.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-05")));
    let published_at = {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut at = None;
        for _ in 0..10_000 {
            if hub.published().as_of == sitboard::model::time::end_of_day(day("2020-03-05")) {
                at = Some(Instant::now());
                break;
            }
            if Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        at.expect("the hub publishes the new document")
    };
    assert!(wait_until(&feed.events, &mut seen, Duration::from_secs(10), |s| {
        s.latest_date() == Some(day("2020-03-05")) && s.status(0).is_some_and(|st| st.downloads == 2)
    }));
    let (_, ready) = seen.datasets.last().unwrap();
    let latency = ready.saturating_duration_since(published_at);
    eprintln!(
        "update seen {} ms after the hub published it (interval {} ms)",
        latency.as_millis(),
        INTERVAL.as_millis()
    );
    assert!(latency <= INTERVAL + SLACK, "update took {latency:?}, more than one interval ({INTERVAL:?}) + {SLACK:?}");
    assert_eq!(seen.status(0).unwrap().downloads, 2);
}

#[test]
fn a_stopped_hub_turns_stale_within_two_intervals_keeps_the_data_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    write_atomic(dir.path(), "a.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-03")));
    let hub = start_hub(dir.path());
    let addr = hub.addr().to_string();
    let url = hub.feed_url();
    let feed = follow(std::slice::from_ref(&url), INTERVAL);
    let mut seen = Seen::default();
    assert!(wait_until(&feed.events, &mut seen, Duration::from_secs(20), |s| {
        s.datasets.len() == 1 && s.status(0).is_some_and(|st| st.not_modified >= 1)
    }));
    let last_success = seen.status(0).unwrap().last_success.unwrap();

    hub.stop();
    let stopped = Instant::now();
    assert!(
        wait_until(&feed.events, &mut seen, Duration::from_secs(10), |s| health(s, 0) == Some(Health::Stale)),
        "no stale state: {:?}",
        seen.status(0)
    );
    let stale_after = stopped.elapsed();
    let st = seen.status(0).unwrap();
    eprintln!("stale {} ms after the hub stopped; error: {:?}", stale_after.as_millis(), st.last_error);
    assert!(stale_after <= 2 * INTERVAL + SLACK, "stale only after {stale_after:?}");
    // Stale means two intervals without a good answer, measured from the last one.
    let quiet = chrono::Utc::now() - last_success;
    assert!(quiet >= chrono::Duration::from_std(2 * INTERVAL).unwrap(), "stale too early: {quiet}");
    let err = &st.last_error.as_ref().expect("the error is kept").1;
    assert!(err.contains("cannot connect"), "plain-words error, got {err:?}");
    assert!(st.failures >= 1);
    assert_eq!(seen.datasets.len(), 1, "a failing source keeps its last good data");
    assert_eq!(st.as_of, Some(sitboard::model::time::end_of_day(day("2020-03-03"))));

    // The hub comes back on the same address: the next good answer clears it.
    let hub = restart_hub_on(dir.path(), &addr);
    assert_eq!(hub.feed_url(), url);
    assert!(
        wait_until(&feed.events, &mut seen, Duration::from_secs(15), |s| health(s, 0) == Some(Health::Live)),
        "not recovered: {:?}",
        seen.status(0)
    );
    let st = seen.status(0).unwrap();
    assert_eq!(st.failures, 0);
    assert_eq!(st.visible_key().1, None, "a recovered source shows no error");
}

#[test]
fn bad_answers_give_clear_errors_in_the_source_state_and_nothing_breaks() {
    let server = FaultServer::start(feed_doc("good", day("2020-03-01"), day("2020-03-04")));
    let paths = ["/good", "/html", "/truncated", "/500", "/slow", "/big", "/big-stream", "/missing"];
    let urls: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
    let feed = follow(&urls, INTERVAL);
    let mut seen = Seen::default();
    let started = Instant::now();
    assert!(
        wait_until(&feed.events, &mut seen, Duration::from_secs(20), |s| {
            s.datasets.len() == 1 && (1..paths.len()).all(|i| s.status(i).is_some_and(|st| st.failures >= 2))
        }),
        "not every bad source failed twice within 20 s: {:#?}",
        seen.sources
    );
    eprintln!("all bad answers reported within {} ms", started.elapsed().as_millis());
    let error = |i: usize| seen.status(i).unwrap().last_error.as_ref().unwrap().1.clone();
    let expect = |i: usize, needles: &[&str]| {
        let e = error(i);
        for n in needles {
            assert!(e.contains(n), "{}: expected {n:?} in {e:?}", paths[i]);
        }
        assert_eq!(seen.status(i).unwrap().health, Health::NoData, "{}", paths[i]);
    };
    expect(1, &["web page (HTML)", "502 Bad Gateway", "check the URL"]);
    expect(2, &["not a usable feed document", "truncated"]);
    expect(3, &["HTTP 500", "will retry"]);
    expect(4, &["timed out", "700 ms"]);
    expect(5, &["larger than the 64 KB limit"]);
    expect(6, &["larger than the 64 KB limit"]);
    expect(7, &["HTTP 404", "check the URL"]);
    // The good source is unaffected: live, and its data is the dataset.
    assert_eq!(health(&seen, 0), Some(Health::Live));
    assert_eq!(seen.latest_date(), Some(day("2020-03-04")));
    // The slow body was cut off at the deadline, not waited for.
    let slow = seen.status(4).unwrap();
    assert!(slow.failures >= 2 && started.elapsed() < Duration::from_secs(20));
}

#[test]
fn urls_on_the_command_line_become_live_sources_and_files_are_read_once() {
    let cli = sitboard::cli::Cli::try_parse_from([
        "sitboard",
        "--config",
        "/nonexistent/sitboard.toml",
        "--data",
        "http://127.0.0.1:9/v1/feed",
        "--data",
        "data/demo",
        "--interval",
        "0.5",
    ])
    .unwrap();
    let settings = cli.settings();
    let live = settings.live_config().expect("a URL source makes the board live");
    assert_eq!(live.sources.len(), 1);
    assert_eq!(live.sources[0].interval, Duration::from_millis(500));
    assert_eq!(live.files, vec![std::path::PathBuf::from("data/demo")]);
    assert_eq!(live.limits.total_timeout, Duration::from_secs(30));
    assert_eq!(live.limits.connect_timeout, Duration::from_secs(5));
    assert_eq!(live.limits.max_body, 64 * 1024 * 1024);

    // Files only: not live (the one-shot loader reads them).
    let cli =
        sitboard::cli::Cli::try_parse_from(["sitboard", "--config", "/nonexistent/x.toml", "--data", "data/demo"])
            .unwrap();
    assert!(cli.settings().live_config().is_none());
    assert!(matches!(cli.settings().sources[0], FeedSource::Path(_)));
}
