//! The key map: one registry of commands that feeds the key handling, the footer and the
//! help overlay, so that help never drifts from the real bindings.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

/// Everything a key can ask for in normal mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    TabBasic,
    TabBudget,
    TabFunds,
    TabScores,
    NextTab,
    PrevTab,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    First,
    Last,
    Edit,
    Fix,
    AddRow,
    DeleteRow,
    MoveRowUp,
    MoveRowDown,
    Undo,
    Redo,
    Save,
    CommandLine,
    NextFinding,
    PrevFinding,
    Findings,
    Explain,
    Search,
    Export,
    Complete,
    Help,
    Quit,
}

/// Each command: its name in keys.toml, its Chinese description, and whether it edits.
pub const COMMANDS: &[(Command, &str, &str)] = &[
    (Command::TabBasic, "tab_basic", "切换到 基本情况"),
    (Command::TabBudget, "tab_budget", "切换到 预算执行"),
    (Command::TabFunds, "tab_funds", "切换到 项目资金"),
    (Command::TabScores, "tab_scores", "切换到 指标评分"),
    (Command::NextTab, "next_tab", "下一个标签页"),
    (Command::PrevTab, "prev_tab", "上一个标签页"),
    (Command::Up, "up", "上一行"),
    (Command::Down, "down", "下一行"),
    (Command::Left, "left", "左一格"),
    (Command::Right, "right", "右一格"),
    (Command::PageUp, "page_up", "上翻一页"),
    (Command::PageDown, "page_down", "下翻一页"),
    (Command::First, "first", "到第一行"),
    (Command::Last, "last", "到最后一行"),
    (Command::Edit, "edit", "编辑当前值（Enter 确定，Esc 取消）"),
    (
        Command::Fix,
        "fix",
        "✗ 处改为计算值（执行率、得分、合计；可撤销）",
    ),
    (Command::AddRow, "add_row", "在当前行后新增一行"),
    (Command::DeleteRow, "delete_row", "删除当前行（可撤销）"),
    (Command::MoveRowUp, "move_row_up", "当前行上移"),
    (Command::MoveRowDown, "move_row_down", "当前行下移"),
    (Command::Undo, "undo", "撤销"),
    (Command::Redo, "redo", "重做"),
    (Command::Save, "save", "保存"),
    (
        Command::CommandLine,
        "command",
        "命令行（:w 保存，:q 退出，:wq，:q!）",
    ),
    (
        Command::NextFinding,
        "next_finding",
        "下一个问题（跳到对应字段）",
    ),
    (Command::PrevFinding, "prev_finding", "上一个问题"),
    (
        Command::Findings,
        "findings",
        "问题列表（查看说明，Enter 跳转）",
    ),
    (
        Command::Explain,
        "explain",
        "全屏说明当前问题（保护什么、公式、怎样改、例）",
    ),
    (
        Command::Search,
        "search",
        "查找（各标签页的名称和值；Enter 下一处，↑ 上一处）",
    ),
    (
        Command::Export,
        "export",
        "导出为 Word / Excel / Markdown（按文件扩展名）",
    ),
    (
        Command::Complete,
        "complete",
        "齐全检查 开/关：缺少或为空的必备部分各报一条 N05（同 check --complete）",
    ),
    (Command::Help, "help", "帮助"),
    (Command::Quit, "quit", "退出（有未保存修改时会询问）"),
];

impl Command {
    pub fn name(self) -> &'static str {
        COMMANDS
            .iter()
            .find(|(c, ..)| *c == self)
            .map(|(_, n, _)| *n)
            .unwrap_or("")
    }

    pub fn description(self) -> &'static str {
        COMMANDS
            .iter()
            .find(|(c, ..)| *c == self)
            .map(|(.., d)| *d)
            .unwrap_or("")
    }

    /// Commands that change the report (refused in read-only mode).
    pub fn edits(self) -> bool {
        matches!(
            self,
            Command::Edit
                | Command::Fix
                | Command::AddRow
                | Command::DeleteRow
                | Command::MoveRowUp
                | Command::MoveRowDown
                | Command::Undo
                | Command::Redo
                | Command::Save
        )
    }
}

