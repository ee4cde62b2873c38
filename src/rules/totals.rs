//! The running total: score, weight, grade, group subtotals and the section 二 identity.

use crate::finding::{Counts, Finding};
use crate::model::{Report, sum_filled};
use crate::scheme::Scheme;
use rust_decimal::Decimal;

pub use crate::scheme::NO_GRADE;

/// One 一级指标's subtotal.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupTotal {
    pub name: String,
    /// The weight its header states.
    pub stated_weight: Option<Decimal>,
    /// Σ of its indicators' weights.
    pub weight: Decimal,
    /// Σ of its indicators' scores.
    pub score: Decimal,
}

impl GroupTotal {
    /// Whether the stated weight equals the sum of the indicator weights (true when unstated).
    pub fn weights_agree(&self) -> bool {
        self.stated_weight.is_none_or(|w| w == self.weight)
    }
}

/// Everything the side panel and the `check` summary show, always computed, never stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    /// Funds score + Σ indicator scores.
    pub score: Decimal,
    /// Funds weight + Σ indicator weights.
    pub weight: Decimal,
    pub grade: String,
    pub funds_score: Option<Decimal>,
    pub funds_weight: Option<Decimal>,
    pub groups: Vec<GroupTotal>,
    pub counts: Counts,
    /// Section 二: (stated spent, basic + project) when both can be formed.
    pub spending_identity: Option<(Decimal, Decimal)>,
}

impl Totals {
    pub fn compute(report: &Report, scheme: &Scheme, findings: &[Finding]) -> Totals {
        let sheet = report.score_sheet.as_ref();
        let funds = sheet.and_then(|s| s.funds.as_ref());
        let funds_score = funds.and_then(|f| f.score.value());
        let funds_weight = funds.and_then(|f| f.weight.value());
        let groups: Vec<GroupTotal> = sheet
            .map(|s| {
                s.groups
                    .iter()
                    .enumerate()
                    .map(|(i, g)| GroupTotal {
                        name: g
                            .name
                            .clone()
                            .filter(|n| !n.trim().is_empty())
                            .unwrap_or_else(|| format!("第 {} 组", i + 1)),
                        stated_weight: g.weight.value(),
                        weight: sum_filled(g.indicators.iter().map(|i| i.weight))
                            .unwrap_or_default(),
                        score: sum_filled(g.indicators.iter().map(|i| i.score)).unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let score = (funds_score.unwrap_or_default()
            + groups.iter().map(|g| g.score).sum::<Decimal>())
        .normalize();
        let weight = (funds_weight.unwrap_or_default()
            + groups.iter().map(|g| g.weight).sum::<Decimal>())
        .normalize();
        // A sheet with no score filled in (or no sheet at all) has no grade yet: "差" would
        // be a verdict on figures nobody has written.
        let scored = funds_score.is_some()
            || sheet.is_some_and(|s| {
                s.groups
                    .iter()
                    .any(|g| g.indicators.iter().any(|i| i.score.is_filled()))
            });
        let spending_identity = report.budget.as_ref().and_then(|b| {
            let basic = b
                .basic
                .value()
                .or_else(|| Some(b.personnel.value()? + b.public.value()?));
            Some((b.spent.value()?, basic? + b.project.value()?))
        });
        Totals {
            score,
            weight,
            grade: if scored {
                scheme.grade(score).to_owned()
            } else {
                NO_GRADE.to_owned()
            },
            funds_score,
            funds_weight,
            groups,
            counts: Counts::of(findings),
            spending_identity,
        }
    }
}
