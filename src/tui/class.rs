//! `jixiao class DIR`: the trainer's live view of the room (TUTOR.md, the trainer) — a
//! trainee × lesson grid (✓, points, idle minutes, hints) and the rule column ("C03 仍有
//! 9/14 人没改对"), re-judged from the handed-in files by polling every 2 s (no inotify: the
//! folder may be on NFS); a file unchanged since the last look keeps its judgement. Enter opens a trainee's file read-only in the ordinary workbench; `a`
//! accepts a `review` goal.

use super::app::App;
use super::keymap::Keymap;
use super::text::{fit, truncate};
use super::theme::Theme;
use crate::sanitize::visible_inline;
use crate::scheme::SchemeSet;
use crate::tutor::{self, ClassCache, ClassRecord, ClassView, GoalKind, Lesson};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// How often the folder is looked at.
pub const POLL: Duration = Duration::from_secs(2);

/// What a key on the grid asks of the run loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassAction {
    /// Open this trainee's file read-only.
    Open(PathBuf),
}

pub struct ClassScreen {
    pub dir: PathBuf,
    pub lessons: Vec<Lesson>,
    pub view: ClassView,
    /// The selected trainee and lesson.
    pub row: usize,
    pub col: usize,
    pub status: Option<(String, bool)>,
    pub quit: bool,
    /// When the folder was last judged (shown as 更新于).
    pub judged_at: Option<SystemTime>,
    schemes: SchemeSet,
    /// The judgements of files unchanged since the last look are kept (`judge_class_with`).
    cache: ClassCache,
}

impl ClassScreen {
    pub fn new(dir: PathBuf, lessons: Vec<Lesson>, schemes: SchemeSet) -> ClassScreen {
        let mut screen = ClassScreen {
            dir,
            lessons,
            view: ClassView::default(),
            row: 0,
            col: 0,
            status: None,
            quit: false,
            judged_at: None,
            schemes,
            cache: ClassCache::default(),
        };
        screen.rejudge();
        screen
    }

    /// Looks at the folder again: only files saved since the last look are judged again.
    /// Returns whether the grid changed.
    pub fn poll(&mut self) -> bool {
        let before = self.view.clone();
        self.rejudge();
        self.view != before
    }

    /// Judges every handed-in file again: those unchanged since the last look keep their
    /// judgement (same inode, time, size and accepted goals).
    pub fn rejudge(&mut self) {
        match tutor::judge_class_with(&self.dir, &self.lessons, &self.schemes, &mut self.cache) {
            Ok(view) => {
                self.view = view;
                if matches!(&self.status, Some((_, true))) && self.status_is_folder_error() {
                    self.status = None;
                }
            }
            Err(e) => {
                self.status = Some((format!("无法读取班级文件夹：{e}"), true));
            }
        }
        self.judged_at = Some(SystemTime::now());
        self.row = self.row.min(self.view.trainees.len().saturating_sub(1));
        self.col = self.col.min(self.lessons.len().saturating_sub(1));
    }

    fn status_is_folder_error(&self) -> bool {
        self.status
            .as_ref()
            .is_some_and(|(t, _)| t.starts_with("无法读取班级文件夹"))
    }

    /// The record of the selected cell.
    pub fn selected(&self) -> Option<&ClassRecord> {
        let trainee = self.view.trainees.get(self.row)?;
        let lesson = self.lessons.get(self.col)?;
        self.view
            .records
            .iter()
            .find(|r| &r.trainee == trainee && r.lesson == lesson.id)
    }

