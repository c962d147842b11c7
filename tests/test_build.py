"""`build` end to end: the seed's Markdown read back, the index, incremental rebuilds, and that
an invalid declaration writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import (
    MINIMAL,
    SEED_TEXT,
    SEED_YAML,
    make_seed_tree,
    markdown_paragraphs,
    markdown_tables,
)
from test_seed import seed_indicators, seed_rows

from generator.build.build import build
from generator.cli import main
from generator.declaration.sources import read_checked
from generator.render.templates import TemplateError


@pytest.fixture
def seed_tree(tmp_path: Path) -> Path:
    return make_seed_tree(tmp_path)


def test_seed_summary_has_every_indicator_budget_figure_and_task(seed_tree, tmp_path):
    report = build([seed_tree], tmp_path / "out")
    assert report.ok and sorted(report.written) == [
        "2023/index.md",
        "2023/index.xlsx",
        "2023/minhang-cppcc-office.docx",
        "2023/minhang-cppcc-office.md",
        "2023/minhang-cppcc-office.xlsx",
    ]
    text = (tmp_path / "out/2023/minhang-cppcc-office.md").read_text(encoding="utf-8")
    tables = markdown_tables(text)
    header, tasks, budget = tables[0], tables[1], tables[2]
    indicator_rows = [row for table in tables[3:-1] for row in table[1:]]
    counts = tables[-1]

    assert ["部门名称", "中国人民政治协商会议闵行区委员会办公室(汇总)"] in header
    assert ["年末资产总额（元）", "1,295,700.00"] in header
    assert tasks[1:] == [[row[0], row[1]] for row in seed_rows()[9:17]]
    assert budget[1:] == [
        ["部门整体预算总额", "18,417,248.00", "100.00 %"],
        ["资金来源：财政拨款", "18,417,248.00", "100.00 %"],
        ["资金来源：其他资金", "0.00", "0.00 %"],
        ["资金结构：基本支出", "13,879,148.00", "75.36 %"],
        ["资金结构：项目支出", "4,538,100.00", "24.64 %"],
    ]
    assert [(name, target) for name, target, _ in indicator_rows] == seed_indicators(seed_rows())
    assert sum(1 for *_, kind in indicator_rows if kind == "定性") == 17
    assert counts[-1] == ["合计", "", "73", "56", "17"]
    assert ["产出指标", "时效指标", "19", "17", "2"] in counts
    paragraphs = markdown_paragraphs(text)
    duties = next(row[1] for row in seed_rows() if row[0] == "部门职责")
    assert duties in paragraphs
    assert "根据沪财绩【2022】13号文的规定要求设置三级指标和指标值" in paragraphs


def test_index_lists_each_declaration_with_a_total_line(seed_tree, tmp_path):
    second = MINIMAL.read_text(encoding="utf-8")
    (seed_tree / "2023" / "test-bureau.yaml").write_text(second, encoding="utf-8")
    build([seed_tree], tmp_path / "out")
    table = markdown_tables((tmp_path / "out/2023/index.md").read_text(encoding="utf-8"))[0]
    assert [row[0] for row in table[1:]] == [
        "中国人民政治协商会议闵行区委员会办公室(汇总)",
        "测试局",
        "合计",
    ]
    assert table[-1][1:] == [
        "18,417,348.00", "18,417,328.00", "20.00", "13,879,208.00", "4,538,140.00",
        "1,295,710.00", "29", "75", "58", "17",
    ]  # fmt: skip


def test_second_build_does_nothing_and_one_change_rebuilds_only_its_outputs(seed_tree, tmp_path):
    (seed_tree / "2023" / "test-bureau.yaml").write_text(
        MINIMAL.read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = tmp_path / "out"
    first = build([seed_tree], out)
    assert len(first.written) == 8 and first.skipped == 0
    again = build([seed_tree], out)
    assert (again.written, again.unchanged, again.skipped) == ([], [], 2)
    edited = seed_tree / "2023" / "test-bureau.yaml"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("测试局", "测试二局"), encoding="utf-8"
    )
    third = build([seed_tree], out)
    assert sorted(third.written) == [
        "2023/index.md",
        "2023/index.xlsx",
        "2023/test-bureau.docx",
        "2023/test-bureau.md",
        "2023/test-bureau.xlsx",
    ]
    assert third.skipped == 1
    (out / "2023/test-bureau.md").unlink()  # a deleted output is made again
    assert build([seed_tree], out).written == ["2023/test-bureau.md"]


def test_invalid_declaration_writes_nothing_and_keeps_earlier_build(seed_tree, tmp_path):
    out = tmp_path / "out"
    build([seed_tree], out)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    bad = seed_tree / "2023" / "bad.yaml"
    bad.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("其他资金: 20.00", "其他资金: 21.00"),
        encoding="utf-8",
    )
    seed = seed_tree / "2023" / SEED_YAML.name
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("=50人次", "=60人次"), encoding="utf-8"
    )
    report = build([seed_tree], out)
    assert not report.ok and report.written == []
    assert {
        p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()
    } == before


def test_five_planted_errors_in_one_run(tmp_path, capsys, monkeypatch):
    """The issue's acceptance case: five problems, correct lines, exit 1, build/ untouched."""
    text = SEED_YAML.read_text(encoding="utf-8")
    for old, new in [
        ("其他资金: 0.00", "其他资金: 1.00"),
        ("内设机构数: 1\n", "内设机构数: 1\n内设机构数: 1\n"),
        ("    质量指标:", "    质量指票:"),
        ('"=9个"', '"=abc%"'),
        ("部门名称: 中国人民政治协商会议闵行区委员会办公室\n", ""),
    ]:
        text = text.replace(old, new, 1)
    (tmp_path / "declarations/2023").mkdir(parents=True)
    (tmp_path / "declarations/2023/x.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "declarations/2023/x.yaml:4:1: E102 缺少必填项“部门名称”",
        "declarations/2023/x.yaml:38:3: E201 财政拨款 + 其他资金 = 18,417,249.00 ≠ 部门整体预算总额 18,417,248.00（合计多 1.00）（提示：核对各项金额，合计须与总额分毫不差）",
        "declarations/2023/x.yaml:48:1: E002 重复的键“内设机构数”（第一次出现在第 47 行）（提示：删除或合并其中一项；若是列表中的多项，每项要以“- ”开头）",
        'declarations/2023/x.yaml:65:20: E401 “政协之友活动小组运行数”的指标目标值“=abc%”在运算符后没有数字（提示：写成 "=数字单位"，例如 "=90%"）',
        "declarations/2023/x.yaml:86:5: E302 “质量指票”不是“产出指标”下的二级目标（提示：是否应为“质量指标”？）",
    ]
    assert not (tmp_path / "build").exists()


