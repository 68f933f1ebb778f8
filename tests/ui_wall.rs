//! UI tests of the wall (大屏, issue 18) with egui_kittest, on the bundled demo: it scales to
//! the screen and never runs off it (or out of a card) at 1280×720, 1920×1080, 3840×2160,
//! 3840×1080 and 5760×1080; lists that do not fit page on the wall clock; the clock repaints
//! once a second on the wall only; the playlist rotates and pauses on input. The wall clock is set by the tests
//! (`SitboardApp::set_clock`), so nothing here sleeps.

mod ui_common;

use ui_common::*;

use std::time::Duration;

use chrono::{DateTime, TimeZone as _, Utc};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT as _, Queryable as _};
use sitboard::i18n::Lang;
use sitboard::model::overview::Overview;
use sitboard::settings::config::{PlaylistEntry, WallView};
use sitboard::settings::{MainTab, WallSettings};
use sitboard::ui::{SitboardApp, UiCommand, fonts, theme};

fn harness_at(app: SitboardApp, w: f32, h: f32) -> Harness<'static, SitboardApp> {
    Harness::builder()
        .with_size([w, h])
        .with_context_setup(|ctx| {
            fonts::install(ctx);
            theme::apply(ctx);
        })
        .build_ui_state(|ui, app: &mut SitboardApp| app.frame(ui), app)
}

fn repaint_delay(h: &Harness<'static, SitboardApp>) -> Duration {
    h.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay
}

/// 2020-02-20 10:00:00.250 Beijing time.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2020, 2, 20, 2, 0, 0).unwrap() + chrono::Duration::milliseconds(250)
}

/// The wall on 2020-02-20 (three directives in force), Heilongjiang, at a given window size.
fn wall(lang: Lang, w: f32, h: f32) -> Harness<'static, SitboardApp> {
    let mut app = demo_app(lang);
    app.apply(UiCommand::SetDate(date("2020-02-20")));
    app.apply(UiCommand::SelectRegion(code(230000)));
    app.set_clock(t0());
    // A one-entry playlist keeps the wall on the province.
    app.configure_wall(&WallSettings {
        scale: None,
        playlist: vec![PlaylistEntry { view: WallView::Wall, region: Some(230000), ..Default::default() }],
        page_secs: 8,
        ..Default::default()
    });
    app.set_wall_mode(true);
    let mut harness = harness_at(app, w, h);
    // The first frames set the zoom, then lay out at it.
    harness.run_steps(4);
    harness
}

#[test]
fn the_wall_scales_and_nothing_runs_off_the_screen() {
    for lang in [Lang::Zh, Lang::En] {
        for (w, h) in [(1280.0, 720.0), (1920.0, 1080.0), (3840.0, 2160.0), (3840.0, 1080.0), (5760.0, 1080.0)] {
            let harness = wall(lang, w, h);
            let ppp = harness.ctx.pixels_per_point();
            let want = (w / 1920.0f32).min(h / 1080.0);
            assert!((ppp - want).abs() < 1e-3, "{w}x{h}: {ppp} pixels per point, not {want}");
            let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w, h)).expand(1.0);
            let areas = harness.state().wall_areas().to_vec();
            assert!(areas.len() >= 10, "{w}x{h}: {areas:?}");
            let mut texts = 0;
            let text_of = |n: &egui_kittest::kittest::AccessKitNode<'_>| {
                n.label().or_else(|| n.value()).filter(|l| !l.trim().is_empty())
            };
            for node in harness.query_all(By::new().include_labels().predicate(|n| text_of(n).is_some())) {
                let label = text_of(&node.accesskit_node()).unwrap_or_default();
                let r = node.rect() * ppp;
                assert!(screen.contains_rect(r), "{lang:?} {w}x{h}: {label:?} at {r:?} runs off the screen");
                // …nor out of its card (or the header, the map, the chart).
                let inside = areas.iter().any(|a| a.expand(1.0).contains_rect(node.rect()));
                assert!(inside, "{lang:?} {w}x{h}: {label:?} at {:?} is outside every card", node.rect());
                // Nothing under 1/80 of the screen height (a label's rect is a text row).
                assert!(r.height() >= h / 80.0 - 0.5, "{lang:?} {w}x{h}: {label:?} is {} px high", r.height());
                texts += 1;
            }
            assert!(texts > 30, "{w}x{h}: only {texts} texts on the wall");
            // Three directives are in force: all shown, or paged with a mark.
            let tr = lang.tr();
            let ov = Overview::compute(harness.state().situation().unwrap(), code(230000));
            assert_eq!(ov.directives_in_force.len(), 3);
            let paged = harness.query_by_label("1/2").is_some() || harness.query_by_label("1/3").is_some();
            let shown = ov
                .directives_in_force
                .iter()
                .filter(|d| harness.query_all_by_label_contains(&d.number).next().is_some())
                .count();
            assert!(paged || shown == 3, "{lang:?} {w}x{h}: {shown} directives shown, no page mark");
            assert!(shown >= 1, "{lang:?} {w}x{h}: no directive shown");
            // The key figures are at least 1/15 of the screen height (as a font size).
            let tile_label = format!("{}: ", tr.case_field(sitboard::model::CaseField::Active));
            let tile = harness.get_by_label_contains(&tile_label);
            assert!(tile.rect().height() * ppp >= h / 15.0, "{w}x{h}: key-figure tile {:?}", tile.rect());
        }
    }
}

