//! Exports end to end through the real binary on the bundled demo (issue 14): every table as
//! CSV (`sitboard export csv`), read back with the `csv` crate — BOM, a header naming region,
//! period, as-of and source, a provenance on every row, and values equal to what `sitboard
//! report --json` prints; the daily briefing of 2020-03-03 as PDF, its text extracted
//! in-process, carrying the published figures in its generated headline; the headless
//! screenshot at 1080p and 4K; and every export noted in the export record that `journal
//! verify` checks.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn sitboard(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sitboard"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .arg("--config")
        .arg(dir.join("no-config.toml"))
        .output()
        .expect("run the sitboard binary")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = sitboard(dir, args);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "sitboard {args:?} failed ({:?}):\n{out}\n{err}", o.status);
    out
}

fn report(dir: &Path, date: &str, region: &str) -> Value {
    let out = ok(dir, &["report", "--date", date, "--region", region, "--json"]);
    serde_json::from_str(&out).expect("report --json prints JSON")
}

/// What `report --json` prints for a region on 2020-03-03, from the same function in-process
/// (the province is also checked through the binary: one start per region would be slow).
fn report_in_process(region: &str) -> Value {
    use sitboard::feed::{FeedSource, load_sources, registry};
    use sitboard::model::Situation;
    use sitboard::model::overview::Overview;
    static SIT: std::sync::OnceLock<Situation> = std::sync::OnceLock::new();
    let sit = SIT.get_or_init(|| {
        let dir = sitboard::settings::paths::bundled_demo_dir().expect("bundled demo");
        let outcome = load_sources(&[FeedSource::Path(dir)], registry::bundled().expect("registry"));
        let date = chrono::NaiveDate::from_ymd_opt(2020, 3, 3).expect("date");
        Situation::at_end_of(std::sync::Arc::new(outcome.dataset), date)
    });
    let code = region.parse().expect("adcode");
    sitboard::export::overview::overview_json(&Overview::compute(sit, code), sit)
}

/// A CSV export read back: the preamble (`#key` → value), the column names, the rows as maps.
struct Csv {
    meta: HashMap<String, String>,
    columns: Vec<String>,
    rows: Vec<HashMap<String, String>>,
}

fn read_csv(path: &Path) -> Csv {
    let bytes = std::fs::read(path).expect("the export was written");
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "{}: no UTF-8 BOM", path.display());
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&bytes[3..]);
    let mut meta = HashMap::new();
    let mut columns = Vec::new();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.expect("a valid CSV record");
        let first = rec.get(0).unwrap_or_default();
        if let Some(key) = first.strip_prefix('#') {
            meta.insert(key.to_owned(), rec.get(1).unwrap_or_default().to_owned());
        } else if columns.is_empty() {
            columns = rec.iter().map(str::to_owned).collect();
        } else {
            assert_eq!(rec.len(), columns.len(), "{}: a row with {} fields: {rec:?}", path.display(), rec.len());
            rows.push(columns.iter().cloned().zip(rec.iter().map(str::to_owned)).collect());
        }
    }
    Csv { meta, columns, rows }
}

/// The header names region, period, as-of and source; every row has a provenance word.
fn check_frame(c: &Csv, region: &str, period: &str) {
    assert!(c.meta["region"].contains(region), "#region {:?}", c.meta["region"]);
    assert_eq!(c.meta["period"], period);
    assert!(c.meta["as_of"].contains("24:00 UTC+8"), "#as_of {:?}", c.meta["as_of"]);
    assert!(!c.meta["source"].trim().is_empty(), "#source is empty");
    assert!(!c.meta["source"].contains("shared/"), "a source is a public name, not a path: {}", c.meta["source"]);
    assert!(c.columns.iter().any(|h| h == "provenance"), "{:?}", c.columns);
    assert!(!c.rows.is_empty(), "no rows");
    const WORDS: [&str; 6] = ["reported", "reconstructed", "summed", "computed", "synthetic", "missing"];
    for row in &c.rows {
        let p = &row["provenance"];
        assert!(p.split('+').all(|w| WORDS.contains(&w)), "provenance {p:?} in {row:?}");
    }
}

