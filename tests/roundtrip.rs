//! Property tests of the store.
//!
//! 1. Random reports (random subsets of sections, tables in random order and styles — sections,
//!    inline tables, dotted keys, inline arrays of rows —, random comments and blank lines,
//!    random spellings of amounts) edited at random through `jixiao::store::Document` (set an
//!    amount, set a text with CJK and line breaks, insert, remove and move rows, refused values),
//!    saved, and loaded back with `jixiao::store::load`: the load succeeds, every value reads
//!    back as the model says, and every comment of the original survives exactly once unless it
//!    belonged to a removed row.
//! 2. Arbitrary bytes, TOML-like token soup and mutations of the seed through the loader, the
//!    rules and the check renderers: never a panic.

use jixiao::check::{FileReport, Outcome, Palette, render_json, render_text};
use jixiao::model::{Cell, CostRow, FieldPath, Report};
use jixiao::scheme::{self, SchemeSet};
use jixiao::store::{Document, Source};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

// ── The part of the format the model covers ─────────────────────────────────────────────

#[derive(Clone, Copy, Debug, PartialEq)]
enum K {
    Amount,
    Signed,
    Count,
    Text,
}

type Keys = &'static [(&'static str, K)];

/// Tables with plain keys. `basic_data.costs` holds only rows; `public` and `office` are cost
/// rows (a section or an inline table).
const TABLES: &[(&str, Keys)] = &[
    (
        "budget",
        &[
            ("initial", K::Amount),
            ("income", K::Amount),
            ("spent", K::Amount),
            ("basic", K::Amount),
            ("project", K::Amount),
        ],
    ),
    (
        "budget.other",
        &[("government_fund", K::Text), ("state_capital", K::Text)],
    ),
    (
        "performance",
        &[("overall", K::Text), ("special_fund_count", K::Count)],
    ),
    (
        "closing",
        &[("problems", K::Text), ("improvements", K::Text)],
    ),
    ("basic", &[("organization", K::Text)]),
    (
        "basic.staff",
        &[("in_service", K::Count), ("retired", K::Count)],
    ),
    (
        "basic_data",
        &[("authorized", K::Count), ("in_service", K::Count)],
    ),
    ("basic_data.costs", &[]),
    (
        "basic_data.costs.public",
        &[
            ("prev_final", K::Amount),
            ("budget", K::Amount),
            ("final", K::Amount),
        ],
    ),
    (
        "basic_data.costs.office",
        &[
            ("prev_final", K::Amount),
            ("budget", K::Amount),
            ("final", K::Amount),
        ],
    ),
    (
        "score_sheet",
        &[("total_weight", K::Amount), ("total_score", K::Amount)],
    ),
    (
        "score_sheet.funds",
        &[
            ("weight", K::Amount),
            ("score", K::Amount),
            ("executed", K::Amount),
        ],
    ),
];

/// Arrays of rows, with their keys.
const ARRAYS: &[(&str, Keys)] = &[
    (
        "budget.projects",
        &[("name", K::Text), ("amount", K::Amount)],
    ),
    (
        "performance.special_funds",
        &[
            ("name", K::Text),
            ("budget", K::Amount),
            ("adjustment", K::Signed),
            ("spent", K::Amount),
            ("description", K::Text),
        ],
    ),
    (
        "basic_data.costs.project_lines",
        &[("name", K::Text), ("final", K::Amount)],
    ),
    (
        "score_sheet.groups",
        &[("name", K::Text), ("weight", K::Amount)],
    ),
];

const INDICATORS: Keys = &[
    ("category", K::Text),
    ("name", K::Text),
    ("weight", K::Amount),
    ("score", K::Amount),
    ("deviation", K::Text),
];

fn array_keys(path: &str) -> Keys {
    ARRAYS.iter().find(|(p, _)| *p == path).unwrap().1
}

/// The table a path sits in (`budget.other` → `budget`).
fn parent(path: &str) -> &str {
    path.rsplit_once('.').map_or("", |(p, _)| p)
}

fn last(path: &str) -> &str {
    path.rsplit_once('.').map_or(path, |(_, l)| l)
}

// ── A small deterministic generator for layouts ─────────────────────────────────────────

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ── Values ───────────────────────────────────────────────────────────────────────────────

/// A value as the file holds it and as it must read back.
#[derive(Clone, Debug, PartialEq)]
enum Val {
    /// An amount or count: its TOML spelling, and what it reads back as.
    Figure {
        written: String,
        reads: String,
    },
    Text(String),
}

impl Val {
    fn reads(&self) -> String {
        match self {
            Val::Figure { reads, .. } => reads.clone(),
            Val::Text(t) => t.clone(),
        }
    }
}

/// An amount from its parts and a spelling: (what the user types or the file holds, the exact
/// decimal it means).
fn amount_spelling(int: u64, cents: u64, negative: bool, style: usize) -> (String, String) {
    let sign = if negative && (int > 0 || cents > 0) {
        "-"
    } else {
        ""
    };
    let two = format!("{sign}{int}.{cents:02}");
    match style % 5 {
        // `3`
        0 => {
            let sign = if int > 0 { sign } else { "" };
            (format!("{sign}{int}"), format!("{sign}{int}"))
        }
        // `29.50`
        1 => (two.clone(), two),
        // `29.5`
        2 if cents.is_multiple_of(10) => {
            let s = format!("{sign}{int}.{}", cents / 10);
            (s.clone(), s)
        }
        // `1_000.25`
        3 if int >= 1000 => (
            format!("{sign}{}_{:03}.{cents:02}", int / 1000, int % 1000),
            two,
        ),
        _ => (two.clone(), two),
    }
}

fn gen_figure(rng: &mut Rng, kind: K) -> Val {
    match kind {
        K::Count => {
            let n = rng.below(2000) as u64;
            Val::Figure {
                written: n.to_string(),
                reads: n.to_string(),
            }
        }
        _ => {
            let int = [0, 3, 29, 320, 1234, 99_999][rng.below(6)] + rng.below(7) as u64;
            let cents = if rng.chance(30) {
                0
            } else {
                rng.below(100) as u64
            };
            let negative = kind == K::Signed && rng.chance(40);
            let (text, reads) = amount_spelling(int, cents, negative, rng.below(5));
            // Quoted amounts are read the same (FORMAT.md: a string holding one).
            let written = if rng.chance(25) {
                format!("\"{text}\"")
            } else {
                text
            };
            Val::Figure { written, reads }
        }
    }
}

