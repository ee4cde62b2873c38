//! C — 附件3 自评表: the funds row, the money splits, weights, scores and what the texts say.

use super::staff::{execution_percent, rate_agrees, show_rate};
use super::{Ctx, diff, finding, path};
use crate::finding::Finding;
use crate::model::{Amount, FieldPath, Indicator, is_nothing_text, sum_filled};
use rust_decimal::Decimal;

/// A split of the 全年预算数: its label, where its total sits, the total, and its labelled parts.
type Split<'a> = (&'a str, FieldPath, Amount, Vec<(&'a str, Amount)>);

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(sheet) = &ctx.report.score_sheet else {
        return;
    };
    let body = ctx.report.budget.as_ref();

    if let Some(f) = &sheet.funds {
        // C01 — 年初预算数 = 正文 年初预算资金.
        if let (Some(a), Some(b)) = (f.initial.value(), body.and_then(|b| b.initial.value()))
            && !ctx.agree(a, b)
        {
            out.push(finding(
                "C01",
                path("score_sheet.funds.initial"),
                format!("附件3 年初预算数 {a} ≠ 正文 年初预算资金 {b}{}", diff(a, b)),
            ));
        }
        // C02 — 全年执行数 = 正文 财政拨款支出.
        if let (Some(a), Some(b)) = (f.executed.value(), body.and_then(|b| b.spent.value()))
            && !ctx.agree(a, b)
        {
            out.push(finding(
                "C02",
                path("score_sheet.funds.executed"),
                format!("附件3 全年执行数 {a} ≠ 正文 财政拨款支出 {b}{}", diff(a, b)),
            ));
        }
        // C03 — the stated 执行率 = 执行数 ÷ 全年预算数.
        if let (Some(rate), Some(executed), Some(full_year)) =
            (f.rate.value(), f.executed.value(), f.full_year.value())
            && !full_year.is_zero()
        {
            // A quotient too large for an exact decimal agrees with no stated rate.
            let computed = execution_percent(executed, full_year);
            if !computed.is_some_and(|c| rate_agrees(rate, c)) {
                let shown = computed.map_or_else(
                    || "超出可表示的范围".to_owned(),
                    |c| show_rate(c, rate.decimals),
                );
                out.push(finding(
                    "C03",
                    path("score_sheet.funds.rate"),
                    format!(
                        "附件3 执行率 {rate} ≠ 全年执行数 {executed} ÷ 全年预算数 {full_year} = {shown}"
                    ),
                ));
            }
        }
        // C04 — the funds row's score by the scheme's rule.
        let weight = f.weight.value().unwrap_or(ctx.scheme.funds.weight);
        if let (Some(score), Some(executed), Some(full_year)) =
            (f.score.value(), f.executed.value(), f.full_year.value())
            && let Some(expected) = ctx.scheme.funds_score(weight, full_year, executed)
            && score != expected
        {
            let how = match ctx.scheme.funds.scoring {
                crate::scheme::FundsScoring::Proportional => {
                    format!("min({weight}, {executed} ÷ {full_year} × {weight}) = {expected}")
                }
                _ => format!("按方案“{}”的分档 = {expected}", ctx.scheme.name),
            };
            out.push(finding(
                "C04",
                path("score_sheet.funds.score"),
                format!("附件3 年度资金总额 得分 {score} ≠ 按方案计算 {how}"),
            ));
        }
    }

    // C05 — each split adds up to its stated total; C06 — the total is the budget or the spending.
    let funds = sheet.funds.as_ref();
    let full_year = funds.and_then(|f| f.full_year.value());
    let executed = funds.and_then(|f| f.executed.value());
    let splits: Vec<Split> = [
        sheet.by_source.as_ref().map(|s| {
            (
                "按收入性质分",
                path("score_sheet.by_source.total"),
                s.total,
                vec![
                    ("一般公共预算", s.general_public),
                    ("政府性基金拨款", s.government_fund),
                    ("纳入专户管理的非税收入拨款", s.nontax_special),
                    ("其他资金", s.other),
                ],
            )
        }),
        sheet.by_use.as_ref().map(|u| {
            (
                "按支出性质分",
                path("score_sheet.by_use.total"),
                u.total,
                vec![("基本支出", u.basic), ("项目支出", u.project)],
            )
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    for (label, total_path, total, parts) in splits {
        let sum = sum_filled(parts.iter().map(|(_, a)| *a));
        if let (Some(t), Some(s)) = (total.value(), sum)
            && !ctx.agree(t, s)
        {
            let terms: Vec<String> = parts
                .iter()
                .filter_map(|(l, a)| a.value().map(|v| format!("{l} {v}")))
                .collect();
            out.push(finding(
                "C05",
                total_path.clone(),
                format!(
                    "附件3 {label} 合计 {t} ≠ {} = {s}{}",
                    terms.join(" + "),
                    diff(t, s)
                ),
            ));
        }
        if let Some(t) = total.value().or(sum) {
            let matches_any = [full_year, executed]
                .iter()
                .flatten()
                .any(|v| ctx.agree(*v, t));
            if !matches_any && (full_year.is_some() || executed.is_some()) {
                let against: Vec<String> = [("全年预算数", full_year), ("全年执行数", executed)]
                    .iter()
                    .filter_map(|(l, v)| v.map(|v| format!("{l} {v}")))
                    .collect();
                out.push(finding(
                    "C06",
                    total_path,
                    format!("附件3 {label} 合计 {t} 与{}都不相等", against.join("、")),
                ));
            }
        }
    }

    let groups_path = path("score_sheet.groups");
    let mut all_weights: Vec<Amount> = Vec::new();
    let mut all_scores: Vec<Amount> = Vec::new();
    for (g, group) in sheet.groups.iter().enumerate() {
        let gp = groups_path.index(g);
        let name = group
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("第 {} 个一级指标", g + 1));
        all_weights.extend(group.indicators.iter().map(|i| i.weight));
        all_scores.extend(group.indicators.iter().map(|i| i.score));

        // C07 — Σ indicator weights = the group's stated weight.
        if let (Some(stated), Some(sum)) = (
            group.weight.value(),
            sum_filled(group.indicators.iter().map(|i| i.weight)),
        ) && !ctx.agree(stated, sum)
        {
            out.push(finding(
                "C07",
                gp.clone(),
                format!(
                    "{name}：三级指标分值合计 {sum} ≠ 一级指标分值 {stated}{}",
                    diff(sum, stated)
                ),
            ));
        }
        // C08 — the group's weight against the scheme.
        match ctx.scheme.group(&name) {
            Some(rule) => {
                if let Some(stated) = group.weight.value()
                    && stated != rule.weight
                {
                    out.push(finding(
                        "C08",
                        gp.key("weight"),
                        format!(
                            "{name}：分值 {stated} ≠ 评分方案“{}”规定的 {}",
                            ctx.scheme.name, rule.weight
                        ),
                    ));
                }
            }
            None => {
                if group.name.as_deref().is_some_and(|n| !n.trim().is_empty()) {
                    let known: Vec<&str> =
                        ctx.scheme.groups.iter().map(|g| g.name.as_str()).collect();
                    out.push(finding(
                        "C08",
                        gp.key("name"),
                        format!(
                            "一级指标“{name}”不在评分方案“{}”中（方案的一级指标：{}）",
                            ctx.scheme.name,
                            known.join("、")
                        ),
                    ));
                }
            }
        }

        let rows = gp.key("indicators");
        for (i, ind) in group.indicators.iter().enumerate() {
            indicator_rules(out, &rows, i, ind);
        }
    }
    if let Some(f) = funds {
        if let Some(stated) = f.weight.value()
            && stated != ctx.scheme.funds.weight
        {
            out.push(finding(
                "C08",
                path("score_sheet.funds.weight"),
                format!(
                    "年度资金总额 分值 {stated} ≠ 评分方案“{}”规定的 {}",
                    ctx.scheme.name, ctx.scheme.funds.weight
                ),
            ));
        }
        // C10 on the funds row.
        if let (Some(score), Some(weight)) = (f.score.value(), f.weight.value())
            && score > weight
        {
            out.push(finding(
                "C10",
                path("score_sheet.funds.score"),
                format!("年度资金总额 得分 {score} 超过分值 {weight}"),
            ));
        }
    }

    // C09 — all weights add up to 100 and to the stated total.
    if !sheet.groups.is_empty() && sum_filled(all_weights.iter().copied()).is_some() {
        let funds_weight = funds.and_then(|f| f.weight.value()).unwrap_or_default();
        let indicators = sum_filled(all_weights.iter().copied()).unwrap_or_default();
        let total = funds_weight + indicators;
        let hundred = Decimal::ONE_HUNDRED;
        let stated = sheet.total_weight.value();
        let mut problems = Vec::new();
        if total != hundred {
            problems.push("≠ 100".to_owned());
        }
        if let Some(s) = stated
            && s != total
        {
            problems.push(format!("≠ 总分行所写分值 {s}"));
        }
        if !problems.is_empty() {
            out.push(finding(
                "C09",
                path("score_sheet.total_weight"),
                format!(
                    "分值合计 年度资金总额 {funds_weight} + 各三级指标 {indicators} = {total} {}",
                    problems.join("，且 ")
                ),
            ));
        }
    }

    // C11 — the stated total score = funds score + Σ indicator scores.
    if let Some(stated) = sheet.total_score.value() {
        let funds_score = funds.and_then(|f| f.score.value());
        let indicators = sum_filled(all_scores.iter().copied());
        if funds_score.is_some() || indicators.is_some() {
            let total = funds_score.unwrap_or_default() + indicators.unwrap_or_default();
            if !ctx.agree(stated, total) {
                out.push(finding(
                    "C11",
                    path("score_sheet.total_score"),
                    format!(
                        "总分 {stated} ≠ 年度资金总额得分 {} + 各指标得分 {} = {total}{}",
                        funds_score.unwrap_or_default(),
                        indicators.unwrap_or_default(),
                        diff(stated, total)
                    ),
                ));
            }
        }
    }

    // C15 on the goal.
    if let Some(goal) = &sheet.goal
        && copied(&goal.expected, &goal.actual)
    {
        out.push(finding(
            "C15",
            path("score_sheet.goal.actual"),
            "年度总体目标：实际完成情况与预期目标相同（去掉“了”“已”后一字不差），像是照抄目标"
                .to_owned(),
        ));
    }
}

fn is_slash_or_blank(text: &Option<String>) -> bool {
    text.as_deref()
        .is_none_or(|t| matches!(t.trim(), "" | "/" | "／"))
}

/// An indicator's label, made only when a message is written: most indicators pass.
struct Label<'a>(&'a Indicator);

impl std::fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.label())
    }
}

