//! The offline basemap's geometry, prepared once (off the UI thread): every region's outline
//! in Web Mercator world coordinates at several levels of detail, each triangulated for
//! filling (egui only fills convex shapes), plus a label point. A frame then only maps
//! points to the screen with one scale and offset, and picks the level of detail that keeps
//! the error under a pixel.

use std::collections::HashMap;

use crate::model::geometry::{self, Polygon, RegionOutline};
use crate::model::{Adcode, RegionLevel};

/// Simplification tolerances of the levels of detail, in world units (the world is the
/// unit square; at zoom 6 one pixel is about 6e-5).
pub const LOD_TOLERANCES: [f64; 6] = [0.0, 4e-6, 1.2e-5, 3e-5, 8e-5, 2e-4];

/// One level of detail of one region.
#[derive(Debug, Default)]
pub struct Lod {
    /// Outline rings (outer rings and holes), world coordinates.
    pub rings: Vec<Vec<[f64; 2]>>,
    /// Fill triangles over `vertices`.
    pub vertices: Vec<[f64; 2]>,
    pub indices: Vec<u32>,
}

#[derive(Debug)]
pub struct RegionShape {
    pub adcode: Adcode,
    pub level: RegionLevel,
    /// Full-detail polygons for hit tests.
    pub polygons: Vec<Polygon>,
    /// min x, min y, max x, max y (world).
    pub bbox: [f64; 4],
    /// Where its name goes (world), inside the largest polygon.
    pub label: Option<[f64; 2]>,
    pub lods: Vec<Lod>,
}

impl RegionShape {
    pub fn contains(&self, p: [f64; 2]) -> bool {
        p[0] >= self.bbox[0]
            && p[0] <= self.bbox[2]
            && p[1] >= self.bbox[1]
            && p[1] <= self.bbox[3]
            && self.polygons.iter().any(|poly| geometry::point_in_polygon(p, poly))
    }

    pub fn width(&self) -> f64 {
        self.bbox[2] - self.bbox[0]
    }

    pub fn height(&self) -> f64 {
        self.bbox[3] - self.bbox[1]
    }

    pub fn centre(&self) -> [f64; 2] {
        [(self.bbox[0] + self.bbox[2]) / 2.0, (self.bbox[1] + self.bbox[3]) / 2.0]
    }
}

#[derive(Debug, Default)]
pub struct MapLayer {
    pub shapes: Vec<RegionShape>,
    by_code: HashMap<Adcode, usize>,
    /// Bounds of every shape (world).
    pub bbox: [f64; 4],
    pub vertex_count: usize,
}

impl MapLayer {
    /// Project, simplify and triangulate the outlines. Runs in a background thread at load.
    pub fn build(outlines: &[RegionOutline]) -> MapLayer {
        let mut earcut = earcut::Earcut::new();
        let mut shapes = Vec::with_capacity(outlines.len());
        let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        let mut vertex_count = 0;
        for o in outlines {
            let polygons: Vec<Polygon> = o
                .polygons
                .iter()
                .map(|poly| {
                    poly.iter().map(|ring| ring.iter().map(|p| geometry::mercator(p[0], p[1])).collect()).collect()
                })
                .collect();
            let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
            for p in polygons.iter().flat_map(|poly| poly.first()).flatten() {
                b = [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])];
            }
            if b[0] > b[2] {
                continue;
            }
            bbox = [bbox[0].min(b[0]), bbox[1].min(b[1]), bbox[2].max(b[2]), bbox[3].max(b[3])];
            let largest = polygons.iter().max_by(|a, b| {
                let area = |p: &Polygon| p.first().map(|r| geometry::ring_area(r).abs()).unwrap_or(0.0);
                area(a).total_cmp(&area(b))
            });
            let label = largest.and_then(|p| geometry::label_point(p));
            let lods = LOD_TOLERANCES.iter().map(|tol| lod(&polygons, *tol, &mut earcut)).collect::<Vec<_>>();
            vertex_count += lods.first().map(|l: &Lod| l.rings.iter().map(Vec::len).sum::<usize>()).unwrap_or(0);
            shapes.push(RegionShape { adcode: o.adcode, level: o.level, polygons, bbox: b, label, lods });
        }
        let by_code = shapes.iter().enumerate().map(|(i, s)| (s.adcode, i)).collect();
        MapLayer { shapes, by_code, bbox, vertex_count }
    }

    pub fn get(&self, code: Adcode) -> Option<&RegionShape> {
        self.by_code.get(&code).and_then(|i| self.shapes.get(*i))
    }

    /// The county-level shape under a world point, if any.
    pub fn county_at(&self, p: [f64; 2]) -> Option<&RegionShape> {
        self.shapes.iter().filter(|s| s.level == RegionLevel::County).find(|s| s.contains(p))
    }

    /// The level of detail to draw at `px_per_world` pixels per world unit: the coarsest one
    /// whose error stays under about half a pixel.
    pub fn lod_for(px_per_world: f64) -> usize {
        LOD_TOLERANCES.iter().rposition(|t| t * px_per_world <= 0.8).unwrap_or(0)
    }
}

fn lod(polygons: &[Polygon], tol: f64, earcut: &mut earcut::Earcut<f64>) -> Lod {
    let mut out = Lod::default();
    let mut tri: Vec<u32> = Vec::new();
    for poly in polygons {
        let rings: Vec<Vec<[f64; 2]>> = poly
            .iter()
            .map(|r| geometry::simplify_ring(r, tol))
            // At coarse detail, drop specks smaller than the tolerance.
            .filter(|r| tol == 0.0 || geometry::ring_area(r).abs() > tol * tol * 4.0)
            .collect();
        if rings.is_empty() {
            continue;
        }
        let base = out.vertices.len() as u32;
        let mut holes: Vec<u32> = Vec::new();
        let mut flat: Vec<[f64; 2]> = Vec::new();
        for (i, r) in rings.iter().enumerate() {
            if i > 0 {
                holes.push(flat.len() as u32);
            }
            flat.extend_from_slice(r);
        }
        earcut.earcut(flat.iter().copied(), &holes, &mut tri);
        out.indices.extend(tri.iter().map(|i| i + base));
        out.vertices.extend(flat);
        out.rings.extend(rings);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_layer_builds_with_fills_and_labels() {
        let reg = crate::feed::registry::bundled().unwrap();
        let (outlines, _) =
            crate::feed::geometry::parse_boundaries(crate::feed::geometry::BUNDLED_BOUNDARIES, "b", &reg);
        let layer = MapLayer::build(&outlines);
        assert_eq!(layer.shapes.len(), 136);
        for s in &layer.shapes {
            assert!(!s.lods[0].indices.is_empty(), "{} has no fill", s.adcode);
            assert_eq!(s.lods[0].indices.len() % 3, 0);
            let l = s.label.expect("label point");
            assert!(s.contains(l), "label of {} is outside it", s.adcode);
            // Coarser levels have fewer points.
            let n = |i: usize| s.lods[i].rings.iter().map(Vec::len).sum::<usize>();
            assert!(n(LOD_TOLERANCES.len() - 1) <= n(0));
        }
        // Harbin's centre is in 南岗区 or 道里区.
        let p = crate::model::geometry::mercator(126.63, 45.75);
        let c = layer.county_at(p).unwrap().adcode.value();
        assert!(c == 230103 || c == 230102, "{c}");
        assert_eq!(MapLayer::lod_for(1.0), LOD_TOLERANCES.len() - 1);
        assert_eq!(MapLayer::lod_for(1e7), 0);
    }
}
