//! What every report must state at its top (X05), and the `scheme` key as found.

use super::reader::Reader;
use crate::model::*;
use crate::store::source::Source;
use crate::store::tree::Table;
use std::ops::Range;

/// The `scheme` key as the loader found it. The store does not know the schemes: the layer
/// that does (`scheme::SchemeSet::check`) refuses a report that names none (X05) or one it
/// does not have (X06).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SchemeKey {
    /// Not read: the file was refused before it was read (X01).
    #[default]
    Unread,
    /// There is no `scheme` key.
    Missing,
    /// `scheme = "…"`: the scheme it names, and where the text sits.
    Names(String, Option<Range<usize>>),
    /// Something other than a text, which the loader reports (X02).
    NotText,
}

impl SchemeKey {
    /// The `scheme` key of a report's top table, which the loader read as `scheme`.
    pub(super) fn of(root: Table<'_>, scheme: Option<&str>) -> SchemeKey {
        match scheme {
            None if !root.contains_key("scheme") => SchemeKey::Missing,
            None => SchemeKey::NotText,
            Some(id) => {
                let span = root.get("scheme").and_then(|i| i.span());
                SchemeKey::Names(id.to_owned(), span)
            }
        }
    }

    /// The `scheme` key of a document being edited, as the loader would find it.
    pub fn of_document(root: &toml_edit::Table) -> SchemeKey {
        let source = Source::new("");
        let mut reader = Reader::new(&source, Vec::new());
        let scheme = reader.text(Table::Edit(root), "scheme", &FieldPath::root());
        SchemeKey::of(Table::Edit(root), scheme.as_deref())
    }
}

impl Reader<'_> {
    pub(super) fn required_top(&mut self, root: Table<'_>, report: &Report) {
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
    }

    pub(super) fn required_cover(&mut self, root: Table<'_>, report: &Report) {
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
}
