//! The review screen (`jixiao review DIR`): every report of a folder, one row each, sorted
//! and filtered; the rules pane; Enter opens a report in the ordinary workbench, read-only,
//! at its first finding, and `q` there comes back to the same row. The folder is followed
//! while the screen is open (`review::follow`).
//!
//! The Elm Architecture, as the workbench: `ReviewApp` is the state, `update` takes a key,
//! `absorb` takes what the follower found, `review_view::draw` draws from `&ReviewApp`.

use super::app::Status;
use crate::review::follow::Update;
use crate::review::workbook::{self, ReviewFormat};
use crate::review::{self, District, Filter, Review, Row, RuleStat, Sort};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::path::PathBuf;

/// Which list has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Reports,
    Rules,
}

/// What the keys do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewMode {
    Normal,
    /// `/`: the unit filter being typed (applied as it is typed), and the one before it.
    Filter {
        input: String,
        before: String,
    },
    /// `x`: the file name being typed.
    Export {
        input: String,
    },
    Help {
        scroll: u16,
    },
}

/// The keys of the review screen, for the key bar and the help: (keys, what they do).
pub const KEYS: &[(&str, &str)] = &[
    ("Enter", "打开报告（只读工作台，定位到第一个问题；q 返回）"),
    (
        "E",
        "在工作台中编辑报告（与 jixiao edit 相同：加锁、恢复文件、保存前检查）",
    ),
    ("↑↓ j k", "上下移动"),
    ("PgUp PgDn Home End", "翻页、到首行、到末行"),
    (
        "s",
        "换一列排序（单位、年度、方案、自评分、等级、✗ ▲ ·、问题）",
    ),
    ("S", "反向排序"),
    ("/", "按单位名称筛选（输入时即筛选，Enter 确定，Esc 取消）"),
    ("e", "只看有错误的报告（再按一次取消）"),
    ("g", "按等级筛选（依次切换各等级，最后回到全部）"),
    ("Esc", "清除全部筛选"),
    ("Tab", "切换到规则统计；在规则上按 Enter 列出触发它的报告"),
    (
        "x",
        "导出复核汇总表（.xlsx / .csv / .json，不覆盖已有文件）",
    ),
    (
        "c",
        "齐全检查 开/关：缺少或为空的必备部分各报一条 N05（同 check --complete）",
    ),
    ("?", "帮助"),
    ("q", "退出"),
];

/// The short key bar: (key, label).
pub const BAR: &[(&str, &str)] = &[
    ("Enter", "打开"),
    ("s", "排序"),
    ("/", "筛选"),
    ("e", "错误"),
    ("g", "等级"),
    ("Tab", "规则"),
    ("x", "导出"),
    ("?", "帮助"),
    ("q", "退出"),
];

pub struct ReviewApp {
    pub review: Review,
    pub sort: Sort,
    pub filter: Filter,
    /// The rows shown, as indices into `review.rows`.
    pub shown: Vec<usize>,
    /// The row the cursor is on (in `shown`), and its file, kept through re-sorts, filters
    /// and rescans.
    pub selected: usize,
    selected_file: Option<PathBuf>,
    pub stats: Vec<RuleStat>,
    pub district: District,
    pub rule_selected: usize,
    pub pane: Pane,
    pub mode: ReviewMode,
    pub status: Option<Status>,
    /// Files the follower is checking, and how many of them are done.
    pub pending: usize,
    pub done: usize,
    /// Whether the first scan has ended.
    pub scanned: bool,
    /// A report to open in the workbench (the run loop opens it), and whether to edit it
    /// (`E`) rather than read it (Enter).
    pub open: Option<PathBuf>,
    pub open_to_edit: bool,
    /// The completeness check (N05) is on; `c` turns it on and off (the run loop tells the
    /// follower, which checks every file again).
    pub complete: bool,
    pub quit: bool,
    /// Rows on a page, and the first row shown (from the last frame).
    pub page: usize,
    pub scroll: usize,
    pub rule_scroll: usize,
    pub help_bottom: u16,
    /// Where `x` writes by default (a name in the current folder).
    pub export_default: PathBuf,
    /// The reviewed folder's name for the title, made visible (found once: drawing never
    /// touches the disk).
    pub folder: String,
    /// Rows came in since the view was computed.
    stale: bool,
    /// The user has moved the cursor: until then, the first scan's end puts it on the first
    /// row (not on whichever row came first while files were being checked).
    moved: bool,
}

