//! Region boundaries from GeoJSON (`data/regions/boundaries.geojson`: a FeatureCollection of
//! Polygon/MultiPolygon features with an `adcode` property, WGS84). Features for unknown
//! regions or with broken geometry are skipped and reported.

use serde_json::Value;

use super::ingest_report::{IngestReport, Issue};
use crate::model::geometry::{Polygon, RegionOutline, Ring};
use crate::model::{Adcode, RegionRegistry};

/// The bundled boundaries of the Heilongjiang registry.
pub const BUNDLED_BOUNDARIES: &str = include_str!("../../data/regions/boundaries.geojson");

/// Parse boundaries for the regions of `registry`. The report names every skipped feature.
pub fn parse_boundaries(text: &str, origin: &str, registry: &RegionRegistry) -> (Vec<RegionOutline>, IngestReport) {
    let mut report = IngestReport::new(origin);
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            report.fatal = Some(format!("not valid GeoJSON at line {}, column {}: {e}", e.line(), e.column()));
            return (Vec::new(), report);
        }
    };
    let Some(features) = value.get("features").and_then(Value::as_array) else {
        report.fatal = Some("not a GeoJSON FeatureCollection (no \"features\" array)".into());
        return (Vec::new(), report);
    };
    let mut out = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let issue = |field: &str, message: String| Issue {
            section: "features".into(),
            row: Some(i),
            field: (!field.is_empty()).then(|| field.to_owned()),
            message,
        };
        let code = match f.pointer("/properties/adcode") {
            Some(Value::String(s)) => s.parse::<Adcode>().ok(),
            Some(Value::Number(n)) => n.as_u64().and_then(|n| u32::try_from(n).ok()).and_then(Adcode::new),
            _ => None,
        };
        let Some(code) = code else {
            report.rejected.push(issue("properties.adcode", "missing or not a region code".into()));
            continue;
        };
        let Some(region) = registry.resolve(code).and_then(|c| registry.get(c)) else {
            report.rejected.push(issue("properties.adcode", format!("unknown region code {code}")));
            continue;
        };
        let geometry = f.get("geometry");
        let kind = geometry.and_then(|g| g.get("type")).and_then(Value::as_str).unwrap_or("");
        let coords = geometry.and_then(|g| g.get("coordinates"));
        let polygons: Option<Vec<Polygon>> = match (kind, coords) {
            ("Polygon", Some(c)) => polygon(c).map(|p| vec![p]),
            ("MultiPolygon", Some(Value::Array(ps))) => ps.iter().map(polygon).collect(),
            _ => None,
        };
        match polygons {
            Some(p) if !p.is_empty() => {
                out.push(RegionOutline { adcode: region.adcode, level: region.level, polygons: p });
                report.accept("features");
            }
            _ => report.rejected.push(issue("geometry", format!("{kind:?} is not a valid Polygon or MultiPolygon"))),
        }
    }
    (out, report)
}

fn polygon(v: &Value) -> Option<Polygon> {
    let rings = v.as_array()?;
    let out: Option<Vec<Ring>> = rings.iter().map(ring).collect();
    out.filter(|r| !r.is_empty())
}

fn ring(v: &Value) -> Option<Ring> {
    let pts = v.as_array()?;
    let mut out: Ring = Vec::with_capacity(pts.len());
    for p in pts {
        let p = p.as_array()?;
        let (x, y) = (p.first()?.as_f64()?, p.get(1)?.as_f64()?);
        if !x.is_finite() || !y.is_finite() || !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
            return None;
        }
        out.push([x, y]);
    }
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    (out.len() >= 3).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_boundaries_cover_the_registry() {
        let reg = crate::feed::registry::bundled().unwrap();
        let (shapes, report) = parse_boundaries(BUNDLED_BOUNDARIES, "bundled", &reg);
        assert!(report.rejected.is_empty(), "{:?}", report.rejected);
        assert_eq!(shapes.len(), 136);
        let counties = shapes.iter().filter(|s| s.level == crate::model::RegionLevel::County).count();
        assert_eq!(counties, 122);
    }

    #[test]
    fn broken_features_are_named() {
        let reg = crate::feed::registry::bundled().unwrap();
        let text = r#"{"type":"FeatureCollection","features":[
            {"properties":{"adcode":"999999"},"geometry":{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}},
            {"properties":{"adcode":"230100"},"geometry":{"type":"Point","coordinates":[1,1]}},
            {"properties":{"adcode":230100},"geometry":{"type":"Polygon","coordinates":[[[126,45],[127,45],[127,46],[126,45]]]}}]}"#;
        let (shapes, report) = parse_boundaries(text, "t", &reg);
        assert_eq!(shapes.len(), 1);
        let msgs: Vec<String> = report.rejected.iter().map(|i| i.to_string()).collect();
        assert_eq!(msgs[0], "features[0].properties.adcode: unknown region code 999999");
        assert!(msgs[1].starts_with("features[1].geometry: \"Point\""), "{msgs:?}");
        let (_, report) = parse_boundaries("{", "t", &reg);
        assert!(report.fatal.is_some());
    }
}
