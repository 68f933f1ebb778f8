//! Every published figure the bundled demo reproduces (the audit table
//! `tools/demo/known_figures.json`) shows on its date: in the overview model, marked as
//! reported; on the board's KPI tiles (egui_kittest, what a person reads); and in
//! `sitboard report`, which prints the same numbers from the same code.

mod common;

use std::process::Command;
use std::sync::Arc;

use chrono::NaiveDate;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use serde_json::Value;
use sitboard::feed::{FeedSource, load_sources, registry};
use sitboard::i18n::{Lang, fmt_count};
use sitboard::model::overview::{CORE_FIGURES, EXTRA_FIGURES, FigureSource, Overview};
use sitboard::model::{Adcode, CaseField, Dataset, Situation};
use sitboard::ui::{SitboardApp, UiCommand, fonts, theme};

fn demo() -> (Dataset, Vec<sitboard::feed::IngestReport>) {
    let dir = sitboard::settings::paths::bundled_demo_dir().expect("bundled demo folder data/demo");
    let o = load_sources(&[FeedSource::Path(dir)], registry::bundled().unwrap());
    (o.dataset, o.reports)
}

fn known() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/demo/known_figures.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// (region, date, field, value) for every published case figure.
fn case_figures() -> Vec<(Adcode, NaiveDate, CaseField, u32)> {
    let k = known();
    let mut out = Vec::new();
    for c in k["case_figures"].as_array().unwrap() {
        let region: Adcode = c["region"].as_str().unwrap().parse().unwrap();
        let d = date(c["date"].as_str().unwrap());
        for (name, v) in c["values"].as_object().unwrap() {
            let field =
                CaseField::from_wire(&name.replace("imported.", "imported_")).unwrap_or_else(|| panic!("{name}"));
            out.push((region, d, field, u32::try_from(v.as_u64().unwrap()).unwrap()));
        }
    }
    assert!(out.len() > 200, "the audit table should list every published figure ({} found)", out.len());
    out
}

#[test]
fn demo_loads_cleanly() {
    let (_, reports) = demo();
    assert_eq!(reports.len(), 7);
    for r in &reports {
        assert!(r.fatal.is_none() && r.rejected.is_empty(), "{}", r.render(20));
    }
}

#[test]
fn every_published_figure_is_in_the_overview_as_reported() {
    let (ds, _) = demo();
    let ds = Arc::new(ds);
    for (region, d, field, value) in case_figures() {
        let ov = Overview::compute(&Situation::at_end_of(ds.clone(), d), region);
        let report = ds.report(region, d).unwrap_or_else(|| panic!("no report for {region} on {d}"));
        assert_eq!(report.get(field), Some(value), "{region} {d} {}", field.wire_name());
        assert!(report.reported.contains(field), "{region} {d} {} should be marked reported", field.wire_name());
        if CORE_FIGURES.contains(&field) || EXTRA_FIGURES.contains(&field) {
            let fig = ov.figure(field);
            assert_eq!(fig.value, Some(value), "{region} {d} {}", field.wire_name());
            assert_eq!(fig.source, FigureSource::Reported, "{region} {d} {}", field.wire_name());
        }
    }
}

