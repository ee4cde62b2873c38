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
    /// Its label in the printed form, where that differs from `label`.
    pub printed: Option<&'static str>,
}

impl Field {
    pub const fn new(key: &'static str, label: &'static str, kind: Kind) -> Field {
        Field {
            key,
            label,
            kind,
            required: false,
            printed: None,
        }
    }

    /// The same field with another label in the printed form.
    pub const fn printed(self, label: &'static str) -> Field {
        Field {
            printed: Some(label),
            ..self
        }
    }

    /// Its label in the printed form.
    pub fn printed_label(&self) -> &'static str {
        self.printed.unwrap_or(self.label)
    }
}

const fn f(key: &'static str, label: &'static str, kind: Kind) -> Field {
    Field::new(key, label, kind)
}

const fn req(key: &'static str, label: &'static str, kind: Kind) -> Field {
    Field {
        required: true,
        ..Field::new(key, label, kind)
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

pub static PROJECT_LINE: &[Field] = &[
    f("name", "行名称", Text),
    f("group", "所属分组", Text),
    f("prev_final", "上年决算数", Amount),
    f("budget", "本年预算数", Amount),
    f("final", "本年决算数", Amount),
];

pub static COSTS: &[Field] = &[
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

/// The top level of a report file.
pub static ROOT: &[Field] = &[
    req("schema", "格式版本", Text),
    req("scheme", "评分方案", Text),
    f("report", "封面", Table(REPORT)),
    f("basic", "一、部门（单位）基本情况", Table(super::BASIC)),
    f("budget", "二、一般公共预算支出情况", Table(super::BUDGET)),
    f(
        "performance",
        "六、资金使用及绩效情况",
        Table(super::PERFORMANCE),
    ),
    f("closing", "七、八、九", Table(super::CLOSING)),
    f("basic_data", "附件2 基础数据表", Table(super::BASIC_DATA)),
    f("score_sheet", "附件3 自评表", Table(super::SCORE_SHEET)),
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
