//! The 12345 hotline tab, driven with egui_kittest: the overdue list is sorted by time
//! overdue with its countdowns (and the order about to breach is listed with its time left),
//! the category filter narrows it, a click on a district selects it on the whole board; and
//! on the bundled demo the published period figures show on their dates.

mod live_common;
mod ui_common;

use ui_common::*;

use chrono::{DateTime, Utc};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use sitboard::feed::{IngestReport, LoadOutcome, registry};
use sitboard::i18n::Lang;
use sitboard::model::{CaseField, CaseReport, DatasetBuilder, WorkOrder, WorkOrderStatus};
use sitboard::ui::{MainTab, SitboardApp, UiCommand};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn order(id: &str, cat: &str, region: u32, received: &str, acted: Option<&str>, closed: Option<&str>) -> WorkOrder {
    WorkOrder {
        id: id.into(),
        category: cat.into(),
        region: code(region),
        received_at: at(received),
        first_action_at: acted.map(at),
        due_at: None,
        status: if closed.is_some() { WorkOrderStatus::Closed } else { WorkOrderStatus::Open },
        closed_at: closed.map(at),
        summary: String::new(),
    }
}

/// Harbin on 2022-11-29 with six orders; at 24:00 three are overdue, one is 20 min from
/// breaching.
fn board() -> Harness<'static, SitboardApp> {
    let mut b = DatasetBuilder::new(registry::bundled().unwrap());
    let mut r = CaseReport::new(code(230100), date("2022-11-29"));
    r.counts.set(CaseField::NewConfirmed, Some(54));
    b.add_case_report(r, None);
    let mut x = CaseReport::new(code(230110), date("2022-11-29"));
    x.counts.set(CaseField::NewConfirmed, Some(18));
    b.add_case_report(x, None);
    for o in [
        // Close due Tuesday 11-29 10:00: 14 h overdue at 24:00.
        order("w-old", "testing", 230110, "2022-11-28T10:00:00+08:00", Some("2022-11-28T10:30:00+08:00"), None),
        // First action due 22:00: 2 h overdue.
        order("w-mid", "health_code", 230102, "2022-11-29T20:00:00+08:00", None, None),
        // First action due 23:30: 30 min overdue.
        order("w-new", "testing", 230110, "2022-11-29T21:30:00+08:00", None, None),
        // First action due 00:20: 20 min left (amber).
        order("w-soon", "policy", 230103, "2022-11-29T22:20:00+08:00", None, None),
        order("w-later", "policy", 230103, "2022-11-29T23:50:00+08:00", Some("2022-11-29T23:55:00+08:00"), None),
        order(
            "w-closed",
            "testing",
            230102,
            "2022-11-29T09:00:00+08:00",
            Some("2022-11-29T09:20:00+08:00"),
            Some("2022-11-29T15:00:00+08:00"),
        ),
    ] {
        b.add_work_order(o, None);
    }
    let mut report = IngestReport::new("test");
    report.accept("work_orders");
    let app = SitboardApp::from_outcome(LoadOutcome { dataset: b.build(), reports: vec![report] }, Lang::Zh);
    let mut h = harness(app);
    h.state_mut().apply(UiCommand::SetDate(date("2022-11-29")));
    h.state_mut().apply(UiCommand::SelectRegion(code(230100)));
    h.state_mut().apply(UiCommand::SetTab(MainTab::Hotline));
    h.run();
    h
}

fn top(h: &Harness<'static, SitboardApp>, label: &str) -> Option<f32> {
    h.query_by_label(label).map(|n| n.rect().top())
}

