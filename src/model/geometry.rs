//! Region outlines and the plane geometry the map needs: Web Mercator projection,
//! Douglas–Peucker simplification, point-in-polygon and a label point inside a polygon.
//! Pure functions over plain coordinate arrays.

use super::region::{Adcode, RegionLevel};

/// A ring of `[x, y]` points (first point not repeated at the end).
pub type Ring = Vec<[f64; 2]>;
/// A polygon: the outer ring, then holes.
pub type Polygon = Vec<Ring>;

/// One region's outline in WGS84 longitude/latitude degrees.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionOutline {
    pub adcode: Adcode,
    pub level: RegionLevel,
    pub polygons: Vec<Polygon>,
}

/// Web Mercator of a WGS84 position, in "world" units: the whole world is the unit square,
/// x to the east, y to the south (the convention of tile maps).
pub fn mercator(lon: f64, lat: f64) -> [f64; 2] {
    let lat = lat.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    let x = (lon + 180.0) / 360.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    [x, y]
}

/// The inverse of [`mercator`].
pub fn unmercator(p: [f64; 2]) -> (f64, f64) {
    let lon = p[0] * 360.0 - 180.0;
    let n = std::f64::consts::PI * (1.0 - 2.0 * p[1]);
    let lat = n.sinh().atan().to_degrees();
    (lon, lat)
}

/// Douglas–Peucker simplification of a closed ring with tolerance `eps` (same units as the
/// points). Keeps at least 4 points where the ring had them.
pub fn simplify_ring(ring: &[[f64; 2]], eps: f64) -> Ring {
    if ring.len() <= 4 || eps <= 0.0 {
        return ring.to_vec();
    }
    // Split the ring at its first point and the point farthest from it.
    let far = (1..ring.len())
        .max_by(|a, b| dist2(ring[0], ring[*a]).total_cmp(&dist2(ring[0], ring[*b])))
        .unwrap_or(ring.len() / 2);
    let mut keep = vec![false; ring.len() + 1];
    keep[0] = true;
    keep[far] = true;
    keep[ring.len()] = true;
    let closed: Vec<[f64; 2]> = ring.iter().copied().chain(std::iter::once(ring[0])).collect();
    rdp(&closed, 0, far, eps, &mut keep);
    rdp(&closed, far, ring.len(), eps, &mut keep);
    let out: Ring = (0..ring.len()).filter(|i| keep[*i]).map(|i| ring[i]).collect();
    if out.len() < 4 { ring.to_vec() } else { out }
}

fn dist2(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

fn seg_dist2(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return dist2(p, a);
    }
    let t = (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0);
    dist2(p, [a[0] + t * dx, a[1] + t * dy])
}

/// Iterative Douglas–Peucker between `first` and `last` (inclusive), marking kept points.
fn rdp(pts: &[[f64; 2]], first: usize, last: usize, eps: f64, keep: &mut [bool]) {
    let eps2 = eps * eps;
    let mut stack = vec![(first, last)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (mut idx, mut max) = (a, 0.0);
        for i in a + 1..b {
            let d = seg_dist2(pts[i], pts[a], pts[b]);
            if d > max {
                (idx, max) = (i, d);
            }
        }
        if max > eps2 {
            keep[idx] = true;
            stack.push((a, idx));
            stack.push((idx, b));
        }
    }
}

/// Signed area of a ring (shoelace); its absolute value is the area.
pub fn ring_area(ring: &[[f64; 2]]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f64>()
        / 2.0
}

