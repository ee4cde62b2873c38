//! Finding last year's report (REVIEW.md, “Year over year”): `--previous FILE`, or a report
//! in the same folder with the same `report.unit` and `report.year − 1`. Shared by `check`,
//! the workbench and the review screen; the comparison itself is `rules::previous`.
//!
//! The folder is scanned cheaply — only each file's `[report]` table is read, not the whole
//! report checked — and once per folder for a `Finder`'s lifetime, however many of its files
//! are checked.

use crate::rules::Previous;
use crate::scheme::{self, SchemeSet};
use crate::store;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// What the search for last year's report found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// No report of the unit for the year before.
    Nothing,
    One(PathBuf),
    /// Several: none is taken (which one was submitted is not for the program to guess).
    Several(Vec<PathBuf>),
}

/// A report file's unit and year, as its `[report]` table states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    pub unit: String,
    pub year: u64,
}

impl Cover {
    /// A loaded report's unit (trimmed, possibly blank) and year; `None` when it does not
    /// state both.
    pub fn of(report: &crate::model::Report) -> Option<Cover> {
        Some(Cover {
            unit: report.report.unit.as_deref()?.trim().to_owned(),
            year: report.report.year.value()?,
        })
    }
}

/// Reads a report file's unit and year without loading the report: the `[report]` table
/// alone is parsed (the whole file only when the table is not written as one). `None` for
/// a file that cannot be read or does not state both.
pub fn read_cover(path: &Path) -> Option<Cover> {
    // The cover comes first in a report: its head is read, the whole file only when the
    // `[report]` table is not there whole.
    if let Some(head) = read_head(path)
        && let Some(section) = report_section(&head)
        && let Some(cover) = cover_in_section(&section)
    {
        return Some(cover);
    }
    let bytes = store::read_report_file(path).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    cover_of(text)
}

/// How much of a file `read_cover` reads first.
const HEAD_BYTES: u64 = 4 * 1024;

/// The first `HEAD_BYTES` of a regular file, up to its last whole line.
fn read_head(path: &Path) -> Option<String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    // Non-blocking: a pipe put in place of a report after the folder was listed is not waited on.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(HEAD_BYTES).read_to_end(&mut bytes).ok()?;
    let whole_lines = if bytes.len() as u64 == HEAD_BYTES {
        bytes.iter().rposition(|b| *b == b'\n')?
    } else {
        bytes.len()
    };
    bytes.truncate(whole_lines);
    String::from_utf8(bytes).ok()
}

/// The cover in the text of a `[report]` table, when it is followed by another table (so
/// that the whole table is there) and states both.
fn cover_in_section(section: &Section) -> Option<Cover> {
    if !section.closed {
        return None;
    }
    cover_from(&section.text.parse::<toml::Table>().ok()?)
}

fn cover_from(table: &toml::Table) -> Option<Cover> {
    let unit = table.get("unit")?.as_str()?.trim().to_owned();
    let year = u64::try_from(table.get("year")?.as_integer()?).ok()?;
    (!unit.is_empty()).then_some(Cover { unit, year })
}

/// `read_cover` on a text.
pub fn cover_of(text: &str) -> Option<Cover> {
    if let Some(section) = report_section(text)
        && let Ok(table) = section.text.parse::<toml::Table>()
        && let Some(cover) = cover_from(&table)
    {
        return Some(cover);
    }
    let whole: toml::Table = text.parse().ok()?;
    cover_from(whole.get("report")?.as_table()?)
}

/// The `[report]` table's lines.
struct Section {
    text: String,
    /// Whether another table header follows it (else the text may end inside it).
    closed: bool,
}

/// The lines of the `[report]` table, up to the next table header.
fn report_section(text: &str) -> Option<Section> {
    let mut lines = text.lines();
    lines.find(|l| {
        let l = l.trim();
        l.strip_prefix("[report]")
            .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with('#'))
    })?;
    let mut body = Vec::new();
    let mut closed = false;
    for line in lines {
        if line.trim_start().starts_with('[') {
            closed = true;
            break;
        }
        body.push(line);
    }
    Some(Section {
        text: body.join("\n"),
        closed,
    })
}

