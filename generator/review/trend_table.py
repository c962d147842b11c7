"""The trend's tables: one row per budget line, count and indicator of a department (or
project) over the years, with the change from each year to the next.

Rows come in the form's order: the amounts, the counts, then the indicators grouped by 一级 /
二级 in the order of the latest form's indicator framework (generator/data/frameworks), each
三级 in the order the latest form declares it, and one a later year dropped where the year that
had it put it. An indicator renamed or moved to another 二级 is found as `diff` finds it
(compare.matched_indicators) and keeps its row, a note saying what happened in which year.
Changes are exact: amounts and counts as differences (Decimal), targets as `diff` says them,
in points for % and ‰ (review/wording.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import pairwise

from generator.declaration.model import Declaration, Indicator, Target, format_amount
from generator.declaration.printed import amount_places
from generator.kinds import frameworks
from generator.kinds.spec import FieldType
from generator.kinds.vocabulary import amount_units, base_unit, in_unit
from generator.render.context import (
    DepartmentTrend,
    DepartmentYears,
    TrendContext,
    TrendRow,
    amounts_of,
)
from generator.review.compare import IndicatorKey, matched_indicators, target_change
from generator.review.wording import EXACT

UNCHANGED = "未变"  # a target the same as the year before


def trend_context(departments: Sequence[DepartmentYears]) -> TrendContext:
    """Departments of several years lined up by year, named as their latest year names them,
    in the order of their latest file names; under each its projects, likewise. A 整体 form
    and a project are never in one table."""
    years = tuple(
        sorted({year for d in departments for part in (d, *d.projects) for year in part.versions})
    )
    trends = []
    for department in departments:
        projects = tuple(
            sorted(
                (_trend(project, years, _project_name) for project in department.projects),
                key=lambda t: (t.slug, t.name),
            )
        )
        if department.versions:
            trends.append(replace(_trend(department, years, _department_name), projects=projects))
            continue
        # Only its projects were compared: the department as its latest project names it.
        latest = max(
            (decl for p in department.projects for decl in p.versions.values()),
            key=lambda decl: (decl.year, decl.slug),
        )
        slug = latest.slug.partition("/")[0]
        trends.append(DepartmentTrend(latest.department, slug, (), (), projects))
    steps = tuple(f"{a}→{b}" for a, b in pairwise(years))
    return TrendContext(years, steps, tuple(sorted(trends, key=lambda t: (t.slug, t.name))))


def _department_name(decl: Declaration) -> str:
    return decl.department


def _project_name(decl: Declaration) -> str:
    return decl.project_name


def _trend(
    years_of: DepartmentYears, years: tuple[int, ...], name: Callable[[Declaration], str]
) -> DepartmentTrend:
    versions = dict(years_of.versions)
    latest = versions[max(versions)]
    rows = [*_amount_rows(versions, years), *_count_rows(versions, years)]
    rows += _indicator_rows(versions, years)
    return DepartmentTrend(name(latest), latest.slug, tuple(rows), years_of.notes)


def _trend_label(path: str) -> str:
    """An amount's row in the trend, where nothing titles its group: an amount directly in a
    top-level group with the group's key (金额合计：总额, 年度预算安排：资金总额; a bare 总额
    could be any of several), a deeper one as _amount_label names it (资金来源：财政拨款)."""
    parts = path.split(".")
    return "：".join(parts) if len(parts) == 2 else "：".join(parts[1:]) or parts[0]


def _amount_rows(versions: dict[int, Declaration], years: tuple[int, ...]) -> list[TrendRow]:
    """Each amount in one unit: the declarations' own when they share it, else 元."""
    units = {decl.amount_unit for decl in versions.values()}
    unit = amount_units()[units.pop()] if len(units) == 1 else base_unit()
    amounts = {year: amounts_of(decl, _trend_label) for year, decl in versions.items()}
    labels: dict[str, None] = {}
    for year in years:
        labels.update(dict.fromkeys(amounts.get(year, {})))
    places = max(amount_places(d) for d in versions.values())
    rows = []
    for label in labels:
        numbers = tuple(
            in_unit(amounts[y][label], versions[y].amount_unit, unit)
            if y in versions and label in amounts[y]
            else None
            for y in years
        )
        changes = _differences(numbers)
        rows.append(
            TrendRow(
                f"预算{unit.label}",
                label,
                tuple("" if n is None else format_amount(n, places) for n in numbers),
                numbers,
                tuple(_signed(d, lambda n: format_amount(n, places)) for d in changes),
                changes,
                kind="amount",
                unit=unit.name,
            )
        )
    return rows


def _count_rows(versions: dict[int, Declaration], years: tuple[int, ...]) -> list[TrendRow]:
    counts: dict[str, dict[int, Decimal]] = {}
    for year, decl in versions.items():
        for path, spec, value in decl.walk():
            if spec.type is FieldType.INTEGER and "[" not in path and isinstance(value, int):
                counts.setdefault(path, {})[year] = Decimal(value)
        counts.setdefault("三级指标数", {})[year] = Decimal(sum(1 for _ in decl.indicators()))
    rows = []
    for label, by_year in counts.items():
        numbers = tuple(by_year.get(y) for y in years)
        changes = _differences(numbers)
        rows.append(
            TrendRow(
                "概况",
                label,
                tuple("" if n is None else str(n) for n in numbers),
                numbers,
                tuple(_signed(d, str) for d in changes),
                changes,
                kind="count",
            )
        )
    return rows


def _differences(numbers: tuple[Decimal | None, ...]) -> tuple[Decimal | None, ...]:
    """Each year step's exact difference; None where either year lacks the number."""
    return tuple(
        None if old is None or new is None else EXACT.subtract(new, old)
        for old, new in pairwise(numbers)
    )


