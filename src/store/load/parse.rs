//! Parsing: the trees a report is read from, numbers too large to parse, messages in Chinese.

use crate::store::tree::{Ctx, Table};
use std::ops::Range;

/// The tree a report was read from.
pub(in crate::store) enum Parsed {
    /// `load`: the format-preserving tree the editor goes on with.
    Edit(Box<toml_edit::Document<String>>),
    /// `inspect`: a tree borrowing from its own copy of the text, for reading only.
    Read(ReadTree),
}

impl std::fmt::Debug for Parsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Parsed::Edit(_) => "Parsed::Edit",
            Parsed::Read(_) => "Parsed::Read",
        })
    }
}

type DeRoot<'a> = serde_spanned::Spanned<toml::de::DeTable<'a>>;

self_cell::self_cell!(
    /// The text and the `DeTable` parsed from it.
    pub(in crate::store) struct ReadTree {
        owner: String,
        #[covariant]
        dependent: DeRoot,
    }
);

/// Parses a text into a `DeTable`; the error is toml's (the loader then reads with
/// toml_edit, whose messages it knows).
pub(super) fn read_tree(text: String) -> (ReadTree, bool) {
    let mut failed = false;
    let tree = ReadTree::new(text, |text| match toml::de::DeTable::parse(text) {
        Ok(root) => root,
        Err(_) => {
            failed = true;
            DeRoot::new(0..0, toml::de::DeTable::new())
        }
    });
    (tree, failed)
}

impl Parsed {
    pub(super) fn root(&self) -> Table<'_> {
        match self {
            Parsed::Edit(doc) => Table::Edit(doc.as_table()),
            Parsed::Read(tree) => Table::Read(
                tree.borrow_dependent().get_ref(),
                Ctx {
                    text: tree.borrow_owner(),
                    inline: false,
                },
            ),
        }
    }
}

/// How many numbers too large for the parser one file may hold before it is refused as X01.
const MAX_TOO_LARGE: usize = 64;

/// Parses the text. A number too large for the parser (an integer beyond 64 bits, a float
/// beyond `f64`) is a value of the wrong kind, not a syntax error: it is blanked out (with a
/// float of the same length, so that every span stays put) and its span returned, so that it
/// can be reported as X02 under its key together with every other error.
pub(super) fn parse_document(
    text: &str,
) -> Result<(toml_edit::Document<String>, Vec<Range<usize>>), toml_edit::TomlError> {
    let mut too_large = Vec::new();
    // The text is copied once for the parser; again only when a number has to be blanked.
    let mut current = text.to_owned();
    loop {
        let error = match toml_edit::Document::parse(current) {
            Ok(doc) => return Ok((doc, too_large)),
            Err(e) => e,
        };
        current = text.to_owned();
        for span in &too_large {
            blank_number(&mut current, span);
        }
        let overflow = matches!(
            error.message().trim(),
            "integer number overflowed" | "floating-point number overflowed"
        );
        let span = match error.span() {
            Some(span)
                if overflow
                    && span.len() >= 3
                    && too_large.len() < MAX_TOO_LARGE
                    && current.is_char_boundary(span.start)
                    && current.is_char_boundary(span.end) =>
            {
                span
            }
            _ => return Err(error),
        };
        blank_number(&mut current, &span);
        too_large.push(span);
    }
}

/// Writes a float of the same length over a number too large for the parser.
fn blank_number(text: &mut String, span: &Range<usize>) {
    let blank = format!("0.{}", "0".repeat(span.len() - 2));
    text.replace_range(span.clone(), &blank);
}

/// The parser's English explanation, with the usual phrases in Chinese.
pub(super) fn translate_parse_error(message: &str) -> String {
    let m = message.trim();
    let zh = if m.contains("duplicate key") {
        "键重复定义"
    } else if m.contains("invalid table header") || m.contains("unclosed table header") {
        "表头写法不对"
    } else if m.contains("unterminated") || m.contains("unclosed") {
        "字符串或括号没有闭合（文件可能被截断）"
    } else if m.contains("expected") {
        "此处的写法不符合 TOML 语法"
    } else {
        "语法错误"
    };
    format!("{zh}（{m}）")
}
