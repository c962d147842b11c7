"""Reading the tab-separated text export of a form into a Grid: its encodings (UTF-8, the
UTF-16 of Excel's "Unicode 文本", and the GB18030/GBK of Chinese Windows) and its quoting.

Quoting follows what spreadsheet programs write: a cell is quoted when it holds a line break,
a tab or a quote, and then the quotes span the whole cell, inner quotes doubled (a"b is written
"a""b"). A cell that merely starts with a quote, such as “"十四五"规划”, is literal text.
"""

from __future__ import annotations

import codecs
import re

from generator.errors import Diagnostic, Location
from generator.importing.grid import Grid, GridBuilder, read_error

READABLE_HINT = "可读取的格式：.xlsx/.xlsm、.docx、制表符分隔的文本 .txt/.tsv"

# A quoted cell: quotes around the whole cell, up to a tab, a line end or the end of the text.
_QUOTED = re.compile(r'"((?:[^"]++|"")*+)"(?=[\t\r\n]|\Z)')
_DELIMITER = re.compile(r"[\t\r\n]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def grid_from_text(data: bytes, source: str) -> tuple[Grid, tuple[Diagnostic, ...]]:
    """The grid of a text export, with a warning when it had to be read as GB18030."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return grid_from_tsv(data.decode("utf-16"), source), ()
        except UnicodeDecodeError:
            raise read_error(source, "E603", "不是有效的 UTF-16 文本", READABLE_HINT) from None
    if b"\x00" in data:
        raise read_error(source, "E603", "不是文本文件：内容含有二进制数据", READABLE_HINT)
    try:
        return grid_from_tsv(data.decode("utf-8-sig"), source), ()
    except UnicodeDecodeError:
        # Exports from Chinese Windows are often GB 18030 (GBK): read them, and say so.
        note = Diagnostic(Location(source, 1, 1), "W605", "文件不是 UTF-8，按 GB18030（GBK）读取")
        return grid_from_tsv(data.decode("gb18030", errors="replace"), source), (note,)


def grid_from_tsv(text: str, source: str) -> Grid:
    """The rows of tab-separated `text`; each row numbered by the line it starts on."""
    text = text.removeprefix("\ufeff")
    builder = GridBuilder(source)
    pos, line, end = 0, 1, len(text)
    row: list[str] = []
    row_line = 1
    while pos < end:
        quoted = _QUOTED.match(text, pos) if text.startswith('"', pos) else None
        if quoted:
            cell = _LINE_BREAK.sub("\n", quoted.group(1).replace('""', '"'))
            line += len(_LINE_BREAK.findall(quoted.group(1)))
            pos = quoted.end()
        else:
            delimiter = _DELIMITER.search(text, pos)
            stop = delimiter.start() if delimiter else end
            cell, pos = text[pos:stop], stop
        builder.check_cell(cell, row_line, len(row) + 1)
        row.append(cell)
        builder.check_width(len(row), row_line)
        if pos < end and text[pos] == "\t":
            pos += 1
            if pos == end:  # a tab at the very end: one more, empty cell
                row.append("")
            continue
        builder.add(row, row_line)
        row = []
        if pos < end:  # a line break
            pos += 2 if text.startswith("\r\n", pos) else 1
            line += 1
            row_line = line
    if row:
        builder.add(row, row_line)
    return builder.grid()
