//! The review screen's state machine (keys in, state out) and its drawing into ratatui's
//! TestBackend at 80×24 and 120×40, in colour and without.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jixiao::review::follow::Update;
use jixiao::review::{Column, Review, Row};
use jixiao::scheme::SchemeSet;
use jixiao::tui::review::{Pane, ReviewApp, ReviewMode};
use jixiao::tui::review_view;
use jixiao::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use std::fs;
use std::path::{Path, PathBuf};

const SEED: &str = include_str!("../examples/lusong-emergency-2023.toml");
const CORRECTED: &str = include_str!("../examples/lusong-emergency-2023-corrected.toml");
const PARTIAL: &str = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n[report]\nunit = \"某某街道办事处\"\nyear = 2024\n[score_sheet.funds]\nweight = 10\nscore = 9\n";

/// A folder named 区县报告 (so that the title is the same on every run): the seed, the
/// corrected seed, a partial report, and a broken one in a subfolder.
fn folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("区县报告");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("seed.toml"), SEED).unwrap();
    fs::write(root.join("corrected.toml"), CORRECTED).unwrap();
    fs::write(root.join("partial.toml"), PARTIAL).unwrap();
    fs::create_dir(root.join("sub")).unwrap();
    fs::write(
        root.join("sub/broken.toml"),
        "schema = \"jixiao/1\"\n[report\n",
    )
    .unwrap();
    (dir, root)
}

fn app(root: &Path) -> ReviewApp {
    let mut app = ReviewApp::new(Review::load(root, &SchemeSet::builtin()));
    app.scanned = true;
    app
}

fn press(app: &mut ReviewApp, code: KeyCode) {
    app.update(KeyEvent::new(code, KeyModifiers::NONE));
}

fn keys(app: &mut ReviewApp, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn current(app: &ReviewApp) -> String {
    app.current().map(|r| r.name.clone()).unwrap_or_default()
}

fn shown(app: &ReviewApp) -> Vec<String> {
    app.shown
        .iter()
        .map(|&i| app.review.rows[i].name.clone())
        .collect()
}

fn said(app: &ReviewApp) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

fn draw(app: &mut ReviewApp, w: u16, h: u16, theme: Theme) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut drawn = None;
    terminal
        .draw(|f| drawn = Some(review_view::draw(f, app, theme)))
        .unwrap();
    app.apply_layout(drawn.unwrap());
    terminal
}

#[test]
fn rows_come_sorted_by_unit_and_s_cycles_the_column_s_reverses() {
    let (_dir, root) = folder();
    let mut app = app(&root);
    assert_eq!(app.sort.column, Column::Unit);
    assert_eq!(shown(&app).len(), 4);
    keys(&mut app, "s");
    assert_eq!(app.sort.column, Column::Year);
    assert_eq!(said(&app), "按年度排序（升序）");
    keys(&mut app, "ss");
    assert_eq!(app.sort.column, Column::Score);
    assert_eq!(
        shown(&app),
        [
            "partial.toml",
            "corrected.toml",
            "seed.toml",
            "sub/broken.toml"
        ]
    );
    keys(&mut app, "S");
    assert!(app.sort.descending);
    assert_eq!(said(&app), "按自评分排序（降序）");
    assert_eq!(shown(&app)[0], "seed.toml");
    // Every column in turn, and back to the unit.
    for _ in 0..6 {
        keys(&mut app, "s");
    }
    assert_eq!(app.sort.column, Column::Unit);
}

#[test]
fn the_cursor_stays_on_its_report_through_a_resort() {
    let (_dir, root) = folder();
    let mut app = app(&root);
    while current(&app) != "seed.toml" {
        press(&mut app, KeyCode::Down);
    }
    keys(&mut app, "sssS");
    assert_eq!(current(&app), "seed.toml");
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Home);
    assert_eq!(app.selected, 0);
}

