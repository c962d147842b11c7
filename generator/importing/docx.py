"""Reading the form's tables from a DOCX into one Grid, for import. With render_docx, the only
modules that import python-docx."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from generator.importing.grid import Grid, grid_from_rows


def grid_from_docx(path: Path, source: str) -> Grid:
    """Title paragraphs, then every table row; a merged cell's text stands in its first grid
    cell only (gridSpan and vMerge read from the XML, so merged text is not repeated)."""
    document = Document(str(path))
    rows: list[list[str]] = []
    body = document.element.body
    for element in body.iterchildren():
        if element.tag == qn("w:p"):
            text = _text(element)
            if text:
                rows.append([text])
        elif element.tag == qn("w:tbl"):
            for tr in element.iter(qn("w:tr")):
                row: list[str] = []
                for tc in tr.iter(qn("w:tc")):
                    properties = tc.tcPr
                    span = properties.grid_span if properties is not None else 1
                    merged_away = properties is not None and properties.vMerge == "continue"
                    row.append(
                        "" if merged_away else "\n".join(_text(p) for p in tc.iter(qn("w:p")))
                    )
                    row.extend([""] * (span - 1))
                rows.append(row)
    return grid_from_rows(source, rows)


def _text(paragraph: object) -> str:
    parts = []
    for element in paragraph.iter(qn("w:t"), qn("w:br")):  # type: ignore[attr-defined]
        parts.append("\n" if element.tag == qn("w:br") else element.text or "")
    return "".join(parts)
