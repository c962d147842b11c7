"""The form's layout: a small HTML subset, rendered by a Jinja template, read into a grid.

One layout template (`templates/form.html.j2`) defines the form's structure; the DOCX and the
XLSX writers both draw this `Layout`, so the two can never disagree. The subset:

- `<h1>` the title, `<p>` a line under it (the year);
- `<table>` with `<tr>` rows of `<th>` (labels) and `<td>` (values) cells, each with optional
  `rowspan`, `colspan` and `class`; rows inside `<thead>` repeat on every printed page;
- cell classes: `amount` (a number printed with two decimals; `data-value` holds it exactly),
  `integer`, `center`, `sum` (in a `data` row table: the total of the column's `data` rows);
  row class `data` marks rows a `sum` adds up.

Text is taken exactly as rendered (entities decoded, line breaks kept): escaping is the template
engine's job, decoding is the parser's, so user text survives both unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser


class LayoutError(Exception):
    """The layout template rendered something that is not a consistent form grid."""


@dataclass(frozen=True)
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
    def numeric(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    header: bool  # repeats on every page
    data: bool  # a row that `sum` cells add up


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]
    columns: int


@dataclass(frozen=True)
class Heading:
    text: str
    level: str  # "title" (h1) or "subtitle" (p)


Block = Heading | Table


@dataclass(frozen=True)
class Layout:
    """A rendered layout; `name` is its template's (form, index), for its measures."""

    name: str
    blocks: tuple[Block, ...]

    @property
    def columns(self) -> int:
        """The width of the form's grid: every table has the same number of columns."""
        widths = {b.columns for b in self.blocks if isinstance(b, Table)}
        return widths.pop() if len(widths) == 1 else 0


def parse_layout(html: str, name: str) -> Layout:
    """Read a rendered layout template into a Layout, checking the grid."""
    parser = _LayoutParser()
    parser.feed(html)
    parser.close()
    layout = Layout(name, tuple(parser.blocks))
    tables = [b for b in layout.blocks if isinstance(b, Table)]
    if tables and not layout.columns:
        widths = sorted({t.columns for t in tables})
        raise LayoutError(f"表格列数不一致：{widths}")
    return layout


@dataclass
class _RawCell:
    label: bool
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)


class _LayoutParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._heading: tuple[str, list[str]] | None = None
        self._rows: list[tuple[list[_RawCell], bool, bool]] | None = None
        self._cell: _RawCell | None = None
        self._in_thead = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in ("h1", "p"):
            self._heading = ("title" if tag == "h1" else "subtitle", [])
        elif tag == "table":
            self._rows = []
        elif tag == "thead":
            self._in_thead = True
        elif tag == "tr":
            self._require_table(tag).append(
                ([], self._in_thead, "data" in values.get("class", "").split())
            )
        elif tag in ("th", "td"):
            rows = self._require_table(tag)
            if not rows:
                raise LayoutError(f"<{tag}> 不在 <tr> 之内")
            self._cell = _RawCell(tag == "th", values)
            rows[-1][0].append(self._cell)
        elif tag == "br" and self._cell is not None:
            self._cell.text.append("\n")
        elif tag not in ("tbody", "col", "colgroup"):
            raise LayoutError(f"布局模板不支持 <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "p") and self._heading is not None:
            level, text = self._heading
            self.blocks.append(Heading("".join(text), level))
            self._heading = None
        elif tag in ("th", "td"):
            self._cell = None
        elif tag == "thead":
            self._in_thead = False
        elif tag == "table" and self._rows is not None:
            self.blocks.append(_grid(self._rows))
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text.append(data)
        elif self._heading is not None:
            self._heading[1].append(data)
        elif data.strip():
            raise LayoutError(f"单元格之外的文字：{data.strip()[:30]}")

    def _require_table(self, tag: str) -> list[tuple[list[_RawCell], bool, bool]]:
        if self._rows is None:
            raise LayoutError(f"<{tag}> 不在 <table> 之内")
        return self._rows


def _grid(raw_rows: list[tuple[list[_RawCell], bool, bool]]) -> Table:
    """Place cells on a grid, HTML-style: each cell takes the next column not covered by a
    rowspan from above."""
    covered: set[tuple[int, int]] = set()
    rows: list[Row] = []
    width = 0
    for r, (raw_cells, header, data) in enumerate(raw_rows):
        col = 0
        cells = []
        for raw in raw_cells:
            while (r, col) in covered:
                col += 1
            rowspan = _span(raw.attrs, "rowspan")
            colspan = _span(raw.attrs, "colspan")
            for dr in range(rowspan):
                for dc in range(colspan):
                    covered.add((r + dr, col + dc))
            classes = frozenset(raw.attrs.get("class", "").split())
            text = "".join(raw.text)
            cells.append(
                Cell(
                    text, r, col, rowspan, colspan, raw.label, classes, _number(raw, classes, text)
                )
            )
            col += colspan
        while (r, col) in covered:
            col += 1
        width = max(width, col)
        rows.append(Row(tuple(cells), header, data))
    for r in range(len(rows)):
        missing = [c for c in range(width) if (r, c) not in covered]
        if missing:
            raise LayoutError(f"表格第 {r + 1} 行缺少第 {missing[0] + 1} 列的单元格")
    if any(r >= len(rows) for r, _ in covered):
        raise LayoutError("rowspan 超出了表格的最后一行")
    return Table(tuple(rows), width)


def _span(attrs: dict[str, str], name: str) -> int:
    text = attrs.get(name, "1") or "1"
    if not text.isdigit() or int(text) < 1:
        raise LayoutError(f"{name}={text!r} 不是正整数")
    return int(text)


def _number(raw: _RawCell, classes: frozenset[str], text: str) -> Decimal | None:
    if not classes & {"amount", "integer"}:
        return None
    try:
        return Decimal(raw.attrs.get("data-value", text).replace(",", ""))
    except InvalidOperation:
        raise LayoutError(f"数字单元格的值无法读取：{text!r}") from None