/// What the last frame found out, for the next key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewDrawn {
    pub page: usize,
    pub scroll: usize,
    pub rule_scroll: usize,
    pub help_bottom: Option<u16>,
}

/// A key typed into a prompt's line: Backspace takes the last character off, a plain
/// character (no Ctrl, no Alt) goes on; other keys do nothing.
fn type_into(input: &mut String, key: &KeyEvent) {
    match key.code {
        KeyCode::Backspace => {
            input.pop();
        }
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            input.push(c)
        }
        _ => {}
    }
}

impl ReviewApp {
    /// The screen over a review (its rows may still be coming: see `absorb`).
    pub fn new(review: Review) -> ReviewApp {
        let export_default = workbook::default_name(&review.root);
        let folder =
            review::folder_name(&review.root).unwrap_or_else(|| review.root.display().to_string());
        let folder = crate::sanitize::visible_inline(&folder).into_owned();
        let mut app = ReviewApp {
            review,
            sort: Sort::default(),
            filter: Filter::default(),
            shown: Vec::new(),
            selected: 0,
            selected_file: None,
            stats: Vec::new(),
            district: District::default(),
            rule_selected: 0,
            pane: Pane::Reports,
            mode: ReviewMode::Normal,
            status: None,
            pending: 0,
            done: 0,
            scanned: false,
            open: None,
            open_to_edit: false,
            complete: false,
            quit: false,
            page: 10,
            scroll: 0,
            rule_scroll: 0,
            help_bottom: u16::MAX,
            export_default,
            folder,
            stale: false,
            moved: false,
        };
        app.refresh();
        app
    }

    pub fn apply_layout(&mut self, drawn: ReviewDrawn) {
        self.page = drawn.page.max(1);
        self.scroll = drawn.scroll;
        self.rule_scroll = drawn.rule_scroll;
        if let Some(bottom) = drawn.help_bottom {
            self.help_bottom = bottom;
        }
    }

    /// The row under the cursor.
    pub fn current(&self) -> Option<&Row> {
        self.shown.get(self.selected).map(|&i| &self.review.rows[i])
    }

    /// Whether the follower is still checking files.
    pub fn checking(&self) -> bool {
        !self.scanned || self.done < self.pending
    }

    /// Takes in what the follower found, then recomputes the view once.
    pub fn absorb(&mut self, updates: impl IntoIterator<Item = Update>) -> bool {
        let mut any = false;
        for update in updates {
            any = true;
            match update {
                Update::Scan { pending, removed } => {
                    self.review.remove(&removed);
                    if self.done >= self.pending {
                        self.pending = 0;
                        self.done = 0;
                    }
                    self.pending += pending;
                }
                Update::Row(row) => {
                    self.review.apply(*row);
                    self.done += 1;
                }
                Update::Done => {
                    if !self.scanned && !self.moved {
                        self.selected_file = None;
                        self.selected = 0;
                    }
                    self.scanned = true;
                    self.pending = 0;
                    self.done = 0;
                }
            }
        }
        if any {
            // While files are still being checked, the order and the counts are recomputed
            // only for a frame (`refresh_if_stale`): on a busy two-core machine the workers
            // need the time more than a frame nobody waits for.
            self.stale = true;
            if !self.checking() {
                self.refresh();
            }
        }
        any
    }

    /// Recomputes the view if rows came in since it was last computed.
    pub fn refresh_if_stale(&mut self) {
        if self.stale {
            self.refresh();
        }
    }

