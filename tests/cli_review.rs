//! `jixiao review DIR --to xlsx|csv|json -o OUT` and `jixiao check … --summary`, through the
//! real binary: the 复核汇总表 read back (the workbook with calamine), refusals in Chinese.

mod e2e;

use calamine::{Data, Reader, Xlsx, open_workbook};
use e2e::*;
use std::fs;
use std::path::{Path, PathBuf};
use unicode_width::UnicodeWidthStr;

/// A folder of reports: the seed, the corrected seed, a partial one, a broken one (in a
/// subfolder), and a unit whose name carries a terminal escape.
fn folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("reports");
    fs::create_dir_all(root.join("sub")).unwrap();
    let seed = seed_text();
    fs::write(root.join("seed.toml"), &seed).unwrap();
    fs::copy(crate_file(CORRECTED), root.join("corrected.toml")).unwrap();
    fs::write(
        root.join("partial.toml"),
        format!(
            "{}[score_sheet.funds]\nweight = 10\nscore = 9\n",
            HEAD.replace("某局", "某某街道办事处")
        ),
    )
    .unwrap();
    fs::write(
        root.join("sub/broken.toml"),
        "schema = \"jixiao/1\"\n[report\n",
    )
    .unwrap();
    fs::write(
        root.join("evil.toml"),
        seed.replace(
            "unit = \"株洲市芦淞区应急管理局\"",
            "unit = \"=坏\\u001b[2J局\"",
        ),
    )
    .unwrap();
    (dir, root)
}

fn sheet(path: &Path, name: &str) -> calamine::Range<Data> {
    let mut book: Xlsx<_> = open_workbook(path).expect("calamine opens it");
    book.worksheet_range(name).expect("the sheet is there")
}

fn text(range: &calamine::Range<Data>, r: u32, c: u32) -> String {
    match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("({r}, {c}) is not text: {other:?}"),
    }
}

#[test]
fn the_workbook_has_three_sheets_one_summary_row_per_report_and_numeric_scores() {
    let (dir, root) = folder();
    let out = dir.path().join("复核汇总表.xlsx");
    let run = run([
        "review",
        root.to_str().unwrap(),
        "--to",
        "xlsx",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("已导出") && run.stdout.contains("5 份报告"),
        "{}",
        run.stdout
    );

    let book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["汇总", "问题清单", "规则统计"]);

    let summary = sheet(&out, "汇总");
    assert_eq!(summary.height(), 6, "a heading and one row per report");
    assert_eq!(text(&summary, 0, 0), "单位");
    assert_eq!(text(&summary, 0, 4), "自评分");
    let seed_row = (1..6)
        .find(|&r| text(&summary, r, 1) == "seed.toml")
        .expect("the seed's row");
    assert_eq!(text(&summary, seed_row, 0), "株洲市芦淞区应急管理局");
    assert_eq!(summary.get_value((seed_row, 2)), Some(&Data::Float(2023.0)));
    assert_eq!(summary.get_value((seed_row, 4)), Some(&Data::Float(94.0)));
    assert_eq!(summary.get_value((seed_row, 5)), Some(&Data::Float(97.0)));
    assert_eq!(text(&summary, seed_row, 6), "优");
    assert_eq!(summary.get_value((seed_row, 7)), Some(&Data::Float(5.0)));
    assert!(text(&summary, seed_row, 10).starts_with("✗ F02 安全监管"));
    let broken = (1..6)
        .find(|&r| text(&summary, r, 1) == "sub/broken.toml")
        .expect("the broken file's row");
    assert_eq!(text(&summary, broken, 6), "无法载入");
    assert!(matches!(
        summary.get_value((broken, 4)),
        None | Some(Data::Empty)
    ));
    assert!(text(&summary, broken, 10).contains("X01"));
    let partial = (1..6)
        .find(|&r| text(&summary, r, 1) == "partial.toml")
        .unwrap();
    assert_eq!(text(&summary, partial, 6), "—（未完）");
    assert_eq!(summary.get_value((partial, 4)), Some(&Data::Float(9.0)));
    // The escape in a unit's name is shown, never written raw.
    let evil = (1..6)
        .find(|&r| text(&summary, r, 1) == "evil.toml")
        .unwrap();
    assert_eq!(text(&summary, evil, 0), "=坏\\u{1b}[2J局");

    let findings = sheet(&out, "问题清单");
    assert_eq!(text(&findings, 0, 2), "规则");
    // The seed's 21 findings, twice (seed and evil), the corrected seed's, the X01.
    let f02 = (1..findings.height() as u32)
        .find(|&r| text(&findings, r, 1) == "seed.toml" && text(&findings, r, 2) == "F02")
        .expect("the seed's F02");
    assert_eq!(text(&findings, f02, 3), "错误");
    assert_eq!(text(&findings, f02, 4), "performance.special_funds[0]");
    assert!(matches!(findings.get_value((f02, 5)), Some(Data::Float(l)) if *l > 1.0));
    let seed_findings = (1..findings.height() as u32)
        .filter(|&r| text(&findings, r, 1) == "seed.toml")
        .count();
    assert_eq!(seed_findings, 21);

    let rules = sheet(&out, "规则统计");
    assert_eq!(text(&rules, 0, 0), "规则");
    assert_eq!(text(&rules, 1, 1), "错误", "errors first");
    let c07 = (1..rules.height() as u32)
        .find(|&r| text(&rules, r, 0) == "C07")
        .unwrap();
    assert_eq!(
        rules.get_value((c07, 3)),
        Some(&Data::Float(2.0)),
        "two reports"
    );
    assert_eq!(
        rules.get_value((c07, 4)),
        Some(&Data::Float(6.0)),
        "six findings"
    );
}

