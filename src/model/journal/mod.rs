//! The directive journal's domain: append-only events (drafted, issued, amended,
//! acknowledged, lifted, revoked), the lifecycle rules they must follow, the checks on what an
//! officer enters, and each directive's current state derived from its events. Pure logic:
//! the SQLite file and the hash chain live in `store`.
//!
//! One file per topic: [`event`] (what is written), [`problem`] (why input is refused),
//! [`input`] (the form and its checks), [`lifecycle`] (which action may follow which),
//! [`record`] and [`replay`] (the state derived from the events), [`wire`] (an event as a
//! desktop sends it to the hub). Everything is re-exported here.

pub mod audit;
pub mod event;
pub mod export;
pub mod input;
pub mod lifecycle;
pub mod problem;
pub mod record;
pub mod replay;
pub mod wire;

#[cfg(test)]
mod tests;

/// The content of a directive (declared with [`Directive`](crate::model::Directive)).
pub use crate::model::directive::DirectiveContent;
pub use audit::{AuditEvent, AuditRecord, GRANT_KINDS, OfficerEntry, officers_from};
pub use event::{EventKind, JournalEvent, NewEvent, Stamp};
pub use export::{ExportRecord, NewExport};
pub use input::{
    DraftInput, MAX_BODY_CHARS, MAX_LINE_CHARS, MAX_REASON_CHARS, MAX_SCOPE, MAX_SHORT_CHARS, Prepare, check_officer,
    scope_codes, validate_input,
};
pub use lifecycle::{allowed_actions, check_external_ack, check_transition};
pub use problem::{Field, Problem};
pub use record::{Acknowledgment, DirectiveRecord, ExternalAck, JOURNAL_SOURCE};
pub use replay::{DEFAULT_ISSUER, Journal, ReplayProblem};
