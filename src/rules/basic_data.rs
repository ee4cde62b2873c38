//! D — 附件2 基础数据表: the cost table's own arithmetic, and its figures against the body.

use super::{Ctx, diff, finding, path};
use crate::finding::Finding;
use crate::model::{Amount, CostColumn, CostRow, Costs, FieldPath, ProjectLine};
use rust_decimal::Decimal;

/// Rows that are the sum of their parts.
pub(crate) const SUMS: &[(CostRow, &[CostRow])] = &[
    (
        CostRow::ThreePublic,
        &[CostRow::Vehicles, CostRow::Overseas, CostRow::Reception],
    ),
    (
        CostRow::Vehicles,
        &[CostRow::VehiclePurchase, CostRow::VehicleOperation],
    ),
];

/// 其中 rows that are a subset of their parent, not a split of it.
const SUBSETS: &[(CostRow, &[CostRow])] = &[(
    CostRow::Public,
    &[
        CostRow::Office,
        CostRow::UtilitiesTravel,
        CostRow::MeetingsTraining,
    ],
)];

pub(crate) fn row_path(row: CostRow) -> FieldPath {
    path("basic_data.costs").key(row.key())
}

fn line_label(line: &ProjectLine, index: usize) -> String {
    line.name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("项目支出第 {} 行", index + 1))
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(costs) = ctx
        .report
        .basic_data
        .as_ref()
        .and_then(|d| d.costs.as_ref())
    else {
        return;
    };
    let body = ctx.report.budget.as_ref();

    // D01 — 附件2 项目支出 本年决算数 = 正文 项目支出.
    if let (Some(attached), Some(stated)) = (
        costs.cell(CostRow::Project, CostColumn::Final).value(),
        body.and_then(|b| b.project.value()),
    ) && !ctx.agree(attached, stated)
    {
        out.push(finding(
            "D01",
            row_path(CostRow::Project).key("final"),
            format!(
                "附件2 项目支出 {attached} ≠ 正文 项目支出 {stated}{}",
                diff(attached, stated)
            ),
        ));
    }

    // D02 — 附件2 公用经费 本年决算数 = 正文 公用经费.
    if let (Some(attached), Some(stated)) = (
        costs.cell(CostRow::Public, CostColumn::Final).value(),
        body.and_then(|b| b.public.value()),
    ) && !ctx.agree(attached, stated)
    {
        out.push(finding(
            "D02",
            row_path(CostRow::Public).key("final"),
            format!(
                "附件2 公用经费 {attached} ≠ 正文 公用经费 {stated}{}",
                diff(attached, stated)
            ),
        ));
    }

    for column in CostColumn::ALL {
        // D03 / D04 on the rows that are sums: a part above its parent is D03; otherwise a sum
        // that differs is D04 (one disagreement, one id).
        for (parent, parts) in SUMS {
            let cells: Vec<(String, FieldPath, Amount)> = parts
                .iter()
                .map(|p| (p.label().to_owned(), row_path(*p), costs.cell(*p, column)))
                .collect();
            sum_relation(
                ctx,
                out,
                parent.label(),
                row_path(*parent),
                costs.cell(*parent, column),
                &cells,
                column,
            );
        }
        let lines = project_line_parts(costs, column);
        sum_relation(
            ctx,
            out,
            CostRow::Project.label(),
            row_path(CostRow::Project),
            costs.cell(CostRow::Project, column),
            &lines,
            column,
        );
        // D03 on subsets.
        for (parent, parts) in SUBSETS {
            let Some(total) = costs.cell(*parent, column).value() else {
                continue;
            };
            for part in *parts {
                if let Some(v) = costs.cell(*part, column).value()
                    && v > total
                    && !ctx.agree(v, total)
                {
                    out.push(finding(
                        "D03",
                        row_path(*part),
                        format!(
                            "附件2 {}：其中 {} {v} 超过 {} {total}",
                            column.label(),
                            part.label(),
                            parent.label()
                        ),
                    ));
                }
            }
        }
    }

    // D05 — 三公经费 rows left blank.
    let blank: Vec<&str> = CostRow::ALL
        .iter()
        .filter(|r| r.is_three_public())
        .filter(|r| costs.row(**r).is_none_or(|c| c.is_blank()))
        .map(|r| r.label())
        .collect();
    if !blank.is_empty() {
        out.push(finding(
            "D05",
            row_path(CostRow::ThreePublic),
            format!(
                "附件2 三公经费未填写（{}）：没有发生的请填 0",
                blank.join("、")
            ),
        ));
    }

    // D06 — a 其中 row filled while its parent is blank, in the same column.
    let mut pairs: Vec<(CostRow, CostRow)> = Vec::new();
    for (parent, parts) in SUMS.iter().chain(SUBSETS) {
        pairs.extend(parts.iter().map(|p| (*parent, *p)));
    }
    for column in CostColumn::ALL {
        for (parent, part) in &pairs {
            if costs.cell(*part, column).is_filled() && !costs.cell(*parent, column).is_filled() {
                out.push(finding(
                    "D06",
                    row_path(*parent),
                    format!(
                        "附件2 {}：{} 已填写，而上级行 {} 空白",
                        column.label(),
                        part.label(),
                        parent.label()
                    ),
                ));
            }
        }
        let any_line = costs
            .project_lines
            .iter()
            .any(|l| l.cells.get(column).is_filled());
        if any_line && !costs.cell(CostRow::Project, column).is_filled() {
            out.push(finding(
                "D06",
                row_path(CostRow::Project),
                format!(
                    "附件2 {}：项目支出明细行已填写，而项目支出行空白",
                    column.label()
                ),
            ));
        }
    }
}

