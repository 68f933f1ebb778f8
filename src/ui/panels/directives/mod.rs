//! The Directives tab (指令): the command HQ's directive journal. A list of every directive the
//! board knows, published by feeds (read-only) or logged here, with filters; the selected
//! directive's details and full event history; a form to draft, issue and amend; and the
//! acknowledge / lift / revoke actions. Input is checked by the same code as `sitboard
//! journal` and nothing is sent unless it passes; writes go to the journal worker as
//! commands, and "saved" is shown only once the event is durably on disk.

use chrono::{DateTime, Utc};
use egui::{ComboBox, Grid, RichText, ScrollArea, TextEdit, Ui};

pub(super) mod acks;
mod detail;
mod exports;
mod form;
mod list;

use self::acks::*;
use self::detail::*;
use self::exports::*;
use self::form::*;
use self::list::*;
use super::Panel;
use crate::export::{self, ListRow};
use crate::model::journal::{DirectiveRecord, DraftInput, EventKind, Field, Prepare, Problem};
use crate::model::officer::{Officer, OfficerRole, Refusal};
use crate::model::time::format_local;
use crate::model::{Directive, DirectiveCategory, DirectiveStatus, Priority};
use crate::ui::command::{Commands, UiCommand};
use crate::ui::context::{BoardStatus, ViewerContext};
use crate::ui::workers::journal::{ExportJob, ExportNote, JournalRequest, JournalState, Outcome};
use crate::ui::{theme, widgets};

/// Transient state of the tab.
#[derive(Default)]
pub struct DirectivesPanel {
    officer: String,
    officer_loaded: bool,
    filter: Filter,
    selected: Option<Key>,
    mode: Mode,
    next_id: u64,
    pending: Option<u64>,
    /// The last result shown to the officer: text, and whether it is good news.
    message: Option<(String, bool)>,
    /// The right pane shows the export record instead of a directive.
    show_exports: bool,
    /// An acknowledgment being written (the awaiting list).
    ack_prompt: Option<AckPrompt>,
}

#[derive(Default)]
struct Filter {
    in_force_now: bool,
    only_region: bool,
    category: Option<DirectiveCategory>,
    status: Option<DirectiveStatus>,
}

/// Which directive: by issuing body and number, and whether it is logged here.
#[derive(Clone, Debug, PartialEq)]
struct Key {
    issuer: String,
    number: String,
    logged: bool,
}

#[derive(Default)]
enum Mode {
    #[default]
    Browse,
    Form(Form),
    Action(ActionPrompt),
}

struct Form {
    /// The journal directive being amended or issued; `None` for a new one.
    of: Option<Key>,
    /// Issue a draft (with the form's content) rather than amend it.
    issue_draft: bool,
    input: DraftInput,
    problems: Vec<Problem>,
}

struct ActionPrompt {
    key: Key,
    kind: EventKind,
    text: String,
    problems: Vec<Problem>,
}

/// One entry of the list.
#[derive(Clone, Copy)]
enum Entry<'a> {
    Feed(&'a Directive),
    Logged(&'a DirectiveRecord),
}

impl<'a> Entry<'a> {
    fn directive(self) -> &'a Directive {
        match self {
            Entry::Feed(d) => d,
            Entry::Logged(r) => &r.directive,
        }
    }

    fn key(self) -> Key {
        let d = self.directive();
        Key {
            issuer: d.content.issuer.clone(),
            number: d.content.number.clone(),
            logged: matches!(self, Entry::Logged(_)),
        }
    }

    fn in_force_at(self, t: DateTime<Utc>) -> bool {
        match self {
            Entry::Feed(d) => d.in_force_at(t),
            Entry::Logged(r) => r.in_force_at(t),
        }
    }

    /// When it was issued (drafts: when first recorded), for sorting.
    fn time(self) -> DateTime<Utc> {
        match self {
            Entry::Feed(d) => d.issued_at,
            Entry::Logged(r) => r.issued_at.unwrap_or_else(|| r.created_at()),
        }
    }
}

