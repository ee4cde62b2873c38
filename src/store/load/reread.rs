//! The re-read after an edit: the part of the model an edit can change, read again alone.

use super::locations::table_at;
use super::reader::{Reader, fields_of};
use crate::finding::Finding;
use crate::model::schema;
use crate::model::*;
use crate::store::source::Source;
use crate::store::tree::{Kind, Table};

/// What an edit changed in the model, as far as the screens need to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// Values of one row or section, at this path; every row is where it was.
    Values(FieldPath),
    /// Rows were added, removed or moved (or the whole report was re-read).
    Structure,
}

/// The part of the model an edit at a path can change.
#[derive(Debug, PartialEq)]
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

/// The top-level table `key` names, when the re-read can read it alone: every section of
/// the schema but the cover (read with the whole report).
fn section_named(key: &str) -> Option<&'static str> {
    schema::ROOT
        .iter()
        .find(|f| f.key == key && f.key != "report" && matches!(f.kind, schema::Kind::Table(_)))
        .map(|f| f.key)
}

/// The first table of rows along a path, walking the schema: the length of its path, and
/// the fields of its rows.
fn first_rows(segs: &[Seg]) -> Option<(usize, &'static [schema::Field])> {
    let mut fields = schema::ROOT;
    for (i, seg) in segs.iter().enumerate() {
        let Seg::Key(key) = seg else { return None };
        let field = fields.iter().find(|f| f.key == key)?;
        match field.kind {
            schema::Kind::Rows(row) => return Some((i + 1, row)),
            kind => fields = kind.children()?,
        }
    }
    None
}

fn unit_of(path: &FieldPath) -> Unit {
    let segs = path.segs();
    let key = |i: usize| match segs.get(i) {
        Some(Seg::Key(k)) => Some(k.as_str()),
        _ => None,
    };
    let index = |i: usize| matches!(segs.get(i), Some(Seg::Index(_)));
    let upto = |n: usize| FieldPath(segs[..n].to_vec());
    if let Some((n, row)) = first_rows(segs) {
        if segs.len() == n {
            return Unit::Rows(path.clone());
        }
        if index(n) {
            // Into a table of rows inside the row (a first-level indicator's indicators)…
            let nested = key(n + 1).and_then(|k| row.iter().find(|f| f.key == k));
            if nested.is_some_and(|f| matches!(f.kind, schema::Kind::Rows(_))) {
                return match segs.len() {
                    len if len == n + 2 => Unit::Rows(path.clone()),
                    _ if index(n + 2) => Unit::Row(upto(n + 3)),
                    _ => Unit::Whole,
                };
            }
            // …or the row itself.
            return Unit::Row(upto(n + 1));
        }
    }
    let is_table = schema::lookup(&path.shape()).is_some_and(|f| f.kind.children().is_some());
    match key(0).and_then(section_named) {
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
) -> Result<Changed, Vec<Finding>> {
    let source = Source::new("");
    let mut reader = Reader::new(&source, Vec::new());
    let unit = match unit_of(path) {
        // A table left without rows may leave its tables and section with nothing to show:
        // the section is read again as the file would show it.
        Unit::Rows(rows) if no_rows(root, &rows) => match rows.segs().first() {
            Some(Seg::Key(k)) => section_named(k).map_or(Unit::Whole, Unit::WholeSection),
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
            let fresh = reader.report(Table::Edit(root));
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
                let closing = table.map(|t| self.closing(t, &p));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(path: &str) -> Unit {
        unit_of(&FieldPath::parse(path).unwrap())
    }

    fn path(p: &str) -> FieldPath {
        FieldPath::parse(p).unwrap()
    }

    #[test]
    fn an_edit_rereads_no_more_than_its_row_table_or_section() {
        assert_eq!(unit("budget.projects"), Unit::Rows(path("budget.projects")));
        assert_eq!(
            unit("budget.projects[2].amount"),
            Unit::Row(path("budget.projects[2]"))
        );
        assert_eq!(
            unit("basic_data.costs.project_lines[0].final"),
            Unit::Row(path("basic_data.costs.project_lines[0]"))
        );
        assert_eq!(
            unit("basic_data.buildings[1].name"),
            Unit::Row(path("basic_data.buildings[1]"))
        );
        assert_eq!(
            unit("score_sheet.groups[1].weight"),
            Unit::Row(path("score_sheet.groups[1]"))
        );
        assert_eq!(
            unit("score_sheet.groups[1].indicators"),
            Unit::Rows(path("score_sheet.groups[1].indicators"))
        );
        assert_eq!(
            unit("score_sheet.groups[1].indicators[3].score"),
            Unit::Row(path("score_sheet.groups[1].indicators[3]"))
        );
        assert_eq!(unit("score_sheet.groups[1].indicators.x"), Unit::Whole);
        assert_eq!(unit("budget.spent"), Unit::Section("budget"));
        assert_eq!(unit("basic_data.signoff"), Unit::WholeSection("basic_data"));
        assert_eq!(unit("basic_data.signoff.head"), Unit::Section("basic_data"));
        assert_eq!(unit("report.title"), Unit::Whole);
        assert_eq!(unit("scheme"), Unit::Whole);
        assert_eq!(unit("nonsense.key"), Unit::Whole);
    }
}