const TEXT_CHARS: &[char] = &[
    '预', '算', '支', '出', '绩', '效', '一', '二', '。', '，', '“', '”', '（', '）', 'a', 'Z',
    '0', '7', ' ', '"', '\\', '\'', '\n', '\t', '#', '[', ']', '=', '{', '}', '%', '\u{3000}', '≥',
];

fn gen_text(rng: &mut Rng, min: usize) -> String {
    let len = min + rng.below(24);
    (0..len)
        .map(|_| TEXT_CHARS[rng.below(TEXT_CHARS.len())])
        .collect()
}

fn gen_val(rng: &mut Rng, kind: K) -> Val {
    match kind {
        K::Text => Val::Text(gen_text(rng, 0)),
        _ => gen_figure(rng, kind),
    }
}

/// A TOML basic string on one line.
fn basic_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML value for a text: a basic string, a literal string, or a multi-line string.
fn text_literal(s: &str, one_line: bool, rng: &mut Rng) -> String {
    let literal_ok = !s.contains(['\'', '\n', '\r', '\t']) && !s.chars().any(char::is_control);
    match rng.below(3) {
        0 if literal_ok => format!("'{s}'"),
        1 if !one_line && s.contains('\n') => {
            let mut body = String::new();
            for c in s.chars() {
                match c {
                    '"' => body.push_str("\\\""),
                    '\\' => body.push_str("\\\\"),
                    '\n' => body.push('\n'),
                    '\t' => body.push_str("\\t"),
                    c if c.is_control() => body.push_str(&format!("\\u{:04X}", c as u32)),
                    c => body.push(c),
                }
            }
            format!("\"\"\"\n{body}\"\"\"")
        }
        _ => basic_string(s),
    }
}

fn literal(val: &Val, one_line: bool, rng: &mut Rng) -> String {
    match val {
        Val::Figure { written, .. } => written.clone(),
        Val::Text(t) => text_literal(t, one_line, rng),
    }
}

// ── The model ────────────────────────────────────────────────────────────────────────────

#[derive(Clone, Debug)]
struct Row {
    id: usize,
    fields: BTreeMap<&'static str, Val>,
    /// A group's indicators.
    children: Vec<Row>,
}

#[derive(Clone, Debug, Default)]
struct Model {
    /// Tables present, with their keys.
    tables: BTreeMap<&'static str, BTreeMap<&'static str, Val>>,
    /// Arrays of rows (present when listed here).
    arrays: BTreeMap<&'static str, Vec<Row>>,
    next_id: usize,
}

impl Model {
    fn new_id(&mut self) -> usize {
        self.next_id += 1;
        self.next_id
    }

    fn gen_row(&mut self, rng: &mut Rng, keys: Keys) -> Row {
        let mut fields = BTreeMap::new();
        for (key, kind) in keys {
            if rng.chance(80) {
                fields.insert(*key, gen_val(rng, *kind));
            }
        }
        Row {
            id: self.new_id(),
            fields,
            children: Vec::new(),
        }
    }

    fn generate(rng: &mut Rng) -> Model {
        let mut m = Model::default();
        for (path, keys) in TABLES {
            if !rng.chance(55) {
                continue;
            }
            let mut fields = BTreeMap::new();
            for (key, kind) in *keys {
                if rng.chance(70) {
                    fields.insert(*key, gen_val(rng, *kind));
                }
            }
            m.tables.insert(path, fields);
        }
        for (path, keys) in ARRAYS {
            if !rng.chance(60) {
                continue;
            }
            let rows = (0..1 + rng.below(4))
                .map(|_| {
                    let mut row = m.gen_row(rng, keys);
                    if *path == "score_sheet.groups" {
                        row.children = (0..rng.below(4))
                            .map(|_| m.gen_row(rng, INDICATORS))
                            .collect();
                    }
                    row
                })
                .collect();
            m.arrays.insert(path, rows);
        }
        m
    }
}

// ── Layout: the model written as a TOML file, in a random style ─────────────────────────

/// A comment written into the file: its line (for own-line comments) or token, and the rows
/// it belongs to (removing any of them takes the comment with it).
#[derive(Clone, Debug)]
struct Comment {
    token: String,
    own_line: Option<String>,
    rows: Vec<usize>,
}

struct Writer<'r> {
    rng: &'r mut Rng,
    comments: Vec<Comment>,
}

impl Writer<'_> {
    fn token(&mut self) -> String {
        format!("c{}", self.comments.len() + 1)
    }

    /// Zero or more comment lines (and blank lines) before something.
    fn leading(&mut self, indent: &str, rows: &[usize]) -> String {
        let mut out = String::new();
        if self.rng.chance(15) {
            out.push('\n');
        }
        let n = if self.rng.chance(35) {
            1 + self.rng.below(2)
        } else {
            0
        };
        for _ in 0..n {
            let token = self.token();
            let line = format!("{indent}# {token} 注释：说明这一项");
            out.push_str(&line);
            out.push('\n');
            self.comments.push(Comment {
                token,
                own_line: Some(line),
                rows: rows.to_vec(),
            });
        }
        out
    }

    /// A comment at the end of a line, or nothing.
    fn trailing(&mut self, rows: &[usize]) -> String {
        if !self.rng.chance(25) {
            return String::new();
        }
        let token = self.token();
        let spaces = " ".repeat(1 + self.rng.below(4));
        self.comments.push(Comment {
            token: token.clone(),
            own_line: None,
            rows: rows.to_vec(),
        });
        format!("{spaces}# {token} 行尾注释")
    }

    fn key_line(&mut self, indent: &str, key: &str, val: &Val, rows: &[usize]) -> String {
        let lead = self.leading(indent, rows);
        let value = literal(val, false, self.rng);
        let trail = self.trailing(rows);
        format!("{lead}{indent}{key} = {value}{trail}\n")
    }

    fn inline_table(&mut self, fields: &[(&str, String)]) -> String {
        if fields.is_empty() {
            return "{}".to_owned();
        }
        let cells: Vec<String> = fields.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        format!("{{ {} }}", cells.join(", "))
    }

    fn inline_row(&mut self, row: &Row, with_children: bool) -> String {
        let mut cells: Vec<(&str, String)> = row
            .fields
            .iter()
            .map(|(k, v)| (*k, literal(v, true, self.rng)))
            .collect();
        if with_children && (!row.children.is_empty() || self.rng.chance(30)) {
            let children: Vec<String> = row
                .children
                .iter()
                .map(|c| self.inline_row(c, false))
                .collect();
            cells.push(("indicators", format!("[{}]", children.join(", "))));
        }
        self.rng.shuffle(&mut cells);
        self.inline_table(&cells)
    }

    /// `key = [ {…}, {…} ]`, on one line or one row per line with comments between.
    fn inline_rows(&mut self, indent: &str, key: &str, rows: &[Row], groups: bool) -> String {
        let lead = self.leading(indent, &[]);
        if self.rng.chance(30) {
            let items: Vec<String> = rows.iter().map(|r| self.inline_row(r, groups)).collect();
            let trail = self.trailing(&[]);
            return format!("{lead}{indent}{key} = [{}]{trail}\n", items.join(", "));
        }
        let mut out = format!("{lead}{indent}{key} = [\n");
        for (i, row) in rows.iter().enumerate() {
            out.push_str(&self.leading(&format!("{indent}  "), &[row.id]));
            let item = self.inline_row(row, groups);
            let comma = if i + 1 < rows.len() || self.rng.chance(60) {
                ","
            } else {
                ""
            };
            out.push_str(&format!("{indent}  {item}{comma}\n"));
        }
        out.push_str(&format!("{indent}]\n"));
        out
    }
}

