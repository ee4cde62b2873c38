//! N05 — is the report complete enough to submit? Only with `--complete` (RuleOptions): the
//! other rules stay silent on parts a file does not have, so a partial file checks cleanly;
//! this family names every required part that is absent or empty (REVIEW.md).

use super::{Ctx, finding, path};
use crate::finding::Finding;
use crate::model::{FieldPath, is_blank_text};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let r = ctx.report;
    let mut missing = |p: FieldPath, label: &str| {
        out.push(finding(
            "N05",
            p,
            format!("{label} 缺少或为空：提交的报告须填写这一部分"),
        ));
    };
    let basic = r.basic.as_ref();
    if basic.is_none_or(|b| b.functions.iter().all(|f| f.trim().is_empty())) {
        missing(path("basic.functions"), "一（一）主要职能");
    }
    if basic.is_none_or(|b| is_blank_text(&b.organization)) {
        missing(path("basic.organization"), "一（二）机构情况");
    }
    let staff_blank = basic.and_then(|b| b.staff.as_ref()).is_none_or(|s| {
        [
            s.actual_total,
            s.in_service,
            s.open_ended,
            s.government_employees,
            s.retired,
            s.other,
        ]
        .iter()
        .all(|c| !c.is_filled())
    });
    if staff_blank {
        missing(path("basic.staff"), "一（三）人员情况");
    }
    let budget_blank = r.budget.as_ref().is_none_or(|b| {
        [
            b.initial,
            b.income,
            b.spent,
            b.basic,
            b.personnel,
            b.public,
            b.project,
        ]
        .iter()
        .all(|c| !c.is_filled())
            && b.projects.iter().all(|p| !p.amount.is_filled())
    });
    if budget_blank {
        missing(path("budget"), "二、一般公共预算支出情况");
    }
    let data_blank = r.basic_data.as_ref().is_none_or(|d| {
        !d.authorized.is_filled()
            && !d.in_service.is_filled()
            && !d.control_rate.is_filled()
            && d.costs.as_ref().is_none_or(|c| {
                crate::model::CostRow::ALL
                    .iter()
                    .all(|row| c.row(*row).is_none_or(|cells| cells.is_blank()))
                    && c.project_lines.iter().all(|l| l.cells.is_blank())
            })
    });
    if data_blank {
        missing(path("basic_data"), "附件2 基础数据表");
    }
    let sheet = r.score_sheet.as_ref();
    // 分值 alone is what the template writes: the row is filled once a figure of the year is.
    let funds_blank = sheet.and_then(|s| s.funds.as_ref()).is_none_or(|f| {
        !f.initial.is_filled()
            && !f.full_year.is_filled()
            && !f.executed.is_filled()
            && !f.rate.is_filled()
            && !f.score.is_filled()
    });
    if funds_blank {
        missing(path("score_sheet.funds"), "附件3 年度资金总额");
    }
    for rule in &ctx.scheme.groups {
        let found = sheet.and_then(|s| {
            s.groups
                .iter()
                .position(|g| g.name.as_deref().is_some_and(|n| rule.matches(n)))
        });
        let filled = found.is_some_and(|i| {
            sheet.is_some_and(|s| s.groups[i].indicators.iter().any(super::totals::in_use))
        });
        if !filled {
            let at = match found {
                Some(i) => path("score_sheet.groups").index(i),
                None => path("score_sheet.groups"),
            };
            missing(at, &format!("附件3 一级指标“{}”", rule.name));
        }
    }
    // A 七 or 八 that is there but blank is N01/N02's; here only the section not written at all.
    if r.closing.is_none() {
        missing(path("closing.problems"), "七、存在的问题及原因分析");
        missing(path("closing.improvements"), "八、下一步改进措施");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::RuleOptions;
    use crate::rules::testing::{findings_with, ids, ids_with};

    const COMPLETE: RuleOptions = RuleOptions {
        complete: true,
        previous: None,
    };
    const SEED: &str = include_str!("../../examples/lusong-emergency-2023-corrected.toml");

    /// The seed's body, without the head `testing` writes.
    fn seed_body() -> &'static str {
        &SEED[SEED.find("[basic]").unwrap()..]
    }

    #[test]
    fn a_file_with_only_the_basic_data_table() {
        let start = seed_body().find("[basic_data]").unwrap();
        let end = seed_body().find("# 附件3").unwrap();
        let body = &seed_body()[start..end];
        assert!(
            ids(body).is_empty(),
            "without --complete it stays clean: {:?}",
            ids(body)
        );
        let found = findings_with(body, COMPLETE);
        let paths: Vec<&str> = found.iter().map(|(_, p, _)| p.as_str()).collect();
        assert!(found.iter().all(|(id, _, _)| id == "N05"));
        assert_eq!(
            paths,
            [
                "basic.functions",
                "basic.organization",
                "basic.staff",
                "budget",
                "score_sheet.funds",
                "score_sheet.groups",
                "score_sheet.groups",
                "score_sheet.groups",
                "score_sheet.groups",
                "closing.problems",
                "closing.improvements",
            ]
        );
        let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
        for part in [
            "主要职能",
            "机构情况",
            "人员情况",
            "二、一般公共预算支出情况",
            "年度资金总额",
            "“产出指标”",
            "“效益指标”",
            "“满意度指标”",
            "“成本指标”",
            "七、存在的问题",
            "八、下一步改进措施",
        ] {
            assert!(
                messages.iter().any(|m| m.contains(part)),
                "{part} in {messages:?}"
            );
        }
    }

    #[test]
    fn a_complete_report_has_no_n05() {
        assert!(
            !ids_with(seed_body(), COMPLETE)
                .iter()
                .any(|(id, _)| id == "N05")
        );
    }

    #[test]
    fn an_empty_group_and_a_blank_section_are_missing_once() {
        // 满意度指标 kept with its 分值 but its rows emptied; 机构情况 blank (N03 without the flag).
        let start = seed_body().find("name = \"满意度指标\"").unwrap();
        let end = seed_body().find("# 绩效指标 — 成本指标").unwrap();
        let body = format!(
            "{}name = \"满意度指标\"\nweight = 10\n\n{}",
            &seed_body()[..start],
            &seed_body()[end..]
        )
        .replacen("organization = \"株洲", "organization = \"\"\nold = \"", 1);
        let plain = ids(&body);
        assert!(plain.contains(&("N03".into(), "basic.organization".into())));
        let found = ids_with(&body, COMPLETE);
        let n05: Vec<&str> = found
            .iter()
            .filter(|(id, _)| id == "N05")
            .map(|(_, p)| p.as_str())
            .collect();
        assert_eq!(n05, ["basic.organization", "score_sheet.groups[2]"]);
        assert!(!found.iter().any(|(id, _)| id == "N03"));
    }
}
