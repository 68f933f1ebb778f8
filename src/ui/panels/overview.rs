//! The overview of the selected region and day: KPI tiles (with provenance and change from
//! the previous day), emergency response level, county risk-level counts, discovery
//! channels, the ranking of subregions, and the directives in force. The figures come from
//! `Overview::compute`, the same code as `sitboard report`.

use egui::{Color32, Grid, RichText, ScrollArea, Ui};

use super::Panel;
use crate::export::tables::{TableKind, TableRequest};
use crate::i18n::fmt_count;
use crate::model::overview::{Figure, FigureSource, Overview};
use crate::model::time::format_local;
use crate::model::{Adcode, CaseField, RegionLevel, RiskLevel};
use crate::ui::command::{Commands, ExportAction, UiCommand};
use crate::ui::context::ViewerContext;
use crate::ui::{theme, widgets};

/// The overview of the last (data, region, day) shown: computing it walks every county's
/// history (for the computed risk levels), so it is done once per change, not per frame.
#[derive(Default)]
pub struct OverviewPanel {
    key: Option<(usize, Adcode, chrono::NaiveDate)>,
    overview: Option<Overview>,
}

impl OverviewPanel {
    pub fn get(&mut self, v: &ViewerContext<'_>) -> &Overview {
        let key = (std::sync::Arc::as_ptr(v.sit.dataset_arc()) as usize, v.region, v.sit.date());
        if self.key != Some(key) || self.overview.is_none() {
            self.key = Some(key);
            self.overview = Some(Overview::compute(v.sit, v.region));
        }
        self.overview.get_or_insert_with(|| Overview::compute(v.sit, v.region))
    }
}

impl Panel for OverviewPanel {
    fn ui(&mut self, ui: &mut Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
        let ov = self.get(v);
        show(ui, v, ov, commands);
    }
}

fn show(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview, commands: &mut Commands) {
    ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        // Every row below is laid out to this width, so nothing runs off the right edge.
        // (minus room for the scroll bar)
        let width = ui.available_width() - 14.0;
        let gap = ui.spacing().item_spacing.x;
        upper(ui, v, ov, width);
        ui.add_space(10.0);
        let children = v.sit.data().registry.children(v.region);
        if children.is_empty() {
            directives(ui, v, ov, width);
        } else {
            ui.horizontal_top(|ui| {
                subregion_table(ui, v, children, width * 0.6 - gap, commands);
                directives(ui, v, ov, width * 0.4);
            });
        }
    });
}

/// The upper part of the overview, `width` wide: the header, the key-figure tiles, and the
/// response, risk, indicator and channel cards (the tab's, and the wall's overview view,
/// which pages the subregions and directives below it).
pub(super) fn upper(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview, width: f32) {
    let gap = ui.spacing().item_spacing.x;
    header(ui, v, ov);
    ui.add_space(6.0);
    tiles(ui, v, ov, width);
    ui.add_space(10.0);
    ui.horizontal_top(|ui| {
        let with_channels = !ov.channels.is_empty();
        let shares: &[f32] = if with_channels { &[0.2, 0.3, 0.27, 0.23] } else { &[0.22, 0.4, 0.38] };
        let w = |i: usize| width * shares[i] - if i + 1 < shares.len() { gap } else { 0.0 };
        response_card(ui, v, ov, w(0));
        risk_card(ui, v, ov, w(1));
        indicators_card(ui, v, ov, w(2));
        if with_channels {
            channels_card(ui, v, ov, w(3));
        }
    });
}

fn header(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview) {
    let tr = v.tr;
    ui.horizontal(|ui| {
        let name = if v.lang.is_en() { &ov.region_name_en } else { &ov.region_name_zh };
        ui.label(RichText::new(name).size(theme::TITLE + 4.0).strong());
        if let Some(level) = ov.level {
            ui.label(RichText::new(tr.overview.region_level(level)).color(theme::TEXT_DIM));
        }
        ui.label(RichText::new(ov.region.to_string()).small().color(theme::TEXT_DIM));
        if let Some(w) = &ov.window {
            ui.label(RichText::new(format!("{} {w}", tr.overview.window)).color(theme::WARN));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            // Clear of the scroll bar, which floats over the right edge.
            ui.add_space(14.0);
            ui.label(RichText::new(tr.overview.provenance_legend).small().color(theme::TEXT_DIM));
        });
    });
    if v.sit.report(v.region).is_none() {
        ui.label(RichText::new(tr.overview.no_report).color(theme::WARN));
    }
}

