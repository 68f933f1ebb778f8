//! Validating and ingesting the sections that describe the epidemic: regions, case reports,
//! risk levels and emergency response levels.

use serde_json::Value;

use super::SectionCheck;
use crate::feed::row::{FieldResult, Row, local_instant, type_name};
use crate::model::case::{Correction, FieldSet};
use crate::model::time::{end_of_day, format_local};
use crate::model::{
    CaseField, CaseReport, Channel, DatasetBuilder, Region, RegionLevel, ReportWindow, ResponseLevel,
    ResponseLevelChange, RiskAssessment, RiskBasis, RiskLevel, RiskRule,
};

/// A correction larger than this, where the row does not carry the count it corrects, is
/// flagged: no real revision of a region's figures has been that large.
pub const ABSURD_CORRECTION: u64 = 10_000;

/// Figures of one case report that cannot all be true: a part larger than its whole, or a
/// correction larger than the count it corrects. Each comes with the field to name (as the
/// document spells it). They are flagged, not refused: the row is what the source published.
pub fn impossible_combinations(r: &CaseReport) -> Vec<(String, String)> {
    let label = |f: CaseField| f.wire_name().replacen("imported_", "imported.", 1);
    let mut out = Vec::new();
    for (part, whole) in [
        (CaseField::Severe, CaseField::Active),
        (CaseField::Critical, CaseField::Active),
        (CaseField::ImportedCumulative, CaseField::CumulativeConfirmed),
        (CaseField::ImportedNew, CaseField::NewConfirmed),
        (CaseField::ImportedActive, CaseField::Active),
    ] {
        if let (Some(p), Some(w)) = (r.get(part), r.get(whole))
            && p > w
        {
            out.push((format!("{} {p} is more than {} {w}", label(part), label(whole)), label(part)));
        }
    }
    for c in &r.corrections {
        let size = c.delta.unsigned_abs();
        let implausible = match r.get(c.field) {
            Some(count) => size > u64::from(count),
            None => size > ABSURD_CORRECTION,
        };
        if implausible {
            let what = match r.get(c.field) {
                Some(count) => format!("larger than the count it corrects ({count})"),
                None => format!("larger than {ABSURD_CORRECTION}"),
            };
            out.push((
                format!("a correction of {} to {} is {what}", c.delta, label(c.field)),
                format!("corrections.{}", label(c.field)),
            ));
        }
    }
    out
}

