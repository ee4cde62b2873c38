//! `jixiao check` end to end: the real binary on the seed, its text and JSON reports, folders,
//! files that fail to load, `--deny warnings`, and colour only where it belongs.

mod e2e;

use e2e::*;
use serde_json::Value;
use std::collections::BTreeSet;
use unicode_width::UnicodeWidthStr;

/// RULES.md "The seed report, checked": (rule, severity, path).
const SEED_FINDINGS: &[(&str, &str, &str)] = &[
    ("F01", "warning", "performance.special_fund_count"),
    ("F02", "error", "performance.special_funds[0]"),
    ("F05", "info", "performance.special_funds[2]"),
    ("F05", "info", "performance.special_funds[3]"),
    ("N01", "warning", "closing.problems"),
    ("N02", "warning", "closing.improvements"),
    ("D05", "info", "basic_data.costs.three_public"),
    ("D02", "warning", "basic_data.costs.public.final"),
    ("C09", "error", "score_sheet.total_weight"),
    ("C04", "warning", "score_sheet.funds.score"),
    ("C15", "info", "score_sheet.goal.actual"),
    ("C07", "error", "score_sheet.groups[0]"),
    ("C07", "error", "score_sheet.groups[1]"),
    ("C12", "warning", "score_sheet.groups[1].indicators[0]"),
    ("C16", "info", "score_sheet.groups[1].indicators[1].target"),
    ("C15", "info", "score_sheet.groups[1].indicators[1].actual"),
    ("C16", "info", "score_sheet.groups[1].indicators[3].target"),
    ("C15", "info", "score_sheet.groups[1].indicators[3].actual"),
    ("C07", "error", "score_sheet.groups[2]"),
    (
        "C14",
        "warning",
        "score_sheet.groups[2].indicators[0].actual",
    ),
    (
        "C13",
        "warning",
        "score_sheet.groups[3].indicators[0].deviation",
    ),
];

const SEED_SUMMARY: &str = "总分 94 / 权重 97 · 优 · 5 个错误，8 个警告，8 条提示";

