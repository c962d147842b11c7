"""Form kinds (表样) as data: what a kind's definition file may say, read into `FormKind`.

A kind declares its fields once — key (the form's own label), type, whether required, help
text, role, how it prints — plus its title, footnotes, default amount unit, orientation, layout
template, indicator framework, the checks across fields and the year index's columns. The
reader, the checks, `fmt`, the JSON Schema, `diff`, the contexts, the index and the importer are
all derived from it. The meta keys are documented in docs/kinds.md.
"""

from __future__ import annotations

import dataclasses
import re
import string
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cached_property
from typing import Any

from generator.config import ConfigError, shown
from generator.declaration.load import same_name


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
# The roles more than one field may have: of these, the first written is the form's value.
MANY_ROLES = frozenset({"project_expense", "project_funds"})
# The roles that name one value of the form: the type of field each goes on (never in a list).
ROLE_TYPES = {
    "year": FieldType.YEAR,
    "department": FieldType.TEXT,
    "amount_unit": FieldType.UNIT,
    "project_expense": FieldType.AMOUNT,
    "project_funds": FieldType.AMOUNT,
    "project_name": FieldType.TEXT,
}
# The roles each category needs, with what they mark (for the message when one is missing).
NEEDED_ROLES = {
    "整体": {"year": "申报的年度", "department": "部门名称"},
    "项目": {
        "year": "申报的年度",
        "department": "所属部门（与整体表的部门名称对应）",
        "project_name": "项目名称（逐年对比和同名项目 E244 靠它）",
        "project_funds": "年度资金总额（核对部门的项目支出 E243 靠它）",
    },
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
    print: Any = None  # bool: {True: text, False: text}; texts: "目标{n}：{text}"; choice: "boxes"
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


@dataclass(frozen=True)
class AtMostRule:
    """Amount `part` is not more than amount `whole` (a year's funds within the whole period's);
    checked when both are written."""

    part: str
    whole: str
    code: str = "E212"


@dataclass(frozen=True)
class EqualRule:
    """Amounts `first` and `second` are one figure written in two places (a form's two blocks
    giving the same 项目支出); checked when both are written."""

    first: str
    second: str
    code: str = "E213"


Rule = (
    SumRule
    | ColumnTotalRule
    | SharesRule
    | ScoresRule
    | DateOrderRule
    | WithinYearRule
    | AtMostRule
    | EqualRule
)


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
    layout: str  # the layout template in generator/templates/
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
    def _roles(self) -> dict[str, tuple[str, ...]]:
        roles: dict[str, tuple[str, ...]] = {}
        for path, spec in self._walked:
            if spec.role:
                roles[spec.role] = (*roles.get(spec.role, ()), path)
        return roles

    def role_path(self, role: str) -> str:
        """The path of the (first, in form order) field with `role`, or "" when the kind has
        none."""
        paths = self.role_paths(role)
        return paths[0] if paths else ""

    def role_paths(self, role: str) -> tuple[str, ...]:
        """The paths of every field with `role`, in form order: only the roles of MANY_ROLES
        may have more than one (项目支出 in two blocks of one form)."""
        return self._roles.get(role, ())

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
    _check_display(where, kind)
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


# What a key may not hold: the characters paths are written with (预算情况.资金来源,
# 年度主要任务[2], "{部门名称}") and control or format characters.
_PATH_CHARACTERS = re.compile(r"[.\[\]{}]")
_SAME_KEY = "（键按去掉首尾空格、统一全角/半角后比较）"


def _fields(where: _Where, raw: Mapping[str, Any], at: str) -> tuple[FieldSpec, ...]:
    fields = tuple(
        _field(where, _key(where, key, at), spec, f"{at}.{key}") for key, spec in raw.items()
    )
    _check_siblings(where, fields, at)
    return fields


def _key(where: _Where, key: Any, at: str) -> str:
    """A field's key, fit to be a part of a path."""
    if not isinstance(key, str):
        raise where.error(f"{at}.{key}", "字段的键应为文字（数字、日期、true/false 要加引号）")
    if not key:
        raise where.error(at, "字段的键不能为空")
    if key != key.strip() or _PATH_CHARACTERS.search(key) or _has_control(key):
        raise where.error(
            f"{at}.{key}",
            f"字段的键不能含 . [ ] {{ }} 或控制字符，也不能以空白开头或结尾：“{key}”",
        )
    return key


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("C") for ch in text)


