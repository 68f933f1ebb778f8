//! The Directives tab (指令): the command HQ's directive journal. A list of every directive the
//! board knows, published by feeds (read-only) or logged here, with filters; the selected
//! directive's details and full event history; a form to draft, issue and amend; and the
//! acknowledge / lift / revoke actions. Input is checked by the same code as `sitboard
//! journal` and nothing is sent unless it passes; writes go to the journal worker as
//! commands, and "saved" is shown only once the event is durably on disk.

use chrono::{DateTime, Utc};
use egui::{ComboBox, Grid, RichText, ScrollArea, TextEdit, Ui};

use super::{Status, View};
use crate::export::{self, ListRow};
use crate::model::journal::{DirectiveRecord, DraftInput, EventKind, Field, Prepare, Problem};
use crate::model::time::format_local;
use crate::model::{Directive, DirectiveCategory, DirectiveStatus, Priority};
use crate::ui::app::UiCommand;
use crate::ui::journal_worker::{JournalRequest, JournalState, Outcome};
use crate::ui::{theme, widgets};

/// Transient state of the tab.
#[derive(Default)]
pub struct DirectivesState {
    officer: String,
    officer_loaded: bool,
    filter: Filter,
    selected: Option<Key>,
    mode: Mode,
    next_id: u64,
    pending: Option<u64>,
    /// The last result shown to the officer: text, and whether it is good news.
    message: Option<(String, bool)>,
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

pub fn ui(ui: &mut Ui, v: &View<'_>, status: &Status<'_>, state: &mut DirectivesState, commands: &mut Vec<UiCommand>) {
    if !state.officer_loaded {
        state.officer = status.officer.to_owned();
        state.officer_loaded = true;
    }
    take_outcome(v, status, state);
    toolbar(ui, v, status, state, commands);
    ui.add_space(6.0);
    let now = Utc::now();
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
            list(ui, v, state, &entries, now, status.sync, commands);
        });
        ui.vertical(|ui| {
            ui.set_width((width - list_width - gap).max(200.0));
            ScrollArea::vertical().id_salt("directive_detail").auto_shrink([false, false]).show(ui, |ui| {
                match &mut state.mode {
                    Mode::Form(_) => form(ui, v, status, state, commands),
                    _ => detail(ui, v, status, state, commands),
                }
            });
        });
    });
}

/// React once to the outcome of the request this panel sent.
fn take_outcome(v: &View<'_>, status: &Status<'_>, state: &mut DirectivesState) {
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

fn journal_ready(status: &Status<'_>) -> bool {
    status.journal.state == JournalState::Ready
}

fn toolbar(ui: &mut Ui, v: &View<'_>, status: &Status<'_>, state: &mut DirectivesState, commands: &mut Vec<UiCommand>) {
    let j = &v.tr.journal;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(RichText::new(j.officer).color(theme::TEXT_DIM));
        let resp = ui
            .add(TextEdit::singleline(&mut state.officer).hint_text(j.officer_hint).desired_width(200.0))
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
        if ui.add_enabled(can_write, egui::Button::new(j.new_directive)).clicked() {
            let input = DraftInput {
                issuer: v.sit.journal().default_issuer(),
                scope: v.region.to_string(),
                ..Default::default()
            };
            state.mode = Mode::Form(Form { of: None, issue_draft: false, input, problems: Vec::new() });
            state.message = None;
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
    if let Some(bad) = &status.journal.integrity {
        ui.label(RichText::new(j.labelled(j.broken, &j.bad_event(bad))).color(theme::ALERT));
    }
    if let Some((text, good)) = &state.message {
        ui.label(RichText::new(text).color(if *good { theme::OK } else { theme::ALERT }));
    }
}

/// The entries that pass the filters, newest first.
fn filtered<'a>(v: &View<'a>, state: &DirectivesState, now: DateTime<Utc>) -> Vec<Entry<'a>> {
    let sit = v.sit;
    let data = sit.data();
    let f = &state.filter;
    let mut out: Vec<Entry<'a>> = sit
        .feed_directives()
        .map(Entry::Feed)
        .chain(sit.journal().records().iter().map(Entry::Logged))
        .filter(|e| {
            let d = e.directive();
            (!f.in_force_now || e.in_force_at(now))
                && (!f.only_region || data.scope_touches(&d.content.scope, v.region))
                && f.category.is_none_or(|c| d.content.category == c)
                && f.status.is_none_or(|s| d.status == s)
        })
        .collect();
    out.sort_by_key(|e| std::cmp::Reverse(e.time()));
    out
}

