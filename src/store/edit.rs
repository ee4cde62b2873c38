//! Format-preserving edits: set a value at a key path, add, remove and move rows, and every
//! comment, blank line, key order, quoting and number spelling elsewhere stays byte for byte.

use super::source::Source;
use crate::model::schema::{self, Field, Kind};
use crate::model::{FieldPath, Seg, parse_amount, parse_rate};
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

    /// The document's root table, for re-reading the model after an edit.
    pub fn root(&self) -> &Table {
        self.doc.as_table()
    }

    fn node_mut(&mut self, path: &FieldPath) -> Option<NodeMut<'_>> {
        walk_mut(
            NodeMut::Item(self.doc.as_item_mut()),
            path.segs(),
            schema::ROOT,
            FieldPath::root(),
            false,
        )
        .ok()
    }

    /// The table (or inline table, or array) at `path`, created as the schema says when absent.
    fn ensure_container(&mut self, path: &FieldPath) -> Result<Container<'_>, EditError> {
        let node = walk_mut(
            NodeMut::Item(self.doc.as_item_mut()),
            path.segs(),
            schema::ROOT,
            FieldPath::root(),
            true,
        )?;
        match node {
            NodeMut::Item(Item::Table(t)) | NodeMut::Table(t) => Ok(Container::Table(t)),
            NodeMut::Item(Item::Value(Value::InlineTable(t)))
            | NodeMut::Value(Value::InlineTable(t)) => Ok(Container::Inline(t)),
            NodeMut::Item(Item::Value(Value::Array(a))) | NodeMut::Value(Value::Array(a)) => {
                Ok(Container::Array(a))
            }
            _ => Err(EditError::Shape(path.to_string(), "应为表")),
        }
    }
}

