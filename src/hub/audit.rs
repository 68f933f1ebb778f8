//! `sitboard-hub audit [--since T] [--officer ID] [--json]`: what the hub's officers did and
//! what was done to them, in time order, from its chained records: the audit record (grants,
//! revocations, new tokens, sign-ins, refusals), the directive events (issues, amendments,
//! acknowledgments, lifts, revocations; an exercise journal's too, marked) and the export
//! record. Every chain is verified first, read-only: a record that fails is named and
//! nothing is listed.

use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::model::journal::{AuditEvent, AuditRecord, ExportRecord, JournalEvent};
use crate::model::time::parse_time_input;
use crate::store::journal::journal_path_of;
use crate::store::{JournalKind, JournalStore};

/// One line of the audit listing.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub at: DateTime<Utc>,
    /// `audit`, `event`, `exercise event` or `export`, and the seq in that record.
    pub record: &'static str,
    pub seq: u64,
    pub kind: String,
    /// The officer it is by or about.
    pub officer: String,
    /// What else there is to say, as a line of text.
    pub text: String,
    /// The same as JSON.
    pub detail: Value,
}

impl Entry {
    pub fn to_json(&self) -> Value {
        json!({
            "at": self.at.to_rfc3339_opts(SecondsFormat::Secs, true),
            "record": self.record,
            "seq": self.seq,
            "kind": self.kind,
            "officer": self.officer,
            "detail": self.detail,
        })
    }

    pub fn line(&self) -> String {
        format!(
            "{}  {:<14} {:<16} {}",
            self.at.to_rfc3339_opts(SecondsFormat::Secs, true),
            self.kind,
            self.officer,
            self.text
        )
    }
}

fn audit_entry(r: AuditRecord) -> Entry {
    let officer = r.event.officer().to_owned();
    let kind = r.event.kind_name().to_owned();
    let text = match &r.event {
        AuditEvent::Granted { officer: o, .. } => format!(
            "{} ({}), role {}, scope {} — by {}",
            o.name,
            o.unit,
            o.role.wire_name(),
            o.scope.iter().map(ToString::to_string).collect::<Vec<_>>().join(","),
            r.actor
        ),
        AuditEvent::Revoked { .. } | AuditEvent::TokenRotated { .. } => format!("by {}", r.actor),
        AuditEvent::SignedIn { day, .. } => format!("first request of {day}"),
        AuditEvent::Refused { action, issuer, number, refusal, message, .. } => {
            let what = if number.is_empty() { String::new() } else { format!(" {issuer} {number}") };
            format!("{} {what}: {refusal}: {message}", action.wire_name())
        }
    };
    let mut detail = serde_json::to_value(&r.event).unwrap_or(Value::Null);
    if let Value::Object(o) = &mut detail {
        o.remove("kind");
        o.insert("actor".into(), json!(r.actor));
    }
    Entry { at: r.at, record: "audit", seq: r.seq, kind, officer, text, detail }
}

fn event_entry(e: JournalEvent, exercise: bool) -> Entry {
    let n = &e.event;
    let mut text = format!("{} {}", n.issuer, n.number);
    let mut detail = json!({"issuer": n.issuer, "number": n.number});
    if let Some(c) = &n.content {
        text.push_str(&format!(
            " 《{}》 scope {}",
            c.title,
            c.scope.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
        ));
        detail["title"] = json!(c.title);
        detail["scope"] = json!(c.scope.iter().map(|a| a.value()).collect::<Vec<_>>());
    }
    if let Some(u) = &n.unit {
        text.push_str(&format!(" unit {u}"));
        detail["unit"] = json!(u);
    }
    if let Some(r) = &n.reason {
        text.push_str(&format!(" — {r:?}"));
        detail["reason"] = json!(r);
    }
    if let Some(x) = e.exercise_at {
        text.push_str(" (演练 exercise)");
        detail["exercise_at"] = json!(x.to_rfc3339());
    }
    Entry {
        at: e.at,
        record: if exercise { "exercise event" } else { "event" },
        seq: e.seq,
        kind: n.kind.wire_name().to_owned(),
        officer: n.officer.clone(),
        text,
        detail,
    }
}

