//! The shape of a report file: every key FORMAT.md knows, its kind and its Chinese label.
//!
//! The loader uses it to spot unknown keys, `set` to validate a value before writing it,
//! `new` to write the template and the workbench to label and edit every field.

/// What a key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 万元, ≥ 0.
    Amount,
    /// 万元, may be negative (a fund's adjustment).
    SignedAmount,
    /// A stated rate (`"71.4%"`).
    Rate,
    /// An integer ≥ 0.
    Count,
    /// A short text, one line.
    Text,
    /// A long text that may hold paragraphs.
    LongText,
    /// An array of texts, one per item.
    TextList,
    /// A table of known keys (`[budget]`).
    Table(&'static [Field]),
    /// A table usually written inline (`public = { prev_final = …, … }`).
    InlineTable(&'static [Field]),
    /// An array of tables (`[[budget.projects]]`).
    Rows(&'static [Field]),
}

impl Kind {
    pub fn children(&self) -> Option<&'static [Field]> {
        match self {
            Kind::Table(f) | Kind::InlineTable(f) | Kind::Rows(f) => Some(f),
            _ => None,
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(
            self,
            Kind::Amount | Kind::SignedAmount | Kind::Rate | Kind::Count
        )
    }

    pub fn is_text(&self) -> bool {
        matches!(self, Kind::Text | Kind::LongText)
    }

    /// Chinese name of the kind, for messages (“应为金额”).
    pub fn describe(&self) -> &'static str {
        match self {
            Kind::Amount => "金额（万元，不小于 0 的数）",
            Kind::SignedAmount => "金额（万元，可为负数）",
            Kind::Rate => "比率（如 \"71.4%\"）",
            Kind::Count => "整数（不小于 0）",
            Kind::Text | Kind::LongText => "文字",
            Kind::TextList => "文字列表",
            Kind::Table(_) | Kind::InlineTable(_) => "表",
            Kind::Rows(_) => "表格行（[[…]]）",
        }
    }
}

/// One key of the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    /// Required for loading (X05).
    pub required: bool,
}

const fn f(key: &'static str, label: &'static str, kind: Kind) -> Field {
    Field {
        key,
        label,
        kind,
        required: false,
    }
}

const fn req(key: &'static str, label: &'static str, kind: Kind) -> Field {
    Field {
        key,
        label,
        kind,
        required: true,
    }
}

use Kind::*;

pub static COST_CELLS: &[Field] = &[
    f("prev_final", "上年决算数", Amount),
    f("budget", "本年预算数", Amount),
    f("final", "本年决算数", Amount),
];

static REPORT: &[Field] = &[
    f("title", "报告标题", Text),
    req("unit", "单位名称", Text),
    req("year", "年度", Count),
];

static STAFF: &[Field] = &[
    f("actual_total", "年末实有人数", Count),
    f("in_service", "在职", Count),
    f("open_ended", "无固期人员", Count),
    f("government_employees", "政府雇员", Count),
    f("retired", "退休人员", Count),
    f("other", "其他", Count),
];

static BASIC: &[Field] = &[
    f("functions", "主要职能", TextList),
    f("organization", "机构情况", LongText),
    f("departments", "内设机构", TextList),
    f("staff", "人员情况", Table(STAFF)),
];

static PROJECT_ITEM: &[Field] = &[f("name", "项目名称", Text), f("amount", "金额", Amount)];

static OTHER_BUDGETS: &[Field] = &[
    f("government_fund", "政府性基金预算支出情况", LongText),
    f("state_capital", "国有资本经营预算支出情况", LongText),
    f("social_insurance", "社会保险基金预算支出情况", LongText),
];

static BUDGET: &[Field] = &[
    f("initial", "年初预算资金", Amount),
    f("income", "一般公共预算财政拨款收入", Amount),
    f("spent", "一般公共预算财政拨款支出", Amount),
    f("basic", "基本支出", Amount),
    f("personnel", "其中：人员经费", Amount),
    f("public", "其中：公用经费", Amount),
    f("project", "项目支出", Amount),
    f("projects", "项目支出情况", Rows(PROJECT_ITEM)),
    f("other", "三、四、五", Table(OTHER_BUDGETS)),
];