#[test]
fn ultra_wide_walls_reflow_into_more_columns() {
    let harness = wall(Lang::En, 5760.0, 1080.0);
    // The subregions get their own column beside the map, curve and cards.
    let title = harness.get_by_label_contains("Subregions");
    assert!(title.rect().left() > 5760.0 * 0.5, "the subregion column is at the right: {:?}", title.rect());
    let harness = wall(Lang::En, 1920.0, 1080.0);
    assert!(harness.query_by_label_contains("Subregions").is_none(), "16:9 has no room for it");
}

#[test]
fn lists_that_do_not_fit_page_on_the_wall_clock() {
    let mut harness = wall(Lang::En, 1280.0, 720.0);
    let mark = |h: &Harness<'static, SitboardApp>| {
        (1..=5).flat_map(|n| (1..=n).map(move |i| format!("{i}/{n}"))).find(|m| h.query_by_label(m).is_some())
    };
    let first = mark(&harness).expect("the directives page at 1280x720 (three do not fit)");
    assert!(first.starts_with("1/"), "{first}");
    harness.state_mut().set_clock(t0() + chrono::Duration::seconds(8));
    harness.run_steps(2);
    let second = mark(&harness).expect("still paged");
    assert!(second.starts_with("2/"), "the page turned after 8 s: {second}");

    // As a tab (no clock running) the paged list asks for a frame at its next turn only.
    harness.state_mut().apply(UiCommand::LeaveWall);
    harness.state_mut().apply(UiCommand::SetTab(MainTab::Wall));
    harness.state_mut().set_clock(t0() + chrono::Duration::seconds(9));
    harness.run();
    let d = repaint_delay(&harness);
    assert!(d > Duration::from_secs(1) && d <= Duration::from_secs(8), "next page turn: {d:?}");
}

#[test]
fn the_clock_ticks_once_a_second_on_the_wall_only() {
    let mut harness = wall(Lang::Zh, 1920.0, 1080.0);
    harness.run();
    assert!(harness.query_by_label("10:00:00").is_some(), "Beijing time to the second");
    assert!(harness.query_by_label("北京时间").is_some());
    assert!(harness.query_by_label("数据截至").is_some(), "the data's as-of next to it");
    let d = repaint_delay(&harness);
    assert_eq!(d, Duration::from_millis(750), "the next frame is at the next second");
    harness.state_mut().set_clock(t0() + chrono::Duration::seconds(1));
    harness.run();
    assert!(harness.query_by_label("10:00:01").is_some());

    // Leaving the wall: the zoom comes back and the board is idle again.
    harness.key_press(egui::Key::Escape);
    harness.run_steps(3);
    assert!(!harness.state().wall_mode());
    assert_eq!(harness.ctx.zoom_factor(), 1.0);
    harness.state_mut().apply(UiCommand::SetTab(MainTab::Overview));
    harness.run();
    assert!(repaint_delay(&harness) > Duration::from_secs(30), "idle off the wall: {:?}", repaint_delay(&harness));
}