#[test]
fn overdue_list_is_sorted_by_time_overdue_with_countdowns() {
    let h = board();
    assert!(h.query_by_label("超时工单（逐项督办） · 3").is_some(), "three overdue orders");
    let (old, mid, new) = (top(&h, "w-old").unwrap(), top(&h, "w-mid").unwrap(), top(&h, "w-new").unwrap());
    assert!(old < mid && mid < new, "longest overdue first: {old} {mid} {new}");
    assert!(h.query_by_label("超时 14小时0分").is_some(), "w-old is 14 h overdue");
    assert!(h.query_by_label("超时 2小时0分").is_some());
    assert!(h.query_by_label("超时 30分").is_some());
    // About to breach: w-soon with 20 min left; w-later (due tomorrow 17:30) is not listed.
    assert!(top(&h, "w-soon").is_some());
    assert!(h.query_by_label("剩余 20分").is_some());
    assert!(top(&h, "w-later").is_none());
    assert!(top(&h, "w-closed").is_none(), "closed orders are off the lists");
    // The day's figures: received 5 on 11-29, open 5, overdue 3, closed in time 1/1.
    assert!(h.query_by_label("今日受理: 5").is_some());
    assert!(h.query_by_label("超时: 3").is_some());
    assert!(h.query_by_label("按时办结率: 100%").is_some(), "w-closed was closed in time");
}

#[test]
fn category_filter_narrows_the_lists() {
    let mut h = board();
    h.get_by_role_and_label(Role::ComboBox, "分类").click();
    h.run();
    let option = h
        .query_all_by_label("核酸检测")
        .filter(|n| n.accesskit_node().role() != Role::Label)
        .min_by(|a, b| a.rect().top().total_cmp(&b.rect().top()))
        .expect("the category option");
    option.click();
    h.run();
    assert!(h.query_by_label("超时工单（逐项督办） · 2").is_some());
    assert!(top(&h, "w-old").is_some() && top(&h, "w-new").is_some());
    assert!(top(&h, "w-mid").is_none(), "a health-code order is filtered out");
}

#[test]
fn a_click_on_a_district_selects_it_on_the_whole_board() {
    let mut h = board();
    // The district list (most overdue first) shows Xiangfang's cases next to its overdue orders.
    assert!(h.query_by_label("超时 2").is_some(), "Xiangfang: 2 overdue");
    assert!(h.query_by_label("今日新增确诊 18").is_some(), "its new cases beside them");
    let xiangfang = h
        .query_all_by_role_and_label(Role::Button, "香坊区")
        .max_by(|a, b| a.rect().left().total_cmp(&b.rect().left()))
        .expect("Xiangfang in the district list");
    xiangfang.click();
    h.run();
    h.run();
    assert_eq!(h.state().selected_region(), Some(code(230110)));
    assert!(h.query_by_label_contains("12345 热线工单 · 香坊区").is_some());
    // Only Xiangfang's orders now.
    assert!(top(&h, "w-mid").is_none() && top(&h, "w-old").is_some());
    // The map shows the same selection, coloured by overdue orders on request.
    h.state_mut().apply(UiCommand::SetTab(MainTab::Map));
    h.run();
    assert!(h.query_by_label("热线超时工单").is_some(), "the map offers the hotline colouring");
}

#[test]
fn the_published_figures_show_on_their_dates() {
    let mut h = harness(demo_app(Lang::Zh));
    h.state_mut().apply(UiCommand::SetDate(date("2020-01-30")));
    h.state_mut().apply(UiCommand::SelectRegion(code(231200)));
    h.state_mut().apply(UiCommand::SetTab(MainTab::Hotline));
    h.run();
    let line = "● 公开发布 2020-01-24 … 2020-02-03 · 绥化市 · 2,734 诉求 · 接通率 100% · 答复率 100% · 较平时 ×3.0";
    assert!(h.query_by_label(line).is_some(), "Suihua's published figures on 2020-01-30: {line}");
    assert!(h.query_by_label("公开数据").is_some(), "marked as reported");
    h.state_mut().apply(UiCommand::SetDate(date("2022-11-29")));
    h.state_mut().apply(UiCommand::SelectRegion(code(230100)));
    h.run();
    assert!(h.query_by_label_contains("1,330,000 诉求").is_some(), "Harbin's 1.33 million calls on 2022-11-29");
    assert!(h.query_by_label_contains("2020-01-24 … 2020-02-03").is_none(), "Suihua's period is not Harbin's");
    assert!(h.query_by_label_contains("工单为合成演示数据").is_some(), "the synthetic orders say so");
}

