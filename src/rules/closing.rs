//! N — 七、八 and the other text sections: what a reviewer sends back unread.

use super::{Ctx, finding, path};
use crate::finding::Finding;
use crate::model::record::{Plain, Record};
use crate::model::{FieldPath, Report, is_blank_text, is_nothing_text};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let r = ctx.report;
    stale_dates(r, out);
    if let Some(c) = &r.closing {
        if is_nothing_text(&c.problems) {
            out.push(finding(
                "N01",
                path("closing.problems"),
                "七、存在的问题及原因分析 为空或写“无”：自评应指出资金使用和绩效中的具体问题"
                    .to_owned(),
            ));
        }
        if is_nothing_text(&c.improvements) {
            out.push(finding(
                "N02",
                path("closing.improvements"),
                "八、下一步改进措施 为空或写“无”：应针对所列问题写出具体措施".to_owned(),
            ));
        }
    }
    let mut blank = |p: &str, label: &str| {
        out.push(finding("N03", path(p), format!("{label} 未填写")));
    };
    if let Some(b) = &r.basic {
        if b.functions.iter().all(|f| f.trim().is_empty()) {
            blank("basic.functions", "一（一）主要职能");
        }
        if is_blank_text(&b.organization) {
            blank("basic.organization", "一（二）机构情况");
        }
    }
    if let Some(p) = &r.performance
        && is_blank_text(&p.overall)
    {
        blank("performance.overall", "六（一）整体支出绩效情况");
    }
    if let Some(s) = &r.score_sheet {
        let goal_blank = s
            .goal
            .as_ref()
            .is_none_or(|g| is_blank_text(&g.expected) && is_blank_text(&g.actual));
        if goal_blank && (!s.groups.is_empty() || s.goal.is_some()) {
            blank("score_sheet.goal", "附件3 年度总体目标");
        }
    }
}

/// N04 — a text names a date that cannot belong to the report: “截至YYYY年12月31日” in any
/// text, or “YYYY年度” in the title, with YYYY ≠ `report.year`.
fn stale_dates(r: &Report, out: &mut Vec<Finding>) {
    let Some(year) = r.report.year.value() else {
        return;
    };
    if let Some(title) = r.report.title.as_deref()
        && let Some(named) = years_before(title, "年度").into_iter().find(|y| *y != year)
    {
        out.push(finding(
            "N04",
            path("report.title"),
            format!("标题写的是“{named}年度”，而报告年度为 {year}：可能沿用了往年的模板"),
        ));
    }
    let dated = |t: &str| t.contains("截至") || t.contains("截止");
    for (at, label, text) in texts(r, &dated) {
        let named = cutoff_years(&text).into_iter().find(|y| *y != year);
        if let Some(named) = named {
            out.push(finding(
                "N04",
                at,
                format!(
                    "{label} 写有“截至{named}年12月31日”，而报告年度为 {year}：可能沿用了往年的文字"
                ),
            ));
        }
    }
}

