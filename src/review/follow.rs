//! Following a folder while the review screen is open: a thread scans it every few seconds
//! (modification times, sizes and inodes; no inotify, so it works on NFS too) and sends
//! the rows of files added or changed, and the names of files gone.

use super::{Row, Stamp, check_rows, plan, scan};
use crate::scheme::SchemeSet;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

/// How often the folder is scanned.
pub const INTERVAL: Duration = Duration::from_secs(2);

/// What the follower found.
#[derive(Debug)]
pub enum Update {
    /// A scan began: `pending` files are being checked, `removed` are gone.
    Scan {
        pending: usize,
        removed: Vec<PathBuf>,
    },
    /// One file checked.
    Row(Box<Row>),
    /// The scan's files are all checked.
    Done,
}

/// The thread that follows a folder; stops when dropped.
pub struct Follower {
    pub updates: Receiver<Update>,
    stop: Arc<AtomicBool>,
    /// The completeness check (N05) is on: every file is checked again when it changes.
    complete: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Follower {
    /// Starts following `root`: the first scan at once, then one every `interval`.
    pub fn start(root: &Path, schemes: SchemeSet, interval: Duration) -> Follower {
        let (send, updates) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let root = root.to_path_buf();
        let stopped = Arc::clone(&stop);
        let complete = Arc::new(AtomicBool::new(false));
        let wanted = Arc::clone(&complete);
        let thread =
            std::thread::spawn(move || follow(&root, &schemes, interval, &stopped, &wanted, &send));
        Follower {
            updates,
            stop,
            complete,
            thread: Some(thread),
        }
    }

    /// Turns the completeness check (N05, as `check --complete`) on or off: every file is
    /// checked again at once.
    pub fn set_complete(&self, on: bool) {
        self.complete.store(on, Ordering::Relaxed);
        if let Some(thread) = &self.thread {
            thread.thread().unpark();
        }
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            // Not joined: a scan under way stops sending and ends on its own, and quitting
            // never waits for it.
            thread.thread().unpark();
        }
    }
}

fn follow(
    root: &Path,
    schemes: &SchemeSet,
    interval: Duration,
    stop: &AtomicBool,
    complete: &AtomicBool,
    send: &Sender<Update>,
) {
    let mut known: HashMap<PathBuf, Option<Stamp>> = HashMap::new();
    // The first scan is always reported (an empty folder too); later ones when they found
    // something.
    let mut first = true;
    let mut options = crate::check::CheckOptions::default();
    while !stop.load(Ordering::Relaxed) {
        // The completeness check turned on or off: every file is checked again.
        let wanted = complete.load(Ordering::Relaxed);
        if wanted != options.complete {
            options.complete = wanted;
            known.clear();
        }
        let found = scan(root);
        let plan = plan(&known, &found);
        if first || !plan.check.is_empty() || !plan.removed.is_empty() {
            first = false;
            if send
                .send(Update::Scan {
                    pending: plan.check.len(),
                    removed: plan.removed.clone(),
                })
                .is_err()
            {
                return;
            }
            for gone in &plan.removed {
                known.remove(gone);
            }
            let made = std::sync::Mutex::new(Vec::new());
            check_rows(&plan.check, root, schemes, &options, &|row| {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                made.lock()
                    .expect("no worker panics holding it")
                    .push((row.file.clone(), row.stamp));
                let _ = send.send(Update::Row(Box::new(row)));
            });
            for (file, stamp) in made.into_inner().expect("the workers are done") {
                known.insert(file, stamp);
            }
            if send.send(Update::Done).is_err() {
                return;
            }
        }
        std::thread::park_timeout(interval);
    }
}
