//! Judging a work copy against a lesson with the checker's own core (`scheme::load_str`,
//! `rules::analyze`), and the Chinese texts of goals and locked fields.

use super::lesson::{Goal, GoalKind, Lesson};
use crate::finding::{Finding, Severity};
use crate::model::schema::{self, Kind};
use crate::model::{FieldPath, Seg, parse_amount, parse_rate};
use crate::rules::Totals;
use crate::sanitize::visible_inline;
use crate::scheme::{self, SchemeSet};
use crate::store::{Document, Source};
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// One goal as judged now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalState {
    /// Chinese: what the goal asks.
    pub text: String,
    pub met: bool,
    pub points: u32,
    /// A `review` goal: met only once the trainer has accepted it.
    pub by_hand: bool,
}

/// A work copy judged against its lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub goals: Vec<GoalState>,
    /// Locked fields whose value differs from the start report's (key paths).
    pub locked_changed: Vec<String>,
    /// Why the work copy could not be judged at all (it does not load), in Chinese.
    pub problem: Option<String>,
    /// Every goal met and no locked field changed.
    pub done: bool,
    /// Points of the goals met (0 while a locked field is changed or the copy does not load).
    pub points: u32,
    pub max_points: u32,
}

impl Judgement {
    pub fn goals_met(&self) -> usize {
        self.goals.iter().filter(|g| g.met).count()
    }
}

/// A report checked: its findings, totals and editable document.
struct Checked {
    findings: Vec<Finding>,
    totals: Totals,
    doc: Option<Document>,
    scheme: crate::scheme::Scheme,
}

fn check(text: &str, schemes: &SchemeSet) -> Result<Checked, String> {
    let loaded = scheme::load_str(text, schemes).map_err(|failure| {
        let first = failure
            .findings
            .iter()
            .find(|f| f.severity == Severity::Error)
            .or(failure.findings.first())
            .map(|f| format!("{}：{}", f.rule, visible_inline(&f.message)))
            .unwrap_or_else(|| "无法读取".into());
        format!("报告无法读取（{first}），请先改正文件")
    })?;
    let scheme = crate::rules::scheme_of(&loaded, schemes);
    let (findings, totals) = crate::rules::analyze(&loaded, scheme);
    let doc = Document::parse(&Source::new(text)).ok();
    Ok(Checked {
        findings,
        totals,
        doc,
        scheme: scheme.clone(),
    })
}

/// The start report as judged once: its findings (for `no_new_findings`), its document (for
/// locked fields and labels), the goals' texts, and the scheme it was checked under.
pub(crate) struct Prepared {
    scheme: Option<crate::scheme::Scheme>,
    start: Option<Checked>,
    texts: Vec<String>,
    /// The sheet's written totals the solution states (`total_score`, `total_weight`): a
    /// `total` goal then asks for the written figure too, and a blank one fails it.
    stated: StatedTotals,
}

/// Which written totals of the score sheet the lesson's solution states.
#[derive(Debug, Clone, Copy, Default)]
struct StatedTotals {
    score: bool,
    weight: bool,
}

const TOTAL_SCORE: &str = "score_sheet.total_score";
const TOTAL_WEIGHT: &str = "score_sheet.total_weight";

/// A lesson's start report, checked once and kept while the scheme set gives the same scheme
/// (judging a class folder judges the same start for every trainee).
#[derive(Clone, Default)]
pub struct StartCache(std::sync::Arc<std::sync::Mutex<Option<std::sync::Arc<Prepared>>>>);

impl std::fmt::Debug for StartCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StartCache")
    }
}

fn prepared(lesson: &Lesson, schemes: &SchemeSet) -> std::sync::Arc<Prepared> {
    let mut slot = lesson
        .cache
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(p) = slot.as_ref()
        && let Some(scheme) = &p.scheme
        && schemes.get(&scheme.id) == Some(scheme)
    {
        return p.clone();
    }
    let start = check(&lesson.start, schemes).ok();
    let scheme = start.as_ref().map(|s| s.scheme.clone());
    let texts = lesson
        .goals
        .iter()
        .map(|g| goal_text_in(g, start.as_ref().and_then(|s| s.doc.as_ref())))
        .collect();
    let solution = Document::parse(&Source::new(&lesson.solution)).ok();
    let states = |path: &str| {
        let path = FieldPath::parse(path).expect("a path of the form");
        solution
            .as_ref()
            .and_then(|d| d.written(&path))
            .is_some_and(|v| !blank(&v))
    };
    let fresh = std::sync::Arc::new(Prepared {
        scheme,
        start,
        texts,
        stated: StatedTotals {
            score: states(TOTAL_SCORE),
            weight: states(TOTAL_WEIGHT),
        },
    });
    *slot = Some(fresh.clone());
    fresh
}

