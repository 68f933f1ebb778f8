#!/usr/bin/env python3
"""Build Sitboard's bundled demo feeds (data/demo/*.json) from the published figures
in tools/demo/known_figures.json plus a documented, deterministic reconstruction.

Run from anywhere:  python3 tools/demo/build_demo.py
Needs: Python >= 3.11 and jsonschema (tools/demo/requirements.txt).

Layout of this file:
  1. paths, seed, constants
  2. RECONSTRUCTION CHOICES (hand-designed series that are NOT published figures)
  3. 2020 case line list (a synthetic list of cases whose aggregates hit every published figure)
  4. case_reports rows (province / city / county), province-only series, provenance
  5. risk and response levels, directives, hotline
  6. Harbin 2022-11
  7. checkpoints and synthetic throughput
  8. self-checks, JSON Schema validation, writing, summary

Every published figure lives in known_figures.json (with its source); section 2 only holds
our own choices. Nothing is read from shared/data/real/.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

# ---------------------------------------------------------------------------
# 1. paths, seed, constants
# ---------------------------------------------------------------------------
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
REGISTRY = ROOT / "data" / "regions" / "regions.csv"
SCHEMA = ROOT / "docs" / "feed-schema.json"
OUT = ROOT / "data" / "demo"
KNOWN = HERE / "known_figures.json"

SEED = 20200125  # all randomness derives from this (random.Random with string seeds)
# generated_at is fixed so that the output is byte-identical on every run;
# set SOURCE_DATE_EPOCH to override (reproducible-builds convention).
GENERATED_AT = (
    dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if os.environ.get("SOURCE_DATE_EPOCH")
    else "2026-11-23T00:00:00Z"
)
SCHEMA_ID = "sitboard.feed/1"

START_2020 = dt.date(2020, 1, 21)
END_2020 = dt.date(2020, 4, 30)
AS_OF_2020 = "2020-04-30T16:00:00Z"  # 2020-04-30 24:00 Asia/Shanghai
START_2022 = dt.date(2022, 11, 1)
END_2022 = dt.date(2022, 11, 30)
AS_OF_2022 = "2022-11-30T16:00:00Z"  # 2022-11-30 24:00 Asia/Shanghai
CST = dt.timezone(dt.timedelta(hours=8))

PROV = "230000"
HRB, QQHR, JX, HG, SYS, DQ, YC, JMS, QTH, MDJ, HH, SH, DXAL = (
    "230100", "230200", "230300", "230400", "230500", "230600", "230700",
    "230800", "230900", "231000", "231100", "231200", "232700")
CITIES = [HRB, QQHR, JX, HG, SYS, DQ, YC, JMS, QTH, MDJ, HH, SH, DXAL]

REF_RECON = "reconstructed (data/demo/SOURCES.md)"


def D(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def days(a: dt.date, b: dt.date):
    """inclusive date range"""
    d = a
    while d <= b:
        yield d
        d += dt.timedelta(days=1)


def rng_for(*parts) -> random.Random:
    return random.Random("-".join([str(SEED), *map(str, parts)]))


# ---------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------
def load_registry():
    reg = {}
    with REGISTRY.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            reg[row["adcode"]] = row
    return reg


REG = load_registry()
COUNTIES = defaultdict(list)  # city -> [county adcodes] in registry order
for code, row in REG.items():
    if row["level"] == "county":
        COUNTIES[row["parent"]].append(code)


def cc(city: str, name: str) -> str:
    """county adcode from (city, name_zh) — names repeat across cities (向阳区)."""
    hits = [c for c in COUNTIES[city] if REG[c]["name_zh"] == name]
    if len(hits) != 1:
        raise SystemExit(f"registry: county {name!r} of {city} not found exactly once")
    return hits[0]


KNOWN_DATA = json.loads(KNOWN.read_text(encoding="utf-8"))
REFS = KNOWN_DATA["refs"]
FACTS = KNOWN_DATA["facts"]


def known_value(region: str, date: str, field: str):
    for e in KNOWN_DATA["case_figures"]:
        if e["region"] == region and e["date"] == date:
            if field in e.get("values", {}):
                return e["values"][field]
            if field in e.get("checks", {}):
                return e["checks"][field]
    raise KeyError((region, date, field))


# ---------------------------------------------------------------------------
# 2. RECONSTRUCTION CHOICES — our design, not published figures
#    (published anchors are pulled from known_figures.json and asserted)
# ---------------------------------------------------------------------------

# 2.1 City cumulative confirmed on the January days without a bulletin.
#     01-24 (seed 001: total 9), 01-26, 01-29, 01-30 are published (hlj0126/0129/0130), and so,
#     by difference, are the totals of the days before them (01-23 = 9 - 5, 01-25 = 21 - 6,
#     01-28 = 43 - 6: "derived" below). The one January total left, 01-27, follows a geometric
#     interpolation between its neighbours (constant daily growth, rounded): sqrt(21*37) = 28.
#     The cities are filled in monotonically between their own published values.
JAN_CITY_CUM = {
    "2020-01-21": {},
    "2020-01-22": {HRB: 1, DQ: 1},
    "2020-01-23": {HRB: 2, DQ: 1, SH: 1},            # Suihua's first case on 01-23 (seed 000)
    "2020-01-24": {HRB: 4, DQ: 2, SH: 1, QQHR: 1, MDJ: 1},   # total 9 (seed 001)
    "2020-01-25": {HRB: 6, DQ: 4, SH: 2, QQHR: 1, MDJ: 1, JMS: 1},
    "2020-01-27": {HRB: 10, QQHR: 2, MDJ: 1, JMS: 3, DQ: 5, SYS: 1, QTH: 1, SH: 5},
    "2020-01-28": {HRB: 12, QQHR: 3, MDJ: 1, JMS: 4, DQ: 5, JX: 1, SYS: 1, QTH: 2, SH: 8},
}


def geometric_between(a: float, b: float, k: int, n: int) -> int:
    """k-th of n steps from a to b at constant growth, rounded half up."""
    return math.floor(a * (b / a) ** (k / n) + 0.5)


def linear_between(a: float, b: float, k: int, n: int) -> int:
    """k-th of n steps from a to b on a straight line, rounded half up."""
    return math.floor(a + (b - a) * k / n + 0.5)


def jan_geometric_totals() -> None:
    assert sum(JAN_CITY_CUM["2020-01-27"].values()) == geometric_between(21, 37, 1, 2) == 28


jan_geometric_totals()

# 2.2 Province daily new confirmed 2020-01-31 .. 02-22 (sum 421: 59 on 01-30 -> 480 on 02-22).
#     Peak 50 on 02-04 (seed 001 gives the value, not the date), reached from 01-30's 16 at
#     constant growth (20, 25, 32, 40, 50); >= 10 every day until 02-13, single digits from
#     02-14 (seed 001); 02-07 total 307 so Harbin's 102 is one third.
PROV_NEW_FEB = dict(zip(
    [d.isoformat() for d in days(D("2020-01-31"), D("2020-02-22"))],
    [20, 25, 32, 40, 50, 39, 24, 18, 28, 25, 20, 19, 17, 14, 7, 7, 7, 5, 9, 3, 7, 3, 2]))
assert [PROV_NEW_FEB[f"2020-0{m}-{d:02d}"] for m, d in [(1, 31), (2, 1), (2, 2), (2, 3), (2, 4)]] == \
    [geometric_between(16, 50, k, 5) for k in range(1, 6)]

# 2.3 Harbin daily new 01-31 .. 02-18 (18 -> 188); 02-19..02-22 are the pinned county cases below.
#     Harbin is 95 on 02-06 and 102 on 02-07 ("突破100例" on 02-07, seed 001).
HRB_NEW_FEB = dict(zip(
    [d.isoformat() for d in days(D("2020-01-31"), D("2020-02-18"))],
    [6, 8, 10, 12, 17, 13, 11, 7, 12, 12, 11, 10, 10, 9, 5, 5, 4, 3, 5]))

# 2.4 Epidemic-curve shapes (gaussian bump: centre date, width in days) used to spread the
#     other cities' 01-31..02-18 cases before matrix balancing.
CITY_SHAPE = {
    SYS: ("2020-02-06", 4.0), SH: ("2020-02-03", 4.0), JX: ("2020-02-07", 4.0),
    QQHR: ("2020-02-05", 3.5), DQ: ("2020-02-04", 5.0), QTH: ("2020-02-08", 5.0),
    JMS: ("2020-02-02", 4.0), HH: ("2020-02-08", 4.0), MDJ: ("2020-02-06", 5.0),
    HG: ("2020-02-04", 5.0), YC: ("2020-02-05", 3.0), DXAL: ("2020-02-05", 3.0),
}

# 2.5 County split of each city's January–February wave (sums = the 02-23 city figures).
#     Named in the seeds as affected: Harbin 香坊/南岗/道里/道外 (and 五常, whose mayor was
#     removed for the spread), Shuangyashan 友谊县 (two family-dinner clusters), Qiqihar 建华区
#     (in-hospital cluster), Mudanjiang 西安/阳明/爱民, Qitaihe 桃山/新兴, Jixi 恒山/鸡冠,
#     Suihua mostly 北林区 with 绥棱/望奎/安达/肇东/海伦/青冈, Greater Khingan 加格达奇区.
#     No county exceeds 50 cumulative local cases at any time, so the February-2020 rule
#     never yields "high" (consistent with "no high-risk areas" on 03-04).
FEB_COUNTY_TOTALS = {
    HRB: {"香坊区": 44, "南岗区": 24, "道里区": 30, "道外区": 25, "五常市": 18, "松北区": 8, "平房区": 5,
          "呼兰区": 8, "阿城区": 6, "双城区": 8, "尚志市": 5, "宾县": 5, "依兰县": 2, "方正县": 2,
          "巴彦县": 2, "木兰县": 1, "通河县": 1, "延寿县": 4},
    SYS: {"友谊县": 22, "尖山区": 12, "岭东区": 4, "四方台区": 3, "宝山区": 4, "集贤县": 4, "宝清县": 2, "饶河县": 1},
    SH: {"北林区": 30, "绥棱县": 4, "望奎县": 3, "安达市": 3, "肇东市": 3, "海伦市": 2, "青冈县": 2},
    JX: {"鸡冠区": 16, "恒山区": 14, "滴道区": 3, "梨树区": 2, "城子河区": 3, "鸡东县": 3, "虎林市": 2, "密山市": 3},
    QQHR: {"建华区": 16, "龙沙区": 8, "铁锋区": 5, "昂昂溪区": 1, "富拉尔基区": 3, "梅里斯达斡尔族区": 1, "龙江县": 2,
           "依安县": 1, "泰来县": 1, "甘南县": 1, "富裕县": 1, "克山县": 1, "拜泉县": 1, "讷河市": 1},
    DQ: {"萨尔图区": 8, "让胡路区": 6, "龙凤区": 4, "红岗区": 2, "大同区": 1, "肇州县": 1, "肇源县": 2, "林甸县": 1,
         "杜尔伯特蒙古族自治县": 1},
    QTH: {"新兴区": 6, "桃山区": 6, "茄子河区": 3, "勃利县": 2},
    JMS: {"向阳区": 4, "前进区": 3, "东风区": 2, "郊区": 2, "桦南县": 1, "汤原县": 1, "富锦市": 2},
    HH: {"爱辉区": 5, "北安市": 4, "五大连池市": 2, "嫩江市": 2, "逊克县": 1},
    MDJ: {"西安区": 3, "阳明区": 4, "爱民区": 3, "东安区": 2, "海林市": 1, "宁安市": 1},
    HG: {"向阳区": 2, "工农区": 1, "南山区": 1, "东山区": 1},
    YC: {"伊美区": 1},
    DXAL: {"加格达奇区": 2},
}

# 2.6 Pinned (date, city, county) cases. They make the official risk lists and seed 001's
#     "9 cities with 14+ days and no new case" (as of 03-03) come out of the case history:
#     * only Harbin, Shuangyashan, Jixi and Qitaihe have cases on 02-19..02-22 (4 cities),
#     * 新兴/桃山/友谊/恒山 have their last case on 02-20, so the rule turns them low at
#       03-06 00:00 = the official "as of 03-05 24:00" downgrade,
#     * 阳明/绥棱/建华 have their last case on 02-18 (their cities must stay in the 9 clean
#       cities); the rule would turn them low on 03-04, two days before the official notice,
#     * 香坊/南岗 have cases until 02-22 (official low only on 03-16 / 03-19: see SOURCES.md).
PINNED_CASES = [
    ("2020-01-23", SH, "北林区"),  # Suihua's first case (seed 000), died the same day (see DEATHS)
    ("2020-02-18", MDJ, "阳明区"), ("2020-02-18", SH, "绥棱县"), ("2020-02-18", QQHR, "建华区"),
    ("2020-02-19", HRB, "香坊区"), ("2020-02-19", HRB, "南岗区"), ("2020-02-19", SYS, "友谊县"),
    ("2020-02-20", QTH, "新兴区"), ("2020-02-20", QTH, "桃山区"), ("2020-02-20", SYS, "友谊县"),
    ("2020-02-20", JX, "恒山区"), ("2020-02-20", HRB, "香坊区"), ("2020-02-20", HRB, "香坊区"),
    ("2020-02-20", HRB, "南岗区"),
    ("2020-02-21", HRB, "香坊区"), ("2020-02-21", HRB, "香坊区"), ("2020-02-21", HRB, "南岗区"),
    ("2020-02-22", HRB, "香坊区"), ("2020-02-22", HRB, "南岗区"),
]
# soft clusters: (city, county, first, last, how many of its cases fall in the window)
CLUSTER_WINDOWS = [
    (QQHR, "建华区", "2020-02-01", "2020-02-08", 11),  # in-hospital cluster "激增至20例" (seed 001)
    (SYS, "友谊县", "2020-02-02", "2020-02-10", 12),   # two family-dinner clusters (seed 001)
    (HRB, "五常市", "2020-02-01", "2020-02-10", 10),
]

# 2.7 March: the two local cases between 03-03 (480) and 03-12 (482). The 03-14 bulletin
#     implies Mudanjiang 14 -> 15 and Greater Khingan 2 -> 3 (cured + current + deaths).
#     03-04 in 西安区 ends the zero streak at exactly 10 days and makes the rule turn 西安区
#     low on 03-19 00:00, the official date. 03-07 in 加格达奇区 keeps it medium past 03-19.
#     Imported: the first two (Harbin airport arrivals placed in 道里区) between 03-14 and 03-24.
MARCH_CASES = [
    ("2020-03-04", MDJ, "西安区", False),
    ("2020-03-07", DXAL, "加格达奇区", False),
    ("2020-03-19", HRB, "道里区", True),
    ("2020-03-22", HRB, "道里区", True),
]

# 2.8 April local wave: Harbin 58 (cluster; after 04-15 only in 南岗区 so that at 04-30 the
#     rule gives exactly the three April medium units 南岗/绥芬河/林口), Mudanjiang 3
#     (绥芬河 2, 林口 1), Daqing 1. 62 = 544 - 482 local (hlj0424).
HRB_NEW_APR = {"2020-04-09": 1, "2020-04-10": 3, "2020-04-11": 5, "2020-04-12": 6, "2020-04-13": 8,
               "2020-04-14": 7, "2020-04-15": 6, "2020-04-16": 5, "2020-04-17": 4, "2020-04-18": 3,
               "2020-04-19": 3, "2020-04-20": 2, "2020-04-21": 2, "2020-04-22": 1, "2020-04-23": 1,
               "2020-04-24": 1}
HRB_APR_COUNTY_TOTALS = {"南岗区": 25, "道里区": 13, "香坊区": 5, "道外区": 6, "松北区": 4, "平房区": 2,
                         "呼兰区": 1, "双城区": 2}
HRB_APR_ONLY_NANGANG_FROM = "2020-04-16"
APRIL_OTHER_CASES = [
    ("2020-04-07", MDJ, "绥芬河市"), ("2020-04-18", MDJ, "绥芬河市"), ("2020-04-20", MDJ, "林口县"),
    ("2020-04-13", DQ, "萨尔图区"),
]
# imported cases of April, all placed at the 绥芬河 land port (384 = 386 - 2)
IMPORTED_APR = dict(zip(
    [d.isoformat() for d in days(D("2020-04-02"), D("2020-04-24"))],
    [1, 2, 4, 6, 13, 22, 35, 41, 46, 44, 40, 33, 27, 20, 14, 10, 8, 6, 4, 3, 2, 2, 1]))
IMPORTED_LATE = {"2020-04-26": 1, "2020-04-28": 1}

# 2.9 Deaths: (date, city, county or None). 12 by 02-23 by city (hlj0223), the 13th (Harbin)
#     between 02-24 and 03-03; Suihua's first case died "soon" — placed on 01-23.
DEATHS = [
    ("2020-01-23", SH, "北林区"), ("2020-01-30", SH, None), ("2020-02-06", SH, None), ("2020-02-12", SH, None),
    ("2020-02-05", HRB, None), ("2020-02-14", HRB, None), ("2020-02-19", HRB, None), ("2020-02-27", HRB, None),
    ("2020-02-08", SYS, None), ("2020-02-13", SYS, None), ("2020-02-17", SYS, None),
    ("2020-02-09", DQ, None), ("2020-02-10", QQHR, None),
]

# 2.10 Province cumulative cured, 01-31 .. 03-24. 01-31 .. 02-22 is our own ramp (Suihua's
#      discharges from 02-07, seed 000); from 02-23 on, the published anchors (02-23 208 = +9,
#      hlj0223; 03-02 358 = 03-03's 372 - 14; 03-03 372; 03-11 440 and 03-12 446, 03-13 447 and
#      03-14 453, hlj0314; 03-24 468, hlj0324) are joined by straight lines (rounded half up).
CURED_RAMP = [1, 2, 3, 5, 7, 9, 13, 18, 23, 29, 37, 46, 56, 68, 82, 97, 113, 128, 143, 158, 172, 186, 199]
CURED_ANCHORS = [("2020-02-23", 208), ("2020-03-02", 358), ("2020-03-03", 372), ("2020-03-11", 440),
                 ("2020-03-12", 446), ("2020-03-13", 447), ("2020-03-14", 453), ("2020-03-24", 468)]


def cured_series() -> dict:
    out = dict(zip([d.isoformat() for d in days(D("2020-01-31"), D("2020-02-22"))], CURED_RAMP))
    for (d0, v0), (d1, v1) in zip(CURED_ANCHORS, CURED_ANCHORS[1:]):
        n = (D(d1) - D(d0)).days
        for k in range(n + 1):
            out[(D(d0) + dt.timedelta(days=k)).isoformat()] = linear_between(v0, v1, k, n)
    return out


PROV_CURED = cured_series()
# Suihua discharges (seed 000): first on 02-07, last 6 on 02-25 (35 cured), then the 8
# transferred severe patients 03-04 .. 03-17 (6 by 03-14 per hlj0314, all by 03-17).
SH_CURES = {"2020-02-07": 2, "2020-02-09": 1, "2020-02-10": 2, "2020-02-11": 1, "2020-02-12": 2,
            "2020-02-13": 2, "2020-02-14": 2, "2020-02-15": 2, "2020-02-16": 2, "2020-02-17": 2,
            "2020-02-18": 2, "2020-02-19": 2, "2020-02-20": 2, "2020-02-21": 1, "2020-02-22": 2,
            "2020-02-23": 1, "2020-02-24": 1, "2020-02-25": 6}
SH_TRANSFERRED_CURES = ["2020-03-05", "2020-03-07", "2020-03-09", "2020-03-09", "2020-03-11",
                        "2020-03-14", "2020-03-16", "2020-03-17"]
SH_TRANSFERRED_FROM, SH_TRANSFERRED_TO = "2020-02-01", "2020-02-12"  # confirmation window
PINNED_CURES = {(HRB, "2020-03-03"): 6}  # 哈尔滨市传染病院 13th batch of 5 discharged on 03-03 (seed 001)
MIN_STAY = 7   # no discharge within 7 days of confirmation
# April discharges: (date, city, pool, n). pool: "local_before_0301", "local", "imported"
APRIL_CURES = [
    ("2020-04-02", HRB, "imported", 1), ("2020-04-03", HRB, "local_before_0301", 1),
    ("2020-04-05", HRB, "imported", 1), ("2020-04-22", MDJ, "local", 1),
] + [(d, MDJ, "imported", n) for d, n in {
    "2020-04-16": 2, "2020-04-17": 3, "2020-04-18": 3, "2020-04-19": 4, "2020-04-20": 4, "2020-04-21": 5,
    "2020-04-22": 5, "2020-04-23": 5, "2020-04-24": 5, "2020-04-25": 12, "2020-04-26": 15,
    "2020-04-27": 18, "2020-04-28": 20, "2020-04-29": 22, "2020-04-30": 25}.items()
] + [(d, HRB, "local", n) for d, n in {
    "2020-04-25": 2, "2020-04-26": 3, "2020-04-27": 3, "2020-04-28": 4, "2020-04-29": 4, "2020-04-30": 5}.items()
] + [("2020-04-28", DQ, "local", 1)]
APRIL_MIN_STAY = 12

# 2.11 Local asymptomatic carriers (reported from April): (date, city, county-or-None, n).
#      Each is removed (released or converted) 14 days later. Gives 04-24: new 1 (Harbin),
#      active 35 = Harbin 21 + Mudanjiang 12 + Suihua 2 (hlj0424).
ASYMPTOMATIC = [(d, HRB, None, n) for d, n in {
    "2020-04-09": 2, "2020-04-10": 3, "2020-04-11": 2, "2020-04-12": 3, "2020-04-13": 2, "2020-04-14": 2,
    "2020-04-15": 2, "2020-04-16": 2, "2020-04-17": 1, "2020-04-18": 2, "2020-04-19": 1, "2020-04-20": 1,
    "2020-04-21": 1, "2020-04-23": 1, "2020-04-26": 1, "2020-04-28": 1}.items()
] + [("2020-04-24", HRB, "南岗区", 1)] + [
    ("2020-04-06", MDJ, "绥芬河市", 1), ("2020-04-08", MDJ, "绥芬河市", 1), ("2020-04-11", MDJ, "绥芬河市", 2),
    ("2020-04-11", MDJ, "林口县", 1), ("2020-04-12", MDJ, "绥芬河市", 2), ("2020-04-13", MDJ, "绥芬河市", 1),
    ("2020-04-14", MDJ, "绥芬河市", 1), ("2020-04-16", MDJ, "林口县", 1), ("2020-04-17", MDJ, "绥芬河市", 2),
    ("2020-04-19", MDJ, "绥芬河市", 1), ("2020-04-20", MDJ, "绥芬河市", 1),
    ("2020-04-15", SH, "北林区", 1), ("2020-04-17", SH, "北林区", 1),
]
ASYM_HRB_WEIGHTS = {"南岗区": 0.6, "道里区": 0.25, "香坊区": 0.1, "道外区": 0.05}
ASYM_DAYS = 14
ASYM_FROM = "2020-04-01"     # asymptomatic fields present from this day (national reporting start)

# 2.12 Province-only series: anchor points for monotone cubic interpolation (values at the
#      reported dates are the published figures; the others are our shape choices).
SEVERE_ANCHORS = {"2020-01-21": 0, "2020-01-22": 0, "2020-02-05": 60, "2020-02-13": 128, "2020-02-18": 100,
                  "2020-03-02": 39, "2020-03-08": 14, "2020-03-20": 1, "2020-04-08": 0, "2020-04-12": 3,
                  "2020-04-18": 6, "2020-04-24": 5, "2020-04-30": 4}
SUSPECTED_ANCHORS = {"2020-01-21": 3, "2020-02-03": 150, "2020-02-10": 90, "2020-02-17": 25,
                     "2020-03-02": 0, "2020-03-07": 0, "2020-04-01": 0, "2020-04-10": 3, "2020-04-17": 4,
                     "2020-04-24": 2, "2020-04-30": 1}
NEW_SUSPECTED_BASE = {"2020-01-21": 3, "2020-01-23": 15, "2020-02-03": 70, "2020-02-08": 45, "2020-02-14": 20,
                      "2020-02-20": 6, "2020-02-23": 2, "2020-03-20": 1, "2020-04-05": 2, "2020-04-12": 4,
                      "2020-04-20": 2, "2020-04-30": 1}
FEVER_ANCHORS = {"2020-01-21": 2300, "2020-01-23": 3300, "2020-01-25": 4400, "2020-02-10": 2150,
                 "2020-04-01": 1080, "2020-04-30": 900}
TRACED_ANCHORS = {"2020-01-21": 0, "2020-01-22": 12, "2020-01-23": 60, "2020-01-24": 180, "2020-01-25": 370,
                  "2020-02-05": 7000, "2020-02-10": 11800, "2020-02-15": 14500, "2020-02-20": 15700,
                  "2020-03-03": 16224,  # seed 001's "16224" read as cumulative traced (see SOURCES.md)
                  "2020-04-08": 16600, "2020-04-30": 19050}
RELEASED_ANCHORS = {"2020-01-21": 0, "2020-01-24": 0, "2020-01-25": 30, "2020-02-05": 2000,
                    "2020-02-10": 5800, "2020-02-15": 9800, "2020-02-20": 12900,
                    "2020-03-03": 15787,  # = 16224 - 308 - 129 (see GAP)
                    "2020-04-08": 16420, "2020-04-30": 17100}
# traced - released - under_observation in the bulletins ("lost" contacts: converted to cases,
# transferred); linear between these points.
GAP_ANCHORS = {"2020-01-21": 0, "2020-01-26": 0, "2020-01-29": 91, "2020-01-30": 18, "2020-02-23": 129,
               "2020-03-14": 129, "2020-04-24": 0, "2020-04-30": 0}

# 2.13 Harbin 2022-11: full-day positives (confirmed + asymptomatic) except 11-29 (0-15 h,
#      published). Shape: slow start, high-risk buildings in 香坊/松北 from mid-month,
#      道外 from 11-23, growth to ~90 a day at the end.
HRB2022_POSITIVES = dict(zip(
    [d.isoformat() for d in days(START_2022, END_2022)],
    [1, 0, 2, 1, 3, 2, 4, 3, 5, 4, 6, 8, 7, 11, 14, 13, 17, 21, 19, 26, 31, 38, 45, 52, 61, 58, 70, 82,
     None, 91]))
HRB2022_PHASES = [  # (first day, district weights by name)
    ("2022-11-01", {"香坊区": .35, "松北区": .2, "道里区": .15, "南岗区": .15, "道外区": .05, "平房区": .05, "呼兰区": .05}),
    ("2022-11-11", {"香坊区": .3, "道里区": .18, "南岗区": .15, "松北区": .12, "道外区": .08, "呼兰区": .07,
                    "平房区": .04, "阿城区": .03, "双城区": .01, "宾县": .01, "五常市": .01}),
    ("2022-11-21", {"香坊区": .3, "道里区": .18, "南岗区": .14, "呼兰区": .1, "松北区": .08, "道外区": .06,
                    "阿城区": .04, "宾县": .03, "五常市": .03, "木兰县": .01, "平房区": .02, "双城区": .01}),
]
HRB2022_ASYM_SHARE = 0.1
# 11-29 split of each district's published positives into confirmed / asymptomatic (ours):
HRB2022_1129_ASYM = {"香坊区": 2, "道里区": 1, "南岗区": 1, "呼兰区": 1}
HRB2022_CHANNEL_MIX = [  # (first day, shares)
    ("2022-11-01", {"quarantined": .45, "community_screening": .35, "contact_screening": .1,
                    "key_person_screening": .04, "cross_region_request": .04, "other": .02}),
    ("2022-11-15", {"quarantined": .7, "community_screening": .15, "contact_screening": .07,
                    "key_person_screening": .03, "cross_region_request": .03, "other": .02}),
    ("2022-11-23", {"quarantined": .84, "community_screening": .08, "contact_screening": .04,
                    "key_person_screening": .02, "cross_region_request": .01, "other": .01}),
]

# ---------------------------------------------------------------------------
# small numeric helpers
# ---------------------------------------------------------------------------

def pchip(points: dict[str, float]):
    """Monotone cubic (Fritsch–Carlson) interpolation through date-keyed points; returns f(date)."""
    xs = sorted(points)
    x = [(D(k) - START_2020).days for k in xs]
    y = [float(points[k]) for k in xs]
    n = len(x)
    h = [x[i + 1] - x[i] for i in range(n - 1)]
    delta = [(y[i + 1] - y[i]) / h[i] for i in range(n - 1)]
    m = [0.0] * n
    m[0], m[-1] = delta[0], delta[-1]
    for i in range(1, n - 1):
        if delta[i - 1] * delta[i] <= 0:
            m[i] = 0.0
        else:
            w1, w2 = 2 * h[i] + h[i - 1], h[i] + 2 * h[i - 1]
            m[i] = (w1 + w2) / (w1 / delta[i - 1] + w2 / delta[i])
    for i in range(n - 1):  # endpoints / flat segments
        if delta[i] == 0:
            m[i] = m[i + 1] = 0.0

    def f(date: dt.date) -> float:
        t = (date - START_2020).days
        if t <= x[0]:
            return y[0]
        if t >= x[-1]:
            return y[-1]
        i = max(j for j in range(n - 1) if x[j] <= t)
        s = (t - x[i]) / h[i]
        h00 = (1 + 2 * s) * (1 - s) ** 2
        h10 = s * (1 - s) ** 2
        h01 = s * s * (3 - 2 * s)
        h11 = s * s * (s - 1)
        return h00 * y[i] + h10 * h[i] * m[i] + h01 * y[i + 1] + h11 * h[i] * m[i + 1]
    return f


def linear(points: dict[str, float]):
    xs = sorted(points)

    def f(date: dt.date) -> float:
        k = date.isoformat()
        if k <= xs[0]:
            return float(points[xs[0]])
        if k >= xs[-1]:
            return float(points[xs[-1]])
        for a, b in zip(xs, xs[1:]):
            if a <= k <= b:
                ta, tb = D(a), D(b)
                s = (date - ta).days / (tb - ta).days
                return points[a] + s * (points[b] - points[a])
        raise AssertionError
    return f


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam < 30:
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))


def balance_integer_matrix(seed, row_sums, col_sums, rng):
    """Integer matrix with the given row/column sums, close to `seed` (IPF + controlled rounding)."""
    R, C = len(row_sums), len(col_sums)
    assert sum(row_sums) == sum(col_sums)
    x = [[max(seed[i][j], 1e-9) for j in range(C)] for i in range(R)]
    for _ in range(500):
        for i in range(R):
            s = sum(x[i])
            x[i] = [v * row_sums[i] / s if s else 0 for v in x[i]]
        for j in range(C):
            s = sum(x[i][j] for i in range(R))
            for i in range(R):
                x[i][j] = x[i][j] * col_sums[j] / s if s else 0
    out = []
    for i in range(R):  # cumulative rounding keeps each row sum exact
        acc, prev, row = 0.0, 0, []
        for j in range(C):
            acc += x[i][j]
            cur = int(math.floor(acc + 0.5))
            row.append(cur - prev)
            prev = cur
        row[-1] += row_sums[i] - sum(row)
        out.append(row)
    for _ in range(10000):  # move single units between columns inside a row
        diff = [sum(out[i][j] for i in range(R)) - col_sums[j] for j in range(C)]
        over = [j for j in range(C) if diff[j] > 0]
        under = [j for j in range(C) if diff[j] < 0]
        if not over:
            break
        j, k = over[0], under[0]
        cands = [i for i in range(R) if out[i][j] > 0]
        i = max(cands, key=lambda r: (x[r][k] - out[r][k]) + (out[r][j] - x[r][j]))
        out[i][j] -= 1
        out[i][k] += 1
    assert all(sum(out[i]) == row_sums[i] for i in range(R))
    assert all(sum(out[i][j] for i in range(R)) == col_sums[j] for j in range(C))
    assert all(v >= 0 for r in out for v in r)
    return out


# ---------------------------------------------------------------------------
# 3. 2020 case line list
# ---------------------------------------------------------------------------
class Case:
    __slots__ = ("id", "city", "county", "conf", "imported", "cured", "died", "transferred", "stay")

    def __init__(self, cid, city, county, conf, imported=False):
        self.id, self.city, self.county, self.conf, self.imported = cid, city, county, conf, imported
        self.cured = self.died = None
        self.transferred = False
        self.stay = 0


def city_cum_table():
    """City cumulative confirmed (local) for every day 01-21 .. 02-22."""
    table = {}
    for ds, vals in JAN_CITY_CUM.items():
        table[ds] = {c: vals.get(c, 0) for c in CITIES}
    for ds in ("2020-01-26", "2020-01-29", "2020-01-30"):
        table[ds] = {c: known_value(c, ds, "cumulative_confirmed") for c in CITIES}
    for ds in ("2020-01-24", "2020-01-26", "2020-01-29", "2020-01-30"):
        assert sum(table[ds].values()) == known_value(PROV, ds, "cumulative_confirmed"), ds
    # February: Harbin hand series, the rest by matrix balancing, then the pinned 02-18..02-22
    feb_days = [d.isoformat() for d in days(D("2020-01-31"), D("2020-02-18"))]
    pinned_by_city_day = Counter((d, c) for d, c, _ in PINNED_CASES if d >= "2020-01-31")
    others = [c for c in CITIES if c != HRB]
    target_0223 = {c: known_value(c, "2020-02-23", "cumulative_confirmed") for c in CITIES}
    free_rows = []
    for c in others:
        pinned_total = sum(n for (d, cc_), n in pinned_by_city_day.items() if cc_ == c)
        free_rows.append(target_0223[c] - table["2020-01-30"][c] - pinned_total)
    free_cols = []
    for ds in feb_days:
        pinned = sum(n for (d, c), n in pinned_by_city_day.items() if d == ds and c != HRB)
        free_cols.append(PROV_NEW_FEB[ds] - HRB_NEW_FEB[ds] - pinned)
    seed = []
    for c in others:
        centre, width = CITY_SHAPE[c]
        seed.append([math.exp(-0.5 * (((D(ds) - D(centre)).days) / width) ** 2) for ds in feb_days])
    mat = balance_integer_matrix(seed, free_rows, free_cols, rng_for("feb-matrix"))
    daily = {ds: {c: 0 for c in CITIES} for ds in feb_days + ["2020-02-19", "2020-02-20", "2020-02-21", "2020-02-22"]}
    for ds in feb_days:
        daily[ds][HRB] = HRB_NEW_FEB[ds]
    for i, c in enumerate(others):
        for j, ds in enumerate(feb_days):
            daily[ds][c] += mat[i][j]
    for (ds, c), n in pinned_by_city_day.items():
        daily[ds][c] += n
    prev = table["2020-01-30"]
    for ds in sorted(daily):
        assert sum(daily[ds].values()) == PROV_NEW_FEB[ds], ds
        table[ds] = {c: prev[c] + daily[ds][c] for c in CITIES}
        prev = table[ds]
    for c in CITIES:
        assert table["2020-02-22"][c] == target_0223[c], c
    return table


def build_line_list():
    cum = city_cum_table()
    cases: list[Case] = []
    # --- January–February wave: per city, one slot per case, then counties into slots ---
    for c in CITIES:
        slots = []
        prev = 0
        for d in days(START_2020, D("2020-02-22")):
            v = cum[d.isoformat()][c]
            assert v >= prev, (c, d)
            slots += [d.isoformat()] * (v - prev)
            prev = v
        labels = Counter({cc(c, n): k for n, k in FEB_COUNTY_TOTALS[c].items()})
        assert sum(labels.values()) == len(slots), (c, sum(labels.values()), len(slots))
        assign = [None] * len(slots)
        rng = rng_for("slots", c)
        for ds, city, name in PINNED_CASES:
            if city != c:
                continue
            code = cc(c, name)
            idx = next(i for i, s in enumerate(slots) if s == ds and assign[i] is None)
            assign[idx] = code
            labels[code] -= 1
            assert labels[code] >= 0, (name, "pinned more than its total")
        for city, name, a, b, k in CLUSTER_WINDOWS:
            if city != c:
                continue
            code = cc(c, name)
            free = [i for i, s in enumerate(slots) if a <= s <= b and assign[i] is None]
            for i in rng.sample(free, k):
                assign[i] = code
                labels[code] -= 1
            assert labels[code] >= 0
        rest = [code for code, k in sorted(labels.items()) for _ in range(k)]
        rng.shuffle(rest)
        for i in range(len(assign)):
            if assign[i] is None:
                assign[i] = rest.pop()
        assert not rest
        # after the pins, no county other than a pinned one may have a case on 02-19..02-22
        for s, code in zip(slots, assign):
            cases.append(Case(len(cases), c, code, D(s)))
    # --- March ---
    for ds, c, name, imp in MARCH_CASES:
        cases.append(Case(len(cases), c, cc(c, name), D(ds), imp))
    # --- April local ---
    rng = rng_for("april-harbin")
    hrb_slots = [ds for ds in sorted(HRB_NEW_APR) for _ in range(HRB_NEW_APR[ds])]
    labels = Counter({cc(HRB, n): k for n, k in HRB_APR_COUNTY_TOTALS.items()})
    assert sum(labels.values()) == len(hrb_slots)
    nangang = cc(HRB, "南岗区")
    assign = [None] * len(hrb_slots)
    for i, ds in enumerate(hrb_slots):
        if ds >= HRB_APR_ONLY_NANGANG_FROM:
            assign[i] = nangang
            labels[nangang] -= 1
    assert labels[nangang] >= 0
    rest = [code for code, k in sorted(labels.items()) for _ in range(k)]
    rng.shuffle(rest)
    for i in range(len(assign)):
        if assign[i] is None:
            assign[i] = rest.pop()
    for ds, code in zip(hrb_slots, assign):
        cases.append(Case(len(cases), HRB, code, D(ds)))
    for ds, c, name in APRIL_OTHER_CASES:
        cases.append(Case(len(cases), c, cc(c, name), D(ds)))
    sfh = cc(MDJ, "绥芬河市")
    for ds, n in list(IMPORTED_APR.items()) + list(IMPORTED_LATE.items()):
        for _ in range(n):
            cases.append(Case(len(cases), MDJ, sfh, D(ds), True))
    cases.sort(key=lambda k: (k.conf, k.city, k.county, k.id))
    for i, k in enumerate(cases):
        k.id = i
    return cases


def simulate_outcomes(cases: list[Case]):
    rng = rng_for("outcomes")
    for k in cases:
        k.stay = rng.randint(10, 26)  # discharge-order key: conf + stay
    by_city = defaultdict(list)
    for k in cases:
        by_city[k.city].append(k)
    # Suihua's 8 severe patients transferred to Harbin (seed 000)
    sh_pool = [k for k in by_city[SH] if SH_TRANSFERRED_FROM <= k.conf.isoformat() <= SH_TRANSFERRED_TO]
    for k in rng.sample(sh_pool, len(SH_TRANSFERRED_CURES)):
        k.transferred = True  # excluded from deaths and from the February discharges
    death_plan = defaultdict(list)
    for ds, c, name in DEATHS:
        death_plan[ds].append((c, name))

    def active(k, t):
        return k.cured is None and k.died is None and k.conf <= t

    def eligible(k, t, min_stay=MIN_STAY):
        return active(k, t) and not k.imported and not k.transferred and (t - k.conf).days >= min_stay

    def cure(city, t, n, pool="local", min_stay=MIN_STAY):
        cand = []
        for k in by_city[city]:
            if not active(k, t) or k.transferred or (t - k.conf).days < min_stay:
                continue
            if pool == "imported" and not k.imported:
                continue
            if pool in ("local", "local_before_0301") and k.imported:
                continue
            if pool == "local_before_0301" and k.conf >= D("2020-03-01"):
                continue
            cand.append(k)
        cand.sort(key=lambda k: (k.conf + dt.timedelta(days=k.stay), k.id))
        assert len(cand) >= n, (city, t, n, len(cand), pool)
        for k in cand[:n]:
            k.cured = t

    # targets of every non-Suihua city at the anchor days
    def city_state(c, t):
        cum = sum(1 for k in by_city[c] if k.conf <= t and not k.imported)
        dead = sum(1 for ds, cc_, _ in DEATHS if cc_ == c and D(ds) <= t)
        return cum, dead

    anchors = {}
    for c in CITIES:
        if c == SH:
            continue
        cum, dead = city_state(c, D("2020-03-03"))
        a1 = cum - dead - known_value(c, "2020-03-03", "active")
        a2 = known_value(c, "2020-03-14", "cured")
        cum3, dead3 = city_state(c, D("2020-03-24"))
        a3 = cum3 - dead3 - (1 if c == HRB else 0)  # one Harbin patient still in hospital on 03-24
        anchors[c] = [(D("2020-03-03"), a1), (D("2020-03-14"), a2), (D("2020-03-24"), a3)]

    cured_count = Counter()
    prev_prov = 0
    for t in days(START_2020, END_2020):
        ts = t.isoformat()
        for c, name in death_plan.get(ts, []):
            pool = [k for k in by_city[c] if active(k, t) and not k.imported and not k.transferred
                    and (name is None or k.county == cc(c, name))]
            if name is None:
                pool = [k for k in pool if (t - k.conf).days >= 2] or pool
            pool.sort(key=lambda k: (k.conf, k.id))
            victim = pool[0] if name else rng.choice(pool)
            victim.died = t
        if ts in PROV_CURED:
            n_prov = PROV_CURED[ts] - prev_prov
            prev_prov = PROV_CURED[ts]
            # Suihua by hand
            n_sh = SH_CURES.get(ts, 0)
            if n_sh:
                cure(SH, t, n_sh)
            for x in SH_TRANSFERRED_CURES:
                if x == ts:
                    k = sorted([k for k in by_city[SH] if k.transferred and active(k, t)], key=lambda k: k.id)[0]
                    k.cured = t
                    n_sh += 1
            cured_count[SH] += n_sh
            n_rest = n_prov - n_sh
            for (c, ds), n in PINNED_CURES.items():
                if ds == ts:
                    cure(c, t, n)
                    cured_count[c] += n
                    n_rest -= n
            assert n_rest >= 0, ts
            alloc = Counter()
            for _ in range(n_rest):
                best, best_u = None, -1e9
                for c in CITIES:
                    if c == SH:
                        continue
                    a_date, a_val = next(a for a in anchors[c] if a[0] >= t)
                    pinned_later = sum(n for (pc, pd), n in PINNED_CURES.items() if pc == c and ts < pd <= a_date.isoformat())
                    remaining = a_val - cured_count[c] - alloc[c] - pinned_later
                    if remaining <= 0:
                        continue
                    elig = [k for k in by_city[c] if eligible(k, t)]
                    cap = len(elig) - alloc[c]
                    if cap <= 0:
                        continue
                    # patients past their own discharge day first, plus pressure to reach the next anchor
                    due = sum(1 for k in elig if k.conf + dt.timedelta(days=k.stay) <= t) - alloc[c]
                    n_active = sum(1 for k in by_city[c] if active(k, t) and not k.imported)
                    u = (due + 0.5 * remaining / ((a_date - t).days + 1)) / max(1, n_active)
                    if u > best_u:
                        best, best_u = c, u
                assert best is not None, f"cannot place a discharge on {ts}"
                alloc[best] += 1
            for c, n in sorted(alloc.items()):
                cure(c, t, n)
                cured_count[c] += n
            for c in CITIES:
                if c == SH:
                    continue
                for a_date, a_val in anchors[c]:
                    if a_date == t:
                        assert cured_count[c] == a_val, (c, ts, cured_count[c], a_val)
        for ds, c, pool, n in APRIL_CURES:
            if ds == ts:
                cure(c, t, n, pool, min_stay=APRIL_MIN_STAY if pool != "local_before_0301" else MIN_STAY)
    return by_city


def asymptomatic_events():
    rng = rng_for("asymptomatic")
    events = []  # (new date, county)
    names = sorted(ASYM_HRB_WEIGHTS)
    for ds, c, name, n in ASYMPTOMATIC:
        for _ in range(n):
            if name is None:
                pick = rng.choices(names, weights=[ASYM_HRB_WEIGHTS[x] for x in names])[0]
                events.append((D(ds), cc(c, pick)))
            else:
                events.append((D(ds), cc(c, name)))
    return events


# ---------------------------------------------------------------------------
# 4. case_reports rows
# ---------------------------------------------------------------------------
FIRST_IMPORTED = None


def aggregate_2020(cases, asym):
    global FIRST_IMPORTED
    FIRST_IMPORTED = min(k.conf for k in cases if k.imported)
    county_series = {}
    regions = [PROV] + CITIES + [x for c in CITIES for x in COUNTIES[c]]
    parent = {x: REG[x]["parent"] for x in regions if x != PROV}

    def members(region):
        if region == PROV:
            return lambda k: True
        if REG[region]["level"] == "city":
            return lambda k: k.city == region
        return lambda k: k.county == region

    asym_by_region = defaultdict(list)
    for d0, county in asym:
        for r in (county, parent[county], PROV):
            asym_by_region[r].append(d0)
    rows = {}
    all_days = list(days(START_2020, END_2020))
    for r in regions:
        sel = [k for k in cases if members(r)(k)]
        conf, cur, die = Counter(k.conf for k in sel), Counter(k.cured for k in sel if k.cured), Counter(k.died for k in sel if k.died)
        iconf = Counter(k.conf for k in sel if k.imported)
        iout = Counter((k.cured or k.died) for k in sel if k.imported and (k.cured or k.died))
        ev = asym_by_region.get(r, [])
        anew = Counter(ev)
        aout = Counter(d0 + dt.timedelta(days=ASYM_DAYS) for d0 in ev)
        cum = cured = dead = icum = iact = aact = 0
        for t in all_days:
            cum += conf[t]
            cured += cur[t]
            dead += die[t]
            icum += iconf[t]
            iact += iconf[t] - iout[t]
            aact += anew[t] - aout[t]
            row = {"region": r, "date": t.isoformat(), "new_confirmed": conf[t], "cumulative_confirmed": cum,
                   "active": cum - cured - dead, "new_cured": cur[t], "cured": cured, "new_deaths": die[t], "deaths": dead}
            if t >= FIRST_IMPORTED:
                row["imported"] = {"new": iconf[t], "cumulative": icum, "active": iact}
            if t >= D(ASYM_FROM):
                row["new_asymptomatic"] = anew[t]
                row["active_asymptomatic"] = aact
            rows[(r, t.isoformat())] = row
    return rows


def province_series():
    """Province-only fields for every day: severe, suspected, contacts, fever clinic."""
    out = {}
    kv = lambda ds, f: known_value(PROV, ds, f)
    sev = dict(SEVERE_ANCHORS)
    for ds in ("2020-01-26", "2020-01-29", "2020-01-30", "2020-02-23", "2020-03-03", "2020-03-12", "2020-03-14", "2020-03-24"):
        sev[ds] = kv(ds, "severe")
    sus = dict(SUSPECTED_ANCHORS)
    for ds in ("2020-01-26", "2020-01-29", "2020-01-30", "2020-02-23", "2020-03-03", "2020-03-12", "2020-03-14", "2020-03-24"):
        sus[ds] = kv(ds, "suspected")
    fev = dict(FEVER_ANCHORS)
    for ds in ("2020-01-26", "2020-01-29", "2020-01-30", "2020-02-23", "2020-03-12", "2020-03-14", "2020-04-24"):
        fev[ds] = kv(ds, "fever_clinic_visits")
    tr, rel = dict(TRACED_ANCHORS), dict(RELEASED_ANCHORS)
    for ds in ("2020-01-26", "2020-01-29", "2020-01-30", "2020-02-23", "2020-03-12", "2020-03-14", "2020-04-24"):
        tr[ds] = kv(ds, "contacts_traced")
        rel[ds] = kv(ds, "contacts_released")
    f_sev, f_sus, f_tr, f_rel, f_gap = pchip(sev), pchip(sus), pchip(tr), pchip(rel), linear(GAP_ANCHORS)
    f_fev = pchip({k: math.log(v) for k, v in fev.items()})
    f_nsus = pchip(NEW_SUSPECTED_BASE)
    new_sus_known = {ds: kv(ds, "new_suspected") for ds in ("2020-01-26", "2020-01-29", "2020-01-30", "2020-03-03", "2020-03-12")}
    rng = rng_for("province-series")
    prev_s = None
    for t in days(START_2020, END_2020):
        ds = t.isoformat()
        s = int(round(f_sus(t)))
        if ds in new_sus_known:
            ns = new_sus_known[ds]
        else:
            ns = max(0, int(round(f_nsus(t) * rng.uniform(0.75, 1.25))))
        if prev_s is not None:
            ns = max(ns, s - prev_s)
        assert prev_s is None or ds not in new_sus_known or s - prev_s <= ns, ds
        prev_s = s
        fever = math.exp(f_fev(t))
        fever = int(round(fever if ds in fev else fever * rng.uniform(0.96, 1.04)))
        traced, released = int(round(f_tr(t))), int(round(f_rel(t)))
        obs = traced - released - int(round(f_gap(t)))
        out[ds] = {"severe": int(round(f_sev(t))), "new_suspected": ns, "suspected": s,
                   "under_observation": obs, "contacts_traced": traced, "contacts_released": released,
                   "fever_clinic_visits": fever}
    out["2020-03-03"]["critical"] = kv("2020-03-03", "critical")
    return out


def assemble_case_reports(rows, pser):
    order = ["region", "date", "new_confirmed", "cumulative_confirmed", "active", "new_cured", "cured",
             "new_deaths", "deaths", "severe", "critical", "new_suspected", "suspected", "new_asymptomatic",
             "active_asymptomatic", "under_observation", "contacts_traced", "contacts_released",
             "fever_clinic_visits", "imported", "reported", "ref"]
    # provenance from known_figures
    prov = defaultdict(lambda: {"reported": [], "refs": [], "notes": []})
    for e in KNOWN_DATA["case_figures"]:
        p = prov[(e["region"], e["date"])]
        for f in e.get("values", {}):
            if f not in p["reported"]:
                p["reported"].append(f)
        if REFS[e["ref"]] not in p["refs"]:
            p["refs"].append(REFS[e["ref"]])
        if e.get("note"):
            p["notes"].append(e["note"])
    # A bulletin that gives a cumulative and the day's new count also publishes, by difference,
    # the cumulative of the day before: those are reported (derived), with the bulletin cited.
    derived = {}
    for e in KNOWN_DATA["case_figures"]:
        v = e.get("values", {})
        for cum, new in (("cumulative_confirmed", "new_confirmed"), ("cured", "new_cured")):
            if e["region"] == PROV and cum in v and new in v:
                prev = (D(e["date"]) - dt.timedelta(days=1)).isoformat()
                derived[(PROV, prev, cum)] = v[cum] - v[new]
                p = prov[(PROV, prev)]
                if cum not in p["reported"]:
                    p["reported"].append(cum)
                    p["notes"].append(f"{cum} {v[cum] - v[new]} derived: {e['date']}'s {v[cum]} less its {v[new]} new "
                                      f"({REFS[e['ref']]})")
    out = []
    for (r, ds), row in rows.items():
        if r == PROV:
            row.update(pser[ds])
            for f in ("cumulative_confirmed", "cured"):
                if (r, ds, f) in derived:
                    assert row[f] == derived[(r, ds, f)], (ds, f, row[f], derived[(r, ds, f)])
        key = (r, ds)
        if key in prov:
            p = prov[key]
            row["reported"] = p["reported"]
            row["ref"] = "; ".join(p["refs"] + p["notes"]) + "; other values " + REF_RECON
        else:
            row["ref"] = REF_RECON
        out.append({k: row[k] for k in order if k in row})
    level_rank = {"province": 0, "city": 1, "county": 2}
    out.sort(key=lambda x: (x["date"], level_rank[REG[x["region"]]["level"]], x["region"]))
    return out


# ---------------------------------------------------------------------------
# 5. risk levels, response levels, directives, hotline
# ---------------------------------------------------------------------------
ALL_COUNTIES = [x for c in CITIES for x in COUNTIES[c]]


def rule_level(local_dates: list[dt.date], day: dt.date) -> str:
    """County rule of 2020-02-17 at 00:00 of `day` using cases reported up to day-1.
    Local cases only: imported cases are isolated on arrival (see SOURCES.md)."""
    past = [d for d in local_dates if d < day]
    if not past:
        return "low"
    if (day - max(past)).days >= 15:  # 14 full days without a new case
        return "low"
    if len(past) > 50:
        return "high"  # (never reached: a cluster within 14 days would be assumed)
    return "medium"


def risk_levels_2020(cases):
    local = defaultdict(list)
    for k in cases:
        if not k.imported:
            local[k.county].append(k.conf)
    for code, ds in local.items():
        assert len(ds) <= 50, (code, len(ds))
    official_0304_medium = {cc(HRB, "香坊区"), cc(HRB, "南岗区")} | set(FACTS["risk_downgraded_0306"]["value"])
    assert len(official_0304_medium) == FACTS["risk_0304"]["medium"]
    official = {  # (county, since) -> (level, ref)
    }
    for code in ALL_COUNTIES:
        official[(code, "2020-03-04")] = ("medium" if code in official_0304_medium else "low",
                                          "reported: " + REFS["risk0304"] + ". Which 9 units: inferred from the 2020-03-06, 03-16 and 03-19 notices (data/demo/SOURCES.md)")
    for code in FACTS["risk_downgraded_0306"]["value"]:
        official[(code, "2020-03-06")] = ("low", "reported: " + REFS["risk0306"])
    official[(cc(HRB, "香坊区"), "2020-03-16")] = ("low", "reported: " + REFS["risk0316"])
    for code in FACTS["risk_medium_after_0316"]["value"]:
        official[(code, "2020-03-16")] = ("medium", "reported (unchanged, listed as medium): " + REFS["risk0316"])
    for code in (cc(HRB, "南岗区"), cc(MDJ, "西安区")):
        official[(code, "2020-03-19")] = ("low", "reported: " + REFS["risk0319"])
    official[(cc(DXAL, "加格达奇区"), "2020-03-19")] = ("medium", "reported (unchanged, the only medium unit): " + REFS["risk0319"])
    # windows where the official list overrides the rule (per county: [from, until))
    override_until = {}
    for code in official_0304_medium:
        last = max(s for (c, s) in official if c == code and official[(c, s)][0] == "low" and s > "2020-03-04")
        override_until[code] = last
    rows = []
    april_medium = set(FACTS["risk_medium_april"]["value"])
    for code in ALL_COUNTIES:
        events = []  # (since, level, ref)
        cur = None
        for t in days(D("2020-02-18"), END_2020):
            ts = t.isoformat()
            if (code, ts) in official:
                lvl, ref = official[(code, ts)]
                events.append((ts, lvl, ref))
                cur = lvl
                continue
            if ts >= "2020-03-04" and code in override_until and ts < override_until[code]:
                continue  # official level holds (see SOURCES.md for the disagreement with the rule)
            lvl = rule_level(local[code], t)
            if lvl != cur:
                if ts >= "2020-04-01" and code in april_medium and lvl == "medium":
                    ref = ("reported: medium during the April 2020 Harbin/Suifenhe clusters (" + REFS["risk0506"]
                           + "); the start date is reconstructed from this feed's case history (rule county-2020-02)")
                elif ts == "2020-02-18":
                    ref = "reconstructed: county-2020-02 rule applied to this feed's case history on the scheme's first day"
                else:
                    ref = "reconstructed: consistent with case history (rule county-2020-02, local cases)"
                events.append((ts, lvl, ref))
                cur = lvl
        for since, lvl, ref in events:
            rows.append({"region": code, "level": lvl, "since": since, "rule": "county-2020-02",
                         "reported": not ref.startswith("reconstructed"), "ref": ref})
    rows.sort(key=lambda r: (r["since"], r["region"]))
    return rows, local


def level_on(rows, code, day: str):
    cur = None
    for r in rows:
        if r["region"] == code and r["since"][:10] <= day:
            cur = r["level"]
    return cur


def response_levels_2020():
    return [
        {"region": PROV, "level": "I", "since": "2020-01-25", "ref": REFS["seed001"] + ": 1月25日…啟動一級響應機制"},
        {"region": PROV, "level": "II", "since": "2020-03-04T15:00:00+08:00",
         "ref": REFS["seed001"] + ": 3月4日下午…從一級調整為二級; the seed says only 'afternoon' — 15:00 is approximate"},
        {"region": PROV, "level": "III", "since": "2020-03-25T18:00:00+08:00", "ref": REFS["resp0325"]},
        {"region": SH, "level": "I", "since": "2020-01-25", "ref": REFS["seed000"] + ": 1月25日启动突发公共卫生事件一级响应机制 (later changes for Suihua are not in the sources)"},
    ]


SH_HQ = "绥化市新型冠状病毒感染肺炎疫情防控工作指挥部"


def directives_2020():
    beilin = cc(SH, "北林区")
    ref0 = REFS["seed000"]
    return [
        {"number": "绥指公4号", "issuer": SH_HQ, "title": "关于绥化市北林区实行交通管制的公告",
         "body": "自2020年2月1日22时起，北林区实行机动车、电动车限制通行的交通管制措施，主城区所有出城口全部封闭。同时关闭绥化火车站旅客进出通道，禁止旅客上下车。（摘要，据绥化日报《回眸绥化战“疫”》）",
         "category": "traffic_control", "scope": [beilin],
         "issued_at": "2020-02-01T21:00:00+08:00", "effective_from": "2020-02-01T22:00:00+08:00",
         "effective_until": "2020-03-13T00:00:00+08:00", "status": "superseded", "priority": "urgent",
         "ref": ref0 + ": “2月1日夜，发布绥指公4号…自当日22时起”. issued_at 21:00 is approximate (the seed says 'night'); effective_until = the date of 绥指公21号 (time not given, 00:00 by convention)"},
        {"number": "绥指公5号", "issuer": SH_HQ, "title": "关于加强绥化市北林区居民小区管制的公告",
         "body": "各小区实行封闭管理，严格控制市区居民出行；对发生确诊病例、疑似病例的小区实行全封闭管理，禁止出入；对其密切接触者，按户实行封闭隔离，实际隔离时间不少于14天。（摘要，据绥化日报《回眸绥化战“疫”》）",
         "category": "residential_control", "scope": [beilin],
         "issued_at": "2020-02-02T00:00:00+08:00", "effective_from": "2020-02-02T00:00:00+08:00",
         "effective_until": "2020-03-13T00:00:00+08:00", "status": "superseded", "priority": "urgent",
         "ref": ref0 + ": “2月2日，发布绥指公5号”. Only the date is given: times are 00:00 by convention"},
        {"number": "绥指公21号", "issuer": SH_HQ, "title": "关于有序恢复北林区城区生产生活秩序的公告",
         "body": "按照“突出重点、分类管理、科学防控、精准施策”的原则，有序恢复北林区城区生产生活秩序：城内放开小区人员、车辆流动限制，出租车恢复正常运营，有序放开城区内服务业经营场所。（摘要，据绥化日报《回眸绥化战“疫”》）",
         "category": "reopening", "scope": [beilin],
         "issued_at": "2020-03-13T00:00:00+08:00", "effective_from": "2020-03-13T00:00:00+08:00",
         "status": "in_force", "supersedes": ["绥指公4号", "绥指公5号"], "priority": "normal",
         "ref": ref0 + ": “3月13日，发布绥指公21号”. Only the date is given: times are 00:00 by convention. That it supersedes 4号 and 5号 is our reading of its content"},
        {"number": "严九条", "issuer": "黑龙江省应对新冠肺炎疫情工作领导小组",
         "title": "对确诊病例10例及以上的县（市、区）实行“严九条”",
         "body": "对确诊病例10例及以上的县（市、区）实行“严九条”：封住城、关住门、管住人、禁聚集、早隔离、控经营、严执法、保民生、抓督战。（据黑龙江日报2020-03-04报道）",
         "category": "other", "scope": [PROV], "issued_at": "2020-02-18T00:00:00+08:00",
         "effective_from": "2020-02-18T00:00:00+08:00", "status": "in_force", "priority": "high",
         "ref": REFS["seed001"] + ": “2月18日，黑龍江省對確診病例10例及以上的縣(市、區)實行‘嚴九條’”. "
                "'严九条' is the name of the rule, NOT a document number (none is known); the issuing body is our reading "
                "(the seed names the provincial leading group); scope is the whole province because the rule applies to "
                "every county with >= 10 confirmed cases; the sources give no end date, so the status is shown as in force"},
    ]


def hotline_suihua():
    f = FACTS["suihua_hotline"]
    return [{"region": f["region"], "from": f["from"], "to": f["to"], "requests": f["requests"],
             "connection_rate": f["connection_rate"], "response_rate": f["response_rate"],
             "baseline_ratio": f["baseline_ratio"],
             "topics": ["口罩、酒精等消毒物品短缺（自农历大年三十起）", "交通管制后的出行问题", "突发疾病就医", "孕妇待产"],
             "reported": ["requests", "connection_rate", "response_rate", "baseline_ratio", "topics"],
             "ref": REFS["seed000"] + ": " + f["text"] + ". baseline_ratio 3.0 reads 较前期增长3倍 as 'three times'; strictly it may mean 4x"}]


# ---------------------------------------------------------------------------
# 6. Harbin 2022-11
# ---------------------------------------------------------------------------
HRB_DISTRICTS = COUNTIES[HRB]
HRB_HQ = "哈尔滨市应对新型冠状病毒感染肺炎疫情工作指挥部"
MAIN6 = ["道里区", "道外区", "南岗区", "香坊区", "平房区", "松北区"]


def harbin_2022():
    rng = rng_for("harbin-2022")
    fact = FACTS["harbin_2022_11_29"]
    rows = []
    for t in days(START_2022, END_2022):
        ds = t.isoformat()
        phase = [w for first, w in HRB2022_PHASES if first <= ds][-1]
        mix = [w for first, w in HRB2022_CHANNEL_MIX if first <= ds][-1]
        per = {x: [0, 0] for x in HRB_DISTRICTS}  # confirmed, asymptomatic
        channels = Counter()
        if ds == "2022-11-29":
            for code, n in fact["districts"].items():
                a = HRB2022_1129_ASYM.get(REG[code]["name_zh"], 0)
                per[code] = [n - a, a]
            channels = Counter(fact["channels"])
        else:
            names = sorted(phase)
            for _ in range(HRB2022_POSITIVES[ds]):
                code = cc(HRB, rng.choices(names, weights=[phase[x] for x in names])[0])
                if rng.random() < HRB2022_ASYM_SHARE:
                    per[code][1] += 1
                else:
                    per[code][0] += 1
                ch = sorted(mix)
                channels[rng.choices(ch, weights=[mix[x] for x in ch])[0]] += 1
        tot_c = sum(v[0] for v in per.values())
        tot_a = sum(v[1] for v in per.values())
        chan = {k: channels.get(k, 0) for k in ("quarantined", "community_screening", "contact_screening",
                                                 "key_person_screening", "cross_region_request", "other")}
        if ds == "2022-11-29":
            chan = {k: v for k, v in chan.items() if k in fact["channels"]}
        city = {"region": HRB, "date": ds}
        if ds == "2022-11-29":
            city["window"] = dict(fact["window"])
        city.update({"new_confirmed": tot_c, "new_asymptomatic": tot_a, "channels": chan})
        if ds == "2022-11-29":
            city["reported"] = ["new_confirmed", "new_asymptomatic", "channels"]
            city["ref"] = (REFS["seed003"] + ": 0-15 h window; 59 new local positives = 54 confirmed + 5 asymptomatic; "
                           "by channel 50/5/2/1/1")
        else:
            city["ref"] = "reconstructed full day (data/demo/SOURCES.md)"
        rows.append(city)
        for code in HRB_DISTRICTS:
            r = {"region": code, "date": ds}
            if ds == "2022-11-29":
                r["window"] = dict(fact["window"])
            r["new_confirmed"], r["new_asymptomatic"] = per[code]
            if ds == "2022-11-29":
                n = fact["districts"].get(code, 0)
                r["ref"] = (f"{REFS['seed003']}: {n} new local positives in the 0-15 h window (published); "
                            "the split into confirmed / asymptomatic is reconstructed") if n else \
                    f"{REFS['seed003']}: district not listed, 0 new positives (0-15 h)"
            else:
                r["ref"] = "reconstructed full day (data/demo/SOURCES.md)"
            rows.append(r)
    directive = {
        "number": "第74号公告", "issuer": HRB_HQ,
        "title": "主城六区临时性管控措施（第74号公告；标题为摘要，非原文标题）",
        "body": "自2022年11月23日12时起，在道里区、道外区、南岗区、香坊区、平房区、松北区六个主城区实行临时性管控措施："
                "非必要人员不离开主城区；确需离开的，须持48小时内两次核酸检测阴性证明及龙江健康码绿码。"
                "应急救援、疫情防控、重要公务、民生保障、就医等人员及车辆除外。机关事业单位实行弹性办公或居家办公；"
                "政务服务大厅推行网上办、不见面办，确需现场办理的实行预约办理。"
                "（据公告英文机器翻译转述的摘要，措辞非公告原文）",
        "category": "traffic_control", "scope": [cc(HRB, n) for n in MAIN6],
        "issued_at": "2022-11-23T10:00:00+08:00", "effective_from": "2022-11-23T12:00:00+08:00",
        "status": "in_force", "priority": "high",
        "ref": REFS["rules26"] + "; " + REFS["seed003"] + " (residents asked to comply on 2022-11-29). "
               "issued_at 10:00 is approximate (only the date and the 12:00 effective time are known); "
               "category traffic_control because the core measure restricts leaving the main urban area; "
               "the title is a descriptive summary, the official title is not in the sources",
    }
    f = FACTS["harbin_hotline_2022"]
    hotline = [{"region": f["region"], "from": f["from"], "to": f["to"], "requests": f["requests"],
                "topics": ["抵返哈防控政策咨询", "重点区域人群管控", "核酸检测", "赋码改码", "重点场所管理"],
                "reported": ["requests", "topics"],
                "ref": REFS["seed003"] + ": " + f["text"] + ". Epidemic-related calls only; 'to' is the press-conference day; "
                       "connection and response rates are not given (the source admits busy lines)"}]
    return rows, [directive], hotline


# ---------------------------------------------------------------------------
# 7. checkpoints and synthetic throughput
# ---------------------------------------------------------------------------
def iso(t: dt.datetime) -> str:
    return t.isoformat()


def at(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


S_OPEN_2020 = "2020-01-25T00:00:00+08:00"
S_CLOSE_4 = "2020-02-01T22:00:00+08:00"
S_REOPEN_21 = "2020-03-13T00:00:00+08:00"
S_OPEN_2022 = "2022-11-01T00:00:00+08:00"
S_NO74 = "2022-11-23T12:00:00+08:00"


def checkpoints():
    beilin = cc(SH, "北林区")
    daowai = cc(HRB, "道外区")
    exits_ref = (REFS["seed000"] + ": 绥指公4号 closed “主城区所有出城口” from 2020-02-01 22:00 and 绥指公21号 reopened the city "
                 "on 2020-03-13. The seed does not name the exits: these four (one per direction on the main roads out of "
                 "北林区) and their positions are ours. 'restricted' from 03-13 is approximate (checks stayed in place)")
    suihua_status = [
        {"since": S_OPEN_2020, "status": "open", "ref": "Suihua Level I response and road checkpoints from 2020-01-25 (绥化日报《回眸绥化战“疫”》特刊, 2020年3月下旬); open = passes after inspection"},
        {"since": S_CLOSE_4, "status": "closed", "ref": "绥指公4号 (绥化日报《回眸绥化战“疫”》特刊, 2020年3月下旬)"},
        {"since": S_REOPEN_21, "status": "restricted", "ref": "绥指公21号 (绥化日报《回眸绥化战“疫”》特刊, 2020年3月下旬); time 00:00 and 'restricted' are approximate"},
    ]
    cps = []

    def exit_(cid, zh, en, lon, lat):
        cps.append({"id": cid, "name_zh": zh, "name_en": en, "kind": "road_checkpoint", "region": beilin,
                    "lon": lon, "lat": lat, "position_approximate": True,
                    "lanes": {"passenger": 2, "freight": 1, "green": 1}, "status": suihua_status, "ref": exits_ref})

    cps.append({
        "id": "hegang-nanfengjing-toll", "name_zh": "南风井收费站（南风井留验站）", "name_en": "Nanfengjing toll station (holding station), Hegang",
        "kind": "toll_station", "region": HG, "lon": 130.29, "lat": 47.28, "position_approximate": True,
        "lanes": {"passenger": 2, "freight": 2, "green": 1},
        "status": [{"since": S_OPEN_2020, "status": "open", "ref": "inspection of every vehicle (不漏一车、不漏一人、全面排查), 黑龙江日报, 约2020-02-21, 专版《万众一心 群防群控 坚决打赢疫情防控阻击战》; start date assumed = province Level I"}],
        "ref": ("黑龙江日报, 约2020-02-21, 专版《万众一心 群防群控 坚决打赢疫情防控阻击战》: separate passenger and freight lanes, a green channel for large trucks "
                "(scan and record by phone), station head 王海滨. The toll station is on the expressway south of Hegang city; "
                "position approximate; lane counts assumed; region given at city level (county not stated in the seed)")})
    exit_("suihua-beilin-exit-n", "北林区主城区出城口（北，海伦方向）", "Beilin urban exit north (towards Hailun)", 126.99, 46.70)
    exit_("suihua-beilin-exit-s", "北林区主城区出城口（南，哈尔滨方向）", "Beilin urban exit south (towards Harbin)", 126.96, 46.59)
    exit_("suihua-beilin-exit-e", "北林区主城区出城口（东，庆安方向）", "Beilin urban exit east (towards Qing'an)", 127.06, 46.65)
    exit_("suihua-beilin-exit-w", "北林区主城区出城口（西，望奎方向）", "Beilin urban exit west (towards Wangkui)", 126.92, 46.67)
    cps.append({
        "id": "suihua-railway-station", "name_zh": "绥化火车站", "name_en": "Suihua railway station", "kind": "rail_station",
        "region": beilin, "lon": 126.98, "lat": 46.64, "position_approximate": True,
        "status": [
            {"since": S_OPEN_2020, "status": "open", "ref": "assumed open with temperature checks from 2020-01-25"},
            {"since": S_CLOSE_4, "status": "closed", "ref": "绥指公4号: 关闭绥化火车站旅客进出通道，禁止旅客上下车 (绥化日报《回眸绥化战“疫”》特刊, 2020年3月下旬)"},
            {"since": S_REOPEN_21, "status": "restricted", "ref": "reopening date not in the sources; assumed with 绥指公21号 (approximate)"}],
        "ref": REFS["seed000"] + "; position approximate"})
    cps.append({
        "id": "harbin-nangang-jilinjie", "name_zh": "南岗区吉林街疫情防控检查点", "name_en": "Jilin Street checkpoint, Nangang",
        "kind": "community_gate", "region": cc(HRB, "南岗区"), "lon": 126.64, "lat": 45.76, "position_approximate": True,
        "status": [{"since": "2020-02-20T00:00:00+08:00", "status": "restricted",
                    "ref": "start assumed after Harbin's 2020-02-19 night integrated management of the 4 main districts (黑龙江日报 via 国际在线, 2020-03-04 20:27, 《曾接待湖北籍游客7万人次,如今10天零新增,黑龙江如何逆袭?》); inspected 2020-02-26"}],
        "ref": REFS["seed001"] + ": 团省委负责的南岗区吉林街疫情防控检查点 (patrols, registration of people in and out); position approximate (street level)"})
    d_ref = (REFS["seed003"] + ": 道外区3个高速公路卡口 (the city's 'east gate'): 落地检 for out-of-town freight drivers, GPS fitted on "
             "entering, multi-function kiosks and sampling kiosks (即停、即检、即走). The seed does not name them: numbered by us; "
             "positions approximate (eastern 道外区 expressway entrances)")
    dw_status = [{"since": S_OPEN_2022, "status": "open", "ref": "landing tests in place (哈尔滨日报, 哈尔滨市疫情防控专场新闻发布会 2022-11-29); start assumed 2022-11-01"},
                 {"since": S_NO74, "status": "restricted", "ref": "哈尔滨市新冠肺炎疫情防控指挥部第74号公告 (2022-11-23; only copy found: https://woyaojiankangwang.com/Completesquaredancing/whkhunrlmi.html): leaving the main urban area only with two negative tests in 48 h and a green code"}]
    for i, (lon, lat) in enumerate([(126.80, 45.80), (126.86, 45.88), (126.78, 45.74)], start=1):
        cn = "一二三"[i - 1]
        cps.append({"id": f"harbin-daowai-expwy-{i}", "name_zh": f"道外区高速公路卡口（{cn}）",
                    "name_en": f"Daowai expressway checkpoint {i}", "kind": "expressway_exit", "region": daowai,
                    "lon": lon, "lat": lat, "position_approximate": True,
                    "lanes": {"passenger": 2, "freight": 3, "green": 1}, "status": dw_status, "ref": d_ref})
    parks = [("xilong", "禧龙", "Xilong", 126.705, 45.805), ("shenji", "神吉", "Shenji", 126.722, 45.792),
             ("chuanhua", "传化", "Chuanhua", 126.760, 45.785), ("zhongshun", "中顺", "Zhongshun", 126.690, 45.812),
             ("huadu", "华都", "Huadu", 126.735, 45.818), ("jincheng", "锦城", "Jincheng", 126.748, 45.800)]
    for pid, zh, en, lon, lat in parks:
        cps.append({"id": f"harbin-daowai-park-{pid}", "name_zh": f"{zh}物流园区", "name_en": f"{en} logistics park (Daowai)",
                    "kind": "logistics_park", "region": daowai, "lon": lon, "lat": lat, "position_approximate": True,
                    "lanes": {"passenger": 1, "freight": 2},
                    "status": [{"since": S_OPEN_2022, "status": "open", "ref": "free testing station at the entrance, 手递手 closed loop for trucks from high-risk areas (哈尔滨日报, 哈尔滨市疫情防控专场新闻发布会 2022-11-29)"}],
                    "ref": REFS["seed003"] + f": one of 道外区's 6 big logistics parks ({zh}); the seed gives only the short name; "
                           "position approximate (道外区 logistics belt), not surveyed"})
    return cps


def status_at(cp, t: dt.datetime) -> str | None:
    cur = None
    for s in cp["status"]:
        if at(s["since"]) <= t:
            cur = s["status"]
    return cur


PASS_H = [0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 3.0, 6.5, 8.0, 6.8, 5.8, 5.5, 5.2, 5.3, 5.6, 5.9, 6.3, 7.4, 7.0, 4.8, 3.4, 2.4, 1.6, 1.0]
FREIGHT_H = [5.2, 5.4, 5.0, 4.6, 4.2, 3.9, 3.6, 3.6, 3.8, 4.0, 4.1, 4.1, 4.0, 4.0, 4.1, 4.2, 4.2, 4.0, 3.8, 3.8, 4.0, 4.4, 4.8, 5.2]
GREEN_H = [3.0, 2.8, 2.6, 2.6, 2.8, 3.4, 4.0, 4.6, 5.0, 5.2, 5.2, 5.0, 4.8, 4.8, 5.0, 5.0, 4.8, 4.6, 4.2, 3.8, 3.6, 3.4, 3.2, 3.1]
TRAIN_H = [0.5, 2, 0, 3, 0, 5, 6, 4, 8, 6, 3, 7, 2, 6, 5, 4, 7, 5, 6, 4, 5, 3, 4, 1]
GATE_H = [0.2, 0.1, 0.1, 0.1, 0.2, 1.0, 4.0, 9.0, 10.0, 8.0, 6.5, 6.0, 6.5, 5.5, 5.0, 5.5, 7.0, 9.0, 7.5, 4.0, 2.5, 1.5, 0.8, 0.4]
PARK_FREIGHT_H = [1.5, 1.2, 1.0, 1.0, 1.5, 3.0, 5.5, 7.0, 7.5, 7.5, 7.0, 6.5, 6.0, 6.5, 6.8, 6.5, 6.0, 5.0, 3.5, 2.5, 2.0, 1.8, 1.6, 1.5]
for _arr in (PASS_H, FREIGHT_H, GREEN_H, TRAIN_H, GATE_H, PARK_FREIGHT_H):
    _s = sum(_arr)
    _arr[:] = [v / _s for v in _arr]


def factor_2020(t: dt.datetime, lane: str) -> float:
    """Share of normal-times daily volume: Spring Festival + epidemic controls, then recovery."""
    d = t.date()
    if lane == "passenger":
        pts = {"2020-01-25": 0.30, "2020-02-01": 0.25, "2020-02-10": 0.18, "2020-02-21": 0.22,
               "2020-03-04": 0.32, "2020-03-13": 0.40, "2020-03-25": 0.55, "2020-04-30": 0.72}
    elif lane == "freight":
        pts = {"2020-01-25": 0.25, "2020-02-02": 0.30, "2020-02-10": 0.45, "2020-03-04": 0.60,
               "2020-03-25": 0.75, "2020-04-30": 0.88}
    else:  # green channel: emergency supplies, busiest in February
        pts = {"2020-01-25": 0.6, "2020-02-05": 1.0, "2020-03-04": 0.9, "2020-04-30": 0.6}
    f = linear(pts)(d)
    wd = d.weekday()
    if d >= D("2020-02-10"):
        if lane == "freight" and wd >= 5:
            f *= 0.8
        if lane == "passenger" and wd >= 5:
            f *= 1.08
    return f


def throughput():
    cps = {c["id"]: c for c in checkpoints()}
    rows = []
    positives_2022 = {("harbin-daowai-expwy-1", "2022-11-18"): 1, ("harbin-daowai-expwy-2", "2022-11-22"): 1,
                      ("harbin-daowai-expwy-1", "2022-11-24"): 2, ("harbin-daowai-expwy-3", "2022-11-26"): 1,
                      ("harbin-daowai-expwy-2", "2022-11-27"): 1, ("harbin-daowai-expwy-1", "2022-11-29"): 1,
                      ("harbin-daowai-park-chuanhua", "2022-11-25"): 1, ("harbin-daowai-park-xilong", "2022-11-26"): 1,
                      ("harbin-daowai-park-chuanhua", "2022-11-27"): 1}
    code_start = at("2020-02-21T00:00:00+08:00")
    scan_full = at("2020-03-12T00:00:00+08:00")

    def hours(a: dt.datetime, b: dt.datetime):
        t = a
        while t <= b:
            yield t
            t += dt.timedelta(hours=1)

    def positive_hours(cid, ds, n, rng):
        return Counter(rng.choice(range(8, 20)) for _ in range(n))

    for cid, cp in cps.items():
        rng = rng_for("throughput", cid)
        is2022 = cid.startswith("harbin-daowai")
        if is2022:
            a, b = at(S_OPEN_2022), at("2022-11-30T23:00:00+08:00")
        else:
            a, b = at(cp["status"][0]["since"]), at("2020-04-30T23:00:00+08:00")
        pos_plan = {}
        for (pc, ds), n in positives_2022.items():
            if pc == cid:
                pos_plan[ds] = positive_hours(cid, ds, n, rng)
        for t in hours(a, b):
            st = status_at(cp, t)
            h = t.hour
            row = {"checkpoint": cid, "start": iso(t)}
            lanes = {}
            alarms = turned = 0
            tests = positives = None
            queue = None
            if cp["kind"] in ("toll_station", "road_checkpoint"):
                base = {"passenger": 3000, "freight": 900, "green": 200} if cp["kind"] == "toll_station" else \
                    {"passenger": 2200, "freight": 380, "green": 60}
                for lane, prof, ppv in (("passenger", PASS_H, 1.8), ("freight", FREIGHT_H, 1.3), ("green", GREEN_H, 1.2)):
                    if st == "closed":
                        v = p = 0
                    else:
                        f = factor_2020(t, lane)
                        if st == "restricted":
                            f *= 0.7 if lane != "green" else 1.0
                        v = poisson(rng, base[lane] * f * prof[h])
                        p = v + poisson(rng, v * (ppv - 1)) if v else 0
                    lanes[lane] = {"vehicles": v, "people": p}
                people = sum(x["people"] for x in lanes.values())
                vehicles = sum(x["vehicles"] for x in lanes.values())
                alarms = poisson(rng, people * 0.00025)
                turned = poisson(rng, vehicles * (0.012 if t < at("2020-03-04T00:00:00+08:00") else 0.004))
                if vehicles and rng.random() < (0.35 if vehicles > 80 else 0.04):
                    queue = rng.randint(3, 25 if cp["kind"] == "toll_station" else 15)
            elif cp["kind"] == "rail_station":
                if st == "closed":
                    p = 0
                else:
                    f = 0.25 if st == "open" else linear({"2020-03-13": 0.06, "2020-04-30": 0.3})(t.date())
                    p = poisson(rng, 6000 * f * TRAIN_H[h])
                lanes["passenger"] = {"people": p}
                people = p
                alarms = poisson(rng, p * 0.0003)
                turned = poisson(rng, p * 0.002)
            elif cp["kind"] == "community_gate":
                f = linear({"2020-02-20": 0.8, "2020-03-19": 1.0, "2020-04-30": 1.3})(t.date())
                p = poisson(rng, 650 * f * GATE_H[h])
                v = poisson(rng, 45 * f * GATE_H[h])
                lanes["passenger"] = {"vehicles": v, "people": p}
                people = p
                alarms = poisson(rng, p * 0.0003)
                turned = poisson(rng, p * 0.008)
            elif cp["kind"] == "expressway_exit":
                base = {"passenger": 2800, "freight": 1800, "green": 150}
                for lane, prof, ppv in (("passenger", PASS_H, 1.6), ("freight", FREIGHT_H, 1.3), ("green", GREEN_H, 1.2)):
                    f = linear({"2022-11-01": 1.0, "2022-11-12": 0.95, "2022-11-22": 0.85, "2022-11-30": 0.8})(t.date())
                    if st == "restricted":
                        f *= 0.45 if lane == "passenger" else 0.85
                    if t.weekday() >= 5:
                        f *= 1.1 if lane == "passenger" else 0.85
                    v = poisson(rng, base[lane] * f * prof[h])
                    lanes[lane] = {"vehicles": v, "people": v + poisson(rng, v * (ppv - 1)) if v else 0}
                people = sum(x["people"] for x in lanes.values())
                vehicles = sum(x["vehicles"] for x in lanes.values())
                tests = int(round((lanes["freight"]["people"] + lanes["green"]["people"]) * 0.92
                                  + lanes["passenger"]["people"] * 0.05))
                positives = pos_plan.get(t.date().isoformat(), {}).get(h, 0)
                alarms = poisson(rng, people * 0.0002)
                turned = poisson(rng, lanes["passenger"]["vehicles"] * (0.02 if st == "restricted" else 0.003))
                if vehicles > 150 and rng.random() < 0.5:
                    queue = rng.randint(5, 40)
            elif cp["kind"] == "logistics_park":
                f = linear({"2022-11-01": 1.0, "2022-11-20": 0.9, "2022-11-30": 0.85})(t.date())
                v = poisson(rng, 520 * f * PARK_FREIGHT_H[h])
                vp = poisson(rng, 90 * f * PASS_H[h])
                lanes["freight"] = {"vehicles": v, "people": v + poisson(rng, v * 0.3) if v else 0}
                lanes["passenger"] = {"vehicles": vp, "people": vp + poisson(rng, vp * 0.5) if vp else 0}
                people = lanes["freight"]["people"] + lanes["passenger"]["people"]
                tests = int(round(lanes["freight"]["people"] * 0.9))
                positives = pos_plan.get(t.date().isoformat(), {}).get(h, 0)
                alarms = poisson(rng, people * 0.0002)
                if v > 25 and rng.random() < 0.3:
                    queue = rng.randint(5, 30)
            row["lanes"] = lanes
            row["temperature_alarms"] = alarms
            row["turned_back"] = turned
            if tests is not None:
                row["tests"] = tests
                row["positives"] = min(positives, tests)
            if is2022 or t >= code_start:
                if is2022:
                    share = 1.0
                elif cp["kind"] in ("toll_station", "road_checkpoint"):
                    share = 1.0 if t >= scan_full else linear({"2020-02-21": 0.3, "2020-03-11": 0.7})(t.date())
                else:
                    share = 1.0 if cp["kind"] == "rail_station" else linear({"2020-02-21": 0.5, "2020-03-11": 1.0})(t.date())
                scanned = int(round(people * share))
                red = poisson(rng, scanned * (0.0002 if is2022 else 0.0003))
                yellow = poisson(rng, scanned * (0.006 if is2022 else 0.004))
                red, yellow = min(red, scanned), min(yellow, scanned - min(red, scanned))
                row["codes"] = {"green": scanned - red - yellow, "yellow": yellow, "red": red}
            if queue is not None:
                row["queue_minutes"] = queue
            rows.append(row)
    return rows


# ---------------------------------------------------------------------------
# 8. checks, validation, writing
# ---------------------------------------------------------------------------
COUNT_FIELDS = ["new_confirmed", "cumulative_confirmed", "active", "new_cured", "cured", "new_deaths", "deaths",
                "new_asymptomatic", "active_asymptomatic"]


def get_field(row, f):
    if f.startswith("imported."):
        return row.get("imported", {}).get(f.split(".", 1)[1])
    if f.startswith("local."):
        base = f.split(".", 1)[1]
        sub = {"cumulative_confirmed": "cumulative", "new_confirmed": "new", "active": "active"}.get(base)
        imp = row.get("imported", {})
        if base == "cured":
            return None  # checked separately (needs the line list)
        return row[base] - (imp.get(sub, 0) if sub else 0)
    return row.get(f)


def check_case_reports(reports, cases):
    idx = {(r["region"], r["date"]): r for r in reports}
    assert len(idx) == len(reports), "duplicate case_reports keys"
    # every published figure
    for e in KNOWN_DATA["case_figures"]:
        row = idx[(e["region"], e["date"])]
        for f, v in {**e.get("values", {}), **e.get("checks", {})}.items():
            if f == "local.cured":
                got = sum(1 for k in cases if not k.imported and k.cured and k.cured <= D(e["date"]))
            else:
                got = get_field(row, f)
            assert got == v, f"{e['region']} {e['date']} {f}: generated {got}, published {v}"
        for f in e.get("values", {}):
            assert f in row.get("reported", []), (e["region"], e["date"], f)
    all_dates = [d.isoformat() for d in days(START_2020, END_2020)]
    regions = [PROV] + CITIES + ALL_COUNTIES
    for r in regions:
        prev = None
        for ds in all_dates:
            row = idx[(r, ds)]
            assert row["active"] == row["cumulative_confirmed"] - row["cured"] - row["deaths"] >= 0, (r, ds)
            if prev:
                for cumf, newf in (("cumulative_confirmed", "new_confirmed"), ("cured", "new_cured"), ("deaths", "new_deaths")):
                    assert row[cumf] >= prev[cumf], (r, ds, cumf)
                    assert row[newf] == row[cumf] - prev[cumf], (r, ds, newf)
                if "imported" in prev:
                    assert row["imported"]["cumulative"] - prev["imported"]["cumulative"] == row["imported"]["new"]
            else:
                assert row["new_confirmed"] == row["cumulative_confirmed"]
            if "imported" in row:
                i = row["imported"]
                assert i["new"] <= row["new_confirmed"] and i["cumulative"] <= row["cumulative_confirmed"] and i["active"] <= row["active"]
            prev = row
    # sums: city -> province, county -> city, every day, every field
    for ds in all_dates:
        for parent_code, kids in [(PROV, CITIES)] + [(c, COUNTIES[c]) for c in CITIES]:
            p = idx[(parent_code, ds)]
            for f in COUNT_FIELDS:
                if f in p:
                    assert p[f] == sum(idx[(k, ds)][f] for k in kids), (parent_code, ds, f)
            if "imported" in p:
                for f in ("new", "cumulative", "active"):
                    assert p["imported"][f] == sum(idx[(k, ds)]["imported"][f] for k in kids), (parent_code, ds, "imported", f)
    # province-level series
    prow = [idx[(PROV, ds)] for ds in all_dates]
    for r in prow:
        assert r["severe"] <= r["active"], (r["date"], r["severe"], r["active"])
        assert r["under_observation"] >= 0
    for a, b in zip(prow, prow[1:]):
        assert b["contacts_traced"] >= a["contacts_traced"] and b["contacts_released"] >= a["contacts_released"]
        assert b["suspected"] - a["suspected"] <= b["new_suspected"], b["date"]
        if "active_asymptomatic" in a:
            assert b["active_asymptomatic"] - a["active_asymptomatic"] <= b["new_asymptomatic"]
    # facts of seed 001 / 000
    new = {r["date"]: r["new_confirmed"] for r in prow}
    assert max(new.values()) == FACTS["province_peak_daily_new"]["value"]
    assert [d for d, v in new.items() if v == 50] == ["2020-02-04"]
    assert max(r["severe"] for r in prow) == FACTS["province_peak_severe"]["value"]
    h = {ds: idx[(HRB, ds)]["cumulative_confirmed"] for ds in all_dates}
    assert h["2020-02-06"] < 100 <= h["2020-02-07"]
    share = h["2020-02-07"] / idx[(PROV, "2020-02-07")]["cumulative_confirmed"]
    assert abs(share - 1 / 3) < 0.01, share
    assert new["2020-02-14"] < 10 and all(new[d.isoformat()] >= 10 for d in days(D("2020-01-30"), D("2020-02-13")))
    zero_days = [d.isoformat() for d in days(D("2020-02-23"), D("2020-03-03"))]
    assert all(new[d] == 0 for d in zero_days) and new["2020-02-22"] > 0 and new["2020-03-04"] > 0
    # longest zero run before 03-04 (after the first case) is exactly that one
    run = best = 0
    for d in days(D("2020-01-22"), D("2020-03-03")):
        run = run + 1 if new[d.isoformat()] == 0 else 0
        best = max(best, run)
    assert best == 10, best
    # 9 cities with >= 14 days and no new case as of 03-03
    clean = [c for c in CITIES if all(idx[(c, d.isoformat())]["new_confirmed"] == 0 for d in days(D("2020-02-19"), D("2020-03-03")))]
    assert len(clean) == FACTS["cities_14_days_clean_on_0304"]["value"], clean
    assert all(idx[(c, "2020-03-03")]["active"] == 0 for c in FACTS["cities_zero_active_on_0304"]["value"])
    assert all(idx[(PROV, d.isoformat())].get("imported", {}).get("cumulative", 0) == 0 for d in days(START_2020, D("2020-03-04")))
    # Suihua
    sh = {ds: idx[(SH, ds)] for ds in all_dates}
    assert max(r["cumulative_confirmed"] for r in sh.values()) == 47
    assert sh["2020-01-22"]["cumulative_confirmed"] == 0 and sh["2020-01-23"]["cumulative_confirmed"] == 1
    assert sh["2020-02-06"]["cured"] == 0 and sh["2020-02-07"]["new_cured"] > 0
    assert sh["2020-03-03"]["active"] == 8 and sh["2020-03-16"]["active"] > 0 and sh["2020-03-17"]["active"] == 0
    assert all(sh[d.isoformat()]["new_cured"] == 0 for d in days(D("2020-02-26"), D("2020-03-03")))
    assert sum(sh[d.isoformat()]["new_cured"] for d in days(D("2020-03-04"), D("2020-03-17"))) == 8


def check_risk(risk_rows, local):
    keys = [(r["region"], r["since"]) for r in risk_rows]
    assert len(keys) == len(set(keys)), "duplicate risk_levels keys"
    units = ALL_COUNTIES
    assert len(units) == FACTS["risk_0304"]["units"] == 125
    def count(day):
        lv = Counter(level_on(risk_rows, u, day) for u in units)
        return lv
    c = count("2020-03-04")
    assert c["medium"] == 9 and c["low"] == 116 and c["high"] == 0, c
    for day in ("2020-03-16", "2020-03-17", "2020-03-18"):
        med = sorted(u for u in units if level_on(risk_rows, u, day) == "medium")
        assert med == sorted(FACTS["risk_medium_after_0316"]["value"]), (day, med)
    for day in ("2020-03-19", "2020-03-20", "2020-03-21"):
        med = sorted(u for u in units if level_on(risk_rows, u, day) == "medium")
        assert med == FACTS["risk_medium_after_0319"]["value"], (day, med)
    med = sorted(u for u in units if level_on(risk_rows, u, "2020-04-30") == "medium")
    assert med == sorted(FACTS["risk_medium_april"]["value"]), med
    assert all(r["level"] != "high" for r in risk_rows)
    # rule consistency report (disagreements are documented in SOURCES.md)
    dis = []
    for u in units:
        for t in days(D("2020-02-18"), END_2020):
            a, b = level_on(risk_rows, u, t.isoformat()), rule_level(local[u], t)
            if a != b:
                dis.append((u, t.isoformat(), a, b))
    return dis


def check_json_dupes(path: Path):
    def hook(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"{path}: duplicate JSON key among {keys}"
        return dict(pairs)
    return json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=hook)


def check_document(doc, path):
    """Generic checks every demo file must pass: known adcodes, nothing after as_of, unique keys."""
    as_of = at(doc["as_of"].replace("Z", "+00:00"))
    as_of_local_date = as_of.astimezone(CST).date()
    # a 24:00 as_of is the start of the next day in UTC+8: the last allowed reporting date is the day before
    if as_of.astimezone(CST).time() == dt.time(0, 0):
        as_of_local_date -= dt.timedelta(days=1)
    keyspec = {"case_reports": ("region", "date"), "risk_levels": ("region", "since"), "response_levels": ("region", "since"),
               "checkpoints": ("id",), "throughput": ("checkpoint", "start"), "directives": ("issuer", "number"),
               "hotline": ("region", "from", "to"), "work_orders": ("id",), "regions": ("adcode",)}
    for sec, key in keyspec.items():
        rows = doc.get(sec, [])
        ks = [tuple(r[k] for k in key) for r in rows]
        assert len(ks) == len(set(ks)), f"{path}: duplicate keys in {sec}"
    def instant_ok(s):
        if len(s) == 10:
            return D(s) <= as_of_local_date
        return at(s.replace("Z", "+00:00")) <= as_of
    for r in doc.get("case_reports", []):
        assert r["region"] in REG and instant_ok(r["date"]), (path, r["region"], r["date"])
    for sec in ("risk_levels", "response_levels"):
        for r in doc.get(sec, []):
            assert r["region"] in REG and instant_ok(r["since"]), (path, sec, r)
    for r in doc.get("checkpoints", []):
        assert r["region"] in REG
        for s in r.get("status", []):
            assert instant_ok(s["since"])
    for r in doc.get("throughput", []):
        # an interval must end by as_of
        assert at(r["start"]) + dt.timedelta(minutes=r.get("minutes", 60)) <= as_of, r
    for r in doc.get("directives", []):
        assert all(x in REG for x in r["scope"]) and instant_ok(r["issued_at"])
        for f in ("effective_from", "effective_until"):
            if f in r:
                assert instant_ok(r[f])
        if "effective_from" in r and "effective_until" in r:
            assert at(r["effective_until"]) > at(r["effective_from"])
        nums = {x["number"] for x in doc["directives"] if x["issuer"] == r["issuer"]}
        assert all(s in nums for s in r.get("supersedes", []))
    for r in doc.get("hotline", []):
        assert r["region"] in REG and instant_ok(r["to"]) and r["from"] <= r["to"]


def validate_schema(doc, path):
    import jsonschema
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    v = cls(schema, format_checker=cls.FORMAT_CHECKER)
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errs:
        for e in errs[:10]:
            print(f"{path}: {list(e.absolute_path)}: {e.message}", file=sys.stderr)
        raise SystemExit(f"{path}: {len(errs)} schema errors")


def header(sid, name, as_of, synthetic=False, license_=None, url=None):
    src = {"id": sid, "name": name, "synthetic": synthetic}
    src["license"] = license_ or ("Figures are facts from public government bulletins (see data/demo/SOURCES.md); "
                                  "reconstruction and compilation: Sitboard project, MIT OR Apache-2.0")
    return {"schema": SCHEMA_ID, "source": src, "generated_at": GENERATED_AT, "as_of": as_of}


def write(path: Path, doc):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def main():
    cases = build_line_list()
    simulate_outcomes(cases)
    asym = asymptomatic_events()
    rows = aggregate_2020(cases, asym)
    pser = province_series()
    reports = assemble_case_reports(rows, pser)
    check_case_reports(reports, cases)

    risk_rows, local = risk_levels_2020(cases)
    disagreements = check_risk(risk_rows, local)

    hrb_rows, hrb_dirs, hrb_hotline = harbin_2022()
    fact = FACTS["harbin_2022_11_29"]
    r1129 = [r for r in hrb_rows if r["date"] == "2022-11-29"]
    city = next(r for r in r1129 if r["region"] == HRB)
    assert city["new_confirmed"] == fact["confirmed"] and city["new_asymptomatic"] == fact["asymptomatic"]
    assert city["channels"] == fact["channels"] and city["window"] == fact["window"]
    for r in r1129:
        if r["region"] != HRB:
            assert r["new_confirmed"] + r["new_asymptomatic"] == fact["districts"].get(r["region"], 0)
    for ds in {r["date"] for r in hrb_rows}:
        day = [r for r in hrb_rows if r["date"] == ds]
        c = next(r for r in day if r["region"] == HRB)
        for f in ("new_confirmed", "new_asymptomatic"):
            assert c[f] == sum(r[f] for r in day if r["region"] != HRB)
        assert sum(c["channels"].values()) == c["new_confirmed"] + c["new_asymptomatic"]

    docs = {}
    d = header("hlj-demo-2020", "黑龙江省 2020 病例演示数据（公开通报数字 + 重建）/ Heilongjiang 2020 cases, demo (published figures + reconstruction)", AS_OF_2020)
    d["case_reports"] = reports
    docs["hlj-2020-cases.json"] = d
    d = header("hlj-demo-2020-status", "黑龙江省 2020 应急响应与县域风险等级（演示）/ Heilongjiang 2020 response and county risk levels, demo", AS_OF_2020)
    d["response_levels"] = response_levels_2020()
    d["risk_levels"] = risk_rows
    docs["hlj-2020-status.json"] = d
    d = header("hlj-demo-directives", "绥化市、黑龙江省 2020 指令公告与热线（演示）/ Suihua and Heilongjiang 2020 directives and hotline, demo", AS_OF_2020)
    d["directives"] = directives_2020()
    d["hotline"] = hotline_suihua()
    docs["directives-2020.json"] = d
    d = header("harbin-demo-2022", "哈尔滨市 2022年11月（演示：11-29 公开数字 + 重建）/ Harbin 2022-11, demo (11-29 published, rest reconstructed)", AS_OF_2022)
    d["case_reports"] = hrb_rows
    d["response_levels"] = [
        {"region": HRB, "level": "none", "since": "2021-10-15T00:00:00+08:00", "reported": True,
         "ref": "(https://school.ijiandao.com/sc/daxue/65914.html, repost): Harbin HQ announcement No. 31 of "
                "2021-10-14 ends the city-level emergency response from 2021-10-15 00:00; no later change is in the sources"},
    ]
    d["directives"] = hrb_dirs
    d["hotline"] = hrb_hotline
    docs["harbin-2022-11.json"] = d
    d = header("demo-checkpoints", "卡口、收费站、物流园区定义（名称据报道，位置为近似）/ Checkpoints (names from reports, approximate positions)", AS_OF_2022)
    d["checkpoints"] = checkpoints()
    docs["checkpoints.json"] = d
    d = header("demo-throughput-synthetic", "合成演示数据：卡口通行量（synthetic）/ Synthetic checkpoint throughput", AS_OF_2022,
               synthetic=True, license_="Synthetic data made up by the Sitboard project for demonstration; MIT OR Apache-2.0")
    d["throughput"] = throughput()
    docs["throughput-synthetic.json"] = d

    # checks on throughput semantics
    cps = {c["id"]: c for c in docs["checkpoints.json"]["checkpoints"]}
    for r in docs["throughput-synthetic.json"]["throughput"]:
        t = at(r["start"])
        st = status_at(cps[r["checkpoint"]], t)
        assert st is not None, r
        if st == "closed":
            assert all(x.get("vehicles", 0) == 0 and x.get("people", 0) == 0 for x in r["lanes"].values()), r
        if t < at("2020-02-21T00:00:00+08:00"):
            assert "codes" not in r
        assert r.get("positives", 0) <= r.get("tests", 0)

    for name, doc in docs.items():
        path = OUT / name
        write(path, doc)
        back = check_json_dupes(path)
        assert back == json.loads(json.dumps(doc, ensure_ascii=False))
        check_document(back, name)
        validate_schema(back, name)

    print("Sitboard demo data written to", OUT.relative_to(ROOT))
    for name, doc in docs.items():
        secs = ", ".join(f"{k} {len(v)}" for k, v in doc.items() if isinstance(v, list))
        print(f"  {name:28s} {(OUT / name).stat().st_size / 1024:9.1f} KiB  {secs}")
    print(f"  risk-level days where the reported level differs from the 2020-02 rule: {len(disagreements)} "
          f"(units: {', '.join(sorted({REG[u]['name_zh'] for u, *_ in disagreements}))})")
    return disagreements


if __name__ == "__main__":
    main()
