//! `jixiao export`: each deliverable is read back and its content checked — the seed's
//! figures where the forms print them, blanks blank, `/` kept, merged headers present, and
//! the command's refusals.

use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use jixiao::export::{ExportFormat, export, render};
use jixiao::model::Report;
use jixiao::scheme::SchemeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SEED: &str = include_str!("../examples/lusong-emergency-2023.toml");
const BASIC_DATA: &str = "附件2 基础数据表";
const SCORE_SHEET: &str = "附件3 自评表";

fn load(text: &str) -> Report {
    match jixiao::scheme::load(text.as_bytes(), &SchemeSet::builtin()) {
        Ok(loaded) => loaded.report,
        Err(f) => panic!("did not load: {:?}", f.findings),
    }
}

fn seed_to(dir: &Path, format: ExportFormat) -> PathBuf {
    let out = dir.join(format!("seed.{}", format.extension()));
    export(&load(SEED), format, &out, false).expect("export");
    out
}

fn unzip(path: &Path, member: &str) -> String {
    let file = std::fs::File::open(path).expect("open");
    let mut archive = zip::ZipArchive::new(file).expect("a zip file");
    let mut entry = archive.by_name(member).expect("member present");
    let mut text = String::new();
    entry.read_to_string(&mut text).expect("utf-8");
    text
}

fn jixiao(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run jixiao")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

// ---------- xlsx ----------

struct Sheet(Range<Data>);

impl Sheet {
    /// Absolute (row, col) of the first cell holding exactly `text`.
    fn find(&self, text: &str) -> (u32, u32) {
        let (r0, c0) = self.0.start().expect("a non-empty sheet");
        self.0
            .cells()
            .find(|(_, _, d)| matches!(d, Data::String(s) if s == text))
            .map(|(r, c, _)| (r0 + r as u32, c0 + c as u32))
            .unwrap_or_else(|| panic!("no cell “{text}”"))
    }

    fn at(&self, row: u32, col: u32) -> Data {
        self.0.get_value((row, col)).cloned().unwrap_or(Data::Empty)
    }

    fn numbers(&self) -> Vec<f64> {
        self.0
            .cells()
            .filter_map(|(_, _, d)| match d {
                Data::Float(f) => Some(*f),
                Data::Int(i) => Some(*i as f64),
                _ => None,
            })
            .collect()
    }

    fn has_number(&self, want: f64) -> bool {
        self.numbers().iter().any(|n| (n - want).abs() < 1e-9)
    }
}

fn number(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number cell, found {other:?}"),
    }
}

#[test]
fn xlsx_has_both_forms_with_figures_as_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = seed_to(dir.path(), ExportFormat::Xlsx);
    let mut book: Xlsx<_> = open_workbook(&path).expect("calamine opens it");
    assert_eq!(book.sheet_names(), vec![BASIC_DATA, SCORE_SHEET]);

    let basic = Sheet(book.worksheet_range(BASIC_DATA).unwrap());
    let score = Sheet(book.worksheet_range(SCORE_SHEET).unwrap());

    // 附件2: 编制数 14 under its heading, the rate as a fraction.
    let (r, c) = basic.find("编制数");
    assert_eq!(number(&basic.at(r + 1, c)), 14.0);
    assert!(basic.has_number(0.714), "控制率 71.4% as 0.714");
    // 公用经费 row: 24.14 / 21.99 / 20.67 in the three merged column pairs.
    let (r, c) = basic.find("公用经费");
    assert_eq!(c, 0);
    let row: Vec<f64> = [1, 3, 5].iter().map(|&k| number(&basic.at(r, k))).collect();
    assert_eq!(row, vec![24.14, 21.99, 20.67]);
    let (r, _) = basic.find("项目支出");
    assert_eq!(number(&basic.at(r, 5)), 96.41);
    // A blank stays blank: 水费、电费、差旅费 has no 本年决算数.
    let (r, _) = basic.find("水费、电费、差旅费");
    assert_eq!(number(&basic.at(r, 1)), 0.11);
    assert_eq!(basic.at(r, 5), Data::Empty);
    // The form's —— where last year's 政府采购金额 does not apply.
    let (r, _) = basic.find("政府采购金额");
    assert_eq!(basic.at(r, 1), Data::String("——".into()));
    assert_eq!(number(&basic.at(r, 5)), 109.5);

    // 附件3: the 年度资金总额 row.
    let (r, c) = score.find("年度资金总额");
    let funds: Vec<Data> = (3..9).map(|k| score.at(r, k)).collect();
    assert_eq!(c, 1);
    assert_eq!(number(&funds[0]), 241.75);
    assert_eq!(number(&funds[1]), 320.28);
    assert_eq!(number(&funds[2]), 320.25);
    assert_eq!(number(&funds[3]), 10.0);
    assert!((number(&funds[4]) - 0.9999).abs() < 1e-12);
    assert_eq!(number(&funds[5]), 9.0);
    assert!(score.has_number(96.44), "按支出性质分 项目支出 as stated");
    // `/` stays a text cell; the indicator table keeps its headings.
    let (r, c) = score.find("生态效益指标");
    for k in c + 1..c + 7 {
        assert_eq!(score.at(r, k), Data::String("/".into()), "col {k}");
    }
    // 可持续影响指标 has no 偏差原因: blank.
    let (r, _) = score.find("可持续影响指标");
    assert_eq!(number(&score.at(r, 6)), 8.0);
    assert_eq!(score.at(r, 8), Data::Empty);
    let (r, _) = score.find("总分");
    assert_eq!(number(&score.at(r, 6)), 100.0);
    assert_eq!(number(&score.at(r, 7)), 94.0);
    score.find("产出指标\n（40分）");
    score.find("偏差原因分析及改进措施");
    score.find("株洲市芦淞区应急管理局");
}

