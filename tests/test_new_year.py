"""`new-year`: years outside the accepted range are refused; 年度 written in full-width digits or
quoted is carried forward too."""

from __future__ import annotations

import pytest
from conftest import MINIMAL

from generator.cli import main


def year_root(tmp_path, year: str, year_text: str):
    folder = tmp_path / "declarations" / year
    folder.mkdir(parents=True)
    text = MINIMAL.read_text(encoding="utf-8").replace("年度: 2023", f"年度: {year_text}")
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "declarations"


@pytest.mark.parametrize(
    ("old", "new", "bad"), [("2023", "2108", "2108"), ("1979", "1980", "1979")]
)
def test_years_outside_the_range_are_refused(old, new, bad, tmp_path, capsys):
    root = year_root(tmp_path, old, old)
    assert main(["new-year", old, new, "--root", str(root)]) == 2
    assert capsys.readouterr().err == (
        f"错误：年度 {bad} 不在 1980 到 2107 之间（DOCX、XLSX 文件里的日期只能是 1980–2107 年）\n"
    )
    assert not (root / new).exists()


@pytest.mark.parametrize(
    ("written", "carried"), [("２０２３", "2024"), ('"2023"', '"2024"'), ("'２０２３'", "'2024'")]
)
def test_full_width_or_quoted_year_is_carried_forward(written, carried, tmp_path, capsys):
    root = year_root(tmp_path, "2023", written)
    assert main(["new-year", "2023", "2024", "--root", str(root)]) == 0
    old = (root / "2023/case.yaml").read_text(encoding="utf-8").splitlines()
    new = (root / "2024/case.yaml").read_text(encoding="utf-8").splitlines()
    assert [(a, b) for a, b in zip(old, new, strict=True) if a != b] == [
        (f"年度: {written}", f"年度: {carried}")
    ]
    assert main(["check", str(root / "2024")]) == 0


def test_a_file_name_check_refuses_is_not_carried_forward(tmp_path, capsys):
    root = year_root(tmp_path, "2023", "2023")
    (root / "2023/case.yaml").rename(root / "2023/index.yaml")
    assert main(["new-year", "2023", "2024", "--root", str(root)]) == 1
    assert capsys.readouterr().out.startswith(f"{root.as_posix()}/2023/index.yaml:1:1: E232 ")
    assert not (root / "2024").exists()


def test_the_same_year_twice_is_a_usage_error(tmp_path, capsys):
    root = year_root(tmp_path, "2023", "2023")
    before = (root / "2023/case.yaml").read_bytes()
    assert main(["new-year", "2023", "2023", "--root", str(root)]) == 2
    assert capsys.readouterr() == (
        "",
        "错误：FROM 和 TO 都是 2023：new-year 把一个年度的申报复制到另一个年度，"
        "例如 new-year 2023 2024\n",
    )
    assert (root / "2023/case.yaml").read_bytes() == before


COMMENTED = (
    MINIMAL.read_text(encoding="utf-8")
    .replace("表样: 上海整体\n", "# 2023年度申报，办公室填写\n表样: 上海整体\n")
    .replace("部门职责: 测试职责", "部门职责: 测试职责  # 依据２０２３年的三定方案")
    .replace("年度履职目标: 测试目标", "年度履职目标: |\n  # 这是文字，不是注释：2023\n  测试目标")
    .replace("下属预算单位个数: 0", "下属预算单位个数: 0  # 12023 不是年份；2022 是另一年")
    + "# 末尾：20230 与 2023 年\n"
)


def test_comments_that_name_the_old_year_are_reported_for_review(tmp_path, capsys):
    root = tmp_path / "declarations"
    (root / "2023").mkdir(parents=True)
    (root / "2023/case.yaml").write_text(COMMENTED, encoding="utf-8")
    assert main(["new-year", "2023", "2024", "--root", str(root)]) == 0
    captured = capsys.readouterr()
    name = (root / "2024/case.yaml").as_posix()
    hint = "（提示：若是沿用往年的文字，改为本年度的内容；确指那一年的可不改）"
    assert captured.out.splitlines() == [
        f"{name}:1:1: L008 注释中的 2023 不是本年度 2024：“2023年度申报，办公室填写”{hint}",
        f"{name}:6:13: L008 注释中的 2023 不是本年度 2024：“依据２０２３年的三定方案”{hint}",
        f"{name}:7:9: L008 年度履职目标中的 2023 不是本年度 2024：“# 这是文字，不是注释：2023 测试目标”{hint}",
        f"{name}:31:1: L008 注释中的 2023 不是本年度 2024：“末尾：20230 与 2023 年”{hint}",
    ]
    assert captured.err.splitlines()[-1] == "以上 4 处写的不是本年度的年份，请逐一核对"


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_line_endings_are_carried_as_they_were(ending, tmp_path, capsys):
    root = tmp_path / "declarations"
    (root / "2023").mkdir(parents=True)
    text = "\ufeff" + MINIMAL.read_text(encoding="utf-8").replace("\n", ending)
    (root / "2023/case.yaml").write_bytes(text.encode())
    assert main(["new-year", "2023", "2024", "--root", str(root)]) == 0
    assert (root / "2024/case.yaml").read_bytes() == text.replace(
        "年度: 2023", "年度: 2024"
    ).encode()
    assert main(["check", str(root / "2024")]) == 0
