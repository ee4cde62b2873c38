//! The report as typed Rust (FORMAT.md): exact amounts, rates, counts and texts; no I/O, no UI.

mod path;
pub mod record;
pub mod schema;
mod value;

pub use path::{FieldPath, PathError, Seg};
pub use record::{FieldSource, Plain, Record};

use record::record;
pub use value::{Cell, MAX_FIGURE, Rate, parse_amount, parse_rate};

use rust_decimal::Decimal;

/// An amount in 万元, exact as written.
pub type Amount = Cell<Decimal>;
/// A head count or a year.
pub type Count = Cell<u64>;
/// A rate as stated (percent, with the decimals written).
pub type RateCell = Cell<Rate>;

/// One report file (`jixiao/1`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub schema: Option<String>,
    pub scheme: Option<String>,
    pub report: Cover,
    pub basic: Option<Basic>,
    pub budget: Option<Budget>,
    pub performance: Option<Performance>,
    pub closing: Option<Closing>,
    pub basic_data: Option<BasicData>,
    pub score_sheet: Option<ScoreSheet>,
}

/// `[report]` — the cover.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cover {
    pub title: Option<String>,
    pub unit: Option<String>,
    pub year: Count,
}

record! {
    /// `[basic]` — 一、部门（单位）基本情况.
    pub struct Basic in BASIC {
        functions: Vec<String> = ("functions", "主要职能", TextList),
        organization: Option<String> = ("organization", "机构情况", LongText),
        departments: Vec<String> = ("departments", "内设机构", TextList),
        staff: Option<Staff> = ("staff", "人员情况", Table(STAFF)),
    }
}

record! {
    /// `[basic.staff]` — （三）人员情况.
    pub struct Staff in STAFF {
        actual_total: Count = ("actual_total", "年末实有人数", Count),
        in_service: Count = ("in_service", "在职", Count),
        open_ended: Count = ("open_ended", "无固期人员", Count),
        government_employees: Count = ("government_employees", "政府雇员", Count),
        retired: Count = ("retired", "退休人员", Count),
        other: Count = ("other", "其他", Count),
    }
}