    pub fn key(&mut self, key: KeyEvent) -> Option<ClassAction> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        if !self.status_is_folder_error() {
            self.status = None;
        }
        let rows = self.view.trainees.len();
        let cols = self.lessons.len();
        match key.code {
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => self.quit = true,
            KeyCode::Char('q') | KeyCode::Esc => self.quit = true,
            KeyCode::Up | KeyCode::Char('k') => self.row = self.row.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.row = (self.row + 1).min(rows.saturating_sub(1))
            }
            KeyCode::Left | KeyCode::Char('h') => self.col = self.col.saturating_sub(1),
            KeyCode::Right | KeyCode::Char('l') | KeyCode::Tab => {
                self.col = (self.col + 1).min(cols.saturating_sub(1))
            }
            KeyCode::Home | KeyCode::Char('g') => self.row = 0,
            KeyCode::End | KeyCode::Char('G') => self.row = rows.saturating_sub(1),
            KeyCode::Char('r') => {
                self.rejudge();
                self.status = Some(("已重新判定".into(), false));
            }
            KeyCode::Enter | KeyCode::Char('e') => {
                let Some(record) = self.selected() else {
                    self.status = Some(("班级文件夹里还没有学员".into(), true));
                    return None;
                };
                if record.judgement.is_none() {
                    let who = visible_inline(&record.trainee).into_owned();
                    self.status = Some((format!("{who} 还没有交这一课"), true));
                    return None;
                }
                return Some(ClassAction::Open(record.file.clone()));
            }
            KeyCode::Char('a') => self.accept(),
            _ => {
                self.status = Some((
                    "↑↓←→ 选择 · Enter 只读打开 · a 认可 · r 刷新 · q 退出".into(),
                    false,
                ))
            }
        }
        None
    }

    /// `a`: accepts the selected cell's first `review` goal not yet accepted.
    fn accept(&mut self) {
        let Some(record) = self.selected().cloned() else {
            self.status = Some(("班级文件夹里还没有学员".into(), true));
            return;
        };
        let Some(lesson) = self.lessons.get(self.col).cloned() else {
            return;
        };
        let who = visible_inline(&record.trainee).into_owned();
        let Some(judgement) = &record.judgement else {
            self.status = Some((format!("{who} 还没有交这一课"), true));
            return;
        };
        let open = lesson
            .goals
            .iter()
            .zip(&judgement.goals)
            .position(|(goal, state)| matches!(goal.kind, GoalKind::Review { .. }) && !state.met);
        let Some(goal) = open else {
            let any = lesson
                .goals
                .iter()
                .any(|g| matches!(g.kind, GoalKind::Review { .. }));
            self.status = Some((
                if any {
                    format!("{who} 这一课需要认可的目标都已认可")
                } else {
                    "这一课没有需要教员认可的目标".to_owned()
                },
                !any,
            ));
            return;
        };
        let Some(copy) = &record.copy else {
            return;
        };
        match tutor::accept_review(&self.dir, &lesson, &record.trainee, goal, copy) {
            Ok(()) => {
                let text = visible_inline(&judgement.goals[goal].text).into_owned();
                self.rejudge();
                self.status = Some((format!("已认可 {who}：{text}"), false));
            }
            Err(e) => self.status = Some((format!("无法认可：{e}"), true)),
        }
    }

    pub fn draw(&self, frame: &mut Frame, theme: Theme) {
        let area = frame.area();
        let w = area.width as usize;
        let wide = area.width >= 100;
        let rules_height = if wide {
            0
        } else {
            (self.view.rules.len() as u16 + 2).clamp(3, (area.height / 3).max(3))
        };
        let [title, body, rules, detail, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(rules_height),
            Constraint::Length(2),
            Constraint::Length(1),
        ])
        .areas(area);
        let when = self
            .judged_at
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map(|d| clock(d.as_secs()))
            .unwrap_or_default();
        let head = format!(
            " jixiao 班级 {} · 学员 {} 人 · {} 课 · 每 2 秒刷新，更新于 {when}",
            visible_inline(&folder_name(&self.dir)),
            self.view.trainees.len(),
            self.lessons.len()
        );
        frame.render_widget(
            Paragraph::new(Span::styled(truncate(&head, w), theme.title())),
            title,
        );
        let (grid, rule_area) = if wide {
            let [grid, side] =
                Layout::horizontal([Constraint::Min(40), Constraint::Length(34)]).areas(body);
            (grid, side)
        } else {
            (body, rules)
        };
        self.draw_grid(frame, theme, grid);
        self.draw_rules(frame, theme, rule_area);
        self.draw_detail(frame, theme, detail);
        let footer_line = super::tutor::footer_line(
            self.status.as_ref(),
            &[
                ("↑↓←→", "选择"),
                ("Enter", "只读打开"),
                ("a", "认可"),
                ("r", "刷新"),
                ("q", "退出"),
            ],
            w,
            theme,
        );
        frame.render_widget(Paragraph::new(footer_line), footer);
    }

    /// The grid: a trainee per line, a lesson per column (its number), then the trainee's
    /// idle minutes and hints in all.
    fn draw_grid(&self, frame: &mut Frame, theme: Theme, area: Rect) {
        let w = area.width as usize;
        if self.view.trainees.is_empty() {
            let lines = vec![
                Line::from(""),
                Line::from(Span::styled(
                    "  班级文件夹里还没有学员交来的作业。",
                    theme.title(),
                )),
                Line::from(Span::styled(
                    format!(
                        "  学员用 jixiao tutor --class {} --name 名字 做题，每次保存都会交到这里。",
                        visible_inline(&self.dir.display().to_string())
                    ),
                    theme.dim(),
                )),
            ];
            frame.render_widget(Paragraph::new(lines), area);
            return;
        }
        let cols = GridColumns::new(w, self.lessons.len());
        // As many lessons as fit, scrolled so that the selected one is in view.
        let shown = cols.fitting(w);
        let first_col = (self.col + 1).saturating_sub(shown);
        let name_title = if first_col > 0 {
            " 学员 ‹"
        } else {
            " 学员"
        };
        let mut header = vec![Span::styled(fit(name_title, cols.name), theme.dim())];
        for (i, _) in self.lessons.iter().enumerate().skip(first_col).take(shown) {
            let style = if i == self.col {
                theme.title()
            } else {
                theme.dim()
            };
            // 第N课 where it fits, else the number alone.
            let long = format!(" 第{}课", i + 1);
            let title = if super::text::width(&long) <= cols.cell {
                long
            } else {
                format!(" {}", i + 1)
            };
            header.push(Span::styled(fit(&title, cols.cell), style));
        }
        header.push(Span::styled(fit(" 空闲", GridColumns::IDLE), theme.dim()));
        header.push(Span::styled(fit(" 提示", GridColumns::HINTS), theme.dim()));
        let mut lines = vec![Line::from(header)];
        let height = (area.height as usize).saturating_sub(1);
        let first = (self.row + 1).saturating_sub(height);
        for (r, trainee) in self
            .view
            .trainees
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
        {
            let records: Vec<&ClassRecord> = self
                .view
                .records
                .iter()
                .filter(|rec| &rec.trainee == trainee)
                .collect();
            let row_style = if r == self.row {
                theme.selected_row()
            } else {
                theme.label()
            };
            let mut spans = vec![Span::styled(
                fit(&format!(" {}", visible_inline(trainee)), cols.name),
                row_style,
            )];
            for (c, lesson) in self.lessons.iter().enumerate().skip(first_col).take(shown) {
                let record = records.iter().find(|rec| rec.lesson == lesson.id);
                let (text, style) = match record {
                    Some(rec) if rec.judgement.is_none() => (" ·".to_owned(), theme.dim()),
                    Some(rec) if rec.done => (format!(" ✓{}", rec.points), theme.ok()),
                    Some(rec) => (format!(" ✗{}", rec.points), theme.bad()),
                    None => (" ·".to_owned(), theme.dim()),
                };
                let style = if r == self.row && c == self.col {
                    theme.selected_cell()
                } else {
                    style
                };
                spans.push(Span::styled(fit(&text, cols.cell), style));
            }
            // The trainee's last save (the freshest of their files) and hints in all.
            let idle = records.iter().filter_map(|rec| rec.idle_minutes).min();
            let hints: usize = records.iter().map(|rec| rec.hints).sum();
            spans.push(Span::styled(
                fit(
                    &idle
                        .map(|m| format!(" {m}分"))
                        .unwrap_or_else(|| " —".into()),
                    GridColumns::IDLE,
                ),
                row_style,
            ));
            spans.push(Span::styled(
                fit(&format!(" {hints}"), GridColumns::HINTS),
                row_style,
            ));
            lines.push(Line::from(spans));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }

    /// The rule column: what the room still gets wrong, most first.
    fn draw_rules(&self, frame: &mut Frame, theme: Theme, area: Rect) {
        if area.height == 0 {
            return;
        }
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border())
            .title(Span::styled(" 全班还没改对的 ", theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = inner.width as usize;
        let handed_in = self.view.records.iter().any(|r| r.judgement.is_some());
        let lines: Vec<Line> = if self.view.rules.is_empty() && !handed_in {
            vec![Line::from(Span::styled("（还没有人交作业）", theme.dim()))]
        } else if self.view.rules.is_empty() {
            vec![Line::from(Span::styled(
                truncate("交来的作业里，各课要改的规则都已改对", w),
                theme.ok(),
            ))]
        } else {
            self.view
                .rules
                .iter()
                .map(|rule| {
                    let title = crate::rules::catalog::find(&rule.rule).map_or("", |r| r.title);
                    let style = if rule.failing > 0 {
                        theme.bad()
                    } else {
                        theme.ok()
                    };
                    Line::from(Span::styled(
                        truncate(&format!("{} {title}", rule.text()), w),
                        style,
                    ))
                })
                .collect()
        };
        frame.render_widget(Paragraph::new(lines), inner);
    }

    /// The selected cell in words: the lesson, and the trainee's state in it.
    fn draw_detail(&self, frame: &mut Frame, theme: Theme, area: Rect) {
        let w = area.width as usize;
        let mut lines = Vec::new();
        if let Some(lesson) = self.lessons.get(self.col) {
            lines.push(Line::from(Span::styled(
                truncate(
                    &format!(" 第{}课 {}", self.col + 1, visible_inline(&lesson.title)),
                    w,
                ),
                theme.heading(),
            )));
        }
        if let Some(record) = self.selected() {
            let who = visible_inline(&record.trainee);
            let text = match &record.judgement {
                None => format!(" {who}：还没有交"),
                Some(j) => {
                    let mut s = format!(
                        " {who}：{} · 目标 {}/{} · {}/{} 分 · 提示 {} 条",
                        if record.done {
                            "完成 ✓"
                        } else {
                            "未完成 ✗"
                        },
                        record.goals_met,
                        record.goals,
                        record.points,
                        record.max_points,
                        record.hints
                    );
                    if let Some(m) = record.idle_minutes {
                        s.push_str(&format!(" · {m} 分钟前保存"));
                    }
                    if !j.locked_changed.is_empty() {
                        s.push_str(" · 改动了锁定的数");
                    }
                    if j.problem.is_some() {
                        s.push_str(" · 文件无法读取");
                    }
                    let waiting = j.goals.iter().filter(|g| g.by_hand && !g.met).count();
                    if waiting > 0 {
                        s.push_str(&format!(" · {waiting} 个目标待认可（a）"));
                    }
                    s
                }
            };
            lines.push(Line::from(truncate(&text, w)));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}

/// The grid's columns.
struct GridColumns {
    name: usize,
    cell: usize,
}

impl GridColumns {
    const IDLE: usize = 7;
    const HINTS: usize = 6;

    fn new(w: usize, lessons: usize) -> GridColumns {
        let room = w.saturating_sub(Self::IDLE + Self::HINTS);
        let name = (room / 5).clamp(8, 16);
        let cell = (room.saturating_sub(name) / lessons.max(1)).clamp(4, 8);
        GridColumns { name, cell }
    }

    /// How many lesson columns fit in `w` columns (one at least).
    fn fitting(&self, w: usize) -> usize {
        (w.saturating_sub(self.name + Self::IDLE + Self::HINTS) / self.cell.max(1)).max(1)
    }
}

/// A folder as the title names it: its last part (the whole path is long on a small screen).
pub(super) fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string())
}

/// `hh:mm:ss` (UTC) of a time in seconds since 1970.
fn clock(secs: u64) -> String {
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}

/// `jixiao class DIR` on a terminal: the grid until q; Enter opens a file read-only in the
/// workbench on the same screen.
pub fn run(screen_state: &mut ClassScreen, keymap: Keymap) -> std::io::Result<()> {
    use super::{Next, Screen};
    use crossterm::event::Event;
    let mut screen = Screen::open()?;
    let theme = screen.theme;
    let mut polled = Instant::now();
    while !screen_state.quit && !screen.stopping() {
        screen.draw(|frame| screen_state.draw(frame, theme))?;
        let wait = POLL
            .saturating_sub(polled.elapsed())
            .max(Duration::from_millis(50));
        let next = screen.next(wait)?;
        if polled.elapsed() >= POLL {
            screen_state.poll();
            polled = Instant::now();
        }
        let Next::Event(Event::Key(key)) = next else {
            continue;
        };
        if let Some(ClassAction::Open(_)) = screen_state.key(key) {
            match screen_state.open_selected(keymap.clone()) {
                Ok(mut app) => {
                    screen.run_app(&mut app)?;
                    screen_state.rejudge();
                    polled = Instant::now();
                }
                Err(why) => screen_state.status = Some((why, true)),
            }
        }
    }
    Ok(())
}

impl ClassScreen {
    /// The selected trainee's file of the selected lesson, read-only in the ordinary
    /// workbench, with the lesson's goals beside it (`ReviewGuide`).
    pub fn open_selected(&self, keymap: Keymap) -> Result<App, String> {
        let record = self.selected().ok_or("没有选中的作业")?;
        let lesson = self.lessons.get(self.col).ok_or("没有这一课")?.clone();
        let mut app = open_read_only(&record.file, &self.schemes, keymap)?;
        // The cursor starts where the lesson's first goal points, as for the trainee.
        if let Some(path) = lesson.goals.iter().find_map(super::tutor::goal_path) {
            app.go_to(&path);
        }
        app.set_guide(Box::new(ReviewGuide {
            lesson,
            number: self.col + 1,
            trainee: record.trainee.clone(),
            dir: self.dir.clone(),
            schemes: self.schemes.clone(),
            judgement: None,
            current: String::new(),
        }));
        Ok(app)
    }
}

/// The trainer's view of a trainee's lesson beside the read-only workbench: the goals as
/// judged (with the review goals the trainer accepted), `a` to accept the next review goal
/// after reading the file, `t` the lesson's text, `s` what the solution and the trainee
/// changed.
pub struct ReviewGuide {
    lesson: Lesson,
    number: usize,
    trainee: String,
    dir: PathBuf,
    schemes: SchemeSet,
    judgement: Option<tutor::Judgement>,
    current: String,
}

impl ReviewGuide {
    fn judge(&mut self) {
        let accepted = tutor::Acceptance::goals_for(
            &tutor::accepted_goals(&self.dir, &self.trainee, &self.lesson.id, true),
            &self.current,
        );
        self.judgement = Some(tutor::judge(
            &self.lesson,
            &self.current,
            &self.schemes,
            &accepted,
        ));
    }
}

impl super::app::Guide for ReviewGuide {
    fn refuse(&self, _path: &crate::model::FieldPath) -> Option<String> {
        Some("这是学员交来的作业，只读".into())
    }

    fn changed(&mut self, text: &str) {
        self.current = text.to_owned();
        self.judge();
    }

    fn pane(&self) -> super::app::Pane {
        use super::app::PaneLine;
        let (mut lines, points, max) =
            super::tutor::judged_lines(self.judgement.as_ref(), &self.lesson);
        lines.push(PaneLine::dim(
            "a 认可下一个待认可的目标 · t 课文 · s 参考答案与学员的改动 · q 回到全班",
        ));
        super::app::Pane {
            title: format!(
                "{} · 第 {} 课 · {points}/{max} 分 · {}",
                self.trainee, self.number, self.lesson.title
            ),
            lines,
        }
    }

    fn keys(&self) -> Vec<(char, &'static str)> {
        vec![('a', "认可"), ('t', "课文"), ('s', "参考答案")]
    }

    fn key(&mut self, key: char) -> Option<super::app::Reply> {
        use super::app::Reply;
        match key {
            'a' => {
                let open = self.judgement.as_ref().and_then(|j| {
                    self.lesson
                        .goals
                        .iter()
                        .zip(&j.goals)
                        .position(|(g, s)| matches!(g.kind, GoalKind::Review { .. }) && !s.met)
                });
                let Some(goal) = open else {
                    return Some(Reply::Warn("这一课没有待认可的目标".into()));
                };
                let copy = tutor::work_fingerprint(&self.current);
                match tutor::accept_review(&self.dir, &self.lesson, &self.trainee, goal, &copy) {
                    Ok(()) => {
                        self.judge();
                        Some(Reply::Say(format!(
                            "已认可：{}",
                            self.judgement
                                .as_ref()
                                .map(|j| j.goals[goal].text.clone())
                                .unwrap_or_default()
                        )))
                    }
                    Err(e) => Some(Reply::Warn(format!("无法认可：{e}"))),
                }
            }
            't' => Some(Reply::Page {
                title: format!("第 {} 课 · {}", self.number, self.lesson.title),
                text: self.lesson.text.trim().to_owned(),
            }),
            's' => Some(Reply::Page {
                title: format!("{} · 第 {} 课 · 参考答案对比", self.trainee, self.number),
                text: super::tutor::solution_difference(&self.lesson, &self.current, "学员"),
            }),
            _ => None,
        }
    }

    fn saved(&mut self, _text: &str) -> Result<Option<String>, String> {
        Ok(None)
    }
}

/// A trainee's file, read-only in the ordinary workbench.
fn open_read_only(file: &Path, schemes: &SchemeSet, keymap: Keymap) -> Result<App, String> {
    let what = format!("{} ", visible_inline(&file.display().to_string()));
    super::tutor::open_file(file, true, schemes, keymap, &what)
}
