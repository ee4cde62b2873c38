//! `jixiao tutor`: the lesson list, and a lesson in the ordinary workbench on the trainee's own
//! copy with the lesson pane beside it (TUTOR.md, the trainee).
//!
//! The list is its own small state with `key` and `draw`; a lesson is the workbench (`App`)
//! with a `LessonGuide` attached: the core (`crate::tutor`) judges, the guide only shows the
//! judgement, refuses locked fields, hands out hints, records progress and hands in.

use super::app::{App, Guide, Mode, Pane, PaneLine, Reply};
use super::keymap::Keymap;
use super::text::{fit, truncate, wrap};
use super::theme::Theme;
use crate::model::FieldPath;
use crate::sanitize::visible_inline;
use crate::scheme::SchemeSet;
use crate::tutor::{self, GoalKind, Hint, Judgement, Lesson, Status, Workspace};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::path::{Path, PathBuf};

/// Where a trainee hands in (`--class DIR --name NAME`).
#[derive(Debug, Clone)]
pub struct Class {
    pub dir: PathBuf,
    pub name: String,
}

impl Class {
    /// The review goals of a lesson the trainer has accepted for this trainee.
    fn accepted(&self, lesson_id: &str) -> Vec<tutor::Acceptance> {
        tutor::accepted_goals(&self.dir, &self.name, lesson_id, false)
    }
}

/// One line of the lesson list, judged from the work copy (never from the progress cache).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonRow {
    pub status: Status,
    pub points: u32,
    pub max_points: u32,
    pub goals_met: usize,
    pub goals: usize,
    pub hints: usize,
    /// Why the work copy could not be judged (unreadable), or that a locked field was changed.
    pub problem: Option<String>,
}

/// The lesson list.
pub struct TutorList {
    pub lessons: Vec<Lesson>,
    pub rows: Vec<LessonRow>,
    pub selected: usize,
    /// A message in the footer until the next key: text, and whether it is a failure.
    pub status: Option<(String, bool)>,
    pub quit: bool,
    workspace: Workspace,
    schemes: SchemeSet,
    class: Option<Class>,
}

impl TutorList {
    pub fn new(
        lessons: Vec<Lesson>,
        workspace: Workspace,
        schemes: SchemeSet,
        class: Option<Class>,
    ) -> TutorList {
        let mut list = TutorList {
            lessons,
            rows: Vec::new(),
            selected: 0,
            status: None,
            quit: false,
            workspace,
            schemes,
            class,
        };
        list.refresh();
        list
    }

    /// Judges every lesson from its work copy again.
    pub fn refresh(&mut self) {
        let progress = self.workspace.progress();
        self.rows = self
            .lessons
            .iter()
            .map(|lesson| {
                let accepted = self
                    .class
                    .as_ref()
                    .map(|c| c.accepted(&lesson.id))
                    .unwrap_or_default();
                let mut row = LessonRow {
                    status: Status::NotStarted,
                    points: 0,
                    max_points: lesson.points,
                    goals_met: 0,
                    goals: lesson.goals.len(),
                    hints: progress.lesson(&lesson.id).hints_used,
                    problem: None,
                };
                match self
                    .workspace
                    .judge_lesson(lesson, &self.schemes, &accepted)
                {
                    Ok(None) => {}
                    Ok(Some(j)) => {
                        row.status = Status::of(&j);
                        row.points = j.points;
                        row.goals_met = j.goals_met();
                        row.problem = problem_of(&j);
                    }
                    Err(e) => {
                        row.status = Status::InProgress;
                        row.problem = Some(e.to_string());
                    }
                }
                row
            })
            .collect();
        self.selected = self.selected.min(self.lessons.len().saturating_sub(1));
    }

    pub fn warn(&mut self, text: impl Into<String>) {
        self.status = Some((text.into(), true));
    }

