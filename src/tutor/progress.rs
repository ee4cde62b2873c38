//! The trainee's progress store: `$XDG_DATA_HOME/jixiao/tutor/` (or `~/.local/share/…`),
//! with one work copy per lesson (`work/<id>.toml`, made from the start report on first
//! open) and `progress.toml` (hints used, the last status — a cache: the work copy is always
//! re-judged). Every write goes through the store's save policy.

use super::TutorError;
use super::judge::{Judgement, judge};
use super::lesson::Lesson;
use crate::scheme::SchemeSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `$XDG_DATA_HOME/jixiao` (when set and absolute), else `~/.local/share/jixiao`.
pub fn data_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| dirs::home_dir().map(|h| h.join(".local/share")))
        .map(|d| d.join("jixiao"))
}

/// Where a lesson stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    NotStarted,
    InProgress,
    Done,
}

impl Status {
    /// Where a lesson whose work copy is judged so stands: done, or in progress.
    pub fn of(judgement: &Judgement) -> Status {
        if judgement.done {
            Status::Done
        } else {
            Status::InProgress
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Status::NotStarted => "未开始",
            Status::InProgress => "进行中",
            Status::Done => "已完成",
        }
    }
}

/// One lesson's progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LessonProgress {
    /// How many hints the trainee has opened.
    pub hints_used: usize,
    /// The last judged status and points: a cache for the list, never trusted.
    pub status: Status,
    pub points: u32,
    /// When last judged (seconds since 1970).
    pub updated: Option<u64>,
}

/// `progress.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    pub lessons: BTreeMap<String, LessonProgress>,
}

impl Progress {
    pub fn lesson(&self, id: &str) -> LessonProgress {
        self.lessons.get(id).cloned().unwrap_or_default()
    }

    /// Reads a progress file's text; anything unreadable is an empty progress (it is a cache).
    pub fn parse(text: &str) -> Progress {
        toml::from_str(text).unwrap_or_default()
    }

    pub fn to_text(&self) -> String {
        let body = toml::to_string(self).expect("progress serializes");
        format!("# jixiao tutor 的学习进度（仅作缓存：完成与否总是按工作副本重新判定）\n{body}")
    }
}

/// A trainee's progress folder.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
}

impl Workspace {
    /// The folder `root` (tests pass a temporary folder).
    pub fn at(root: impl Into<PathBuf>) -> Workspace {
        Workspace { root: root.into() }
    }

