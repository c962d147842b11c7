"""The template contexts: everything a template prints, computed once from validated models.

Amounts are formatted, shares and counts computed and row spans worked out here, so that no
template (Markdown, DOCX, XLSX) computes anything. Templates see these records and nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from generator.errors import Location
from generator.model import GLOSSARY as G
from generator.model import Declaration, Level1, format_amount
from generator.vocabulary import amount_units, base_unit, in_unit


@dataclass(frozen=True)
class Money:
    """An amount with its printed form."""

    value: Decimal
    text: str  # 18,417,248.00


@dataclass(frozen=True)
class BudgetLine:
    """One line of 预算情况: its group (资金来源/资金结构, "" for the total), label, amount and
    share of the total as printed (75.36 %)."""

    group: str
    label: str
    amount: Money
    share: str


@dataclass(frozen=True)
class IndicatorRow:
    name: str
    target: str
    kind: str  # 定量 / 定性
    explanation: str


@dataclass(frozen=True)
class Level2Row:
    name: str
    indicators: tuple[IndicatorRow, ...]
    rows: int  # form rows it spans: its indicators, or 1 when it has none


@dataclass(frozen=True)
class Level1Row:
    """A 一级 and its 二级. With a `note`, the 二级 without indicators come first and the note
    spans their `note_rows` rows (as 投入管理指标's 说明 does on the form)."""

    name: str
    note: str
    children: tuple[Level2Row, ...]
    rows: int
    note_rows: int


@dataclass(frozen=True)
class Count:
    """Indicator counts of one 一级 or 二级 (or of a whole declaration when name is "")."""

    name: str
    total: int
    quantitative: int
    qualitative: int
    children: tuple[Count, ...] = ()


@dataclass(frozen=True)
class TaskRow:
    name: str
    content: str


@dataclass(frozen=True)
class DeclarationContext:
    """What the templates of one declaration see."""

    slug: str
    year: int
    department: str  # as printed, with (汇总) when consolidated
    subordinate_units: int
    duties: str
    annual_goal: str
    tasks: tuple[TaskRow, ...]
    amount_unit: str
    amount_label: str  # （元）
    total: Money
    budget: tuple[BudgetLine, ...]  # sources then structure, in form order
    year_end_assets: Money
    staff: int
    internal_units: int
    goals: tuple[Level1Row, ...]
    counts: Count


@dataclass(frozen=True)
class IndexRow:
    """One declaration in the index; `amounts` are the total, 财政拨款, 其他资金, 基本支出,
    项目支出 and 年末资产总额, in the index's unit."""

    department: str
    slug: str
    amounts: tuple[Money, ...]
    staff: int
    counts: Count


@dataclass(frozen=True)
class IndexContext:
    """What the index of one year sees: a row per declaration, and the sums. Amounts are in
    one unit: the declarations' own when they share it, else converted to 元."""

    year: int
    rows: tuple[IndexRow, ...]
    amount_label: str
    totals: tuple[Money, ...]  # total, fiscal, other, basic, project, assets, in that order
    staff: int
    counts: Count


def money(value: Decimal) -> Money:
    return Money(value, format_amount(value))


def share(part: Decimal, total: Decimal) -> str:
    """`part` as a percentage of `total`, two decimals, half up: 75.36 %."""
    if total == 0:
        return "—"
    percent = (part * 100 / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{percent} %"


def declaration_context(decl: Declaration) -> DeclarationContext:
    """The context of one validated declaration."""
    b = decl.budget
    lines = (
        (G["sources"], G["fiscal"], b.fiscal),
        (G["sources"], G["other_funds"], b.other_funds),
        (G["structure"], G["basic"], b.basic),
        (G["structure"], G["project"], b.project),
    )
    return DeclarationContext(
        slug=decl.slug,
        year=decl.year,
        department=decl.department + (G["consolidated_suffix"] if decl.consolidated else ""),
        subordinate_units=decl.subordinate_units,
        duties=decl.duties,
        annual_goal=decl.annual_goal,
        tasks=tuple(TaskRow(t.name, t.content) for t in decl.tasks),
        amount_unit=decl.amount_unit,
        amount_label=amount_units()[decl.amount_unit].label,
        total=money(b.total),
        budget=tuple(
            BudgetLine(group, label, money(value), share(value, b.total))
            for group, label, value in lines
        ),
        year_end_assets=money(decl.year_end_assets),
        staff=decl.staff,
        internal_units=decl.internal_units,
        goals=tuple(_level1_row(level1) for level1 in decl.goals),
        counts=_count("", decl.goals),
    )


@dataclass(frozen=True)
class Summary:
    """What the index and the cross-declaration checks need of a declaration: small enough
    to keep for every declaration of a build (and to cache), unlike the whole model."""

    source: str
    year: int
    slug: str
    name: str  # 部门名称 as written
    name_at: Location  # where it was written
    department: str  # as printed, with (汇总)
    amount_unit: str
    amounts: tuple[Decimal, ...]  # total, fiscal, other, basic, project, year-end assets
    staff: int
    counts: Count


def summarize(decl: Declaration) -> Summary:
    """The summary of a validated declaration."""
    return Summary(
        source=decl.source,
        year=decl.year,
        slug=decl.slug,
        name=decl.department,
        name_at=decl.where(G["department"]),
        department=decl.department + (G["consolidated_suffix"] if decl.consolidated else ""),
        amount_unit=decl.amount_unit,
        amounts=tuple(decl.amounts().values()),
        staff=decl.staff,
        counts=_count("", decl.goals),
    )


def index_context(year: int, summaries: Sequence[Summary]) -> IndexContext:
    """The index of one year's declarations, with column sums."""
    units = {s.amount_unit for s in summaries}
    unit = amount_units()[units.pop()] if len(units) == 1 else base_unit()
    rows = tuple(
        IndexRow(
            s.department,
            s.slug,
            tuple(money(in_unit(value, s.amount_unit, unit)) for value in s.amounts),
            s.staff,
            s.counts,
        )
        for s in summaries
    )
    sums = [sum((r.amounts[i].value for r in rows), Decimal(0)) for i in range(6)]
    return IndexContext(
        year=year,
        rows=rows,
        amount_label=unit.label,
        totals=tuple(money(value) for value in sums),
        staff=sum(s.staff for s in summaries),
        counts=_sum_counts("", [s.counts for s in summaries]),
    )


def _level1_row(level1: Level1) -> Level1Row:
    children = tuple(
        Level2Row(
            level2.name,
            tuple(
                IndicatorRow(
                    i.name,
                    i.target.text,
                    G["qualitative"] if i.target.qualitative else G["quantitative"],
                    i.explanation,
                )
                for i in level2.indicators
            ),
            max(1, len(level2.indicators)),
        )
        for level2 in level1.children
    )
    note_rows = 0
    if level1.note:
        empty = tuple(c for c in children if not c.indicators)
        children = empty + tuple(c for c in children if c.indicators)
        note_rows = len(empty)
    return Level1Row(
        level1.name, level1.note, children, sum(c.rows for c in children) or 1, note_rows
    )


def _count(name: str, goals: Iterable[Level1]) -> Count:
    by_level1 = []
    for level1 in goals:
        by_level2 = []
        for level2 in level1.children:
            quantitative = sum(1 for i in level2.indicators if not i.target.qualitative)
            qualitative = len(level2.indicators) - quantitative
            by_level2.append(Count(level2.name, len(level2.indicators), quantitative, qualitative))
        by_level1.append(_sum_counts(level1.name, by_level2))
    return _sum_counts(name, by_level1)


def _sum_counts(name: str, parts: Sequence[Count]) -> Count:
    return Count(
        name,
        sum(p.total for p in parts),
        sum(p.quantitative for p in parts),
        sum(p.qualitative for p in parts),
        tuple(parts),
    )


@dataclass(frozen=True)
class TrendRow:
    """One line of a department's trend: its group (预算 or the indicator's 一级 / 二级), label,
    and per year the value as printed ("" where the year lacks it) and the number, if any."""

    group: str
    label: str
    values: tuple[str, ...]
    numbers: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class DepartmentTrend:
    name: str
    slug: str
    rows: tuple[TrendRow, ...]


@dataclass(frozen=True)
class TrendContext:
    years: tuple[int, ...]
    departments: tuple[DepartmentTrend, ...]


def trend_context(declarations: Sequence[Declaration]) -> TrendContext:
    """Declarations of several years, grouped by department (file name) and lined up by year."""
    years = tuple(sorted({d.year for d in declarations}))
    by_slug: dict[str, dict[int, Declaration]] = defaultdict(dict)
    for decl in declarations:
        by_slug[decl.slug][decl.year] = decl
    departments = []
    for slug, versions in sorted(by_slug.items()):
        latest = versions[max(versions)]
        departments.append(DepartmentTrend(latest.department, slug, _rows(versions, years)))
    return TrendContext(years, tuple(departments))


def _rows(versions: dict[int, Declaration], years: tuple[int, ...]) -> tuple[TrendRow, ...]:
    rows = []
    units = {decl.amount_unit for decl in versions.values()}
    unit = amount_units()[units.pop()] if len(units) == 1 else base_unit()
    for label in next(iter(versions.values())).amounts():
        numbers = [
            in_unit(versions[y].amounts()[label], versions[y].amount_unit, unit)
            if y in versions
            else None
            for y in years
        ]
        group = f"预算{unit.label}"
        rows.append(TrendRow(group, label, _printed(numbers, format_amount), tuple(numbers)))
    facts: list[tuple[str, Callable[[Declaration], int]]] = [
        ("年末在职人数", lambda d: d.staff),
        ("内设机构数", lambda d: d.internal_units),
        ("三级指标数", lambda d: sum(1 for _ in d.indicators())),
    ]
    for label, get in facts:
        numbers = [Decimal(get(versions[y])) if y in versions else None for y in years]
        rows.append(TrendRow("概况", label, _printed(numbers, str), tuple(numbers)))
    keys: dict[tuple[str, str, str], None] = {}
    for year in years:
        if year in versions:
            keys.update(
                dict.fromkeys((a.name, b.name, i.name) for a, b, i in versions[year].indicators())
            )
    targets = {
        year: {(a.name, b.name, i.name): i.target for a, b, i in decl.indicators()}
        for year, decl in versions.items()
    }
    for key in keys:
        found = [targets.get(y, {}).get(key) for y in years]
        values = tuple(t.text if t else "" for t in found)
        rows.append(TrendRow(f"{key[0]} / {key[1]}", key[2], values, (None,) * len(years)))
    return tuple(rows)


def _printed(numbers: list[Decimal | None], show: Callable[[Decimal], str]) -> tuple[str, ...]:
    return tuple("" if n is None else show(n) for n in numbers)
