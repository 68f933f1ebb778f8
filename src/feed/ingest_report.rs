//! The acceptance/rejection report of one ingested document: how many rows each section
//! gave, and every rejected row with the section, row and field at fault.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// One problem found in a document. `row` is 0-based within the section (JSON) or the
/// 1-based line number (CSV, where `section` is `line`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub section: String,
    pub row: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

impl Issue {
    pub fn document(message: impl Into<String>) -> Self {
        Issue { section: String::new(), row: None, field: None, message: message.into() }
    }

    pub fn location(&self) -> String {
        let mut s = self.section.clone();
        if let Some(r) = self.row {
            if self.section == "line" {
                s = format!("line {r}");
            } else {
                s.push_str(&format!("[{r}]"));
            }
        }
        if let Some(f) = &self.field {
            if !s.is_empty() {
                s.push(if self.section == "line" { ' ' } else { '.' });
            }
            s.push_str(f);
        }
        s
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.location();
        if loc.is_empty() { write!(f, "{}", self.message) } else { write!(f, "{loc}: {}", self.message) }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct IngestReport {
    /// Path or URL the document came from.
    pub origin: String,
    pub source_id: Option<String>,
    /// `Some` when the whole document was refused (not JSON, bad header, unreadable).
    pub fatal: Option<String>,
    /// Rows accepted per section, sorted by section name.
    pub accepted: BTreeMap<String, usize>,
    /// Rows rejected (not loaded).
    pub rejected: Vec<Issue>,
    /// Rows loaded, but with something a person should know (e.g. a correction).
    pub warnings: Vec<Issue>,
}

impl IngestReport {
    pub fn new(origin: impl Into<String>) -> Self {
        IngestReport { origin: origin.into(), ..Default::default() }
    }

    pub fn fatal(origin: impl Into<String>, message: impl Into<String>) -> Self {
        IngestReport { origin: origin.into(), fatal: Some(message.into()), ..Default::default() }
    }

    pub fn accept(&mut self, section: &str) {
        *self.accepted.entry(section.to_owned()).or_default() += 1;
    }

    pub fn total_accepted(&self) -> usize {
        self.accepted.values().sum()
    }

    /// Whether anything usable came out of the document.
    pub fn usable(&self) -> bool {
        self.fatal.is_none() && self.total_accepted() > 0
    }

    /// A one-line summary for the board's status area.
    pub fn summary(&self) -> String {
        if let Some(f) = &self.fatal {
            return format!("{}: refused: {f}", self.origin);
        }
        format!(
            "{}: {} rows accepted, {} rejected, {} warnings",
            self.origin,
            self.total_accepted(),
            self.rejected.len(),
            self.warnings.len()
        )
    }

    /// The full human-readable report, listing at most `limit` issues of each kind.
    pub fn render(&self, limit: usize) -> String {
        let mut s = String::new();
        s.push_str(&format!("{}\n", self.origin));
        if let Some(id) = &self.source_id {
            s.push_str(&format!("  source: {id}\n"));
        }
        if let Some(f) = &self.fatal {
            s.push_str(&format!("  REFUSED: {f}\n"));
            return s;
        }
        if self.accepted.is_empty() {
            s.push_str("  accepted: nothing\n");
        } else {
            let parts: Vec<String> = self.accepted.iter().map(|(k, v)| format!("{k} {v}")).collect();
            s.push_str(&format!("  accepted: {}\n", parts.join(", ")));
        }
        for (title, list) in [("rejected", &self.rejected), ("warnings", &self.warnings)] {
            if list.is_empty() {
                continue;
            }
            s.push_str(&format!("  {title}: {}\n", list.len()));
            for issue in list.iter().take(limit) {
                s.push_str(&format!("    {issue}\n"));
            }
            if list.len() > limit {
                s.push_str(&format!("    … and {} more\n", list.len() - limit));
            }
        }
        s
    }
}
