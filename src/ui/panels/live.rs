//! Live-feed pieces of the board: the freshness badge of the top bar (data age, Following
//! or Paused with "jump to live", the sources button), the stale banner under the top bar
//! (one line per stale source, not only a tooltip), and the sources window (last success,
//! last error in plain words, next try, per source).

use chrono::{DateTime, Utc};
use egui::{Color32, RichText, Ui};

use crate::feed::live::{Health, SourceStatus};
use crate::i18n::Tr;
use crate::model::time::{china, format_as_of};
use crate::timeline::PlayState;
use crate::ui::command::{Commands, UiCommand};
use crate::ui::context::BoardStatus;
use crate::ui::theme;
use crate::ui::workers::live::LiveLink;

/// The freshness group of the top bar (in its right-to-left layout).
pub fn freshness(ui: &mut Ui, status: &BoardStatus<'_>, live: &LiveLink, commands: &mut Commands) {
    let l = &status.tr.live;
    let clock = status.clock;
    let worst = live.worst().unwrap_or(Health::Connecting);
    let age = live.data_time().map(|t| (clock - t).num_seconds());
    let contact = live.sources.iter().filter_map(|s| s.last_success).max().map(|t| (clock - t).num_seconds());
    let colour = health_colour(worst);
    let badge =
        RichText::new(format!(" {} ", l.badge(worst, age, contact))).color(theme::BG).background_color(colour).strong();
    ui.label(badge).on_hover_text(l.age_hint);
    match status.timeline.play_state() {
        PlayState::Following => {
            ui.label(RichText::new(format!("● {}", l.following)).color(theme::OK)).on_hover_text(l.following_hint);
        }
        PlayState::Playing(_) => {
            if ui
                .button(RichText::new(l.jump_to_live).color(theme::ACCENT))
                .on_hover_text(l.jump_to_live_hint)
                .clicked()
            {
                commands.push(UiCommand::FollowLive);
            }
        }
        PlayState::Paused => {
            if ui
                .button(RichText::new(l.jump_to_live).color(theme::ACCENT))
                .on_hover_text(l.jump_to_live_hint)
                .clicked()
            {
                commands.push(UiCommand::FollowLive);
            }
            ui.label(RichText::new(format!("‖ {}", l.paused)).color(theme::WARN)).on_hover_text(l.paused_hint);
        }
    }
    let ok = live.sources.iter().filter(|s| s.is_fresh()).count();
    let text = RichText::new(l.sources_ok(ok, live.sources.len())).color(if ok == live.sources.len() {
        theme::TEXT_DIM
    } else {
        theme::WARN
    });
    if ui.button(text).on_hover_text(l.sources_button_hint).clicked() {
        commands.push(UiCommand::ShowSources(!live.show_sources));
    }
}

/// The banner under the top bar while a source is stale or has no data: what happened,
/// since when, what the board shows instead, the last error and the next try.
pub fn banner(ui: &mut Ui, live: &LiveLink, tr: &Tr, commands: &mut Commands) {
    let l = &tr.live;
    let lines: Vec<(String, &SourceStatus)> = live
        .sources
        .iter()
        .filter_map(|s| {
            let err_text = s.last_error.as_ref().map(|e| l.error_text(&e.1));
            let err = err_text.as_deref();
            let line = match s.health {
                Health::Stale => {
                    let since =
                        s.last_success.map(|t| clock(t).replace("UTC+8", tr.board.zone_note)).unwrap_or_default();
                    let as_of = s.as_of.map(|t| format_as_of(t).replace("UTC+8", tr.board.zone_note));
                    l.stale_line(&s.name, &since, as_of.as_deref(), err)
                }
                Health::NoData => l.no_data_line(&s.name, err),
                _ => return None,
            };
            Some((line, s))
        })
        .collect();
    if lines.is_empty() {
        return;
    }
    let fill = Color32::from_rgb(0x4a, 0x33, 0x08);
    egui::Panel::top("live_banner")
        .frame(egui::Frame::new().fill(fill).inner_margin(egui::Margin::symmetric(16, 8)))
        .show(ui, |ui| {
            for (line, s) in &lines {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(line).size(theme::BODY).color(theme::TEXT).strong());
                    ui.label(
                        RichText::new(l.next_try(&clock(s.next_try).replace("UTC+8", tr.board.zone_note)))
                            .size(theme::SMALL)
                            .color(theme::TEXT_DIM),
                    );
                });
            }
            ui.horizontal(|ui| {
                if ui.button(l.retry_now).on_hover_text(l.retry_now_hint).clicked() {
                    commands.push(UiCommand::RetryNow);
                }
                if ui.button(format!("{}…", l.sources_window)).clicked() {
                    commands.push(UiCommand::ShowSources(true));
                }
            });
        });
}

/// The sources window: every live source with its full state.
pub fn sources_window(
    ctx: &egui::Context,
    live: &LiveLink,
    tr: &Tr,
    renderer: Option<&crate::ui::renderer::RendererInfo>,
    commands: &mut Commands,
) {
    if !live.show_sources {
        return;
    }
    let l = &tr.live;
    let mut open = true;
    egui::Window::new(l.sources_window).open(&mut open).default_size([760.0, 420.0]).collapsible(false).show(
        ctx,
        |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                for s in &live.sources {
                    source_card(ui, s, tr);
                    ui.separator();
                }
                if ui.button(l.retry_now).on_hover_text(l.retry_now_hint).clicked() {
                    commands.push(UiCommand::RetryNow);
                }
                if let Some(r) = renderer {
                    ui.separator();
                    ui.label(RichText::new(r.describe(tr)).size(theme::SMALL).color(theme::TEXT_DIM));
                }
            });
        },
    );
    if !open {
        commands.push(UiCommand::ShowSources(false));
    }
}

