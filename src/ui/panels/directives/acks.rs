//! Acknowledgments (issue 12): the units a directive addresses and where each stands at the
//! instant in view — acknowledged (when, by whom, note), awaiting (due in …), overdue (red) —
//! and, for the signed-in officer, the directives awaiting their units' acknowledgment with
//! one action per unit. Who may acknowledge for which unit is `model::officer`'s rule; an
//! acknowledgment is written to the local journal (an external acknowledgment of the hub's
//! directive) and travels to the hub through the outbox.

use super::*;
use crate::model::Adcode;
use crate::model::journal::Acknowledgment;
use crate::model::officer::{Ack, AckState, Addressee, Officer, OfficerRole};

/// An acknowledgment being written: the directive, the unit, the note.
pub(super) struct AckPrompt {
    issuer: String,
    number: String,
    unit: Adcode,
    note: String,
    problems: Vec<Problem>,
}

/// The units a directive addresses: its own (a hub directive in the feed), or — for one
/// logged here and published by the hub — those of the hub's copy.
pub(super) fn addressed_of<'a>(v: &ViewerContext<'a>, d: &'a Directive) -> &'a [Addressee] {
    if !d.addressed.is_empty() {
        return &d.addressed;
    }
    v.sit
        .data()
        .directives()
        .iter()
        .find(|f| f.content.issuer == d.content.issuer && f.content.number == d.content.number)
        .map(|f| f.addressed.as_slice())
        .unwrap_or(&[])
}

/// Where an addressed unit stands, as the board shows it.
#[derive(Clone, Copy)]
pub(super) enum UnitState<'a> {
    /// As the hub publishes it, at the instant in view (with the acknowledgment, if any).
    Hub(AckState, Option<&'a Ack>),
    /// Acknowledged here, not yet published by the hub: on its way through the outbox.
    Sending(&'a Acknowledgment),
    /// Acknowledged here, and the hub refused it (its reason).
    Refused(&'a str),
}

impl UnitState<'_> {
    /// Order of urgency: overdue, then awaiting, then on its way, then done.
    fn rank(self) -> u8 {
        match self {
            UnitState::Hub(AckState::Overdue { .. }, _) => 0,
            UnitState::Hub(AckState::Awaiting { .. }, _) => 1,
            UnitState::Refused(..) => 2,
            UnitState::Sending(_) => 3,
            UnitState::Hub(AckState::Acknowledged { .. }, _) => 4,
        }
    }
}

pub(super) fn unit_state<'a>(
    v: &ViewerContext<'a>,
    d: &Directive,
    a: &'a Addressee,
    now: DateTime<Utc>,
) -> UnitState<'a> {
    let state = a.state_at(d.issued_at, d.content.priority, &v.status.ack_deadlines, now);
    if matches!(state, AckState::Acknowledged { .. }) {
        return UnitState::Hub(state, a.ack.as_ref());
    }
    match v.sit.journal().external_ack(&d.content.issuer, &d.content.number, &a.unit.to_string()) {
        Some(local) => match v.status.push.and_then(|p| p.refusal(local.seq)) {
            Some(why) => UnitState::Refused(why),
            None => UnitState::Sending(local),
        },
        None => UnitState::Hub(state, None),
    }
}

/// `1/2 已确认` for a directive that addresses units (none otherwise).
pub(super) fn count_line(v: &ViewerContext<'_>, d: &Directive, now: DateTime<Utc>) -> Option<(String, bool)> {
    let addressed = addressed_of(v, d);
    if addressed.is_empty() {
        return None;
    }
    let states: Vec<UnitState<'_>> = addressed.iter().map(|a| unit_state(v, d, a, now)).collect();
    let done = states.iter().filter(|s| matches!(s, UnitState::Hub(AckState::Acknowledged { .. }, _))).count();
    let overdue = states.iter().any(|s| matches!(s, UnitState::Hub(AckState::Overdue { .. }, _)));
    Some((v.tr.officers.n_of_m(done, addressed.len()), overdue))
}

