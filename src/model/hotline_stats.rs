//! The hotline's figures at an instant: for each work order its deadlines (by the
//! [`SlaRules`]), whether it is open or overdue at `t` and how long until it breaches; and
//! the aggregates the panel, the map, the wall and `sitboard report` show — volume by hour
//! and by day, topics ranked, the backlog curve, the overdue list, districts, and the
//! [`HotlineSummary`] of a region (volume, open, overdue, share closed in time).
//!
//! [`HotlineIndex`] is built once per dataset (deadlines, region and category numbers, orders
//! sorted by the instant received); [`HotlineView::compute`] is one pass over the orders
//! received up to `t` (measured by `cargo bench --bench frame -- hotline`), and stays valid
//! until [`HotlineView::valid_until`].

use std::collections::HashMap;

use chrono::{DateTime, Duration, DurationRound as _, NaiveDate, Utc};
use serde::Serialize;

use super::hotline::{HotlinePeriod, WorkOrder};
use super::hotline_sla::{Deadlines, SlaRules};
use super::region::{Adcode, RegionRegistry};
use super::time::{local_date, start_of_day};

/// One order as the statistics read it.
#[derive(Clone, Copy, Debug)]
pub struct IndexedOrder {
    /// Its position in `Dataset::work_orders()`.
    pub order: u32,
    pub region: u16,
    pub category: u16,
    pub received: DateTime<Utc>,
    pub due: Deadlines,
    /// The first action: `first_action_at`, else the closing (closing is an action).
    pub acted: Option<DateTime<Utc>>,
    pub closed: Option<DateTime<Utc>>,
}

impl IndexedOrder {
    pub fn is_open_at(&self, t: DateTime<Utc>) -> bool {
        self.received <= t && self.closed.is_none_or(|c| c > t)
    }

    /// The deadline an open order has missed at `t` (the earlier one), if any.
    pub fn missed_at(&self, t: DateTime<Utc>) -> Option<(Breach, DateTime<Utc>)> {
        if !self.is_open_at(t) {
            return None;
        }
        let acted = self.acted.is_some_and(|a| a <= t);
        if !acted && t > self.due.first_action {
            Some((Breach::FirstAction, self.due.first_action))
        } else if t > self.due.close {
            Some((Breach::Close, self.due.close))
        } else {
            None
        }
    }

    /// The next deadline of an open order not yet missed at `t`.
    pub fn next_deadline(&self, t: DateTime<Utc>) -> Option<(Breach, DateTime<Utc>)> {
        if !self.is_open_at(t) || self.missed_at(t).is_some() {
            return None;
        }
        let acted = self.acted.is_some_and(|a| a <= t);
        if !acted { Some((Breach::FirstAction, self.due.first_action)) } else { Some((Breach::Close, self.due.close)) }
    }

    pub fn closed_in_time(&self) -> Option<bool> {
        self.closed.map(|c| c <= self.due.close)
    }
}

/// Which time limit an order missed or is about to miss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Breach {
    /// No first action within the limit (2 h).
    FirstAction,
    /// Not closed within the limit (1 working day).
    Close,
}

/// The work orders indexed for the statistics (built once per dataset).
#[derive(Clone, Debug, Default)]
pub struct HotlineIndex {
    pub rules: SlaRules,
    /// Sorted by the instant received.
    pub orders: Vec<IndexedOrder>,
    /// The distinct regions of the orders (`IndexedOrder::region` indexes this).
    pub regions: Vec<Adcode>,
    /// The distinct categories, sorted (`IndexedOrder::category` indexes this).
    pub categories: Vec<String>,
}

impl HotlineIndex {
    /// Index `orders` (sorted by `received_at`, as the dataset keeps them).
    pub fn build(orders: &[WorkOrder], rules: SlaRules) -> HotlineIndex {
        let mut categories: Vec<String> = orders.iter().map(|o| o.category.clone()).collect();
        categories.sort();
        categories.dedup();
        let cat_of: HashMap<&str, u16> =
            categories.iter().enumerate().map(|(i, c)| (c.as_str(), u16::try_from(i).unwrap_or(u16::MAX))).collect();
        let mut regions: Vec<Adcode> = Vec::new();
        let mut region_of: HashMap<Adcode, u16> = HashMap::new();
        let mut out = Vec::with_capacity(orders.len());
        for (i, o) in orders.iter().enumerate() {
            let region = *region_of.entry(o.region).or_insert_with(|| {
                regions.push(o.region);
                u16::try_from(regions.len() - 1).unwrap_or(u16::MAX)
            });
            out.push(IndexedOrder {
                order: u32::try_from(i).unwrap_or(u32::MAX),
                region,
                category: cat_of.get(o.category.as_str()).copied().unwrap_or(0),
                received: o.received_at,
                due: rules.deadlines(o.received_at),
                acted: o.first_action_at.or(o.closed_at),
                closed: o.closed_at,
            });
        }
        out.sort_by_key(|o| o.received);
        HotlineIndex { rules, orders: out, regions, categories }
    }

