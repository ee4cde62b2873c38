//! The loader's tests: limits, kinds, places, required keys and layouts.

use super::limits::{self, Shape, clearly_within_limits};
use super::*;
use rust_decimal::Decimal;

const HEAD: &str = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n[report]\nunit = \"某局\"\nyear = 2023\n";

fn ok(body: &str) -> Loaded {
    match load_str(&format!("{HEAD}{body}")) {
        Ok(l) => l,
        Err(f) => panic!("did not load: {:?}", f.findings),
    }
}

fn fails(text: &str) -> Vec<Finding> {
    match load_str(text) {
        Ok(_) => panic!("loaded"),
        Err(f) => f.findings,
    }
}

/// What the tokens of a text add up to: (tokens, items, tables).
fn shape_of(text: &str) -> (usize, usize, usize) {
    let mut shape = Shape {
        at_key: true,
        ..Shape::default()
    };
    for token in toml_parser::Source::new(text).lex() {
        assert_eq!(shape.add(text, &token), None);
    }
    (shape.tokens, shape.items, shape.tables)
}

#[test]
fn tables_are_counted_where_the_parsers_make_them() {
    // A section and its values; decimals' dots make no tables.
    assert_eq!(
        shape_of(
            "[budget]
spent = 320.25
"
        )
        .2,
        1
    );
    // Rows under one header name count one each; a new name counts its parts too.
    let rows = "[[score_sheet.groups.indicators]]
score = 1
"
    .repeat(5);
    assert_eq!(shape_of(&rows).2, 5 + 2);
    assert_eq!(
        shape_of(
            "[[a.b]]
[[c.d]]
[[a.b]]
"
        )
        .2,
        3 + 3
    );
    // Dotted keys, inline tables and lists, in values and in inline tables.
    assert_eq!(
        shape_of(
            "a.b.c = 1
"
        )
        .2,
        2
    );
    assert_eq!(
        shape_of(
            "x = [{a.b = 1.5}, [2.5, {}]]
"
        )
        .2,
        5
    );
    // Brackets in strings are text.
    assert_eq!(shape_of("x = \"[[{{.\"\n").2, 0);
    // An item of a list counts twice, a key and a decimal once per word.
    assert_eq!(shape_of("x = [1, \"a\"]\n").1, 1 + 4);
    assert_eq!(shape_of("x = 1.5\n").1, 3);
}

#[test]
fn a_file_shaped_like_no_report_is_refused_before_it_is_parsed() {
    let tables = format!("{HEAD}x = [{}]\n", vec!["{}"; limits::TABLES + 1].join(","));
    let lines = format!("{HEAD}{}", "\n".repeat(limits::TOKENS));
    let items = format!(
        "{HEAD}x = [{}]\n",
        vec!["1"; limits::ITEMS / 2 + 1].join(",")
    );
    for (text, says) in [
        (&tables, "表、行和列表"),
        (&lines, "语法单元"),
        (&items, "键和值"),
    ] {
        for failure in [
            load_str(text).unwrap_err(),
            inspect(text.clone().into_bytes()).unwrap_err(),
        ] {
            assert_eq!(failure.findings.len(), 1);
            let f = &failure.findings[0];
            assert_eq!(f.rule, "X01");
            assert!(f.message.contains(says), "{}", f.message);
            assert!(!f.message.contains('\n'), "{}", f.message);
        }
    }
    // Brackets, dots and quotes in long texts are no tables or items.
    let text = format!(
        "{HEAD}[basic]\nfunctions = [\"{}\"]\n",
        "[{.\\\"'".repeat(limits::TABLES)
    );
    assert!(!clearly_within_limits(text.as_bytes()));
    assert!(too_complex(&text).is_none());
    ok(&text[HEAD.len()..]);
}

#[test]
fn amounts_are_taken_from_the_characters_written() {
    let l = ok("[budget]\ninitial = 29.50\nincome = 0.1\nspent = \"241.75\"\nbasic = 3\n");
    let b = l.report.budget.unwrap();
    assert_eq!(b.initial.value().unwrap().to_string(), "29.50");
    assert_eq!(
        b.income.value().unwrap(),
        Decimal::from_str_exact("0.1").unwrap()
    );
    assert_eq!(b.spent.value().unwrap().to_string(), "241.75");
    assert_eq!(b.basic.value().unwrap().to_string(), "3");
}

