"""Rule cases as data: each case in tests/rules/*.yaml edits tests/data/minimal.yaml (or the
`base` it names, or gives the whole text) and states the exact lines `build` prints. In a
replacement, `{{5MB}}` stands for a 5 MB text and `{{1x5000}}` for the digit 1 written 5,000
times. A broken declaration exits 1 with no
traceback and writes nothing; an accepted one builds every output."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL

from generator.cli import main
from generator.declaration.sources import read_checked
from generator.kinds.vocabulary import AmountUnit

RULES = Path(__file__).parent / "rules"


def load_cases() -> list:
    cases = []
    for path in sorted(RULES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append(pytest.param(path, case, id=f"{path.stem}: {case['name']}"))
    return cases


def case_bytes(case: dict) -> bytes:
    """The case's file: its `text`, or its `base` (tests/data/minimal.yaml by default) edited."""
    base = MINIMAL.parent / case.get("base", MINIMAL.name)
    text = case["text"] if "text" in case else base.read_text(encoding="utf-8")
    for old, new in case.get("replace", []):
        assert old in text, f"case edit does not apply: {old!r}"
        new = new.replace("{{5MB}}", "长" * (5 * 1024 * 1024 // 3))
        new = re.sub(r"\{\{(\d)x(\d+)\}\}", lambda m: m[1] * int(m[2]), new)  # {{1x5000}}
        text = text.replace(old, new, 1)
    text = case.get("prefix", "") + text + case.get("append", "")
    if case.get("crlf"):
        text = text.replace("\n", "\r\n")
    return text.encode(case.get("encoding", "utf-8"))


@pytest.mark.parametrize(("rule_file", "case"), load_cases())
def test_rule_case(rule_file, case, tmp_path, capsys, monkeypatch):
    source = tmp_path / "2023" / "case.yaml"
    source.parent.mkdir()
    source.write_bytes(case_bytes(case))
    monkeypatch.chdir(tmp_path)
    status = main(["build", "2023/case.yaml", "--out", "out"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    expected = case.get("expect", [])
    assert captured.out.splitlines() == expected
    errors = [line for line in expected if re.search(r":\d+:\d+: E\d{3} ", line)]
    assert status == (1 if errors else 0)  # warnings (W…) are printed, and the build goes on
    if errors:
        assert not (tmp_path / "out").exists()
    else:
        assert sorted(p.name for p in (tmp_path / "out/2023").iterdir()) == [
            "case.docx", "case.html", "case.md", "case.xlsx", "index.html", "index.md", "index.xlsx",
        ]  # fmt: skip


def test_a_sum_off_below_two_decimals_prints_the_decimals_it_needs(write_declaration, monkeypatch):
    # a 金额单位 allowing 4 decimals (as some 万元 forms do): the gap is below the 2 decimals
    # amounts usually print with, and must not read "100.00 ≠ 100.00（合计多 0.00）"
    monkeypatch.setattr(
        "generator.declaration.checks.amount_units",
        lambda: {"元": AmountUnit("元", 4, 2, "（元）", Decimal(1))},
    )
    path = write_declaration(
        MINIMAL.read_text(encoding="utf-8").replace("财政拨款: 80.00", "财政拨款: 80.0001")
    )
    assert [str(d) for d in read_checked(path).diagnostics] == [
        f"{path.as_posix()}:12:3: E201 财政拨款 + 其他资金 = 100.0001 ≠ 部门整体预算总额 100.0000"
        "（合计多 0.0001）（提示：核对各项金额，合计须与总额分毫不差）"
    ]


def test_optional_blocks_written_empty_are_absent(write_declaration):
    text = (MINIMAL.parent / "minimal-national.yaml").read_text(encoding="utf-8")
    empty = "金额合计: {}\n年度履职目标: []\n年度预算安排:\n年度总体目标:"
    checked = read_checked(write_declaration(text.replace("年度总体目标:", empty)))
    assert checked.diagnostics == ()
    decl = checked.declaration
    assert decl is not None
    assert [decl.get(key) for key in ("金额合计", "年度履职目标", "年度预算安排")] == [None] * 3
    assert not any(path.startswith(("金额合计", "年度履职目标")) for path in decl.locations)
