//! What an officer enters: the directive form ([`DraftInput`]) and its checks, and
//! [`Prepare`], which turns a form or a command line into an event with the same checks
//! for both (text rules, region codes, times, unique numbers, the lifecycle).

use chrono::{DateTime, Utc};

use super::event::{EventKind, NewEvent};
use super::lifecycle::check_transition;
use super::problem::{Field, Problem};
use super::record::DirectiveRecord;
use super::replay::Journal;
use crate::model::directive::{Directive, DirectiveCategory, DirectiveContent, DirectiveStatus, Priority};
use crate::model::region::{Adcode, RegionRegistry};
use crate::model::text::{check_text, comparable};
use crate::model::time::{format_time_input, parse_time_input};

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
        let time = |t: Option<DateTime<Utc>>| t.map(format_time_input).unwrap_or_default();
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

/// The region codes of a scope as typed, separated by commas (`,`, `，`, `、`), semicolons or
/// spaces.
fn scope_parts(s: &str) -> Vec<&str> {
    s.split([',', '，', '、', ';', ' ']).filter(|p| !p.trim().is_empty()).collect()
}

/// The regions of a scope as typed that are known codes (a bad or unknown one is left out:
/// [`validate_input`] names it), for judging the scope while the officer types.
pub fn scope_codes(s: &str, registry: &RegionRegistry) -> Vec<Adcode> {
    scope_parts(s).into_iter().filter_map(|p| p.parse::<Adcode>().ok()).filter_map(|c| registry.resolve(c)).collect()
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
            let parts = scope_parts(&s);
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
        // Compared as they read (NFKC, no zero-width or direction marks): a look-alike of a
        // number that is taken is taken.
        let (same_issuer, same_number) = (comparable(issuer), comparable(number));
        if !number.is_empty()
            && !issuer.is_empty()
            && (self
                .feed
                .iter()
                .any(|d| comparable(&d.content.issuer) == same_issuer && comparable(&d.content.number) == same_number)
                || self.journal.record_like(issuer, number).is_some())
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

    /// A unit's acknowledgment of a directive published by a feed (the hub): `unit` is the
    /// addressed region, `note` optional (sent as the event's `reason`). The journal holds no
    /// record of the directive: it is written as an external acknowledgment. Whether the
    /// officer may acknowledge for the unit is `model::officer`'s to say, before this.
    pub fn acknowledge_feed(
        &self,
        directive: &Directive,
        unit: Adcode,
        officer: &str,
        note: &str,
    ) -> Result<NewEvent, Vec<Problem>> {
        let mut problems = Vec::new();
        let officer = match check_officer(officer) {
            Ok(o) => o,
            Err(p) => {
                problems.push(p);
                String::new()
            }
        };
        let note = text(Field::Reason, note, true, MAX_REASON_CHARS, false, &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(NewEvent {
            kind: EventKind::Acknowledged,
            issuer: directive.content.issuer.clone(),
            number: directive.content.number.clone(),
            officer,
            unit: Some(unit.to_string()),
            reason: (!note.is_empty()).then_some(note),
            content: None,
        })
    }
}
