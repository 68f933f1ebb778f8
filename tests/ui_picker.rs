//! UI test of the region picker with egui_kittest: a region code typed into the search finds
//! its region (the directive form asks for codes), and a county selected elsewhere (the map,
//! a table) is scrolled into view in the picker.

mod ui_common;

use egui_kittest::kittest::Queryable as _;
use sitboard::feed::registry;
use sitboard::i18n::Lang;
use sitboard::ui::UiCommand;
use ui_common::*;

#[test]
fn a_code_finds_its_region_and_a_county_picked_elsewhere_is_scrolled_into_view() {
    let reg = registry::bundled().unwrap();
    let mut h = harness(demo_app(Lang::En));
    h.run();
    // Search by code.
    let daoli = reg.name(code(230102), true);
    assert!(h.query_by_label(&daoli).is_none(), "{daoli} is not listed before the search (its city is closed)");
    h.get_by_label("Find a region").click();
    h.get_by_label("Find a region").type_text("230102");
    h.run();
    assert!(h.query_by_label(&daoli).is_some(), "typing 230102 lists {daoli}");
    // Clear the search; select a county far down the list, as the map would.
    h.get_by_label("Find a region").click();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run();
    let last = reg.children(code(232700)).last().copied().expect("Daxing'anling has counties");
    // (The picker scrolls smoothly: let it settle.)
    h.state_mut().apply(UiCommand::SelectRegion(code(231283)));
    h.run_steps(40);
    h.state_mut().apply(UiCommand::SelectRegion(last));
    h.run_steps(40);
    let name = reg.name(last, true);
    // The picker is the left panel (the name is also in the top bar).
    let rows: Vec<egui::Rect> = h.query_all_by_label(&name).map(|n| n.rect()).filter(|r| r.right() < 320.0).collect();
    assert_eq!(rows.len(), 1, "{name} is listed once in the picker: {rows:?}");
    let rect = rows[0];
    assert!(rect.top() >= 100.0 && rect.bottom() <= 1000.0, "{name} is on screen in the picker: {rect:?}");
}