/// The texts of the report (not the cover) that `keep` accepts, with their paths and labels.
/// Paths and labels are made only for the texts kept: most reports have none.
fn texts(r: &Report, keep: &dyn Fn(&str) -> bool) -> Vec<(FieldPath, String, String)> {
    type Found = Vec<(FieldPath, String, String)>;
    fn record<R: Record>(
        rec: &R,
        base: &dyn Fn() -> FieldPath,
        prefix: &dyn Fn() -> String,
        keep: &dyn Fn(&str) -> bool,
        out: &mut Found,
    ) {
        for (field, value) in rec.plain() {
            match value {
                Plain::Text(Some(t)) if keep(t) => out.push((
                    base().key(field.key),
                    format!("{}{}", prefix(), field.label),
                    t.to_owned(),
                )),
                Plain::TextList(items) => {
                    for (i, t) in items.iter().enumerate().filter(|(_, t)| keep(t)) {
                        out.push((
                            base().key(field.key).index(i),
                            format!("{}{}第 {} 条", prefix(), field.label, i + 1),
                            t.clone(),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    let out = &mut out;
    let fixed = |p: &'static str| move || path(p);
    let label = |l: &'static str| move || l.to_owned();
    if let Some(b) = &r.basic {
        record(b, &fixed("basic"), &label("一、"), keep, out);
    }
    if let Some(b) = &r.budget {
        for (i, p) in b.projects.iter().enumerate() {
            let base = || path("budget.projects").index(i);
            record(p, &base, &label("二、项目支出 "), keep, out);
        }
        if let Some(o) = &b.other {
            record(o, &fixed("budget.other"), &label(""), keep, out);
        }
    }
    if let Some(p) = &r.performance {
        record(p, &fixed("performance"), &label("六、"), keep, out);
        for (i, f) in p.special_funds.iter().enumerate() {
            let base = || path("performance.special_funds").index(i);
            record(f, &base, &label("六（二）专项 "), keep, out);
        }
    }
    if let Some(c) = &r.closing {
        record(c, &fixed("closing"), &label(""), keep, out);
    }
    if let Some(d) = &r.basic_data {
        record(d, &fixed("basic_data"), &label("附件2 "), keep, out);
    }
    if let Some(s) = &r.score_sheet {
        if let Some(g) = &s.goal {
            let goal = label("附件3 年度总体目标 ");
            record(g, &fixed("score_sheet.goal"), &goal, keep, out);
        }
        for (gi, g) in s.groups.iter().enumerate() {
            for (ii, ind) in g.indicators.iter().enumerate() {
                let base = || {
                    path("score_sheet.groups")
                        .index(gi)
                        .key("indicators")
                        .index(ii)
                };
                let prefix = || format!("附件3 {} ", ind.label());
                record(ind, &base, &prefix, keep, out);
            }
        }
    }
    std::mem::take(out)
}

/// The years written as four digits right before `suffix` (`2022年度` → 2022), not part
/// of a longer number. Full-width digits count too.
fn years_before(text: &str, suffix: &str) -> Vec<u64> {
    let chars: Vec<char> = text.chars().collect();
    let suffix: Vec<char> = suffix.chars().collect();
    let mut years = Vec::new();
    for i in 0..chars.len() {
        if i + 4 + suffix.len() > chars.len() || chars[i + 4..i + 4 + suffix.len()] != suffix[..] {
            continue;
        }
        if i > 0 && digit(chars[i - 1]).is_some() {
            continue;
        }
        let year = chars[i..i + 4]
            .iter()
            .try_fold(0u64, |acc, c| Some(acc * 10 + u64::from(digit(*c)?)));
        years.extend(year);
    }
    years
}

/// The years of “截至YYYY年12月31日” (or 截止) in a text.
fn cutoff_years(text: &str) -> Vec<u64> {
    let mut years = Vec::new();
    for lead in ["截至", "截止"] {
        for (at, _) in text.match_indices(lead) {
            let rest: String = text[at + lead.len()..]
                .chars()
                .filter(|c| !c.is_whitespace())
                .take(11)
                .map(|c| digit(c).map_or(c, |d| char::from(b'0' + d as u8)))
                .collect();
            if rest.chars().count() == 11 && rest.ends_with("年12月31日") {
                years.extend(years_before(&rest, "年12月31日"));
            }
        }
    }
    years
}

/// An ASCII or full-width digit's value.
fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, ids, rules};

    #[test]
    fn n04_a_date_of_another_year() {
        // The title of last year's template, and a 截至 date of last year in a text.
        let found = crate::rules::testing::findings_with(
            "[basic]\nfunctions = [\"负责应急管理\"]\norganization = \"截至 2022年12月31日，本局共有内设机构5个。\"\n",
            Default::default(),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "N04");
        assert_eq!(found[0].1, "basic.organization");
        assert!(found[0].2.contains("截至2022年12月31日") && found[0].2.contains("2023"));
        assert!(fires(
            "N04",
            "[closing]\nproblems = \"一是…\"\nimprovements = \"截止２０２１年１２月３１日前完成\"\n"
        ));
        // The right year, and other dates of another year, are not a template carried over.
        assert!(!fires(
            "N04",
            "[basic]\norganization = \"截至2023年12月31日，共有内设机构5个；2022年度结转资金已清理，截至2022年6月30日到位。\"\n"
        ));
        assert!(!fires(
            "N04",
            "[basic]\norganization = \"截至12023年12月31日\"\n"
        ));
    }

    #[test]
    fn n04_the_title_names_another_year() {
        let head = crate::rules::testing::HEAD;
        let schemes = crate::scheme::SchemeSet::builtin();
        let scheme = schemes.get("hunan-department").unwrap();
        let check = |title: &str| {
            let text = head.replace("[report]\n", &format!("[report]\ntitle = \"{title}\"\n"));
            let loaded = crate::scheme::load_str(&text, &schemes).unwrap();
            crate::rules::check(&loaded.report, scheme)
                .into_iter()
                .map(|f| (f.rule, f.path.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            check("2022年度株洲市芦淞区应急管理局整体支出绩效自评报告"),
            [("N04", "report.title".to_owned())]
        );
        assert!(check("2023年度株洲市芦淞区应急管理局整体支出绩效自评报告").is_empty());
        assert!(check("株洲市芦淞区应急管理局整体支出绩效自评报告").is_empty());
    }

    #[test]
    fn n01_n02_problems_and_improvements() {
        assert!(fires(
            "N01",
            "[closing]\nproblems = \"无。\"\nimprovements = \"加强预算管理\"\n"
        ));
        assert!(fires("N02", "[closing]\nproblems = \"预算编制不细\"\n"));
        assert!(
            rules("[closing]\nproblems = \"预算编制不细\"\nimprovements = \"细化预算\"\n")
                .is_empty()
        );
    }

    #[test]
    fn n03_blank_sections() {
        let found =
            ids("[basic]\ndepartments = [\"办公室\"]\n[performance]\nspecial_fund_count = 0\n");
        assert_eq!(
            found,
            [
                ("N03".to_owned(), "basic.functions".to_owned()),
                ("N03".to_owned(), "basic.organization".to_owned()),
                ("N03".to_owned(), "performance.overall".to_owned()),
            ]
        );
        assert!(!fires(
            "N03",
            "[basic]\nfunctions = [\"负责应急管理\"]\norganization = \"正科级\"\n"
        ));
    }

    #[test]
    fn absent_sections_are_not_blank_sections() {
        assert!(rules("[budget]\nspent = 1\n").is_empty());
    }
}
