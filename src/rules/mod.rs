//! The consistency rules of RULES.md, one file per family: pure functions from the model to
//! findings. `check` runs them all under a scheme; `totals` computes the running total.

mod basic_data;
mod budget;
pub mod catalog;
mod closing;
mod completeness;
pub mod computed;
mod funds;
pub mod previous;
mod score_sheet;
mod staff;
pub mod totals;

use crate::finding::{Finding, Severity};
use crate::model::{FieldPath, Report};
use crate::scheme::Scheme;
use rust_decimal::Decimal;

pub use computed::{Expected, expected_at, expected_values};
pub use previous::Previous;
pub use totals::{GroupTotal, Totals};

/// What a check is asked for beyond the report itself. The default is the plain check:
/// no completeness rule (N05), no previous report (Y01, Y02).
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleOptions<'a> {
    /// `--complete`: N05 for every required part absent or empty.
    pub complete: bool,
    /// Last year's report of the same unit, when known.
    pub previous: Option<&'a Previous>,
}

/// What every rule sees.
pub struct Ctx<'a> {
    pub report: &'a Report,
    pub scheme: &'a Scheme,
}

impl Ctx<'_> {
    /// Whether two amounts agree within the scheme's tolerance.
    pub fn agree(&self, a: Decimal, b: Decimal) -> bool {
        self.scheme.agree(a, b)
    }
}

/// Runs every rule family on a loaded report, applies the scheme's severities, and returns
/// the findings in the order of the families.
pub fn check(report: &Report, scheme: &Scheme) -> Vec<Finding> {
    check_with(report, scheme, RuleOptions::default())
}

/// `check` with options: `--complete` adds N05 (which then stands for the N03 of the same
/// part), a previous report adds Y01 and Y02.
pub fn check_with(report: &Report, scheme: &Scheme, options: RuleOptions) -> Vec<Finding> {
    let ctx = Ctx { report, scheme };
    let mut out = Vec::new();
    budget::check(&ctx, &mut out);
    staff::check(&ctx, &mut out);
    funds::check(&ctx, &mut out);
    basic_data::check(&ctx, &mut out);
    score_sheet::check(&ctx, &mut out);
    closing::check(&ctx, &mut out);
    if options.complete {
        let mut missing = Vec::new();
        completeness::check(&ctx, &mut missing);
        // A blank part is said once: as missing (N05), not also as blank (N03).
        out.retain(|f| f.rule != "N03" || !missing.iter().any(|m| m.path == f.path));
        out.extend(missing);
    }
    if let Some(previous) = options.previous {
        previous::check(&ctx, previous, &mut out);
    }
    apply_severities(out, scheme)
}

/// Applies a scheme's severity overrides (and drops the rules it turns off).
pub fn apply_severities(findings: Vec<Finding>, scheme: &Scheme) -> Vec<Finding> {
    findings
        .into_iter()
        .filter_map(|mut f| {
            f.severity = scheme.severity_of(f.rule, f.severity)?;
            Some(f)
        })
        .collect()
}

/// A finding of `rule` with the catalogue's default severity.
pub(crate) fn finding(rule: &'static str, path: FieldPath, message: String) -> Finding {
    let severity = catalog::find(rule)
        .map(|r| r.severity)
        .unwrap_or(Severity::Warning);
    let rule = catalog::find(rule).map(|r| r.id).unwrap_or(rule);
    Finding::new(rule, severity, path, message)
}

/// `（差 0.01）`.
pub(crate) fn diff(a: Decimal, b: Decimal) -> String {
    format!("（差 {}）", (a - b).abs().normalize())
}

pub(crate) fn path(text: &str) -> FieldPath {
    FieldPath::parse(text).expect("rule paths are written correctly")
}

/// Findings and totals of a loaded report: the loader's notes and every rule, with the
/// scheme's severities, each located in the source, in file order.
pub fn analyze(loaded: &crate::store::Loaded, scheme: &Scheme) -> (Vec<Finding>, Totals) {
    analyze_with(loaded, scheme, RuleOptions::default())
}

