//! The four tabs as rows of cells, built from the model: what is shown, where each cell
//! writes to, and the computed figure beside each stated one.

use crate::finding::{Finding, Severity};
use crate::model::schema::{self, Kind};
use crate::model::*;
use crate::rules::computed::{self, Expected};
use crate::sanitize::visible_inline;
use crate::scheme::Scheme;
use rust_decimal::Decimal;
use std::collections::HashMap;

type Marks<'a> = HashMap<&'a FieldPath, Severity, rustc_hash::FxBuildHasher>;

/// The schema field of a path, without building its shape: called once per cell.
fn field_of(path: &FieldPath) -> Option<&'static schema::Field> {
    let mut fields = schema::ROOT;
    let mut found = None;
    for seg in path.segs() {
        if let Seg::Key(key) = seg {
            let field = fields.iter().find(|f| f.key == key)?;
            found = Some(field);
            fields = field.kind.children().unwrap_or(&[]);
        }
    }
    found
}

/// The tabs of the workbench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Basic,
    Budget,
    Funds,
    Scores,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Basic, Tab::Budget, Tab::Funds, Tab::Scores];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Basic => "基本情况",
            Tab::Budget => "预算执行",
            Tab::Funds => "项目资金",
            Tab::Scores => "指标评分",
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// One editable figure or text.
#[derive(Debug, Clone, PartialEq)]
pub struct CellView {
    pub path: FieldPath,
    pub kind: Kind,
    pub label: &'static str,
    /// The value shown (control characters made visible); empty when blank.
    pub text: String,
}

/// What a row is.
#[derive(Debug, Clone, PartialEq)]
pub enum RowKind {
    /// A section title; `columns` titles the cells of the rows below it.
    Heading { columns: Vec<&'static str> },
    /// Label and cells.
    Cells,
    /// A table's 合计 line: the sum of each column (empty where there is nothing to sum),
    /// computed, not editable.
    Total { values: Vec<String> },
    /// An empty list's invitation to add its first row.
    AddFirst {
        rows_path: FieldPath,
        what: &'static str,
    },
}

/// One line of a tab.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub kind: RowKind,
    pub label: String,
    pub depth: u8,
    pub cells: Vec<CellView>,
    /// The computed figure beside the stated one: text, and whether they agree.
    pub computed: Option<(String, bool)>,
    /// The table row (or list item) this line belongs to: rows path and index.
    pub row_ref: Option<(FieldPath, usize)>,
    /// Column widths (in parts of the available width) for multi-cell rows.
    pub widths: Vec<u16>,
    /// Columns wanted for the label (0: no label column).
    pub label_cols: u16,
    /// A row laid on the grid of the table below it (the indicator sheet's 一级指标 lines):
    /// the label takes the grid's first `spans[0]` columns, then each cell covers the next
    /// `spans[1 + c]` columns, and the computed figure the columns left over, so each value
    /// starts under its table's title. Empty: one slot per cell, as the heading above it.
    pub spans: Vec<u8>,
}

impl Row {
    fn heading(label: impl Into<String>) -> Row {
        Row {
            kind: RowKind::Heading {
                columns: Vec::new(),
            },
            label: label.into(),
            depth: 0,
            cells: Vec::new(),
            computed: None,
            row_ref: None,
            widths: Vec::new(),
            label_cols: LABEL_COLS,
            spans: Vec::new(),
        }
    }

    fn heading_with(
        label: impl Into<String>,
        columns: Vec<&'static str>,
        widths: Vec<u16>,
        label_cols: u16,
    ) -> Row {
        let mut row = Row::heading(label);
        row.kind = RowKind::Heading { columns };
        // The depth of the rows below it: a title lines up with its values.
        row.depth = 1;
        row.widths = widths;
        row.label_cols = label_cols;
        row
    }

    pub fn is_heading(&self) -> bool {
        matches!(self.kind, RowKind::Heading { .. })
    }

    /// Whether the cursor can rest here.
    pub fn selectable(&self) -> bool {
        !self.is_heading() && !matches!(self.kind, RowKind::Total { .. })
    }

    /// A table's 合计 line, laid out as the table's rows are.
    fn total(values: Vec<String>, widths: Vec<u16>, label_cols: u16) -> Row {
        Row {
            kind: RowKind::Total { values },
            label: "合计".into(),
            depth: 1,
            cells: Vec::new(),
            computed: None,
            row_ref: None,
            widths,
            label_cols,
            spans: Vec::new(),
        }
    }
}

