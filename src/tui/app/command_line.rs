//! The one-line inputs: the `:` command line, save-as and export.

use super::{App, Mode};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

/// What a key did to a one-line input.
enum LineEdit {
    Submit,
    Cancel,
    Continue,
}

fn edit_line(input: &mut String, key: KeyEvent) -> LineEdit {
    match key.code {
        KeyCode::Esc => LineEdit::Cancel,
        KeyCode::Enter => LineEdit::Submit,
        KeyCode::Backspace => {
            input.pop();
            LineEdit::Continue
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            input.clear();
            LineEdit::Continue
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            input.push(c);
            LineEdit::Continue
        }
        _ => LineEdit::Continue,
    }
}

impl App {
    pub(super) fn command_line_key(&mut self, mut line: String, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => {}
            KeyCode::Enter => self.run_command_line(line.trim()),
            KeyCode::Backspace => {
                if line.pop().is_some() {
                    self.mode = Mode::CommandLine(line);
                }
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                line.push(c);
                self.mode = Mode::CommandLine(line);
            }
            _ => self.mode = Mode::CommandLine(line),
        }
    }

    fn run_command_line(&mut self, line: &str) {
        let (command, arg) = match line.split_once(char::is_whitespace) {
            Some((c, a)) => (c, a.trim()),
            None => (line, ""),
        };
        match command {
            "w" | "write" if self.read_only => self.warn("只读模式：不能保存"),
            "w" | "write" if !arg.is_empty() => self.save_to(PathBuf::from(arg), false),
            "w" | "write" => self.save(false),
            "wq" | "x" if self.read_only => self.quit = true,
            "wq" | "x" => self.save(true),
            "q" | "quit" => self.request_quit(),
            "q!" | "quit!" => self.quit_without_saving(),
            "" => {}
            other => self.warn(format!(
                "不认识的命令“:{}”（可用 :w :q :wq :q!）",
                crate::sanitize::visible_inline(other)
            )),
        }
    }

    pub(super) fn save_as_key(&mut self, mut input: String, then_quit: bool, key: KeyEvent) {
        match edit_line(&mut input, key) {
            LineEdit::Cancel => self.say("未保存"),
            LineEdit::Submit if !input.trim().is_empty() => {
                let path = PathBuf::from(input.trim());
                if path.exists() {
                    self.warn(format!("{} 已存在，请换一个名字", path.display()));
                    self.mode = Mode::SaveAs { input, then_quit };
                } else {
                    self.save_to(path, then_quit);
                }
            }
            _ => self.mode = Mode::SaveAs { input, then_quit },
        }
    }

    /// The name proposed for an export: the report's own name with `.docx`.
    pub(super) fn export_suggestion(&self) -> String {
        match &self.file {
            Some(path) => path.with_extension("docx").display().to_string(),
            None => "report.docx".to_owned(),
        }
    }

    pub(super) fn export_key(&mut self, mut input: String, key: KeyEvent) {
        match edit_line(&mut input, key) {
            LineEdit::Cancel => self.say("未导出"),
            LineEdit::Submit if !input.trim().is_empty() => {
                let path = PathBuf::from(input.trim());
                let format = match path.extension().and_then(|e| e.to_str()) {
                    Some("md") => crate::export::ExportFormat::Md,
                    Some("xlsx") => crate::export::ExportFormat::Xlsx,
                    Some("docx") => crate::export::ExportFormat::Docx,
                    _ => {
                        self.warn("文件名应以 .md、.xlsx 或 .docx 结尾，它决定导出的格式");
                        self.mode = Mode::Export { input };
                        return;
                    }
                };
                if path.exists() {
                    self.warn(format!("{} 已存在，请换一个名字", path.display()));
                    self.mode = Mode::Export { input };
                    return;
                }
                match crate::export::export(&self.report, format, &path, false) {
                    Ok(()) => self.say(format!("已导出 {}", path.display())),
                    Err(e) => {
                        self.warn(e.to_string());
                        self.mode = Mode::Export { input };
                    }
                }
            }
            _ => self.mode = Mode::Export { input },
        }
    }
}
