//! The wall's header and alarms: the region, the clock (Beijing time, to the second) with the
//! data's as-of next to it, one freshness chip per live source with its age (amber when late,
//! red when stale), the rotation's state and progress line; a red banner along the edge while
//! a source is stale, and a large message when every source is lost.

use egui::{Align, Color32, Rect, RichText, Ui};

use super::playlist::Shown;
use super::{in_rect, size};
use crate::feed::live::{Health, SourceStatus};
use crate::model::overview::Overview;
use crate::model::time::{china, format_as_of};
use crate::ui::context::{BoardStatus, ViewerContext};
use crate::ui::theme;

/// What the wall must say about its sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alarm {
    /// Every source is fresh (or the data comes from files).
    None,
    /// A source is stale (two intervals without a good answer) or never answered: the
    /// figures may come from old data.
    Stale,
    /// Every live source is stale or has no data: nothing on screen is current.
    AllLost,
}

/// The alarm for a set of live sources (the live worker's health, as the top bar reads it).
pub fn alarm_of(sources: &[SourceStatus]) -> Alarm {
    let lost = |s: &SourceStatus| matches!(s.health, Health::Stale | Health::NoData);
    if sources.is_empty() {
        Alarm::None
    } else if sources.iter().all(lost) {
        Alarm::AllLost
    } else if sources.iter().any(lost) {
        Alarm::Stale
    } else {
        Alarm::None
    }
}

pub(super) fn alarm(status: &BoardStatus<'_>) -> Alarm {
    status.live.map_or(Alarm::None, |l| alarm_of(&l.sources))
}

/// A source chip's colour on the wall: green live, amber late (retrying), red stale.
pub fn chip_colour(h: Health) -> Color32 {
    match h {
        Health::Live => theme::OK,
        Health::Connecting => theme::TEXT_DIM,
        Health::Retrying => theme::WARN,
        Health::Stale | Health::NoData => theme::ALERT,
    }
}

/// The red banner along the top edge while a source is stale; returns where the rest starts.
pub(super) fn stale_banner(ui: &mut Ui, v: &ViewerContext<'_>, whole: Rect, alarm: Alarm) -> f32 {
    let tr = v.tr;
    let h = ui.fonts_mut(|f| f.row_height(&egui::FontId::proportional(size::HEADING))) + 12.0;
    let rect = Rect::from_min_size(whole.min, egui::vec2(whole.width(), h));
    ui.painter().rect_filled(rect, 0.0, theme::ALERT);
    // The whole wall is edged in red while it shows old figures.
    ui.painter().rect_stroke(whole, 0.0, egui::Stroke::new(6.0, theme::ALERT), egui::StrokeKind::Inside);
    let names: Vec<&str> = v
        .status
        .live
        .map(|l| {
            l.sources
                .iter()
                .filter(|s| !s.is_fresh() && s.health != Health::Connecting)
                .map(|s| s.name.as_str())
                .collect()
        })
        .unwrap_or_default();
    let text = match alarm {
        Alarm::AllLost => format!("⚠ {}", tr.wall.all_lost),
        _ => format!("⚠ {} — {}", tr.wall.stale_banner, names.join(", ")),
    };
    in_rect(ui, rect.shrink2(egui::vec2(14.0, 6.0)), |ui| {
        let g = ui.fonts_mut(|f| {
            let mut job = egui::text::LayoutJob::simple(
                text,
                egui::FontId::proportional(size::HEADING),
                theme::BG,
                rect.width() - 28.0,
            );
            job.wrap.max_rows = 1;
            f.layout_job(job)
        });
        ui.add(egui::Label::new(g).selectable(false));
    });
    rect.bottom() + 4.0
}