    pub fn is_empty(&self) -> bool {
        self.orders.is_empty()
    }

    pub fn category_index(&self, c: &str) -> Option<u16> {
        self.categories.iter().position(|k| k == c).and_then(|i| u16::try_from(i).ok())
    }

    /// The orders received up to and including `t`.
    pub fn received_by(&self, t: DateTime<Utc>) -> &[IndexedOrder] {
        let n = self.orders.partition_point(|o| o.received <= t);
        &self.orders[..n]
    }

    /// Which order regions lie within `region`.
    pub fn mask(&self, registry: &RegionRegistry, region: Adcode) -> Vec<bool> {
        self.regions.iter().map(|&r| registry.is_within(r, region)).collect()
    }

    /// Open overdue orders at `t` per order region (the map's "hotline overdue" colouring).
    pub fn overdue_by_region(&self, t: DateTime<Utc>) -> HashMap<Adcode, u32> {
        let mut out = HashMap::new();
        for o in self.received_by(t) {
            if o.missed_at(t).is_some() {
                *out.entry(self.regions[usize::from(o.region)]).or_insert(0) += 1;
            }
        }
        out
    }

    /// The first instant after `t` at which an open order crosses a deadline (the board
    /// repaints then, and not before).
    pub fn next_crossing(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.received_by(t).iter().filter_map(|o| o.next_deadline(t)).map(|(_, d)| d).min()
    }
}

/// The hotline figures of a region at an instant, for the panel's header, `report` and the
/// briefing: orders received on the day so far, open and overdue at the instant, and the
/// share of the day's closings that were in time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HotlineSummary {
    pub region: Adcode,
    /// The local day (the day of the instant; 24:00 belongs to the day that ends).
    pub day: NaiveDate,
    pub at: DateTime<Utc>,
    /// Work orders received on the day up to the instant.
    pub volume: u32,
    /// Open (not closed) at the instant.
    pub open: u32,
    /// Open and past a deadline at the instant.
    pub overdue: u32,
    /// Closed on the day up to the instant, and of those closed within the time limit.
    pub closed: u32,
    pub closed_in_time: u32,
    /// `closed_in_time / closed` (none when nothing was closed).
    pub in_time_share: Option<f64>,
    /// Of the day's orders, those that got a first action within the limit, of those acted on.
    pub acted: u32,
    pub acted_in_time: u32,
}

impl HotlineSummary {
    fn empty(region: Adcode, day: NaiveDate, at: DateTime<Utc>) -> Self {
        HotlineSummary {
            region,
            day,
            at,
            volume: 0,
            open: 0,
            overdue: 0,
            closed: 0,
            closed_in_time: 0,
            in_time_share: None,
            acted: 0,
            acted_in_time: 0,
        }
    }

    /// The summary of `region` at `t` (one pass over the orders received by `t`).
    pub fn compute(index: &HotlineIndex, registry: &RegionRegistry, region: Adcode, t: DateTime<Utc>) -> Self {
        let mask = index.mask(registry, region);
        summarise(index, &mask, None, region, t)
    }
}

fn summarise(
    index: &HotlineIndex,
    mask: &[bool],
    cat: Option<u16>,
    region: Adcode,
    t: DateTime<Utc>,
) -> HotlineSummary {
    let day = local_date(t - Duration::nanoseconds(1));
    let start = start_of_day(day);
    let mut s = HotlineSummary::empty(region, day, t);
    for o in index.received_by(t) {
        if !mask[usize::from(o.region)] || cat.is_some_and(|c| c != o.category) {
            continue;
        }
        tally(&mut s, o, start, t);
    }
    finish(&mut s);
    s
}

fn tally(s: &mut HotlineSummary, o: &IndexedOrder, start: DateTime<Utc>, t: DateTime<Utc>) {
    if o.received >= start {
        s.volume += 1;
        if let Some(a) = o.acted.filter(|a| *a <= t) {
            s.acted += 1;
            s.acted_in_time += u32::from(a <= o.due.first_action);
        }
    }
    if o.is_open_at(t) {
        s.open += 1;
        s.overdue += u32::from(o.missed_at(t).is_some());
    } else if let Some(c) = o.closed.filter(|c| *c >= start) {
        s.closed += 1;
        s.closed_in_time += u32::from(c <= o.due.close);
    }
}