/// The label column of a plain form row.
const LABEL_COLS: u16 = 24;

/// Builds rows from the model. (The marks beside cells come from the findings when drawn.)
pub struct FormBuilder<'a> {
    report: &'a Report,
    scheme: &'a Scheme,
    marks: Marks<'a>,
    /// Rows of a previous build that may be kept, and what changed since.
    reuse: std::cell::RefCell<Option<Reuse>>,
    /// The figures the core computes (`rules::computed`), by path, made when first needed.
    expected: std::cell::OnceCell<HashMap<FieldPath, Expected>>,
}

struct Reuse {
    rows: Vec<Row>,
    changed: FieldPath,
}

/// Whether `path` lies inside row `index` of the rows at `rows`.
fn within(path: &FieldPath, rows: &FieldPath, index: usize) -> bool {
    let (p, r) = (path.segs(), rows.segs());
    p.len() > r.len() && p[..r.len()] == *r && p[r.len()] == Seg::Index(index)
}

fn fmt(d: Decimal) -> String {
    d.normalize().to_string()
}

fn tick(ok: bool) -> &'static str {
    if ok { "✓" } else { "✗" }
}

impl<'a> FormBuilder<'a> {
    pub fn new(report: &'a Report, scheme: &'a Scheme, findings: &'a [Finding]) -> FormBuilder<'a> {
        let mut marks = Marks::default();
        for f in findings {
            let worst = marks.entry(&f.path).or_insert(f.severity);
            if f.severity < *worst {
                *worst = f.severity;
            }
        }
        FormBuilder {
            report,
            scheme,
            marks,
            reuse: std::cell::RefCell::new(None),
            expected: std::cell::OnceCell::new(),
        }
    }

    /// The core's computed figure for the field at `path`, as the form shows it beside the
    /// stated one: how it is computed, then ✓ or ✗ (and whether they agree).
    fn computed(&self, path: &str) -> Option<(String, bool)> {
        self.expected_at(path)
            .map(|e| (format!("{} {}", e.why, tick(e.agrees)), e.agrees))
    }

    fn expected_at(&self, path: &str) -> Option<&Expected> {
        let path = FieldPath::parse(path).expect("form paths are written correctly");
        self.expected
            .get_or_init(|| {
                computed::expected_values(self.report, self.scheme)
                    .into_iter()
                    .map(|e| (e.path.clone(), e))
                    .collect()
            })
            .get(&path)
    }

    /// The rows of one tab after a change of values at `changed`: the lines of table rows
    /// that the change did not touch are taken from `previous` (a large report has thousands)
    /// instead of being built again; everything else is built afresh.
    pub fn rows_reusing(&self, tab: Tab, previous: Vec<Row>, changed: &FieldPath) -> Vec<Row> {
        *self.reuse.borrow_mut() = Some(Reuse {
            rows: previous,
            changed: changed.clone(),
        });
        let rows = self.rows(tab);
        *self.reuse.borrow_mut() = None;
        rows
    }

    /// The lines of row `index` of the table at `rows_path`: kept from the previous build
    /// when they stand at the same place there and the change was not inside that row.
    fn table_row(
        &self,
        rows: &mut Vec<Row>,
        rows_path: &FieldPath,
        index: usize,
        build: impl FnOnce(&mut Vec<Row>),
    ) {
        if let Some(reuse) = self.reuse.borrow_mut().as_mut() {
            let at = rows.len();
            let same = |row: &Row| {
                row.row_ref
                    .as_ref()
                    .is_some_and(|(p, i)| *i == index && p == rows_path)
            };
            let starts_here =
                reuse.rows.get(at).is_some_and(same) && (at == 0 || !same(&reuse.rows[at - 1]));
            if starts_here && !within(&reuse.changed, rows_path, index) {
                let end = (at..reuse.rows.len())
                    .find(|k| !same(&reuse.rows[*k]))
                    .unwrap_or(reuse.rows.len());
                rows.extend(
                    reuse.rows[at..end]
                        .iter_mut()
                        .map(|r| std::mem::replace(r, Row::heading(""))),
                );
                return;
            }
        }
        build(rows);
    }

    fn cell(&self, path: FieldPath, text: String) -> CellView {
        let field = field_of(&path);
        // A line break in a table cell reads as ↵ (an escaped control character reads as \u{…}).
        let text = if text.contains('\n') {
            text.replace("\r\n", "\n").replace('\n', "↵")
        } else {
            text
        };
        // Most texts have nothing to escape: keep the String rather than copying it.
        let text = match visible_inline(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(escaped) => escaped,
        };
        CellView {
            kind: field.map(|f| f.kind).unwrap_or(Kind::Text),
            label: field.map(|f| f.label).unwrap_or(""),
            text,
            path,
        }
    }

    fn field(&self, path: &str, text: String) -> Row {
        let path = FieldPath::parse(path).expect("form paths are written correctly");
        self.field_at(path, text, 1)
    }

    fn field_at(&self, path: FieldPath, text: String, depth: u8) -> Row {
        let cell = self.cell(path, text);
        Row {
            kind: RowKind::Cells,
            label: cell.label.to_owned(),
            depth,
            cells: vec![cell],
            computed: None,
            row_ref: None,
            widths: Vec::new(),
            label_cols: LABEL_COLS,
            spans: Vec::new(),
        }
    }

    fn row_mark(&self, path: &FieldPath) -> Option<Severity> {
        self.marks.get(path).copied()
    }

    /// The rows of one tab.
    pub fn rows(&self, tab: Tab) -> Vec<Row> {
        let mut rows = match tab {
            Tab::Basic => self.basic(),
            Tab::Budget => self.budget(),
            Tab::Funds => self.funds(),
            Tab::Scores => self.scores(),
        };
        // Nothing stated, nothing to agree with: show the computed figure without a ✓.
        for row in &mut rows {
            let stated_blank = match row.cells.len() {
                1 => row.cells[0].text.is_empty(),
                2 => row.cells[1].text.is_empty(),
                _ => false,
            };
            if let (true, Some((text, ok))) = (stated_blank, &mut row.computed)
                && *ok
                && let Some(stripped) = text.strip_suffix(" ✓")
            {
                *text = stripped.to_owned();
            }
        }
        rows
    }

    fn text_list(
        &self,
        rows: &mut Vec<Row>,
        path: &str,
        items: &[String],
        what: &'static str,
        numbered: bool,
    ) {
        let rows_path = FieldPath::parse(path).expect("form paths are written correctly");
        if items.is_empty() {
            rows.push(Row {
                kind: RowKind::AddFirst {
                    rows_path: rows_path.clone(),
                    what,
                },
                label: format!("＋ 新增{what}"),
                depth: 1,
                cells: Vec::new(),
                computed: None,
                row_ref: None,
                widths: Vec::new(),
                label_cols: LABEL_COLS,
                spans: Vec::new(),
            });
        }
        for (i, item) in items.iter().enumerate() {
            let mut row = self.field_at(rows_path.index(i), item.clone(), 1);
            row.label = if numbered {
                format!("{}.", i + 1)
            } else {
                format!("{what} {}", i + 1)
            };
            row.row_ref = Some((rows_path.clone(), i));
            rows.push(row);
        }
    }

    fn basic(&self) -> Vec<Row> {
        let r = self.report;
        let mut rows = vec![Row::heading("封面")];
        rows.push(self.field("report.title", r.report.title.clone().unwrap_or_default()));
        rows.push(self.field("report.unit", r.report.unit.clone().unwrap_or_default()));
        rows.push(self.field("report.year", r.report.year.to_string()));
        let mut scheme = self.field("scheme", r.scheme.clone().unwrap_or_default());
        scheme.computed = Some((self.scheme.name.clone(), true));
        rows.push(scheme);

        let no_basic = Basic::default();
        let basic = r.basic.as_ref().unwrap_or(&no_basic);
        rows.push(Row::heading("一（一）主要职能"));
        self.text_list(&mut rows, "basic.functions", &basic.functions, "职能", true);
        rows.push(Row::heading("一（二）机构情况"));
        rows.push(self.field(
            "basic.organization",
            basic.organization.clone().unwrap_or_default(),
        ));
        self.text_list(
            &mut rows,
            "basic.departments",
            &basic.departments,
            "内设机构",
            false,
        );

        rows.push(Row::heading("一（三）人员情况（人）"));
        let staff = basic.staff.clone().unwrap_or_default();
        let mut total = self.field("basic.staff.actual_total", staff.actual_total.to_string());
        total.computed = self.computed("basic.staff.actual_total");
        rows.push(total);
        for key in [
            "in_service",
            "open_ended",
            "government_employees",
            "retired",
            "other",
        ] {
            let value = match key {
                "in_service" => staff.in_service,
                "open_ended" => staff.open_ended,
                "government_employees" => staff.government_employees,
                "retired" => staff.retired,
                _ => staff.other,
            };
            rows.push(self.field(&format!("basic.staff.{key}"), value.to_string()));
        }

        rows.push(Row::heading("附件2 财政供养人员情况"));
        let no_data = BasicData::default();
        let data = r.basic_data.as_ref().unwrap_or(&no_data);
        rows.push(self.field("basic_data.authorized", data.authorized.to_string()));
        let mut in_service = self.field("basic_data.in_service", data.in_service.to_string());
        in_service.computed = self.computed("basic_data.in_service");
        rows.push(in_service);
        let mut rate = self.field("basic_data.control_rate", data.control_rate.to_string());
        rate.computed = self.computed("basic_data.control_rate");
        rows.push(rate);

        rows.push(Row::heading("七、八、九"));
        let closing = r.closing.clone().unwrap_or_default();
        rows.push(self.field("closing.problems", closing.problems.unwrap_or_default()));
        rows.push(self.field(
            "closing.improvements",
            closing.improvements.unwrap_or_default(),
        ));
        rows.push(self.field(
            "closing.publication",
            closing.publication.unwrap_or_default(),
        ));
        rows
    }

    fn budget(&self) -> Vec<Row> {
        let r = self.report;
        // Borrowed, never cloned: a large report has thousands of rows under these sections.
        let no_budget = Budget::default();
        let b = r.budget.as_ref().unwrap_or(&no_budget);
        let mut rows = vec![Row::heading("二、一般公共预算支出情况（万元）")];
        rows.push(self.field("budget.initial", b.initial.to_string()));
        rows.push(self.field("budget.income", b.income.to_string()));
        let mut spent = self.field("budget.spent", b.spent.to_string());
        spent.computed = self.computed("budget.spent");
        rows.push(spent);
        let mut basic = self.field("budget.basic", b.basic.to_string());
        basic.computed = self.computed("budget.basic");
        rows.push(basic);
        rows.push(self.field("budget.personnel", b.personnel.to_string()));
        rows.push(self.field("budget.public", b.public.to_string()));
        let mut project = self.field("budget.project", b.project.to_string());
        project.computed = self.computed("budget.project");
        rows.push(project);

        rows.push(Row::heading("三、四、五"));
        let other = b.other.clone().unwrap_or_default();
        rows.push(self.field(
            "budget.other.government_fund",
            other.government_fund.unwrap_or_default(),
        ));
        rows.push(self.field(
            "budget.other.state_capital",
            other.state_capital.unwrap_or_default(),
        ));
        rows.push(self.field(
            "budget.other.social_insurance",
            other.social_insurance.unwrap_or_default(),
        ));

        let no_data = BasicData::default();
        let data = r.basic_data.as_ref().unwrap_or(&no_data);
        let no_costs = Costs::default();
        let costs = data.costs.as_ref().unwrap_or(&no_costs);
        rows.push(Row::heading("附件2 经费控制情况（万元）"));
        rows.push(Row::heading_with(
            "",
            vec!["上年决算数", "本年预算数", "本年决算数"],
            vec![1, 1, 1],
            22,
        ));
        for row in CostRow::ALL {
            let base = FieldPath::parse("basic_data.costs")
                .expect("valid")
                .key(row.key());
            let cells: Vec<CellView> = CostColumn::ALL
                .iter()
                .map(|c| self.cell(base.key(c.key()), costs.cell(row, *c).to_string()))
                .collect();
            let mut line = Row {
                kind: RowKind::Cells,
                label: format!("{}{}", "  ".repeat(row.depth()), row.label()),
                depth: 1,
                cells,
                computed: None,
                row_ref: None,
                widths: vec![1, 1, 1],
                label_cols: 22,
                spans: Vec::new(),
            };
            if let Some(sev) = self.row_mark(&base) {
                line.computed = Some((format!("{} 见问题", sev.symbol()), false));
            }
            rows.push(line);
        }
        let lines_path = FieldPath::parse("basic_data.costs.project_lines").expect("valid");
        rows.push(Row::heading("附件2 项目支出明细行"));
        rows.push(Row::heading_with(
            "",
            vec![
                "行名称",
                "所属分组",
                "上年决算数",
                "本年预算数",
                "本年决算数",
            ],
            vec![5, 2, 2, 2, 2],
            4,
        ));
        if costs.project_lines.is_empty() {
            rows.push(add_first(lines_path.clone(), "明细行"));
        }
        for (i, line) in costs.project_lines.iter().enumerate() {
            self.table_row(&mut rows, &lines_path, i, |rows| {
                let lp = lines_path.index(i);
                let mut cells = vec![
                    self.cell(lp.key("name"), line.name.clone().unwrap_or_default()),
                    self.cell(lp.key("group"), line.group.clone().unwrap_or_default()),
                ];
                cells.extend(
                    CostColumn::ALL
                        .iter()
                        .map(|c| self.cell(lp.key(c.key()), line.cells.get(*c).to_string())),
                );
                rows.push(Row {
                    kind: RowKind::Cells,
                    label: format!("{}.", i + 1),
                    depth: 1,
                    cells,
                    computed: None,
                    row_ref: Some((lines_path.clone(), i)),
                    widths: vec![5, 2, 2, 2, 2],
                    label_cols: 4,
                    spans: Vec::new(),
                });
            });
        }

        rows.push(Row::heading("附件2 楼堂馆所控制情况（本年完工项目）"));
        let buildings_path = FieldPath::parse("basic_data.buildings").expect("valid");
        if data.buildings.is_empty() {
            rows.push(add_first(buildings_path.clone(), "楼堂馆所项目"));
        }
        for (i, b) in data.buildings.iter().enumerate() {
            self.table_row(&mut rows, &buildings_path, i, |rows| {
                let bp = buildings_path.index(i);
                // One line per field of the row, the first (its name) labelled with its number.
                for (at, (field, value)) in b.plain().into_iter().enumerate() {
                    let mut row = self.field_at(bp.key(field.key), value.to_input(), 2);
                    row.row_ref = Some((buildings_path.clone(), i));
                    if at == 0 {
                        row.label = format!("项目 {}", i + 1);
                    }
                    rows.push(row);
                }
            });
        }
        rows.push(Row::heading("附件2 其他"));
        // The long texts of 附件2, then who filled it in.
        let data_path = FieldPath::root().key("basic_data");
        for (field, value) in data.plain_of_kind(Kind::LongText) {
            rows.push(self.field_at(data_path.key(field.key), value.to_input(), 1));
        }
        let signoff = data.signoff.clone().unwrap_or_default();
        let signoff_path = data_path.key("signoff");
        for (field, value) in signoff.plain() {
            rows.push(self.field_at(signoff_path.key(field.key), value.to_input(), 1));
        }

        let no_sheet = ScoreSheet::default();
        let sheet = r.score_sheet.as_ref().unwrap_or(&no_sheet);
        let funds = sheet.funds.clone().unwrap_or_default();
        rows.push(Row::heading("附件3 年度资金总额（万元）"));
        rows.push(self.field("score_sheet.funds.initial", funds.initial.to_string()));
        rows.push(self.field("score_sheet.funds.full_year", funds.full_year.to_string()));
        rows.push(self.field("score_sheet.funds.executed", funds.executed.to_string()));
        rows.push(self.field("score_sheet.funds.weight", funds.weight.to_string()));
        let mut rate = self.field("score_sheet.funds.rate", funds.rate.to_string());
        rate.computed = self.computed("score_sheet.funds.rate");
        rows.push(rate);
        let mut score = self.field("score_sheet.funds.score", funds.score.to_string());
        score.computed = self.computed("score_sheet.funds.score");
        rows.push(score);
        rows.push(Row::heading("附件3 按收入性质分 / 按支出性质分"));
        let src = sheet.by_source.clone().unwrap_or_default();
        let mut total = self.field("score_sheet.by_source.total", src.total.to_string());
        total.computed = self.computed("score_sheet.by_source.total");
        rows.push(total);
        rows.push(self.field(
            "score_sheet.by_source.general_public",
            src.general_public.to_string(),
        ));
        rows.push(self.field(
            "score_sheet.by_source.government_fund",
            src.government_fund.to_string(),
        ));
        rows.push(self.field(
            "score_sheet.by_source.nontax_special",
            src.nontax_special.to_string(),
        ));
        rows.push(self.field("score_sheet.by_source.other", src.other.to_string()));
        let by_use = sheet.by_use.clone().unwrap_or_default();
        let mut total = self.field("score_sheet.by_use.total", by_use.total.to_string());
        total.computed = self.computed("score_sheet.by_use.total");
        rows.push(total);
        rows.push(self.field("score_sheet.by_use.basic", by_use.basic.to_string()));
        rows.push(self.field("score_sheet.by_use.project", by_use.project.to_string()));
        rows
    }

    fn funds(&self) -> Vec<Row> {
        let r = self.report;
        let no_budget = Budget::default();
        let b = r.budget.as_ref().unwrap_or(&no_budget);
        let projects_path = FieldPath::parse("budget.projects").expect("valid");
        let mut rows = vec![
            Row::heading("二（二）项目支出情况（万元）"),
            Row::heading_with("", vec!["项目名称", "金额"], vec![3, 1], 4),
        ];
        if b.projects.is_empty() {
            rows.push(add_first(projects_path.clone(), "项目"));
        }
        for (i, p) in b.projects.iter().enumerate() {
            self.table_row(&mut rows, &projects_path, i, |rows| {
                let pp = projects_path.index(i);
                rows.push(Row {
                    kind: RowKind::Cells,
                    label: format!("{}.", i + 1),
                    depth: 1,
                    cells: vec![
                        self.cell(pp.key("name"), p.name.clone().unwrap_or_default()),
                        self.cell(pp.key("amount"), p.amount.to_string()),
                    ],
                    computed: None,
                    row_ref: Some((projects_path.clone(), i)),
                    widths: vec![3, 1],
                    label_cols: 4,
                    spans: Vec::new(),
                });
            });
        }

        if !b.projects.is_empty() {
            // The column's sum is the core's 各项目合计, compared with 项目支出 as B03 does.
            let sum = self.expected_at("budget.project");
            let mut total = Row::total(
                vec![
                    String::new(),
                    sum.map(|e| e.value.clone()).unwrap_or_default(),
                ],
                vec![3, 1],
                4,
            );
            if let (Some(sum), Some(stated)) = (sum, b.project.value()) {
                let ok = sum.agrees;
                let sign = if ok { "=" } else { "≠" };
                total.computed =
                    Some((format!("{sign} 项目支出 {} {}", fmt(stated), tick(ok)), ok));
            }
            rows.push(total);
        }

        let no_perf = Performance::default();
        let perf = r.performance.as_ref().unwrap_or(&no_perf);
        rows.push(Row::heading("六、资金使用及绩效情况"));
        rows.push(Row::heading("六（一）整体支出绩效情况"));
        rows.push(self.field(
            "performance.overall",
            perf.overall.clone().unwrap_or_default(),
        ));
        rows.push(Row::heading("六（二）专项资金（万元）"));
        let mut count = self.field(
            "performance.special_fund_count",
            perf.special_fund_count.to_string(),
        );
        // Without the section nothing is listed: 0, as the core counts once it is there.
        count.computed = self
            .computed("performance.special_fund_count")
            .or_else(|| Some(("列出 0 个 ✓".to_owned(), true)));
        rows.push(count);
        let funds_path = FieldPath::parse("performance.special_funds").expect("valid");
        rows.push(Row::heading_with(
            "",
            vec!["专项名称", "预算", "调整", "实际支出", "结余结转"],
            vec![4, 3, 3, 3, 3],
            4,
        ));
        if perf.special_funds.is_empty() {
            rows.push(add_first(funds_path.clone(), "专项"));
        }
        for (i, f) in perf.special_funds.iter().enumerate() {
            self.table_row(&mut rows, &funds_path, i, |rows| {
                let fp = funds_path.index(i);
                let cells = vec![
                    self.cell(fp.key("name"), f.name.clone().unwrap_or_default()),
                    self.cell(fp.key("budget"), f.budget.to_string()),
                    self.cell(fp.key("adjustment"), f.adjustment.to_string()),
                    self.cell(fp.key("spent"), f.spent.to_string()),
                    self.cell(fp.key("carryover"), f.carryover.to_string()),
                ];
                let computed = match (
                    f.budget.value(),
                    f.adjustment.value(),
                    f.spent.value(),
                    f.carryover.value(),
                ) {
                    (Some(a), Some(b), Some(c), Some(d)) => {
                        let ok = a + b == c + d;
                        Some((format!("{}={} {}", fmt(a + b), fmt(c + d), tick(ok)), ok))
                    }
                    _ => None,
                };
                rows.push(Row {
                    kind: RowKind::Cells,
                    label: format!("{}.", i + 1),
                    depth: 1,
                    cells,
                    computed,
                    row_ref: Some((funds_path.clone(), i)),
                    widths: vec![4, 3, 3, 3, 3],
                    label_cols: 4,
                    spans: Vec::new(),
                });
                for key in ["scope", "description"] {
                    let value = if key == "scope" {
                        f.scope.clone()
                    } else {
                        f.description.clone()
                    };
                    let mut row = self.field_at(fp.key(key), value.unwrap_or_default(), 2);
                    row.row_ref = Some((funds_path.clone(), i));
                    rows.push(row);
                }
            });
        }
        if !perf.special_funds.is_empty() {
            let funds = &perf.special_funds;
            let sums = [
                sum_filled(funds.iter().map(|f| f.budget)),
                sum_filled(funds.iter().map(|f| f.adjustment)),
                sum_filled(funds.iter().map(|f| f.spent)),
                sum_filled(funds.iter().map(|f| f.carryover)),
            ];
            let mut values = vec![String::new()];
            values.extend(sums.iter().map(|s| s.map(fmt).unwrap_or_default()));
            let mut total = Row::total(values, vec![4, 3, 3, 3, 3], 4);
            if let [Some(a), Some(b), Some(c), Some(d)] = sums {
                let ok = a + b == c + d;
                total.computed = Some((format!("{}={} {}", fmt(a + b), fmt(c + d), tick(ok)), ok));
            }
            rows.push(total);
        }
        rows
    }

    fn scores(&self) -> Vec<Row> {
        let no_sheet = ScoreSheet::default();
        let sheet = self.report.score_sheet.as_ref().unwrap_or(&no_sheet);
        let mut rows = vec![Row::heading("附件3 年度总体目标")];
        let goal = sheet.goal.clone().unwrap_or_default();
        rows.push(self.field(
            "score_sheet.goal.expected",
            goal.expected.unwrap_or_default(),
        ));
        rows.push(self.field("score_sheet.goal.actual", goal.actual.unwrap_or_default()));
        let groups_path = FieldPath::parse("score_sheet.groups").expect("valid");
        let widths = vec![3, 4, 3, 3, 2, 2, 3];
        rows.push(Row::heading(
            "附件3 绩效指标（一级指标行：名称、分值；其下各行为三级指标）",
        ));
        rows.push(Row::heading_with(
            "",
            vec![
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因",
            ],
            widths.clone(),
            0,
        ));
        if sheet.groups.is_empty() {
            rows.push(add_first(groups_path.clone(), "一级指标"));
        }
        for (g, group) in sheet.groups.iter().enumerate() {
            let gp = groups_path.index(g);
            let score = sum_filled(group.indicators.iter().map(|i| i.score)).unwrap_or_default();
            // The core's 指标分值合计 once an indicator's weight is filled; 0 before.
            let (sum, ok) = self
                .computed(&gp.key("weight").to_string())
                .unwrap_or_else(|| {
                    let ok = group.weight.value().is_none_or(|w| w.is_zero());
                    (format!("指标分值合计 0 {}", tick(ok)), ok)
                });
            let expected = group
                .name
                .as_deref()
                .and_then(|n| self.scheme.group(n))
                .map(|rule| format!(" 方案 {}", rule.weight))
                .unwrap_or_default();
            rows.push(Row {
                kind: RowKind::Cells,
                label: format!("一级指标 {}", g + 1),
                depth: 1,
                cells: vec![
                    self.cell(gp.key("name"), group.name.clone().unwrap_or_default()),
                    self.cell(gp.key("weight"), group.weight.to_string()),
                ],
                computed: Some((format!("{sum} · 得分 {}{expected}", fmt(score)), ok)),
                row_ref: Some((groups_path.clone(), g)),
                // On the indicators' grid: the label over 二级指标, the name over 三级指标 to
                // 实际完成值, the weight under 分值, the sums over 得分 and 偏差原因.
                widths: widths.clone(),
                label_cols: 0,
                spans: vec![1, 3, 1],
            });
            let ind_path = gp.key("indicators");
            if group.indicators.is_empty() {
                rows.push(add_first(ind_path.clone(), "指标"));
            }
            for (i, ind) in group.indicators.iter().enumerate() {
                self.table_row(&mut rows, &ind_path, i, |rows| {
                    let ip = ind_path.index(i);
                    let text = |v: &Option<String>| v.clone().unwrap_or_default();
                    rows.push(Row {
                        kind: RowKind::Cells,
                        label: String::new(),
                        depth: 1,
                        cells: vec![
                            self.cell(ip.key("category"), text(&ind.category)),
                            self.cell(ip.key("name"), text(&ind.name)),
                            self.cell(ip.key("target"), text(&ind.target)),
                            self.cell(ip.key("actual"), text(&ind.actual)),
                            self.cell(ip.key("weight"), ind.weight.to_string()),
                            self.cell(ip.key("score"), ind.score.to_string()),
                            self.cell(ip.key("deviation"), text(&ind.deviation)),
                        ],
                        computed: None,
                        row_ref: Some((ind_path.clone(), i)),
                        widths: widths.clone(),
                        label_cols: 0,
                        spans: Vec::new(),
                    });
                });
            }
        }
        rows.push(Row::heading("附件3 总分"));
        let totals_weight = sheet
            .funds
            .as_ref()
            .and_then(|f| f.weight.value())
            .unwrap_or_default()
            + sheet
                .groups
                .iter()
                .filter_map(|g| sum_filled(g.indicators.iter().map(|i| i.weight)))
                .sum::<Decimal>();
        let mut tw = self.field("score_sheet.total_weight", sheet.total_weight.to_string());
        let ok = sheet
            .total_weight
            .value()
            .is_none_or(|w| w == totals_weight)
            && totals_weight == Decimal::ONE_HUNDRED;
        tw.computed = Some((format!("计算 {} {}", fmt(totals_weight), tick(ok)), ok));
        rows.push(tw);
        let mut ts = self.field("score_sheet.total_score", sheet.total_score.to_string());
        // The core's sum once anything is scored; before that the total is 0.
        ts.computed = self.computed("score_sheet.total_score").or_else(|| {
            let ok = sheet.total_score.value().is_none_or(|s| s.is_zero());
            Some((format!("计算 0 {}", tick(ok)), ok))
        });
        rows.push(ts);
        rows
    }
}

fn add_first(rows_path: FieldPath, what: &'static str) -> Row {
    Row {
        kind: RowKind::AddFirst { rows_path, what },
        label: format!("＋ 新增{what}（a）"),
        depth: 1,
        cells: Vec::new(),
        computed: None,
        row_ref: None,
        widths: Vec::new(),
        label_cols: LABEL_COLS,
        spans: Vec::new(),
    }
}

/// Where a finding's path shows: the tab, row and cell that best match it.
pub fn locate(builder: &FormBuilder, path: &FieldPath) -> Option<(Tab, usize, usize)> {
    let mut best: Option<(usize, Tab, usize, usize)> = None;
    for tab in Tab::ALL {
        for (r, row) in builder.rows(tab).iter().enumerate() {
            if !row.selectable() {
                continue;
            }
            for (c, cell) in row.cells.iter().enumerate() {
                let score = if cell.path == *path {
                    1000
                } else if cell.path.starts_with(path) || path.starts_with(&cell.path) {
                    common_len(&cell.path, path) * 10
                } else {
                    common_len(&cell.path, path)
                };
                if best.is_none_or(|(s, ..)| score > s) {
                    best = Some((score, tab, r, c));
                }
            }
        }
    }
    best.filter(|(s, ..)| *s > 0).map(|(_, t, r, c)| (t, r, c))
}

fn common_len(a: &FieldPath, b: &FieldPath) -> usize {
    a.segs()
        .iter()
        .zip(b.segs())
        .take_while(|(x, y)| x == y)
        .count()
}
