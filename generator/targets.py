"""Parsing 指标目标值: `=50人次`, `>=90%`, `≥90%`, `> =11次` or a qualitative word (定性).

The printed text keeps what the user wrote, with the operator normalised (`> =11次` → `>=11次`).
The number is written in the digits 0–9 (full-width ones are folded to them), without a `+`, not
as -0, and with at most 15 digits (what an Excel cell holds exactly).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from generator.errors import excerpt
from generator.model import Target
from generator.vocabulary import operators

_OPERATOR_CHARS = "<>=≥≤≠!"
_LEADING_OPERATOR = re.compile(rf"^[{_OPERATOR_CHARS}][{_OPERATOR_CHARS}\s]*")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
MAX_DIGITS = 15


@dataclass(frozen=True)
class TargetError:
    """Why a target text is not valid, with a hint."""

    message: str
    hint: str


def parse_target(text: str) -> Target | TargetError:
    """Parse one target value as written on the form."""
    written = text.strip()
    shown = excerpt(written)
    # NFKC folds full-width forms (＞＝５０％) to half-width; ≥ ≤ ≠ have no such form and stay.
    folded = unicodedata.normalize("NFKC", written)
    if not folded:
        return TargetError("指标目标值为空", '写出目标值，例如 "=100%" 或 "及时"')
    match = _LEADING_OPERATOR.match(folded)
    if match is None:
        number = _NUMBER.match(folded)
        if number:
            unit = folded[number.end() :].strip()
            example = excerpt(folded)
            # A number with a short unit is a quantity missing its operator; a longer text is a
            # qualitative target that happens to start with a number.
            hint = (
                f'在数字前写明运算符，例如 "={example}" 或 ">={example}"'
                if len(unit) <= 4
                else f"定性目标请以文字开头，例如“于{example}”"
            )
            return TargetError(f"指标目标值“{shown}”以数字开头但没有运算符", hint)
        if _other_digit(folded):  # a number all the same, not a word: never 定性
            return _other_digits(shown, folded)
        return Target(text=written, operator=None, number=None, unit="")
    spelled = re.sub(r"\s+", "", match.group())
    operator = operators().get(spelled)
    if operator is None:
        return TargetError(
            f"指标目标值“{shown}”的运算符“{spelled}”无法识别",
            "可用的运算符：" + " ".join(sorted(set(operators().values()))),
        )
    rest = folded[match.end() :].strip()
    number = _NUMBER.match(rest)
    if number is None:
        if _other_digit(rest):
            return _other_digits(shown, rest)
        return TargetError(
            f"指标目标值“{shown}”在运算符后没有数字",
            f'写成 "{operator}数字单位"，例如 "{operator}90%"',
        )
    unit = rest[number.end() :].strip()
    digits = number.group().lstrip("+-")
    if number.group().startswith("+"):
        return TargetError(
            f"指标目标值“{shown}”的数字前不能有 + 号", f'写成 "{operator}{excerpt(digits)}{unit}"'
        )
    if len(digits) - digits.count(",") - digits.count(".") > MAX_DIGITS:
        return TargetError(
            f"指标目标值“{shown}”中的数字超过 {MAX_DIGITS} 位",
            f"核对数字；Excel 单元格只能精确保存 {MAX_DIGITS} 位数字",
        )
    value = Decimal(number.group().replace(",", ""))
    if value.is_zero() and value.is_signed():
        return TargetError(f"指标目标值“{shown}”中的数字是负零", f'写成 "{operator}{digits}{unit}"')
    return Target(
        text=f"{operator}{number.group()}{unit}", operator=operator, number=value, unit=unit
    )


def _other_digit(text: str) -> str:
    """The digit of another script (Arabic-Indic ١, Devanagari ३ …) `text` starts with, after a
    sign; "" when it does not."""
    first = text.lstrip("+-")[:1]
    return first if first.isdecimal() and not "0" <= first <= "9" else ""


def _other_digits(shown: str, text: str) -> TargetError:
    return TargetError(
        f"指标目标值“{shown}”中的“{_other_digit(text)}”不是 0–9 的数字",
        "数字只能用 0–9（全角 ０–９ 也可）",
    )