fn indicator_rules(out: &mut Vec<Finding>, rows: &FieldPath, i: usize, ind: &Indicator) {
    // The row's path too is built only for a finding.
    let here = || rows.index(i);
    let label = Label(ind);
    // C10 — a score above its weight (or below zero).
    if let (Some(score), Some(weight)) = (ind.score.value(), ind.weight.value())
        && score > weight
    {
        out.push(finding(
            "C10",
            here().key("score"),
            format!("{label}：得分 {score} 超过分值 {weight}"),
        ));
    }
    if let Some(score) = ind.score.value()
        && score.is_sign_negative()
        && !score.is_zero()
    {
        out.push(finding(
            "C10",
            here().key("score"),
            format!("{label}：得分 {score} 小于 0"),
        ));
    }
    // C12 — points awarded to an indicator with no name or no target.
    if let Some(score) = ind.score.value()
        && score > Decimal::ZERO
        && (is_slash_or_blank(&ind.name) || is_slash_or_blank(&ind.target))
    {
        let what = if is_slash_or_blank(&ind.name) {
            "三级指标"
        } else {
            "年度指标值"
        };
        out.push(finding(
            "C12",
            here(),
            format!("{label}：{what}为空或“/”，却得了 {score} 分"),
        ));
    }
    // C13 — points lost with no explanation.
    if let (Some(score), Some(weight)) = (ind.score.value(), ind.weight.value())
        && score < weight
        && is_nothing_text(&ind.deviation)
    {
        out.push(finding(
            "C13",
            here().key("deviation"),
            format!(
                "{label}：得分 {score} 低于分值 {weight}，偏差原因分析及改进措施却为“{}”",
                ind.deviation
                    .as_deref()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .unwrap_or("空")
            ),
        ));
    }
    // C14 — an actual value written as a bound.
    if let Some(actual) = ind.actual.as_deref()
        && is_bound(actual)
    {
        out.push(finding(
            "C14",
            here().key("actual"),
            format!(
                "{label}：实际完成值“{}”写成了界限，应填实际测得的数值",
                crate::model::first_line_short(actual, 20)
            ),
        ));
    }
    // C15 — the result copied from the plan.
    if copied(&ind.target, &ind.actual) {
        out.push(finding(
            "C15",
            here().key("actual"),
            format!("{label}：实际完成值与年度指标值相同（去掉“了”“已”后一字不差），像是照抄指标"),
        ));
    }
    // C16 — a target that cannot be measured.
    if let Some(target) = ind.target.as_deref()
        && !is_slash_or_blank(&ind.target)
        && !is_measurable(target)
    {
        out.push(finding(
            "C16",
            here().key("target"),
            format!("{label}：年度指标值没有数字，也没有“是/否”标准，无法衡量"),
        ));
    }
}