#[test]
fn the_playlist_rotates_and_pauses_on_input() {
    let mut app = demo_app(Lang::En);
    app.apply(UiCommand::SetDate(date("2020-02-20")));
    app.apply(UiCommand::SelectRegion(code(230000)));
    app.set_clock(t0());
    let entry =
        |view, region, dwell_s| PlaylistEntry { view, region: Some(region), dwell_s: Some(dwell_s), map_colour: None };
    app.configure_wall(&WallSettings {
        scale: None,
        playlist: vec![
            entry(WallView::Wall, 230000, 10),
            entry(WallView::Map, 230100, 10),
            entry(WallView::Curves, 230200, 10),
        ],
        page_secs: 8,
        ..Default::default()
    });
    app.set_wall_mode(true);
    let mut h = harness_at(app, 1920.0, 1080.0);
    h.run_steps(3);
    let at = |h: &mut Harness<'static, SitboardApp>, secs: i64| {
        h.state_mut().set_clock(t0() + chrono::Duration::seconds(secs));
        h.run_steps(2);
        (h.state().selected_region().map(|c| c.value()), h.state().wall_rotation().view())
    };
    assert_eq!(at(&mut h, 5), (Some(230000), WallView::Wall));
    assert_eq!(at(&mut h, 11), (Some(230100), WallView::Map), "after its dwell the next view shows");
    assert_eq!(at(&mut h, 22), (Some(230200), WallView::Curves));
    assert_eq!(at(&mut h, 33), (Some(230000), WallView::Wall), "and round again");

    // A key pauses it, and says so.
    h.key_press(egui::Key::P);
    h.run_steps(2);
    assert!(h.query_by_label_contains("Rotation paused").is_some(), "the wall says it is paused");
    assert_eq!(at(&mut h, 50), (Some(230000), WallView::Wall), "paused: no turn");
    assert_eq!(at(&mut h, 90), (Some(230000), WallView::Wall), "still paused under a minute after the key");
    // A minute without input: it resumes, with a fresh dwell.
    assert_eq!(at(&mut h, 95), (Some(230000), WallView::Wall));
    assert!(h.query_by_label_contains("Rotation paused").is_none(), "resumed");
    assert_eq!(at(&mut h, 106), (Some(230100), WallView::Map), "turning again");
}

#[test]
fn the_default_playlist_is_the_province_then_each_city_with_cases() {
    let mut app = demo_app(Lang::En);
    app.apply(UiCommand::SetDate(date("2020-02-20")));
    app.apply(UiCommand::SelectRegion(code(230000)));
    app.set_clock(t0());
    app.set_wall_mode(true);
    let mut h = harness_at(app, 1920.0, 1080.0);
    h.run_steps(3);
    let entries = h.state().wall_rotation().entries().to_vec();
    assert!(entries.len() > 2, "{entries:?}");
    assert_eq!(entries[0].region.map(|c| c.value()), Some(230000));
    let sit = h.state().situation().unwrap();
    for e in &entries[1..] {
        let r = sit.report(e.region.unwrap()).unwrap();
        assert!(
            r.get(sitboard::model::CaseField::Active).unwrap_or(0) > 0
                || r.get(sitboard::model::CaseField::NewConfirmed).unwrap_or(0) > 0
        );
    }
    h.state_mut().set_clock(t0() + chrono::Duration::seconds(21));
    h.run_steps(2);
    assert_eq!(h.state().selected_region(), entries[1].region, "the first city after the default dwell");
}

#[test]
fn a_period_without_risk_levels_says_so_instead_of_a_grey_map() {
    let mut app = demo_app(Lang::En);
    app.apply(UiCommand::SetDate(date("2022-11-30")));
    app.apply(UiCommand::SelectRegion(code(230000)));
    app.set_clock(t0());
    app.configure_wall(&WallSettings {
        scale: None,
        playlist: vec![PlaylistEntry { view: WallView::Wall, region: Some(230000), ..Default::default() }],
        page_secs: 8,
        ..Default::default()
    });
    app.set_wall_mode(true);
    let mut h = harness_at(app, 1920.0, 1080.0);
    h.run_steps(4);
    let note = "No county risk levels published for this period";
    assert_eq!(h.query_all_by_label(note).count(), 2, "the risk card and the map say so");
    // On a day with levels there is no such note.
    h.state_mut().apply(UiCommand::SetDate(date("2020-02-20")));
    h.run_steps(2);
    assert!(h.query_by_label(note).is_none());
}

/// The texts the last frame painted (plot labels and painted text are not in the
/// accessibility tree): each with its rect and font size.
fn painted_texts(h: &Harness<'static, SitboardApp>) -> Vec<(String, egui::Rect, f32)> {
    painted_galleys(h).into_iter().map(|(t, r, s, _)| (t, r, s)).collect()
}

