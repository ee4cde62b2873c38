//! Scoring schemes: weights, the execution-rate rule, grade bands and rule severities.
//!
//! The shipped schemes (`config/schemes/*.toml`) are compiled in; a user adds more as files
//! in `$XDG_CONFIG_HOME/jixiao/schemes/` without rebuilding.

use crate::finding::{Finding, Severity};
use crate::model::{FieldPath, Report};
use crate::store::{self, Changed, LoadFailure, Loaded, SchemeKey};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The schemes shipped with jixiao.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "hunan-department",
        include_str!("../config/schemes/hunan-department.toml"),
    ),
    (
        "mof-project-2020",
        include_str!("../config/schemes/mof-project-2020.toml"),
    ),
];

/// The grade shown while nothing is scored.
pub const NO_GRADE: &str = "—";

/// How the 年度资金总额 row is scored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FundsScoring {
    /// min(分值, 执行数 ÷ 全年预算数 × 分值), rounded half-up to 2 decimals.
    Proportional,
    /// The score of the first band whose `min_rate` (percent) the execution rate reaches.
    Bands,
    /// No rule: C04 stays silent.
    None,
}

/// A band of the execution rate (percent) and the score it earns.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RateBand {
    #[serde(deserialize_with = "exact")]
    pub min_rate: Decimal,
    #[serde(deserialize_with = "exact")]
    pub score: Decimal,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FundsRule {
    pub name: String,
    #[serde(deserialize_with = "exact")]
    pub weight: Decimal,
    pub scoring: FundsScoring,
    #[serde(default)]
    pub bands: Vec<RateBand>,
}

/// A 一级指标 the scheme prescribes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GroupRule {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(deserialize_with = "exact")]
    pub weight: Decimal,
    #[serde(default)]
    pub categories: Vec<String>,
}

impl GroupRule {
    /// Whether a group's stated name means this group (`产出指标`, `产出`, `产出指标（40分）`).
    pub fn matches(&self, name: &str) -> bool {
        let name = strip_points(name.trim());
        name == self.name || self.aliases.iter().any(|a| a == name)
    }
}

/// `产出指标（40分）` → `产出指标`.
fn strip_points(name: &str) -> &str {
    match name.find(['（', '(']) {
        Some(i) if name.ends_with('）') || name.ends_with(')') => name[..i].trim_end(),
        _ => name,
    }
}

/// A grade band: the grade when the score reaches `min` (the last band has none).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GradeBand {
    pub name: String,
    #[serde(default, deserialize_with = "exact_opt")]
    pub min: Option<Decimal>,
}

/// A scoring scheme.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    pub id: String,
    pub name: String,
    #[serde(default, deserialize_with = "exact_opt")]
    pub tolerance: Option<Decimal>,
    pub funds: FundsRule,
    pub groups: Vec<GroupRule>,
    pub grades: Vec<GradeBand>,
    /// Rule id → "error" | "warning" | "info" | "off".
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// Where a scheme came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Origin {
    #[default]
    Builtin,
    File(PathBuf),
}

impl Scheme {
    pub fn tolerance(&self) -> Decimal {
        self.tolerance.unwrap_or_default()
    }

    /// Whether two amounts agree within the scheme's tolerance.
    pub fn agree(&self, a: Decimal, b: Decimal) -> bool {
        (a - b).abs() <= self.tolerance()
    }

    pub fn group(&self, name: &str) -> Option<&GroupRule> {
        self.groups.iter().find(|g| g.matches(name))
    }

