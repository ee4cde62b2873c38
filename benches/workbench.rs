//! Benchmarks of PERFORMANCE.md on the seed report and on the synthetic "large" one: load
//! (for the workbench), inspect (for `check`), check (analyze), totals, one frame of each tab into a TestBackend, a cursor move, a tab
//! switch, and one committed edit (what the workbench does for it: apply, re-check,
//! recompute totals, rebuild the rows, draw).
//!
//! `cargo bench --bench workbench` measures with criterion and then prints the spread of
//! single edit cycles (median, 90th percentile, worst), which criterion's averages hide.
//! Under `cargo test --all-targets` each benchmark runs once, on a small synthetic report
//! instead of the large one, so the test suite stays quick.

use criterion::Criterion;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jixiao::rules::{self, Totals};
use jixiao::scheme::{self, SchemeSet};
use jixiao::store::{self, Document};
use jixiao::synth::{self, Spec};
use jixiao::tui::app::{Action, App};
use jixiao::tui::form::Tab;
use jixiao::tui::keymap::{Command, Keymap};
use jixiao::tui::theme::Theme;
use jixiao::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The allocator of the `jixiao` binary, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SEED: &str = include_str!("../examples/lusong-emergency-2023.toml");
const THEME: Theme = Theme::COLOR;
const W: u16 = 120;
const H: u16 = 40;

/// The workloads: the seed, and large (a small stand-in when only testing that benches run).
fn workloads(full: bool) -> Vec<(&'static str, String)> {
    let large = if full {
        Spec::LARGE
    } else {
        Spec {
            projects: 40,
            funds: 10,
            indicators: 100,
            seed: 1,
        }
    };
    vec![("seed", SEED.to_owned()), ("large", synth::generate(large))]
}

fn open(text: &str) -> App {
    let (keymap, _) = Keymap::from_texts(None);
    match App::open(text, None, false, SchemeSet::builtin(), keymap) {
        Ok(app) => app,
        Err(_) => panic!("the workload does not open"),
    }
}

