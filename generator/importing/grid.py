"""A filled-in form as a grid of cell texts, whatever it came from (TSV export, XLSX, DOCX).

Merged cells keep their text in their first cell and are empty elsewhere, as the form's own
exports have them; every row remembers where it was in its source, for warnings.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from generator.errors import Location


@dataclass(frozen=True)
class Grid:
    """Rows of cell texts (stripped; "" for empty) and each row's line or row number."""

    source: str
    rows: tuple[tuple[str, ...], ...]
    numbers: tuple[int, ...]

    def location(self, index: int, col: int = 0) -> Location:
        return Location(self.source, self.numbers[index], col + 1)


def grid_from_rows(source: str, rows: list[list[str]], numbers: list[int] | None = None) -> Grid:
    cleaned = tuple(tuple(cell.strip() for cell in row) for row in rows)
    return Grid(source, cleaned, tuple(numbers or range(1, len(rows) + 1)))


def grid_from_tsv(text: str, source: str) -> Grid:
    """A tab-separated export; a cell holding line breaks is quoted, as Excel exports it."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter="\t")
    rows: list[list[str]] = []
    numbers: list[int] = []
    start = 1
    for row in reader:
        rows.append(row)
        numbers.append(start)
        start = reader.line_num + 1
    return grid_from_rows(source, rows, numbers)