/// How each part is written.
struct Styles {
    /// Tables written as `[header]` sections (else hosted inline or dotted in their parent,
    /// or implicit).
    section: BTreeSet<&'static str>,
    /// Tables written inline (`public = { … }`) or as dotted keys in their parent's section.
    hosted: BTreeMap<&'static str, bool>,
    /// Arrays written as inline arrays in their parent's section.
    inline_arrays: BTreeSet<&'static str>,
    /// Groups whose indicators are an inline array inside the group's `[[…]]` section.
    inline_indicators: BTreeSet<usize>,
    /// `report = { … }` at the top instead of `[report]`.
    inline_report: bool,
}

fn choose_styles(m: &Model, rng: &mut Rng) -> Styles {
    let mut s = Styles {
        section: BTreeSet::new(),
        hosted: BTreeMap::new(),
        inline_arrays: BTreeSet::new(),
        inline_indicators: BTreeSet::new(),
        inline_report: rng.chance(30),
    };
    let mut hosts: BTreeSet<&'static str> = BTreeSet::new();
    for (path, _) in TABLES {
        if !m.tables.contains_key(path) {
            continue;
        }
        // (inline, dotted): cost rows and staff may be inline tables; budget.other dotted keys.
        let hostable = matches!(
            *path,
            "basic_data.costs.public" | "basic_data.costs.office" | "basic.staff" | "budget.other"
        );
        if hostable && rng.chance(50) {
            s.hosted.insert(path, *path != "budget.other");
            hosts.insert(TABLES.iter().find(|(p, _)| *p == parent(path)).unwrap().0);
        } else {
            s.section.insert(path);
        }
    }
    for (path, _) in ARRAYS {
        if m.arrays.contains_key(path) && rng.chance(40) {
            s.inline_arrays.insert(path);
            hosts.insert(TABLES.iter().find(|(p, _)| *p == parent(path)).unwrap().0);
        }
    }
    if let Some(groups) = m.arrays.get("score_sheet.groups")
        && !s.inline_arrays.contains("score_sheet.groups")
    {
        for g in groups {
            if rng.chance(40) {
                s.inline_indicators.insert(g.id);
            }
        }
    }
    // A table with nothing of its own and nothing hosted may be left implicit.
    s.section
        .retain(|p| hosts.contains(p) || !m.tables[p].is_empty() || !rng.chance(40));
    s.section.extend(hosts);
    s
}

