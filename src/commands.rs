//! The commands of CLI.md other than the workbench and `check`: `explain`, `new`, `schemes`, `set`.

use crate::finding::Finding;
use crate::model::FieldPath;
use crate::rules::{self, catalog};
use crate::sanitize::visible_inline;
use crate::scheme::{self, Origin, Scheme, SchemeSet};
use crate::store::{self, Document};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

/// A command's failure: the message for stderr and the exit status.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: i32,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 2,
        }
    }
}

/// `jixiao explain [ID]`.
pub fn explain(id: Option<&str>, out: &mut dyn Write) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure::usage(e.to_string());
    match id {
        None => {
            writeln!(out, "全部检查规则（jixiao explain 编号 查看详细说明）：").map_err(io)?;
            for r in catalog::RULES {
                writeln!(out, "  {}  {:<7}  {}", r.id, r.severity.as_str(), r.title).map_err(io)?;
            }
            Ok(())
        }
        Some(id) => {
            let r = catalog::find(id).ok_or_else(|| {
                Failure::usage(format!(
                    "没有编号为“{}”的规则；jixiao explain 列出全部规则",
                    visible_inline(id)
                ))
            })?;
            writeln!(out, "{} {}（{}）", r.id, r.title, r.severity.label_zh()).map_err(io)?;
            writeln!(out, "\n保护什么：{}", r.protects).map_err(io)?;
            writeln!(out, "\n公式：{}", r.formula).map_err(io)?;
            writeln!(out, "\n怎样改：{}", r.fix).map_err(io)?;
            writeln!(out, "\n例：{}", r.example).map_err(io)?;
            Ok(())
        }
    }
}

/// `jixiao schemes`.
pub fn schemes(set: &SchemeSet, out: &mut dyn Write) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure::usage(e.to_string());
    for s in &set.schemes {
        let origin = match &s.origin {
            Origin::Builtin => "内置".to_owned(),
            Origin::File(p) => p.display().to_string(),
        };
        let groups: Vec<String> = s
            .groups
            .iter()
            .map(|g| format!("{} {}", g.name, g.weight))
            .collect();
        writeln!(
            out,
            "{}  {}（{}）\n    {} {} · {}",
            s.id,
            visible_inline(&s.name),
            visible_inline(&origin),
            s.funds.name,
            s.funds.weight,
            groups.join(" · ")
        )
        .map_err(io)?;
    }
    for (path, why) in &set.problems {
        writeln!(
            out,
            "（已跳过 {}：{}）",
            path.display(),
            visible_inline(why)
        )
        .map_err(io)?;
    }
    if let Some(dir) = crate::scheme::user_scheme_dir() {
        writeln!(out, "自定义方案放在 {}", dir.display()).map_err(io)?;
    }
    Ok(())
}

/// A TOML string literal for a text.
pub(crate) fn quote(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_owned()
}

/// The text of a fresh report for `jixiao new`.
pub fn template(scheme: &Scheme, unit: &str, year: u64) -> String {
    let mut groups = String::new();
    for g in &scheme.groups {
        groups.push_str(&format!(
            "[[score_sheet.groups]]\nname = {}\nweight = {}\n\n",
            quote(&g.name),
            g.weight
        ));
        let categories = if g.categories.is_empty() {
            vec![String::new()]
        } else {
            g.categories.clone()
        };
        for c in categories {
            groups.push_str(&format!(
                "[[score_sheet.groups.indicators]]\ncategory = {}       # 二级指标\nname = \"\"         # 三级指标\ntarget = \"\"       # 年度指标值\nactual = \"\"       # 实际完成值\nweight = \"\"       # 分值\nscore = \"\"        # 得分\ndeviation = \"\"    # 偏差原因分析及改进措施\n\n",
                quote(&c)
            ));
        }
    }
    fill_template(
        scheme,
        unit,
        year,
        &scheme.funds.weight.to_string(),
        &groups,
    )
}

/// `config/template.toml` with its blanks filled in.
pub(crate) fn fill_template(
    scheme: &Scheme,
    unit: &str,
    year: u64,
    funds_weight: &str,
    groups: &str,
) -> String {
    include_str!("../config/template.toml")
        .replace("{{scheme}}", &quote(&scheme.id))
        .replace("{{unit}}", &quote(unit))
        .replace("{{year}}", &year.to_string())
        .replace("{{funds_weight}}", funds_weight)
        .replace("{{groups}}", groups.trim_end())
        + "\n"
}

