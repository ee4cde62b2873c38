//! Synthetic reports for measuring: a reproducible report in the real format, as large as
//! asked, with long Chinese texts and a few deliberate inconsistencies so that rules fire.
//!
//! The same arguments always give the same bytes (a fixed PRNG, no clock, no hashing), so a
//! figure measured on one machine can be reproduced on another.

use std::fmt::Write as _;

/// How large a synthetic report is, and which one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub projects: usize,
    pub funds: usize,
    pub indicators: usize,
    pub seed: u64,
}

impl Spec {
    /// The "large" workload of PERFORMANCE.md: 2,000 line items, 500 funds, 5,000 indicators.
    pub const LARGE: Spec = Spec {
        projects: 2000,
        funds: 500,
        indicators: 5000,
        seed: 1,
    };
}

/// SplitMix64: tiny, fast, and fixed forever, unlike a library's default generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    /// True about once in `n`.
    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }
}

const SUBJECTS: &[&str] = &[
    "全面落实安全生产责任制",
    "深入开展重大事故隐患排查整治",
    "持续推进应急管理体系和能力现代化",
    "统筹做好防汛抗旱和森林防灭火工作",
    "扎实推进自然灾害综合风险普查",
    "加强基层应急救援队伍建设",
    "规范专项资金管理使用",
    "严格执行政府采购和合同管理制度",
    "完善应急物资储备和调拨机制",
    "组织开展应急预案演练",
    "强化危险化学品和烟花爆竹安全监管",
    "推进安全生产执法规范化建设",
    "开展安全生产宣传教育和培训",
    "落实厉行节约各项要求",
    "压减一般性支出和非急需支出",
    "健全预算绩效管理全过程机制",
    "加强信息化平台建设和运行维护",
    "做好灾后救助和群众转移安置",
];

const EFFECTS: &[&str] = &[
    "有效防范化解重大安全风险",
    "切实保障人民群众生命财产安全",
    "全年未发生较大以上生产安全事故",
    "资金使用效益明显提高",
    "各项工作按期保质完成",
    "群众满意度进一步提升",
    "应急处置能力显著增强",
    "为全区经济社会发展营造了安全稳定的环境",
    "预算执行进度符合序时要求",
    "基层基础工作不断夯实",
];

const PROBLEMS: &[&str] = &[
    "受财政资金紧张影响部分项目推迟实施",
    "绩效目标设置不够细化量化",
    "个别项目前期论证不够充分",
    "资金拨付进度与项目实施进度不够匹配",
    "基层专业人员力量仍然薄弱",
    "部分指标完成值缺少佐证材料",
];

const ITEMS: &[&str] = &[
    "安全生产专项整治",
    "应急救援装备购置",
    "防汛物资储备",
    "森林防灭火宣传",
    "农村住房巨灾保险",
    "应急指挥平台运维",
    "执法记录仪采购",
    "安全培训及考核",
    "地质灾害隐患点监测",
    "避难场所标识设置",
    "烟花爆竹打非治违",
    "危化品企业专家检查",
    "应急广播系统维护",
    "救灾物资仓库租赁",
    "应急值守人员补助",
    "第三方安全评估服务",
];

const PLACES: &[&str] = &[
    "建宁街道",
    "贺家土街道",
    "庆云街道",
    "枫溪街道",
    "龙泉街道",
    "白关镇",
    "姚家坝乡",
    "全区",
];

const GROUPS: &[(&str, &[&str])] = &[
    ("产出指标", &["数量指标", "质量指标", "时效指标"]),
    (
        "效益指标",
        &[
            "经济效益指标",
            "社会效益指标",
            "生态效益指标",
            "可持续影响指标",
        ],
    ),
    ("满意度指标", &["服务对象满意度指标"]),
    (
        "成本指标",
        &["经济成本指标", "社会成本指标", "生态环境成本指标"],
    ),
];

