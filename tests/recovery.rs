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

/// Holding a cursor key: a key every 40 ms, never the pause after which the recovery file is
/// written, until `ms` after `since`.
fn hold_a_cursor_key(s: &mut Session, since: std::time::Instant, ms: u64) {
    let mut i = 0;
    while since.elapsed() < std::time::Duration::from_millis(ms) {
        s.send_quick(if i % 2 == 0 { "j" } else { "k" });
        i += 1;
        std::thread::sleep(std::time::Duration::from_millis(40));
    }
}

/// Kills the workbench outright, at once (no waiting for the recovery file): the recovery
/// file already holds the last edit, （乙）, and reopening recovers both edits.
fn kill_and_find_the_edit_recovered(mut s: Session, file: &Path, why: &str) {
    s.signal(libc::SIGKILL);
    s.wait_exit();
    let recovered = std::fs::read_to_string(recovery_of(file)).unwrap_or_default();
    assert!(recovered.contains("（乙）"), "{why}");
    reopen_and_recover(file);
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
    // Killed while still "holding" a cursor key: the recovery is written at most 120 ms
    // after the edit, pause or no pause.
    hold_a_cursor_key(&mut s, std::time::Instant::now(), 2400);
    kill_and_find_the_edit_recovered(s, &file, "the last edit is in the recovery file");
}

#[test]
fn a_second_session_is_offered_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let mut first = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    first.wait_for("94 / 97");
    let mut second = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    second.wait_for("另一个会话正在编辑此文件");
    // The prompt itself reads 只读打开: wait for what comes after it.
    second.wait_for("只读打开");
    second.clear_output();
    second.send("v");
    second.wait_for("只读");
    second.send("d"); // an edit key (e explains the cell)
    second.wait_for_screen("只读模式：不能修改或保存");
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
fn esc_on_the_locked_prompt_opens_read_only_and_leaves_the_lock_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let lock = file.with_file_name(".report.toml.jixiao-lock");
    let mut first = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    first.wait_for("94 / 97");
    let held = std::fs::read(&lock).unwrap();
    let mut second = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    second.wait_for("另一个会话正在编辑此文件");
    second.send("\x1b");
    second.wait_for("已以只读方式打开");
    second.send("q");
    assert_eq!(second.wait_exit(), 0);
    assert_eq!(
        std::fs::read(&lock).unwrap(),
        held,
        "the first session keeps the file"
    );
    first.send("q");
    assert_eq!(first.wait_exit(), 0);
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

/// Leaves a recovery file holding two committed edits (the workbench killed outright), and
/// returns its bytes.
fn crash_with_two_edits(file: &Path) -> Vec<u8> {
    let mut s = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    two_edits(&mut s);
    wait_for_file(&recovery_of(file), |t| t.contains("（乙）"));
    s.signal(libc::SIGKILL);
    s.wait_exit();
    std::fs::read(recovery_of(file)).unwrap()
}

fn reopen_at_the_recovery_prompt(file: &Path) -> Session {
    let s = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    s.wait_for("发现未保存的修改");
    s
}

#[test]
fn esc_on_the_recovery_prompt_then_quit_keeps_the_recovery_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let recovery = crash_with_two_edits(&file);
    let mut s = reopen_at_the_recovery_prompt(&file);
    // The prompt itself reads 只读打开: wait for what comes after it.
    s.wait_for("只读打开");
    s.clear_output();
    s.send("\x1b");
    s.wait_for("只读");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert_eq!(
        std::fs::read(recovery_of(&file)).unwrap(),
        recovery,
        "Esc is not discard"
    );
    reopen_and_recover(&file);
}

#[test]
fn a_dropped_connection_at_the_recovery_prompt_keeps_the_recovery_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let recovery = crash_with_two_edits(&file);
    let mut s = reopen_at_the_recovery_prompt(&file);
    s.hang_up();
    s.wait_exit();
    assert_eq!(std::fs::read(recovery_of(&file)).unwrap(), recovery);
    reopen_and_recover(&file);
}

#[test]
fn sighup_at_the_recovery_prompt_keeps_the_recovery_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let recovery = crash_with_two_edits(&file);
    let mut s = reopen_at_the_recovery_prompt(&file);
    s.signal(libc::SIGHUP);
    s.wait_exit();
    assert_eq!(std::fs::read(recovery_of(&file)).unwrap(), recovery);
    reopen_and_recover(&file);
}

