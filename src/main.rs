//! The `sitboard` binary: the board window, `check`, `report` and `journal`.

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    sitboard::ui::frame_stats::mark_process_start();
    sitboard::logging::init("warn,sitboard=info");
    sitboard::cli::run(&sitboard::cli::Cli::parse())
}
