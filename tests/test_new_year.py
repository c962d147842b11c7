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
