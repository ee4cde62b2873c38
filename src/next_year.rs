//! `jixiao new FILE --from LAST.toml`: next year's report, carried forward from last
//! year's (REVIEW.md, “Year over year”). Written from the same template as `jixiao new`,
//! with last year's values put in through toml_edit, so the template's comments stay.

use crate::commands::{Failure, fill_template, load_failure, quote, template};
use crate::rules;
use crate::sanitize::visible_inline;
use crate::scheme::{self, Scheme, SchemeSet};
use crate::store;
use std::io::Write;
use std::path::Path;

/// A cell as a TOML value: the figure as written, `"/"`, or `""`.
fn cell_literal(cell: crate::model::Amount) -> String {
    match cell {
        crate::model::Cell::Value(d) => d.to_string(),
        crate::model::Cell::NotApplicable => "\"/\"".to_owned(),
        crate::model::Cell::Blank => "\"\"".to_owned(),
    }
}

/// Puts the value `text` in `item`'s place (the space before it kept), with `note` as its
/// comment.
fn carry(item: &mut toml_edit::Item, text: &str, note: &str) {
    let mut value: toml_edit::Value = text.parse().expect("values are written as TOML");
    let prefix = item
        .as_value()
        .and_then(|v| v.decor().prefix())
        .and_then(|p| p.as_str())
        .unwrap_or(" ")
        .to_owned();
    value.decor_mut().set_prefix(prefix);
    value.decor_mut().set_suffix(format!("   # {note}"));
    *item = toml_edit::Item::Value(value);
}

