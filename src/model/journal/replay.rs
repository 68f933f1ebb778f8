//! Replaying the journal: every directive's current state derived from the events in order
//! ([`Journal`]), skipping (and listing) events that break the lifecycle rules.

use std::collections::HashMap;

use super::event::{EventKind, JournalEvent};
use super::lifecycle::{check_external_ack, check_transition};
use super::problem::Problem;
use super::record::{Acknowledgment, DirectiveRecord, ExternalAck, JOURNAL_SOURCE};
use crate::model::directive::{Directive, DirectiveContent, DirectiveStatus};
use crate::model::text::comparable;

/// The issuing body when none is given and the journal has none yet.
pub const DEFAULT_ISSUER: &str = "疫情防控指挥部";

/// An event that breaks the rules when the journal is replayed (only a journal changed
/// outside Sitboard can hold one).
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayProblem {
    pub seq: u64,
    pub problem: Problem,
}

/// Every directive of the journal, derived from its events.
#[derive(Clone, Debug, Default)]
pub struct Journal {
    records: Vec<DirectiveRecord>,
    index: HashMap<(String, String), usize>,
    /// Issuing body and number as compared ([`comparable`]) → the first record of that form.
    similar: HashMap<(String, String), usize>,
    events: usize,
    last_seq: u64,
    /// Events skipped because they break the lifecycle rules.
    pub problems: Vec<ReplayProblem>,
    /// Files exported from the board or the command line, oldest first.
    pub exports: Vec<super::ExportRecord>,
    /// Acknowledgments of directives the journal holds no record of (feed directives),
    /// oldest first: see [`check_external_ack`](super::lifecycle::check_external_ack).
    external_acks: Vec<ExternalAck>,
}

impl Journal {
    /// Replay events in order. An event that breaks the rules is skipped and listed in
    /// `problems`; the rest still count.
    pub fn from_events(events: impl IntoIterator<Item = JournalEvent>) -> Journal {
        let mut j = Journal::default();
        for e in events {
            let seq = e.seq;
            if let Err(problem) = j.apply(e) {
                j.problems.push(ReplayProblem { seq, problem });
            }
        }
        j
    }

    /// Apply one more event, if the rules allow it.
    pub fn apply(&mut self, e: JournalEvent) -> Result<(), Problem> {
        let key = (e.event.issuer.clone(), e.event.number.clone());
        let idx = self.index.get(&key).copied();
        if idx.is_none() && e.event.kind == EventKind::Acknowledged {
            // An acknowledgment of a directive the journal does not hold: a feed's.
            check_external_ack(None, &e.event)?;
            self.events += 1;
            self.last_seq = self.last_seq.max(e.seq);
            self.external_acks.push(ExternalAck {
                issuer: key.0,
                number: key.1,
                ack: Acknowledgment {
                    unit: e.event.unit.clone().unwrap_or_default(),
                    officer: e.event.officer.clone(),
                    at: e.effective_at(),
                    seq: e.seq,
                    note: e.event.reason.clone(),
                },
            });
            return Ok(());
        }
        check_transition(idx.and_then(|i| self.records.get(i)), &e.event)?;
        self.events += 1;
        self.last_seq = self.last_seq.max(e.seq);
        // An exercise record takes effect at the exercise clock it was logged at.
        let at = e.effective_at();
        let record = match idx.and_then(|i| self.records.get_mut(i)) {
            Some(r) => r,
            None => {
                let Some(content) = e.event.content.clone() else { return Err(Problem::Mismatch) };
                let placeholder = Directive {
                    content: DirectiveContent {
                        number: content.number.clone(),
                        issuer: content.issuer.clone(),
                        title: String::new(),
                        body: String::new(),
                        category: content.category,
                        scope: Vec::new(),
                        effective_from: None,
                        effective_until: None,
                        priority: content.priority,
                    },
                    issued_at: at,
                    status: DirectiveStatus::Draft,
                    supersedes: Vec::new(),
                    source: JOURNAL_SOURCE.to_owned(),
                    reference: None,
                    known_until: None,
                    addressed: Vec::new(),
                };
                self.records.push(DirectiveRecord {
                    content,
                    status: DirectiveStatus::Draft,
                    drafted_at: None,
                    issued_at: None,
                    ended: None,
                    acknowledgments: Vec::new(),
                    events: Vec::new(),
                    directive: placeholder,
                });
                let similar = (comparable(&key.0), comparable(&key.1));
                self.similar.entry(similar).or_insert(self.records.len() - 1);
                self.index.insert(key, self.records.len() - 1);
                let last = self.records.len() - 1;
                &mut self.records[last]
            }
        };
        if let Some(c) = &e.event.content {
            record.content = c.clone();
        }
        match e.event.kind {
            EventKind::Drafted => {
                record.status = DirectiveStatus::Draft;
                record.drafted_at = Some(at);
            }
            EventKind::Issued => {
                record.status = DirectiveStatus::InForce;
                record.issued_at = Some(at);
            }
            EventKind::Amended => {}
            EventKind::Acknowledged => record.acknowledgments.push(Acknowledgment {
                unit: e.event.unit.clone().unwrap_or_default(),
                officer: e.event.officer.clone(),
                at,
                seq: e.seq,
                note: e.event.reason.clone(),
            }),
            EventKind::Lifted | EventKind::Revoked => {
                record.status =
                    if e.event.kind == EventKind::Lifted { DirectiveStatus::Lifted } else { DirectiveStatus::Revoked };
                record.ended = Some((at, e.event.reason.clone().unwrap_or_default()));
            }
        }
        record.events.push(e);
        record.directive = record.to_directive();
        Ok(())
    }

