//! Feed schema v1: valid, invalid and partial documents, the wording of rejections, and
//! fuzz-style robustness (no input may panic the parser).

use sitboard::feed::{self, FeedDocument, ingest_documents, registry};
use sitboard::model::{Adcode, CaseField, DatasetBuilder, Provenance};

fn ingest(text: &str) -> (sitboard::model::Dataset, Vec<sitboard::feed::IngestReport>) {
    let reg = registry::bundled().expect("bundled registry");
    let mut b = DatasetBuilder::new(reg);
    match FeedDocument::parse(text, "test.json") {
        Ok(doc) => {
            let reports = ingest_documents(&[doc], &mut b);
            (b.build(), reports)
        }
        Err(e) => (b.build(), vec![feed::IngestReport::fatal("test.json", e)]),
    }
}

const HEADER: &str = r#""schema": "sitboard.feed/1",
  "source": {"id": "test", "name": "Test feed"},
  "generated_at": "2020-03-04T02:00:00Z",
  "as_of": "2020-03-03T16:00:00Z""#;

fn doc(sections: &str) -> String {
    format!("{{ {HEADER}, {sections} }}")
}

fn code(c: u32) -> Adcode {
    Adcode::new(c).unwrap()
}

#[test]
fn valid_document_is_fully_accepted() {
    let text = doc(r#""case_reports": [
        {"region": "230000", "date": "2020-03-03", "new_confirmed": 0, "cumulative_confirmed": 480,
         "active": 95, "cured": 372, "deaths": 13, "severe": 29, "critical": 0,
         "reported": ["active", "cured", "severe"], "ref": "seed 001", "some_future_field": {"x": 1}},
        {"region": "230100", "date": "2020-03-03", "active": 48}
      ],
      "response_levels": [{"region": "230000", "level": "I", "since": "2020-01-25"}],
      "risk_levels": [{"region": "230110", "level": "medium", "since": "2020-02-18", "rule": "county-2020-02"}],
      "unknown_section": [1, 2, 3]"#);
    let (ds, reports) = ingest(&text);
    let r = &reports[0];
    assert!(r.fatal.is_none(), "{:?}", r.fatal);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    assert_eq!(r.accepted.get("case_reports"), Some(&2));
    assert_eq!(r.accepted.get("response_levels"), Some(&1));
    let d = chrono::NaiveDate::from_ymd_opt(2020, 3, 3).unwrap();
    let prov = ds.report(code(230000), d).unwrap();
    assert_eq!(prov.get(CaseField::Active), Some(95));
    assert_eq!(prov.provenance(CaseField::Active), Provenance::Reported);
    assert_eq!(prov.provenance(CaseField::NewConfirmed), Provenance::Reconstructed);
    assert_eq!(prov.reference.as_deref(), Some("seed 001"));
}

