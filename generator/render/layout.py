"""The form's layout: a small HTML subset, rendered by a Jinja template, read into a grid.

One layout template (`generator/templates/form.html.j2`) defines the form's structure; the DOCX
and the XLSX writers both draw this `Layout`, so the two can never disagree. The subset:

- `<h1>` the title, `<p>` a line under it (the year), `<p class="note">` a footnote; well-formed,
  so `<br/>` for a break;
- `<section title="…">` around blocks makes them a page of their own: a sheet of that name in
  the XLSX (a layout without sections is one page);
- `<table>` with `<tr>` rows of `<th>` (labels) and `<td>` (values) cells, each with optional
  `rowspan`, `colspan` and `class`; rows inside `<thead>` repeat on every printed page;
- cell classes: `amount` (a number printed with as many decimals as its text has;
  `data-value` holds it exactly; an empty amount cell stays blank), `number` (the same for a
  number that is not money: 分值), `percent` (a share written "64.97%": the XLSX holds 0.6497
  shown as a percentage), `integer`, `center`, `sum` (in a `data` row table: the total of the
  column's `data` rows), `words` (a line that does not fit is broken only at white space, by
  the writers, who know the cell's width: check boxes, whose options must not be cut);
  row class `data` marks rows a `sum` adds up.
- charts (XLSX only): in a `<section chart="title">`, rows of class `chart` are the lines of
  the page's chart, each named by its `chart-name` cell, with its values in the columns of
  the header's `chart-x` cells (the chart's categories: the years); the charts of all pages
  are drawn on the page `<section class="charts">`, one under the other.

Text is taken exactly as rendered (entities decoded, line breaks kept): escaping is the template
engine's job, decoding is the parser's, so user text survives both unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree


class LayoutError(Exception):
    """The layout template rendered something that is not a consistent form grid."""


@dataclass(frozen=True, slots=True)  # slotted: an index has a cell per row and column
class Cell:
    """One cell: its text, where it sits in the grid, its span and kind."""

    text: str
    row: int  # 0-based row within its table
    col: int  # 0-based column in the grid
    rowspan: int
    colspan: int
    label: bool  # a <th>
    classes: frozenset[str]
    value: Decimal | None  # amount/integer cells: the exact number

    @property
    def places(self) -> int:
        """Decimals an amount cell prints with: as many as its text shows (18,417,248.00: 2)."""
        _, dot, decimals = self.text.removesuffix("%").partition(".")
        return len(decimals) if dot and decimals.isdigit() else 0

    @property
    def numeric(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[Cell, ...]
    header: bool  # repeats on every page
    data: bool  # a row that `sum` cells add up
    chart: bool = False  # a line of the page's chart


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]
    columns: int


@dataclass(frozen=True)
class Heading:
    text: str
    level: str  # "title" (h1), "subtitle" (p) or "note" (p class="note": a footnote)


Block = Heading | Table


@dataclass(frozen=True)
class Page:
    """Blocks that share one grid: a sheet of the XLSX; `title` names it ("" for the default)."""

    title: str
    blocks: tuple[Block, ...]
    chart: str = ""  # the title of the chart of its `chart` rows
    charts: bool = False  # the page the charts are drawn on

    @property
    def columns(self) -> int:
        """The width of the page's grid: every table has the same number of columns."""
        widths = {b.columns for b in self.blocks if isinstance(b, Table)}
        return widths.pop() if len(widths) == 1 else 0


@dataclass(frozen=True)
class Layout:
    """A rendered layout; `name` is its template's (form, index), for its measures;
    `landscape` the form kind's orientation (None: the style file's for `name`)."""

    name: str
    pages: tuple[Page, ...]
    landscape: bool | None = None

    @property
    def blocks(self) -> tuple[Block, ...]:
        return tuple(block for page in self.pages for block in page.blocks)

    @property
    def columns(self) -> int:
        return self.pages[0].columns if self.pages else 0


def parse_layout(html: str | Iterable[str], name: str, landscape: bool | None = None) -> Layout:
    """Read a rendered layout template into a Layout, checking the grid. Each table row is
    placed on its grid as soon as it is read, and its cells then let go of: a year's index of
    thousands of rows is never held as a whole document tree."""
    grids: dict[etree._Element, _Grid] = {}
    parser = etree.XMLPullParser(
        events=("end",), tag="tr", resolve_entities=False, no_network=True, huge_tree=True
    )
    try:
        for text in _batches(html):
            parser.feed(text)
            for _, tr in parser.read_events():
                _place(tr, grids)
        root = parser.close()
    except etree.XMLSyntaxError as error:
        raise LayoutError(f"标记不完整或不合法（第 {error.lineno} 行）：{error.msg}") from None
    _no_loose_text(root.text)
    sections = [element for element in root if element.tag == "section"]
    if sections and len(sections) != len(root):
        raise LayoutError("<section> 之外不能有别的内容：要么全部分节，要么都不分")
    pages = [
        _page(section, grids, section.get("title", ""), section.get("chart", ""), _charts(section))
        for section in sections
    ] or [_page(root, grids, "")]
    _no_loose_text(root.text)
    _check_charts(pages)
    return Layout(name, tuple(pages), landscape)


