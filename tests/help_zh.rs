//! `jixiao --help` and every subcommand's help read in Chinese: no clap heading, flag help
//! or value list in English; a wrong command line gets one Chinese sentence and exit 2.

use std::process::Command;

fn jixiao(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const ENGLISH: [&str; 8] = [
    "Usage:",
    "Options:",
    "Arguments:",
    "Commands:",
    "Print help",
    "Print version",
    "[default:",
    "[possible values:",
];

#[test]
fn every_help_page_is_chinese() {
    let (code, top, _) = jixiao(&["--help"]);
    assert_eq!(code, 0);
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("命令"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    assert!(commands.len() >= 8, "{top}");
    for page in
        std::iter::once(vec!["--help".to_owned()]).chain(commands.iter().map(
            |c| match c.as_str() {
                "help" => vec!["help".to_owned(), "check".to_owned()],
                _ => vec![c.clone(), "--help".to_owned()],
            },
        ))
    {
        let args: Vec<&str> = page.iter().map(String::as_str).collect();
        let (code, help, _) = jixiao(&args);
        assert_eq!(code, 0, "{args:?}");
        assert!(help.contains("用法："), "{args:?}:\n{help}");
        for english in ENGLISH {
            assert!(!help.contains(english), "{english} in {args:?}:\n{help}");
        }
    }
    // Commands with commands of their own (tutor, class) list clap's help in Chinese too,
    // and their commands' help pages are Chinese as well.
    for (command, sub) in [("tutor", "check-lessons"), ("class", "init")] {
        let (_, help, _) = jixiao(&[command, "--help"]);
        assert!(!help.contains("Print this message"), "{command}:\n{help}");
        assert!(help.contains("显示本帮助"), "{command}:\n{help}");
        for args in [[command, sub, "--help"], [command, "help", sub]] {
            let (code, help, _) = jixiao(&args);
            assert_eq!(code, 0, "{args:?}");
            assert!(help.contains("用法："), "{args:?}:\n{help}");
            for english in ENGLISH {
                assert!(!help.contains(english), "{english} in {args:?}:\n{help}");
            }
        }
    }
    let (_, check, _) = jixiao(&["check", "--help"]);
    assert!(check.contains("可选 text、json；默认 text"), "{check}");
}

#[test]
fn a_wrong_command_line_is_one_chinese_sentence() {
    for (args, expected) in [
        (&["check", "--bogus"][..], "不认识的参数 --bogus"),
        (
            &["check", "--formt", "json", "a.toml"][..],
            "是不是 --format？",
        ),
        (
            &["check", "--format", "xml", "a.toml"][..],
            "“xml”无效，可选：text、json",
        ),
        (&["check"][..], "缺少必需的参数"),
        (&["chek", "x"][..], "多余的参数 x"),
    ] {
        let (code, out, err) = jixiao(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(!err.contains("error:") && !err.contains("Usage"), "{err}");
    }
}
