//! End to end: `jixiao review DIR` in a real pseudo-terminal — the rows, Enter into the
//! read-only workbench at the first finding, q back to the same row, a file copied into
//! the folder appearing while the screen is open, and q to leave.

mod common;

use common::pty::Session;

#[test]
fn review_opens_a_report_returns_to_its_row_and_follows_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("reports");
    std::fs::create_dir(&root).unwrap();
    std::fs::copy(
        "examples/lusong-emergency-2023.toml",
        root.join("seed.toml"),
    )
    .unwrap();
    std::fs::write(root.join("broken.toml"), "schema = \"jixiao/1\"\n[report\n").unwrap();

    let mut s = Session::start(&["review", root.to_str().unwrap()], 100, 30);
    s.wait_for_screen("株洲市芦淞区应急管理局");
    s.wait_for_screen("94 / 97");
    s.wait_for_screen("无法载入");
    // Rows by unit: the broken file (named by its file) first, then the seed.
    s.send("j");
    s.wait_for_screen("复核 · reports · seed.toml");
    s.send("\r");
    // The workbench, read-only, at the first finding (errors first: F02).
    s.wait_for_screen("[只读]");
    s.wait_for_screen("1/21");
    s.send("q");
    s.wait_for_screen("复核 · reports · seed.toml");
    s.wait_for_screen("已返回复核列表");

    let copied = std::fs::read_to_string("examples/lusong-emergency-2023-corrected.toml")
        .unwrap()
        .replace("株洲市芦淞区应急管理局", "株洲市芦淞区财政局");
    std::fs::write(root.join("copied.toml"), copied).unwrap();
    s.wait_for_screen("株洲市芦淞区财政局");
    s.wait_for_screen("3 份报告");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn sigterm_in_the_workbench_opened_from_the_review_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "examples/lusong-emergency-2023.toml",
        dir.path().join("seed.toml"),
    )
    .unwrap();
    let mut s = Session::start(&["review", dir.path().to_str().unwrap()], 100, 30);
    s.wait_for_screen("94 / 97");
    s.send("\r");
    s.wait_for_screen("[只读]");
    s.clear_output();
    s.signal(libc::SIGTERM);
    s.wait_exit();
    let raw = s.output.lock().unwrap().clone();
    assert!(
        raw.contains("\x1b[?1049l"),
        "the alternate screen is left (raw mode ends with it): {raw:?}"
    );
    assert_eq!(
        raw.matches("\x1b[?1049l").count(),
        1,
        "one screen, restored once: {raw:?}"
    );
}

#[test]
fn capital_e_edits_a_report_with_the_workbench_lock_and_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.toml");
    std::fs::copy("examples/lusong-emergency-2023.toml", &seed).unwrap();
    let lock = dir.path().join(".seed.toml.jixiao-lock");
    let mut s = Session::start(&["review", dir.path().to_str().unwrap()], 100, 30);
    s.wait_for_screen("94 / 97");
    s.send("E");
    s.wait_for_screen("1/21");
    // Editing, not viewing: the session holds the file's lock.
    common::pty::wait_for_file(&lock, |_| true);
    s.send("q");
    s.wait_for_screen("已返回复核列表");
    assert!(!lock.exists(), "the lock goes with the session");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

/// Not a test but the measurement of issue 14's speed target: the time from start to the
/// first full frame of `jixiao review` (every report listed, the header's counts whole, no
/// check still running), at 120×40. Run it on the folder `scripts/make_review_folder.sh`
/// makes, with the release binary:
///
///     scripts/make_review_folder.sh /tmp/perf/review
///     JIXIAO_REVIEW_DIR=/tmp/perf/review JIXIAO_BIN=target/release/jixiao \
///       cargo test --test pty_review -- --ignored --nocapture
#[test]
#[ignore]
fn measure_the_first_full_frame() {
    use std::time::{Duration, Instant};
    let dir = std::env::var("JIXIAO_REVIEW_DIR").expect("JIXIAO_REVIEW_DIR names the folder");
    let bin = std::env::var("JIXIAO_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_jixiao").into());
    let runs: usize = std::env::var("JIXIAO_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    let reports = jixiao::review::scan(std::path::Path::new(&dir)).len();
    let whole = format!("{reports}份报告");
    let mut firsts = Vec::new();
    let mut fulls = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let mut s = Session::start_program(&bin, &["review", &dir], 120, 40);
        let first = s
            .screen_until(|screen| screen.shows("复核 ·"), Duration::from_secs(10))
            .expect("a first frame");
        let full = s
            .screen_until(
                |screen| {
                    // Compared without spaces: the harness's screen is not exact about the
                    // cells beside wide characters that a redraw skips.
                    let text = screen.lines().join("\n").replace(' ', "");
                    text.contains(&whole)
                        && !text.contains("检查中")
                        && !text.contains("正在")
                        && text.contains("/100")
                },
                Duration::from_secs(20),
            )
            .unwrap_or_else(|| {
                // Says what the screen shows instead.
                s.wait_for_screen(&format!("{whole}，没有检查中"));
                unreachable!()
            });
        firsts.push(first - start);
        fulls.push(full - start);
        s.send("q");
        assert_eq!(s.wait_exit(), 0);
    }
    let ms = |d: &Duration| format!("{:.0}", d.as_secs_f64() * 1000.0);
    let mut sorted = fulls.clone();
    sorted.sort();
    println!(
        "{reports} reports: first frame {} ms; first full frame {} ms (median {} ms)",
        firsts.iter().map(ms).collect::<Vec<_>>().join(", "),
        fulls.iter().map(ms).collect::<Vec<_>>().join(", "),
        ms(&sorted[sorted.len() / 2])
    );
}

#[test]
fn a_report_opened_from_the_review_is_compared_with_last_years_as_its_row_is() {
    // The 2024 example beside the corrected 2023 report: its row counts Y01 (a warning), and
    // the workbench opened from it shows that Y01 too.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("reports");
    std::fs::create_dir(&root).unwrap();
    for name in [
        "lusong-emergency-2023-corrected.toml",
        "lusong-emergency-2024.toml",
    ] {
        std::fs::copy(format!("examples/{name}"), root.join(name)).unwrap();
    }
    let mut s = Session::start(&["review", root.to_str().unwrap()], 120, 40);
    s.wait_for_screen("2 份报告");
    // Sorted by unit, then year: the 2024 report is the second row.
    s.send("j");
    s.wait_for_screen("lusong-emergency-2024.toml");
    s.wait_for_screen("Y01");
    s.send("\r");
    s.wait_for_screen("[只读]");
    s.wait_for_screen("Y01");
    s.wait_for_screen("0.86");
    s.send("q");
    s.wait_for_screen("已返回复核列表");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
