//! The class folder (TUTOR.md, the trainer): `class init` makes a shared hand-in folder,
//! each trainee's saves land as `DIR/<name>/<lesson-id>.toml`, and the trainer's view judges
//! every file itself — a trainee's `progress.toml` is read only for the hints count.
//! Accepted `review` goals are the trainer's file `DIR/.accepted.toml`, trusted only when
//! it belongs to whoever is judging.

use super::TutorError;
use super::judge::{Judgement, judge};
use super::lesson::{GoalKind, Lesson};
use super::progress::{Progress, now};
use crate::scheme::SchemeSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The trainer's accepted review goals, in the class folder.
const ACCEPTED_FILE: &str = ".accepted.toml";
/// A trainee's progress copy in their folder (hints count only; never trusted for grades).
const PROGRESS_FILE: &str = "progress.toml";
/// The class folder's mode: rwxrwxr-x, setgid (new folders keep the class's group) and
/// sticky (only a file's owner may delete or rename it).
const CLASS_MODE: u32 = 0o3775;

/// One trainee × lesson, judged from the handed-in file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassRecord {
    pub trainee: String,
    pub lesson: String,
    pub done: bool,
    pub points: u32,
    pub max_points: u32,
    pub goals_met: usize,
    pub goals: usize,
    /// Hints opened, as the trainee's progress copy says (informational only).
    pub hints: usize,
    /// Minutes since the file was last handed in; `None` when nothing was handed in.
    pub idle_minutes: Option<u64>,
    /// The file judged: `DIR/<name>/<lesson>.toml` (whether or not it exists).
    pub file: PathBuf,
    /// `None` when nothing was handed in for this lesson.
    pub judgement: Option<Judgement>,
}

/// One line of the rule column: how many trainees still have a `clears` goal of this rule
/// unmet, out of those who handed in a lesson with such a goal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRow {
    pub rule: String,
    pub failing: usize,
    pub of: usize,
}

impl RuleRow {
    /// `C03 仍有 9/14 人没改对`.
    pub fn text(&self) -> String {
        format!("{} 仍有 {}/{} 人没改对", self.rule, self.failing, self.of)
    }
}

/// The room: trainees (folder names, sorted), records for every trainee × lesson (trainee
/// by trainee, lessons in track order) and the rule column (most failing first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassView {
    pub trainees: Vec<String>,
    pub records: Vec<ClassRecord>,
    pub rules: Vec<RuleRow>,
}

/// A trainee's name as one safe path component: control and invisible characters dropped,
/// path separators and `:` made `_`, leading dots and spaces removed, at most 40 characters.
pub fn safe_name(name: &str) -> Result<String, TutorError> {
    let cleaned: String = name
        .chars()
        .filter(|c| !crate::sanitize::is_unsafe(*c) && !c.is_control())
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '\0') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches(['.', ' ']).trim();
    let short: String = trimmed.chars().take(40).collect();
    let short = short.trim_end().to_owned();
    if short.is_empty() || short == "." || short == ".." {
        return Err(TutorError::Refused(
            "学员名字不能为空（也不能只有点或斜杠）".into(),
        ));
    }
    Ok(short)
}

fn owned_folder(path: &Path) -> Result<bool, TutorError> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(TutorError::io(path, e)),
        Ok(meta) if !meta.is_dir() => Err(TutorError::Io {
            path: path.display().to_string(),
            why: "不是文件夹（或是符号链接）".into(),
        }),
        Ok(meta) if meta.uid() != crate::store::effective_uid() => Err(TutorError::Io {
            path: path.display().to_string(),
            why: format!("属于另一个用户（uid {}）", meta.uid()),
        }),
        Ok(_) => Ok(true),
    }
}

