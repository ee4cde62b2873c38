//! The rows of the current tab: re-deriving them, the cursor, and adding/deleting/moving rows.

use super::undo::Edited;
use super::{App, Confirm, Mode, scheme_of};
use crate::model::FieldPath;
use crate::store::RowEdit;
use crate::tui::form::{FormBuilder, Row, RowKind};

impl App {
    /// Re-derives the rows of the current tab and keeps the cursor on a selectable row.
    pub fn rebuild_rows(&mut self) {
        self.refresh_rows(None);
    }

    /// Re-derives the rows of the current tab; after a change of values only, the rows of
    /// tables that the change did not touch are kept as they are.
    pub(super) fn refresh_rows(&mut self, changed: Option<&FieldPath>) {
        let previous = std::mem::take(&mut self.rows);
        let scheme = scheme_of(&self.schemes, &self.report);
        let builder = FormBuilder::new(&self.report, scheme, &self.findings);
        self.rows = match changed {
            Some(path) => builder.rows_reusing(self.tab, previous, path),
            None => {
                // Gone before the new rows are built: on large the indicator sheet's rows
                // take about 10 MB, and two sets of them would make the peak.
                drop(previous);
                builder.rows(self.tab)
            }
        };
        let t = self.tab.index();
        let (mut row, col) = self.cursor[t];
        row = row.min(self.rows.len().saturating_sub(1));
        if !self.rows.get(row).is_some_and(Row::selectable) {
            row = self
                .next_selectable(row, true)
                .or_else(|| self.next_selectable(row, false))
                .unwrap_or(0);
        }
        let cells = self.rows.get(row).map_or(0, |r| r.cells.len());
        self.cursor[t] = (row, col.min(cells.saturating_sub(1)));
    }

    fn next_selectable(&self, from: usize, down: bool) -> Option<usize> {
        if down {
            (from..self.rows.len()).find(|i| self.rows[*i].selectable())
        } else {
            (0..=from.min(self.rows.len().saturating_sub(1)))
                .rev()
                .find(|i| self.rows[*i].selectable())
        }
    }

    pub fn current_row(&self) -> Option<&Row> {
        self.rows.get(self.cursor[self.tab.index()].0)
    }

    pub(super) fn move_rows(&mut self, delta: isize) {
        let t = self.tab.index();
        let (row, col) = self.cursor[t];
        let target =
            (row as isize + delta).clamp(0, self.rows.len().saturating_sub(1) as isize) as usize;
        let found = if delta >= 0 {
            self.next_selectable(target, true)
                .or_else(|| self.next_selectable(target, false))
        } else {
            self.next_selectable(target, false)
                .or_else(|| self.next_selectable(target, true))
        };
        if let Some(r) = found {
            // The column to keep: the one ↑↓ kept before, while the cursor is still where
            // they put it (any other move starts afresh from the cursor's column).
            let cells_here = self.rows.get(row).map_or(0, |r| r.cells.len());
            let want = match self.goal_col[t] {
                Some(goal) if col == goal.min(cells_here.saturating_sub(1)) => goal,
                _ => col,
            };
            let cells = self.rows[r].cells.len();
            self.cursor[t] = (r, want.min(cells.saturating_sub(1)));
            self.goal_col[t] = Some(want);
        }
    }

    fn row_target(&self) -> Option<(FieldPath, usize, bool)> {
        let row = self.current_row()?;
        match &row.kind {
            RowKind::AddFirst { rows_path, .. } => Some((rows_path.clone(), 0, true)),
            _ => row.row_ref.clone().map(|(p, i)| (p, i, false)),
        }
    }

