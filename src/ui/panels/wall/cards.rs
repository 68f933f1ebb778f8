//! The wall's cards, each drawn into the rect the layout gives it and fitting its content
//! there: the key-figure tiles, response level, risk levels, the directives in force and the
//! subregions (both paged when they do not fit, with a `1/3` mark).

use std::sync::Arc;

use egui::text::LayoutJob;
use egui::{Align, Color32, FontFamily, FontId, Galley, Rect, RichText, Sense, Ui, WidgetInfo};

use super::{Frame, Page, in_rect, size};
use crate::i18n::{fmt_count, fmt_delta};
use crate::model::overview::{Figure, FigureSource, Overview};
use crate::model::time::format_local;
use crate::model::{Adcode, CaseField, RiskLevel};
use crate::ui::context::ViewerContext;
use crate::ui::{theme, widgets};

/// Inner margin of a card.
const MARGIN: egui::Vec2 = egui::vec2(14.0, 10.0);

fn font(s: f32) -> FontId {
    FontId::new(s, FontFamily::Proportional)
}

fn row_height(ui: &Ui, s: f32) -> f32 {
    ui.fonts_mut(|f| f.row_height(&font(s)))
}

/// Text laid out to `width`, at most `rows` lines, the last ellipsized when it does not fit.
fn galley(ui: &Ui, text: &str, s: f32, colour: Color32, width: f32, rows: usize) -> Arc<Galley> {
    let mut job = LayoutJob::simple(text.to_owned(), font(s), colour, width.max(10.0));
    job.wrap.max_rows = rows;
    job.wrap.break_anywhere = rows == 1;
    job.halign = Align::LEFT;
    ui.fonts_mut(|f| f.layout_job(job))
}

/// A label of at most `rows` lines in the width left, ellipsized beyond.
fn text(ui: &mut Ui, text: &str, s: f32, colour: Color32, rows: usize) -> egui::Response {
    let g = galley(ui, text, s, colour, ui.available_width(), rows);
    ui.add(egui::Label::new(g).selectable(false))
}

/// A card framed at exactly `rect`, its content clipped to its inside.
pub(super) fn card<R>(ui: &mut Ui, rect: Rect, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.painter().rect(rect, 6.0, theme::CARD, egui::Stroke::new(1.0, theme::CARD_BORDER), egui::StrokeKind::Inside);
    in_rect(ui, rect.shrink2(MARGIN), add)
}

fn figure_colour(field: CaseField, fig: &Figure) -> Color32 {
    match field {
        CaseField::NewConfirmed | CaseField::NewAsymptomatic if fig.value.unwrap_or(0) > 0 => theme::ALERT,
        CaseField::NewConfirmed | CaseField::NewAsymptomatic => theme::OK,
        CaseField::Active | CaseField::ActiveAsymptomatic | CaseField::ImportedActive => theme::WARN,
        CaseField::Cured | CaseField::NewCured => theme::OK,
        CaseField::Deaths => Color32::from_rgb(0xb8, 0xc2, 0xd3),
        _ => theme::TEXT,
    }
}