#[test]
fn bad_rows_are_rejected_by_section_row_and_field_and_good_rows_kept() {
    let text = doc(r#""case_reports": [
        {"region": "230000", "date": "2020-03-01", "active": 100},
        {"region": "230000", "date": "2020-03-02", "active": -3},
        {"region": "239999", "date": "2020-03-02", "active": 1},
        {"region": "230000", "date": "2020-03-09", "active": 1},
        {"region": "230000", "date": "2020-03-01", "active": 7},
        {"region": "230000", "date": "2020-03-02", "active": "many"},
        {"region": "230000", "date": "2020-03-02", "active": 1.5},
        {"region": "230000", "date": "2020/03/02", "active": 1},
        {"date": "2020-03-02", "active": 1},
        {"region": "230000", "date": "2020-03-02", "reported": ["severe"], "active": 1},
        "not an object",
        {"region": "230000", "date": "2020-03-02", "active": 2}
      ],
      "directives": [
        {"number": "绥指公4号", "issuer": "绥化市指挥部", "title": "交通管制", "category": "traffic_control",
         "scope": ["231202"], "issued_at": "2020-02-01T21:00:00+08:00"},
        {"number": "X", "issuer": "Y", "title": "bad", "category": "curfew", "scope": ["231202"],
         "issued_at": "2020-02-01T21:00:00+08:00"},
        {"number": "Z", "issuer": "Y", "title": "ends early", "category": "other", "scope": ["231202"],
         "issued_at": "2020-02-01T21:00:00+08:00", "effective_until": "2020-02-01T20:00:00+08:00"},
        {"number": "W", "issuer": "Y", "title": "evil\u202Etxt", "category": "other", "scope": ["231202"],
         "issued_at": "2020-02-01T21:00:00+08:00"}
      ],
      "risk_levels": {"region": "230110"}"#);
    let (ds, reports) = ingest(&text);
    let r = &reports[0];
    let msgs: Vec<String> = r.rejected.iter().map(|i| i.to_string()).collect();
    let has = |s: &str| msgs.iter().any(|m| m.contains(s));
    assert!(has("case_reports[1].active: negative count -3"), "{msgs:#?}");
    assert!(has("case_reports[2].region: unknown region code 239999"), "{msgs:#?}");
    assert!(has("case_reports[3].date: 2020-03-09 24:00 UTC+8 is after the document's as_of"), "{msgs:#?}");
    assert!(has("case_reports[4]: duplicate of case_reports[0] (region 230000, date 2020-03-01)"), "{msgs:#?}");
    assert!(has("case_reports[5].active: expected a count, found a string"), "{msgs:#?}");
    assert!(has("case_reports[6].active: expected a whole number, found 1.5"), "{msgs:#?}");
    assert!(has("case_reports[7].date: \"2020/03/02\" is not a date"), "{msgs:#?}");
    assert!(has("case_reports[8].region: missing"), "{msgs:#?}");
    assert!(has("case_reports[9].reported[0]: lists \"severe\", which the row does not carry"), "{msgs:#?}");
    assert!(has("case_reports[10]: expected an object, found a string"), "{msgs:#?}");
    assert!(has("directives[1].category: unknown value \"curfew\""), "{msgs:#?}");
    assert!(has("directives[2].effective_until: ends before it takes effect"), "{msgs:#?}");
    assert!(has("directives[3].title: contains a control or text-direction character (U+202E)"), "{msgs:#?}");
    assert!(has("risk_levels: expected an array of rows, found an object"), "{msgs:#?}");
    // The good rows are kept.
    assert_eq!(r.accepted.get("case_reports"), Some(&2));
    assert_eq!(r.accepted.get("directives"), Some(&1));
    let d1 = chrono::NaiveDate::from_ymd_opt(2020, 3, 1).unwrap();
    let d2 = chrono::NaiveDate::from_ymd_opt(2020, 3, 2).unwrap();
    assert_eq!(ds.report(code(230000), d1).unwrap().get(CaseField::Active), Some(100));
    assert_eq!(ds.report(code(230000), d2).unwrap().get(CaseField::Active), Some(2));
    assert_eq!(ds.directives().len(), 1);
}

