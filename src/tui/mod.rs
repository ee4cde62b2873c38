//! The workbench: a terminal front end over the report core (TEA: app state, actions,
//! update, view), with a terminal guard that always restores the terminal.

pub mod app;
pub mod form;
pub mod keymap;
pub mod text;
pub mod theme;
pub mod view;

use app::{Action, App};
use crossterm::event::{self, Event};
use crossterm::{execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Undoes every terminal mode the workbench enables. Safe to call more than once.
pub fn restore_terminal() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        event::DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}

/// Holds the terminal in raw mode and the alternate screen; restores it when dropped.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> io::Result<TerminalGuard> {
        terminal::enable_raw_mode()?;
        let guard = TerminalGuard;
        execute!(
            io::stdout(),
            terminal::EnterAlternateScreen,
            event::EnableBracketedPaste,
            terminal::Clear(terminal::ClearType::All)
        )?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Runs the workbench until the user quits (or a signal asks it to stop).
pub fn run(app: &mut App) -> io::Result<()> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    let theme = theme::Theme::from_env();
    let _guard = TerminalGuard::enter()?;
    // No `terminal.clear()`: it asks the terminal for the cursor position, which a slow or
    // scripted terminal may never answer. The alternate screen was cleared on entry.
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    // Keys are read on their own thread: crossterm's read can spin on a terminal that has
    // gone away, and the main loop must still notice SIGHUP and leave.
    let (events, inbox) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        while let Ok(event) = event::read() {
            if events.send(event).is_err() {
                break;
            }
        }
    });
    let mut redraw = true;
    loop {
        if redraw {
            terminal.draw(|frame| view::draw(frame, app, theme))?;
        }
        if app.quit || stop.load(Ordering::Relaxed) {
            break;
        }
        match inbox.recv_timeout(Duration::from_millis(200)) {
            Ok(Event::Key(key)) => app.update(Action::Key(key)),
            Ok(Event::Paste(text)) => app.update(Action::Paste(text)),
            Ok(Event::Resize(..)) => terminal.autoresize()?,
            Ok(_) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                redraw = false;
                if !terminal_alive() {
                    break;
                }
                continue;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
        redraw = true;
    }
    if !terminal_alive() {
        // ratatui's Drop would try to show the cursor on a terminal that is gone, and report
        // the failure on a stderr that is gone too (which panics).
        std::mem::forget(terminal);
    }
    Ok(())
}

/// Releases the session lock when dropped.
struct UnlockOnDrop(Option<crate::store::SessionFiles>);

impl Drop for UnlockOnDrop {
    fn drop(&mut self) {
        if let Some(files) = &self.0 {
            files.unlock();
        }
    }
}

/// Whether the controlling terminal is still there (a hung-up terminal fails tcgetattr).
fn terminal_alive() -> bool {
    // SAFETY: tcgetattr writes into the termios we own.
    unsafe {
        let mut termios: libc::termios = std::mem::zeroed();
        libc::tcgetattr(libc::STDIN_FILENO, &mut termios) == 0
    }
}

/// Opens a file (or the bundled example when `file` is None) and runs the workbench.
/// Returns the process exit status.
pub fn open_and_run(file: Option<PathBuf>, read_only: bool) -> i32 {
    let schemes = crate::scheme::SchemeSet::load();
    let (keymap, problems) = keymap::Keymap::load();
    for p in &problems {
        eprintln!("{p}");
    }
    let text = match &file {
        Some(path) => match crate::store::read_report_file(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    let bytes = e.into_bytes();
                    return report_open_failure(path, crate::store::load(&bytes, &schemes).err());
                }
            },
            Err(e) => {
                eprintln!("{}", crate::sanitize::visible_inline(&e.to_string()));
                return 2;
            }
        },
        None => app::BUNDLED_EXAMPLE.to_owned(),
    };
    let mut app = match App::open(&text, file.clone(), read_only, schemes, keymap) {
        Ok(app) => app,
        Err(failure) => {
            let path = file.unwrap_or_else(|| PathBuf::from("（内置示例）"));
            let failure = crate::store::LoadFailure {
                source: failure.source,
                findings: failure.findings,
            };
            return report_open_failure(&path, Some(failure));
        }
    };
    app.attach_session();
    // Whatever happens below, even a panic, the lock goes when the process does.
    let _unlock = UnlockOnDrop(app.session_files());
    let result = run(&mut app);
    app.end_session();
    match result {
        Ok(()) => 0,
        Err(e) => {
            restore_terminal();
            // stderr may be gone with the terminal: never panic over a message.
            let _ = writeln!(
                io::stderr(),
                "工作台出错：{e}（未保存的修改已写入恢复文件）"
            );
            1
        }
    }
}

/// A file that does not load is not opened: its errors are printed as `check` prints them.
fn report_open_failure(path: &std::path::Path, failure: Option<crate::store::LoadFailure>) -> i32 {
    let Some(failure) = failure else { return 2 };
    let report = crate::check::FileReport {
        file: path.display().to_string(),
        outcome: crate::check::Outcome::Failed {
            source: failure.source,
            findings: failure.findings,
        },
    };
    eprint!(
        "{}",
        crate::check::render_text(&[report], crate::check::Palette { color: false })
    );
    eprintln!("请先修正以上错误，再用 jixiao edit 打开。");
    2
}