    /// The funds row's score by the scheme's rule; `None` when it has no rule or a figure is missing.
    pub fn funds_score(
        &self,
        weight: Decimal,
        full_year: Decimal,
        executed: Decimal,
    ) -> Option<Decimal> {
        if full_year.is_zero() {
            return None;
        }
        // `None`: a rate too large for an exact decimal (a tiny budget), above every cap and band.
        let rate = executed.checked_div(full_year);
        match self.funds.scoring {
            FundsScoring::Proportional => {
                let score = rate
                    .and_then(|r| r.checked_mul(weight))
                    .map(|s| s.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero));
                Some(score.map_or(weight, |s| s.min(weight)))
            }
            FundsScoring::Bands => {
                let percent = rate.and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED));
                self.funds
                    .bands
                    .iter()
                    .find(|b| percent.is_none_or(|p| p >= b.min_rate))
                    .map(|b| b.score)
                    .or(Some(Decimal::ZERO))
            }
            FundsScoring::None => None,
        }
    }

    /// The grade for a total score.
    pub fn grade(&self, score: Decimal) -> &str {
        self.grades
            .iter()
            .find(|g| g.min.is_none_or(|m| score >= m))
            .map(|g| g.name.as_str())
            .unwrap_or(NO_GRADE)
    }

    /// The severity a rule has under this scheme; `None` when the scheme turns it off.
    pub fn severity_of(&self, rule: &str, default: Severity) -> Option<Severity> {
        match self.severity.get(rule).map(String::as_str) {
            Some("off") => None,
            Some(s) => Some(Severity::parse(s).unwrap_or(default)),
            None => Some(default),
        }
    }

    /// Parses a scheme file's text.
    pub fn parse(text: &str, origin: Origin) -> Result<Scheme, String> {
        let mut scheme: Scheme = toml::from_str(text).map_err(|e| e.to_string())?;
        scheme.origin = origin;
        for (rule, severity) in &scheme.severity {
            if severity != "off" && Severity::parse(severity).is_none() {
                return Err(format!(
                    "[severity] {rule} = \"{severity}\"：应为 error、warning、info 或 off"
                ));
            }
        }
        // Grades are checked from the highest band down.
        scheme.grades.sort_by(|a, b| {
            b.min
                .unwrap_or(Decimal::MIN)
                .cmp(&a.min.unwrap_or(Decimal::MIN))
        });
        scheme
            .funds
            .bands
            .sort_by_key(|b| std::cmp::Reverse(b.min_rate));
        Ok(scheme)
    }
}

/// Every scheme known: the shipped ones, then the user's (a user file may replace a shipped id).
#[derive(Debug, Clone)]
pub struct SchemeSet {
    pub schemes: Vec<Scheme>,
    /// User scheme files that could not be read, with why.
    pub problems: Vec<(PathBuf, String)>,
}

impl SchemeSet {
    /// Only the shipped schemes.
    pub fn builtin() -> SchemeSet {
        let schemes = BUILTIN
            .iter()
            .map(|(id, text)| {
                Scheme::parse(text, Origin::Builtin)
                    .unwrap_or_else(|e| panic!("shipped scheme {id} is broken: {e}"))
            })
            .collect();
        SchemeSet {
            schemes,
            problems: Vec::new(),
        }
    }

    /// The shipped schemes plus the user's folder (`$XDG_CONFIG_HOME/jixiao/schemes`).
    pub fn load() -> SchemeSet {
        let mut set = SchemeSet::builtin();
        if let Some(dir) = user_scheme_dir() {
            set.add_folder(&dir);
        }
        set
    }

