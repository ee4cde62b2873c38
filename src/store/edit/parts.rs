//! Undo's parts: a part of the document taken before an edit, and put back to undo it.

use super::layout::{assign_positions, pair_positions, prefix, remove_table_row, set_prefix};
use super::navigate::{Node, NodeMut, find, split_last};
use super::{Document, EditError};
use crate::model::{FieldPath, Seg};
use toml_edit::{Item, Table, Value};

impl Document {
    /// The smallest part of the document that setting `path` (or adding a row to the rows at
    /// `path`) can change: the value or rows themselves when they exist, else the first table
    /// that the edit creates; an inline table as a whole when a key is added to it (the cell
    /// before it gives up its closing space).
    pub fn part_for(&self, path: &FieldPath) -> FieldPath {
        let segs = path.segs();
        let root = self.doc.as_item();
        let existing = (0..=segs.len())
            .take_while(|n| find(root, &segs[..*n]).is_some())
            .last()
            .unwrap_or(0);
        if existing == segs.len() {
            return path.clone();
        }
        match find(root, &segs[..existing]) {
            Some(Node::Item(Item::Value(Value::InlineTable(_))))
            | Some(Node::Value(Value::InlineTable(_))) => FieldPath(segs[..existing].to_vec()),
            _ => FieldPath(segs[..=existing].to_vec()),
        }
    }

    /// What undoing a change to the rows at `rows_path` puts back, taken before the change.
    /// For `[[rows]]` that already exist it holds no more than the change needs: the row a
    /// removal takes away, or where the two rows a move swaps were written; a group of
    /// thousands of indicators is not copied to move it. Anything else is the part
    /// `part_for` names.
    pub fn undo_for_rows(&self, rows_path: &FieldPath, edit: RowEdit) -> Part {
        let fallback = || self.take_part(&self.part_for(rows_path));
        let Some(Node::Item(Item::ArrayOfTables(rows))) =
            find(self.doc.as_item(), rows_path.segs())
        else {
            return fallback();
        };
        let op = match edit {
            RowEdit::Insert(i) if i <= rows.len() => RowOp::Remove(i),
            RowEdit::Remove(i) => match rows.get(i) {
                Some(row) => RowOp::Insert(i, Box::new(row.clone()), prefix(rows.get(i + 1))),
                None => return fallback(),
            },
            RowEdit::Move { row, down } => {
                let first = if down { row } else { row.wrapping_sub(1) };
                if rows.get(first).is_none() || rows.get(first.wrapping_add(1)).is_none() {
                    return fallback();
                }
                RowOp::Swap {
                    first,
                    positions: pair_positions(rows, first),
                }
            }
            RowEdit::Insert(_) => return fallback(),
        };
        Part {
            path: rows_path.clone(),
            content: Content::Rows(op),
            implicit: None,
        }
    }

    /// Undoes (or redoes) a change to `[[rows]]`; returns the way back.
    fn put_rows(&mut self, path: &FieldPath, op: RowOp) -> Result<Part, EditError> {
        let shape = || EditError::Shape(path.to_string(), "无法撤销到此处");
        let Some(NodeMut::Item(Item::ArrayOfTables(rows))) = self.node_mut(path) else {
            return Err(shape());
        };
        let back = match op {
            RowOp::Remove(i) if i < rows.len() => {
                let next = prefix(rows.get(i + 1));
                let row = remove_table_row(rows, i);
                RowOp::Insert(i, Box::new(row), next)
            }
            RowOp::Insert(i, row, next) if i <= rows.len() => {
                rows.insert(i, *row);
                if let Some(after) = rows.get_mut(i + 1) {
                    set_prefix(after, next);
                }
                RowOp::Remove(i)
            }
            RowOp::Swap { first, positions } if first + 1 < rows.len() => {
                let current = pair_positions(rows, first);
                let moved = rows.remove(first + 1);
                rows.insert(first, moved);
                let mut positions = positions.into_iter();
                for i in [first, first + 1] {
                    if let Some(row) = rows.get_mut(i) {
                        assign_positions(row, &mut positions);
                    }
                }
                RowOp::Swap {
                    first,
                    positions: current,
                }
            }
            _ => return Err(shape()),
        };
        Ok(Part {
            path: path.clone(),
            content: Content::Rows(back),
            implicit: None,
        })
    }

