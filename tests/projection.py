"""Reading our DOCX and XLSX back, with python-docx and openpyxl, into plain structures and into
textual projections (cells, spans, number formats, styles) that golden files compare as text."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
from docx.oxml.ns import qn


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    style: str = ""


def docx_tables(path: Path | bytes) -> list[list[GridCell]]:
    """Every table of a DOCX as the cells that start in it, with spans read from gridSpan and
    vMerge (a python-docx read, not our writer's own idea of it)."""
    document = docx.Document(io.BytesIO(path) if isinstance(path, bytes) else str(path))
    tables = []
    for table in document.tables:
        cells: list[GridCell] = []
        open_merges: dict[int, int] = {}  # column → index in cells of the cell it continues
        for r, tr in enumerate(table._tbl.tr_lst):
            col = 0
            for tc in tr.tc_lst:
                span = tc.grid_span
                merge = tc.vMerge
                if merge == "continue":
                    index = open_merges[col]
                    old = cells[index]
                    cells[index] = GridCell(
                        old.row, old.col, old.rowspan + 1, old.colspan, old.text, old.style
                    )
                else:
                    paragraphs = tc.findall(qn("w:p"))
                    style = paragraphs[0].style if paragraphs and paragraphs[0].style else ""
                    text = "\n".join(paragraph_text(p) for p in paragraphs)
                    cells.append(GridCell(r, col, 1, span, text, style))
                    if merge == "restart":
                        open_merges[col] = len(cells) - 1
                    else:
                        open_merges.pop(col, None)
                col += span
        tables.append(cells)
    return tables


def paragraph_text(paragraph) -> str:
    """The text of a w:p, line breaks as newlines."""
    parts = []
    for element in paragraph.iter(qn("w:t"), qn("w:br")):
        parts.append("\n" if element.tag == qn("w:br") else element.text or "")
    return "".join(parts)


def xlsx_cells(path: Path | bytes) -> tuple[openpyxl.Workbook, list[GridCell]]:
    """The sheet's cells that hold something or start a merge, with their spans."""
    workbook = openpyxl.load_workbook(io.BytesIO(path) if isinstance(path, bytes) else path)
    sheet = workbook.active
    spans = {
        (m.min_row, m.min_col): (m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
        for m in sheet.merged_cells.ranges
    }
    cells = []
    for row in sheet.iter_rows():
        for cell in row:
            if type(cell).__name__ == "MergedCell":
                continue
            rowspan, colspan = spans.get((cell.row, cell.column), (1, 1))
            text = "" if cell.value is None else str(cell.value)
            cells.append(GridCell(cell.row, cell.column, rowspan, colspan, text))
    return workbook, cells


def office_text(value: str) -> str:
    """A cell string as Excel and LibreOffice show it: OOXML's _xHHHH_ escapes decoded
    (openpyxl returns them undecoded)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def project_docx(path: Path) -> str:
    """A DOCX as text: page set-up, fonts of the styles we use, then each block in order."""
    document = docx.Document(str(path))
    section = document.sections[0]
    lines = [
        f"page {section.page_width.mm:.1f}x{section.page_height.mm:.1f}mm margins "
        f"{section.top_margin.mm:.1f} {section.right_margin.mm:.1f} {section.bottom_margin.mm:.1f} {section.left_margin.mm:.1f}",
    ]
    for style in document.styles:
        if style.name.startswith("Form") or style.name == "Normal":
            fonts = style.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            names = (
                "" if fonts is None else f"{fonts.get(qn('w:eastAsia'))}/{fonts.get(qn('w:ascii'))}"
            )
            size = style.font.size.pt if style.font.size else ""
            lines.append(
                f"style {style.name}: {names} {size}pt bold={bool(style.font.bold)} align={style.paragraph_format.alignment}"
            )
    body = document.element.body
    tables = iter(docx_tables(path))
    for element in body:
        if element.tag == qn("w:p"):
            lines.append(f"paragraph [{element.style}] {paragraph_text(element)!r}")
        elif element.tag == qn("w:tbl"):
            widths = [g.get(qn("w:w")) for g in element.iter(qn("w:gridCol"))]
            headers = sum(
                1
                for tr in element.tr_lst
                if tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None
            )
            kept = [
                str(index)
                for index, tr in enumerate(element.tr_lst)
                if tr.find(f".//{qn('w:keepNext')}") is not None
            ]
            lines.append(
                f"table columns={widths} header_rows={headers} kept_with_next={','.join(kept)}"
            )
            for cell in next(tables):
                lines.append(
                    f"  r{cell.row}c{cell.col} {cell.rowspan}x{cell.colspan} [{cell.style}] {cell.text!r}"
                )
    return "\n".join(lines) + "\n"


def project_xlsx(path: Path) -> str:
    """An XLSX as text: sheet set-up, column widths, row heights, then every cell with its type,
    number format, font, fill and alignment."""
    workbook, cells = xlsx_cells(path)
    sheet = workbook.active
    setup = sheet.page_setup
    lines = [
        f"sheet {sheet.title!r} dims={sheet.dimensions} paper={setup.paperSize} {setup.orientation} "
        f"fitToWidth={setup.fitToWidth} fitToHeight={setup.fitToHeight} fitToPage={sheet.sheet_properties.pageSetUpPr.fitToPage} "
        f"print_titles={sheet.print_title_rows}",
        "columns " + " ".join(f"{k}={v.width}" for k, v in sorted(sheet.column_dimensions.items())),
        "rows "
        + " ".join(f"{k}={v.height}" for k, v in sorted(sheet.row_dimensions.items()) if v.height),
    ]
    for cell in cells:
        target = sheet.cell(cell.row, cell.col)
        if target.value is None and cell.rowspan == cell.colspan == 1:
            continue
        font = target.font
        fill = target.fill.fgColor.rgb if target.fill and target.fill.fill_type else ""
        lines.append(
            f"{target.coordinate} {cell.rowspan}x{cell.colspan} {target.data_type} {target.number_format!r} "
            f"{font.name}/{font.sz}{'/b' if font.b else ''} {fill} {target.alignment.horizontal}/{target.alignment.vertical}"
            f"{'/wrap' if target.alignment.wrap_text else ''}"
            f"{'/shrink' if target.alignment.shrink_to_fit else ''}"
            f"{f'/indent{target.alignment.indent:g}' if target.alignment.indent else ''} {target.value!r}"
        )
    return "\n".join(lines) + "\n"
