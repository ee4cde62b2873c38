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
use crate::store::Stamp;
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
    /// The fingerprint of the text judged (`work_fingerprint`), what `a` accepts.
    pub copy: Option<String>,
    /// `None` when nothing was handed in for this lesson.
    pub judgement: Option<Judgement>,
}

/// One line of the rule column: how many trainees still have a `clears` goal of this rule
/// unmet, out of those who handed in a lesson with such a goal (never 0: a rule everybody
/// put right is not listed).
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

/// A trainee's name as given on the command line: refused, with the name that would be used
/// instead, when it is not a folder name as it stands (`../x`, `/x` and `_x` would all hand
/// in to `_x`).
pub fn trainee_name(name: &str) -> Result<String, TutorError> {
    let safe = safe_name(name)?;
    if safe != name {
        return Err(TutorError::Refused(format!(
            "学员名字“{}”不能原样用作交作业的文件夹名，会变成“{safe}”（可能和别人的撞上）；\
             请换一个只含文字、数字的名字，或就用 --name {safe}",
            crate::sanitize::visible_inline(name)
        )));
    }
    Ok(safe)
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
    /// The fingerprint of the work copy the trainer accepted (`work_fingerprint`): the goal
    /// counts only while the handed-in copy is still that text. An entry without one (written
    /// before acceptances were tied to the text) counts for nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    copy: Option<String>,
}

/// A review goal the trainer accepted, tied to the text of the work copy accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub goal: usize,
    copy: Option<String>,
}

impl Acceptance {
    /// The goals of `list` accepted for exactly this work copy's text: a review goal's
    /// acceptance is void once the trainee changes the copy (the trainer accepts again).
    pub fn goals_for(list: &[Acceptance], text: &str) -> Vec<usize> {
        let now = work_fingerprint(text);
        list.iter()
            .filter(|a| a.copy.as_deref() == Some(now.as_str()))
            .map(|a| a.goal)
            .collect()
    }
}

