//! Sign-in with the hub: who is signed in (name, unit, scope, role) for the top bar, and the
//! dialog that asks for the officer's token once when the hub needs one and none is known
//! (or the hub refused it). The token goes to the app as a command; the hub is asked on a
//! worker.

use egui::{RichText, TextEdit, Ui};

use crate::secret::Secret;
use crate::ui::command::{Commands, UiCommand};
use crate::ui::context::{BoardStatus, ViewerContext};
use crate::ui::theme;
use crate::ui::workers::SignInStatus;

/// What the dialog holds while the officer types.
#[derive(Default)]
pub struct SignInPanel {
    token: String,
}

/// The top bar's line: who is signed in, or where sign-in stands (nothing without a hub).
pub fn top_bar_line(ui: &mut Ui, status: &BoardStatus<'_>, view: Option<&ViewerContext<'_>>) {
    let Some(s) = status.sign_in else { return };
    let o = &status.tr.officers;
    match s {
        SignInStatus::SignedIn(officer) => {
            let scope: Vec<String> = officer
                .scope
                .iter()
                .map(|c| match view {
                    Some(v) => v.name(*c),
                    None => c.to_string(),
                })
                .collect();
            let sep = if status.lang.is_en() { ", " } else { "、" };
            let text = format!(
                "{} {} · {} · {} · {} {}",
                o.signed_in,
                officer.name,
                officer.unit,
                o.role(officer.role),
                o.scope,
                scope.join(sep)
            );
            let hover = format!(
                "{text}\n{} ({})",
                officer.id,
                officer.scope.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
            );
            // At most a quarter of what is left of the bar: the as-of time and the sources'
            // freshness beside it must stay readable (a truncating label in a right-to-left
            // row would otherwise take the whole rest and push them over the title).
            let width = (ui.available_width() / 4.0).max(120.0);
            ui.allocate_ui_with_layout(
                egui::vec2(width, ui.available_height()),
                egui::Layout::right_to_left(egui::Align::Center),
                |ui| ui.add(egui::Label::new(RichText::new(text).color(theme::OK)).truncate()).on_hover_text(hover),
            );
        }
        SignInStatus::Checking => {
            ui.spinner();
            ui.label(RichText::new(o.signing_in).small().color(theme::TEXT_DIM));
        }
        SignInStatus::Open => {
            ui.label(RichText::new(o.hub_open).small().color(theme::TEXT_DIM));
        }
        SignInStatus::NeedsToken(_) => {
            ui.label(RichText::new(o.sign_in_title).small().color(theme::WARN));
        }
        SignInStatus::Failed(why) => {
            ui.label(RichText::new(format!("⚠ {}", o.whoami_failed)).small().color(theme::WARN)).on_hover_text(why);
        }
    }
}

/// The sign-in dialog, while the hub needs a token (none known, or refused).
pub fn window(ctx: &egui::Context, status: &BoardStatus<'_>, state: &mut SignInPanel, commands: &mut Commands) {
    let Some(SignInStatus::NeedsToken(why)) = status.sign_in else { return };
    let o = &status.tr.officers;
    egui::Window::new(o.sign_in_title).collapsible(false).resizable(false).default_width(520.0).show(ctx, |ui| {
        ui.label(o.sign_in_intro);
        if why.is_some() {
            ui.label(RichText::new(o.token_refused).color(theme::ALERT));
        }
        if let Some(w) = why {
            ui.label(RichText::new(w).small().color(theme::ALERT));
        }
        let mut submit = false;
        ui.horizontal(|ui| {
            let l = ui.label(o.token);
            let r =
                ui.add(TextEdit::singleline(&mut state.token).password(true).desired_width(360.0)).labelled_by(l.id);
            submit |= r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        });
        ui.label(RichText::new(o.remember).small().color(theme::TEXT_DIM));
        let ready = !state.token.trim().is_empty();
        submit |= ui.add_enabled(ready, egui::Button::new(RichText::new(o.sign_in).strong())).clicked();
        if submit && ready {
            commands.push(UiCommand::SignIn(Secret::new(state.token.trim())));
            state.token.clear();
        }
    });
}
