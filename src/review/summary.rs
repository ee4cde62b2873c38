//! `jixiao check … --summary`: the review's table as text — one line per report, sorted by
//! unit, columns aligned by display width (a Chinese character is two columns) — then the
//! rule counts and the district's counts.

use super::{Column, District, Row, RuleStat, Sort, district, rule_stats, view};
use std::io::Write;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The widest the unit, scheme and finding columns grow.
const UNIT_MAX: usize = 30;
const SCHEME_MAX: usize = 20;
const FINDING_MAX: usize = 70;

/// `text` cut to `max` columns (ending in `…` when cut), never splitting a character.
pub fn cut(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
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

/// `text` cut to `max` columns in its middle (`株洲市…第101分局`): the names of a district's
/// units share their start, and differ at the end. Never splits a character.
pub fn cut_middle(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_owned();
    }
    if max < 6 {
        return cut(text, max);
    }
    let graphemes: Vec<&str> = text.graphemes(true).collect();
    let head_room = (max - 1) / 3;
    let mut head = String::new();
    let mut used = 0;
    let mut i = 0;
    while i < graphemes.len() && used + graphemes[i].width() <= head_room {
        used += graphemes[i].width();
        head.push_str(graphemes[i]);
        i += 1;
    }
    let tail_room = max - 1 - used;
    let mut tail: Vec<&str> = Vec::new();
    let mut tail_used = 0;
    let mut j = graphemes.len();
    while j > i && tail_used + graphemes[j - 1].width() <= tail_room {
        tail_used += graphemes[j - 1].width();
        tail.push(graphemes[j - 1]);
        j -= 1;
    }
    tail.reverse();
    format!("{head}…{}", tail.concat())
}

/// `text` cut or padded (on the right, or on the left for `right`) to exactly `columns`.
pub fn pad(text: &str, columns: usize, right: bool) -> String {
    let text = cut(text, columns);
    let fill = " ".repeat(columns.saturating_sub(text.width()));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

/// `✗ F02 安全监管：…`; for a report without findings, why last year's report was not
/// compared (`上年报告有 2 份，未比对`) when it was not, else empty.
pub fn worst_text(row: &Row) -> String {
    row.worst()
        .map(|p| format!("{} {} {}", p.severity.symbol(), p.rule, p.message))
        .or_else(|| row.not_compared.clone())
        .unwrap_or_default()
}

/// The 上年比对 cell: the report compared with, or why none was, or empty when there was
/// none to compare with.
pub fn previous_text(row: &Row) -> String {
    match (&row.previous, &row.not_compared) {
        (Some(file), _) => format!("已比对：{file}"),
        (None, Some(why)) => why.clone(),
        (None, None) => String::new(),
    }
}

/// The year as shown.
pub fn year_text(row: &Row) -> String {
    row.year
        .map(|y| y.to_string())
        .unwrap_or_else(|| "—".into())
}

/// Writes the table, the rule counts and the district's counts.
pub fn write(rows: &[Row], out: &mut dyn Write) -> std::io::Result<()> {
    let order = view(rows, &Default::default(), Sort::default());
    let rows_in_order: Vec<&Row> = order.iter().map(|&i| &rows[i]).collect();
    let widest = |f: &dyn Fn(&Row) -> String, heading: Column, max: usize| {
        rows_in_order
            .iter()
            .map(|r| f(r).width())
            .chain([heading.heading().width()])
            .max()
            .unwrap_or(0)
            .min(max)
    };
    let unit_w = widest(&|r| r.label().to_owned(), Column::Unit, UNIT_MAX);
    let year_w = widest(&year_text, Column::Year, 8);
    let scheme_w = widest(
        &|r| r.scheme.clone().unwrap_or_default(),
        Column::Scheme,
        SCHEME_MAX,
    );
    let score_w = widest(&Row::score_text, Column::Score, 24);
    let grade_w = widest(&|r| r.grade.clone(), Column::Grade, 12);
    let count_w = rows_in_order
        .iter()
        .map(|r| {
            [r.counts.errors, r.counts.warnings, r.counts.infos]
                .iter()
                .map(|n| n.to_string().len())
                .max()
                .unwrap_or(1)
        })
        .max()
        .unwrap_or(1)
        .max(3);
    let line = |cells: [String; 9]| {
        let [unit, year, scheme, score, grade, e, w, i, finding] = cells;
        let text = format!(
            "{}  {}  {}  {}  {}  {} {} {}  {}",
            pad(&cut_middle(&unit, unit_w), unit_w, false),
            pad(&year, year_w, false),
            pad(&scheme, scheme_w, false),
            pad(&score, score_w, false),
            pad(&grade, grade_w, false),
            pad(&e, count_w, true),
            pad(&w, count_w, true),
            pad(&i, count_w, true),
            cut(&finding, FINDING_MAX),
        );
        text.trim_end().to_owned()
    };
    writeln!(out, "{}", line(Column::ALL.map(|c| c.heading().to_owned())))?;
    for row in &rows_in_order {
        writeln!(
            out,
            "{}",
            line([
                row.label().to_owned(),
                year_text(row),
                row.scheme.clone().unwrap_or_default(),
                row.score_text(),
                row.grade.clone(),
                row.counts.errors.to_string(),
                row.counts.warnings.to_string(),
                row.counts.infos.to_string(),
                worst_text(row),
            ])
        )?;
    }
    let stats = rule_stats(rows);
    writeln!(out)?;
    if stats.is_empty() {
        writeln!(out, "规则统计：没有规则触发")?;
    } else {
        writeln!(out, "规则统计（触发该规则的报告数）：")?;
        for stat in &stats {
            writeln!(out, "  {}", rule_line(stat))?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", district_line(&district(rows)))
}

/// `✗ C07 · 2 份报告（共 6 处）一级指标权重…`.
pub fn rule_line(stat: &RuleStat) -> String {
    format!(
        "{} {}（共 {} 处）  {}",
        stat.severity.symbol(),
        stat.line(),
        stat.findings,
        stat.title()
    )
}

/// The district's counts, with the files that did not load named as such.
pub fn district_line(d: &District) -> String {
    d.line()
}