fn figure_colour(field: CaseField, fig: &Figure) -> Color32 {
    match field {
        CaseField::NewConfirmed | CaseField::NewAsymptomatic if fig.value.unwrap_or(0) > 0 => theme::ALERT,
        CaseField::NewConfirmed | CaseField::NewAsymptomatic => theme::OK,
        CaseField::Active | CaseField::ActiveAsymptomatic | CaseField::ImportedActive => theme::WARN,
        CaseField::Severe | CaseField::Critical if fig.value.unwrap_or(0) > 0 => theme::ALERT,
        CaseField::Severe | CaseField::Critical => theme::TEXT,
        CaseField::Cured | CaseField::NewCured => theme::OK,
        CaseField::Deaths => Color32::from_rgb(0xb8, 0xc2, 0xd3),
        _ => theme::TEXT,
    }
}

pub(super) fn tiles(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview, total: f32) {
    let tr = v.tr;
    let gap = ui.spacing().item_spacing.x;
    // As many tiles per row as fit at ≥ 200 px, at most 8, each the same width.
    let per_row = ((total + gap) / (200.0 + gap)).floor().clamp(2.0, 8.0).min(ov.figures.len().max(1) as f32);
    let width = (total - gap * (per_row - 1.0)) / per_row - 0.5;
    let report = v.sit.report(v.region);
    // Explicit rows: a frame's size is only known after it is drawn, so wrapping is ours.
    for row in ov.figures.chunks(per_row as usize) {
        ui.horizontal(|ui| {
            for (field, fig) in row {
                let note = ov
                    .local
                    .and_then(|l| l.get(*field))
                    .map(|n| format!("{} {}", tr.overview.local, crate::i18n::fmt_count(u64::from(n))));
                let resp = widgets::kpi_tile(
                    ui,
                    tr,
                    tr.case_field(*field),
                    fig,
                    note.as_deref(),
                    figure_colour(*field, fig),
                    width,
                );
                let mut hover = tr.overview.figure_source(fig.source);
                if fig.source == FigureSource::Reported
                    && let Some(r) = report.and_then(|r| r.reference.as_deref())
                {
                    hover.push_str(&format!("\n{}: {r}", tr.overview.reported_from));
                }
                resp.on_hover_text(hover);
            }
        });
    }
}

pub(super) fn response_card(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview, width: f32) {
    let tr = v.tr;
    widgets::card(ui, width, |ui| {
        ui.label(RichText::new(tr.overview.response_level).size(theme::KPI_LABEL).color(theme::TEXT_DIM));
        match &ov.response {
            Some(r) => {
                let colour = match r.level {
                    crate::model::ResponseLevel::I => theme::ALERT,
                    crate::model::ResponseLevel::II => theme::RISK_MEDIUM,
                    crate::model::ResponseLevel::III => Color32::from_rgb(0xf2, 0xd0, 0x3b),
                    crate::model::ResponseLevel::IV => theme::ACCENT,
                    crate::model::ResponseLevel::None => theme::TEXT_DIM,
                };
                ui.label(
                    RichText::new(tr.overview.response(r.level)).size(theme::KPI_NUMBER * 0.8).strong().color(colour),
                );
                ui.label(
                    RichText::new(format!("{} {}", tr.overview.since, format_local(r.since)))
                        .small()
                        .color(theme::TEXT_DIM),
                );
                if let Some(k) = r.last_known_at {
                    ui.label(
                        RichText::new(format!("{} {}", tr.overview.last_known, crate::model::time::format_as_of(k)))
                            .small()
                            .color(theme::WARN),
                    );
                }
                if r.region != ov.region {
                    ui.label(
                        RichText::new(format!("{} {}", tr.overview.inherited_from, v.name(r.region)))
                            .small()
                            .color(theme::TEXT_DIM),
                    );
                }
            }
            None => {
                ui.label(RichText::new(tr.overview.response_none).size(theme::HEADING).color(theme::TEXT_DIM));
            }
        }
    });
}

