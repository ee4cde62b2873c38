//! The field editor (opening it, its keys, pastes) and committing an edit into the document.

use super::undo::{Change, Edited};
use super::{App, scheme_of};
use super::{Editor, Mode};
use crate::model::FieldPath;
use crate::model::schema::Kind;
use crate::rules;
use crate::scheme;
use crate::store::{self, Document};
use crate::tui::form::RowKind;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::{TextArea, WrapMode};

impl Editor {
    /// A line break typed into the editor: in a long text only (a short value is one line).
    fn line_break(&mut self) {
        if self.multiline {
            self.area.insert_newline();
            self.error = None;
        }
    }

    /// Whether the text differs from what the editor opened with.
    pub fn changed(&self) -> bool {
        self.area.lines().join("\n") != self.original
    }
}

/// How an editor opens on a key typed in normal mode.
#[derive(Clone, Copy)]
enum Typed {
    /// A digit, `-` or `.` on a number: the value is replaced, as a spreadsheet does.
    Replace(char),
    /// A character outside ASCII on a text (Chinese from an input method): appended.
    Append(char),
}

/// Whether a cell of this kind holds a number.
fn is_number(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Amount | Kind::SignedAmount | Kind::Rate | Kind::Count
    )
}

/// Whether a character starts a number (full-width ones from an input method too).
fn starts_number(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '-' | '.' | '０'..='９' | '－' | '．')
}

impl App {
    /// Type to edit: a key typed on a cell that opens its editor with the key in it (a
    /// digit, `-` or `.` on a number; a character outside ASCII on a text). ASCII letters
    /// stay commands. Returns whether the key was taken.
    pub(super) fn type_to_edit(&mut self, key: &KeyEvent) -> bool {
        let Some(c) = crate::tui::keymap::typed_char(key) else {
            return false;
        };
        let (_, col) = self.cursor[self.tab.index()];
        let Some(kind) = self
            .current_row()
            .filter(|row| row.kind == RowKind::Cells)
            .and_then(|row| row.cells.get(col))
            .map(|cell| cell.kind)
        else {
            return false;
        };
        let typed = if is_number(&kind) && starts_number(c) {
            Typed::Replace(c)
        } else if matches!(kind, Kind::Text | Kind::LongText) && !c.is_ascii() {
            Typed::Append(c)
        } else {
            return false;
        };
        if self.read_only {
            self.warn("只读模式：不能修改或保存（用 jixiao edit 打开以编辑）");
            return true;
        }
        self.open_editor(Some(typed));
        true
    }

    pub(super) fn start_edit(&mut self) {
        self.open_editor(None);
    }

    fn open_editor(&mut self, typed: Option<Typed>) {
        let t = self.tab.index();
        let (_, col) = self.cursor[t];
        let Some(row) = self.current_row().cloned() else {
            return;
        };
        if let RowKind::AddFirst { .. } = row.kind {
            self.add_row();
            return;
        }
        let Some(cell) = row.cells.get(col) else {
            return;
        };
        // Refused before anything is typed, not on Enter.
        if let Some(why) = self.guide_refuses(&cell.path) {
            self.warn(why);
            return;
        }
        let written = self.doc.written(&cell.path).unwrap_or_default();
        let shown = crate::sanitize::to_editor(&written);
        let multiline = cell.kind == Kind::LongText || shown.contains('\n');
        let lines: Vec<String> = shown.split('\n').map(str::to_owned).collect();
        let mut area = match typed {
            Some(Typed::Replace(c)) => TextArea::new(vec![c.to_string()]),
            _ => TextArea::new(lines),
        };
        area.move_cursor(tui_textarea::CursorMove::Bottom);
        area.move_cursor(tui_textarea::CursorMove::End);
        if let Some(Typed::Append(c)) = typed {
            area.insert_char(c);
        }
        if multiline {
            area.set_wrap_mode(WrapMode::WordOrGlyph);
        }
        let label = if cell.label.is_empty() {
            row.label.clone()
        } else {
            cell.label.to_owned()
        };
        self.mode = Mode::Editing(Box::new(Editor {
            path: cell.path.clone(),
            label,
            multiline,
            area,
            original: shown,
            error: None,
        }));
    }

