"""Form kinds (表样) as data: what a kind's definition file may say, read into `FormKind`.

A kind declares its fields once — key (the form's own label), type, whether required, help
text, role, how it prints — plus its title, footnotes, default amount unit, orientation, layout
template, indicator framework, the checks across fields and the year index's columns. The
reader, the checks, `fmt`, the JSON Schema, `diff`, the contexts, the index and the importer are
all derived from it. The meta keys are documented in docs/kinds.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cached_property
from typing import Any

from generator.config import ConfigError


class KindError(ConfigError):
    """A kind or framework definition file is malformed: names the file and the key (a
    configuration error, exit 2)."""


class FieldType(Enum):
    """What a field holds (the `type` of a field in a kind's definition)."""

    TEXT = "text"
    LONG_TEXT = "long text"  # printed across the form, written as a `|-` block, diffed as text
    TEXTS = "texts"  # a list of texts (目标1, 目标2, …)
    AMOUNT = "amount"  # money, in the declaration's 金额单位
    INTEGER = "integer"  # a whole number ≥ 0
    NUMBER = "number"  # a decimal number ≥ 0 (分值)
    PERCENT = "percent"  # 95.00%
    YEAR = "year"
    DATE = "date"
    BOOL = "bool"
    CHOICE = "choice"  # one of `options`
    UNIT = "unit"  # a 金额单位 of units.yaml
    TARGET = "target"  # 指标值: an operator, a number and a unit, or a qualitative text
    GROUP = "group"  # a mapping of `fields`
    LIST = "list"  # a list of records of `fields`
    INDICATORS = "indicators"  # the indicator tree 一级 → 二级 → 三级: row of `indicator`


SCALARS = frozenset(FieldType) - {
    FieldType.GROUP,
    FieldType.LIST,
    FieldType.TEXTS,
    FieldType.INDICATORS,
}
TEXTUAL = frozenset({FieldType.TEXT, FieldType.LONG_TEXT})

# Roles: what code needs to know about a field, whatever its key on a given form.
ROLES = {
    "year": "the declaration's 年度",
    "department": "the department's name (整体) or the department a project belongs to (项目)",
    "amount_unit": "the 金额单位 of every amount",
    "key": "in a list: the field that names an item (compared across years by it)",
    "project_expense": "整体: the 项目支出 that a department's project forms add up to",
    "project_funds": "项目: the project's 年度资金总额",
    "project_name": "项目: the project's name",
    "project_ref": "整体: in a list, the name of a project the item is spent on (支出项目名称)",
    "target": "indicator: the target value (指标值)",
    "target_kind": "indicator: 定量/定性 as declared",
    "unit": "indicator: the 计量单位 column",
    "score": "indicator: 分值",
    "midterm": "indicator: the 中期指标值",
}


@dataclass(frozen=True)
class FieldSpec:
    """One field of a kind: a key of the YAML and a place on the form."""

    key: str
    type: FieldType
    help: str
    required: bool = True
    default: Any = None
    role: str = ""
    aliases: tuple[str, ...] = ()
    printed: bool = True  # False: the kind's layout has no place for it (a value is warned)
    print: Any = None  # bool: {true: text, false: text}; texts: "目标{n}：{text}"; choice: "boxes"
    options: tuple[str, ...] = ()
    shorthand: str = ""  # group: a scalar written instead of the mapping is this field's value
    fields: tuple[FieldSpec, ...] = ()

    def child(self, key: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.key == key), None)

    @property
    def keys(self) -> dict[str, FieldSpec]:
        """Every key a mapping of this field's `fields` may use (aliases included) → field."""
        return {name: f for f in self.fields for name in (f.key, *f.aliases)}


@dataclass(frozen=True)
class SumRule:
    """`total` = the sum of `parts` (paths; within each item of list `each` when given). A total
    that is optional and not written is computed and printed instead of checked."""

    total: str
    parts: tuple[str, ...]
    code: str = "E201"
    each: str = ""


@dataclass(frozen=True)
class ColumnTotalRule:
    """Group `total`'s fields `into` = the column sums of `columns` over the items of list
    `list`; computed and printed when `total` is not written."""

    total: str
    list: str
    columns: tuple[str, ...]
    into: tuple[str, ...]
    code: str = "E205"


@dataclass(frozen=True)
class SharesRule:
    """In group `group`, each child's `share` = its `amount` / child `total`'s amount; computed
    and printed when not written, checked (to 0.01 %) when written."""

    group: str
    amount: str
    share: str
    total: str
    code: str = "E206"


@dataclass(frozen=True)
class ScoresRule:
    """The indicators' 分值 add up to field `field`, or to `default` when it is not written."""

    field: str
    default: Decimal
    code: str = "E207"


