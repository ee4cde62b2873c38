//! The workbench: a terminal front end over the report core (TEA: app state, actions,
//! update, view), with a terminal guard that always restores the terminal.

pub mod app;
pub mod form;
pub mod history;
pub mod keymap;
pub mod prompts;
mod recorder;
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

/// Set when SIGTERM, SIGHUP or SIGINT arrives. Registered before any screen is drawn (the
/// error screen too), so that a signal never kills the process with the terminal still in
/// raw mode: every screen's loop sees the flag, leaves and restores the terminal.
fn stop_requested() -> &'static Arc<AtomicBool> {
    static STOP: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    STOP.get_or_init(|| {
        let stop = Arc::new(AtomicBool::new(false));
        for signal in [
            signal_hook::consts::SIGTERM,
            signal_hook::consts::SIGHUP,
            signal_hook::consts::SIGINT,
        ] {
            // Registration fails only for signals that cannot be caught; these can.
            let _ = signal_hook::flag::register(signal, Arc::clone(&stop));
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            previous(info);
        }));
        stop
    })
}

/// Runs the workbench until the user quits (or a signal asks it to stop).
pub fn run(app: &mut App) -> io::Result<()> {
    let stop = Arc::clone(stop_requested());
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
            // crossterm reads the terminal 1 KiB at a time and waits for it on an
            // edge-triggered poll: once its queue is empty, bytes of a long burst still in the
            // terminal (a paste arriving as keystrokes) are read only when more arrive, so
            // keys would act late. Should that be so, the terminal is woken up.
            if !event::poll(Duration::ZERO).unwrap_or(true) && input_pending() {
                wake_input();
            }
        }
    });
    let mut redraw = true;
    loop {
        if redraw {
            let mut drawn = None;
            terminal.draw(|frame| drawn = Some(view::draw(frame, app, theme)))?;
            if let Some(drawn) = drawn {
                app.apply_layout(drawn);
            }
        }
        if app.quit || stop.load(Ordering::Relaxed) {
            break;
        }
        if app.recovery_overdue() {
            app.write_recovery();
        }
        // The recovery file is written once the user pauses (on a large report writing it
        // takes longer than the edit itself), and always before the loop ends.
        let wait = if app.recovery_behind() {
            RECOVERY_PAUSE
        } else {
            Duration::from_millis(200)
        };
        match inbox.recv_timeout(wait) {
            Ok(first) => {
                // Every event already waiting is applied before the next frame: a paste that
                // arrives as plain keystrokes is thousands of keys, and drawing after each
                // would make later keys act late.
                let mut current = first;
                loop {
                    let enter_in_editor = is_plain_enter(&current)
                        && matches!(&app.mode, app::Mode::Editing(editor) if editor.multiline);
                    // A paste arriving as keystrokes carries its line breaks as Enter: in a
                    // long text, one followed at once by more text is a line break inside
                    // the paste, not "commit" (which would send the rest of the paste to the
                    // form as commands). No one types the next key within a few
                    // milliseconds. A short value takes no line break: Enter commits it.
                    let next = if enter_in_editor {
                        inbox.recv_timeout(PASTE_GAP).ok()
                    } else {
                        inbox.try_recv().ok()
                    };
                    if enter_in_editor && next.as_ref().is_some_and(continues_text) {
                        current = Event::Key(event::KeyEvent::new(
                            event::KeyCode::Char('j'),
                            event::KeyModifiers::CONTROL,
                        ));
                    }
                    handle(app, &mut terminal, current)?;
                    match next {
                        Some(event) => current = event,
                        None => break,
                    }
                    if app.quit || stop.load(Ordering::Relaxed) {
                        break;
                    }
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                // Redrawn only if that changed what is shown: a failure in the footer, or
                // [+] gone when the edits led back to the saved text.
                let (status, dirty) = (app.status.clone(), app.dirty());
                app.write_recovery();
                app.recovery_failure();
                redraw = app.status != status || app.dirty() != dirty;
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

/// Applies one terminal event to the app.
fn handle(
    app: &mut App,
    terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
    event: Event,
) -> io::Result<()> {
    match event {
        Event::Key(key) => update_or_recover(app, Action::Key(key)),
        Event::Paste(text) => update_or_recover(app, Action::Paste(text)),
        Event::Resize(..) => terminal.autoresize()?,
        _ => {}
    }
    Ok(())
}

/// How soon after an Enter in an editor more text must come for the Enter to be a line
/// break inside a paste (a person's next key comes far later).
const PASTE_GAP: Duration = Duration::from_millis(8);

/// Enter with no modifier, pressed.
fn is_plain_enter(event: &Event) -> bool {
    matches!(event, Event::Key(key) if key.code == event::KeyCode::Enter
        && key.modifiers.is_empty()
        && key.kind != event::KeyEventKind::Release)
}

/// Text that goes on: a printable character, or a paste.
fn continues_text(event: &Event) -> bool {
    match event {
        Event::Key(key) => {
            matches!(key.code, event::KeyCode::Char(_))
                && !key
                    .modifiers
                    .intersects(event::KeyModifiers::CONTROL | event::KeyModifiers::ALT)
        }
        Event::Paste(_) => true,
        _ => false,
    }
}

/// How long the user pauses before the recovery file is brought up to date (and at the
/// latest `app::RECOVERY_MAX_DELAY` after a committed edit, however fast the keys come).
const RECOVERY_PAUSE: Duration = Duration::from_millis(40);

/// Updates the app; should that panic, the recovery file is brought up to date before the
/// panic goes on (to restore the terminal and end the process).
fn update_or_recover(app: &mut App, action: Action) {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| app.update(action)));
    if let Err(panic) = result {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            app.write_recovery();
            app.settle_recovery();
        }));
        std::panic::resume_unwind(panic);
    }
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

