//! The district review (REVIEW.md): every report in a folder, one row each, with the
//! district's counts and which rules fire in how many reports. No terminal here: the review
//! screen (`tui::review`), `jixiao review DIR --to …` and `jixiao check DIR --summary` are
//! front ends over these rows.
//!
//! A row is made from `check::check_file`, the one way a file's findings and totals are
//! had, so whatever `check` learns (new rules, options) the review shows too. Every text of
//! a row that comes from the file is made visible (`sanitize::visible_inline`) when the row
//! is made: the front ends can draw it as it is.

pub mod follow;
pub mod summary;
pub mod workbook;

use crate::check::{self, FileReport, Outcome};
use crate::finding::{Counts, Severity};
use crate::rules::totals::{INCOMPLETE_GRADE, NO_GRADE};
use crate::sanitize::visible_inline;
use crate::scheme::SchemeSet;
pub use crate::store::Stamp;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The grade column of a file that did not load.
pub const NOT_LOADED: &str = "无法载入";

/// The rule shown for a file that could not be read at all (not a regular file, over the
/// size limit, unreadable): X01, the file cannot be loaded (CLI.md: "cannot be read or
/// loaded (X01, …)"), so that the row reads `X01 …` and the rules pane counts it.
pub const UNREADABLE_RULE: &str = "X01";

/// How deep folders are followed (symlinked folders never are, so this only bounds a
/// pathological tree).
const MAX_DEPTH: usize = 32;

/// One finding of a report, as the review lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub rule: &'static str,
    pub severity: Severity,
    /// The key path (FORMAT.md's names), made visible.
    pub path: String,
    /// The line in the file (1-based).
    pub line: usize,
    /// The message, made visible.
    pub message: String,
}

/// One report of the folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The file, as found.
    pub file: PathBuf,
    /// Its name below the reviewed folder, made visible.
    pub name: String,
    /// `report.unit`, made visible; None when blank or the file did not load.
    pub unit: Option<String>,
    pub year: Option<u64>,
    pub scheme: Option<String>,
    /// The score and weight; None while nothing is scored or the file did not load.
    pub score: Option<Decimal>,
    pub weight: Option<Decimal>,
    /// The scheme's grade, `—（未完）` while the sheet is not complete (nothing scored
    /// included), `无法载入` for a file that did not load.
    pub grade: String,
    /// Whether the score sheet is complete (only then is the score graded).
    pub complete: bool,
    pub loaded: bool,
    pub counts: Counts,
    /// Every finding, in file order.
    pub problems: Vec<Problem>,
    /// The file's stamp when it was read (None when it could not be had).
    pub stamp: Option<Stamp>,
    /// Last year's report it was compared with (Y01, Y02), made visible.
    pub previous: Option<String>,
    /// Why last year's report was not compared, short (`上年报告有 2 份，未比对`), when one
    /// was there but could not be taken.
    pub not_compared: Option<String>,
    /// Why, as a sentence (for the status line), made visible.
    pub not_compared_reason: Option<String>,
}

impl Row {
    /// A row from `check`'s report on a file; `name` is what the review calls the file.
    pub fn from_report(report: &FileReport, name: &str, stamp: Option<Stamp>) -> Row {
        let mut row = Row {
            file: PathBuf::from(&report.file),
            name: visible_inline(name).into_owned(),
            unit: None,
            year: None,
            scheme: None,
            score: None,
            weight: None,
            grade: NOT_LOADED.to_owned(),
            complete: false,
            loaded: false,
            counts: Counts::default(),
            problems: Vec::new(),
            stamp,
            previous: None,
            not_compared: None,
            not_compared_reason: None,
        };
        let problems = |source: &crate::store::Source, findings: &[crate::finding::Finding]| {
            findings
                .iter()
                .map(|f| Problem {
                    rule: f.rule,
                    severity: f.severity,
                    path: visible_inline(&f.path.to_string()).into_owned(),
                    line: f.span.as_ref().map_or(1, |s| source.line_col(s.start).0),
                    message: visible_inline(&f.message).into_owned(),
                })
                .collect::<Vec<_>>()
        };
        match &report.outcome {
            Outcome::Checked {
                scheme,
                cover,
                source,
                findings,
                totals,
            } => {
                row.unit = cover
                    .unit
                    .as_deref()
                    .map(str::trim)
                    .filter(|u| !u.is_empty())
                    .map(|u| visible_inline(u).into_owned());
                row.year = cover.year;
                row.scheme = Some(visible_inline(scheme).into_owned());
                // Nothing scored yet: no figures to show (the 复核汇总表 leaves them empty).
                if totals.scored {
                    row.score = Some(totals.score);
                    row.weight = Some(totals.weight);
                }
                row.grade = totals.grade.clone();
                row.complete = totals.complete;
                row.loaded = true;
                row.problems = problems(source, findings);
                let visible = |t: &String| visible_inline(t).into_owned();
                row.previous = cover.previous.as_ref().map(visible);
                if let Some((marker, reason)) = &cover.not_compared {
                    row.not_compared = Some(visible(marker));
                    row.not_compared_reason = Some(visible(reason));
                }
            }
            Outcome::Failed { source, findings } => row.problems = problems(source, findings),
            Outcome::Unreadable(e) => {
                row.problems = vec![Problem {
                    rule: UNREADABLE_RULE,
                    severity: Severity::Error,
                    path: String::new(),
                    line: 1,
                    message: visible_inline(&e.to_string()).into_owned(),
                }]
            }
        }
        row.counts = count(&row.problems);
        row
    }

