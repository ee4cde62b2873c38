//! End to end: the real binary in a pseudo-terminal edits a value, saves, quits, and the file
//! on disk differs from the original in that one line only.

mod common;

use common::pty::{Session, wait_for_file};

#[test]
fn edit_save_and_quit_changes_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.toml");
    let original = std::fs::read_to_string("examples/lusong-emergency-2023.toml").unwrap();
    std::fs::write(&file, &original).unwrap();

    let mut s = Session::start(&["edit", file.to_str().unwrap()], 80, 24);
    s.wait_for("94 / 97");
    s.send("\r"); // edit the first field: 报告标题
    s.wait_for("Enter 确定");
    s.send("（修订）");
    s.send("\r");
    s.wait_for("[+]");
    s.send("\x13"); // Ctrl-S
    // The screen is redrawn by difference, so wait for the file rather than for the message.
    wait_for_file(&file, |t| t.contains("（修订）"));
    s.send("q");
    assert_eq!(s.wait_exit(), 0);

    let saved = std::fs::read_to_string(&file).unwrap();
    let changed: Vec<(&str, &str)> = original
        .lines()
        .zip(saved.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(original.lines().count(), saved.lines().count());
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(
        changed[0].1.contains("整体支出绩效自评报告（修订）"),
        "{changed:?}"
    );
    assert!(
        saved.contains("# 一、部门（单位）基本情况"),
        "comments survive"
    );
}

#[test]
fn view_never_writes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.toml");
    std::fs::copy("examples/lusong-emergency-2023.toml", &file).unwrap();
    let before = std::fs::read(&file).unwrap();
    let mut s = Session::start(&["view", file.to_str().unwrap()], 120, 40);
    s.wait_for("94 / 97");
    s.send("e");
    s.wait_for("只读");
    s.send("\x13");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert_eq!(std::fs::read(&file).unwrap(), before);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no backup, no temp file"
    );
}

#[test]
fn a_file_that_does_not_load_shows_the_error_screen_and_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.toml");
    let good = std::fs::read_to_string("examples/lusong-emergency-2023.toml").unwrap();
    std::fs::write(&file, good.replace("[budget]", "[budget")).unwrap();
    let mut s = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    s.wait_for("无法打开");
    s.wait_for("error[X01]");
    std::fs::write(&file, &good).unwrap();
    s.send("g");
    s.wait_for("94 / 97");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
