//! The `check` command: checks files and folders, and reports as text (with the source line
//! and a caret) or JSON.

use crate::finding::{Counts, Finding, Severity};
use crate::previous::{Cover, Finder, previous_or_why};
use crate::rules::{self, Previous, RuleOptions, Totals};
use crate::sanitize::visible_inline;
use crate::scheme::{self, SchemeSet};
use crate::store::{self, ReadError, Source};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use unicode_width::UnicodeWidthStr;

/// The outcome of checking one file.
#[derive(Debug)]
pub struct FileReport {
    pub file: String,
    pub outcome: Outcome,
}

/// What `check` is asked for beyond the files: `--complete`, `--previous FILE`.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub complete: bool,
    /// `--previous FILE` (as given) and the report loaded from it: last year's report for
    /// every checked file of the year after it (other files look beside themselves).
    pub previous: Option<(PathBuf, Arc<Previous>)>,
}

#[derive(Debug)]
pub enum Outcome {
    /// Loaded and checked.
    Checked {
        scheme: String,
        source: Source,
        findings: Vec<Finding>,
        totals: Box<Totals>,
        /// `report.unit`, `report.year`, and last year's report it was compared with.
        cover: Box<CheckedCover>,
    },
    /// Did not load: X01, X02, X05, X06 (and the notes found so far).
    Failed {
        source: Source,
        findings: Vec<Finding>,
    },
    /// Could not be read at all.
    Unreadable(ReadError),
}

/// What `check` tells about a loaded report besides its findings.
#[derive(Debug, Clone, Default)]
pub struct CheckedCover {
    /// `report.unit` and `report.year` as the report states them.
    pub unit: Option<String>,
    pub year: Option<u64>,
    /// Last year's report it was compared with (Y01, Y02), as named in their messages.
    pub previous: Option<String>,
    /// Why last year's report was not compared, short (`上年报告有 2 份，未比对`) and as a
    /// sentence without the file's name, when one was there but could not be taken; the
    /// whole sentence is in `notes`.
    pub not_compared: Option<(String, String)>,
    /// Sentences for stderr that are not findings (last year's report ambiguous or
    /// unreadable).
    pub notes: Vec<String>,
}

impl FileReport {
    /// The unit, year and previous report of a report that loaded.
    pub fn cover(&self) -> Option<&CheckedCover> {
        match &self.outcome {
            Outcome::Checked { cover, .. } => Some(cover),
            _ => None,
        }
    }

    pub fn counts(&self) -> Counts {
        match &self.outcome {
            Outcome::Checked { findings, .. } | Outcome::Failed { findings, .. } => {
                Counts::of(findings)
            }
            Outcome::Unreadable(_) => Counts::default(),
        }
    }

    pub fn loaded(&self) -> bool {
        matches!(self.outcome, Outcome::Checked { .. })
    }
}

/// Expands the command line: a folder means every `*.toml` in it (sorted), symlinks left
/// out (a link in a folder could name any file of the machine); a file named on the
/// command line is checked as named, link or not.
pub fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(path)
                .map(|entries| {
                    entries
                        .filter_map(|e| e.ok())
                        .filter(|e| e.file_type().is_ok_and(|t| !t.is_symlink() && !t.is_dir()))
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                        .collect()
                })
                .unwrap_or_default();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(path.clone());
        }
    }
    files
}

/// Checks one file, looking for last year's report beside it.
pub fn check_file(path: &Path, schemes: &SchemeSet) -> FileReport {
    check_file_with(path, schemes, &CheckOptions::default(), &Finder::new())
}

/// Checks one file with options; `finder` remembers the folders already scanned.
pub fn check_file_with(
    path: &Path,
    schemes: &SchemeSet,
    options: &CheckOptions,
    finder: &Finder,
) -> FileReport {
    let file = path.display().to_string();
    let bytes = match store::read_report_file(path) {
        Ok(b) => b,
        Err(e) => {
            return FileReport {
                file,
                outcome: Outcome::Unreadable(e),
            };
        }
    };
    let loaded = match scheme::inspect(bytes, schemes) {
        Ok(loaded) => loaded,
        Err(failure) => {
            let outcome = Outcome::Failed {
                source: failure.source,
                findings: failure.findings,
            };
            return FileReport { file, outcome };
        }
    };
    let scheme = rules::scheme_of(&loaded, schemes);
    let cover = &loaded.report.report;
    let (unit, year) = (cover.unit.clone(), cover.year.value());
    let (previous, note) = match Cover::of(&loaded.report) {
        Some(cover) => previous_or_why(path, &cover, options.previous.as_ref(), finder, schemes),
        None => (None, None),
    };
    let rule_options = RuleOptions {
        complete: options.complete,
        previous: previous.as_deref(),
    };
    let (findings, totals) = rules::analyze_with(&loaded, scheme, rule_options);
    let cover = CheckedCover {
        unit,
        year,
        previous: previous.map(|p| p.file.clone()),
        not_compared: note.as_ref().map(|n| (n.marker.clone(), n.reason.clone())),
        notes: note.into_iter().map(|n| n.sentence).collect(),
    };
    let outcome = Outcome::Checked {
        scheme: scheme.id.clone(),
        source: loaded.source,
        findings,
        totals: Box::new(totals),
        cover: Box::new(cover),
    };
    FileReport { file, outcome }
}