/// A key with its modifiers, as written in keys.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyName,
    pub ctrl: bool,
    pub alt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyName {
    Char(char),
    Named(&'static str),
    F(u8),
}

const NAMED: &[(&str, KeyCode)] = &[
    ("Enter", KeyCode::Enter),
    ("Esc", KeyCode::Esc),
    ("Tab", KeyCode::Tab),
    ("BackTab", KeyCode::BackTab),
    ("Up", KeyCode::Up),
    ("Down", KeyCode::Down),
    ("Left", KeyCode::Left),
    ("Right", KeyCode::Right),
    ("PageUp", KeyCode::PageUp),
    ("PageDown", KeyCode::PageDown),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("Backspace", KeyCode::Backspace),
    ("Delete", KeyCode::Delete),
    ("Space", KeyCode::Char(' ')),
];

impl Key {
    /// Parses `q`, `Ctrl-s`, `Alt-Enter`, `PageDown`, `F1`.
    pub fn parse(text: &str) -> Option<Key> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text;
        loop {
            if let Some(r) = rest
                .strip_prefix("Ctrl-")
                .or_else(|| rest.strip_prefix("C-"))
            {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest
                .strip_prefix("Alt-")
                .or_else(|| rest.strip_prefix("M-"))
            {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyName::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => {
                if let Some((name, _)) = NAMED.iter().find(|(n, _)| n.eq_ignore_ascii_case(rest)) {
                    KeyName::Named(name)
                } else if let Some(n) = rest.strip_prefix('F').and_then(|n| n.parse::<u8>().ok()) {
                    KeyName::F(n)
                } else {
                    return None;
                }
            }
        };
        Some(Key { code, ctrl, alt })
    }

    /// The key a terminal event means.
    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        let code = match event.code {
            KeyCode::Char(' ') => KeyName::Named("Space"),
            KeyCode::Char(c) => KeyName::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            KeyCode::F(n) => KeyName::F(n),
            other => KeyName::Named(NAMED.iter().find(|(_, c)| *c == other).map(|(n, _)| *n)?),
        };
        Some(Key { code, ctrl, alt })
    }
}

/// The character a key types: a character with neither Ctrl nor Alt held (Ctrl-D is not d,
/// Alt-3 is not 3).
pub fn typed_char(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyName::Char(c) => write!(f, "{}", if self.ctrl { c.to_ascii_uppercase() } else { c }),
            KeyName::Named("BackTab") => f.write_str("Shift-Tab"),
            KeyName::Named(n) => f.write_str(n),
            KeyName::F(n) => write!(f, "F{n}"),
        }
    }
}

/// The live key map.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: BTreeMap<Key, Command>,
    keys: Vec<(Command, Vec<Key>)>,
}

/// The default key map as shipped.
pub const DEFAULT_KEYS: &str = include_str!("../../config/keys.toml");

#[derive(serde::Deserialize)]
struct KeysFile {
    #[serde(default)]
    keys: BTreeMap<String, Vec<String>>,
}

impl Keymap {
    /// The defaults, overridden by the user's keys.toml when there is one. Problems in the
    /// user's file are returned as messages, never fatal.
    pub fn load() -> (Keymap, Vec<String>) {
        let user = crate::scheme::config_dir()
            .map(|d| d.join("keys.toml"))
            .and_then(|p| std::fs::read_to_string(p).ok());
        Keymap::from_texts(user.as_deref())
    }

    pub fn from_texts(user: Option<&str>) -> (Keymap, Vec<String>) {
        let mut problems = Vec::new();
        let defaults: KeysFile =
            toml::from_str(DEFAULT_KEYS).expect("the shipped keys.toml is valid");
        let mut table = defaults.keys;
        if let Some(text) = user {
            match toml::from_str::<KeysFile>(text) {
                Ok(user) => {
                    for (name, keys) in user.keys {
                        if COMMANDS.iter().any(|(_, n, _)| *n == name) {
                            table.insert(name, keys);
                        } else {
                            problems.push(format!("keys.toml：不认识的动作“{name}”，已忽略"));
                        }
                    }
                }
                Err(e) => problems.push(format!(
                    "keys.toml 无法读取，使用默认按键（{}）",
                    e.message()
                )),
            }
        }
        let mut bindings = BTreeMap::new();
        let mut keys = Vec::new();
        for (command, name, _) in COMMANDS {
            let mut parsed = Vec::new();
            for text in table.get(*name).map(Vec::as_slice).unwrap_or(&[]) {
                match Key::parse(text) {
                    Some(key) => {
                        if let Some(other) = bindings.insert(key, *command) {
                            problems.push(format!(
                                "keys.toml：按键“{key}”同时绑定了 {} 和 {name}，以后者为准",
                                other.name()
                            ));
                        }
                        parsed.push(key);
                    }
                    None => problems.push(format!("keys.toml：{name} 的按键“{text}”无法识别")),
                }
            }
            keys.push((*command, parsed));
        }
        (Keymap { bindings, keys }, problems)
    }