    pub(super) fn add_row(&mut self) {
        let Some((rows_path, index, empty)) = self.row_target() else {
            self.warn("这一行不是表格行或列表项，不能新增");
            return;
        };
        let at = if empty { 0 } else { index + 1 };
        let before = self.doc.undo_for_rows(&rows_path, RowEdit::Insert(at));
        let edited = Edited::at(rows_path.index(at));
        let what = format!("新增 {}", self.row_name(&rows_path, at, false));
        let result = self.commit(before, what.clone(), edited, |doc| {
            doc.insert_row(&rows_path, at)
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
        match result {
            Ok(()) => {
                self.focus_row(&rows_path, at);
                let is_list = self
                    .current_row()
                    .is_some_and(|r| r.cells.len() == 1 && r.cells[0].path == rows_path.index(at));
                self.say(format!("已{what}（u 撤销）"));
                if is_list {
                    self.start_edit();
                }
            }
            Err(why) => self.warn(why),
        }
    }

    pub(super) fn delete_row(&mut self) {
        let Some((rows_path, index, empty)) = self.row_target() else {
            self.warn("这一行不是表格行或列表项，不能删除");
            return;
        };
        if empty {
            return;
        }
        // A group's indicators go with it: asked first.
        if rows_path == FieldPath::parse("score_sheet.groups").expect("valid") {
            let group = self
                .report
                .score_sheet
                .as_ref()
                .and_then(|s| s.groups.get(index));
            let indicators = group.map_or(0, |g| g.indicators.len());
            if indicators > 0 {
                let label = group
                    .and_then(|g| g.name.clone())
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| format!("第 {} 个", index + 1));
                self.mode = Mode::Confirm(Confirm::DeleteGroup {
                    rows_path,
                    index,
                    label,
                    indicators,
                });
                return;
            }
        }
        self.remove_row_at(rows_path, index);
    }

    /// Deletes one row of a table or list (the user has been asked, where that is due).
    pub(super) fn remove_row_at(&mut self, rows_path: FieldPath, index: usize) {
        let row_path = rows_path.index(index);
        let before = self.doc.undo_for_rows(&rows_path, RowEdit::Remove(index));
        let edited = Edited::at(row_path.clone());
        let what = format!("删除 {}", self.row_name(&rows_path, index, true));
        match self.commit(before, what.clone(), edited, |doc| {
            doc.remove_row(&row_path).map_err(|e| e.to_string())
        }) {
            Ok(()) => {
                let left = self.doc.row_count(&rows_path);
                if left > 0 {
                    self.focus_row(&rows_path, index.min(left - 1));
                }
                self.say(format!("已{what}（u 撤销）"));
            }
            Err(why) => self.warn(why),
        }
    }

    /// A row as undo names it: its table's label, its number, and (`named`) what its name
    /// or text says — `专项资金 第 2 行（疫情防控专项）`.
    fn row_name(&self, rows_path: &FieldPath, index: usize, named: bool) -> String {
        let keys: Vec<&str> = rows_path
            .segs()
            .iter()
            .filter_map(|seg| match seg {
                crate::model::Seg::Key(key) => Some(key.as_str()),
                crate::model::Seg::Index(_) => None,
            })
            .collect();
        let table = crate::model::schema::lookup(&keys).map_or("表格", |f| f.label);
        let row = rows_path.index(index);
        let name = named
            .then(|| {
                self.doc
                    .written(&row.key("name"))
                    .or_else(|| self.doc.written(&row))
            })
            .flatten()
            .map(|n| {
                n.lines()
                    .next()
                    .unwrap_or("")
                    .trim()
                    .chars()
                    .take(16)
                    .collect::<String>()
            })
            .filter(|n| !n.is_empty())
            .map(|n| format!("（{n}）"))
            .unwrap_or_default();
        format!("{table} 第 {} 行{name}", index + 1)
    }

    pub(super) fn move_row(&mut self, down: bool) {
        let Some((rows_path, index, false)) = self.row_target() else {
            self.warn("这一行不能移动");
            return;
        };
        let row_path = rows_path.index(index);
        let target = if down {
            index + 1
        } else {
            index.wrapping_sub(1)
        };
        if target >= self.doc.row_count(&rows_path) {
            return;
        }
        let before = self
            .doc
            .undo_for_rows(&rows_path, RowEdit::Move { row: index, down });
        let what = if down { "下移" } else { "上移" };
        let edited = Edited::at(rows_path.index(target));
        match self.commit(before, what.to_owned(), edited, |doc| {
            doc.move_row(&row_path, down)
                .map(|_| ())
                .map_err(|e| e.to_string())
        }) {
            Ok(()) => {
                self.focus_row(&rows_path, target);
                self.say(if down { "已下移" } else { "已上移" });
            }
            Err(why) => self.warn(why),
        }
    }

    /// Puts the cursor on the first line of a table row.
    fn focus_row(&mut self, rows_path: &FieldPath, index: usize) {
        let t = self.tab.index();
        if let Some(r) = self.rows.iter().position(|row| {
            row.row_ref
                .as_ref()
                .is_some_and(|(p, i)| p == rows_path && *i == index)
        }) {
            self.cursor[t] = (r, 0);
        }
    }
}
