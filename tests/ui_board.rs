//! UI tests with egui_kittest: drive the board by role and label, on the bundled demo, and
//! assert on what a person reads. The harness fails on any missing glyph, so these tests
//! also prove the bundled font covers the interface in both languages.

mod ui_common;

use ui_common::*;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use sitboard::i18n::Lang;
use sitboard::ui::{SitboardApp, UiCommand};

/// Move the board to a day and region through the same commands the panels emit.
fn goto(h: &mut Harness<'static, SitboardApp>, day: &str, region: u32) {
    h.state_mut().apply(UiCommand::SetDate(date(day)));
    h.state_mut().apply(UiCommand::SelectRegion(code(region)));
    h.run();
}

fn tile(h: &Harness<'static, SitboardApp>, label: &str) {
    assert!(
        h.query_by_label(label).is_some(),
        "expected a tile reading {label:?}; tiles on screen: {:?}",
        h.query_all_by_role(Role::Label)
            .filter_map(|n| n.accesskit_node().label())
            .filter(|l| l.contains(": "))
            .collect::<Vec<_>>()
    );
}

#[test]
fn typing_a_date_shows_the_provinces_95_active_cases() {
    let mut h = harness(demo_app(Lang::Zh));
    h.run();
    let field = h.get_by_label("跳转到日期");
    field.click();
    field.type_text("2020-03-03");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().situation().unwrap().date(), date("2020-03-03"));
    tile(&h, "现有确诊: 95");
    tile(&h, "累计治愈: 372");
    tile(&h, "现有重症: 29");
    // The top bar shows the as-of time with its zone.
    assert!(h.query_by_label("2020-03-03 24:00 北京时间").is_some());
}

#[test]
fn switching_to_english_relabels_the_board() {
    let mut h = harness(demo_app(Lang::Zh));
    goto(&mut h, "2020-03-03", 230000);
    h.get_by_role_and_label(Role::Button, "English").click();
    h.run();
    tile(&h, "Active cases: 95");
    assert!(h.query_all_by_label("Heilongjiang Province").next().is_some());
    assert!(h.query_by_label("现有确诊: 95").is_none());
    // And back.
    h.get_by_role_and_label(Role::Button, "中文").click();
    h.run();
    tile(&h, "现有确诊: 95");
}

#[test]
fn clicking_harbin_in_the_region_picker_selects_it() {
    let mut h = harness(demo_app(Lang::Zh));
    goto(&mut h, "2020-03-03", 230000);
    // The first 哈尔滨市 is the picker's entry (left panel).
    let harbin = h.get_all_by_label("哈尔滨市").next().expect("哈尔滨市 in the region picker");
    harbin.click();
    h.run();
    assert_eq!(h.state().selected_region(), Some(code(230100)));
    tile(&h, "现有确诊: 48");
}

#[test]
fn previous_and_next_day_buttons_move_the_date() {
    let mut h = harness(demo_app(Lang::En));
    goto(&mut h, "2020-03-03", 230000);
    h.get_by_role_and_label(Role::Button, "‹ Previous day").click();
    h.run();
    assert_eq!(h.state().situation().unwrap().date(), date("2020-03-02"));
    h.get_by_role_and_label(Role::Button, "Next day ›").click();
    h.run();
    assert_eq!(h.state().situation().unwrap().date(), date("2020-03-03"));
    tile(&h, "Active cases: 95");
}

/// Issue 16.3: the overview's risk card says when the levels it counts were reconstructed by
/// the source (2020-03-03) rather than published (2020-03-04).
#[test]
fn the_risk_card_marks_reconstructed_levels() {
    let mut h = harness(demo_app(Lang::Zh));
    goto(&mut h, "2020-03-03", 230000);
    assert!(h.query_by_label("125 个为数据源重建（非通报）").is_some());
    goto(&mut h, "2020-03-04", 230000);
    assert!(h.query_all_by_label_contains("数据源重建").next().is_none());
}

/// Issue 16.12: the date bar keeps its two rows: a go-to error appears at the end of the second
/// row, so the period buttons neither wrap nor move, in either language.
#[test]
fn a_go_to_error_does_not_move_the_period_buttons() {
    for (lang, field, period) in
        [(Lang::En, "Go to date", "2022-11-01 … 11-30"), (Lang::Zh, "跳转到日期", "2022-11-01 … 11-30")]
    {
        let mut h = harness(demo_app(lang));
        goto(&mut h, "2020-02-20", 230000);
        let before = h.get_by_label(period).rect();
        let f = h.get_by_label(field);
        f.click();
        f.type_text("not a date");
        h.run();
        h.key_press(egui::Key::Enter);
        h.run();
        let error = h
            .query_all_by_role(Role::Label)
            .find(|n| n.rect().min.y > 1000.0 && n.rect().min.x > before.max.x)
            .map(|n| n.rect());
        assert!(error.is_some(), "{lang:?}: the error shows after the periods");
        let after = h.get_by_label(period).rect();
        assert_eq!(before, after, "{lang:?}: the period button moved");
        assert!(after.max.x <= 1920.0 && after.max.y <= 1080.0);
    }
}

/// Issue 16.12: nothing on the overview runs past the window's right edge, in either language
/// (the channels card and the trend card used to: long values widened their cards).
#[test]
fn the_overview_fits_the_window() {
    for lang in [Lang::En, Lang::Zh] {
        let mut h = harness(demo_app(lang));
        for (day, region) in [("2022-11-29", 230100), ("2020-03-03", 230000), ("2020-02-20", 231200)] {
            goto(&mut h, day, region);
            let over: Vec<String> = h
                .query_all_by_role(Role::Label)
                .filter(|n| n.rect().max.x > 1920.5)
                .map(|n| format!("{:?} at x {}", n.accesskit_node().label(), n.rect().max.x))
                .collect();
            assert!(over.is_empty(), "{lang:?} {day} {region}: past the edge: {over:?}");
        }
    }
}

/// Issue 15: a row kept but flagged (severe more than active) is said on the board, in both
/// languages, and its message is in the data-problems window.
#[test]
fn flagged_figures_are_said_in_the_top_bar_and_the_problems_window() {
    let dir = sitboard::settings::paths::bundled_demo_dir().expect("bundled demo folder data/demo");
    let tmp = tempfile::tempdir().unwrap();
    let flagged = tmp.path().join("flagged.json");
    std::fs::write(
        &flagged,
        r#"{"schema": "sitboard.feed/1", "source": {"id": "flagged", "name": "Test bulletin"},
            "generated_at": "2020-03-04T02:00:00Z", "as_of": "2020-03-03T16:00:00Z",
            "case_reports": [{"region": "230100", "date": "2020-03-03", "active": 48, "severe": 60}]}"#,
    )
    .unwrap();
    let outcome = sitboard::feed::load_sources(
        &[sitboard::feed::FeedSource::Path(dir), sitboard::feed::FeedSource::Path(flagged)],
        sitboard::feed::registry::bundled().unwrap(),
    );
    let mut h = harness(SitboardApp::from_outcome(outcome, Lang::Zh));
    h.run();
    h.get_by_role_and_label(Role::Button, "⚠ 1 条数据存疑").click();
    h.run();
    assert!(
        h.query_by_label_contains("case_reports[0].severe: severe 60 is more than active 48").is_some(),
        "the problems window names the row"
    );
    h.get_by_role_and_label(Role::Button, "English").click();
    h.run();
    assert!(h.query_by_role_and_label(Role::Button, "⚠ 1 figures flagged").is_some());
}
