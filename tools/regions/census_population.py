#!/usr/bin/env python3
"""Fill the `population` column of data/regions/regions.csv from the 2020 (seventh) census.

Source: the county table of `leiii/census` (data/census/census_county_2020_v1.xlsx, from the
7th Census Yearbook), MIT licence (c) 2022 Lei Dong; citation: Dong, Du & Liu, "Mapping
Evolving Population Geography in China", SSRN 4049338. The Heilongjiang rows of that table
(converted to CSV, original columns) are read from the path given; only the total resident
population (人口数_合计) of each registry unit is taken. A code the census does not have, or
`NA`, leaves the population empty ("unknown", never zero). Registry aliases are matched too
(加格达奇区: DataV 232718, census 232761).

    python3 tools/regions/census_population.py CENSUS.csv [--regions data/regions/regions.csv]

build_regions.py calls `fill_population` the same way when given --census.
"""
import argparse
import csv
import io
from pathlib import Path

REGIONS = Path(__file__).resolve().parents[2] / "data" / "regions" / "regions.csv"
CODE_COL = "区划代码"
TOTAL_COL = "人口数_合计"


def read_census(path: Path) -> dict:
    """adcode -> total population (int), for the rows that have one."""
    out = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            code, total = (row.get(CODE_COL) or "").strip(), (row.get(TOTAL_COL) or "").strip()
            if len(code) == 6 and code.isdigit() and total.isdigit() and int(total) > 0:
                out[code] = int(total)
    return out


def fill_population(rows: list, census: dict) -> list:
    """Sets r["population"] on each registry row; returns the adcodes left without one."""
    missing = []
    for r in rows:
        codes = [r["adcode"]] + [a for a in (r.get("aliases") or "").split(";") if a]
        pop = next((census[c] for c in codes if c in census), None)
        r["population"] = str(pop) if pop is not None else ""
        if pop is None:
            missing.append(r["adcode"])
    return missing


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("census", help="the census county table as CSV (original columns)")
    ap.add_argument("--regions", default=str(REGIONS))
    args = ap.parse_args()
    census = read_census(Path(args.census))
    path = Path(args.regions)
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        cols, rows = reader.fieldnames, list(reader)
    missing = fill_population(rows, census)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    print(f"{len(rows) - len(missing)} of {len(rows)} regions have a population; without: {missing}")


if __name__ == "__main__":
    main()
