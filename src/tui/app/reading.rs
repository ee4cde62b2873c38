//! Pages to read: a rule's explanation full screen, and a cell's whole text in `view`.

use super::{App, Mode};
use crate::rules::catalog;
use crate::tui::keymap::Command;
use crate::tui::view::explain::own_example;
use crossterm::event::{KeyCode, KeyEvent};

impl App {
    /// Opens the full-screen explanation of the current finding's rule.
    pub(super) fn explain_current(&mut self) {
        let Some(f) = self.findings.get(self.selected_finding) else {
            return;
        };
        match catalog::find(f.rule) {
            Some(rule) => {
                self.mode = Mode::Explain {
                    rule: rule.id,
                    example: Some(own_example(f)),
                    scroll: 0,
                    from_list: true,
                }
            }
            None => self.warn(format!("{} 没有说明", f.rule)),
        }
    }

    /// Opens the explanation of rule `id` (e.g. "C03"): its example is this report's first
    /// finding of the rule, else the bundled example's, else none.
    pub fn explain(&mut self, id: &str) -> bool {
        match catalog::find(id) {
            Some(rule) => {
                let here = self
                    .findings
                    .iter()
                    .find(|f| f.rule == rule.id)
                    .map(own_example);
                self.mode = Mode::Explain {
                    rule: rule.id,
                    example: here.or_else(|| seed_example(rule.id)),
                    scroll: 0,
                    from_list: false,
                };
                true
            }
            None => false,
        }
    }

    /// Shows the cell under the cursor whole, read-only.
    pub(super) fn open_full_text(&mut self) {
        let t = self.tab.index();
        let (_, col) = self.cursor[t];
        let Some(row) = self.current_row() else {
            return;
        };
        let Some(cell) = row.cells.get(col.min(row.cells.len().saturating_sub(1))) else {
            return;
        };
        let label = if cell.label.is_empty() {
            row.label.clone()
        } else {
            cell.label.to_owned()
        };
        let title = format!("{label} · {}（只读）", cell.path);
        // The value as the model holds it (line breaks kept), not the one-line cell.
        let text = self
            .doc
            .written(&cell.path)
            .map(|w| crate::sanitize::to_editor(&w))
            .unwrap_or_else(|| cell.text.clone());
        self.mode = Mode::FullText {
            title,
            text,
            scroll: 0,
        };
    }

    fn page_scroll(&self, scroll: u16, key: &KeyEvent) -> Option<u16> {
        let page = self.page.max(1) as u16;
        let bottom = self.help_bottom;
        let to = match (self.keymap.command(key), key.code) {
            (Some(Command::Down), _) | (_, KeyCode::Down) => scroll.saturating_add(1),
            (Some(Command::Up), _) | (_, KeyCode::Up) => scroll.saturating_sub(1),
            (Some(Command::PageDown), _) | (_, KeyCode::PageDown | KeyCode::Char(' ')) => {
                scroll.saturating_add(page)
            }
            (Some(Command::PageUp), _) | (_, KeyCode::PageUp) => scroll.saturating_sub(page),
            (Some(Command::First), _) => 0,
            (Some(Command::Last), _) => bottom,
            _ => return None,
        };
        Some(to.min(bottom))
    }

    pub(super) fn explain_key(
        &mut self,
        rule: &'static str,
        example: Option<String>,
        scroll: u16,
        from_list: bool,
        key: KeyEvent,
    ) {
        let scroll = match self.page_scroll(scroll, &key) {
            Some(to) => to,
            None if closes(&self.keymap.command(&key), &key) => {
                if from_list {
                    self.mode = Mode::Findings;
                }
                return;
            }
            None => scroll,
        };
        self.mode = Mode::Explain {
            rule,
            example,
            scroll,
            from_list,
        };
    }

    pub(super) fn full_text_key(
        &mut self,
        title: String,
        text: String,
        scroll: u16,
        key: KeyEvent,
    ) {
        // Scroll keys scroll; Esc and Enter close; any other key closes the page and does
        // what it does on the form (n goes to the next finding, q quits, Ctrl-S says 只读).
        match self.page_scroll(scroll, &key) {
            Some(scroll) => {
                self.mode = Mode::FullText {
                    title,
                    text,
                    scroll,
                }
            }
            None if matches!(key.code, KeyCode::Esc | KeyCode::Enter) => {}
            None => self.normal_key(key),
        }
    }
}

/// Whether a key closes a page: Esc, Enter, q (or what quit and the findings list are bound
/// to). Any other key leaves it open, so a stray key does nothing behind it.
fn closes(command: &Option<Command>, key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Esc | KeyCode::Enter)
        || matches!(
            command,
            Some(Command::Quit | Command::Findings | Command::Edit)
        )
}

