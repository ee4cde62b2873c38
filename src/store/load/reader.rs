//! The reader's core: tables, rows and each kind of value, with X02, X03 and X04 where wrong.

use super::locations::Locations;
use crate::finding::{Finding, Severity};
use crate::model::schema::{self, Field};
use crate::model::*;
use crate::store::source::Source;
use crate::store::tree::{Kind, Node, Table};
use std::ops::Range;
use toml_edit::{Item, Value};

pub(super) struct Reader<'s> {
    src: &'s Source,
    pub(super) errors: Vec<Finding>,
    pub(super) notes: Vec<Finding>,
    pub(super) locations: Locations,
    /// Numbers too large for the parser (blanked out in the document): reported once each by
    /// `report_too_large`, and otherwise treated as absent.
    too_large: Vec<Range<usize>>,
    /// Re-reading one section or row after an edit: the rows of its tables are left out (the
    /// caller keeps the ones it has).
    pub(super) keep_rows: bool,
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
    pub(super) fn new(src: &'s Source, too_large: Vec<Range<usize>>) -> Reader<'s> {
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
    pub(super) fn report_too_large(&mut self, table: Table<'_>, path: &FieldPath) {
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

    pub(super) fn error(
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
    pub(super) fn known_keys(
        &mut self,
        table: Table<'_>,
        path: &FieldPath,
        fields: &'static [Field],
    ) {
        let first = self.notes.len();
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
        // In file order: the two trees list a table's keys in different orders when some
        // were made by dotted keys (`basic.staff = …` inside a row), and the same file must
        // give the same notes whichever reads it.
        self.notes[first..].sort_by_key(|n| n.span.as_ref().map_or(usize::MAX, |s| s.start));
    }

    /// A sub-table (section or inline), or `None` when absent; X02 when it is something else.
    pub(super) fn table<'t>(
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
    pub(super) fn rows<'t>(
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

    /// The text of a figure under `key` (a number as written, or a string trimmed), or the
    /// cell it stands for: blank when missing or empty, `/` when not applicable, and blank
    /// with X02 when it is neither a number nor a string (`what`: the kind expected).
    fn figure_text<'t, T>(
        &mut self,
        t: Table<'t>,
        key: &'static str,
        path: &FieldPath,
        what: &str,
    ) -> Result<(Raw<'t>, String), Cell<T>> {
        let Some(raw) = self.value(t, key, path) else {
            return Err(Cell::Blank);
        };
        let text = match raw.kind {
            Kind::Int(_) | Kind::Float => self.written(&raw),
            Kind::Str(s) => {
                let v = s.trim();
                if v.is_empty() {
                    return Err(Cell::Blank);
                }
                if v == "/" || v == "／" {
                    return Err(Cell::NotApplicable);
                }
                v.to_owned()
            }
            _ => {
                let child = Child { parent: path, key };
                self.error(
                    "X02",
                    &child.path(),
                    raw.span.clone(),
                    format!("“{child}”应为{what}，实际是{}", self.describe(raw.node)),
                );
                return Err(Cell::Blank);
            }
        };
        Ok((raw, text))
    }

    pub(super) fn amount(&mut self, t: Table<'_>, key: &'static str, path: &FieldPath) -> Amount {
        self.amount_signed(t, key, path, false)
    }

    pub(super) fn amount_signed(
        &mut self,
        t: Table<'_>,
        key: &'static str,
        path: &FieldPath,
        signed: bool,
    ) -> Amount {
        let (raw, text) = match self.figure_text(t, key, path, "金额（万元）") {
            Ok(found) => found,
            Err(cell) => return cell,
        };
        let child = Child { parent: path, key };
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

    pub(super) fn rate(&mut self, t: Table<'_>, key: &'static str, path: &FieldPath) -> RateCell {
        let (raw, text) = match self.figure_text(t, key, path, "比率（如 \"71.4%\"）") {
            Ok(found) => found,
            Err(cell) => return cell,
        };
        let child = Child { parent: path, key };
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

    pub(super) fn count(&mut self, t: Table<'_>, key: &'static str, path: &FieldPath) -> Count {
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

    pub(super) fn text(
        &mut self,
        t: Table<'_>,
        key: &'static str,
        path: &FieldPath,
    ) -> Option<String> {
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

    pub(super) fn text_list(
        &mut self,
        t: Table<'_>,
        key: &'static str,
        path: &FieldPath,
    ) -> Vec<String> {
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
}

/// The schema fields of the table or rows at a shape.
pub(super) fn fields_of(shape: &[&str]) -> &'static [Field] {
    schema::lookup(shape)
        .and_then(|f| f.kind.children())
        .unwrap_or(&[])
}
