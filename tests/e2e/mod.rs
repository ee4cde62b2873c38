//! Helpers shared by the end-to-end tests of the command line: run the real binary, read the
//! seed, make scratch files. (Apart from `tests/common`, which the workbench tests use.)
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The seed report, transcribed mistakes and all.
pub const SEED: &str = "examples/lusong-emergency-2023.toml";
/// The seed with every mistake corrected.
pub const CORRECTED: &str = "examples/lusong-emergency-2023-corrected.toml";

/// The header every report needs.
pub const HEAD: &str = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n\n[report]\nunit = \"某局\"\nyear = 2023\n";

/// The path of a file of the crate (examples, fixtures).
pub fn crate_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

pub fn seed_text() -> String {
    std::fs::read_to_string(crate_file(SEED)).unwrap()
}

/// The binary under test, run from the crate folder with an empty private config folder so
/// that nobody's own schemes leak in, and with `NO_COLOR` unset.
pub fn jixiao() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.env(
        "XDG_CONFIG_HOME",
        std::env::temp_dir().join("jixiao-tests-empty-config"),
    )
    .env_remove("NO_COLOR")
    .env("RUST_BACKTRACE", "0")
    .current_dir(env!("CARGO_MANIFEST_DIR"))
    .stdin(Stdio::null());
    cmd
}

/// What a run gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub raw_stdout: Vec<u8>,
    pub raw_stderr: Vec<u8>,
}

impl Run {
    fn from(output: Output) -> Run {
        let code = output
            .status
            .code()
            .unwrap_or_else(|| panic!("the binary was killed: {:?}", output.status));
        Run {
            code,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            raw_stdout: output.stdout,
            raw_stderr: output.stderr,
        }
    }
}

/// Runs the binary with arguments; asserts it did not panic.
pub fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    run_cmd(jixiao().args(args))
}

/// Runs a prepared command; asserts it did not panic.
pub fn run_cmd(cmd: &mut Command) -> Run {
    let run = Run::from(cmd.output().expect("the binary runs"));
    assert!(
        !run.stderr.contains("panicked") && run.code != 101,
        "the binary panicked:\n{}",
        run.stderr
    );
    run
}

/// Whether bytes hold a raw ESC, BEL, C1 CSI or right-to-left override.
pub fn has_raw_controls(bytes: &[u8]) -> bool {
    let rlo = "\u{202e}".as_bytes();
    let csi = "\u{9b}".as_bytes();
    bytes.contains(&0x1b)
        || bytes.contains(&0x07)
        || bytes.windows(rlo.len()).any(|w| w == rlo)
        || bytes.windows(csi.len()).any(|w| w == csi)
}

/// A scratch folder holding a file with `text`; returns both.
pub fn scratch(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// `FILE:LINE:COL: SEVERITY[ID] message` lines of a text report: (line, col, severity, id, message).
pub fn finding_lines(stdout: &str, file: &str) -> Vec<(usize, usize, String, String, String)> {
    let prefix = format!("{file}:");
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .filter_map(|rest| {
            let mut parts = rest.splitn(3, ':');
            let line = parts.next()?.parse().ok()?;
            let col = parts.next()?.parse().ok()?;
            let tail = parts.next()?.strip_prefix(' ')?;
            let (head, message) = tail.split_once(' ')?;
            let (severity, id) = head.strip_suffix(']')?.split_once('[')?;
            Some((
                line,
                col,
                severity.to_owned(),
                id.to_owned(),
                message.to_owned(),
            ))
        })
        .collect()
}
