//! The form to draft, issue and amend a directive: fields outlined where the same checks as
//! `sitboard journal` find a problem; nothing is sent unless the input passes.

use super::*;

/// A labelled text field in the form's grid, outlined when a problem is about it. Returns
/// whether the person changed it this frame (its outline then goes: the problem may be fixed).
pub(super) fn text_field(ui: &mut Ui, label: &str, edit: TextEdit<'_>, enabled: bool, bad: bool) -> bool {
    let l = ui.label(label);
    let r = ui.add_enabled(enabled, edit).labelled_by(l.id);
    mark(ui, &r, bad);
    ui.end_row();
    r.changed()
}

pub(super) fn single(width: f32, text: &mut String) -> TextEdit<'_> {
    TextEdit::singleline(text).desired_width(width)
}

/// Outline a field that a problem is about.
pub(super) fn mark(ui: &Ui, resp: &egui::Response, bad: bool) {
    if bad {
        let stroke = egui::Stroke::new(1.5, theme::ALERT);
        ui.painter().rect_stroke(resp.rect.expand(2.0), 4.0, stroke, egui::StrokeKind::Outside);
    }
}

/// The button that saves (stands out inside a card).
pub(super) fn primary(text: &str) -> egui::Button<'_> {
    egui::Button::new(RichText::new(text).strong()).fill(egui::Color32::from_rgb(0x1b, 0x5f, 0x9e))
}

pub(super) fn secondary(text: &str) -> egui::Button<'_> {
    egui::Button::new(text).fill(theme::CARD_BORDER)
}

pub(super) fn problems(ui: &mut Ui, v: &ViewerContext<'_>, list: &[Problem]) {
    let j = &v.tr.journal;
    if list.is_empty() {
        return;
    }
    ui.label(RichText::new(j.labelled(j.not_saved, "")).strong().color(theme::ALERT));
    for p in list {
        ui.label(RichText::new(format!("• {}", j.problem(p))).color(theme::ALERT));
    }
}

