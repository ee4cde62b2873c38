//! Word: the report body in the usual official layout (title in 宋体, section headings in
//! 黑体, sub-headings in 楷体, text in 仿宋 三号), then 附件2 and 附件3 as bordered tables with
//! the form's merged cells. A4; 附件3 on landscape pages, since its nine columns do not fit
//! upright.

use super::body::{self, Block};
use super::form::{self, Content, FormCell, Look, Sheet};
use crate::model::Report;
use docx_rs::{
    AlignmentType, Docx, LineSpacing, LineSpacingType, PageMargin, PageOrientationType, PageSize,
    Paragraph, Run, RunFonts, SectionProperty, SpecialIndentType, Style, StyleType, Table,
    TableBorder, TableBorderPosition, TableBorders, TableCell, TableCellMargins, TableLayoutType,
    TableRow, VAlignType, VMergeType, WidthType,
};

const TITLE_FONT: &str = "宋体";
const SECTION_FONT: &str = "黑体";
const SUBSECTION_FONT: &str = "楷体";
const BODY_FONT: &str = "仿宋";
const TABLE_FONT: &str = "宋体";
const LATIN_FONT: &str = "Times New Roman";

/// Sizes in half-points: 二号, 三号, 五号, 小五.
const TITLE_SIZE: usize = 44;
const BODY_SIZE: usize = 32;
const TABLE_SIZE: usize = 21;
const SMALL_TABLE_SIZE: usize = 18;

/// A4 in twentieths of a point, and the margins of GB/T 9704 (37/35/28/26 mm).
const A4_SHORT: u32 = 11906;
const A4_LONG: u32 = 16838;
const PORTRAIT_MARGINS: (i32, i32, i32, i32) = (2098, 1984, 1588, 1474);
const LANDSCAPE_MARGINS: (i32, i32, i32, i32) = (1588, 1474, 1440, 1440);
/// Fixed line pitch of the body text: 28 points.
const BODY_LINE: i32 = 560;

fn margin((top, bottom, left, right): (i32, i32, i32, i32)) -> PageMargin {
    PageMargin::new()
        .top(top)
        .bottom(bottom)
        .left(left)
        .right(right)
        .header(851)
        .footer(992)
}

fn text_width(landscape: bool) -> usize {
    let (page, (_, _, left, right)) = if landscape {
        (A4_LONG, LANDSCAPE_MARGINS)
    } else {
        (A4_SHORT, PORTRAIT_MARGINS)
    };
    (page as i32 - left - right).max(1) as usize
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(font)).size(size)
}

fn exact(line: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(line)
}

fn styles(doc: Docx) -> Docx {
    doc.add_style(
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .fonts(fonts(TITLE_FONT))
            .size(TITLE_SIZE)
            .bold()
            .align(AlignmentType::Center),
    )
    .add_style(
        Style::new("Heading1", StyleType::Paragraph)
            .name("heading 1")
            .fonts(fonts(SECTION_FONT))
            .size(BODY_SIZE)
            .outline_lvl(0),
    )
    .add_style(
        Style::new("Heading2", StyleType::Paragraph)
            .name("heading 2")
            .fonts(fonts(SUBSECTION_FONT))
            .size(BODY_SIZE)
            .outline_lvl(1),
    )
}

fn body_paragraph(text: &str, font: &str) -> Paragraph {
    // Named explicitly: docx-rs does not mark Normal as the default style, and readers
    // that look for the default would find none.
    Paragraph::new()
        .style("Normal")
        .add_run(run(text, font, BODY_SIZE))
        // Two characters of the body face; Word reads the character count, LibreOffice the
        // twips.
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(BODY_SIZE as i32 * 20)),
            None,
            None,
        )
        .first_line_chars(200)
        .line_spacing(exact(BODY_LINE))
        .align(AlignmentType::Both)
}

fn block(b: &Block) -> Paragraph {
    match b {
        Block::Title(t) => Paragraph::new()
            .style("Title")
            .add_run(run(t, TITLE_FONT, TITLE_SIZE).bold())
            .align(AlignmentType::Center)
            .line_spacing(
                LineSpacing::new()
                    .line_rule(LineSpacingType::Exact)
                    .line(720)
                    .after(560),
            ),
        Block::Section(t) => body_paragraph(t, SECTION_FONT)
            .style("Heading1")
            .keep_next(true),
        Block::Subsection(t) => body_paragraph(t, SUBSECTION_FONT)
            .style("Heading2")
            .keep_next(true),
        Block::Paragraph(t) => body_paragraph(t, BODY_FONT),
        Block::Item(n, t) => body_paragraph(&format!("{n}.{t}"), BODY_FONT),
    }
}

