"""The declaration's structure, declared once, and the reader that turns located YAML nodes into
the model: unknown keys (with "did you mean"), missing keys, wrong types and scalar syntax.

Scalars arrive as the text the user wrote; each field's kind decides what the text may be, so
YAML 1.1's guesses (`no` → False, `0123` → 83, `1e3`, dates) never become data. Numbers are
written in the digits 0–9 (full-width ones are folded to them), without a `+`, and are bounded:
years to those a package can be dated (archive.YEARS), counts to 9 digits, amounts to less than
10 万亿元, so that every sum is exact and every number fits an Excel cell.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from generator.archive import YEARS, YEARS_REASON
from generator.errors import Diagnostic, Location, excerpt
from generator.load import Mapping, Node, Rejected, Scalar, Sequence
from generator.model import (
    GLOSSARY,
    Budget,
    Declaration,
    Indicator,
    Level1,
    Level2,
    Target,
    Task,
)
from generator.targets import TargetError, parse_target
from generator.vocabulary import AmountUnit, amount_units, base_unit


class Kind(Enum):
    """What a scalar field holds."""

    TEXT = "文字"
    YEAR = "年份"
    COUNT = "非负整数"
    AMOUNT = "金额"
    BOOL = "true 或 false"
    UNIT = "金额单位"
    TARGET = "指标目标值"


@dataclass(frozen=True)
class Field:
    """One key of a mapping: its identifier (see GLOSSARY), what it holds, whether required."""

    name: str
    kind: Kind | Record | ListOf | GoalTree
    required: bool = True
    default: Any = None

    @property
    def key(self) -> str:
        return GLOSSARY[self.name]


@dataclass(frozen=True)
class Record:
    """A mapping with a fixed set of keys."""

    fields: tuple[Field, ...]


@dataclass(frozen=True)
class ListOf:
    """A list whose items are all `item`."""

    item: Record


@dataclass(frozen=True)
class GoalTree:
    """分解目标: 一级 → 二级 → 三级: 目标值, keyed by the user's names (checked against the
    taxonomy later). A 一级 may carry a 说明; an indicator is a target text or an INDICATOR."""


INDICATOR = Record(
    (
        Field("target", Kind.TARGET),
        Field("explanation", Kind.TEXT, required=False, default=""),
        Field("remark", Kind.TEXT, required=False, default=""),
    )
)
TASK = Record((Field("task_name", Kind.TEXT), Field("task_content", Kind.TEXT)))
BUDGET = Record(
    (
        Field("total", Kind.AMOUNT),
        Field("sources", Record((Field("fiscal", Kind.AMOUNT), Field("other_funds", Kind.AMOUNT)))),
        Field("structure", Record((Field("basic", Kind.AMOUNT), Field("project", Kind.AMOUNT)))),
    )
)
DECLARATION = Record(
    (
        Field("year", Kind.YEAR),
        Field("department", Kind.TEXT),
        Field("consolidated", Kind.BOOL, required=False, default=False),
        Field("subordinate_units", Kind.COUNT),
        Field("duties", Kind.TEXT),
        Field("annual_goal", Kind.TEXT),
        Field("tasks", ListOf(TASK)),
        Field("amount_unit", Kind.UNIT, required=False, default="元"),
        Field("budget", BUDGET),
        Field("year_end_assets", Kind.AMOUNT),
        Field("staff", Kind.COUNT),
        Field("internal_units", Kind.COUNT),
        Field("goals", GoalTree()),
    )
)

_PLACEHOLDER: dict[Kind, Any] = {
    Kind.TEXT: "",
    Kind.YEAR: 0,
    Kind.COUNT: 0,
    Kind.AMOUNT: Decimal(0),
    Kind.BOOL: False,
    Kind.UNIT: "元",
    Kind.TARGET: Target("", None, None, ""),
}
_NULLS = {"", "~", "null", "Null", "NULL"}
_AMOUNT = re.compile(r"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$")
# Amounts are less than 10 万亿元 (more than any department's budget): two of them add up
# exactly in Decimal's 28 digits, and every amount, in 元 with its cents, fits the 15 digits an
# Excel cell holds exactly.
MAX_YUAN = Decimal(10) ** 13
MAX_YUAN_WORDS = "10 万亿元"
MAX_COUNT_DIGITS = 9  # counts (staff, units) up to 999,999,999
_DIGITS_ONLY = "数字只能用 0–9（全角 ０–９ 也可）"
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n", "是", "否"}
_NODE_KIND = {Mapping: "若干“键: 值”", Sequence: "以“- ”开头的列表", Scalar: "单个值"}


def read_declaration(root: Node, source: str) -> tuple[Declaration, list[Diagnostic]]:
    """Read a composed document into a Declaration, with every structural problem found.

    Missing or invalid fields get placeholders so that later checks still run; a declaration
    with any diagnostic is never rendered.
    """
    reader = _Reader(source)
    values = reader.read(root, DECLARATION, "")
    budget = values["budget"]
    declaration = Declaration(
        source=source,
        slug=Path(source).stem,
        year=values["year"],
        department=values["department"],
        consolidated=values["consolidated"],
        subordinate_units=values["subordinate_units"],
        duties=values["duties"],
        annual_goal=values["annual_goal"],
        tasks=tuple(
            Task(t["task_name"], t["task_content"], reader.locations[path])
            for path, t in values["tasks"]
        ),
        amount_unit=values["amount_unit"],
        budget=Budget(
            total=budget["total"],
            fiscal=budget["sources"]["fiscal"],
            other_funds=budget["sources"]["other_funds"],
            basic=budget["structure"]["basic"],
            project=budget["structure"]["project"],
        ),
        year_end_assets=values["year_end_assets"],
        staff=values["staff"],
        internal_units=values["internal_units"],
        goals=values["goals"],
        locations=reader.locations,
    )
    return declaration, reader.diagnostics


@dataclass
class _Reader:
    source: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    locations: dict[str, Location] = field(default_factory=dict)
    # The declaration's 金额单位, which bounds its amounts. It is read before them: fields are
    # read in the order DECLARATION lists them, not in the order of the file.
    unit: AmountUnit = field(default_factory=base_unit)

    def report(self, loc: Location, code: str, message: str, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(loc, code, message, hint))

    def read(self, node: Node, kind: Kind | Record | ListOf | GoalTree, path: str) -> Any:
        """Read `node` as `kind`; `path` names it in messages and in `locations`."""
        if isinstance(node, Rejected):  # already reported by the loader
            return self.placeholder(kind)
        if path and not isinstance(kind, Kind):
            self.locations.setdefault(path, node.loc)
        if isinstance(kind, Record):
            return self._record(node, kind, path)
        if isinstance(kind, ListOf):
            return self._list(node, kind, path)
        if isinstance(kind, GoalTree):
            return self._goals(node, path)
        return self._scalar(node, kind, path)

    def placeholder(self, kind: Kind | Record | ListOf | GoalTree) -> Any:
        if isinstance(kind, Record):
            return {
                f.name: f.default if not f.required else self.placeholder(f.kind)
                for f in kind.fields
            }
        if isinstance(kind, ListOf):
            return []
        if isinstance(kind, GoalTree):
            return ()
        return _PLACEHOLDER[kind]

    def _expect(self, node: Node, wanted: type, path: str) -> bool:
        if isinstance(node, wanted):
            return True
        if isinstance(node, Rejected):
            return False
        hint = _shape_hint(wanted)
        if isinstance(node, Scalar) and wanted is Mapping and "：" in node.text:
            hint = "键和值之间要用英文冒号“: ”，不能用中文冒号“：”"
        self.report(
            node.loc,
            "E103",
            f"“{_label(path)}”应为{_NODE_KIND[wanted]}，这里是{_NODE_KIND[type(node)]}",
            hint,
        )
        return False

    def _record(self, node: Node, record: Record, path: str) -> dict[str, Any]:
        if _is_null(node):
            self.report(node.loc, "E102", f"“{_label(path)}”没有填写")
            return dict(self.placeholder(record))
        if not self._expect(node, Mapping, path):
            return dict(self.placeholder(record))
        assert isinstance(node, Mapping)
        by_key = {f.key: f for f in record.fields}
        given: dict[str, Node] = {}
        key_locs: dict[str, Location] = {}
        misspelt: set[str] = set()  # keys an unknown key probably meant: not reported missing
        for key, value in node.items:
            name = key.text.strip()
            if name in by_key:
                given[name] = value
                key_locs[name] = key.loc
                continue
            close = _closest(name, [k for k in by_key if k not in given])
            if close:
                misspelt.add(close)
            hint = f"是否应为“{close}”？" if close else "可用的键：" + "、".join(by_key)
            self.report(key.loc, "E101", f"未知的键“{key.text}”", hint)
        values: dict[str, Any] = {}
        for f in record.fields:
            child_path = f"{path}.{f.key}" if path else f.key
            child = given.get(f.key)
            if child is not None and not (_is_null(child) and not f.required):
                if not isinstance(f.kind, Kind):  # a group is found by its key's line
                    self.locations[child_path] = key_locs[f.key]
                values[f.name] = self.read(child, f.kind, child_path)
            elif f.required and f.key in misspelt:
                values[f.name] = self.placeholder(f.kind)
            elif f.required:
                where = child.loc if child is not None else node.loc
                self.report(where, "E102", f"缺少必填项“{child_path}”")
                values[f.name] = self.placeholder(f.kind)
            else:
                values[f.name] = f.default
        return values

    def _list(self, node: Node, of: ListOf, path: str) -> list[tuple[str, dict[str, Any]]]:
        if not self._expect(node, Sequence, path):
            return []
        assert isinstance(node, Sequence)
        items = []
        for index, item in enumerate(node.items, start=1):
            item_path = f"{path}[{index}]"
            items.append((item_path, self.read(item, of.item, item_path)))
        return items

    def _scalar(self, node: Node, kind: Kind, path: str) -> Any:
        if not self._expect(node, Scalar, path):
            return _PLACEHOLDER[kind]
        assert isinstance(node, Scalar)
        text = node.text.strip()
        what = f"“{_label(path)}”" + ("的指标目标值" if kind is Kind.TARGET else "")
        if not text or (not node.quoted and text in _NULLS):
            self.report(node.loc, "E102", f"{what}没有填写")
            return _PLACEHOLDER[kind]
        value = _convert_scalar(text, node.quoted, kind, self.unit)
        if isinstance(value, _Problem):
            self.report(node.loc, value.code, f"“{_label(path)}”{value.message}", value.hint)
            return _PLACEHOLDER[kind]
        if kind is Kind.UNIT:
            self.unit = amount_units()[value]
        if path:  # only values that were written and understood; checks skip the others
            self.locations[path] = node.loc
        return value

    def _goals(self, node: Node, path: str) -> tuple[Level1, ...]:
        if not self._expect(node, Mapping, path):
            return ()
        assert isinstance(node, Mapping)
        return tuple(
            self._level1(key, value, f"{path}.{key.text.strip()}") for key, value in node.items
        )

    def _level1(self, key: Scalar, node: Node, path: str) -> Level1:
        note = ""
        children: list[Level2] = []
        if not _is_null(node) and self._expect(node, Mapping, path):
            assert isinstance(node, Mapping)
            for k2, v2 in node.items:
                if k2.text.strip() == GLOSSARY["note"]:
                    note = self.read(v2, Kind.TEXT, f"{path}.{GLOSSARY['note']}")
                else:
                    children.append(self._level2(k2, v2, f"{path}.{k2.text.strip()}"))
        return Level1(key.text.strip(), note, tuple(children), key.loc)

    def _level2(self, key: Scalar, node: Node, path: str) -> Level2:
        indicators: list[Indicator] = []
        if _is_null(node):
            self.locations[path] = key.loc
        elif self._expect(node, Mapping, path):
            assert isinstance(node, Mapping)
            self.locations[path] = key.loc
            indicators = [
                self._indicator(k3, v3, f"{path}.{k3.text.strip()}") for k3, v3 in node.items
            ]
        return Level2(key.text.strip(), tuple(indicators), key.loc)

    def _indicator(self, key: Scalar, node: Node, path: str) -> Indicator:
        if isinstance(node, Mapping):
            values = self._record(node, INDICATOR, path)
        else:
            values = {"target": self.read(node, Kind.TARGET, path), "explanation": "", "remark": ""}
        return Indicator(
            key.text.strip(), values["target"], values["explanation"], values["remark"], key.loc
        )


@dataclass(frozen=True)
class _Problem:
    code: str
    message: str
    hint: str = ""


def _convert_scalar(text: str, quoted: bool, kind: Kind, unit: AmountUnit) -> Any:
    """The value of a non-empty scalar for `kind` (amounts in `unit`), or the problem with it."""
    if kind is Kind.TEXT:
        return text
    if kind is Kind.TARGET:
        parsed = parse_target(text)
        if isinstance(parsed, TargetError):
            return _Problem("E401", f"的{parsed.message}", parsed.hint)
        return parsed
    if kind is Kind.BOOL:
        if not quoted and text in ("true", "false", "True", "False"):
            return text.lower() == "true"
        hint = "写 true（是）或 false（否）"
        if text.lower() in _YAML11_BOOLS - {"是", "否"}:
            hint += "；yes/no/on/off 在不同软件里含义不一，这里不接受"
        return _Problem("E104", f"应为 true 或 false，这里是“{text}”", hint)
    if kind is Kind.UNIT:
        units = amount_units()
        if text in units:
            return text
        return _Problem("E104", f"不是可用的金额单位：“{text}”", "可用：" + "、".join(units))
    folded = unicodedata.normalize("NFKC", text)
    if kind in (Kind.COUNT, Kind.YEAR):
        return _convert_integer(folded, kind)
    return _convert_amount(folded, unit)


def _convert_integer(text: str, kind: Kind) -> int | _Problem:
    shown = excerpt(text)
    if re.fullmatch(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*", text):
        return _Problem("E104", f"应为{kind.value}，这里是日期“{shown}”", "只写年份，例如 2023")
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        example = "例如 2023" if kind is Kind.YEAR else "例如 26"
        if _has_other_digits(text):
            hint = f"{_DIGITS_ONLY}，{example}"
        elif kind is Kind.YEAR:
            hint = "只写年份，例如 2023"
        else:
            hint = "用阿拉伯数字书写，例如 26"
        return _Problem("E104", f"应为{kind.value}，这里是“{shown}”", hint)
    digits = text.lstrip("+-").lstrip("0") or "0"  # never int() of a huge text: see the bounds
    if text.startswith("+"):
        return _Problem("E104", f"不能带 + 号：“{shown}”", f"去掉 + 号，写 {excerpt(digits)}")
    if text.startswith("-"):
        return _Problem("E104", f"不能为负数：{shown}")
    if len(text) > 1 and text.startswith("0"):
        return _Problem(
            "E104",
            f"的值“{shown}”以 0 开头",
            f"去掉开头的 0，写 {excerpt(digits)}（有的软件会把 {shown} 读成另一个数）",
        )
    if kind is Kind.YEAR and (len(digits) > 4 or int(digits) not in YEARS):
        return _Problem(
            "E104",
            f"应在 {YEARS[0]} 到 {YEARS[-1]} 之间，这里是 {shown}",
            f"{YEARS_REASON}；写四位年份，例如 2023",
        )
    if len(digits) > MAX_COUNT_DIGITS:
        return _Problem(
            "E104", f"不能超过 {10**MAX_COUNT_DIGITS - 1:,}，这里是 {shown}", "核对数字的位数"
        )
    return int(digits)


def parse_amount(text: str) -> Decimal | None:
    """An amount as written on a form (18,417,248.00, full-width digits, a `+` too), or None.
    Not bounded: an import keeps the form's figures and `check` says what is wrong."""
    folded = unicodedata.normalize("NFKC", text.strip()).removeprefix("+")
    value = _convert_amount(folded, None)
    return value if isinstance(value, Decimal) else None


