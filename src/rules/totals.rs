//! The running total: score, weight, grade, group subtotals and the section 二 identity.

use crate::finding::{Counts, Finding};
use crate::model::{Cell, Indicator, Report, is_blank_text, sum_filled};
use crate::scheme::Scheme;
use rust_decimal::Decimal;

pub use crate::scheme::NO_GRADE;

/// The grade shown until the sheet is complete (`Totals::complete`), empty or absent sheet
/// included: REVIEW.md's "—（未完） everywhere".
pub const INCOMPLETE_GRADE: &str = "—（未完）";

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
    /// The scheme's grade for the score; `INCOMPLETE_GRADE` until the sheet is complete
    /// (an empty or absent sheet too, REVIEW.md).
    pub grade: String,
    /// Whether any score is written (年度资金总额's or an indicator's): the review leaves
    /// the score and weight empty while none is.
    pub scored: bool,
    /// Whether the sheet's groups and weights are all there (`is_complete`): only then is
    /// the score graded.
    pub complete: bool,
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
        // be a verdict on figures nobody has written. It is unfinished, like a half-scored one.
        let scored = funds_score.is_some()
            || sheet.is_some_and(|s| {
                s.groups
                    .iter()
                    .any(|g| g.indicators.iter().any(|i| i.score.is_filled()))
            });
        let spending_identity = report
            .budget
            .as_ref()
            .and_then(|b| Some((b.spent.value()?, b.basic_or_parts()? + b.project.value()?)));
        let complete = is_complete(report, scheme);
        let grade = if complete {
            scheme.grade(score)
        } else {
            INCOMPLETE_GRADE
        };
        Totals {
            score,
            weight,
            grade: grade.to_owned(),
            scored,
            complete,
            funds_score,
            funds_weight,
            groups,
            counts: Counts::of(findings),
            spending_identity,
        }
    }
}

/// Whether the score sheet is complete enough to be graded: its groups and weights are all
/// there. A sheet is complete when
///
/// 1. 年度资金总额 (`score_sheet.funds`) states its 分值 and its 得分;
/// 2. every 一级指标 the scheme prescribes is present (by name or alias, `产出指标（40分）`
///    too) with its 分值 stated, and at least one of its rows states a 分值;
/// 3. no row of the sheet is half filled: a row with anything written in it (三级指标,
///    指标值, 完成值, 偏差原因, 分值 or 得分; the 二级指标 alone does not count, the
///    template writes it) has its 分值 and 得分 both written, as a figure or `/`.
///
/// Whether the weights add up is not asked here: that is C07 and C09's arithmetic, and the
/// seed (97 of 100 points, RULES.md) is complete and graded 优 while C09 reports it. A group
/// the scheme does not know does not stop the grade (C08 reports it); its rows follow 3.
pub fn is_complete(report: &Report, scheme: &Scheme) -> bool {
    let Some(sheet) = report.score_sheet.as_ref() else {
        return false;
    };
    let funds_done = sheet
        .funds
        .as_ref()
        .is_some_and(|f| f.weight.is_filled() && f.score.is_filled());
    let groups_present = scheme.groups.iter().all(|rule| {
        sheet.groups.iter().any(|g| {
            g.name.as_deref().is_some_and(|n| rule.matches(n))
                && g.weight.is_filled()
                && g.indicators.iter().any(|i| i.weight.is_filled())
        })
    });
    let rows_whole = sheet
        .groups
        .iter()
        .flat_map(|g| &g.indicators)
        .all(|i| !in_use(i) || (!blank(&i.weight) && !blank(&i.score)));
    funds_done && groups_present && rows_whole
}

fn blank<T>(cell: &Cell<T>) -> bool {
    matches!(cell, Cell::Blank)
}

