//! The session on a file: its lock, and the recovery file kept just behind the edits.

use super::{App, Confirm, Mode};
use crate::scheme;
use crate::store;
use crate::tui::history::digest;
use std::time::{Duration, Instant};

/// The longest the recovery file stays behind a committed edit while the user keeps pressing
/// keys: a `kill -9` 300 ms after Enter must find the edit (RELIABILITY.md).
const RECOVERY_MAX_DELAY: Duration = Duration::from_millis(120);

impl App {
    /// Starts a session on the file: notices another live session and edits left in a
    /// recovery file by one that ended without saving. Anything planted under the names of
    /// the session's files (a symlink, someone else's file) opens the report read-only.
    pub fn attach_session(&mut self) {
        let (Some(file), false) = (self.file.clone(), self.read_only) else {
            return;
        };
        let files = store::SessionFiles::for_file(&store::resolve_target(&file));
        match files.holder() {
            Ok(Some(holder)) => {
                self.mode = Mode::Confirm(Confirm::Locked {
                    holder: format!("进程 {}，主机 {}", holder.pid, holder.host),
                });
                return;
            }
            Ok(None) => {}
            Err(e) => return self.refuse_session(e),
        }
        if let Err(e) = files.lock() {
            return self.refuse_session(e);
        }
        match files.read_recovery() {
            Ok(None) => {}
            Ok(Some(recovery)) => {
                let text = self.text();
                if self.disk_bytes.as_deref() == Some(recovery.text.as_bytes()) {
                    // The file holds every edit the recovery did.
                    files.remove_recovery();
                } else if recovery.text == text {
                    // Opened from the recovery itself (the file did not load): this session
                    // carries it on.
                } else if scheme::load(recovery.text.as_bytes(), &self.schemes).is_err() {
                    match files.discard_recovery() {
                        Ok(()) => self.warn(format!(
                            "恢复文件无法载入，已另存为 {}",
                            files.discarded.display()
                        )),
                        Err(e) => {
                            files.unlock();
                            return self.refuse_session(e);
                        }
                    }
                } else {
                    let on_disk = self.disk_bytes.as_deref().map(store::fingerprint);
                    let disk_changed = recovery.base.is_some() && recovery.base != on_disk;
                    let lines = store::describe_difference(&text, &recovery.text, 8);
                    self.pending_recovery = Some(recovery.text);
                    self.mode = Mode::Confirm(Confirm::Recover {
                        lines,
                        disk_changed,
                    });
                }
            }
            Err(e) => {
                files.unlock();
                return self.refuse_session(e);
            }
        }
        self.session = Some(files);
    }

    /// Leaves the recovery file as it is and shows the file read-only: what Esc and v do on
    /// the recovery prompt, and where a choice could not be carried out (`failure` says why,
    /// in the same message).
    pub(super) fn open_read_only_keeping_recovery(&mut self, failure: Option<String>) {
        self.pending_recovery = None;
        self.read_only = true;
        if let Some(files) = self.session.take() {
            files.unlock();
        }
        let opened = "已以只读方式打开（恢复文件保留，重新打开时可再选择）";
        match failure {
            Some(why) => self.warn(format!(
                "{}；{opened}",
                crate::sanitize::visible_inline(&why)
            )),
            None => self.say(opened),
        }
    }

    /// The session's files cannot be used safely: the report opens read-only, saying why.
    fn refuse_session(&mut self, why: store::SaveError) {
        self.read_only = true;
        self.warn(format!(
            "{}；为安全起见以只读方式打开",
            crate::sanitize::visible_inline(&why.to_string())
        ));
    }

    /// After saving under a new name, the lock and recovery follow the file now edited.
    pub(super) fn move_session(&mut self, _first_file: bool) {
        if self.read_only {
            return;
        }
        if let Some(old) = self.session.take() {
            self.recorder.remove(&old);
            old.unlock();
        }
        let Some(file) = &self.file else { return };
        let files = store::SessionFiles::for_file(&store::resolve_target(file));
        if let Err(e) = files.lock() {
            self.warn(format!("无法写会话文件：{e}"));
        }
        self.session = Some(files);
    }

    /// The recovery and lock files of this session, if it has them.
    pub fn session_files(&self) -> Option<store::SessionFiles> {
        self.session.clone()
    }

    pub(super) fn take_over_session(&mut self) {
        let Some(file) = self.file.clone() else {
            return;
        };
        let files = store::SessionFiles::for_file(&store::resolve_target(&file));
        let _ = std::fs::remove_file(&files.lock);
        self.attach_session();
        if matches!(self.mode, Mode::Normal) {
            self.say("已接管编辑");
        }
    }

    /// Ends the session: the lock goes; the recovery file stays only while it holds edits the
    /// user did not choose to discard (and is brought up to date first).
    pub fn end_session(&mut self) {
        let Some(files) = self.session.clone() else {
            return;
        };
        // A recovery the user has not chosen about stays exactly as it was.
        if self.pending_recovery.is_none() {
            self.write_recovery();
            if self.discarded {
                self.recorder.discard(&files);
            } else if !self.dirty() {
                self.forget_recovery(&files);
            }
        }
        self.settle_recovery();
        files.unlock();
    }

    /// Waits until the recovery file is as last asked (before the process ends).
    pub fn settle_recovery(&mut self) {
        self.recorder.settle();
        self.recovery_failure();
    }

    /// Shows why writing the recovery file failed, if it did.
    pub fn recovery_failure(&mut self) {
        if let Some(e) = self.recorder.failure() {
            self.warn(format!("无法写恢复文件（{e}）：请尽快保存"));
        }
    }

    /// Whether the recovery file is behind the edits (the run loop writes it when the user
    /// pauses, and before the process stops).
    pub fn recovery_behind(&self) -> bool {
        self.behind_since.is_some()
    }

    /// Whether the recovery file has been behind for so long (the user never paused) that
    /// it is written now.
    pub fn recovery_overdue(&self) -> bool {
        self.behind_since
            .is_some_and(|since| since.elapsed() >= RECOVERY_MAX_DELAY)
    }

    pub(super) fn fall_behind(&mut self) {
        self.behind_since.get_or_insert_with(Instant::now);
    }

    /// Brings the recovery file up to date: the whole document while it differs from the
    /// file on disk, none once they agree.
    pub fn write_recovery(&mut self) {
        if self.behind_since.take().is_none() {
            return;
        }
        let text = self.doc.to_text();
        if self.dirty() {
            let now = digest(&text);
            if self.history.matches_saved(now) {
                // Edited back to what is on disk: nothing unsaved any more.
                self.history.mark_saved(now);
            }
        }
        let (Some(files), Some(file)) = (self.session.clone(), self.file.clone()) else {
            return;
        };
        if self.pending_recovery.is_some() {
            return;
        }
        if self.dirty() {
            let base = self.disk_bytes.as_deref().map(store::fingerprint);
            self.recorder.write(&files, &file, text, base);
        } else {
            self.forget_recovery(&files);
        }
    }

    /// The document is as on disk again: the recovery goes — kept as the discarded copy when
    /// it held another session's edits that were undone, not saved.
    fn forget_recovery(&mut self, files: &store::SessionFiles) {
        if self.holds_recovered {
            self.recorder.discard(files);
        } else {
            self.recorder.remove(files);
        }
    }
}
