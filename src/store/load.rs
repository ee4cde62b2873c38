//! Reading a report: TOML text → typed model, with every error at once and a span for every value.

use super::source::Source;
use super::tree::{Ctx, Kind, Node, Table};
use crate::finding::{Finding, Severity};
use crate::model::schema::{self, Field};
use crate::model::*;
use crate::scheme::SchemeSet;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use toml_edit::{Item, Value};

/// The largest report file jixiao opens.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Where every table, row and list item of a loaded report sits in the source (bytes).
///
/// Values are not recorded: a report has tens of thousands of them and a check reports on a
/// few, so `Loaded::span` finds a value's place in the parsed tree when it is asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locations {
    places: HashMap<FieldPath, Option<Range<usize>>, FxBuild>,
}

impl Locations {
    /// The span of a table, row or list item.
    pub fn get(&self, path: &FieldPath) -> Option<Range<usize>> {
        self.places.get(path).cloned().flatten()
    }

    /// The span of the path's nearest ancestor (or itself) that is a table, row or list item.
    pub fn nearest(&self, path: &FieldPath) -> Option<Range<usize>> {
        nearest_of(path, |p| self.get(p))
    }

    /// Records a table, row or list item (the first record of a path wins).
    fn place(&mut self, path: FieldPath, span: Option<Range<usize>>) {
        self.places.entry(path).or_insert(span);
    }
}

/// FxHash (rustc's): the location index takes one insert per value of the report, and its
/// keys are our own, so SipHash's resistance to crafted keys buys nothing here.
type FxBuild = rustc_hash::FxBuildHasher;

/// A report that loaded.
#[derive(Debug)]
pub struct Loaded {
    pub report: Report,
    pub source: Source,
    pub locations: Locations,
    /// Warnings found while reading (X03 unknown keys, X04 amounts with more than two decimals).
    pub notes: Vec<Finding>,
    /// The TOML as parsed: for a report loaded to edit, handed on to the editor
    /// (`Document::from_loaded`) so that opening a report parses it once, not twice; None
    /// once taken.
    pub(super) parsed: Option<Parsed>,
}

/// The tree a report was read from.
pub(super) enum Parsed {
    /// `load`: the format-preserving tree the editor goes on with.
    Edit(Box<toml_edit::Document<String>>),
    /// `inspect`: a tree borrowing from its own copy of the text, for reading only.
    Read(ReadTree),
}

impl std::fmt::Debug for Parsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Parsed::Edit(_) => "Parsed::Edit",
            Parsed::Read(_) => "Parsed::Read",
        })
    }
}

type DeRoot<'a> = serde_spanned::Spanned<toml::de::DeTable<'a>>;

self_cell::self_cell!(
    /// The text and the `DeTable` parsed from it.
    pub(super) struct ReadTree {
        owner: String,
        #[covariant]
        dependent: DeRoot,
    }
);

/// Parses a text into a `DeTable`; the error is toml's (the loader then reads with
/// toml_edit, whose messages it knows).
fn read_tree(text: String) -> (ReadTree, bool) {
    let mut failed = false;
    let tree = ReadTree::new(text, |text| match toml::de::DeTable::parse(text) {
        Ok(root) => root,
        Err(_) => {
            failed = true;
            DeRoot::new(0..0, toml::de::DeTable::new())
        }
    });
    (tree, failed)
}

impl Parsed {
    fn root(&self) -> Table<'_> {
        match self {
            Parsed::Edit(doc) => Table::Edit(doc.as_table()),
            Parsed::Read(tree) => Table::Read(
                tree.borrow_dependent().get_ref(),
                Ctx {
                    text: tree.borrow_owner(),
                    inline: false,
                },
            ),
        }
    }
}

impl Loaded {
    /// Where a path sits in the source: a value from its key to the end of its value; a
    /// table, row or list item as recorded while loading. None once the tree has gone to the
    /// editor, for values.
    pub fn span(&self, path: &FieldPath) -> Option<Range<usize>> {
        if let Some(span) = self.locations.get(path) {
            return Some(span);
        }
        let (Some(Seg::Key(key)), Some(parent), Some(tree)) =
            (path.segs().last(), path.parent(), self.parsed.as_ref())
        else {
            return None;
        };
        let table = table_at(tree.root(), &parent)?;
        let value = table.get(key)?;
        if !matches!(
            value.kind(),
            Kind::Str(_)
                | Kind::Int(_)
                | Kind::Float
                | Kind::Bool(_)
                | Kind::Datetime(_)
                | Kind::Array(_)
                | Kind::Inline(_)
        ) {
            return None;
        }
        let span = value.span()?;
        match table.key_span(key) {
            Some(k) if k.start <= span.start => Some(k.start..span.end),
            _ => Some(span),
        }
    }

    /// The span of the path or of its nearest ancestor that has one.
    pub fn nearest_span(&self, path: &FieldPath) -> Option<Range<usize>> {
        nearest_of(path, |p| self.span(p))
    }
}

/// The first span `span` has for the path or, failing that, for its nearest ancestor.
fn nearest_of(
    path: &FieldPath,
    span: impl Fn(&FieldPath) -> Option<Range<usize>>,
) -> Option<Range<usize>> {
    let mut current = Some(path.clone());
    while let Some(p) = current {
        if let Some(found) = span(&p) {
            return Some(found);
        }
        current = p.parent();
    }
    None
}

/// The table (section, inline table or row) at a path of a parsed tree.
fn table_at<'t>(root: Table<'t>, path: &FieldPath) -> Option<Table<'t>> {
    let mut table = root;
    let mut segs = path.segs().iter().peekable();
    while let Some(seg) = segs.next() {
        let Seg::Key(key) = seg else { return None };
        let node = table.get(key)?;
        table = match (node.kind(), segs.peek()) {
            (Kind::Rows(rows) | Kind::Array(rows), Some(Seg::Index(i))) => {
                segs.next();
                rows.get(*i)?.as_table()?
            }
            _ => node.as_table()?,
        };
    }
    Some(table)
}

/// A report that did not load: every X01, X02, X05 and X06 at once (plus the notes so far).
#[derive(Debug, Clone)]
pub struct LoadFailure {
    pub source: Source,
    pub findings: Vec<Finding>,
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

/// Loads a report from bytes.
pub fn load(bytes: &[u8], schemes: &SchemeSet) -> Result<Loaded, LoadFailure> {
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
            return Err(LoadFailure {
                source,
                findings: vec![finding],
            });
        }
    };
    load_str(text, schemes)
}

/// Loads a report from text.
pub fn load_str(text: &str, schemes: &SchemeSet) -> Result<Loaded, LoadFailure> {
    load_source(Source::new(text), schemes)
}

/// Loads a report to read it once, as `check` does: the same report, notes and places as
/// `load`, in about three-quarters of the time and two-thirds of the memory (large: 27 ms
/// against 37 ms in process, 55 MiB against 81 MiB for `check`), but with no tree for the
/// editor to take.
pub fn inspect(bytes: Vec<u8>, schemes: &SchemeSet) -> Result<Loaded, LoadFailure> {
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return load(e.as_bytes(), schemes),
    };
    let source = Source::new(&text);
    if let Some(refusal) = too_complex(&source.text) {
        return Err(LoadFailure {
            source,
            findings: vec![refusal],
        });
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
        return load_source(source, schemes);
    }
    read_source(source, parsed, Vec::new(), schemes)
}

fn load_source(source: Source, schemes: &SchemeSet) -> Result<Loaded, LoadFailure> {
    if let Some(refusal) = too_complex(&source.text) {
        return Err(LoadFailure {
            source,
            findings: vec![refusal],
        });
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
            return Err(LoadFailure {
                source,
                findings: vec![finding],
            });
        }
    };
    read_source(source, Parsed::Edit(Box::new(doc)), too_large, schemes)
}

/// How far a file may go before it is refused as X01, shaped like no report. Each limit
/// leaves room for a 16 MiB report shaped like the large workload (long texts, 60,000 rows),
/// which has 3.2 million tokens, 1.06 million keys and values and 64,000 tables; beyond them
/// a file costs the parsers, the model and the workbench far more memory than such a report
/// (a million `{}` took 4 GB in the workbench).
pub mod limits {
    /// Tokens: keys, values, brackets, commas, dots, spaces, line breaks. The parsers keep
    /// about 50 bytes for each before they build anything.
    pub const TOKENS: usize = 4_000_000;
    /// Keys and values (a decimal counts twice: `320.25` is two numbers and a dot to the
    /// lexer; so does an item of a list). Each costs a few hundred bytes once parsed.
    pub const ITEMS: usize = 1_250_000;
    /// Tables, rows and lists: `{…}`, `[…]`, each header that names other tables than the
    /// one before it (and each part of its dotted name), each part of a dotted key. Each
    /// costs one to two kilobytes in the parsed tree, the model and the workbench.
    pub const TABLES: usize = 150_000;
}

