//! Drawing the review screen: the title with the district's counts, the table of reports
//! (or the rules pane), the key bar, and the help. Column widths are display widths (a
//! Chinese character is two columns); on a narrow terminal the scheme column goes first,
//! the unit column shrinks, and the finding column takes what is left, cut with `…`.

use super::review::{BAR, KEYS, Pane, ReviewApp, ReviewDrawn, ReviewMode};
use super::text::{fit, truncate, width};
use super::theme::Theme;
use super::view::centered;
use crate::finding::Severity;
use crate::review::Row;
use crate::review::summary::year_text;
use crate::sanitize::visible_inline;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

/// The widths of the table's columns (0: not shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Widths {
    pub unit: usize,
    pub year: usize,
    pub scheme: usize,
    pub score: usize,
    pub grade: usize,
    pub count: usize,
    pub finding: usize,
}

const GAP: usize = 1;
const UNIT_WANT: usize = 24;
const UNIT_MIN: usize = 12;
const UNIT_MOST: usize = 40;
const SCHEME_WANT: usize = 18;
const FINDING_MIN: usize = 24;

/// Lays the columns out in `w` columns for these rows.
pub fn widths(w: usize, rows: &[&Row]) -> Widths {
    let widest = |f: &dyn Fn(&Row) -> usize, least: usize| {
        rows.iter().map(|r| f(r)).max().unwrap_or(0).max(least)
    };
    let year = 4;
    let score = widest(&|r| width(&r.score_text()), width("自评分"));
    let grade = widest(&|r| width(&r.grade), width("等级"));
    let count = widest(
        &|r| {
            [r.counts.errors, r.counts.warnings, r.counts.infos]
                .iter()
                .map(|n| n.to_string().len())
                .max()
                .unwrap_or(1)
        },
        2,
    );
    let unit_want = widest(&|r| width(r.label()), 4).min(UNIT_WANT);
    let scheme_want =
        widest(&|r| r.scheme.as_deref().map_or(0, width), width("方案")).min(SCHEME_WANT);
    // The counts are numbers under their symbols (the heading says ✗ ▲ ·).
    let fixed = year + score + grade + 3 * count + 7 * GAP;
    let rest = w.saturating_sub(fixed);
    let (unit, scheme) = if rest >= unit_want + scheme_want + 2 * GAP + FINDING_MIN + 16 {
        // A wide terminal gives long unit names their whole width (up to UNIT_MOST) while
        // the finding keeps at least half of what is left.
        let longest = widest(&|r| width(r.label()), 4).min(UNIT_MOST);
        let spare = rest.saturating_sub(unit_want + scheme_want + 2 * GAP + FINDING_MIN) / 2;
        (unit_want.max(longest.min(unit_want + spare)), scheme_want)
    } else {
        let unit = unit_want.min(rest.saturating_sub(FINDING_MIN + GAP).max(UNIT_MIN));
        (unit, 0)
    };
    let used = fixed + unit + if scheme > 0 { scheme + GAP } else { 0 };
    Widths {
        unit,
        year,
        scheme,
        score,
        grade,
        count,
        finding: w.saturating_sub(used),
    }
}

pub fn draw(frame: &mut Frame, app: &ReviewApp, theme: Theme) -> ReviewDrawn {
    let area = frame.area();
    let [title, counts, tabs, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(2),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_title(frame, app, theme, title);
    let line = truncate(&app.district.line(), counts.width as usize);
    frame.render_widget(Paragraph::new(Line::from(line)), counts);
    draw_tabs(frame, app, theme, tabs);
    let mut drawn = ReviewDrawn {
        page: 1,
        scroll: app.scroll,
        rule_scroll: app.rule_scroll,
        help_bottom: None,
    };
    match app.pane {
        Pane::Reports => (drawn.page, drawn.scroll) = draw_table(frame, app, theme, body),
        Pane::Rules => drawn.rule_scroll = draw_rules(frame, app, theme, body),
    }
    draw_footer(frame, app, theme, footer);
    if let ReviewMode::Help { scroll } = app.mode {
        drawn.help_bottom = Some(draw_help(frame, theme, area, scroll));
    }
    drawn
}

fn draw_title(frame: &mut Frame, app: &ReviewApp, theme: Theme, area: Rect) {
    let mut text = format!(" 复核 · {}", app.folder);
    if app.complete {
        text.push_str(" · [齐全检查]");
    }
    if let Some(row) = app.current() {
        text.push_str(&format!(" · {}", row.name));
    }
    if app.checking() {
        if app.pending > 0 {
            text.push_str(&format!(" · 检查中 {}/{}", app.done, app.pending));
        } else {
            text.push_str(" · 正在扫描文件夹…");
        }
    }
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            truncate(&text, area.width as usize),
            theme.title(),
        ))),
        area,
    );
}

