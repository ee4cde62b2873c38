//! `jixiao tutor check-lessons`: every lesson proves itself — its start report fails at
//! least one goal the checker judges, its solution meets every goal (review goals counted
//! as accepted), and its locked fields are the same in both.

use super::judge::judge;
use super::lesson::{GoalKind, Lesson};
use crate::scheme::SchemeSet;
use std::io::Write;

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
        }
    }
    problems
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
