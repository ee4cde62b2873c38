//! Snapshots of the workbench drawn into ratatui's TestBackend, at 80×24, 120×40 and 200×60.

mod common;

use common::*;
use crossterm::event::KeyCode;
use jixiao::tui::app::App;
use jixiao::tui::theme::Theme;
use jixiao::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

fn draw(app: &mut App, w: u16, h: u16, theme: Theme) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut drawn = None;
    terminal
        .draw(|f| drawn = Some(view::draw(f, app, theme)))
        .unwrap();
    app.apply_layout(drawn.expect("a frame was drawn"));
    terminal
}

const COLOR: Theme = Theme::COLOR;
const MONO: Theme = Theme::MONO;
const BASIC: Theme = Theme::BASIC;

#[test]
fn every_tab_at_80x24_120x40_and_200x60() {
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        for tab in 1..=4 {
            let mut app = open(SEED, false);
            keys(&mut app, &tab.to_string());
            let terminal = draw(&mut app, w, h, COLOR);
            insta::assert_snapshot!(format!("tab{tab}_{w}x{h}"), terminal.backend());
        }
    }
}

#[test]
fn the_first_screen_shows_the_tabs_the_total_and_the_findings() {
    let mut app = open(SEED, false);
    let terminal = draw(&mut app, 120, 40, COLOR);
    let screen = terminal.backend().to_string();
    for tab in ["1 基本情况", "2 预算执行", "3 项目资金", "4 指标评分"] {
        assert!(screen.contains(tab), "{tab}");
    }
    assert!(screen.contains("总分 94 / 97 · 优"));
    assert!(screen.contains("F02"));
    let mut app = open(SEED, false);
    let screen = draw(&mut app, 80, 24, COLOR).backend().to_string();
    assert!(screen.contains("总分 94 / 97 · 优"));
    assert!(screen.contains("✗ 5"));
}

#[test]
fn monochrome_uses_no_colour_and_keeps_the_symbols() {
    let mut app = open(SEED, false);
    keys(&mut app, "3");
    let terminal = draw(&mut app, 120, 40, MONO);
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert!(
            matches!(cell.fg, Color::Reset),
            "a coloured cell in monochrome: {cell:?}"
        );
        assert!(
            matches!(cell.bg, Color::Reset),
            "a coloured cell in monochrome: {cell:?}"
        );
    }
    insta::assert_snapshot!("mono_tab3_120x40", terminal.backend());
    for (tab, w, h) in [("4", 80, 24), ("2", 200, 60)] {
        let mut app = open(SEED, false);
        keys(&mut app, tab);
        let terminal = draw(&mut app, w, h, MONO);
        assert!(
            terminal
                .backend()
                .buffer()
                .content()
                .iter()
                .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
        );
        insta::assert_snapshot!(format!("mono_tab{tab}_{w}x{h}"), terminal.backend());
    }
}

#[test]
fn the_explanation_and_the_full_text_at_three_sizes() {
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let mut app = open(SEED, false);
        assert!(app.explain("C03"));
        insta::assert_snapshot!(
            format!("explain_c03_{w}x{h}"),
            draw(&mut app, w, h, COLOR).backend()
        );
        let mut app = open(SEED, false);
        keys(&mut app, "fi");
        insta::assert_snapshot!(
            format!("explain_current_{w}x{h}"),
            draw(&mut app, w, h, COLOR).backend()
        );
        let mut app = open(SEED, true);
        goto(&mut app, "performance.special_funds[0].description");
        press(&mut app, KeyCode::Enter);
        insta::assert_snapshot!(
            format!("view_full_text_{w}x{h}"),
            draw(&mut app, w, h, COLOR).backend()
        );
    }
    let mut app = open(SEED, false);
    assert!(app.explain("C03"));
    insta::assert_snapshot!(
        "mono_explain_c03_80x24",
        draw(&mut app, 80, 24, MONO).backend()
    );
    let mut app = open(SEED, true);
    keys(&mut app, "?");
    insta::assert_snapshot!("view_help_80x24", draw(&mut app, 80, 24, COLOR).backend());
}