fn export(dir: &Path, what: &str, extra: &[&str]) -> Csv {
    let out = dir.join(format!("{what}.csv"));
    let out_s = out.to_string_lossy().into_owned();
    let mut args = vec!["export", "csv", "--what", what, "--region", "230000", "--to", "2020-03-03", "--out", &out_s];
    args.extend_from_slice(extra);
    ok(dir, &args);
    read_csv(&out)
}

fn num(s: &str) -> Option<u64> {
    (!s.is_empty()).then(|| s.parse().expect("a number"))
}

#[test]
fn every_table_exports_as_csv_with_the_figures_report_prints() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let mut province = report(dir, "2020-03-03", "230000");
    // `report` adds the hotline's figures after the overview; the tables compare the overview.
    assert!(province.as_object_mut().and_then(|o| o.remove("hotline")).is_some());
    assert_eq!(province, report_in_process("230000"), "report --json and the in-process overview differ");

    // Subregions: each city's figures are its `report`.
    let subs = export(dir, "subregions", &[]);
    check_frame(&subs, "230000", "2020-03-03");
    assert_eq!(subs.rows.len(), 13, "13 cities of Heilongjiang");
    for row in &subs.rows {
        let r = report_in_process(&row["adcode"]);
        for (col, field) in [
            ("new_confirmed", "new_confirmed"),
            ("active", "active"),
            ("cumulative_confirmed", "cumulative_confirmed"),
            ("cured", "cured"),
            ("deaths", "deaths"),
        ] {
            assert_eq!(
                num(&row[col]),
                r["figures"][field]["value"].as_u64(),
                "{} {col}: CSV {:?}, report {}",
                row["region_en"],
                row[col],
                r["figures"][field]
            );
        }
    }
    // Ranked as the board ranks: most active first.
    let active: Vec<u64> = subs.rows.iter().map(|r| num(&r["active"]).unwrap_or(0)).collect();
    assert!(active.windows(2).all(|w| w[0] >= w[1]), "{active:?}");

    // Curves: the province's figures on the last day are the report's, with provenance.
    let curves = export(dir, "curves", &["--from", "2020-02-24", "--compare", "231200"]);
    check_frame(&curves, "230000", "2020-02-24 … 2020-03-03");
    for (field, v) in province["figures"].as_object().expect("figures") {
        let Some(want) = v["value"].as_u64() else { continue };
        let row =
            curves.rows.iter().find(|r| r["date"] == "2020-03-03" && r["adcode"] == "230000" && &r["figure"] == field);
        // Derived figures (computed by the board) are not in the curves: only the reports'.
        if v["source"] == "derived" {
            continue;
        }
        let row = row.unwrap_or_else(|| panic!("no curves row for {field} on 2020-03-03"));
        assert_eq!(num(&row["value"]), Some(want), "{field}");
        assert_eq!(row["provenance"], v["source"].as_str().expect("source").replace("aggregated", "summed"));
    }
    assert!(curves.rows.iter().any(|r| r["adcode"] == "231200"), "the compared city is in the curves");
    assert!(curves.rows.iter().all(|r| r["date"].as_str() >= "2020-02-24"), "rows before --from");

    // Checkpoints: the rows add up to the report's checkpoint totals of the day.
    let cps = export(dir, "checkpoints", &[]);
    check_frame(&cps, "230000", "2020-03-03");
    let c = &province["checkpoints"];
    assert_eq!(cps.rows.len() as u64, c["total"].as_u64().expect("total"));
    let open = cps.rows.iter().filter(|r| r["status"] == "open").count() as u64;
    assert_eq!(open, c["open"].as_u64().expect("open"));
    let sum = |col: &str| cps.rows.iter().map(|r| num(&r[col]).unwrap_or(0)).sum::<u64>();
    assert_eq!(sum("vehicles_24h"), c["vehicles"].as_u64().expect("vehicles"));
    assert_eq!(sum("people_24h"), c["people"].as_u64().expect("people"));
    assert_eq!(sum("alarms_24h"), c["alarms"].as_u64().expect("alarms"));

    // Lanes of the busiest checkpoint add up to its row.
    let busiest = cps.rows.iter().max_by_key(|r| num(&r["vehicles_24h"])).expect("a checkpoint");
    let lanes = export(dir, "lanes", &["--checkpoint", &busiest["id"]]);
    check_frame(&lanes, "230000", "2020-03-03");
    assert_eq!(lanes.rows.len(), 3, "passenger, freight, green");
    let lane_sum: u64 = lanes.rows.iter().map(|r| num(&r["vehicles_24h"]).unwrap_or(0)).sum();
    assert_eq!(Some(lane_sum), num(&busiest["vehicles_24h"]));

    // Risk: published and computed levels count as the report counts them.
    let risk = export(dir, "risk", &[]);
    check_frame(&risk, "230000", "2020-03-03");
    let rc = &province["risk"];
    assert_eq!(risk.rows.len() as u64, rc["counts"]["total"].as_u64().expect("total"));
    for (level, key) in [("high", "high"), ("medium", "medium"), ("low", "low")] {
        let published = risk.rows.iter().filter(|r| r["published"] == level).count() as u64;
        assert_eq!(published, rc["counts"][key].as_u64().expect("count"), "published {level}");
        let computed = risk.rows.iter().filter(|r| r["computed"] == level).count() as u64;
        assert_eq!(computed, rc["computed_counts"][key].as_u64().expect("count"), "computed {level}");
    }

    // Hotline: the periods as published (Suihua, 2,734 requests).
    let hotline = export(dir, "hotline", &[]);
    check_frame(&hotline, "230000", "2020-01-21 … 2020-03-03");
    let suihua = hotline.rows.iter().find(|r| r["adcode"] == "231200").expect("Suihua's hotline period");
    assert_eq!(suihua["requests"], "2734");
    assert_eq!(suihua["provenance"], "reported");

    // Six exports, each noted; the record's chain verifies.
    let verify = ok(dir, &["--lang", "en", "journal", "verify"]);
    assert!(verify.contains("6 exports noted, hash chain intact"), "{verify}");
}