/// The year a report written now is usually about: last year.
pub fn default_year() -> u64 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Days to civil year (Howard Hinnant's algorithm), enough for a default.
    let days = (seconds / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year - 1).max(2000) as u64
}

/// `jixiao new FILE`.
pub fn new_report(
    path: &Path,
    set: &SchemeSet,
    scheme_id: &str,
    unit: &str,
    year: u64,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let scheme = set.get(scheme_id).ok_or_else(|| {
        Failure::usage(format!(
            "没有名为“{}”的评分方案（可用：{}）",
            visible_inline(scheme_id),
            set.ids().join("、")
        ))
    })?;
    let text = template(scheme, unit, year);
    let exists = || {
        Failure::usage(format!(
            "{}：文件已存在，不会覆盖；请换一个文件名",
            path.display()
        ))
    };
    // Refused when anything (a symlink too) is already there.
    store::create_new_file(path, text.as_bytes()).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => exists(),
        _ => Failure::usage(format!("{}：无法创建（{e}），未创建", path.display())),
    })?;
    writeln!(
        out,
        "已创建 {}（方案 {}，年度 {year}）",
        path.display(),
        scheme.id
    )
    .map_err(|e| Failure::usage(e.to_string()))?;
    Ok(())
}

/// `jixiao set FILE KEY=VALUE…`: validates every assignment, writes them through the
/// format-preserving writer, saves atomically and prints the findings that changed.
pub fn set(
    path: &Path,
    assignments: &[String],
    set: &SchemeSet,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure::usage(e.to_string());
    let bytes = store::read_report_file(path).map_err(|e| Failure::usage(e.to_string()))?;
    let before = scheme::load(&bytes, set).map_err(|f| load_failure(path, &f))?;
    let scheme = rules::scheme_of(&before, set);
    // Last year's report beside the file, as `check` would find it (Y01, Y02).
    let with_previous = |loaded: &store::Loaded, scheme: &Scheme| {
        let (previous, _) = crate::previous::beside(path, &loaded.report, set);
        let options = rules::RuleOptions {
            complete: false,
            previous: previous.as_deref(),
        };
        rules::analyze_with(loaded, scheme, options)
    };
    let (old_findings, _) = with_previous(&before, scheme);

    let mut doc = Document::parse(&before.source)
        .map_err(|e| Failure::usage(format!("{}：{e}", path.display())))?;
    for assignment in assignments {
        let (key, value) = assignment.split_once('=').ok_or_else(|| {
            Failure::usage(format!(
                "“{}”应写成 键=值，如 budget.spent=320.25",
                visible_inline(assignment)
            ))
        })?;
        let field = FieldPath::parse(key.trim()).map_err(|e| Failure::usage(e.to_string()))?;
        doc.set(&field, value).map_err(|e| {
            Failure::usage(format!(
                "{}：{}；文件未改动",
                path.display(),
                visible_inline(&e.to_string())
            ))
        })?;
    }
    let text = doc.to_text();
    let after = scheme::load(text.as_bytes(), set).map_err(|f| {
        let mut failure = load_failure(path, &f);
        failure.message.push_str("\n修改后文件将无法载入，未保存");
        failure
    })?;
    // Never over a change someone saved while this command ran.
    let options = store::SaveOptions {
        expected: Some(&bytes),
        ..store::SaveOptions::default()
    };
    store::save_report(path, text.as_bytes(), options)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let scheme = rules::scheme_of(&after, set);
    let (new_findings, totals) = with_previous(&after, scheme);

    writeln!(
        out,
        "已保存 {}（{} 处修改）",
        path.display(),
        assignments.len()
    )
    .map_err(io)?;
    let key = |f: &Finding| (f.rule, f.path.to_string(), f.message.clone());
    let old: BTreeSet<_> = old_findings.iter().map(key).collect();
    let new: BTreeSet<_> = new_findings.iter().map(key).collect();
    for f in &old_findings {
        if !new.contains(&key(f)) {
            writeln!(
                out,
                "- 消失 {}[{}] {}",
                f.severity,
                f.rule,
                visible_inline(&f.message)
            )
            .map_err(io)?;
        }
    }
    for f in &new_findings {
        if !old.contains(&key(f)) {
            writeln!(
                out,
                "+ 新增 {}[{}] {}",
                f.severity,
                f.rule,
                visible_inline(&f.message)
            )
            .map_err(io)?;
        }
    }
    writeln!(out, "{}", crate::check::summary_line(&totals)).map_err(io)?;
    Ok(())
}