#[test]
fn derived_and_dated_facts_hold() {
    let (ds, _) = demo();
    let ds = Arc::new(ds);
    let prov: Adcode = "230000".parse().unwrap();
    // 04-24: local = all − imported.
    let ov = Overview::compute(&Situation::at_end_of(ds.clone(), date("2020-04-24")), prov);
    let local = ov.local.unwrap();
    assert_eq!(local.cumulative_confirmed, Some(544));
    assert_eq!(local.active, Some(61));
    assert_eq!(local.new_confirmed, Some(1));
    // Response levels on their dates.
    let level = |d: &str| Overview::compute(&Situation::at_end_of(ds.clone(), date(d)), prov).response.map(|r| r.level);
    use sitboard::model::ResponseLevel::{I, II, III};
    assert_eq!(level("2020-01-24"), Option::None);
    assert_eq!(level("2020-01-25"), Some(I));
    assert_eq!(level("2020-03-03"), Some(I));
    assert_eq!(level("2020-03-04"), Some(II));
    assert_eq!(level("2020-03-24"), Some(II));
    assert_eq!(level("2020-03-25"), Some(III));
    // Risk levels: 9 medium / 116 low of 125 on 2020-03-04, 3 medium from 03-16, 1 from 03-19.
    let risk = |d: &str| Overview::compute(&Situation::at_end_of(ds.clone(), date(d)), prov).risk.unwrap().counts;
    let r = risk("2020-03-04");
    assert_eq!((r.high, r.medium, r.low, r.unknown, r.total), (0, 9, 116, 0, 125));
    assert_eq!(risk("2020-03-16").medium, 3);
    assert_eq!(risk("2020-03-19").medium, 1);
    // Harbin 2022-11-29, 0–15 h: 59 positives by district and by channel.
    let hrb: Adcode = "230100".parse().unwrap();
    let sit = Situation::at_end_of(ds.clone(), date("2022-11-29"));
    let ov = Overview::compute(&sit, hrb);
    assert_eq!(ov.window.as_deref(), Some("00:00–15:00"));
    assert_eq!(ov.channels.iter().map(|(_, n)| n).sum::<u32>(), 59);
    let by_district: Vec<(String, u32)> = ds
        .registry
        .children(hrb)
        .iter()
        .filter_map(|c| {
            let r = sit.report(*c)?;
            let n = r.get(CaseField::NewConfirmed).unwrap_or(0) + r.get(CaseField::NewAsymptomatic).unwrap_or(0);
            (n > 0).then(|| (ds.registry.name(*c, false), n))
        })
        .collect();
    let expect = [
        ("香坊区", 20),
        ("道里区", 11),
        ("南岗区", 8),
        ("呼兰区", 7),
        ("松北区", 5),
        ("阿城区", 2),
        ("宾县", 2),
        ("五常市", 2),
        ("道外区", 1),
        ("木兰县", 1),
    ];
    assert_eq!(by_district.len(), expect.len(), "{by_district:?}");
    for (name, n) in expect {
        assert!(by_district.contains(&(name.to_owned(), n)), "{name} {n} in {by_district:?}");
    }
    // The province's zero streak: 10 days, 02-23 … 03-03.
    for d in ["2020-02-23", "2020-02-28", "2020-03-03"] {
        assert_eq!(ds.report(prov, date(d)).unwrap().get(CaseField::NewConfirmed), Some(0), "{d}");
    }
    assert!(ds.report(prov, date("2020-02-22")).unwrap().get(CaseField::NewConfirmed).unwrap() > 0);
    // The derived indicators say the same: 10 days since the last new case on 03-03, and the
    // longest zero run so far is 02-23 … 03-03.
    use sitboard::model::indicators::{SinceLastNew, ZeroStreak};
    let ind = Situation::at_end_of(ds.clone(), date("2020-03-03")).indicators(prov).unwrap();
    assert_eq!(ind.since_last_new, SinceLastNew::Days { days: 10, last: date("2020-02-22") });
    assert_eq!(
        ind.longest_zero_streak,
        Some(ZeroStreak { first: date("2020-02-23"), last: date("2020-03-03"), days: 10 })
    );
    assert_eq!(ind.avg7_new, Some(0.0));
    assert!(!ind.fourteen_days_clear);
}

#[test]
fn the_board_shows_every_published_figure_on_its_date() {
    let (ds, reports) = demo();
    let outcome = sitboard::feed::LoadOutcome { dataset: ds, reports };
    let app = SitboardApp::from_outcome(outcome, Lang::Zh);
    let mut h = Harness::builder()
        .with_size([1920.0, 1080.0])
        .with_context_setup(|ctx| {
            fonts::install(ctx);
            theme::apply(ctx);
        })
        .build_ui_state(|ui, app: &mut SitboardApp| app.frame(ui), app);
    let tr = Lang::Zh.tr();
    let mut checked = 0;
    let mut figures = case_figures();
    figures.sort_by_key(|(r, d, _, _)| (*d, *r));
    let mut current = None;
    for (region, d, field, value) in figures {
        if !(CORE_FIGURES.contains(&field) || EXTRA_FIGURES.contains(&field)) {
            continue;
        }
        if current != Some((region, d)) {
            h.state_mut().apply(UiCommand::SetDate(d));
            h.state_mut().apply(UiCommand::SelectRegion(region));
            h.run();
            current = Some((region, d));
        }
        let label = format!("{}: {}", tr.case_field(field), fmt_count(u64::from(value)));
        assert!(h.query_by_label(&label).is_some(), "{region} on {d}: the board should read {label:?}");
        checked += 1;
    }
    assert!(checked > 120, "checked only {checked} tiles");
    // Risk counts and the response level, as a person reads them on 2020-03-04.
    h.state_mut().apply(UiCommand::SetDate(date("2020-03-04")));
    h.state_mut().apply(UiCommand::SelectRegion("230000".parse().unwrap()));
    h.run();
    assert!(h.query_by_label("中风险 9").is_some());
    assert!(h.query_by_label("低风险 116").is_some());
    assert!(h.query_by_label("二级响应").is_some());
}

