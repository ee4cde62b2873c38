//! The bureau's 复核汇总表: the review written out as Excel (sheets 汇总 / 问题清单 /
//! 规则统计), CSV (the 汇总 sheet) or JSON (rows, findings and rule counts). Written as a
//! new file through the store (`store::create_new_file`): never over an existing file.

use super::summary::{previous_text, worst_text};
use super::{District, Row, RuleStat, district, rule_stats};
use crate::sanitize::visible_inline;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use std::path::{Path, PathBuf};

/// The kinds of 复核汇总表.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewFormat {
    /// Excel：汇总、问题清单、规则统计三张工作表
    Xlsx,
    /// CSV：汇总表（UTF-8，带 BOM，Excel 可直接打开）
    Csv,
    /// JSON：报告、问题、规则统计
    Json,
}

impl ReviewFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReviewFormat::Xlsx => "xlsx",
            ReviewFormat::Csv => "csv",
            ReviewFormat::Json => "json",
        }
    }

    /// The format a file name asks for by its extension.
    pub fn of_path(path: &Path) -> Option<ReviewFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" => Some(ReviewFormat::Xlsx),
            "csv" => Some(ReviewFormat::Csv),
            "json" => Some(ReviewFormat::Json),
            _ => None,
        }
    }
}

/// The format for `-o OUT`: `--to` when given, else OUT's extension (as the `x` key takes
/// it); a `--to` that OUT's extension contradicts (`--to csv -o x.xlsx`) is refused, in one
/// sentence.
pub fn format_for(to: Option<ReviewFormat>, out: &Path) -> Result<ReviewFormat, String> {
    let shown = visible_inline(&out.display().to_string()).into_owned();
    match (to, ReviewFormat::of_path(out)) {
        (Some(to), Some(by_name)) if to != by_name => Err(format!(
            "--to {} 与输出文件 {shown} 的扩展名 .{} 不符，请让两者一致（或去掉 --to）",
            to.extension(),
            by_name.extension()
        )),
        (Some(to), _) => Ok(to),
        (None, Some(by_name)) => Ok(by_name),
        (None, None) => Err(format!(
            "{shown}：看不出要导出的格式，请以 .xlsx、.csv 或 .json 结尾，或用 --to 指定"
        )),
    }
}

/// Why the 复核汇总表 was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}：文件已存在，未覆盖；请换一个文件名")]
    Exists(String),
    #[error("{0}：这是一个文件夹，不能作为输出文件")]
    Folder(String),
    #[error("{0}：所在的文件夹不存在")]
    NoFolder(String),
    #[error("{path}：无法写入（{reason}）")]
    Write { path: String, reason: String },
    #[error("生成 {format} 文件失败（{reason}）")]
    Build {
        format: &'static str,
        reason: String,
    },
}

/// The default name of the table for a reviewed folder: `复核汇总表-<folder>.xlsx`.
pub fn default_name(root: &Path) -> PathBuf {
    let folder = super::folder_name(root).unwrap_or_else(|| "报告".to_owned());
    // A name made from a folder's is kept to plain characters: no separators, no controls.
    let folder: String = folder
        .chars()
        .map(|c| {
            if c == '/' || crate::sanitize::is_unsafe(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    PathBuf::from(format!("复核汇总表-{folder}.xlsx"))
}

/// Writes the rows (in the order given) to a new file `out`.
pub fn write(rows: &[&Row], format: ReviewFormat, out: &Path) -> Result<(), WriteError> {
    let name = visible_inline(&out.display().to_string()).into_owned();
    if std::fs::metadata(out).is_ok_and(|m| m.is_dir()) {
        return Err(WriteError::Folder(name));
    }
    if std::fs::symlink_metadata(out).is_ok() {
        return Err(WriteError::Exists(name));
    }
    let folder = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(WriteError::NoFolder(name));
    }
    let bytes = render(rows, format)?;
    crate::store::create_new_file(out, &bytes).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => WriteError::Exists(name),
        _ => WriteError::Write {
            path: name,
            reason: e.to_string(),
        },
    })
}

