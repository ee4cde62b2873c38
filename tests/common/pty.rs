//! A real pseudo-terminal around the real binary, for end-to-end tests.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Session {
    pub output: Arc<Mutex<String>>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Option<Box<dyn portable_pty::MasterPty + Send>>,
    /// The start of a character whose other bytes have not been read yet: a read can end
    /// in the middle of one, and decoding it alone would make it U+FFFD for good.
    partial: Mutex<Vec<u8>>,
}

impl Session {
    pub fn start(args: &[&str], cols: u16, rows: u16) -> Session {
        Session::start_program(env!("CARGO_BIN_EXE_jixiao"), args, cols, rows)
    }

    /// Starts the workbench with SIGHUP ignored (as under `nohup`).
    pub fn start_ignoring_hangup(args: &[&str], cols: u16, rows: u16) -> Session {
        let mut all = vec![
            "-c",
            "trap '' HUP; exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_jixiao"),
        ];
        all.extend_from_slice(args);
        Session::start_program("sh", &all, cols, rows)
    }

    /// Starts the binary with more environment (a private XDG_DATA_HOME, say).
    pub fn start_with_env(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Session {
        Session::start_program_env(env!("CARGO_BIN_EXE_jixiao"), args, env, cols, rows)
    }

    pub fn start_program(program: &str, args: &[&str], cols: u16, rows: u16) -> Session {
        Session::start_program_env(program, args, &[], cols, rows)
    }

    fn start_program_env(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        cmd.env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("jixiao-pty-no-config"),
        );
        for (key, value) in env {
            cmd.env(key, value);
        }
        let child = pty.slave.spawn_command(cmd).expect("the binary starts");
        drop(pty.slave);
        let writer = pty.master.take_writer().expect("a writer");
        let output = Arc::new(Mutex::new(String::new()));
        Session {
            output,
            writer,
            child,
            master: Some(pty.master),
            partial: Mutex::new(Vec::new()),
        }
    }

    /// Sends keys and reads only what is already there: keys as fast as a held key repeats.
    pub fn send_quick(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        self.drain(0);
    }

    /// Reads what the workbench printed, waiting up to 50 ms for it. Reading happens here,
    /// not in a thread holding a second handle, so that closing the master really hangs up.
    fn pump(&self) {
        self.drain(50);
    }

    /// Reads what the workbench printed, waiting up to `wait_ms` for the first of it.
    fn drain(&self, wait_ms: i32) {
        let Some(fd) = self.master.as_ref().and_then(|m| m.as_raw_fd()) else {
            std::thread::sleep(Duration::from_millis(50));
            return;
        };
        let mut poll = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, and a buffer of the length given.
        unsafe {
            if libc::poll(&mut poll, 1, wait_ms) > 0 && poll.revents & libc::POLLIN != 0 {
                let mut buf = [0u8; 8192];
                let n = libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
                if n > 0 {
                    let mut bytes = self.partial.lock().unwrap();
                    bytes.extend_from_slice(&buf[..n as usize]);
                    // Keep an incomplete character at the end for the next read.
                    let keep = match std::str::from_utf8(&bytes) {
                        Ok(_) => 0,
                        Err(e) if e.error_len().is_none() => bytes.len() - e.valid_up_to(),
                        Err(_) => 0,
                    };
                    let whole = bytes.len() - keep;
                    let rest = bytes.split_off(whole);
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    *bytes = rest;
                    self.output.lock().unwrap().push_str(&text);
                }
            }
        }
    }

    pub fn wait_for(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            self.pump();
            if strip_escapes(&self.output.lock().unwrap()).contains(needle) {
                return;
            }
        }
        let seen = strip_escapes(&self.output.lock().unwrap());
        let tail: String = seen
            .chars()
            .rev()
            .take(600)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        panic!("never saw {needle:?}; the screen text ends with:\n{tail}");
    }

    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Keep draining the screen so the workbench never blocks on a full pty buffer.
        for _ in 0..3 {
            self.pump();
        }
    }

    pub fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            self.pump();
        }
        let _ = self.child.kill();
        panic!("the workbench did not exit");
    }
}

