//! The figures the program can compute: for each stated figure that is a rate, a score
//! under the scheme, a balance or a sum of other figures, the value it should have. The
//! workbench shows it beside the stated one (✓ / ✗) and can put it in place of a wrong one;
//! `set` takes the same `value` as typed.
//!
//! Each value is the one whose rule (named in `rule`) then holds: a rate rounded half-up as
//! it is shown, the funds score by `Scheme::funds_score`, sums exact.

use super::staff::{control_percent, execution_percent, rate_agrees};
use crate::model::{Amount, Cell, CostColumn, CostRow, FieldPath, Rate, Report, sum_filled};
use crate::scheme::Scheme;
use rust_decimal::{Decimal, RoundingStrategy};

/// A figure the program can compute, for the field at `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The field the figure belongs in.
    pub path: FieldPath,
    /// The figure as it would be typed (`10.00`, `99.99%`, `223.84`).
    pub value: String,
    /// How it is computed, short enough to stand beside the field (`执行÷全年 = 99.99%`,
    /// `按方案 10.00`, `人员+公用 = 223.84`).
    pub why: String,
    /// Whether the stated figure agrees with it (true when nothing is stated).
    pub agrees: bool,
    /// The rule that compares the two (putting `value` in silences it).
    pub rule: &'static str,
}

/// Every figure of the report the program can compute, in the order of the form.
pub fn expected_values(report: &Report, scheme: &Scheme) -> Vec<Expected> {
    let mut out = Vec::new();
    staff(report, &mut out);
    budget(report, scheme, &mut out);
    costs(report, scheme, &mut out);
    score_sheet(report, scheme, &mut out);
    special_funds(report, scheme, &mut out);
    score_groups(report, scheme, &mut out);
    out
}

/// The computed figure for the field at `path`, if the program can compute one.
pub fn expected_at(report: &Report, scheme: &Scheme, path: &FieldPath) -> Option<Expected> {
    expected_values(report, scheme)
        .into_iter()
        .find(|e| &e.path == path)
}

fn at(text: &str) -> FieldPath {
    FieldPath::parse(text).expect("computed paths are written correctly")
}

