//! UI tests of the board's exports (issue 14) with egui_kittest, on the bundled demo and a
//! journal in a temporary data dir: the subregion table's CSV action writes the file into the
//! exports folder and the export record in the Directives tab lists it; F12 draws the footer
//! (as-of, source) on the frame it saves as PNG at the window's full resolution; the Export
//! menu writes the daily briefing; a board without a journal refuses to export and says so.

mod ui_common;

use std::path::Path;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use sitboard::i18n::Lang;
use sitboard::ui::workers::journal::JournalState;
use sitboard::ui::{MainTab, SitboardApp, UiCommand};
use ui_common::*;

fn board(lang: Lang, data_dir: Option<&Path>) -> Harness<'static, SitboardApp> {
    let mut app = demo_app(lang);
    if let Some(d) = data_dir {
        app = app.with_journal(d.to_path_buf());
    }
    app.apply(UiCommand::SetDate(date("2020-03-03")));
    app.apply(UiCommand::SelectRegion(code(230000)));
    app.apply(UiCommand::SetTab(MainTab::Overview));
    let mut h = harness(app);
    h.run_steps(3);
    h
}

/// Run frames until `cond` holds (the journal worker answers on its own thread).
fn wait_for(h: &mut Harness<'static, SitboardApp>, what: &str, cond: impl Fn(&Harness<'static, SitboardApp>) -> bool) {
    let start = Instant::now();
    while !cond(h) {
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(15));
        h.step();
    }
    h.run_steps(2);
}

fn exported(h: &Harness<'static, SitboardApp>) -> bool {
    h.state().export_message().is_some()
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir.join("exports"))
        .map(|r| r.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn the_subregion_table_exports_csv_and_the_record_lists_it() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut h = board(Lang::Zh, Some(tmp.path()));
    wait_for(&mut h, "the journal to open", |h| h.state().journal_status().state == JournalState::Ready);
    h.get_by_label("导出 CSV").click();
    wait_for(&mut h, "the export", exported);
    let (msg, good) = h.state().export_message().cloned().expect("a message");
    assert!(good, "{msg}");
    assert!(h.query_by_label_contains("已导出：").is_some(), "the top bar says where it went");
    assert_eq!(files(tmp.path()), ["subregions-230000-2020-03-03.csv"]);
    let text = std::fs::read_to_string(tmp.path().join("exports/subregions-230000-2020-03-03.csv")).expect("csv");
    assert!(text.starts_with('\u{feff}'), "no BOM");
    assert!(text.contains("#region,黑龙江省 Heilongjiang Province (230000)"), "{text}");
    assert!(text.contains("哈尔滨市"), "{text}");

    // The Directives tab's export record lists it, with who and the file's hash on hover.
    h.state_mut().apply(UiCommand::SetTab(MainTab::Directives));
    h.run_steps(3);
    h.get_by_label("导出记录 (1)").click();
    h.run_steps(3);
    assert!(h.query_by_label("subregions-230000-2020-03-03.csv").is_some(), "the record lists the file");
    assert!(h.query_by_label("csv:subregions").is_some(), "the record says what it was");
}

#[test]
fn f12_saves_the_window_as_png_with_the_as_of_and_source_footer() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut h = board(Lang::En, Some(tmp.path()));
    wait_for(&mut h, "the journal to open", |h| h.state().journal_status().state == JournalState::Ready);
    assert!(h.query_by_label_contains("Data as of 2020-03-03 24:00 UTC+8").is_none(), "no footer before F12");
    // F12 down: one frame (a `key_press` would run a second frame for the key going up).
    h.input_mut().events.push(egui::Event::Key {
        key: egui::Key::F12,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.step();
    // The frame pictured carries the footer.
    assert!(
        h.query_by_label_contains("Data as of 2020-03-03 24:00 UTC+8").is_some(),
        "the footer on the saved frame says the as-of time"
    );
    assert!(
        h.query_by_label_contains("Source: 卡口、收费站、物流园区定义").is_some(),
        "the footer on the saved frame names the sources"
    );
    wait_for(&mut h, "the PNG", exported);
    let (msg, good) = h.state().export_message().cloned().expect("a message");
    assert!(good, "{msg}");
    let names = files(tmp.path());
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("board-230000-2020-03-03-") && names[0].ends_with(".png"), "{names:?}");
    let file = std::fs::File::open(tmp.path().join("exports").join(&names[0])).expect("png");
    let info = png::Decoder::new(std::io::BufReader::new(file)).read_info().expect("a PNG").info().clone();
    assert_eq!((info.width, info.height), (1920, 1080), "the window's full resolution");
    // The footer is gone on the next frame.
    h.run_steps(2);
    assert!(h.query_by_label_contains("Data as of 2020-03-03 24:00 UTC+8").is_none());
}

#[test]
fn the_export_menu_writes_the_daily_briefing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut h = board(Lang::Zh, Some(tmp.path()));
    wait_for(&mut h, "the journal to open", |h| h.state().journal_status().state == JournalState::Ready);
    h.get_by_label("导出").click();
    h.run_steps(2);
    h.get_by_label("每日简报（PDF）").click();
    wait_for(&mut h, "the briefing", exported);
    assert_eq!(files(tmp.path()), ["briefing-230000-2020-03-03-zh.pdf"]);
    let bytes = std::fs::read(tmp.path().join("exports/briefing-230000-2020-03-03-zh.pdf")).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    let j = sitboard::store::journal::JournalStore::open_in(tmp.path()).expect("journal");
    let record = j.exports().expect("the export record");
    assert_eq!(record.len(), 1);
    assert_eq!(record[0].export.what, "briefing:pdf");
    assert_eq!(record[0].export.sha256, sitboard::store::journal::file_sha256(&bytes));
}

#[test]
fn without_a_journal_nothing_is_exported_and_the_board_says_why() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut h = board(Lang::En, None);
    h.get_by_label("Export CSV").click();
    wait_for(&mut h, "the refusal", exported);
    let (msg, good) = h.state().export_message().cloned().expect("a message");
    assert!(!good && msg.starts_with("Export failed: "), "{msg}");
    assert!(files(tmp.path()).is_empty());
}
