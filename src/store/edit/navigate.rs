//! Finding a place in the document by key path, creating missing tables as the schema says.

use super::{Document, EditError};
use crate::model::schema::{self, Field, Kind};
use crate::model::{FieldPath, Seg};
use toml_edit::{Array, ArrayOfTables, InlineTable, Item, Table, Value};

impl Document {
    pub(super) fn node_mut(&mut self, path: &FieldPath) -> Option<NodeMut<'_>> {
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
    pub(super) fn ensure_container(
        &mut self,
        path: &FieldPath,
    ) -> Result<Container<'_>, EditError> {
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

pub(super) enum Container<'a> {
    Table(&'a mut Table),
    Inline(&'a mut InlineTable),
    Array(&'a mut Array),
}

/// A place in the document: an item, a row table of an array of tables, or a value inside
/// an inline table or array.
pub(super) enum Node<'a> {
    Item(&'a Item),
    Table(&'a Table),
    Value(&'a Value),
}

pub(super) enum NodeMut<'a> {
    Item(&'a mut Item),
    Table(&'a mut Table),
    Value(&'a mut Value),
}

pub(super) fn find<'a>(root: &'a Item, segs: &[Seg]) -> Option<Node<'a>> {
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

pub(super) fn set_in_table(table: &mut Table, last: &Seg, mut value: Value) {
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

pub(super) fn set_in_inline(table: &mut InlineTable, last: &Seg, mut value: Value) {
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

pub(super) fn field_for(path: &FieldPath) -> Result<&'static Field, EditError> {
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

pub(super) fn split_last(path: &FieldPath) -> Result<(FieldPath, Seg), EditError> {
    let last = path
        .segs()
        .last()
        .cloned()
        .ok_or_else(|| EditError::Shape(String::new(), "路径为空"))?;
    Ok((path.parent().unwrap_or_default(), last))
}

pub(super) fn split_index(path: &FieldPath) -> Result<(FieldPath, usize), EditError> {
    match split_last(path)? {
        (parent, Seg::Index(i)) => Ok((parent, i)),
        _ => Err(EditError::NotRows(path.to_string())),
    }
}
