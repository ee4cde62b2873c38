//! The prompts' keys: one table per prompt, read by the key handler and by the hint line drawn.
//!
//! A prompt's choices are its keys, what the hint line calls them, and the answer they give.
//! `app::confirm` maps a key to its answer through the table and carries the answer out;
//! `view` draws the hint line from the same table, so the two cannot drift apart. Keys in
//! `also` choose too without being shown: y and n beside s and d, and Esc, which backs out
//! of every prompt (on the recovery prompt it is shown, as it keeps the recovery file).

use crossterm::event::KeyCode;

/// What the user answered a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Quit: save, then quit.
    SaveAndQuit,
    /// Quit: quit without saving (the recovery file becomes the discarded copy).
    QuitWithoutSaving,
    /// Close the prompt, doing nothing ("已取消").
    Cancel,
    /// Conflict: save over the version on disk, keeping it as `.theirs`.
    Overwrite,
    /// Conflict: load the version on disk (undo brings the edits back).
    Reload,
    /// Conflict: save under another name.
    SaveAs,
    /// Owner change: save though the owner or group changes.
    SaveAnyway,
    /// Owner change: do not save ("已取消，未保存").
    DontSave,
    /// Lock: open the file read-only.
    ReadOnly,
    /// Lock: quit.
    Quit,
    /// Lock: the other session is gone; take the lock over.
    TakeOver,
    /// Recovery: put the recovered edits into the document.
    Recover,
    /// Recovery: keep the recovery file as the discarded copy, and edit the file as on disk.
    Discard,
    /// Recovery: open read-only and leave the recovery file for the next time.
    KeepRecovery,
    /// Unconfirmed text: back into the editor, the text as it was.
    KeepEditing,
    /// Unconfirmed text: close the editor, the value unchanged.
    DiscardEdit,
    /// A group with indicators: delete it (undo brings it back).
    DeleteGroup,
    /// The fix key's figure: put it in (undo takes it back).
    ApplyFix,
}

/// One choice on a prompt.
#[derive(Debug)]
pub struct Choice {
    /// The keys the hint line shows for it ("v/Esc"); none for a choice not shown.
    pub keys: &'static [KeyCode],
    /// Keys that choose it too, not shown.
    pub also: &'static [KeyCode],
    /// What the hint line says it does.
    pub label: &'static str,
    pub answer: Answer,
}

/// A prompt: its title and its choices, in the order the hint line lists them.
#[derive(Debug)]
pub struct Prompt {
    pub title: &'static str,
    pub choices: &'static [Choice],
}

const fn choice(keys: &'static [KeyCode], label: &'static str, answer: Answer) -> Choice {
    Choice {
        keys,
        also: &[],
        label,
        answer,
    }
}

const ESC: KeyCode = KeyCode::Esc;

const fn key(c: char) -> KeyCode {
    KeyCode::Char(c)
}

/// Esc backs out of a prompt without a choice of its own shown for it.
const ESC_CANCELS: Choice = Choice {
    keys: &[],
    also: &[ESC],
    label: "",
    answer: Answer::Cancel,
};

/// Unsaved changes on quit.
pub const QUIT: Prompt = Prompt {
    title: "有未保存的修改",
    choices: &[
        Choice {
            also: &[key('y')],
            ..choice(&[key('s')], "保存并退出", Answer::SaveAndQuit)
        },
        Choice {
            also: &[key('n')],
            ..choice(&[key('d')], "不保存退出", Answer::QuitWithoutSaving)
        },
        Choice {
            also: &[ESC],
            ..choice(&[key('c')], "取消", Answer::Cancel)
        },
    ],
};

/// The file changed on disk since it was loaded or saved.
pub const CONFLICT: Prompt = Prompt {
    title: "文件在磁盘上已被别人修改",
    choices: &[
        choice(&[key('o')], "覆盖磁盘上的版本", Answer::Overwrite),
        choice(&[key('r')], "重新载入", Answer::Reload),
        choice(&[key('a')], "另存为", Answer::SaveAs),
        Choice {
            also: &[ESC],
            ..choice(&[key('c')], "取消", Answer::Cancel)
        },
    ],
};

/// Saving would change the file's owner or group.
pub const OWNER_CHANGE: Prompt = Prompt {
    title: "保存会改变文件的属主",
    choices: &[
        choice(&[key('y')], "仍然保存", Answer::SaveAnyway),
        Choice {
            also: &[key('n')],
            ..choice(
                &[key('c')],
                "取消（可用 :w 另存为自己的副本）",
                Answer::DontSave,
            )
        },
        ESC_CANCELS,
    ],
};