/// The screen text without CSI sequences, so that `只` ESC[40;3H `读` reads as `只读`.
pub fn strip_escapes(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if ('@'..='~').contains(&d) {
                        break;
                    }
                }
            } else {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl Session {
    /// Sends a signal to the workbench process.
    pub fn signal(&mut self, signal: i32) {
        let pid = self.child.process_id().expect("a pid") as i32;
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(pid, signal);
        }
    }

    /// Closes the terminal under the workbench, as a dropped SSH connection does.
    pub fn hang_up(&mut self) {
        self.master.take();
        let (_, dead) = std::io::pipe().expect("a pipe");
        self.writer = Box::new(dead);
    }

    /// Forgets what was printed so far (to wait for what comes next).
    pub fn clear_output(&self) {
        self.output.lock().unwrap().clear();
    }
}

/// Waits until `check` holds for the file's text.
pub fn wait_for_file(path: &std::path::Path, check: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if std::fs::read_to_string(path).is_ok_and(|t| check(&t)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} never reached the expected state",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for Session {
    /// A test that fails half-way must not leave a workbench running.
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Session {
    /// Starts `program` (the binary, or a copy of it other users may run) as another user,
    /// through `setpriv` (the tests run as root): `ids` say who (`--reuid=…`, `--regid=…`,
    /// `--groups=…`), `env` what the user's environment holds (HOME, XDG_CONFIG_HOME).
    pub fn start_as(
        ids: &[String],
        env: &[(&str, &std::path::Path)],
        program: &std::path::Path,
        args: &[&str],
        cols: u16,
        rows: u16,
    ) -> Session {
        let mut all: Vec<String> = ids.to_vec();
        all.push("--".into());
        all.push("env".into());
        for (key, value) in env {
            all.push(format!("{key}={}", value.display()));
        }
        all.push(program.display().to_string());
        all.extend(args.iter().map(|a| a.to_string()));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        Session::start_program("setpriv", &all, cols, rows)
    }
}

impl Session {
    /// Waits until the screen shows `needle` on one of its lines. Unlike `wait_for`, which
    /// reads the stream of text, this follows the cursor moves into a grid of cells: the
    /// workbench redraws only the cells that change, so a new message in the footer over the
    /// key help, or a dialog over the table, leaves out every character that was already
    /// there, and the text is whole only on the screen.
    /// Waits until the screen (as `wait_for_screen` follows it) passes `check`; returns when
    /// the output that made it pass was read, or None after `timeout`.
    pub fn screen_until(
        &self,
        check: impl Fn(&Screen) -> bool,
        timeout: Duration,
    ) -> Option<Instant> {
        let size = self.master.as_ref()?.get_size().ok()?;
        let mut screen = Screen::new(size.cols.into(), size.rows.into());
        let mut fed = 0;
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            self.drain(50);
            let read = Instant::now();
            let output = self.output.lock().unwrap();
            screen.feed(&output[fed..]);
            fed = output.len();
            drop(output);
            if check(&screen) {
                return Some(read);
            }
        }
        None
    }

    pub fn wait_for_screen(&self, needle: &str) {
        let size = self
            .master
            .as_ref()
            .expect("a terminal")
            .get_size()
            .expect("a size");
        let mut screen = Screen::new(size.cols.into(), size.rows.into());
        let mut fed = 0;
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            self.pump();
            let output = self.output.lock().unwrap();
            if output.len() < fed {
                // The output was cleared: start again from whatever comes now.
                screen = Screen::new(size.cols.into(), size.rows.into());
                fed = 0;
            }
            screen.feed(&output[fed..]);
            fed = output.len();
            drop(output);
            if screen.shows(needle) {
                return;
            }
        }
        panic!(
            "never saw {needle:?}; the screen is:\n{}",
            screen.lines().join("\n")
        );
    }
}

/// A terminal's grid of cells, as far as the workbench uses it: text, cursor moves (CSI H,
/// A–D, G), clearing (CSI J, K); every other sequence is ignored.
pub struct Screen {
    cells: Vec<Vec<char>>,
    row: usize,
    col: usize,
    /// The start of an escape sequence the output so far ends in the middle of.
    pending: String,
}

/// The cell a wide character covers besides its own.
const COVERED: char = '\0';

impl Screen {
    pub fn new(cols: usize, rows: usize) -> Screen {
        Screen {
            cells: vec![vec![' '; cols]; rows],
            row: 0,
            col: 0,
            pending: String::new(),
        }
    }

