//! Reading a report: TOML text → typed model, with every error at once and a span for every value.

mod limits;
mod locations;
mod parse;
mod reader;
mod required;
mod reread;
mod sections;
#[cfg(test)]
mod tests;

pub use locations::Locations;
pub(super) use parse::Parsed;
pub use required::SchemeKey;
pub use reread::{Changed, reread};

use super::source::Source;
use crate::finding::{Finding, Severity};
use crate::model::*;
use limits::too_complex;
use parse::{parse_document, read_tree, translate_parse_error};
use reader::Reader;
use std::ops::Range;
use std::path::Path;

/// The largest report file jixiao opens.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A report that loaded.
#[derive(Debug)]
pub struct Loaded {
    pub report: Report,
    pub source: Source,
    pub locations: Locations,
    /// Warnings found while reading (X03 unknown keys, X04 amounts with more than two decimals).
    pub notes: Vec<Finding>,
    /// The `scheme` key as found, for the scheme check above the store.
    pub scheme_key: SchemeKey,
    /// The TOML as parsed: for a report loaded to edit, handed on to the editor
    /// (`Document::from_loaded`) so that opening a report parses it once, not twice; None
    /// once taken.
    pub(super) parsed: Option<Parsed>,
}

/// A report that did not load: every X01, X02, X05 and X06 at once (plus the notes so far).
#[derive(Debug, Clone)]
pub struct LoadFailure {
    pub source: Source,
    pub findings: Vec<Finding>,
    /// The `scheme` key as found (`Unread` when the file was refused before it was read),
    /// for the scheme check above the store; boxed, to keep a failure small.
    pub scheme_key: Box<SchemeKey>,
}

impl LoadFailure {
    /// A failure refused before the report is read (X01).
    fn refused(source: Source, finding: Finding) -> LoadFailure {
        LoadFailure {
            source,
            findings: vec![finding],
            scheme_key: Box::default(),
        }
    }

    /// A failure with these errors and notes, in the order of the file; at the same place,
    /// errors first, each in the order it was found.
    fn new(
        source: Source,
        errors: Vec<Finding>,
        notes: Vec<Finding>,
        scheme_key: SchemeKey,
    ) -> LoadFailure {
        let mut findings = errors;
        findings.extend(notes);
        findings.sort_by_key(start);
        LoadFailure {
            source,
            findings,
            scheme_key: Box::new(scheme_key),
        }
    }

    /// Adds an error found above the store about what the report's top names (the scheme
    /// check's X05 and X06) where the loader would have put it: in the order of the file, and
    /// at the same place (the start of a file that has neither `schema` nor `scheme`) after
    /// the loader's own error on `schema`, which is checked first, and before the rest.
    pub fn add_error(&mut self, error: Finding) {
        let schema = FieldPath::root().key("schema");
        let at = self.findings.partition_point(|f| {
            start(f) < start(&error)
                || (start(f) == start(&error) && f.severity == Severity::Error && f.path == schema)
        });
        self.findings.insert(at, error);
    }
}

impl Loaded {
    /// The report refused after all, for an error found above the store (the scheme check):
    /// that error and the notes, in the order a failure lists them.
    pub fn refuse(self, error: Finding) -> LoadFailure {
        LoadFailure::new(self.source, vec![error], self.notes, self.scheme_key)
    }
}

/// Where a finding starts, which orders a failure's findings.
fn start(finding: &Finding) -> Option<usize> {
    finding.span.as_ref().map(|s| s.start)
}

/// A file that cannot even be read as a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("{0}：文件不存在")]
    Missing(String),
    #[error("{0}：这是一个文件夹，不是报告文件")]
    Folder(String),
    #[error("{0}：不是普通文件（设备、管道或套接字），拒绝打开")]
    NotAFile(String),
    #[error("{0}：文件有 {1} 字节，超过 16 MiB 的上限，拒绝打开")]
    TooLarge(String, u64),
    #[error("{0}：无法读取（{1}）")]
    Io(String, String),
}

