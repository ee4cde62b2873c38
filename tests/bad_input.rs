//! RELIABILITY.md "Bad input", row by row, through the real binary: every case gets a clear
//! message naming the file (and where it can, the key path, line and column), nothing on disk
//! changes, and nothing panics.

mod e2e;

use e2e::*;
use serde_json::Value;
use std::path::Path;
use unicode_width::UnicodeWidthStr;

/// A finding as JSON gives it: (rule, path, line, column, message).
type Found = (String, String, u64, u64, String);

/// `check --format json` on one file: exit code, its findings and the file's whole object.
fn json_findings(path: &Path) -> (i32, Vec<Found>, Value) {
    let run = run([
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        path.as_os_str(),
    ]);
    let value: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout));
    let findings = value[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (run.code, findings, value[0].clone())
}

/// Checks a file that must not load: exit 2 in text and JSON, the file untouched, and the
/// findings returned for closer inspection.
fn refused(name: &str, bytes: &[u8]) -> Vec<Found> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let text = run(["check".as_ref(), path.as_os_str()]);
    assert_eq!(text.code, 2, "{}", text.stdout);
    assert!(
        text.stdout
            .contains(&format!("{}: 无法载入", path.display())),
        "{}",
        text.stdout
    );
    assert!(!has_raw_controls(&text.raw_stdout), "{:?}", text.stdout);
    let (code, findings, file) = json_findings(&path);
    assert_eq!(code, 2);
    assert!(file["totals"].is_null());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "check changed the file"
    );
    // set refuses too, and changes nothing.
    let set = run(["set".as_ref(), path.as_os_str(), "budget.spent=1".as_ref()]);
    assert_eq!(set.code, 2);
    assert!(!set.stderr.is_empty());
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "set changed the file");
    findings
}

/// The single X01 of a file, with its line and column.
fn x01(name: &str, bytes: &[u8]) -> (u64, u64, String) {
    let findings = refused(name, bytes);
    assert_eq!(findings.len(), 1, "{findings:?}");
    let (rule, path, line, col, message) = findings.into_iter().next().unwrap();
    assert_eq!((rule.as_str(), path.as_str()), ("X01", ""));
    (line, col, message)
}

// ── Not TOML, truncated, bad UTF-8, binary ────────────────────────────────────────────────

#[test]
fn not_toml_is_x01_at_the_place() {
    let (line, col, message) = x01(
        "not-toml.toml",
        format!("{HEAD}[budget\ninitial = 1\n").as_bytes(),
    );
    assert_eq!((line, col), (7, 8));
    assert!(message.starts_with("不是有效的 TOML"), "{message}");
    let (line, col, _) = x01(
        "key.toml",
        format!("{HEAD}[budget]\ninitial 241.75\n").as_bytes(),
    );
    assert_eq!((line, col), (8, 9));
    let (line, _, message) = x01(
        "twice.toml",
        format!("{HEAD}[budget]\ninitial = 1\ninitial = 2\n").as_bytes(),
    );
    assert_eq!(line, 9);
    assert!(message.contains("键重复定义"), "{message}");
}

#[test]
fn a_truncated_file_is_x01() {
    let seed = seed_text();
    // Cut inside the multi-line text of 六（一）, at a character boundary.
    let inside = seed.find("今年以来").unwrap() + "今年以来".len();
    let (line, _, message) = x01("cut-string.toml", &seed.as_bytes()[..inside]);
    let overall_line = seed[..inside].lines().count() as u64;
    assert!(line >= overall_line - 1, "line {line}");
    assert!(message.contains("可能被截断"), "{message}");
    // Cut inside a table header.
    let header = seed.find("[[score_sheet.groups]]").unwrap() + 10;
    let (line, _, _) = x01("cut-header.toml", &seed.as_bytes()[..header]);
    assert_eq!(line, seed[..header].lines().count() as u64);
    // Cut after a key.
    let key = seed.find("adjustment = 270.08").unwrap() + "adjustment =".len();
    let (line, _, _) = x01("cut-key.toml", &seed.as_bytes()[..key]);
    assert_eq!(line, seed[..key].lines().count() as u64);
}