/// Writes the model as a report file; returns the text and the comments written.
fn render(m: &Model, rng: &mut Rng) -> (String, Vec<Comment>) {
    let styles = choose_styles(m, rng);
    let mut w = Writer {
        rng,
        comments: Vec::new(),
    };
    // The top: comments, the two required keys, maybe the cover inline.
    let mut top = w.leading("", &[]);
    top.push_str("schema = \"jixiao/1\"");
    top.push_str(&w.trailing(&[]));
    top.push('\n');
    top.push_str(&w.leading("", &[]));
    top.push_str("scheme = \"hunan-department\"\n");
    let mut chains: Vec<Vec<String>> = Vec::new();
    if styles.inline_report {
        top.push_str("report = { unit = \"某局\", year = 2023 }\n");
    } else {
        let lead = w.leading("", &[]);
        chains.push(vec![format!(
            "{lead}[report]\nyear = 2023\nunit = \"某局\"\n"
        )]);
    }

    // Sections, with whatever they host.
    for (path, _) in TABLES {
        if !styles.section.contains(path) {
            continue;
        }
        let mut items: Vec<String> = Vec::new();
        let empty = BTreeMap::new();
        for (key, val) in m.tables.get(path).unwrap_or(&empty) {
            items.push(w.key_line("", key, val, &[]));
        }
        for (hosted, inline) in &styles.hosted {
            if parent(hosted) != *path {
                continue;
            }
            let fields = &m.tables[hosted];
            let key = last(hosted);
            if *inline {
                let lead = w.leading("", &[]);
                let mut cells: Vec<(&str, String)> = fields
                    .iter()
                    .map(|(k, v)| (*k, literal(v, true, w.rng)))
                    .collect();
                w.rng.shuffle(&mut cells);
                let table = w.inline_table(&cells);
                let trail = w.trailing(&[]);
                items.push(format!("{lead}{key} = {table}{trail}\n"));
            } else {
                // Dotted keys of one table kept together: the TOML writer regroups dotted keys
                // written out of order (toml-rs/toml#163), which the TOML spec discourages.
                let lines: String = fields
                    .iter()
                    .map(|(k, v)| w.key_line("", &format!("{key}.{k}"), v, &[]))
                    .collect();
                if !lines.is_empty() {
                    items.push(lines);
                }
            }
        }
        for (array, _) in ARRAYS {
            if parent(array) == *path && styles.inline_arrays.contains(array) {
                let groups = *array == "score_sheet.groups";
                items.push(w.inline_rows("", last(array), &m.arrays[array], groups));
            }
        }
        w.rng.shuffle(&mut items);
        let lead = w.leading("", &[]);
        let trail = w.trailing(&[]);
        let mut block = format!("{lead}[{path}]{trail}\n");
        for item in items {
            block.push_str(&item);
        }
        chains.push(vec![block]);
    }

    // Arrays of tables: one chain each, rows in order (a group's indicators right after it).
    for (array, _) in ARRAYS {
        let Some(rows) = m.arrays.get(array) else {
            continue;
        };
        if styles.inline_arrays.contains(array) {
            continue;
        }
        let mut chain = Vec::new();
        for row in rows {
            let mut block = w.leading("", &[row.id]);
            let trail = w.trailing(&[row.id]);
            block.push_str(&format!("[[{array}]]{trail}\n"));
            let mut items: Vec<String> = row
                .fields
                .iter()
                .map(|(k, v)| w.key_line("", k, v, &[row.id]))
                .collect();
            let inline_children = styles.inline_indicators.contains(&row.id);
            if inline_children && !row.children.is_empty() {
                let mut list = String::new();
                list.push_str(&w.leading("", &[row.id]));
                list.push_str("indicators = [\n");
                for child in &row.children {
                    list.push_str(&w.leading("  ", &[row.id, child.id]));
                    let item = w.inline_row(child, false);
                    list.push_str(&format!("  {item},\n"));
                }
                list.push_str("]\n");
                items.push(list);
            }
            w.rng.shuffle(&mut items);
            for item in items {
                block.push_str(&item);
            }
            chain.push(block);
            if !inline_children {
                for child in &row.children {
                    let indent = if w.rng.chance(50) { "  " } else { "" };
                    let mut block = w.leading(indent, &[row.id, child.id]);
                    let trail = w.trailing(&[row.id, child.id]);
                    block.push_str(&format!(
                        "{indent}[[score_sheet.groups.indicators]]{trail}\n"
                    ));
                    for (k, v) in &child.fields {
                        block.push_str(&w.key_line(indent, k, v, &[row.id, child.id]));
                    }
                    chain.push(block);
                }
            }
        }
        chains.push(chain);
    }

    // Interleave the chains at random, each keeping its own order.
    let mut text = top;
    let mut fronts: Vec<std::collections::VecDeque<String>> =
        chains.into_iter().map(Into::into).collect();
    loop {
        fronts.retain(|c| !c.is_empty());
        if fronts.is_empty() {
            break;
        }
        let i = w.rng.below(fronts.len());
        if !text.ends_with("\n\n") && w.rng.chance(60) {
            text.push('\n');
        }
        text.push_str(&fronts[i].pop_front().unwrap());
    }
    if w.rng.chance(30) {
        let tail = w.leading("", &[]);
        text.push_str(&tail);
    }
    // Some editors write no line break at the end.
    if w.rng.chance(20) {
        text.pop();
    }
    (text, w.comments)
}

// ── Reading the loaded report back ──────────────────────────────────────────────────────

fn cell<T: ToString + Copy>(c: &Cell<T>) -> Option<String> {
    match c {
        Cell::Value(v) => Some(v.to_string()),
        Cell::NotApplicable => Some("/".to_owned()),
        Cell::Blank => None,
    }
}

fn loaded_value(r: &Report, table: &str, key: &str) -> Option<String> {
    let costs = r.basic_data.as_ref().and_then(|d| d.costs.as_ref());
    let cost_row = |row: CostRow| costs.and_then(|c| c.row(row)).copied();
    let cost_cell = |row: CostRow| {
        let cells = cost_row(row)?;
        match key {
            "prev_final" => cell(&cells.prev_final),
            "budget" => cell(&cells.budget),
            "final" => cell(&cells.r#final),
            _ => unreachable!(),
        }
    };
    match table {
        "budget" => {
            let b = r.budget.as_ref()?;
            cell(match key {
                "initial" => &b.initial,
                "income" => &b.income,
                "spent" => &b.spent,
                "basic" => &b.basic,
                "project" => &b.project,
                _ => unreachable!(),
            })
        }
        "budget.other" => {
            let o = r.budget.as_ref()?.other.as_ref()?;
            match key {
                "government_fund" => o.government_fund.clone(),
                "state_capital" => o.state_capital.clone(),
                _ => unreachable!(),
            }
        }
        "performance" => {
            let p = r.performance.as_ref()?;
            match key {
                "overall" => p.overall.clone(),
                "special_fund_count" => cell(&p.special_fund_count),
                _ => unreachable!(),
            }
        }
        "closing" => {
            let c = r.closing.as_ref()?;
            match key {
                "problems" => c.problems.clone(),
                "improvements" => c.improvements.clone(),
                _ => unreachable!(),
            }
        }
        "basic" => r.basic.as_ref()?.organization.clone(),
        "basic.staff" => {
            let s = r.basic.as_ref()?.staff.as_ref()?;
            cell(match key {
                "in_service" => &s.in_service,
                "retired" => &s.retired,
                _ => unreachable!(),
            })
        }
        "basic_data" => {
            let d = r.basic_data.as_ref()?;
            cell(match key {
                "authorized" => &d.authorized,
                "in_service" => &d.in_service,
                _ => unreachable!(),
            })
        }
        "basic_data.costs.public" => cost_cell(CostRow::Public),
        "basic_data.costs.office" => cost_cell(CostRow::Office),
        "score_sheet" => {
            let s = r.score_sheet.as_ref()?;
            cell(match key {
                "total_weight" => &s.total_weight,
                "total_score" => &s.total_score,
                _ => unreachable!(),
            })
        }
        "score_sheet.funds" => {
            let f = r.score_sheet.as_ref()?.funds.as_ref()?;
            cell(match key {
                "weight" => &f.weight,
                "score" => &f.score,
                "executed" => &f.executed,
                _ => unreachable!(),
            })
        }
        _ => unreachable!("{table}"),
    }
}

/// The rows of an array as loaded: each row's keys, and for groups their indicators.
type LoadedRow = (
    BTreeMap<&'static str, Option<String>>,
    Vec<BTreeMap<&'static str, Option<String>>>,
);

fn indicator_values(i: &jixiao::model::Indicator) -> BTreeMap<&'static str, Option<String>> {
    BTreeMap::from([
        ("category", i.category.clone()),
        ("name", i.name.clone()),
        ("weight", cell(&i.weight)),
        ("score", cell(&i.score)),
        ("deviation", i.deviation.clone()),
    ])
}

