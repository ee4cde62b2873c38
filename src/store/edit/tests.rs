//! The editor's tests: values, rows, layouts, undo parts and line endings kept byte for byte.

use super::parts::{Content, RowOp};
use super::*;

fn doc(text: &str) -> Document {
    Document::parse(&Source::new(text)).unwrap()
}

fn p(s: &str) -> FieldPath {
    FieldPath::parse(s).unwrap()
}

const SAMPLE: &str = "# 报告\nschema = \"jixiao/1\"  # 版本\n\n[budget]\ninitial = 241.75   # 年初\nspent = \"320.25\"\n\n# 专项一\n[[performance.special_funds]]\nname = \"安全监管\"\nspent = 56.58 # 实际\n\n# 专项二\n[[performance.special_funds]]\nname = \"疫情防控专项\"\n\n[basic_data.costs]\npublic = { prev_final = 24.14, final = 20.67 }\n";

#[test]
fn setting_a_value_changes_only_that_value() {
    let mut d = doc(SAMPLE);
    d.set(&p("performance.special_funds[0].spent"), "299.58")
        .unwrap();
    let out = d.to_text();
    assert_eq!(
        out,
        SAMPLE.replace("spent = 56.58 # 实际", "spent = 299.58 # 实际")
    );
}

#[test]
fn amounts_are_written_as_typed_and_quoted_ones_stay_quoted() {
    let mut d = doc(SAMPLE);
    d.set(&p("budget.initial"), "29.50").unwrap();
    d.set(&p("budget.spent"), "3").unwrap();
    let out = d.to_text();
    assert!(out.contains("initial = 29.50   # 年初\n"), "{out}");
    assert!(out.contains("spent = \"3\"\n"), "{out}");
}

#[test]
fn inline_table_cells_are_set_and_added_in_place() {
    let mut d = doc(SAMPLE);
    d.set(&p("basic_data.costs.public.final"), "20.66").unwrap();
    d.set(&p("basic_data.costs.public.budget"), "21.99")
        .unwrap();
    let out = d.to_text();
    assert!(
        out.contains("public = { prev_final = 24.14, final = 20.66, budget = 21.99 }"),
        "{out}"
    );
}

#[test]
fn missing_tables_are_created() {
    let mut d = doc(SAMPLE);
    d.set(&p("basic_data.costs.office.final"), "0.86").unwrap();
    d.set(&p("score_sheet.funds.weight"), "10").unwrap();
    let out = d.to_text();
    assert!(out.starts_with(SAMPLE.trim_end_matches('\n')), "{out}");
    assert!(out.contains("office = { final = 0.86 }"), "{out}");
    assert!(out.contains("[score_sheet.funds]\nweight = 10\n"), "{out}");
}

#[test]
fn bad_values_change_nothing() {
    let mut d = doc(SAMPLE);
    for (path, value) in [
        ("budget.initial", "12..5"),
        ("budget.initial", "-3"),
        ("budget.initial", "abc"),
        ("basic.staff.in_service", "3.5"),
        ("basic_data.control_rate", "七成"),
    ] {
        assert!(d.set(&p(path), value).is_err(), "{path}={value}");
    }
    assert!(matches!(
        d.set(&p("budget.initail"), "1"),
        Err(EditError::UnknownKey { .. })
    ));
    assert_eq!(d.to_text(), SAMPLE);
}

#[test]
fn rows_are_added_removed_and_moved_with_their_lines() {
    let mut d = doc(SAMPLE);
    let new = d.insert_row(&p("performance.special_funds"), 2).unwrap();
    d.set(&new.key("name"), "新专项").unwrap();
    let out = d.to_text();
    assert!(
        out.ends_with("[[performance.special_funds]]\nname = \"新专项\"\n")
            || out.contains("\n[[performance.special_funds]]\nname = \"新专项\"\n"),
        "{out}"
    );
    d.remove_row(&new).unwrap();
    assert_eq!(d.to_text(), SAMPLE);

    d.remove_row(&p("performance.special_funds[0]")).unwrap();
    let out = d.to_text();
    assert!(
        !out.contains("安全监管") && !out.contains("# 专项一"),
        "{out}"
    );
    assert!(out.contains("# 专项二\n[[performance.special_funds]]\nname = \"疫情防控专项\""));
}

