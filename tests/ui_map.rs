//! The map, driven with egui_kittest on the bundled demo: clicking a county selects it for
//! the whole board, hovering shows its name, levels and cases, and no network is touched
//! unless a tile server is configured (tests/ui_map_offline.rs proves no connection is made).

mod ui_common;

use ui_common::*;

use std::io::Read as _;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use sitboard::feed::{FeedSource, load_sources, registry};
use sitboard::i18n::Lang;
use sitboard::model::Adcode;
use sitboard::ui::{MainTab, SitboardApp, UiCommand};

fn app(tiles: Option<String>) -> SitboardApp {
    let dir = sitboard::settings::paths::bundled_demo_dir().expect("bundled demo folder data/demo");
    let outcome = load_sources(&[FeedSource::Path(dir)], registry::bundled().unwrap());
    SitboardApp::from_outcome_with_tiles(outcome, Lang::Zh, tiles)
}

fn code(c: u32) -> Adcode {
    Adcode::new(c).unwrap()
}

fn show_map(h: &mut Harness<'static, SitboardApp>, day: &str) {
    h.state_mut().apply(UiCommand::SetDate(NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap()));
    h.state_mut().apply(UiCommand::SelectRegion(code(230000)));
    h.state_mut().apply(UiCommand::SetTab(MainTab::Map));
    h.run();
    h.run();
}

fn click_at(h: &mut Harness<'static, SitboardApp>, pos: egui::Pos2) {
    h.hover_at(pos);
    h.run();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.step();
    }
    h.run();
}

#[test]
fn clicking_a_county_selects_it_and_hovering_shows_its_state() {
    let mut h = harness(app(None));
    show_map(&mut h, "2020-03-04");
    // The legend reads the published counts of the day.
    assert!(h.query_by_label("中风险  9").is_some());
    assert!(h.query_by_label("低风险  116").is_some());
    // Click Wuchang (五常市, Harbin) where it is on the map.
    let wuchang = h.state().map_screen_pos(code(230184)).expect("五常市 on the map");
    click_at(&mut h, wuchang);
    assert_eq!(h.state().selected_region(), Some(code(230184)));
    // Hovering shows its name, its published and computed levels, cases and the Strict Nine.
    let wuchang = h.state().map_screen_pos(code(230184)).expect("五常市 on the map");
    h.hover_at(wuchang);
    h.run();
    assert!(h.query_all_by_label("五常市").next().is_some());
    assert!(h.query_by_label("通报风险等级: 低风险 · 自 2020-03-04 00:00 UTC+8").is_some());
    assert!(h.query_all_by_label_contains("按2020年2月县域规则计算: 低风险").next().is_some());
    assert!(h.query_all_by_label_contains("现有确诊: 5").next().is_some());
    assert!(h.query_all_by_label_contains("严九条 (").next().is_some(), "五常市 had 18 cases");

    // A checkpoint on top of a county takes the click: 吉林街 checkpoint in Nangang.
    h.state_mut().apply(UiCommand::SelectRegion(code(230000)));
    h.run();
    h.get_by_label("适配全省").click();
    h.run();
    let jilin = h.state().map_checkpoint_pos("harbin-nangang-jilinjie").expect("checkpoint on the map");
    click_at(&mut h, jilin);
    assert_eq!(h.state().selected_checkpoint(), Some("harbin-nangang-jilinjie"));
    assert_eq!(h.state().selected_region(), Some(code(230000)), "the county below keeps its selection");
}

#[test]
fn a_configured_tile_server_is_asked_for_tiles() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut s = stream;
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            // Reply 404: the map must carry on without tiles.
            let _ = std::io::Write::write_all(&mut s, b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
        }
    });
    let url = format!("http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png");
    let mut h = harness(app(Some(url)));
    show_map(&mut h, "2020-03-04");
    assert!(h.state().map_state().tiles_active());
    let deadline = Instant::now() + Duration::from_secs(10);
    while hits.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(hits.load(Ordering::SeqCst) > 0, "the tile server was never asked");
    // Failing tiles never block the map: the regions are still drawn and clickable.
    assert!(h.state().map_screen_pos(code(231202)).is_some());
}

