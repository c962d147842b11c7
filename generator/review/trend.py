"""The `trend` command: one column per year for every budget figure and every indicator's
target, per department — the table finance staff otherwise assemble by hand in Excel.

A department's years are found as `diff` finds them (review/pairing.py): each year's
declarations pair with the departments of the years before it by 部门名称, then by file name,
and a pair of two 部门名称 made by file name is reported, in trend.md and to the caller. A
project is followed the same way, by its 项目名称 within its department (a long-running project
is one section, under its department), and is never lined up with a 整体 form.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from generator.build.report import check
from generator.build.write import Artifact, Writer
from generator.declaration.model import Declaration
from generator.declaration.places import WHOLE
from generator.errors import Diagnostic
from generator.render import TEMPLATES
from generator.render.context import DepartmentYears
from generator.render.templates import Renderer
from generator.review.pairing import fold, pair_declarations
from generator.review.trend_table import trend_context


@dataclass
class TrendReport:
    """What the trend command found and wrote, and the notes on how years were paired."""

    diagnostics: list[Diagnostic]
    written: list[str]
    notes: list[str]


def trend(
    paths: Sequence[Path], out: Path, templates: Path = TEMPLATES, own_templates: Path | None = None
) -> TrendReport:
    """Validate the declarations under `paths` (several years) and write `out/trend.md` and
    `out/trend.xlsx`; nothing when any is invalid."""
    report = check(paths)
    if not report.ok:
        return TrendReport(report.diagnostics, [], [])
    departments = departments_over_years([c.declaration for c in report.checked if c.declaration])
    files = Renderer(templates, own_templates).trend_files(trend_context(departments))
    made = _made(out)  # a file of the user's at one of its names is never written over
    writer = Writer(out, owns=made.__contains__, maker=("trend", f"记录 {RECORD} "))
    try:  # all or nothing: a file of the user's at either name stops both
        for suffix, content in files.items():  # into a FIFO (`--out` of a pipe) at once
            name = f"trend{suffix}"
            (writer.write if writer.streams(name) else writer.stage)(Artifact(name, content))
        writer.stage(Artifact(RECORD, _record(made | {f"trend{suffix}" for suffix in files})))
    except BaseException:
        writer.abort()
        raise
    writer.commit()
    notes = [
        note
        for department in departments
        for part in (department, *department.projects)
        for note in part.notes
    ]
    written = [path for path in writer.written + writer.unchanged if path != RECORD]
    return TrendReport([], written, notes)


RECORD = ".trend.json"  # the files trend made in its folder: the only ones it writes over


def _made(out: Path) -> set[str]:
    """The files the record in `out` says trend made there (none when it is unreadable)."""
    try:
        listed = json.loads((out / RECORD).read_text(encoding="utf-8"))["made"]
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    return {name for name in listed if isinstance(name, str)} if isinstance(listed, list) else set()


def _record(made: set[str]) -> bytes:
    return (json.dumps({"made": sorted(made)}, ensure_ascii=False) + "\n").encode()


def departments_over_years(declarations: Sequence[Declaration]) -> list[DepartmentYears]:
    """The 整体 forms grouped by department, year by year, each with its projects grouped
    likewise. A project belongs to the department whose 整体 form is beside its folder in its
    latest year that has one among `declarations`; a department whose 整体 forms are not among
    them is named by its projects."""
    chains = _over_years(declarations)
    wholes = [chain for chain in chains if _category(chain) == WHOLE]
    owner = {
        (year, decl.slug): number
        for number, chain in enumerate(wholes)
        for year, decl in chain.versions.items()
    }
    projects: dict[int, list[DepartmentYears]] = {number: [] for number in range(len(wholes))}
    alone: dict[str, list[DepartmentYears]] = {}
    for chain in chains:
        if _category(chain) == WHOLE:
            continue
        folders = [(year, d.slug.partition("/")[0]) for year, d in chain.versions.items()]
        number = next((owner[f] for f in reversed(folders) if f in owner), None)
        if number is None:
            latest = chain.versions[max(chain.versions)]
            alone.setdefault(fold(latest.department), []).append(chain)
        else:
            projects[number].append(chain)
    grouped = [replace(chain, projects=tuple(projects[n])) for n, chain in enumerate(wholes)]
    return grouped + [DepartmentYears({}, (), tuple(items)) for items in alone.values()]


def _category(chain: DepartmentYears) -> str:
    return next(iter(chain.versions.values())).kind.category


def _over_years(declarations: Sequence[Declaration]) -> list[DepartmentYears]:
    """The declarations of each department (or project) by year: each year's declarations pair
    with the latest declaration of each found so far; one left over starts another."""
    versions: list[dict[int, Declaration]] = []
    notes: list[list[str]] = []
    for year in sorted({d.year for d in declarations}):
        latest = [group[max(group)] for group in versions]
        department_of = {decl.source: number for number, decl in enumerate(latest)}
        this_year = {d.source: d for d in declarations if d.year == year}
        pairing = pair_declarations({d.source: d for d in latest}, this_year, across_years=True)
        for pair in pairing.pairs:
            versions[department_of[pair.old]][year] = this_year[pair.new]
            notes[department_of[pair.old]] += [pair.note] if pair.note else []
        for source in pairing.added:
            versions.append({year: this_year[source]})
            notes.append([])
    return [DepartmentYears(v, tuple(n)) for v, n in zip(versions, notes, strict=True)]
