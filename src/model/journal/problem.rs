//! Why the journal refuses input: the [`Problem`]s a form, the command line and the hub all
//! report, each naming the [`Field`] it is about where there is one.

use super::event::EventKind;
use crate::model::directive::DirectiveStatus;
use crate::model::region::Adcode;
use crate::model::text::TextProblem;

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
    /// An exercise (演练) record offered to the real journal (`exercise: true`), or a real
    /// record offered to an exercise journal (`exercise: false`): the two never mix.
    ExerciseMix {
        exercise: bool,
    },
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