#[test]
fn kill_9_300_ms_after_enter_finds_the_edit_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let mut s = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    s.wait_for("94 / 97");
    s.send("\r");
    s.wait_for("Enter 确定");
    s.send("（甲）\r");
    s.send("j\r");
    s.wait_for("Enter 确定");
    // Enter commits the edit; the user types on (a cursor key every 40 ms) and the process
    // is killed 300 ms after that Enter.
    s.send_quick("（乙）\r");
    hold_a_cursor_key(&mut s, std::time::Instant::now(), 300);
    kill_and_find_the_edit_recovered(s, &file, "the edit is in the recovery file");
}

#[test]
fn discard_keeps_a_copy_until_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let recovery = crash_with_two_edits(&file);
    let discarded = file.with_file_name(".report.toml.jixiao-discarded");
    let mut s = reopen_at_the_recovery_prompt(&file);
    s.send("d");
    s.wait_for("已丢弃恢复文件");
    assert!(!recovery_of(&file).exists());
    assert_eq!(std::fs::read(&discarded).unwrap(), recovery);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&discarded).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    s.send("\r");
    s.wait_for("Enter 确定");
    s.send("（丙）\r");
    s.send("\x13");
    wait_for_file(&file, |t| t.contains("（丙）"));
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert!(!discarded.exists(), "a successful save removes the copy");
}

#[test]
fn recovering_after_the_file_changed_on_disk_shows_it_and_keeps_their_version() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    crash_with_two_edits(&file);
    let set = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["set", file.to_str().unwrap(), "budget.spent=320.26"])
        .output()
        .unwrap();
    assert!(set.status.success(), "{set:?}");
    let theirs = std::fs::read(&file).unwrap();
    let mut s = reopen_at_the_recovery_prompt(&file);
    s.wait_for("此后磁盘上的文件又被改过");
    s.send("r");
    s.wait_for("保存时会先询问");
    s.send("\x13");
    s.wait_for("文件在磁盘上已被别人修改");
    s.send("o");
    wait_for_file(&file, |t| t.contains("（乙）"));
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    let kept = file.with_file_name("report.toml.theirs");
    assert_eq!(std::fs::read(kept).unwrap(), theirs, "neither side is lost");
}

#[test]
fn a_file_that_no_longer_loads_offers_its_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    crash_with_two_edits(&file);
    std::fs::write(&file, "title = \"半截").unwrap();
    let mut s = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    s.wait_for("保存着上次未保存编辑后的完整文档");
    s.send("o");
    s.wait_for("已从恢复文件打开");
    s.send("\x13");
    s.wait_for("文件在磁盘上已被别人修改");
    s.send("o");
    wait_for_file(&file, |t| t.contains("（乙）"));
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    let kept = file.with_file_name("report.toml.theirs");
    assert_eq!(std::fs::read_to_string(kept).unwrap(), "title = \"半截");
    assert!(!recovery_of(&file).exists());
}

#[test]
fn sighup_on_the_error_screen_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, "title = \"半截").unwrap();
    let mut s = Session::start(&["edit", file.to_str().unwrap()], 100, 30);
    s.wait_for("无法打开");
    s.clear_output();
    s.signal(libc::SIGHUP);
    s.wait_exit();
    let raw = s.output.lock().unwrap().clone();
    assert!(
        raw.contains("\x1b[?1049l"),
        "the alternate screen is left (raw mode ends with it): {raw:?}"
    );
}

#[test]
fn undoing_a_recovery_keeps_it_as_the_discarded_copy() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_seed(dir.path());
    let recovery = crash_with_two_edits(&file);
    let mut s = reopen_at_the_recovery_prompt(&file);
    s.send("r");
    s.wait_for("[+]");
    s.send("u");
    s.wait_for("撤销：恢复");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    let discarded = file.with_file_name(".report.toml.jixiao-discarded");
    let kept: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&discarded).unwrap()).unwrap();
    let was: serde_json::Value = serde_json::from_slice(&recovery).unwrap();
    assert_eq!(
        kept["text"], was["text"],
        "the recovered edits are not gone"
    );
}
