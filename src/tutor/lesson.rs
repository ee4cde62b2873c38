//! `jixiao-lesson/1`: a lesson file, its start and solution reports (separate files named
//! in it), and the track file that orders the lessons of a folder.

use super::TutorError;
use crate::finding::Severity;
use crate::model::schema::{self, Kind};
use crate::model::{FieldPath, parse_amount};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The `format` of a lesson file.
pub const LESSON_FORMAT: &str = "jixiao-lesson/1";
/// The `format` of a track file (`track.toml`: the order of a folder's lessons).
pub const TRACK_FORMAT: &str = "jixiao-track/1";
/// The name of the track file in a lesson folder.
const TRACK_FILE: &str = "track.toml";

/// The shipped track: every file of `config/lessons/`, compiled in (a test checks that the
/// list and the folder agree).
pub(super) static SHIPPED_FILES: &[(&str, &str)] = &[
    (
        "track.toml",
        include_str!("../../config/lessons/track.toml"),
    ),
    (
        "lusong-2023-seed.toml",
        include_str!("../../config/lessons/lusong-2023-seed.toml"),
    ),
    (
        "lusong-2023-corrected.toml",
        include_str!("../../config/lessons/lusong-2023-corrected.toml"),
    ),
    (
        "special-funds.toml",
        include_str!("../../config/lessons/special-funds.toml"),
    ),
    (
        "special-funds.start.toml",
        include_str!("../../config/lessons/special-funds.start.toml"),
    ),
    (
        "budget-arithmetic.toml",
        include_str!("../../config/lessons/budget-arithmetic.toml"),
    ),
    (
        "budget-arithmetic.start.toml",
        include_str!("../../config/lessons/budget-arithmetic.start.toml"),
    ),
    (
        "staff.toml",
        include_str!("../../config/lessons/staff.toml"),
    ),
    (
        "staff.start.toml",
        include_str!("../../config/lessons/staff.start.toml"),
    ),
    (
        "exec-rate.toml",
        include_str!("../../config/lessons/exec-rate.toml"),
    ),
    (
        "exec-rate.start.toml",
        include_str!("../../config/lessons/exec-rate.start.toml"),
    ),
    (
        "weights.toml",
        include_str!("../../config/lessons/weights.toml"),
    ),
    (
        "weights.start.toml",
        include_str!("../../config/lessons/weights.start.toml"),
    ),
    (
        "scores.toml",
        include_str!("../../config/lessons/scores.toml"),
    ),
    (
        "scores.start.toml",
        include_str!("../../config/lessons/scores.start.toml"),
    ),
    (
        "indicators.toml",
        include_str!("../../config/lessons/indicators.toml"),
    ),
    (
        "indicators.start.toml",
        include_str!("../../config/lessons/indicators.start.toml"),
    ),
    (
        "closing.toml",
        include_str!("../../config/lessons/closing.toml"),
    ),
    (
        "closing.start.toml",
        include_str!("../../config/lessons/closing.start.toml"),
    ),
    (
        "capstone.toml",
        include_str!("../../config/lessons/capstone.toml"),
    ),
];

/// Where a lesson came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled in from `config/lessons/`.
    Shipped,
    /// A user's lesson folder (`$XDG_DATA_HOME/jixiao/lessons/` or `--lessons DIR`).
    User(PathBuf),
}

/// One lesson, with its start and solution reports' text.
#[derive(Debug, Clone)]
pub struct Lesson {
    /// Short ASCII id (`special-funds`): the name of the work copy and of the hand-in file.
    pub id: String,
    pub title: String,
    /// The explanation, a few paragraphs of plain Chinese.
    pub text: String,
    /// The start report (a whole `jixiao/1` report with the mistake in it).
    pub start: String,
    /// The same report corrected.
    pub solution: String,
    /// Key paths (FORMAT.md) the trainee may not change.
    pub locked: Vec<String>,
    /// Why the locked fields are locked, in the lesson's words (a default sentence otherwise).
    pub why_locked: Option<String>,
    pub goals: Vec<Goal>,
    pub hints: Vec<Hint>,
    /// The most points the lesson gives: the sum of its goals' points.
    pub points: u32,
    /// The lesson file's name (`special-funds.toml`), for messages.
    pub file: String,
    pub origin: Origin,
    /// The start report as checked once (judging never trusts it beyond the scheme it was
    /// checked under).
    pub cache: super::judge::StartCache,
}

/// A hint, shown in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    Text(String),
    /// Shows the rule's full explanation.
    Explain(String),
}

