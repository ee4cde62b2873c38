//! The answers to the prompts (quit, conflict, owner change, lock, recovery), keyed by `prompts`.

use super::save::SaveFlags;
use super::{App, Confirm, Editor, Mode};
use crate::tui::prompts::{self, Answer, Prompt};
use crossterm::event::KeyEvent;

/// An editor held while the user is asked whether to throw its text away (compared by the
/// field and the text it holds).
#[derive(Debug, Clone)]
pub struct HeldEditor(pub Box<Editor>);

impl PartialEq for HeldEditor {
    fn eq(&self, other: &HeldEditor) -> bool {
        self.0.path == other.0.path && self.0.area.lines() == other.0.area.lines()
    }
}

impl Eq for HeldEditor {}

impl Confirm {
    /// The table of this prompt's keys.
    pub fn prompt(&self) -> &'static Prompt {
        match self {
            Confirm::Quit => &prompts::QUIT,
            Confirm::Conflict { .. } => &prompts::CONFLICT,
            Confirm::OwnerChange { .. } => &prompts::OWNER_CHANGE,
            Confirm::Locked { .. } => &prompts::LOCKED,
            Confirm::Recover { .. } => &prompts::RECOVER,
            Confirm::DiscardEdit(_) => &prompts::DISCARD_EDIT,
            Confirm::DeleteGroup { .. } => &prompts::DELETE_GROUP,
            Confirm::Fix { .. } => &prompts::FIX,
        }
    }

    /// The text of the prompts about unconfirmed text and a group's deletion (above the keys).
    pub fn lines(&self) -> Vec<String> {
        match self {
            Confirm::DiscardEdit(held) => vec![
                format!("“{}”里输入的内容还没有确定（Enter 确定）。", held.0.label),
                "放弃后该项保持原值。".to_owned(),
            ],
            Confirm::DeleteGroup {
                label, indicators, ..
            } => vec![format!(
                "一级指标“{label}”下有 {indicators} 个三级指标，将一并删除。"
            )],
            Confirm::Fix {
                place,
                old,
                new,
                why,
                ..
            } => {
                let old = if old.trim().is_empty() {
                    "（空）"
                } else {
                    old.trim()
                };
                vec![format!("{place}：{old} → {new}"), format!("（{why}）")]
            }
            _ => Vec::new(),
        }
    }
}