#[test]
fn slash_filters_by_unit_as_typed_and_esc_restores() {
    let (_dir, root) = folder();
    let mut app = app(&root);
    keys(&mut app, "/");
    assert!(matches!(app.mode, ReviewMode::Filter { .. }));
    app.paste("街道");
    assert_eq!(shown(&app), ["partial.toml"]);
    press(&mut app, KeyCode::Esc);
    assert_eq!(shown(&app).len(), 4);
    keys(&mut app, "/");
    app.paste("应急");
    press(&mut app, KeyCode::Enter);
    assert_eq!(said(&app), "单位含“应急”的报告：2 份");
    assert_eq!(shown(&app).len(), 2);
    assert!(matches!(app.mode, ReviewMode::Normal));
    press(&mut app, KeyCode::Esc);
    assert_eq!(said(&app), "已清除筛选");
    assert_eq!(shown(&app).len(), 4);
    // Typed, not pasted: each character narrows at once, Backspace widens again, and a
    // character with Ctrl is not typed.
    keys(&mut app, "/街");
    assert_eq!(shown(&app), ["partial.toml"]);
    app.update(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    press(&mut app, KeyCode::Backspace);
    assert!(matches!(&app.mode, ReviewMode::Filter { input, .. } if input.is_empty()));
    assert_eq!(shown(&app).len(), 4);
    press(&mut app, KeyCode::Esc);
}

#[test]
fn e_shows_only_reports_with_errors_and_g_cycles_the_grades() {
    let (_dir, root) = folder();
    let mut app = app(&root);
    keys(&mut app, "e");
    assert_eq!(shown(&app), ["sub/broken.toml", "seed.toml"]);
    keys(&mut app, "e");
    assert_eq!(shown(&app).len(), 4);
    keys(&mut app, "g");
    assert_eq!(app.filter.grade.as_deref(), Some("优"));
    assert_eq!(shown(&app).len(), 2);
    keys(&mut app, "g");
    assert_eq!(app.filter.grade.as_deref(), Some("—（未完）"));
    assert_eq!(shown(&app), ["partial.toml"]);
    keys(&mut app, "g");
    assert_eq!(app.filter.grade.as_deref(), Some("无法载入"));
    keys(&mut app, "g");
    assert_eq!(app.filter.grade, None);
    assert_eq!(said(&app), "显示全部等级");
}

#[test]
fn tab_opens_the_rules_and_enter_on_a_rule_lists_its_reports() {
    let (_dir, root) = folder();
    let mut app = app(&root);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.pane, Pane::Rules);
    assert_eq!(app.stats[0].rule, "C07");
    press(&mut app, KeyCode::Down);
    let rule = app.stats[1].rule;
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.pane, Pane::Reports);
    assert_eq!(app.filter.rule.as_deref(), Some(rule));
    assert_eq!(shown(&app), ["seed.toml"]);
    assert!(said(&app).contains(&format!("只显示触发 {rule} 的 1 份报告")));
}

#[test]
fn enter_asks_to_open_a_report_and_refuses_a_broken_one() {
    let (_dir, root) = folder();
    let mut app = app(&root);
    assert_eq!(current(&app), "sub/broken.toml");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.open, None);
    assert!(app.status.as_ref().unwrap().error);
    assert!(said(&app).contains("X01"), "{}", said(&app));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let file = app.open.take().expect("a report to open");
    assert!(file.ends_with(current(&app)));
    assert!(!app.open_to_edit, "Enter reads");
    keys(&mut app, "E");
    assert!(app.open.is_some() && app.open_to_edit, "E edits");
}

#[test]
fn rows_that_arrive_or_go_keep_the_cursor_on_its_report() {
    let (_dir, root) = folder();
    let mut app = app(&root);
    press(&mut app, KeyCode::End);
    let before = current(&app);
    fs::write(
        root.join("aaa.toml"),
        CORRECTED.replace("应急管理局", "财政局"),
    )
    .unwrap();
    let row = Row::check(
        &root.join("aaa.toml"),
        &root,
        &SchemeSet::builtin(),
        &Default::default(),
        &Default::default(),
    );
    assert!(app.absorb([
        Update::Scan {
            pending: 1,
            removed: vec![root.join("partial.toml")],
        },
        Update::Row(Box::new(row)),
        Update::Done,
    ]));
    assert_eq!(current(&app), before);
    assert_eq!(shown(&app).len(), 4);
    assert!(shown(&app).contains(&"aaa.toml".to_owned()));
    assert!(!shown(&app).contains(&"partial.toml".to_owned()));
    assert_eq!(app.district.reports, 4);
}

