//! The `sitboard-hub` binary: serve a folder of feed documents to every board
//! (`sitboard-hub --data DIR --listen ADDR`), optionally as a live demo, and manage
//! officers' tokens (`sitboard-hub token add OFFICER_ID --tokens FILE`).

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

    /// Officers' tokens file (made by `sitboard-hub token add`): with it, the hub takes
    /// directive events from desktops.
    #[arg(long, value_name = "FILE")]
    tokens: Option<PathBuf>,

    /// Folder of the hub's directive journal (default: the platform data dir's `hub`).
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

fn main() -> ExitCode {
    sitboard::logging::init("warn,sitboard=info,sitboard_hub=info");
    let cli = Cli::parse();
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
        journal_dir: cli.journal_dir.clone(),
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