    pub(super) fn editor_key(&mut self, mut editor: Box<Editor>, key: KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let commit = match key.code {
            // Nothing typed is thrown away without asking.
            KeyCode::Esc if editor.changed() => {
                self.mode = Mode::Confirm(super::Confirm::DiscardEdit(super::HeldEditor(editor)));
                return;
            }
            KeyCode::Esc => {
                self.say("已取消编辑");
                return;
            }
            // One meaning for Enter, in every editor: commit. A line break in a long text is
            // Alt-Enter, or Ctrl-J (which every terminal sends).
            KeyCode::Enter if alt => {
                editor.line_break();
                false
            }
            KeyCode::Char('j') if ctrl => {
                editor.line_break();
                false
            }
            KeyCode::Enter => true,
            KeyCode::Char('s') if ctrl => true,
            KeyCode::Char('c' | 'k') if ctrl => false,
            _ => {
                editor.area.input(key);
                editor.error = None;
                false
            }
        };
        // Ctrl-S in an editor does what it does in Word: the text goes in, and the file is
        // saved.
        let save = ctrl && key.code == KeyCode::Char('s');
        if commit {
            let shown = editor.area.lines().join("\n");
            if shown == editor.original {
                if save {
                    self.run(super::Command::Save);
                }
                return;
            }
            let text = crate::sanitize::from_editor(&shown);
            let path = editor.path.clone();
            let before = self.doc.take_part(&self.doc.part_for(&path));
            let what = format!("修改 {}", self.place_of(&editor.path, &editor.label));
            let edited = Edited::undoing_value(path.clone(), &editor.original, &shown);
            match self.commit(before, what, edited, |doc| {
                doc.set(&path, &text).map_err(|e| e.to_string())
            }) {
                Ok(()) => {
                    self.say(format!("已修改 {}", editor.label));
                    if save {
                        self.run(super::Command::Save);
                    }
                    return;
                }
                Err(why) => editor.error = Some(why),
            }
        }
        self.mode = Mode::Editing(editor);
    }

    /// A field of the current row as undo names it: the row's label and the column's
    /// ("安全监管 实际支出"), or the one label (`label`) when there is one.
    fn place_of(&self, path: &FieldPath, label: &str) -> String {
        let Some(row) = self
            .current_row()
            .filter(|row| row.cells.iter().any(|c| c.path == *path))
        else {
            return label.to_owned();
        };
        // A table row is named by its name cell; its label may be only a number ("1.").
        let name = row
            .cells
            .iter()
            .find(|c| c.path != *path && c.path.to_string().ends_with(".name"))
            .map(|c| c.text.lines().next().unwrap_or("").trim().to_owned())
            .filter(|n| !n.is_empty());
        let row = match name {
            Some(name) => name.chars().take(16).collect(),
            // A plain field of a section (得分 of 年度资金总额): named with its section.
            None if row.cells.len() == 1 && row.label.trim() == label => {
                self.section_name().unwrap_or_default()
            }
            None if row.label.chars().any(char::is_alphabetic) => row.label.trim().to_owned(),
            None => String::new(),
        };
        if row.is_empty() || row == label {
            label.to_owned()
        } else {
            format!("{row} {label}")
        }
    }

    /// The short name of the section the cursor is in, from its heading when that is one
    /// name: 附件3 年度资金总额（万元） → 年度资金总额; none for a heading that lists several
    /// (三、四、五) or says nothing of the field (封面, 其他).
    fn section_name(&self) -> Option<String> {
        let at = self.cursor[self.tab.index()].0;
        let heading = self
            .rows
            .get(..at)?
            .iter()
            .rev()
            .find(|r| matches!(&r.kind, RowKind::Heading { columns } if columns.is_empty()))?;
        let mut name = heading.label.trim();
        if let Some(rest) = name.strip_prefix("附件")
            && let Some((_, rest)) = rest.split_once(' ')
        {
            name = rest;
        }
        // A numbered heading: 一（三）人员情况（人） → 人员情况（人）.
        if name.starts_with(|c: char| "一二三四五六七八九十".contains(c))
            && let Some((number, rest)) = name.split_once('）')
            && number.chars().count() <= 3
        {
            name = rest;
        }
        if let Some((head, _)) = name.split_once('（') {
            name = head;
        }
        let several = name.contains(['、', '/', ' ']);
        let vague = matches!(name, "封面" | "其他" | "总分");
        (!name.is_empty() && !several && !vague && name.chars().count() <= 8)
            .then(|| name.to_owned())
    }

