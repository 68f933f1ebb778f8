//! Per-100 000 normalisation of the compare view needs population: the bundled registry has
//! none, so a feed's `regions` section supplies it. Here that feed is built from the real
//! 2020 census table in `../shared/data/real/` (tests only).

mod common;

use chrono::NaiveDate;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use serde_json::json;
use sitboard::feed::{FeedSource, load_sources, registry};
use sitboard::i18n::Lang;
use sitboard::model::Adcode;
use sitboard::ui::{MainTab, SitboardApp, UiCommand, fonts, theme};

#[test]
fn population_from_a_regions_feed_enables_per_100k() {
    let Some(census) = common::real_data("hlj_census2020_county_leiii.csv") else { return };
    let mut rdr = csv::Reader::from_path(&census).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name).unwrap();
    let (c_code, c_pop) = (col("区划代码"), col("人口数_合计"));
    let reg = registry::bundled().unwrap();
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let code: Adcode = rec[c_code].parse().unwrap();
        if reg.get(code).is_some_and(|r| r.level == sitboard::model::RegionLevel::City) {
            rows.push(json!({"adcode": code.to_string(), "population": rec[c_pop].parse::<u64>().unwrap()}));
        }
    }
    assert_eq!(rows.len(), 13);
    let doc = json!({
        "schema": "sitboard.feed/1",
        "source": {"id": "census-2020", "name": "2020 census (test)"},
        "generated_at": "2021-05-11T00:00:00Z",
        "as_of": "2020-11-01T00:00:00Z",
        "regions": rows,
    });
    let dir = std::env::temp_dir().join(format!("sitboard-pop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pop = dir.join("population.json");
    std::fs::write(&pop, doc.to_string()).unwrap();
    let demo = sitboard::settings::paths::bundled_demo_dir().unwrap();
    let outcome = load_sources(&[FeedSource::Path(demo), FeedSource::Path(pop)], reg);
    assert!(
        outcome.reports.iter().all(|r| r.rejected.is_empty()),
        "{:?}",
        outcome.reports.last().map(|r| r.render(10))
    );
    let harbin = outcome.dataset.registry.get(Adcode::new(230100).unwrap()).unwrap().population;
    assert_eq!(harbin, Some(10_009_854));

    let app = SitboardApp::from_outcome(outcome, Lang::Zh);
    let mut h = Harness::builder()
        .with_size([1920.0, 1080.0])
        .with_context_setup(|ctx| {
            fonts::install(ctx);
            theme::apply(ctx);
        })
        .build_ui_state(|ui, app: &mut SitboardApp| app.frame(ui), app);
    h.state_mut().apply(UiCommand::SetDate(NaiveDate::from_ymd_opt(2020, 3, 3).unwrap()));
    h.state_mut().apply(UiCommand::SetTab(MainTab::Curves));
    h.run();
    h.get_by_label("下辖地区对比").click();
    h.run();
    let per = h.get_by_label("每10万人");
    assert!(!per.accesskit_node().is_disabled());
    per.click();
    h.run();
    assert!(h.query_all_by_label_contains("（每10万人）").next().is_some());
    let _ = std::fs::remove_dir_all(&dir);
}
