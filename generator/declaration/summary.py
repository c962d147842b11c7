"""What the index and the checks across files need of a declaration: small enough to keep for
every declaration of a build (and to cache as JSON), unlike the whole model."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.declaration.model import Declaration, Level1
from generator.declaration.printed import show
from generator.errors import Location


@dataclass(frozen=True)
class Count:
    """Indicator counts of one 一级 or 二级 (or of a whole declaration when name is "")."""

    name: str
    total: int
    quantitative: int
    qualitative: int
    children: tuple[Count, ...] = ()


def count_indicators(name: str, goals: Iterable[Level1]) -> Count:
    by_level1 = []
    for level1 in goals:
        by_level2 = []
        for level2 in level1.children:
            quantitative = sum(1 for i in level2.indicators if not i.qualitative)
            qualitative = len(level2.indicators) - quantitative
            by_level2.append(Count(level2.name, len(level2.indicators), quantitative, qualitative))
        by_level1.append(sum_counts(level1.name, by_level2))
    return sum_counts(name, by_level1)


def sum_counts(name: str, parts: Sequence[Count]) -> Count:
    return Count(
        name,
        sum(p.total for p in parts),
        sum(p.quantitative for p in parts),
        sum(p.qualitative for p in parts),
        tuple(parts),
    )


@dataclass(frozen=True)
class Summary:
    """A declaration as the index and the cross-file checks see it."""

    source: str
    year: int
    slug: str
    kind: str  # the form kind's name
    category: str  # 整体 or 项目
    name: str  # the department as written
    name_at: Location  # where it was written
    display: str  # as printed in lists: "…办公室(汇总)"
    amount_unit: str
    index: tuple[tuple[str, Decimal | int | None], ...]  # the kind's index columns: path, value
    counts: Count
    roles: Mapping[str, str]  # role → value as text, for the checks across forms

    def to_data(self) -> dict[str, Any]:
        """Plain JSON-ready data (Decimals as text)."""
        return {
            "source": self.source,
            "year": self.year,
            "slug": self.slug,
            "kind": self.kind,
            "category": self.category,
            "name": self.name,
            "name_at": [self.name_at.file, self.name_at.line, self.name_at.col],
            "display": self.display,
            "amount_unit": self.amount_unit,
            "index": [[path, _text(value)] for path, value in self.index],
            "counts": _count_data(self.counts),
            "roles": dict(self.roles),
        }


def summarize(decl: Declaration) -> Summary:
    """The summary of a validated declaration."""
    from generator.declaration.checks import derived_values

    derived = derived_values(decl)
    index: list[tuple[str, Decimal | int | None]] = []
    for column in decl.kind.index:
        value = decl.get(column.path)
        if value is None:
            value = derived.get(column.path)
        index.append((column.path, value if isinstance(value, (Decimal, int)) else None))
    roles = {}
    for role in ("project_expense", "project_funds", "project_name"):
        path = decl.kind.role_path(role)
        value = decl.get(path) if path else None
        if value is None and path:
            value = derived.get(path)
        if value is not None:
            roles[role] = str(value)
    department_path = decl.kind.role_path("department")
    return Summary(
        source=decl.source,
        year=decl.year,
        slug=decl.slug,
        kind=decl.kind.name,
        category=decl.kind.category,
        name=decl.department,
        name_at=decl.where(department_path),
        display=display_name(decl),
        amount_unit=decl.amount_unit,
        index=tuple(index),
        counts=count_indicators("", decl.goals),
        roles=roles,
    )


def display_name(decl: Declaration) -> str:
    """The kind's `display` pattern filled with printed values: "{部门名称}{汇总}"."""
    values = {}
    for path in re.findall(r"\{([^{}]+)\}", decl.kind.display):
        spec = decl.kind.spec(path)
        if spec is not None:
            value = decl.get(path)
            values[path] = show(spec, spec.default if value is None else value)
    return decl.kind.display.format_map(_Missing(values))


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _text(value: Decimal | int | None) -> str | int | None:
    return str(value) if isinstance(value, Decimal) else value


def _count_data(count: Count) -> list[Any]:
    return [
        count.name,
        count.total,
        count.quantitative,
        count.qualitative,
        [_count_data(c) for c in count.children],
    ]
