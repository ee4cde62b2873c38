//! The workbench's hooks for a guide beside it (a lesson): the guard refuses every kind of
//! edit to its places with its reason in the footer, the pane is re-made in the same update
//! as the edit, the guide's keys reach it, and every save is handed to it.

mod common;

use common::*;
use crossterm::event::KeyCode;
use jixiao::model::FieldPath;
use jixiao::tui::app::{Action, App, Guide, Mode, Pane, PaneLine, Reply};
use jixiao::tui::theme::Theme;
use jixiao::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::cell::RefCell;
use std::rc::Rc;

/// What the test guide saw.
#[derive(Default)]
struct Log {
    judged: usize,
    saved: Vec<String>,
    keys: Vec<char>,
}

/// A guide over the seed: 安全监管's 预算 and 调整 and the 执行率 are locked; its one goal is
/// that F02 is silent on 安全监管.
struct TestGuide {
    locked: Vec<FieldPath>,
    met: bool,
    log: Rc<RefCell<Log>>,
}

impl TestGuide {
    fn new() -> (Box<TestGuide>, Rc<RefCell<Log>>) {
        let log = Rc::new(RefCell::new(Log::default()));
        let locked = [
            "performance.special_funds[0].budget",
            "performance.special_funds[0].adjustment",
            "score_sheet.funds.rate",
        ]
        .iter()
        .map(|p| FieldPath::parse(p).unwrap())
        .collect();
        let guide = TestGuide {
            locked,
            met: false,
            log: Rc::clone(&log),
        };
        (Box::new(guide), log)
    }
}

impl Guide for TestGuide {
    fn refuse(&self, path: &FieldPath) -> Option<String> {
        self.locked
            .iter()
            .find(|l| path.overlaps(l))
            .map(|l| format!("本课锁定了 {l}，不能修改"))
    }

    fn changed(&mut self, text: &str) {
        self.log.borrow_mut().judged += 1;
        let schemes = jixiao::scheme::SchemeSet::builtin();
        let loaded = jixiao::scheme::load(text.as_bytes(), &schemes).unwrap();
        let scheme = schemes.get("hunan-department").unwrap();
        let (findings, _) = jixiao::rules::analyze(&loaded, scheme);
        self.met = !findings
            .iter()
            .any(|f| f.rule == "F02" && f.path.to_string() == "performance.special_funds[0]");
    }

    fn pane(&self) -> Pane {
        Pane {
            title: "专项资金收支平衡".into(),
            lines: vec![
                PaneLine::goal("安全监管 收支平衡（F02）", self.met),
                PaneLine::dim("h 提示"),
                PaneLine::plain("预算 + 调整 = 实际支出 + 结余结转。"),
            ],
        }
    }

    fn keys(&self) -> Vec<(char, &'static str)> {
        vec![('h', "提示"), ('s', "答案对比"), ('x', "说明")]
    }

    fn key(&mut self, key: char) -> Option<Reply> {
        self.log.borrow_mut().keys.push(key);
        Some(match key {
            'h' => Reply::Say("提示：看看实际支出".into()),
            's' if !self.met => Reply::Warn("完成本课后才能看答案".into()),
            's' => Reply::Page {
                title: "答案对比".into(),
                text: "- spent = 56.58\n+ spent = 299.58".into(),
            },
            _ => Reply::Explain("F02".into()),
        })
    }

    fn saved(&mut self, text: &str) -> Result<Option<String>, String> {
        self.log.borrow_mut().saved.push(text.to_owned());
        Ok(Some("已交到班级文件夹".into()))
    }
}

fn guided() -> (App, Rc<RefCell<Log>>) {
    let mut app = open(SEED, false);
    let (guide, log) = TestGuide::new();
    app.set_guide(guide);
    (app, log)
}

fn met(app: &App) -> bool {
    app.guide().unwrap().pane().lines[0].mark == Some(true)
}

fn draw(app: &mut App, w: u16, h: u16, theme: Theme) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut drawn = None;
    terminal
        .draw(|f| drawn = Some(view::draw(f, app, theme)))
        .unwrap();
    app.apply_layout(drawn.unwrap());
    terminal
}

#[test]
fn the_pane_is_rejudged_in_the_update_that_commits_the_edit() {
    let (mut app, log) = guided();
    assert!(!met(&app));
    assert_eq!(log.borrow().judged, 1, "judged once when attached");
    set(&mut app, "performance.special_funds[0].spent", "299.58");
    assert!(met(&app), "✓ in the same update as the edit");
    assert_eq!(log.borrow().judged, 2);
    // Undo and redo are changes of the document too.
    keys(&mut app, "u");
    assert!(!met(&app));
    ctrl(&mut app, 'r');
    assert!(met(&app));
}

#[test]
fn the_guard_refuses_a_locked_value_before_anything_is_typed() {
    let (mut app, _) = guided();
    let before = app.text();
    goto(&mut app, "performance.special_funds[0].budget");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal), "no editor opens");
    assert_eq!(
        said(&app),
        "本课锁定了 performance.special_funds[0].budget，不能修改"
    );
    assert!(app.status.as_ref().unwrap().error);
    // Type to edit (a digit on an amount) is refused the same way.
    keys(&mut app, "9");
    assert!(matches!(app.mode, Mode::Normal));
    assert!(said(&app).contains("本课锁定了"));
    assert_eq!(app.text(), before);
    // An unlocked value in the same row is edited as usual.
    set(&mut app, "performance.special_funds[0].carryover", "1");
    assert_ne!(app.text(), before);
}