/// Makes (or sets up) a class folder: group-writable, setgid and sticky, with the trainer's
/// empty accepted-goals file in it so that no trainee can plant one.
pub fn class_init(dir: &Path) -> Result<(), TutorError> {
    if !owned_folder(dir)? {
        std::fs::DirBuilder::new()
            .mode(0o775)
            .create(dir)
            .map_err(|e| TutorError::io(dir, e))?;
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(CLASS_MODE))
        .map_err(|e| TutorError::io(dir, e))?;
    let accepted = dir.join(ACCEPTED_FILE);
    if std::fs::symlink_metadata(&accepted).is_err() {
        write_accepted(&accepted, &[])?;
    }
    Ok(())
}

/// The folder a trainee hands in to, made on first use (never someone else's or a symlink).
fn trainee_folder(class_dir: &Path, trainee: &str) -> Result<PathBuf, TutorError> {
    let meta = std::fs::metadata(class_dir).map_err(|e| TutorError::io(class_dir, e))?;
    if !meta.is_dir() {
        return Err(TutorError::Io {
            path: class_dir.display().to_string(),
            why: "不是文件夹".into(),
        });
    }
    let folder = class_dir.join(safe_name(trainee)?);
    if !owned_folder(&folder)? {
        match std::fs::DirBuilder::new().mode(0o755).create(&folder) {
            Ok(()) => {}
            // Made meanwhile: checked again below.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(TutorError::io(&folder, e)),
        }
        owned_folder(&folder)?;
    }
    Ok(folder)
}

fn valid_id(id: &str) -> Result<(), TutorError> {
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(TutorError::Refused(format!(
            "课程编号“{}”不合法",
            crate::sanitize::visible_inline(id)
        )));
    }
    Ok(())
}

/// Hands in a trainee's work copy: `DIR/<name>/<lesson-id>.toml`, written atomically, never
/// through a symlink or over another user's file.
pub fn hand_in(
    class_dir: &Path,
    trainee: &str,
    lesson_id: &str,
    text: &str,
) -> Result<(), TutorError> {
    valid_id(lesson_id)?;
    let folder = trainee_folder(class_dir, trainee)?;
    crate::store::write_new_or_own(&folder.join(format!("{lesson_id}.toml")), text.as_bytes())
        .map_err(|e| TutorError::Refused(e.to_string()))
}

/// Hands in the trainee's progress (hints used), for the trainer's grid.
pub fn hand_in_progress(
    class_dir: &Path,
    trainee: &str,
    progress: &Progress,
) -> Result<(), TutorError> {
    let folder = trainee_folder(class_dir, trainee)?;
    crate::store::write_new_or_own(&folder.join(PROGRESS_FILE), progress.to_text().as_bytes())
        .map_err(|e| TutorError::Refused(e.to_string()))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct AcceptedFile {
    #[serde(default)]
    accepted: Vec<Accepted>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Accepted {
    trainee: String,
    lesson: String,
    /// The goal's index in the lesson (0 for the first).
    goal: usize,
}

fn write_accepted(path: &Path, list: &[Accepted]) -> Result<(), TutorError> {
    let body = toml::to_string(&AcceptedFile {
        accepted: list.to_vec(),
    })
    .expect("accepted goals serialize");
    let text = format!("# 教员认可的目标（jixiao class 中按 a 写入；goal 从 0 数起）\n{body}");
    crate::store::write_new_or_own(path, text.as_bytes())
        .map_err(|e| TutorError::Refused(e.to_string()))?;
    // Trainees may read it (their screen shows what was accepted), not write it.
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644));
    Ok(())
}