/// Following a live feed, deadlines pass with the clock: the order about to breach moves to
/// the overdue list without new data, and the board asks for one repaint at that instant
/// (not a loop).
#[test]
fn live_the_overdue_list_updates_at_the_next_deadline_with_one_repaint() {
    use sitboard::feed::FeedSource;
    use sitboard::feed::live::{LiveOptions, SourceSpec};
    use sitboard::settings::Settings;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let doc = serde_json::json!({
        "schema": "sitboard.feed/1",
        "source": {"id": "live-hotline", "name": "live hotline"},
        "generated_at": "2022-11-30T00:00:00+08:00",
        "as_of": "2022-11-30T00:00:00+08:00",
        "case_reports": [{"region": "230100", "date": "2022-11-29", "new_confirmed": 54}],
        "work_orders": [{"id": "w-live", "category": "testing", "region": "230110",
                         "received_at": "2022-11-29T22:10:00+08:00", "status": "open"}]
    });
    live_common::write_atomic(dir.path(), "hotline.json", &doc.to_string());
    let hub = live_common::start_hub(dir.path());
    let url = hub.feed_url();
    let mut settings = Settings::for_sources(vec![FeedSource::Url(url.clone())], Lang::Zh);
    settings.live = LiveOptions {
        specs: vec![SourceSpec::new("test hub", url, Duration::from_secs(3600))],
        limits: live_common::limits_for_tests(),
    };
    let mut app = SitboardApp::live_for_tests(settings, Lang::Zh, None);
    // 30 s before the order's first-action deadline (00:10).
    app.set_clock(at("2022-11-30T00:09:30+08:00"));
    let mut h = harness(app);
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.state().situation().is_none() && Instant::now() < deadline {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(h.state().situation().is_some(), "no data from the hub");
    h.state_mut().apply(UiCommand::SelectRegion(code(230100)));
    h.state_mut().apply(UiCommand::SetTab(MainTab::Hotline));
    h.run();
    assert!(h.query_by_label("即将超时 · 1").is_some() && h.query_by_label("剩余 0分").is_some());
    assert!(h.query_by_label("超时工单（逐项督办） · 0").is_some());
    // One repaint asked for at the deadline, 30 s away (before the minute tick of the data age).
    let delay = h.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert!(delay <= Duration::from_secs(30) && delay >= Duration::from_secs(29), "repaint in {delay:?}");
    // The clock passes the deadline: the order is overdue, with no new data.
    h.state_mut().set_clock(at("2022-11-30T00:10:30+08:00"));
    h.run();
    assert!(h.query_by_label("超时工单（逐项督办） · 1").is_some());
    assert!(top(&h, "w-live").is_some());
    assert!(h.query_by_label("即将超时 · 0").is_some());
}

/// The wall's playlist can show the hotline (`view = "hotline"`): its figures and overdue
/// list for the entry's region, inside the wall's laid-out areas.
#[test]
fn the_wall_playlist_can_show_the_hotline() {
    use sitboard::settings::WallSettings;
    use sitboard::settings::config::{PlaylistEntry, WallView};
    let mut app = demo_app(Lang::Zh);
    app.apply(UiCommand::SetDate(date("2022-11-30")));
    // The rotation starts at the entry of the region in view.
    app.apply(UiCommand::SelectRegion(code(230100)));
    app.set_clock(at("2026-11-30T09:00:00+08:00"));
    let entry = |view, region| PlaylistEntry { view, region: Some(region), dwell_s: Some(20), map_colour: None };
    app.configure_wall(&WallSettings {
        scale: None,
        playlist: vec![entry(WallView::Hotline, 230100), entry(WallView::Wall, 230000)],
        page_secs: 8,
        ..Default::default()
    });
    app.set_wall_mode(true);
    let mut h = harness(app);
    h.run_steps(3);
    assert_eq!(h.state().wall_rotation().view(), WallView::Hotline);
    assert_eq!(h.state().selected_region(), Some(code(230100)));
    assert!(h.query_by_label_contains("12345 热线工单 · 哈尔滨市").is_some());
    assert!(h.query_by_label_contains("超时工单（逐项督办）").is_some());
}
