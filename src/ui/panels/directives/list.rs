//! The directives list: filtered and sorted entries (feed and logged), with status chips,
//! badges and the list export.

use super::*;

/// The entries that pass the filters, newest first.
pub(super) fn filtered<'a>(v: &ViewerContext<'a>, state: &DirectivesPanel, now: DateTime<Utc>) -> Vec<Entry<'a>> {
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

pub(super) fn list(
    ui: &mut Ui,
    v: &ViewerContext<'_>,
    state: &mut DirectivesPanel,
    entries: &[Entry<'_>],
    now: DateTime<Utc>,
    push: Option<&crate::ui::workers::PushStatus>,
    commands: &mut Commands,
) {
    let tr = v.tr;
    let j = &tr.journal;
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut state.filter.in_force_now, j.in_force_now).on_hover_text(j.in_force_now_hint);
        ui.checkbox(&mut state.filter.only_region, format!("{} ({})", j.only_region, v.name(v.region)));
    });
    ui.horizontal_wrapped(|ui| {
        let cat = state.filter.category.map(|c| tr.journal.directive_category(c)).unwrap_or(j.all_categories);
        let cat_label = ui.label(RichText::new(j.category).small().color(theme::TEXT_DIM));
        ComboBox::from_id_salt("directive_category_filter")
            .selected_text(cat)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.filter.category, None, j.all_categories);
                for c in DirectiveCategory::ALL {
                    ui.selectable_value(&mut state.filter.category, Some(c), tr.journal.directive_category(c));
                }
            })
            .response
            .labelled_by(cat_label.id);
        let st = state.filter.status.map(|s| j.status(s)).unwrap_or(j.all_statuses);
        let status_label = ui.label(RichText::new(j.status).small().color(theme::TEXT_DIM));
        ComboBox::from_id_salt("directive_status_filter")
            .selected_text(st)
            .show_ui(ui, |ui| {
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
            })
            .response
            .labelled_by(status_label.id);
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
        let stamp = v.status.clock.with_timezone(&crate::model::time::china()).format("%Y%m%d-%H%M%S");
        if ui.small_button(j.export_list_csv).on_hover_text(j.export_hint).clicked() {
            let contents = export::list_csv(&rows, tr, registry, en);
            send_export(state, commands, v, "csv:directives", format!("directives-{stamp}.csv"), contents);
        }
        if ui.small_button(j.export_list_html).on_hover_text(j.export_hint).clicked() {
            let contents = export::list_html(&rows, tr, registry, en, v.status.clock);
            send_export(state, commands, v, "html:directives", format!("directives-{stamp}.html"), contents);
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
                status_chip(ui, v, d, e.in_force_at(now), now);
                if let (Entry::Logged(r), Some(s)) = (e, push) {
                    crate::ui::panels::live::sync_chip(ui, tr, r, s);
                }
                ui.label(
                    RichText::new(tr.journal.directive_category(d.content.category)).small().color(theme::TEXT_DIM),
                );
                if let Some((line, overdue)) = count_line(v, d, v.deadline_now()) {
                    ui.label(RichText::new(line).small().strong().color(if overdue {
                        theme::ALERT
                    } else {
                        theme::OK
                    }));
                }
            });
            let text = RichText::new(format!("{}  {}", d.content.number, d.content.title)).strong();
            if ui.selectable_label(selected, text).clicked() {
                state.selected = Some(key);
                state.show_exports = false;
                if !matches!(state.mode, Mode::Form(_)) {
                    state.mode = Mode::Browse;
                }
            }
            let when = match e {
                Entry::Logged(r) if r.issued_at.is_none() => format!("{} {}", j.drafted, format_local(r.created_at())),
                _ => format!("{} {}", tr.journal.issued, format_local(d.issued_at)),
            };
            ui.label(RichText::new(format!("{when} · {}", d.content.issuer)).small().color(theme::TEXT_DIM));
            ui.add_space(4.0);
        }
    });
}

/// Export a directive list or history (written and noted in the export record off the UI
/// thread).
pub(super) fn send_export(
    state: &mut DirectivesPanel,
    commands: &mut Commands,
    v: &ViewerContext<'_>,
    what: &str,
    file_name: String,
    contents: String,
) {
    state.next_id += 1;
    state.pending = Some(state.next_id);
    let note = ExportNote {
        what: what.to_owned(),
        region: v.region.to_string(),
        period: v.sit.date().to_string(),
        as_of: v.sit.as_of().to_rfc3339(),
        officer: v.status.officer.to_owned(),
    };
    commands.push(UiCommand::Journal(JournalRequest::Export {
        id: state.next_id,
        file_name,
        job: Box::new(ExportJob::Text(contents)),
        note,
    }));
}

pub(super) fn badge(ui: &mut Ui, v: &ViewerContext<'_>, logged: bool) {
    let j = &v.tr.journal;
    let (text, colour, hover) = if logged {
        (j.badge_local, theme::OK, j.badge_local_hint)
    } else {
        (j.badge_feed, theme::ACCENT, v.tr.journal.feed_directive)
    };
    widgets::chip(ui, text, colour).on_hover_text(hover);
}

/// The status, green when in force now. A feed's status holds as of its data, which the
/// hover says.
pub(super) fn status_chip(ui: &mut Ui, v: &ViewerContext<'_>, d: &Directive, in_force_now: bool, now: DateTime<Utc>) {
    // The status at the instant in view (as on every other panel), not the latest one.
    let status = d.status;
    let issued_later = status != DirectiveStatus::Draft && now < d.issued_at;
    let colour = match status {
        _ if in_force_now => theme::OK,
        DirectiveStatus::Draft => theme::WARN,
        DirectiveStatus::Revoked if !issued_later => theme::ALERT,
        _ => theme::TEXT_DIM,
    };
    let text = v.tr.journal.status_at(status, issued_later, in_force_now);
    let chip = ui.label(RichText::new(text).small().strong().color(colour));
    if let Some(k) = d.known_until {
        chip.on_hover_text(format!("{} {}", v.tr.board.as_of, crate::model::time::format_as_of(k)));
    }
}