/// The text and colour of a unit's state.
fn state_text(v: &ViewerContext<'_>, s: UnitState<'_>, now: DateTime<Utc>) -> (String, egui::Color32) {
    let o = &v.tr.officers;
    match s {
        UnitState::Hub(AckState::Acknowledged { at }, ack) => {
            let mut parts = vec![o.acknowledged.to_owned(), format_local(at)];
            if let Some(a) = ack {
                parts.push(o.by(&a.officer));
                if let Some(n) = a.note.as_deref().filter(|n| !n.is_empty()) {
                    parts.push(n.to_owned());
                }
            }
            (parts.join(" · "), theme::OK)
        }
        UnitState::Hub(AckState::Awaiting { due }, _) => {
            (format!("{} · {} ({})", o.awaiting, o.due_in(due - now), o.due(&format_local(due))), theme::WARN)
        }
        UnitState::Hub(AckState::Overdue { due }, _) => {
            (format!("{} · {} ({})", o.overdue, o.overdue_by(now - due), o.due(&format_local(due))), theme::ALERT)
        }
        UnitState::Sending(a) => (format!("{} · {}", o.sending, format_local(a.at)), theme::ACCENT),
        UnitState::Refused(why) => (format!("{}: {why}", v.tr.live.refused_by_hub), theme::ALERT),
    }
}

/// The issuer's view: per addressed unit, its state at the instant in view.
pub(super) fn units_status(ui: &mut Ui, v: &ViewerContext<'_>, d: &Directive) {
    let addressed = addressed_of(v, d);
    if addressed.is_empty() {
        return;
    }
    let now = v.deadline_now();
    let o = &v.tr.officers;
    ui.add_space(8.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(o.units_title).size(theme::KPI_LABEL).color(theme::TEXT_DIM));
        if let Some((line, overdue)) = count_line(v, d, now) {
            ui.label(RichText::new(line).strong().color(if overdue { theme::ALERT } else { theme::TEXT }));
        }
    });
    Grid::new("directive_units").striped(true).num_columns(2).spacing([14.0, 4.0]).show(ui, |ui| {
        for a in addressed {
            ui.label(format!("{} {}", v.name(a.unit), a.unit));
            let (text, colour) = state_text(v, unit_state(v, d, a, now), now);
            let r = ui.label(RichText::new(text).color(colour));
            if matches!(unit_state(v, d, a, now), UnitState::Sending(_)) {
                r.on_hover_text(o.sending_hint);
            }
            ui.end_row();
        }
    });
}

/// One unit awaiting the signed-in officer's acknowledgment.
struct Awaiting<'a> {
    d: &'a Directive,
    unit: Adcode,
    state: UnitState<'a>,
    due: DateTime<Utc>,
}

/// The directives addressed to units within `officer`'s scope that are not acknowledged at
/// `now`: overdue first, then by how soon they are due; those on their way last.
fn awaiting<'a>(v: &ViewerContext<'a>, officer: &Officer, now: DateTime<Utc>) -> Vec<Awaiting<'a>> {
    let data = v.sit.data();
    let mut out = Vec::new();
    for d in data.directives() {
        if d.addressed.is_empty()
            || d.issued_at > now
            || matches!(d.status, DirectiveStatus::Draft | DirectiveStatus::Revoked)
        {
            continue;
        }
        let codes: Vec<Adcode> = d.addressed.iter().map(|a| a.unit).collect();
        // "Awaiting YOUR acknowledgment": the units the officer stands for themselves. An
        // officer above them may still acknowledge on their behalf (the rule allows it, in
        // the directive's detail), but a province officer's list is not every district's.
        let own =
            officer.units_to_acknowledge(&data.registry, &codes).into_iter().filter(|u| officer.scope.contains(u));
        for unit in own {
            let Some(a) = d.addressed.iter().find(|a| a.unit == unit) else { continue };
            let state = unit_state(v, d, a, now);
            if matches!(state, UnitState::Hub(AckState::Acknowledged { .. }, _)) {
                continue;
            }
            let due = d.issued_at + v.status.ack_deadlines.for_priority(d.content.priority);
            out.push(Awaiting { d, unit, state, due });
        }
    }
    out.sort_by_key(|w| (w.state.rank(), w.due, std::cmp::Reverse(w.d.content.priority)));
    out
}

