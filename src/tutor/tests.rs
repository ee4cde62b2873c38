//! The tutor core against the shipped lessons.

use super::*;
use crate::scheme::SchemeSet;

fn lesson(id: &str) -> Lesson {
    shipped()
        .into_iter()
        .find(|l| l.id == id)
        .unwrap_or_else(|| panic!("no shipped lesson {id}"))
}

/// The start report with one exact piece of text replaced (it must be there once).
fn edited(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from}");
    text.replacen(from, to, 1)
}

#[test]
fn the_shipped_track_passes_its_own_check() {
    let lessons = shipped();
    assert!(lessons.len() >= 9, "{} lessons", lessons.len());
    let problems = check_lessons(&lessons, &SchemeSet::builtin());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn special_funds_is_done_by_the_correct_figures_only() {
    let schemes = SchemeSet::builtin();
    let l = lesson("special-funds");
    let start = judge(&l, &l.start, &schemes, &[]);
    assert!(!start.done);
    assert_eq!(start.points, 1, "{start:#?}"); // no new findings, nothing else
    let fixed = edited(
        &edited(&l.start, "special_fund_count = 5", "special_fund_count = 4"),
        "adjustment = 270.08",
        "adjustment = 27.08",
    );
    let j = judge(&l, &fixed, &schemes, &[]);
    assert!(j.done, "{j:#?}");
    assert_eq!(j.points, l.points);
    assert_eq!(j.goals_met(), l.goals.len());
}

#[test]
fn blanking_the_special_fund_figures_does_not_complete_the_lesson() {
    let schemes = SchemeSet::builtin();
    let l = lesson("special-funds");
    let blanked = edited(
        &edited(
            &l.start,
            "special_fund_count = 5",
            "special_fund_count = \"\"",
        ),
        "adjustment = 270.08",
        "adjustment = \"\"",
    );
    let j = judge(&l, &blanked, &schemes, &[]);
    assert!(!j.done, "{j:#?}");
    // F01 is silent on a blank count, but the values are not there.
    let value_goals: Vec<&GoalState> = j.goals.iter().filter(|g| g.text.contains("填")).collect();
    assert_eq!(value_goals.len(), 2);
    assert!(value_goals.iter().all(|g| !g.met), "{value_goals:#?}");
}

#[test]
fn changing_a_locked_figure_fails_the_lesson_however_the_rest_is_right() {
    let schemes = SchemeSet::builtin();
    let l = lesson("special-funds");
    // Balances F02 by moving the given 实际支出 instead of the wrong adjustment.
    let text = edited(
        &edited(&l.start, "special_fund_count = 5", "special_fund_count = 4"),
        "spent = 56.58",
        "spent = 299.58",
    );
    let j = judge(&l, &text, &schemes, &[]);
    assert!(!j.done);
    assert_eq!(j.points, 0);
    assert_eq!(j.locked_changed, vec!["performance.special_funds[0].spent"]);
    // The same figure spelled differently is the same figure.
    let same = edited(&l.start, "spent = 56.58", "spent = 56.580");
    assert!(judge(&l, &same, &schemes, &[]).locked_changed.is_empty());
}

#[test]
fn a_copy_that_does_not_load_meets_nothing_and_says_why() {
    let l = lesson("special-funds");
    let j = judge(
        &l,
        "schema = \"jixiao/1\"\n[budget\n",
        &SchemeSet::builtin(),
        &[],
    );
    assert!(!j.done);
    assert!(j.goals.iter().all(|g| !g.met));
    assert!(
        j.problem.as_deref().unwrap().contains("无法读取"),
        "{:?}",
        j.problem
    );
}

#[test]
fn goal_texts_are_chinese_with_the_form_labels() {
    let l = lesson("special-funds");
    assert_eq!(
        goal_text(&l, 2),
        "F02（专项资金收支不平衡）在「六、资金使用及绩效情况 › 专项资金“安全监管”」不再出现"
    );
    assert!(goal_text(&l, 1).contains("填 4"), "{}", goal_text(&l, 1));
    let why = locked_reason(&l, "performance.special_funds[0].spent").unwrap();
    assert!(why.contains("实际支出"), "{why}");
    assert!(locked_reason(&l, "performance.special_funds[0].adjustment").is_none());
    // Removing the row would remove locked figures too.
    assert!(locked_reason(&l, "performance.special_funds[0]").is_some());
}

#[test]
fn blanking_any_figure_a_goal_names_never_completes_a_shipped_lesson() {
    let schemes = SchemeSet::builtin();
    for l in shipped() {
        let mut paths = Vec::new();
        for g in &l.goals {
            match &g.kind {
                GoalKind::Value { path, .. } => paths.push(path.clone()),
                GoalKind::Filled { paths: p } => paths.extend(p.iter().cloned()),
                _ => {}
            }
        }
        for p in l
            .locked
            .iter()
            .map(|p| crate::model::FieldPath::parse(p).unwrap())
        {
            paths.push(p);
        }
        for path in paths {
            let mut doc =
                crate::store::Document::parse(&crate::store::Source::new(&l.solution)).unwrap();
            doc.set(&path, "").unwrap();
            let j = judge(&l, &doc.to_text(), &schemes, &[0, 1, 2, 3, 4, 5, 6, 7]);
            assert!(!j.done, "{}: blanking {path} completes it", l.id);
        }
    }
}

#[test]
fn another_scoring_scheme_is_a_locked_change() {
    let schemes = SchemeSet::builtin();
    let l = lesson("exec-rate");
    // Under another scheme the funds row may be scored otherwise; the copy is not trusted.
    let text = edited(
        &l.solution,
        "scheme = \"hunan-department\"",
        "scheme = \"mof-project-2020\"",
    );
    let j = judge(&l, &text, &schemes, &[]);
    assert_eq!(j.locked_changed, vec!["scheme"]);
    assert!(!j.done);
    assert!(locked_reason(&l, "scheme").is_some());
    assert!(judge(&l, &l.solution, &schemes, &[]).done);
}

#[test]
fn the_total_goal_asks_for_the_written_total_too() {
    let schemes = SchemeSet::builtin();
    let l = lesson("scores");
    let total = l
        .goals
        .iter()
        .position(|g| matches!(g.kind, GoalKind::Total { .. }))
        .unwrap();
    let line = "total_score = 93     # 10 + 35 + 20 + 10 + 18（原表94）";
    assert!(judge(&l, &l.solution, &schemes, &[]).goals[total].met);
    // The rows add up to 93 but the sheet still says 94 (C11 fires): not met.
    let wrong = edited(&l.solution, line, "total_score = 94");
    let j = judge(&l, &wrong, &schemes, &[]);
    assert!(!j.goals[total].met, "{j:#?}");
    // A blank 总分 where the solution writes one is not 93 either.
    let blank = edited(&l.solution, line, "total_score = \"\"");
    assert!(!judge(&l, &blank, &schemes, &[]).goals[total].met);
    // Written as 93.00 it is the same figure.
    let same = edited(&l.solution, line, "total_score = 93.00");
    assert!(judge(&l, &same, &schemes, &[]).goals[total].met);
}

#[test]
fn the_exec_rate_lesson_accepts_every_rate_the_checker_accepts_but_not_a_blank() {
    let schemes = SchemeSet::builtin();
    let l = lesson("exec-rate");
    let line = l
        .solution
        .lines()
        .find(|line| line.starts_with("rate = "))
        .unwrap()
        .to_owned();
    for rate in ["99.99%", "100.0%", "99.99％"] {
        let text = edited(&l.solution, &line, &format!("rate = \"{rate}\""));
        let j = judge(&l, &text, &schemes, &[]);
        assert!(j.done, "{rate}: {j:#?}");
    }
    for rate in ["", "99.9%", "99%"] {
        let text = edited(&l.solution, &line, &format!("rate = \"{rate}\""));
        let j = judge(&l, &text, &schemes, &[]);
        assert!(!j.done, "{rate:?}: {j:#?}");
    }
}

#[test]
fn the_capstone_says_where_the_findings_are_on_every_size_of_terminal() {
    let l = lesson("capstone");
    assert!(!l.text.contains("右边的问题列表"), "{}", l.text);
    assert!(
        l.text.contains("宽的终端上在右边") && l.text.contains("按 f 打开完整的列表"),
        "{}",
        l.text
    );
}
