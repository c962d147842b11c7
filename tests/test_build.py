"""`build` end to end: the seed's Markdown read back, the index, incremental rebuilds, and that
an invalid declaration writes nothing."""

from __future__ import annotations

import json
import os
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
        "2023/index.html",
        "2023/index.md",
        "2023/index.xlsx",
        "2023/minhang-cppcc-office.docx",
        "2023/minhang-cppcc-office.html",
        "2023/minhang-cppcc-office.md",
        "2023/minhang-cppcc-office.xlsx",
        "index.html",
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
    assert len(first.written) == 12 and first.skipped == 0
    again = build([seed_tree], out)
    assert (again.written, again.unchanged, again.skipped) == ([], [], 2)
    edited = seed_tree / "2023" / "test-bureau.yaml"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("测试局", "测试二局"), encoding="utf-8"
    )
    third = build([seed_tree], out)
    assert sorted(third.written) == [
        "2023/index.html",
        "2023/index.md",
        "2023/index.xlsx",
        "2023/test-bureau.docx",
        "2023/test-bureau.html",
        "2023/test-bureau.md",
        "2023/test-bureau.xlsx",
        "index.html",  # the page of every year: the department's new name
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
    shutil.copytree(Path(__file__).parent.parent / "generator" / "templates", templates)
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
    shutil.copytree(Path(__file__).parent.parent / "generator" / "templates", templates)
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


def two_declarations(root: Path) -> Path:
    """root/src/2023/ with a.yaml (测试局) and b.yaml (测试二局); returns root/src."""
    folder = root / "src" / "2023"
    folder.mkdir(parents=True)
    text = MINIMAL.read_text(encoding="utf-8")
    (folder / "a.yaml").write_text(text, encoding="utf-8")
    (folder / "b.yaml").write_text(text.replace("测试局", "测试二局"), encoding="utf-8")
    return root / "src"


def index_departments(out: Path, year: int = 2023) -> list[str]:
    table = markdown_tables((out / f"{year}/index.md").read_text(encoding="utf-8"))[0]
    return [row[0] for row in table[1:-1]]


OUTPUT_SUFFIXES = (".md", ".docx", ".xlsx", ".html")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("部门名称: 测试局", "部门名称: ''"),  # blank 部门名称
        ("财政拨款: 80.00", "财政拨款: 81.00"),  # 财政拨款 + 其他资金 ≠ 总额
    ],
)
def test_a_file_edited_during_the_build_is_rendered_as_it_was_validated(
    tmp_path, monkeypatch, old, new
):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    assert build([tree], out).ok
    before = {suffix: (out / f"2023/a{suffix}").read_bytes() for suffix in OUTPUT_SUFFIXES}
    manifest = (out / ".manifest.json").read_bytes()
    for suffix in OUTPUT_SUFFIXES:  # rendered again, from the cached summary
        (out / f"2023/a{suffix}").unlink()
    source = tree / "2023/a.yaml"
    good = source.read_text(encoding="utf-8")
    bad = good.replace(old, new)
    assert bad != good
    import generator.build.build

    real_check = generator.build.build.check

    def check_then_edit(*args, **kwargs):
        report = real_check(*args, **kwargs)
        source.write_text(bad, encoding="utf-8")  # edited after validation, before rendering
        return report

    monkeypatch.setattr(generator.build.build, "check", check_then_edit)
    assert build([tree], out).ok
    monkeypatch.undo()
    after = {suffix: (out / f"2023/a{suffix}").read_bytes() for suffix in OUTPUT_SUFFIXES}
    assert after == before  # what was validated, not what was on disk at render time
    assert (out / ".manifest.json").read_bytes() == manifest  # keyed on the validated bytes
    report = build([tree], out)  # the edit is seen (and refused) by the next build
    assert not report.ok and report.diagnostics
    source.write_text(good, encoding="utf-8")
    again = build([tree], out)  # put back: the outputs already are those of these bytes
    assert (again.written, again.skipped) == ([], 2)