fn list(
    ui: &mut Ui,
    v: &View<'_>,
    state: &mut DirectivesState,
    entries: &[Entry<'_>],
    now: DateTime<Utc>,
    sync: Option<&crate::sync::SyncStatus>,
    commands: &mut Vec<UiCommand>,
) {
    let tr = v.tr;
    let j = &tr.journal;
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut state.filter.in_force_now, j.in_force_now).on_hover_text(j.in_force_now_hint);
        ui.checkbox(&mut state.filter.only_region, format!("{} ({})", j.only_region, v.name(v.region)));
    });
    ui.horizontal_wrapped(|ui| {
        let cat = state.filter.category.map(|c| tr.directive_category(c)).unwrap_or(j.all_categories);
        ComboBox::from_id_salt("directive_category_filter").selected_text(cat).show_ui(ui, |ui| {
            ui.selectable_value(&mut state.filter.category, None, j.all_categories);
            for c in DirectiveCategory::ALL {
                ui.selectable_value(&mut state.filter.category, Some(c), tr.directive_category(c));
            }
        });
        let st = state.filter.status.map(|s| j.status(s)).unwrap_or(j.all_statuses);
        ComboBox::from_id_salt("directive_status_filter").selected_text(st).show_ui(ui, |ui| {
            ui.selectable_value(&mut state.filter.status, None, j.all_statuses);
            for s in [
                DirectiveStatus::Draft,
                DirectiveStatus::InForce,
                DirectiveStatus::Lifted,
                DirectiveStatus::Revoked,
                DirectiveStatus::Superseded,
            ] {
                ui.selectable_value(&mut state.filter.status, Some(s), j.status(s));
            }
        });
        ui.label(RichText::new(j.n_directives(entries.len())).small().color(theme::TEXT_DIM));
    });
    ui.horizontal_wrapped(|ui| {
        let rows: Vec<ListRow<'_>> = entries
            .iter()
            .map(|e| ListRow {
                directive: e.directive(),
                logged: matches!(e, Entry::Logged(_)),
                acknowledgments: match e {
                    Entry::Logged(r) => r.acknowledgments.len(),
                    Entry::Feed(_) => 0,
                },
            })
            .collect();
        let registry = Some(&v.sit.data().registry);
        let en = v.lang.is_en();
        let stamp = now.with_timezone(&crate::model::time::china()).format("%Y%m%d-%H%M%S");
        if ui.small_button(j.export_list_csv).on_hover_text(j.export_hint).clicked() {
            let contents = export::list_csv(&rows, tr, registry, en);
            send_export(state, commands, format!("directives-{stamp}.csv"), contents);
        }
        if ui.small_button(j.export_list_html).on_hover_text(j.export_hint).clicked() {
            let contents = export::list_html(&rows, tr, registry, en, now);
            send_export(state, commands, format!("directives-{stamp}.html"), contents);
        }
    });
    ui.separator();
    ScrollArea::vertical().id_salt("directive_list").auto_shrink([false, false]).show(ui, |ui| {
        if entries.is_empty() {
            ui.label(RichText::new(j.list_empty).color(theme::TEXT_DIM));
        }
        for e in entries {
            let d = e.directive();
            let key = e.key();
            let selected = state.selected.as_ref() == Some(&key);
            ui.horizontal_wrapped(|ui| {
                badge(ui, v, matches!(e, Entry::Logged(_)));
                status_chip(ui, v, d, e.in_force_at(now));
                if let (Entry::Logged(r), Some(s)) = (e, sync) {
                    super::live::sync_chip(ui, tr, r, s);
                }
                ui.label(RichText::new(tr.directive_category(d.content.category)).small().color(theme::TEXT_DIM));
            });
            let text = RichText::new(format!("{}  {}", d.content.number, d.content.title)).strong();
            if ui.selectable_label(selected, text).clicked() {
                state.selected = Some(key);
                if !matches!(state.mode, Mode::Form(_)) {
                    state.mode = Mode::Browse;
                }
            }
            let when = match e {
                Entry::Logged(r) if r.issued_at.is_none() => format!("{} {}", j.drafted, format_local(r.created_at())),
                _ => format!("{} {}", tr.issued, format_local(d.issued_at)),
            };
            ui.label(RichText::new(format!("{when} · {}", d.content.issuer)).small().color(theme::TEXT_DIM));
            ui.add_space(4.0);
        }
    });
}

fn send_export(state: &mut DirectivesState, commands: &mut Vec<UiCommand>, file_name: String, contents: String) {
    state.next_id += 1;
    state.pending = Some(state.next_id);
    commands.push(UiCommand::Journal(JournalRequest::Export { id: state.next_id, file_name, contents }));
}

