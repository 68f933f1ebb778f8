//! The board's exports (issue 14): CSV of a table or chart, the PNG of the window (F12) with
//! its footer, and the daily briefing. The app turns an [`ExportAction`] into a request to
//! the journal worker, which makes the file off the UI thread, writes it into the exports
//! folder and notes it in the export record; the outcome comes back as a message for the top
//! bar. The PNG is the frame the renderer drew with the footer, handed over by the
//! screenshot callback through a channel.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use egui::{ColorImage, RichText};

use super::SitboardApp;
use crate::export::tables::{self, TableKind};
use crate::model::time::{china, format_as_of};
use crate::ui::command::ExportAction;
use crate::ui::theme;
use crate::ui::workers::journal::{ExportJob, ExportNote, JournalRequest, Outcome};

/// Export request ids start here, apart from the Directives panel's own.
const FIRST_ID: u64 = 1 << 40;

/// What the app keeps about exports.
pub struct ExportState {
    next_id: u64,
    /// The export whose outcome is awaited.
    pending: Option<u64>,
    /// The last outcome: text, and whether it went well.
    pub message: Option<(String, bool)>,
    /// Draw the footer on every frame (headless screenshots).
    pub footer_always: bool,
    /// Take a picture of the next frame (F12, the menu).
    capture: bool,
    shots_tx: Sender<Arc<ColorImage>>,
    shots_rx: Receiver<Arc<ColorImage>>,
}

impl Default for ExportState {
    fn default() -> Self {
        let (shots_tx, shots_rx) = channel();
        ExportState {
            next_id: FIRST_ID,
            pending: None,
            message: None,
            footer_always: false,
            capture: false,
            shots_tx,
            shots_rx,
        }
    }
}

impl SitboardApp {
    /// Headless screenshots: the footer with the as-of time and the source on every frame.
    pub fn set_capture_footer(&mut self, on: bool) {
        self.exports.footer_always = on;
    }

    /// The last export's outcome, as the top bar shows it.
    pub fn export_message(&self) -> Option<&(String, bool)> {
        self.exports.message.as_ref()
    }

    /// Turn an export action into a request to the journal worker (a PNG waits for the
    /// next frame's pixels).
    pub(super) fn export(&mut self, action: ExportAction) {
        let Some(sit) = self.situation.clone() else { return };
        let Some(region) = self.state.region else { return };
        let lang = self.state.lang;
        let officer = self.state.officer.clone();
        let note = |what: String, period: String| ExportNote {
            what,
            region: region.to_string(),
            period,
            as_of: sit.as_of().to_rfc3339(),
            officer: officer.clone(),
        };
        let (file_name, job, note) = match action {
            ExportAction::Png => {
                self.exports.capture = true;
                return;
            }
            ExportAction::Table(req) => {
                let period = match (req.kind, req.from) {
                    (TableKind::Curves, Some(from)) => format!("{from} … {}", req.to.unwrap_or(sit.date())),
                    _ => sit.date().to_string(),
                };
                let n = note(format!("csv:{}", req.kind.wire_name()), period);
                (tables::file_name(&sit, &req), ExportJob::Table { sit: Box::new(sit.clone()), req, lang }, n)
            }
            ExportAction::Briefing { pdf } => {
                let ext = if pdf { "pdf" } else { "html" };
                let n = note(format!("briefing:{ext}"), sit.date().to_string());
                let job = ExportJob::Briefing { sit: Box::new(sit.clone()), region, lang, pdf };
                (format!("briefing-{region}-{}-{}.{ext}", sit.date(), lang.pick("zh", "en")), job, n)
            }
        };
        self.send_export(file_name, job, note);
    }

    fn send_export(&mut self, file_name: String, job: ExportJob, note: ExportNote) {
        self.exports.next_id += 1;
        let id = self.exports.next_id;
        self.exports.pending = Some(id);
        self.exports.message = None;
        self.journal.send(JournalRequest::Export { id, file_name, job: Box::new(job), note });
        self.take_export_outcome();
    }