pub(super) fn risk_card(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview, width: f32) {
    let tr = v.tr;
    let Some(risk) = &ov.risk else { return };
    widgets::card(ui, width, |ui| {
        // The same levels as the map's risk colouring: published, else computed by the rule
        // (and how many are computed is said).
        let c = &risk.shown_counts;
        if let Some(level) = risk.level {
            ui.label(RichText::new(tr.risk.risk_of_region).size(theme::KPI_LABEL).color(theme::TEXT_DIM));
            ui.label(
                RichText::new(tr.risk.risk_level(level))
                    .size(theme::KPI_NUMBER * 0.8)
                    .strong()
                    .color(theme::risk_colour(Some(level))),
            );
            if let Some(since) = risk.since {
                ui.label(
                    RichText::new(format!("{} {}", tr.overview.since, format_local(since)))
                        .small()
                        .color(theme::TEXT_DIM),
                );
            }
        } else {
            ui.label(
                RichText::new(format!("{} · {} {}", tr.risk.risk_levels, c.total, tr.risk.county_units))
                    .size(theme::KPI_LABEL)
                    .color(theme::TEXT_DIM),
            );
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
                for (level, n) in [(RiskLevel::High, c.high), (RiskLevel::Medium, c.medium), (RiskLevel::Low, c.low)] {
                    let text =
                        RichText::new(format!("{} {}", tr.risk.risk_level(level), n)).size(theme::HEADING).strong();
                    ui.add_space(6.0);
                    widgets::swatch(ui, theme::risk_colour(Some(level)), text);
                }
                if c.unknown > 0 {
                    widgets::swatch(ui, theme::UNKNOWN, format!("{} {}", tr.risk.risk_unknown, c.unknown));
                }
            });
            if risk.shown_computed > 0 {
                ui.label(
                    RichText::new(format!("{} {}", risk.shown_computed, tr.map.map_computed_fallback))
                        .small()
                        .color(theme::WARN),
                )
                .on_hover_text(tr.risk.risk_computed);
            }
            if risk.reconstructed > 0 {
                ui.label(
                    RichText::new(format!("{} {}", risk.reconstructed, tr.risk.risk_reconstructed))
                        .small()
                        .color(theme::WARN),
                );
            }
        }
    });
}

pub(super) fn indicators_card(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview, width: f32) {
    let tr = v.tr;
    widgets::card(ui, width, |ui| {
        ui.label(RichText::new(tr.overview.indicators).size(theme::KPI_LABEL).color(theme::TEXT_DIM));
        let Some(ind) = &ov.indicators else {
            ui.label(RichText::new(tr.overview.unknown).color(theme::TEXT_DIM));
            return;
        };
        let lines = tr.overview.indicator_lines(ind);
        let key_w = lines.iter().map(|(l, _)| widgets::text_width(ui, l, egui::TextStyle::Small)).fold(0.0, f32::max);
        let value_w = ui.available_width() - key_w - 12.0;
        Grid::new("indicators").num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
            for (label, value) in lines {
                ui.label(RichText::new(label).small().color(theme::TEXT_DIM));
                widgets::wrapped_cell(ui, RichText::new(value).strong(), value_w);
                ui.end_row();
            }
        });
    });
}

fn channels_card(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview, width: f32) {
    let tr = v.tr;
    widgets::card(ui, width, |ui| {
        ui.label(RichText::new(tr.overview.channels).size(theme::KPI_LABEL).color(theme::TEXT_DIM));
        let total: u32 = ov.channels.iter().map(|(_, n)| n).sum();
        // Name, count and bar share the card's width (long English names are cut with "…",
        // the full name on hover), so the card never runs past the window's edge.
        let inner = ui.available_width();
        let name_w = (inner * 0.5).max(60.0);
        let bar_w = (inner - name_w - 60.0 - 24.0).clamp(24.0, 120.0);
        Grid::new("channels").num_columns(3).spacing([12.0, 4.0]).show(ui, |ui| {
            for (c, n) in &ov.channels {
                let name = tr.overview.channel(*c);
                ui.scope(|ui| {
                    ui.set_max_width(name_w);
                    ui.add(egui::Label::new(name).truncate()).on_hover_text(name);
                });
                ui.label(RichText::new(fmt_count(u64::from(*n))).strong());
                let frac = if total > 0 { *n as f32 / total as f32 } else { 0.0 };
                let (rect, _) = ui.allocate_exact_size(egui::vec2(bar_w, 10.0), egui::Sense::hover());
                ui.painter().rect_filled(rect, 2.0, theme::BG);
                let mut fill = rect;
                fill.set_width(rect.width() * frac);
                ui.painter().rect_filled(fill, 2.0, theme::ACCENT);
                ui.end_row();
            }
        });
    });
}

fn cell(ui: &mut Ui, v: &ViewerContext<'_>, code: Adcode, field: CaseField) {
    let report = v.sit.report(code);
    match report.and_then(|r| r.value(field)) {
        Some((n, p)) => {
            let reported = matches!(p, crate::model::Provenance::Reported);
            let colour = if reported { theme::TEXT } else { theme::TEXT_DIM };
            ui.label(RichText::new(fmt_count(u64::from(n))).color(colour));
        }
        None => {
            ui.label(RichText::new("—").color(theme::TEXT_DIM));
        }
    }
}

