//! End to end in a pseudo-terminal at 80×24: a trainee completes the 专项资金 lesson by
//! editing the start report in the workbench (and does not by blanking a figure), progress
//! survives quitting and reopening; the trainer's grid picks up a new save by itself.

mod common;

use common::pty::{Session, wait_for_file};
use std::path::Path;
use std::time::{Duration, Instant};

/// `jixiao tutor` with its own data folder.
fn tutor(data: &Path) -> Session {
    let data = data.to_str().unwrap();
    Session::start_with_env(&["tutor"], &[("XDG_DATA_HOME", data)], 80, 24)
}

/// Opens the first lesson (专项资金) and closes its text; the cursor ends on the count.
fn open_lesson_at_the_count(s: &mut Session) {
    s.wait_for_screen(&first_line());
    s.send("\r");
    s.wait_for_screen("Esc 关闭这一页开始做题");
    s.send("\x1b");
    s.wait_for_screen(&format!("h 提示（已用 0/{}）", special_funds().hints.len()));
    // Search the count's label, then close the search on it.
    s.send("/专项资金个数\r");
    s.wait_for_screen("第 1/1 处");
    s.send("\x1b");
}

/// The list's line of the first lesson (专项资金), as far as its title goes.
fn first_line() -> String {
    let track = jixiao::tutor::shipped();
    assert_eq!(
        track[0].id, "special-funds",
        "the track starts with 专项资金"
    );
    format!("1. {}", track[0].title)
}

/// The list's head: `done` lessons done of the whole track.
fn done_of(done: usize) -> String {
    format!("已完成 {done}/{} 课", jixiao::tutor::shipped().len())
}

fn special_funds() -> jixiao::tutor::Lesson {
    jixiao::tutor::shipped()
        .into_iter()
        .find(|l| l.id == "special-funds")
        .unwrap()
}

/// The start of the pane's line for the lesson's `value` goal on `path`, marked met or not
/// (in the core's words, as far as one screen line surely holds).
fn goal_line(path: &str, met: bool) -> String {
    let lesson = special_funds();
    let index = lesson
        .goals
        .iter()
        .position(|g| {
            matches!(&g.kind, jixiao::tutor::GoalKind::Value { path: p, .. } if p.to_string() == path)
        })
        .unwrap_or_else(|| panic!("a value goal on {path}"));
    let text: String = jixiao::tutor::goal_text(&lesson, index)
        .chars()
        .take(18)
        .collect();
    format!("{} {text}", if met { "✓" } else { "✗" })
}

fn count_met() -> String {
    goal_line("performance.special_fund_count", true)
}

fn adjustment(met: bool) -> String {
    goal_line("performance.special_funds[0].adjustment", met)
}

