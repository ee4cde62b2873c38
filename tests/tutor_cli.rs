//! `jixiao tutor check-lessons`, `jixiao class init` and `jixiao class DIR --format`: the real
//! binary on the shipped track, on broken lesson folders, and on a class folder whose
//! trainees' progress files lie.

mod e2e;

use e2e::*;
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn lesson_text(file: &str) -> String {
    std::fs::read_to_string(crate_file(&format!("config/lessons/{file}"))).unwrap()
}

/// A lesson folder holding the shipped 专项资金 lesson with the given start and solution.
fn lesson_dir(start: &str, solution: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("special-funds.toml"),
        lesson_text("special-funds.toml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("special-funds.start.toml"), start).unwrap();
    std::fs::write(dir.path().join("lusong-2023-corrected.toml"), solution).unwrap();
    dir
}

/// `jixiao tutor check-lessons DIR`.
fn check_lessons(dir: &Path) -> Run {
    run(["tutor".as_ref(), "check-lessons".as_ref(), dir.as_os_str()])
}

#[test]
fn check_lessons_passes_on_the_shipped_track() {
    // No lesson folder of the user's: the shipped track alone.
    let data = tempfile::tempdir().unwrap();
    let run = run_cmd(
        jixiao()
            .env("XDG_DATA_HOME", data.path())
            .args(["tutor", "check-lessons"]),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("✓ special-funds"), "{}", run.stdout);
    assert!(run.stdout.contains("✓ capstone"), "{}", run.stdout);
    assert_eq!(run.stdout.lines().last(), Some("9 课全部通过检查"));
}

#[test]
fn check_lessons_passes_on_a_sound_lesson_folder() {
    let dir = lesson_dir(
        &lesson_text("special-funds.start.toml"),
        &lesson_text("lusong-2023-corrected.toml"),
    );
    let run = check_lessons(dir.path());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout.lines().last(), Some("1 课全部通过检查"));
}

#[test]
fn check_lessons_fails_on_a_start_that_already_meets_its_goals() {
    let corrected = lesson_text("lusong-2023-corrected.toml");
    let dir = lesson_dir(&corrected, &corrected);
    let run = check_lessons(dir.path());
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("✗ special-funds"), "{}", run.stdout);
    assert!(
        run.stdout.contains("起始报告已经达成全部目标"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.lines().last(), Some("1 课中有 1 课未通过检查"));
}

#[test]
fn check_lessons_fails_on_a_solution_that_does_not_meet_its_goals() {
    // The "solution" balances the fund with 27.08 but leaves the count at 5.
    let solution = lesson_text("lusong-2023-corrected.toml").replacen(
        "special_fund_count = 4",
        "special_fund_count = 5",
        1,
    );
    let dir = lesson_dir(&lesson_text("special-funds.start.toml"), &solution);
    let run = check_lessons(dir.path());
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("参考答案没有达成目标：F01"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_lessons_fails_when_start_and_solution_differ_in_a_locked_field() {
    let solution =
        lesson_text("lusong-2023-corrected.toml").replacen("spent = 56.58", "spent = 56.59", 1);
    let dir = lesson_dir(&lesson_text("special-funds.start.toml"), &solution);
    let run = check_lessons(dir.path());
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("锁定的“performance.special_funds[0].spent”在参考答案中与起始报告不同"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_lessons_fails_on_a_lesson_that_blanking_a_figure_completes() {
    let dir = lesson_dir(
        &lesson_text("special-funds.start.toml"),
        &lesson_text("lusong-2023-corrected.toml"),
    );
    // Without its `value` goal, a blank count silences F01 as well as the right count does.
    let lesson = lesson_text("special-funds.toml").replace(
        "[[goal]]\nvalue = { path = \"performance.special_fund_count\", equals = 4 }\n",
        "",
    );
    assert_ne!(lesson, lesson_text("special-funds.toml"));
    std::fs::write(dir.path().join("special-funds.toml"), lesson).unwrap();
    let run = check_lessons(dir.path());
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "把参考答案中的「六、资金使用及绩效情况 › 专项资金个数（正文所述）」删空也算完成"
        ),
        "{}",
        run.stdout
    );
    // The adjustment is guarded by its own `value` goal: not reported.
    assert!(!run.stdout.contains("年中调整"), "{}", run.stdout);
}

#[test]
fn check_lessons_reports_a_lesson_file_that_does_not_parse() {
    let dir = lesson_dir(
        &lesson_text("special-funds.start.toml"),
        &lesson_text("lusong-2023-corrected.toml"),
    );
    std::fs::write(
        dir.path().join("special-funds.toml"),
        lesson_text("special-funds.toml").replace("rule = \"F01\"", "rule = \"Q01\""),
    )
    .unwrap();
    let run = check_lessons(dir.path());
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("special-funds.toml：第 1 个目标：没有编号为“Q01”的规则"),
        "{}",
        run.stderr
    );
}

#[test]
fn class_init_makes_a_shared_setgid_sticky_folder() {
    let parent = tempfile::tempdir().unwrap();
    let class = parent.path().join("班级");
    let run = run(["class".as_ref(), "init".as_ref(), class.as_os_str()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("粘滞位"), "{}", run.stdout);
    let mode = std::fs::metadata(&class).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o3775, "{mode:o}");
    // The trainer's accepted-goals file is there from the start, so no trainee can plant one.
    assert!(class.join(".accepted.toml").is_file());
}

/// The special-funds lesson's start with text replaced.
fn special_funds_copy(edits: &[(&str, &str)]) -> String {
    let mut text = lesson_text("special-funds.start.toml");
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text = text.replacen(from, to, 1);
    }
    text
}