/// X01 for a text shaped like no report: more tokens, keys and values, or tables than
/// `limits` allow, at the place where a limit is passed. Counted before anything is parsed,
/// in one pass over the tokens and no memory to speak of.
fn too_complex(text: &str) -> Option<Finding> {
    if clearly_within_limits(text.as_bytes()) {
        return None;
    }
    let mut shape = Shape {
        at_key: true,
        ..Shape::default()
    };
    for token in toml_parser::Source::new(text).lex() {
        let why = match shape.add(text, &token) {
            Some(why) => why,
            None => continue,
        };
        let span = token.span();
        return Some(
            Finding::new(
                "X01",
                Severity::Error,
                FieldPath::root(),
                format!("文件结构过于繁复：{why}，不像是一份绩效自评报告，拒绝载入"),
            )
            .at(Some(span.start()..span.end())),
        );
    }
    None
}

/// Whether bounds read off the bytes alone keep a text within `limits`, so that it need not
/// be lexed (a 2 MB report is clear in well under a millisecond, a tenth of lexing it).
/// Every token but a word starts with a delimiter; every table, row or list with `[`, `{`
/// or `.`; every word after a delimiter; every string with a quote.
fn clearly_within_limits(bytes: &[u8]) -> bool {
    if bytes.len() <= limits::TABLES {
        return true;
    }
    fn delimiter(b: u8) -> u8 {
        u8::from(matches!(
            b,
            b'.' | b'='
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b' '
                | b'\t'
                | b'#'
                | b'\r'
                | b'\n'
                | b'"'
                | b'\''
        ))
    }
    let (mut delimiters, mut tables, mut quotes, mut words) = (0usize, 0usize, 0usize, 0usize);
    // Chunks of 255 bytes counted in bytes, which the compiler does 16 or 32 at a time.
    // `flags[i + 1]`: whether the chunk's `i`-th byte is a delimiter; `flags[0]`: whether
    // the byte before the chunk is (the start of the text counts as one).
    let mut flags = [0u8; 256];
    flags[0] = 1;
    for chunk in bytes.chunks(255) {
        let n = chunk.len();
        for (flag, &b) in flags[1..=n].iter_mut().zip(chunk) {
            *flag = delimiter(b);
        }
        let (mut d, mut t, mut q, mut w) = (0u8, 0u8, 0u8, 0u8);
        for &flag in &flags[1..=n] {
            d += flag;
        }
        for &b in chunk {
            t += u8::from(matches!(b, b'[' | b'{' | b'.'));
            q += u8::from(matches!(b, b'"' | b'\''));
        }
        for (before, flag) in flags[..n].iter().zip(&flags[1..=n]) {
            w += before & (flag ^ 1);
        }
        flags[0] = flags[n];
        (delimiters, tables, quotes, words) = (
            delimiters + usize::from(d),
            tables + usize::from(t),
            quotes + usize::from(q),
            words + usize::from(w),
        );
    }
    // Each word or string may count twice, as an item of a list.
    2 * delimiters < limits::TOKENS
        && 2 * (words + quotes) <= limits::ITEMS
        && tables <= limits::TABLES
}

/// What the tokens of a file add up to, read just well enough to tell a key's dots from a
/// decimal's and a header's brackets from a list's.
#[derive(Default)]
struct Shape<'t> {
    tokens: usize,
    items: usize,
    tables: usize,
    /// The brackets and braces open in the value being read (b'[' or b'{').
    open: Vec<u8>,
    /// Whether the next word is a key (or part of one).
    at_key: bool,
    /// Inside a `[header]` or `[[header]]`: its dots so far.
    header: Option<usize>,
    /// The text of the header being read, and of the one before it.
    header_text: (Range<usize>, &'t str),
}

impl<'t> Shape<'t> {
    /// Counts one token; what was passed, if a limit was.
    fn add(&mut self, text: &'t str, token: &toml_parser::lexer::Token) -> Option<String> {
        use toml_parser::lexer::TokenKind as K;
        self.tokens += 1;
        let top = self.open.last().copied();
        let span = token.span();
        match token.kind() {
            K::Newline if top.is_none() => self.end_header(text, span.start()),
            K::LeftSquareBracket if top.is_none() && self.at_key => {
                match self.header {
                    // `[[`
                    Some(_) => {}
                    None => {
                        self.header = Some(0);
                        self.header_text.0 = span.end()..span.end();
                        self.tables += 1;
                    }
                }
            }
            K::RightSquareBracket if self.header.is_some() => {
                self.end_header(text, span.start());
            }
            K::LeftSquareBracket => {
                self.open.push(b'[');
                self.tables += 1;
                self.at_key = false;
            }
            K::LeftCurlyBracket => {
                self.open.push(b'{');
                self.tables += 1;
                self.at_key = true;
            }
            K::RightSquareBracket | K::RightCurlyBracket => {
                self.open.pop();
                self.at_key = false;
            }
            K::Equals => self.at_key = false,
            K::Comma => self.at_key = top == Some(b'{'),
            K::Dot => match &mut self.header {
                Some(dots) => *dots += 1,
                None if self.at_key => self.tables += 1,
                None => {}
            },
            // An item of a list costs about twice a key's value (the editor's tree keeps
            // each in a slot as large as a table, in a list that grows by doubling).
            K::Atom | K::BasicString | K::LiteralString | K::MlBasicString | K::MlLiteralString => {
                self.items += if top == Some(b'[') { 2 } else { 1 };
            }
            K::Whitespace | K::Comment | K::Newline | K::Eof => {}
        }
        if self.tokens > limits::TOKENS {
            Some(format!(
                "超过 {} 个语法单元（键、值、括号、逗号、空白、换行）",
                limits::TOKENS
            ))
        } else if self.items > limits::ITEMS {
            Some(format!("超过 {} 个键和值", limits::ITEMS))
        } else if self.tables > limits::TABLES {
            Some(format!("超过 {} 个表、行和列表", limits::TABLES))
        } else {
            None
        }
    }

    /// At the end of a line or of a header's name: a header naming other tables than the one
    /// before it counts each part of its name.
    fn end_header(&mut self, text: &'t str, end: usize) {
        if let Some(dots) = self.header.take() {
            let name = text.get(self.header_text.0.start..end).unwrap_or("").trim();
            if name != self.header_text.1 {
                self.tables += dots;
                self.header_text.1 = name;
            }
        }
        if self.open.is_empty() {
            self.at_key = true;
        }
    }
}

/// Reads the report from its parsed tree.
fn read_source(
    source: Source,
    parsed: Parsed,
    too_large: Vec<Range<usize>>,
    schemes: &SchemeSet,
) -> Result<Loaded, LoadFailure> {
    let mut reader = Reader::new(&source, too_large);
    // About one table or row per 400 bytes of a typical report: sized once.
    reader.locations.places.reserve(source.text.len() / 400);
    reader.locations.place(FieldPath::root(), None);
    reader.report_too_large(parsed.root(), &FieldPath::root());
    let report = reader.report(parsed.root(), schemes);
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
            parsed: Some(parsed),
        })
    } else {
        let mut findings = errors;
        findings.extend(notes);
        findings.sort_by_key(|f| f.span.as_ref().map(|s| s.start));
        Err(LoadFailure { source, findings })
    }
}

/// What an edit changed in the model, as far as the screens need to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// Values of one row or section, at this path; every row is where it was.
    Values(FieldPath),
    /// Rows were added, removed or moved (or the whole report was re-read).
    Structure,
}