#[test]
fn broken_documents_are_refused_with_the_reason() {
    let cases: Vec<(String, &str)> = vec![
        ("".into(), "the document ends too early"),
        ("{\"schema\": \"sitboard.feed/1\", ".into(), "the document ends too early"),
        ("<html><body>502 Bad Gateway</body></html>".into(), "not valid JSON at line 1, column 1"),
        ("[1,2,3]".into(), "expected a JSON object at the top level, found an array"),
        ("{}".into(), "schema: missing"),
        (r#"{"schema": "sitboard.feed/2"}"#.into(), "schema: \"sitboard.feed/2\" is not supported"),
        (
            r#"{"schema": "sitboard.feed/1", "source": {"id": "t"}, "generated_at": "yesterday", "as_of": "2020-03-03T16:00:00Z"}"#
                .into(),
            "generated_at: \"yesterday\" is not an RFC 3339 time",
        ),
        (
            r#"{"schema": "sitboard.feed/1", "generated_at": "2020-03-03T16:00:00Z", "as_of": "2020-03-03T16:00:00Z"}"#
                .into(),
            "source: missing",
        ),
        (
            r#"{"schema": "sitboard.feed/1", "source": {"id": "Bad Id"}, "generated_at": "2020-03-03T16:00:00Z", "as_of": "2020-03-03T16:00:00Z"}"#
                .into(),
            "source.id",
        ),
    ];
    for (text, expected) in cases {
        let (_, reports) = ingest(&text);
        let fatal = reports[0].fatal.clone().unwrap_or_default();
        assert!(fatal.contains(expected), "for {text:?}: got {fatal:?}, wanted {expected:?}");
        assert!(!reports[0].usable());
    }
}

#[test]
fn minor_versions_are_accepted() {
    let text = doc(r#""case_reports": []"#).replace("sitboard.feed/1\"", "sitboard.feed/1.3\"");
    let (_, reports) = ingest(&text);
    assert!(reports[0].fatal.is_none(), "{:?}", reports[0].fatal);
}

#[test]
fn partial_day_windows_and_channels() {
    let text = r#"{"schema": "sitboard.feed/1", "source": {"id": "hrb", "name": "Harbin (test)"},
      "generated_at": "2022-11-29T08:00:00Z", "as_of": "2022-11-29T07:00:00Z",
      "case_reports": [
        {"region": "230100", "date": "2022-11-29", "window": {"from": "00:00", "to": "15:00"},
         "new_confirmed": 54, "new_asymptomatic": 5,
         "channels": {"quarantined": 50, "community_screening": 5, "contact_screening": 2,
                      "key_person_screening": 1, "cross_region_request": 1},
         "reported": ["new_confirmed", "new_asymptomatic", "channels"]},
        {"region": "230110", "date": "2022-11-29", "window": {"from": "00:00", "to": "16:00"}, "new_confirmed": 1},
        {"region": "230102", "date": "2022-11-29", "window": {"from": "00:00", "to": "15:00"}, "channels": {"telepathy": 3}}
      ]}"#;
    let (ds, reports) = ingest(text);
    let msgs: Vec<String> = reports[0].rejected.iter().map(|i| i.to_string()).collect();
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
    assert!(msgs[0].starts_with("case_reports[1].date: 2022-11-29 16:00 UTC+8 is after"), "{msgs:#?}");
    assert!(msgs[1].starts_with("case_reports[2].channels.telepathy: unknown discovery channel"), "{msgs:#?}");
    let d = chrono::NaiveDate::from_ymd_opt(2022, 11, 29).unwrap();
    let r = ds.report(code(230100), d).unwrap();
    assert_eq!(r.channel_total(), Some(59));
    assert!(r.channels_reported);
    assert!(r.window.is_some());
}

/// A tiny deterministic generator, so the fuzz cases are the same on every run.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn fuzz_mutated_documents_never_panic() {
    let base = doc(r#""case_reports": [
        {"region": "230000", "date": "2020-03-03", "active": 95, "cured": 372, "imported": {"new": 1},
         "channels": {"quarantined": 3}, "window": {"from": "00:00", "to": "15:00"}, "corrections": {"cumulative_confirmed": -9}}],
      "checkpoints": [{"id": "a", "name_zh": "南风井收费站", "kind": "toll_station", "region": "230400",
         "lon": 130.3, "lat": 47.3, "lanes": {"passenger": 2}, "status": [{"since": "2020-02-01", "status": "open"}]}],
      "throughput": [{"checkpoint": "a", "start": "2020-02-01T08:00:00+08:00", "lanes": {"freight": {"vehicles": 3}},
         "codes": {"red": 1}}],
      "directives": [{"number": "1", "issuer": "x", "title": "t", "category": "other", "scope": ["230000"],
         "issued_at": "2020-02-01T08:00:00+08:00"}],
      "hotline": [{"region": "231200", "from": "2020-01-24", "to": "2020-02-03", "requests": 2734, "connection_rate": 1.0}],
      "work_orders": [{"id": "w1", "category": "c", "region": "231200", "received_at": "2020-02-01T08:00:00+08:00", "status": "open"}],
      "regions": [{"adcode": "230199", "name_zh": "测试区", "name_en": "Test", "level": "county", "parent": "230100"}]"#);
    let bytes = base.as_bytes();
    let alphabet: &[u8] = b"{}[]\":,-0123456789.eE truefalsnul\\\x00\xff\xe4\xb8\xad";
    let mut rng = XorShift(0x5eed_1234_abcd_0001);
    let (_, reports) = ingest(&base);
    assert!(reports[0].rejected.is_empty(), "{:?}", reports[0].rejected);
    let (mut mutated_refused, mut mutated_loaded) = (0, 0);
    for _ in 0..3000 {
        let mut m = bytes.to_vec();
        for _ in 0..=rng.below(6) {
            let pos = rng.below(m.len());
            match rng.below(3) {
                0 => m[pos] = alphabet[rng.below(alphabet.len())],
                1 => {
                    m.remove(pos);
                }
                _ => m.insert(pos, alphabet[rng.below(alphabet.len())]),
            }
        }
        let text = String::from_utf8_lossy(&m);
        let (data, reports) = ingest(&text);
        // Nothing panics, and every outcome says what happened: refused whole with a message
        // naming where, or loaded with each rejected row named by section and message; the
        // dataset never holds more case reports than the document had rows.
        let r = &reports[0];
        match &r.fatal {
            Some(msg) => {
                assert!(!msg.trim().is_empty(), "a refused document says why");
                assert!(r.accepted.values().all(|n| *n == 0), "nothing accepted from a refused document");
                mutated_refused += 1;
            }
            None => {
                for issue in r.rejected.iter().chain(&r.warnings) {
                    assert!(!issue.message.trim().is_empty(), "an issue without a message: {issue:?}");
                    assert!(!issue.section.is_empty() || issue.row.is_none(), "{issue:?}");
                }
                assert!(r.accepted.get("case_reports").copied().unwrap_or(0) <= 1, "{:?}", r.accepted);
                mutated_loaded += 1;
            }
        }
        assert!(data.dates().len() <= 1);
    }
    // Both outcomes occur: the mutations are not all fatal, nor all harmless.
    assert!(mutated_refused > 100 && mutated_loaded > 100, "refused {mutated_refused}, loaded {mutated_loaded}");
}

