//! The same report written in a very different layout loads to the same thing and gives the
//! same findings; a file holding only one part of a report raises no false alarms.

mod e2e;

use e2e::*;
use jixiao::scheme::{self, SchemeSet};
use serde_json::Value;

/// The seed transcribed by hand into another layout: 附件 before 正文, tables in reverse
/// order, inline tables and dotted keys where the seed has sections, amounts quoted, super
/// tables after their sub-tables, keys shuffled inside tables, comments everywhere.
const OTHER_LAYOUT: &str = "tests/fixtures/lusong-other-layout.toml";

/// (rule, severity, path) of every finding, sorted, and the totals, from `check --format json`.
fn outcome(path: &std::path::Path) -> (i32, Vec<(String, String, String)>, Value) {
    let run = run([
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        path.as_os_str(),
    ]);
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    let file = &value[0];
    let mut findings: Vec<(String, String, String)> = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
                f["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    findings.sort();
    (run.code, findings, file["totals"].clone())
}

#[test]
fn the_fixture_really_is_laid_out_differently() {
    let text = std::fs::read_to_string(crate_file(OTHER_LAYOUT)).unwrap();
    for sign in [
        "report = {",                // inline cover
        "closing.problems = ",       // dotted keys at the top
        "indicators = [",            // rows as inline tables
        "projects = [",              //
        "project_lines = [",         //
        "staff = {",                 // inline sub-table
        "other.government_fund",     // dotted keys in a section
        "initial = \"241.75\"",      // quoted amounts
        "[basic_data.costs.public]", // a section where the seed has an inline table
        "control_rate = 71.4 ",      // a rate as a bare number
        "target = '''",              // literal strings
        "weight = 10.0e0",           // another spelling of 10
    ] {
        assert!(text.contains(sign), "{sign}");
    }
    // Super-tables after their sub-tables; 附件3 before 正文.
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("[score_sheet.goal]") < at("[score_sheet]\n"));
    assert!(at("[basic_data.costs.project]") < at("[basic_data.costs]\n"));
    assert!(at("[basic_data.costs]\n") < at("[basic_data]\n"));
    assert!(at("[[performance.special_funds]]") < at("[performance]\n"));
    assert!(at("[[score_sheet.groups]]") < at("[budget]\n"));
    assert!(text.lines().filter(|l| l.contains('#')).count() > 40);
}

#[test]
fn another_layout_loads_to_the_same_report() {
    let schemes = SchemeSet::builtin();
    let seed = scheme::load(seed_text().as_bytes(), &schemes).unwrap();
    let other = scheme::load(&std::fs::read(crate_file(OTHER_LAYOUT)).unwrap(), &schemes).unwrap();
    assert!(other.notes.is_empty(), "{:?}", other.notes);
    // Section by section, so that a difference is easy to read.
    let (a, b) = (&seed.report, &other.report);
    assert_eq!(a.report, b.report);
    assert_eq!(a.basic, b.basic);
    assert_eq!(a.budget, b.budget);
    assert_eq!(a.performance, b.performance);
    assert_eq!(a.closing, b.closing);
    assert_eq!(a.basic_data, b.basic_data);
    assert_eq!(a.score_sheet, b.score_sheet);
    assert_eq!(a, b);
}

#[test]
fn another_layout_gives_the_same_findings_and_totals() {
    let (seed_code, seed_findings, seed_totals) = outcome(&crate_file(SEED));
    let (code, findings, totals) = outcome(&crate_file(OTHER_LAYOUT));
    assert_eq!(code, seed_code);
    assert_eq!(findings, seed_findings);
    assert_eq!(totals, seed_totals);
    assert_eq!(totals["score"], "94");
    assert_eq!(totals["weight"], "97");
    assert_eq!(totals["grade"], "优");
}

#[test]
fn windows_line_endings_and_a_byte_order_mark_change_nothing() {
    let text = std::fs::read_to_string(crate_file(OTHER_LAYOUT)).unwrap();
    let windows = format!("\u{feff}{}", text.replace('\n', "\r\n"));
    let (_dir, path) = scratch("windows.toml", &windows);
    let (_, seed_findings, seed_totals) = outcome(&crate_file(SEED));
    let (code, findings, totals) = outcome(&path);
    assert_eq!(code, 1);
    assert_eq!(findings, seed_findings);
    assert_eq!(totals, seed_totals);
    // Lines and columns still count from the visible text (no BOM, no CR).
    let run = run(["check".as_ref(), path.as_os_str()]);
    let f01 = finding_lines(&run.stdout, &path.display().to_string())
        .into_iter()
        .find(|f| f.3 == "F01")
        .unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("special_fund_count"))
        .unwrap();
    assert_eq!((f01.0, f01.1), (line + 1, 1));
    assert!(!run.stdout.contains('\r'));
}

/// The part of the seed from the line starting with `from` up to the line starting with `to`.
fn seed_part(from: &str, to: &str) -> String {
    let text = seed_text();
    let start = text.find(from).unwrap();
    let end = text[start..].find(to).map_or(text.len(), |e| start + e);
    text[start..end].to_owned()
}

#[test]
fn only_attachment_2_raises_only_its_own_blank_rows() {
    let text = format!("{HEAD}\n{}", seed_part("# 附件2", "# 附件3"));
    assert!(text.contains("[basic_data.costs]") && !text.contains("[budget]"));
    let (_dir, path) = scratch("attachment2.toml", &text);
    let (code, findings, totals) = outcome(&path);
    assert_eq!(code, 0);
    // D05 is about 附件2 itself: the form leaves every 三公经费 row blank, and the rule asks
    // for 0 where nothing was spent. Everything that compares 附件2 with the body (D01, D02,
    // S02, F03) has nothing to compare with and stays silent; S03 holds (10 ÷ 14 = 71.4%) and
    // D04 holds (项目支出 = 1、业务工作经费 in every column).
    assert_eq!(
        findings,
        [(
            "D05".to_owned(),
            "info".to_owned(),
            "basic_data.costs.three_public".to_owned()
        )]
    );
    // Nothing is scored: no grade is claimed (JSON's grade is null while there is none).
    assert_eq!(totals["score"], "0");
    assert_eq!(totals["weight"], "0");
    assert_eq!(totals["grade"], serde_json::Value::Null);
    assert_eq!(totals["complete"], false);
}

#[test]
fn only_section_2_raises_nothing() {
    let text = format!("{HEAD}\n{}", seed_part("# 二、", "# 六、"));
    assert!(text.contains("[[budget.projects]]") && !text.contains("[performance]"));
    let (_dir, path) = scratch("section2.toml", &text);
    let (code, findings, totals) = outcome(&path);
    assert_eq!(code, 0);
    // B01 320.25 = 223.84 + 96.41; B02 223.84 = 203.18 + 20.66; B03 96.41 = 16.1 + 3.98 +
    // 39.83 + 36.5; B04 spent = income. No other section is present to compare with.
    assert_eq!(findings, Vec::<(String, String, String)>::new());
    assert_eq!(totals["grade"], serde_json::Value::Null);
    assert_eq!(totals["complete"], false);
    let run = run(["check".as_ref(), path.as_os_str()]);
    assert_eq!(
        run.stdout,
        "总分 0 / 权重 0 · —（未完） · 0 个错误，0 个警告，0 条提示\n"
    );
}