    /// Checks one file (through `check::check_file_with`, so last year's report beside it is
    /// compared as `check` compares it) into a row. `finder` remembers the folders already
    /// looked through for last year's reports. The stamp is taken before the file is read:
    /// a change made while it is read is seen by the next scan.
    pub fn check(
        path: &Path,
        root: &Path,
        schemes: &SchemeSet,
        options: &check::CheckOptions,
        finder: &crate::previous::Finder,
    ) -> Row {
        let stamp = Stamp::now(path);
        let report = check::check_file_with(path, schemes, options, finder);
        Row::from_report(&report, &name_below(path, root), stamp)
    }

    /// The unit, or the file's name when the report names none (or did not load).
    pub fn label(&self) -> &str {
        self.unit.as_deref().unwrap_or(&self.name)
    }

    /// The most serious finding: the first of the worst severity, in file order.
    pub fn worst(&self) -> Option<&Problem> {
        self.problems
            .iter()
            .enumerate()
            .min_by_key(|(i, p)| (p.severity, *i))
            .map(|(_, p)| p)
    }

    /// `94 / 97`, or `—` while nothing is scored or for a file that did not load.
    pub fn score_text(&self) -> String {
        match (self.score, self.weight) {
            (Some(s), Some(w)) => format!("{} / {}", s.normalize(), w.normalize()),
            _ => NO_GRADE.to_owned(),
        }
    }

    /// Whether the report's score counts in the district's mean: loaded and graded.
    pub fn graded(&self) -> bool {
        self.loaded && self.complete && self.grade != NO_GRADE && self.grade != INCOMPLETE_GRADE
    }
}

fn count(problems: &[Problem]) -> Counts {
    let mut counts = Counts::default();
    for p in problems {
        match p.severity {
            Severity::Error => counts.errors += 1,
            Severity::Warning => counts.warnings += 1,
            Severity::Info => counts.infos += 1,
        }
    }
    counts
}

/// What the review calls a file: its path below the reviewed folder.
pub fn name_below(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .ok()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The reviewed folder's own name (`reports` for `.` in `/x/reports`), if it has one.
pub fn folder_name(root: &Path) -> Option<String> {
    std::fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
}

/// Whether a name is one jixiao or an editor keeps beside a report, or hidden: a dot file
/// (`.FILE.jixiao-recover`, `.FILE.jixiao-lock`, temporary saves) is never a report.
fn hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// Every `*.toml` report under `root` (recursively, in path order) with its stamp. Hidden
/// files and folders are skipped, and so are the copies the store keeps (`FILE.bak`,
/// `FILE.theirs`, whose names do not end in `.toml`); symlinks are not followed, to folders
/// (they could lead out of the tree, or round in a circle) nor to files (a link in a folder
/// of reports could show any file of the machine, `/etc/passwd` included).
pub fn scan(root: &Path) -> Vec<(PathBuf, Stamp)> {
    let mut found = Vec::new();
    walk(root, 0, &mut found);
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

fn walk(dir: &Path, depth: usize, found: &mut Vec<(PathBuf, Stamp)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if hidden(&name) {
            continue;
        }
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            if depth < MAX_DEPTH {
                walk(&path, depth + 1, found);
            }
            continue;
        }
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        // A file gone meanwhile is not a report; a device or a fifo named *.toml is a row
        // that says why it is not read.
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if !meta.is_dir() => found.push((path, Stamp::of(&meta))),
            _ => {}
        }
    }
}

