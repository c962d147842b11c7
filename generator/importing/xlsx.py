"""Reading the worksheet of an XLSX that holds the form into a Grid, for import.

The sheet read is the one Excel opens on (the active sheet) when it is shown and holds a form
(the labels of some kind, importing/recognise.py), else the first shown sheet, then the first
hidden one, that holds a form; with no form anywhere, the active (or first shown) sheet, for
read_form to say so. Every other sheet with a value is named in a warning (W615): one form is
imported at a time. Sheets are looked into up to a budget of XML, so a workbook of many large
sheets stays fast; a sheet beyond it, or larger than a part may be, is named unread.

The worksheet is streamed with lxml (importing/ooxml.py opens the package safely), cell by
cell, so a cell beyond the form's limits (XFD1048576) is refused when it is met, before
anything is laid out. Cells are read as Excel shows them: shared and inline strings (rich text
joined, phonetic guides left out, OOXML escapes such as _x000D_ decoded), numbers as their exact
decimal text as their cell's number format shows them (importing/number_formats.py: the
decimals it shows, percentages, dates), TRUE/FALSE, error values and formula results as
saved. A formula whose result was not saved (files written by programs that calculate nothing)
reads as blank, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from generator.errors import Diagnostic, Location, excerpt
from generator.importing.grid import (
    LIMITS,
    TOO_BIG_HINT,
    Grid,
    GridBuilder,
    check_cell,
    is_number,
    read_error,
)
from generator.importing.labels import visible
from generator.importing.number_formats import GENERAL, NumberFormat, format_of, shown
from generator.importing.ooxml import Package, attribute, local_name, open_package
from generator.importing.recognise import recognise

SAVE_XLSX = "在 Excel 或 WPS 中打开，另存为 → Excel 工作簿 (*.xlsx) 后再导入"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
EXCEL_DIGITS = 15  # significant digits Excel shows of a number
_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
# the XML of sheets looked into beyond the first: a workbook of many large sheets stays fast
_SHEETS_BYTES = 4 * LIMITS.xml_part_bytes


def grid_from_xlsx(data: bytes, source: str) -> tuple[Grid, tuple[Diagnostic, ...]]:
    """The cells of the worksheet holding the form as text (see the module's docstring for
    which), with warnings about what could not be read as written (formulas without a saved
    result, invalid escapes) and about the other sheets that hold something (W615). The grid
    names its sheet when the workbook has more than one."""
    package = open_package(data, source, ".xlsx", SAVE_XLSX)
    workbook = package.main_part()
    sheets = _worksheets(package, workbook)
    strings = [
        _rich_text(item)
        for name in package.related(workbook, "sharedStrings")[:1]
        for item in package.xml(name)
        if local_name(item) == "si"
    ]
    formats = _number_formats(package, workbook)
    read: dict[_Sheet, _SheetReader] = {}
    chosen: _Sheet | None = None
    budget = _SHEETS_BYTES
    # the active sheet if Excel shows it, then the other shown ones, then the hidden ones
    for sheet in sorted(sheets, key=lambda s: (not s.active or s.hidden, s.hidden)):
        if read and _size(package, sheet.part) > min(budget, LIMITS.xml_part_bytes):
            continue  # more than could be read (or looked into): named below
        budget -= _size(package, sheet.part)
        read[sheet] = _SheetReader(package, sheet.part, strings, *formats)
        read[sheet].read()
        if holds_form(read[sheet].grid()):
            chosen = sheet
            break
    chosen = chosen or next(iter(read))  # no form anywhere: the first, to say so
    reader = read[chosen]
    warnings = list(reader.warnings)
    for sheet in sheets:
        if sheet == chosen:
            continue
        if sheet in read:
            holds = bool(read[sheet].cells)
        else:  # a sheet too large to look into is named all the same
            size = _size(package, sheet.part)
            too_large = size > min(budget, LIMITS.xml_part_bytes)
            holds = too_large or _SheetReader(package, sheet.part, strings, *formats).holds()
            budget -= 0 if too_large else size
        if holds:
            hidden = "隐藏的" if sheet.hidden else ""
            warnings.append(
                Diagnostic(
                    Location(source, 1, 1),
                    "W615",
                    f"{hidden}工作表“{_name(sheet)}”未导入（读取的是工作表“{_name(chosen)}”）",
                    "一次只导入一张表；把它另存为单独的文件再导入",
                )
            )
    grid = reader.grid()
    return (replace(grid, sheet=chosen.name) if len(sheets) > 1 else grid), tuple(warnings)


def holds_form(grid: Grid) -> bool:
    """Whether `grid` has the labels of some form kind."""
    return recognise(grid).labels > 0


def column_name(number: int) -> str:
    """The letters of column `number` (1 → A, 64 → BL)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class _Sheet:
    name: str
    part: str
    hidden: bool  # hidden or very hidden: Excel does not show it
    active: bool  # the sheet Excel opens on


