//! The seed report, checked: exactly the findings RULES.md lists, and the totals 94 / 97 / 优.

use jixiao::check::{Outcome, check_file};
use jixiao::scheme::SchemeSet;
use std::path::Path;

fn seed() -> (Vec<(String, String, String)>, jixiao::rules::Totals) {
    let report = check_file(
        Path::new("examples/lusong-emergency-2023.toml"),
        &SchemeSet::builtin(),
    );
    match report.outcome {
        Outcome::Checked {
            findings, totals, ..
        } => (
            findings
                .into_iter()
                .map(|f| {
                    (
                        f.rule.to_owned(),
                        f.severity.to_string(),
                        f.path.to_string(),
                    )
                })
                .collect(),
            *totals,
        ),
        other => panic!("the seed did not load: {other:?}"),
    }
}

#[test]
fn the_seed_gives_exactly_the_listed_findings() {
    let (findings, _) = seed();
    let mut got: Vec<(&str, &str, &str)> = findings
        .iter()
        .map(|(r, s, p)| (r.as_str(), s.as_str(), p.as_str()))
        .collect();
    got.sort();
    let mut expected = vec![
        ("F01", "warning", "performance.special_fund_count"),
        ("F02", "error", "performance.special_funds[0]"), // 安全监管
        ("F05", "info", "performance.special_funds[2]"),  // 农村住房巨灾保险
        ("F05", "info", "performance.special_funds[3]"),  // 森林防灭火专项
        ("D02", "warning", "basic_data.costs.public.final"),
        ("D05", "info", "basic_data.costs.three_public"),
        ("C07", "error", "score_sheet.groups[0]"), // 产出指标 30 vs 40
        ("C07", "error", "score_sheet.groups[1]"), // 效益指标 28 vs 20
        ("C07", "error", "score_sheet.groups[2]"), // 满意度指标 9 vs 10
        ("C09", "error", "score_sheet.total_weight"),
        ("C12", "warning", "score_sheet.groups[1].indicators[0]"), // 经济效益指标
        (
            "C13",
            "warning",
            "score_sheet.groups[3].indicators[0].deviation",
        ), // 经济成本指标
        (
            "C14",
            "warning",
            "score_sheet.groups[2].indicators[0].actual",
        ), // 满意度 ≥90%
        ("C15", "info", "score_sheet.groups[1].indicators[1].actual"), // 社会效益指标
        ("C15", "info", "score_sheet.groups[1].indicators[3].actual"), // 可持续影响指标
        ("C15", "info", "score_sheet.goal.actual"),
        ("C16", "info", "score_sheet.groups[1].indicators[1].target"),
        ("C16", "info", "score_sheet.groups[1].indicators[3].target"),
        ("C04", "warning", "score_sheet.funds.score"),
        ("N01", "warning", "closing.problems"),
        ("N02", "warning", "closing.improvements"),
    ];
    expected.sort();
    assert_eq!(got, expected);
}

#[test]
fn the_seed_totals_are_94_of_97_and_excellent() {
    let (findings, totals) = seed();
    assert_eq!(totals.score.to_string(), "94");
    assert_eq!(totals.weight.to_string(), "97");
    assert_eq!(totals.grade, "优");
    let errors = findings.iter().filter(|f| f.1 == "error").count();
    let warnings = findings.iter().filter(|f| f.1 == "warning").count();
    let infos = findings.iter().filter(|f| f.1 == "info").count();
    assert_eq!((errors, warnings, infos), (5, 8, 8));
}

#[test]
fn the_messages_name_both_figures() {
    let report = check_file(
        Path::new("examples/lusong-emergency-2023.toml"),
        &SchemeSet::builtin(),
    );
    let Outcome::Checked { findings, .. } = report.outcome else {
        panic!()
    };
    let message = |rule: &str| {
        findings
            .iter()
            .find(|f| f.rule == rule)
            .unwrap()
            .message
            .clone()
    };
    assert_eq!(
        message("D02"),
        "附件2 公用经费 20.67 ≠ 正文 公用经费 20.66（差 0.01）"
    );
    assert!(
        message("F02").contains("29.50 + 调整 270.08"),
        "{}",
        message("F02")
    );
    assert!(
        message("C04").contains("320.25 ÷ 320.28 × 10) = 10.00"),
        "{}",
        message("C04")
    );
    assert!(message("C09").contains("= 97"), "{}", message("C09"));
}

#[test]
fn the_corrected_example_has_no_error_or_warning() {
    let report = check_file(
        Path::new("examples/lusong-emergency-2023-corrected.toml"),
        &SchemeSet::builtin(),
    );
    let Outcome::Checked { findings, .. } = report.outcome else {
        panic!("did not load")
    };
    let serious: Vec<_> = findings
        .iter()
        .filter(|f| f.severity != jixiao::finding::Severity::Info)
        .map(|f| format!("{} {}", f.rule, f.message))
        .collect();
    assert!(serious.is_empty(), "{serious:#?}");
}
