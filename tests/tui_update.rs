//! The workbench driven by key actions, asserting on the model: no terminal involved.

mod common;

use common::*;
use crossterm::event::KeyCode;
use jixiao::tui::app::{Confirm, Mode};

#[test]
fn fixing_the_fund_makes_f02_vanish_at_once() {
    let mut app = open(SEED, false);
    assert!(rules(&app).contains(&"F02 performance.special_funds[0]".to_owned()));
    goto(&mut app, "performance.special_funds[0].spent");
    press(&mut app, KeyCode::Enter);
    clear_editor(&mut app);
    keys(&mut app, "299.58");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal));
    assert!(
        !rules(&app).iter().any(|r| r.starts_with("F02")),
        "{:?}",
        rules(&app)
    );
    assert!(app.dirty());
    assert!(app.text().contains("spent = 299.58"));
}

#[test]
fn changing_a_score_changes_the_total() {
    let mut app = open(SEED, false);
    assert_eq!(app.totals.score.to_string(), "94");
    goto(&mut app, "score_sheet.groups[3].indicators[0].score");
    press(&mut app, KeyCode::Enter);
    clear_editor(&mut app);
    keys(&mut app, "20");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.totals.score.to_string(), "96");
    assert!(!rules(&app).iter().any(|r| r.starts_with("C13")));
}

#[test]
fn adding_and_deleting_an_indicator_with_undo_for_each_step() {
    let mut app = open(SEED, false);
    let original = app.text();
    goto(&mut app, "score_sheet.groups[0].indicators[2].name");
    keys(&mut app, "a");
    let after_add = app.text();
    assert_ne!(after_add, original);
    assert_eq!(
        app.report.score_sheet.as_ref().unwrap().groups[0]
            .indicators
            .len(),
        4
    );
    // the cursor sits on the new row: delete it again
    keys(&mut app, "d");
    assert_eq!(
        app.report.score_sheet.as_ref().unwrap().groups[0]
            .indicators
            .len(),
        3
    );
    assert_eq!(app.text(), original);
    keys(&mut app, "u");
    assert_eq!(app.text(), after_add);
    keys(&mut app, "u");
    assert_eq!(app.text(), original);
    ctrl(&mut app, 'r');
    assert_eq!(app.text(), after_add);
}

#[test]
fn rows_move_and_lists_grow() {
    let mut app = open(SEED, false);
    goto(&mut app, "performance.special_funds[1].name");
    keys(&mut app, "K");
    let funds = &app.report.performance.as_ref().unwrap().special_funds;
    assert_eq!(funds[0].name.as_deref(), Some("疫情防控专项"));
    // a new function item opens its editor at once
    goto(&mut app, "basic.functions[17]");
    keys(&mut app, "a");
    assert!(matches!(app.mode, Mode::Editing(_)));
    keys(&mut app, "新职能");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.report.basic.as_ref().unwrap().functions[18], "新职能");
}

#[test]
fn an_amount_that_does_not_parse_is_not_committed() {
    let mut app = open(SEED, false);
    goto(&mut app, "budget.spent");
    press(&mut app, KeyCode::Enter);
    clear_editor(&mut app);
    keys(&mut app, "12..5");
    press(&mut app, KeyCode::Enter);
    let Mode::Editing(editor) = &app.mode else {
        panic!("the editor closed")
    };
    assert!(editor.error.is_some());
    assert!(!app.dirty());
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.mode, Mode::Confirm(Confirm::DiscardEdit(_))));
    keys(&mut app, "d");
    assert!(matches!(app.mode, Mode::Normal));
    assert!(!app.dirty());
}

#[test]
fn full_width_digits_are_accepted() {
    let mut app = open(SEED, false);
    goto(&mut app, "budget.initial");
    press(&mut app, KeyCode::Enter);
    clear_editor(&mut app);
    keys(&mut app, "２４１．７６");
    press(&mut app, KeyCode::Enter);
    assert!(app.text().contains("initial = 241.76"));
}