#[test]
fn bad_utf8_is_x01_at_the_bad_byte() {
    let mut bytes = format!("{HEAD}[budget.other]\ngovernment_fund = \"无").into_bytes();
    bytes.extend_from_slice(b"\xff\xfe\"\n");
    let (line, col, message) = x01("latin.toml", &bytes);
    assert_eq!((line, col), (8, 21));
    assert!(message.contains("UTF-8"), "{message}");
    // GBK, as saved by an old editor: 无 is 0xCE 0xDE.
    let gbk = b"schema = \"jixiao/1\"\nunit = \"\xce\xde\"\n";
    let (line, col, _) = x01("gbk.toml", gbk);
    assert_eq!((line, col), (2, 9));
    // A multi-byte character cut in half at the end of the file.
    let seed = seed_text();
    let mid = seed.find("芦淞").unwrap() + 1;
    let (line, _, _) = x01("half-char.toml", &seed.as_bytes()[..mid]);
    assert_eq!(line, 1);
}

/// Deterministic "random" bytes (a linear congruential generator), so failures reproduce.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as u8
        })
        .collect()
}

#[test]
fn binary_files_are_x01() {
    for (i, seed) in [1u64, 2, 3, 42, 2023].into_iter().enumerate() {
        let (line, col, _) = x01(&format!("noise{i}.toml"), &noise(4096, seed));
        assert!(line >= 1 && col >= 1);
    }
    let (line, col, _) = x01("nul.toml", b"a\0b\0c");
    assert_eq!(line, 1);
    assert!(col >= 1);
    let (line, _, _) = x01("zeros.toml", &[0u8; 1024]);
    assert_eq!(line, 1);
    let mut seed_with_nul = seed_text().into_bytes();
    let at = seed_with_nul.len() / 2;
    seed_with_nul.insert(at, 0);
    let (line, _, _) = x01("seed-nul.toml", &seed_with_nul);
    assert!(line > 100);
    // A raw escape byte inside a string (TOML forbids control characters there): refused,
    // and the excerpt shows it visibly.
    let hostile = format!("{HEAD}[closing]\nproblems = \"\x1b]0;title\x07\x1b[2J\"\n");
    let (line, _, _) = x01("raw-escape.toml", hostile.as_bytes());
    assert_eq!(line, 8);
    let (_dir, path) = scratch("raw-escape.toml", &hostile);
    let run = run(["check".as_ref(), path.as_os_str()]);
    assert!(!has_raw_controls(&run.raw_stdout), "{:?}", run.stdout);
    assert!(
        run.stdout.contains("\\u{1b}]0;title\\u{7}"),
        "{}",
        run.stdout
    );
}

// ── Wrong kinds ───────────────────────────────────────────────────────────────────────────

const WRONG_KINDS: &str = "[budget]
initial = \"abc\"
income = -3
spent = 1e40
basic = 99999999999999999999999999999999
personnel = nan
public = inf
project = -inf
[basic.staff]
in_service = 3.5
retired = \"五\"
actual_total = -1
[performance]
special_fund_count = 99999999999999999999
[[performance.special_funds]]
name = 3
adjustment = -99999999999999999999999.5
spent = \"12..5\"
[basic_data]
control_rate = \"七成\"
";