fn finish(s: &mut HotlineSummary) {
    s.in_time_share = (s.closed > 0).then(|| f64::from(s.closed_in_time) / f64::from(s.closed));
}

/// An order on the overdue list, or about to be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DeadlineItem {
    /// Its position in `Dataset::work_orders()`.
    pub order: u32,
    pub region: Adcode,
    pub category: u16,
    pub breach: Breach,
    pub deadline: DateTime<Utc>,
}

/// One district's load (a child of the region in view).
#[derive(Clone, Debug, PartialEq)]
pub struct DistrictLoad {
    pub region: Adcode,
    pub volume: u32,
    pub open: u32,
    pub overdue: u32,
}

/// What the hotline panel shows for a region (and category) at an instant.
#[derive(Clone, Debug)]
pub struct HotlineView {
    pub summary: HotlineSummary,
    /// The names of the category numbers below (`HotlineIndex::categories`).
    pub category_names: Vec<String>,
    /// Orders received in each of the last 24 hours (oldest first; the last ends at the
    /// hour containing `t`), and the start of the first.
    pub by_hour: [u32; 24],
    pub first_hour: DateTime<Utc>,
    /// Orders received per local day, up to the day of `t`, over the last 30 days.
    pub by_day: Vec<(NaiveDate, u32)>,
    /// Categories ranked by orders received in the last 7 days (index, count), largest first.
    pub topics: Vec<(u16, u32)>,
    /// Open orders at each hour over the last 7 days (hour end, count).
    pub backlog: Vec<(DateTime<Utc>, u32)>,
    /// Open orders past a deadline, longest overdue first.
    pub overdue: Vec<DeadlineItem>,
    /// Open orders whose next deadline is within `SlaRules::warn_minutes` × 4, soonest first.
    pub due_soon: Vec<DeadlineItem>,
    /// The region's children (districts), most overdue first.
    pub districts: Vec<DistrictLoad>,
    /// Until this instant the lists hold (the next deadline crossing or the next hour).
    pub valid_until: DateTime<Utc>,
}

/// The window of the "about to breach" list: 4 × the amber warning (2 h by default).
pub fn soon_window(rules: &SlaRules) -> Duration {
    Duration::minutes(i64::from(rules.warn_minutes) * 4)
}

