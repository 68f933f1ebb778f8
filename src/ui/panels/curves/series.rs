//! The curves' data: a region's series from the situation (reported and reconstructed points
//! apart), directive markers, response-level spans and the compare metrics.

use super::*;

pub(super) fn region_series(sit: &Situation, code: Adcode, from: NaiveDate, en: bool) -> Option<RegionSeries> {
    let data = sit.data();
    let history: Vec<_> = sit.history(code).filter(|(d, _)| **d >= from).collect();
    if history.is_empty() {
        return None;
    }
    let daily = daily_new(history.iter().copied());
    let avg = moving_average_7(&daily);
    let mut new_bars = Vec::new();
    let mut corrections = Vec::new();
    let mut lines: Vec<(CaseField, Vec<PlotPoint>)> = LINE_FIELDS.iter().map(|f| (*f, Vec::new())).collect();
    let mut reported_active = Vec::new();
    let mut days = Vec::new();
    for (d, r) in &history {
        let x = day_x(**d);
        if let Some((n, p)) = r.value(CaseField::NewConfirmed) {
            new_bars.push((x, f64::from(n), matches!(p, Provenance::Reported)));
        } else if let Some((_, Some(n))) = daily.iter().find(|(dd, _)| dd == *d) {
            new_bars.push((x, f64::from(*n), false));
        }
        for c in &r.corrections {
            corrections.push((x, c.delta));
        }
        for (f, pts) in lines.iter_mut() {
            if let Some(n) = r.get(*f) {
                pts.push(PlotPoint::new(x, f64::from(n)));
            }
        }
        if let Some((n, Provenance::Reported)) = r.value(CaseField::Active) {
            reported_active.push(PlotPoint::new(x, f64::from(n)));
        }
        let mut values = Vec::new();
        for f in std::iter::once(CaseField::NewConfirmed).chain(LINE_FIELDS) {
            if let Some((n, p)) = r.value(f) {
                values.push((f, n, p));
            }
        }
        days.push((**d, values));
    }
    lines.retain(|(_, pts)| !pts.is_empty());
    let avg7 = avg.iter().filter_map(|(d, a)| a.map(|a| PlotPoint::new(day_x(*d), a))).collect();
    let region = data.registry.get(code)?;
    Some(RegionSeries {
        code,
        name: if en { region.name_en.clone() } else { region.name_zh.clone() },
        population: region.population,
        new_bars,
        avg7,
        corrections,
        lines,
        reported_active,
        days,
    })
}

/// Directives whose scope touches the region, issued within the period, as chart markers.
pub(super) fn annotations(
    sit: &Situation,
    region: Adcode,
    episode: (NaiveDate, NaiveDate),
    tr: &Tr,
) -> Vec<Annotation> {
    let data = sit.data();
    // Feed directives and those issued in the local journal.
    let mut out: Vec<Annotation> = sit
        .directives()
        .filter(|d| data.scope_touches(&d.content.scope, region) && d.issued_at <= sit.as_of())
        .filter(|d| {
            let day = d.issued_at.with_timezone(&china()).date_naive();
            episode.0 <= day && day <= episode.1
        })
        .map(|d| Annotation {
            x: instant_x(d.issued_at),
            label: d.content.number.clone(),
            short: format!("{} {}", d.content.number, d.issued_at.with_timezone(&china()).format("%m-%d %H:%M")),
            detail: format!(
                "{} {}\n{}\n{} {}",
                d.content.number,
                d.content.title,
                d.content.issuer,
                tr.journal.issued,
                format_local(d.issued_at)
            ),
        })
        .collect();
    out.sort_by(|a, b| a.x.total_cmp(&b.x));
    out
}

/// Response-level periods that apply to the region (its own or inherited), within the period.
pub(super) fn response_spans(
    data: &Dataset,
    sit: &Situation,
    region: Adcode,
    episode: (NaiveDate, NaiveDate),
) -> Vec<ResponseSpan> {
    let start = day_x(episode.0) - 0.5;
    let end = day_x(episode.1) + 0.5;
    let path = data.registry.path(region);
    let Some(holder) = path.iter().rev().find(|c| !data.response_history(**c).is_empty()) else { return Vec::new() };
    let hist = data.response_history(*holder);
    let limit = sit.as_of();
    let end = end.min(instant_x(limit));
    let mut out = Vec::new();
    for (i, c) in hist.iter().enumerate() {
        if c.since > limit {
            break;
        }
        let from = instant_x(c.since).max(start);
        let next = hist.get(i + 1).map(|n| instant_x(n.since));
        let known = c.known_until.map(instant_x).unwrap_or(end);
        let to = next.unwrap_or(end).min(known).min(end);
        if to > from && c.level != ResponseLevel::None {
            out.push(ResponseSpan { from, to, level: c.level });
        }
    }
    out
}

pub(super) fn response_colour(level: ResponseLevel) -> Color32 {
    match level {
        ResponseLevel::I => theme::ALERT,
        ResponseLevel::II => theme::RISK_MEDIUM,
        ResponseLevel::III => Color32::from_rgb(0xf2, 0xd0, 0x3b),
        ResponseLevel::IV => theme::ACCENT,
        ResponseLevel::None => theme::TEXT_DIM,
    }
}

pub(super) fn metric_series(r: &RegionSeries, metric: CompareMetric, per_100k: bool, log: bool) -> Vec<PlotPoint> {
    let pts: Vec<PlotPoint> = match metric {
        CompareMetric::Avg7New => r.avg7.clone(),
        CompareMetric::Active => {
            r.lines.iter().find(|(f, _)| *f == CaseField::Active).map(|(_, p)| p.clone()).unwrap_or_default()
        }
        CompareMetric::Cumulative => r
            .lines
            .iter()
            .find(|(f, _)| *f == CaseField::CumulativeConfirmed)
            .map(|(_, p)| p.clone())
            .unwrap_or_default(),
    };
    let scale = match (per_100k, r.population) {
        (true, Some(pop)) if pop > 0 => 100_000.0 / pop as f64,
        _ => 1.0,
    };
    pts.into_iter().map(|p| PlotPoint::new(p.x, y_of(p.y * scale, log))).collect()
}