/// Moving the day recolours the counties (the fill geometry is kept, only colours change):
/// every county is filled as a board opened on that day fills it.
#[test]
fn a_new_day_recolours_every_county_as_a_fresh_board_would() {
    let counties: Vec<Adcode> = registry::bundled()
        .unwrap()
        .iter_sorted()
        .filter(|r| r.level == sitboard::model::RegionLevel::County && r.has_polygon)
        .map(|r| r.adcode)
        .collect();
    let colours = |h: &Harness<'static, SitboardApp>| -> Vec<Option<egui::Color32>> {
        counties.iter().map(|c| h.state().map_state().fill_colour(*c)).collect()
    };
    let mut moving = harness(app(None));
    show_map(&mut moving, "2020-02-05");
    let before = colours(&moving);
    show_map(&mut moving, "2020-03-04");
    let mut fresh = harness(app(None));
    show_map(&mut fresh, "2020-03-04");
    assert!(colours(&fresh).iter().all(Option::is_some), "every county is drawn");
    assert_ne!(before, colours(&fresh), "the two days differ");
    assert_eq!(colours(&moving), colours(&fresh));
}

/// With a county picked, the legend still counts the province the map shows, not one county.
#[test]
fn the_legend_counts_the_province_when_a_county_is_picked() {
    let mut h = harness(app(None));
    show_map(&mut h, "2020-03-04");
    h.state_mut().apply(UiCommand::SelectRegion(code(230184)));
    h.run_steps(5);
    assert!(h.query_by_label_contains("黑龙江省 · 125 个县级单位").is_some(), "the legend counts the province");
    assert!(h.query_by_label_contains("1 个县级单位").is_none(), "not the one county");
}

fn zoom(h: &Harness<'static, SitboardApp>) -> f64 {
    h.state().map_state().view().1
}

/// The scale bar's length in km, as it reads ("200 km", "500 m"). (The map's own labels are
/// not in the accessibility tree walkers builds, so the panel says what it drew.)
fn scale_km(h: &Harness<'static, SitboardApp>) -> f64 {
    let text = h.state().map_state().scale_text().expect("a scale bar");
    let (n, unit) = text.split_once(' ').expect("number and unit");
    let n: f64 = n.parse().expect("scale number");
    match unit {
        "km" => n,
        "m" => n / 1000.0,
        _ => panic!("scale unit in {text:?}"),
    }
}

/// Issue 16.8: the plain wheel zooms (it used to pan), + and − buttons zoom by one step, and a
/// scale bar follows the zoom.
#[test]
fn the_wheel_and_the_buttons_zoom_and_the_scale_bar_follows() {
    let mut h = harness(app(None));
    show_map(&mut h, "2020-03-04");
    let (z0, km0) = (zoom(&h), scale_km(&h));
    assert!((10.0..=500.0).contains(&km0), "the province fits: scale {km0} km");

    h.get_by_role_and_label(Role::Button, "放大").click();
    h.run();
    assert!((zoom(&h) - (z0 + 1.0)).abs() < 1e-6, "zoom in by one: {z0} → {}", zoom(&h));
    assert!(scale_km(&h) < km0, "the scale bar shortens its distance when zoomed in");
    h.get_by_role_and_label(Role::Button, "缩小").click();
    h.run();
    assert!((zoom(&h) - z0).abs() < 1e-6);

    let centre = h.state().map_screen_pos(code(230100)).expect("Harbin on screen");
    h.hover_at(centre);
    h.run();
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Line,
        delta: egui::vec2(0.0, 3.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: egui::Modifiers::NONE,
    });
    // walkers eases the zoom over a few frames.
    h.run_steps(12);
    assert!(zoom(&h) > z0 + 0.1, "the plain wheel zooms in: {z0} → {}", zoom(&h));
}

/// Issue 19: on the CPU renderer a wheel event zooms in one frame (egui smooths a notch over
/// about seven frames, and each would draw the map again at a new scale), by what walkers'
/// smoothed zoom reaches at 60 frames a second, and the place under the pointer stays there.
#[test]
fn on_the_cpu_renderer_a_wheel_notch_zooms_in_one_frame_around_the_pointer() {
    let mut h = harness(app(None));
    sitboard::ui::renderer::set_moved_meshes(&h.ctx, true);
    show_map(&mut h, "2020-03-04");
    let z0 = zoom(&h);
    let harbin = h.state().map_screen_pos(code(230100)).expect("Harbin on screen");
    h.hover_at(harbin);
    h.run();
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Line,
        delta: egui::vec2(0.0, 3.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: egui::Modifiers::NONE,
    });
    h.step();
    let z1 = zoom(&h);
    // 3 lines of 40 points, 1/120 of a level per point.
    assert!((z1 - (z0 + 1.0)).abs() < 1e-6, "one frame zooms the whole notch: {z0} → {z1}");
    h.run_steps(12);
    assert!((zoom(&h) - z1).abs() < 1e-6, "egui's smoothed remainder adds nothing: {z1} → {}", zoom(&h));
    let after = h.state().map_screen_pos(code(230100)).expect("Harbin still on screen");
    assert!(after.distance(harbin) < 1.5, "Harbin stays under the pointer: {harbin:?} → {after:?}");
}
