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