def test_build_never_deletes_what_it_did_not_make_in_the_cache_folder(tmp_path, capsys):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    cache = out / ".cache"
    (cache / "subfolder").mkdir(parents=True)
    (cache / "subfolder" / "keep.txt").write_text("keep", encoding="utf-8")
    (cache / "foreign").write_text("foreign", encoding="utf-8")
    lookalike = cache / ("0" * 64)
    lookalike.write_text("named like a cache entry", encoding="utf-8")
    foreign = {p: p.read_bytes() for p in cache.rglob("*") if p.is_file()}
    assert main(["build", str(tree), "--out", str(out)]) == 0
    ours = {p for p in cache.iterdir() if p.is_file()} - set(foreign)
    assert len(ours) == 2  # one entry per declaration
    source = tree / "2023/a.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("测试局", "测试三局"), encoding="utf-8"
    )
    assert main(["build", str(tree), "--out", str(out)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert {p: p.read_bytes() for p in foreign} == foreign
    now = {p for p in cache.iterdir() if p.is_file()} - set(foreign)
    assert len(now) == 2 and len(now & ours) == 1  # a's old entry pruned, b's kept


def test_deleting_a_declaration_removes_its_outputs_and_its_index_row(tmp_path, capsys):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(tree), "--out", str(out)]) == 0
    assert index_departments(out) == ["测试局", "测试二局"]
    (tree / "2023/b.yaml").unlink()
    capsys.readouterr()
    assert main(["build", str(tree), "--out", str(out)]) == 0
    assert capsys.readouterr().err == (
        f"{tree / '2023/b.yaml'} 已不存在（删除、改名或移走了）：删除它的输出 {out / '2023/b'}.*\n"
        f"1 份申报：写入 4 个文件，4 个文件没有变化，删除 4 个过时文件；输出在 {out}\n"
    )
    assert sorted(p.name for p in (out / "2023").iterdir()) == [
        "a.docx", "a.html", "a.md", "a.xlsx", "index.html", "index.md", "index.xlsx",
    ]  # fmt: skip
    assert index_departments(out) == ["测试局"]
    assert "测试二局" not in (out / "2023/index.html").read_text(encoding="utf-8")


def test_renaming_a_declaration_moves_its_outputs(tmp_path):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    assert build([tree], out).ok
    (tree / "2023/b.yaml").rename(tree / "2023/c.yaml")
    report = build([tree], out)
    assert sorted(report.removed) == [f"2023/b{suffix}" for suffix in sorted(OUTPUT_SUFFIXES)]
    assert {f"2023/c{suffix}" for suffix in OUTPUT_SUFFIXES} <= set(report.written)
    assert not list((out / "2023").glob("b.*"))
    table = markdown_tables((out / "2023/index.md").read_text(encoding="utf-8"))[0]
    assert [row[0] for row in table[1:-1]] == ["测试局", "测试二局"]
    assert "(c.md)" in (out / "2023/index.md").read_text(encoding="utf-8")


def test_a_year_left_without_declarations_loses_its_index(tmp_path):
    tree = two_declarations(tmp_path)
    later = tree / "2024" / "a.yaml"
    later.parent.mkdir()
    later.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("年度: 2023", "年度: 2024"), encoding="utf-8"
    )
    out = tmp_path / "out"
    assert build([tree], out).ok
    later.unlink()
    report = build([tree], out)
    assert sorted(report.removed) == sorted(
        [f"2024/a{s}" for s in OUTPUT_SUFFIXES]
        + [f"2024/index{s}" for s in (".html", ".md", ".xlsx")]
    )
    assert not (out / "2024").exists()  # the year's folder, left empty, is removed too


def test_a_subset_build_keeps_the_others_and_the_whole_index(tmp_path):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    assert build([tree], out).ok
    kept = {suffix: (out / f"2023/a{suffix}").read_bytes() for suffix in OUTPUT_SUFFIXES}
    source = tree / "2023/b.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("测试二局", "测试三局"), encoding="utf-8"
    )
    report = build([source], out)  # only b
    assert report.removed == []
    assert {suffix: (out / f"2023/a{suffix}").read_bytes() for suffix in OUTPUT_SUFFIXES} == kept
    assert index_departments(out) == ["测试局", "测试三局"]  # every declaration of the year
    (tree / "2023/a.yaml").unlink()  # outside the PATHs given, but gone: so are its outputs
    report = build([source], out)
    assert report.removed == [f"2023/a{s}" for s in (".docx", ".html", ".md", ".xlsx")]
    assert report.gone == [(str(tree / "2023/a.yaml"), "2023/a")]
    assert index_departments(out) == ["测试三局"]


def test_a_foreign_file_in_a_year_folder_is_never_removed(tmp_path):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    (out / "2023").mkdir(parents=True)
    foreign = {
        out / "2023/notes.md": b"notes",
        out / "2023/ghost.docx": b"named like an output, never made by the build",
        out / "2023/.b.md.abcdefgh.txt": b"not a staging file of ours",
    }
    for path, content in foreign.items():
        path.write_bytes(content)
    assert build([tree], out).ok
    (tree / "2023/b.yaml").unlink()
    (tree / "2023/a.yaml").rename(tree / "2023/ghost-2.yaml")
    assert build([tree], out).ok
    assert {p: p.read_bytes() for p in foreign} == foreign


