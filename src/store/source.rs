//! The text of a report file as read: BOM and line endings remembered, lines indexed.

use std::ops::Range;

/// A report file's text, with its byte-order mark removed (and remembered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The text without a BOM.
    pub text: String,
    pub bom: bool,
    index: LineIndex,
}

impl Source {
    pub fn new(text: &str) -> Source {
        let (bom, body) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        Source {
            text: body.to_owned(),
            bom,
            index: LineIndex::new(body),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.index.line_col(&self.text, offset)
    }

    /// The line (without its ending) holding a byte offset, and the line's start offset.
    pub fn line_at(&self, offset: usize) -> (&str, usize) {
        let line = self.index.line_of(offset.min(self.text.len()));
        let start = self.index.starts[line - 1];
        let end = self
            .index
            .starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let raw = &self.text[start..end];
        (raw.trim_end_matches(['\n', '\r']), start)
    }

    /// The characters of a span (clamped to the text).
    pub fn slice(&self, span: &Range<usize>) -> &str {
        let end = span.end.min(self.text.len());
        let start = span.start.min(end);
        self.text.get(start..end).unwrap_or("")
    }
}

/// Offsets of line starts, for turning byte offsets into line and column.
///
/// A column counts characters from the start of its line; on a line of hundreds of
/// kilobytes (a hostile file of one line) counting from the start for every finding would
/// make reporting quadratic, so the characters before every `CHUNK`-th byte are kept too,
/// and a column takes two lookups and at most twice `CHUNK` bytes of counting (a short
/// line: its own length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// `chars[k]`: how many characters start before byte `k * CHUNK`.
    chars: Vec<usize>,
}

const CHUNK: usize = 1024;

/// How many characters start in these bytes of UTF-8 (the bytes that are not continuations).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b as i8) >= -0x40).count()
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut chars = Vec::with_capacity(text.len() / CHUNK + 1);
        let mut count = 0;
        for chunk in text.as_bytes().chunks(CHUNK) {
            chars.push(count);
            count += count_chars(chunk);
        }
        chars.push(count);
        LineIndex { starts, chars }
    }

    /// The 1-based line holding a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|s| *s <= offset)
    }

    /// How many characters start before a byte offset.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let k = offset / CHUNK;
        self.chars[k] + count_chars(&text.as_bytes()[k * CHUNK..offset])
    }

    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line - 1];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = if end - start <= CHUNK {
            count_chars(&text.as_bytes()[start..end])
        } else {
            self.chars_before(text, end) - self.chars_before(text, start)
        };
        (line, column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_characters() {
        let s = Source::new("\u{feff}a = 1\r\n名称 = \"x\"\n");
        assert!(s.bom);
        assert_eq!(s.line_col(0), (1, 1));
        let offset = s.text.find('=').unwrap();
        assert_eq!(s.line_col(offset), (1, 3));
        let offset = s.text.find("= \"x").unwrap();
        assert_eq!(s.line_col(offset), (2, 4));
        assert_eq!(s.line_at(offset).0, "名称 = \"x\"");
        assert_eq!(s.line_at(2).0, "a = 1");
    }

    #[test]
    fn columns_on_long_lines_match_counting_from_the_line_start() {
        let mut text = String::from("x = 1\n");
        for i in 0..3000 {
            text.push_str(if i % 3 == 0 {
                "{名称=\"应急\"},"
            } else {
                "{a=1},"
            });
            if i % 1000 == 999 {
                text.push('\n');
            }
        }
        let s = Source::new(&text);
        for offset in (0..=text.len() + 2).step_by(7).chain([text.len()]) {
            let clamped = offset.min(text.len());
            let mut end = clamped;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
            let line = text[..end].matches('\n').count() + 1;
            let column = text[line_start..end].chars().count() + 1;
            assert_eq!(s.line_col(offset), (line, column), "offset {offset}");
        }
        for len in [CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK] {
            let text = "名".repeat(len / 3) + &"a".repeat(len % 3);
            let s = Source::new(&text);
            assert_eq!(s.line_col(text.len()), (1, text.chars().count() + 1));
        }
    }
}