/// The part of the model an edit at a path can change.
enum Unit {
    /// A row of a table (for a first-level indicator: its name and weight, not its indicators).
    Row(FieldPath),
    /// All rows of one table.
    Rows(FieldPath),
    /// A top-level section without the rows of its tables.
    Section(&'static str),
    /// A top-level section with its rows: a table was created or removed in it, and may
    /// hold rows (the first row added to a table whose section is not written yet).
    WholeSection(&'static str),
    Whole,
}

const SECTIONS: [&str; 6] = [
    "basic",
    "budget",
    "performance",
    "closing",
    "basic_data",
    "score_sheet",
];

fn unit_of(path: &FieldPath) -> Unit {
    let segs = path.segs();
    let key = |i: usize| match segs.get(i) {
        Some(Seg::Key(k)) => Some(k.as_str()),
        _ => None,
    };
    let index = |i: usize| matches!(segs.get(i), Some(Seg::Index(_)));
    let upto = |n: usize| FieldPath(segs[..n].to_vec());
    // Where the rows of each table start in a path: (its keys, and the length of its path).
    let tables: [(&[&str], usize); 5] = [
        (&["budget", "projects"], 2),
        (&["performance", "special_funds"], 2),
        (&["basic_data", "costs", "project_lines"], 3),
        (&["basic_data", "buildings"], 2),
        (&["score_sheet", "groups"], 2),
    ];
    for (keys, n) in tables {
        if segs.len() < n || !(0..n).all(|i| key(i) == Some(keys[i])) {
            continue;
        }
        if segs.len() == n {
            return Unit::Rows(path.clone());
        }
        if !index(n) {
            break;
        }
        if keys[0] == "score_sheet" && key(n + 1) == Some("indicators") {
            return match segs.len() {
                4 => Unit::Rows(path.clone()),
                _ if index(4) => Unit::Row(upto(5)),
                _ => Unit::Whole,
            };
        }
        return Unit::Row(upto(n + 1));
    }
    let is_table = schema::lookup(&path.shape()).is_some_and(|f| f.kind.children().is_some());
    match key(0).and_then(|section| SECTIONS.iter().find(|s| **s == section)) {
        Some(section) if is_table => Unit::WholeSection(section),
        Some(section) => Unit::Section(section),
        None => Unit::Whole,
    }
}

/// Brings the model (and the notes made while reading) up to date after the document was
/// edited at `path`, re-reading no more than the edit can have changed: the row it is in, the
/// rows of the table it added to, removed from or reordered, or the values of its section.
/// On errors (a value the loader refuses) the model is left as it was and they are returned.
pub fn reread(
    root: &toml_edit::Table,
    report: &mut Report,
    notes: &mut Vec<Finding>,
    path: &FieldPath,
    schemes: &SchemeSet,
) -> Result<Changed, Vec<Finding>> {
    let source = Source::new("");
    let mut reader = Reader::new(&source, Vec::new());
    let unit = match unit_of(path) {
        // A table left without rows may leave its tables and section with nothing to show:
        // the section is read again as the file would show it.
        Unit::Rows(rows) if no_rows(root, &rows) => match rows.segs().first() {
            Some(Seg::Key(k)) => SECTIONS
                .iter()
                .find(|s| *s == k)
                .map_or(Unit::Whole, |s| Unit::WholeSection(s)),
            _ => Unit::Whole,
        },
        unit => unit,
    };
    let applied = match &unit {
        Unit::Row(row) => reader.reread_row(root, report, row),
        Unit::Rows(rows) => reader.reread_rows(root, report, rows),
        Unit::Section(section) => {
            reader.keep_rows = true;
            reader.reread_section(root, section)
        }
        Unit::WholeSection(section) => reader.reread_section(root, section),
        Unit::Whole => None,
    };
    let (apply, unit_path, changed): (Apply, FieldPath, Changed) = match (applied, unit) {
        (Some(apply), Unit::Row(row)) => (apply, row.clone(), Changed::Values(row)),
        (Some(apply), Unit::Rows(rows)) => (apply, rows, Changed::Structure),
        (Some(apply), Unit::Section(section)) => {
            let p = FieldPath::root().key(section);
            (apply, p.clone(), Changed::Values(p))
        }
        (Some(apply), Unit::WholeSection(section)) => {
            (apply, FieldPath::root().key(section), Changed::Structure)
        }
        _ => {
            // Anything else (the cover, the scheme, a row the model does not have):
            // the whole report again.
            reader = Reader::new(&source, Vec::new());
            let fresh = reader.report(Table::Edit(root), schemes);
            (
                Box::new(move |r: &mut Report| *r = fresh),
                FieldPath::root(),
                Changed::Structure,
            )
        }
    };
    if !reader.errors.is_empty() {
        return Err(reader.errors);
    }
    apply(report);
    // The notes of what was re-read are replaced; with rows kept, so are the rows' notes.
    let keep_rows = reader.keep_rows;
    notes.retain(|n| {
        !n.path.starts_with(&unit_path)
            || (keep_rows
                && n.path.segs()[unit_path.segs().len()..]
                    .iter()
                    .any(|s| matches!(s, Seg::Index(_))))
    });
    notes.extend(reader.notes);
    Ok(changed)
}

/// A table of rows in the model: how one of its rows is read, and where its rows are kept.
trait RowTable {
    type Row: 'static;
    fn read(reader: &mut Reader<'_>, table: Table<'_>, path: &FieldPath) -> Self::Row;
    /// The rows (of first-level indicator `g`, for indicators); None when the model does not
    /// have the section or table that holds them.
    fn rows(report: &mut Report, g: usize) -> Option<&mut Vec<Self::Row>>;
}

/// A row table: its type, the `Reader` method that reads one of its rows, and where the
/// model keeps its rows (`$g`: the first-level indicator, for indicators).
macro_rules! row_table {
    ($name:ident, $row:ty, $read:ident, |$report:ident, $g:pat_param| $rows:expr) => {
        struct $name;
        impl RowTable for $name {
            type Row = $row;
            fn read(reader: &mut Reader<'_>, table: Table<'_>, path: &FieldPath) -> $row {
                reader.$read(table, path)
            }
            fn rows($report: &mut Report, $g: usize) -> Option<&mut Vec<$row>> {
                Some(&mut $rows)
            }
        }
    };
}

row_table!(Projects, ProjectItem, project_item, |r, _| r
    .budget
    .as_mut()?
    .projects);
row_table!(Funds, SpecialFund, special_fund, |r, _| r
    .performance
    .as_mut()?
    .special_funds);
row_table!(ProjectLines, ProjectLine, project_line, |r, _| r
    .basic_data
    .as_mut()?
    .costs
    .as_mut()?
    .project_lines);
row_table!(Buildings, Building, building, |r, _| r
    .basic_data
    .as_mut()?
    .buildings);
row_table!(Groups, Group, group, |r, _| r.score_sheet.as_mut()?.groups);
row_table!(Indicators, Indicator, indicator, |r, g| r
    .score_sheet
    .as_mut()?
    .groups
    .get_mut(g)?
    .indicators);

/// Runs `$body` with `T` the row table of a shape (None for a shape that is no row table).
macro_rules! with_row_table {
    ($shape:expr, $t:ident => $body:block) => {
        with_row_table!(@match $shape, $t, $body,
            ["budget", "projects"] => Projects,
            ["performance", "special_funds"] => Funds,
            ["basic_data", "costs", "project_lines"] => ProjectLines,
            ["basic_data", "buildings"] => Buildings,
            ["score_sheet", "groups"] => Groups,
            ["score_sheet", "groups", "indicators"] => Indicators)
    };
    (@match $shape:expr, $t:ident, $body:block, $($keys:pat => $table:ident),*) => {
        match $shape {
            $($keys => {
                type $t = $table;
                $body
            })*
            _ => None,
        }
    };
}

/// The first-level indicator a path lies in (`score_sheet.groups[g]…`), 0 elsewhere.
fn group_index(path: &FieldPath) -> usize {
    match path.segs() {
        [Seg::Key(s), Seg::Key(g), Seg::Index(i), ..] if s == "score_sheet" && g == "groups" => *i,
        _ => 0,
    }
}

/// A change to the model, computed while the model is borrowed elsewhere and applied once
/// the re-read is known to be free of errors.
type Apply = Box<dyn FnOnce(&mut Report)>;

impl Reader<'_> {
    /// One row; None when the model or the document does not have it.
    fn reread_row(
        &mut self,
        root: &toml_edit::Table,
        report: &mut Report,
        row: &FieldPath,
    ) -> Option<Apply> {
        let table = table_at(Table::Edit(root), row)?;
        let shape = row.shape();
        let (Some(Seg::Index(i)), g) = (row.segs().last(), group_index(row)) else {
            return None;
        };
        let i = *i;
        self.known_keys(table, row, fields_of(&shape));
        match shape.as_slice() {
            ["score_sheet", "groups"] => {
                // A first-level indicator's own values; its indicators stay as they are.
                Groups::rows(report, 0)?.get(i)?;
                self.keep_rows = true;
                let head = self.group(table, row);
                Some(Box::new(move |r: &mut Report| {
                    if let Some(group) = Groups::rows(r, 0).and_then(|rows| rows.get_mut(i)) {
                        group.name = head.name;
                        group.weight = head.weight;
                    }
                }))
            }
            shape => with_row_table!(shape, T => {
                T::rows(report, g)?.get(i)?;
                let item = T::read(self, table, row);
                Some(Box::new(move |r: &mut Report| {
                    if let Some(slot) = T::rows(r, g).and_then(|rows| rows.get_mut(i)) {
                        *slot = item;
                    }
                }) as Apply)
            }),
        }
    }

    /// Every row of one table; None when the model does not have the table's section.
    fn reread_rows(
        &mut self,
        root: &toml_edit::Table,
        report: &mut Report,
        rows: &FieldPath,
    ) -> Option<Apply> {
        let parent = rows.parent()?;
        let Some(Seg::Key(key)) = rows.segs().last() else {
            return None;
        };
        let shape = rows.shape();
        let g = group_index(rows);
        // A table that is not there (any more) has no rows.
        let found = match table_at(Table::Edit(root), &parent) {
            Some(table) => self.rows(table, key, &parent, fields_of(&shape)),
            None => Vec::new(),
        };
        with_row_table!(shape.as_slice(), T => {
            T::rows(report, g)?;
            let items: Vec<_> = found.into_iter().map(|(p, t)| T::read(self, t, &p)).collect();
            Some(Box::new(move |r: &mut Report| {
                if let Some(slot) = T::rows(r, g) {
                    *slot = items;
                }
            }) as Apply)
        })
    }

    /// The values of one section; its tables' rows are re-read too unless `keep_rows`, when
    /// the model keeps the ones it has.
    fn reread_section(&mut self, root: &toml_edit::Table, section: &'static str) -> Option<Apply> {
        let top = FieldPath::root();
        let p = top.key(section);
        let keep = self.keep_rows;
        let table = self.table(Table::Edit(root), section, &top, fields_of(&[section]));
        Some(match section {
            "basic" => {
                let basic = table.map(|t| self.basic(t, &p));
                Box::new(move |r: &mut Report| r.basic = basic)
            }
            "budget" => {
                let budget = table.map(|t| self.budget(t, &p));
                Box::new(move |r: &mut Report| {
                    let old = r.budget.take();
                    r.budget = budget.map(|mut b| {
                        if keep {
                            b.projects = old.map(|o| o.projects).unwrap_or_default();
                        }
                        b
                    });
                })
            }
            "performance" => {
                let performance = table.map(|t| self.performance(t, &p));
                Box::new(move |r: &mut Report| {
                    let old = r.performance.take();
                    r.performance = performance.map(|mut p| {
                        if keep {
                            p.special_funds = old.map(|o| o.special_funds).unwrap_or_default();
                        }
                        p
                    });
                })
            }
            "closing" => {
                let closing = table.map(|t| Closing {
                    problems: self.text(t, "problems", &p),
                    improvements: self.text(t, "improvements", &p),
                    publication: self.text(t, "publication", &p),
                });
                Box::new(move |r: &mut Report| r.closing = closing)
            }
            "basic_data" => {
                let data = table.map(|t| self.basic_data(t, &p));
                Box::new(move |r: &mut Report| {
                    let old = r.basic_data.take().unwrap_or_default();
                    r.basic_data = data.map(|mut d| {
                        if keep {
                            d.buildings = old.buildings;
                            if let Some(c) = d.costs.as_mut() {
                                c.project_lines =
                                    old.costs.map(|c| c.project_lines).unwrap_or_default();
                            }
                        }
                        d
                    });
                })
            }
            "score_sheet" => {
                let sheet = table.map(|t| self.score_sheet(t, &p));
                Box::new(move |r: &mut Report| {
                    let old = r.score_sheet.take();
                    r.score_sheet = sheet.map(|mut s| {
                        if keep {
                            s.groups = old.map(|o| o.groups).unwrap_or_default();
                        }
                        s
                    });
                })
            }
            _ => return None,
        })
    }
}

/// How many numbers too large for the parser one file may hold before it is refused as X01.
const MAX_TOO_LARGE: usize = 64;

/// Parses the text. A number too large for the parser (an integer beyond 64 bits, a float
/// beyond `f64`) is a value of the wrong kind, not a syntax error: it is blanked out (with a
/// float of the same length, so that every span stays put) and its span returned, so that it
/// can be reported as X02 under its key together with every other error.
fn parse_document(
    text: &str,
) -> Result<(toml_edit::Document<String>, Vec<Range<usize>>), toml_edit::TomlError> {
    let mut too_large = Vec::new();
    // The text is copied once for the parser; again only when a number has to be blanked.
    let mut current = text.to_owned();
    loop {
        let error = match toml_edit::Document::parse(current) {
            Ok(doc) => return Ok((doc, too_large)),
            Err(e) => e,
        };
        current = text.to_owned();
        for span in &too_large {
            blank_number(&mut current, span);
        }
        let overflow = matches!(
            error.message().trim(),
            "integer number overflowed" | "floating-point number overflowed"
        );
        let span = match error.span() {
            Some(span)
                if overflow
                    && span.len() >= 3
                    && too_large.len() < MAX_TOO_LARGE
                    && current.is_char_boundary(span.start)
                    && current.is_char_boundary(span.end) =>
            {
                span
            }
            _ => return Err(error),
        };
        blank_number(&mut current, &span);
        too_large.push(span);
    }
}

/// Writes a float of the same length over a number too large for the parser.
fn blank_number(text: &mut String, span: &Range<usize>) {
    let blank = format!("0.{}", "0".repeat(span.len() - 2));
    text.replace_range(span.clone(), &blank);
}

/// The parser's English explanation, with the usual phrases in Chinese.
fn translate_parse_error(message: &str) -> String {
    let m = message.trim();
    let zh = if m.contains("duplicate key") {
        "键重复定义"
    } else if m.contains("invalid table header") || m.contains("unclosed table header") {
        "表头写法不对"
    } else if m.contains("unterminated") || m.contains("unclosed") {
        "字符串或括号没有闭合（文件可能被截断）"
    } else if m.contains("expected") {
        "此处的写法不符合 TOML 语法"
    } else {
        "语法错误"
    };
    format!("{zh}（{m}）")
}

struct Reader<'s> {
    src: &'s Source,
    errors: Vec<Finding>,
    notes: Vec<Finding>,
    locations: Locations,
    /// Numbers too large for the parser (blanked out in the document): reported once each by
    /// `report_too_large`, and otherwise treated as absent.
    too_large: Vec<Range<usize>>,
    /// Re-reading one section or row after an edit: the rows of its tables are left out (the
    /// caller keeps the ones it has).
    keep_rows: bool,
}

