//! The directive journal's domain: append-only events (drafted, issued, amended,
//! acknowledged, lifted, revoked), the lifecycle rules they must follow, the checks on what an
//! officer enters, and each directive's current state derived from its events. Pure logic:
//! the SQLite file and the hash chain live in `store`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::directive::{Directive, DirectiveCategory, DirectiveStatus, Priority};
use super::region::{Adcode, RegionRegistry};
use super::text::{TextProblem, check_text};
use super::time::parse_time_input;

/// The `source` of directives derived from the journal (feed directives carry a feed id).
pub const JOURNAL_SOURCE: &str = "journal";
/// The issuing body when none is given and the journal has none yet.
pub const DEFAULT_ISSUER: &str = "疫情防控指挥部";

/// Longest number, officer ID or unit name.
pub const MAX_SHORT_CHARS: usize = 100;
/// Longest title or issuing body.
pub const MAX_LINE_CHARS: usize = 500;
/// Longest body.
pub const MAX_BODY_CHARS: usize = 20_000;
/// Longest reason for a lift or a revocation.
pub const MAX_REASON_CHARS: usize = 2_000;
/// Most regions in one directive's scope.
pub const MAX_SCOPE: usize = 200;

/// What happened to a directive. Every change is a new event; nothing is overwritten.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Drafted,
    Issued,
    Amended,
    Acknowledged,
    Lifted,
    Revoked,
}

impl EventKind {
    pub const ALL: [EventKind; 6] = [
        EventKind::Drafted,
        EventKind::Issued,
        EventKind::Amended,
        EventKind::Acknowledged,
        EventKind::Lifted,
        EventKind::Revoked,
    ];

    pub fn wire_name(self) -> &'static str {
        match self {
            EventKind::Drafted => "drafted",
            EventKind::Issued => "issued",
            EventKind::Amended => "amended",
            EventKind::Acknowledged => "acknowledged",
            EventKind::Lifted => "lifted",
            EventKind::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.wire_name() == s)
    }

    /// Whether the event carries the directive's full content.
    pub fn carries_content(self) -> bool {
        matches!(self, EventKind::Drafted | EventKind::Issued | EventKind::Amended)
    }
}

/// A directive's content as an officer wrote it. Number and issuing body identify it and
/// never change after it is first recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DirectiveContent {
    pub number: String,
    pub issuer: String,
    pub title: String,
    pub body: String,
    pub category: DirectiveCategory,
    pub scope: Vec<Adcode>,
    pub effective_from: Option<DateTime<Utc>>,
    pub effective_until: Option<DateTime<Utc>>,
    pub priority: Priority,
}

/// An event as an officer asks for it, before the journal stamps, numbers and chains it.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    pub kind: EventKind,
    pub issuer: String,
    pub number: String,
    pub officer: String,
    /// The unit that acknowledged (acknowledged only).
    pub unit: Option<String>,
    /// Why it was lifted or revoked.
    pub reason: Option<String>,
    /// Full content (drafted, issued, amended).
    pub content: Option<DirectiveContent>,
}

/// An event as written in the journal: numbered, stamped and chained to the one before.
#[derive(Clone, Debug, PartialEq)]
pub struct JournalEvent {
    /// 1, 2, 3, … in the order written.
    pub seq: u64,
    /// When it was written (UTC).
    pub at: DateTime<Utc>,
    pub event: NewEvent,
    /// SHA-256 of the previous event (hex), all zeros for the first.
    pub prev_hash: String,
    /// SHA-256 of this event's fields and `prev_hash` (hex).
    pub hash: String,
}

/// The field a problem is about, so a form can show the message next to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Number,
    Issuer,
    Title,
    Body,
    Scope,
    From,
    Until,
    Officer,
    Unit,
    Reason,
}

