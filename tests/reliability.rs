//! Saves that fail half-way leave the original byte for byte, and say why.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn seed_copy(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("report.toml");
    std::fs::copy("examples/lusong-emergency-2023.toml", &file).unwrap();
    file
}

/// `jixiao ARGS…` with the file-size limit (ulimit -f) at `blocks` KiB: a write past it is a
/// real failure of the write system call (SIGXFSZ ignored), and works for root too.
fn under_size_limit(blocks: u32, args: &[&std::ffi::OsStr]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .unwrap()
}

/// The names of the files in `dir`.
fn names_in(dir: &Path) -> Vec<OsString> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect()
}

/// The write of the temporary file fails after a few KiB: the file-size limit (ulimit -f)
/// is a real failure of the write system call, and works for root too.
#[test]
fn a_save_that_fails_half_way_leaves_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let file = seed_copy(dir.path());
    let before = std::fs::read(&file).unwrap();
    assert!(
        before.len() > 8 * 1024,
        "the seed is larger than the limit below"
    );
    let output = under_size_limit(
        8,
        &[
            "set".as_ref(),
            file.as_os_str(),
            "budget.spent=320.26".as_ref(),
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("原文件未改动"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the original is intact"
    );
    let names = names_in(dir.path());
    assert_eq!(
        names.len(),
        1,
        "no temporary file is left behind: {names:?}"
    );
}

/// A user with no entry in /etc/passwd, for what root may do and others may not.
const NOT_ROOT: u32 = 61010;

/// The binary, runnable by `NOT_ROOT`: where a private folder above it hides it from other
/// users, a copy of it in `dir`.
fn runnable_by_others(dir: &Path) -> PathBuf {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_jixiao"));
    let open = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.mode() & 0o001 != 0);
    if binary.ancestors().all(open) {
        return binary;
    }
    let copy = dir.join("jixiao");
    std::fs::copy(&binary, &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    copy
}

/// For root (who writes into read-only folders): `dir` and `file` given to `NOT_ROOT`, and
/// what runs the binary as `NOT_ROOT` — setpriv's arguments and the binary (copied into
/// `binary_dir` where `NOT_ROOT` could not reach it).
fn handed_to_not_root(binary_dir: &Path, dir: &Path, file: &Path) -> ([String; 3], PathBuf) {
    let binary = runnable_by_others(binary_dir);
    for path in [dir, file] {
        std::os::unix::fs::chown(path, Some(NOT_ROOT), Some(NOT_ROOT)).unwrap();
    }
    let ids = [
        format!("--reuid={NOT_ROOT}"),
        format!("--regid={NOT_ROOT}"),
        "--clear-groups".to_owned(),
    ];
    (ids, binary)
}

/// A read-only folder refuses the temporary file. Root writes into read-only folders, so as
/// root (as in CI) the folder and the report are given to another user, who runs the save.
#[test]
fn a_read_only_folder_refuses_the_save() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = seed_copy(dir.path());
    let before = std::fs::read(&file).unwrap();
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let binary_dir = tempfile::tempdir().unwrap();
    let mut command = if root {
        let (ids, binary) = handed_to_not_root(binary_dir.path(), dir.path(), &file);
        let mut command = Command::new("setpriv");
        command.args(ids).arg(binary).env("HOME", dir.path());
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_jixiao"))
    };
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let output = command
        .args(["set", file.to_str().unwrap(), "budget.spent=1"])
        .output()
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("没有写入权限"));
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

/// `new` on a disk that refuses the write (the file-size limit, as above) leaves no file at
/// all, neither an empty report nor a temporary file.
#[test]
fn new_that_cannot_write_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fresh.toml");
    let output = under_size_limit(0, &["new".as_ref(), file.as_os_str()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("fresh.toml"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let names = names_in(dir.path());
    assert!(names.is_empty(), "nothing is left behind: {names:?}");
}

/// The workbench's save into a folder that became read-only after the report was opened: it
/// says why, leaves the original as it was and keeps the edit in the workbench, which the
/// next save, once the folder is writable again, writes. As root (as in CI) the workbench
/// runs as another user, since root writes into read-only folders. (Wide enough for the
/// whole of the refusal with its paths.)
#[test]
fn a_workbench_save_into_a_read_only_folder_says_why_and_keeps_the_edit() {
    use common::pty::{Session, wait_for_file};
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = seed_copy(dir.path());
    let before = std::fs::read(&file).unwrap();
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let binary_dir = tempfile::tempdir().unwrap();
    let args = ["edit", file.to_str().unwrap()];
    let mut s = if root {
        let (ids, binary) = handed_to_not_root(binary_dir.path(), dir.path(), &file);
        Session::start_as(&ids, &[("HOME", dir.path())], &binary, &args, 250, 30)
    } else {
        Session::start(&args, 250, 30)
    };
    s.wait_for_screen("94 / 97");
    s.send("\r"); // edit the first field: 报告标题
    s.wait_for_screen("Enter 确定");
    s.send("（修订）\r");
    s.wait_for_screen("[+]");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    s.send("\x13"); // Ctrl-S
    s.wait_for_screen("没有写入权限");
    s.wait_for_screen("修改仍在工作台中");
    s.wait_for_screen("[+]");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the original is intact"
    );
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    s.send("\x13");
    wait_for_file(&file, |t| t.contains("整体支出绩效自评报告（修订）"));
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