#[test]
fn a_cjk_row_under_a_popup_is_not_cut_in_half() {
    let mut app = open(SEED, false);
    goto(&mut app, "basic.organization");
    press(&mut app, KeyCode::Enter);
    let terminal = draw(&mut app, 80, 24, COLOR);
    // The footer names the editor's keys while it is open, not the form's.
    let footer: String = line_symbols(&terminal, 23)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert!(footer.starts_with("编辑中"), "{footer}");
    assert!(!footer.contains("新增行"), "{footer}");
    insta::assert_snapshot!("editor_popup_80x24", terminal.backend());
    let mut app = open(SEED, false);
    keys(&mut app, "?");
    insta::assert_snapshot!("help_80x24", draw(&mut app, 80, 24, COLOR).backend());
    let mut app = open(SEED, false);
    keys(&mut app, "f");
    insta::assert_snapshot!(
        "findings_overlay_80x24",
        draw(&mut app, 80, 24, COLOR).backend()
    );
}

#[test]
fn tiny_terminals_do_not_panic() {
    for (w, h) in [(1, 1), (10, 5), (40, 10), (79, 23)] {
        let mut app = open(SEED, false);
        keys(&mut app, "?");
        draw(&mut app, w, h, COLOR);
        keys(&mut app, "q");
        keys(&mut app, "f");
        draw(&mut app, w, h, COLOR);
    }
    // Below 80×24 the footer says the screen is too small; at 80×24 it does not.
    for (w, h, small) in [(79, 24, true), (80, 23, true), (80, 24, false)] {
        let mut app = open(SEED, false);
        let screen = draw(&mut app, w, h, COLOR).backend().to_string();
        assert_eq!(
            screen.contains("窗口小于 80×24"),
            small,
            "{w}×{h}: {screen}"
        );
    }
}

#[test]
fn hostile_text_is_drawn_visibly() {
    let hostile = SEED.replace(
        "title = \"2023年度株洲市芦淞区应急管理局整体支出绩效自评报告\"",
        "title = \"\\u001b]0;pwned\\u0007标题\\u001b[2J\\u202e反\"",
    );
    let mut app = open(&hostile, false);
    let screen = draw(&mut app, 120, 40, COLOR).backend().to_string();
    assert!(screen.contains("\\u{1b}]0;pwned\\u{7}标题"), "{screen}");
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{202e}') && !screen.contains('\u{7}')
    );
}

#[test]
fn the_help_scrolls_to_its_last_line_and_no_further() {
    use jixiao::tui::app::Mode;
    use jixiao::tui::keymap::Command;
    let mut app = open(SEED, false);
    app.run(Command::Help);
    draw(&mut app, 80, 24, COLOR);
    for _ in 0..200 {
        press(&mut app, KeyCode::Down);
    }
    let screen = draw(&mut app, 80, 24, COLOR).backend().to_string();
    assert!(screen.contains("任意键关闭帮助"), "{screen}");
    // The notes fit the box, not cut at its edge.
    assert!(screen.contains("可直接粘贴。"), "{screen}");
    assert!(app.help_bottom > 0, "the help is longer than 24 lines");
    assert!(
        matches!(app.mode, Mode::Help { scroll } if scroll == app.help_bottom),
        "{:?}",
        app.help_bottom
    );
    // One step up moves at once: no presses are spent coming back from beyond the end.
    press(&mut app, KeyCode::Up);
    assert!(matches!(app.mode, Mode::Help { scroll } if scroll + 1 == app.help_bottom));
    let screen = draw(&mut app, 80, 24, COLOR).backend().to_string();
    assert!(!screen.contains("任意键关闭帮助"), "{screen}");
}

/// The display column of every cell of a buffer line, as the terminal shows it: each
/// symbol's East Asian width (CJK two columns), blanks hidden under a wide one skipped.
fn line_symbols(terminal: &Terminal<TestBackend>, y: u16) -> Vec<(usize, String)> {
    let buffer = terminal.backend().buffer();
    let mut out = Vec::new();
    let mut col = 0;
    let mut skip = 0;
    for x in 0..buffer.area.width {
        let symbol = buffer[(x, y)].symbol().to_owned();
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let w = unicode_width::UnicodeWidthStr::width(symbol.as_str()).max(1);
        skip = w - 1;
        out.push((col, symbol));
        col += w;
    }
    out
}

