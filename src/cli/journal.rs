//! `sitboard journal`: the directive journal from the command line, through the same code as
//! the Directives panel: the same checks with the same messages, the same store, the same
//! exports. Nothing is written unless the input passes every check.

use super::out::outln;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Utc;
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use crate::export::{self, ListRow};
use crate::feed::{self, FeedSource};
use crate::hub_client::{HubTarget, client, push_pending};
use crate::i18n::Tr;
use crate::model::journal::Stamp;
use crate::model::journal::{
    DirectiveContent, DirectiveRecord, DraftInput, EventKind, Journal, JournalEvent, NewEvent, Prepare, Problem,
};
use crate::model::time::format_local;
use crate::model::{Adcode, Directive, DirectiveCategory, Priority, RegionRegistry};
use crate::settings::Settings;
use crate::store::journal::{JournalKind, JournalStore, StoreError, journal_path_of};

const CATEGORIES: [&str; 6] = ["traffic_control", "residential_control", "testing", "reopening", "supplies", "other"];

#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Issue a directive: in force from now (or from --from) until --until or until lifted.
    Issue(DirectiveArgs),
    /// Record a draft (not in force until issued from the board).
    Draft(DirectiveArgs),
    /// A unit acknowledges a directive (--unit).
    Ack(ActionArgs),
    /// Lift a directive: it ends now (--reason).
    Lift(ActionArgs),
    /// Revoke a directive: it is annulled (--reason).
    Revoke(ActionArgs),
    /// List the directives of the journal.
    List {
        /// Only those in force now.
        #[arg(long)]
        in_force: bool,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print a directive's full history (every event, with its hash).
    History {
        /// The directive's number, e.g. 绥指公4号.
        number: String,
        /// The issuing body, when several use the same number.
        #[arg(long)]
        issuer: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Export the directive list (or, with --number, one directive's history) to CSV or to a
    /// printable HTML page.
    Export {
        /// Write CSV to this file.
        #[arg(long, value_name = "PATH", required_unless_present = "html", conflicts_with = "html")]
        csv: Option<PathBuf>,
        /// Write an HTML page to this file.
        #[arg(long, value_name = "PATH")]
        html: Option<PathBuf>,
        /// Export this directive's history instead of the list.
        #[arg(long)]
        number: Option<String>,
        /// The issuing body, when several use the same number.
        #[arg(long)]
        issuer: Option<String>,
    },
    /// Push the events not yet on the hub (--hub URL --token TOKEN) to it, in order. Exits 1
    /// while some stay queued (the hub is unreachable or refuses the token).
    Sync,
    /// Check the hash chain of every event. Exits 1 and names the first bad event when the
    /// journal was changed outside Sitboard.
    Verify,
    /// Test support: issue one directive, then acknowledge it COUNT times, printing
    /// `saved SEQ HASH` after each durable write.
    #[command(hide = true)]
    Soak {
        #[arg(long)]
        count: u64,
        #[arg(long)]
        tag: String,
    },
}

#[derive(Debug, Args)]
pub struct DirectiveArgs {
    /// Number, unique per issuing body, e.g. 绥指公4号.
    #[arg(long, default_value = "")]
    pub number: String,
    #[arg(long, default_value = "")]
    pub title: String,
    #[arg(long, default_value = "")]
    pub body: String,
    /// Region codes, comma-separated, e.g. 231202,230100.
    #[arg(long, value_name = "ADCODE[,…]", default_value = "")]
    pub scope: String,
    /// Officer name or ID recorded with the event.
    #[arg(long, default_value = "")]
    pub officer: String,
    /// Issuing body (default: the last one used in the journal).
    #[arg(long)]
    pub issuer: Option<String>,
    /// Effective from: RFC 3339 or `YYYY-MM-DD HH:MM` (Beijing time).
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Effective until: RFC 3339 or `YYYY-MM-DD HH:MM` (Beijing time).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    #[arg(long, default_value = "other", value_parser = CATEGORIES)]
    pub category: String,
    #[arg(long, default_value = "normal", value_parser = ["normal", "high", "urgent"])]
    pub priority: String,
}

#[derive(Debug, Args)]
pub struct ActionArgs {
    /// The directive's number.
    pub number: String,
    /// Officer name or ID recorded with the event.
    #[arg(long, default_value = "")]
    pub officer: String,
    /// Why it is lifted or revoked.
    #[arg(long, default_value = "")]
    pub reason: String,
    /// The acknowledging unit.
    #[arg(long, default_value = "")]
    pub unit: String,
    /// The issuing body, when several use the same number.
    #[arg(long)]
    pub issuer: Option<String>,
}

/// Which journal a command works on: the real one, or (`--exercise`) the exercise (演练)
/// journal beside it, whose writes carry the exercise clock (`--exercise-at`).
pub struct Place {
    pub dir: PathBuf,
    pub kind: JournalKind,
    pub exercise_at: Option<chrono::DateTime<Utc>>,
}

impl Place {
    fn path(&self) -> PathBuf {
        journal_path_of(&self.dir, self.kind)
    }

    fn open(&self, create: bool) -> Result<JournalStore, StoreError> {
        JournalStore::open_kind(&self.path(), create, self.kind)
    }

    /// "Now" for a list's "in force": the wall clock for the real journal; for an exercise
    /// journal the exercise clock given, else the newest record's.
    fn now(&self, journal: &Journal) -> chrono::DateTime<Utc> {
        match self.kind {
            JournalKind::Real => Utc::now(),
            JournalKind::Exercise => self.exercise_at.unwrap_or_else(|| {
                journal
                    .records()
                    .iter()
                    .flat_map(|r| r.events.iter().map(JournalEvent::effective_at))
                    .max()
                    .unwrap_or_else(Utc::now)
            }),
        }
    }

    /// How a write made `now` is stamped: an exercise record carries the exercise clock.
    fn stamp(&self, now: chrono::DateTime<Utc>) -> Result<Stamp, Vec<String>> {
        match (self.kind, self.exercise_at) {
            (JournalKind::Real, _) => Ok(Stamp::real(now)),
            (JournalKind::Exercise, Some(t)) => Ok(Stamp::exercise(now, t)),
            (JournalKind::Exercise, None) => Err(vec![
                "an exercise record needs the exercise clock: give --exercise-at TIME (RFC 3339 or \
                 `YYYY-MM-DD HH:MM`, Beijing time)"
                    .into(),
            ]),
        }
    }
}

/// Run a journal command on the journal of the settings' data dir: the real one, or the
/// exercise journal with `exercise` (writes stamped with `exercise_at`, the exercise clock).
pub fn run(settings: &Settings, cmd: &JournalCommand, exercise: bool, exercise_at: Option<&str>) -> ExitCode {
    let tr = settings.lang.tr();
    let Some(data_dir) = settings.data_dir.clone() else {
        eprintln!("error: no data dir on this system: give --data-dir DIR");
        return ExitCode::from(2);
    };
    let exercise_at = match exercise_at.map(|t| (t, crate::model::time::parse_time_input(t))) {
        None => None,
        Some((_, Some(t))) => Some(t),
        Some((text, None)) => {
            eprintln!("error: --exercise-at {text:?}: not a time (use RFC 3339 or `YYYY-MM-DD HH:MM`, Beijing time)");
            return ExitCode::from(2);
        }
    };
    let kind = if exercise || exercise_at.is_some() { JournalKind::Exercise } else { JournalKind::Real };
    let dir = Place { dir: data_dir, kind, exercise_at };
    let result = match cmd {
        JournalCommand::Issue(a) => create(settings, &dir, a, true, tr),
        JournalCommand::Draft(a) => create(settings, &dir, a, false, tr),
        JournalCommand::Ack(a) => action(&dir, a, EventKind::Acknowledged, &a.unit, tr),
        JournalCommand::Lift(a) => action(&dir, a, EventKind::Lifted, &a.reason, tr),
        JournalCommand::Revoke(a) => action(&dir, a, EventKind::Revoked, &a.reason, tr),
        JournalCommand::List { in_force, json } => list(settings, &dir, *in_force, *json, tr),
        JournalCommand::History { number, issuer, json } => history(&dir, number, issuer.as_deref(), *json, tr),
        JournalCommand::Export { csv, html, number, issuer } => {
            export_cmd(settings, &dir, csv.as_deref(), html.as_deref(), number.as_deref(), issuer.as_deref(), tr)
        }
        JournalCommand::Verify => verify(&dir, tr),
        JournalCommand::Sync => match &settings.hub {
            Some(hub) => Ok(if push_and_report(&dir, hub, tr) { ExitCode::SUCCESS } else { ExitCode::FAILURE }),
            None => Err(vec![
                "no hub to push to: give --hub URL --token TOKEN (or hub and hub_token in sitboard.toml)".into(),
            ]),
        },
        JournalCommand::Soak { count, tag } => soak(&dir, *count, tag),
    };
    // Saved locally first (the outbox); then, with a hub, pushed — or queued when offline.
    let wrote = matches!(
        cmd,
        JournalCommand::Issue(_)
            | JournalCommand::Draft(_)
            | JournalCommand::Ack(_)
            | JournalCommand::Lift(_)
            | JournalCommand::Revoke(_)
    );
    if wrote
        && result.is_ok()
        && let Some(hub) = &settings.hub
    {
        push_and_report(&dir, hub, tr);
    }
    match result {
        Ok(code) => code,
        Err(msgs) => {
            for m in msgs {
                eprintln!("error: {m}");
            }
            ExitCode::from(2)
        }
    }
}

type CmdResult = Result<ExitCode, Vec<String>>;

fn store_error(e: StoreError, tr: &Tr) -> Vec<String> {
    match e {
        StoreError::Rejected(p) => vec![tr.journal.problem(&p)],
        e => vec![e.to_string()],
    }
}

fn problems(ps: Vec<Problem>, tr: &Tr) -> Vec<String> {
    ps.iter().map(|p| tr.journal.problem(p)).collect()
}

/// Open an existing journal (reading commands never create one).
fn open_existing(dir: &Place, tr: &Tr) -> Result<JournalStore, Vec<String>> {
    dir.open(false).map_err(|e| store_error(e, tr))
}

/// The region registry and the directives of the local feeds (their numbers are taken).
/// URL sources are not fetched: the journal must work offline.
/// The region registry and the directives of the file sources (numbers must be unique
/// across the journal and the feeds; URL sources are not fetched for a journal command).
fn registry_and_feed(settings: &Settings) -> Result<(RegionRegistry, Vec<Directive>), Vec<String>> {
    let files: Vec<FeedSource> = settings.file_sources().into_iter().map(FeedSource::Path).collect();
    let outcome = feed::load(&files, settings.regions.as_deref(), settings.csv_limits).map_err(|e| vec![e])?;
    let directives = outcome.dataset.directives().to_vec();
    Ok((outcome.dataset.registry, directives))
}

fn create(settings: &Settings, dir: &Place, a: &DirectiveArgs, issue: bool, tr: &Tr) -> CmdResult {
    let (registry, feed) = registry_and_feed(settings)?;
    // Check against the journal as it is, creating nothing until the input passes.
    let journal = load_journal(dir, tr)?.unwrap_or_default();
    let input = DraftInput {
        number: a.number.clone(),
        issuer: a.issuer.clone().unwrap_or_else(|| journal.default_issuer()),
        title: a.title.clone(),
        body: a.body.clone(),
        category: DirectiveCategory::parse(&a.category).unwrap_or(DirectiveCategory::Other),
        priority: Priority::parse(&a.priority).unwrap_or(Priority::Normal),
        scope: a.scope.clone(),
        from: a.from.clone().unwrap_or_default(),
        until: a.until.clone().unwrap_or_default(),
    };
    let now = Utc::now();
    let prep = Prepare { journal: &journal, registry: &registry, feed: &feed, now };
    let event = prep.create(&input, &a.officer, issue).map_err(|ps| problems(ps, tr))?;
    // The store checks the lifecycle again under its write lock (another process may have
    // written the same number meanwhile).
    let stamp = dir.stamp(now)?;
    let mut store = dir.open(true).map_err(|e| store_error(e, tr))?;
    let saved = store.append(event, stamp).map_err(|e| store_error(e, tr))?;
    print_saved(&saved, tr);
    Ok(ExitCode::SUCCESS)
}

fn print_saved(ev: &JournalEvent, tr: &Tr) {
    outln!("{} · {} · {}", tr.journal.saved(ev.seq, ev.event.kind, &ev.event.number), format_local(ev.at), ev.hash);
}

fn action(dir: &Place, a: &ActionArgs, kind: EventKind, text: &str, tr: &Tr) -> CmdResult {
    let mut store = open_existing(dir, tr)?;
    let journal = store.load().map_err(|e| store_error(e, tr))?;
    let record = journal.find(&a.number, a.issuer.as_deref()).map_err(|p| vec![tr.journal.problem(&p)])?;
    let registry = RegionRegistry::default();
    let now = Utc::now();
    let prep = Prepare { journal: &journal, registry: &registry, feed: &[], now };
    let event = prep.action(record, kind, &a.officer, text).map_err(|ps| problems(ps, tr))?;
    let saved = store.append(event, dir.stamp(now)?).map_err(|e| store_error(e, tr))?;
    print_saved(&saved, tr);
    Ok(ExitCode::SUCCESS)
}

fn load_journal(dir: &Place, tr: &Tr) -> Result<Option<Journal>, Vec<String>> {
    match dir.open(false) {
        Ok(s) => s.load().map(Some).map_err(|e| store_error(e, tr)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(store_error(e, tr)),
    }
}

fn content_json(c: &DirectiveContent) -> Value {
    json!({
        "number": c.number,
        "issuer": c.issuer,
        "title": c.title,
        "body": c.body,
        "category": c.category.wire_name(),
        "scope": c.scope.iter().map(Adcode::to_string).collect::<Vec<_>>(),
        "effective_from": c.effective_from.map(|t| t.to_rfc3339()),
        "effective_until": c.effective_until.map(|t| t.to_rfc3339()),
        "priority": c.priority,
    })
}

fn event_json(e: &JournalEvent) -> Value {
    json!({
        "seq": e.seq,
        "at": e.at.to_rfc3339(),
        "exercise_at": e.exercise_at.map(|t| t.to_rfc3339()),
        "kind": e.event.kind.wire_name(),
        "officer": e.event.officer,
        "unit": e.event.unit,
        "reason": e.event.reason,
        "content": e.event.content.as_ref().map(content_json),
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    })
}

fn record_json(r: &DirectiveRecord, now: chrono::DateTime<Utc>) -> Value {
    let mut v = content_json(&r.content);
    v["exercise"] = json!(r.is_exercise());
    v["status"] = json!(r.status);
    v["in_force_now"] = json!(r.in_force_at(now));
    v["issued_at"] = json!(r.issued_at.map(|t| t.to_rfc3339()));
    v["ended_at"] = json!(r.ended.as_ref().map(|(t, _)| t.to_rfc3339()));
    v["end_reason"] = json!(r.ended.as_ref().map(|(_, reason)| reason));
    v["acknowledgments"] = r
        .acknowledgments
        .iter()
        .map(|a| json!({"unit": a.unit, "officer": a.officer, "at": a.at.to_rfc3339(), "seq": a.seq}))
        .collect();
    v["events"] = json!(r.events.len());
    v
}

fn list(settings: &Settings, dir: &Place, in_force: bool, as_json: bool, tr: &Tr) -> CmdResult {
    let j = &tr.journal;
    let journal = load_journal(dir, tr)?.unwrap_or_default();
    let now = dir.now(&journal);
    let records: Vec<&DirectiveRecord> = journal.records().iter().filter(|r| !in_force || r.in_force_at(now)).collect();
    // Exercise records are kept apart: the real list says how many there are and where.
    let exercises_elsewhere = match dir.kind {
        JournalKind::Real => {
            let other = Place { dir: dir.dir.clone(), kind: JournalKind::Exercise, exercise_at: None };
            load_journal(&other, tr).ok().flatten().map_or(0, |x| x.records().len())
        }
        JournalKind::Exercise => 0,
    };
    if as_json {
        let v: Vec<Value> = records.iter().map(|r| record_json(r, now)).collect();
        outln!("{}", serde_json::to_string_pretty(&v).map_err(|e| vec![e.to_string()])?);
        return Ok(ExitCode::SUCCESS);
    }
    if dir.kind == JournalKind::Exercise {
        outln!("{}", j.exercise_heading(&dir.path().display().to_string()));
    }
    if journal.event_count() == 0 {
        outln!("{}", j.nothing_logged);
        if exercises_elsewhere > 0 {
            outln!("{}", j.exercise_elsewhere(exercises_elsewhere));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let registry = settings.registry().ok();
    let en = settings.lang.is_en();
    for r in &records {
        let d = &r.directive;
        let scope: Vec<String> = d
            .content
            .scope
            .iter()
            .map(|c| registry.as_ref().map(|reg| reg.name(*c, en)).unwrap_or_else(|| c.to_string()))
            .collect();
        let when = match r.issued_at {
            Some(t) => format!("{} {}", tr.journal.issued, format_local(t)),
            None => format!("{} {}", j.drafted, format_local(r.created_at())),
        };
        let mut status = j.status(r.status).to_owned();
        if r.in_force_at(now) {
            status.push_str(" ●");
        }
        outln!(
            "{}  [{}]  {}  · {} · {} · {when}",
            d.content.number,
            status,
            d.content.title,
            d.content.issuer,
            scope.join(", ")
        );
    }
    outln!("{}", j.n_directives(records.len()));
    if exercises_elsewhere > 0 {
        outln!("{}", j.exercise_elsewhere(exercises_elsewhere));
    }
    Ok(ExitCode::SUCCESS)
}

fn find_record<'a>(
    journal: &'a Journal,
    number: &str,
    issuer: Option<&str>,
    tr: &Tr,
) -> Result<&'a DirectiveRecord, Vec<String>> {
    journal.find(number, issuer).map_err(|p| vec![tr.journal.problem(&p)])
}

fn history(dir: &Place, number: &str, issuer: Option<&str>, as_json: bool, tr: &Tr) -> CmdResult {
    let j = &tr.journal;
    let journal = load_journal(dir, tr)?.unwrap_or_default();
    let r = find_record(&journal, number, issuer, tr)?;
    if as_json {
        let mut v = record_json(r, dir.now(&journal));
        v["events"] = r.events.iter().map(event_json).collect();
        outln!("{}", serde_json::to_string_pretty(&v).map_err(|e| vec![e.to_string()])?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!("{} {} · {} · {}", r.number(), r.content.title, r.issuer(), j.status(r.status));
    for e in &r.events {
        let detail = j.event_detail(e);
        outln!(
            "  #{:<5} {}  {}  {}  {}  {}",
            e.seq,
            format_local(e.at),
            j.event(e.event.kind),
            e.event.officer,
            detail,
            e.hash.get(..16).unwrap_or(&e.hash)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn export_cmd(
    settings: &Settings,
    dir: &Place,
    csv: Option<&Path>,
    html: Option<&Path>,
    number: Option<&str>,
    issuer: Option<&str>,
    tr: &Tr,
) -> CmdResult {
    let journal = load_journal(dir, tr)?.unwrap_or_default();
    let registry = settings.registry().ok();
    let en = settings.lang.is_en();
    let now = Utc::now();
    let (path, contents) = match number {
        Some(n) => {
            let r = find_record(&journal, n, issuer, tr)?;
            match (csv, html) {
                (Some(p), _) => (p, export::history_csv(r, tr)),
                (None, Some(p)) => (p, export::history_html(r, tr, registry.as_ref(), en, now)),
                (None, None) => return Err(vec!["give --csv PATH or --html PATH".into()]),
            }
        }
        None => {
            let rows: Vec<ListRow<'_>> = journal
                .records()
                .iter()
                .map(|r| ListRow { directive: &r.directive, logged: true, acknowledgments: r.acknowledgments.len() })
                .collect();
            match (csv, html) {
                (Some(p), _) => (p, export::list_csv(&rows, tr, registry.as_ref(), en)),
                (None, Some(p)) => (p, export::list_html(&rows, tr, registry.as_ref(), en, now)),
                (None, None) => return Err(vec!["give --csv PATH or --html PATH".into()]),
            }
        }
    };
    export::write_file(path, contents.as_bytes()).map_err(|e| vec![e])?;
    outln!("{} {}", tr.journal.exported, path.display());
    Ok(ExitCode::SUCCESS)
}

/// Verify the journal, opened read-only: a copy under examination is never written to.
fn verify(dir: &Place, tr: &Tr) -> CmdResult {
    let j = &tr.journal;
    let store = JournalStore::open_read_only(&dir.path(), dir.kind).map_err(|e| store_error(e, tr))?;
    match store.verify().map_err(|e| store_error(e, tr))? {
        Ok(v) => {
            outln!("{}", j.verified_line(store.path(), v.events, &v.head));
            outln!("{}", j.verify_counts(v.events, v.recorded_head_seq));
            if store.is_wal_mode() && !store.has_wal() {
                outln!("{}", j.verify_no_wal);
            }
            match store.verify_exports().map_err(|e| store_error(e, tr))? {
                Ok(n) => {
                    outln!("{}", tr.export.exports_verified(n));
                    match store.verify_audit().map_err(|e| store_error(e, tr))? {
                        Ok(n) => {
                            outln!("{}", j.audit_verified(n));
                            Ok(ExitCode::SUCCESS)
                        }
                        Err(bad) => {
                            eprintln!("{}: {}: {}", j.verify_failed, store.path().display(), j.bad_audit(&bad));
                            Ok(ExitCode::FAILURE)
                        }
                    }
                }
                Err(bad) => {
                    eprintln!(
                        "{}: {}: {} {} ({}): {}",
                        j.verify_failed,
                        store.path().display(),
                        tr.export.export_word,
                        bad.seq,
                        bad.file,
                        bad.reason
                    );
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Err(bad) => {
            eprintln!("{}: {}: {}", j.verify_failed, store.path().display(), j.bad_event(&bad));
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Issue one directive, then acknowledge it `count` times; after each durable write print
/// `saved SEQ HASH` (what the kill and concurrency tests check against the journal).
fn soak(dir: &Place, count: u64, tag: &str) -> CmdResult {
    let err = |e: StoreError| vec![e.to_string()];
    let mut store = dir.open(true).map_err(err)?;
    let stamp_of = |now| dir.stamp(now);
    let number = format!("SOAK-{tag}");
    let content = DirectiveContent {
        number: number.clone(),
        issuer: "soak".into(),
        title: format!("soak {tag}"),
        body: String::new(),
        category: DirectiveCategory::Other,
        scope: vec![Adcode::new_unchecked(230000)],
        effective_from: None,
        effective_until: None,
        priority: Priority::Normal,
    };
    let mut out = std::io::stdout().lock();
    let mut write = |kind: EventKind,
                     unit: Option<String>,
                     content: Option<DirectiveContent>|
     -> Result<(), Vec<String>> {
        let ev = NewEvent {
            kind,
            issuer: "soak".into(),
            number: number.clone(),
            officer: format!("soak-{tag}"),
            unit,
            reason: None,
            content,
        };
        let saved = store.append(ev, stamp_of(Utc::now())?).map_err(err)?;
        writeln!(out, "saved {} {}", saved.seq, saved.hash).and_then(|()| out.flush()).map_err(|e| vec![e.to_string()])
    };
    write(EventKind::Issued, None, Some(content))?;
    for i in 0..count {
        write(EventKind::Acknowledged, Some(format!("unit-{i}")), None)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The command line's push after a journal write (or `sitboard journal sync`): prints what
/// happened in plain words. Returns whether nothing is left queued.
pub fn push_and_report(place: &Place, hub: &HubTarget, tr: &crate::i18n::Tr) -> bool {
    let l = &tr.live;
    let store = match place.open(false) {
        Ok(s) => s,
        Err(StoreError::NotFound { .. }) => {
            outln!("{}", l.nothing_to_push(&place.dir.display().to_string()));
            return true;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    let report = match client()
        .map_err(|e| e.to_string())
        .and_then(|c| push_pending(&store, hub, &c).map_err(|e| e.to_string()))
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    for (local, remote) in &report.pushed {
        outln!("{}", l.pushed_line(&hub.url, *local, *remote));
    }
    for (local, why) in &report.refused {
        eprintln!("{}", l.refused_line(*local, why));
    }
    if let Some(why) = &report.stopped {
        eprintln!("{}", l.queued_line(report.pending.len(), why));
    }
    report.pending.is_empty()
}