def _check_siblings(where: _Where, fields: tuple[FieldSpec, ...], at: str) -> None:
    """No two fields of one mapping share a key or an alias, compared as the reader compares
    keys (same_name): a declaration writing both would give one value two places, unnoticed."""
    keys: dict[str, FieldSpec] = {}
    for spec in fields:
        other = keys.setdefault(same_name(spec.key), spec)
        if other is not spec:
            raise where.error(f"{at}.{spec.key}", f"与字段“{other.key}”是同一个键{_SAME_KEY}")
    aliases: dict[str, tuple[FieldSpec, str]] = {}
    for spec in fields:
        for alias in spec.aliases:
            same = same_name(alias)
            owner = keys.get(same, spec)
            if owner is not spec:
                raise where.error(
                    f"{at}.{spec.key}.aliases",
                    f"“{alias}”与字段“{owner.key}”是同一个键{_SAME_KEY}",
                )
            first, written = aliases.setdefault(same, (spec, alias))
            if first is not spec:
                raise where.error(
                    f"{at}.{spec.key}.aliases",
                    f"“{alias}”与字段“{first.key}”的别名“{written}”是同一个键{_SAME_KEY}",
                )


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
    if not isinstance(aliases, list) or not all(
        isinstance(a, str) and a.strip() and not _has_control(a) for a in aliases
    ):
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
        print=_print(where, kind, data.get("print"), f"{at}.print"),
        options=options,
        shorthand=shorthand,
        fields=children,
    )


def _print(where: _Where, kind: FieldType, raw: Any, at: str) -> Any:
    """A field's `print`, as its type reads it: a flag's two texts ({True: …, False: …}), a
    list of texts' pattern of {n} and {text}, a choice's "boxes"; other types have none."""
    if raw is None:
        return None
    if kind is FieldType.BOOL:
        if not isinstance(raw, Mapping):
            raise where.error(
                at, f"应为 {{true: 文字, false: 文字}}（是、否时各印什么），而不是{shown(raw)}"
            )
        texts: dict[bool, str] = {}
        for key, text in raw.items():  # `true:` is read as True, `"true":` as a text
            flag = {"true": True, "false": False}.get(str(key).lower())
            if not isinstance(key, (bool, str)) or flag is None:
                raise where.error(f"{at}.{key}", "未知的设置；可用：true、false")
            if not isinstance(text, str):
                raise where.error(f"{at}.{str(key).lower()}", f"应为文字，而不是{shown(text)}")
            texts[flag] = text
        for flag in (True, False):
            if flag not in texts:
                raise where.error(f"{at}.{str(flag).lower()}", "缺少该设置")
        return texts
    if kind is FieldType.TEXTS:
        if not isinstance(raw, str):
            raise where.error(at, f"应为印法的文字，例如“目标{{n}}：{{text}}”，而不是{shown(raw)}")
        for written, name in _placeholders(where, raw, at):
            if name not in ("n", "text"):
                raise where.error(
                    at, f"“{raw}”中的 {written} 不可用：只能写 {{n}}（序号）和 {{text}}（内容）"
                )
        return raw
    if kind is FieldType.CHOICE:
        if raw != "boxes":
            raise where.error(at, f"只能是 boxes（各选项都印出，所选一项打 ☑），而不是{shown(raw)}")
        return raw
    raise where.error(at, f"类型 {kind.value} 没有 print 设置（只有 bool、texts、choice 有）")