impl Panel for DirectivesPanel {
    fn ui(&mut self, ui: &mut Ui, v: &ViewerContext<'_>, commands: &mut Commands) {
        show(ui, v, self, commands);
    }
}

fn show(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut DirectivesPanel, commands: &mut Commands) {
    let status = v.status;
    if let Some(o) = status.officer() {
        // Signed in: events are recorded under the officer the hub knows.
        if state.officer != o.id {
            state.officer = o.id.clone();
        }
    } else if !state.officer_loaded {
        state.officer = status.officer.to_owned();
        state.officer_loaded = true;
    }
    take_outcome(v, state);
    toolbar(ui, v, state, commands);
    ui.add_space(6.0);
    awaiting_card(ui, v, state, commands);
    ui.add_space(6.0);
    // "In force" means at the instant in view (the timeline's), as on every other panel.
    let now = v.sit.last_instant();
    let entries = filtered(v, state, now);
    // Open on the newest directive rather than on an empty detail.
    if state.selected.is_none()
        && let Some(first) = entries.first()
    {
        state.selected = Some(first.key());
    }
    let gap = ui.spacing().item_spacing.x;
    let width = ui.available_width();
    let list_width = (width * 0.42).max(320.0);
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(list_width - gap);
            list(ui, v, state, &entries, now, status.push, commands);
        });
        ui.vertical(|ui| {
            ui.set_width((width - list_width - gap).max(200.0));
            ScrollArea::vertical().id_salt("directive_detail").auto_shrink([false, false]).show(ui, |ui| {
                match &mut state.mode {
                    Mode::Form(_) => form(ui, v, state, commands),
                    _ if state.show_exports => export_record(ui, v),
                    _ => detail(ui, v, state, commands),
                }
            });
        });
    });
}

/// React once to the outcome of the request this panel sent.
fn take_outcome(v: &ViewerContext<'_>, state: &mut DirectivesPanel) {
    let status = v.status;
    let j = &v.tr.journal;
    let Some((id, outcome)) = &status.journal.outcome else { return };
    if state.pending != Some(*id) {
        return;
    }
    state.pending = None;
    match outcome {
        Outcome::Saved(ev) => {
            state.message = Some((j.saved(ev.seq, ev.event.kind, &ev.event.number), true));
            state.selected =
                Some(Key { issuer: ev.event.issuer.clone(), number: ev.event.number.clone(), logged: true });
            state.mode = Mode::Browse;
        }
        Outcome::Refused(p) => {
            let text = j.labelled(j.not_saved, &j.problem(p));
            match &mut state.mode {
                Mode::Form(f) => f.problems = vec![p.clone()],
                Mode::Action(a) => a.problems = vec![p.clone()],
                Mode::Browse => {}
            }
            state.message = Some((text, false));
        }
        Outcome::Failed(m) => state.message = Some((j.labelled(j.not_saved, m), false)),
        Outcome::Exported(p) => state.message = Some((format!("{} {}", j.exported, p.display()), true)),
    }
}

fn journal_ready(status: &BoardStatus<'_>) -> bool {
    status.journal.state == JournalState::Ready
}

