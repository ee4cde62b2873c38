//! The report body (sections 一 to 九) as a sequence of blocks, written once and drawn by
//! both the Markdown and the Word writers.

use super::{amount_text, clean, count_text, year_label};
use crate::model::{Amount, Report, SpecialFund, Staff};
use rust_decimal::Decimal;

/// One block of the body. Texts are already cleaned of control characters and hold no
/// line break.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Title(String),
    /// 一、… — a section.
    Section(String),
    /// （一）… — a sub-section.
    Subsection(String),
    Paragraph(String),
    /// One entry of a numbered list, with its number.
    Item(usize, String),
}

/// Every non-empty line of a text as its own paragraph: a multi-paragraph text stays
/// several paragraphs.
fn paragraphs(text: Option<&str>) -> impl Iterator<Item = Block> + '_ {
    text.into_iter()
        .flat_map(str::lines)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| Block::Paragraph(clean(l)))
}

/// The title as stated; a report without one gets the conventional title from its cover.
pub(crate) fn title(report: &Report) -> String {
    match report.report.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => clean(t),
        _ => format!(
            "{}度{}整体支出绩效自评报告",
            year_label(report),
            report.report.unit.as_deref().map(clean).unwrap_or_default()
        ),
    }
}

pub(crate) fn blocks(report: &Report) -> Vec<Block> {
    let mut out = vec![Block::Title(title(report))];
    basic(report, &mut out);
    budget(report, &mut out);
    let other = report
        .budget
        .as_ref()
        .and_then(|b| b.other.clone())
        .unwrap_or_default();
    out.push(Block::Section("三、政府性基金预算支出情况".into()));
    out.extend(paragraphs(other.government_fund.as_deref()));
    out.push(Block::Section("四、国有资本经营预算支出情况".into()));
    out.extend(paragraphs(other.state_capital.as_deref()));
    out.push(Block::Section("五、社会保险基金预算支出情况".into()));
    out.extend(paragraphs(other.social_insurance.as_deref()));
    performance(report, &mut out);
    let closing = report.closing.clone().unwrap_or_default();
    out.push(Block::Section("七、存在的问题及原因分析".into()));
    out.extend(paragraphs(closing.problems.as_deref()));
    out.push(Block::Section("八、下一步改进措施".into()));
    out.extend(paragraphs(closing.improvements.as_deref()));
    out.push(Block::Section(
        "九、部门整体支出绩效自评结果拟应用和公开情况".into(),
    ));
    out.extend(paragraphs(closing.publication.as_deref()));
    out
}

fn basic(report: &Report, out: &mut Vec<Block>) {
    let basic = report.basic.clone().unwrap_or_default();
    out.push(Block::Section("一、部门（单位）基本情况".into()));
    out.push(Block::Subsection("（一）主要职能".into()));
    for (i, f) in basic.functions.iter().enumerate() {
        // One function is one numbered item, even when written over several lines.
        let joined: Vec<&str> = f.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        out.push(Block::Item(i + 1, clean(&joined.join(" "))));
    }
    out.push(Block::Subsection("（二）机构情况".into()));
    out.extend(paragraphs(basic.organization.as_deref()));
    // The departments are printed unless the text above already names them all.
    let organization = basic.organization.as_deref().unwrap_or_default();
    let named = basic
        .departments
        .iter()
        .all(|d| organization.contains(d.trim()));
    if !basic.departments.is_empty() && !named {
        let list: Vec<String> = basic.departments.iter().map(|d| clean(d.trim())).collect();
        out.push(Block::Paragraph(format!("内设机构：{}。", list.join("、"))));
    }
    out.push(Block::Subsection("（三）人员情况".into()));
    if let Some(staff) = &basic.staff
        && let Some(sentence) = staff_sentence(staff)
    {
        out.push(Block::Paragraph(sentence));
    }
}

/// （三）人员情况 as the report writes it: “年末实有人数13人，其中：在职10人，…。”
pub(crate) fn staff_sentence(staff: &Staff) -> Option<String> {
    let parts: Vec<String> = [
        ("在职", staff.in_service),
        ("无固期人员", staff.open_ended),
        ("政府雇员", staff.government_employees),
        ("退休人员", staff.retired),
        ("其他", staff.other),
    ]
    .into_iter()
    .filter(|(_, c)| !matches!(c, crate::model::Count::Blank))
    .map(|(label, c)| format!("{label}{}人", count_text(c)))
    .collect();
    let total = (!matches!(staff.actual_total, crate::model::Count::Blank))
        .then(|| format!("年末实有人数{}人", count_text(staff.actual_total)));
    match (total, parts.is_empty()) {
        (None, true) => None,
        (Some(t), true) => Some(format!("本部门{t}。")),
        (Some(t), false) => Some(format!("本部门{t}，其中：{}。", parts.join("，"))),
        (None, false) => Some(format!("本部门人员：{}。", parts.join("，"))),
    }
}