/// Why input was refused. The same values reach the form and the command line, which word
/// them in the user's language.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    Missing(Field),
    Text {
        field: Field,
        problem: TextProblem,
    },
    /// A scope entry that is not a 6-digit region code (as typed).
    BadRegionCode(String),
    /// A region code that the registry does not know.
    UnknownRegion(Adcode),
    TooManyRegions {
        count: usize,
        max: usize,
    },
    /// A time that is neither RFC 3339 nor `YYYY-MM-DD HH:MM` (as typed).
    BadTime {
        field: Field,
        text: String,
    },
    /// The end is not after the start.
    EndsBeforeStart,
    /// The end has already passed, so the directive would never be in force.
    EndsInPast,
    /// The issuing body already has a directive with this number (in the journal or a feed).
    DuplicateNumber {
        issuer: String,
        number: String,
    },
    UnknownDirective {
        number: String,
    },
    /// Several issuing bodies use this number; say which one.
    AmbiguousNumber {
        number: String,
        issuers: Vec<String>,
    },
    /// The directive's status does not allow this action (e.g. lifting a draft).
    NotAllowed {
        action: EventKind,
        number: String,
        status: DirectiveStatus,
    },
    /// Feed directives are read-only.
    FeedReadOnly {
        number: String,
    },
    /// An event whose content names another directive than the event itself.
    Mismatch,
}

impl Problem {
    pub fn field(&self) -> Option<Field> {
        match self {
            Problem::Missing(f) | Problem::Text { field: f, .. } | Problem::BadTime { field: f, .. } => Some(*f),
            Problem::BadRegionCode(_) | Problem::UnknownRegion(_) | Problem::TooManyRegions { .. } => {
                Some(Field::Scope)
            }
            Problem::EndsBeforeStart | Problem::EndsInPast => Some(Field::Until),
            Problem::DuplicateNumber { .. } => Some(Field::Number),
            _ => None,
        }
    }
}

/// What a directive form holds: text as typed, choices as picked.
#[derive(Clone, Debug, PartialEq)]
pub struct DraftInput {
    pub number: String,
    pub issuer: String,
    pub title: String,
    pub body: String,
    pub category: DirectiveCategory,
    pub priority: Priority,
    /// Region codes separated by commas, spaces or 、.
    pub scope: String,
    /// Empty: in force from issue.
    pub from: String,
    /// Empty: until lifted.
    pub until: String,
}

impl Default for DraftInput {
    fn default() -> Self {
        DraftInput {
            number: String::new(),
            issuer: String::new(),
            title: String::new(),
            body: String::new(),
            category: DirectiveCategory::Other,
            priority: Priority::Normal,
            scope: String::new(),
            from: String::new(),
            until: String::new(),
        }
    }
}

impl DraftInput {
    /// The form prefilled from a directive's content (to amend it).
    pub fn from_content(c: &DirectiveContent) -> Self {
        let time = |t: Option<DateTime<Utc>>| t.map(super::time::format_time_input).unwrap_or_default();
        DraftInput {
            number: c.number.clone(),
            issuer: c.issuer.clone(),
            title: c.title.clone(),
            body: c.body.clone(),
            category: c.category,
            priority: c.priority,
            scope: c.scope.iter().map(Adcode::to_string).collect::<Vec<_>>().join(", "),
            from: time(c.effective_from),
            until: time(c.effective_until),
        }
    }
}

fn text(field: Field, s: &str, multiline: bool, max: usize, required: bool, out: &mut Vec<Problem>) -> String {
    match check_text(s, multiline, max) {
        Ok(t) if t.is_empty() && required => {
            out.push(Problem::Missing(field));
            t
        }
        Ok(t) => t,
        Err(problem) => {
            out.push(Problem::Text { field, problem });
            String::new()
        }
    }
}

/// Check an officer ID.
pub fn check_officer(officer: &str) -> Result<String, Problem> {
    let mut p = Vec::new();
    let t = text(Field::Officer, officer, false, MAX_SHORT_CHARS, true, &mut p);
    match p.into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(t),
    }
}