#[test]
fn csv_is_the_summary_sheet_and_json_has_rows_findings_and_rules() {
    let (dir, root) = folder();
    let csv = dir.path().join("out.csv");
    let run = run([
        "review",
        root.to_str().unwrap(),
        "--to",
        "csv",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with('\u{feff}'), "a BOM for Excel");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 6);
    assert!(
        lines[0].starts_with("单位,文件,年度,方案,自评分,权重,等级,错误,警告,提示,最严重的问题")
    );
    let seed = lines.iter().find(|l| l.contains(",seed.toml,")).unwrap();
    assert!(
        seed.starts_with("株洲市芦淞区应急管理局,seed.toml,2023,hunan-department,94,97,优,5,8,8,"),
        "{seed}"
    );
    // A unit that starts like a formula is not one.
    assert!(lines.iter().any(|l| l.starts_with("'=坏")), "{text}");
    assert!(!has_raw_controls(text.as_bytes()));

    let json = dir.path().join("out.json");
    let run = self::run([
        "review",
        root.to_str().unwrap(),
        "--to",
        "json",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(value["district"]["reports"], 5);
    let reports = value["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 5);
    let seed = reports.iter().find(|r| r["file"] == "seed.toml").unwrap();
    assert_eq!(seed["unit"], "株洲市芦淞区应急管理局");
    assert_eq!(seed["year"], 2023);
    assert_eq!(seed["score"], "94", "exact decimals as strings");
    assert_eq!(seed["worst"]["rule"], "F02");
    assert!(value["findings"].as_array().unwrap().len() > 40);
    assert_eq!(value["rules"][0]["severity"], "error");
}

#[test]
fn an_existing_output_is_never_overwritten() {
    let (dir, root) = folder();
    let out = dir.path().join("taken.xlsx");
    fs::write(&out, "mine").unwrap();
    let run = run([
        "review",
        root.to_str().unwrap(),
        "--to",
        "xlsx",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("文件已存在，未覆盖"), "{}", run.stderr);
    assert_eq!(fs::read(&out).unwrap(), b"mine");
    // Nor through a symlink.
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(dir.path().join("victim"), &link).unwrap();
    let run = self::run([
        "review",
        root.to_str().unwrap(),
        "--to",
        "csv",
        "-o",
        link.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(!dir.path().join("victim").exists());
}

#[test]
fn review_needs_a_folder_and_to_needs_an_output() {
    let run = run(["review", SEED, "--to", "csv", "-o", "/tmp/never.csv"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("不是文件夹"), "{}", run.stderr);
    let run = self::run(["review", "examples", "--to", "csv"]);
    assert_eq!(run.code, 2);
    // Without a terminal the screen is refused in one sentence pointing to check.
    let run = self::run(["review", "examples"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("jixiao check examples"),
        "{}",
        run.stderr
    );
    let run = run_cmd(jixiao().args(["review", "examples"]).env("TERM", "dumb"));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("TERM=dumb"), "{}", run.stderr);
}

#[test]
fn check_summary_is_one_aligned_line_per_report_then_the_rules() {
    let (_dir, root) = folder();
    let run = run([
        "check",
        "--summary",
        root.to_str().unwrap(),
        root.join("sub/broken.toml").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "a file that does not load: as check");
    assert!(!has_raw_controls(run.stdout.as_bytes()));
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("单位"), "{}", run.stdout);
    let table: Vec<&str> = lines
        .iter()
        .take_while(|l| !l.is_empty())
        .copied()
        .collect();
    assert_eq!(table.len(), 6, "{}", run.stdout);
    // Sorted by unit; the columns line up by display width.
    let col = |line: &str, needle: &str| line[..line.find(needle).unwrap()].width();
    let scheme = col(table[0], "方案");
    for line in &table[1..] {
        if line.contains("hunan-department") {
            assert_eq!(col(line, "hunan-department"), scheme, "{}", run.stdout);
        }
    }
    assert!(run.stdout.contains("=坏\\u{1b}[2J局"));
    assert!(run.stdout.contains("规则统计（触发该规则的报告数）："));
    assert!(
        run.stdout.contains("✗ C07 · 2 份报告（共 6 处）"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("5 份报告 · 有错误 3")
    );

    let run = self::run(["check", "--summary", CORRECTED]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = self::run(["check", "--summary", "--format", "json", CORRECTED]);
    assert_eq!(run.code, 2, "--summary is text");
}

/// The shipped examples: the 2024 report beside two 2023 reports of its unit (the seed and
/// its corrected copy), so last year's report cannot be picked.
fn two_last_years() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("examples");
    fs::create_dir(&root).unwrap();
    for name in [SEED, CORRECTED, "examples/lusong-emergency-2024.toml"] {
        let file = crate_file(name);
        fs::copy(&file, root.join(file.file_name().unwrap())).unwrap();
    }
    (dir, root)
}

#[test]
fn check_summary_says_when_last_years_report_is_not_compared() {
    let (_dir, root) = two_last_years();
    let run = run(["check", "--summary", root.to_str().unwrap()]);
    assert!(
        run.stderr.contains("未自动与上年比对"),
        "as check says it: {}",
        run.stderr
    );
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("2024"))
        .expect("the 2024 row");
    assert!(line.ends_with("上年报告有 2 份，未比对"), "{}", run.stdout);
}

#[test]
fn the_review_table_says_whether_last_years_report_was_compared() {
    let (dir, root) = two_last_years();
    let csv = dir.path().join("out.csv");
    let run = run([
        "review",
        root.to_str().unwrap(),
        "--to",
        "csv",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].ends_with(",最严重的问题,上年比对"), "{text}");
    let row = lines.iter().find(|l| l.contains("-2024.toml")).unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(cells[10], "上年报告有 2 份，未比对", "{row}");
    assert_eq!(cells[11], "上年报告有 2 份，未比对", "{row}");
    // With one report of 2023 left, it is compared, and the cell names it.
    fs::remove_file(root.join("lusong-emergency-2023.toml")).unwrap();
    let json = dir.path().join("out.json");
    let run = self::run([
        "review",
        root.to_str().unwrap(),
        "--to",
        "json",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    let next = value["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["year"] == 2024)
        .unwrap();
    assert!(next["not_compared"].is_null(), "{next}");
    assert!(
        next["previous"]
            .as_str()
            .unwrap()
            .ends_with("lusong-emergency-2023-corrected.toml"),
        "{next}"
    );
}

#[test]
fn check_summary_of_a_folder_takes_its_subfolders_as_review_does() {
    let (_dir, root) = folder();
    let run = run(["check", "--summary", root.to_str().unwrap()]);
    assert_eq!(run.code, 2, "sub/broken.toml does not load: {}", run.stdout);
    let table: Vec<&str> = run.stdout.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(table.len(), 6, "a heading and five reports: {}", run.stdout);
    assert!(
        table.iter().any(|l| l.contains("sub/broken.toml")),
        "{}",
        run.stdout
    );
}

#[test]
fn without_to_the_format_is_the_output_s_extension_and_a_mismatch_is_refused() {
    let (dir, root) = folder();
    let out = dir.path().join("汇总.xlsx");
    let run = run([
        "review",
        root.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        sheet(&out, "汇总").height(),
        6,
        "a heading and five reports"
    );
    // --to csv into a .xlsx name: refused, nothing written.
    let wrong = dir.path().join("x.xlsx");
    let run = self::run([
        "review",
        root.to_str().unwrap(),
        "--to",
        "csv",
        "-o",
        wrong.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--to csv 与输出文件"), "{}", run.stderr);
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
    assert!(!wrong.exists());
    // A name that says no format, without --to: refused; with --to: as asked.
    let plain = dir.path().join("汇总");
    let run = self::run([
        "review",
        root.to_str().unwrap(),
        "-o",
        plain.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("看不出要导出的格式"), "{}", run.stderr);
    let run = self::run([
        "review",
        root.to_str().unwrap(),
        "--to",
        "json",
        "-o",
        plain.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let _: serde_json::Value = serde_json::from_slice(&fs::read(&plain).unwrap()).unwrap();
}
