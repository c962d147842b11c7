"""The template contexts: everything a template prints, computed once from validated models.

Every field of a declaration's kind is given to the templates printed (`Shown`), whether it was
written or not (`present`), so a layout template prints an optional field that is absent as a
blank and can leave out a block the form does not have. Amounts are formatted with the
declaration's decimals, totals and shares the kind computes are filled in (`derived`), row spans
worked out, the summary's sections laid out from the kind's structure: no template computes
anything. Templates see these records and nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from generator.declaration.checks import derived_values
from generator.declaration.model import (
    QUALITATIVE,
    QUANTITATIVE,
    Declaration,
    Level1,
    Record,
    Value,
    format_amount,
)
from generator.declaration.places import PROJECT
from generator.declaration.printed import amount_places, show
from generator.declaration.summary import Count, Summary, count_indicators, sum_counts
from generator.kinds.spec import FieldSpec, FieldType, FormKind, SharesRule, SumRule
from generator.kinds.vocabulary import amount_units, base_unit, in_unit
from generator.render.department import DepartmentRow, department_rows
from generator.render.navigation import PageLinks


@dataclass(frozen=True)
class Shown:
    """A field as printed: `text` ("" when absent), the exact `value`, whether it was written
    (or computed: `derived`), and for an amount in a group with a total its `share`."""

    text: str
    value: object = None
    present: bool = False
    derived: bool = False
    share: str = ""

    def __str__(self) -> str:
        return self.text


class ShownGroup(Mapping[str, "Shown | ShownGroup | ShownList"]):
    """A group of printed fields by key; `present` when any of them was written."""

    def __init__(self, items: dict[str, Shown | ShownGroup | ShownList], present: bool) -> None:
        self._items = items
        self.present = present

    def __getitem__(self, key: str) -> Shown | ShownGroup | ShownList:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


class ShownList(tuple[ShownGroup, ...]):
    """A list's items, printed; `present` when the list was written."""

    present: bool = False


@dataclass(frozen=True)
class KindInfo:
    """What templates need of the form kind."""

    name: str
    title: str
    category: str
    footnotes: tuple[str, ...]
    levels: tuple[str, str, str]  # 一级目标/二级目标/三级目标 or 一级指标/…
    layout: str  # its layout template
    landscape: bool
    summary: str  # its Markdown summary template


@dataclass(frozen=True)
class IndicatorRow:
    name: str
    target: str
    kind: str  # 定量 / 定性
    f: ShownGroup  # every field of the kind's indicator row, printed


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
class Fact:
    label: str
    text: str


@dataclass(frozen=True)
class Section:
    """A part of the Markdown summary, laid out from the kind's structure: a long `text`; a
    `table` of a list's items; the `amounts` of a group (label, amount, share); or `goals`."""

    kind: str
    title: str
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    numeric: tuple[bool, ...] = ()

    @property
    def shares(self) -> bool:
        """An amounts section where some amount has a share (占比) to print."""
        return self.kind == "amounts" and any(len(row) > 2 and row[2] for row in self.rows)


@dataclass(frozen=True)
class DeclarationContext:
    """What the templates of one declaration see."""

    slug: str
    year: int
    kind: KindInfo
    display: str  # the department as printed in lists: "…办公室(汇总)"
    f: ShownGroup  # every field, printed
    amount_unit: str
    amount_label: str  # （元）
    facts: tuple[Fact, ...]  # the summary's first table
    sections: tuple[Section, ...]
    goals_key: str  # 分解目标 / 年度绩效指标
    target_key: str  # 指标目标值 / 指标值
    indicator_columns: tuple[str, ...]  # other indicator fields some indicator has (summary)
    goals: tuple[Level1Row, ...]
    counts: Count
    links: PageLinks | None = None  # its page's (render/navigation.py); None: only its year's


