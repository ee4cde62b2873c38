//! Format-preserving edits: set a value at a key path, add, remove and move rows, and every
//! comment, blank line, key order, quoting and number spelling elsewhere stays byte for byte.

mod encode;
mod layout;
mod navigate;
mod parts;
#[cfg(test)]
mod tests;

pub use parts::{Part, RowEdit};

use super::source::Source;
use crate::model::schema::Kind;
use crate::model::{FieldPath, Seg};
use encode::{encode_input, has_lone_lf, to_crlf, written_value};
use layout::{
    insert_array_item, remove_array_item, remove_table_row, set_positions, swap_array_items,
};
use navigate::{Container, Node, NodeMut, field_for, find, split_index, split_last};
use navigate::{set_in_inline, set_in_table};
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

/// Why an edit was refused; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("不认识的键“{path}”{hint}")]
    UnknownKey { path: String, hint: String },
    #[error("“{path}”（{label}）：{why}")]
    BadValue {
        path: String,
        label: &'static str,
        why: String,
    },
    #[error("“{0}”不存在（行号超出范围）")]
    NoSuchRow(String),
    #[error("“{0}”不是可以增删的行或列表")]
    NotRows(String),
    #[error("“{0}”在文件里不是预期的结构（{1}），请先修正文件")]
    Shape(String, &'static str),
    #[error("文件无法解析：{0}")]
    Parse(String),
}

/// A report file open for editing: the TOML document model plus how the file was written
/// (byte-order mark, line endings), so that saving gives back every untouched byte.
#[derive(Debug, Clone)]
pub struct Document {
    doc: DocumentMut,
    bom: bool,
    crlf: bool,
    /// Whether the file ended with a line break (the TOML writer always ends with one).
    final_newline: bool,
}

impl Document {
    /// Parses a source for editing.
    pub fn parse(source: &Source) -> Result<Document, EditError> {
        let doc = source
            .text
            .parse::<DocumentMut>()
            .map_err(|e| EditError::Parse(e.message().to_owned()))?;
        let crlf = source.text.contains("\r\n") && !has_lone_lf(&source.text);
        Ok(Document {
            doc,
            bom: source.bom,
            crlf,
            final_newline: source.text.is_empty() || source.text.ends_with('\n'),
        })
    }

    /// The editor for a report just loaded: takes the tree the loader parsed instead of
    /// parsing the text a second time (on a large report a parse is most of the cost of
    /// opening it). Falls back to parsing when the tree was already taken.
    pub fn from_loaded(loaded: &mut super::Loaded) -> Result<Document, EditError> {
        let Some(super::load::Parsed::Edit(parsed)) = loaded.parsed.take() else {
            return Document::parse(&loaded.source);
        };
        let source = &loaded.source;
        let crlf = source.text.contains("\r\n") && !has_lone_lf(&source.text);
        Ok(Document {
            doc: (*parsed).into_mut(),
            bom: source.bom,
            crlf,
            final_newline: source.text.is_empty() || source.text.ends_with('\n'),
        })
    }

    /// The whole file as it will be saved.
    pub fn to_text(&self) -> String {
        let mut body = self.doc.to_string();
        if !self.final_newline && body.ends_with('\n') {
            body.pop();
        }
        let body = if self.crlf { to_crlf(&body) } else { body };
        if self.bom {
            format!("\u{feff}{body}")
        } else {
            body
        }
    }

    /// The value at a path as written in the file (`29.50`, `71.4%`, a text), if present.
    pub fn written(&self, path: &FieldPath) -> Option<String> {
        match find(self.doc.as_item(), path.segs())? {
            Node::Item(Item::Value(v)) | Node::Value(v) => Some(written_value(v)),
            _ => None,
        }
    }

    /// How many rows or items a row path holds now.
    pub fn row_count(&self, path: &FieldPath) -> usize {
        match find(self.doc.as_item(), path.segs()) {
            Some(Node::Item(Item::ArrayOfTables(a))) => a.len(),
            Some(Node::Item(Item::Value(Value::Array(a))) | Node::Value(Value::Array(a))) => {
                a.len()
            }
            _ => 0,
        }
    }

    /// Sets the value at `path` from what the user typed, after validating it for the key's
    /// kind. Empty input makes the field blank: an existing key keeps its line (and its
    /// comment) with the value `""`; an absent key stays absent.
    pub fn set(&mut self, path: &FieldPath, input: &str) -> Result<(), EditError> {
        let field = field_for(path)?;
        let (parent_path, last) = split_last(path)?;
        let old = match find(self.doc.as_item(), path.segs()) {
            Some(Node::Item(Item::Value(v)) | Node::Value(v)) => Some(v.clone()),
            _ => None,
        };
        let new_value = match encode_input(path, field, input, old.as_ref())? {
            Some(v) => v,
            None if old.is_some() => Value::from(""),
            None => return Ok(()),
        };
        let parent = self.ensure_container(&parent_path)?;
        match parent {
            Container::Table(t) => set_in_table(t, &last, new_value),
            Container::Inline(t) => set_in_inline(t, &last, new_value),
            Container::Array(a) => {
                let Seg::Index(i) = last else {
                    return Err(EditError::Shape(path.to_string(), "列表项应按序号访问"));
                };
                let slot = a
                    .get_mut(i)
                    .ok_or_else(|| EditError::NoSuchRow(path.to_string()))?;
                let decor = slot.decor().clone();
                *slot = new_value;
                *slot.decor_mut() = decor;
            }
        }
        Ok(())
    }

