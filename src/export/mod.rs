//! Deliverables: the report as Markdown, Excel and Word, laid out like the official report
//! and its attachments 附件2 基础数据表 and 附件3 自评表.
//!
//! The export shows the document as it is: a blank cell stays blank, `/` stays `/`, and a
//! wrong figure is exported as written. Findings are not part of the deliverable. Text from
//! the file is untrusted, so control characters are made visible before they reach any
//! output (a raw one would also make the Word and Excel XML unreadable).

mod body;
mod docx;
mod form;
mod md;
mod xlsx;

use crate::commands::Failure;
use crate::model::{Amount, Count, Report};
use crate::sanitize::{visible, visible_inline};
use crate::scheme::{self, SchemeSet};
use crate::store::{self, SaveError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The kinds of deliverable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Markdown：整份报告（正文一至九、附件2、附件3 表格）
    Md,
    /// Excel：附件2、附件3 两张工作表
    Xlsx,
    /// Word：报告正文及两个附件表格
    Docx,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Md => "md",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Docx => "docx",
        }
    }
}

/// Why an export was not written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}：文件已存在，未覆盖；确需覆盖请加 --force")]
    Exists(String),
    #[error("{0}：这是一个文件夹，不能作为导出文件")]
    Folder(String),
    #[error("{0}：所在的文件夹不存在")]
    NoFolder(String),
    #[error("{path}：无法写入（{reason}）")]
    Write { path: String, reason: String },
    #[error(transparent)]
    Save(#[from] SaveError),
    #[error("生成 {format} 文件失败（{reason}）")]
    Build {
        format: &'static str,
        reason: String,
    },
}

/// Writes `report` to `out` in `format`. An existing file is replaced only with `force`,
/// and then atomically; without it, a file that appears meanwhile is not overwritten either.
pub fn export(
    report: &Report,
    format: ExportFormat,
    out: &Path,
    force: bool,
) -> Result<(), ExportError> {
    let name = visible_inline(&out.display().to_string()).into_owned();
    if std::fs::metadata(out).is_ok_and(|m| m.is_dir()) {
        return Err(ExportError::Folder(name));
    }
    if !force && std::fs::symlink_metadata(out).is_ok() {
        return Err(ExportError::Exists(name));
    }
    let folder = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(ExportError::NoFolder(name));
    }
    let bytes = render(report, format)?;
    if force && std::fs::symlink_metadata(out).is_ok() {
        // Replaced only when it is the user's own regular file, never through a symlink.
        store::write_new_or_own(out, &bytes)?;
        Ok(())
    } else {
        write_new(out, &bytes, name)
    }
}

/// The deliverable's bytes.
pub fn render(report: &Report, format: ExportFormat) -> Result<Vec<u8>, ExportError> {
    match format {
        ExportFormat::Md => Ok(md::render(report).into_bytes()),
        ExportFormat::Xlsx => xlsx::render(report).map_err(|e| ExportError::Build {
            format: "xlsx",
            reason: match e {
                rust_xlsxwriter::XlsxError::MaxStringLengthExceeded => {
                    "有一段文字超过 Excel 单元格 32767 个字符的上限".to_owned()
                }
                other => other.to_string(),
            },
        }),
        ExportFormat::Docx => docx::render(report).map_err(|reason| ExportError::Build {
            format: "docx",
            reason,
        }),
    }
}

/// Writes a whole new file, refusing to replace one that exists by the time it lands.
fn write_new(out: &Path, bytes: &[u8], name: String) -> Result<(), ExportError> {
    store::create_new_file(out, bytes).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => ExportError::Exists(name),
        _ => ExportError::Write {
            path: name,
            reason: e.to_string(),
        },
    })
}

/// `jixiao export FILE --to FORMAT [-o OUT] [--force]`: loads FILE, writes the deliverable
/// (by default beside FILE, with the format's extension) and says where.
pub fn command(
    file: &Path,
    format: ExportFormat,
    out: Option<&Path>,
    force: bool,
    schemes: &SchemeSet,
    stdout: &mut dyn Write,
) -> Result<(), Failure> {
    let out = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| file.with_extension(format.extension()));
    let bytes = store::read_report_file(file)
        .map_err(|e| Failure::usage(visible_inline(&e.to_string())))?;
    let loaded = scheme::inspect(bytes, schemes).map_err(|f| load_failure(file, &f))?;
    if same_file(file, &out) {
        return Err(Failure::usage(format!(
            "{}：这是要导出的报告文件本身，不能覆盖；请用 -o 指定另一个文件",
            visible_inline(&out.display().to_string())
        )));
    }
    export(&loaded.report, format, &out, force)
        .map_err(|e| Failure::usage(visible_inline(&e.to_string())))?;
    writeln!(
        stdout,
        "已导出 {}",
        visible_inline(&out.display().to_string())
    )
    .map_err(|e| Failure::usage(e.to_string()))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The load errors as `set` reports them, and a closing sentence.
fn load_failure(path: &Path, failure: &store::LoadFailure) -> Failure {
    let mut failure = crate::commands::load_failure(path, failure);
    let file = visible_inline(&path.display().to_string()).into_owned();
    failure
        .message
        .push_str(&format!("\n{file}：无法载入，未导出"));
    failure
}

/// Text from the file with its control characters made visible; line breaks kept.
pub(crate) fn clean(text: &str) -> String {
    visible(text).into_owned()
}

/// “2023年”, or “本年” for a report without a year.
pub(crate) fn year_label(report: &Report) -> String {
    match report.report.year.value() {
        Some(y) => format!("{y}年"),
        None => "本年".to_owned(),
    }
}

/// A gap that prints as a line to be filled in, where running text has a blank figure.
pub(crate) const GAP: &str = "＿＿";

/// An amount inside running text, as written.
pub(crate) fn amount_text(cell: Amount) -> String {
    match cell {
        Amount::Blank => GAP.to_owned(),
        Amount::NotApplicable => "/".to_owned(),
        Amount::Value(d) => d.to_string(),
    }
}

pub(crate) fn count_text(cell: Count) -> String {
    match cell {
        Count::Blank => GAP.to_owned(),
        Count::NotApplicable => "/".to_owned(),
        Count::Value(n) => n.to_string(),
    }
}
