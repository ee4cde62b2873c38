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

/// The workbench on `text` as the file `file` (written first), for editing.
pub fn open_file(text: &str, file: &std::path::Path) -> App {
    std::fs::write(file, text).unwrap();
    let (keymap, _) = Keymap::from_texts(None);
    match App::open(
        text,
        Some(file.to_path_buf()),
        false,
        SchemeSet::builtin(),
        keymap,
    ) {
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
pub fn alt(app: &mut App, code: KeyCode) {
    app.update(Action::Key(KeyEvent::new(code, KeyModifiers::ALT)));
}

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

/// Every key path of a TOML text (tables, rows, values, list items), in file order.
pub fn key_paths(text: &str) -> Vec<jixiao::model::FieldPath> {
    use jixiao::model::FieldPath;
    use toml_edit::{Item, TableLike, Value};
    fn table(t: &dyn TableLike, at: &FieldPath, out: &mut Vec<FieldPath>) {
        for (key, item) in t.iter() {
            let p = at.key(key);
            out.push(p.clone());
            match item {
                Item::Table(t) => table(t, &p, out),
                Item::ArrayOfTables(rows) => {
                    for (i, row) in rows.iter().enumerate() {
                        out.push(p.index(i));
                        table(row, &p.index(i), out);
                    }
                }
                Item::Value(v) => value(v, &p, out),
                Item::None => {}
            }
        }
    }
    fn value(v: &Value, at: &FieldPath, out: &mut Vec<FieldPath>) {
        match v {
            Value::InlineTable(t) => table(t, at, out),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    out.push(at.index(i));
                    value(item, &at.index(i), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(doc) = text.parse::<toml_edit::DocumentMut>() {
        table(doc.as_table(), &FieldPath::root(), &mut out);
    }
    out
}

/// `store::inspect` (what `check` reads with) and `store::load` (what the workbench reads
/// with) read the text alike: the same report, notes, places and span of every key; or the
/// same refusal.
pub fn assert_read_alike(text: &str, what: &str) {
    use jixiao::scheme;
    let schemes = SchemeSet::builtin();
    match (
        scheme::load_str(text, &schemes),
        scheme::inspect(text.as_bytes().to_vec(), &schemes),
    ) {
        (Ok(load), Ok(inspect)) => {
            assert_eq!(load.source, inspect.source, "{what}: the source");
            assert_eq!(load.report, inspect.report, "{what}: the report");
            assert_eq!(load.notes, inspect.notes, "{what}: the notes");
            assert_eq!(load.locations, inspect.locations, "{what}: the places");
            for path in key_paths(text) {
                assert_eq!(
                    load.span(&path),
                    inspect.span(&path),
                    "{what}: the span of {path}"
                );
                assert_eq!(
                    load.nearest_span(&path),
                    inspect.nearest_span(&path),
                    "{what}: the nearest span of {path}"
                );
            }
        }
        (Err(load), Err(inspect)) => {
            assert_eq!(load.source, inspect.source, "{what}: the source");
            assert_eq!(load.findings, inspect.findings, "{what}: the refusal");
        }
        (load, inspect) => panic!(
            "{what}: load gives {:?} but inspect {:?}",
            load.map(|l| l.notes).map_err(|f| f.findings),
            inspect.map(|l| l.notes).map_err(|f| f.findings)
        ),
    }
}

pub fn screen(app: &mut App, w: u16, h: u16) -> String {
    screen_from(app, w, h, 0)
}

/// The screen's text from column `left` rightwards.
pub fn screen_from(app: &mut App, w: u16, h: u16, left: u16) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    let mut drawn = None;
    terminal
        .draw(|f| {
            drawn = Some(jixiao::tui::view::draw(
                f,
                app,
                jixiao::tui::theme::Theme::COLOR,
            ))
        })
        .unwrap();
    app.apply_layout(drawn.expect("a frame was drawn"));
    // The text as read, wide characters once (the buffer holds a blank after each).
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut skip = 0;
        for x in left..w {
            let s = buffer[(x, y)].symbol();
            if skip > 0 {
                skip -= 1;
                continue;
            }
            skip = unicode_width::UnicodeWidthStr::width(s).saturating_sub(1);
            out.push_str(s);
        }
        out.push('\n');
    }
    out
}