/// The table's bytes.
pub fn render(rows: &[&Row], format: ReviewFormat) -> Result<Vec<u8>, WriteError> {
    match format {
        ReviewFormat::Xlsx => xlsx(rows).map_err(|e| WriteError::Build {
            format: "xlsx",
            reason: match e {
                XlsxError::MaxStringLengthExceeded => {
                    "有一段文字超过 Excel 单元格 32767 个字符的上限".to_owned()
                }
                other => other.to_string(),
            },
        }),
        ReviewFormat::Csv => Ok(csv(rows).into_bytes()),
        ReviewFormat::Json => Ok(json(rows).into_bytes()),
    }
}

/// The headings of the 汇总 sheet (and of the CSV).
pub const SUMMARY_HEADINGS: [&str; 12] = [
    "单位",
    "文件",
    "年度",
    "方案",
    "自评分",
    "权重",
    "等级",
    "错误",
    "警告",
    "提示",
    "最严重的问题",
    "上年比对",
];

/// The headings of the 问题清单 sheet.
pub const FINDING_HEADINGS: [&str; 7] = ["单位", "文件", "规则", "严重程度", "位置", "行", "说明"];

/// The headings of the 规则统计 sheet.
pub const RULE_HEADINGS: [&str; 5] = ["规则", "严重程度", "名称", "报告数", "出现次数"];

fn number(d: Decimal) -> Option<f64> {
    d.to_f64()
}

fn xlsx(rows: &[&Row]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let base = Format::new()
        .set_font_name("宋体")
        .set_font_size(10)
        .set_font_charset(134)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    let head = base.clone().set_bold().set_align(FormatAlign::Center);
    let text = base.clone().set_text_wrap();
    let figure = base.clone().set_num_format("0.##");
    let whole = base.clone().set_num_format("0");

    let heading = |ws: &mut Worksheet, headings: &[&str], widths: &[f64]| {
        for (c, (h, w)) in headings.iter().zip(widths).enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &head)?;
            ws.set_column_width(c as u16, *w)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok::<(), XlsxError>(())
    };

    let ws = workbook.add_worksheet();
    ws.set_name("汇总")?;
    heading(
        ws,
        &SUMMARY_HEADINGS,
        &[
            28.0, 24.0, 7.0, 18.0, 8.0, 8.0, 10.0, 6.0, 6.0, 6.0, 60.0, 36.0,
        ],
    )?;
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, row.label(), &text)?;
        ws.write_string_with_format(r, 1, &row.name, &text)?;
        match row.year {
            Some(y) => ws.write_number_with_format(r, 2, y as f64, &whole)?,
            None => ws.write_blank(r, 2, &base)?,
        };
        ws.write_string_with_format(r, 3, row.scheme.as_deref().unwrap_or(""), &text)?;
        for (c, value) in [(4, row.score), (5, row.weight)] {
            match value.and_then(number) {
                Some(v) => ws.write_number_with_format(r, c, v, &figure)?,
                None => ws.write_blank(r, c, &base)?,
            };
        }
        ws.write_string_with_format(r, 6, &row.grade, &text)?;
        for (c, n) in [
            (7, row.counts.errors),
            (8, row.counts.warnings),
            (9, row.counts.infos),
        ] {
            ws.write_number_with_format(r, c, n as f64, &whole)?;
        }
        ws.write_string_with_format(r, 10, worst_text(row), &text)?;
        ws.write_string_with_format(r, 11, previous_text(row), &text)?;
    }
    if !rows.is_empty() {
        ws.autofilter(0, 0, rows.len() as u32, SUMMARY_HEADINGS.len() as u16 - 1)?;
    }

    let ws = workbook.add_worksheet();
    ws.set_name("问题清单")?;
    heading(
        ws,
        &FINDING_HEADINGS,
        &[28.0, 24.0, 6.0, 8.0, 36.0, 6.0, 70.0],
    )?;
    let mut r = 1u32;
    for row in rows {
        for p in &row.problems {
            ws.write_string_with_format(r, 0, row.label(), &text)?;
            ws.write_string_with_format(r, 1, &row.name, &text)?;
            ws.write_string_with_format(r, 2, p.rule, &text)?;
            ws.write_string_with_format(r, 3, p.severity.label_zh(), &text)?;
            ws.write_string_with_format(r, 4, &p.path, &text)?;
            ws.write_number_with_format(r, 5, p.line as f64, &whole)?;
            ws.write_string_with_format(r, 6, &p.message, &text)?;
            r += 1;
        }
    }
    if r > 1 {
        ws.autofilter(0, 0, r - 1, FINDING_HEADINGS.len() as u16 - 1)?;
    }

    let ws = workbook.add_worksheet();
    ws.set_name("规则统计")?;
    heading(ws, &RULE_HEADINGS, &[8.0, 10.0, 40.0, 8.0, 10.0])?;
    let owned: Vec<Row> = rows.iter().map(|r| (*r).clone()).collect();
    for (i, stat) in rule_stats(&owned).iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, stat.rule, &text)?;
        ws.write_string_with_format(r, 1, stat.severity.label_zh(), &text)?;
        ws.write_string_with_format(r, 2, stat.title(), &text)?;
        ws.write_number_with_format(r, 3, stat.reports as f64, &whole)?;
        ws.write_number_with_format(r, 4, stat.findings as f64, &whole)?;
    }
    workbook.save_to_buffer()
}