/// What an acceptance is tied to: the whole text of the work copy (review goals name no
/// field, so any change to the copy asks for the trainer's look again). A BOM and CRLF line
/// ends are not part of it: the file as read and the workbench's text of it are the same.
pub fn work_fingerprint(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    crate::store::fingerprint(text.replace("\r\n", "\n").as_bytes())
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

/// The trainer accepts a `review` goal of a trainee's lesson for the work copy whose text has
/// the fingerprint `copy` (`work_fingerprint` of the text the trainer judged), stored in
/// `DIR/.accepted.toml`; an earlier acceptance of the same goal is replaced.
pub fn accept_review(
    class_dir: &Path,
    lesson: &Lesson,
    trainee: &str,
    goal: usize,
    copy: &str,
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
    list.retain(|a| !(a.trainee == trainee && a.lesson == lesson.id && a.goal == goal));
    list.push(Accepted {
        trainee,
        lesson: lesson.id.clone(),
        goal,
        copy: Some(copy.to_owned()),
    });
    write_accepted(&class_dir.join(ACCEPTED_FILE), &list)
}

/// The accepted review goals of a trainee's lesson, each tied to the copy accepted (count
/// them for a text with `Acceptance::goals_for`). `trainer` is true when the trainer judges
/// (only their own file counts); a trainee reading the class folder passes false.
pub fn accepted_goals(
    class_dir: &Path,
    trainee: &str,
    lesson_id: &str,
    trainer: bool,
) -> Vec<Acceptance> {
    let Ok(trainee) = safe_name(trainee) else {
        return Vec::new();
    };
    acceptances_of(&read_accepted(class_dir, !trainer), &trainee, lesson_id)
}

fn acceptances_of(list: &[Accepted], trainee: &str, lesson_id: &str) -> Vec<Acceptance> {
    list.iter()
        .filter(|a| a.trainee == trainee && a.lesson == lesson_id)
        .map(|a| Acceptance {
            goal: a.goal,
            copy: a.copy.clone(),
        })
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

/// Judgements of handed-in files, kept between looks at the class folder (`judge_class_with`):
/// a file is read and judged again only when its version or its accepted goals change.
#[derive(Debug, Default)]
pub struct ClassCache {
    /// A handed-in file's version (a save replaces the file, a new inode, or at least
    /// changes its time or size), the goals accepted for it, and its judgement.
    files: std::collections::HashMap<PathBuf, (Stamp, Vec<Acceptance>, Judged)>,
}

/// A handed-in file as judged: its judgement and the fingerprint of the text judged.
#[derive(Debug, Clone)]
struct Judged {
    judgement: Judgement,
    copy: String,
}

/// A handed-in file's judgement and age in minutes: `None` when missing, a symlink or not a
/// regular file (a link to someone else's solved copy counts for nothing).
fn judge_file(
    path: &Path,
    lesson: &Lesson,
    schemes: &SchemeSet,
    accepted: &[Acceptance],
    cache: &mut ClassCache,
) -> Option<(Judged, u64)> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        cache.files.remove(path);
        return None;
    }
    let age = now().saturating_sub(meta.mtime().max(0) as u64) / 60;
    let version = Stamp::of(&meta);
    if let Some((v, a, j)) = cache.files.get(path)
        && *v == version
        && a == accepted
    {
        return Some((j.clone(), age));
    }
    let bytes = crate::store::read_report_file(path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let goals = Acceptance::goals_for(accepted, &text);
    let judged = Judged {
        judgement: judge(lesson, &text, schemes, &goals),
        copy: work_fingerprint(&text),
    };
    cache.files.insert(
        path.to_path_buf(),
        (version, accepted.to_vec(), judged.clone()),
    );
    Some((judged, age))
}

/// Whether the lesson's `value` and `filled` goals about the place a `clears` goal names are
/// met too: a rule silenced by blanking its figures is not a rule put right.
fn related_met(
    lesson: &Lesson,
    judgement: &Judgement,
    at: Option<&crate::model::FieldPath>,
) -> bool {
    let Some(at) = at else {
        return true;
    };
    let near = |p: &crate::model::FieldPath| p.overlaps(at);
    lesson
        .goals
        .iter()
        .zip(&judgement.goals)
        .all(|(goal, state)| {
            let related = match &goal.kind {
                GoalKind::Value { path, .. } => near(path),
                GoalKind::Filled { paths } => paths.iter().any(near),
                _ => false,
            };
            !related || state.met
        })
}

/// Judges the whole class folder: every trainee × lesson from the handed-in file itself.
pub fn judge_class(
    dir: &Path,
    lessons: &[Lesson],
    schemes: &SchemeSet,
) -> Result<ClassView, TutorError> {
    judge_class_with(dir, lessons, schemes, &mut ClassCache::default())
}

/// `judge_class` for a live view that looks again and again: files unchanged since the last
/// look (same inode, time and size, same accepted goals) keep their judgement.
pub fn judge_class_with(
    dir: &Path,
    lessons: &[Lesson],
    schemes: &SchemeSet,
    cache: &mut ClassCache,
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
            let mine = acceptances_of(&accepted, name, &lesson.id);
            let (judgement, copy, idle) = match judge_file(&file, lesson, schemes, &mine, cache) {
                Some((j, age)) => (Some(j.judgement), Some(j.copy), Some(age)),
                None => (None, None, None),
            };
            if let Some(j) = &judgement {
                for (goal, state) in lesson.goals.iter().zip(&j.goals) {
                    if let GoalKind::Clears { rule, path } = &goal.kind {
                        let failing = rule_state.entry(rule.clone()).or_insert(false);
                        *failing |= !state.met
                            || !j.locked_changed.is_empty()
                            || !related_met(lesson, j, path.as_ref());
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
                copy,
                judgement,
            });
        }
        for (rule, failing) in rule_state {
            let entry = per_rule.entry(rule).or_default();
            entry.0 += failing as usize;
            entry.1 += 1;
        }
    }
    // Rules the whole room has put right are left out: the column is what is still wrong.
    let mut rules: Vec<RuleRow> = per_rule
        .into_iter()
        .filter(|(_, (failing, _))| *failing > 0)
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
    /// Why the lesson fails whatever its goals say: the locked fields changed (key paths)…
    locked_changed: &'a [String],
    /// …or why the copy could not be judged at all (it does not load), in Chinese.
    problem: Option<&'a str>,
}

/// The locked fields a record's copy changed, and why it could not be judged.
fn why_failed(r: &ClassRecord) -> (&[String], Option<&str>) {
    match &r.judgement {
        Some(j) => (&j.locked_changed, j.problem.as_deref()),
        None => (&[], None),
    }
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
            locked_changed: why_failed(r).0,
            problem: why_failed(r).1,
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &records)?;
    writeln!(out)
}