/// The key-figure tiles across the top of `body`; returns the bottom of the last row. As many
/// per row as fit with the widest figure at full size (never a smaller figure).
pub(super) fn tiles(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview, body: Rect, frame: &Frame) -> f32 {
    let tr = v.tr;
    let gap = 10.0;
    let n = ov.figures.len().max(1);
    let value_text = |fig: &Figure| fig.value.map(|x| fmt_count(u64::from(x))).unwrap_or_else(|| "—".into());
    let widest = ov
        .figures
        .iter()
        .map(|(_, f)| galley(ui, &value_text(f), size::KPI_NUMBER, theme::TEXT, f32::INFINITY, 1).size().x)
        .fold(0.0, f32::max);
    let need = widest + row_height(ui, size::BODY) + 2.0 * MARGIN.x + 12.0;
    let mut per_row = n;
    while per_row > 1 && (body.width() - gap * (per_row as f32 - 1.0)) / per_row as f32 <= need {
        per_row = per_row.div_ceil(2);
    }
    let w = (body.width() - gap * (per_row as f32 - 1.0)) / per_row as f32;
    let h = row_height(ui, size::KPI_LABEL)
        + row_height(ui, size::KPI_NUMBER)
        + row_height(ui, size::SMALL)
        + 2.0 * MARGIN.y
        + 8.0;
    let mut bottom = body.top();
    for (i, (field, fig)) in ov.figures.iter().enumerate() {
        let (row, col) = (i / per_row, i % per_row);
        let rect = Rect::from_min_size(
            egui::pos2(body.left() + col as f32 * (w + gap), body.top() + row as f32 * (h + gap)),
            egui::vec2(w, h),
        );
        bottom = rect.bottom();
        frame.area(rect);
        let label = tr.case_field(*field);
        let value = value_text(fig);
        card(ui, rect, |ui| {
            ui.spacing_mut().item_spacing.y = 2.0;
            text(ui, label, size::KPI_LABEL, theme::TEXT_DIM, 1);
            ui.horizontal(|ui| {
                let colour = if fig.value.is_some() { figure_colour(*field, fig) } else { theme::TEXT_DIM };
                ui.label(RichText::new(&value).size(size::KPI_NUMBER).strong().color(colour));
                let (mark, mark_colour) = widgets::provenance_mark(fig.source);
                if !mark.is_empty() {
                    ui.label(RichText::new(mark).size(size::BODY).color(mark_colour));
                }
            });
            let mut line = String::new();
            if let Some(d) = fig.delta {
                line = format!("{} {}", tr.overview.vs_previous_day, fmt_delta(d));
            }
            if let Some(c) = fig.correction {
                line.push_str(&format!("  {} {}", tr.overview.correction, fmt_delta(c)));
            }
            if fig.value.is_none() {
                line = tr.overview.figure_source(FigureSource::Missing);
            }
            let colour = if fig.correction.is_some() { theme::WARN } else { theme::TEXT_DIM };
            text(ui, if line.is_empty() { " " } else { &line }, size::SMALL, colour, 1);
        });
        let resp = ui.interact(rect, egui::Id::unique(("sitboard.wall_tile", i)), Sense::hover());
        let a11y = format!("{label}: {value}");
        resp.widget_info(|| WidgetInfo::labeled(egui::Role::Label, true, &a11y));
    }
    bottom
}

/// The height of the response and risk cards (their content at the wall's sizes).
pub(super) fn level_cards_height(ui: &Ui) -> f32 {
    let s = ui.spacing().item_spacing.y;
    row_height(ui, size::KPI_LABEL)
        + row_height(ui, size::KPI_NUMBER * 0.7)
        + 2.0 * row_height(ui, size::SMALL)
        + 3.0 * s
        + 2.0 * MARGIN.y
        + 4.0
}

pub(super) fn response(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview, rect: Rect) {
    let tr = v.tr;
    card(ui, rect, |ui| {
        text(ui, tr.overview.response_level, size::KPI_LABEL, theme::TEXT_DIM, 1);
        match &ov.response {
            Some(r) => {
                let colour = match r.level {
                    crate::model::ResponseLevel::I => theme::ALERT,
                    crate::model::ResponseLevel::II => theme::RISK_MEDIUM,
                    crate::model::ResponseLevel::III => Color32::from_rgb(0xf2, 0xd0, 0x3b),
                    crate::model::ResponseLevel::IV => theme::ACCENT,
                    crate::model::ResponseLevel::None => theme::TEXT_DIM,
                };
                text(ui, tr.overview.response(r.level), size::KPI_NUMBER * 0.7, colour, 1);
                text(ui, &format!("{} {}", tr.overview.since, format_local(r.since)), size::SMALL, theme::TEXT_DIM, 1);
                if let Some(k) = r.last_known_at {
                    let t = format!("{} {}", tr.overview.last_known, crate::model::time::format_as_of(k));
                    text(ui, &t, size::SMALL, theme::WARN, 1);
                } else if r.region != ov.region {
                    let t = format!("{} {}", tr.overview.inherited_from, v.name(r.region));
                    text(ui, &t, size::SMALL, theme::TEXT_DIM, 1);
                }
            }
            None => {
                text(ui, tr.overview.response_none, size::HEADING, theme::TEXT_DIM, 2);
            }
        }
    });
}

