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

/// The real city file with one row's date replaced (the issue 15 reproduction), in a temp
/// folder; the line changed is the 100th data row.
fn real_file_with_date(date_text: &str, dir: &tempfile::TempDir) -> Option<(std::path::PathBuf, usize)> {
    let path = real_data("hlj_covid19_city_daily_2020_canghailan.csv")?;
    let text = std::fs::read_to_string(path).expect("read the real CSV");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let line_no = 101; // 1-based: the header is line 1
    let row = &mut lines[line_no - 1];
    let rest = row.split_once(',').expect("a CSV row").1.to_owned();
    *row = format!("{date_text},{rest}");
    let out = dir.path().join("hlj.csv");
    std::fs::write(&out, lines.join("\n")).expect("write the temp CSV");
    Some((out, line_no))
}

#[test]
fn a_date_outside_the_plausible_window_is_rejected_naming_the_row() {
    for bad in ["0001-01-01", "1000-01-01", "9999-12-31"] {
        let dir = tempfile::tempdir().unwrap();
        let Some((path, line)) = real_file_with_date(bad, &dir) else { return };
        let outcome = load_sources(&[FeedSource::Path(path)], registry::bundled().unwrap());
        let r = &outcome.reports[0];
        assert!(r.fatal.is_none(), "{bad}: {:?}", r.fatal);
        let msgs: Vec<String> = r.rejected.iter().map(|i| i.to_string()).collect();
        assert_eq!(
            msgs,
            vec![format!("line {line} date: {bad} is outside the dates this board takes (2000-01-01 … 2099-12-31)")],
            "{bad}"
        );
        // The rest loads as before: no row per day of a gap to year 1 or 9999.
        assert!(r.total_accepted() < 10_000, "{bad}: {} rows", r.total_accepted());
        let days = outcome.dataset.dates();
        assert!(days.first().is_some_and(|d| *d >= date("2020-01-01")), "{bad}: {:?}", days.first());
        assert!(days.last().is_some_and(|d| *d <= date("2020-12-31")), "{bad}: {:?}", days.last());
    }
}

#[test]
fn a_file_spanning_more_than_the_limit_is_refused_naming_its_first_and_last_rows() {
    let dir = tempfile::tempdir().unwrap();
    let Some((path, line)) = real_file_with_date("2099-12-31", &dir) else { return };
    let outcome = load_sources(&[FeedSource::Path(path.clone())], registry::bundled().unwrap());
    let r = &outcome.reports[0];
    let fatal = r.fatal.as_deref().expect("refused");
    assert!(fatal.contains(&format!("to 2099-12-31 (line {line})")), "{fatal}");
    assert!(fatal.contains("from 2020-01-21 (line 2)"), "{fatal}");
    assert!(fatal.contains("csv_max_span_years"), "{fatal}");
    assert_eq!(r.total_accepted(), 0);
    assert!(outcome.dataset.dates().is_empty());

    // A wider limit (csv_max_span_years = 100) takes the same file.
    let wide = sitboard::feed::load_sources_with(
        &[FeedSource::Path(path)],
        registry::bundled().unwrap(),
        sitboard::feed::csv_import::CsvLimits::years(100),
    );
    assert!(wide.reports[0].fatal.is_none(), "{:?}", wide.reports[0].fatal);
}
