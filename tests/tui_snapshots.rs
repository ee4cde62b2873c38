//! Snapshots of the workbench drawn into ratatui's TestBackend, at 80×24 and 120×40.

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

const COLOR: Theme = Theme { mono: false };
const MONO: Theme = Theme { mono: true };

#[test]
fn every_tab_at_80x24_and_120x40() {
    for (w, h) in [(80, 24), (120, 40)] {
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
}

#[test]
fn a_cjk_row_under_a_popup_is_not_cut_in_half() {
    let mut app = open(SEED, false);
    goto(&mut app, "basic.organization");
    press(&mut app, KeyCode::Enter);
    let terminal = draw(&mut app, 80, 24, COLOR);
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