fn badge(ui: &mut Ui, v: &View<'_>, logged: bool) {
    let j = &v.tr.journal;
    let (text, colour, hover) = if logged {
        (j.badge_local, theme::OK, j.badge_local_hint)
    } else {
        (j.badge_feed, theme::ACCENT, v.tr.feed_directive)
    };
    widgets::chip(ui, text, colour).on_hover_text(hover);
}

/// The status, green when in force now. A feed's status holds as of its data, which the
/// hover says.
fn status_chip(ui: &mut Ui, v: &View<'_>, d: &Directive, in_force_now: bool) {
    let status = d.status;
    let colour = match status {
        DirectiveStatus::InForce if in_force_now => theme::OK,
        DirectiveStatus::InForce => theme::TEXT_DIM,
        DirectiveStatus::Draft => theme::WARN,
        DirectiveStatus::Revoked => theme::ALERT,
        DirectiveStatus::Lifted | DirectiveStatus::Superseded => theme::TEXT_DIM,
    };
    let chip = ui.label(RichText::new(v.tr.journal.status(status)).small().strong().color(colour));
    if let Some(k) = d.known_until {
        chip.on_hover_text(format!("{} {}", v.tr.as_of, crate::model::time::format_as_of(k)));
    }
}

fn find<'a>(v: &View<'a>, key: &Key) -> Option<Entry<'a>> {
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