    /// Inserts an empty row (or empty list item) at `index` of the rows at `rows_path`;
    /// returns the new row's path.
    pub fn insert_row(
        &mut self,
        rows_path: &FieldPath,
        index: usize,
    ) -> Result<FieldPath, EditError> {
        let field = field_for(rows_path)?;
        let (parent_path, last) = split_last(rows_path)?;
        let Seg::Key(key) = last else {
            return Err(EditError::NotRows(rows_path.to_string()));
        };
        match field.kind {
            Kind::Rows(_) => {
                let parent = self.ensure_container(&parent_path)?;
                match parent {
                    Container::Table(t) => {
                        let item = t
                            .entry(&key)
                            .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()));
                        match item {
                            Item::ArrayOfTables(a) => {
                                if index > a.len() {
                                    return Err(EditError::NoSuchRow(
                                        rows_path.index(index).to_string(),
                                    ));
                                }
                                // Written just before the row it goes before (the writer
                                // orders sections by position, then by document order); an
                                // appended row follows its predecessor.
                                let mut row = Table::new();
                                row.set_position(a.get(index).and_then(|t| t.position()));
                                a.insert(index, row);
                            }
                            Item::Value(Value::Array(a)) => {
                                if index > a.len() {
                                    return Err(EditError::NoSuchRow(
                                        rows_path.index(index).to_string(),
                                    ));
                                }
                                insert_array_item(a, index, Value::InlineTable(InlineTable::new()));
                            }
                            _ => return Err(EditError::Shape(rows_path.to_string(), "应为表格行")),
                        }
                    }
                    Container::Inline(t) => {
                        let value = t.entry(&key).or_insert_with(|| Value::Array(Array::new()));
                        let Value::Array(a) = value else {
                            return Err(EditError::Shape(rows_path.to_string(), "应为表格行"));
                        };
                        if index > a.len() {
                            return Err(EditError::NoSuchRow(rows_path.index(index).to_string()));
                        }
                        insert_array_item(a, index, Value::InlineTable(InlineTable::new()));
                    }
                    Container::Array(_) => {
                        return Err(EditError::Shape(rows_path.to_string(), "应为表格行"));
                    }
                }
            }
            Kind::TextList => {
                let parent = self.ensure_container(&parent_path)?;
                let array = match parent {
                    Container::Table(t) => t
                        .entry(&key)
                        .or_insert_with(|| Item::Value(Value::Array(Array::new())))
                        .as_array_mut(),
                    Container::Inline(t) => t
                        .entry(&key)
                        .or_insert_with(|| Value::Array(Array::new()))
                        .as_array_mut(),
                    Container::Array(_) => None,
                }
                .ok_or_else(|| EditError::Shape(rows_path.to_string(), "应为文字列表"))?;
                if index > array.len() {
                    return Err(EditError::NoSuchRow(rows_path.index(index).to_string()));
                }
                insert_array_item(array, index, Value::from(""));
            }
            _ => return Err(EditError::NotRows(rows_path.to_string())),
        }
        Ok(rows_path.index(index))
    }

    /// Removes the row (or list item) at `row_path` (`…[n]`), its own lines with it.
    pub fn remove_row(&mut self, row_path: &FieldPath) -> Result<(), EditError> {
        let (rows_path, index) = split_index(row_path)?;
        match self.node_mut(&rows_path) {
            Some(NodeMut::Item(Item::ArrayOfTables(a))) if index < a.len() => {
                remove_table_row(a, index);
                Ok(())
            }
            Some(NodeMut::Item(Item::Value(Value::Array(a))) | NodeMut::Value(Value::Array(a)))
                if index < a.len() =>
            {
                remove_array_item(a, index);
                Ok(())
            }
            _ => Err(EditError::NoSuchRow(row_path.to_string())),
        }
    }

    /// Moves the row at `row_path` one place up (`-1`) or down (`+1`); returns its new path.
    pub fn move_row(&mut self, row_path: &FieldPath, down: bool) -> Result<FieldPath, EditError> {
        let (rows_path, index) = split_index(row_path)?;
        let len = self.row_count(&rows_path);
        let other = if down {
            index + 1
        } else {
            index.wrapping_sub(1)
        };
        if index >= len || other >= len {
            return Err(EditError::NoSuchRow(row_path.to_string()));
        }
        let (first, second) = (index.min(other), index.max(other));
        match self.node_mut(&rows_path) {
            Some(NodeMut::Item(Item::ArrayOfTables(a))) => {
                // Both rows (and everything under them) are written where the first of them
                // was, in their new order: the writer orders sections by position, then by
                // their order in the document.
                let position = a.get(first).and_then(|t| t.position());
                let moved = a.remove(second);
                a.insert(first, moved);
                for i in [first, second] {
                    if let Some(t) = a.get_mut(i) {
                        set_positions(t, position);
                    }
                }
            }
            Some(NodeMut::Item(Item::Value(Value::Array(a))) | NodeMut::Value(Value::Array(a))) => {
                swap_array_items(a, first);
            }
            _ => return Err(EditError::NoSuchRow(row_path.to_string())),
        }
        Ok(rows_path.index(other))
    }

    /// The document's root table, for re-reading the model after an edit.
    pub fn root(&self) -> &Table {
        self.doc.as_table()
    }
}
