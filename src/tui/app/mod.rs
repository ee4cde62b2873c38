//! The workbench's state and its one `update` (The Elm Architecture), dispatching by mode.
//!
//! Every key becomes an action on the state; findings and totals are derived after each
//! committed edit. The state and the dispatch are here; what each kind of key does lives
//! beside them: `edit`, `undo`, `rows`, `findings`, `command_line` (and the save-as and
//! export inputs), `confirm` (the answers to prompts), `save`, `session`.

mod command_line;
mod confirm;
mod edit;
mod findings;
mod guide;
mod reading;
mod rows;
mod save;
mod session;
mod undo;

use super::form::{Row, Tab};
use super::history::{History, digest};
use super::keymap::{Command, Keymap};
use super::view::Drawn;
use crate::finding::{Finding, Severity};
use crate::model::{FieldPath, Report};
use crate::rules::{self, Totals};
use crate::scheme::{self, Scheme, SchemeSet};
use crate::store::{self, Document, Source};
pub use confirm::HeldEditor;
use crossterm::event::{KeyCode, KeyEvent};
pub use guide::{Guide, LineStyle, Pane, PaneLine, Reply};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;
use tui_textarea::TextArea;
use undo::Change;

/// What can happen to the workbench.
#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Paste(String),
}

/// An open field editor.
#[derive(Debug, Clone)]
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
    /// Esc in an editor whose text changed: k keep editing, d discard.
    DiscardEdit(HeldEditor),
    /// The fix key's figure, old → new, before it goes in: Enter (or = again) puts it in,
    /// Esc or c cancels.
    Fix {
        path: FieldPath,
        place: String,
        old: String,
        new: String,
        why: String,
    },
    /// Deleting a group (一级指标) that has indicators: y delete, c cancel.
    DeleteGroup {
        rows_path: FieldPath,
        index: usize,
        label: String,
        indicators: usize,
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
    /// A rule's explanation, full screen (保护什么 / 公式 / 怎样改 / an example).
    Explain {
        rule: &'static str,
        /// The finding it was opened from, as this report's example.
        example: Option<String>,
        scroll: u16,
        /// Opened from the findings list (Esc goes back there).
        from_list: bool,
    },
    /// A page of text, read-only: a cell's whole text (Enter in `view`), or a page a guide
    /// shows (a lesson's text).
    FullText {
        title: String,
        text: String,
        scroll: u16,
    },
    /// `/`: the query, and which match of how many the cursor is on.
    Search {
        query: String,
        found: Option<(usize, usize)>,
    },
}

