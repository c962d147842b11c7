"""Writing a Layout as a DOCX. The build's only module that imports python-docx
(render/reference.py, which makes generator/templates/reference.docx, and bench_baseline use
it too).

python-docx prepares, once per build and year, a base package from
generator/templates/reference.docx (a trimmed package, see render/reference.py): page size and
margins, styles with the fonts of the style file applied for real (explicit ascii/hAnsi/eastAsia
fonts, theme fonts removed, language zh-CN) and fixed core properties. Each form then only needs
its document body, built directly as WordprocessingML with lxml: python-docx's `table.cell()`
API is quadratic and would take seconds for a form of 80 rows.
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn as _qualify
from docx.shared import Mm, Pt
from lxml import etree

from generator.render import TEMPLATES
from generator.render.layout import Cell, Heading, Layout, Table, break_between_words
from generator.render.package import write_package
from generator.render.style import Font, FormStyle

TWIPS_PER_MM = 1440 / 25.4
qn = cache(_qualify)  # "w:tc" → "{namespace}tc", looked up thousands of times per form
_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_CELL_PADDING_TWIPS = 85  # 1.5 mm left and right inside every cell
# A merged group of at most this many rows is kept on one page (see _kept_with_next).
KEEP_TOGETHER_ROWS = 12
# Paragraph styles the body uses, defined in the base package.
TITLE, SUBTITLE, NOTE, LABEL, TEXT, NUMBER, CENTERED, GAP = (
    "FormTitle",
    "FormSubtitle",
    "FormNote",
    "FormLabel",
    "FormText",
    "FormNumber",
    "FormCentered",
    "FormTableGap",
)
_HEADING_STYLES = {"title": TITLE, "subtitle": SUBTITLE, "note": NOTE}
# Widths in ems of the characters a number cell prints, and of a space (see _width).
_EM_WIDTHS = {**dict.fromkeys("0123456789", 0.556), ",": 0.278, ".": 0.278, "%": 0.889}
_EM_WIDTHS |= {"-": 0.333, " ": 0.278}
_WIDTH_MARGIN = 1.05


@dataclass
class DocxWriter:
    """Turns layouts into DOCX bytes with one style; caches the base package per year and
    orientation."""

    style: FormStyle
    reference: Path = TEMPLATES / "reference.docx"
    _bases: dict[tuple[datetime, bool, str], _Base] = field(default_factory=dict)

    def write(self, layout: Layout, when: datetime) -> bytes:
        """The DOCX of `layout` (its pages one after another), stamped `when`."""
        landscape = layout.landscape
        if landscape is None:
            landscape = self.style.measures(layout.name, layout.columns or 1).landscape
        title = next(
            (b.text for b in layout.blocks if isinstance(b, Heading) and b.level == "title"), ""
        )
        base = self._bases.get((when, landscape, title))
        if base is None:
            base = self._bases[when, landscape, title] = _make_base(
                self.style, self.reference, when, landscape, title
            )
        width = self.style.text_width_for(landscape)
        body: list[str] = []
        for number, page in enumerate(layout.pages):
            if number:
                body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
            last_was_table = False
            for block in page.blocks:
                if isinstance(block, Heading):
                    body.append(_paragraph(block.text, _HEADING_STYLES[block.level]))
                    last_was_table = False
                    continue
                if last_was_table:
                    # Word and LibreOffice join tables that touch, and a header row in the
                    # middle of a table cannot repeat: a small gap keeps them two tables.
                    body.append(_paragraph("", GAP))
                body.append(_table(block, self.style, layout.name, width))
                last_was_table = True
        xml = (base.head + "".join(body) + base.tail).encode()
        entries = [(n, xml if n == "word/document.xml" else data) for n, data in base.entries]
        return write_package(entries, when)


@dataclass(frozen=True)
class _Base:
    """The package's parts, and its document.xml split where the body's content goes."""

    entries: list[tuple[str, bytes]]
    head: str
    tail: str


def _make_base(
    style: FormStyle, reference: Path, when: datetime, landscape: bool, title: str
) -> _Base:
    document = Document(str(reference))
    section = document.sections[0]
    width, height = Mm(style.page_width), Mm(style.page_height)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = height, width
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = width, height
    section.top_margin, section.bottom_margin = Mm(style.margin_top), Mm(style.margin_bottom)
    section.left_margin, section.right_margin = Mm(style.margin_left), Mm(style.margin_right)
    section.header_distance = section.footer_distance = Mm(8)

    styles = document.styles
    for fonts in styles.element.iter(qn("w:rFonts")):
        for attribute in _THEME_ATTRIBUTES:  # a theme font would override the explicit one
            fonts.attrib.pop(qn(attribute), None)
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if run_defaults is not None:
            _apply_font(run_defaults, style.body)
    normal = styles["Normal"]
    _apply_font(normal.element.get_or_add_rPr(), style.body)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    for name, font, alignment in (
        (TITLE, style.title, WD_ALIGN_PARAGRAPH.CENTER),
        (SUBTITLE, style.subtitle, WD_ALIGN_PARAGRAPH.CENTER),
        (NOTE, style.body, WD_ALIGN_PARAGRAPH.LEFT),
        (LABEL, style.label, WD_ALIGN_PARAGRAPH.CENTER),
        (TEXT, style.body, WD_ALIGN_PARAGRAPH.JUSTIFY),
        (NUMBER, style.body, WD_ALIGN_PARAGRAPH.RIGHT),
        (CENTERED, style.body, WD_ALIGN_PARAGRAPH.CENTER),
        (GAP, style.body, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph_style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        paragraph_style.base_style = normal
        paragraph_style.paragraph_format.alignment = alignment
        _apply_font(paragraph_style.element.get_or_add_rPr(), font)
    title_format = styles[TITLE].paragraph_format
    title_format.space_after = Pt(style.title.size / 2)
    styles[SUBTITLE].paragraph_format.space_after = Pt(style.subtitle.size / 2)
    styles[NOTE].paragraph_format.space_before = Pt(style.body.size / 2)
    gap = styles[GAP].paragraph_format
    gap.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    gap.line_spacing = Pt(max(style.table_gap, 1))

    properties = document.core_properties
    properties.author = properties.last_modified_by = ""
    properties.title = title
    properties.created = properties.modified = when.replace(tzinfo=None)
    properties.revision = 1
    properties.language = "zh-CN"

    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):  # the template's empty paragraph
            body.remove(child)
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as package:
        names = sorted(package.namelist(), key=lambda n: n != "[Content_Types].xml")
        entries = [(n, package.read(n)) for n in names]
    document_xml = dict(entries)["word/document.xml"].decode()
    split = document_xml.index("<w:sectPr")
    return _Base(entries, document_xml[:split], document_xml[split:])


def _apply_font(run_properties: etree._Element, font: Font) -> None:
    """Explicit fonts for every script, size, weight and zh-CN language on a w:rPr."""
    fonts = run_properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = etree.SubElement(run_properties, qn("w:rFonts"))
        run_properties.insert(0, fonts)
    for attribute in _THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), font.latin)
    fonts.set(qn("w:hAnsi"), font.latin)
    fonts.set(qn("w:cs"), font.latin)
    fonts.set(qn("w:eastAsia"), font.east_asian)
    fonts.set(qn("w:hint"), "eastAsia")
    for tag in ("w:b", "w:sz", "w:szCs", "w:lang"):
        old = run_properties.find(qn(tag))
        if old is not None:
            run_properties.remove(old)
    if font.bold:
        etree.SubElement(run_properties, qn("w:b"))
    half_points = str(round(font.size * 2))
    etree.SubElement(run_properties, qn("w:sz")).set(qn("w:val"), half_points)
    etree.SubElement(run_properties, qn("w:szCs")).set(qn("w:val"), half_points)
    language = etree.SubElement(run_properties, qn("w:lang"))
    language.set(qn("w:val"), "zh-CN")
    language.set(qn("w:eastAsia"), "zh-CN")
    # CT_RPr is a sequence: keep rFonts first and the rest in schema order.
    order = ["w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:color", "w:sz", "w:szCs", "w:lang"]
    rank = {qn(tag): i for i, tag in enumerate(order)}
    children = sorted(run_properties, key=lambda e: rank.get(e.tag, len(order)))
    run_properties[:] = children


def _paragraph(text: str, style: str, keep_next: bool = False, half_points: int = 0) -> str:
    """A w:p of `style` for each line of `text` (a manual line break would make Word and
    LibreOffice stretch a justified line across the cell). Text is escaped here, once.
    `keep_next` keeps the paragraph on the page of the next one (in a table: the row with the
    next row); `half_points`, when not 0, is the text's size instead of the style's."""
    keep = "<w:keepNext/>" if keep_next else ""
    head = f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep}</w:pPr>'
    size = (
        f'<w:rPr><w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
        if half_points
        else ""
    )
    return "".join(
        f'{head}<w:r>{size}<w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
        if line
        else f"{head}</w:p>"
        for line in text.split("\n")
    )


def _table(table: Table, style: FormStyle, layout: str, text_width: float) -> str:
    fractions = style.measures(layout, table.columns).fractions()
    widths = [round(f * text_width * TWIPS_PER_MM) for f in fractions]
    line = f'w:val="single" w:sz="4" w:space="0" w:color="{style.border}"'
    sides = ("top", "left", "bottom", "right", "insideH", "insideV")
    margin = f'w:w="{_CELL_PADDING_TWIPS}" w:type="dxa"'
    out = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>',
        "<w:tblBorders>",
        *(f"<w:{side} {line}/>" for side in sides),
        '</w:tblBorders><w:tblLayout w:type="fixed"/>',
        f"<w:tblCellMar><w:left {margin}/><w:right {margin}/></w:tblCellMar></w:tblPr><w:tblGrid>",
        *(f'<w:gridCol w:w="{width}"/>' for width in widths),
        "</w:tblGrid>",
    ]
    # Cells covered by a rowspan from above appear in each row as "continue" cells.
    continuing: dict[int, list[Cell]] = {}
    for row in table.rows:
        for cell in row.cells:
            for r in range(cell.row + 1, cell.row + cell.rowspan):
                continuing.setdefault(r, []).append(cell)
    kept = _kept_with_next(table)
    for index, row in enumerate(table.rows):
        header = "<w:tblHeader/>" if row.header else ""
        out.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>")
        placed = [(c.col, c, True) for c in row.cells]
        placed += [(c.col, c, False) for c in continuing.get(index, [])]
        for _, cell, starts_here in sorted(placed, key=lambda item: item[0]):
            out.append(_cell(cell, starts_here, widths, style, index in kept))
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _kept_with_next(table: Table) -> set[int]:
    """Rows kept on the page of the row after them: those of a merged group of at most
    KEEP_TOGETHER_ROWS rows but its last, so a page break does not cut a short group (an 一级
    and its few 二级) away from the label that names it; a longer group may break."""
    kept: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            if 1 < cell.rowspan <= KEEP_TOGETHER_ROWS:
                kept.update(range(cell.row, cell.row + cell.rowspan - 1))
    return kept


def _cell(
    cell: Cell, starts_here: bool, widths: list[int], style: FormStyle, keep_next: bool
) -> str:
    width = sum(widths[cell.col : cell.col + cell.colspan])
    properties = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if cell.colspan > 1:
        properties.append(f'<w:gridSpan w:val="{cell.colspan}"/>')
    if cell.rowspan > 1:
        properties.append('<w:vMerge w:val="restart"/>' if starts_here else "<w:vMerge/>")
    if cell.label and style.label_fill:
        properties.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{style.label_fill}"/>')
    properties.append('<w:vAlign w:val="center"/>')
    # A cell must hold a paragraph, even when merged away.
    if starts_here:
        font = style.label if cell.label else style.body
        available = width - 2 * _CELL_PADDING_TWIPS
        text = cell.text
        if "words" in cell.classes:
            text = break_between_words(text, lambda line: _width(line, font.size) <= available)
        size = _fitting_size(cell, available, font.size)
        content = _paragraph(text, _cell_style(cell), keep_next, size)
    else:
        content = _paragraph("", TEXT, keep_next)
    return f"<w:tc><w:tcPr>{''.join(properties)}</w:tcPr>{content}</w:tc>"


def _fitting_size(cell: Cell, available: int, size: float) -> int:
    """For a number wider than its cell at `size` points, the size in half-points that keeps it
    on one line (a number broken over two lines misreads: "1,234,567.8901 / 23"); 0 for any
    other cell. Simpler than Word's fitText, which LibreOffice does not print: the width is
    estimated from generous character widths (Arial's; Times New Roman's digits are narrower),
    so a number that is shrunk always fits."""
    if not cell.numeric:
        return 0
    needed = _width(cell.text, size)
    if needed <= available:
        return 0
    return max(2, math.floor(2 * size * available / needed))


def _width(text: str, size: float) -> float:
    """A generous estimate of the width of `text` at `size` points, in twips: the characters
    _EM_WIDTHS lists by their width, any other (Chinese, ☑, □) one em, and 5 % more."""
    return sum(_EM_WIDTHS.get(ch, 1.0) for ch in text) * size * 20 * _WIDTH_MARGIN


def _cell_style(cell: Cell) -> str:
    if cell.label:
        return LABEL
    if "center" in cell.classes:
        return CENTERED
    if cell.numeric:
        return NUMBER
    return TEXT
