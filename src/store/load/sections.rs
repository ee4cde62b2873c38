//! The section readers: each section, table and row of a report read into the model.

use super::reader::{Reader, fields_of};
use crate::model::schema;
use crate::model::*;
use crate::scheme::SchemeSet;
use crate::store::tree::Table;

impl Reader<'_> {
    pub(super) fn cost_cells(&mut self, t: Table<'_>, path: &FieldPath) -> CostCells {
        CostCells {
            prev_final: self.amount(t, "prev_final", path),
            budget: self.amount(t, "budget", path),
            r#final: self.amount(t, "final", path),
        }
    }

    pub(super) fn report(&mut self, root: Table<'_>, schemes: &SchemeSet) -> Report {
        let top = FieldPath::root();
        self.known_keys(root, &top, schema::ROOT);
        let mut report = Report {
            schema: self.text(root, "schema", &top),
            scheme: self.text(root, "scheme", &top),
            ..Report::default()
        };
        self.required_top(root, &report, schemes);

        if let Some(t) = self.table(root, "report", &top, fields_of(&["report"])) {
            let p = top.key("report");
            report.report = Cover {
                title: self.text(t, "title", &p),
                unit: self.text(t, "unit", &p),
                year: self.count(t, "year", &p),
            };
        }
        self.required_cover(root, &report);
        if let Some(t) = self.table(root, "basic", &top, fields_of(&["basic"])) {
            report.basic = Some(self.basic(t, &top.key("basic")));
        }
        if let Some(t) = self.table(root, "budget", &top, fields_of(&["budget"])) {
            report.budget = Some(self.budget(t, &top.key("budget")));
        }
        if let Some(t) = self.table(root, "performance", &top, fields_of(&["performance"])) {
            report.performance = Some(self.performance(t, &top.key("performance")));
        }
        if let Some(t) = self.table(root, "closing", &top, fields_of(&["closing"])) {
            report.closing = Some(self.closing(t, &top.key("closing")));
        }
        if let Some(t) = self.table(root, "basic_data", &top, fields_of(&["basic_data"])) {
            report.basic_data = Some(self.basic_data(t, &top.key("basic_data")));
        }
        if let Some(t) = self.table(root, "score_sheet", &top, fields_of(&["score_sheet"])) {
            report.score_sheet = Some(self.score_sheet(t, &top.key("score_sheet")));
        }
        report
    }

    pub(super) fn closing(&mut self, t: Table<'_>, p: &FieldPath) -> Closing {
        Closing {
            problems: self.text(t, "problems", p),
            improvements: self.text(t, "improvements", p),
            publication: self.text(t, "publication", p),
        }
    }

    pub(super) fn basic(&mut self, t: Table<'_>, p: &FieldPath) -> Basic {
        let staff = self
            .table(t, "staff", p, fields_of(&["basic", "staff"]))
            .map(|s| {
                let sp = p.key("staff");
                Staff {
                    actual_total: self.count(s, "actual_total", &sp),
                    in_service: self.count(s, "in_service", &sp),
                    open_ended: self.count(s, "open_ended", &sp),
                    government_employees: self.count(s, "government_employees", &sp),
                    retired: self.count(s, "retired", &sp),
                    other: self.count(s, "other", &sp),
                }
            });
        Basic {
            functions: self.text_list(t, "functions", p),
            organization: self.text(t, "organization", p),
            departments: self.text_list(t, "departments", p),
            staff,
        }
    }

    pub(super) fn budget(&mut self, t: Table<'_>, p: &FieldPath) -> Budget {
        let projects = self
            .rows(t, "projects", p, fields_of(&["budget", "projects"]))
            .into_iter()
            .map(|(rp, r)| self.project_item(r, &rp))
            .collect();
        let other = self
            .table(t, "other", p, fields_of(&["budget", "other"]))
            .map(|o| {
                let op = p.key("other");
                OtherBudgets {
                    government_fund: self.text(o, "government_fund", &op),
                    state_capital: self.text(o, "state_capital", &op),
                    social_insurance: self.text(o, "social_insurance", &op),
                }
            });
        Budget {
            initial: self.amount(t, "initial", p),
            income: self.amount(t, "income", p),
            spent: self.amount(t, "spent", p),
            basic: self.amount(t, "basic", p),
            personnel: self.amount(t, "personnel", p),
            public: self.amount(t, "public", p),
            project: self.amount(t, "project", p),
            projects,
            other,
        }
    }

    pub(super) fn performance(&mut self, t: Table<'_>, p: &FieldPath) -> Performance {
        let special_funds = self
            .rows(
                t,
                "special_funds",
                p,
                fields_of(&["performance", "special_funds"]),
            )
            .into_iter()
            .map(|(fp, f)| self.special_fund(f, &fp))
            .collect();
        Performance {
            overall: self.text(t, "overall", p),
            special_fund_count: self.count(t, "special_fund_count", p),
            special_funds,
        }
    }

    pub(super) fn basic_data(&mut self, t: Table<'_>, p: &FieldPath) -> BasicData {
        let costs = self
            .table(t, "costs", p, fields_of(&["basic_data", "costs"]))
            .map(|c| {
                let cp = p.key("costs");
                let mut costs = Costs::default();
                for row in CostRow::ALL {
                    if let Some(cells) = self.table(c, row.key(), &cp, schema::COST_CELLS) {
                        let rp = cp.key(row.key());
                        *costs.row_mut(row) = Some(self.cost_cells(cells, &rp));
                    }
                }
                costs.project_lines = self
                    .rows(
                        c,
                        "project_lines",
                        &cp,
                        fields_of(&["basic_data", "costs", "project_lines"]),
                    )
                    .into_iter()
                    .map(|(lp, l)| self.project_line(l, &lp))
                    .collect();
                costs
            });
        let buildings = self
            .rows(t, "buildings", p, fields_of(&["basic_data", "buildings"]))
            .into_iter()
            .map(|(bp, b)| self.building(b, &bp))
            .collect();
        let signoff = self
            .table(t, "signoff", p, fields_of(&["basic_data", "signoff"]))
            .map(|s| {
                let sp = p.key("signoff");
                Signoff {
                    prepared_by: self.text(s, "prepared_by", &sp),
                    prepared_on: self.text(s, "prepared_on", &sp),
                    phone: self.text(s, "phone", &sp),
                    head: self.text(s, "head", &sp),
                }
            });
        BasicData {
            authorized: self.count(t, "authorized", p),
            in_service: self.count(t, "in_service", p),
            control_rate: self.rate(t, "control_rate", p),
            costs,
            buildings,
            austerity: self.text(t, "austerity", p),
            signoff,
        }
    }

    pub(super) fn score_sheet(&mut self, t: Table<'_>, p: &FieldPath) -> ScoreSheet {
        let funds = self
            .table(t, "funds", p, fields_of(&["score_sheet", "funds"]))
            .map(|f| {
                let fp = p.key("funds");
                FundsRow {
                    initial: self.amount(f, "initial", &fp),
                    full_year: self.amount(f, "full_year", &fp),
                    executed: self.amount(f, "executed", &fp),
                    weight: self.amount(f, "weight", &fp),
                    rate: self.rate(f, "rate", &fp),
                    score: self.amount(f, "score", &fp),
                }
            });
        let by_source = self
            .table(t, "by_source", p, fields_of(&["score_sheet", "by_source"]))
            .map(|s| {
                let sp = p.key("by_source");
                BySource {
                    total: self.amount(s, "total", &sp),
                    general_public: self.amount(s, "general_public", &sp),
                    government_fund: self.amount(s, "government_fund", &sp),
                    nontax_special: self.amount(s, "nontax_special", &sp),
                    other: self.amount(s, "other", &sp),
                }
            });
        let by_use = self
            .table(t, "by_use", p, fields_of(&["score_sheet", "by_use"]))
            .map(|u| {
                let up = p.key("by_use");
                ByUse {
                    total: self.amount(u, "total", &up),
                    basic: self.amount(u, "basic", &up),
                    project: self.amount(u, "project", &up),
                }
            });
        let goal = self
            .table(t, "goal", p, fields_of(&["score_sheet", "goal"]))
            .map(|g| {
                let gp = p.key("goal");
                Goal {
                    expected: self.text(g, "expected", &gp),
                    actual: self.text(g, "actual", &gp),
                }
            });
        let groups = self
            .rows(t, "groups", p, fields_of(&["score_sheet", "groups"]))
            .into_iter()
            .map(|(gp, g)| self.group(g, &gp))
            .collect();
        ScoreSheet {
            funds,
            by_source,
            by_use,
            goal,
            groups,
            total_weight: self.amount(t, "total_weight", p),
            total_score: self.amount(t, "total_score", p),
        }
    }

    pub(super) fn project_item(&mut self, r: Table<'_>, rp: &FieldPath) -> ProjectItem {
        ProjectItem {
            name: self.text(r, "name", rp),
            amount: self.amount(r, "amount", rp),
        }
    }

    pub(super) fn special_fund(&mut self, f: Table<'_>, fp: &FieldPath) -> SpecialFund {
        SpecialFund {
            name: self.text(f, "name", fp),
            scope: self.text(f, "scope", fp),
            budget: self.amount(f, "budget", fp),
            adjustment: self.amount_signed(f, "adjustment", fp, true),
            spent: self.amount(f, "spent", fp),
            carryover: self.amount(f, "carryover", fp),
            description: self.text(f, "description", fp),
        }
    }

    pub(super) fn project_line(&mut self, l: Table<'_>, lp: &FieldPath) -> ProjectLine {
        ProjectLine {
            name: self.text(l, "name", lp),
            group: self.text(l, "group", lp),
            cells: self.cost_cells(l, lp),
        }
    }

    pub(super) fn building(&mut self, b: Table<'_>, bp: &FieldPath) -> Building {
        Building {
            name: self.text(b, "name", bp),
            approved_area: self.amount(b, "approved_area", bp),
            actual_area: self.amount(b, "actual_area", bp),
            area_control_rate: self.rate(b, "area_control_rate", bp),
            budget_investment: self.amount(b, "budget_investment", bp),
            actual_investment: self.amount(b, "actual_investment", bp),
            investment_control_rate: self.rate(b, "investment_control_rate", bp),
        }
    }

    /// A first-level indicator with its indicators (unless `keep_rows`).
    pub(super) fn group(&mut self, g: Table<'_>, gp: &FieldPath) -> Group {
        Group {
            name: self.text(g, "name", gp),
            weight: self.amount(g, "weight", gp),
            indicators: self
                .rows(
                    g,
                    "indicators",
                    gp,
                    fields_of(&["score_sheet", "groups", "indicators"]),
                )
                .into_iter()
                .map(|(ip, i)| self.indicator(i, &ip))
                .collect(),
        }
    }

    pub(super) fn indicator(&mut self, i: Table<'_>, ip: &FieldPath) -> Indicator {
        Indicator {
            category: self.text(i, "category", ip),
            name: self.text(i, "name", ip),
            target: self.text(i, "target", ip),
            actual: self.text(i, "actual", ip),
            weight: self.amount(i, "weight", ip),
            score: self.amount(i, "score", ip),
            deviation: self.text(i, "deviation", ip),
        }
    }
}