def share(part: Decimal, total: Decimal) -> str:
    """`part` as a percentage of `total`, two decimals, half up: 75.36 %."""
    if total == 0:
        return "—"
    percent = (part * 100 / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{percent} %"


def declaration_context(decl: Declaration) -> DeclarationContext:
    """The context of one validated declaration."""
    printer = _Printer(decl)
    kind = decl.kind
    target = kind.role_field("target", kind.indicator)
    assert target is not None
    extra = tuple(
        f.key
        for f in kind.indicator
        if f is not target and any(f.key in i.values for _, _, i in decl.indicators())
    )
    return DeclarationContext(
        slug=decl.slug,
        year=decl.year,
        kind=KindInfo(
            kind.name,
            kind.title,
            kind.category,
            kind.footnotes,
            kind.levels,
            kind.layout,
            kind.landscape,
            kind.summary,
        ),
        display=printer.display,
        f=printer.group(kind.fields, decl.values, ""),
        amount_unit=decl.amount_unit,
        amount_label=amount_units()[decl.amount_unit].label,
        facts=printer.facts(),
        sections=tuple(printer.sections()),
        goals_key=decl.goals_key,
        target_key=target.key,
        indicator_columns=extra,
        goals=tuple(_level1_row(decl, level1, printer.places) for level1 in decl.goals),
        counts=count_indicators("", decl.goals),
    )


class _Printer:
    """Prints a declaration's fields; knows its decimals, computed values and totals."""

    def __init__(self, decl: Declaration) -> None:
        from generator.declaration.summary import display_name

        self.decl = decl
        self.places = amount_places(decl)
        self.derived = derived_values(decl)
        self.display = display_name(decl)
        self.totals = _group_totals(decl.kind)

    def value(self, path: str) -> Value | None:
        value = self.decl.get(path)
        return value if value is not None else self.derived.get(path)

    def shown(self, spec: FieldSpec, path: str, value: Value | None) -> Shown:
        derived = value is None and path in self.derived
        if derived:
            value = self.derived[path]
        if value is None and spec.default is not None:
            return Shown(show(spec, spec.default), spec.default, False)
        text = show(spec, value, self.places)
        portion = ""
        total_path = self.totals.get(path.rpartition(".")[0]) if "." in path else None
        if spec.type is FieldType.AMOUNT and isinstance(value, Decimal) and total_path:
            total = self.value(total_path)
            if isinstance(total, Decimal):
                portion = share(value, total)
        return Shown(text, value, value is not None, derived, portion)

    def group(
        self, fields: tuple[FieldSpec, ...], values: Record | None, prefix: str
    ) -> ShownGroup:
        items: dict[str, Shown | ShownGroup | ShownList] = {}
        present = False
        for spec in fields:
            path = f"{prefix}.{spec.key}" if prefix else spec.key
            value = values.get(spec.key) if values is not None else None
            if spec.type is FieldType.GROUP:
                items[spec.key] = self.group(
                    spec.fields, value if isinstance(value, Record) else None, path
                )
                present = present or items[spec.key].present
            elif spec.type is FieldType.LIST:
                rows = ShownList(
                    self.group(spec.fields, item, f"{path}[{n}]")
                    for n, item in enumerate(value if isinstance(value, tuple) else (), start=1)
                    if isinstance(item, Record)
                )
                rows.present = value is not None
                items[spec.key] = rows
                present = present or rows.present
            else:
                items[spec.key] = self.shown(spec, path, value)
                present = present or value is not None
        return ShownGroup(items, present)

    def facts(self) -> tuple[Fact, ...]:
        """The summary's first table: the department as printed, then the other single values
        at the top of the form (flags and the unit are in the department and the labels)."""
        kind = self.decl.kind
        facts: list[Fact] = []
        # The field that names the form (a project's name, else the department) prints as the
        # form is named (with 汇总); a project's department is then one fact among the others.
        named = kind.role_path("project_name") or kind.role_path("department")
        for spec in kind.fields:
            if spec.key == named:
                facts.insert(0, Fact(spec.key, self.display))
            elif spec.type in (FieldType.BOOL, FieldType.UNIT, FieldType.LONG_TEXT):
                continue
            elif spec.type in _SCALARS:
                shown = self.shown(spec, spec.key, self.decl.get(spec.key))
                if shown.present:
                    label = spec.key + self.unit_label(spec)
                    facts.append(Fact(label, shown.text))
        return tuple(facts)

    def unit_label(self, spec: FieldSpec) -> str:
        return amount_units()[self.decl.amount_unit].label if spec.type is FieldType.AMOUNT else ""

    def sections(self, fields: tuple[FieldSpec, ...] = (), prefix: str = "") -> Iterator[Section]:
        """The summary's sections after its facts: texts, tables, amounts, the indicators, in
        form order; the texts of a group (总体目标: 中期目标, 年度目标) each under the group's
        name."""
        for spec in fields or self.decl.kind.fields:
            path = f"{prefix}.{spec.key}" if prefix else spec.key
            title = f"{prefix}：{spec.key}" if prefix else spec.key
            value = self.decl.get(path)
            if spec.type is FieldType.LONG_TEXT and isinstance(value, str):
                yield Section("text", title, text=value)
            elif spec.type is FieldType.TEXTS and isinstance(value, tuple):
                yield Section("text", title, text=show(spec, value))
            elif prefix:
                continue
            elif spec.type is FieldType.LIST and isinstance(value, tuple):
                yield self.table(spec, tuple(i for i in value if isinstance(i, Record)))
            elif spec.type is FieldType.GROUP and (value is not None or self.has_derived(spec.key)):
                rows = tuple(self.amount_rows(spec, spec.key, ""))
                if rows:
                    label = amount_units()[self.decl.amount_unit].label
                    yield Section("amounts", spec.key + label, rows=rows)
                yield from self.sections(spec.fields, spec.key)
            elif spec.type is FieldType.INDICATORS:
                yield Section("goals", spec.key)

    def has_derived(self, path: str) -> bool:
        return any(p.startswith(f"{path}.") for p in self.derived)

    def table(self, spec: FieldSpec, items: tuple[Record, ...]) -> Section:
        leaves = list(_leaves(spec.fields, ""))
        rows = []
        for n, item in enumerate(items, start=1):
            base = f"{spec.key}[{n}]"
            rows.append(
                tuple(
                    self.shown(leaf, f"{base}.{path}", item.at(path)).text for path, leaf in leaves
                )
            )
        header = tuple(path.replace(".", "：") + self.unit_label(leaf) for path, leaf in leaves)
        numeric = tuple(leaf.type in _NUMBERS for _, leaf in leaves)
        return Section("table", spec.key, header=header, rows=tuple(rows), numeric=numeric)

    def amount_rows(self, spec: FieldSpec, path: str, label: str) -> Iterator[tuple[str, ...]]:
        """(label, amount, share) of every amount under group `spec`, in form order."""
        for child in spec.fields:
            child_path = f"{path}.{child.key}"
            child_label = f"{label}：{child.key}" if label else child.key
            if child.type is FieldType.AMOUNT:
                shown = self.shown(child, child_path, self.decl.get(child_path))
                if shown.present:
                    portion = shown.share or ("100.00 %" if self.is_total(child_path) else "")
                    yield (child_label, shown.text, portion)
            elif child.type is FieldType.GROUP and child.shorthand:
                amount = child.child(child.shorthand)
                percent = next((f for f in child.fields if f.type is FieldType.PERCENT), None)
                if amount is None:
                    continue
                shown = self.shown(
                    amount, f"{child_path}.{amount.key}", self.value(f"{child_path}.{amount.key}")
                )
                if shown.present:
                    portion = ""
                    if percent is not None:
                        share_value = self.value(f"{child_path}.{percent.key}")
                        portion = f"{share_value:.2f} %" if isinstance(share_value, Decimal) else ""
                    yield (child_label, shown.text, portion)
            elif child.type is FieldType.GROUP:
                yield from self.amount_rows(child, child_path, child_label)

    def is_total(self, path: str) -> bool:
        return path in self.totals.values()


_SCALARS = frozenset(
    {
        FieldType.TEXT,
        FieldType.AMOUNT,
        FieldType.INTEGER,
        FieldType.NUMBER,
        FieldType.PERCENT,
        FieldType.YEAR,
        FieldType.DATE,
        FieldType.CHOICE,
    }
)
_NUMBERS = frozenset({FieldType.AMOUNT, FieldType.INTEGER, FieldType.NUMBER, FieldType.PERCENT})


def _leaves(fields: tuple[FieldSpec, ...], prefix: str) -> Iterator[tuple[str, FieldSpec]]:
    for spec in fields:
        path = f"{prefix}.{spec.key}" if prefix else spec.key
        if spec.type is FieldType.GROUP:
            yield from _leaves(spec.fields, path)
        elif spec.type in _SCALARS or spec.type is FieldType.LONG_TEXT:
            yield path, spec


def _group_totals(kind: FormKind) -> dict[str, str]:
    """Group path → the path of its total: amounts in a group whose sum rule's total lies in
    the group are shown with their share of that total (预算情况 → 部门整体预算总额)."""
    totals: dict[str, str] = {}
    for rule in kind.rules:
        if isinstance(rule, SumRule) and not rule.each:
            group = rule.total.rpartition(".")[0]
            for part in rule.parts:
                parent = part.rpartition(".")[0]
                while parent and parent != group and parent.startswith(group):
                    totals.setdefault(parent, rule.total)
                    parent = parent.rpartition(".")[0]
                if parent == group:
                    totals.setdefault(group, rule.total)
        elif isinstance(rule, SharesRule):
            continue
    return totals


def _level1_row(decl: Declaration, level1: Level1, places: int) -> Level1Row:
    kind = decl.kind
    children = tuple(
        Level2Row(
            level2.name,
            tuple(
                IndicatorRow(
                    i.name,
                    i.target.text,
                    QUALITATIVE if i.qualitative else QUANTITATIVE,
                    _indicator_fields(kind, i.values, places),
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


def _indicator_fields(kind: FormKind, values: Record, places: int) -> ShownGroup:
    items: dict[str, Shown | ShownGroup | ShownList] = {}
    for spec in kind.indicator:
        value = values.get(spec.key)
        items[spec.key] = _BLANK if value is None else Shown(show(spec, value, places), value, True)
    return ShownGroup(items, True)


_BLANK = Shown("")


# -- the year's index -------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexRow:
    """One declaration in the index: its name as printed, its outputs' path stem, the kind's
    index columns in the table's unit, and its indicator counts."""

    department: str
    slug: str
    values: tuple[Shown, ...]
    counts: Count
    owner: str = ""  # a project's department


@dataclass(frozen=True)
class IndexTable:
    """The declarations of one form kind in a year's index, with column sums."""

    kind: str
    title: str
    name_label: str  # the department column's label
    columns: tuple[str, ...]
    rows: tuple[IndexRow, ...]
    totals: tuple[Shown, ...]
    counts: Count
    amount_label: str  # the unit all its amounts are in: （元）
    projects: bool = False  # a table of project forms: each row names its department too


@dataclass(frozen=True)
class IndexContext:
    """What the index of one year sees: a table per form kind, and the departments that have
    project forms with their coverage. Amounts of one table are in one unit: the
    declarations' own when they share it, else converted to 元."""

    year: int
    count: int
    tables: tuple[IndexTable, ...]
    departments: tuple[DepartmentRow, ...] = ()
    departments_label: str = ""  # the unit of the departments' amounts: （元）


def index_context(year: int, summaries: Sequence[Summary]) -> IndexContext:
    """The index of one year's declarations, a table per kind, with column sums."""
    from generator.kinds import form_kinds

    by_kind: dict[str, list[Summary]] = defaultdict(list)
    for summary in summaries:
        by_kind[summary.kind].append(summary)
    kinds = form_kinds()
    tables = []
    for name in sorted(by_kind, key=lambda n: list(kinds).index(n) if n in kinds else len(kinds)):
        members = by_kind[name]
        kind = kinds[name]
        units = {s.amount_unit for s in members}
        unit = amount_units()[units.pop()] if len(units) == 1 else base_unit()
        specs = [kind.spec(column.path) for column in kind.index]
        converted = [
            [
                _in_table_unit(value, spec, s.amount_unit, unit)
                for (_, value), spec in zip(s.index, specs, strict=True)
            ]
            for s in members
        ]
        places = max(
            [unit.print_places]
            + [_decimals(v) for row in converted for v in row if isinstance(v, Decimal)]
        )
        projects = kind.category == PROJECT
        rows = tuple(
            IndexRow(
                s.display,
                s.slug,
                tuple(_index_cell(v, places) for v in values),
                s.counts,
                s.name if projects else "",
            )
            for s, values in zip(members, converted, strict=True)
        )
        totals = tuple(
            _index_cell(_column_sum([row[i] for row in converted], spec), places)
            for i, spec in enumerate(specs)
        )
        tables.append(
            IndexTable(
                kind=name,
                title=kind.title,
                name_label=kind.role_path("project_name") or kind.role_path("department"),
                columns=tuple(column.label for column in kind.index),
                rows=rows,
                totals=totals,
                counts=sum_counts("", [s.counts for s in members]),
                amount_label=unit.label,
                projects=projects,
            )
        )
    departments, label = department_rows(summaries)
    return IndexContext(year, len(summaries), tuple(tables), departments, label)


def _column_sum(values: list[Decimal | int | None], spec: FieldSpec | None) -> Decimal | int | None:
    """The sum of an index column, or None when no declaration has a value there (absent is
    not zero)."""
    written = [v for v in values if v is not None]
    if not written:
        return None
    total = sum(written, Decimal(0))
    return int(total) if spec is not None and spec.type is FieldType.INTEGER else total


def _in_table_unit(
    value: Decimal | int | None, spec: FieldSpec | None, unit: str, target: object
) -> Decimal | int | None:
    if isinstance(value, Decimal) and spec is not None and spec.type is FieldType.AMOUNT:
        return in_unit(value, unit, target)  # type: ignore[arg-type]
    return value


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _index_cell(value: Decimal | int | None, places: int) -> Shown:
    if value is None:
        return Shown("", None, False)
    if isinstance(value, int):
        return Shown(str(value), value, True)
    return Shown(format_amount(value, places), value, True)


# -- the multi-year trend ---------------------------------------------------------------------
# Built by generator/review/trend_table.py (which follows indicators renamed or moved with
# diff's matching); these are the records the trend's templates see.


@dataclass(frozen=True)
class TrendRow:
    """One line of a department's trend: its group (预算 or the indicator's 一级 / 二级), label,
    and per year the value as printed ("" where the year lacks it) and the number a workbook
    holds (an amount, a count, a quantitative target's number written with the row's operator
    and unit; None otherwise); per year step the change as printed, and for amounts and counts
    as a number. `kind`: amount, count or target; `operator` and `unit`: a target's, where its
    numbers are held as numbers (`unit` is the amount unit of an amount); `note`: an
    indicator's renames and moves over the years."""

    group: str
    label: str
    values: tuple[str, ...]
    numbers: tuple[Decimal | None, ...]
    changes: tuple[str, ...] = ()
    change_numbers: tuple[Decimal | None, ...] = ()
    kind: str = "target"
    operator: str = ""
    unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class DepartmentTrend:
    """A department's 整体 forms over the years (`rows`; none when its 整体 form is not among
    those compared) and its projects, each a DepartmentTrend named by its 项目名称."""

    name: str
    slug: str
    rows: tuple[TrendRow, ...]
    notes: tuple[str, ...] = ()  # how its years were paired, where that needs saying
    projects: tuple[DepartmentTrend, ...] = ()


@dataclass(frozen=True)
class DepartmentYears:
    """One department's 整体 forms by year (paired by review/pairing.py; empty when none is
    among those compared), the notes on that pairing, and its projects, each by year too."""

    versions: Mapping[int, Declaration]
    notes: tuple[str, ...] = ()
    projects: tuple[DepartmentYears, ...] = ()


@dataclass(frozen=True)
class TrendContext:
    """The years compared, each step between two of them (2023→2024), and the departments."""

    years: tuple[int, ...]
    steps: tuple[str, ...]
    departments: tuple[DepartmentTrend, ...]


def amounts_of(decl: Declaration, label: Callable[[str], str] | None = None) -> dict[str, Decimal]:
    """Every amount outside lists by its label (资金来源：财政拨款; `label` of its path, when
    given), computed totals included, in form order."""
    label = label or _amount_label
    derived = derived_values(decl)
    found: dict[str, Decimal] = {}
    for path, spec in decl.kind.walk():
        if spec.type is not FieldType.AMOUNT or "[" in path:
            continue
        value = decl.get(path)
        value = value if isinstance(value, Decimal) else derived.get(path)
        if isinstance(value, Decimal) and not _in_list(decl.kind, path):
            found[label(path)] = value
    return found


def _in_list(kind: FormKind, path: str) -> bool:
    parts = path.split(".")
    return any(
        (spec := kind.spec(".".join(parts[:n]))) is not None and spec.type is FieldType.LIST
        for n in range(1, len(parts))
    )


def _amount_label(path: str) -> str:
    parts = path.split(".")
    return "：".join(parts[1:]) if len(parts) > 1 else parts[0]
