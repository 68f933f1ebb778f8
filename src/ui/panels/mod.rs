//! The board's panels, one module each, and the layout that places them. Every panel is a
//! struct holding its own transient state with one method, [`Panel::ui`]: it reads a
//! [`ViewerContext`] (the `Situation`, the selection, the language, the board's status) and
//! pushes [`UiCommand`]s; none of them changes shared state or does IO. The top bar and the
//! data-problems window also run before any data arrives, so they take the status and an
//! optional context.

mod checkpoints;
mod compare;
pub mod curves;
mod directives;
pub mod hotline;
mod live;
pub mod map;
mod overview;
mod problems;
mod region_picker;
mod sign_in;
mod timeline_bar;
mod top_bar;
pub mod wall;

use egui::Ui;

pub use self::checkpoints::CheckpointsPanel;
pub use self::compare::ComparePanel;
pub use self::curves::CurvesPanel;
pub use self::directives::DirectivesPanel;
pub use self::hotline::HotlinePanel;
pub use self::map::MapPanel;
pub use self::overview::OverviewPanel;
pub use self::region_picker::RegionPickerPanel;
pub use self::timeline_bar::TimelineBarPanel;
pub use self::wall::WallPanel;
use super::command::{Commands, UiCommand};
use super::context::{BoardStatus, ViewerContext};
use super::theme;
use crate::settings::MainTab;

/// A panel: its own state, drawn from the viewer context, talking back through commands.
pub trait Panel {
    fn ui(&mut self, ui: &mut Ui, ctx: &ViewerContext<'_>, commands: &mut Commands);
}

/// Every panel of the board (transient state, not persisted).
#[derive(Default)]
pub struct Panels {
    pub show_problems: bool,
    pub overview: OverviewPanel,
    pub curves: CurvesPanel,
    pub map: MapPanel,
    pub checkpoints: CheckpointsPanel,
    pub hotline: HotlinePanel,
    pub wall: WallPanel,
    pub directives: DirectivesPanel,
    pub compare: ComparePanel,
    pub region_picker: RegionPickerPanel,
    pub timeline_bar: TimelineBarPanel,
    pub sign_in: sign_in::SignInPanel,
}

impl Panels {
    /// The panel of a tab of the central area.
    fn tab(&mut self, tab: MainTab) -> &mut dyn Panel {
        match tab {
            MainTab::Overview => &mut self.overview,
            MainTab::Curves => &mut self.curves,
            MainTab::Map => &mut self.map,
            MainTab::Checkpoints => &mut self.checkpoints,
            MainTab::Hotline => &mut self.hotline,
            MainTab::Wall => &mut self.wall,
            MainTab::Directives => &mut self.directives,
            MainTab::Compare => &mut self.compare,
        }
    }
}

/// The tabs of the central area, in order, with their labels.
fn tabs(status: &BoardStatus<'_>) -> [(MainTab, &'static str); 8] {
    let tr = status.tr;
    [
        (MainTab::Overview, tr.board.tab_overview),
        (MainTab::Curves, tr.board.tab_curves),
        (MainTab::Map, tr.board.tab_map),
        (MainTab::Checkpoints, tr.board.tab_checkpoints),
        (MainTab::Hotline, tr.hotline.tab),
        (MainTab::Wall, tr.board.tab_wall),
        (MainTab::Directives, tr.journal.tab),
        (MainTab::Compare, tr.compare.tab),
    ]
}

/// Lay out the whole board.
pub fn board(
    ui: &mut Ui,
    status: &BoardStatus<'_>,
    view: Option<&ViewerContext<'_>>,
    panels: &mut Panels,
    commands: &mut Commands,
) {
    let tr = status.tr;
    // The wall has its own header (clock, as-of, a chip per source, its alarms).
    let wall = status.wall_mode && view.is_some();
    if !wall {
        egui::Panel::top("top_bar")
            .frame(egui::Frame::new().fill(theme::PANEL).inner_margin(egui::Margin::symmetric(16, 10)))
            .show(ui, |ui| top_bar::ui(ui, status, view, commands));
    }
    if let Some((from, to)) = status.went_back {
        egui::Panel::top("went_back")
            .frame(egui::Frame::new().fill(theme::PANEL).inner_margin(egui::Margin::symmetric(16, 6)))
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let l = &tr.live;
                    let text = format!("⚠ {} {to} ({} {from})", l.went_back, l.went_back_from);
                    ui.label(egui::RichText::new(text).color(theme::WARN).strong()).on_hover_text(l.went_back_hint);
                    if ui.small_button(tr.board.close).clicked() {
                        commands.push(UiCommand::DismissNotice);
                    }
                });
            });
    }
    sign_in::window(ui.ctx(), status, &mut panels.sign_in, commands);
    if let Some(l) = status.live {
        if !wall {
            live::banner(ui, l, tr, commands);
        }
        live::sources_window(ui.ctx(), l, tr, status.renderer, commands);
    }

    let Some(view) = view else {
        egui::CentralPanel::default().show(ui, |ui| loading_screen(ui, status));
        problems::window(ui.ctx(), status, panels.show_problems, commands);
        return;
    };

    if status.wall_mode {
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            commands.push(UiCommand::LeaveWall);
        }
        wall_screen(ui, view, &mut panels.wall, commands);
        problems::window(ui.ctx(), status, panels.show_problems, commands);
        return;
    }

    egui::Panel::bottom("timeline_bar")
        .frame(egui::Frame::new().fill(theme::PANEL).inner_margin(egui::Margin::symmetric(16, 8)))
        .show(ui, |ui| panels.timeline_bar.ui(ui, view, commands));

    egui::Panel::left("region_picker")
        .default_size(300.0)
        .min_size(220.0)
        .resizable(true)
        .frame(egui::Frame::new().fill(theme::PANEL).inner_margin(egui::Margin::symmetric(10, 10)))
        .show(ui, |ui| panels.region_picker.ui(ui, view, commands));

    egui::CentralPanel::default().frame(egui::Frame::new().fill(theme::BG).inner_margin(egui::Margin::same(16))).show(
        ui,
        |ui| {
            ui.horizontal(|ui| {
                for (t, label) in tabs(status) {
                    let text = egui::RichText::new(label).size(theme::HEADING);
                    if ui.selectable_label(status.tab == t, text).clicked() && status.tab != t {
                        commands.push(UiCommand::SetTab(t));
                    }
                }
            });
            ui.separator();
            panels.tab(status.tab).ui(ui, view, commands);
        },
    );

    problems::window(ui.ctx(), status, panels.show_problems, commands);
}

/// A wall screen: the wall filling the window (the board's, or another screen's).
pub fn wall_screen(ui: &mut Ui, view: &ViewerContext<'_>, wall: &mut WallPanel, commands: &mut Commands) {
    egui::CentralPanel::default()
        .frame(egui::Frame::new().fill(theme::BG).inner_margin(egui::Margin::same(12)))
        .show(ui, |ui| wall.ui(ui, view, commands));
}

/// What the central area shows until data arrives: a spinner and the sources being read,
/// or why nothing could be loaded.
fn loading_screen(ui: &mut Ui, status: &BoardStatus<'_>) {
    let tr = status.tr;
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.35);
        if let Some(msg) = status.failed {
            ui.label(egui::RichText::new(tr.board.load_failed).size(theme::TITLE).color(theme::ALERT));
            ui.label(msg);
        } else {
            ui.spinner();
            ui.label(egui::RichText::new(tr.board.loading).size(theme::HEADING));
            ui.label(egui::RichText::new(format!("{} {}", tr.board.loading_sources, status.source_note)).small());
        }
    });
}
