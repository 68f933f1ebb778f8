//! Everything the board and the commands write for people to read elsewhere: directive
//! lists and histories (CSV, HTML), the `report` command's overview (text, JSON), and the
//! one way files are written — whole or not at all (a temporary file beside the target,
//! then a rename), so a crash never leaves half an export.

pub mod briefing;
pub mod directives;
pub mod hotline;
pub mod journal_feed;
pub mod overview;
pub mod tables;

use std::path::{Path, PathBuf};

pub use directives::*;

/// Write `contents` to `path` whole or not at all (temporary file beside it, then rename).
pub fn write_file(path: &Path, contents: &[u8]) -> Result<(), String> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.is_empty() {
        return Err(format!("{} is not a file name", path.display()));
    }
    let tmp = path.with_file_name(format!(".{name}.part"));
    std::fs::write(&tmp, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
}

/// Write an export into `<data dir>/exports/` under a file name made safe (letters, digits,
/// `.-_`; anything else becomes `_`), whole or not at all. Returns where it went.
pub fn write_into_exports(data_dir: &Path, file_name: &str, contents: &[u8]) -> Result<PathBuf, String> {
    let name: String = Path::new(file_name)
        .file_name()
        .map(|n| {
            n.to_string_lossy()
                .chars()
                .map(|c| if c.is_alphanumeric() || ".-_".contains(c) { c } else { '_' })
                .collect()
        })
        .unwrap_or_default();
    if name.is_empty() || name.starts_with('.') {
        return Err(format!("{file_name:?} is not a usable file name"));
    }
    let dir = data_dir.join("exports");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(&name);
    write_file(&path, contents)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_written_whole_and_names_made_safe() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_into_exports(dir.path(), "../指令 list?.csv", b"a,b\n").unwrap();
        assert_eq!(p, dir.path().join("exports").join("指令_list_.csv"));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a,b\n");
        assert!(write_into_exports(dir.path(), ".hidden", b"x").is_err());
        assert!(write_into_exports(dir.path(), "", b"x").is_err());
        // No temporary file is left behind.
        let names: Vec<_> =
            std::fs::read_dir(dir.path().join("exports")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
        // A missing folder is an error naming the path, not a panic.
        let e = write_file(&dir.path().join("no/such/dir/x.csv"), b"x").unwrap_err();
        assert!(e.contains("x.csv"), "{e}");
    }
}
