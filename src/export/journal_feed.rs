//! The directive journal as a feed document: the hub publishes its journal's directives in
//! the `directives` section of its feed, and a recording board archives its own journal the
//! same way, so that a replay shows the directives in force at every recorded instant.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::model::journal::{DirectiveRecord, Journal, JournalEvent};

/// The source id of a board's own journal in its recordings.
pub const BOARD_JOURNAL_SOURCE: &str = "board-journal";

/// Issued directives of a journal as rows of the feed's `directives` section (drafts are
/// not published; a lifted one ends when it was lifted).
pub fn feed_rows(journal: &Journal) -> Vec<Value> {
    journal.issued().map(feed_row).collect()
}

/// One issued directive as a row of the feed's `directives` section (the hub updates the
/// row of the one directive an event changed, instead of reading its journal again).
pub fn feed_row(r: &DirectiveRecord) -> Value {
    let d = &r.directive;
    let last = r.events.last();
    let mut row = json!({
        "number": d.content.number,
        "issuer": d.content.issuer,
        "title": d.content.title,
        "category": d.content.category.wire_name(),
        "scope": d.content.scope.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        "issued_at": d.issued_at.to_rfc3339(),
        "status": d.status,
        "priority": d.content.priority,
        "ref": format!(
            "sitboard-hub directive journal, {} events, last {} (hash {})",
            r.events.len(),
            last.map(|e| e.seq).unwrap_or(0),
            last.map(|e| e.hash.get(..16).unwrap_or(&e.hash)).unwrap_or("")
        ),
    });
    row["addressed"] = addressed(r);
    if !d.content.body.is_empty() {
        row["body"] = json!(d.content.body);
    }
    if let Some(f) = d.content.effective_from {
        row["effective_from"] = json!(f.to_rfc3339());
    }
    if let Some(u) = d.content.effective_until {
        row["effective_until"] = json!(u.to_rfc3339());
    }
    row
}

/// Schema 1.2 `addressed`: every scope region of the directive is a unit that must
/// acknowledge it; an acknowledged one carries when, by whom and the note of its first
/// acknowledgment (one per unit: the hub answers a second one without writing it).
fn addressed(r: &DirectiveRecord) -> Value {
    let entries = r.content.scope.iter().map(|unit| {
        let code = unit.to_string();
        let mut entry = json!({"unit": unit.value()});
        if let Some(ack) = r.acknowledgments.iter().find(|a| a.unit.trim() == code) {
            entry["acknowledged_at"] = json!(ack.at.to_rfc3339());
            entry["officer"] = json!(ack.officer);
            let note = r.events.iter().find(|e| e.seq == ack.seq).and_then(|e| e.event.reason.as_deref());
            if let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) {
                entry["note"] = json!(n);
            }
        }
        entry
    });
    Value::Array(entries.collect())
}

/// A board's journal as a feed document for its recording: the directives as the feed
/// publishes them, as of the journal's newest event (its exercise time for an exercise
/// journal, which also marks the document as an exercise). `None` while nothing is issued.
pub fn journal_document(journal: &Journal, exercise: bool, now: DateTime<Utc>) -> Option<(String, DateTime<Utc>)> {
    let rows = feed_rows(journal);
    let newest = journal.records().iter().flat_map(|r| r.events.iter().map(JournalEvent::effective_at)).max()?;
    if rows.is_empty() {
        return None;
    }
    let mut doc = json!({
        "schema": crate::feed::SCHEMA_V1_2,
        "source": {"id": BOARD_JOURNAL_SOURCE, "name": "本机指令日志 / Directives logged on this board"},
        "generated_at": now.max(newest).to_rfc3339(),
        "as_of": newest.to_rfc3339(),
        "directives": rows,
    });
    if exercise {
        doc["exercise"] = json!({"name": "演练 / Exercise"});
    }
    Some((doc.to_string(), newest))
}