const LYING_PROGRESS: &str =
    "[lessons.special-funds]\nstatus = \"done\"\npoints = 7\nhints_used = 1\n";

fn hand_in(class: &Path, name: &str, text: &str) {
    jixiao::tutor::hand_in(class, name, "special-funds", text).unwrap();
    std::fs::write(class.join(name).join("progress.toml"), LYING_PROGRESS).unwrap();
}

#[test]
fn the_class_report_judges_every_file_itself_whatever_the_progress_files_claim() {
    let parent = tempfile::tempdir().unwrap();
    let class = parent.path().join("class");
    assert_eq!(
        run(["class".as_ref(), "init".as_ref(), class.as_os_str()]).code,
        0
    );
    hand_in(
        &class,
        "solved",
        &special_funds_copy(&[
            ("special_fund_count = 5", "special_fund_count = 4"),
            ("adjustment = 270.08", "adjustment = 27.08"),
        ]),
    );
    hand_in(&class, "untouched", &special_funds_copy(&[]));
    hand_in(
        &class,
        "blanked",
        &special_funds_copy(&[
            ("special_fund_count = 5", "special_fund_count = \"\""),
            ("adjustment = 270.08", "adjustment = \"\""),
        ]),
    );
    let run = run([
        "class".as_ref(),
        class.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let records: Value = serde_json::from_str(&run.stdout).unwrap();
    let record = |trainee: &str| -> &Value {
        records
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["trainee"] == trainee && r["lesson"] == "special-funds")
            .unwrap_or_else(|| panic!("no record for {trainee}"))
    };
    assert_eq!(record("solved")["done"], true);
    assert_eq!(record("solved")["points"], 7);
    assert_eq!(record("solved")["goals_met"], 5);
    assert_eq!(record("untouched")["done"], false);
    assert_eq!(record("untouched")["points"], 1);
    assert_eq!(record("blanked")["done"], false);
    // Blanking silences F01 and F02, but the figures are not there.
    assert_eq!(record("blanked")["goals_met"], 3);
    // The progress file is read for the hints count only.
    assert_eq!(record("blanked")["hints"], 1);
    // One record per trainee and lesson of the track; lessons not handed in are not done.
    assert_eq!(records.as_array().unwrap().len(), 3 * 9);
    let capstone = records
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["trainee"] == "solved" && r["lesson"] == "capstone")
        .unwrap();
    assert_eq!(capstone["done"], false);
    assert_eq!(capstone["handed_in"], false);

    let csv = run_cmd(jixiao().args([
        "class".as_ref(),
        class.as_os_str(),
        "--format".as_ref(),
        "csv".as_ref(),
    ]));
    assert_eq!(csv.code, 0);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert!(lines[0].starts_with("trainee,lesson,done,points,max_points,goals_met"));
    assert!(
        lines.contains(&"solved,special-funds,true,7,7,5,5,1,true,0,,"),
        "{}",
        csv.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("blanked,special-funds,false,"))
    );

    let text = run_cmd(jixiao().arg("class").arg(&class));
    assert_eq!(text.code, 0);
    assert!(
        text.stdout.contains("✓ solved  special-funds"),
        "{}",
        text.stdout
    );
    // The blanked copy silences F01 and F02, but its figures are not put right.
    assert!(
        text.stdout.contains("F01 仍有 2/3 人没改对"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("F02 仍有 2/3 人没改对"),
        "{}",
        text.stdout
    );
}