def _signed(delta: Decimal | None, show: Callable[[Decimal], str]) -> str:
    """`+582,752.00`, `−0.04`, `0.00`; "" for no difference to show."""
    if delta is None:
        return ""
    sign = "+" if delta > 0 else "−" if delta < 0 else ""
    return sign + show(delta.copy_abs())


@dataclass(eq=False)  # each chain is itself: compared by identity
class _Chain:
    """One indicator over the years: its key and row by year, and how it was renamed or moved."""

    keys: dict[int, IndicatorKey] = field(default_factory=dict)
    indicators: dict[int, Indicator] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def latest(self) -> IndicatorKey:
        return self.keys[max(self.keys)]


def _indicator_rows(versions: dict[int, Declaration], years: tuple[int, ...]) -> list[TrendRow]:
    chains = _chains(versions)
    ordered = _in_form_order(chains, versions)
    rows = []
    for chain in ordered:
        fields: dict[str, None] = {"": None}  # the target, then others (a project's 中期指标值)
        for year in sorted(chain.indicators):
            indicator = chain.indicators[year]
            for name, value in indicator.values.items():
                if isinstance(value, Target) and value is not indicator.target:
                    fields[name] = None
        level1, level2, name = chain.latest
        for column in fields:
            targets = tuple(_target(chain.indicators.get(y), column) for y in years)
            label = f"{name}（{column}）" if column else name
            note = "；".join(chain.notes) if not column else ""
            rows.append(_target_row(f"{level1} / {level2}", label, targets, note))
    return rows


def _target(indicator: Indicator | None, column: str) -> Target | None:
    if indicator is None:
        return None
    value = indicator.values.get(column) if column else indicator.target
    return value if isinstance(value, Target) else None


def _target_row(group: str, label: str, targets: tuple[Target | None, ...], note: str) -> TrendRow:
    """A target's row: its numbers held as numbers where written with the operator and unit
    most of its quantitative years share (of equally many, the latest's); a year written
    otherwise is shown as written, as text."""
    written = [(t.operator or "", t.unit) for t in targets if t is not None and not t.qualitative]
    operator, unit = max(reversed(written), key=written.count) if written else ("", "")
    numbers = tuple(
        t.number
        if t is not None and not t.qualitative and (t.operator, t.unit) == (operator, unit)
        else None
        for t in targets
    )
    changes = tuple(
        "" if old is None or new is None else target_change(old, new) or UNCHANGED
        for old, new in pairwise(targets)
    )
    return TrendRow(
        group,
        label,
        tuple(t.text if t else "" for t in targets),
        numbers,
        changes,
        (None,) * len(changes),
        operator=operator,
        unit=unit,
        note=note,
    )


def _chains(versions: dict[int, Declaration]) -> list[_Chain]:
    """The indicators followed from year to year: each year's pair with the latest key of every
    indicator found so far, by key, then as `diff` matches a move or a rename."""
    chains: list[_Chain] = []
    for year in sorted(versions):
        current = {
            (l1.canonical, l2.canonical, i.name): i for l1, l2, i in versions[year].indicators()
        }
        known = {chain.latest: chain for chain in chains}
        for key, indicator in current.items():
            if key in known:
                known[key].keys[year], known[key].indicators[year] = key, indicator
        for origin, key, how in matched_indicators(list(known), list(current)):
            chain = known[origin]
            chain.keys[year], chain.indicators[year] = key, current[key]
            if how == "moved":
                chain.notes.append(f"{year}年由“{origin[0]} / {origin[1]}”移入")
            else:
                chain.notes.append(f"{year}年由“{origin[2]}”改名（名称相似，视为同一指标）")
        followed = {c.keys[year] for c in chains if year in c.keys}
        for key, indicator in current.items():
            if key not in followed:
                chains.append(_Chain({year: key}, {year: indicator}))
    return chains


def _in_form_order(chains: list[_Chain], versions: dict[int, Declaration]) -> list[_Chain]:
    """The chains in the latest form's order; one a later year lacks just after the indicator
    it followed in the latest year that has it; then grouped by 一级 / 二级 in the latest
    form's framework order (a 二级 the framework lacks after its own, as first met)."""
    order: list[_Chain] = []
    for year in sorted(versions, reverse=True):
        position = {
            (l1.canonical, l2.canonical, i.name): n
            for n, (l1, l2, i) in enumerate(versions[year].indicators())
        }
        sequence = sorted(
            (c for c in chains if year in c.keys), key=lambda c: position[c.keys[year]]
        )
        for at, chain in enumerate(sequence):
            if chain in order:
                continue
            before = next((c for c in reversed(sequence[:at]) if c in order), None)
            after = next((c for c in sequence[at + 1 :] if c in order), None)
            if before is not None:
                order.insert(order.index(before) + 1, chain)
            else:
                order.insert(order.index(after) if after is not None else len(order), chain)
    framework = frameworks()[versions[max(versions)].kind.framework]
    first_met: dict[tuple[str, str], int] = {}
    for chain in order:
        first_met.setdefault(chain.latest[:2], len(first_met))

    def rank(chain: _Chain) -> tuple[int, int, int]:
        level1, level2 = chain.latest[:2]
        spec = framework.find(level1)
        known = spec.find(level2) if spec is not None else None
        if spec is None or known is None:  # a 二级 of the form's own: after the framework's
            return (
                framework.rank(level1),
                len(spec.level2) if spec else 0,
                first_met[level1, level2],
            )
        return framework.rank(level1), spec.level2.index(known), first_met[level1, level2]

    return sorted(order, key=rank)