/// The accepted goals, if the file is this user's (a file planted by someone else counts
/// for nothing).
fn read_accepted(class_dir: &Path, any_owner: bool) -> Vec<Accepted> {
    match crate::store::read_beside(&class_dir.join(ACCEPTED_FILE), any_owner) {
        Ok(Some((bytes, _))) => toml::from_str::<AcceptedFile>(&String::from_utf8_lossy(&bytes))
            .map(|f| f.accepted)
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The trainer accepts a `review` goal of a trainee's lesson (stored in `DIR/.accepted.toml`).
pub fn accept_review(
    class_dir: &Path,
    lesson: &Lesson,
    trainee: &str,
    goal: usize,
) -> Result<(), TutorError> {
    if !matches!(
        lesson.goals.get(goal).map(|g| &g.kind),
        Some(GoalKind::Review { .. })
    ) {
        return Err(TutorError::Refused(format!(
            "第 {} 个目标不是需要教员认可的目标",
            goal + 1
        )));
    }
    let trainee = safe_name(trainee)?;
    let mut list = read_accepted(class_dir, false);
    let entry = Accepted {
        trainee,
        lesson: lesson.id.clone(),
        goal,
    };
    if !list.contains(&entry) {
        list.push(entry);
    }
    write_accepted(&class_dir.join(ACCEPTED_FILE), &list)
}

/// The accepted review goals of a trainee's lesson. `trainer` is true when the trainer
/// judges (only their own file counts); a trainee reading the class folder passes false.
pub fn accepted_goals(
    class_dir: &Path,
    trainee: &str,
    lesson_id: &str,
    trainer: bool,
) -> Vec<usize> {
    let Ok(trainee) = safe_name(trainee) else {
        return Vec::new();
    };
    read_accepted(class_dir, !trainer)
        .into_iter()
        .filter(|a| a.trainee == trainee && a.lesson == lesson_id)
        .map(|a| a.goal)
        .collect()
}

/// The trainee folders of a class folder: real folders (not symlinks), not hidden, sorted.
fn trainees(dir: &Path) -> Result<Vec<String>, TutorError> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| TutorError::io(dir, e))? {
        let entry = entry.map_err(|e| TutorError::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// A handed-in file's text and age in minutes: `None` when missing, a symlink or not a
/// regular file (a link to someone else's solved copy counts for nothing).
fn handed_in(path: &Path) -> Option<(String, u64)> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let bytes = crate::store::read_report_file(path).ok()?;
    let age = now().saturating_sub(meta.mtime().max(0) as u64) / 60;
    Some((String::from_utf8_lossy(&bytes).into_owned(), age))
}

/// Judges the whole class folder: every trainee × lesson from the handed-in file itself.
pub fn judge_class(
    dir: &Path,
    lessons: &[Lesson],
    schemes: &SchemeSet,
) -> Result<ClassView, TutorError> {
    let names = trainees(dir)?;
    let accepted = read_accepted(dir, false);
    let mut records = Vec::new();
    // rule → (trainees failing, trainees judged)
    let mut per_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for name in &names {
        let folder = dir.join(name);
        let hints = match crate::store::read_beside(&folder.join(PROGRESS_FILE), true) {
            Ok(Some((bytes, _))) => Progress::parse(&String::from_utf8_lossy(&bytes)),
            _ => Progress::default(),
        };
        let mut rule_state: BTreeMap<String, bool> = BTreeMap::new();
        for lesson in lessons {
            let file = folder.join(format!("{}.toml", lesson.id));
            let mine: Vec<usize> = accepted
                .iter()
                .filter(|a| &a.trainee == name && a.lesson == lesson.id)
                .map(|a| a.goal)
                .collect();
            let (judgement, idle) = match handed_in(&file) {
                Some((text, age)) => (Some(judge(lesson, &text, schemes, &mine)), Some(age)),
                None => (None, None),
            };
            if let Some(j) = &judgement {
                for (goal, state) in lesson.goals.iter().zip(&j.goals) {
                    if let GoalKind::Clears { rule, .. } = &goal.kind {
                        let failing = rule_state.entry(rule.clone()).or_insert(false);
                        *failing |= !state.met || !j.locked_changed.is_empty();
                    }
                }
            }
            records.push(ClassRecord {
                trainee: name.clone(),
                lesson: lesson.id.clone(),
                done: judgement.as_ref().is_some_and(|j| j.done),
                points: judgement.as_ref().map_or(0, |j| j.points),
                max_points: lesson.points,
                goals_met: judgement.as_ref().map_or(0, |j| j.goals_met()),
                goals: lesson.goals.len(),
                hints: hints.lesson(&lesson.id).hints_used,
                idle_minutes: idle,
                file,
                judgement,
            });
        }
        for (rule, failing) in rule_state {
            let entry = per_rule.entry(rule).or_default();
            entry.0 += failing as usize;
            entry.1 += 1;
        }
    }
    let mut rules: Vec<RuleRow> = per_rule
        .into_iter()
        .map(|(rule, (failing, of))| RuleRow { rule, failing, of })
        .collect();
    rules.sort_by(|a, b| b.failing.cmp(&a.failing).then_with(|| a.rule.cmp(&b.rule)));
    Ok(ClassView {
        trainees: names,
        records,
        rules,
    })
}

#[derive(Serialize)]
struct JsonRecord<'a> {
    trainee: &'a str,
    lesson: &'a str,
    done: bool,
    points: u32,
    max_points: u32,
    goals_met: usize,
    goals: usize,
    hints: usize,
    handed_in: bool,
    idle_minutes: Option<u64>,
}

/// `jixiao class DIR --format json`: an array of records.
pub fn write_json(view: &ClassView, out: &mut dyn Write) -> std::io::Result<()> {
    let records: Vec<JsonRecord> = view
        .records
        .iter()
        .map(|r| JsonRecord {
            trainee: &r.trainee,
            lesson: &r.lesson,
            done: r.done,
            points: r.points,
            max_points: r.max_points,
            goals_met: r.goals_met,
            goals: r.goals,
            hints: r.hints,
            handed_in: r.judgement.is_some(),
            idle_minutes: r.idle_minutes,
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &records)?;
    writeln!(out)
}

/// One CSV field: quoted when needed, and a leading `=`, `+`, `-` or `@` defused so that a
/// spreadsheet does not run it as a formula.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// `jixiao class DIR --format csv`.
pub fn write_csv(view: &ClassView, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "trainee,lesson,done,points,max_points,goals_met,goals,hints,handed_in,idle_minutes"
    )?;
    for r in &view.records {
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{}",
            csv_field(&r.trainee),
            csv_field(&r.lesson),
            r.done,
            r.points,
            r.max_points,
            r.goals_met,
            r.goals,
            r.hints,
            r.judgement.is_some(),
            r.idle_minutes.map(|m| m.to_string()).unwrap_or_default()
        )?;
    }
    Ok(())
}

