//! Exports of directives: the list and one directive's history, as CSV (for spreadsheets)
//! and as a printable HTML page. Pure text generation (the caller writes the file, off the UI
//! thread). Every text is escaped: HTML special characters always, and CSV cells that a
//! spreadsheet would read as a formula.

use chrono::{DateTime, Utc};

use crate::i18n::Tr;
use crate::model::journal::DirectiveRecord;
use crate::model::time::format_local;
use crate::model::{Directive, RegionRegistry};

/// One row of an exported list: a directive and whether it was logged here.
pub struct ListRow<'a> {
    pub directive: &'a Directive,
    pub logged: bool,
    /// Units that acknowledged it (logged directives).
    pub acknowledgments: usize,
}

fn scope_text(d: &Directive, registry: Option<&RegionRegistry>, en: bool) -> String {
    d.content
        .scope
        .iter()
        .map(|c| match registry.and_then(|r| r.get(*c)) {
            Some(_) => format!("{} {c}", registry.map(|r| r.name(*c, en)).unwrap_or_default()),
            None => c.to_string(),
        })
        .collect::<Vec<_>>()
        .join(if en { "; " } else { "；" })
}

fn until_text(d: &Directive, tr: &Tr) -> String {
    d.content.effective_until.map(format_local).unwrap_or_else(|| tr.journal.until_lifted.to_owned())
}

/// A CSV cell a spreadsheet will not run: a leading `=`, `+`, `-` or `@` gets a `'`.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() }
}

fn csv_text(rows: Vec<Vec<String>>) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for r in rows {
        // Writing to memory cannot fail for strings; a failure would only drop the row.
        let _ = w.write_record(r.iter().map(|c| cell(c)));
    }
    let bytes = w.into_inner().unwrap_or_default();
    // With a byte order mark, spreadsheet programs read the Chinese text as UTF-8.
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

