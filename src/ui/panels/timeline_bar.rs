//! The timeline bar (bottom of the board): where the board's one "now" is and how it moves —
//! first / previous / play-pause / next / latest, the instant in view, a slider over the
//! current period with marks for directive issues and response-level changes (click one to
//! go there), the speed, loop, a "go to" field (a day, or a day and time), and one button per
//! period of the data. Keys: Space plays or pauses, ← / → step, Home / End go to the first /
//! the newest instant. Live, file and archive sources share it.

use chrono::{DateTime, NaiveDate, Utc};
use egui::{ComboBox, RichText, Sense, Slider, TextEdit, Ui};

use super::Panel;
use crate::i18n::Tr;
use crate::model::time::{end_of_day, format_as_of, parse_time_input, start_of_day};
use crate::timeline::{Speed, StepUnit};
use crate::ui::command::{Commands, UiCommand};
use crate::ui::context::ViewerContext;
use crate::ui::theme;

#[derive(Default)]
pub struct TimelineBarPanel {
    pub input: String,
    /// Why the typed "go to" was refused (worded in the language of each frame).
    error: Option<GoToError>,
}

impl Panel for TimelineBarPanel {
    fn ui(&mut self, ui: &mut Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
        keys(ui, v, commands);
        show(ui, v, self, commands);
    }
}

/// The speed's name on the bar.
pub fn speed_label(speed: Speed, tr: &Tr) -> String {
    match speed {
        Speed::MarksPerSecond(n) => format!("{n} {}", tr.dates.speed_marks),
        Speed::DaysPerSecond(n) => format!("{n} {}", tr.dates.speed_days),
        Speed::RealTime(x) => format!("{} ×{x}", tr.dates.speed_real),
    }
}

/// Space, ← / →, Home / End — unless a text field has the keyboard.
fn keys(ui: &Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
    if ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    let timeline = v.status.timeline;
    ui.input(|i| {
        if i.key_pressed(egui::Key::Space) {
            commands.push(UiCommand::TogglePlay);
        }
        if i.key_pressed(egui::Key::ArrowLeft) {
            commands.push(UiCommand::Step(StepUnit::Mark, false));
        }
        if i.key_pressed(egui::Key::ArrowRight) {
            commands.push(UiCommand::Step(StepUnit::Mark, true));
        }
        if i.key_pressed(egui::Key::Home)
            && let Some(first) = timeline.first()
        {
            commands.push(UiCommand::Seek(first));
        }
        if i.key_pressed(egui::Key::End) {
            commands.push(if timeline.live {
                UiCommand::FollowLive
            } else {
                UiCommand::Seek(timeline.last().unwrap_or(v.sit.as_of()))
            });
        }
    });
}