    /// Adds every `*.toml` of a folder; a broken file is recorded, not fatal.
    pub fn add_folder(&mut self, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let parsed = std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|text| Scheme::parse(&text, Origin::File(path.clone())));
            match parsed {
                Ok(scheme) => {
                    self.schemes.retain(|s| s.id != scheme.id);
                    self.schemes.push(scheme);
                }
                Err(why) => self.problems.push((path, why)),
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<&Scheme> {
        self.schemes.iter().find(|s| s.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.schemes.iter().map(|s| s.id.as_str()).collect()
    }

    /// A report as the store read it, refused unless it names one of these schemes: X05
    /// when it names none, X06 when it names one the set does not have. The error takes its
    /// place among the loader's, in the order of the file.
    pub fn check(&self, read: Result<Loaded, LoadFailure>) -> Result<Loaded, LoadFailure> {
        match read {
            Ok(loaded) => match self.refusal(&loaded.scheme_key) {
                None => Ok(loaded),
                Some(error) => Err(loaded.refuse(error)),
            },
            Err(mut failure) => {
                if let Some(error) = self.refusal(&failure.scheme_key) {
                    failure.add_error(error);
                }
                Err(failure)
            }
        }
    }

    /// What is wrong with the `scheme` key as found, if anything this set can tell.
    fn refusal(&self, key: &SchemeKey) -> Option<Finding> {
        let known = || self.ids().join("、");
        let (rule, span, message) = match key {
            SchemeKey::Missing => (
                "X05",
                Some(0..0),
                format!(
                    "缺少 scheme：应写明评分方案，如 scheme = \"hunan-department\"（可用：{}）",
                    known()
                ),
            ),
            SchemeKey::Names(id, span) if self.get(id).is_none() => (
                "X06",
                span.clone(),
                format!(
                    "没有名为“{id}”的评分方案（可用：{}；用 jixiao schemes 查看）",
                    known()
                ),
            ),
            SchemeKey::Names(..) | SchemeKey::NotText | SchemeKey::Unread => return None,
        };
        let path = FieldPath::root().key("scheme");
        Some(Finding::new(rule, Severity::Error, path, message).at(span))
    }
}

/// Loads a report from bytes (`store::load`), refused unless it names one of `schemes`.
pub fn load(bytes: &[u8], schemes: &SchemeSet) -> Result<Loaded, LoadFailure> {
    schemes.check(store::load(bytes))
}

/// Loads a report from text (`store::load_str`), refused unless it names one of `schemes`.
pub fn load_str(text: &str, schemes: &SchemeSet) -> Result<Loaded, LoadFailure> {
    schemes.check(store::load_str(text))
}

/// Loads a report to read it once (`store::inspect`), refused unless it names one of `schemes`.
pub fn inspect(bytes: Vec<u8>, schemes: &SchemeSet) -> Result<Loaded, LoadFailure> {
    schemes.check(store::inspect(bytes))
}

/// Brings the model up to date after an edit at `path` (`store::reread`). A document that no
/// longer names one of `schemes` is refused first, the model left as it was: only an edit of
/// `scheme` itself can make it so, since the document names one whenever an edit begins.
pub fn reread(
    root: &toml_edit::Table,
    report: &mut Report,
    notes: &mut Vec<Finding>,
    path: &FieldPath,
    schemes: &SchemeSet,
) -> Result<Changed, Vec<Finding>> {
    if let Some(error) = schemes.refusal(&SchemeKey::of_document(root)) {
        return Err(vec![error]);
    }
    store::reread(root, report, notes, path)
}

/// `$XDG_CONFIG_HOME/jixiao/schemes` (or the platform's config folder).
pub fn user_scheme_dir() -> Option<PathBuf> {
    config_dir().map(|d| d.join("schemes"))
}

/// `$XDG_CONFIG_HOME/jixiao` (or the platform's config folder).
pub fn config_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(dirs::config_dir)
        .map(|d| d.join("jixiao"))
}

/// A decimal written as an integer or a string (never read through a float).
#[derive(Deserialize)]
#[serde(untagged)]
enum ExactRepr {
    Int(i64),
    Text(String),
}

fn exact<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    match ExactRepr::deserialize(d)? {
        ExactRepr::Int(i) => Ok(Decimal::from(i)),
        ExactRepr::Text(t) => crate::model::parse_amount(&t).map_err(serde::de::Error::custom),
    }
}