pub(crate) fn render(report: &Report) -> Result<Vec<u8>, String> {
    let basic_data = form::basic_data(report);
    let score_sheet = form::score_sheet(report);

    let mut doc = styles(
        Docx::new()
            .default_fonts(fonts(BODY_FONT))
            .default_size(BODY_SIZE),
    );
    for b in body::blocks(report) {
        doc = doc.add_paragraph(block(&b));
    }
    // The body is upright; each attachment may turn the page. A change of orientation ends
    // the section before it, and a new section starts on a new page by itself.
    let orientation = [false, basic_data.landscape, score_sheet.landscape];
    if orientation[1] != orientation[0] {
        doc = doc.add_paragraph(Paragraph::new().section_property(section(orientation[0])));
    }
    for (i, sheet) in [&basic_data, &score_sheet].into_iter().enumerate() {
        let mut label = Paragraph::new().add_run(run(sheet.attachment, SECTION_FONT, BODY_SIZE));
        if orientation[i] == orientation[i + 1] {
            label = label.page_break_before(true);
        }
        doc = doc
            .add_paragraph(label)
            .add_paragraph(
                Paragraph::new()
                    .add_run(run(&sheet.title, TITLE_FONT, 36).bold())
                    .align(AlignmentType::Center)
                    .line_spacing(LineSpacing::new().before(120).after(240)),
            )
            .add_table(table(sheet));
        for line in &sheet.after {
            doc = doc.add_paragraph(
                Paragraph::new()
                    .add_run(run(line, TABLE_FONT, TABLE_SIZE))
                    .line_spacing(LineSpacing::new().before(120)),
            );
        }
        if i + 2 < orientation.len() && orientation[i + 1] != orientation[i + 2] {
            doc = doc.add_paragraph(Paragraph::new().section_property(section(sheet.landscape)));
        }
    }
    if score_sheet.landscape {
        doc = doc
            .page_size(A4_LONG, A4_SHORT)
            .page_orient(PageOrientationType::Landscape)
            .page_margin(margin(LANDSCAPE_MARGINS));
    } else {
        doc = doc
            .page_size(A4_SHORT, A4_LONG)
            .page_margin(margin(PORTRAIT_MARGINS));
    }

    let mut buffer = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buffer).map_err(|e| e.to_string())?;
    Ok(buffer.into_inner())
}

fn section(landscape: bool) -> SectionProperty {
    if landscape {
        SectionProperty::new()
            .page_size(
                PageSize::new()
                    .size(A4_LONG, A4_SHORT)
                    .orient(PageOrientationType::Landscape),
            )
            .page_margin(margin(LANDSCAPE_MARGINS))
    } else {
        SectionProperty::new()
            .page_size(PageSize::new().size(A4_SHORT, A4_LONG))
            .page_margin(margin(PORTRAIT_MARGINS))
    }
}

fn borders() -> TableBorders {
    let line = |p| TableBorder::new(p).size(4);
    TableBorders::new()
        .set(line(TableBorderPosition::Top))
        .set(line(TableBorderPosition::Bottom))
        .set(line(TableBorderPosition::Left))
        .set(line(TableBorderPosition::Right))
        .set(line(TableBorderPosition::InsideH))
        .set(line(TableBorderPosition::InsideV))
}

/// The grid as a Word table: a merged-across cell spans grid columns, a merged-down cell
/// continues in the rows below it.
fn table(sheet: &Sheet) -> Table {
    let total: f64 = sheet.widths.iter().sum();
    let page = text_width(sheet.landscape) as f64;
    let grid: Vec<usize> = sheet
        .widths
        .iter()
        .map(|w| (w / total * page).round() as usize)
        .collect();
    let span_width = |col: u16, cols: u16| -> usize {
        grid[usize::from(col)..usize::from(col + cols)].iter().sum()
    };
    let size = if sheet.landscape {
        SMALL_TABLE_SIZE
    } else {
        TABLE_SIZE
    };
    let columns = sheet.widths.len() as u16;
    let mut rows = Vec::new();
    for r in 0..sheet.row_count {
        let mut cells = Vec::new();
        let mut c = 0;
        while c < columns {
            if let Some(cell) = sheet.cell_at(r, c) {
                let mut tc = content_cell(cell, size)
                    .grid_span(usize::from(cell.cols))
                    .width(span_width(c, cell.cols), WidthType::Dxa);
                if cell.rows > 1 {
                    tc = tc.vertical_merge(VMergeType::Restart);
                }
                cells.push(tc);
                c += cell.cols;
            } else if let Some(cover) = sheet.covering(r, c).filter(|cover| cover.col == c) {
                cells.push(
                    TableCell::new()
                        .add_paragraph(Paragraph::new())
                        .grid_span(usize::from(cover.cols))
                        .width(span_width(c, cover.cols), WidthType::Dxa)
                        .vertical_merge(VMergeType::Continue),
                );
                c += cover.cols;
            } else {
                cells.push(
                    TableCell::new()
                        .add_paragraph(Paragraph::new())
                        .width(span_width(c, 1), WidthType::Dxa),
                );
                c += 1;
            }
        }
        rows.push(TableRow::new(cells).cant_split());
    }
    Table::new(rows)
        .set_grid(grid.clone())
        .width(grid.iter().sum(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .set_borders(borders())
        .margins(TableCellMargins::new().margin(30, 50, 30, 50))
}

fn content_cell(cell: &FormCell, size: usize) -> TableCell {
    let text = cell.content.display();
    let align = match (cell.look, &cell.content) {
        (_, Content::Text(t)) if t == "/" => AlignmentType::Center,
        (Look::Head | Look::Figure, _) => AlignmentType::Center,
        (Look::Label(_) | Look::Prose, _) => AlignmentType::Left,
    };
    let indent = match cell.look {
        // One level is one character of the table's face.
        Look::Label(level) => i32::from(level) * (size as i32 * 10),
        _ => 0,
    };
    let mut tc = TableCell::new().vertical_align(VAlignType::Center);
    let lines: Vec<&str> = if text.is_empty() {
        vec![""]
    } else {
        text.split('\n').collect()
    };
    for line in lines {
        // The paragraph mark takes the table's size too, or an empty cell would stand as
        // tall as a line of body text.
        let mut p = Paragraph::new()
            .align(align)
            .size(size)
            .fonts(fonts(TABLE_FONT))
            .line_spacing(LineSpacing::new().before(0).after(0));
        if !line.is_empty() {
            p = p.add_run(run(line, TABLE_FONT, size));
        }
        if indent > 0 {
            p = p.indent(Some(indent), None, None, None);
        }
        tc = tc.add_paragraph(p);
    }
    tc
}