    /// A copy of the part of the document at `path` (which may be absent), to put back later.
    pub fn take_part(&self, path: &FieldPath) -> Part {
        let content = match find(self.doc.as_item(), path.segs()) {
            None => Content::Absent,
            Some(Node::Item(item)) => Content::Item(item.clone()),
            Some(Node::Table(row)) => Content::Row(row.clone()),
            Some(Node::Value(value)) => Content::Value(value.clone()),
        };
        let implicit =
            path.parent()
                .and_then(|parent| match find(self.doc.as_item(), parent.segs()) {
                    Some(Node::Item(Item::Table(t)) | Node::Table(t)) => Some(t.is_implicit()),
                    _ => None,
                });
        Part {
            path: path.clone(),
            content,
            implicit,
        }
    }

    /// Puts a part taken earlier back in its place; returns what was there (to redo).
    pub fn put_part(&mut self, part: Part) -> Result<Part, EditError> {
        if let Content::Rows(op) = part.content {
            return self.put_rows(&part.path, op);
        }
        let current = self.take_part(&part.path);
        let shape = || EditError::Shape(part.path.to_string(), "无法撤销到此处");
        let (parent_path, last) = split_last(&part.path)?;
        let parent = self.node_mut(&parent_path).ok_or_else(shape)?;
        match (parent, last, part.content) {
            (NodeMut::Item(Item::Table(t)) | NodeMut::Table(t), Seg::Key(key), content) => {
                match content {
                    Content::Absent => {
                        t.remove(&key);
                    }
                    Content::Item(item) => match t.get_mut(&key) {
                        Some(slot) => *slot = item,
                        None => {
                            t.insert(&key, item);
                        }
                    },
                    _ => return Err(shape()),
                }
                if let Some(implicit) = part.implicit {
                    t.set_implicit(implicit);
                }
            }
            (
                NodeMut::Item(Item::Value(Value::InlineTable(t)))
                | NodeMut::Value(Value::InlineTable(t)),
                Seg::Key(key),
                content,
            ) => match content {
                Content::Absent => {
                    t.remove(&key);
                }
                Content::Value(value) => match t.get_mut(&key) {
                    Some(slot) => *slot = value,
                    None => {
                        t.insert(&key, value);
                    }
                },
                _ => return Err(shape()),
            },
            (NodeMut::Item(Item::ArrayOfTables(a)), Seg::Index(i), Content::Row(row)) => {
                *a.get_mut(i).ok_or_else(shape)? = row;
            }
            (
                NodeMut::Item(Item::Value(Value::Array(a))) | NodeMut::Value(Value::Array(a)),
                Seg::Index(i),
                Content::Value(value),
            ) => {
                *a.get_mut(i).ok_or_else(shape)? = value;
            }
            _ => return Err(shape()),
        }
        Ok(current)
    }
}

/// A part of the document as it was: what undo puts back (and redo then puts back again).
#[derive(Debug, Clone)]
pub struct Part {
    path: FieldPath,
    pub(super) content: Content,
    /// Whether the table holding the part was implicit (a value added to it makes it explicit).
    implicit: Option<bool>,
}

impl Part {
    /// Where the part sits.
    pub fn path(&self) -> &FieldPath {
        &self.path
    }
}

#[derive(Debug, Clone)]
pub(super) enum Content {
    Absent,
    Item(Item),
    Row(Table),
    Value(Value),
    /// A change to `[[rows]]`, made to put the part back.
    Rows(RowOp),
}

/// A change to the rows of a table, as the workbench makes them.
#[derive(Debug, Clone, Copy)]
pub enum RowEdit {
    /// A new row at this index.
    Insert(usize),
    /// The row at this index removed.
    Remove(usize),
    /// The row at `row` moved one place down or up.
    Move { row: usize, down: bool },
}

/// A change to `[[rows]]` that undo (or redo) makes: exactly the inverse of the change kept.
#[derive(Debug, Clone)]
pub(super) enum RowOp {
    /// Removes the row at this index (as `remove_row` does, comments kept).
    Remove(usize),
    /// Puts this row back at this index, and gives the row after it this header prefix.
    Insert(usize, Box<Table>, Option<String>),
    /// Swaps the rows at `first` and `first + 1`, then gives their tables (each row and the
    /// tables under it, in order) these positions, which order them in the file.
    Swap {
        first: usize,
        positions: Vec<Option<isize>>,
    },
}
