//! Design tokens: the dark command-center palette, type sizes readable across a room, and
//! the colours of risk levels and data provenance. Everything that paints uses these.

use egui::{Color32, FontFamily, FontId, Stroke, Style, TextStyle, Visuals};

use crate::model::RiskLevel;

pub const BG: Color32 = Color32::from_rgb(0x07, 0x12, 0x24);
pub const PANEL: Color32 = Color32::from_rgb(0x0b, 0x1c, 0x36);
pub const CARD: Color32 = Color32::from_rgb(0x10, 0x26, 0x47);
pub const CARD_BORDER: Color32 = Color32::from_rgb(0x1f, 0x3d, 0x6b);
pub const TEXT: Color32 = Color32::from_rgb(0xe8, 0xef, 0xfa);
pub const TEXT_DIM: Color32 = Color32::from_rgb(0x9a, 0xb0, 0xcf);
pub const ACCENT: Color32 = Color32::from_rgb(0x3f, 0xb6, 0xff);
pub const WARN: Color32 = Color32::from_rgb(0xf5, 0xa5, 0x24);
pub const ALERT: Color32 = Color32::from_rgb(0xf0, 0x4d, 0x55);
pub const OK: Color32 = Color32::from_rgb(0x3c, 0xc4, 0x7c);
pub const UNKNOWN: Color32 = Color32::from_rgb(0x6b, 0x78, 0x8c);

pub const RISK_HIGH: Color32 = Color32::from_rgb(0xe5, 0x3e, 0x3e);
pub const RISK_MEDIUM: Color32 = Color32::from_rgb(0xf5, 0x9e, 0x0b);
pub const RISK_LOW: Color32 = Color32::from_rgb(0x2f, 0xb3, 0x6b);

/// Size of the big KPI numbers (readable from across a room on a 1080p wall).
pub const KPI_NUMBER: f32 = 46.0;
pub const KPI_LABEL: f32 = 19.0;
pub const TITLE: f32 = 26.0;
pub const HEADING: f32 = 21.0;
pub const BODY: f32 = 17.0;
pub const SMALL: f32 = 14.5;

pub fn risk_colour(level: Option<RiskLevel>) -> Color32 {
    match level {
        Some(RiskLevel::High) => RISK_HIGH,
        Some(RiskLevel::Medium) => RISK_MEDIUM,
        Some(RiskLevel::Low) => RISK_LOW,
        None => UNKNOWN,
    }
}

/// Apply the board's look to a context.
pub fn apply(ctx: &egui::Context) {
    ctx.set_theme(egui::Theme::Dark);
    ctx.set_style_of(egui::Theme::Dark, style());
    ctx.set_style_of(egui::Theme::Light, style());
}

pub fn style() -> Style {
    let mut style = Style { visuals: visuals(), ..Default::default() };
    style.text_styles = [
        (TextStyle::Heading, FontId::new(HEADING, FontFamily::Proportional)),
        (TextStyle::Body, FontId::new(BODY, FontFamily::Proportional)),
        (TextStyle::Button, FontId::new(BODY, FontFamily::Proportional)),
        (TextStyle::Small, FontId::new(SMALL, FontFamily::Proportional)),
        (TextStyle::Monospace, FontId::new(BODY, FontFamily::Monospace)),
    ]
    .into();
    style.spacing.item_spacing = egui::vec2(10.0, 8.0);
    style.spacing.button_padding = egui::vec2(10.0, 5.0);
    style.spacing.interact_size.y = 30.0;
    // A tooltip still waits until the pointer has rested for the tooltip delay, but egui no
    // longer repaints continuously while the pointer moves over a widget with a tooltip (the
    // map has one): one delayed repaint instead of a frame every few ms (issue 19).
    style.interaction.show_tooltips_only_when_still = false;
    style
}

fn visuals() -> Visuals {
    let mut v = Visuals::dark();
    v.panel_fill = PANEL;
    v.window_fill = PANEL;
    v.extreme_bg_color = BG;
    v.faint_bg_color = CARD;
    v.override_text_color = Some(TEXT);
    v.hyperlink_color = ACCENT;
    v.selection.bg_fill = Color32::from_rgb(0x1b, 0x5f, 0x9e);
    v.selection.stroke = Stroke::new(1.0, TEXT);
    v.widgets.noninteractive.bg_stroke = Stroke::new(1.0, CARD_BORDER);
    v.widgets.inactive.weak_bg_fill = CARD;
    v.widgets.inactive.bg_fill = CARD;
    v.widgets.hovered.weak_bg_fill = Color32::from_rgb(0x17, 0x36, 0x63);
    v.widgets.active.weak_bg_fill = Color32::from_rgb(0x1b, 0x44, 0x7c);
    v
}