/// "待确认 / Awaiting your acknowledgment": shown to a signed-in officer who may acknowledge.
pub(super) fn awaiting_card(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut DirectivesPanel, commands: &mut Commands) {
    let Some(officer) = v.status.officer() else { return };
    if officer.role == OfficerRole::View {
        return;
    }
    let o = &v.tr.officers;
    let now = v.deadline_now();
    let rows = awaiting(v, officer, now);
    let can_write = journal_ready(v.status) && state.pending.is_none();
    let mut send: Option<(usize, String)> = None;
    let mut cancel = false;
    widgets::card(ui, ui.available_width(), |ui| {
        ui.horizontal_wrapped(|ui| {
            let open = rows.iter().filter(|r| r.state.rank() < 2).count();
            ui.label(RichText::new(format!("{} ({open})", o.awaiting_title)).size(theme::HEADING).strong())
                .on_hover_text(o.awaiting_hint);
        });
        if rows.is_empty() {
            ui.label(RichText::new(o.awaiting_none).color(theme::TEXT_DIM));
        }
        ScrollArea::vertical().id_salt("awaiting_acks").max_height(220.0).show(ui, |ui| {
            for (i, row) in rows.iter().enumerate() {
                let d = row.d;
                ui.horizontal_wrapped(|ui| {
                    let (text, colour) = state_text(v, row.state, now);
                    ui.label(RichText::new(text).small().strong().color(colour));
                    ui.label(RichText::new(format!("{}  {}", d.content.number, d.content.title)).strong());
                    ui.label(RichText::new(format!("→ {} {}", v.name(row.unit), row.unit)).color(theme::ACCENT));
                    ui.label(RichText::new(j_priority(v, d)).small().color(theme::TEXT_DIM));
                    let open = matches!(row.state, UnitState::Hub(..));
                    let prompting = state.ack_prompt.as_ref().is_some_and(|p| {
                        p.issuer == d.content.issuer && p.number == d.content.number && p.unit == row.unit
                    });
                    if open && !prompting && ui.add_enabled(can_write, egui::Button::new(o.acknowledge)).clicked() {
                        state.message = None;
                        state.ack_prompt = Some(AckPrompt {
                            issuer: d.content.issuer.clone(),
                            number: d.content.number.clone(),
                            unit: row.unit,
                            note: String::new(),
                            problems: Vec::new(),
                        });
                    }
                });
                let Some(p) = state
                    .ack_prompt
                    .as_mut()
                    .filter(|p| p.issuer == d.content.issuer && p.number == d.content.number && p.unit == row.unit)
                else {
                    continue;
                };
                ui.horizontal_wrapped(|ui| {
                    let l = ui.label(RichText::new(o.note).color(theme::TEXT_DIM));
                    // A stable id: the list may move while the officer types (new data arrives).
                    let id = ("ack_note", p.issuer.as_str(), p.number.as_str(), p.unit);
                    ui.add(TextEdit::singleline(&mut p.note).id_salt(id).desired_width(320.0)).labelled_by(l.id);
                    if ui.add_enabled(can_write, primary(o.send_ack)).clicked() {
                        send = Some((i, p.note.clone()));
                    }
                    cancel = ui.add(secondary(v.tr.journal.cancel)).clicked();
                });
                problems(ui, v, &p.problems);
            }
        });
    });
    if cancel {
        state.ack_prompt = None;
    }
    let Some((i, note)) = send else { return };
    let Some(row) = rows.get(i) else { return };
    let registry = &v.sit.data().registry;
    let codes: Vec<Adcode> = row.d.addressed.iter().map(|a| a.unit).collect();
    if let Err(r) = officer.may_acknowledge(registry, &codes, row.unit) {
        state.message = Some((o.refusal(&r, |c| v.name(c)), false));
        return;
    }
    let prep = Prepare { journal: v.sit.journal(), registry, feed: v.sit.data().directives(), now: v.status.clock };
    match prep.acknowledge_feed(row.d, row.unit, &officer.id, &note) {
        Ok(event) => {
            state.next_id += 1;
            state.pending = Some(state.next_id);
            state.ack_prompt = None;
            commands.push(UiCommand::Journal(JournalRequest::Acknowledge {
                id: state.next_id,
                event: Box::new(event),
                exercise_at: None,
            }));
        }
        Err(ps) => {
            if let Some(p) = &mut state.ack_prompt {
                p.problems = ps;
            }
        }
    }
}

fn j_priority(v: &ViewerContext<'_>, d: &Directive) -> String {
    v.tr.journal.priority(d.content.priority).to_owned()
}

/// The addressed units within `region` that are overdue at `now`, with the directive and by
/// how much, most overdue first (the wall's alert). A unit acknowledged here and on its way
/// to the hub is not overdue.
pub(in crate::ui::panels) fn overdue_within<'a>(
    v: &ViewerContext<'a>,
    region: Adcode,
    now: DateTime<Utc>,
) -> Vec<(&'a Directive, Adcode, chrono::Duration)> {
    let registry = &v.sit.data().registry;
    let mut out = Vec::new();
    for d in v.sit.data().directives() {
        if matches!(d.status, DirectiveStatus::Draft | DirectiveStatus::Revoked) {
            continue;
        }
        for a in d.addressed.iter().filter(|a| a.unit == region || registry.is_within(a.unit, region)) {
            if let UnitState::Hub(AckState::Overdue { due }, _) = unit_state(v, d, a, now) {
                out.push((d, a.unit, now - due));
            }
        }
    }
    out.sort_by_key(|(_, _, by)| std::cmp::Reverse(*by));
    out
}