#[test]
fn every_wrong_kind_is_reported_at_once_with_its_place() {
    let findings = fails(&format!(
        "{HEAD}[budget]\ninitial = \"abc\"\nspent = -3\n[basic.staff]\nin_service = 3.5\n[performance]\nspecial_fund_count = \"五\"\n"
    ));
    let ids: Vec<_> = findings
        .iter()
        .map(|f| (f.rule, f.path.to_string()))
        .collect();
    assert_eq!(
        ids,
        [
            ("X02", "budget.initial".to_owned()),
            ("X02", "budget.spent".to_owned()),
            ("X02", "basic.staff.in_service".to_owned()),
            ("X02", "performance.special_fund_count".to_owned()),
        ]
    );
    assert!(findings.iter().all(|f| f.span.is_some()));
}

#[test]
fn a_value_of_the_wrong_kind_is_quoted_as_written() {
    // The characters in the file, not the parser's reformatting of them (1E2 → 100.0),
    // so that the user finds what the message means.
    let findings = fails(&format!(
        "{HEAD}[basic]\norganization = 1_000.50\nfunctions = [\"一\", 1E2]\n[closing]\nproblems = +inf\n"
    ));
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "“basic.organization”应为文字（用引号括起），实际是小数 1_000.50",
            "“basic.functions[1]”应为文字，实际是小数 1E2",
            "“closing.problems”应为文字（用引号括起），实际是小数 +inf",
        ]
    );
}

#[test]
fn not_toml_is_x01_with_a_place() {
    let findings = fails("schema = \"jixiao/1\"\n[budget\n");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule, "X01");
    assert!(findings[0].span.is_some());
    let failure = load(b"schema = \"\xff\xfe\"\n").unwrap_err();
    assert_eq!(failure.findings[0].rule, "X01");
}

#[test]
fn unknown_keys_are_warnings_with_a_suggestion() {
    let l = ok("[budjet]\nx = 3\n[budget]\nspentt = 1\n");
    let messages: Vec<_> = l
        .notes
        .iter()
        .map(|f| (f.rule, f.message.clone()))
        .collect();
    assert_eq!(messages.len(), 2);
    assert!(messages[0].1.contains("budget"), "{messages:?}");
    assert!(messages[1].1.contains("spent"), "{messages:?}");
}

#[test]
fn more_than_two_decimals_is_x04() {
    let l = ok("[budget]\nspent = 1.005\n");
    assert_eq!(l.notes.len(), 1);
    assert_eq!(l.notes[0].rule, "X04");
}

#[test]
fn any_layout_of_the_same_content_loads_the_same() {
    let sections = ok(
        "[[budget.projects]]\nname = \"a\"\namount = 1.5\n[basic_data.costs]\npublic = { final = 2 }\n",
    );
    let inline = ok(
        "[basic_data.costs.public]\nfinal = 2\n[budget]\nprojects = [{ name = \"a\", amount = \"1.5\" }]\n[basic_data]\n",
    );
    assert_eq!(sections.report.budget, inline.report.budget);
    assert_eq!(sections.report.basic_data, inline.report.basic_data);
}

#[test]
fn slash_and_empty_strings_are_not_filled_in() {
    let l = ok(
        "[[score_sheet.groups]]\nname = \"效益指标\"\n[[score_sheet.groups.indicators]]\nweight = \"/\"\nscore = \"\"\n",
    );
    let i = &l.report.score_sheet.unwrap().groups[0].indicators[0];
    assert_eq!(i.weight, Cell::NotApplicable);
    assert_eq!(i.score, Cell::Blank);
}

#[test]
fn locations_point_at_values_and_rows() {
    let l = ok("[[performance.special_funds]]\nname = \"x\"\nspent = 3\n");
    let row = l
        .locations
        .get(&FieldPath::parse("performance.special_funds[0]").unwrap())
        .unwrap();
    assert_eq!(l.source.line_col(row.start), (6, 1));
    let v = l
        .span(&FieldPath::parse("performance.special_funds[0].spent").unwrap())
        .unwrap();
    assert_eq!(l.source.line_col(v.start), (8, 1));
    assert_eq!(l.source.slice(&v), "spent = 3");
}
