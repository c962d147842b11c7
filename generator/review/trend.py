"""The `trend` command: one column per year for every budget figure and every indicator's
target, per department — the table finance staff otherwise assemble by hand in Excel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.build.build import check
from generator.build.write import Artifact, Writer
from generator.errors import Diagnostic
from generator.render.context import trend_context
from generator.render.templates import TEMPLATES, Renderer


@dataclass
class TrendReport:
    """What the trend command found and wrote."""

    diagnostics: list[Diagnostic]
    written: list[str]


def trend(paths: Sequence[Path], out: Path, templates: Path = TEMPLATES) -> TrendReport:
    """Validate the declarations under `paths` (several years) and write `out/trend.md` and
    `out/trend.xlsx`; nothing when any is invalid."""
    report = check(paths)
    if not report.ok:
        return TrendReport(report.diagnostics, [])
    context = trend_context([c.declaration for c in report.checked if c.declaration])
    files = Renderer(templates).trend_files(context)
    writer = Writer(out)
    for suffix, content in files.items():
        writer.write(Artifact(f"trend{suffix}", content))
    return TrendReport([], writer.written + writer.unchanged)
