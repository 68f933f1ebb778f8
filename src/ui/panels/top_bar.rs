//! The top bar: board title, the region in view, the situation's as-of time with its zone,
//! the data sources, a freshness indicator, data problems, and the language switch.

use egui::{RichText, Ui};

use crate::export::tables::{TableKind, TableRequest};
use crate::i18n::Lang;
use crate::model::time::format_as_of;
use crate::ui::command::{Commands, ExportAction, UiCommand};
use crate::ui::context::{BoardStatus, ViewerContext};
use crate::ui::theme;

pub fn ui(ui: &mut Ui, status: &BoardStatus<'_>, view: Option<&ViewerContext<'_>>, commands: &mut Commands) {
    let (lang, tr) = (status.lang, status.tr);
    ui.horizontal(|ui| {
        ui.label(RichText::new(tr.board.board_title).size(theme::TITLE).strong().color(theme::TEXT));
        if let Some(v) = view {
            ui.separator();
            let path = v.sit.data().registry.path(v.region);
            for (i, code) in path.iter().enumerate() {
                if i > 0 {
                    ui.label(RichText::new("›").size(theme::HEADING).color(theme::TEXT_DIM));
                }
                let last = i + 1 == path.len();
                let text = RichText::new(v.name(*code)).size(theme::HEADING);
                if last {
                    ui.label(text.strong().color(theme::ACCENT));
                } else if ui.link(text).clicked() {
                    commands.push(UiCommand::SelectRegion(*code));
                }
            }
        }

        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let other = if lang == Lang::Zh { Lang::En } else { Lang::Zh };
            if ui.button(tr.board.switch_language).on_hover_text(tr.board.switch_language_hint).clicked() {
                commands.push(UiCommand::SetLang(other));
            }
            if let Some(v) = view {
                export_menu(ui, v, commands);
            }
            if let Some((text, good)) = status.export_message {
                let colour = if *good { theme::OK } else { theme::ALERT };
                ui.add(egui::Label::new(RichText::new(text).small().color(colour)).truncate()).on_hover_text(text);
            }
            ui.separator();
            if status.sign_in.is_some() {
                super::sign_in::top_bar_line(ui, status, view);
                ui.separator();
            }

            let rejected: usize = status.reports.iter().map(|r| r.rejected.len()).sum();
            let refused = status.reports.iter().filter(|r| r.fatal.is_some()).count();
            // Rows kept but flagged (e.g. severe more than active) are said too: a figure
            // that cannot be true must not pass unnoticed.
            let flagged: usize = status.reports.iter().map(|r| r.warnings.len()).sum();
            if rejected + refused + flagged > 0 || status.config_problem.is_some() {
                let n = rejected + refused;
                let text = if n > 0 {
                    format!("⚠ {n} {}", tr.board.rows_rejected)
                } else if flagged > 0 {
                    format!("⚠ {flagged} {}", tr.board.rows_flagged)
                } else {
                    format!("⚠ {}", tr.board.data_problems)
                };
                if ui.button(RichText::new(text).color(theme::WARN)).on_hover_text(tr.board.details).clicked() {
                    commands.push(UiCommand::ShowProblems(true));
                }
            }

            if let Some(v) = view {
                let data = v.sit.data();
                ui.label(
                    RichText::new(format_as_of(v.sit.as_of()).replace("UTC+8", tr.board.zone_note))
                        .size(theme::HEADING)
                        .strong(),
                );
                ui.label(RichText::new(tr.board.as_of).size(theme::HEADING).color(theme::TEXT_DIM));
                if let Some(sync) = status.push {
                    super::live::sync_badge(ui, sync, tr);
                }
                if let Some(rec) = &status.recording {
                    let (text, colour) = match &rec.stopped {
                        None => (format!("● {} {}", tr.board.recording, rec.recorded), theme::ALERT),
                        Some(_) => (format!("⚠ {}", tr.board.recording_stopped), theme::WARN),
                    };
                    let hover = format!(
                        "{}\n{}{}",
                        tr.board.recording_hint,
                        rec.path.display(),
                        rec.stopped.as_ref().map(|w| format!("\n{w}")).unwrap_or_default()
                    );
                    ui.label(RichText::new(text).color(colour).strong()).on_hover_text(hover);
                }
                if status.exercise {
                    let badge = RichText::new(format!(" {} ", tr.board.exercise))
                        .color(theme::BG)
                        .background_color(theme::WARN)
                        .strong();
                    ui.label(badge).on_hover_text(tr.board.exercise_hint);
                }
                // Freshness: file sources replay a chosen day; live feeds show their age.
                if let Some(live) = status.live {
                    super::live::freshness(ui, status, live, commands);
                } else {
                    // A damaged archive replays what could be read: the badge says so.
                    let damaged = status.replaying.is_some_and(|i| i.damage.is_some());
                    let text = if damaged {
                        format!(" ⚠ {} ", tr.board.freshness_replay)
                    } else {
                        format!(" {} ", tr.board.freshness_replay)
                    };
                    let badge = RichText::new(text)
                        .color(theme::BG)
                        .background_color(if damaged { theme::WARN } else { theme::ACCENT })
                        .strong();
                    let hint = match status.replaying {
                        Some(info) => format!(
                            "{}\n{}\n{} … {} · {} {}{}",
                            tr.board.replay_archive_hint,
                            info.path.display(),
                            info.first.map(format_as_of).unwrap_or_default(),
                            info.last.map(format_as_of).unwrap_or_default(),
                            info.snapshots,
                            tr.board.snapshots,
                            info.damage.as_ref().map(|d| format!("\n⚠ {d}")).unwrap_or_default()
                        ),
                        None => tr.board.freshness_replay_hint.to_owned(),
                    };
                    ui.label(badge).on_hover_text(hint);
                }
                ui.separator();
                let synthetic = data.sources.iter().any(|s| s.synthetic);
                let mut names: Vec<&str> = data.sources.iter().map(|s| s.name.as_str()).collect();
                names.dedup();
                let summary = match names.as_slice() {
                    [] => String::new(),
                    [one] => (*one).to_owned(),
                    many => tr.board.n_sources(many.len()),
                };
                let mut hover = String::new();
                for s in &data.sources {
                    hover.push_str(&format!(
                        "{} [{}]{}\n  {}\n",
                        s.name,
                        s.id,
                        if s.synthetic { " ◇" } else { "" },
                        s.origin
                    ));
                }
                if let Some(r) = status.renderer {
                    hover.push_str(&r.describe(tr));
                }
                let label = if synthetic {
                    format!("{}: {summary} ({})", tr.board.source, tr.board.synthetic_data)
                } else {
                    format!("{}: {summary}", tr.board.source)
                };
                ui.add(egui::Label::new(RichText::new(label).size(theme::SMALL).color(theme::TEXT_DIM)).truncate())
                    .on_hover_text(hover.trim_end());
            } else if status.loading {
                ui.spinner();
            }
        });
    });
}

/// The Export menu: the board as PNG, the daily briefing, and every table of the region in
/// view as CSV (each noted in the export record).
fn export_menu(ui: &mut Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
    let te = &v.tr.export;
    ui.menu_button(te.menu, |ui| {
        let mut pick = |ui: &mut Ui, label: &str, action: ExportAction| {
            if ui.button(label).clicked() {
                commands.push(UiCommand::Export(action));
                ui.close();
            }
        };
        pick(ui, te.png, ExportAction::Png);
        pick(ui, te.briefing_pdf, ExportAction::Briefing { pdf: true });
        pick(ui, te.briefing_html, ExportAction::Briefing { pdf: false });
        ui.separator();
        for (kind, label) in [
            (TableKind::Subregions, v.tr.overview.subregions),
            (TableKind::Curves, v.tr.curves.curves_single),
            (TableKind::Checkpoints, v.tr.checkpoints.cp_title),
            (TableKind::Risk, v.tr.risk.risk_levels),
            (TableKind::Hotline, te.briefing_hotline),
        ] {
            pick(ui, &format!("{} · {label}", te.csv), ExportAction::Table(TableRequest::new(kind, v.region)));
        }
    });
}
