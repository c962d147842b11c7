"""Writing a Layout as an XLSX sheet. The only module that imports openpyxl.

The same grid as the DOCX: merged ranges from the layout's spans, thin borders, wrapped text,
amounts as numbers formatted #,##0.00, every text cell stored as text (never a formula, whatever
it starts with), A4 page set-up fitting one page wide with the table header repeated. Excel does
not size rows around wrapped text in merged cells, so row heights are computed here.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from copy import copy
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from generator.archive import normalise_package
from generator.layout import Cell, Heading, Layout, Table
from generator.style import Font as StyleFont
from generator.style import FormStyle, LayoutMeasures

_NUMBER_FORMATS = {"amount": "#,##0.00", "integer": "0"}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Office reads "_x0041_" in a cell as the escape of "A"; a literal one is written "_x005F_x0041_".
_OOXML_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_CELL_PADDING = 1.0  # character units lost to the cell's margins


@dataclass(frozen=True)
class _Look:
    """openpyxl style objects made once per style (openpyxl shares them between cells)."""

    body: Font
    label: Font
    title: Font
    subtitle: Font
    border: Border
    fill: PatternFill | None


class XlsxWriter:
    """Turns layouts into XLSX bytes with one style."""

    def __init__(self, style: FormStyle, sheet_title: str = "申报表") -> None:
        self.style = style
        self.sheet_title = sheet_title
        side = Side(style="thin", color=style.border)
        self.look = _Look(
            body=_font(style.body),
            label=_font(style.label),
            title=_font(style.title),
            subtitle=_font(style.subtitle),
            border=Border(left=side, right=side, top=side, bottom=side),
            fill=PatternFill("solid", fgColor=style.label_fill) if style.label_fill else None,
        )

    def write(self, layout: Layout, when: datetime) -> bytes:
        """The XLSX of `layout`, stamped `when`."""
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = self.sheet_title
        columns = layout.columns or 1
        measures = self.style.measures(layout.name, columns)
        widths = [round(measures.xlsx_width * f, 2) for f in measures.fractions()]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        heights: dict[int, float] = {}
        header_rows: list[int] = []
        top = 1
        for block in layout.blocks:
            if isinstance(block, Heading):
                self._heading(sheet, block, top, columns, heights)
                top += 1
            else:
                header_rows += self._table(sheet, block, top, widths, heights)
                top += len(block.rows)
        for row, height in heights.items():
            sheet.row_dimensions[row].height = round(height, 1)
        self._page_setup(sheet, header_rows, measures)
        workbook.properties.creator = ""
        workbook.properties.lastModifiedBy = ""
        workbook.properties.created = workbook.properties.modified = when.replace(tzinfo=None)
        buffer = io.BytesIO()
        # ExcelWriter directly: Workbook.save() would stamp `modified` with the current time.
        # Stored, not compressed: write_package compresses each entry once.
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            ExcelWriter(workbook, archive).save()
        return normalise_package(buffer.getvalue(), when)

    def _heading(
        self, sheet: Worksheet, heading: Heading, row: int, columns: int, heights: dict[int, float]
    ) -> None:
        font = self.look.title if heading.level == "title" else self.look.subtitle
        cell = sheet.cell(row=row, column=1)
        _set_text(cell, heading.text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if columns > 1:
            _merge(sheet, row, 1, 1, columns)
        size = self.style.title.size if heading.level == "title" else self.style.subtitle.size
        heights[row] = size * self.style.line_spacing * 1.4

    def _table(
        self,
        sheet: Worksheet,
        table: Table,
        top: int,
        widths: list[float],
        heights: dict[int, float],
    ) -> list[int]:
        """Write `table` from sheet row `top`; return the sheet rows of its header."""
        formats = _Formats(self.look)
        starts = {(c.row, c.col) for row in table.rows for c in row.cells}
        for r in range(len(table.rows)):  # borders on the grid positions a merge covers, too
            for c in range(table.columns):
                if (r, c) not in starts:
                    formats.apply(sheet.cell(row=top + r, column=c + 1), _COVERED)
        data_rows = [top + i for i, row in enumerate(table.rows) if row.data]
        line_height = self.style.body.size * self.style.line_spacing
        spans: list[tuple[Cell, float]] = []
        for row in table.rows:
            for cell in row.cells:
                target = sheet.cell(row=top + cell.row, column=cell.col + 1)
                _fill(target, cell, data_rows, formats)
                if cell.rowspan > 1 or cell.colspan > 1:
                    _merge(sheet, top + cell.row, cell.col + 1, cell.rowspan, cell.colspan)
                available = sum(widths[cell.col : cell.col + cell.colspan]) - _CELL_PADDING
                size = (self.style.label if cell.label else self.style.body).size
                needed = _line_count(cell.text, available, size) * line_height + 4
                spans.append((cell, needed))
        # Single-row cells set their rows' heights; a taller merged cell then spreads what is
        # still missing evenly over the rows it covers.
        for cell, needed in sorted(spans, key=lambda item: item[0].rowspan):
            rows = range(top + cell.row, top + cell.row + cell.rowspan)
            have = sum(heights.get(r, 0.0) for r in rows)
            if needed > have:
                extra = (needed - have) / cell.rowspan
                for r in rows:
                    heights[r] = heights.get(r, 0.0) + extra
        return [top + i for i, row in enumerate(table.rows) if row.header]

    def _page_setup(
        self, sheet: Worksheet, header_rows: list[int], measures: LayoutMeasures
    ) -> None:
        style = self.style
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape" if measures.landscape else "portrait"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        margins = sheet.page_margins
        margins.left, margins.right = style.margin_left / 25.4, style.margin_right / 25.4
        margins.top, margins.bottom = style.margin_top / 25.4, style.margin_bottom / 25.4
        if header_rows:
            sheet.print_title_rows = f"{header_rows[0]}:{header_rows[-1]}"
        sheet.sheet_view.showGridLines = False


# A format: (label cell, number kind "amount"/"integer"/"", horizontal alignment, quote prefix).
_Format = tuple[bool, str, str, bool]
_COVERED: _Format = (False, "", "", False)  # a grid position under a merge: borders only


class _Formats:
    """The cell formats of one sheet. Each is set up once through openpyxl's style API, which
    hashes every style object on every assignment (most of the time of a naive writer), and
    then copied to the other cells of that format as openpyxl's own compact style array."""

    def __init__(self, look: _Look) -> None:
        self.look = look
        self.arrays: dict[_Format, StyleArray] = {}

    def apply(self, target: SheetCell, key: _Format) -> None:
        array = self.arrays.get(key)
        if array is not None:
            target._style = copy(array)
            return
        label, kind, horizontal, quote = key
        look = self.look
        target.border = look.border
        if key != _COVERED:
            target.font = look.label if label else look.body
            if label and look.fill is not None:
                target.fill = look.fill
            target.number_format = _NUMBER_FORMATS.get(kind, "General")
            target.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
            target.quotePrefix = quote  # Excel keeps such text as text when the cell is edited
        self.arrays[key] = copy(target._style)


