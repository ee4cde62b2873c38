//! Y — against last year's report of the same unit (REVIEW.md, “Year over year”): only when
//! that report is known (`--previous FILE`, or found beside the file: `crate::previous`).

use super::{Ctx, diff, finding, path};
use crate::finding::Finding;
use crate::model::{CostColumn, CostRow, Costs, Report, is_nothing_text};
use std::collections::HashSet;

/// Last year's report, loaded, and how messages name it.
#[derive(Debug, Clone)]
pub struct Previous {
    /// The file as given or found (`examples/lusong-emergency-2023.toml`).
    pub file: String,
    pub report: Report,
}

/// An indicator's 实际完成值 shorter than this (letters and digits) is not taken as copied:
/// `100%` or `0起` may well be this year's result again.
pub const Y02_MIN_ACTUAL_CHARS: usize = 10;

pub fn check(ctx: &Ctx, previous: &Previous, out: &mut Vec<Finding>) {
    carried_amounts(ctx, previous, out);
    copied_texts(ctx, previous, out);
}

/// Y01 — each 附件2 row's 上年决算数 against last year's 本年决算数 of the same row (fixed
/// rows by key, project lines by name).
fn carried_amounts(ctx: &Ctx, previous: &Previous, out: &mut Vec<Finding>) {
    fn costs(r: &Report) -> Option<&Costs> {
        r.basic_data.as_ref()?.costs.as_ref()
    }
    let (Some(now), Some(last)) = (costs(ctx.report), costs(&previous.report)) else {
        return;
    };
    let mut compare =
        |at: crate::model::FieldPath, label: &str, this: Option<_>, that: Option<_>| {
            if let (Some(this), Some(that)) = (this, that)
                && !ctx.agree(this, that)
            {
                out.push(finding(
                    "Y01",
                    at,
                    format!(
                        "附件2 {label}：上年决算数 {this}，而上年报告 {} 的本年决算数为 {that}{}",
                        previous.file,
                        diff(this, that)
                    ),
                ));
            }
        };
    // A row the form prints —— under 上年决算数 has no such figure to compare.
    for row in CostRow::ALL.into_iter().filter(|r| r.has_prev_final()) {
        compare(
            path("basic_data.costs").key(row.key()).key("prev_final"),
            row.label(),
            now.cell(row, CostColumn::PrevFinal).value(),
            last.cell(row, CostColumn::Final).value(),
        );
    }
    for (i, line) in now.project_lines.iter().enumerate() {
        let Some(name) = line_name(line) else {
            continue;
        };
        let Some(before) = last_line(last, name) else {
            continue;
        };
        compare(
            path("basic_data.costs.project_lines")
                .index(i)
                .key("prev_final"),
            &format!("项目支出“{name}”"),
            line.cells.prev_final.value(),
            before.cells.r#final.value(),
        );
    }
}

fn line_name(line: &crate::model::ProjectLine) -> Option<&str> {
    line.name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
}

/// Last year's project line of this name: the first, as this year's is matched once.
fn last_line<'a>(last: &'a Costs, name: &str) -> Option<&'a crate::model::ProjectLine> {
    last.project_lines
        .iter()
        .find(|l| line_name(l) == Some(name))
}

