//! Issue 16.5: without a configured tile server the map makes no network connection at all.
//! Every HTTP client in the process (walkers' tile fetcher and the board's own reqwest clients)
//! honours the proxy variables, so they point at a local listener that must never be reached
//! while the map is shown, panned and zoomed. (Its own test binary: it sets process-wide
//! environment variables.)

mod ui_common;

use ui_common::*;

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sitboard::feed::{FeedSource, load_sources, registry};
use sitboard::i18n::Lang;
use sitboard::ui::{MainTab, SitboardApp, UiCommand};

/// A listener counting the connections it accepts.
fn counting_listener() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (port, hits)
}

fn run_map(tiles: Option<String>, hits: &AtomicUsize, wait: Duration) -> usize {
    let dir = sitboard::settings::paths::bundled_demo_dir().expect("demo");
    let outcome = load_sources(&[FeedSource::Path(dir)], registry::bundled().expect("registry"));
    let mut h = harness(SitboardApp::from_outcome_with_tiles(outcome, Lang::Zh, tiles));
    h.state_mut().apply(UiCommand::SetDate(date("2020-03-04")));
    h.state_mut().apply(UiCommand::SelectRegion(code(230000)));
    h.state_mut().apply(UiCommand::SetTab(MainTab::Map));
    h.run();
    // Drag the map, then keep stepping: a tile fetcher would start by now.
    let centre = egui::pos2(960.0, 600.0);
    h.drag_at(centre);
    h.hover_at(centre + egui::vec2(120.0, 80.0));
    h.drop_at(centre + egui::vec2(120.0, 80.0));
    let until = Instant::now() + wait;
    while Instant::now() < until && hits.load(Ordering::SeqCst) == 0 {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    hits.load(Ordering::SeqCst)
}

#[test]
fn the_map_makes_no_connection_without_a_tile_server() {
    let (port, hits) = counting_listener();
    let proxy = format!("http://127.0.0.1:{port}");
    // SAFETY: this test binary has a single test and sets the variables before any thread
    // that reads the environment is started.
    unsafe {
        for var in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
            std::env::set_var(var, &proxy);
        }
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
    }
    let none = run_map(None, &hits, Duration::from_secs(2));
    assert_eq!(none, 0, "the map connected somewhere with no tile server configured");

    // The probe works: a configured (remote) tile server is reached through the same proxy.
    let remote = "http://tiles.sitboard-test.invalid/{z}/{x}/{y}.png".to_string();
    let seen = run_map(Some(remote), &hits, Duration::from_secs(20));
    assert!(seen > 0, "the probe saw no connection even with a tile server configured");
}
