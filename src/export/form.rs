//! The two attachments as grids of cells, laid out like the printed forms: one layout that
//! the Excel and Word writers both draw, so the two deliverables cannot drift apart.

use super::{clean, year_label};
use crate::model::schema::Kind;
use crate::model::{
    Amount, BasicData, Building, CostCells, CostColumn, CostRow, Costs, Count, Plain, RateCell,
    Record, Report, ScoreSheet,
};
use rust_decimal::Decimal;

/// What a cell holds. Blank stays [`Content::Empty`] and `/` stays the text `/`: the export
/// shows the document as it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Content {
    Empty,
    Text(String),
    /// 万元 (or ㎡): printed with two decimals in Excel.
    Money(Decimal),
    /// 分值 and 得分: printed with the decimals written.
    Points(Decimal),
    Count(u64),
    /// A stated rate, with the decimals stated.
    Rate(Decimal, u32),
}

impl Content {
    /// The cell as text, figures as written (Word and Markdown).
    pub(crate) fn display(&self) -> String {
        match self {
            Content::Empty => String::new(),
            Content::Text(t) => t.clone(),
            Content::Money(d) | Content::Points(d) => d.to_string(),
            Content::Count(n) => n.to_string(),
            Content::Rate(p, _) => format!("{p}%"),
        }
    }

    pub(crate) fn money(cell: Amount) -> Content {
        match cell {
            Amount::Blank => Content::Empty,
            Amount::NotApplicable => Content::Text("/".into()),
            Amount::Value(d) => Content::Money(d),
        }
    }

    pub(crate) fn points(cell: Amount) -> Content {
        match cell {
            Amount::Blank => Content::Empty,
            Amount::NotApplicable => Content::Text("/".into()),
            Amount::Value(d) => Content::Points(d),
        }
    }

    pub(crate) fn count(cell: Count) -> Content {
        match cell {
            Count::Blank => Content::Empty,
            Count::NotApplicable => Content::Text("/".into()),
            Count::Value(n) => Content::Count(n),
        }
    }

    pub(crate) fn rate(cell: RateCell) -> Content {
        match cell {
            RateCell::Blank => Content::Empty,
            RateCell::NotApplicable => Content::Text("/".into()),
            RateCell::Value(r) => Content::Rate(r.percent, r.decimals),
        }
    }

    /// A plain field's value: amounts as 万元 (or ㎡), rates and counts as written.
    pub(crate) fn of(value: Plain<'_>) -> Content {
        match value {
            Plain::Amount(a) => Content::money(a),
            Plain::Rate(r) => Content::rate(r),
            Plain::Count(c) => Content::count(c),
            Plain::Text(t) => Content::text(&t.map(str::to_owned)),
            Plain::TextList(items) => Content::text(&Some(items.join("\n"))),
        }
    }

    pub(crate) fn text(text: &Option<String>) -> Content {
        match text.as_deref() {
            None => Content::Empty,
            Some("") => Content::Empty,
            Some(t) => Content::Text(clean(t)),
        }
    }

    fn label(text: impl Into<String>) -> Content {
        Content::Text(text.into())
    }
}

/// How a cell is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Look {
    /// A printed heading of the form: centred.
    Head,
    /// A row label, left-aligned, indented this many levels.
    Label(u8),
    /// A figure: centred.
    Figure,
    /// Running text written by the department: left-aligned, wrapped.
    Prose,
}

/// One cell of the grid, possibly merged over `rows` × `cols`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FormCell {
    pub row: u32,
    pub col: u16,
    pub rows: u32,
    pub cols: u16,
    pub content: Content,
    pub look: Look,
}

/// An attachment: its label, title, the grid, and the lines printed under it.
#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    pub name: &'static str,
    pub attachment: &'static str,
    pub title: String,
    /// Column widths in Excel character units; Word scales them to the page.
    pub widths: Vec<f64>,
    pub landscape: bool,
    pub row_count: u32,
    pub cells: Vec<FormCell>,
    pub after: Vec<String>,
}

impl Sheet {
    pub(crate) fn cell_at(&self, row: u32, col: u16) -> Option<&FormCell> {
        self.cells.iter().find(|c| c.row == row && c.col == col)
    }