/// Parse and check what a form holds. `now` is the time of saving: a directive to be in
/// force (issued or amended while in force) must not end before it. Every problem is
/// reported, not only the first.
pub fn validate_input(
    input: &DraftInput,
    registry: &RegionRegistry,
    to_be_in_force: bool,
    now: DateTime<Utc>,
) -> Result<DirectiveContent, Vec<Problem>> {
    let mut problems = Vec::new();
    let number = text(Field::Number, &input.number, false, MAX_SHORT_CHARS, true, &mut problems);
    let issuer = text(Field::Issuer, &input.issuer, false, MAX_LINE_CHARS, true, &mut problems);
    let title = text(Field::Title, &input.title, false, MAX_LINE_CHARS, true, &mut problems);
    let body = text(Field::Body, &input.body, true, MAX_BODY_CHARS, false, &mut problems);

    let mut scope: Vec<Adcode> = Vec::new();
    match check_text(&input.scope, false, 20 * MAX_SCOPE) {
        Err(problem) => problems.push(Problem::Text { field: Field::Scope, problem }),
        Ok(s) => {
            let parts: Vec<&str> = s.split([',', '，', '、', ';', ' ']).filter(|p| !p.trim().is_empty()).collect();
            if parts.is_empty() {
                problems.push(Problem::Missing(Field::Scope));
            } else if parts.len() > MAX_SCOPE {
                problems.push(Problem::TooManyRegions { count: parts.len(), max: MAX_SCOPE });
            }
            for p in parts.iter().take(MAX_SCOPE) {
                match p.parse::<Adcode>() {
                    Err(_) => problems.push(Problem::BadRegionCode(p.trim().to_owned())),
                    Ok(code) => match registry.resolve(code) {
                        None => problems.push(Problem::UnknownRegion(code)),
                        Some(c) if !scope.contains(&c) => scope.push(c),
                        Some(_) => {}
                    },
                }
            }
        }
    }

    let mut time = |field: Field, s: &str| -> Option<DateTime<Utc>> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let parsed = parse_time_input(s);
        if parsed.is_none() {
            let shown: String = s.chars().filter(|c| !c.is_control()).take(40).collect();
            problems.push(Problem::BadTime { field, text: shown });
        }
        parsed
    };
    let effective_from = time(Field::From, &input.from);
    let effective_until = time(Field::Until, &input.until);
    if let (Some(f), Some(u)) = (effective_from, effective_until)
        && u <= f
    {
        problems.push(Problem::EndsBeforeStart);
    } else if let Some(u) = effective_until
        && to_be_in_force
        && u <= now
    {
        problems.push(Problem::EndsInPast);
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(DirectiveContent {
        number,
        issuer,
        title,
        body,
        category: input.category,
        scope,
        effective_from,
        effective_until,
        priority: input.priority,
    })
}

/// An acknowledgment by a unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Acknowledgment {
    pub unit: String,
    pub officer: String,
    pub at: DateTime<Utc>,
    pub seq: u64,
}

/// One directive of the journal: its current content and status, derived from its events.
#[derive(Clone, Debug, PartialEq)]
pub struct DirectiveRecord {
    pub content: DirectiveContent,
    pub status: DirectiveStatus,
    pub drafted_at: Option<DateTime<Utc>>,
    pub issued_at: Option<DateTime<Utc>>,
    /// When it was lifted or revoked, with the reason.
    pub ended: Option<(DateTime<Utc>, String)>,
    pub acknowledgments: Vec<Acknowledgment>,
    /// All its events, oldest first (the history, always complete).
    pub events: Vec<JournalEvent>,
    /// The same directive as the board's other directives see it.
    pub directive: Directive,
}

impl DirectiveRecord {
    pub fn number(&self) -> &str {
        &self.content.number
    }

    pub fn issuer(&self) -> &str {
        &self.content.issuer
    }

    /// When it was first recorded (drafted or issued).
    pub fn created_at(&self) -> DateTime<Utc> {
        self.events.first().map(|e| e.at).unwrap_or(self.directive.issued_at)
    }

    /// Whether it was in force at `t`, as the journal knew at `t`: issued by then, effective,
    /// not past its end, not yet lifted or revoked.
    pub fn in_force_at(&self, t: DateTime<Utc>) -> bool {
        let Some(issued) = self.issued_at else { return false };
        if t < issued {
            return false;
        }
        // Content as amended up to `t`.
        let content = self
            .events
            .iter()
            .rev()
            .filter(|e| e.at <= t)
            .find_map(|e| e.event.content.as_ref())
            .unwrap_or(&self.content);
        if content.effective_from.is_some_and(|f| t < f) || content.effective_until.is_some_and(|u| t >= u) {
            return false;
        }
        !self.events.iter().any(|e| matches!(e.event.kind, EventKind::Lifted | EventKind::Revoked) && e.at <= t)
    }

