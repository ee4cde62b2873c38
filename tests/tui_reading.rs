//! The workbench as a reviewer reads it: the side panel, the current finding and its
//! counter, the full-screen explanation, a cell's whole text in `view`, and the help there.

mod common;

use common::*;
use crossterm::event::KeyCode;
use jixiao::tui::app::{App, Mode};
use jixiao::tui::form::RowKind;
use jixiao::tui::view;

/// The screen's text without blanks, borders and line ends: a wrapped text reads whole.
fn flat(screen: &str) -> String {
    screen
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '│')
        .collect()
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_side_panel_is_a_third_of_a_wide_terminal_and_shows_f02_whole() {
    assert!(view::panel_width(200) >= 60);
    assert_eq!(view::panel_width(80), 0);
    assert!(view::panel_width(120) >= 38);
    let mut app = open(SEED, false);
    let f02 = app
        .findings
        .iter()
        .find(|f| f.rule == "F02")
        .expect("the seed has F02")
        .message
        .clone();
    // The panel is the right third: F02's message reads whole there, its lines wrapped.
    let panel = screen_from(&mut app, 200, 60, 200 - view::panel_width(200));
    assert!(panel.lines().nth(2).unwrap().starts_with('┌'), "{panel}");
    assert!(flat(&panel).contains(&squeeze(&f02)), "{panel}");
}

#[test]
fn the_current_finding_is_counted_and_named_at_80x24() {
    let mut app = open(SEED, false);
    let n = app.findings.len();
    let first = app.findings[0].clone();
    let shown = screen(&mut app, 80, 24);
    let summary = shown.lines().nth(22).unwrap();
    assert!(summary.contains(&format!("1/{n}")), "{summary}");
    assert!(summary.contains(first.rule), "{summary}");
    assert!(summary.contains(&first.message[..6]), "{summary}");
    // n walks to the first finding, n again to the second: the counter follows.
    keys(&mut app, "nn");
    let shown = screen(&mut app, 80, 24);
    let second = &app.findings[1];
    assert!(
        shown.lines().nth(22).unwrap().contains(&format!(
            "2/{n} {} {}",
            second.severity.symbol(),
            second.rule
        )),
        "{shown}"
    );
    let shown = screen(&mut app, 120, 40);
    assert!(shown.contains(&format!("问题 2/{n}")), "{shown}");
}

#[test]
fn i_in_the_findings_list_opens_the_explanation_and_esc_returns_to_the_list() {
    let mut app = open(SEED, false);
    keys(&mut app, "f");
    assert!(matches!(app.mode, Mode::Findings));
    press(&mut app, KeyCode::Down);
    let rule = app.findings[1].rule;
    keys(&mut app, "i");
    match &app.mode {
        Mode::Explain {
            rule: r, example, ..
        } => {
            assert_eq!(*r, rule);
            assert!(
                example
                    .as_deref()
                    .unwrap()
                    .contains(&app.findings[1].message)
            );
        }
        _ => panic!("no explanation"),
    }
    let shown = screen(&mut app, 120, 40);
    for heading in ["【保护什么】", "【公式】", "【怎样改】", "【例】"] {
        assert!(shown.contains(heading), "{heading}: {shown}");
    }
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.mode, Mode::Findings));
    assert_eq!(app.selected_finding, 1);
}

#[test]
fn c03s_explanation_shows_its_formula_whole_at_every_size() {
    let formula = jixiao::rules::catalog::find("C03").unwrap().formula;
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let mut app = open(SEED, false);
        assert!(app.explain("C03"));
        let shown = screen(&mut app, w, h);
        assert!(flat(&shown).contains(&squeeze(formula)), "{w}x{h}: {shown}");
        assert!(shown.contains("C03 执行率计算错误"));
    }
}

#[test]
fn a_long_explanation_scrolls_to_its_end_and_no_further() {
    let mut app = open(SEED, false);
    assert!(app.explain("F02"));
    screen(&mut app, 40, 12);
    for _ in 0..100 {
        press(&mut app, KeyCode::Down);
    }
    let Mode::Explain { scroll, .. } = app.mode else {
        panic!("closed by scrolling");
    };
    assert_eq!(scroll, app.help_bottom);
    assert!(scroll > 0);
    let fix = jixiao::rules::catalog::find("F02").unwrap().fix;
    let shown = screen(&mut app, 40, 12);
    let tail: String = squeeze(fix)
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert!(flat(&shown).contains(&tail), "{shown}");
}

#[test]
fn enter_in_view_shows_a_cells_whole_text_read_only() {
    let mut app = open(SEED, true);
    goto(&mut app, "performance.special_funds[0].description");
    let before = app.text();
    press(&mut app, KeyCode::Enter);
    let Mode::FullText { text, .. } = &app.mode else {
        panic!("Enter in view did not open the text");
    };
    let whole = text.clone();
    assert!(whole.chars().count() > 60, "{whole}");
    // Scrolled to the end, the text's last characters are on screen; nothing was changed.
    screen(&mut app, 80, 24);
    press(&mut app, KeyCode::End);
    let shown = screen(&mut app, 80, 24);
    let tail: String = squeeze(&whole)
        .chars()
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert!(flat(&shown).contains(&tail), "{shown}");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.mode, Mode::Normal));
    // Another key closes the page and acts on the form: n goes to the first finding.
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "n");
    assert!(matches!(app.mode, Mode::Normal));
    assert!(said(&app).contains(app.findings[0].rule), "{}", said(&app));
    assert_eq!(app.text(), before);
    assert!(!app.dirty());
}

