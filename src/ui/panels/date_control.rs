//! Date control: moves the Situation through the data's reporting days: first / previous /
//! next / latest, a slider over the current period, a "go to date" field, and one button per
//! period (e.g. 2020 and Harbin 2022-11).

use chrono::NaiveDate;
use egui::{RichText, Slider, TextEdit, Ui};

use super::Panel;
use crate::ui::command::{Commands, UiCommand};
use crate::ui::context::ViewerContext;
use crate::ui::theme;

#[derive(Default)]
pub struct DateControlPanel {
    pub input: String,
    pub error: Option<String>,
}

impl Panel for DateControlPanel {
    fn ui(&mut self, ui: &mut Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
        show(ui, v, self, commands);
    }
}

fn show(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut DateControlPanel, commands: &mut Commands) {
    let tr = v.tr;
    let data = v.sit.data();
    let dates = data.dates();
    let current = v.sit.date();
    let idx = dates.iter().position(|d| *d == current);
    let episodes = data.episodes();
    let episode = episodes.iter().copied().find(|(a, b)| *a <= current && current <= *b);

    ui.horizontal_wrapped(|ui| {
        let label = ui.label(RichText::new(tr.dates.date).size(theme::HEADING).strong());
        let go = |d: Option<&NaiveDate>, commands: &mut Commands| {
            if let Some(d) = d
                && *d != current
            {
                commands.push(UiCommand::SetDate(*d));
            }
        };
        let at_start = idx == Some(0);
        let at_end = idx.is_some_and(|i| i + 1 == dates.len());
        if ui.add_enabled(!at_start, egui::Button::new(format!("« {}", tr.dates.first_day))).clicked() {
            go(dates.first(), commands);
        }
        if ui.add_enabled(!at_start, egui::Button::new(format!("‹ {}", tr.dates.previous_day))).clicked() {
            go(idx.and_then(|i| i.checked_sub(1)).and_then(|i| dates.get(i)), commands);
        }
        ui.label(
            RichText::new(current.format("%Y-%m-%d").to_string()).size(theme::HEADING).strong().color(theme::ACCENT),
        );
        if ui.add_enabled(!at_end, egui::Button::new(format!("{} ›", tr.dates.next_day))).clicked() {
            go(idx.map(|i| i + 1).and_then(|i| dates.get(i)), commands);
        }
        if ui.add_enabled(!at_end, egui::Button::new(format!("{} »", tr.dates.last_day))).clicked() {
            go(dates.last(), commands);
        }

        if let Some((start, end)) = episode {
            let span: Vec<NaiveDate> = dates.iter().copied().filter(|d| start <= *d && *d <= end).collect();
            if span.len() > 1 {
                let mut i = span.iter().position(|d| *d == current).unwrap_or(0);
                let width = (ui.available_width() - 820.0).clamp(160.0, 900.0);
                ui.spacing_mut().slider_width = width;
                let resp = ui.add(Slider::new(&mut i, 0..=span.len() - 1).show_value(false)).labelled_by(label.id);
                if resp.changed()
                    && let Some(d) = span.get(i)
                {
                    commands.push(UiCommand::SetDate(*d));
                }
            }
        }

        ui.separator();
        let input_label = ui.label(RichText::new(tr.dates.date_input).small().color(theme::TEXT_DIM));
        let resp = ui
            .add(TextEdit::singleline(&mut state.input).hint_text("YYYY-MM-DD").desired_width(120.0))
            .labelled_by(input_label.id);
        if resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            match crate::feed::source_date(&state.input) {
                None => state.error = Some(tr.dates.date_input_invalid.into()),
                Some(d) if !dates.contains(&d) => state.error = Some(format!("{}: {d}", tr.dates.date_not_in_data)),
                Some(d) => {
                    state.error = None;
                    state.input.clear();
                    commands.push(UiCommand::SetDate(d));
                }
            }
        }
        if let Some(e) = &state.error {
            ui.label(RichText::new(e).color(theme::WARN).small());
        }

        if episodes.len() > 1 {
            ui.separator();
            ui.label(RichText::new(tr.dates.episodes).small().color(theme::TEXT_DIM));
            for (a, b) in &episodes {
                let selected = *a <= current && current <= *b;
                let text = format!("{} … {}", a.format("%Y-%m-%d"), b.format("%m-%d"));
                if ui.selectable_label(selected, text).clicked() && !selected {
                    commands.push(UiCommand::SetDate(*b));
                }
            }
        }
    });
}
