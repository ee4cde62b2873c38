//! The answers to the prompts (quit, conflict, owner change, lock, recovery).

use super::save::SaveFlags;
use super::{App, Confirm, Mode};
use crossterm::event::{KeyCode, KeyEvent};

impl App {
    pub(super) fn confirm_key(&mut self, confirm: Confirm, key: KeyEvent) {
        let KeyCode::Char(c) = key.code else {
            if key.code == KeyCode::Esc && matches!(confirm, Confirm::Recover { .. }) {
                // Esc never means "discard": the recovery file stays for the next time.
                self.open_read_only_keeping_recovery(None);
            } else if key.code == KeyCode::Esc {
                self.say("已取消");
            } else {
                self.mode = Mode::Confirm(confirm);
            }
            return;
        };
        match (&confirm, c) {
            (Confirm::Quit, 's' | 'y') => self.save(true),
            (Confirm::Quit, 'd' | 'n') => {
                self.discarded = true;
                self.quit = true;
            }
            (Confirm::Conflict { then_quit }, 'a') => {
                let then_quit = *then_quit;
                self.mode = Mode::SaveAs {
                    input: String::new(),
                    then_quit,
                };
            }
            (Confirm::Locked { .. }, 'v') => {
                self.read_only = true;
                self.say("已以只读方式打开");
            }
            (Confirm::Locked { .. }, 'q') => self.quit = true,
            (Confirm::Locked { .. }, 'o') => {
                // The user says the other session is gone (e.g. a process that reused its pid).
                self.take_over_session();
            }
            (Confirm::Recover { disk_changed, .. }, 'r') => {
                let disk_changed = *disk_changed;
                if let Some(text) = self.pending_recovery.take() {
                    let recovered = self.replace_as_step(text, "恢复", false);
                    self.holds_recovered = recovered.is_ok();
                    match recovered {
                        Ok(()) if disk_changed => {
                            // Saving asks first, and overwriting keeps the disk's version.
                            self.ask_before_overwrite = true;
                            self.say("已恢复；磁盘上的文件之后被改过，保存时会先询问");
                        }
                        Ok(()) => {
                            self.say("已恢复上次未保存的修改（尚未保存，Ctrl-S 保存）");
                        }
                        Err(why) => self.open_read_only_keeping_recovery(Some(why)),
                    }
                }
            }
            (Confirm::Recover { .. }, 'd') => {
                self.pending_recovery = None;
                if let Some(files) = self.session.clone() {
                    match files.discard_recovery() {
                        Ok(()) => self.say(format!(
                            "已丢弃恢复文件（副本留在 {}，下次保存前仍可找回）",
                            crate::sanitize::visible_inline(&files.discarded.display().to_string())
                        )),
                        Err(e) => self.open_read_only_keeping_recovery(Some(e.to_string())),
                    }
                }
            }
            (Confirm::Recover { .. }, 'v') => self.open_read_only_keeping_recovery(None),
            (
                Confirm::OwnerChange {
                    path,
                    then_quit,
                    overwrite,
                    ..
                },
                'y',
            ) => {
                let options = SaveFlags {
                    overwrite: *overwrite,
                    allow_owner_change: true,
                };
                self.save_with(path.clone(), *then_quit, options);
            }
            (Confirm::OwnerChange { .. }, 'c' | 'n') => self.say("已取消，未保存"),
            (Confirm::Conflict { then_quit }, 'o') => {
                let options = SaveFlags {
                    overwrite: true,
                    allow_owner_change: false,
                };
                if let Some(path) = self.file.clone() {
                    self.save_with(path, *then_quit, options);
                }
            }
            (Confirm::Conflict { .. }, 'r') => self.reload(),
            (Confirm::Quit | Confirm::Conflict { .. }, 'c') => self.say("已取消"),
            _ => self.mode = Mode::Confirm(confirm),
        }
    }
}
