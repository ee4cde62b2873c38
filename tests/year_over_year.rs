//! Year over year and completeness through the real binary (REVIEW.md): `new --from`,
//! `check --previous` and the previous report found beside the file (Y01, Y02), the 2024
//! example against 2023, `check --complete` (N05) and N04.

mod e2e;

use e2e::*;
use jixiao::model::{CostColumn, CostRow, Report};
use jixiao::scheme::{self, SchemeSet};
use serde_json::Value;
use std::path::Path;

const NEXT: &str = "examples/lusong-emergency-2024.toml";

fn load(path: &Path) -> Report {
    let bytes = std::fs::read(path).unwrap();
    match scheme::load(&bytes, &SchemeSet::builtin()) {
        Ok(l) => l.report,
        Err(f) => panic!("{} did not load: {:?}", path.display(), f.findings),
    }
}

/// A scratch folder holding copies of the given crate files under their own names.
fn folder_with(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in files {
        let name = Path::new(f).file_name().unwrap();
        std::fs::copy(crate_file(f), dir.path().join(name)).unwrap();
    }
    dir
}

/// (id, message) of the findings of `file` in a text report.
fn ids(stdout: &str, file: &str) -> Vec<(String, String)> {
    finding_lines(stdout, file)
        .into_iter()
        .map(|(_, _, _, id, message)| (id, message))
        .collect()
}

fn with_id<'a>(found: &'a [(String, String)], id: &str) -> Vec<&'a str> {
    found
        .iter()
        .filter(|(i, _)| i == id)
        .map(|(_, m)| m.as_str())
        .collect()
}

