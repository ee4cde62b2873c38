//! What every report must state at its top: schema, scheme, unit and year (X05, X06).

use super::reader::Reader;
use crate::model::*;
use crate::scheme::SchemeSet;
use crate::store::tree::Table;

impl Reader<'_> {
    pub(super) fn required_top(&mut self, root: Table<'_>, report: &Report, schemes: &SchemeSet) {
        let top = FieldPath::root();
        match report.schema.as_deref() {
            None if !root.contains_key("schema") => self.error(
                "X05",
                &top.key("schema"),
                Some(0..0),
                "缺少 schema：文件开头应写 schema = \"jixiao/1\"".to_owned(),
            ),
            Some(v) if v != "jixiao/1" => {
                let span = root.get("schema").and_then(|i| i.span());
                self.error(
                    "X05",
                    &top.key("schema"),
                    span,
                    format!("schema = \"{v}\" 不是本程序认识的格式版本：应为 \"jixiao/1\""),
                );
            }
            _ => {}
        }
        match report.scheme.as_deref() {
            None if !root.contains_key("scheme") => self.error(
                "X05",
                &top.key("scheme"),
                Some(0..0),
                format!(
                    "缺少 scheme：应写明评分方案，如 scheme = \"hunan-department\"（可用：{}）",
                    schemes.ids().join("、")
                ),
            ),
            Some(id) if schemes.get(id).is_none() => {
                let span = root.get("scheme").and_then(|i| i.span());
                let known = schemes.ids().join("、");
                self.error(
                    "X06",
                    &top.key("scheme"),
                    span,
                    format!("没有名为“{id}”的评分方案（可用：{known}；用 jixiao schemes 查看）"),
                );
            }
            _ => {}
        }
    }

    pub(super) fn required_cover(&mut self, root: Table<'_>, report: &Report) {
        let p = FieldPath::root().key("report");
        let span = root.get("report").and_then(|i| i.span()).or(Some(0..0));
        let cover = root.get("report").and_then(|i| i.as_table());
        if report.report.unit.is_none() && !cover.is_some_and(|t| t.contains_key("unit")) {
            self.error(
                "X05",
                &p.key("unit"),
                span.clone(),
                "缺少 report.unit（单位名称）".to_owned(),
            );
        }
        if !cover.is_some_and(|t| t.contains_key("year")) {
            self.error(
                "X05",
                &p.key("year"),
                span,
                "缺少 report.year（年度）".to_owned(),
            );
        }
    }
}
