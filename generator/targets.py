"""Parsing 指标目标值: `=50人次`, `>=90%`, `≥90%`, `> =11次` or a qualitative word (定性).

The printed text keeps what the user wrote, with the operator normalised (`> =11次` → `>=11次`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from generator.model import Target
from generator.vocabulary import operators

_OPERATOR_CHARS = "<>=≥≤≠!"
_LEADING_OPERATOR = re.compile(rf"^[{_OPERATOR_CHARS}][{_OPERATOR_CHARS}\s]*")
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


@dataclass(frozen=True)
class TargetError:
    """Why a target text is not valid, with a hint."""

    message: str
    hint: str


def parse_target(text: str) -> Target | TargetError:
    """Parse one target value as written on the form."""
    written = text.strip()
    # NFKC folds full-width forms (＞＝５０％) to half-width; ≥ ≤ ≠ have no such form and stay.
    folded = unicodedata.normalize("NFKC", written)
    if not folded:
        return TargetError("指标目标值为空", '写出目标值，例如 "=100%" 或 "及时"')
    match = _LEADING_OPERATOR.match(folded)
    if match is None:
        number = _NUMBER.match(folded)
        if number:
            unit = folded[number.end() :].strip()
            # A number with a short unit is a quantity missing its operator; a longer text is a
            # qualitative target that happens to start with a number.
            hint = (
                f'在数字前写明运算符，例如 "={folded}" 或 ">={folded}"'
                if len(unit) <= 4
                else f"定性目标请以文字开头，例如“于{folded}”"
            )
            return TargetError(f"指标目标值“{written}”以数字开头但没有运算符", hint)
        return Target(text=written, operator=None, number=None, unit="")
    spelled = re.sub(r"\s+", "", match.group())
    operator = operators().get(spelled)
    if operator is None:
        return TargetError(
            f"指标目标值“{written}”的运算符“{spelled}”无法识别",
            "可用的运算符：" + " ".join(sorted(set(operators().values()))),
        )
    rest = folded[match.end() :].strip()
    number = _NUMBER.match(rest)
    if number is None:
        return TargetError(
            f"指标目标值“{written}”在运算符后没有数字",
            f'写成 "{operator}数字单位"，例如 "{operator}90%"',
        )
    unit = rest[number.end() :].strip()
    value = Decimal(number.group().replace(",", ""))
    return Target(
        text=f"{operator}{number.group()}{unit}", operator=operator, number=value, unit=unit
    )
