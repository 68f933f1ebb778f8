//! `sitboard record`: a headless recorder for a server with no screen. It follows the http(s)
//! sources like a board does and writes every new document into the snapshot archive, until
//! `--for` has passed (or the process is stopped: each snapshot is written whole, so stopping
//! at any moment leaves a good archive).

use super::out::outln;
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use crate::feed::live::{LiveEvent, LiveFeed};
use crate::recorder::Recorder;
use crate::settings::Settings;

/// Record the settings' URL sources into `out` for `duration` (forever when `None`).
pub fn run(settings: &Settings, out: &Path, duration: Option<Duration>) -> ExitCode {
    let Some(mut config) = settings.live_config() else {
        eprintln!("error: nothing to record: give http(s) sources with --data URL (files need no recording)");
        return ExitCode::from(2);
    };
    let recorder = match Recorder::start_keeping(out, settings.record_keep) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    config.tap = Some(recorder.sender());
    let registry = match settings.registry() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let names: Vec<String> = config.sources.iter().map(|s| s.url.clone()).collect();
    let feed = match LiveFeed::start(config, registry) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    outln!("recording {} into {}", names.join(", "), out.display());
    let deadline = duration.map(|d| Instant::now() + d);
    let mut last_count = 0;
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        match feed.events.recv_timeout(Duration::from_millis(200)) {
            // The datasets are not needed here; reading them keeps the channel short.
            Ok(LiveEvent::Data { .. }) | Err(RecvTimeoutError::Timeout) => {}
            Ok(LiveEvent::Source(_, s)) => {
                if let Some((_, why)) = s.last_error.as_ref().filter(|_| !s.is_fresh()) {
                    eprintln!("{}: {why}", s.name);
                }
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
        let status = recorder.status();
        if status.recorded != last_count {
            last_count = status.recorded;
            outln!("{} snapshots, {} bytes", status.recorded, status.bytes);
        }
        if let Some(why) = status.stopped {
            eprintln!("error: {why}");
            feed.control.shutdown();
            return ExitCode::FAILURE;
        }
    }
    feed.control.shutdown();
    let status = recorder.finish();
    outln!(
        "recorded {} snapshots ({} unchanged), {} bytes, into {}",
        status.recorded,
        status.unchanged,
        status.bytes,
        out.display()
    );
    match status.stopped {
        Some(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
        None => ExitCode::SUCCESS,
    }
}