/// The texts the last frame painted, with their rect, font size and whether they were cut
/// short ("…").
fn painted_galleys(h: &Harness<'static, SitboardApp>) -> Vec<(String, egui::Rect, f32, bool)> {
    fn walk(shape: &egui::Shape, out: &mut Vec<(String, egui::Rect, f32, bool)>) {
        match shape {
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            egui::Shape::Text(t) => {
                let size = t.galley.job.sections.first().map_or(0.0, |s| s.format.font_id.size);
                out.push((t.galley.text().to_owned(), t.visual_bounding_rect(), size, t.galley.elided));
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    h.output().shapes.iter().for_each(|c| walk(&c.shape, &mut out));
    out
}

#[test]
fn the_wall_chart_spreads_the_directive_labels_apart() {
    // 绥指公4号 and 5号 were issued a day apart: on the wall's narrow chart their labels
    // would print over each other.
    for (w, h) in [(1920.0, 1080.0), (3840.0, 2160.0), (5760.0, 1080.0)] {
        let harness = wall(Lang::Zh, w, h);
        let texts = painted_texts(&harness);
        let rect = |n: &str| {
            texts.iter().find(|(t, _, _)| t.trim() == n).map(|(_, r, _)| *r).unwrap_or_else(|| panic!("{n} not drawn"))
        };
        let (four, five) = (rect("绥指公4号"), rect("绥指公5号"));
        assert!(!four.shrink(0.5).intersects(five.shrink(0.5)), "{w}x{h}: 4号 at {four:?} overlaps 5号 at {five:?}");
        // Both stay below the response-level label row and inside the chart.
        let level = rect("一级响应");
        for r in [four, five] {
            assert!(!r.intersects(level), "{w}x{h}: {r:?} over the response label {level:?}");
        }
    }
}

#[test]
fn the_map_scale_bar_reads_at_wall_size() {
    let harness = wall(Lang::En, 3840.0, 2160.0);
    let texts = painted_texts(&harness);
    let is_scale = |t: &str| t.strip_suffix(" km").is_some_and(|n| n.parse::<f64>().is_ok());
    let (_, _, size) = texts.iter().find(|(t, _, _)| is_scale(t)).expect("the map's scale bar");
    assert!(
        *size >= sitboard::ui::panels::wall::size::SMALL,
        "the scale bar's text is {size} pt, under the wall's small text"
    );
}

#[test]
fn the_playlist_shows_overview_compare_multiples_and_checkpoints() {
    let rotating = || {
        let mut app = demo_app(Lang::Zh);
        app.apply(UiCommand::SetDate(date("2020-02-20")));
        app.apply(UiCommand::SelectRegion(code(230000)));
        app.set_clock(t0());
        let entry = |view, region, dwell_s| PlaylistEntry {
            view,
            region: Some(region),
            dwell_s: Some(dwell_s),
            map_colour: None,
        };
        app.configure_wall(&WallSettings {
            scale: None,
            playlist: vec![
                entry(WallView::Overview, 230000, 10),
                entry(WallView::Compare, 230000, 10),
                entry(WallView::Multiples, 230000, 10),
                entry(WallView::Checkpoints, 231200, 10),
            ],
            page_secs: 8,
            ..Default::default()
        });
        app.set_wall_mode(true);
        app
    };
    let mut problems = Vec::new();
    for (w, h) in [(1280.0, 720.0), (1920.0, 1080.0), (3840.0, 2160.0), (5760.0, 1080.0)] {
        let mut harness = harness_at(rotating(), w, h);
        harness.run_steps(4);
        let tr = Lang::Zh.tr();
        let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w, h)).expand(1.0);
        let mut seen = Vec::new();
        for (secs, view) in
            [(0, WallView::Overview), (11, WallView::Compare), (22, WallView::Multiples), (33, WallView::Checkpoints)]
        {
            harness.state_mut().set_clock(t0() + chrono::Duration::seconds(secs));
            harness.run_steps(3);
            assert_eq!(harness.state().wall_rotation().view(), view, "{w}x{h} at {secs} s");
            // What a person reads on each.
            let found = match view {
                WallView::Overview => harness.query_by_label(tr.overview.provenance_legend).is_some(),
                // The compare chart names its cities (legend and line ends).
                WallView::Compare => harness.query_by_role_and_label(Role::CheckBox, "绥化市").is_some(),
                // One small chart per city, titled with its active cases.
                WallView::Multiples => harness
                    .query_all_by_label_contains(&format!("哈尔滨市  {}", tr.overview.col_active))
                    .next()
                    .is_some(),
                // Suihua's four exits differ only at the end of their names: none is cut short.
                _ => {
                    let exits: Vec<_> = painted_galleys(&harness)
                        .into_iter()
                        .filter(|(t, _, _, _)| t.starts_with("北林区主城区出城口"))
                        .collect();
                    assert_eq!(exits.len(), 4, "{w}x{h}: {exits:?}");
                    assert!(exits.iter().all(|e| !e.3), "{w}x{h}: a checkpoint name is cut short: {exits:?}");
                    harness.query_by_label("北林区主城区出城口（北，海伦方向）").is_some()
                }
            };
            assert!(found, "{w}x{h}: {view:?} does not show what it should");
            // Nothing runs off the screen or out of its card: every text painted (in points)…
            // (kittest keeps the screen's size in points whatever the zoom, where a window keeps
            // its pixels: the layout is checked in points, against the screen egui laid out.)
            let ppp = harness.ctx.pixels_per_point();
            let areas = harness.state().wall_areas().to_vec();
            let screen_pt = harness.ctx.content_rect().expand(1.0);
            for (text, r, _, _) in painted_galleys(&harness).into_iter().filter(|g| !g.0.trim().is_empty()) {
                if !screen_pt.contains_rect(r) {
                    problems.push(format!("{w}x{h} {view:?}: painted {text:?} at {r:?} runs off the screen"));
                }
                if !areas.iter().any(|a| a.expand(1.0).contains_rect(r)) {
                    problems.push(format!("{w}x{h} {view:?}: painted {text:?} at {r:?} is outside every card"));
                }
            }
            // …and every labelled widget, at the wall's size (not under 1/80 of the height),
            // where a point is a pixel (1920x1080): elsewhere kittest's screen in points and
            // the wall's zoom make the accessibility rects (pixels) match no real screen (at
            // 3840x2160 the zoom comes out 4, the square of the window's 2).
            if ppp != 1.0 {
                seen.push(view);
                continue;
            }
            for node in harness.query_all(By::new().include_labels().predicate(|n| n.label().is_some())) {
                let r = node.rect() * ppp;
                let label = node.accesskit_node().label().unwrap_or_default();
                if !screen.contains_rect(r) {
                    problems.push(format!("{w}x{h} {view:?}: {label:?} at {r:?} runs off the screen"));
                }
                if !areas.iter().any(|a| a.expand(1.0).contains_rect(node.rect())) {
                    problems.push(format!("{w}x{h} {view:?}: {label:?} at {:?} is outside every card", node.rect()));
                }
                if r.height() < h / 80.0 - 0.5 {
                    problems.push(format!("{w}x{h} {view:?}: {label:?} is {} px high", r.height()));
                }
            }
            seen.push(view);
        }
        assert_eq!(seen.len(), 4);
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn screen_n_shows_that_screens_view() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sitboard.toml");
    std::fs::write(
        &path,
        "[wall]\n[[wall.screen]]\nview = \"wall\"\nregion = 230000\n\
         [[wall.screen]]\nview = \"checkpoints\"\nregion = 231200\n",
    )
    .expect("write the config");
    let overrides = sitboard::settings::Overrides { config: Some(path), ..Default::default() };
    let settings = sitboard::settings::Settings::resolve(&overrides);
    assert!(settings.config_problem.is_none(), "{:?}", settings.config_problem);
    assert_eq!(settings.wall.screens.len(), 2);
    // Out of range: a message naming what there is.
    let e = settings.wall.screen(3).unwrap_err();
    assert_eq!(e, "--screen 3: the config has 2 [[wall.screen]] entries (1 to 2)");
    assert!(settings.wall.screen(0).is_err());

    let show = |n: usize| {
        let mut app = demo_app(Lang::Zh);
        app.apply(UiCommand::SetDate(date("2020-02-20")));
        app.apply(UiCommand::SelectRegion(code(230000)));
        app.set_clock(t0());
        app.configure_wall(&settings.wall.screen(n).expect("a screen of the config"));
        app.set_wall_mode(true);
        let mut h = harness_at(app, 1920.0, 1080.0);
        h.run_steps(4);
        h
    };
    // Screen 2: the checkpoints of Suihua (绥化市).
    let h = show(2);
    assert_eq!(h.state().wall_rotation().view(), WallView::Checkpoints);
    assert_eq!(h.state().selected_region(), Some(code(231200)));
    assert!(h.query_by_label("北林区主城区出城口（北，海伦方向）").is_some(), "screen 2 shows Suihua's checkpoints");
    // Screen 1: the wall of the province, no checkpoint table.
    let h = show(1);
    assert_eq!(h.state().wall_rotation().view(), WallView::Wall);
    assert_eq!(h.state().selected_region(), Some(code(230000)));
    assert!(h.query_by_label("北林区主城区出城口（北，海伦方向）").is_none());
}