#[test]
fn moving_a_row_moves_its_comment() {
    let mut d = doc(SAMPLE);
    let moved = d
        .move_row(&p("performance.special_funds[1]"), false)
        .unwrap();
    assert_eq!(moved, p("performance.special_funds[0]"));
    let out = d.to_text();
    let second = out.find("# 专项二").unwrap();
    let first = out.find("# 专项一").unwrap();
    assert!(second < first, "{out}");
    let reloaded = doc(&out);
    assert_eq!(
        reloaded
            .written(&p("performance.special_funds[0].name"))
            .as_deref(),
        Some("疫情防控专项")
    );
}

#[test]
fn text_lists_keep_their_layout() {
    let text = "[basic]\nfunctions = [\n  \"一\",\n  \"二\",\n]\n";
    let mut d = doc(text);
    let item = d.insert_row(&p("basic.functions"), 1).unwrap();
    d.set(&item, "新").unwrap();
    assert_eq!(
        d.to_text(),
        "[basic]\nfunctions = [\n  \"一\",\n  \"新\",\n  \"二\",\n]\n"
    );
    d.remove_row(&item).unwrap();
    assert_eq!(d.to_text(), text);
}

#[test]
fn a_file_without_a_final_line_break_stays_without() {
    for text in [
        "a = 1",
        "a = 1   ",
        "[budget]\ninitial = 1",
        "[budget]\ninitial = 1 # x",
        "a = 1\n# end",
        "[[budget.projects]]\namount = 1",
        "a = 1\r\nb = 2",
        "",
        "\n",
    ] {
        assert_eq!(doc(text).to_text(), text, "{text:?}");
    }
    let mut d = doc("[budget]\ninitial = 1");
    d.set(&p("budget.initial"), "2").unwrap();
    assert_eq!(d.to_text(), "[budget]\ninitial = 2");
    d.set(&p("closing.problems"), "无").unwrap();
    assert_eq!(
        d.to_text(),
        "[budget]\ninitial = 2\n\n[closing]\nproblems = \"无\""
    );
}

#[test]
fn rows_in_an_inline_array_keep_their_own_comments() {
    let text =
        "[budget]\nprojects = [\n  # 一\n  { name = \"a\" },\n  # 二\n  { name = \"b\" }\n]\n";
    let mut d = doc(text);
    let row = d.insert_row(&p("budget.projects"), 1).unwrap();
    d.set(&row.key("name"), "新").unwrap();
    assert_eq!(
        d.to_text(),
        "[budget]\nprojects = [\n  # 一\n  { name = \"a\" },\n  { name = \"新\" },\n  # 二\n  { name = \"b\" }\n]\n"
    );
    d.remove_row(&row).unwrap();
    assert_eq!(d.to_text(), text);
    d.insert_row(&p("budget.projects"), 2).unwrap();
    assert_eq!(
        d.to_text(),
        "[budget]\nprojects = [\n  # 一\n  { name = \"a\" },\n  # 二\n  { name = \"b\" },\n  {}\n]\n"
    );
    d.remove_row(&p("budget.projects[2]")).unwrap();
    assert_eq!(d.to_text(), text);
    // A moved row takes its comment along; the places keep their layout.
    d.move_row(&p("budget.projects[1]"), false).unwrap();
    assert_eq!(
        d.to_text(),
        "[budget]\nprojects = [\n  # 二\n  { name = \"b\" },\n  # 一\n  { name = \"a\" }\n]\n"
    );
    d.remove_row(&p("budget.projects[0]")).unwrap();
    assert_eq!(
        d.to_text(),
        "[budget]\nprojects = [\n  # 一\n  { name = \"a\" }\n]\n"
    );
    // On one line.
    let mut d = doc("x = 1\n[budget]\nprojects = [{ name = \"a\" }, { name = \"b\" }]\n");
    d.insert_row(&p("budget.projects"), 0).unwrap();
    d.insert_row(&p("budget.projects"), 3).unwrap();
    assert_eq!(
        d.to_text(),
        "x = 1\n[budget]\nprojects = [{}, { name = \"a\" }, { name = \"b\" }, {}]\n"
    );
    d.move_row(&p("budget.projects[0]"), true).unwrap();
    d.remove_row(&p("budget.projects[3]")).unwrap();
    assert_eq!(
        d.to_text(),
        "x = 1\n[budget]\nprojects = [{ name = \"a\" }, {}, { name = \"b\" }]\n"
    );
}

