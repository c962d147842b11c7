"""Parsing 指标值: `=50人次`, `>=90%`, `≥90%`, `> =11次`, a bare `100%`, or a qualitative text
(定性: `及时`, `全年`, `2023年12月底前`).

The printed text keeps what the user wrote, with the operator normalised (`> =11次` → `>=11次`).
The number is written in the digits 0–9 (full-width ones are folded to them), without a `+`, not
as -0, and with at most 15 digits (what an Excel cell holds exactly).
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
from generator.errors import excerpt
from generator.kinds.vocabulary import operator_words, operators, target_words

_OPERATOR_CHARS = "<>=≥≤≠!"
_LEADING_OPERATOR = re.compile(rf"^[{_OPERATOR_CHARS}][{_OPERATOR_CHARS}\s]*")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
SHORT_UNIT = 4  # characters: a longer text after a number is a qualitative target
MAX_DIGITS = 15  # what an Excel cell holds exactly


@dataclass(frozen=True)
class TargetError:
    """Why a target text is not valid (the message follows the field's label: 指标值“=abc”…),
    with a hint."""

    message: str
    hint: str


@dataclass(frozen=True)
class Parsed:
    """A target, and the warning its reading calls for when it was inferred rather than read:
    W401 a bare number read with `=`, W405 a target inside Chinese quotes, W406 an operator
    written as a word (不低于20家, 20家以上). `fmt` writes each as it was read."""

    target: Target
    assumed: str = ""


_QUOTED = re.compile(r"^([“‘「『])(.*)([”’」』])$", re.S)
_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』"}


def parse_target(text: str) -> Parsed | TargetError:
    """Parse one target value as written on the form."""
    quoted = _QUOTED.match(text.strip())
    if quoted and _PAIRS[quoted.group(1)] == quoted.group(3) and quoted.group(2).strip():
        inner = parse_target(quoted.group(2))
        return Parsed(inner.target, "W405") if isinstance(inner, Parsed) else inner
    worded = _worded(text.strip())
    if worded is not None:
        return worded
    written = text.strip()
    shown = excerpt(written)
    # NFKC folds full-width forms (＞＝５０％) to half-width; ≥ ≤ ≠ have no such form and stay.
    folded = unicodedata.normalize("NFKC", written)
    if not folded:
        return TargetError("为空", '写出目标值，例如 "=100%" 或 "及时"')
    match = _LEADING_OPERATOR.match(folded)
    if match is None:
        number = _NUMBER.match(folded)
        if number is None:
            if _other_digit(folded):  # a number all the same, not a word: never 定性
                return _other_digits(shown, folded)
            return Parsed(Target(text=written, operator=None, number=None, unit=""))
        unit = folded[number.end() :].strip()
        dated = unit.startswith(target_words().get("date_words", ()))
        if dated or len(unit) > SHORT_UNIT:
            return Parsed(Target(text=written, operator=None, number=None, unit=""))
        checked = _number(shown, "=", number.group(), unit)
        if isinstance(checked, TargetError):
            return checked
        return Parsed(Target(f"={number.group()}{unit}", "=", checked, unit), "W401")
    spelled = re.sub(r"\s+", "", match.group())
    operator = operators().get(spelled)
    if operator is None:
        return TargetError(
            f"“{shown}”的运算符“{spelled}”无法识别",
            "可用的运算符：" + " ".join(sorted(set(operators().values()))),
        )
    rest = folded[match.end() :].strip()
    number = _NUMBER.match(rest)
    if number is None:
        if _other_digit(rest):
            return _other_digits(shown, rest)
        return TargetError(
            f"“{shown}”在运算符后没有数字",
            f'写成 "{operator}数字单位"，例如 "{operator}90%"',
        )
    unit = rest[number.end() :].strip()
    value = _number(shown, operator, number.group(), unit)
    if isinstance(value, TargetError):
        return value
    return Parsed(Target(f"{operator}{number.group()}{unit}", operator, value, unit))


def _worded(written: str) -> Parsed | TargetError | None:
    """A target whose operator is a word before its number (不低于20家) or after it
    (20家以上), read with the operator (W406); None when it is not one."""
    folded = unicodedata.normalize("NFKC", written)
    before, after = operator_words()
    for word in sorted(before, key=len, reverse=True):
        if folded.startswith(word) and _NUMBER.match(folded[len(word) :].strip()):
            return _reword(written, before[word], folded[len(word) :].strip())
    number = _NUMBER.match(folded)
    if number is not None:
        rest = folded[number.end() :].strip()
        for word in sorted(after, key=len, reverse=True):
            unit = rest.removesuffix(word).strip()
            if rest.endswith(word) and len(unit) <= SHORT_UNIT:
                return _reword(written, after[word], f"{number.group()}{unit}")
    return None


def _reword(written: str, operator: str, rest: str) -> Parsed | TargetError:
    parsed = parse_target(f"{operator}{rest}")
    if isinstance(parsed, TargetError):
        return parsed
    return Parsed(parsed.target, "W406")


def _number(shown: str, operator: str, written: str, unit: str) -> Decimal | TargetError:
    """The number of a target, or why it cannot be one: a `+`, more than MAX_DIGITS digits,
    a negative zero."""
    digits = written.lstrip("+-")
    if written.startswith("+"):
        return TargetError(
            f"“{shown}”的数字前不能有 + 号", f'写成 "{operator}{excerpt(digits)}{unit}"'
        )
    if len(digits) - digits.count(",") - digits.count(".") > MAX_DIGITS:
        return TargetError(
            f"“{shown}”中的数字超过 {MAX_DIGITS} 位",
            f"核对数字；Excel 单元格只能精确保存 {MAX_DIGITS} 位数字",
        )
    value = Decimal(written.replace(",", ""))
    if value.is_zero() and value.is_signed():
        return TargetError(f"“{shown}”中的数字是负零", f'写成 "{operator}{digits}{unit}"')
    return value


def _other_digit(text: str) -> str:
    """The digit of another script (Arabic-Indic ١, Devanagari ३ …) `text` starts with, after a
    sign; "" when it does not."""
    first = text.lstrip("+-")[:1]
    return first if first.isdecimal() and not "0" <= first <= "9" else ""


def _other_digits(shown: str, text: str) -> TargetError:
    return TargetError(
        f"“{shown}”中的“{_other_digit(text)}”不是 0–9 的数字",
        "数字只能用 0–9（全角 ０–９ 也可）",
    )