static SPECIAL_FUND: &[Field] = &[
    f("name", "专项名称", Text),
    f("scope", "包含内容", Text),
    f("budget", "预算支出", Amount),
    f("adjustment", "年中调整", SignedAmount),
    f("spent", "实际支出", Amount),
    f("carryover", "结余结转", Amount),
    f("description", "资金使用说明", LongText),
];

static PERFORMANCE: &[Field] = &[
    f("overall", "整体支出绩效情况", LongText),
    f("special_fund_count", "专项资金个数（正文所述）", Count),
    f("special_funds", "专项资金", Rows(SPECIAL_FUND)),
];

static CLOSING: &[Field] = &[
    f("problems", "存在的问题及原因分析", LongText),
    f("improvements", "下一步改进措施", LongText),
    f("publication", "自评结果拟应用和公开情况", LongText),
];

static PROJECT_LINE: &[Field] = &[
    f("name", "行名称", Text),
    f("group", "所属分组", Text),
    f("prev_final", "上年决算数", Amount),
    f("budget", "本年预算数", Amount),
    f("final", "本年决算数", Amount),
];

static COSTS: &[Field] = &[
    f("three_public", "三公经费", InlineTable(COST_CELLS)),
    f(
        "vehicles",
        "1、公务用车购置和维护经费",
        InlineTable(COST_CELLS),
    ),
    f(
        "vehicle_purchase",
        "其中：公车购置",
        InlineTable(COST_CELLS),
    ),
    f("vehicle_operation", "公车运行维护", InlineTable(COST_CELLS)),
    f("overseas", "2、出国经费", InlineTable(COST_CELLS)),
    f("reception", "3、公务接待", InlineTable(COST_CELLS)),
    f("project", "项目支出", InlineTable(COST_CELLS)),
    f("public", "公用经费", InlineTable(COST_CELLS)),
    f("office", "其中：办公经费", InlineTable(COST_CELLS)),
    f(
        "utilities_travel",
        "水费、电费、差旅费",
        InlineTable(COST_CELLS),
    ),
    f(
        "meetings_training",
        "会议费、培训费",
        InlineTable(COST_CELLS),
    ),
    f("procurement", "政府采购金额", InlineTable(COST_CELLS)),
    f(
        "basic_adjustment",
        "部门基本支出预算调整",
        InlineTable(COST_CELLS),
    ),
    f("project_lines", "项目支出明细行", Rows(PROJECT_LINE)),
];

static BUILDING: &[Field] = &[
    f("name", "项目名称", Text),
    f("approved_area", "批复规模（㎡）", Amount),
    f("actual_area", "实际规模（㎡）", Amount),
    f("area_control_rate", "规模控制率", Rate),
    f("budget_investment", "预算投资（万元）", Amount),
    f("actual_investment", "实际投资（万元）", Amount),
    f("investment_control_rate", "投资概算控制率", Rate),
];

static SIGNOFF: &[Field] = &[
    f("prepared_by", "填表人", Text),
    f("prepared_on", "填报日期", Text),
    f("phone", "联系电话", Text),
    f("head", "单位负责人", Text),
];

static BASIC_DATA: &[Field] = &[
    f("authorized", "编制数", Count),
    f("in_service", "实际在职人数", Count),
    f("control_rate", "控制率", Rate),
    f("costs", "经费控制情况", Table(COSTS)),
    f("buildings", "楼堂馆所控制情况", Rows(BUILDING)),
    f("austerity", "厉行节约保障措施", LongText),
    f("signoff", "填报信息", Table(SIGNOFF)),
];

static FUNDS_ROW: &[Field] = &[
    f("initial", "年初预算数", Amount),
    f("full_year", "全年预算数", Amount),
    f("executed", "全年执行数", Amount),
    f("weight", "分值", Amount),
    f("rate", "执行率", Rate),
    f("score", "得分", Amount),
];

static BY_SOURCE: &[Field] = &[
    f("total", "按收入性质分合计", Amount),
    f("general_public", "一般公共预算", Amount),
    f("government_fund", "政府性基金拨款", Amount),
    f("nontax_special", "纳入专户管理的非税收入拨款", Amount),
    f("other", "其他资金", Amount),
];