/// The header: region and title at the left; at the right the clock, the data's as-of and the
/// freshness chips; the rotation's state under it. Returns the header's bottom.
pub(super) fn header(ui: &mut Ui, v: &ViewerContext<'_>, ov: &Overview, area: Rect, rotation: Option<&Shown>) -> f32 {
    let tr = v.tr;
    let clock = v.status.clock;
    let title_h = ui.fonts_mut(|f| f.row_height(&egui::FontId::proportional(size::TITLE)));
    let rect = Rect::from_min_size(area.min, egui::vec2(area.width(), title_h + 6.0));
    in_rect(ui, rect, |ui| {
        ui.horizontal(|ui| {
            let name = if v.lang.is_en() { &ov.region_name_en } else { &ov.region_name_zh };
            ui.label(RichText::new(name).size(size::TITLE).strong().color(theme::ACCENT));
            ui.with_layout(egui::Layout::right_to_left(Align::Center), |ui| {
                let local = clock.with_timezone(&china());
                ui.label(RichText::new(local.format("%H:%M:%S").to_string()).size(size::TITLE).strong().monospace());
                ui.label(RichText::new(tr.wall.clock).size(size::BODY).color(theme::TEXT_DIM));
                ui.add_space(16.0);
                let as_of = format_as_of(v.sit.as_of()).replace("UTC+8", "").trim().to_owned();
                ui.label(RichText::new(as_of).size(size::HEADING).strong());
                ui.label(RichText::new(tr.wall.data_as_of).size(size::BODY).color(theme::TEXT_DIM));
                if v.status.exercise {
                    let badge = RichText::new(format!(" {} ", tr.board.exercise))
                        .size(size::BODY)
                        .color(theme::BG)
                        .background_color(theme::WARN)
                        .strong();
                    ui.label(badge);
                }
                if v.status.replaying.is_some() {
                    let badge = RichText::new(format!(" {} ", tr.board.freshness_replay))
                        .size(size::BODY)
                        .color(theme::BG)
                        .background_color(theme::ACCENT)
                        .strong();
                    ui.label(badge);
                }
                if let Some(live) = v.status.live {
                    for s in live.sources.iter().rev() {
                        chip(ui, v, s);
                    }
                }
                // The title takes what is left, on one line.
                let w = ui.available_width();
                if w > 80.0 {
                    let g = ui.fonts_mut(|f| {
                        let mut job = egui::text::LayoutJob::simple(
                            tr.board.board_title.to_owned(),
                            egui::FontId::proportional(size::BODY),
                            theme::TEXT_DIM,
                            w - 16.0,
                        );
                        job.wrap.max_rows = 1;
                        f.layout_job(job)
                    });
                    ui.with_layout(egui::Layout::left_to_right(Align::Center), |ui| {
                        ui.add(egui::Label::new(g).selectable(false));
                    });
                }
            });
        });
    });
    let mut bottom = rect.bottom();
    if let Some(r) = rotation.filter(|r| r.count > 1) {
        // The rotation: a thin line filling up to the next view, and a note while paused.
        let line = Rect::from_min_size(egui::pos2(area.left(), bottom + 2.0), egui::vec2(area.width(), 4.0));
        ui.painter().rect_filled(line, 2.0, theme::CARD);
        let mut done = line;
        done.set_width(line.width() * r.progress.clamp(0.0, 1.0));
        ui.painter().rect_filled(done, 2.0, if r.paused { theme::WARN } else { theme::ACCENT });
        bottom = line.bottom();
        if r.paused {
            let h = ui.fonts_mut(|f| f.row_height(&egui::FontId::proportional(size::BODY)));
            let note = Rect::from_min_size(egui::pos2(area.left(), bottom + 2.0), egui::vec2(area.width(), h));
            in_rect(ui, note, |ui| {
                ui.horizontal(|ui| {
                    ui.label(RichText::new(format!("‖ {}", tr.wall.paused)).size(size::BODY).color(theme::WARN));
                    ui.label(
                        RichText::new(format!("{} {}/{}", tr.wall.rotation, r.index + 1, r.count))
                            .size(size::BODY)
                            .color(theme::TEXT_DIM),
                    );
                });
            });
            bottom = note.bottom();
        }
    }
    bottom
}

