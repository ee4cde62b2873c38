//! The workbench: a terminal front end over the report core (TEA: app state, actions,
//! update, view), with a terminal guard that always restores the terminal.

pub mod app;
pub mod class;
pub mod form;
pub mod history;
pub mod keymap;
pub mod prompts;
mod recorder;
pub mod review;
pub mod review_view;
pub mod text;
pub mod theme;
pub mod tutor;
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

/// The terminal's events, read on a thread of their own for the whole process: crossterm's
/// read can spin on a terminal that has gone away, and a loop must still notice SIGHUP and
/// leave. One reader serves every screen (the workbench, the lesson list, the class grid),
/// so that no key is taken by a reader whose screen has closed.
fn inbox() -> &'static std::sync::Mutex<std::sync::mpsc::Receiver<Event>> {
    static INBOX: std::sync::OnceLock<std::sync::Mutex<std::sync::mpsc::Receiver<Event>>> =
        std::sync::OnceLock::new();
    INBOX.get_or_init(|| {
        let (events, inbox) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            while let Ok(event) = event::read() {
                if events.send(event).is_err() {
                    break;
                }
                // crossterm reads the terminal 1 KiB at a time and waits for it on an
                // edge-triggered poll: once its queue is empty, bytes of a long burst still in
                // the terminal (a paste arriving as keystrokes) are read only when more
                // arrive, so keys would act late. Should that be so, the terminal is woken up.
                if !event::poll(Duration::ZERO).unwrap_or(true) && input_pending() {
                    wake_input();
                }
            }
        });
        std::sync::Mutex::new(inbox)
    })
}

/// A full screen held open: raw mode and the alternate screen (restored when dropped), and
/// ratatui's terminal over it. The workbench and the screens around it (the lesson list, the
/// class grid, a rule's explanation) take turns on one `Screen`; ratatui redraws only what
/// differs between their frames.
pub struct Screen {
    /// None once the terminal has gone away (its Drop would write to it).
    terminal: Option<Terminal<CrosstermBackend<io::Stdout>>>,
    _guard: TerminalGuard,
    pub theme: theme::Theme,
}

/// What waiting for the next event brought.
pub enum Next {
    Event(Event),
    /// Nothing within the wait (a screen that polls does its work now).
    Idle,
    /// The terminal was resized (and the screen's buffer with it): draw again.
    Resized,
    /// A signal asked to stop, or the terminal has gone away.
    Stop,
}

impl Screen {
    pub fn open() -> io::Result<Screen> {
        stop_requested();
        let theme = theme::Theme::from_env();
        let guard = TerminalGuard::enter()?;
        // No `terminal.clear()`: it asks the terminal for the cursor position, which a slow
        // or scripted terminal may never answer. The alternate screen was cleared on entry.
        let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(Screen {
            terminal: Some(terminal),
            _guard: guard,
            theme,
        })
    }

    /// Draws a frame.
    pub fn draw(&mut self, render: impl FnOnce(&mut ratatui::Frame)) -> io::Result<()> {
        if let Some(terminal) = &mut self.terminal {
            terminal.draw(render)?;
        }
        Ok(())
    }

    /// Waits at most `wait` for the next event; a resize is applied here.
    pub fn next(&mut self, wait: Duration) -> io::Result<Next> {
        if stop_requested().load(Ordering::Relaxed) {
            return Ok(Next::Stop);
        }
        let received = inbox()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .recv_timeout(wait);
        match received {
            Ok(Event::Resize(..)) => {
                if let Some(terminal) = &mut self.terminal {
                    terminal.autoresize()?;
                }
                Ok(Next::Resized)
            }
            Ok(event) => Ok(Next::Event(event)),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if stop_requested().load(Ordering::Relaxed) {
                    return Ok(Next::Stop);
                }
                if !terminal_alive() {
                    self.lose_terminal();
                    return Ok(Next::Stop);
                }
                Ok(Next::Idle)
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Ok(Next::Stop),
        }
    }

    /// Whether a signal asked every screen to stop.
    pub fn stopping(&self) -> bool {
        stop_requested().load(Ordering::Relaxed) || self.terminal.is_none()
    }

