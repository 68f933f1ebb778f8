//! `Situation`: an immutable, cheap-to-clone view of everything the board knows as of one
//! instant. Every panel renders a `&Situation` and nothing else; live mode and replay differ
//! only in which instant the cursor gives it.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::case::CaseReport;
use super::dataset::Dataset;
use super::directive::Directive;
use super::hotline::HotlinePeriod;
use super::hotline_stats::{HotlineSummary, periods_for};
use super::indicators::{DailyNew, Indicators, daily_new};
use super::journal::Journal;
use super::region::Adcode;
use super::response::ResponseLevelChange;
use super::risk::RiskAssessment;
use super::time;

#[derive(Clone, Debug)]
pub struct Situation {
    data: Arc<Dataset>,
    date: NaiveDate,
    as_of: DateTime<Utc>,
    /// Directives logged in the local journal (feed directives are in `data`).
    journal: Arc<Journal>,
}

impl Situation {
    /// The situation at the end of a reporting day (24:00 Asia/Shanghai).
    pub fn at_end_of(data: Arc<Dataset>, date: NaiveDate) -> Self {
        Situation { data, date, as_of: time::end_of_day(date), journal: Arc::default() }
    }

    /// The situation at an instant; its reporting day is the last one that has ended (at
    /// 15:00 on 03-03 the report of 03-03 is not out yet: the day in view is 03-02).
    pub fn at_instant(data: Arc<Dataset>, as_of: DateTime<Utc>) -> Self {
        let today = time::local_date(as_of);
        let date = today.pred_opt().unwrap_or(today);
        Situation { data, date, as_of, journal: Arc::default() }
    }

    pub fn data(&self) -> &Dataset {
        &self.data
    }

    pub fn dataset_arc(&self) -> &Arc<Dataset> {
        &self.data
    }

    /// The same situation with the directives of the local journal.
    pub fn with_journal(mut self, journal: Arc<Journal>) -> Self {
        self.journal = journal;
        self
    }

    /// The local directive journal (empty when none is open).
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    pub fn journal_arc(&self) -> &Arc<Journal> {
        &self.journal
    }

    /// Every issued directive the board knows: those published by feeds, then those issued
    /// in the local journal (drafts are not shown on the board).
    pub fn directives(&self) -> impl Iterator<Item = &Directive> {
        self.feed_directives().chain(self.journal.issued().map(|r| &r.directive))
    }

    /// The directives published by feeds, less those this desktop logged itself: the hub
    /// publishes those back to every board, and here the local journal's record (with its
    /// acknowledgments and history) is the one to show.
    pub fn feed_directives(&self) -> impl Iterator<Item = &Directive> {
        self.data.directives().iter().filter(|d| self.journal.record(&d.content.issuer, &d.content.number).is_none())
    }

    /// Whether a directive was logged in the local journal (not published by a feed).
    pub fn is_logged(&self, d: &Directive) -> bool {
        self.journal.records().iter().any(|r| std::ptr::eq(&r.directive, d))
    }

