//! The long-format CSV importer, on synthetic rows and on the real public file in
//! `../shared/data/real/` (tests only; the file is never copied into the repository).

mod common;

use std::sync::Arc;

use common::real_data;

use chrono::NaiveDate;
use sitboard::feed::{FeedSource, load_sources, registry};
use sitboard::model::{Adcode, CaseField, Overview, Situation};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn code(c: u32) -> Adcode {
    Adcode::new(c).unwrap()
}

#[test]
fn real_canghailan_file_matches_official_figures() {
    let Some(path) = real_data("hlj_covid19_city_daily_2020_canghailan.csv") else { return };
    let outcome = load_sources(&[FeedSource::Path(path)], registry::bundled().unwrap());
    let r = &outcome.reports[0];
    assert!(r.fatal.is_none(), "{:?}", r.fatal);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    let ds = Arc::new(outcome.dataset);
    let prov = code(230000);
    let get = |d: &str, f: CaseField| ds.report(prov, date(d)).and_then(|r| r.get(f));
    assert_eq!(get("2020-03-03", CaseField::Active), Some(95));
    assert_eq!(get("2020-03-12", CaseField::Active), Some(23));
    assert_eq!(get("2020-01-24", CaseField::CumulativeConfirmed), Some(9));
    assert_eq!(get("2020-03-12", CaseField::CumulativeConfirmed), Some(482));
    assert_eq!(get("2020-01-24", CaseField::NewConfirmed), Some(5));
    // The same through the overview (what the board and `sitboard report` show).
    let ov = Overview::compute(&Situation::at_end_of(ds.clone(), date("2020-03-03")), prov);
    assert_eq!(ov.figure(CaseField::Active).value, Some(95));

    // Suihua's cumulative count falls 44 → 35 on 2020-02-09: a flagged correction, not a
    // negative day of new cases.
    let suihua = ds.report(code(231200), date("2020-02-09")).unwrap();
    assert_eq!(suihua.get(CaseField::NewConfirmed), None);
    assert_eq!(suihua.correction(CaseField::CumulativeConfirmed), Some(-9));
    assert!(
        r.warnings.iter().any(|w| w.message.contains("绥化市 2020-02-09: cumulative confirmed fell from 44 to 35"))
    );
    // No negative or absurd new counts anywhere.
    for c in ds.registry.iter_sorted() {
        if let Some(series) = ds.series(c.adcode) {
            for rep in series.values() {
                assert!(rep.get(CaseField::NewConfirmed).unwrap_or(0) < 1000);
            }
        }
    }
    // The imported bucket is not a place, and is said so.
    assert!(r.warnings.iter().any(|w| w.message.contains("境外输入 (2300y0): not a place")));
}

#[test]
fn synthetic_csv_derivations_and_errors() {
    let text = "date,province,provinceCode,city,cityCode,confirmed,suspected,cured,dead\n\
        2020-01-21,黑龙江省,230000,,,1,0,0,0\n\
        2020-01-22,黑龙江省,230000,,,3,0,0,0\n\
        2020-01-22,黑龙江省,230000,哈尔滨市,230100,2,0,0,0\n\
        2020-01-23,黑龙江省,230000,,,5,0,1,0\n\
        2020-01-23,黑龙江省,230000,哈尔滨市,230100,1,0,0,0\n\
        2020-01-23,黑龙江省,230000,哈尔滨市,230100,1,0,0,0\n\
        2020-01-24,黑龙江省,230000,哈尔滨市,239900,1,0,0,0\n\
        2020-01-24,黑龙江省,230000,,,x,0,0,0\n\
        2020-01-25,黑龙江省,230000,,,-2,0,0,0\n\
        2020-01-25,北京市,110000,,,9,0,0,0\n";
    let dir = std::env::temp_dir().join(format!("sitboard-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.csv");
    std::fs::write(&path, text).unwrap();
    let outcome = load_sources(&[FeedSource::Path(path)], registry::bundled().unwrap());
    let r = &outcome.reports[0];
    let msgs: Vec<String> = r.rejected.iter().map(|i| i.to_string()).collect();
    assert!(msgs.iter().any(|m| m == "line 7: duplicate of line 6 (region 230100, date 2020-01-23)"), "{msgs:#?}");
    assert!(msgs.iter().any(|m| m == "line 8 cityCode: unknown region code 239900"), "{msgs:#?}");
    assert!(msgs.iter().any(|m| m == "line 9 confirmed: \"x\" is not a whole number"), "{msgs:#?}");
    assert!(msgs.iter().any(|m| m == "line 10 confirmed: negative count -2"), "{msgs:#?}");
    assert!(r.warnings.iter().any(|w| w.message.contains("outside the board's registry")));
    let ds = &outcome.dataset;
    let prov = ds.report(code(230000), date("2020-01-23")).unwrap();
    assert_eq!(prov.get(CaseField::NewConfirmed), Some(2));
    assert_eq!(prov.get(CaseField::Active), Some(4));
    // Harbin had no row on 01-21: zero by the format's convention, not reported.
    let h = ds.report(code(230100), date("2020-01-21")).unwrap();
    assert_eq!(h.get(CaseField::CumulativeConfirmed), Some(0));
    assert!(h.reported.is_empty());
    let h = ds.report(code(230100), date("2020-01-22")).unwrap();
    assert_eq!(h.get(CaseField::NewConfirmed), Some(2));
    // 2 → 1: a correction.
    let h = ds.report(code(230100), date("2020-01-23")).unwrap();
    assert_eq!(h.correction(CaseField::CumulativeConfirmed), Some(-1));
    assert_eq!(h.get(CaseField::NewConfirmed), None);
    let _ = std::fs::remove_dir_all(&dir);
}
