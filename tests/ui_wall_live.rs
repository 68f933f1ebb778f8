//! The wall following a live hub (egui_kittest, frame by frame; issue 18 "alive and honest"):
//! one chip per source with its age while the hub answers; when every source is lost the wall
//! says so in large type, with a red banner, instead of looking normal.

mod live_common;
mod ui_common;

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use live_common::*;
use sitboard::feed::FeedSource;
use sitboard::feed::live::{LiveOptions, SourceSpec};
use sitboard::hub::{self, HubConfig};
use sitboard::i18n::Lang;
use sitboard::settings::Settings;
use sitboard::ui::SitboardApp;
use ui_common::harness;

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

#[test]
fn the_wall_shows_its_sources_and_says_when_all_are_lost() {
    let dir = tempfile::tempdir().unwrap();
    write_atomic(dir.path(), "cases.json", &feed_doc("cases", day("2020-03-01"), day("2020-03-10")));
    let hub = hub::start(HubConfig::new(dir.path(), "127.0.0.1:0")).unwrap();
    let url = hub.feed_url();
    let mut settings = Settings::for_sources(vec![FeedSource::Url(url.clone())], Lang::En);
    let interval = Duration::from_millis(150);
    settings.live = LiveOptions { specs: vec![SourceSpec::new("test hub", url, interval)], limits: limits_for_tests() };
    let mut app = SitboardApp::live_for_tests(settings, Lang::En, None);
    app.set_wall_mode(true);
    let mut h = harness(app);
    assert!(frames_until(&mut h, Duration::from_secs(20), |h| h.state().situation().is_some()), "no data");
    assert!(
        frames_until(&mut h, Duration::from_secs(5), |h| h.query_by_label_contains("test hub · just now").is_some()),
        "a chip for the source with its age"
    );
    assert!(h.query_by_label_contains("ALL DATA SOURCES LOST").is_none());
    assert!(h.query_by_label_contains("STALE DATA").is_none());

    hub.stop();
    assert!(
        frames_until(&mut h, Duration::from_secs(10), |h| h
            .query_all_by_label_contains("ALL DATA SOURCES LOST")
            .count()
            == 2),
        "every source lost: the banner and the large message say so"
    );
    assert!(h.query_by_label_contains("test hub · stale").is_some(), "the chip says stale");
    assert!(h.query_by_label_contains("not the current situation").is_some());
}
