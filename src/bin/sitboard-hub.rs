//! The `sitboard-hub` binary: serve a folder of feed documents to every board
//! (`sitboard-hub --data DIR --listen ADDR`), optionally as a live demo; manage officers
//! (`sitboard-hub officer add | list | revoke | token`, `sitboard-hub token add`) and read
//! the audit record (`sitboard-hub audit`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use sitboard::hub::{self, HubConfig};

#[derive(Debug, Parser)]
#[command(
    name = "sitboard-hub",
    version,
    about = "Feed hub of a Sitboard command center: serves merged feeds to every board over HTTP",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<HubCommand>,

    /// Folder of feed documents (.json) to serve, merged into one document.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,

    /// Address to listen on, e.g. 0.0.0.0:8470 (port 0: any free port; the first line of
    /// output says which).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8470")]
    listen: String,

    /// Officers' tokens file (made by `sitboard-hub token add`; its officers issue over the
    /// province). With it, or with officers in the journal folder, the feed and every
    /// directive event need an officer's token.
    #[arg(long, value_name = "FILE")]
    tokens: Option<PathBuf>,

    /// Folder of the hub's directive journal and officers (default: the platform data dir's
    /// `hub`, used with --tokens or when `officer add` put officers there).
    #[arg(long, value_name = "DIR")]
    journal_dir: Option<PathBuf>,

    /// Live demo: replay the data's reporting days, one every SECONDS_PER_DAY seconds.
    #[arg(long, value_name = "SECONDS_PER_DAY", value_parser = parse_speed)]
    demo_speed: Option<Duration>,

    /// Live demo: start on this day (YYYY-MM-DD) instead of the first day of the data.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "demo_speed")]
    demo_start: Option<String>,

    /// The snapshot archive every published version is recorded into (default:
    /// `archive.sqlite` in the hub's folder of the platform data dir).
    #[arg(long, value_name = "FILE", conflicts_with = "no_archive")]
    archive: Option<PathBuf>,

    /// Do not record the published versions.
    #[arg(long)]
    no_archive: bool,

    /// Keep the last N days of the archive (pruned at start and every hour; the chain of
    /// what is kept still verifies). Default: keep everything.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), conflicts_with = "no_archive")]
    archive_keep_days: Option<u32>,

    /// Seconds between checks of the data folder for changed files.
    #[arg(long, value_name = "SECONDS", default_value = "2", value_parser = parse_speed)]
    rescan: Duration,

    /// Open connections at most (more wait in the system's listen queue).
    #[arg(long, value_name = "N", default_value = "1024", value_parser = clap::value_parser!(u32).range(1..=65_536))]
    max_connections: u32,

    /// Seconds a client has to send a request's headers (and an idle connection is kept).
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_speed)]
    header_timeout: Duration,

    /// Full feed bodies sent at once; more wait up to 5 s, then get 503 with Retry-After.
    #[arg(long, value_name = "N", default_value = "32", value_parser = clap::value_parser!(u32).range(1..=4096))]
    max_full_responses: u32,
}

#[derive(Debug, Subcommand)]
enum HubCommand {
    /// Officers' tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Officers: who may issue, acknowledge or only view, and for which regions.
    Officer {
        #[command(subcommand)]
        command: OfficerCommand,
        #[command(flatten)]
        place: PlaceArgs,
    },
    /// The audit record: grants, revocations, new tokens, sign-ins, directive events,
    /// refusals and exports, from the hub's chained journal (verified first).
    Audit {
        /// Only what happened at or after this instant (RFC 3339, or YYYY-MM-DD: that day
        /// from 00:00 China time).
        #[arg(long, value_name = "T")]
        since: Option<String>,
        /// Only what this officer did, or what was done to them.
        #[arg(long, value_name = "ID")]
        officer: Option<String>,
        /// One JSON array instead of lines.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        place: PlaceArgs,
    },
}

/// Where the officer commands act: the same store as the hub's.
#[derive(Debug, clap::Args)]
struct PlaceArgs {
    /// The hub's tokens file (its officers are listed, and revoked, too).
    #[arg(long, value_name = "FILE", global = true)]
    tokens: Option<PathBuf>,
    /// The hub's journal folder (default: the platform data dir's `hub`).
    #[arg(long, value_name = "DIR", global = true)]
    journal_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum OfficerCommand {
    /// Add an officer; the new token is printed once, on the last line (only its SHA-256 is
    /// stored).
    Add {
        /// A stable ID (no spaces), recorded with everything the officer does.
        id: String,
        /// The officer's name (王伟).
        #[arg(long)]
        name: String,
        /// The unit they act for (道外区指挥部).
        #[arg(long)]
        unit: String,
        /// The region codes they act for: ADCODE[,ADCODE…] (230104).
        #[arg(long, value_name = "ADCODE[,ADCODE…]")]
        scope: String,
        /// issue (directives within the scope), acknowledge (directives addressed to the
        /// scope) or view (read only: a wall).
        #[arg(long, value_name = "issue|acknowledge|view")]
        role: String,
    },
    /// List the officers, revoked ones too.
    List,
    /// Revoke an officer: their token is refused from the next request on (no restart).
    Revoke { id: String },
    /// Give an officer a new token (printed on the last line); the old one stops working.
    Token { id: String },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Make a random token for an officer: print it once, store only its SHA-256.
    Add {
        /// The officer's ID (recorded with every directive event sent with the token).
        officer_id: String,
        /// The tokens file (created if missing).
        #[arg(long, value_name = "FILE")]
        tokens: PathBuf,
    },
}

fn parse_speed(s: &str) -> Result<Duration, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && (0.01..=86_400.0).contains(&x) => Ok(Duration::from_secs_f64(x)),
        _ => Err(format!("{s:?} is not a number of seconds between 0.01 and 86400")),
    }
}

