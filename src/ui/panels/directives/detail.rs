//! The selected directive: its fields, scope, acknowledgments and full event history, with
//! the acknowledge / lift / revoke actions for logged directives.

use super::*;

pub(super) fn find<'a>(v: &ViewerContext<'a>, key: &Key) -> Option<Entry<'a>> {
    if key.logged {
        v.sit.journal().record(&key.issuer, &key.number).map(Entry::Logged)
    } else {
        v.sit
            .data()
            .directives()
            .iter()
            .find(|d| d.content.issuer == key.issuer && d.content.number == key.number)
            .map(Entry::Feed)
    }
}

pub(super) fn detail(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut DirectivesPanel, commands: &mut Commands) {
    let tr = v.tr;
    let j = &tr.journal;
    let Some(entry) = state.selected.as_ref().and_then(|k| find(v, k)) else {
        ui.add_space(20.0);
        ui.label(RichText::new(j.select_hint).color(theme::TEXT_DIM));
        return;
    };
    let d = entry.directive();
    let now = v.sit.last_instant();
    widgets::card(ui, ui.available_width(), |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(&d.content.number).size(theme::TITLE).strong().color(theme::ACCENT));
            badge(ui, v, matches!(entry, Entry::Logged(_)));
            status_chip(ui, v, d, entry.in_force_at(now), now);
        });
        ui.label(RichText::new(&d.content.title).size(theme::HEADING).strong());
        // Values wrap inside the card: a long scope or source never runs past the edge.
        let key_width = 118.0;
        let value_width = (ui.available_width() - key_width - 14.0).max(120.0);
        Grid::new("directive_fields").num_columns(2).spacing([14.0, 4.0]).min_col_width(key_width).show(ui, |ui| {
            let mut row = |k: &str, val: String| {
                ui.label(RichText::new(k).small().color(theme::TEXT_DIM));
                widgets::wrapped_cell(ui, val, value_width);
                ui.end_row();
            };
            row(j.issuer, d.content.issuer.clone());
            row(j.category, tr.journal.directive_category(d.content.category).to_owned());
            row(j.priority, j.priority(d.content.priority).to_owned());
            let scope: Vec<String> = d.content.scope.iter().map(|c| format!("{} {c}", v.name(*c))).collect();
            row(j.scope_label, scope.join(if v.lang.is_en() { "; " } else { "；" }));
            match entry {
                Entry::Logged(r) => {
                    row(j.drafted, format_local(r.created_at()));
                    if let Some(t) = r.issued_at {
                        row(tr.journal.issued, format_local(t));
                    }
                }
                Entry::Feed(_) => row(tr.journal.issued, format_local(d.issued_at)),
            }
            row(j.from, d.content.effective_from.map(format_local).unwrap_or_else(|| j.on_issue.to_owned()));
            let until = match entry {
                Entry::Logged(r) => r.content.effective_until,
                Entry::Feed(_) => d.content.effective_until,
            };
            row(j.until, until.map(format_local).unwrap_or_else(|| j.until_lifted.to_owned()));
            if let Entry::Logged(r) = entry
                && let Some((at, reason)) = &r.ended
            {
                row(j.ended, format!("{} · {} {reason}", format_local(*at), j.status(r.status)));
            }
        });
        if !d.content.body.is_empty() {
            ui.add_space(4.0);
            ui.label(RichText::new(&d.content.body));
        }
    });
    units_status(ui, v, d);
    match entry {
        Entry::Feed(d) => {
            ui.add_space(6.0);
            ui.label(RichText::new(tr.journal.feed_directive).color(theme::TEXT_DIM));
            ui.label(RichText::new(j.feed_history_note).small().color(theme::TEXT_DIM));
            if let Some(r) = &d.reference {
                ui.label(RichText::new(format!("{}: {r}", tr.overview.reported_from)).small().color(theme::TEXT_DIM));
            }
        }
        Entry::Logged(r) => logged_detail(ui, v, state, r, commands),
    }
}

