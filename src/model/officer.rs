//! Officers and what they may do (issue 12): an officer's role and scope (the regions they
//! act for), the rules the hub enforces and the desktop shows before sending, and the
//! acknowledgment state of a directive's addressed units.
//!
//! The rules, in one place so the hub and the desktop can never disagree:
//! - **issue**: an officer with role `issue` may issue a directive whose every scope region
//!   lies within their own scope (a province officer anywhere in the province; a district
//!   officer only in the district).
//! - **acknowledge**: an officer with role `acknowledge` or `issue` may acknowledge a directive
//!   for a unit (a region code) that the directive addresses and that lies within their scope.
//! - **amend / lift / revoke**: only the issuing officer, or an `issue` officer whose scope
//!   covers the whole of the issuing officer's scope ("above in the region tree").
//! - **view**: reads the feed, nothing else.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::directive::Priority;
use super::region::{Adcode, RegionRegistry};

/// What an officer may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficerRole {
    /// Issue directives within the scope (and acknowledge those addressed to it).
    Issue,
    /// Acknowledge directives addressed to the scope.
    Acknowledge,
    /// Only view (a wall).
    View,
}

impl OfficerRole {
    pub const ALL: [OfficerRole; 3] = [OfficerRole::Issue, OfficerRole::Acknowledge, OfficerRole::View];

    pub fn wire_name(self) -> &'static str {
        match self {
            OfficerRole::Issue => "issue",
            OfficerRole::Acknowledge => "acknowledge",
            OfficerRole::View => "view",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.wire_name() == s)
    }
}

/// An officer as the hub knows them (and as `GET /v1/whoami` tells a desktop).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Officer {
    /// Stable id (`wang001`); the author of every event the officer's token writes.
    pub id: String,
    /// Display name (王伟).
    pub name: String,
    /// The unit they act for (道外区指挥部).
    pub unit: String,
    /// Region codes the officer acts for (at least one); on the wire as numbers
    /// (`[230104]`), as in the feed's `addressed` entries.
    #[serde(with = "scope_numbers")]
    pub scope: Vec<Adcode>,
    pub role: OfficerRole,
}

/// An officer's scope as JSON numbers (`[230104]`; `Adcode` itself is a string elsewhere,
/// e.g. in the journal's directive content).
mod scope_numbers {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::model::region::Adcode;

    pub fn serialize<S: Serializer>(scope: &[Adcode], s: S) -> Result<S::Ok, S::Error> {
        scope.iter().map(|c| c.value()).collect::<Vec<u32>>().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Adcode>, D::Error> {
        Vec::<u32>::deserialize(d)?
            .into_iter()
            .map(|c| {
                Adcode::new(c).ok_or_else(|| serde::de::Error::custom(format!("{c} is not a 6-digit region code")))
            })
            .collect()
    }
}

/// Why an officer may not do something: the hub answers it with 403 and records it; the
/// desktop shows it next to the disabled control.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A view-only officer tried to write.
    ViewOnly,
    /// An acknowledge-only officer tried to issue, amend, lift or revoke.
    AcknowledgeOnly,
    /// A directive's scope region lies outside the officer's scope.
    OutsideScope { region: Adcode },
    /// The directive does not address this unit.
    NotAddressed { unit: Adcode },
    /// The unit is addressed, but is not within the officer's scope.
    UnitOutsideScope { unit: Adcode },
    /// Only the issuing officer, or an issuer above them in the region tree, may change it.
    NotIssuerOrAbove { issuer: String },
}

impl Refusal {
    /// The refusal's name on the wire (the hub's 403 answers `"refusal": "outside_scope"`).
    pub fn wire_name(&self) -> &'static str {
        match self {
            Refusal::ViewOnly => "view_only",
            Refusal::AcknowledgeOnly => "acknowledge_only",
            Refusal::OutsideScope { .. } => "outside_scope",
            Refusal::NotAddressed { .. } => "not_addressed",
            Refusal::UnitOutsideScope { .. } => "unit_outside_scope",
            Refusal::NotIssuerOrAbove { .. } => "not_issuer_or_above",
        }
    }

    /// The region the refusal is about, when there is one.
    pub fn region(&self) -> Option<Adcode> {
        match self {
            Refusal::OutsideScope { region } => Some(*region),
            Refusal::NotAddressed { unit } | Refusal::UnitOutsideScope { unit } => Some(*unit),
            Refusal::ViewOnly | Refusal::AcknowledgeOnly | Refusal::NotIssuerOrAbove { .. } => None,
        }
    }
}

impl Officer {
    /// Whether `code` is one of the officer's scope regions or lies under one.
    pub fn covers(&self, registry: &RegionRegistry, code: Adcode) -> bool {
        self.scope.iter().any(|&s| s == code || registry.is_within(code, s))
    }

