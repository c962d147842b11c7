"""The domain's small vocabularies, read from the package's data files: amount units, target
operators, the characters refused as invisible. Code asks here; no list of domain words is
written in Python."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from generator.config import ConfigError, Value, read_config

DATA = Path(__file__).resolve().parent.parent / "data"


def load_data(name: str) -> Any:
    """A data file of the package, parsed; a ConfigError (with the file) when it cannot be."""
    return read_config(DATA / name).raw


@dataclass(frozen=True)
class AmountUnit:
    """A 金额单位: its name; the decimal places an amount may have and the fewest it prints
    with (a form prints all its amounts with as many as its most precise one needs, never
    fewer: nothing is rounded); its label on the forms; and what one of it is worth in 元."""

    name: str
    places: int
    print_places: int
    label: str
    in_yuan: Decimal


@cache
def amount_units() -> dict[str, AmountUnit]:
    """金额单位 name → unit."""
    raw = read_config(DATA / "units.yaml")
    units = {}
    for name, spec in raw.mapping().items():
        places = spec.get("places").integer(0, 6)
        print_places = spec.optional("print_places", places).integer(0, places)
        units[name] = AmountUnit(
            name, places, print_places, spec.get("label").text(), spec.get("in_yuan").decimal()
        )
    if not any(unit.in_yuan == 1 for unit in units.values()):
        raise ConfigError(f"{raw.file}: 没有 in_yuan 为 1 的单位（金额换算成元时要用它）")
    return units


def base_unit() -> AmountUnit:
    """The unit worth 1 元: what amounts in different units are converted to."""
    return next(unit for unit in amount_units().values() if unit.in_yuan == 1)


def in_unit(value: Decimal, unit: str, target: AmountUnit) -> Decimal:
    """`value` given in `unit`, expressed in `target` (exactly: 1 万元 = 10000 元)."""
    return value * amount_units()[unit].in_yuan / target.in_yuan


# The operators a target is read with, as printed: what comparisons, lint and the style file's
# `operators` understand. operators.yaml maps every spelling to one of them.
OPERATORS = frozenset({"=", ">=", "<=", ">", "<", "≠"})
# The characters a target's operator is written with, after full-width forms are folded and
# spaces dropped: a spelling of any other character could never be met.
OPERATOR_CHARACTERS = "<>=≥≤≠!"


@cache
def operators() -> dict[str, str]:
    """Operator as written (half-width, no spaces) → operator as printed."""
    raw = read_config(DATA / "operators.yaml")
    found = {}
    for written, printed in raw.mapping().items():
        if not written or any(ch not in OPERATOR_CHARACTERS for ch in written):
            raise printed.fail(
                f"不是运算符的写法：只能由 {' '.join(OPERATOR_CHARACTERS)} 组成"
                "（空格和全角写法在查找前已去掉）"
            )
        text = printed.text()
        if text not in OPERATORS:
            usable = "、".join(sorted(OPERATORS))
            raise printed.fail(f"应为运算符 {usable} 之一，而不是“{text}”")
        found[written] = text
    return found


@cache
def target_words() -> dict[str, tuple[str, ...]]:
    """Words of targets.yaml: what makes a target that starts with a number a date or period
    (定性) rather than a quantity missing its operator."""
    raw = read_config(DATA / "targets.yaml")
    return {"date_words": raw.get("date_words").texts()}


@cache
def point_units() -> dict[str, str]:
    """Units of targets.yaml whose changes are said in points (% → 个百分点)."""
    raw = read_config(DATA / "targets.yaml")
    return {unit: word.text() for unit, word in raw.get("point_units").mapping().items()}


@cache
def operator_words() -> tuple[dict[str, str], dict[str, str]]:
    """Operators written as words (targets.yaml): before the number (不低于 → >=), and after
    it (以上 → >=); each mapped to an operator of operators.yaml."""
    raw = read_config(DATA / "targets.yaml")
    known = set(operators().values())
    found = []
    for key in ("operator_words", "operator_suffixes"):
        words = {}
        for word, operator in raw.get(key).mapping().items():
            written = operator.text()
            if written not in known:
                usable = "、".join(sorted(known))
                raise operator.fail(f"不是可用的运算符：“{written}”（可用：{usable}）")
            words[word] = written
        found.append(words)
    return found[0], found[1]


FORMAT_CHARACTER = "格式控制字符"  # how a Cf character without a name of its own is named
_CODE_POINTS = re.compile(r"([0-9A-Fa-f]{4,6})(?:-([0-9A-Fa-f]{4,6}))?")


@dataclass(frozen=True)
class InvisibleCharacters:
    """What invisible.yaml refuses (E107): every Cf character but those that print, and the
    other Default_Ignorable_Code_Point characters it lists, each with its name."""

    also: tuple[tuple[int, int, str], ...]  # first and last code point, name
    printed: tuple[tuple[int, int], ...]
    names: dict[int, str]

    def name(self, ch: str) -> str | None:
        """How messages name `ch` if it is invisible; None when it is not."""
        code = ord(ch)
        if unicodedata.category(ch) == "Cf":
            if any(low <= code <= high for low, high in self.printed):
                return None
            return self.names.get(code, FORMAT_CHARACTER)
        return next((name for low, high, name in self.also if low <= code <= high), None)


@cache
def invisible_characters() -> InvisibleCharacters:
    """The characters a declaration may not hold anywhere, from invisible.yaml."""
    raw = read_config(DATA / "invisible.yaml")
    also = tuple(
        (*_code_points(key, name), name.text()) for key, name in raw.get("also").mapping().items()
    )
    printed = tuple(_code_points(item.text(), item) for item in raw.get("printed").items())
    names = {}
    for key, name in raw.get("names").mapping().items():
        low, high = _code_points(key, name)
        if low != high or unicodedata.category(chr(low)) != "Cf":
            raise name.fail('应为一个格式控制字符（Unicode 类别 Cf）的码位，例如 "200B"')
        names[low] = name.text()
    return InvisibleCharacters(also, printed, names)


def _code_points(text: str, at: Value) -> tuple[int, int]:
    """The first and last code point of `text`, a code point ("200B") or a range ("FE00-FE0F")
    written at `at` in a data file."""
    match = _CODE_POINTS.fullmatch(text)
    if match is not None:
        low, high = int(match.group(1), 16), int(match.group(2) or match.group(1), 16)
        if low <= high <= 0x10FFFF:
            return low, high
    raise at.fail(f'应为十六进制码位或范围（例如 "200B"、"FE00-FE0F"），而不是“{text}”')