#[test]
fn a_trainee_completes_the_special_funds_lesson_and_it_stays_done() {
    let data = tempfile::tempdir().unwrap();
    let work = data.path().join("jixiao/tutor/work/special-funds.toml");
    let mut s = tutor(data.path());
    open_lesson_at_the_count(&mut s);
    // Typing a digit on the count replaces it.
    s.send("4\r");
    s.wait_for_screen(&count_met());
    // Down to 安全监管's row, right to its 调整.
    s.send("jll");
    s.send("27.08\r");
    s.wait_for_screen(&adjustment(true));
    s.wait_for_screen("本课完成 ✓");
    s.send("\x13");
    wait_for_file(&work, |t| t.contains("adjustment = 27.08"));
    s.send("q");
    s.wait_for_screen(&done_of(1));
    s.send("q");
    assert_eq!(s.wait_exit(), 0);

    // Reopened: the lesson is done, judged again from the work copy.
    let mut s = tutor(data.path());
    s.wait_for_screen(&done_of(1));
    let points = special_funds().points;
    s.wait_for_screen(&format!("已完成  {points}/{points}"));
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn blanking_the_figure_does_not_complete_the_lesson() {
    let data = tempfile::tempdir().unwrap();
    let work = data.path().join("jixiao/tutor/work/special-funds.toml");
    let mut s = tutor(data.path());
    open_lesson_at_the_count(&mut s);
    s.send("4\r");
    s.wait_for_screen(&count_met());
    s.send("jll");
    // Open the editor on 270.08 and delete it all.
    s.send("\r");
    s.wait_for_screen("Enter 确定");
    s.send(&"\x7f".repeat(8));
    s.send("\r");
    s.wait_for_screen(&adjustment(false));
    s.send("\x13");
    wait_for_file(&work, |t| !t.contains("270.08"));
    s.send("q");
    s.wait_for_screen(&done_of(0));
    s.wait_for_screen("进行中");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn a_locked_figure_is_refused_on_screen() {
    let data = tempfile::tempdir().unwrap();
    let mut s = tutor(data.path());
    open_lesson_at_the_count(&mut s);
    // 安全监管's 实际支出 is the fourth cell of its row.
    s.send("jlll\r");
    let reason: String =
        jixiao::tutor::locked_reason(&special_funds(), "performance.special_funds[0].spent")
            .unwrap()
            .chars()
            .take(20)
            .collect();
    assert!(reason.starts_with("本课锁定了"), "{reason}");
    s.wait_for_screen(&reason);
    s.send("q");
    s.wait_for_screen("进行中");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn the_class_grid_picks_up_a_new_save_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let class = dir.path().join("class");
    jixiao::tutor::class_init(&class).unwrap();
    let mut s = Session::start(&["class", class.to_str().unwrap()], 80, 24);
    s.wait_for_screen("班级文件夹里还没有学员交来的作业");
    let lesson = special_funds();
    let saved = Instant::now();
    jixiao::tutor::hand_in(&class, "trainee-a", "special-funds", &lesson.start).unwrap();
    // No key is sent: the grid polls the folder.
    s.wait_for_screen("trainee-a");
    assert!(
        saved.elapsed() < Duration::from_secs(5),
        "picked up after {:?}",
        saved.elapsed()
    );
    s.wait_for_screen("F01 仍有 1/1 人没改对");
    // Enter on the handed-in cell opens it read-only; q comes back to the grid.
    s.send("\r");
    s.wait_for_screen("[只读]");
    s.send("q");
    s.wait_for_screen("Enter 只读打开");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

mod e2e;

#[test]
fn class_and_name_are_checked_before_any_screen() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut cmd = e2e::jixiao();
        cmd.env("XDG_DATA_HOME", data.path()).args(args);
        e2e::run_cmd(&mut cmd)
    };
    let r = run(&["tutor", "--name", "甲"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--name 要和 --class 一起用"),
        "{}",
        r.stderr
    );
    let missing = data.path().join("no-such-class");
    let r = run(&[
        "tutor",
        "--class",
        missing.to_str().unwrap(),
        "--name",
        "甲",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("不存在"), "{}", r.stderr);
    assert!(r.stderr.contains("jixiao class init"), "{}", r.stderr);
    let class = data.path().join("class");
    jixiao::tutor::class_init(&class).unwrap();
    let r = run(&["tutor", "--class", class.to_str().unwrap(), "--name", ".."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // Not a terminal: the lists as text, no screen.
    let r = run(&["tutor", "--class", class.to_str().unwrap(), "--name", "甲"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("专项资金"), "{}", r.stdout);
    assert!(!e2e::has_raw_controls(r.stdout.as_bytes()));
    let r = run(&["class", class.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!e2e::has_raw_controls(r.stdout.as_bytes()));
}

#[test]
fn a_trainee_with_a_class_hands_in_on_save() {
    let data = tempfile::tempdir().unwrap();
    let class = data.path().join("class");
    jixiao::tutor::class_init(&class).unwrap();
    let mut s = Session::start_with_env(
        &["tutor", "--class", class.to_str().unwrap(), "--name", "甲"],
        &[("XDG_DATA_HOME", data.path().to_str().unwrap())],
        80,
        24,
    );
    s.wait_for_screen("学员 甲 · 班级 class");
    open_lesson_at_the_count(&mut s);
    s.send("4\r");
    s.wait_for_screen(&count_met());
    s.send("\x13");
    wait_for_file(&class.join("甲/special-funds.toml"), |t| {
        t.contains("special_fund_count = 4")
    });
    s.send("q");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn a_signal_in_a_lesson_keeps_the_edit_and_restores_the_terminal() {
    let data = tempfile::tempdir().unwrap();
    let work_dir = data.path().join("jixiao/tutor/work");
    let mut s = tutor(data.path());
    open_lesson_at_the_count(&mut s);
    s.send("4\r");
    s.wait_for_screen(&count_met());
    // Not saved: the recovery file beside the work copy holds the edit.
    wait_for_file(&work_dir.join(".special-funds.toml.jixiao-recover"), |t| {
        t.contains("special_fund_count = 4")
    });
    s.clear_output();
    s.signal(libc::SIGHUP);
    s.wait_exit();
    let raw = s.output.lock().unwrap().clone();
    assert!(
        raw.contains("\x1b[?1049l"),
        "the alternate screen is left: {raw:?}"
    );
    assert!(
        !work_dir.join(".special-funds.toml.jixiao-lock").exists(),
        "the lock is released"
    );
    // Reopened, the lesson offers the edit back.
    let mut s = tutor(data.path());
    s.wait_for_screen(&first_line());
    s.send("\r");
    s.wait_for("恢复");
    s.send("r");
    s.wait_for_screen(&count_met());
    s.send("\x13");
    wait_for_file(&work_dir.join("special-funds.toml"), |t| {
        t.contains("special_fund_count = 4")
    });
    s.send("q");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn a_signal_on_the_class_grid_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let class = dir.path().join("class");
    jixiao::tutor::class_init(&class).unwrap();
    let mut s = Session::start(&["class", class.to_str().unwrap()], 80, 24);
    s.wait_for_screen("班级文件夹里还没有学员交来的作业");
    s.clear_output();
    s.signal(libc::SIGTERM);
    s.wait_exit();
    let raw = s.output.lock().unwrap().clone();
    assert!(
        raw.contains("\x1b[?1049l"),
        "the alternate screen is left: {raw:?}"
    );
}

#[test]
fn a_c_locale_is_warned_about_on_the_lesson_list() {
    let data = tempfile::tempdir().unwrap();
    let mut s = Session::start_with_env(
        &["tutor"],
        &[
            ("XDG_DATA_HOME", data.path().to_str().unwrap()),
            ("LC_ALL", "C"),
        ],
        80,
        24,
    );
    s.wait_for_screen("不是 UTF-8");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
