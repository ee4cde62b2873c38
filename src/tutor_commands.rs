//! The command-line front end of the tutor core: `jixiao tutor check-lessons`, `jixiao class
//! init`, `jixiao class DIR [--format json|csv]` and the lesson list of `jixiao tutor`
//! without a screen.

use crate::commands::Failure;
use crate::scheme::SchemeSet;
use crate::tutor::{self, Lesson, Status, Workspace};
use std::io::Write;
use std::path::Path;

/// The class report's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassFormat {
    Text,
    Json,
    Csv,
}

/// A tutor error as the command's failure (exit 1), made safe to print: lesson files and
/// folder names are not trusted.
pub fn failed(e: tutor::TutorError) -> Failure {
    Failure {
        message: crate::sanitize::visible(&e.to_string()).into_owned(),
        code: 1,
    }
}

/// `jixiao tutor check-lessons [DIR]`: the lessons of DIR, or else the track `jixiao tutor`
/// loads (the shipped lessons and the user's lesson folder, if there is one). Exit 1 when
/// any lesson fails its check (or the lessons do not load).
pub fn check_lessons(
    dir: Option<&Path>,
    schemes: &SchemeSet,
    out: &mut dyn Write,
) -> Result<i32, Failure> {
    let lessons = match dir {
        Some(dir) => tutor::load_dir(dir).map_err(failed)?,
        None => {
            if let Some(user) = tutor::user_lesson_dir().filter(|d| d.is_dir()) {
                let _ = writeln!(
                    out,
                    "检查内置课程和你的课程文件夹 {} 中的课程（jixiao tutor 载入的就是这些）",
                    crate::sanitize::visible_inline(&user.display().to_string())
                );
            }
            tutor::track(None).map_err(failed)?
        }
    };
    if lessons.is_empty() {
        return Err(Failure {
            message: format!(
                "{}：没有找到课程文件（format = \"{}\" 的 .toml）",
                dir.map_or_else(String::new, |d| d.display().to_string()),
                tutor::LESSON_FORMAT
            ),
            code: 1,
        });
    }
    let problems = tutor::check_lessons(&lessons, schemes);
    let _ = tutor::write_check_report(&lessons, &problems, out);
    Ok(if problems.is_empty() { 0 } else { 1 })
}

/// `jixiao class init DIR`.
pub fn class_init(dir: &Path, out: &mut dyn Write) -> Result<i32, Failure> {
    tutor::class_init(dir).map_err(failed)?;
    let shown = crate::sanitize::visible_inline(&dir.to_string_lossy()).into_owned();
    let _ = writeln!(
        out,
        "已建好班级文件夹 {shown}：同组成员可写，新建的子文件夹沿用本组（setgid），\
         每人只能删改自己的文件（粘滞位）。\n学员运行 jixiao tutor --class {shown} --name 名字，\
         作业会交到 {shown}/名字/课程.toml；教员运行 jixiao class {shown} 查看全班。"
    );
    Ok(0)
}

/// `jixiao class DIR [--format …]`: every trainee × lesson, judged from the files.
pub fn class_report(
    dir: &Path,
    lessons: &[Lesson],
    schemes: &SchemeSet,
    format: ClassFormat,
    out: &mut dyn Write,
) -> Result<i32, Failure> {
    let view = tutor::judge_class(dir, lessons, schemes).map_err(failed)?;
    let _ = match format {
        ClassFormat::Text => tutor::write_text(&view, out),
        ClassFormat::Json => tutor::write_json(&view, out),
        ClassFormat::Csv => tutor::write_csv(&view, out),
    };
    Ok(0)
}

/// `jixiao tutor` without a screen: the lessons with the status judged from the work copies.
pub fn list_lessons(
    lessons: &[Lesson],
    workspace: &Workspace,
    schemes: &SchemeSet,
    out: &mut dyn Write,
) -> Result<i32, Failure> {
    let progress = workspace.progress();
    for (i, lesson) in lessons.iter().enumerate() {
        let judged = workspace
            .judge_lesson(lesson, schemes, &[])
            .map_err(failed)?;
        let (mark, status, points) = match &judged {
            None => ("·", Status::NotStarted, 0),
            Some(j) => (if j.done { "✓" } else { "✗" }, Status::of(j), j.points),
        };
        let status = status.label_zh();
        let hints = progress.lesson(&lesson.id).hints_used;
        let _ = writeln!(
            out,
            "{mark} {:>2}. {}（{}）  {status}  {points}/{} 分  提示 {hints}/{}",
            i + 1,
            crate::sanitize::visible_inline(&lesson.title),
            lesson.id,
            lesson.points,
            lesson.hints.len()
        );
    }
    Ok(0)
}
