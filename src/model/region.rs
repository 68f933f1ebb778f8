//! Regions (行政区): adcodes, names, levels and the province → city → county tree.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A 6-digit administrative division code (GB/T 2260), e.g. 230000 for Heilongjiang.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Adcode(u32);

impl Adcode {
    pub const fn new_unchecked(code: u32) -> Self {
        Self(code)
    }

    pub fn new(code: u32) -> Option<Self> {
        (100_000..=999_999).contains(&code).then_some(Self(code))
    }

    pub fn value(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Adcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl FromStr for Adcode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{t:?} is not a 6-digit region code"));
        }
        t.parse::<u32>().ok().and_then(Adcode::new).ok_or_else(|| format!("{t:?} is not a 6-digit region code"))
    }
}

impl TryFrom<String> for Adcode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Adcode> for String {
    fn from(a: Adcode) -> Self {
        a.to_string()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    City,
    County,
}

impl RegionLevel {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "province" => Some(Self::Province),
            "city" => Some(Self::City),
            "county" => Some(Self::County),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub adcode: Adcode,
    pub name_zh: String,
    pub name_en: String,
    pub level: RegionLevel,
    pub parent: Option<Adcode>,
    pub population: Option<u64>,
    /// Whether the bundled boundary data has a polygon for it (3 county-level units of
    /// Greater Khingan have none; they still count in official tallies).
    pub has_polygon: bool,
    /// Other codes the same unit is known by (e.g. 加格达奇区 232718 / 232761).
    pub aliases: Vec<Adcode>,
}

/// All known regions, indexed, with the parent/child tree. Children are sorted by adcode.
#[derive(Clone, Debug, Default)]
pub struct RegionRegistry {
    regions: HashMap<Adcode, Region>,
    children: HashMap<Adcode, Vec<Adcode>>,
    aliases: HashMap<Adcode, Adcode>,
    roots: Vec<Adcode>,
}

impl RegionRegistry {
    /// Build from a list of regions. A region whose parent is unknown is an error (returned
    /// as text naming it); duplicates keep the first.
    pub fn from_regions(list: Vec<Region>) -> Result<Self, String> {
        let mut reg = RegionRegistry::default();
        for r in list {
            reg.regions.entry(r.adcode).or_insert(r);
        }
        reg.reindex()?;
        Ok(reg)
    }

    /// Add or update a region (from a feed's `regions` section). The parent must be known.
    pub fn upsert(&mut self, region: Region) -> Result<(), String> {
        if let Some(p) = region.parent
            && !self.regions.contains_key(&p)
        {
            return Err(format!("parent {p} of {} is not a known region", region.adcode));
        }
        self.regions.insert(region.adcode, region);
        self.reindex()
    }

    fn reindex(&mut self) -> Result<(), String> {
        self.children.clear();
        self.aliases.clear();
        self.roots.clear();
        let mut codes: Vec<Adcode> = self.regions.keys().copied().collect();
        codes.sort();
        for code in codes {
            let r = &self.regions[&code];
            for a in &r.aliases {
                self.aliases.insert(*a, code);
            }
            match r.parent {
                Some(p) if self.regions.contains_key(&p) => self.children.entry(p).or_default().push(code),
                Some(p) => return Err(format!("region {code}: parent {p} is not a known region")),
                None => self.roots.push(code),
            }
        }
        Ok(())
    }

    pub fn get(&self, code: Adcode) -> Option<&Region> {
        self.regions.get(&code).or_else(|| self.aliases.get(&code).and_then(|c| self.regions.get(c)))
    }

    /// The canonical code for a code or one of its aliases.
    pub fn resolve(&self, code: Adcode) -> Option<Adcode> {
        if self.regions.contains_key(&code) { Some(code) } else { self.aliases.get(&code).copied() }
    }

    pub fn contains(&self, code: Adcode) -> bool {
        self.resolve(code).is_some()
    }