/// Reads a report file's bytes after refusing folders, devices, missing and oversized files.
pub fn read_report_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::Missing(name.clone()),
        _ => ReadError::Io(name.clone(), e.to_string()),
    })?;
    if meta.is_dir() {
        return Err(ReadError::Folder(name));
    }
    if !meta.is_file() {
        return Err(ReadError::NotAFile(name));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(name, meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| ReadError::Io(name.clone(), e.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(name, bytes.len() as u64));
    }
    Ok(bytes)
}

/// Loads a report from bytes. The scheme it names is not checked here: `scheme::load` does.
pub fn load(bytes: &[u8]) -> Result<Loaded, LoadFailure> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
            let source = Source::new(&valid);
            let finding = Finding::new(
                "X01",
                Severity::Error,
                FieldPath::root(),
                format!(
                    "文件不是有效的 UTF-8 文本（第 {} 字节起无法解码）：请以 UTF-8 编码保存",
                    e.valid_up_to()
                ),
            )
            .at(Some(source.text.len()..source.text.len()));
            return Err(LoadFailure::refused(source, finding));
        }
    };
    load_str(text)
}

/// Loads a report from text.
pub fn load_str(text: &str) -> Result<Loaded, LoadFailure> {
    load_source(Source::new(text))
}

/// Loads a report to read it once, as `check` does: the same report, notes and places as
/// `load`, in about three-quarters of the time and two-thirds of the memory (large: 27 ms
/// against 37 ms in process, 55 MiB against 81 MiB for `check`), but with no tree for the
/// editor to take.
pub fn inspect(bytes: Vec<u8>) -> Result<Loaded, LoadFailure> {
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return load(e.as_bytes()),
    };
    let source = Source::new(&text);
    if let Some(refusal) = too_complex(&source.text) {
        return Err(LoadFailure::refused(source, refusal));
    }
    if source.bom {
        text.replace_range(..'\u{feff}'.len_utf8(), "");
    }
    let (tree, failed) = read_tree(text);
    let parsed = Parsed::Read(tree);
    // toml_edit's messages for a file that is not TOML, and its account of numbers too
    // large to represent, are the ones every front end shows: such a file is read by `load`.
    if failed
        || parsed
            .root()
            .entries()
            .any(|(_, node)| node.has_unrepresentable_number())
    {
        return load_source(source);
    }
    read_source(source, parsed, Vec::new())
}

fn load_source(source: Source) -> Result<Loaded, LoadFailure> {
    if let Some(refusal) = too_complex(&source.text) {
        return Err(LoadFailure::refused(source, refusal));
    }
    let (doc, too_large) = match parse_document(&source.text) {
        Ok(parsed) => parsed,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let truncated = span.start >= source.text.trim_end().len();
            let why = translate_parse_error(e.message());
            let message = if truncated {
                format!("不是有效的 TOML：文件在此意外结束，可能被截断（{why}）")
            } else {
                format!("不是有效的 TOML：{why}")
            };
            let finding =
                Finding::new("X01", Severity::Error, FieldPath::root(), message).at(Some(span));
            return Err(LoadFailure::refused(source, finding));
        }
    };
    read_source(source, Parsed::Edit(Box::new(doc)), too_large)
}

/// Reads the report from its parsed tree.
fn read_source(
    source: Source,
    parsed: Parsed,
    too_large: Vec<Range<usize>>,
) -> Result<Loaded, LoadFailure> {
    let mut reader = Reader::new(&source, too_large);
    // About one table or row per 400 bytes of a typical report: sized once.
    reader.locations.places.reserve(source.text.len() / 400);
    reader.locations.place(FieldPath::root(), None);
    reader.report_too_large(parsed.root(), &FieldPath::root());
    let report = reader.report(parsed.root());
    let scheme_key = SchemeKey::of(parsed.root(), report.scheme.as_deref());
    let Reader {
        errors,
        notes,
        locations,
        ..
    } = reader;
    if errors.is_empty() {
        Ok(Loaded {
            report,
            source,
            locations,
            notes,
            scheme_key,
            parsed: Some(parsed),
        })
    } else {
        Err(LoadFailure::new(source, errors, notes, scheme_key))
    }
}
