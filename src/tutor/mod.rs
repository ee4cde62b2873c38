//! Training sessions' core (TUTOR.md), free of any screen: lessons as data (`jixiao-lesson/1`,
//! the shipped track compiled in plus the user's folder), judging a trainee's work copy with
//! the checker's own rules, the trainee's progress store and the trainer's class folder.
//!
//! Everything is re-judged from the report text: a progress file is a cache, a class folder's
//! files are judged one by one, and a work copy whose locked fields differ from the start
//! report fails its lesson however it was edited.

mod check;
mod class;
mod judge;
mod lesson;
mod progress;

pub use check::{LessonProblem, check_lessons, write_check_report};
pub use class::{
    ClassRecord, ClassView, RuleRow, accept_review, accepted_goals, class_init, hand_in,
    hand_in_progress, judge_class, safe_name, write_csv, write_json, write_text,
};
pub use judge::{GoalState, Judgement, goal_text, judge, locked_reason, path_label};
pub use lesson::{
    Goal, GoalKind, Hint, LESSON_FORMAT, Lesson, Origin, TRACK_FORMAT, load_dir, shipped, track,
    user_lesson_dir,
};
pub use progress::{LessonProgress, Progress, Status, Workspace, data_dir};

/// Why lessons, a work copy or the class folder could not be used (Chinese, one sentence).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TutorError {
    #[error("{file}：{why}")]
    Lesson { file: String, why: String },
    #[error("{path}：{why}")]
    Io { path: String, why: String },
    #[error("{0}")]
    Refused(String),
}

impl TutorError {
    pub(crate) fn io(path: &std::path::Path, e: impl std::fmt::Display) -> TutorError {
        TutorError::Io {
            path: path.display().to_string(),
            why: e.to_string(),
        }
    }
}
#[cfg(test)]
mod tests;
