//! The rule catalogue: id, default severity and the Chinese explanation of every check.

use crate::finding::Severity;

/// One consistency rule as documented in RULES.md.
pub struct RuleInfo {
    /// Stable id, e.g. "F02".
    pub id: &'static str,
    /// Default severity (a scheme may override it).
    pub severity: Severity,
    /// One-line Chinese title, e.g. "专项资金收支不平衡".
    pub title: &'static str,
    /// What the rule protects: why a reviewer cares (Chinese, 1–3 sentences).
    pub protects: &'static str,
    /// The formula or condition, using the Chinese labels with the key paths in parentheses,
    /// e.g. "预算支出（budget）+ 年中调整（adjustment）= 实际支出（spent）+ 结余结转（carryover）".
    pub formula: &'static str,
    /// How to fix it: concrete steps in Chinese (1–3 sentences).
    pub fix: &'static str,
    /// A worked example in plain Chinese, with figures (from the bundled example report where
    /// it has them): what is wrong and what the check says (1–2 sentences).
    pub example: &'static str,
}

pub static RULES: &[RuleInfo] = &[
    // X — the file itself
    RuleInfo {
        id: "X01",
        severity: Severity::Error,
        title: "文件不是合法的 TOML",
        protects: "报告文件必须先能被正确读取，其余所有检查才有意义。出现语法错误时文件无法加载：check 一次列出全部此类错误并以退出码 2 结束，工作台显示错误页而不打开文件。",
        formula: "整个文件须符合 TOML 语法；出错时给出行号、列号、出错的那一行，以及解析器在该处期望的内容。",
        fix: "按提示的行号、列号找到出错处。常见原因：字符串的引号没有成对，把半角的引号、等号写成了全角（“”、＝），同一个键写了两次，表头的方括号不完整。改正后重新检查。",
        example: "单位名称写成 unit = \"株洲市芦淞区应急管理局（少了后一个引号），文件无法读取：检查指出这一行的行号、列号，说明缺少引号，并以退出码 2 结束。",
    },
    RuleInfo {
        id: "X02",
        severity: Severity::Error,
        title: "数值类型不符",
        protects: "金额、人数、比率各有固定写法，类型不对的数无法参与计算，程序也不会去猜它的本意，因此中止加载，并一次列出全部此类错误。",
        formula: "金额（万元）须为数字，或只含一个数字的字符串，除专项资金的年中调整（performance.special_funds[].adjustment）外不得为负数；人数、个数、年度须为不小于 0 的整数；执行率、控制率写作带 % 的字符串或表示百分数的数字。",
        fix: "按提示的键路径和行列号改正：金额中不要夹带“万元”等文字，人数不要写小数；调减的数只能写在年中调整中，用负数表示。",
        example: "年初预算资金写成 initial = \"241.75万元\"，数字里夹了“万元”二字，检查提示数值类型不符并停止加载；改成 initial = 241.75 即可。",
    },
    RuleInfo {
        id: "X03",
        severity: Severity::Warning,
        title: "未知的键名",
        protects: "拼错的键名不会被读入，对应的数等于没填，相关检查也会因输入为空而沉默，错误就此漏过。",
        formula: "每个键都须是格式规定的键名（见 FORMAT.md）；不认识的键会被提示，并给出最接近的已知键名（如 budjet → budget）。",
        fix: "按提示改成正确的键名；如果是有意写的备注，改成以 # 开头的注释。",
        example: "项目的预算支出写成 budjet = 29.50（拼错），这个数不会被读入，检查提示未知的键 budjet，并建议改为 budget。",
    },
    RuleInfo {
        id: "X04",
        severity: Severity::Warning,
        title: "金额超过两位小数",
        protects: "报表金额以万元为单位、保留两位小数。多出的小数位往往是复制或计算时没有取整带来的，会与表上印出的数对不上。",
        formula: "每个金额（万元）的小数位数 ≤ 2。",
        fix: "按四舍五入保留两位小数，并与决算报表上的数核对一致；取整后各合计关系仍须成立。",
        example: "公用经费填成 20.655 万元，多了一位小数，检查提示金额超过两位小数；按决算报表取两位应为 20.66。",
    },
    RuleInfo {
        id: "X05",
        severity: Severity::Error,
        title: "缺少必填项或格式版本不符",
        protects: "格式版本、评分方案、单位名称和年度是识别和评分一份报告的最低条件，缺了任何一项都无法可靠地检查，因此中止加载。",
        formula: "须填写格式版本（schema）、评分方案（scheme）、单位名称（report.unit）和年度（report.year），且格式版本（schema）须为 jixiao/1。",
        fix: "在文件开头写明格式版本 jixiao/1 和评分方案编号，在 [report] 中补填单位名称和年度；年度写成整数，如 2023。",
        example: "文件开头漏写了 schema = \"jixiao/1\"，检查提示缺少格式版本，文件不能加载。",
    },
    RuleInfo {
        id: "X06",
        severity: Severity::Error,
        title: "评分方案不存在",
        protects: "分值、计分规则和等级划分都来自评分方案，找不到方案就无法计算得分和等级，因此中止加载。",
        formula: "评分方案（scheme）须是程序自带的方案（如 hunan-department、mof-project-2020），或 config/schemes 目录中已有的方案文件名（不含 .toml）。",
        fix: "核对方案编号的拼写，改成本地区适用的方案；所需方案尚未提供的，可在 config/schemes 下新增一个方案文件，无须重新编译程序。",
        example: "评分方案写成 scheme = \"hunan-departmnet\"（拼错），找不到这个方案，检查提示评分方案不存在；应改为内置的 hunan-department 或 mof-project-2020。",
    },
    // B — 二、一般公共预算支出情况
    RuleInfo {
        id: "B01",
        severity: Severity::Error,
        title: "财政拨款支出不等于基本支出加项目支出",
        protects: "正文二中的一般公共预算财政拨款支出是全年支出的总口径，必须正好拆分为基本支出和项目支出，否则决算数前后矛盾。",
        formula: "一般公共预算财政拨款支出（budget.spent）= 基本支出（budget.basic）+ 项目支出（budget.project）；基本支出未填而人员经费（budget.personnel）和公用经费（budget.public）都已填写时，以二者之和代替基本支出。所需的数未填写时不检查。",
        fix: "对照部门决算报表核对支出总数、基本支出和项目支出三个数，改正笔误；注意不要把其他资金来源的支出计入财政拨款支出。",
        example: "示例报告中财政拨款支出 320.25 = 基本支出 223.84 + 项目支出 96.41，正好相等；若项目支出误填为 96.44，两项之和为 320.28，检查提示与支出 320.25 不符。",
    },
    RuleInfo {
        id: "B02",
        severity: Severity::Error,
        title: "基本支出不等于人员经费加公用经费",
        protects: "基本支出只由人员经费和公用经费两部分构成，两者相加必须等于基本支出，否则其中至少一个数填错了。",
        formula: "基本支出（budget.basic）= 其中：人员经费（budget.personnel）+ 其中：公用经费（budget.public）；任何一项未填写时不检查。",
        fix: "对照决算报表中基本支出的经济分类核对三个数并改正；公用经费还须与附件2公用经费本年决算数一致（见 D02）。",
        example: "示例报告中基本支出 223.84 = 人员经费 203.18 + 公用经费 20.66；若人员经费误填为 203.81，两项之和为 224.47，检查提示与基本支出 223.84 不符。",
    },
    RuleInfo {
        id: "B03",
        severity: Severity::Error,
        title: "项目支出合计与各项目明细之和不符",
        protects: "正文二（二）列出的各项目支出应正好加总为项目支出合计，合计与明细不符时，读者无法判断哪个是真实数。",
        formula: "项目支出（budget.project）= Σ 各项目支出金额（budget.projects[].amount）；未列出项目明细时不检查。",
        fix: "逐项核对明细金额，检查是否漏列或重复列了项目，再改正合计或明细。",
        example: "示例报告四个项目 16.1 + 3.98 + 39.83 + 36.5 = 96.41，与项目支出合计相符；若漏列 36.5 万元的应急救援项目支出，明细只有 59.91，检查提示与合计 96.41 不符。",
    },
    RuleInfo {
        id: "B04",
        severity: Severity::Warning,
        title: "财政拨款支出大于财政拨款收入",
        protects: "当年支出超过当年财政拨款收入，意味着动用了上年结转结余或其他资金，或者数字填错了；不加说明，审核时会被退回。",
        formula: "一般公共预算财政拨款支出（budget.spent）大于一般公共预算财政拨款收入（budget.income）时提示。",
        fix: "先核对两个数是否与决算报表一致；确属动用上年结转结余等情况的，在正文二中写明资金来源和金额。",
        example: "示例报告中财政拨款收入、支出都是 320.25，不提示；若支出为 330.00 而收入仍为 320.25，检查提示支出大于收入，应说明多出的 9.75 万元从哪里来。",
    },
    // S — 人员情况
    RuleInfo {
        id: "S01",
        severity: Severity::Error,
        title: "年末实有人数与各类人员之和不符",
        protects: "正文一（三）的年末实有人数应等于各类人员之和，人数对不上会影响人员经费的分析，也让附件2的在职人数无从核对。",
        formula: "年末实有人数（basic.staff.actual_total）= 在职（in_service）+ 无固期人员（open_ended）+ 政府雇员（government_employees）+ 退休人员（retired）+ 其他（other）",
        fix: "按年末人事统计核对各类人数，检查是否漏记或重复统计了某类人员，再改正总数或分项。",
        example: "示例报告年末实有 13 人 = 在职 10 + 无固期 1 + 政府雇员 1 + 退休 1；若在职误填为 11，分项之和为 14，检查提示与实有人数 13 不符。",
    },
    RuleInfo {
        id: "S02",
        severity: Severity::Warning,
        title: "附件2实际在职人数与正文不一致",
        protects: "附件2的实际在职人数与正文一（三）的在职人数是同一个数，两处不一致会让人怀疑人员统计口径，控制率也随之失真。",
        formula: "附件2 实际在职人数（basic_data.in_service）= 正文 在职人数（basic.staff.in_service）",
        fix: "以年末人事统计为准统一两处数字，改后重算附件2的控制率。",
        example: "示例报告正文在职 10 人，附件2 实际在职也是 10 人；若附件2 填成 11 人，检查提示附件2 的 11 与正文的 10 不一致。",
    },
    RuleInfo {
        id: "S03",
        severity: Severity::Error,
        title: "控制率计算错误",
        protects: "控制率反映在职人数是否控制在编制数以内，是由附件2中两个数直接算出的比率，算错会误导对编制执行情况的判断。",
        formula: "控制率（basic_data.control_rate）= 实际在职人数（basic_data.in_service）÷ 编制数（basic_data.authorized）× 100%，按所填小数位数四舍五入后比较（如 10 ÷ 14 = 71.428…%，填 71.4% 即为一致）。",
        fix: "用实际在职人数除以编制数重算，保留与原表相同的小数位数后填入控制率。",
        example: "示例报告编制 14 人、在职 10 人，10 ÷ 14 = 71.43%，所填 71.4% 与之一致；若填成 74.1%（数字颠倒），检查提示“附件2 控制率 74.1% ≠ 在职 10 ÷ 编制数 14 = 71.43%”。",
    },
    RuleInfo {
        id: "S04",
        severity: Severity::Warning,
        title: "实际在职人数超过编制数",
        protects: "在职人数超过编制数属于超编，是机构编制管理的问题，也关系到人员经费是否合理，审核人员一般要求说明原因。",
        formula: "实际在职人数（basic_data.in_service）大于编制数（basic_data.authorized）时提示。",
        fix: "先核对两个数是否填错（如编制数只填了行政编制）；确属超编的，在七、存在的问题及原因分析中说明原因和消化计划。",
        example: "示例报告编制 14 人、在职 10 人，没有超编；若在职为 16 人，检查提示“实际在职人数 16 超过编制数 14（超编 2 人）”，需在正文七说明原因。",
    },
    RuleInfo {
        id: "S05",
        severity: Severity::Info,
        title: "附件2控制率未填写",
        protects: "控制率是附件2的固定栏目，编制数和在职人数都已填写时留空，表格显得不完整。",
        formula: "编制数（basic_data.authorized）和实际在职人数（basic_data.in_service）都已填写，而控制率（basic_data.control_rate）为空时提示。",
        fix: "按实际在职人数 ÷ 编制数 × 100% 计算后填入控制率，如 71.4%。",
        example: "示例报告填了控制率 71.4%；若把这一栏留空，检查提示编制数 14 和在职人数 10 都已填写，控制率却未填写。",
    },
    // F — 专项资金（六（二））
    RuleInfo {
        id: "F01",
        severity: Severity::Warning,
        title: "专项资金个数与列出的专项不符",
        protects: "正文六（二）开头所说的专项资金个数应与下文逐项说明的专项一致，数量不符通常是漏写了某个专项的说明。",
        formula: "正文所述专项资金个数（performance.special_fund_count）= 逐项列出的专项资金条数（performance.special_funds）",
        fix: "补写漏掉的专项（名称、预算支出、年中调整、实际支出、结余结转和说明），或改正所述个数。",
        example: "示例报告正文称专项资金共 5 个，下文只列出安全监管等 4 个，检查提示“正文称专项资金共 5 个，实际列出 4 个”。",
    },
    RuleInfo {
        id: "F02",
        severity: Severity::Error,
        title: "专项资金收支不平衡",
        protects: "每个专项资金的来龙去脉必须闭合：年初安排的加上年中调整的，应正好等于实际花掉的加上结余结转的。不平衡说明至少有一个数填错了。",
        formula: "预算支出（budget）+ 年中调整（adjustment）= 实际支出（spent）+ 结余结转（carryover），逐个专项（performance.special_funds[]）检查；调减时年中调整为负数。",
        fix: "逐项核对该专项的四个数：调减有没有写成负数，调增数有没有多写或少写一位，结余结转有没有漏填。",
        example: "示例报告的“安全监管”专项：预算 29.50 + 调整 270.08 = 299.58，而实际支出 56.58 + 结余结转 0 = 56.58，差 243 万元，检查报告收支不平衡。",
    },
    RuleInfo {
        id: "F03",
        severity: Severity::Warning,
        title: "专项资金预算合计与附件2项目支出本年预算数不一致",
        protects: "正文所列各专项的预算支出之和，应与附件2基础数据表中项目支出的本年预算数相符，否则正文与附件口径不一。",
        formula: "Σ 各专项预算支出（performance.special_funds[].budget）= 附件2 项目支出本年预算数（basic_data.costs.project.budget）；未列出任何专项时不检查。",
        fix: "核对是否漏列了专项，或把非专项的项目经费计入了附件2，统一两处口径后改正。",
        example: "示例报告四个专项的预算 29.50 + 0 + 6.19 + 3 = 38.69，与附件2 项目支出本年预算数 38.69 相符；若附件2 填成 40.00，检查提示两处差 1.31。",
    },
    RuleInfo {
        id: "F04",
        severity: Severity::Warning,
        title: "专项资金实际支出合计与正文项目支出不一致",
        protects: "各专项的实际支出之和应等于正文二中的项目支出，否则说明有项目支出没有在六（二）中交代，或某个专项的支出数填错了。",
        formula: "Σ 各专项实际支出（performance.special_funds[].spent）= 正文 项目支出（budget.project）；未列出任何专项时不检查。",
        fix: "对照二（二）项目支出明细核对六（二）各专项的实际支出，补上遗漏的专项或改正金额。",
        example: "示例报告四个专项的实际支出 56.58 + 39.83 + 0 + 0 = 96.41，等于正文项目支出 96.41；若漏列疫情防控专项，合计只有 56.58，检查提示与项目支出不一致。",
    },
    RuleInfo {
        id: "F05",
        severity: Severity::Info,
        title: "专项资金有预算但未支出",
        protects: "安排了预算却分文未用，是绩效评价关注的重点，审核人员需要看到具体原因和资金去向。",
        formula: "某专项预算支出（budget）大于 0，而实际支出（spent）为 0 时提示。",
        fix: "在该专项的说明（description）中写明未支出的具体原因、资金去向（调减收回、结转下年等）和后续安排；已经写清楚的，可视为已处理。",
        example: "示例报告的“农村住房巨灾保险”预算 6.19 万元，实际支出为 0，检查提示说明中应写明未支出的原因和后续安排。",
    },
    // D — 附件2 基础数据表
    RuleInfo {
        id: "D01",
        severity: Severity::Warning,
        title: "附件2项目支出本年决算数与正文不一致",
        protects: "附件2项目支出的本年决算数与正文二中的项目支出是同一笔钱，两处必须一致。",
        formula: "附件2 项目支出本年决算数（basic_data.costs.project.final）= 正文 项目支出（budget.project）",
        fix: "以部门决算报表为准，统一两处数字。",
        example: "示例报告附件2 项目支出本年决算数 96.41，与正文项目支出 96.41 一致；若附件2 错填成上年的 93.68，检查提示两处差 2.73。",
    },
    RuleInfo {
        id: "D02",
        severity: Severity::Warning,
        title: "附件2公用经费本年决算数与正文不一致",
        protects: "附件2公用经费的本年决算数与正文二中的公用经费是同一笔钱，两处必须一致。",
        formula: "附件2 公用经费本年决算数（basic_data.costs.public.final）= 正文 其中：公用经费（budget.public）",
        fix: "以部门决算报表为准，统一两处数字；差额很小的，多半是两处取自不同报表或取整不同，按决算报表改。",
        example: "示例报告附件2 公用经费本年决算数 20.67，正文公用经费 20.66，检查提示“附件2 公用经费 20.67 ≠ 正文 公用经费 20.66（差 0.01）”。",
    },
    RuleInfo {
        id: "D03",
        severity: Severity::Error,
        title: "其中项大于所属合计",
        protects: "“其中”行是上一行的一部分，任何一栏都不可能比所属的行还大，出现这种情况必有一处填错。",
        formula: "上年决算数（prev_final）、本年预算数（budget）、本年决算数（final）各栏分别比较：办公经费（office）、水费电费差旅费（utilities_travel）、会议费培训费（meetings_training）各自 ≤ 公用经费（public）；公车购置（vehicle_purchase）、公车运行维护（vehicle_operation）各自 ≤ 公务用车购置和维护经费（vehicles）。",
        fix: "核对该栏的其中项和所属行，常见原因是数字填错了行，或填错了栏（如把本年决算数填进本年预算数栏）。",
        example: "示例报告公用经费本年预算数 21.99，其中办公经费 2.6；若办公经费误填为 26，比所属的公用经费 21.99 还大，检查报告其中项大于所属合计。",
    },
    RuleInfo {
        id: "D04",
        severity: Severity::Error,
        title: "合计行不等于各分项之和",
        protects: "附件2中的三公经费、公务用车购置和维护经费、项目支出都是由下列分项加总而来，合计与分项不符时表格自相矛盾。",
        formula: "三公经费（three_public）= 公务用车购置和维护经费（vehicles）+ 出国经费（overseas）+ 公务接待（reception）；公务用车购置和维护经费（vehicles）= 公车购置（vehicle_purchase）+ 公车运行维护（vehicle_operation）；项目支出（project）= Σ 项目支出下各行（project_lines）。各栏分别检查，只查合计行和至少一个分项都已填写的栏，未填的分项按 0 计。公用经费的其中项只是其中一部分，不要求相加等于公用经费。",
        fix: "重新加总分项后改正合计行，或补填漏掉的分项；没有发生的分项填 0。",
        example: "三公经费填 1.20，而公务用车 0.80 + 出国经费 0 + 公务接待 0.30 = 1.10，检查提示合计行 1.20 不等于分项之和 1.10。",
    },
    RuleInfo {
        id: "D05",
        severity: Severity::Info,
        title: "三公经费留空",
        protects: "三公经费是审核的重点。留空无法区分是“没有发生”还是“漏填了”，没有支出的应明确填 0。",
        formula: "三公经费各行（three_public、vehicles、vehicle_purchase、vehicle_operation、overseas、reception）留有空栏时提示。",
        fix: "确实没有支出的栏填 0；有支出的，按决算报表补填金额。",
        example: "示例报告附件2 三公经费各行全部空白，检查提示三公经费未填写，没有发生的请填 0。",
    },
    RuleInfo {
        id: "D06",
        severity: Severity::Info,
        title: "其中项已填而所属行为空",
        protects: "只填了分项而所属行空着，表格读起来不完整，合计与分项之间的核对（D03、D04）也无法进行。",
        formula: "同一栏中，某个分项或其中项已填写，而它所属的上一级行为空时提示（如办公经费有数而公用经费为空）。",
        fix: "在同一栏补填所属行：三公经费、公务用车购置和维护经费、项目支出应等于分项之和，公用经费应不小于各其中项。",
        example: "示例报告办公经费本年决算数填了 0.86；若所属的公用经费本年决算数留空，检查提示其中项已填而所属行为空。",
    },
    // C — 附件3 自评表
    RuleInfo {
        id: "C01",
        severity: Severity::Warning,
        title: "自评表年初预算数与正文不一致",
        protects: "附件3年度资金总额的年初预算数与正文二中的年初预算资金是同一个数，两处不一致说明有一处取错了口径。",
        formula: "附件3 年初预算数（score_sheet.funds.initial）= 正文 年初预算资金（budget.initial）",
        fix: "以批复的年初部门预算为准，统一两处数字。",
        example: "示例报告附件3 年初预算数 241.75，与正文年初预算资金 241.75 一致；若附件3 错填成全年预算数 320.28，检查提示两处差 78.53。",
    },
    RuleInfo {
        id: "C02",
        severity: Severity::Warning,
        title: "自评表全年执行数与正文财政拨款支出不一致",
        protects: "全年执行数是计算执行率和预算执行得分的依据，应与正文二中的一般公共预算财政拨款支出一致，否则得分建立在另一个数上。",
        formula: "附件3 全年执行数（score_sheet.funds.executed）= 正文 一般公共预算财政拨款支出（budget.spent）",
        fix: "以部门决算数为准统一两处数字，改后重算执行率和得分。",
        example: "示例报告附件3 全年执行数 320.25，与正文财政拨款支出 320.25 一致；若错填成全年预算数 320.28，检查提示两处差 0.03。",
    },
    RuleInfo {
        id: "C03",
        severity: Severity::Error,
        title: "执行率计算错误",
        protects: "执行率是预算执行得分的直接依据，必须由全年执行数和全年预算数算出，不能估填。",
        formula: "执行率（score_sheet.funds.rate）= 全年执行数（executed）÷ 全年预算数（full_year）× 100%，按所填小数位数四舍五入后比较（如 320.25 ÷ 320.28 = 99.990…%，填 99.99% 即为一致）。",
        fix: "按公式重算后填入执行率，保留与原表相同的小数位数。",
        example: "示例报告全年执行数 320.25、全年预算数 320.28，执行率应填 99.99%；若填成 99.9%，检查提示“附件3 执行率 99.9% ≠ 全年执行数 320.25 ÷ 全年预算数 320.28 = 99.99%”。",
    },
    RuleInfo {
        id: "C04",
        severity: Severity::Warning,
        title: "预算执行得分与评分规则不符",
        protects: "年度资金总额一行的得分由评分方案的计分规则决定，不能凭印象打分；多打或少打都会让总分和等级失真。",
        formula: "程序自带的方案：得分（score_sheet.funds.score）= min（分值，全年执行数 ÷ 全年预算数 × 分值），四舍五入保留两位小数，其中分值为 weight、全年执行数为 executed、全年预算数为 full_year。例：320.25 ÷ 320.28 × 10 = 9.999…，应得 10.00 分。方案也可改为按执行率分档计分；方案不设计分规则时不检查。",
        fix: "按方案规则重算后填入得分，并相应改正总分（score_sheet.total_score），否则会触发 C11；本地区采用其他计分办法的，应选用或新增相应的评分方案，而不是手工改分。",
        example: "示例报告执行率 99.99%，按方案应得 min(10, 320.25 ÷ 320.28 × 10) = 10.00 分，却填了 9 分，检查提示得分与评分规则不符。",
    },
    RuleInfo {
        id: "C05",
        severity: Severity::Error,
        title: "按收入性质分或按支出性质分的分项之和与总数不符",
        protects: "按收入性质分和按支出性质分都是对全年预算数的拆分，各分项加起来必须等于所填总数。",
        formula: "按收入性质分总数（score_sheet.by_source.total）= 一般公共预算（general_public）+ 政府性基金拨款（government_fund）+ 纳入专户管理的非税收入拨款（nontax_special）+ 其他资金（other）；按支出性质分总数（score_sheet.by_use.total）= 基本支出（basic）+ 项目支出（project）。总数未填或分项全部未填时不检查。",
        fix: "逐项核对分项金额后改正总数或分项；注意这里拆分的是全年预算数，不是实际支出数。",
        example: "示例报告按支出性质分总数 320.28 = 基本支出 223.84 + 项目支出 96.44；若项目支出填成 96.41，分项之和为 320.25，检查提示与总数 320.28 不符。",
    },
    RuleInfo {
        id: "C06",
        severity: Severity::Warning,
        title: "分类总数既不等于全年预算数也不等于全年执行数",
        protects: "按收入性质分、按支出性质分的总数应当是年度资金总额中的一个数：实际填表中有的填全年预算数，有的填全年执行数，两者都对不上就说明口径出了错。",
        formula: "按收入性质分总数（score_sheet.by_source.total）和按支出性质分总数（score_sheet.by_use.total）——已填的取所填数，未填的取分项之和——各自须等于全年预算数（score_sheet.funds.full_year）或全年执行数（score_sheet.funds.executed）。",
        fix: "按全年预算数重新拆分收入性质和支出性质，使总数和分项之和都等于全年预算数。",
        example: "示例报告按收入性质分合计 320.28，等于全年预算数；若合计和分项都填成年初预算数 241.75，检查提示 241.75 与全年预算数 320.28、全年执行数 320.25 都不相等。",
    },
    RuleInfo {
        id: "C07",
        severity: Severity::Error,
        title: "一级指标分值与其三级指标分值合计不符",
        protects: "表头标注的一级指标分值（如“产出指标（40分）”）应由其下各三级指标的分值加总而来，对不上说明有指标分值漏填、多填或表头写错。",
        formula: "一级指标所标分值（score_sheet.groups[].weight）= Σ 该一级指标下各三级指标分值（score_sheet.groups[].indicators[].weight）；分值印作 / 或未填的指标不计。",
        fix: "补足或调整三级指标分值，使合计等于一级指标分值；不要只改表头去迁就合计，一级指标分值应符合评分方案（见 C08）。",
        example: "示例报告“产出指标”标为 40 分，下列三级指标分值合计只有 30 分，检查提示“三级指标分值合计 30 ≠ 一级指标分值 40（差 10）”。",
    },
    RuleInfo {
        id: "C08",
        severity: Severity::Warning,
        title: "分值与评分方案的规定不符",
        protects: "年度资金总额和各一级指标的分值由评分方案统一规定，擅自改动权重会让不同部门的得分失去可比性。",
        formula: "年度资金总额分值（score_sheet.funds.weight）和各一级指标所标分值（score_sheet.groups[].weight）须等于评分方案的规定（如 hunan-department：预算执行 10、产出指标 40、效益指标 20、满意度指标 10、成本指标 20），一级指标名称（score_sheet.groups[].name）也须是方案中有的。",
        fix: "按方案改正分值；一级指标名称写法与方案不同的，改成方案中的名称；报告本应适用另一方案的，改正评分方案（scheme）。",
        example: "按 hunan-department 方案，年度资金总额为 10 分、产出指标为 40 分；若把年度资金总额的分值改成 15，检查提示分值 15 ≠ 评分方案规定的 10。",
    },
    RuleInfo {
        id: "C09",
        severity: Severity::Error,
        title: "总分值不等于 100",
        protects: "自评表满分为 100 分：年度资金总额分值加上全部三级指标分值必须正好是 100，并与总分行所填分值一致。",
        formula: "年度资金总额分值（score_sheet.funds.weight）+ Σ 全部三级指标分值（score_sheet.groups[].indicators[].weight）= 100，且等于总分行所填分值（score_sheet.total_weight）；自评表中至少有一个一级指标时才检查。",
        fix: "先消除 C07 提示的各一级指标分值差额，总分值通常随之回到 100；总分行的分值填 100。",
        example: "示例报告年度资金总额 10 分加各三级指标 87 分，合计只有 97 分，检查提示分值合计 97 ≠ 100。",
    },
    RuleInfo {
        id: "C10",
        severity: Severity::Error,
        title: "得分超过分值或为负数",
        protects: "每一项的得分只能在 0 到该项分值之间，超出这个范围的得分必然是错的。",
        formula: "0 ≤ 得分（score）≤ 分值（weight），适用于年度资金总额一行和每个三级指标。",
        fix: "按实际完成情况在 0 至分值之间重新评分，并相应改正总分。",
        example: "示例报告年度资金总额分值 10 分；若得分填成 12 分，检查提示“年度资金总额 得分 12 超过分值 10”，得分只能在 0 到 10 之间。",
    },
    RuleInfo {
        id: "C11",
        severity: Severity::Error,
        title: "总分与各项得分合计不符",
        protects: "总分决定评价等级，必须等于各项得分之和，手工相加出错会直接影响等级。",
        formula: "总分行得分（score_sheet.total_score）= 年度资金总额得分（score_sheet.funds.score）+ Σ 各三级指标得分（score_sheet.groups[].indicators[].score）",
        fix: "重新加总各项得分后改正总分；如果是某一项得分填错了，改正该项。",
        example: "示例报告年度资金总额得分 9 + 各指标得分 85 = 94，与总分 94 相符；若总分写成 95，检查提示“总分 95 ≠ 年度资金总额得分 9 + 各指标得分 85 = 94（差 1）”。",
    },
    RuleInfo {
        id: "C12",
        severity: Severity::Warning,
        title: "没有指标内容却给了分",
        protects: "三级指标或年度指标值为空、或印作 / 的行，没有可评价的内容，给分等于凭空加分，审核时会被扣回。",
        formula: "某三级指标得了分（score 大于 0），而三级指标名称（name）或年度指标值（target）为空或为 / 时提示。",
        fix: "为该行补写具体的三级指标和可衡量的年度指标值；确无此类指标的，分值和得分都改为不填（印作 /），并把分值调整到同一级指标下的其他指标上。",
        example: "示例报告“经济效益指标”一行的三级指标印作 /，却得了 10 分，检查提示“三级指标为空或“/”，却得了 10 分”。",
    },
    RuleInfo {
        id: "C13",
        severity: Severity::Warning,
        title: "扣了分却没有说明偏差原因",
        protects: "凡未得满分的指标，都应在偏差原因分析及改进措施中说明为什么没有完成、下一步怎么改，这是自评的核心内容。",
        formula: "得分（score）小于分值（weight），而偏差原因分析及改进措施（deviation）为空、/ 或“无”时提示。",
        fix: "写明该指标未达到年度指标值的具体原因（用数据说明差多少）和改进措施；如果实际已经全部完成，应改正得分。",
        example: "示例报告“经济成本指标”分值 20、得分 18，偏差原因却写“无”，检查提示扣了分却没有说明原因。",
    },
    RuleInfo {
        id: "C14",
        severity: Severity::Warning,
        title: "实际完成值写成了目标区间",
        protects: "实际完成值应是实际测得或统计的结果，写成“≥90%”“90%以上”这样的区间，只是重复了目标，看不出实际完成了多少。",
        formula: "实际完成值（actual）以 ≥、≤、>、<、不低于、不高于、不少于、不超过、大于、小于 开头，或以“数字＋以上”“数字＋以下”结尾（如 90%以上）时提示。",
        fix: "填写实际测得或统计的具体数值，如满意度调查结果 96.5%，并在偏差原因分析及改进措施中注明数据来源。",
        example: "示例报告服务对象满意度的实际完成值写成“≥90%”，检查提示这是目标界限，应填调查测得的数值，如 96.5%。",
    },
    RuleInfo {
        id: "C15",
        severity: Severity::Info,
        title: "实际完成值照抄了年度指标值",
        protects: "实际完成值与年度指标值一字不差（最多加了“了”“已”），说明结果是从计划里抄来的，没有写出实际做了什么、做到了什么程度。",
        formula: "三级指标的实际完成值（actual）与年度指标值（target）去掉所有“了”“已”后完全相同时提示；年度总体目标的实际完成情况（score_sheet.goal.actual）与预期目标（score_sheet.goal.expected）同样比较。只比较去掉“了”“已”后仍有 20 个字符及以上的文字：“是”“2023年全年”这类短值完成后本来就与目标相同，不提示。",
        fix: "用实际数据改写完成情况：做了哪些工作、完成了多少、达到什么效果，如“全年检查生产经营单位 32077 家次，排查一般隐患 2102 项，整改率 100%”。",
        example: "示例报告“社会效益指标”一行（10 分）的年度指标值是“开展各项工作，切实有效减少各项事故的发生……”，实际完成值只多了一个“了”：“开展了各项工作……”，检查提示像是照抄指标。",
    },
    RuleInfo {
        id: "C16",
        severity: Severity::Info,
        title: "年度指标值无法衡量",
        protects: "年度指标值必须可衡量、可考核。既没有数字、也没有“是/否”判定标准的描述性文字，到年底无法据以判断是否完成。",
        formula: "年度指标值（target）中既没有数字，也没有“是/否”式的判定标准时提示；为空或为 / 的不提示。",
        fix: "把指标改写成可量化或可判定的值，如“较大以上生产安全事故 0 起”“隐患整改率 100%”“是否按期完成汛前检查：是”。",
        example: "示例报告“社会效益指标”（10 分）的年度指标值写成“开展各项工作，切实有效减少各项事故的发生……”，既没有数字，也没有“是/否”标准，检查提示无法衡量；可改为“较大以上生产安全事故 0 起”。",
    },
    // N — 七、八 and the other text sections
    RuleInfo {
        id: "N01",
        severity: Severity::Warning,
        title: "存在的问题及原因分析未填写或填“无”",
        protects: "绩效自评的目的在于发现问题。正文七写“无”不符合实际，尤其是自评表有扣分项、专项资金有未支出时，审核人员通常会退回。",
        formula: "存在的问题及原因分析（closing.problems）为空或为“无”时提示。",
        fix: "结合扣分的指标、偏差原因和未执行的专项资金，写出具体问题及其原因，如预算编制不够精准、年中调整幅度大、绩效指标不够量化等。",
        example: "示例报告正文七只写了“无。”，而经济成本指标 20 分只得 18 分，两个专项共 9.19 万元分文未支出，检查提示应写出资金使用和绩效中的具体问题。",
    },
    RuleInfo {
        id: "N02",
        severity: Severity::Warning,
        title: "下一步改进措施未填写或填“无”",
        protects: "改进措施应针对七中的问题逐条回应，填“无”等于没有整改打算，下一年度也无从跟踪落实。",
        formula: "下一步改进措施（closing.improvements）为空或为“无”时提示。",
        fix: "针对存在的问题逐条写出可操作、可检查的措施，写明责任股室、完成时限和预期效果。",
        example: "示例报告正文八只写了“无。”，检查提示应针对所列问题写出具体措施，如针对 6.19 万元农村住房巨灾保险未支出，写明责任股室、完成时限和预期效果。",
    },
    RuleInfo {
        id: "N03",
        severity: Severity::Info,
        title: "正文章节未填写",
        protects: "主要职能、机构情况、整体支出绩效情况和年度总体目标是报告的基本内容，留空会让读者无法了解部门职责和全年绩效。",
        formula: "主要职能（basic.functions）、机构情况（basic.organization）、整体支出绩效情况（performance.overall）、年度总体目标（score_sheet.goal）中有未填写的时提示。",
        fix: "按三定方案补写主要职能和机构情况；整体支出绩效情况用数据概括全年主要工作和成效；年度总体目标填写预期目标和实际完成情况。",
        example: "示例报告的主要职能列了 18 条；若这一节整个留空，检查提示正文章节未填写，应按三定方案补写。",
    },
    RuleInfo {
        id: "N04",
        severity: Severity::Info,
        title: "文字中的日期不属于本年度",
        protects: "照着上年的报告改写时，标题里的“2022年度”、正文里的“截至2022年12月31日”最容易漏改；这样的文字说明模板是沿用的，相关内容可能也没有更新。",
        formula: "标题（report.title）中的“YYYY年度”，或任一文字中的“截至（截止）YYYY年12月31日”，其年份 YYYY ≠ 报告年度（report.year）时提示。其他日期（如“截至6月30日”“2022年度结转资金”）不提示。",
        fix: "把这处日期改成本报告的年度，并顺带核对同一段文字里的数字是否也已更新为本年度的。",
        example: "2024 年度的报告标题仍写“2023年度株洲市芦淞区应急管理局整体支出绩效自评报告”，检查提示标题写的是“2023年度”，而报告年度为 2024。",
    },
    RuleInfo {
        id: "N05",
        severity: Severity::Warning,
        title: "报告缺少必备部分（--complete）",
        protects: "规则对文件中没有的部分保持沉默，所以只写了一部分的文件也能通过检查；但要提交的报告必须各部分齐全。只有 check --complete 时才检查这一条。",
        formula: "以下任一部分缺少或为空时，各报一条：主要职能（basic.functions）、机构情况（basic.organization）、人员情况（basic.staff）、二、一般公共预算支出情况（budget）、附件2 基础数据表（basic_data）、附件3 年度资金总额（score_sheet.funds，只有分值不算填写）、评分方案规定的每个一级指标（score_sheet.groups，至少一行填了内容）、七（closing.problems）、八（closing.improvements）。已写但为空的七、八由 N01、N02 指出；报为缺少的部分不再另报 N03。",
        fix: "按提示补齐缺少的部分：jixiao new 生成的模板列出了每一部分和每一个键，可对照填写；不适用的表格写 0 或 \"/\"，不要整段删去。",
        example: "一份只填了附件2 的文件，不加 --complete 时检查无误；加上 --complete，检查对主要职能、机构情况、人员情况、二、年度资金总额、4 个一级指标、七、八各报一条，共 11 条。",
    },
    // Y — against last year's report
    RuleInfo {
        id: "Y01",
        severity: Severity::Warning,
        title: "附件2 上年决算数与上年报告不符",
        protects: "附件2 的“上年决算数”就是上年报告的“本年决算数”，两者对不上，说明有一份报告抄错了数，或者上年的决算数事后调整了却没有说明。",
        formula: "附件2 每一行的上年决算数（basic_data.costs.*.prev_final）= 上年报告同一行的本年决算数（final）；固定行按键对应，项目支出下的各行按名称对应。只在已知上年报告时检查：--previous 文件，或同一文件夹中单位相同、年度为本年度 − 1 的报告。任一边空白时不比较。",
        fix: "打开上年报告核对这一行：本年的上年决算数填错了就照上年的本年决算数改正；若上年决算数确有调整，在附件2 说明栏写明原因。",
        example: "2024 年度报告附件2 办公经费的上年决算数写 0.68 万元，而 2023 年度报告该行的本年决算数为 0.86 万元，检查提示两者不符（差 0.18）。",
    },
    RuleInfo {
        id: "Y02",
        severity: Severity::Info,
        title: "与上年报告一字不差",
        protects: "七“存在的问题”、八“改进措施”和指标的“实际完成值”每年都应是本年的评价和实测结果；与上年报告一字不差，多半是照搬上年，没有就本年作出评价。",
        formula: "本报告的七（closing.problems）、八（closing.improvements）或某个指标的实际完成值（score_sheet.groups[].indicators[].actual）去掉空白和标点后与上年报告的对应文字相同时提示；“无”和空白不算，实际完成值只比较去掉标点后至少 10 个字的。",
        fix: "按本年的实际情况重写：问题要写本年发现的问题，措施要针对这些问题，实际完成值填本年实测的数。上年措施确实仍在执行的，写明本年的进展。",
        example: "2024 年度报告八、下一步改进措施仍是 2023 年度的“一是提高预算编制质量……”三条原文，检查提示与上年报告一字不差。",
    },
];