def _batches(html: str | Iterable[str]) -> Iterator[str]:
    """`<layout>{html}</layout>` in texts of about _PIECE characters: `html` as one text, or
    as the many small pieces a template renders, taken as they come."""
    pieces = (
        (html[at : at + _PIECE] for at in range(0, len(html), _PIECE))
        if isinstance(html, str)
        else html
    )
    batch, size = ["<layout>"], 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= _PIECE:
            yield "".join(batch)
            batch, size = [], 0
    batch.append("</layout>")
    yield "".join(batch)


_PIECE = 1 << 16  # characters fed to the parser at a time


def _place(tr: etree._Element, grids: dict[etree._Element, _Grid]) -> None:
    """Place the row `tr`, just read, on the grid of its table, and let go of its cells; a
    row outside a table is left to be refused where it stands (_page, _rows)."""
    parent = tr.getparent()
    section = parent.tag if parent is not None else ""
    table = parent.getparent() if section in ("thead", "tbody") else parent
    if table is None or table.tag != "table":
        return
    grid = grids.setdefault(table, _Grid())
    grid.add(_row(tr, header=section == "thead"))
    grid.read.add(tr)
    for cell in list(tr):
        tr.remove(cell)


def _check_charts(pages: list[Page]) -> None:
    """Chart rows only where the page names its chart and a page takes the charts; each
    chart's categories in one header row, side by side."""
    charted = [
        p for p in pages if any(r.chart for b in p.blocks if isinstance(b, Table) for r in b.rows)
    ]
    if charted and not any(p.charts for p in pages):
        raise LayoutError('有 class="chart" 的行，却没有放图表的 <section class="charts">')
    for page in charted:
        if not page.chart:
            raise LayoutError(
                f'“{page.title}”有 class="chart" 的行，其 <section> 却没有 chart="图表标题"'
            )
        for table in (b for b in page.blocks if isinstance(b, Table)):
            columns = chart_columns(table)
            if any(r.chart for r in table.rows) and (
                not columns or columns != list(range(columns[0], columns[-1] + 1))
            ):
                raise LayoutError('图表的行所在的表格须有一行连续的 class="chart-x" 表头单元格')


def chart_columns(table: Table) -> list[int]:
    """The grid columns of `table`'s first row with `chart-x` cells: its chart's categories."""
    for row in table.rows:
        columns = [c.col for c in row.cells if "chart-x" in c.classes]
        if columns:
            return columns
    return []


def _charts(section: etree._Element) -> bool:
    return "charts" in section.get("class", "").split()


def _page(
    parent: etree._Element,
    grids: dict[etree._Element, _Grid],
    title: str,
    chart: str = "",
    charts: bool = False,
) -> Page:
    blocks: list[Block] = []
    _no_loose_text(parent.text)
    for element in parent:
        if element.tag == "h1":
            blocks.append(Heading(_text(element), "title"))
        elif element.tag == "p":
            note = "note" in element.get("class", "").split()
            blocks.append(Heading(_text(element), "note" if note else "subtitle"))
        elif element.tag == "table":
            grid = grids.get(element, _Grid())
            _rows(element, grid.read)
            blocks.append(grid.table())
        else:
            raise LayoutError(f"布局模板不支持 <{element.tag}>")
        _no_loose_text(element.tail)
    page = Page(title, tuple(blocks), chart, charts)
    tables = [b for b in page.blocks if isinstance(b, Table)]
    if tables and not page.columns:
        widths = sorted({t.columns for t in tables})
        raise LayoutError(f"表格列数不一致：{widths}")
    return page


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass(slots=True)
class _RawCell:
    label: bool
    attrs: dict[str, str]
    text: str


_RawRow = tuple[list[_RawCell], bool, bool, bool]  # cells, header, data, chart


def _rows(table: etree._Element, read: set[etree._Element]) -> None:
    """Check what `table` holds besides its rows (placed as they were `read`)."""
    _no_loose_text(table.text)
    for child in table:
        _no_loose_text(child.tail)
        if child.tag in ("thead", "tbody"):
            _no_loose_text(child.text)
            for tr in child:
                _no_loose_text(tr.tail)
                if tr not in read:
                    _row(tr, header=child.tag == "thead")  # not a row: says what it is
        elif child.tag == "tr":
            pass
        elif child.tag in ("td", "th"):
            raise LayoutError(f"<{child.tag}> 不在 <tr> 之内")
        elif child.tag not in ("col", "colgroup"):
            raise LayoutError(f"<table> 里不支持 <{child.tag}>")


def _row(tr: etree._Element, header: bool) -> _RawRow:
    if tr.tag != "tr":
        raise LayoutError(
            f"<{tr.tag}> 不在 <tr> 之内" if tr.tag in ("td", "th") else f"布局模板不支持 <{tr.tag}>"
        )
    _no_loose_text(tr.text)
    cells = []
    for cell in tr:
        if cell.tag not in ("td", "th"):
            raise LayoutError(f"<tr> 里不支持 <{cell.tag}>")
        _no_loose_text(cell.tail)
        cells.append(_RawCell(cell.tag == "th", dict(cell.attrib), _text(cell)))
    classes = tr.get("class", "").split()
    return cells, header, "data" in classes, "chart" in classes