/// Loads a report to compare with: `Err` says in one sentence why it cannot be used.
pub fn load_previous(path: &Path, schemes: &SchemeSet) -> Result<Previous, String> {
    let name = path.display().to_string();
    let bytes = store::read_report_file(path).map_err(|e| e.to_string())?;
    match scheme::inspect(bytes, schemes) {
        Ok(loaded) => Ok(Previous {
            file: name,
            report: loaded.report,
        }),
        Err(failure) => {
            let why = failure
                .findings
                .iter()
                .find(|f| f.severity == crate::finding::Severity::Error)
                .map(|f| format!("{}[{}] {}", f.severity, f.rule, f.message))
                .unwrap_or_default();
            Err(format!("{name}：无法载入（{why}）"))
        }
    }
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(file: &Path) -> PathBuf {
    file.parent()
        .map_or_else(|| PathBuf::from("."), folder_or_dot)
}

/// A file's parent as a folder: `.` for the empty parent of a bare name, resolved where it
/// can be (so that `a/x.toml` and `./a/y.toml` are beside each other).
pub fn folder_or_dot(parent: &Path) -> PathBuf {
    let folder = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    folder
        .canonicalize()
        .unwrap_or_else(|_| folder.to_path_buf())
}

/// A folder's report files with their covers.
type Covers = Vec<(PathBuf, Cover)>;

/// The `*.toml` files of a folder with their covers, sorted by name.
fn scan(folder: &Path) -> Covers {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    // Read on every core: a folder of 500 reports is 500 opens and reads.
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, files.len().div_ceil(32).max(1));
    let chunk = files.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .filter_map(|p| read_cover(p).map(|c| (p.clone(), c)))
                        .collect::<Covers>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a cover reader panicked"))
            .collect()
    })
}

/// Finds and loads previous reports, remembering each folder's covers and each report
/// loaded: checking a folder of 120 reports reads each cover once. Safe to share between
/// the threads of `check`.
#[derive(Default)]
pub struct Finder {
    folders: Mutex<HashMap<PathBuf, Arc<OnceLock<Covers>>>>,
    loaded: Mutex<HashMap<PathBuf, Result<Arc<Previous>, String>>>,
}

impl Finder {
    pub fn new() -> Finder {
        Finder::default()
    }

    /// Last year's report of `cover`'s unit beside `file`.
    pub fn find(&self, file: &Path, cover: &Cover) -> Found {
        let Some(year) = cover.year.checked_sub(1) else {
            return Found::Nothing;
        };
        let folder = folder_of(file);
        // One scan per folder: a second thread asking meanwhile waits for the first's.
        let slot = self
            .folders
            .lock()
            .expect("finder lock")
            .entry(folder.clone())
            .or_default()
            .clone();
        let covers = slot.get_or_init(|| scan(&folder));
        // Named as the file was: `examples/x.toml` beside `examples/y.toml`.
        let shown = file.parent().unwrap_or(Path::new(""));
        let mut found: Vec<PathBuf> = covers
            .iter()
            .filter(|(p, c)| c.year == year && c.unit == cover.unit.trim() && !same_file(p, file))
            .map(|(p, _)| p.file_name().map_or_else(|| p.clone(), |n| shown.join(n)))
            .collect();
        match found.len() {
            0 => Found::Nothing,
            1 => Found::One(found.remove(0)),
            _ => Found::Several(found),
        }
    }

    /// A previous report, loaded once however many files it precedes.
    pub fn load(&self, path: &Path, schemes: &SchemeSet) -> Result<Arc<Previous>, String> {
        if let Some(done) = self.loaded.lock().expect("finder lock").get(path) {
            return done.clone();
        }
        let result = load_previous(path, schemes).map(Arc::new);
        self.loaded
            .lock()
            .expect("finder lock")
            .entry(path.to_path_buf())
            .or_insert(result)
            .clone()
    }
}

/// Why last year's report was not compared: a short marker for a table's cell
/// (`上年报告有 2 份，未比对`) and the sentence for stderr or a status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCompared {
    pub marker: String,
    pub sentence: String,
    /// The sentence without the file's name in front (for a screen that shows the file).
    pub reason: String,
}

/// Last year's report for a file of `cover`: `given` (`--previous`) when it is of the year
/// before, else the one found beside the file; with the sentence to say when none could be
/// taken (several found, or the one found does not load).
pub fn previous_for(
    path: &Path,
    cover: &Cover,
    given: Option<&(PathBuf, Arc<Previous>)>,
    finder: &Finder,
    schemes: &SchemeSet,
) -> (Option<Arc<Previous>>, Option<String>) {
    let (previous, note) = previous_or_why(path, cover, given, finder, schemes);
    (previous, note.map(|n| n.sentence))
}

/// `previous_for`, saying why not in both forms.
pub fn previous_or_why(
    path: &Path,
    cover: &Cover,
    given: Option<&(PathBuf, Arc<Previous>)>,
    finder: &Finder,
    schemes: &SchemeSet,
) -> (Option<Arc<Previous>>, Option<NotCompared>) {
    if let Some((given_path, previous)) = given
        && previous.report.report.year.value() == cover.year.checked_sub(1)
        && !same_file(given_path, path)
    {
        return (Some(previous.clone()), None);
    }
    match finder.find(path, cover) {
        Found::Nothing => (None, None),
        Found::Several(found) => {
            let sentence = several_note(path, cover, &found);
            let reason = sentence
                .strip_prefix(&format!("{}：", path.display()))
                .unwrap_or(&sentence)
                .to_owned();
            let marker = format!("上年报告有 {} 份，未比对", found.len());
            (
                None,
                Some(NotCompared {
                    marker,
                    sentence,
                    reason,
                }),
            )
        }
        Found::One(found) => match finder.load(&found, schemes) {
            Ok(previous) => (Some(previous), None),
            Err(why) => (
                None,
                Some(NotCompared {
                    marker: "上年报告不能载入，未比对".to_owned(),
                    sentence: format!("{}：上年报告不能比对：{why}", path.display()),
                    reason: format!("上年报告不能比对：{why}"),
                }),
            ),
        },
    }
}