/// A child's key path, built only when a message needs it: most values load without one.
struct Child<'p> {
    parent: &'p FieldPath,
    key: &'p str,
}

impl Child<'_> {
    fn path(&self) -> FieldPath {
        self.parent.key(self.key)
    }
}

impl std::fmt::Display for Child<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.path().fmt(f)
    }
}

/// A value as found, with its span.
struct Raw<'t> {
    node: Node<'t>,
    kind: Kind<'t>,
    span: Option<Range<usize>>,
}

impl<'s> Reader<'s> {
    fn new(src: &'s Source, too_large: Vec<Range<usize>>) -> Reader<'s> {
        Reader {
            src,
            errors: Vec::new(),
            notes: Vec::new(),
            locations: Locations::default(),
            too_large,
            keep_rows: false,
        }
    }

    fn is_too_large(&self, span: &Option<Range<usize>>) -> bool {
        span.as_ref().is_some_and(|s| self.too_large.contains(s))
    }

    /// X02 for every number too large for the parser, under its key path, wherever it sits.
    fn report_too_large(&mut self, table: Table<'_>, path: &FieldPath) {
        if self.too_large.is_empty() {
            return;
        }
        for (key, node) in table.entries() {
            self.too_large_node(node, &path.key(key));
        }
    }

    fn too_large_node(&mut self, node: Node<'_>, path: &FieldPath) {
        match node.kind() {
            Kind::Table(t) | Kind::Inline(t) => self.report_too_large(t, path),
            Kind::Array(items) | Kind::Rows(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.too_large_node(item, &path.index(i));
                }
            }
            _ if self.is_too_large(&node.span()) => {
                let span = node.span();
                let written = self.src.slice(span.as_ref().unwrap_or(&(0..0))).to_owned();
                self.error(
                    "X02",
                    path,
                    span,
                    format!("“{path}”的数值 {written} 太大，超出可表示的范围"),
                );
            }
            _ => {}
        }
    }

    fn error(
        &mut self,
        rule: &'static str,
        path: &FieldPath,
        span: Option<Range<usize>>,
        message: String,
    ) {
        self.errors
            .push(Finding::new(rule, Severity::Error, path.clone(), message).at(span));
    }

    /// Checks a table's keys against the schema (X03) and records where each key sits.
    fn known_keys(&mut self, table: Table<'_>, path: &FieldPath, fields: &'static [Field]) {
        for (key, item) in table.entries() {
            if !fields.iter().any(|f| f.key == key) {
                let key_span = table.key_span(key);
                let suggestion = schema::nearest_key(key, fields)
                    .map(|k| format!("，是否想写“{k}”？"))
                    .unwrap_or_else(|| "，保存时原样保留".to_owned());
                let child = path.key(key);
                self.notes.push(
                    Finding::new(
                        "X03",
                        Severity::Warning,
                        child.clone(),
                        format!("未知的键“{}”{suggestion}", child),
                    )
                    .at(key_span.or_else(|| item.span())),
                );
            }
        }
    }