fn key(app: &mut App, code: KeyCode) {
    app.update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn tab_command(tab: Tab) -> Command {
    match tab {
        Tab::Basic => Command::TabBasic,
        Tab::Budget => Command::TabBudget,
        Tab::Funds => Command::TabFunds,
        Tab::Scores => Command::TabScores,
    }
}

fn frame(terminal: &mut Terminal<TestBackend>, app: &mut App) {
    let mut drawn = None;
    terminal
        .draw(|f| drawn = Some(view::draw(f, app, THEME)))
        .expect("TestBackend draws");
    app.apply_layout(drawn.expect("a frame was drawn"));
}

/// Puts the cursor on the score of an indicator in the middle of the sheet (the largest
/// tab), the kind of cell a reviewer edits most.
fn aim_at_a_score(app: &mut App) {
    app.run(Command::TabScores);
    let rows = &app.rows;
    let indicator_rows: Vec<usize> = (0..rows.len())
        .filter(|r| {
            rows[*r]
                .cells
                .iter()
                .any(|c| c.path.to_string().ends_with(".score"))
        })
        .collect();
    let row = indicator_rows[indicator_rows.len() / 2];
    let col = rows[row]
        .cells
        .iter()
        .position(|c| c.path.to_string().ends_with(".score"))
        .expect("a score cell");
    app.cursor[Tab::Scores.index()] = (row, col);
}

/// One committed edit as the user makes it: open the editor, replace the value, Enter.
fn edit(app: &mut App, value: &str) {
    app.run(Command::Edit);
    key(app, KeyCode::End);
    for _ in 0..12 {
        key(app, KeyCode::Backspace);
    }
    for c in value.chars() {
        key(app, KeyCode::Char(c));
    }
    key(app, KeyCode::Enter);
    // A refused or skipped edit would measure nothing: make sure this one was committed.
    let status = app.status.as_ref().map(|s| s.text.as_str()).unwrap_or("");
    assert!(
        status.starts_with("已修改"),
        "the edit was not committed: {status:?}"
    );
}

fn benches(c: &mut Criterion, full: bool) {
    let schemes = SchemeSet::builtin();
    let scheme = schemes.get("hunan-department").expect("shipped");
    for (name, text) in workloads(full) {
        let bytes = text.as_bytes();
        c.bench_function(&format!("load/{name}"), |b| {
            b.iter(|| scheme::load(black_box(bytes), &schemes).is_ok())
        });
        // What `check` reads with: no tree for an editor.
        c.bench_function(&format!("inspect/{name}"), |b| {
            b.iter(|| scheme::inspect(black_box(bytes).to_vec(), &schemes).is_ok())
        });
        let Ok(loaded) = scheme::load(bytes, &schemes) else {
            panic!("{name} does not load");
        };
        c.bench_function(&format!("check/{name}"), |b| {
            b.iter(|| rules::analyze(black_box(&loaded), scheme))
        });
        let (findings, _) = rules::analyze(&loaded, scheme);
        c.bench_function(&format!("totals/{name}"), |b| {
            b.iter(|| Totals::compute(black_box(&loaded.report), scheme, &findings))
        });
        let doc = Document::parse(&loaded.source).expect("parses");
        c.bench_function(&format!("to_text/{name}"), |b| b.iter(|| doc.to_text()));
        // Saving as the workbench does: the whole text, then an atomic replace (temporary
        // file, fsync, rename, fsync of the folder).
        let dir = tempfile::tempdir().expect("a temporary folder");
        let target = dir.path().join("report.toml");
        c.bench_function(&format!("save/{name}"), |b| {
            b.iter(|| {
                store::save_report(&target, doc.to_text().as_bytes(), Default::default())
                    .expect("saved")
            })
        });

        let mut app = open(&text);
        let mut terminal = Terminal::new(TestBackend::new(W, H)).expect("a test terminal");
        for tab in Tab::ALL {
            app.run(tab_command(tab));
            frame(&mut terminal, &mut app);
            c.bench_function(&format!("frame/{name}/tab{}", tab.index() + 1), |b| {
                b.iter(|| frame(&mut terminal, &mut app))
            });
        }
        c.bench_function(&format!("switch_tab+frame/{name}"), |b| {
            let mut t = 0;
            b.iter(|| {
                t = (t + 1) % 4;
                app.run(tab_command(Tab::ALL[t]));
                frame(&mut terminal, &mut app);
            })
        });
        app.run(Command::TabScores);
        c.bench_function(&format!("cursor_move+frame/{name}"), |b| {
            let mut down = true;
            b.iter(|| {
                // Walk down the sheet and back, so the window scrolls now and then.
                let (row, _) = app.cursor[Tab::Scores.index()];
                if row + 1 >= app.rows.len() {
                    down = false;
                } else if row <= 4 {
                    down = true;
                }
                app.run(if down { Command::Down } else { Command::Up });
                frame(&mut terminal, &mut app);
            })
        });

        c.bench_function(&format!("edit_cycle/{name}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                let mut app = open(&text);
                aim_at_a_score(&mut app);
                let mut terminal = Terminal::new(TestBackend::new(W, H)).expect("terminal");
                frame(&mut terminal, &mut app);
                for i in 0..iters {
                    // Start afresh now and then, outside the timing, so that the undo
                    // history of one sample does not carry over into the next.
                    if i % 32 == 31 {
                        app = open(&text);
                        aim_at_a_score(&mut app);
                        frame(&mut terminal, &mut app);
                    }
                    let value = if i % 2 == 0 { "1.23" } else { "2.34" };
                    let start = Instant::now();
                    edit(&mut app, value);
                    frame(&mut terminal, &mut app);
                    total += start.elapsed();
                }
                total
            })
        });
    }
}

/// Single edit cycles on large, one by one: criterion reports averages, the target also
/// bounds the worst.
fn edit_spread(text: &str, cycles: usize) {
    let mut app = open(text);
    aim_at_a_score(&mut app);
    let mut terminal = Terminal::new(TestBackend::new(W, H)).expect("terminal");
    frame(&mut terminal, &mut app);
    let mut times: Vec<Duration> = (0..cycles)
        .map(|i| {
            let value = if i % 2 == 0 { "1.23" } else { "2.34" };
            let start = Instant::now();
            edit(&mut app, value);
            frame(&mut terminal, &mut app);
            start.elapsed()
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "edit_cycle/large spread over {cycles} edits: median {:.2?}, p90 {:.2?}, worst {:.2?}",
        at(0.5),
        at(0.9),
        times[times.len() - 1]
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test` does not, and then each benchmark runs
    // once on small inputs.
    let full = std::env::args().any(|a| a == "--bench");
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    benches(&mut c, full);
    c.final_summary();
    let filtered = std::env::args().skip(1).any(|a| !a.starts_with('-'));
    if full && !filtered {
        edit_spread(&synth::generate(Spec::LARGE), 60);
    }
}