impl Staff {
    /// The kinds 年末实有人数 is the sum of (S01), with their labels.
    pub fn kinds(&self) -> [(&'static str, Count); 5] {
        [
            ("在职", self.in_service),
            ("无固期人员", self.open_ended),
            ("政府雇员", self.government_employees),
            ("退休人员", self.retired),
            ("其他", self.other),
        ]
    }

    /// The sum of the kinds filled in, or `None` when none is (counts are 64-bit: their sum
    /// is not).
    pub fn kinds_total(&self) -> Option<u128> {
        let filled: Vec<u64> = self.kinds().iter().filter_map(|(_, c)| c.value()).collect();
        (!filled.is_empty()).then(|| filled.iter().map(|&v| u128::from(v)).sum())
    }
}

record! {
    /// `[budget]` — 二、一般公共预算支出情况.
    pub struct Budget in BUDGET {
        initial: Amount = ("initial", "年初预算资金", Amount),
        income: Amount = ("income", "一般公共预算财政拨款收入", Amount),
        spent: Amount = ("spent", "一般公共预算财政拨款支出", Amount),
        basic: Amount = ("basic", "基本支出", Amount),
        personnel: Amount = ("personnel", "其中：人员经费", Amount),
        public: Amount = ("public", "其中：公用经费", Amount),
        project: Amount = ("project", "项目支出", Amount),
        projects: Vec<ProjectItem> = ("projects", "项目支出情况", Rows(PROJECT_ITEM)),
        other: Option<OtherBudgets> = ("other", "三、四、五", Table(OTHER_BUDGETS)),
    }
}

impl Budget {
    /// 基本支出 as stated, or else 人员经费 + 公用经费 standing in for it (B01).
    pub fn basic_or_parts(&self) -> Option<Decimal> {
        self.basic
            .value()
            .or_else(|| Some(self.personnel.value()? + self.public.value()?))
    }
}

record! {
    /// `[[budget.projects]]` — one 项目支出 line item.
    pub struct ProjectItem in PROJECT_ITEM {
        name: Option<String> = ("name", "项目名称", Text),
        amount: Amount = ("amount", "金额", Amount),
    }
}

record! {
    /// `[budget.other]` — sections 三、四、五.
    pub struct OtherBudgets in OTHER_BUDGETS {
        government_fund: Option<String> = ("government_fund", "政府性基金预算支出情况", LongText),
        state_capital: Option<String> = ("state_capital", "国有资本经营预算支出情况", LongText),
        social_insurance: Option<String> = ("social_insurance", "社会保险基金预算支出情况", LongText),
    }
}

record! {
    /// `[performance]` — 六、资金使用及绩效情况.
    pub struct Performance in PERFORMANCE {
        overall: Option<String> = ("overall", "整体支出绩效情况", LongText),
        special_fund_count: Count = ("special_fund_count", "专项资金个数（正文所述）", Count),
        special_funds: Vec<SpecialFund> = ("special_funds", "专项资金", Rows(SPECIAL_FUND)),
    }
}

record! {
    /// `[[performance.special_funds]]` — one 专项资金.
    pub struct SpecialFund in SPECIAL_FUND {
        name: Option<String> = ("name", "专项名称", Text),
        scope: Option<String> = ("scope", "包含内容", Text),
        budget: Amount = ("budget", "预算支出", Amount),
        adjustment: Amount = ("adjustment", "年中调整", SignedAmount),
        spent: Amount = ("spent", "实际支出", Amount),
        carryover: Amount = ("carryover", "结余结转", Amount),
        description: Option<String> = ("description", "资金使用说明", LongText),
    }
}

record! {
    /// `[closing]` — 七、八、九.
    pub struct Closing in CLOSING {
        problems: Option<String> = ("problems", "存在的问题及原因分析", LongText),
        improvements: Option<String> = ("improvements", "下一步改进措施", LongText),
        publication: Option<String> = ("publication", "自评结果拟应用和公开情况", LongText),
    }
}

record! {
    /// `[basic_data]` — 附件2 基础数据表.
    pub struct BasicData in BASIC_DATA {
        authorized: Count = ("authorized", "编制数", Count),
        in_service: Count = ("in_service", "实际在职人数", Count),
        control_rate: RateCell = ("control_rate", "控制率", Rate),
        costs: Option<Costs> = ("costs", "经费控制情况", Table(schema::COSTS)),
        buildings: Vec<Building> = ("buildings", "楼堂馆所控制情况", Rows(BUILDING)),
        austerity: Option<String> = ("austerity", "厉行节约保障措施", LongText),
        signoff: Option<Signoff> = ("signoff", "填报信息", Table(SIGNOFF)),
    }
}

/// The three amount columns of a 经费控制情况 row.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CostCells {
    pub prev_final: Amount,
    pub budget: Amount,
    pub r#final: Amount,
}

/// One of the three columns of the 经费控制情况 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostColumn {
    PrevFinal,
    Budget,
    Final,
}

impl CostColumn {
    pub const ALL: [CostColumn; 3] = [CostColumn::PrevFinal, CostColumn::Budget, CostColumn::Final];

    pub fn key(self) -> &'static str {
        match self {
            CostColumn::PrevFinal => "prev_final",
            CostColumn::Budget => "budget",
            CostColumn::Final => "final",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CostColumn::PrevFinal => "上年决算数",
            CostColumn::Budget => "本年预算数",
            CostColumn::Final => "本年决算数",
        }
    }
}

impl CostCells {
    pub fn get(&self, column: CostColumn) -> Amount {
        match column {
            CostColumn::PrevFinal => self.prev_final,
            CostColumn::Budget => self.budget,
            CostColumn::Final => self.r#final,
        }
    }

    pub fn is_blank(&self) -> bool {
        CostColumn::ALL
            .iter()
            .all(|c| self.get(*c).value().is_none())
    }
}

impl record::Nested for Costs {}

