"""Rule cases as data: each case in tests/rules/*.yaml edits tests/data/minimal.yaml (or gives
the whole text) and states the exact lines `build` prints. A broken declaration exits 1 with no
traceback and writes nothing; an accepted one builds every output."""

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
        text = text.replace(old, new.replace("{{5MB}}", "长" * (5 * 1024 * 1024 // 3)), 1)
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
    assert status == (1 if expected else 0)
    if expected:
        assert not (tmp_path / "out").exists()
    else:
        assert sorted(p.name for p in (tmp_path / "out/2023").iterdir()) == [
            "case.docx", "case.html", "case.md", "case.xlsx", "index.html", "index.md", "index.xlsx",
        ]  # fmt: skip
