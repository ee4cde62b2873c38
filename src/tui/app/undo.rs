//! Undo and redo: applying the steps the history hands out; a whole new text as one step.

use super::{App, scheme_of};
use crate::model::FieldPath;
use crate::rules;
use crate::scheme;
use crate::store::{self, Document};
use crate::tui::form::{FormBuilder, locate};
use crate::tui::history::Travel;

/// What an undo (or redo) step of the workbench puts back.
pub(super) enum Change {
    /// One part of the document (a value, a table's rows, a created table), and where the
    /// change is seen.
    Part(store::Part, Box<Edited>),
    /// The whole text (a reload or a recovery replaced it); `reload` when the text replaced
    /// was the one on disk.
    Text { text: String, reload: bool },
}

/// Where a step changes the report and, for a value, what applying the step turns it from
/// and into (as shown, shortened): undo goes there and names it.
#[derive(Debug, Clone)]
pub(super) struct Edited {
    pub path: FieldPath,
    pub values: Option<(String, String)>,
}

impl Edited {
    /// A value changed from `old` to `new` (as the editor shows them); the step that undoes
    /// it turns `new` back into `old`.
    pub fn undoing_value(path: FieldPath, old: &str, new: &str) -> Edited {
        Edited {
            path,
            values: Some((short(new), short(old))),
        }
    }

    /// A change of rows at `path`.
    pub fn at(path: FieldPath) -> Edited {
        Edited { path, values: None }
    }

    /// The same place, the other way.
    fn reversed(self) -> Edited {
        Edited {
            path: self.path,
            values: self.values.map(|(from, to)| (to, from)),
        }
    }
}

/// A value as a message names it: its first line, at most 16 characters; blank as （空）.
fn short(value: &str) -> String {
    let line = value.lines().next().unwrap_or("").trim();
    if line.is_empty() {
        return "（空）".to_owned();
    }
    let mut out: String = line.chars().take(16).collect();
    if line.chars().count() > 16 || value.trim().lines().nth(1).is_some() {
        out.push('…');
    }
    crate::sanitize::visible_inline(&out).into_owned()
}

impl App {
    pub(super) fn undo(&mut self) {
        match self.history.undo() {
            Some(travel) => self.travel(travel, "已撤销"),
            None => self.say("没有可撤销的修改"),
        }
    }

    pub(super) fn redo(&mut self) {
        match self.history.redo() {
            Some(travel) => self.travel(travel, "已重做"),
            None => self.say("没有可重做的修改"),
        }
    }

    /// Applies a step taken by undo or redo (`done` says which, in the message). A step that
    /// cannot be applied is dropped, the document left as it was.
    fn travel(&mut self, travel: Travel<Change>, done: &str) {
        let Travel { change, ticket } = travel;
        let edited = match &change {
            Change::Part(_, edited) => Some((**edited).clone()),
            Change::Text { .. } => None,
        };
        match self.apply_change(change) {
            Ok(reverse) => {
                let mut message = format!("{done}：{}", ticket.what());
                if let Some(edited) = edited {
                    if let Some((from, to)) = &edited.values {
                        message.push_str(&format!(" {from} → {to}"));
                    }
                    self.go_to_field(&edited.path);
                }
                self.say(message);
                self.history.arrive(ticket, reverse);
                self.fall_behind();
            }
            Err(why) => self.warn(why),
        }
    }

    /// Puts back what an undo or redo step holds; returns the change that goes the other way.
    fn apply_change(&mut self, change: Change) -> Result<Change, String> {
        Ok(match change {
            Change::Part(part, edited) => {
                let path = part.path().clone();
                let current = self.doc.put_part(part).map_err(|e| e.to_string())?;
                if let Err(why) = self.reread(&path) {
                    // The part put back loaded before; should it not, nothing is lost:
                    // the document is as it was.
                    let _ = self.doc.put_part(current);
                    return Err(why);
                }
                Change::Part(current, Box::new(edited.reversed()))
            }
            Change::Text { text, reload } => {
                let current = self.text();
                self.replace_text(text)?;
                // Back before a reload: the disk holds a version the user has not seen saved
                // over; forward again: it holds the text now shown.
                if reload {
                    self.ask_before_overwrite = !self.ask_before_overwrite;
                }
                Change::Text {
                    text: current,
                    reload,
                }
            }
        })
    }

    /// Moves the cursor to the cell that shows `path` (or the nearest), switching tabs.
    pub(super) fn go_to_field(&mut self, path: &FieldPath) {
        let builder = FormBuilder::new(&self.report, self.scheme(), &self.findings);
        if let Some((tab, row, col)) = locate(&builder, path) {
            self.tab = tab;
            self.cursor[tab.index()] = (row, col);
            self.rebuild_rows();
        }
    }

    /// Replaces the whole text as one step that undo can take back.
    pub(super) fn replace_as_step(
        &mut self,
        text: String,
        what: &str,
        reload: bool,
    ) -> Result<(), String> {
        let current = self.text();
        self.replace_text(text)?;
        let reverse = Change::Text {
            text: current,
            reload,
        };
        self.history.record(reverse, what);
        Ok(())
    }

    /// Replaces the whole text (undo of a reload, reload, recovery).
    fn replace_text(&mut self, text: String) -> Result<(), String> {
        let mut loaded =
            scheme::load(text.as_bytes(), &self.schemes).map_err(|_| "无法载入".to_owned())?;
        let scheme = scheme_of(&self.schemes, &loaded.report).clone();
        let (findings, totals) = rules::analyze_with(&loaded, &scheme, self.rule_options());
        self.doc = Document::from_loaded(&mut loaded).map_err(|e| e.to_string())?;
        self.report = loaded.report;
        self.notes = loaded.notes;
        self.locations = loaded.locations;
        self.totals = totals;
        self.set_findings(findings);
        self.rebuild_rows();
        self.fall_behind();
        self.guide_changed();
        Ok(())
    }
}
