"""Parsing 指标值: `=50人次`, `>=90%`, `≥90%`, `> =11次`, a bare `100%`, or a qualitative text
(定性: `及时`, `全年`, `2023年12月底前`).

The printed text keeps what the user wrote, with the operator normalised (`> =11次` → `>=11次`).
A bare number with a short unit (`100%`) is a quantity whose operator was left out: it reads as
`=` and the caller warns (W401), which `fmt` fixes by writing the `=`. A number followed by a
date or period word (targets.yaml) is a qualitative text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from generator.declaration.model import Target
from generator.kinds.vocabulary import operators, target_words

_OPERATOR_CHARS = "<>=≥≤≠!"
_LEADING_OPERATOR = re.compile(rf"^[{_OPERATOR_CHARS}][{_OPERATOR_CHARS}\s]*")
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
SHORT_UNIT = 4  # characters: a longer text after a number is a qualitative target


@dataclass(frozen=True)
class TargetError:
    """Why a target text is not valid (the message follows the field's label: 指标值“=abc”…),
    with a hint."""

    message: str
    hint: str


@dataclass(frozen=True)
class Parsed:
    """A target, and whether its `=` was assumed (a bare number, W401)."""

    target: Target
    assumed_equal: bool = False


def parse_target(text: str) -> Parsed | TargetError:
    """Parse one target value as written on the form."""
    written = text.strip()
    # NFKC folds full-width forms (＞＝５０％) to half-width; ≥ ≤ ≠ have no such form and stay.
    folded = unicodedata.normalize("NFKC", written)
    if not folded:
        return TargetError("为空", '写出目标值，例如 "=100%" 或 "及时"')
    match = _LEADING_OPERATOR.match(folded)
    if match is None:
        number = _NUMBER.match(folded)
        if number is None:
            return Parsed(Target(text=written, operator=None, number=None, unit=""))
        unit = folded[number.end() :].strip()
        dated = unit.startswith(target_words().get("date_words", ()))
        if dated or len(unit) > SHORT_UNIT:
            return Parsed(Target(text=written, operator=None, number=None, unit=""))
        value = Decimal(number.group().replace(",", ""))
        return Parsed(Target(f"={number.group()}{unit}", "=", value, unit), assumed_equal=True)
    spelled = re.sub(r"\s+", "", match.group())
    operator = operators().get(spelled)
    if operator is None:
        return TargetError(
            f"“{written}”的运算符“{spelled}”无法识别",
            "可用的运算符：" + " ".join(sorted(set(operators().values()))),
        )
    rest = folded[match.end() :].strip()
    number = _NUMBER.match(rest)
    if number is None:
        return TargetError(
            f"“{written}”在运算符后没有数字",
            f'写成 "{operator}数字单位"，例如 "{operator}90%"',
        )
    unit = rest[number.end() :].strip()
    value = Decimal(number.group().replace(",", ""))
    return Parsed(Target(f"{operator}{number.group()}{unit}", operator, value, unit))
