//! The bundled region registry and boundaries, checked against the real division tables
//! and DataV boundaries in `../shared/data/real/` (read by tests only).

mod common;

use std::collections::HashMap;

use common::real_data;
use sitboard::feed::registry;
use sitboard::model::{Adcode, RegionLevel};

fn read_csv(path: &std::path::Path) -> Vec<HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.trim_start_matches('\u{feff}').to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

#[test]
fn registry_matches_the_official_division_tables() {
    let Some(counties) = real_data("hlj_county_divisions.csv") else { return };
    let Some(cities) = real_data("hlj_city_divisions.csv") else { return };
    let reg = registry::bundled().unwrap();
    for row in read_csv(&cities) {
        let code: Adcode = row["adcode"].parse().unwrap();
        let r = reg.get(code).unwrap_or_else(|| panic!("city {code} missing"));
        assert_eq!(r.level, RegionLevel::City);
        assert_eq!(r.name_zh, row["name_zh"], "city {code}");
    }
    let mut matched = 0;
    for row in read_csv(&counties) {
        let alt: Adcode = row["adcode_mca"].parse().unwrap();
        if row["name_zh"].contains("高新") {
            // A development zone, not a county-level unit in official tallies.
            assert!(reg.get(alt).is_none());
            continue;
        }
        let code: Adcode = row["adcode"].parse().unwrap_or(alt);
        let r = reg
            .get(code)
            .or_else(|| reg.get(alt))
            .unwrap_or_else(|| panic!("county {code} {} missing", row["name_zh"]));
        assert_eq!(r.name_zh, row["name_zh"], "county {code}");
        assert_eq!(r.parent.map(|p| p.to_string()), Some(row["city_adcode"].clone()), "parent of {code}");
        assert_eq!(r.has_polygon, row["has_polygon"] == "true", "has_polygon of {code}");
        matched += 1;
    }
    assert_eq!(matched, 125);
}

#[test]
fn boundaries_agree_with_datav_once_gcj02_is_accounted_for() {
    let Some(real) = real_data("hlj_county_divisions.csv") else { return };
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/regions/boundaries.geojson")).unwrap();
    let gj: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Mean of each county's vertices, as a crude centre.
    let mut centres: HashMap<String, (f64, f64)> = HashMap::new();
    for f in gj["features"].as_array().unwrap() {
        let code = f["properties"]["adcode"].as_str().unwrap().to_owned();
        let mut pts = Vec::new();
        fn walk(v: &serde_json::Value, out: &mut Vec<(f64, f64)>) {
            if let Some(a) = v.as_array() {
                if a.len() == 2 && a[0].is_f64() {
                    out.push((a[0].as_f64().unwrap(), a[1].as_f64().unwrap()));
                } else {
                    a.iter().for_each(|x| walk(x, out));
                }
            }
        }
        walk(&f["geometry"]["coordinates"], &mut pts);
        let n = pts.len() as f64;
        centres.insert(code, (pts.iter().map(|p| p.0).sum::<f64>() / n, pts.iter().map(|p| p.1).sum::<f64>() / n));
    }
    let mut checked = 0;
    for row in read_csv(&real) {
        if row["has_polygon"] != "true" {
            continue;
        }
        let Some(&(lon, lat)) = centres.get(&row["adcode"]) else { panic!("no polygon for {}", row["adcode"]) };
        let (clon, clat): (f64, f64) = (row["centroid_lon"].parse().unwrap(), row["centroid_lat"].parse().unwrap());
        // Vertex means differ from area centroids, but stay within the county (~0.6° at most).
        assert!(
            (lon - clon).abs() < 0.8 && (lat - clat).abs() < 0.8,
            "{} far from DataV: {lon},{lat} vs {clon},{clat}",
            row["name_zh"]
        );
        checked += 1;
    }
    assert_eq!(checked, 122);
}