#[test]
fn the_guard_refuses_the_fix_key_on_a_locked_figure() {
    // A 执行率 that disagrees with its figures, so that the fix key would change it.
    let mut app = open(
        &SEED.replace("rate = \"99.99％\"", "rate = \"99.9%\""),
        false,
    );
    let (guide, _) = TestGuide::new();
    app.set_guide(guide);
    let before = app.text();
    assert!(before.contains("rate = \"99.9%\""));
    goto(&mut app, "score_sheet.funds.rate");
    keys(&mut app, "=");
    assert_eq!(app.text(), before);
    assert!(
        said(&app).contains("本课锁定了 score_sheet.funds.rate"),
        "{}",
        said(&app)
    );
    // The same key on a figure that is not locked computes it (9 → the scheme's score).
    goto(&mut app, "score_sheet.funds.score");
    keys(&mut app, "==");
    assert!(said(&app).starts_with("已"), "{}", said(&app));
}

#[test]
fn the_guard_refuses_adding_deleting_and_moving_rows_of_a_table_with_a_locked_place() {
    let (mut app, _) = guided();
    let before = app.text();
    for key in ["a", "d", "J"] {
        goto(&mut app, "performance.special_funds[1].name");
        keys(&mut app, key);
        assert_eq!(app.text(), before, "{key}");
        assert!(
            said(&app).contains("本课锁定了 performance.special_funds[0].budget"),
            "{key}: {}",
            said(&app)
        );
    }
    assert!(matches!(app.mode, Mode::Normal));
    keys(&mut app, "u");
    assert_eq!(
        said(&app),
        "没有可撤销的修改",
        "nothing refused was recorded"
    );
    // Another table's rows are added as usual.
    goto(&mut app, "budget.projects[0].name");
    keys(&mut app, "a");
    assert_ne!(app.text(), before);
}

#[test]
fn a_paste_reaches_only_an_editor_the_guard_let_open() {
    let (mut app, _) = guided();
    let before = app.text();
    goto(&mut app, "performance.special_funds[0].budget");
    press(&mut app, KeyCode::Enter);
    app.update(Action::Paste("100".into()));
    assert_eq!(app.text(), before);
    assert!(matches!(app.mode, Mode::Normal));
}

#[test]
fn the_guides_keys_reach_it_before_the_key_map() {
    let (mut app, log) = guided();
    goto(&mut app, "performance.special_funds[0].spent");
    let cursor = app.cursor;
    keys(&mut app, "h");
    assert_eq!(app.cursor, cursor, "h is the guide's, not a move left");
    assert_eq!(said(&app), "提示：看看实际支出");
    keys(&mut app, "s");
    assert!(app.status.as_ref().unwrap().error);
    keys(&mut app, "x");
    assert!(matches!(app.mode, Mode::Explain { rule: "F02", .. }));
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.mode, Mode::Normal));
    set(&mut app, "performance.special_funds[0].spent", "299.58");
    keys(&mut app, "s");
    match &app.mode {
        Mode::FullText { text, .. } => assert!(text.contains("+ spent = 299.58")),
        _ => panic!("the solution's difference is shown"),
    }
    assert_eq!(log.borrow().keys, ['h', 's', 'x', 's']);
    // Without a guide, h moves left as always.
    let mut plain = open(SEED, false);
    goto(&mut plain, "performance.special_funds[0].spent");
    let (row, col) = plain.cursor[plain.tab.index()];
    keys(&mut plain, "h");
    assert_eq!(plain.cursor[plain.tab.index()], (row, col - 1));
}

#[test]
fn every_save_is_handed_to_the_guide() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("work.toml");
    std::fs::write(&file, SEED).unwrap();
    let (keymap, _) = jixiao::tui::keymap::Keymap::from_texts(None);
    let mut app = App::open(
        SEED,
        Some(file.clone()),
        false,
        jixiao::scheme::SchemeSet::builtin(),
        keymap,
    )
    .ok()
    .unwrap();
    let (guide, log) = TestGuide::new();
    app.set_guide(guide);
    set(&mut app, "performance.special_funds[0].spent", "299.58");
    ctrl(&mut app, 's');
    assert!(said(&app).ends_with("；已交到班级文件夹"), "{}", said(&app));
    let on_disk = std::fs::read_to_string(&file).unwrap();
    assert_eq!(log.borrow().saved, [on_disk]);
}

#[test]
fn the_pane_at_80x24_and_120x40() {
    for (w, h) in [(80, 24), (120, 40)] {
        let (mut app, _) = guided();
        keys(&mut app, "3");
        let screen = draw(&mut app, w, h, Theme::COLOR);
        insta::assert_snapshot!(format!("guide_pane_{w}x{h}"), screen.backend());
    }
    let (mut app, _) = guided();
    keys(&mut app, "3");
    set(&mut app, "performance.special_funds[0].spent", "299.58");
    let screen = draw(&mut app, 80, 24, Theme::MONO);
    let text = screen.backend().to_string();
    assert!(text.contains("✓ 安全监管 收支平衡（F02）"), "{text}");
    assert!(text.contains("h 提示"));
    insta::assert_snapshot!("guide_pane_mono_80x24", screen.backend());
}