/// Even-odd point in ring test.
pub fn point_in_ring(p: [f64; 2], ring: &[[f64; 2]]) -> bool {
    let mut inside = false;
    let n = ring.len();
    let mut j = n.wrapping_sub(1);
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0] {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Whether a point lies in a polygon (inside the outer ring and outside every hole).
pub fn point_in_polygon(p: [f64; 2], poly: &[Ring]) -> bool {
    match poly.split_first() {
        Some((outer, holes)) => point_in_ring(p, outer) && !holes.iter().any(|h| point_in_ring(p, h)),
        None => false,
    }
}

/// A point well inside a polygon for its label: on the horizontal line through the area
/// centroid (or several lines near it), the middle of the widest inside stretch.
pub fn label_point(poly: &[Ring]) -> Option<[f64; 2]> {
    let outer = poly.first()?;
    let (mut minx, mut miny, mut maxx, mut maxy) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in outer {
        minx = minx.min(p[0]);
        maxx = maxx.max(p[0]);
        miny = miny.min(p[1]);
        maxy = maxy.max(p[1]);
    }
    let centroid = ring_centroid(outer).unwrap_or([(minx + maxx) / 2.0, (miny + maxy) / 2.0]);
    let mut best: Option<([f64; 2], f64)> = None;
    for k in 0..9 {
        // The centroid's line first, then lines above and below it.
        let off = [0.0, 0.1, -0.1, 0.2, -0.2, 0.3, -0.3, 0.4, -0.4][k];
        let y = (centroid[1] + off * (maxy - miny)).clamp(miny, maxy);
        let mut xs: Vec<f64> = Vec::new();
        for ring in poly {
            let n = ring.len();
            for i in 0..n {
                let (a, b) = (ring[i], ring[(i + 1) % n]);
                if (a[1] > y) != (b[1] > y) {
                    xs.push(a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
                }
            }
        }
        xs.sort_by(f64::total_cmp);
        for pair in xs.chunks_exact(2) {
            let w = pair[1] - pair[0];
            // Prefer the centroid's own line unless another is much wider.
            let score = w * if k == 0 { 1.5 } else { 1.0 };
            if best.is_none_or(|(_, s)| score > s) {
                best = Some(([(pair[0] + pair[1]) / 2.0, y], score));
            }
        }
        if k == 0
            && best.is_some_and(|(p, _)| point_in_polygon(p, poly) && (p[0] - centroid[0]).abs() < (maxx - minx) * 0.15)
        {
            break;
        }
    }
    best.map(|(p, _)| p)
}

fn ring_centroid(ring: &[[f64; 2]]) -> Option<[f64; 2]> {
    let a = ring_area(ring);
    if a.abs() < f64::EPSILON {
        return None;
    }
    let n = ring.len();
    let (mut cx, mut cy) = (0.0, 0.0);
    for i in 0..n {
        let (p, q) = (ring[i], ring[(i + 1) % n]);
        let f = p[0] * q[1] - q[0] * p[1];
        cx += (p[0] + q[0]) * f;
        cy += (p[1] + q[1]) * f;
    }
    Some([cx / (6.0 * a), cy / (6.0 * a)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mercator_round_trip() {
        for (lon, lat) in [(126.63, 45.75), (0.0, 0.0), (-70.0, -33.0)] {
            let (l2, a2) = unmercator(mercator(lon, lat));
            assert!((l2 - lon).abs() < 1e-9 && (a2 - lat).abs() < 1e-9);
        }
        // North is up: a northern point has a smaller y.
        assert!(mercator(126.0, 50.0)[1] < mercator(126.0, 45.0)[1]);
    }

    #[test]
    fn simplification_keeps_shape_within_tolerance() {
        // A square with many points along its edges.
        let mut ring = Vec::new();
        for i in 0..100 {
            ring.push([i as f64 / 100.0, 0.0]);
        }
        for i in 0..100 {
            ring.push([1.0, i as f64 / 100.0]);
        }
        for i in 0..100 {
            ring.push([1.0 - i as f64 / 100.0, 1.0]);
        }
        for i in 0..100 {
            ring.push([0.0, 1.0 - i as f64 / 100.0]);
        }
        let s = simplify_ring(&ring, 0.001);
        assert_eq!(s.len(), 4, "{s:?}");
        assert!((ring_area(&s).abs() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn point_in_polygon_with_hole_and_label_point_inside_a_c_shape() {
        let outer = vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
        let hole = vec![[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0]];
        let poly = vec![outer, hole];
        assert!(point_in_polygon([1.0, 1.0], &poly));
        assert!(!point_in_polygon([5.0, 5.0], &poly));
        assert!(!point_in_polygon([11.0, 5.0], &poly));
        // A C shape whose centroid is outside it.
        let c = vec![vec![
            [0.0, 0.0],
            [10.0, 0.0],
            [10.0, 2.0],
            [2.0, 2.0],
            [2.0, 8.0],
            [10.0, 8.0],
            [10.0, 10.0],
            [0.0, 10.0],
        ]];
        let p = label_point(&c).unwrap();
        assert!(point_in_polygon(p, &c), "{p:?}");
    }
}