    /// The reporting day in view.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    pub fn as_of(&self) -> DateTime<Utc> {
        self.as_of
    }

    /// The region's report for the day in view.
    pub fn report(&self, region: Adcode) -> Option<&CaseReport> {
        self.data.report(region, self.date)
    }

    /// The region's report for an earlier day (never a day after the one in view).
    pub fn report_on(&self, region: Adcode, date: NaiveDate) -> Option<&CaseReport> {
        (date <= self.date).then(|| self.data.report(region, date)).flatten()
    }

    /// The region's reports up to and including the day in view.
    pub fn history(&self, region: Adcode) -> impl Iterator<Item = (&NaiveDate, &CaseReport)> {
        self.data.series(region).into_iter().flat_map(move |s| s.range(..=self.date))
    }

    /// The last instant inside the situation's day. Levels and directives are read here: a
    /// change that takes effect at 00:00 the next day (exactly at `as_of`) belongs to the
    /// next day, not to this one. Whatever says "in force now" asks this instant.
    pub fn last_instant(&self) -> DateTime<Utc> {
        self.as_of - Duration::nanoseconds(1)
    }

    /// Daily new confirmed cases of a region up to the day in view.
    pub fn daily_new(&self, region: Adcode) -> Vec<DailyNew> {
        daily_new(self.history(region))
    }

    /// The first day of the period (run of consecutive reporting days) the day in view is
    /// in, or follows: 2020-01-21 for a day of the 2020 outbreak, 2022-11-04 for Harbin.
    pub fn period_start(&self) -> Option<NaiveDate> {
        self.data.episodes().into_iter().map(|(a, _)| a).filter(|a| *a <= self.date).max()
    }

    /// Derived indicators of the region's curve for the day in view, over its period only:
    /// the days between two periods were not reported, so they count as nothing (not as
    /// days without a case).
    pub fn indicators(&self, region: Adcode) -> Option<Indicators> {
        let mut series = self.daily_new(region);
        if let Some(start) = self.period_start() {
            series.retain(|(d, _)| *d >= start);
        }
        (!series.is_empty()).then(|| Indicators::compute(&series, self.date))
    }

    pub fn risk(&self, region: Adcode) -> Option<&RiskAssessment> {
        self.data.risk_at(region, self.last_instant())
    }

    /// The emergency response level in force, as published. A level last published before
    /// the period in view began (and not vouched for since) is not the level of this period:
    /// none is published for it then.
    pub fn response(&self, region: Adcode) -> Option<&ResponseLevelChange> {
        let c = self.data.response_at(region, self.last_instant())?;
        let period = self.period_start().map(time::start_of_day);
        match period {
            Some(start) if c.since < start && c.known_until.is_none_or(|k| k < start) => None,
            _ => Some(c),
        }
    }

    /// Directives in force now whose scope touches the region, newest first.
    pub fn directives_in_force(&self, region: Adcode) -> Vec<&Directive> {
        let t = self.last_instant();
        let mut v: Vec<&Directive> = self
            .feed_directives()
            .filter(|d| d.in_force_at(t) && self.data.scope_touches(&d.content.scope, region))
            .chain(
                self.journal
                    .issued()
                    .filter(|r| r.in_force_at(t) && self.data.scope_touches(&r.content.scope, region))
                    .map(|r| &r.directive),
            )
            .collect();
        v.sort_by_key(|d| std::cmp::Reverse(d.issued_at));
        v
    }

    /// The 12345 hotline figures of a region at the situation's instant: the day's volume,
    /// open and overdue orders, the share closed in time (`model::hotline_stats`).
    pub fn hotline_summary(&self, region: Adcode) -> HotlineSummary {
        HotlineSummary::compute(self.data.hotline_index(), &self.data.registry, region, self.as_of)
    }

    /// The hotline figures published for periods covering the day in view (or ended within the
    /// week before it) for the region, its ancestors or its subregions, newest first.
    pub fn hotline_periods(&self, region: Adcode) -> Vec<&HotlinePeriod> {
        periods_for(self.data.hotline(), &self.data.registry, region, self.date)
    }

    /// A situation for another day over the same data.
    pub fn with_date(&self, date: NaiveDate) -> Situation {
        Situation::at_end_of(self.data.clone(), date).with_journal(self.journal.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_in_view_is_the_last_reporting_day_that_has_ended() {
        let data = Arc::new(Dataset::default());
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        // 24:00 on 03-03 (Beijing): the report of 03-03 is out.
        let end = Situation::at_instant(data.clone(), time::end_of_day(d("2020-03-03")));
        assert_eq!(end.date(), d("2020-03-03"));
        assert_eq!(end.as_of(), Situation::at_end_of(data.clone(), d("2020-03-03")).as_of());
        // 15:00 on 03-03: not yet; the day in view is 03-02.
        assert_eq!(Situation::at_instant(data.clone(), at("2020-03-03T15:00:00+08:00")).date(), d("2020-03-02"));
        // One second before midnight: still 03-02.
        assert_eq!(Situation::at_instant(data, at("2020-03-03T23:59:59+08:00")).date(), d("2020-03-02"));
    }
}