/// Looks a rule up by id (case-insensitive, e.g. "f02").
pub fn find(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_once_in_order() {
        let families = [
            ("X", 6),
            ("B", 4),
            ("S", 5),
            ("F", 5),
            ("D", 6),
            ("C", 16),
            ("N", 5),
            ("Y", 2),
        ];
        let expected: Vec<String> = families
            .iter()
            .flat_map(|&(letter, count)| (1..=count).map(move |n| format!("{letter}{n:02}")))
            .collect();
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        // RULES.md lists 49 rules: 6 + 4 + 5 + 5 + 6 + 16 + 5 + 2.
        assert_eq!(expected.len(), 49);
        assert_eq!(ids, expected);
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "duplicate rule id");
    }

    #[test]
    fn every_rule_has_an_example_with_figures() {
        for rule in RULES {
            assert!(
                !rule.example.trim().is_empty(),
                "{} has no example",
                rule.id
            );
            assert!(
                rule.example.chars().any(|c| c.is_ascii_digit()),
                "{}'s example has no figure: {}",
                rule.id,
                rule.example
            );
        }
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(find("f02").map(|r| r.id), Some("F02"));
        assert!(find("Z99").is_none());
    }

    #[test]
    fn every_entry_is_filled_in() {
        for rule in RULES {
            for text in [
                rule.title,
                rule.protects,
                rule.formula,
                rule.fix,
                rule.example,
            ] {
                assert!(!text.trim().is_empty(), "{} has an empty field", rule.id);
            }
        }
    }
}
