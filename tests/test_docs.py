"""Documentation stays true: every diagnostic code the code can emit is documented and tested."""

from __future__ import annotations

import re

from conftest import ROOT


def codes_in(text: str) -> set[str]:
    return set(re.findall(r"\b[EWL]\d{3}\b", text))


def test_every_code_is_documented_and_has_a_rule_case():
    emitted = codes_in(
        "".join(p.read_text(encoding="utf-8") for p in (ROOT / "generator").rglob("*.py"))
        # codes the kinds' definitions give their rules
        + "".join(p.read_text(encoding="utf-8") for p in (ROOT / "generator").rglob("*.yaml"))
    )
    documented = codes_in(
        "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    )
    cases = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py"))
    cases += "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "tests" / "rules").glob("*.yaml")
    )
    assert emitted == documented
    assert emitted <= codes_in(cases)