const BOUND_PREFIXES: &[&str] = &[
    "≥",
    "≤",
    ">",
    "<",
    "＞",
    "＜",
    "≧",
    "≦",
    ">=",
    "<=",
    "不低于",
    "不高于",
    "不少于",
    "不超过",
    "大于",
    "小于",
];

/// `≥90%`, `不低于95%`, `90%以上`.
fn is_bound(text: &str) -> bool {
    let t = text.trim();
    if BOUND_PREFIXES.iter().any(|p| t.starts_with(p)) {
        return true;
    }
    for suffix in ["以上", "以下"] {
        if let Some(head) = t.strip_suffix(suffix) {
            let head = head.trim_end_matches(['%', '％', ' ']);
            if head
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
            {
                return true;
            }
            // A number followed by a unit (`95分以上`, `30天以下`).
            let mut chars = head.chars().rev();
            if chars.next().is_some_and(|c| !c.is_ascii_digit())
                && chars
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
            {
                return true;
            }
        }
    }
    false
}

/// Whether the actual value equals the target once every 了 and 已 is removed (20+ characters).
fn copied(target: &Option<String>, actual: &Option<String>) -> bool {
    let (Some(t), Some(a)) = (target.as_deref(), actual.as_deref()) else {
        return false;
    };
    let strip = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '了' && *c != '已' && !c.is_whitespace() && *c != '\u{3000}')
            .collect()
    };
    let (t, a) = (strip(t), strip(a));
    t.chars().count() >= 20 && a.chars().count() >= 20 && t == a
}