#[test]
fn esc_only_cancels_the_field_being_edited() {
    let mut app = open(SEED, false);
    goto(&mut app, "report.title");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "改");
    press(&mut app, KeyCode::Esc);
    assert!(!app.dirty());
    press(&mut app, KeyCode::Esc);
    assert!(!app.quit);
}

#[test]
fn pasting_goes_into_the_field() {
    let mut app = open(SEED, false);
    goto(&mut app, "closing.problems");
    press(&mut app, KeyCode::Enter);
    clear_editor(&mut app);
    app.update(jixiao::tui::app::Action::Paste(
        "一是预算编制不细。\n二是绩效目标不具体。\u{1b}[2J".into(),
    ));
    ctrl(&mut app, 's');
    let problems = problems_of(&app);
    assert!(
        problems.contains("一是预算编制不细。\n二是绩效目标不具体。"),
        "{problems}"
    );
    assert!(!problems.contains('\u{1b}'));
    assert!(!rules(&app).iter().any(|r| r.starts_with("N01")));
}

#[test]
fn quitting_with_changes_asks() {
    let mut app = open(SEED, false);
    goto(&mut app, "budget.initial");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "1");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "q");
    assert!(matches!(app.mode, Mode::Confirm(Confirm::Quit)));
    keys(&mut app, "c");
    assert!(!app.quit);
    keys(&mut app, "q");
    keys(&mut app, "d");
    assert!(app.quit);
}

#[test]
fn view_refuses_every_edit() {
    let mut app = open(SEED, true);
    let before = app.text();
    goto(&mut app, "budget.spent");
    // e (Enter) shows the cell's whole text, read-only: nothing to type into.
    keys(&mut app, "e");
    assert!(matches!(app.mode, Mode::FullText { .. }));
    press(&mut app, KeyCode::Esc);
    for k in ["a", "d", "K", "J", "u"] {
        keys(&mut app, k);
        let status = app.status.clone().expect("a message");
        assert!(status.text.contains("只读"), "{k}: {}", status.text);
    }
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    assert!(app.status.as_ref().unwrap().text.contains("只读"));
    assert_eq!(app.text(), before);
    keys(&mut app, "q");
    assert!(app.quit);
}

#[test]
fn n_walks_the_findings_and_jumps_to_their_fields() {
    let mut app = open(SEED, false);
    keys(&mut app, "n");
    let f = app.findings[app.selected_finding].clone();
    let t = app.tab.index();
    let (row, col) = app.cursor[t];
    let cell = &app.rows[row].cells[col];
    assert!(
        cell.path.starts_with(&f.path) || f.path.starts_with(&cell.path),
        "{} vs {}",
        cell.path,
        f.path
    );
    keys(&mut app, "n");
    keys(&mut app, "N");
    assert_eq!(app.selected_finding, 0);
    keys(&mut app, "N");
    assert_eq!(
        app.selected_finding,
        app.findings.len() - 1,
        "N wraps to the last"
    );
}

#[test]
fn saving_an_untitled_copy_asks_for_a_name() {
    let mut app = open(SEED, false);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("mine.toml");
    goto(&mut app, "budget.initial");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "1");
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    assert!(matches!(app.mode, Mode::SaveAs { .. }));
    keys(&mut app, &target.display().to_string());
    press(&mut app, KeyCode::Enter);
    assert!(!app.dirty());
    let saved = std::fs::read_to_string(&target).unwrap();
    assert_eq!(saved, app.text());
}

#[test]
fn a_save_that_fails_keeps_the_changes() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder").join("r.toml");
    let mut app = open(SEED, false);
    goto(&mut app, "budget.initial");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "1");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, ":");
    keys(&mut app, &format!("w {}", missing.display()));
    press(&mut app, KeyCode::Enter);
    assert!(app.status.as_ref().unwrap().error);
    assert!(app.dirty());
}

