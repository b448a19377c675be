//! Text on its way to a terminal, a plan or a generated file: control characters and
//! bidirectional-text controls become visible escapes.
//!
//! A card text or a file name can hold a stray carriage return (a CRLF file, a pasted
//! text), an ESC sequence, or a right-to-left override (U+202E). Printed raw, the first
//! makes a diff invisible, the second can rewrite the reviewer's screen, and the third
//! makes a text read differently from what it is ("Trojan Source"). Views pass user text
//! through [`visible`]; single-line places (a comment, a listing's cell, a header line)
//! through [`visible_line`], which escapes line breaks too.

use std::borrow::Cow;

/// `s` with every control character except the line feed, and every bidirectional
/// control, written as its Rust escape (`\r`, `\t`, `\u{1b}`, `\u{202e}`).
pub fn visible(s: &str) -> Cow<'_, str> {
    escape(s, |c| is_hidden(c) && c != '\n')
}

/// Like [`visible`], and line feeds too: for text that must stay on one line (a TOML
/// comment, a table cell, a status line), where a line break could start a new table or
/// forge a line of output.
pub fn visible_line(s: &str) -> Cow<'_, str> {
    escape(s, is_hidden)
}

fn escape(s: &str, hide: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&hide) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hide(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                _ => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Control characters (C0, DEL, C1), the line and paragraph separators, and the Unicode
/// bidirectional controls (embeddings, overrides, isolates, marks).
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::{visible, visible_line};

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(visible("仅限堂食。"), "仅限堂食。");
        assert_eq!(visible("a\r\nb"), "a\\r\nb");
        assert_eq!(visible("x\u{1b}[2Jy\t"), "x\\u{1b}[2Jy\\t");
    }

    #[test]
    fn bidi_controls_are_escaped() {
        assert_eq!(visible("abc\u{202E}fed"), "abc\\u{202e}fed");
        assert_eq!(visible("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
        assert_eq!(visible("a\u{200F}b"), "a\\u{200f}b");
    }

    #[test]
    fn one_line_text_escapes_line_breaks() {
        assert_eq!(visible_line("满100减20"), "满100减20");
        assert_eq!(
            visible_line("t\n[cards.injected]\r\n"),
            "t\\n[cards.injected]\\r\\n"
        );
        assert_eq!(visible_line("a\u{2028}b"), "a\\u{2028}b");
    }
}
