//! `jixiao check` reads reports with `store::inspect` (toml's `DeTable`: faster, and two-thirds
//! of the memory of a format-preserving parse); the workbench reads them with `store::load`
//! (toml_edit, whose tree it goes on to edit). A report must read the same both ways: the
//! same model, notes, places and spans, or the same refusal with the same messages.

mod common;

use common::*;
use jixiao::synth::{self, Spec};
use proptest::prelude::*;

const HEAD: &str = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n";

/// Pieces of reports, in every layout TOML allows and with every kind of mistake; the
/// property below puts them together at random.
const PIECES: &[&str] = &[
    // The cover, as a section, inline, by dotted keys; with wrong kinds.
    "[report]\nunit = \"某局\"\nyear = 2024\ntitle = \"标题\"\n",
    "report = { unit = \"某局\", year = 2023 }\n",
    "report.unit = \"某局\"\nreport.year = 0x7E7\n",
    "[report]\nunit = \"某局\"\nyear = -1\n",
    "[report]\nunit = \"某局\"\nyear = 2023.5\n",
    "[report]\nunit = \"某局\"\nyear = \"2023\"\n",
    "[report]\nunit = \"某局\"\nyear = 1979-05-27\n",
    "[report]\nunit = true\nyear = 2023\n",
    "report = { unit = \"某局\", year.x = 1 }\n",
    "[report]\nunit = \"某局\"\nyear.x = 1\n",
    "[report.year]\nx = 1\n",
    "[[report]]\nunit = \"某局\"\n",
    // Basic information: tables before their parents, lists, wrong items.
    "[basic.staff]\nin_service = 13\nretired = 1\n",
    "[basic]\norganization = \"内设机构\"\nfunctions = [\"一\", \"二\",\n  \"三\", # 注释\n]\n",
    "[basic]\nfunctions = [1, \"二\", { a = 1 }, [2]]\ndepartments = \"不是列表\"\n",
    "basic.staff = { actual_total = 14, other = \"/\" }\n",
    "[basic]\nstaff = 3\n",
    // Budget: amounts written every way, rows as headers and inline.
    "[budget]\ninitial = 1_020.5\nincome = \"1020.50\"\nspent = +3e2\nbasic = \"/\"\npersonnel = \"\"\npublic = 0.001\n",
    "[budget]\ninitial = -5\nincome = \"abc\"\nspent = inf\nproject = nan\n",
    "[budget]\ninitial = { a = 1 }\n",
    "[budget.initial]\na = 1\n",
    "[[budget.projects]]\nname = \"项目一\"\namount = 10\n[[budget.projects]]\nname = \"项目二\"\namount = \"5.5\"\nextra = 1\n",
    "[budget]\nprojects = [{ name = \"甲\", amount = 1 }, { name = \"乙\", amount.x = 2 }, 7]\n",
    "[budget]\nprojects = []\n",
    "[budget]\nprojects = 5\n",
    "[budget.other]\ngovernment_fund = \"无\"\nstate_capital = 0\n",
    // Special funds.
    "[performance]\noverall = \"总体\"\nspecial_fund_count = 2\n[[performance.special_funds]]\nname = \"专项\"\nbudget = 100\nadjustment = -20.5\nspent = 79.5\n",
    "performance = { special_funds = [ { name = \"甲\", budget = 1 }, { nmae = \"乙\" } ] }\n",
    "[performance]\nspecial_fund_count = \"两个\"\n[[performance.special_funds]]\n",
    // Basic data: cost rows, lines, buildings, sign-off.
    "[basic_data]\nauthorized = 20\nin_service = 18\ncontrol_rate = \"90%\"\n[basic_data.costs.total]\nprev_final = 1\nbudget = 2\nfinal = 3\n",
    "[basic_data.costs]\nreception = { prev_final = 1, budget = \"x\" }\n[[basic_data.costs.project_lines]]\nname = \"线\"\ngroup = \"组\"\nfinal = 1.234\n",
    "[[basic_data.buildings]]\nname = \"楼\"\napproved_area = 100\narea_control_rate = \"101%\"\ninvestment_control_rate = -3\n",
    "[basic_data]\ncontrol_rate = 0.9\n[basic_data.signoff]\nprepared_by = \"张三\"\nphone = 123\n",
    // The score sheet: groups and indicators, nested rows, inline and misplaced.
    "[score_sheet]\ntotal_weight = 100\ntotal_score = 94\n[score_sheet.funds]\nweight = 10\nrate = \"95.5%\"\nscore = 9.55\n",
    "[[score_sheet.groups]]\nname = \"产出指标\"\nweight = 40\n  [[score_sheet.groups.indicators]]\n  category = \"数量指标\"\n  name = \"甲\"\n  weight = 20\n  score = 20\n  [[score_sheet.groups.indicators]]\n  name = \"乙\"\n  weight = \"20\"\n  score = \"/\"\n",
    "[[score_sheet.groups]]\nname = \"效益指标\"\nindicators = [ { name = \"丙\", weight = 30, score = 28 } ]\n",
    "[score_sheet.goal]\nexpected = \"\"\"多行\n目标\"\"\"\nactual = '字面'\n",
    "[score_sheet]\ngroups = { name = \"不是行\" }\n",
    "[score_sheet.by_source]\ntotal = 1\nother = 2\n[score_sheet.by_use]\ntotal = 3\nbasic = 1\nproject = 2\n",
    // Closing, unknown keys and sections, comments.
    "closing = { problems = \"无。\", improvements = '无。' }\n",
    "[closing]\nproblem = \"拼错的键\"\n",
    "[unknown_section]\nkey = 1\n\"quoted key\" = { a.b = 2 }\n",
    "stray = 1\n# 一行注释\n",
    // Numbers too large to represent, anywhere.
    "[budget]\ninitial = 1e400\n",
    "[report]\nunit = \"某局\"\nyear = 99999999999999999999\n",
    "somewhere = [1, 2, 1e999]\n",
    // Not TOML at all.
    "[budget\n",
    "a = 1\na = 2\n",
    "x = \"unterminated\n",
    "[report]\n[report]\n",
];