/// For each table heading on screen, the display column where each title starts, and for
/// each value row under it, whether the value starts at that column (a marker, if any,
/// just left of it).
fn assert_columns_line_up(app: &mut App, w: u16, h: u16) -> usize {
    let terminal = draw(app, w, h, COLOR);
    let t = app.tab.index();
    let first = app.scroll[t];
    let form_top = 2;
    let mut titles: Vec<usize> = Vec::new();
    let mut checked = 0;
    for y in form_top..h - 2 {
        let Some(row) = app.rows.get(first + (y - form_top) as usize) else {
            break;
        };
        let form_w = (w - view::panel_width(w)) as usize;
        let mut symbols = line_symbols(&terminal, y);
        symbols.retain(|(c, _)| *c < form_w);
        let at = |col: usize| {
            symbols
                .iter()
                .find(|(c, _)| *c == col)
                .map(|(_, s)| s.as_str())
        };
        match &row.kind {
            jixiao::tui::form::RowKind::Heading { columns } if !columns.is_empty() => {
                // Where each title starts: the first non-blank after a blank.
                titles = symbols
                    .windows(2)
                    .filter(|p| p[0].1 == " " && p[1].1 != " ")
                    .map(|p| p[1].0)
                    .collect();
                assert_eq!(titles.len(), columns.len(), "{columns:?} at {w}x{h}");
            }
            jixiao::tui::form::RowKind::Heading { .. } => titles.clear(),
            jixiao::tui::form::RowKind::Total { values } if values.len() == titles.len() => {
                for (value, &col) in values.iter().zip(&titles) {
                    if !value.is_empty() {
                        assert_eq!(at(col), value.get(..1), "合计 on line {y}, column {col}");
                        checked += 1;
                    }
                }
            }
            // A row laid on the grid (一级指标): each cell starts at the title of its first
            // grid column.
            _ if !row.spans.is_empty() && !titles.is_empty() => {
                let mut slot = row.spans[0] as usize;
                for &n in &row.spans[1..] {
                    let col = titles[slot];
                    let value = at(col).unwrap_or_else(|| panic!("column {col} on line {y}"));
                    assert_ne!(value, " ", "grid row: no value at column {col}, line {y}");
                    assert_eq!(at(col - 1), Some(" "), "line {y}: grid value at {col}");
                    slot += n as usize;
                    checked += 1;
                }
            }
            _ if row.cells.len() == titles.len() && titles.len() > 1 => {
                for &col in &titles {
                    let value = at(col).unwrap_or_else(|| panic!("column {col} on line {y}"));
                    assert_ne!(value, " ", "no value at the title's column {col}, line {y}");
                    // Nothing, not even a marker, stands just left of a value.
                    let before = at(col - 1).unwrap_or(" ");
                    assert_eq!(
                        before, " ",
                        "line {y}: the value at {col} is not the cell's start"
                    );
                    checked += 1;
                }
            }
            _ => {}
        }
    }
    checked
}

#[test]
fn column_titles_start_where_their_values_start() {
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        for tab in ["2", "3", "4"] {
            let mut app = open(SEED, false);
            keys(&mut app, tab);
            let checked = assert_columns_line_up(&mut app, w, h);
            if tab != "2" {
                assert!(
                    checked > 10,
                    "tab {tab} at {w}x{h}: {checked} cells checked"
                );
            }
        }
    }
    // The indicator sheet at 80×24, scrolled to its marked rows (▲ on 实际完成值 and 偏差原因).
    let mut app = open(SEED, false);
    keys(&mut app, "4");
    goto(&mut app, "score_sheet.groups[3].indicators[2].deviation");
    assert!(assert_columns_line_up(&mut app, 80, 24) > 10);
}

#[test]
fn an_8_colour_terminal_gets_only_the_8_basic_colours() {
    let basic = [
        Color::Reset,
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
    ];
    for (tab, w, h) in [("4", 80, 24), ("3", 120, 40), ("2", 200, 60)] {
        let mut app = open(SEED, false);
        keys(&mut app, tab);
        keys(&mut app, "j");
        let terminal = draw(&mut app, w, h, BASIC);
        for cell in terminal.backend().buffer().content() {
            assert!(
                basic.contains(&cell.fg) && basic.contains(&cell.bg),
                "tab {tab} at {w}x{h}: {cell:?}"
            );
        }
        if (w, h) == (80, 24) {
            insta::assert_snapshot!("basic_tab4_80x24", terminal.backend());
        }
    }
    // The full palette does use a grey, so the test above can fail.
    let mut app = open(SEED, false);
    let terminal = draw(&mut app, 80, 24, COLOR);
    assert!(
        terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .any(|c| !basic.contains(&c.fg))
    );
}

#[test]
fn the_search_at_80x24() {
    let mut app = open(SEED, false);
    keys(&mut app, "/安全监管");
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("search_80x24", draw(&mut app, 80, 24, COLOR).backend());
}
