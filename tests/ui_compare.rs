//! UI test of the compare view with egui_kittest, on the bundled demo: both instants'
//! figures side by side with the change, the directives issued between them, A typed by a
//! person, and B following the timeline.

mod ui_common;

use ui_common::*;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use sitboard::i18n::{Lang, fmt_count, fmt_delta};
use sitboard::model::overview::Overview;
use sitboard::model::time::{end_of_day, format_as_of};
use sitboard::model::{Adcode, CaseField, Situation};
use sitboard::ui::{MainTab, SitboardApp, UiCommand};

fn province() -> Adcode {
    Adcode::new(230000).unwrap()
}

fn active_at(h: &Harness<'static, SitboardApp>, day: &str) -> u32 {
    let data = h.state().situation().unwrap().dataset_arc().clone();
    let ov = Overview::compute(&Situation::at_end_of(data, date(day)), province());
    ov.figure(CaseField::Active).value.expect("active cases reported")
}

fn has(h: &Harness<'static, SitboardApp>, label: &str) -> bool {
    h.query_all_by_label(label).next().is_some()
}

#[test]
fn two_moments_side_by_side_with_the_change_and_the_directives_between() {
    let mut h = harness(demo_app(Lang::En));
    h.state_mut().apply(UiCommand::SetDate(date("2020-03-03")));
    h.state_mut().apply(UiCommand::SelectRegion(province()));
    h.state_mut().apply(UiCommand::SetTab(MainTab::Compare));
    h.run();
    // B is the instant in view, A a week before it.
    let (a, b) = (end_of_day(date("2020-02-25")), end_of_day(date("2020-03-03")));
    assert!(has(&h, &format!("A  {}", format_as_of(a))), "A is a week before B");
    assert!(has(&h, &format!("B  {}", format_as_of(b))));
    let (va, vb) = (active_at(&h, "2020-02-25"), active_at(&h, "2020-03-03"));
    assert_ne!(va, vb);
    assert!(has(&h, &fmt_count(u64::from(va))) && has(&h, &fmt_count(u64::from(vb))));
    assert!(has(&h, &fmt_delta(i64::from(vb) - i64::from(va))), "the change of active cases");
    // The directives issued between A and B.
    let sit = h.state().situation().unwrap();
    let between: Vec<String> = sit
        .directives()
        .filter(|d| a < d.issued_at && d.issued_at <= b)
        .map(|d| format!("{}  {}", d.content.number, d.content.title))
        .collect();
    if between.is_empty() {
        assert!(has(&h, "No directive was issued in this time"));
    }
    for d in &between {
        assert!(has(&h, d), "{d:?} was issued between A and B");
    }

    // A person types A.
    h.get_by_label("Instant A").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Instant A").type_text("2020-02-20 00:00");
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(has(&h, &format!("A  {}", format_as_of(end_of_day(date("2020-02-19"))))), "A as typed");
    assert!(has(&h, &fmt_count(u64::from(active_at(&h, "2020-02-19")))));

    // B follows the timeline.
    h.state_mut().apply(UiCommand::SetDate(date("2020-03-10")));
    h.run();
    assert!(has(&h, &format!("B  {}", format_as_of(end_of_day(date("2020-03-10"))))));
    // Unticked, B stays where it is.
    h.get_by_role_and_label(Role::CheckBox, "B = the instant in view").click();
    h.run();
    h.state_mut().apply(UiCommand::SetDate(date("2020-03-12")));
    h.run();
    assert!(has(&h, &format!("B  {}", format_as_of(end_of_day(date("2020-03-10"))))), "B no longer follows");
}

/// One map per instant, linked: dragging the map at A moves the map at B the same way.
#[test]
fn the_two_maps_show_each_instant_and_move_together() {
    // A tall window, so that both maps are on screen without scrolling.
    let mut h = Harness::builder()
        .with_size([1920.0, 1600.0])
        .with_context_setup(|ctx| {
            sitboard::ui::fonts::install(ctx);
            sitboard::ui::theme::apply(ctx);
        })
        .build_ui_state(|ui, app: &mut SitboardApp| app.frame(ui), demo_app(Lang::En));
    h.state_mut().apply(UiCommand::SetDate(date("2020-03-03")));
    h.state_mut().apply(UiCommand::SelectRegion(province()));
    h.state_mut().apply(UiCommand::SetTab(MainTab::Compare));
    h.run();
    let a_label = format!("A  Map at · {}", format_as_of(end_of_day(date("2020-02-25"))));
    let b_label = format!("B  Map at · {}", format_as_of(end_of_day(date("2020-03-03"))));
    assert!(has(&h, &a_label) && has(&h, &b_label), "a map per instant");
    let before = h.state().compare_state().map_views();
    assert_eq!(before.0, before.1, "both maps start on the same view");
    // Right of the legend (which sits at the map's left edge, 270 px wide).
    let start = h.get_by_label(&a_label).rect().left_bottom() + egui::vec2(420.0, 200.0);
    h.hover_at(start);
    h.run();
    h.drag_at(start);
    h.step();
    for i in 1..=10 {
        h.hover_at(start + egui::vec2(8.0 * i as f32, 5.0 * i as f32));
        h.step();
    }
    h.drop_at(start + egui::vec2(80.0, 50.0));
    // The map glides a little after a drag: let it settle.
    h.run_steps(20);
    let after = h.state().compare_state().map_views();
    assert_ne!(after.0, before.0, "the map at A moved");
    assert_eq!(after.0, after.1, "the map at B followed");
}