pub(super) fn logged_detail(
    ui: &mut Ui,
    v: &ViewerContext<'_>,
    state: &mut DirectivesPanel,
    r: &DirectiveRecord,
    commands: &mut Commands,
) {
    let status = v.status;
    let tr = v.tr;
    let j = &tr.journal;
    let key = Key { issuer: r.issuer().to_owned(), number: r.number().to_owned(), logged: true };
    ui.add_space(6.0);
    // Actions the status allows.
    let can_write = journal_ready(status) && state.pending.is_none();
    let change_refused = change_refusal(v, r);
    let view_only = status.officer().is_some_and(|o| o.role == OfficerRole::View);
    ui.horizontal_wrapped(|ui| {
        for kind in r.allowed_actions() {
            let label = match kind {
                EventKind::Issued => j.issue_draft,
                EventKind::Acknowledged => j.acknowledge,
                EventKind::Amended => j.amend,
                EventKind::Lifted => j.lift,
                EventKind::Revoked => j.revoke,
                EventKind::Drafted => continue,
            };
            let refused = match kind {
                EventKind::Acknowledged => view_only,
                _ => change_refused.is_some(),
            };
            if ui.add_enabled(can_write && !refused, egui::Button::new(label)).clicked() {
                state.message = None;
                state.mode = match kind {
                    EventKind::Issued | EventKind::Amended => Mode::Form(Form {
                        of: Some(key.clone()),
                        issue_draft: kind == EventKind::Issued,
                        input: DraftInput::from_content(&r.content),
                        problems: Vec::new(),
                    }),
                    _ => {
                        Mode::Action(ActionPrompt { key: key.clone(), kind, text: String::new(), problems: Vec::new() })
                    }
                };
            }
        }
    });
    if let Some(why) = &change_refused {
        let o = &tr.officers;
        ui.label(RichText::new(format!("{}{}", o.cannot_change, o.refusal(why, |c| v.name(c)))).color(theme::WARN));
    }
    if let Mode::Action(a) = &mut state.mode
        && a.key == key
    {
        let (label, confirm) = match a.kind {
            EventKind::Acknowledged => (j.unit, j.confirm_ack),
            EventKind::Lifted => (j.reason, j.confirm_lift),
            _ => (j.reason, j.confirm_revoke),
        };
        let mut submit = false;
        let mut cancel = false;
        widgets::card(ui, ui.available_width(), |ui| {
            let l = ui.label(RichText::new(label).color(theme::TEXT_DIM));
            let edit = if a.kind == EventKind::Acknowledged {
                TextEdit::singleline(&mut a.text)
            } else {
                TextEdit::multiline(&mut a.text).desired_rows(2)
            };
            ui.add(edit.desired_width(f32::INFINITY)).labelled_by(l.id);
            problems(ui, v, &a.problems);
            ui.horizontal(|ui| {
                submit = ui.add_enabled(can_write, primary(confirm)).clicked();
                cancel = ui.add(secondary(j.cancel)).clicked();
            });
        });
        if submit {
            let prep = Prepare {
                journal: v.sit.journal(),
                registry: &v.sit.data().registry,
                feed: v.sit.data().directives(),
                now: v.status.clock,
            };
            match prep.action(r, a.kind, &state.officer, &a.text) {
                Ok(event) => {
                    state.next_id += 1;
                    state.pending = Some(state.next_id);
                    commands.push(UiCommand::Journal(JournalRequest::Append {
                        id: state.next_id,
                        event: Box::new(event),
                        exercise_at: None,
                    }));
                }
                Err(ps) => a.problems = ps,
            }
        }
        if cancel {
            state.mode = Mode::Browse;
        }
    }

    ui.add_space(8.0);
    ui.label(RichText::new(j.acknowledgments).size(theme::KPI_LABEL).color(theme::TEXT_DIM));
    if r.acknowledgments.is_empty() {
        ui.label(RichText::new(j.no_acks).small().color(theme::TEXT_DIM));
    }
    for a in &r.acknowledgments {
        ui.label(format!("{} · {} · {}", a.unit, format_local(a.at), a.officer));
    }

    ui.add_space(8.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(j.history).size(theme::KPI_LABEL).color(theme::TEXT_DIM));
        let now = v.status.clock;
        let registry = Some(&v.sit.data().registry);
        let en = v.lang.is_en();
        let safe: String = r.number().chars().map(|c| if c.is_alphanumeric() { c } else { '_' }).collect();
        let stamp = now.with_timezone(&crate::model::time::china()).format("%Y%m%d-%H%M%S");
        if ui.small_button(j.export_history_csv).clicked() {
            let contents = export::history_csv(r, tr);
            send_export(state, commands, v, "csv:history", format!("history-{safe}-{stamp}.csv"), contents);
        }
        if ui.small_button(j.export_history_html).clicked() {
            let contents = export::history_html(r, tr, registry, en, now);
            send_export(state, commands, v, "html:history", format!("history-{safe}-{stamp}.html"), contents);
        }
    });
    Grid::new("directive_history").striped(true).num_columns(6).spacing([14.0, 4.0]).show(ui, |ui| {
        for h in [j.col_seq, j.col_time, j.col_event, j.col_officer, j.col_detail, j.col_hash] {
            ui.label(RichText::new(h).small().color(theme::TEXT_DIM));
        }
        ui.end_row();
        for e in &r.events {
            ui.label(format!("#{}", e.seq));
            ui.label(format_local(e.at));
            ui.label(RichText::new(j.event(e.event.kind)).strong());
            ui.label(&e.event.officer);
            let detail = j.event_detail(e);
            ui.label(detail);
            ui.label(RichText::new(e.hash.get(..12).unwrap_or(&e.hash)).small().monospace().color(theme::TEXT_DIM))
                .on_hover_text(&e.hash);
            ui.end_row();
        }
    });
}
