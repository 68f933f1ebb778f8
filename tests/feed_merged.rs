//! Feed schema 1.1 merged documents (as a hub serves them): rows keep their member source's
//! id, synthetic flag and `as_of`; a row naming an unknown member is rejected with its
//! location; a member may not claim a later `as_of` than the document.

use serde_json::json;
use sitboard::feed::{FeedDocument, ingest_documents, registry};
use sitboard::model::{Adcode, DatasetBuilder};

fn merged() -> serde_json::Value {
    json!({
        "schema": "sitboard.feed/1.1",
        "source": {"id": "sitboard-hub", "name": "Sitboard hub"},
        "generated_at": "2020-03-05T00:00:00Z",
        "as_of": "2020-03-04T16:00:00Z",
        "sources": [
            {"id": "cases", "name": "Cases", "as_of": "2020-03-03T16:00:00Z"},
            {"id": "flows", "name": "Flows", "synthetic": true}
        ],
        "case_reports": [
            {"region": "230100", "date": "2020-03-03", "active": 48, "source": "cases"},
            {"region": "230100", "date": "2020-03-04", "active": 47, "source": "cases"},
            {"region": "230200", "date": "2020-03-04", "active": 3, "source": "flows"},
            {"region": "230300", "date": "2020-03-04", "active": 1, "source": "nobody"}
        ],
        "risk_levels": [
            {"region": "230102", "level": "medium", "since": "2020-03-01", "source": "cases"}
        ]
    })
}

#[test]
fn rows_keep_their_member_source() {
    let doc = FeedDocument::parse(&merged().to_string(), "http://hub/v1/feed").unwrap();
    assert_eq!(doc.members.len(), 2);
    let mut b = DatasetBuilder::new(registry::bundled().unwrap());
    let reports = ingest_documents(&[doc], &mut b);
    let rejected: Vec<String> = reports[0].rejected.iter().map(|i| i.to_string()).collect();
    // Two rejections: a row after its member's as_of, and a row of an unknown member.
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert!(rejected.iter().any(|r| r.starts_with("case_reports[1].date") && r.contains("after")), "{rejected:?}");
    assert!(rejected.iter().any(|r| r == "case_reports[3].source: \"nobody\" is not one of the document's sources"));
    let ds = b.build();
    let names: Vec<&str> = ds.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["Cases", "Flows"], "the members are the sources, not the hub");
    let code = |c| Adcode::new(c).unwrap();
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let flows = ds.report(code(230200), d("2020-03-04")).unwrap();
    assert!(flows.synthetic && flows.source == "flows");
    assert_eq!(ds.report(code(230100), d("2020-03-03")).unwrap().source, "cases");
    // The risk level is known only as far as its member vouches (its as_of, not the hub's).
    let risk = &ds.risk_history(code(230102))[0];
    assert_eq!(risk.known_until.unwrap().to_rfc3339(), "2020-03-03T16:00:00+00:00");
}

#[test]
fn a_member_may_not_be_newer_than_the_document() {
    let mut v = merged();
    v["sources"][1]["as_of"] = json!("2020-03-09T16:00:00Z");
    let e = FeedDocument::parse(&v.to_string(), "x").unwrap_err();
    assert!(e.starts_with("sources[1].as_of:") && e.contains("after the document's as_of"), "{e}");
    let mut v = merged();
    v["sources"][1]["id"] = json!("cases");
    let e = FeedDocument::parse(&v.to_string(), "x").unwrap_err();
    assert!(e.contains("listed twice"), "{e}");
}