/// The files `check --summary` reports on: a folder as the review scans it (`scan`), a
/// file as given; each file once, in the order given.
pub fn files_of(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut seen = std::collections::HashSet::new();
    let mut files = Vec::new();
    for path in paths {
        let found: Vec<PathBuf> = if path.is_dir() {
            scan(path).into_iter().map(|(p, _)| p).collect()
        } else {
            vec![path.clone()]
        };
        for file in found {
            let key = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            if seen.insert(key) {
                files.push(file);
            }
        }
    }
    files
}

/// Checks files on every core (at least two workers when there are two files), handing
/// each row to `each` as soon as it is made.
pub fn check_rows(
    files: &[PathBuf],
    root: &Path,
    schemes: &SchemeSet,
    options: &check::CheckOptions,
    each: &(dyn Fn(Row) + Sync),
) {
    // One finder per round: each folder is looked through once for last year's reports,
    // and a round after files changed looks again.
    let finder = crate::previous::Finder::new();
    let finder = &finder;
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .max(2)
        .min(files.len());
    if workers <= 1 {
        for f in files {
            each(Row::check(f, root, schemes, options, finder));
        }
        return;
    }
    // Each worker takes the next file, so one large report does not hold up the rest.
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    each(Row::check(file, root, schemes, options, finder));
                }
            });
        }
    });
}

/// What a scan asks for: the files to check (new or changed) and the files gone.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Plan {
    pub check: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
}

/// Compares a scan with the stamps known: a file is checked again only when its
/// modification time, size or inode changed (a save by rename changes the inode).
pub fn plan(known: &HashMap<PathBuf, Option<Stamp>>, found: &[(PathBuf, Stamp)]) -> Plan {
    let check = found
        .iter()
        .filter(|(path, stamp)| known.get(path) != Some(&Some(*stamp)))
        .map(|(path, _)| path.clone())
        .collect();
    let present: std::collections::HashSet<&PathBuf> = found.iter().map(|(p, _)| p).collect();
    let mut removed: Vec<PathBuf> = known
        .keys()
        .filter(|p| !present.contains(p))
        .cloned()
        .collect();
    removed.sort();
    Plan { check, removed }
}

/// The rows of a folder, in path order.
#[derive(Debug, Clone)]
pub struct Review {
    pub root: PathBuf,
    pub rows: Vec<Row>,
}

impl Review {
    /// An empty review of `root` (rows come with `apply` or `rescan`).
    pub fn new(root: &Path) -> Review {
        Review {
            root: root.to_path_buf(),
            rows: Vec::new(),
        }
    }

    /// Scans and checks the whole folder.
    pub fn load(root: &Path, schemes: &SchemeSet) -> Review {
        let mut review = Review::new(root);
        review.rescan(schemes);
        review
    }

    /// The stamps of the rows, as the scan found them.
    pub fn stamps(&self) -> HashMap<PathBuf, Option<Stamp>> {
        self.rows
            .iter()
            .map(|r| (r.file.clone(), r.stamp))
            .collect()
    }

    /// Scans the folder again: checks only the files added or changed since, drops the rows
    /// of files gone. Returns what it did.
    pub fn rescan(&mut self, schemes: &SchemeSet) -> Plan {
        let found = scan(&self.root);
        let plan = plan(&self.stamps(), &found);
        let made = Mutex::new(Vec::new());
        check_rows(
            &plan.check,
            &self.root,
            schemes,
            &Default::default(),
            &|row| made.lock().expect("no worker panics holding it").push(row),
        );
        for row in made.into_inner().expect("the workers are done") {
            self.apply(row);
        }
        self.remove(&plan.removed);
        plan
    }

    /// Puts a row in, replacing the file's old one.
    pub fn apply(&mut self, row: Row) {
        match self.rows.binary_search_by(|r| r.file.cmp(&row.file)) {
            Ok(i) => self.rows[i] = row,
            Err(i) => self.rows.insert(i, row),
        }
    }

