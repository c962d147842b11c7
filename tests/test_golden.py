"""Golden outputs of the seed, compared as text: the Markdown itself and textual projections of
the DOCX and XLSX (cells, spans, number formats, fonts, page set-up). Regenerate on purpose with
`make golden` after a deliberate change, and review the diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import SEED_YAML
from projection import project_docx, project_xlsx

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
SLUG = SEED_YAML.stem


@pytest.mark.parametrize(
    ("output", "project"),
    [
        (f"{SLUG}.md", lambda p: p.read_text(encoding="utf-8")),
        (f"{SLUG}.docx", project_docx),
        (f"{SLUG}.xlsx", project_xlsx),
        ("index.md", lambda p: p.read_text(encoding="utf-8")),
        ("index.xlsx", project_xlsx),
    ],
)
def test_matches_golden(seed_outputs, output, project):
    actual = project(seed_outputs / output)
    golden = GOLDEN / f"{output}.txt"
    if UPDATE:
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), "no golden file yet: run `make golden`"
    assert actual == golden.read_text(encoding="utf-8")
