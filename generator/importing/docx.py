"""Reading the form's tables from a DOCX into one Grid, for import.

The main document part is parsed with lxml (importing/ooxml.py opens the package safely);
python-docx is not needed to read, and would parse every part of the package. Title paragraphs
become one-cell rows, then every table row; a merged cell's text stands in its first grid cell
only (gridSpan and vMerge are read, so merged text is not repeated). Spans, rows and cell
texts beyond the form's limits are refused as they are met.
"""

from __future__ import annotations

from typing import Any

from generator.errors import Diagnostic, excerpt
from generator.importing.grid import (
    LIMITS,
    TOO_BIG_HINT,
    Grid,
    GridBuilder,
    is_number,
    read_error,
)
from generator.importing.ooxml import Package, attribute, open_package

SAVE_DOCX = "在 Word 或 WPS 中打开，另存为 → Word 文档 (*.docx) 后再导入"


def grid_from_docx(data: bytes, source: str) -> tuple[Grid, tuple[Diagnostic, ...]]:
    """The document's title paragraphs and table rows as a grid."""
    package = open_package(data, source, ".docx", SAVE_DOCX)
    name = package.main_part()
    document = package.xml(name)
    tag = document.tag  # its namespace: transitional or strict WordprocessingML
    namespace = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
    body = document.find(f"{namespace}body")
    if body is None:
        raise package.error("E603", f"不是有效的 .docx 文件：{name} 没有正文")
    reader = _DocumentReader(package, namespace, GridBuilder(source))
    for element in body.iterchildren(f"{namespace}p", f"{namespace}tbl"):
        if element.tag == f"{namespace}p":
            text = reader.text(element)
            if text:
                reader.builder.add([text])
        else:
            for row in element.iter(f"{namespace}tr"):
                reader.builder.add(reader.row(row))
    return reader.builder.grid(), ()


class _DocumentReader:
    def __init__(self, package: Package, namespace: str, builder: GridBuilder) -> None:
        self.package = package
        self.w = namespace
        self.builder = builder

    def row(self, tr: Any) -> list[str]:
        number = len(self.builder.rows) + 1
        cells: list[str] = []
        for tc in tr.iter(f"{self.w}tc"):
            properties = tc.find(f"{self.w}tcPr")
            span = self._span(properties, number, len(cells) + 1)
            merge = properties.find(f"{self.w}vMerge") if properties is not None else None
            merged_away = merge is not None and attribute(merge, "val") in (None, "continue")
            if merged_away:
                cells.append("")
            else:
                text = "\n".join(self.text(p) for p in tc.iter(f"{self.w}p"))
                self.builder.check_cell(text, number, len(cells) + 1)
                cells.append(text)
            self.builder.check_width(len(cells) + span - 1, number)
            cells.extend([""] * (span - 1))
        return cells

    def _span(self, properties: Any, number: int, col: int) -> int:
        element = properties.find(f"{self.w}gridSpan") if properties is not None else None
        value = attribute(element, "val") if element is not None else None
        if value is None:
            return 1
        if not is_number(value):
            shown = excerpt(value)
            raise self.package.error("E603", f"文件已损坏：单元格的 gridSpan 值“{shown}”无效")
        digits = value.lstrip("0")
        if len(digits) > len(str(LIMITS.columns)) or int(digits or "0") > LIMITS.columns:
            # never int() of a text with more digits than a span can have (thousands of them)
            shown = f"{int(digits):,}" if len(digits) <= 18 else excerpt(digits)
            raise read_error(
                self.package.source,
                "E604",
                f"单元格横跨 {shown} 列，超出可导入的上限 {LIMITS.columns} 列",
                TOO_BIG_HINT,
                number,
                col,
            )
        return max(int(digits or "0"), 1)

    def text(self, paragraph: Any) -> str:
        """A paragraph's text: its runs' text, with line breaks and tabs."""
        w = self.w
        parts = []
        for element in paragraph.iter(f"{w}t", f"{w}br", f"{w}cr", f"{w}tab"):
            if element.tag == f"{w}t":
                parts.append(element.text or "")
            elif element.tag == f"{w}tab":
                # <w:tab> is a tab character in a run, but a tab stop in paragraph properties
                parts.append("\t" if element.getparent().tag == f"{w}r" else "")
            else:
                parts.append("\n")
        return "".join(parts)
