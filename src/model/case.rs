//! Daily case reports (one region, one reporting day) with optional counts: a missing count
//! means "not reported", never zero. Each report knows which values were read from an
//! official source and which were reconstructed or summed from lower levels.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::region::Adcode;

/// Every count a case report can carry. The wire name is the feed schema's field name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseField {
    NewConfirmed,
    CumulativeConfirmed,
    Active,
    NewCured,
    Cured,
    NewDeaths,
    Deaths,
    Severe,
    Critical,
    NewSuspected,
    Suspected,
    NewAsymptomatic,
    ActiveAsymptomatic,
    UnderObservation,
    ContactsTraced,
    ContactsReleased,
    FeverClinicVisits,
    ImportedNew,
    ImportedCumulative,
    ImportedActive,
}

impl CaseField {
    pub const ALL: [CaseField; 20] = [
        CaseField::NewConfirmed,
        CaseField::CumulativeConfirmed,
        CaseField::Active,
        CaseField::NewCured,
        CaseField::Cured,
        CaseField::NewDeaths,
        CaseField::Deaths,
        CaseField::Severe,
        CaseField::Critical,
        CaseField::NewSuspected,
        CaseField::Suspected,
        CaseField::NewAsymptomatic,
        CaseField::ActiveAsymptomatic,
        CaseField::UnderObservation,
        CaseField::ContactsTraced,
        CaseField::ContactsReleased,
        CaseField::FeverClinicVisits,
        CaseField::ImportedNew,
        CaseField::ImportedCumulative,
        CaseField::ImportedActive,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn index(self) -> usize {
        self as usize
    }

    /// Name in the feed schema (`imported_*` are written nested as `imported.{new,…}`).
    pub fn wire_name(self) -> &'static str {
        match self {
            CaseField::NewConfirmed => "new_confirmed",
            CaseField::CumulativeConfirmed => "cumulative_confirmed",
            CaseField::Active => "active",
            CaseField::NewCured => "new_cured",
            CaseField::Cured => "cured",
            CaseField::NewDeaths => "new_deaths",
            CaseField::Deaths => "deaths",
            CaseField::Severe => "severe",
            CaseField::Critical => "critical",
            CaseField::NewSuspected => "new_suspected",
            CaseField::Suspected => "suspected",
            CaseField::NewAsymptomatic => "new_asymptomatic",
            CaseField::ActiveAsymptomatic => "active_asymptomatic",
            CaseField::UnderObservation => "under_observation",
            CaseField::ContactsTraced => "contacts_traced",
            CaseField::ContactsReleased => "contacts_released",
            CaseField::FeverClinicVisits => "fever_clinic_visits",
            CaseField::ImportedNew => "imported_new",
            CaseField::ImportedCumulative => "imported_cumulative",
            CaseField::ImportedActive => "imported_active",
        }
    }

    pub fn from_wire(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.wire_name() == name)
    }

    /// Fields that count flows over the day (these sum over days; the others are stocks).
    pub fn is_daily_flow(self) -> bool {
        matches!(
            self,
            CaseField::NewConfirmed
                | CaseField::NewCured
                | CaseField::NewDeaths
                | CaseField::NewSuspected
                | CaseField::NewAsymptomatic
                | CaseField::FeverClinicVisits
                | CaseField::ImportedNew
        )
    }
}

/// Where a new positive was found (2022 Harbin bulletins list five channels).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Quarantined,
    CommunityScreening,
    ContactScreening,
    KeyPersonScreening,
    CrossRegionRequest,
    Other,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::Quarantined,
        Channel::CommunityScreening,
        Channel::ContactScreening,
        Channel::KeyPersonScreening,
        Channel::CrossRegionRequest,
        Channel::Other,
    ];

    pub fn wire_name(self) -> &'static str {
        match self {
            Channel::Quarantined => "quarantined",
            Channel::CommunityScreening => "community_screening",
            Channel::ContactScreening => "contact_screening",
            Channel::KeyPersonScreening => "key_person_screening",
            Channel::CrossRegionRequest => "cross_region_request",
            Channel::Other => "other",
        }
    }

    pub fn from_wire(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.wire_name() == name)
    }
}

/// The counts of one report, indexed by [`CaseField`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaseCounts {
    values: [Option<u32>; CaseField::COUNT],
}