#[test]
fn rows_keep_their_order_when_the_section_above_them_is_written_after_them() {
    let text = "[[performance.special_funds]]\nname = \"a\"\n\n[[performance.special_funds]]\nname = \"b\"\n\n[performance]\noverall = \"x\"\n";
    let names = |d: &Document| -> Vec<String> {
        let reread = doc(&d.to_text());
        (0..reread.row_count(&p("performance.special_funds")))
            .map(|i| {
                reread
                    .written(&p(&format!("performance.special_funds[{i}].name")))
                    .unwrap_or_default()
            })
            .collect()
    };
    let mut d = doc(text);
    let row = d.insert_row(&p("performance.special_funds"), 0).unwrap();
    d.set(&row.key("name"), "new").unwrap();
    assert_eq!(names(&d), ["new", "a", "b"], "{}", d.to_text());
    d.move_row(&p("performance.special_funds[0]"), true)
        .unwrap();
    assert_eq!(names(&d), ["a", "new", "b"], "{}", d.to_text());
    d.move_row(&p("performance.special_funds[1]"), false)
        .unwrap();
    d.move_row(&p("performance.special_funds[2]"), false)
        .unwrap();
    assert_eq!(names(&d), ["new", "b", "a"], "{}", d.to_text());
    assert!(d.to_text().ends_with("[performance]\noverall = \"x\"\n"));
}

/// Groups of indicators nested under each other, with comments and a table written
/// between them: what undoing a row edit keeps, and that it gives the bytes back.
const NESTED: &str = "[[score_sheet.groups]]\nname = \"产出\"\n  # 第一组的指标\n  [[score_sheet.groups.indicators]]\n  name = \"甲\"\n  [[score_sheet.groups.indicators]]\n  name = \"乙\"\n\n[score_sheet.funds]\nweight = 10\n\n# 第二组\n[[score_sheet.groups]]\nname = \"效益\"\n  [[score_sheet.groups.indicators]]\n  name = \"丙\"\n\n[[score_sheet.groups]]\nname = \"满意度\"\n";

/// Makes a row edit with the undo the workbench keeps; undoes and redoes it twice.
fn round_trip(edit: RowEdit, rows: &str, change: impl Fn(&mut Document)) -> Content {
    let mut d = doc(NESTED);
    let undo = d.undo_for_rows(&p(rows), edit);
    let kept = undo.content.clone();
    change(&mut d);
    let changed = d.to_text();
    assert_ne!(changed, NESTED, "{edit:?} changed nothing");
    let mut step = undo;
    for _ in 0..2 {
        let redo = d.put_part(step).unwrap();
        assert_eq!(d.to_text(), NESTED, "undoing {edit:?}");
        step = d.put_part(redo).unwrap();
        assert_eq!(d.to_text(), changed, "redoing {edit:?}");
    }
    kept
}

#[test]
fn undoing_a_row_edit_keeps_only_what_the_edit_touched() {
    let groups = "score_sheet.groups";
    for (row, down) in [(0, true), (1, false), (1, true), (2, false)] {
        let kept = round_trip(RowEdit::Move { row, down }, groups, |d| {
            d.move_row(&p(groups).index(row), down).unwrap();
        });
        // Where the two rows' tables were written, not the rows: moving a group of
        // thousands of indicators copies none of them.
        assert!(
            matches!(kept, Content::Rows(RowOp::Swap { .. })),
            "{kept:?}"
        );
    }
    for row in 0..3 {
        let kept = round_trip(RowEdit::Remove(row), groups, |d| {
            d.remove_row(&p(groups).index(row)).unwrap();
        });
        // The row removed, and no other.
        let Content::Rows(RowOp::Insert(at, table, _)) = kept else {
            panic!("{kept:?}")
        };
        assert_eq!(at, row);
        let Some(Item::ArrayOfTables(all)) = doc(NESTED)
            .doc
            .get("score_sheet")
            .and_then(|s| s.get("groups"))
            .cloned()
        else {
            panic!("the groups")
        };
        assert_eq!(table.to_string(), all.get(row).unwrap().to_string());
    }
    for at in 0..4 {
        let kept = round_trip(RowEdit::Insert(at), groups, |d| {
            d.insert_row(&p(groups), at).unwrap();
        });
        assert!(
            matches!(kept, Content::Rows(RowOp::Remove(i)) if i == at),
            "{kept:?}"
        );
    }
    let indicators = "score_sheet.groups[0].indicators";
    let kept = round_trip(RowEdit::Move { row: 0, down: true }, indicators, |d| {
        d.move_row(&p(indicators).index(0), true).unwrap();
    });
    assert!(matches!(kept, Content::Rows(RowOp::Swap { .. })));
    // Rows not yet written: the undo is the table the edit creates.
    let kept = round_trip(RowEdit::Insert(0), "budget.projects", |d| {
        d.insert_row(&p("budget.projects"), 0).unwrap();
    });
    assert!(matches!(kept, Content::Absent), "{kept:?}");
}

