//! The directive lifecycle: which actions each status allows, and whether a new event may
//! follow a directive's events so far (the rule the form, the replay and the store share).

use super::event::{EventKind, NewEvent};
use super::problem::{Field, Problem};
use super::record::DirectiveRecord;
use crate::model::directive::DirectiveStatus;

impl DirectiveRecord {
    /// The actions its status allows, in the order a panel offers them.
    pub fn allowed_actions(&self) -> Vec<EventKind> {
        allowed_actions(self.status)
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

/// Whether `new` may be written as an *external acknowledgment*: a unit's acknowledgment of a
/// directive this journal holds no record of (`current` is `None`) — one a feed (the hub)
/// published and addressed to the unit. It carries the unit, no content, an optional note
/// (`reason`), and never creates a directive. A directive the journal does hold is
/// acknowledged through [`check_transition`], with its lifecycle (`current` is `Some`:
/// refused here). The plain append path keeps refusing an acknowledgment of an unknown
/// directive (a typo of a number); only the board's "acknowledge" of a feed directive and the
/// journal's replay take this path.
pub fn check_external_ack(current: Option<&DirectiveRecord>, new: &NewEvent) -> Result<(), Problem> {
    if current.is_some() {
        return check_transition(current, new);
    }
    if new.kind != EventKind::Acknowledged || new.content.is_some() {
        return Err(Problem::Mismatch);
    }
    if new.unit.as_deref().is_none_or(|u| u.trim().is_empty()) {
        return Err(Problem::Missing(Field::Unit));
    }
    Ok(())
}
