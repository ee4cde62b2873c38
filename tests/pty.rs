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
    // An edit key (e in view explains the cell, and its overlay would take the Ctrl-S) is
    // refused; the footer's 只读 is on the screen from the start, so wait for the refusal.
    s.send("d");
    s.wait_for_screen("只读模式：不能修改或保存");
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

/// The workbench (80×24) on a copy of the seed, in the editor of tab 3's
/// 六（一）整体支出绩效情况, a long text. The folder lives as long as the first of the three.
fn editing_the_overall_text() -> (tempfile::TempDir, std::path::PathBuf, Session) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.toml");
    std::fs::copy("examples/lusong-emergency-2023.toml", &file).unwrap();
    let mut s = Session::start(&["edit", file.to_str().unwrap()], 80, 24);
    s.wait_for("94 / 97");
    s.send("/整体支出绩效情况\r\x1b"); // found on tab 3; Esc closes the search
    s.send("\r");
    s.wait_for("performance.overall");
    (dir, file, s)
}

#[test]
fn a_paste_of_two_thousand_characters_as_plain_keystrokes_lands_whole_and_the_next_key_acts_at_once()
 {
    let (_dir, file, mut s) = editing_the_overall_text();
    // No bracketed-paste markers: the terminal sends the text as keys, in one write.
    let pasted: String = "安全生产监管应急救援能力建设防灾减灾"
        .chars()
        .cycle()
        .take(2000)
        .collect();
    s.clear_output();
    let started = std::time::Instant::now();
    s.send_quick(&format!("{pasted}\r"));
    s.send_quick("\x13"); // Ctrl-S, in normal mode again: saves
    wait_for_file(&file, |t| t.contains(&pasted));
    let took = started.elapsed();
    s.wait_for_screen("已保存");
    eprintln!(
        "paste of 2,000 characters ({} bytes) as keys, committed and saved in {took:?}; \
         {} bytes drawn for the 2,002 keys",
        pasted.len(),
        s.output.lock().unwrap().len()
    );
    assert!(
        took < std::time::Duration::from_secs(5),
        "the paste and the save took {took:?}"
    );
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn keys_typed_ahead_in_one_burst_fill_one_cell_each() {
    // A slow connection delivers typed-ahead keys together, as a paste would: Enter must
    // still commit each short value, and l move right, in the indicator sheet's long-text
    // cells too (三级指标, 年度指标值).
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.toml");
    std::fs::copy("examples/lusong-emergency-2023.toml", &file).unwrap();
    let mut s = Session::start(&["edit", file.to_str().unwrap()], 80, 24);
    s.wait_for("94 / 97");
    s.send("\x1b4"); // Alt-4: tab 4
    s.wait_for_screen("二级指标");
    s.send("\x1b[B\x1b[B\x1b[B"); // ↓↓↓: the first indicator row, 二级指标
    s.send_quick("\r甲\rl\r乙\rl\r丙\r");
    s.send_quick("\x13");
    wait_for_file(&file, |t| t.contains("丙\""));
    // Enter opens each cell with its text, so each value ends its own field.
    let report: toml::Table = std::fs::read_to_string(&file).unwrap().parse().unwrap();
    let first = &report["score_sheet"]["groups"][0]["indicators"][0];
    for (key, end) in [("category", "甲"), ("name", "乙"), ("target", "丙")] {
        let value = first[key].as_str().unwrap();
        assert!(
            value.ends_with(end) && !value.contains('\n'),
            "{key} = {value:?}"
        );
    }
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn a_paste_as_keystrokes_keeps_its_line_breaks_in_the_field_and_acts_on_nothing_else() {
    let (_dir, file, mut s) = editing_the_overall_text();
    // Two paragraphs, the break sent as the terminal sends Enter; the second starts with an
    // ASCII letter that is a command (n: next finding) outside the editor.
    s.send_quick("第一段。\rn第二段");
    s.send("\r");
    s.send("\x13");
    wait_for_file(&file, |t| t.contains("n第二段"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("第一段。\nn第二段") || text.contains("第一段。\\nn第二段"),
        "both paragraphs, in the same field: {text}"
    );
    assert_eq!(
        text.matches("第二段").count(),
        1,
        "no part of the paste went to another field"
    );
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

/// Four pastes of 2,000 characters as keys into the same long text: each lands whole, and
/// (printed, for docs/PERFORMANCE.md) the later ones take no longer than the first,
/// however long the text already is.
#[test]
fn pastes_into_a_growing_text_all_land_whole() {
    let (_dir, file, mut s) = editing_the_overall_text();
    let pasted: String = "安全生产监管应急救援能力建设防灾减灾"
        .chars()
        .cycle()
        .take(2000)
        .collect();
    for round in 1..=4 {
        s.clear_output();
        let started = std::time::Instant::now();
        s.send_quick(&format!("{pasted}Z{round}"));
        s.wait_for(&format!("Z{round}"));
        eprintln!(
            "paste {round} of 2,000 characters as keys ({} pasted so far): {:?}",
            round * 2002,
            started.elapsed()
        );
    }
    s.send_quick("\r\x13");
    wait_for_file(&file, |t| t.contains("Z4"));
    let text = std::fs::read_to_string(&file).unwrap();
    let whole: String = (1..=4).map(|r| format!("{pasted}Z{r}")).collect();
    assert!(text.contains(&whole), "the four pastes, whole and in order");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