    pub fn children(&self, code: Adcode) -> &[Adcode] {
        self.children.get(&code).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn roots(&self) -> &[Adcode] {
        &self.roots
    }

    pub fn len(&self) -> usize {
        self.regions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }

    /// All regions sorted by adcode.
    pub fn iter_sorted(&self) -> impl Iterator<Item = &Region> {
        let mut v: Vec<&Region> = self.regions.values().collect();
        v.sort_by_key(|r| r.adcode);
        v.into_iter()
    }

    /// The chain from the root down to `code` (inclusive), e.g. province, city, county.
    pub fn path(&self, code: Adcode) -> Vec<Adcode> {
        let mut out = Vec::new();
        let mut cur = self.resolve(code);
        while let Some(c) = cur {
            if out.contains(&c) {
                break; // defensive: a cycle cannot come from `reindex`, but never loop
            }
            out.push(c);
            cur = self.regions.get(&c).and_then(|r| r.parent);
        }
        out.reverse();
        out
    }

    /// All county-level descendants of a region (the region itself if it is a county).
    pub fn counties_under(&self, code: Adcode) -> Vec<Adcode> {
        let mut out = Vec::new();
        let mut stack = vec![code];
        while let Some(c) = stack.pop() {
            match self.regions.get(&c) {
                Some(r) if r.level == RegionLevel::County => out.push(c),
                Some(_) => stack.extend(self.children(c).iter().rev().copied()),
                None => {}
            }
        }
        out.sort();
        out
    }

    /// Whether `code` is `ancestor` or lies under it.
    pub fn is_within(&self, code: Adcode, ancestor: Adcode) -> bool {
        self.path(code).contains(&ancestor)
    }

    /// Regions sorted leaves-last-first: every region comes after all its descendants.
    /// Used to aggregate bottom-up.
    pub fn bottom_up(&self) -> Vec<Adcode> {
        let mut out = Vec::with_capacity(self.regions.len());
        fn visit(reg: &RegionRegistry, c: Adcode, out: &mut Vec<Adcode>) {
            for &ch in reg.children(c) {
                visit(reg, ch, out);
            }
            out.push(c);
        }
        for &r in &self.roots {
            visit(self, r, &mut out);
        }
        out
    }

    /// Display name in the given language (`zh` or `en`).
    pub fn name(&self, code: Adcode, english: bool) -> String {
        match self.get(code) {
            Some(r) if english => r.name_en.clone(),
            Some(r) => r.name_zh.clone(),
            None => code.to_string(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn region(code: u32, parent: Option<u32>, level: RegionLevel, zh: &str) -> Region {
        Region {
            adcode: Adcode(code),
            name_zh: zh.into(),
            name_en: zh.into(),
            level,
            parent: parent.map(Adcode),
            population: None,
            has_polygon: true,
            aliases: vec![],
        }
    }

    /// A tiny tree: province 230000 → Harbin 230100 (香坊, 南岗) and Suihua 231200 (北林).
    pub fn small_registry() -> RegionRegistry {
        RegionRegistry::from_regions(vec![
            region(230000, None, RegionLevel::Province, "黑龙江省"),
            region(230100, Some(230000), RegionLevel::City, "哈尔滨市"),
            region(230110, Some(230100), RegionLevel::County, "香坊区"),
            region(230103, Some(230100), RegionLevel::County, "南岗区"),
            region(231200, Some(230000), RegionLevel::City, "绥化市"),
            region(231202, Some(231200), RegionLevel::County, "北林区"),
        ])
        .unwrap()
    }

    #[test]
    fn adcode_parsing_is_strict() {
        assert_eq!("230000".parse::<Adcode>().unwrap().value(), 230000);
        assert!("23000".parse::<Adcode>().is_err());
        assert!("2300y0".parse::<Adcode>().is_err());
        assert!("-23000".parse::<Adcode>().is_err());
        assert!("".parse::<Adcode>().is_err());
        assert_eq!(Adcode(230000).to_string(), "230000");
    }

    #[test]
    fn tree_queries() {
        let reg = small_registry();
        assert_eq!(reg.children(Adcode(230100)), &[Adcode(230103), Adcode(230110)]);
        assert_eq!(reg.path(Adcode(230110)), vec![Adcode(230000), Adcode(230100), Adcode(230110)]);
        assert_eq!(reg.counties_under(Adcode(230000)).len(), 3);
        let order = reg.bottom_up();
        let pos = |c| order.iter().position(|&x| x == Adcode(c)).unwrap();
        assert!(pos(230110) < pos(230100) && pos(230100) < pos(230000));
        assert!(reg.is_within(Adcode(231202), Adcode(230000)));
        assert!(!reg.is_within(Adcode(231202), Adcode(230100)));
    }

    #[test]
    fn unknown_parent_is_an_error() {
        let err = RegionRegistry::from_regions(vec![region(230100, Some(230000), RegionLevel::City, "x")]).unwrap_err();
        assert!(err.contains("230000"), "{err}");
    }
}