fn show(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut TimelineBarPanel, commands: &mut Commands) {
    let tr = v.tr;
    let d = &tr.dates;
    let timeline = v.status.timeline;
    let data = v.sit.data();
    let dates = data.dates();
    let cursor = v.sit.as_of();
    let marks = timeline.marks();
    let at_start = timeline.first().is_none_or(|f| cursor <= f);
    let at_end = timeline.last().is_none_or(|l| cursor >= l);
    let current = v.sit.date();
    let episodes = data.episodes();
    let episode = episodes.iter().copied().find(|(a, b)| *a <= current && current <= *b);

    // Two fixed rows: the transport (buttons, slider, speed) and then the go-to field and the
    // periods; an error shows at the end of the second row, so nothing moves or wraps.
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new(d.date).size(theme::HEADING).strong());
        if ui.add_enabled(!at_start, egui::Button::new(format!("« {}", d.first_day))).clicked()
            && let Some(first) = timeline.first()
        {
            commands.push(UiCommand::Seek(first));
        }
        if ui.add_enabled(!at_start, egui::Button::new(format!("‹ {}", d.previous_day))).clicked() {
            commands.push(UiCommand::Step(StepUnit::Mark, false));
        }
        let play_text = if timeline.is_playing() { format!("‖ {}", d.pause) } else { format!("▶ {}", d.play) };
        if ui
            .add_enabled(marks.len() > 1, egui::Button::new(RichText::new(play_text).strong()))
            .on_hover_text(d.keys_hint)
            .clicked()
        {
            commands.push(UiCommand::TogglePlay);
        }
        // The instant in view: a day's end reads as the day; anything else with its time.
        let shown = if cursor == end_of_day(current) {
            current.format("%Y-%m-%d").to_string()
        } else {
            format_as_of(cursor).replace(" UTC+8", "")
        };
        ui.label(RichText::new(shown).size(theme::HEADING).strong().color(theme::ACCENT)).on_hover_text(d.instant_hint);
        if ui.add_enabled(!at_end, egui::Button::new(format!("{} ›", d.next_day))).clicked() {
            commands.push(UiCommand::Step(StepUnit::Mark, true));
        }
        if ui.add_enabled(!at_end, egui::Button::new(format!("{} »", d.last_day))).clicked() {
            commands.push(if timeline.live {
                UiCommand::FollowLive
            } else {
                UiCommand::Seek(timeline.last().unwrap_or(cursor))
            });
        }

        if let Some((start, _)) = episode {
            // The period's marks: from its first day up to the next period (a replay's data
            // grows while it plays, so the period runs to the last mark).
            let next = episodes.iter().map(|(a, _)| *a).find(|a| *a > start).map(start_of_day);
            let span: Vec<DateTime<Utc>> =
                marks.iter().copied().filter(|m| end_of_day(start) <= *m && next.is_none_or(|n| *m < n)).collect();
            if span.len() > 1 {
                // Room for the speed choice and the loop box after it.
                let width = (ui.available_width() - 360.0).clamp(160.0, 900.0);
                period_slider(ui, v, &span, width, label.id, commands);
            }
        }

        let speed_name = ui.label(RichText::new(d.speed).small().color(theme::TEXT_DIM));
        ComboBox::from_id_salt("timeline_speed")
            .selected_text(speed_label(v.status.speed, tr))
            .width(120.0)
            .show_ui(ui, |ui| {
                for s in Speed::CHOICES {
                    if ui.selectable_label(s == v.status.speed, speed_label(s, tr)).clicked() {
                        commands.push(UiCommand::SetSpeed(s));
                    }
                }
            })
            .response
            .labelled_by(speed_name.id);
        let mut looping = timeline.looping;
        if ui.checkbox(&mut looping, d.loop_play).on_hover_text(d.loop_hint).changed() {
            commands.push(UiCommand::SetLoop(looping));
        }
    });
    ui.horizontal(|ui| {
        let input_label = ui.label(RichText::new(d.date_input).small().color(theme::TEXT_DIM));
        let resp = ui
            .add(TextEdit::singleline(&mut state.input).hint_text("YYYY-MM-DD [HH:MM]").desired_width(140.0))
            .labelled_by(input_label.id);
        if resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            match go_to(&state.input, dates, timeline.first(), timeline.last()) {
                Err(e) => state.error = Some(e),
                Ok(cmd) => {
                    state.error = None;
                    state.input.clear();
                    commands.push(cmd);
                }
            }
        }
        if episodes.len() > 1 {
            ui.separator();
            ui.label(RichText::new(d.episodes).small().color(theme::TEXT_DIM));
            for (a, b) in &episodes {
                let selected = *a <= current && current <= *b;
                let text = format!("{} … {}", a.format("%Y-%m-%d"), b.format("%m-%d"));
                if ui.selectable_label(selected, text).clicked() && !selected {
                    commands.push(UiCommand::SetDate(*b));
                }
            }
        }
        if let Some(e) = &state.error {
            ui.separator();
            ui.label(RichText::new(e.message(tr)).color(theme::WARN).small());
        }
    });
}

/// The slider over one period's marks, with the period's directive issues (accent) and
/// response-level changes (red) as ticks under it; clicking a tick goes to its instant.
fn period_slider(
    ui: &mut Ui,
    v: &ViewerContext<'_>,
    span: &[DateTime<Utc>],
    width: f32,
    label: egui::Id,
    commands: &mut Commands,
) {
    let cursor = v.sit.as_of();
    ui.vertical(|ui| {
        ui.spacing_mut().slider_width = width;
        let mut i = span.partition_point(|m| *m <= cursor).saturating_sub(1);
        let resp = ui.add(Slider::new(&mut i, 0..=span.len() - 1).show_value(false)).labelled_by(label);
        if resp.changed()
            && let Some(t) = span.get(i)
        {
            commands.push(UiCommand::Seek(*t));
        }
        let (first, last) = (span[0], span[span.len() - 1]);
        let events = period_events(v, first, last);
        let (rect, strip) = ui.allocate_exact_size(egui::vec2(width, 8.0), Sense::click());
        let x_of = |t: DateTime<Utc>| {
            let f = (t - first).num_seconds() as f32 / (last - first).num_seconds().max(1) as f32;
            rect.left() + f.clamp(0.0, 1.0) * rect.width()
        };
        let painter = ui.painter_at(rect);
        for (t, colour, _) in &events {
            let x = x_of(*t);
            painter.line_segment([egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())], (2.0, *colour));
        }
        let hovered = strip
            .hover_pos()
            .and_then(|p| events.iter().min_by_key(|(t, _, _)| (x_of(*t) - p.x).abs() as i64))
            .filter(|(t, _, _)| strip.hover_pos().is_some_and(|p| (x_of(*t) - p.x).abs() <= 6.0));
        if let Some((t, _, what)) = hovered {
            let text = format!("{}\n{what}", format_as_of(*t));
            if strip.clone().on_hover_text(text).clicked() {
                commands.push(UiCommand::Seek(*t));
            }
        }
    });
}

