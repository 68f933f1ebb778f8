#!/usr/bin/env python3
"""Build the bundled SYNTHETIC 12345 work-order stream (data/demo/hotline-synthetic.json).

Run from anywhere:  python3 tools/demo/build_hotline.py
Needs: Python >= 3.11 and jsonschema (tools/demo/requirements.txt).

The published hotline figures (Suihua 2020-01-24 … 02-03: 2,734 requests, connection and
response rate 100 %, volume 3 × the earlier level; Harbin 2022: 1.33 million epidemic calls,
its topics, batches pushed 3 times a day, act within 2 h, close within 1 working day) are
in the period rows that build_demo.py writes. This script makes up the individual work
orders those figures summarise, so that the board has something to list — every order is
invented (`source.synthetic: true`); only its rates follow the published ones:

* Suihua 2020-01-24 … 02-29, 24 h a day: exactly 2,734 orders 01-24 … 02-03 (the published
  count), then a declining tail. Every order gets a first action (response rate 100 %),
  96 % of them within 2 h; 93 % are closed within 1 working day.
* Harbin 2022-11-01 … 11-30: orders arrive in the 3 daily batches (08:00, 12:00, 18:00 —
  the seed says "morning, midday, evening"; the hours are our choice), volume follows the
  outbreak (rising from 11-20), topics are the seed's five plus livelihood and complaints.
  From 11-24 the load outruns the units: first action in time falls to about 80 %, closing
  in time to about 75 %, worst in Xiangfang (the district with most cases), which leaves a
  cluster of overdue orders there at the end of 11-30.

Deadlines are computed with the same rules as the board (src/model/hotline_sla.rs: 2 h on
the clock; 1 working day = 9 working hours, 08:30–17:30 on working days, public holidays
and make-up working weekends of 2020 and 2022). Deterministic: random seed SEED, fixed
generated_at (SOURCE_DATE_EPOCH overrides it).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "data" / "demo" / "hotline-synthetic.json"
SCHEMA = ROOT / "docs" / "feed-schema.json"
SEED = 20200125
GENERATED_AT = (
    dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if os.environ.get("SOURCE_DATE_EPOCH")
    else "2026-11-23T00:00:00Z"
)
CST = dt.timezone(dt.timedelta(hours=8))
AS_OF = dt.datetime(2022, 12, 1, tzinfo=CST)  # 2022-11-30 24:00


# --- the SLA rules (mirror of SlaRules::default in src/model/hotline_sla.rs) ---------------
FIRST_ACTION = dt.timedelta(hours=2)
WORK_START, WORK_END = dt.time(8, 30), dt.time(17, 30)
HOLIDAY_RANGES = [
    ("2020-01-01", "2020-01-01"), ("2020-01-24", "2020-02-02"), ("2020-04-04", "2020-04-06"),
    ("2020-05-01", "2020-05-05"), ("2020-06-25", "2020-06-27"), ("2020-10-01", "2020-10-08"),
    ("2022-01-01", "2022-01-03"), ("2022-01-31", "2022-02-06"), ("2022-04-03", "2022-04-05"),
    ("2022-04-30", "2022-05-04"), ("2022-06-03", "2022-06-05"), ("2022-09-10", "2022-09-12"),
    ("2022-10-01", "2022-10-07"),
]
WORKING_WEEKENDS = {dt.date.fromisoformat(d) for d in [
    "2020-01-19", "2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27", "2020-10-10",
    "2022-01-29", "2022-01-30", "2022-04-02", "2022-04-24", "2022-05-07", "2022-10-08", "2022-10-09"]}
HOLIDAYS = set()
for a, b in HOLIDAY_RANGES:
    d = dt.date.fromisoformat(a)
    while d <= dt.date.fromisoformat(b):
        HOLIDAYS.add(d)
        d += dt.timedelta(days=1)


def working_day(d: dt.date) -> bool:
    return d in WORKING_WEEKENDS if d.weekday() >= 5 else d not in HOLIDAYS


def close_due(received: dt.datetime) -> dt.datetime:
    left = dt.timedelta(hours=9)
    local = received.astimezone(CST)
    day, time = local.date(), local.time()
    while True:
        if working_day(day):
            start = max(time, WORK_START)
            if start < WORK_END:
                avail = dt.datetime.combine(day, WORK_END) - dt.datetime.combine(day, start)
                if left <= avail:
                    return dt.datetime.combine(day, start, tzinfo=CST) + left
                left -= avail
        day += dt.timedelta(days=1)
        time = dt.time(0, 0)


# --- what the orders are about ---------------------------------------------------------------
SUMMARIES = {
    "supplies": ["药店买不到口罩和酒精", "小区缺少消毒用品", "询问口罩购买渠道"],
    "travel": ["交通管制后需外出就医", "务工人员无法返岗出行", "询问出城通行手续"],
    "medical": ["幼儿高烧需送医", "老人慢性病需取药", "发热症状不知去哪就诊"],
    "maternity": ["孕妇临产需送医院", "孕妇需定期产检"],
    "policy": ["询问返乡人员隔离政策", "询问抵返哈防控政策"],
    "key_area_control": ["封控小区生活物资配送", "高风险区人员管控咨询"],
    "testing": ["核酸检测点排队时间长", "核酸结果迟迟未出", "询问上门采样"],
    "health_code": ["健康码误赋黄码申请改码", "健康码弹窗无法通行", "解除隔离后码未转绿"],
    "key_venues": ["超市未查验健康码", "重点场所人员聚集"],
    "livelihood": ["居家隔离期间买菜难", "供暖问题", "独居老人需要帮助"],
    "complaint": ["社区工作人员态度问题", "热线长时间打不进"],
    "other": ["其他诉求"],
}
SUIHUA_TOPICS = [("supplies", 30), ("travel", 25), ("medical", 18), ("maternity", 5), ("policy", 10),
                 ("livelihood", 8), ("complaint", 2), ("other", 2)]
HARBIN_TOPICS = [("policy", 24), ("key_area_control", 16), ("testing", 20), ("health_code", 18),
                 ("key_venues", 6), ("livelihood", 9), ("complaint", 4), ("other", 3)]
# Districts and their weights (Beilin is the main urban district under traffic control).
SUIHUA = [("231202", 46), ("231281", 10), ("231282", 10), ("231283", 7), ("231221", 5), ("231222", 5),
          ("231223", 5), ("231224", 5), ("231225", 3), ("231226", 4)]
HARBIN = [("230110", 18), ("230102", 17), ("230103", 17), ("230104", 10), ("230109", 7), ("230108", 4),
          ("230111", 6), ("230112", 4), ("230113", 4), ("230125", 3), ("230184", 3), ("230183", 2),
          ("230123", 1), ("230124", 1), ("230126", 1), ("230127", 1), ("230128", 1), ("230129", 1)]


def pick(rng: random.Random, table):
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def iso(t: dt.datetime) -> str:
    return t.astimezone(CST).strftime("%Y-%m-%dT%H:%M:%S+08:00")


def make_order(rng, oid, cat, region, received, p_act, p_close, horizon, batch=None):
    """One order: first action and closing drawn so that a share p_act / p_close is in time."""
    due_close = close_due(received)
    if rng.random() < p_act:
        acted = received + dt.timedelta(minutes=rng.randint(5, 115))
    else:
        acted = received + FIRST_ACTION + dt.timedelta(minutes=int(rng.expovariate(1 / 150)) + 1)
    if rng.random() < p_close:
        # Most are done within hours (staff worked through the 2020 holiday), never after the deadline.
        span = max((due_close - acted).total_seconds(), 60)
        closed = acted + dt.timedelta(seconds=int(min(rng.uniform(0.15, 0.98) * span, rng.expovariate(1 / 21600))))
    else:
        closed = due_close + dt.timedelta(minutes=int(rng.expovariate(1 / 600)) + 1)
    closed = max(closed, acted)
    o = {"id": oid, "category": cat, "region": region, "received_at": iso(received)}
    if acted <= horizon:
        o["first_action_at"] = iso(acted)
    if closed <= horizon:
        o["status"] = "closed"
        o["closed_at"] = iso(closed)
    else:
        o["status"] = "in_progress" if acted <= horizon else "open"
    o["summary"] = rng.choice(SUMMARIES[cat]) + (f"（{batch}批次）" if batch else "")
    return o


def suihua_orders():
    rng = random.Random(f"{SEED}-hotline-suihua")
    orders = []
    start = dt.date(2020, 1, 24)
    # 2,734 over 01-24 … 02-03 (11 days), peaking after the 02-01 traffic-control notice.
    shape = [0.7, 0.9, 1.0, 1.0, 0.95, 0.9, 0.9, 0.95, 1.2, 1.35, 1.25]
    total = 2734
    per_day = [round(total * s / sum(shape)) for s in shape]
    per_day[-1] += total - sum(per_day)
    d = dt.date(2020, 2, 4)
    while d <= dt.date(2020, 2, 29):
        k = (d - dt.date(2020, 2, 4)).days
        per_day.append(max(40, int(220 * 0.93 ** k)))
        d += dt.timedelta(days=1)
    hours = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4, 4.5, 4.5, 4, 3.5, 3.5, 4, 4, 3.8, 3.5, 3.2, 3, 2.6, 2.2, 1.8, 1.3]
    n = 0
    for i, count in enumerate(per_day):
        day = start + dt.timedelta(days=i)
        cats = SUIHUA_TOPICS
        if day >= dt.date(2020, 2, 2):  # after the traffic-control notice: travel and illness first
            cats = [("travel", 32), ("medical", 24), ("maternity", 6), ("supplies", 14), ("policy", 10),
                    ("livelihood", 10), ("complaint", 2), ("other", 2)]
        times = []
        for _ in range(count):
            h = rng.choices(range(24), weights=hours)[0]
            times.append(dt.datetime.combine(day, dt.time(h, rng.randint(0, 59), rng.randint(0, 59)), tzinfo=CST))
        for t in sorted(times):
            n += 1
            orders.append(make_order(rng, f"sh2020-{n:05d}", pick(rng, cats), pick(rng, SUIHUA), t, 0.96, 0.93,
                                     AS_OF))
    return orders, per_day[:11]


def harbin_orders():
    rng = random.Random(f"{SEED}-hotline-harbin")
    orders = []
    batches = [("早", dt.time(8, 0)), ("午", dt.time(12, 0)), ("晚", dt.time(18, 0))]
    n = 0
    day = dt.date(2022, 11, 1)
    while day <= dt.date(2022, 11, 30):
        k = day.day
        volume = 60 + (0 if k < 20 else int(35 * (k - 19) ** 1.25))
        late = day >= dt.date(2022, 11, 24)
        for name, at in batches:
            t = dt.datetime.combine(day, at, tzinfo=CST)
            count = int(volume * {"早": 0.45, "午": 0.3, "晚": 0.25}[name] * rng.uniform(0.9, 1.1))
            for j in range(count):
                n += 1
                region = pick(rng, HARBIN)
                # Xiangfang falls behind from 11-24 (most cases, most calls).
                p_act, p_close = (0.97, 0.95) if not late else ((0.55, 0.5) if region == "230110" else (0.86, 0.82))
                received = t + dt.timedelta(seconds=j % 60)
                orders.append(make_order(rng, f"hrb2022-{n:05d}", pick(rng, HARBIN_TOPICS), region, received,
                                         p_act, p_close, AS_OF, batch=name))
        day += dt.timedelta(days=1)
    return orders


def main():
    suihua, first11 = suihua_orders()
    assert sum(first11) == 2734, "the published Suihua count 01-24 … 02-03"
    harbin = harbin_orders()
    doc = {
        "schema": "sitboard.feed/1",
        "source": {
            "id": "demo-hotline-synthetic",
            "name": "12345 工单（合成演示数据）/ 12345 work orders, SYNTHETIC demo data",
            "synthetic": True,
            "license": "Synthetic data made by tools/demo/build_hotline.py; Sitboard project, MIT OR Apache-2.0",
        },
        "generated_at": GENERATED_AT,
        "as_of": iso(AS_OF),
        "work_orders": suihua + harbin,
    }
    import jsonschema
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    OUT.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{OUT.relative_to(ROOT)}: {len(suihua)} Suihua + {len(harbin)} Harbin orders, "
          f"{OUT.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