#[test]
fn exporting_from_the_workbench_asks_for_a_path() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("自评.xlsx");
    let mut app = open(SEED, true);
    keys(&mut app, "x");
    assert!(matches!(app.mode, Mode::Export { .. }));
    ctrl(&mut app, 'u');
    keys(&mut app, &dir.path().join("x.pdf").display().to_string());
    press(&mut app, KeyCode::Enter);
    assert!(
        app.status.as_ref().unwrap().error,
        "an unknown extension is refused"
    );
    ctrl(&mut app, 'u');
    keys(&mut app, &target.display().to_string());
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal));
    let bytes = std::fs::read(&target).unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip file");
    // a second export to the same name is refused, not overwritten
    keys(&mut app, "x");
    ctrl(&mut app, 'u');
    keys(&mut app, &target.display().to_string());
    press(&mut app, KeyCode::Enter);
    assert!(app.status.as_ref().unwrap().text.contains("已存在"));
    assert_eq!(std::fs::read(&target).unwrap(), bytes);
}

#[test]
fn control_characters_survive_an_edit_of_their_field() {
    let text = SEED.replace(
        "unit = \"株洲市芦淞区应急管理局\"",
        "unit = \"株洲市芦淞区\\t应急\\u001b[31m管理局\"",
    );
    let mut app = open(&text, false);
    goto(&mut app, "report.unit");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::End);
    keys(&mut app, "Y");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.report.report.unit.as_deref(),
        Some("株洲市芦淞区\t应急\u{1b}[31m管理局Y"),
        "only the typed character changed"
    );
}

#[test]
fn a_pasted_line_break_sent_as_cr_stays_a_line_break() {
    let mut app = open(SEED, false);
    goto(&mut app, "closing.problems");
    press(&mut app, KeyCode::Enter);
    clear_editor(&mut app);
    app.update(jixiao::tui::app::Action::Paste(
        "第一行\r第二行\t（附表）".into(),
    ));
    ctrl(&mut app, 's');
    let problems = problems_of(&app);
    assert!(
        problems.ends_with("第一行\n第二行\t（附表）"),
        "{problems:?}"
    );
}

#[test]
fn the_first_n_goes_to_the_first_finding() {
    let mut app = open(SEED, false);
    keys(&mut app, "n");
    assert_eq!(app.selected_finding, 0);
    keys(&mut app, "n");
    assert_eq!(app.selected_finding, 1);
}

#[test]
fn clearing_an_amount_keeps_its_line_and_comment() {
    let mut app = open(SEED, false);
    goto(&mut app, "budget.initial");
    press(&mut app, KeyCode::Enter);
    clear_editor(&mut app);
    press(&mut app, KeyCode::Enter);
    assert!(
        app.report
            .budget
            .as_ref()
            .unwrap()
            .initial
            .value()
            .is_none()
    );
    let text = app.text();
    let line = text.lines().find(|l| l.starts_with("initial = ")).unwrap();
    assert!(
        line.starts_with("initial = \"\"") && line.contains('#'),
        "{line}"
    );
}

#[test]
fn a_value_typed_back_to_what_was_saved_leaves_nothing_unsaved() {
    let mut app = open(SEED, false);
    for value in ["1", "241.75"] {
        set(&mut app, "budget.initial", value);
    }
    assert!(app.dirty(), "two edits were made");
    // Noticed when the user pauses and the recovery file would be written.
    app.write_recovery();
    assert!(!app.dirty(), "the text is the one loaded again");
}

#[test]
fn undoing_a_reload_asks_before_saving_over_the_other_change() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.toml");
    let mut app = open_file(SEED, &file);
    set(&mut app, "budget.initial", "1");
    let theirs = SEED.replace("problems = \"无。\"", "problems = \"外部修改。\"");
    assert_ne!(theirs, SEED);
    std::fs::write(&file, &theirs).unwrap();
    ctrl(&mut app, 's');
    assert!(matches!(app.mode, Mode::Confirm(Confirm::Conflict { .. })));
    keys(&mut app, "r");
    assert!(app.text().contains("外部修改"), "reloaded");
    keys(&mut app, "u");
    assert!(!app.text().contains("外部修改"), "back to my edit");
    ctrl(&mut app, 's');
    assert!(
        matches!(app.mode, Mode::Confirm(Confirm::Conflict { .. })),
        "saving would overwrite the change on disk: asked first"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), theirs);
}