/// The parts that add up to 项目支出 in one column: rows outside any group, and for each group
/// either its heading row (when the heading carries the figure) or the sum of its member rows.
pub(crate) fn project_line_parts(
    costs: &Costs,
    column: CostColumn,
) -> Vec<(String, FieldPath, Amount)> {
    let lines = &costs.project_lines;
    let lines_path = path("basic_data.costs.project_lines");
    let heading_of = |group: &str| {
        lines.iter().position(|l| {
            l.group.is_none() && l.name.as_deref().is_some_and(|n| n.trim() == group.trim())
        })
    };
    let mut parts = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match line.group.as_deref() {
            None => parts.push((
                line_label(line, i),
                lines_path.index(i),
                line.cells.get(column),
            )),
            Some(group) => {
                let heading_carries =
                    heading_of(group).is_some_and(|h| lines[h].cells.get(column).is_filled());
                if !heading_carries {
                    parts.push((
                        line_label(line, i),
                        lines_path.index(i),
                        line.cells.get(column),
                    ));
                }
            }
        }
    }
    parts
}

fn sum_relation(
    ctx: &Ctx,
    out: &mut Vec<Finding>,
    parent_label: &str,
    parent_path: FieldPath,
    parent: Amount,
    parts: &[(String, FieldPath, Amount)],
    column: CostColumn,
) {
    let Some(total) = parent.value() else { return };
    let filled: Vec<(&str, &FieldPath, Decimal)> = parts
        .iter()
        .filter_map(|(label, p, a)| a.value().map(|v| (label.as_str(), p, v)))
        .collect();
    if filled.is_empty() {
        return;
    }
    let mut over = false;
    for (label, p, v) in &filled {
        if *v > total && !ctx.agree(*v, total) {
            over = true;
            out.push(finding(
                "D03",
                (*p).clone(),
                format!(
                    "附件2 {}：{label} {v} 超过上级行 {parent_label} {total}",
                    column.label()
                ),
            ));
        }
    }
    if over {
        return;
    }
    let sum: Decimal = filled.iter().map(|(_, _, v)| *v).sum();
    if !ctx.agree(sum, total) {
        let terms: Vec<String> = filled.iter().map(|(l, _, v)| format!("{l} {v}")).collect();
        out.push(finding(
            "D04",
            parent_path,
            format!(
                "附件2 {}：{parent_label} {total} ≠ {} = {sum}{}",
                column.label(),
                terms.join(" + "),
                diff(total, sum)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{fires, ids, rules};

    const GOOD: &str = "[budget]\nproject = 96.41\npublic = 20.67\n[basic_data.costs]\nthree_public = { prev_final = 3, budget = 2, final = 1.5 }\nvehicles = { prev_final = 2, budget = 2, final = 1 }\nvehicle_purchase = { prev_final = 0, budget = 0, final = 0 }\nvehicle_operation = { prev_final = 2, budget = 2, final = 1 }\noverseas = { prev_final = 0, budget = 0, final = 0 }\nreception = { prev_final = 1, budget = 0, final = 0.5 }\nproject = { prev_final = 93.68, budget = 38.69, final = 96.41 }\npublic = { prev_final = 24.14, budget = 21.99, final = 20.67 }\noffice = { prev_final = 0.89, budget = 2.6, final = 0.86 }\n[[basic_data.costs.project_lines]]\nname = \"1、业务工作经费\"\nprev_final = 93.68\nbudget = 38.69\nfinal = 96.41\n[[basic_data.costs.project_lines]]\nname = \"2、运行维护经费\"\n";

    #[test]
    fn a_consistent_table_is_silent() {
        assert!(rules(GOOD).is_empty(), "{:?}", rules(GOOD));
    }

    #[test]
    fn d01_project_against_the_body() {
        assert!(fires(
            "D01",
            &GOOD.replace("project = 96.41", "project = 96.40")
        ));
    }

    #[test]
    fn d02_public_against_the_body() {
        assert!(fires(
            "D02",
            &GOOD.replace("public = 20.67\n[basic_data", "public = 20.66\n[basic_data")
        ));
    }

    #[test]
    fn d03_a_part_above_its_parent_is_reported_once() {
        let over = GOOD.replace(
            "office = { prev_final = 0.89",
            "office = { prev_final = 24.15",
        );
        assert_eq!(
            ids(&over),
            [("D03".into(), "basic_data.costs.office".into())]
        );
        let vehicle = GOOD.replace(
            "vehicle_purchase = { prev_final = 0, budget = 0, final = 0 }",
            "vehicle_purchase = { prev_final = 0, budget = 0, final = 5 }",
        );
        let found = rules(&vehicle);
        assert!(found.contains(&"D03".to_owned()), "{found:?}");
        assert!(!found.contains(&"D04".to_owned()), "{found:?}");
    }

    #[test]
    fn d04_parent_is_the_sum_of_its_parts() {
        let broken = GOOD.replace(
            "three_public = { prev_final = 3",
            "three_public = { prev_final = 4",
        );
        assert_eq!(
            ids(&broken),
            [("D04".into(), "basic_data.costs.three_public".into())]
        );
        let lines = GOOD.replace("prev_final = 93.68\nbudget", "prev_final = 93.6\nbudget");
        assert!(fires("D04", &lines));
    }

    #[test]
    fn d04_grouped_lines_count_once() {
        let grouped = "[basic_data.costs]\nproject = { final = 10 }\n[[basic_data.costs.project_lines]]\nname = \"2、区级专项资金\"\n[[basic_data.costs.project_lines]]\nname = \"安全监管\"\ngroup = \"2、区级专项资金\"\nfinal = 4\n[[basic_data.costs.project_lines]]\nname = \"防汛\"\ngroup = \"2、区级专项资金\"\nfinal = 6\n";
        assert!(!fires("D04", grouped));
        let heading_too = grouped.replace(
            "name = \"2、区级专项资金\"\n",
            "name = \"2、区级专项资金\"\nfinal = 10\n",
        );
        assert!(!fires("D04", &heading_too));
    }

    #[test]
    fn d05_blank_three_public_rows() {
        let blank = "[basic_data.costs]\nproject = { final = 1 }\n";
        assert!(fires("D05", blank));
        assert!(!fires("D05", GOOD));
    }

    #[test]
    fn d06_parts_filled_under_a_blank_parent() {
        let orphan = GOOD.replace(
            "public = { prev_final = 24.14, budget = 21.99, final = 20.67 }",
            "public = { prev_final = 24.14, budget = 21.99 }",
        );
        assert!(fires("D06", &orphan));
    }
}
