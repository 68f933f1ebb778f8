//! The daily briefing (每日疫情简报, issue 14): one A4 document for a region and day in the
//! style of the provincial health commission's daily bulletin — a headline paragraph in
//! words generated from the figures (新增确诊X例…现有确诊…累计…), a table by subregion, the
//! response level and its changes, risk-level changes, directives of the last 24 hours and
//! those in force, checkpoints, the hotline, the case curve as a figure, and where every
//! figure came from. [`compose`] builds it from a `Situation` (the same numbers as the board
//! and `report`); [`to_html`] and [`pdf::render`] write it, the PDF with the bundled font
//! subset and embedded.

pub mod pdf;

use chrono::{Datelike, Duration, NaiveDate};

use super::escape_html;
use super::tables::{figure_word, provenance_word, source_names};
use crate::i18n::{Lang, fmt_count};
use crate::model::overview::Overview;
use crate::model::risk_rules::computed_level;
use crate::model::time::{format_as_of, format_local};
use crate::model::{Adcode, CaseField, RegionLevel, RiskLevel, Situation};

/// A titled part of the briefing: lines of text.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub title: String,
    pub lines: Vec<String>,
}

/// A table: column names and rows of cells.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BriefTable {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The case curve of the figure: per day, new confirmed and active cases.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Curve {
    pub title: String,
    pub new_label: String,
    pub active_label: String,
    pub days: Vec<(NaiveDate, Option<u32>, Option<u32>)>,
}

/// The daily briefing, composed and ready to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Briefing {
    pub lang: Lang,
    pub region: Adcode,
    pub date: NaiveDate,
    pub title: String,
    pub subtitle: String,
    /// The headline paragraph, generated from the figures.
    pub headline: String,
    pub by_region: Option<BriefTable>,
    pub curve: Curve,
    pub sections: Vec<Section>,
    pub provenance: Section,
    pub footer: String,
}

/// A date as a bulletin writes it: `2020年3月3日` / `3 March 2020`.
fn long_date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => format!("{} {} {}", d.day(), d.format("%B"), d.year()),
    }
}

/// The briefing of `region` for the situation's day; an error when the region is unknown.
pub fn compose(sit: &Situation, region: Adcode, lang: Lang) -> Result<Briefing, String> {
    let data = sit.data();
    let reg = &data.registry;
    if reg.get(region).is_none() {
        return Err(format!("{region} is not a known region"));
    }
    let t = lang.tr();
    let te = &t.export;
    let en = lang.is_en();
    let name = reg.name(region, en);
    let date = sit.date();
    let ov = Overview::compute(sit, region);
    let title = match lang {
        Lang::Zh => format!("{name}{}", te.briefing_title),
        Lang::En => format!("{name}: {}", te.briefing_title),
    };
    let subtitle = format!("{} · {} {}", long_date(date, lang), t.wall.data_as_of, format_as_of(ov.as_of));
    let headline = headline(&ov, &name, lang);
    let by_region = by_region(sit, region, lang);
    let curve = curve(sit, region, lang);
    let mut sections = vec![
        response_section(sit, region, &ov, lang),
        risk_section(sit, region, lang),
        directives_section(sit, region, lang, true),
        directives_section(sit, region, lang, false),
    ];
    if let Some(s) = checkpoints_section(&ov, lang) {
        sections.push(s);
    }
    sections.push(hotline_section(sit, region, lang));
    let provenance = provenance_section(sit, region, &ov, lang);
    Ok(Briefing {
        lang,
        region,
        date,
        title,
        subtitle,
        headline,
        by_region,
        curve,
        sections,
        provenance,
        footer: te.briefing_generated.to_owned(),
    })
}