#[test]
fn help_in_view_lists_only_what_works_there() {
    let mut app = open(SEED, true);
    keys(&mut app, "?");
    let shown = screen(&mut app, 80, 60);
    for absent in [
        "新增一行",
        "删除当前行",
        "撤销",
        "Ctrl-S",
        "上移",
        "编辑框内",
        ":w",
    ] {
        assert!(!shown.contains(absent), "{absent} in view's help: {shown}");
    }
    for present in ["查看当前格的全文", "问题列表", "导出", "退出"] {
        assert!(shown.contains(present), "{present}: {shown}");
    }
    // The editing help still lists them.
    let mut app = open(SEED, false);
    keys(&mut app, "?");
    let shown = screen(&mut app, 80, 60);
    assert!(shown.contains("删除当前行") && shown.contains("编辑框内"));
}

fn total_after(app: &App, heading: &str) -> Vec<String> {
    let start = app
        .rows
        .iter()
        .position(|r| r.label == heading)
        .unwrap_or_else(|| panic!("no {heading}"));
    app.rows[start..]
        .iter()
        .find_map(|r| match &r.kind {
            RowKind::Total { values } => Some(values.clone()),
            _ => None,
        })
        .expect("a 合计 row")
}

#[test]
fn the_project_and_fund_tables_end_in_a_total_that_follows_edits() {
    let mut app = open(SEED, false);
    keys(&mut app, "3");
    // 16.1 + 3.98 + 39.83 + 36.5
    assert_eq!(
        total_after(&app, "二（二）项目支出情况（万元）")[1],
        "96.41"
    );
    let funds = total_after(&app, "六（二）专项资金（万元）");
    assert_eq!(funds[1..], ["38.69", "300.72", "96.41", "0"]);
    let total = app
        .rows
        .iter()
        .find(|r| matches!(r.kind, RowKind::Total { .. }))
        .unwrap();
    assert_eq!(total.computed, Some(("= 项目支出 96.41 ✓".into(), true)));
    // The cursor never rests on a 合计 line.
    for _ in 0..40 {
        press(&mut app, KeyCode::Down);
        let row = &app.rows[app.cursor[2].0];
        assert!(!matches!(row.kind, RowKind::Total { .. }));
    }
    set(&mut app, "budget.projects[0].amount", "20");
    assert_eq!(
        total_after(&app, "二（二）项目支出情况（万元）")[1],
        "100.31"
    );
    let total = app
        .rows
        .iter()
        .find(|r| matches!(r.kind, RowKind::Total { .. }))
        .unwrap();
    assert_eq!(total.computed, Some(("≠ 项目支出 96.41 ✗".into(), false)));
}

#[test]
fn slash_finds_labels_and_values_across_the_tabs() {
    let mut app = open(SEED, false);
    keys(&mut app, "/");
    assert!(matches!(app.mode, Mode::Search { .. }));
    // A value on tab 3 (a special fund's name), from tab 1.
    keys(&mut app, "安全监管");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab.index(), 2, "{}", said(&app));
    let (row, col) = app.cursor[2];
    assert_eq!(
        app.rows[row].cells[col].path.to_string(),
        "performance.special_funds[0].name"
    );
    let Mode::Search { found, .. } = &app.mode else {
        panic!("the search closed");
    };
    let (k, n) = found.expect("found");
    assert_eq!(k, 1);
    assert!(n >= 1);
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains(&format!("第 1/{n} 处")), "{shown}");
    // A label: 执行率 is on tab 4's 年度资金总额 … and on tab 2.
    let mut app = open(SEED, false);
    keys(&mut app, "/执行率");
    press(&mut app, KeyCode::Enter);
    let first = (app.tab, app.cursor[app.tab.index()]);
    assert!(app.rows[first.1.0].label.contains("执行率"));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Up);
    assert_eq!((app.tab, app.cursor[app.tab.index()]), first, "↑ goes back");
    // Esc closes and leaves the cursor where it is; nothing found says so.
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.mode, Mode::Normal));
    assert_eq!((app.tab, app.cursor[app.tab.index()]), first);
    keys(&mut app, "/没有这个词");
    press(&mut app, KeyCode::Enter);
    assert!(said(&app).contains("没有找到"), "{}", said(&app));
    assert_eq!((app.tab, app.cursor[app.tab.index()]), first);
}

