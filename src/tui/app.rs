//! The workbench's state and its one `update` (The Elm Architecture): every key becomes an
//! action on the state; findings and totals are derived after each committed edit.

use super::form::{FormBuilder, Row, RowKind, Tab, locate};
use super::history::{History, Travel, digest};
use super::keymap::{Command, Keymap};
use crate::finding::{Finding, Severity};
use crate::model::schema::Kind;
use crate::model::{FieldPath, Report};
use crate::rules::{self, Totals};
use crate::scheme::{self, Scheme, SchemeSet};
use crate::store::{self, Document, RowEdit, Source};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tui_textarea::{TextArea, WrapMode};

/// The longest the recovery file stays behind a committed edit while the user keeps pressing
/// keys: a `kill -9` 300 ms after Enter must find the edit (RELIABILITY.md).
const RECOVERY_MAX_DELAY: Duration = Duration::from_millis(120);

/// What can happen to the workbench.
#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Paste(String),
}

/// An open field editor.
pub struct Editor {
    pub path: FieldPath,
    pub label: String,
    pub multiline: bool,
    pub area: TextArea<'static>,
    pub original: String,
    pub error: Option<String>,
}

/// What the user is being asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    /// Unsaved changes on quit: s save, d discard, c cancel.
    Quit,
    /// The file changed on disk since it was loaded: o overwrite (keeping theirs as
    /// `.theirs`), r reload, a save as, c cancel.
    Conflict { then_quit: bool },
    /// Saving would change the file's owner or group: y save anyway, c cancel.
    OwnerChange {
        why: String,
        path: PathBuf,
        then_quit: bool,
        overwrite: bool,
    },
    /// Another live session holds the file: v read-only, q quit.
    Locked { holder: String },
    /// A recovery file holds edits that were never saved: r recover, d discard (kept as the
    /// discarded copy), v or Esc read-only (the recovery file stays). `disk_changed`: the
    /// file on disk was changed after the session that wrote it ended.
    Recover {
        lines: Vec<String>,
        disk_changed: bool,
    },
}

/// The interaction mode.
pub enum Mode {
    Normal,
    Editing(Box<Editor>),
    CommandLine(String),
    SaveAs {
        input: String,
        then_quit: bool,
    },
    /// Asking where to export (the extension chooses md, xlsx or docx).
    Export {
        input: String,
    },
    Confirm(Confirm),
    Help {
        scroll: u16,
    },
    Findings,
}

/// A message in the footer until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// The bundled example, opened by a bare `jixiao` as an untitled copy.
pub const BUNDLED_EXAMPLE: &str = include_str!("../../examples/lusong-emergency-2023.toml");

pub struct App {
    pub doc: Document,
    pub report: Report,
    pub findings: Vec<Finding>,
    pub totals: Totals,
    pub schemes: SchemeSet,
    /// None for the untitled copy of the bundled example.
    pub file: Option<PathBuf>,
    pub read_only: bool,
    /// Warnings made while reading the report (unknown keys, amounts with too many decimals).
    notes: Vec<Finding>,
    /// Where the tables and rows were in the file as opened: findings are listed in file order.
    locations: store::Locations,
    /// The worst finding on each path: the marks beside the cells.
    pub marks: HashMap<FieldPath, Severity>,
    /// Undo, redo, and whether the document differs from the file last loaded or saved.
    history: History<Change>,
    /// Since when the recovery file is behind the document (it is written when the user
    /// pauses, and at the latest a second later).
    behind_since: Option<Instant>,
    /// The user undid a reload: the file on disk holds someone else's change, and saving
    /// over it is asked first.
    ask_before_overwrite: bool,
    /// The bytes on disk as last loaded or saved (to notice someone else's change).
    disk_bytes: Option<Vec<u8>>,
    pub tab: Tab,
    pub cursor: [(usize, usize); 4],
    pub scroll: [usize; 4],
    pub rows: Vec<Row>,
    pub mode: Mode,
    pub status: Option<Status>,
    pub keymap: Keymap,
    pub selected_finding: usize,
    /// Whether n/N has visited a finding yet (the first n goes to the first finding).
    walked_findings: bool,
    pub finding_scroll: usize,
    pub quit: bool,
    /// Rows visible in the form (set by the view), for paging.
    pub page: usize,
    /// The furthest the help can scroll with its last line still on screen (set by the view).
    pub help_bottom: u16,
    backed_up: bool,
    /// Recovery and lock files of the file being edited (none for untitled or read-only).
    session: Option<store::SessionFiles>,
    /// Text found in a recovery file, waiting for the user's choice. While it waits, the
    /// recovery file is not this session's: nothing here writes or removes it.
    pending_recovery: Option<String>,
    /// The user chose to quit without saving: the recovery file goes too.
    discarded: bool,
    /// The session recovered another session's edits and has not saved them yet: should they
    /// be undone away, the recovery becomes the discarded copy instead of being deleted.
    holds_recovered: bool,
    /// Writes and removes the recovery file, in order, off the keyboard's path.
    recorder: super::recorder::Recorder,
}