/// `[basic_data.costs]` — 经费控制情况.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Costs {
    pub three_public: Option<CostCells>,
    pub vehicles: Option<CostCells>,
    pub vehicle_purchase: Option<CostCells>,
    pub vehicle_operation: Option<CostCells>,
    pub overseas: Option<CostCells>,
    pub reception: Option<CostCells>,
    pub project: Option<CostCells>,
    pub public: Option<CostCells>,
    pub office: Option<CostCells>,
    pub utilities_travel: Option<CostCells>,
    pub meetings_training: Option<CostCells>,
    pub procurement: Option<CostCells>,
    pub basic_adjustment: Option<CostCells>,
    pub project_lines: Vec<ProjectLine>,
}

/// The fixed rows of 经费控制情况, by key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostRow {
    ThreePublic,
    Vehicles,
    VehiclePurchase,
    VehicleOperation,
    Overseas,
    Reception,
    Project,
    Public,
    Office,
    UtilitiesTravel,
    MeetingsTraining,
    Procurement,
    BasicAdjustment,
}

impl CostRow {
    pub const ALL: [CostRow; 13] = [
        CostRow::ThreePublic,
        CostRow::Vehicles,
        CostRow::VehiclePurchase,
        CostRow::VehicleOperation,
        CostRow::Overseas,
        CostRow::Reception,
        CostRow::Project,
        CostRow::Public,
        CostRow::Office,
        CostRow::UtilitiesTravel,
        CostRow::MeetingsTraining,
        CostRow::Procurement,
        CostRow::BasicAdjustment,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CostRow::ThreePublic => "three_public",
            CostRow::Vehicles => "vehicles",
            CostRow::VehiclePurchase => "vehicle_purchase",
            CostRow::VehicleOperation => "vehicle_operation",
            CostRow::Overseas => "overseas",
            CostRow::Reception => "reception",
            CostRow::Project => "project",
            CostRow::Public => "public",
            CostRow::Office => "office",
            CostRow::UtilitiesTravel => "utilities_travel",
            CostRow::MeetingsTraining => "meetings_training",
            CostRow::Procurement => "procurement",
            CostRow::BasicAdjustment => "basic_adjustment",
        }
    }

    /// The row's label as the form prints it.
    pub fn label(self) -> &'static str {
        match self {
            CostRow::ThreePublic => "三公经费",
            CostRow::Vehicles => "公务用车购置和维护经费",
            CostRow::VehiclePurchase => "公车购置",
            CostRow::VehicleOperation => "公车运行维护",
            CostRow::Overseas => "出国经费",
            CostRow::Reception => "公务接待",
            CostRow::Project => "项目支出",
            CostRow::Public => "公用经费",
            CostRow::Office => "办公经费",
            CostRow::UtilitiesTravel => "水费、电费、差旅费",
            CostRow::MeetingsTraining => "会议费、培训费",
            CostRow::Procurement => "政府采购金额",
            CostRow::BasicAdjustment => "部门基本支出预算调整",
        }
    }

    /// Whether the printed form has a 上年决算数 for the row: it prints —— there for
    /// 政府采购金额 and 部门基本支出预算调整. The one list the form, `new --from` (which
    /// carries last year's 本年决算数 only where there is one) and Y01 (which compares only
    /// where there is one) go by.
    pub fn has_prev_final(self) -> bool {
        !matches!(self, CostRow::Procurement | CostRow::BasicAdjustment)
    }

    /// How the form indents the row (0 = top level).
    pub fn depth(self) -> usize {
        match self {
            CostRow::Vehicles | CostRow::Overseas | CostRow::Reception => 1,
            CostRow::VehiclePurchase | CostRow::VehicleOperation => 2,
            CostRow::Office | CostRow::UtilitiesTravel | CostRow::MeetingsTraining => 1,
            _ => 0,
        }
    }

    /// Rows that belong to 三公经费.
    pub fn is_three_public(self) -> bool {
        matches!(
            self,
            CostRow::ThreePublic
                | CostRow::Vehicles
                | CostRow::VehiclePurchase
                | CostRow::VehicleOperation
                | CostRow::Overseas
                | CostRow::Reception
        )
    }
}