    /// A sub-table (section or inline), or `None` when absent; X02 when it is something else.
    fn table<'t>(
        &mut self,
        parent: Table<'t>,
        key: &str,
        path: &FieldPath,
        fields: &'static [Field],
    ) -> Option<Table<'t>> {
        let node = parent.get(key)?;
        if node.vacant() {
            return None;
        }
        let child = path.key(key);
        match node.as_table() {
            Some(table) => {
                let span = node.span().or_else(|| parent.key_span(key));
                self.known_keys(table, &child, fields);
                self.locations.place(child, span);
                Some(table)
            }
            // Reported once, as too large.
            None if self.is_too_large(&node.span()) => None,
            None => {
                let span = node.span();
                self.error(
                    "X02",
                    &child,
                    span,
                    format!(
                        "“{child}”应为表（[{child}] 或 {{ … }}），实际是{}",
                        self.describe(node)
                    ),
                );
                None
            }
        }
    }

    /// The rows of an array of tables (`[[x]]` or `x = [{…}, …]`).
    fn rows<'t>(
        &mut self,
        parent: Table<'t>,
        key: &str,
        path: &FieldPath,
        fields: &'static [Field],
    ) -> Vec<(FieldPath, Table<'t>)> {
        if self.keep_rows {
            return Vec::new();
        }
        let Some(node) = parent.get(key) else {
            return Vec::new();
        };
        let child = path.key(key);
        let mut rows: Vec<(FieldPath, Table<'t>)> = Vec::new();
        match node.kind() {
            Kind::Rows(array) => {
                self.locations.place(
                    child.clone(),
                    array.span().or_else(|| array.get(0).and_then(|t| t.span())),
                );
                for (i, row) in array.iter().enumerate() {
                    if let Some(table) = row.as_table() {
                        rows.push((child.index(i), table));
                        self.locations.place(child.index(i), row.span());
                    }
                }
            }
            Kind::Array(array) => {
                self.locations.place(child.clone(), array.span());
                for (i, value) in array.iter().enumerate() {
                    match value.kind() {
                        Kind::Inline(table) => {
                            rows.push((child.index(i), table));
                            self.locations.place(child.index(i), value.span());
                        }
                        _ if self.is_too_large(&value.span()) => {}
                        _ => {
                            let row = child.index(i);
                            let span = value.span();
                            self.error(
                                "X02",
                                &row,
                                span,
                                format!(
                                    "“{row}”应为一行（{{ … }}），实际是{}",
                                    self.describe(value)
                                ),
                            );
                        }
                    }
                }
            }
            _ if self.is_too_large(&node.span()) => {}
            _ => {
                let span = node.span();
                self.error(
                    "X02",
                    &child,
                    span,
                    format!(
                        "“{child}”应为表格行（[[{child}]]），实际是{}",
                        self.describe(node)
                    ),
                );
            }
        }
        for (row_path, table) in &rows {
            self.known_keys(*table, row_path, fields);
        }
        rows
    }

    /// A plain value under `key`; X02 when it is a table.
    fn value<'t>(
        &mut self,
        parent: Table<'t>,
        key: &'static str,
        path: &FieldPath,
    ) -> Option<Raw<'t>> {
        let node = parent.get(key)?;
        match node.kind() {
            Kind::Absent | Kind::Table(_) | Kind::Rows(_) => {
                let child = path.key(key);
                let span = node.span();
                let field = schema::lookup(&child.shape());
                let expected = field.map(|f| f.kind.describe()).unwrap_or("值");
                self.error(
                    "X02",
                    &child,
                    span,
                    format!("“{child}”应为{expected}，实际是{}", self.describe(node)),
                );
                None
            }
            kind => {
                let span = node.span();
                if self.is_too_large(&span) {
                    return None;
                }
                Some(Raw { node, kind, span })
            }
        }
    }

    /// What a value is, for a message: its kind, and what it holds when short.
    fn describe(&self, node: Node<'_>) -> String {
        let written = || match node.span() {
            Some(span) => self.src.slice(&span).to_owned(),
            None => match node {
                Node::Item(Item::Value(Value::Float(f))) | Node::Value(Value::Float(f)) => {
                    f.display_repr().into_owned()
                }
                _ => String::new(),
            },
        };
        match node.kind() {
            Kind::Absent => "空".to_owned(),
            Kind::Str(s) => format!(
                "文字 \"{}\"",
                crate::sanitize::visible(&first_line_short(s, 20))
            ),
            Kind::Int(Some(i)) => format!("整数 {i}"),
            Kind::Int(None) => format!("整数 {}", written()),
            Kind::Float => format!("小数 {}", written()),
            Kind::Bool(b) => format!("布尔值 {b}"),
            Kind::Datetime(d) => format!("日期时间 {d}"),
            Kind::Array(_) => "列表 […]".to_owned(),
            Kind::Inline(_) => "表 { … }".to_owned(),
            Kind::Table(_) => "表".to_owned(),
            Kind::Rows(_) => "表格行 [[…]]".to_owned(),
        }
    }

    /// The characters of a number as written.
    fn written(&self, raw: &Raw<'_>) -> String {
        match &raw.span {
            Some(span) => self.src.slice(span).to_owned(),
            // An edited tree has no spans: the number's own characters, without its comment.
            None => match raw.node {
                Node::Item(Item::Value(value)) | Node::Value(value) => match value {
                    Value::Integer(i) => i.display_repr().into_owned(),
                    Value::Float(f) => f.display_repr().into_owned(),
                    other => other.to_string().trim().to_owned(),
                },
                _ => String::new(),
            },
        }
    }

    fn amount(&mut self, t: Table<'_>, key: &'static str, path: &FieldPath) -> Amount {
        self.amount_signed(t, key, path, false)
    }

    fn amount_signed(
        &mut self,
        t: Table<'_>,
        key: &'static str,
        path: &FieldPath,
        signed: bool,
    ) -> Amount {
        let Some(raw) = self.value(t, key, path) else {
            return Cell::Blank;
        };
        let child = Child { parent: path, key };
        let text = match raw.kind {
            Kind::Int(_) | Kind::Float => self.written(&raw),
            Kind::Str(s) => {
                let v = s.trim();
                if v.is_empty() {
                    return Cell::Blank;
                }
                if v == "/" || v == "／" {
                    return Cell::NotApplicable;
                }
                v.to_owned()
            }
            _ => {
                self.error(
                    "X02",
                    &child.path(),
                    raw.span.clone(),
                    format!(
                        "“{child}”应为金额（万元），实际是{}",
                        self.describe(raw.node)
                    ),
                );
                return Cell::Blank;
            }
        };
        match parse_amount(&text) {
            Ok(v) => {
                if v.is_sign_negative() && !v.is_zero() && !signed {
                    self.error(
                        "X02",
                        &child.path(),
                        raw.span.clone(),
                        format!("“{child}”是负数 {v}：此处金额不能为负"),
                    );
                    return Cell::Blank;
                }
                if v.scale() > 2 {
                    self.notes.push(
                        Finding::new(
                            "X04",
                            Severity::Warning,
                            child.path(),
                            format!(
                                "“{child}”= {v} 有 {} 位小数：万元金额应精确到分（两位小数）",
                                v.scale()
                            ),
                        )
                        .at(raw.span.clone()),
                    );
                }
                Cell::Value(v)
            }
            Err(why) => {
                self.error(
                    "X02",
                    &child.path(),
                    raw.span.clone(),
                    format!("“{child}”应为金额（万元）：{why}"),
                );
                Cell::Blank
            }
        }
    }

    fn rate(&mut self, t: Table<'_>, key: &'static str, path: &FieldPath) -> RateCell {
        let Some(raw) = self.value(t, key, path) else {
            return Cell::Blank;
        };
        let child = Child { parent: path, key };
        let text = match raw.kind {
            Kind::Int(_) | Kind::Float => self.written(&raw),
            Kind::Str(s) => {
                let v = s.trim();
                if v.is_empty() {
                    return Cell::Blank;
                }
                if v == "/" || v == "／" {
                    return Cell::NotApplicable;
                }
                v.to_owned()
            }
            _ => {
                self.error(
                    "X02",
                    &child.path(),
                    raw.span.clone(),
                    format!(
                        "“{child}”应为比率（如 \"71.4%\"），实际是{}",
                        self.describe(raw.node)
                    ),
                );
                return Cell::Blank;
            }
        };
        match parse_rate(&text) {
            Ok(rate) if rate.percent.is_sign_negative() && !rate.percent.is_zero() => {
                self.error(
                    "X02",
                    &child.path(),
                    raw.span.clone(),
                    format!("“{child}”是负的比率 {rate}"),
                );
                Cell::Blank
            }
            Ok(rate) => Cell::Value(rate),
            Err(why) => {
                self.error(
                    "X02",
                    &child.path(),
                    raw.span.clone(),
                    format!("“{child}”应为比率（如 \"71.4%\"）：{why}"),
                );
                Cell::Blank
            }
        }
    }

    fn count(&mut self, t: Table<'_>, key: &'static str, path: &FieldPath) -> Count {
        let Some(raw) = self.value(t, key, path) else {
            return Cell::Blank;
        };
        let child = Child { parent: path, key };
        match raw.kind {
            Kind::Int(Some(i)) => match u64::try_from(i) {
                Ok(n) => Cell::Value(n),
                Err(_) => {
                    self.error(
                        "X02",
                        &child.path(),
                        raw.span.clone(),
                        format!("“{child}”是负数 {i}：人数、年度等计数不能为负"),
                    );
                    Cell::Blank
                }
            },
            Kind::Str(s) if s.trim().is_empty() => Cell::Blank,
            Kind::Str(s) if matches!(s.trim(), "/" | "／") => Cell::NotApplicable,
            Kind::Float => {
                let written = self.written(&raw);
                self.error(
                    "X02",
                    &child.path(),
                    raw.span.clone(),
                    format!("“{child}”应为整数，实际是小数 {written}"),
                );
                Cell::Blank
            }
            _ => {
                self.error(
                    "X02",
                    &child.path(),
                    raw.span.clone(),
                    format!(
                        "“{child}”应为整数（不加引号），实际是{}",
                        self.describe(raw.node)
                    ),
                );
                Cell::Blank
            }
        }
    }

    fn text(&mut self, t: Table<'_>, key: &'static str, path: &FieldPath) -> Option<String> {
        let raw = self.value(t, key, path)?;
        match raw.kind {
            Kind::Str(s) => Some(s.to_owned()),
            _ => {
                let child = path.key(key);
                self.error(
                    "X02",
                    &child,
                    raw.span.clone(),
                    format!(
                        "“{child}”应为文字（用引号括起），实际是{}",
                        self.describe(raw.node)
                    ),
                );
                None
            }
        }
    }

    fn text_list(&mut self, t: Table<'_>, key: &'static str, path: &FieldPath) -> Vec<String> {
        let Some(raw) = self.value(t, key, path) else {
            return Vec::new();
        };
        let child = path.key(key);
        let Kind::Array(array) = raw.kind else {
            self.error(
                "X02",
                &child,
                raw.span.clone(),
                format!(
                    "“{child}”应为文字列表 [\"…\", \"…\"]，实际是{}",
                    self.describe(raw.node)
                ),
            );
            return Vec::new();
        };
        let mut items = Vec::new();
        for (i, value) in array.iter().enumerate() {
            self.locations.place(child.index(i), value.span());
            match value.kind() {
                Kind::Str(s) => items.push(s.to_owned()),
                _ if self.is_too_large(&value.span()) => {}
                _ => {
                    let item_path = child.index(i);
                    self.error(
                        "X02",
                        &item_path,
                        value.span(),
                        format!("“{item_path}”应为文字，实际是{}", self.describe(value)),
                    )
                }
            }
        }
        items
    }

    fn cost_cells(&mut self, t: Table<'_>, path: &FieldPath) -> CostCells {
        CostCells {
            prev_final: self.amount(t, "prev_final", path),
            budget: self.amount(t, "budget", path),
            r#final: self.amount(t, "final", path),
        }
    }

    fn report(&mut self, root: Table<'_>, schemes: &SchemeSet) -> Report {
        let top = FieldPath::root();
        self.known_keys(root, &top, schema::ROOT);
        let mut report = Report {
            schema: self.text(root, "schema", &top),
            scheme: self.text(root, "scheme", &top),
            ..Report::default()
        };
        self.required_top(root, &report, schemes);

        if let Some(t) = self.table(root, "report", &top, fields_of(&["report"])) {
            let p = top.key("report");
            report.report = Cover {
                title: self.text(t, "title", &p),
                unit: self.text(t, "unit", &p),
                year: self.count(t, "year", &p),
            };
        }
        self.required_cover(root, &report);
        if let Some(t) = self.table(root, "basic", &top, fields_of(&["basic"])) {
            report.basic = Some(self.basic(t, &top.key("basic")));
        }
        if let Some(t) = self.table(root, "budget", &top, fields_of(&["budget"])) {
            report.budget = Some(self.budget(t, &top.key("budget")));
        }
        if let Some(t) = self.table(root, "performance", &top, fields_of(&["performance"])) {
            report.performance = Some(self.performance(t, &top.key("performance")));
        }
        if let Some(t) = self.table(root, "closing", &top, fields_of(&["closing"])) {
            let p = top.key("closing");
            report.closing = Some(Closing {
                problems: self.text(t, "problems", &p),
                improvements: self.text(t, "improvements", &p),
                publication: self.text(t, "publication", &p),
            });
        }
        if let Some(t) = self.table(root, "basic_data", &top, fields_of(&["basic_data"])) {
            report.basic_data = Some(self.basic_data(t, &top.key("basic_data")));
        }
        if let Some(t) = self.table(root, "score_sheet", &top, fields_of(&["score_sheet"])) {
            report.score_sheet = Some(self.score_sheet(t, &top.key("score_sheet")));
        }
        report
    }

    fn required_top(&mut self, root: Table<'_>, report: &Report, schemes: &SchemeSet) {
        let top = FieldPath::root();
        match report.schema.as_deref() {
            None if !root.contains_key("schema") => self.error(
                "X05",
                &top.key("schema"),
                Some(0..0),
                "缺少 schema：文件开头应写 schema = \"jixiao/1\"".to_owned(),
            ),
            Some(v) if v != "jixiao/1" => {
                let span = root.get("schema").and_then(|i| i.span());
                self.error(
                    "X05",
                    &top.key("schema"),
                    span,
                    format!("schema = \"{v}\" 不是本程序认识的格式版本：应为 \"jixiao/1\""),
                );
            }
            _ => {}
        }
        match report.scheme.as_deref() {
            None if !root.contains_key("scheme") => self.error(
                "X05",
                &top.key("scheme"),
                Some(0..0),
                format!(
                    "缺少 scheme：应写明评分方案，如 scheme = \"hunan-department\"（可用：{}）",
                    schemes.ids().join("、")
                ),
            ),
            Some(id) if schemes.get(id).is_none() => {
                let span = root.get("scheme").and_then(|i| i.span());
                let known = schemes.ids().join("、");
                self.error(
                    "X06",
                    &top.key("scheme"),
                    span,
                    format!("没有名为“{id}”的评分方案（可用：{known}；用 jixiao schemes 查看）"),
                );
            }
            _ => {}
        }
    }

    fn required_cover(&mut self, root: Table<'_>, report: &Report) {
        let p = FieldPath::root().key("report");
        let span = root.get("report").and_then(|i| i.span()).or(Some(0..0));
        let cover = root.get("report").and_then(|i| i.as_table());
        if report.report.unit.is_none() && !cover.is_some_and(|t| t.contains_key("unit")) {
            self.error(
                "X05",
                &p.key("unit"),
                span.clone(),
                "缺少 report.unit（单位名称）".to_owned(),
            );
        }
        if !cover.is_some_and(|t| t.contains_key("year")) {
            self.error(
                "X05",
                &p.key("year"),
                span,
                "缺少 report.year（年度）".to_owned(),
            );
        }
    }

    fn basic(&mut self, t: Table<'_>, p: &FieldPath) -> Basic {
        let staff = self
            .table(t, "staff", p, fields_of(&["basic", "staff"]))
            .map(|s| {
                let sp = p.key("staff");
                Staff {
                    actual_total: self.count(s, "actual_total", &sp),
                    in_service: self.count(s, "in_service", &sp),
                    open_ended: self.count(s, "open_ended", &sp),
                    government_employees: self.count(s, "government_employees", &sp),
                    retired: self.count(s, "retired", &sp),
                    other: self.count(s, "other", &sp),
                }
            });
        Basic {
            functions: self.text_list(t, "functions", p),
            organization: self.text(t, "organization", p),
            departments: self.text_list(t, "departments", p),
            staff,
        }
    }

    fn budget(&mut self, t: Table<'_>, p: &FieldPath) -> Budget {
        let projects = self
            .rows(t, "projects", p, fields_of(&["budget", "projects"]))
            .into_iter()
            .map(|(rp, r)| self.project_item(r, &rp))
            .collect();
        let other = self
            .table(t, "other", p, fields_of(&["budget", "other"]))
            .map(|o| {
                let op = p.key("other");
                OtherBudgets {
                    government_fund: self.text(o, "government_fund", &op),
                    state_capital: self.text(o, "state_capital", &op),
                    social_insurance: self.text(o, "social_insurance", &op),
                }
            });
        Budget {
            initial: self.amount(t, "initial", p),
            income: self.amount(t, "income", p),
            spent: self.amount(t, "spent", p),
            basic: self.amount(t, "basic", p),
            personnel: self.amount(t, "personnel", p),
            public: self.amount(t, "public", p),
            project: self.amount(t, "project", p),
            projects,
            other,
        }
    }

    fn performance(&mut self, t: Table<'_>, p: &FieldPath) -> Performance {
        let special_funds = self
            .rows(
                t,
                "special_funds",
                p,
                fields_of(&["performance", "special_funds"]),
            )
            .into_iter()
            .map(|(fp, f)| self.special_fund(f, &fp))
            .collect();
        Performance {
            overall: self.text(t, "overall", p),
            special_fund_count: self.count(t, "special_fund_count", p),
            special_funds,
        }
    }

    fn basic_data(&mut self, t: Table<'_>, p: &FieldPath) -> BasicData {
        let costs = self
            .table(t, "costs", p, fields_of(&["basic_data", "costs"]))
            .map(|c| {
                let cp = p.key("costs");
                let mut costs = Costs::default();
                for row in CostRow::ALL {
                    if let Some(cells) = self.table(c, row.key(), &cp, schema::COST_CELLS) {
                        let rp = cp.key(row.key());
                        *costs.row_mut(row) = Some(self.cost_cells(cells, &rp));
                    }
                }
                costs.project_lines = self
                    .rows(
                        c,
                        "project_lines",
                        &cp,
                        fields_of(&["basic_data", "costs", "project_lines"]),
                    )
                    .into_iter()
                    .map(|(lp, l)| self.project_line(l, &lp))
                    .collect();
                costs
            });
        let buildings = self
            .rows(t, "buildings", p, fields_of(&["basic_data", "buildings"]))
            .into_iter()
            .map(|(bp, b)| self.building(b, &bp))
            .collect();
        let signoff = self
            .table(t, "signoff", p, fields_of(&["basic_data", "signoff"]))
            .map(|s| {
                let sp = p.key("signoff");
                Signoff {
                    prepared_by: self.text(s, "prepared_by", &sp),
                    prepared_on: self.text(s, "prepared_on", &sp),
                    phone: self.text(s, "phone", &sp),
                    head: self.text(s, "head", &sp),
                }
            });
        BasicData {
            authorized: self.count(t, "authorized", p),
            in_service: self.count(t, "in_service", p),
            control_rate: self.rate(t, "control_rate", p),
            costs,
            buildings,
            austerity: self.text(t, "austerity", p),
            signoff,
        }
    }

    fn score_sheet(&mut self, t: Table<'_>, p: &FieldPath) -> ScoreSheet {
        let funds = self
            .table(t, "funds", p, fields_of(&["score_sheet", "funds"]))
            .map(|f| {
                let fp = p.key("funds");
                FundsRow {
                    initial: self.amount(f, "initial", &fp),
                    full_year: self.amount(f, "full_year", &fp),
                    executed: self.amount(f, "executed", &fp),
                    weight: self.amount(f, "weight", &fp),
                    rate: self.rate(f, "rate", &fp),
                    score: self.amount(f, "score", &fp),
                }
            });
        let by_source = self
            .table(t, "by_source", p, fields_of(&["score_sheet", "by_source"]))
            .map(|s| {
                let sp = p.key("by_source");
                BySource {
                    total: self.amount(s, "total", &sp),
                    general_public: self.amount(s, "general_public", &sp),
                    government_fund: self.amount(s, "government_fund", &sp),
                    nontax_special: self.amount(s, "nontax_special", &sp),
                    other: self.amount(s, "other", &sp),
                }
            });
        let by_use = self
            .table(t, "by_use", p, fields_of(&["score_sheet", "by_use"]))
            .map(|u| {
                let up = p.key("by_use");
                ByUse {
                    total: self.amount(u, "total", &up),
                    basic: self.amount(u, "basic", &up),
                    project: self.amount(u, "project", &up),
                }
            });
        let goal = self
            .table(t, "goal", p, fields_of(&["score_sheet", "goal"]))
            .map(|g| {
                let gp = p.key("goal");
                Goal {
                    expected: self.text(g, "expected", &gp),
                    actual: self.text(g, "actual", &gp),
                }
            });
        let groups = self
            .rows(t, "groups", p, fields_of(&["score_sheet", "groups"]))
            .into_iter()
            .map(|(gp, g)| self.group(g, &gp))
            .collect();
        ScoreSheet {
            funds,
            by_source,
            by_use,
            goal,
            groups,
            total_weight: self.amount(t, "total_weight", p),
            total_score: self.amount(t, "total_score", p),
        }
    }

    fn project_item(&mut self, r: Table<'_>, rp: &FieldPath) -> ProjectItem {
        ProjectItem {
            name: self.text(r, "name", rp),
            amount: self.amount(r, "amount", rp),
        }
    }

    fn special_fund(&mut self, f: Table<'_>, fp: &FieldPath) -> SpecialFund {
        SpecialFund {
            name: self.text(f, "name", fp),
            scope: self.text(f, "scope", fp),
            budget: self.amount(f, "budget", fp),
            adjustment: self.amount_signed(f, "adjustment", fp, true),
            spent: self.amount(f, "spent", fp),
            carryover: self.amount(f, "carryover", fp),
            description: self.text(f, "description", fp),
        }
    }

    fn project_line(&mut self, l: Table<'_>, lp: &FieldPath) -> ProjectLine {
        ProjectLine {
            name: self.text(l, "name", lp),
            group: self.text(l, "group", lp),
            cells: self.cost_cells(l, lp),
        }
    }

    fn building(&mut self, b: Table<'_>, bp: &FieldPath) -> Building {
        Building {
            name: self.text(b, "name", bp),
            approved_area: self.amount(b, "approved_area", bp),
            actual_area: self.amount(b, "actual_area", bp),
            area_control_rate: self.rate(b, "area_control_rate", bp),
            budget_investment: self.amount(b, "budget_investment", bp),
            actual_investment: self.amount(b, "actual_investment", bp),
            investment_control_rate: self.rate(b, "investment_control_rate", bp),
        }
    }

    /// A first-level indicator with its indicators (unless `keep_rows`).
    fn group(&mut self, g: Table<'_>, gp: &FieldPath) -> Group {
        Group {
            name: self.text(g, "name", gp),
            weight: self.amount(g, "weight", gp),
            indicators: self
                .rows(
                    g,
                    "indicators",
                    gp,
                    fields_of(&["score_sheet", "groups", "indicators"]),
                )
                .into_iter()
                .map(|(ip, i)| self.indicator(i, &ip))
                .collect(),
        }
    }

    fn indicator(&mut self, i: Table<'_>, ip: &FieldPath) -> Indicator {
        Indicator {
            category: self.text(i, "category", ip),
            name: self.text(i, "name", ip),
            target: self.text(i, "target", ip),
            actual: self.text(i, "actual", ip),
            weight: self.amount(i, "weight", ip),
            score: self.amount(i, "score", ip),
            deviation: self.text(i, "deviation", ip),
        }
    }
}