    /// May the officer issue a directive over `scope`?
    pub fn may_issue(&self, registry: &RegionRegistry, scope: &[Adcode]) -> Result<(), Refusal> {
        match self.role {
            OfficerRole::View => return Err(Refusal::ViewOnly),
            OfficerRole::Acknowledge => return Err(Refusal::AcknowledgeOnly),
            OfficerRole::Issue => {}
        }
        match scope.iter().find(|&&c| !self.covers(registry, c)) {
            Some(&region) => Err(Refusal::OutsideScope { region }),
            None => Ok(()),
        }
    }

    /// May the officer acknowledge, for `unit`, a directive addressed to `addressed`?
    pub fn may_acknowledge(
        &self,
        registry: &RegionRegistry,
        addressed: &[Adcode],
        unit: Adcode,
    ) -> Result<(), Refusal> {
        if self.role == OfficerRole::View {
            return Err(Refusal::ViewOnly);
        }
        if !addressed.contains(&unit) {
            return Err(Refusal::NotAddressed { unit });
        }
        if !self.covers(registry, unit) {
            return Err(Refusal::UnitOutsideScope { unit });
        }
        Ok(())
    }

    /// May the officer amend, lift or revoke a directive issued by `issuer`?
    pub fn may_change(&self, registry: &RegionRegistry, issuer: &Officer) -> Result<(), Refusal> {
        match self.role {
            OfficerRole::View => return Err(Refusal::ViewOnly),
            OfficerRole::Acknowledge => return Err(Refusal::AcknowledgeOnly),
            OfficerRole::Issue => {}
        }
        if self.id == issuer.id || issuer.scope.iter().all(|&c| self.covers(registry, c)) {
            Ok(())
        } else {
            Err(Refusal::NotIssuerOrAbove { issuer: issuer.id.clone() })
        }
    }

    /// The units of `addressed` this officer may acknowledge for.
    pub fn units_to_acknowledge(&self, registry: &RegionRegistry, addressed: &[Adcode]) -> Vec<Adcode> {
        addressed.iter().copied().filter(|&u| self.may_acknowledge(registry, addressed, u).is_ok()).collect()
    }
}

/// One unit a directive addresses, and its acknowledgment if there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Addressee {
    pub unit: Adcode,
    pub ack: Option<Ack>,
}

/// An acknowledgment: when, by whom, and an optional note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ack {
    pub at: DateTime<Utc>,
    pub officer: String,
    pub note: Option<String>,
}

/// How long an addressed unit has to acknowledge, by the directive's priority
/// (`[acknowledgment]` in `sitboard.toml`; defaults: urgent 30 min, high 2 h, normal 1 day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AckDeadlines {
    pub urgent_minutes: u32,
    pub high_minutes: u32,
    pub normal_minutes: u32,
}

impl Default for AckDeadlines {
    fn default() -> Self {
        AckDeadlines { urgent_minutes: 30, high_minutes: 120, normal_minutes: 24 * 60 }
    }
}

impl AckDeadlines {
    pub fn for_priority(&self, p: Priority) -> Duration {
        let minutes = match p {
            Priority::Urgent => self.urgent_minutes,
            Priority::High => self.high_minutes,
            Priority::Normal => self.normal_minutes,
        };
        Duration::minutes(i64::from(minutes))
    }
}

/// An addressed unit's state at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AckState {
    /// Acknowledged at `at` (at or before the instant asked about).
    Acknowledged { at: DateTime<Utc> },
    /// Not yet acknowledged; due at `due`, still ahead.
    Awaiting { due: DateTime<Utc> },
    /// Not acknowledged, and `due` has passed.
    Overdue { due: DateTime<Utc> },
}

