//! Text on its way to a terminal: control characters become visible escapes.
//!
//! A card text or a file name can hold a stray carriage return (a CRLF file, a pasted
//! text) or an ESC sequence; printed raw, one makes a diff invisible and the other can
//! rewrite the reviewer's screen. Views pass user text through [`visible`].

use std::borrow::Cow;

/// `s` with every control character except the line feed written as its Rust escape
/// (`\r`, `\t`, `\u{1b}`).
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hidden(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_hidden(c: char) -> bool {
    c.is_control() && c != '\n'
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(visible("仅限堂食。"), "仅限堂食。");
        assert_eq!(visible("a\r\nb"), "a\\r\nb");
        assert_eq!(visible("x\u{1b}[2Jy\t"), "x\\u{1b}[2Jy\\t");
    }
}