#[test]
fn bad_export_arguments_are_refused_with_a_message_and_write_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let out = dir.join("x.csv");
    let out_s = out.to_string_lossy().into_owned();
    for (args, says) in [
        (vec!["--what", "cases", "--region", "230000"], "not one of"),
        (vec!["--what", "risk", "--region", "99x"], "--region"),
        (vec!["--what", "risk", "--region", "230000", "--to", "2020-13-01"], "--to"),
        (vec!["--what", "risk", "--region", "230000", "--to", "2019-01-01"], "no data for 2019-01-01"),
        (vec!["--what", "lanes", "--region", "230000"], "--checkpoint"),
        (vec!["--what", "lanes", "--region", "230000", "--checkpoint", "nope"], "no checkpoint \"nope\""),
        (vec!["--what", "curves", "--region", "230000", "--from", "2020-03-05", "--to", "2020-03-03"], "empty"),
    ] {
        let mut all = vec!["export", "csv", "--out", &out_s];
        all.extend(args.iter());
        let o = sitboard(dir, &all);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{all:?} should fail");
        assert!(err.contains(says), "{all:?}: {err}");
        assert!(!out.exists(), "{all:?} wrote a file");
    }
    let o = sitboard(dir, &["briefing", "--date", "2020-03-03", "--region", "230000", "--out", "x.txt"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains(".pdf or .html"));
}

/// The text of a PDF, extracted in-process.
fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("the PDF was written");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    pdf_extract::extract_text_from_mem(&bytes).expect("text extracted from the PDF")
}