impl Costs {
    pub fn row(&self, row: CostRow) -> Option<&CostCells> {
        match row {
            CostRow::ThreePublic => self.three_public.as_ref(),
            CostRow::Vehicles => self.vehicles.as_ref(),
            CostRow::VehiclePurchase => self.vehicle_purchase.as_ref(),
            CostRow::VehicleOperation => self.vehicle_operation.as_ref(),
            CostRow::Overseas => self.overseas.as_ref(),
            CostRow::Reception => self.reception.as_ref(),
            CostRow::Project => self.project.as_ref(),
            CostRow::Public => self.public.as_ref(),
            CostRow::Office => self.office.as_ref(),
            CostRow::UtilitiesTravel => self.utilities_travel.as_ref(),
            CostRow::MeetingsTraining => self.meetings_training.as_ref(),
            CostRow::Procurement => self.procurement.as_ref(),
            CostRow::BasicAdjustment => self.basic_adjustment.as_ref(),
        }
    }

    pub fn row_mut(&mut self, row: CostRow) -> &mut Option<CostCells> {
        match row {
            CostRow::ThreePublic => &mut self.three_public,
            CostRow::Vehicles => &mut self.vehicles,
            CostRow::VehiclePurchase => &mut self.vehicle_purchase,
            CostRow::VehicleOperation => &mut self.vehicle_operation,
            CostRow::Overseas => &mut self.overseas,
            CostRow::Reception => &mut self.reception,
            CostRow::Project => &mut self.project,
            CostRow::Public => &mut self.public,
            CostRow::Office => &mut self.office,
            CostRow::UtilitiesTravel => &mut self.utilities_travel,
            CostRow::MeetingsTraining => &mut self.meetings_training,
            CostRow::Procurement => &mut self.procurement,
            CostRow::BasicAdjustment => &mut self.basic_adjustment,
        }
    }

    /// One cell of a fixed row; blank when the row is absent.
    pub fn cell(&self, row: CostRow, column: CostColumn) -> Amount {
        self.row(row).map(|r| r.get(column)).unwrap_or_default()
    }
}

/// `[[basic_data.costs.project_lines]]` — a row under 项目支出.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectLine {
    pub name: Option<String>,
    pub group: Option<String>,
    pub cells: CostCells,
}

record! {
    /// `[[basic_data.buildings]]` — 楼堂馆所控制情况.
    pub struct Building in BUILDING {
        name: Option<String> = ("name", "项目名称", Text),
        approved_area: Amount = ("approved_area", "批复规模（㎡）", Amount),
        actual_area: Amount = ("actual_area", "实际规模（㎡）", Amount),
        area_control_rate: RateCell = ("area_control_rate", "规模控制率", Rate),
        budget_investment: Amount = ("budget_investment", "预算投资（万元）", Amount),
        actual_investment: Amount = ("actual_investment", "实际投资（万元）", Amount),
        investment_control_rate: RateCell = ("investment_control_rate", "投资概算控制率", Rate),
    }
}

record! {
    /// `[basic_data.signoff]`.
    pub struct Signoff in SIGNOFF {
        prepared_by: Option<String> = ("prepared_by", "填表人", Text),
        prepared_on: Option<String> = ("prepared_on", "填报日期", Text),
        phone: Option<String> = ("phone", "联系电话", Text),
        head: Option<String> = ("head", "单位负责人", Text, printed "单位负责人签字"),
    }
}

record! {
    /// `[score_sheet]` — 附件3 整体支出绩效自评表.
    pub struct ScoreSheet in SCORE_SHEET {
        total_weight: Amount = ("total_weight", "总分（分值）", Amount),
        total_score: Amount = ("total_score", "总分（得分）", Amount),
        funds: Option<FundsRow> = ("funds", "年度资金总额", Table(FUNDS_ROW)),
        by_source: Option<BySource> = ("by_source", "按收入性质分", Table(BY_SOURCE)),
        by_use: Option<ByUse> = ("by_use", "按支出性质分", Table(BY_USE)),
        goal: Option<Goal> = ("goal", "年度总体目标", Table(GOAL)),
        groups: Vec<Group> = ("groups", "绩效指标", Rows(GROUP)),
    }
}

