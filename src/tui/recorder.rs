//! Writes the recovery file on a thread of its own: on a large report writing (and syncing)
//! 2 MB takes longer than an edit, and the next key should not wait for the disk.
//!
//! Jobs are done in the order they were given, so a removal after a save can never be
//! overtaken by an older write; `settle` waits for every job given so far (before the
//! process ends, and after a panic).

use crate::store::SessionFiles;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

enum Job {
    Write {
        files: SessionFiles,
        bytes: Vec<u8>,
    },
    Remove(SessionFiles),
    /// The user quit without saving: the recovery becomes the discarded copy.
    Discard(SessionFiles),
    /// A save holds every edit: the recovery and the discarded copy go.
    Saved(SessionFiles),
    Settle(Sender<()>),
}

/// The recovery file's writer (its thread starts with the first job).
#[derive(Default)]
pub struct Recorder {
    worker: Option<(Sender<Job>, JoinHandle<()>)>,
    failures: Option<Receiver<String>>,
}

impl Recorder {
    fn send(&mut self, job: Job) {
        if self.worker.is_none() {
            let (jobs, inbox) = channel::<Job>();
            let (failed, failures) = channel();
            let handle = std::thread::spawn(move || {
                for job in inbox {
                    match job {
                        Job::Write { files, bytes } => {
                            if let Err(e) = files.write_encoded(&bytes) {
                                let _ = failed.send(e.to_string());
                            }
                        }
                        Job::Remove(files) => files.remove_recovery(),
                        Job::Discard(files) => {
                            if files.recovery.exists()
                                && let Err(e) = files.discard_recovery()
                            {
                                let _ = failed.send(e.to_string());
                            }
                        }
                        Job::Saved(files) => {
                            files.remove_recovery();
                            files.remove_discarded();
                        }
                        Job::Settle(done) => {
                            let _ = done.send(());
                        }
                    }
                }
            });
            self.worker = Some((jobs, handle));
            self.failures = Some(failures);
        }
        if let Some((jobs, _)) = &self.worker {
            let _ = jobs.send(job);
        }
    }

    /// Writes the whole text as the recovery of `file` (encoded here, written there: the
    /// writer's thread allocates next to nothing).
    pub fn write(&mut self, files: &SessionFiles, file: &Path, text: String, base: Option<String>) {
        self.send(Job::Write {
            files: files.clone(),
            bytes: crate::store::encode_recovery(file, text, base),
        });
    }

    /// Removes the recovery file (after every write given before).
    pub fn remove(&mut self, files: &SessionFiles) {
        self.send(Job::Remove(files.clone()));
    }

    /// Keeps the recovery as the discarded copy (after every write given before).
    pub fn discard(&mut self, files: &SessionFiles) {
        self.send(Job::Discard(files.clone()));
    }

    /// A save holds every edit: removes the recovery and the discarded copy.
    pub fn saved(&mut self, files: &SessionFiles) {
        self.send(Job::Saved(files.clone()));
    }

    /// Waits until every job given so far is done.
    pub fn settle(&mut self) {
        if let Some((jobs, _)) = &self.worker {
            let (done, wait) = channel();
            if jobs.send(Job::Settle(done)).is_ok() {
                let _ = wait.recv();
            }
        }
    }

    /// Why a write failed, if one did since the last call.
    pub fn failure(&self) -> Option<String> {
        self.failures.as_ref()?.try_recv().ok()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if let Some((jobs, handle)) = self.worker.take() {
            drop(jobs);
            let _ = handle.join();
        }
    }
}
