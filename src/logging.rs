//! Logging for both binaries: `tracing` to stderr, filtered by `RUST_LOG` when it is set,
//! else by the binary's default filter.

/// Start logging once, at the top of `main`.
pub fn init(default_filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}
