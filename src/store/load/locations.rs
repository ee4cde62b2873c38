//! Where a loaded report's tables, rows, list items and values sit in its source.

use super::Loaded;
use crate::model::*;
use crate::store::tree::{Kind, Table};
use std::collections::HashMap;
use std::ops::Range;

/// Where every table, row and list item of a loaded report sits in the source (bytes).
///
/// Values are not recorded: a report has tens of thousands of them and a check reports on a
/// few, so `Loaded::span` finds a value's place in the parsed tree when it is asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locations {
    pub(super) places: HashMap<FieldPath, Option<Range<usize>>, FxBuild>,
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
    pub(super) fn place(&mut self, path: FieldPath, span: Option<Range<usize>>) {
        self.places.entry(path).or_insert(span);
    }
}

/// FxHash (rustc's): the location index takes one insert per value of the report, and its
/// keys are our own, so SipHash's resistance to crafted keys buys nothing here.
type FxBuild = rustc_hash::FxBuildHasher;

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
pub(super) fn table_at<'t>(root: Table<'t>, path: &FieldPath) -> Option<Table<'t>> {
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
