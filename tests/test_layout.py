"""The layout subset: cells placed on a grid HTML-style, spans checked, text kept exactly."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT

from generator.build.build import build
from generator.render.layout import (
    Heading,
    LayoutError,
    Table,
    break_between_words,
    parse_layout,
)
from generator.render.templates import TemplateError


def test_cells_take_the_next_free_column_under_rowspans():
    layout = parse_layout(
        "<h1>标题</h1><p>（2023年度）</p><table>"
        '<tr><th rowspan="2">一级</th><td>a</td><td class="amount" data-value="1234.50">1,234.50</td></tr>'
        '<tr><td colspan="2">b &amp; &lt;c&gt;<br/>第二行</td></tr>'
        "</table>",
        "form",
    )
    title, subtitle, table = layout.blocks
    assert title == Heading("标题", "title") and subtitle == Heading("（2023年度）", "subtitle")
    assert isinstance(table, Table) and table.columns == 3 and layout.columns == 3
    first, second = table.rows
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in first.cells] == [
        (0, 0, 2, 1),
        (0, 1, 1, 1),
        (0, 2, 1, 1),
    ]
    assert first.cells[2].value == Decimal("1234.50") and first.cells[2].text == "1,234.50"
    assert [(c.col, c.colspan, c.text) for c in second.cells] == [(1, 2, "b & <c>\n第二行")]


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "第 2 行缺少第 2 列"),
        ('<table><tr><td rowspan="3">a</td></tr></table>', "rowspan 超出"),
        (
            "<table><tr><td>a</td></tr></table><table><tr><td>a</td><td>b</td></tr></table>",
            "列数不一致",
        ),
        ("<div>x</div>", "不支持 <div>"),
        ("<td>a</td>", "不支持 <td>"),
        ("<table><td>a</td></table>", "<td> 不在 <tr> 之内"),
        ("<table><tr><td>a</td></tr>", "标记不完整或不合法"),
        ('<table><tr><td colspan="0">a</td></tr></table>', "不是正整数"),
        # a span no sheet can hold is refused as it is read, never laid out cell by cell
        ('<table><tr><td rowspan="999999999">a</td></tr></table>', "rowspan=999999999 超过"),
        ('<table><tr><td colspan="999999999">a</td></tr></table>', "colspan=999999999 超过"),
        ('<table><tr><td rowspan="1048576">a</td></tr></table>', "rowspan 超出"),
        ("<table>文字<tr><td>a</td></tr></table>", "单元格之外的文字"),
    ],
)
def test_inconsistent_layouts_are_refused(html, message):
    with pytest.raises(LayoutError, match=message):
        parse_layout(html, "form")


def templates_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "generator" / "templates", folder)
    return folder


def test_a_broken_layout_template_is_reported_with_its_file(write_declaration, tmp_path):
    folder = templates_copy(tmp_path)
    form = folder / "form-shanghai-department.html.j2"
    form.write_text(
        form.read_text(encoding="utf-8").replace(
            '<td colspan="3">{{ f.部门职责 }}</td>', "<td>{{ f.部门职责 }}</td>"
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        TemplateError, match=r"form-shanghai-department\.html\.j2: 表格第 2 行缺少第 3 列"
    ):
        build([write_declaration(MINIMAL.read_text(encoding="utf-8"))], tmp_path / "out", folder)
    assert not (tmp_path / "out").exists()


def test_a_broken_style_file_is_reported_with_its_file(write_declaration, tmp_path):
    folder = templates_copy(tmp_path)
    style = folder / "form.style.yaml"
    style.write_text(
        style.read_text(encoding="utf-8").replace("  title:", "  titel:"), encoding="utf-8"
    )
    with pytest.raises(TemplateError, match=r"form\.style\.yaml: fonts\.titel 未知的设置；可用："):
        build([write_declaration(MINIMAL.read_text(encoding="utf-8"))], tmp_path / "out", folder)


@pytest.mark.parametrize(
    ("text", "broken"),
    [
        ("☑甲乙  □丙丁戊  □己", "☑甲乙  □丙丁戊\n□己"),  # the space at the break left out
        # a word longer than a line stays whole
        ("□甲乙丙丁戊己庚辛壬癸  □子", "□甲乙丙丁戊己庚辛壬癸\n□子"),
        ("☑甲  □乙\n□丙丁戊己庚", "☑甲  □乙\n□丙丁戊己庚"),  # lines already broken stay so
        ("  □甲乙丙丁  □戊己庚辛  ", "  □甲乙丙丁\n□戊己庚辛  "),  # outer spaces kept
        ("", ""),
    ],
)
def test_a_words_cell_breaks_only_between_words(text, broken):
    assert break_between_words(text, lambda line: len(line) <= 9) == broken
