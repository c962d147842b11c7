"""Which declaration of one year is which of another, for `diff` and `trend` alike: by 部门名称
(as written, then folded), then by file name, and a pair made by file name between two
部门名称 is said so, never silently taken for one department."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import MINIMAL, markdown_paragraphs, markdown_tables
from openpyxl import load_workbook

from generator.cli import main
from generator.declaration.sources import read_checked
from generator.review.pairing import pair_declarations


def declaration(name: str, year: int, staff: int) -> str:
    return (
        MINIMAL.read_text(encoding="utf-8")
        .replace("测试局", name)
        .replace("年度: 2023", f"年度: {year}")
        .replace("年末在职人数: 3", f"年末在职人数: {staff}")
    )


def tree(root: Path, *files: tuple[int, str, str, int]) -> Path:
    """root/declarations/<year>/<file> for each (year, file, 部门名称, 年末在职人数)."""
    for year, file, name, staff in files:
        folder = root / "declarations" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / file).write_text(declaration(name, year, staff), encoding="utf-8")
    return root / "declarations"


def trend_sections(root: Path, capsys) -> tuple[dict[str, list[list[str]]], list[str], str]:
    """Run trend; each department's heading with its 年末在职人数 row (label and years), the
    paragraphs of trend.md, and what was printed on standard error."""
    assert main(["trend", str(root), "--out", str(root.parent / "trend")]) == 0
    report = (root.parent / "trend/trend.md").read_text(encoding="utf-8")
    headings = [line[3:] for line in report.splitlines() if line.startswith("## ")]
    staff = [
        [row[:4] for row in table if row[1] == "年末在职人数"] for table in markdown_tables(report)
    ]
    return (
        dict(zip(headings, staff, strict=True)),
        markdown_paragraphs(report),
        capsys.readouterr().err,
    )


def test_trend_pairs_a_renamed_file_by_its_department(tmp_path, capsys):
    root = tree(tmp_path, (2023, "edu.yaml", "教育局", 11), (2024, "教育局.yaml", "教育局", 12))
    sections, paragraphs, err = trend_sections(root, capsys)
    assert sections == {"教育局": [["概况", "年末在职人数", "11", "12"]]}
    assert not [p for p in paragraphs if "按文件名配对" in p]
    assert "按文件名配对" not in err


def test_trend_never_lines_up_two_departments_that_share_a_file_name(tmp_path, capsys):
    root = tree(
        tmp_path,
        (2023, "edu.yaml", "教育局", 11),
        (2024, "edu.yaml", "财政局", 26),
        (2024, "教育局.yaml", "教育局", 12),
    )
    sections, paragraphs, err = trend_sections(root, capsys)
    assert sections == {
        "财政局": [["概况", "年末在职人数", "", "26"]],
        "教育局": [["概况", "年末在职人数", "11", "12"]],
    }
    assert not [p for p in paragraphs if "按文件名配对" in p]
    assert "按文件名配对" not in err


def test_trend_pairs_a_renamed_department_by_file_name_and_says_so(tmp_path, capsys):
    root = tree(tmp_path, (2023, "edu.yaml", "教育局", 11), (2024, "edu.yaml", "财政局", 26))
    sections, paragraphs, err = trend_sections(root, capsys)
    assert sections == {"财政局": [["概况", "年末在职人数", "11", "26"]]}
    note = (
        f"按文件名配对：{root.as_posix()}/2023/edu.yaml 的“教育局”改名为 "
        f"{root.as_posix()}/2024/edu.yaml 的“财政局”（若不是同一个部门，给其中一个文件改名）"
    )
    assert note in paragraphs
    assert err.splitlines()[0] == note
    sheet = load_workbook(tmp_path / "trend/trend.xlsx")["财政局"]
    assert note in [cell.value for row in sheet.iter_rows() for cell in row]


def test_trend_pairs_department_names_that_differ_only_by_full_width_forms(tmp_path, capsys):
    root = tree(
        tmp_path,
        (2023, "a.yaml", "测试局（汇总）", 11),
        (2023, "b.yaml", "其他局", 5),
        (2024, "b.yaml", "测试局(汇总)", 12),
        (2024, "a.yaml", "其他局", 6),
    )
    sections, paragraphs, err = trend_sections(root, capsys)
    assert sections == {
        "测试局(汇总)": [["概况", "年末在职人数", "11", "12"]],
        "其他局": [["概况", "年末在职人数", "5", "6"]],
    }
    assert not [p for p in paragraphs if "按文件名配对" in p]
    assert "按文件名配对" not in err


def diff_pairs(root: Path, capsys) -> tuple[list[tuple[str, str, str]], dict, str]:
    code = main(["diff", "--format", "json", str(root / "2023"), str(root / "2024")])
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    pairs = [(p["old_source"], p["new_source"], p["paired_by"]) for p in data["pairs"]]
    return pairs, {**data, "code": code}, captured.err


def test_diff_year_over_year_pairs_by_department_before_file_name(tmp_path, capsys):
    root = tree(
        tmp_path,
        (2023, "edu.yaml", "教育局", 11),
        (2024, "edu.yaml", "财政局", 26),
        (2024, "教育局.yaml", "教育局", 12),
    )
    pairs, data, err = diff_pairs(root, capsys)
    r = root.as_posix()
    assert pairs == [(f"{r}/2023/edu.yaml", f"{r}/2024/教育局.yaml", "department")]
    assert "按文件名配对" not in err
    assert data["added"] == [f"财政局（{r}/2024/edu.yaml）"]
    assert data["removed"] == []
    assert data["notes"] == []


def test_diff_year_over_year_says_when_it_pairs_two_department_names_by_file(tmp_path, capsys):
    root = tree(tmp_path, (2023, "edu.yaml", "教育局", 11), (2024, "edu.yaml", "财政局", 26))
    pairs, data, err = diff_pairs(root, capsys)
    r = root.as_posix()
    assert pairs == [(f"{r}/2023/edu.yaml", f"{r}/2024/edu.yaml", "file_name")]
    note = (
        f"按文件名配对：{r}/2023/edu.yaml 的“教育局”改名为 {r}/2024/edu.yaml 的“财政局”"
        "（若不是同一个部门，给其中一个文件改名）"
    )
    assert data["notes"] == [note]
    assert data["pairs"][0]["note"] == note
    assert err.splitlines()[0] == note
    assert main(["diff", str(root / "2023"), str(root / "2024")]) == 0
    assert note in markdown_paragraphs(capsys.readouterr().out)


def model(path: Path):
    checked = read_checked(path)
    assert checked.ok, checked.diagnostics
    return checked.declaration


@pytest.mark.parametrize("across_years", [True, False])
def test_within_a_year_only_declarations_of_that_year_pair(tmp_path, across_years):
    root = tree(tmp_path, (2023, "a.yaml", "教育局", 1), (2024, "a.yaml", "教育局", 1))
    old = {"2023/a.yaml": model(root / "2023/a.yaml")}
    new = {"2024/a.yaml": model(root / "2024/a.yaml")}
    pairing = pair_declarations(old, new, across_years)
    if across_years:
        assert [(p.old, p.new, p.by) for p in pairing.pairs] == [
            ("2023/a.yaml", "2024/a.yaml", "department")
        ]
    else:
        assert pairing.pairs == ()
        assert (pairing.added, pairing.removed) == (("2024/a.yaml",), ("2023/a.yaml",))