    /// Pictures the renderer took go to the worker; the outcome of the awaited export
    /// becomes the message.
    pub(super) fn export_step(&mut self) {
        while let Ok(image) = self.exports.shots_rx.try_recv() {
            let (Some(sit), Some(region)) = (self.situation.as_ref(), self.state.region) else { continue };
            let clock = self.clock_override.unwrap_or_else(chrono::Utc::now);
            let stamp = clock.with_timezone(&china()).format("%Y%m%d-%H%M%S");
            let note = ExportNote {
                what: "png:board".into(),
                region: region.to_string(),
                period: sit.date().to_string(),
                as_of: sit.as_of().to_rfc3339(),
                officer: self.state.officer.clone(),
            };
            let name = format!("board-{region}-{}-{stamp}.png", sit.date());
            self.send_export(name, ExportJob::Png(image), note);
        }
        self.take_export_outcome();
    }

    fn take_export_outcome(&mut self) {
        let Some((id, outcome)) = &self.journal.status.outcome else { return };
        if self.exports.pending != Some(*id) {
            return;
        }
        self.exports.pending = None;
        let te = &self.state.lang.tr().export;
        self.exports.message = Some(match outcome {
            Outcome::Exported(p) => (format!("{}{}", te.exported, p.display()), true),
            Outcome::Failed(m) => (format!("{}{m}", te.export_failed), false),
            Outcome::Saved(_) | Outcome::Refused(_) => return,
        });
    }

    /// In the UI step: F12 takes a picture; the footer is drawn on the frame pictured (and
    /// on every frame of a headless screenshot).
    pub(super) fn capture_ui(&mut self, ui: &mut egui::Ui) {
        if ui.input(|i| i.key_pressed(egui::Key::F12) && !i.modifiers.shift) {
            self.exports.capture = true;
        }
        // A frame may take more than one pass (egui discards a pass to lay out again): the
        // footer is drawn on every pass, the picture asked for on the pass that is shown.
        let capture = self.exports.capture && !ui.ctx().will_discard();
        let show = self.exports.capture || self.exports.footer_always;
        if capture {
            self.exports.capture = false;
        }
        let te = &self.state.lang.tr().export;
        let text = match &self.situation {
            Some(sit) if show => {
                let clock = self.clock_override.unwrap_or_else(chrono::Utc::now);
                let mut names: Vec<&str> = sit.data().sources.iter().map(|s| s.name.as_str()).collect();
                names.dedup();
                Some(format!(
                    "{} {}  ·  {} {}  ·  {}{}{}",
                    te.footer_as_of,
                    format_as_of(sit.as_of()),
                    te.footer_saved,
                    format_as_of(clock),
                    te.footer_source,
                    self.state.lang.pick("：", ": "),
                    names.join(" | ")
                ))
            }
            _ => None,
        };
        // The area is shown (empty) on every frame: a new area is laid out invisibly on its
        // first frame, and the footer must be on the very frame pictured.
        let screen = ui.ctx().content_rect();
        let top_left = egui::pos2(screen.left(), screen.bottom() - 22.0);
        egui::Area::new(egui::Id::unique("sitboard.capture_footer"))
            .order(egui::Order::Foreground)
            .interactable(false)
            .fade_in(false)
            .fixed_pos(top_left)
            .show(ui.ctx(), |ui| {
                let Some(text) = text else { return };
                let rect = egui::Rect::from_min_size(top_left, egui::vec2(screen.width(), 22.0));
                ui.painter().rect_filled(rect, 0.0, theme::BG.gamma_multiply(0.92));
                ui.set_max_width(screen.width() - 16.0);
                ui.horizontal(|ui| {
                    ui.add_space(8.0);
                    ui.add(egui::Label::new(RichText::new(text).small().color(theme::TEXT)).truncate());
                });
            });
        if capture {
            let tx = self.exports.shots_tx.clone();
            let ctx = ui.ctx().clone();
            ui.ctx().request_screenshot(move |image| {
                // The app is gone only when the window closed.
                let _ = tx.send(image);
                ctx.request_repaint();
            });
        }
    }
}
