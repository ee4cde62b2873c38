//! How far a file may go, and X01 for a text shaped like no report, refused before parsing.

use crate::finding::{Finding, Severity};
use crate::model::FieldPath;
use std::ops::Range;

// How far a file may go before it is refused as X01, shaped like no report. Each limit
// leaves room for a 16 MiB report shaped like the large workload (long texts, 60,000 rows),
// which has 3.2 million tokens, 1.06 million keys and values and 64,000 tables; beyond them
// a file costs the parsers, the model and the workbench far more memory than such a report
// (a million `{}` took 4 GB in the workbench).

/// Tokens: keys, values, brackets, commas, dots, spaces, line breaks. The parsers keep
/// about 50 bytes for each before they build anything.
pub const TOKENS: usize = 4_000_000;
/// Keys and values (a decimal counts twice: `320.25` is two numbers and a dot to the
/// lexer; so does an item of a list). Each costs a few hundred bytes once parsed.
pub const ITEMS: usize = 1_250_000;
/// Tables, rows and lists: `{…}`, `[…]`, each header that names other tables than the
/// one before it (and each part of its dotted name), each part of a dotted key. Each
/// costs one to two kilobytes in the parsed tree, the model and the workbench.
pub const TABLES: usize = 150_000;

/// X01 for a text shaped like no report: more tokens, keys and values, or tables than
/// `limits` allow, at the place where a limit is passed. Counted before anything is parsed,
/// in one pass over the tokens and no memory to speak of.
pub(super) fn too_complex(text: &str) -> Option<Finding> {
    if clearly_within_limits(text.as_bytes()) {
        return None;
    }
    let mut shape = Shape {
        at_key: true,
        ..Shape::default()
    };
    for token in toml_parser::Source::new(text).lex() {
        let why = match shape.add(text, &token) {
            Some(why) => why,
            None => continue,
        };
        let span = token.span();
        return Some(
            Finding::new(
                "X01",
                Severity::Error,
                FieldPath::root(),
                format!("文件结构过于繁复：{why}，不像是一份绩效自评报告，拒绝载入"),
            )
            .at(Some(span.start()..span.end())),
        );
    }
    None
}

/// Whether bounds read off the bytes alone keep a text within `limits`, so that it need not
/// be lexed (a 2 MB report is clear in well under a millisecond, a tenth of lexing it).
/// Every token but a word starts with a delimiter; every table, row or list with `[`, `{`
/// or `.`; every word after a delimiter; every string with a quote.
pub(super) fn clearly_within_limits(bytes: &[u8]) -> bool {
    if bytes.len() <= TABLES {
        return true;
    }
    fn delimiter(b: u8) -> u8 {
        u8::from(matches!(
            b,
            b'.' | b'='
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b' '
                | b'\t'
                | b'#'
                | b'\r'
                | b'\n'
                | b'"'
                | b'\''
        ))
    }
    let (mut delimiters, mut tables, mut quotes, mut words) = (0usize, 0usize, 0usize, 0usize);
    // Chunks of 255 bytes counted in bytes, which the compiler does 16 or 32 at a time.
    // `flags[i + 1]`: whether the chunk's `i`-th byte is a delimiter; `flags[0]`: whether
    // the byte before the chunk is (the start of the text counts as one).
    let mut flags = [0u8; 256];
    flags[0] = 1;
    for chunk in bytes.chunks(255) {
        let n = chunk.len();
        for (flag, &b) in flags[1..=n].iter_mut().zip(chunk) {
            *flag = delimiter(b);
        }
        let (mut d, mut t, mut q, mut w) = (0u8, 0u8, 0u8, 0u8);
        for &flag in &flags[1..=n] {
            d += flag;
        }
        for &b in chunk {
            t += u8::from(matches!(b, b'[' | b'{' | b'.'));
            q += u8::from(matches!(b, b'"' | b'\''));
        }
        for (before, flag) in flags[..n].iter().zip(&flags[1..=n]) {
            w += before & (flag ^ 1);
        }
        flags[0] = flags[n];
        (delimiters, tables, quotes, words) = (
            delimiters + usize::from(d),
            tables + usize::from(t),
            quotes + usize::from(q),
            words + usize::from(w),
        );
    }
    // Each word or string may count twice, as an item of a list.
    2 * delimiters < TOKENS && 2 * (words + quotes) <= ITEMS && tables <= TABLES
}

