"""What the index and the checks across files need of a declaration: small enough to keep for
every declaration of a build (and to cache as JSON), unlike the whole model."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.declaration.model import Declaration, Level1, Record
from generator.declaration.printed import show
from generator.errors import Location
from generator.kinds import form_kinds
from generator.kinds.spec import FieldType
from generator.kinds.vocabulary import amount_units


@dataclass(frozen=True, slots=True)  # slotted, like Summary: one per 二级 of every declaration
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


@dataclass(frozen=True, slots=True)  # slotted: a build keeps one of every declaration
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
    role_at: Mapping[str, Location]  # role → where that value was written
    references: tuple[str, ...] = ()  # 整体: names of its tasks and of the projects it names

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
            "index": [[path, _number_data(value)] for path, value in self.index],
            "counts": _count_data(self.counts),
            "roles": dict(self.roles),
            "role_at": {role: [at.file, at.line, at.col] for role, at in self.role_at.items()},
            "references": list(self.references),
        }

    @staticmethod
    def from_data(data: object) -> Summary:
        """The summary `to_data` wrote; ValueError for anything else (a cache entry is
        untrusted: every field is checked for its type, the kind and unit for being known)."""
        fields = _exactly(data, _FIELDS)
        kind = _text(fields["kind"])
        kinds = form_kinds()
        if kind not in kinds or _text(fields["amount_unit"]) not in amount_units():
            raise ValueError("unknown kind or unit")
        name_at = _location(fields["name_at"])
        role_at = fields["role_at"]
        if not isinstance(role_at, dict):
            raise ValueError("role_at")
        references = fields["references"]
        if not isinstance(references, list):
            raise ValueError("references")
        index = fields["index"]
        paths = [column.path for column in kinds[kind].index]
        if not (isinstance(index, list) and [_pair(i)[0] for i in index] == paths):
            raise ValueError("index")
        roles = fields["roles"]
        if not (isinstance(roles, dict) and all(isinstance(v, str) for v in roles.values())):
            raise ValueError("roles")
        return Summary(
            source=_text(fields["source"]),
            year=_integer(fields["year"]),
            slug=_text(fields["slug"]),
            kind=kind,
            category=_text(fields["category"]),
            name=_text(fields["name"]),
            name_at=name_at,
            display=_text(fields["display"]),
            amount_unit=_text(fields["amount_unit"]),
            index=tuple(
                (path, _number(_pair(item)[1])) for path, item in zip(paths, index, strict=True)
            ),
            counts=_count(fields["counts"], 0),
            roles={_text(k): _text(v) for k, v in roles.items()},
            role_at={_text(k): _location(v) for k, v in role_at.items()},
            references=tuple(_text(r) for r in references),
        )


_FIELDS = (
    *("source", "year", "slug", "kind", "category", "name", "name_at", "display"),
    *("amount_unit", "index", "counts", "roles", "role_at", "references"),
)
_COUNT_DEPTH = 3  # a declaration's counts, its 一级, their 二级


def _exactly(data: object, keys: tuple[str, ...]) -> dict[str, Any]:
    if not (isinstance(data, dict) and set(data) == set(keys)):
        raise ValueError("fields")
    return data


def _text(value: object) -> str:
    """A text, interned: the summaries of a whole corpus repeat their names, kinds, units and
    file names, and each would otherwise be a string of its own."""
    if not isinstance(value, str):
        raise ValueError("text")
    return sys.intern(value)


def _integer(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("integer")
    return value


def _location(value: object) -> Location:
    if not (isinstance(value, list) and len(value) == 3):
        raise ValueError("location")
    return Location(_text(value[0]), _integer(value[1]), _integer(value[2]))


def _pair(item: object) -> tuple[str, object]:
    if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
        raise ValueError("pair")
    return item[0], item[1]


def _number(value: object) -> Decimal | int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,20}(?:\.[0-9]{1,6})?", value):
        return Decimal(value)
    raise ValueError("number")


def _count(data: object, depth: int) -> Count:
    if depth >= _COUNT_DEPTH or not (isinstance(data, list) and len(data) == 5):
        raise ValueError("counts")
    name, total, quantitative, qualitative, children = data
    if not isinstance(children, list):
        raise ValueError("counts")
    return Count(
        _text(name),
        _integer(total),
        _integer(quantitative),
        _integer(qualitative),
        tuple(_count(child, depth + 1) for child in children),
    )


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
    roles, role_at = {}, {}
    for role in ("project_expense", "project_funds", "project_name"):
        found = _role_value(decl, role, derived)
        if found is not None:
            path, text = found
            roles[role] = text
            role_at[role] = decl.where(path)
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
        role_at=role_at,
        references=_references(decl),
    )


def _role_value(
    decl: Declaration, role: str, derived: Mapping[str, Decimal]
) -> tuple[str, str] | None:
    """The path and value (as text) of the first written of the fields with `role` (项目支出 of
    年度预算安排, else of 部门总体资金情况), or else of the first the kind computes."""
    paths = decl.kind.role_paths(role)
    for path in paths:
        value = decl.get(path)
        if value is not None:
            return path, str(value)
    return next(((p, str(derived[p])) for p in paths if p in derived), None)


def _references(decl: Declaration) -> tuple[str, ...]:
    """The names of a declaration's tasks (the key of each list, 任务名称) and the projects it
    names (支出项目名称: role project_ref), in form order, each once, as "<where>\t<name>"
    (where: the list's key, and the field's for a project_ref: 年度履职目标·支出项目名称): what
    a project's name is matched with to link the task to the project's form."""
    names: dict[str, None] = {}
    for _, spec, value in decl.walk():
        if spec.type is not FieldType.LIST or not isinstance(value, tuple):
            continue
        for item in value:
            for field in spec.fields:
                if field.role in ("key", "project_ref") and isinstance(item, Record):
                    name = item.get(field.key)
                    where = spec.key if field.role == "key" else f"{spec.key}·{field.key}"
                    if isinstance(name, str) and name:
                        names[f"{where}\t{name}"] = None
    return tuple(names)


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


def _number_data(value: Decimal | int | None) -> str | int | None:
    return str(value) if isinstance(value, Decimal) else value


def _count_data(count: Count) -> list[Any]:
    return [
        count.name,
        count.total,
        count.quantitative,
        count.qualitative,
        [_count_data(c) for c in count.children],
    ]
