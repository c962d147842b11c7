"""The `new-year` command: carry a year's declarations forward to the next year's folder.

Each file is copied as text, so comments, order and layout stay as the author wrote them; only
the value of 年度 changes, found by its recorded location rather than by searching the text.
Existing files are never overwritten. The texts are copied as they are, so last year's year
left in them (“2023年，……”, “(2023运维)”) is reported after copying (the L008 warnings of the
copies) for the author to review.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.build.write import Artifact, Writer
from generator.declaration.sources import find_declarations, read_checked, read_checked_text
from generator.errors import Diagnostic, Location
from generator.review.lint import lint_other_year


@dataclass(frozen=True)
class NewYearReport:
    created: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    review: tuple[Diagnostic, ...] = ()  # places in the copies that name another year (L008)


def carry_forward(root: Path, old_year: int, new_year: int) -> NewYearReport:
    """Copy `root/<old_year>/*.yaml` to `root/<new_year>/` with 年度 set to `new_year`."""
    source, target = root / str(old_year), root / str(new_year)
    problems: list[Diagnostic] = []
    copies: list[Artifact] = []
    review: list[Diagnostic] = []
    for path in find_declarations([source]):
        checked = read_checked(path)
        destination = target / path.name
        if destination.exists():
            problems.append(
                Diagnostic(
                    Location(destination.as_posix(), 1, 1),
                    "E501",
                    "已存在，不覆盖",
                    f"若要重新生成，先删除 {destination.as_posix()}",
                )
            )
            continue
        if checked.declaration is None or not checked.ok:
            problems.extend(checked.diagnostics)
            continue
        year_at = checked.declaration.where(checked.declaration.kind.role_path("year"))
        text = path.read_text(encoding="utf-8-sig")
        copy = _replace_year(text, year_at, old_year, new_year)
        copies.append(Artifact(path.name, copy.encode()))
        carried = read_checked_text(copy, destination.as_posix()).declaration
        if carried is not None:
            review.extend(lint_other_year(carried))
    if problems:
        return NewYearReport((), tuple(problems))
    writer = Writer(target)
    for artifact in copies:
        writer.write(artifact)
    return NewYearReport(tuple((target / a.path).as_posix() for a in copies), (), tuple(review))


def _replace_year(text: str, at: Location, old_year: int, new_year: int) -> str:
    lines = text.splitlines(keepends=True)
    line = lines[at.line - 1]
    start = line.index(str(old_year), at.col - 1)
    lines[at.line - 1] = line[:start] + str(new_year) + line[start + len(str(old_year)) :]
    return "".join(lines)
