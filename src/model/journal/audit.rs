//! The hub's audit record (issue 12): every grant, revocation and token rotation of an
//! officer, every sign-in (the first use of a token on a day) and every refused request, as
//! a chained record beside the directive events (which record issues and acknowledgments)
//! and the export record. The officers a hub knows are derived from it: nothing about an
//! officer is ever overwritten. Pure data: the table and its hash chain live in `store`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::event::EventKind;
use crate::model::officer::Officer;

/// One thing the audit record notes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditEvent {
    /// An officer was added, with the SHA-256 of their first token.
    Granted { officer: Officer, token_sha256: String },
    /// An officer's access ended (for good: the ID is not given out again).
    Revoked { officer: String },
    /// An officer got a new token; the one before no longer works.
    TokenRotated { officer: String, token_sha256: String },
    /// The first request of the day with an officer's token.
    SignedIn { officer: String, day: NaiveDate },
    /// A request the hub refused (403): nothing was written.
    Refused {
        officer: String,
        /// What was asked: `issued`, `acknowledged`, `lifted`, …
        action: EventKind,
        issuer: String,
        number: String,
        /// The refusal's wire name (`outside_scope`, …).
        refusal: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        region: Option<u32>,
        /// The English sentence the hub answered.
        message: String,
    },
}

impl AuditEvent {
    /// The kind's name, as stored (`granted`, `revoked`, `token_rotated`, `signed_in`,
    /// `refused`).
    pub fn kind_name(&self) -> &'static str {
        match self {
            AuditEvent::Granted { .. } => "granted",
            AuditEvent::Revoked { .. } => "revoked",
            AuditEvent::TokenRotated { .. } => "token_rotated",
            AuditEvent::SignedIn { .. } => "signed_in",
            AuditEvent::Refused { .. } => "refused",
        }
    }

    /// The officer it is about.
    pub fn officer(&self) -> &str {
        match self {
            AuditEvent::Granted { officer, .. } => &officer.id,
            AuditEvent::Revoked { officer }
            | AuditEvent::TokenRotated { officer, .. }
            | AuditEvent::SignedIn { officer, .. }
            | AuditEvent::Refused { officer, .. } => officer,
        }
    }

    /// Whether it changes who may do what (a grant, revocation or token rotation).
    pub fn is_grant(&self) -> bool {
        matches!(self, AuditEvent::Granted { .. } | AuditEvent::Revoked { .. } | AuditEvent::TokenRotated { .. })
    }
}

/// The kinds that change who may do what (the officers are derived from these alone).
pub const GRANT_KINDS: [&str; 3] = ["granted", "revoked", "token_rotated"];

/// An audit event as recorded: numbered, stamped, by whom, chained to the one before.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditRecord {
    pub seq: u64,
    pub at: DateTime<Utc>,
    /// Who did it: the hub itself (`hub`) or the operator who ran `sitboard-hub officer …`.
    pub actor: String,
    pub event: AuditEvent,
    pub prev_hash: String,
    pub hash: String,
}

/// An officer as the audit record leaves them: their grant, their token's hash now, and
/// whether they were revoked.
#[derive(Clone, Debug, PartialEq)]
pub struct OfficerEntry {
    pub officer: Officer,
    pub token_sha256: String,
    pub revoked: bool,
    pub granted_at: DateTime<Utc>,
}

/// The officers the records grant, in the order granted, with their latest token and
/// revocation; and the IDs revoked without a grant here (officers of a tokens file).
pub fn officers_from<'a>(records: impl IntoIterator<Item = &'a AuditRecord>) -> (Vec<OfficerEntry>, Vec<String>) {
    let mut out: Vec<OfficerEntry> = Vec::new();
    let mut revoked_elsewhere = Vec::new();
    for r in records {
        match &r.event {
            AuditEvent::Granted { officer, token_sha256 } => {
                if !out.iter().any(|e| e.officer.id == officer.id) {
                    out.push(OfficerEntry {
                        officer: officer.clone(),
                        token_sha256: token_sha256.clone(),
                        revoked: revoked_elsewhere.contains(&officer.id),
                        granted_at: r.at,
                    });
                }
            }
            AuditEvent::Revoked { officer } => match out.iter_mut().find(|e| e.officer.id == *officer) {
                Some(e) => e.revoked = true,
                None => revoked_elsewhere.push(officer.clone()),
            },
            AuditEvent::TokenRotated { officer, token_sha256 } => {
                if let Some(e) = out.iter_mut().find(|e| e.officer.id == *officer) {
                    e.token_sha256 = token_sha256.clone();
                }
            }
            AuditEvent::SignedIn { .. } | AuditEvent::Refused { .. } => {}
        }
    }
    (out, revoked_elsewhere)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Adcode;
    use crate::model::officer::OfficerRole;

    fn rec(seq: u64, event: AuditEvent) -> AuditRecord {
        AuditRecord { seq, at: Utc::now(), actor: "op".into(), event, prev_hash: String::new(), hash: String::new() }
    }

    #[test]
    fn officers_follow_their_grants_rotations_and_revocations() {
        let o = Officer {
            id: "daowai01".into(),
            name: "李娜".into(),
            unit: "道外区指挥部".into(),
            scope: vec![Adcode::new(230104).unwrap()],
            role: OfficerRole::Acknowledge,
        };
        let records = [
            rec(1, AuditEvent::Granted { officer: o.clone(), token_sha256: "a".repeat(64) }),
            rec(2, AuditEvent::SignedIn { officer: o.id.clone(), day: NaiveDate::from_ymd_opt(2022, 11, 24).unwrap() }),
            rec(3, AuditEvent::TokenRotated { officer: o.id.clone(), token_sha256: "b".repeat(64) }),
            rec(4, AuditEvent::Revoked { officer: "from.tokens.file".into() }),
        ];
        let (list, elsewhere) = officers_from(&records);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].token_sha256, "b".repeat(64), "the rotated token replaces the first");
        assert!(!list[0].revoked);
        assert_eq!(elsewhere, vec!["from.tokens.file".to_owned()]);
        let (list, _) = officers_from(records.iter().chain([&rec(5, AuditEvent::Revoked { officer: o.id.clone() })]));
        assert!(list[0].revoked);
        let json = serde_json::to_value(&records[0].event).unwrap();
        assert_eq!(json["kind"], "granted");
        assert_eq!(json["officer"]["scope"], serde_json::json!([230104]));
    }
}