/// One CSV field: control and invisible characters made visible (it may be read on a
/// terminal), quoted when needed, and a leading `=`, `+`, `-` or `@` defused so that a
/// spreadsheet does not run it as a formula.
fn csv_field(text: &str) -> String {
    let text = crate::sanitize::visible_inline(text);
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.into_owned()
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
        "trainee,lesson,done,points,max_points,goals_met,goals,hints,handed_in,idle_minutes,\
         locked_changed,problem"
    )?;
    for r in &view.records {
        let (locked_changed, problem) = why_failed(r);
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&r.trainee),
            csv_field(&r.lesson),
            r.done,
            r.points,
            r.max_points,
            r.goals_met,
            r.goals,
            r.hints,
            r.judgement.is_some(),
            r.idle_minutes.map(|m| m.to_string()).unwrap_or_default(),
            csv_field(&locked_changed.join(";")),
            csv_field(problem.unwrap_or_default())
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
                if let Some(problem) = &j.problem {
                    s.push_str(&format!("，{}", crate::sanitize::visible_inline(problem)));
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
    writeln!(out)?;
    if view.rules.is_empty() {
        writeln!(out, "交来的作业里，各课要改的规则都已改对")?;
    }
    for rule in &view.rules {
        writeln!(out, "{}", rule.text())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tutor::shipped;

    #[test]
    fn a_trainee_name_becomes_one_safe_path_component() {
        assert_eq!(safe_name("张三").unwrap(), "张三");
        assert_eq!(safe_name("../../etc/passwd").unwrap(), "_.._etc_passwd");
        assert_eq!(safe_name("  .hidden ").unwrap(), "hidden");
        assert_eq!(safe_name("a\u{1b}[31mb\u{202e}c").unwrap(), "a[31mbc");
        assert_eq!(safe_name(&"长".repeat(60)).unwrap().chars().count(), 40);
        for bad in ["", " ", ".", "..", "...", "\u{1b}"] {
            assert!(safe_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn csv_fields_are_quoted_defused_and_visible() {
        assert_eq!(csv_field("张三"), "张三");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert!(!csv_field("a\u{1b}[2Jb").contains('\u{1b}'));
    }

    #[test]
    fn hand_in_lands_in_the_trainees_folder_and_refuses_a_planted_symlink() {
        let class = tempfile::tempdir().unwrap();
        class_init(class.path()).unwrap();
        hand_in(class.path(), "李四", "staff", "schema = \"jixiao/1\"\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(class.path().join("李四/staff.toml")).unwrap(),
            "schema = \"jixiao/1\"\n"
        );
        // Saving again replaces the own file.
        hand_in(class.path(), "李四", "staff", "x = 1\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(class.path().join("李四/staff.toml")).unwrap(),
            "x = 1\n"
        );
        // A folder name planted as a symlink to somewhere else is refused.
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), class.path().join("王五")).unwrap();
        assert!(hand_in(class.path(), "王五", "staff", "x = 1\n").is_err());
        assert!(!elsewhere.path().join("staff.toml").exists());
        // So is a file planted as a symlink under a trainee's lesson name.
        let target = elsewhere.path().join("victim.toml");
        std::fs::write(&target, "mine").unwrap();
        std::os::unix::fs::symlink(&target, class.path().join("李四/closing.toml")).unwrap();
        assert!(hand_in(class.path(), "李四", "closing", "x = 1\n").is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine");
        assert!(hand_in(class.path(), "李四", "../x", "x = 1\n").is_err());
    }

    #[test]
    fn the_live_view_rejudges_a_file_once_it_is_saved_again() {
        let schemes = SchemeSet::builtin();
        let lessons: Vec<Lesson> = shipped()
            .into_iter()
            .filter(|l| l.id == "special-funds")
            .collect();
        let lesson = &lessons[0];
        let class = tempfile::tempdir().unwrap();
        class_init(class.path()).unwrap();
        hand_in(class.path(), "甲", "special-funds", &lesson.start).unwrap();
        let mut cache = ClassCache::default();
        let first = judge_class_with(class.path(), &lessons, &schemes, &mut cache).unwrap();
        assert!(!first.records[0].done);
        let again = judge_class_with(class.path(), &lessons, &schemes, &mut cache).unwrap();
        assert_eq!(again.records, first.records);
        let solved = lesson
            .start
            .replacen("special_fund_count = 5", "special_fund_count = 4", 1)
            .replacen("adjustment = 270.08", "adjustment = 27.08", 1);
        hand_in(class.path(), "甲", "special-funds", &solved).unwrap();
        let after = judge_class_with(class.path(), &lessons, &schemes, &mut cache).unwrap();
        assert!(after.records[0].done, "{:#?}", after.records[0]);
        std::fs::remove_file(class.path().join("甲/special-funds.toml")).unwrap();
        let gone = judge_class_with(class.path(), &lessons, &schemes, &mut cache).unwrap();
        assert!(gone.records[0].judgement.is_none());
    }

    #[test]
    fn an_accepted_review_goal_completes_the_closing_lesson_in_the_class_view() {
        let schemes = SchemeSet::builtin();
        let lessons: Vec<Lesson> = shipped()
            .into_iter()
            .filter(|l| l.id == "closing")
            .collect();
        let lesson = &lessons[0];
        let class = tempfile::tempdir().unwrap();
        class_init(class.path()).unwrap();
        hand_in(class.path(), "赵六", "closing", &lesson.solution).unwrap();
        // A symlink to a solved copy in another folder counts for nothing.
        std::fs::create_dir(class.path().join("钱七")).unwrap();
        std::os::unix::fs::symlink(
            class.path().join("赵六/closing.toml"),
            class.path().join("钱七/closing.toml"),
        )
        .unwrap();
        let before = judge_class(class.path(), &lessons, &schemes).unwrap();
        assert_eq!(before.trainees, vec!["赵六", "钱七"]);
        assert!(!before.records[0].done);
        assert_eq!(before.records[0].goals_met, 3);
        assert!(before.records[1].judgement.is_none());
        let review = lesson
            .goals
            .iter()
            .position(|g| matches!(g.kind, GoalKind::Review { .. }))
            .unwrap();
        let copy = work_fingerprint(&lesson.solution);
        assert!(accept_review(class.path(), lesson, "赵六", 0, &copy).is_err());
        accept_review(class.path(), lesson, "赵六", review, &copy).unwrap();
        accept_review(class.path(), lesson, "赵六", review, &copy).unwrap();
        let accepted = accepted_goals(class.path(), "赵六", "closing", true);
        assert_eq!(accepted.len(), 1);
        assert_eq!(
            Acceptance::goals_for(&accepted, &lesson.solution),
            vec![review]
        );
        let after = judge_class(class.path(), &lessons, &schemes).unwrap();
        assert!(after.records[0].done, "{:#?}", after.records[0]);
        assert_eq!(after.records[0].points, lesson.points);
        assert!(!after.records[1].done);
        // N01 and N02 are put right by the only trainee who handed in: not listed.
        assert_eq!(after.rules, vec![]);
        let mut text = Vec::new();
        write_text(&after, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(!text.contains("0/1"), "{text}");
        assert!(text.contains("各课要改的规则都已改对"), "{text}");
    }

    #[test]
    fn an_acceptance_is_void_once_the_trainee_replaces_the_accepted_text() {
        let schemes = SchemeSet::builtin();
        let lessons: Vec<Lesson> = shipped()
            .into_iter()
            .filter(|l| l.id == "closing")
            .collect();
        let lesson = &lessons[0];
        let review = lesson
            .goals
            .iter()
            .position(|g| matches!(g.kind, GoalKind::Review { .. }))
            .unwrap();
        let class = tempfile::tempdir().unwrap();
        class_init(class.path()).unwrap();
        hand_in(class.path(), "赵六", "closing", &lesson.solution).unwrap();
        let seen = judge_class(class.path(), &lessons, &schemes).unwrap();
        let copy = seen.records[0].copy.clone().unwrap();
        accept_review(class.path(), lesson, "赵六", review, &copy).unwrap();
        let accepted = judge_class(class.path(), &lessons, &schemes).unwrap();
        assert!(accepted.records[0].done, "{:#?}", accepted.records[0]);

        // The trainee replaces the accepted paragraphs with junk that still clears N01/N02.
        let mut doc: toml_edit::DocumentMut = lesson.solution.parse().unwrap();
        doc["closing"]["problems"] = toml_edit::value("啊啊啊啊啊啊啊啊啊啊啊啊");
        let junk = doc.to_string();
        assert_ne!(junk, lesson.solution);
        hand_in(class.path(), "赵六", "closing", &junk).unwrap();
        let after = judge_class(class.path(), &lessons, &schemes).unwrap();
        let record = &after.records[0];
        assert!(!record.done, "{record:#?}");
        assert!(!record.judgement.as_ref().unwrap().goals[review].met);
        assert_eq!(record.points, lesson.points - lesson.goals[review].points);
        // The trainee's own screen says the same.
        assert!(
            Acceptance::goals_for(
                &accepted_goals(class.path(), "赵六", "closing", false),
                &junk
            )
            .is_empty()
        );
        // The trainer accepts again, for the new text.
        let copy = after.records[0].copy.clone().unwrap();
        accept_review(class.path(), lesson, "赵六", review, &copy).unwrap();
        let again = judge_class(class.path(), &lessons, &schemes).unwrap();
        assert!(again.records[0].done);
        // The same text with a BOM and CRLF line ends is the same copy.
        let crlf = format!("\u{feff}{}", junk.replace('\n', "\r\n"));
        assert_eq!(work_fingerprint(&crlf), work_fingerprint(&junk));
        // An acceptance written before acceptances were tied to a text counts for nothing.
        write_accepted(
            &class.path().join(ACCEPTED_FILE),
            &[Accepted {
                trainee: "赵六".into(),
                lesson: "closing".into(),
                goal: review,
                copy: None,
            }],
        )
        .unwrap();
        assert!(
            !judge_class(class.path(), &lessons, &schemes)
                .unwrap()
                .records[0]
                .done
        );
    }
}
