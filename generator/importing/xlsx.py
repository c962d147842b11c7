"""Reading a form sheet from an XLSX into a Grid, for import. With render_xlsx, the only
modules that import openpyxl."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from generator.importing.grid import Grid, grid_from_rows

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def grid_from_xlsx(path: Path, source: str) -> Grid:
    """The first sheet's cells as text; numbers as their exact decimal text."""
    workbook = load_workbook(path, data_only=True)
    sheet = workbook.worksheets[0]
    rows = [[_text(cell.value) for cell in row] for row in sheet.iter_rows()]
    return grid_from_rows(source, rows)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    # OOXML escapes (_x0041_) are how the file spells characters; Office shows them decoded.
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), str(value))