    /// `$XDG_DATA_HOME/jixiao/tutor`.
    pub fn default_location() -> Result<Workspace, TutorError> {
        data_dir()
            .map(|d| Workspace::at(d.join("tutor")))
            .ok_or_else(|| {
                TutorError::Refused("找不到用户数据文件夹（请设置 XDG_DATA_HOME 或 HOME）".into())
            })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The work copy's path for a lesson (it may not exist yet).
    pub fn work_path(&self, lesson_id: &str) -> PathBuf {
        self.root.join("work").join(format!("{lesson_id}.toml"))
    }

    fn progress_path(&self) -> PathBuf {
        self.root.join("progress.toml")
    }

    fn make_folders(&self) -> Result<(), TutorError> {
        let work = self.root.join("work");
        std::fs::create_dir_all(&work).map_err(|e| TutorError::io(&work, e))?;
        for dir in [&self.root, &work] {
            let meta = std::fs::symlink_metadata(dir).map_err(|e| TutorError::io(dir, e))?;
            if !meta.is_dir() {
                return Err(TutorError::Io {
                    path: dir.display().to_string(),
                    why: "不是文件夹（或是符号链接）".into(),
                });
            }
        }
        Ok(())
    }

    /// Opens a lesson: its work copy's path, made from the start report the first time.
    pub fn open_lesson(&self, lesson: &Lesson) -> Result<PathBuf, TutorError> {
        self.make_folders()?;
        let path = self.work_path(&lesson.id);
        match crate::store::create_new_file(&path, lesson.start.as_bytes()) {
            Ok(()) => Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(path),
            Err(e) => Err(TutorError::io(&path, e)),
        }
    }

    /// The work copy's text, `None` before the lesson was first opened.
    pub fn read_work(&self, lesson_id: &str) -> Result<Option<String>, TutorError> {
        let path = self.work_path(lesson_id);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(TutorError::io(&path, e)),
            Ok(_) => {}
        }
        let bytes = crate::store::read_report_file(&path)
            .map_err(|e| TutorError::Refused(e.to_string()))?;
        Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// The progress file; missing or unreadable is empty progress.
    pub fn progress(&self) -> Progress {
        match crate::store::read_beside(&self.progress_path(), false) {
            Ok(Some((bytes, _))) => Progress::parse(&String::from_utf8_lossy(&bytes)),
            _ => Progress::default(),
        }
    }

    pub fn save_progress(&self, progress: &Progress) -> Result<(), TutorError> {
        self.make_folders()?;
        let path = self.progress_path();
        crate::store::write_new_or_own(&path, progress.to_text().as_bytes())
            .map_err(|e| TutorError::Refused(e.to_string()))
    }

    /// Judges a lesson from its work copy now (never from the cache); `None` before the
    /// lesson was opened.
    pub fn judge_lesson(
        &self,
        lesson: &Lesson,
        schemes: &SchemeSet,
        accepted: &[super::Acceptance],
    ) -> Result<Option<Judgement>, TutorError> {
        Ok(self.read_work(&lesson.id)?.map(|text| {
            let goals = super::Acceptance::goals_for(accepted, &text);
            judge(lesson, &text, schemes, &goals)
        }))
    }

    /// The status of a lesson, judged from its work copy.
    pub fn status(
        &self,
        lesson: &Lesson,
        schemes: &SchemeSet,
        accepted: &[super::Acceptance],
    ) -> Result<Status, TutorError> {
        Ok(match self.judge_lesson(lesson, schemes, accepted)? {
            None => Status::NotStarted,
            Some(j) => Status::of(&j),
        })
    }

    /// Notes a judgement in the progress cache and saves it.
    pub fn record(&self, lesson_id: &str, judgement: &Judgement) -> Result<Progress, TutorError> {
        let mut progress = self.progress();
        let entry = progress.lessons.entry(lesson_id.to_owned()).or_default();
        entry.status = Status::of(judgement);
        entry.points = judgement.points;
        entry.updated = Some(now());
        self.save_progress(&progress)?;
        Ok(progress)
    }

    /// Notes that the trainee opened one more hint (up to `max`) and saves it; the new count.
    pub fn use_hint(&self, lesson_id: &str, max: usize) -> Result<usize, TutorError> {
        let mut progress = self.progress();
        let entry = progress.lessons.entry(lesson_id.to_owned()).or_default();
        entry.hints_used = (entry.hints_used + 1).min(max);
        let used = entry.hints_used;
        self.save_progress(&progress)?;
        Ok(used)
    }
}

pub(super) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tutor::shipped;

    #[test]
    fn a_lesson_opens_on_a_copy_of_its_start_once_and_progress_is_a_cache() {
        let schemes = SchemeSet::builtin();
        let lesson = shipped().into_iter().next().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path().join("tutor"));
        assert_eq!(
            ws.status(&lesson, &schemes, &[]).unwrap(),
            Status::NotStarted
        );
        let path = ws.open_lesson(&lesson).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), lesson.start);
        assert_eq!(
            ws.status(&lesson, &schemes, &[]).unwrap(),
            Status::InProgress
        );
        // The trainee's edits survive opening the lesson again.
        let solved = lesson
            .start
            .replacen("special_fund_count = 5", "special_fund_count = 4", 1)
            .replacen("adjustment = 270.08", "adjustment = 27.08", 1);
        std::fs::write(&path, &solved).unwrap();
        assert_eq!(ws.open_lesson(&lesson).unwrap(), path);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), solved);
        let judged = ws.judge_lesson(&lesson, &schemes, &[]).unwrap().unwrap();
        assert!(judged.done);
        ws.record(&lesson.id, &judged).unwrap();
        assert_eq!(ws.use_hint(&lesson.id, 3).unwrap(), 1);
        let progress = ws.progress();
        assert_eq!(progress.lesson(&lesson.id).status, Status::Done);
        assert_eq!(progress.lesson(&lesson.id).hints_used, 1);
        assert_eq!(progress.lesson(&lesson.id).points, lesson.points);
        // A cache that claims "done" for an untouched copy is not believed.
        std::fs::write(&path, &lesson.start).unwrap();
        assert_eq!(ws.progress().lesson(&lesson.id).status, Status::Done);
        assert_eq!(
            ws.status(&lesson, &schemes, &[]).unwrap(),
            Status::InProgress
        );
        // An unreadable progress file is empty progress.
        std::fs::write(dir.path().join("tutor/progress.toml"), "not toml [").unwrap();
        assert_eq!(ws.progress(), Progress::default());
    }
}
