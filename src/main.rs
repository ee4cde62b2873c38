//! The `jixiao` binary: parses the command line and dispatches.

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use jixiao::check::{self, Palette};
use jixiao::commands::{self, Failure, Terminal};
use jixiao::export::{self, ExportFormat};
use jixiao::scheme::SchemeSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// 绩效 jixiao — 部门整体支出绩效自评报告的终端工作台与检查工具。
#[derive(Parser)]
#[command(
    name = "jixiao",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// 要打开的报告文件（不写则打开内置示例的未命名副本）
    file: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Deny {
    Warnings,
}

/// The shells `completions` writes for.
#[derive(Clone, Copy, ValueEnum)]
enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Subcommand)]
enum Command {
    /// 在工作台中打开并编辑报告
    Edit {
        /// 报告文件
        file: PathBuf,
    },
    /// 在工作台中只读查看报告（不会写入文件）
    View {
        /// 报告文件
        file: PathBuf,
    },
    /// 检查一个或多个报告文件（文件夹表示其中全部 *.toml），输出问题和总分
    Check {
        /// 报告文件或文件夹
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// 把警告也当作失败（退出码 1）
        #[arg(long, value_enum)]
        deny: Option<Deny>,
        /// 检查报告是否齐全：缺少或为空的必备部分各报一条 N05
        #[arg(long)]
        complete: bool,
        /// 上年的报告，用于逐年核对（Y01、Y02）；不写时在同一文件夹中找单位相同、年度减一的报告
        #[arg(long, value_name = "FILE")]
        previous: Option<PathBuf>,
    },
    /// 说明一条规则：保护什么、公式、怎样改；不带编号时列出全部规则
    Explain {
        /// 规则编号，如 F02
        id: Option<String>,
    },
    /// 新建一份带中文注释的空白报告（不会覆盖已有文件）
    New {
        /// 要创建的文件
        file: PathBuf,
        /// 评分方案
        #[arg(long, default_value = "hunan-department")]
        scheme: String,
        /// 单位名称
        #[arg(long, default_value = "")]
        unit: String,
        /// 年度（默认去年；用 --from 时为上年报告的年度加一）
        #[arg(long)]
        year: Option<u64>,
        /// 从上年的报告续写：沿用单位、方案、职能、机构和指标表，上年决算数取自上年的本年决算数
        #[arg(long, value_name = "LAST.toml", conflicts_with_all = ["scheme", "unit", "year"])]
        from: Option<PathBuf>,
    },
    /// 列出已知的评分方案（内置的和自定义的）
    Schemes,
    /// 在命令行修改报告中的值，如 budget.spent=320.25（保留格式与注释，原子保存）
    Set {
        /// 报告文件
        file: PathBuf,
        /// 键=值，可写多个
        #[arg(required = true, value_name = "KEY=VALUE")]
        assignments: Vec<String>,
    },
    /// 导出报告成品：md（整份报告）、xlsx（附件2、附件3）、docx（正文及两个附件）
    Export {
        /// 报告文件
        file: PathBuf,
        /// 导出格式
        #[arg(long, value_enum)]
        to: ExportFormat,
        /// 输出文件（默认：报告文件名换成新扩展名）
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// 覆盖已存在的输出文件
        #[arg(long)]
        force: bool,
    },
    /// 输出外壳的命令补全脚本（bash、zsh、fish）
    Completions {
        /// 外壳程序
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// 生成一份可复现的合成报告，供性能测量使用
    #[command(hide = true)]
    Synth {
        /// 输出文件
        out: PathBuf,
        /// 项目支出明细行数
        #[arg(long, default_value_t = 2000)]
        projects: usize,
        /// 专项资金个数
        #[arg(long, default_value_t = 500)]
        funds: usize,
        /// 三级指标个数（分在 8 个一级指标下）
        #[arg(long, default_value_t = 5000)]
        indicators: usize,
        /// 随机种子：同样的参数总是生成同样的字节
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let mut out = Output::default();
    let result = run(cli, &mut out);
    let _ = out.flush();
    let mut stderr = std::io::stderr();
    if let Some(e) = out.failed.take() {
        // A closed pipe (`| head`) means the reader has seen enough.
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return ExitCode::from(result.unwrap_or(0) as u8);
        }
        let why = match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                format!("磁盘已满（{e}）")
            }
            _ => e.to_string(),
        };
        let _ = writeln!(stderr, "无法写出结果：{why}");
        return ExitCode::from(2);
    }
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(Failure { message, code }) => {
            let _ = writeln!(stderr, "{message}");
            ExitCode::from(code as u8)
        }
    }
}

/// A command's own output: standard output, buffered, remembering the first write that
/// failed. Commands stop at a failed write; `main` says what happened (a full disk is an
/// error, a closed pipe is not).
struct Output {
    inner: std::io::BufWriter<std::io::Stdout>,
    failed: Option<std::io::Error>,
}