/// Judges a trainee's work copy (`work_text`) against the lesson. `accepted` lists the
/// indices of the `review` goals the trainer has accepted.
pub fn judge(
    lesson: &Lesson,
    work_text: &str,
    schemes: &SchemeSet,
    accepted: &[usize],
) -> Judgement {
    let prepared = prepared(lesson, schemes);
    let start = prepared.start.as_ref();
    let start_doc = start.and_then(|s| s.doc.as_ref());
    let texts = prepared.texts.clone();
    let max_points = lesson.points;
    let work = match check(work_text, schemes) {
        Ok(w) => w,
        Err(problem) => {
            return Judgement {
                goals: lesson
                    .goals
                    .iter()
                    .zip(texts)
                    .map(|(g, text)| GoalState {
                        text,
                        met: false,
                        points: g.points,
                        by_hand: matches!(g.kind, GoalKind::Review { .. }),
                    })
                    .collect(),
                locked_changed: Vec::new(),
                problem: Some(problem),
                done: false,
                points: 0,
                max_points,
            };
        }
    };
    // The scoring scheme is always locked: another scheme would judge by other rules.
    let locked_changed: Vec<String> = std::iter::once(&"scheme".to_owned())
        .chain(lesson.locked.iter().filter(|p| p.as_str() != "scheme"))
        .filter(|p| {
            let path = FieldPath::parse(p).expect("checked when the lesson loaded");
            let before = start_doc.and_then(|d| d.written(&path));
            let after = work.doc.as_ref().and_then(|d| d.written(&path));
            !same_value(&path, before.as_deref(), after.as_deref())
        })
        .cloned()
        .collect();
    let goals: Vec<GoalState> = lesson
        .goals
        .iter()
        .enumerate()
        .zip(texts)
        .map(|((i, g), text)| GoalState {
            text,
            met: met(g, i, &work, start, prepared.stated, accepted),
            points: g.points,
            by_hand: matches!(g.kind, GoalKind::Review { .. }),
        })
        .collect();
    let trusted = locked_changed.is_empty();
    let done = trusted && goals.iter().all(|g| g.met);
    let points = if trusted {
        goals.iter().filter(|g| g.met).map(|g| g.points).sum()
    } else {
        0
    };
    Judgement {
        goals,
        locked_changed,
        problem: None,
        done,
        points,
        max_points,
    }
}

fn met(
    goal: &Goal,
    index: usize,
    work: &Checked,
    start: Option<&Checked>,
    stated: StatedTotals,
    accepted: &[usize],
) -> bool {
    match &goal.kind {
        GoalKind::Clears { rule, path } => !work.findings.iter().any(|f| {
            f.rule == rule.as_str() && path.as_ref().is_none_or(|p| f.path.starts_with(p))
        }),
        GoalKind::Value { path, equals } => {
            let now = work.doc.as_ref().and_then(|d| d.written(path));
            now.as_deref().is_some_and(|v| !blank(v))
                && same_value(path, now.as_deref(), Some(equals))
        }
        GoalKind::Filled { paths } => paths.iter().all(|p| {
            work.doc
                .as_ref()
                .and_then(|d| d.written(p))
                .is_some_and(|v| !blank(&v) && v.trim() != "/")
        }),
        GoalKind::NoNewFindings => {
            let before: BTreeSet<(&str, &FieldPath)> = start
                .map(|s| s.findings.iter().map(|f| (f.rule, &f.path)).collect())
                .unwrap_or_default();
            work.findings
                .iter()
                .all(|f| before.contains(&(f.rule, &f.path)))
        }
        GoalKind::Total {
            score,
            weight,
            grade,
        } => {
            // The goal means "the sheet's 总分 is …": the figure computed from the rows and,
            // where written (or where the solution writes one), the figure written.
            let t = &work.totals;
            let written_is = |path: &str, stated: bool, want: Decimal| {
                let path = FieldPath::parse(path).expect("a path of the form");
                let now = work.doc.as_ref().and_then(|d| d.written(&path));
                match now.as_deref().filter(|v| !blank(v)) {
                    None => !stated,
                    Some(v) => parse_amount(v).is_ok_and(|n| n == want),
                }
            };
            score.is_none_or(|s| t.score == s && written_is(TOTAL_SCORE, stated.score, s))
                && weight
                    .is_none_or(|w| t.weight == w && written_is(TOTAL_WEIGHT, stated.weight, w))
                && grade.as_ref().is_none_or(|g| &t.grade == g)
        }
        GoalKind::Clean { severity } => !work.findings.iter().any(|f| f.severity <= *severity),
        GoalKind::Review { .. } => accepted.contains(&index),
    }
}

fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// Whether two values as written are the same value of the field at `path`: figures as
/// exact decimals (`10` = `10.00`, `99.99%` = `99.99％`), texts as written, blank = absent.
fn same_value(path: &FieldPath, a: Option<&str>, b: Option<&str>) -> bool {
    let (a, b) = (a.filter(|t| !blank(t)), b.filter(|t| !blank(t)));
    let (Some(a), Some(b)) = (a, b) else {
        return a.is_none() && b.is_none();
    };
    let kind = schema::lookup(&path.shape()).map(|f| f.kind);
    let number = |t: &str| -> Option<Decimal> {
        match kind {
            Some(Kind::Rate) => parse_rate(t).ok().map(|r| r.percent),
            Some(k) if k.is_number() => parse_amount(t).ok(),
            _ => None,
        }
    };
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

/// A path in the labels of the form, short enough for the lesson pane: the field and the
/// table or row it is in (`年度资金总额 › 执行率`, `专项资金“安全监管” › 年中调整`); a row is
/// named by its 二级指标 or `name` where the report gives one, else by its number.
pub fn path_label(path: &FieldPath, doc: Option<&Document>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut fields = schema::ROOT;
    let mut so_far = FieldPath::root();
    for seg in path.segs() {
        match seg {
            Seg::Key(key) => {
                so_far = so_far.key(key);
                match fields.iter().find(|f| f.key == key.as_str()) {
                    Some(f) => {
                        parts.push(f.label.to_owned());
                        fields = f.kind.children().unwrap_or(&[]);
                    }
                    None => {
                        parts.push(key.clone());
                        fields = &[];
                    }
                }
            }
            Seg::Index(i) => {
                so_far = so_far.index(*i);
                let written = |key: &str| {
                    doc.and_then(|d| d.written(&so_far.key(key)))
                        .filter(|n| !blank(n) && n.trim() != "/")
                        .map(|n| {
                            visible_inline(&crate::model::first_line_short(&n, 16)).into_owned()
                        })
                };
                let last = parts.pop().unwrap_or_default();
                parts.push(match (written("category"), written("name")) {
                    (Some(category), _) => category,
                    (None, Some(name)) => format!("{last}“{name}”"),
                    (None, None) => format!("{last}第 {} 行", i + 1),
                });
            }
        }
    }
    let keep = parts.len().saturating_sub(2);
    parts[keep..].join(" › ")
}

/// A goal's Chinese text: the lesson's own, or made from the goal with the form's labels
/// (rows named as in the start report).
pub fn goal_text(lesson: &Lesson, index: usize) -> String {
    let doc = Document::parse(&Source::new(&lesson.start)).ok();
    goal_text_in(&lesson.goals[index], doc.as_ref())
}

fn goal_text_in(goal: &Goal, doc: Option<&Document>) -> String {
    if let Some(text) = &goal.text {
        return text.clone();
    }
    match &goal.kind {
        GoalKind::Clears { rule, path } => {
            let title = crate::rules::catalog::find(rule).map_or("", |r| r.title);
            match path {
                Some(p) => format!("{rule}（{title}）在「{}」不再出现", path_label(p, doc)),
                None => format!("{rule}（{title}）不再出现"),
            }
        }
        GoalKind::Value { path, equals } => {
            format!("「{}」填 {}", path_label(path, doc), visible_inline(equals))
        }
        GoalKind::Filled { paths } => {
            let names: Vec<String> = paths
                .iter()
                .map(|p| format!("「{}」", path_label(p, doc)))
                .collect();
            format!("{}已填写（不能空着）", names.join("、"))
        }
        GoalKind::NoNewFindings => "没有新的问题（不能为了消除提示而改出别的错）".into(),
        GoalKind::Total {
            score,
            weight,
            grade,
        } => {
            let mut parts = Vec::new();
            if let Some(s) = score {
                parts.push(format!("总分 {}", s.normalize()));
            }
            if let Some(w) = weight {
                parts.push(format!("分值合计 {}", w.normalize()));
            }
            if let Some(g) = grade {
                parts.push(format!("等级“{g}”"));
            }
            format!("自评表{}", parts.join("，"))
        }
        GoalKind::Clean { severity } => match severity {
            Severity::Error => "没有错误".into(),
            Severity::Warning => "没有错误和警告".into(),
            Severity::Info => "没有任何提示".into(),
        },
        GoalKind::Review { text } => format!("（教员认可）{text}"),
    }
}

/// Why an edit at `path` is refused in this lesson (it is, or holds, a locked field), in one
/// Chinese sentence; `None` when it is allowed.
pub fn locked_reason(lesson: &Lesson, path: &str) -> Option<String> {
    let edited = FieldPath::parse(path).ok()?;
    if path == "scheme" {
        return Some("本课锁定了评分方案：换用别的方案就是按别的规则评分".into());
    }
    let hit = lesson
        .locked
        .iter()
        .find(|l| FieldPath::parse(l).is_ok_and(|locked| locked.overlaps(&edited)))?;
    let locked = FieldPath::parse(hit).expect("checked when the lesson loaded");
    let doc = Document::parse(&Source::new(&lesson.start)).ok();
    let label = path_label(&locked, doc.as_ref());
    Some(match &lesson.why_locked {
        Some(why) => format!("本课锁定了「{label}」：{why}"),
        None => format!("本课锁定了「{label}」：这是题目给定的数，不能改，请改别的数字"),
    })
}
