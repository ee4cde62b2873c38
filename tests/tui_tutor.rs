//! `jixiao tutor` and `jixiao class` screens: update() tests of the lesson list, a lesson in
//! the workbench with its pane, the class grid; TestBackend snapshots at 80×24 and NO_COLOR.
//!
//! The lessons are the test track in `tests/fixtures/lessons/` (the 专项资金 lesson with its
//! goals' texts written out, and a copy with a `review` goal): the screens are tested, and
//! their snapshots do not follow the shipped lessons' wording. The shipped track is judged by
//! the core's tests and run end to end in `tests/tutor_pty.rs`.

mod common;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jixiao::scheme::SchemeSet;
use jixiao::tui::app::{App, Mode};
use jixiao::tui::class::{ClassAction, ClassScreen};
use jixiao::tui::keymap::Keymap;
use jixiao::tui::theme::Theme;
use jixiao::tui::tutor::{Class, TutorList};
use jixiao::tui::view;
use jixiao::tutor::{self, Status, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use std::path::Path;

fn keymap() -> Keymap {
    Keymap::from_texts(None).0
}

/// The test track.
fn lessons() -> Vec<tutor::Lesson> {
    tutor::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lessons")).unwrap()
}

/// The 专项资金 lesson of the test track.
fn funds_lesson() -> tutor::Lesson {
    lessons().into_iter().find(|l| l.id == "funds").unwrap()
}

fn list_in(dir: &Path, class: Option<Class>) -> TutorList {
    TutorList::new(
        lessons(),
        Workspace::at(dir.join("tutor")),
        SchemeSet::builtin(),
        class,
    )
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The index of the 专项资金 lesson in the test track.
fn special_funds(list: &TutorList) -> usize {
    list.lessons
        .iter()
        .position(|l| l.id == "funds")
        .expect("the 专项资金 lesson is in the test track")
}

/// Opens the 专项资金 lesson from the list, as Enter does.
fn open_special_funds(list: &mut TutorList) -> App {
    list.selected = special_funds(list);
    let index = list
        .key(key(KeyCode::Enter))
        .expect("Enter opens the lesson");
    let (app, first) = list.open(index, keymap()).unwrap();
    assert!(first || list.rows[index].status != Status::NotStarted);
    app
}

fn goals(app: &App) -> Vec<(String, bool)> {
    app.guide()
        .unwrap()
        .pane()
        .lines
        .into_iter()
        .filter_map(|l| l.mark.map(|m| (l.text, m)))
        .collect()
}

fn all_met(app: &App) -> bool {
    goals(app).iter().all(|(_, met)| *met)
}

fn draw_app(app: &mut App, w: u16, h: u16, theme: Theme) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut drawn = None;
    terminal
        .draw(|f| drawn = Some(view::draw(f, app, theme)))
        .unwrap();
    app.apply_layout(drawn.unwrap());
    terminal
}

fn no_colour(terminal: &Terminal<TestBackend>) {
    for cell in terminal.backend().buffer().content() {
        assert!(matches!(cell.fg, Color::Reset), "{cell:?}");
        assert!(matches!(cell.bg, Color::Reset), "{cell:?}");
    }
}

/// Edits the 专项资金 lesson's two wrong figures to the right ones.
fn solve(app: &mut App) {
    set(app, "performance.special_fund_count", "4");
    assert!(!all_met(app), "one figure is not enough");
    set(app, "performance.special_funds[0].adjustment", "27.08");
}

#[test]
fn the_list_starts_with_every_lesson_not_started() {
    let dir = tempfile::tempdir().unwrap();
    let list = list_in(dir.path(), None);
    assert!(!list.lessons.is_empty());
    assert!(list.rows.iter().all(|r| r.status == Status::NotStarted));
    for (w, h) in [(80, 24), (120, 40)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal.draw(|f| list.draw(f, Theme::COLOR)).unwrap();
        let screen = terminal.backend().to_string();
        assert!(screen.contains("专项资金"), "{screen}");
        assert!(screen.contains("未开始"));
        assert!(screen.contains("Enter 开始/继续"));
    }
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| list.draw(f, Theme::MONO)).unwrap();
    no_colour(&terminal);
}