#[test]
fn sitboard_report_prints_the_same_figures() {
    let bin = env!("CARGO_BIN_EXE_sitboard");
    let out = Command::new(bin)
        .args(["report", "--date", "2020-03-03", "--region", "230000", "--json"])
        .env("SITBOARD_DEMO_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["figures"]["active"]["value"], 95);
    assert_eq!(v["figures"]["active"]["source"], "reported");
    assert_eq!(v["figures"]["cured"]["value"], 372);
    assert_eq!(v["response_level"]["level"], "I");
    assert_eq!(v["indicators"]["since_last_new"]["days"], 10);
    assert_eq!(v["indicators"]["since_last_new"]["last"], "2020-02-22");
    assert_eq!(v["indicators"]["longest_zero_streak"]["days"], 10);

    let out = Command::new(bin)
        .args(["report", "--date", "2020-03-03", "--region", "230000", "--lang", "en"])
        .env("SITBOARD_DEMO_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.contains("Active cases") && l.contains(" 95 ")), "{text}");

    // The same 95 from the real public CSV, through the CSV importer.
    let real = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/real/hlj_covid19_city_daily_2020_canghailan.csv");
    if !std::path::Path::new(real).exists() {
        panic!("REAL DATA MISSING: {real}: the tests compare the board with public data in ../shared/data/real/");
    }
    let out = Command::new(bin)
        .args(["report", "--date", "2020-03-03", "--region", "230000", "--json", "--data", real])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["figures"]["active"]["value"], 95);
    assert_eq!(v["indicators"]["since_last_new"]["days"], 10);
    let out = Command::new(bin)
        .args(["report", "--date", "2020-03-03", "--region", "230000", "--lang", "en", "--data", real])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Days since the last new case    10 days (last new case on 2020-02-22)"), "{text}");

    // Errors are clear and exit non-zero.
    let out = Command::new(bin).args(["report", "--date", "2021-01-01", "--region", "230000"]).output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no data for 2021-01-01; the data covers 2020-01-21 … 2020-04-30")
    );
    let out = Command::new(bin).args(["report", "--date", "2020-03-03", "--region", "999999"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("999999 is not a known region"));
}

#[test]
fn sitboard_check_reports_and_exits_by_usability() {
    let bin = env!("CARGO_BIN_EXE_sitboard");
    let dir = std::env::temp_dir().join(format!("sitboard-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "<html>502 Bad Gateway</html>").unwrap();
    let out = Command::new(bin).args(["check", bad.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("REFUSED: not valid JSON at line 1, column 1"));
    let out = Command::new(bin).args(["check", concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo")]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("0 rejected, 0 documents refused"));
    assert!(!text.contains("contradict the rules"), "the demo's work orders follow the hotline rules: {text}");
    // A work order against the hotline rules is flagged with its id and the deadlines.
    let orders = dir.join("orders.json");
    std::fs::write(
        &orders,
        r#"{"schema": "sitboard.feed/1", "source": {"id": "t", "name": "t"}, "generated_at": "2022-11-30T00:00:00Z",
            "as_of": "2022-11-30T00:00:00Z", "work_orders": [
            {"id": "w1", "category": "testing", "region": "230110", "received_at": "2022-11-29T10:15:00+08:00",
             "due_at": "2022-11-29T18:00:00+08:00", "status": "open"},
            {"id": "w2", "category": "ufo", "region": "230110", "received_at": "2022-11-29T10:15:00+08:00", "status": "open"},
            {"id": "w3", "category": "testing", "region": "230110", "received_at": "2022-11-29T10:15:00+08:00",
             "closed_at": "2022-11-29T08:00:00+08:00", "status": "closed"}]}"#,
    )
    .unwrap();
    let out = Command::new(bin).args(["check", orders.to_str().unwrap()]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("work_orders[2].closed_at: 2022-11-29 08:00 UTC+8 is before received_at"), "{text}");
    assert!(text.contains("hotline: 2 work orders contradict the rules"), "{text}");
    assert!(text.contains("work order w1: due_at 2022-11-29 18:00 UTC+8 contradicts the rules"), "{text}");
    assert!(text.contains("work order w2: category \"ufo\" is not one of"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// What the board shows as a source cites public documents, never the project's working
/// notes or file names (a user has none of them).
#[test]
fn the_demo_cites_public_sources_not_internal_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for internal in ["shared/", "seeds/", "rules.md", "panels.md", "seed 00"] {
            assert!(!text.contains(internal), "{} shows {internal:?} to users", path.display());
        }
    }
}

/// Issue 16.1: a reconstructed province value must come from the documented rules
/// (`data/demo/SOURCES.md`), not from a public data set. Against the public city/province
/// series in `../shared/data/real/` (tests only): on every day that series moved, a value the
/// demo marks as reconstructed (not in `reported`) must differ from it, except the listed
/// days where the published anchors leave (almost) no choice.
#[test]
fn reconstructed_province_values_are_not_copied_from_a_public_series() {
    let path = common::real_data("hlj_covid19_city_daily_2020_canghailan.csv").expect("public series");
    let mut real = std::collections::BTreeMap::new();
    let mut rdr = csv::Reader::from_path(&path).expect("csv");
    for rec in rdr.deserialize::<std::collections::HashMap<String, String>>() {
        let rec = rec.expect("row");
        if rec.get("city").is_some_and(|c| c.is_empty()) {
            let n = |k: &str| rec.get(k).and_then(|v| v.parse::<u64>().ok()).expect("number");
            real.insert(rec["date"].clone(), (n("confirmed"), n("cured")));
        }
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo/hlj-2020-cases.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut demo = std::collections::HashMap::new();
    for r in doc["case_reports"].as_array().unwrap().iter().filter(|r| r["region"] == "230000") {
        demo.insert(r["date"].as_str().unwrap().to_string(), r.clone());
    }
    // Forced or explained: between 03-03's published 480 and 03-12's 482 any total is 480, 481
    // or 482; 03-16 lies on the straight line 453 (03-14) → 468 (03-24); 04-15 is 03-24's 468
    // plus our three April discharges; 04-22 is 04-24's published 930 less its 2 new, less our 3.
    let explained = [
        ("2020-03-04", "cumulative_confirmed"),
        ("2020-03-10", "cumulative_confirmed"),
        ("2020-03-16", "cured"),
        ("2020-04-15", "cured"),
        ("2020-04-22", "cumulative_confirmed"),
    ];
    let days: Vec<_> = real.keys().filter(|d| d.as_str() <= "2020-04-30").cloned().collect();
    let mut copied = Vec::new();
    for w in days.windows(2) {
        let (prev, day) = (&real[&w[0]], &real[&w[1]]);
        let Some(row) = demo.get(&w[1]) else { continue };
        let reported: Vec<&str> =
            row["reported"].as_array().map(|a| a.iter().filter_map(|v| v.as_str()).collect()).unwrap_or_default();
        for (field, now, before) in [("cumulative_confirmed", day.0, prev.0), ("cured", day.1, prev.1)] {
            if now != before
                && !reported.contains(&field)
                && row[field].as_u64() == Some(now)
                && !explained.contains(&(w[1].as_str(), field))
            {
                copied.push(format!("{} {field} {now}", w[1]));
            }
        }
    }
    assert!(copied.is_empty(), "reconstructed values equal to the public series: {copied:?}");
}

/// Issue 16.3: the demo's county levels of 2020-03-03 are reconstructed by the rule (the first
/// published county list is of 03-04): `report` must not call them published; on 03-04 it does.
#[test]
fn reconstructed_risk_levels_do_not_read_as_published() {
    let bin = env!("CARGO_BIN_EXE_sitboard");
    let report = |date: &str| {
        let out = Command::new(bin)
            .args(["report", "--date", date, "--region", "230000", "--lang", "en"])
            .env("SITBOARD_DEMO_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let before = report("2020-03-03");
    assert!(
        before.contains("Risk levels (125 county-level units, as the sources give them): High 0 · Medium 13"),
        "{before}"
    );
    assert!(before.contains("125 reconstructed by the source, not published"), "{before}");
    let after = report("2020-03-04");
    assert!(after.contains("Risk levels (125 county-level units, published): High 0 · Medium 9 · Low 116"), "{after}");
    assert!(!after.contains("reconstructed by the source"), "{after}");
    let json = Command::new(bin)
        .args(["report", "--date", "2020-03-03", "--region", "230000", "--json"])
        .env("SITBOARD_DEMO_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["risk"]["reconstructed"], 125, "{}", v["risk"]);
}

/// The published 12345 figures (Suihua 2020-01-24 … 02-03, Harbin 2022 up to 11-29) are on
/// their dates, marked reported, in the situation and in `sitboard report`; the synthetic
/// work-order stream reproduces Suihua's published count.
#[test]
fn hotline_figures_are_published_on_their_dates() {
    let (ds, _) = demo();
    let ds = Arc::new(ds);
    let facts = &known()["facts"];
    for key in ["suihua_hotline", "harbin_hotline_2022"] {
        let f = &facts[key];
        let region: Adcode = f["region"].as_str().unwrap().parse().unwrap();
        let (from, to) = (date(f["from"].as_str().unwrap()), date(f["to"].as_str().unwrap()));
        for d in [from, to] {
            let sit = Situation::at_end_of(ds.clone(), d);
            let periods = sit.hotline_periods(region);
            let p = periods.iter().find(|p| p.from == from && p.to == to).unwrap_or_else(|| panic!("{key} on {d}"));
            assert_eq!(p.requests.map(u64::from), f["requests"].as_u64(), "{key}");
            assert_eq!(p.connection_rate, f["connection_rate"].as_f64(), "{key}");
            assert_eq!(p.response_rate, f["response_rate"].as_f64(), "{key}");
            assert!(p.reported.iter().any(|r| r == "requests"), "{key}: requests marked reported");
            assert!(p.reference.as_deref().is_some_and(|r| r.contains("日报")), "{key}: a newspaper cited");
        }
        // Not before the period starts.
        let before = Situation::at_end_of(ds.clone(), from.pred_opt().unwrap());
        assert!(before.hotline_periods(region).iter().all(|p| p.from != from), "{key} before {from}");
    }
    // The synthetic orders received in Suihua 01-24 … 02-03 are the published 2,734.
    let suihua: Adcode = "231200".parse().unwrap();
    let start = sitboard::model::time::start_of_day(date("2020-01-24"));
    let end = sitboard::model::time::end_of_day(date("2020-02-03"));
    let n = ds
        .work_orders()
        .iter()
        .filter(|o| ds.registry.is_within(o.region, suihua) && o.received_at >= start && o.received_at < end)
        .count();
    assert_eq!(n, 2734);
    assert!(ds.sources.iter().any(|s| s.id == "demo-hotline-synthetic" && s.synthetic));

    let bin = env!("CARGO_BIN_EXE_sitboard");
    let report = |args: &[&str]| {
        let out = Command::new(bin)
            .args(args)
            .env("SITBOARD_DEMO_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let v: Value =
        serde_json::from_slice(&report(&["report", "--date", "2020-01-30", "--region", "231200", "--json"])).unwrap();
    let published = &v["hotline"]["published"][0];
    assert_eq!(published["requests"], 2734);
    assert_eq!(published["connection_rate"], 1.0);
    assert_eq!(published["response_rate"], 1.0);
    // The day's work orders, from the same code as the board.
    let sit = Situation::at_end_of(ds.clone(), date("2020-01-30"));
    let sum = sit.hotline_summary(suihua);
    assert_eq!(v["hotline"]["work_orders"]["volume"], sum.volume);
    assert_eq!(v["hotline"]["work_orders"]["open"], sum.open);
    assert_eq!(v["hotline"]["work_orders"]["overdue"], sum.overdue);
    assert_eq!(v["hotline"]["work_orders"]["synthetic"], true);
    assert!(sum.volume > 0);
    let text = report(&["report", "--date", "2022-11-29", "--region", "230100", "--lang", "en"]);
    let text = String::from_utf8_lossy(&text);
    assert!(text.contains("12345 hotline:"), "{text}");
    assert!(text.contains("Published 2022-01-01 … 2022-11-29 · Harbin · 1,330,000 requests [reported]"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("  Overdue")), "{text}");
}