/// What the tokens of a file add up to, read just well enough to tell a key's dots from a
/// decimal's and a header's brackets from a list's.
#[derive(Default)]
pub(super) struct Shape<'t> {
    pub(super) tokens: usize,
    pub(super) items: usize,
    pub(super) tables: usize,
    /// The brackets and braces open in the value being read (b'[' or b'{').
    pub(super) open: Vec<u8>,
    /// Whether the next word is a key (or part of one).
    pub(super) at_key: bool,
    /// Inside a `[header]` or `[[header]]`: its dots so far.
    pub(super) header: Option<usize>,
    /// The text of the header being read, and of the one before it.
    pub(super) header_text: (Range<usize>, &'t str),
}

impl<'t> Shape<'t> {
    /// Counts one token; what was passed, if a limit was.
    pub(super) fn add(
        &mut self,
        text: &'t str,
        token: &toml_parser::lexer::Token,
    ) -> Option<String> {
        use toml_parser::lexer::TokenKind as K;
        self.tokens += 1;
        let top = self.open.last().copied();
        let span = token.span();
        match token.kind() {
            K::Newline if top.is_none() => self.end_header(text, span.start()),
            K::LeftSquareBracket if top.is_none() && self.at_key => {
                match self.header {
                    // `[[`
                    Some(_) => {}
                    None => {
                        self.header = Some(0);
                        self.header_text.0 = span.end()..span.end();
                        self.tables += 1;
                    }
                }
            }
            K::RightSquareBracket if self.header.is_some() => {
                self.end_header(text, span.start());
            }
            K::LeftSquareBracket => {
                self.open.push(b'[');
                self.tables += 1;
                self.at_key = false;
            }
            K::LeftCurlyBracket => {
                self.open.push(b'{');
                self.tables += 1;
                self.at_key = true;
            }
            K::RightSquareBracket | K::RightCurlyBracket => {
                self.open.pop();
                self.at_key = false;
            }
            K::Equals => self.at_key = false,
            K::Comma => self.at_key = top == Some(b'{'),
            K::Dot => match &mut self.header {
                Some(dots) => *dots += 1,
                None if self.at_key => self.tables += 1,
                None => {}
            },
            // An item of a list costs about twice a key's value (the editor's tree keeps
            // each in a slot as large as a table, in a list that grows by doubling).
            K::Atom | K::BasicString | K::LiteralString | K::MlBasicString | K::MlLiteralString => {
                self.items += if top == Some(b'[') { 2 } else { 1 };
            }
            K::Whitespace | K::Comment | K::Newline | K::Eof => {}
        }
        if self.tokens > TOKENS {
            Some(format!(
                "超过 {} 个语法单元（键、值、括号、逗号、空白、换行）",
                TOKENS
            ))
        } else if self.items > ITEMS {
            Some(format!("超过 {} 个键和值", ITEMS))
        } else if self.tables > TABLES {
            Some(format!("超过 {} 个表、行和列表", TABLES))
        } else {
            None
        }
    }

    /// At the end of a line or of a header's name: a header naming other tables than the one
    /// before it counts each part of its name.
    fn end_header(&mut self, text: &'t str, end: usize) {
        if let Some(dots) = self.header.take() {
            let name = text.get(self.header_text.0.start..end).unwrap_or("").trim();
            if name != self.header_text.1 {
                self.tables += dots;
                self.header_text.1 = name;
            }
        }
        if self.open.is_empty() {
            self.at_key = true;
        }
    }
}
