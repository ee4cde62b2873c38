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
        let (line, _) = self.line_col(offset);
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|s| *s <= offset);
        let start = self.starts[line - 1];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        (line, text[start..end].chars().count() + 1)
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
}