def _text(element: etree._Element) -> str:
    """The element's text exactly, <br/> read as a line break."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != "br":
            raise LayoutError(f"单元格里不支持 <{child.tag}>")
        parts += ["\n", child.tail or ""]
    return "".join(parts)


def _no_loose_text(text: str | None) -> None:
    if text and text.strip():
        raise LayoutError(f"单元格之外的文字：{text.strip()[:30]}")


@dataclass
class _Grid:
    """A table's rows placed on its grid as they come, HTML-style: each cell takes the next
    column not covered by a rowspan from above. Only the cells covered in the rows still to
    come are remembered (each rowspan as the rows and columns it reaches), and of each row
    placed, the first column it leaves empty."""

    rows: list[Row] = field(default_factory=list)
    read: set[etree._Element] = field(default_factory=set)  # the <tr> placed
    _above: list[tuple[int, range]] = field(default_factory=list)  # (last row, columns)
    _ends: list[int] = field(default_factory=list)  # of each row: its first empty column
    _shared: dict[str, frozenset[str]] = field(default_factory=dict)  # one set per class

    def add(self, raw_row: _RawRow) -> None:
        raw_cells, header, data, chart = raw_row
        r = len(self.rows)
        self._above = [(last, columns) for last, columns in self._above if last >= r]
        covered = {c for _, columns in self._above for c in columns}
        col = 0
        cells = []
        for raw in raw_cells:
            while col in covered:
                col += 1
            rowspan = _span(raw.attrs, "rowspan", MAX_ROWS)
            colspan = _span(raw.attrs, "colspan", MAX_COLUMNS)
            covered.update(range(col, col + colspan))
            if rowspan > 1:
                self._above.append((r + rowspan - 1, range(col, col + colspan)))
            attribute = raw.attrs.get("class", "")
            classes = self._shared.setdefault(attribute, frozenset(attribute.split()))
            value = _number(raw, classes, raw.text)
            cells.append(Cell(raw.text, r, col, rowspan, colspan, raw.label, classes, value))
            col += colspan
        while col in covered:
            col += 1
        self._ends.append(col)
        self.rows.append(Row(tuple(cells), header, data, chart))

    def table(self) -> Table:
        """The table, once every row is placed; LayoutError when a row leaves a column of the
        grid empty or a rowspan reaches beyond the last row."""
        width = max(self._ends, default=0)
        for r, end in enumerate(self._ends):
            if end < width:
                raise LayoutError(f"表格第 {r + 1} 行缺少第 {end + 1} 列的单元格")
        if any(last >= len(self.rows) for last, _ in self._above):
            raise LayoutError("rowspan 超出了表格的最后一行")
        return Table(tuple(self.rows), width)


def _span(attrs: dict[str, str], name: str, most: int) -> int:
    text = attrs.get(name, "1") or "1"
    if not (text.isascii() and text.isdigit()) or not text.strip("0"):
        raise LayoutError(f"{name}={text[:12]!r} 不是正整数")
    if len(text.lstrip("0")) > len(str(most)) or int(text) > most:  # never int() of 5,000 digits
        shown = "行" if name == "rowspan" else "列"
        raise LayoutError(f"{name}={text[:12]} 超过了一张工作表的 {most:,} {shown}")
    return int(text)


MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384  # of a worksheet: no span may be larger


NUMERIC_CLASSES = frozenset({"amount", "integer", "number", "percent"})
_WHITE_SPACE = re.compile(r"(\s+)")


def break_between_words(text: str, fits: Callable[[str], bool]) -> str:
    """`text` with each line that does not fit broken at white space only: as many words on
    a line as `fits`, the space where a line is broken left out. Office programs break Chinese
    text between any two characters and (LibreOffice, with Chinese text) ignore a WORD JOINER,
    so the writers break the lines of a `words` cell themselves, measuring generously so that
    no line is broken again. A word longer than a line stays whole on a line of its own."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        parts = _WHITE_SPACE.split(paragraph)  # word, space, word, … (words may be "")
        line = parts[0]
        for space, word in zip(parts[1::2], parts[2::2], strict=True):
            if line.strip() and word and not fits(line + space + word):
                lines.append(line)
                line = word
            else:
                line += space + word
        lines.append(line)
    return "\n".join(lines)


def _number(raw: _RawCell, classes: frozenset[str], text: str) -> Decimal | None:
    if not classes & NUMERIC_CLASSES or not (raw.attrs.get("data-value") or text.strip()):
        return None
    written = raw.attrs.get("data-value", text).replace(",", "").strip()
    try:
        if "percent" in classes:
            return Decimal(written.removesuffix("%")) / 100
        return Decimal(written)
    except InvalidOperation:
        raise LayoutError(f"数字单元格的值无法读取：{text!r}") from None