#[test]
fn the_lesson_is_completed_in_the_update_that_commits_the_last_figure() {
    let dir = tempfile::tempdir().unwrap();
    let mut list = list_in(dir.path(), None);
    let mut app = open_special_funds(&mut list);
    // The work copy is made from the start report, and the start fails a goal.
    let work = dir.path().join("tutor/work/funds.toml");
    assert!(work.is_file());
    assert!(!all_met(&app));
    let pane = app.guide().unwrap().pane();
    assert!(pane.title.contains("专项资金"), "{}", pane.title);
    // The cursor starts on the first goal's field, on its tab.
    let cell = &app.current_row().unwrap().cells[app.cursor[app.tab.index()].1];
    assert_eq!(cell.path.to_string(), "performance.special_fund_count");
    solve(&mut app);
    assert!(all_met(&app), "{:?}", goals(&app));
    let pane = app.guide().unwrap().pane();
    assert!(pane.lines.iter().any(|l| l.text.starts_with("本课完成 ✓")));
    // Saved, the list shows it done (judged from the work copy).
    ctrl(&mut app, 's');
    assert!(said(&app).contains("本课完成 ✓"), "{}", said(&app));
    list.refresh();
    let row = &list.rows[special_funds(&list)];
    assert_eq!(row.status, Status::Done);
    assert_eq!(row.points, row.max_points);
}

#[test]
fn blanking_a_figure_does_not_complete_the_lesson() {
    let dir = tempfile::tempdir().unwrap();
    let mut list = list_in(dir.path(), None);
    let mut app = open_special_funds(&mut list);
    set(&mut app, "performance.special_fund_count", "4");
    goto(&mut app, "performance.special_funds[0].adjustment");
    press(&mut app, KeyCode::Enter);
    clear_editor(&mut app);
    press(&mut app, KeyCode::Enter);
    assert!(!app.text().contains("adjustment = 270.08"));
    assert!(!all_met(&app), "{:?}", goals(&app));
    ctrl(&mut app, 's');
    list.refresh();
    assert_eq!(list.rows[special_funds(&list)].status, Status::InProgress);
}

#[test]
fn a_locked_figure_is_refused_with_the_lessons_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut list = list_in(dir.path(), None);
    let mut app = open_special_funds(&mut list);
    let before = app.text();
    goto(&mut app, "performance.special_funds[0].spent");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal));
    assert!(said(&app).starts_with("本课锁定了"), "{}", said(&app));
    assert!(said(&app).contains("决算报表"), "{}", said(&app));
    // Deleting the row would move every locked figure after it.
    keys(&mut app, "d");
    assert!(said(&app).starts_with("本课锁定了"), "{}", said(&app));
    assert_eq!(app.text(), before);
}

#[test]
fn hints_come_in_order_and_the_explain_hint_opens_the_full_screen_explanation() {
    let dir = tempfile::tempdir().unwrap();
    let mut list = list_in(dir.path(), None);
    let mut app = open_special_funds(&mut list);
    keys(&mut app, "h");
    assert!(said(&app).starts_with("提示 1/3："), "{}", said(&app));
    keys(&mut app, "h");
    assert!(said(&app).starts_with("提示 2/3："), "{}", said(&app));
    keys(&mut app, "h");
    assert!(
        matches!(app.mode, Mode::Explain { rule: "F02", .. }),
        "the third hint is F02's explanation"
    );
    press(&mut app, KeyCode::Esc);
    // The pane keeps the last hint; the progress counts three.
    let pane = app.guide().unwrap().pane();
    assert!(pane.lines.iter().any(|l| l.text.starts_with("提示 3/3")));
    let progress = Workspace::at(dir.path().join("tutor")).progress();
    assert_eq!(progress.lesson("funds").hints_used, 3);
    drop(app);
    list.refresh();
    assert_eq!(list.rows[special_funds(&list)].hints, 3);
}

