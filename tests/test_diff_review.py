"""The README's "Reviewing a change" steps, followed in a real git repository: two year folders,
the same file name in both, and a declaration with a Chinese file name."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DATA, MINIMAL, ROOT, SEED_YAML, edit, markdown_paragraphs, markdown_tables
from markdown_it import MarkdownIt

from generator.cli import main

BUREAU = "教育局.yaml"
SEED_NAME = SEED_YAML.name
COUNT = "产出指标 / 数量指标 / 会议次数"
TARGET_30 = "产出指标 / 数量指标 / 政协志总体编撰工作完成率"
NOTHING = {
    "added": 0, "removed": 0, "changed": 0, "moved": 0, "reordered": 0, "renamed": 0,
    "declarations_added": 0, "declarations_removed": 0, "files_renamed": 0,
}  # fmt: skip


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def bureau(year: int) -> str:
    return (
        MINIMAL.read_text(encoding="utf-8")
        .replace("测试局", "教育局")
        .replace("年度: 2023", f"年度: {year}")
    )


@pytest.fixture
def repository(tmp_path, monkeypatch) -> Path:
    """declarations/2023 and 2024, each holding the seed (same file name) and 教育局.yaml,
    committed on `main`; the current folder is the repository."""
    for year in (2023, 2024):
        folder = tmp_path / "declarations" / str(year)
        folder.mkdir(parents=True)
        (folder / BUREAU).write_text(bureau(year), encoding="utf-8")
    shutil.copy(SEED_YAML, tmp_path / "declarations/2023")
    shutil.copy(DATA / "2024" / SEED_NAME, tmp_path / "declarations/2024")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "2023 and 2024")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def headings(markdown: str) -> list[str]:
    """The text of every heading, as a reader sees it (escapes resolved)."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [
        "".join(child.content for child in tokens[i + 1].children or [])
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def diff_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["diff", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def changes(data: dict) -> list[tuple]:
    return [
        (p["old_source"], p["new_source"], c["kind"], c["key"], c["old"], c["new"], c["detail"])
        for p in data["pairs"]
        for c in p["changes"]
    ]


def test_pull_request_review_shows_exactly_the_change_made_on_the_branch(repository, capsys):
    git(repository, "checkout", "-q", "-b", "change")
    edit(repository / "declarations/2024" / SEED_NAME, '"=60%"', '"=70%"')
    edit(repository / "declarations/2024" / BUREAU, '"=4次"', '"=6次"')
    git(repository, "commit", "-q", "-am", "raise two 2024 targets")

    code, data = diff_json(capsys, "--exit-code", "--rev", "main..HEAD", "declarations")
    assert code == 1
    assert changes(data) == [
        (
            f"main:declarations/2024/{SEED_NAME}",
            f"HEAD:declarations/2024/{SEED_NAME}",
            "changed", TARGET_30, "=60%", "=70%", "↑ +10 个百分点",
        ),
        (
            f"main:declarations/2024/{BUREAU}",
            f"HEAD:declarations/2024/{BUREAU}",
            "changed", COUNT, "=4次", "=6次", "↑ +2",
        ),
    ]  # fmt: skip
    assert data["added"] == [] and data["removed"] == []
    assert data["summary"] == {
        **NOTHING, "changed": 2, "unchanged": 95 + 94 + 17 + 16, "declarations_unchanged": 2
    }  # fmt: skip
    assert [(p["new_source"], p["old_year"], p["new_year"]) for p in data["pairs"]] == [
        (f"HEAD:declarations/2023/{SEED_NAME}", 2023, 2023),
        (f"HEAD:declarations/2023/{BUREAU}", 2023, 2023),
        (f"HEAD:declarations/2024/{SEED_NAME}", 2024, 2024),
        (f"HEAD:declarations/2024/{BUREAU}", 2024, 2024),
    ]
    assert (data["old_label"], data["new_label"]) == ("main", "HEAD")
    assert (data["old_year"], data["new_year"]) == (None, None)

    assert main(["diff", "--rev", "main..HEAD", "declarations"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "# 申报变更：main → HEAD"
    assert "## 教育局（2024 年度）" in lines
    assert f"main:declarations/2024/{BUREAU} → HEAD:declarations/2024/{BUREAU}" in lines
    assert f"| 修改 | {COUNT} | =4次 | =6次 | ↑ +2 |" in lines
    assert f"| 修改 | {TARGET_30} | =60% | =70% | ↑ +10 个百分点 |" in lines
    assert sum(line.startswith("| 修改 |") for line in lines) == 3  # the summary row too
    assert "新增或删除的申报" not in captured.out
    assert markdown_tables(captured.out)[0][1:5] == [
        ["新增", "0"], ["删除", "0"], ["修改", "2"], ["移动", "0"]
    ]  # fmt: skip
    assert captured.err == (
        "2 处变化：修改 2，新增 0，删除 0，移动 0，顺序调整 0，可能改名 0；未变 222\n"
    )

    assert main(["diff", "--exit-code", "--rev", "HEAD..HEAD", "declarations"]) == 0
    assert main(["diff", "--exit-code", "--rev", "main..main", "declarations"]) == 0


def test_last_commit_against_the_work_tree_after_a_plain_commit(repository, capsys):
    edit(repository / "declarations/2023" / BUREAU, "年末资产总额: 10.00", "年末资产总额: 12.50")
    edit(repository / "declarations/2024" / SEED_NAME, '"=60%"', '"=50%"')
    git(repository, "commit", "-q", "-am", "two edits")

    code, data = diff_json(capsys, "--exit-code", "--rev", "HEAD~1", "declarations")
    assert code == 1
    assert changes(data) == [
        (
            f"HEAD~1:declarations/2023/{BUREAU}",
            f"declarations/2023/{BUREAU}",
            "changed", "年末资产总额", "10.00", "12.50", "Δ +2.50（+25.00 %）",
        ),
        (
            f"HEAD~1:declarations/2024/{SEED_NAME}",
            f"declarations/2024/{SEED_NAME}",
            "changed", TARGET_30, "=60%", "=50%", "↓ −10 个百分点",
        ),
    ]  # fmt: skip
    assert data["added"] == [] and data["removed"] == []
    assert (data["old_label"], data["new_label"]) == ("HEAD~1", "工作区")

    assert main(["diff", "--exit-code", "--rev", "HEAD", "declarations"]) == 0
    assert main(["diff", "--exit-code", "--rev", "HEAD~1..HEAD", "declarations/2024"]) == 1
    out = capsys.readouterr().out
    assert f"| 修改 | {TARGET_30} | =60% | =50% | ↓ −10 个百分点 |" in out.splitlines()
    assert "年末资产总额" not in out


def test_declarations_added_and_removed_in_one_year_only(repository, capsys):
    (repository / "declarations/2024" / BUREAU).unlink()
    (repository / "declarations/2024/文化局.yaml").write_text(
        bureau(2024).replace("教育局", "文化局"), encoding="utf-8"
    )
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "2024: 文化局 instead of 教育局")
    code, data = diff_json(capsys, "--exit-code", "--rev", "HEAD~1..HEAD")
    assert code == 1
    assert data["added"] == ["文化局（HEAD:declarations/2024/文化局.yaml）"]
    assert data["removed"] == ["教育局（HEAD~1:declarations/2024/教育局.yaml）"]
    assert changes(data) == []
    assert data["summary"] == {
        **NOTHING, "declarations_added": 1, "declarations_removed": 1, "unchanged": 207,
        "declarations_unchanged": 3,
    }  # fmt: skip


def test_the_summary_table_counts_declarations_added_and_removed(repository, capsys):
    (repository / "declarations/2024" / BUREAU).unlink()
    (repository / "declarations/2024/文化局.yaml").write_text(
        bureau(2024).replace("教育局", "文化局"), encoding="utf-8"
    )
    (repository / "declarations/2024/体育局.yaml").write_text(
        bureau(2024).replace("教育局", "体育局"), encoding="utf-8"
    )
    report = repository / "out/diff/2024.md"
    args = ["diff", "--exit-code", "--rev", "HEAD", "declarations/2024", "-o", str(report)]
    assert main(args) == 1
    counted = [["新增申报", "2"], ["删除申报", "1"], ["文件改名", "0"], ["未变", "95"]]
    assert markdown_tables(report.read_text(encoding="utf-8"))[0][7:11] == counted
    assert capsys.readouterr().err == (
        f"3 处变化：修改 0，新增 0，删除 0，移动 0，顺序调整 0，可能改名 0；未变 95；申报新增 2 份、删除 1 份 → {report}\n"
    )
    assert main(["preview", "--out", str(repository / "out")]) == 0
    page = (repository / "out/diff/2024.html").read_text(encoding="utf-8")
    assert '<td>新增申报</td>\n<td style="text-align:right">2</td>' in page
    assert '<td>删除申报</td>\n<td style="text-align:right">1</td>' in page


def test_a_file_renamed_and_nothing_else_is_a_change(repository, capsys):
    git(repository, "mv", f"declarations/2024/{BUREAU}", "declarations/2024/education.yaml")
    git(repository, "commit", "-q", "-m", "rename")
    assert main(["diff", "--exit-code", "--rev", "HEAD~1..HEAD", "declarations"]) == 1
    captured = capsys.readouterr()
    paragraphs = markdown_paragraphs(captured.out)
    renamed = f"文件改名：declarations/2024/{BUREAU} → declarations/2024/education.yaml"
    assert paragraphs[paragraphs.index(renamed) + 1] == "内容没有变化。"
    assert ["文件改名", "1"] in markdown_tables(captured.out)[0]
    assert captured.err == (
        "1 处变化：修改 0，新增 0，删除 0，移动 0，顺序调整 0，可能改名 0；未变 224；文件改名 1 个\n"
    )
    code, data = diff_json(capsys, "--exit-code", "--rev", "HEAD~1..HEAD", "declarations")
    assert code == 1
    assert data["summary"] == {
        **NOTHING, "files_renamed": 1, "unchanged": 224, "declarations_unchanged": 3
    }  # fmt: skip
    assert main(["diff", "--exit-code", "--rev", "HEAD..HEAD", "declarations"]) == 0


def test_a_renamed_file_pairs_with_its_own_year(repository, capsys):
    git(repository, "mv", f"declarations/2024/{BUREAU}", "declarations/2024/education.yaml")
    git(repository, "commit", "-q", "-m", "rename")
    code, data = diff_json(capsys, "--rev", "HEAD~1..HEAD", "declarations")
    assert code == 0
    renamed = [p for p in data["pairs"] if p["renamed_file"]]
    assert [(p["old_source"], p["new_source"]) for p in renamed] == [
        (f"HEAD~1:declarations/2024/{BUREAU}", "HEAD:declarations/2024/education.yaml")
    ]
    assert changes(data) == [] and data["added"] == [] and data["removed"] == []


@pytest.mark.skipif(
    not (ROOT / ".venv" / ".installed").exists(), reason="needs the project's .venv"
)
def test_make_diff_year_over_year_in_the_repository(repository):
    result = subprocess.run(
        ["make", "-C", str(ROOT), "diff", "FROM=2023", "TO=2024",
         f"DECLARATIONS={repository / 'declarations'}", f"OUT={repository / 'out'}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = (repository / "out/diff/2023-2024.md").read_text(encoding="utf-8")
    root = repository / "declarations"
    titles = headings(report)
    assert titles[0] == f"申报变更：2023 → 2024 年度（{root}/2023 → {root}/2024）"
    assert titles[1] == "中国人民政治协商会议闵行区委员会办公室（2023 → 2024 年度）"
    assert titles[-1] == "没有变化的申报（1 份）"
    paragraphs = markdown_paragraphs(report)
    assert paragraphs[-1] == "教育局"  # unchanged: named at the end, without a section
    assert "| 修改 | 年度 |" not in report
    assert "新增或删除的申报" not in report
    assert markdown_tables(report)[0][1:4] == [["新增", "1"], ["删除", "1"], ["修改", "5"]]
    assert "10 处变化" in result.stderr


def test_unchanged_declarations_are_named_in_one_line_at_the_end(repository, capsys):
    for year in (2023, 2024):
        for name in ("文化局", "体育局"):
            path = repository / f"declarations/{year}/{name}.yaml"
            path.write_text(bureau(year).replace("教育局", name), encoding="utf-8")
    git(repository, "add", ".")
    git(repository, "commit", "-q", "-m", "two more departments")
    assert main(["diff", "declarations/2023", "declarations/2024"]) == 0
    report = capsys.readouterr().out
    assert headings(report) == [
        "申报变更：2023 → 2024 年度（declarations/2023 → declarations/2024）",
        "中国人民政治协商会议闵行区委员会办公室（2023 → 2024 年度）",
        "预算情况",
        "文字内容",
        "年度重点任务",
        "绩效指标",
        "没有变化的申报（3 份）",
    ]
    assert markdown_paragraphs(report)[-1] == "体育局、教育局、文化局"
    assert "没有变化。" not in markdown_paragraphs(report)
    assert markdown_tables(report)[0][-1] == ["未变申报", "3"]
    code, data = diff_json(capsys, "declarations/2023", "declarations/2024")
    assert code == 0 and data["summary"]["declarations_unchanged"] == 3
    assert [p["name"] for p in data["pairs"] if not p["changes"]] == ["体育局", "教育局", "文化局"]

    # over several years each is named with its year; a file renamed still has its section
    git(repository, "mv", f"declarations/2024/{BUREAU}", "declarations/2024/education.yaml")
    assert main(["diff", "--rev", "HEAD", "declarations"]) == 0
    report = capsys.readouterr().out
    assert headings(report)[1:] == ["教育局（2024 年度）", "没有变化的申报（7 份）"]
    assert markdown_paragraphs(report)[-1] == (
        "中国人民政治协商会议闵行区委员会办公室（2023 年度）、体育局（2023 年度）、"
        "教育局（2023 年度）、文化局（2023 年度）、中国人民政治协商会议闵行区委员会办公室（2024 年度）、"
        "体育局（2024 年度）、文化局（2024 年度）"
    )
