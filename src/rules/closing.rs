//! N — 七、八 and the other text sections: what a reviewer sends back unread.

use super::{Ctx, finding, path};
use crate::finding::Finding;
use crate::model::{is_blank_text, is_nothing_text};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let r = ctx.report;
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

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, ids, rules};

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