def _worksheets(package: Package, workbook: str) -> list[_Sheet]:
    """The workbook's worksheets in its order (chart sheets are not worksheets)."""
    targets = {id_: part for type_, id_, part in package.relationships(workbook)}
    kinds = {id_: type_ for type_, id_, _ in package.relationships(workbook)}
    root = package.xml(workbook)
    view = next(root.iter("{*}workbookView"), None)
    active = view.get("activeTab", "0") if view is not None else "0"
    found = []
    for index, element in enumerate(root.iter("{*}sheet")):
        id_ = attribute(element, "id")
        if id_ in targets and kinds[id_] == "worksheet":
            hidden = element.get("state", "visible") != "visible"
            name = element.get("name", "")
            found.append(_Sheet(name, targets[id_], hidden, str(index) == active.strip()))
    if not found:
        raise package.error("E603", "不是有效的 .xlsx 文件：没有工作表")
    return found


def _name(sheet: _Sheet) -> str:
    return visible(excerpt(sheet.name))


def _size(package: Package, part: str) -> int:
    """The unpacked size of `part` (0 when missing: reading it says so)."""
    info = package.members.get(part.lower())
    return 0 if info is None else info.file_size


def _number_formats(package: Package, workbook: str) -> tuple[tuple[NumberFormat, ...], bool]:
    """The number format of each cell style (by the index a cell's `s` names), and whether
    the workbook counts dates from 1904."""
    date1904 = any(
        (attribute(element, "date1904") or "").lower() in ("1", "true")
        for element in package.xml(workbook).iter("{*}workbookPr")
    )
    formats: list[NumberFormat] = []
    for name in package.related(workbook, "styles")[:1]:
        styles = package.xml(name)
        custom: dict[int, str] = {}
        for element in styles.iterfind("{*}numFmts/{*}numFmt"):
            number = element.get("numFmtId", "")
            if is_number(number) and len(number) <= 9:
                custom[int(number)] = element.get("formatCode", "")
        for xf in styles.iterfind("{*}cellXfs/{*}xf"):
            number = xf.get("numFmtId", "0")
            valid = is_number(number) and len(number) <= 9
            formats.append(format_of(int(number), custom) if valid else GENERAL)
    return tuple(formats), date1904


def _rich_text(item: Any) -> str:
    """The text of a string item (<si>, <is>): plain or in runs, without phonetic guides."""
    parts = []
    for child in item:
        name = local_name(child)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child.iterfind("{*}t"))
    return "".join(parts)