/// Whether the terminal holds input not yet read.
fn input_pending() -> bool {
    let mut pending: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int into the one we own.
    let ok = unsafe { libc::ioctl(libc::STDIN_FILENO, libc::FIONREAD, &mut pending) } == 0;
    ok && pending > 0
}

/// Makes the terminal report its unread input again: setting its modes (to what they are)
/// wakes whoever waits to read it, crossterm's poll included.
fn wake_input() {
    // SAFETY: tcgetattr writes into the termios we own; tcsetattr reads it.
    unsafe {
        let mut termios: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(libc::STDIN_FILENO, &mut termios) == 0 {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &termios);
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
/// `warnings` (a locale that is not UTF-8, say) are shown in the footer once the screen is
/// up, where they can be read; stderr is hidden by the full screen at once.
pub fn open_and_run(file: Option<PathBuf>, read_only: bool, warnings: Vec<String>) -> i32 {
    stop_requested();
    let schemes = crate::scheme::SchemeSet::load();
    let (keymap, mut problems) = keymap::Keymap::load();
    problems.extend(warnings);
    let mut app = loop {
        let text = match &file {
            Some(path) => match crate::store::read_report_file(path) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) => {
                    eprintln!("{}", crate::sanitize::visible_inline(&e.to_string()));
                    return 2;
                }
            },
            None => app::BUNDLED_EXAMPLE.to_owned(),
        };
        // Bad UTF-8 is reported by the loader from the bytes, not from the lossy text.
        let bytes_failure = file
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .filter(|b| std::str::from_utf8(b).is_err())
            .and_then(|b| crate::scheme::load(&b, &schemes).err());
        let opened = match bytes_failure {
            Some(failure) => Err(failure),
            None => App::open(
                &text,
                file.clone(),
                read_only,
                schemes.clone(),
                keymap.clone(),
            )
            .map_err(|f| crate::store::LoadFailure {
                source: f.source,
                findings: f.findings,
                scheme_key: Default::default(),
            }),
        };
        match opened {
            Ok(app) => break app,
            Err(failure) => {
                let path = file
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("（内置示例）"));
                if file.is_none() || !std::io::IsTerminal::is_terminal(&io::stdout()) {
                    return report_open_failure(&path, Some(failure));
                }
                let report = crate::check::FileReport {
                    file: path.display().to_string(),
                    outcome: crate::check::Outcome::Failed {
                        source: failure.source,
                        findings: failure.findings,
                    },
                };
                let mut text =
                    crate::check::render_text(&[report], crate::check::Palette { color: false });
                let recovered = recovery_of_unloadable(&path, &schemes);
                if let Some((files, _)) = &recovered {
                    text.insert_str(
                        0,
                        &format!(
                            "恢复文件 {} 保存着上次未保存编辑后的完整文档。\n按 o 用它打开（保存时会先询问，磁盘上这份无法载入的版本另存为 .theirs）。\n\n",
                            crate::sanitize::visible_inline(&files.recovery.display().to_string())
                        ),
                    );
                }
                match error_screen(&path, &text, recovered.is_some()) {
                    Ok(ErrorChoice::Reload) => continue,
                    Ok(ErrorChoice::OpenRecovery) => {
                        let Some((_, recovered)) = recovered else {
                            return 2;
                        };
                        let disk = std::fs::read(&path).unwrap_or_default();
                        match App::open_recovered(
                            &recovered,
                            path.clone(),
                            disk,
                            schemes.clone(),
                            keymap.clone(),
                        ) {
                            Ok(app) => break app,
                            Err(_) => return 2,
                        }
                    }
                    _ => return 2,
                }
            }
        }
    };
    // Last year's report beside the file, looked for once; every re-check compares with it.
    if let Some(path) = &file {
        let (previous, note) = crate::previous::beside(path, &app.report, &schemes);
        if previous.is_some() {
            app.set_previous(previous);
        }
        problems.extend(note);
    }
    if !problems.is_empty() {
        app.warn_startup(problems.join("；"));
    }
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