def test_a_tampered_manifest_cannot_make_the_build_delete_elsewhere(tmp_path):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    assert build([tree], out).ok
    victim = tmp_path / "victim.md"
    victim.write_text("keep me", encoding="utf-8")
    manifest = json.loads((out / ".manifest.json").read_text(encoding="utf-8"))
    record = next(iter(manifest["files"].values()))
    for path in ("../victim.md", "2023/../../victim.md", str(victim), "2023/../../victim.md"):
        manifest["files"][path] = record
    (out / ".manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert build([tree], out).ok
    assert victim.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "2x"])
def test_an_invalid_generator_workers_is_a_configuration_error(
    tmp_path, capsys, monkeypatch, value
):
    tree = two_declarations(tmp_path)
    monkeypatch.setenv("GENERATOR_WORKERS", value)
    assert main(["build", str(tree), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        f"错误：环境变量 GENERATOR_WORKERS 的值“{value}”无效：应为 0（按 CPU 核数，默认）"
        "或正整数（渲染进程数，1 表示不并行）\n"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["", "0", "1", " 2 "])
def test_valid_generator_workers_values(tmp_path, monkeypatch, value):
    tree = two_declarations(tmp_path)
    monkeypatch.setenv("GENERATOR_WORKERS", value)
    assert build([tree], tmp_path / "out").ok


def test_the_build_writes_html_pages_that_follow_every_edit(tmp_path):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    report = build([tree], out)
    assert {"2023/a.html", "2023/b.html", "2023/index.html"} <= set(report.written)
    index = (out / "2023/index.html").read_text(encoding="utf-8")
    assert 'href="a.html"' in index and 'href="b.html"' in index
    page = (out / "2023/a.html").read_text(encoding="utf-8")
    assert "<title>测试局 2023年度 部门（单位）整体支出绩效目标申报表</title>" in page
    assert 'href="index.html"' in page
    assert page.count("<table>") == len(
        markdown_tables((out / "2023/a.md").read_text(encoding="utf-8"))
    )
    source = tree / "2023/a.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("测试局", "测试三局"), encoding="utf-8"
    )
    report = build([tree], out)
    assert {"2023/a.html", "2023/index.html"} <= set(report.written)
    assert "测试三局" in (out / "2023/a.html").read_text(encoding="utf-8")
    assert "测试三局" in (out / "2023/index.html").read_text(encoding="utf-8")


def test_a_subset_build_says_when_it_cannot_list_a_declaration_in_the_index(tmp_path, capsys):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(tree), "--out", str(out)]) == 0
    shutil.rmtree(out / ".cache")  # the summaries of declarations outside the PATHs
    capsys.readouterr()
    assert main(["build", str(tree / "2023/b.yaml"), "--out", str(out)]) == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        f"警告：{out}/2023/a.*：摘要缓存不可读，2023 年度汇总中未列入（完整构建一次即可恢复：make build）"
    )
    assert index_departments(out) == ["测试二局"] and (out / "2023/a.md").is_file()
    assert main(["build", str(tree), "--out", str(out)]) == 0
    assert "警告" not in capsys.readouterr().err
    assert index_departments(out) == ["测试局", "测试二局"]


def test_a_users_file_shaped_like_a_staging_file_is_never_swept(tmp_path):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    (out / "2023").mkdir(parents=True)
    users = out / "2023" / ".report.md.20231231.tmp"
    users.write_bytes(b"a user's draft")
    bad = tree / "2023" / "c.yaml"
    bad.write_text("表样: 上海整体\n", encoding="utf-8")
    assert not build([tree], out).ok  # invalid: nothing is written, nothing swept
    assert users.read_bytes() == b"a user's draft"
    bad.unlink()
    assert build([tree], out).ok
    assert users.read_bytes() == b"a user's draft"


