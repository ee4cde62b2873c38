//! jixiao (绩效): the core of the annual 部门整体支出绩效自评报告 — model, store, schemes,
//! rules and totals — with two front ends, the `check` command and the workbench.

pub mod check;
pub mod commands;
pub mod export;
pub mod finding;
pub mod model;
pub mod next_year;
pub mod previous;
pub mod review;
pub mod rules;
pub mod sanitize;
pub mod scheme;
pub mod store;
pub mod synth;
pub mod tui;
pub mod tutor;
pub mod tutor_commands;
