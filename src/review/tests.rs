use super::*;
use std::fs;

const SEED: &str = include_str!("../../examples/lusong-emergency-2023.toml");
const CORRECTED: &str = include_str!("../../examples/lusong-emergency-2023-corrected.toml");
const PARTIAL: &str = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n[report]\nunit = \"某某街道办事处\"\nyear = 2024\n[score_sheet.funds]\nweight = 10\nscore = 9\n";

/// A folder: the seed, the corrected seed, a partial report and a broken one in a subfolder,
/// and things that are not reports (a store's copies, a hidden file, a symlinked folder, a
/// symlinked file).
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("seed.toml"), SEED).unwrap();
    fs::write(root.join("corrected.toml"), CORRECTED).unwrap();
    fs::write(root.join("partial.toml"), PARTIAL).unwrap();
    fs::create_dir(root.join("sub")).unwrap();
    fs::write(
        root.join("sub/broken.toml"),
        "schema = \"jixiao/1\"\n[report\n",
    )
    .unwrap();
    fs::write(root.join("seed.toml.bak"), SEED).unwrap();
    fs::write(root.join("seed.toml.theirs"), SEED).unwrap();
    fs::write(root.join(".seed.toml.jixiao-recover"), SEED).unwrap();
    fs::write(root.join(".hidden.toml"), SEED).unwrap();
    fs::write(root.join("notes.txt"), "not a report").unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("elsewhere.toml"), SEED).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("linked")).unwrap();
    // A symlinked file: not followed either (it could name any file of the machine).
    std::os::unix::fs::symlink(
        outside.path().join("elsewhere.toml"),
        root.join("link.toml"),
    )
    .unwrap();
    // The symlinked folder's target must outlive the test's scan: keep it.
    std::mem::forget(outside);
    dir
}

fn load(dir: &tempfile::TempDir) -> Review {
    Review::load(dir.path(), &SchemeSet::builtin())
}

fn row<'a>(review: &'a Review, name: &str) -> &'a Row {
    review
        .rows
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no row {name}"))
}

fn names(review: &Review, shown: &[usize]) -> Vec<String> {
    shown.iter().map(|&i| review.rows[i].name.clone()).collect()
}

#[test]
fn one_row_per_report_and_nothing_else() {
    let dir = folder();
    let review = load(&dir);
    let all: Vec<&str> = review.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        all,
        [
            "corrected.toml",
            "partial.toml",
            "seed.toml",
            "sub/broken.toml"
        ]
    );
}

#[test]
fn a_row_has_the_unit_year_scheme_score_grade_counts_and_worst_finding() {
    let dir = folder();
    let review = load(&dir);
    let seed = row(&review, "seed.toml");
    assert_eq!(seed.unit.as_deref(), Some("株洲市芦淞区应急管理局"));
    assert_eq!(seed.year, Some(2023));
    assert_eq!(seed.scheme.as_deref(), Some("hunan-department"));
    assert_eq!(seed.score_text(), "94 / 97");
    assert_eq!(seed.grade, "优");
    assert!(seed.loaded && seed.complete);
    assert_eq!(
        (seed.counts.errors, seed.counts.warnings, seed.counts.infos),
        (5, 8, 8)
    );
    let worst = seed.worst().unwrap();
    assert_eq!((worst.rule, worst.severity), ("F02", Severity::Error));
    assert!(worst.message.contains("安全监管"), "{}", worst.message);
    assert_eq!(seed.problems.len(), 21);
    assert!(seed.problems.iter().all(|p| p.line > 1));

    let corrected = row(&review, "corrected.toml");
    assert_eq!(corrected.counts.errors, 0);
    assert_eq!(corrected.worst().unwrap().severity, Severity::Info);
}

#[test]
fn an_incomplete_sheet_reads_not_finished_instead_of_a_grade() {
    let dir = folder();
    let review = load(&dir);
    let partial = row(&review, "partial.toml");
    assert_eq!(partial.grade, INCOMPLETE_GRADE);
    assert!(!partial.graded());
    assert_eq!(partial.score_text(), "9 / 10");
}