#[test]
fn the_solution_is_shown_only_once_done() {
    let dir = tempfile::tempdir().unwrap();
    let mut list = list_in(dir.path(), None);
    let mut app = open_special_funds(&mut list);
    keys(&mut app, "s");
    assert!(app.status.as_ref().unwrap().error);
    assert!(said(&app).starts_with("完成全部目标后才能看参考答案"));
    solve(&mut app);
    keys(&mut app, "s");
    let Mode::FullText { text, .. } = &app.mode else {
        panic!("the solution's difference is shown");
    };
    assert!(text.contains("参考答案改了这些地方"), "{text}");
    assert!(text.contains("adjustment = 27.08"), "{text}");
    assert!(text.contains("你改了这些地方"), "{text}");
    // t shows the lesson's text.
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "t");
    assert!(matches!(app.mode, Mode::FullText { .. }));
}

#[test]
fn progress_survives_reopening_the_lesson() {
    let dir = tempfile::tempdir().unwrap();
    let mut list = list_in(dir.path(), None);
    let mut app = open_special_funds(&mut list);
    set(&mut app, "performance.special_fund_count", "4");
    keys(&mut app, "h");
    ctrl(&mut app, 's');
    drop(app);
    // A new list over the same folder (a new process): the lesson is in progress, resumed
    // from the work copy, with the hint still counted.
    let mut list = list_in(dir.path(), None);
    let index = special_funds(&list);
    assert_eq!(list.rows[index].status, Status::InProgress);
    assert_eq!(list.rows[index].hints, 1);
    list.selected = index;
    let (app, first) = list.open(index, keymap()).unwrap();
    assert!(!first, "a resumed lesson does not show its text first");
    assert!(app.text().contains("special_fund_count = 4"));
    let met: Vec<bool> = goals(&app).iter().map(|(_, m)| *m).collect();
    assert!(met.iter().any(|m| *m) && !met.iter().all(|m| *m), "{met:?}");
}

#[test]
fn with_a_class_every_save_hands_in() {
    let dir = tempfile::tempdir().unwrap();
    let class_dir = dir.path().join("class");
    tutor::class_init(&class_dir).unwrap();
    let class = Class {
        dir: class_dir.clone(),
        name: "张三".into(),
    };
    let mut list = list_in(dir.path(), Some(class));
    let mut app = open_special_funds(&mut list);
    solve(&mut app);
    ctrl(&mut app, 's');
    assert!(said(&app).ends_with("已交到班级文件夹"), "{}", said(&app));
    let handed = std::fs::read_to_string(class_dir.join("张三/funds.toml")).unwrap();
    assert_eq!(handed, app.text());
    // The save recorded the lesson done, in the trainee's progress and in the copy of it
    // handed in beside the work.
    let points = funds_lesson().points;
    let own = Workspace::at(dir.path().join("tutor")).progress();
    assert_eq!(own.lesson("funds").status, Status::Done);
    assert_eq!(own.lesson("funds").points, points);
    let handed = tutor::Progress::parse(
        &std::fs::read_to_string(class_dir.join("张三/progress.toml")).unwrap(),
    );
    assert_eq!(handed.lesson("funds"), own.lesson("funds"));
}

#[test]
fn the_lesson_pane_fits_at_80x24_and_in_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let mut list = list_in(dir.path(), None);
    let mut app = open_special_funds(&mut list);
    assert_eq!(app.tab.index(), 2, "the lesson opens on 项目资金");
    set(&mut app, "performance.special_fund_count", "4");
    let terminal = draw_app(&mut app, 80, 24, Theme::MONO);
    no_colour(&terminal);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("第 1 课"), "{screen}");
    assert!(screen.contains("✓ "), "{screen}");
    assert!(screen.contains("✗ "), "{screen}");
    assert!(screen.contains("h 提示"), "{screen}");
    insta::assert_snapshot!("lesson_80x24_mono", terminal.backend());
    let terminal = draw_app(&mut app, 120, 40, Theme::COLOR);
    insta::assert_snapshot!("lesson_120x40", terminal.backend());
}

