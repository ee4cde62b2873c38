//! Text from a report file is untrusted: control characters, escape sequences, bidi
//! overrides and zero-width characters are made visible before they reach a terminal.

use std::borrow::Cow;

/// Whether a character must never reach the terminal raw.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(c,
            '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{061C}' // Arabic letter mark
            | '\u{FEFF}' // zero-width no-break space
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotations
        )
}

fn escape_into(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        _ => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// The text with every unsafe character shown as an escape (`\u{1b}`); line breaks kept.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c != '\n' && is_unsafe(c) {
            escape_into(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The text on one line: unsafe characters escaped, and line breaks shown as `\n`.
pub fn visible_inline(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            escape_into(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_never_survive() {
        let hostile =
            "a\u{1b}]0;title\u{7}b\u{1b}[2J\u{1b}]52;c;aGk=\u{7}\u{202e}c\u{200b}d\u{9b}e\u{7f}";
        let shown = visible(hostile);
        assert!(!shown.chars().any(is_unsafe), "{shown}");
        assert!(shown.contains("\\u{1b}]0;title\\u{7}"));
        assert!(shown.contains("\\u{202e}"));
        assert!(shown.contains("\\u{9b}"));
    }

    #[test]
    fn ordinary_text_is_untouched() {
        assert!(matches!(
            visible("芦淞区应急管理局\n第二行"),
            Cow::Borrowed(_)
        ));
        assert_eq!(visible_inline("a\nb\tc"), "a\\nb\\tc");
    }
}
