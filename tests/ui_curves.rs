//! Case-curves panel, driven through the UI with egui_kittest on the bundled demo.

mod ui_common;

use ui_common::*;

use chrono::NaiveDate;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use sitboard::i18n::Lang;
use sitboard::model::Adcode;
use sitboard::ui::{MainTab, SitboardApp, UiCommand};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn go(h: &mut Harness<'static, SitboardApp>, day: &str, region: u32) {
    h.state_mut().apply(UiCommand::SetDate(date(day)));
    h.state_mut().apply(UiCommand::SelectRegion(Adcode::new(region).unwrap()));
    h.run();
}

#[test]
fn province_chart_has_legend_readout_and_directive_markers() {
    let mut h = harness(demo_app(Lang::Zh));
    go(&mut h, "2020-03-03", 230000);
    // Open the tab as a person would.
    h.get_by_label("病例曲线").click();
    h.run();
    assert_eq!(h.state().state.tab, MainTab::Curves);
    // Legend entries (check boxes that toggle each series); the wall defaults are on.
    for (label, on) in
        [("新增确诊", true), ("7日平均新增", true), ("现有确诊", true), ("累计确诊", false), ("现有重症", false)]
    {
        let entry = h.get_by_role_and_label(Role::CheckBox, label);
        assert_eq!(entry.accesskit_node().toggled().map(|t| t == egui::accesskit::Toggled::True), Some(on), "{label}");
    }
    // The readout of the day in view (no mouse over the chart): 95 active, reported.
    assert!(
        h.query_all_by_label_contains("现有确诊 95 ●").next().is_some(),
        "readout should show active 95 as reported: {:?}",
        h.query_all_by_label_contains("现有确诊")
            .map(|n| format!("{:?}", n.accesskit_node().value()))
            .collect::<Vec<_>>()
    );
    assert!(h.query_all_by_label_contains("2020-03-03").next().is_some());
    // Directive markers, also listed as text.
    let marks = h.get_by_label_contains("图中标注的指令");
    let text = marks.accesskit_node().value().unwrap_or_default();
    assert!(text.contains("绥指公4号 02-01 21:00"), "{text}");
    assert!(text.contains("绥指公5号"), "{text}");
    // Not yet issued on 2020-03-03.
    assert!(!text.contains("绥指公21号"), "{text}");
}

#[test]
fn toggling_a_legend_entry_shows_a_series() {
    let mut h = harness(demo_app(Lang::En));
    go(&mut h, "2020-03-03", 230000);
    h.state_mut().apply(UiCommand::SetTab(MainTab::Curves));
    h.run();
    // The cured series is drawn in its colour once ticked, and not before.
    let cured_colour = egui::Color32::from_rgb(0x3c, 0xc4, 0x7c);
    assert!(!draws_in(&h, cured_colour), "the cured series is hidden at first");
    let cured = h.get_by_role_and_label(Role::CheckBox, "Cured");
    cured.click();
    h.run();
    let cured = h.get_by_role_and_label(Role::CheckBox, "Cured");
    assert_eq!(cured.accesskit_node().toggled(), Some(egui::accesskit::Toggled::True));
    assert!(draws_in(&h, cured_colour), "the cured series is drawn");
}

/// Whether the last frame drew a line in `colour`.
fn draws_in(h: &Harness<'static, SitboardApp>, colour: egui::Color32) -> bool {
    fn any(shape: &egui::Shape, colour: egui::Color32) -> bool {
        match shape {
            egui::Shape::Vec(v) => v.iter().any(|s| any(s, colour)),
            egui::Shape::Path(p) => p.stroke.color == egui::epaint::ColorMode::Solid(colour) && p.points.len() > 2,
            egui::Shape::LineSegment { stroke, .. } => stroke.color == colour,
            _ => false,
        }
    }
    h.output().shapes.iter().any(|c| any(&c.shape, colour))
}

#[test]
fn compare_and_small_multiples_show_the_13_cities() {
    let mut h = harness(demo_app(Lang::Zh));
    go(&mut h, "2020-03-03", 230000);
    h.state_mut().apply(UiCommand::SetTab(MainTab::Curves));
    h.run();
    h.get_by_label("下辖地区对比").click();
    h.run();
    for city in ["哈尔滨市", "齐齐哈尔市", "大兴安岭地区", "绥化市"] {
        assert!(h.query_by_role_and_label(Role::CheckBox, city).is_some(), "{city} in the compare legend");
    }
    // Per 100 000: the bundled registry carries the 2020 census population.
    let per = h.get_by_label("每10万人");
    assert!(!per.accesskit_node().is_disabled());
    h.get_by_label("分区小图").click();
    h.run();
    assert!(h.query_all_by_label_contains("哈尔滨市  现有 48").next().is_some());
    assert!(h.query_all_by_label_contains("大兴安岭地区  现有 0").next().is_some());
    // Clicking a small chart's title selects that city for the whole board.
    h.get_by_label("哈尔滨市  现有 48").click();
    h.run();
    assert_eq!(h.state().selected_region(), Adcode::new(230100));
}

/// Issue 16.12: the chart's footnotes (readout, note, markers) end above the date bar in both
/// languages; the list of markers used to be cut off by it.
#[test]
fn the_footnotes_end_above_the_date_bar() {
    for (lang, markers, bar) in
        [(Lang::Zh, "图中标注的指令", "日期"), (Lang::En, "Directives marked on the chart", "Date")]
    {
        let mut h = harness(demo_app(lang));
        go(&mut h, "2020-03-03", 230000);
        h.state_mut().apply(UiCommand::SetTab(MainTab::Curves));
        h.run();
        let notes = h.get_by_label_contains(markers).rect();
        let bar = h.get_by_label(bar).rect();
        assert!(
            notes.max.y <= bar.min.y,
            "{lang:?}: the markers end at y {} under the date bar at {}",
            notes.max.y,
            bar.min.y
        );
    }
}