#[test]
fn slash_finds_a_section_heading_and_lands_on_its_first_row() {
    // 年度总体目标 is only a heading (on tab 4); its rows are 预期目标 and 实际完成情况.
    let mut app = open(SEED, false);
    keys(&mut app, "/年度总体目标");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab.index(), 3, "{}", said(&app));
    let (row, col) = app.cursor[3];
    assert_eq!(
        app.rows[row].cells[col].path.to_string(),
        "score_sheet.goal.expected"
    );
    // A table's column title counts too: 偏差原因 leads to the first indicator row.
    let mut app = open(SEED, false);
    keys(&mut app, "/偏差原因");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab.index(), 3, "{}", said(&app));
    let (row, _) = app.cursor[3];
    assert!(
        app.rows[row].cells[0]
            .path
            .to_string()
            .starts_with("score_sheet.groups[0]")
    );
}

#[test]
fn i_on_a_marked_cell_explains_its_finding_and_esc_returns_to_the_form() {
    let mut app = open(SEED, false);
    goto(&mut app, "score_sheet.funds.score");
    keys(&mut app, "i");
    let Mode::Explain {
        rule, from_list, ..
    } = &app.mode
    else {
        panic!("no explanation");
    };
    assert_eq!(*rule, "C04");
    assert!(!from_list);
    let n = app.findings.len();
    let k = app.selected_finding + 1;
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.mode, Mode::Normal));
    // The finding explained is now the current one.
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains(&format!("{k}/{n} ▲ C04")), "{shown}");
}

#[test]
fn an_explanation_by_id_takes_its_example_from_the_report_or_the_bundled_one() {
    // F02 fires in this report: its own finding is the example.
    let mut app = open(SEED, false);
    assert!(app.explain("F02"));
    let Mode::Explain { example, .. } = &app.mode else {
        panic!()
    };
    assert!(example.as_deref().unwrap().starts_with("本报告：安全监管"));
    // Fixed in this report, F02 still has the bundled example's.
    let fixed = SEED.replace("adjustment = 270.08", "adjustment = 27.08");
    let mut app = open(&fixed, false);
    assert!(app.explain("F02"));
    let Mode::Explain { example, .. } = &app.mode else {
        panic!()
    };
    let example = example.as_deref().unwrap();
    assert!(
        example.starts_with("示例报告（内置）：安全监管"),
        "{example}"
    );
    let shown = screen(&mut app, 120, 40);
    assert!(shown.contains("【例】"), "{shown}");
}

#[test]
fn the_current_finding_stays_in_view_when_findings_wrap() {
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let mut app = open(SEED, false);
        keys(&mut app, "f");
        screen(&mut app, w, h);
        press(&mut app, KeyCode::End);
        let last = app.findings.last().unwrap().clone();
        let left = if w < 100 { 2 } else { w - view::panel_width(w) };
        let shown = screen_from(&mut app, w, h, left);
        assert!(
            flat(&shown).contains(&squeeze(&format!("{} {}", last.rule, last.message))),
            "{w}x{h}: {shown}"
        );
        let n = app.findings.len();
        assert!(shown.contains(&format!("问题 {n}/{n}")), "{shown}");
        // Back to the first: in view again.
        press(&mut app, KeyCode::Home);
        let shown = screen_from(&mut app, w, h, left);
        let first = &app.findings[0];
        assert!(
            flat(&shown).contains(&squeeze(&format!("{} {}", first.rule, first.message))),
            "{w}x{h}: {shown}"
        );
    }
}

#[test]
fn c03s_explanation_shows_its_formula_and_its_written_example_on_one_screen() {
    // The bundled example does not trigger C03; the catalogue's example stands in, whole and
    // without scrolling, at the smallest size as at a reviewer's.
    let rule = jixiao::rules::catalog::find("C03").unwrap();
    assert!(rule.example.contains("320.25") && rule.example.contains("99.99%"));
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = open(SEED, false);
        assert!(app.explain("C03"));
        let shown = screen(&mut app, w, h);
        assert_eq!(app.help_bottom, 0, "{w}x{h} scrolls: {shown}");
        let flat = flat(&shown);
        assert!(flat.contains(&squeeze(rule.formula)), "{w}x{h}: {shown}");
        assert!(flat.contains("【例】"), "{w}x{h}: {shown}");
        assert!(flat.contains(&squeeze(rule.example)), "{w}x{h}: {shown}");
    }
}

#[test]
fn an_explanation_shows_the_reports_own_finding_else_the_written_example() {
    let rule = jixiao::rules::catalog::find("F02").unwrap();
    let mut app = open(SEED, false);
    assert!(app.explain("F02"));
    let shown = flat(&screen(&mut app, 120, 40));
    assert!(shown.contains("【例】本报告：安全监管"), "{shown}");
    assert!(!shown.contains(&squeeze(rule.example)), "{shown}");
    // Fixed in this report: the written example, not the bundled report's finding.
    let fixed = SEED.replace("adjustment = 270.08", "adjustment = 27.08");
    let mut app = open(&fixed, false);
    assert!(app.explain("F02"));
    let shown = flat(&screen(&mut app, 120, 40));
    assert!(
        shown.contains(&format!("【例】{}", squeeze(rule.example))),
        "{shown}"
    );
    assert!(!shown.contains("示例报告（内置）"), "{shown}");
}