#[test]
fn the_lesson_list_reads_the_work_copies_in_the_data_folder() {
    let data = tempfile::tempdir().unwrap();
    let work = data.path().join("jixiao/tutor/work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(
        work.join("special-funds.toml"),
        special_funds_copy(&[
            ("special_fund_count = 5", "special_fund_count = 4"),
            ("adjustment = 270.08", "adjustment = 27.08"),
        ]),
    )
    .unwrap();
    std::fs::write(work.join("staff.toml"), lesson_text("staff.start.toml")).unwrap();
    let run = run_cmd(jixiao().arg("tutor").env("XDG_DATA_HOME", data.path()));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 9, "{}", run.stdout);
    assert!(lines[0].starts_with("✓  1. 专项资金"), "{}", lines[0]);
    assert!(lines[0].contains("已完成  7/7 分"), "{}", lines[0]);
    assert!(lines[1].contains("未开始"), "{}", lines[1]);
    assert!(
        lines[2].starts_with("✗  3.") && lines[2].contains("进行中"),
        "{}",
        lines[2]
    );
}

/// The class report's JSON record of a trainee's lesson.
fn class_json_record(class: &Path, trainee: &str, lesson: &str) -> Value {
    let run = run([
        "class".as_ref(),
        class.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let records: Value = serde_json::from_str(&run.stdout).unwrap();
    records
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["trainee"] == trainee && r["lesson"] == lesson)
        .cloned()
        .unwrap_or_else(|| panic!("no record for {trainee} {lesson}"))
}

#[test]
fn an_accepted_review_goal_no_longer_counts_once_the_trainee_replaces_the_text() {
    let parent = tempfile::tempdir().unwrap();
    let class = parent.path().join("class");
    jixiao::tutor::class_init(&class).unwrap();
    let lesson = jixiao::tutor::shipped()
        .into_iter()
        .find(|l| l.id == "closing")
        .unwrap();
    let review = lesson
        .goals
        .iter()
        .position(|g| matches!(g.kind, jixiao::tutor::GoalKind::Review { .. }))
        .unwrap();
    jixiao::tutor::hand_in(&class, "赵六", "closing", &lesson.solution).unwrap();
    jixiao::tutor::accept_review(
        &class,
        &lesson,
        "赵六",
        review,
        &jixiao::tutor::work_fingerprint(&lesson.solution),
    )
    .unwrap();
    let accepted = class_json_record(&class, "赵六", "closing");
    assert_eq!(accepted["done"], true, "{accepted}");
    assert_eq!(accepted["goals_met"], 4);

    let mut doc: toml_edit::DocumentMut = lesson.solution.parse().unwrap();
    doc["closing"]["problems"] = toml_edit::value("啊啊啊啊啊啊啊啊啊啊啊啊");
    doc["closing"]["improvements"] = toml_edit::value("哦哦哦哦哦哦哦哦哦哦哦哦");
    jixiao::tutor::hand_in(&class, "赵六", "closing", &doc.to_string()).unwrap();
    let junk = class_json_record(&class, "赵六", "closing");
    assert_eq!(junk["done"], false, "{junk}");
    // N01, N02 and no new findings are still met; the trainer's 认可 is not.
    assert_eq!(junk["goals_met"], 3, "{junk}");
    assert_eq!(junk["points"], lesson.points - lesson.goals[review].points);
}

#[test]
fn the_class_report_says_which_locked_figure_was_changed_and_why_a_copy_is_not_judged() {
    let parent = tempfile::tempdir().unwrap();
    let class = parent.path().join("class");
    jixiao::tutor::class_init(&class).unwrap();
    // The "fix" that changes a given figure instead: F02 balances, but 实际支出 is locked.
    hand_in(
        &class,
        "locked",
        &special_funds_copy(&[
            ("special_fund_count = 5", "special_fund_count = 4"),
            ("spent = 56.58", "spent = 299.58"),
        ]),
    );
    hand_in(&class, "broken", "schema = \"jixiao/1\"\n[report\n");
    hand_in(&class, "untouched", &special_funds_copy(&[]));
    let locked = class_json_record(&class, "locked", "special-funds");
    assert_eq!(locked["done"], false, "{locked}");
    assert_eq!(
        locked["locked_changed"],
        serde_json::json!(["performance.special_funds[0].spent"]),
        "{locked}"
    );
    assert_eq!(locked["problem"], Value::Null);
    let broken = class_json_record(&class, "broken", "special-funds");
    assert_eq!(broken["done"], false);
    assert!(
        broken["problem"]
            .as_str()
            .is_some_and(|p| p.contains("无法读取")),
        "{broken}"
    );
    assert_eq!(broken["locked_changed"], serde_json::json!([]));
    let untouched = class_json_record(&class, "untouched", "special-funds");
    assert_eq!(untouched["locked_changed"], serde_json::json!([]));
    assert_eq!(untouched["problem"], Value::Null);
    // The existing keys are all still there.
    for key in ["trainee", "lesson", "done", "points", "goals_met"] {
        assert!(untouched.get(key).is_some(), "{key}: {untouched}");
    }

    let csv = run_cmd(jixiao().args([
        "class".as_ref(),
        class.as_os_str(),
        "--format".as_ref(),
        "csv".as_ref(),
    ]));
    assert_eq!(csv.code, 0);
    assert!(
        csv.stdout
            .lines()
            .next()
            .unwrap()
            .ends_with(",locked_changed,problem"),
        "{}",
        csv.stdout
    );
    assert!(
        csv.stdout
            .lines()
            .any(|l| l.starts_with("locked,special-funds,false,")
                && l.ends_with(",performance.special_funds[0].spent,")),
        "{}",
        csv.stdout
    );
    assert!(
        csv.stdout
            .lines()
            .any(|l| l.starts_with("broken,special-funds,false,") && l.contains("无法读取")),
        "{}",
        csv.stdout
    );
}

#[test]
fn check_lessons_without_a_folder_checks_the_users_lessons_that_tutor_loads() {
    let data = tempfile::tempdir().unwrap();
    let lessons = data.path().join("jixiao/lessons");
    std::fs::create_dir_all(&lessons).unwrap();
    // The user's 专项资金 lesson (it replaces the shipped one) starts already solved.
    let corrected = lesson_text("lusong-2023-corrected.toml");
    let bad = lesson_dir(&corrected, &corrected);
    for entry in std::fs::read_dir(bad.path()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), lessons.join(entry.file_name())).unwrap();
    }
    let run = run_cmd(
        jixiao()
            .env("XDG_DATA_HOME", data.path())
            .args(["tutor", "check-lessons"]),
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("你的课程文件夹"), "{}", run.stdout);
    assert!(run.stdout.contains("✗ special-funds"), "{}", run.stdout);
    assert!(run.stdout.contains("✓ capstone"), "{}", run.stdout);
}

