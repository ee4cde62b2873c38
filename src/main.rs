//! The `jixiao` binary: parses the command line and dispatches.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use jixiao::check::{self, Palette};
use jixiao::commands::{self, Failure, Terminal};
use jixiao::export::{self, ExportFormat};
use jixiao::review::workbook::ReviewFormat;
use jixiao::scheme::SchemeSet;
use jixiao::tutor;
use jixiao::tutor_commands::{self, ClassFormat};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod cli_zh;

/// 绩效 jixiao — 部门整体支出绩效自评报告的终端工作台与检查工具。
#[derive(Parser)]
#[command(name = "jixiao", version, args_conflicts_with_subcommands = true)]
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
        /// 每份报告一行的汇总表（按单位排序，中文对齐），再列出各规则触发的报告数
        #[arg(long, conflicts_with = "format")]
        summary: bool,
        /// 检查报告是否齐全：缺少或为空的必备部分各报一条 N05
        #[arg(long)]
        complete: bool,
        /// 上年的报告，用于逐年核对（Y01、Y02）；不写时在同一文件夹中找单位相同、年度减一的报告
        #[arg(long, value_name = "FILE")]
        previous: Option<PathBuf>,
    },
    /// 复核一个文件夹里的全部报告（含子文件夹的 *.toml）：打开复核界面；加 --to 输出复核汇总表
    Review {
        /// 报告所在的文件夹
        dir: PathBuf,
        /// 不打开界面，输出复核汇总表：xlsx（汇总、问题清单、规则统计）、csv（汇总）、json
        #[arg(long, value_enum, requires = "output")]
        to: Option<ReviewFormat>,
        /// 输出文件（不会覆盖已有文件）；不写 --to 时按扩展名（.xlsx、.csv、.json）决定格式
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// 说明一条规则：保护什么、公式、怎样改；不带编号时列出全部规则
    Explain {
        /// 规则编号，如 F02
        id: Option<String>,
        /// 全屏显示（供培训时投影），q 或 Esc 退出
        #[arg(long, requires = "id")]
        screen: bool,
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
    /// 培训：按课程在工作台中改正常见错误，每次保存都用检查规则重新判定
    #[command(args_conflicts_with_subcommands = true)]
    Tutor {
        #[command(subcommand)]
        action: Option<TutorAction>,
        /// 班级文件夹：每次保存都把作业交到 DIR/名字/课程.toml
        #[arg(long, value_name = "DIR")]
        class: Option<PathBuf>,
        /// 交作业用的名字
        #[arg(long)]
        name: Option<String>,
        /// 自编课程的文件夹（默认 $XDG_DATA_HOME/jixiao/lessons）
        #[arg(long, value_name = "DIR")]
        lessons: Option<PathBuf>,
    },
    /// 培训班：建立交作业的文件夹（class init DIR），查看全班每人每课的完成情况（class DIR）
    #[command(args_conflicts_with_subcommands = true)]
    Class {
        #[command(subcommand)]
        action: Option<ClassAction>,
        /// 班级文件夹
        dir: Option<PathBuf>,
        /// 输出格式：json 或 csv，每人每课一条记录（不写则列成文字）
        #[arg(long, value_enum)]
        format: Option<ClassFormatArg>,
        /// 自编课程的文件夹（默认 $XDG_DATA_HOME/jixiao/lessons）
        #[arg(long, value_name = "DIR")]
        lessons: Option<PathBuf>,
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

#[derive(Subcommand)]
enum TutorAction {
    /// 检查课程：起始报告至少有一个目标未达成，参考答案达成全部目标，锁定的数两者相同
    CheckLessons {
        /// 课程文件夹（不写则检查内置课程）
        dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ClassAction {
    /// 建立班级文件夹：同组可写、setgid（子文件夹沿用本组）、粘滞位（每人只能删改自己的文件）
    Init {
        /// 要建立的文件夹
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ClassFormatArg {
    Json,
    Csv,
}

fn main() -> ExitCode {
    let cli = match cli_zh::localized(Cli::command())
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            match cli_zh::error_sentence(&e) {
                Some(sentence) => eprintln!("{sentence}"),
                None => {
                    let _ = e.print();
                }
            }
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(0);
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
            summary,
            complete,
            previous,
        }) => {
            // `--summary` prints the review's table: a folder is scanned as `review` scans
            // it (subfolders included); files named stay as given.
            let files = if summary {
                jixiao::review::files_of(&files)
            } else {
                check::expand(&files)
            };
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
            let _ = if summary {
                let rows: Vec<_> = reports
                    .iter()
                    .map(|r| jixiao::review::Row::from_report(r, &r.file, None))
                    .collect();
                jixiao::review::summary::write(&rows, stdout)
            } else {
                match format {
                    Format::Text => check::write_text(&reports, palette(), stdout),
                    Format::Json => {
                        check::write_json(&reports, stdout).and_then(|_| writeln!(stdout))
                    }
                }
            }
            .and_then(|_| stdout.flush());
            // What `check` says on stderr (last year's report not compared, files not read),
            // `--summary` says too.
            check::write_refusals(&reports, &mut std::io::stderr());
            if let Some(note) = check::previous_unused(&options, &reports) {
                let _ = writeln!(std::io::stderr(), "{note}");
            }
            Ok(check::exit_code(&reports, deny.is_some()))
        }
        Some(Command::Review { dir, to, output }) => match output {
            Some(out) => {
                let format =
                    jixiao::review::workbook::format_for(to, &out).map_err(Failure::usage)?;
                jixiao::review::workbook::command(&dir, format, &out, &schemes, stdout)
            }
            None => review_screen(dir),
        },
        Some(Command::Explain {
            id: Some(id),
            screen: true,
        }) => explain_screen(&id),
        Some(Command::Explain { id, .. }) => commands::explain(id.as_deref(), stdout).map(|_| 0),
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
            clap_complete::generate(
                shell,
                &mut cli_zh::localized(Cli::command()),
                "jixiao",
                &mut script,
            );
            let _ = stdout.write_all(&script);
            Ok(0)
        }
        Some(Command::Tutor {
            action: Some(TutorAction::CheckLessons { dir }),
            ..
        }) => tutor_commands::check_lessons(dir.as_deref(), &schemes, stdout),
        Some(Command::Tutor {
            action: None,
            lessons,
            class,
            name,
        }) => {
            let lessons = tutor::track(lessons.as_deref()).map_err(tutor_failure)?;
            let workspace = tutor::Workspace::default_location().map_err(tutor_failure)?;
            let class = tutor_class(class, name)?;
            // On a terminal, the lesson list and the lessons; elsewhere the list as text.
            match Terminal::current().refusal(None) {
                None => tutor_screen(lessons, workspace, schemes, class),
                Some(_) => tutor_commands::list_lessons(&lessons, &workspace, &schemes, stdout),
            }
        }
        Some(Command::Class {
            action: Some(ClassAction::Init { dir }),
            ..
        }) => tutor_commands::class_init(&dir, stdout),
        Some(Command::Class {
            action: None,
            dir,
            format,
            lessons,
        }) => {
            let Some(dir) = dir else {
                return Err(Failure::usage(
                    "请给出班级文件夹：jixiao class DIR，或 jixiao class init DIR 新建",
                ));
            };
            let lessons = tutor::track(lessons.as_deref()).map_err(tutor_failure)?;
            let format = match format {
                Some(ClassFormatArg::Json) => ClassFormat::Json,
                Some(ClassFormatArg::Csv) => ClassFormat::Csv,
                // On a terminal, the live grid; elsewhere the table as text.
                None if Terminal::current().refusal(None).is_none() => {
                    return class_screen(dir, lessons, schemes);
                }
                None => ClassFormat::Text,
            };
            tutor_commands::class_report(&dir, &lessons, &schemes, format, stdout)
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

/// `--class DIR --name NAME`: the class folder must exist (the trainer makes it with
/// `class init`), the name defaults to the login name and must make a folder name.
fn tutor_class(
    class: Option<PathBuf>,
    name: Option<String>,
) -> Result<Option<jixiao::tui::tutor::Class>, Failure> {
    let Some(dir) = class else {
        if name.is_some() {
            return Err(Failure::usage(
                "--name 要和 --class 一起用：jixiao tutor --class 班级文件夹 --name 名字",
            ));
        }
        return Ok(None);
    };
    if !dir.is_dir() {
        return Err(Failure::usage(format!(
            "班级文件夹 {} 不存在（请教员先运行 jixiao class init 文件夹）",
            jixiao::sanitize::visible_inline(&dir.display().to_string())
        )));
    }
    let Some(name) = name.or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty())) else {
        return Err(Failure::usage("请用 --name 写上你的名字（交作业用）"));
    };
    let name = tutor::trainee_name(&name).map_err(|e| Failure::usage(e.to_string()))?;
    Ok(Some(jixiao::tui::tutor::Class { dir, name }))
}

/// `jixiao tutor` on a terminal.
fn tutor_screen(
    lessons: Vec<tutor::Lesson>,
    workspace: tutor::Workspace,
    schemes: SchemeSet,
    class: Option<jixiao::tui::tutor::Class>,
) -> Result<i32, Failure> {
    let (keymap, problems) = jixiao::tui::keymap::Keymap::load();
    let mut list = jixiao::tui::tutor::TutorList::new(lessons, workspace, schemes, class);
    if let Some(warning) = screen_warnings(problems) {
        list.warn(warning);
    }
    screen_result(jixiao::tui::tutor::run(&mut list, keymap))
}

/// `jixiao class DIR` on a terminal.
fn class_screen(
    dir: PathBuf,
    lessons: Vec<tutor::Lesson>,
    schemes: SchemeSet,
) -> Result<i32, Failure> {
    if !dir.is_dir() {
        return Err(Failure::usage(format!(
            "班级文件夹 {} 不存在（用 jixiao class init 文件夹 新建）",
            jixiao::sanitize::visible_inline(&dir.display().to_string())
        )));
    }
    let (keymap, problems) = jixiao::tui::keymap::Keymap::load();
    let mut screen = jixiao::tui::class::ClassScreen::new(dir, lessons, schemes);
    if let Some(warning) = screen_warnings(problems) {
        screen.status = Some((warning, true));
    }
    screen_result(jixiao::tui::class::run(&mut screen, keymap))
}

/// What a full screen shows in its footer once it is up (stderr is hidden by it): problems in
/// keys.toml, and a locale that is not UTF-8 (also on stderr first, as the workbench does).
fn screen_warnings(problems: Vec<String>) -> Option<String> {
    let mut warnings = locale_warnings(&Terminal::current());
    warnings.extend(problems);
    (!warnings.is_empty()).then(|| warnings.join("；"))
}

/// A locale that is not UTF-8: said on stderr for the record, and returned for the footer of
/// the screen about to open, where it can be read.
fn locale_warnings(terminal: &Terminal) -> Vec<String> {
    let warning = terminal.locale_warning();
    if let Some(warning) = &warning {
        let _ = writeln!(std::io::stderr(), "{warning}");
    }
    warning.into_iter().collect()
}

/// A full screen's end: an error restores the terminal first, then is reported.
fn screen_result(result: std::io::Result<()>) -> Result<i32, Failure> {
    result.map(|()| 0).map_err(|e| {
        jixiao::tui::restore_terminal();
        Failure {
            message: format!("全屏界面出错：{e}"),
            code: 1,
        }
    })
}

fn tutor_failure(e: tutor::TutorError) -> Failure {
    tutor_commands::failed(e)
}

/// The workbench, if this is a terminal it can open on: `TERM=dumb` or no terminal is
/// refused in one sentence pointing to `jixiao check`; a locale that is not UTF-8 is warned
/// about on stderr before the screen opens, and in the footer once it is up.
fn workbench(file: Option<PathBuf>, read_only: bool) -> Result<i32, Failure> {
    let terminal = Terminal::current();
    if let Some(why) = terminal.refusal(file.as_deref()) {
        return Err(Failure::usage(why));
    }
    Ok(jixiao::tui::open_and_run(
        file,
        read_only,
        locale_warnings(&terminal),
    ))
}

/// The review screen, refused like the workbench where it cannot open.
fn review_screen(dir: PathBuf) -> Result<i32, Failure> {
    if !dir.is_dir() {
        return Err(Failure::usage(format!(
            "{}：不是文件夹",
            jixiao::sanitize::visible_inline(&dir.display().to_string())
        )));
    }
    let terminal = Terminal::current();
    if let Some(why) = terminal.refusal(Some(&dir)) {
        return Err(Failure::usage(why));
    }
    Ok(jixiao::tui::review::open_and_run(
        dir,
        locale_warnings(&terminal),
    ))
}

/// `jixiao explain ID --screen`: the explanation full screen, where a full screen can open
/// (refused like the workbench, pointing to the text explanation).
fn explain_screen(id: &str) -> Result<i32, Failure> {
    if jixiao::rules::catalog::find(id).is_none() {
        // The text command's message for an unknown rule.
        return commands::explain(Some(id), &mut std::io::sink()).map(|_| 0);
    }
    let shown = jixiao::sanitize::visible_inline(id).into_owned();
    if let Some(why) =
        Terminal::current().refusal_pointing_to(&format!("用 jixiao explain {shown} 查看文字说明"))
    {
        return Err(Failure::usage(why));
    }
    match jixiao::tui::explain_screen(id) {
        Ok(_) => Ok(0),
        Err(e) => {
            jixiao::tui::restore_terminal();
            Err(Failure {
                message: format!("无法显示全屏说明：{e}"),
                code: 1,
            })
        }
    }
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