#[test]
fn every_wrong_kind_is_x02_all_at_once() {
    let text = format!("{HEAD}{WRONG_KINDS}");
    let findings = refused("kinds.toml", text.as_bytes());
    let line_of = |key: &str| -> u64 {
        text.lines()
            .position(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{key}")) as u64
            + 1
    };
    let got: Vec<(&str, &str, u64)> = findings
        .iter()
        .map(|(r, p, l, _, _)| (r.as_str(), p.as_str(), *l))
        .collect();
    let expected: Vec<(&str, &str, u64)> = [
        ("budget.initial", "initial = \"abc\""),
        ("budget.income", "income = -3"),
        ("budget.spent", "spent = 1e40"),
        ("budget.basic", "basic = 9999"),
        ("budget.personnel", "personnel = nan"),
        ("budget.public", "public = inf"),
        ("budget.project", "project = -inf"),
        ("basic.staff.in_service", "in_service = 3.5"),
        ("basic.staff.retired", "retired = \"五\""),
        ("basic.staff.actual_total", "actual_total = -1"),
        (
            "performance.special_fund_count",
            "special_fund_count = 9999",
        ),
        ("performance.special_funds[0].name", "name = 3"),
        (
            "performance.special_funds[0].adjustment",
            "adjustment = -9999",
        ),
        ("performance.special_funds[0].spent", "spent = \"12..5\""),
        ("basic_data.control_rate", "control_rate = \"七成\""),
    ]
    .iter()
    .map(|(p, l)| ("X02", *p, line_of(l)))
    .collect();
    assert_eq!(got, expected, "{findings:#?}");
    // Each message names the key path and says what was wrong.
    for (_, path, _, col, message) in &findings {
        assert!(message.contains(path.as_str()), "{message}");
        assert!(*col > 1, "{path}: the column points at the value");
    }
    let message = |p: &str| &findings.iter().find(|f| f.1 == p).unwrap().4;
    assert!(message("budget.income").contains("负数"));
    assert!(message("basic.staff.in_service").contains("小数"));
    assert!(message("budget.personnel").contains("不是有限的数"));
    assert!(message("budget.basic").contains("99999999999999999999999999999999"));
    assert!(
        message("budget.basic").contains("太大"),
        "{}",
        message("budget.basic")
    );
    assert!(message("performance.special_fund_count").contains("太大"));
}

#[test]
fn numbers_too_large_for_the_parser_are_named_by_their_key() {
    // An integer beyond the 64-bit range, in every kind of place: a section, an inline table,
    // an inline array of rows, a list of texts and a key jixiao does not know.
    let text = format!(
        "{HEAD}[budget]\nspent = 18446744073709551616\nprojects = [{{ name = \"x\", amount = -9223372036854775809 }}]\n\
         [basic]\nfunctions = [\"一\", 0x1_0000_0000_0000_0000]\n[basic_data.costs]\npublic = {{ final = 1e400 }}\n\
         [closing]\nmisc = 123456789012345678901234567890\n"
    );
    let findings = refused("overflow.toml", text.as_bytes());
    let got: Vec<(&str, &str, u64, u64)> = findings
        .iter()
        .map(|(r, p, l, c, _)| (r.as_str(), p.as_str(), *l, *c))
        .collect();
    assert_eq!(
        got,
        [
            ("X02", "budget.spent", 8, 9),
            ("X02", "budget.projects[0].amount", 9, 36),
            ("X02", "basic.functions[1]", 11, 19),
            ("X02", "basic_data.costs.public.final", 13, 20),
            ("X03", "closing.misc", 15, 1),
            ("X02", "closing.misc", 15, 8),
        ],
        "{findings:#?}"
    );
}

#[test]
fn a_section_or_rows_written_as_a_number_too_large_is_reported_once() {
    let text = format!(
        "budget = 99999999999999999999\nperformance = 1e999\n{HEAD}[score_sheet]\ngroups = -99999999999999999999\n"
    );
    let findings = refused("too-large-tables.toml", text.as_bytes());
    let got: Vec<(&str, &str, u64)> = findings
        .iter()
        .map(|(r, p, l, _, _)| (r.as_str(), p.as_str(), *l))
        .collect();
    assert_eq!(
        got,
        [
            ("X02", "budget", 1),
            ("X02", "performance", 2),
            ("X02", "score_sheet.groups", 10),
        ],
        "{findings:#?}"
    );
    assert!(
        findings.iter().all(|f| f.4.contains("太大")),
        "{findings:#?}"
    );
}

#[test]
fn amounts_too_large_to_add_up_are_refused_not_a_crash() {
    // Each fits in an exact decimal, but not their sum: the program must not overflow.
    let text = format!(
        "{HEAD}[budget]\nspent = 50000000000000000000000000000\nbasic = \"50000000000000000000000000000\"\nproject = 5e28\n"
    );
    let findings = refused("sum.toml", text.as_bytes());
    let paths: Vec<&str> = findings.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(paths, ["budget.spent", "budget.basic", "budget.project"]);
    assert!(
        findings
            .iter()
            .all(|f| f.0 == "X02" && f.4.contains("太大"))
    );
}

#[test]
fn a_tiny_divisor_does_not_overflow_the_checks() {
    // 1000 ÷ 0.0000000000000000000000000001 cannot be represented: C03 and C04 must still
    // answer (the stated rate is wrong; the score is capped at the weight), not crash.
    let text = format!(
        "{HEAD}[score_sheet.funds]\nfull_year = 0.0000000000000000000000000001\nexecuted = 1000\nweight = 10\nscore = 1\nrate = \"1%\"\n"
    );
    let (_dir, path) = scratch("tiny.toml", &text);
    let (code, findings, _) = json_findings(&path);
    assert_eq!(code, 1);
    let rules: Vec<&str> = findings.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(rules, ["X04", "C04", "C03"], "{findings:#?}");
    let c04 = &findings.iter().find(|f| f.0 == "C04").unwrap().4;
    assert!(c04.ends_with("= 10"), "{c04}");
}

#[test]
fn head_counts_too_large_to_add_up_do_not_overflow() {
    let big = i64::MAX;
    let text = format!(
        "{HEAD}[basic.staff]\nactual_total = 1\nin_service = {big}\nopen_ended = {big}\nretired = {big}\nother = {big}\n"
    );
    let (_dir, path) = scratch("staff.toml", &text);
    let (code, findings, _) = json_findings(&path);
    assert_eq!(code, 1);
    let s01 = findings.iter().find(|f| f.0 == "S01").expect("S01");
    assert!(s01.4.contains("36893488147419103228"), "{}", s01.4);
}

// ── Unknown keys ──────────────────────────────────────────────────────────────────────────

#[test]
fn unknown_keys_are_warnings_with_a_suggestion_and_survive_a_save() {
    let corrected = std::fs::read_to_string(crate_file(CORRECTED)).unwrap();
    let text = corrected
        .replace("[budget]\n", "[budget]\nspnet = 1   # 手误\n")
        .replace("[closing]\n", "[closing]\nproblem = \"x\"\n")
        + "\n[budjet]\ninitial = 3\n";
    let (_dir, path) = scratch("typos.toml", &text);
    let (code, findings, _) = json_findings(&path);
    assert_eq!(code, 0, "warnings only: {findings:#?}");
    let x03: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f.0 == "X03")
        .map(|f| (f.1.as_str(), f.4.as_str()))
        .collect();
    assert_eq!(x03.len(), 3, "{x03:?}");
    assert_eq!(x03[0].0, "budget.spnet");
    assert!(x03[0].1.contains("是否想写“spent”"), "{}", x03[0].1);
    assert_eq!(x03[1].0, "closing.problem");
    assert!(x03[1].1.contains("是否想写“problems”"), "{}", x03[1].1);
    assert_eq!(x03[2].0, "budjet");
    assert!(x03[2].1.contains("是否想写“budget”"), "{}", x03[2].1);
    assert_eq!(
        run([
            "check".as_ref(),
            "--deny".as_ref(),
            "warnings".as_ref(),
            path.as_os_str()
        ])
        .code,
        1
    );
    // With other errors, the exit status follows them.
    let seed = seed_text().replace("[budget]\n", "[budget]\nspnet = 1\n");
    let (_seed_dir, seed_path) = scratch("seed-typo.toml", &seed);
    assert_eq!(json_findings(&seed_path).0, 1);

    // A save elsewhere keeps the unknown keys and their values byte for byte.
    let set = run([
        "set".as_ref(),
        path.as_os_str(),
        "budget.initial=241.76".as_ref(),
    ]);
    assert_eq!(set.code, 0, "{}", set.stderr);
    let after = std::fs::read_to_string(&path).unwrap();
    for line in [
        "spnet = 1   # 手误",
        "problem = \"x\"",
        "[budjet]",
        "initial = 3",
    ] {
        assert!(after.lines().any(|l| l == line), "{line} lost");
    }
    assert_eq!(
        after
            .lines()
            .filter(|l| !text.lines().any(|t| t == *l))
            .count(),
        1
    );
}

