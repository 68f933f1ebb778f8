//! Feed sources: a file (feed JSON or long CSV), a folder of such files, or an HTTP(S) URL.
//! Loading is blocking and meant for a background thread (the board) or the CLI.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::csv_import::{CsvLimits, import_long_csv_with, looks_like_long_csv};
use super::document::{FeedDocument, ingest_document_refs};
use super::ingest_report::IngestReport;
use crate::model::{Dataset, DatasetBuilder, RegionRegistry};

/// Largest file or HTTP body we read (a feed this large is a mistake or an attack).
pub const MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedSource {
    Path(PathBuf),
    Url(String),
}

impl FeedSource {
    /// `http://` or `https://` makes a URL source; anything else is a path.
    pub fn parse(arg: &str) -> FeedSource {
        let lower = arg.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            FeedSource::Url(arg.to_owned())
        } else {
            FeedSource::Path(PathBuf::from(arg))
        }
    }

    pub fn describe(&self) -> String {
        match self {
            FeedSource::Path(p) => p.display().to_string(),
            FeedSource::Url(u) => u.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}: cannot read: {1}")]
    Io(String, std::io::Error),
    #[error("{0}: larger than the {1} MB limit")]
    TooLarge(String, u64),
    #[error("{0}: {1}")]
    Http(String, String),
    #[error("{0}: not UTF-8 text")]
    NotText(String),
    #[error("{0}: the folder holds no .json or .csv files")]
    EmptyFolder(String),
}

/// The result of loading sources: the merged dataset and one report per document.
#[derive(Debug)]
pub struct LoadOutcome {
    pub dataset: Dataset,
    pub reports: Vec<IngestReport>,
}

impl LoadOutcome {
    /// Whether at least one document gave usable rows.
    pub fn usable(&self) -> bool {
        self.reports.iter().any(IngestReport::usable)
    }

    /// Whether anything was refused, rejected or flagged.
    pub fn has_problems(&self) -> bool {
        self.reports.iter().any(|r| r.fatal.is_some() || !r.rejected.is_empty())
    }
}

/// Read every source, validate, and merge into one dataset over the given registry (CSV
/// files within the default [`CsvLimits`]).
pub fn load_sources(sources: &[FeedSource], registry: RegionRegistry) -> LoadOutcome {
    load_sources_with(sources, registry, CsvLimits::default())
}

/// [`load_sources`] with the settings' limits on CSV files.
pub fn load_sources_with(sources: &[FeedSource], registry: RegionRegistry, limits: CsvLimits) -> LoadOutcome {
    let mut texts: Vec<(String, Result<String, String>)> = Vec::new();
    for s in sources {
        match s {
            FeedSource::Path(p) => read_path(p, &mut texts),
            FeedSource::Url(u) => texts.push((u.clone(), fetch_url(u).map_err(|e| e.to_string()))),
        }
    }
    let mut refused = Vec::new();
    let mut items = Vec::new();
    for (origin, parsed) in recognise_all(texts) {
        match parsed {
            Ok(item) => items.push(item),
            Err(e) => refused.push(IngestReport::fatal(origin, e)),
        }
    }
    let refs: Vec<&SourceText> = items.iter().collect();
    merge_with(registry, &refs, refused, limits)
}

/// The text of one document, recognised as a feed document (header checked) or a long CSV.
#[derive(Debug)]
pub enum SourceText {
    Feed(FeedDocument),
    Csv { origin: String, text: String },
}

impl SourceText {
    /// The document's `as_of` and `generated_at` (a CSV has neither).
    /// A feed document's text, shared (a CSV's is not kept apart from it).
    pub fn feed_text(&self) -> Option<&std::sync::Arc<String>> {
        match self {
            SourceText::Feed(d) => Some(d.text()),
            SourceText::Csv { .. } => None,
        }
    }

    pub fn times(&self) -> (Option<chrono::DateTime<chrono::Utc>>, Option<chrono::DateTime<chrono::Utc>>) {
        match self {
            SourceText::Feed(d) => (Some(d.as_of), Some(d.generated_at)),
            SourceText::Csv { .. } => (None, None),
        }
    }
}

/// Recognise a text: a `.csv` name or CSV-looking text is a long CSV, anything else must
/// be a feed document with a valid header (else the error says where it is wrong).
pub fn recognise(origin: &str, text: String) -> Result<SourceText, String> {
    let _span = tracing::debug_span!("parse", origin, bytes = text.len()).entered();
    let is_csv = origin.to_ascii_lowercase().ends_with(".csv")
        || (!text.trim_start_matches('\u{feff}').trim_start().starts_with('{') && looks_like_long_csv(&text));
    if is_csv {
        Ok(SourceText::Csv { origin: origin.to_owned(), text })
    } else {
        FeedDocument::parse_owned(text, origin).map(SourceText::Feed)
    }
}