    /// Recomputes the rows shown, the counts and the rules, keeping the cursor on its file.
    pub fn refresh(&mut self) {
        self.stale = false;
        self.shown = review::view(&self.review.rows, &self.filter, self.sort);
        self.stats = review::rule_stats(&self.review.rows);
        self.district = review::district(&self.review.rows);
        if let Some(file) = &self.selected_file
            && let Some(at) = self
                .shown
                .iter()
                .position(|&i| self.review.rows[i].file == *file)
        {
            self.selected = at;
        }
        self.selected = self.selected.min(self.shown.len().saturating_sub(1));
        self.selected_file = self.current().map(|r| r.file.clone());
        self.rule_selected = self.rule_selected.min(self.stats.len().saturating_sub(1));
    }

    fn say(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
        });
    }

    pub fn warn(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
    }

    fn select(&mut self, at: usize) {
        self.moved = true;
        self.selected = at.min(self.shown.len().saturating_sub(1));
        self.selected_file = self.current().map(|r| r.file.clone());
    }

    fn step(&mut self, by: isize) {
        let at = self.selected.saturating_add_signed(by);
        self.select(at);
    }

    pub fn update(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        self.status = None;
        match std::mem::replace(&mut self.mode, ReviewMode::Normal) {
            ReviewMode::Normal => match self.pane {
                Pane::Reports => self.reports_key(key),
                Pane::Rules => self.rules_key(key),
            },
            ReviewMode::Filter { input, before } => self.filter_key(input, before, key),
            ReviewMode::Export { input } => self.export_key(input, key),
            ReviewMode::Help { scroll } => match key.code {
                KeyCode::Down | KeyCode::Char('j') => {
                    self.mode = ReviewMode::Help {
                        scroll: scroll.saturating_add(1).min(self.help_bottom),
                    }
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    self.mode = ReviewMode::Help {
                        scroll: scroll.saturating_sub(1),
                    }
                }
                _ => {}
            },
        }
    }

    /// Keys both lists share; true when the key was one of them.
    fn common_key(&mut self, key: &KeyEvent) -> bool {
        match key.code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => self.quit = true,
            KeyCode::Char('?') => self.mode = ReviewMode::Help { scroll: 0 },
            KeyCode::Tab | KeyCode::BackTab => {
                self.pane = match self.pane {
                    Pane::Reports => Pane::Rules,
                    Pane::Rules => Pane::Reports,
                }
            }
            KeyCode::Char('x') => {
                self.mode = ReviewMode::Export {
                    input: self.export_default.display().to_string(),
                }
            }
            KeyCode::Char('c') => {
                self.complete = !self.complete;
                self.say(if self.complete {
                    "齐全检查已打开：缺少或为空的必备部分各报一条 N05，正在重新检查"
                } else {
                    "齐全检查已关闭，正在重新检查"
                });
            }
            _ => return false,
        }
        true
    }

    fn reports_key(&mut self, key: KeyEvent) {
        if self.common_key(&key) {
            return;
        }
        let page = self.page.max(1) as isize;
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.step(-1),
            KeyCode::Down | KeyCode::Char('j') => self.step(1),
            KeyCode::PageUp => self.step(-page),
            KeyCode::PageDown => self.step(page),
            KeyCode::Home => self.select(0),
            KeyCode::End => self.select(usize::MAX),
            KeyCode::Enter => self.open_current(false),
            KeyCode::Char('E') => self.open_current(true),
            KeyCode::Char('s') => {
                self.sort = Sort {
                    column: self.sort.column.next(),
                    descending: false,
                };
                self.refresh();
                self.say(format!("按{}排序（升序）", self.sort.column.name()));
            }
            KeyCode::Char('S') => {
                self.sort.descending = !self.sort.descending;
                self.refresh();
                let way = if self.sort.descending {
                    "降序"
                } else {
                    "升序"
                };
                self.say(format!("按{}排序（{way}）", self.sort.column.name()));
            }
            KeyCode::Char('/') => {
                self.mode = ReviewMode::Filter {
                    input: self.filter.unit.clone(),
                    before: self.filter.unit.clone(),
                }
            }
            KeyCode::Char('e') => {
                self.filter.only_errors = !self.filter.only_errors;
                self.refresh();
                self.say(if self.filter.only_errors {
                    "只显示有错误的报告（再按 e 取消）"
                } else {
                    "显示全部报告"
                });
            }
            KeyCode::Char('g') => self.next_grade(),
            KeyCode::Esc => {
                if !self.filter.is_empty() {
                    self.filter = Filter::default();
                    self.refresh();
                    self.say("已清除筛选");
                }
            }
            _ => self.say("此键无作用；按 ? 查看全部按键"),
        }
    }

    /// `g`: the next grade the folder has, then all grades again.
    fn next_grade(&mut self) {
        let grades: Vec<String> = self
            .district
            .grades
            .iter()
            .map(|(g, _)| g.clone())
            .collect();
        let next = match &self.filter.grade {
            None => grades.first().cloned(),
            Some(g) => grades
                .iter()
                .position(|x| x == g)
                .and_then(|i| grades.get(i + 1))
                .cloned(),
        };
        self.filter.grade = next;
        self.refresh();
        match &self.filter.grade {
            Some(g) => self.say(format!("只显示等级为 {g} 的报告（再按 g 换下一个）")),
            None => self.say("显示全部等级"),
        }
    }

    fn open_current(&mut self, edit: bool) {
        let Some(row) = self.current() else {
            self.say("没有报告");
            return;
        };
        if row.loaded {
            self.open = Some(row.file.clone());
            self.open_to_edit = edit;
            return;
        }
        let why = row
            .worst()
            .map(|p| format!("{} {}", p.rule, p.message))
            .unwrap_or_default();
        self.warn(format!(
            "{}：无法载入，不能打开（{why}）；改正后会自动重新检查",
            row.name
        ));
    }

    fn rules_key(&mut self, key: KeyEvent) {
        if self.common_key(&key) {
            return;
        }
        let n = self.stats.len();
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => {
                self.rule_selected = self.rule_selected.saturating_sub(1)
            }
            KeyCode::Down | KeyCode::Char('j') if n > 0 => {
                self.rule_selected = (self.rule_selected + 1).min(n - 1)
            }
            KeyCode::Home => self.rule_selected = 0,
            KeyCode::End => self.rule_selected = n.saturating_sub(1),
            KeyCode::Enter => {
                let Some(stat) = self.stats.get(self.rule_selected) else {
                    self.say("没有规则触发");
                    return;
                };
                let (rule, reports) = (stat.rule, stat.reports);
                self.filter.rule = Some(rule.to_owned());
                self.pane = Pane::Reports;
                self.refresh();
                self.select(0);
                self.say(format!(
                    "只显示触发 {rule} 的 {reports} 份报告（Esc 清除筛选）"
                ));
            }
            KeyCode::Esc => self.pane = Pane::Reports,
            _ => self.say("此键无作用；按 ? 查看全部按键"),
        }
    }

    fn filter_key(&mut self, mut input: String, before: String, key: KeyEvent) {
        match key.code {
            KeyCode::Enter => {
                let n = self.shown.len();
                if input.is_empty() {
                    self.say("不按单位筛选");
                } else {
                    self.say(format!("单位含“{input}”的报告：{n} 份"));
                }
                return;
            }
            KeyCode::Esc => {
                self.filter.unit = before;
                self.refresh();
                return;
            }
            _ => type_into(&mut input, &key),
        }
        self.filter.unit = input.clone();
        self.refresh();
        self.mode = ReviewMode::Filter { input, before };
    }

    /// Text pasted into a prompt.
    pub fn paste(&mut self, text: &str) {
        let clean: String = crate::sanitize::clean_paste(text)
            .chars()
            .filter(|c| *c != '\n')
            .collect();
        match &mut self.mode {
            ReviewMode::Filter { input, .. } => {
                input.push_str(&clean);
                self.filter.unit = input.clone();
                self.refresh();
            }
            ReviewMode::Export { input } => input.push_str(&clean),
            _ => {}
        }
    }

    fn export_key(&mut self, mut input: String, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Enter if self.export(&input) => return,
            KeyCode::Enter => {}
            _ => type_into(&mut input, &key),
        }
        self.mode = ReviewMode::Export { input };
    }

    /// Writes the rows shown (in the order shown) to `name`; true when written. A refusal
    /// keeps the prompt open with the reason.
    pub fn export(&mut self, name: &str) -> bool {
        let name = name.trim();
        if name.is_empty() {
            self.warn("请输入文件名");
            return false;
        }
        let path = PathBuf::from(name);
        let Some(format) = ReviewFormat::of_path(&path) else {
            self.warn("文件名须以 .xlsx、.csv 或 .json 结尾");
            return false;
        };
        let rows: Vec<&Row> = self.shown.iter().map(|&i| &self.review.rows[i]).collect();
        let n = rows.len();
        match workbook::write(&rows, format, &path) {
            Ok(()) => {
                let filtered = if self.filter.is_empty() {
                    ""
                } else {
                    "，按当前筛选"
                };
                self.say(format!(
                    "已导出 {}（{n} 份报告{filtered}）",
                    crate::sanitize::visible_inline(name)
                ));
                true
            }
            Err(e) => {
                self.warn(e.to_string());
                false
            }
        }
    }

    /// The sort, as the header says it: `单位 ↑`.
    pub fn sort_label(&self) -> String {
        let arrow = if self.sort.descending { "↓" } else { "↑" };
        format!("{} {arrow}", self.sort.column.name())
    }

    /// The filters in force, as the header says them; empty when none.
    pub fn filter_label(&self) -> String {
        let mut parts = Vec::new();
        if !self.filter.unit.is_empty() {
            parts.push(format!(
                "单位含“{}”",
                crate::sanitize::visible_inline(&self.filter.unit)
            ));
        }
        if self.filter.only_errors {
            parts.push("只看错误".to_owned());
        }
        if let Some(g) = &self.filter.grade {
            parts.push(format!("等级 {g}"));
        }
        if let Some(r) = &self.filter.rule {
            parts.push(format!("规则 {r}"));
        }
        parts.join("，")
    }
}

