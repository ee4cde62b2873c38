//! Display width, measured once, by grapheme: Chinese is two columns wide and a character is
//! never cut in half.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Columns a text takes on the terminal.
pub fn width(text: &str) -> usize {
    text.width()
}

/// The text cut to `max` columns (with `…` when cut), never splitting a wide character.
pub fn truncate(text: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    if text.width() <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = g.width();
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out.push('…');
    out
}

/// `text` cut to `max` display columns from its start, keeping its end: `…` and the last
/// columns (an input line, whose end is where the typing is).
pub fn truncate_start(text: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    if text.width() <= max {
        return text.to_owned();
    }
    let mut kept = Vec::new();
    let mut used = 0;
    for g in text.graphemes(true).rev() {
        let w = g.width();
        if used + w > max - 1 {
            break;
        }
        used += w;
        kept.push(g);
    }
    let mut out = String::from("…");
    out.extend(kept.into_iter().rev());
    out
}

/// The text cut or padded to exactly `columns`.
pub fn fit(text: &str, columns: usize) -> String {
    let mut out = truncate(text, columns);
    let w = out.width();
    if w < columns {
        out.push_str(&" ".repeat(columns - w));
    }
    out
}

/// Punctuation that never starts a line.
const CLOSING: &str = "，。、；：！？）》」』”’】〕…";

/// The text broken into lines of at most `columns` (by grapheme, never splitting a wide
/// character); a line break in the text starts a new line. A line breaks after a space or
/// beside a Chinese character when there is such a place in its second half, so that a
/// figure such as `56.58` or a key such as `carryover` stays whole; Chinese breaks anywhere.
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let columns = columns.max(2);
    let mut lines = Vec::new();
    for part in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        // Where the line could break: the byte and the columns before that place.
        let mut space: Option<(usize, usize)> = None;
        // Whether the last character lets a line break after it (a space, a wide one).
        let mut after = false;
        for g in part.graphemes(true) {
            let w = g.width();
            if (after || w > 1) && !CLOSING.contains(g) {
                space = Some((line.len(), used));
            }
            if used + w > columns {
                match space.filter(|(_, cols)| *cols * 2 >= columns) {
                    Some((at, cols)) => {
                        let rest = line.split_off(at);
                        // A space at the break is not carried to the next line's start.
                        let kept = rest.trim_start_matches(' ').to_owned();
                        used -= cols + (rest.len() - kept.len());
                        lines.push(std::mem::replace(&mut line, kept));
                    }
                    None => {
                        lines.push(std::mem::take(&mut line));
                        used = 0;
                    }
                }
                space = None;
                // A space that overflows a line ends it; it does not start the next one.
                if g == " " && line.is_empty() {
                    after = false;
                    continue;
                }
            }
            used += w;
            line.push_str(g);
            after = g == " " || w > 1;
        }
        lines.push(line);
    }
    lines
}

/// Splits `total` columns in proportion to `parts` (each at least 1).
pub fn split_widths(total: usize, parts: &[u16]) -> Vec<usize> {
    let sum: usize = parts.iter().map(|p| *p as usize).sum::<usize>().max(1);
    let mut widths: Vec<usize> = parts
        .iter()
        .map(|p| (total * *p as usize / sum).max(1))
        .collect();
    let used: usize = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += total.saturating_sub(used);
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_space_that_overflows_a_line_does_not_start_the_next() {
        assert_eq!(wrap("aaaa bbbb", 4), ["aaaa", "bbbb"]);
    }

    #[test]
    fn an_input_keeps_its_end_cut_by_columns() {
        assert_eq!(truncate_start("公用经费", 8), "公用经费");
        assert_eq!(truncate_start("公用经费", 7), "…用经费");
        assert_eq!(truncate_start("公用经费", 6), "…经费");
        assert_eq!(truncate_start("ab公用", 4), "…用");
        // Never half a wide character: 8 columns where 9 would cut one.
        assert_eq!(truncate_start("预算执行情况表.xlsx", 9), "…表.xlsx");
    }

    #[test]
    fn chinese_is_two_columns_and_never_cut_in_half() {
        assert_eq!(width("公用经费"), 8);
        assert_eq!(truncate("公用经费", 6), "公用…");
        assert_eq!(truncate("公用经费", 5), "公用…");
        assert_eq!(width(&fit("公用经费", 7)), 7);
        assert_eq!(fit("ab", 4), "ab  ");
    }

    #[test]
    fn wrapping_keeps_every_character_and_each_line_fits() {
        let text = "安全监管：预算 29.50 + 调整 270.08 = 299.58";
        let lines = wrap(text, 9);
        assert!(lines.iter().all(|l| width(l) <= 9), "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        assert_eq!(wrap("a\nb", 10), vec!["a", "b"]);
        // A figure is not cut where a space allows a break before it.
        assert_eq!(wrap("实际支出 56.58 元", 14), vec!["实际支出 ", "56.58 元"]);
        assert_eq!(wrap("合计（carryover）", 12), vec!["合计（", "carryover）"]);
        // No line starts with a comma or a space.
        assert_eq!(wrap("一二三四，五六", 8), vec!["一二三", "四，五六"]);
        assert_eq!(wrap("请填 0", 5), vec!["请填 ", "0"]);
    }

    #[test]
    fn widths_add_up() {
        assert_eq!(split_widths(10, &[1, 1, 1]).iter().sum::<usize>(), 10);
        assert_eq!(split_widths(50, &[3, 1]), vec![37, 13]);
    }
}