fn loaded_rows(r: &Report, array: &str) -> Vec<LoadedRow> {
    let plain = |m: BTreeMap<&'static str, Option<String>>| (m, Vec::new());
    match array {
        "budget.projects" => r
            .budget
            .iter()
            .flat_map(|b| &b.projects)
            .map(|p| {
                plain(BTreeMap::from([
                    ("name", p.name.clone()),
                    ("amount", cell(&p.amount)),
                ]))
            })
            .collect(),
        "performance.special_funds" => r
            .performance
            .iter()
            .flat_map(|p| &p.special_funds)
            .map(|f| {
                plain(BTreeMap::from([
                    ("name", f.name.clone()),
                    ("budget", cell(&f.budget)),
                    ("adjustment", cell(&f.adjustment)),
                    ("spent", cell(&f.spent)),
                    ("description", f.description.clone()),
                ]))
            })
            .collect(),
        "basic_data.costs.project_lines" => r
            .basic_data
            .iter()
            .flat_map(|d| d.costs.iter().flat_map(|c| &c.project_lines))
            .map(|l| {
                plain(BTreeMap::from([
                    ("name", l.name.clone()),
                    ("final", cell(&l.cells.r#final)),
                ]))
            })
            .collect(),
        "score_sheet.groups" => r
            .score_sheet
            .iter()
            .flat_map(|s| &s.groups)
            .map(|g| {
                (
                    BTreeMap::from([("name", g.name.clone()), ("weight", cell(&g.weight))]),
                    g.indicators.iter().map(indicator_values).collect(),
                )
            })
            .collect(),
        _ => unreachable!(),
    }
}

fn expected_row(row: &Row, keys: Keys) -> BTreeMap<&'static str, Option<String>> {
    keys.iter()
        .map(|(k, _)| (*k, row.fields.get(k).map(Val::reads)))
        .collect()
}

// ── Edits ────────────────────────────────────────────────────────────────────────────────

#[derive(Clone, Debug)]
enum Op {
    /// Set a figure (an amount or a count) from what a user types.
    SetFigure {
        slot: usize,
        int: u64,
        cents: u64,
        negative: bool,
        style: usize,
        full_width: bool,
    },
    /// Set a text with CJK, quotes, backslashes and line breaks.
    SetText {
        slot: usize,
        seed: u64,
    },
    /// A value that must be refused, changing nothing.
    SetBad {
        slot: usize,
        input: usize,
    },
    Insert {
        array: usize,
        at: usize,
        name: bool,
    },
    Remove {
        array: usize,
        at: usize,
    },
    Move {
        array: usize,
        at: usize,
        down: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<usize>(), 0u64..5000, 0u64..100, any::<bool>(), 0usize..5, prop::bool::weighted(0.2))
            .prop_map(|(slot, int, cents, negative, style, full_width)| Op::SetFigure { slot, int, cents, negative, style, full_width }),
        2 => (any::<usize>(), any::<u64>()).prop_map(|(slot, seed)| Op::SetText { slot, seed }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(slot, input)| Op::SetBad { slot, input }),
        2 => (any::<usize>(), any::<usize>(), any::<bool>()).prop_map(|(array, at, name)| Op::Insert { array, at, name }),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(array, at)| Op::Remove { array, at }),
        2 => (any::<usize>(), any::<usize>(), any::<bool>()).prop_map(|(array, at, down)| Op::Move { array, at, down }),
    ]
}

/// Where a value sits: a table's key, or a row's key.
#[derive(Clone, Debug)]
enum Slot {
    Table(&'static str, &'static str, K),
    Row(Arr, usize, &'static str, K),
}

/// An array of rows: a top-level one, or a group's indicators.
#[derive(Clone, Copy, Debug)]
enum Arr {
    Top(&'static str),
    Indicators(usize),
}

impl Arr {
    fn path(self) -> String {
        match self {
            Arr::Top(p) => p.to_owned(),
            Arr::Indicators(g) => format!("score_sheet.groups[{g}].indicators"),
        }
    }
    fn keys(self) -> Keys {
        match self {
            Arr::Top(p) => array_keys(p),
            Arr::Indicators(_) => INDICATORS,
        }
    }
    fn rows(self, m: &mut Model) -> &mut Vec<Row> {
        match self {
            Arr::Top(p) => m.arrays.entry(p).or_default(),
            Arr::Indicators(g) => &mut m.arrays.get_mut("score_sheet.groups").unwrap()[g].children,
        }
    }
}

fn arrays(m: &Model) -> Vec<Arr> {
    let mut out: Vec<Arr> = ARRAYS.iter().map(|(p, _)| Arr::Top(p)).collect();
    if let Some(groups) = m.arrays.get("score_sheet.groups") {
        out.extend((0..groups.len()).map(Arr::Indicators));
    }
    out
}

fn slots(m: &Model) -> Vec<Slot> {
    let mut out = Vec::new();
    for (table, keys) in TABLES {
        for (key, kind) in *keys {
            out.push(Slot::Table(table, key, *kind));
        }
    }
    for arr in arrays(m) {
        let n = match arr {
            Arr::Top(p) => m.arrays.get(p).map_or(0, Vec::len),
            Arr::Indicators(g) => m.arrays["score_sheet.groups"][g].children.len(),
        };
        for i in 0..n {
            for (key, kind) in arr.keys() {
                out.push(Slot::Row(arr, i, key, *kind));
            }
        }
    }
    out
}

fn slot_path(slot: &Slot) -> FieldPath {
    let text = match slot {
        Slot::Table(t, k, _) => format!("{t}.{k}"),
        Slot::Row(arr, i, k, _) => format!("{}[{i}].{k}", arr.path()),
    };
    FieldPath::parse(&text).unwrap()
}

fn slot_kind(slot: &Slot) -> K {
    match slot {
        Slot::Table(_, _, k) | Slot::Row(_, _, _, k) => *k,
    }
}

fn put(m: &mut Model, slot: &Slot, val: Val) {
    match slot {
        Slot::Table(t, k, _) => {
            m.tables.entry(t).or_default().insert(k, val);
        }
        Slot::Row(arr, i, k, _) => {
            arr.rows(m)[*i].fields.insert(k, val);
        }
    }
}

fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32('０' as u32 + (c as u32 - '0' as u32)).unwrap(),
            '.' => '．',
            c => c,
        })
        .collect()
}