/// What an undo (or redo) step of the workbench puts back.
enum Change {
    /// One part of the document (a value, a table's rows, a created table).
    Part(store::Part),
    /// The whole text (a reload or a recovery replaced it); `reload` when the text replaced
    /// was the one on disk.
    Text { text: String, reload: bool },
}

/// Why a file could not be opened in the workbench.
pub struct OpenFailure {
    pub source: Source,
    pub findings: Vec<Finding>,
}

impl App {
    /// Opens a report's text. `file` is where it saves (None: untitled).
    pub fn open(
        text: &str,
        file: Option<PathBuf>,
        read_only: bool,
        schemes: SchemeSet,
        keymap: Keymap,
    ) -> Result<App, OpenFailure> {
        let mut loaded = scheme::load(text.as_bytes(), &schemes).map_err(|f| OpenFailure {
            source: f.source,
            findings: f.findings,
        })?;
        // Findings first: their places come from the parsed tree, which the editor then takes.
        let scheme = scheme_of(&schemes, &loaded.report);
        let (findings, totals) = rules::analyze(&loaded, scheme);
        let doc = Document::from_loaded(&mut loaded).map_err(|e| OpenFailure {
            source: loaded.source.clone(),
            findings: vec![Finding::new(
                "X01",
                Severity::Error,
                FieldPath::root(),
                e.to_string(),
            )],
        })?;
        let disk_bytes = file.as_ref().map(|_| text.as_bytes().to_vec());
        let mut app = App {
            doc,
            report: loaded.report,
            findings: Vec::new(),
            totals,
            schemes,
            file,
            read_only,
            notes: loaded.notes,
            locations: loaded.locations,
            marks: HashMap::new(),
            history: History::saved(digest(text)),
            behind_since: None,
            ask_before_overwrite: false,
            disk_bytes,
            tab: Tab::Basic,
            cursor: [(0, 0); 4],
            scroll: [0; 4],
            rows: Vec::new(),
            mode: Mode::Normal,
            status: None,
            keymap,
            selected_finding: 0,
            walked_findings: false,
            finding_scroll: 0,
            quit: false,
            page: 10,
            help_bottom: u16::MAX,
            backed_up: false,
            session: None,
            pending_recovery: None,
            discarded: false,
            holds_recovered: false,
            recorder: Default::default(),
        };
        app.set_findings(findings);
        app.rebuild_rows();
        Ok(app)
    }

    /// Opens the document a recovery file holds for `file`, whose own bytes on disk
    /// (`disk_bytes`) no longer load: the edits are unsaved, and saving asks first and keeps
    /// the disk's version as `.theirs`.
    pub fn open_recovered(
        recovered: &str,
        file: PathBuf,
        disk_bytes: Vec<u8>,
        schemes: SchemeSet,
        keymap: Keymap,
    ) -> Result<App, OpenFailure> {
        let mut app = App::open(recovered, Some(file), false, schemes, keymap)?;
        app.history = History::unsaved(digest(&String::from_utf8_lossy(&disk_bytes)));
        app.disk_bytes = Some(disk_bytes);
        app.ask_before_overwrite = true;
        app.holds_recovered = true;
        app.say("已从恢复文件打开（尚未保存；保存时会先询问）");
        Ok(app)
    }

    pub fn dirty(&self) -> bool {
        self.history.is_dirty()
    }

    /// The whole file as it would be saved now.
    pub fn text(&self) -> String {
        self.doc.to_text()
    }

    pub fn scheme(&self) -> &Scheme {
        scheme_of(&self.schemes, &self.report)
    }

    fn set_findings(&mut self, mut findings: Vec<Finding>) {
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

    /// Re-derives the rows of the current tab and keeps the cursor on a selectable row.
    pub fn rebuild_rows(&mut self) {
        self.refresh_rows(None);
    }

    /// Re-derives the rows of the current tab; after a change of values only, the rows of
    /// tables that the change did not touch are kept as they are.
    fn refresh_rows(&mut self, changed: Option<&FieldPath>) {
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

    fn say(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
        });
    }

    /// A problem found before the first screen (e.g. in keys.toml), shown on it.
    pub fn warn_startup(&mut self, text: String) {
        self.warn(text);
    }

    fn warn(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
    }

    /// Applies a change to the document in place and brings the model, the findings and the
    /// rows up to date. `before` is what undoing the change puts back (the part of the
    /// document the change can touch, or for rows how to reverse it): it is kept for undo, and
    /// put back at once when the changed document does not load (its error returned).
    fn commit(
        &mut self,
        before: store::Part,
        what: String,
        change: impl FnOnce(&mut Document) -> Result<(), String>,
    ) -> Result<(), String> {
        let part = before.path().clone();
        change(&mut self.doc)?;
        if let Err(why) = self.reread(&part) {
            if let Err(e) = self.doc.put_part(before) {
                // Cannot happen: the part was just taken from this place. Start afresh.
                self.warn(e.to_string());
            }
            return Err(why);
        }
        self.history.record(Change::Part(before), what);
        self.fall_behind();
        Ok(())
    }