/// A class folder with three trainees' copies of the 专项资金 lesson: one solved, one
/// untouched, one "fixed" by blanking the figures.
fn class_of_three(dir: &Path) -> std::path::PathBuf {
    let class_dir = dir.join("class");
    tutor::class_init(&class_dir).unwrap();
    let lesson = funds_lesson();
    let solved = lesson
        .start
        .replacen("special_fund_count = 5", "special_fund_count = 4", 1)
        .replacen("adjustment = 270.08", "adjustment = 27.08", 1);
    assert_ne!(solved, lesson.start);
    let blanked = lesson
        .start
        .replacen("special_fund_count = 5", "special_fund_count = 4", 1)
        .replacen("adjustment = 270.08", "adjustment = \"\"", 1);
    for (name, text) in [("甲", &solved), ("乙", &lesson.start), ("丙", &blanked)] {
        for id in ["funds", "review"] {
            tutor::hand_in(&class_dir, name, id, text).unwrap();
        }
    }
    class_dir
}

fn class_screen(dir: &Path) -> ClassScreen {
    ClassScreen::new(dir.to_owned(), lessons(), SchemeSet::builtin())
}

#[test]
fn the_class_grid_judges_every_file_and_names_what_the_room_gets_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let class_dir = class_of_three(dir.path());
    let mut screen = class_screen(&class_dir);
    // The clock of the last judging is not part of the snapshot.
    screen.judged_at = None;
    screen.col = screen.lessons.iter().position(|l| l.id == "funds").unwrap();
    let done: Vec<(String, bool)> = screen
        .view
        .records
        .iter()
        .filter(|r| r.lesson == "funds")
        .map(|r| (r.trainee.clone(), r.done))
        .collect();
    assert_eq!(
        done,
        [
            ("丙".to_owned(), false),
            ("乙".to_owned(), false),
            ("甲".to_owned(), true)
        ]
    );
    for (w, h) in [(80, 24), (120, 40)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal.draw(|f| screen.draw(f, Theme::COLOR)).unwrap();
        let text = terminal.backend().to_string();
        // 乙 left both mistakes; 丙's blanking silenced F02, which is not putting it right.
        assert!(text.contains("F01 仍有 1/3 人没改对"), "{text}");
        assert!(text.contains("F02 仍有 2/3 人没改对"), "{text}");
        assert!(text.contains("✓"), "{text}");
        insta::assert_snapshot!(format!("class_{w}x{h}"), terminal.backend());
    }
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| screen.draw(f, Theme::MONO)).unwrap();
    no_colour(&terminal);
}

#[test]
fn enter_opens_a_handed_in_file_and_refuses_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let class_dir = class_of_three(dir.path());
    // 甲 has not handed in the second lesson.
    std::fs::remove_file(class_dir.join("甲/review.toml")).unwrap();
    let mut screen = class_screen(&class_dir);
    screen.col = 0;
    screen.row = 2; // 甲
    assert_eq!(
        screen.key(key(KeyCode::Enter)),
        Some(ClassAction::Open(class_dir.join("甲/funds.toml")))
    );
    screen.col = 1;
    assert_eq!(screen.key(key(KeyCode::Enter)), None);
    assert_eq!(screen.status.as_ref().unwrap().0, "甲 还没有交这一课");
    // Moving stays inside the grid.
    for _ in 0..10 {
        screen.key(key(KeyCode::Down));
        screen.key(key(KeyCode::Right));
    }
    assert_eq!(screen.row, 2);
    assert_eq!(screen.col, screen.lessons.len() - 1);
    screen.key(key(KeyCode::Char('q')));
    assert!(screen.quit);
}