// ── Missing required keys, unknown schema or scheme ─────────────────────────────────────

#[test]
fn missing_required_keys_and_unknown_schemes_are_x05_and_x06() {
    let findings = refused("empty.toml", b"# nothing yet\n");
    let got: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.0.as_str(), f.1.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("X05", "schema"),
            ("X05", "scheme"),
            ("X05", "report.unit"),
            ("X05", "report.year")
        ]
    );
    let findings = refused(
        "v2.toml",
        b"schema = \"jixiao/2\"\nscheme = \"no-such-scheme\"\n[report]\nunit = \"x\"\nyear = 2023\n",
    );
    let got: Vec<(&str, &str, u64)> = findings
        .iter()
        .map(|f| (f.0.as_str(), f.1.as_str(), f.2))
        .collect();
    assert_eq!(got, [("X05", "schema", 1), ("X06", "scheme", 2)]);
    assert!(
        findings[1].4.contains("hunan-department"),
        "{}",
        findings[1].4
    );
    assert!(findings[1].4.contains("mof-project-2020"));
    let findings = refused(
        "no-year.toml",
        b"schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n[report]\nunit = \"x\"\n",
    );
    assert_eq!(findings.len(), 1);
    assert_eq!(
        (findings[0].0.as_str(), findings[0].1.as_str()),
        ("X05", "report.year")
    );
}