const BAD_FIGURES: &[&str] = &[
    "12..5",
    "abc",
    "nan",
    "1e16",
    "--1",
    "1.2.3",
    "１２abc",
    "0x",
];

/// Applies one edit to the document and the model alike; returns what was done, for the report.
fn apply(doc: &mut Document, m: &mut Model, op: &Op) -> Option<String> {
    match op {
        Op::SetFigure {
            slot,
            int,
            cents,
            negative,
            style,
            full_width: fw,
        } => {
            let all = slots(m);
            let slot = &all[slot % all.len()];
            let kind = slot_kind(slot);
            let (typed, reads) = match kind {
                K::Text => return None,
                K::Count => (int.to_string(), int.to_string()),
                K::Amount => amount_spelling(*int, *cents, false, *style),
                K::Signed => amount_spelling(*int, *cents, *negative, *style),
            };
            let typed = if *fw { full_width(&typed) } else { typed };
            let path = slot_path(slot);
            doc.set(&path, &typed)
                .unwrap_or_else(|e| panic!("set {path}={typed}: {e}"));
            put(
                m,
                slot,
                Val::Figure {
                    written: typed.clone(),
                    reads,
                },
            );
            Some(format!("set {path} = {typed}"))
        }
        Op::SetText { slot, seed } => {
            let all = slots(m);
            let texts: Vec<&Slot> = all.iter().filter(|s| slot_kind(s) == K::Text).collect();
            let slot = texts[slot % texts.len()];
            let text = gen_text(&mut Rng(*seed), 1);
            let path = slot_path(slot);
            doc.set(&path, &text)
                .unwrap_or_else(|e| panic!("set {path}={text:?}: {e}"));
            put(m, slot, Val::Text(text.clone()));
            Some(format!("set {path} = {text:?}"))
        }
        Op::SetBad { slot, input } => {
            let all = slots(m);
            let figures: Vec<&Slot> = all.iter().filter(|s| slot_kind(s) != K::Text).collect();
            let slot = figures[slot % figures.len()];
            let path = slot_path(slot);
            let input = BAD_FIGURES[input % BAD_FIGURES.len()];
            let before = doc.to_text();
            assert!(
                doc.set(&path, input).is_err(),
                "{path}={input} was accepted"
            );
            assert_eq!(
                doc.to_text(),
                before,
                "a refused {path}={input} changed the text"
            );
            Some(format!("refused {path} = {input}"))
        }
        Op::Insert { array, at, name } => {
            let all = arrays(m);
            let arr = all[array % all.len()];
            let len = arr.rows(m).len();
            let at = at % (len + 1);
            let path = FieldPath::parse(&arr.path()).unwrap();
            let row_path = doc
                .insert_row(&path, at)
                .unwrap_or_else(|e| panic!("insert {path}[{at}]: {e}"));
            assert_eq!(row_path, path.index(at));
            let id = m.new_id();
            arr.rows(m).insert(
                at,
                Row {
                    id,
                    fields: BTreeMap::new(),
                    children: Vec::new(),
                },
            );
            if *name {
                let key = arr.keys()[0].0;
                let text = format!("新行{id}\n第二行");
                doc.set(&row_path.key(key), &text).unwrap();
                arr.rows(m)[at].fields.insert(key, Val::Text(text));
            }
            Some(format!("insert {path}[{at}]"))
        }
        Op::Remove { array, at } => {
            let all = arrays(m);
            let arr = all[array % all.len()];
            let len = arr.rows(m).len();
            if len == 0 {
                return None;
            }
            let at = at % len;
            let path = FieldPath::parse(&arr.path()).unwrap().index(at);
            doc.remove_row(&path)
                .unwrap_or_else(|e| panic!("remove {path}: {e}"));
            let removed = arr.rows(m).remove(at);
            REMOVED.with(|r| {
                let mut r = r.borrow_mut();
                r.insert(removed.id);
                r.extend(removed.children.iter().map(|c| c.id));
            });
            Some(format!("remove {path}"))
        }
        Op::Move { array, at, down } => {
            let all = arrays(m);
            let arr = all[array % all.len()];
            let len = arr.rows(m).len();
            if len < 2 {
                return None;
            }
            let at = at % len;
            let other = if *down { at + 1 } else { at.wrapping_sub(1) };
            if other >= len {
                return None;
            }
            let path = FieldPath::parse(&arr.path()).unwrap().index(at);
            let moved = doc
                .move_row(&path, *down)
                .unwrap_or_else(|e| panic!("move {path}: {e}"));
            assert_eq!(moved, FieldPath::parse(&arr.path()).unwrap().index(other));
            arr.rows(m).swap(at, other);
            Some(format!("move {path} {}", if *down { "down" } else { "up" }))
        }
    }
}

thread_local! {
    /// Rows removed in the current case.
    static REMOVED: std::cell::RefCell<BTreeSet<usize>> = const { std::cell::RefCell::new(BTreeSet::new()) };
}

// ── Property 1: edit, save, load ─────────────────────────────────────────────────────────