    pub fn command(&self, event: &KeyEvent) -> Option<Command> {
        let key = Key::from_event(event)?;
        self.bindings.get(&key).copied()
    }

    /// The keys bound to a command, for the footer and help.
    pub fn keys_of(&self, command: Command) -> &[Key] {
        self.keys
            .iter()
            .find(|(c, _)| *c == command)
            .map(|(_, k)| k.as_slice())
            .unwrap_or(&[])
    }

    /// `Ctrl-S` or `u/Ctrl-Z`: the keys of a command as shown to the user.
    pub fn label(&self, command: Command) -> String {
        self.keys_of(command)
            .iter()
            .map(Key::to_string)
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Every command with its keys, in registry order (for the help overlay).
    pub fn help_lines(&self) -> Vec<(String, &'static str)> {
        COMMANDS
            .iter()
            .map(|(c, _, d)| (self.label(*c), *d))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEvent;

    #[test]
    fn defaults_bind_the_documented_keys() {
        let (map, problems) = Keymap::from_texts(None);
        assert!(problems.is_empty(), "{problems:?}");
        let key = |code, mods| map.command(&KeyEvent::new(code, mods));
        assert_eq!(
            key(KeyCode::Char('s'), KeyModifiers::CONTROL),
            Some(Command::Save)
        );
        assert_eq!(
            key(KeyCode::Char('q'), KeyModifiers::NONE),
            Some(Command::Quit)
        );
        assert_eq!(
            key(KeyCode::Char('N'), KeyModifiers::SHIFT),
            Some(Command::PrevFinding)
        );
        assert_eq!(key(KeyCode::Enter, KeyModifiers::NONE), Some(Command::Edit));
        assert_eq!(
            key(KeyCode::Char('2'), KeyModifiers::NONE),
            Some(Command::TabBudget)
        );
    }

    #[test]
    fn tabs_are_on_alt_digits_and_f_keys_too() {
        let (map, _) = Keymap::from_texts(None);
        let key = |code, mods| map.command(&KeyEvent::new(code, mods));
        assert_eq!(
            key(KeyCode::Char('2'), KeyModifiers::ALT),
            Some(Command::TabBudget)
        );
        assert_eq!(
            key(KeyCode::F(4), KeyModifiers::NONE),
            Some(Command::TabScores)
        );
    }

    #[test]
    fn a_user_file_overrides_and_bad_entries_are_reported() {
        let (map, problems) = Keymap::from_texts(Some(
            "[keys]\nquit = [\"Ctrl-q\"]\nfly = [\"x\"]\nsave = [\"Hyper-x\"]\n",
        ));
        assert_eq!(
            map.command(&KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL)),
            Some(Command::Quit)
        );
        assert_eq!(
            map.command(&KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
        let (_, problems) = Keymap::from_texts(Some("[keys]\nquit = [\"x\"]\n"));
        assert!(
            problems.iter().any(|p| p.contains("export")),
            "{problems:?}"
        );
        assert_eq!(map.label(Command::Quit), "Ctrl-Q");
    }

    #[test]
    fn every_command_has_a_key_and_help_lists_them_all() {
        let (map, _) = Keymap::from_texts(None);
        for (command, name, _) in COMMANDS {
            assert!(!map.keys_of(*command).is_empty(), "{name} has no key");
        }
        assert_eq!(map.help_lines().len(), COMMANDS.len());
    }
}
