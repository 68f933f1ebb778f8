//! Rates per 100 000 residents: the bundled registry carries the 2020 census population
//! (checked here against the census table in `../shared/data/real/`, tests only), so the
//! demo offers per-100k on the map and in the compare view; a feed's `regions` section can
//! still supply another population, and it wins.

mod common;
mod ui_common;

use ui_common::*;

use egui_kittest::kittest::{NodeT as _, Queryable as _};
use serde_json::json;
use sitboard::feed::{FeedSource, load_sources, registry};
use sitboard::i18n::Lang;
use sitboard::model::Adcode;
use sitboard::ui::{MainTab, UiCommand};

/// Every registry unit's population is the census total of its code (or one of its aliases:
/// 加格达奇区 is 232718 in DataV and 232761 in the census).
#[test]
fn the_bundled_population_is_the_2020_census() {
    let census = common::real_data("hlj_census2020_county_leiii.csv").expect("census table");
    let mut rdr = csv::Reader::from_path(&census).expect("census CSV");
    let headers = rdr.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name).expect(name);
    let (c_code, c_pop) = (col("区划代码"), col("人口数_合计"));
    let mut by_code = std::collections::HashMap::new();
    for rec in rdr.records() {
        let rec = rec.expect("census row");
        if let (Ok(code), Ok(pop)) = (rec[c_code].parse::<Adcode>(), rec[c_pop].parse::<u64>()) {
            by_code.insert(code, pop);
        }
    }
    let reg = registry::bundled().expect("registry");
    let mut checked = 0;
    for r in reg.iter_sorted() {
        let want = std::iter::once(r.adcode).chain(r.aliases.iter().copied()).find_map(|c| by_code.get(&c).copied());
        assert_eq!(r.population, want, "{} {}", r.adcode, r.name_zh);
        assert!(r.population.is_some(), "{} {} has no population", r.adcode, r.name_zh);
        checked += 1;
    }
    assert_eq!(checked, 139);
    assert_eq!(reg.get(code(230100)).and_then(|r| r.population), Some(10_009_854));
}

#[test]
fn the_demo_offers_per_100k_on_the_map_and_in_compare() {
    let mut h = harness(demo_app(Lang::Zh));
    h.state_mut().apply(UiCommand::SetDate(date("2020-02-10")));
    h.state_mut().apply(UiCommand::SelectRegion(code(230000)));
    h.state_mut().apply(UiCommand::SetTab(MainTab::Map));
    h.run();
    assert!(h.query_all_by_label_contains("5–10").next().is_none());
    let mode = h.get_by_label("近7日每10万人新增");
    assert!(!mode.accesskit_node().is_disabled(), "per-100k map mode enabled on the demo");
    mode.click();
    h.run();
    // The legend switches to the classes per 100 000 (5–10 exists only in that mode).
    assert!(h.query_all_by_label_contains("5–10").next().is_some(), "per-100k legend classes");

    h.state_mut().apply(UiCommand::SetTab(MainTab::Curves));
    h.run();
    h.get_by_label("下辖地区对比").click();
    h.run();
    let per = h.get_by_label("每10万人");
    assert!(!per.accesskit_node().is_disabled());
    per.click();
    h.run();
    assert!(h.query_all_by_label_contains("（每10万人）").next().is_some());
}

#[test]
fn a_regions_feed_population_overrides_the_bundled_one() {
    let doc = json!({
        "schema": "sitboard.feed/1",
        "source": {"id": "population-test", "name": "population (test)"},
        "generated_at": "2021-05-11T00:00:00Z",
        "as_of": "2020-11-01T00:00:00Z",
        "regions": [{"adcode": "230100", "population": 12_345_678u64}],
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let pop = dir.path().join("population.json");
    std::fs::write(&pop, doc.to_string()).expect("write feed");
    let demo = sitboard::settings::paths::bundled_demo_dir().expect("demo");
    let outcome =
        load_sources(&[FeedSource::Path(demo), FeedSource::Path(pop)], registry::bundled().expect("registry"));
    assert!(outcome.reports.iter().all(|r| r.rejected.is_empty()));
    let harbin = outcome.dataset.registry.get(code(230100)).and_then(|r| r.population);
    assert_eq!(harbin, Some(12_345_678));
    let nangang = outcome.dataset.registry.get(code(230103)).and_then(|r| r.population);
    assert_eq!(nangang, Some(1_390_679), "the others keep the census figure");
}