#[test]
fn fuzz_random_bytes_and_csv_never_panic() {
    let mut rng = XorShift(42);
    let reg = registry::bundled().unwrap();
    for _ in 0..500 {
        let n = rng.below(400);
        let bytes: Vec<u8> = (0..n).map(|_| (rng.next() & 0xff) as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        // Random bytes are never a feed document: refused with a message, nothing panics.
        match FeedDocument::parse(&text, "x") {
            Err(msg) => assert!(!msg.trim().is_empty()),
            Ok(d) => panic!("random bytes parsed as a document: {:?}", d.info),
        }
        // Random bytes after a CSV header: every line is rejected with a message naming it,
        // and no case report is loaded.
        let mut b = DatasetBuilder::new(reg.clone());
        let csv = format!("date,provinceCode,city,cityCode,confirmed,cured,dead\n{text}");
        let report = feed::csv_import::import_long_csv(&csv, "x.csv", "x", &mut b);
        assert!(report.rejected.iter().all(|i| !i.message.trim().is_empty()), "{:?}", report.rejected);
        assert!(b.build().dates().is_empty(), "random bytes gave case reports: {:?}", report.accepted);
    }
}

// Issue 15 item 5: figures that would be silently wrong.

#[test]
fn a_key_given_twice_refuses_the_document_naming_the_line() {
    let text = doc(r#""case_reports": [
        {"region": "230000", "date": "2020-03-03", "active": 95,
         "active": 9500}
      ]"#);
    let (ds, reports) = ingest(&text);
    let fatal = reports[0].fatal.clone().unwrap_or_default();
    assert_eq!(fatal, "duplicate key \"active\" at line 6 column 17");
    assert!(ds.dates().is_empty());
    // Also in the header.
    let text = doc(r#""as_of": "2020-03-04T16:00:00Z""#);
    let fatal = ingest(&text).1[0].fatal.clone().unwrap_or_default();
    assert!(fatal.contains("duplicate key \"as_of\""), "{fatal}");
}

#[test]
fn sums_over_subregions_that_do_not_fit_a_count_are_left_unknown_and_reported() {
    let reg = registry::bundled().unwrap();
    let cities: Vec<Adcode> = reg.children(code(230000)).to_vec();
    assert_eq!(cities.len(), 13);
    let rows: Vec<String> = cities
        .iter()
        .map(|c| format!(r#"{{"region": "{c}", "date": "2020-03-03", "active": 2147483648, "severe": 1}}"#))
        .collect();
    let text = doc(&format!(r#""case_reports": [{}]"#, rows.join(",")));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    std::fs::write(&path, text).unwrap();
    let outcome = feed::load_sources(&[feed::FeedSource::Path(path)], reg);
    let d = chrono::NaiveDate::from_ymd_opt(2020, 3, 3).unwrap();
    let prov = outcome.dataset.report(code(230000), d).unwrap();
    assert_eq!(prov.get(CaseField::Active), None, "not clamped to u32::MAX");
    assert_eq!(prov.get(CaseField::Severe), Some(13));
    let sums = outcome.reports.iter().find(|r| r.origin == feed::source::SUMS_ORIGIN).expect("a report of the sums");
    let msgs: Vec<String> = sums.rejected.iter().map(|i| i.to_string()).collect();
    assert_eq!(
        msgs,
        vec![
            "黑龙江省 (230000) 2020-03-03: active sums to 27917287424, more than a count can be (4,294,967,295); left unknown"
        ]
    );
    assert!(outcome.has_problems());
}

#[test]
fn impossible_combinations_are_flagged() {
    let text = doc(r#""case_reports": [
        {"region": "230000", "date": "2020-03-03", "active": 95, "severe": 120,
         "cumulative_confirmed": 480, "imported": {"cumulative": 600}},
        {"region": "230100", "date": "2020-03-03", "cumulative_confirmed": 200,
         "corrections": {"cumulative_confirmed": -100000}},
        {"region": "231200", "date": "2020-03-03", "cumulative_confirmed": 35,
         "corrections": {"cumulative_confirmed": -9}}
      ]"#);
    let (ds, reports) = ingest(&text);
    let r = &reports[0];
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    let msgs: Vec<String> = r.warnings.iter().map(|i| i.to_string()).collect();
    assert_eq!(
        msgs,
        vec![
            "case_reports[0].severe: severe 120 is more than active 95 (row kept as published: check the source)",
            "case_reports[0].imported.cumulative: imported.cumulative 600 is more than cumulative_confirmed 480 (row kept as published: check the source)",
            "case_reports[1].corrections.cumulative_confirmed: a correction of -100000 to cumulative_confirmed is larger than the count it corrects (200) (row kept as published: check the source)",
        ]
    );
    // Kept as published.
    let d = chrono::NaiveDate::from_ymd_opt(2020, 3, 3).unwrap();
    assert_eq!(ds.report(code(230000), d).unwrap().get(CaseField::Severe), Some(120));
}

// Issue 15 item 10 (feed part) and item 1 (dates in a feed document).

#[test]
fn checkpoint_status_refs_are_validated() {
    let long = "x".repeat(20_000);
    let cp = |r: &str| {
        format!(
            r#"{{"id": "cp1", "kind": "toll_station", "region": "230100", "lon": 126.6, "lat": 45.7, "name_zh": "收费站",
                "status": [{{"since": "2020-02-01", "status": "closed", "ref": "{r}"}}]}}"#
        )
    };
    for (r, expected) in [
        (long.as_str(), "checkpoints[0].status[0].ref: text is too long (20000 characters, at most 2000)"),
        ("notice\u{202E}txt", "checkpoints[0].status[0].ref: contains a control or text-direction character (U+202E)"),
    ] {
        let (_, reports) = ingest(&doc(&format!(r#""checkpoints": [{}]"#, cp(r))));
        let msgs: Vec<String> = reports[0].rejected.iter().map(|i| i.to_string()).collect();
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].starts_with(expected), "{msgs:?}");
    }
    let (ds, reports) = ingest(&doc(&format!(r#""checkpoints": [{}]"#, cp("哈尔滨日报 2020-02-01"))));
    assert!(reports[0].rejected.is_empty(), "{:?}", reports[0].rejected);
    assert_eq!(ds.checkpoints().len(), 1);
}

#[test]
fn a_document_without_a_source_name_is_refused() {
    let text = r#"{"schema": "sitboard.feed/1", "source": {"id": "t"}, "generated_at": "2020-03-03T16:00:00Z", "as_of": "2020-03-03T16:00:00Z"}"#;
    let fatal = ingest(text).1[0].fatal.clone().unwrap_or_default();
    assert_eq!(fatal, "source.name: missing (the public source the document comes from)");
    let text = text.replace(r#""id": "t""#, r#""id": "t", "name": " ""#);
    let fatal = ingest(&text).1[0].fatal.clone().unwrap_or_default();
    assert_eq!(fatal, "source.name: is empty (the public source the document comes from)");
}

#[test]
fn feed_dates_outside_the_plausible_window_are_rejected() {
    let text = doc(r#""case_reports": [
        {"region": "230000", "date": "0001-01-01", "active": 1},
        {"region": "230000", "date": "2020-03-03", "active": 95}
      ],
      "risk_levels": [{"region": "230110", "level": "medium", "since": "1000-01-01"}]"#);
    let (ds, reports) = ingest(&text);
    let msgs: Vec<String> = reports[0].rejected.iter().map(|i| i.to_string()).collect();
    assert_eq!(
        msgs,
        vec![
            "case_reports[0].date: 0001-01-01 is outside the dates this board takes (2000-01-01 … 2099-12-31)",
            "risk_levels[0].since: 1000-01-01 is outside the dates this board takes (2000-01-01 … 2099-12-31)",
        ]
    );
    assert_eq!(ds.dates().len(), 1);
}

#[test]
fn look_alike_directive_numbers_in_a_feed_are_one_directive() {
    let d = |n: &str| {
        format!(
            r#"{{"number": "{n}", "issuer": "哈尔滨市指挥部", "title": "交通管制", "category": "traffic_control",
                "scope": ["230100"], "issued_at": "2020-02-01T14:00:00Z"}}"#
        )
    };
    let text = doc(&format!(r#""directives": [{}, {}, {}]"#, d("哈指7号"), d("哈指7\u{200B}号"), d("哈指７号")));
    let (ds, reports) = ingest(&text);
    let msgs: Vec<String> = reports[0].rejected.iter().map(|i| i.to_string()).collect();
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
    assert!(msgs.iter().all(|m| m.contains("duplicate of directives[0]")), "{msgs:#?}");
    assert_eq!(ds.directives().len(), 1);
}

#[test]
fn work_orders_are_checked_against_time_and_the_hotline_rules() {
    let text = doc(r#""work_orders": [
        {"id": "ok", "category": "testing", "region": "230110", "received_at": "2020-03-02T10:15:00+08:00",
         "first_action_at": "2020-03-02T10:40:00+08:00", "due_at": "2020-03-03T10:15:00+08:00", "status": "in_progress"},
        {"id": "early", "category": "testing", "region": "230110", "received_at": "2020-03-02T10:15:00+08:00",
         "closed_at": "2020-03-02T09:00:00+08:00", "status": "closed"},
        {"id": "no-close", "category": "testing", "region": "230110", "received_at": "2020-03-02T10:15:00+08:00",
         "status": "closed"},
        {"id": "open-closed", "category": "testing", "region": "230110", "received_at": "2020-03-02T10:15:00+08:00",
         "closed_at": "2020-03-02T12:00:00+08:00", "status": "open"},
        {"id": "act-early", "category": "testing", "region": "230110", "received_at": "2020-03-02T10:15:00+08:00",
         "first_action_at": "2020-03-01T10:00:00+08:00", "status": "open"},
        {"id": "odd-cat", "category": "ufo", "region": "230110", "received_at": "2020-03-02T10:15:00+08:00", "status": "open"},
        {"id": "odd-due", "category": "testing", "region": "230110", "received_at": "2020-03-02T10:15:00+08:00",
         "due_at": "2020-03-02T20:00:00+08:00", "status": "open"}
      ],
      "hotline": [{"region": "231200", "from": "2020-01-24", "to": "2020-02-03", "requests": 2734,
                   "reported": ["requests", "callers"]}]"#);
    let (ds, reports) = ingest(&text);
    let msgs: Vec<String> = reports[0].rejected.iter().map(|i| i.to_string()).collect();
    let has = |s: &str| msgs.iter().any(|m| m.contains(s));
    assert!(
        has("work_orders[1].closed_at: 2020-03-02 09:00 UTC+8 is before received_at 2020-03-02 10:15 UTC+8"),
        "{msgs:#?}"
    );
    assert!(has("work_orders[2].closed_at: missing: the status is closed"), "{msgs:#?}");
    assert!(has("work_orders[3].closed_at: given, but the status is not closed"), "{msgs:#?}");
    assert!(has("work_orders[4].first_action_at: 2020-03-01 10:00 UTC+8 is before received_at"), "{msgs:#?}");
    assert!(has("hotline[0].reported[1]: expected one of requests, connection_rate"), "{msgs:#?}");
    // Kept, but flagged by the rules (`sitboard check` prints these).
    assert_eq!(ds.work_orders().len(), 3);
    let flagged = ds.hotline_index().rules.audit(ds.work_orders());
    assert_eq!(flagged.len(), 2, "{flagged:#?}");
    assert!(flagged[0].contains("work order odd-cat: category \"ufo\" is not one of"), "{flagged:#?}");
    assert!(
        flagged[1].contains("work order odd-due: due_at 2020-03-02 20:00 UTC+8 contradicts the rules"),
        "{flagged:#?}"
    );
    assert!(flagged[1].contains("closing due 2020-03-03 10:15 UTC+8"), "{flagged:#?}");
}

/// A hub directive row of schema 1.2, with its `addressed` entries as given.
fn addressed_row(number: &str, addressed: &str) -> String {
    format!(
        r#"{{"number": "{number}", "issuer": "哈尔滨市指挥部", "title": "交通管制", "category": "traffic_control",
            "scope": ["230104", "230103"], "issued_at": "2020-03-03T08:00:00Z", "priority": "urgent"{addressed}}}"#
    )
}

#[test]
fn schema_1_2_addressed_units_are_read_with_their_acknowledgments() {
    let rows = [
        addressed_row(
            "1号",
            r#", "addressed": [{"unit": 230104, "acknowledged_at": "2020-03-03T08:10:00Z", "officer": "daowai01", "note": "已部署"}, {"unit": 230103}]"#,
        ),
        addressed_row("2号", ""),
    ];
    let text =
        doc(&format!(r#""directives": [{}]"#, rows.join(","))).replace("sitboard.feed/1\"", "sitboard.feed/1.2\"");
    let (ds, reports) = ingest(&text);
    assert!(reports[0].rejected.is_empty(), "{:?}", reports[0].rejected);
    let d = ds.directives().iter().find(|d| d.content.number == "1号").unwrap();
    assert_eq!(d.addressed.len(), 2);
    assert_eq!(d.addressed[0].unit, code(230104));
    let ack = d.addressed[0].ack.as_ref().expect("acknowledged");
    assert_eq!((ack.officer.as_str(), ack.note.as_deref()), ("daowai01", Some("已部署")));
    assert_eq!(ack.at.to_rfc3339(), "2020-03-03T08:10:00+00:00");
    assert_eq!(d.addressed[1].unit, code(230103));
    assert!(d.addressed[1].ack.is_none());
    // A row without `addressed` (a bulletin, or a 1.1 hub) addresses no one.
    assert!(ds.directives().iter().find(|d| d.content.number == "2号").unwrap().addressed.is_empty());
}

#[test]
fn documents_of_schema_1_0_and_1_1_load_as_before_and_a_1_2_field_is_read_in_any_minor() {
    for schema in ["sitboard.feed/1", "sitboard.feed/1.1"] {
        let text = doc(&format!(r#""directives": [{}]"#, addressed_row("1号", "")))
            .replace("sitboard.feed/1\"", &format!("{schema}\""));
        let (ds, reports) = ingest(&text);
        assert!(reports[0].fatal.is_none() && reports[0].rejected.is_empty(), "{schema}: {:?}", reports[0]);
        assert_eq!(ds.directives().len(), 1, "{schema}");
        assert!(ds.directives()[0].addressed.is_empty(), "{schema}");
    }
}

#[test]
fn malformed_addressed_entries_are_refused_with_their_path() {
    let cases = [
        (r#", "addressed": {"unit": 230104}"#, "directives[0].addressed: expected an array, found an object"),
        (r#", "addressed": [230104]"#, "directives[0].addressed[0]: expected an object, found a number"),
        (
            r#", "addressed": [{"unit": 230104}, {"unit": 239999}]"#,
            "directives[0].addressed[1].unit: unknown region code 239999",
        ),
        (
            r#", "addressed": [{"unit": 230102}]"#,
            "directives[0].addressed[0].unit: 230102 is not one of the directive's scope regions",
        ),
        (
            r#", "addressed": [{"unit": 230104}, {"unit": "230104"}]"#,
            "directives[0].addressed[1].unit: 230104 is listed twice (first at addressed[0])",
        ),
        (
            r#", "addressed": [{"unit": true}]"#,
            "directives[0].addressed[0].unit: expected a region code, found a boolean",
        ),
        (r#", "addressed": [{}]"#, "directives[0].addressed[0].unit: missing"),
        (
            r#", "addressed": [{"unit": 230104, "officer": "daowai01"}]"#,
            "directives[0].addressed[0].acknowledged_at: missing",
        ),
        (
            r#", "addressed": [{"unit": 230104, "acknowledged_at": "2020-03-03T08:10:00Z"}]"#,
            "directives[0].addressed[0].officer: missing",
        ),
        (
            r#", "addressed": [{"unit": 230104, "acknowledged_at": "soon", "officer": "a"}]"#,
            "directives[0].addressed[0].acknowledged_at",
        ),
        (
            r#", "addressed": [{"unit": 230104, "acknowledged_at": "2020-03-03T07:00:00Z", "officer": "a"}]"#,
            "directives[0].addressed[0].acknowledged_at: 2020-03-03 15:00 UTC+8 is before the directive was issued",
        ),
        (
            r#", "addressed": [{"unit": 230104, "acknowledged_at": "2020-03-05T07:00:00Z", "officer": "a"}]"#,
            "directives[0].addressed[0].acknowledged_at: 2020-03-05 15:00 UTC+8 is after the document's as_of",
        ),
        (
            r#", "addressed": [{"unit": 230104, "acknowledged_at": "2020-03-03T08:10:00Z", "officer": "a\u202e"}]"#,
            "directives[0].addressed[0].officer: contains a control or text-direction character",
        ),
    ];
    for (addressed, expected) in cases {
        let text = doc(&format!(r#""directives": [{}]"#, addressed_row("1号", addressed)));
        let (ds, reports) = ingest(&text);
        let msgs: Vec<String> = reports[0].rejected.iter().map(|i| i.to_string()).collect();
        assert!(msgs.iter().any(|m| m.contains(expected)), "{addressed}: wanted {expected:?}, got {msgs:#?}");
        assert!(ds.directives().is_empty(), "{addressed}: the row is refused");
    }
}