fn check_case(seed: u64, ops: &[Op]) -> Result<(), TestCaseError> {
    REMOVED.with(|r| r.borrow_mut().clear());
    let mut rng = Rng(seed);
    let mut model = Model::generate(&mut rng);
    let (original, comments) = render(&model, &mut rng);
    let schemes = SchemeSet::builtin();

    // The generated file is a report, and loads to the model.
    let first = scheme::load(original.as_bytes(), &schemes);
    prop_assert!(
        first.is_ok(),
        "the generated file did not load: {:?}\n{original}",
        first.err().map(|f| f.findings)
    );
    let mut doc = Document::parse(&Source::new(&original)).unwrap();
    prop_assert_eq!(
        doc.to_text(),
        original.clone(),
        "parse → text is not the identity"
    );

    let mut done = Vec::new();
    for op in ops {
        if let Some(what) = apply(&mut doc, &mut model, op) {
            done.push(what);
        }
    }
    let saved = doc.to_text();
    let context = || {
        format!(
            "\n── edits ──\n{}\n── before ──\n{original}\n── after ──\n{saved}",
            done.join("\n")
        )
    };

    // It loads back, without a warning about its keys or figures.
    let loaded = match scheme::load(saved.as_bytes(), &schemes) {
        Ok(l) => l,
        Err(f) => {
            return Err(TestCaseError::fail(format!(
                "the saved file did not load: {:#?}{}",
                f.findings,
                context()
            )));
        }
    };
    prop_assert!(loaded.notes.is_empty(), "{:?}{}", loaded.notes, context());
    let r = &loaded.report;

    // Every value reads back as the model says; nothing else appeared.
    for (table, keys) in TABLES {
        for (key, _) in *keys {
            let expected = model
                .tables
                .get(table)
                .and_then(|t| t.get(key))
                .map(Val::reads);
            let got = loaded_value(r, table, key);
            prop_assert_eq!(&got, &expected, "{}.{}{}", table, key, context());
        }
    }
    for (array, keys) in ARRAYS {
        let rows = model.arrays.get(array).cloned().unwrap_or_default();
        let got = loaded_rows(r, array);
        prop_assert_eq!(got.len(), rows.len(), "rows of {}{}", array, context());
        for (i, (row, (fields, children))) in rows.iter().zip(&got).enumerate() {
            prop_assert_eq!(
                fields,
                &expected_row(row, keys),
                "{}[{}]{}",
                array,
                i,
                context()
            );
            let expected: Vec<_> = row
                .children
                .iter()
                .map(|c| expected_row(c, INDICATORS))
                .collect();
            prop_assert_eq!(
                children,
                &expected,
                "{}[{}].indicators{}",
                array,
                i,
                context()
            );
        }
    }

    // Every comment of the original survives exactly once — unless its row was removed, and
    // then it went with the row.
    let removed = REMOVED.with(|r| r.borrow().clone());
    let lines: Vec<&str> = saved.lines().collect();
    for c in &comments {
        let gone = c.rows.iter().any(|id| removed.contains(id));
        let count = saved.matches(&format!("# {} ", c.token)).count();
        let expected = usize::from(!gone);
        prop_assert_eq!(
            count,
            expected,
            "comment {} ({:?}){}",
            c.token,
            c.own_line,
            context()
        );
        if let (Some(line), false) = (&c.own_line, gone) {
            prop_assert!(
                lines.contains(&line.as_str()),
                "the line {:?} changed{}",
                line,
                context()
            );
        }
    }

    // Saving what was saved changes nothing.
    let again = Document::parse(&Source::new(&saved)).unwrap();
    prop_assert_eq!(again.to_text(), saved.clone());
    CASES.fetch_add(1, Ordering::Relaxed);
    EDITS.fetch_add(done.len(), Ordering::Relaxed);
    Ok(())
}

static CASES: AtomicUsize = AtomicUsize::new(0);
static EDITS: AtomicUsize = AtomicUsize::new(0);

#[test]
fn edits_survive_save_and_load_with_every_comment() {
    // 256 cases, or PROPTEST_CASES for a longer run.
    let config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    let wanted = config.cases as usize;
    let mut runner = TestRunner::new(config);
    let result = runner.run(
        &(any::<u64>(), prop::collection::vec(op(), 0..14)),
        |(seed, ops)| check_case(seed, &ops),
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    let cases = CASES.load(Ordering::Relaxed);
    println!(
        "round trip: {cases} generated reports, {} edits applied",
        EDITS.load(Ordering::Relaxed)
    );
    assert!(cases >= wanted, "only {cases} of {wanted} cases ran");
}

// ── Property 2: nothing panics ───────────────────────────────────────────────────────────

/// Loads bytes, and when they load, checks them and renders the reports; never a panic.
fn survive(bytes: &[u8]) {
    let schemes = SchemeSet::builtin();
    let outcome = match scheme::load(bytes, &schemes) {
        Ok(loaded) => {
            let id = loaded.report.scheme.clone().unwrap_or_default();
            let scheme = schemes
                .get(&id)
                .expect("a loaded report names a known scheme");
            let (findings, totals) = jixiao::rules::analyze(&loaded, scheme);
            // The editor opens what the loader opened, and what it writes back loads to the
            // same report. (Byte for byte is the first property's business: arbitrary input
            // may hold dotted keys out of order, which the TOML writer regroups.)
            let doc = Document::parse(&loaded.source).expect("a loaded file parses for editing");
            let again = scheme::load(doc.to_text().as_bytes(), &schemes)
                .expect("what the editor writes back loads");
            assert_eq!(again.report, loaded.report);
            LOADED.fetch_add(1, Ordering::Relaxed);
            Outcome::Checked {
                scheme: id,
                source: loaded.source,
                findings,
                totals: Box::new(totals),
                cover: Box::default(),
            }
        }
        Err(failure) => Outcome::Failed {
            source: failure.source,
            findings: failure.findings,
        },
    };
    let reports = [FileReport {
        file: "fuzz.toml".to_owned(),
        outcome,
    }];
    let text = render_text(&reports, Palette { color: true });
    assert!(!text.is_empty());
    let json = render_json(&reports);
    serde_json::from_str::<serde_json::Value>(&json).unwrap();
}

static LOADED: AtomicUsize = AtomicUsize::new(0);
static FUZZED: AtomicUsize = AtomicUsize::new(0);

const TOKENS: &[&str] = &[
    "\n",
    "\n",
    " ",
    "=",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    ",",
    ".",
    "\"",
    "'",
    "\"\"\"",
    "#",
    "schema = \"jixiao/1\"\n",
    "scheme = \"hunan-department\"\n",
    "[report]\nunit = \"x\"\nyear = 2023\n",
    "budget",
    "spent",
    "basic",
    "project",
    "projects",
    "amount",
    "score_sheet",
    "groups",
    "indicators",
    "weight",
    "score",
    "funds",
    "full_year",
    "executed",
    "rate",
    "basic_data",
    "costs",
    "public",
    "final",
    "control_rate",
    "authorized",
    "in_service",
    "performance",
    "special_funds",
    "adjustment",
    "-",
    "1",
    "0",
    "9",
    "99999999999999999999",
    "1e15",
    "0.0000000000000000000000000001",
    "1e400",
    "nan",
    "inf",
    "\"/\"",
    "\"12%\"",
    "%",
    "％",
    "\"无\"",
    "≥",
    "true",
    "1979-05-27",
    "\u{202e}",
    "\\u001b",
    "\r\n",
    "\u{feff}",
];

/// A mutation of the seed: (where, what).
#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Token(usize, usize),
    Digits(usize, usize),
    Truncate(usize),
    Duplicate(usize, usize),
    /// Line-level edits, which mostly keep the file valid TOML and so reach the rules.
    DeleteLine(usize),
    /// Repeat a `[[…]]` row: more funds, projects, groups, indicators.
    DuplicateRow(usize),
    SwapLines(usize, usize),
    /// Replace the n-th number of the file with another figure.
    Number(usize, usize),
}

