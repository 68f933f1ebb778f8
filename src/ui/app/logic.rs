//! The per-frame non-UI step: take in what the workers sent (loaded or live data, journal
//! snapshots, push status), then apply the commands the panels pushed, in order. Never blocks.

use std::sync::Arc;

use super::SitboardApp;
use crate::feed::IngestReport;
use crate::model::{Dataset, Situation};
use crate::ui::command::UiCommand;
use crate::ui::workers::{LiveLink, LoadResult, PlayState};

impl SitboardApp {
    /// The non-UI work of a frame: take in loaded data, apply commands. Never blocks.
    pub fn logic_step(&mut self) {
        if let Some(result) = self.load.poll() {
            self.accept(result);
        }
        if let Some((result, ready)) = self.live.as_mut().and_then(LiveLink::poll) {
            self.accept(result);
            if let Some(sit) = &self.situation {
                tracing::info!(
                    "board: showing {} (data as of {}), {} ms after the dataset was ready",
                    sit.date(),
                    sit.data().as_of().map(crate::model::time::format_as_of).unwrap_or_default(),
                    ready.elapsed().as_millis()
                );
            }
        }
        if let Some(push) = &mut self.push {
            push.poll();
        }
        if let Some(journal) = self.journal.poll() {
            self.situation = self.situation.take().map(|s| s.with_journal(journal));
        }
        for cmd in self.commands.take() {
            self.apply(cmd);
        }
    }

    /// Apply one command (the panels' or a test's).
    pub fn apply(&mut self, cmd: UiCommand) {
        match cmd {
            UiCommand::SelectRegion(r) => {
                if self.situation.as_ref().is_some_and(|s| s.data().registry.contains(r)) {
                    self.state.region = Some(r);
                }
            }
            UiCommand::SetDate(d) => {
                if let Some(sit) = &self.situation
                    && sit.data().dates().contains(&d)
                {
                    if let Some(live) = &mut self.live {
                        // Moving to the newest day follows live data again; any other day pauses.
                        let newest = sit.data().dates().last() == Some(&d);
                        live.play = if newest { PlayState::Following } else { PlayState::Paused };
                    }
                    self.situation = Some(sit.with_date(d));
                    self.state.date = Some(d);
                }
            }
            UiCommand::FollowLive => {
                if let Some(live) = &mut self.live {
                    live.play = PlayState::Following;
                }
                if let Some(last) = self.situation.as_ref().and_then(|s| s.data().dates().last().copied()) {
                    self.apply(UiCommand::SetDate(last));
                }
            }
            UiCommand::ShowSources(open) => {
                if let Some(live) = &mut self.live {
                    live.show_sources = open;
                    live.set_details_open(open);
                }
            }
            UiCommand::RetryNow => {
                if let Some(live) = &self.live {
                    live.retry_now();
                }
            }
            UiCommand::SetLang(l) => self.state.lang = l,
            UiCommand::SetTab(t) => self.state.tab = t,
            UiCommand::SelectCheckpoint(c) => self.state.checkpoint = c,
            UiCommand::ShowProblems(b) => self.panels.show_problems = b,
            UiCommand::LeaveWall => self.wall_mode = false,
            UiCommand::Journal(req) => self.journal.send(req),
            UiCommand::SetOfficer(o) => self.state.officer = o,
        }
    }

    /// Take in a load result: the data on screen, or why there is none.
    pub(super) fn accept(&mut self, result: LoadResult) {
        match result {
            LoadResult::Failed(msg, reports) => {
                self.reports = reports;
                self.failed = Some(msg);
            }
            LoadResult::Loaded(outcome, map_layer) => {
                self.map_layer = map_layer;
                let outcome = *outcome;
                self.reports = outcome.reports;
                if !self.reports.iter().any(IngestReport::usable) {
                    self.failed = Some(self.reports.iter().map(|r| r.summary()).collect::<Vec<_>>().join("\n"));
                    return;
                }
                self.failed = None;
                self.install(Arc::new(outcome.dataset));
            }
        }
    }

    /// Put a freshly loaded dataset on screen, keeping the user's region and day if they
    /// still exist in it.
    fn install(&mut self, data: Arc<Dataset>) {
        let dates = data.dates();
        let wanted = self.start.date.take().or(self.state.date);
        // Following live data: always the newest day; otherwise keep the person's day.
        let following = self.live.as_ref().is_some_and(|l| l.play == PlayState::Following);
        let date = match wanted {
            Some(d) if !following && dates.contains(&d) => Some(d),
            _ => dates.last().copied(),
        };
        let Some(date) = date else {
            self.failed = Some("the data holds no case reports".into());
            return;
        };
        let region_wanted = self.start.region.take().or(self.state.region);
        let region =
            region_wanted.and_then(|r| data.registry.resolve(r)).or_else(|| data.registry.roots().first().copied());
        self.state.date = Some(date);
        self.state.region = region;
        self.situation = Some(Situation::at_end_of(data, date).with_journal(self.journal.journal()));
    }
}