/// Directive issues and response-level changes in `[first, last]`, for the bar's marks.
fn period_events(
    v: &ViewerContext<'_>,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, egui::Color32, String)> {
    let mut out = Vec::new();
    for d in v.sit.data().directives() {
        if (first..=last).contains(&d.issued_at) {
            out.push((d.issued_at, theme::ACCENT, format!("{} {}", d.content.number, d.content.title)));
        }
    }
    for r in v.sit.journal().issued() {
        if let Some(t) = r.issued_at.filter(|t| (first..=last).contains(t)) {
            out.push((t, theme::ACCENT, format!("{} {}", r.content.number, r.content.title)));
        }
    }
    let root = v.sit.data().registry.roots().first().copied();
    if let Some(root) = root {
        for c in v.sit.data().response_history(root) {
            if (first..=last).contains(&c.since) {
                out.push((
                    c.since,
                    theme::ALERT,
                    format!("{}: {}", v.tr.overview.response_level, v.tr.overview.response(c.level)),
                ));
            }
        }
    }
    out.sort_by_key(|(t, _, _)| *t);
    out
}

/// Why a typed "go to" was refused.
#[derive(Debug, PartialEq)]
enum GoToError {
    Invalid,
    NotInData(NaiveDate),
    OutOfRange,
}

impl GoToError {
    fn message(&self, tr: &Tr) -> String {
        match self {
            GoToError::Invalid => tr.dates.date_input_invalid.to_owned(),
            GoToError::NotInData(d) => format!("{}: {d}", tr.dates.date_not_in_data),
            GoToError::OutOfRange => tr.dates.time_out_of_range.to_owned(),
        }
    }
}

/// A typed day (`YYYY-MM-DD`: the end of that reporting day, which must be in the data) or
/// instant (`YYYY-MM-DD HH:MM` Beijing time, or RFC 3339: inside the timeline's range).
fn go_to(
    input: &str,
    dates: &[NaiveDate],
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
) -> Result<UiCommand, GoToError> {
    let input = input.trim();
    if input.len() == 10 {
        let d = crate::feed::source_date(input).ok_or(GoToError::Invalid)?;
        return if dates.contains(&d) { Ok(UiCommand::SetDate(d)) } else { Err(GoToError::NotInData(d)) };
    }
    let t = parse_time_input(input).ok_or(GoToError::Invalid)?;
    match (first, last) {
        (Some(a), Some(b)) if a <= t && t <= b => Ok(UiCommand::Seek(t)),
        _ => Err(GoToError::OutOfRange),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_to_takes_a_day_of_the_data_or_an_instant_in_range() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let dates = [d("2020-03-01"), d("2020-03-02")];
        let (a, b) = (Some(end_of_day(dates[0])), Some(end_of_day(dates[1])));
        assert_eq!(go_to("2020-03-02", &dates, a, b), Ok(UiCommand::SetDate(dates[1])));
        assert_eq!(go_to("2020-03-05", &dates, a, b), Err(GoToError::NotInData(d("2020-03-05"))));
        let t = parse_time_input("2020-03-02 15:00").unwrap();
        assert_eq!(go_to(" 2020-03-02 15:00 ", &dates, a, b), Ok(UiCommand::Seek(t)));
        assert_eq!(go_to("2020-03-09 15:00", &dates, a, b), Err(GoToError::OutOfRange));
        assert_eq!(go_to("03/02/2020", &dates, a, b), Err(GoToError::Invalid));
        assert_eq!(go_to("", &dates, a, b), Err(GoToError::Invalid));
    }
}