/// One goal of a lesson: what is judged, how many points it gives, and its Chinese text
/// (written in the lesson, or made from the goal: `goal_text`).
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub kind: GoalKind,
    pub points: u32,
    pub text: Option<String>,
}

/// What a goal asks; every kind but `Review` is judged by the checker.
#[derive(Debug, Clone, PartialEq)]
pub enum GoalKind {
    /// The rule gives no finding at or under the path (anywhere, without a path).
    Clears {
        rule: String,
        path: Option<FieldPath>,
    },
    /// The field equals this value: figures compared as exact decimals, texts as written.
    Value { path: FieldPath, equals: String },
    /// Every one of these fields holds a value (not blank, not `/`).
    Filled { paths: Vec<FieldPath> },
    /// No finding (by rule and path) that the start report does not have.
    NoNewFindings,
    /// The running total: score, weight and/or grade.
    Total {
        score: Option<Decimal>,
        weight: Option<Decimal>,
        grade: Option<String>,
    },
    /// No finding of this severity or a worse one.
    Clean { severity: Severity },
    /// A text the trainer accepts by hand.
    Review { text: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    format: String,
    id: String,
    title: String,
    text: String,
    start: String,
    solution: String,
    #[serde(default)]
    locked: Vec<String>,
    #[serde(default)]
    why_locked: Option<String>,
    #[serde(default, rename = "goal")]
    goals: Vec<RawGoal>,
    #[serde(default, rename = "hint")]
    hints: Vec<RawHint>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGoal {
    clears: Option<RawClears>,
    value: Option<RawValue>,
    filled: Option<OneOrMany>,
    no_new_findings: Option<bool>,
    total: Option<RawTotal>,
    clean: Option<String>,
    review: Option<String>,
    points: Option<u32>,
    text: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClears {
    rule: String,
    path: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValue {
    path: String,
    equals: toml::Value,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTotal {
    score: Option<toml::Value>,
    weight: Option<toml::Value>,
    grade: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHint {
    text: Option<String>,
    explain: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrack {
    format: String,
    /// The track's name, for the reader of the file.
    #[serde(default)]
    #[allow(dead_code)]
    title: Option<String>,
    lessons: Vec<String>,
}

/// The shipped lessons, in the shipped track's order.
pub fn shipped() -> Vec<Lesson> {
    let files: Vec<(String, String)> = SHIPPED_FILES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    from_files(&files, &Origin::Shipped).expect("the shipped lessons load (tested)")
}

/// `$XDG_DATA_HOME/jixiao/lessons` (or `~/.local/share/jixiao/lessons`).
pub fn user_lesson_dir() -> Option<PathBuf> {
    super::data_dir().map(|d| d.join("lessons"))
}

/// The track a trainee follows: the shipped lessons, then the user's — from `user_dir`
/// (`--lessons DIR`, which must exist) or else the user's data folder (if it exists). A
/// user lesson with a shipped lesson's id takes its place.
pub fn track(user_dir: Option<&Path>) -> Result<Vec<Lesson>, TutorError> {
    let mut lessons = shipped();
    let user = match user_dir {
        Some(dir) => Some(load_dir(dir)?),
        None => match user_lesson_dir() {
            Some(dir) if dir.is_dir() => Some(load_dir(&dir)?),
            _ => None,
        },
    };
    for lesson in user.into_iter().flatten() {
        match lessons.iter_mut().find(|l| l.id == lesson.id) {
            Some(slot) => *slot = lesson,
            None => lessons.push(lesson),
        }
    }
    Ok(lessons)
}

/// The lessons of one folder: every `*.toml` whose `format` is `jixiao-lesson/1`, in the
/// order of the folder's `track.toml` (lessons it does not name follow, by id).
pub fn load_dir(dir: &Path) -> Result<Vec<Lesson>, TutorError> {
    let entries = std::fs::read_dir(dir).map_err(|e| TutorError::io(dir, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| TutorError::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if !name.ends_with(".toml") || name.starts_with('.') {
            continue;
        }
        // Not following symlinks out of the folder; only regular files are lessons.
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => {}
            _ => continue,
        }
        let bytes = crate::store::read_report_file(&path)
            .map_err(|e| TutorError::Refused(e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|_| TutorError::Lesson {
            file: path.display().to_string(),
            why: "不是有效的 UTF-8 文本".into(),
        })?;
        files.push((name, text));
    }
    files.sort();
    from_files(&files, &Origin::User(dir.to_path_buf()))
}

/// Lessons from a folder's files (name, text).
pub(super) fn from_files(
    files: &[(String, String)],
    origin: &Origin,
) -> Result<Vec<Lesson>, TutorError> {
    let by_name: BTreeMap<&str, &str> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let mut lessons = Vec::new();
    let mut order: Option<Vec<String>> = None;
    for (name, text) in files {
        let format = peek_format(text);
        if name == TRACK_FILE {
            let raw: RawTrack = toml::from_str(text).map_err(|e| TutorError::Lesson {
                file: name.clone(),
                why: format!("课程顺序文件无法读取：{}", e.message()),
            })?;
            if raw.format != TRACK_FORMAT {
                return Err(TutorError::Lesson {
                    file: name.clone(),
                    why: format!("format 应为 \"{TRACK_FORMAT}\""),
                });
            }
            order = Some(raw.lessons);
        } else if format.as_deref() == Some(LESSON_FORMAT) {
            lessons.push(parse_lesson(name, text, &by_name, origin)?);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for lesson in &lessons {
        if !seen.insert(lesson.id.clone()) {
            return Err(TutorError::Lesson {
                file: lesson.file.clone(),
                why: format!("课程编号“{}”重复", lesson.id),
            });
        }
    }
    let order = order.unwrap_or_default();
    for id in &order {
        if !lessons.iter().any(|l| &l.id == id) {
            return Err(TutorError::Lesson {
                file: TRACK_FILE.into(),
                why: format!("列出的课程“{id}”没有对应的课程文件"),
            });
        }
    }
    lessons.sort_by(|a, b| {
        let rank = |l: &Lesson| {
            order
                .iter()
                .position(|id| id == &l.id)
                .unwrap_or(usize::MAX)
        };
        rank(a).cmp(&rank(b)).then_with(|| a.id.cmp(&b.id))
    });
    Ok(lessons)
}

/// The top-level `format` key, if the text is TOML that has one.
fn peek_format(text: &str) -> Option<String> {
    let table: toml::Table = toml::from_str(text).ok()?;
    table.get("format")?.as_str().map(str::to_owned)
}

fn parse_lesson(
    name: &str,
    text: &str,
    files: &BTreeMap<&str, &str>,
    origin: &Origin,
) -> Result<Lesson, TutorError> {
    let bad = |why: String| TutorError::Lesson {
        file: name.to_owned(),
        why,
    };
    let raw: RawLesson = toml::from_str(text).map_err(|e| bad(e.message().to_owned()))?;
    if raw.format != LESSON_FORMAT {
        return Err(bad(format!("format 应为 \"{LESSON_FORMAT}\"")));
    }
    if raw.id.is_empty()
        || raw.id.len() > 40
        || !raw
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(bad(format!(
            "课程编号“{}”只能由小写英文字母、数字和“-”组成（最多 40 个）",
            crate::sanitize::visible_inline(&raw.id)
        )));
    }
    if raw.title.trim().is_empty() || raw.text.trim().is_empty() {
        return Err(bad("标题（title）和讲解（text）不能为空".into()));
    }
    let report = |key: &str, file: &str| -> Result<String, TutorError> {
        if file.contains('/') || file.contains('\\') || file.starts_with('.') {
            return Err(bad(format!("{key} 应是同一文件夹中的文件名")));
        }
        files
            .get(file)
            .map(|t| t.to_string())
            .ok_or_else(|| bad(format!("{key} 所指的文件“{file}”不存在")))
    };
    let start = report("start", &raw.start)?;
    let solution = report("solution", &raw.solution)?;
    for path in &raw.locked {
        leaf_path(path, "locked").map_err(&bad)?;
    }
    if raw.goals.is_empty() {
        return Err(bad("至少要有一个目标（[[goal]]）".into()));
    }
    let goals = raw
        .goals
        .into_iter()
        .enumerate()
        .map(|(i, g)| parse_goal(g).map_err(|why| bad(format!("第 {} 个目标：{why}", i + 1))))
        .collect::<Result<Vec<_>, _>>()?;
    let hints = raw
        .hints
        .into_iter()
        .enumerate()
        .map(|(i, h)| match (h.text, h.explain) {
            (Some(t), None) => Ok(Hint::Text(t)),
            (None, Some(id)) if crate::rules::catalog::find(&id).is_some() => Ok(Hint::Explain(id)),
            (None, Some(id)) => Err(bad(format!(
                "第 {} 个提示：没有编号为“{}”的规则",
                i + 1,
                crate::sanitize::visible_inline(&id)
            ))),
            _ => Err(bad(format!(
                "第 {} 个提示：text 和 explain 须写且只写一个",
                i + 1
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let points = goals.iter().map(|g| g.points).sum();
    Ok(Lesson {
        id: raw.id,
        title: raw.title,
        text: raw.text,
        start,
        solution,
        locked: raw.locked,
        why_locked: raw.why_locked,
        goals,
        hints,
        points,
        file: name.to_owned(),
        origin: origin.clone(),
        cache: Default::default(),
    })
}

/// A path to one value the format knows (not a table or rows).
fn leaf_path(text: &str, key: &str) -> Result<FieldPath, String> {
    let path = FieldPath::parse(text).map_err(|e| format!("{key}：{e}"))?;
    match schema::lookup(&path.shape()) {
        None => Err(format!(
            "{key}：报告格式中没有“{}”",
            crate::sanitize::visible_inline(text)
        )),
        Some(f)
            if matches!(
                f.kind,
                Kind::Table(_) | Kind::InlineTable(_) | Kind::Rows(_)
            ) =>
        {
            Err(format!("{key}：“{text}”是表，应写到其中的某一个值"))
        }
        Some(_) => Ok(path),
    }
}

/// A path to anything the format knows.
fn any_path(text: &str, key: &str) -> Result<FieldPath, String> {
    let path = FieldPath::parse(text).map_err(|e| format!("{key}：{e}"))?;
    if schema::lookup(&path.shape()).is_none() {
        return Err(format!(
            "{key}：报告格式中没有“{}”",
            crate::sanitize::visible_inline(text)
        ));
    }
    Ok(path)
}

/// A number written in a lesson (`93`, `99.5` or `"99.5"`) as an exact decimal.
fn decimal(value: &toml::Value, key: &str) -> Result<Decimal, String> {
    let text = match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        _ => return Err(format!("{key} 应是数")),
    };
    parse_amount(&text).map_err(|e| format!("{key}：{e}"))
}

fn parse_goal(raw: RawGoal) -> Result<Goal, String> {
    let mut kinds = Vec::new();
    if let Some(c) = raw.clears {
        if crate::rules::catalog::find(&c.rule).is_none() {
            return Err(format!(
                "没有编号为“{}”的规则",
                crate::sanitize::visible_inline(&c.rule)
            ));
        }
        let path = c
            .path
            .as_deref()
            .map(|p| any_path(p, "clears.path"))
            .transpose()?;
        kinds.push(GoalKind::Clears { rule: c.rule, path });
    }
    if let Some(v) = raw.value {
        let path = leaf_path(&v.path, "value.path")?;
        let equals = match v.equals {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            _ => return Err("value.equals 应是数或文字".into()),
        };
        kinds.push(GoalKind::Value { path, equals });
    }
    if let Some(f) = raw.filled {
        let list = match f {
            OneOrMany::One(p) => vec![p],
            OneOrMany::Many(v) => v,
        };
        if list.is_empty() {
            return Err("filled 至少要写一个键".into());
        }
        let paths = list
            .iter()
            .map(|p| leaf_path(p, "filled"))
            .collect::<Result<Vec<_>, _>>()?;
        kinds.push(GoalKind::Filled { paths });
    }
    match raw.no_new_findings {
        Some(true) => kinds.push(GoalKind::NoNewFindings),
        Some(false) => return Err("no_new_findings 只能写 true".into()),
        None => {}
    }
    if let Some(t) = raw.total {
        let score = t
            .score
            .as_ref()
            .map(|v| decimal(v, "total.score"))
            .transpose()?;
        let weight = t
            .weight
            .as_ref()
            .map(|v| decimal(v, "total.weight"))
            .transpose()?;
        if score.is_none() && weight.is_none() && t.grade.is_none() {
            return Err("total 至少要写 score、weight、grade 中的一个".into());
        }
        kinds.push(GoalKind::Total {
            score,
            weight,
            grade: t.grade,
        });
    }
    if let Some(s) = raw.clean {
        let severity = Severity::parse(&s)
            .ok_or_else(|| "clean 应是 \"error\"、\"warning\" 或 \"info\"".to_owned())?;
        kinds.push(GoalKind::Clean { severity });
    }
    if let Some(text) = raw.review {
        if text.trim().is_empty() {
            return Err("review 应写明要教员认可的内容".into());
        }
        kinds.push(GoalKind::Review { text });
    }
    if kinds.len() != 1 {
        return Err(
            "每个目标须写且只写一种：clears、value、filled、no_new_findings、total、clean、review"
                .into(),
        );
    }
    Ok(Goal {
        kind: kinds.remove(0),
        points: raw.points.unwrap_or(1),
        text: raw.text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_list_is_the_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/lessons");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = SHIPPED_FILES.iter().map(|(n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(listed, on_disk);
        for (name, text) in SHIPPED_FILES {
            assert_eq!(
                &std::fs::read_to_string(dir.join(name)).unwrap(),
                text,
                "{name}"
            );
        }
    }

    #[test]
    fn shipped_lessons_load_in_track_order() {
        let lessons = shipped();
        assert!(!lessons.is_empty());
        let track: RawTrack = toml::from_str(SHIPPED_FILES[0].1).unwrap();
        let ids: Vec<&str> = lessons.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(
            ids,
            track.lessons.iter().map(|s| s.as_str()).collect::<Vec<_>>()
        );
    }

    fn lesson_file(goal: &str) -> Vec<(String, String)> {
        vec![
            (
                "a.toml".into(),
                format!(
                    "format = \"jixiao-lesson/1\"\nid = \"a\"\ntitle = \"题\"\ntext = \"讲\"\nstart = \"s.toml\"\nsolution = \"s.toml\"\n{goal}"
                ),
            ),
            ("s.toml".into(), "schema = \"jixiao/1\"\n".into()),
        ]
    }

    #[test]
    fn a_goal_of_two_kinds_or_an_unknown_rule_or_key_is_refused() {
        let user = Origin::User(PathBuf::from("/x"));
        assert!(from_files(&lesson_file("[[goal]]\nno_new_findings = true\n"), &user).is_ok());
        for bad in [
            "[[goal]]\nno_new_findings = true\nclean = \"error\"\n",
            "[[goal]]\nclears = { rule = \"Z99\" }\n",
            "[[goal]]\nfilled = \"budget.nonsense\"\n",
            "[[goal]]\nvalue = { path = \"budget\", equals = 1 }\n",
            "locked = [\"score_sheet.funds\"]\n[[goal]]\nno_new_findings = true\n",
            "",
        ] {
            let err = from_files(&lesson_file(bad), &user).unwrap_err();
            assert!(matches!(err, TutorError::Lesson { .. }), "{bad}: {err}");
        }
    }
}

#[cfg(test)]
mod user_tests {
    use super::*;

    #[test]
    fn a_user_folder_replaces_a_shipped_lesson_by_id_and_adds_its_own_in_track_order() {
        let dir = tempfile::tempdir().unwrap();
        let shipped_text = SHIPPED_FILES
            .iter()
            .find(|(n, _)| *n == "special-funds.toml")
            .unwrap()
            .1;
        let start = SHIPPED_FILES
            .iter()
            .find(|(n, _)| *n == "special-funds.start.toml")
            .unwrap()
            .1;
        let replaced = shipped_text
            .replace("专项资金：个数和收支要对得上", "本地改写的专项资金课")
            .replace("lusong-2023-corrected.toml", "special-funds.start.toml");
        std::fs::write(dir.path().join("special-funds.toml"), replaced).unwrap();
        std::fs::write(dir.path().join("special-funds.start.toml"), start).unwrap();
        for id in ["zz-local", "aa-local"] {
            std::fs::write(
                dir.path().join(format!("{id}.toml")),
                format!(
                    "format = \"jixiao-lesson/1\"\nid = \"{id}\"\ntitle = \"本地\"\ntext = \"讲\"\nstart = \"special-funds.start.toml\"\nsolution = \"special-funds.start.toml\"\n[[goal]]\nclean = \"error\"\n"
                ),
            )
            .unwrap();
        }
        std::fs::write(
            dir.path().join("track.toml"),
            "format = \"jixiao-track/1\"\nlessons = [\"zz-local\", \"special-funds\"]\n",
        )
        .unwrap();
        let lessons = track(Some(dir.path())).unwrap();
        let ids: Vec<&str> = lessons.iter().map(|l| l.id.as_str()).collect();
        let shipped_ids: Vec<String> = shipped().into_iter().map(|l| l.id).collect();
        assert_eq!(&ids[..shipped_ids.len()], shipped_ids.as_slice());
        assert_eq!(&ids[shipped_ids.len()..], ["zz-local", "aa-local"]);
        assert_eq!(lessons[0].title, "本地改写的专项资金课");
        assert_eq!(lessons[0].origin, Origin::User(dir.path().to_path_buf()));
        // A folder given on the command line must exist.
        assert!(track(Some(&dir.path().join("missing"))).is_err());
        // A track naming a lesson that is not there is refused.
        std::fs::write(
            dir.path().join("track.toml"),
            "format = \"jixiao-track/1\"\nlessons = [\"nothing-here\"]\n",
        )
        .unwrap();
        let err = load_dir(dir.path()).unwrap_err().to_string();
        assert!(err.contains("nothing-here"), "{err}");
    }
}
