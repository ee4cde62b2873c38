//! The workbench edits in place: a change re-reads only the row or section it touched, and
//! the rows of a tab are kept where the change did not reach them. Whatever the sequence of
//! edits, row additions, removals, moves, undos and redos, the result must be exactly what
//! loading the saved text afresh gives: the same model, findings, totals and rows.

mod common;

use common::*;
use crossterm::event::KeyCode;
use jixiao::finding::Finding;
use jixiao::rules;
use jixiao::scheme::{self, SchemeSet};
use jixiao::synth::{self, Spec};
use jixiao::tui::app::{App, Confirm, Mode};
use jixiao::tui::form::{FormBuilder, Tab};
use jixiao::tui::keymap::Command;
use proptest::prelude::*;

/// One thing a user does.
#[derive(Debug, Clone)]
enum Op {
    Tab(usize),
    /// Put the cursor at (row, cell) — taken modulo the tab's size — and type a value there.
    Set(usize, usize, &'static str),
    Add(usize),
    Delete(usize),
    Move(usize, bool),
    Undo,
    Redo,
}

const VALUES: [&str; 10] = [
    "", "1", "12.5", "/", "abc", "-3", "99.999", "71.4%", "文字", "0.10",
];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (0usize..4).prop_map(Op::Tab),
        4 => (any::<usize>(), 0usize..8, 0usize..VALUES.len())
            .prop_map(|(r, c, v)| Op::Set(r, c, VALUES[v])),
        1 => any::<usize>().prop_map(Op::Add),
        1 => any::<usize>().prop_map(Op::Delete),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(r, d)| Op::Move(r, d)),
        2 => Just(Op::Undo),
        1 => Just(Op::Redo),
    ]
}

fn aim(app: &mut App, row: usize, cell: usize) {
    let rows = app.rows.len().max(1);
    let r = row % rows;
    let cells = app.rows.get(r).map_or(1, |row| row.cells.len().max(1));
    app.cursor[app.tab.index()] = (r, cell % cells);
}

fn apply(app: &mut App, op: &Op) {
    match op {
        Op::Tab(t) => app.run(
            [
                Command::TabBasic,
                Command::TabBudget,
                Command::TabFunds,
                Command::TabScores,
            ][*t],
        ),
        Op::Set(r, c, value) => {
            aim(app, *r, *c);
            press(app, KeyCode::Enter);
            if matches!(app.mode, Mode::Editing(_)) {
                clear_editor(app);
                keys(app, value);
                press(app, KeyCode::Enter);
            }
        }
        Op::Add(r) => {
            aim(app, *r, 0);
            keys(app, "a");
        }
        Op::Delete(r) => {
            aim(app, *r, 0);
            keys(app, "d");
        }
        Op::Move(r, down) => {
            aim(app, *r, 0);
            keys(app, if *down { "J" } else { "K" });
        }
        Op::Undo => keys(app, "u"),
        Op::Redo => ctrl(app, 'r'),
    }
    // Deleting a group with indicators asks first: the op means it.
    if matches!(app.mode, Mode::Confirm(Confirm::DeleteGroup { .. })) {
        keys(app, "y");
    }
    // A refused value leaves the editor open (and an added list item opens one): leave it
    // (Esc on typed text asks: discard it).
    if matches!(app.mode, Mode::Editing(_)) {
        press(app, KeyCode::Esc);
    }
    if matches!(app.mode, Mode::Confirm(Confirm::DiscardEdit(_))) {
        keys(app, "d");
    }
}

fn key_of(f: &Finding) -> (String, String, String, String) {
    (
        f.rule.to_owned(),
        f.path.to_string(),
        format!("{:?}", f.severity),
        f.message.clone(),
    )
}

