//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// A file of the real public data beside the repository (`../shared/data/real/`), used by
/// tests only. A missing folder fails the test with a clear message; set
/// SITBOARD_ALLOW_MISSING_REAL_DATA=1 to skip such tests loudly instead.
pub fn real_data(file: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real");
    let path = dir.join(file);
    if path.exists() {
        return Some(path);
    }
    let msg = format!(
        "REAL DATA MISSING: {} not found. These tests check the board against public data in \
         ../shared/data/real/ beside the repository; check out the shared folder there.",
        path.display()
    );
    if std::env::var("SITBOARD_ALLOW_MISSING_REAL_DATA").as_deref() == Ok("1") {
        eprintln!("SKIPPED (explicitly allowed): {msg}");
        None
    } else {
        panic!("{msg}");
    }
}