/// Checks many files, on every core, keeping their order.
pub fn check_files(paths: &[PathBuf], schemes: &SchemeSet) -> Vec<FileReport> {
    check_files_with(paths, schemes, &CheckOptions::default())
}

/// `check_files` with options. Each folder is scanned for last year's reports once.
pub fn check_files_with(
    paths: &[PathBuf],
    schemes: &SchemeSet,
    options: &CheckOptions,
) -> Vec<FileReport> {
    let finder = Finder::new();
    let check_file = |p: &Path, schemes: &SchemeSet| check_file_with(p, schemes, options, &finder);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(paths.len().max(1));
    if workers <= 1 {
        return paths.iter().map(|p| check_file(p, schemes)).collect();
    }
    // Each worker takes the next unchecked file, so one large report does not leave the
    // other core idle the way fixed halves of the list would.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, FileReport)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let next = &next;
                let check_file = &check_file;
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(path) = paths.get(i) else { break };
                        mine.push((i, check_file(path, schemes)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a check worker panicked"))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, report)| report).collect()
}

/// The sentence to say when `--previous FILE` preceded none of the files checked (its
/// year + 1 is no checked report's year).
pub fn previous_unused(options: &CheckOptions, reports: &[FileReport]) -> Option<String> {
    let (path, previous) = options.previous.as_ref()?;
    let shown = previous.file.as_str();
    if reports
        .iter()
        .any(|r| r.cover().and_then(|c| c.previous.as_deref()) == Some(shown))
    {
        return None;
    }
    let year = previous.report.report.year.value()?;
    Some(
        visible_inline(&format!(
            "--previous {}：其年度为 {year}，所查文件中没有与它比对的报告（{} 年度），未作逐年核对",
            path.display(),
            year + 1
        ))
        .into_owned(),
    )
}

/// The exit status of `check`: 2 when a file could not be loaded, 1 when one has an error
/// (or a warning, with `--deny warnings`), else 0.
pub fn exit_code(reports: &[FileReport], deny_warnings: bool) -> i32 {
    if reports.iter().any(|r| !r.loaded()) {
        return 2;
    }
    let failing = reports.iter().any(|r| {
        let c = r.counts();
        c.errors > 0 || (deny_warnings && c.warnings > 0)
    });
    i32::from(failing)
}

/// Colours for the text report.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    pub color: bool,
}

impl Palette {
    fn paint(&self, style: anstyle::Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }

    fn severity(&self, severity: Severity, text: &str) -> String {
        use anstyle::{AnsiColor, Style};
        let color = match severity {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Info => AnsiColor::Cyan,
        };
        self.paint(Style::new().bold().fg_color(Some(color.into())), text)
    }

    fn dim(&self, text: &str) -> String {
        self.paint(
            anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Blue.into())),
            text,
        )
    }
}

/// `总分 94 / 权重 97 · 优 · 5 个错误，8 个警告，8 条提示`.
pub fn summary_line(totals: &Totals) -> String {
    format!(
        "总分 {} / 权重 {} · {} · {}",
        totals.score,
        totals.weight,
        totals.grade,
        counts_zh(totals.counts)
    )
}

/// `5 个错误，8 个警告，8 条提示`: the findings counted by severity, in Chinese.
pub fn counts_zh(counts: Counts) -> String {
    format!(
        "{} 个错误，{} 个警告，{} 条提示",
        counts.errors, counts.warnings, counts.infos
    )
}