// ── Files that are not report files ──────────────────────────────────────────────────────

/// A refusal: exit 2, one sentence on stderr naming the file, nothing on stdout, no panic.
fn assert_refusal(args: &[&std::ffi::OsStr], name: &str, says: &str) {
    let run = run(args);
    assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
    let stderr = run.stderr.trim_end();
    assert_eq!(stderr.lines().count(), 1, "one sentence: {stderr}");
    assert!(stderr.contains(name), "{stderr}");
    assert!(stderr.contains(says), "{stderr}");
    assert!(run.stdout.trim().is_empty(), "stdout: {}", run.stdout);
}

#[test]
fn refusals_for_what_is_not_a_report_file() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(16 * 1024 * 1024 + 1).unwrap();
    drop(file);
    let fifo = dir.path().join("pipe.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let missing = dir.path().join("missing.toml");
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();

    let cases: [(&Path, &str); 4] = [
        (&big, "超过 16 MiB"),
        (&fifo, "不是普通文件"),
        (Path::new("/dev/null"), "不是普通文件"),
        (&missing, "不存在"),
    ];
    for (path, says) in cases {
        let name = path.display().to_string();
        assert_refusal(&["check".as_ref(), path.as_os_str()], &name, says);
        assert_refusal(
            &["set".as_ref(), path.as_os_str(), "budget.spent=1".as_ref()],
            &name,
            says,
        );
    }
    assert_refusal(
        &[
            "set".as_ref(),
            folder.as_os_str(),
            "budget.spent=1".as_ref(),
        ],
        &folder.display().to_string(),
        "文件夹",
    );
    // An empty folder holds nothing to check.
    let run = run(["check".as_ref(), folder.as_os_str()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("没有找到"), "{}", run.stderr);
    // The big file was not touched.
    assert_eq!(std::fs::metadata(&big).unwrap().len(), 16 * 1024 * 1024 + 1);
    // JSON still reports the refusal for the file, as an error, and exit 2.
    let json = self::run([
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        missing.as_os_str(),
    ]);
    assert_eq!(json.code, 2);
    let value: Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(value[0]["error"].as_str().unwrap().contains("不存在"));
}

#[test]
fn a_refused_file_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.toml");
    let run = run_cmd(jixiao().arg("check").arg(&missing).arg(CORRECTED));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("不存在"));
    assert!(run.stdout.contains("总分 93 / 权重 100"), "{}", run.stdout);
}

// ── Hostile text ─────────────────────────────────────────────────────────────────────────

/// Strings that would retitle the terminal, clear it, write its clipboard, or reverse text.
const HOSTILE: &[&str] = &[
    "\\u001b]0;title\\u0007",
    "\\u001b[2J",
    "\\u001b]52;c;aGVsbG8=\\u0007",
    "\\u202e",
    "\\u009b31m",
];

fn hostile_report() -> String {
    let all = HOSTILE.concat();
    format!(
        "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n[report]\nunit = \"某局{all}\"\nyear = 2023\n\
         [budget]\ninitial = \"{all}\"\n\"bad{all}key\" = 1\n\
         [[performance.special_funds]]\nname = \"安全监管{all}\"\nbudget = 1\nadjustment = 0\nspent = 2\ncarryover = 0\n\
         [[score_sheet.groups]]\nname = \"产出指标{all}\"\nweight = 40\n\
         [[score_sheet.groups.indicators]]\ncategory = \"数量指标{all}\"\nname = \"/\"\ntarget = \"{all}\"\nactual = \"≥90%{all}\"\nweight = 40\nscore = 30\ndeviation = \"无\"\n\
         [closing]\nproblems = \"无\"\nimprovements = \"“{all}”\u{202e}\"\n"
    )
}