impl CaseCounts {
    pub fn get(&self, field: CaseField) -> Option<u32> {
        self.values[field.index()]
    }

    pub fn set(&mut self, field: CaseField, value: Option<u32>) {
        self.values[field.index()] = value;
    }

    pub fn with(mut self, field: CaseField, value: u32) -> Self {
        self.set(field, Some(value));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.values.iter().all(Option::is_none)
    }

    pub fn present(&self) -> impl Iterator<Item = (CaseField, u32)> + '_ {
        CaseField::ALL.into_iter().filter_map(|f| self.get(f).map(|v| (f, v)))
    }
}

/// A set of case fields (which values of a report were read from an official source).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldSet(u32);

impl FieldSet {
    pub fn insert(&mut self, f: CaseField) {
        self.0 |= 1 << f.index();
    }
    pub fn contains(&self, f: CaseField) -> bool {
        self.0 & (1 << f.index()) != 0
    }
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }
    pub fn iter(&self) -> impl Iterator<Item = CaseField> + '_ {
        CaseField::ALL.into_iter().filter(|f| self.contains(*f))
    }
}

impl FromIterator<CaseField> for FieldSet {
    fn from_iter<T: IntoIterator<Item = CaseField>>(iter: T) -> Self {
        let mut s = FieldSet::default();
        for f in iter {
            s.insert(f);
        }
        s
    }
}

/// How a value on the board came to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provenance {
    /// Read from an official report (the feed lists it in `reported`).
    Reported,
    /// Present in the feed but not from an official report: interpolated or derived.
    Reconstructed,
    /// Summed from the reports of lower-level regions (`children` of `of` reported).
    Aggregated { children: u16, of: u16 },
    /// Made-up demonstration data.
    Synthetic,
}

/// Part of a day a report covers (e.g. Harbin's 0–15 h bulletins); `None` on a report means
/// the whole day to 24:00.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReportWindow {
    pub from: NaiveTime,
    pub to: NaiveTime,
}

/// A published downward revision of a cumulative count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Correction {
    pub field: CaseField,
    pub delta: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CaseReport {
    pub region: Adcode,
    pub date: NaiveDate,
    pub window: Option<ReportWindow>,
    pub counts: CaseCounts,
    pub channels: Vec<(Channel, u32)>,
    /// Whether the channel breakdown was read from an official report.
    pub channels_reported: bool,
    /// Fields whose values come from an official report.
    pub reported: FieldSet,
    pub corrections: Vec<Correction>,
    /// Source id of the feed this came from.
    pub source: String,
    /// Free-text reference for the reported values.
    pub reference: Option<String>,
    /// Set when this report was summed from lower levels instead of published.
    pub aggregated: Option<(u16, u16)>,
    pub synthetic: bool,
}

impl CaseReport {
    pub fn new(region: Adcode, date: NaiveDate) -> Self {
        CaseReport {
            region,
            date,
            window: None,
            counts: CaseCounts::default(),
            channels: Vec::new(),
            channels_reported: false,
            reported: FieldSet::default(),
            corrections: Vec::new(),
            source: String::new(),
            reference: None,
            aggregated: None,
            synthetic: false,
        }
    }

    pub fn get(&self, field: CaseField) -> Option<u32> {
        self.counts.get(field)
    }

    /// A value with where it came from; `None` when the report does not carry it.
    pub fn value(&self, field: CaseField) -> Option<(u32, Provenance)> {
        let v = self.counts.get(field)?;
        Some((v, self.provenance(field)))
    }

    pub fn provenance(&self, field: CaseField) -> Provenance {
        if self.synthetic {
            Provenance::Synthetic
        } else if let Some((children, of)) = self.aggregated {
            Provenance::Aggregated { children, of }
        } else if self.reported.contains(field) {
            Provenance::Reported
        } else {
            Provenance::Reconstructed
        }
    }

    pub fn correction(&self, field: CaseField) -> Option<i64> {
        self.corrections.iter().find(|c| c.field == field).map(|c| c.delta)
    }

    /// Total of the discovery-channel breakdown, if any.
    pub fn channel_total(&self) -> Option<u64> {
        (!self.channels.is_empty()).then(|| self.channels.iter().map(|(_, n)| u64::from(*n)).sum())
    }
}