/// Whether the rows table at `rows` is empty (or gone).
fn no_rows(root: &toml_edit::Table, rows: &FieldPath) -> bool {
    let (Some(parent), Some(Seg::Key(key))) = (rows.parent(), rows.segs().last()) else {
        return true;
    };
    match table_at(Table::Edit(root), &parent).and_then(|t| t.get(key)) {
        Some(node) => match node.kind() {
            Kind::Rows(a) | Kind::Array(a) => a.len() == 0,
            _ => false,
        },
        None => true,
    }
}

/// The schema fields of the table or rows at a shape.
fn fields_of(shape: &[&str]) -> &'static [Field] {
    schema::lookup(shape)
        .and_then(|f| f.kind.children())
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn schemes() -> SchemeSet {
        SchemeSet::builtin()
    }

    const HEAD: &str = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n[report]\nunit = \"某局\"\nyear = 2023\n";

    fn ok(body: &str) -> Loaded {
        match load_str(&format!("{HEAD}{body}"), &schemes()) {
            Ok(l) => l,
            Err(f) => panic!("did not load: {:?}", f.findings),
        }
    }

    fn fails(text: &str) -> Vec<Finding> {
        match load_str(text, &schemes()) {
            Ok(_) => panic!("loaded"),
            Err(f) => f.findings,
        }
    }

    /// What the tokens of a text add up to: (tokens, items, tables).
    fn shape_of(text: &str) -> (usize, usize, usize) {
        let mut shape = Shape {
            at_key: true,
            ..Shape::default()
        };
        for token in toml_parser::Source::new(text).lex() {
            assert_eq!(shape.add(text, &token), None);
        }
        (shape.tokens, shape.items, shape.tables)
    }

    #[test]
    fn tables_are_counted_where_the_parsers_make_them() {
        // A section and its values; decimals' dots make no tables.
        assert_eq!(
            shape_of(
                "[budget]
spent = 320.25
"
            )
            .2,
            1
        );
        // Rows under one header name count one each; a new name counts its parts too.
        let rows = "[[score_sheet.groups.indicators]]
score = 1
"
        .repeat(5);
        assert_eq!(shape_of(&rows).2, 5 + 2);
        assert_eq!(
            shape_of(
                "[[a.b]]
[[c.d]]
[[a.b]]
"
            )
            .2,
            3 + 3
        );
        // Dotted keys, inline tables and lists, in values and in inline tables.
        assert_eq!(
            shape_of(
                "a.b.c = 1
"
            )
            .2,
            2
        );
        assert_eq!(
            shape_of(
                "x = [{a.b = 1.5}, [2.5, {}]]
"
            )
            .2,
            5
        );
        // Brackets in strings are text.
        assert_eq!(shape_of("x = \"[[{{.\"\n").2, 0);
        // An item of a list counts twice, a key and a decimal once per word.
        assert_eq!(shape_of("x = [1, \"a\"]\n").1, 1 + 4);
        assert_eq!(shape_of("x = 1.5\n").1, 3);
    }

    #[test]
    fn a_file_shaped_like_no_report_is_refused_before_it_is_parsed() {
        let tables = format!("{HEAD}x = [{}]\n", vec!["{}"; limits::TABLES + 1].join(","));
        let lines = format!("{HEAD}{}", "\n".repeat(limits::TOKENS));
        let items = format!(
            "{HEAD}x = [{}]\n",
            vec!["1"; limits::ITEMS / 2 + 1].join(",")
        );
        for (text, says) in [
            (&tables, "表、行和列表"),
            (&lines, "语法单元"),
            (&items, "键和值"),
        ] {
            for failure in [
                load_str(text, &schemes()).unwrap_err(),
                inspect(text.clone().into_bytes(), &schemes()).unwrap_err(),
            ] {
                assert_eq!(failure.findings.len(), 1);
                let f = &failure.findings[0];
                assert_eq!(f.rule, "X01");
                assert!(f.message.contains(says), "{}", f.message);
                assert!(!f.message.contains('\n'), "{}", f.message);
            }
        }
        // Brackets, dots and quotes in long texts are no tables or items.
        let text = format!(
            "{HEAD}[basic]\nfunctions = [\"{}\"]\n",
            "[{.\\\"'".repeat(limits::TABLES)
        );
        assert!(!clearly_within_limits(text.as_bytes()));
        assert!(too_complex(&text).is_none());
        ok(&text[HEAD.len()..]);
    }

    #[test]
    fn amounts_are_taken_from_the_characters_written() {
        let l = ok("[budget]\ninitial = 29.50\nincome = 0.1\nspent = \"241.75\"\nbasic = 3\n");
        let b = l.report.budget.unwrap();
        assert_eq!(b.initial.value().unwrap().to_string(), "29.50");
        assert_eq!(
            b.income.value().unwrap(),
            Decimal::from_str_exact("0.1").unwrap()
        );
        assert_eq!(b.spent.value().unwrap().to_string(), "241.75");
        assert_eq!(b.basic.value().unwrap().to_string(), "3");
    }

    #[test]
    fn every_wrong_kind_is_reported_at_once_with_its_place() {
        let findings = fails(&format!(
            "{HEAD}[budget]\ninitial = \"abc\"\nspent = -3\n[basic.staff]\nin_service = 3.5\n[performance]\nspecial_fund_count = \"五\"\n"
        ));
        let ids: Vec<_> = findings
            .iter()
            .map(|f| (f.rule, f.path.to_string()))
            .collect();
        assert_eq!(
            ids,
            [
                ("X02", "budget.initial".to_owned()),
                ("X02", "budget.spent".to_owned()),
                ("X02", "basic.staff.in_service".to_owned()),
                ("X02", "performance.special_fund_count".to_owned()),
            ]
        );
        assert!(findings.iter().all(|f| f.span.is_some()));
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_quoted_as_written() {
        // The characters in the file, not the parser's reformatting of them (1E2 → 100.0),
        // so that the user finds what the message means.
        let findings = fails(&format!(
            "{HEAD}[basic]\norganization = 1_000.50\nfunctions = [\"一\", 1E2]\n[closing]\nproblems = +inf\n"
        ));
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "“basic.organization”应为文字（用引号括起），实际是小数 1_000.50",
                "“basic.functions[1]”应为文字，实际是小数 1E2",
                "“closing.problems”应为文字（用引号括起），实际是小数 +inf",
            ]
        );
    }

    #[test]
    fn missing_required_keys_and_unknown_schemes() {
        let findings = fails("scheme = \"nope\"\n[report]\ntitle = \"x\"\n");
        let ids: Vec<_> = findings
            .iter()
            .map(|f| (f.rule, f.path.to_string()))
            .collect();
        assert!(ids.contains(&("X05", "schema".to_owned())));
        assert!(ids.contains(&("X06", "scheme".to_owned())));
        assert!(ids.contains(&("X05", "report.unit".to_owned())));
        assert!(ids.contains(&("X05", "report.year".to_owned())));
        let findings = fails(
            "schema = \"jixiao/2\"\nscheme = \"hunan-department\"\n[report]\nunit = \"x\"\nyear = 2023\n",
        );
        assert_eq!(findings[0].rule, "X05");
    }

    #[test]
    fn not_toml_is_x01_with_a_place() {
        let findings = fails("schema = \"jixiao/1\"\n[budget\n");
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule, "X01");
        assert!(findings[0].span.is_some());
        let failure = load(b"schema = \"\xff\xfe\"\n", &schemes()).unwrap_err();
        assert_eq!(failure.findings[0].rule, "X01");
    }

    #[test]
    fn unknown_keys_are_warnings_with_a_suggestion() {
        let l = ok("[budjet]\nx = 3\n[budget]\nspentt = 1\n");
        let messages: Vec<_> = l
            .notes
            .iter()
            .map(|f| (f.rule, f.message.clone()))
            .collect();
        assert_eq!(messages.len(), 2);
        assert!(messages[0].1.contains("budget"), "{messages:?}");
        assert!(messages[1].1.contains("spent"), "{messages:?}");
    }

    #[test]
    fn more_than_two_decimals_is_x04() {
        let l = ok("[budget]\nspent = 1.005\n");
        assert_eq!(l.notes.len(), 1);
        assert_eq!(l.notes[0].rule, "X04");
    }

    #[test]
    fn any_layout_of_the_same_content_loads_the_same() {
        let sections = ok(
            "[[budget.projects]]\nname = \"a\"\namount = 1.5\n[basic_data.costs]\npublic = { final = 2 }\n",
        );
        let inline = ok(
            "[basic_data.costs.public]\nfinal = 2\n[budget]\nprojects = [{ name = \"a\", amount = \"1.5\" }]\n[basic_data]\n",
        );
        assert_eq!(sections.report.budget, inline.report.budget);
        assert_eq!(sections.report.basic_data, inline.report.basic_data);
    }

    #[test]
    fn slash_and_empty_strings_are_not_filled_in() {
        let l = ok(
            "[[score_sheet.groups]]\nname = \"效益指标\"\n[[score_sheet.groups.indicators]]\nweight = \"/\"\nscore = \"\"\n",
        );
        let i = &l.report.score_sheet.unwrap().groups[0].indicators[0];
        assert_eq!(i.weight, Cell::NotApplicable);
        assert_eq!(i.score, Cell::Blank);
    }

    #[test]
    fn locations_point_at_values_and_rows() {
        let l = ok("[[performance.special_funds]]\nname = \"x\"\nspent = 3\n");
        let row = l
            .locations
            .get(&FieldPath::parse("performance.special_funds[0]").unwrap())
            .unwrap();
        assert_eq!(l.source.line_col(row.start), (6, 1));
        let v = l
            .span(&FieldPath::parse("performance.special_funds[0].spent").unwrap())
            .unwrap();
        assert_eq!(l.source.line_col(v.start), (8, 1));
        assert_eq!(l.source.slice(&v), "spent = 3");
    }
}