static BY_USE: &[Field] = &[
    f("total", "按支出性质分合计", Amount),
    f("basic", "基本支出", Amount),
    f("project", "项目支出", Amount),
];

static GOAL: &[Field] = &[
    f("expected", "预期目标", LongText),
    f("actual", "实际完成情况", LongText),
];

static INDICATOR: &[Field] = &[
    f("category", "二级指标", Text),
    f("name", "三级指标", LongText),
    f("target", "年度指标值", LongText),
    f("actual", "实际完成值", LongText),
    f("weight", "分值", Amount),
    f("score", "得分", Amount),
    f("deviation", "偏差原因分析及改进措施", LongText),
];

static GROUP: &[Field] = &[
    f("name", "一级指标", Text),
    f("weight", "分值", Amount),
    f("indicators", "指标", Rows(INDICATOR)),
];

static SCORE_SHEET: &[Field] = &[
    f("total_weight", "总分（分值）", Amount),
    f("total_score", "总分（得分）", Amount),
    f("funds", "年度资金总额", Table(FUNDS_ROW)),
    f("by_source", "按收入性质分", Table(BY_SOURCE)),
    f("by_use", "按支出性质分", Table(BY_USE)),
    f("goal", "年度总体目标", Table(GOAL)),
    f("groups", "绩效指标", Rows(GROUP)),
];

/// The top level of a report file.
pub static ROOT: &[Field] = &[
    req("schema", "格式版本", Text),
    req("scheme", "评分方案", Text),
    f("report", "封面", Table(REPORT)),
    f("basic", "一、部门（单位）基本情况", Table(BASIC)),
    f("budget", "二、一般公共预算支出情况", Table(BUDGET)),
    f("performance", "六、资金使用及绩效情况", Table(PERFORMANCE)),
    f("closing", "七、八、九", Table(CLOSING)),
    f("basic_data", "附件2 基础数据表", Table(BASIC_DATA)),
    f("score_sheet", "附件3 自评表", Table(SCORE_SHEET)),
];

/// The field a key path names (indices skipped), if the format knows it.
pub fn lookup(shape: &[&str]) -> Option<&'static Field> {
    let mut fields = ROOT;
    let mut found = None;
    for key in shape {
        let field = fields.iter().find(|f| f.key == *key)?;
        found = Some(field);
        fields = field.kind.children().unwrap_or(&[]);
    }
    found
}

/// Where the path's last key comes among its table's keys in the format (0 for the first;
/// past the end for keys the format does not know): the order a report usually writes them in.
pub fn key_rank(path: &super::FieldPath) -> usize {
    let mut fields = ROOT;
    let mut rank = usize::MAX;
    for seg in path.segs() {
        if let super::Seg::Key(key) = seg {
            let Some(at) = fields.iter().position(|f| f.key == *key) else {
                return usize::MAX;
            };
            rank = at;
            fields = fields[at].kind.children().unwrap_or(&[]);
        }
    }
    rank
}

/// The known key closest to `unknown` among `fields`, if one is close enough to suggest.
pub fn nearest_key(unknown: &str, fields: &[Field]) -> Option<&'static str> {
    fields
        .iter()
        .map(|f| (strsim::damerau_levenshtein(unknown, f.key), f.key))
        .filter(|(distance, key)| *distance <= (key.len().max(unknown.len()) / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, key)| key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_nested_fields() {
        let field = lookup(&["performance", "special_funds", "adjustment"]).unwrap();
        assert_eq!(field.kind, Kind::SignedAmount);
        assert_eq!(
            lookup(&["basic_data", "costs", "public", "final"])
                .unwrap()
                .label,
            "本年决算数"
        );
        assert!(lookup(&["budget", "nonsense"]).is_none());
    }

    #[test]
    fn suggests_the_nearest_key() {
        assert_eq!(nearest_key("budjet", ROOT), Some("budget"));
        assert_eq!(nearest_key("zzzzzzzz", ROOT), None);
    }
}