    /// Follows more of the output.
    pub fn feed(&mut self, text: &str) {
        let text = std::mem::take(&mut self.pending) + text;
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c != '\u{1b}' {
                self.put(c);
                i += 1;
                continue;
            }
            match chars.get(i + 1) {
                None => {
                    self.pending = chars[i..].iter().collect();
                    return;
                }
                Some('[') => {
                    let Some(end) = (i + 2..chars.len()).find(|&j| ('@'..='~').contains(&chars[j]))
                    else {
                        self.pending = chars[i..].iter().collect();
                        return;
                    };
                    let params: String = chars[i + 2..end].iter().collect();
                    self.csi(&params, chars[end]);
                    i = end + 1;
                }
                Some(']') => {
                    // An operating system command, up to BEL or ESC \.
                    let Some(end) =
                        (i + 2..chars.len()).find(|&j| chars[j] == '\u{7}' || chars[j] == '\u{1b}')
                    else {
                        self.pending = chars[i..].iter().collect();
                        return;
                    };
                    i = end + if chars[end] == '\u{7}' { 1 } else { 2 };
                }
                Some(_) => i += 2,
            }
        }
    }

    fn csi(&mut self, params: &str, command: char) {
        let numbers: Vec<usize> = params
            .trim_start_matches('?')
            .split(';')
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        let n = |i: usize| numbers.get(i).copied().filter(|&n| n > 0).unwrap_or(1);
        let (rows, cols) = (self.cells.len(), self.cells[0].len());
        match command {
            'H' | 'f' => {
                self.row = (n(0) - 1).min(rows - 1);
                self.col = (n(1) - 1).min(cols - 1);
            }
            'A' => self.row = self.row.saturating_sub(n(0)),
            'B' => self.row = (self.row + n(0)).min(rows - 1),
            'C' => self.col = (self.col + n(0)).min(cols - 1),
            'D' => self.col = self.col.saturating_sub(n(0)),
            'G' => self.col = (n(0) - 1).min(cols - 1),
            'J' => {
                let (row, col) = (self.row, self.col);
                for (r, line) in self.cells.iter_mut().enumerate() {
                    for (c, cell) in line.iter_mut().enumerate() {
                        let after = (r, c) >= (row, col);
                        let clear = match numbers[0] {
                            0 => after,
                            1 => !after,
                            _ => true,
                        };
                        if clear {
                            *cell = ' ';
                        }
                    }
                }
            }
            'K' => {
                let col = self.col;
                for (c, cell) in self.cells[self.row].iter_mut().enumerate() {
                    let clear = match numbers[0] {
                        0 => c >= col,
                        1 => c <= col,
                        _ => true,
                    };
                    if clear {
                        *cell = ' ';
                    }
                }
            }
            _ => {}
        }
    }

    fn put(&mut self, c: char) {
        match c {
            '\r' => self.col = 0,
            '\n' => self.row = (self.row + 1).min(self.cells.len() - 1),
            c if c < ' ' => {}
            c => {
                let width = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                let line = &mut self.cells[self.row];
                if width == 0 || self.col + width > line.len() {
                    return;
                }
                // As a terminal does: writing over either half of a wide character erases
                // its other half.
                for at in self.col..self.col + width {
                    if line[at] == COVERED && at > 0 {
                        line[at - 1] = ' ';
                    }
                    if at + 1 < line.len() && line[at + 1] == COVERED {
                        line[at + 1] = ' ';
                    }
                }
                line[self.col] = c;
                if width == 2 {
                    line[self.col + 1] = COVERED;
                }
                self.col += width;
            }
        }
    }

    /// The text of each line (a wide character once).
    pub fn lines(&self) -> Vec<String> {
        self.cells
            .iter()
            .map(|line| line.iter().filter(|&&c| c != COVERED).collect())
            .collect()
    }

    /// Whether a line holds `needle`; a run of U+FFFD (a character cut in two between reads,
    /// each read being decoded on its own) stands for any one character.
    pub fn shows(&self, needle: &str) -> bool {
        self.lines()
            .iter()
            .any(|line| contains_across_reads(line, needle))
    }
}

/// Whether `haystack` holds `needle`, a run of U+FFFD in it standing for any one character.
pub fn contains_across_reads(haystack: &str, needle: &str) -> bool {
    let hay: Vec<char> = haystack.chars().collect();
    let want: Vec<char> = needle.chars().collect();
    let matches_at = |mut i: usize| {
        for &c in &want {
            match hay.get(i) {
                Some(&h) if h == c => i += 1,
                Some('\u{FFFD}') => {
                    while hay.get(i) == Some(&'\u{FFFD}') {
                        i += 1;
                    }
                }
                _ => return false,
            }
        }
        true
    };
    want.is_empty() || (0..hay.len()).any(matches_at)
}