@dataclass(frozen=True)
class DateOrderRule:
    """Date `first` is not after date `second`."""

    first: str
    second: str
    code: str = "E208"


@dataclass(frozen=True)
class WithinYearRule:
    """The period from `start` to `end` overlaps the declaration's 年度."""

    start: str
    end: str
    code: str = "E209"


Rule = SumRule | ColumnTotalRule | SharesRule | ScoresRule | DateOrderRule | WithinYearRule


@dataclass(frozen=True)
class IndexColumn:
    """A column of the year's index: the field at `path` (an amount or a whole number, or a
    value the kind computes), headed `label`."""

    path: str
    label: str


@dataclass(frozen=True)
class FormKind:
    """A form kind (表样) and everything the pipeline knows about it."""

    name: str  # the value of 表样 in a declaration
    category: str  # 整体 or 项目
    title: str
    help: str
    layout: str  # the layout template in templates/
    landscape: bool
    amount_unit: str
    framework: str
    display: str  # how a declaration is named: "{部门名称}{汇总}"
    footnotes: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    indicator: tuple[FieldSpec, ...]
    rules: tuple[Rule, ...]
    index: tuple[IndexColumn, ...]
    source: str  # the definition file, for messages
    summary: str = "summary.md.j2"
    levels: tuple[str, str, str] = ("一级指标", "二级指标", "三级指标")  # the tree's words

    @property
    def root(self) -> FieldSpec:
        """The declaration as one group field."""
        return FieldSpec("", FieldType.GROUP, self.help, fields=self.fields)

    @property
    def indicator_row(self) -> FieldSpec:
        """One 三级 row as a group field (its shorthand is the target)."""
        target = self.role_field("target", self.indicator)
        return FieldSpec(
            "", FieldType.GROUP, "", fields=self.indicator, shorthand=target.key if target else ""
        )

    def spec(self, path: str) -> FieldSpec | None:
        """The field at dotted `path` ("预算情况.资金来源.财政拨款"; list items are not named)."""
        spec: FieldSpec | None = self.root
        for key in path.split("."):
            spec = spec.child(key) if spec is not None else None
        return spec

    def walk(self) -> tuple[tuple[str, FieldSpec], ...]:
        """Every field with its path, depth first in form order (list fields included, under
        the list's path)."""
        return self._walked

    @cached_property
    def _walked(self) -> tuple[tuple[str, FieldSpec], ...]:
        return tuple(_walk(self.fields, ""))

    @cached_property
    def _roles(self) -> dict[str, str]:
        roles: dict[str, str] = {}
        for path, spec in self._walked:
            if spec.role:
                roles.setdefault(spec.role, path)
        return roles

    def role_path(self, role: str) -> str:
        """The path of the field with `role`, or "" when the kind has none."""
        return self._roles.get(role, "")

    @staticmethod
    def role_field(role: str, fields: tuple[FieldSpec, ...]) -> FieldSpec | None:
        return next((f for f in fields if f.role == role), None)


def _walk(fields: tuple[FieldSpec, ...], prefix: str) -> Iterator[tuple[str, FieldSpec]]:
    for spec in fields:
        path = f"{prefix}.{spec.key}" if prefix else spec.key
        yield path, spec
        yield from _walk(spec.fields, path)


# -- reading definition files ---------------------------------------------------------------

_KIND_KEYS = {
    "name", "category", "title", "help", "layout", "orientation", "amount_unit", "framework",
    "display", "footnotes", "fields", "indicator", "rules", "index", "extends", "summary",
    "levels",
}  # fmt: skip
_FIELD_KEYS = {
    "type", "help", "required", "default", "role", "aliases", "printed", "print", "options",
    "shorthand", "fields", "after",
}  # fmt: skip
CATEGORIES = ("整体", "项目")


def merge_kind(base: Mapping[str, Any], variant: Mapping[str, Any]) -> dict[str, Any]:
    """A variant's raw definition over its base's: `fields` and `indicator` merge field by
    field, `rules` are appended, every other key replaces the base's."""
    merged = {k: v for k, v in base.items() if k not in ("name", "extends")}
    for key, value in variant.items():
        if key in ("fields", "indicator") and isinstance(value, Mapping):
            merged[key] = _merge_fields(base.get(key) or {}, value)
        elif key == "rules" and isinstance(value, list):
            merged[key] = [*(base.get("rules") or []), *value]
        elif key != "extends":
            merged[key] = value
    return merged