/// The load errors, one line each in the `check` format (file, line and column, rule).
pub(crate) fn load_failure(path: &Path, failure: &store::LoadFailure) -> Failure {
    let file = visible_inline(&path.display().to_string()).into_owned();
    let lines: Vec<String> = failure
        .findings
        .iter()
        .filter(|f| f.severity == crate::finding::Severity::Error)
        .map(|f| {
            let (line, col) = f
                .span
                .as_ref()
                .map_or((1, 1), |s| failure.source.line_col(s.start));
            format!(
                "{file}:{line}:{col}: {}[{}] {}",
                f.severity,
                f.rule,
                visible_inline(&f.message)
            )
        })
        .collect();
    Failure::usage(lines.join("\n"))
}

/// What the workbench knows of the terminal it is asked to open on.
#[derive(Debug, Clone, Default)]
pub struct Terminal {
    /// `TERM`, when set.
    pub term: Option<String>,
    pub stdin_tty: bool,
    pub stdout_tty: bool,
    /// `LC_ALL`, `LC_CTYPE` and `LANG`, when set.
    pub lc_all: Option<String>,
    pub lc_ctype: Option<String>,
    pub lang: Option<String>,
}

impl Terminal {
    /// The process's own terminal and locale.
    pub fn current() -> Terminal {
        use std::io::IsTerminal;
        let var = |name| std::env::var(name).ok();
        Terminal {
            term: var("TERM"),
            stdin_tty: std::io::stdin().is_terminal(),
            stdout_tty: std::io::stdout().is_terminal(),
            lc_all: var("LC_ALL"),
            lc_ctype: var("LC_CTYPE"),
            lang: var("LANG"),
        }
    }

    /// Why the workbench cannot open here, in one sentence pointing to `jixiao check`:
    /// `TERM=dumb`, or standard input or output not a terminal.
    pub fn refusal(&self, file: Option<&Path>) -> Option<String> {
        let check = match file {
            Some(f) => {
                let shown = visible_inline(&f.display().to_string()).into_owned();
                // Quoted when the shell would split it, so the command can be copied as shown.
                if shown.contains(char::is_whitespace) || shown.contains(['\'', '"']) {
                    format!("jixiao check '{}'", shown.replace('\'', "'\\''"))
                } else {
                    format!("jixiao check {shown}")
                }
            }
            None => "jixiao check 文件".to_owned(),
        };
        self.refusal_pointing_to(&format!("用 {check} 检查报告"))
    }

    /// Why a full screen cannot open here, in one sentence ending with what to do instead
    /// (`instead`, e.g. "用 jixiao explain C03 查看文字说明").
    pub fn refusal_pointing_to(&self, instead: &str) -> Option<String> {
        if self.term.as_deref() == Some("dumb") {
            return Some(format!(
                "这个终端（TERM=dumb）显示不了全屏工作台，请换用完整的终端打开，或{instead}。"
            ));
        }
        if !self.stdin_tty || !self.stdout_tty {
            return Some(format!(
                "工作台要在终端里打开（现在的输入或输出不是终端），不在终端时请{instead}。"
            ));
        }
        None
    }