/// The text of next year's report, carried forward from `last` (REVIEW.md): year + 1; unit,
/// scheme, functions, 机构, 内设机构 and the indicator sheet kept; every 附件2 上年决算数
/// from last year's 本年决算数; this year's figures, results, scores and 七/八 left blank.
/// `source` names last year's file in the comments.
pub fn carried_forward(last: &crate::model::Report, scheme: &Scheme, source: &str) -> String {
    use crate::model::{CostColumn, CostRow};
    let last_year = last.report.year.value().unwrap_or_default();
    let year = last_year + 1;
    let unit = last.report.unit.as_deref().unwrap_or_default();
    let sheet = last.score_sheet.as_ref();
    // Into comments: a name with a line break in it must not end one early.
    let source = visible_inline(source);
    let from = format!("取自 {source}");

    // The indicator sheet: groups, names, targets and weights; results and scores blank.
    let groups = match sheet.filter(|s| !s.groups.is_empty()) {
        None => None,
        Some(s) => {
            let mut text = String::new();
            for g in &s.groups {
                text.push_str(&format!(
                    "[[score_sheet.groups]]\nname = {}\nweight = {}   # 一级指标及分值{from}\n\n",
                    quote(g.name.as_deref().unwrap_or_default()),
                    cell_literal(g.weight),
                ));
                for i in &g.indicators {
                    // A row marked not applicable stays so; the others wait for this year's.
                    let left = if matches!(i.weight, crate::model::Cell::NotApplicable) {
                        "\"/\""
                    } else {
                        "\"\""
                    };
                    let text_of = |t: &Option<String>| quote(t.as_deref().unwrap_or_default());
                    text.push_str(&format!(
                        "[[score_sheet.groups.indicators]]\n\
                         # 二级指标、三级指标、年度指标值、分值{from}\n\
                         category = {}\nname = {}\ntarget = {}\nweight = {}\n\
                         actual = {left}       # 实际完成值：填本年实测结果\n\
                         score = {left}        # 得分\n\
                         deviation = {left}    # 偏差原因分析及改进措施\n\n",
                        text_of(&i.category),
                        text_of(&i.name),
                        text_of(&i.target),
                        cell_literal(i.weight),
                    ));
                }
            }
            Some(text)
        }
    };
    let funds_weight = sheet
        .and_then(|s| s.funds.as_ref())
        .map(|f| f.weight)
        .filter(|w| w.is_filled())
        .map_or_else(|| scheme.funds.weight.to_string(), cell_literal);
    let text = match &groups {
        Some(g) => fill_template(scheme, unit, year, &funds_weight, g),
        None => template(scheme, unit, year),
    };
    let mut doc: toml_edit::DocumentMut = text.parse().expect("the template is TOML");

    let title = last
        .report
        .title
        .as_deref()
        .map(|t| t.replace(&format!("{last_year}年度"), &format!("{year}年度")))
        .filter(|t| !t.trim().is_empty());
    if let Some(title) = title {
        carry(
            &mut doc["report"]["title"],
            &quote(&title),
            &format!("标题{from}，年度已改为 {year}"),
        );
    }
    carry(
        &mut doc["report"]["unit"],
        &quote(unit),
        &format!("单位名称{from}"),
    );

    if let Some(b) = &last.basic {
        let functions: Vec<&String> = b
            .functions
            .iter()
            .filter(|f| !f.trim().is_empty())
            .collect();
        if !functions.is_empty() {
            let mut list = String::from("[\n");
            for f in functions {
                list.push_str(&format!("  {},\n", quote(f)));
            }
            list.push(']');
            carry(
                &mut doc["basic"]["functions"],
                &list,
                &format!("主要职能{from}"),
            );
        }
        if let Some(o) = b.organization.as_deref().filter(|o| !o.trim().is_empty()) {
            carry(
                &mut doc["basic"]["organization"],
                &quote(o),
                &format!("机构情况{from}"),
            );
        }
        if !b.departments.is_empty() {
            let list: Vec<String> = b.departments.iter().map(|d| quote(d)).collect();
            carry(
                &mut doc["basic"]["departments"],
                &format!("[{}]", list.join(", ")),
                &format!("内设机构{from}"),
            );
        }
    }

    // 附件2: each row's 上年决算数 is last year's 本年决算数.
    let costs = last.basic_data.as_ref().and_then(|d| d.costs.as_ref());
    if let Some(costs) = costs {
        let table = doc["basic_data"]["costs"]
            .as_table_mut()
            .expect("the template has basic_data.costs");
        for row in CostRow::ALL {
            let Some(cells) = table
                .get_mut(row.key())
                .and_then(|i| i.as_inline_table_mut())
            else {
                continue;
            };
            // Rows whose form prints —— under 上年决算数 get nothing carried into it.
            if !row.has_prev_final() {
                continue;
            }
            let carried = costs.cell(row, CostColumn::Final);
            if carried.is_filled() {
                let value: toml_edit::Value = cell_literal(carried).parse().expect("a figure");
                cells.insert(CostColumn::PrevFinal.key(), value);
            }
        }
        // The rows the template writes are notes on what to fill; the year's lines replace them.
        if !costs.project_lines.is_empty() {
            let mut lines = toml_edit::ArrayOfTables::new();
            for (i, line) in costs.project_lines.iter().enumerate() {
                let mut t = toml_edit::Table::new();
                t["name"] = toml_edit::value(line.name.clone().unwrap_or_default());
                let carried = line.cells.r#final;
                let value: toml_edit::Value = cell_literal(if carried.is_filled() {
                    carried
                } else {
                    crate::model::Cell::Blank
                })
                .parse()
                .expect("a figure");
                t["prev_final"] = toml_edit::Item::Value(value);
                t["budget"] = toml_edit::value("");
                t["final"] = toml_edit::value("");
                if i == 0 {
                    t.decor_mut().set_prefix(format!(
                        "\n# 项目支出下的各行{from}，上年决算数 = 上年报告该行的本年决算数\n"
                    ));
                }
                lines.push(t);
            }
            table.insert("project_lines", toml_edit::Item::ArrayOfTables(lines));
        }
        let prefix = format!(
            "\n# 经费控制情况（万元）：上年决算数 / 本年预算数 / 本年决算数\n# 各行的上年决算数{from} 的本年决算数（{last_year} 年度）；本年预算数、本年决算数待填\n"
        );
        doc["basic_data"]["costs"]
            .as_table_mut()
            .expect("a table")
            .decor_mut()
            .set_prefix(prefix);
    }

    if let Some(s) = sheet {
        if s.total_weight.is_filled() {
            carry(
                &mut doc["score_sheet"]["total_weight"],
                &cell_literal(s.total_weight),
                &format!("总分行分值{from}"),
            );
        }
        let expected = s.goal.as_ref().and_then(|g| g.expected.as_deref());
        if let Some(e) = expected.filter(|e| !e.trim().is_empty()) {
            carry(
                &mut doc["score_sheet"]["goal"]["expected"],
                &quote(e),
                &format!("预期目标{from}，按本年目标修改"),
            );
        }
        if funds_weight != scheme.funds.weight.to_string() {
            carry(
                &mut doc["score_sheet"]["funds"]["weight"],
                &funds_weight,
                &format!("分值{from}"),
            );
        }
    }

    format!(
        "# {year} 年度报告，由 jixiao new --from 从上年的报告 {source}（{last_year} 年度）续写。\n\
         # 沿用上年的：单位、评分方案、主要职能、机构情况、内设机构、附件3 的指标表（一级指标、\n\
         #   二级指标、三级指标、年度指标值、分值）和年度总体目标的预期目标；标题中的年度已改为 {year}。\n\
         # 附件2 各行的上年决算数 = 上年报告该行的本年决算数。\n\
         # 留待填写的：本年的金额、人员、实际完成值、得分、偏差原因，以及六、七、八等本年的文字。\n\
         # 各处沿用的值后面注明了出处。jixiao check 会与同一文件夹里的上年报告逐年核对（Y01、Y02）；\n\
         #   上年报告在别处时：jixiao check 本文件 --previous {source}\n\n{}",
        doc
    )
}