/// An amount as typed: `16.10` stays `16.1`, as the form shows it.
fn amount(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A sum stated in `stated`: agrees within the scheme's tolerance, or nothing is stated.
fn sum(
    out: &mut Vec<Expected>,
    scheme: &Scheme,
    rule: &'static str,
    path: FieldPath,
    stated: Cell<Decimal>,
    computed: Decimal,
    how: &str,
) {
    let agrees = stated.value().is_none_or(|s| scheme.agree(s, computed));
    out.push(Expected {
        path,
        value: amount(computed),
        why: format!("{how} {}", amount(computed)),
        agrees,
        rule,
    });
}

/// A rate computed as a percent, shown (and typed) with `shown_decimals`; the stated rate
/// agrees when the computed one, rounded half-up to the stated decimals, equals it.
fn rate(percent: Decimal, stated: Cell<Rate>, shown_decimals: u32) -> (String, bool) {
    let shown =
        percent.round_dp_with_strategy(shown_decimals, RoundingStrategy::MidpointAwayFromZero);
    let agrees = stated.value().is_none_or(|r| rate_agrees(r, percent));
    (format!("{shown}%"), agrees)
}

fn staff(report: &Report, out: &mut Vec<Expected>) {
    let staff = report.basic.as_ref().and_then(|b| b.staff.as_ref());
    if let Some(staff) = staff
        && let Some(total) = staff.kinds_total()
    {
        out.push(Expected {
            path: at("basic.staff.actual_total"),
            value: total.to_string(),
            why: format!("各类合计 {total}"),
            agrees: staff
                .actual_total
                .value()
                .is_none_or(|t| u128::from(t) == total),
            rule: "S01",
        });
    }
    // 附件2 实际在职人数 = 正文 在职人数 (S02), once both are stated.
    if let (Some(body), Some(d)) = (
        staff.and_then(|s| s.in_service.value()),
        report.basic_data.as_ref(),
    ) && d.in_service.is_filled()
    {
        out.push(Expected {
            path: at("basic_data.in_service"),
            value: body.to_string(),
            why: format!("正文 {body}"),
            agrees: d.in_service.value() == Some(body),
            rule: "S02",
        });
    }
    // 控制率 = 在职 ÷ 编制数, shown with the stated decimals (at least one).
    if let Some(d) = report.basic_data.as_ref()
        && let (Some(n), Some(of)) = (d.in_service.value(), d.authorized.value())
        && of > 0
    {
        let percent = control_percent(n, of);
        let decimals = d.control_rate.value().map_or(1, |r| r.decimals).max(1);
        let (value, agrees) = rate(percent, d.control_rate, decimals);
        out.push(Expected {
            path: at("basic_data.control_rate"),
            why: format!("{n}÷{of} = {value}"),
            value,
            agrees,
            rule: "S03",
        });
    }
}

fn budget(report: &Report, scheme: &Scheme, out: &mut Vec<Expected>) {
    let Some(b) = report.budget.as_ref() else {
        return;
    };
    // 支出 = 基本 + 项目, where 基本 blank is stood in for by 人员 + 公用 (B01).
    if let (Some(basic), Some(project)) = (b.basic_or_parts(), b.project.value()) {
        let total = basic + project;
        sum(
            out,
            scheme,
            "B01",
            at("budget.spent"),
            b.spent,
            total,
            "基本+项目 =",
        );
    }
    if let (Some(p), Some(q)) = (b.personnel.value(), b.public.value()) {
        sum(
            out,
            scheme,
            "B02",
            at("budget.basic"),
            b.basic,
            p + q,
            "人员+公用 =",
        );
    }
    if let Some(total) = sum_filled(b.projects.iter().map(|p| p.amount)) {
        sum(
            out,
            scheme,
            "B03",
            at("budget.project"),
            b.project,
            total,
            "各项目合计",
        );
    }
}

/// 附件2 经费控制情况: each row that is the sum of its parts (三公经费, 公务用车, 项目支出 =
/// Σ 明细行), in each column where a part is filled (D04; blank parts count as 0).
fn costs(report: &Report, scheme: &Scheme, out: &mut Vec<Expected>) {
    use super::basic_data::{SUMS, project_line_parts, row_path};
    let Some(costs) = report.basic_data.as_ref().and_then(|d| d.costs.as_ref()) else {
        return;
    };
    let mut add = |parent: CostRow, parts: Vec<Amount>, column: CostColumn| {
        if let Some(total) = sum_filled(parts) {
            let path = row_path(parent).key(column.key());
            let stated = costs.cell(parent, column);
            sum(out, scheme, "D04", path, stated, total, "其中各项合计");
        }
    };
    for (parent, parts) in SUMS {
        for column in CostColumn::ALL {
            let cells = parts.iter().map(|p| costs.cell(*p, column)).collect();
            add(*parent, cells, column);
        }
    }
    for column in CostColumn::ALL {
        let lines = project_line_parts(costs, column)
            .into_iter()
            .map(|(_, _, a)| a);
        add(CostRow::Project, lines.collect(), column);
    }
}

/// 六 专项资金个数 = the funds listed (F01), once the section is there (0 when none listed).
fn special_funds(report: &Report, scheme: &Scheme, out: &mut Vec<Expected>) {
    let Some(p) = report.performance.as_ref() else {
        return;
    };
    let listed = p.special_funds.len() as u64;
    out.push(Expected {
        path: at("performance.special_fund_count"),
        value: listed.to_string(),
        why: format!("列出 {listed} 个"),
        agrees: p.special_fund_count.value().is_none_or(|c| c == listed),
        rule: "F01",
    });
    // 结余结转 = 预算 + 调整 − 实际支出 (F02), the balance of each fund stated in full.
    let funds = FieldPath::parse("performance.special_funds").expect("a valid path");
    for (i, f) in p.special_funds.iter().enumerate() {
        if let (Some(budget), Some(adjustment), Some(spent), Some(carryover)) = (
            f.budget.value(),
            f.adjustment.value(),
            f.spent.value(),
            f.carryover.value(),
        ) {
            let balance = budget + adjustment - spent;
            out.push(Expected {
                path: funds.index(i).key("carryover"),
                value: amount(balance),
                why: format!("预算+调整−支出 = {}", amount(balance)),
                agrees: scheme.agree(budget + adjustment, spent + carryover),
                rule: "F02",
            });
        }
    }
}

fn score_sheet(report: &Report, scheme: &Scheme, out: &mut Vec<Expected>) {
    let Some(sheet) = report.score_sheet.as_ref() else {
        return;
    };
    if let Some(f) = sheet.funds.as_ref()
        && let (Some(executed), Some(full_year)) = (f.executed.value(), f.full_year.value())
        && !full_year.is_zero()
    {
        // 执行率, shown with two decimals; a quotient beyond an exact decimal has none.
        if let Some(percent) = execution_percent(executed, full_year) {
            let (value, agrees) = rate(percent, f.rate, 2);
            out.push(Expected {
                path: at("score_sheet.funds.rate"),
                why: format!("执行÷全年 = {value}"),
                value,
                agrees,
                rule: "C03",
            });
        }
        // 得分 by the scheme's rule, with the stated 分值 (or else the scheme's).
        let weight = f.weight.value().unwrap_or(scheme.funds.weight);
        if let Some(score) = scheme.funds_score(weight, full_year, executed) {
            out.push(Expected {
                path: at("score_sheet.funds.score"),
                value: score.to_string(),
                why: format!("按方案 {score}"),
                agrees: f.score.value().is_none_or(|s| s == score),
                rule: "C04",
            });
        }
    }
    if let Some(src) = sheet.by_source.as_ref()
        && let Some(total) = sum_filled([
            src.general_public,
            src.government_fund,
            src.nontax_special,
            src.other,
        ])
    {
        let path = at("score_sheet.by_source.total");
        sum(out, scheme, "C05", path, src.total, total, "各项合计");
    }
    if let Some(by_use) = sheet.by_use.as_ref()
        && let Some(total) = sum_filled([by_use.basic, by_use.project])
    {
        let path = at("score_sheet.by_use.total");
        sum(out, scheme, "C05", path, by_use.total, total, "各项合计");
    }
}

/// 附件3 指标: each group's weight, then the total score.
fn score_groups(report: &Report, scheme: &Scheme, out: &mut Vec<Expected>) {
    let Some(sheet) = report.score_sheet.as_ref() else {
        return;
    };
    // 一级指标分值 = Σ 三级指标分值 (C07), where an indicator's weight is filled.
    let groups = FieldPath::parse("score_sheet.groups").expect("a valid path");
    for (g, group) in sheet.groups.iter().enumerate() {
        if let Some(total) = sum_filled(group.indicators.iter().map(|i| i.weight)) {
            let (path, stated) = (groups.index(g).key("weight"), group.weight);
            sum(out, scheme, "C07", path, stated, total, "指标分值合计");
        }
    }
    // 总分（得分） = 年度资金总额得分 + Σ 指标得分, once anything is scored.
    let scores = sheet.funds.as_ref().map(|f| f.score).into_iter().chain(
        sheet
            .groups
            .iter()
            .flat_map(|g| g.indicators.iter().map(|i| i.score)),
    );
    if let Some(total) = sum_filled(scores) {
        sum(
            out,
            scheme,
            "C11",
            at("score_sheet.total_score"),
            sheet.total_score,
            total,
            "计算",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::{self, SchemeSet};

    const SEED: &str = include_str!("../../examples/lusong-emergency-2023.toml");

    fn expected(text: &str) -> Vec<Expected> {
        let schemes = SchemeSet::builtin();
        let loaded = scheme::load_str(text, &schemes).expect("loads");
        expected_values(&loaded.report, schemes.get("hunan-department").unwrap())
    }

    fn find<'a>(all: &'a [Expected], path: &str) -> &'a Expected {
        all.iter()
            .find(|e| e.path.to_string() == path)
            .unwrap_or_else(|| panic!("no computed figure for {path}"))
    }

    #[test]
    fn the_seed_funds_score_is_10_00_and_disagrees() {
        let all = expected(SEED);
        let score = find(&all, "score_sheet.funds.score");
        assert_eq!(score.value, "10.00");
        assert_eq!(score.why, "按方案 10.00");
        assert!(!score.agrees);
        assert_eq!(score.rule, "C04");
    }

    #[test]
    fn a_staff_total_beyond_64_bits_is_computed_without_overflow() {
        // Each count fits a TOML integer; their sum does not fit 64 bits (S01 sums wider).
        let max = i64::MAX;
        let text = SEED.replacen(
            "in_service = 10\nopen_ended = 1\n",
            &format!("in_service = {max}\nopen_ended = {max}\n"),
            1,
        );
        assert_ne!(text, SEED);
        let all = expected(&text);
        let total = find(&all, "basic.staff.actual_total");
        assert_eq!(total.value, "18446744073709551616");
        assert!(!total.agrees);
    }

    #[test]
    fn the_seed_figures_that_hold_agree() {
        let all = expected(SEED);
        let rate = find(&all, "score_sheet.funds.rate");
        assert_eq!(
            (rate.value.as_str(), rate.why.as_str()),
            ("99.99%", "执行÷全年 = 99.99%")
        );
        assert!(rate.agrees);
        let spent = find(&all, "budget.spent");
        assert_eq!(
            (spent.value.as_str(), spent.why.as_str()),
            ("320.25", "基本+项目 = 320.25")
        );
        let basic = find(&all, "budget.basic");
        assert_eq!(
            (basic.value.as_str(), basic.why.as_str()),
            ("223.84", "人员+公用 = 223.84")
        );
        let project = find(&all, "budget.project");
        assert_eq!(project.value, "96.41");
        assert_eq!(find(&all, "score_sheet.by_source.total").value, "320.28");
        assert_eq!(find(&all, "score_sheet.by_use.total").value, "320.28");
        assert_eq!(find(&all, "score_sheet.total_score").value, "94");
        assert_eq!(find(&all, "basic_data.control_rate").rule, "S03");
        let count = find(&all, "performance.special_fund_count");
        assert_eq!(
            (count.value.as_str(), count.why.as_str()),
            ("4", "列出 4 个")
        );
        let group = find(&all, "score_sheet.groups[0].weight");
        assert_eq!(
            (group.value.as_str(), group.why.as_str(), group.rule),
            ("30", "指标分值合计 30", "C07")
        );
        // On the seed the funds score, the fund count, 安全监管's balance and three groups'
        // weights disagree (its C04, F01, F02 and C07 findings), in the order of the form.
        let wrong: Vec<_> = all
            .iter()
            .filter(|e| !e.agrees)
            .map(|e| (e.rule, e.path.to_string()))
            .collect();
        assert_eq!(
            wrong,
            [
                ("C04", "score_sheet.funds.score".to_owned()),
                ("F01", "performance.special_fund_count".to_owned()),
                ("F02", "performance.special_funds[0].carryover".to_owned()),
                ("C07", "score_sheet.groups[0].weight".to_owned()),
                ("C07", "score_sheet.groups[1].weight".to_owned()),
                ("C07", "score_sheet.groups[2].weight".to_owned()),
            ]
        );
    }

    #[test]
    fn a_wrong_rate_and_sums_get_the_figure_that_makes_their_rule_hold() {
        let text = SEED
            .replacen("rate = \"99.99％\"", "rate = \"98%\"", 1)
            .replacen("spent = 320.25", "spent = 320.26", 1);
        assert_ne!(text, SEED);
        let all = expected(&text);
        let rate = find(&all, "score_sheet.funds.rate");
        assert!(!rate.agrees);
        assert_eq!(rate.value, "99.99%");
        let spent = find(&all, "budget.spent");
        assert!(!spent.agrees);
        assert_eq!(spent.value, "320.25");
        // Typed back in, each rule holds again: what disagrees is only what the seed has.
        let fixed = text
            .replacen("rate = \"98%\"", &format!("rate = \"{}\"", rate.value), 1)
            .replacen("spent = 320.26", &format!("spent = {}", spent.value), 1);
        let wrong = |text: &str| -> Vec<String> {
            expected(text)
                .iter()
                .filter(|e| !e.agrees)
                .map(|e| e.path.to_string())
                .collect()
        };
        assert_eq!(wrong(&fixed), wrong(SEED));
        assert!(
            !wrong(&fixed)
                .iter()
                .any(|p| p == "budget.spent" || p.ends_with(".rate"))
        );
    }

    #[test]
    fn a_wrong_fund_count_and_group_weight_get_the_figure_that_makes_their_rule_hold() {
        // The seed says 5 special funds and lists 4 (F01).
        let count = find(&expected(SEED), "performance.special_fund_count").clone();
        assert_eq!(
            (count.value.as_str(), count.agrees, count.rule),
            ("4", false, "F01")
        );
        let fixed = SEED.replacen("special_fund_count = 5", "special_fund_count = 4", 1);
        assert_ne!(fixed, SEED);
        assert!(find(&expected(&fixed), "performance.special_fund_count").agrees);
        // A group whose indicators' weights do not add up to its own (C07).
        let head = crate::rules::testing::HEAD;
        let group = "[[score_sheet.groups]]\nname = \"产出指标\"\nweight = 30\n[[score_sheet.groups.indicators]]\nname = \"甲\"\nweight = 25\n[[score_sheet.groups.indicators]]\nname = \"乙\"\nweight = 15\n";
        let all = expected(&format!("{head}{group}"));
        let weight = find(&all, "score_sheet.groups[0].weight");
        assert_eq!(
            (weight.value.as_str(), weight.why.as_str(), weight.agrees),
            ("40", "指标分值合计 40", false)
        );
        // C07 reports the stated 30, and the computed 40 silences it.
        assert!(crate::rules::testing::fires("C07", group));
        let rules = crate::rules::testing::rules(&group.replace("weight = 30", "weight = 40"));
        assert!(!rules.contains(&"C07".to_owned()), "{rules:?}");
    }

    #[test]
    fn the_attachments_in_service_count_is_the_bodys() {
        let staff = "[basic.staff]\nin_service = 10\n";
        let data = |n: u32| format!("[basic_data]\nauthorized = 14\nin_service = {n}\n");
        let head = crate::rules::testing::HEAD;
        let all = expected(&format!("{head}{staff}{}", data(11)));
        let e = find(&all, "basic_data.in_service");
        assert_eq!(
            (e.value.as_str(), e.why.as_str(), e.agrees, e.rule),
            ("10", "正文 10", false, "S02")
        );
        assert!(crate::rules::testing::fires(
            "S02",
            &format!("{staff}{}", data(11))
        ));
        // Putting the figure in silences S02.
        assert!(!crate::rules::testing::fires(
            "S02",
            &format!("{staff}{}", data(10))
        ));
        assert!(
            find(
                &expected(&format!("{head}{staff}{}", data(10))),
                "basic_data.in_service"
            )
            .agrees
        );
    }

    #[test]
    fn a_funds_balance_is_its_carryover() {
        // The seed's 安全监管: 29.50 + 270.08 = 299.58 available, 56.58 spent, 0 carried over.
        let all = expected(SEED);
        let e = find(&all, "performance.special_funds[0].carryover");
        assert_eq!((e.value.as_str(), e.agrees, e.rule), ("243", false, "F02"));
        let fixed = SEED.replacen("carryover = 0\n", "carryover = 243\n", 1);
        let schemes = SchemeSet::builtin();
        let f02 = |text: &str| {
            let loaded = scheme::load_str(text, &schemes).expect("loads");
            crate::rules::check(&loaded.report, schemes.get("hunan-department").unwrap())
                .iter()
                .any(|f| f.rule == "F02" && f.path.to_string() == "performance.special_funds[0]")
        };
        assert!(f02(SEED));
        assert!(
            !f02(&fixed),
            "putting the balance in silences F02 on that fund"
        );
        assert!(find(&expected(&fixed), "performance.special_funds[0].carryover").agrees);
    }

    #[test]
    fn a_rate_keeps_the_stated_decimals_at_least_one() {
        let head = crate::rules::testing::HEAD;
        let all = expected(&format!(
            "{head}[basic_data]\nauthorized = 14\nin_service = 10\ncontrol_rate = \"71%\"\n"
        ));
        let rate = find(&all, "basic_data.control_rate");
        // 10 ÷ 14 = 71.428…%: the stated 71% agrees at its precision; shown with one decimal.
        assert_eq!((rate.value.as_str(), rate.agrees), ("71.4%", true));
        let all = expected(&format!(
            "{head}[basic_data]\nauthorized = 14\nin_service = 10\ncontrol_rate = \"70.00%\"\n"
        ));
        let rate = find(&all, "basic_data.control_rate");
        assert_eq!(
            (rate.value.as_str(), rate.why.as_str(), rate.agrees),
            ("71.43%", "10÷14 = 71.43%", false)
        );
    }

    #[test]
    fn the_cost_table_sums_follow_d04() {
        let head = crate::rules::testing::HEAD;
        let table = "[basic_data.costs]\nthree_public = { final = 2 }\nvehicles = { final = 1 }\nvehicle_operation = { final = 1 }\nreception = { final = 0.5 }\nproject = { budget = 40 }\n[[basic_data.costs.project_lines]]\nname = \"1、业务工作经费\"\nbudget = 38.69\n[[basic_data.costs.project_lines]]\nname = \"2、运行维护经费\"\nbudget = 1.3\n";
        let all = expected(&format!("{head}{table}"));
        let three = find(&all, "basic_data.costs.three_public.final");
        // 车辆 1 + 接待 0.5 = 1.5 against the stated 2: D04, and 1.5 makes it hold.
        assert_eq!(
            (three.value.as_str(), three.agrees, three.rule),
            ("1.5", false, "D04")
        );
        assert!(find(&all, "basic_data.costs.vehicles.final").agrees);
        let project = find(&all, "basic_data.costs.project.budget");
        assert_eq!((project.value.as_str(), project.agrees), ("39.99", false));
        // No part filled in a column: nothing to compute there.
        assert!(
            all.iter()
                .all(|e| e.path.to_string() != "basic_data.costs.three_public.budget")
        );
        let fixed = format!(
            "{head}{}",
            table
                .replace(
                    "three_public = { final = 2 }",
                    "three_public = { final = 1.5 }"
                )
                .replace("project = { budget = 40 }", "project = { budget = 39.99 }")
        );
        // D04 reports both stated sums, and the computed ones silence it.
        let broken: Vec<_> = crate::rules::testing::ids(table)
            .into_iter()
            .filter(|(rule, _)| rule == "D04")
            .map(|(_, path)| path)
            .collect();
        assert_eq!(
            broken,
            ["basic_data.costs.project", "basic_data.costs.three_public"],
            "D04 on the table as stated"
        );
        let rules = crate::rules::testing::rules(&fixed[head.len()..]);
        assert!(!rules.contains(&"D04".to_owned()), "{rules:?}");
        assert!(expected(&fixed).iter().all(|e| e.agrees));
    }

    #[test]
    fn nothing_is_computed_from_blanks() {
        let head = crate::rules::testing::HEAD;
        assert_eq!(expected(head), []);
        let all = expected(&format!(
            "{head}[score_sheet.funds]\nexecuted = 5\nfull_year = 0\n"
        ));
        assert_eq!(all, []);
    }
}
