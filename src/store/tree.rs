//! One view of the two parsed trees the loader reads: toml_edit's format-preserving
//! document (for the workbench, which edits it afterwards) and toml's `DeTable` (for reading
//! a report once, as `check` does: it parses faster, in less memory, and borrows its
//! strings from the text).
//!
//! Both trees come from the same TOML parser and place every key and value at the same
//! bytes; the one difference, the span of an array of tables, is made equal here.

use serde_spanned::Spanned;
use std::ops::Range;
use toml::de::{DeArray, DeTable, DeValue};
use toml_edit::{Item, TableLike, Value};

/// A table: a section, an inline table or a row.
#[derive(Clone, Copy)]
pub(super) enum Table<'t> {
    Edit(&'t dyn TableLike),
    Read(&'t DeTable<'t>, Ctx<'t>),
}

/// Whatever a key holds, or an item of a list.
#[derive(Clone, Copy)]
pub(super) enum Node<'t> {
    Item(&'t Item),
    Value(&'t Value),
    Row(&'t toml_edit::Table),
    Read(&'t Spanned<DeValue<'t>>, Ctx<'t>),
}

/// A list: `[…]`, or the rows of `[[…]]`.
#[derive(Clone, Copy)]
pub(super) enum Array<'t> {
    Values(&'t toml_edit::Array),
    Rows(&'t toml_edit::ArrayOfTables),
    Read(&'t Spanned<DeValue<'t>>, &'t DeArray<'t>, Ctx<'t>),
}

/// What a `DeTable` node needs from around it to be told apart as toml_edit tells it.
#[derive(Clone, Copy)]
pub(super) struct Ctx<'t> {
    /// The text parsed (an inline table's span starts at its `{`).
    pub(super) text: &'t str,
    /// Inside an inline table, where a dotted key makes an inline table too.
    pub(super) inline: bool,
}

/// What a node is.
pub(super) enum Kind<'t> {
    /// Nothing (an edited tree's removed item).
    Absent,
    Str(&'t str),
    /// An integer; None when it does not fit in 64 bits.
    Int(Option<i64>),
    Float,
    Bool(bool),
    Datetime(&'t toml_datetime::Datetime),
    /// `[…]`
    Array(Array<'t>),
    /// `{ … }`
    Inline(Table<'t>),
    /// `[name]` (or a table made by a dotted key or a deeper header)
    Table(Table<'t>),
    /// `[[name]]`
    Rows(Array<'t>),
}

impl<'t> Table<'t> {
    pub(super) fn get(self, key: &str) -> Option<Node<'t>> {
        match self {
            Table::Edit(t) => t.get(key).map(Node::Item),
            Table::Read(t, ctx) => t.get(key).map(|v| Node::Read(v, ctx)),
        }
    }

    pub(super) fn contains_key(self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Where a key is written.
    pub(super) fn key_span(self, key: &str) -> Option<Range<usize>> {
        match self {
            Table::Edit(t) => t.key(key).and_then(|k| k.span()),
            Table::Read(t, _) => t.get_key_value(key).map(|(k, _)| k.span()),
        }
    }

    /// Every key with what it holds.
    pub(super) fn entries(self) -> Box<dyn Iterator<Item = (&'t str, Node<'t>)> + 't> {
        match self {
            Table::Edit(t) => Box::new(t.iter().map(|(k, item)| (k, Node::Item(item)))),
            Table::Read(t, ctx) => Box::new(
                t.iter()
                    .map(move |(k, v)| (k.get_ref().as_ref(), Node::Read(v, ctx))),
            ),
        }
    }
}

impl<'t> Node<'t> {
    pub(super) fn span(self) -> Option<Range<usize>> {
        match self {
            Node::Item(item) => item.span(),
            Node::Value(value) => value.span(),
            Node::Row(table) => table.span(),
            Node::Read(v, _) => match v.get_ref() {
                // toml_edit spans rows from the first header to the last.
                DeValue::Array(rows) if is_rows(v, rows) => Some(rows_span(rows)),
                _ => Some(v.span()),
            },
        }
    }

    pub(super) fn kind(self) -> Kind<'t> {
        match self {
            Node::Item(Item::None) => Kind::Absent,
            Node::Item(Item::Value(value)) | Node::Value(value) => value_kind(value),
            Node::Item(Item::Table(t)) | Node::Row(t) => Kind::Table(Table::Edit(t)),
            Node::Item(Item::ArrayOfTables(rows)) => Kind::Rows(Array::Rows(rows)),
            Node::Read(v, ctx) => match v.get_ref() {
                DeValue::String(s) => Kind::Str(s),
                DeValue::Integer(i) => Kind::Int(i64::from_str_radix(i.as_str(), i.radix()).ok()),
                DeValue::Float(_) => Kind::Float,
                DeValue::Boolean(b) => Kind::Bool(*b),
                DeValue::Datetime(d) => Kind::Datetime(d),
                DeValue::Array(a) if is_rows(v, a) => Kind::Rows(Array::Read(v, a, ctx)),
                // Tables in a list are inline ones.
                DeValue::Array(a) => Kind::Array(Array::Read(
                    v,
                    a,
                    Ctx {
                        inline: true,
                        ..ctx
                    },
                )),
                DeValue::Table(t)
                    if ctx.inline || ctx.text.as_bytes().get(v.span().start) == Some(&b'{') =>
                {
                    Kind::Inline(Table::Read(
                        t,
                        Ctx {
                            inline: true,
                            ..ctx
                        },
                    ))
                }
                DeValue::Table(t) => Kind::Table(Table::Read(t, ctx)),
            },
        }
    }

    /// A table of any kind.
    pub(super) fn as_table(self) -> Option<Table<'t>> {
        match self.kind() {
            Kind::Table(t) | Kind::Inline(t) => Some(t),
            _ => None,
        }
    }

    /// A table that the file would not show: implicit, holding nothing but such tables and
    /// empty rows (an edited tree has them after the last row of a new table is deleted).
    /// A parsed file has none.
    pub(super) fn vacant(self) -> bool {
        match self {
            Node::Item(item) => vacant(item),
            _ => false,
        }
    }

    /// Whether a number cannot be represented: toml_edit refuses the file, so such a file
    /// is read with toml_edit (which finds each one and reports it under its key).
    pub(super) fn has_unrepresentable_number(self) -> bool {
        let Node::Read(v, ctx) = self else {
            return false;
        };
        match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).is_err(),
            DeValue::Float(f) => {
                // Only an exponent or hundreds of digits reach beyond f64.
                let s = f.as_str();
                (s.len() > 300 || s.contains(['e', 'E']))
                    && s.parse::<f64>().is_ok_and(f64::is_infinite)
                    && !s.contains("inf")
            }
            DeValue::Array(items) => items
                .iter()
                .any(|item| Node::Read(item, ctx).has_unrepresentable_number()),
            DeValue::Table(t) => t
                .values()
                .any(|item| Node::Read(item, ctx).has_unrepresentable_number()),
            _ => false,
        }
    }
}

impl<'t> Array<'t> {
    pub(super) fn len(self) -> usize {
        match self {
            Array::Values(a) => a.len(),
            Array::Rows(a) => a.len(),
            Array::Read(_, a, _) => a.len(),
        }
    }

    /// The span toml_edit gives the list: `[` to `]`, or for rows the first header to the
    /// last (None in an edited tree).
    pub(super) fn span(self) -> Option<Range<usize>> {
        match self {
            Array::Values(a) => a.span(),
            Array::Rows(a) => a.span(),
            Array::Read(v, _, ctx) => Node::Read(v, ctx).span(),
        }
    }

    pub(super) fn get(self, i: usize) -> Option<Node<'t>> {
        match self {
            Array::Values(a) => a.get(i).map(Node::Value),
            Array::Rows(a) => a.get(i).map(Node::Row),
            Array::Read(_, a, ctx) => a.get(i).map(|v| Node::Read(v, ctx)),
        }
    }

    pub(super) fn iter(self) -> impl Iterator<Item = Node<'t>> {
        (0..self.len()).filter_map(move |i| self.get(i))
    }
}

fn value_kind(value: &Value) -> Kind<'_> {
    match value {
        Value::String(s) => Kind::Str(s.value()),
        Value::Integer(i) => Kind::Int(Some(*i.value())),
        Value::Float(_) => Kind::Float,
        Value::Boolean(b) => Kind::Bool(*b.value()),
        Value::Datetime(d) => Kind::Datetime(d.value()),
        Value::Array(a) => Kind::Array(Array::Values(a)),
        Value::InlineTable(t) => Kind::Inline(Table::Edit(t)),
    }
}

/// `[[name]]` rows: toml gives the list the span of its first row's header, where an
/// inline list starts with `[` before its first item.
fn is_rows(v: &Spanned<DeValue<'_>>, items: &DeArray<'_>) -> bool {
    items
        .first()
        .is_some_and(|first| first.get_ref().is_table() && first.span().start == v.span().start)
}

fn rows_span(rows: &DeArray<'_>) -> Range<usize> {
    match (rows.first(), rows.last()) {
        (Some(first), Some(last)) => first.span().start..last.span().end,
        _ => 0..0,
    }
}

fn vacant(item: &Item) -> bool {
    match item {
        Item::None => true,
        Item::Table(t) => t.is_implicit() && t.iter().all(|(_, child)| vacant(child)),
        Item::ArrayOfTables(rows) => rows.is_empty(),
        Item::Value(_) => false,
    }
}