#[test]
fn a_trainee_name_that_is_not_a_folder_name_as_it_stands_is_refused_with_the_name_it_would_be() {
    let parent = tempfile::tempdir().unwrap();
    let class = parent.path().join("class");
    jixiao::tutor::class_init(&class).unwrap();
    for name in ["../x", "/x", " x"] {
        let run = run_cmd(jixiao().env("XDG_DATA_HOME", parent.path()).args([
            "tutor".as_ref(),
            "--class".as_ref(),
            class.as_os_str(),
            "--name".as_ref(),
            name.as_ref(),
        ]));
        assert_eq!(run.code, 2, "{name}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains("会变成“"), "{name}: {}", run.stderr);
    }
    let run = run_cmd(jixiao().env("XDG_DATA_HOME", parent.path()).args([
        "tutor".as_ref(),
        "--class".as_ref(),
        class.as_os_str(),
        "--name".as_ref(),
        "../x".as_ref(),
    ]));
    assert!(run.stderr.contains("会变成“_x”"), "{}", run.stderr);
    // A name that is a folder name as it stands is taken (the lesson list, off a terminal).
    let run = run_cmd(jixiao().env("XDG_DATA_HOME", parent.path()).args([
        "tutor".as_ref(),
        "--class".as_ref(),
        class.as_os_str(),
        "--name".as_ref(),
        "_x".as_ref(),
    ]));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}
