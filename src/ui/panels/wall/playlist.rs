//! The wall's rotation (playlist): views and regions in turn, each for its dwell time, on the
//! wall clock (`BoardStatus::clock`, read once a frame; the wall repaints once a second while
//! it shows, so a turn is at most a second late). A key or a click pauses it, and it resumes
//! after a minute without input. `[wall] playlist` in sitboard.toml, else the province then
//! each city with cases.

use chrono::{DateTime, Utc};

use crate::model::{Adcode, CaseField};
use crate::settings::MapMode;
use crate::settings::config::{PlaylistEntry, WallView};
use crate::ui::command::{Commands, UiCommand};
use crate::ui::context::ViewerContext;
use crate::ui::panels::MapPanel;

/// Seconds on a view unless the playlist says otherwise.
pub const DEFAULT_DWELL_S: u64 = 20;
/// Seconds without input after which a paused rotation resumes.
pub const RESUME_AFTER_S: i64 = 60;

/// One view of the rotation, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub view: WallView,
    pub region: Option<Adcode>,
    pub map_mode: Option<MapMode>,
    pub dwell_s: u64,
}

/// Where the rotation is, for the header.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    pub index: usize,
    pub count: usize,
    /// How much of this view's dwell has passed (0..1).
    pub progress: f32,
    pub paused: bool,
}

#[derive(Default)]
pub struct Rotation {
    configured: Vec<PlaylistEntry>,
    entries: Vec<Entry>,
    index: usize,
    started: Option<DateTime<Utc>>,
    last_input: Option<DateTime<Utc>>,
    view: WallView,
}

impl Rotation {
    pub fn new(configured: Vec<PlaylistEntry>) -> Self {
        Rotation { configured, ..Default::default() }
    }

    /// The view on the wall now.
    pub fn view(&self) -> WallView {
        self.view
    }

    /// The entries of the rotation (after its first frame).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry on the wall now.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Whether input paused the rotation at `now`.
    pub fn paused_at(&self, now: DateTime<Utc>) -> bool {
        self.last_input.is_some_and(|t| (now - t).num_seconds() < RESUME_AFTER_S)
    }

    /// One frame of the rotation at `now`: take in input, turn to the next view when this
    /// one's dwell has passed (pushing the region it shows), say where it is.
    pub fn step(
        &mut self,
        v: &ViewerContext<'_>,
        now: DateTime<Utc>,
        input: bool,
        map: &mut MapPanel,
        commands: &mut Commands,
    ) -> Shown {
        if input {
            self.last_input = Some(now);
        }
        if self.entries.is_empty() {
            self.entries = resolve(&self.configured, v);
            // Start where the wall is (a region given at start), else at the first entry.
            self.index = self.entries.iter().position(|e| e.region == Some(v.region)).unwrap_or(0);
            self.apply(v, map, commands);
            self.started = Some(now);
        }
        let paused = self.paused_at(now);
        let started = *self.started.get_or_insert(now);
        let dwell = self.entries.get(self.index).map_or(DEFAULT_DWELL_S, |e| e.dwell_s).max(1) as f32;
        if paused {
            // A paused view starts its dwell afresh when the rotation resumes.
            self.started = Some(now);
        } else if self.entries.len() > 1 && (now - started).num_milliseconds() as f32 >= dwell * 1000.0 {
            self.index = (self.index + 1) % self.entries.len();
            if self.index == 0 && self.configured.is_empty() {
                // The cities with cases change with the data: the default list is rebuilt
                // at each round.
                self.entries = resolve(&self.configured, v);
            }
            self.apply(v, map, commands);
            self.started = Some(now);
        }
        let elapsed = self.started.map_or(0.0, |s| (now - s).num_milliseconds() as f32 / 1000.0);
        Shown { index: self.index, count: self.entries.len(), progress: elapsed / dwell, paused }
    }

    fn apply(&mut self, v: &ViewerContext<'_>, map: &mut MapPanel, commands: &mut Commands) {
        let Some(e) = self.entries.get(self.index) else { return };
        self.view = e.view;
        if let Some(m) = e.map_mode {
            map.mode = m;
        }
        if let Some(r) = e.region
            && r != v.region
        {
            commands.push(UiCommand::SelectRegion(r));
        }
    }
}

/// The configured playlist with regions checked against the registry (an unknown region shows
/// the one in view), else the default: the province, then each city with cases.
pub fn resolve(configured: &[PlaylistEntry], v: &ViewerContext<'_>) -> Vec<Entry> {
    let registry = &v.sit.data().registry;
    if !configured.is_empty() {
        return configured
            .iter()
            .map(|c| Entry {
                view: c.view,
                region: c.region.and_then(Adcode::new).and_then(|r| registry.resolve(r)),
                map_mode: c.map_colour.as_deref().and_then(MapMode::parse),
                dwell_s: c.dwell_s.unwrap_or(DEFAULT_DWELL_S).max(1),
            })
            .collect();
    }
    let root = registry.path(v.region).first().copied().or_else(|| registry.roots().first().copied());
    let Some(root) = root else { return Vec::new() };
    let entry = |r| Entry { view: WallView::Wall, region: Some(r), map_mode: None, dwell_s: DEFAULT_DWELL_S };
    let with_cases = |c: &Adcode| {
        v.sit.report(*c).is_some_and(|r| {
            [CaseField::Active, CaseField::NewConfirmed, CaseField::NewAsymptomatic]
                .iter()
                .any(|f| r.get(*f).unwrap_or(0) > 0)
        })
    };
    std::iter::once(entry(root))
        .chain(registry.children(root).iter().filter(|c| with_cases(c)).map(|c| entry(*c)))
        .collect()
}