#[test]
fn a_new_save_is_picked_up_by_the_next_poll() {
    let dir = tempfile::tempdir().unwrap();
    let class_dir = class_of_three(dir.path());
    let mut screen = class_screen(&class_dir);
    assert!(!screen.poll(), "nothing changed, nothing re-judged");
    let lesson = funds_lesson();
    let solved = lesson
        .start
        .replacen("special_fund_count = 5", "special_fund_count = 4", 1)
        .replacen("adjustment = 270.08", "adjustment = 27.08", 1);
    tutor::hand_in(&class_dir, "乙", "funds", &solved).unwrap();
    assert!(screen.poll());
    let record = screen
        .view
        .records
        .iter()
        .find(|r| r.trainee == "乙" && r.lesson == "funds")
        .unwrap();
    assert!(record.done);
    // A new trainee too.
    tutor::hand_in(&class_dir, "丁", "funds", &lesson.start).unwrap();
    assert!(screen.poll());
    assert_eq!(screen.view.trainees.len(), 4);
}

#[test]
fn a_accepts_the_selected_cells_review_goal() {
    let dir = tempfile::tempdir().unwrap();
    let class_dir = class_of_three(dir.path());
    let mut screen = class_screen(&class_dir);
    screen.col = 1; // the lesson with a review goal
    screen.row = 2; // 甲: solved, but the review goal waits.
    assert!(!screen.selected().unwrap().done);
    screen.key(key(KeyCode::Char('a')));
    let (message, error) = screen.status.clone().unwrap();
    assert!(!error, "{message}");
    assert!(message.starts_with("已认可 甲："), "{message}");
    assert!(
        screen.selected().unwrap().done,
        "re-judged with the goal accepted"
    );
    // Again: nothing left to accept.
    screen.key(key(KeyCode::Char('a')));
    assert!(screen.status.clone().unwrap().0.contains("都已认可"));
    // 乙 (untouched) is not done even with the review goal accepted.
    screen.row = 1;
    screen.key(key(KeyCode::Char('a')));
    assert!(!screen.selected().unwrap().done);
    // A lesson without review goals says so.
    let mut plain = class_screen(&class_dir);
    plain.key(key(KeyCode::Char('a')));
    let (message, _) = plain.status.clone().unwrap();
    assert!(
        message.contains("没有需要教员认可的目标") || message.contains("还没有交"),
        "{message}"
    );
}

#[test]
fn a_long_track_scrolls_the_grid_sideways_to_the_selected_lesson() {
    let dir = tempfile::tempdir().unwrap();
    let class_dir = class_of_three(dir.path());
    // Twenty lessons: the 专项资金 lesson, then copies under other ids.
    let first = funds_lesson();
    let mut lessons = vec![first.clone()];
    for i in 2..=20 {
        let mut copy = first.clone();
        copy.id = format!("copy-{i}");
        lessons.push(copy);
    }
    let mut screen = ClassScreen::new(class_dir, lessons, SchemeSet::builtin());
    screen.judged_at = None;
    let draw = |screen: &ClassScreen| {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| screen.draw(f, Theme::COLOR)).unwrap();
        terminal.backend().to_string()
    };
    // The grid's header is the second line.
    let header = |text: &str| text.lines().nth(1).unwrap().to_owned();
    let text = draw(&screen);
    assert!(header(&text).contains(" 1 "), "{text}");
    assert!(!header(&text).contains(" 20 "), "{text}");
    for _ in 0..19 {
        screen.key(key(KeyCode::Right));
    }
    assert_eq!(screen.col, 19);
    let text = draw(&screen);
    assert!(
        header(&text).contains(" 20 "),
        "the selected lesson is in view: {text}"
    );
    assert!(header(&text).contains("学员 ‹"), "{text}");
    assert!(text.contains("第20课"), "the detail names it: {text}");
}

#[test]
fn the_lesson_list_snapshot_at_80x24_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let list = list_in(dir.path(), None);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| list.draw(f, Theme::MONO)).unwrap();
    insta::assert_snapshot!("lesson_list_80x24_mono", terminal.backend());
}