/// The headline paragraph in words, as the bulletin writes it: what happened in the day,
/// then where things stand at its end. Figures the report lacks are left out, not guessed.
pub fn headline(ov: &Overview, name: &str, lang: Lang) -> String {
    let v = |f: CaseField| ov.figure(f).value;
    let date = ov.date;
    let window = ov.window.clone();
    match lang {
        Lang::Zh => {
            let mut day: Vec<String> = Vec::new();
            match v(CaseField::NewConfirmed) {
                Some(0) => day.push("无新增确诊病例".into()),
                Some(n) => day.push(format!("新增确诊病例{n}例")),
                None => {}
            }
            if let Some(n) = v(CaseField::NewAsymptomatic) {
                day.push(if n == 0 {
                    "无新增无症状感染者".into()
                } else {
                    format!("新增无症状感染者{n}例")
                });
            }
            if let Some(n) = v(CaseField::NewSuspected) {
                day.push(if n == 0 { "无新增疑似病例".into() } else { format!("新增疑似病例{n}例") });
            }
            if let Some(n) = v(CaseField::NewCured).filter(|n| *n > 0) {
                day.push(format!("新增治愈出院病例{n}例"));
            }
            if let Some(n) = v(CaseField::NewDeaths).filter(|n| *n > 0) {
                day.push(format!("新增死亡病例{n}例"));
            }
            let mut s = String::new();
            if !day.is_empty() {
                let span = window.clone().unwrap_or_else(|| "0—24时".to_owned());
                s.push_str(&format!("{}月{}日{span}，{name}{}。", date.month(), date.day(), day.join("，")));
            }
            let mut end: Vec<String> = Vec::new();
            if let Some(n) = v(CaseField::CumulativeConfirmed) {
                end.push(format!("累计报告确诊病例{n}例"));
            }
            if let Some(n) = v(CaseField::Cured) {
                end.push(format!("累计治愈出院{n}例"));
            }
            if let Some(n) = v(CaseField::Deaths) {
                end.push(format!("累计死亡{n}例"));
            }
            if let Some(n) = v(CaseField::Active) {
                match v(CaseField::Severe) {
                    Some(sv) => end.push(format!("现有确诊病例{n}例（其中重症{sv}例）")),
                    None => end.push(format!("现有确诊病例{n}例")),
                }
            }
            if let Some(n) = v(CaseField::ActiveAsymptomatic) {
                end.push(format!("现有无症状感染者{n}例"));
            }
            if let Some(n) = v(CaseField::Suspected) {
                end.push(format!("现有疑似病例{n}例"));
            }
            if let Some(n) = v(CaseField::UnderObservation) {
                end.push(format!("尚在医学观察的密切接触者{n}人"));
            }
            if !end.is_empty() {
                let until = window.as_deref().and_then(|w| w.split('–').nth(1)).unwrap_or("24时");
                s.push_str(&format!("截至{}月{}日{until}，{name}{}。", date.month(), date.day(), end.join("，")));
            }
            if s.is_empty() { lang.tr().export.no_report.to_owned() } else { s }
        }
        Lang::En => {
            let cases = |n: u32, one: &str, many: &str| {
                if n == 1 { format!("1 {one}") } else { format!("{} {many}", fmt_count(u64::from(n))) }
            };
            let mut day: Vec<String> = Vec::new();
            match v(CaseField::NewConfirmed) {
                Some(0) => day.push("no new confirmed cases".into()),
                Some(n) => day.push(cases(n, "new confirmed case", "new confirmed cases")),
                None => {}
            }
            if let Some(n) = v(CaseField::NewAsymptomatic) {
                day.push(if n == 0 {
                    "no new asymptomatic infections".into()
                } else {
                    cases(n, "new asymptomatic infection", "new asymptomatic infections")
                });
            }
            if let Some(n) = v(CaseField::NewSuspected) {
                day.push(if n == 0 {
                    "no new suspected cases".into()
                } else {
                    cases(n, "new suspected case", "new suspected cases")
                });
            }
            if let Some(n) = v(CaseField::NewCured).filter(|n| *n > 0) {
                day.push(cases(n, "patient cured and discharged", "patients cured and discharged"));
            }
            if let Some(n) = v(CaseField::NewDeaths).filter(|n| *n > 0) {
                day.push(cases(n, "new death", "new deaths"));
            }
            let list = |items: &[String]| match items {
                [] => String::new(),
                [one] => one.clone(),
                [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            };
            let when = date.format("%-d %B %Y");
            let mut s = String::new();
            if !day.is_empty() {
                let span = window.clone().unwrap_or_else(|| "0–24 h".to_owned());
                s.push_str(&format!("On {when} ({span}), {name} reported {}. ", list(&day)));
            }
            let mut end: Vec<String> = Vec::new();
            if let Some(n) = v(CaseField::CumulativeConfirmed) {
                end.push(format!("{} confirmed cases in total", fmt_count(u64::from(n))));
            }
            if let Some(n) = v(CaseField::Cured) {
                end.push(format!("{} cured and discharged", fmt_count(u64::from(n))));
            }
            if let Some(n) = v(CaseField::Deaths) {
                end.push(cases(n, "death", "deaths"));
            }
            if let Some(n) = v(CaseField::Active) {
                match v(CaseField::Severe) {
                    Some(sv) => end.push(format!("{} active cases ({sv} severe)", fmt_count(u64::from(n)))),
                    None => end.push(format!("{} active cases", fmt_count(u64::from(n)))),
                }
            }
            if let Some(n) = v(CaseField::ActiveAsymptomatic) {
                end.push(format!("{} asymptomatic infections under observation", fmt_count(u64::from(n))));
            }
            if let Some(n) = v(CaseField::Suspected) {
                end.push(cases(n, "suspected case", "suspected cases"));
            }
            if let Some(n) = v(CaseField::UnderObservation) {
                end.push(format!("{} close contacts under medical observation", fmt_count(u64::from(n))));
            }
            if !end.is_empty() {
                s.push_str(&format!(
                    "As of {} on {}, {name} had {}.",
                    window.as_deref().and_then(|w| w.split('–').nth(1)).unwrap_or("24:00"),
                    date.format("%-d %B"),
                    list(&end)
                ));
            }
            if s.is_empty() { lang.tr().export.no_report.to_owned() } else { s.trim_end().to_owned() }
        }
    }
}

const TABLE_FIELDS: [CaseField; 5] =
    [CaseField::NewConfirmed, CaseField::CumulativeConfirmed, CaseField::Active, CaseField::Cured, CaseField::Deaths];

fn by_region(sit: &Situation, region: Adcode, lang: Lang) -> Option<BriefTable> {
    let te = &lang.tr().export;
    let reg = &sit.data().registry;
    let children = reg.children(region);
    if children.is_empty() {
        return None;
    }
    let mut rows = Vec::new();
    for code in children {
        let Some(r) = sit.report(*code) else { continue };
        let mut row = vec![reg.name(*code, lang.is_en())];
        let mut words: Vec<&str> = Vec::new();
        for f in TABLE_FIELDS {
            match r.value(f) {
                Some((n, p)) => {
                    row.push(fmt_count(u64::from(n)));
                    let w = te.provenance(provenance_word(p));
                    if !words.contains(&w) {
                        words.push(w);
                    }
                }
                None => row.push("—".into()),
            }
        }
        row.push(words.join(lang.pick("、", ", ")));
        rows.push(row);
    }
    if rows.is_empty() {
        return None;
    }
    Some(BriefTable {
        title: te.briefing_by_city.to_owned(),
        columns: [
            lang.tr().overview.col_region,
            te.col_new,
            te.col_cumulative,
            te.col_active,
            te.col_cured,
            te.col_deaths,
            te.col_provenance,
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect(),
        rows,
    })
}

fn curve(sit: &Situation, region: Adcode, lang: Lang) -> Curve {
    let te = &lang.tr().export;
    let start = sit.period_start().unwrap_or(sit.date());
    let days = sit
        .daily_new(region)
        .into_iter()
        .filter(|(d, _)| *d >= start)
        .map(|(d, n)| (d, n, sit.report_on(region, d).and_then(|r| r.get(CaseField::Active))))
        .collect();
    Curve {
        title: te.briefing_curve.to_owned(),
        new_label: te.briefing_curve_new.to_owned(),
        active_label: te.briefing_curve_active.to_owned(),
        days,
    }
}

fn response_section(sit: &Situation, region: Adcode, ov: &Overview, lang: Lang) -> Section {
    let t = lang.tr();
    let te = &t.export;
    let mut lines = Vec::new();
    match &ov.response {
        Some(r) => {
            let whose = sit.data().registry.name(r.region, lang.is_en());
            lines.push(format!(
                "{whose}：{} · {} {}",
                t.overview.response(r.level),
                te.response_since,
                format_local(r.since)
            ));
        }
        None => lines.push(t.overview.response_none.to_owned()),
    }
    // Changes on this day (and the change announced for the coming hours, if published).
    let from = sit.as_of() - Duration::hours(24);
    for code in sit.data().registry.path(region) {
        let history = sit.data().response_history(code);
        for (i, c) in history.iter().enumerate() {
            if c.since > from && c.since <= sit.as_of() {
                let before = i.checked_sub(1).map(|j| t.overview.response(history[j].level)).unwrap_or("—");
                lines.push(format!(
                    "{}：{} → {}（{} {}）",
                    sit.data().registry.name(code, lang.is_en()),
                    before,
                    t.overview.response(c.level),
                    te.response_changed,
                    format_local(c.since)
                ));
            }
        }
    }
    if lang.is_en() {
        for l in &mut lines {
            *l = l.replace('：', ": ").replace('（', " (").replace('）', ")");
        }
    }
    Section { title: te.briefing_response.to_owned(), lines }
}

/// A county's level as the board shows it: published, else computed by the county rule.
fn shown_level(sit: &Situation, county: Adcode) -> Option<RiskLevel> {
    sit.risk(county).map(|a| a.level).or_else(|| computed_level(sit, county).map(|c| c.level))
}

fn risk_section(sit: &Situation, region: Adcode, lang: Lang) -> Section {
    let t = lang.tr();
    let te = &t.export;
    let reg = &sit.data().registry;
    let prev_day = sit.date().pred_opt().map(|d| sit.with_date(d));
    let counties = if reg.get(region).is_some_and(|r| r.level == RegionLevel::County) {
        vec![region]
    } else {
        reg.counties_under(region)
    };
    let mut lines = Vec::new();
    if let Some(prev) = prev_day {
        for c in counties {
            let (before, now) = (shown_level(&prev, c), shown_level(sit, c));
            if before != now
                && let Some(now) = now
            {
                let dir = match before {
                    Some(b) if b < now => te.level_up,
                    Some(_) => te.level_down,
                    None => "",
                };
                let before = before.map(|b| t.risk.risk_level(b)).unwrap_or(t.risk.risk_unknown);
                let line = match lang {
                    Lang::Zh => format!("{}：{before} → {}（{dir}）", reg.name(c, false), t.risk.risk_level(now)),
                    Lang::En => format!("{}: {before} → {} ({dir})", reg.name(c, true), t.risk.risk_level(now)),
                };
                lines.push(line.replace("（）", "").replace(" ()", ""));
            }
        }
    }
    if lines.is_empty() {
        lines.push(te.briefing_risk_none.to_owned());
    }
    Section { title: te.briefing_risk.to_owned(), lines }
}

fn directives_section(sit: &Situation, region: Adcode, lang: Lang, last_24h: bool) -> Section {
    let te = &lang.tr().export;
    let data = sit.data();
    let line = |d: &crate::model::Directive| match lang {
        Lang::Zh => format!(
            "{} 《{}》（{}，{}）",
            d.content.number,
            d.content.title,
            d.content.issuer,
            format_local(d.issued_at)
        ),
        Lang::En => {
            format!("{} “{}” ({}, {})", d.content.number, d.content.title, d.content.issuer, format_local(d.issued_at))
        }
    };
    let lines: Vec<String> = if last_24h {
        let from = sit.as_of() - Duration::hours(24);
        let mut v: Vec<&crate::model::Directive> = sit
            .directives()
            .filter(|d| {
                d.issued_at > from && d.issued_at <= sit.as_of() && data.scope_touches(&d.content.scope, region)
            })
            .collect();
        v.sort_by_key(|d| d.issued_at);
        v.into_iter().map(line).collect()
    } else {
        sit.directives_in_force(region).into_iter().map(line).collect()
    };
    Section {
        title: if last_24h { te.briefing_directives_new } else { te.briefing_directives_in_force }.to_owned(),
        lines: if lines.is_empty() { vec![te.briefing_none.to_owned()] } else { lines },
    }
}

fn checkpoints_section(ov: &Overview, lang: Lang) -> Option<Section> {
    let c = ov.checkpoints.as_ref()?;
    let te = &lang.tr().export;
    let line = match lang {
        Lang::Zh => format!(
            "共{}个卡口：开放{}个，关闭{}个，限制通行{}个。当日通行车辆{}辆次、人员{}人次，报警{}次，检出阳性{}人。",
            c.total,
            c.open,
            c.closed,
            c.restricted,
            fmt_count(c.day.vehicles),
            fmt_count(c.day.people),
            fmt_count(c.day.alarms()),
            fmt_count(c.day.positives)
        ),
        Lang::En => format!(
            "{} checkpoints: {} open, {} closed, {} restricted. On the day: {} vehicles and {} people passed, {} alarms, {} positives.",
            c.total,
            c.open,
            c.closed,
            c.restricted,
            fmt_count(c.day.vehicles),
            fmt_count(c.day.people),
            fmt_count(c.day.alarms()),
            fmt_count(c.day.positives)
        ),
    };
    Some(Section { title: te.briefing_checkpoints.to_owned(), lines: vec![line] })
}

/// The hotline periods of the region (or within it) published by the day in view. A hook
/// for the hotline panel (issue 13): what the model has, `HotlinePeriod`, in words.
fn hotline_section(sit: &Situation, region: Adcode, lang: Lang) -> Section {
    let te = &lang.tr().export;
    let data = sit.data();
    let reg = &data.registry;
    let pct = |x: f64| if x <= 1.0 { format!("{:.0}%", x * 100.0) } else { format!("{x:.0}%") };
    let lines: Vec<String> = data
        .hotline()
        .iter()
        .filter(|h| h.from <= sit.date() && (reg.is_within(h.region, region) || reg.is_within(region, h.region)))
        .map(|h| {
            let who = reg.name(h.region, lang.is_en());
            // One pass over the figures; each phrased in the briefing's language.
            let say = |zh: String, en: String| if lang.is_en() { en } else { zh };
            let mut parts = Vec::new();
            if let Some(n) = h.requests {
                let n = fmt_count(u64::from(n));
                parts.push(say(format!("受理诉求{n}件"), format!("{n} requests")));
            }
            if let Some(r) = h.connection_rate {
                parts.push(say(format!("接通率{}", pct(r)), format!("{} connected", pct(r))));
            }
            if let Some(r) = h.response_rate {
                parts.push(say(format!("响应率{}", pct(r)), format!("{} answered", pct(r))));
            }
            if let Some(r) = h.baseline_ratio {
                parts.push(say(format!("约为平时的{r:.1}倍"), format!("{r:.1}× the usual volume")));
            }
            say(
                format!("{who} {}至{}：{}。", h.from, h.to, parts.join("，")),
                format!("{who}, {} to {}: {}.", h.from, h.to, parts.join(", ")),
            )
        })
        .collect();
    Section {
        title: te.briefing_hotline.to_owned(),
        lines: if lines.is_empty() { vec![te.briefing_hotline_none.to_owned()] } else { lines },
    }
}

fn provenance_section(sit: &Situation, region: Adcode, ov: &Overview, lang: Lang) -> Section {
    let t = lang.tr();
    let te = &t.export;
    let mut lines = Vec::new();
    lines.push(format!("{} {}", t.wall.data_as_of, format_as_of(ov.as_of)));
    let figures: Vec<String> = ov
        .figures
        .iter()
        .filter(|(_, f)| f.value.is_some())
        .map(|(f, fig)| {
            format!(
                "{} {}（{}）",
                t.case_field(*f),
                fig.value.map(|n| fmt_count(u64::from(n))).unwrap_or_default(),
                te.provenance(figure_word(fig.source))
            )
        })
        .collect();
    if !figures.is_empty() {
        lines.push(figures.join(lang.pick("；", "; ")));
    }
    let mut ids: Vec<&str> = Vec::new();
    if let Some(r) = sit.report(region) {
        ids.push(&r.source);
    }
    let names = source_names(sit, ids);
    if !names.is_empty() {
        lines.push(format!("{}：{names}", t.board.source));
    }
    if let Some(r) = &ov.reference {
        lines.push(r.clone());
    }
    if lang.is_en() {
        for l in &mut lines {
            *l = l.replace('（', " (").replace('）', ")").replace('：', ": ");
        }
    }
    Section { title: te.briefing_provenance.to_owned(), lines }
}

/// The briefing as one HTML page that prints cleanly on A4 (print CSS, the figure as SVG).
pub fn to_html(b: &Briefing) -> String {
    let e = |s: &str| escape_html(s);
    let mut h = String::new();
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>\n\
         @page {{ size: A4; margin: 18mm 16mm; }}\n\
         body {{ font-family: 'Noto Sans SC','Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif; color:#111; max-width: 178mm; margin: 0 auto; line-height: 1.6; }}\n\
         h1 {{ text-align:center; color:#b00; font-size: 22pt; margin: 0 0 4pt; border-bottom: 2px solid #b00; padding-bottom: 6pt; }}\n\
         .sub {{ text-align:center; color:#444; margin-bottom: 12pt; }}\n\
         p.headline {{ text-indent: 2em; font-size: 12pt; }}\n\
         h2 {{ font-size: 13pt; margin: 14pt 0 4pt; border-left: 4px solid #b00; padding-left: 6pt; }}\n\
         table {{ border-collapse: collapse; width: 100%; font-size: 10pt; page-break-inside: avoid; }}\n\
         th, td {{ border: 1px solid #999; padding: 2pt 5pt; text-align: right; }}\n\
         th:first-child, td:first-child, td:last-child, th:last-child {{ text-align: left; }}\n\
         ul {{ margin: 0; padding-left: 1.4em; }}\n\
         footer {{ margin-top: 16pt; font-size: 9pt; color: #555; border-top: 1px solid #ccc; padding-top: 4pt; }}\n\
         @media print {{ h2 {{ page-break-after: avoid; }} svg {{ page-break-inside: avoid; }} }}\n\
         </style></head><body>\n",
        b.lang.pick("zh-CN", "en"),
        e(&b.title)
    ));
    h.push_str(&format!("<h1>{}</h1>\n<div class=\"sub\">{}</div>\n", e(&b.title), e(&b.subtitle)));
    h.push_str(&format!("<p class=\"headline\">{}</p>\n", e(&b.headline)));
    if let Some(t) = &b.by_region {
        h.push_str(&format!("<h2>{}</h2>\n<table><thead><tr>", e(&t.title)));
        for c in &t.columns {
            h.push_str(&format!("<th>{}</th>", e(c)));
        }
        h.push_str("</tr></thead><tbody>\n");
        for r in &t.rows {
            h.push_str("<tr>");
            for c in r {
                h.push_str(&format!("<td>{}</td>", e(c)));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str(&format!("<h2>{}</h2>\n{}\n", e(&b.curve.title), curve_svg(&b.curve)));
    for s in b.sections.iter().chain(std::iter::once(&b.provenance)) {
        h.push_str(&format!("<h2>{}</h2>\n<ul>\n", e(&s.title)));
        for l in &s.lines {
            h.push_str(&format!("<li>{}</li>\n", e(l)));
        }
        h.push_str("</ul>\n");
    }
    h.push_str(&format!("<footer>{}</footer>\n</body></html>\n", e(&b.footer)));
    h
}

/// The largest value of the curve (at least 1), for the figure's scale.
pub(crate) fn curve_max(c: &Curve) -> u32 {
    c.days.iter().map(|(_, n, a)| n.unwrap_or(0).max(a.unwrap_or(0))).max().unwrap_or(0).max(1)
}

fn curve_svg(c: &Curve) -> String {
    let (w, h, left, bottom) = (640.0_f32, 200.0_f32, 40.0_f32, 24.0_f32);
    let max = curve_max(c) as f32;
    let n = c.days.len().max(1) as f32;
    let step = (w - left - 8.0) / n;
    let y = |v: f32| (h - bottom) - v / max * (h - bottom - 10.0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"{}\">",
        escape_html(&c.title)
    );
    s.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{w}\" y2=\"{}\" stroke=\"#666\"/>",
        h - bottom,
        h - bottom
    ));
    s.push_str(&format!("<text x=\"{}\" y=\"16\" font-size=\"10\" text-anchor=\"end\">{}</text>", left - 4.0, max));
    for (i, (_, new, _)) in c.days.iter().enumerate() {
        if let Some(v) = new {
            let x = left + i as f32 * step;
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#d9534f\"/>",
                y(*v as f32),
                (step * 0.8).max(0.5),
                (h - bottom) - y(*v as f32)
            ));
        }
    }
    let pts: Vec<String> = c
        .days
        .iter()
        .enumerate()
        .filter_map(|(i, (_, _, a))| a.map(|a| format!("{:.1},{:.1}", left + (i as f32 + 0.4) * step, y(a as f32))))
        .collect();
    if !pts.is_empty() {
        s.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\"/>",
            pts.join(" ")
        ));
    }
    if let (Some(first), Some(last)) = (c.days.first(), c.days.last()) {
        s.push_str(&format!("<text x=\"{left}\" y=\"{}\" font-size=\"10\">{}</text>", h - 6.0, first.0));
        s.push_str(&format!(
            "<text x=\"{w}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\">{}</text>",
            h - 6.0,
            last.0
        ));
    }
    s.push_str(&format!(
        "<rect x=\"{}\" y=\"6\" width=\"10\" height=\"10\" fill=\"#d9534f\"/><text x=\"{}\" y=\"15\" font-size=\"10\">{}</text>\
         <rect x=\"{}\" y=\"10\" width=\"10\" height=\"2\" fill=\"#1f5fa8\"/><text x=\"{}\" y=\"15\" font-size=\"10\">{}</text>",
        left + 10.0,
        left + 24.0,
        escape_html(&c.new_label),
        left + 120.0,
        left + 134.0,
        escape_html(&c.active_label)
    ));
    s.push_str("</svg>");
    s
}