fn assert_visible(bytes: &[u8], what: &str) {
    assert!(
        !has_raw_controls(bytes),
        "{what}: {:?}",
        String::from_utf8_lossy(bytes)
    );
    let text = String::from_utf8_lossy(bytes);
    assert!(
        text.contains("\\u{1b}"),
        "{what} does not show the escapes: {text}"
    );
}

#[test]
fn hostile_strings_are_shown_visibly_in_text_and_json() {
    // First as an X02 (the text in an amount), then, fixed, through every rule's message.
    let text = hostile_report();
    let (_dir, path) = scratch("hostile.toml", &text);
    let run1 = run(["check".as_ref(), path.as_os_str()]);
    assert_eq!(run1.code, 2);
    assert_visible(&run1.raw_stdout, "text");
    let json = run([
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        path.as_os_str(),
    ]);
    assert_visible(&json.raw_stdout, "json");

    let fixed = text.replace(
        &format!("initial = \"{}\"", HOSTILE.concat()),
        "initial = 1",
    );
    std::fs::write(&path, &fixed).unwrap();
    let text_run = run(["check".as_ref(), path.as_os_str()]);
    assert_eq!(text_run.code, 1, "{}", text_run.stdout);
    assert_visible(&text_run.raw_stdout, "text");
    for shown in [
        "\\u{1b}]0;title\\u{7}",
        "\\u{1b}[2J",
        "\\u{1b}]52;c;aGVsbG8=\\u{7}",
        "\\u{202e}",
        "\\u{9b}31m",
    ] {
        assert!(
            text_run.stdout.contains(shown),
            "{shown} not shown:\n{}",
            text_run.stdout
        );
    }
    let rules: Vec<String> = finding_lines(&text_run.stdout, &path.display().to_string())
        .into_iter()
        .map(|f| f.3)
        .collect();
    for rule in ["X03", "F02", "C08", "C12", "C14", "N01"] {
        assert!(rules.iter().any(|r| r == rule), "{rule} missing: {rules:?}");
    }
    let json = run([
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        path.as_os_str(),
    ]);
    assert_visible(&json.raw_stdout, "json");
    let value: Value = serde_json::from_str(&json.stdout).unwrap();
    for f in value[0]["findings"].as_array().unwrap() {
        for key in ["path", "message"] {
            let s = f[key].as_str().unwrap();
            assert!(
                !s.chars().any(|c| c.is_control() || c == '\u{202e}'),
                "{key} {s:?}"
            );
        }
    }

    // set: the findings it reports and its refusals are made visible too.
    let set = run([
        "set".as_ref(),
        path.as_os_str(),
        "performance.special_funds[0].spent=1".as_ref(),
    ]);
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert_visible(&set.raw_stdout, "set");
    let set = run([
        "set".as_ref(),
        path.as_os_str(),
        "budget.initial=\u{1b}[2J".as_ref(),
    ]);
    assert_eq!(set.code, 2);
    assert_visible(&set.raw_stderr, "set error");
    let explain = run(["explain", "\u{1b}]0;x\u{7}"]);
    assert_eq!(explain.code, 2);
    assert_visible(&explain.raw_stderr, "explain");
}

#[test]
fn a_hostile_file_name_is_shown_visibly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a\u{1b}[2Jb\u{202e}.toml");
    std::fs::copy(crate_file(SEED), &path).unwrap();
    let run1 = run(["check".as_ref(), path.as_os_str()]);
    assert_eq!(run1.code, 1);
    assert_visible(&run1.raw_stdout, "text");
    let json = run([
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        dir.path().as_os_str(),
    ]);
    assert!(!has_raw_controls(&json.raw_stdout));
    let missing = dir.path().join("gone\u{1b}]0;x\u{7}.toml");
    let refused = run(["check".as_ref(), missing.as_os_str()]);
    assert_eq!(refused.code, 2);
    assert_visible(&refused.raw_stderr, "refusal");
}

#[test]
fn very_long_lines_are_cut_to_a_readable_excerpt() {
    let long = "很长".repeat(50_000);
    let text = format!(
        "{HEAD}[[score_sheet.groups]]\nname = \"产出指标\"\nweight = 40\n\
         [[score_sheet.groups.indicators]]\ncategory = \"数量指标\"\nname = \"x\"\ntarget = \"1\"\nactual = \"≥{long}\"\nweight = 40\nscore = 40\ndeviation = \"无\"\n"
    );
    let (_dir, path) = scratch("long.toml", &text);
    let run = run(["check".as_ref(), path.as_os_str()]);
    assert!(
        run.stdout.contains("warning[C14]"),
        "{}",
        &run.stdout[..2000.min(run.stdout.len())]
    );
    let widest = run.stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest < 400, "a line of {widest} characters");
}

