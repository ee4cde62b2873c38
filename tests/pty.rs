//! End to end: the real binary in a pseudo-terminal edits a value, saves, quits, and the file
//! on disk differs from the original in that one line only.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Session {
    output: Arc<Mutex<String>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Session {
    fn start(args: &[&str], cols: u16, rows: u16) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_jixiao"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        cmd.env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("jixiao-pty-no-config"),
        );
        let child = pty.slave.spawn_command(cmd).expect("the binary starts");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("a reader");
        let writer = pty.master.take_writer().expect("a writer");
        let output = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        // Keep the master alive as long as the session.
        std::mem::forget(pty.master);
        Session {
            output,
            writer,
            child,
        }
    }

    fn wait_for(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if strip_escapes(&self.output.lock().unwrap()).contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let seen = strip_escapes(&self.output.lock().unwrap());
        let tail: String = seen
            .chars()
            .rev()
            .take(600)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        panic!("never saw {needle:?}; the screen text ends with:\n{tail}");
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    }

    fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("the workbench did not exit");
    }
}

/// The screen text without CSI sequences, so that `只` ESC[40;3H `读` reads as `只读`.
fn strip_escapes(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if ('@'..='~').contains(&d) {
                        break;
                    }
                }
            } else {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

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
    let deadline = Instant::now() + Duration::from_secs(20);
    while !std::fs::read_to_string(&file).unwrap().contains("（修订）") {
        assert!(Instant::now() < deadline, "the file was never saved");
        std::thread::sleep(Duration::from_millis(50));
    }
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