/// A digit, or a 是/否 criterion.
fn is_measurable(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || c == '是' || c == '否')
}

#[cfg(test)]
mod tests {
    use super::{is_bound, is_measurable};
    use crate::rules::testing::{fires, ids, rules};

    const GOOD: &str = "[budget]\ninitial = 241.75\nspent = 320.25\n[score_sheet]\ntotal_weight = 100\ntotal_score = 98\n[score_sheet.funds]\ninitial = 241.75\nfull_year = 320.28\nexecuted = 320.25\nweight = 10\nrate = \"99.99%\"\nscore = 10\n[score_sheet.by_source]\ntotal = 320.28\ngeneral_public = 320.28\n[score_sheet.by_use]\ntotal = 320.28\nbasic = 223.84\nproject = 96.44\n[score_sheet.goal]\nexpected = \"统筹推进全局各项工作，保障人员日常办公需求，为全局人员及各项工作提供坚实的保障\"\nactual = \"全年处置事故12起，培训300人次，预算执行率99.99%\"\n[[score_sheet.groups]]\nname = \"产出指标\"\nweight = 40\n[[score_sheet.groups.indicators]]\ncategory = \"数量指标\"\nname = \"检查生产经营单位\"\ntarget = \"≥30000家次\"\nactual = \"32077家次\"\nweight = 40\nscore = 40\n[[score_sheet.groups]]\nname = \"效益指标\"\nweight = 20\n[[score_sheet.groups.indicators]]\ncategory = \"社会效益指标\"\nname = \"较大事故\"\ntarget = \"0起\"\nactual = \"0起\"\nweight = 20\nscore = 20\n[[score_sheet.groups]]\nname = \"满意度指标\"\nweight = 10\n[[score_sheet.groups.indicators]]\ncategory = \"服务对象满意度指标\"\nname = \"群众满意度\"\ntarget = \"≥90%\"\nactual = \"95%\"\nweight = 10\nscore = 10\n[[score_sheet.groups]]\nname = \"成本指标\"\nweight = 20\n[[score_sheet.groups.indicators]]\ncategory = \"经济成本指标\"\nname = \"项目支出成本\"\ntarget = \"≤96.44万元\"\nactual = \"96.41万元\"\nweight = 20\nscore = 18\ndeviation = \"个别项目延期，已调整进度计划\"\n";

