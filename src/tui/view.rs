//! Drawing: the title, the tabs, the active form, the side panel (or its one-line summary on
//! a narrow terminal), the key bar, and the popups. Draws only from the state, and returns
//! what the drawing found out about the screen (`Drawn`) for the run loop to keep in it.

use super::app::{App, Confirm, Mode};
use super::form::{Row, RowKind, Tab};
use super::keymap::{COMMANDS, Command};
use super::text::{fit, split_widths, truncate, width, wrap};
use super::theme::Theme;
use crate::finding::Severity;
use crate::model::FieldPath;
use crate::sanitize::visible_inline;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use std::collections::HashMap;

/// Terminals at least this wide show the side panel beside the form.
pub const WIDE: u16 = 100;

#[path = "explain.rs"]
pub mod explain;

/// The side panel's width on a terminal `width` columns wide: about a third of it (never
/// below 38 columns), and none on a narrow terminal, where a summary line stands instead.
pub fn panel_width(width: u16) -> u16 {
    if width >= WIDE {
        (width / 3).max(38)
    } else {
        0
    }
}

/// What a frame found out about the screen, kept in the state by `App::apply_layout`: how
/// far a page goes, and where the form, the findings and the help are scrolled to so that
/// the cursor and the selected finding stay in view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drawn {
    /// The tab drawn, and the first of its rows shown.
    pub tab: Tab,
    pub scroll: usize,
    /// Rows visible in the form, for paging.
    pub page: usize,
    /// The first finding shown in the side panel, when it was drawn.
    pub finding_scroll: Option<usize>,
    /// How far the help can scroll with its last line still on screen, when it was drawn.
    pub help_bottom: Option<u16>,
}

pub fn draw(frame: &mut Frame, app: &App, theme: Theme) -> Drawn {
    let area = frame.area();
    let wide = area.width >= WIDE;
    let [title, tabs, body, summary, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(if wide { 0 } else { 1 }),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_title(frame, app, theme, title);
    draw_tabs(frame, app, theme, tabs);
    let mut drawn = Drawn {
        tab: app.tab,
        scroll: 0,
        page: 0,
        finding_scroll: None,
        help_bottom: None,
    };
    let pane = app.guide().map(|g| g.pane());
    if wide {
        let [form, mut panel] = Layout::horizontal([
            Constraint::Min(40),
            Constraint::Length(panel_width(area.width)),
        ])
        .areas(body);
        (drawn.page, drawn.scroll) = draw_form(frame, app, theme, form);
        // A guide's pane stands above the totals and findings, taking what it needs up to
        // two thirds of the height.
        if let Some(pane) = &pane {
            let wanted = pane_height(pane, panel.width);
            let [top, rest] = Layout::vertical([
                Constraint::Length(wanted.min(panel.height * 2 / 3)),
                Constraint::Min(0),
            ])
            .areas(panel);
            draw_guide_pane(frame, pane, theme, top);
            panel = rest;
        }
        drawn.finding_scroll = Some(draw_panel(frame, app, theme, panel));
    } else {
        // On a narrow terminal the guide's pane goes under the form, taking what it needs
        // up to half of the height.
        let mut form = body;
        if let Some(pane) = &pane {
            let wanted = pane_height(pane, body.width);
            let [top, bottom] = Layout::vertical([
                Constraint::Min(3),
                Constraint::Length(wanted.min(body.height / 2)),
            ])
            .areas(body);
            draw_guide_pane(frame, pane, theme, bottom);
            form = top;
        }
        (drawn.page, drawn.scroll) = draw_form(frame, app, theme, form);
        draw_summary(frame, app, theme, summary);
    }
    draw_footer(frame, app, theme, footer);
    match &app.mode {
        Mode::Editing(_) => draw_editor(frame, app, theme, area),
        Mode::Confirm(c) => draw_confirm(frame, c, theme, area),
        Mode::Help { scroll } => {
            drawn.help_bottom = Some(draw_help(frame, app, theme, area, *scroll));
        }
        Mode::Explain {
            rule,
            example,
            scroll,
            ..
        } => {
            if let Some(rule) = crate::rules::catalog::find(rule) {
                let page = explain::rule_page(rule, example.as_deref());
                drawn.help_bottom = Some(explain::draw(frame, area, theme, &page, *scroll));
            }
        }
        Mode::FullText {
            title,
            text,
            scroll,
        } => {
            // Between the title line (which says 只读) and the key bar.
            let popup = Rect {
                y: area.y + 1.min(area.height),
                height: area.height.saturating_sub(2),
                ..area
            };
            let page = explain::text_page(title, text);
            drawn.help_bottom = Some(explain::draw(frame, popup, theme, &page, *scroll));
        }
        Mode::Findings if !wide => {
            let popup = centered(
                area,
                area.width.saturating_sub(4),
                area.height.saturating_sub(4),
            );
            clear_popup(frame, popup);
            drawn.finding_scroll = Some(draw_panel(frame, app, theme, popup));
        }
        _ => {}
    }
    drawn
}

/// The lines of a guide's pane at `w` columns: each line wrapped under itself, a goal
/// marked ✓ or ✗ in a column of its own.
fn pane_lines(pane: &super::app::Pane, w: usize, theme: Theme) -> Vec<Line<'static>> {
    use super::app::LineStyle;
    let mut out = Vec::new();
    for line in &pane.lines {
        let style = match line.style {
            LineStyle::Plain => theme.label(),
            LineStyle::Heading => theme.heading(),
            LineStyle::Dim => theme.dim(),
        };
        let text = visible_inline(&line.text);
        match line.mark {
            Some(met) => {
                let (symbol, mark_style) = if met {
                    ("✓ ", theme.ok())
                } else {
                    ("✗ ", theme.bad())
                };
                for (i, part) in wrap(&text, w.saturating_sub(2).max(1))
                    .into_iter()
                    .enumerate()
                {
                    let lead = if i == 0 { symbol } else { "  " };
                    out.push(Line::from(vec![
                        Span::styled(lead, mark_style),
                        Span::styled(part, style),
                    ]));
                }
            }
            None if text.is_empty() => out.push(Line::from("")),
            None => {
                for part in wrap(&text, w.max(1)) {
                    out.push(Line::from(Span::styled(part, style)));
                }
            }
        }
    }
    out
}