/// The journal folder the hub uses: `--journal-dir`, else the platform data dir's `hub`.
fn journal_dir_or_default(given: Option<&PathBuf>) -> Result<PathBuf, String> {
    match given {
        Some(d) => Ok(d.clone()),
        None => sitboard::settings::paths::data_dir()
            .map(|d| d.join("hub"))
            .ok_or_else(|| "no data dir on this system for the hub's journal: give --journal-dir DIR".to_owned()),
    }
}

/// Who runs an officer command (the audit record's actor).
fn operator() -> String {
    let user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_default();
    let user = user.trim();
    if user.is_empty() || user.chars().count() > 64 || user.chars().any(char::is_control) {
        "operator (sitboard-hub officer)".to_owned()
    } else {
        format!("operator {user} (sitboard-hub officer)")
    }
}

fn officer_command(command: &OfficerCommand, place: &PlaceArgs) -> Result<(), String> {
    use hub::officers;
    let place = officers::Place {
        journal_dir: journal_dir_or_default(place.journal_dir.as_ref())?,
        tokens: place.tokens.clone(),
        actor: operator(),
    };
    let now = chrono::Utc::now();
    let scope =
        |o: &sitboard::model::officer::Officer| o.scope.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
    match command {
        OfficerCommand::Add { id, name, unit, scope: s, role } => {
            let new = officers::NewOfficer {
                id: id.clone(),
                name: name.clone(),
                unit: unit.clone(),
                scope: s.clone(),
                role: role.clone(),
            };
            let (o, token) = officers::add(&place, &new, now)?;
            println!(
                "officer {} added: {} ({}), role {}, scope {}; the token below is shown once (only its SHA-256 is \
                 stored in {})",
                o.id,
                o.name,
                o.unit,
                o.role.wire_name(),
                scope(&o),
                place.journal_dir.display()
            );
            println!("{token}");
        }
        OfficerCommand::List => {
            let list = officers::list(&place)?;
            if list.is_empty() {
                println!("no officers: a hub with none (and no tokens) is open to anyone");
            }
            for l in list {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}{}",
                    l.officer.id,
                    l.officer.name,
                    l.officer.unit,
                    l.officer.role.wire_name(),
                    scope(&l.officer),
                    if l.revoked { "revoked" } else { "active" },
                    if l.from_file { "\t(tokens file)" } else { "" }
                );
            }
        }
        OfficerCommand::Revoke { id } => {
            officers::revoke(&place, id, now)?;
            println!("officer {id} revoked: a running hub refuses their token from the next request on");
        }
        OfficerCommand::Token { id } => {
            let token = officers::rotate(&place, id, now)?;
            println!("new token for {id}; the old one no longer works. Shown once:");
            println!("{token}");
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    sitboard::logging::init("warn,sitboard=info,sitboard_hub=info");
    let cli = Cli::parse();
    if let Some(HubCommand::Officer { command, place }) = &cli.command {
        return match officer_command(command, place) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    if let Some(HubCommand::Audit { since, officer, json, place }) = &cli.command {
        let dir = match journal_dir_or_default(place.journal_dir.as_ref()) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        return hub::audit::run(&dir, place.tokens.as_deref(), since.as_deref(), officer.as_deref(), *json);
    }
    if let Some(HubCommand::Token { command: TokenCommand::Add { officer_id, tokens } }) = &cli.command {
        return match hub::tokens::add(tokens, officer_id) {
            Ok(token) => {
                println!("{token}");
                eprintln!(
                    "token for {officer_id} added to {} (only its SHA-256 is stored); give it to the officer now, \
                     it is not shown again",
                    tokens.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    let Some(data) = cli.data.clone() else {
        eprintln!("error: give the folder of feed documents to serve with --data DIR (see --help)");
        return ExitCode::from(2);
    };
    let demo_start = match cli.demo_start.as_deref().map(|s| sitboard::feed::source_date(s).ok_or(s)) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(s)) => {
            eprintln!("error: --demo-start {s:?} is not a date (YYYY-MM-DD)");
            return ExitCode::from(2);
        }
    };
    let config = HubConfig {
        data,
        listen: cli.listen.clone(),
        tokens: cli.tokens.clone(),
        demo_speed: cli.demo_speed,
        demo_start,
        rescan: cli.rescan,
        // A hub given neither tokens nor a journal folder still reads its officers from the
        // default folder when `officer add` put some there: it is never open by mistake.
        journal_dir: cli.journal_dir.clone().or_else(|| {
            let default = sitboard::settings::paths::data_dir()?.join("hub");
            (cli.tokens.is_none() && sitboard::store::journal::journal_path(&default).exists()).then_some(default)
        }),
        archive: if cli.no_archive {
            None
        } else {
            cli.archive.clone().or_else(|| {
                sitboard::settings::paths::data_dir()
                    .map(|d| d.join("hub").join(sitboard::settings::paths::ARCHIVE_FILE))
            })
        },
        archive_keep: cli.archive_keep_days.map(|d| chrono::Duration::days(i64::from(d))),
        limits: hub::HubLimits {
            max_connections: cli.max_connections as usize,
            header_timeout: cli.header_timeout,
            max_full_responses: cli.max_full_responses as usize,
            ..hub::HubLimits::default()
        },
    };
    match hub::start(config) {
        Ok(handle) => {
            hub::print_listening(handle.addr());
            handle.run_until_signal();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
