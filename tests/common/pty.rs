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

    fn start_program(program: &str, args: &[&str], cols: u16, rows: u16) -> Session {
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
        let child = pty.slave.spawn_command(cmd).expect("the binary starts");
        drop(pty.slave);
        let writer = pty.master.take_writer().expect("a writer");
        let output = Arc::new(Mutex::new(String::new()));
        Session {
            output,
            writer,
            child,
            master: Some(pty.master),
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
                    let text = String::from_utf8_lossy(&buf[..n as usize]).into_owned();
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
