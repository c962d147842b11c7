"""What the pages of a department's forms see: the department's page (its 整体 form with its
projects, their funds against its 项目支出, and its tasks linked to the projects they name),
and the rows of the year's index that list departments with their projects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from generator.declaration.filing import Filing, filings
from generator.declaration.model import format_amount
from generator.declaration.summary import Count, Summary, sum_counts
from generator.kinds import form_kinds
from generator.kinds.vocabulary import AmountUnit, amount_units, base_unit, in_unit


@dataclass(frozen=True)
class ProjectRow:
    """A project of a department: its name as printed, its file's name in the department's
    folder, its kind, its 年度资金总额 in the page's unit, and its indicator counts."""

    name: str
    stem: str
    kind: str
    funds: str
    counts: Count


@dataclass(frozen=True)
class TaskRow:
    """A task (or 支出项目名称) of the 整体 form, and the project of that name, if any."""

    name: str
    project: str  # the project's file name in the department's folder, or ""
    title: str = ""  # the project's name as printed


@dataclass(frozen=True)
class TaskGroup:
    """The tasks of one list of the 整体 form (年度重点任务, 年度主要任务, or the 支出项目名称
    of 年度履职目标), each with the project of its name."""

    label: str
    rows: tuple[TaskRow, ...]


@dataclass(frozen=True)
class DepartmentContext:
    """A department's page: build/<年度>/<部门>/index.md."""

    year: int
    slug: str
    name: str  # the department as printed ("…办公室(汇总)")
    whole: str  # the 整体 form's kind title, "" when there is none
    amount_label: str  # （元）
    expense: str  # 项目支出, "" when the 整体 form has none
    funds: str  # the projects' 年度资金总额, added up
    coverage: str  # "项目表覆盖项目支出的 62.4 %"
    over: bool
    projects: tuple[ProjectRow, ...]
    tasks: tuple[TaskGroup, ...]
    unnamed: tuple[ProjectRow, ...]  # projects no task or 支出项目名称 of the 整体 form names
    counts: Count


def department_context(filing: Filing) -> DepartmentContext:
    """The page of one department's filing."""
    unit = _unit(filing)
    coverage = filing.coverage
    places = _places(filing, unit)
    projects = tuple(
        ProjectRow(
            p.display,
            p.slug.rsplit("/", 1)[-1],
            p.kind,
            _funds(p, unit, places),
            p.counts,
        )
        for p in filing.projects
    )
    whole = filing.whole
    groups: dict[str, list[TaskRow]] = {}
    linked: set[str] = set()
    for reference in whole.references if whole is not None else ():
        label, _, name = reference.rpartition("\t")
        found = filing.project_for(name)
        stem = found.slug.rsplit("/", 1)[-1] if found else ""
        groups.setdefault(label, []).append(TaskRow(name, stem, found.display if found else ""))
        linked.add(stem)
    tasks = tuple(TaskGroup(label, tuple(rows)) for label, rows in groups.items())
    unnamed = tuple(row for row in projects if row.stem not in linked)
    return DepartmentContext(
        year=filing.year,
        slug=filing.slug,
        name=whole.display if whole is not None else _owner(filing),
        whole=form_kinds()[whole.kind].title if whole is not None else "",
        amount_label=unit.label,
        expense=format_amount(coverage.expense, places) if coverage else "",
        funds=format_amount(_total(filing, unit), places),
        coverage=coverage.text(places) if coverage else "整体表没有填写项目支出，无法计算覆盖比例",
        over=coverage.over if coverage else False,
        projects=projects,
        tasks=tasks if filing.projects else (),
        unnamed=unnamed,
        counts=sum_counts("", [p.counts for p in filing.projects]),
    )


@dataclass(frozen=True)
class DepartmentRow:
    """A department, in the year's index: its page, its 项目支出 and what its
    projects add up to (in the index's unit), and the coverage."""

    name: str
    slug: str
    projects: int  # 0: the department has no page of its own (nothing to show but this row)
    expense: str
    funds: str
    coverage: str


def department_rows(summaries: Sequence[Summary]) -> tuple[tuple[DepartmentRow, ...], str]:
    """Every department of `summaries` (those with a 整体 form), with or without projects, and
    the unit label of their amounts (the departments' own when they share one, else 元)."""
    with_projects = [f for f in filings(summaries) if f.whole is not None]
    units = {_unit(f).name for f in with_projects}
    unit = amount_units()[units.pop()] if len(units) == 1 else base_unit()
    rows = []
    places = max([unit.print_places, *(_places(f, unit) for f in with_projects)])
    for filing in with_projects:
        coverage = filing.coverage
        rows.append(
            DepartmentRow(
                name=filing.whole.display if filing.whole is not None else _owner(filing),
                slug=filing.slug,
                projects=len(filing.projects),
                expense=format_amount(in_unit(coverage.expense, coverage.unit, unit), places)
                if coverage
                else "",
                funds=format_amount(_total(filing, unit), places),
                coverage=(coverage.text(places) if filing.projects else "没有项目表")
                if coverage
                else "整体表未填项目支出",
            )
        )
    return tuple(rows), unit.label


def _unit(filing: Filing) -> AmountUnit:
    """The unit a department's page prints in: its 整体 form's."""
    if filing.whole is not None:
        return amount_units()[filing.whole.amount_unit]
    units = {p.amount_unit for p in filing.projects}
    return amount_units()[units.pop()] if len(units) == 1 else base_unit()


def _places(filing: Filing, unit: AmountUnit) -> int:
    """The decimals a department's amounts print with in `unit`: as many as the most precise
    of them has as written (1,460.0000 万元 stays 1,460.0000), or as a converted one needs
    (1,200,000.00 元 is 120 万元, 15 万元 is 150,000 元), never fewer than the unit prints."""
    places = [unit.print_places]
    forms = [filing.whole] if filing.whole is not None else []
    for form in [*forms, *filing.projects]:
        for role in ("project_expense", "project_funds"):
            if role not in form.roles:
                continue
            value = Decimal(form.roles[role])
            if form.amount_unit != unit.name:
                value = in_unit(value, form.amount_unit, unit).normalize()
            places.append(_decimals(value))
    return max(places)


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _owner(filing: Filing) -> str:
    return filing.projects[0].name if filing.projects else filing.slug


def _funds(project: Summary, unit: AmountUnit, places: int) -> str:
    funds = project.roles.get("project_funds")
    if funds is None:
        return ""
    return format_amount(in_unit(Decimal(funds), project.amount_unit, unit), places)


def _total(filing: Filing, unit: AmountUnit) -> Decimal:
    return sum(
        (
            in_unit(Decimal(p.roles["project_funds"]), p.amount_unit, unit)
            for p in filing.projects
            if "project_funds" in p.roles
        ),
        Decimal(0),
    )