impl SectionCheck<'_> {
    pub(super) fn region(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("regions", i, v)?;
        let code_s = row.req_str("adcode")?;
        let code = code_s.parse().map_err(|m: String| row.err("adcode", m))?;
        self.once(&row, code_s.to_owned(), &format!("region {code_s}"))?;
        let population = row.count("population")?.map(u64::from);
        if let Some(existing) = b.registry().get(code).cloned() {
            let mut r = existing;
            if let Some(p) = population {
                r.population = Some(p);
            }
            return b.registry_mut().upsert(r).map_err(|m| row.err("adcode", m));
        }
        let level = row.enum_value("level", RegionLevel::parse, "province, city, county")?;
        let parent = match row.opt_str("parent")? {
            Some(p) => Some(row.adcode_value(p, "parent", b.registry())?),
            None if level == RegionLevel::Province => None,
            None => return Err(row.err("parent", "missing (required for a city or county)")),
        };
        let region = Region {
            adcode: code,
            name_zh: row.line_text("name_zh", true)?.unwrap_or_default(),
            name_en: row.line_text("name_en", true)?.unwrap_or_default(),
            level,
            parent,
            population,
            has_polygon: false,
            aliases: Vec::new(),
        };
        b.registry_mut().upsert(region).map_err(|m| row.err("parent", m))
    }

    pub(super) fn case_report(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("case_reports", i, v)?;
        let region = row.adcode("region", b.registry())?;
        let date = row.date("date")?;
        let window = match row.opt_object("window")? {
            None => None,
            Some(w) => {
                let from = row.time_of_day(w, "from", "window.from")?;
                let to = row.time_of_day(w, "to", "window.to")?;
                if to <= from {
                    return Err(row.err("window", "ends before it starts"));
                }
                Some(ReportWindow { from, to })
            }
        };
        let reported_at = match window {
            Some(w) => local_instant(date, w.to),
            None => end_of_day(date),
        };
        self.not_future(&row, "date", reported_at)?;
        self.once(&row, format!("{region}/{date}"), &format!("region {region}, date {date}"))?;

        let mut r = CaseReport::new(region, date);
        r.window = window;
        for f in CaseField::ALL {
            let name = f.wire_name();
            if name.starts_with("imported_") {
                continue;
            }
            r.counts.set(f, row.count(name)?);
        }
        if let Some(imp) = row.opt_object("imported")? {
            r.counts.set(CaseField::ImportedNew, row.count_in(imp, "new", "imported.new")?);
            r.counts.set(CaseField::ImportedCumulative, row.count_in(imp, "cumulative", "imported.cumulative")?);
            r.counts.set(CaseField::ImportedActive, row.count_in(imp, "active", "imported.active")?);
        }
        if let Some(ch) = row.opt_object("channels")? {
            let mut keys: Vec<&String> = ch.keys().collect();
            keys.sort();
            for k in keys {
                let label = format!("channels.{k}");
                let c = Channel::from_wire(k).ok_or_else(|| {
                    row.err(&label, "unknown discovery channel (expected quarantined, community_screening, contact_screening, key_person_screening, cross_region_request, other)")
                })?;
                let n = row.count_in(ch, k, &label)?;
                if let Some(n) = n {
                    r.channels.push((c, n));
                }
            }
        }
        if let Some(cor) = row.opt_object("corrections")? {
            for (k, val) in cor {
                let label = format!("corrections.{k}");
                let field = CaseField::from_wire(k).ok_or_else(|| row.err(&label, "not a case-report field"))?;
                let delta = val
                    .as_i64()
                    .ok_or_else(|| row.err(&label, format!("expected a whole number, found {}", type_name(val))))?;
                r.corrections.push(Correction { field, delta });
            }
        }
        if let Some(list) = row.opt_array("reported")? {
            let mut set = FieldSet::default();
            for (j, item) in list.iter().enumerate() {
                let label = format!("reported[{j}]");
                let name = item.as_str().ok_or_else(|| row.err(&label, "expected a field name"))?;
                if name == "channels" {
                    if r.channels.is_empty() {
                        return Err(row.err(&label, "lists \"channels\", which the row does not carry"));
                    }
                    r.channels_reported = true;
                    continue;
                }
                let f = CaseField::from_wire(&name.replace("imported.", "imported_"))
                    .ok_or_else(|| row.err(&label, format!("{name:?} is not a case-report field")))?;
                if r.counts.get(f).is_none() {
                    return Err(row.err(&label, format!("lists {name:?}, which the row does not carry")));
                }
                set.insert(f);
            }
            r.reported = set;
        }
        r.reference = row.reference()?;
        r.source = self.src.id.clone();
        r.synthetic = self.src.synthetic;
        if r.counts.is_empty() && r.channels.is_empty() {
            return Err(row.err("", "carries no counts"));
        }
        // Consistency: active + cured + deaths should equal cumulative. Kept, but flagged.
        if let (Some(c), Some(a), Some(cu), Some(d)) = (
            r.get(CaseField::CumulativeConfirmed),
            r.get(CaseField::Active),
            r.get(CaseField::Cured),
            r.get(CaseField::Deaths),
        ) && u64::from(a) + u64::from(cu) + u64::from(d) != u64::from(c)
        {
            self.report.warnings.push(row.err(
                "active",
                format!("active {a} + cured {cu} + deaths {d} ≠ cumulative {c} (row kept as published)"),
            ));
        }
        if let (Some(total), Some(newc)) = (r.channel_total(), r.get(CaseField::NewConfirmed)) {
            let (newc, asym) = (u64::from(newc), u64::from(r.get(CaseField::NewAsymptomatic).unwrap_or(0)));
            if total != newc && total != newc + asym {
                self.report.warnings.push(row.err(
                    "channels",
                    format!("channels add up to {total}, new positives are {newc} confirmed + {asym} asymptomatic"),
                ));
            }
        }
        for (message, field) in impossible_combinations(&r) {
            self.report.warnings.push(row.err(&field, format!("{message} (row kept as published: check the source)")));
        }
        b.add_case_report(r, Some(self.src.as_of));
        Ok(())
    }

    pub(super) fn risk_level(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("risk_levels", i, v)?;
        let region = row.adcode("region", b.registry())?;
        let level = row.enum_value("level", RiskLevel::parse, "low, medium, high")?;
        let since = row.date_or_instant("since")?;
        self.not_future(&row, "since", since)?;
        let rule = row.opt_enum("rule", RiskRule::parse, "county-2020-02, area-9th-ed, area-20-measures")?;
        self.once(&row, format!("{region}/{since}"), &format!("region {region}, since {}", format_local(since)))?;
        let (source, reference) = (self.src.id.clone(), row.reference()?);
        let basis = if row.opt_bool("reported")?.unwrap_or(true) {
            RiskBasis::Reported { source, reference }
        } else {
            RiskBasis::Reconstructed { source, reference }
        };
        let a = RiskAssessment { region, level, since, rule, basis, known_until: Some(self.src.as_of) };
        b.add_risk(a, Some(self.src.as_of));
        Ok(())
    }

    pub(super) fn response_level(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("response_levels", i, v)?;
        let region = row.adcode("region", b.registry())?;
        let level = row.enum_value("level", ResponseLevel::parse, "I, II, III, IV, none")?;
        let since = row.date_or_instant("since")?;
        self.not_future(&row, "since", since)?;
        self.once(&row, format!("{region}/{since}"), &format!("region {region}, since {}", format_local(since)))?;
        b.add_response(
            ResponseLevelChange {
                region,
                level,
                since,
                source: self.src.id.clone(),
                reference: row.reference()?,
                reported: row.opt_bool("reported")?.unwrap_or(true),
                known_until: Some(self.src.as_of),
            },
            Some(self.src.as_of),
        );
        Ok(())
    }
}