#[test]
fn the_briefing_of_2020_03_03_reads_like_the_bulletin_of_that_day() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let zh = dir.join("briefing-zh.pdf");
    ok(
        dir,
        &["briefing", "--date", "2020-03-03", "--region", "230000", "--lang", "zh", "--out", &zh.to_string_lossy()],
    );
    let text: String = pdf_text(&zh).split_whitespace().collect();
    // The generated headline: the published figures of the day (seed 001).
    for part in [
        "黑龙江省疫情防控每日简报",
        "3月3日0—24时，黑龙江省无新增确诊病例",
        "新增治愈出院病例14例",
        "截至3月3日24时",
        "累计治愈出院372例",
        "现有确诊病例95例（其中重症29例）",
        "现有疑似病例2例",
        // The table by city, the response level, checkpoints, hotline, provenance.
        "分地区情况",
        "哈尔滨市",
        "一级响应",
        "现行有效指令",
        "绥指公4号",
        "卡口",
        "受理诉求2,734件",
        "数据截至2020-03-0324:00UTC+8",
        "官方通报",
    ] {
        assert!(text.contains(part), "the briefing lacks {part:?}:\n{text}");
    }
    // The font is embedded (a subset), nothing to install to read it.
    let bytes = std::fs::read(&zh).expect("pdf");
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/FontFile3") || raw.contains("/FontFile2"), "the font is not embedded");

    // English is a translation, not a mix.
    let en = dir.join("briefing-en.pdf");
    ok(
        dir,
        &["briefing", "--date", "2020-03-03", "--region", "230000", "--lang", "en", "--out", &en.to_string_lossy()],
    );
    let text = pdf_text(&en).split_whitespace().collect::<Vec<_>>().join(" ");
    for part in [
        "Heilongjiang Province reported no new confirmed cases",
        "14 patients cured and discharged",
        "372 cured and discharged",
        "95 active cases (29 severe)",
        "2 suspected cases",
    ] {
        assert!(text.contains(part), "the English briefing lacks {part:?}:\n{text}");
    }
    assert!(!text.contains("无新增"), "Chinese headline words in the English briefing");

    // The HTML variant, for a browser's print.
    let html = dir.join("briefing.html");
    ok(dir, &["briefing", "--date", "2020-03-03", "--region", "230000", "--out", &html.to_string_lossy()]);
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.contains("@page { size: A4"), "no print CSS");
    assert!(page.contains("现有确诊病例95例") && page.contains("<svg"), "headline or figure missing");

    let verify = ok(dir, &["--lang", "en", "journal", "verify"]);
    assert!(verify.contains("3 exports noted"), "{verify}");
}

fn png_size(path: &Path) -> (u32, u32, Vec<u8>) {
    let file = std::fs::File::open(path).expect("the PNG was written");
    let mut dec = png::Decoder::new(std::io::BufReader::new(file)).read_info().expect("a PNG");
    let mut buf = vec![0; dec.output_buffer_size().expect("size")];
    let info = dec.next_frame(&mut buf).expect("a frame");
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn the_headless_screenshot_draws_the_wall_at_1080p_and_4k() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    for (size, w, h) in [("1920x1080", 1920, 1080), ("3840x2160", 3840, 2160)] {
        let out = dir.join(format!("wall-{size}.png"));
        ok(
            dir,
            &["screenshot", "--view", "wall", "--date", "2020-03-03", "--size", size, "--out", &out.to_string_lossy()],
        );
        let (pw, ph, px) = png_size(&out);
        assert_eq!((pw, ph), (w, h));
        // Not blank: the wall's cards, map and chart give many colours.
        let mut colours: Vec<[u8; 3]> = px.chunks_exact(3).step_by(97).map(|p| [p[0], p[1], p[2]]).collect();
        colours.sort_unstable();
        colours.dedup();
        assert!(colours.len() > 200, "{size}: only {} colours", colours.len());
    }
    let verify = ok(dir, &["--lang", "en", "journal", "verify"]);
    assert!(verify.contains("2 exports noted"), "{verify}");
}