/// Indicator weights of the eight groups, in cents: the four groups of the
/// `hunan-department` scheme, each written as two sheets' worth (40 → 20 + 20 …), 90 in all.
const GROUP_WEIGHTS: [u64; 8] = [2000, 2000, 1000, 1000, 500, 500, 1000, 1000];

/// An amount in 万元 from cents, always with two decimals (`12.30`).
fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A sentence of `parts` phrases: subjects, then an effect.
fn sentence(rng: &mut Rng, parts: u64) -> String {
    let mut s = String::new();
    s.push_str(rng.pick(PLACES));
    for _ in 0..parts.saturating_sub(1) {
        s.push_str(rng.pick(SUBJECTS));
        s.push('，');
    }
    s.push_str(rng.pick(EFFECTS));
    s.push('。');
    s
}

fn paragraph(rng: &mut Rng, sentences: u64) -> String {
    (0..sentences)
        .map(|_| {
            let parts = rng.range(2, 5);
            sentence(rng, parts)
        })
        .collect()
}

/// Splits `total` cents into `n` parts of nearly equal size (each ≥ 0).
fn split_cents(total: u64, n: usize) -> Vec<u64> {
    if n == 0 {
        return Vec::new();
    }
    let base = total / n as u64;
    let extra = (total % n as u64) as usize;
    (0..n).map(|i| base + u64::from(i < extra)).collect()
}