#[test]
fn deleting_a_row_keeps_the_notes_above_its_own_comments() {
    const SEED: &str = include_str!("../../../examples/lusong-emergency-2023.toml");
    // Above the first project line: a note on the costs before it, a blank line, then
    // the line's own comment. Deleting the line takes only its own comment.
    let mut d = doc(SEED);
    let lines = p("basic_data.costs.project_lines");
    let undo = d.undo_for_rows(&lines, RowEdit::Remove(0));
    d.remove_row(&lines.index(0)).unwrap();
    let out = d.to_text();
    assert!(
        out.contains("# 部门基本支出预算调整：原表空白（2022年决算数印“——”）\n\n[[basic_data.costs.project_lines]]\nname = \"2、运行维护经费\""),
        "{out}"
    );
    assert!(!out.contains("# 项目支出下各行"), "{out}");
    let redo = d.put_part(undo).unwrap();
    assert_eq!(d.to_text(), SEED);
    d.put_part(redo).unwrap();
    assert_eq!(d.to_text(), out);
    // Rows with their own comments only (blank line, comment, header): nothing changes.
    let mut d = doc(SAMPLE);
    d.remove_row(&p("performance.special_funds[0]")).unwrap();
    let out = d.to_text();
    assert!(!out.contains("# 专项一"), "{out}");
    assert!(
        out.contains("\n\n# 专项二\n[[performance.special_funds]]"),
        "{out}"
    );
}

#[test]
fn crlf_and_bom_survive() {
    let text = "\u{feff}schema = \"jixiao/1\"\r\n[budget]\r\ninitial = 1 # x\r\n";
    let mut d = Document::parse(&Source::new(text)).unwrap();
    assert_eq!(d.to_text(), text);
    d.set(&p("budget.initial"), "2").unwrap();
    assert_eq!(d.to_text(), text.replace("initial = 1", "initial = 2"));
}

#[test]
fn long_text_with_line_breaks_uses_a_multiline_string() {
    let mut d = doc("[closing]\nproblems = \"无\"\n");
    d.set(&p("closing.problems"), "一是……\n二是……").unwrap();
    assert_eq!(
        d.to_text(),
        "[closing]\nproblems = \"\"\"\n一是……\n二是……\"\"\"\n"
    );
    assert_eq!(
        d.written(&p("closing.problems")).as_deref(),
        Some("一是……\n二是……")
    );
}

#[test]
fn the_loaders_tree_edits_like_a_fresh_parse() {
    let text = "\u{feff}schema = \"jixiao/1\"\r\nscheme = \"hunan-department\"\r\n[report]\r\nunit = \"某局\" # 单位\r\nyear = 2023\r\n[budget]\r\ninitial = 29.50\r\n";
    let mut loaded = crate::store::load_str(text).unwrap();
    let mut taken = Document::from_loaded(&mut loaded).unwrap();
    let mut fresh = Document::parse(&loaded.source).unwrap();
    assert_eq!(taken.to_text(), text);
    taken.set(&p("budget.initial"), "30").unwrap();
    fresh.set(&p("budget.initial"), "30").unwrap();
    assert_eq!(taken.to_text(), fresh.to_text());
    // Taken once; a second editor parses the text again.
    assert_eq!(Document::from_loaded(&mut loaded).unwrap().to_text(), text);
}

#[test]
fn empty_input_blanks_the_value_and_keeps_the_line() {
    let mut d = doc(SAMPLE);
    d.set(&p("budget.initial"), "").unwrap();
    assert_eq!(
        d.to_text(),
        SAMPLE.replace("initial = 241.75", "initial = \"\"")
    );
    let before = d.to_text();
    d.set(&p("budget.income"), "").unwrap();
    assert_eq!(d.to_text(), before, "an absent key stays absent");
}
