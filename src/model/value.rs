//! Value kinds of FORMAT.md: a cell that may be blank or `/`, exact amounts and stated rates.

use rust_decimal::Decimal;
use std::fmt;

/// A figure of the form: not filled in, printed as `/` (not applicable), or a value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Cell<T> {
    #[default]
    Blank,
    NotApplicable,
    Value(T),
}

impl<T: Copy> Cell<T> {
    /// The value, or `None` for blank and `/`.
    pub fn value(&self) -> Option<T> {
        match self {
            Cell::Value(v) => Some(*v),
            _ => None,
        }
    }

    pub fn is_filled(&self) -> bool {
        matches!(self, Cell::Value(_))
    }
}

impl<T: fmt::Display> fmt::Display for Cell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Blank => Ok(()),
            Cell::NotApplicable => f.write_str("/"),
            Cell::Value(v) => v.fmt(f),
        }
    }
}

/// A rate as stated: a percent, with the number of decimals written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub percent: Decimal,
    pub decimals: u32,
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.percent)
    }
}

/// Why a typed figure was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError(pub String);

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Maps full-width digits and signs to their ASCII twins (`１２．５` → `12.5`).
fn ascii_twins(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' | '−' => '-',
            '＋' => '+',
            '，' => ',',
            _ => c,
        })
        .collect()
}

/// Parses an amount from the characters written: TOML number syntax (`1_000.50`, `3`,
/// `2.5e1`) or a plain decimal; never through a binary float, so `0.1` is 0.1 and `29.50`
/// keeps its two decimals.
pub fn parse_amount(text: &str) -> Result<Decimal, ValueError> {
    // Nearly every amount is plain (`-6.19`, `29.50`, `3`): read it without the copies the
    // general path makes; anything else (or a value out of range) takes the general path.
    if is_plain_decimal(text)
        && let Ok(d) = Decimal::from_str_exact(text)
        && d.abs() <= MAX_FIGURE
    {
        return Ok(d);
    }
    let raw = ascii_twins(text.trim());
    if raw.is_empty() {
        return Err(ValueError("没有数字".into()));
    }
    let lower = raw.to_ascii_lowercase();
    if lower.contains("nan") || lower.contains("inf") {
        return Err(ValueError(format!("“{raw}”不是有限的数")));
    }
    let cleaned: String = raw.chars().filter(|c| *c != '_').collect();
    if raw.contains("__") || raw.starts_with('_') || raw.ends_with('_') {
        return Err(ValueError(format!("“{raw}”不是数字")));
    }
    let unsigned = cleaned.trim_start_matches(['+', '-']);
    let negative = cleaned.starts_with('-');
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = unsigned.strip_prefix(prefix) {
            let v = i64::from_str_radix(digits, radix)
                .map_err(|_| ValueError(format!("“{raw}”不是数字")))?;
            let d = Decimal::from(v);
            return Ok(if negative { -d } else { d });
        }
    }
    let well_formed = {
        let mut seen_digit = false;
        let mut seen_dot = false;
        let mut seen_exp = false;
        let mut ok = true;
        let bytes: Vec<char> = unsigned.chars().collect();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            match c {
                '0'..='9' => seen_digit = true,
                '.' if !seen_dot && !seen_exp && seen_digit => {
                    seen_dot = true;
                    if !bytes.get(i + 1).is_some_and(|n| n.is_ascii_digit()) {
                        ok = false;
                    }
                }
                'e' | 'E' if !seen_exp && seen_digit => {
                    seen_exp = true;
                    if matches!(bytes.get(i + 1), Some('+') | Some('-')) {
                        i += 1;
                    }
                    if !bytes.get(i + 1).is_some_and(|n| n.is_ascii_digit()) {
                        ok = false;
                    }
                }
                _ => ok = false,
            }
            i += 1;
        }
        ok && seen_digit && cleaned.matches(['+', '-']).count() <= 1 + usize::from(seen_exp)
    };
    if !well_formed {
        return Err(ValueError(format!("“{raw}”不是数字")));
    }
    let parsed = if cleaned.contains(['e', 'E']) {
        Decimal::from_scientific(&cleaned)
    } else {
        Decimal::from_str_exact(cleaned.trim_start_matches('+'))
    };
    let value = parsed.map_err(|_| ValueError(format!("“{raw}”太大，超出可表示的范围")))?;
    if value.abs() > MAX_FIGURE {
        return Err(ValueError(format!(
            "“{raw}”太大：数值不能超过 {MAX_FIGURE}（一千万亿）"
        )));
    }
    Ok(value)
}

/// The largest figure jixiao accepts (in 万元 that is a thousand times the world's yearly
/// output): far beyond any report, and small enough that the sums and products the rules
/// form from a whole file of such figures never overflow an exact decimal.
pub const MAX_FIGURE: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// `-?digits(.digits)?` and nothing else.
fn is_plain_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Parses a stated rate: `"99.99%"`, `"71.4％"`, or a bare number meaning percent.
pub fn parse_rate(text: &str) -> Result<Rate, ValueError> {
    let trimmed = text.trim();
    let number = trimmed
        .strip_suffix('%')
        .or_else(|| trimmed.strip_suffix('％'))
        .unwrap_or(trimmed);
    let percent = parse_amount(number)?;
    Ok(Rate {
        percent,
        decimals: percent.scale(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn amounts_are_exact_and_keep_their_decimals() {
        assert_eq!(parse_amount("29.50").unwrap().to_string(), "29.50");
        assert_eq!(parse_amount("0.1").unwrap(), d("0.1"));
        assert_eq!(parse_amount("3").unwrap(), d("3"));
        assert_eq!(parse_amount("-6.19").unwrap(), d("-6.19"));
        assert_eq!(parse_amount("1_000.5").unwrap(), d("1000.5"));
        assert_eq!(parse_amount("2.5e1").unwrap(), d("25"));
        assert_eq!(parse_amount("0x10").unwrap(), d("16"));
        assert_eq!(parse_amount("１２．５").unwrap(), d("12.5"));
        assert_eq!(MAX_FIGURE, d("1000000000000000"));
        assert_eq!(parse_amount("1e15").unwrap(), MAX_FIGURE);
        assert_eq!(parse_amount("-1000000000000000").unwrap(), -MAX_FIGURE);
        assert_eq!(parse_amount("007").unwrap(), d("7"));
        assert_eq!(parse_amount("-0.00").unwrap().to_string(), "0.00");
    }

    #[test]
    fn malformed_amounts_are_refused() {
        for bad in [
            "12..5",
            "abc",
            "",
            "1.",
            ".5",
            "nan",
            "inf",
            "1e",
            "--1",
            "1_",
            "1e999",
            "1e40",
            "1000000000000000.01",
            "-1e16",
            "99999999999999999999999999999999",
        ] {
            assert!(parse_amount(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn rates_keep_their_precision() {
        let r = parse_rate("99.99％").unwrap();
        assert_eq!((r.percent, r.decimals), (d("99.99"), 2));
        let r = parse_rate("71.4%").unwrap();
        assert_eq!((r.percent, r.decimals), (d("71.4"), 1));
        assert_eq!(parse_rate("100").unwrap().decimals, 0);
        assert!(parse_rate("百分之九十").is_err());
    }
}
