//! Domain types and pure logic of the situation board: regions, case reports, risk and
//! response levels, checkpoints, directives, hotline work, and the `Situation` that panels
//! render. No egui, no IO, no async: everything here is unit-testable on its own.

pub mod case;
pub mod checkpoint;
pub mod checkpoint_stats;
pub mod dataset;
pub mod directive;
pub mod geometry;
pub mod hotline;
pub mod hotline_sla;
pub mod hotline_stats;
pub mod indicators;
pub mod journal;
pub mod officer;
pub mod overview;
pub mod region;
pub mod response;
pub mod risk;
pub mod risk_rules;
pub mod situation;
pub mod text;
pub mod time;

pub use case::{CaseCounts, CaseField, CaseReport, Channel, Provenance, ReportWindow};
pub use checkpoint::{Checkpoint, CheckpointKind, CheckpointStatus, Lane, LaneCounts, Throughput};
pub use dataset::{Dataset, DatasetBuilder, SourceInfo};
pub use directive::{Directive, DirectiveCategory, DirectiveContent, DirectiveStatus, Priority};
pub use hotline::{HotlinePeriod, WorkOrder, WorkOrderStatus};
pub use hotline_sla::SlaRules;
pub use hotline_stats::{HotlineIndex, HotlineSummary, HotlineView};
/// The wire form of a journal event (now `journal::wire`), under its former path.
pub use journal::wire as journal_wire;
pub use officer::{Ack, AckDeadlines, AckState, Addressee, Officer, OfficerRole, Refusal};
pub use overview::{Figure, FigureSource, Overview};
pub use region::{Adcode, Region, RegionLevel, RegionRegistry};
pub use response::{ResponseLevel, ResponseLevelChange};
pub use risk::{RiskAssessment, RiskBasis, RiskLevel, RiskRule};
pub use situation::Situation;
