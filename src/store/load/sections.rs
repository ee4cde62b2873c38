//! The section readers: each section, table and row of a report read into the model.

use super::reader::{Reader, fields_of};
use crate::model::schema::{self, Field};
use crate::model::*;
use crate::store::tree::Table;

impl Reader<'_> {
    pub(super) fn cost_cells(&mut self, t: Table<'_>, path: &FieldPath) -> CostCells {
        CostCells {
            prev_final: self.amount(t, "prev_final", path),
            budget: self.amount(t, "budget", path),
            r#final: self.amount(t, "final", path),
        }
    }

    pub(super) fn report(&mut self, root: Table<'_>) -> Report {
        let top = FieldPath::root();
        self.known_keys(root, &top, schema::ROOT);
        let mut report = Report {
            schema: self.text(root, "schema", &top),
            scheme: self.text(root, "scheme", &top),
            ..Report::default()
        };
        self.required_top(root, &report);

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
        self.record(t, p)
    }

    pub(super) fn basic(&mut self, t: Table<'_>, p: &FieldPath) -> Basic {
        let staff = self.sub_record(t, p, &["basic", "staff"]);
        Basic {
            staff,
            ..self.record(t, p)
        }
    }

    pub(super) fn budget(&mut self, t: Table<'_>, p: &FieldPath) -> Budget {
        let projects = self
            .rows(t, "projects", p, fields_of(&["budget", "projects"]))
            .into_iter()
            .map(|(rp, r)| self.project_item(r, &rp))
            .collect();
        let other = self.sub_record(t, p, &["budget", "other"]);
        Budget {
            projects,
            other,
            ..self.record(t, p)
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
            special_funds,
            ..self.record(t, p)
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
        let signoff = self.sub_record(t, p, &["basic_data", "signoff"]);
        BasicData {
            costs,
            buildings,
            signoff,
            ..self.record(t, p)
        }
    }

    pub(super) fn score_sheet(&mut self, t: Table<'_>, p: &FieldPath) -> ScoreSheet {
        let funds = self
            .table(t, "funds", p, fields_of(&["score_sheet", "funds"]))
            .map(|f| self.record(f, &p.key("funds")));
        let by_source = self
            .table(t, "by_source", p, fields_of(&["score_sheet", "by_source"]))
            .map(|s| self.record(s, &p.key("by_source")));
        let by_use = self
            .table(t, "by_use", p, fields_of(&["score_sheet", "by_use"]))
            .map(|u| self.record(u, &p.key("by_use")));
        let goal = self
            .table(t, "goal", p, fields_of(&["score_sheet", "goal"]))
            .map(|g| self.record(g, &p.key("goal")));
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
            ..self.record(t, p)
        }
    }

    pub(super) fn project_item(&mut self, r: Table<'_>, rp: &FieldPath) -> ProjectItem {
        self.record(r, rp)
    }

    pub(super) fn special_fund(&mut self, f: Table<'_>, fp: &FieldPath) -> SpecialFund {
        self.record(f, fp)
    }

    pub(super) fn project_line(&mut self, l: Table<'_>, lp: &FieldPath) -> ProjectLine {
        ProjectLine {
            name: self.text(l, "name", lp),
            group: self.text(l, "group", lp),
            cells: self.cost_cells(l, lp),
        }
    }

    pub(super) fn building(&mut self, b: Table<'_>, bp: &FieldPath) -> Building {
        self.record(b, bp)
    }

    /// A first-level indicator with its indicators (unless `keep_rows`): its own fields first.
    pub(super) fn group(&mut self, g: Table<'_>, gp: &FieldPath) -> Group {
        let mut group: Group = self.record(g, gp);
        group.indicators = self
            .rows(
                g,
                "indicators",
                gp,
                fields_of(&["score_sheet", "groups", "indicators"]),
            )
            .into_iter()
            .map(|(ip, i)| self.indicator(i, &ip))
            .collect();
        group
    }

    pub(super) fn indicator(&mut self, i: Table<'_>, ip: &FieldPath) -> Indicator {
        self.record(i, ip)
    }

    /// A record's plain fields, each read by its kind from the schema (`model::record`).
    /// The record in the table at `shape` (its last key under `t`, whose path is `p`), if
    /// there is one.
    fn sub_record<T: Record>(&mut self, t: Table<'_>, p: &FieldPath, shape: &[&str]) -> Option<T> {
        let key = *shape.last()?;
        self.table(t, key, p, fields_of(shape))
            .map(|sub| self.record(sub, &p.key(key)))
    }

    pub(super) fn record<T: Record>(&mut self, table: Table<'_>, path: &FieldPath) -> T {
        T::read(&mut FieldsOf {
            reader: self,
            table,
            path,
        })
    }
}

/// One table of the file as the source of a record's plain fields.
struct FieldsOf<'r, 's, 't> {
    reader: &'r mut Reader<'s>,
    table: Table<'t>,
    path: &'r FieldPath,
}

impl FieldSource for FieldsOf<'_, '_, '_> {
    fn amount(&mut self, field: &'static Field) -> Amount {
        let signed = field.kind == schema::Kind::SignedAmount;
        self.reader
            .amount_signed(self.table, field.key, self.path, signed)
    }

    fn rate(&mut self, field: &'static Field) -> RateCell {
        self.reader.rate(self.table, field.key, self.path)
    }

    fn count(&mut self, field: &'static Field) -> Count {
        self.reader.count(self.table, field.key, self.path)
    }

    fn text(&mut self, field: &'static Field) -> Option<String> {
        self.reader.text(self.table, field.key, self.path)
    }

    fn text_list(&mut self, field: &'static Field) -> Vec<String> {
        self.reader.text_list(self.table, field.key, self.path)
    }
}
