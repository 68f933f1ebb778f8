//! Walkers plugin for checkpoints (卡口): one marker each, sized by the last interval's
//! vehicles and people, coloured by what was caught in the day (positives, red codes,
//! temperature alarms), hollow and grey when closed, dashed when its feed went quiet;
//! markers that overlap at low zoom merge into a count badge.

use egui::{Align2, Color32, FontId, Pos2, Response, Stroke, Ui};
use walkers::{MapMemory, Plugin, Projector};

use super::regions::ScreenTransform;
use crate::model::checkpoint_stats::{CheckpointAlert, CheckpointState};
use crate::model::geometry::mercator;
use crate::model::{CheckpointStatus, Situation};
use crate::ui::theme;

/// A checkpoint as the map draws it, for the situation's instant.
#[derive(Clone, Debug)]
pub struct CheckpointMarker {
    pub id: String,
    pub world: [f64; 2],
    pub status: CheckpointStatus,
    /// Vehicles + people in the last interval before the situation's instant.
    pub last_interval: Option<u32>,
    pub positives: u32,
    pub red_codes: u32,
    pub temperature_alarms: u32,
    /// No throughput row in the 2 hours before the instant while open.
    pub stale: bool,
    /// Open, but the last interval had no traffic after hours with traffic.
    pub dropped: bool,
}

impl CheckpointMarker {
    pub fn colour(&self) -> Color32 {
        if self.status == CheckpointStatus::Closed {
            theme::UNKNOWN
        } else if self.positives > 0 {
            theme::ALERT
        } else if self.red_codes > 0 || self.temperature_alarms > 0 || self.dropped {
            theme::WARN
        } else {
            theme::ACCENT
        }
    }

    pub fn radius(&self) -> f32 {
        let v = self.last_interval.unwrap_or(0) as f32;
        (6.0 + 2.2 * (v / 20.0).sqrt()).min(22.0)
    }
}

/// The checkpoints that exist at the situation's instant (they have a status by then), with
/// the same alerts as the checkpoints table.
pub fn markers(sit: &Situation) -> Vec<CheckpointMarker> {
    let t = sit.as_of();
    let data = sit.data();
    data.checkpoints()
        .iter()
        .filter_map(|c| {
            let st = CheckpointState::at(c, data.throughput(&c.id), t);
            let status = st.status?;
            let clamp = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
            Some(CheckpointMarker {
                id: c.id.clone(),
                world: mercator(c.lon, c.lat),
                status,
                last_interval: st.last_interval.map(|l| clamp(l.vehicles + l.people)),
                positives: clamp(st.last_24h.positives),
                red_codes: clamp(st.last_24h.codes.red),
                temperature_alarms: clamp(st.last_24h.temperature_alarms),
                stale: st.alerts.contains(&CheckpointAlert::Stale),
                dropped: st.alerts.contains(&CheckpointAlert::DroppedToZero),
            })
        })
        .collect()
}

#[derive(Clone, Debug, Default)]
pub struct CheckpointsOutput {
    pub hovered: Option<String>,
    pub clicked: Option<String>,
}

pub struct CheckpointsPlugin<'a> {
    pub markers: &'a [CheckpointMarker],
    pub selected: Option<&'a str>,
    /// Two world points (the layer's bounds) to derive the screen transform from.
    pub anchor: [f64; 4],
    pub out: &'a mut CheckpointsOutput,
}

impl Plugin for CheckpointsPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, response: &Response, projector: &Projector, _memory: &MapMemory) {
        let a = self.anchor;
        let Some(tf) = ScreenTransform::from_projector(projector, [a[0], a[1]], [a[2], a[3]]) else { return };
        let rect = response.rect;
        let painter = ui.painter_at(rect);
        let pointer = response.hover_pos();
        // Merge markers closer than 24 px into one badge, biggest first.
        let mut order: Vec<usize> = (0..self.markers.len()).collect();
        order.sort_by_key(|i| std::cmp::Reverse(self.markers[*i].last_interval.unwrap_or(0)));
        let pos: Vec<Pos2> = self.markers.iter().map(|m| tf.to_screen(m.world)).collect();
        let mut taken = vec![false; self.markers.len()];
        for &i in &order {
            if taken[i] || !rect.expand(30.0).contains(pos[i]) {
                continue;
            }
            let group: Vec<usize> =
                order.iter().copied().filter(|j| !taken[*j] && pos[*j].distance(pos[i]) < 24.0).collect();
            for j in &group {
                taken[*j] = true;
            }
            let m = &self.markers[i];
            let at = pos[i];
            if group.len() > 1 {
                let worst = group.iter().map(|j| &self.markers[*j]).max_by_key(|m| severity(m)).unwrap_or(m);
                painter.circle(at, 14.0, Color32::from_black_alpha(210), Stroke::new(2.5, worst.colour()));
                painter.text(
                    at,
                    Align2::CENTER_CENTER,
                    group.len().to_string(),
                    FontId::proportional(13.0),
                    theme::TEXT,
                );
                if pointer.is_some_and(|p| p.distance(at) <= 14.0) {
                    self.out.hovered = Some(m.id.clone());
                    if response.clicked() {
                        self.out.clicked = Some(m.id.clone());
                    }
                }
                continue;
            }
            let r = m.radius();
            let colour = m.colour();
            if m.status == CheckpointStatus::Closed {
                painter.circle_stroke(at, r, Stroke::new(2.5, colour));
                painter.line_segment(
                    [at + egui::vec2(-r * 0.7, r * 0.7), at + egui::vec2(r * 0.7, -r * 0.7)],
                    Stroke::new(2.5, colour),
                );
            } else if m.stale {
                painter.circle_stroke(at, r, Stroke::new(2.0, theme::UNKNOWN));
                painter.text(at, Align2::CENTER_CENTER, "?", FontId::proportional(12.0), theme::UNKNOWN);
            } else {
                painter.circle(at, r, colour.gamma_multiply(0.85), Stroke::new(1.5, Color32::WHITE));
                if m.dropped {
                    painter.circle_stroke(at, r + 3.0, Stroke::new(2.0, theme::WARN));
                }
            }
            if self.selected == Some(m.id.as_str()) {
                painter.circle_stroke(at, r + 4.0, Stroke::new(2.5, Color32::WHITE));
            }
            if pointer.is_some_and(|p| p.distance(at) <= r.max(8.0)) {
                self.out.hovered = Some(m.id.clone());
                if response.clicked() {
                    self.out.clicked = Some(m.id.clone());
                }
            }
        }
    }
}

fn severity(m: &CheckpointMarker) -> u8 {
    match m.colour() {
        c if c == theme::ALERT => 3,
        c if c == theme::WARN => 2,
        c if c == theme::ACCENT => 1,
        _ => 0,
    }
}