fn draw_tabs(frame: &mut Frame, app: &ReviewApp, theme: Theme, area: Rect) {
    let tab = |name: String, on: bool| {
        Span::styled(
            name,
            if on {
                theme.tab_active()
            } else {
                theme.label()
            },
        )
    };
    let mut spans = vec![
        tab(
            format!(" 报告 {} ", app.shown.len()),
            app.pane == Pane::Reports,
        ),
        Span::styled("│", theme.dim()),
        tab(
            format!(" 规则 {} ", app.stats.len()),
            app.pane == Pane::Rules,
        ),
        Span::styled("│", theme.dim()),
        Span::styled(format!(" 排序：{}", app.sort_label()), theme.dim()),
    ];
    let filters = app.filter_label();
    if !filters.is_empty() {
        spans.push(Span::styled(" · 筛选：", theme.dim()));
        spans.push(Span::styled(filters, theme.heading()));
    }
    let line = fit_spans(spans, area.width as usize);
    frame.render_widget(Paragraph::new(line), area);
}

/// Spans cut to `w` columns (the last one shortened with `…`).
fn fit_spans(spans: Vec<Span<'static>>, w: usize) -> Line<'static> {
    let mut used = 0;
    let mut out = Vec::new();
    for span in spans {
        let sw = width(&span.content);
        if used + sw <= w {
            used += sw;
            out.push(span);
        } else {
            let cut = truncate(&span.content, w - used);
            out.push(Span::styled(cut, span.style));
            break;
        }
    }
    Line::from(out)
}

/// Draws the table so the cursor is in view; returns the rows on a page and the first shown.
fn draw_table(frame: &mut Frame, app: &ReviewApp, theme: Theme, area: Rect) -> (usize, usize) {
    let w = area.width as usize;
    let rows: Vec<&Row> = app.shown.iter().map(|&i| &app.review.rows[i]).collect();
    // Laid out for every row, not only those shown: a filter does not move the columns.
    let all: Vec<&Row> = app.review.rows.iter().collect();
    let cols = widths(w, &all);
    let page = (area.height as usize).saturating_sub(1).max(1);
    let mut scroll = app.scroll.min(app.selected);
    if app.selected >= scroll + page {
        scroll = app.selected + 1 - page;
    }
    scroll = scroll.min(rows.len().saturating_sub(page));
    let mut lines = vec![heading(cols, theme)];
    for (i, row) in rows.iter().enumerate().skip(scroll).take(page) {
        lines.push(row_line(row, cols, theme, i == app.selected));
    }
    if rows.is_empty() {
        let text = if app.review.rows.is_empty() {
            if app.checking() {
                "正在检查……"
            } else {
                "这个文件夹里没有 .toml 报告（放进来的文件几秒内会出现）"
            }
        } else {
            "没有符合筛选的报告（Esc 清除筛选）"
        };
        lines.push(Line::from(Span::styled(text, theme.dim())));
    }
    frame.render_widget(Paragraph::new(lines), area);
    (page, scroll)
}

fn gap() -> Span<'static> {
    Span::raw(" ".repeat(GAP))
}

