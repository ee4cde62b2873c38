//! The report as typed Rust (FORMAT.md): exact amounts, rates, counts and texts; no I/O, no UI.

mod path;
pub mod schema;
mod value;

pub use path::{FieldPath, PathError, Seg};
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

/// `[basic]` — 一、部门（单位）基本情况.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Basic {
    pub functions: Vec<String>,
    pub organization: Option<String>,
    pub departments: Vec<String>,
    pub staff: Option<Staff>,
}

/// `[basic.staff]` — （三）人员情况.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Staff {
    pub actual_total: Count,
    pub in_service: Count,
    pub open_ended: Count,
    pub government_employees: Count,
    pub retired: Count,
    pub other: Count,
}

/// `[budget]` — 二、一般公共预算支出情况.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Budget {
    pub initial: Amount,
    pub income: Amount,
    pub spent: Amount,
    pub basic: Amount,
    pub personnel: Amount,
    pub public: Amount,
    pub project: Amount,
    pub projects: Vec<ProjectItem>,
    pub other: Option<OtherBudgets>,
}

/// `[[budget.projects]]` — one 项目支出 line item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectItem {
    pub name: Option<String>,
    pub amount: Amount,
}

/// `[budget.other]` — sections 三、四、五.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OtherBudgets {
    pub government_fund: Option<String>,
    pub state_capital: Option<String>,
    pub social_insurance: Option<String>,
}

/// `[performance]` — 六、资金使用及绩效情况.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Performance {
    pub overall: Option<String>,
    pub special_fund_count: Count,
    pub special_funds: Vec<SpecialFund>,
}

/// `[[performance.special_funds]]` — one 专项资金.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpecialFund {
    pub name: Option<String>,
    pub scope: Option<String>,
    pub budget: Amount,
    pub adjustment: Amount,
    pub spent: Amount,
    pub carryover: Amount,
    pub description: Option<String>,
}

/// `[closing]` — 七、八、九.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Closing {
    pub problems: Option<String>,
    pub improvements: Option<String>,
    pub publication: Option<String>,
}

/// `[basic_data]` — 附件2 基础数据表.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BasicData {
    pub authorized: Count,
    pub in_service: Count,
    pub control_rate: RateCell,
    pub costs: Option<Costs>,
    pub buildings: Vec<Building>,
    pub austerity: Option<String>,
    pub signoff: Option<Signoff>,
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

/// `[[basic_data.buildings]]` — 楼堂馆所控制情况.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Building {
    pub name: Option<String>,
    pub approved_area: Amount,
    pub actual_area: Amount,
    pub area_control_rate: RateCell,
    pub budget_investment: Amount,
    pub actual_investment: Amount,
    pub investment_control_rate: RateCell,
}

/// `[basic_data.signoff]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signoff {
    pub prepared_by: Option<String>,
    pub prepared_on: Option<String>,
    pub phone: Option<String>,
    pub head: Option<String>,
}

/// `[score_sheet]` — 附件3 整体支出绩效自评表.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreSheet {
    pub funds: Option<FundsRow>,
    pub by_source: Option<BySource>,
    pub by_use: Option<ByUse>,
    pub goal: Option<Goal>,
    pub groups: Vec<Group>,
    pub total_weight: Amount,
    pub total_score: Amount,
}

/// `[score_sheet.funds]` — 年度资金总额.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FundsRow {
    pub initial: Amount,
    pub full_year: Amount,
    pub executed: Amount,
    pub weight: Amount,
    pub rate: RateCell,
    pub score: Amount,
}

/// `[score_sheet.by_source]` — 按收入性质分.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BySource {
    pub total: Amount,
    pub general_public: Amount,
    pub government_fund: Amount,
    pub nontax_special: Amount,
    pub other: Amount,
}

/// `[score_sheet.by_use]` — 按支出性质分.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ByUse {
    pub total: Amount,
    pub basic: Amount,
    pub project: Amount,
}

/// `[score_sheet.goal]` — 年度总体目标.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Goal {
    pub expected: Option<String>,
    pub actual: Option<String>,
}

/// `[[score_sheet.groups]]` — one 一级指标.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group {
    pub name: Option<String>,
    pub weight: Amount,
    pub indicators: Vec<Indicator>,
}

/// `[[score_sheet.groups.indicators]]` — one row of the sheet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Indicator {
    pub category: Option<String>,
    pub name: Option<String>,
    pub target: Option<String>,
    pub actual: Option<String>,
    pub weight: Amount,
    pub score: Amount,
    pub deviation: Option<String>,
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
