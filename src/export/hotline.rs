//! The 12345 hotline figures of `sitboard report` (text and JSON): the region's work orders
//! at the situation's instant (received on the day, open, overdue, closed in time; from
//! [`crate::model::HotlineSummary`], as on the board) and the period figures published for
//! the day, with their source.

use serde_json::{Value, json};

use super::overview::pad;
use crate::i18n::{Lang, fmt_count};
use crate::model::hotline_stats::HotlineSummary;
use crate::model::{Adcode, HotlinePeriod, Situation};

/// Whether any shown work order comes from a synthetic source.
fn synthetic(sit: &Situation) -> bool {
    sit.data().sources.iter().any(|s| s.synthetic) && !sit.data().work_orders().is_empty()
}

/// The hotline section of the text report (empty when the data has no hotline at all).
pub fn hotline_text(sit: &Situation, region: Adcode, lang: Lang) -> String {
    let tr = lang.tr();
    let h = &tr.hotline;
    let periods = sit.hotline_periods(region);
    let has_orders = !sit.data().hotline_index().is_empty();
    if !has_orders && periods.is_empty() {
        return String::new();
    }
    let mut s = format!("\n{}:\n", h.report_heading);
    if has_orders {
        let sum = sit.hotline_summary(region);
        let note = if synthetic(sit) { format!("   ◇ {}", h.synthetic_note) } else { String::new() };
        let row = |label: &str, value: u32| format!("  {}{:>10}", pad(label, 28), fmt_count(u64::from(value)));
        s.push_str(&format!("{}{note}\n", row(h.volume_today, sum.volume)));
        s.push_str(&format!("{}\n", row(h.open, sum.open)));
        s.push_str(&format!("{}\n", row(h.overdue, sum.overdue)));
        let share = match sum.in_time_share {
            Some(x) => format!("{:.0}% ({}/{})", x * 100.0, sum.closed_in_time, sum.closed),
            None => h.no_closings.to_owned(),
        };
        s.push_str(&format!("  {}{:>10}\n", pad(h.in_time, 28), share));
    } else {
        s.push_str(&format!("  {}\n", h.report_none));
    }
    for p in periods {
        s.push_str(&format!("  {}\n", period_line(sit, p, lang)));
    }
    s
}

fn period_line(sit: &Situation, p: &HotlinePeriod, lang: Lang) -> String {
    let h = &lang.tr().hotline;
    let mut parts =
        vec![format!("{} {} … {} · {}", h.published, p.from, p.to, sit.data().registry.name(p.region, lang.is_en()))];
    if let Some(n) = p.requests {
        parts.push(format!("{} {}", fmt_count(u64::from(n)), h.requests));
    }
    if let Some(r) = p.connection_rate {
        parts.push(format!("{} {:.0}%", h.connection_rate, r * 100.0));
    }
    if let Some(r) = p.response_rate {
        parts.push(format!("{} {:.0}%", h.response_rate, r * 100.0));
    }
    if let Some(b) = p.baseline_ratio {
        parts.push(format!("{} ×{b:.1}", h.baseline));
    }
    let mut line = parts.join(" · ");
    if !p.reported.is_empty() {
        line.push_str(&format!(" [{}]", h.reported));
    }
    if let Some(r) = &p.reference {
        line.push_str(&format!(" — {r}"));
    }
    line
}

/// The hotline section of the JSON report (`null` when the data has no hotline).
pub fn hotline_json(sit: &Situation, region: Adcode) -> Value {
    let periods = sit.hotline_periods(region);
    let has_orders = !sit.data().hotline_index().is_empty();
    if !has_orders && periods.is_empty() {
        return Value::Null;
    }
    let summary: Option<HotlineSummary> = has_orders.then(|| sit.hotline_summary(region));
    let published: Vec<Value> = periods
        .iter()
        .map(|p| {
            json!({
                "region": p.region.to_string(),
                "from": p.from.to_string(),
                "to": p.to.to_string(),
                "requests": p.requests,
                "connection_rate": p.connection_rate,
                "response_rate": p.response_rate,
                "baseline_ratio": p.baseline_ratio,
                "topics": p.topics,
                "reported": p.reported,
                "ref": p.reference,
            })
        })
        .collect();
    json!({
        "work_orders": summary.map(|s| json!({
            "volume": s.volume,
            "open": s.open,
            "overdue": s.overdue,
            "closed": s.closed,
            "closed_in_time": s.closed_in_time,
            "in_time_share": s.in_time_share,
            "synthetic": synthetic(sit),
        })),
        "published": published,
    })
}