@dataclass
class _SheetReader:
    package: Package
    part: str
    strings: list[str]
    formats: tuple[NumberFormat, ...] = ()
    date1904: bool = False
    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    count: int = 0  # cells with a value read so far

    def read(self) -> None:
        row = col = 0
        current = None  # the row element being read
        unplaced: str | None = None  # the reference of the last empty cell, parsed if needed
        for cell in self.package.elements(self.part, "{*}c"):
            parent = cell.getparent()
            if parent is not current:
                current = parent
                row, col, unplaced = self._number(parent.get("r"), row + 1), 0, None
                while parent.getprevious() is not None:  # free the rows already read
                    del parent.getparent()[0]
            reference = cell.get("r")
            if reference is None and unplaced is not None:
                row, col = self._position(unplaced)
                unplaced = None
            if len(cell) == 0 and reference is not None:  # empty (a style only): skip it fast
                unplaced = reference
            elif reference is None:
                col += 1
            else:
                row, col = self._position(reference)
                unplaced = None
            if len(cell):
                self._cell(cell, row, col)
            cell.clear()
            while cell.getprevious() is not None:  # free the cells already read
                del parent[0]

    def grid(self) -> Grid:
        height = max((r for r, _ in self.cells), default=0)
        width = max((c for _, c in self.cells), default=0)
        builder = GridBuilder(self.package.source)
        for r in range(1, height + 1):
            builder.add([self.cells.get((r, c), "") for c in range(1, width + 1)], r)
        return builder.grid()

    def holds(self) -> bool:
        """Whether the sheet has a cell with a value or a formula, looked for without reading
        it into a grid (it stops at the first)."""
        for cell in self.package.elements(self.part, "{*}c"):
            if len(cell):
                text, formula_without_result = self._value(cell)
                if text.strip() or formula_without_result:
                    return True
            cell.clear()
        return False

    def _number(self, text: str | None, default: int) -> int:
        if text is None:
            return default
        if not is_number(text) or len(text) > 7:
            raise self._damaged(f"行号“{excerpt(text)}”")
        return int(text)

    def _position(self, reference: str) -> tuple[int, int]:
        match = _REFERENCE.fullmatch(reference)
        if match is None:
            raise self._damaged(f"单元格引用“{excerpt(reference)}”")
        letters = match.group(1)
        number = 0
        for letter in letters:
            number = number * 26 + ord(letter) - ord("A") + 1
        return int(match.group(2)), number

    def _damaged(self, what: str) -> Exception:
        return self.package.error("E603", f"文件已损坏：{self.part} 中的{what}无效")

    def _cell(self, element: Any, row: int, col: int) -> None:
        text, formula_without_result = self._value(element)
        if not text and not formula_without_result:
            return
        source = self.package.source
        if row > LIMITS.rows or col > LIMITS.columns:
            raise read_error(
                source,
                "E604",
                f"单元格 {column_name(col)}{row} 超出可导入的范围 "
                f"A1:{column_name(LIMITS.columns)}{LIMITS.rows}"
                f"（最多 {LIMITS.rows:,} 行、{LIMITS.columns} 列）",
                "删除范围之外的内容后保存，再导入",
                row,
                col,
            )
        self.count += 1
        if self.count > LIMITS.rows * LIMITS.columns:  # cells written over and over
            raise read_error(
                source,
                "E604",
                f"单元格超过 {LIMITS.rows * LIMITS.columns:,} 个，超出可导入的上限",
                TOO_BIG_HINT,
                row,
                col,
            )
        if len(text) > LIMITS.cell_chars:
            check_cell(source, text, row, col, f"{column_name(col)}{row}")
        if formula_without_result:
            self.warnings.append(
                Diagnostic(
                    Location(source, row, col),
                    "W607",
                    f"单元格 {column_name(col)}{row} 是公式，文件中没有保存计算结果，读作空白",
                    "在 Excel 或 WPS 中打开并保存一次，再导入",
                )
            )
        text, invalid = _unescape(text)
        for escape in invalid:
            message = f"单元格 {column_name(col)}{row} 中的“{escape}”不是有效的字符转义，按原样保留"
            self.warnings.append(Diagnostic(Location(source, row, col), "W608", message))
        self.cells[row, col] = text

    def _value(self, element: Any) -> tuple[str, bool]:
        """The cell's text, and whether it is a formula whose result was not saved."""
        kind = element.get("t", "n")
        if kind == "inlineStr":
            item = element.find("{*}is")
            return ("" if item is None else _rich_text(item)), False
        value = element.findtext("{*}v") or ""
        if not value:
            return "", element.find("{*}f") is not None
        if kind == "s":
            index = value.lstrip("0") or "0"
            # the length first: never int() of thousands of digits
            if not is_number(value) or len(index) > 9 or int(index) >= len(self.strings):
                raise self._damaged(f"共享字符串编号“{excerpt(value)}”")
            return self.strings[int(index)], False
        if kind == "b":
            return ("TRUE" if value.strip() == "1" else "FALSE"), False
        if kind == "n":
            return shown(number_text(value), self._format(element), self.date1904), False
        return value, False  # str (a formula's text result), e (#N/A …), d (an ISO date)

    def _format(self, element: Any) -> NumberFormat:
        style = element.get("s", "0")
        if not is_number(style) or len(style) > 9 or int(style) >= len(self.formats):
            return GENERAL
        return self.formats[int(style)]


def number_text(value: str) -> str:
    """A number cell as Excel shows it, as exact decimal text: rounded to 15 significant
    digits (half away from zero) when saved with more, which is how Excel writes the binary
    noise of a double (18417248.300000001 is shown 18417248.3); 1E+3 → 1000. Kept as written
    if it is not a plain number or an absurdly large or small one."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if not number.is_finite() or not -30 <= number.adjusted() <= 30:
        return value
    if len(number.as_tuple().digits) > EXCEL_DIGITS:
        place = Decimal(1).scaleb(number.adjusted() - EXCEL_DIGITS + 1)
        number = number.quantize(place, ROUND_HALF_UP).normalize()
    return format(number, "f")


def _unescape(text: str) -> tuple[str, list[str]]:
    """Decode OOXML escapes (_x000D_, _xD83D__xDE00_ for a surrogate pair); an escape of a
    lone surrogate stands for no character and is kept as written (and returned)."""
    if "_x" not in text:
        return text, []
    out: list[str] = []
    invalid: list[str] = []
    matches = list(_ESCAPE.finditer(text))
    pos = i = 0
    while i < len(matches):
        match = matches[i]
        code = int(match.group(1), 16)
        out.append(text[pos : match.start()])
        pos = match.end()
        i += 1
        if 0xD800 <= code < 0xDC00 and i < len(matches) and matches[i].start() == pos:
            low = int(matches[i].group(1), 16)
            if 0xDC00 <= low < 0xE000:
                out.append(chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)))
                pos = matches[i].end()
                i += 1
                continue
        if 0xD800 <= code < 0xE000:
            out.append(match.group())
            invalid.append(match.group())
        else:
            out.append(chr(code))
    out.append(text[pos:])
    return "".join(out), invalid