/// The whole report as TOML text.
pub fn generate(spec: Spec) -> String {
    let mut rng = Rng(spec.seed ^ 0x6A69_7869_616F);
    let mut out = String::with_capacity(450 * spec.indicators + 300 * spec.funds + 100_000);
    let w = &mut out;
    let year = 2023;
    let unit = "株洲市芦淞区合成测试局";
    let _ = writeln!(
        w,
        "# 合成的压力测试报告（jixiao synth --projects {} --funds {} --indicators {} --seed {}）",
        spec.projects, spec.funds, spec.indicators, spec.seed
    );
    let _ = writeln!(
        w,
        "# 内容由固定种子生成，数字中故意留有若干不一致之处，用于检验规则。\n"
    );
    let _ = writeln!(w, "schema = \"jixiao/1\"\nscheme = \"hunan-department\"\n");
    let _ = writeln!(w, "[report]");
    let _ = writeln!(
        w,
        "title = {}",
        quote(&format!("{year}年度{unit}整体支出绩效自评报告"))
    );
    let _ = writeln!(w, "unit = {}\nyear = {year}\n", quote(unit));

    // 一、基本情况
    let _ = writeln!(w, "# 一、部门（单位）基本情况\n[basic]\nfunctions = [");
    for _ in 0..18 {
        let _ = writeln!(w, "  {},", quote(&paragraph(&mut rng, 2)));
    }
    let _ = writeln!(w, "]");
    let _ = writeln!(w, "organization = {}", quote(&paragraph(&mut rng, 3)));
    let _ = writeln!(
        w,
        "departments = [\"办公室\", \"应急指挥中心\", \"安全生产监督管理股\", \"安全生产执法股\", \"应急管理综合协调股\"]\n"
    );
    let in_service = rng.range(20, 80);
    let retired = rng.range(1, 10);
    let _ = writeln!(w, "[basic.staff]");
    // S-rule bait: the stated total leaves out the retired.
    let _ = writeln!(
        w,
        "actual_total = {}\nin_service = {in_service}\nopen_ended = 1\ngovernment_employees = 2\nretired = {retired}\n",
        in_service + 3
    );

    // 二、预算支出
    let project_cents: Vec<i64> = (0..spec.projects)
        .map(|_| rng.range(50, 30_000) as i64)
        .collect();
    let project_total: i64 = project_cents.iter().sum();
    let personnel = rng.range(100_000, 900_000) as i64;
    let public = rng.range(10_000, 90_000) as i64;
    let basic = personnel + public;
    let spent = basic + project_total;
    let initial = spent - rng.range(1_000, spent as u64 / 3) as i64;
    let _ = writeln!(w, "# 二、一般公共预算支出情况\n[budget]");
    let _ = writeln!(w, "initial = {}", money(initial));
    let _ = writeln!(w, "income = {}", money(spent));
    let _ = writeln!(w, "spent = {}", money(spent));
    let _ = writeln!(w, "basic = {}", money(basic));
    let _ = writeln!(w, "personnel = {}", money(personnel));
    let _ = writeln!(w, "public = {}", money(public));
    // B-rule bait: the stated 项目支出 is one cent off the line items.
    let _ = writeln!(w, "project = {}\n", money(project_total + 1));
    for (i, cents) in project_cents.iter().enumerate() {
        let _ = writeln!(
            w,
            "[[budget.projects]]\nname = {}\namount = {}\n",
            quote(&format!(
                "{}{}项目（第{}批）",
                rng.pick(PLACES),
                rng.pick(ITEMS),
                i + 1
            )),
            money(*cents)
        );
    }
    let _ = writeln!(
        w,
        "[budget.other]\ngovernment_fund = \"无。\"\nstate_capital = \"无。\"\nsocial_insurance = \"无。\"\n"
    );

    // 六、资金使用及绩效情况
    let _ = writeln!(w, "# 六、资金使用及绩效情况\n[performance]");
    let overall: Vec<String> = (0..8).map(|_| paragraph(&mut rng, 4)).collect();
    let _ = writeln!(w, "overall = \"\"\"\n{}\"\"\"", overall.join("\n"));
    // F01 bait: the text claims one fund more than it lists.
    let _ = writeln!(w, "special_fund_count = {}\n", spec.funds + 1);
    let mut fund_budget_total = 0i64;
    for i in 0..spec.funds {
        let budget = rng.range(0, 50_000) as i64;
        let idle = budget > 0 && rng.one_in(40);
        let adjustment = if idle {
            -budget
        } else {
            // A cut never takes more than the budget: the money available stays ≥ 0.
            rng.range(0, 20_000) as i64 - budget.min(8_000)
        };
        let carryover = if idle { 0 } else { rng.range(0, 2_000) as i64 };
        let mut spent = (budget + adjustment - carryover).max(0);
        let carryover = budget + adjustment - spent;
        // F02 bait: about one fund in fifty does not balance.
        if rng.one_in(50) {
            spent += 100;
        }
        fund_budget_total += budget;
        let description = if spent == 0 {
            format!("该专项资金因{}，未在本年完成。", rng.pick(PROBLEMS))
        } else {
            paragraph(&mut rng, 3)
        };
        let _ = writeln!(
            w,
            "[[performance.special_funds]]\nname = {}\nscope = {}\nbudget = {}\nadjustment = {}\nspent = {}\ncarryover = {}\ndescription = {}\n",
            quote(&format!("{}专项（{}）", rng.pick(ITEMS), i + 1)),
            quote(&format!("包含{}和{}", rng.pick(ITEMS), rng.pick(ITEMS))),
            money(budget),
            money(adjustment),
            money(spent),
            money(carryover),
            quote(&description)
        );
    }

    // 七、八、九
    let _ = writeln!(w, "[closing]");
    let _ = writeln!(w, "problems = {}", quote(&paragraph(&mut rng, 3)));
    let _ = writeln!(w, "improvements = {}", quote(&paragraph(&mut rng, 3)));
    let _ = writeln!(
        w,
        "publication = \"在区政府门户网站统一公示公开，接受社会监督。\"\n"
    );

    // 附件2
    let authorized = in_service + rng.range(0, 10);
    let _ = writeln!(w, "# 附件2 基础数据表\n[basic_data]");
    let _ = writeln!(
        w,
        "authorized = {authorized}\nin_service = {in_service}\ncontrol_rate = \"{:.1}%\"\n",
        in_service as f64 * 100.0 / authorized as f64
    );
    let _ = writeln!(w, "[basic_data.costs]");
    let _ = writeln!(
        w,
        "project = {{ prev_final = {}, budget = {}, final = {} }}",
        money(project_total - 12_345),
        money(fund_budget_total),
        money(project_total + 1)
    );
    // D-rule bait: 公用经费 one cent away from the body.
    let _ = writeln!(
        w,
        "public = {{ prev_final = {}, budget = {}, final = {} }}",
        money(public + 500),
        money(public + 200),
        money(public + 1)
    );
    let _ = writeln!(
        w,
        "office = {{ prev_final = 0.89, budget = 2.60, final = 0.86 }}\nprocurement = {{ final = 109.50 }}\n"
    );
    for i in 0..spec.funds.min(50) {
        let _ = writeln!(
            w,
            "[[basic_data.costs.project_lines]]\nname = {}\ngroup = \"区级专项资金（一个专项一行）\"\nbudget = {}\n",
            quote(&format!("{}专项（{}）", rng.pick(ITEMS), i + 1)),
            money(rng.range(100, 50_000) as i64)
        );
    }
    let _ = writeln!(
        w,
        "[basic_data.signoff]\nprepared_by = \"何花\"\nprepared_on = \"{}年3月15日\"\nphone = \"28580689\"\nhead = \"刘湛\"\n",
        year + 1
    );

    // 附件3
    let full_year = spent + rng.range(0, 500) as i64;
    let _ = writeln!(w, "# 附件3 整体支出绩效自评表\n[score_sheet]");
    let rate_cents = (spent as i128 * 10_000 + full_year as i128 / 2) / full_year as i128;
    let funds_score = (spent as i128 * 1000 + full_year as i128 / 2) / full_year as i128;
    // The indicator rows come first into their own text, so that the stated total score
    // (which sums them) can be written above them.
    let mut sheet = String::with_capacity(450 * spec.indicators);
    let per_group = split_cents(spec.indicators as u64, 8);
    let mut total_score_cents = funds_score as i64;
    for (g, count) in per_group.iter().enumerate() {
        total_score_cents += indicator_group(&mut sheet, &mut rng, g, *count as usize, year);
    }
    let _ = writeln!(
        w,
        "total_weight = 100\ntotal_score = {}\n",
        money(total_score_cents)
    );
    let _ = writeln!(w, "[score_sheet.funds]");
    let _ = writeln!(
        w,
        "initial = {}\nfull_year = {}\nexecuted = {}\nweight = 10\nrate = \"{}%\"\nscore = {}\n",
        money(initial),
        money(full_year),
        money(spent),
        money(rate_cents as i64),
        money(funds_score as i64)
    );
    let _ = writeln!(
        w,
        "[score_sheet.by_source]\ntotal = {}\ngeneral_public = {}\n",
        money(full_year),
        money(full_year)
    );
    // C05 bait: the 按支出性质分 parts miss the total by the gap between budget and spending.
    let _ = writeln!(
        w,
        "[score_sheet.by_use]\ntotal = {}\nbasic = {}\nproject = {}\n",
        money(full_year),
        money(basic),
        money(project_total)
    );
    let _ = writeln!(
        w,
        "[score_sheet.goal]\nexpected = {}\nactual = {}\n",
        quote(&paragraph(&mut rng, 3)),
        quote(&paragraph(&mut rng, 3))
    );

    out.push_str(&sheet);
    out
}

