//! Excel: 附件2 and 附件3 as two sheets drawn from the shared form layout — merged cells,
//! borders, wrapped text, figures as number cells, printable on A4.

use super::form::{self, Content, FormCell, Look, Sheet};
use crate::model::Report;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

const FONT: &str = "宋体";
const TITLE_FONT: &str = "黑体";
const FONT_SIZE: f64 = 10.0;
/// Points per line of 10-point text, and the padding of a cell.
const LINE_HEIGHT: f64 = 13.0;
/// Columns of width a display column takes in the 10-point face: a CJK character (two
/// display columns) is a little under two of Excel's width units.
const GLYPH: f64 = 0.92;
const ROW_PADDING: f64 = 6.0;
/// The tallest row Excel accepts, in points.
const MAX_ROW_HEIGHT: f64 = 409.0;
/// Rows above the table: the attachment's label and its title.
const TABLE_TOP: u32 = 2;
/// Paper size 9 is A4 in Excel's numbering.
const A4: u8 = 9;

pub(crate) fn render(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    for sheet in [form::basic_data(report), form::score_sheet(report)] {
        let ws = workbook.add_worksheet();
        draw(ws, &sheet)?;
    }
    workbook.save_to_buffer()
}

fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(FONT_SIZE)
        // GB2312: lets Excel pick the Chinese face even where 宋体 is missing.
        .set_font_charset(134)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
}

fn cell_format(cell: &FormCell) -> Format {
    let format = base().set_border(FormatBorder::Thin);
    let format = match (cell.look, &cell.content) {
        // `/` is centred wherever it stands, as the form prints it.
        (_, Content::Text(t)) if t == "/" => format.set_align(FormatAlign::Center),
        (Look::Head | Look::Figure, _) => format.set_align(FormatAlign::Center),
        (Look::Label(indent), _) => format.set_align(FormatAlign::Left).set_indent(indent),
        (Look::Prose, _) => format.set_align(FormatAlign::Left),
    };
    match &cell.content {
        Content::Money(_) => format.set_num_format("0.00"),
        Content::Points(d) => format.set_num_format(decimals_format(d.scale(), "")),
        Content::Count(_) => format.set_num_format("0"),
        Content::Rate(_, decimals) => format.set_num_format(decimals_format(*decimals, "%")),
        Content::Empty | Content::Text(_) => format,
    }
}

/// `0`, `0.0`, `0.00%` …: a figure shown with the decimals it was written with.
fn decimals_format(decimals: u32, suffix: &str) -> String {
    let decimals = decimals.min(10) as usize;
    if decimals == 0 {
        format!("0{suffix}")
    } else {
        format!("0.{}{suffix}", "0".repeat(decimals))
    }
}

/// The exact decimal becomes a float only here, as the cell's value.
fn number(d: &Decimal) -> Option<f64> {
    d.to_f64()
}

fn write_content(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    content: &Content,
    format: &Format,
) -> Result<(), XlsxError> {
    let value = match content {
        Content::Money(d) | Content::Points(d) => number(d),
        Content::Count(n) => Some(*n as f64),
        Content::Rate(p, _) => number(&(*p / Decimal::ONE_HUNDRED)),
        Content::Empty => {
            ws.write_blank(row, col, format)?;
            return Ok(());
        }
        Content::Text(t) => {
            ws.write_string_with_format(row, col, t, format)?;
            return Ok(());
        }
    };
    match value {
        Some(v) => ws.write_number_with_format(row, col, v, format)?,
        None => ws.write_string_with_format(row, col, content.display(), format)?,
    };
    Ok(())
}

fn draw(ws: &mut Worksheet, sheet: &Sheet) -> Result<(), XlsxError> {
    ws.set_name(sheet.name)?;
    let last_col = (sheet.widths.len() - 1) as u16;
    for (i, w) in sheet.widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }

    let label = base().set_font_name(TITLE_FONT).set_font_size(12);
    ws.write_string_with_format(0, 0, sheet.attachment, &label)?;
    ws.set_row_height(0, 20)?;
    let title = base()
        .set_font_size(16)
        .set_bold()
        .set_align(FormatAlign::Center);
    ws.merge_range(1, 0, 1, last_col, &sheet.title, &title)?;
    ws.set_row_height(1, 36)?;

    let mut heights = vec![0.0_f64; sheet.row_count as usize];
    for cell in &sheet.cells {
        let row = TABLE_TOP + cell.row;
        let format = cell_format(cell);
        if cell.rows > 1 || cell.cols > 1 {
            ws.merge_range(
                row,
                cell.col,
                row + cell.rows - 1,
                cell.col + cell.cols - 1,
                "",
                &format,
            )?;
        }
        write_content(ws, row, cell.col, &cell.content, &format)?;
        let width: f64 = sheet.widths[usize::from(cell.col)..usize::from(cell.col + cell.cols)]
            .iter()
            .sum();
        let needed = height_for(&cell.content.display(), width) / f64::from(cell.rows);
        let slot = &mut heights[cell.row as usize];
        *slot = slot.max(needed);
    }
    for (i, h) in heights.iter().enumerate() {
        ws.set_row_height(TABLE_TOP + i as u32, h.max(22.0))?;
    }

    let mut row = TABLE_TOP + sheet.row_count;
    let note = base().set_align(FormatAlign::Left);
    for line in &sheet.after {
        ws.merge_range(row, 0, row, last_col, line, &note)?;
        let width: f64 = sheet.widths.iter().sum();
        ws.set_row_height(row, height_for(line, width).max(20.0))?;
        row += 1;
    }

    ws.set_paper_size(A4);
    if sheet.landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_center_horizontally(true);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_area(0, 0, row.saturating_sub(1), last_col)?;
    Ok(())
}

/// Points a cell of this width needs for its text: Excel does not grow merged or explicitly
/// sized rows itself, so the height is estimated from display width (a CJK character is two
/// columns of the 10-point face).
fn height_for(text: &str, width: f64) -> f64 {
    let usable = (width - 1.0).max(1.0);
    let lines: f64 = text
        .split('\n')
        .map(|line| {
            (UnicodeWidthStr::width(line) as f64 * GLYPH / usable)
                .ceil()
                .max(1.0)
        })
        .sum();
    (lines * LINE_HEIGHT + ROW_PADDING).min(MAX_ROW_HEIGHT)
}
