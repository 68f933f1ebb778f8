//! `sitboard archive`: the snapshot archive from the command line — what is in it (`info`),
//! whether it is intact (`verify`), and a smaller archive of a time range (`export`). It
//! only reads the archive given; `export` writes a new file and never overwrites one.

use super::out::{out, outln};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Subcommand;
use serde_json::{Value, json};

use crate::model::time::{format_as_of, format_local, parse_time_input};
use crate::store::archive::{ArchiveInfo, ArchiveReader, VerifiedArchive};

#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// What an archive holds: time range, snapshots, sources, size, format, and whether it
    /// verifies. Exits 1 when it does not verify.
    Info {
        /// The archive file.
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Check every snapshot's hash, the chain and every section. Exits 1 and names the
    /// first bad snapshot when the archive was changed or damaged.
    Verify {
        /// The archive file.
        file: PathBuf,
    },
    /// Write the snapshots received between --from and --to (plus each source's newest one
    /// before --from) into a new, smaller archive that verifies on its own.
    Export {
        /// The archive file.
        file: PathBuf,
        /// Start of the range: RFC 3339 or `YYYY-MM-DD HH:MM` (Beijing time); default: the
        /// first snapshot.
        #[arg(long, value_name = "TIME")]
        from: Option<String>,
        /// End of the range (included): RFC 3339 or `YYYY-MM-DD HH:MM` (Beijing time);
        /// default: the last snapshot.
        #[arg(long, value_name = "TIME")]
        to: Option<String>,
        /// The new archive (must not exist yet).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Keep the last --keep-days N days of an archive (on its clock) and remove what is older,
    /// keeping the state at the cut whole; what is kept still verifies. The file does not
    /// shrink (new snapshots reuse the space); `archive export` writes a smaller copy.
    Prune {
        /// The archive file (written: stop the recorder first, or let it prune with
        /// --keep-days itself).
        file: PathBuf,
    },
}

/// Run an archive command: 0 when done (and intact), 1 when the archive does not verify,
/// 2 when it cannot be done.
pub fn run(cmd: &ArchiveCommand, keep: Option<chrono::Duration>) -> ExitCode {
    let result = match cmd {
        ArchiveCommand::Prune { file } => prune(file, keep),
        ArchiveCommand::Info { file, json } => info(file, *json),
        ArchiveCommand::Verify { file } => verify(file),
        ArchiveCommand::Export { file, from, to, out } => export(file, from.as_deref(), to.as_deref(), out),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn open(file: &Path) -> Result<ArchiveReader, String> {
    ArchiveReader::open(file).map_err(|e| e.to_string())
}

fn rfc3339(t: Option<DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, |t| Value::String(crate::store::archive::format_instant(t)))
}

fn info(file: &Path, as_json: bool) -> Result<ExitCode, String> {
    let reader = open(file)?;
    let info = reader.info();
    let verified = reader.verify();
    if as_json {
        outln!("{}", info_json(&info, &verified));
    } else {
        out!("{}", info_text(&info, &verified));
    }
    Ok(if verified.is_ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// `info --json`: `first`, `last`, `snapshots`, `sources` ([{name, snapshots}]), `bytes`,
/// `format`, `verified`, `damage` (and `problem`: the first bad snapshot, or null).
fn info_json(info: &ArchiveInfo, verified: &Result<VerifiedArchive, crate::store::archive::BadSnapshot>) -> Value {
    json!({
        "path": info.path.display().to_string(),
        "first": rfc3339(info.first),
        "last": rfc3339(info.last),
        "snapshots": info.snapshots,
        "sources": info.sources.iter().map(|(name, n)| json!({"name": name, "snapshots": n})).collect::<Vec<_>>(),
        "bytes": info.file_bytes,
        "format": info.format,
        "verified": verified.is_ok(),
        "problem": verified.as_ref().err().map(|b| b.to_string()),
        "damage": info.damage,
    })
}

fn info_text(info: &ArchiveInfo, verified: &Result<VerifiedArchive, crate::store::archive::BadSnapshot>) -> String {
    let mut out = format!("archive    {} (format {}, {})\n", info.path.display(), info.format, bytes(info.file_bytes));
    match (info.first, info.last, info.received) {
        (Some(first), Some(last), Some((r0, r1))) => {
            out += &format!("instants   {} … {} (the data's as_of)\n", format_as_of(first), format_as_of(last));
            out += &format!("received   {} … {}\n", format_local(r0), format_local(r1));
        }
        _ => out += "received   nothing yet\n",
    }
    out += &format!("snapshots  {} from {} sources\n", info.snapshots, info.sources.len());
    let width = info.sources.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(0);
    for (name, n) in &info.sources {
        out += &format!("  {name:<width$}  {n}\n");
    }
    if let Some(damage) = &info.damage {
        out += &format!("damage     {damage}\n");
    }
    match verified {
        Ok(v) => out += &format!("integrity  verified: {} snapshots, {} distinct sections\n", v.snapshots, v.sections),
        Err(bad) => out += &format!("integrity  NOT verified: {bad}\n"),
    }
    out
}

fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} bytes"),
    }
}

fn prune(file: &Path, keep: Option<chrono::Duration>) -> Result<ExitCode, String> {
    let keep = keep.ok_or("give --keep-days N: how many days to keep")?;
    if !file.exists() {
        return Err(format!("no archive at {}", file.display()));
    }
    let mut writer = crate::store::archive::ArchiveWriter::create_or_open(file).map_err(|e| e.to_string())?;
    let p = writer.prune(keep).map_err(|e| e.to_string())?;
    match p.cut {
        Some(cut) if p.snapshots > 0 => outln!(
            "{}: removed {} snapshots (through snapshot {}) older than {} and {} unused sections; the rest verifies from there",
            file.display(),
            p.snapshots,
            p.through,
            crate::model::time::format_as_of(cut),
            p.sections
        ),
        _ => outln!("{}: nothing is older than the last {} days", file.display(), keep.num_days()),
    }
    Ok(ExitCode::SUCCESS)
}

fn verify(file: &Path) -> Result<ExitCode, String> {
    let reader = open(file)?;
    match reader.verify() {
        Ok(v) => {
            outln!("{}: {} snapshots verified (last hash {})", file.display(), v.snapshots, v.head);
            Ok(ExitCode::SUCCESS)
        }
        Err(bad) => {
            eprintln!("{}: verification failed at {bad}", file.display());
            Ok(ExitCode::FAILURE)
        }
    }
}

fn parse_time(flag: &str, s: Option<&str>) -> Result<Option<DateTime<Utc>>, String> {
    s.map(|s| {
        parse_time_input(s).ok_or_else(|| {
            format!("{flag} {s:?} is not a time: give RFC 3339 (2020-02-01T22:00:00+08:00) or YYYY-MM-DD HH:MM (Beijing time)")
        })
    })
    .transpose()
}

fn export(file: &Path, from: Option<&str>, to: Option<&str>, out: &Path) -> Result<ExitCode, String> {
    let from = parse_time("--from", from)?;
    let to = parse_time("--to", to)?;
    let reader = open(file)?;
    if let Some(damage) = reader.damage() {
        eprintln!("warning: {}: {damage}; only the usable snapshots are exported", file.display());
    }
    let s = reader.export_range(from, to, out).map_err(|e| e.to_string())?;
    let range = match (s.first, s.last) {
        (Some(a), Some(b)) => format!(", {} … {}", format_as_of(a), format_as_of(b)),
        _ => String::new(),
    };
    outln!(
        "exported {} snapshots from {} sources ({} in the range, {} the newest before it){range} to {} ({})",
        s.snapshots,
        s.sources,
        s.in_range,
        s.carried,
        s.path.display(),
        bytes(s.bytes)
    );
    Ok(ExitCode::SUCCESS)
}