#[test]
fn x_exports_the_rows_shown_and_never_overwrites() {
    let (dir, root) = folder();
    let mut app = app(&root);
    keys(&mut app, "x");
    match &app.mode {
        ReviewMode::Export { input } => assert_eq!(input, "复核汇总表-区县报告.xlsx"),
        _ => panic!("no export prompt"),
    }
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "e");
    let out = dir.path().join("错误.csv");
    assert!(app.export(out.to_str().unwrap()));
    assert!(
        said(&app).contains("2 份报告，按当前筛选"),
        "{}",
        said(&app)
    );
    let text = fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    let before = fs::read(&out).unwrap();
    assert!(!app.export(out.to_str().unwrap()));
    assert!(said(&app).contains("文件已存在，未覆盖"), "{}", said(&app));
    assert_eq!(fs::read(&out).unwrap(), before);
    assert!(!app.export(dir.path().join("x.txt").to_str().unwrap()));
    assert_eq!(said(&app), "文件名须以 .xlsx、.csv 或 .json 结尾");
}

#[test]
fn q_quits_and_help_opens_and_closes() {
    let (_dir, root) = folder();
    let mut app = app(&root);
    keys(&mut app, "?");
    assert!(matches!(app.mode, ReviewMode::Help { .. }));
    keys(&mut app, "z");
    assert!(matches!(app.mode, ReviewMode::Normal));
    keys(&mut app, "q");
    assert!(app.quit);
}

#[test]
fn snapshots_at_80x24_and_120x40() {
    let (_dir, root) = folder();
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = app(&root);
        press(&mut app, KeyCode::Down);
        insta::assert_snapshot!(
            format!("review_{w}x{h}"),
            draw(&mut app, w, h, Theme::COLOR).backend()
        );
        press(&mut app, KeyCode::Tab);
        insta::assert_snapshot!(
            format!("review_rules_{w}x{h}"),
            draw(&mut app, w, h, Theme::COLOR).backend()
        );
    }
    let mut app = app(&root);
    keys(&mut app, "?");
    insta::assert_snapshot!(
        "review_help_80x24",
        draw(&mut app, 80, 24, Theme::COLOR).backend()
    );
}

#[test]
fn the_screen_shows_every_unit_and_score_and_aligns_the_columns() {
    let (_dir, root) = folder();
    let mut app = app(&root);
    let screen = draw(&mut app, 120, 40, Theme::COLOR).backend().to_string();
    assert!(screen.contains("4 份报告 · 有错误 2"), "{screen}");
    assert!(screen.contains("株洲市芦淞区应急管理局"), "{screen}");
    assert!(screen.contains("某某街道办事处"), "{screen}");
    assert!(screen.contains("94 / 97"), "{screen}");
    assert!(screen.contains("—（未完）"), "{screen}");
    assert!(screen.contains("X01"), "{screen}");
    // At 80 columns the finding is cut with … and nothing spills over.
    let mut app = self::app(&root);
    let terminal = draw(&mut app, 80, 24, Theme::COLOR);
    let screen = terminal.backend().to_string();
    assert!(screen.contains('…'), "{screen}");
    assert!(screen.contains("94 / 97"), "{screen}");
}

#[test]
fn no_color_draws_no_colour_and_keeps_the_symbols() {
    let (_dir, root) = folder();
    let mut app = app(&root);
    let terminal = draw(&mut app, 80, 24, Theme::MONO);
    for cell in terminal.backend().buffer().content() {
        assert!(
            cell.fg == Color::Reset && cell.bg == Color::Reset,
            "{cell:?}"
        );
    }
    let screen = terminal.backend().to_string();
    assert!(screen.contains('✗') && screen.contains('▲'), "{screen}");
}

#[test]
fn while_checking_the_header_counts_the_files_done() {
    let (_dir, root) = folder();
    let mut app = ReviewApp::new(Review::new(&root));
    app.absorb([Update::Scan {
        pending: 4,
        removed: vec![],
    }]);
    let row = Row::check(
        &root.join("seed.toml"),
        &root,
        &SchemeSet::builtin(),
        &Default::default(),
        &Default::default(),
    );
    app.absorb([Update::Row(Box::new(row))]);
    let screen = draw(&mut app, 80, 24, Theme::COLOR).backend().to_string();
    assert!(screen.contains("检查中 1/4"), "{screen}");
    app.absorb([Update::Done]);
    assert!(!app.checking());
}