    fn ind(n: usize) -> String {
        format!("score_sheet.groups[{n}].indicators[0]")
    }

    #[test]
    fn a_sound_sheet_is_silent() {
        assert!(rules(GOOD).is_empty(), "{:?}", rules(GOOD));
    }

    #[test]
    fn c01_c02_funds_row_against_the_body() {
        assert!(fires(
            "C01",
            &GOOD.replace("initial = 241.75\nfull_year", "initial = 241.7\nfull_year")
        ));
        assert!(fires(
            "C02",
            &GOOD.replace("executed = 320.25", "executed = 320.24\n")
        ));
    }

    #[test]
    fn c03_rate_at_stated_precision() {
        assert!(fires("C03", &GOOD.replace("99.99%", "99.98%")));
        assert!(!fires("C03", &GOOD.replace("99.99%", "100%")));
        assert!(!fires("C03", &GOOD.replace("\"99.99%\"", "99.99")));
    }

    #[test]
    fn c04_funds_score_by_the_scheme() {
        assert!(fires(
            "C04",
            &GOOD.replace(
                "score = 10\n[score_sheet.by_source]",
                "score = 9\n[score_sheet.by_source]"
            )
        ));
        assert!(!fires(
            "C04",
            &GOOD.replace(
                "score = 10\n[score_sheet.by_source]",
                "score = 10.00\n[score_sheet.by_source]"
            )
        ));
    }

    #[test]
    fn c05_splits_add_up() {
        assert!(fires(
            "C05",
            &GOOD.replace("project = 96.44", "project = 96.41")
        ));
    }

    #[test]
    fn c06_split_total_is_budget_or_spending() {
        let spent = GOOD
            .replace(
                "basic = 223.84\nproject = 96.44\n",
                "basic = 223.84\nproject = 96.41\n",
            )
            .replace("total = 320.28\nbasic", "total = 320.25\nbasic");
        assert!(!fires("C06", &spent), "{:?}", rules(&spent));
        assert!(fires(
            "C06",
            &GOOD.replace(
                "total = 320.28\ngeneral_public = 320.28",
                "total = 300\ngeneral_public = 300"
            )
        ));
    }

    #[test]
    fn c07_group_weight_is_the_sum_of_its_indicators() {
        let broken = GOOD.replace("weight = 40\nscore = 40", "weight = 30\nscore = 30");
        assert!(ids(&broken).contains(&("C07".into(), "score_sheet.groups[0]".into())));
    }

