//! UI tests of the timeline with egui_kittest, on the bundled demo: one instant everywhere.
//! Space plays and pauses and the whole board follows the cursor (idle when paused); the
//! Directives tab's "in force now" means the instant in view, as on the overview, not the
//! wall clock; the small multiples follow a switch of period.

mod ui_common;

use ui_common::*;

use std::time::Duration;

use chrono::NaiveDate;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use sitboard::i18n::Lang;
use sitboard::model::time::end_of_day;
use sitboard::timeline::PlayState;
use sitboard::ui::panels::curves::multiple_plot_id;
use sitboard::ui::plot::day_x;
use sitboard::ui::{MainTab, SitboardApp, UiCommand};

fn shown(h: &Harness<'static, SitboardApp>) -> NaiveDate {
    h.state().situation().expect("data on screen").date()
}

fn repaint_delay(h: &Harness<'static, SitboardApp>) -> Duration {
    h.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay
}

#[test]
fn space_plays_and_pauses_and_every_panel_follows_the_cursor() {
    let mut h = harness(demo_app(Lang::En));
    h.state_mut().apply(UiCommand::SetDate(date("2020-03-01")));
    h.state_mut().apply(UiCommand::SelectRegion(code(230000)));
    h.run();
    assert_eq!(h.state().timeline().play_state(), PlayState::Paused, "a chosen day pauses");
    assert!(h.query_by_label("▶ Play").is_some());

    h.key_press(egui::Key::Space);
    h.run_steps(2);
    assert!(h.state().timeline().is_playing(), "Space plays");
    assert!(h.query_by_label("‖ Pause").is_some());
    assert!(repaint_delay(&h) <= Duration::from_secs(1), "playing asks for the next frame: {:?}", repaint_delay(&h));

    // One instant per second (the default speed): the board shows the next day.
    h.state_mut().tick(Duration::from_secs(1));
    h.run_steps(2);
    assert_eq!(shown(&h), date("2020-03-02"));
    assert_eq!(h.state().situation().unwrap().as_of(), end_of_day(date("2020-03-02")));
    assert!(h.query_by_label("2020-03-02").is_some(), "the bar shows the instant in view");
    assert!(h.query_by_label_contains("2020-03-02 24:00").is_some(), "the top bar's as-of follows");
    h.state_mut().tick(Duration::from_secs(2));
    h.run_steps(2);
    assert_eq!(shown(&h), date("2020-03-04"));

    // Space again pauses: nothing moves, and the board is idle.
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    assert_eq!(h.state().timeline().play_state(), PlayState::Paused);
    h.state_mut().tick(Duration::from_secs(5));
    h.run();
    assert_eq!(shown(&h), date("2020-03-04"));
    assert!(repaint_delay(&h) > Duration::from_secs(30), "paused: no repaint loop ({:?})", repaint_delay(&h));

    // ← / → step one instant; Home goes to the first.
    h.key_press(egui::Key::ArrowLeft);
    h.run_steps(2);
    assert_eq!(shown(&h), date("2020-03-03"));
    h.key_press(egui::Key::ArrowRight);
    h.run_steps(2);
    assert_eq!(shown(&h), date("2020-03-04"));
    h.key_press(egui::Key::Home);
    h.run_steps(2);
    let first = h.state().situation().unwrap().data().dates()[0];
    assert_eq!(shown(&h), first);
}

#[test]
fn a_typed_time_moves_the_board_to_that_instant() {
    let mut h = harness(demo_app(Lang::Zh));
    h.run();
    let field = h.get_by_label("跳转到日期");
    field.click();
    field.type_text("2020-03-03 15:00");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    let sit = h.state().situation().unwrap();
    // 15:00 on 03-03: the last reporting day that has ended is 03-02.
    assert_eq!(sit.date(), date("2020-03-02"));
    assert_eq!(sit.as_of().to_rfc3339(), "2020-03-03T07:00:00+00:00");
    assert!(h.query_by_label("2020-03-03 15:00").is_some(), "the bar shows the typed instant");
}

#[test]
fn directives_in_force_are_those_of_the_instant_in_view_not_of_the_wall_clock() {
    let mut h = harness(demo_app(Lang::En));
    h.state_mut().apply(UiCommand::SetDate(date("2020-02-20")));
    h.state_mut().apply(UiCommand::SelectRegion(code(230000)));
    h.run();
    let expected: Vec<String> = h
        .state()
        .situation()
        .unwrap()
        .directives_in_force(code(230000))
        .iter()
        .map(|d| format!("{}  {}", d.content.number, d.content.title))
        .collect();
    assert!(!expected.is_empty(), "the demo has directives in force on 2020-02-20");
    h.state_mut().apply(UiCommand::SetTab(MainTab::Directives));
    h.run();
    h.get_by_role_and_label(Role::CheckBox, "In force now").click();
    h.run();
    for e in &expected {
        assert!(h.query_by_label(e).is_some(), "{e:?} is in force on the overview, so in the filtered list too");
    }
}

#[test]
fn small_multiples_follow_a_switch_of_period() {
    let mut h = harness(demo_app(Lang::En));
    h.run();
    let sit = h.state().situation().unwrap();
    let episodes = sit.data().episodes();
    assert!(episodes.len() > 1, "the demo has two periods");
    let (start, end) = episodes[0];
    assert!(sit.date() > end, "the board opens on the newest period");
    h.state_mut().apply(UiCommand::SelectRegion(code(230000)));
    h.state_mut().apply(UiCommand::SetTab(MainTab::Curves));
    h.run();
    h.get_by_label("Small multiples").click();
    h.run();
    h.get_by_label(&format!("{} … {}", start.format("%Y-%m-%d"), end.format("%m-%d"))).click();
    h.run_steps(4);
    assert_eq!(shown(&h), end);
    let x0 = day_x(start) - 1.0;
    let cities = h.state().situation().unwrap().data().registry.children(code(230000)).to_vec();
    assert_eq!(cities.len(), 13);
    for c in cities {
        let mem = egui_plot::PlotMemory::load(&h.ctx, multiple_plot_id(c, x0, false, false))
            .unwrap_or_else(|| panic!("a small chart of {c} for the 2020 period"));
        let (min, max) = (mem.bounds().min()[0], mem.bounds().max()[0]);
        assert!(
            min <= day_x(start) && max >= day_x(end),
            "{c}: the chart shows {min}…{max}, not the period {}…{}",
            day_x(start),
            day_x(end)
        );
    }
}

/// A refused "go to" says why in the language on screen, also after switching language.
#[test]
fn a_refused_go_to_is_explained_in_the_language_on_screen() {
    let mut h = harness(demo_app(Lang::Zh));
    h.run();
    let field = h.get_by_label("跳转到日期");
    field.click();
    field.type_text("not a date");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(h.query_by_label("格式应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM（北京时间）").is_some());
    h.state_mut().apply(UiCommand::SetLang(Lang::En));
    h.run();
    assert!(h.query_by_label("Use YYYY-MM-DD or YYYY-MM-DD HH:MM (Beijing time)").is_some(), "worded in English now");
}