/// Whether anything is written in a row besides its 二级指标.
pub(crate) fn in_use(i: &Indicator) -> bool {
    let written = |t: &Option<String>| !is_blank_text(t);
    written(&i.name)
        || written(&i.target)
        || written(&i.actual)
        || written(&i.deviation)
        || !blank(&i.weight)
        || !blank(&i.score)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::{self, SchemeSet};

    const SEED: &str = include_str!("../../examples/lusong-emergency-2023.toml");

    fn totals(text: &str) -> Totals {
        let schemes = SchemeSet::builtin();
        let loaded = match scheme::load_str(text, &schemes) {
            Ok(l) => l,
            Err(f) => panic!("test report did not load: {:?}", f.findings),
        };
        let scheme = schemes.get("hunan-department").unwrap();
        crate::rules::analyze(&loaded, scheme).1
    }

    #[test]
    fn the_seed_is_complete_and_graded() {
        let t = totals(SEED);
        assert!(t.complete);
        assert_eq!(
            (t.score.to_string(), t.weight.to_string()),
            ("94".into(), "97".into())
        );
        assert_eq!(t.grade, "优");
    }

    #[test]
    fn a_sheet_with_30_of_100_points_is_not_graded() {
        // 年度资金总额 10 points and two rows of 产出指标; 效益、满意度、成本 not there yet.
        let sheet = "[score_sheet]\n[score_sheet.funds]\nweight = 10\nscore = 10\n\n\
            [[score_sheet.groups]]\nname = \"产出指标\"\nweight = 40\n\n\
            [[score_sheet.groups.indicators]]\nname = \"a\"\nweight = 10\nscore = 10\n\n\
            [[score_sheet.groups.indicators]]\nname = \"b\"\nweight = 10\nscore = 2\n";
        let head = crate::rules::testing::HEAD;
        let t = totals(&format!("{head}{sheet}"));
        assert_eq!(t.weight.to_string(), "30");
        assert_eq!(t.score.to_string(), "22");
        assert!(!t.complete);
        assert_eq!(t.grade, "—（未完）");
        assert!(t.scored);
        // Nothing scored at all (no sheet): unfinished too, as REVIEW.md says "everywhere".
        let t = totals(head);
        assert!(!t.complete);
        assert!(!t.scored);
        assert_eq!(t.grade, INCOMPLETE_GRADE);
        // An empty sheet likewise.
        let t = totals(&format!("{head}[score_sheet]\n"));
        assert!(!t.scored);
        assert_eq!(t.grade, INCOMPLETE_GRADE);
    }

    #[test]
    fn a_missing_group_makes_the_sheet_incomplete() {
        // 成本指标 removed: 76 of 77 points, graded 中 if a sum were all that counted.
        let text = &SEED[..SEED
            .find("# 绩效指标 — 成本指标")
            .expect("the seed's last group")];
        let t = totals(text);
        assert!(!t.complete);
        assert_eq!(t.grade, INCOMPLETE_GRADE);
        // A group present but with no weight stated.
        let text = SEED.replacen(
            "name = \"满意度指标\"\nweight = 10",
            "name = \"满意度指标\"",
            1,
        );
        assert_ne!(text, SEED);
        assert!(!totals(&text).complete);
        // An alias with the points in its name still counts.
        let text = SEED.replacen("name = \"满意度指标\"", "name = \"满意度（10分）\"", 1);
        assert_ne!(text, SEED, "the alias is in the text checked");
        assert!(totals(&text).complete);
    }

    #[test]
    fn the_funds_row_needs_its_weight_and_score() {
        let t = totals(&SEED.replacen("score = 9            # 得分", "score = \"\"", 1));
        assert!(!t.complete);
        assert_eq!(t.grade, INCOMPLETE_GRADE);
    }

    #[test]
    fn a_half_filled_row_makes_the_sheet_incomplete_an_unused_one_does_not() {
        let extra = |row: &str| {
            SEED.replacen(
                "[[score_sheet.groups]]\nname = \"满意度指标\"",
                &format!("{row}\n[[score_sheet.groups]]\nname = \"满意度指标\""),
                1,
            )
        };
        // A row named and weighted but not scored yet.
        let t = totals(&extra(
            "[[score_sheet.groups.indicators]]\nname = \"新指标\"\nweight = 2\n",
        ));
        assert!(!t.complete);
        assert_eq!(t.grade, INCOMPLETE_GRADE);
        // A template row with only its 二级指标: nothing written, not in the way.
        let t = totals(&extra(
            "[[score_sheet.groups.indicators]]\ncategory = \"生态效益指标\"\nname = \"\"\nweight = \"\"\nscore = \"\"\n",
        ));
        assert!(t.complete);
        assert_eq!(t.grade, "优");
        // A row marked not applicable (`/`) is written.
        let t = totals(&extra(
            "[[score_sheet.groups.indicators]]\nname = \"/\"\nweight = \"/\"\nscore = \"/\"\n",
        ));
        assert!(t.complete);
    }
}
