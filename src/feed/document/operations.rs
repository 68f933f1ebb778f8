//! Validating and ingesting the sections about the response work: checkpoints and their
//! throughput, directives (with schema 1.2's addressed units and their acknowledgments),
//! hotline work orders and hotline periods.

use serde_json::Value;

use super::{SectionCheck, relabel};
use crate::feed::row::{FieldResult, MAX_LINE_CHARS, Row, check_text, type_name};
use chrono::{DateTime, Utc};

use crate::model::checkpoint::CodeColours;
use crate::model::officer::{Ack, Addressee};
use crate::model::text::comparable;
use crate::model::time::{end_of_day, format_local};
use crate::model::{
    Adcode, Checkpoint, CheckpointKind, CheckpointStatus, DatasetBuilder, Directive, DirectiveCategory,
    DirectiveContent, DirectiveStatus, HotlinePeriod, Lane, LaneCounts, Priority, Throughput, WorkOrder,
    WorkOrderStatus,
};

impl SectionCheck<'_> {
    pub(super) fn checkpoint(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("checkpoints", i, v)?;
        let id = row.line_text("id", true)?.unwrap_or_default();
        if !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)) {
            return Err(row.err("id", format!("{id:?} may only hold a-z, 0-9, '.', '_' and '-'")));
        }
        self.once(&row, id.clone(), &format!("checkpoint {id}"))?;
        let kind = row.enum_value(
            "kind",
            CheckpointKind::parse,
            "expressway_exit, toll_station, road_checkpoint, rail_station, logistics_park, community_gate",
        )?;
        let region = row.adcode("region", b.registry())?;
        let lon = row.opt_f64("lon")?.ok_or_else(|| row.err("lon", "missing"))?;
        let lat = row.opt_f64("lat")?.ok_or_else(|| row.err("lat", "missing"))?;
        if !(-180.0..=180.0).contains(&lon) {
            return Err(row.err("lon", format!("{lon} is not a longitude")));
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(row.err("lat", format!("{lat} is not a latitude")));
        }
        let mut lanes = [0u16; 3];
        if let Some(l) = row.opt_object("lanes")? {
            for (k, val) in l {
                let label = format!("lanes.{k}");
                let lane = Lane::parse(k).ok_or_else(|| row.err(&label, "unknown lane (passenger, freight, green)"))?;
                let n = row.count_value(val, &label)?;
                lanes[lane as usize] = u16::try_from(n).map_err(|_| row.err(&label, "too many lanes"))?;
            }
        }
        let (mut cap_v, mut cap_p) = (None, None);
        if let Some(c) = row.opt_object("capacity_per_hour")? {
            cap_v = row.count_in(c, "vehicles", "capacity_per_hour.vehicles")?;
            cap_p = row.count_in(c, "people", "capacity_per_hour.people")?;
        }
        let mut status = Vec::new();
        if let Some(list) = row.opt_array("status")? {
            for (j, item) in list.iter().enumerate() {
                let label = format!("status[{j}]");
                let Value::Object(o) = item else {
                    return Err(row.err(&label, format!("expected an object, found {}", type_name(item))));
                };
                let sub = Row { section: row.section, index: row.index, obj: o };
                let since = sub.date_or_instant("since").map_err(|e| relabel(e, &label))?;
                let s = sub
                    .enum_value("status", CheckpointStatus::parse, "open, closed, restricted")
                    .map_err(|e| relabel(e, &label))?;
                self.not_future(&row, &format!("{label}.since"), since)?;
                // Not kept, but validated as every `ref` is: bounded, one line, no control
                // or text-direction characters.
                sub.reference().map_err(|e| relabel(e, &label))?;
                status.push((since, s));
            }
        }
        status.sort_by_key(|(t, _)| *t);
        let c = Checkpoint {
            name_zh: row.line_text("name_zh", true)?.unwrap_or_default(),
            name_en: row.line_text("name_en", false)?.unwrap_or_else(|| id.clone()),
            id,
            kind,
            region,
            lon,
            lat,
            position_approximate: row.opt_bool("position_approximate")?.unwrap_or(false),
            lanes,
            capacity_vehicles_per_hour: cap_v,
            capacity_people_per_hour: cap_p,
            status,
            source: self.src.id.clone(),
            reference: row.reference()?,
        };
        b.add_checkpoint(c, Some(self.src.as_of));
        Ok(())
    }

    pub(super) fn throughput(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("throughput", i, v)?;
        let cp = row.req_str("checkpoint")?.to_owned();
        if !b.has_checkpoint(&cp) {
            return Err(row.err("checkpoint", format!("unknown checkpoint {cp:?}")));
        }
        let start = row.instant("start")?;
        let minutes = row.count("minutes")?.unwrap_or(60);
        if minutes == 0 || minutes > 24 * 60 {
            return Err(row.err("minutes", format!("{minutes} is not an interval length (1–1440)")));
        }
        let t_end = start + chrono::Duration::minutes(i64::from(minutes));
        self.not_future(&row, "start", t_end)?;
        self.once(&row, format!("{cp}/{start}"), &format!("checkpoint {cp}, start {}", format_local(start)))?;
        let mut lanes = [None; 3];
        if let Some(l) = row.opt_object("lanes")? {
            for (k, val) in l {
                let label = format!("lanes.{k}");
                let lane = Lane::parse(k).ok_or_else(|| row.err(&label, "unknown lane (passenger, freight, green)"))?;
                let Value::Object(o) = val else {
                    return Err(row.err(&label, format!("expected an object, found {}", type_name(val))));
                };
                lanes[lane as usize] = Some(LaneCounts {
                    vehicles: row.count_in(o, "vehicles", &format!("{label}.vehicles"))?.unwrap_or(0),
                    people: row.count_in(o, "people", &format!("{label}.people"))?.unwrap_or(0),
                });
            }
        }
        let codes = match row.opt_object("codes")? {
            None => None,
            Some(o) => Some(CodeColours {
                green: row.count_in(o, "green", "codes.green")?.unwrap_or(0),
                yellow: row.count_in(o, "yellow", "codes.yellow")?.unwrap_or(0),
                red: row.count_in(o, "red", "codes.red")?.unwrap_or(0),
            }),
        };
        let t = Throughput {
            checkpoint: cp,
            start,
            minutes,
            lanes,
            temperature_alarms: row.count("temperature_alarms")?,
            codes,
            turned_back: row.count("turned_back")?,
            tests: row.count("tests")?,
            positives: row.count("positives")?,
            queue_minutes: row.count("queue_minutes")?,
            synthetic: self.src.synthetic,
        };
        b.add_throughput(t, Some(self.src.as_of));
        Ok(())
    }

    pub(super) fn directive(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("directives", i, v)?;
        let number = row.line_text("number", true)?.unwrap_or_default();
        let issuer = row.line_text("issuer", true)?.unwrap_or_default();
        // Compared as they read: a look-alike number (zero-width space, full-width digit) is
        // a duplicate.
        let key = format!("{}/{}", comparable(&issuer), comparable(&number));
        self.once(&row, key, &format!("{issuer} {number}"))?;
        let title = row.line_text("title", true)?.unwrap_or_default();
        let body = row.body_text("body")?.unwrap_or_default();
        let category = row.enum_value(
            "category",
            DirectiveCategory::parse,
            "traffic_control, residential_control, testing, reopening, supplies, other",
        )?;
        let scope_list = row.opt_array("scope")?.ok_or_else(|| row.err("scope", "missing"))?;
        if scope_list.is_empty() {
            return Err(row.err("scope", "names no region"));
        }
        let mut scope = Vec::new();
        for (j, item) in scope_list.iter().enumerate() {
            let label = format!("scope[{j}]");
            let s = item.as_str().ok_or_else(|| row.err(&label, "expected a region code"))?;
            scope.push(row.adcode_value(s, &label, b.registry())?);
        }
        let issued_at = row.instant("issued_at")?;
        self.not_future(&row, "issued_at", issued_at)?;
        let effective_from = row.opt_instant("effective_from")?;
        let effective_until = row.opt_instant("effective_until")?;
        if let (Some(f), Some(u)) = (effective_from.or(Some(issued_at)), effective_until)
            && u <= f
        {
            return Err(row.err("effective_until", "ends before it takes effect"));
        }
        let status = row
            .opt_enum("status", DirectiveStatus::parse, "in_force, lifted, revoked, superseded")?
            .unwrap_or(DirectiveStatus::InForce);
        let addressed = self.addressed(&row, &scope, issued_at, b)?;
        let mut supersedes = Vec::new();
        if let Some(list) = row.opt_array("supersedes")? {
            for (j, item) in list.iter().enumerate() {
                let s = item.as_str().ok_or_else(|| row.err(&format!("supersedes[{j}]"), "expected a number"))?;
                supersedes.push(s.to_owned());
            }
        }
        let d = Directive {
            content: DirectiveContent {
                number,
                issuer,
                title,
                body,
                category,
                scope,
                effective_from,
                effective_until,
                priority: row
                    .opt_enum("priority", Priority::parse, "normal, high, urgent")?
                    .unwrap_or(Priority::Normal),
            },
            issued_at,
            status,
            supersedes,
            source: self.src.id.clone(),
            reference: row.reference()?,
            known_until: Some(self.src.as_of),
            addressed,
        };
        b.add_directive(d, Some(self.src.as_of));
        Ok(())
    }

    /// Schema 1.2 `addressed`: one entry per addressed unit (a scope region, once), with its
    /// acknowledgment (`acknowledged_at`, `officer`, optional `note`) once it has one.
    fn addressed(
        &self,
        row: &Row,
        scope: &[Adcode],
        issued_at: DateTime<Utc>,
        b: &DatasetBuilder,
    ) -> FieldResult<Vec<Addressee>> {
        let Some(list) = row.opt_array("addressed")? else { return Ok(Vec::new()) };
        let mut out: Vec<Addressee> = Vec::with_capacity(list.len());
        for (j, item) in list.iter().enumerate() {
            let label = format!("addressed[{j}]");
            let Value::Object(o) = item else {
                return Err(row.err(&label, format!("expected an object, found {}", type_name(item))));
            };
            let sub = Row { section: row.section, index: row.index, obj: o };
            let unit = sub.adcode("unit", b.registry()).map_err(|e| relabel(e, &label))?;
            if !scope.contains(&unit) {
                return Err(
                    row.err(&format!("{label}.unit"), format!("{unit} is not one of the directive's scope regions"))
                );
            }
            if let Some(first) = out.iter().position(|a| a.unit == unit) {
                return Err(
                    row.err(&format!("{label}.unit"), format!("{unit} is listed twice (first at addressed[{first}])"))
                );
            }
            let at = sub.opt_instant("acknowledged_at").map_err(|e| relabel(e, &label))?;
            let officer = sub.line_text("officer", false).map_err(|e| relabel(e, &label))?;
            let note = sub.body_text("note").map_err(|e| relabel(e, &label))?.filter(|n| !n.is_empty());
            let ack = match (at, officer) {
                (None, None) if note.is_none() => None,
                (None, _) => {
                    return Err(row.err(
                        &format!("{label}.acknowledged_at"),
                        "missing: an entry with an officer or a note is an acknowledgment, which says when",
                    ));
                }
                (Some(_), None) => {
                    return Err(row.err(&format!("{label}.officer"), "missing: who acknowledged"));
                }
                (Some(at), Some(officer)) => {
                    if officer.is_empty() {
                        return Err(row.err(&format!("{label}.officer"), "is empty"));
                    }
                    if at < issued_at {
                        return Err(row.err(
                            &format!("{label}.acknowledged_at"),
                            format!(
                                "{} is before the directive was issued ({})",
                                format_local(at),
                                format_local(issued_at)
                            ),
                        ));
                    }
                    self.not_future(row, &format!("{label}.acknowledged_at"), at)?;
                    Some(Ack { at, officer, note })
                }
            };
            out.push(Addressee { unit, ack });
        }
        Ok(out)
    }

    pub(super) fn work_order(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("work_orders", i, v)?;
        let id = row.line_text("id", true)?.unwrap_or_default();
        self.once(&row, id.clone(), &format!("work order {id}"))?;
        let received_at = row.instant("received_at")?;
        self.not_future(&row, "received_at", received_at)?;
        let status = row.enum_value("status", WorkOrderStatus::parse, "open, in_progress, closed")?;
        let first_action_at = row.opt_instant("first_action_at")?;
        let closed_at = row.opt_instant("closed_at")?;
        for (field, t) in [("first_action_at", first_action_at), ("closed_at", closed_at)] {
            if let Some(t) = t {
                self.not_future(&row, field, t)?;
                if t < received_at {
                    return Err(row.err(
                        field,
                        format!("{} is before received_at {}", format_local(t), format_local(received_at)),
                    ));
                }
            }
        }
        match (status, closed_at) {
            (WorkOrderStatus::Closed, None) => return Err(row.err("closed_at", "missing: the status is closed")),
            (WorkOrderStatus::Open | WorkOrderStatus::InProgress, Some(_)) => {
                return Err(row.err("closed_at", "given, but the status is not closed"));
            }
            _ => {}
        }
        let w = WorkOrder {
            category: row.line_text("category", true)?.unwrap_or_default(),
            region: row.adcode("region", b.registry())?,
            received_at,
            first_action_at,
            due_at: row.opt_instant("due_at")?,
            status,
            closed_at,
            summary: row.body_text("summary")?.unwrap_or_default(),
            id,
        };
        b.add_work_order(w, Some(self.src.as_of));
        Ok(())
    }

    pub(super) fn hotline(&mut self, i: usize, v: &Value, b: &mut DatasetBuilder) -> FieldResult<()> {
        let row = Row::new("hotline", i, v)?;
        let region = row.adcode("region", b.registry())?;
        let from = row.date("from")?;
        let to = row.date("to")?;
        if to < from {
            return Err(row.err("to", "ends before it starts"));
        }
        self.not_future(&row, "to", end_of_day(to))?;
        self.once(&row, format!("{region}/{from}/{to}"), &format!("region {region}, {from} … {to}"))?;
        let rate = |f: &str| -> FieldResult<Option<f64>> {
            match row.opt_f64(f)? {
                Some(x) if !(0.0..=1.0).contains(&x) => Err(row.err(f, format!("{x} is not a rate between 0 and 1"))),
                other => Ok(other),
            }
        };
        let mut topics = Vec::new();
        if let Some(list) = row.opt_array("topics")? {
            for (j, t) in list.iter().enumerate() {
                let s = t.as_str().ok_or_else(|| row.err(&format!("topics[{j}]"), "expected text"))?;
                topics.push(check_text(s, false, MAX_LINE_CHARS).map_err(|m| row.err(&format!("topics[{j}]"), m))?);
            }
        }
        const FIELDS: [&str; 5] = ["requests", "connection_rate", "response_rate", "baseline_ratio", "topics"];
        let mut reported = Vec::new();
        if let Some(list) = row.opt_array("reported")? {
            for (j, f) in list.iter().enumerate() {
                match f.as_str() {
                    Some(f) if FIELDS.contains(&f) => reported.push(f.to_owned()),
                    _ => {
                        return Err(
                            row.err(&format!("reported[{j}]"), format!("expected one of {}", FIELDS.join(", ")))
                        );
                    }
                }
            }
        }
        let h = HotlinePeriod {
            reported,
            region,
            from,
            to,
            requests: row.count("requests")?,
            connection_rate: rate("connection_rate")?,
            response_rate: rate("response_rate")?,
            baseline_ratio: row.opt_f64("baseline_ratio")?,
            topics,
            source: self.src.id.clone(),
            reference: row.reference()?,
        };
        b.add_hotline(h, Some(self.src.as_of));
        Ok(())
    }
}
