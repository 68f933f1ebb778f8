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

/// Whether a character takes no room: it cannot be seen, so two texts that differ only by
/// it look the same (zero-width space and joiners, word joiner, invisible operators, the
/// byte-order mark, the soft hyphen, the Mongolian vowel separator, the grapheme joiner).
pub fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}' | '\u{034F}')
}

/// The form in which directive numbers and issuing bodies are compared (is this number
/// taken?): zero-width and text-direction characters removed, Unicode NFKC (full-width
/// `７` is `7`, `①` is `1`), trimmed. `哈指7\u{200B}号`, `哈指７号` and `哈指7号` are one
/// number. Only for comparing: what an officer typed is kept as typed.
pub fn comparable(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    let visible = |c: &char| !is_zero_width(*c) && !is_bidi_control(*c);
    let out: String = s.chars().filter(visible).nfkc().filter(visible).collect();
    out.trim().to_owned()
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
    fn look_alike_numbers_compare_equal() {
        let plain = comparable("哈指7号");
        for look_alike in
            ["哈指7\u{200B}号", "哈指７号", " 哈指7号\u{FEFF}", "\u{200E}哈指7号", "哈指7\u{00AD}号", "哈指7\u{2060}号"]
        {
            assert_eq!(comparable(look_alike), plain, "{look_alike:?}");
        }
        assert_ne!(comparable("哈指8号"), plain);
    }

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