    /// All directives, in the order they were first recorded.
    pub fn records(&self) -> &[DirectiveRecord] {
        &self.records
    }

    pub fn record(&self, issuer: &str, number: &str) -> Option<&DirectiveRecord> {
        self.index.get(&(issuer.to_owned(), number.to_owned())).and_then(|&i| self.records.get(i))
    }

    /// The directive whose issuing body and number read the same as these ([`comparable`]:
    /// `哈指7\u{200B}号` is `哈指7号`): a new directive may not take such a number.
    pub fn record_like(&self, issuer: &str, number: &str) -> Option<&DirectiveRecord> {
        self.record(issuer, number)
            .or_else(|| self.similar.get(&(comparable(issuer), comparable(number))).and_then(|&i| self.records.get(i)))
    }

    /// Find a directive by number, with the issuing body when given (needed only when
    /// several bodies use the same number).
    pub fn find(&self, number: &str, issuer: Option<&str>) -> Result<&DirectiveRecord, Problem> {
        let number = number.trim();
        if let Some(i) = issuer {
            return self
                .record_like(i.trim(), number)
                .ok_or_else(|| Problem::UnknownDirective { number: number.to_owned() });
        }
        let mut hits: Vec<&DirectiveRecord> = self.records.iter().filter(|r| r.number() == number).collect();
        if hits.is_empty() {
            let wanted = comparable(number);
            hits = self.records.iter().filter(|r| comparable(r.number()) == wanted).collect();
        }
        match hits.as_slice() {
            [] => Err(Problem::UnknownDirective { number: number.to_owned() }),
            [one] => Ok(one),
            many => Err(Problem::AmbiguousNumber {
                number: number.to_owned(),
                issuers: many.iter().map(|r| r.issuer().to_owned()).collect(),
            }),
        }
    }

    /// Acknowledgments recorded here of feed directives (the journal holds no record of
    /// them), oldest first.
    pub fn external_acks(&self) -> &[ExternalAck] {
        &self.external_acks
    }

    /// The acknowledgment recorded here for `unit` of the feed directive `issuer` `number`.
    pub fn external_ack(&self, issuer: &str, number: &str, unit: &str) -> Option<&Acknowledgment> {
        self.external_acks
            .iter()
            .find(|x| x.issuer == issuer && x.number == number && x.ack.unit == unit)
            .map(|x| &x.ack)
    }

    /// Number of events applied.
    pub fn event_count(&self) -> usize {
        self.events
    }

    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// The issuing body of the most recently recorded directive, else [`DEFAULT_ISSUER`].
    pub fn default_issuer(&self) -> String {
        self.records.last().map(|r| r.issuer().to_owned()).unwrap_or_else(|| DEFAULT_ISSUER.to_owned())
    }

    /// Directives issued (not drafts), as the board's panels read them.
    pub fn issued(&self) -> impl Iterator<Item = &DirectiveRecord> {
        self.records.iter().filter(|r| r.issued_at.is_some())
    }
}