#[test]
fn a_work_copy_edited_outside_with_a_locked_figure_changed_is_marked_on_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut list = list_in(dir.path(), None);
    let index = special_funds(&list);
    drop(open_special_funds(&mut list));
    // A text editor changes 安全监管's 实际支出 (locked) so that the balance holds.
    let work = dir.path().join("tutor/work/funds.toml");
    let text = std::fs::read_to_string(&work).unwrap();
    let edited = text
        .replacen("special_fund_count = 5", "special_fund_count = 4", 1)
        .replacen("spent = 56.58", "spent = 299.58", 1);
    assert_ne!(edited, text);
    std::fs::write(&work, edited).unwrap();
    list.refresh();
    let row = &list.rows[index];
    assert_eq!(row.status, Status::InProgress);
    assert_eq!(row.points, 0, "no points while a locked figure is changed");
    let problem = row.problem.clone().unwrap();
    assert!(problem.starts_with("锁定的数被改动了"), "{problem}");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    list.selected = index;
    terminal.draw(|f| list.draw(f, Theme::MONO)).unwrap();
    let screen = terminal.backend().to_string();
    assert!(screen.contains(" ✗  1. 专项资金"), "{screen}");
    assert!(screen.contains("✗ 锁定的数被改动了"), "{screen}");
}

#[test]
fn enter_shows_the_trainees_goals_beside_the_read_only_file_and_a_accepts_there() {
    let dir = tempfile::tempdir().unwrap();
    let class_dir = class_of_three(dir.path());
    let mut screen = class_screen(&class_dir);
    screen.row = 2; // 甲, solved
    screen.col = 1; // the lesson with a review goal
    assert!(matches!(
        screen.key(key(KeyCode::Enter)),
        Some(ClassAction::Open(_))
    ));
    let mut app = screen.open_selected(keymap()).unwrap();
    assert!(app.read_only);
    let cell = &app.current_row().unwrap().cells[app.cursor[app.tab.index()].1];
    assert_eq!(
        cell.path.to_string(),
        "performance.special_fund_count",
        "the cursor starts on the lesson's first goal"
    );
    let pane = app.guide().unwrap().pane();
    assert!(pane.title.starts_with("甲 · 第 2 课"), "{}", pane.title);
    let marks: Vec<bool> = goals(&app).iter().map(|(_, m)| *m).collect();
    assert_eq!(marks.iter().filter(|m| !**m).count(), 1, "{marks:?}");
    // Edits stay refused.
    let before = app.text();
    set(&mut app, "performance.special_fund_count", "9");
    assert_eq!(app.text(), before);
    // s: what the solution and the trainee changed.
    keys(&mut app, "s");
    let Mode::FullText { text, .. } = &app.mode else {
        panic!("the difference is shown");
    };
    assert!(text.contains("学员改了这些地方"), "{text}");
    assert!(text.contains("adjustment = 27.08"), "{text}");
    press(&mut app, KeyCode::Esc);
    // a: the review goal is accepted, the pane judged again at once.
    keys(&mut app, "a");
    assert!(said(&app).starts_with("已认可："), "{}", said(&app));
    assert!(all_met(&app), "{:?}", goals(&app));
    keys(&mut app, "a");
    assert_eq!(said(&app), "这一课没有待认可的目标");
    // Back on the grid, 甲's lesson is done.
    drop(app);
    screen.rejudge();
    assert!(screen.selected().unwrap().done);
}