/// [`recognise`] every text, the large ones each on a thread of its own (parsing is most of
/// the start-up on the demo: its documents are independent, and the parse trees are all held
/// until the merge either way). The results keep the order of `texts`.
pub fn recognise_all(texts: Vec<(String, Result<String, String>)>) -> Vec<(String, Result<SourceText, String>)> {
    /// A text smaller than this is parsed on the calling thread (a thread costs more).
    const OWN_THREAD_BYTES: usize = 256 * 1024;
    std::thread::scope(|scope| {
        let jobs: Vec<_> = texts
            .into_iter()
            .map(|(origin, text)| match text {
                Ok(t) if t.len() >= OWN_THREAD_BYTES => {
                    let o = origin.clone();
                    let spawned = std::thread::Builder::new()
                        .name("sitboard-parse".into())
                        .spawn_scoped(scope, move || recognise(&o, t));
                    match spawned {
                        Ok(handle) => (origin, Err(handle)),
                        // No thread to be had: the text went with the failed spawn, so say so.
                        Err(e) => (origin, Ok(Err(format!("cannot start a parser thread: {e}")))),
                    }
                }
                Ok(t) => {
                    let r = recognise(&origin, t);
                    (origin, Ok(r))
                }
                Err(e) => (origin, Ok(Err(e))),
            })
            .collect();
        jobs.into_iter()
            .map(|(origin, job)| {
                let r = match job {
                    Ok(r) => r,
                    // A parser that panicked is a bug: let it show as one.
                    Err(handle) => handle.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                };
                (origin, r)
            })
            .collect()
    })
}

/// Validate and merge recognised documents into one dataset (newer `as_of` wins per key);
/// `reports` (e.g. of refused documents) come first in the outcome.
pub fn merge(registry: RegionRegistry, items: &[&SourceText], reports: Vec<IngestReport>) -> LoadOutcome {
    merge_with(registry, items, reports, CsvLimits::default())
}

/// [`merge`] with the settings' limits on CSV files.
pub fn merge_with(
    registry: RegionRegistry,
    items: &[&SourceText],
    mut reports: Vec<IngestReport>,
    limits: CsvLimits,
) -> LoadOutcome {
    let _span = tracing::debug_span!("ingest", documents = items.len()).entered();
    let mut builder = DatasetBuilder::new(registry);
    let docs: Vec<&FeedDocument> = items
        .iter()
        .filter_map(|i| match i {
            SourceText::Feed(d) => Some(d),
            SourceText::Csv { .. } => None,
        })
        .collect();
    reports.extend(ingest_document_refs(&docs, &mut builder));
    for item in items {
        if let SourceText::Csv { origin, text } = item {
            let id = csv_source_id(origin);
            reports.push(import_long_csv_with(text, origin, &id, &mut builder, limits));
        }
    }
    let dataset = {
        let _span = tracing::debug_span!("dataset index").entered();
        builder.build()
    };
    if let Some(r) = overflow_report(&dataset) {
        reports.push(r);
    }
    LoadOutcome { dataset, reports }
}

/// What the board calls the figures it sums from subregions, in a report.
pub const SUMS_ORIGIN: &str = "sums over subregions";

/// A report of the sums over subregions too large to be a count (left unknown), if any.
fn overflow_report(dataset: &Dataset) -> Option<IngestReport> {
    let list = dataset.sum_overflows();
    if list.is_empty() {
        return None;
    }
    let mut r = IngestReport::new(SUMS_ORIGIN);
    for o in list {
        r.rejected.push(super::Issue::document(format!(
            "{} ({}) {}: {} sums to {}, more than a count can be (4,294,967,295); left unknown",
            dataset.registry.name(o.region, false),
            o.region,
            o.date,
            o.field,
            o.total
        )));
    }
    Some(r)
}

fn csv_source_id(origin: &str) -> String {
    let stem = Path::new(origin).file_stem().and_then(|s| s.to_str()).unwrap_or("csv");
    let clean: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    format!("csv-{clean}")
}