/// One place a search found: the tab, row and cell.
pub type Hit = (crate::tui::form::Tab, usize, usize);

impl App {
    /// Every place whose label or value contains `query` (ignoring case), across the tabs in
    /// order: a row's label counts as its first cell, and a section heading (or a table's
    /// column titles) as the first cell of the first row under it.
    pub fn search_hits(&self, query: &str) -> Vec<Hit> {
        use crate::tui::form::{FormBuilder, RowKind, Tab};
        let query = query.trim().to_lowercase();
        if query.is_empty() {
            return Vec::new();
        }
        let has = |text: &str| text.to_lowercase().contains(&query);
        let builder = FormBuilder::new(&self.report, self.scheme(), &self.findings);
        let mut hits = Vec::new();
        for tab in Tab::ALL {
            let mut under_heading_hit = false;
            for (r, row) in builder.rows(tab).iter().enumerate() {
                if let RowKind::Heading { columns } = &row.kind {
                    under_heading_hit |= has(&row.label) || columns.iter().any(|t| has(t));
                    continue;
                }
                if !row.selectable() || row.cells.is_empty() {
                    continue;
                }
                let label_hit = std::mem::take(&mut under_heading_hit) || has(&row.label);
                for (c, cell) in row.cells.iter().enumerate() {
                    let cell_label = row.cells.len() > 1 && has(cell.label);
                    if has(&cell.text) || cell_label || (c == 0 && label_hit) {
                        hits.push((tab, r, c));
                    }
                }
            }
        }
        hits
    }

    /// Goes to the next (or previous) place matching `query` from the cursor, switching
    /// tabs; returns its number and the count, or None when nothing matches.
    pub(super) fn search_step(&mut self, query: &str, forward: bool) -> Option<(usize, usize)> {
        let hits = self.search_hits(query);
        if hits.is_empty() {
            return None;
        }
        let t = self.tab.index();
        let here = (t, self.cursor[t].0, self.cursor[t].1);
        let key = |h: &Hit| (h.0.index(), h.1, h.2);
        let at = if forward {
            hits.iter().position(|h| key(h) > here).unwrap_or(0)
        } else {
            hits.iter()
                .rposition(|h| key(h) < here)
                .unwrap_or(hits.len() - 1)
        };
        let (tab, row, col) = hits[at];
        if tab != self.tab {
            self.tab = tab;
            self.rebuild_rows();
        }
        self.cursor[tab.index()] = (row, col);
        Some((at + 1, hits.len()))
    }

    pub(super) fn search_key(
        &mut self,
        mut query: String,
        found: Option<(usize, usize)>,
        key: KeyEvent,
    ) {
        let mut found = found;
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Enter | KeyCode::Down => {
                found = self.search_step(&query, true);
                if found.is_none() {
                    self.warn(format!("没有找到“{}”", query.trim()));
                }
            }
            KeyCode::Up => {
                found = self.search_step(&query, false);
                if found.is_none() {
                    self.warn(format!("没有找到“{}”", query.trim()));
                }
            }
            KeyCode::Backspace => {
                query.pop();
                found = None;
            }
            _ => {
                if let Some(c) = crate::tui::keymap::typed_char(&key) {
                    query.push(c);
                    found = None;
                }
            }
        }
        self.mode = Mode::Search { query, found };
    }
}

impl App {
    /// The explanation of the finding on the cell under the cursor, else of the current
    /// finding.
    pub(super) fn explain_here(&mut self) {
        let t = self.tab.index();
        let here = self
            .current_row()
            .and_then(|row| row.cells.get(self.cursor[t].1))
            .map(|cell| cell.path.clone());
        if let Some(at) = here.and_then(|path| self.findings.iter().position(|f| f.path == path)) {
            self.selected_finding = at;
        }
        if self.findings.is_empty() {
            self.say("没有发现问题");
            return;
        }
        self.explain_current();
        // Esc returns to the form, not to the findings list.
        if let Mode::Explain { from_list, .. } = &mut self.mode {
            *from_list = false;
        }
    }
}

/// The bundled example report's first finding of rule `id`, as an example.
fn seed_example(id: &str) -> Option<String> {
    let schemes = crate::scheme::SchemeSet::builtin();
    let loaded = crate::scheme::load(super::BUNDLED_EXAMPLE.as_bytes(), &schemes).ok()?;
    let scheme = super::scheme_of(&schemes, &loaded.report);
    let (findings, _) = crate::rules::analyze(&loaded, scheme);
    let f = findings.into_iter().find(|f| f.rule == id)?;
    Some(format!("示例报告（内置）：{}（{}）", f.message, f.path))
}
