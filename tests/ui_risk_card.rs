//! One screen, one answer (issue 18): where no risk level is published, the overview's and
//! the wall's risk card count the levels the map colours by — computed by the February 2020
//! rule — and say how many are computed, instead of "not rated" beside a coloured map.

mod ui_common;

use ui_common::*;

use chrono::NaiveDate;
use egui_kittest::kittest::Queryable as _;
use sitboard::i18n::Lang;
use sitboard::model::Adcode;
use sitboard::model::overview::Overview;
use sitboard::ui::{MainTab, UiCommand};

#[test]
fn the_risk_card_counts_what_the_map_shows() {
    let mut h = harness(demo_app(Lang::En));
    let province = Adcode::new(230000).unwrap();
    h.state_mut().apply(UiCommand::SetDate(NaiveDate::from_ymd_opt(2020, 2, 16).unwrap()));
    h.state_mut().apply(UiCommand::SelectRegion(province));
    h.run();
    let ov = Overview::compute(h.state().situation().unwrap(), province);
    let risk = ov.risk.expect("risk summary");
    assert_eq!(risk.counts.unknown, risk.counts.total, "nothing is published on 2020-02-16");
    assert!(risk.shown_computed > 0 && risk.shown_counts.medium > 0, "the rule gives levels: {:?}", risk.shown_counts);
    assert_eq!(risk.shown_counts.medium, risk.computed_counts.medium);
    for tab in [MainTab::Overview, MainTab::Wall] {
        h.state_mut().apply(UiCommand::SetTab(tab));
        h.run();
        assert!(
            h.query_by_label(&format!("Medium {}", risk.shown_counts.medium)).is_some(),
            "{tab:?}: the card counts the computed levels"
        );
        assert!(h.query_by_label(&format!("Low {}", risk.shown_counts.low)).is_some());
        // (On the wall the map's legend beside the card says the same.)
        let note = format!("{} units have no published level: coloured by the computed one", risk.shown_computed);
        assert!(h.query_all_by_label(&note).next().is_some(), "{tab:?}: and says they are computed");
    }
}