def _placeholders(where: _Where, pattern: str, at: str) -> list[tuple[str, str]]:
    """Each {…} of a pattern (Python's format syntax): as written, and its name ("" when it
    has a conversion or a format spec, which no pattern may use)."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        raise where.error(
            at, f"“{pattern}”的花括号不成对（要印出花括号本身，写 {{{{ 或 }}}}）"
        ) from None
    found = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        converted = f"!{conversion}" if conversion else ""
        formatted = f":{spec}" if spec else ""
        written = f"{{{name}{converted}{formatted}}}"
        found.append((written, "" if spec or conversion else name))
    return found


def _check_display(where: _Where, kind: FormKind) -> None:
    """Every {…} of `display` is a top-level field that prints (it is filled by format_map)."""
    for written, name in _placeholders(where, kind.display, "display"):
        if not name or name.isdigit() or "[" in name:
            raise where.error("display", f"“{written}”不可用：只能写 {{字段的键}}")
        if "." in name:
            raise where.error("display", f"“{written}”不可用：只能写顶层字段的键")
        spec = kind.spec(name)
        if spec is None:
            raise where.error("display", f"“{written}”不是这个表样的字段")
        if spec.type in (FieldType.GROUP, FieldType.LIST, FieldType.INDICATORS):
            raise where.error("display", f"“{written}”是 {spec.type.value} 字段，印不出来")


# What a rule's paths must name, as messages say it.
_WANTED = {
    FieldType.AMOUNT: "金额（amount）",
    FieldType.NUMBER: "数（number）",
    FieldType.PERCENT: "百分比（percent）",
    FieldType.DATE: "日期（date）",
    FieldType.GROUP: "组（group）",
    FieldType.LIST: "列表（list）",
    FieldType.YEAR: "年度（year）",
    FieldType.TEXT: "文字（text）",
    FieldType.UNIT: "金额单位（unit）",
}
# Each rule by the key that names it (looked for in this order), with every key it may have.
_RULE_KEYS = {
    "each": ("each", "sum", "of", "code"),
    "sum": ("sum", "of", "code"),
    "shares": ("shares", "amount", "share", "total", "code"),
    "total": ("total", "of", "columns", "into", "code"),
    "scores": ("scores", "default", "code"),
    "before": ("before", "after", "code"),
    "within_year": ("within_year", "code"),
    "at_most": ("at_most", "than", "code"),
    "equal": ("equal", "to", "code"),
}


def _rule(where: _Where, kind: FormKind, raw: Any, at: str) -> Rule:
    """A rule, every path of it a field of the type the rule works on: a rule whose paths
    named a text or a group would otherwise never be applied, and nothing would say so."""
    data = where.mapping(raw, at)
    code = str(data.get("code") or "")
    name = next((n for n in _RULE_KEYS if n in data), None)
    if name is None:
        raise where.error(at, f"未知的规则；可用：{'、'.join(_RULE_KEYS)}")
    for key in data:
        if key not in _RULE_KEYS[name]:
            allowed = "、".join(_RULE_KEYS[name])
            raise where.error(f"{at}.{key}", f"未知的设置；这条规则（{name}）可用：{allowed}")

    def field(key: str, full: str, wanted: FieldType) -> None:
        spec = kind.spec(full)
        if spec is None:
            raise where.error(f"{at}.{key}", f"“{full}”不是这个表样的字段")
        if spec.type is not wanted:
            raise where.error(
                f"{at}.{key}", f"“{full}”是 {spec.type.value} 字段，应为{_WANTED[wanted]}字段"
            )

    def path(key: str, wanted: FieldType, base: str = "") -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value:
            raise where.error(f"{at}.{key}", "应为字段路径")
        field(key, f"{base}.{value}" if base else value, wanted)
        return value

    def paths(key: str, wanted: FieldType, base: str = "") -> tuple[str, ...]:
        values = data.get(key)
        if not isinstance(values, list) or not values:
            raise where.error(f"{at}.{key}", "应为字段路径的列表")
        for value in values:
            field(key, f"{base}.{value}" if base else str(value), wanted)
        return tuple(str(v) for v in values)

    def child(key: str, what: str) -> str:
        value = data.get(key)
        if value is None:
            raise where.error(f"{at}.{key}", f"缺少这一项：组中每一项的{what}字段的键")
        if not isinstance(value, str) or not value:
            raise where.error(f"{at}.{key}", f"应为组中每一项的{what}字段的键")
        return value

    if name == "each":
        each = path("each", FieldType.LIST)
        total = path("sum", FieldType.AMOUNT, each)
        return SumRule(total, paths("of", FieldType.AMOUNT, each), code or "E201", each)
    if name == "sum":
        total = path("sum", FieldType.AMOUNT)
        return SumRule(total, paths("of", FieldType.AMOUNT), code or "E201")
    if name == "shares":
        group = path("shares", FieldType.GROUP)
        amount, share = child("amount", "金额"), child("share", "占比")
        total = path("total", FieldType.GROUP, group)
        parent = kind.spec(group)
        for item in parent.fields if parent is not None else ():
            field("amount", f"{group}.{item.key}.{amount}", FieldType.AMOUNT)
            field("share", f"{group}.{item.key}.{share}", FieldType.PERCENT)
        return SharesRule(group, amount, share, total, code or "E206")
    if name == "total":
        total = path("total", FieldType.GROUP)
        listed = path("of", FieldType.LIST)
        columns = paths("columns", FieldType.AMOUNT, listed)
        into = paths("into", FieldType.AMOUNT, total)
        if len(into) != len(columns):
            raise where.error(f"{at}.into", "into 与 columns 的个数要相同")
        return ColumnTotalRule(total, listed, columns, into, code or "E205")
    if name == "scores":
        scores = path("scores", FieldType.NUMBER)
        if kind.role_field("score", kind.indicator) is None:
            raise where.error(
                f"{at}.scores", "这个表样的 indicator 没有 role: score 的字段（分值）"
            )
        return ScoresRule(scores, _score_total(where, data.get("default", 100), at), code or "E207")
    if name == "before":
        return DateOrderRule(
            path("before", FieldType.DATE), path("after", FieldType.DATE), code or "E208"
        )
    if name in ("at_most", "equal"):
        other = "than" if name == "at_most" else "to"
        first, second = path(name, FieldType.AMOUNT), path(other, FieldType.AMOUNT)
        if first == second:
            raise where.error(
                f"{at}.{other}", f"与 {name} 是同一个字段“{first}”：这条规则什么也查不出"
            )
        if name == "at_most":
            return AtMostRule(first, second, code or "E212")
        return EqualRule(first, second, code or "E213")
    period = data.get("within_year")
    if isinstance(period, list) and len(period) != 2:
        raise where.error(
            f"{at}.within_year", f"应为起、止两个日期字段的路径，这里有 {len(period)} 个"
        )
    start, end = paths("within_year", FieldType.DATE)
    return WithinYearRule(start, end, code or "E209")


def _score_total(where: _Where, raw: Any, at: str) -> Decimal:
    """A scores rule's `default`: the total when the declaration does not write one."""
    try:
        value = Decimal(str(raw)) if isinstance(raw, (int, float, str)) else None
    except InvalidOperation:
        value = None
    if isinstance(raw, bool) or value is None or not value.is_finite() or value < 0:
        raise where.error(f"{at}.default", f"应为不小于 0 的数，而不是{shown(raw)}")
    return value


