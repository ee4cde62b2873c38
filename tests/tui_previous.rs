//! The workbench against last year's report: Y01 and Y02 among its findings, re-checked on
//! every edit (the previous report is found once, when the file is opened).

mod common;

use common::*;
use jixiao::scheme::SchemeSet;
use std::path::Path;
use std::sync::Arc;

const NEXT: &str = include_str!("../examples/lusong-emergency-2024.toml");
const CORRECTED: &str = "examples/lusong-emergency-2023-corrected.toml";

fn corrected() -> Arc<jixiao::rules::Previous> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORRECTED);
    Arc::new(jixiao::previous::load_previous(&path, &SchemeSet::builtin()).unwrap())
}

#[test]
fn y01_goes_when_the_carried_figure_is_put_right() {
    let mut app = open(NEXT, false);
    assert!(
        !rules(&app).iter().any(|r| r.starts_with('Y')),
        "{:?}",
        rules(&app)
    );
    app.set_previous(Some(corrected()));
    let found = rules(&app);
    assert!(found.contains(&"Y01 basic_data.costs.office.prev_final".to_owned()));
    assert!(found.contains(&"Y02 closing.improvements".to_owned()));
    let y01 = app.findings.iter().find(|f| f.rule == "Y01").unwrap();
    assert!(
        y01.span.is_some(),
        "placed in the source like every finding"
    );
    assert!(y01.message.contains("0.68") && y01.message.contains("0.86"));

    set(&mut app, "basic_data.costs.office.prev_final", "0.86");
    let found = rules(&app);
    assert!(!found.iter().any(|r| r.starts_with("Y01")), "{found:?}");
    assert!(found.contains(&"Y02 closing.improvements".to_owned()));
    // Undo brings it back: undo re-checks against the same report.
    ctrl(&mut app, 'z');
    assert!(rules(&app).contains(&"Y01 basic_data.costs.office.prev_final".to_owned()));
}

#[test]
fn the_previous_report_is_found_beside_the_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join(CORRECTED), dir.path().join("2023.toml")).unwrap();
    let next = dir.path().join("2024.toml");
    std::fs::write(&next, NEXT).unwrap();
    let app = open(NEXT, false);
    let (previous, note) = jixiao::previous::beside(&next, &app.report, &SchemeSet::builtin());
    assert_eq!(note, None);
    assert_eq!(
        previous.map(|p| p.file.clone()),
        Some(dir.path().join("2023.toml").display().to_string())
    );
    // Two candidates: none is taken, and the note says why.
    std::fs::copy(
        root.join("examples/lusong-emergency-2023.toml"),
        dir.path().join("2023-draft.toml"),
    )
    .unwrap();
    let (previous, note) = jixiao::previous::beside(&next, &app.report, &SchemeSet::builtin());
    assert!(previous.is_none());
    assert!(note.unwrap().contains("--previous"));
}

#[test]
fn a_report_opened_with_last_years_has_y01_from_its_first_check() {
    use jixiao::tui::app::App;
    use jixiao::tui::keymap::Keymap;
    let (keymap, _) = Keymap::from_texts(None);
    let mut asked = 0;
    let Ok(app) = App::open_comparing(NEXT, None, false, SchemeSet::builtin(), keymap, |report| {
        asked += 1;
        assert_eq!(
            report.report.year.value(),
            Some(2024),
            "asked with the loaded report"
        );
        Some(corrected())
    }) else {
        panic!("the 2024 example opens");
    };
    assert_eq!(asked, 1);
    assert!(rules(&app).contains(&"Y01 basic_data.costs.office.prev_final".to_owned()));
    assert!(rules(&app).contains(&"Y02 closing.improvements".to_owned()));
}
