//! The data-problems window: every document's acceptance/rejection report, so an officer
//! can see which rows were refused and why, and a config file problem if there was one.

use egui::{RichText, ScrollArea};

use crate::ui::command::{Commands, UiCommand};
use crate::ui::context::BoardStatus;
use crate::ui::theme;

pub fn window(ctx: &egui::Context, status: &BoardStatus<'_>, open: bool, commands: &mut Commands) {
    let tr = status.tr;
    if !open {
        return;
    }
    let mut open = true;
    egui::Window::new(tr.board.data_problems).open(&mut open).default_size([720.0, 480.0]).collapsible(false).show(
        ctx,
        |ui| {
            ScrollArea::vertical().show(ui, |ui| {
                if let Some(p) = status.config_problem {
                    ui.label(RichText::new(p).color(theme::WARN));
                    ui.separator();
                }
                for r in status.reports {
                    if r.fatal.is_none() && r.rejected.is_empty() && r.warnings.is_empty() {
                        continue;
                    }
                    ui.label(RichText::new(&r.origin).strong());
                    ui.label(RichText::new(r.render(200)).monospace().size(theme::SMALL));
                    ui.separator();
                }
            });
        },
    );
    if !open {
        commands.push(UiCommand::ShowProblems(false));
    }
}
