"""The plain baselines `bench` measures us against: what a straightforward implementation of the
same outputs would do. A docxtpl template render for the DOCX, a row-by-row openpyxl workbook
for the XLSX, a Jinja render for the Markdown. Deliberately naive; used only by the benchmark.
"""

from __future__ import annotations

import io
from pathlib import Path

import jinja2
from docx import Document
from docxtpl import DocxTemplate
from openpyxl import Workbook

from generator.render.context import DeclarationContext

_MARKDOWN = jinja2.Environment(autoescape=False).from_string(
    "# {{ d.display }}\n\n{% for label, text in facts %}| {{ label }} | {{ text }} |\n{% endfor %}"
    "\n| 一级 | 二级 | 三级 | 目标值 |\n|---|---|---|---|\n"
    "{% for r in rows %}| {{ r[0] }} | {{ r[1] }} | {{ r[2] }} | {{ r[3] }} |\n{% endfor %}"
)


def _facts(d: DeclarationContext) -> list[tuple[str, str]]:
    """The form's single values and long texts: what a plain template would print above the
    indicator table."""
    texts = [(s.title, s.text) for s in d.sections if s.kind == "text"]
    return [(f.label, f.text) for f in d.facts] + texts


def _rows(d: DeclarationContext) -> list[tuple[str, str, str, str]]:
    return [
        (l1.name, l2.name, i.name, i.target)
        for l1 in d.goals
        for l2 in l1.children
        for i in l2.indicators
    ]


def make_docx_template(folder: Path) -> Path:
    """A docxtpl template of the form: header facts, budget and a looped indicator table."""
    document = Document()
    document.add_heading("{{ d.kind.title }}", 1)
    facts = document.add_table(rows=3, cols=2)
    facts.cell(0, 0).text = "{%tr for f in facts %}"
    facts.cell(1, 0).text = "{{ f[0] }}"
    facts.cell(1, 1).text = "{{ f[1] }}"
    facts.cell(2, 0).text = "{%tr endfor %}"
    table = document.add_table(rows=3, cols=4)
    for col, label in enumerate(["一级目标", "二级目标", "三级目标", "指标目标值"]):
        table.cell(0, col).text = label
    table.cell(1, 0).text = "{%tr for r in rows %}"
    for col in range(4):
        table.cell(2, col).text = f"{{{{ r[{col}] }}}}"
    end = table.add_row()
    end.cells[0].text = "{%tr endfor %}"
    path = folder / "baseline-template.docx"
    document.save(str(path))
    return path


def docx_baseline(template: Path, d: DeclarationContext) -> bytes:
    document = DocxTemplate(str(template))
    document.render({"d": d, "facts": _facts(d), "rows": _rows(d)})
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_baseline(d: DeclarationContext) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([d.kind.title])
    for label, text in _facts(d):
        sheet.append([label, text])
    sheet.append(["一级目标", "二级目标", "三级目标", "指标目标值"])
    for row in _rows(d):
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def markdown_baseline(d: DeclarationContext) -> bytes:
    return _MARKDOWN.render(d=d, facts=_facts(d), rows=_rows(d)).encode()
