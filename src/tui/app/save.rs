//! Saving under the store's policy (`.bak`, conflict, owner), reloading, and asking on quit.

use super::{App, Confirm, Mode};
use crate::store;
use crate::tui::history::digest;
use std::path::PathBuf;

/// How far a save may go without asking again.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct SaveFlags {
    /// The user chose to overwrite a version someone else saved.
    pub(super) overwrite: bool,
    /// The user agreed that the file's owner or group may change.
    pub(super) allow_owner_change: bool,
}

impl App {
    pub(super) fn request_quit(&mut self) {
        if self.dirty() && !self.read_only {
            self.mode = Mode::Confirm(Confirm::Quit);
        } else {
            self.quit = true;
        }
    }

    /// Quits without saving (d on the quit prompt, :q!): the recovery file becomes the
    /// discarded copy.
    pub(super) fn quit_without_saving(&mut self) {
        self.discarded = true;
        self.quit = true;
    }

    pub(super) fn reload(&mut self) {
        let Some(path) = self.file.clone() else {
            return;
        };
        match store::read_report_file(&path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let saved_digest = digest(&text);
                match self.replace_as_step(text, "重新载入", true) {
                    Ok(()) => {
                        self.history.mark_saved(saved_digest);
                        self.ask_before_overwrite = false;
                        self.disk_bytes = Some(bytes);
                        self.say("已重新载入磁盘上的版本（u 可找回刚才的修改）");
                    }
                    Err(_) => self.warn("磁盘上的文件无法载入，保留当前内容"),
                }
            }
            Err(e) => self.warn(e.to_string()),
        }
    }

    /// Saves to the file it came from (or asks for a name when untitled).
    pub fn save(&mut self, then_quit: bool) {
        match self.file.clone() {
            Some(path) => self.save_to(path, then_quit),
            None => {
                self.mode = Mode::SaveAs {
                    input: String::new(),
                    then_quit,
                };
            }
        }
    }

    pub(super) fn save_to(&mut self, path: PathBuf, then_quit: bool) {
        self.save_with(path, then_quit, SaveFlags::default());
    }

    /// Saves under the store's policy (`store::save_report`): the first save of a session
    /// keeps the loaded version as `.bak`; a file changed on disk meanwhile is asked about
    /// (unless `overwrite`, which keeps that version as `.theirs`); an owner or group the
    /// save cannot keep is asked about (unless `allow_owner_change`).
    pub(super) fn save_with(&mut self, path: PathBuf, then_quit: bool, flags: SaveFlags) {
        let same_file = self.file.as_ref() == Some(&path);
        // The disk holds a version the user chose not to keep (an undone reload, a recovery
        // over a changed file): asked first, whatever the bytes say.
        if same_file && !flags.overwrite && self.ask_before_overwrite {
            self.mode = Mode::Confirm(Confirm::Conflict { then_quit });
            return;
        }
        let text = self.text();
        let backup = (same_file && !self.backed_up)
            .then(|| self.disk_bytes.clone())
            .flatten();
        let expected = same_file.then(|| self.disk_bytes.clone()).flatten();
        let options = store::SaveOptions {
            expected: expected.as_deref(),
            backup: backup.as_deref(),
            keep_theirs: same_file && flags.overwrite,
            allow_owner_change: flags.allow_owner_change,
        };
        match store::save_report(&path, text.as_bytes(), options) {
            Ok(saved) => {
                let saved_text = text.clone();
                self.history.mark_saved(digest(&text));
                self.ask_before_overwrite = false;
                self.behind_since = None;
                self.disk_bytes = Some(text.into_bytes());
                self.backed_up = true;
                self.holds_recovered = false;
                let first_file = self.file.is_none();
                self.file = Some(path.clone());
                if !same_file {
                    self.move_session(first_file);
                }
                if let Some(files) = self.session.clone() {
                    self.recorder.saved(&files);
                }
                let shown =
                    crate::sanitize::visible_inline(&path.display().to_string()).into_owned();
                let mut message = format!("已保存 {shown}");
                if saved == store::Saved::InPlace {
                    message.push_str("（文件有多个硬链接，已原地写入，链接都保留）");
                }
                if same_file && flags.overwrite {
                    message.push_str(&format!("；磁盘上原来的版本留在 {shown}.theirs"));
                }
                match self.guide_saved(&saved_text) {
                    Some((more, false)) => {
                        message.push_str(&format!("；{more}"));
                        self.say(message);
                    }
                    Some((why, true)) => self.warn(format!("{message}；{why}")),
                    None => self.say(message),
                }
                if then_quit {
                    self.quit = true;
                }
            }
            Err(store::SaveError::Changed(_)) => {
                self.mode = Mode::Confirm(Confirm::Conflict { then_quit });
            }
            Err(e @ store::SaveError::OwnerWouldChange { .. }) => {
                self.mode = Mode::Confirm(Confirm::OwnerChange {
                    why: e.to_string(),
                    path,
                    then_quit,
                    overwrite: flags.overwrite,
                });
            }
            Err(e) => self.warn(format!(
                "{}；修改仍在工作台中",
                crate::sanitize::visible_inline(&e.to_string())
            )),
        }
    }
}
