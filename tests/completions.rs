//! `jixiao completions bash|zsh|fish`: a completion script for each shell, naming the
//! program and its commands; an unknown shell is a usage error.

mod e2e;

use e2e::*;

#[test]
fn each_shell_gets_a_script_that_names_jixiao_and_its_commands() {
    for shell in ["bash", "zsh", "fish"] {
        let run = run(["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(!run.stdout.trim().is_empty(), "{shell}: empty");
        assert!(run.stdout.contains("jixiao"), "{shell}: {}", run.stdout);
        for command in ["check", "export", "set", "completions"] {
            assert!(run.stdout.contains(command), "{shell} lacks {command}");
        }
    }
}

#[test]
fn the_bash_script_is_valid_bash() {
    let run = run(["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("jixiao.bash");
    std::fs::write(&script, &run.stdout).unwrap();
    let Ok(checked) = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
    else {
        eprintln!("skipped: no bash");
        return;
    };
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let run = run(["completions", "powershell-9"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bash"), "{}", run.stderr);
}