    /// Drops the rows of files gone.
    pub fn remove(&mut self, files: &[PathBuf]) {
        if files.is_empty() {
            return;
        }
        let gone: std::collections::HashSet<&PathBuf> = files.iter().collect();
        self.rows.retain(|r| !gone.contains(&r.file));
    }
}

/// The columns of the table, in the order they are shown (and `s` cycles them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Unit,
    Year,
    Scheme,
    Score,
    Grade,
    Errors,
    Warnings,
    Infos,
    Finding,
}

impl Column {
    pub const ALL: [Column; 9] = [
        Column::Unit,
        Column::Year,
        Column::Scheme,
        Column::Score,
        Column::Grade,
        Column::Errors,
        Column::Warnings,
        Column::Infos,
        Column::Finding,
    ];

    /// The column's heading.
    pub fn heading(self) -> &'static str {
        match self {
            Column::Unit => "单位",
            Column::Year => "年度",
            Column::Scheme => "方案",
            Column::Score => "自评分 / 权重",
            Column::Grade => "等级",
            Column::Errors => "✗",
            Column::Warnings => "▲",
            Column::Infos => "·",
            Column::Finding => "最严重的问题",
        }
    }

    /// What the column is called when sorting by it.
    pub fn name(self) -> &'static str {
        match self {
            Column::Unit => "单位",
            Column::Year => "年度",
            Column::Scheme => "方案",
            Column::Score => "自评分",
            Column::Grade => "等级",
            Column::Errors => "错误数",
            Column::Warnings => "警告数",
            Column::Infos => "提示数",
            Column::Finding => "最严重的问题",
        }
    }

    pub fn next(self) -> Column {
        let i = Column::ALL.iter().position(|c| *c == self).unwrap_or(0);
        Column::ALL[(i + 1) % Column::ALL.len()]
    }
}

/// How the rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Sort {
        Sort {
            column: Column::Unit,
            descending: false,
        }
    }
}

/// Where a grade sorts: the usual grades best first, then the others by name, then a sheet
/// not yet graded, then files that did not load.
fn grade_rank(grade: &str) -> (u8, &str) {
    match grade {
        "优" => (0, ""),
        "良" => (1, ""),
        "中" => (2, ""),
        "差" => (3, ""),
        INCOMPLETE_GRADE => (5, ""),
        NO_GRADE => (6, ""),
        NOT_LOADED => (7, ""),
        other => (4, other),
    }
}

/// Compares two rows by a column. A value that is missing (a file that did not load) sorts
/// last whichever the direction; ties go by unit, then by file.
pub fn compare(a: &Row, b: &Row, sort: Sort) -> Ordering {
    fn opt<T: Ord>(a: Option<T>, b: Option<T>, descending: bool) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => {
                let o = a.cmp(&b);
                if descending { o.reverse() } else { o }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    let d = sort.descending;
    let primary = match sort.column {
        Column::Unit => opt(Some(a.label()), Some(b.label()), d),
        Column::Year => opt(a.year, b.year, d),
        Column::Scheme => opt(a.scheme.as_deref(), b.scheme.as_deref(), d),
        Column::Score => opt(a.score, b.score, d),
        Column::Grade => opt(Some(grade_rank(&a.grade)), Some(grade_rank(&b.grade)), d),
        Column::Errors => opt(Some(a.counts.errors), Some(b.counts.errors), d),
        Column::Warnings => opt(Some(a.counts.warnings), Some(b.counts.warnings), d),
        Column::Infos => opt(Some(a.counts.infos), Some(b.counts.infos), d),
        Column::Finding => opt(
            a.worst().map(|p| (p.severity, p.rule)),
            b.worst().map(|p| (p.severity, p.rule)),
            d,
        ),
    };
    primary
        .then_with(|| a.label().cmp(b.label()))
        .then_with(|| a.file.cmp(&b.file))
}

/// Which rows are shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Part of the unit's name (or of the file's), any case; empty: every unit.
    pub unit: String,
    /// Only reports with at least one error.
    pub only_errors: bool,
    /// Only reports of this grade (as the grade column shows it).
    pub grade: Option<String>,
    /// Only reports where this rule fires.
    pub rule: Option<String>,
}