def _merge_fields(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    order = list(base)
    fields = dict(base)
    for key, spec in changes.items():
        fields[key] = spec
        if key in order:
            continue
        after = spec.get("after") if isinstance(spec, Mapping) else None
        order.insert(order.index(after) + 1 if after in order else len(order), key)
    return {key: fields[key] for key in order}


def parse_kind(raw: Any, source: str, known_frameworks: set[str], units: set[str]) -> FormKind:
    """A FormKind from a definition file's (merged) data; KindError names the file and key."""
    where = _Where(source)
    data = where.mapping(raw, "")
    where.only(data, _KIND_KEYS, "")
    name = where.text(data, "name")
    category = where.text(data, "category")
    if category not in CATEGORIES:
        raise where.error("category", f"应为 {' 或 '.join(CATEGORIES)}，这里是“{category}”")
    orientation = where.text(data, "orientation", "portrait")
    if orientation not in ("portrait", "landscape"):
        raise where.error("orientation", f"应为 portrait 或 landscape，这里是“{orientation}”")
    framework = where.text(data, "framework")
    if framework not in known_frameworks:
        raise where.error("framework", f"未知的指标体系“{framework}”")
    amount_unit = where.text(data, "amount_unit", "元")
    if amount_unit not in units:
        raise where.error("amount_unit", f"未知的金额单位“{amount_unit}”")
    fields = _fields(where, where.mapping(data.get("fields"), "fields"), "fields")
    indicator = _fields(where, where.mapping(data.get("indicator"), "indicator"), "indicator")
    kind = FormKind(
        name=name,
        category=category,
        title=where.text(data, "title"),
        help=where.text(data, "help"),
        layout=where.text(data, "layout"),
        landscape=orientation == "landscape",
        amount_unit=amount_unit,
        framework=framework,
        display=where.text(data, "display"),
        footnotes=tuple(where.texts(data, "footnotes")),
        fields=fields,
        indicator=indicator,
        rules=(),
        index=_index(where, data.get("index")),
        source=source,
        summary=where.text(data, "summary", "summary.md.j2"),
        levels=_levels(where, data),
    )
    rules = tuple(
        _rule(where, kind, r, f"rules[{i}]") for i, r in enumerate(data.get("rules") or [])
    )
    kind = dataclasses.replace(kind, rules=rules)
    _check_kind(where, kind)
    return kind


@dataclass(frozen=True)
class _Where:
    source: str

    def error(self, key: str, message: str) -> KindError:
        return KindError(f"{self.source}: {key} {message}")

    def mapping(self, value: Any, key: str) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self.error(key or "（文件）", "应为“键: 值”的映射")
        return value

    def only(self, data: Mapping[str, Any], allowed: set[str], key: str) -> None:
        unknown = sorted(str(k) for k in data if k not in allowed)
        if unknown:
            at = f"{key}.{unknown[0]}" if key else unknown[0]
            raise self.error(at, "未知的设置；可用：" + "、".join(sorted(allowed)))

    def text(self, data: Mapping[str, Any], key: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if value is None:
            raise self.error(key, "缺少这一项")
        if not isinstance(value, str):
            raise self.error(key, f"应为文字，这里是 {value!r}")
        return value

    def texts(self, data: Mapping[str, Any], key: str) -> list[str]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, "应为文字的列表")
        return value


def _index(where: _Where, raw: Any) -> tuple[IndexColumn, ...]:
    """Index columns: a field's path (headed by its key), or {path: …, label: …}."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise where.error("index", "应为字段路径的列表")
    columns = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            columns.append(IndexColumn(item, item.rsplit(".", 1)[-1]))
        elif isinstance(item, Mapping) and isinstance(item.get("path"), str):
            label = item.get("label") or str(item["path"]).rsplit(".", 1)[-1]
            columns.append(IndexColumn(str(item["path"]), str(label)))
        else:
            raise where.error(f"index[{i}]", "应为字段路径，或 {path: 路径, label: 列名}")
    return tuple(columns)


def _levels(where: _Where, data: Mapping[str, Any]) -> tuple[str, str, str]:
    levels = where.texts(data, "levels") or ["一级指标", "二级指标", "三级指标"]
    if len(levels) != 3:
        raise where.error("levels", "应为三个词：一级、二级、三级的叫法")
    return levels[0], levels[1], levels[2]


def _fields(where: _Where, raw: Mapping[str, Any], at: str) -> tuple[FieldSpec, ...]:
    return tuple(_field(where, str(key), spec, f"{at}.{key}") for key, spec in raw.items())


def _field(where: _Where, key: str, raw: Any, at: str) -> FieldSpec:
    data = where.mapping(raw, at)
    where.only(data, _FIELD_KEYS, at)
    written = where.text(data, "type")
    try:
        kind = FieldType(written)
    except ValueError:
        allowed = "、".join(t.value for t in FieldType)
        raise where.error(f"{at}.type", f"未知的类型“{written}”；可用：{allowed}") from None
    role = str(data.get("role") or "")
    if role and role not in ROLES:
        raise where.error(f"{at}.role", f"未知的用途“{role}”；可用：{'、'.join(ROLES)}")
    children: tuple[FieldSpec, ...] = ()
    if kind in (FieldType.GROUP, FieldType.LIST):
        children = _fields(where, where.mapping(data.get("fields"), f"{at}.fields"), f"{at}.fields")
        if not children:
            raise where.error(f"{at}.fields", "组和列表至少要有一个字段")
    elif "fields" in data:
        raise where.error(f"{at}.fields", f"类型 {written} 不能有 fields")
    options = tuple(str(o) for o in data.get("options") or ())
    if kind is FieldType.CHOICE and not options:
        raise where.error(f"{at}.options", "选择题（choice）要列出 options")
    shorthand = str(data.get("shorthand") or "")
    if shorthand and not any(c.key == shorthand for c in children):
        raise where.error(f"{at}.shorthand", f"“{shorthand}”不是这个组的字段")
    required = data.get("required", True)
    printed = data.get("printed", True)
    if not isinstance(required, bool) or not isinstance(printed, bool):
        raise where.error(at, "required 和 printed 应为 true 或 false")
    aliases = data.get("aliases") or []
    if not isinstance(aliases, list):
        raise where.error(f"{at}.aliases", "应为文字的列表")
    return FieldSpec(
        key=key,
        type=kind,
        help=where.text(data, "help"),
        required=required,
        default=data.get("default"),
        role=role,
        aliases=tuple(str(a) for a in aliases),
        printed=printed,
        print=data.get("print"),
        options=options,
        shorthand=shorthand,
        fields=children,
    )


def _rule(where: _Where, kind: FormKind, raw: Any, at: str) -> Rule:
    data = where.mapping(raw, at)
    code = str(data.get("code") or "")

    def path(key: str, base: str = "") -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value:
            raise where.error(f"{at}.{key}", "应为字段路径")
        full = f"{base}.{value}" if base else value
        if kind.spec(full) is None:
            raise where.error(f"{at}.{key}", f"“{full}”不是这个表样的字段")
        return value

    def paths(key: str, base: str = "") -> tuple[str, ...]:
        values = data.get(key)
        if not isinstance(values, list) or not values:
            raise where.error(f"{at}.{key}", "应为字段路径的列表")
        for value in values:
            full = f"{base}.{value}" if base else str(value)
            if kind.spec(full) is None:
                raise where.error(f"{at}.{key}", f"“{full}”不是这个表样的字段")
        return tuple(str(v) for v in values)

    try:
        if "each" in data:
            each = path("each")
            return SumRule(path("sum", each), paths("of", each), code or "E201", each)
        if "sum" in data:
            return SumRule(path("sum"), paths("of"), code or "E201")
        if "shares" in data:
            group = path("shares")
            amount, share = str(data.get("amount") or ""), str(data.get("share") or "")
            return SharesRule(group, amount, share, path("total", group), code or "E206")
        if "total" in data:
            listed = path("of")
            into = paths("into", path("total"))
            columns = paths("columns", listed)
            if len(into) != len(columns):
                raise where.error(f"{at}.into", "into 与 columns 的个数要相同")
            return ColumnTotalRule(path("total"), listed, columns, into, code or "E205")
        if "scores" in data:
            return ScoresRule(
                path("scores"), Decimal(str(data.get("default", 100))), code or "E207"
            )
        if "before" in data:
            return DateOrderRule(path("before"), path("after"), code or "E208")
        if "within_year" in data:
            start, end = paths("within_year")[:2]
            return WithinYearRule(start, end, code or "E209")
    except InvalidOperation:
        raise where.error(f"{at}.default", "应为数字") from None
    raise where.error(at, "未知的规则；可用：sum、each、total、shares、scores、before、within_year")


def _check_kind(where: _Where, kind: FormKind) -> None:
    for role in ("year", "department"):
        if not kind.role_path(role):
            raise where.error("fields", f"没有 role: {role} 的字段")
    if not any(f.type is FieldType.INDICATORS for _, f in kind.walk()):
        raise where.error("fields", "没有 type: indicators 的字段（指标表）")
    if kind.role_field("target", kind.indicator) is None:
        raise where.error("indicator", "没有 role: target 的字段（指标值）")
    for i, column in enumerate(kind.index):
        spec = kind.spec(column.path)
        if spec is None or spec.type not in (FieldType.AMOUNT, FieldType.INTEGER):
            raise where.error(f"index[{i}]", f"“{column.path}”不是这个表样的金额或整数字段")
