"""The validated declaration: immutable records that remember where they came from.

A declaration is its form kind (generator/kinds) and the values its file gave, by the form's own
keys: `Record`s (mappings in the kind's order) of scalars, records, lists of records and the
indicator tree. A field that was not written is absent, not zero. Code that needs to know what
a field means asks by role (`decl.role("year")`), never by a seed's label. Nothing here imports a
third-party library. Money is `Decimal`, always.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from generator.errors import Location
from generator.kinds import FormKind, Framework
from generator.kinds.spec import FieldSpec, FieldType

# The form's words that code prints itself (for one kind as for another).
QUANTITATIVE = "定量"
QUALITATIVE = "定性"
KIND_KEY = "表样"  # names the declaration's form kind
FRAMEWORK_KEY = "指标体系"  # optionally names another framework than the kind's
NOTE_KEY = "说明"  # under a 一级: a note standing for its 三级 (note_only 一级)
# The years a declaration may be for: those a ZIP entry's date can hold (7 bits from 1980), since
# its DOCX and XLSX are dated. Used by `check`, `new-year`, the JSON Schema and the writer.
YEARS = range(1980, 2108)
YEARS_REASON = f"DOCX、XLSX 文件里的日期只能是 {YEARS[0]}–{YEARS[-1]} 年"


@dataclass(frozen=True, slots=True)
class Target:
    """A target value: `operator` `number` `unit` (定量), or only `text` (定性)."""

    text: str  # as printed: the user's text with the operator normalised
    operator: str | None
    number: Decimal | None
    unit: str

    @property
    def qualitative(self) -> bool:
        return self.operator is None


class Record(Mapping[str, "Value"]):
    """Field values by key, in the order of the kind's fields; fields not written are absent."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Value] | None = None) -> None:
        self._values: dict[str, Value] = dict(values or {})

    def __getitem__(self, key: str) -> Value:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Record({self._values!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __hash__(self) -> int:
        return hash(tuple(self._values))

    def at(self, path: str) -> Value | None:
        """The value at dotted `path` ("预算情况.资金来源.财政拨款"), or None."""
        value: Value | None = self
        for key in path.split("."):
            if not isinstance(value, Record):
                return None
            value = value.get(key)
        return value


@dataclass(frozen=True, slots=True)
class Indicator:
    """A 三级 row: its name, target and the kind's other indicator fields as written."""

    name: str
    target: Target
    values: Record  # every field of the row as written, the target among them
    loc: Location
    qualitative: bool  # 定性: as declared (指标值类型), else as the target reads

    @property
    def kind(self) -> str:
        return QUALITATIVE if self.qualitative else QUANTITATIVE


@dataclass(frozen=True, slots=True)
class Level2:
    """A 二级 and its 三级 indicators, in the order written; `canonical` is the framework's
    spelling (经济效益 → 经济效益指标), `name` the declaration's."""

    name: str
    canonical: str
    indicators: tuple[Indicator, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Level1:
    """A 一级; `note` (说明) is printed across its 二级 rows."""

    name: str
    canonical: str
    note: str
    children: tuple[Level2, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Goals:
    """The indicator tree of a declaration, by the key it was written under."""

    levels: tuple[Level1, ...]


Value = (
    str
    | int
    | bool
    | Decimal
    | date
    | Target
    | Record
    | tuple[Record, ...]
    | tuple[str, ...]
    | Goals
)


@dataclass(frozen=True, slots=True)
class Declaration:
    """One form: its kind, framework, values and where each was written.

    `locations` maps a field's key path ("预算情况.资金来源.其他资金", "年度重点任务[2].任务名称")
    to where it was written; a path absent from it was not written.
    """

    source: str
    slug: str
    kind: FormKind
    framework: Framework
    values: Record
    locations: Mapping[str, Location]

    def get(self, path: str) -> Value | None:
        return self.values.at(path)

    def role(self, role: str) -> Value | None:
        """The value of the field with `role` (see generator/kinds/spec.py ROLES)."""
        path = self.kind.role_path(role)
        return self.values.at(path) if path else None

    @property
    def year(self) -> int:
        value = self.role("year")
        return value if isinstance(value, int) else 0

    @property
    def department(self) -> str:
        value = self.role("department")
        return value if isinstance(value, str) else ""

    @property
    def project_name(self) -> str:
        """A project's 项目名称 (role project_name); "" for a 整体 form."""
        value = self.role("project_name")
        return value if isinstance(value, str) else ""

    @property
    def amount_unit(self) -> str:
        value = self.role("amount_unit")
        return value if isinstance(value, str) else self.kind.amount_unit

    @property
    def goals(self) -> tuple[Level1, ...]:
        for _, spec in self.kind.walk():
            value = self.values.get(spec.key)
            if isinstance(value, Goals):
                return value.levels
        return ()

    @property
    def goals_key(self) -> str:
        """The key the indicator tree is written under (分解目标, 年度绩效指标)."""
        return next(spec.key for _, spec in self.kind.walk() if spec.type is FieldType.INDICATORS)

    def where(self, path: str) -> Location:
        """Where `path` was written, or the nearest enclosing place that was."""
        while path:
            if path in self.locations:
                return self.locations[path]
            path = path.rpartition(".")[0]
        return Location(self.source, 1, 1)

    def walk(self) -> Iterator[tuple[str, FieldSpec, Value]]:
        """Every value written, with its path ("年度主要任务[2].预算金额.总额") and field, depth
        first in the kind's order (the indicator tree as one value)."""
        yield from _walk(self.kind.fields, self.values, "")

    def indicators(self) -> Iterator[tuple[Level1, Level2, Indicator]]:
        """Every 三级 indicator with its 一级 and 二级, in form order."""
        for level1 in self.goals:
            for level2 in level1.children:
                for indicator in level2.indicators:
                    yield level1, level2, indicator


def _walk(
    fields: tuple[FieldSpec, ...], values: Record, prefix: str
) -> Iterator[tuple[str, FieldSpec, Value]]:
    for spec in fields:
        value = values.get(spec.key)
        if value is None:
            continue
        path = f"{prefix}.{spec.key}" if prefix else spec.key
        yield path, spec, value
        if isinstance(value, Record):
            yield from _walk(spec.fields, value, path)
        elif spec.type is FieldType.LIST and isinstance(value, tuple):
            for index, item in enumerate(value, start=1):
                if isinstance(item, Record):
                    yield from _walk(spec.fields, item, f"{path}[{index}]")


def format_amount(value: Decimal, places: int = 2) -> str:
    """An amount as printed on the forms: 18,417,248.00 (`places` decimals, never fewer than
    the value has: nothing is rounded away)."""
    exponent = value.as_tuple().exponent
    needed = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if needed > places:
        normalized = value.normalize()
        exponent = normalized.as_tuple().exponent
        needed = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{value:,.{max(places, needed)}f}"
