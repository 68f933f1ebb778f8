//! The overview of a region and day as text (aligned for a terminal, Chinese or English) and
//! as JSON: what `sitboard report` prints, with every figure's provenance.

use serde_json::{Value, json};

use crate::i18n::{Lang, fmt_count, fmt_delta};
use crate::model::Situation;
use crate::model::overview::{FigureSource, Overview};
use crate::model::time::{format_as_of, format_local};

fn source_kind(s: FigureSource) -> &'static str {
    match s {
        FigureSource::Reported => "reported",
        FigureSource::Reconstructed => "reconstructed",
        FigureSource::Aggregated { .. } => "aggregated",
        FigureSource::Derived => "derived",
        FigureSource::Synthetic => "synthetic",
        FigureSource::Missing => "missing",
    }
}

pub fn overview_json(ov: &Overview, sit: &Situation) -> Value {
    let mut figures = serde_json::Map::new();
    for (f, fig) in &ov.figures {
        let mut o = json!({
            "value": fig.value,
            "source": source_kind(fig.source),
            "delta": fig.delta,
        });
        if let FigureSource::Aggregated { children, of } = fig.source {
            o["children_reporting"] = json!(children);
            o["children_total"] = json!(of);
        }
        if let Some(c) = fig.correction {
            o["correction"] = json!(c);
        }
        figures.insert(f.wire_name().to_owned(), o);
    }
    let channels: serde_json::Map<String, Value> =
        ov.channels.iter().map(|(c, n)| (c.wire_name().to_owned(), json!(n))).collect();
    json!({
        "region": ov.region.to_string(),
        "name_zh": ov.region_name_zh,
        "name_en": ov.region_name_en,
        "date": ov.date.to_string(),
        "as_of": ov.as_of.to_rfc3339(),
        "window": ov.window,
        "figures": figures,
        "channels": if channels.is_empty() { Value::Null } else { Value::Object(channels) },
        "local": ov.local,
        "indicators": ov.indicators,
        "checkpoints": ov.checkpoints.as_ref().map(|c| json!({
            "total": c.total, "open": c.open, "closed": c.closed, "restricted": c.restricted,
            "vehicles": c.day.vehicles, "people": c.day.people, "alarms": c.day.alarms(),
            "temperature_alarms": c.day.temperature_alarms, "red_codes": c.day.codes.red,
            "turned_back": c.day.turned_back, "tests": c.day.tests, "positives": c.day.positives,
            "checkpoints_with_alerts": c.alerts, "stale": c.stale,
        })),
        "response_level": ov.response.as_ref().map(|r| json!({
            "level": r.level.roman(),
            "since": r.since.to_rfc3339(),
            "region": r.region.to_string(),
            "last_known_at": r.last_known_at.map(|t| t.to_rfc3339()),
        })),
        "risk": ov.risk.as_ref().map(|r| json!({
            "level": r.level.map(|l| l.wire_name()),
            "since": r.since.map(|t| t.to_rfc3339()),
            "reported": r.reported,
            "computed": r.computed.map(|c| json!({"level": c.level.wire_name(), "reason": c.reason, "rule": "county-2020-02"})),
            "yan_jiu_tiao": r.yan_jiu_tiao,
            "counts": r.counts,
            "computed_counts": r.computed_counts,
            "shown_counts": r.shown_counts,
            "shown_computed": r.shown_computed,
            "reconstructed": r.reconstructed,
            "disagreements": r.disagreements,
            "yan_jiu_tiao_units": r.yan_jiu_tiao_units,
        })),
        "directives_in_force": ov.directives_in_force.iter().map(|d| json!({
            "number": d.number, "issuer": d.issuer, "title": d.title, "issued_at": d.issued_at.to_rfc3339(),
        })).collect::<Vec<_>>(),
        "source": ov.source,
        "reference": ov.reference,
        "sources": sit.data().sources.iter().map(|s| json!({"id": s.id, "name": s.name, "synthetic": s.synthetic})).collect::<Vec<_>>(),
    })
}