/// `analyze` with options (`--complete`, the previous report).
pub fn analyze_with(
    loaded: &crate::store::Loaded,
    scheme: &Scheme,
    options: RuleOptions,
) -> (Vec<Finding>, Totals) {
    analyze_report_with(&loaded.report, &loaded.notes, scheme, options, |p| {
        loaded.nearest_span(p)
    })
}

/// The scheme a loaded report names, out of `schemes`: `scheme::load` and `scheme::inspect`
/// refuse a report that names no scheme of the set (X05/X06).
pub fn scheme_of<'a>(
    loaded: &crate::store::Loaded,
    schemes: &'a crate::scheme::SchemeSet,
) -> &'a Scheme {
    schemes
        .get(loaded.report.scheme.as_deref().unwrap_or_default())
        .expect("the loader refuses unknown schemes")
}

/// `analyze` for a report held apart from its source (the workbench's, after edits):
/// `span` places each finding that has no place of its own.
pub fn analyze_report(
    report: &crate::model::Report,
    notes: &[Finding],
    scheme: &Scheme,
    span: impl Fn(&crate::model::FieldPath) -> Option<std::ops::Range<usize>>,
) -> (Vec<Finding>, Totals) {
    analyze_report_with(report, notes, scheme, RuleOptions::default(), span)
}

/// `analyze_report` with options (`--complete`, the previous report).
pub fn analyze_report_with(
    report: &crate::model::Report,
    notes: &[Finding],
    scheme: &Scheme,
    options: RuleOptions,
    span: impl Fn(&crate::model::FieldPath) -> Option<std::ops::Range<usize>>,
) -> (Vec<Finding>, Totals) {
    let mut findings = apply_severities(notes.to_vec(), scheme);
    findings.extend(check_with(report, scheme, options));
    for f in &mut findings {
        if f.span.is_none() {
            f.span = span(&f.path);
        }
    }
    findings.sort_by_key(|f| f.span.as_ref().map_or(usize::MAX, |s| s.start));
    let totals = Totals::compute(report, scheme, &findings);
    (findings, totals)
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::scheme::{self, SchemeSet};

    /// Loads a report body under the standard head and returns the ids (with paths) that `check` gives.
    pub fn ids(body: &str) -> Vec<(String, String)> {
        ids_with(body, RuleOptions::default())
    }

    /// The standard head of a test report: format, scheme, unit 某局, year 2023.
    pub const HEAD: &str = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n[report]\nunit = \"某局\"\nyear = 2023\n";

    /// A report body under the standard head, loaded.
    pub fn report(body: &str) -> crate::model::Report {
        match scheme::load_str(&format!("{HEAD}{body}"), &SchemeSet::builtin()) {
            Ok(l) => l.report,
            Err(f) => panic!("test report did not load: {:?}", f.findings),
        }
    }

    /// The findings `check_with` gives for a body, as (id, path, message).
    pub fn findings_with(body: &str, options: RuleOptions) -> Vec<(String, String, String)> {
        let schemes = SchemeSet::builtin();
        let scheme = schemes.get("hunan-department").unwrap();
        check_with(&report(body), scheme, options)
            .into_iter()
            .map(|f| (f.rule.to_owned(), f.path.to_string(), f.message))
            .collect()
    }

    /// `ids` with options.
    pub fn ids_with(body: &str, options: RuleOptions) -> Vec<(String, String)> {
        findings_with(body, options)
            .into_iter()
            .map(|(rule, path, _)| (rule, path))
            .collect()
    }

    /// The rule ids `check` gives for a body.
    pub fn rules(body: &str) -> Vec<String> {
        ids(body).into_iter().map(|(r, _)| r).collect()
    }

    /// The rule ids of one family (`'F'`) that `check` gives for a body.
    pub fn family(body: &str, letter: char) -> Vec<String> {
        rules(body)
            .into_iter()
            .filter(|r| r.starts_with(letter))
            .collect()
    }

    /// Whether `rule` fires on a body.
    pub fn fires(rule: &str, body: &str) -> bool {
        rules(body).iter().any(|r| r == rule)
    }
}