/// Opens the review screen on `root` and runs it until the user quits. Returns the exit
/// status.
pub fn open_and_run(root: PathBuf, warnings: Vec<String>) -> i32 {
    super::stop_requested();
    let schemes = crate::scheme::SchemeSet::load();
    let (keymap, mut problems) = super::keymap::Keymap::load();
    problems.extend(warnings);
    let follower = crate::review::follow::Follower::start(
        &root,
        schemes.clone(),
        crate::review::follow::INTERVAL,
    );
    let mut app = ReviewApp::new(Review::new(&root));
    if !problems.is_empty() {
        app.warn(problems.join("；"));
    }
    match run(&mut app, &follower, &schemes, &keymap) {
        Ok(()) => 0,
        Err(e) => {
            super::restore_terminal();
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "复核界面出错：{e}");
            1
        }
    }
}

/// How often the header's `检查中 k/n` is redrawn while files are being checked.
const PROGRESS_FRAME: std::time::Duration = std::time::Duration::from_millis(150);

fn run(
    app: &mut ReviewApp,
    follower: &crate::review::follow::Follower,
    schemes: &crate::scheme::SchemeSet,
    keymap: &super::keymap::Keymap,
) -> std::io::Result<()> {
    use super::Next;
    use crossterm::event::Event;
    use std::sync::atomic::Ordering;
    use std::time::Duration;
    let stop = std::sync::Arc::clone(super::stop_requested());
    let theme = super::theme::Theme::from_env();
    let mut screen = super::Screen::open()?;
    // Rows are drawn as they come: the first frame does not wait for the folder's checks.
    app.absorb(follower.updates.try_iter());
    let mut redraw = true;
    let mut last_frame = std::time::Instant::now();
    let mut follower_complete = false;
    loop {
        if redraw {
            app.refresh_if_stale();
            last_frame = std::time::Instant::now();
            let mut drawn = None;
            screen.draw(|frame| drawn = Some(super::review_view::draw(frame, app, theme)))?;
            if let Some(drawn) = drawn {
                app.apply_layout(drawn);
            }
            redraw = false;
        }
        if app.quit || stop.load(Ordering::Relaxed) {
            break;
        }
        if app.complete != follower_complete {
            follower_complete = app.complete;
            follower.set_complete(follower_complete);
        }
        if let Some(file) = app.open.take() {
            let edit = std::mem::take(&mut app.open_to_edit);
            open_in_workbench(app, &file, !edit, schemes, keymap, &mut screen)?;
            if stop.load(Ordering::Relaxed) {
                break;
            }
            redraw = true;
            continue;
        }
        // While files are being checked, the screen follows them closely; else the keys
        // are waited for, and the follower's news every few hundred milliseconds.
        let wait = if app.checking() {
            // The last file's row is drawn at most this long after it is made.
            Duration::from_millis(10)
        } else {
            Duration::from_millis(200)
        };
        match screen.next(wait)? {
            Next::Event(first) => {
                // Every event already waiting is applied before the next frame.
                let mut event = Some(first);
                while let Some(current) = event {
                    match current {
                        Event::Key(key) => app.update(key),
                        Event::Paste(text) => app.paste(&text),
                        _ => {}
                    }
                    if app.quit || app.open.is_some() {
                        break;
                    }
                    event = match screen.next(Duration::ZERO)? {
                        Next::Event(next) => Some(next),
                        // The frame after the keys is drawn anyway (below).
                        Next::Resized | Next::Idle | Next::Stop => None,
                    };
                }
                redraw = true;
            }
            Next::Resized => redraw = true,
            Next::Idle => {}
            Next::Stop => break,
        }
        // Progress is drawn a few times a second; the end of a scan (and any key) at once.
        if app.absorb(follower.updates.try_iter())
            && (!app.checking() || last_frame.elapsed() >= PROGRESS_FRAME)
        {
            redraw = true;
        }
    }
    Ok(())
}