    /// The merged cell that covers (row, col) without starting there.
    pub(crate) fn covering(&self, row: u32, col: u16) -> Option<&FormCell> {
        self.cells.iter().find(|c| {
            (c.row..c.row + c.rows).contains(&row)
                && (c.col..c.col + c.cols).contains(&col)
                && (c.row, c.col) != (row, col)
        })
    }
}

struct Grid {
    cells: Vec<FormCell>,
    row: u32,
}

impl Grid {
    fn new() -> Grid {
        Grid {
            cells: Vec::new(),
            row: 0,
        }
    }

    fn put(&mut self, col: u16, rows: u32, cols: u16, content: Content, look: Look) {
        self.cells.push(FormCell {
            row: self.row,
            col,
            rows,
            cols,
            content,
            look,
        });
    }

    fn next(&mut self) {
        self.row += 1;
    }
}

pub(crate) const BASIC_DATA_SHEET: &str = "附件2 基础数据表";
pub(crate) const SCORE_SHEET: &str = "附件3 自评表";

/// The printed label of a fixed 经费控制情况 row, with its numbering, and its indent.
pub(crate) fn cost_row_label(row: CostRow) -> (&'static str, u8) {
    match row {
        CostRow::ThreePublic => ("三公经费", 0),
        CostRow::Vehicles => ("1、公务用车购置和维护经费", 1),
        CostRow::VehiclePurchase => ("其中：公车购置", 2),
        // Printed under 公车购置, past its “其中：”.
        CostRow::VehicleOperation => ("公车运行维护", 4),
        CostRow::Overseas => ("2、出国经费", 1),
        CostRow::Reception => ("3、公务接待", 1),
        CostRow::Project => ("项目支出", 0),
        CostRow::Public => ("公用经费", 0),
        CostRow::Office => ("其中：办公经费", 1),
        CostRow::UtilitiesTravel => ("水费、电费、差旅费", 3),
        CostRow::MeetingsTraining => ("会议费、培训费", 3),
        CostRow::Procurement => ("政府采购金额", 0),
        CostRow::BasicAdjustment => ("部门基本支出预算调整", 0),
    }
}

/// Column headings of 经费控制情况 for the report's year (上年决算数 … when it has none).
pub(crate) fn cost_headings(report: &Report) -> [String; 3] {
    match report.report.year.value() {
        Some(y) => [
            format!("{}年决算数", y.saturating_sub(1)),
            format!("{y}年预算数"),
            format!("{y}年决算数"),
        ],
        None => CostColumn::ALL.map(|c| c.label().to_owned()),
    }
}

/// One printed row of 经费控制情况: label, indent and the three cells.
pub(crate) struct CostLine {
    pub label: String,
    pub indent: u8,
    pub cells: [Content; 3],
}

/// The rows of 经费控制情况 in the order printed, project lines under 项目支出.
pub(crate) fn cost_lines(costs: Option<&Costs>) -> Vec<CostLine> {
    let empty = Costs::default();
    let costs = costs.unwrap_or(&empty);
    let cells_of = |cells: Option<&CostCells>| -> [Content; 3] {
        let cells = cells.copied().unwrap_or_default();
        CostColumn::ALL.map(|c| Content::money(cells.get(c)))
    };
    let mut lines = Vec::new();
    for row in CostRow::ALL {
        let (label, indent) = cost_row_label(row);
        let mut cells = cells_of(costs.row(row));
        // The form prints —— where last year's figure does not apply.
        if !row.has_prev_final() && cells[0] == Content::Empty {
            cells[0] = Content::label("——");
        }
        lines.push(CostLine {
            label: label.to_owned(),
            indent,
            cells,
        });
        if row == CostRow::Project {
            project_lines(costs, &mut lines);
        }
    }
    lines
}

