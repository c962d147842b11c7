"""The years a declaration may have and the timestamps of its packages: one range (the years a
ZIP entry can hold), used by `check`, `new-year`, the JSON Schema and the writer; and
SOURCE_DATE_EPOCH, refused when it is not a time within that range."""

from __future__ import annotations

import re
import zipfile

import pytest
from conftest import MINIMAL

from generator.authoring.json_schema import declaration_schema
from generator.cli import main

RANGE = "应为 315532800（1980-01-01 00:00:00 UTC）到 4354819199（2107-12-31 23:59:59 UTC）之间的整数秒数"


def zip_times(path) -> set[tuple[int, ...]]:
    with zipfile.ZipFile(path) as package:
        return {info.date_time for info in package.infolist()}


@pytest.mark.parametrize("year", [1980, 2107])
def test_the_first_and_last_years_build_with_their_own_date(
    year, write_declaration, tmp_path, monkeypatch
):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    text = MINIMAL.read_text(encoding="utf-8").replace("年度: 2023", f"年度: {year}")
    source = write_declaration(text, year=str(year))
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 0
    for suffix in ("docx", "xlsx"):
        assert zip_times(tmp_path / f"out/{year}/case.{suffix}") == {(year, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize(
    ("epoch", "date_time"),
    [("315532800", (1980, 1, 1, 0, 0, 0)), (" 4354819199\n", (2107, 12, 31, 23, 59, 58))],
)
def test_source_date_epoch_at_the_ends_of_the_range(
    epoch, date_time, write_declaration, tmp_path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 0
    assert zip_times(tmp_path / "out/2023/case.docx") == {date_time}


def test_an_empty_source_date_epoch_counts_as_unset(write_declaration, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 0
    assert zip_times(tmp_path / "out/2023/case.xlsx") == {(2023, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize(
    ("epoch", "shown"),
    [
        ("abc", "abc"),
        ("-1", "-1"),
        ("1.5", "1.5"),
        ("0", "0"),
        ("315532799", "315532799"),
        ("4354819200", "4354819200"),
        ("99999999999", "99999999999"),
        ("1" * 5000, "11111111111111111111…（共 5,000 个字符）"),
    ],
    ids=lambda value: str(value)[:12],
)
def test_a_source_date_epoch_outside_the_range_is_an_environment_error(
    epoch, shown, write_declaration, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"错误：环境变量 SOURCE_DATE_EPOCH 的值“{shown}”不可用：{RANGE}"
        "（DOCX、XLSX 文件里的日期只能是 1980–2107 年）；改正它，或删除它以用申报年度的 1 月 1 日\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_bad_source_date_epoch_is_refused_even_when_nothing_is_rendered(
    write_declaration, tmp_path, capsys, monkeypatch
):
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 2
    assert "SOURCE_DATE_EPOCH" in capsys.readouterr().err


def test_the_json_schema_allows_the_same_years():
    number, text = declaration_schema()["$defs"]["kind 上海整体"]["properties"]["年度"]["anyOf"]
    assert (number["minimum"], number["maximum"]) == (1980, 2107)
    written = [str(y) for y in range(1000, 10000) if re.search(text["pattern"], str(y))]
    assert (written[0], written[-1], len(written)) == ("1980", "2107", 128)