/// A report whose first-level indicator holds `n` indicators written inline on one line,
/// each found wanting (C12: no name, yet a score), with `middle` written in their midst.
fn one_line_of_indicators(n: usize, middle: &str) -> String {
    let filler = vec!["{category=\"数量指标\",score=1}"; n / 2].join(",");
    format!(
        "{HEAD}[[score_sheet.groups]]\nname = \"产出指标\"\nweight = 40\nindicators = [{filler},{middle},{filler}]\n"
    )
}

#[test]
fn a_finding_in_the_middle_of_a_long_line_is_shown_in_a_window_around_it() {
    let text = one_line_of_indicators(2000, "{name=\"应急标记\",zzz_marker=1}");
    let (_dir, path) = scratch("one-line.toml", &text);
    let run = run(["check".as_ref(), path.as_os_str()]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("warning[X03]") && l.contains("zzz_marker"))
        .unwrap_or_else(|| panic!("no X03 for the marker: {}", &run.stdout[..2000]));
    let line = text.lines().count().to_string();
    let gutter = format!("{line} | ");
    let shown = lines[at + 2]
        .strip_prefix(&gutter)
        .unwrap_or_else(|| panic!("no source line: {}", lines[at + 2]));
    assert!(shown.width() <= 110, "{} columns: {shown}", shown.width());
    assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
    assert!(
        shown.contains("{name=\"应急标记\",zzz_marker=1}"),
        "{shown}"
    );
    // The carets stand under the key, past the wide characters before it.
    let carets = lines[at + 3]
        .strip_prefix(&format!("{} | ", " ".repeat(line.len())))
        .unwrap_or_else(|| panic!("no caret line: {}", lines[at + 3]));
    let before = &shown[..shown.find("zzz_marker").unwrap()];
    assert_eq!(
        carets,
        format!("{}{}", " ".repeat(before.width()), "^".repeat(10)),
        "\n{shown}\n{carets}"
    );
}

#[test]
fn text_output_of_a_long_line_grows_with_its_findings_not_with_their_square() {
    let mut per_finding = Vec::new();
    for n in [500, 4000] {
        let text = one_line_of_indicators(n, "{category=\"数量指标\",score=1}");
        let (_dir, path) = scratch("one-line.toml", &text);
        let run = run(["check".as_ref(), path.as_os_str()]);
        let findings = run.stdout.matches("warning[C12]").count();
        assert!(findings > n, "{findings} findings for {n} indicators");
        let widest = run.stdout.lines().map(|l| l.width()).max().unwrap();
        assert!(widest <= 200, "a line of {widest} columns");
        per_finding.push(run.stdout.len() / findings);
    }
    assert!(
        per_finding.iter().all(|b| *b < 600),
        "bytes per finding: {per_finding:?}"
    );
}

#[test]
fn files_shaped_like_no_report_are_refused_in_one_sentence() {
    let report = seed_text();
    // One line of a million inline tables, as the rows of a first-level indicator.
    let tables = format!(
        "{report}\n[[score_sheet.groups]]\nname = \"产出指标\"\nweight = 40\nindicators = [{}]\n",
        vec!["{}"; 1_000_000].join(",")
    );
    // 100,000-deep lists; and 16 MiB of nothing but brackets.
    let deep = format!("{HEAD}x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let brackets = format!(
        "{HEAD}x = {}\n",
        "[".repeat(16 * 1024 * 1024 - HEAD.len() - 8)
    );
    for (name, text, line) in [
        ("tables.toml", &tables, report.lines().count() + 5),
        ("deep.toml", &deep, 7),
        ("brackets.toml", &brackets, 7),
    ] {
        let (at, _, message) = x01(name, text.as_bytes());
        assert_eq!(at as usize, line, "{name}: {message}");
        assert!(
            message.contains("不像是一份绩效自评报告") || message.contains("不是有效的 TOML"),
            "{name}: {message}"
        );
    }
}