def test_template_error_names_template_and_line(seed_tree, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(Path(__file__).parent.parent / "templates", templates)
    (templates / "summary.md.j2").write_text(
        "# {{ d.display }}\n\n{{ d.no_such_field }}\n", encoding="utf-8"
    )
    with pytest.raises(TemplateError, match=r"summary\.md\.j2:3: .*no_such_field"):
        build([seed_tree], tmp_path / "out", templates)
    assert not (tmp_path / "out" / "2023" / "minhang-cppcc-office.md").exists()


def test_template_error_half_way_leaves_the_earlier_build_intact(seed_tree, tmp_path):
    (seed_tree / "2023" / "zz-last.yaml").write_text(
        MINIMAL.read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = tmp_path / "out"
    assert build([seed_tree], out).ok
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for source in (seed_tree / "2023").glob("*.yaml"):  # both change, so both are rendered again
        source.write_text(
            source.read_text(encoding="utf-8").replace("内设机构数: 1", "内设机构数: 2"),
            encoding="utf-8",
        )
    templates = tmp_path / "templates"
    shutil.copytree(Path(__file__).parent.parent / "templates", templates)
    summary = templates / "summary.md.j2"
    broken = "{% if d.slug == 'zz-last' %}{{ d.no_such_field }}{% endif %}\n"
    summary.write_text(summary.read_text(encoding="utf-8") + broken, encoding="utf-8")
    with pytest.raises(TemplateError, match="no_such_field"):
        build([seed_tree], out, templates)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not [p for p in out.rglob("*.tmp")]


def test_seed_text_copy_is_the_shared_seed():
    shared = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_80bc35dd5de88e13.txt"
    if not shared.exists():
        pytest.skip("shared/ seed not beside this checkout")
    assert SEED_TEXT.read_bytes() == shared.read_bytes()


def test_seed_declaration_is_valid():
    assert read_checked(SEED_YAML).diagnostics == ()


def test_rebuild_after_one_edit_reads_only_that_file(seed_tree, tmp_path, monkeypatch):
    (seed_tree / "2023" / "test-bureau.yaml").write_text(
        MINIMAL.read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = tmp_path / "out"
    assert build([seed_tree], out).ok
    edited = seed_tree / "2023" / "test-bureau.yaml"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("测试局", "测试二局"), encoding="utf-8"
    )
    import generator.build.cache

    read = []
    real = generator.build.cache.read_checked
    monkeypatch.setattr(
        generator.build.cache,
        "read_checked",
        lambda path, data=None: read.append(path.name) or real(path, data),
    )
    report = build([seed_tree], out)
    assert read == ["test-bureau.yaml"]  # the seed came from the cache of summaries
    assert "2023/index.md" in report.written
    index = markdown_tables((out / "2023/index.md").read_text(encoding="utf-8"))[0]
    assert [row[0] for row in index[1:]] == [
        "中国人民政治协商会议闵行区委员会办公室(汇总)",
        "测试二局",
        "合计",
    ]


def test_an_unreadable_cache_is_ignored(seed_tree, tmp_path):
    out = tmp_path / "out"
    assert build([seed_tree], out).ok
    for entry in (out / ".cache").iterdir():
        entry.write_bytes(b"not a pickle")
    (out / "2023/minhang-cppcc-office.md").unlink()
    report = build([seed_tree], out)
    assert report.ok and report.written == ["2023/minhang-cppcc-office.md"]