def _check_kind(where: _Where, kind: FormKind) -> None:
    _check_roles(where, kind)
    for role, what in NEEDED_ROLES[kind.category].items():
        if not kind.role_path(role):
            raise where.error(
                "fields", f"没有 role: {role} 的字段：{kind.category}表样要用它标出{what}"
            )
    if not any(f.type is FieldType.INDICATORS for _, f in kind.walk()):
        raise where.error("fields", "没有 type: indicators 的字段（指标表）")
    if kind.role_field("target", kind.indicator) is None:
        raise where.error("indicator", "没有 role: target 的字段（指标值）")
    for i, column in enumerate(kind.index):
        spec = kind.spec(column.path)
        if spec is None or spec.type not in (FieldType.AMOUNT, FieldType.INTEGER):
            raise where.error(f"index[{i}]", f"“{column.path}”不是这个表样的金额或整数字段")


def _check_roles(where: _Where, kind: FormKind) -> None:
    """Each role that names one value of the form is on a field of its type, outside any list,
    and on one field only unless it is one of MANY_ROLES: a role elsewhere would be read as
    nothing (or as the wrong thing), unnoticed."""
    lists = [path for path, spec in kind.walk() if spec.type is FieldType.LIST]
    for role, wanted in ROLE_TYPES.items():
        paths = kind.role_paths(role)
        for path in paths:
            spec = kind.spec(path)
            key = "fields." + path.replace(".", ".fields.") + ".role"
            listed = next((p for p in lists if path.startswith(f"{p}.")), "")
            if listed:
                raise where.error(
                    key, f"role: {role} 不能给列表“{listed}”中的字段（每项各有一个值）"
                )
            if spec is not None and spec.type is not wanted:
                raise where.error(
                    key,
                    f"role: {role} 要给{_WANTED[wanted]}字段，“{path}”是 {spec.type.value} 字段",
                )
        if len(paths) > 1 and role not in MANY_ROLES:
            key = "fields." + paths[1].replace(".", ".fields.") + ".role"
            raise where.error(key, f"role: {role} 只能给一个字段，已给了“{paths[0]}”")
