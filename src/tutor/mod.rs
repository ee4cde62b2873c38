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
    Acceptance, ClassCache, ClassRecord, ClassView, RuleRow, accept_review, accepted_goals,
    class_init, hand_in, hand_in_progress, judge_class, judge_class_with, safe_name, trainee_name,
    work_fingerprint, write_csv, write_json, write_text,
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
    /// A failed file operation, said in Chinese (the system's own words in brackets).
    pub(crate) fn io(path: &std::path::Path, e: std::io::Error) -> TutorError {
        use std::io::ErrorKind::*;
        let why = match e.kind() {
            NotFound => "不存在".to_owned(),
            PermissionDenied | ReadOnlyFilesystem => format!("没有权限（{e}）"),
            AlreadyExists => "已经存在".to_owned(),
            NotADirectory => "路径中有一段不是文件夹".to_owned(),
            StorageFull | QuotaExceeded => format!("磁盘已满（{e}）"),
            _ => format!("无法访问（{e}）"),
        };
        TutorError::Io {
            path: crate::sanitize::visible_inline(&path.display().to_string()).into_owned(),
            why,
        }
    }
}
#[cfg(test)]
mod tests;
