"""Rule cases as data: each case in tests/rules/*.yaml edits tests/data/minimal.yaml and states
the exact lines `check` prints (none for an accepted input)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL

from generator.cli import main

RULES = Path(__file__).parent / "rules"


def load_cases() -> list:
    cases = []
    for path in sorted(RULES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append(pytest.param(path, case, id=f"{path.stem}: {case['name']}"))
    return cases


def case_bytes(case: dict) -> bytes:
    text = case["text"] if "text" in case else MINIMAL.read_text(encoding="utf-8")
    for old, new in case.get("replace", []):
        assert old in text, f"case edit does not apply: {old!r}"
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
    status = main(["check", "2023/case.yaml"])
    printed = capsys.readouterr().out.splitlines()
    assert "Traceback" not in "".join(printed)
    expected = case.get("expect", [])
    assert printed == expected
    assert status == (1 if expected else 0)