/// Read a file, or every `.json` and `.csv` file of a folder (sorted by name), as text.
pub fn read_path(p: &Path, out: &mut Vec<(String, Result<String, String>)>) {
    let origin = p.display().to_string();
    if p.is_dir() {
        let entries = match std::fs::read_dir(p) {
            Ok(e) => e,
            Err(e) => {
                out.push((origin.clone(), Err(LoadError::Io(origin, e).to_string())));
                return;
            }
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|f| {
                f.is_file()
                    && f.extension()
                        .and_then(|x| x.to_str())
                        .is_some_and(|x| x.eq_ignore_ascii_case("json") || x.eq_ignore_ascii_case("csv"))
            })
            .collect();
        files.sort();
        if files.is_empty() {
            out.push((origin.clone(), Err(LoadError::EmptyFolder(origin).to_string())));
        }
        for f in files {
            let o = f.display().to_string();
            out.push((o, read_file(&f).map_err(|e| e.to_string())));
        }
    } else {
        out.push((origin, read_file(p).map_err(|e| e.to_string())));
    }
}

pub fn read_file(p: &Path) -> Result<String, LoadError> {
    let origin = p.display().to_string();
    let _span = tracing::debug_span!("read", origin).entered();
    let file = std::fs::File::open(p).map_err(|e| LoadError::Io(origin.clone(), e))?;
    let mut bytes = Vec::new();
    file.take(MAX_BODY_BYTES + 1).read_to_end(&mut bytes).map_err(|e| LoadError::Io(origin.clone(), e))?;
    if bytes.len() as u64 > MAX_BODY_BYTES {
        return Err(LoadError::TooLarge(origin, MAX_BODY_BYTES / (1024 * 1024)));
    }
    String::from_utf8(bytes).map_err(|_| LoadError::NotText(origin))
}

/// Fetch a URL: connect timeout 5 s, total 30 s, body at most [`MAX_BODY_BYTES`].
pub fn fetch_url(url: &str) -> Result<String, LoadError> {
    let http = |m: String| LoadError::Http(url.to_owned(), m);
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("sitboard/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| http(format!("cannot start an HTTP client: {e}")))?;
    let resp = client.get(url).send().map_err(|e| http(describe_reqwest(&e)))?;
    let status = resp.status();
    if !status.is_success() {
        return Err(http(format!("the server answered {status}")));
    }
    if let Some(len) = resp.content_length()
        && len > MAX_BODY_BYTES
    {
        return Err(LoadError::TooLarge(url.to_owned(), MAX_BODY_BYTES / (1024 * 1024)));
    }
    let mut bytes = Vec::new();
    resp.take(MAX_BODY_BYTES + 1).read_to_end(&mut bytes).map_err(|e| http(format!("reading the body failed: {e}")))?;
    if bytes.len() as u64 > MAX_BODY_BYTES {
        return Err(LoadError::TooLarge(url.to_owned(), MAX_BODY_BYTES / (1024 * 1024)));
    }
    String::from_utf8(bytes).map_err(|_| LoadError::NotText(url.to_owned()))
}

fn describe_reqwest(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        format!("cannot connect ({e})")
    } else {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(id: &str, padding: usize) -> String {
        format!(
            r#"{{"schema": "sitboard.feed/1", "source": {{"id": "{id}", "name": "Test"}},
              "generated_at": "2020-03-04T02:00:00Z", "as_of": "2020-03-03T16:00:00Z",
              "case_reports": [{{"region": "230000", "date": "2020-03-03", "active": 95}}],
              "unknown_section": "{}"}}"#,
            "x".repeat(padding)
        )
    }

    /// Large texts are parsed on threads of their own; the results keep the texts' order,
    /// and each failure stays with its own text.
    #[test]
    fn recognise_all_keeps_the_order_and_each_texts_error() {
        let big = 600 * 1024;
        let texts = vec![
            ("a.json".to_owned(), Ok(feed("big-a", big))),
            ("b.json".to_owned(), Ok("{ not json".to_owned())),
            ("c.json".to_owned(), Err("c.json: cannot read: denied".to_owned())),
            ("d.json".to_owned(), Ok(feed("small-d", 10))),
            ("e.json".to_owned(), Ok(format!("{{\"x\": \"{}\",", "y".repeat(big)))),
            ("f.json".to_owned(), Ok(feed("big-f", big))),
        ];
        let out = recognise_all(texts);
        let origins: Vec<&str> = out.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(origins, ["a.json", "b.json", "c.json", "d.json", "e.json", "f.json"]);
        let id = |i: usize| match &out[i].1 {
            Ok(SourceText::Feed(d)) => d.info.id.clone(),
            other => panic!("{i}: {other:?}"),
        };
        assert_eq!((id(0), id(3), id(5)), ("big-a".to_owned(), "small-d".to_owned(), "big-f".to_owned()));
        let err = |i: usize| out[i].1.as_ref().err().cloned().unwrap_or_default();
        assert!(err(1).starts_with("not valid JSON at line 1"), "{}", err(1));
        assert_eq!(err(2), "c.json: cannot read: denied");
        assert!(err(4).contains("ends too early"), "{}", err(4));
    }
}