impl HotlineView {
    /// Everything the panel shows, in one pass over the orders received by `t`.
    pub fn compute(
        index: &HotlineIndex,
        registry: &RegionRegistry,
        region: Adcode,
        category: Option<u16>,
        t: DateTime<Utc>,
    ) -> HotlineView {
        let mask = index.mask(registry, region);
        let day = local_date(t - Duration::nanoseconds(1));
        let start = start_of_day(day);
        let hour_end = t.duration_trunc(Duration::hours(1)).unwrap_or(t) + Duration::hours(1);
        let first_hour = hour_end - Duration::hours(24);
        let first_day = day - Duration::days(29);
        let week_ago = t - Duration::days(7);
        let backlog_start = hour_end - Duration::hours(24 * 7);
        let soon = soon_window(&index.rules);
        // Which child (district) each order region belongs to.
        let children = registry.children(region);
        let child_of: Vec<Option<usize>> =
            index.regions.iter().map(|&r| children.iter().position(|&c| registry.is_within(r, c))).collect();

        let mut s = HotlineSummary::empty(region, day, t);
        let mut by_hour = [0u32; 24];
        let mut by_day = vec![0u32; 30];
        let mut topics = vec![0u32; index.categories.len()];
        // Backlog by difference: +1 in the hour received, −1 in the hour closed.
        let hours = 24 * 7;
        let mut diff = vec![0i64; hours + 1];
        let mut backlog_base = 0i64;
        let mut overdue = Vec::new();
        let mut due_soon = Vec::new();
        let mut districts: Vec<DistrictLoad> =
            children.iter().map(|&c| DistrictLoad { region: c, volume: 0, open: 0, overdue: 0 }).collect();
        let mut next = hour_end;
        let slot = |x: DateTime<Utc>| -> Option<usize> {
            let h = (x - backlog_start).num_hours();
            (x >= backlog_start && h >= 0).then_some((h as usize).min(hours))
        };
        for o in index.received_by(t) {
            let ri = usize::from(o.region);
            if !mask[ri] {
                continue;
            }
            let district = child_of[ri].and_then(|i| districts.get_mut(i));
            let open = o.is_open_at(t);
            let missed = o.missed_at(t);
            if let Some(dl) = district {
                dl.volume += u32::from(o.received >= start);
                dl.open += u32::from(open);
                dl.overdue += u32::from(missed.is_some());
            }
            if category.is_some_and(|c| c != o.category) {
                continue;
            }
            tally(&mut s, o, start, t);
            if o.received >= first_hour {
                let h = ((o.received - first_hour).num_hours() as usize).min(23);
                by_hour[h] += 1;
            }
            let d = local_date(o.received);
            if d >= first_day {
                let i = (d - first_day).num_days() as usize;
                if let Some(x) = by_day.get_mut(i) {
                    *x += 1;
                }
            }
            if o.received > week_ago
                && let Some(x) = topics.get_mut(usize::from(o.category))
            {
                *x += 1;
            }
            // Backlog: counted in the hours from receipt (or the window's start) to closing.
            let closed_by_t = o.closed.filter(|c| *c <= t);
            match slot(o.received) {
                Some(i) => diff[i] += 1,
                None if closed_by_t.is_none_or(|c| c >= backlog_start) => backlog_base += 1,
                None => {}
            }
            if let Some(i) = closed_by_t.and_then(slot) {
                diff[i] -= 1;
            }
            let item = |breach, deadline| DeadlineItem {
                order: o.order,
                region: index.regions[ri],
                category: o.category,
                breach,
                deadline,
            };
            if let Some((b, at)) = missed {
                overdue.push(item(b, at));
                // A first-action breach becomes a closing breach later.
                if b == Breach::FirstAction && o.due.close > t {
                    next = next.min(o.due.close);
                }
            } else if let Some((b, at)) = o.next_deadline(t) {
                next = next.min(at);
                if at - t <= soon {
                    due_soon.push(item(b, at));
                }
            }
        }
        finish(&mut s);
        // Longest overdue first (earliest deadline); ties by order (stable).
        overdue.sort_by_key(|i| (i.deadline, i.order));
        due_soon.sort_by_key(|i| (i.deadline, i.order));
        let mut level = backlog_base;
        let backlog = (0..hours)
            .map(|h| {
                level += diff[h];
                (backlog_start + Duration::hours(h as i64 + 1), level.max(0) as u32)
            })
            .collect();
        let mut ranked: Vec<(u16, u32)> =
            topics.iter().enumerate().filter(|(_, n)| **n > 0).map(|(i, n)| (i as u16, *n)).collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        districts.retain(|d| d.volume + d.open > 0);
        districts.sort_by(|a, b| (b.overdue, b.open, a.region).cmp(&(a.overdue, a.open, b.region)));
        HotlineView {
            summary: s,
            category_names: index.categories.clone(),
            by_hour,
            first_hour,
            by_day: by_day.into_iter().enumerate().map(|(i, n)| (first_day + Duration::days(i as i64), n)).collect(),
            topics: ranked,
            backlog,
            overdue,
            due_soon,
            districts,
            valid_until: next,
        }
    }
}

/// The published period figures to show for a region on a day: the region's own periods
/// (or its ancestors') that cover the day or ended within the week before it, newest first.
pub fn periods_for<'a>(
    periods: &'a [HotlinePeriod],
    registry: &RegionRegistry,
    region: Adcode,
    day: NaiveDate,
) -> Vec<&'a HotlinePeriod> {
    let mut v: Vec<&HotlinePeriod> = periods
        .iter()
        .filter(|p| registry.is_within(region, p.region) || registry.is_within(p.region, region))
        .filter(|p| p.from <= day && day <= p.to + Duration::days(7))
        .collect();
    v.sort_by_key(|p| std::cmp::Reverse(p.to));
    v
}

#[cfg(test)]
mod tests {
    use super::super::hotline::WorkOrderStatus;
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn order(id: &str, region: u32, received: &str, acted: Option<&str>, closed: Option<&str>) -> WorkOrder {
        WorkOrder {
            id: id.into(),
            category: "testing".into(),
            region: Adcode::new_unchecked(region),
            received_at: at(received),
            first_action_at: acted.map(at),
            due_at: None,
            status: if closed.is_some() { WorkOrderStatus::Closed } else { WorkOrderStatus::Open },
            closed_at: closed.map(at),
            summary: String::new(),
        }
    }