impl Filter {
    pub fn matches(&self, row: &Row) -> bool {
        if !self.unit.is_empty() {
            let needle = self.unit.to_lowercase();
            if !row.label().to_lowercase().contains(&needle)
                && !row.name.to_lowercase().contains(&needle)
            {
                return false;
            }
        }
        if self.only_errors && row.counts.errors == 0 {
            return false;
        }
        if self.grade.as_ref().is_some_and(|g| *g != row.grade) {
            return false;
        }
        if let Some(rule) = &self.rule
            && !row.problems.iter().any(|p| p.rule == rule)
        {
            return false;
        }
        true
    }

    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// The rows shown, as indices into `rows`: filtered, then sorted.
pub fn view(rows: &[Row], filter: &Filter, sort: Sort) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..rows.len())
        .filter(|&i| filter.matches(&rows[i]))
        .collect();
    shown.sort_by(|&a, &b| compare(&rows[a], &rows[b], sort));
    shown
}

/// The district's counts, for the header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct District {
    pub reports: usize,
    /// Reports with at least one error (files that did not load included).
    pub with_errors: usize,
    pub not_loaded: usize,
    /// How many reports have each grade, in grade order (`无法载入` included).
    pub grades: Vec<(String, usize)>,
    /// The mean score of the graded reports, to two decimals; None when none is graded.
    pub mean_score: Option<Decimal>,
    /// How many reports the mean is over.
    pub graded: usize,
}

pub fn district(rows: &[Row]) -> District {
    let mut grades: BTreeMap<(u8, String), usize> = BTreeMap::new();
    let mut total = Decimal::ZERO;
    let mut graded = 0usize;
    for row in rows {
        let (rank, _) = grade_rank(&row.grade);
        *grades.entry((rank, row.grade.clone())).or_default() += 1;
        if row.graded()
            && let Some(score) = row.score
        {
            total += score;
            graded += 1;
        }
    }
    District {
        reports: rows.len(),
        with_errors: rows.iter().filter(|r| r.counts.errors > 0).count(),
        not_loaded: rows.iter().filter(|r| !r.loaded).count(),
        grades: grades.into_iter().map(|((_, g), n)| (g, n)).collect(),
        mean_score: (graded > 0).then(|| (total / Decimal::from(graded)).round_dp(2).normalize()),
        graded,
    }
}

impl District {
    /// `502 份报告 · 有错误 480 · 优 500、良 2 · 平均分 93.8`.
    pub fn line(&self) -> String {
        let mut text = format!("{} 份报告 · 有错误 {}", self.reports, self.with_errors);
        if !self.grades.is_empty() {
            let grades: Vec<String> = self
                .grades
                .iter()
                .map(|(g, n)| format!("{g} {n}"))
                .collect();
            text.push_str(&format!(" · {}", grades.join("、")));
        }
        match self.mean_score {
            Some(mean) => text.push_str(&format!(" · 平均分 {mean}")),
            None => text.push_str(" · 平均分 —"),
        }
        text
    }
}

/// A rule that fires in the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleStat {
    pub rule: &'static str,
    /// The most serious severity it has in any report (a scheme may change severities).
    pub severity: Severity,
    /// How many reports it fires in.
    pub reports: usize,
    /// How many times in all.
    pub findings: usize,
}

impl RuleStat {
    /// `C07 · 23 份报告`.
    pub fn line(&self) -> String {
        format!("{} · {} 份报告", self.rule, self.reports)
    }

    /// The rule's title from the catalogue.
    pub fn title(&self) -> &'static str {
        crate::rules::catalog::find(self.rule).map_or("", |r| r.title)
    }
}

/// The rules that fire across the rows: errors first, then by how many reports, then by id.
pub fn rule_stats(rows: &[Row]) -> Vec<RuleStat> {
    let mut stats: HashMap<&'static str, RuleStat> = HashMap::new();
    for row in rows {
        let mut seen = std::collections::HashSet::new();
        for p in &row.problems {
            let stat = stats.entry(p.rule).or_insert(RuleStat {
                rule: p.rule,
                severity: p.severity,
                reports: 0,
                findings: 0,
            });
            stat.severity = stat.severity.min(p.severity);
            stat.findings += 1;
            if seen.insert(p.rule) {
                stat.reports += 1;
            }
        }
    }
    let mut stats: Vec<RuleStat> = stats.into_values().collect();
    stats.sort_by(|a, b| {
        (a.severity, std::cmp::Reverse(a.reports), a.rule).cmp(&(
            b.severity,
            std::cmp::Reverse(b.reports),
            b.rule,
        ))
    });
    stats
}

#[cfg(test)]
mod tests;
