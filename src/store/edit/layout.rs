//! Layout kept through row edits: where `[[rows]]` and array items sit, with their comments.

use toml_edit::{Array, ArrayOfTables, Item, Table, Value};

/// The positions of the tables of rows `first` and `first + 1`, in the order
/// `assign_positions` gives them back.
pub(super) fn pair_positions(rows: &ArrayOfTables, first: usize) -> Vec<Option<isize>> {
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
pub(super) fn assign_positions(
    table: &mut Table,
    positions: &mut impl Iterator<Item = Option<isize>>,
) {
    each_table_mut(table, &mut |t| {
        if let Some(position) = positions.next() {
            t.set_position(position);
        }
    });
}

/// A row's header prefix (the lines above `[[…]]`), as written.
pub(super) fn prefix(table: Option<&Table>) -> Option<String> {
    table?
        .decor()
        .prefix()
        .and_then(|p| p.as_str())
        .map(str::to_owned)
}

/// Gives a row's header exactly this prefix (None: the default one).
pub(super) fn set_prefix(table: &mut Table, prefix: Option<String>) {
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
pub(super) fn remove_table_row(rows: &mut ArrayOfTables, index: usize) -> Table {
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

pub(super) fn set_positions(table: &mut Table, position: Option<isize>) {
    each_table_mut(table, &mut |t| t.set_position(position));
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
pub(super) fn insert_array_item(array: &mut Array, index: usize, mut value: Value) {
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
pub(super) fn remove_array_item(array: &mut Array, index: usize) {
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
pub(super) fn swap_array_items(array: &mut Array, first: usize) {
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
