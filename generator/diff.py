"""The `diff` command: compare two sets of declarations (files, year folders or git revisions)
and render the change report as Markdown or JSON."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.compare import Comparison, compare_sets
from generator.errors import Diagnostic, sort_diagnostics
from generator.model import Declaration
from generator.render import TEMPLATES, Renderer
from generator.revisions import read_at_revision
from generator.sources import Checked, find_declarations, read_checked


@dataclass(frozen=True)
class DiffResult:
    """The comparison, or (when a side is invalid) the problems that prevent it."""

    comparison: Comparison | None
    diagnostics: tuple[Diagnostic, ...]


def diff_paths(old: Path, new: Path) -> DiffResult:
    """Compare the declarations under `old` with those under `new` (files or folders)."""
    return _compare(
        [read_checked(p) for p in find_declarations([old])],
        [read_checked(p) for p in find_declarations([new])],
        old.as_posix(),
        new.as_posix(),
    )


def diff_revisions(old: str, new: str | None, paths: Sequence[Path]) -> DiffResult:
    """Compare the declarations under `paths` at git revision `old` with revision `new`
    (None: the work tree)."""
    before = read_at_revision(old, paths)
    if new is None:
        after = [read_checked(p) for p in find_declarations(paths)]
    else:
        after = read_at_revision(new, paths)
    return _compare(before, after, old, new or "工作区")


def render_report(comparison: Comparison, output_format: str, templates: Path = TEMPLATES) -> str:
    """The report as Markdown (templates/diff.md.j2) or JSON."""
    if output_format == "json":
        return json.dumps(dataclasses.asdict(comparison), ensure_ascii=False, indent=1) + "\n"
    return Renderer(templates).render_markdown("diff.md.j2", c=comparison)


def summary_line(comparison: Comparison) -> str:
    s = comparison.summary
    changed = sum(v for k, v in s.items() if k != "unchanged")
    counted = f"{changed} 处变化：修改 {s['changed']}，新增 {s['added']}，删除 {s['removed']}，"
    counted += f"移动 {s['moved']}，可能改名 {s['renamed']}；未变 {s['unchanged']}"
    if comparison.added or comparison.removed:
        counted += f"；申报新增 {len(comparison.added)} 份、删除 {len(comparison.removed)} 份"
    return counted


def _compare(before: list[Checked], after: list[Checked], old: str, new: str) -> DiffResult:
    problems = [d for item in before + after for d in item.diagnostics]
    if problems:
        return DiffResult(None, tuple(sort_diagnostics(problems)))
    return DiffResult(compare_sets(_models(before), _models(after), old, new), ())


def _models(checked: list[Checked]) -> list[Declaration]:
    return [item.declaration for item in checked if item.declaration is not None]
