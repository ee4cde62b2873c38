//! The command line in Chinese: clap writes its help headings ("Usage:", "Options:"), the
//! help of `-h`/`-V`, default and possible values, and its error messages in English. This
//! module rewrites the built command and the errors, for every subcommand, so whatever a
//! subcommand adds later is covered without a word of it here.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

const TEMPLATE: &str = "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// `command` with Chinese headings and help texts, recursively, built (so clap's own `help`
/// subcommand exists and is described in Chinese too).
pub fn localized(command: Command) -> Command {
    let mut command = localized_tree(command);
    command.build();
    described_help(command)
}

/// clap's own `help` subcommand, made by `build` for every command that has subcommands,
/// described in Chinese at every level (`jixiao tutor help`, too).
fn described_help(command: Command) -> Command {
    let command = if command.find_subcommand("help").is_some() {
        command.mut_subcommand("help", |help| {
            help.about("显示本帮助，或某个命令的帮助（如 jixiao help check）")
        })
    } else {
        command
    };
    command.mut_subcommands(|sub| {
        if sub.get_name() == "help" {
            sub
        } else {
            described_help(sub)
        }
    })
}

fn localized_tree(command: Command) -> Command {
    let has_version = command.get_version().is_some();
    let mut command = command
        .help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_flag(true)
        .disable_version_flag(true)
        .mut_args(|arg| {
            let heading = if arg.is_positional() {
                "参数"
            } else {
                "选项"
            };
            described(arg).help_heading(heading)
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助")
                .help_heading("选项")
                .global(false),
        );
    if has_version {
        command = command.arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本")
                .help_heading("选项"),
        );
    }
    command.mut_subcommands(localized_tree)
}

/// An argument's help with its default and possible values said in Chinese (clap's own
/// `[default: …]` and `[possible values: …]` are hidden).
fn described(arg: Arg) -> Arg {
    if !arg.get_action().takes_values() {
        return arg;
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .filter(|v| !v.is_empty())
        .collect();
    let choices: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_owned())
        .collect();
    let mut help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
    let mut notes = Vec::new();
    if !choices.is_empty() {
        notes.push(format!("可选 {}", choices.join("、")));
    }
    if !defaults.is_empty() {
        notes.push(format!("默认 {}", defaults.join("、")));
    }
    if !notes.is_empty() {
        help.push_str(&format!("（{}）", notes.join("；")));
    }
    arg.help(help)
        .hide_default_value(true)
        .hide_possible_values(true)
}

/// One Chinese sentence for a wrong command line, or None to let clap say it (help and
/// version, which are not errors, and the rarer kinds).
pub fn error_sentence(error: &clap::Error) -> Option<String> {
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join("、")),
        _ => None,
    };
    let arg = text(ContextKind::InvalidArg).unwrap_or_default();
    let more = "运行 jixiao --help 查看用法。";
    // clap's guess at what was meant (`--formt` → `--format`).
    let guess = text(ContextKind::SuggestedArg)
        .or_else(|| text(ContextKind::SuggestedSubcommand))
        .map(|s| format!("是不是 {s}？"))
        .unwrap_or_default();
    let sentence = match error.kind() {
        ErrorKind::UnknownArgument => format!("不认识的参数 {arg}。{guess}{more}"),
        ErrorKind::InvalidSubcommand => {
            let name = text(ContextKind::InvalidSubcommand).unwrap_or(arg);
            format!("不认识的命令 {name}。{guess}{more}")
        }
        ErrorKind::InvalidValue => {
            let value = text(ContextKind::InvalidValue).unwrap_or_default();
            match text(ContextKind::ValidValue) {
                Some(valid) => format!("{arg} 的值“{value}”无效，可选：{valid}。"),
                None => format!("{arg} 缺少值。"),
            }
        }
        ErrorKind::ValueValidation => {
            let value = text(ContextKind::InvalidValue).unwrap_or_default();
            format!("{arg} 的值“{value}”无效。")
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}。{more}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            format!("缺少命令。{more}")
        }
        // `jixiao chek x`: a file to open, then a word that is a command's place.
        ErrorKind::ArgumentConflict if arg.is_empty() => {
            let extra = text(ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("多余的参数 {extra}：打开工作台时只写一个文件；是命令名写错了吗？{more}")
        }
        ErrorKind::ArgumentConflict => {
            let other = text(ContextKind::PriorArg).unwrap_or_default();
            format!("参数 {arg} 不能与 {other} 同时使用。")
        }
        ErrorKind::TooManyValues => {
            format!("参数 {arg} 给了太多的值。{more}")
        }
        _ => return None,
    };
    Some(sentence)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Command {
        Command::new("demo")
            .version("1")
            .about("示例")
            .arg(Arg::new("file").help("文件"))
            .arg(
                Arg::new("format")
                    .long("format")
                    .help("格式")
                    .value_parser(["text", "json"])
                    .default_value("text"),
            )
            .subcommand(Command::new("sub").about("子命令"))
    }

    #[test]
    fn help_has_no_english_heading() {
        let help = localized(demo()).render_help().to_string();
        for english in [
            "Usage",
            "Options",
            "Arguments",
            "Commands",
            "Print",
            "default:",
        ] {
            assert!(!help.contains(english), "{english} in:\n{help}");
        }
        for chinese in [
            "用法：",
            "选项",
            "参数",
            "命令",
            "显示帮助",
            "可选 text、json",
            "默认 text",
        ] {
            assert!(help.contains(chinese), "{chinese} missing in:\n{help}");
        }
        let mut sub = localized(demo());
        let sub = sub
            .find_subcommand_mut("sub")
            .unwrap()
            .render_help()
            .to_string();
        assert!(sub.contains("显示帮助") && !sub.contains("Print"), "{sub}");
    }

    #[test]
    fn wrong_arguments_get_one_chinese_sentence() {
        let e = localized(demo())
            .try_get_matches_from(["demo", "--bogus"])
            .unwrap_err();
        assert_eq!(
            error_sentence(&e).as_deref(),
            Some("不认识的参数 --bogus。运行 jixiao --help 查看用法。")
        );
        let e = localized(demo())
            .try_get_matches_from(["demo", "--format", "xml"])
            .unwrap_err();
        let said = error_sentence(&e).unwrap();
        assert!(
            said.contains("“xml”无效") && said.contains("text"),
            "{said}"
        );
    }
}
