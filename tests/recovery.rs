//! Never lose an edit: the workbench is killed (SIGHUP, SIGKILL) in the middle of editing
//! under a real pseudo-terminal, reopened, and every committed edit is recovered.

mod common;

use common::pty::{Session, wait_for_file};
use std::path::{Path, PathBuf};

fn copy_seed(dir: &Path) -> PathBuf {
    let file = dir.join("report.toml");
    std::fs::copy("examples/lusong-emergency-2023.toml", &file).unwrap();
    file
}

fn recovery_of(file: &Path) -> PathBuf {
    file.with_file_name(".report.toml.jixiao-recover")
}

/// Edits the first two fields (报告标题, 单位名称) and commits both.
fn two_edits(s: &mut Session) {
    s.wait_for("94 / 97");
    s.send("\r");
    s.wait_for("Enter 确定");
    s.send("（甲）\r");
    s.send("j\r");
    s.send("（乙）\r");
}

fn reopen_and_recover(file: &Path) {
    let mut s = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    s.wait_for("发现未保存的修改");
    s.send("r");
    s.wait_for("[+]");
    s.send("\x13");
    wait_for_file(file, |t| t.contains("（甲）") && t.contains("（乙）"));
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert!(
        !recovery_of(file).exists(),
        "a successful save removes the recovery file"
    );
}

#[test]
fn sighup_keeps_every_committed_edit() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let original = std::fs::read(&file).unwrap();
    let mut s = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    two_edits(&mut s);
    wait_for_file(&recovery_of(&file), |t| t.contains("（乙）"));
    s.signal(libc::SIGHUP);
    s.wait_exit();
    assert_eq!(
        std::fs::read(&file).unwrap(),
        original,
        "the file itself is untouched"
    );
    let mode = std::fs::metadata(recovery_of(&file))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    assert!(
        !file.with_file_name(".report.toml.jixiao-lock").exists(),
        "the lock is released"
    );
    reopen_and_recover(&file);
}

#[test]
fn sigkill_leaves_the_recovery_of_the_last_edit() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let mut s = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    two_edits(&mut s);
    wait_for_file(&recovery_of(&file), |t| t.contains("（乙）"));
    s.signal(libc::SIGKILL);
    s.wait_exit();
    reopen_and_recover(&file);
}

#[test]
fn a_user_who_never_pauses_still_has_the_edit_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let mut s = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    two_edits(&mut s);
    // Holding a cursor key: a key every 40 ms, never the pause that writes the recovery;
    // killed while still "holding" it. The recovery is written a second after the edit.
    for i in 0..60 {
        s.send_quick(if i % 2 == 0 { "j" } else { "k" });
        std::thread::sleep(std::time::Duration::from_millis(40));
    }
    s.signal(libc::SIGKILL);
    s.wait_exit();
    let recovered = std::fs::read_to_string(recovery_of(&file)).unwrap_or_default();
    assert!(
        recovered.contains("（乙）"),
        "the last edit is in the recovery file"
    );
    reopen_and_recover(&file);
}

#[test]
fn a_second_session_is_offered_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let mut first = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    first.wait_for("94 / 97");
    let mut second = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    second.wait_for("另一个会话正在编辑此文件");
    second.send("v");
    second.wait_for("只读");
    second.send("e");
    second.send("q");
    assert_eq!(second.wait_exit(), 0);
    first.send("q");
    assert_eq!(first.wait_exit(), 0);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn discarding_on_quit_removes_the_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let original = std::fs::read(&file).unwrap();
    let mut s = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    two_edits(&mut s);
    s.send("q");
    s.wait_for("有未保存的修改");
    s.send("d");
    assert_eq!(s.wait_exit(), 0);
    assert_eq!(std::fs::read(&file).unwrap(), original);
    assert!(!recovery_of(&file).exists());
}

#[test]
fn a_vanished_terminal_ends_the_process_and_keeps_the_edits() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let mut s = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    two_edits(&mut s);
    wait_for_file(&recovery_of(&file), |t| t.contains("（乙）"));
    s.hang_up();
    // wait_exit panics if the process is still running (e.g. spinning) after 20 s
    s.wait_exit();
    reopen_and_recover(&file);
}

#[test]
fn a_vanished_terminal_ends_the_process_even_with_sighup_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let mut s = Session::start_ignoring_hangup(&["edit", file.to_str().unwrap()], 100, 30);
    two_edits(&mut s);
    wait_for_file(&recovery_of(&file), |t| t.contains("（乙）"));
    s.hang_up();
    s.wait_exit();
    assert!(
        !file.with_file_name(".report.toml.jixiao-lock").exists(),
        "the lock is released"
    );
    reopen_and_recover(&file);
}
