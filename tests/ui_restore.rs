//! The saved board state on the next start: the day saved for a set of sources is restored
//! when the board opens the same sources again, while a new data source (another file, a
//! snapshot) opens on its own latest day, not on a day saved for other data.

mod ui_common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use sitboard::feed::FeedSource;
use sitboard::i18n::Lang;
use sitboard::settings::{Settings, StartOptions};
use sitboard::ui::{BoardState, SitboardApp};
use ui_common::*;

/// eframe's storage, in memory.
#[derive(Default)]
struct MemStorage(HashMap<String, String>);

impl eframe::Storage for MemStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

fn saved(date: &str, sources: &str) -> MemStorage {
    let state = BoardState { date: Some(date_of(date)), date_sources: Some(sources.to_owned()), ..Default::default() };
    let mut s = MemStorage::default();
    eframe::set_value(&mut s, "sitboard.board", &state);
    s
}

fn date_of(s: &str) -> chrono::NaiveDate {
    date(s)
}

/// The day the board shows once its data is loaded.
fn opened_on(sources: Vec<FeedSource>, storage: &MemStorage) -> chrono::NaiveDate {
    let settings = Settings::for_sources(sources, Lang::En);
    let app = SitboardApp::create(&egui::Context::default(), Some(storage), settings, StartOptions::default());
    let mut h = harness(app);
    let deadline = Instant::now() + Duration::from_secs(60);
    while h.state().situation().is_none() {
        assert!(Instant::now() < deadline, "the data did not load");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    h.state().situation().map(|s| s.date()).unwrap()
}

#[test]
fn the_saved_day_returns_only_for_the_same_sources() {
    let demo = sitboard::settings::paths::bundled_demo_dir().expect("bundled demo");
    let note = demo.display().to_string();
    // The same sources: the saved day.
    assert_eq!(opened_on(vec![FeedSource::Path(demo.clone())], &saved("2020-02-10", &note)), date("2020-02-10"));
    // Another source (one file of the demo, whose latest day is 2020-04-30): its latest day.
    let file = demo.join("hlj-2020-cases.json");
    let day = opened_on(vec![FeedSource::Path(file)], &saved("2020-02-10", &note));
    assert_eq!(day, date("2020-04-30"), "a new data source opens on its latest day");
}