    /// Re-reads what changed at `path` into the model and re-derives findings and rows.
    fn reread(&mut self, path: &FieldPath) -> Result<(), String> {
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
    fn analyze(&mut self, changed: Option<&FieldPath>) {
        let scheme = scheme_of(&self.schemes, &self.report);
        let (findings, totals) = rules::analyze_report(&self.report, &self.notes, scheme, |p| {
            self.locations.nearest(p)
        });
        self.totals = totals;
        self.set_findings(findings);
        self.refresh_rows(changed);
    }

    /// Replaces the whole text (undo of a reload, reload, recovery).
    fn replace_text(&mut self, text: String) -> Result<(), String> {
        let mut loaded =
            scheme::load(text.as_bytes(), &self.schemes).map_err(|_| "无法载入".to_owned())?;
        let scheme = scheme_of(&self.schemes, &loaded.report).clone();
        let (findings, totals) = rules::analyze(&loaded, &scheme);
        self.doc = Document::from_loaded(&mut loaded).map_err(|e| e.to_string())?;
        self.report = loaded.report;
        self.notes = loaded.notes;
        self.locations = loaded.locations;
        self.totals = totals;
        self.set_findings(findings);
        self.rebuild_rows();
        self.fall_behind();
        Ok(())
    }

    /// Puts back what an undo or redo step holds; returns the change that goes the other way.
    fn apply_change(&mut self, change: Change) -> Result<Change, String> {
        Ok(match change {
            Change::Part(part) => {
                let path = part.path().clone();
                let current = self.doc.put_part(part).map_err(|e| e.to_string())?;
                if let Err(why) = self.reread(&path) {
                    // The part put back loaded before; should it not, nothing is lost:
                    // the document is as it was.
                    let _ = self.doc.put_part(current);
                    return Err(why);
                }
                Change::Part(current)
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

    /// Starts a session on the file: notices another live session and edits left in a
    /// recovery file by one that ended without saving. Anything planted under the names of
    /// the session's files (a symlink, someone else's file) opens the report read-only.
    pub fn attach_session(&mut self) {
        let (Some(file), false) = (self.file.clone(), self.read_only) else {
            return;
        };
        let files = store::SessionFiles::for_file(&store::resolve_target(&file));
        match files.holder() {
            Ok(Some(holder)) => {
                self.mode = Mode::Confirm(Confirm::Locked {
                    holder: format!("进程 {}，主机 {}", holder.pid, holder.host),
                });
                return;
            }
            Ok(None) => {}
            Err(e) => return self.refuse_session(e),
        }
        if let Err(e) = files.lock() {
            return self.refuse_session(e);
        }
        match files.read_recovery() {
            Ok(None) => {}
            Ok(Some(recovery)) => {
                let text = self.text();
                if self.disk_bytes.as_deref() == Some(recovery.text.as_bytes()) {
                    // The file holds every edit the recovery did.
                    files.remove_recovery();
                } else if recovery.text == text {
                    // Opened from the recovery itself (the file did not load): this session
                    // carries it on.
                } else if scheme::load(recovery.text.as_bytes(), &self.schemes).is_err() {
                    match files.discard_recovery() {
                        Ok(()) => self.warn(format!(
                            "恢复文件无法载入，已另存为 {}",
                            files.discarded.display()
                        )),
                        Err(e) => {
                            files.unlock();
                            return self.refuse_session(e);
                        }
                    }
                } else {
                    let on_disk = self.disk_bytes.as_deref().map(store::fingerprint);
                    let disk_changed = recovery.base.is_some() && recovery.base != on_disk;
                    let lines = store::describe_difference(&text, &recovery.text, 8);
                    self.pending_recovery = Some(recovery.text);
                    self.mode = Mode::Confirm(Confirm::Recover {
                        lines,
                        disk_changed,
                    });
                }
            }
            Err(e) => {
                files.unlock();
                return self.refuse_session(e);
            }
        }
        self.session = Some(files);
    }

    /// Leaves the recovery file as it is and shows the file read-only: what Esc and v do on
    /// the recovery prompt, and where a choice could not be carried out (`failure` says why,
    /// in the same message).
    fn open_read_only_keeping_recovery(&mut self, failure: Option<String>) {
        self.pending_recovery = None;
        self.read_only = true;
        if let Some(files) = self.session.take() {
            files.unlock();
        }
        let opened = "已以只读方式打开（恢复文件保留，重新打开时可再选择）";
        match failure {
            Some(why) => self.warn(format!(
                "{}；{opened}",
                crate::sanitize::visible_inline(&why)
            )),
            None => self.say(opened),
        }
    }

    /// The session's files cannot be used safely: the report opens read-only, saying why.
    fn refuse_session(&mut self, why: store::SaveError) {
        self.read_only = true;
        self.warn(format!(
            "{}；为安全起见以只读方式打开",
            crate::sanitize::visible_inline(&why.to_string())
        ));
    }

    /// After saving under a new name, the lock and recovery follow the file now edited.
    fn move_session(&mut self, _first_file: bool) {
        if self.read_only {
            return;
        }
        if let Some(old) = self.session.take() {
            self.recorder.remove(&old);
            old.unlock();
        }
        let Some(file) = &self.file else { return };
        let files = store::SessionFiles::for_file(&store::resolve_target(file));
        if let Err(e) = files.lock() {
            self.warn(format!("无法写会话文件：{e}"));
        }
        self.session = Some(files);
    }

    /// The recovery and lock files of this session, if it has them.
    pub fn session_files(&self) -> Option<store::SessionFiles> {
        self.session.clone()
    }

    fn take_over_session(&mut self) {
        let Some(file) = self.file.clone() else {
            return;
        };
        let files = store::SessionFiles::for_file(&store::resolve_target(&file));
        let _ = std::fs::remove_file(&files.lock);
        self.attach_session();
        if matches!(self.mode, Mode::Normal) {
            self.say("已接管编辑");
        }
    }

    /// Ends the session: the lock goes; the recovery file stays only while it holds edits the
    /// user did not choose to discard (and is brought up to date first).
    pub fn end_session(&mut self) {
        let Some(files) = self.session.clone() else {
            return;
        };
        // A recovery the user has not chosen about stays exactly as it was.
        if self.pending_recovery.is_none() {
            self.write_recovery();
            if self.discarded {
                self.recorder.discard(&files);
            } else if !self.dirty() {
                self.forget_recovery(&files);
            }
        }
        self.settle_recovery();
        files.unlock();
    }

    /// Waits until the recovery file is as last asked (before the process ends).
    pub fn settle_recovery(&mut self) {
        self.recorder.settle();
        self.recovery_failure();
    }

    /// Shows why writing the recovery file failed, if it did.
    pub fn recovery_failure(&mut self) {
        if let Some(e) = self.recorder.failure() {
            self.warn(format!("无法写恢复文件（{e}）：请尽快保存"));
        }
    }

    /// Whether the recovery file is behind the edits (the run loop writes it when the user
    /// pauses, and before the process stops).
    pub fn recovery_behind(&self) -> bool {
        self.behind_since.is_some()
    }

    /// Whether the recovery file has been behind for so long (the user never paused) that
    /// it is written now.
    pub fn recovery_overdue(&self) -> bool {
        self.behind_since
            .is_some_and(|since| since.elapsed() >= RECOVERY_MAX_DELAY)
    }

    fn fall_behind(&mut self) {
        self.behind_since.get_or_insert_with(Instant::now);
    }

    /// Brings the recovery file up to date: the whole document while it differs from the
    /// file on disk, none once they agree.
    pub fn write_recovery(&mut self) {
        if self.behind_since.take().is_none() {
            return;
        }
        let text = self.doc.to_text();
        if self.dirty() {
            let now = digest(&text);
            if self.history.matches_saved(now) {
                // Edited back to what is on disk: nothing unsaved any more.
                self.history.mark_saved(now);
            }
        }
        let (Some(files), Some(file)) = (self.session.clone(), self.file.clone()) else {
            return;
        };
        if self.pending_recovery.is_some() {
            return;
        }
        if self.dirty() {
            let base = self.disk_bytes.as_deref().map(store::fingerprint);
            self.recorder.write(&files, &file, text, base);
        } else {
            self.forget_recovery(&files);
        }
    }

    /// The document is as on disk again: the recovery goes — kept as the discarded copy when
    /// it held another session's edits that were undone, not saved.
    fn forget_recovery(&mut self, files: &store::SessionFiles) {
        if self.holds_recovered {
            self.recorder.discard(files);
        } else {
            self.recorder.remove(files);
        }
    }

    pub fn update(&mut self, action: Action) {
        match action {
            Action::Paste(text) => self.paste(&text),
            Action::Key(key) => {
                if key.kind == crossterm::event::KeyEventKind::Release {
                    return;
                }
                self.status = None;
                match std::mem::replace(&mut self.mode, Mode::Normal) {
                    Mode::Normal => self.normal_key(key),
                    Mode::Editing(editor) => self.editor_key(editor, key),
                    Mode::CommandLine(line) => self.command_line_key(line, key),
                    Mode::SaveAs { input, then_quit } => self.save_as_key(input, then_quit, key),
                    Mode::Export { input } => self.export_key(input, key),
                    Mode::Confirm(c) => self.confirm_key(c, key),
                    Mode::Help { scroll } => self.help_key(scroll, key),
                    Mode::Findings => self.findings_key(key),
                }
            }
        }
    }

    fn paste(&mut self, text: &str) {
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

    fn normal_key(&mut self, key: KeyEvent) {
        let Some(command) = self.keymap.command(&key) else {
            if key.code == KeyCode::Esc {
                return;
            }
            let help = self.keymap.label(Command::Help);
            self.say(format!("此键无作用；按 {help} 查看全部按键"));
            return;
        };
        if self.read_only && command.edits() {
            self.warn("只读模式：不能修改或保存（用 jixiao edit 打开以编辑）");
            return;
        }
        self.run(command);
    }

    pub fn run(&mut self, command: Command) {
        let t = self.tab.index();
        match command {
            Command::TabBasic => self.switch(Tab::Basic),
            Command::TabBudget => self.switch(Tab::Budget),
            Command::TabFunds => self.switch(Tab::Funds),
            Command::TabScores => self.switch(Tab::Scores),
            Command::NextTab => self.switch(Tab::ALL[(t + 1) % 4]),
            Command::PrevTab => self.switch(Tab::ALL[(t + 3) % 4]),
            Command::Up => self.move_rows(-1),
            Command::Down => self.move_rows(1),
            Command::PageUp => self.move_rows(-(self.page.max(1) as isize)),
            Command::PageDown => self.move_rows(self.page.max(1) as isize),
            Command::First => self.move_rows(-(self.rows.len() as isize)),
            Command::Last => self.move_rows(self.rows.len() as isize),
            Command::Left => {
                let (row, col) = self.cursor[t];
                self.cursor[t] = (row, col.saturating_sub(1));
            }
            Command::Right => {
                let (row, col) = self.cursor[t];
                let cells = self.current_row().map_or(0, |r| r.cells.len());
                self.cursor[t] = (row, (col + 1).min(cells.saturating_sub(1)));
            }
            Command::Edit => self.start_edit(),
            Command::AddRow => self.add_row(),
            Command::DeleteRow => self.delete_row(),
            Command::MoveRowUp => self.move_row(false),
            Command::MoveRowDown => self.move_row(true),
            Command::Undo => self.undo(),
            Command::Redo => self.redo(),
            Command::Save => self.save(false),
            Command::CommandLine => self.mode = Mode::CommandLine(String::new()),
            Command::NextFinding => self.walk_findings(true),
            Command::PrevFinding => self.walk_findings(false),
            Command::Findings => {
                if self.findings.is_empty() {
                    self.say("没有发现问题");
                } else {
                    self.mode = Mode::Findings;
                }
            }
            Command::Help => self.mode = Mode::Help { scroll: 0 },
            Command::Export => {
                self.mode = Mode::Export {
                    input: self.export_suggestion(),
                }
            }
            Command::Quit => self.request_quit(),
        }
    }

    fn switch(&mut self, tab: Tab) {
        self.tab = tab;
        self.rebuild_rows();
    }

    fn move_rows(&mut self, delta: isize) {
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
            let cells = self.rows[r].cells.len();
            self.cursor[t] = (r, col.min(cells.saturating_sub(1)));
        }
    }

    fn start_edit(&mut self) {
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
        let written = self.doc.written(&cell.path).unwrap_or_default();
        let shown = crate::sanitize::to_editor(&written);
        let multiline = cell.kind == Kind::LongText || shown.contains('\n');
        let lines: Vec<String> = shown.split('\n').map(str::to_owned).collect();
        let mut area = TextArea::new(lines);
        area.move_cursor(tui_textarea::CursorMove::Bottom);
        area.move_cursor(tui_textarea::CursorMove::End);
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

    fn editor_key(&mut self, mut editor: Box<Editor>, key: KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let commit = match key.code {
            KeyCode::Esc => {
                self.say("已取消编辑");
                return;
            }
            KeyCode::Enter if !editor.multiline || alt => true,
            KeyCode::Char('s') if ctrl => true,
            KeyCode::Char('c' | 'j' | 'k') if ctrl => false,
            _ => {
                editor.area.input(key);
                editor.error = None;
                false
            }
        };
        if commit {
            let shown = editor.area.lines().join("\n");
            if shown == editor.original {
                return;
            }
            let text = crate::sanitize::from_editor(&shown);
            let path = editor.path.clone();
            let before = self.doc.take_part(&self.doc.part_for(&path));
            let what = format!("修改 {}", editor.label);
            match self.commit(before, what, |doc| {
                doc.set(&path, &text).map_err(|e| e.to_string())
            }) {
                Ok(()) => {
                    self.say(format!("已修改 {}", editor.label));
                    return;
                }
                Err(why) => editor.error = Some(why),
            }
        }
        self.mode = Mode::Editing(editor);
    }

    fn row_target(&self) -> Option<(FieldPath, usize, bool)> {
        let row = self.current_row()?;
        match &row.kind {
            RowKind::AddFirst { rows_path, .. } => Some((rows_path.clone(), 0, true)),
            _ => row.row_ref.clone().map(|(p, i)| (p, i, false)),
        }
    }

    fn add_row(&mut self) {
        let Some((rows_path, index, empty)) = self.row_target() else {
            self.warn("这一行不是表格行或列表项，不能新增");
            return;
        };
        let at = if empty { 0 } else { index + 1 };
        let before = self.doc.undo_for_rows(&rows_path, RowEdit::Insert(at));
        let result = self.commit(before, "新增一行".to_owned(), |doc| {
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
                self.say("已新增一行（u 撤销）");
                if is_list {
                    self.start_edit();
                }
            }
            Err(why) => self.warn(why),
        }
    }

    fn delete_row(&mut self) {
        let Some((rows_path, index, empty)) = self.row_target() else {
            self.warn("这一行不是表格行或列表项，不能删除");
            return;
        };
        if empty {
            return;
        }
        let row_path = rows_path.index(index);
        let before = self.doc.undo_for_rows(&rows_path, RowEdit::Remove(index));
        match self.commit(before, "删除一行".to_owned(), |doc| {
            doc.remove_row(&row_path).map_err(|e| e.to_string())
        }) {
            Ok(()) => {
                let left = self.doc.row_count(&rows_path);
                if left > 0 {
                    self.focus_row(&rows_path, index.min(left - 1));
                }
                self.say("已删除一行（u 撤销）");
            }
            Err(why) => self.warn(why),
        }
    }

    fn move_row(&mut self, down: bool) {
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
        match self.commit(before, what.to_owned(), |doc| {
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

    fn undo(&mut self) {
        match self.history.undo() {
            Some(travel) => self.travel(travel, "已撤销"),
            None => self.say("没有可撤销的修改"),
        }
    }

    fn redo(&mut self) {
        match self.history.redo() {
            Some(travel) => self.travel(travel, "已重做"),
            None => self.say("没有可重做的修改"),
        }
    }

    /// Applies a step taken by undo or redo (`done` says which, in the message). A step that
    /// cannot be applied is dropped, the document left as it was.
    fn travel(&mut self, travel: Travel<Change>, done: &str) {
        let Travel { change, ticket } = travel;
        match self.apply_change(change) {
            Ok(reverse) => {
                self.say(format!("{done}：{}", ticket.what()));
                self.history.arrive(ticket, reverse);
                self.fall_behind();
            }
            Err(why) => self.warn(why),
        }
    }

    /// Replaces the whole text as one step that undo can take back.
    fn replace_as_step(&mut self, text: String, what: &str, reload: bool) -> Result<(), String> {
        let current = self.text();
        self.replace_text(text)?;
        let reverse = Change::Text {
            text: current,
            reload,
        };
        self.history.record(reverse, what);
        Ok(())
    }

    fn walk_findings(&mut self, forward: bool) {
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
        let builder = FormBuilder::new(&self.report, self.scheme(), &self.findings);
        if let Some((tab, row, col)) = locate(&builder, &f.path) {
            self.tab = tab;
            self.cursor[tab.index()] = (row, col);
            self.rebuild_rows();
        }
        self.say(format!("{} {} {}", f.severity.symbol(), f.rule, f.message));
    }

    fn findings_key(&mut self, key: KeyEvent) {
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
            _ if key.code == KeyCode::Esc => return,
            _ => {}
        }
        self.mode = Mode::Findings;
    }

    fn help_key(&mut self, scroll: u16, key: KeyEvent) {
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => {
                self.mode = Mode::Help {
                    scroll: scroll.saturating_add(1).min(self.help_bottom),
                }
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.mode = Mode::Help {
                    scroll: scroll.saturating_sub(1),
                }
            }
            _ => {}
        }
    }

    fn command_line_key(&mut self, mut line: String, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => {}
            KeyCode::Enter => self.run_command_line(line.trim()),
            KeyCode::Backspace => {
                if line.pop().is_some() {
                    self.mode = Mode::CommandLine(line);
                }
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                line.push(c);
                self.mode = Mode::CommandLine(line);
            }
            _ => self.mode = Mode::CommandLine(line),
        }
    }

    fn run_command_line(&mut self, line: &str) {
        let (command, arg) = match line.split_once(char::is_whitespace) {
            Some((c, a)) => (c, a.trim()),
            None => (line, ""),
        };
        match command {
            "w" | "write" if self.read_only => self.warn("只读模式：不能保存"),
            "w" | "write" if !arg.is_empty() => self.save_to(PathBuf::from(arg), false),
            "w" | "write" => self.save(false),
            "wq" | "x" if self.read_only => self.quit = true,
            "wq" | "x" => self.save(true),
            "q" | "quit" => self.request_quit(),
            "q!" | "quit!" => {
                self.discarded = true;
                self.quit = true;
            }
            "" => {}
            other => self.warn(format!(
                "不认识的命令“:{}”（可用 :w :q :wq :q!）",
                crate::sanitize::visible_inline(other)
            )),
        }
    }

    fn save_as_key(&mut self, mut input: String, then_quit: bool, key: KeyEvent) {
        match edit_line(&mut input, key) {
            LineEdit::Cancel => self.say("未保存"),
            LineEdit::Submit if !input.trim().is_empty() => {
                let path = PathBuf::from(input.trim());
                if path.exists() {
                    self.warn(format!("{} 已存在，请换一个名字", path.display()));
                    self.mode = Mode::SaveAs { input, then_quit };
                } else {
                    self.save_to(path, then_quit);
                }
            }
            _ => self.mode = Mode::SaveAs { input, then_quit },
        }
    }

    /// The name proposed for an export: the report's own name with `.docx`.
    fn export_suggestion(&self) -> String {
        match &self.file {
            Some(path) => path.with_extension("docx").display().to_string(),
            None => "report.docx".to_owned(),
        }
    }

    fn export_key(&mut self, mut input: String, key: KeyEvent) {
        match edit_line(&mut input, key) {
            LineEdit::Cancel => self.say("未导出"),
            LineEdit::Submit if !input.trim().is_empty() => {
                let path = PathBuf::from(input.trim());
                let format = match path.extension().and_then(|e| e.to_str()) {
                    Some("md") => crate::export::ExportFormat::Md,
                    Some("xlsx") => crate::export::ExportFormat::Xlsx,
                    Some("docx") => crate::export::ExportFormat::Docx,
                    _ => {
                        self.warn("文件名应以 .md、.xlsx 或 .docx 结尾，它决定导出的格式");
                        self.mode = Mode::Export { input };
                        return;
                    }
                };
                if path.exists() {
                    self.warn(format!("{} 已存在，请换一个名字", path.display()));
                    self.mode = Mode::Export { input };
                    return;
                }
                match crate::export::export(&self.report, format, &path, false) {
                    Ok(()) => self.say(format!("已导出 {}", path.display())),
                    Err(e) => {
                        self.warn(e.to_string());
                        self.mode = Mode::Export { input };
                    }
                }
            }
            _ => self.mode = Mode::Export { input },
        }
    }

    fn request_quit(&mut self) {
        if self.dirty() && !self.read_only {
            self.mode = Mode::Confirm(Confirm::Quit);
        } else {
            self.quit = true;
        }
    }

    fn confirm_key(&mut self, confirm: Confirm, key: KeyEvent) {
        let KeyCode::Char(c) = key.code else {
            if key.code == KeyCode::Esc && matches!(confirm, Confirm::Recover { .. }) {
                // Esc never means "discard": the recovery file stays for the next time.
                self.open_read_only_keeping_recovery(None);
            } else if key.code == KeyCode::Esc {
                self.say("已取消");
            } else {
                self.mode = Mode::Confirm(confirm);
            }
            return;
        };
        match (&confirm, c) {
            (Confirm::Quit, 's' | 'y') => self.save(true),
            (Confirm::Quit, 'd' | 'n') => {
                self.discarded = true;
                self.quit = true;
            }
            (Confirm::Conflict { then_quit }, 'a') => {
                let then_quit = *then_quit;
                self.mode = Mode::SaveAs {
                    input: String::new(),
                    then_quit,
                };
            }
            (Confirm::Locked { .. }, 'v') => {
                self.read_only = true;
                self.say("已以只读方式打开");
            }
            (Confirm::Locked { .. }, 'q') => self.quit = true,
            (Confirm::Locked { .. }, 'o') => {
                // The user says the other session is gone (e.g. a process that reused its pid).
                self.take_over_session();
            }
            (Confirm::Recover { disk_changed, .. }, 'r') => {
                let disk_changed = *disk_changed;
                if let Some(text) = self.pending_recovery.take() {
                    let recovered = self.replace_as_step(text, "恢复", false);
                    self.holds_recovered = recovered.is_ok();
                    match recovered {
                        Ok(()) if disk_changed => {
                            // Saving asks first, and overwriting keeps the disk's version.
                            self.ask_before_overwrite = true;
                            self.say("已恢复；磁盘上的文件之后被改过，保存时会先询问");
                        }
                        Ok(()) => {
                            self.say("已恢复上次未保存的修改（尚未保存，Ctrl-S 保存）");
                        }
                        Err(why) => self.open_read_only_keeping_recovery(Some(why)),
                    }
                }
            }
            (Confirm::Recover { .. }, 'd') => {
                self.pending_recovery = None;
                if let Some(files) = self.session.clone() {
                    match files.discard_recovery() {
                        Ok(()) => self.say(format!(
                            "已丢弃恢复文件（副本留在 {}，下次保存前仍可找回）",
                            crate::sanitize::visible_inline(&files.discarded.display().to_string())
                        )),
                        Err(e) => self.open_read_only_keeping_recovery(Some(e.to_string())),
                    }
                }
            }
            (Confirm::Recover { .. }, 'v') => self.open_read_only_keeping_recovery(None),
            (
                Confirm::OwnerChange {
                    path,
                    then_quit,
                    overwrite,
                    ..
                },
                'y',
            ) => {
                let options = SaveFlags {
                    overwrite: *overwrite,
                    allow_owner_change: true,
                };
                self.save_with(path.clone(), *then_quit, options);
            }
            (Confirm::OwnerChange { .. }, 'c' | 'n') => self.say("已取消，未保存"),
            (Confirm::Conflict { then_quit }, 'o') => {
                let options = SaveFlags {
                    overwrite: true,
                    allow_owner_change: false,
                };
                if let Some(path) = self.file.clone() {
                    self.save_with(path, *then_quit, options);
                }
            }
            (Confirm::Conflict { .. }, 'r') => self.reload(),
            (Confirm::Quit | Confirm::Conflict { .. }, 'c') => self.say("已取消"),
            _ => self.mode = Mode::Confirm(confirm),
        }
    }

    fn reload(&mut self) {
        let Some(path) = self.file.clone() else {
            return;
        };
        match store::read_report_file(&path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let saved_digest = digest(&text);
                match self.replace_as_step(text, "重新载入", true) {
                    Ok(()) => {
                        self.history.mark_saved(saved_digest);
                        self.ask_before_overwrite = false;
                        self.disk_bytes = Some(bytes);
                        self.say("已重新载入磁盘上的版本（u 可找回刚才的修改）");
                    }
                    Err(_) => self.warn("磁盘上的文件无法载入，保留当前内容"),
                }
            }
            Err(e) => self.warn(e.to_string()),
        }
    }

    /// Saves to the file it came from (or asks for a name when untitled).
    pub fn save(&mut self, then_quit: bool) {
        match self.file.clone() {
            Some(path) => self.save_to(path, then_quit),
            None => {
                self.mode = Mode::SaveAs {
                    input: String::new(),
                    then_quit,
                };
            }
        }
    }

    fn save_to(&mut self, path: PathBuf, then_quit: bool) {
        self.save_with(path, then_quit, SaveFlags::default());
    }

    /// Saves under the store's policy (`store::save_report`): the first save of a session
    /// keeps the loaded version as `.bak`; a file changed on disk meanwhile is asked about
    /// (unless `overwrite`, which keeps that version as `.theirs`); an owner or group the
    /// save cannot keep is asked about (unless `allow_owner_change`).
    fn save_with(&mut self, path: PathBuf, then_quit: bool, flags: SaveFlags) {
        let same_file = self.file.as_ref() == Some(&path);
        if same_file
            && !flags.overwrite
            && let Some(expected) = &self.disk_bytes
        {
            let on_disk = std::fs::read(&path).ok();
            if on_disk.as_ref() != Some(expected) || self.ask_before_overwrite {
                self.mode = Mode::Confirm(Confirm::Conflict { then_quit });
                return;
            }
        }
        let text = self.text();
        let backup = (same_file && !self.backed_up)
            .then(|| self.disk_bytes.clone())
            .flatten();
        let options = store::SaveOptions {
            backup: backup.as_deref(),
            keep_theirs: same_file && flags.overwrite,
            allow_owner_change: flags.allow_owner_change,
        };
        match store::save_report(&path, text.as_bytes(), options) {
            Ok(saved) => {
                self.history.mark_saved(digest(&text));
                self.ask_before_overwrite = false;
                self.behind_since = None;
                self.disk_bytes = Some(text.into_bytes());
                self.backed_up = true;
                self.holds_recovered = false;
                let first_file = self.file.is_none();
                self.file = Some(path.clone());
                if !same_file {
                    self.move_session(first_file);
                }
                if let Some(files) = self.session.clone() {
                    self.recorder.saved(&files);
                }
                let shown =
                    crate::sanitize::visible_inline(&path.display().to_string()).into_owned();
                let mut message = format!("已保存 {shown}");
                if saved == store::Saved::InPlace {
                    message.push_str("（文件有多个硬链接，已原地写入，链接都保留）");
                }
                if options.keep_theirs {
                    message.push_str(&format!("；磁盘上原来的版本留在 {shown}.theirs"));
                }
                self.say(message);
                if then_quit {
                    self.quit = true;
                }
            }
            Err(e @ store::SaveError::OwnerWouldChange { .. }) => {
                self.mode = Mode::Confirm(Confirm::OwnerChange {
                    why: e.to_string(),
                    path,
                    then_quit,
                    overwrite: flags.overwrite,
                });
            }
            Err(e) => self.warn(format!(
                "{}；修改仍在工作台中",
                crate::sanitize::visible_inline(&e.to_string())
            )),
        }
    }
}

/// How far a save may go without asking again.
#[derive(Debug, Default, Clone, Copy)]
struct SaveFlags {
    /// The user chose to overwrite a version someone else saved.
    overwrite: bool,
    /// The user agreed that the file's owner or group may change.
    allow_owner_change: bool,
}

/// What a key did to a one-line input.
enum LineEdit {
    Submit,
    Cancel,
    Continue,
}

fn edit_line(input: &mut String, key: KeyEvent) -> LineEdit {
    match key.code {
        KeyCode::Esc => LineEdit::Cancel,
        KeyCode::Enter => LineEdit::Submit,
        KeyCode::Backspace => {
            input.pop();
            LineEdit::Continue
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            input.clear();
            LineEdit::Continue
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            input.push(c);
            LineEdit::Continue
        }
        _ => LineEdit::Continue,
    }
}

fn scheme_of<'a>(schemes: &'a SchemeSet, report: &Report) -> &'a Scheme {
    report
        .scheme
        .as_deref()
        .and_then(|id| schemes.get(id))
        .or_else(|| schemes.schemes.first())
        .expect("at least one scheme is shipped")
}