fn heading(c: Widths, theme: Theme) -> Line<'static> {
    let h = theme.heading();
    let score = if c.score >= width("自评分/权重") {
        "自评分/权重"
    } else {
        "自评分"
    };
    let mut spans = vec![Span::styled(fit("单位", c.unit), h), gap()];
    spans.push(Span::styled(fit("年度", c.year), h));
    spans.push(gap());
    if c.scheme > 0 {
        spans.push(Span::styled(fit("方案", c.scheme), h));
        spans.push(gap());
    }
    spans.push(Span::styled(right(score, c.score), h));
    spans.push(gap());
    spans.push(Span::styled(fit("等级", c.grade), h));
    for symbol in ["✗", "▲", "·"] {
        spans.push(gap());
        spans.push(Span::styled(right(symbol, c.count), h));
    }
    spans.push(gap());
    spans.push(Span::styled(fit("最严重的问题", c.finding), h));
    Line::from(spans)
}

fn right(text: &str, w: usize) -> String {
    let text = truncate(text, w);
    format!("{}{text}", " ".repeat(w.saturating_sub(width(&text))))
}

fn row_line(row: &Row, c: Widths, theme: Theme, selected: bool) -> Line<'static> {
    let base = if selected {
        theme.selected_row()
    } else {
        Style::default()
    };
    // On the selected row the highlight carries the meaning; symbols stay.
    let tone = |style: Style| if selected { base } else { style };
    let unit_style = if row.unit.is_some() {
        base
    } else {
        tone(theme.dim())
    };
    let unit = crate::review::summary::cut_middle(row.label(), c.unit);
    let mut spans = vec![Span::styled(fit(&unit, c.unit), unit_style)];
    spans.push(Span::styled(" ".repeat(GAP), base));
    spans.push(Span::styled(fit(&year_text(row), c.year), base));
    spans.push(Span::styled(" ".repeat(GAP), base));
    if c.scheme > 0 {
        spans.push(Span::styled(
            fit(row.scheme.as_deref().unwrap_or(""), c.scheme),
            base,
        ));
        spans.push(Span::styled(" ".repeat(GAP), base));
    }
    spans.push(Span::styled(right(&row.score_text(), c.score), base));
    spans.push(Span::styled(" ".repeat(GAP), base));
    let grade_style = if row.loaded { base } else { tone(theme.bad()) };
    spans.push(Span::styled(fit(&row.grade, c.grade), grade_style));
    for (severity, n) in [
        (Severity::Error, row.counts.errors),
        (Severity::Warning, row.counts.warnings),
        (Severity::Info, row.counts.infos),
    ] {
        spans.push(Span::styled(" ".repeat(GAP), base));
        let style = if n > 0 {
            tone(theme.severity(severity))
        } else {
            tone(theme.dim())
        };
        spans.push(Span::styled(right(&n.to_string(), c.count), style));
    }
    spans.push(Span::styled(" ".repeat(GAP), base));
    match row.worst() {
        Some(p) if c.finding > 2 => {
            spans.push(Span::styled(
                format!("{} ", p.severity.symbol()),
                tone(theme.severity(p.severity)),
            ));
            spans.push(Span::styled(
                fit(&format!("{} {}", p.rule, p.message), c.finding - 2),
                base,
            ));
        }
        // No finding, but last year's report could not be compared: say so.
        None if row.not_compared.is_some() => spans.push(Span::styled(
            fit(row.not_compared.as_deref().unwrap_or(""), c.finding),
            tone(theme.dim()),
        )),
        _ => spans.push(Span::styled(" ".repeat(c.finding), base)),
    }
    Line::from(spans)
}

/// Draws the rules pane; returns the first rule shown.
fn draw_rules(frame: &mut Frame, app: &ReviewApp, theme: Theme, area: Rect) -> usize {
    let w = area.width as usize;
    let page = (area.height as usize).saturating_sub(1).max(1);
    let mut scroll = app.rule_scroll.min(app.rule_selected);
    if app.rule_selected >= scroll + page {
        scroll = app.rule_selected + 1 - page;
    }
    let mut lines = vec![Line::from(Span::styled(
        truncate(
            "触发的规则（错误在前）：每条规则出现在多少份报告里 · Enter 列出这些报告",
            w,
        ),
        theme.heading(),
    ))];
    let id_w = app
        .stats
        .iter()
        .map(|s| width(&s.line()))
        .max()
        .unwrap_or(0);
    for (i, stat) in app.stats.iter().enumerate().skip(scroll).take(page) {
        let selected = i == app.rule_selected;
        let base = if selected {
            theme.selected_row()
        } else {
            Style::default()
        };
        let symbol_style = if selected {
            base
        } else {
            theme.severity(stat.severity)
        };
        let head = format!("{} ", stat.severity.symbol());
        let line = fit(&stat.line(), id_w);
        let tail = format!("  共 {} 处  {}", stat.findings, stat.title());
        let room = w.saturating_sub(width(&head) + id_w);
        lines.push(Line::from(vec![
            Span::styled(head, symbol_style),
            Span::styled(line, base),
            Span::styled(fit(&tail, room), base),
        ]));
    }
    if app.stats.is_empty() {
        lines.push(Line::from(Span::styled("没有规则触发", theme.dim())));
    }
    frame.render_widget(Paragraph::new(lines), area);
    scroll
}