/// The rows a guide's pane needs at `width` columns, its border included.
fn pane_height(pane: &super::app::Pane, width: u16) -> u16 {
    let lines = pane_lines(pane, width.saturating_sub(2) as usize, Theme::MONO).len();
    u16::try_from(lines).unwrap_or(u16::MAX).saturating_add(2)
}

/// Draws a guide's pane: its title on the border, its first lines (as many as fit).
fn draw_guide_pane(frame: &mut Frame, pane: &super::app::Pane, theme: Theme, area: Rect) {
    let block = titled_block(&pane.title, area.width, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = fitted_pane_lines(pane, inner.width as usize, inner.height as usize, theme);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The lines of a guide's pane for a box `rows` high: all of them when they fit; else with
/// the goals met folded into one line; and if the goals not met still do not fit, each of
/// them on one row (cut short with …), the last row saying how many more there are — no
/// goal not met is ever hidden without a word.
fn fitted_pane_lines(
    pane: &super::app::Pane,
    w: usize,
    rows: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    // What must be seen: the lines through the last goal and the headings right after it
    // (本课完成); what follows (hints, the lesson's text) may be cut at the box's edge.
    let must_rows = |p: &super::app::Pane| {
        let mut end = p
            .lines
            .iter()
            .rposition(|l| l.mark.is_some())
            .map_or(0, |last| last + 1);
        while p
            .lines
            .get(end)
            .is_some_and(|l| l.style == super::app::LineStyle::Heading)
        {
            end += 1;
        }
        pane_lines(
            &super::app::Pane {
                title: String::new(),
                lines: p.lines[..end].to_vec(),
            },
            w,
            theme,
        )
        .len()
    };
    if must_rows(pane) <= rows {
        return pane_lines(pane, w, theme);
    }
    let folded = pane.with_met_goals_folded();
    if must_rows(&folded) <= rows {
        return pane_lines(&folded, w, theme);
    }
    // Each goal on one row; when there are more than rows, the last row counts the others.
    let goals: Vec<&super::app::PaneLine> =
        folded.lines.iter().filter(|l| l.mark.is_some()).collect();
    let unmet: Vec<&&super::app::PaneLine> =
        goals.iter().filter(|l| l.mark == Some(false)).collect();
    let mut out = Vec::new();
    let one_row = |line: &super::app::PaneLine| -> Line<'static> {
        let (symbol, mark_style) = if line.mark == Some(true) {
            ("✓ ", theme.ok())
        } else {
            ("✗ ", theme.bad())
        };
        Line::from(vec![
            Span::styled(symbol, mark_style),
            Span::styled(
                truncate(&visible_inline(&line.text), w.saturating_sub(2)),
                theme.label(),
            ),
        ])
    };
    let shown = if unmet.len() > rows {
        rows.saturating_sub(1)
    } else {
        unmet.len()
    };
    out.extend(unmet[..shown].iter().map(|l| one_row(l)));
    if shown < unmet.len() {
        out.push(Line::from(vec![
            Span::styled("✗ ", theme.bad()),
            Span::styled(
                truncate(
                    &format!("另有 {} 个目标未达成", unmet.len() - shown),
                    w.saturating_sub(2),
                ),
                theme.label(),
            ),
        ]));
        return out;
    }
    if let Some(summary) = goals.iter().find(|l| l.mark == Some(true)) {
        out.push(one_row(summary));
    }
    let rest = super::app::Pane {
        title: String::new(),
        lines: folded
            .lines
            .iter()
            .filter(|l| l.mark.is_none())
            .cloned()
            .collect(),
    };
    out.extend(pane_lines(&rest, w, theme));
    out
}

fn draw_title(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let unit = app.report.report.unit.clone().unwrap_or_default();
    let year = app.report.report.year.to_string();
    let file = match &app.file {
        Some(p) => p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        None => "未命名（内置示例）".to_owned(),
    };
    let mut text = format!(
        " {} · {} · {}",
        visible_inline(&unit),
        year,
        visible_inline(&file)
    );
    if app.dirty() {
        text.push_str(" [+]");
    }
    if app.read_only {
        text.push_str(" [只读]");
    }
    if app.complete {
        text.push_str(" [齐全检查]");
    }
    let line = Line::from(Span::styled(
        truncate(&text, area.width as usize),
        theme.title(),
    ));
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_tabs(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let mut spans = Vec::new();
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let text = format!(" {} {} ", i + 1, tab.title());
        let style = if *tab == app.tab {
            theme.tab_active()
        } else {
            theme.label()
        };
        spans.push(Span::styled(text, style));
        spans.push(Span::styled("│", theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Draws the form scrolled so the cursor is in view; returns the rows a page moves and the
/// first row shown.
fn draw_form(frame: &mut Frame, app: &App, theme: Theme, area: Rect) -> (usize, usize) {
    let height = area.height as usize;
    let page = height.saturating_sub(1).max(1);
    let t = app.tab.index();
    let (cursor_row, cursor_col) = app.cursor[t];
    let mut start = app.scroll[t];
    if cursor_row < start {
        start = cursor_row.saturating_sub(1);
    } else if cursor_row >= start + height {
        start = cursor_row + 1 - height;
    }
    let w = area.width as usize;
    let lines: Vec<Line> = app
        .rows
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(i, row)| {
            row_line(
                row,
                w,
                theme,
                (i == cursor_row).then_some(cursor_col),
                &app.marks,
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
    (page, start)
}

/// Where the parts of a line go: the label's columns, each cell's slot (start column and
/// width: a blank column, then the value with its marker right after its text) and the
/// computed figure's columns.
/// A table's heading and its value rows are laid out by this one computation, so each
/// title starts at the column where its values start (`slot start + 1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub label: usize,
    pub cells: Vec<(usize, usize)>,
    pub computed: usize,
}

impl Columns {
    /// The column where the value (or title) of cell `c` starts, marked or not.
    pub fn value_start(&self, c: usize) -> Option<usize> {
        self.cells.get(c).map(|(x, _)| x + 1)
    }
}

/// The layout of `row` in `w` columns (see `Columns`).
pub fn columns(row: &Row, w: usize) -> Columns {
    if !row.spans.is_empty() {
        return grid_columns(row, w);
    }
    let n = match &row.kind {
        RowKind::Heading { columns } => columns.len(),
        RowKind::Total { values } => values.len(),
        _ => row.cells.len(),
    };
    let indent = 2 * row.depth as usize;
    let label = if row.label_cols == 0 {
        indent
    } else {
        (row.label_cols as usize + indent).min(w / 3)
    };
    // Tables with a label column keep a column for the computed figure, so that their
    // heading lines up; the indicator sheet (no label column) uses the whole width.
    let computed = if row.computed.is_some() || (n > 1 && row.label_cols != 0) {
        computed_width(w)
    } else {
        0
    };
    let cells_w = w.saturating_sub(label + computed);
    let widths = if n > 1 {
        split_widths(cells_w, &row.widths)
    } else {
        vec![cells_w]
    };
    let mut x = label;
    let cells = widths
        .into_iter()
        .take(n.max(1))
        .map(|cw| {
            let slot = (x, cw);
            x += cw;
            slot
        })
        .collect();
    Columns {
        label,
        cells,
        computed,
    }
}

/// The layout of a row laid on its table's grid (`Row::spans`): the grid's columns are
/// split exactly as for the table's heading and rows (same indent, same `widths`, no
/// column of its own for the computed figure), then grouped by the spans.
fn grid_columns(row: &Row, w: usize) -> Columns {
    let indent = 2 * row.depth as usize;
    let slots = split_widths(w.saturating_sub(indent), &row.widths);
    let mut taken = slots.iter().copied();
    let mut take = |n: u8| taken.by_ref().take(n as usize).sum::<usize>();
    let label = indent + take(row.spans[0]);
    let mut x = label;
    let cells = row.spans[1..]
        .iter()
        .map(|&n| {
            let slot = (x, take(n));
            x += slot.1;
            slot
        })
        .collect();
    Columns {
        label,
        cells,
        computed: w.saturating_sub(x),
    }
}

/// One row as one terminal line of exactly `w` columns.
pub fn row_line(
    row: &Row,
    w: usize,
    theme: Theme,
    selected: Option<usize>,
    marks: &HashMap<FieldPath, Severity>,
) -> Line<'static> {
    let row_style = if selected.is_some() {
        theme.selected_row()
    } else {
        Style::default()
    };
    match &row.kind {
        RowKind::Heading { columns: titles } if titles.is_empty() => Line::from(Span::styled(
            fit(&format!("■ {}", row.label), w),
            theme.heading(),
        )),
        RowKind::Heading { columns: titles } => {
            let layout = columns(row, w);
            let mut spans = vec![Span::styled(
                fit(&format!(" {}", row.label), layout.label),
                theme.dim(),
            )];
            for (title, (_, cw)) in titles.iter().zip(layout.cells) {
                // The marker column stays blank: the title starts where the values start.
                spans.push(Span::styled(fit(&format!(" {title}"), cw), theme.dim()));
            }
            pad(&mut spans, w, Style::default());
            Line::from(spans)
        }
        RowKind::Total { values } => {
            let layout = columns(row, w);
            let mut spans = vec![Span::styled(
                fit(
                    &format!("{}{}", "  ".repeat(row.depth as usize), row.label),
                    layout.label,
                ),
                theme.title(),
            )];
            for (value, (_, cw)) in values.iter().zip(layout.cells) {
                // Where the values start, as in the rows above.
                spans.push(Span::styled(fit(&format!(" {value}"), cw), theme.title()));
            }
            if let Some((text, ok)) = &row.computed {
                let style = if *ok { theme.ok() } else { theme.bad() };
                spans.push(Span::styled(fit(text, layout.computed), style));
            }
            pad(&mut spans, w, Style::default());
            Line::from(spans)
        }
        RowKind::AddFirst { .. } => Line::from(Span::styled(
            fit(&format!("   {}", row.label), w),
            if selected.is_some() {
                theme.selected_row()
            } else {
                theme.dim()
            },
        )),
        RowKind::Cells => {
            let layout = columns(row, w);
            // A row on its table's grid labels the grid's first columns from the margin.
            let indent = if row.spans.is_empty() {
                "  ".repeat(row.depth as usize)
            } else {
                String::new()
            };
            let mut spans = vec![Span::styled(
                fit(&format!("{indent}{}", row.label), layout.label),
                row_style,
            )];
            for (c, (cell, (_, cw))) in row.cells.iter().zip(layout.cells).enumerate() {
                let worst = marks.get(&cell.path).copied();
                let mark = worst.map(|s| s.symbol()).unwrap_or(" ");
                let shown = if cell.text.is_empty() {
                    "—".to_owned()
                } else {
                    cell.text.clone()
                };
                let mut style = if selected == Some(c) {
                    theme.selected_cell()
                } else {
                    row_style
                };
                if cell.text.is_empty() && selected != Some(c) {
                    style = style.patch(theme.dim());
                }
                let mark_style = worst.map(|s| theme.severity(s)).unwrap_or(row_style);
                // The value starts one column into its slot, marked or not; the marker has
                // a column of its own right after the value's text, never before it.
                let text = truncate(&shown, cw.saturating_sub(2));
                let rest = cw.saturating_sub(1 + width(&text) + 1);
                spans.push(Span::styled(fit(" ", cw.min(1)), row_style));
                spans.push(Span::styled(text, style));
                spans.push(Span::styled(
                    fit(mark, cw.saturating_sub(1).min(1)),
                    mark_style,
                ));
                let pad_style = if selected == Some(c) {
                    style
                } else {
                    row_style
                };
                spans.push(Span::styled(" ".repeat(rest), pad_style));
            }
            if let Some((text, ok)) = &row.computed {
                let style = if *ok { theme.ok() } else { theme.bad() };
                // On a grid, the figure starts where the titles above it do.
                let lead = if row.spans.is_empty() { "" } else { " " };
                spans.push(Span::styled(
                    fit(&format!("{lead}{text}"), layout.computed),
                    style,
                ));
            }
            pad(&mut spans, w, row_style);
            Line::from(spans)
        }
    }
}

fn computed_width(w: usize) -> usize {
    (w / 4).clamp(8, 28)
}

fn pad(spans: &mut Vec<Span<'static>>, w: usize, style: Style) {
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    if used < w {
        spans.push(Span::styled(" ".repeat(w - used), style));
    }
}

fn totals_line(app: &App) -> String {
    format!(
        "总分 {} / {} · {}",
        app.totals.score, app.totals.weight, app.totals.grade
    )
}

fn counts_spans(app: &App, theme: Theme) -> Vec<Span<'static>> {
    use crate::finding::Severity::*;
    let c = app.totals.counts;
    vec![
        Span::styled(
            format!("{} {}", Error.symbol(), c.errors),
            theme.severity(Error),
        ),
        Span::raw("  "),
        Span::styled(
            format!("{} {}", Warning.symbol(), c.warnings),
            theme.severity(Warning),
        ),
        Span::raw("  "),
        Span::styled(
            format!("{} {}", Info.symbol(), c.infos),
            theme.severity(Info),
        ),
    ]
}

/// The current finding as `3/21 ✗ F02 message` (none when there are no findings).
fn current_finding(app: &App) -> Option<(String, Severity)> {
    let f = app.findings.get(app.selected_finding)?;
    Some((
        format!(
            "{}/{} {} {} {}",
            app.selected_finding + 1,
            app.findings.len(),
            f.severity.symbol(),
            f.rule,
            visible_inline(&f.message)
        ),
        f.severity,
    ))
}

/// The narrow terminal's one line in place of the side panel: the totals, the counts, and
/// the current finding by its id and message.
fn draw_summary(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let mut spans = vec![
        Span::styled(totals_line(app), theme.title()),
        Span::raw(" "),
    ];
    spans.extend(counts_spans(app, theme));
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    let room = (area.width as usize).saturating_sub(used + 3);
    match current_finding(app) {
        Some((text, severity)) => {
            spans.push(Span::styled(" │ ", theme.dim()));
            spans.push(Span::styled(
                truncate(&text, room),
                theme.severity(severity),
            ));
        }
        None => spans.push(Span::styled(" │ 没有发现问题 ✓", theme.ok())),
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The lines of one finding in the panel: `✗ F02 ` then the message, wrapped under itself
/// when `whole`, else cut to one line.
fn finding_lines(
    f: &crate::finding::Finding,
    w: usize,
    whole: bool,
    style: Style,
) -> Vec<Line<'static>> {
    let head = format!("{} {} ", f.severity.symbol(), f.rule);
    let message = visible_inline(&f.message);
    if !whole || w <= width(&head) + 8 {
        return vec![Line::from(Span::styled(
            fit(&format!("{head}{message}"), w),
            style,
        ))];
    }
    let indent = width(&head);
    wrap(&message, w - indent)
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let lead = if i == 0 {
                head.clone()
            } else {
                " ".repeat(indent)
            };
            Line::from(Span::styled(fit(&format!("{lead}{part}"), w), style))
        })
        .collect()
}

/// Draws the totals and the findings, scrolled so the current one is in view; returns the
/// first finding shown. The current finding is highlighted and shown whole; on a panel of
/// 60 columns or more every finding is.
fn draw_panel(frame: &mut Frame, app: &App, theme: Theme, area: Rect) -> usize {
    let focused = matches!(app.mode, Mode::Findings);
    let n = app.findings.len();
    let counter = if n == 0 {
        String::new()
    } else {
        format!("· 问题 {}/{n} ", app.selected_finding + 1)
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            theme.title()
        } else {
            theme.border()
        })
        .title(Span::styled(
            format!(" 总分与问题 {counter}"),
            theme.title(),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = vec![Line::from(Span::styled(
        truncate(&totals_line(app), w),
        theme.title(),
    ))];
    for g in &app.totals.groups {
        let ok = g.weights_agree();
        let stated = g
            .stated_weight
            .map(|s| s.normalize().to_string())
            .unwrap_or_else(|| "—".into());
        let text = format!(
            "{} 得分 {} · 分值 {}/{} {}",
            visible_inline(g.name.trim_end_matches("指标")),
            g.score.normalize(),
            g.weight.normalize(),
            stated,
            if ok { "✓" } else { "✗" }
        );
        lines.push(Line::from(Span::styled(
            truncate(&text, w),
            if ok { theme.label() } else { theme.bad() },
        )));
    }
    lines.push(Line::from(counts_spans(app, theme)));
    let hint_h = usize::from(focused);
    let list_h = (inner.height as usize).saturating_sub(lines.len() + hint_h);
    if app.findings.is_empty() {
        lines.push(Line::from(Span::styled("没有发现问题 ✓", theme.ok())));
    }
    let whole_all = w >= 60;
    let items: Vec<Vec<Line>> = app
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let current = i == app.selected_finding;
            let style = if current {
                theme.selected_cell()
            } else {
                theme.severity(f.severity)
            };
            finding_lines(f, w, whole_all || current, style)
        })
        .collect();
    // Scrolled (by whole findings) so that the current one is in view.
    let selected = app.selected_finding.min(n.saturating_sub(1));
    let mut first = app.finding_scroll.min(selected);
    while first < selected && items[first..=selected].iter().map(Vec::len).sum::<usize>() > list_h {
        first += 1;
    }
    let mut room = list_h;
    for item in items.into_iter().skip(first) {
        if room == 0 {
            break;
        }
        let take = item.len().min(room);
        room -= take;
        lines.extend(item.into_iter().take(take));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if focused {
        let hint = Rect {
            y: inner.y + inner.height.saturating_sub(1),
            height: inner.height.min(1),
            ..inner
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                truncate(
                    &format!(
                        "Enter 跳到该字段 · {} 全屏说明 · Esc 返回",
                        app.keymap.label(Command::Explain)
                    ),
                    w,
                ),
                theme.dim(),
            )),
            hint,
        );
    }
    first
}

fn draw_footer(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let w = area.width as usize;
    let line = match (&app.mode, &app.status) {
        (Mode::CommandLine(text), _) => Line::from(format!(":{}", visible_inline(text))),
        (Mode::Export { input }, status) => prompt_line(
            "导出到（.docx/.xlsx/.md）：",
            input,
            status.as_ref(),
            w,
            theme,
        ),
        (Mode::Search { query, found }, status) => {
            let place = match (found, status) {
                (_, Some(s)) if s.error => format!("  ✗ {}", visible_inline(&s.text)),
                (Some((k, n)), _) => format!("  第 {k}/{n} 处"),
                _ => String::new(),
            };
            let hint = "  Enter 下一处 · ↑ 上一处 · Esc 关闭";
            let room = w.saturating_sub(width("查找：") + width(&place) + width(hint));
            Line::from(vec![
                Span::styled("查找：", theme.title()),
                Span::raw(truncate(&visible_inline(query), room.max(8))),
                Span::styled(
                    place,
                    if status.as_ref().is_some_and(|s| s.error) {
                        theme.error_text()
                    } else {
                        theme.title()
                    },
                ),
                Span::styled(hint, theme.dim()),
            ])
        }
        (Mode::SaveAs { input, .. }, status) => {
            prompt_line("另存为：", input, status.as_ref(), w, theme)
        }
        // A prompt's keys, from its table (the popup shows them too).
        (Mode::Confirm(confirm), None) => Line::from(vec![
            Span::styled("请回答：", theme.title()),
            Span::styled(
                truncate(&confirm.prompt().hint(), w.saturating_sub(8)),
                theme.dim(),
            ),
        ]),
        (Mode::Findings, None) => {
            let explain = app
                .keymap
                .keys_of(Command::Explain)
                .first()
                .map(|k| k.to_string())
                .unwrap_or_default();
            Line::from(Span::styled(
                truncate(
                    &format!("问题列表  ↑↓ 选择  Enter 跳到该字段  {explain} 全屏说明  Esc 返回"),
                    w,
                ),
                theme.dim(),
            ))
        }
        // While a field is being edited, the keys of the editor, not those of the form.
        (Mode::Editing(editor), _) => {
            let mut keys = vec![("Enter", "确定")];
            if editor.multiline {
                keys.push(("Alt-Enter 或 Ctrl-J", "换行"));
            }
            keys.push(("Esc", "取消"));
            keys.push(("Ctrl-S", "确定并保存"));
            let mut spans = vec![Span::styled("编辑中  ", theme.title())];
            key_bar(&mut spans, keys, w, theme);
            Line::from(spans)
        }
        (_, Some(status)) => Line::from(Span::styled(
            truncate(&visible_inline(&status.text), w),
            if status.error {
                theme.error_text()
            } else {
                theme.title()
            },
        )),
        _ => {
            let editing = [
                (Command::Edit, "编辑"),
                (Command::AddRow, "新增行"),
                (Command::DeleteRow, "删除行"),
                (Command::Undo, "撤销"),
                (Command::Save, "保存"),
                (Command::NextFinding, "下一个问题"),
                (Command::Help, "帮助"),
                (Command::Quit, "退出"),
            ];
            let reviewing = [
                (Command::Edit, "全文"),
                (Command::NextFinding, "下一个问题"),
                (Command::Findings, "问题列表"),
                (Command::Export, "导出"),
                (Command::Help, "帮助"),
                (Command::Quit, "退出"),
            ];
            // Beside a guide's keys, the few a learner needs most (the rest are in the help).
            let guided = [
                (Command::Edit, "编辑"),
                (Command::Undo, "撤销"),
                (Command::Save, "保存"),
                (Command::Help, "帮助"),
                (Command::Quit, "退出"),
            ];
            let reviewing_guided = [
                (Command::Edit, "全文"),
                (Command::NextFinding, "下一个问题"),
                (Command::Help, "帮助"),
                (Command::Quit, "退出"),
            ];
            let keys: &[(Command, &str)] = match (app.read_only, app.guide().is_some()) {
                (true, true) => &reviewing_guided,
                (true, false) => &reviewing,
                (false, true) => &guided,
                (false, false) => &editing,
            };
            let mut spans = Vec::new();
            // Below the minimum the layout cuts things: say so, rather than look complete.
            let screen = frame.area();
            if screen.width < 80 || screen.height < 24 {
                spans.push(Span::styled("窗口小于 80×24，内容显示不全  ", theme.bad()));
            }
            if app.read_only {
                spans.push(Span::styled("只读  ", theme.bad()));
            }
            // The guide's keys first: a trainee looks for them.
            let mut bar: Vec<(String, &str)> = app
                .guide()
                .map(|g| g.keys())
                .unwrap_or_default()
                .into_iter()
                .map(|(key, name)| (key.to_string(), name))
                .collect();
            bar.extend(keys.iter().map(|&(command, name)| {
                let key = app
                    .keymap
                    .keys_of(command)
                    .first()
                    .map(|k| k.to_string())
                    .unwrap_or_default();
                (key, name)
            }));
            key_bar(&mut spans, bar, w, theme);
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Appends `key name` pairs to a footer line after what `spans` already holds, as many as
/// fit in `w` columns (the key bright, its name dim).
pub(crate) fn key_bar<K: std::fmt::Display, N: std::fmt::Display>(
    spans: &mut Vec<Span<'static>>,
    keys: impl IntoIterator<Item = (K, N)>,
    w: usize,
    theme: Theme,
) {
    let mut used: usize = spans.iter().map(|s| width(&s.content)).sum();
    for (key, name) in keys {
        let piece = format!("{key} {name}  ");
        if used + width(&piece) > w {
            break;
        }
        used += width(&piece);
        spans.push(Span::styled(format!("{key} "), theme.title()));
        spans.push(Span::styled(format!("{name}  "), theme.dim()));
    }
}

/// A footer line of nothing but `key name` pairs (the review's, the lesson list's, the class
/// grid's).
pub(crate) fn key_bar_line(keys: &[(&str, &str)], w: usize, theme: Theme) -> Line<'static> {
    let mut spans = Vec::new();
    key_bar(&mut spans, keys.iter().copied(), w, theme);
    Line::from(spans)
}

/// A one-line prompt: its label, the input (its end kept visible on a narrow terminal), and
/// the last message, so that a refusal is seen while the prompt stays open.
fn prompt_line(
    label: &str,
    input: &str,
    status: Option<&super::app::Status>,
    w: usize,
    theme: Theme,
) -> Line<'static> {
    let message = status
        .map(|s| format!("  ✗ {}", visible_inline(&s.text)))
        .unwrap_or_default();
    let room = w.saturating_sub(width(label) + width(&message) + 1).max(8);
    let shown = super::text::truncate_start(&visible_inline(input), room);
    Line::from(vec![
        Span::styled(label.to_owned(), theme.title()),
        Span::raw(shown),
        Span::styled(message, theme.error_text()),
    ])
}

/// A rectangle of at most `w`×`h` centred in `area`, clamped so a small terminal cannot panic.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// A box `width` columns wide with `title` on its top border (shown, cut to the border).
pub(crate) fn titled_block(title: &str, width: u16, theme: Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.title())
        .title(Span::styled(
            truncate(
                &format!(" {} ", visible_inline(title)),
                width.saturating_sub(2) as usize,
            ),
            theme.title(),
        ))
}

/// Clears a popup's area including the column left of it, so no half of a wide character
/// is left behind at its edge.
fn clear_popup(frame: &mut Frame, popup: Rect) {
    let wider = Rect {
        x: popup.x.saturating_sub(1),
        width: popup.width + u16::from(popup.x > 0),
        ..popup
    };
    frame.render_widget(Clear, wider.intersection(frame.area()));
}

fn draw_editor(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let Mode::Editing(editor) = &app.mode else {
        return;
    };
    let height = if editor.multiline {
        area.height.saturating_sub(4).min(16)
    } else {
        5
    };
    let popup = centered(area, area.width.saturating_sub(4).min(76), height);
    clear_popup(frame, popup);
    let hint = if editor.multiline {
        " Enter 确定 · Alt-Enter 或 Ctrl-J 换行 · Esc 取消 "
    } else {
        " Enter 确定 · Esc 取消 "
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.title())
        .title(Span::styled(
            format!(" {} · {} ", editor.label, editor.path),
            theme.title(),
        ))
        .title_bottom(Span::styled(hint, theme.dim()));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [text_area, message] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(&editor.area, text_area);
    if let Some(error) = &editor.error {
        frame.render_widget(
            Paragraph::new(Span::styled(
                truncate(
                    &format!("✗ {}", visible_inline(error)),
                    message.width as usize,
                ),
                theme.error_text(),
            )),
            message,
        );
    }
}

fn draw_confirm(frame: &mut Frame, confirm: &Confirm, theme: Theme, area: Rect) {
    let prompt = confirm.prompt();
    // The prompt's text; its last line, the keys, comes from the prompt's table.
    let mut body: Vec<String> = match confirm {
        Confirm::Quit | Confirm::Conflict { .. } => vec![],
        Confirm::DiscardEdit(_) | Confirm::DeleteGroup { .. } | Confirm::Fix { .. } => {
            confirm.lines()
        }
        Confirm::Locked { holder } => vec![
            format!("另一个 jixiao（{}）正在编辑。", visible_inline(holder)),
            "两处同时编辑会互相覆盖。".into(),
        ],
        Confirm::OwnerChange { why, .. } => vec![
            visible_inline(why).into_owned(),
            "别人可能因此无法再读写这个文件。".into(),
        ],
        Confirm::Recover {
            lines,
            disk_changed,
        } => {
            let mut body = vec!["上次编辑未保存就中断了，恢复文件中的修改：".to_owned()];
            if *disk_changed {
                body = vec![
                    "上次编辑未保存就中断了；此后磁盘上的文件又被改过".to_owned(),
                    "（有人保存过，或运行了 jixiao set）。".to_owned(),
                    "- 为磁盘上现在的内容，+ 为恢复文件中的内容：".to_owned(),
                ];
            }
            body.extend(lines.iter().cloned());
            if *disk_changed {
                body.push("恢复后保存时会先询问，覆盖前磁盘版本另存为 .theirs。".into());
            }
            body
        }
    };
    body.push(prompt.hint());
    let title = prompt.title;
    let w = body.iter().map(|l| width(l)).max().unwrap_or(20) as u16 + 4;
    let popup = centered(area, w.max(34), body.len() as u16 + 2);
    clear_popup(frame, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.bad())
        .title(Span::styled(format!(" {title} "), theme.title()));
    let lines: Vec<Line> = body
        .iter()
        .map(|l| Line::from(truncate(l, popup.width.saturating_sub(2) as usize)))
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// Draws the help; returns how far it can scroll with its last line still on screen.
fn draw_help(frame: &mut Frame, app: &App, theme: Theme, area: Rect, scroll: u16) -> u16 {
    let popup = centered(
        area,
        area.width.saturating_sub(4).min(72),
        area.height.saturating_sub(2),
    );
    clear_popup(frame, popup);
    // In `view`, only what works there: no editing keys, and Enter reads a cell whole.
    let editing: Vec<&str> = COMMANDS
        .iter()
        .filter(|(c, ..)| c.edits() && *c != Command::Edit)
        .map(|(.., d)| *d)
        .collect();
    let mut lines: Vec<Line> = app
        .keymap
        .help_lines()
        .into_iter()
        .filter(|(_, d)| !(app.read_only && editing.contains(d)))
        .map(|(keys, description)| {
            let description = match description {
                d if app.read_only && d == Command::Edit.description() => {
                    "查看当前格的全文（只读，可滚动）"
                }
                // Only :q works in view (:w says 只读).
                d if app.read_only && d == Command::CommandLine.description() => {
                    "命令行（:q 退出）"
                }
                d => d,
            };
            Line::from(vec![
                Span::styled(fit(&keys, 18), theme.title()),
                Span::raw(description),
            ])
        })
        .collect();
    if let Some(guide) = app.guide() {
        for (key, name) in guide.keys() {
            lines.push(Line::from(vec![
                Span::styled(fit(&key.to_string(), 18), theme.title()),
                Span::raw(name),
            ]));
        }
    }
    lines.push(Line::from(""));
    // Short lines: the box is at most 72 columns wide, and narrower on a small terminal.
    let notes: &[&str] = if app.read_only {
        &[
            "只读模式：不能修改或保存（用 jixiao edit 打开以编辑）。",
            "按键可在 ~/.config/jixiao/keys.toml 中修改。",
            "任意键关闭帮助。",
        ]
    } else {
        &[
            "编辑框内：Enter 确定；多行文字用 Alt-Enter 或 Ctrl-J 换行；",
            "Esc 只取消当前编辑；可直接粘贴。",
            "按键可在 ~/.config/jixiao/keys.toml 中修改。",
            "任意键关闭帮助。",
        ]
    };
    for note in notes {
        lines.push(Line::from(Span::styled(*note, theme.dim())));
    }
    help_box(
        frame,
        popup,
        lines,
        " 帮助 · 按键（↑↓ 滚动，其他键关闭） ",
        scroll,
        theme,
    )
}

/// A help page in a bordered box: `lines` scrolled by `scroll` (kept so that the last line
/// stays in view). Returns how far it can scroll. The workbench's and the review's help.
pub(crate) fn help_box(
    frame: &mut Frame,
    popup: Rect,
    lines: Vec<Line<'static>>,
    title: &str,
    scroll: u16,
    theme: Theme,
) -> u16 {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.title())
        .title(Span::styled(title.to_owned(), theme.title()));
    let bottom = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_sub(popup.height.saturating_sub(2));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll.min(bottom), 0)),
        popup,
    );
    bottom
}
