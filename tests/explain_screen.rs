//! `jixiao explain ID --screen`: the workbench's full-screen explanation on its own, for the
//! front of a training room. Drawn into TestBackend (80×24, 120×40, NO_COLOR), keyed, and
//! refused by the real binary where no full screen can open.

mod common;
mod e2e;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jixiao::rules::catalog;
use jixiao::tui::theme::Theme;
use jixiao::tui::view::explain::PageScreen;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

fn draw(page: &mut PageScreen, w: u16, h: u16, theme: Theme) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| page.draw(f, theme)).unwrap();
    terminal
}

fn key(page: &mut PageScreen, code: KeyCode) {
    page.key(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn the_page_at_80x24_and_120x40() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut page = PageScreen::rule(catalog::find("C03").unwrap());
        let terminal = draw(&mut page, w, h, Theme::COLOR);
        insta::assert_snapshot!(format!("screen_c03_{w}x{h}"), terminal.backend());
    }
}

#[test]
fn it_is_the_page_the_workbench_shows_on_i_with_the_seed_example() {
    let mut page = PageScreen::rule(catalog::find("F02").unwrap());
    let screen = draw(&mut page, 120, 40, Theme::COLOR).backend().to_string();
    for heading in ["【保护什么】", "【公式】", "【怎样改】", "【例】"] {
        assert!(screen.contains(heading), "{heading}");
    }
    // The worked example from the seed report (安全监管's balance).
    assert!(screen.contains("安全监管"), "{screen}");
    assert!(screen.contains("q 或 Esc 退出"));
    // The same sections, in the same words, as the workbench's page.
    let workbench = jixiao::tui::view::explain::rule_page(catalog::find("F02").unwrap(), None);
    assert_eq!(page.page.sections, workbench.sections);
}

#[test]
fn no_color_draws_no_colour() {
    let mut page = PageScreen::rule(catalog::find("C03").unwrap());
    let terminal = draw(&mut page, 80, 24, Theme::MONO);
    for cell in terminal.backend().buffer().content() {
        assert!(matches!(cell.fg, Color::Reset), "{cell:?}");
        assert!(matches!(cell.bg, Color::Reset), "{cell:?}");
    }
    insta::assert_snapshot!("screen_mono_c03_80x24", terminal.backend());
}

#[test]
fn keys_scroll_within_the_page_and_q_or_esc_close_it() {
    // At 80×12 the page is longer than the screen.
    let mut page = PageScreen::rule(catalog::find("C03").unwrap());
    draw(&mut page, 80, 12, Theme::COLOR);
    assert!(page.bottom > 0);
    key(&mut page, KeyCode::Down);
    assert_eq!(page.scroll, 1);
    key(&mut page, KeyCode::End);
    assert_eq!(page.scroll, page.bottom);
    key(&mut page, KeyCode::Down);
    assert_eq!(page.scroll, page.bottom, "never past the last line");
    key(&mut page, KeyCode::Home);
    assert_eq!(page.scroll, 0);
    key(&mut page, KeyCode::Char('x'));
    assert!(!page.closed, "a stray key does nothing");
    key(&mut page, KeyCode::Char('q'));
    assert!(page.closed);
    let mut page = PageScreen::rule(catalog::find("C03").unwrap());
    key(&mut page, KeyCode::Esc);
    assert!(page.closed);
}

#[test]
fn term_dumb_or_no_terminal_is_refused_pointing_to_the_text() {
    let mut cmd = e2e::jixiao();
    cmd.env("TERM", "dumb").args(["explain", "C03", "--screen"]);
    let run = e2e::run_cmd(&mut cmd);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr.trim_end(),
        "这个终端（TERM=dumb）显示不了全屏工作台，请换用完整的终端打开，或用 jixiao explain C03 查看文字说明。"
    );
    let mut cmd = e2e::jixiao();
    cmd.env("TERM", "xterm-256color")
        .args(["explain", "C03", "--screen"]);
    let run = e2e::run_cmd(&mut cmd);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("不在终端时请用 jixiao explain C03 查看文字说明"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unknown_rule_or_no_rule_is_a_usage_error() {
    let run = e2e::run(["explain", "Z99", "--screen"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("没有编号为“Z99”的规则"),
        "{}",
        run.stderr
    );
    let run = e2e::run(["explain", "--screen"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
}

#[test]
fn in_a_terminal_it_shows_the_page_and_q_quits() {
    let mut s = common::pty::Session::start(&["explain", "C03", "--screen"], 80, 24);
    s.wait_for("执行率计算错误");
    s.wait_for("【怎样改】");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