/// 存在的问题 as the model holds it.
fn problems_of(app: &jixiao::tui::app::App) -> String {
    app.report
        .closing
        .as_ref()
        .and_then(|c| c.problems.clone())
        .expect("the problems are written")
}

#[test]
fn enter_commits_a_long_text_and_alt_enter_or_ctrl_j_breaks_its_line() {
    let mut app = open(SEED, false);
    goto(&mut app, "closing.problems");
    press(&mut app, KeyCode::Enter);
    clear_editor(&mut app);
    keys(&mut app, "一是");
    alt(&mut app, KeyCode::Enter);
    keys(&mut app, "二是");
    ctrl(&mut app, 'j');
    keys(&mut app, "三是");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal), "Enter committed");
    assert_eq!(problems_of(&app), "一是\n二是\n三是");
}

#[test]
fn a_short_value_takes_no_line_break() {
    let mut app = open(SEED, false);
    goto(&mut app, "report.unit");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "甲");
    alt(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'j');
    keys(&mut app, "乙");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.report.report.unit.as_deref(),
        Some("株洲市芦淞区应急管理局甲乙")
    );
}

#[test]
fn an_indicator_row_is_filled_by_enter_type_enter_and_arrows_in_every_cell() {
    let mut app = open(SEED, false);
    goto(&mut app, "score_sheet.groups[0].indicators[2].name");
    keys(&mut app, "a");
    let values = [
        "产出指标",
        "培训人次",
        "≥100人次",
        "120人次",
        "5",
        "4",
        "无偏差",
    ];
    for value in values {
        press(&mut app, KeyCode::Enter);
        assert!(matches!(app.mode, Mode::Editing(_)));
        keys(&mut app, value);
        press(&mut app, KeyCode::Enter);
        assert!(matches!(app.mode, Mode::Normal), "{value}: Enter committed");
        press(&mut app, KeyCode::Right);
    }
    let sheet = app.report.score_sheet.as_ref().unwrap();
    let new = &sheet.groups[0].indicators[3];
    assert_eq!(new.category.as_deref(), Some("产出指标"));
    assert_eq!(new.name.as_deref(), Some("培训人次"));
    assert_eq!(new.target.as_deref(), Some("≥100人次"));
    assert_eq!(new.actual.as_deref(), Some("120人次"));
    assert_eq!(new.weight.to_string(), "5");
    assert_eq!(new.score.to_string(), "4");
    assert_eq!(new.deviation.as_deref(), Some("无偏差"));
}

#[test]
fn typing_241_70_then_enter_on_the_initial_budget_changes_it_and_the_tab_stays() {
    let mut app = open(SEED, false);
    goto(&mut app, "budget.initial");
    let tab = app.tab;
    keys(&mut app, "241.70");
    assert_eq!(app.tab, tab, "digits on a number edit it");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal));
    assert_eq!(app.tab, tab);
    assert!(
        app.text().contains("initial = 241.70"),
        "the value replaced"
    );
}

#[test]
fn a_minus_or_a_point_on_a_number_starts_its_edit_too() {
    for typed in ["-3", ".5"] {
        let mut app = open(SEED, false);
        goto(&mut app, "budget.spent");
        keys(&mut app, typed);
        let Mode::Editing(editor) = &app.mode else {
            panic!("{typed}: no editor")
        };
        assert_eq!(editor.area.lines().join(""), typed, "the value replaced");
    }
}