/// A message in the footer until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// The bundled example, opened by a bare `jixiao` as an untitled copy.
pub const BUNDLED_EXAMPLE: &str = include_str!("../../../examples/lusong-emergency-2023.toml");

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
    /// Per tab, the column ↑↓ keep: moving through a row with fewer cells (a fund's
    /// 包含内容) and back returns to the column left, as in a spreadsheet.
    goal_col: [Option<usize>; 4],
    /// The first row shown of each tab (from the last frame drawn, see `apply_layout`).
    pub scroll: [usize; 4],
    pub rows: Vec<Row>,
    pub mode: Mode,
    pub status: Option<Status>,
    pub keymap: Keymap,
    pub selected_finding: usize,
    /// Whether n/N has visited a finding yet (the first n goes to the first finding).
    walked_findings: bool,
    /// The first finding shown in the list (from the last frame drawn).
    pub finding_scroll: usize,
    pub quit: bool,
    /// Rows visible in the form, for paging (from the last frame drawn).
    pub page: usize,
    /// The furthest the help can scroll with its last line still on screen (from the last
    /// frame drawn).
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
    /// What watches the document beside the workbench (a lesson), if anything does.
    guide: Option<Box<dyn Guide>>,
    /// Last year's report of the unit (Y01, Y02), found beside the file when it was opened.
    previous: Option<std::sync::Arc<rules::Previous>>,
    /// The completeness check is on (N05 for every required part absent or empty), as
    /// `check --complete`; `c` turns it on and off.
    pub complete: bool,
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
        App::open_comparing(text, file, read_only, schemes, keymap, |_| None)
    }

    /// Opens as `open` does, comparing with the last year's report `previous` finds for the
    /// loaded report (Y01, Y02) from the first check on, so the report is checked once.
    pub fn open_comparing(
        text: &str,
        file: Option<PathBuf>,
        read_only: bool,
        schemes: SchemeSet,
        keymap: Keymap,
        previous: impl FnOnce(&crate::model::Report) -> Option<std::sync::Arc<rules::Previous>>,
    ) -> Result<App, OpenFailure> {
        let mut loaded = scheme::load(text.as_bytes(), &schemes).map_err(|f| OpenFailure {
            source: f.source,
            findings: f.findings,
        })?;
        let previous = previous(&loaded.report);
        // Findings first: their places come from the parsed tree, which the editor then takes.
        let scheme = scheme_of(&schemes, &loaded.report);
        let options = rules::RuleOptions {
            complete: false,
            previous: previous.as_deref(),
        };
        let (findings, totals) = rules::analyze_with(&loaded, scheme, options);
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
            goal_col: [None; 4],
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
            guide: None,
            previous,
            complete: false,
        };
        app.set_findings(findings);
        app.rebuild_rows();
        Ok(app)
    }

    /// Compares the report with last year's from now on (Y01, Y02), on every re-check.
    pub fn set_previous(&mut self, previous: Option<std::sync::Arc<rules::Previous>>) {
        self.previous = previous;
        self.analyze(None);
    }

    /// What the rules are asked for beyond the report: last year's report when known.
    pub(crate) fn rule_options(&self) -> rules::RuleOptions<'_> {
        rules::RuleOptions {
            complete: self.complete,
            previous: self.previous.as_deref(),
        }
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

    /// Keeps what the last frame found out about the screen: the view draws from `&App`
    /// only, and the run loop (or a test's harness) hands its findings back here.
    pub fn apply_layout(&mut self, drawn: Drawn) {
        self.page = drawn.page;
        self.scroll[drawn.tab.index()] = drawn.scroll;
        if let Some(first) = drawn.finding_scroll {
            self.finding_scroll = first;
        }
        if let Some(bottom) = drawn.help_bottom {
            self.help_bottom = bottom;
        }
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
                    Mode::Explain {
                        rule,
                        example,
                        scroll,
                        from_list,
                    } => self.explain_key(rule, example, scroll, from_list, key),
                    Mode::FullText {
                        title,
                        text,
                        scroll,
                    } => self.full_text_key(title, text, scroll, key),
                    Mode::Search { query, found } => self.search_key(query, found, key),
                }
            }
        }
    }

    fn normal_key(&mut self, key: KeyEvent) {
        // Type to edit comes first: on a number a digit edits it, not a tab switch.
        if self.type_to_edit(&key) {
            return;
        }
        // The guide's own keys (a lesson's h and s) come before the key map.
        if self.guide_key(&key) {
            return;
        }
        let Some(command) = self.keymap.command(&key) else {
            if key.code == KeyCode::Esc {
                return;
            }
            let help = self.keymap.label(Command::Help);
            self.say(format!("此键无作用；按 {help} 查看全部按键"));
            return;
        };
        if self.read_only && command == Command::Edit {
            self.open_full_text();
            return;
        }
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
            Command::Fix => self.fix_here(),
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
            Command::Search => {
                self.mode = Mode::Search {
                    query: String::new(),
                    found: None,
                }
            }
            Command::Explain => self.explain_here(),
            Command::Complete => {
                self.complete = !self.complete;
                self.analyze(None);
                let n05 = self.findings.iter().filter(|f| f.rule == "N05").count();
                if self.complete {
                    self.say(format!(
                        "齐全检查已打开：缺少或为空的必备部分 {n05} 处（N05）；再按一次关闭"
                    ));
                } else {
                    self.say("齐全检查已关闭");
                }
            }
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
}

pub(super) fn scheme_of<'a>(schemes: &'a SchemeSet, report: &Report) -> &'a Scheme {
    report
        .scheme
        .as_deref()
        .and_then(|id| schemes.get(id))
        .or_else(|| schemes.schemes.first())
        .expect("at least one scheme is shipped")
}