fn project_lines(costs: &Costs, out: &mut Vec<CostLine>) {
    let mut current_group: Option<&str> = None;
    for (i, line) in costs.project_lines.iter().enumerate() {
        let group = line
            .group
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty());
        if let Some(g) = group
            && current_group != Some(g)
        {
            // A group's heading is printed once, unless a row of its own already prints it.
            let has_heading_row = costs.project_lines[..i]
                .iter()
                .any(|l| l.group.is_none() && l.name.as_deref().map(str::trim) == Some(g));
            if !has_heading_row {
                out.push(CostLine {
                    label: clean(g),
                    indent: 1,
                    cells: [Content::Empty, Content::Empty, Content::Empty],
                });
            }
        }
        current_group = group;
        out.push(CostLine {
            label: line.name.as_deref().map(clean).unwrap_or_default(),
            indent: if group.is_some() { 2 } else { 1 },
            cells: CostColumn::ALL.map(|c| Content::money(line.cells.get(c))),
        });
    }
}

/// The signoff line under 附件2, blanks kept as gaps to be filled by hand (the last, a
/// signature, ends the line).
pub(crate) fn signoff_line(data: Option<&BasicData>) -> String {
    let signoff = data.and_then(|d| d.signoff.clone()).unwrap_or_default();
    let fields = signoff.plain();
    let last = fields.len().saturating_sub(1);
    let parts: Vec<String> = fields
        .into_iter()
        .enumerate()
        .map(|(i, (field, value))| {
            let text = value.to_input();
            let gap = if i < last && text.is_empty() {
                "　　　　"
            } else {
                ""
            };
            format!("{}：{}{gap}", field.printed_label(), clean(&text))
        })
        .collect();
    parts.join("　　")
}

pub(crate) const BASIC_DATA_NOTE: &str = "说明：“项目支出”需要填报基本支出以外的所有项目支出情况，“公用经费”填报基本支出中的一般商品和服务支出。";

/// 附件2 基础数据表: seven columns, so that the 楼堂馆所 row fits; the three-figure rows
/// merge them in pairs.
pub(crate) fn basic_data(report: &Report) -> Sheet {
    let data = report.basic_data.as_ref();
    let year = year_label(report);
    let mut g = Grid::new();
    let pair = |g: &mut Grid, i: u16, content: Content, look: Look| {
        g.put(1 + 2 * i, 1, 2, content, look);
    };

    g.put(
        0,
        2,
        1,
        Content::label("财政供养人员情况（人）"),
        Look::Head,
    );
    pair(&mut g, 0, Content::label("编制数"), Look::Head);
    pair(
        &mut g,
        1,
        Content::label(format!("{year}实际在职人数")),
        Look::Head,
    );
    pair(&mut g, 2, Content::label("控制率"), Look::Head);
    g.next();
    pair(
        &mut g,
        0,
        Content::count(data.map(|d| d.authorized).unwrap_or_default()),
        Look::Figure,
    );
    pair(
        &mut g,
        1,
        Content::count(data.map(|d| d.in_service).unwrap_or_default()),
        Look::Figure,
    );
    pair(
        &mut g,
        2,
        Content::rate(data.map(|d| d.control_rate).unwrap_or_default()),
        Look::Figure,
    );
    g.next();

    g.put(0, 1, 1, Content::label("经费控制情况（万元）"), Look::Head);
    for (i, heading) in cost_headings(report).into_iter().enumerate() {
        pair(&mut g, i as u16, Content::Text(heading), Look::Head);
    }
    g.next();
    for line in cost_lines(data.and_then(|d| d.costs.as_ref())) {
        g.put(0, 1, 1, Content::Text(line.label), Look::Label(line.indent));
        for (i, cell) in line.cells.into_iter().enumerate() {
            pair(&mut g, i as u16, cell, Look::Figure);
        }
        g.next();
    }

    // The columns after the project's name, their units on a line of their own.
    let building_heads = Building::fields()[1..]
        .iter()
        .map(|f| f.printed_label().replace('（', "\n（"));
    g.put(
        0,
        1,
        1,
        Content::label(format!("楼堂馆所控制情况\n（{year}完工项目）")),
        Look::Head,
    );
    for (i, head) in building_heads.into_iter().enumerate() {
        g.put(1 + i as u16, 1, 1, Content::label(head), Look::Head);
    }
    g.next();
    let buildings = data.map(|d| d.buildings.as_slice()).unwrap_or_default();
    if buildings.is_empty() {
        // The form keeps one empty row to be filled in.
        for col in 0..7 {
            g.put(col, 1, 1, Content::Empty, Look::Figure);
        }
        g.next();
    }
    for b in buildings {
        for (i, (_, value)) in b.plain().into_iter().enumerate() {
            let look = if i == 0 { Look::Label(0) } else { Look::Figure };
            g.put(i as u16, 1, 1, Content::of(value), look);
        }
        g.next();
    }

    // 附件2's long texts, each a row of its own across the form.
    for (field, value) in data
        .unwrap_or(&BasicData::default())
        .plain_of_kind(Kind::LongText)
    {
        g.put(0, 1, 1, Content::label(field.printed_label()), Look::Head);
        g.put(1, 1, 6, Content::of(value), Look::Prose);
        g.next();
    }

    Sheet {
        name: BASIC_DATA_SHEET,
        attachment: "附件2",
        title: format!("{year}度部门（单位）整体支出绩效评价基础数据表"),
        widths: vec![29.0, 9.0, 9.0, 9.0, 9.0, 9.0, 9.0],
        landscape: false,
        row_count: g.row,
        cells: g.cells,
        after: vec![BASIC_DATA_NOTE.to_owned(), signoff_line(data)],
    }
}

