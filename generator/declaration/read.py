"""Reading located YAML nodes into the model, by the declaration's form kind: unknown keys
(with "did you mean"), missing keys, wrong shapes and each scalar's syntax.

The file names its kind (表样); the kind's field definitions say what every key holds. Scalars
arrive as the text the user wrote; each field's type decides what the text may be, so YAML 1.1's
guesses (`no` → False, `0123` → 83, `1e3`, dates) never become data. Numbers are written in the
digits 0–9 (full-width ones are folded to them; other forms such as ¹ ⑳ 𝟏 are refused), without
a `+`, and are bounded: years to those a
package can be dated (YEARS), counts to 9 digits, amounts to less than 10 万亿元, so that every
sum is exact and every number fits an Excel cell. Fields that are not written are absent from
the model, not zero.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from generator.declaration.load import Mapping, Node, Rejected, Scalar, Sequence, colon_hint
from generator.declaration.model import (
    FRAMEWORK_KEY,
    KIND_KEY,
    NOTE_KEY,
    QUALITATIVE,
    QUANTITATIVE,
    YEARS,
    YEARS_REASON,
    Declaration,
    Goals,
    Indicator,
    Level1,
    Level2,
    Record,
    Target,
    Value,
)
from generator.declaration.places import output_slug
from generator.declaration.targets import TargetError, other_digit, parse_target
from generator.errors import Diagnostic, Location, excerpt
from generator.kinds import FormKind, Framework, form_kinds, frameworks
from generator.kinds.spec import FieldSpec, FieldType
from generator.kinds.vocabulary import AmountUnit, amount_units, base_unit

_NULLS = {"", "~", "null", "Null", "NULL"}
_AMOUNT = re.compile(r"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$")
# Amounts are less than 10 万亿元 (more than any department's budget): sums are exact in
# Decimal's 28 digits, and every amount, in 元 with its cents, fits the 15 digits an Excel cell
# holds exactly.
MAX_YUAN = Decimal(10) ** 13
MAX_YUAN_WORDS = "10 万亿元"
MAX_COUNT_DIGITS = 9  # counts (staff, units) up to 999,999,999
_DIGITS_ONLY = "数字只能用 0–9（全角 ０–９ 也可）"
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n", "是", "否"}
_NODE_KIND = {Mapping: "若干“键: 值”", Sequence: "以“- ”开头的列表", Scalar: "单个值"}
_DATE = re.compile(
    r"^([0-9]{4})\s*(?:[-./]|年)\s*([0-9]{1,2})\s*(?:[-./]|月)\s*([0-9]{1,2})\s*日?$"
)
# What a date may be written with, besides white space (read as the reader folds them: NFKC).
_DATE_CHARACTERS = frozenset("0123456789０１２３４５６７８９年月日-./－．／")
_DATE_WRITING = "日期只能用数字 0–9（全角 ０–９ 也可）和 年、月、日、-、.、/ 写"
_TYPE_WORDS = {
    FieldType.YEAR: "年份",
    FieldType.INTEGER: "非负整数",
    FieldType.NUMBER: "数字",
    FieldType.AMOUNT: "金额",
    FieldType.PERCENT: "百分比",
}


def read_declaration(root: Node, source: str) -> tuple[Declaration | None, list[Diagnostic]]:
    """Read a composed document into a Declaration, with every structural problem found.

    Without a known 表样 nothing more can be read (None). Otherwise a declaration is always
    returned; one with any error is never rendered.
    """
    reader = _Reader(source)
    if not reader.expect(root, Mapping, ""):
        return None, reader.diagnostics
    assert isinstance(root, Mapping)
    kind = reader.kind(root)
    if kind is None:
        return None, reader.diagnostics
    framework = reader.framework(root, kind)
    reader.framework_in_use = framework
    reader.kind_in_use = kind
    reader.unit = _unit_of(root, kind)
    values = reader.record(root, kind.root, "", meta=True) or Record()
    declaration = Declaration(
        source=source,
        slug=output_slug(source, kind.category),
        kind=kind,
        framework=framework,
        values=values,
        locations=reader.locations,
    )
    return declaration, reader.diagnostics


@dataclass
class _Reader:
    source: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    locations: dict[str, Location] = field(default_factory=dict)
    kind_in_use: FormKind | None = None
    framework_in_use: Framework | None = None
    # The declaration's 金额单位, which bounds its amounts: read before them, wherever the
    # file writes it.
    unit: AmountUnit = field(default_factory=base_unit)
    indicator_name: str = ""  # the 三级 being read, for messages about its target
    # Whether the 三级 being read declares itself 定性 (指标值类型), so that its target is
    # kept as written even when it reads as a number; and whether it did (W402).
    declared_qualitative: bool = False
    read_as_number: bool = False

    def report(self, loc: Location, code: str, message: str, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(loc, code, message, hint))

    # -- the kind and the framework -----------------------------------------------------------

    def kind(self, root: Mapping) -> FormKind | None:
        kinds = form_kinds()
        written = _meta(root, KIND_KEY)
        listed = "、".join(kinds)
        hint = f"在第一行写明表样，例如“{KIND_KEY}: {next(iter(kinds))}”；可用：{listed}"
        if written is None:
            self.report(root.loc, "E102", f"缺少“{KIND_KEY}”", hint)
            return None
        node = written[1]
        self.locations[KIND_KEY] = node.loc
        if isinstance(node, Scalar) and (_is_null(node) or not node.text.strip()):
            self.report(node.loc, "E102", f"“{KIND_KEY}”没有填写", hint)
            return None
        if not isinstance(node, Scalar):
            self.report(node.loc, "E104", f"“{KIND_KEY}”应为表样的名称", f"可用：{listed}")
            return None
        name = node.text.strip()
        if name not in kinds:
            self.report(node.loc, "E104", f"未知的表样“{name}”", _suggest(name, list(kinds)))
            return None
        return kinds[name]

    def framework(self, root: Mapping, kind: FormKind) -> Framework:
        known = frameworks()
        written = _meta(root, FRAMEWORK_KEY)
        if written is None:
            return known[kind.framework]
        _, node = written
        self.locations[FRAMEWORK_KEY] = node.loc
        name = node.text.strip() if isinstance(node, Scalar) else ""
        if name in known:
            return known[name]
        self.report(node.loc, "E104", f"未知的指标体系“{name}”", _suggest(name, list(known)))
        return known[kind.framework]

    # -- shapes -------------------------------------------------------------------------------

    def expect(self, node: Node, wanted: type, path: str) -> bool:
        if isinstance(node, wanted):
            return True
        if isinstance(node, Rejected):
            return False
        hint = _shape_hint(wanted)
        if isinstance(node, Scalar) and wanted is Mapping and "：" in node.text:
            hint = "键和值之间要用英文冒号“: ”，不能用中文冒号“：”"
        elif isinstance(node, Scalar) and wanted is Mapping and colon_hint(node.text):
            hint = colon_hint(node.text)
        self.report(
            node.loc,
            "E103",
            f"“{_label(path)}”应为{_NODE_KIND[wanted]}，这里是{_NODE_KIND[type(node)]}",
            hint,
        )
        return False

    def read(self, node: Node, spec: FieldSpec, path: str) -> Value | None:
        """`node` as a value of `spec`, or None when it is not usable (reported)."""
        if isinstance(node, Rejected):  # already reported by the loader
            return None
        if spec.type is FieldType.GROUP:
            if spec.shorthand and isinstance(node, Scalar) and not _is_null(node):
                self.locations.setdefault(path, node.loc)
                value = self.read(
                    node, spec.child(spec.shorthand) or spec, f"{path}.{spec.shorthand}"
                )
                return Record({spec.shorthand: value}) if value is not None else None
            return self.record(node, spec, path)
        if spec.type is FieldType.LIST:
            return self.sequence(node, spec, path)
        if spec.type is FieldType.TEXTS:
            return self.texts(node, spec, path)
        if spec.type is FieldType.INDICATORS:
            return self.goals(node, path)
        if spec.type is FieldType.TARGET:
            return self.target(node, spec, path)
        return self.scalar(node, spec, path)

    def record(self, node: Node, spec: FieldSpec, path: str, meta: bool = False) -> Record | None:
        if _is_null(node):
            self.report(node.loc, "E102", f"“{_label(path)}”没有填写")
            return None
        if not self.expect(node, Mapping, path):
            return None
        assert isinstance(node, Mapping)
        if path:
            self.locations.setdefault(path, node.loc)
        by_key = spec.keys
        given: dict[str, tuple[Scalar, Node]] = {}
        misspelt: set[str] = set()  # keys an unknown key probably meant: not reported missing
        for key, value_node in node.items:
            name = key.text.strip()
            if meta and name in (KIND_KEY, FRAMEWORK_KEY):
                continue
            target = by_key.get(name)
            if target is not None and target.key not in given:
                given[target.key] = (key, value_node)
                continue
            if target is not None:  # an alias of a key given already
                first = given[target.key][0]
                self.report(
                    key.loc,
                    "E002",
                    f"重复的键“{name}”（与第 {first.loc.line} 行的“{first.text.strip()}”是同一项）",
                    "删除或合并其中一项",
                )
                continue
            close = _closest(name, [k for k, f in by_key.items() if f.key not in given])
            if close:
                misspelt.add(by_key[close].key)
            hint = (
                f"是否应为“{close}”？"
                if close
                else "可用的键：" + "、".join(f.key for f in spec.fields)
            )
            if _THOUSANDS_TAIL.fullmatch(key.text.strip()):
                hint = (
                    "这像是被逗号断开的金额：在 { } 里，千位分隔的逗号会把金额断开；"
                    "去掉逗号（2319.50），或把这一组分行写"
                )
            self.report(key.loc, "E101", f"未知的键“{key.text}”", hint)
        values: dict[str, Value] = {}
        for child in spec.fields:
            child_path = f"{path}.{child.key}" if path else child.key
            written = given.get(child.key)
            if written is not None and _is_blank(written[1], child):
                # Written blank, or an empty list or mapping: absent when optional, E102 when
                # required (an empty list prints an empty table and adds up to 0).
                if child.required:
                    self.report(
                        written[1].loc,
                        "E102",
                        f"“{_label(child_path)}”没有填写",
                        _BLANK_HINTS.get(child.type, ""),
                    )
            elif written is not None:
                key_node, value_node = written
                if child.type in (
                    FieldType.GROUP,
                    FieldType.LIST,
                    FieldType.TEXTS,
                    FieldType.INDICATORS,
                ):
                    self.locations[child_path] = key_node.loc  # a block is found by its key
                value = self.read(value_node, child, child_path)
                if value is not None:
                    values[child.key] = value
            elif child.required and child.key not in misspelt:
                where = written[1].loc if written is not None else node.loc
                self.report(where, "E102", f"缺少必填项“{child_path}”")
        return Record(values)

    def sequence(self, node: Node, spec: FieldSpec, path: str) -> tuple[Record, ...] | None:
        if not self.expect(node, Sequence, path):
            return None
        assert isinstance(node, Sequence)
        items = []
        for index, item in enumerate(node.items, start=1):
            item_path = f"{path}[{index}]"
            if not isinstance(item, Rejected):
                self.locations[item_path] = item.loc
            record = self.record(item, spec, item_path)
            if record is not None:
                items.append(record)
        return tuple(items)

    def texts(self, node: Node, spec: FieldSpec, path: str) -> tuple[str, ...] | None:
        if isinstance(node, Scalar) and not _is_null(node):  # one text: a list of one
            text = self.scalar(node, _as_text(spec), f"{path}[1]")
            return (text,) if isinstance(text, str) else None
        if not self.expect(node, Sequence, path):
            return None
        assert isinstance(node, Sequence)
        found = []
        for index, item in enumerate(node.items, start=1):
            text = self.scalar(item, _as_text(spec), f"{path}[{index}]")
            if isinstance(text, str):
                found.append(text)
        return tuple(found)

    # -- scalars ------------------------------------------------------------------------------

    def scalar(self, node: Node, spec: FieldSpec, path: str) -> Value | None:
        if isinstance(node, Rejected) or not self.expect(node, Scalar, path):
            return None
        assert isinstance(node, Scalar)
        text = node.text.strip()
        if not text or (not node.quoted and text in _NULLS):
            self.report(node.loc, "E102", f"“{_label(path)}”没有填写")
            return None
        value = self.convert(text, node.quoted, spec)
        if isinstance(value, _Problem):
            self.report(node.loc, value.code, f"“{_label(path)}”{value.message}", value.hint)
            return None
        self.locations[path] = node.loc
        return value

    def convert(self, text: str, quoted: bool, spec: FieldSpec) -> Value | _Problem:
        """The value of a non-empty scalar for `spec`, or the problem with it."""
        kind = spec.type
        if kind in (FieldType.TEXT, FieldType.LONG_TEXT):
            return text
        if kind is FieldType.BOOL:
            if not quoted and text in ("true", "false", "True", "False"):
                return text.lower() == "true"
            hint = "写 true（是）或 false（否）"
            if text.lower() in _YAML11_BOOLS - {"是", "否"}:
                hint += "；yes/no/on/off 在不同软件里含义不一，这里不接受"
            return _Problem("E104", f"应为 true 或 false，这里是“{text}”", hint)
        if kind is FieldType.UNIT:
            units = amount_units()
            if text in units:
                return text
            return _Problem("E104", f"不是可用的金额单位：“{text}”", "可用：" + "、".join(units))
        if kind is FieldType.CHOICE:
            if text in spec.options:
                return text
            return _Problem(
                "E104",
                f"应为 {'、'.join(spec.options)} 之一，这里是“{text}”",
                _suggest(text, list(spec.options)),
            )
        # Full-width digits are read as 0–9; digits of other forms (¹, ⑳, 𝟏, ١) are not folded,
        # so that they are refused here rather than read as another number.
        folded = text if other_digit(text) else unicodedata.normalize("NFKC", text)
        if kind is FieldType.DATE:
            return _convert_date(text)
        if kind in (FieldType.INTEGER, FieldType.YEAR):
            return _convert_integer(folded, kind)
        if kind is FieldType.PERCENT:
            return _convert_number(folded.removesuffix("%").strip(), kind)
        if kind is FieldType.NUMBER:
            return _convert_number(folded, kind)
        return _convert_amount(folded, self.unit)

    # -- the indicator tree -------------------------------------------------------------------

    def goals(self, node: Node, path: str) -> Goals | None:
        if not self.expect(node, Mapping, path):
            return None
        assert isinstance(node, Mapping)
        return Goals(
            tuple(
                self.level1(key, value, f"{path}.{key.text.strip()}") for key, value in node.items
            )
        )

    def level1(self, key: Scalar, node: Node, path: str) -> Level1:
        note = ""
        children: list[Level2] = []
        name = key.text.strip()
        spec = self.framework_in_use.find(name) if self.framework_in_use else None
        if not _is_null(node) and self.expect(node, Mapping, path):
            assert isinstance(node, Mapping)
            for k2, v2 in node.items:
                if k2.text.strip() == NOTE_KEY:
                    text = self.scalar(v2, _TEXT, f"{path}.{NOTE_KEY}")
                    note = text if isinstance(text, str) else ""
                else:
                    children.append(self.level2(k2, v2, f"{path}.{k2.text.strip()}", spec))
        return Level1(name, spec.name if spec else name, note, tuple(children), key.loc)

    def level2(self, key: Scalar, node: Node, path: str, level1: Any) -> Level2:
        indicators: list[Indicator] = []
        name = key.text.strip()
        found = level1.find(name) if level1 is not None else None
        if _is_null(node):
            self.locations[path] = key.loc
        elif self.expect(node, Mapping, path):
            assert isinstance(node, Mapping)
            self.locations[path] = key.loc
            for k3, v3 in node.items:
                indicator = self.indicator(k3, v3, f"{path}.{k3.text.strip()}")
                if indicator is not None:
                    indicators.append(indicator)
        return Level2(name, found or name, tuple(indicators), key.loc)

    def indicator(self, key: Scalar, node: Node, path: str) -> Indicator | None:
        kind = self.kind_in_use
        assert kind is not None
        target_spec = kind.role_field("target", kind.indicator)
        assert target_spec is not None
        name = key.text.strip()
        self.indicator_name = name
        self.locations[path] = key.loc
        declared = kind.role_field("target_kind", kind.indicator)
        stated_node = (
            _child_node(node, declared) if isinstance(node, Mapping) and declared else None
        )
        self.declared_qualitative = (
            isinstance(stated_node, Scalar) and stated_node.text.strip() == QUALITATIVE
        )
        self.read_as_number = False
        if isinstance(node, Mapping):
            values = self.record(node, kind.indicator_row, path)
            target_path = f"{path}.{target_spec.key}"
        else:
            target_path = path
            written = self.target(node, target_spec, target_path)
            values = Record({target_spec.key: written}) if written is not None else None
        target = values.get(target_spec.key) if values is not None else None
        if values is None or not isinstance(target, Target):
            return None
        stated = values.get(declared.key) if declared is not None else None
        if declared is not None and stated == QUANTITATIVE and target.qualitative:
            self.report(
                self.locations.get(target_path, key.loc),
                "E402",
                f"“{name}”的{declared.key}为{QUANTITATIVE}，"
                f"但{target_spec.key}“{target.text}”不是数值",
                f'写成 "=数字"，例如 "=100%"；或把{declared.key}改为{QUALITATIVE}',
            )
        elif declared is not None and stated == QUALITATIVE and self.read_as_number:
            self.report(
                self.locations.get(target_path, key.loc),
                "W402",
                f"“{name}”的{declared.key}为{QUALITATIVE}，但{target_spec.key}“{target.text}”"
                f"是数值；按{QUALITATIVE}印出",
                f"若是数值目标，把{declared.key}改为{QUANTITATIVE}",
            )
        return Indicator(name, target, values, key.loc, target.qualitative)

    def target(self, node: Node, spec: FieldSpec, path: str) -> Target | None:
        name = self.indicator_name
        if isinstance(node, Rejected) or not self.expect(node, Scalar, path):
            return None
        assert isinstance(node, Scalar)
        text = node.text.strip()
        if not text or (not node.quoted and text in _NULLS):
            self.report(node.loc, "E102", f"“{name}”的{spec.key}没有填写")
            return None
        parsed = parse_target(text)
        if isinstance(parsed, TargetError):
            self.report(node.loc, parsed.code, f"“{name}”的{spec.key}{parsed.message}", parsed.hint)
            return None
        self.locations[path] = node.loc
        if self.declared_qualitative and not parsed.target.qualitative:
            # 定性 declared: printed and kept as written, not as it would read (W402)
            self.read_as_number = True
            return Target(text=text, operator=None, number=None, unit="")
        if parsed.assumed:
            read_as = parsed.target.text
            how, hint = _ASSUMED[parsed.assumed]
            how = parsed.how or how
            self.report(
                node.loc,
                parsed.assumed,
                f"“{name}”的{spec.key}“{text}”{how}，按“{read_as}”读取",
                hint.format(read_as=read_as, text=text),
            )
        return parsed.target


_TEXT = FieldSpec("", FieldType.TEXT, "")
# What to write in a required block left unfilled (E102).
_BLANK_HINTS = {
    FieldType.LIST: "至少写一项，每项以“- ”开头",
    FieldType.TEXTS: "至少写一项，每项以“- ”开头",
    FieldType.GROUP: "在下一行缩进写出“键: 值”",
}
# The rest of an amount that a comma inside `{ }` cut off (`{金额: 2,319.50}`): "319.50".
_THOUSANDS_TAIL = re.compile(r"[0-9]{3}(?:,[0-9]{3})*(?:\.[0-9]+)?")
# How an inferred reading of a target is told (targets.Parsed.assumed): what was odd, the hint.
_ASSUMED = {
    "W401": ("没有运算符", 'fmt 会写成 "{read_as}"；若是下限或上限，写 ">={text}" 或 "<={text}"'),
    "W405": ("两边是中文引号", '写成 "{read_as}"（英文引号或不加引号）；fmt 会改写'),
    "W406": ("用文字写了运算符", '写成 "{read_as}"；fmt 会改写'),
}


def _as_text(spec: FieldSpec) -> FieldSpec:
    return FieldSpec(spec.key, FieldType.LONG_TEXT, spec.help)


def _unit_of(root: Mapping, kind: FormKind) -> AmountUnit:
    """The 金额单位 the file writes (or its kind's), looked up before any amount is read."""
    units = amount_units()
    path = kind.role_path("amount_unit")
    written = _meta(root, path) if path and "." not in path else None
    if written is not None and isinstance(written[1], Scalar):
        name = written[1].text.strip()
        if name in units:
            return units[name]
    return units[kind.amount_unit]


def _meta(root: Mapping, key: str) -> tuple[Scalar, Node] | None:
    return next(((k, v) for k, v in root.items if k.text.strip() == key), None)


def _child_node(node: Mapping, spec: FieldSpec) -> Node | None:
    names = (spec.key, *spec.aliases)
    return next((v for k, v in node.items if k.text.strip() in names), None)


@dataclass(frozen=True)
class _Problem:
    code: str
    message: str
    hint: str = ""


def _convert_integer(text: str, kind: FieldType) -> int | _Problem:
    word = _TYPE_WORDS[kind]
    shown = excerpt(text)
    if re.fullmatch(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*", text):
        return _Problem("E104", f"应为{word}，这里是日期“{shown}”", "只写年份，例如 2023")
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        example = "例如 2023" if kind is FieldType.YEAR else "例如 26"
        if _has_other_digits(text):
            hint = f"{_DIGITS_ONLY}，{example}"
        elif kind is FieldType.YEAR:
            hint = "只写年份，例如 2023"
        else:
            hint = "用阿拉伯数字书写，例如 26"
        return _Problem("E104", f"应为{word}，这里是“{shown}”", hint)
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
    if kind is FieldType.YEAR and (len(digits) > 4 or int(digits) not in YEARS):
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


def _convert_number(text: str, kind: FieldType) -> Decimal | _Problem:
    if re.fullmatch(r"[0-9]{1,15}(?:\.[0-9]{1,6})?", text):
        return Decimal(text)
    word = _TYPE_WORDS[kind]
    example = "例如 95.00%" if kind is FieldType.PERCENT else "例如 10 或 2.5"
    if _has_other_digits(text):
        example = f"{_DIGITS_ONLY}，{example}"
    return _Problem("E104", f"应为{word}，这里是“{excerpt(text)}”", example)


def _convert_date(written: str) -> date | _Problem:
    """A date in the years a declaration may be for (YEARS): a form dated 0024 or 9999 is a
    typing error, not a date to print. Written with digits, 年月日 and -./ only (full-width
    forms too): NFKC would also read ㏠ as 1日 or ㋋ as 12月, and `new-year`, which rewrites a
    date where it is written, needs each of its characters to be one of the date's."""
    if _has_other_digits(written):
        hint = f"{_DIGITS_ONLY}，例如 2024-01-15"
        return _Problem("E104", f"应为日期，这里是“{excerpt(written)}”", hint)
    if not all(ch.isspace() or ch in _DATE_CHARACTERS for ch in written):
        hint = f"{_DATE_WRITING}，例如 2024-01-15"
        return _Problem("E104", f"应为日期，这里是“{excerpt(written)}”", hint)
    text = unicodedata.normalize("NFKC", written)
    match = _DATE.fullmatch(text)
    shown = excerpt(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        if year not in YEARS:
            return _Problem(
                "E104",
                f"的年份应在 {YEARS[0]} 到 {YEARS[-1]} 之间，这里是“{shown}”",
                "核对年份（范围与年度相同），例如 2024-01-15",
            )
        try:
            return date(year, month, day)
        except ValueError:
            pass
    return _Problem("E104", f"应为日期，这里是“{shown}”", "例如 2024-01-15 或 2024年1月15日")


def parse_amount(text: str) -> Decimal | None:
    """An amount as written on a form (18,417,248.00, full-width digits, a `+` too), or None.
    Not bounded: an import keeps the form's figures and `check` says what is wrong."""
    if other_digit(text):
        return None
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
    """Whether `text` has digits other than 0–9 and ０–９ (Arabic-Indic ١, superscript ¹,
    circled ⑳, 𝟏 …): Python or NFKC would read them as numbers, but they are not what the form
    prints."""
    return bool(other_digit(text))


def _is_null(node: Node) -> bool:
    return isinstance(node, Scalar) and not node.quoted and node.text.strip() in _NULLS


def _is_blank(node: Node, spec: FieldSpec) -> bool:
    """Whether `node` leaves the field `spec` unfilled: blank, or an empty list (`[]`) where a
    list belongs, an empty mapping (`{}`) where a group does."""
    if spec.type in (FieldType.LIST, FieldType.TEXTS) and isinstance(node, Sequence):
        return not node.items
    if spec.type is FieldType.GROUP and isinstance(node, Mapping):
        return not node.items
    return _is_null(node)


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


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.4)
    return f"是否应为“{close[0]}”？" if close else "可用：" + "、".join(known)