/// The recovery file of a report that does not load, when it holds a document that does.
fn recovery_of_unloadable(
    path: &std::path::Path,
    schemes: &crate::scheme::SchemeSet,
) -> Option<(crate::store::SessionFiles, String)> {
    let files = crate::store::SessionFiles::for_file(&crate::store::resolve_target(path));
    let recovery = files.read_recovery().ok()??;
    crate::scheme::load(recovery.text.as_bytes(), schemes).ok()?;
    Some((files, recovery.text))
}

/// What the user chose on the error screen.
enum ErrorChoice {
    Reload,
    OpenRecovery,
    Quit,
}

/// The error screen: a file that does not load is shown with its errors, the workbench
/// waits for the user to fix it elsewhere and press g to reload (or o to open its recovery
/// file, when it has one).
fn error_screen(
    path: &std::path::Path,
    report: &str,
    has_recovery: bool,
) -> io::Result<ErrorChoice> {
    let stop = Arc::clone(stop_requested());
    use ratatui::text::Line;
    use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
    let theme = theme::Theme::from_env();
    let _guard = TerminalGuard::enter()?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let lines: Vec<Line> = report.lines().map(|l| Line::from(l.to_owned())).collect();
    let mut scroll: u16 = 0;
    loop {
        terminal.draw(|frame| {
            let area = frame.area();
            let title = format!(
                " 无法打开 {} · 修正后按 g 重新载入{} · q 退出 · ↑↓ 滚动 ",
                crate::sanitize::visible_inline(&path.display().to_string()),
                if has_recovery {
                    " · o 打开恢复文件"
                } else {
                    ""
                }
            );
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(theme.bad())
                .title(ratatui::text::Span::styled(title, theme.title()));
            frame.render_widget(
                Paragraph::new(lines.clone())
                    .wrap(Wrap { trim: false })
                    .block(block)
                    .scroll((scroll, 0)),
                area,
            );
        })?;
        if stop.load(Ordering::Relaxed) {
            if !terminal_alive() {
                std::mem::forget(terminal);
            }
            return Ok(ErrorChoice::Quit);
        }
        if !event::poll(Duration::from_millis(200))? {
            if !terminal_alive() {
                std::mem::forget(terminal);
                return Ok(ErrorChoice::Quit);
            }
            continue;
        }
        if let Event::Key(key) = event::read()? {
            match key.code {
                event::KeyCode::Char('g') | event::KeyCode::Char('r') => {
                    return Ok(ErrorChoice::Reload);
                }
                event::KeyCode::Char('o') if has_recovery => {
                    return Ok(ErrorChoice::OpenRecovery);
                }
                event::KeyCode::Char('q') | event::KeyCode::Esc => return Ok(ErrorChoice::Quit),
                event::KeyCode::Down | event::KeyCode::Char('j') => {
                    scroll = scroll.saturating_add(1)
                }
                event::KeyCode::Up | event::KeyCode::Char('k') => scroll = scroll.saturating_sub(1),
                _ => {}
            }
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