#[test]
fn a_chinese_character_on_a_text_cell_opens_its_editor_appending_it() {
    let mut app = open(SEED, false);
    goto(&mut app, "report.unit");
    keys(&mut app, "（本级）");
    assert!(matches!(app.mode, Mode::Editing(_)));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.report.report.unit.as_deref(),
        Some("株洲市芦淞区应急管理局（本级）")
    );
}

#[test]
fn ascii_letters_stay_commands_on_every_cell() {
    let mut app = open(SEED, false);
    goto(&mut app, "report.unit");
    let (row, _) = app.cursor[app.tab.index()];
    keys(&mut app, "j");
    assert!(matches!(app.mode, Mode::Normal));
    assert_eq!(app.cursor[app.tab.index()].0, row + 1, "j moved down");
    goto(&mut app, "budget.initial");
    keys(&mut app, "z");
    assert!(
        matches!(app.mode, Mode::Normal),
        "an unbound letter opens nothing"
    );
    assert!(!app.dirty());
}

#[test]
fn tabs_switch_on_digits_off_numbers_and_on_alt_digits_and_f_keys_everywhere() {
    use jixiao::tui::form::Tab;
    let mut app = open(SEED, false);
    goto(&mut app, "report.unit");
    keys(&mut app, "2");
    assert_eq!(app.tab, Tab::Budget, "a digit on a text switches tabs");
    goto(&mut app, "budget.initial");
    alt(&mut app, KeyCode::Char('3'));
    assert_eq!(app.tab, Tab::Funds);
    goto(&mut app, "performance.special_funds[0].spent");
    press(&mut app, KeyCode::F(4));
    assert_eq!(app.tab, Tab::Scores);
    assert!(matches!(app.mode, Mode::Normal));
    assert!(!app.dirty());
}

#[test]
fn in_view_a_digit_on_a_number_edits_nothing() {
    let mut app = open(SEED, true);
    goto(&mut app, "budget.initial");
    keys(&mut app, "5");
    assert!(matches!(app.mode, Mode::Normal));
    assert!(said(&app).contains("只读"), "{}", said(&app));
    assert!(!app.dirty());
}

#[test]
fn esc_on_changed_text_asks_and_keeps_editing_or_discards() {
    let mut app = open(SEED, false);
    goto(&mut app, "closing.problems");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "补充一句");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.mode, Mode::Confirm(Confirm::DiscardEdit(_))));
    keys(&mut app, "k");
    let Mode::Editing(editor) = &app.mode else {
        panic!("back in the editor")
    };
    assert!(
        editor.area.lines().join("\n").ends_with("补充一句"),
        "nothing lost"
    );
    // Esc on the question is "keep editing" too.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.mode, Mode::Editing(_)));
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "d");
    assert!(matches!(app.mode, Mode::Normal));
    assert!(!app.dirty());
    assert!(said(&app).contains("放弃"), "{}", said(&app));
}

#[test]
fn esc_on_an_unchanged_editor_just_closes_it() {
    let mut app = open(SEED, false);
    goto(&mut app, "closing.problems");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "字");
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.mode, Mode::Normal));
}

#[test]
fn deleting_a_group_with_indicators_asks_first() {
    let mut app = open(SEED, false);
    let groups =
        |app: &jixiao::tui::app::App| app.report.score_sheet.as_ref().unwrap().groups.len();
    let before = groups(&app);
    goto(&mut app, "score_sheet.groups[1].name");
    keys(&mut app, "d");
    assert!(matches!(
        app.mode,
        Mode::Confirm(Confirm::DeleteGroup { indicators, .. }) if indicators > 0
    ));
    keys(&mut app, "c");
    assert_eq!(groups(&app), before, "cancelled");
    keys(&mut app, "d");
    keys(&mut app, "y");
    assert_eq!(groups(&app), before - 1);
    keys(&mut app, "u");
    assert_eq!(groups(&app), before, "undo brings it back");
}

#[test]
fn deleting_an_indicator_does_not_ask() {
    let mut app = open(SEED, false);
    goto(&mut app, "score_sheet.groups[0].indicators[0].name");
    keys(&mut app, "d");
    assert!(matches!(app.mode, Mode::Normal));
    assert!(app.dirty());
}