fn source_card(ui: &mut Ui, s: &SourceStatus, tr: &Tr) {
    let l = &tr.live;
    let zone = |t: String| t.replace("UTC+8", tr.board.zone_note);
    ui.horizontal(|ui| {
        let badge = RichText::new(format!(" {} ", l.health(s.health)))
            .color(theme::BG)
            .background_color(health_colour(s.health))
            .strong();
        ui.label(badge);
        ui.label(RichText::new(&s.name).size(theme::HEADING).strong());
    });
    if matches!(s.health, Health::Stale | Health::Retrying) {
        ui.label(RichText::new(l.kept_data).color(theme::WARN));
    }
    egui::Grid::new(("live_source", s.url.as_str())).num_columns(2).spacing([16.0, 4.0]).show(ui, |ui| {
        let row = |ui: &mut Ui, k: &str, v: String| {
            ui.label(RichText::new(k).color(theme::TEXT_DIM));
            ui.label(v);
            ui.end_row();
        };
        row(ui, l.col_url, s.url.clone());
        row(ui, l.col_interval, l.every(s.interval.as_secs_f64()));
        row(ui, l.col_last_success, s.last_success.map(|t| zone(clock(t))).unwrap_or_else(|| l.never.into()));
        row(ui, l.col_last_change, s.last_change.map(|t| zone(clock(t))).unwrap_or_else(|| l.never.into()));
        row(ui, l.col_as_of, s.as_of.map(|t| zone(format_as_of(t))).unwrap_or_else(|| l.no_data_yet.into()));
        let err = match &s.last_error {
            Some((t, m)) => {
                let mut v = format!("{} — {}", zone(clock(*t)), l.error_text(m));
                if s.failures > 0 {
                    v.push_str(&format!(" ({})", l.failures(s.failures)));
                }
                v
            }
            None => l.none.into(),
        };
        ui.label(RichText::new(l.col_last_error).color(theme::TEXT_DIM));
        ui.add(
            egui::Label::new(RichText::new(err).color(if s.failures > 0 { theme::WARN } else { theme::TEXT })).wrap(),
        );
        ui.end_row();
        row(ui, l.col_next_try, zone(clock(s.next_try)));
        row(
            ui,
            l.col_traffic,
            format!(
                "{} / {} / {} · {}",
                s.requests,
                s.downloads,
                s.not_modified,
                crate::feed::live::describe_bytes(s.bytes)
            ),
        );
    });
}

/// The top bar's push queue: how many directive events wait for the hub (hover: why).
pub fn sync_badge(ui: &mut Ui, sync: &crate::ui::workers::PushStatus, tr: &Tr) {
    let l = &tr.live;
    if sync.pending.is_empty() {
        if let Some((_, why)) = sync.refused.last() {
            ui.label(RichText::new(format!("⇅ {}", l.refused_by_hub)).color(theme::ALERT)).on_hover_text(why);
        }
        return;
    }
    let mut hover = format!("{}\n{}", l.pending_sync_hint, sync.hub);
    if let Some((t, why)) = &sync.last_error {
        hover.push_str(&format!("\n{} — {why}", clock(*t).replace("UTC+8", tr.board.zone_note)));
    }
    if let Some(t) = sync.next_try {
        hover.push_str(&format!("\n{}", l.next_try(&clock(t).replace("UTC+8", tr.board.zone_note))));
    }
    ui.label(RichText::new(l.pending_n(sync.pending.len())).color(theme::WARN).strong()).on_hover_text(hover);
}

/// A logged directive's sync state in the directives list: pending while any of its events
/// waits for the hub; refused when the hub refused one.
pub fn sync_chip(
    ui: &mut Ui,
    tr: &Tr,
    r: &crate::model::journal::DirectiveRecord,
    sync: &crate::ui::workers::PushStatus,
) {
    let l = &tr.live;
    if let Some(why) = r.events.iter().find_map(|e| sync.refusal(e.seq)) {
        crate::ui::widgets::chip(ui, l.refused_by_hub, theme::ALERT).on_hover_text(why);
    } else if r.events.iter().any(|e| sync.is_pending(e.seq)) {
        crate::ui::widgets::chip(ui, l.pending_sync, theme::WARN).on_hover_text(l.pending_sync_hint);
    }
}

pub fn health_colour(h: Health) -> Color32 {
    match h {
        Health::Live => theme::OK,
        Health::Connecting => theme::TEXT_DIM,
        Health::Retrying | Health::Stale => theme::WARN,
        Health::NoData => theme::ALERT,
    }
}

/// A wall-clock time for the sources window: `22:36:05 UTC+8`, with the date when it is
/// not today.
fn clock(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&china());
    let today = Utc::now().with_timezone(&china()).date_naive(); // the sources window shows wall-clock times
    if local.date_naive() == today {
        format!("{} UTC+8", local.format("%H:%M:%S"))
    } else {
        format!("{} UTC+8", local.format("%Y-%m-%d %H:%M:%S"))
    }
}