pub(super) fn risk(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview, rect: Rect) {
    let tr = v.tr;
    card(ui, rect, |ui| {
        let Some(risk) = &ov.risk else {
            text(ui, tr.risk.risk_levels, size::KPI_LABEL, theme::TEXT_DIM, 1);
            text(ui, tr.overview.unknown, size::HEADING, theme::TEXT_DIM, 1);
            return;
        };
        // The same levels as the map's risk colouring: published, else computed by the rule
        // (and how many are computed is said).
        let c = &risk.shown_counts;
        if let Some(level) = risk.level {
            text(ui, tr.risk.risk_of_region, size::KPI_LABEL, theme::TEXT_DIM, 1);
            text(ui, tr.risk.risk_level(level), size::KPI_NUMBER * 0.7, theme::risk_colour(Some(level)), 1);
            if let Some(since) = risk.since {
                text(ui, &format!("{} {}", tr.overview.since, format_local(since)), size::SMALL, theme::TEXT_DIM, 1);
            }
            return;
        }
        let head = format!("{} · {} {}", tr.risk.risk_levels, c.total, tr.risk.county_units);
        text(ui, &head, size::KPI_LABEL, theme::TEXT_DIM, 1);
        if no_levels(ov) {
            // Not a grey bar of "not rated": say that this period has no levels.
            text(ui, tr.wall.no_risk_levels, size::HEADING, theme::TEXT_DIM, 2);
            return;
        }
        widgets::stacked_bar(
            ui,
            &[
                (c.high, theme::RISK_HIGH),
                (c.medium, theme::RISK_MEDIUM),
                (c.low, theme::RISK_LOW),
                (c.unknown, theme::UNKNOWN),
            ],
            16.0,
        );
        ui.horizontal_wrapped(|ui| {
            let mut parts = vec![(RiskLevel::High, c.high), (RiskLevel::Medium, c.medium), (RiskLevel::Low, c.low)];
            parts.retain(|(l, n)| *n > 0 || *l != RiskLevel::High || c.unknown == 0);
            for (level, n) in parts {
                let label = RichText::new(format!("{} {}", tr.risk.risk_level(level), n)).size(size::BODY).strong();
                widgets::swatch(ui, theme::risk_colour(Some(level)), label);
            }
            if c.unknown > 0 {
                widgets::swatch(ui, theme::UNKNOWN, format!("{} {}", tr.risk.risk_unknown, c.unknown));
            }
        });
        if risk.shown_computed > 0 {
            let note = format!("{} {}", risk.shown_computed, tr.map.map_computed_fallback);
            text(ui, &note, size::SMALL, theme::WARN, 1).on_hover_text(tr.risk.risk_computed);
        }
        if risk.reconstructed > 0 {
            let note = format!("{} {}", risk.reconstructed, tr.risk.risk_reconstructed);
            text(ui, &note, size::SMALL, theme::WARN, 1);
        }
    });
}

/// A card's title line with the page mark at the right when the list is paged.
fn title_with_page(ui: &mut Ui, title: &str, page: Page) {
    ui.horizontal(|ui| {
        let mark = (page.count > 1).then(|| format!("{}/{}", page.index + 1, page.count));
        let mark_w = mark
            .as_ref()
            .map_or(0.0, |m| galley(ui, m, size::KPI_LABEL, theme::TEXT, f32::INFINITY, 1).size().x + 12.0);
        let w = ui.available_width() - mark_w;
        let g = galley(ui, title, size::KPI_LABEL, theme::TEXT_DIM, w, 1);
        ui.add(egui::Label::new(g).selectable(false));
        if let Some(m) = mark {
            ui.with_layout(egui::Layout::right_to_left(Align::Center), |ui| {
                ui.label(RichText::new(m).size(size::KPI_LABEL).strong().color(theme::ACCENT));
            });
        }
    });
}

/// The directives in force: number, category and date on one line, the title on at most two;
/// as many as fit, paged every few seconds when more are in force.
pub(super) fn directives(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview, rect: Rect, frame: &Frame) {
    let tr = v.tr;
    let s = ui.spacing().item_spacing.y;
    let head_h = row_height(ui, size::KPI_LABEL) + s;
    let inner = rect.shrink2(MARGIN);
    let inner_h = inner.height() - head_h;
    let all = &ov.directives_in_force;
    // Each directive's height as drawn (its title on one or two lines); pages are filled
    // greedily, at least one directive each.
    let heights: Vec<f32> = all
        .iter()
        .map(|d| {
            let title = galley(ui, &d.title, size::BODY, theme::TEXT, inner.width(), 2).size().y;
            4.0 + 1.0 + s + row_height(ui, size::BODY) + s + title + s
        })
        .collect();
    let mut pages: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    let mut used = 0.0;
    for (i, h) in heights.iter().enumerate() {
        if i > start && used + h > inner_h {
            pages.push(start..i);
            start = i;
            used = 0.0;
        }
        used += h;
    }
    pages.push(start..all.len());
    let page = Page::at(frame.clock, frame.page_secs, pages.len());
    if pages.len() > 1 {
        frame.paged.set(true);
    }
    let range = pages.get(page.index).cloned().unwrap_or(0..0);
    card(ui, rect, |ui| {
        title_with_page(ui, tr.overview.directives_in_force, page);
        if all.is_empty() {
            text(ui, tr.overview.no_directives, size::BODY, theme::TEXT_DIM, 2);
            return;
        }
        for d in &all[range] {
            let full = v.sit.directives().find(|x| x.content.number == d.number && x.content.issuer == d.issuer);
            ui.add_space(4.0);
            let (rect_line, _) = ui.allocate_exact_size(egui::vec2(ui.available_width(), 1.0), Sense::hover());
            ui.painter().rect_filled(rect_line, 0.0, theme::CARD_BORDER);
            let mut head = d.number.clone();
            if let Some(f) = full {
                head.push_str(&format!(" · {}", tr.journal.directive_category(f.content.category)));
                head.push_str(&format!(" · {} {}", tr.journal.issued, format_local(f.issued_at)));
            }
            if d.logged {
                head.push_str(&format!(" · {}", tr.journal.badge_local));
            }
            text(ui, &head, size::BODY, theme::ACCENT, 1);
            let title = text(ui, &d.title, size::BODY, theme::TEXT, 2);
            if let Some(f) = full {
                title.on_hover_text(format!("{}\n{}", f.content.issuer, f.content.body));
            }
        }
    });
}