fn exact_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    exact(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn shipped_schemes_load() {
        let set = SchemeSet::builtin();
        let hunan = set.get("hunan-department").unwrap();
        let weights: Vec<_> = hunan.groups.iter().map(|g| g.weight).collect();
        assert_eq!(weights, [d("40"), d("20"), d("10"), d("20")]);
        assert_eq!(hunan.funds.weight, d("10"));
        let mof = set.get("mof-project-2020").unwrap();
        let weights: Vec<_> = mof.groups.iter().map(|g| g.weight).collect();
        assert_eq!(weights, [d("50"), d("30"), d("10")]);
    }

    #[test]
    fn execution_rate_is_scored_half_up_and_capped() {
        let set = SchemeSet::builtin();
        let s = set.get("hunan-department").unwrap();
        assert_eq!(
            s.funds_score(d("10"), d("320.28"), d("320.25")),
            Some(d("10.00"))
        );
        assert_eq!(
            s.funds_score(d("10"), d("100"), d("90.005")),
            Some(d("9.00"))
        );
        assert_eq!(s.funds_score(d("10"), d("100"), d("120")), Some(d("10")));
        assert_eq!(s.funds_score(d("10"), d("0"), d("5")), None);
        // A quotient beyond an exact decimal is capped like any rate above 100%.
        let tiny = d("0.0000000000000000000000000001");
        assert_eq!(s.funds_score(d("10"), tiny, d("1000")), Some(d("10")));
    }

    #[test]
    fn grades_follow_the_bands() {
        let set = SchemeSet::builtin();
        let s = set.get("hunan-department").unwrap();
        assert_eq!(s.grade(d("94")), "优");
        assert_eq!(s.grade(d("90")), "优");
        assert_eq!(s.grade(d("89.99")), "良");
        assert_eq!(s.grade(d("60")), "中");
        assert_eq!(s.grade(d("12")), "差");
    }

    #[test]
    fn group_names_match_with_or_without_points() {
        let set = SchemeSet::builtin();
        let s = set.get("hunan-department").unwrap();
        assert_eq!(s.group("产出指标（40分）").map(|g| g.weight), Some(d("40")));
        assert_eq!(s.group("效益").map(|g| g.weight), Some(d("20")));
        assert!(s.group("奇怪指标").is_none());
    }

    #[test]
    fn user_folder_adds_and_reports_broken_files() {
        let dir = tempfile::tempdir().unwrap();
        let mine = BUILTIN[0].1.replace("hunan-department", "my-county");
        std::fs::write(dir.path().join("mine.toml"), mine).unwrap();
        std::fs::write(dir.path().join("broken.toml"), "id = ").unwrap();
        let mut set = SchemeSet::builtin();
        set.add_folder(dir.path());
        assert!(set.get("my-county").is_some());
        assert_eq!(set.problems.len(), 1);
    }

    fn fails_to_load(text: &str) -> Vec<Finding> {
        match load_str(text, &SchemeSet::builtin()) {
            Ok(_) => panic!("loaded"),
            Err(f) => f.findings,
        }
    }

    #[test]
    fn missing_required_keys_and_unknown_schemes() {
        let findings = fails_to_load("scheme = \"nope\"\n[report]\ntitle = \"x\"\n");
        let ids: Vec<_> = findings
            .iter()
            .map(|f| (f.rule, f.path.to_string()))
            .collect();
        assert!(ids.contains(&("X05", "schema".to_owned())));
        assert!(ids.contains(&("X06", "scheme".to_owned())));
        assert!(ids.contains(&("X05", "report.unit".to_owned())));
        assert!(ids.contains(&("X05", "report.year".to_owned())));
        // An unknown format version is the one error (title is not required).
        let findings = fails_to_load(
            "schema = \"jixiao/2\"\nscheme = \"hunan-department\"\n[report]\nunit = \"x\"\nyear = 2023\n",
        );
        let ids: Vec<_> = findings
            .iter()
            .map(|f| (f.rule, f.path.to_string()))
            .collect();
        assert_eq!(ids, [("X05", "schema".to_owned())]);
    }

    #[test]
    fn the_scheme_check_puts_its_errors_where_the_loader_would() {
        let rules = |findings: Vec<Finding>| -> Vec<(&str, String)> {
            findings
                .iter()
                .map(|f| (f.rule, f.path.to_string()))
                .collect()
        };
        // Missing both at the file's start: `schema` first, then `scheme`, then the cover.
        let expected = [
            ("X05", "schema".to_owned()),
            ("X05", "scheme".to_owned()),
            ("X05", "report.unit".to_owned()),
            ("X05", "report.year".to_owned()),
        ];
        assert_eq!(rules(fails_to_load("")), expected);
        let failure = inspect(b"".to_vec(), &SchemeSet::builtin()).unwrap_err();
        assert_eq!(rules(failure.findings), expected);
        // Among other errors, in the order of the file.
        let findings = fails_to_load(
            "schema = \"jixiao/1\"\n[report]\nunit = 1\nyear = 2023\n[budget]\nspent = \"x\"\n",
        );
        assert_eq!(
            rules(findings),
            [
                ("X05", "scheme".to_owned()),
                ("X02", "report.unit".to_owned()),
                ("X02", "budget.spent".to_owned()),
            ]
        );
        let findings =
            fails_to_load("[budget]\nspent = \"x\"\n[report]\nunit = \"u\"\nyear = 2023\n");
        assert_eq!(
            rules(findings)[..2],
            [("X05", "schema".to_owned()), ("X05", "scheme".to_owned())]
        );
    }

    #[test]
    fn an_edit_naming_an_unknown_scheme_is_refused_and_the_model_kept() {
        let schemes = SchemeSet::builtin();
        let text = "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n[report]\nunit = \"某局\"\nyear = 2023\n";
        let mut loaded = load_str(text, &schemes).unwrap();
        let mut doc = store::Document::from_loaded(&mut loaded).unwrap();
        let (mut report, mut notes) = (loaded.report, loaded.notes);
        let path = FieldPath::root().key("scheme");
        doc.set(&path, "nope").unwrap();
        let errors = reread(doc.root(), &mut report, &mut notes, &path, &schemes).unwrap_err();
        assert_eq!(errors[0].rule, "X06");
        assert_eq!(
            errors[0].message,
            "没有名为“nope”的评分方案（可用：hunan-department、mof-project-2020；用 jixiao schemes 查看）"
        );
        assert_eq!(report.scheme.as_deref(), Some("hunan-department"));
        doc.set(&path, "mof-project-2020").unwrap();
        reread(doc.root(), &mut report, &mut notes, &path, &schemes).unwrap();
        assert_eq!(report.scheme.as_deref(), Some("mof-project-2020"));
    }
}
