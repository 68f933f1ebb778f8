//! Checkpoints panel, driven with egui_kittest on the bundled demo: the table lists the
//! demo's checkpoints, sorts by alarms, selecting 南风井收费站 shows its lanes' charts, and
//! Suihua's exits read as closed after 绥指公4号 (2020-02-01 22:00).

mod ui_common;

use ui_common::*;

use chrono::NaiveDate;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use sitboard::i18n::Lang;
use sitboard::model::{Adcode, Overview};
use sitboard::ui::{MainTab, SitboardApp, UiCommand};

fn go(h: &mut Harness<'static, SitboardApp>, day: &str, region: u32) {
    h.state_mut().apply(UiCommand::SetDate(NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap()));
    h.state_mut().apply(UiCommand::SelectRegion(Adcode::new(region).unwrap()));
    h.state_mut().apply(UiCommand::SetTab(MainTab::Checkpoints));
    h.run();
}

/// Top of the table row whose name contains `name`.
fn row_top(h: &Harness<'static, SitboardApp>, name: &str) -> f32 {
    h.get_by_role_and_label(Role::Button, name).rect().top()
}

#[test]
fn table_lists_sorts_and_selects() {
    let mut h = harness(demo_app(Lang::Zh));
    go(&mut h, "2022-11-29", 230000);
    for name in [
        "禧龙物流园区",
        "神吉物流园区",
        "传化物流园区",
        "中顺物流园区",
        "华都物流园区",
        "锦城物流园区",
        "道外区高速公路卡口（一）",
    ] {
        assert!(h.query_by_role_and_label(Role::Button, name).is_some(), "{name} in the table");
    }
    // Sorted by alarms (most first) by default; clicking the header flips the order.
    let first = |h: &Harness<'static, SitboardApp>| {
        [
            "道外区高速公路卡口（一）",
            "道外区高速公路卡口（二）",
            "道外区高速公路卡口（三）",
            "锦城物流园区",
            "中顺物流园区",
        ]
        .into_iter()
        .min_by(|a, b| row_top(h, a).total_cmp(&row_top(h, b)))
        .unwrap()
    };
    let top_desc = first(&h);
    h.get_by_label("告警 ▼").click();
    h.run();
    assert!(h.query_by_label("告警 ▲").is_some(), "the header shows the new direction");
    let top_asc = first(&h);
    assert_ne!(top_desc, top_asc, "the order changed");
    // Sorting by positives puts the checkpoint with a positive at the top.
    h.get_by_role_and_label(Role::Button, "阳性").click();
    h.run();
    let names: Vec<(f32, String)> = h
        .query_all_by_role(Role::Button)
        .filter_map(|n| {
            let l = n.accesskit_node().label().unwrap_or_default();
            (l != "卡口" && (l.contains("卡口") || l.contains("园区"))).then(|| (n.rect().top(), l))
        })
        .collect();
    let top = names.iter().min_by(|a, b| a.0.total_cmp(&b.0)).unwrap();
    assert!(h.query_all_by_label_contains("阳性 · ").next().is_some(), "a row flags its positive");
    assert!(top.1.contains("道外区高速公路卡口"), "{names:?}");
}

#[test]
fn selecting_nanfengjing_shows_its_lane_charts() {
    let mut h = harness(demo_app(Lang::Zh));
    go(&mut h, "2020-02-10", 230000);
    h.get_by_role_and_label(Role::Button, "南风井收费站（南风井留验站）").click();
    h.run();
    assert_eq!(h.state().selected_checkpoint(), Some("hegang-nanfengjing-toll"));
    assert!(h.query_all_by_label_contains("南风井收费站（南风井留验站） · 收费站").next().is_some());
    // The lanes' legends of the two traffic charts (on their title lines, off the bars).
    for lane in ["客运车道", "货运车道", "绿色通道"] {
        assert_eq!(h.query_all_by_label(lane).count(), 2, "{lane}");
    }
    // Rates per 1,000 people are shown for the window.
    assert!(h.query_all_by_label_contains("每千人 (").next().is_some());
    // The 14-day view too.
    h.get_by_label("近14天").click();
    h.run();
    assert_eq!(h.query_all_by_label("货运车道").count(), 2);
}

#[test]
fn suihua_exits_close_with_directive_4() {
    let mut h = harness(demo_app(Lang::Zh));
    // 2020-01-31: open.
    go(&mut h, "2020-01-31", 231202);
    let status_of = |h: &Harness<'static, SitboardApp>, name: &str| {
        let top = row_top(h, name);
        h.query_all_by_role(Role::Label)
            .filter(|n| (n.rect().top() - top).abs() < 6.0)
            .filter_map(|n| n.accesskit_node().value())
            .find(|v| ["开通", "关闭", "限行"].contains(&v.as_str()))
    };
    let exit = "北林区主城区出城口（南，哈尔滨方向）";
    assert_eq!(status_of(&h, exit).as_deref(), Some("开通"));
    // As of 2020-02-01 24:00 (after 22:00): closed, reporting zero traffic, not "no data".
    go(&mut h, "2020-02-01", 231202);
    assert_eq!(status_of(&h, exit).as_deref(), Some("关闭"));
    assert_eq!(status_of(&h, "绥化火车站").as_deref(), Some("关闭"));
    go(&mut h, "2020-02-20", 231202);
    assert_eq!(status_of(&h, exit).as_deref(), Some("关闭"));
    assert!(h.query_all_by_label_contains("数据中断").next().is_none(), "closed checkpoints still report (zeros)");
    // And the report says so too.
    let ov = Overview::compute(h.state().situation().unwrap(), Adcode::new(231202).unwrap());
    let c = ov.checkpoints.unwrap();
    assert_eq!((c.total, c.closed, c.open), (5, 5, 0));
    assert_eq!(c.day.vehicles, 0);
}

/// Issue 16.6: throughput from a synthetic source is labelled so, in both languages; a board
/// without synthetic data shows no such note.
#[test]
fn synthetic_throughput_is_labelled() {
    let mut h = harness(demo_app(Lang::Zh));
    go(&mut h, "2022-11-29", 230000);
    assert!(h.query_by_label("◇ 演示通行数据为模拟数据").is_some(), "Chinese synthetic note");
    h.state_mut().apply(UiCommand::SetLang(Lang::En));
    h.run();
    assert!(h.query_by_label("◇ Demo throughput is synthetic").is_some(), "English synthetic note");

    // The checkpoint list and Harbin's cases, without the synthetic throughput: no note.
    let demo = sitboard::settings::paths::bundled_demo_dir().expect("demo");
    let outcome = sitboard::feed::load_sources(
        &[
            sitboard::feed::FeedSource::Path(demo.join("checkpoints.json")),
            sitboard::feed::FeedSource::Path(demo.join("harbin-2022-11.json")),
        ],
        sitboard::feed::registry::bundled().expect("registry"),
    );
    let mut h = harness(SitboardApp::from_outcome(outcome, Lang::Zh));
    go(&mut h, "2022-11-29", 230000);
    assert!(h.query_by_role_and_label(Role::Button, "禧龙物流园区").is_some(), "the table is there");
    assert!(h.query_all_by_label_contains("模拟数据").next().is_none());
}