impl Addressee {
    /// The unit's state at `now` for a directive issued at `issued_at` with `priority`. An
    /// acknowledgment recorded after `now` does not count yet (replay shows the past as it
    /// was).
    pub fn state_at(
        &self,
        issued_at: DateTime<Utc>,
        priority: Priority,
        deadlines: &AckDeadlines,
        now: DateTime<Utc>,
    ) -> AckState {
        if let Some(ack) = self.ack.as_ref().filter(|a| a.at <= now) {
            return AckState::Acknowledged { at: ack.at };
        }
        let due = issued_at + deadlines.for_priority(priority);
        if now > due { AckState::Overdue { due } } else { AckState::Awaiting { due } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::region::tests::small_registry;

    fn code(c: u32) -> Adcode {
        Adcode::new(c).unwrap()
    }

    fn officer(role: OfficerRole, scope: &[u32]) -> Officer {
        Officer {
            id: format!("o{}", scope[0]),
            name: "王伟".into(),
            unit: "指挥部".into(),
            scope: scope.iter().map(|&c| code(c)).collect(),
            role,
        }
    }

    #[test]
    fn issue_scope_and_roles() {
        let reg = small_registry();
        let province = officer(OfficerRole::Issue, &[230000]);
        let harbin = officer(OfficerRole::Issue, &[230100]);
        assert_eq!(province.may_issue(&reg, &[code(230100)]), Ok(()));
        assert_eq!(harbin.may_issue(&reg, &[code(230100)]), Ok(()));
        assert_eq!(harbin.may_issue(&reg, &[code(230110), code(230103)]), Ok(()), "districts of the city");
        assert_eq!(
            harbin.may_issue(&reg, &[code(230100), code(231202)]),
            Err(Refusal::OutsideScope { region: code(231202) })
        );
        assert_eq!(harbin.may_issue(&reg, &[code(230000)]), Err(Refusal::OutsideScope { region: code(230000) }));
        assert_eq!(officer(OfficerRole::View, &[230000]).may_issue(&reg, &[code(230100)]), Err(Refusal::ViewOnly));
        assert_eq!(
            officer(OfficerRole::Acknowledge, &[230000]).may_issue(&reg, &[code(230100)]),
            Err(Refusal::AcknowledgeOnly)
        );
    }

    #[test]
    fn acknowledge_only_addressed_units_in_scope() {
        let reg = small_registry();
        let harbin = officer(OfficerRole::Acknowledge, &[230100]);
        let addressed = [code(230100)];
        assert_eq!(harbin.may_acknowledge(&reg, &addressed, code(230100)), Ok(()));
        assert_eq!(
            harbin.may_acknowledge(&reg, &[code(230000)], code(230000)),
            Err(Refusal::UnitOutsideScope { unit: code(230000) })
        );
        assert_eq!(
            harbin.may_acknowledge(&reg, &addressed, code(230000)),
            Err(Refusal::NotAddressed { unit: code(230000) })
        );
        assert_eq!(
            officer(OfficerRole::View, &[230100]).may_acknowledge(&reg, &addressed, code(230100)),
            Err(Refusal::ViewOnly)
        );
        assert_eq!(harbin.units_to_acknowledge(&reg, &[code(230100), code(230000)]), vec![code(230100)]);
    }

    #[test]
    fn only_the_issuer_or_above_changes() {
        let reg = small_registry();
        let province = officer(OfficerRole::Issue, &[230000]);
        let harbin = officer(OfficerRole::Issue, &[230100]);
        let harbin2 = Officer { id: "other".into(), ..harbin.clone() };
        assert_eq!(province.may_change(&reg, &harbin), Ok(()), "above in the tree");
        assert_eq!(harbin.may_change(&reg, &harbin), Ok(()), "the issuer");
        assert_eq!(harbin2.may_change(&reg, &harbin), Ok(()), "same scope covers it");
        assert_eq!(harbin.may_change(&reg, &province), Err(Refusal::NotIssuerOrAbove { issuer: province.id.clone() }));
        assert_eq!(
            officer(OfficerRole::Acknowledge, &[230000]).may_change(&reg, &harbin),
            Err(Refusal::AcknowledgeOnly)
        );
    }

    #[test]
    fn an_officer_on_the_wire_has_its_scope_as_numbers() {
        let o = officer(OfficerRole::Acknowledge, &[230104]);
        let v = serde_json::to_value(&o).unwrap();
        assert_eq!(v["scope"], serde_json::json!([230104]));
        assert_eq!(v["role"], "acknowledge");
        assert_eq!(serde_json::from_value::<Officer>(v).unwrap(), o);
        let bad = serde_json::json!({"id": "x", "name": "x", "unit": "x", "scope": [12], "role": "view"});
        assert!(serde_json::from_value::<Officer>(bad).is_err());
    }

    #[test]
    fn ack_state_by_deadline_and_instant() {
        let d = AckDeadlines::default();
        let t0 = DateTime::parse_from_rfc3339("2022-11-24T08:00:00Z").unwrap().with_timezone(&Utc);
        let mut a = Addressee { unit: code(230103), ack: None };
        assert_eq!(d.for_priority(Priority::Urgent), Duration::minutes(30));
        assert_eq!(
            a.state_at(t0, Priority::Urgent, &d, t0 + Duration::minutes(29)),
            AckState::Awaiting { due: t0 + Duration::minutes(30) }
        );
        assert_eq!(
            a.state_at(t0, Priority::Urgent, &d, t0 + Duration::minutes(31)),
            AckState::Overdue { due: t0 + Duration::minutes(30) }
        );
        assert!(matches!(a.state_at(t0, Priority::Normal, &d, t0 + Duration::hours(23)), AckState::Awaiting { .. }));
        a.ack = Some(Ack { at: t0 + Duration::minutes(10), officer: "daowai01".into(), note: None });
        assert_eq!(
            a.state_at(t0, Priority::Urgent, &d, t0 + Duration::hours(1)),
            AckState::Acknowledged { at: t0 + Duration::minutes(10) }
        );
        assert!(
            matches!(a.state_at(t0, Priority::Urgent, &d, t0 + Duration::minutes(5)), AckState::Awaiting { .. }),
            "an acknowledgment after the instant in view does not count yet"
        );
    }
}
