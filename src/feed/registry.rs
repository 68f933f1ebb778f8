//! The region registry file (`data/regions/regions.csv`): adcode, parent, level, names,
//! population, whether a polygon exists, and alias codes. The bundled registry is compiled
//! into the binary so the board always knows its regions; another file can be given.

use super::row::check_text;
use crate::model::{Adcode, Region, RegionLevel, RegionRegistry};

/// The bundled Heilongjiang registry.
pub const BUNDLED_REGIONS_CSV: &str = include_str!("../../data/regions/regions.csv");

pub fn bundled() -> Result<RegionRegistry, String> {
    parse_registry_csv(BUNDLED_REGIONS_CSV, "data/regions/regions.csv (bundled)")
}

/// The registry in the CSV file at `path`, or the bundled one when there is none.
pub fn load(path: Option<&std::path::Path>) -> Result<RegionRegistry, String> {
    match path {
        Some(p) => {
            let text = super::source::read_file(p).map_err(|e| e.to_string())?;
            parse_registry_csv(&text, &p.display().to_string())
        }
        None => bundled(),
    }
}

/// Parse a registry CSV. Any bad line is an error naming the file, line and column: a
/// registry with holes would silently drop data later, so it is all or nothing.
pub fn parse_registry_csv(text: &str, origin: &str) -> Result<RegionRegistry, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| format!("{origin}: cannot read the header: {e}"))?.clone();
    let col = |name: &str| -> Result<usize, String> {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| format!("{origin}: no column {name:?} in the header"))
    };
    let (c_code, c_parent, c_level, c_zh, c_en) =
        (col("adcode")?, col("parent")?, col("level")?, col("name_zh")?, col("name_en")?);
    let c_pop = headers.iter().position(|h| h == "population");
    let c_poly = headers.iter().position(|h| h == "has_polygon");
    let c_alias = headers.iter().position(|h| h == "aliases");
    let mut regions = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| format!("{origin}, line {line}: {e}"))?;
        let get = |c: usize| rec.get(c).unwrap_or("").trim();
        let bad = |col: &str, msg: String| format!("{origin}, line {line}, column {col}: {msg}");
        let adcode: Adcode = get(c_code).parse().map_err(|m| bad("adcode", m))?;
        let parent = match get(c_parent) {
            "" => None,
            p => Some(p.parse::<Adcode>().map_err(|m| bad("parent", m))?),
        };
        let level = RegionLevel::parse(get(c_level))
            .ok_or_else(|| bad("level", format!("{:?} is not province, city or county", get(c_level))))?;
        let name_zh = check_text(get(c_zh), false, 100).map_err(|m| bad("name_zh", m))?;
        let name_en = check_text(get(c_en), false, 100).map_err(|m| bad("name_en", m))?;
        if name_zh.is_empty() {
            return Err(bad("name_zh", "empty".into()));
        }
        let population = match c_pop.map(get).unwrap_or("") {
            "" => None,
            p => Some(p.parse::<u64>().map_err(|_| bad("population", format!("{p:?} is not a whole number")))?),
        };
        let has_polygon = match c_poly.map(get).unwrap_or("true") {
            "true" | "1" | "" => true,
            "false" | "0" => false,
            other => return Err(bad("has_polygon", format!("{other:?} is not true or false"))),
        };
        let mut aliases = Vec::new();
        for a in c_alias.map(get).unwrap_or("").split(';').map(str::trim).filter(|a| !a.is_empty()) {
            aliases.push(a.parse::<Adcode>().map_err(|m| bad("aliases", m))?);
        }
        regions.push(Region { adcode, name_zh, name_en, level, parent, population, has_polygon, aliases });
    }
    if regions.is_empty() {
        return Err(format!("{origin}: no regions"));
    }
    RegionRegistry::from_regions(regions).map_err(|m| format!("{origin}: {m}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_registry_has_heilongjiang() {
        let reg = bundled().unwrap();
        let prov = Adcode::new(230000).unwrap();
        assert_eq!(reg.get(prov).unwrap().name_zh, "黑龙江省");
        assert_eq!(reg.children(prov).len(), 13);
        // 122 county-level polygons plus the 3 Greater Khingan districts without one.
        let counties = reg.counties_under(prov);
        assert_eq!(counties.len(), 125);
        let with_polygon = counties.iter().filter(|c| reg.get(**c).unwrap().has_polygon).count();
        assert_eq!(with_polygon, 122);
        assert_eq!(reg.get(Adcode::new(230100).unwrap()).unwrap().name_en, "Harbin");
    }

    #[test]
    fn bad_registry_lines_are_named() {
        let text = "adcode,parent,level,name_zh,name_en\n230000,,province,黑龙江省,Heilongjiang\n23010,230000,city,哈尔滨市,Harbin\n";
        let err = parse_registry_csv(text, "r.csv").unwrap_err();
        assert!(err.contains("r.csv, line 3, column adcode"), "{err}");
        let text = "adcode,parent,level,name_zh,name_en\n230100,230000,city,哈尔滨市,Harbin\n";
        let err = parse_registry_csv(text, "r.csv").unwrap_err();
        assert!(err.contains("parent 230000"), "{err}");
    }
}
