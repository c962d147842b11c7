"""Markdown output escapes by construction: user text prints exactly as written."""

from __future__ import annotations

import pytest
from conftest import MINIMAL, markdown_paragraphs, markdown_tables
from markdown_it import MarkdownIt

from generator.build.build import build
from generator.render.templates import escape_cell, escape_markdown

NASTY = [
    "a|b",
    "*强调* 和 _下划线_",
    "<b>粗体</b> & &amp; ]]>",
    "{{ 7*7 }} {% for x in y %}",
    "1. 不是列表",
    "# 不是标题",
    "- 不是列表项",
    "+ 加号",
    "反斜杠 \\ 和 `代码`",
    "全角：，。；“引号”（括号）【方括号】",
    "[链接](http://example.com)",
    "~~删除线~~",
    "_x0041_",
    "= + - @ 开头",
]


@pytest.mark.parametrize("text", [*NASTY, ">=90%", "> 引用", "#1", "1) 不是列表"])
def test_escaped_text_reads_back_unchanged_in_a_cell_and_a_paragraph(text):
    for escaped in (escape_markdown(text), escape_cell(text)):
        assert markdown_tables(f"| a |\n|---|\n| {escaped} |\n")[0][1][0] == text
    assert markdown_paragraphs(escape_markdown(text) + "\n") == [text]


def test_targets_stay_readable_in_the_markdown_source():
    assert escape_cell(">=90%") == ">=90%"
    assert escape_markdown(">=90%") == "\\>=90%"  # at a paragraph's start it would be a quote


def test_line_breaks_stay_inside_a_cell():
    cell = markdown_tables("| a |\n|---|\n| " + escape_markdown("第一行\n第二行|") + " |\n")
    assert cell == [[["a"], ["第一行\n第二行|"]]]


def test_every_field_prints_exactly_as_written(write_declaration, tmp_path):
    text = MINIMAL.read_text(encoding="utf-8")
    texts = {
        "部门名称: 测试局": "部门名称: '测试局 | <总局> & {{ 7*7 }}'",
        "部门职责: 测试职责": "部门职责: |-\n  第一行 *不是强调*\n  1. 第二行 | 竖线",
        "任务名称: 任务一": '任务名称: "`任务` [一]"',
        "主要内容: 内容一": '主要内容: "{% raw %} & _x0041_ ]]>"',
        '会议次数: "=4次"': '"会议|次数<script>": "=4次"',
        '满意度: ">=90%"': '满意度: "提升 {{ x }}"',
    }
    for old, new in texts.items():
        text = text.replace(old, new)
    source = write_declaration(text)
    report = build([source], tmp_path / "out")
    assert report.ok, report.diagnostics
    md = (tmp_path / "out/2023/case.md").read_text(encoding="utf-8")
    tables = markdown_tables(md)
    assert tables[0][1] == ["部门名称", "测试局 | <总局> & {{ 7*7 }}"]
    assert "第一行 *不是强调*\n1. 第二行 | 竖线" in markdown_paragraphs(md)
    assert tables[1][1] == ["`任务` [一]", "{% raw %} & _x0041_ ]]>"]
    assert ["会议|次数<script>", "=4次", "定量"] in tables[3]
    assert ["满意度", "提升 {{ x }}", "定性"] in tables[4]
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(md)
    assert "<script>" not in html and "&lt;script&gt;" in html  # shown, never run


LONG_DUTIES = "".join(
    f"第{i}段：加强政治协商、民主监督、参政议政工作，推进协商民主广泛多层制度化发展，提高履职能力和水平。\n"
    for i in range(1, 80)
).rstrip("\n")


def long_duties_outputs(write_declaration, tmp_path):
    text = MINIMAL.read_text(encoding="utf-8")
    duties = "部门职责: " + text.split("部门职责: ", 1)[1].split("\n", 1)[0]
    indented = "\n".join(f"  {line}" for line in LONG_DUTIES.split("\n"))
    path = write_declaration(text.replace(duties, f"部门职责: |-\n{indented}"))
    assert build([path], tmp_path / "out").ok
    return tmp_path / "out" / "2023" / f"{path.stem}.xlsx"


def test_a_text_taller_than_an_excel_row_goes_on_over_rows(write_declaration, tmp_path):
    # Excel keeps a row at most 409 points high and cuts what does not fit: the 79 paragraphs
    # need about 1,800 points, so they go on over several rows, none taller than Excel keeps
    from openpyxl import load_workbook

    xlsx = long_duties_outputs(write_declaration, tmp_path)
    sheet = load_workbook(xlsx).active
    assert all(d.height is None or d.height <= 409 for d in sheet.row_dimensions.values())
    parts = [
        (row[1].value, row[0].coordinate)
        for row in sheet.iter_rows(min_col=1, max_col=2)
        if isinstance(row[1].value, str) and row[1].value.startswith("第")
    ]
    assert len(parts) > 1
    assert "\n".join(text for text, _ in parts) == LONG_DUTIES
    label = next(c for c in sheet["A"] if c.value == "部门职责")
    merged = next(r for r in sheet.merged_cells.ranges if label.coordinate in r)
    assert (merged.min_row, merged.max_row) == (label.row, label.row + len(parts) - 1)
