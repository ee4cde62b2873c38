//! A guide beside the workbench: something that watches the document (a lesson, say) without
//! the workbench knowing what it is. It may refuse edits to some places (with a reason shown
//! in the footer), shows a pane re-made after every change of the document (in the same
//! frame as the edit, where the findings are re-derived), answers a few keys of its own in
//! normal mode, and hears of every save.

use super::{App, Mode};
use crate::model::{FieldPath, Seg};

/// How a line of the pane is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStyle {
    Plain,
    Heading,
    Dim,
}

/// One line of the guide's pane (wrapped to the pane's width): with `mark`, a goal met (✓)
/// or not (✗).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaneLine {
    pub text: String,
    pub mark: Option<bool>,
    pub style: LineStyle,
}

impl PaneLine {
    pub fn plain(text: impl Into<String>) -> PaneLine {
        PaneLine {
            text: text.into(),
            mark: None,
            style: LineStyle::Plain,
        }
    }

    pub fn heading(text: impl Into<String>) -> PaneLine {
        PaneLine {
            style: LineStyle::Heading,
            ..PaneLine::plain(text)
        }
    }

    pub fn dim(text: impl Into<String>) -> PaneLine {
        PaneLine {
            style: LineStyle::Dim,
            ..PaneLine::plain(text)
        }
    }

    pub fn goal(text: impl Into<String>, met: bool) -> PaneLine {
        PaneLine {
            mark: Some(met),
            ..PaneLine::plain(text)
        }
    }
}

/// The guide's pane: its title and lines, the most important first (a short screen shows
/// only the first ones).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pane {
    pub title: String,
    pub lines: Vec<PaneLine>,
}

impl Pane {
    /// The pane for a box too short for it: the goals met said in one line where the first
    /// goal stood ("✓ 另有 3 个目标已达成"), after the goals not met, which all stay; the
    /// lines that are no goal follow as before.
    pub fn with_met_goals_folded(&self) -> Pane {
        let met = self.lines.iter().filter(|l| l.mark == Some(true)).count();
        if met == 0 {
            return self.clone();
        }
        let unmet = self.lines.iter().filter(|l| l.mark == Some(false)).count();
        let summary = if unmet == 0 {
            format!("{met} 个目标都已达成")
        } else {
            format!("另有 {met} 个目标已达成")
        };
        let first_goal = self.lines.iter().position(|l| l.mark.is_some());
        let mut lines = Vec::with_capacity(self.lines.len());
        for (i, line) in self.lines.iter().enumerate() {
            if Some(i) == first_goal {
                lines.extend(self.lines.iter().filter(|l| l.mark == Some(false)).cloned());
                lines.push(PaneLine::goal(summary.clone(), true));
            }
            if line.mark.is_none() {
                lines.push(line.clone());
            }
        }
        Pane {
            title: self.title.clone(),
            lines,
        }
    }
}

/// What the workbench does after one of the guide's keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Say(String),
    Warn(String),
    /// Open a rule's full-screen explanation (as `i` does).
    Explain(String),
    /// Show a page of text full screen, read-only.
    Page {
        title: String,
        text: String,
    },
}

/// A guide (see the module's documentation). The workbench calls it; it never calls back.
pub trait Guide {
    /// Why an edit that can change `path` is refused, or None. `path` is the value edited,
    /// or, for adding, deleting or moving rows, the table (every row after the one added or
    /// deleted moves).
    fn refuse(&self, path: &FieldPath) -> Option<String>;
    /// The document is now `text` (opened, edited, undone, redone, reloaded).
    fn changed(&mut self, text: &str);
    fn pane(&self) -> Pane;
    /// The plain keys the guide answers in normal mode, before the key map, with what they
    /// do (for the key bar and the help).
    fn keys(&self) -> Vec<(char, &'static str)>;
    fn key(&mut self, key: char) -> Option<Reply>;
    /// The document was saved as `text`: a message to add to the footer, or why what the
    /// guide does on a save failed.
    fn saved(&mut self, text: &str) -> Result<Option<String>, String>;
}

/// The table a row belongs to: `special_funds[2]` → `special_funds`.
pub(super) fn table_of(row: &FieldPath) -> FieldPath {
    match row.segs().last() {
        Some(Seg::Index(_)) => row.parent().unwrap_or_else(FieldPath::root),
        _ => row.clone(),
    }
}

impl App {
    /// Attaches a guide; it judges the document as it is at once.
    pub fn set_guide(&mut self, mut guide: Box<dyn Guide>) {
        guide.changed(&self.text());
        self.guide = Some(guide);
    }

    /// Moves the cursor to the cell that shows `path` (or the nearest), switching tabs: where
    /// a guide wants the user to start.
    pub fn go_to(&mut self, path: &FieldPath) {
        self.go_to_field(path);
    }

    pub fn guide(&self) -> Option<&dyn Guide> {
        self.guide.as_deref()
    }

    /// Tells the guide the document changed.
    pub(super) fn guide_changed(&mut self) {
        if self.guide.is_some() {
            let text = self.text();
            if let Some(guide) = &mut self.guide {
                guide.changed(&text);
            }
        }
    }

    /// Why the guide refuses an edit that can change `path`.
    pub(super) fn guide_refuses(&self, path: &FieldPath) -> Option<String> {
        self.guide.as_ref()?.refuse(path)
    }

    /// A key of the guide's, in normal mode: whether it was one.
    pub(super) fn guide_key(&mut self, key: &crossterm::event::KeyEvent) -> bool {
        use crossterm::event::{KeyCode, KeyModifiers};
        let KeyCode::Char(c) = key.code else {
            return false;
        };
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return false;
        }
        let Some(guide) = &mut self.guide else {
            return false;
        };
        if !guide.keys().iter().any(|(k, _)| *k == c) {
            return false;
        }
        match guide.key(c) {
            Some(Reply::Say(text)) => self.say(text),
            Some(Reply::Warn(text)) => self.warn(text),
            Some(Reply::Explain(id)) if !self.explain(&id) => self.warn(format!(
                "没有编号为“{}”的规则",
                crate::sanitize::visible_inline(&id)
            )),
            Some(Reply::Explain(_)) => {}
            Some(Reply::Page { title, text }) => {
                self.mode = Mode::FullText {
                    title,
                    text,
                    scroll: 0,
                }
            }
            None => {}
        }
        true
    }

    /// Tells the guide of a save; returns what to add to the footer's message, and whether
    /// that is a failure.
    pub(super) fn guide_saved(&mut self, text: &str) -> Option<(String, bool)> {
        match self.guide.as_mut()?.saved(text) {
            Ok(Some(message)) => Some((message, false)),
            Ok(None) => None,
            Err(why) => Some((why, true)),
        }
    }
}