#[test]
fn xlsx_merges_the_form_headers_and_formats_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let path = seed_to(dir.path(), ExportFormat::Xlsx);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let mut merged = |sheet: &str| -> Vec<((u32, u32), (u32, u32))> {
        book.merge_cells_by_sheet_name(sheet)
            .unwrap()
            .iter()
            .map(|d| (d.start, d.end))
            .collect()
    };
    let basic = merged(BASIC_DATA);
    let score = merged(SCORE_SHEET);
    let basic_range = Sheet(book.worksheet_range(BASIC_DATA).unwrap());
    let score_range = Sheet(book.worksheet_range(SCORE_SHEET).unwrap());

    // 财政供养人员情况（人） spans its two rows; 编制数 spans two columns.
    let (r, c) = basic_range.find("财政供养人员情况（人）");
    assert!(basic.contains(&((r, c), (r + 1, c))), "{basic:?}");
    let (r, c) = basic_range.find("编制数");
    assert!(basic.contains(&((r, c), (r, c + 1))), "{basic:?}");
    // The title runs across the whole form.
    assert!(basic.contains(&((1, 0), (1, 6))), "{basic:?}");

    // 产出指标 is merged down over its three indicators; 绩效指标 over the whole table.
    let (r, c) = score_range.find("产出指标\n（40分）");
    assert!(score.contains(&((r, c), (r + 2, c))), "{score:?}");
    let (r, c) = score_range.find("绩效指标");
    assert!(score.contains(&((r, c), (r + 11, c))), "{score:?}");
    let (r, c) = score_range.find("总分");
    assert!(score.contains(&((r, c), (r, c + 5))), "{score:?}");

    let sheet1 = unzip(&path, "xl/worksheets/sheet1.xml");
    assert!(sheet1.contains("<mergeCell "));
    let styles = unzip(&path, "xl/styles.xml");
    assert!(
        styles.contains(r#"formatCode="0.00""#),
        "amounts with two decimals"
    );
    assert!(styles.contains(r#"formatCode="0.00%""#), "执行率 as stated");
    assert!(styles.contains(r#"formatCode="0.0%""#), "控制率 as stated");
    // A4, fitted to one page wide.
    assert!(sheet1.contains(r#"paperSize="9""#));
    assert!(sheet1.contains(r#"fitToHeight="0""#));
}

// ---------- docx ----------

#[test]
fn docx_has_the_headings_in_order_and_both_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = seed_to(dir.path(), ExportFormat::Docx);
    let xml = unzip(&path, "word/document.xml");

    let title = xml
        .find("2023年度株洲市芦淞区应急管理局整体支出绩效自评报告")
        .expect("title");
    let mut last = title;
    for heading in [
        "一、部门（单位）基本情况",
        "（一）主要职能",
        "（二）机构情况",
        "（三）人员情况",
        "二、一般公共预算支出情况",
        "三、政府性基金预算支出情况",
        "四、国有资本经营预算支出情况",
        "五、社会保险基金预算支出情况",
        "六、资金使用及绩效情况（包含单位管理的公共专项）",
        "（二）项目支出绩效情况",
        "七、存在的问题及原因分析",
        "八、下一步改进措施",
        "九、部门整体支出绩效自评结果拟应用和公开情况",
    ] {
        let at = xml[last..]
            .find(heading)
            .unwrap_or_else(|| panic!("{heading} missing or out of order"));
        last += at;
    }
    assert!(xml.contains("18.完成区委、区政府交办的其他任务。"));
    assert!(xml.contains("本部门2023年专项资金共5个，具体如下："));
    assert!(
        xml.contains("年中执行调增270.08万元"),
        "wrong figures stay as written"
    );
    assert!(xml.contains("年中执行调减6.19万元"));

    let tables: Vec<&str> = xml.split("<w:tbl>").skip(1).collect();
    assert!(tables.len() >= 2, "two attachment tables");
    let basic = tables[0].split("</w:tbl>").next().unwrap();
    let score = tables[1].split("</w:tbl>").next().unwrap();
    assert!(basic.contains("公用经费") && basic.contains("20.67"));
    assert!(basic.contains("财政供养人员情况（人）") && basic.contains(">14<"));
    assert!(score.contains("年度资金总额") && score.contains("320.28"));
    assert!(score.contains("偏差原因分析及改进措施") && score.contains(">94<"));
    assert!(xml[..xml.find("<w:tbl>").unwrap()].contains("附件2"));
    // The form's merged cells, borders and fonts.
    assert!(xml.contains("<w:vMerge w:val=\"restart\""));
    assert!(xml.contains("<w:gridSpan w:val=\"2\""));
    assert!(xml.contains("<w:tblBorders>"));
    assert!(xml.contains(r#"w:eastAsia="仿宋""#));
    assert!(xml.contains(r#"w:eastAsia="宋体""#));
    // A4 (upright for the body, turned for 附件3).
    assert!(xml.contains(r#"w:w="11906""#) && xml.contains(r#"w:h="16838""#));
}

// ---------- md ----------

#[test]
fn md_has_the_whole_report_and_the_forms_as_tables() {
    let md = String::from_utf8(render(&load(SEED), ExportFormat::Md).unwrap()).unwrap();
    let mut last = 0;
    for heading in [
        "# 2023年度株洲市芦淞区应急管理局整体支出绩效自评报告\n",
        "## 一、部门（单位）基本情况\n",
        "### （一）主要职能\n",
        "1. 负责应急管理工作",
        "18. 完成区委、区政府交办的其他任务。\n",
        "### （二）机构情况\n",
        "### （三）人员情况\n",
        "本部门年末实有人数13人，其中：在职10人，无固期人员1人，政府雇员1人，退休人员1人。",
        "## 二、一般公共预算支出情况\n",
        "其中：1.安全生产项目支出16.1万元；",
        "## 三、政府性基金预算支出情况\n",
        "## 四、国有资本经营预算支出情况\n",
        "## 五、社会保险基金预算支出情况\n",
        "## 六、资金使用及绩效情况（包含单位管理的公共专项）\n",
        "一是安全监管（包含安全生产专项和应急救援专项、非税），预算支出29.50万元",
        "四是森林防灭火专项",
        "## 七、存在的问题及原因分析\n",
        "## 八、下一步改进措施\n",
        "## 九、部门整体支出绩效自评结果拟应用和公开情况\n",
        "## 附件2\n",
        "| 财政供养人员情况（人） | 编制数 | 2023年实际在职人数 | 控制率 |\n",
        "|  | 14 | 10 | 71.4% |\n",
        "| 经费控制情况（万元） | 2022年决算数 | 2023年预算数 | 2023年决算数 |\n",
        "| 公用经费 | 24.14 | 21.99 | 20.67 |\n",
        "| 政府采购金额 | —— |  | 109.5 |\n",
        "填表人：何花",
        "## 附件3\n",
        "|  | 年度资金总额 | 241.75 | 320.28 | 320.25 | 10 | 99.99% | 9 |\n",
        "| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |\n",
        "|  | 产出指标（40分） | 数量指标 |",
        "1.是否保障全局正常运转；<br>2.是否保障安全生产无较大事故发生、无一般以上森林火灾。",
        "|  |  | 生态效益指标 | / | / | / | / | / | / |\n",
        "| 总分 |  |  |  |  |  | 100 | 94 |  |\n",
    ] {
        let at = md[last..]
            .find(heading)
            .unwrap_or_else(|| panic!("“{heading}” missing or out of order"));
        last += at;
    }
    // A blank cell stays empty.
    assert!(md.contains("| 　　　水费、电费、差旅费 | 0.11 | 0.3 |  |\n"));
    // The seed's departments are named in its text, so they are not repeated.
    assert_eq!(md.matches("应急管理综合协调股").count(), 1);
}

// ---------- hostile text ----------

const HOSTILE: &str = r#"
schema = "jixiao/1"
scheme = "hunan-department"

[report]
title = "标题\u001b]0;pwned\u0007\u001b[2J|x|\u202e"
unit = "单位|甲\u0008"
year = 2024

[closing]
problems = "第一段\n\n第二段 | 管道"

[score_sheet]
[[score_sheet.groups]]
name = "产出指标"
weight = 40
[[score_sheet.groups.indicators]]
category = "数量指标"
name = "a|b\nc"
weight = "/"
"#;

fn has_raw_controls(text: &str) -> bool {
    text.chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\r' && c != '\t') || c == '\u{202e}')
}

#[test]
fn hostile_text_never_reaches_the_deliverables_raw() {
    let report = load(HOSTILE);
    let md = String::from_utf8(render(&report, ExportFormat::Md).unwrap()).unwrap();
    assert!(!has_raw_controls(&md), "{md:?}");
    assert!(md.contains(r"\\u{1b}"), "the escape is shown, not obeyed");
    assert!(md.contains("标题"));
    // Inside a table a `|` or a line break cannot split the row.
    assert!(md.contains(r"| a\|b<br>c |"), "{md}");
    assert!(md.contains("| 区级预算部门（单位）名称 | 单位\\|甲"));
    assert!(md.contains("第一段\n\n第二段 \\| 管道\n"));

    let dir = tempfile::tempdir().unwrap();
    for format in [ExportFormat::Xlsx, ExportFormat::Docx] {
        let out = dir.path().join(format!("h.{}", format.extension()));
        export(&report, format, &out, false).unwrap();
        let member = match format {
            ExportFormat::Docx => "word/document.xml",
            _ => "xl/sharedStrings.xml",
        };
        let xml = unzip(&out, member);
        assert!(!has_raw_controls(&xml), "{format:?}");
        assert!(xml.contains("单位|甲"), "{format:?}");
    }
}

#[test]
fn a_bare_report_exports_with_its_blanks() {
    let bare = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n[report]\nunit = \"某单位\"\nyear = 2024\n";
    let report = load(bare);
    let md = String::from_utf8(render(&report, ExportFormat::Md).unwrap()).unwrap();
    assert!(md.starts_with("# 2024年度某单位整体支出绩效自评报告\n"));
    assert!(md.contains("## 九、部门整体支出绩效自评结果拟应用和公开情况"));
    assert!(
        md.contains("1.2024年预算资金＿＿万元。"),
        "a blank figure is a gap"
    );
    assert!(md.contains("| 三公经费 |  |  |  |\n"));
    for format in [ExportFormat::Xlsx, ExportFormat::Docx] {
        assert!(!render(&report, format).unwrap().is_empty());
    }
}

// ---------- the command ----------

fn seed_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.toml"), SEED).unwrap();
    dir
}

#[test]
fn command_writes_beside_the_file_and_refuses_to_overwrite() {
    let dir = seed_dir();
    let o = jixiao(dir.path(), &["export", "r.toml", "--to", "md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "已导出 r.md\n");
    let md = dir.path().join("r.md");
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .starts_with("# 2023年度")
    );

    std::fs::write(&md, "mine").unwrap();
    let o = jixiao(dir.path(), &["export", "r.toml", "--to", "md"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("r.md") && err.contains("已存在") && err.contains("--force"));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(std::fs::read_to_string(&md).unwrap(), "mine");

    let o = jixiao(dir.path(), &["export", "r.toml", "--to", "md", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .starts_with("# 2023年度")
    );
}

#[test]
fn command_honours_output_and_each_format() {
    let dir = seed_dir();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    for (format, name) in [
        ("xlsx", "out/附件.xlsx"),
        ("docx", "out/报告.docx"),
        ("md", "out/报告.md"),
    ] {
        let o = jixiao(
            dir.path(),
            &["export", "r.toml", "--to", format, "-o", name],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), format!("已导出 {name}\n"));
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        if format != "md" {
            assert!(bytes.starts_with(b"PK"), "{format} is a zip package");
        }
        assert!(!dir.path().join(format!("r.{format}")).exists());
    }
}

#[test]
fn command_refuses_a_report_that_does_not_load() {
    let dir = tempfile::tempdir().unwrap();
    let broken = SEED.replace("initial = 241.75", "initial = \"二百\"");
    std::fs::write(dir.path().join("bad.toml"), broken).unwrap();
    let o = jixiao(dir.path(), &["export", "bad.toml", "--to", "docx"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("bad.toml:"), "{err}");
    assert!(err.contains("未导出"), "{err}");
    assert!(!dir.path().join("bad.docx").exists());

    let o = jixiao(dir.path(), &["export", "missing.toml", "--to", "md"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不存在"));
}

#[test]
fn command_never_overwrites_the_report_itself() {
    let dir = seed_dir();
    let o = jixiao(
        dir.path(),
        &["export", "r.toml", "--to", "md", "-o", "r.toml", "--force"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("报告文件本身"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("r.toml")).unwrap(),
        SEED
    );
}

#[test]
fn text_too_long_for_an_excel_cell_is_refused_in_chinese() {
    let long = "很".repeat(40_000);
    let text = SEED.replace("deviation = \"无\"", &format!("deviation = \"{long}\""));
    let report = load(&text);
    let err = render(&report, ExportFormat::Xlsx).unwrap_err().to_string();
    assert!(err.contains("32767"), "{err}");
    // Word and Markdown have no such limit.
    assert!(render(&report, ExportFormat::Docx).is_ok());
}
