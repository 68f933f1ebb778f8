//! Issue 15 through the real binary: a closed standard output (`| head -1`) ends `check`,
//! `report` and `journal list` quietly instead of a panic; `journal verify` reads a copy of
//! a journal without writing to it and says how many events it holds; a look-alike
//! directive number (zero-width space, full-width digit) is refused as taken.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use sha2::{Digest as _, Sha256};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sitboard"))
}

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path).display().to_string()
}

/// Run with standard output a pipe whose reading end is already closed: every write fails
/// with EPIPE (Rust ignores SIGPIPE), as when `head -1` has exited.
fn run_with_closed_stdout(args: &[&str], config_dir: &Path) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let child = bin()
        .args(args)
        .arg("--config")
        .arg(config_dir.join("no-config.toml"))
        .arg("--data-dir")
        .arg(config_dir)
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the sitboard binary");
    child.wait_with_output().expect("wait for sitboard")
}

#[test]
fn a_closed_stdout_ends_check_report_and_list_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = repo("data/demo");
    let throughput = repo("data/demo/throughput-synthetic.json");
    for args in [
        vec!["check", throughput.as_str()],
        vec!["check", "--all", demo.as_str()],
        vec!["report", "--data", demo.as_str(), "--date", "2020-03-03", "--region", "230000"],
        vec!["report", "--data", demo.as_str(), "--date", "2020-03-03", "--region", "230000", "--json"],
        vec!["journal", "list", "--json"],
    ] {
        let o = run_with_closed_stdout(&args, tmp.path());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{args:?}: {err}");
        assert_ne!(o.status.code(), Some(101), "{args:?}: {err}");
        assert!(o.status.code().is_some(), "{args:?}: ended by a signal: {:?}", o.status);
    }
    // The status is the command's own: a check of usable data succeeds.
    let o = run_with_closed_stdout(&["check", demo.as_str()], tmp.path());
    assert!(o.status.success(), "{:?}", o.status);
}

fn sitboard(dir: &Path, args: &[&str]) -> Output {
    bin()
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .arg("--config")
        .arg(dir.join("no-config.toml"))
        .output()
        .expect("run the sitboard binary")
}

fn issue(dir: &Path, number: &str) -> Output {
    sitboard(
        dir,
        &[
            "journal",
            "issue",
            "--lang",
            "en",
            "--number",
            number,
            "--title",
            "Traffic control",
            "--scope",
            "230100",
            "--officer",
            "Wang 0231",
            "--issuer",
            "哈尔滨市指挥部",
            "--category",
            "traffic_control",
        ],
    )
}

#[test]
fn a_look_alike_directive_number_is_taken() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let o = issue(dir, "哈指7号");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for look_alike in ["哈指7\u{200B}号", "哈指７号", "哈指7\u{2060}号"] {
        let o = issue(dir, look_alike);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{look_alike:?} was accepted beside 哈指7号");
        assert!(err.contains("Duplicate number"), "{look_alike:?}: {err}");
    }
    let list = String::from_utf8_lossy(&sitboard(dir, &["journal", "list", "--json"]).stdout).into_owned();
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{list}");
}

fn digest(path: &Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap()).iter().map(|b| format!("{b:02x}")).collect()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn verify_reads_a_copy_without_its_wal_read_only_and_says_what_it_holds() {
    use sitboard::store::journal::JournalStore;
    let tmp = tempfile::tempdir().unwrap();
    let live = tmp.path().join("live");
    std::fs::create_dir_all(&live).unwrap();
    // 10 events written back to the main file (the last connection's close checkpoints).
    let o = sitboard(&live, &["journal", "soak", "--count", "9", "--tag", "old"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A journal in use: this connection stays open, so the 61 events written by the command
    // below stay in the write-ahead log (no checkpoint on close while another is open).
    let held = JournalStore::open_in(&live).unwrap();
    let o = sitboard(&live, &["journal", "soak", "--count", "60", "--tag", "wal"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(live.join("journal.sqlite-wal").exists());

    let copy = tmp.path().join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(live.join("journal.sqlite"), copy.join("journal.sqlite")).unwrap();
    drop(held);
    let before = (digest(&copy.join("journal.sqlite")), names(&copy));

    let o = sitboard(&copy, &["journal", "verify", "--lang", "en"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{out}{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("The file holds 10 events; its head record names event 10"), "{out}");
    assert!(out.contains("has no -wal file beside it"), "{out}");
    assert_eq!((digest(&copy.join("journal.sqlite")), names(&copy)), before, "verify wrote to the copy");

    // The journal itself (its log checkpointed when the last connection closed) holds all 71.
    let o = sitboard(&live, &["journal", "verify", "--lang", "zh"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{out}");
    assert!(out.contains("文件中有 71 个事件；链尾记录为第 71 号事件"), "{out}");
}

#[test]
fn a_wall_screen_out_of_range_is_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("sitboard.toml");
    std::fs::write(&config, "[wall]\n[[wall.screen]]\nview = \"map\"\n[[wall.screen]]\nview = \"curves\"\n").unwrap();
    for n in ["3", "9"] {
        // No display: were the screen not checked first, the window would fail to open instead.
        let out = bin()
            .args(["--data", &repo("data/demo"), "--wall", "--screen", n, "--config"])
            .arg(&config)
            .arg("--data-dir")
            .arg(tmp.path())
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .expect("run the sitboard binary");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("--screen {n}: the config has 2 [[wall.screen]] entries (1 to 2)")), "{err}");
    }
    // --screen is a wall option.
    let out = bin().args(["--screen", "1"]).env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--wall"), "{}", String::from_utf8_lossy(&out.stderr));
}