#[test]
fn a_report_with_no_score_sheet_reads_not_finished_and_has_no_score() {
    let dir = tempfile::tempdir().unwrap();
    let head = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n[report]\nunit = \"某局\"\nyear = 2024\n";
    fs::write(dir.path().join("new.toml"), head).unwrap();
    fs::write(
        dir.path().join("empty.toml"),
        format!("{head}[score_sheet]\n"),
    )
    .unwrap();
    let review = Review::load(dir.path(), &SchemeSet::builtin());
    assert_eq!(review.rows.len(), 2);
    for r in &review.rows {
        assert_eq!(r.grade, INCOMPLETE_GRADE, "{}", r.name);
        assert_eq!((r.score, r.weight), (None, None), "{}", r.name);
        assert_eq!(r.score_text(), "—");
    }
    let rows: Vec<&Row> = review.rows.iter().collect();
    let csv =
        String::from_utf8(workbook::render(&rows, workbook::ReviewFormat::Csv).unwrap()).unwrap();
    let line = csv.lines().nth(1).unwrap();
    let cells: Vec<&str> = line.split(',').collect();
    assert_eq!(
        (cells[4], cells[5], cells[6]),
        ("", "", INCOMPLETE_GRADE),
        "{csv}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&workbook::render(&rows, workbook::ReviewFormat::Json).unwrap())
            .unwrap();
    let first = &json["reports"][0];
    assert!(
        first["score"].is_null() && first["weight"].is_null(),
        "{first}"
    );
    assert_eq!(first["grade"], INCOMPLETE_GRADE);
}

#[test]
fn a_broken_file_is_a_row_with_its_x_finding() {
    let dir = folder();
    let review = load(&dir);
    let broken = row(&review, "sub/broken.toml");
    assert!(!broken.loaded);
    assert_eq!(broken.grade, NOT_LOADED);
    assert_eq!(broken.worst().unwrap().rule, "X01");
    assert_eq!(broken.label(), "sub/broken.toml");
    assert_eq!(broken.score_text(), "—");
}

#[test]
fn a_file_that_cannot_be_read_is_a_row_too() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.toml");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid path string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let review = Review::load(dir.path(), &SchemeSet::builtin());
    assert_eq!(review.rows.len(), 1);
    let row = &review.rows[0];
    assert!(!row.loaded);
    assert_eq!(row.counts.errors, 1);
    assert_eq!(row.worst().unwrap().rule, "X01");
    assert!(row.worst().unwrap().message.contains("不是普通文件"));
    // A file over the size limit (sparse: no disk spent) likewise.
    let big = fs::File::create(dir.path().join("big.toml")).unwrap();
    big.set_len(17 * 1024 * 1024).unwrap();
    let review = Review::load(dir.path(), &SchemeSet::builtin());
    let big = self::row(&review, "big.toml");
    assert_eq!(big.worst().unwrap().rule, "X01");
    assert!(big.worst().unwrap().message.contains("超过 16 MiB"));
    // The rules pane counts both.
    let stats = rule_stats(&review.rows);
    assert_eq!(
        stats
            .iter()
            .map(|s| (s.rule, s.reports))
            .collect::<Vec<_>>(),
        [("X01", 2)]
    );
}

#[test]
fn control_characters_in_a_unit_are_made_visible() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("evil.toml"),
        SEED.replace(
            "unit = \"株洲市芦淞区应急管理局\"",
            "unit = \"坏\\u001b]0;x\\u0007局\"",
        ),
    )
    .unwrap();
    let review = Review::load(dir.path(), &SchemeSet::builtin());
    let unit = review.rows[0].unit.clone().unwrap();
    assert!(
        !unit.contains('\u{1b}') && !unit.contains('\u{7}'),
        "{unit:?}"
    );
    assert!(unit.contains("\\u{1b}"), "{unit:?}");
}

#[test]
fn sorting_by_any_column_keeps_missing_values_last() {
    let dir = folder();
    let review = load(&dir);
    let by = |column, descending| {
        names(
            &review,
            &view(
                &review.rows,
                &Filter::default(),
                Sort { column, descending },
            ),
        )
    };
    assert_eq!(
        by(Column::Score, false),
        [
            "partial.toml",
            "corrected.toml",
            "seed.toml",
            "sub/broken.toml"
        ]
    );
    assert_eq!(
        by(Column::Score, true),
        [
            "seed.toml",
            "corrected.toml",
            "partial.toml",
            "sub/broken.toml"
        ]
    );
    assert_eq!(by(Column::Errors, true)[0], "seed.toml");
    assert_eq!(by(Column::Year, true)[0], "partial.toml");
    assert_eq!(
        by(Column::Grade, false),
        [
            "corrected.toml",
            "seed.toml",
            "partial.toml",
            "sub/broken.toml"
        ]
    );
    // Unit order: the broken file (named by its file) and the units by name.
    let units = by(Column::Unit, false);
    assert_eq!(units.len(), 4);
    assert_eq!(by(Column::Finding, false)[0], "seed.toml");
    for column in Column::ALL {
        assert_eq!(by(column, false).len(), 4, "{column:?}");
    }
}

