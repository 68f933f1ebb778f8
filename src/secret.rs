//! A secret (a bearer token): kept as text, never printed by `Debug`, so a token in a config,
//! a feed source or a hub target cannot reach a log line.

use serde::Deserialize;

/// A token: `Debug` prints `"…"`; read it with [`Secret::expose`] where it is sent.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The token itself, for the one place it is sent.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"…\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_token() {
        let s = Secret::new("sbt_secret");
        assert_eq!(format!("{s:?}"), "\"…\"");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(\"…\")");
        assert_eq!(s.expose(), "sbt_secret");
    }
}
