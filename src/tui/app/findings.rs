//! The findings: their order and marks, walking them with n/N, and the findings list.

use super::{App, Mode};
use crate::finding::Finding;
use crate::tui::keymap::Command;
use crossterm::event::{KeyCode, KeyEvent};

impl App {
    pub(super) fn set_findings(&mut self, mut findings: Vec<Finding>) {
        // Errors first, then warnings, then infos; in file order within each. After edits
        // only rows have places: within a row, in the order of the format's keys.
        findings.sort_by_cached_key(|f| {
            (
                f.severity,
                f.span.as_ref().map_or(usize::MAX, |s| s.start),
                crate::model::schema::key_rank(&f.path),
            )
        });
        self.marks.clear();
        for f in &findings {
            let worst = self.marks.entry(f.path.clone()).or_insert(f.severity);
            *worst = (*worst).min(f.severity);
        }
        self.findings = findings;
        if self.selected_finding >= self.findings.len() {
            self.selected_finding = self.findings.len().saturating_sub(1);
        }
    }

    pub(super) fn walk_findings(&mut self, forward: bool) {
        if self.findings.is_empty() {
            self.say("没有发现问题");
            return;
        }
        let n = self.findings.len();
        self.selected_finding = if !self.walked_findings {
            if forward { 0 } else { n - 1 }
        } else if forward {
            (self.selected_finding + 1) % n
        } else {
            (self.selected_finding + n - 1) % n
        };
        self.jump_to_selected();
    }

    /// Moves the cursor to the field the selected finding names, switching tabs.
    pub fn jump_to_selected(&mut self) {
        self.walked_findings = true;
        let Some(f) = self.findings.get(self.selected_finding).cloned() else {
            return;
        };
        self.go_to_field(&f.path);
        self.say(format!("{} {} {}", f.severity.symbol(), f.rule, f.message));
    }

    pub(super) fn findings_key(&mut self, key: KeyEvent) {
        let n = self.findings.len();
        match self.keymap.command(&key) {
            Some(Command::Up) if n > 0 => {
                self.selected_finding = self.selected_finding.saturating_sub(1)
            }
            Some(Command::Down) if n > 0 => {
                self.selected_finding = (self.selected_finding + 1).min(n - 1)
            }
            Some(Command::First) => self.selected_finding = 0,
            Some(Command::Last) => self.selected_finding = n.saturating_sub(1),
            Some(Command::Edit) => {
                self.jump_to_selected();
                return;
            }
            Some(Command::Quit | Command::Findings) => return,
            Some(Command::Explain) => {
                self.explain_current();
                return;
            }
            _ if key.code == KeyCode::Esc => return,
            _ => {}
        }
        self.mode = Mode::Findings;
    }
}
