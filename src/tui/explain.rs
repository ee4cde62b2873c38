//! Pages to read, drawn over the whole screen: a rule's explanation (保护什么 / 公式 / 怎样改
//! / an example) large enough to project to a room, and a cell's whole text in `view`.

use crate::rules::catalog::RuleInfo;
use crate::sanitize::visible_inline;
use crate::tui::text::wrap;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

/// A page: its title, its sections (a heading, may be empty, and its text), and the keys at
/// its foot.
pub struct Page {
    pub title: String,
    pub sections: Vec<(&'static str, String)>,
    pub hint: &'static str,
}

/// How the workbench prefixes this report's own finding when it passes one as the example
/// (the bundled example's finding has another prefix, and gives way to the catalogue's).
const OWN_FINDING: &str = "本报告：";

/// This report's own finding as the example of its rule's page.
pub fn own_example(finding: &crate::finding::Finding) -> String {
    format!("{OWN_FINDING}{}（{}）", finding.message, finding.path)
}

/// The explanation of `rule`. 【例】 shows this report's own finding of the rule when
/// `finding` is one (it starts with 本报告：): the case in front of the reader, and short
/// enough that the page still fits a projected 80×24. Otherwise it shows the catalogue's
/// written example, so every rule has one, whether or not the bundled example report
/// triggers it (its finding, which the workbench may pass instead, gives way to it).
/// Every field the catalogue holds for the rule is shown.
pub fn rule_page(rule: &RuleInfo, finding: Option<&str>) -> Page {
    let example = finding
        .filter(|f| f.starts_with(OWN_FINDING))
        .unwrap_or(rule.example)
        .to_owned();
    Page {
        title: format!("{} {}（{}）", rule.id, rule.title, rule.severity.label_zh()),
        sections: vec![
            ("保护什么", rule.protects.to_owned()),
            ("公式", rule.formula.to_owned()),
            ("怎样改", rule.fix.to_owned()),
            ("例", example),
        ],
        hint: "↑↓ PageUp/PageDown 滚动 · Esc 返回",
    }
}

/// A page of text: a cell's whole text in `view` (its title says 只读), a lesson's text.
pub fn text_page(title: &str, text: &str) -> Page {
    Page {
        title: title.to_owned(),
        sections: vec![("", text.to_owned())],
        hint: "↑↓ PageUp/PageDown 滚动 · Esc 关闭",
    }
}

/// The page's lines at `columns` wide: each heading, then its text wrapped and indented by
/// four columns, a blank line between sections.
pub fn lines(page: &Page, columns: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (i, (heading, text)) in page.sections.iter().enumerate() {
        if i > 0 {
            out.push(Line::from(""));
        }
        let indent = if heading.is_empty() {
            0
        } else {
            out.push(Line::from(Span::styled(
                format!("【{heading}】"),
                theme.heading(),
            )));
            4
        };
        for paragraph in text.split('\n') {
            for part in wrap(&visible_inline(paragraph), columns.saturating_sub(indent)) {
                out.push(Line::from(format!("{}{part}", " ".repeat(indent))));
            }
        }
    }
    out
}

/// Draws `page` over `area` scrolled by `scroll`; returns how far it can scroll with its
/// last line still on screen.
pub fn draw(frame: &mut Frame, area: Rect, theme: Theme, page: &Page, scroll: u16) -> u16 {
    frame.render_widget(Clear, area);
    let block = super::titled_block(&page.title, area.width, theme)
        .title_bottom(Span::styled(format!(" {} ", page.hint), theme.dim()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // A margin of two columns each side (one on a narrow screen) and a blank line on top.
    let margin = if inner.width >= 60 { 2 } else { 1 };
    let text = Rect {
        x: inner.x + margin.min(inner.width),
        y: inner.y + 1.min(inner.height),
        width: inner.width.saturating_sub(2 * margin),
        height: inner.height.saturating_sub(1),
    };
    let lines = lines(page, text.width as usize, theme);
    let bottom = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_sub(text.height);
    frame.render_widget(Paragraph::new(lines).scroll((scroll.min(bottom), 0)), text);
    bottom
}

/// A page shown on its own, with nothing behind it: `jixiao explain ID --screen` at the front
/// of a room. The keys scroll it; q or Esc closes it.
pub struct PageScreen {
    pub page: Page,
    pub scroll: u16,
    /// How far the page can scroll with its last line still on screen (from the last frame).
    pub bottom: u16,
    /// Lines a page key moves (from the last frame).
    pub step: u16,
    pub closed: bool,
}

impl PageScreen {
    /// The explanation of `rule` as the workbench shows it on `i`, with the worked example
    /// from the catalogue (taken from the seed report).
    pub fn rule(rule: &RuleInfo) -> PageScreen {
        let mut page = rule_page(rule, None);
        page.hint = "↑↓ PageUp/PageDown 滚动 · q 或 Esc 退出";
        PageScreen {
            page,
            scroll: 0,
            bottom: u16::MAX,
            step: 10,
            closed: false,
        }
    }

    pub fn key(&mut self, key: crossterm::event::KeyEvent) {
        use crossterm::event::{KeyCode, KeyEventKind};
        if key.kind == KeyEventKind::Release {
            return;
        }
        let to = match key.code {
            KeyCode::Esc | KeyCode::Char('q') => {
                self.closed = true;
                return;
            }
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Enter => self.scroll.saturating_add(1),
            KeyCode::Up | KeyCode::Char('k') => self.scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll.saturating_add(self.step),
            KeyCode::PageUp => self.scroll.saturating_sub(self.step),
            KeyCode::Home | KeyCode::Char('g') => 0,
            KeyCode::End | KeyCode::Char('G') => self.bottom,
            _ => self.scroll,
        };
        self.scroll = to.min(self.bottom);
    }

    /// Draws the page over the whole frame and keeps what the frame found out.
    pub fn draw(&mut self, frame: &mut Frame, theme: Theme) {
        let area = frame.area();
        self.bottom = draw(frame, area, theme, &self.page, self.scroll);
        self.scroll = self.scroll.min(self.bottom);
        self.step = area.height.saturating_sub(4).max(1);
    }
}