/// Figures that load (and push the rules to their edges), then a few that must not.
const FIGURES: &[&str] = &[
    "0",
    "0.00",
    "0.001",
    "1e15",
    "1000000000000000",
    "999999999999999.99",
    "1e-28",
    "0.0000000000000000000000000001",
    "9223372036854775807",
    "3.14159",
    "100",
    "100.00",
    "1",
    "\"/\"",
    "\"\"",
    "\"0\"",
    "1_000",
    "0x7FFF",
    "\"99.99%\"",
    "\"1e15\"",
    "-1",
    "-0.01",
    "\"12..5\"",
    "inf",
    "nan",
    "true",
    "[]",
    "{}",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<usize>(), 1usize..40).prop_map(|(a, n)| Mutation::Delete(a, n)),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..6)).prop_map(|(a, b)| Mutation::Insert(a, b)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, t)| Mutation::Token(a, t)),
        1 => (any::<usize>(), 1usize..40).prop_map(|(a, n)| Mutation::Digits(a, n)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        1 => (any::<usize>(), 1usize..400).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
        3 => any::<usize>().prop_map(Mutation::DeleteLine),
        3 => any::<usize>().prop_map(Mutation::DuplicateRow),
        3 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        12 => (any::<usize>(), any::<usize>()).prop_map(|(n, f)| Mutation::Number(n, f)),
    ]
}

fn mutate(seed: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for m in mutations {
        let at = |a: usize, b: &Vec<u8>| a % (b.len() + 1);
        match m {
            Mutation::Delete(a, n) => {
                let s = at(*a, &b);
                let e = (s + n).min(b.len());
                b.drain(s..e);
            }
            Mutation::Insert(a, bytes) => {
                let s = at(*a, &b);
                b.splice(s..s, bytes.iter().copied());
            }
            Mutation::Token(a, t) => {
                let s = at(*a, &b);
                b.splice(s..s, TOKENS[t % TOKENS.len()].bytes());
            }
            Mutation::Digits(a, n) => {
                // Lengthen a number (or write one): huge figures and counts.
                let s = at(*a, &b);
                b.splice(s..s, std::iter::repeat_n(b'9', *n));
            }
            Mutation::Truncate(a) => {
                let s = at(*a, &b);
                b.truncate(s);
            }
            Mutation::Duplicate(a, n) => {
                let s = at(*a, &b);
                let e = (s + n).min(b.len());
                let copy = b[s..e].to_vec();
                b.splice(e..e, copy);
            }
            Mutation::DeleteLine(n) | Mutation::DuplicateRow(n) | Mutation::SwapLines(n, _) => {
                let mut lines: Vec<Vec<u8>> =
                    b.split(|c| *c == b'\n').map(<[u8]>::to_vec).collect();
                let i = n % lines.len();
                match m {
                    Mutation::DeleteLine(_) => {
                        lines.remove(i);
                    }
                    Mutation::DuplicateRow(_) => {
                        let headers: Vec<usize> = (0..lines.len())
                            .filter(|i| lines[*i].starts_with(b"[["))
                            .collect();
                        if let Some(start) = headers.get(n % headers.len().max(1)).copied() {
                            let end = (start + 1..lines.len())
                                .find(|i| lines[*i].starts_with(b"["))
                                .unwrap_or(lines.len());
                            let row: Vec<Vec<u8>> = lines[start..end].to_vec();
                            lines.splice(end..end, row);
                        }
                    }
                    Mutation::SwapLines(_, other) => {
                        let j = other % lines.len();
                        lines.swap(i, j);
                    }
                    _ => unreachable!(),
                }
                b = lines.join(&b'\n');
            }
            Mutation::Number(n, f) => {
                // The n-th run of digits after `= `.
                let starts: Vec<usize> = b
                    .windows(3)
                    .enumerate()
                    .filter(|(_, w)| {
                        w[0] == b'=' && w[1] == b' ' && (w[2].is_ascii_digit() || w[2] == b'-')
                    })
                    .map(|(i, _)| i + 2)
                    .collect();
                if starts.is_empty() {
                    continue;
                }
                let s = starts[n % starts.len()];
                let mut e = s + 1;
                while e < b.len() && (b[e].is_ascii_digit() || b[e] == b'.' || b[e] == b'_') {
                    e += 1;
                }
                b.splice(s..e, FIGURES[f % FIGURES.len()].bytes());
            }
        }
    }
    b
}

#[test]
fn the_loader_and_the_rules_never_panic() {
    let seed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/lusong-emergency-2023.toml"
    ))
    .unwrap();
    let corrected = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/lusong-emergency-2023-corrected.toml"
    ))
    .unwrap();
    let input = prop_oneof![
        // Arbitrary bytes.
        2 => prop::collection::vec(any::<u8>(), 0..600),
        // TOML-like token soup behind a valid head.
        2 => prop::collection::vec(0..TOKENS.len(), 0..80).prop_map(|ts| {
            let mut s = String::from("schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n[report]\nunit = \"x\"\nyear = 2023\n");
            for t in ts {
                s.push_str(TOKENS[t]);
            }
            s.into_bytes()
        }),
        // The seed and the corrected example, mutated.
        6 => (any::<bool>(), prop::collection::vec(mutation(), 1..4)).prop_map(move |(which, ms)| {
            mutate(if which { &seed } else { &corrected }, &ms)
        }),
    ];
    // 2000 cases, or PROPTEST_CASES for a longer run.
    let config = Config {
        cases: Config::default().cases.max(2000),
        failure_persistence: None,
        ..Config::default()
    };
    let wanted = config.cases as usize;
    let mut runner = TestRunner::new(config);
    let result = runner.run(&input, |bytes| {
        survive(&bytes);
        FUZZED.fetch_add(1, Ordering::Relaxed);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let fuzzed = FUZZED.load(Ordering::Relaxed);
    println!(
        "never a panic: {fuzzed} inputs, {} of them loaded and were checked",
        LOADED.load(Ordering::Relaxed)
    );
    assert!(fuzzed >= wanted, "only {fuzzed} of {wanted} inputs ran");
}