#[test]
fn an_empty_folder_says_so_once_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = ReviewApp::new(Review::new(dir.path()));
    let screen = draw(&mut app, 80, 24, Theme::COLOR).backend().to_string();
    assert!(screen.contains("正在扫描文件夹"), "{screen}");
    app.absorb([
        Update::Scan {
            pending: 0,
            removed: vec![],
        },
        Update::Done,
    ]);
    let screen = draw(&mut app, 80, 24, Theme::COLOR).backend().to_string();
    assert!(screen.contains("这个文件夹里没有 .toml 报告"), "{screen}");
    assert!(!screen.contains("正在扫描"), "{screen}");
    press(&mut app, KeyCode::Enter);
    assert_eq!(said(&app), "没有报告");
}

#[test]
fn tiny_terminals_do_not_panic() {
    let (_dir, root) = folder();
    for (w, h) in [(1, 1), (10, 3), (40, 6), (60, 10)] {
        let mut app = app(&root);
        draw(&mut app, w, h, Theme::BASIC);
        keys(&mut app, "?");
        draw(&mut app, w, h, Theme::BASIC);
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Tab);
        draw(&mut app, w, h, Theme::MONO);
        keys(&mut app, "x");
        draw(&mut app, w, h, Theme::MONO);
    }
}

#[test]
fn c_turns_the_completeness_check_on_and_off_and_the_title_says_so() {
    let (_dir, root) = folder();
    let mut app = app(&root);
    assert!(!app.complete);
    keys(&mut app, "c");
    assert!(app.complete);
    assert!(said(&app).starts_with("齐全检查已打开"), "{}", said(&app));
    let screen = draw(&mut app, 120, 40, Theme::COLOR).backend().to_string();
    assert!(screen.contains("[齐全检查]"), "{screen}");
    keys(&mut app, "c");
    assert!(!app.complete);
    assert!(said(&app).starts_with("齐全检查已关闭"), "{}", said(&app));
}

#[test]
fn a_row_not_compared_with_last_year_says_so_and_its_status_line_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("区县报告");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("a-2023.toml"), SEED).unwrap();
    fs::write(root.join("b-2023.toml"), CORRECTED).unwrap();
    fs::write(
        root.join("c-2024.toml"),
        include_str!("../examples/lusong-emergency-2024.toml"),
    )
    .unwrap();
    let mut app = app(&root);
    let screen = draw(&mut app, 120, 40, Theme::COLOR).backend().to_string();
    let line = screen
        .lines()
        .find(|l| l.contains("2024"))
        .expect("the 2024 row");
    assert!(line.contains("上年报告有 2 份，未比对"), "{screen}");
    // On that row, the status line says why.
    while !current(&app).contains("2024") {
        press(&mut app, KeyCode::Down);
    }
    let screen = draw(&mut app, 120, 40, Theme::COLOR).backend().to_string();
    let footer = screen.lines().last().unwrap().replace(' ', "");
    assert!(footer.starts_with("\"同一文件夹中有2份"), "{screen}");
}

/// The first scan of `root`, its rows arriving in `order`, a frame drawn after each.
fn first_scan(root: &Path, order: &[&str], between: &mut dyn FnMut(&mut ReviewApp)) -> ReviewApp {
    let mut app = ReviewApp::new(Review::new(root));
    app.absorb([Update::Scan {
        pending: order.len(),
        removed: vec![],
    }]);
    for name in order {
        let row = Row::check(
            &root.join(name),
            root,
            &SchemeSet::builtin(),
            &Default::default(),
            &Default::default(),
        );
        app.absorb([Update::Row(Box::new(row))]);
        // As the run loop does before each frame.
        app.refresh_if_stale();
        draw(&mut app, 80, 24, Theme::COLOR);
        between(&mut app);
    }
    app.absorb([Update::Done]);
    app
}

#[test]
fn the_first_scan_ends_with_the_cursor_on_the_first_row_unless_it_was_moved() {
    let (_dir, root) = folder();
    let order = [
        "seed.toml",
        "corrected.toml",
        "partial.toml",
        "sub/broken.toml",
    ];
    let app = first_scan(&root, &order, &mut |_| {});
    assert_ne!(
        shown(&app)[0],
        "seed.toml",
        "the test needs another first row"
    );
    assert_eq!(current(&app), shown(&app)[0]);
    assert_eq!(app.selected, 0);
    // Moved while the files were being checked: the cursor stays where the user put it.
    let mut once = true;
    let app = first_scan(&root, &order, &mut |app| {
        if once {
            once = false;
            press(app, KeyCode::End);
        }
    });
    assert_eq!(current(&app), "seed.toml");
}