/// Another live session holds the file.
pub const LOCKED: Prompt = Prompt {
    title: "另一个会话正在编辑此文件",
    choices: &[
        // Esc backs out into read-only: editing beside a live session would let the two
        // overwrite each other.
        Choice {
            also: &[ESC],
            ..choice(&[key('v')], "只读打开", Answer::ReadOnly)
        },
        choice(&[key('q')], "退出", Answer::Quit),
        choice(&[key('o')], "对方已不在，仍然编辑", Answer::TakeOver),
    ],
};

/// A recovery file holds edits that were never saved.
pub const RECOVER: Prompt = Prompt {
    title: "发现未保存的修改",
    choices: &[
        choice(&[key('r')], "恢复这些修改", Answer::Recover),
        choice(&[key('d')], "丢弃（留副本）", Answer::Discard),
        // Esc never means "discard": the recovery file stays for the next time.
        choice(&[key('v'), ESC], "只读打开", Answer::KeepRecovery),
    ],
};

/// Esc in an editor whose text changed: nothing typed is thrown away without asking.
pub const DISCARD_EDIT: Prompt = Prompt {
    title: "输入的内容还没有确定",
    choices: &[
        // Esc backs out of the question: into the editor again, nothing lost.
        Choice {
            also: &[ESC],
            ..choice(&[key('k')], "继续编辑", Answer::KeepEditing)
        },
        Choice {
            also: &[key('n')],
            ..choice(&[key('d')], "放弃所做修改", Answer::DiscardEdit)
        },
    ],
};

/// Deleting a group (一级指标) that has indicators.
pub const DELETE_GROUP: Prompt = Prompt {
    title: "删除一级指标",
    choices: &[
        choice(&[key('y')], "删除（可按 u 撤销）", Answer::DeleteGroup),
        Choice {
            also: &[ESC, key('n')],
            ..choice(&[key('c')], "取消", Answer::Cancel)
        },
    ],
};

/// The fix key: the computed figure, old → new, before it goes in.
pub const FIX: Prompt = Prompt {
    title: "改为计算值",
    choices: &[
        Choice {
            also: &[key('='), key('y')],
            ..choice(
                &[KeyCode::Enter],
                "改为计算值（可按 u 撤销）",
                Answer::ApplyFix,
            )
        },
        Choice {
            also: &[key('n')],
            ..choice(&[ESC, key('c')], "取消", Answer::Cancel)
        },
    ],
};

/// Every prompt, for the tests that hold the tables to the handler and the drawing.
pub const ALL: &[&Prompt] = &[
    &FIX,
    &QUIT,
    &CONFLICT,
    &OWNER_CHANGE,
    &LOCKED,
    &RECOVER,
    &DISCARD_EDIT,
    &DELETE_GROUP,
];

impl Prompt {
    /// The answer a key gives on this prompt, if any. Modifiers are not looked at.
    pub fn answer(&self, code: KeyCode) -> Option<Answer> {
        self.choices
            .iter()
            .find(|c| c.keys.contains(&code) || c.also.contains(&code))
            .map(|c| c.answer)
    }

    /// The hint line: each shown choice as its keys and label ("s 保存并退出 · d 不保存退出 · c 取消").
    pub fn hint(&self) -> String {
        self.choices
            .iter()
            .filter(|c| !c.keys.is_empty())
            .map(|c| {
                let keys: Vec<String> = c.keys.iter().map(|k| key_name(*k)).collect();
                format!("{} {}", keys.join("/"), c.label)
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// A key as the hint line shows it.
pub fn key_name(code: KeyCode) -> String {
    match code {
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Esc => "Esc".to_owned(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_lines_read_as_they_always_have() {
        assert_eq!(QUIT.hint(), "s 保存并退出 · d 不保存退出 · c 取消");
        assert_eq!(
            CONFLICT.hint(),
            "o 覆盖磁盘上的版本 · r 重新载入 · a 另存为 · c 取消"
        );
        assert_eq!(
            OWNER_CHANGE.hint(),
            "y 仍然保存 · c 取消（可用 :w 另存为自己的副本）"
        );
        assert_eq!(
            LOCKED.hint(),
            "v 只读打开 · q 退出 · o 对方已不在，仍然编辑"
        );
        assert_eq!(
            RECOVER.hint(),
            "r 恢复这些修改 · d 丢弃（留副本） · v/Esc 只读打开"
        );
        assert_eq!(DISCARD_EDIT.hint(), "k 继续编辑 · d 放弃所做修改");
        assert_eq!(DELETE_GROUP.hint(), "y 删除（可按 u 撤销） · c 取消");
    }

    #[test]
    fn no_key_has_two_answers_on_one_prompt_and_esc_backs_out_of_every_one() {
        for prompt in ALL {
            let mut seen = Vec::new();
            for c in prompt.choices {
                for k in c.keys.iter().chain(c.also) {
                    assert!(!seen.contains(k), "{}: {k:?} twice", prompt.title);
                    seen.push(*k);
                }
            }
            assert!(prompt.answer(KeyCode::Esc).is_some(), "{}", prompt.title);
        }
    }
}