    #[test]
    fn c08_weights_against_the_scheme() {
        let broken = GOOD.replace(
            "name = \"产出指标\"\nweight = 40",
            "name = \"产出指标\"\nweight = 50",
        );
        assert!(fires("C08", &broken));
        assert!(fires(
            "C08",
            &GOOD.replace("name = \"成本指标\"", "name = \"奇怪指标\"")
        ));
        assert!(fires(
            "C08",
            &GOOD.replace("weight = 10\nrate", "weight = 15\nrate")
        ));
    }

    #[test]
    fn c09_weights_add_to_100_and_the_stated_total() {
        assert!(fires(
            "C09",
            &GOOD.replace("total_weight = 100", "total_weight = 99")
        ));
        let ninety_seven = GOOD
            .replace(
                "name = \"满意度指标\"\nweight = 10",
                "name = \"满意度指标\"\nweight = 7",
            )
            .replace(
                "weight = 10\nscore = 10\n[[score_sheet.groups]]\nname = \"成本指标\"",
                "weight = 7\nscore = 7\n[[score_sheet.groups]]\nname = \"成本指标\"",
            );
        assert!(fires("C09", &ninety_seven));
        assert!(!fires("C09", "[score_sheet]\ntotal_weight = 5\n"));
    }

    #[test]
    fn c10_score_above_weight() {
        let broken = GOOD.replace("weight = 20\nscore = 18", "weight = 20\nscore = 21");
        assert!(ids(&broken).contains(&("C10".into(), format!("{}.score", ind(3)))));
    }

    #[test]
    fn c11_total_score() {
        assert!(fires(
            "C11",
            &GOOD.replace("total_score = 98", "total_score = 100")
        ));
    }

    #[test]
    fn c12_points_for_nothing() {
        assert!(fires(
            "C12",
            &GOOD.replace("name = \"较大事故\"", "name = \"/\"")
        ));
        assert!(!fires(
            "C12",
            &GOOD.replace(
                "name = \"较大事故\"\ntarget = \"0起\"\nactual = \"0起\"\nweight = 20\nscore = 20",
                "name = \"/\"\ntarget = \"/\"\nweight = \"/\"\nscore = \"/\""
            )
        ));
    }

    #[test]
    fn c13_lost_points_need_a_reason() {
        assert!(fires(
            "C13",
            &GOOD.replace(
                "deviation = \"个别项目延期，已调整进度计划\"",
                "deviation = \"无\""
            )
        ));
        assert!(fires(
            "C13",
            &GOOD.replace("deviation = \"个别项目延期，已调整进度计划\"\n", "")
        ));
    }

    #[test]
    fn c14_actual_as_a_bound() {
        assert!(fires(
            "C14",
            &GOOD.replace("actual = \"95%\"", "actual = \"≥90%\"")
        ));
        for bound in ["≥90%", "不低于95%", "90%以上", "95分以上", "< 3", "小于5起"] {
            assert!(is_bound(bound), "{bound}");
        }
        for measured in ["95%", "32077家次", "以上均完成", "2023年全年"] {
            assert!(!is_bound(measured), "{measured}");
        }
    }

    #[test]
    fn c15_result_copied_from_the_plan() {
        let copied = GOOD.replace("actual = \"全年处置事故12起，培训300人次，预算执行率99.99%\"", "actual = \"统筹推进了全局各项工作，保障了人员日常办公需求，为全局人员及各项工作提供了坚实的保障\"");
        assert!(ids(&copied).contains(&("C15".into(), "score_sheet.goal.actual".into())));
        // short texts may well agree
        assert!(!fires("C15", GOOD));
    }

    #[test]
    fn c16_target_that_cannot_be_measured() {
        assert!(fires(
            "C16",
            &GOOD.replace(
                "target = \"0起\"",
                "target = \"切实保障人民群众的财产安全\""
            )
        ));
        assert!(is_measurable("1.是；2.是。"));
        assert!(!is_measurable("有效减少事故"));
    }
}