def _convert_amount(text: str, unit: AmountUnit | None) -> Decimal | _Problem:
    """The amount `text` in `unit` (None: unbounded), or the problem with it."""
    shown = excerpt(text)
    if _AMOUNT.fullmatch(text):
        if text.startswith("+"):
            return _Problem("E104", f"不能带 + 号：“{shown}”", f"去掉 + 号，写 {excerpt(text[1:])}")
        value = Decimal(text.replace(",", ""))
        if unit is not None and abs(value) >= MAX_YUAN / unit.in_yuan:
            limit = int(MAX_YUAN / unit.in_yuan)
            return _Problem(
                "E104",
                f"超出上限：须小于 {limit:,} {unit.name}（即 {MAX_YUAN_WORDS}），这里是 {shown}",
                "核对数字的位数和金额单位",
            )
        return value
    if re.fullmatch(r"[+-]?[0-9.]+[eE][+-]?[0-9]+", text):
        return _Problem("E104", f"不能用科学计数法：“{shown}”", "把金额完整写出，例如 1000.00")
    hint = '例如 18417248.00 或 "18,417,248.00"'
    if _has_other_digits(text):
        hint = f"{_DIGITS_ONLY}，例如 18417248.00"
    return _Problem("E104", f"应为金额，这里是“{shown}”", hint)


def _has_other_digits(text: str) -> bool:
    """Whether `text` has decimal digits of another script (Arabic-Indic ١, Devanagari ३ …):
    Python would read them as numbers, but they are not what the form prints."""
    return any(ch.isdecimal() and not "0" <= ch <= "9" for ch in text)


def _is_null(node: Node) -> bool:
    return isinstance(node, Scalar) and not node.quoted and node.text.strip() in _NULLS


def _label(path: str) -> str:
    return path.rsplit(".", 1)[-1] if path else "申报"


def _shape_hint(wanted: type) -> str:
    if wanted is Mapping:
        return "在下一行缩进写出“键: 值”"
    if wanted is Sequence:
        return "每项以“- ”开头"
    return ""


def _closest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    return close[0] if close else ""