    /// The actions its status allows, in the order a panel offers them.
    pub fn allowed_actions(&self) -> Vec<EventKind> {
        allowed_actions(self.status)
    }

    fn to_directive(&self) -> Directive {
        let c = &self.content;
        let mut until = c.effective_until;
        if let Some((at, _)) = &self.ended
            && self.status == DirectiveStatus::Lifted
        {
            until = Some(until.map_or(*at, |u| u.min(*at)));
        }
        Directive {
            number: c.number.clone(),
            issuer: c.issuer.clone(),
            title: c.title.clone(),
            body: c.body.clone(),
            category: c.category,
            scope: c.scope.clone(),
            issued_at: self.issued_at.or(self.drafted_at).unwrap_or_else(|| self.created_at()),
            effective_from: c.effective_from,
            effective_until: until,
            status: self.status,
            supersedes: Vec::new(),
            priority: c.priority,
            source: JOURNAL_SOURCE.to_owned(),
            reference: None,
            known_until: None,
        }
    }
}

/// The actions a status allows: a draft can be issued, amended or revoked (discarded); a
/// directive in force can be acknowledged, amended, lifted or revoked; a lifted or revoked
/// one is closed. Acknowledging a draft, lifting a draft and amending a revoked one are
/// refused.
pub fn allowed_actions(status: DirectiveStatus) -> Vec<EventKind> {
    match status {
        DirectiveStatus::Draft => vec![EventKind::Issued, EventKind::Amended, EventKind::Revoked],
        DirectiveStatus::InForce => {
            vec![EventKind::Acknowledged, EventKind::Amended, EventKind::Lifted, EventKind::Revoked]
        }
        DirectiveStatus::Lifted | DirectiveStatus::Revoked | DirectiveStatus::Superseded => Vec::new(),
    }
}