fn draw_footer(frame: &mut Frame, app: &ReviewApp, theme: Theme, area: Rect) {
    let w = area.width as usize;
    let prompt = |label: &str, input: &str, hint: &str| {
        let message = app
            .status
            .as_ref()
            .filter(|s| s.error)
            .map(|s| format!("  ✗ {}", visible_inline(&s.text)))
            .unwrap_or_default();
        let room = w
            .saturating_sub(width(label) + width(&message) + width(hint) + 1)
            .max(8);
        let shown = super::text::truncate_start(&visible_inline(input), room);
        fit_spans(
            vec![
                Span::styled(label.to_owned(), theme.title()),
                Span::raw(shown),
                Span::styled(message, theme.error_text()),
                Span::styled(hint.to_owned(), theme.dim()),
            ],
            w,
        )
    };
    let line = match (&app.mode, &app.status) {
        (ReviewMode::Filter { input, .. }, _) => {
            prompt("筛选单位：", input, "  Enter 确定 · Esc 取消")
        }
        (ReviewMode::Export { input }, _) => prompt(
            "导出到（.xlsx/.csv/.json）：",
            input,
            "  Enter 导出 · Esc 取消",
        ),
        (_, Some(status)) => Line::from(Span::styled(
            truncate(&visible_inline(&status.text), w),
            if status.error {
                theme.error_text()
            } else {
                theme.title()
            },
        )),
        // The row under the cursor was not compared with last year's report: the sentence
        // why, in place of the key bar (`?` still lists the keys).
        (ReviewMode::Normal, None)
            if app.pane == Pane::Reports
                && let Some(note) = app.current().and_then(|r| r.not_compared_reason.as_ref()) =>
        {
            Line::from(Span::styled(truncate(note, w), theme.title()))
        }
        _ => super::view::key_bar_line(BAR, w, theme),
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Draws the help; returns how far it can scroll with its last line still on screen.
fn draw_help(frame: &mut Frame, theme: Theme, area: Rect, scroll: u16) -> u16 {
    let popup = centered(
        area,
        area.width.saturating_sub(4).min(76),
        area.height.saturating_sub(2),
    );
    let wider = Rect {
        x: popup.x.saturating_sub(1),
        width: popup.width + u16::from(popup.x > 0),
        ..popup
    };
    frame.render_widget(Clear, wider.intersection(area));
    let inner = popup.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    for (keys, what) in KEYS {
        let keys_w = 20.min(inner / 3);
        let mut first = true;
        for part in super::text::wrap(what, inner.saturating_sub(keys_w).max(8)) {
            let k = if first { *keys } else { "" };
            first = false;
            lines.push(Line::from(vec![
                Span::styled(fit(k, keys_w), theme.title()),
                Span::raw(part),
            ]));
        }
    }
    lines.push(Line::from(""));
    for note in [
        "报告在只读的工作台中打开：n/N 逐个查看问题，q 返回复核列表。",
        "文件夹每 2 秒检查一次：新增、修改、删除的报告自动更新。",
        "隐藏文件、.bak、.theirs 和符号链接（指向文件夹或文件的）不列出。",
        "任意键关闭帮助。",
    ] {
        for part in super::text::wrap(note, inner.max(8)) {
            lines.push(Line::from(Span::styled(part, theme.dim())));
        }
    }
    super::view::help_box(
        frame,
        popup,
        lines,
        " 帮助 · 复核（↑↓ 滚动，其他键关闭） ",
        scroll,
        theme,
    )
}