fn export_entry(x: ExportRecord) -> Entry {
    let e = &x.export;
    Entry {
        at: x.at,
        record: "export",
        seq: x.seq,
        kind: "exported".into(),
        officer: e.officer.clone(),
        text: format!("{} {} ({} bytes, sha256 {}) for {} {}", e.what, e.file, e.bytes, e.sha256, e.region, e.period),
        detail: json!({"what": e.what, "file": e.file, "sha256": e.sha256, "bytes": e.bytes, "region": e.region, "period": e.period}),
    }
}

/// Verify one journal file's chains (events, exports, audit) and read its entries.
fn read(path: &Path, kind: JournalKind) -> Result<Vec<Entry>, String> {
    let store = JournalStore::open_read_only(path, kind).map_err(|e| e.to_string())?;
    let where_ = store.path().display().to_string();
    if let Err(bad) = store.verify().map_err(|e| e.to_string())? {
        return Err(format!(
            "{where_}: the directive events fail verification at event {} ({:?})",
            bad.seq, bad.reason
        ));
    }
    if let Err(bad) = store.verify_exports().map_err(|e| e.to_string())? {
        return Err(format!("{where_}: the export record fails verification at export {}: {}", bad.seq, bad.reason));
    }
    if let Err(bad) = store.verify_audit().map_err(|e| e.to_string())? {
        return Err(format!("{where_}: the audit record fails verification at {bad}"));
    }
    let exercise = kind.is_exercise();
    let mut out: Vec<Entry> = store.audit().map_err(|e| e.to_string())?.into_iter().map(audit_entry).collect();
    out.extend(store.events().map_err(|e| e.to_string())?.into_iter().map(|e| event_entry(e, exercise)));
    out.extend(store.exports().map_err(|e| e.to_string())?.into_iter().map(export_entry));
    Ok(out)
}

/// The entries of a hub's journal folder (its real journal, and its exercise journal if it
/// has one), verified, filtered, in time order.
pub fn entries(dir: &Path, since: Option<DateTime<Utc>>, officer: Option<&str>) -> Result<Vec<Entry>, String> {
    let real = journal_path_of(dir, JournalKind::Real);
    let exercise = journal_path_of(dir, JournalKind::Exercise);
    if !real.exists() && !exercise.exists() {
        return Err(format!(
            "no hub journal in {}: nothing has been recorded there (is --journal-dir right?)",
            dir.display()
        ));
    }
    let mut all = Vec::new();
    if real.exists() {
        all.extend(read(&real, JournalKind::Real)?);
    }
    if exercise.exists() {
        all.extend(read(&exercise, JournalKind::Exercise)?);
    }
    all.retain(|e| since.is_none_or(|t| e.at >= t) && officer.is_none_or(|o| e.officer == o));
    all.sort_by(|a, b| a.at.cmp(&b.at).then(a.record.cmp(b.record)).then(a.seq.cmp(&b.seq)));
    Ok(all)
}

/// The command: print the entries (lines, or one JSON array); exit 2 on a bad argument, 1
/// when a chain fails verification.
pub fn run(dir: &Path, _tokens: Option<&Path>, since: Option<&str>, officer: Option<&str>, json_out: bool) -> ExitCode {
    let since = match since.map(|s| parse_time_input(s).ok_or(s)) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(s)) => {
            eprintln!("error: --since {s:?} is not a time (RFC 3339, YYYY-MM-DD HH:MM in China time, or YYYY-MM-DD)");
            return ExitCode::from(2);
        }
    };
    if let Some(o) = officer
        && let Err(e) = super::tokens::check_officer_id(o)
    {
        eprintln!("error: --officer: {e}");
        return ExitCode::from(2);
    }
    match entries(dir, since, officer) {
        Ok(list) => {
            if json_out {
                println!("{}", Value::Array(list.iter().map(Entry::to_json).collect()));
            } else {
                if list.is_empty() {
                    eprintln!(
                        "nothing recorded{}",
                        if since.is_some() || officer.is_some() { " that matches" } else { "" }
                    );
                }
                for e in &list {
                    println!("{}", e.line());
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) if e.contains("fails verification") => {
            eprintln!("error: {e}; nothing listed: restore the journal from a backup");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