/// Whether `new` may follow the directive's events so far (`None`: it has none).
pub fn check_transition(current: Option<&DirectiveRecord>, new: &NewEvent) -> Result<(), Problem> {
    if let Some(c) = &new.content
        && (c.number != new.number || c.issuer != new.issuer)
    {
        return Err(Problem::Mismatch);
    }
    if new.kind.carries_content() != new.content.is_some() {
        return Err(Problem::Mismatch);
    }
    match (current, new.kind) {
        (None, EventKind::Drafted | EventKind::Issued) => {}
        (None, _) => return Err(Problem::UnknownDirective { number: new.number.clone() }),
        (Some(_), EventKind::Drafted) => {
            return Err(Problem::DuplicateNumber { issuer: new.issuer.clone(), number: new.number.clone() });
        }
        (Some(r), EventKind::Issued) if r.status == DirectiveStatus::InForce => {
            return Err(Problem::DuplicateNumber { issuer: new.issuer.clone(), number: new.number.clone() });
        }
        (Some(r), kind) if r.allowed_actions().contains(&kind) => {}
        (Some(r), kind) => {
            return Err(Problem::NotAllowed { action: kind, number: new.number.clone(), status: r.status });
        }
    }
    if new.kind == EventKind::Acknowledged && new.unit.as_deref().is_none_or(|u| u.trim().is_empty()) {
        return Err(Problem::Missing(Field::Unit));
    }
    if matches!(new.kind, EventKind::Lifted | EventKind::Revoked)
        && new.reason.as_deref().is_none_or(|r| r.trim().is_empty())
    {
        return Err(Problem::Missing(Field::Reason));
    }
    Ok(())
}

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
    events: usize,
    last_seq: u64,
    /// Events skipped because they break the lifecycle rules.
    pub problems: Vec<ReplayProblem>,
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
        check_transition(idx.and_then(|i| self.records.get(i)), &e.event)?;
        self.events += 1;
        self.last_seq = self.last_seq.max(e.seq);
        let at = e.at;
        let record = match idx.and_then(|i| self.records.get_mut(i)) {
            Some(r) => r,
            None => {
                let Some(content) = e.event.content.clone() else { return Err(Problem::Mismatch) };
                let placeholder = Directive {
                    number: content.number.clone(),
                    issuer: content.issuer.clone(),
                    title: String::new(),
                    body: String::new(),
                    category: content.category,
                    scope: Vec::new(),
                    issued_at: at,
                    effective_from: None,
                    effective_until: None,
                    status: DirectiveStatus::Draft,
                    supersedes: Vec::new(),
                    priority: content.priority,
                    source: JOURNAL_SOURCE.to_owned(),
                    reference: None,
                    known_until: None,
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

    /// Find a directive by number, with the issuing body when given (needed only when
    /// several bodies use the same number).
    pub fn find(&self, number: &str, issuer: Option<&str>) -> Result<&DirectiveRecord, Problem> {
        let number = number.trim();
        if let Some(i) = issuer {
            return self
                .record(i.trim(), number)
                .ok_or_else(|| Problem::UnknownDirective { number: number.to_owned() });
        }
        let hits: Vec<&DirectiveRecord> = self.records.iter().filter(|r| r.number() == number).collect();
        match hits.as_slice() {
            [] => Err(Problem::UnknownDirective { number: number.to_owned() }),
            [one] => Ok(one),
            many => Err(Problem::AmbiguousNumber {
                number: number.to_owned(),
                issuers: many.iter().map(|r| r.issuer().to_owned()).collect(),
            }),
        }
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

/// Everything needed to turn a form or a command line into an event: the same checks for
/// both. `feed` holds the directives published by feeds (their numbers are taken).
pub struct Prepare<'a> {
    pub journal: &'a Journal,
    pub registry: &'a RegionRegistry,
    pub feed: &'a [Directive],
    pub now: DateTime<Utc>,
}

impl Prepare<'_> {
    /// A new directive from a form: drafted (`issue` false) or issued at once.
    pub fn create(&self, input: &DraftInput, officer: &str, issue: bool) -> Result<NewEvent, Vec<Problem>> {
        let officer_result = check_officer(officer);
        let content = validate_input(input, self.registry, issue, self.now);
        let mut problems = Vec::new();
        if let Err(p) = &officer_result {
            problems.push(p.clone());
        }
        let content = match content {
            Ok(c) => Some(c),
            Err(mut ps) => {
                problems.append(&mut ps);
                None
            }
        };
        // Said even when other fields are wrong, so the officer learns it at once.
        let (number, issuer) = (input.number.trim(), input.issuer.trim());
        if !number.is_empty()
            && !issuer.is_empty()
            && (self.feed.iter().any(|d| d.issuer == issuer && d.number == number)
                || self.journal.record(issuer, number).is_some())
        {
            problems.push(Problem::DuplicateNumber { issuer: issuer.to_owned(), number: number.to_owned() });
        }
        match (content, officer_result) {
            (Some(c), Ok(officer)) if problems.is_empty() => Ok(NewEvent {
                kind: if issue { EventKind::Issued } else { EventKind::Drafted },
                issuer: c.issuer.clone(),
                number: c.number.clone(),
                officer,
                unit: None,
                reason: None,
                content: Some(c),
            }),
            _ => Err(problems),
        }
    }

    /// An amendment (or the issue of a draft, `kind` Issued) of a journal directive with the
    /// form's content. Number and issuing body stay those of the directive.
    pub fn amend(
        &self,
        record: &DirectiveRecord,
        input: &DraftInput,
        officer: &str,
        kind: EventKind,
    ) -> Result<NewEvent, Vec<Problem>> {
        let mut input = input.clone();
        input.number = record.number().to_owned();
        input.issuer = record.issuer().to_owned();
        let to_be_in_force = kind == EventKind::Issued || record.status == DirectiveStatus::InForce;
        let officer_result = check_officer(officer);
        let content = validate_input(&input, self.registry, to_be_in_force, self.now);
        let mut problems = Vec::new();
        if let Err(p) = &officer_result {
            problems.push(p.clone());
        }
        if let Err(ps) = &content {
            problems.extend(ps.iter().cloned());
        }
        let (Ok(content), Ok(officer)) = (content, officer_result) else { return Err(problems) };
        let event = NewEvent {
            kind,
            issuer: record.issuer().to_owned(),
            number: record.number().to_owned(),
            officer,
            unit: None,
            reason: None,
            content: Some(content),
        };
        check_transition(Some(record), &event).map_err(|p| vec![p])?;
        Ok(event)
    }

    /// Acknowledge, lift or revoke: `text` is the unit (acknowledged) or the reason.
    pub fn action(
        &self,
        record: &DirectiveRecord,
        kind: EventKind,
        officer: &str,
        text_in: &str,
    ) -> Result<NewEvent, Vec<Problem>> {
        let mut problems = Vec::new();
        let officer = match check_officer(officer) {
            Ok(o) => o,
            Err(p) => {
                problems.push(p);
                String::new()
            }
        };
        let (unit, reason) = match kind {
            EventKind::Acknowledged => {
                (Some(text(Field::Unit, text_in, false, MAX_SHORT_CHARS, true, &mut problems)), None)
            }
            EventKind::Lifted | EventKind::Revoked => {
                (None, Some(text(Field::Reason, text_in, true, MAX_REASON_CHARS, true, &mut problems)))
            }
            _ => (None, None),
        };
        let event = NewEvent {
            kind,
            issuer: record.issuer().to_owned(),
            number: record.number().to_owned(),
            officer,
            unit,
            reason,
            content: None,
        };
        // The lifecycle comes first: no point asking for a reason to lift a draft.
        if let Err(p) = check_transition(Some(record), &event)
            && !matches!(p, Problem::Missing(_))
        {
            return Err(vec![p]);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::region::tests::small_registry;

    fn t(s: &str) -> DateTime<Utc> {
        parse_time_input(s).unwrap()
    }

    fn input(number: &str) -> DraftInput {
        DraftInput {
            number: number.into(),
            issuer: "绥化市指挥部".into(),
            title: "关于北林区实行交通管制的公告".into(),
            body: "自即日起…".into(),
            category: DirectiveCategory::TrafficControl,
            priority: Priority::Urgent,
            scope: "231202".into(),
            from: String::new(),
            until: String::new(),
        }
    }

    struct Log {
        journal: Journal,
        seq: u64,
    }

    impl Log {
        fn new() -> Self {
            Log { journal: Journal::default(), seq: 0 }
        }
        fn push(&mut self, e: NewEvent, at: &str) -> Result<(), Problem> {
            self.seq += 1;
            self.journal.apply(JournalEvent {
                seq: self.seq,
                at: t(at),
                event: e,
                prev_hash: String::new(),
                hash: String::new(),
            })
        }
        fn prep(&self, now: &str) -> Prepare<'_> {
            // The registry lives for the test: leak it (tests only).
            let registry: &'static RegionRegistry = Box::leak(Box::new(small_registry()));
            Prepare { journal: &self.journal, registry, feed: &[], now: t(now) }
        }
    }

    #[test]
    fn lifecycle_draft_issue_ack_lift() {
        let mut log = Log::new();
        let e = log.prep("2020-02-01 20:00").create(&input("绥指公4号"), "王警官 001", false).unwrap();
        assert_eq!(e.kind, EventKind::Drafted);
        log.push(e, "2020-02-01 20:00").unwrap();
        let r = log.journal.find("绥指公4号", None).unwrap().clone();
        assert_eq!(r.status, DirectiveStatus::Draft);
        assert!(!r.in_force_at(t("2020-02-02 00:00")));

        // Cannot lift or acknowledge a draft.
        let err = log.prep("2020-02-01 20:10").action(&r, EventKind::Lifted, "王", "结束").unwrap_err();
        assert_eq!(
            err,
            vec![Problem::NotAllowed {
                action: EventKind::Lifted,
                number: "绥指公4号".into(),
                status: DirectiveStatus::Draft
            }]
        );
        assert!(log.prep("2020-02-01 20:10").action(&r, EventKind::Acknowledged, "王", "北林区").is_err());

        let mut inp = DraftInput::from_content(&r.content);
        inp.from = "2020-02-01 22:00".into();
        let e = log.prep("2020-02-01 21:00").amend(&r, &inp, "王", EventKind::Issued).unwrap();
        log.push(e, "2020-02-01 21:00").unwrap();
        let r = log.journal.find("绥指公4号", None).unwrap().clone();
        assert_eq!(r.status, DirectiveStatus::InForce);
        assert!(!r.in_force_at(t("2020-02-01 21:30")), "issued but not yet effective");
        assert!(r.in_force_at(t("2020-02-01 22:00")));

        let e = log.prep("2020-02-02 08:00").action(&r, EventKind::Acknowledged, "李", "北林区防控办").unwrap();
        log.push(e, "2020-02-02 08:00").unwrap();
        let r = log.journal.find("绥指公4号", None).unwrap().clone();
        assert_eq!(r.acknowledgments.len(), 1);
        assert_eq!(r.acknowledgments[0].unit, "北林区防控办");

        // A reason is required to lift.
        let err = log.prep("2020-03-13 00:00").action(&r, EventKind::Lifted, "王", "  ").unwrap_err();
        assert_eq!(err, vec![Problem::Missing(Field::Reason)]);
        let e = log.prep("2020-03-13 00:00").action(&r, EventKind::Lifted, "王", "疫情平稳").unwrap();
        log.push(e, "2020-03-13 00:00").unwrap();
        let r = log.journal.find("绥指公4号", None).unwrap();
        assert_eq!(r.status, DirectiveStatus::Lifted);
        assert_eq!(r.events.len(), 4);
        // History keeps its past: in force before the lift, not after.
        assert!(r.in_force_at(t("2020-03-12 23:59")));
        assert!(!r.in_force_at(t("2020-03-13 00:00")));
        assert!(r.directive.in_force_at(t("2020-03-12 23:59")));
        assert!(!r.directive.in_force_at(t("2020-03-13 00:01")));
        // Nothing more can happen to a lifted directive.
        assert!(r.allowed_actions().is_empty());
        assert!(log.prep("2020-03-14 00:00").action(r, EventKind::Revoked, "王", "x").is_err());
    }

    #[test]
    fn cannot_amend_a_revoked_directive() {
        let mut log = Log::new();
        let e = log.prep("2020-02-01 20:00").create(&input("绥指公5号"), "王", true).unwrap();
        log.push(e, "2020-02-01 20:00").unwrap();
        let r = log.journal.find("绥指公5号", None).unwrap().clone();
        let e = log.prep("2020-02-02 20:00").action(&r, EventKind::Revoked, "王", "发布有误").unwrap();
        log.push(e, "2020-02-02 20:00").unwrap();
        let r = log.journal.find("绥指公5号", None).unwrap().clone();
        assert_eq!(r.status, DirectiveStatus::Revoked);
        let err = log.prep("2020-02-03 00:00").amend(&r, &input("绥指公5号"), "王", EventKind::Amended).unwrap_err();
        assert!(matches!(
            err[0],
            Problem::NotAllowed { action: EventKind::Amended, status: DirectiveStatus::Revoked, .. }
        ));
        // A revoked directive counts as never in force on the board; the journal still
        // knows it was in force until revoked.
        assert!(!r.directive.in_force_at(t("2020-02-02 10:00")));
        assert!(r.in_force_at(t("2020-02-02 10:00")));
        // Replaying a forged event that breaks the rules skips it and says so.
        let forged = NewEvent {
            kind: EventKind::Amended,
            issuer: r.issuer().into(),
            number: r.number().into(),
            officer: "x".into(),
            unit: None,
            reason: None,
            content: Some(r.content.clone()),
        };
        let mut events: Vec<JournalEvent> = r.events.clone();
        events.push(JournalEvent {
            seq: 3,
            at: t("2020-02-03 00:00"),
            event: forged,
            prev_hash: String::new(),
            hash: String::new(),
        });
        let j = Journal::from_events(events);
        assert_eq!(j.event_count(), 2);
        assert_eq!(j.problems.len(), 1);
        assert_eq!(j.problems[0].seq, 3);
    }

    #[test]
    fn validation_names_every_problem() {
        let log = Log::new();
        let prep = log.prep("2020-03-01 00:00");
        let mut bad = input("");
        bad.title = "   ".into();
        bad.scope = "231202, 999999, 23x".into();
        bad.from = "2020-03-05 00:00".into();
        bad.until = "2020-03-04 00:00".into();
        let err = prep.create(&bad, "", true).unwrap_err();
        assert!(err.contains(&Problem::Missing(Field::Officer)), "{err:?}");
        assert!(err.contains(&Problem::Missing(Field::Number)), "{err:?}");
        assert!(err.contains(&Problem::Missing(Field::Title)), "{err:?}");
        assert!(err.contains(&Problem::UnknownRegion(Adcode::new(999999).unwrap())), "{err:?}");
        assert!(err.contains(&Problem::BadRegionCode("23x".into())), "{err:?}");
        assert!(err.contains(&Problem::EndsBeforeStart), "{err:?}");

        let mut past = input("绥指公6号");
        past.until = "2020-02-01 00:00".into();
        assert_eq!(prep.create(&past, "王", true).unwrap_err(), vec![Problem::EndsInPast]);
        // A draft may be written for any time; it is checked again when issued.
        assert!(prep.create(&past, "王", false).is_ok());

        let mut odd = input("绥指公7号");
        odd.from = "next week".into();
        odd.scope = String::new();
        let err = prep.create(&odd, "王", true).unwrap_err();
        assert!(err.contains(&Problem::BadTime { field: Field::From, text: "next week".into() }), "{err:?}");
        assert!(err.contains(&Problem::Missing(Field::Scope)), "{err:?}");
    }

    #[test]
    fn hostile_text_is_refused() {
        let log = Log::new();
        let prep = log.prep("2020-03-01 00:00");
        let mut long = input("绥指公8号");
        long.body = "疫".repeat(100_000);
        let err = prep.create(&long, "王", true).unwrap_err();
        assert!(
            matches!(err[0], Problem::Text { field: Field::Body, problem: TextProblem::TooLong { .. } }),
            "{err:?}"
        );
        let mut rtl = input("绥指公8号");
        rtl.title = "通知\u{202E}txt.exe".into();
        let err = prep.create(&rtl, "王", true).unwrap_err();
        assert_eq!(
            err,
            vec![Problem::Text {
                field: Field::Title,
                problem: TextProblem::BadCharacter { code: 0x202E, position: 2 }
            }]
        );
        let mut ctrl = input("绥指公\u{0007}8号");
        ctrl.body = "line one\nline two\tok".into();
        let err = prep.create(&ctrl, "王\u{0000}", true).unwrap_err();
        assert_eq!(err.len(), 2, "{err:?}");
    }

    #[test]
    fn numbers_are_unique_per_issuing_body() {
        let mut log = Log::new();
        let e = log.prep("2020-02-01 20:00").create(&input("绥指公4号"), "王", true).unwrap();
        log.push(e, "2020-02-01 20:00").unwrap();
        let err = log.prep("2020-02-01 21:00").create(&input("绥指公4号"), "王", true).unwrap_err();
        assert_eq!(err, vec![Problem::DuplicateNumber { issuer: "绥化市指挥部".into(), number: "绥指公4号".into() }]);
        // Another body may use the same number; finding it by number then needs the body.
        let mut other = input("绥指公4号");
        other.issuer = "哈尔滨市指挥部".into();
        let e = log.prep("2020-02-01 21:00").create(&other, "王", true).unwrap();
        log.push(e, "2020-02-01 21:00").unwrap();
        assert!(matches!(log.journal.find("绥指公4号", None), Err(Problem::AmbiguousNumber { .. })));
        assert!(log.journal.find("绥指公4号", Some("哈尔滨市指挥部")).is_ok());
        assert!(matches!(log.journal.find("绥指公9号", None), Err(Problem::UnknownDirective { .. })));
    }

    #[test]
    fn a_feed_directive_number_is_taken() {
        let log = Log::new();
        let registry = small_registry();
        let feed_directive = log
            .prep("2020-02-01 20:00")
            .create(&input("绥指公4号"), "王", true)
            .map(|e| {
                let mut j = Journal::default();
                j.apply(JournalEvent {
                    seq: 1,
                    at: t("2020-02-01 20:00"),
                    event: e,
                    prev_hash: String::new(),
                    hash: String::new(),
                })
                .unwrap();
                j.records()[0].directive.clone()
            })
            .unwrap();
        let feed = [feed_directive];
        let prep = Prepare { journal: &log.journal, registry: &registry, feed: &feed, now: t("2020-02-02 00:00") };
        assert!(matches!(
            prep.create(&input("绥指公4号"), "王", true).unwrap_err()[0],
            Problem::DuplicateNumber { .. }
        ));
    }
}