/// The text report: one line per finding with its source line and caret, then a summary.
pub fn render_text(reports: &[FileReport], palette: Palette) -> String {
    let mut out = Vec::new();
    write_text(reports, palette, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the report is text")
}

/// The text report, written out finding by finding (a million findings are never held as
/// one string).
pub fn write_text(
    reports: &[FileReport],
    palette: Palette,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut buf = String::new();
    let many = reports.len() > 1;
    for report in reports {
        let file = visible_inline(&report.file);
        match &report.outcome {
            // Said on stderr by `write_refusals`.
            Outcome::Unreadable(_) => {}
            Outcome::Checked {
                source,
                findings,
                totals,
                ..
            } => {
                for f in findings {
                    buf.clear();
                    render_finding(&mut buf, &file, source, f, palette);
                    out.write_all(buf.as_bytes())?;
                }
                let summary = summary_line(totals);
                if many {
                    writeln!(out, "{file}: {summary}")?;
                } else {
                    writeln!(out, "{summary}")?;
                }
            }
            Outcome::Failed { source, findings } => {
                for f in findings {
                    buf.clear();
                    render_finding(&mut buf, &file, source, f, palette);
                    out.write_all(buf.as_bytes())?;
                }
                let errors = Counts::of(findings).errors;
                writeln!(out, "{file}: 无法载入（{errors} 个错误），未检查")?;
            }
        }
    }
    Ok(())
}

/// The files that could not be read at all, one plain sentence each (for stderr), and the
/// notes on last year's report.
pub fn write_refusals(reports: &[FileReport], out: &mut dyn std::io::Write) {
    for report in reports {
        if let Outcome::Unreadable(e) = &report.outcome {
            let _ = writeln!(out, "{}", visible_inline(&e.to_string()));
        }
        for note in report.cover().map_or(&[][..], |c| &c.notes) {
            let _ = writeln!(out, "{}", visible_inline(note));
        }
    }
}

const MAX_SHOWN_WIDTH: usize = 100;

/// How many characters on either side of a mark (and of the mark) are looked at: more
/// than fit in `MAX_SHOWN_WIDTH` columns, so a shown line is the same as if the whole line
/// had been measured, while a line of hundreds of kilobytes costs no more per finding than
/// a short one.
const SCAN_CHARS: usize = 160;

fn render_finding(out: &mut String, file: &str, source: &Source, f: &Finding, palette: Palette) {
    let (line, col) = f.span.as_ref().map_or((1, 1), |s| source.line_col(s.start));
    let head = palette.severity(f.severity, &format!("{}[{}]", f.severity, f.rule));
    let _ = writeln!(
        out,
        "{file}:{line}:{col}: {head} {}",
        visible_inline(&f.message)
    );
    if f.severity == Severity::Info {
        return;
    }
    let Some(span) = &f.span else { return };
    let (text, line_start) = source.line_at(span.start);
    let start = (span.start - line_start).min(text.len());
    let end = span.end.saturating_sub(line_start).clamp(start, text.len());
    let (start, end) = (floor_char(text, start), floor_char(text, end));
    let (before, more_before) = last_chars(&text[..start], SCAN_CHARS);
    let (marked, more_marked) = first_chars(&text[start..end], SCAN_CHARS);
    let (after, more_after) = first_chars(&text[end..], SCAN_CHARS);
    let before = visible_inline(before).into_owned();
    let marked = visible_inline(marked).into_owned();
    let after = visible_inline(after).into_owned();
    // Keep very long lines readable: a window around the mark.
    let whole = before.width() + marked.width() + after.width();
    let long = whole > MAX_SHOWN_WIDTH || more_before || more_marked || more_after;
    let (before, cut_left) = if long {
        tail_within(&before, 40, more_before)
    } else {
        (before, false)
    };
    let marked_width = marked.width().clamp(1, MAX_SHOWN_WIDTH);
    let (marked, _) = head_within(&marked, MAX_SHOWN_WIDTH, more_marked);
    let room = MAX_SHOWN_WIDTH.saturating_sub(before.width() + marked.width());
    let (after, _) = head_within(&after, room, more_after);
    let gutter = line.to_string();
    let pad = " ".repeat(gutter.len());
    let ellipsis = if cut_left { "…" } else { "" };
    let _ = writeln!(out, "{pad} {}", palette.dim("|"));
    let _ = writeln!(
        out,
        "{} {} {ellipsis}{before}{marked}{after}",
        palette.dim(&gutter),
        palette.dim("|")
    );
    let caret_pad = " ".repeat(ellipsis.width() + before.width());
    let carets = palette.severity(f.severity, &"^".repeat(marked_width));
    let _ = writeln!(out, "{pad} {} {caret_pad}{carets}", palette.dim("|"));
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// At most `n` characters from the end of `text`, and whether there were more.
fn last_chars(text: &str, n: usize) -> (&str, bool) {
    match text.char_indices().rev().nth(n.saturating_sub(1)) {
        Some((i, _)) if i > 0 => (&text[i..], true),
        _ => (text, false),
    }
}

/// At most `n` characters from the start of `text`, and whether there were more.
fn first_chars(text: &str, n: usize) -> (&str, bool) {
    match text.char_indices().nth(n) {
        Some((i, _)) => (&text[..i], true),
        None => (text, false),
    }
}

/// The end of `text` that fits in `width` columns, and whether something was cut (or
/// `cut`: the text was already the end of a longer one).
fn tail_within(text: &str, width: usize, cut: bool) -> (String, bool) {
    if text.width() <= width {
        return (text.to_owned(), cut);
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        kept.push(c);
    }
    (kept.into_iter().rev().collect(), true)
}

/// The start of `text` that fits in `width` columns (with `…` when cut, or when `cut`: the
/// text was already the start of a longer one).
fn head_within(text: &str, width: usize, cut: bool) -> (String, bool) {
    if !cut && text.width() <= width {
        return (text.to_owned(), false);
    }
    let mut kept = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        kept.push(c);
    }
    kept.push('…');
    (kept, true)
}

#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    path: String,
    line: usize,
    column: usize,
    message: String,
}

