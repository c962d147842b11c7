"""The examples in examples/ (invented project forms beside a department's 整体 form): they are
valid, they build, and the copy of the seed there is the seed."""

from __future__ import annotations

from conftest import ROOT, SEED_YAML, markdown_tables

from generator.build.build import build
from generator.declaration.sources import find_declarations, read_checked

EXAMPLES = ROOT / "examples"


def test_the_examples_are_valid_and_marked_as_examples():
    paths = find_declarations([EXAMPLES])
    assert len(paths) == 11
    for path in paths:
        checked = read_checked(path)
        assert checked.ok and checked.diagnostics == (), path
        assert "示例" in path.read_text(encoding="utf-8").split("\n表样", 1)[0], path


def test_the_copy_of_the_seed_is_the_seed():
    copy = (EXAMPLES / "2023" / SEED_YAML.name).read_text(encoding="utf-8")
    seed = SEED_YAML.read_text(encoding="utf-8")
    assert content_lines(copy) == content_lines(seed)


def content_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("#")]


def test_the_examples_build_with_their_departments_pages(tmp_path):
    assert build([EXAMPLES], tmp_path).ok
    page = (tmp_path / "2024" / "示例市生态环境局" / "index.md").read_text(encoding="utf-8")
    tables = markdown_tables(page)
    # 120.0000 (1,200,000.00 元) + 860.0000 + 420.0000 of 1,460.0000 万元
    assert tables[0][1:] == [
        ["项目支出（整体表）", "1,460.0000"],
        ["项目表年度资金总额合计（3 份）", "1,400.0000"],
    ]
    assert "项目表覆盖项目支出的 95.8 %。" in page
    seed = (tmp_path / "2023" / SEED_YAML.stem / "index.md").read_text(encoding="utf-8")
    assert "项目表覆盖项目支出的 44.7 %。" in seed  # 2,030,000.00 of 4,538,100.00 元
    linked = [row for row in markdown_tables(seed)[2][1:] if row[1] != "—"]
    assert linked == [
        ["闵行政协网站升级改版(2023运维)", "闵行政协网站升级改版(2023运维)"],
        ["政协履职积分管理系统(2023运维)", "政协履职积分管理系统(2023运维)"],
        ["区政协七届会议", "区政协七届会议"],
    ]
    national = markdown_tables(page)
    assert national[2] == [  # 年度主要任务, then 年度履职目标's 支出项目名称, then the rest
        ["任务名称", "同名的项目表"],
        ["大气污染防治", "大气污染防治"],
        ["水环境监测", "—"],
        ["固体废物监管", "—"],
    ]
    assert national[3][0] == ["支出项目名称", "同名的项目表"]
    assert "## 整体表中没有同名任务的项目表\n\n- [危险废物规范化管理评估](危废评估.md)" in page


def test_the_examples_are_formatted():
    from generator.cli import main

    assert main(["fmt", "--check", str(EXAMPLES)]) == 0