/// A part of the document as it was: what undo puts back (and redo then puts back again).
#[derive(Debug, Clone)]
pub struct Part {
    path: FieldPath,
    content: Content,
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
enum Content {
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
enum RowOp {
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

/// The positions of the tables of rows `first` and `first + 1`, in the order
/// `assign_positions` gives them back.
fn pair_positions(rows: &ArrayOfTables, first: usize) -> Vec<Option<isize>> {
    let mut positions = Vec::new();
    for row in rows.iter().skip(first).take(2) {
        positions_of(row, &mut positions);
    }
    positions
}

/// The positions of a row's tables (the row and every table under it, in order).
fn positions_of(table: &Table, out: &mut Vec<Option<isize>>) {
    out.push(table.position());
    for (_, item) in table.iter() {
        match item {
            Item::Table(t) => positions_of(t, out),
            Item::ArrayOfTables(a) => a.iter().for_each(|t| positions_of(t, out)),
            _ => {}
        }
    }
}

/// Calls `f` on a row's tables, in the order `positions_of` lists them.
fn each_table_mut(table: &mut Table, f: &mut impl FnMut(&mut Table)) {
    f(table);
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(t) => each_table_mut(t, f),
            Item::ArrayOfTables(a) => a.iter_mut().for_each(|t| each_table_mut(t, f)),
            _ => {}
        }
    }
}

/// Gives a row's tables the positions `positions_of` took.
fn assign_positions(table: &mut Table, positions: &mut impl Iterator<Item = Option<isize>>) {
    each_table_mut(table, &mut |t| {
        if let Some(position) = positions.next() {
            t.set_position(position);
        }
    });
}

/// A row's header prefix (the lines above `[[…]]`), as written.
fn prefix(table: Option<&Table>) -> Option<String> {
    table?
        .decor()
        .prefix()
        .and_then(|p| p.as_str())
        .map(str::to_owned)
}

/// Gives a row's header exactly this prefix (None: the default one).
fn set_prefix(table: &mut Table, prefix: Option<String>) {
    let decor = table.decor_mut();
    match prefix {
        Some(prefix) => decor.set_prefix(prefix),
        None => {
            let suffix = decor.suffix().cloned();
            decor.clear();
            if let Some(suffix) = suffix {
                decor.set_suffix(suffix);
            }
        }
    }
}

/// Of the lines above a row's header, those that are not the row's own: everything up to
/// and including the last blank line (a note on the section or on the row before). The
/// comment lines after it, right above the header, and the header's indentation are the
/// row's own.
fn notes_above(prefix: &str) -> &str {
    let mut cut = 0;
    let mut at = 0;
    for line in prefix.split_inclusive('\n') {
        at += line.len();
        if line.ends_with('\n') && line.trim().is_empty() {
            cut = at;
        }
    }
    &prefix[..cut]
}

/// Removes a row of `[[…]]`: its own comment lines go with it, the lines above them stay,
/// above the row that follows.
fn remove_table_row(rows: &mut ArrayOfTables, index: usize) -> Table {
    let removed = rows.remove(index);
    let stay = prefix(Some(&removed)).map(|p| notes_above(&p).to_owned());
    if let (Some(stay), Some(next)) = (stay, rows.get_mut(index))
        && !stay.is_empty()
    {
        let after = prefix(Some(next)).unwrap_or_default();
        // One blank line between the note and the next row, not two.
        let after = match after.strip_prefix('\n') {
            Some(rest) if stay.ends_with("\n\n") || stay == "\n" => rest.to_owned(),
            _ => after,
        };
        next.decor_mut().set_prefix(format!("{stay}{after}"));
    }
    removed
}

enum Container<'a> {
    Table(&'a mut Table),
    Inline(&'a mut InlineTable),
    Array(&'a mut Array),
}

/// A place in the document: an item, a row table of an array of tables, or a value inside
/// an inline table or array.
enum Node<'a> {
    Item(&'a Item),
    Table(&'a Table),
    Value(&'a Value),
}

enum NodeMut<'a> {
    Item(&'a mut Item),
    Table(&'a mut Table),
    Value(&'a mut Value),
}

fn find<'a>(root: &'a Item, segs: &[Seg]) -> Option<Node<'a>> {
    let mut node = Node::Item(root);
    for seg in segs {
        node = match (node, seg) {
            (Node::Item(Item::Table(t)) | Node::Table(t), Seg::Key(k)) => Node::Item(t.get(k)?),
            (Node::Item(Item::ArrayOfTables(a)), Seg::Index(i)) => Node::Table(a.get(*i)?),
            (Node::Item(Item::Value(v)) | Node::Value(v), seg) => match (v, seg) {
                (Value::InlineTable(t), Seg::Key(k)) => Node::Value(t.get(k)?),
                (Value::Array(a), Seg::Index(i)) => Node::Value(a.get(*i)?),
                _ => return None,
            },
            _ => return None,
        };
    }
    Some(node)
}

/// Walks to `segs`, creating missing tables as the schema says when `create` is set.
fn walk_mut<'a>(
    node: NodeMut<'a>,
    segs: &[Seg],
    fields: &'static [Field],
    walked: FieldPath,
    create: bool,
) -> Result<NodeMut<'a>, EditError> {
    let Some((seg, rest)) = segs.split_first() else {
        return Ok(node);
    };
    match seg {
        Seg::Key(key) => {
            let here = walked.key(key);
            let field = fields
                .iter()
                .find(|f| f.key == key)
                .ok_or_else(|| unknown(&here, fields))?;
            let children = field.kind.children().unwrap_or(&[]);
            let missing = || EditError::Shape(here.to_string(), "不存在");
            let next = match node {
                NodeMut::Item(Item::Table(t)) | NodeMut::Table(t) => {
                    if create {
                        NodeMut::Item(t.entry(key).or_insert_with(|| new_container(field.kind)))
                    } else {
                        NodeMut::Item(t.get_mut(key).ok_or_else(missing)?)
                    }
                }
                NodeMut::Item(Item::Value(Value::InlineTable(t)))
                | NodeMut::Value(Value::InlineTable(t)) => {
                    if create {
                        NodeMut::Value(
                            t.entry(key)
                                .or_insert_with(|| new_inline_container(field.kind)),
                        )
                    } else {
                        NodeMut::Value(t.get_mut(key).ok_or_else(missing)?)
                    }
                }
                _ => return Err(EditError::Shape(walked.to_string(), "应为表")),
            };
            walk_mut(next, rest, children, here, create)
        }
        Seg::Index(i) => {
            let here = walked.index(*i);
            let next = match node {
                NodeMut::Item(Item::ArrayOfTables(a)) => NodeMut::Table(
                    a.get_mut(*i)
                        .ok_or_else(|| EditError::NoSuchRow(here.to_string()))?,
                ),
                NodeMut::Item(Item::Value(Value::Array(a))) | NodeMut::Value(Value::Array(a)) => {
                    NodeMut::Value(
                        a.get_mut(*i)
                            .ok_or_else(|| EditError::NoSuchRow(here.to_string()))?,
                    )
                }
                _ => return Err(EditError::Shape(walked.to_string(), "应为表格行")),
            };
            walk_mut(next, rest, fields, here, create)
        }
    }
}

/// A new, empty container for a key of this kind; sections are implicit until they hold values.
fn new_container(kind: Kind) -> Item {
    match kind {
        Kind::InlineTable(_) => Item::Value(Value::InlineTable(InlineTable::new())),
        Kind::Rows(_) => Item::ArrayOfTables(ArrayOfTables::new()),
        Kind::TextList => Item::Value(Value::Array(Array::new())),
        _ => {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        }
    }
}

fn new_inline_container(kind: Kind) -> Value {
    match kind {
        Kind::Rows(_) | Kind::TextList => Value::Array(Array::new()),
        _ => Value::InlineTable(InlineTable::new()),
    }
}

fn set_positions(table: &mut Table, position: Option<isize>) {
    each_table_mut(table, &mut |t| t.set_position(position));
}

fn set_in_table(table: &mut Table, last: &Seg, mut value: Value) {
    let Seg::Key(key) = last else { return };
    table.set_implicit(false);
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        _ => {
            table.insert(key, Item::Value(value));
        }
    }
}

fn set_in_inline(table: &mut InlineTable, last: &Seg, mut value: Value) {
    let Seg::Key(key) = last else { return };
    match table.get_mut(key) {
        Some(old) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        None => {
            // The last cell holds the space before `}`: hand it on to the new last cell.
            let closing = table.iter_mut().last().map(|(_, last)| {
                let suffix = last.decor().suffix().cloned();
                last.decor_mut().set_suffix("");
                suffix
            });
            if let Some(Some(suffix)) = closing {
                value.decor_mut().set_prefix(" ");
                value.decor_mut().set_suffix(suffix);
            }
            table.insert(key, value);
        }
    }
}

/// The text before an item of an array, in three parts: the line break that ends the line
/// before it (with whatever that line holds after the comma), the comment and blank lines that
/// belong to the item, and its indentation.
struct Prefix<'a> {
    head: &'a str,
    block: &'a str,
    tail: &'a str,
}

fn split_prefix(prefix: &str) -> Prefix<'_> {
    match (prefix.find('\n'), prefix.rfind('\n')) {
        (Some(first), Some(last)) => Prefix {
            head: &prefix[..=first],
            block: &prefix[first + 1..=last],
            tail: &prefix[last + 1..],
        },
        _ => Prefix {
            head: "",
            block: "",
            tail: prefix,
        },
    }
}

