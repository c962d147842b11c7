"""Reading the form's tables from a DOCX into one Grid, for import.

The main document part is parsed with lxml (importing/ooxml.py opens the package safely);
python-docx is not needed to read, and would parse every part of the package. Title paragraphs
become one-cell rows, then every table row; a merged cell's text stands in its first grid cell
only (gridSpan and vMerge are read, so merged text is not repeated). Spans, rows and cell
texts beyond the form's limits are refused as they are met.

The text read is the text Word shows with every tracked change accepted: deleted and moved-away
text (w:del, w:moveFrom) is left out, once warned; hidden text (w:vanish) is left out, warned;
of mc:AlternateContent only one branch is read (mc:Fallback, which every reader understands, else
the first mc:Choice). Paragraphs, tables, rows and cells wrapped in content controls (w:sdt) or
custom XML are read as if unwrapped. A table nested in a cell is not merged into the cell's
text: it is warned, with its text (W612).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.errors import Diagnostic, Location, excerpt
from generator.importing.grid import (
    LIMITS,
    TOO_BIG_HINT,
    Grid,
    GridBuilder,
    is_number,
    read_error,
)
from generator.importing.ooxml import Package, attribute, local_name, open_package

SAVE_DOCX = "在 Word 或 WPS 中打开，另存为 → Word 文档 (*.docx) 后再导入"
_OFF = ("0", "false", "off")  # ST_OnOff values that turn a property off
_REVISED = "文档中有未接受的修订：按接受全部修订后的文字读取（删除和移走的文字不导入）"


def grid_from_docx(data: bytes, source: str) -> tuple[Grid, tuple[Diagnostic, ...]]:
    """The document's title paragraphs and table rows as a grid, with warnings about what
    was not read (hidden text, nested tables, tracked deletions)."""
    package = open_package(data, source, ".docx", SAVE_DOCX)
    name = package.main_part()
    document = package.xml(name)
    tag = document.tag  # its namespace: transitional or strict WordprocessingML
    namespace = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
    body = document.find(f"{namespace}body")
    if body is None:
        raise package.error("E603", f"不是有效的 .docx 文件：{name} 没有正文")
    reader = _DocumentReader(package, namespace, GridBuilder(source))
    for element in reader.blocks(body, "p", "tbl"):
        if element.tag == f"{namespace}p":
            text = reader.text(element, (len(reader.builder.rows) + 1, 1))
            if text:
                reader.builder.add([text])
        else:
            for row in reader.blocks(element, "tr"):
                reader.builder.add(reader.row(row))
    return reader.builder.grid(), tuple(reader.warnings)


class _DocumentReader:
    def __init__(self, package: Package, namespace: str, builder: GridBuilder) -> None:
        self.package = package
        self.w = namespace
        self.builder = builder
        self.warnings: list[Diagnostic] = []
        self.revised = False  # warned about tracked deletions already

    def warn(self, where: tuple[int, int], message: str) -> None:
        location = Location(self.package.source, *where)
        self.warnings.append(Diagnostic(location, "W612", message))

    def blocks(self, parent: Any, *names: str) -> Iterator[Any]:
        """The children of `parent` named `names` (p, tbl, tr, tc), also those wrapped in
        content controls or custom XML."""
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            if child.tag in (f"{self.w}{name}" for name in names):
                yield child
            elif child.tag == f"{self.w}sdt":
                content = child.find(f"{self.w}sdtContent")
                if content is not None:
                    yield from self.blocks(content, *names)
            elif child.tag == f"{self.w}customXml":
                yield from self.blocks(child, *names)

    def row(self, tr: Any) -> list[str]:
        number = len(self.builder.rows) + 1
        cells: list[str] = []
        for tc in self.blocks(tr, "tc"):
            properties = tc.find(f"{self.w}tcPr")
            span = self._span(properties, number, len(cells) + 1)
            merge = properties.find(f"{self.w}vMerge") if properties is not None else None
            merged_away = merge is not None and attribute(merge, "val") in (None, "continue")
            if merged_away:
                cells.append("")
            else:
                text = self.cell(tc, (number, len(cells) + 1))
                self.builder.check_cell(text, number, len(cells) + 1)
                cells.append(text)
            self.builder.check_width(len(cells) + span - 1, number)
            cells.extend([""] * (span - 1))
        return cells

    def cell(self, tc: Any, where: tuple[int, int]) -> str:
        """A cell's paragraphs, one per line; a table nested in it is warned, not read."""
        lines = []
        for block in self.blocks(tc, "p", "tbl"):
            if block.tag == f"{self.w}p":
                lines.append(self.text(block, where))
                continue
            quiet = _DocumentReader(self.package, self.w, self.builder)  # its own warnings
            texts = [quiet.text(p, where) for p in block.iter(f"{self.w}p")]
            shown = "、".join(text.strip() for text in texts if text.strip())
            self.warn(where, f"单元格中嵌套的表格未导入：{excerpt(shown, 200)}")
        return "\n".join(lines)

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

    def text(self, paragraph: Any, where: tuple[int, int]) -> str:
        """A paragraph's text as Word shows it: its runs' text, with line breaks and tabs."""
        parts: list[str] = []
        self._inline(paragraph, parts, where)
        return "".join(parts)

    def _inline(self, element: Any, parts: list[str], where: tuple[int, int]) -> None:
        w = self.w
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in (f"{w}pPr", f"{w}rPr"):
                continue  # properties hold tab stops (<w:tab>), not text
            if tag in (f"{w}del", f"{w}moveFrom"):
                if not self.revised:
                    self.revised = True
                    self.warn(where, _REVISED)
            elif local_name(child) == "AlternateContent":
                branch = _branch(child)
                if branch is not None:
                    self._inline(branch, parts, where)
            elif tag == f"{w}r" and self._hidden(child):
                hidden: list[str] = []
                self._inline(child, hidden, where)
                if "".join(hidden).strip():
                    shown = excerpt("".join(hidden), 200)
                    self.warn(where, f"隐藏文字“{shown}”未导入（Word 中设为隐藏，打印时看不到）")
            elif tag == f"{w}t":
                parts.append(child.text or "")
            elif tag == f"{w}tab":
                parts.append("\t")
            elif tag in (f"{w}br", f"{w}cr"):
                parts.append("\n")
            else:
                self._inline(child, parts, where)

    def _hidden(self, run: Any) -> bool:
        properties = run.find(f"{self.w}rPr")
        vanish = properties.find(f"{self.w}vanish") if properties is not None else None
        return vanish is not None and (attribute(vanish, "val") or "true").lower() not in _OFF


def _branch(alternate: Any) -> Any:
    """The branch of mc:AlternateContent to read: its mc:Fallback, which any reader
    understands, else its first mc:Choice (None when it has neither)."""
    choices = [child for child in alternate if local_name(child) in ("Choice", "Fallback")]
    fallback = next((child for child in choices if local_name(child) == "Fallback"), None)
    return fallback if fallback is not None else next(iter(choices), None)