@pytest.mark.parametrize("name", ["index.md", "a.docx"])
def test_a_users_file_at_an_output_name_is_never_overwritten(tmp_path, capsys, name):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    (out / "2023").mkdir(parents=True)
    users = out / "2023" / name
    users.write_bytes(b"the user's own file")
    assert main(["build", str(tree), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"错误：{users}：不是构建生成的文件（构建记录 .manifest.json 中没有它），不会覆盖；"
        "请把它移走或删除，再构建\n"
    )
    assert users.read_bytes() == b"the user's own file"
    assert sorted(p.name for p in (out / "2023").iterdir()) == [name]
    users.unlink()
    assert main(["build", str(tree), "--out", str(out)]) == 0


def test_outputs_of_a_lost_manifest_are_taken_back_when_they_are_what_the_build_makes(tmp_path):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    assert build([tree], out).ok
    (out / ".manifest.json").unlink()
    report = build([tree], out)  # same bytes as the build would write: nothing is lost
    assert report.ok and report.written == []
    (tree / "2023/b.yaml").unlink()
    assert sorted(build([tree], out).removed) == [f"2023/b{s}" for s in sorted(OUTPUT_SUFFIXES)]


def test_building_a_renamed_file_alone_drops_the_old_record(tmp_path, capsys):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(tree), "--out", str(out)]) == 0
    renamed = tree / "2023/闵行区政协.yaml"
    (tree / "2023/a.yaml").rename(renamed)
    capsys.readouterr()
    assert main(["build", str(renamed), "--out", str(out)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{tree / '2023/a.yaml'} 已不存在（删除、改名或移走了）：删除它的输出 {out / '2023/a'}.*",
        f"1 份申报：写入 8 个文件，0 个文件没有变化，删除 4 个过时文件；输出在 {out}",
    ]
    assert index_departments(out) == ["测试二局", "测试局"]  # once each, not twice
    table = markdown_tables((out / "2023/index.md").read_text(encoding="utf-8"))[0]
    assert table[-1][1] == "200.00"  # the 合计 row counts it once
    assert not list((out / "2023").glob("a.*"))
    assert (out / "2023/闵行区政协.md").is_file() and (out / "2023/b.md").is_file()


def test_one_department_twice_across_builds_into_one_folder(tmp_path, capsys):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    first = tree / "2023/a.yaml"
    assert main(["build", str(first), "--out", str(out)]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    second = tree / "2023/c.yaml"
    second.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")  # 测试局 again
    capsys.readouterr()
    assert main(["build", str(second), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == (
        f"{second}:3:7: E231 2023 年度“测试局”另有申报：{first}"
        "（提示：一个部门每年只有一份申报：保留正确的一份，把另一份的内容合并进去后删除它；"
        "若是两个不同的部门，核对部门名称）\n"
    )
    assert captured.err == "1 份申报，1 份有错误，共 1 个问题；未写入任何文件\n"
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_one_output_name_from_two_sources_across_builds(tmp_path, capsys):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    elsewhere = tmp_path / "other" / "2023" / "a.yaml"
    elsewhere.parent.mkdir(parents=True)
    elsewhere.write_text(
        (tree / "2023/b.yaml").read_text(encoding="utf-8").replace("测试二局", "测试三局"),
        encoding="utf-8",
    )
    assert main(["build", str(elsewhere), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["build", str(tree / "2023/a.yaml"), "--out", str(out)]) == 1
    assert capsys.readouterr().out == (
        f"{tree / '2023/a.yaml'}:1:1: E230 与 {elsewhere} 同为 2023 年度且文件名相同，"
        "输出会互相覆盖（提示：给其中一个文件改名）\n"
    )
    assert index_departments(out) == ["测试三局"]


def test_an_output_changed_by_hand_is_made_again_and_said_so(tmp_path, capsys):
    tree = two_declarations(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(tree), "--out", str(out)]) == 0
    made = {p: p.read_bytes() for p in (out / "2023").iterdir()}
    edited = out / "2023/a.xlsx"
    edited.write_bytes(b"saved by Excel")
    same_size = out / "2023/index.md"  # same size and modification time, other bytes
    times = same_size.stat()
    content = same_size.read_bytes()
    same_size.write_bytes(content.replace("测试局".encode(), "测验局".encode()))
    os.utime(same_size, ns=(times.st_atime_ns, times.st_mtime_ns))
    capsys.readouterr()
    assert main(["build", str(tree), "--out", str(out)]) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"警告：{edited} 在上次构建之后被改过（例如在 Excel、WPS 或 Word 中保存过），"
        "已按申报重新生成；要改内容请改申报的 YAML 文件",
        f"警告：{same_size} 在上次构建之后被改过（例如在 Excel、WPS 或 Word 中保存过），"
        "已按申报重新生成；要改内容请改申报的 YAML 文件",
        f"2 份申报：写入 2 个文件，10 个文件没有变化，删除 0 个过时文件；输出在 {out}",
    ]
    assert {p: p.read_bytes() for p in (out / "2023").iterdir()} == made
    assert main(["build", str(tree), "--out", str(out)]) == 0
    assert capsys.readouterr().err == (
        f"2 份申报：写入 0 个文件，12 个文件没有变化，删除 0 个过时文件；输出在 {out}\n"
    )


def test_a_project_copied_with_its_build_folder_builds_in_its_new_place(tmp_path, monkeypatch):
    """The record keeps sources relative to the output folder: the copy's record names the
    copy's declarations, not the original's (which would be another file for every output)."""
    two_declarations(tmp_path / "project")
    monkeypatch.chdir(tmp_path / "project")
    assert build([Path("src")], Path("out")).ok
    shutil.copytree(tmp_path / "project", tmp_path / "copy")
    monkeypatch.chdir(tmp_path / "copy")
    report = build([Path("src/2023/a.yaml")], Path("out"))  # the original is still there
    assert report.ok and (report.written, report.removed, report.gone) == ([], [], [])
    assert build([Path("src")], Path("out")).skipped == 2