/// One source: its name and age, coloured by its state.
fn chip(ui: &mut Ui, v: &ViewerContext<'_>, s: &SourceStatus) {
    let tr = v.tr;
    let state = match s.health {
        Health::Live | Health::Connecting => None,
        Health::Retrying => Some(tr.wall.late),
        Health::Stale => Some(tr.wall.stale),
        Health::NoData => Some(tr.wall.no_data),
    };
    let age = s.last_success.map(|t| {
        let secs = (v.status.clock - t).num_seconds();
        tr.wall.age(secs, &tr.live.duration(secs))
    });
    let mut text = s.name.clone();
    if s.name.chars().count() > 24 {
        text = s.name.chars().take(23).collect::<String>() + "…";
    }
    for part in [state.map(str::to_owned), age].into_iter().flatten() {
        text.push_str(&format!(" · {part}"));
    }
    let label = RichText::new(format!(" {text} "))
        .size(size::BODY)
        .color(theme::BG)
        .background_color(chip_colour(s.health))
        .strong();
    ui.label(label).on_hover_text(&s.url);
}

/// Every source lost: say so in large type over the wall, instead of looking normal.
pub(super) fn all_lost(ui: &mut Ui, v: &ViewerContext<'_>, whole: Rect) {
    let tr = v.tr;
    let w = (whole.width() * 0.7).min(1400.0);
    let h = (whole.height() * 0.36).max(260.0).min(whole.height());
    let rect = Rect::from_center_size(whole.center(), egui::vec2(w, h));
    ui.painter().rect_filled(whole, 0.0, Color32::from_black_alpha(150));
    ui.painter().rect(
        rect,
        10.0,
        Color32::from_rgb(0x5a, 0x10, 0x16),
        egui::Stroke::new(4.0, theme::ALERT),
        egui::StrokeKind::Inside,
    );
    let last = v.status.live.and_then(|l| l.sources.iter().filter_map(|s| s.last_success).max()).map(|t| {
        tr.wall.age((v.status.clock - t).num_seconds(), &tr.live.duration((v.status.clock - t).num_seconds()))
    });
    in_rect(ui, rect.shrink(24.0), |ui| {
        ui.vertical_centered(|ui| {
            ui.label(
                RichText::new(format!("⚠ {}", tr.wall.all_lost)).size(size::KPI_NUMBER).strong().color(theme::ALERT),
            );
            ui.add(
                egui::Label::new(RichText::new(tr.wall.all_lost_note).size(size::HEADING).color(theme::TEXT)).wrap(),
            );
            let as_of =
                format!("{} {}", tr.wall.data_as_of, format_as_of(v.sit.as_of()).replace("UTC+8", tr.board.zone_note));
            ui.label(RichText::new(as_of).size(size::BODY).color(theme::TEXT_DIM));
            if let Some(a) = last {
                ui.label(
                    RichText::new(format!("{} {a}", tr.live.col_last_success)).size(size::BODY).color(theme::TEXT_DIM),
                );
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(health: Health) -> SourceStatus {
        SourceStatus {
            name: "hub".into(),
            url: "http://hub/v1/feed".into(),
            interval: std::time::Duration::from_secs(5),
            health,
            last_success: None,
            last_change: None,
            last_error: None,
            failures: 0,
            next_try: chrono::Utc::now(),
            as_of: None,
            generated_at: None,
            requests: 0,
            downloads: 0,
            not_modified: 0,
            bytes: 0,
        }
    }

    #[test]
    fn the_alarm_follows_the_sources() {
        assert_eq!(alarm_of(&[]), Alarm::None);
        assert_eq!(alarm_of(&[source(Health::Live), source(Health::Retrying)]), Alarm::None);
        assert_eq!(alarm_of(&[source(Health::Live), source(Health::Stale)]), Alarm::Stale);
        assert_eq!(alarm_of(&[source(Health::Stale), source(Health::NoData)]), Alarm::AllLost);
        assert_eq!(chip_colour(Health::Retrying), theme::WARN);
        assert_eq!(chip_colour(Health::Stale), theme::ALERT);
    }
}