fn prefix_of(value: &Value) -> String {
    value
        .decor()
        .prefix()
        .and_then(|p| p.as_str())
        .unwrap_or("")
        .to_owned()
}

fn suffix_of(value: &Value) -> String {
    value
        .decor()
        .suffix()
        .and_then(|p| p.as_str())
        .unwrap_or("")
        .to_owned()
}

/// The prefix of an item placed where `position` was: that place's line break and indentation,
/// with the item's own comment lines between them.
fn relayout(position: &str, own: &str) -> String {
    let (place, own) = (split_prefix(position), split_prefix(own));
    if own.block.is_empty() {
        return format!("{}{}", place.head, place.tail);
    }
    let head = if place.head.is_empty() {
        "\n"
    } else {
        place.head
    };
    let tail = if place.head.is_empty() {
        own.tail
    } else {
        place.tail
    };
    format!("{head}{}{tail}", own.block)
}

/// Inserts an item with the layout of its neighbours (one item per line stays one item per
/// line) but none of their comments.
fn insert_array_item(array: &mut Array, index: usize, mut value: Value) {
    let len = array.len();
    let neighbour = if index < len {
        index
    } else {
        len.wrapping_sub(1)
    };
    if let Some(model) = array.get(neighbour) {
        let model = prefix_of(model);
        let split = split_prefix(&model);
        let head = if split.head.is_empty() { "" } else { "\n" };
        value
            .decor_mut()
            .set_prefix(format!("{head}{}", split.tail));
        value.decor_mut().set_suffix("");
    }
    if index == len
        && let Some(last) = len.checked_sub(1).and_then(|i| array.get_mut(i))
    {
        // Appending: the space before `]` that the old last item carried passes to the new one.
        let suffix = suffix_of(last);
        if suffix.trim().is_empty() {
            last.decor_mut().set_suffix("");
            value.decor_mut().set_suffix(suffix);
        }
    }
    array.insert_formatted(index, value);
    if index == 0
        && let Some(second) = array.get_mut(1)
        && prefix_of(second).is_empty()
    {
        // The old first item is first no more: on one line it needs a space after the comma.
        second.decor_mut().set_prefix(" ");
    }
}

/// Removes an item, its own comment lines with it; the items around keep their layout.
fn remove_array_item(array: &mut Array, index: usize) {
    let len = array.len();
    let removed = array.remove(index);
    if index == 0
        && let Some(first) = array.get_mut(0)
    {
        let prefix = relayout(&prefix_of(&removed), &prefix_of(first));
        first.decor_mut().set_prefix(prefix);
    }
    if index + 1 == len
        && let Some(last) = index.checked_sub(1).and_then(|i| array.get_mut(i))
    {
        // The space before `]` that the removed last item carried passes to the new last one.
        let suffix = suffix_of(&removed);
        if suffix.trim().is_empty() {
            last.decor_mut().set_suffix(suffix);
        }
    }
}