/// A file's findings, turned into JSON one at a time as they are written.
struct JsonFindings<'a> {
    source: Option<&'a Source>,
    findings: &'a [Finding],
}

impl serde::Serialize for JsonFindings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.findings.iter().map(|f| {
            let (line, column) = match (&f.span, self.source) {
                (Some(s), Some(source)) => source.line_col(s.start),
                _ => (1, 1),
            };
            JsonFinding {
                rule: f.rule,
                severity: f.severity,
                path: visible_inline(&f.path.to_string()).into_owned(),
                line,
                column,
                message: visible_inline(&f.message).into_owned(),
            }
        }))
    }
}

#[derive(serde::Serialize)]
struct JsonTotals {
    score: String,
    weight: String,
    /// The scheme's grade; `null` while there is none: nothing scored, or the sheet not
    /// complete (`complete: false`; the text report shows `—（未完）`).
    grade: Option<String>,
    /// Whether the sheet's groups and weights are all there (`rules::totals::is_complete`).
    complete: bool,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(serde::Serialize)]
struct JsonFile<'a> {
    file: String,
    scheme: Option<&'a str>,
    unit: Option<String>,
    year: Option<u64>,
    /// Last year's report compared with (Y01, Y02), or null.
    previous: Option<String>,
    findings: JsonFindings<'a>,
    totals: Option<JsonTotals>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The JSON report: one object per file. Strings from files are escaped by JSON itself.
pub fn render_json(reports: &[FileReport]) -> String {
    let mut out = Vec::new();
    write_json(reports, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("JSON is text")
}

/// The JSON report, written out finding by finding (without a final line break).
pub fn write_json(reports: &[FileReport], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let files: Vec<JsonFile> = reports
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Checked {
                scheme,
                source,
                findings,
                totals,
                cover,
            } => {
                let counts = totals.counts;
                JsonFile {
                    file: visible_inline(&r.file).into_owned(),
                    scheme: Some(scheme.as_str()),
                    unit: cover
                        .unit
                        .as_deref()
                        .map(|u| visible_inline(u).into_owned()),
                    year: cover.year,
                    previous: cover
                        .previous
                        .as_deref()
                        .map(|p| visible_inline(p).into_owned()),
                    findings: JsonFindings {
                        source: Some(source),
                        findings,
                    },
                    totals: Some(JsonTotals {
                        score: totals.score.to_string(),
                        weight: totals.weight.to_string(),
                        grade: totals.complete.then(|| totals.grade.clone()),
                        complete: totals.complete,
                        errors: counts.errors,
                        warnings: counts.warnings,
                        infos: counts.infos,
                    }),
                    error: None,
                }
            }
            Outcome::Failed { source, findings } => JsonFile {
                file: visible_inline(&r.file).into_owned(),
                scheme: None,
                unit: None,
                year: None,
                previous: None,
                findings: JsonFindings {
                    source: Some(source),
                    findings,
                },
                totals: None,
                error: Some("无法载入".to_owned()),
            },
            Outcome::Unreadable(e) => JsonFile {
                file: visible_inline(&r.file).into_owned(),
                scheme: None,
                unit: None,
                year: None,
                previous: None,
                findings: JsonFindings {
                    source: None,
                    findings: &[],
                },
                totals: None,
                error: Some(visible_inline(&e.to_string()).into_owned()),
            },
        })
        .collect();
    serde_json::to_writer_pretty(out, &files).map_err(std::io::Error::from)
}
