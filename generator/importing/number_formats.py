"""How an XLSX number cell shows, for import: its style's number format (xl/styles.xml) applied
to the number as Excel applies it, so that a form reads as its user sees it.

- Decimals the format shows are kept: 1280.5 under `#,##0.0000` reads 1280.5000, as the form
  prints it. Digits beyond what the format shows are never rounded away (1.2345 under `0.00`
  reads 1.2345): an importer does not round money.
- A percentage format shows the number times 100 with `%` (0.9628 under `0.00%` reads 96.28%).
- A date format shows the date of the serial number, as 2024-01-15 (the 1900 date system with
  its phantom 29 February 1900, or the 1904 one when the workbook says so).
- Grouping separators are not written (a code typed as a number, 312001, stays 312001), and
  General, text and other formats show the number as saved (importing/xlsx.py number_text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum

# Excel's built-in formats that are not General: numbers, percentages, dates (ECMA-376 18.8.30).
_BUILTIN = {
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    14: "yyyy/m/d",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    22: "yyyy/m/d h:mm",
    27: "yyyy年m月",
    28: "m月d日",
    30: "m/d/yy",
    31: "yyyy年m月d日",
    36: "yyyy年m月",
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)",
    49: "@",
    50: "yyyy年m月",
    57: "yyyy年m月",
    58: "m月d日",
}
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_LAST_SERIAL = 2_958_465  # 9999-12-31


class Shape(Enum):
    GENERAL = "general"
    FIXED = "fixed"  # a number with `places` decimals
    PERCENT = "percent"
    DATE = "date"


@dataclass(frozen=True)
class NumberFormat:
    shape: Shape
    places: int = 0


GENERAL = NumberFormat(Shape.GENERAL)


def parse_format(code: str) -> NumberFormat:
    """The shape of format `code` (its first section: the one positive numbers use)."""
    section = _QUOTED.sub("", code.split(";", 1)[0])
    if not section or section.lower() in ("general", "@"):
        return GENERAL
    lowered = section.lower()
    if any(letter in lowered for letter in "ymd"):
        return NumberFormat(Shape.DATE)
    decimals = re.search(r"\.([0#?]+)", section)
    places = len(decimals.group(1)) if decimals else 0
    if "%" in section:
        return NumberFormat(Shape.PERCENT, places)
    if re.search(r"[0#?]", section):
        return NumberFormat(Shape.FIXED, places)
    return GENERAL


def format_of(number_format_id: int, custom: dict[int, str]) -> NumberFormat:
    """The format with id `number_format_id`: a workbook's own (`custom`) or a built-in one."""
    code = custom.get(number_format_id, _BUILTIN.get(number_format_id, "General"))
    return parse_format(code)


def shown(text: str, number_format: NumberFormat, date1904: bool = False) -> str:
    """Number `text` (exact decimal text) as `number_format` shows it (see the module's
    docstring); `text` itself when it is not a number the format can show."""
    if number_format.shape is Shape.GENERAL:
        return text
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    if number_format.shape is Shape.DATE:
        return _date(number, date1904) or text
    if number_format.shape is Shape.PERCENT:
        return f"{_padded(number.scaleb(2), number_format.places)}%"
    return _padded(number, number_format.places)


def _padded(number: Decimal, places: int) -> str:
    """`number` with at least `places` decimals, none of its own dropped."""
    exponent = number.as_tuple().exponent
    own = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{number:.{max(places, own)}f}"


def _date(serial: Decimal, date1904: bool) -> str:
    days = int(serial)
    if not 0 < days <= _LAST_SERIAL or serial < 0:
        return ""
    if date1904:
        day = date(1904, 1, 1) + timedelta(days=days)
    elif days == 60:
        return ""  # 29 February 1900, which Excel counts and which never was
    else:
        day = date(1899, 12, 31 if days < 60 else 30) + timedelta(days=days)
    return day.isoformat()
