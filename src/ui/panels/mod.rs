//! The board's panels, one module each, and the layout that places them. Each panel reads
//! a [`View`] (the `Situation`, the selected region, the language) and pushes
//! [`UiCommand`]s; none of them changes shared state or does IO.

mod checkpoints;
pub mod curves;
mod date_control;
mod directives;
mod live;
mod overview;
mod problems;
mod region_picker;
mod top_bar;
mod wall;

use super::app::UiCommand;
use super::theme;
use crate::feed::IngestReport;
use crate::i18n::{Lang, Tr};
use crate::model::{Adcode, Situation};

/// What every panel renders from.
pub struct View<'a> {
    pub sit: &'a Situation,
    pub region: Adcode,
    /// The selected checkpoint, shared by the map and the checkpoints panel.
    pub checkpoint: Option<&'a str>,
    pub lang: Lang,
    pub tr: &'static Tr,
}

impl View<'_> {
    pub fn name(&self, code: Adcode) -> String {
        self.sit.data().registry.name(code, self.lang.is_en())
    }
}

/// Loading state and data problems, for the top bar and the problems window, and what the
/// central area shows.
pub struct Status<'a> {
    pub tab: MainTab,
    pub map_layer: Option<&'a std::sync::Arc<crate::ui::map::layer::MapLayer>>,
    pub reports: &'a [IngestReport],
    pub loading: bool,
    pub failed: Option<&'a str>,
    /// Live sources (none when the board replays files).
    pub live: Option<&'a crate::ui::live::LiveLink>,
    /// Directives pushed to the hub: what is still waiting (none without a hub).
    pub sync: Option<&'a crate::sync::SyncStatus>,
    pub source_note: &'a str,
    pub config_problem: Option<&'a str>,
    /// The directive journal, and the officer its events are recorded under.
    pub journal: &'a crate::ui::journal_worker::JournalStatus,
    pub officer: &'a str,
}

/// The views of the central area.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MainTab {
    #[default]
    Overview,
    Curves,
    Map,
    Checkpoints,
    /// The wall display (大屏): key figures, map, curve and directives on one screen.
    Wall,
    Directives,
}

/// Transient (not persisted) state of the panels.
#[derive(Default)]
pub struct PanelState {
    pub show_problems: bool,
    /// Wall mode: no region picker and date control, the wall layout full screen (Esc leaves).
    pub wall_mode: bool,
    pub checkpoints: checkpoints::CheckpointsState,
    pub overview: overview::OverviewCache,
    pub map: crate::ui::map::MapState,
    pub curves: curves::CurvesState,
    pub region_picker: region_picker::RegionPickerState,
    pub date_control: date_control::DateControlState,
    pub directives: directives::DirectivesState,
}

/// Lay out the whole board.
pub fn board(
    ui: &mut egui::Ui,
    view: Option<&View<'_>>,
    status: &Status<'_>,
    lang: Lang,
    state: &mut PanelState,
    commands: &mut Vec<UiCommand>,
) {
    let tr = lang.tr();
    let (tab, map_layer) = (status.tab, status.map_layer);
    egui::Panel::top("top_bar")
        .frame(egui::Frame::new().fill(theme::PANEL).inner_margin(egui::Margin::symmetric(16, 10)))
        .show(ui, |ui| top_bar::ui(ui, view, status, lang, commands));
    if let Some(l) = status.live {
        live::banner(ui, l, tr, commands);
        live::sources_window(ui.ctx(), l, tr, commands);
    }

    let Some(view) = view else {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.35);
                if let Some(msg) = status.failed {
                    ui.label(egui::RichText::new(tr.board.load_failed).size(theme::TITLE).color(theme::ALERT));
                    ui.label(msg);
                } else {
                    ui.spinner();
                    ui.label(egui::RichText::new(tr.board.loading).size(theme::HEADING));
                    ui.label(
                        egui::RichText::new(format!("{} {}", tr.board.loading_sources, status.source_note)).small(),
                    );
                }
            });
        });
        problems::window(ui.ctx(), status, tr, state, commands);
        return;
    };

    if state.wall_mode {
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            state.wall_mode = false;
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::new().fill(theme::BG).inner_margin(egui::Margin::same(12)))
            .show(ui, |ui| wall::ui(ui, view, map_layer, state, commands));
        problems::window(ui.ctx(), status, tr, state, commands);
        return;
    }

    egui::Panel::bottom("date_control")
        .frame(egui::Frame::new().fill(theme::PANEL).inner_margin(egui::Margin::symmetric(16, 8)))
        .show(ui, |ui| date_control::ui(ui, view, &mut state.date_control, commands));

    egui::Panel::left("region_picker")
        .default_size(300.0)
        .min_size(220.0)
        .resizable(true)
        .frame(egui::Frame::new().fill(theme::PANEL).inner_margin(egui::Margin::symmetric(10, 10)))
        .show(ui, |ui| region_picker::ui(ui, view, &mut state.region_picker, commands));

    egui::CentralPanel::default().frame(egui::Frame::new().fill(theme::BG).inner_margin(egui::Margin::same(16))).show(
        ui,
        |ui| {
            ui.horizontal(|ui| {
                for (t, label) in [
                    (MainTab::Overview, tr.board.tab_overview),
                    (MainTab::Curves, tr.board.tab_curves),
                    (MainTab::Map, tr.board.tab_map),
                    (MainTab::Checkpoints, tr.board.tab_checkpoints),
                    (MainTab::Wall, tr.board.tab_wall),
                    (MainTab::Directives, tr.journal.tab),
                ] {
                    let text = egui::RichText::new(label).size(theme::HEADING);
                    if ui.selectable_label(tab == t, text).clicked() && tab != t {
                        commands.push(UiCommand::SetTab(t));
                    }
                }
            });
            ui.separator();
            match tab {
                MainTab::Overview => overview::ui(ui, view, &mut state.overview, commands),
                MainTab::Curves => curves::ui(ui, view, &mut state.curves, commands),
                MainTab::Map => crate::ui::map::ui(ui, view, map_layer, &mut state.map, commands, false),
                MainTab::Wall => wall::ui(ui, view, map_layer, state, commands),
                MainTab::Checkpoints => checkpoints::ui(ui, view, &mut state.checkpoints, commands),
                MainTab::Directives => directives::ui(ui, view, status, &mut state.directives, commands),
            }
        },
    );

    problems::window(ui.ctx(), status, tr, state, commands);
}
