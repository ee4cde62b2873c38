//! F — 专项资金 (六（二）): each fund's balance, and the funds against 正文 and 附件2.

use super::{Ctx, diff, finding, path};
use crate::finding::Finding;
use crate::model::{SpecialFund, sum_filled};

fn fund_name(fund: &SpecialFund, index: usize) -> String {
    fund.name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("第 {} 个专项", index + 1))
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(p) = &ctx.report.performance else {
        return;
    };
    let funds = &p.special_funds;

    // F01 — the count stated in the text = the funds listed.
    if let Some(count) = p.special_fund_count.value()
        && count != funds.len() as u64
    {
        out.push(finding(
            "F01",
            path("performance.special_fund_count"),
            format!("正文称专项资金共 {count} 个，实际列出 {} 个", funds.len()),
        ));
    }

    for (i, f) in funds.iter().enumerate() {
        let here = path("performance.special_funds").index(i);
        // F02 — budget + adjustment = spent + carryover.
        if let (Some(budget), Some(adjustment), Some(spent), Some(carryover)) = (
            f.budget.value(),
            f.adjustment.value(),
            f.spent.value(),
            f.carryover.value(),
        ) {
            let available = budget + adjustment;
            let used = spent + carryover;
            if !ctx.agree(available, used) {
                out.push(finding(
                    "F02",
                    here.clone(),
                    format!(
                        "{}：预算 {budget} + 调整 {adjustment} = {available} ≠ 实际支出 {spent} + 结余结转 {carryover} = {used}{}",
                        fund_name(f, i),
                        diff(available, used)
                    ),
                ));
            }
        }
        // F05 — a budget and nothing spent.
        if let (Some(budget), Some(spent)) = (f.budget.value(), f.spent.value())
            && budget > rust_decimal::Decimal::ZERO
            && spent.is_zero()
        {
            out.push(finding(
                "F05",
                here,
                format!(
                    "{}：预算 {budget} 万元，实际支出为 0：说明中应写明未支出的原因和后续安排",
                    fund_name(f, i)
                ),
            ));
        }
    }

    // F03 — Σ budgets = 附件2 项目支出 本年预算数.
    let attached_project_budget = ctx
        .report
        .basic_data
        .as_ref()
        .and_then(|d| d.costs.as_ref())
        .and_then(|c| c.project.as_ref())
        .and_then(|r| r.budget.value());
    if let (Some(sum), Some(attached)) = (
        sum_filled(funds.iter().map(|f| f.budget)),
        attached_project_budget,
    ) && !ctx.agree(sum, attached)
    {
        out.push(finding(
            "F03",
            path("performance.special_funds"),
            format!(
                "各专项预算支出合计 {sum} ≠ 附件2 项目支出 本年预算数 {attached}{}",
                diff(sum, attached)
            ),
        ));
    }

    // F04 — Σ spent = 正文 项目支出.
    let body_project = ctx.report.budget.as_ref().and_then(|b| b.project.value());
    if let (Some(sum), Some(project)) = (sum_filled(funds.iter().map(|f| f.spent)), body_project)
        && !ctx.agree(sum, project)
    {
        out.push(finding(
            "F04",
            path("performance.special_funds"),
            format!(
                "各专项实际支出合计 {sum} ≠ 正文 项目支出 {project}{}",
                diff(sum, project)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{family, fires, ids, rules};

    const GOOD: &str = "[budget]\nproject = 96.41\n[performance]\nspecial_fund_count = 2\n[[performance.special_funds]]\nname = \"安全监管\"\nbudget = 29.50\nadjustment = 27.08\nspent = 56.58\ncarryover = 0\n[[performance.special_funds]]\nname = \"疫情防控专项\"\nbudget = 9.19\nadjustment = 30.64\nspent = 39.83\ncarryover = 0\n[basic_data.costs]\nproject = { budget = 38.69 }\n";

    #[test]
    fn balanced_funds_are_silent() {
        assert!(family(GOOD, 'F').is_empty(), "{:?}", rules(GOOD));
    }

    #[test]
    fn f01_count_stated_and_listed() {
        assert!(fires(
            "F01",
            &GOOD.replace("special_fund_count = 2", "special_fund_count = 5")
        ));
    }

    #[test]
    fn f02_each_fund_balances() {
        let broken = GOOD.replace("adjustment = 27.08", "adjustment = 270.08");
        assert!(ids(&broken).contains(&("F02".into(), "performance.special_funds[0]".into())));
        let negative = GOOD.replace(
            "budget = 9.19\nadjustment = 30.64",
            "budget = 40\nadjustment = -0.17",
        );
        assert!(!fires("F02", &negative));
        assert!(!fires("F02", &GOOD.replace("carryover = 0\n", "")));
    }

    #[test]
    fn f03_budgets_against_attachment_2() {
        assert!(fires(
            "F03",
            &GOOD.replace(
                "project = { budget = 38.69 }",
                "project = { budget = 38.7 }"
            )
        ));
        assert!(!fires(
            "F03",
            "[performance]\n[basic_data.costs]\nproject = { budget = 1 }\n"
        ));
    }

    #[test]
    fn f04_spent_against_the_body() {
        assert!(fires(
            "F04",
            &GOOD.replace("project = 96.41", "project = 96.42")
        ));
    }

    #[test]
    fn f05_budget_and_nothing_spent() {
        let unspent = GOOD.replace(
            "budget = 9.19\nadjustment = 30.64\nspent = 39.83",
            "budget = 3\nadjustment = -3\nspent = 0",
        );
        assert!(fires("F05", &unspent));
        assert!(!fires("F05", GOOD));
    }
}