fn seed_ids() -> Vec<(String, String)> {
    let mut ids: Vec<_> = SEED_FINDINGS
        .iter()
        .map(|(r, _, p)| (r.to_string(), p.to_string()))
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_seed_fails_with_the_documented_summary() {
    let run = run(["check", SEED]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout.lines().last(),
        Some(SEED_SUMMARY),
        "{}",
        run.stdout
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn text_lines_name_file_line_column_severity_and_rule_with_the_source_and_a_caret() {
    let run = run(["check", SEED]);
    let text = seed_text();
    let source: Vec<&str> = text.lines().collect();
    let found = finding_lines(&run.stdout, SEED);
    assert_eq!(found.len(), SEED_FINDINGS.len(), "{}", run.stdout);
    let mut by_severity: Vec<(String, String)> = found
        .iter()
        .map(|(_, _, s, id, _)| (id.clone(), s.clone()))
        .collect();
    by_severity.sort();
    let mut expected: Vec<(String, String)> = SEED_FINDINGS
        .iter()
        .map(|(r, s, _)| (r.to_string(), s.to_string()))
        .collect();
    expected.sort();
    assert_eq!(by_severity, expected);

    // In file order.
    let places: Vec<(usize, usize)> = found.iter().map(|f| (f.0, f.1)).collect();
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted, "findings are not in file order");

    let lines: Vec<&str> = run.stdout.lines().collect();
    let mut checked = 0;
    for (i, text) in lines.iter().enumerate() {
        let Some(f) = finding_lines(text, SEED).into_iter().next() else {
            continue;
        };
        let (line, col, severity, id, message) = f;
        assert!(!message.trim().is_empty(), "{text}");
        assert!(
            id.len() == 3 && id.as_bytes()[0].is_ascii_uppercase(),
            "{text}"
        );
        if severity == "info" {
            // Infos are one line; the next line is another finding or the summary.
            let next = lines[i + 1];
            assert!(
                next.starts_with(SEED) || next == SEED_SUMMARY,
                "an info has a source excerpt: {next}"
            );
            continue;
        }
        // The excerpt: ` |`, `LINE | source`, ` | ^^^`.
        let gutter = line.to_string();
        let pad = " ".repeat(gutter.len());
        assert_eq!(lines[i + 1], format!("{pad} |"), "{text}");
        let shown = lines[i + 2]
            .strip_prefix(&format!("{gutter} | "))
            .unwrap_or_else(|| panic!("no source line after {text}: {}", lines[i + 2]));
        assert_eq!(shown, source[line - 1], "the source line of {text}");
        let caret_line = lines[i + 3]
            .strip_prefix(&format!("{pad} | "))
            .unwrap_or_else(|| panic!("no caret after {text}"));
        let indent = caret_line.len() - caret_line.trim_start().len();
        let before: String = shown.chars().take(col - 1).collect();
        assert_eq!(indent, before.width(), "the caret of {text} is misplaced");
        let carets = caret_line.trim_start();
        assert!(
            !carets.is_empty() && carets.chars().all(|c| c == '^'),
            "{caret_line}"
        );
        checked += 1;
    }
    assert_eq!(checked, 13, "errors and warnings with an excerpt");

    // Spot checks of places (RULES.md: F02 on 安全监管's row, D02 on the public row's 本年决算数).
    let at = |id: &str| -> Vec<(usize, usize)> {
        found
            .iter()
            .filter(|f| f.3 == id)
            .map(|f| (f.0, f.1))
            .collect()
    };
    assert_eq!(at("F02"), [(98, 1)]);
    assert_eq!(at("D02"), [(155, 48)]);
    assert_eq!(at("C04"), [(204, 1)]);
}

fn json(args: &[&str]) -> (i32, Value) {
    let run = run(args);
    let value: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.stdout));
    (run.code, value)
}

#[test]
fn json_has_the_shape_of_cli_md() {
    let (code, value) = json(&["check", "--format", "json", SEED]);
    assert_eq!(code, 1);
    let files = value.as_array().expect("an array, one object per file");
    assert_eq!(files.len(), 1);
    let file = files[0].as_object().unwrap();
    let keys: BTreeSet<&str> = file.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "file", "scheme", "unit", "year", "previous", "findings", "totals"
        ])
    );
    assert_eq!(file["file"], SEED);
    assert_eq!(file["scheme"], "hunan-department");
    assert_eq!(file["unit"], "株洲市芦淞区应急管理局");
    assert_eq!(file["year"], 2023);
    // No 2022 report of the unit beside it.
    assert_eq!(file["previous"], Value::Null);
    assert_eq!(
        file["totals"],
        serde_json::json!({"score": "94", "weight": "97", "grade": "优", "complete": true,
                           "errors": 5, "warnings": 8, "infos": 8})
    );
    let findings = file["findings"].as_array().unwrap();
    let mut ids = Vec::new();
    for f in findings {
        let f = f.as_object().unwrap();
        let keys: BTreeSet<&str> = f.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            BTreeSet::from(["rule", "severity", "path", "line", "column", "message"])
        );
        assert!(f["line"].as_u64().unwrap() >= 1);
        assert!(f["column"].as_u64().unwrap() >= 1);
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
        assert!(!f["message"].as_str().unwrap().is_empty());
        let rule = f["rule"].as_str().unwrap();
        let path = f["path"].as_str().unwrap();
        let expected_severity = SEED_FINDINGS
            .iter()
            .find(|(r, _, p)| *r == rule && *p == path)
            .map(|(_, s, _)| *s)
            .unwrap_or_else(|| panic!("unexpected finding {rule} {path}"));
        assert_eq!(f["severity"], expected_severity);
        ids.push((rule.to_owned(), path.to_owned()));
    }
    ids.sort();
    assert_eq!(ids, seed_ids());

    // The same places and messages as the text report.
    let text = run(["check", SEED]);
    let text_places: Vec<(u64, u64, String)> = finding_lines(&text.stdout, SEED)
        .into_iter()
        .map(|(l, c, _, id, _)| (l as u64, c as u64, id))
        .collect();
    let json_places: Vec<(u64, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(text_places, json_places);
    let f02 = findings.iter().find(|f| f["rule"] == "F02").unwrap();
    assert_eq!(f02["path"], "performance.special_funds[0]");
    assert_eq!(
        (f02["line"].as_u64(), f02["column"].as_u64()),
        (Some(98), Some(1))
    );
    assert!(
        f02["message"]
            .as_str()
            .unwrap()
            .contains("29.50 + 调整 270.08")
    );
}

