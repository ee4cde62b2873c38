//! Markdown: the whole report — the body with the document's own headings, then 附件2 and
//! 附件3 as tables laid out like the printed forms (one table per block of the form, since
//! Markdown cannot merge cells).

use super::body::{self, Block};
use super::form::{self, Content};
use super::year_label;
use crate::model::schema::Kind;
use crate::model::{BasicData, Building, Record, Report};
use std::fmt::Write as _;

pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    let mut in_list = false;
    for block in body::blocks(report) {
        let is_item = matches!(block, Block::Item(..));
        if in_list && !is_item {
            // A list needs a blank line before what follows it.
            out.push('\n');
        }
        in_list = is_item;
        let _ = match block {
            Block::Title(t) => writeln!(out, "# {}\n", inline(&t)),
            Block::Section(t) => writeln!(out, "## {}\n", inline(&t)),
            Block::Subsection(t) => writeln!(out, "### {}\n", inline(&t)),
            Block::Paragraph(t) => writeln!(out, "{}\n", paragraph(&t)),
            Block::Item(n, t) => writeln!(out, "{n}. {}", inline(&t)),
        };
    }
    if in_list {
        out.push('\n');
    }
    basic_data(report, &mut out);
    score_sheet(report, &mut out);
    out
}

/// Escapes the characters Markdown would act on, so text from the file prints as written.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A paragraph: inline escapes, plus whatever at its start would open a heading, a quote, a
/// list or a rule.
fn paragraph(text: &str) -> String {
    let escaped = inline(text);
    let digits = escaped.bytes().take_while(u8::is_ascii_digit).count();
    if matches!(escaped.chars().next(), Some('#' | '-' | '+' | '=')) {
        return format!("\\{escaped}");
    }
    if digits > 0 && digits <= 9 {
        let rest = &escaped[digits..];
        let mut chars = rest.chars();
        if let Some(marker @ ('.' | ')')) = chars.next()
            && chars.next().is_none_or(char::is_whitespace)
        {
            return format!("{}\\{marker}{}", &escaped[..digits], &rest[1..]);
        }
    }
    escaped
}

/// A table cell: escapes, and line breaks as `<br>`.
fn cell(text: &str) -> String {
    let lines: Vec<String> = text.lines().map(|l| inline(l.trim())).collect();
    lines.join("<br>")
}

fn content(c: &Content) -> String {
    cell(&c.display())
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Center,
}

fn table(out: &mut String, head: &[String], align: &[Align], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let marks: Vec<&str> = align
        .iter()
        .map(|a| match a {
            Align::Left => "---",
            Align::Center => ":---:",
        })
        .collect();
    let _ = writeln!(out, "| {} |", marks.join(" | "));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out.push('\n');
}

fn s(text: &str) -> String {
    cell(text)
}

fn basic_data(report: &Report, out: &mut String) {
    let data = report.basic_data.as_ref();
    let year = year_label(report);
    let _ = writeln!(
        out,
        "## 附件2\n\n**{}度部门（单位）整体支出绩效评价基础数据表**\n",
        inline(&year)
    );

    let sheet = form::basic_data(report);
    let staff_row: Vec<String> = std::iter::once(String::new())
        .chain((0..3).map(|i| {
            content(
                &sheet
                    .cell_at(1, 1 + 2 * i)
                    .map_or(Content::Empty, |c| c.content.clone()),
            )
        }))
        .collect();
    table(
        out,
        &[
            s("财政供养人员情况（人）"),
            s("编制数"),
            s(&format!("{year}实际在职人数")),
            s("控制率"),
        ],
        &[Align::Left, Align::Center, Align::Center, Align::Center],
        &[staff_row],
    );

    let mut head = vec![s("经费控制情况（万元）")];
    head.extend(form::cost_headings(report).iter().map(|h| s(h)));
    let rows: Vec<Vec<String>> = form::cost_lines(data.and_then(|d| d.costs.as_ref()))
        .into_iter()
        .map(|line| {
            // Full-width spaces keep the form's indents: Markdown collapses ordinary ones.
            let indent = "　".repeat(usize::from(line.indent));
            std::iter::once(format!("{indent}{}", cell(&line.label)))
                .chain(line.cells.iter().map(content))
                .collect()
        })
        .collect();
    table(
        out,
        &head,
        &[Align::Left, Align::Center, Align::Center, Align::Center],
        &rows,
    );

    let mut head = vec![s(&format!("楼堂馆所控制情况（{year}完工项目）"))];
    // The columns after the project's name.
    head.extend(Building::fields()[1..].iter().map(|f| s(f.printed_label())));
    let buildings = data.map(|d| d.buildings.as_slice()).unwrap_or_default();
    let mut rows: Vec<Vec<String>> = buildings
        .iter()
        .map(|b| {
            b.plain()
                .into_iter()
                .map(|(_, value)| content(&Content::of(value)))
                .collect()
        })
        .collect();
    if rows.is_empty() {
        rows.push(vec![String::new(); 7]);
    }
    let mut align = vec![Align::Left];
    align.extend([Align::Center; 6]);
    table(out, &head, &align, &rows);

    // 附件2's long texts, each a table of its own.
    for (field, value) in data
        .unwrap_or(&BasicData::default())
        .plain_of_kind(Kind::LongText)
    {
        table(
            out,
            &[s(field.printed_label()), content(&Content::of(value))],
            &[Align::Left, Align::Left],
            &[],
        );
    }

    let _ = writeln!(out, "{}\n", paragraph(form::BASIC_DATA_NOTE));
    let _ = writeln!(out, "{}\n", paragraph(&form::signoff_line(data)));
}