#[test]
fn next_years_report_from_the_corrected_one_carries_every_final_account() {
    let dir = folder_with(&[CORRECTED]);
    let last = dir.path().join("lusong-emergency-2023-corrected.toml");
    let next = dir.path().join("next.toml");
    let made = run([
        "new".as_ref(),
        next.as_os_str(),
        "--from".as_ref(),
        last.as_os_str(),
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    assert!(made.stdout.contains("年度 2024"), "{}", made.stdout);
    assert!(
        !made.stdout.contains("--previous"),
        "beside it: found without"
    );

    let (old, new) = (load(&last), load(&next));
    assert_eq!(new.report.year.value(), Some(2024));
    assert_eq!(new.report.unit, old.report.unit);
    assert_eq!(new.scheme, old.scheme);
    assert_eq!(
        new.report.title.as_deref(),
        Some("2024年度株洲市芦淞区应急管理局整体支出绩效自评报告")
    );
    let (ob, nb) = (old.basic.unwrap(), new.basic.as_ref().unwrap());
    assert_eq!(nb.functions, ob.functions);
    assert_eq!(nb.organization, ob.organization);
    assert_eq!(nb.departments, ob.departments);
    // Every 上年决算数 the form has is last year's 本年决算数, row by row and line by line.
    let oc = old.basic_data.unwrap().costs.unwrap();
    let nc = new.basic_data.as_ref().unwrap().costs.clone().unwrap();
    let mut carried = 0;
    for row in CostRow::ALL {
        if matches!(row, CostRow::Procurement | CostRow::BasicAdjustment) {
            // The form prints —— under 上年决算数 for these two rows.
            assert!(!nc.cell(row, CostColumn::PrevFinal).is_filled());
            continue;
        }
        assert_eq!(
            nc.cell(row, CostColumn::PrevFinal),
            oc.cell(row, CostColumn::Final),
            "{}",
            row.label()
        );
        carried += usize::from(oc.cell(row, CostColumn::Final).is_filled());
        // This year's columns wait for the writer.
        assert!(!nc.cell(row, CostColumn::Budget).is_filled());
        assert!(!nc.cell(row, CostColumn::Final).is_filled());
    }
    assert_eq!(
        carried, 9,
        "the corrected 2023 states 9 本年决算数 with a 上年 column"
    );
    assert_eq!(nc.project_lines.len(), oc.project_lines.len());
    for (n, o) in nc.project_lines.iter().zip(&oc.project_lines) {
        assert_eq!(n.name, o.name);
        assert_eq!(n.cells.prev_final, o.cells.r#final);
    }
    // The sheet: groups, names, targets and weights kept; results and scores blank.
    let (os, ns) = (old.score_sheet.unwrap(), new.score_sheet.clone().unwrap());
    assert_eq!(ns.groups.len(), os.groups.len());
    for (ng, og) in ns.groups.iter().zip(&os.groups) {
        assert_eq!((&ng.name, ng.weight), (&og.name, og.weight));
        for (n, o) in ng.indicators.iter().zip(&og.indicators) {
            assert_eq!(
                (&n.category, &n.name, &n.target, n.weight),
                (&o.category, &o.name, &o.target, o.weight)
            );
            if o.weight.is_filled() {
                assert!(!n.score.is_filled() && n.actual.as_deref() == Some(""));
            }
        }
    }
    assert!(!ns.funds.as_ref().unwrap().score.is_filled());
    let closing = new.closing.as_ref().unwrap();
    assert_eq!(closing.problems.as_deref(), Some(""));
    assert_eq!(closing.improvements.as_deref(), Some(""));
    // Comments say where the carried values came from.
    let text = std::fs::read_to_string(&next).unwrap();
    assert!(text.contains("取自 lusong-emergency-2023-corrected.toml"));
    assert!(text.contains("上年决算数 = 上年报告该行的本年决算数"));

    // Checked: no error, and no Y01 against the 2023 report found beside it.
    let checked = run([
        "check".as_ref(),
        next.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(checked.code, 0, "{}", checked.stdout);
    let value: Value = serde_json::from_str(&checked.stdout).unwrap();
    let file = &value[0];
    assert_eq!(file["year"], 2024);
    assert_eq!(file["unit"], "株洲市芦淞区应急管理局");
    assert_eq!(
        file["previous"].as_str().unwrap(),
        last.display().to_string()
    );
    let rules: Vec<&str> = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(file["totals"]["errors"], 0, "{rules:?}");
    assert!(!rules.contains(&"Y01"), "{rules:?}");

    // One 上年决算数 changed: Y01 names both files and both figures.
    let set = run([
        "set".as_ref(),
        next.as_os_str(),
        "basic_data.costs.public.prev_final=20.76".as_ref(),
    ]);
    assert_eq!(set.code, 0, "{}", set.stderr);
    // `set` says the finding that appeared, against the same report `check` finds.
    assert!(
        set.stdout
            .contains("+ 新增 warning[Y01] 附件2 公用经费：上年决算数 20.76"),
        "{}",
        set.stdout
    );
    let checked = run(["check".as_ref(), next.as_os_str()]);
    let shown = next.display().to_string();
    let y01 = ids(&checked.stdout, &shown);
    let y01 = with_id(&y01, "Y01");
    assert_eq!(y01.len(), 1, "{}", checked.stdout);
    for part in [
        "公用经费",
        "20.76",
        "20.66",
        &last.display().to_string(),
        "差 0.1",
    ] {
        assert!(y01[0].contains(part), "{part} in {}", y01[0]);
    }
    assert!(checked.stdout.contains(&format!("{shown}:")));
    // Warnings do not fail a check; with --deny warnings they do.
    assert_eq!(checked.code, 0);
    let denied = run([
        "check".as_ref(),
        next.as_os_str(),
        "--deny".as_ref(),
        "warnings".as_ref(),
    ]);
    assert_eq!(denied.code, 1);

    // Scored in part: not graded yet, in the text and in the JSON.
    let set = run([
        "set".as_ref(),
        next.as_os_str(),
        "score_sheet.groups[0].indicators[0].score=15".as_ref(),
    ]);
    assert_eq!(set.code, 0, "{}", set.stderr);
    let checked = run(["check".as_ref(), next.as_os_str()]);
    assert!(
        checked
            .stdout
            .contains("总分 15 / 权重 100 · —（未完） · 0 个错误，"),
        "{}",
        checked.stdout
    );
    let json = run([
        "check".as_ref(),
        next.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let value: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value[0]["totals"]["grade"], Value::Null);
    assert_eq!(value[0]["totals"]["complete"], false);
}

#[test]
fn from_the_uncorrected_seed_the_sheets_own_weight_errors_come_along() {
    let dir = folder_with(&[SEED, CORRECTED]);
    let other = tempfile::tempdir().unwrap();
    let next = other.path().join("next.toml");
    let last = dir.path().join("lusong-emergency-2023.toml");
    let made = run([
        "new".as_ref(),
        next.as_os_str(),
        "--from".as_ref(),
        last.as_os_str(),
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    assert!(made.stdout.contains("--previous"), "{}", made.stdout);
    // In another folder: nothing beside it, so --previous names last year's report.
    let checked = run([
        "check".as_ref(),
        next.as_os_str(),
        "--previous".as_ref(),
        last.as_os_str(),
    ]);
    assert_eq!(checked.code, 1, "{}", checked.stdout);
    let found = ids(&checked.stdout, &next.display().to_string());
    let errors: Vec<&str> = finding_lines(&checked.stdout, &next.display().to_string())
        .iter()
        .filter(|f| f.2 == "error")
        .map(|f| if f.3 == "C07" { "C07" } else { "C09" })
        .collect();
    assert_eq!(errors, ["C09", "C07", "C07", "C07"], "{}", checked.stdout);
    assert_eq!(with_id(&found, "C09").len(), 1);
    assert_eq!(with_id(&found, "C07").len(), 3);
    // Nothing disagrees with last year, and nothing was copied (results are blank).
    assert!(with_id(&found, "Y01").is_empty() && with_id(&found, "Y02").is_empty());
    // What else there is: the blanks every new report has for its writer (六（一）, 七, 八),
    // the seed's blank 三公经费 rows carried as blank (D05), and its two unmeasurable
    // targets carried with the sheet (C16).
    let mut rest: Vec<&str> = found
        .iter()
        .map(|(id, _)| id.as_str())
        .filter(|id| !["C07", "C09"].contains(id))
        .collect();
    rest.sort_unstable();
    assert_eq!(rest, ["C16", "C16", "D05", "N01", "N02", "N03"]);
}

#[test]
fn new_from_refuses_to_overwrite_and_a_report_that_does_not_load() {
    let dir = tempfile::tempdir().unwrap();
    let next = dir.path().join("next.toml");
    std::fs::write(&next, "mine").unwrap();
    let refused = run([
        "new".as_ref(),
        next.as_os_str(),
        "--from".as_ref(),
        crate_file(CORRECTED).as_os_str(),
    ]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("不会覆盖"), "{}", refused.stderr);
    assert_eq!(std::fs::read_to_string(&next).unwrap(), "mine");

    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[report\n").unwrap();
    let fresh = dir.path().join("fresh.toml");
    let failed = run([
        "new".as_ref(),
        fresh.as_os_str(),
        "--from".as_ref(),
        broken.as_os_str(),
    ]);
    assert_eq!(failed.code, 2);
    assert!(failed.stderr.contains("X01"), "{}", failed.stderr);
    assert!(!fresh.exists());
    // --from takes year and unit from last year's report.
    let both = run(["new", "x.toml", "--from", CORRECTED, "--year", "2030"]);
    assert_eq!(both.code, 2);
}

#[test]
fn the_2024_example_against_2023_in_a_folder_and_with_previous() {
    // The pair alone in a folder: found by unit and year.
    let dir = folder_with(&[CORRECTED, NEXT]);
    let checked = run(["check".as_ref(), dir.path().as_os_str()]);
    let next = dir
        .path()
        .join("lusong-emergency-2024.toml")
        .display()
        .to_string();
    let last = dir
        .path()
        .join("lusong-emergency-2023-corrected.toml")
        .display()
        .to_string();
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);
    let found = ids(&checked.stdout, &next);
    let y: Vec<&(String, String)> = found.iter().filter(|(id, _)| id.starts_with('Y')).collect();
    assert_eq!(y.len(), 2, "{}", checked.stdout);
    assert_eq!(y[0].0, "Y02");
    assert!(y[0].1.contains("八、下一步改进措施") && y[0].1.contains(&last));
    assert_eq!(y[1].0, "Y01");
    for part in ["办公经费", "0.68", "0.86", last.as_str()] {
        assert!(y[1].1.contains(part), "{part} in {}", y[1].1);
    }
    // Exactly those: the 2024 report holds together inside its year.
    assert_eq!(found.len(), 2, "{}", checked.stdout);
    assert!(
        ids(&checked.stdout, &last)
            .iter()
            .all(|(id, _)| !id.starts_with('Y')),
        "no 2022 report beside 2023"
    );
    assert!(
        checked.stdout.contains(&format!(
            "{next}: 总分 98 / 权重 100 · 优 · 0 个错误，1 个警告，1 条提示"
        )),
        "{}",
        checked.stdout
    );

    // In examples/ there are two 2023 reports of the unit: none is picked, and it is said.
    let examples = run(["check", "examples"]);
    assert_eq!(examples.code, 1, "the uncorrected seed has errors");
    assert!(
        ids(&examples.stdout, NEXT).is_empty(),
        "{}",
        examples.stdout
    );
    assert!(
        examples
            .stderr
            .contains("2 份“株洲市芦淞区应急管理局”2023 年度的报告")
            && examples.stderr.contains(CORRECTED)
            && examples.stderr.contains(SEED)
            && examples.stderr.contains("--previous"),
        "{}",
        examples.stderr
    );
    // With --previous: the same two findings, against the file named.
    let given = run(["check", NEXT, "--previous", CORRECTED]);
    let found = ids(&given.stdout, NEXT);
    let rules: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(rules, ["Y02", "Y01"], "{}", given.stdout);
    assert!(found[1].1.contains(CORRECTED));
    // Against the uncorrected seed, 公用经费 disagrees too (20.67 there).
    let seed = run(["check", NEXT, "--previous", SEED]);
    let found = ids(&seed.stdout, NEXT);
    assert_eq!(with_id(&found, "Y01").len(), 2, "{}", seed.stdout);
    assert!(with_id(&found, "Y01")[0].contains("20.67"));
}

#[test]
fn previous_of_another_year_is_said_and_a_missing_one_refused() {
    let run1 = run(["check", CORRECTED, "--previous", SEED]);
    assert_eq!(run1.code, 0);
    assert!(
        ids(&run1.stdout, CORRECTED)
            .iter()
            .all(|(id, _)| !id.starts_with('Y'))
    );
    assert!(run1.stderr.contains("其年度为 2023"), "{}", run1.stderr);
    let missing = run(["check", NEXT, "--previous", "nowhere.toml"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("nowhere.toml"),
        "{}",
        missing.stderr
    );
    assert!(missing.stdout.is_empty());
}

#[test]
fn complete_names_every_missing_part_of_a_file_with_only_the_basic_data_table() {
    let seed = std::fs::read_to_string(crate_file(CORRECTED)).unwrap();
    let data = &seed[seed.find("[basic_data]").unwrap()..seed.find("# 附件3").unwrap()];
    let (_dir, path) = scratch(
        "partial.toml",
        &format!(
            "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n[report]\nunit = \"株洲市芦淞区应急管理局\"\nyear = 2023\n\n{data}"
        ),
    );
    let file = path.display().to_string();
    let plain = run(["check".as_ref(), path.as_os_str()]);
    assert_eq!(plain.code, 0);
    assert_eq!(
        plain.stdout,
        "总分 0 / 权重 0 · —（未完） · 0 个错误，0 个警告，0 条提示\n"
    );
    let complete = run(["check".as_ref(), path.as_os_str(), "--complete".as_ref()]);
    assert_eq!(complete.code, 0, "warnings only");
    let found = ids(&complete.stdout, &file);
    assert!(
        found.iter().all(|(id, _)| id == "N05"),
        "{}",
        complete.stdout
    );
    let parts = [
        "一（一）主要职能",
        "一（二）机构情况",
        "一（三）人员情况",
        "二、一般公共预算支出情况",
        "附件3 年度资金总额",
        "附件3 一级指标“产出指标”",
        "附件3 一级指标“效益指标”",
        "附件3 一级指标“满意度指标”",
        "附件3 一级指标“成本指标”",
        "七、存在的问题及原因分析",
        "八、下一步改进措施",
    ];
    assert_eq!(found.len(), parts.len(), "{}", complete.stdout);
    for ((_, message), part) in found.iter().zip(parts) {
        assert!(message.starts_with(part), "{part}: {message}");
    }
    assert!(complete.stdout.ends_with("0 个错误，11 个警告，0 条提示\n"));
    // A whole report has nothing missing.
    let whole = run(["check", CORRECTED, "--complete"]);
    assert!(!whole.stdout.contains("[N05]"), "{}", whole.stdout);
}

#[test]
fn a_title_of_last_year_is_n04() {
    let text = std::fs::read_to_string(crate_file(NEXT)).unwrap().replacen(
        "title = \"2024年度",
        "title = \"2023年度",
        1,
    );
    let (_dir, path) = scratch("stale.toml", &text);
    let checked = run(["check".as_ref(), path.as_os_str()]);
    let found = ids(&checked.stdout, &path.display().to_string());
    assert_eq!(found.len(), 1, "{}", checked.stdout);
    assert_eq!(found[0].0, "N04");
    assert!(found[0].1.contains("2023年度") && found[0].1.contains("2024"));
    // The examples as shipped name no date of another year.
    for file in [SEED, CORRECTED, NEXT] {
        let run = run(["check", file]);
        assert!(!run.stdout.contains("[N04]"), "{file}: {}", run.stdout);
    }
}