    /// The locale that decides the character set (the first of `LC_ALL`, `LC_CTYPE`, `LANG`
    /// that is set and not empty), when it is not UTF-8: a one-line warning for stderr.
    pub fn locale_warning(&self) -> Option<String> {
        let (name, value) = [
            ("LC_ALL", &self.lc_all),
            ("LC_CTYPE", &self.lc_ctype),
            ("LANG", &self.lang),
        ]
        .into_iter()
        .find_map(|(name, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| (name, v)))?;
        let lower = value.to_ascii_lowercase();
        if lower.contains("utf-8") || lower.contains("utf8") {
            return None;
        }
        Some(format!(
            "警告：当前语言环境 {name}={} 不是 UTF-8，中文可能显示成乱码或错位；可先设置 LANG=zh_CN.UTF-8（或 C.UTF-8）再打开。",
            visible_inline(value)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::{self, Field, Kind};

    fn terminal() -> Terminal {
        Terminal {
            term: Some("xterm-256color".into()),
            stdin_tty: true,
            stdout_tty: true,
            lang: Some("zh_CN.UTF-8".into()),
            ..Terminal::default()
        }
    }

    #[test]
    fn a_dumb_terminal_or_none_is_refused_in_one_sentence() {
        assert_eq!(terminal().refusal(None), None);
        let dumb = Terminal {
            term: Some("dumb".into()),
            ..terminal()
        };
        let why = dumb.refusal(Some(Path::new("报告.toml"))).unwrap();
        assert_eq!(
            why,
            "这个终端（TERM=dumb）显示不了全屏工作台，请换用完整的终端打开，或用 jixiao check 报告.toml 检查报告。"
        );
        let piped = Terminal {
            stdout_tty: false,
            ..terminal()
        };
        let why = piped.refusal(None).unwrap();
        assert!(why.contains("jixiao check 文件"), "{why}");
        assert_eq!(why.matches('。').count(), 1);
        let spaced = dumb.refusal(Some(Path::new("我的 报告.toml"))).unwrap();
        assert!(
            spaced.contains("jixiao check '我的 报告.toml' 检查报告"),
            "{spaced}"
        );
        let quoted = dumb.refusal(Some(Path::new("it's.toml"))).unwrap();
        assert!(quoted.contains("jixiao check 'it'\\''s.toml'"), "{quoted}");
        let no_input = Terminal {
            stdin_tty: false,
            ..terminal()
        };
        assert!(no_input.refusal(None).is_some());
    }

    #[test]
    fn a_locale_that_is_not_utf8_is_warned_about() {
        assert_eq!(terminal().locale_warning(), None);
        // Nothing set: nothing known, nothing said.
        assert_eq!(Terminal::default().locale_warning(), None);
        let c = Terminal {
            lang: Some("C".into()),
            ..terminal()
        };
        let warning = c.locale_warning().unwrap();
        assert!(
            warning.starts_with("警告：当前语言环境 LANG=C 不是 UTF-8"),
            "{warning}"
        );
        assert!(!warning.contains('\n'));
        // LC_ALL decides over LANG, LC_CTYPE too; an empty one is passed over.
        let over = Terminal {
            lc_all: Some("POSIX".into()),
            ..terminal()
        };
        assert!(over.locale_warning().unwrap().contains("LC_ALL=POSIX"));
        let fine = Terminal {
            lc_all: Some(String::new()),
            lc_ctype: Some("en_US.utf8".into()),
            lang: Some("C".into()),
            ..terminal()
        };
        assert_eq!(fine.locale_warning(), None);
        let gbk = Terminal {
            lc_ctype: Some("zh_CN.GBK".into()),
            ..terminal()
        };
        assert!(gbk.locale_warning().unwrap().contains("LC_CTYPE=zh_CN.GBK"));
    }

    /// Keys the template leaves out on purpose: the form keeps 楼堂馆所 as one empty row to
    /// be added, and the printed project lines have no 所属分组 until one is needed.
    const LEFT_OUT: &[&str] = &[
        "basic_data.buildings",
        "basic_data.costs.project_lines.group",
    ];

    /// Every key the schema declares under `table` (rows: their first row) is in the template.
    fn missing_keys(table: &toml::Table, fields: &[Field], at: &str, missing: &mut Vec<String>) {
        for field in fields {
            let path = if at.is_empty() {
                field.key.to_owned()
            } else {
                format!("{at}.{}", field.key)
            };
            if LEFT_OUT.contains(&path.as_str()) {
                continue;
            }
            let Some(value) = table.get(field.key) else {
                missing.push(path);
                continue;
            };
            match (field.kind, value) {
                // Inline cost rows write only the columns the printed form has.
                (Kind::Table(children), toml::Value::Table(t)) => {
                    missing_keys(t, children, &path, missing);
                }
                (Kind::Rows(children), toml::Value::Array(rows)) => {
                    if let Some(toml::Value::Table(first)) = rows.first() {
                        missing_keys(first, children, &path, missing);
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn the_template_of_new_writes_every_key_the_schema_declares() {
        let set = SchemeSet::builtin();
        for id in set.ids() {
            let text = template(set.get(id).unwrap(), "某单位", 2024);
            let table: toml::Table = toml::from_str(&text).unwrap();
            let mut missing = Vec::new();
            missing_keys(&table, schema::ROOT, "", &mut missing);
            assert!(
                missing.is_empty(),
                "config/template.toml lacks {missing:?} (scheme {id})"
            );
        }
    }
}
