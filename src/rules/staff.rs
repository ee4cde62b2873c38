//! S — 人员情况: head counts in the body and in 附件2.

use super::{Ctx, finding, path};
use crate::finding::Finding;
use crate::model::{Rate, RateCell};
use rust_decimal::{Decimal, RoundingStrategy};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let staff = ctx.report.basic.as_ref().and_then(|b| b.staff.as_ref());
    let data = ctx.report.basic_data.as_ref();

    // S01 — 年末实有人数 = the sum of its kinds.
    if let Some(s) = staff
        && let (Some(total), Some(sum)) = (s.actual_total.value(), s.kinds_total())
        && sum != u128::from(total)
    {
        let terms: Vec<String> = s
            .kinds()
            .iter()
            .filter_map(|(l, c)| c.value().map(|v| format!("{l} {v}")))
            .collect();
        out.push(finding(
            "S01",
            path("basic.staff.actual_total"),
            format!("年末实有人数 {total} ≠ {} = {sum}", terms.join(" + ")),
        ));
    }

    let Some(d) = data else { return };

    // S02 — 附件2 在职 = 正文 在职.
    if let (Some(attached), Some(body)) = (
        d.in_service.value(),
        staff.and_then(|s| s.in_service.value()),
    ) && attached != body
    {
        out.push(finding(
            "S02",
            path("basic_data.in_service"),
            format!("附件2 实际在职人数 {attached} ≠ 正文 在职人数 {body}"),
        ));
    }

    // S03 — the stated 控制率 = 在职 ÷ 编制数.
    if let (Some(stated), Some(in_service), Some(authorized)) = (
        d.control_rate.value(),
        d.in_service.value(),
        d.authorized.value(),
    ) && authorized > 0
    {
        let computed = control_percent(in_service, authorized);
        if !rate_agrees(stated, computed) {
            out.push(finding(
                "S03",
                path("basic_data.control_rate"),
                format!(
                    "附件2 控制率 {stated} ≠ 在职 {in_service} ÷ 编制数 {authorized} = {}",
                    show_rate(computed, stated.decimals)
                ),
            ));
        }
    }

    // S04 — staff over the establishment.
    if let (Some(in_service), Some(authorized)) = (d.in_service.value(), d.authorized.value())
        && in_service > authorized
    {
        out.push(finding(
            "S04",
            path("basic_data.in_service"),
            format!(
                "附件2 实际在职人数 {in_service} 超过编制数 {authorized}（超编 {} 人）",
                in_service - authorized
            ),
        ));
    }

    // S05 — 控制率 left blank although it can be computed.
    if matches!(d.control_rate, RateCell::Blank)
        && d.in_service.is_filled()
        && d.authorized.is_filled()
    {
        out.push(finding(
            "S05",
            path("basic_data.control_rate"),
            "附件2 控制率未填写，而编制数和实际在职人数都已填写".to_owned(),
        ));
    }
}

/// 控制率 as a percent: 在职 ÷ 编制数 × 100 (S03), for an establishment above 0.
pub(crate) fn control_percent(in_service: u64, authorized: u64) -> Decimal {
    Decimal::from(in_service) * Decimal::ONE_HUNDRED / Decimal::from(authorized)
}

/// 执行率 as a percent: 执行数 ÷ 全年预算数 × 100 (C03), for a 全年预算数 other than 0;
/// none when the quotient is beyond an exact decimal (it then agrees with no stated rate).
pub(crate) fn execution_percent(executed: Decimal, full_year: Decimal) -> Option<Decimal> {
    executed
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|e| e.checked_div(full_year))
}

/// A stated rate agrees with the computed percent rounded half-up to the decimals written.
pub(crate) fn rate_agrees(stated: Rate, computed_percent: Decimal) -> bool {
    let rounded = computed_percent
        .round_dp_with_strategy(stated.decimals, RoundingStrategy::MidpointAwayFromZero);
    rounded == stated.percent
}

/// A computed percent shown at the stated precision (at least two decimals shown).
pub(crate) fn show_rate(percent: Decimal, decimals: u32) -> String {
    let shown =
        percent.round_dp_with_strategy(decimals.max(2), RoundingStrategy::MidpointAwayFromZero);
    format!("{shown}%")
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{family, fires, rules};

    const GOOD: &str = "[basic.staff]\nactual_total = 13\nin_service = 10\nopen_ended = 1\ngovernment_employees = 1\nretired = 1\n[basic_data]\nauthorized = 14\nin_service = 10\ncontrol_rate = \"71.4%\"\n";

    #[test]
    fn consistent_staff_is_silent() {
        assert!(family(GOOD, 'S').is_empty(), "{:?}", rules(GOOD));
    }

    #[test]
    fn s01_total_is_the_sum_of_kinds() {
        assert!(fires(
            "S01",
            &GOOD.replace("actual_total = 13", "actual_total = 14")
        ));
    }

    #[test]
    fn s02_attachment_and_body_agree() {
        let body = GOOD.replace(
            "in_service = 10\ncontrol_rate",
            "in_service = 11\ncontrol_rate",
        );
        assert!(fires("S02", &body));
    }

    #[test]
    fn s03_rate_compared_at_the_stated_precision() {
        assert!(!fires("S03", &GOOD.replace("71.4%", "71.43%")));
        assert!(!fires("S03", &GOOD.replace("\"71.4%\"", "71")));
        assert!(fires("S03", &GOOD.replace("71.4%", "71.5%")));
        assert!(fires("S03", &GOOD.replace("71.4%", "71.42%")));
    }

    #[test]
    fn s04_over_the_establishment() {
        let over = GOOD
            .replace("authorized = 14", "authorized = 9")
            .replace("71.4%", "111.1%");
        assert!(fires("S04", &over));
        assert!(!fires("S03", &over));
    }

    #[test]
    fn s05_rate_blank() {
        assert!(fires(
            "S05",
            &GOOD.replace("control_rate = \"71.4%\"\n", "")
        ));
        assert!(!fires("S05", "[basic_data]\nauthorized = 14\n"));
    }

    #[test]
    fn zero_establishment_never_divides() {
        assert!(!fires(
            "S03",
            "[basic_data]\nauthorized = 0\nin_service = 0\ncontrol_rate = \"0%\"\n"
        ));
    }
}