fn budget(report: &Report, out: &mut Vec<Block>) {
    let b = report.budget.clone().unwrap_or_default();
    let year = year_label(report);
    let a = amount_text;
    out.push(Block::Section("二、一般公共预算支出情况".into()));
    out.push(Block::Subsection("（一）基本支出情况".into()));
    out.push(Block::Paragraph(format!(
        "1.{year}预算资金{}万元。",
        a(b.initial)
    )));
    out.push(Block::Paragraph(format!(
        "2.{year}度单位一般公共预算财政拨款收入{}万元。",
        a(b.income)
    )));
    out.push(Block::Paragraph(format!(
        "3.{year}度单位一般公共预算财政拨款支出{}万元，其中：项目支出{}万元，基本支出{}万元，其中：人员经费{}万元，公用经费{}万元。",
        a(b.spent),
        a(b.project),
        a(b.basic),
        a(b.personnel),
        a(b.public)
    )));
    out.push(Block::Subsection("（二）项目支出情况".into()));
    let mut sentence = format!("{year}度项目支出合计{}万元", a(b.project));
    if !b.projects.is_empty() {
        let items: Vec<String> = b
            .projects
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "{}.{}{}万元",
                    i + 1,
                    p.name.as_deref().map(clean).unwrap_or_default(),
                    a(p.amount)
                )
            })
            .collect();
        sentence.push_str("，其中：");
        sentence.push_str(&items.join("；"));
    }
    sentence.push('。');
    out.push(Block::Paragraph(sentence));
}

fn performance(report: &Report, out: &mut Vec<Block>) {
    let p = report.performance.clone().unwrap_or_default();
    let year = year_label(report);
    out.push(Block::Section(
        "六、资金使用及绩效情况（包含单位管理的公共专项）".into(),
    ));
    out.push(Block::Subsection("（一）整体支出绩效情况".into()));
    out.extend(paragraphs(p.overall.as_deref()));
    out.push(Block::Subsection("（二）项目支出绩效情况".into()));
    let stated = !matches!(p.special_fund_count, crate::model::Count::Blank);
    if stated {
        out.push(Block::Paragraph(format!(
            "本部门{year}专项资金共{}个，具体如下：",
            count_text(p.special_fund_count)
        )));
    } else if !p.special_funds.is_empty() {
        out.push(Block::Paragraph(format!("本部门{year}专项资金具体如下：")));
    }
    for (i, fund) in p.special_funds.iter().enumerate() {
        let (first, rest) = fund_paragraphs(i, fund);
        out.push(Block::Paragraph(first));
        out.extend(rest.into_iter().map(Block::Paragraph));
    }
}

/// “一是安全监管（包含…），预算支出29.50万元，年中执行调增270.08万元，…。” followed by the
/// description; a description over several lines continues in paragraphs of its own.
fn fund_paragraphs(index: usize, fund: &SpecialFund) -> (String, Vec<String>) {
    let a = amount_text;
    let name = fund.name.as_deref().map(clean).unwrap_or_default();
    let scope = match fund.scope.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => format!("（{}）", clean(s)),
        _ => String::new(),
    };
    let adjustment = match fund.adjustment {
        Amount::Value(v) if v < Decimal::ZERO => format!("调减{}", -v),
        Amount::Value(v) if v > Decimal::ZERO => format!("调增{v}"),
        other => format!("调整{}", a(other)),
    };
    let mut first = format!(
        "{}是{name}{scope}，预算支出{}万元，年中执行{adjustment}万元，实际支出{}万元，结余结转{}万元。",
        chinese_number(index + 1),
        a(fund.budget),
        a(fund.spent),
        a(fund.carryover),
    );
    let mut lines = fund
        .description
        .as_deref()
        .into_iter()
        .flat_map(str::lines)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(clean);
    if let Some(line) = lines.next() {
        first.push_str(&line);
    }
    (first, lines.collect())
}

/// 1 → 一, 12 → 十二, 25 → 二十五: the ordinals of “一是、二是”.
pub(crate) fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!(
            "{}十{}",
            DIGITS[n / 10],
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[n % 10]
            }
        ),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(14), "十四");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(37), "三十七");
    }
}