#[test]
fn undo_goes_to_the_field_on_its_tab_and_names_the_change_old_to_new() {
    use jixiao::tui::form::Tab;
    let mut app = open(SEED, false);
    set(&mut app, "performance.special_funds[0].spent", "299.58");
    press(&mut app, KeyCode::F(1));
    assert_eq!(app.tab, Tab::Basic);
    keys(&mut app, "u");
    assert_eq!(app.tab, Tab::Funds, "undo went to the field's tab");
    let (row, col) = app.cursor[app.tab.index()];
    assert_eq!(
        app.rows[row].cells[col].path.to_string(),
        "performance.special_funds[0].spent"
    );
    assert_eq!(said(&app), "已撤销：修改 安全监管 实际支出 299.58 → 56.58");
    press(&mut app, KeyCode::F(4));
    ctrl(&mut app, 'r');
    assert_eq!(app.tab, Tab::Funds, "redo too");
    assert_eq!(said(&app), "已重做：修改 安全监管 实际支出 56.58 → 299.58");
}

#[test]
fn undoing_a_new_row_goes_to_its_table_and_says_so() {
    use jixiao::tui::form::Tab;
    let mut app = open(SEED, false);
    goto(&mut app, "score_sheet.groups[0].indicators[2].name");
    keys(&mut app, "a");
    keys(&mut app, "1");
    assert_eq!(app.tab, Tab::Basic);
    keys(&mut app, "u");
    assert_eq!(app.tab, Tab::Scores);
    let (row, _) = app.cursor[app.tab.index()];
    assert!(
        app.rows[row].cells[0]
            .path
            .to_string()
            .starts_with("score_sheet.groups[0]"),
        "{}",
        app.rows[row].cells[0].path
    );
    assert_eq!(said(&app), "已撤销：新增 指标 第 4 行");
    // A deleted row is named by its table, number and name.
    let mut app = open(SEED, false);
    goto(&mut app, "performance.special_funds[1].name");
    keys(&mut app, "d");
    keys(&mut app, "u");
    assert_eq!(said(&app), "已撤销：删除 专项资金 第 2 行（疫情防控专项）");
}

#[test]
fn the_fix_key_puts_the_computed_funds_score_in_and_undo_takes_it_back() {
    let mut app = open(SEED, false);
    assert!(rules(&app).iter().any(|r| r.starts_with("C04")));
    goto(&mut app, "score_sheet.funds.score");
    let (row, _) = app.cursor[app.tab.index()];
    assert_eq!(
        app.rows[row].computed,
        Some(("按方案 10.00 ✗".to_owned(), false))
    );
    // First shown, old → new: Esc leaves the figure as it was.
    keys(&mut app, "=");
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("年度资金总额 得分：9 → 10.00"), "{shown}");
    assert!(shown.contains("按方案 10.00"), "{shown}");
    // The footer names the prompt's keys, not the form's.
    let footer = shown.lines().nth(23).unwrap_or_default();
    assert!(footer.starts_with("请回答：Enter 改为计算值"), "{footer}");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.mode, Mode::Normal));
    assert_eq!(app.text(), SEED);
    // Enter puts it in.
    keys(&mut app, "=");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal));
    assert_eq!(said(&app), "已改为计算值：年度资金总额 得分 9 → 10.00");
    assert_eq!(
        app.report
            .score_sheet
            .as_ref()
            .unwrap()
            .funds
            .as_ref()
            .unwrap()
            .score
            .to_string(),
        "10.00"
    );
    assert!(
        !rules(&app).iter().any(|r| r.starts_with("C04")),
        "{:?}",
        rules(&app)
    );
    let (row, _) = app.cursor[app.tab.index()];
    assert_eq!(
        app.rows[row].computed,
        Some(("按方案 10.00 ✓".to_owned(), true))
    );
    assert!(app.dirty());
    // Again: nothing left to fix.
    keys(&mut app, "=");
    assert!(said(&app).starts_with("已与计算值一致"), "{}", said(&app));
    // Undo is the field's, named like any edit.
    keys(&mut app, "u");
    assert_eq!(said(&app), "已撤销：改为计算值 年度资金总额 得分 10.00 → 9");
    assert_eq!(
        app.report
            .score_sheet
            .as_ref()
            .unwrap()
            .funds
            .as_ref()
            .unwrap()
            .score
            .to_string(),
        "9"
    );
    assert!(rules(&app).iter().any(|r| r.starts_with("C04")));
    assert_eq!(app.text(), SEED);
    ctrl(&mut app, 'r');
    assert_eq!(said(&app), "已重做：改为计算值 年度资金总额 得分 9 → 10.00");
}

