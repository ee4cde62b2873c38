//! Helpers shared by the workbench tests: open the seed, press keys.
#![allow(dead_code)]

pub mod pty;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jixiao::scheme::SchemeSet;
use jixiao::tui::app::{Action, App};
use jixiao::tui::keymap::Keymap;

pub const SEED: &str = include_str!("../../examples/lusong-emergency-2023.toml");

pub fn open(text: &str, read_only: bool) -> App {
    let (keymap, _) = Keymap::from_texts(None);
    match App::open(text, None, read_only, SchemeSet::builtin(), keymap) {
        Ok(app) => app,
        Err(_) => panic!("the report did not open"),
    }
}

pub fn press(app: &mut App, code: KeyCode) {
    app.update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

pub fn ctrl(app: &mut App, c: char) {
    app.update(Action::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )));
}

/// Presses each character of `keys` as a plain key.
pub fn keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// Clears the open editor's line (End, then Backspace enough times).
pub fn clear_editor(app: &mut App) {
    press(app, KeyCode::End);
    for _ in 0..80 {
        press(app, KeyCode::Backspace);
    }
}

pub fn rules(app: &App) -> Vec<String> {
    app.findings
        .iter()
        .map(|f| format!("{} {}", f.rule, f.path))
        .collect()
}

/// Moves the cursor to the row whose cells include `path`, and to that cell.
pub fn goto(app: &mut App, path: &str) {
    for _ in 0..4 {
        let found = app.rows.iter().enumerate().find_map(|(r, row)| {
            row.cells
                .iter()
                .position(|c| c.path.to_string() == path)
                .map(|c| (r, c))
        });
        if let Some((r, c)) = found {
            let t = app.tab.index();
            app.cursor[t] = (r, c);
            return;
        }
        press(app, KeyCode::Tab);
    }
    panic!("no cell for {path}");
}

/// Edits the cell at `path`: Enter, replace what is there with `value`, Enter.
pub fn set(app: &mut App, path: &str, value: &str) {
    goto(app, path);
    press(app, KeyCode::Enter);
    clear_editor(app);
    keys(app, value);
    press(app, KeyCode::Enter);
}

/// The footer's message, or "" when there is none.
pub fn said(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}