    /// The terminal has gone away: ratatui's Drop would try to show the cursor on it, and
    /// report the failure on a stderr that is gone too (which panics).
    fn lose_terminal(&mut self) {
        if let Some(terminal) = self.terminal.take() {
            std::mem::forget(terminal);
        }
    }

    /// Runs the workbench on this screen until the user quits (or a signal asks it to stop).
    pub fn run_app(&mut self, app: &mut App) -> io::Result<()> {
        let stop = Arc::clone(stop_requested());
        let theme = self.theme;
        let Some(terminal) = &mut self.terminal else {
            return Ok(());
        };
        let inbox = inbox().lock().unwrap_or_else(|e| e.into_inner());
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
                    // Every event already waiting is applied before the next frame: a paste
                    // that arrives as plain keystrokes is thousands of keys, and drawing after
                    // each would make later keys act late.
                    let mut current = first;
                    // Events read ahead to judge an Enter (below), applied in order after it.
                    let mut ahead = std::collections::VecDeque::new();
                    // Characters of text that came just before `current` in this burst.
                    let mut run = 0;
                    loop {
                        let enter_in_editor = is_plain_enter(&current)
                            && matches!(&app.mode, app::Mode::Editing(editor) if editor.multiline);
                        // A paste arriving as keystrokes carries its line breaks as Enter: in a
                        // long text, an Enter inside such a paste is a line break, not "commit"
                        // (which would send the rest of the paste to the form as commands).
                        // Keys typed ahead of a slow connection arrive in a burst too, so the
                        // burst must also look like a paste: text right after the Enter, and
                        // enough of it around the Enter. A short value takes no line break.
                        let line_break =
                            enter_in_editor && pasted_line_break(run, &mut ahead, &inbox);
                        if line_break {
                            current = Event::Key(event::KeyEvent::new(
                                event::KeyCode::Char('j'),
                                event::KeyModifiers::CONTROL,
                            ));
                        }
                        // Characters typed into an open editor in one burst go in at once: the
                        // text area re-wraps its whole text after every insertion, so a paste
                        // arriving as 2,000 keys into a long text would cost 2,000 re-wraps.
                        if matches!(app.mode, app::Mode::Editing(_))
                            && let Some(first) = plain_char(&current)
                        {
                            let mut typed = String::from(first);
                            while let Some(event) =
                                ahead.pop_front().or_else(|| inbox.try_recv().ok())
                            {
                                match plain_char(&event) {
                                    Some(c) => typed.push(c),
                                    None => {
                                        ahead.push_front(event);
                                        break;
                                    }
                                }
                            }
                            if typed.len() > first.len_utf8() {
                                current = Event::Paste(typed);
                            }
                        }
                        run = match text_len(&current) {
                            Some(n) => run + n,
                            None if line_break => run,
                            None => 0,
                        };
                        handle(app, terminal, current)?;
                        match ahead.pop_front().or_else(|| inbox.try_recv().ok()) {
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
        drop(inbox);
        if !terminal_alive() {
            self.lose_terminal();
        }
        Ok(())
    }
}

/// Runs the workbench until the user quits (or a signal asks it to stop).
pub fn run(app: &mut App) -> io::Result<()> {
    Screen::open()?.run_app(app)
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

/// How many characters of text must come around an Enter, within a burst, for it to be a
/// line break inside a paste rather than a commit typed ahead (`Enter 乙 Enter l Enter 丙`).
const PASTE_RUN: usize = 8;

/// Whether the Enter just received in a long-text editor is a line break inside a paste:
/// more of the burst follows it, each event within `PASTE_GAP`, and the text around it
/// (`before` characters, then what follows, read ahead into `ahead` through further
/// Enters, up to any other key) comes to `PASTE_RUN` characters.
fn pasted_line_break(
    before: usize,
    ahead: &mut std::collections::VecDeque<Event>,
    inbox: &std::sync::mpsc::Receiver<Event>,
) -> bool {
    let mut i = 0;
    let mut after = 0;
    loop {
        if i == ahead.len() {
            match inbox.recv_timeout(PASTE_GAP) {
                Ok(event) => ahead.push_back(event),
                Err(_) => return false,
            }
        }
        match text_len(&ahead[i]) {
            Some(n) => after += n,
            // The paste's other line breaks (a blank line between paragraphs, too).
            None if is_plain_enter(&ahead[i]) => {}
            None => return false,
        }
        if after > 0 && before + after >= PASTE_RUN {
            return true;
        }
        i += 1;
    }
}

/// The character a key types, for a printable character with no Ctrl or Alt.
fn plain_char(event: &Event) -> Option<char> {
    match event {
        Event::Key(key) if key.kind != event::KeyEventKind::Release => keymap::typed_char(key),
        _ => None,
    }
}

/// The characters of text an event carries: one for a printable character, a paste's
/// length; None for anything else.
fn text_len(event: &Event) -> Option<usize> {
    match event {
        Event::Paste(text) => Some(text.chars().count()),
        _ => plain_char(event).map(|_| 1),
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
    // Last year's report beside the file, looked for once when the file loads; every check
    // compares with it, the first included.
    let mut previous_note = None;
    let mut app = loop {
        let bytes = match &file {
            Some(path) => match crate::store::read_report_file(path) {
                Ok(bytes) => Some(bytes),
                Err(e) => {
                    eprintln!("{}", crate::sanitize::visible_inline(&e.to_string()));
                    return 2;
                }
            },
            None => None,
        };
        let text = match &bytes {
            Some(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            None => app::BUNDLED_EXAMPLE.to_owned(),
        };
        // Bad UTF-8 is reported by the loader from the bytes, not from the lossy text.
        let bytes_failure = bytes
            .as_deref()
            .filter(|b| std::str::from_utf8(b).is_err())
            .and_then(|b| crate::scheme::load(b, &schemes).err());
        let opened = match bytes_failure {
            Some(failure) => Err(failure),
            None => App::open_comparing(
                &text,
                file.clone(),
                read_only,
                schemes.clone(),
                keymap.clone(),
                |report| {
                    let path = file.as_ref()?;
                    let (previous, note) = crate::previous::beside(path, report, &schemes);
                    previous_note = note;
                    previous
                },
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
                let mut text = failure_text(&path, failure);
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
                            Ok(mut app) => {
                                let (previous, note) =
                                    crate::previous::beside(&path, &app.report, &schemes);
                                if previous.is_some() {
                                    app.set_previous(previous);
                                }
                                previous_note = note;
                                break app;
                            }
                            Err(_) => return 2,
                        }
                    }
                    _ => return 2,
                }
            }
        }
    };
    problems.extend(previous_note);
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

/// Why a file does not load, as `check` prints it (without colour).
fn failure_text(path: &std::path::Path, failure: crate::store::LoadFailure) -> String {
    let report = crate::check::FileReport {
        file: path.display().to_string(),
        outcome: crate::check::Outcome::Failed {
            source: failure.source,
            findings: failure.findings,
        },
    };
    crate::check::render_text(&[report], crate::check::Palette { color: false })
}

/// A file that does not load is not opened: its errors are printed as `check` prints them.
fn report_open_failure(path: &std::path::Path, failure: Option<crate::store::LoadFailure>) -> i32 {
    let Some(failure) = failure else { return 2 };
    eprint!("{}", failure_text(path, failure));
    eprintln!("请先修正以上错误，再用 jixiao edit 打开。");
    2
}

/// `jixiao explain ID --screen`: the rule's explanation full screen, as the workbench shows
/// it, until q or Esc. Returns false when there is no such rule.
pub fn explain_screen(id: &str) -> io::Result<bool> {
    let Some(rule) = crate::rules::catalog::find(id) else {
        return Ok(false);
    };
    let mut page = view::explain::PageScreen::rule(rule);
    let mut screen = Screen::open()?;
    let theme = screen.theme;
    while !page.closed && !screen.stopping() {
        screen.draw(|frame| page.draw(frame, theme))?;
        if let Next::Event(Event::Key(key)) = screen.next(Duration::from_millis(200))? {
            page.key(key);
        } else if screen.stopping() {
            break;
        }
    }
    Ok(true)
}