impl Default for Output {
    fn default() -> Output {
        Output {
            inner: std::io::BufWriter::new(std::io::stdout()),
            failed: None,
        }
    }
}

impl Output {
    fn noted<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        result.map_err(|e| {
            let copy = std::io::Error::new(e.kind(), e.to_string());
            self.failed.get_or_insert(e);
            copy
        })
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(buf);
        self.noted(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.inner.flush();
        self.noted(result)
    }
}

fn run(cli: Cli, stdout: &mut Output) -> Result<i32, Failure> {
    let schemes = SchemeSet::load();
    match cli.command {
        None => workbench(cli.file, false),
        Some(Command::Edit { file }) => workbench(Some(file), false),
        Some(Command::View { file }) => workbench(Some(file), true),
        Some(Command::Check {
            files,
            format,
            deny,
            complete,
            previous,
        }) => {
            let files = check::expand(&files);
            if files.is_empty() {
                return Err(Failure::usage("没有找到要检查的 .toml 文件"));
            }
            let previous = match previous {
                Some(path) => {
                    let loaded = jixiao::previous::load_previous(&path, &schemes)
                        .map_err(|why| Failure::usage(format!("--previous {why}")))?;
                    Some((path, std::sync::Arc::new(loaded)))
                }
                None => None,
            };
            let options = check::CheckOptions { complete, previous };
            let reports = check::check_files_with(&files, &schemes, &options);
            // A failed write stops the report; `main` says so.
            let _ = match format {
                Format::Text => check::write_text(&reports, palette(), stdout),
                Format::Json => check::write_json(&reports, stdout).and_then(|_| writeln!(stdout)),
            }
            .and_then(|_| stdout.flush());
            check::write_refusals(&reports, &mut std::io::stderr());
            if let Some(note) = check::previous_unused(&options, &reports) {
                let _ = writeln!(std::io::stderr(), "{note}");
            }
            Ok(check::exit_code(&reports, deny.is_some()))
        }
        Some(Command::Explain { id }) => commands::explain(id.as_deref(), stdout).map(|_| 0),
        Some(Command::New {
            from: Some(last),
            file,
            ..
        }) => jixiao::next_year::new_from(&file, &last, &schemes, stdout).map(|_| 0),
        Some(Command::New {
            file,
            scheme,
            unit,
            year,
            from: None,
        }) => commands::new_report(
            &file,
            &schemes,
            &scheme,
            &unit,
            year.unwrap_or_else(commands::default_year),
            stdout,
        )
        .map(|_| 0),
        Some(Command::Schemes) => commands::schemes(&schemes, stdout).map(|_| 0),
        Some(Command::Set { file, assignments }) => {
            commands::set(&file, &assignments, &schemes, stdout).map(|_| 0)
        }
        Some(Command::Export {
            file,
            to,
            output,
            force,
        }) => export::command(&file, to, output.as_deref(), force, &schemes, stdout).map(|_| 0),
        Some(Command::Completions { shell }) => {
            let shell = match shell {
                CompletionShell::Bash => clap_complete::Shell::Bash,
                CompletionShell::Zsh => clap_complete::Shell::Zsh,
                CompletionShell::Fish => clap_complete::Shell::Fish,
            };
            // Made in memory first: the generator panics on a failed write, `stdout` reports it.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "jixiao", &mut script);
            let _ = stdout.write_all(&script);
            Ok(0)
        }
        Some(Command::Synth {
            out,
            projects,
            funds,
            indicators,
            seed,
        }) => {
            let text = jixiao::synth::generate(jixiao::synth::Spec {
                projects,
                funds,
                indicators,
                seed,
            });
            std::fs::write(&out, &text).map_err(|e| Failure {
                message: format!("{}：无法写入（{e}）", out.display()),
                code: 1,
            })?;
            let _ = writeln!(
                std::io::stderr(),
                "已生成 {}（{} 字节）",
                out.display(),
                text.len()
            );
            Ok(0)
        }
    }
}

/// The workbench, if this is a terminal it can open on: `TERM=dumb` or no terminal is
/// refused in one sentence pointing to `jixiao check`; a locale that is not UTF-8 is warned
/// about on stderr before the screen opens, and in the footer once it is up.
fn workbench(file: Option<PathBuf>, read_only: bool) -> Result<i32, Failure> {
    let terminal = Terminal::current();
    if let Some(why) = terminal.refusal(file.as_deref()) {
        return Err(Failure::usage(why));
    }
    let mut warnings = Vec::new();
    if let Some(warning) = terminal.locale_warning() {
        // On stderr for the record, and in the footer, where it can be read.
        let _ = writeln!(std::io::stderr(), "{warning}");
        warnings.push(warning);
    }
    Ok(jixiao::tui::open_and_run(file, read_only, warnings))
}

/// Colour only on a terminal, and never with `NO_COLOR`.
fn palette() -> Palette {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Palette {
        color: !no_color && std::io::stdout().is_terminal(),
    }
}

/// mimalloc: parsing a large report makes hundreds of thousands of small allocations.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