#[test]
fn filters_by_unit_errors_grade_and_rule() {
    let dir = folder();
    let review = load(&dir);
    let shown = |filter: Filter| {
        let mut n = names(&review, &view(&review.rows, &filter, Sort::default()));
        n.sort();
        n
    };
    assert_eq!(
        shown(Filter {
            unit: "应急".into(),
            ..Default::default()
        }),
        ["corrected.toml", "seed.toml"]
    );
    assert_eq!(
        shown(Filter {
            unit: "街道".into(),
            ..Default::default()
        }),
        ["partial.toml"]
    );
    assert_eq!(
        shown(Filter {
            only_errors: true,
            ..Default::default()
        }),
        ["seed.toml", "sub/broken.toml"]
    );
    assert_eq!(
        shown(Filter {
            grade: Some("优".into()),
            ..Default::default()
        }),
        ["corrected.toml", "seed.toml"]
    );
    assert_eq!(
        shown(Filter {
            rule: Some("F02".into()),
            ..Default::default()
        }),
        ["seed.toml"]
    );
    assert_eq!(shown(Filter::default()).len(), 4);
}

#[test]
fn district_counts_and_rule_statistics() {
    let dir = folder();
    let review = load(&dir);
    let d = district(&review.rows);
    assert_eq!(d.reports, 4);
    assert_eq!(d.with_errors, 2);
    assert_eq!(d.not_loaded, 1);
    assert_eq!(
        d.grades,
        [
            ("优".to_owned(), 2),
            (INCOMPLETE_GRADE.to_owned(), 1),
            (NOT_LOADED.to_owned(), 1)
        ]
    );
    // The mean of the graded reports only: (94 + 93) / 2.
    assert_eq!(d.mean_score, Some(Decimal::new(935, 1)));
    assert_eq!(
        d.line(),
        "4 份报告 · 有错误 2 · 优 2、—（未完） 1、无法载入 1 · 平均分 93.5"
    );

    let stats = rule_stats(&review.rows);
    let first_warning = stats
        .iter()
        .position(|s| s.severity != Severity::Error)
        .unwrap();
    assert!(
        stats[..first_warning]
            .iter()
            .all(|s| s.severity == Severity::Error)
    );
    assert!(
        stats[first_warning..]
            .iter()
            .all(|s| s.severity != Severity::Error)
    );
    let c07 = stats.iter().find(|s| s.rule == "C07").unwrap();
    assert_eq!((c07.reports, c07.findings), (1, 3));
    assert_eq!(c07.line(), "C07 · 1 份报告");
    let f05 = stats.iter().find(|s| s.rule == "F05").unwrap();
    assert_eq!(f05.reports, 2);
    assert!(stats.iter().any(|s| s.rule == "X01"));
}

#[test]
fn a_rescan_checks_only_what_changed_and_drops_what_is_gone() {
    let dir = folder();
    let schemes = SchemeSet::builtin();
    let mut review = load(&dir);
    assert_eq!(review.rescan(&schemes), Plan::default(), "nothing changed");

    // A change of size (the same second's mtime would not tell).
    let seed = dir.path().join("seed.toml");
    fs::write(
        &seed,
        SEED.replace("total_score = 94", "total_score = 94 # 已核"),
    )
    .unwrap();
    fs::write(dir.path().join("sub/new.toml"), CORRECTED).unwrap();
    fs::remove_file(dir.path().join("partial.toml")).unwrap();
    let plan = review.rescan(&schemes);
    assert_eq!(plan.check, [seed.clone(), dir.path().join("sub/new.toml")]);
    assert_eq!(plan.removed, [dir.path().join("partial.toml")]);
    let all: Vec<&str> = review.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        all,
        [
            "corrected.toml",
            "seed.toml",
            "sub/broken.toml",
            "sub/new.toml"
        ]
    );

    // A save by rename keeps the size and maybe the second, but not the inode.
    let replacement = dir.path().join("tmp-save");
    fs::write(&replacement, fs::read(&seed).unwrap()).unwrap();
    fs::rename(&replacement, &seed).unwrap();
    assert_eq!(review.rescan(&schemes).check, std::slice::from_ref(&seed));

    // A broken file fixed becomes a checked row.
    fs::write(dir.path().join("sub/broken.toml"), CORRECTED).unwrap();
    review.rescan(&schemes);
    assert!(row(&review, "sub/broken.toml").loaded);
}