/// The workbench's state equals a fresh load of its text.
fn assert_fresh(app: &App, after: &str) {
    let schemes = SchemeSet::builtin();
    let text = app.text();
    // And `check` reads the edited text as the workbench does.
    assert_read_alike(&text, after);
    let loaded = match scheme::load_str(&text, &schemes) {
        Ok(l) => l,
        Err(f) => panic!("after {after}: the text does not load: {:?}", f.findings),
    };
    assert_eq!(app.report, loaded.report, "after {after}: the model");
    let scheme = app.scheme();
    let (findings, totals) = rules::analyze(&loaded, scheme);
    let mut want: Vec<_> = findings.iter().map(key_of).collect();
    let mut got: Vec<_> = app.findings.iter().map(key_of).collect();
    want.sort();
    got.sort();
    assert_eq!(got, want, "after {after}: the findings");
    assert_eq!(app.totals, totals, "after {after}: the totals");
    let fresh = FormBuilder::new(&loaded.report, scheme, &findings).rows(app.tab);
    assert_eq!(
        app.rows.len(),
        fresh.len(),
        "after {after}: the number of rows"
    );
    for (i, (got, want)) in app.rows.iter().zip(&fresh).enumerate() {
        assert_eq!(got, want, "after {after}: row {i}");
    }
}

fn run(text: &str, ops: &[Op]) {
    let mut app = open(text, false);
    let original = app.text();
    for (i, op) in ops.iter().enumerate() {
        apply(&mut app, op);
        assert_fresh(&app, &format!("step {i} {op:?}"));
    }
    // Undo all the way back: the very bytes it started from.
    for _ in 0..ops.len() + 1 {
        keys(&mut app, "u");
        if said(&app).contains("没有可撤销的修改") {
            break;
        }
    }
    assert_eq!(
        app.text(),
        original,
        "undoing everything gives the file back"
    );
    assert!(!app.dirty(), "and it is no longer changed");
    assert_fresh(&app, "undoing everything");
}

fn small() -> String {
    synth::generate(Spec {
        projects: 6,
        funds: 4,
        indicators: 24,
        seed: 3,
    })
}

/// A report with nothing but its head: every table and section is created by the edits.
const BARE: &str = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n\n[report]\nunit = \"某局\"\nyear = 2024\n";

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn edits_on_the_seed_equal_a_fresh_load(ops in prop::collection::vec(op(), 1..24)) {
        run(SEED, &ops);
    }

    #[test]
    fn edits_on_a_bare_report_equal_a_fresh_load(ops in prop::collection::vec(op(), 1..24)) {
        run(BARE, &ops);
    }

    #[test]
    fn edits_on_a_synthetic_report_equal_a_fresh_load(ops in prop::collection::vec(op(), 1..24)) {
        run(&small(), &ops);
    }
}

#[test]
fn the_first_row_of_a_section_not_yet_written_shows_at_once() {
    let mut app = open(BARE, false);
    app.run(Command::TabScores);
    let add = app
        .rows
        .iter()
        .position(|r| r.label.contains("新增一级指标"))
        .expect("an invitation to add the first group");
    app.cursor[Tab::Scores.index()] = (add, 0);
    keys(&mut app, "a");
    assert_eq!(
        app.report.score_sheet.as_ref().map(|s| s.groups.len()),
        Some(1)
    );
    assert_fresh(&app, "adding the first group");
}

#[test]
fn a_score_edit_and_its_undo_equal_a_fresh_load_and_say_what_they_did() {
    let mut app = open(&small(), false);
    app.run(Command::TabScores);
    set(&mut app, "score_sheet.groups[1].indicators[0].score", "0.5");
    assert!(matches!(app.mode, Mode::Normal));
    assert_fresh(&app, "one score edit");
    let status = said(&app);
    keys(&mut app, "u");
    assert_fresh(&app, "its undo");
    let undone = said(&app);
    assert!(status.starts_with("已修改"), "{status}");
    assert!(
        undone.starts_with("已撤销：修改"),
        "undo says what it undid: {undone}"
    );
    assert_eq!(app.tab, Tab::Scores);
}