/// `jixiao new FILE --from LAST.toml`.
pub fn new_from(
    path: &Path,
    last_path: &Path,
    set: &SchemeSet,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let bytes = store::read_report_file(last_path).map_err(|e| Failure::usage(e.to_string()))?;
    let last = scheme::inspect(bytes, set).map_err(|f| load_failure(last_path, &f))?;
    let scheme = rules::scheme_of(&last, set);
    // Named as the new file will find it: by its name when beside it, else by its path.
    let beside = last_path.parent().map(crate::previous::folder_or_dot)
        == path.parent().map(crate::previous::folder_or_dot);
    let source = match last_path.file_name() {
        Some(name) if beside => name.to_string_lossy().into_owned(),
        _ => last_path.display().to_string(),
    };
    let text = carried_forward(&last.report, scheme, &source);
    store::create_new_file(path, text.as_bytes()).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Failure::usage(format!(
            "{}：文件已存在，不会覆盖；请换一个文件名",
            path.display()
        )),
        _ => Failure::usage(format!("{}：无法创建（{e}），未创建", path.display())),
    })?;
    let year = last.report.report.year.value().unwrap_or_default() + 1;
    writeln!(
        out,
        "已创建 {}（方案 {}，年度 {year}，续自 {}）",
        path.display(),
        scheme.id,
        last_path.display()
    )
    .map_err(|e| Failure::usage(e.to_string()))?;
    if !beside {
        writeln!(
            out,
            "上年报告不在同一文件夹：检查时用 jixiao check {} --previous {}",
            visible_inline(&path.display().to_string()),
            visible_inline(&last_path.display().to_string())
        )
        .map_err(|e| Failure::usage(e.to_string()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::carried_forward;
    use crate::scheme::{self, SchemeSet};

    const HEAD: &str = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n[report]\nunit = \"某局\"\nyear = 2023\n";

    fn next_of(text: &str, source: &str) -> (String, crate::model::Report) {
        let schemes = SchemeSet::builtin();
        let last = scheme::load_str(text, &schemes).expect("last year's report loads");
        let scheme = schemes.get("hunan-department").unwrap();
        let next = carried_forward(&last.report, scheme, source);
        match scheme::load_str(&next, &schemes) {
            Ok(l) => (next, l.report),
            Err(f) => panic!("next year's report does not load: {:?}\n{next}", f.findings),
        }
    }

    #[test]
    fn a_report_with_only_the_head_gets_the_schemes_sheet() {
        let (text, next) = next_of(HEAD, "去年.toml");
        assert_eq!(next.report.year.value(), Some(2024));
        assert_eq!(next.report.unit.as_deref(), Some("某局"));
        let sheet = next.score_sheet.unwrap();
        let names: Vec<_> = sheet
            .groups
            .iter()
            .map(|g| g.name.clone().unwrap())
            .collect();
        assert_eq!(names, ["产出指标", "效益指标", "满意度指标", "成本指标"]);
        assert!(text.starts_with("# 2024 年度报告，由 jixiao new --from 从上年的报告 去年.toml"));
    }

    #[test]
    fn texts_are_carried_exactly_whatever_they_hold() {
        let organization = "一\"\"\"二\n三\\四\u{1b}[31m五";
        let body = format!(
            "[basic]\nfunctions = [\"甲\", \"乙\"]\norganization = {}\n",
            toml_edit::Value::from(organization)
        );
        let (text, next) = next_of(&format!("{HEAD}{body}"), "a\nb.toml");
        let basic = next.basic.unwrap();
        assert_eq!(basic.organization.as_deref(), Some(organization));
        assert_eq!(basic.functions, ["甲", "乙"]);
        // A file name cannot end a comment line early.
        assert!(!text.contains("a\nb.toml"));
        assert!(text.contains(&*crate::sanitize::visible_inline("a\nb.toml")));
    }

    #[test]
    fn next_year_of_the_2024_example_is_2025() {
        let (_, next) = next_of(
            include_str!("../examples/lusong-emergency-2024.toml"),
            "lusong-emergency-2024.toml",
        );
        assert_eq!(
            next.report.title.as_deref(),
            Some("2025年度株洲市芦淞区应急管理局整体支出绩效自评报告")
        );
        let costs = next.basic_data.unwrap().costs.unwrap();
        assert_eq!(costs.office.unwrap().prev_final.to_string(), "0.92");
        assert_eq!(
            costs.utilities_travel.unwrap().prev_final.to_string(),
            "0.26"
        );
    }

    #[test]
    fn rows_the_form_prints_without_last_years_figure_get_none_the_others_do() {
        let body = "[basic_data.costs]\n\
            public = { final = 20.67 }\n\
            procurement = { final = 109.5 }\n\
            basic_adjustment = { final = 3 }\n";
        let (_, next) = next_of(&format!("{HEAD}{body}"), "去年.toml");
        let costs = next.basic_data.unwrap().costs.unwrap();
        for row in crate::model::CostRow::ALL {
            let carried = costs.cell(row, crate::model::CostColumn::PrevFinal);
            if row.has_prev_final() {
                let expected = if row == crate::model::CostRow::Public {
                    "20.67"
                } else {
                    ""
                };
                assert_eq!(
                    carried.value().map(|v| v.to_string()).unwrap_or_default(),
                    expected,
                    "{row:?}"
                );
            } else {
                assert!(!carried.is_filled(), "{row:?}: {carried:?}");
            }
        }
    }
}