/// Swaps the items at `first` and `first + 1`: each takes the other's place and layout, and
/// keeps its own comment lines.
fn swap_array_items(array: &mut Array, first: usize) {
    let second = first + 1;
    let (Some(a), Some(b)) = (array.get(first), array.get(second)) else {
        return;
    };
    let (p1, s1, p2, s2) = (prefix_of(a), suffix_of(a), prefix_of(b), suffix_of(b));
    let moved = array.remove(second);
    array.insert_formatted(first, moved);
    for (i, prefix, suffix) in [
        (first, relayout(&p1, &p2), s1),
        (second, relayout(&p2, &p1), s2),
    ] {
        if let Some(item) = array.get_mut(i) {
            item.decor_mut().set_prefix(prefix);
            item.decor_mut().set_suffix(suffix);
        }
    }
}

fn has_lone_lf(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .any(|(i, b)| *b == b'\n' && (i == 0 || bytes[i - 1] != b'\r'))
}

fn to_crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 40);
    let mut prev = '\0';
    for c in text.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

fn written_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.value().clone(),
        Value::Integer(i) => i.display_repr().trim().to_owned(),
        Value::Float(f) => f.display_repr().trim().to_owned(),
        other => other.to_string().trim().to_owned(),
    }
}

fn field_for(path: &FieldPath) -> Result<&'static Field, EditError> {
    let shape = path.shape();
    schema::lookup(&shape).ok_or_else(|| {
        // Suggest within the deepest table that is known.
        let mut fields = schema::ROOT;
        let mut hint = String::new();
        for key in &shape {
            match fields.iter().find(|f| f.key == *key) {
                Some(f) => fields = f.kind.children().unwrap_or(&[]),
                None => {
                    if let Some(k) = schema::nearest_key(key, fields) {
                        hint = format!("，是否想写“{k}”？");
                    }
                    break;
                }
            }
        }
        EditError::UnknownKey {
            path: path.to_string(),
            hint,
        }
    })
}

fn unknown(path: &FieldPath, fields: &[Field]) -> EditError {
    let hint = path
        .last_key()
        .and_then(|k| schema::nearest_key(k, fields))
        .map(|k| format!("，是否想写“{k}”？"))
        .unwrap_or_default();
    EditError::UnknownKey {
        path: path.to_string(),
        hint,
    }
}

fn split_last(path: &FieldPath) -> Result<(FieldPath, Seg), EditError> {
    let last = path
        .segs()
        .last()
        .cloned()
        .ok_or_else(|| EditError::Shape(String::new(), "路径为空"))?;
    Ok((path.parent().unwrap_or_default(), last))
}

fn split_index(path: &FieldPath) -> Result<(FieldPath, usize), EditError> {
    match split_last(path)? {
        (parent, Seg::Index(i)) => Ok((parent, i)),
        _ => Err(EditError::NotRows(path.to_string())),
    }
}

/// Validates what the user typed for a key and turns it into the TOML value to write;
/// `None` means "blank" (remove the key).
fn encode_input(
    path: &FieldPath,
    field: &'static Field,
    input: &str,
    old: Option<&Value>,
) -> Result<Option<Value>, EditError> {
    let bad = |why: String| EditError::BadValue {
        path: path.to_string(),
        label: field.label,
        why,
    };
    let trimmed = input.trim();
    let old_is_quoted_figure = matches!(old, Some(Value::String(s)) if {
        let v = s.value().trim();
        !v.is_empty() && v != "/"
    });
    match field.kind {
        Kind::Amount | Kind::SignedAmount => {
            if trimmed.is_empty() {
                return Ok(None);
            }
            if trimmed == "/" || trimmed == "／" {
                return Ok(Some(Value::from("/")));
            }
            let amount = parse_amount(trimmed).map_err(|e| bad(e.0))?;
            if amount.is_sign_negative() && !amount.is_zero() && field.kind == Kind::Amount {
                return Err(bad("此处金额不能为负".to_owned()));
            }
            let text = amount.to_string();
            if old_is_quoted_figure {
                return Ok(Some(Value::from(text)));
            }
            text.parse::<Value>()
                .map_err(|_| bad(format!("“{trimmed}”无法写成数字")))
                .map(Some)
        }
        Kind::Count => {
            if trimmed.is_empty() {
                return Ok(None);
            }
            if trimmed == "/" || trimmed == "／" {
                return Ok(Some(Value::from("/")));
            }
            let number = parse_amount(trimmed).map_err(|e| bad(e.0))?;
            if number.scale() != 0 || number.is_sign_negative() && !number.is_zero() {
                return Err(bad(format!("“{trimmed}”应为不小于 0 的整数")));
            }
            let n = i64::try_from(number).map_err(|_| bad(format!("“{trimmed}”太大")))?;
            Ok(Some(Value::from(n)))
        }
        Kind::Rate => {
            if trimmed.is_empty() {
                return Ok(None);
            }
            if trimmed == "/" || trimmed == "／" {
                return Ok(Some(Value::from("/")));
            }
            let rate = parse_rate(trimmed).map_err(|e| bad(e.0))?;
            let keeps_fullwidth = trimmed.ends_with('％');
            let text = format!(
                "{}{}",
                rate.percent,
                if keeps_fullwidth { "％" } else { "%" }
            );
            match old {
                Some(Value::Integer(_) | Value::Float(_)) if !trimmed.ends_with(['%', '％']) => {
                    rate.percent
                        .to_string()
                        .parse::<Value>()
                        .map(Some)
                        .map_err(|_| bad(format!("“{trimmed}”无法写成数字")))
                }
                _ => Ok(Some(Value::from(text))),
            }
        }
        Kind::Text | Kind::LongText => {
            if input.is_empty() {
                return Ok(None);
            }
            let was_multiline = matches!(old, Some(Value::String(s))
                if s.as_repr().and_then(|r| r.as_raw().as_str()).is_some_and(|raw| raw.starts_with("\"\"\"") || raw.starts_with("'''")));
            if input.contains('\n') && (was_multiline || field.kind == Kind::LongText) {
                multiline_string(input)
                    .map(Some)
                    .ok_or_else(|| bad("文字无法写入".to_owned()))
            } else {
                Ok(Some(Value::from(input)))
            }
        }
        Kind::TextList | Kind::Table(_) | Kind::InlineTable(_) | Kind::Rows(_) => {
            if let Some(Seg::Index(_)) = path.segs().last() {
                // An item of a text list.
                return Ok(Some(Value::from(input)));
            }
            Err(bad(format!("{}不能直接赋值", field.kind.describe())))
        }
    }
}

