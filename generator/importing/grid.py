"""A filled-in form as a grid of cell texts, whatever it came from (TSV export, XLSX, DOCX), and
the limits of what a form can hold, which every reader enforces while it reads.

Merged cells keep their text in their first cell and are empty elsewhere, as the form's own
exports have them; every row remembers where it was in its source, for warnings. A file that
cannot be read as a grid (another format, a damaged file, more than a form can hold) is
reported by raising FormReadError with the diagnostic to print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.errors import Diagnostic, Location


@dataclass(frozen=True)
class Limits:
    """What the importer reads at most. A real form has a few hundred rows and a handful of
    columns; the limits are far above that and far below what would exhaust the machine."""

    rows: int = 2_000
    columns: int = 64  # A … BL
    cell_chars: int = 32_767  # the most an Excel cell holds
    file_bytes: int = 32 * 2**20  # the file as given (an XLSX or DOCX with pictures fits)
    xml_part_bytes: int = 8 * 2**20  # one XML part of an XLSX or DOCX, unpacked
    parts: int = 1_000  # members of an XLSX or DOCX zip


LIMITS = Limits()
_ASCII_DIGITS = re.compile(r"[0-9]+")
TOO_BIG_HINT = "申报表不会这么大：确认选对了文件"


class FormReadError(Exception):
    """A file that cannot be read as a form; `diagnostic` (an E6xx) says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def read_error(
    source: str, code: str, message: str, hint: str = "", line: int = 1, col: int = 1
) -> FormReadError:
    return FormReadError(Diagnostic(Location(source, line, col), code, message, hint))


@dataclass(frozen=True)
class Grid:
    """Rows of cell texts (stripped; "" for empty) and each row's line or row number."""

    source: str
    rows: tuple[tuple[str, ...], ...]
    numbers: tuple[int, ...]
    sheet: str = ""  # the worksheet read, when the workbook has several

    def location(self, index: int, col: int = 0) -> Location:
        return Location(self.source, self.numbers[index], col + 1)


@dataclass
class GridBuilder:
    """Collects rows for a Grid, refusing (E604) the first row, column or cell beyond LIMITS,
    so that a reader stops as soon as a file holds more than a form can."""

    source: str
    rows: list[tuple[str, ...]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)

    def add(self, cells: list[str], number: int | None = None) -> None:
        """Add a row; `number` is its line or row in the source (default: its position)."""
        number = len(self.rows) + 1 if number is None else number
        if len(self.rows) >= LIMITS.rows:
            raise read_error(
                self.source,
                "E604",
                f"表格超过 {LIMITS.rows:,} 行，超出可导入的上限",
                TOO_BIG_HINT,
                number,
            )
        self.check_width(len(cells), number)
        for col, text in enumerate(cells, start=1):
            self.check_cell(text, number, col)
        self.rows.append(tuple(cell.strip() for cell in cells))
        self.numbers.append(number)

    def check_width(self, width: int, number: int) -> None:
        if width > LIMITS.columns:
            raise read_error(
                self.source,
                "E604",
                f"一行超过 {LIMITS.columns} 列，超出可导入的上限",
                TOO_BIG_HINT,
                number,
                LIMITS.columns + 1,
            )

    def check_cell(self, text: str, number: int, col: int) -> None:
        check_cell(self.source, text, number, col)

    def grid(self) -> Grid:
        return Grid(self.source, tuple(self.rows), tuple(self.numbers))


def check_cell(source: str, text: str, line: int, col: int, name: str = "") -> None:
    """Refuse a cell longer than an Excel cell holds; `name` is its reference (B4)."""
    if len(text) > LIMITS.cell_chars:
        raise read_error(
            source,
            "E604",
            f"单元格{f' {name} ' if name else ''}有 {len(text):,} 个字符，"
            f"超过上限 {LIMITS.cell_chars:,}（一个 Excel 单元格最多的字符数）",
            "删减这个单元格的内容后再导入",
            line,
            col,
        )


def is_number(text: str) -> bool:
    """Whether `text` is ASCII digits only, as numbers in OOXML are: str.isdigit() also takes
    "²" and other digits int() does not read."""
    return _ASCII_DIGITS.fullmatch(text) is not None