/// A lesson of the test track's 专项资金 report with many goals: ten met from the start,
/// and the two the report gets wrong last of all.
fn many_goals_lesson(dir: &Path) -> Vec<tutor::Lesson> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lessons");
    for file in ["funds.start.toml", "funds.solution.toml"] {
        std::fs::copy(fixtures.join(file), dir.join(file)).unwrap();
    }
    let mut lesson = String::from(
        "format = \"jixiao-lesson/1\"\nid = \"many\"\ntitle = \"目标很多的一课\"\n\
         text = \"这一课的目标很多。\"\nstart = \"funds.start.toml\"\n\
         solution = \"funds.solution.toml\"\n",
    );
    for (i, field) in ["name", "budget", "spent", "carryover", "description"]
        .iter()
        .enumerate()
    {
        for row in [1, 2] {
            lesson.push_str(&format!(
                "\n[[goal]]\nfilled = \"performance.special_funds[{row}].{field}\"\n\
                 text = \"已达成的目标 {}-{row}\"\n",
                i + 1
            ));
        }
    }
    lesson.push_str(
        "\n[[goal]]\nclears = { rule = \"F02\", path = \"performance.special_funds[0]\" }\n\
         text = \"安全监管收支平衡（F02 不再出现）\"\n\
         \n[[goal]]\nvalue = { path = \"performance.special_funds[0].adjustment\", equals = \"27.08\" }\n\
         text = \"安全监管的年中调整填 27.08\"\n\
         \n[[hint]]\ntext = \"调整 = 56.58 − 29.50。\"\n",
    );
    std::fs::write(dir.join("many.toml"), lesson).unwrap();
    tutor::load_dir(dir).unwrap()
}

#[test]
fn at_80x24_a_lesson_of_many_goals_shows_every_goal_not_met_and_the_done_line() {
    let lessons_dir = tempfile::tempdir().unwrap();
    let lessons = many_goals_lesson(lessons_dir.path());
    assert_eq!(lessons[0].goals.len(), 12);
    let dir = tempfile::tempdir().unwrap();
    let mut list = TutorList::new(
        lessons,
        Workspace::at(dir.path().join("tutor")),
        SchemeSet::builtin(),
        None,
    );
    let (mut app, _) = list.open(0, keymap()).unwrap();
    let terminal = draw_app(&mut app, 80, 24, Theme::MONO);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("✗ 安全监管收支平衡"), "{screen}");
    assert!(screen.contains("✗ 安全监管的年中调整填 27.08"), "{screen}");
    assert!(screen.contains("✓ 另有 10 个目标已达成"), "{screen}");
    insta::assert_snapshot!("lesson_many_goals_80x24", terminal.backend());

    set(&mut app, "performance.special_funds[0].adjustment", "27.08");
    assert!(all_met(&app));
    let terminal = draw_app(&mut app, 80, 24, Theme::MONO);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("✓ 12 个目标都已达成"), "{screen}");
    assert!(screen.contains("本课完成"), "{screen}");
    insta::assert_snapshot!("lesson_many_goals_done_80x24", terminal.backend());

    // A box of a few rows: the goals not met, each on one row.
    let (mut app, _) = list.open(0, keymap()).unwrap();
    let terminal = draw_app(&mut app, 80, 12, Theme::MONO);
    let screen = terminal.backend().to_string();
    assert!(
        screen.contains("✗ 安全监管收支平衡") && screen.contains("✗ 安全监管的年中调整"),
        "{screen}"
    );
}

#[test]
fn the_grid_takes_back_an_acceptance_once_the_trainee_changes_the_copy_and_a_accepts_again() {
    let dir = tempfile::tempdir().unwrap();
    let class_dir = class_of_three(dir.path());
    let mut screen = class_screen(&class_dir);
    screen.col = 1; // the lesson with a review goal
    screen.row = 2; // 甲: solved, the review goal waits.
    screen.key(key(KeyCode::Char('a')));
    assert!(screen.selected().unwrap().done);
    // 甲 writes something else into the copy the trainer accepted and saves.
    let accepted = std::fs::read_to_string(class_dir.join("甲/review.toml")).unwrap();
    let changed = accepted.replacen("[closing]", "[closing]\n# 改过了", 1);
    assert_ne!(changed, accepted);
    tutor::hand_in(&class_dir, "甲", "review", &changed).unwrap();
    screen.poll();
    assert!(!screen.selected().unwrap().done, "the acceptance is void");
    // a: accepted again, for the copy as it is now.
    screen.key(key(KeyCode::Char('a')));
    assert!(screen.status.clone().unwrap().0.starts_with("已认可 甲："));
    assert!(screen.selected().unwrap().done);
}