/// A `"""` string holding the text as written, line breaks kept.
fn multiline_string(text: &str) -> Option<Value> {
    let mut body = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => body.push_str("\\\\"),
            '"' => body.push_str("\\\""),
            '\n' => body.push('\n'),
            '\t' => body.push_str("\\t"),
            c if c.is_control() => body.push_str(&format!("\\u{:04X}", c as u32)),
            c => body.push(c),
        }
    }
    format!("\"\"\"\n{body}\"\"\"").parse::<Value>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::parse(&Source::new(text)).unwrap()
    }

    fn p(s: &str) -> FieldPath {
        FieldPath::parse(s).unwrap()
    }

    const SAMPLE: &str = "# 报告\nschema = \"jixiao/1\"  # 版本\n\n[budget]\ninitial = 241.75   # 年初\nspent = \"320.25\"\n\n# 专项一\n[[performance.special_funds]]\nname = \"安全监管\"\nspent = 56.58 # 实际\n\n# 专项二\n[[performance.special_funds]]\nname = \"疫情防控专项\"\n\n[basic_data.costs]\npublic = { prev_final = 24.14, final = 20.67 }\n";

    #[test]
    fn setting_a_value_changes_only_that_value() {
        let mut d = doc(SAMPLE);
        d.set(&p("performance.special_funds[0].spent"), "299.58")
            .unwrap();
        let out = d.to_text();
        assert_eq!(
            out,
            SAMPLE.replace("spent = 56.58 # 实际", "spent = 299.58 # 实际")
        );
    }

    #[test]
    fn amounts_are_written_as_typed_and_quoted_ones_stay_quoted() {
        let mut d = doc(SAMPLE);
        d.set(&p("budget.initial"), "29.50").unwrap();
        d.set(&p("budget.spent"), "3").unwrap();
        let out = d.to_text();
        assert!(out.contains("initial = 29.50   # 年初\n"), "{out}");
        assert!(out.contains("spent = \"3\"\n"), "{out}");
    }

    #[test]
    fn inline_table_cells_are_set_and_added_in_place() {
        let mut d = doc(SAMPLE);
        d.set(&p("basic_data.costs.public.final"), "20.66").unwrap();
        d.set(&p("basic_data.costs.public.budget"), "21.99")
            .unwrap();
        let out = d.to_text();
        assert!(
            out.contains("public = { prev_final = 24.14, final = 20.66, budget = 21.99 }"),
            "{out}"
        );
    }

    #[test]
    fn missing_tables_are_created() {
        let mut d = doc(SAMPLE);
        d.set(&p("basic_data.costs.office.final"), "0.86").unwrap();
        d.set(&p("score_sheet.funds.weight"), "10").unwrap();
        let out = d.to_text();
        assert!(out.starts_with(SAMPLE.trim_end_matches('\n')), "{out}");
        assert!(out.contains("office = { final = 0.86 }"), "{out}");
        assert!(out.contains("[score_sheet.funds]\nweight = 10\n"), "{out}");
    }

    #[test]
    fn bad_values_change_nothing() {
        let mut d = doc(SAMPLE);
        for (path, value) in [
            ("budget.initial", "12..5"),
            ("budget.initial", "-3"),
            ("budget.initial", "abc"),
            ("basic.staff.in_service", "3.5"),
            ("basic_data.control_rate", "七成"),
        ] {
            assert!(d.set(&p(path), value).is_err(), "{path}={value}");
        }
        assert!(matches!(
            d.set(&p("budget.initail"), "1"),
            Err(EditError::UnknownKey { .. })
        ));
        assert_eq!(d.to_text(), SAMPLE);
    }

    #[test]
    fn rows_are_added_removed_and_moved_with_their_lines() {
        let mut d = doc(SAMPLE);
        let new = d.insert_row(&p("performance.special_funds"), 2).unwrap();
        d.set(&new.key("name"), "新专项").unwrap();
        let out = d.to_text();
        assert!(
            out.ends_with("[[performance.special_funds]]\nname = \"新专项\"\n")
                || out.contains("\n[[performance.special_funds]]\nname = \"新专项\"\n"),
            "{out}"
        );
        d.remove_row(&new).unwrap();
        assert_eq!(d.to_text(), SAMPLE);

        d.remove_row(&p("performance.special_funds[0]")).unwrap();
        let out = d.to_text();
        assert!(
            !out.contains("安全监管") && !out.contains("# 专项一"),
            "{out}"
        );
        assert!(out.contains("# 专项二\n[[performance.special_funds]]\nname = \"疫情防控专项\""));
    }

    #[test]
    fn moving_a_row_moves_its_comment() {
        let mut d = doc(SAMPLE);
        let moved = d
            .move_row(&p("performance.special_funds[1]"), false)
            .unwrap();
        assert_eq!(moved, p("performance.special_funds[0]"));
        let out = d.to_text();
        let second = out.find("# 专项二").unwrap();
        let first = out.find("# 专项一").unwrap();
        assert!(second < first, "{out}");
        let reloaded = doc(&out);
        assert_eq!(
            reloaded
                .written(&p("performance.special_funds[0].name"))
                .as_deref(),
            Some("疫情防控专项")
        );
    }

    #[test]
    fn text_lists_keep_their_layout() {
        let text = "[basic]\nfunctions = [\n  \"一\",\n  \"二\",\n]\n";
        let mut d = doc(text);
        let item = d.insert_row(&p("basic.functions"), 1).unwrap();
        d.set(&item, "新").unwrap();
        assert_eq!(
            d.to_text(),
            "[basic]\nfunctions = [\n  \"一\",\n  \"新\",\n  \"二\",\n]\n"
        );
        d.remove_row(&item).unwrap();
        assert_eq!(d.to_text(), text);
    }

    #[test]
    fn a_file_without_a_final_line_break_stays_without() {
        for text in [
            "a = 1",
            "a = 1   ",
            "[budget]\ninitial = 1",
            "[budget]\ninitial = 1 # x",
            "a = 1\n# end",
            "[[budget.projects]]\namount = 1",
            "a = 1\r\nb = 2",
            "",
            "\n",
        ] {
            assert_eq!(doc(text).to_text(), text, "{text:?}");
        }
        let mut d = doc("[budget]\ninitial = 1");
        d.set(&p("budget.initial"), "2").unwrap();
        assert_eq!(d.to_text(), "[budget]\ninitial = 2");
        d.set(&p("closing.problems"), "无").unwrap();
        assert_eq!(
            d.to_text(),
            "[budget]\ninitial = 2\n\n[closing]\nproblems = \"无\""
        );
    }

    #[test]
    fn rows_in_an_inline_array_keep_their_own_comments() {
        let text =
            "[budget]\nprojects = [\n  # 一\n  { name = \"a\" },\n  # 二\n  { name = \"b\" }\n]\n";
        let mut d = doc(text);
        let row = d.insert_row(&p("budget.projects"), 1).unwrap();
        d.set(&row.key("name"), "新").unwrap();
        assert_eq!(
            d.to_text(),
            "[budget]\nprojects = [\n  # 一\n  { name = \"a\" },\n  { name = \"新\" },\n  # 二\n  { name = \"b\" }\n]\n"
        );
        d.remove_row(&row).unwrap();
        assert_eq!(d.to_text(), text);
        d.insert_row(&p("budget.projects"), 2).unwrap();
        assert_eq!(
            d.to_text(),
            "[budget]\nprojects = [\n  # 一\n  { name = \"a\" },\n  # 二\n  { name = \"b\" },\n  {}\n]\n"
        );
        d.remove_row(&p("budget.projects[2]")).unwrap();
        assert_eq!(d.to_text(), text);
        // A moved row takes its comment along; the places keep their layout.
        d.move_row(&p("budget.projects[1]"), false).unwrap();
        assert_eq!(
            d.to_text(),
            "[budget]\nprojects = [\n  # 二\n  { name = \"b\" },\n  # 一\n  { name = \"a\" }\n]\n"
        );
        d.remove_row(&p("budget.projects[0]")).unwrap();
        assert_eq!(
            d.to_text(),
            "[budget]\nprojects = [\n  # 一\n  { name = \"a\" }\n]\n"
        );
        // On one line.
        let mut d = doc("x = 1\n[budget]\nprojects = [{ name = \"a\" }, { name = \"b\" }]\n");
        d.insert_row(&p("budget.projects"), 0).unwrap();
        d.insert_row(&p("budget.projects"), 3).unwrap();
        assert_eq!(
            d.to_text(),
            "x = 1\n[budget]\nprojects = [{}, { name = \"a\" }, { name = \"b\" }, {}]\n"
        );
        d.move_row(&p("budget.projects[0]"), true).unwrap();
        d.remove_row(&p("budget.projects[3]")).unwrap();
        assert_eq!(
            d.to_text(),
            "x = 1\n[budget]\nprojects = [{ name = \"a\" }, {}, { name = \"b\" }]\n"
        );
    }

    #[test]
    fn rows_keep_their_order_when_the_section_above_them_is_written_after_them() {
        let text = "[[performance.special_funds]]\nname = \"a\"\n\n[[performance.special_funds]]\nname = \"b\"\n\n[performance]\noverall = \"x\"\n";
        let names = |d: &Document| -> Vec<String> {
            let reread = doc(&d.to_text());
            (0..reread.row_count(&p("performance.special_funds")))
                .map(|i| {
                    reread
                        .written(&p(&format!("performance.special_funds[{i}].name")))
                        .unwrap_or_default()
                })
                .collect()
        };
        let mut d = doc(text);
        let row = d.insert_row(&p("performance.special_funds"), 0).unwrap();
        d.set(&row.key("name"), "new").unwrap();
        assert_eq!(names(&d), ["new", "a", "b"], "{}", d.to_text());
        d.move_row(&p("performance.special_funds[0]"), true)
            .unwrap();
        assert_eq!(names(&d), ["a", "new", "b"], "{}", d.to_text());
        d.move_row(&p("performance.special_funds[1]"), false)
            .unwrap();
        d.move_row(&p("performance.special_funds[2]"), false)
            .unwrap();
        assert_eq!(names(&d), ["new", "b", "a"], "{}", d.to_text());
        assert!(d.to_text().ends_with("[performance]\noverall = \"x\"\n"));
    }

    /// Groups of indicators nested under each other, with comments and a table written
    /// between them: what undoing a row edit keeps, and that it gives the bytes back.
    const NESTED: &str = "[[score_sheet.groups]]\nname = \"产出\"\n  # 第一组的指标\n  [[score_sheet.groups.indicators]]\n  name = \"甲\"\n  [[score_sheet.groups.indicators]]\n  name = \"乙\"\n\n[score_sheet.funds]\nweight = 10\n\n# 第二组\n[[score_sheet.groups]]\nname = \"效益\"\n  [[score_sheet.groups.indicators]]\n  name = \"丙\"\n\n[[score_sheet.groups]]\nname = \"满意度\"\n";

    /// Makes a row edit with the undo the workbench keeps; undoes and redoes it twice.
    fn round_trip(edit: RowEdit, rows: &str, change: impl Fn(&mut Document)) -> Content {
        let mut d = doc(NESTED);
        let undo = d.undo_for_rows(&p(rows), edit);
        let kept = undo.content.clone();
        change(&mut d);
        let changed = d.to_text();
        assert_ne!(changed, NESTED, "{edit:?} changed nothing");
        let mut step = undo;
        for _ in 0..2 {
            let redo = d.put_part(step).unwrap();
            assert_eq!(d.to_text(), NESTED, "undoing {edit:?}");
            step = d.put_part(redo).unwrap();
            assert_eq!(d.to_text(), changed, "redoing {edit:?}");
        }
        kept
    }

    #[test]
    fn undoing_a_row_edit_keeps_only_what_the_edit_touched() {
        let groups = "score_sheet.groups";
        for (row, down) in [(0, true), (1, false), (1, true), (2, false)] {
            let kept = round_trip(RowEdit::Move { row, down }, groups, |d| {
                d.move_row(&p(groups).index(row), down).unwrap();
            });
            // Where the two rows' tables were written, not the rows: moving a group of
            // thousands of indicators copies none of them.
            assert!(
                matches!(kept, Content::Rows(RowOp::Swap { .. })),
                "{kept:?}"
            );
        }
        for row in 0..3 {
            let kept = round_trip(RowEdit::Remove(row), groups, |d| {
                d.remove_row(&p(groups).index(row)).unwrap();
            });
            // The row removed, and no other.
            let Content::Rows(RowOp::Insert(at, table, _)) = kept else {
                panic!("{kept:?}")
            };
            assert_eq!(at, row);
            let Some(Item::ArrayOfTables(all)) = doc(NESTED)
                .doc
                .get("score_sheet")
                .and_then(|s| s.get("groups"))
                .cloned()
            else {
                panic!("the groups")
            };
            assert_eq!(table.to_string(), all.get(row).unwrap().to_string());
        }
        for at in 0..4 {
            let kept = round_trip(RowEdit::Insert(at), groups, |d| {
                d.insert_row(&p(groups), at).unwrap();
            });
            assert!(
                matches!(kept, Content::Rows(RowOp::Remove(i)) if i == at),
                "{kept:?}"
            );
        }
        let indicators = "score_sheet.groups[0].indicators";
        let kept = round_trip(RowEdit::Move { row: 0, down: true }, indicators, |d| {
            d.move_row(&p(indicators).index(0), true).unwrap();
        });
        assert!(matches!(kept, Content::Rows(RowOp::Swap { .. })));
        // Rows not yet written: the undo is the table the edit creates.
        let kept = round_trip(RowEdit::Insert(0), "budget.projects", |d| {
            d.insert_row(&p("budget.projects"), 0).unwrap();
        });
        assert!(matches!(kept, Content::Absent), "{kept:?}");
    }

    #[test]
    fn deleting_a_row_keeps_the_notes_above_its_own_comments() {
        const SEED: &str = include_str!("../../examples/lusong-emergency-2023.toml");
        // Above the first project line: a note on the costs before it, a blank line, then
        // the line's own comment. Deleting the line takes only its own comment.
        let mut d = doc(SEED);
        let lines = p("basic_data.costs.project_lines");
        let undo = d.undo_for_rows(&lines, RowEdit::Remove(0));
        d.remove_row(&lines.index(0)).unwrap();
        let out = d.to_text();
        assert!(
            out.contains("# 部门基本支出预算调整：原表空白（2022年决算数印“——”）\n\n[[basic_data.costs.project_lines]]\nname = \"2、运行维护经费\""),
            "{out}"
        );
        assert!(!out.contains("# 项目支出下各行"), "{out}");
        let redo = d.put_part(undo).unwrap();
        assert_eq!(d.to_text(), SEED);
        d.put_part(redo).unwrap();
        assert_eq!(d.to_text(), out);
        // Rows with their own comments only (blank line, comment, header): nothing changes.
        let mut d = doc(SAMPLE);
        d.remove_row(&p("performance.special_funds[0]")).unwrap();
        let out = d.to_text();
        assert!(!out.contains("# 专项一"), "{out}");
        assert!(
            out.contains("\n\n# 专项二\n[[performance.special_funds]]"),
            "{out}"
        );
    }

    #[test]
    fn crlf_and_bom_survive() {
        let text = "\u{feff}schema = \"jixiao/1\"\r\n[budget]\r\ninitial = 1 # x\r\n";
        let mut d = Document::parse(&Source::new(text)).unwrap();
        assert_eq!(d.to_text(), text);
        d.set(&p("budget.initial"), "2").unwrap();
        assert_eq!(d.to_text(), text.replace("initial = 1", "initial = 2"));
    }

    #[test]
    fn long_text_with_line_breaks_uses_a_multiline_string() {
        let mut d = doc("[closing]\nproblems = \"无\"\n");
        d.set(&p("closing.problems"), "一是……\n二是……").unwrap();
        assert_eq!(
            d.to_text(),
            "[closing]\nproblems = \"\"\"\n一是……\n二是……\"\"\"\n"
        );
        assert_eq!(
            d.written(&p("closing.problems")).as_deref(),
            Some("一是……\n二是……")
        );
    }

    #[test]
    fn the_loaders_tree_edits_like_a_fresh_parse() {
        let text = "\u{feff}schema = \"jixiao/1\"\r\nscheme = \"hunan-department\"\r\n[report]\r\nunit = \"某局\" # 单位\r\nyear = 2023\r\n[budget]\r\ninitial = 29.50\r\n";
        let schemes = crate::scheme::SchemeSet::builtin();
        let mut loaded = crate::store::load_str(text, &schemes).unwrap();
        let mut taken = Document::from_loaded(&mut loaded).unwrap();
        let mut fresh = Document::parse(&loaded.source).unwrap();
        assert_eq!(taken.to_text(), text);
        taken.set(&p("budget.initial"), "30").unwrap();
        fresh.set(&p("budget.initial"), "30").unwrap();
        assert_eq!(taken.to_text(), fresh.to_text());
        // Taken once; a second editor parses the text again.
        assert_eq!(Document::from_loaded(&mut loaded).unwrap().to_text(), text);
    }

    #[test]
    fn empty_input_blanks_the_value_and_keeps_the_line() {
        let mut d = doc(SAMPLE);
        d.set(&p("budget.initial"), "").unwrap();
        assert_eq!(
            d.to_text(),
            SAMPLE.replace("initial = 241.75", "initial = \"\"")
        );
        let before = d.to_text();
        d.set(&p("budget.income"), "").unwrap();
        assert_eq!(d.to_text(), before, "an absent key stays absent");
    }
}
