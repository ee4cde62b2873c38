//! Saves that fail half-way leave the original byte for byte, and say why.

use std::path::Path;
use std::process::Command;

fn seed_copy(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("report.toml");
    std::fs::copy("examples/lusong-emergency-2023.toml", &file).unwrap();
    file
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
    let output = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 8; exec \"$0\" set \"$1\" 'budget.spent=320.26'")
        .arg(env!("CARGO_BIN_EXE_jixiao"))
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("原文件未改动"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the original is intact"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names.len(),
        1,
        "no temporary file is left behind: {names:?}"
    );
}

/// A read-only folder refuses the temporary file (only meaningful when not root).
#[test]
fn a_read_only_folder_refuses_the_save() {
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        eprintln!(
            "skipped: root writes into read-only folders; the ulimit test covers a failed write"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = seed_copy(dir.path());
    let before = std::fs::read(&file).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_jixiao"))
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
    let output = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 0; exec \"$0\" new \"$1\"")
        .arg(env!("CARGO_BIN_EXE_jixiao"))
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("fresh.toml"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(names.is_empty(), "nothing is left behind: {names:?}");
}