/// `jixiao class DIR` without a screen: one line per trainee × lesson, then the rule column.
pub fn write_text(view: &ClassView, out: &mut dyn Write) -> std::io::Result<()> {
    if view.trainees.is_empty() {
        return writeln!(out, "班级文件夹里还没有学员交来的作业");
    }
    for r in &view.records {
        let mark = match (&r.judgement, r.done) {
            (None, _) => "·",
            (Some(_), true) => "✓",
            (Some(_), false) => "✗",
        };
        let state = match &r.judgement {
            None => "未交".to_owned(),
            Some(j) => {
                let mut s = format!(
                    "{}/{} 分，目标 {}/{}，提示 {} 个",
                    r.points, r.max_points, r.goals_met, r.goals, r.hints
                );
                if !j.locked_changed.is_empty() {
                    s.push_str("，改动了锁定的数");
                }
                if let Some(m) = r.idle_minutes {
                    s.push_str(&format!("，{m} 分钟前保存"));
                }
                s
            }
        };
        writeln!(
            out,
            "{mark} {}  {}  {state}",
            crate::sanitize::visible_inline(&r.trainee),
            r.lesson
        )?;
    }
    if !view.rules.is_empty() {
        writeln!(out)?;
        for rule in &view.rules {
            writeln!(out, "{}", rule.text())?;
        }
    }
    Ok(())
}