/// One 一级指标 and its `count` indicators; returns the sum of their scores in cents.
fn indicator_group(w: &mut String, rng: &mut Rng, g: usize, count: usize, year: u32) -> i64 {
    let mut total = 0i64;
    let (name, categories) = GROUPS[g / 2];
    let weight = GROUP_WEIGHTS[g];
    let _ = writeln!(
        w,
        "# 绩效指标 — {name}（第 {} 部分）\n[[score_sheet.groups]]\nname = \"{name}\"\nweight = {}\n",
        g % 2 + 1,
        money(weight as i64)
    );
    for (i, cents) in split_cents(weight, count).into_iter().enumerate() {
        let mut score = cents as i64;
        let deduct = cents > 0 && rng.one_in(7);
        if deduct {
            score -= 1;
        }
        // C10 bait: now and then a score above its weight.
        if rng.one_in(500) {
            score += 1;
        }
        total += score;
        let count = rng.range(3, 300);
        let (target, actual) = match rng.range(0, 3) {
            0 => (
                format!("≥{count}次"),
                format!("{}次，{}", count + rng.range(0, 20), rng.pick(EFFECTS)),
            ),
            1 => ("100%".to_owned(), format!("{}%", rng.range(90, 100))),
            // C14 bait, now and then: the actual value copies the target's range.
            2 if rng.one_in(25) => ("≥90%".to_owned(), "≥90%".to_owned()),
            2 => ("≥90%".to_owned(), format!("{}%", rng.range(90, 99))),
            _ => (
                format!("{year}年12月底前完成"),
                format!("{year}年{}月完成", rng.range(6, 12)),
            ),
        };
        let deviation = if deduct {
            format!("{}，下一步将{}。", rng.pick(PROBLEMS), rng.pick(SUBJECTS))
        } else {
            "无".to_owned()
        };
        let _ = writeln!(
            w,
            "[[score_sheet.groups.indicators]]\ncategory = \"{}\"\nname = {}\ntarget = {}\nactual = {}\nweight = {}\nscore = {}\ndeviation = {}\n",
            rng.pick(categories),
            quote(&format!(
                "{}{}{}（{}-{}）",
                rng.pick(PLACES),
                rng.pick(SUBJECTS),
                rng.pick(ITEMS),
                g + 1,
                i + 1
            )),
            quote(&target),
            quote(&actual),
            money(cents as i64),
            money(score),
            quote(&deviation)
        );
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::SchemeSet;

    const SMALL: Spec = Spec {
        projects: 30,
        funds: 12,
        indicators: 80,
        seed: 7,
    };

    #[test]
    fn the_same_arguments_give_the_same_bytes() {
        assert_eq!(generate(SMALL), generate(SMALL));
        assert_ne!(generate(SMALL), generate(Spec { seed: 8, ..SMALL }));
    }

    #[test]
    fn the_output_loads_and_rules_fire() {
        let schemes = SchemeSet::builtin();
        let text = generate(SMALL);
        let loaded = match crate::scheme::load_str(&text, &schemes) {
            Ok(l) => l,
            Err(f) => panic!("synthetic report did not load: {:?}", f.findings),
        };
        assert!(loaded.notes.is_empty(), "{:?}", loaded.notes);
        let r = &loaded.report;
        assert_eq!(r.budget.as_ref().unwrap().projects.len(), 30);
        assert_eq!(r.performance.as_ref().unwrap().special_funds.len(), 12);
        let sheet = r.score_sheet.as_ref().unwrap();
        assert_eq!(sheet.groups.len(), 8);
        let indicators: usize = sheet.groups.iter().map(|g| g.indicators.len()).sum();
        assert_eq!(indicators, 80);
        let scheme = schemes.get("hunan-department").unwrap();
        let (findings, totals) = crate::rules::analyze(&loaded, scheme);
        let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
        for rule in ["B03", "F01", "D02"] {
            assert!(rules.contains(&rule), "{rule} should fire: {rules:?}");
        }
        assert_eq!(totals.weight, rust_decimal::Decimal::ONE_HUNDRED);
    }

    #[test]
    fn amounts_have_two_decimals() {
        assert_eq!(money(5), "0.05");
        assert_eq!(money(-619), "-6.19");
        assert_eq!(money(12_300), "123.00");
    }
}