fn toolbar(ui: &mut Ui, v: &ViewerContext<'_>, state: &mut DirectivesPanel, commands: &mut Commands) {
    let status = v.status;
    let j = &v.tr.journal;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(RichText::new(j.officer).color(theme::TEXT_DIM));
        let signed_in = status.officer().is_some();
        let resp = ui
            .add_enabled(
                !signed_in,
                TextEdit::singleline(&mut state.officer).hint_text(j.officer_hint).desired_width(200.0),
            )
            .labelled_by(label.id);
        if resp.changed() {
            commands.push(UiCommand::SetOfficer(state.officer.clone()));
        }
        let problems: &[Problem] = match &state.mode {
            Mode::Form(f) => &f.problems,
            Mode::Action(a) => &a.problems,
            Mode::Browse => &[],
        };
        let officer_problem = problems.iter().any(|p| p.field() == Some(Field::Officer));
        mark(ui, &resp, officer_problem);
        ui.separator();
        let can_write = journal_ready(status) && state.pending.is_none();
        let refusal = status.officer().and_then(|o| o.may_issue(&v.sit.data().registry, &[]).err());
        if ui.add_enabled(can_write && refusal.is_none(), egui::Button::new(j.new_directive)).clicked() {
            let input = DraftInput {
                issuer: v.sit.journal().default_issuer(),
                scope: v.region.to_string(),
                ..Default::default()
            };
            state.mode = Mode::Form(Form { of: None, issue_draft: false, input, problems: Vec::new() });
            state.message = None;
        }
        if let Some(r) = &refusal {
            let o = &v.tr.officers;
            ui.label(RichText::new(format!("{}{}", o.cannot_issue, o.refusal(r, |c| v.name(c)))).color(theme::WARN));
        }
        let te = &v.tr.export;
        let n = v.sit.journal().exports.len();
        if ui
            .selectable_label(state.show_exports, format!("{} ({n})", te.record_title))
            .on_hover_text(te.record_hint)
            .clicked()
        {
            state.show_exports = !state.show_exports;
        }
        ui.separator();
        match &status.journal.state {
            JournalState::Ready => {
                if let Some(p) = &status.journal.path {
                    ui.label(
                        RichText::new(format!("{} {}", j.journal_file, p.display())).small().color(theme::TEXT_DIM),
                    );
                }
            }
            JournalState::Opening => {
                ui.spinner();
                ui.label(RichText::new(j.opening).small());
            }
            JournalState::None if status.replaying.is_some() => {
                ui.label(RichText::new(j.replay_no_journal).small().color(theme::TEXT_DIM));
            }
            JournalState::None => {
                ui.label(RichText::new(j.no_journal).small().color(theme::WARN));
            }
            JournalState::Failed(m) => {
                ui.label(RichText::new(j.open_failed).color(theme::ALERT)).on_hover_text(m);
                ui.label(RichText::new(m).small().color(theme::ALERT));
            }
        }
        if state.pending.is_some() {
            ui.spinner();
            ui.label(RichText::new(j.saving).color(theme::WARN));
        }
    });
    if status.journal.kind.is_exercise() {
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!(" {} ", j.exercise_badge))
                    .color(theme::BG)
                    .background_color(theme::WARN)
                    .strong(),
            );
            ui.label(RichText::new(j.exercise_banner).color(theme::WARN));
        });
    }
    if let Some(bad) = &status.journal.integrity {
        ui.label(RichText::new(j.labelled(j.broken, &j.bad_event(bad))).color(theme::ALERT));
    }
    if let Some((text, good)) = &state.message {
        ui.label(RichText::new(text).color(if *good { theme::OK } else { theme::ALERT }));
    }
}

/// Why the signed-in officer may not amend, lift or revoke a directive logged here (none:
/// they may, or nobody is signed in). The desktop knows the issuing officer's id (the first
/// event's), not their scope: it judges with the directive's scope; the hub decides.
fn change_refusal(v: &ViewerContext<'_>, r: &DirectiveRecord) -> Option<Refusal> {
    let officer = v.status.officer()?;
    let issuer = Officer {
        id: r.events.first().map(|e| e.event.officer.clone()).unwrap_or_default(),
        name: String::new(),
        unit: String::new(),
        scope: r.content.scope.clone(),
        role: OfficerRole::Issue,
    };
    officer.may_change(&v.sit.data().registry, &issuer).err()
}

/// Why the signed-in officer may not issue a directive over the scope as typed.
fn issue_refusal(v: &ViewerContext<'_>, scope: &str) -> Option<Refusal> {
    let officer = v.status.officer()?;
    let registry = &v.sit.data().registry;
    officer.may_issue(registry, &crate::model::journal::scope_codes(scope, registry)).err()
}