#[test]
fn the_follower_sends_the_rows_then_the_changes() {
    use follow::{Follower, Update};
    let dir = folder();
    let follower = Follower::start(
        dir.path(),
        SchemeSet::builtin(),
        std::time::Duration::from_millis(50),
    );
    let next = || {
        follower
            .updates
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the follower reports")
    };
    match next() {
        Update::Scan { pending, removed } => {
            assert_eq!(pending, 4);
            assert!(removed.is_empty());
        }
        other => panic!("{other:?}"),
    }
    let mut review = Review::new(dir.path());
    loop {
        match next() {
            Update::Row(row) => review.apply(*row),
            Update::Done => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(review.rows.len(), 4);
    fs::write(dir.path().join("added.toml"), CORRECTED).unwrap();
    let mut added = None;
    while added.is_none() {
        if let Update::Row(row) = next() {
            added = Some(row);
        }
    }
    assert_eq!(added.unwrap().name, "added.toml");
}

#[test]
fn the_summary_is_aligned_by_display_width_and_sorted_by_unit() {
    let dir = folder();
    let review = load(&dir);
    let mut out = Vec::new();
    summary::write(&review.rows, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("单位"), "{text}");
    // The year column starts at the same display column on every line of the table.
    let at = |line: &str, needle: &str| {
        let i = line.find(needle).unwrap();
        unicode_width::UnicodeWidthStr::width(&line[..i])
    };
    let year_col = at(lines[0], "年度");
    for line in &lines[1..5] {
        let year = if line.contains("sub/broken.toml") {
            "—"
        } else {
            "20"
        };
        assert_eq!(at(line, year), year_col, "{text}");
    }
    assert!(text.contains("规则统计"), "{text}");
    assert!(text.contains("✗ C07 · 1 份报告（共 3 处）"), "{text}");
    assert!(text.trim_end().ends_with("平均分 93.5"), "{text}");
}

#[test]
fn cutting_never_splits_a_wide_character() {
    assert_eq!(summary::cut("应急管理局", 5), "应急…");
    assert_eq!(summary::cut("应急管理局", 10), "应急管理局");
    assert_eq!(summary::pad("局", 4, false), "局  ");
    assert_eq!(summary::pad("7", 3, true), "  7");
    // A unit's name is cut in its middle: the district's units differ at the end.
    let cut = summary::cut_middle("株洲市芦淞区合成测试局第101分局", 23);
    assert_eq!(cut, "株洲市…测试局第101分局");
    assert!(unicode_width::UnicodeWidthStr::width(cut.as_str()) <= 23);
    assert_eq!(summary::cut_middle("应急管理局", 10), "应急管理局");
    assert_eq!(summary::cut_middle("应急管理局", 9), "应…管理局");
}

#[test]
fn turning_the_completeness_check_on_checks_every_file_again_with_n05() {
    use follow::{Follower, Update};
    let dir = folder();
    let follower = Follower::start(
        dir.path(),
        SchemeSet::builtin(),
        std::time::Duration::from_millis(50),
    );
    let next = || {
        follower
            .updates
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the follower reports")
    };
    // Rows until a scan is done; the partial report's N05 count.
    let round = || {
        let mut review = Review::new(dir.path());
        loop {
            match next() {
                Update::Row(row) => review.apply(*row),
                Update::Done => break,
                Update::Scan { .. } => {}
            }
        }
        let partial = review
            .rows
            .iter()
            .find(|r| r.name == "partial.toml")
            .expect("the partial report's row");
        (
            review.rows.len(),
            partial.problems.iter().filter(|p| p.rule == "N05").count(),
        )
    };
    assert_eq!(round(), (4, 0));
    follower.set_complete(true);
    let (rows, n05) = round();
    assert_eq!(rows, 4, "every file checked again");
    assert!(n05 > 0, "N05 on the partial report");
    follower.set_complete(false);
    assert_eq!(round(), (4, 0));
}