#[test]
fn the_fix_key_says_when_there_is_nothing_to_compute_or_it_already_agrees() {
    let mut app = open(SEED, false);
    goto(&mut app, "report.unit");
    keys(&mut app, "=");
    assert_eq!(said(&app), "此处没有可计算的值");
    goto(&mut app, "score_sheet.funds.rate");
    keys(&mut app, "=");
    assert!(said(&app).starts_with("已与计算值一致"), "{}", said(&app));
    assert_eq!(app.text(), SEED);
    assert!(!app.dirty());
}

#[test]
fn the_fix_key_puts_a_computed_rate_and_sum_in_place_of_wrong_ones() {
    let text = SEED
        .replacen("rate = \"99.99％\"", "rate = \"98%\"", 1)
        .replacen("spent = 320.25", "spent = 320.26", 1);
    assert_ne!(text, SEED);
    let mut app = open(&text, false);
    goto(&mut app, "score_sheet.funds.rate");
    keys(&mut app, "=="); // shown, then put in
    assert!(said(&app).ends_with("98% → 99.99%"), "{}", said(&app));
    assert!(!rules(&app).iter().any(|r| r.starts_with("C03")));
    goto(&mut app, "budget.spent");
    keys(&mut app, "=="); // shown, then put in
    assert!(said(&app).ends_with("320.26 → 320.25"), "{}", said(&app));
    assert!(!rules(&app).iter().any(|r| r.starts_with("B01")));
    assert!(app.text().contains("spent = 320.25"));
}

#[test]
fn the_fix_key_is_refused_in_view() {
    let mut app = open(SEED, true);
    goto(&mut app, "score_sheet.funds.score");
    keys(&mut app, "=");
    assert!(said(&app).contains("只读模式"), "{}", said(&app));
    assert_eq!(app.text(), SEED);
}

#[test]
fn the_fix_key_fills_a_blank_with_its_computed_figure() {
    let text = SEED.replacen("spent = 320.25", "", 1);
    assert_ne!(text, SEED);
    let mut app = open(&text, false);
    goto(&mut app, "budget.spent");
    keys(&mut app, "=="); // shown, then put in
    assert!(said(&app).ends_with("（空） → 320.25"), "{}", said(&app));
    assert_eq!(
        app.report.budget.as_ref().unwrap().spent.to_string(),
        "320.25"
    );
    keys(&mut app, "u");
    assert_eq!(app.text(), text);
}

#[test]
fn the_fix_key_puts_a_funds_balance_in_its_carryover() {
    // The seed's 安全监管: 29.50 + 270.08 available, 56.58 spent, 0 carried over (F02).
    let mut app = open(SEED, false);
    assert!(rules(&app).contains(&"F02 performance.special_funds[0]".to_owned()));
    goto(&mut app, "performance.special_funds[0].carryover");
    keys(&mut app, "==");
    assert_eq!(said(&app), "已改为计算值：安全监管 结余结转 0 → 243");
    assert!(!rules(&app).contains(&"F02 performance.special_funds[0]".to_owned()));
    keys(&mut app, "u");
    assert_eq!(app.text(), SEED);
}

