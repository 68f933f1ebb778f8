//! The `sitboard` binary: the board window, `check`, `report` and `journal`.

use std::process::ExitCode;

use clap::Parser as _;
use sitboard::cli::{Cli, Command, run_check, run_report};

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,sitboard=info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let settings = cli.settings();
    if let Some(p) = &settings.config_problem {
        eprintln!("warning: config ignored: {p}");
    }
    match &cli.command {
        Some(Command::Check { paths, all }) => run_check(&settings, paths, *all),
        Some(Command::Report { date, region, json }) => run_report(&settings, date, region, *json),
        Some(Command::Journal { command }) => sitboard::cli::journal::run(&settings, cli.data_dir.as_deref(), command),
        None => sitboard::ui::run_native(&cli, settings),
    }
}