fn subregion_table(ui: &mut Ui, v: &ViewerContext<'_>, children: &[Adcode], width: f32, commands: &mut Commands) {
    let tr = v.tr;
    widgets::card(ui, width, |ui| {
        ui.horizontal(|ui| {
            ui.label(RichText::new(tr.overview.subregions).size(theme::KPI_LABEL).color(theme::TEXT_DIM));
            if ui.small_button(tr.export.csv).on_hover_text(tr.export.csv_hint).clicked() {
                let req = TableRequest::new(TableKind::Subregions, v.region);
                commands.push(UiCommand::Export(ExportAction::Table(req)));
            }
        });
        let rows = crate::model::overview::rank_subregions(v.sit, children);
        let registry = &v.sit.data().registry;
        Grid::new("subregions").striped(true).num_columns(7).spacing([18.0, 6.0]).show(ui, |ui| {
            for h in [
                tr.overview.col_region,
                tr.overview.col_new,
                tr.overview.col_active,
                tr.overview.col_cumulative,
                tr.overview.col_cured,
                tr.overview.col_deaths,
                tr.overview.col_risk,
            ] {
                ui.label(RichText::new(h).small().color(theme::TEXT_DIM));
            }
            ui.end_row();
            for code in rows {
                if ui.selectable_label(false, v.name(code)).clicked() {
                    commands.push(UiCommand::SelectRegion(code));
                }
                for f in [
                    CaseField::NewConfirmed,
                    CaseField::Active,
                    CaseField::CumulativeConfirmed,
                    CaseField::Cured,
                    CaseField::Deaths,
                ] {
                    cell(ui, v, code, f);
                }
                let is_county = registry.get(code).is_some_and(|r| r.level == RegionLevel::County);
                if is_county {
                    let level = v.sit.risk(code).map(|a| a.level);
                    let text = level.map(|l| tr.risk.risk_level(l)).unwrap_or(tr.risk.risk_unknown);
                    widgets::swatch(ui, theme::risk_colour(level), RichText::new(text).small());
                } else {
                    let counties = registry.counties_under(code);
                    let medium_or_high =
                        counties.iter().filter(|c| v.sit.risk(**c).is_some_and(|a| a.level != RiskLevel::Low)).count();
                    if medium_or_high > 0 {
                        ui.label(
                            RichText::new(format!("{} {}/{}", tr.risk.risk_elevated, medium_or_high, counties.len()))
                                .small()
                                .color(theme::RISK_MEDIUM),
                        );
                    } else {
                        ui.label("");
                    }
                }
                ui.end_row();
            }
        });
    });
}

pub(super) fn directives(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview, width: f32) {
    let tr = v.tr;
    widgets::card(ui, width, |ui| {
        ui.label(RichText::new(tr.overview.directives_in_force).size(theme::KPI_LABEL).color(theme::TEXT_DIM));
        if ov.directives_in_force.is_empty() {
            ui.label(RichText::new(tr.overview.no_directives).color(theme::TEXT_DIM));
            return;
        }
        for d in &ov.directives_in_force {
            let full = v.sit.directives().find(|x| x.content.number == d.number && x.content.issuer == d.issuer);
            ui.separator();
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(&d.number).size(theme::HEADING).strong().color(theme::ACCENT));
                if let Some(f) = full {
                    ui.label(
                        RichText::new(format!(" {} ", tr.journal.directive_category(f.content.category)))
                            .small()
                            .background_color(theme::CARD_BORDER),
                    );
                }
                if d.logged {
                    widgets::chip(ui, tr.journal.badge_local, theme::OK).on_hover_text(tr.journal.badge_local_hint);
                }
            });
            let title = ui.label(RichText::new(&d.title).size(theme::BODY).strong());
            if let Some(f) = full {
                let mut hover = format!("{}\n{}", f.content.issuer, f.content.body);
                hover.push_str(&format!(
                    "\n\n{}",
                    if d.logged { tr.journal.badge_local_hint } else { tr.journal.feed_directive }
                ));
                title.on_hover_text(hover);
                let mut when = format!("{} {}", tr.journal.issued, format_local(f.issued_at));
                if let Some(e) = f.content.effective_from {
                    when.push_str(&format!(" · {} {}", tr.journal.effective, format_local(e)));
                }
                ui.label(RichText::new(when).small().color(theme::TEXT_DIM));
                ui.label(RichText::new(&f.content.issuer).small().color(theme::TEXT_DIM));
            }
        }
    });
}