/// A CSV field: quoted when it holds a comma, a quote or a line break; text that a
/// spreadsheet would take for a formula (`=`, `+`, `-`, `@` first) gets a `'` before it.
fn field(text: &str, is_text: bool) -> String {
    let text = if is_text && text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The 汇总 sheet as CSV: UTF-8 with a byte-order mark (so that Excel reads the Chinese),
/// CRLF line ends (RFC 4180), one line per report after the headings.
fn csv(rows: &[&Row]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&SUMMARY_HEADINGS.join(","));
    out.push_str("\r\n");
    let num = |d: Option<Decimal>| d.map(|d| d.normalize().to_string()).unwrap_or_default();
    for row in rows {
        let cells = [
            field(row.label(), true),
            field(&row.name, true),
            row.year.map(|y| y.to_string()).unwrap_or_default(),
            field(row.scheme.as_deref().unwrap_or(""), true),
            num(row.score),
            num(row.weight),
            field(&row.grade, true),
            row.counts.errors.to_string(),
            row.counts.warnings.to_string(),
            row.counts.infos.to_string(),
            field(&worst_text(row), true),
            field(&previous_text(row), true),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[derive(serde::Serialize)]
struct JsonWorst<'a> {
    rule: &'a str,
    severity: crate::finding::Severity,
    message: &'a str,
}

#[derive(serde::Serialize)]
struct JsonReport<'a> {
    file: &'a str,
    unit: Option<&'a str>,
    year: Option<u64>,
    scheme: Option<&'a str>,
    /// Exact decimals as strings, as `check --format json` writes amounts.
    score: Option<String>,
    weight: Option<String>,
    grade: &'a str,
    complete: bool,
    loaded: bool,
    errors: usize,
    warnings: usize,
    infos: usize,
    worst: Option<JsonWorst<'a>>,
    /// Last year's report compared with, or null.
    previous: Option<&'a str>,
    /// Why last year's report was not compared, or null.
    not_compared: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    file: &'a str,
    unit: Option<&'a str>,
    rule: &'a str,
    severity: crate::finding::Severity,
    path: &'a str,
    line: usize,
    message: &'a str,
}

#[derive(serde::Serialize)]
struct JsonRule<'a> {
    rule: &'a str,
    severity: crate::finding::Severity,
    title: &'a str,
    reports: usize,
    findings: usize,
}

#[derive(serde::Serialize)]
struct JsonGrade<'a> {
    grade: &'a str,
    reports: usize,
}