    #[test]
    fn overdue_follows_the_two_limits() {
        let idx = HotlineIndex::build(
            &[
                // Received Tuesday 10:00, no action: overdue for first action from 12:00.
                order("a", 230103, "2022-11-29T10:00:00+08:00", None, None),
                // Acted at 11:00; closing due Wednesday 10:00.
                order("b", 230102, "2022-11-29T10:00:00+08:00", Some("2022-11-29T11:00:00+08:00"), None),
                // Closed late (Wednesday 12:00).
                order("c", 230102, "2022-11-29T10:00:00+08:00", None, Some("2022-11-30T12:00:00+08:00")),
            ],
            SlaRules::default(),
        );
        let o = &idx.orders;
        let t = at("2022-11-29T12:30:00+08:00");
        assert_eq!(o[0].missed_at(t), Some((Breach::FirstAction, at("2022-11-29T12:00:00+08:00"))));
        assert_eq!(o[1].missed_at(t), None);
        assert_eq!(o[1].next_deadline(t), Some((Breach::Close, at("2022-11-30T10:00:00+08:00"))));
        // c was closed without a separate first action: its closing was its first action, so
        // it missed the 2 h limit too.
        assert_eq!(o[2].missed_at(t).map(|m| m.0), Some(Breach::FirstAction));
        let later = at("2022-11-30T11:00:00+08:00");
        assert_eq!(o[1].missed_at(later), Some((Breach::Close, at("2022-11-30T10:00:00+08:00"))));
        assert_eq!(o[2].closed_in_time(), Some(false));
        assert_eq!(o[2].missed_at(at("2022-11-30T12:00:00+08:00")), None, "closed: off the list");
        assert_eq!(idx.next_crossing(at("2022-11-29T10:30:00+08:00")), Some(at("2022-11-29T12:00:00+08:00")));
    }

    #[test]
    fn the_view_holds_until_the_next_deadline_crossing() {
        let reg = super::super::region::tests::small_registry();
        let orders = [order("a", 230103, "2022-11-29T09:50:00+08:00", None, None)];
        let idx = HotlineIndex::build(&orders, SlaRules::default());
        let harbin = Adcode::new_unchecked(230100);
        // At 11:05 nothing is overdue; the first action is due at 11:50 (before the hour turns).
        let v = HotlineView::compute(&idx, &reg, harbin, None, at("2022-11-29T11:05:00+08:00"));
        assert!(v.overdue.is_empty());
        assert_eq!(v.due_soon.len(), 1);
        assert_eq!(v.valid_until, at("2022-11-29T11:50:00+08:00"));
        // Just after it the order is overdue, and the view holds until its closing deadline
        // or the hour, whichever is first.
        let v = HotlineView::compute(&idx, &reg, harbin, None, at("2022-11-29T11:50:01+08:00"));
        assert_eq!(v.overdue.len(), 1);
        assert_eq!(v.valid_until, at("2022-11-29T12:00:00+08:00"));
    }

    #[test]
    fn summary_and_view_agree() {
        let mut orders = vec![
            order("a", 230103, "2022-11-29T10:00:00+08:00", None, None),
            order(
                "b",
                230110,
                "2022-11-29T09:00:00+08:00",
                Some("2022-11-29T09:30:00+08:00"),
                Some("2022-11-29T15:00:00+08:00"),
            ),
            order("c", 230110, "2022-11-28T09:00:00+08:00", Some("2022-11-28T09:30:00+08:00"), None),
            order("d", 231202, "2022-11-29T09:00:00+08:00", None, None),
        ];
        orders.sort_by_key(|o| o.received_at);
        let idx = HotlineIndex::build(&orders, SlaRules::default());
        let reg = super::super::region::tests::small_registry();
        let harbin = Adcode::new_unchecked(230100);
        let t = at("2022-11-29T16:00:00+08:00");
        let s = HotlineSummary::compute(&idx, &reg, harbin, t);
        assert_eq!((s.volume, s.open, s.overdue, s.closed, s.closed_in_time), (2, 2, 2, 1, 1));
        assert_eq!(s.in_time_share, Some(1.0));
        let v = HotlineView::compute(&idx, &reg, harbin, None, t);
        assert_eq!(v.summary, s);
        // c (closing due 11-29 09:00) has been overdue longer than a (first action due 12:00).
        let ids: Vec<&str> = v.overdue.iter().map(|i| orders[i.order as usize].id.as_str()).collect();
        assert_eq!(ids, ["c", "a"]);
        assert_eq!(
            v.districts.iter().map(|d| (d.region.to_string(), d.overdue)).collect::<Vec<_>>(),
            [("230103".to_string(), 1), ("230110".to_string(), 1)]
        );
        assert_eq!(v.by_hour.iter().sum::<u32>(), 2);
        assert_eq!(v.backlog.last().map(|b| b.1), Some(2));
    }
}