pub(super) fn form(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut DirectivesPanel, commands: &mut Commands) {
    let status = v.status;
    let tr = v.tr;
    let j = &tr.journal;
    let Mode::Form(f) = &mut state.mode else { return };
    // The signed-in officer's rules: a scope outside theirs cannot be issued.
    let refusal = issue_refusal(v, &f.input.scope);
    let can_write = journal_ready(status) && state.pending.is_none() && refusal.is_none();
    let record = f.of.as_ref().and_then(|k| v.sit.journal().record(&k.issuer, &k.number));
    let heading = match (&f.of, f.issue_draft) {
        (None, _) => j.form_new,
        (Some(_), true) => j.form_issue_draft,
        (Some(_), false) => j.form_amend,
    };
    let mut action: Option<EventKind> = None;
    let mut cancel = false;
    widgets::card(ui, ui.available_width(), |ui| {
        ui.label(RichText::new(heading).size(theme::HEADING).strong());
        let wide = (ui.available_width() - 220.0).max(200.0);
        let problems_now = f.problems.clone();
        let bad = |field: Field| problems_now.iter().any(|p| p.field() == Some(field));
        // Fields the person edits this frame: their outlines and messages go.
        let mut edited: Vec<Field> = Vec::new();
        Grid::new("directive_form").num_columns(2).spacing([14.0, 8.0]).show(ui, |ui| {
            let amending = f.of.is_some();
            if text_field(
                ui,
                j.number,
                single(wide, &mut f.input.number).hint_text("绥指公4号"),
                !amending,
                bad(Field::Number),
            ) {
                edited.push(Field::Number);
            }
            if text_field(ui, j.issuer, single(wide, &mut f.input.issuer), !amending, bad(Field::Issuer)) {
                edited.push(Field::Issuer);
            }
            if text_field(ui, j.title, single(wide, &mut f.input.title), true, bad(Field::Title)) {
                edited.push(Field::Title);
            }
            let body = TextEdit::multiline(&mut f.input.body).desired_rows(5).desired_width(wide);
            if text_field(ui, j.body, body, true, bad(Field::Body)) {
                edited.push(Field::Body);
            }
            ui.label(j.category);
            ComboBox::from_id_salt("directive_form_category")
                .selected_text(tr.journal.directive_category(f.input.category))
                .show_ui(ui, |ui| {
                    for c in DirectiveCategory::ALL {
                        ui.selectable_value(&mut f.input.category, c, tr.journal.directive_category(c));
                    }
                });
            ui.end_row();
            ui.label(j.priority);
            ComboBox::from_id_salt("directive_form_priority").selected_text(j.priority(f.input.priority)).show_ui(
                ui,
                |ui| {
                    for p in [Priority::Normal, Priority::High, Priority::Urgent] {
                        ui.selectable_value(&mut f.input.priority, p, j.priority(p));
                    }
                },
            );
            ui.end_row();
            let l = ui.label(j.scope);
            ui.vertical(|ui| {
                let r = ui
                    .add(TextEdit::singleline(&mut f.input.scope).hint_text(j.scope_hint).desired_width(wide))
                    .labelled_by(l.id);
                mark(ui, &r, bad(Field::Scope) || refusal.is_some());
                if r.changed() {
                    edited.push(Field::Scope);
                }
                if let Some(r) = &refusal {
                    let o = &tr.officers;
                    ui.label(RichText::new(o.refusal(r, |c| v.name(c))).color(theme::ALERT));
                }
                let outside = status.officer().is_some_and(|o| !o.covers(&v.sit.data().registry, v.region));
                let add = format!("+ {} ({} {})", j.add_region, v.name(v.region), v.region);
                let mut button = ui.add_enabled(!outside, egui::Button::new(add).small());
                if outside {
                    let why = Refusal::OutsideScope { region: v.region };
                    button = button.on_disabled_hover_text(tr.officers.refusal(&why, |c| v.name(c)));
                }
                if button.clicked() {
                    let code = v.region.to_string();
                    if !f.input.scope.split([',', ' ', '，', '、', ';']).any(|p| p.trim() == code) {
                        if !f.input.scope.trim().is_empty() {
                            f.input.scope.push_str(", ");
                        }
                        f.input.scope.push_str(&code);
                    }
                }
            });
            ui.end_row();
            if text_field(ui, j.from, single(wide, &mut f.input.from).hint_text(j.from_hint), true, bad(Field::From)) {
                edited.push(Field::From);
            }
            if text_field(
                ui,
                j.until,
                single(wide, &mut f.input.until).hint_text(j.until_hint),
                true,
                bad(Field::Until),
            ) {
                edited.push(Field::Until);
            }
        });
        if !edited.is_empty() {
            f.problems.retain(|p| p.field().is_none_or(|field| !edited.contains(&field)));
        }
        problems(ui, v, &f.problems);
        ui.horizontal(|ui| {
            match (&f.of, f.issue_draft) {
                (None, _) => {
                    if ui.add_enabled(can_write, secondary(j.save_draft)).clicked() {
                        action = Some(EventKind::Drafted);
                    }
                    if ui.add_enabled(can_write, primary(j.issue)).clicked() {
                        action = Some(EventKind::Issued);
                    }
                }
                (Some(_), true) => {
                    if ui.add_enabled(can_write, primary(j.issue)).clicked() {
                        action = Some(EventKind::Issued);
                    }
                }
                (Some(_), false) => {
                    if ui.add_enabled(can_write, primary(j.save_amendment)).clicked() {
                        action = Some(EventKind::Amended);
                    }
                }
            }
            cancel = ui.add(secondary(j.cancel)).clicked();
        });
    });
    if let Some(kind) = action {
        let prep = Prepare {
            journal: v.sit.journal(),
            registry: &v.sit.data().registry,
            feed: v.sit.data().directives(),
            now: v.status.clock,
        };
        let result = match record {
            Some(r) => prep.amend(r, &f.input, &state.officer, kind),
            None if f.of.is_some() => Err(vec![Problem::UnknownDirective { number: f.input.number.trim().to_owned() }]),
            None => prep.create(&f.input, &state.officer, kind == EventKind::Issued),
        };
        match result {
            Ok(event) => {
                f.problems.clear();
                state.next_id += 1;
                state.pending = Some(state.next_id);
                commands.push(UiCommand::Journal(JournalRequest::Append {
                    id: state.next_id,
                    event: Box::new(event),
                    exercise_at: None,
                }));
            }
            Err(ps) => {
                f.problems = ps;
                state.message = None;
            }
        }
    }
    if cancel {
        state.mode = Mode::Browse;
    }
}