/// Last year's report beside a report being opened (the workbench, once per file).
pub fn beside(
    path: &Path,
    report: &crate::model::Report,
    schemes: &SchemeSet,
) -> (Option<Arc<Previous>>, Option<String>) {
    let Some(cover) = Cover::of(report).filter(|c| !c.unit.is_empty()) else {
        return (None, None);
    };
    previous_for(path, &cover, None, &Finder::new(), schemes)
}

/// Whether two paths name the same file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// What `Found::Several` means for the person checking: one sentence, file names included.
pub fn several_note(file: &Path, cover: &Cover, found: &[PathBuf]) -> String {
    let names: Vec<String> = found.iter().map(|p| p.display().to_string()).collect();
    format!(
        "{}：同一文件夹中有 {} 份“{}”{} 年度的报告（{}），未自动与上年比对；请用 --previous 指定一份",
        file.display(),
        found.len(),
        cover.unit,
        cover.year.saturating_sub(1),
        names.join("、")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n";

    #[test]
    fn the_cover_is_read_from_the_report_table() {
        let text = format!(
            "{HEAD}\n[report] # 封面\ntitle = \"x\"\nunit = \" 某局 \"\nyear = 2023\n\n[basic]\nfunctions = [\"[x]\"]\n"
        );
        assert_eq!(
            cover_of(&text),
            Some(Cover {
                unit: "某局".into(),
                year: 2023
            })
        );
        // Written as dotted keys: the whole file is read.
        let dotted = format!("{HEAD}report.unit = \"某局\"\nreport.year = 2024\n");
        assert_eq!(cover_of(&dotted).map(|c| c.year), Some(2024));
        assert_eq!(
            cover_of(&format!("{HEAD}[report]\nunit = \"某局\"\n")),
            None
        );
        assert_eq!(cover_of("not toml ["), None);
    }

    #[test]
    fn a_pipe_among_the_reports_is_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("pipe.toml");
        let c = std::ffi::CString::new(pipe.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(read_head(&pipe), None, "opened without blocking, refused");
        let now = dir.path().join("2024.toml");
        std::fs::write(
            &now,
            format!("{HEAD}[report]\nunit = \"甲局\"\nyear = 2024\n"),
        )
        .unwrap();
        let cover = read_cover(&now).unwrap();
        assert_eq!(Finder::new().find(&now, &cover), Found::Nothing);
    }

    #[test]
    fn a_cover_after_a_long_head_is_read_from_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.toml");
        let filler = "# 注释\n".repeat(4000);
        std::fs::write(
            &path,
            format!("{HEAD}{filler}[report]\nunit = \"某局\"\nyear = 2023\n\n[basic]\n"),
        )
        .unwrap();
        assert_eq!(read_cover(&path).map(|c| c.year), Some(2023));
        // The table cut by the head's end is not taken as whole.
        let path = dir.path().join("cut.toml");
        let pad = "x".repeat(HEAD_BYTES as usize - 120);
        std::fs::write(
            &path,
            format!("{HEAD}[report]\ntitle = \"{pad}\"\nunit = \"某局\"\nyear = 2023\n[basic]\n"),
        )
        .unwrap();
        assert_eq!(read_cover(&path).map(|c| c.unit), Some("某局".to_owned()));
    }

    #[test]
    fn the_previous_year_of_the_same_unit_only() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, unit: &str, year: u64| {
            let p = dir.path().join(name);
            std::fs::write(
                &p,
                format!("{HEAD}[report]\nunit = \"{unit}\"\nyear = {year}\n"),
            )
            .unwrap();
            p
        };
        let now = write("2024.toml", "甲局", 2024);
        let last = write("2023.toml", "甲局", 2023);
        write("other.toml", "乙局", 2023);
        let older = write("older.toml", "甲局", 2022);
        std::fs::write(dir.path().join("broken.toml"), "[report\n").unwrap();
        let finder = Finder::new();
        let cover = read_cover(&now).unwrap();
        assert_eq!(finder.find(&now, &cover), Found::One(last.clone()));
        // Cached: a file added later is not seen by the same finder, a new one sees it.
        let again = write("2023-b.toml", "甲局", 2023);
        assert_eq!(finder.find(&now, &cover), Found::One(last.clone()));
        assert_eq!(
            Finder::new().find(&now, &cover),
            Found::Several(vec![again, last.clone()])
        );
        let first = read_cover(&last).unwrap();
        assert_eq!(Finder::new().find(&last, &first), Found::One(older.clone()));
        let oldest = read_cover(&older).unwrap();
        assert_eq!(Finder::new().find(&older, &oldest), Found::Nothing);
    }
}