#[test]
fn the_fix_key_on_a_groups_name_fixes_its_weight_and_on_the_fund_count_the_count() {
    let mut app = open(SEED, false);
    assert!(rules(&app).contains(&"C07 score_sheet.groups[0]".to_owned()));
    // The row's computed figure is its weight: fixed from the name cell too.
    goto(&mut app, "score_sheet.groups[0].name");
    keys(&mut app, "=="); // shown, then put in
    assert_eq!(said(&app), "已改为计算值：产出指标 分值 40 → 30");
    let (row, _) = app.cursor[app.tab.index()];
    assert_eq!(app.rows[row].computed.as_ref().map(|c| c.1), Some(true));
    assert!(!rules(&app).contains(&"C07 score_sheet.groups[0]".to_owned()));
    goto(&mut app, "performance.special_fund_count");
    keys(&mut app, "=="); // shown, then put in
    assert!(said(&app).ends_with("5 → 4"), "{}", said(&app));
    assert!(!rules(&app).iter().any(|r| r.starts_with("F01")));
    keys(&mut app, "u");
    keys(&mut app, "u");
    assert_eq!(app.text(), SEED);
}

#[test]
fn ctrl_s_in_an_editor_puts_the_text_in_and_saves_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.toml");
    let mut app = open_file(SEED, &file);
    goto(&mut app, "report.unit");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "测");
    ctrl(&mut app, 's');
    assert!(matches!(app.mode, Mode::Normal));
    assert!(!app.dirty(), "{}", said(&app));
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(
        saved.contains("unit = \"株洲市芦淞区应急管理局测\""),
        "{saved}"
    );
    assert!(said(&app).contains("已保存"), "{}", said(&app));
    // Unchanged text: Ctrl-S still saves what else was changed.
    set(&mut app, "budget.initial", "1");
    goto(&mut app, "report.unit");
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    assert!(!app.dirty());
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("initial = 1")
    );
}

#[test]
fn c_turns_the_completeness_check_on_and_off() {
    // A report with only 附件2: clean as it is, N05 for each missing part once c is on.
    let only_attachment = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n\
        [report]\nunit = \"某局\"\nyear = 2023\n\
        [basic_data]\nauthorized = 14\nin_service = 10\ncontrol_rate = \"71.4%\"\n";
    let mut app = open(only_attachment, true);
    let n05 = |app: &jixiao::tui::app::App| app.findings.iter().filter(|f| f.rule == "N05").count();
    assert_eq!(n05(&app), 0);
    keys(&mut app, "c");
    assert!(app.complete);
    assert!(n05(&app) >= 5, "{:?}", rules(&app));
    assert!(said(&app).starts_with("齐全检查已打开"), "{}", said(&app));
    assert!(screen(&mut app, 80, 24).contains("[齐全检查]"));
    keys(&mut app, "c");
    assert!(!app.complete);
    assert_eq!(n05(&app), 0);
    assert_eq!(said(&app), "齐全检查已关闭");
}

#[test]
fn up_and_down_keep_the_column_through_a_row_with_one_cell() {
    // Tab 3: 安全监管's 调整, ↑ to 专项资金个数 (one cell), ↓ back: still 调整, so a figure
    // typed next goes there and not to a text cell (where a digit switches tabs).
    let mut app = open(SEED, false);
    goto(&mut app, "performance.special_funds[0].adjustment");
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Down);
    let t = app.tab.index();
    let (row, col) = app.cursor[t];
    assert_eq!(
        app.rows[row].cells[col].path.to_string(),
        "performance.special_funds[0].adjustment"
    );
    // Down through the fund's one-cell rows (包含内容, 资金使用说明) to the next fund: 调整.
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    let (row, col) = app.cursor[t];
    assert_eq!(
        app.rows[row].cells[col].path.to_string(),
        "performance.special_funds[1].adjustment"
    );
    keys(&mut app, "27.08");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab.index(), t, "no tab switch");
}