record! {
    /// `[score_sheet.funds]` — 年度资金总额.
    pub struct FundsRow in FUNDS_ROW {
        initial: Amount = ("initial", "年初预算数", Amount),
        full_year: Amount = ("full_year", "全年预算数", Amount),
        executed: Amount = ("executed", "全年执行数", Amount),
        weight: Amount = ("weight", "分值", Amount),
        rate: RateCell = ("rate", "执行率", Rate),
        score: Amount = ("score", "得分", Amount),
    }
}

record! {
    /// `[score_sheet.by_source]` — 按收入性质分.
    pub struct BySource in BY_SOURCE {
        total: Amount = ("total", "按收入性质分合计", Amount),
        general_public: Amount = ("general_public", "一般公共预算", Amount),
        government_fund: Amount = ("government_fund", "政府性基金拨款", Amount),
        nontax_special: Amount = ("nontax_special", "纳入专户管理的非税收入拨款", Amount),
        other: Amount = ("other", "其他资金", Amount),
    }
}

record! {
    /// `[score_sheet.by_use]` — 按支出性质分.
    pub struct ByUse in BY_USE {
        total: Amount = ("total", "按支出性质分合计", Amount),
        basic: Amount = ("basic", "基本支出", Amount),
        project: Amount = ("project", "项目支出", Amount),
    }
}

record! {
    /// `[score_sheet.goal]` — 年度总体目标.
    pub struct Goal in GOAL {
        expected: Option<String> = ("expected", "预期目标", LongText),
        actual: Option<String> = ("actual", "实际完成情况", LongText),
    }
}

record! {
    /// `[[score_sheet.groups]]` — one 一级指标.
    pub struct Group in GROUP {
        name: Option<String> = ("name", "一级指标", Text),
        weight: Amount = ("weight", "分值", Amount),
        indicators: Vec<Indicator> = ("indicators", "指标", Rows(INDICATOR)),
    }
}

record! {
    /// `[[score_sheet.groups.indicators]]` — one row of the sheet.
    pub struct Indicator in INDICATOR {
        category: Option<String> = ("category", "二级指标", Text),
        name: Option<String> = ("name", "三级指标", LongText),
        target: Option<String> = ("target", "年度指标值", LongText),
        actual: Option<String> = ("actual", "实际完成值", LongText),
        weight: Amount = ("weight", "分值", Amount),
        score: Amount = ("score", "得分", Amount),
        deviation: Option<String> = ("deviation", "偏差原因分析及改进措施", LongText),
    }
}

impl Indicator {
    /// A short Chinese label for messages: the 三级指标, or else the 二级指标.
    pub fn label(&self) -> String {
        let usable = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty() && *t != "/")
                .map(str::to_owned)
        };
        let category = usable(&self.category);
        let name = usable(&self.name);
        match (category, name) {
            (Some(c), Some(n)) => format!("{c}·{}", first_line_short(&n, 16)),
            (Some(c), None) => c,
            (None, Some(n)) => first_line_short(&n, 16),
            (None, None) => "（未命名指标）".to_owned(),
        }
    }
}

/// First line of a text, cut to `max` characters with an ellipsis.
pub fn first_line_short(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() > max {
        let cut: String = line.chars().take(max).collect();
        format!("{cut}…")
    } else {
        line.to_owned()
    }
}

/// Text considered empty by the rules: absent, blank, or only whitespace.
pub fn is_blank_text(text: &Option<String>) -> bool {
    text.as_deref().is_none_or(|t| t.trim().is_empty())
}

/// Text that says nothing: blank, `/`, or `无` (with or without a full stop).
pub fn is_nothing_text(text: &Option<String>) -> bool {
    match text.as_deref() {
        None => true,
        Some(t) => {
            let t = t.trim().trim_end_matches(['。', '.', '；', ';']).trim();
            t.is_empty() || t == "/" || t == "无" || t == "／"
        }
    }
}

/// A key path's decimal sum over filled cells; `None` when none is filled.
pub fn sum_filled<I: IntoIterator<Item = Amount>>(cells: I) -> Option<Decimal> {
    cells
        .into_iter()
        .filter_map(|c| c.value())
        .fold(None, |acc, v| Some(acc.unwrap_or_default() + v))
}
