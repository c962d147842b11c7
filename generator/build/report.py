"""What `check` and `build` report, and `check` itself: find the declarations under the PATHs,
read and validate each, and check them across files; nothing is written. Kept apart from the
build (build/build.py) so that `check`, run on every save by an editor or a pre-commit hook,
loads none of the build's machinery (cache, manifest, lock, workers, renderers).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.declaration.sources import (
    Checked,
    check_across_files,
    find_declarations,
    read_checked,
    with_departments,
)
from generator.errors import Diagnostic, is_error, sort_diagnostics

if TYPE_CHECKING:
    from generator.build.cache import ModelCache


@dataclass
class Report:
    """What a command found and did."""

    checked: list[Checked] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # rendered again, and the same bytes
    removed: list[str] = field(default_factory=list)  # outputs of declarations that are gone
    skipped: int = 0  # declarations whose outputs were already up to date
    kept: int = 0  # output files already up to date, not rendered again
    gone: list[tuple[str, str]] = field(default_factory=list)  # (source, "<年度>/<slug>") dropped
    notes: list[str] = field(default_factory=list)  # what the build could not do, and went on

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if is_error(d)]

    @property
    def warnings(self) -> list[Diagnostic]:
        """What was read but looks wrong (W…): printed, not blocking."""
        return [d for d in self.diagnostics if not is_error(d)]

    @property
    def ok(self) -> bool:
        return not self.errors


def check(
    paths: Iterable[Path], cache: ModelCache | None = None, departments: bool = False
) -> Report:
    """Load and validate every declaration under `paths` (and, with `departments`, the other
    forms of the departments they belong to); write nothing (`cache` only reads and
    remembers)."""
    report = Report()
    read = cache.checked if cache is not None else read_checked
    found = find_declarations(paths)
    if departments:
        found = with_departments(found)
    report.checked = [read(path) for path in found]
    report.diagnostics = sort_diagnostics(
        [d for item in report.checked for d in item.diagnostics]
        + check_across_files(report.checked)
    )
    return report
