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

/// A text as the field editor shows it: line breaks (CR, LF or CRLF) as lines, tabs as tabs,
/// every other unsafe character as a visible escape that `from_editor` turns back.
pub fn to_editor(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The text back from the editor: the escapes `to_editor` wrote become their characters again.
pub fn from_editor(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\\u{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let decoded = after.find('}').and_then(|end| {
            let c = u32::from_str_radix(&after[..end], 16)
                .ok()
                .and_then(char::from_u32)?;
            (is_unsafe(c) && c != '\n' && c != '\t').then_some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("\\u{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Pasted text: line breaks normalised to LF, tabs kept, every other control or invisible
/// formatting character dropped (a paste never smuggles an escape sequence into a report).
pub fn clean_paste(text: &str) -> String {
    let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
    normalised
        .chars()
        .filter(|c| matches!(c, '\n' | '\t') || !is_unsafe(*c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_round_trips_every_character() {
        for text in [
            "株洲\t应急\u{1b}[31m红\u{202e}",
            "a\nb",
            "C:\\temp",
            "\\u{41}",
        ] {
            assert_eq!(from_editor(&to_editor(text)), text, "{text:?}");
        }
        assert_eq!(to_editor("a\r\nb\rc"), "a\nb\nc");
        assert!(
            !to_editor("\u{1b}]0;x\u{7}")
                .chars()
                .any(|c| is_unsafe(c) && c != '\n')
        );
    }

    #[test]
    fn pastes_keep_lines_and_tabs_only() {
        assert_eq!(
            clean_paste("项目A\t预算\r第二行\u{1b}[2J\r\n"),
            "项目A\t预算\n第二行[2J\n"
        );
    }

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
