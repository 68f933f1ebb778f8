//! Officer tokens of the hub: `sitboard-hub token add OFFICER_ID --tokens FILE` makes a
//! random token, prints it once and stores only its SHA-256 in the tokens file (TOML, one
//! `[[token]]` per officer token; delete an entry to revoke it). The hub checks a bearer
//! token by hashing it and comparing with the stored hashes.

use std::path::Path;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// Prefix of every token, so a leaked one is easy to recognise (and to scan for).
pub const TOKEN_PREFIX: &str = "sbt_";

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct TokenFile {
    #[serde(default, rename = "token")]
    pub tokens: Vec<TokenEntry>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TokenEntry {
    pub officer: String,
    /// Hex SHA-256 of the whole token (prefix included).
    pub sha256: String,
    /// When the token was made (RFC 3339).
    pub created: String,
}

/// The tokens the hub accepts.
#[derive(Clone, Debug, Default)]
pub struct Tokens {
    entries: Vec<TokenEntry>,
}

impl Tokens {
    /// Read a tokens file. A missing file is an error: a hub started with `--tokens` must
    /// not silently accept nobody (or everybody).
    pub fn load(path: &Path) -> Result<Tokens, String> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!("{}: cannot read the tokens file: {e}; create it with `sitboard-hub token add`", path.display())
        })?;
        let file: TokenFile =
            toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.to_string().trim()))?;
        for (i, t) in file.tokens.iter().enumerate() {
            if t.sha256.len() != 64 || !t.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!(
                    "{}: token {} ({}): sha256 is not 64 hex digits",
                    path.display(),
                    i + 1,
                    t.officer
                ));
            }
        }
        Ok(Tokens { entries: file.tokens })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries (officer and token hash) of the file.
    pub fn entries(&self) -> &[TokenEntry] {
        &self.entries
    }

    /// The officer a bearer token belongs to, if it is one of ours. Compares every stored
    /// hash in full (no early exit), so timing says nothing about which entry came close.
    pub fn officer_for(&self, token: &str) -> Option<&str> {
        let digest = hash_token(token);
        let mut found = None;
        for e in &self.entries {
            let stored = e.sha256.to_ascii_lowercase();
            let same = stored.len() == digest.len()
                && stored.bytes().zip(digest.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
            if same && found.is_none() {
                found = Some(e.officer.as_str());
            }
        }
        found
    }
}

/// Hex SHA-256 of a token.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An officer ID as it may appear in the tokens file and the journal.
pub fn check_officer_id(id: &str) -> Result<(), String> {
    if id.trim().is_empty() {
        return Err("the officer ID is empty".into());
    }
    if id.chars().count() > 64 {
        return Err(format!("the officer ID {id:?} is longer than 64 characters"));
    }
    if id.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!("the officer ID {id:?} may not hold spaces or control characters"));
    }
    Ok(())
}

/// Make a token for an officer, add its hash to the tokens file (created if missing, kept
/// readable by its owner only) and return the token (to print once).
pub fn add(path: &Path, officer: &str) -> Result<String, String> {
    check_officer_id(officer)?;
    let mut file = match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str::<TokenFile>(&text).map_err(|e| {
            format!("{}: {}; fix or move the file, nothing was added", path.display(), e.to_string().trim())
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => TokenFile::default(),
        Err(e) => return Err(format!("{}: cannot read the tokens file: {e}", path.display())),
    };
    let token = new_token()?;
    file.tokens.push(TokenEntry {
        officer: officer.to_owned(),
        sha256: hash_token(&token),
        created: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    });
    write_file(path, &file)?;
    Ok(token)
}

/// A new random token (`sbt_` and 64 hex digits); only its SHA-256 is ever stored.
pub fn new_token() -> Result<String, String> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| format!("the system gave no random bytes for a token: {e}"))?;
    Ok(format!("{TOKEN_PREFIX}{}", hex(&secret)))
}

/// Remove an officer's entries from the tokens file (`officer revoke`); how many were
/// removed. A missing file holds none.
pub fn remove(path: &Path, officer: &str) -> Result<usize, String> {
    let mut file = match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str::<TokenFile>(&text).map_err(|e| {
            format!("{}: {}; fix or move the file, nothing was changed", path.display(), e.to_string().trim())
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(format!("{}: cannot read the tokens file: {e}", path.display())),
    };
    let before = file.tokens.len();
    file.tokens.retain(|t| t.officer != officer);
    let removed = before - file.tokens.len();
    if removed > 0 {
        write_file(path, &file)?;
    }
    Ok(removed)
}

fn write_file(path: &Path, file: &TokenFile) -> Result<(), String> {
    let body = toml::to_string(file).map_err(|e| format!("cannot write the tokens file: {e}"))?;
    let text = format!(
        "# sitboard-hub tokens: only the SHA-256 of each token is kept; the token itself was\n\
         # printed once when it was made. `sitboard-hub officer revoke ID` revokes one.\n\n{body}"
    );
    write_private(path, &text)
}

/// Write a file readable by its owner only, replacing it atomically.
fn write_private(path: &Path, text: &str) -> Result<(), String> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("tokens");
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let what = |e: std::io::Error| format!("{}: cannot write the tokens file: {e}", path.display());
    {
        use std::io::Write as _;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp).map_err(what)?;
        f.write_all(text.as_bytes()).map_err(what)?;
        f.sync_all().map_err(what)?;
    }
    std::fs::rename(&tmp, path).map_err(what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stored_as_hashes_and_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.toml");
        let a = add(&path, "zhang.wei").unwrap();
        let b = add(&path, "li.na").unwrap();
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 64);
        assert_ne!(a, b);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&a) && !text.contains(&b), "the file must not hold a token");
        assert!(text.contains(&hash_token(&a)));
        let t = Tokens::load(&path).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t.officer_for(&a), Some("zhang.wei"));
        assert_eq!(t.officer_for(&b), Some("li.na"));
        assert_eq!(t.officer_for("sbt_forged"), None);
        assert!(add(&path, "has space").is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