fn score_sheet(report: &Report, out: &mut String) {
    let sheet = report.score_sheet.as_ref();
    let year = year_label(report);
    let _ = writeln!(
        out,
        "## 附件3\n\n**{}度部门（单位）整体支出绩效自评表**\n",
        inline(&year)
    );
    let unit = Content::text(&report.report.unit);
    table(
        out,
        &[s("区级预算部门（单位）名称"), content(&unit)],
        &[Align::Left, Align::Left],
        &[],
    );

    let mut head = vec![s("年度预算申请（万元）"), String::new()];
    head.extend(form::FUNDS_HEADS.map(s));
    let funds = sheet.and_then(|s| s.funds.clone()).unwrap_or_default();
    let mut rows = vec![
        [
            Content::Empty,
            Content::Text("年度资金总额".into()),
            Content::money(funds.initial),
            Content::money(funds.full_year),
            Content::money(funds.executed),
            Content::points(funds.weight),
            Content::rate(funds.rate),
            Content::points(funds.score),
        ]
        .iter()
        .map(content)
        .collect::<Vec<_>>(),
    ];
    for [(left, left_figure), (right, right_figure)] in form::split_rows(sheet) {
        let mut row = vec![
            String::new(),
            s(&left),
            content(&left_figure),
            s(&right),
            content(&right_figure),
        ];
        row.resize(8, String::new());
        rows.push(row);
    }
    let mut align = vec![Align::Left, Align::Left];
    align.extend([Align::Center; 6]);
    table(out, &head, &align, &rows);

    let goal = sheet.and_then(|s| s.goal.clone()).unwrap_or_default();
    table(
        out,
        &[s("年度总体目标"), s("预期目标"), s("实际完成情况")],
        &[Align::Left, Align::Left, Align::Left],
        &[vec![
            String::new(),
            content(&Content::text(&goal.expected)),
            content(&Content::text(&goal.actual)),
        ]],
    );

    let mut head = vec![s("绩效指标")];
    head.extend(form::INDICATOR_HEADS.map(s));
    let mut rows = Vec::new();
    for group in sheet.map(|s| s.groups.as_slice()).unwrap_or_default() {
        let label = s(&form::group_label(&group.name, group.weight));
        if group.indicators.is_empty() {
            let mut row = vec![String::new(), label.clone()];
            row.resize(9, String::new());
            rows.push(row);
        }
        for (i, ind) in group.indicators.iter().enumerate() {
            // The 一级指标 is printed once, on its first row: the form merges it downwards.
            let first = if i == 0 { label.clone() } else { String::new() };
            rows.push(vec![
                String::new(),
                first,
                content(&Content::text(&ind.category)),
                content(&Content::text(&ind.name)),
                content(&Content::text(&ind.target)),
                content(&Content::text(&ind.actual)),
                content(&Content::points(ind.weight)),
                content(&Content::points(ind.score)),
                content(&Content::text(&ind.deviation)),
            ]);
        }
    }
    let (total_weight, total_score) = sheet
        .map(|s| (s.total_weight, s.total_score))
        .unwrap_or_default();
    let mut total = vec![s("总分")];
    total.resize(6, String::new());
    total.push(content(&Content::points(total_weight)));
    total.push(content(&Content::points(total_score)));
    total.push(String::new());
    rows.push(total);
    let mut align = vec![Align::Left; 6];
    align.extend([Align::Center, Align::Center, Align::Left]);
    table(out, &head, &align, &rows);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cannot_be_injected() {
        assert_eq!(inline("a|b*c_"), "a\\|b\\*c\\_");
        assert_eq!(paragraph("# 标题"), "\\# 标题");
        assert_eq!(paragraph("1. 是"), "1\\. 是");
        assert_eq!(paragraph("1.2023年预算资金"), "1.2023年预算资金");
        assert_eq!(cell("1.是；\n2.是。"), "1.是；<br>2.是。");
    }
}