fn list_header(tr: &Tr) -> Vec<String> {
    let j = &tr.journal;
    [
        j.number,
        j.issuer,
        j.title,
        j.category,
        j.status,
        j.priority,
        j.scope_label,
        tr.journal.issued,
        j.from,
        j.until,
        j.col_source,
        j.acknowledgments,
        j.body,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn list_cells(row: &ListRow<'_>, tr: &Tr, registry: Option<&RegionRegistry>, en: bool) -> Vec<String> {
    let d = row.directive;
    let j = &tr.journal;
    vec![
        d.content.number.clone(),
        d.content.issuer.clone(),
        d.content.title.clone(),
        tr.journal.directive_category(d.content.category).to_owned(),
        j.status(d.status).to_owned(),
        j.priority(d.content.priority).to_owned(),
        scope_text(d, registry, en),
        format_local(d.issued_at),
        d.content.effective_from.map(format_local).unwrap_or_else(|| j.on_issue.to_owned()),
        until_text(d, tr),
        if row.logged { j.badge_local.to_owned() } else { format!("{} {}", j.badge_feed, d.source) },
        if row.logged { row.acknowledgments.to_string() } else { String::new() },
        d.content.body.clone(),
    ]
}

/// The directive list as CSV (UTF-8 with a byte order mark, CRLF lines).
pub fn list_csv(rows: &[ListRow<'_>], tr: &Tr, registry: Option<&RegionRegistry>, en: bool) -> String {
    let mut out = vec![list_header(tr)];
    out.extend(rows.iter().map(|r| list_cells(r, tr, registry, en)));
    csv_text(out)
}

fn history_header(tr: &Tr) -> Vec<String> {
    let j = &tr.journal;
    [j.col_seq, j.col_time, j.col_event, j.col_officer, j.col_detail, j.col_hash, "prev_hash"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
}

fn event_detail(e: &crate::model::journal::JournalEvent, tr: &Tr) -> String {
    tr.journal.event_detail(e)
}

/// One directive's history as CSV: every event with its time, officer and hash.
pub fn history_csv(record: &DirectiveRecord, tr: &Tr) -> String {
    let mut out = vec![history_header(tr)];
    out.extend(history_rows(record, tr));
    csv_text(out)
}

/// One row per event, in the columns of `history_header`: shared by the CSV and the HTML page.
fn history_rows(record: &DirectiveRecord, tr: &Tr) -> Vec<Vec<String>> {
    record
        .events
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                format_local(e.at),
                tr.journal.event(e.event.kind).to_owned(),
                e.event.officer.clone(),
                event_detail(e, tr),
                e.hash.clone(),
                e.prev_hash.clone(),
            ]
        })
        .collect()
}

/// Escape text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, en: bool, generated: DateTime<Utc>, tr: &Tr, body: &str) -> String {
    let lang = if en { "en" } else { "zh-CN" };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{t}</title>\n<style>\n\
         body {{ font-family: \"Noto Sans CJK SC\", \"Microsoft YaHei\", sans-serif; margin: 2em; color: #111; }}\n\
         h1 {{ font-size: 1.4em; }} table {{ border-collapse: collapse; width: 100%; }}\n\
         th, td {{ border: 1px solid #888; padding: 4px 6px; vertical-align: top; text-align: left; font-size: 0.9em; }}\n\
         th {{ background: #eee; }} .body {{ white-space: pre-wrap; }} .hash {{ font-family: monospace; font-size: 0.75em; }}\n\
         .meta {{ color: #555; }} @media print {{ body {{ margin: 0; }} }}\n\
         </style>\n</head>\n<body>\n<h1>{t}</h1>\n<p class=\"meta\">{g} {time}</p>\n{body}</body>\n</html>\n",
        t = escape_html(title),
        g = escape_html(tr.journal.generated),
        time = escape_html(&format_local(generated)),
    )
}

fn table(header: &[String], rows: &[Vec<String>], body_col: Option<usize>, hash_cols: &[usize]) -> String {
    let mut s = String::from("<table>\n<thead><tr>");
    for h in header {
        s.push_str(&format!("<th>{}</th>", escape_html(h)));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        s.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if Some(i) == body_col {
                " class=\"body\""
            } else if hash_cols.contains(&i) {
                " class=\"hash\""
            } else {
                ""
            };
            s.push_str(&format!("<td{class}>{}</td>", escape_html(c)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// The directive list as a printable HTML page.
pub fn list_html(
    rows: &[ListRow<'_>],
    tr: &Tr,
    registry: Option<&RegionRegistry>,
    en: bool,
    generated: DateTime<Utc>,
) -> String {
    let header = list_header(tr);
    let cells: Vec<Vec<String>> = rows.iter().map(|r| list_cells(r, tr, registry, en)).collect();
    let mut body = format!("<p>{}</p>\n", escape_html(&tr.journal.n_directives(rows.len())));
    body.push_str(&table(&header, &cells, Some(header.len() - 1), &[]));
    page(tr.journal.list_title, en, generated, tr, &body)
}

/// One directive and its full history as a printable HTML page.
pub fn history_html(
    record: &DirectiveRecord,
    tr: &Tr,
    registry: Option<&RegionRegistry>,
    en: bool,
    generated: DateTime<Utc>,
) -> String {
    let d = &record.directive;
    let row = ListRow { directive: d, logged: true, acknowledgments: record.acknowledgments.len() };
    let header = list_header(tr);
    let cells = list_cells(&row, tr, registry, en);
    let mut body = String::from("<table>\n<tbody>\n");
    for (h, c) in header.iter().zip(cells.iter()) {
        let class = if h == tr.journal.body { " class=\"body\"" } else { "" };
        body.push_str(&format!("<tr><th>{}</th><td{class}>{}</td></tr>\n", escape_html(h), escape_html(c)));
    }
    body.push_str("</tbody>\n</table>\n");
    body.push_str(&format!("<h2>{}</h2>\n", escape_html(tr.journal.history)));
    let rows = history_rows(record, tr);
    body.push_str(&table(&history_header(tr), &rows, Some(4), &[5, 6]));
    let title = format!("{} · {} {}", tr.journal.history_title, d.content.number, d.content.title);
    page(&title, en, generated, tr, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_and_formula_escaping() {
        assert_eq!(
            escape_html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("绥指公4号"), "绥指公4号");
    }
}