impl App {
    /// A key on a prompt: the answer its table gives, or the prompt stays.
    pub(super) fn confirm_key(&mut self, confirm: Confirm, key: KeyEvent) {
        // A prompt answers plain keys only: Ctrl-D is not d (discard), Alt-y is not y. A
        // terminal that goes away can leave such a control key behind.
        use crossterm::event::KeyModifiers;
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            self.mode = Mode::Confirm(confirm);
            return;
        }
        match confirm.prompt().answer(key.code) {
            Some(answer) => self.answer(confirm, answer),
            None => self.mode = Mode::Confirm(confirm),
        }
    }

    fn answer(&mut self, confirm: Confirm, answer: Answer) {
        match (answer, &confirm) {
            (Answer::SaveAndQuit, _) => self.save(true),
            (Answer::QuitWithoutSaving, _) => self.quit_without_saving(),
            (Answer::Cancel, _) => self.say("已取消"),
            (Answer::SaveAs, Confirm::Conflict { then_quit }) => {
                let then_quit = *then_quit;
                self.mode = Mode::SaveAs {
                    input: String::new(),
                    then_quit,
                };
            }
            (Answer::ReadOnly, _) => {
                self.read_only = true;
                self.say("已以只读方式打开");
            }
            (Answer::Quit, _) => self.quit = true,
            (Answer::TakeOver, _) => {
                // The user says the other session is gone (e.g. a process that reused its pid).
                self.take_over_session();
            }
            (Answer::Recover, Confirm::Recover { disk_changed, .. }) => {
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
            (Answer::Discard, _) => {
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
            // Esc never means "discard": the recovery file stays for the next time.
            (Answer::KeepRecovery, _) => self.open_read_only_keeping_recovery(None),
            (
                Answer::SaveAnyway,
                Confirm::OwnerChange {
                    path,
                    then_quit,
                    overwrite,
                    ..
                },
            ) => {
                let options = SaveFlags {
                    overwrite: *overwrite,
                    allow_owner_change: true,
                };
                self.save_with(path.clone(), *then_quit, options);
            }
            (Answer::DontSave, _) => self.say("已取消，未保存"),
            (Answer::Overwrite, Confirm::Conflict { then_quit }) => {
                let options = SaveFlags {
                    overwrite: true,
                    allow_owner_change: false,
                };
                if let Some(path) = self.file.clone() {
                    self.save_with(path, *then_quit, options);
                }
            }
            (Answer::Reload, _) => self.reload(),
            (Answer::KeepEditing, Confirm::DiscardEdit(held)) => {
                self.mode = Mode::Editing(held.0.clone());
            }
            (Answer::DiscardEdit, _) => self.say("已放弃修改"),
            (
                Answer::DeleteGroup,
                Confirm::DeleteGroup {
                    rows_path, index, ..
                },
            ) => self.remove_row_at(rows_path.clone(), *index),
            (
                Answer::ApplyFix,
                Confirm::Fix {
                    path,
                    place,
                    old,
                    new,
                    ..
                },
            ) => self.apply_fix(path.clone(), place.clone(), old.clone(), new.clone()),
            // An answer from another prompt's table: cannot happen; the prompt stays.
            (
                Answer::SaveAs
                | Answer::Recover
                | Answer::SaveAnyway
                | Answer::Overwrite
                | Answer::KeepEditing
                | Answer::DeleteGroup
                | Answer::ApplyFix,
                _,
            ) => self.mode = Mode::Confirm(confirm),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::SchemeSet;
    use crate::tui::app::{Action, BUNDLED_EXAMPLE};
    use crate::tui::keymap::Keymap;
    use crossterm::event::{KeyCode, KeyModifiers};
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    fn every_prompt() -> Vec<Confirm> {
        vec![
            Confirm::Quit,
            Confirm::Conflict { then_quit: false },
            Confirm::OwnerChange {
                why: "属主会从 a 变为 b".to_owned(),
                // Nothing can be saved there: answering y tries, and fails.
                path: PathBuf::from("/proc/jixiao-no-such-folder/report.toml"),
                then_quit: false,
                overwrite: false,
            },
            Confirm::Locked {
                holder: "进程 1，主机 h".to_owned(),
            },
            Confirm::Recover {
                lines: vec!["+ unit = \"别的单位\"".to_owned()],
                disk_changed: false,
            },
            Confirm::DiscardEdit(HeldEditor(Box::new(Editor {
                path: crate::model::FieldPath::parse("report.unit").unwrap(),
                label: "单位名称".to_owned(),
                multiline: false,
                area: tui_textarea::TextArea::new(vec!["改过的单位".to_owned()]),
                original: "单位".to_owned(),
                error: None,
            }))),
            Confirm::DeleteGroup {
                rows_path: crate::model::FieldPath::parse("score_sheet.groups").unwrap(),
                index: 0,
                label: "决策".to_owned(),
                indicators: 3,
            },
            Confirm::Fix {
                path: crate::model::FieldPath::parse("score_sheet.funds.score").unwrap(),
                place: "年度资金总额 得分".to_owned(),
                old: "9".to_owned(),
                new: "10.00".to_owned(),
                why: "按方案 10.00".to_owned(),
            },
        ]
    }

    /// Every key a terminal might send to a prompt.
    fn keys() -> Vec<KeyCode> {
        let mut keys: Vec<KeyCode> = (' '..='~').map(KeyCode::Char).collect();
        keys.extend([
            KeyCode::Esc,
            KeyCode::Enter,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::PageDown,
        ]);
        keys.extend((1..=12).map(KeyCode::F));
        keys
    }

    fn parse(name: &str) -> KeyCode {
        match name {
            "Esc" => KeyCode::Esc,
            "Enter" => KeyCode::Enter,
            _ => {
                let mut chars = name.chars();
                let (Some(c), None) = (chars.next(), chars.next()) else {
                    panic!("a key the hint line shows is not a key: {name}");
                };
                KeyCode::Char(c)
            }
        }
    }

    #[test]
    fn a_control_key_answers_no_prompt() {
        // A terminal that goes away can leave a Ctrl-D behind: it is not d (discard).
        let (keymap, _) = Keymap::from_texts(None);
        let opened = App::open(BUNDLED_EXAMPLE, None, false, SchemeSet::builtin(), keymap);
        let Ok(mut app) = opened else {
            panic!("the bundled example opens");
        };
        for confirm in every_prompt() {
            for c in ['d', 'y', 's', 'r', 'q', 'c', 'o'] {
                for modifiers in [KeyModifiers::CONTROL, KeyModifiers::ALT] {
                    app.mode = Mode::Confirm(confirm.clone());
                    app.update(Action::Key(KeyEvent::new(KeyCode::Char(c), modifiers)));
                    assert!(
                        matches!(&app.mode, Mode::Confirm(c2) if c2.prompt().title == confirm.prompt().title),
                        "{modifiers:?}-{c} answered {}",
                        confirm.prompt().title
                    );
                    assert!(!app.quit);
                }
            }
        }
    }

    #[test]
    fn every_key_a_prompt_shows_is_handled_and_every_key_handled_is_in_its_table() {
        let (keymap, _) = Keymap::from_texts(None);
        let opened = App::open(BUNDLED_EXAMPLE, None, false, SchemeSet::builtin(), keymap);
        let Ok(mut app) = opened else {
            panic!("the bundled example opens");
        };
        for confirm in every_prompt() {
            let prompt = confirm.prompt();
            // What the screen shows.
            app.mode = Mode::Confirm(confirm.clone());
            let mut terminal =
                ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
            let theme = crate::tui::theme::Theme::MONO;
            terminal
                .draw(|f| {
                    crate::tui::view::draw(f, &app, theme);
                })
                .unwrap();
            let screen = terminal.backend().to_string();
            assert!(screen.contains(prompt.title), "{screen}");
            let hint = prompt.hint();
            assert!(
                screen.contains(&hint),
                "{hint} is not on the screen:\n{screen}"
            );
            let shown: BTreeSet<String> = hint
                .split(" · ")
                .flat_map(|choice| {
                    let (keys, _label) = choice.split_once(' ').expect("keys, then a label");
                    keys.split('/').map(|k| format!("{:?}", parse(k)))
                })
                .collect();
            // What the handler does.
            let mut handled = BTreeSet::new();
            for key in keys() {
                app.mode = Mode::Confirm(confirm.clone());
                app.quit = false;
                app.update(Action::Key(KeyEvent::new(key, KeyModifiers::NONE)));
                if !matches!(&app.mode, Mode::Confirm(c) if *c == confirm) {
                    handled.insert(format!("{key:?}"));
                }
            }
            let also: BTreeSet<String> = prompt
                .choices
                .iter()
                .flat_map(|c| c.also.iter().map(|k| format!("{k:?}")))
                .collect();
            assert!(
                shown.is_subset(&handled),
                "{}: shown but not handled: {:?}",
                prompt.title,
                shown.difference(&handled).collect::<Vec<_>>()
            );
            let unlisted: Vec<_> = handled.difference(&shown).collect();
            assert_eq!(
                unlisted,
                also.iter().collect::<Vec<_>>(),
                "{}: handled keys neither shown nor in the table's `also`",
                prompt.title
            );
        }
    }
}