#[test]
fn the_corrected_example_passes() {
    let run = run(["check", CORRECTED]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.stdout.lines().last(),
        Some("总分 93 / 权重 100 · 优 · 0 个错误，0 个警告，2 条提示")
    );
    let (code, value) = json(&["check", "--format", "json", CORRECTED]);
    assert_eq!(code, 0);
    assert_eq!(value[0]["totals"]["errors"], 0);
    assert_eq!(value[0]["totals"]["warnings"], 0);
}

/// A folder holding the seed, the corrected example, a file that does not load and a file
/// that is not a report at all (not `*.toml`).
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(crate_file(SEED), dir.path().join("b-seed.toml")).unwrap();
    std::fs::copy(crate_file(CORRECTED), dir.path().join("c-corrected.toml")).unwrap();
    std::fs::write(
        dir.path().join("a-broken.toml"),
        format!("{HEAD}[budget\ninitial = 1\n"),
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a report [[[").unwrap();
    std::fs::create_dir(dir.path().join("sub.toml")).unwrap();
    dir
}

#[test]
fn a_folder_means_every_toml_in_it_and_a_broken_file_does_not_stop_the_others() {
    let dir = folder();
    let name = |f: &str| dir.path().join(f).display().to_string();
    let run = run(["check".as_ref(), dir.path().as_os_str()]);
    assert_eq!(
        run.code, 2,
        "a file that fails to load gives 2:\n{}",
        run.stdout
    );
    let broken = finding_lines(&run.stdout, &name("a-broken.toml"));
    assert_eq!(broken.len(), 1, "{}", run.stdout);
    assert_eq!((broken[0].0, broken[0].3.as_str()), (7, "X01"));
    assert!(
        run.stdout.contains(&format!(
            "{}: 无法载入（1 个错误），未检查",
            name("a-broken.toml")
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("{}: {SEED_SUMMARY}", name("b-seed.toml"))),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!(
            "{}: 总分 93 / 权重 100 · 优 · 0 个错误，0 个警告，2 条提示",
            name("c-corrected.toml")
        )),
        "{}",
        run.stdout
    );
    assert_eq!(
        finding_lines(&run.stdout, &name("b-seed.toml")).len(),
        SEED_FINDINGS.len()
    );
    assert!(!run.stdout.contains("notes.txt"));
    // Files in name order.
    let a = run.stdout.find("a-broken.toml").unwrap();
    let b = run.stdout.find("b-seed.toml").unwrap();
    let c = run.stdout.find("c-corrected.toml").unwrap();
    assert!(a < b && b < c);

    let (code, value) = json(&[
        "check",
        "--format",
        "json",
        &dir.path().display().to_string(),
    ]);
    assert_eq!(code, 2);
    let files = value.as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert_eq!(files[0]["file"], name("a-broken.toml"));
    assert_eq!(files[0]["findings"][0]["rule"], "X01");
    assert_eq!(files[0]["findings"][0]["line"], 7);
    assert!(files[0]["totals"].is_null());
    assert_eq!(files[1]["totals"]["score"], "94");
    assert_eq!(files[2]["totals"]["errors"], 0);
}

#[test]
fn files_named_one_by_one_are_all_checked_even_after_a_failure() {
    let (_dir, broken) = scratch("broken.toml", "schema = \"jixiao/1\"\nscheme = ");
    let run = run_cmd(jixiao().arg("check").arg(&broken).args([CORRECTED, SEED]));
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains(&format!("{SEED}: {SEED_SUMMARY}")));
    assert!(run.stdout.contains(&format!("{CORRECTED}: 总分 93")));
    assert_eq!(
        finding_lines(&run.stdout, &broken.display().to_string())[0].3,
        "X01"
    );
}

fn warning_only() -> (tempfile::TempDir, std::path::PathBuf) {
    let text = std::fs::read_to_string(crate_file(CORRECTED)).unwrap();
    let start = text.find("problems = \"\"\"").unwrap();
    let end = start + text[start..].find("\"\"\"\n").unwrap() + 4;
    let end = end + text[end..].find("\"\"\"\n").unwrap() + 4;
    let text = format!("{}problems = \"无\"\n{}", &text[..start], &text[end..]);
    scratch("warned.toml", &text)
}

#[test]
fn deny_warnings_turns_a_warning_only_file_into_a_failure() {
    let (_dir, path) = warning_only();
    let plain = run(["check".as_ref(), path.as_os_str()]);
    assert_eq!(plain.code, 0, "{}", plain.stdout);
    let found = finding_lines(&plain.stdout, &path.display().to_string());
    let warnings: Vec<&str> = found
        .iter()
        .filter(|f| f.2 == "warning")
        .map(|f| f.3.as_str())
        .collect();
    assert_eq!(warnings, ["N01"], "{}", plain.stdout);
    assert!(found.iter().all(|f| f.2 != "error"));

    let denied = run([
        "check".as_ref(),
        "--deny".as_ref(),
        "warnings".as_ref(),
        path.as_os_str(),
    ]);
    assert_eq!(denied.code, 1);
    // Infos never fail, even with --deny warnings.
    assert_eq!(run(["check", "--deny", "warnings", CORRECTED]).code, 0);
}

#[test]
fn piped_output_has_no_colour() {
    for format in ["text", "json"] {
        let piped = run(["check", "--format", format, SEED]);
        assert!(
            !piped.raw_stdout.contains(&0x1b),
            "{format}: ESC in piped output"
        );
        let no_color = run_cmd(
            jixiao()
                .env("NO_COLOR", "1")
                .args(["check", "--format", format, SEED]),
        );
        assert!(!no_color.raw_stdout.contains(&0x1b));
    }
}

/// Runs `jixiao check SEED` under a pseudo-terminal and returns everything it printed.
fn on_a_terminal(no_color: bool) -> Vec<u8> {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::Read;
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 50,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.args(["check", SEED]);
    cmd.cwd(env!("CARGO_MANIFEST_DIR"));
    cmd.env_remove("NO_COLOR");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let mut child = pty.slave.spawn_command(cmd).expect("spawn under a pty");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let reading = std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
        out
    });
    let status = child.wait().unwrap();
    assert_eq!(status.exit_code(), 1);
    drop(pty.master);
    reading.join().unwrap()
}