    /// A key on the list; returns the lesson to open (Enter).
    pub fn key(&mut self, key: KeyEvent) -> Option<usize> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        self.status = None;
        let n = self.lessons.len();
        match key.code {
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => self.quit = true,
            KeyCode::Char('q') | KeyCode::Esc => self.quit = true,
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(n.saturating_sub(1))
            }
            KeyCode::Home | KeyCode::Char('g') => self.selected = 0,
            KeyCode::End | KeyCode::Char('G') => self.selected = n.saturating_sub(1),
            KeyCode::Enter | KeyCode::Char('e') | KeyCode::Char(' ') if n > 0 => {
                return Some(self.selected);
            }
            _ => self.status = Some(("Enter 开始或继续选中的课 · ↑↓ 选择 · q 退出".into(), false)),
        }
        None
    }

    /// Opens lesson `index` in the workbench on the trainee's copy (made from the start
    /// report the first time), with the lesson pane. The second value: whether it is the
    /// lesson's first opening (its text is shown first).
    pub fn open(&mut self, index: usize, keymap: Keymap) -> Result<(App, bool), String> {
        let lesson = self.lessons.get(index).ok_or("没有这一课")?.clone();
        let first = self
            .rows
            .get(index)
            .is_some_and(|r| r.status == Status::NotStarted);
        let path = self
            .workspace
            .open_lesson(&lesson)
            .map_err(|e| e.to_string())?;
        let what = format!("第 {} 课的工作副本", index + 1);
        let mut app = open_file(&path, false, &self.schemes, keymap, &what)?;
        let guide = LessonGuide::new(
            lesson,
            index + 1,
            self.schemes.clone(),
            self.workspace.clone(),
            self.class.clone(),
        );
        app.set_guide(Box::new(guide));
        // The cursor starts where the lesson's first goal points (its tab and field).
        if let Some(path) = self.lessons[index].goals.iter().find_map(goal_path) {
            app.go_to(&path);
        }
        Ok((app, first))
    }

    /// Draws the list: the track's progress on top, one line per lesson, the selected
    /// lesson's text below, the keys at the foot.
    pub fn draw(&self, frame: &mut Frame, theme: Theme) {
        let area = frame.area();
        let [title, header, list, detail, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(detail_height(area.height)),
            Constraint::Length(1),
        ])
        .areas(area);
        let w = area.width as usize;
        let done = self
            .rows
            .iter()
            .filter(|r| r.status == Status::Done)
            .count();
        let points: u32 = self.rows.iter().map(|r| r.points).sum();
        let max: u32 = self.rows.iter().map(|r| r.max_points).sum();
        let mut head = format!(
            " jixiao 培训 · 已完成 {done}/{} 课 · 得分 {points}/{max}",
            self.lessons.len()
        );
        if let Some(class) = &self.class {
            head.push_str(&format!(
                " · 学员 {} · 班级 {}",
                visible_inline(&class.name),
                visible_inline(&super::class::folder_name(&class.dir))
            ));
        }
        frame.render_widget(
            Paragraph::new(Span::styled(truncate(&head, w), theme.title())),
            title,
        );
        let columns = ListColumns::new(w);
        frame.render_widget(
            Paragraph::new(Span::styled(
                columns.line("", "课程", "状态", "得分", "提示"),
                theme.dim(),
            )),
            header,
        );
        // Scrolled so that the selected lesson is in view.
        let height = list.height as usize;
        let first = (self.selected + 1).saturating_sub(height);
        let lines: Vec<Line> = self
            .lessons
            .iter()
            .zip(&self.rows)
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(i, (lesson, row))| {
                let (mark, mark_style) = match (row.status, &row.problem) {
                    (_, Some(_)) => ("✗", theme.bad()),
                    (Status::Done, _) => ("✓", theme.ok()),
                    (Status::InProgress, _) => ("…", theme.label()),
                    (Status::NotStarted, _) => ("·", theme.dim()),
                };
                let name = format!("{:>2}. {}", i + 1, visible_inline(&lesson.title));
                let points = format!("{}/{}", row.points, row.max_points);
                let text = columns.line(
                    "",
                    &name,
                    row.status.label_zh(),
                    &points,
                    &row.hints.to_string(),
                );
                let style = if i == self.selected {
                    theme.selected_row()
                } else {
                    theme.label()
                };
                // The mark in its own column, the rest of the line after it.
                Line::from(vec![
                    Span::styled(format!(" {mark}"), mark_style),
                    Span::styled(text.chars().skip(2).collect::<String>(), style),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
        self.draw_detail(frame, theme, detail);
        let footer_line = footer_line(
            self.status.as_ref(),
            &[("Enter", "开始/继续"), ("↑↓", "选择"), ("q", "退出")],
            w,
            theme,
        );
        frame.render_widget(Paragraph::new(footer_line), footer);
    }

    /// The selected lesson: where it stands, and its text (as much as fits).
    fn draw_detail(&self, frame: &mut Frame, theme: Theme, area: Rect) {
        let (Some(lesson), Some(row)) = (
            self.lessons.get(self.selected),
            self.rows.get(self.selected),
        ) else {
            return;
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border())
            .title(Span::styled(
                truncate(
                    &format!(" {} ", visible_inline(&lesson.title)),
                    area.width.saturating_sub(2) as usize,
                ),
                theme.title(),
            ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = inner.width as usize;
        let mut lines = Vec::new();
        let state = match row.status {
            Status::NotStarted => {
                format!("未开始 · 共 {} 个目标，满分 {}", row.goals, row.max_points)
            }
            _ => format!(
                "{} · 目标 {}/{} · 得分 {}/{} · 已用提示 {} 条",
                row.status.label_zh(),
                row.goals_met,
                row.goals,
                row.points,
                row.max_points,
                row.hints
            ),
        };
        lines.push(Line::from(Span::styled(truncate(&state, w), theme.title())));
        if let Some(problem) = &row.problem {
            for part in wrap(&format!("✗ {}", visible_inline(problem)), w) {
                lines.push(Line::from(Span::styled(part, theme.bad())));
            }
        }
        for paragraph in lesson.text.lines().filter(|l| !l.trim().is_empty()) {
            for part in wrap(&visible_inline(paragraph.trim()), w) {
                lines.push(Line::from(part));
            }
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// Opens the report file at `path` in the workbench (a lesson's work copy, a trainee's file);
/// `what` names it where it does not load (`{what}无法打开：…`).
pub(super) fn open_file(
    path: &Path,
    read_only: bool,
    schemes: &SchemeSet,
    keymap: Keymap,
    what: &str,
) -> Result<App, String> {
    let bytes = crate::store::read_report_file(path).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    App::open(
        &text,
        Some(path.to_owned()),
        read_only,
        schemes.clone(),
        keymap,
    )
    .map_err(|failure| {
        let first = failure
            .findings
            .first()
            .map(|f| format!("{} {}", f.rule, visible_inline(&f.message)))
            .unwrap_or_default();
        format!("{what}无法打开：{first}")
    })
}

/// The goals as judged, a line each with its points, then what keeps the lesson from
/// counting (a locked figure changed, a copy that does not load); and the points out of the
/// lesson's. The trainee's lesson pane and the trainer's view of a trainee's file.
pub(super) fn judged_lines(
    judgement: Option<&Judgement>,
    lesson: &tutor::Lesson,
) -> (Vec<PaneLine>, u32, u32) {
    let mut lines = Vec::new();
    let Some(j) = judgement else {
        return (lines, 0, lesson.points);
    };
    for goal in &j.goals {
        lines.push(PaneLine::goal(
            format!("{}（{} 分）", goal.text, goal.points),
            goal.met,
        ));
    }
    if let Some(problem) = problem_of(j) {
        lines.push(PaneLine::goal(problem, false));
    }
    (lines, j.points, j.max_points)
}

/// Why a judged work copy fails whatever its goals say: it does not load, or a locked field
/// was changed.
fn problem_of(j: &Judgement) -> Option<String> {
    if let Some(problem) = &j.problem {
        return Some(problem.clone());
    }
    (!j.locked_changed.is_empty()).then(|| {
        format!(
            "锁定的数被改动了（{}），本课不算完成；请改回题目给定的数",
            j.locked_changed.join("、")
        )
    })
}

/// The place a goal is about, if it names one.
pub(super) fn goal_path(goal: &tutor::Goal) -> Option<FieldPath> {
    match &goal.kind {
        GoalKind::Clears { path, .. } => path.clone(),
        GoalKind::Value { path, .. } => Some(path.clone()),
        GoalKind::Filled { paths } => paths.first().cloned(),
        _ => None,
    }
}

/// The detail box's height on a screen `height` rows tall: a third of it, 6 at least.
fn detail_height(height: u16) -> u16 {
    (height / 3).max(6).min(height.saturating_sub(5))
}

/// The list's columns: the lesson's name takes what the status, points and hints leave.
struct ListColumns {
    name: usize,
}

impl ListColumns {
    const MARK: usize = 3;
    const STATUS: usize = 8;
    const POINTS: usize = 8;
    const HINTS: usize = 5;

    fn new(w: usize) -> ListColumns {
        ListColumns {
            name: w.saturating_sub(Self::MARK + Self::STATUS + Self::POINTS + Self::HINTS),
        }
    }

    /// One line (the mark's columns first, blank for the caller to fill).
    fn line(&self, mark: &str, name: &str, status: &str, points: &str, hints: &str) -> String {
        format!(
            "{}{}{}{}{}",
            fit(mark, Self::MARK),
            fit(name, self.name),
            fit(status, Self::STATUS),
            fit(points, Self::POINTS),
            fit(hints, Self::HINTS)
        )
    }
}

/// A screen's footer: its message until the next key (a failure in the error colour), or
/// else its keys.
pub(super) fn footer_line(
    status: Option<&(String, bool)>,
    keys: &[(&str, &str)],
    w: usize,
    theme: Theme,
) -> Line<'static> {
    match status {
        Some((text, error)) => Line::from(Span::styled(
            truncate(&visible_inline(text), w),
            if *error {
                theme.error_text()
            } else {
                theme.title()
            },
        )),
        None => super::view::key_bar_line(keys, w, theme),
    }
}

/// A key bar: `key label` pairs, as many as fit.
/// A lesson beside the workbench: the goals judged on every change, the locked fields
/// refused, hints in order, the solution's difference once done, and on every save the
/// progress recorded (and the work copy handed in to the class folder).
pub struct LessonGuide {
    lesson: Lesson,
    number: usize,
    schemes: SchemeSet,
    workspace: Workspace,
    class: Option<Class>,
    /// The trainer's acceptances, each counted only for the copy accepted.
    accepted: Vec<tutor::Acceptance>,
    judgement: Option<Judgement>,
    /// The document as last judged (for the difference `s` shows).
    current: String,
    hints_used: usize,
    last_hint: Option<String>,
}

impl LessonGuide {
    pub fn new(
        lesson: Lesson,
        number: usize,
        schemes: SchemeSet,
        workspace: Workspace,
        class: Option<Class>,
    ) -> LessonGuide {
        let hints_used = workspace
            .progress()
            .lesson(&lesson.id)
            .hints_used
            .min(lesson.hints.len());
        let accepted = class
            .as_ref()
            .map(|c| c.accepted(&lesson.id))
            .unwrap_or_default();
        // The hint last opened stays in the pane when the lesson is resumed.
        let last_hint = hints_used
            .checked_sub(1)
            .map(|i| hint_line(&lesson.hints[i], i + 1, lesson.hints.len()));
        LessonGuide {
            lesson,
            number,
            schemes,
            workspace,
            class,
            accepted,
            judgement: None,
            current: String::new(),
            hints_used,
            last_hint,
        }
    }

    /// The page the lesson opens with the first time: its text.
    pub fn intro(lesson: &Lesson, number: usize) -> Mode {
        Mode::FullText {
            title: format!("第 {number} 课 · {}", lesson.title),
            text: format!(
                "{}\n\n（Esc 关闭这一页开始做题；做题时按 t 可再看课文，h 看提示。）",
                lesson.text.trim()
            ),
            scroll: 0,
        }
    }

    fn next_hint(&mut self) -> Reply {
        let n = self.lesson.hints.len();
        if n == 0 {
            return Reply::Say("本课没有提示".into());
        }
        let again = self.hints_used == n;
        let mut failure = None;
        if !again {
            self.hints_used += 1;
            match self.workspace.use_hint(&self.lesson.id, n) {
                Ok(used) => self.hints_used = used.max(self.hints_used).min(n),
                Err(e) => failure = Some(format!("无法记录进度：{e}")),
            }
            if let Some(class) = &self.class {
                let progress = self.workspace.progress();
                if let Err(e) = tutor::hand_in_progress(&class.dir, &class.name, &progress) {
                    failure = Some(format!("无法交到班级文件夹：{e}"));
                }
            }
        }
        let k = self.hints_used;
        let hint = &self.lesson.hints[k - 1];
        let mut line = hint_line(hint, k, n);
        if again {
            line.push_str("（已是最后一条）");
        }
        self.last_hint = Some(line.clone());
        if let Some(why) = failure {
            return Reply::Warn(format!("{line}；{why}"));
        }
        match hint {
            Hint::Text(_) => Reply::Say(line),
            Hint::Explain(id) => Reply::Explain(id.clone()),
        }
    }

    fn solution_page(&self) -> Reply {
        let missing = self
            .judgement
            .as_ref()
            .map_or(self.lesson.goals.len(), |j| {
                j.goals.len() - j.goals_met() + usize::from(!j.locked_changed.is_empty())
            });
        if !self.judgement.as_ref().is_some_and(|j| j.done) {
            return Reply::Warn(format!(
                "完成全部目标后才能看参考答案（还差 {} 个目标）",
                missing.max(1)
            ));
        }
        Reply::Page {
            title: format!("第 {} 课 · 参考答案对比", self.number),
            text: solution_difference(&self.lesson, &self.current, "你"),
        }
    }
}

/// What the solution changed in the start report, and what `who` (你, 学员) changed.
pub(super) fn solution_difference(lesson: &Lesson, current: &str, who: &str) -> String {
    let solution = crate::store::describe_value_difference(&lesson.start, &lesson.solution, 40);
    let theirs = crate::store::describe_value_difference(&lesson.start, current, 40);
    let mut text = String::from("参考答案改了这些地方（- 题目原来的，+ 参考答案）：\n");
    text.push_str(&solution.join("\n"));
    text.push_str(&format!(
        "\n\n{who}改了这些地方（- 题目原来的，+ {who}的）：\n"
    ));
    if theirs.is_empty() {
        text.push_str("（没有改动）");
    } else {
        text.push_str(&theirs.join("\n"));
    }
    text
}

/// A hint as the pane shows it: `提示 2/3：…`.
fn hint_line(hint: &Hint, k: usize, n: usize) -> String {
    match hint {
        Hint::Text(text) => format!("提示 {k}/{n}：{text}"),
        Hint::Explain(id) => format!("提示 {k}/{n}：规则 {id} 的全屏说明（再按 h 可重看）"),
    }
}

impl Guide for LessonGuide {
    fn refuse(&self, path: &FieldPath) -> Option<String> {
        tutor::locked_reason(&self.lesson, &path.to_string())
    }

    fn changed(&mut self, text: &str) {
        self.judgement = Some(tutor::judge(
            &self.lesson,
            text,
            &self.schemes,
            &tutor::Acceptance::goals_for(&self.accepted, text),
        ));
        self.current = text.to_owned();
    }

    fn pane(&self) -> Pane {
        let (mut lines, points, max) = judged_lines(self.judgement.as_ref(), &self.lesson);
        if self.judgement.as_ref().is_some_and(|j| j.done) {
            lines.push(PaneLine::heading(
                "本课完成 ✓ 保存后记入进度；s 看参考答案，q 回到课程列表",
            ));
        }
        if let Some(hint) = &self.last_hint {
            lines.push(PaneLine::plain(hint.clone()));
        }
        lines.push(PaneLine::dim(format!(
            "h 提示（已用 {}/{}）· t 课文 · s 参考答案（完成后）",
            self.hints_used,
            self.lesson.hints.len()
        )));
        for paragraph in self.lesson.text.lines().filter(|l| !l.trim().is_empty()) {
            lines.push(PaneLine::plain(paragraph.trim().to_owned()));
        }
        Pane {
            title: format!(
                "第 {} 课 · {points}/{max} 分 · {}",
                self.number, self.lesson.title
            ),
            lines,
        }
    }

    fn keys(&self) -> Vec<(char, &'static str)> {
        vec![('h', "提示"), ('t', "课文"), ('s', "参考答案")]
    }

    fn key(&mut self, key: char) -> Option<Reply> {
        match key {
            'h' => Some(self.next_hint()),
            's' => Some(self.solution_page()),
            't' => Some(Reply::Page {
                title: format!("第 {} 课 · {}", self.number, self.lesson.title),
                text: self.lesson.text.trim().to_owned(),
            }),
            _ => None,
        }
    }

    fn saved(&mut self, text: &str) -> Result<Option<String>, String> {
        // The text saved is, as a rule, the one judged on the last change: not judged again.
        let judged;
        let j = match &self.judgement {
            Some(j) if self.current == text => j,
            _ => {
                let accepted = tutor::Acceptance::goals_for(&self.accepted, text);
                judged = tutor::judge(&self.lesson, text, &self.schemes, &accepted);
                &judged
            }
        };
        let mut message = if j.done {
            "本课完成 ✓".to_owned()
        } else {
            format!("目标 {}/{}", j.goals_met(), j.goals.len())
        };
        let progress = self
            .workspace
            .record(&self.lesson.id, j)
            .map_err(|e| format!("{message}；无法记录进度：{e}"))?;
        if let Some(class) = &self.class {
            tutor::hand_in(&class.dir, &class.name, &self.lesson.id, text)
                .and_then(|()| tutor::hand_in_progress(&class.dir, &class.name, &progress))
                .map_err(|e| format!("{message}；无法交到班级文件夹：{e}"))?;
            message.push_str("，已交到班级文件夹");
        }
        Ok(Some(message))
    }
}

/// `jixiao tutor`: the list until q; Enter runs a lesson in the workbench on the same screen.
pub fn run(list: &mut TutorList, keymap: Keymap) -> std::io::Result<()> {
    use super::{Next, Screen, UnlockOnDrop};
    use crossterm::event::Event;
    let mut screen = Screen::open()?;
    let theme = screen.theme;
    while !list.quit && !screen.stopping() {
        screen.draw(|frame| list.draw(frame, theme))?;
        let Next::Event(Event::Key(key)) = screen.next(std::time::Duration::from_millis(200))?
        else {
            continue;
        };
        let Some(index) = list.key(key) else {
            continue;
        };
        match list.open(index, keymap.clone()) {
            Ok((mut app, first)) => {
                app.attach_session();
                let _unlock = UnlockOnDrop(app.session_files());
                if first && matches!(app.mode, Mode::Normal) {
                    app.mode = LessonGuide::intro(&list.lessons[index], index + 1);
                }
                let result = screen.run_app(&mut app);
                app.end_session();
                result?;
                list.refresh();
            }
            Err(why) => list.warn(why),
        }
    }
    Ok(())
}

#[cfg(test)]
mod difference_tests {
    use super::*;

    #[test]
    fn the_solutions_difference_shows_the_changed_figures_and_no_header_comments() {
        let lesson = tutor::shipped()
            .into_iter()
            .find(|l| l.id == "special-funds")
            .unwrap();
        let text = solution_difference(&lesson, &lesson.start, "你");
        let solution: Vec<&str> = text.lines().skip(1).take_while(|l| !l.is_empty()).collect();
        assert!(
            solution.iter().all(|l| !l[1..].trim().starts_with('#')),
            "{text}"
        );
        assert!(solution.len() <= 8, "{text}");
        assert!(
            solution[0].contains("special_fund_count") || solution[0].contains("专项资金个数"),
            "{text}"
        );
        assert!(text.contains("270.08") && text.contains("27.08"), "{text}");
        assert!(text.ends_with("（没有改动）"), "{text}");
    }
}