/// The subregions by active cases (ultra-wide walls), paged like the directives.
pub(super) fn subregions(ui: &mut Ui, v: &ViewerContext<'_>, children: &[Adcode], rect: Rect, frame: &Frame) {
    let tr = v.tr;
    let s = ui.spacing().item_spacing.y;
    let mut rows: Vec<Adcode> = children.to_vec();
    let get = |c: Adcode, f: CaseField| v.sit.report(c).and_then(|r| r.get(f)).unwrap_or(0);
    rows.sort_by_key(|c| {
        (std::cmp::Reverse(get(*c, CaseField::Active)), std::cmp::Reverse(get(*c, CaseField::CumulativeConfirmed)), *c)
    });
    let row_h = row_height(ui, size::BODY) + s;
    let head_h = 2.0 * (row_height(ui, size::KPI_LABEL) + s);
    let per_page = (((rect.height() - 2.0 * MARGIN.y - head_h) / row_h).floor().max(1.0)) as usize;
    let pages = rows.len().div_ceil(per_page).max(1);
    let page = Page::at(frame.clock, frame.page_secs, pages);
    if pages > 1 {
        frame.paged.set(true);
    }
    card(ui, rect, |ui| {
        title_with_page(ui, tr.wall.subregions, page);
        let cols = [tr.overview.col_region, tr.overview.col_new, tr.overview.col_active, tr.overview.col_cumulative];
        let w = ui.available_width();
        let widths = [w * 0.4, w * 0.18, w * 0.2, w * 0.22];
        let row = |ui: &mut Ui, cells: [(String, Color32); 4]| {
            ui.horizontal(|ui| {
                ui.spacing_mut().item_spacing.x = 0.0;
                for ((t, c), cw) in cells.iter().zip(widths) {
                    ui.allocate_ui_with_layout(
                        egui::vec2(cw, row_h),
                        egui::Layout::left_to_right(Align::Center),
                        |ui| {
                            ui.set_width(cw);
                            let g = galley(ui, t, size::BODY, *c, cw - 8.0, 1);
                            ui.add(egui::Label::new(g).selectable(false));
                        },
                    );
                }
            });
        };
        row(ui, cols.map(|c| (c.to_owned(), theme::TEXT_DIM)));
        for code in rows.iter().skip(page.index * per_page).take(per_page) {
            let n = |f| {
                v.sit
                    .report(*code)
                    .and_then(|r| r.get(f))
                    .map(|x| fmt_count(u64::from(x)))
                    .unwrap_or_else(|| "—".into())
            };
            let new = n(CaseField::NewConfirmed);
            let colour = if get(*code, CaseField::NewConfirmed) > 0 { theme::ALERT } else { theme::TEXT };
            row(
                ui,
                [
                    (v.name(*code), theme::TEXT),
                    (new, colour),
                    (n(CaseField::Active), theme::WARN),
                    (n(CaseField::CumulativeConfirmed), theme::TEXT),
                ],
            );
        }
    });
}

/// No county under the region has a risk level, published or computed (e.g. Harbin in
/// November 2022: the rule of February 2020 does not apply and none were published).
pub(super) fn no_levels(ov: &Overview) -> bool {
    ov.risk.as_ref().is_some_and(|r| {
        r.level.is_none() && r.shown_counts.total > 0 && r.shown_counts.unknown == r.shown_counts.total
    })
}