def _fill(target: SheetCell, cell: Cell, data_rows: list[int], formats: _Formats) -> None:
    kind = next((k for k in _NUMBER_FORMATS if k in cell.classes), "")
    quote = False
    if "sum" in cell.classes and data_rows:
        letter = get_column_letter(cell.col + 1)
        target.value = f"=SUM({letter}{data_rows[0]}:{letter}{data_rows[-1]})"
    elif cell.value is not None:
        target.value = cell.value
    else:
        target.value = _escape(cell.text)
        target.data_type = "s"  # openpyxl would take a text starting with "=" for a formula
        quote = cell.text.startswith(_FORMULA_STARTS)
    if cell.label or "center" in cell.classes:
        horizontal = "center"
    elif kind:
        horizontal = "right"
    else:
        horizontal = "left"
    formats.apply(target, (cell.label, kind, horizontal, quote))


def _merge(sheet: Worksheet, row: int, column: int, rows: int, columns: int) -> None:
    """Record a merged range. Worksheet.merge_cells would also rebuild the borders of every
    covered cell, which are already in place."""
    sheet.merged_cells.add(
        CellRange(min_row=row, min_col=column, max_row=row + rows - 1, max_col=column + columns - 1)
    )


def _escape(text: str) -> str:
    return _OOXML_ESCAPE.sub(r"_x005F_\1", text)


def _set_text(target: SheetCell, text: str) -> None:
    """Store `text` as a string cell: openpyxl would make `=…` a formula."""
    target.value = _escape(text)
    target.data_type = "s"
    if text.startswith(_FORMULA_STARTS):
        target.quotePrefix = True  # Excel keeps it text when the cell is edited, too


def _font(font: StyleFont) -> Font:
    return Font(name=font.east_asian, size=font.size, bold=font.bold)


def _line_count(text: str, available: float, size: float) -> int:
    """Lines `text` wraps into in `available` character units at `size` points: a CJK
    character is two units wide, others one, both scaled from Excel's 11-point unit."""
    scale = size / 11
    lines = 0
    for paragraph in text.split("\n"):
        width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in paragraph)
        lines += max(1, math.ceil(width * scale / max(available, 1.0)))
    return max(lines, 1)
