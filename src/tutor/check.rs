//! `jixiao tutor check-lessons`: every lesson proves itself — its start report fails at
//! least one goal the checker judges, its solution meets every goal (review goals counted
//! as accepted), its locked fields are the same in both, and blanking any figure or text
//! the solution changed does not complete it (the hole `locked`, `filled` and `value` close).

use super::judge::{judge, path_label};
use super::lesson::{GoalKind, Lesson};
use crate::model::FieldPath;
use crate::scheme::SchemeSet;
use crate::store::{Document, Source};
use std::io::Write;
use toml_edit::{Item, Table, Value};

/// What is wrong with one lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonProblem {
    pub lesson: String,
    /// Chinese, one sentence.
    pub problem: String,
}

/// Checks lessons; an empty list means every lesson is sound.
pub fn check_lessons(lessons: &[Lesson], schemes: &SchemeSet) -> Vec<LessonProblem> {
    let mut problems = Vec::new();
    for lesson in lessons {
        let mut say = |problem: String| {
            problems.push(LessonProblem {
                lesson: lesson.id.clone(),
                problem,
            })
        };
        let reviews: Vec<usize> = lesson
            .goals
            .iter()
            .enumerate()
            .filter(|(_, g)| matches!(g.kind, GoalKind::Review { .. }))
            .map(|(i, _)| i)
            .collect();
        let start = judge(lesson, &lesson.start, schemes, &reviews);
        if let Some(p) = &start.problem {
            say(format!("起始报告：{p}"));
        } else if start.done {
            say("起始报告已经达成全部目标：学员无事可做".into());
        }
        let solution = judge(lesson, &lesson.solution, schemes, &reviews);
        if let Some(p) = &solution.problem {
            say(format!("参考答案：{p}"));
        } else {
            for path in &solution.locked_changed {
                say(format!("锁定的“{path}”在参考答案中与起始报告不同"));
            }
            for goal in solution.goals.iter().filter(|g| !g.met) {
                say(format!("参考答案没有达成目标：{}", goal.text));
            }
            if solution.done {
                for label in blanked_and_done(lesson, schemes, &reviews) {
                    say(format!(
                        "把参考答案中的「{label}」删空也算完成：请用 value、filled 或 locked 守住它"
                    ));
                }
            }
        }
    }
    problems
}

/// The values the solution changed from the start that, blanked in the solution, still
/// complete the lesson (their labels).
fn blanked_and_done(lesson: &Lesson, schemes: &SchemeSet, accepted: &[usize]) -> Vec<String> {
    let (Ok(start), Ok(solution)) = (
        Document::parse(&Source::new(&lesson.start)),
        Document::parse(&Source::new(&lesson.solution)),
    ) else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    leaves(solution.root(), &FieldPath::root(), &mut paths);
    let mut found = Vec::new();
    for path in paths {
        // Values the start does not have (blanking one gives the start's state back), `/`
        // (not applicable, which blank also means) and unchanged values are not probed.
        let now = solution.written(&path);
        let before = start.written(&path);
        if now
            .as_deref()
            .is_none_or(|v| v.trim().is_empty() || v.trim() == "/")
            || before.is_none()
            || before == now
        {
            continue;
        }
        let mut blanked = solution.clone();
        if blanked.set(&path, "").is_err() {
            continue;
        }
        if judge(lesson, &blanked.to_text(), schemes, accepted).done {
            found.push(path_label(&path, Some(&solution)));
        }
    }
    found
}

/// Every value's path (a list of texts counts as one value).
fn leaves(table: &Table, at: &FieldPath, out: &mut Vec<FieldPath>) {
    for (key, item) in table.iter() {
        let path = at.key(key);
        match item {
            Item::Table(t) => leaves(t, &path, out),
            Item::ArrayOfTables(rows) => {
                for (i, row) in rows.iter().enumerate() {
                    leaves(row, &path.index(i), out);
                }
            }
            Item::Value(Value::InlineTable(t)) => {
                for (k, v) in t.iter() {
                    if !matches!(v, Value::InlineTable(_)) {
                        out.push(path.key(k));
                    }
                }
            }
            Item::Value(_) => out.push(path),
            Item::None => {}
        }
    }
}

/// The Chinese report of `check_lessons`: one line per lesson, then a summary.
pub fn write_check_report(
    lessons: &[Lesson],
    problems: &[LessonProblem],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for lesson in lessons {
        let mine: Vec<&LessonProblem> = problems.iter().filter(|p| p.lesson == lesson.id).collect();
        let title = crate::sanitize::visible_inline(&lesson.title);
        if mine.is_empty() {
            writeln!(
                out,
                "✓ {}  {title}（{} 个目标，{} 分）",
                lesson.id,
                lesson.goals.len(),
                lesson.points
            )?;
        } else {
            writeln!(out, "✗ {}  {title}", lesson.id)?;
            for p in mine {
                writeln!(out, "    {}", crate::sanitize::visible_inline(&p.problem))?;
            }
        }
    }
    let bad = lessons
        .iter()
        .filter(|l| problems.iter().any(|p| p.lesson == l.id))
        .count();
    if bad == 0 {
        writeln!(out, "{} 课全部通过检查", lessons.len())
    } else {
        writeln!(out, "{} 课中有 {bad} 课未通过检查", lessons.len())
    }
}
