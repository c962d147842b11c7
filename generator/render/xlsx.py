"""Writing a Layout as an XLSX sheet. The pipeline's only module that imports
openpyxl (bench_baseline uses it too, for the benchmark's plain baseline).

The same grid as the DOCX: merged ranges from the layout's spans, thin borders, wrapped text,
amounts as numbers formatted #,##0.00 that shrink to fit their cell (never ###), every text
cell stored as text (never a formula, whatever it starts with), A4 page set-up fitting one page
wide with the table header repeated. Excel does not size rows around wrapped text in merged
cells, so row heights are computed here.

openpyxl builds, once per build and year, a base package: the workbook, the style sheet with
every cell format a form uses, theme and properties. Each form then needs only its worksheet
XML, written directly: openpyxl's per-cell objects would cost more than the rest of the
pipeline together.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from xml.sax.saxutils import escape

from lxml import etree
from openpyxl import Workbook
from openpyxl.chart import LineChart
from openpyxl.chart.data_source import AxDataSource, NumDataSource, NumRef, StrRef
from openpyxl.chart.marker import Marker
from openpyxl.chart.series import Series, SeriesLabel
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from generator.render.layout import (
    NUMERIC_CLASSES,
    Cell,
    Heading,
    Layout,
    Row,
    Table,
    break_between_words,
    chart_columns,
)
from generator.render.package import write_package
from generator.render.style import Font as StyleFont
from generator.render.style import FormStyle

_MAX_PLACES = 6
# Number kinds of cells: "" (text), "integer", and "amount0" … "amount6" by decimals shown.
_NUMBER_FORMATS = {
    "integer": "0",
    **{
        f"percent{places}": "0" + ("." + "0" * places if places else "") + "%"
        for places in range(3)
    },
    **{
        f"amount{places}": "#,##0" + ("." + "0" * places if places else "")
        for places in range(_MAX_PLACES + 1)
    },
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Office reads "_x0041_" in a cell as the escape of "A"; a literal one is written "_x005F_x0041_".
_OOXML_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_CELL_PADDING = 1.0  # character units lost to the cell's margins
MAX_ROW_HEIGHT = 409.0  # points: the tallest row Excel keeps (it cuts what does not fit)
# A long text is split into rows of at most this height, so that a row that wraps a line or
# two more than estimated still stays under MAX_ROW_HEIGHT.
_SPLIT_HEIGHT = 340.0
_INDENT = 2.0  # and to the indent of a cell that is not centred (Alignment indent=1)
_WORKBOOK = "xl/workbook.xml"
_STYLES = "xl/styles.xml"
_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_FONT_ORDER = (  # CT_Font's elements as the Open XML SDK orders them
    "b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz",
    "color", "name", "family", "charset", "scheme",
)  # fmt: skip
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
)

# A cell format: ("title"|"subtitle"|"note"|"covered",) or ("cell", label, number kind,
# alignment, quote prefix).
_Format = tuple[object, ...]
_COVERED: _Format = ("covered",)
_HEADINGS: dict[str, _Format] = {"title": ("title",), "subtitle": ("subtitle",), "note": ("note",)}
_ALL_FORMATS: list[_Format] = [
    _COVERED,
    *_HEADINGS.values(),
    *(
        ("cell", label, kind, horizontal, quote)
        for label, kind, horizontal, quote in itertools.product(
            (False, True), ("", *_NUMBER_FORMATS), ("left", "center", "right"), (False, True)
        )
    ),
]


_CHART_WIDTH = 24.0  # cm
_CHART_HEIGHT = 10.0
_CHARACTERS_PER_CM = 5.4  # Excel's column width unit (a digit of the 11-point font) per cm
_CHART_ROWS = 22  # rows of the default height (15 points) a chart and the gap below it take


@dataclass(frozen=True)
class _Chart:
    """A line chart: its title, its categories (a range of header cells: the years) and its
    lines, each (the cell naming it, the range of its values); ranges with their sheet."""

    title: str
    categories: str
    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class _Base:
    entries: list[tuple[str, bytes]]
    workbook: str  # without its definedNames, which each file writes for its own print titles
    style_ids: dict[_Format, int]


@dataclass
class XlsxWriter:
    """Turns layouts into XLSX bytes with one style; caches the base package per year and set
    of sheet names."""

    style: FormStyle
    sheet_title: str = "申报表"
    _bases: dict[tuple[datetime, tuple[str, ...], tuple[_Chart, ...], tuple[int, int]], _Base] = (
        field(default_factory=dict)
    )

    def _base(
        self,
        when: datetime,
        titles: tuple[str, ...],
        charts: tuple[_Chart, ...] = (),
        at: tuple[int, int] = (0, 1),
    ) -> _Base:
        base = self._bases.get((when, titles, charts, at))
        if base is None:
            base = self._bases[when, titles, charts, at] = self._make_base(when, titles, charts, at)
        return base

    def write(self, layout: Layout, when: datetime) -> bytes:
        """The XLSX of `layout` (a sheet per page), stamped `when`; with the charts of its
        pages, if any, on its `charts` page."""
        titles = sheet_titles([page.title or self.sheet_title for page in layout.pages])
        base = self._base(when, titles)
        parts: dict[str, bytes] = {}
        names = []
        sheets: list[tuple[_Sheet, bool]] = []
        charts: list[_Chart] = []
        for index, page in enumerate(layout.pages):
            columns = page.columns or 1
            measures = self.style.measures(layout.name, columns)
            landscape = measures.landscape if layout.landscape is None else layout.landscape
            widths = [round(measures.xlsx_width * f, 2) for f in measures.fractions()]
            if page.charts and not page.columns:  # its headings as wide as the charts below
                widths = [round(_CHART_WIDTH * _CHARACTERS_PER_CM, 2)]
            sheet = _Sheet(base.style_ids, widths, self.style)
            for block in page.blocks:
                if isinstance(block, Heading):
                    sheet.heading(block, columns)
                else:
                    sheet.table(block)
            sheets.append((sheet, landscape))
            if sheet.lines and sheet.categories:
                charts.append(sheet.chart(page.chart, titles[index]))
            if sheet.header_rows:
                quoted = titles[index].replace("'", "''")
                rows = f"'{quoted}'!${sheet.header_rows[0]}:${sheet.header_rows[-1]}"
                names.append(
                    f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
                    f"{escape(rows)}</definedName>"
                )
        holder = next((i for i, page in enumerate(layout.pages) if page.charts), None)
        drawing = ""
        if charts and holder is not None:
            # below what the page itself holds, a row between
            base = self._base(when, titles, tuple(charts), (holder, sheets[holder][0].top + 1))
            drawing = _drawing_id(dict(base.entries), holder)
        for index, (sheet, landscape) in enumerate(sheets):
            here = drawing if index == holder else ""
            parts[f"xl/worksheets/sheet{index + 1}.xml"] = sheet.xml(landscape, here)
        workbook = base.workbook
        if names:
            defined = "<definedNames>" + "".join(names) + "</definedNames>"
            at = workbook.find("<calcPr")
            at = at if at >= 0 else workbook.rindex("</workbook>")
            workbook = workbook[:at] + defined + workbook[at:]
        parts[_WORKBOOK] = workbook.encode()
        return write_package([(n, parts.get(n, data)) for n, data in base.entries], when)

    def _make_base(
        self,
        when: datetime,
        titles: tuple[str, ...],
        charts: tuple[_Chart, ...],
        at: tuple[int, int],
    ) -> _Base:
        """The package every file of these sheet titles shares; with `charts`, drawn one under
        the other on sheet number at[0] (from 0) from row at[1] down."""
        style = self.style
        side = Side(style="thin", color=style.border)
        border = Border(left=side, right=side, top=side, bottom=side)
        fill = PatternFill("solid", fgColor=style.label_fill) if style.label_fill else None
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = titles[0]
        for title in titles[1:]:
            workbook.create_sheet(title)
        ids: dict[_Format, int] = {}
        for row, key in enumerate(_ALL_FORMATS, start=1):
            cell = sheet.cell(row=row, column=1)
            cell.border = border
            if key[0] in ("title", "subtitle"):
                cell.font = _font(style.title if key[0] == "title" else style.subtitle)
                cell.alignment = Alignment(horizontal="center", vertical="center")
                cell.border = Border()
            elif key[0] == "note":
                cell.font = _font(style.body)
                cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
                cell.border = Border()
            elif key[0] == "cell":
                _, label, kind, horizontal, quote = key
                cell.font = _font(style.label if label else style.body)
                if label and fill is not None:
                    cell.fill = fill
                cell.number_format = _NUMBER_FORMATS.get(str(kind), "General")
                # One character of indent off the border, as the DOCX has its cell padding.
                # A number shrinks to fit its cell: wrapped, Excel would print ### for one
                # wider than its column, and a number broken over two lines misreads.
                cell.alignment = Alignment(
                    horizontal=str(horizontal),
                    vertical="center",
                    wrap_text=not kind,
                    shrink_to_fit=bool(kind),
                    indent=0 if horizontal == "center" else 1,
                )
                cell.quotePrefix = bool(quote)  # Excel keeps such text as text when edited
            ids[key] = cell.style_id
        for number, chart in enumerate(charts):
            workbook.worksheets[at[0]].add_chart(
                _line_chart(chart), f"A{at[1] + number * _CHART_ROWS}"
            )
        workbook.properties.creator = ""
        workbook.properties.lastModifiedBy = ""
        workbook.properties.created = workbook.properties.modified = when.replace(tzinfo=None)
        buffer = io.BytesIO()
        # ExcelWriter directly: Workbook.save() would stamp `modified` with the current time.
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            ExcelWriter(workbook, archive).save()
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as package:
            names = sorted(package.namelist(), key=lambda n: n != "[Content_Types].xml")
            entries = [(n, package.read(n)) for n in names]
        entries = [(n, _fonts_in_order(d) if n == _STYLES else d) for n, d in entries]
        book = re.sub(
            r"<definedNames>.*?</definedNames>|<definedNames/>",
            "",
            dict(entries)[_WORKBOOK].decode(),
        )
        return _Base(entries, book, ids)


def _line_chart(chart: _Chart) -> LineChart:
    """A line per `chart` line over its categories, each named by its cell, with markers (a
    year alone still shows), the legend below, amounts on the axis with thousands separators."""
    drawn = LineChart()
    drawn.title = chart.title
    drawn.width, drawn.height = _CHART_WIDTH, _CHART_HEIGHT
    drawn.legend.position = "b"
    drawn.y_axis.number_format = "#,##0"
    drawn.x_axis.delete = drawn.y_axis.delete = False  # openpyxl's default hides both axes
    for number, (name, values) in enumerate(chart.lines):
        drawn.series.append(
            Series(
                idx=number,
                order=number,
                tx=SeriesLabel(strRef=StrRef(f=name)),
                cat=AxDataSource(strRef=StrRef(f=chart.categories)),
                val=NumDataSource(numRef=NumRef(f=values)),
                marker=Marker(symbol="circle", size=7),
                smooth=False,
            )
        )
    return drawn


def _drawing_id(entries: dict[str, bytes], sheet: int) -> str:
    """The relationship id by which sheet number `sheet` (from 0) names its drawing."""
    rels = etree.fromstring(entries[f"xl/worksheets/_rels/sheet{sheet + 1}.xml.rels"])
    return next(str(r.get("Id")) for r in rels if str(r.get("Type", "")).endswith("/drawing"))


def _fonts_in_order(styles: bytes) -> bytes:
    """styles.xml with each font's properties in the order Excel's own schema lists them
    (openpyxl writes the name first; the Open XML SDK, which validates as Excel reads, wants
    it after the size and colour)."""
    root = etree.fromstring(styles)
    for font in root.iter(f"{{{_SHEET_NS}}}font"):
        children = sorted(font, key=lambda child: _FONT_ORDER.index(etree.QName(child).localname))
        font[:] = children
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def sheet_titles(names: list[str]) -> tuple[str, ...]:
    """Sheet names Excel accepts: no []:*?/\\, at most 31 characters, each once."""
    titles: list[str] = []
    for name in names:
        title = _SHEET_NAME.sub("_", name).strip("'")[:31] or "Sheet"
        base, number = title, 2
        while title in titles:
            suffix = f"({number})"
            title = base[: 31 - len(suffix)] + suffix
            number += 1
        titles.append(title)
    return tuple(titles)


class _Sheet:
    """One worksheet's XML, built row by row."""

    def __init__(
        self, style_ids: dict[_Format, int], widths: list[float], style: FormStyle
    ) -> None:
        self.ids = style_ids
        self.widths = widths
        self.style = style
        self.cells: dict[int, dict[int, str]] = {}
        self.heights: dict[int, float] = {}
        self.merges: list[str] = []
        self.header_rows: list[int] = []
        self.top = 1
        # the page's chart: its categories (row, first and last column) and its lines, each
        # (row, column) of the cell naming it and the row of its values
        self.categories: tuple[int, int, int] | None = None
        self.lines: list[tuple[int, int, int]] = []

    def put(self, row: int, col: int, xml: str) -> None:
        self.cells.setdefault(row, {})[col] = xml

    def styled(self, row: int, col: int, key: _Format) -> None:
        self.put(row, col, f'<c r="{_ref(row, col)}" s="{self.ids[key]}"/>')

    def merge(self, row: int, col: int, rows: int, columns: int) -> None:
        self.merges.append(f"{_ref(row, col)}:{_ref(row + rows - 1, col + columns - 1)}")

    def heading(self, heading: Heading, columns: int) -> None:
        row = self.top
        key = _HEADINGS[heading.level]
        self.put(row, 1, _text_cell(row, 1, self.ids[key], heading.text))
        if columns > 1:
            self.merge(row, 1, 1, columns)
        if heading.level == "note":
            available = sum(self.widths) - _CELL_PADDING
            lines = _line_count(heading.text, available, self.style.body.size)
            self.heights[row] = lines * self.style.body.size * self.style.line_spacing + 4
        else:
            size = self.style.title.size if heading.level == "title" else self.style.subtitle.size
            self.heights[row] = size * self.style.line_spacing * 1.4
        self.top += 1

    def table(self, table: Table) -> None:
        table = self._fit_rows(self._words_broken(table))
        top = self.top
        starts: dict[int, set[int]] = {}  # by row: the columns where a cell starts
        for row in table.rows:
            for cell in row.cells:
                starts.setdefault(cell.row, set()).add(cell.col)
        for r in range(len(table.rows)):  # borders on the grid positions a merge covers, too
            starting = starts.get(r, set())
            for c in range(table.columns):
                if c not in starting:
                    self.styled(top + r, c + 1, _COVERED)
        del starts
        data_rows = [top + i for i, row in enumerate(table.rows) if row.data]
        # Single-row cells set their rows' heights (as they come: a year's index has tens of
        # thousands); a taller merged cell then spreads what is still missing evenly over the
        # rows it covers.
        spans: list[tuple[Cell, float]] = []
        for row in table.rows:
            for cell in row.cells:
                r, c = top + cell.row, cell.col + 1
                self.put(r, c, self._cell(r, c, cell, data_rows))
                if cell.rowspan > 1 or cell.colspan > 1:
                    self.merge(r, c, cell.rowspan, cell.colspan)
                needed = self._needed(cell, cell.text)
                if cell.rowspan > 1:
                    spans.append((cell, needed))
                elif needed > self.heights.get(r, 0.0):
                    self.heights[r] = needed
        for cell, needed in sorted(spans, key=lambda item: item[0].rowspan):
            rows = range(top + cell.row, top + cell.row + cell.rowspan)
            have = sum(self.heights.get(r, 0.0) for r in rows)
            if needed > have:
                extra = (needed - have) / cell.rowspan
                for r in rows:
                    self.heights[r] = self.heights.get(r, 0.0) + extra
        self.header_rows += [top + i for i, row in enumerate(table.rows) if row.header]
        self._chart_rows(table, top)
        self.top += len(table.rows)

    def _chart_rows(self, table: Table, top: int) -> None:
        """Note where `table`'s `chart` rows and its categories are (the first table that has
        them gives the categories)."""
        columns = chart_columns(table)
        if not columns:
            return
        if self.categories is None:
            header = next(r for r in table.rows for c in r.cells if "chart-x" in c.classes)
            self.categories = (top + header.cells[0].row, columns[0] + 1, columns[-1] + 1)
        for row in table.rows:
            if row.chart:
                name = next(c for c in row.cells if "chart-name" in c.classes)
                self.lines.append((top + name.row, name.col + 1, top + row.cells[0].row))

    def chart(self, title: str, sheet: str) -> _Chart:
        """The chart of this sheet's chart rows, its ranges on sheet `sheet`."""
        assert self.categories is not None
        quoted = "'" + sheet.replace("'", "''") + "'!"
        row, first, last = self.categories
        span = f"${get_column_letter(first)}${{}}:${get_column_letter(last)}${{}}"
        lines = tuple(
            (f"{quoted}${get_column_letter(col)}${name_row}", quoted + span.format(at, at))
            for name_row, col, at in self.lines
        )
        return _Chart(title, quoted + span.format(row, row), lines)

    def _needed(self, cell: Cell, text: str) -> float:
        """The height in points `text` needs in `cell`'s columns (a number: one line, as it
        shrinks to fit)."""
        if cell.classes & NUMERIC_CLASSES:
            return self.style.body.size * self.style.line_spacing + 4
        size = (self.style.label if cell.label else self.style.body).size
        lines = _line_count(text, self._available(cell), size)
        return lines * self.style.body.size * self.style.line_spacing + 4

    def _available(self, cell: Cell) -> float:
        """The width in character units that `cell`'s text has in its columns."""
        available = sum(self.widths[cell.col : cell.col + cell.colspan]) - _CELL_PADDING
        if not (cell.label or "center" in cell.classes):
            available -= _INDENT
        return available

    def _words_broken(self, table: Table) -> Table:
        """`table` with the text of each `words` cell broken between words where a line would
        not fit its cell (layout.break_between_words), measured generously: every character
        but ASCII two units wide (☑ and □ too), and a tenth of the width to spare."""
        rows = []
        for row in table.rows:
            cells = []
            for cell in row.cells:
                if "words" in cell.classes:
                    available = self._available(cell) * 0.9
                    scale = (self.style.label if cell.label else self.style.body).size / 11

                    def fits(line: str, available: float = available, scale: float = scale) -> bool:
                        return sum(1 if ch.isascii() else 2 for ch in line) * scale <= available

                    cell = dataclasses.replace(cell, text=break_between_words(cell.text, fits))
                cells.append(cell)
            rows.append(Row(tuple(cells), row.header, row.data, row.chart))
        return Table(tuple(rows), table.columns)

    def _fit_rows(self, table: Table) -> Table:
        """`table` with each row whose one long text would need a row taller than Excel
        keeps (MAX_ROW_HEIGHT: Excel cuts the rest, on screen and in print) made into as many
        rows as the text needs: the text split between them at line breaks (or, within a
        long paragraph, where a row is full), the row's other cells merged down beside it.
        Rows that a merged cell crosses are left as they are."""
        crossed = {
            r
            for row in table.rows
            for c in row.cells
            for r in range(c.row, c.row + c.rowspan)
            if c.rowspan > 1
        }
        rows: list[Row] = []
        for index, row in enumerate(table.rows):
            shift = len(rows) - index
            tall = [c for c in row.cells if self._needed(c, c.text) > MAX_ROW_HEIGHT]
            if len(tall) != 1 or index in crossed:
                rows.append(
                    Row(tuple(_moved(c, shift) for c in row.cells), row.header, row.data, row.chart)
                )
                continue
            chunks = self._chunks(tall[0])
            for n, chunk in enumerate(chunks):
                cells = [dataclasses.replace(tall[0], row=index + shift + n, text=chunk)]
                if n == 0:
                    cells += [
                        dataclasses.replace(c, row=index + shift, rowspan=len(chunks))
                        for c in row.cells
                        if c is not tall[0]
                    ]
                cells.sort(key=lambda c: c.col)
                rows.append(
                    Row(tuple(cells), row.header, row.data and n == 0, row.chart and n == 0)
                )
        return Table(tuple(rows), table.columns)

    def _chunks(self, cell: Cell) -> list[str]:
        """`cell`'s text in pieces that each fit in one row of at most _SPLIT_HEIGHT."""
        pieces: list[str] = []
        for paragraph in cell.text.split("\n"):
            while self._needed(cell, paragraph) > _SPLIT_HEIGHT:
                low, high = 1, len(paragraph)  # the longest start that fits
                while low < high:
                    middle = (low + high + 1) // 2
                    if self._needed(cell, paragraph[:middle]) <= _SPLIT_HEIGHT:
                        low = middle
                    else:
                        high = middle - 1
                pieces.append(paragraph[:low])
                paragraph = paragraph[low:]
            pieces.append(paragraph)
        chunks = [pieces[0]]
        for piece in pieces[1:]:
            joined = f"{chunks[-1]}\n{piece}"
            if self._needed(cell, joined) <= _SPLIT_HEIGHT:
                chunks[-1] = joined
            else:
                chunks.append(piece)
        return chunks

    def _cell(self, r: int, c: int, cell: Cell, data_rows: list[int]) -> str:
        kind = "integer" if "integer" in cell.classes else ""
        if cell.classes & {"amount", "number"}:
            kind = f"amount{min(cell.places, _MAX_PLACES)}"
        if "percent" in cell.classes:
            kind = f"percent{min(cell.places, 2)}"
        if cell.label or "center" in cell.classes:
            horizontal = "center"
        elif kind:
            horizontal = "right"
        else:
            horizontal = "left"
        if "sum" in cell.classes and data_rows:
            letter = get_column_letter(c)
            style = self.ids["cell", cell.label, kind, horizontal, False]
            total = f"SUM({letter}{data_rows[0]}:{letter}{data_rows[-1]})"
            # the value the layout computed is stored with the formula, so that readers which
            # do not calculate (previews, openpyxl) show the total; Excel recalculates anyway
            value = "" if cell.value is None else f"<v>{format(cell.value.normalize(), 'f')}</v>"
            return f'<c r="{_ref(r, c)}" s="{style}"><f>{total}</f>{value}</c>'
        if cell.value is not None:
            style = self.ids["cell", cell.label, kind, horizontal, False]
            number = format(cell.value.normalize(), "f")  # 18417248, not 18417248.00
            return f'<c r="{_ref(r, c)}" s="{style}"><v>{number}</v></c>'
        if not cell.text:  # an absent value: no value at all, not an empty text
            style = self.ids["cell", cell.label, kind, horizontal, False]
            return f'<c r="{_ref(r, c)}" s="{style}"/>'
        quote = cell.text.startswith(_FORMULA_STARTS)
        return _text_cell(r, c, self.ids["cell", cell.label, kind, horizontal, quote], cell.text)

    def xml(self, landscape: bool, drawing: str = "") -> bytes:
        """The sheet's XML; `drawing`: the relationship id of the drawing it shows, if any."""
        style = self.style
        last_row = max(self.cells, default=1)
        last_col = max((max(row) for row in self.cells.values()), default=1)
        out = [
            _HEAD,
            '<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>',
            '<pageSetUpPr fitToPage="1"/></sheetPr>',
            f'<dimension ref="A1:{_ref(last_row, last_col)}"/>',
            '<sheetViews><sheetView showGridLines="0" workbookViewId="0">',
            '<selection activeCell="A1" sqref="A1"/></sheetView></sheetViews>',
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/><cols>',
        ]
        out += [
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(self.widths, 1)
        ]
        out.append("</cols><sheetData>")
        for row in sorted(self.cells):
            height = self.heights.get(row)
            size = f' ht="{round(height, 1)}" customHeight="1"' if height else ""
            out.append(f'<row r="{row}"{size}>')
            cells = self.cells[row]
            out += [cells[col] for col in sorted(cells)]
            out.append("</row>")
        out.append("</sheetData>")
        if self.merges:
            out.append(f'<mergeCells count="{len(self.merges)}">')
            out += [f'<mergeCell ref="{m}"/>' for m in self.merges]
            out.append("</mergeCells>")
        inch = 25.4
        # centred, LibreOffice prints a drawing off its cells: a sheet of charts is not
        out.append("" if drawing else '<printOptions horizontalCentered="1"/>')
        out.append(
            f'<pageMargins left="{style.margin_left / inch}" right="{style.margin_right / inch}" '
            f'top="{style.margin_top / inch}" bottom="{style.margin_bottom / inch}" '
            'header="0.3" footer="0.3"/>'
            f'<pageSetup orientation="{"landscape" if landscape else "portrait"}" '
            'paperSize="9" fitToHeight="0" fitToWidth="1"/>'
            + (f'<drawing r:id="{drawing}"/>' if drawing else "")
            + "</worksheet>"
        )
        # encoded piece by piece: a year's index is a sheet of tens of thousands of cells, and
        # its text joined (Chinese takes two bytes a character there) would be held twice
        return b"".join(part.encode() for part in out)


def _ref(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def _text_cell(row: int, col: int, style: int, text: str) -> str:
    """A string cell, inline: never a formula, whatever it starts with."""
    value = escape(_OOXML_ESCAPE.sub(r"_x005F_\1", text))
    where = f'r="{_ref(row, col)}" s="{style}"'
    return f'<c {where} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'


def _moved(cell: Cell, rows: int) -> Cell:
    return dataclasses.replace(cell, row=cell.row + rows) if rows else cell


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
