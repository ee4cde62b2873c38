//! Key paths in the names of FORMAT.md: `performance.special_funds[0].spent`.

use std::fmt;

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path to a table, a row or a value of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath(pub Vec<Seg>);

/// A key path that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("键路径“{path}”无法解析：{why}")]
pub struct PathError {
    pub path: String,
    pub why: &'static str,
}

impl FieldPath {
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }

    /// This path with a key appended.
    pub fn key(&self, key: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_owned()));
        FieldPath(segs)
    }

    /// This path with an index appended.
    pub fn index(&self, index: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        FieldPath(segs)
    }

    pub fn segs(&self) -> &[Seg] {
        &self.0
    }

    pub fn parent(&self) -> Option<FieldPath> {
        if self.0.is_empty() {
            None
        } else {
            Some(FieldPath(self.0[..self.0.len() - 1].to_vec()))
        }
    }

    pub fn last_key(&self) -> Option<&str> {
        self.0.iter().rev().find_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
    }

    pub fn starts_with(&self, other: &FieldPath) -> bool {
        self.0.starts_with(&other.0)
    }

    /// Whether one path lies within the other (a value and its row or table, either way):
    /// what an edit of one can change of the other.
    pub fn overlaps(&self, other: &FieldPath) -> bool {
        self.starts_with(other) || other.starts_with(self)
    }

    /// The path with every index removed: the shape the schema knows (`performance.special_funds.spent`).
    pub fn shape(&self) -> Vec<&str> {
        self.0
            .iter()
            .filter_map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Index(_) => None,
            })
            .collect()
    }

    /// Parses `a.b[2].c`.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        let err = |why| PathError {
            path: text.to_owned(),
            why,
        };
        let mut segs = Vec::new();
        if text.trim().is_empty() {
            return Err(err("路径为空"));
        }
        for part in text.split('.') {
            let (key, mut rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(err("键名只能由英文字母、数字和下划线组成"));
            }
            segs.push(Seg::Key(key.to_owned()));
            while !rest.is_empty() {
                let close = rest.find(']').ok_or_else(|| err("缺少“]”"))?;
                let number = rest[1..close]
                    .parse::<usize>()
                    .map_err(|_| err("方括号里应是从 0 开始的行号"))?;
                segs.push(Seg::Index(number));
                rest = &rest[close + 1..];
                if !rest.is_empty() && !rest.starts_with('[') {
                    return Err(err("“]”后应是“.”或“[”"));
                }
            }
        }
        Ok(FieldPath(segs))
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for seg in &self.0 {
            match seg {
                Seg::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

impl std::str::FromStr for FieldPath {
    type Err = PathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FieldPath::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_round_trip() {
        for text in [
            "budget.spent",
            "performance.special_funds[0].spent",
            "score_sheet.groups[1].indicators[10].score",
        ] {
            assert_eq!(FieldPath::parse(text).unwrap().to_string(), text);
        }
        let p = FieldPath::parse("score_sheet.groups[1].indicators[10].score").unwrap();
        assert_eq!(
            p.shape(),
            ["score_sheet", "groups", "indicators", "score"].to_vec()
        );
    }

    #[test]
    fn refuses_malformed_paths() {
        for bad in ["", "a..b", "a[x]", "a[1", "a[1]b", "预算.x", "a.[0]"] {
            assert!(FieldPath::parse(bad).is_err(), "{bad}");
        }
    }
}
