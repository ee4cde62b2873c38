//! `jixiao set`, `new`, `schemes` and `explain` end to end.

mod e2e;

use e2e::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A scratch copy of the seed.
fn seed_copy() -> (tempfile::TempDir, PathBuf) {
    scratch("report.toml", &seed_text())
}

fn set(path: &Path, assignments: &[&str]) -> Run {
    run_cmd(jixiao().arg("set").arg(path).args(assignments))
}

/// The lines that differ between two texts of the same number of lines: (line number, old, new).
fn changed_lines(old: &str, new: &str) -> Vec<(usize, String, String)> {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.split('\n').collect(), new.split('\n').collect());
    assert_eq!(a.len(), b.len(), "the number of lines changed:\n{new}");
    a.iter()
        .zip(&b)
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, (x, y))| (i + 1, x.to_string(), y.to_string()))
        .collect()
}

fn rules_of(path: &Path) -> Vec<String> {
    let run = run_cmd(jixiao().arg("check").arg(path));
    finding_lines(&run.stdout, &path.display().to_string())
        .into_iter()
        .map(|f| f.3)
        .collect()
}

// ── set ──────────────────────────────────────────────────────────────────────────────────

#[test]
fn set_changes_exactly_one_line_and_f02_vanishes() {
    let (_dir, path) = seed_copy();
    let before = seed_text();
    assert!(rules_of(&path).contains(&"F02".to_owned()));
    let run = set(&path, &["performance.special_funds[0].spent=299.58"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        changed_lines(&before, &after),
        [(103, "spent = 56.58".to_owned(), "spent = 299.58".to_owned())]
    );
    // The command says what vanished and what appeared.
    let vanished: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("- 消失 "))
        .collect();
    assert_eq!(vanished.len(), 1, "{}", run.stdout);
    assert!(
        vanished[0].starts_with("- 消失 error[F02] 安全监管"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("+ 新增 warning[F04]"),
        "the funds now spend 339.41 against 96.41: {}",
        run.stdout
    );
    assert!(
        run.stdout
            .starts_with(&format!("已保存 {}（1 处修改）", path.display()))
    );
    assert_eq!(
        run.stdout.lines().last(),
        Some("总分 94 / 权重 97 · 优 · 4 个错误，9 个警告，8 条提示")
    );
    // And the next check agrees.
    let rules = rules_of(&path);
    assert!(!rules.contains(&"F02".to_owned()), "{rules:?}");
    assert!(rules.contains(&"F04".to_owned()));
}

#[test]
fn set_keeps_the_comment_and_spelling_around_the_value() {
    let (_dir, path) = seed_copy();
    let before = seed_text();
    let run = set(
        &path,
        &[
            "performance.special_funds[0].adjustment=27.08",
            "budget.spent=320.250",
            "score_sheet.funds.rate=99.98％",
            "basic_data.costs.public.final=20.66",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = std::fs::read_to_string(&path).unwrap();
    let changed: Vec<(usize, String)> = changed_lines(&before, &after)
        .into_iter()
        .map(|(n, _, new)| (n, new))
        .collect();
    assert_eq!(
        changed,
        [
            (
                53,
                "spent = 320.250       # 3.2023年度单位一般公共预算财政拨款支出".to_owned()
            ),
            (
                102,
                "adjustment = 27.08   # 年中执行调增（原文如此）".to_owned()
            ),
            (
                155,
                "public = { prev_final = 24.14, budget = 21.99, final = 20.66 }     # 公用经费"
                    .to_owned()
            ),
            (
                203,
                "rate = \"99.98％\"     # 执行率（原表为全角％）".to_owned()
            ),
        ]
    );
    for gone in ["消失 error[F02]", "消失 warning[D02]"] {
        assert!(run.stdout.contains(gone), "{gone}: {}", run.stdout);
    }
    assert!(run.stdout.contains("（4 处修改）"));
}

#[test]
fn a_value_that_does_not_parse_changes_nothing() {
    let (_dir, path) = seed_copy();
    let before = std::fs::read(&path).unwrap();
    for (assignment, says) in [
        ("budget.spent=12..5", "“12..5”不是数字"),
        ("budget.spent=abc", "“abc”不是数字"),
        ("budget.spent=-3", "不能为负"),
        ("budget.spent=1e16", "太大"),
        ("budget.spent=nan", "不是有限的数"),
        ("basic.staff.in_service=3.5", "整数"),
        ("basic_data.control_rate=七成", "不是数字"),
        ("budget=3", "不能直接赋值"),
    ] {
        let run = set(&path, &[assignment]);
        assert_eq!(run.code, 2, "{assignment}: {}", run.stdout);
        assert!(run.stderr.contains(says), "{assignment}: {}", run.stderr);
        assert!(run.stderr.contains("文件未改动"), "{}", run.stderr);
        assert!(run.stdout.is_empty());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "{assignment} changed the file"
        );
    }
    // One bad assignment among good ones: none is applied.
    let run = set(
        &path,
        &["budget.spent=1", "budget.income=abc", "budget.initial=2"],
    );
    assert_eq!(run.code, 2);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // Not KEY=VALUE, or a key path that does not parse.
    for assignment in [
        "budget.spent",
        "budget..spent=1",
        "budget.spent[x]=1",
        "预算=1",
    ] {
        let run = set(&path, &[assignment]);
        assert_eq!(run.code, 2, "{assignment}");
        assert_eq!(run.stderr.trim_end().lines().count(), 1, "{}", run.stderr);
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }
    // No backup or temporary file was left beside it.
    let beside: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["report.toml"]);
}

#[test]
fn full_width_digits_are_taken_as_their_ascii_twins() {
    let (_dir, path) = seed_copy();
    let before = seed_text();
    let run = set(
        &path,
        &["score_sheet.funds.score=１０", "basic_data.authorized=１５"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = std::fs::read_to_string(&path).unwrap();
    let changed: Vec<String> = changed_lines(&before, &after)
        .into_iter()
        .map(|c| c.2)
        .collect();
    assert_eq!(
        changed,
        [
            "authorized = 15          # 编制数",
            "score = 10            # 得分"
        ]
    );
    assert!(run.stdout.contains("- 消失 warning[C04]"), "{}", run.stdout);
}

#[test]
fn an_unknown_key_is_refused_with_a_suggestion() {
    let (_dir, path) = seed_copy();
    let before = std::fs::read(&path).unwrap();
    for (assignment, suggestion) in [
        ("budget.spnet=1", "是否想写“spent”"),
        ("budjet.spent=1", "是否想写“budget”"),
        ("performance.special_funds[0].spnet=1", "是否想写“spent”"),
        (
            "score_sheet.groups[0].indicators[0].scor=1",
            "是否想写“score”",
        ),
    ] {
        let run = set(&path, &[assignment]);
        assert_eq!(run.code, 2, "{assignment}");
        assert!(run.stderr.contains("不认识的键"), "{}", run.stderr);
        assert!(
            run.stderr.contains(suggestion),
            "{assignment}: {}",
            run.stderr
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }
    // A row that does not exist.
    let run = set(&path, &["performance.special_funds[9].spent=1"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("performance.special_funds[9]"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn several_assignments_at_once() {
    let (_dir, path) = seed_copy();
    let run = set(
        &path,
        &[
            "performance.special_fund_count=4",
            "performance.special_funds[0].adjustment=27.08",
            "basic_data.costs.public.final=20.66",
            "score_sheet.funds.score=10",
            "closing.problems=一是预算编制不够准确。\n二是部分专项未按期实施。",
            "score_sheet.groups[1].indicators[1].actual=全区未发生较大以上事故",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for gone in ["F01", "F02", "D02", "C04", "N01"] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.starts_with("- 消失") && l.contains(&format!("[{gone}]"))),
            "{gone}: {}",
            run.stdout
        );
    }
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.contains(
            "problems = \"\"\"\n一是预算编制不够准确。\n二是部分专项未按期实施。\"\"\"\n"
        ),
        "{after}"
    );
    let rules = rules_of(&path);
    for gone in ["F01", "F02", "D02", "C04", "N01"] {
        assert!(!rules.contains(&gone.to_owned()), "{gone} {rules:?}");
    }
    // The multi-line text reads back exactly.
    let loaded =
        jixiao::scheme::load(after.as_bytes(), &jixiao::scheme::SchemeSet::builtin()).unwrap();
    assert_eq!(
        loaded.report.closing.unwrap().problems.as_deref(),
        Some("一是预算编制不够准确。\n二是部分专项未按期实施。")
    );
}

#[test]
fn setting_a_key_in_a_table_that_does_not_exist_yet_creates_it() {
    let (_dir, path) = scratch("head.toml", HEAD);
    let run = set(
        &path,
        &[
            "budget.spent=320.25",
            "budget.other.government_fund=无",
            "basic_data.costs.office.final=0.86",
            "basic_data.costs.office.budget=2.6",
            "score_sheet.funds.weight=10",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        format!(
            "{HEAD}\n[budget]\nspent = 320.25\n\n[budget.other]\ngovernment_fund = \"无\"\n\n\
             [basic_data.costs]\noffice = {{ final = 0.86, budget = 2.6 }}\n\n\
             [score_sheet.funds]\nweight = 10\n"
        )
    );
    // Into the seed: a cost row written inline among its siblings, a head count in its table.
    let (_dir, path) = seed_copy();
    let before = seed_text();
    let run = set(
        &path,
        &[
            "basic_data.costs.three_public.final=0",
            "basic.staff.other=0",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = std::fs::read_to_string(&path).unwrap();
    let added: Vec<&str> = after
        .lines()
        .filter(|l| !before.lines().any(|b| b == *l))
        .collect();
    assert_eq!(added, ["other = 0", "three_public = { final = 0 }"]);
    let lines: Vec<&str> = after.lines().collect();
    let at = |l: &str| lines.iter().position(|x| *x == l).unwrap();
    assert_eq!(at("other = 0"), at("retired = 1") + 1);
    assert!(at("three_public = { final = 0 }") > at("[basic_data.costs]"));
    assert!(at("three_public = { final = 0 }") < at("[[basic_data.costs.project_lines]]"));
    assert_eq!(before.lines().count() + 2, lines.len());
}

#[test]
fn set_keeps_windows_line_endings_and_the_byte_order_mark() {
    let windows = format!("\u{feff}{}", seed_text().replace('\n', "\r\n"));
    let (_dir, path) = scratch("windows.toml", &windows);
    let run = set(&path, &["performance.special_funds[0].spent=299.58"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        windows.replace("spent = 56.58\r\n", "spent = 299.58\r\n")
    );
}

// ── new ──────────────────────────────────────────────────────────────────────────────────

#[test]
fn new_writes_a_commented_template_that_loads_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.toml");
    let run = run_cmd(jixiao().arg("new").arg(&path));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    let year = jixiao::commands::default_year();
    assert!(
        run.stdout.contains(&format!("年度 {year}")),
        "{}",
        run.stdout
    );
    assert!(text.contains(&format!("\nyear = {year} ")), "{text}");
    assert!(text.contains("scheme = \"hunan-department\""));
    // Every section is present, and commented in Chinese.
    for section in [
        "[report]",
        "[basic]",
        "[basic.staff]",
        "[budget]",
        "[[budget.projects]]",
        "[budget.other]",
        "[performance]",
        "[[performance.special_funds]]",
        "[closing]",
        "[basic_data]",
        "[basic_data.costs]",
        "[[basic_data.costs.project_lines]]",
        "[basic_data.signoff]",
        "[score_sheet]",
        "[score_sheet.funds]",
        "[score_sheet.by_source]",
        "[score_sheet.by_use]",
        "[score_sheet.goal]",
        "[[score_sheet.groups]]",
        "[[score_sheet.groups.indicators]]",
    ] {
        assert!(text.lines().any(|l| l == section), "{section} missing");
    }
    assert!(text.lines().filter(|l| l.contains("# ")).count() > 60);
    // It loads cleanly (no unknown key, no odd amount) …
    let loaded = jixiao::scheme::load(text.as_bytes(), &jixiao::scheme::SchemeSet::builtin())
        .unwrap_or_else(|f| panic!("{:?}", f.findings));
    assert!(loaded.notes.is_empty(), "{:?}", loaded.notes);
    let groups = &loaded.report.score_sheet.as_ref().unwrap().groups;
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_deref().unwrap()).collect();
    assert_eq!(names, ["产出指标", "效益指标", "满意度指标", "成本指标"]);
    // … and checks without an error.
    let check = run_cmd(jixiao().arg("check").arg(&path));
    assert!(check.code == 0, "{}", check.stdout);
    assert!(!check.stdout.contains("error["), "{}", check.stdout);
    assert_eq!(
        check.stdout.lines().last(),
        Some("总分 0 / 权重 10 · —（未完） · 0 个错误，2 个警告，5 条提示")
    );
}

#[test]
fn new_refuses_to_overwrite() {
    let (_dir, path) = seed_copy();
    let before = std::fs::read(&path).unwrap();
    let run = run_cmd(jixiao().arg("new").arg(&path));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("已存在"), "{}", run.stderr);
    assert!(run.stderr.contains(&path.display().to_string()));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // Nor into a folder that does not exist, nor with a scheme nobody knows.
    let dir = tempfile::tempdir().unwrap();
    let run = run_cmd(jixiao().arg("new").arg(dir.path().join("no/such/x.toml")));
    assert_eq!(run.code, 2);
    let target = dir.path().join("y.toml");
    let run = run_cmd(jixiao().arg("new").arg(&target).args(["--scheme", "nope"]));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("hunan-department"), "{}", run.stderr);
    assert!(!target.exists());
}

#[test]
fn new_honours_scheme_unit_and_year() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.toml");
    let run = run_cmd(jixiao().arg("new").arg(&path).args([
        "--scheme",
        "mof-project-2020",
        "--unit",
        "某局",
        "--year",
        "2024",
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    let loaded = jixiao::scheme::load(text.as_bytes(), &jixiao::scheme::SchemeSet::builtin())
        .unwrap_or_else(|f| panic!("{:?}", f.findings));
    let r = &loaded.report;
    assert_eq!(r.scheme.as_deref(), Some("mof-project-2020"));
    assert_eq!(r.report.unit.as_deref(), Some("某局"));
    assert_eq!(r.report.year.value(), Some(2024));
    let sheet = r.score_sheet.as_ref().unwrap();
    let groups: Vec<(String, String)> = sheet
        .groups
        .iter()
        .map(|g| (g.name.clone().unwrap(), g.weight.to_string()))
        .collect();
    assert_eq!(
        groups,
        [
            ("产出指标".to_owned(), "50".to_owned()),
            ("效益指标".to_owned(), "30".to_owned()),
            ("满意度指标".to_owned(), "10".to_owned())
        ]
    );
    assert_eq!(sheet.funds.as_ref().unwrap().weight.to_string(), "10");
    let check = run_cmd(jixiao().args(["check", "--format", "json"]).arg(&path));
    let value: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(value[0]["scheme"], "mof-project-2020");
    assert_eq!(value[0]["totals"]["errors"], 0);

    // A unit name with quotes, backslashes and a line break is written as a valid string.
    let odd = dir.path().join("odd.toml");
    let unit = "某局\"（试点）\\\n二行";
    let run = run_cmd(jixiao().arg("new").arg(&odd).args(["--unit", unit]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let loaded = jixiao::scheme::load(
        &std::fs::read(&odd).unwrap(),
        &jixiao::scheme::SchemeSet::builtin(),
    )
    .unwrap_or_else(|f| panic!("{:?}", f.findings));
    assert_eq!(loaded.report.report.unit.as_deref(), Some(unit));
}

// ── schemes ──────────────────────────────────────────────────────────────────────────────

const MY_SCHEME: &str = r#"# 某县的评分方案：预算执行 20 分，产出 30，效益 30，满意度 10，成本 10。
id = "my-county"
name = "某县部门整体支出自评"
tolerance = "0"

[funds]
name = "预算执行"
weight = 20
scoring = "proportional"

[[groups]]
name = "产出指标"
weight = 30
categories = ["数量指标", "质量指标"]

[[groups]]
name = "效益指标"
weight = 30
categories = ["社会效益指标"]

[[groups]]
name = "满意度指标"
weight = 10
categories = ["服务对象满意度指标"]

[[groups]]
name = "成本指标"
weight = 10
categories = ["经济成本指标"]

[[grades]]
name = "优"
min = 90

[[grades]]
name = "良"
min = 80

[[grades]]
name = "合格"
min = 60

[[grades]]
name = "不合格"
"#;

/// A config folder holding the user's scheme (and a broken one).
fn config() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let schemes = dir.path().join("jixiao/schemes");
    std::fs::create_dir_all(&schemes).unwrap();
    std::fs::write(schemes.join("my-county.toml"), MY_SCHEME).unwrap();
    std::fs::write(schemes.join("broken.toml"), "id = \"broken\"\n[funds\n").unwrap();
    dir
}

#[test]
fn a_user_scheme_is_listed_and_usable() {
    let config = config();
    let with_config = || {
        let mut cmd = jixiao();
        cmd.env("XDG_CONFIG_HOME", config.path());
        cmd
    };
    let list = run_cmd(with_config().arg("schemes"));
    assert_eq!(list.code, 0);
    let user_file = config.path().join("jixiao/schemes/my-county.toml");
    assert!(
        list.stdout.contains(&format!(
            "my-county  某县部门整体支出自评（{}）",
            user_file.display()
        )),
        "{}",
        list.stdout
    );
    assert!(
        list.stdout
            .contains("预算执行 20 · 产出指标 30 · 效益指标 30 · 满意度指标 10 · 成本指标 10")
    );
    assert!(
        list.stdout
            .contains("hunan-department  湖南省部门整体支出绩效自评（内置）")
    );
    assert!(
        list.stdout.contains("（已跳过 "),
        "a broken file is named: {}",
        list.stdout
    );
    assert!(list.stdout.contains("broken.toml"));
    // Without the config folder it is unknown.
    assert!(!run(["schemes"]).stdout.contains("my-county"));

    // A report under the user's scheme: the seed's weights now disagree with it (C08), and the
    // funds row's score is judged against the scheme's 20 points stated as 10.
    let text = seed_text().replace("scheme = \"hunan-department\"", "scheme = \"my-county\"");
    let (_dir, path) = scratch("county.toml", &text);
    let check = run_cmd(with_config().args(["check", "--format", "json"]).arg(&path));
    let value: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(value[0]["scheme"], "my-county", "{}", check.stdout);
    let c08: Vec<&str> = value[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "C08")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        c08,
        [
            "score_sheet.funds.weight",
            "score_sheet.groups[0].weight",
            "score_sheet.groups[1].weight",
            "score_sheet.groups[3].weight"
        ]
    );
    assert_eq!(value[0]["totals"]["grade"], "优");
    // Without it, the same file names a scheme nobody knows.
    let unknown = run_cmd(jixiao().arg("check").arg(&path));
    assert_eq!(unknown.code, 2);
    assert!(unknown.stdout.contains("error[X06]"), "{}", unknown.stdout);

    // `new` writes the user's groups.
    let fresh = config.path().join("fresh.toml");
    let run = run_cmd(
        with_config()
            .arg("new")
            .arg(&fresh)
            .args(["--scheme", "my-county"]),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&fresh).unwrap();
    assert!(text.contains("weight = 20   # 分值"), "{text}");
    assert_eq!(
        text.lines()
            .filter(|l| *l == "[[score_sheet.groups]]")
            .count(),
        4
    );
    let check = run_cmd(with_config().arg("check").arg(&fresh));
    assert_eq!(check.code, 0, "{}", check.stdout);
}

// ── explain ──────────────────────────────────────────────────────────────────────────────

/// Every id RULES.md defines.
const RULE_IDS: &str = "X01 X02 X03 X04 X05 X06 B01 B02 B03 B04 S01 S02 S03 S04 S05 \
                        F01 F02 F03 F04 F05 D01 D02 D03 D04 D05 D06 \
                        C01 C02 C03 C04 C05 C06 C07 C08 C09 C10 C11 C12 C13 C14 C15 C16 \
                        N01 N02 N03 N04 N05 Y01 Y02";

#[test]
fn explain_lists_every_rule_and_explains_one() {
    let list = run(["explain"]);
    assert_eq!(list.code, 0);
    let listed: Vec<&str> = list
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let expected: Vec<&str> = RULE_IDS.split_whitespace().collect();
    assert_eq!(listed, expected);
    assert_eq!(listed.len(), 49);
    for line in list.stdout.lines().skip(1) {
        let severity = line.split_whitespace().nth(1).unwrap();
        assert!(["error", "warning", "info"].contains(&severity), "{line}");
    }

    let f02 = run(["explain", "F02"]);
    assert_eq!(f02.code, 0);
    assert!(
        f02.stdout.starts_with("F02 专项资金收支不平衡（错误）\n"),
        "{}",
        f02.stdout
    );
    for part in ["保护什么：", "公式：", "怎样改："] {
        assert!(f02.stdout.contains(part), "{part}");
    }
    assert!(f02.stdout.contains("budget") && f02.stdout.contains("carryover"));
    for id in expected {
        let run = run(["explain", id]);
        assert_eq!(run.code, 0, "{id}");
        assert!(run.stdout.starts_with(id), "{id}");
        assert!(run.stdout.lines().count() >= 7, "{id}: {}", run.stdout);
    }
    // Lower case is understood.
    assert!(run(["explain", "f02"]).stdout.starts_with("F02 "));
}

#[test]
fn explain_refuses_an_unknown_rule() {
    let run = run(["explain", "Z99"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert_eq!(
        run.stderr,
        "没有编号为“Z99”的规则；jixiao explain 列出全部规则\n"
    );
}

#[test]
fn the_same_assignments_on_another_layout_give_the_same_report() {
    let assignments = [
        "report.title=新标题",
        "closing.problems=一是预算编制不够准确。\n二是部分专项未按期实施。",
        "performance.special_funds[0].adjustment=27.08",
        "budget.projects[1].amount=3.99",
        "budget.other.state_capital=无",
        "score_sheet.groups[1].indicators[0].score=0",
        "score_sheet.groups[2].indicators[0].actual=95%",
        "score_sheet.funds.score=10",
        "basic_data.costs.procurement.budget=100",
        "basic_data.costs.three_public.final=0",
        "basic_data.control_rate=71.43%",
        "basic.staff.other=0",
        "basic.functions[0]=职能一",
    ];
    let (_a, seed) = seed_copy();
    let other_text =
        std::fs::read_to_string(crate_file("tests/fixtures/lusong-other-layout.toml")).unwrap();
    let (_b, other) = scratch("other.toml", &other_text);
    let seed_run = set(&seed, &assignments);
    let other_run = set(&other, &assignments);
    assert_eq!(seed_run.code, 0, "{}", seed_run.stderr);
    assert_eq!(other_run.code, 0, "{}", other_run.stderr);
    // The same findings appeared and vanished (in each file's order; the file name aside).
    let strip = |s: &str| {
        let mut lines: Vec<String> = s.lines().skip(1).map(str::to_owned).collect();
        lines.sort();
        lines
    };
    assert_eq!(strip(&seed_run.stdout), strip(&other_run.stdout));
    let schemes = jixiao::scheme::SchemeSet::builtin();
    let load = |p: &Path| {
        jixiao::scheme::load(&std::fs::read(p).unwrap(), &schemes)
            .unwrap_or_else(|f| panic!("{:?}", f.findings))
            .report
    };
    assert_eq!(load(&seed), load(&other));
    // Each file changed only where it was told to, in its own style.
    let after = std::fs::read_to_string(&other).unwrap();
    let changed = after
        .lines()
        .filter(|l| !other_text.lines().any(|o| o == *l))
        .count();
    assert_eq!(changed, 15, "{after}");
    assert!(after.contains("\nprocurement.budget = 100\n"));
    // Typed with “%”, the rate is written as the user typed it.
    assert!(after.contains("control_rate = \"71.43%\"   # 控制率写成数字，表示百分数\n"));
}

#[test]
fn set_saves_through_a_symlink_and_keeps_the_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, real) = seed_copy();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink("report.toml", &link).unwrap();
    let run = set(&link, &["performance.special_funds[0].spent=299.58"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let after = std::fs::read_to_string(&real).unwrap();
    assert_eq!(
        after,
        seed_text().replace("spent = 56.58\n", "spent = 299.58\n")
    );
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // No temporary file left behind (a backup may be).
    let beside: BTreeSet<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.ends_with(".bak"))
        .collect();
    assert_eq!(
        beside,
        BTreeSet::from(["link.toml".to_owned(), "report.toml".to_owned()])
    );
}

/// WORKBENCH.md "Fix what the program can compute": the core's computed figure for the
/// seed's 年度资金总额 得分 is 10.00 (the seed states 9); typed in with `set`, C04 vanishes.
#[test]
fn the_computed_funds_score_typed_in_clears_c04() {
    use jixiao::model::FieldPath;
    use jixiao::scheme::{self, SchemeSet};
    let schemes = SchemeSet::builtin();
    let scheme = schemes.get("hunan-department").unwrap();
    let report = |text: &str| scheme::load_str(text, &schemes).unwrap().report;
    let path = FieldPath::parse("score_sheet.funds.score").unwrap();
    let fix = jixiao::rules::expected_at(&report(&seed_text()), scheme, &path).unwrap();
    assert_eq!(fix.value, "10.00");
    assert_eq!(fix.why, "按方案 10.00");
    assert_eq!(fix.rule, "C04");
    assert!(!fix.agrees);

    let (_dir, file) = seed_copy();
    assert!(rules_of(&file).contains(&"C04".to_owned()));
    let run = set(&file, &[&format!("{path}={}", fix.value)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("- 消失 warning[C04]"), "{}", run.stdout);
    let rules = rules_of(&file);
    assert!(!rules.contains(&"C04".to_owned()), "{rules:?}");
    let after = std::fs::read_to_string(&file).unwrap();
    let again = jixiao::rules::expected_at(&report(&after), scheme, &path).unwrap();
    assert!(again.agrees);
}