/// The 一级指标 cell: its name with the 分值 the sheet states, “产出指标（40分）”.
pub(crate) fn group_label(name: &Option<String>, weight: Amount) -> String {
    let (name, weight) = group_parts(name, weight);
    name + &weight
}

fn group_parts(name: &Option<String>, weight: Amount) -> (String, String) {
    let name = name.as_deref().map(clean).unwrap_or_default();
    let weight = match weight {
        Amount::Value(w) => format!("（{w}分）"),
        Amount::NotApplicable => "（/）".to_owned(),
        Amount::Blank => String::new(),
    };
    (name, weight)
}

/// 按收入性质分 / 按支出性质分, as (label, figure) pairs side by side, four rows under the totals.
pub(crate) fn split_rows(sheet: Option<&ScoreSheet>) -> Vec<[(String, Content); 2]> {
    let src = sheet.and_then(|s| s.by_source.clone()).unwrap_or_default();
    let using = sheet.and_then(|s| s.by_use.clone()).unwrap_or_default();
    let l = |s: &str| s.to_owned();
    vec![
        [
            (l("按收入性质分："), Content::money(src.total)),
            (l("按支出性质分："), Content::money(using.total)),
        ],
        [
            (
                l("其中：一般公共预算："),
                Content::money(src.general_public),
            ),
            (l("其中：基本支出："), Content::money(using.basic)),
        ],
        [
            (l("政府性基金拨款："), Content::money(src.government_fund)),
            (l("项目支出："), Content::money(using.project)),
        ],
        [
            (
                l("纳入专户管理的非税收入拨款："),
                Content::money(src.nontax_special),
            ),
            (String::new(), Content::Empty),
        ],
        [
            (l("其他资金："), Content::money(src.other)),
            (String::new(), Content::Empty),
        ],
    ]
}

pub(crate) const INDICATOR_HEADS: [&str; 8] = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
];

pub(crate) const FUNDS_HEADS: [&str; 6] = [
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "分值",
    "执行率",
    "得分",
];