fn pieces() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::sample::subsequence(PIECES.to_vec(), 0..7).prop_shuffle(),
    )
        .prop_map(|(head, chosen)| {
            let mut text = if head { HEAD.to_owned() } else { String::new() };
            for piece in chosen {
                text.push_str(piece);
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_mix_of_layouts_and_mistakes_reads_alike(text in pieces()) {
        assert_read_alike(&text, &text);
    }
}

#[test]
fn every_piece_reads_alike_alone_and_under_the_head() {
    for piece in PIECES {
        assert_read_alike(piece, piece);
        let text = format!("{HEAD}{piece}");
        assert_read_alike(&text, &text);
    }
}

#[test]
fn the_examples_and_fixtures_read_alike() {
    for dir in ["examples", "tests/fixtures"] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for entry in std::fs::read_dir(&dir).expect("the folder") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|x| x == "toml") {
                let text = std::fs::read_to_string(&path).expect("a report");
                assert_read_alike(&text, &path.display().to_string());
            }
        }
    }
}

#[test]
fn synthetic_reports_read_alike() {
    for seed in 1..4 {
        let text = synth::generate(Spec {
            projects: 12,
            funds: 6,
            indicators: 40,
            seed,
        });
        assert_read_alike(&text, &format!("synth seed {seed}"));
    }
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_read_alike() {
    let crlf = SEED.replace('\n', "\r\n");
    assert_read_alike(&format!("\u{feff}{SEED}"), "the seed with a BOM");
    assert_read_alike(&crlf, "the seed with CRLF");
    assert_read_alike(&format!("\u{feff}{crlf}"), "the seed with both");
    assert_read_alike("", "an empty file");
    assert_read_alike("\u{feff}", "a BOM alone");
}

#[test]
fn bytes_that_are_not_utf8_are_refused_alike() {
    let schemes = jixiao::scheme::SchemeSet::builtin();
    let mut bytes = SEED.as_bytes().to_vec();
    bytes.insert(200, 0xff);
    let load = jixiao::scheme::load(&bytes, &schemes).expect_err("refused");
    let inspect = jixiao::scheme::inspect(bytes, &schemes).expect_err("refused");
    assert_eq!(load.findings, inspect.findings);
    assert_eq!(load.source, inspect.source);
}

#[test]
fn unknown_keys_made_by_dotted_keys_inside_a_row_are_noted_in_file_order_by_both_readers() {
    // Found by the mix above: toml_edit and toml's DeTable list a row's keys in different
    // orders when some of them were made by dotted keys.
    let text = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\nreport.unit = \"某局\"\nreport.year = 0x7E7\n[[score_sheet.groups]]\nname = \"效益指标\"\nindicators = [ { name = \"丙\", weight = 30, score = 28 } ]\nclosing = { problems = \"无。\", improvements = '无。' }\nbasic.staff = { actual_total = 14, other = \"/\" }\nreport = { unit = \"某局\", year.x = 1 }\n";
    assert_read_alike(text, "dotted keys inside a row");
}
