//! WORKBENCH.md "Know the terminal": `TERM=dumb` or no terminal is refused in one sentence
//! pointing to `jixiao check`; a locale that is not UTF-8 is warned about before the screen
//! opens, and the workbench opens all the same.

mod e2e;

use e2e::*;
use std::time::{Duration, Instant};

/// The lines of stderr, and that nothing went to stdout.
fn refused(run: &Run) -> Vec<&str> {
    assert_eq!(run.stdout, "", "nothing on stdout");
    run.stderr.lines().collect()
}

#[test]
fn term_dumb_is_refused_in_one_sentence_pointing_to_check() {
    let (dir, file) = scratch("report.toml", &seed_text());
    for args in [vec![], vec!["edit"], vec!["view"]] {
        let mut cmd = jixiao();
        cmd.env("TERM", "dumb").args(&args).arg(&file);
        let run = run_cmd(&mut cmd);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let lines = refused(&run);
        assert_eq!(
            lines,
            [format!(
                "这个终端（TERM=dumb）显示不了全屏工作台，请换用完整的终端打开，或用 jixiao check {} 检查报告。",
                file.display()
            )],
            "{args:?}"
        );
    }
    // Without a file (the bundled example), the sentence names no file.
    let run = run_cmd(jixiao().env("TERM", "dumb"));
    assert_eq!(run.code, 2);
    assert_eq!(
        refused(&run),
        [
            "这个终端（TERM=dumb）显示不了全屏工作台，请换用完整的终端打开，或用 jixiao check 文件 检查报告。"
        ]
    );
    // Nothing was opened: no lock, no recovery file beside the report, the report as it was.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["report.toml"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), seed_text());
}

#[test]
fn no_terminal_is_refused_in_one_sentence_pointing_to_check() {
    let (_dir, file) = scratch("report.toml", &seed_text());
    // Standard input and output are pipes here, whatever TERM says.
    let run = run_cmd(
        jixiao()
            .env("TERM", "xterm-256color")
            .arg("edit")
            .arg(&file),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        refused(&run),
        [format!(
            "工作台要在终端里打开（现在的输入或输出不是终端），不在终端时请用 jixiao check {} 检查报告。",
            file.display()
        )]
    );
}

/// `LANG=C` on a real terminal: the warning comes first, then the workbench opens and quits
/// as usual.
#[test]
fn a_c_locale_is_warned_about_and_the_workbench_still_opens() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.args(["view", SEED]);
    cmd.cwd(env!("CARGO_MANIFEST_DIR"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("NO_COLOR", "1");
    cmd.env("LANG", "C");
    cmd.env("LC_ALL", "");
    cmd.env("LC_CTYPE", "");
    cmd.env(
        "XDG_CONFIG_HOME",
        std::env::temp_dir().join("jixiao-pty-no-config"),
    );
    let mut child = pty.slave.spawn_command(cmd).expect("spawn under a pty");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut writer = pty.master.take_writer().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let text = || String::from_utf8_lossy(&seen.lock().unwrap()).into_owned();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !text().contains("94 / 97") {
        assert!(
            Instant::now() < deadline,
            "the workbench never opened:\n{}",
            text()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The first frame arrives in pieces: read it once its footer is in (or at a deadline,
    // and let the assertions below say what is missing).
    let deadline = Instant::now() + Duration::from_secs(5);
    let shown = loop {
        let shown = text();
        let footer_in = shown
            .find("\x1b[?1049h")
            .is_some_and(|screen| shown[screen..].contains("LANG=C"));
        if footer_in || Instant::now() >= deadline {
            break shown;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let warning = "警告：当前语言环境 LANG=C 不是 UTF-8";
    let at = shown
        .find(warning)
        .unwrap_or_else(|| panic!("no warning:\n{shown}"));
    // Before the screen: ahead of the switch to the alternate screen.
    let screen = shown.find("\x1b[?1049h").expect("the alternate screen");
    assert!(at < screen, "the warning comes before the screen opens");
    // …and in the footer once it is up, where it can be read.
    assert!(
        shown[screen..].contains("LANG=C"),
        "the warning is in the footer too:\n{shown}"
    );
    writer.write_all(b"q").unwrap();
    writer.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert_eq!(status.exit_code(), 0);
            break;
        }
        assert!(Instant::now() < deadline, "the workbench did not quit");
        std::thread::sleep(Duration::from_millis(20));
    }
}
