//! Checks on free text that people and feeds type in: no control characters (newlines and
//! tabs only where a text may span lines), no bidirectional override or embedding marks
//! (they can make text read differently from what it says), and a bounded length.

/// Why a text was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextProblem {
    /// More than `max` characters.
    TooLong { chars: usize, max: usize },
    /// A control or text-direction character `code` at character `position`.
    BadCharacter { code: u32, position: usize },
}

impl std::fmt::Display for TextProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextProblem::TooLong { chars, max } => write!(f, "text is too long ({chars} characters, at most {max})"),
            TextProblem::BadCharacter { code, position } => {
                write!(f, "contains a control or text-direction character (U+{code:04X}) at position {position}")
            }
        }
    }
}

/// Whether a character changes or hides the direction of the text around it.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Refuse control characters (other than newline, tab and carriage return in multi-line
/// text), bidi override/embedding characters, and text over `max_chars`. Returns the text
/// trimmed.
pub fn check_text(s: &str, multiline: bool, max_chars: usize) -> Result<String, TextProblem> {
    let n = s.chars().count();
    if n > max_chars {
        return Err(TextProblem::TooLong { chars: n, max: max_chars });
    }
    for (i, c) in s.chars().enumerate() {
        let bad_control = c.is_control() && !(multiline && (c == '\n' || c == '\t' || c == '\r'));
        if bad_control || is_bidi_control(c) {
            return Err(TextProblem::BadCharacter { code: c as u32, position: i });
        }
    }
    Ok(s.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_controls_bidi_marks_and_long_text() {
        assert_eq!(check_text("  绥指公4号 ", false, 100).unwrap(), "绥指公4号");
        assert_eq!(check_text("a\nb", false, 100), Err(TextProblem::BadCharacter { code: 10, position: 1 }));
        assert!(check_text("a\nb", true, 100).is_ok());
        assert_eq!(
            check_text("evil\u{202E}txt", true, 100),
            Err(TextProblem::BadCharacter { code: 0x202E, position: 4 })
        );
        assert_eq!(check_text(&"x".repeat(101), true, 100), Err(TextProblem::TooLong { chars: 101, max: 100 }));
    }
}
