//! The per-frame non-UI step: take in what the workers sent (loaded or live data, journal
//! snapshots, push status), advance a playing timeline, then apply the commands the panels
//! pushed, in order. Never blocks. The situation on screen is always the data as of the
//! timeline's cursor.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::SitboardApp;
use crate::feed::IngestReport;
use crate::model::time::end_of_day;
use crate::model::{Dataset, Situation};
use crate::ui::command::UiCommand;
use crate::ui::workers::journal::JournalRequest;
use crate::ui::workers::{LiveLink, LoadResult, ReplayLink, ReplayMsg, SignInLink, SignInStatus};

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
        self.sign_in_step();
        let replayed = self.replay.as_mut().map(ReplayLink::poll).unwrap_or_default();
        for msg in replayed {
            match msg {
                ReplayMsg::Marks(marks, _) => {
                    let opening = self.timeline.marks().is_empty();
                    self.timeline.set_marks(marks);
                    if opening {
                        // A replay opens on its last instant and plays (from the first).
                        self.timeline.play(self.speed);
                    }
                    self.show_cursor();
                }
                ReplayMsg::Data(result) => self.accept(result),
            }
        }
        if let Some(journal) = self.journal.poll() {
            self.record_journal(&journal);
            self.situation = self.situation.take().map(|s| s.with_journal(journal));
        }
        self.export_step();
        if self.timeline.is_playing() && !self.manual_clock {
            let now = Instant::now();
            let elapsed = self.last_tick.map_or(Duration::ZERO, |t| now - t);
            self.last_tick = Some(now);
            self.tick(elapsed);
        } else {
            self.last_tick = None;
        }
        for cmd in self.commands.take() {
            self.apply(cmd);
        }
        // Replaying: the worker builds the data of the instant in view (when it changes).
        if let (Some(replay), Some(t)) = (&mut self.replay, self.timeline.cursor()) {
            replay.request(t);
        }
    }

    /// A recording board archives its own journal too, as one more source (the directives
    /// as the feed publishes them, as of the newest event), so that a replay shows which
    /// directives were in force at every recorded instant. Unchanged journals cost a row.
    fn record_journal(&self, journal: &crate::model::journal::Journal) {
        let Some(recorder) = &self.recorder else { return };
        let now = chrono::Utc::now();
        let Some((body, _)) = crate::export::journal_feed::journal_document(journal, self.exercise, now) else {
            return;
        };
        let source = match &self.journal.status.path {
            Some(p) => format!("journal:{}", p.display()),
            None => "journal".to_owned(),
        };
        // The recorder thread has stopped only when recording failed (its status says why).
        let _ = recorder.sender().send(crate::feed::live::ReceivedDocument {
            index: usize::MAX,
            source,
            received: now,
            body,
        });
    }

    /// Advance a playing timeline by `elapsed` wall time (the logic step measures it; tests
    /// give it).
    pub fn tick(&mut self, elapsed: Duration) {
        if self.timeline.advance(elapsed) {
            self.show_cursor();
        }
    }

    /// Rebuild the situation at the timeline's cursor (cheap: the dataset is shared).
    fn show_cursor(&mut self) {
        let (Some(sit), Some(t)) = (&self.situation, self.timeline.cursor()) else { return };
        if sit.as_of() != t {
            let next = Situation::at_instant(sit.dataset_arc().clone(), t).with_journal(sit.journal_arc().clone());
            self.state.date = Some(next.date());
            self.situation = Some(next);
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
                // Moving to the newest day of a live source follows it again; any other day pauses.
                if self.situation.as_ref().is_some_and(|s| s.data().dates().contains(&d)) {
                    self.timeline.seek(end_of_day(d));
                    self.show_cursor();
                }
            }
            UiCommand::Seek(t) => {
                self.timeline.seek(t);
                self.show_cursor();
            }
            UiCommand::FollowLive => {
                self.timeline.follow();
                self.show_cursor();
            }
            UiCommand::TogglePlay => {
                self.timeline.toggle_play(self.speed);
                self.show_cursor();
            }
            UiCommand::SetSpeed(speed) => {
                self.speed = speed;
                if self.timeline.is_playing() {
                    self.timeline.set_speed(speed);
                }
            }
            UiCommand::SetLoop(on) => self.timeline.looping = on,
            UiCommand::Step(unit, forward) => {
                self.timeline.step(unit, forward);
                self.show_cursor();
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
            UiCommand::DismissNotice => self.notice = None,
            UiCommand::Journal(JournalRequest::Append { id, event, .. }) => {
                // While following an exercise, a record carries the exercise clock.
                let exercise_at = self.exercise_clock();
                self.journal.send(JournalRequest::Append { id, event, exercise_at });
            }
            UiCommand::Journal(JournalRequest::Acknowledge { id, event, .. }) => {
                let exercise_at = self.exercise_clock();
                self.journal.send(JournalRequest::Acknowledge { id, event, exercise_at });
            }
            UiCommand::Journal(req) => self.journal.send(req),
            UiCommand::SetOfficer(o) => self.state.officer = o,
            UiCommand::SignIn(token) => self.sign_in_token(token),
            UiCommand::Export(action) => self.export(action),
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
                // A live source whose newest day goes back (a hub restarted, its data
                // replaced) moves the board back: say so rather than jump silently.
                let before = self.situation.as_ref().and_then(|s| s.data().dates().last().copied());
                let after = outcome.dataset.dates().last().copied();
                if let (true, Some(b), Some(a)) = (self.live.is_some(), before, after)
                    && a < b
                {
                    self.notice = Some((b, a));
                }
                self.install(Arc::new(outcome.dataset));
            }
        }
    }

    /// The exercise's "now" while the board follows an exercise: just before the timeline's
    /// live edge (the end of the newest reporting day: the hub's exercise clock), whatever the
    /// instant in view. `None` for real data.
    fn exercise_clock(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        if !self.exercise {
            return None;
        }
        let edge = self.timeline.marks().last().copied();
        let clock = edge.or_else(|| self.situation.as_ref().and_then(|s| s.data().as_of())).or(self.timeline.cursor());
        clock.map(crate::model::time::just_before)
    }

    /// The data became an exercise (or stopped being one), or is the first data: open the
    /// journal, and its push to the hub, of that kind, so that exercise and real records
    /// never mix.
    fn set_exercise(&mut self, exercise: bool) {
        self.exercise = exercise;
        // A replay shows the directives as recorded; this board's own journal stays out of
        // the scene (and nothing is logged while replaying).
        if self.replay.is_some() {
            return;
        }
        let kind = self.journal_kind();
        if self.journal_kind_open == Some(kind) {
            return;
        }
        if exercise {
            tracing::info!("the data is an exercise (演练): directives logged now go to the exercise journal");
        }
        self.open_journal();
    }

    /// Put a freshly loaded dataset on screen, keeping the user's region and day if they
    /// still exist in it.
    fn install(&mut self, data: Arc<Dataset>) {
        self.set_exercise(data.is_exercise());
        let dates = data.dates();
        if dates.is_empty() {
            self.failed = Some("the data holds no case reports".into());
            return;
        }
        // The timeline's marks: the end of every reporting day (a replay's are the archive's
        // instants). Following live data, the cursor moves to the newest; otherwise it stays
        // where the person put it.
        if self.replay.is_none() {
            self.timeline.set_marks(dates.iter().map(|d| end_of_day(*d)).collect());
        }
        let start_date = if self.replay.is_none() { self.start.date.take() } else { None };
        // A day asked for at start (`--date`), or the saved day of a file source, is where
        // the cursor goes first (a live source given `--date` starts paused there).
        let first_install = self.situation.is_none();
        // The saved day is restored only for the sources it was saved with: a new data
        // source opens on its latest day.
        let same_sources = self.state.date_sources.as_deref() == Some(self.source_note.as_str());
        let restore = first_install && !self.timeline.live && self.replay.is_none() && same_sources;
        let wanted = start_date.or(if restore { self.state.date } else { None });
        if let Some(d) = wanted
            && dates.contains(&d)
        {
            self.timeline.seek(end_of_day(d));
        }
        let Some(cursor) = self.timeline.cursor() else { return };
        let region_wanted = self.start.region.take().or(self.state.region);
        let region =
            region_wanted.and_then(|r| data.registry.resolve(r)).or_else(|| data.registry.roots().first().copied());
        let sit = Situation::at_instant(data, cursor).with_journal(self.journal.journal());
        self.state.date = Some(sit.date());
        self.state.date_sources = Some(self.source_note.clone());
        self.state.region = region;
        self.situation = Some(sit);
    }

    /// Take in a sign-in answer; ask again later when the hub could not be asked (every
    /// 10 s) and while signed in (every minute: a revoked token is noticed without a
    /// restart).
    fn sign_in_step(&mut self) {
        if let Some(reply) = self.sign_in_link.as_ref().and_then(SignInLink::poll) {
            self.sign_in_link = None;
            // An answer about a token no longer in use changes nothing.
            if self.hub.as_ref().is_none_or(|h| h.token == reply.hub.token) {
                if let SignInStatus::SignedIn(o) = &reply.status {
                    // Events are recorded under the officer the hub knows.
                    self.state.officer = o.id.clone();
                }
                self.sign_in_again = match &reply.status {
                    SignInStatus::Failed(_) => Some(Instant::now() + Duration::from_secs(10)),
                    SignInStatus::SignedIn(_) => Some(Instant::now() + Duration::from_secs(60)),
                    _ => None,
                };
                if let Some(p) = reply.remember_problem {
                    self.config_problem = Some(format!("the token is not remembered: {p}"));
                }
                // A re-check that failed (the hub is down) keeps who is signed in.
                let keep = matches!(reply.status, SignInStatus::Failed(_))
                    && matches!(self.sign_in, Some(SignInStatus::SignedIn(_)));
                if !keep {
                    self.sign_in = Some(reply.status);
                }
            }
        }
        if self.sign_in_link.is_none()
            && self.sign_in_again.is_some_and(|t| Instant::now() >= t)
            && let Some(hub) = self.hub.clone()
        {
            self.sign_in_again = None;
            let keep = self.sign_in.clone();
            self.sign_in_with(hub, None);
            if matches!(keep, Some(SignInStatus::SignedIn(_))) {
                // Still signed in while the hub is asked again.
                self.sign_in = keep;
            }
        }
    }
}