pub fn overview_text(ov: &Overview, sit: &Situation, lang: Lang) -> String {
    let t = lang.tr();
    let en = lang.is_en();
    let mut s = String::new();
    let name = if en { &ov.region_name_en } else { &ov.region_name_zh };
    s.push_str(&format!("{name} ({}) · {} · {} {}\n", ov.region, ov.date, t.board.as_of, format_as_of(ov.as_of)));
    if let Some(w) = &ov.window {
        s.push_str(&format!("{}: {w}\n", t.overview.window));
    }
    if sit.report(ov.region).is_none() {
        s.push_str(&format!("{}\n", t.overview.no_report));
    }
    s.push('\n');
    for (f, fig) in &ov.figures {
        let value = fig.value.map(|v| fmt_count(u64::from(v))).unwrap_or_else(|| "—".into());
        let mut line =
            format!("  {}{:>10}   {}", pad(t.case_field(*f), 28), value, t.overview.figure_source(fig.source));
        if let Some(n) = ov.local.and_then(|l| l.get(*f)) {
            line.push_str(&format!("   {} {}", t.overview.local, fmt_count(u64::from(n))));
        }
        if let Some(d) = fig.delta {
            line.push_str(&format!("   {} {}", t.overview.vs_previous_day, fmt_delta(d)));
        }
        if let Some(c) = fig.correction {
            line.push_str(&format!("   {} {}", t.overview.correction, fmt_delta(c)));
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    if !ov.channels.is_empty() {
        s.push_str(&format!("\n{}:\n", t.overview.channels));
        for (c, n) in &ov.channels {
            s.push_str(&format!("  {}{:>10}\n", pad(t.overview.channel(*c), 28), n));
        }
    }
    if let Some(ind) = &ov.indicators {
        s.push_str(&format!("\n{}:\n", t.overview.indicators));
        for (label, value) in t.overview.indicator_lines(ind) {
            s.push_str(&format!("  {}{value}\n", pad(label, 32)));
        }
    }
    s.push('\n');
    match &ov.response {
        Some(r) => {
            let from = if r.region != ov.region {
                format!(" ({} {})", t.overview.inherited_from, sit.data().registry.name(r.region, en))
            } else {
                String::new()
            };
            let stale = r
                .last_known_at
                .map(|k| format!(" ({} {})", t.overview.last_known, format_as_of(k)))
                .unwrap_or_default();
            s.push_str(&format!(
                "{}: {} · {} {}{from}{stale}\n",
                t.overview.response_level,
                t.overview.response(r.level),
                t.overview.since,
                format_local(r.since)
            ));
        }
        None => s.push_str(&format!("{}: {}\n", t.overview.response_level, t.overview.response_none)),
    }
    if let Some(r) = &ov.risk {
        let counts = |c: &crate::model::overview::RiskCounts| {
            format!(
                "{} {} · {} {} · {} {} · {} {}",
                t.risk.risk_level(crate::model::RiskLevel::High),
                c.high,
                t.risk.risk_level(crate::model::RiskLevel::Medium),
                c.medium,
                t.risk.risk_level(crate::model::RiskLevel::Low),
                c.low,
                t.risk.risk_unknown,
                c.unknown
            )
        };
        let is_county = ov.level == Some(crate::model::RegionLevel::County);
        if is_county {
            match r.level {
                Some(l) => {
                    let since = r.since.map(format_local).unwrap_or_default();
                    s.push_str(&format!(
                        "{}: {} · {} {since}\n",
                        t.risk.risk_of_region,
                        t.risk.risk_level(l),
                        t.overview.since
                    ));
                }
                None => s.push_str(&format!("{}: {}\n", t.risk.risk_of_region, t.risk.risk_unknown)),
            }
            match r.computed {
                Some(c) => s.push_str(&format!(
                    "{}: {} ({})\n",
                    t.risk.risk_computed,
                    t.risk.risk_level(c.level),
                    t.risk.rule_reason(c.reason)
                )),
                None => s.push_str(&format!("{}: {}\n", t.risk.risk_computed, t.risk.rule_not_applicable)),
            }
            if r.yan_jiu_tiao {
                s.push_str(&format!("{} ({})\n", t.risk.yan_jiu_tiao, t.risk.yan_jiu_tiao_note));
            }
        } else {
            s.push_str(&format!(
                "{} ({} {}, {}): {}\n",
                t.risk.risk_levels,
                r.counts.total,
                t.risk.county_units,
                if r.reconstructed == 0 { t.risk.risk_published } else { t.risk.risk_given },
                counts(&r.counts)
            ));
            if r.reconstructed > 0 {
                s.push_str(&format!("  {} {}\n", r.reconstructed, t.risk.risk_reconstructed));
            }
            s.push_str(&format!("{}: {}\n", t.risk.risk_computed, counts(&r.computed_counts)));
            if r.disagreements > 0 {
                s.push_str(&format!("  {} {}\n", r.disagreements, t.risk.risk_disagree));
            }
            if r.yan_jiu_tiao_units > 0 {
                s.push_str(&format!("  {} {}\n", r.yan_jiu_tiao_units, t.risk.yan_jiu_tiao_units));
            }
        }
    }
    if let Some(c) = &ov.checkpoints {
        s.push_str(&format!(
            "{} ({} {}): {} {} · {} {} · {} {}\n",
            t.checkpoints.cp_title,
            c.total,
            t.checkpoints.cp_count,
            t.checkpoints.cp_open,
            c.open,
            t.checkpoints.cp_closed,
            c.closed,
            t.checkpoints.cp_restricted,
            c.restricted
        ));
        s.push_str(&format!(
            "  {}: {} {} · {} {} · {} {} · {} {}\n",
            t.checkpoints.cp_day_totals,
            t.checkpoints.cp_vehicles,
            fmt_count(c.day.vehicles),
            t.checkpoints.cp_people,
            fmt_count(c.day.people),
            t.checkpoints.cp_alarms,
            fmt_count(c.day.alarms()),
            t.checkpoints.cp_positives,
            fmt_count(c.day.positives)
        ));
    }
    if !ov.directives_in_force.is_empty() {
        s.push_str(&format!("{}:\n", t.overview.directives_in_force));
        for d in &ov.directives_in_force {
            s.push_str(&format!("  {} {} ({} {})\n", d.number, d.title, t.journal.issued, format_local(d.issued_at)));
        }
    }
    if let Some(src) = &ov.source {
        s.push_str(&format!("{}: {src}", t.board.source));
        if let Some(r) = &ov.reference {
            s.push_str(&format!(" · {r}"));
        }
        s.push('\n');
    }
    s
}

/// Pad text to a terminal width, counting CJK characters as two columns.
pub(crate) fn pad(text: &str, width: usize) -> String {
    let w: usize = text
        .chars()
        .map(|c| if matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6) { 2 } else { 1 })
        .sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}