    /// The fix key: puts the figure the program computes (`rules::computed`) in place of a
    /// stated one that disagrees with it (or a blank), as an ordinary undoable edit of the
    /// field, and says old → new. The cursor's cell first, else the row's computed cell.
    pub(super) fn fix_here(&mut self) {
        let (_, col) = self.cursor[self.tab.index()];
        let Some(row) = self
            .current_row()
            .filter(|row| row.kind == RowKind::Cells)
            .cloned()
        else {
            self.say("此处没有可计算的值");
            return;
        };
        let scheme = scheme_of(&self.schemes, &self.report);
        let expected_of = |c: &crate::tui::form::CellView| {
            rules::computed::expected_at(&self.report, scheme, &c.path).map(|e| (c.clone(), e))
        };
        let found = row.cells.get(col).and_then(expected_of).or_else(|| {
            let all: Vec<_> = row.cells.iter().filter_map(expected_of).collect();
            let wrong = all.iter().position(|(_, e)| !e.agrees).unwrap_or(0);
            all.into_iter().nth(wrong)
        });
        let Some((cell, expected)) = found else {
            self.say("此处没有可计算的值");
            return;
        };
        let old = crate::sanitize::to_editor(&self.doc.written(&cell.path).unwrap_or_default());
        if old.trim().is_empty() {
            // Nothing stated: the computed figure fills the blank.
        } else if expected.agrees {
            self.say(format!("已与计算值一致（{}）", expected.why));
            return;
        }
        let label = if cell.label.is_empty() {
            row.label.clone()
        } else {
            cell.label.to_owned()
        };
        // A figure the guide locks is refused before anything is shown, as the editor is.
        if let Some(why) = self.guide_refuses(&cell.path) {
            self.warn(format!("无法改为计算值：{why}"));
            return;
        }
        let place = self.place_of(&cell.path, &label);
        // Shown old → new first; Enter (or = again) puts it in.
        self.mode = Mode::Confirm(super::Confirm::Fix {
            path: cell.path.clone(),
            place,
            old,
            new: expected.value,
            why: expected.why,
        });
    }

    /// Puts the fix key's figure in, as an ordinary undoable edit.
    pub(super) fn apply_fix(&mut self, path: FieldPath, place: String, old: String, new: String) {
        let before = self.doc.take_part(&self.doc.part_for(&path));
        let edited = Edited::undoing_value(path.clone(), &old, &new);
        let what = format!("改为计算值 {place}");
        match self.commit(before, what, edited, |doc| {
            doc.set(&path, &new).map_err(|e| e.to_string())
        }) {
            Ok(()) => {
                let old = if old.trim().is_empty() {
                    "（空）"
                } else {
                    old.trim()
                };
                self.say(format!("已改为计算值：{place} {old} → {new}"));
            }
            Err(why) => self.warn(format!("无法改为计算值：{why}")),
        }
    }

    pub(super) fn paste(&mut self, text: &str) {
        let clean = crate::sanitize::clean_paste(text);
        match &mut self.mode {
            Mode::Editing(editor) => {
                let text = if editor.multiline {
                    clean
                } else {
                    clean.replace('\n', " ")
                };
                editor.area.insert_str(text);
                editor.error = None;
            }
            Mode::CommandLine(line)
            | Mode::SaveAs { input: line, .. }
            | Mode::Export { input: line } => {
                line.push_str(&clean.replace(['\r', '\n'], " "));
            }
            _ => self.say("先按 Enter 进入编辑，再粘贴"),
        }
    }

    /// Applies a change to the document in place and brings the model, the findings and the
    /// rows up to date. `before` is what undoing the change puts back (the part of the
    /// document the change can touch, or for rows how to reverse it): it is kept for undo, and
    /// put back at once when the changed document does not load (its error returned).
    pub(super) fn commit(
        &mut self,
        before: store::Part,
        what: String,
        edited: Edited,
        change: impl FnOnce(&mut Document) -> Result<(), String>,
    ) -> Result<(), String> {
        let part = before.path().clone();
        // The guide's guard covers every edit: a value, or for rows their whole table.
        let guarded = match edited.values {
            Some(_) => edited.path.clone(),
            None => super::guide::table_of(&edited.path),
        };
        if let Some(why) = self.guide_refuses(&guarded) {
            return Err(why);
        }
        change(&mut self.doc)?;
        if let Err(why) = self.reread(&part) {
            if let Err(e) = self.doc.put_part(before) {
                // Cannot happen: the part was just taken from this place. Start afresh.
                self.warn(e.to_string());
            }
            return Err(why);
        }
        self.history
            .record(Change::Part(before, Box::new(edited)), what);
        self.fall_behind();
        Ok(())
    }

    /// Re-reads what changed at `path` into the model and re-derives findings and rows.
    pub(super) fn reread(&mut self, path: &FieldPath) -> Result<(), String> {
        let changed = scheme::reread(
            self.doc.root(),
            &mut self.report,
            &mut self.notes,
            path,
            &self.schemes,
        )
        .map_err(|errors| {
            errors
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_else(|| "修改后文件无法载入".to_owned())
        })?;
        self.analyze(match &changed {
            store::Changed::Values(p) => Some(p),
            store::Changed::Structure => None,
        });
        Ok(())
    }

    /// Findings, totals and rows from the model as it is.
    pub(super) fn analyze(&mut self, changed: Option<&FieldPath>) {
        let scheme = scheme_of(&self.schemes, &self.report);
        let options = self.rule_options();
        let (findings, totals) =
            rules::analyze_report_with(&self.report, &self.notes, scheme, options, |p| {
                self.locations.nearest(p)
            });
        self.totals = totals;
        self.set_findings(findings);
        self.refresh_rows(changed);
        self.guide_changed();
    }
}