#[test]
fn colour_on_a_terminal_but_never_with_no_color() {
    let coloured = on_a_terminal(false);
    let text = String::from_utf8_lossy(&coloured);
    assert!(text.contains(SEED_SUMMARY), "{text}");
    assert!(coloured.contains(&0x1b), "a terminal gets colour");
    let plain = on_a_terminal(true);
    let text = String::from_utf8_lossy(&plain);
    assert!(text.contains(SEED_SUMMARY), "{text}");
    assert!(!plain.contains(&0x1b), "NO_COLOR: {text:?}");
}

/// Runs the binary with its standard output on `stdout`.
fn run_with_stdout(args: &[&str], stdout: std::process::Stdio) -> Run {
    run_cmd(jixiao().args(args).stdout(stdout))
}

#[test]
fn output_that_cannot_be_written_is_reported_with_exit_2() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
    };
    for args in [
        &["check", SEED][..],
        &["check", SEED, "--format", "json"],
        &["check", CORRECTED],
        &["explain"],
        &["explain", "F02"],
        &["schemes"],
    ] {
        let run = run_with_stdout(args, full().into());
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(
            run.stderr.lines().count(),
            1,
            "{args:?}: one line: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("无法写出结果"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    for (args, code) in [
        (&["check", SEED][..], 1),
        (&["check", SEED, "--format", "json"], 1),
        (&["explain"], 0),
        (&["schemes"], 0),
    ] {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: both descriptors were just opened and are owned here alone.
        let (reader, writer) = unsafe {
            use std::os::fd::FromRawFd;
            (
                std::os::fd::OwnedFd::from_raw_fd(fds[0]),
                std::os::fd::OwnedFd::from_raw_fd(fds[1]),
            )
        };
        drop(reader);
        let run = run_with_stdout(args, writer.into());
        assert_eq!(run.code, code, "{args:?}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
    }
}

/// WORKBENCH.md "Honest totals": a sheet whose groups and weights are not all there is not
/// graded: the text says `—（未完）`, the JSON gives `"grade": null, "complete": false`.
#[test]
fn an_incomplete_sheet_is_not_graded() {
    // The seed without its last group (成本指标): 76 of 77 points would read 中 if graded.
    let seed = seed_text();
    let cut = seed.find("# 绩效指标 — 成本指标").unwrap();
    let (_dir, path) = scratch("incomplete.toml", &seed[..cut]);
    let text = run_cmd(jixiao().arg("check").arg(&path));
    assert_eq!(
        text.stdout.lines().last(),
        Some("总分 76 / 权重 77 · —（未完） · 6 个错误，7 个警告，8 条提示"),
        "{}",
        text.stdout
    );
    let json = run_cmd(jixiao().args(["check", "--format", "json"]).arg(&path));
    let value: Value = serde_json::from_str(&json.stdout).unwrap();
    let totals = &value[0]["totals"];
    assert_eq!(totals["grade"], Value::Null);
    assert_eq!(totals["complete"], false);
    assert_eq!(totals["score"], "76");
}

/// `jixiao explain ID` ends with the rule's written example, after 怎样改, as `例：…`.
#[test]
fn explain_ends_with_a_written_example() {
    let c03 = run(["explain", "C03"]);
    assert_eq!(c03.code, 0, "{}", c03.stderr);
    let fix = c03.stdout.find("\n怎样改：").expect(&c03.stdout);
    let example = c03.stdout.find("\n例：").expect(&c03.stdout);
    assert!(fix < example, "{}", c03.stdout);
    let last = c03.stdout.lines().last().unwrap();
    assert!(last.starts_with("例："), "{}", c03.stdout);
    // C03's example works the bundled report's figures: 320.25 ÷ 320.28.
    assert!(last.contains("320.25") && last.contains("99.99%"), "{last}");
    // Every rule has one.
    let list = run(["explain"]);
    for id in list
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap())
    {
        let run = run(["explain", id]);
        let last = run.stdout.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("例：") && last.chars().count() > "例：".chars().count(),
            "{id}: {}",
            run.stdout
        );
    }
}

#[test]
fn a_symlinked_file_in_a_folder_is_not_checked_one_named_is() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::copy(crate_file(CORRECTED), dir.path().join("a.toml")).unwrap();
    let secret = outside.path().join("secret.toml");
    std::fs::write(&secret, "password = \"hunter2\"\n").unwrap();
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    let run = run(["check".as_ref(), dir.path().as_os_str()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("link.toml"), "{}", run.stdout);
    assert!(!run.stdout.contains("hunter2"), "{}", run.stdout);
    // Named on the command line, it is the user's choice: checked (and fails to load).
    let run = self::run(["check".as_ref(), link.as_os_str()]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("X05"), "{}", run.stdout);
}