/// A text reduced to its letters and digits: whitespace and punctuation do not make a
/// copied text new.
pub fn words_only(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Y02 — 七 问题, 八 措施, or an indicator's 实际完成值 word for word last year's.
fn copied_texts(ctx: &Ctx, previous: &Previous, out: &mut Vec<Finding>) {
    let file = &previous.file;
    let copied = |now: &Option<String>, last: &Option<String>| {
        !is_nothing_text(now)
            && !is_nothing_text(last)
            && words_only(now.as_deref().unwrap_or_default())
                == words_only(last.as_deref().unwrap_or_default())
    };
    if let (Some(now), Some(last)) = (&ctx.report.closing, &previous.report.closing) {
        for (key, label, this, that) in [
            (
                "closing.problems",
                "七、存在的问题及原因分析",
                &now.problems,
                &last.problems,
            ),
            (
                "closing.improvements",
                "八、下一步改进措施",
                &now.improvements,
                &last.improvements,
            ),
        ] {
            if copied(this, that) {
                out.push(finding(
                    "Y02",
                    path(key),
                    format!("{label} 与上年报告 {file} 一字不差（不计空白和标点）：照搬上年，未就本年作出评价"),
                ));
            }
        }
    }
    let actuals = |r: &Report| -> Vec<(usize, usize, String)> {
        r.score_sheet
            .iter()
            .flat_map(|s| s.groups.iter().enumerate())
            .flat_map(|(gi, g)| {
                g.indicators
                    .iter()
                    .enumerate()
                    .filter_map(move |(ii, ind)| {
                        if is_nothing_text(&ind.actual) {
                            return None;
                        }
                        let words = words_only(ind.actual.as_deref().unwrap_or_default());
                        (words.chars().count() >= Y02_MIN_ACTUAL_CHARS).then_some((gi, ii, words))
                    })
            })
            .collect()
    };
    let last: HashSet<String> = actuals(&previous.report)
        .into_iter()
        .map(|(_, _, w)| w)
        .collect();
    let Some(sheet) = &ctx.report.score_sheet else {
        return;
    };
    for (gi, ii, words) in actuals(ctx.report) {
        if last.contains(&words) {
            let label = sheet.groups[gi].indicators[ii].label();
            out.push(finding(
                "Y02",
                path("score_sheet.groups")
                    .index(gi)
                    .key("indicators")
                    .index(ii)
                    .key("actual"),
                format!("附件3 {label} 的实际完成值与上年报告 {file} 一字不差（不计空白和标点）：照搬上年，不是本年的实测结果"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Previous;
    use crate::rules::RuleOptions;
    use crate::rules::testing::{findings_with, report};

    const DATA: &str = "[basic_data.costs]\n\
        public = { prev_final = 24.14, budget = 21.99, final = 20.66 }\n\
        office = { prev_final = 0.89, budget = 2.6, final = 0.86 }\n\
        [[basic_data.costs.project_lines]]\nname = \"1、业务工作经费\"\nprev_final = 93.68\nfinal = 96.41\n";

    fn last(body: &str) -> Previous {
        Previous {
            file: "去年.toml".to_owned(),
            report: report(body),
        }
    }

    fn with(body: &str, previous: &Previous) -> Vec<(String, String, String)> {
        findings_with(
            body,
            RuleOptions {
                complete: false,
                previous: Some(previous),
            },
        )
        .into_iter()
        .filter(|(id, _, _)| id.starts_with('Y'))
        .collect()
    }

    #[test]
    fn y01_last_years_final_accounts_carried_over() {
        let previous = last(DATA);
        let now = "[basic_data.costs]\n\
            public = { prev_final = 20.66, budget = 22 }\n\
            office = { prev_final = 0.86 }\n\
            [[basic_data.costs.project_lines]]\nname = \"1、业务工作经费\"\nprev_final = 96.41\n";
        assert!(with(now, &previous).is_empty());
        // One row carried wrong, and a project line matched by its name.
        let wrong = now
            .replace(
                "office = { prev_final = 0.86 }",
                "office = { prev_final = 0.68 }",
            )
            .replace("prev_final = 96.41", "prev_final = 93.68");
        let found = with(&wrong, &previous);
        assert_eq!(
            found
                .iter()
                .map(|(id, p, _)| (id.as_str(), p.as_str()))
                .collect::<Vec<_>>(),
            [
                ("Y01", "basic_data.costs.office.prev_final"),
                ("Y01", "basic_data.costs.project_lines[0].prev_final"),
            ]
        );
        let message = &found[0].2;
        for part in ["办公经费", "0.68", "去年.toml", "0.86", "差 0.18"] {
            assert!(message.contains(part), "{part} in {message}");
        }
        // A blank on either side is not a disagreement.
        let blank = wrong.replace("office = { prev_final = 0.68 }", "office = { budget = 1 }");
        assert_eq!(with(&blank, &previous).len(), 1);
        // A line that last year's report does not have is not compared.
        let renamed = wrong.replace("1、业务工作经费", "1、业务经费");
        assert_eq!(with(&renamed, &previous).len(), 1);
    }

    #[test]
    fn y01_skips_the_rows_the_form_prints_without_last_years_figure() {
        let previous = last(
            "[basic_data.costs]\nprocurement = { final = 109.5 }\nbasic_adjustment = { final = 3 }\n",
        );
        let now = "[basic_data.costs]\nprocurement = { prev_final = 100 }\nbasic_adjustment = { prev_final = 1 }\n";
        assert_eq!(with(now, &previous), []);
    }

    #[test]
    fn y02_texts_copied_from_last_year() {
        let closing = "[closing]\nproblems = \"一是预算编制不够准确，年中追加较多。\"\n\
            improvements = \"一是提高预算编制质量。\"\n\
            [[score_sheet.groups]]\nname = \"产出指标\"\nweight = 40\n\
            [[score_sheet.groups.indicators]]\nname = \"检查家次\"\nactual = \"检查生产经营单位32077家次\"\n\
            [[score_sheet.groups.indicators]]\nname = \"满意度\"\nactual = \"95%\"\n";
        let previous = last(closing);
        // Whitespace and punctuation do not make a text new.
        let now = closing
            .replace("一是提高预算编制质量。", "一是 提高预算编制质量")
            .replace("32077家次\"", "32077家次。\"");
        let found = with(&now, &previous);
        assert_eq!(
            found
                .iter()
                .map(|(id, p, _)| (id.as_str(), p.as_str()))
                .collect::<Vec<_>>(),
            [
                ("Y02", "closing.problems"),
                ("Y02", "closing.improvements"),
                ("Y02", "score_sheet.groups[0].indicators[0].actual"),
            ],
            "95% is too short to be taken as copied"
        );
        assert!(found[0].2.contains("七、") && found[0].2.contains("去年.toml"));
        // Rewritten for this year: nothing.
        let rewritten = closing
            .replace("年中追加较多", "专项执行偏慢")
            .replace("提高预算编制质量", "按季度跟踪专项进度")
            .replace("32077", "33105");
        assert!(with(&rewritten, &previous).is_empty());
        // 无 last year and 无 this year is N01's, not a copy.
        let none = "[closing]\nproblems = \"无。\"\nimprovements = \"无\"\n";
        assert!(with(none, &last(none)).is_empty());
    }
}
