//! B — 二、一般公共预算支出情况: the money identities of section 二.

use super::{Ctx, diff, finding, path};
use crate::finding::Finding;
use crate::model::sum_filled;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(b) = &ctx.report.budget else { return };

    // B01 — spent = basic + project (personnel + public stands in for a blank basic).
    if let (Some(spent), Some(basic), Some(project)) =
        (b.spent.value(), b.basic_or_parts(), b.project.value())
    {
        let sum = basic + project;
        if !ctx.agree(spent, sum) {
            let basic_text = match (b.basic.value(), b.personnel.value(), b.public.value()) {
                (None, Some(p), Some(q)) => format!("人员经费 {p} + 公用经费 {q}"),
                _ => format!("基本支出 {basic}"),
            };
            out.push(finding(
                "B01",
                path("budget.spent"),
                format!(
                    "正文 财政拨款支出 {spent} ≠ {basic_text} + 项目支出 {project} = {sum}{}",
                    diff(spent, sum)
                ),
            ));
        }
    }

    // B02 — basic = personnel + public.
    if let (Some(basic), Some(personnel), Some(public)) =
        (b.basic.value(), b.personnel.value(), b.public.value())
    {
        let sum = personnel + public;
        if !ctx.agree(basic, sum) {
            out.push(finding(
                "B02",
                path("budget.basic"),
                format!(
                    "正文 基本支出 {basic} ≠ 人员经费 {personnel} + 公用经费 {public} = {sum}{}",
                    diff(basic, sum)
                ),
            ));
        }
    }

    // B03 — project = Σ line items.
    if let (Some(project), Some(sum)) = (
        b.project.value(),
        sum_filled(b.projects.iter().map(|p| p.amount)),
    ) && !ctx.agree(project, sum)
    {
        out.push(finding(
            "B03",
            path("budget.project"),
            format!(
                "正文 项目支出 {project} ≠ 各项目支出合计 {sum}（{} 项）{}",
                b.projects.len(),
                diff(project, sum)
            ),
        ));
    }

    // B04 — spent more than was appropriated.
    if let (Some(spent), Some(income)) = (b.spent.value(), b.income.value())
        && spent > income
        && !ctx.agree(spent, income)
    {
        out.push(finding(
            "B04",
            path("budget.spent"),
            format!(
                "正文 财政拨款支出 {spent} > 财政拨款收入 {income}：超支 {} 万元，需说明资金来源",
                (spent - income).normalize()
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, rules};

    const GOOD: &str = "[budget]\nincome = 320.25\nspent = 320.25\nbasic = 223.84\npersonnel = 203.18\npublic = 20.66\nproject = 96.41\n[[budget.projects]]\namount = 16.1\n[[budget.projects]]\namount = 80.31\n";

    #[test]
    fn the_identities_hold_silently() {
        assert!(rules(GOOD).is_empty(), "{:?}", rules(GOOD));
    }

    #[test]
    fn b01_spent_is_basic_plus_project() {
        assert!(fires(
            "B01",
            &GOOD.replace("spent = 320.25", "spent = 320.26")
        ));
        // personnel + public stands in for a blank basic
        let no_basic = GOOD.replace("basic = 223.84\n", "");
        assert!(!fires("B01", &no_basic));
        assert!(fires(
            "B01",
            &no_basic.replace("public = 20.66", "public = 20.67")
        ));
    }

    #[test]
    fn b02_basic_is_personnel_plus_public() {
        assert!(fires(
            "B02",
            &GOOD.replace("personnel = 203.18", "personnel = 203.17")
        ));
    }

    #[test]
    fn b03_project_is_the_sum_of_its_items() {
        assert!(fires(
            "B03",
            &GOOD.replace("amount = 16.1", "amount = 16.2")
        ));
        let none_listed = "[budget]\nproject = 96.41\n";
        assert!(!fires("B03", none_listed));
    }

    #[test]
    fn b04_spent_more_than_income() {
        assert!(fires(
            "B04",
            &GOOD.replace("income = 320.25", "income = 300")
        ));
        assert!(!fires("B04", "[budget]\nspent = 5\n"));
    }

    #[test]
    fn blanks_are_silent() {
        assert!(rules("[budget]\nspent = 320.25\nproject = 1\n").is_empty());
    }
}