#[derive(serde::Serialize)]
struct JsonDistrict<'a> {
    reports: usize,
    with_errors: usize,
    not_loaded: usize,
    grades: Vec<JsonGrade<'a>>,
    mean_score: Option<String>,
    graded: usize,
}

#[derive(serde::Serialize)]
struct JsonReview<'a> {
    district: JsonDistrict<'a>,
    reports: Vec<JsonReport<'a>>,
    findings: Vec<JsonFinding<'a>>,
    rules: Vec<JsonRule<'a>>,
}

fn json(rows: &[&Row]) -> String {
    let owned: Vec<Row> = rows.iter().map(|r| (*r).clone()).collect();
    let d: District = district(&owned);
    let stats: Vec<RuleStat> = rule_stats(&owned);
    let review = JsonReview {
        district: JsonDistrict {
            reports: d.reports,
            with_errors: d.with_errors,
            not_loaded: d.not_loaded,
            grades: d
                .grades
                .iter()
                .map(|(g, n)| JsonGrade {
                    grade: g,
                    reports: *n,
                })
                .collect(),
            mean_score: d.mean_score.map(|m| m.to_string()),
            graded: d.graded,
        },
        reports: rows
            .iter()
            .map(|r| JsonReport {
                file: &r.name,
                unit: r.unit.as_deref(),
                year: r.year,
                scheme: r.scheme.as_deref(),
                score: r.score.map(|s| s.normalize().to_string()),
                weight: r.weight.map(|w| w.normalize().to_string()),
                grade: &r.grade,
                complete: r.complete,
                loaded: r.loaded,
                errors: r.counts.errors,
                warnings: r.counts.warnings,
                infos: r.counts.infos,
                worst: r.worst().map(|p| JsonWorst {
                    rule: p.rule,
                    severity: p.severity,
                    message: &p.message,
                }),
                previous: r.previous.as_deref(),
                not_compared: r.not_compared.as_deref(),
            })
            .collect(),
        findings: rows
            .iter()
            .flat_map(|r| {
                r.problems.iter().map(|p| JsonFinding {
                    file: &r.name,
                    unit: r.unit.as_deref(),
                    rule: p.rule,
                    severity: p.severity,
                    path: &p.path,
                    line: p.line,
                    message: &p.message,
                })
            })
            .collect(),
        rules: stats
            .iter()
            .map(|s| JsonRule {
                rule: s.rule,
                severity: s.severity,
                title: s.title(),
                reports: s.reports,
                findings: s.findings,
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&review).expect("the review serializes");
    text.push('\n');
    text
}

/// `jixiao review DIR --to FORMAT -o OUT`: checks the folder and writes the table (rows in
/// unit order); says where on `stdout`. The findings are the table's content, not a
/// failure: written is success (exit status 0).
pub fn command(
    root: &Path,
    format: ReviewFormat,
    out: &Path,
    schemes: &crate::scheme::SchemeSet,
    stdout: &mut dyn std::io::Write,
) -> Result<i32, crate::commands::Failure> {
    use crate::commands::Failure;
    let shown = visible_inline(&root.display().to_string()).into_owned();
    if !root.is_dir() {
        return Err(Failure::usage(format!("{shown}：不是文件夹")));
    }
    let review = super::Review::load(root, schemes);
    if review.rows.is_empty() {
        return Err(Failure::usage(format!(
            "{shown}：没有找到要复核的 .toml 文件"
        )));
    }
    let order = super::view(&review.rows, &Default::default(), Default::default());
    let rows: Vec<&Row> = order.iter().map(|&i| &review.rows[i]).collect();
    write(&rows, format, out).map_err(|e| Failure::usage(e.to_string()))?;
    writeln!(
        stdout,
        "已导出 {}（{} 份报告）",
        visible_inline(&out.display().to_string()),
        rows.len()
    )
    .map_err(|e| Failure::usage(e.to_string()))?;
    Ok(0)
}