/// Opens a report of the review in the ordinary workbench at its first finding, on the
/// review's own screen: read-only as `jixiao view` opens it, or to edit as `jixiao edit`
/// does (the session's lock and recovery file, released on the way back). Returns when the
/// user quits it.
fn open_in_workbench(
    app: &mut ReviewApp,
    file: &std::path::Path,
    read_only: bool,
    schemes: &crate::scheme::SchemeSet,
    keymap: &super::keymap::Keymap,
    screen: &mut super::Screen,
) -> std::io::Result<()> {
    let shown = crate::sanitize::visible_inline(&file.display().to_string()).into_owned();
    let bytes = match crate::store::read_report_file(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            app.warn(crate::sanitize::visible_inline(&e.to_string()).into_owned());
            return Ok(());
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        app.warn(format!("{shown}：不是 UTF-8 文本，无法打开"));
        return Ok(());
    };
    // Compared with last year's report beside it, as its row was (and as `jixiao view` does).
    let mut workbench = match super::app::App::open_comparing(
        &text,
        Some(file.to_path_buf()),
        read_only,
        schemes.clone(),
        keymap.clone(),
        |report| crate::previous::beside(file, report, schemes).0,
    ) {
        Ok(workbench) => workbench,
        Err(failure) => {
            let why = failure
                .findings
                .first()
                .map(|f| format!("{} {}", f.rule, crate::sanitize::visible_inline(&f.message)))
                .unwrap_or_default();
            app.warn(format!("{shown}：无法载入（{why}）"));
            return Ok(());
        }
    };
    if !workbench.findings.is_empty() {
        workbench.selected_finding = 0;
        workbench.jump_to_selected();
    }
    workbench.attach_session();
    let result = {
        // Whatever happens below, even a panic, the lock goes.
        let _unlock = super::UnlockOnDrop(workbench.session_files());
        let result = screen.run_app(&mut workbench);
        workbench.end_session();
        result
    };
    result?;
    app.say("已返回复核列表");
    Ok(())
}
