//! Pages to read: a rule's explanation full screen, and a cell's whole text in `view`.

use super::{App, Mode};
use crate::rules::catalog;
use crate::tui::keymap::Command;
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
                    example: Some(format!("{}（{}）", f.message, f.path)),
                    scroll: 0,
                }
            }
            None => self.warn(format!("{} 没有说明", f.rule)),
        }
    }

    /// Opens the explanation of rule `id` (e.g. "C03"), without an example from this report.
    pub fn explain(&mut self, id: &str) -> bool {
        match catalog::find(id) {
            Some(rule) => {
                self.mode = Mode::Explain {
                    rule: rule.id,
                    example: None,
                    scroll: 0,
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
        let title = format!("{label} · {}", cell.path);
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
        key: KeyEvent,
    ) {
        if let Some(scroll) = self.page_scroll(scroll, &key) {
            self.mode = Mode::Explain {
                rule,
                example,
                scroll,
            };
        } else if closes(&self.keymap.command(&key), &key) {
            if example.is_some() {
                // Opened from the findings list: back to it.
                self.mode = Mode::Findings;
            }
        } else {
            self.mode = Mode::Explain {
                rule,
                example,
                scroll,
            };
        }
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
