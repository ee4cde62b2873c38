//! Encoding what the user typed into TOML values; line endings and values as written.

use super::EditError;
use crate::model::schema::{Field, Kind};
use crate::model::{FieldPath, Seg, parse_amount, parse_rate};
use toml_edit::Value;

pub(super) fn has_lone_lf(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .any(|(i, b)| *b == b'\n' && (i == 0 || bytes[i - 1] != b'\r'))
}

pub(super) fn to_crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 40);
    let mut prev = '\0';
    for c in text.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

pub(super) fn written_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.value().clone(),
        Value::Integer(i) => i.display_repr().trim().to_owned(),
        Value::Float(f) => f.display_repr().trim().to_owned(),
        other => other.to_string().trim().to_owned(),
    }
}

/// Validates what the user typed for a key and turns it into the TOML value to write;
/// `None` means "blank" (remove the key).
pub(super) fn encode_input(
    path: &FieldPath,
    field: &'static Field,
    input: &str,
    old: Option<&Value>,
) -> Result<Option<Value>, EditError> {
    let bad = |why: String| EditError::BadValue {
        path: path.to_string(),
        label: field.label,
        why,
    };
    let trimmed = input.trim();
    let old_is_quoted_figure = matches!(old, Some(Value::String(s)) if {
        let v = s.value().trim();
        !v.is_empty() && v != "/"
    });
    match field.kind {
        Kind::Amount | Kind::SignedAmount => {
            if trimmed.is_empty() {
                return Ok(None);
            }
            if trimmed == "/" || trimmed == "／" {
                return Ok(Some(Value::from("/")));
            }
            let amount = parse_amount(trimmed).map_err(|e| bad(e.0))?;
            if amount.is_sign_negative() && !amount.is_zero() && field.kind == Kind::Amount {
                return Err(bad("此处金额不能为负".to_owned()));
            }
            let text = amount.to_string();
            if old_is_quoted_figure {
                return Ok(Some(Value::from(text)));
            }
            text.parse::<Value>()
                .map_err(|_| bad(format!("“{trimmed}”无法写成数字")))
                .map(Some)
        }
        Kind::Count => {
            if trimmed.is_empty() {
                return Ok(None);
            }
            if trimmed == "/" || trimmed == "／" {
                return Ok(Some(Value::from("/")));
            }
            let number = parse_amount(trimmed).map_err(|e| bad(e.0))?;
            if number.scale() != 0 || number.is_sign_negative() && !number.is_zero() {
                return Err(bad(format!("“{trimmed}”应为不小于 0 的整数")));
            }
            let n = i64::try_from(number).map_err(|_| bad(format!("“{trimmed}”太大")))?;
            Ok(Some(Value::from(n)))
        }
        Kind::Rate => {
            if trimmed.is_empty() {
                return Ok(None);
            }
            if trimmed == "/" || trimmed == "／" {
                return Ok(Some(Value::from("/")));
            }
            let rate = parse_rate(trimmed).map_err(|e| bad(e.0))?;
            let keeps_fullwidth = trimmed.ends_with('％');
            let text = format!(
                "{}{}",
                rate.percent,
                if keeps_fullwidth { "％" } else { "%" }
            );
            match old {
                Some(Value::Integer(_) | Value::Float(_)) if !trimmed.ends_with(['%', '％']) => {
                    rate.percent
                        .to_string()
                        .parse::<Value>()
                        .map(Some)
                        .map_err(|_| bad(format!("“{trimmed}”无法写成数字")))
                }
                _ => Ok(Some(Value::from(text))),
            }
        }
        Kind::Text | Kind::LongText => {
            if input.is_empty() {
                return Ok(None);
            }
            let was_multiline = matches!(old, Some(Value::String(s))
                if s.as_repr().and_then(|r| r.as_raw().as_str()).is_some_and(|raw| raw.starts_with("\"\"\"") || raw.starts_with("'''")));
            if input.contains('\n') && (was_multiline || field.kind == Kind::LongText) {
                multiline_string(input)
                    .map(Some)
                    .ok_or_else(|| bad("文字无法写入".to_owned()))
            } else {
                Ok(Some(Value::from(input)))
            }
        }
        Kind::TextList | Kind::Table(_) | Kind::InlineTable(_) | Kind::Rows(_) => {
            if let Some(Seg::Index(_)) = path.segs().last() {
                // An item of a text list.
                return Ok(Some(Value::from(input)));
            }
            Err(bad(format!("{}不能直接赋值", field.kind.describe())))
        }
    }
}

/// A `"""` string holding the text as written, line breaks kept.
fn multiline_string(text: &str) -> Option<Value> {
    let mut body = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => body.push_str("\\\\"),
            '"' => body.push_str("\\\""),
            '\n' => body.push('\n'),
            '\t' => body.push_str("\\t"),
            c if c.is_control() => body.push_str(&format!("\\u{:04X}", c as u32)),
            c => body.push(c),
        }
    }
    format!("\"\"\"\n{body}\"\"\"").parse::<Value>().ok()
}