/// 附件3 自评表: a narrow side column (年度预算申请 / 年度总体目标 / 绩效指标) and the eight
/// columns of the indicator table.
pub(crate) fn score_sheet(report: &Report) -> Sheet {
    let sheet = report.score_sheet.as_ref();
    let year = year_label(report);
    let mut g = Grid::new();

    g.put(
        0,
        1,
        3,
        Content::label("区级预算部门（单位）名称"),
        Look::Head,
    );
    g.put(3, 1, 6, Content::text(&report.report.unit), Look::Label(0));
    g.next();

    let splits = split_rows(sheet);
    g.put(
        0,
        2 + splits.len() as u32,
        1,
        Content::label("年度预算申请（万元）"),
        Look::Head,
    );
    g.put(1, 1, 2, Content::Empty, Look::Head);
    for (i, head) in FUNDS_HEADS.into_iter().enumerate() {
        g.put(3 + i as u16, 1, 1, Content::label(head), Look::Head);
    }
    g.next();
    let funds = sheet.and_then(|s| s.funds.clone()).unwrap_or_default();
    g.put(1, 1, 2, Content::label("年度资金总额"), Look::Head);
    let figures = [
        Content::money(funds.initial),
        Content::money(funds.full_year),
        Content::money(funds.executed),
        Content::points(funds.weight),
        Content::rate(funds.rate),
        Content::points(funds.score),
    ];
    for (i, f) in figures.into_iter().enumerate() {
        g.put(3 + i as u16, 1, 1, f, Look::Figure);
    }
    g.next();
    for [(left, left_figure), (right, right_figure)] in splits {
        let label = |t: String| {
            if t.is_empty() {
                Content::Empty
            } else {
                Content::Text(t)
            }
        };
        g.put(1, 1, 3, label(left), Look::Label(0));
        g.put(4, 1, 1, left_figure, Look::Figure);
        g.put(5, 1, 3, label(right), Look::Label(0));
        g.put(8, 1, 1, right_figure, Look::Figure);
        g.next();
    }

    let goal = sheet.and_then(|s| s.goal.clone()).unwrap_or_default();
    g.put(0, 2, 1, Content::label("年度总体目标"), Look::Head);
    g.put(1, 1, 4, Content::label("预期目标"), Look::Head);
    g.put(5, 1, 4, Content::label("实际完成情况"), Look::Head);
    g.next();
    g.put(1, 1, 4, Content::text(&goal.expected), Look::Prose);
    g.put(5, 1, 4, Content::text(&goal.actual), Look::Prose);
    g.next();

    let groups = sheet.map(|s| s.groups.as_slice()).unwrap_or_default();
    let indicator_rows: u32 = groups
        .iter()
        .map(|gr| gr.indicators.len().max(1) as u32)
        .sum();
    g.put(
        0,
        1 + indicator_rows,
        1,
        Content::label("绩效指标"),
        Look::Head,
    );
    for (i, head) in INDICATOR_HEADS.into_iter().enumerate() {
        g.put(1 + i as u16, 1, 1, Content::label(head), Look::Head);
    }
    g.next();
    for group in groups {
        let rows = group.indicators.len().max(1) as u32;
        // The form prints the 分值 under the name: “产出指标” / “（40分）”.
        let label = match group_parts(&group.name, group.weight) {
            (name, weight) if weight.is_empty() => name,
            (name, weight) => format!("{name}\n{weight}"),
        };
        g.put(1, rows, 1, Content::Text(label), Look::Head);
        if group.indicators.is_empty() {
            for col in 2..9 {
                g.put(col, 1, 1, Content::Empty, Look::Figure);
            }
            g.next();
        }
        for ind in &group.indicators {
            g.put(2, 1, 1, Content::text(&ind.category), Look::Head);
            g.put(3, 1, 1, Content::text(&ind.name), Look::Prose);
            g.put(4, 1, 1, Content::text(&ind.target), Look::Prose);
            g.put(5, 1, 1, Content::text(&ind.actual), Look::Prose);
            g.put(6, 1, 1, Content::points(ind.weight), Look::Figure);
            g.put(7, 1, 1, Content::points(ind.score), Look::Figure);
            g.put(8, 1, 1, Content::text(&ind.deviation), Look::Prose);
            g.next();
        }
    }
    let (total_weight, total_score) = sheet
        .map(|s| (s.total_weight, s.total_score))
        .unwrap_or_default();
    g.put(0, 1, 6, Content::label("总分"), Look::Head);
    g.put(6, 1, 1, Content::points(total_weight), Look::Figure);
    g.put(7, 1, 1, Content::points(total_score), Look::Figure);
    g.put(8, 1, 1, Content::Empty, Look::Figure);
    g.next();

    Sheet {
        name: SCORE_SHEET,
        attachment: "附件3",
        title: format!("{year}度部门（单位）整体支出绩效自评表"),
        widths: vec![6.0, 10.0, 10.0, 20.0, 15.0, 15.0, 7.5, 7.5, 22.0],
        landscape: true,
        row_count: g.row,
        cells: g.cells,
        after: Vec::new(),
    }
}
