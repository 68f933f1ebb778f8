//! Logging for both binaries: `tracing` to stderr, filtered by `RUST_LOG` when it is set,
//! else by the binary's default filter.

/// Start logging once, at the top of `main`.
pub fn init(default_filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter));
    // Spans print their time when they close (`RUST_LOG=sitboard=debug` shows where the
    // start-up goes: each source read and parsed, the ingest, the map geometry).
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .init();
}