fn detail(ui: &mut Ui, v: &View<'_>, status: &Status<'_>, state: &mut DirectivesState, commands: &mut Vec<UiCommand>) {
    let tr = v.tr;
    let j = &tr.journal;
    let Some(entry) = state.selected.as_ref().and_then(|k| find(v, k)) else {
        ui.add_space(20.0);
        ui.label(RichText::new(j.select_hint).color(theme::TEXT_DIM));
        return;
    };
    let d = entry.directive();
    let now = Utc::now();
    widgets::card(ui, ui.available_width(), |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(&d.content.number).size(theme::TITLE).strong().color(theme::ACCENT));
            badge(ui, v, matches!(entry, Entry::Logged(_)));
            status_chip(ui, v, d, entry.in_force_at(now));
        });
        ui.label(RichText::new(&d.content.title).size(theme::HEADING).strong());
        Grid::new("directive_fields").num_columns(2).spacing([14.0, 4.0]).show(ui, |ui| {
            let mut row = |k: &str, val: String| {
                ui.label(RichText::new(k).small().color(theme::TEXT_DIM));
                ui.label(val);
                ui.end_row();
            };
            row(j.issuer, d.content.issuer.clone());
            row(j.category, tr.directive_category(d.content.category).to_owned());
            row(j.priority, j.priority(d.content.priority).to_owned());
            let scope: Vec<String> = d.content.scope.iter().map(|c| format!("{} {c}", v.name(*c))).collect();
            row(j.scope_label, scope.join(if v.lang.is_en() { "; " } else { "；" }));
            match entry {
                Entry::Logged(r) => {
                    row(j.drafted, format_local(r.created_at()));
                    if let Some(t) = r.issued_at {
                        row(tr.issued, format_local(t));
                    }
                }
                Entry::Feed(_) => row(tr.issued, format_local(d.issued_at)),
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
    match entry {
        Entry::Feed(d) => {
            ui.add_space(6.0);
            ui.label(RichText::new(tr.feed_directive).color(theme::TEXT_DIM));
            ui.label(RichText::new(j.feed_history_note).small().color(theme::TEXT_DIM));
            if let Some(r) = &d.reference {
                ui.label(RichText::new(format!("{}: {r}", tr.reported_from)).small().color(theme::TEXT_DIM));
            }
        }
        Entry::Logged(r) => logged_detail(ui, v, status, state, r, commands),
    }
}

fn logged_detail(
    ui: &mut Ui,
    v: &View<'_>,
    status: &Status<'_>,
    state: &mut DirectivesState,
    r: &DirectiveRecord,
    commands: &mut Vec<UiCommand>,
) {
    let tr = v.tr;
    let j = &tr.journal;
    let key = Key { issuer: r.issuer().to_owned(), number: r.number().to_owned(), logged: true };
    ui.add_space(6.0);
    // Actions the status allows.
    let can_write = journal_ready(status) && state.pending.is_none();
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
            if ui.add_enabled(can_write, egui::Button::new(label)).clicked() {
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
                now: Utc::now(),
            };
            match prep.action(r, a.kind, &state.officer, &a.text) {
                Ok(event) => {
                    state.next_id += 1;
                    state.pending = Some(state.next_id);
                    commands
                        .push(UiCommand::Journal(JournalRequest::Append { id: state.next_id, event: Box::new(event) }));
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
        let now = Utc::now();
        let registry = Some(&v.sit.data().registry);
        let en = v.lang.is_en();
        let safe: String = r.number().chars().map(|c| if c.is_alphanumeric() { c } else { '_' }).collect();
        let stamp = now.with_timezone(&crate::model::time::china()).format("%Y%m%d-%H%M%S");
        if ui.small_button(j.export_history_csv).clicked() {
            let contents = export::history_csv(r, tr);
            send_export(state, commands, format!("history-{safe}-{stamp}.csv"), contents);
        }
        if ui.small_button(j.export_history_html).clicked() {
            let contents = export::history_html(r, tr, registry, en, now);
            send_export(state, commands, format!("history-{safe}-{stamp}.html"), contents);
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

/// A labelled text field in the form's grid, outlined when a problem is about it.
fn text_field(ui: &mut Ui, label: &str, edit: TextEdit<'_>, enabled: bool, bad: bool) {
    let l = ui.label(label);
    let r = ui.add_enabled(enabled, edit).labelled_by(l.id);
    mark(ui, &r, bad);
    ui.end_row();
}

fn single(width: f32, text: &mut String) -> TextEdit<'_> {
    TextEdit::singleline(text).desired_width(width)
}

/// Outline a field that a problem is about.
fn mark(ui: &Ui, resp: &egui::Response, bad: bool) {
    if bad {
        let stroke = egui::Stroke::new(1.5, theme::ALERT);
        ui.painter().rect_stroke(resp.rect.expand(2.0), 4.0, stroke, egui::StrokeKind::Outside);
    }
}

/// The button that saves (stands out inside a card).
fn primary(text: &str) -> egui::Button<'_> {
    egui::Button::new(RichText::new(text).strong()).fill(egui::Color32::from_rgb(0x1b, 0x5f, 0x9e))
}

fn secondary(text: &str) -> egui::Button<'_> {
    egui::Button::new(text).fill(theme::CARD_BORDER)
}

fn problems(ui: &mut Ui, v: &View<'_>, list: &[Problem]) {
    let j = &v.tr.journal;
    if list.is_empty() {
        return;
    }
    ui.label(RichText::new(j.labelled(j.not_saved, "")).strong().color(theme::ALERT));
    for p in list {
        ui.label(RichText::new(format!("• {}", j.problem(p))).color(theme::ALERT));
    }
}

fn form(ui: &mut Ui, v: &View<'_>, status: &Status<'_>, state: &mut DirectivesState, commands: &mut Vec<UiCommand>) {
    let tr = v.tr;
    let j = &tr.journal;
    let can_write = journal_ready(status) && state.pending.is_none();
    let Mode::Form(f) = &mut state.mode else { return };
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
        Grid::new("directive_form").num_columns(2).spacing([14.0, 8.0]).show(ui, |ui| {
            let amending = f.of.is_some();
            text_field(
                ui,
                j.number,
                single(wide, &mut f.input.number).hint_text("绥指公4号"),
                !amending,
                bad(Field::Number),
            );
            text_field(ui, j.issuer, single(wide, &mut f.input.issuer), !amending, bad(Field::Issuer));
            text_field(ui, j.title, single(wide, &mut f.input.title), true, bad(Field::Title));
            let body = TextEdit::multiline(&mut f.input.body).desired_rows(5).desired_width(wide);
            text_field(ui, j.body, body, true, bad(Field::Body));
            ui.label(j.category);
            ComboBox::from_id_salt("directive_form_category")
                .selected_text(tr.directive_category(f.input.category))
                .show_ui(ui, |ui| {
                    for c in DirectiveCategory::ALL {
                        ui.selectable_value(&mut f.input.category, c, tr.directive_category(c));
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
                mark(ui, &r, bad(Field::Scope));
                if ui.small_button(format!("+ {} ({} {})", j.add_region, v.name(v.region), v.region)).clicked() {
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
            text_field(ui, j.from, single(wide, &mut f.input.from).hint_text(j.from_hint), true, bad(Field::From));
            text_field(ui, j.until, single(wide, &mut f.input.until).hint_text(j.until_hint), true, bad(Field::Until));
        });
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
            now: Utc::now(),
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
                commands.push(UiCommand::Journal(JournalRequest::Append { id: state.next_id, event: Box::new(event) }));
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
