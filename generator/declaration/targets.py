"""Parsing 指标值: `=50人次`, `>=90%`, `≥90%`, `> =11次`, a bare `100%`, or a qualitative text
(定性: `及时`, `全年`, `2023年12月底前`).

The printed text keeps what the user wrote, with the operator and the digits normalised
(`> =11次` → `>=11次`, `＞＝９０％` → `>=90％`): the unit is printed exactly as written (`㎡`,
`m²`, `℃` stay as they are; NFKC would print `m2`, `m2`, `°C`). The number is written in the
digits 0–9 or full-width ０–９, without a `+`, not as -0, and with at most 15 digits (what an
Excel cell holds exactly); digits of other forms (`①`, `²`, `₁₀`, `𝟏`, `٣`) are refused, not
folded to 0–9.
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
from generator.kinds.vocabulary import (
    OPERATOR_CHARACTERS,
    operator_words,
    operators,
    target_words,
)

_LEADING_OPERATOR = re.compile(rf"^[{OPERATOR_CHARACTERS}][{OPERATOR_CHARACTERS}\s]*")
_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
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
    written = text.strip()
    worded = _worded(written)
    if worded is not None:
        return worded
    shown = excerpt(written)
    # Folded character for character (＞＝５０ → >=50), so that a place in `folded` is the same
    # place in `written`: the operator and the number are read from `folded`, the unit is taken
    # from `written`. ≥ ≤ ≠ have no such form and stay.
    folded = fold(written)
    if not folded:
        return TargetError("为空", '写出目标值，例如 "=100%" 或 "及时"')
    match = _LEADING_OPERATOR.match(folded)
    if match is None:
        return _bare(written, folded, shown)
    spelled = re.sub(r"\s+", "", match.group())
    operator = operators().get(spelled)
    if operator is None:
        return TargetError(
            f"“{shown}”的运算符“{spelled}”无法识别",
            "可用的运算符：" + " ".join(sorted(set(operators().values()))),
        )
    number = _NUMBER.match(folded, match.end())
    if number is None:
        digit, _ = _other_digit_run(folded, match.end())
        if digit:
            return _other_digits(shown, digit)
        return TargetError(
            f"“{shown}”在运算符后没有数字",
            f'写成 "{operator}数字单位"，例如 "{operator}90%"',
        )
    if is_other_digit(folded[number.end() : number.end() + 1]):
        return _other_digits(shown, folded[number.end()])
    unit = written[number.end() :].strip()
    value = _number(shown, operator, number.group(), unit)
    if isinstance(value, TargetError):
        return value
    return Parsed(Target(f"{operator}{number.group()}{unit}", operator, value, unit))


def fold(text: str) -> str:
    """`text` with every character whose NFKC form is one ASCII character written as that
    character (full-width ＞＝９０％, small ﹥, the ideographic space), all others as they are:
    one character for one. Digits of other forms (①, ², ₁) are not folded: they are refused."""
    return "".join(_fold_character(ch) for ch in text)


def _fold_character(ch: str) -> str:
    if ch.isascii() or is_other_digit(ch):
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 and folded.isascii() else ch


def is_other_digit(ch: str) -> bool:
    """Whether `ch` is a digit other than 0–9 and full-width ０–９: another script's (٣, ३),
    a circled, superscript, subscript or styled one (①, ², ₁, 𝟏), a fraction (½). NFKC would
    read many of them as 0–9; the form prints what was written, so they are refused."""
    return (
        len(ch) == 1
        and unicodedata.category(ch) in ("Nd", "No")
        and not "0" <= ch <= "9"
        and not "０" <= ch <= "９"
    )


def other_digit(text: str) -> str:
    """The first digit of another form in `text` (is_other_digit); "" when there is none."""
    return next((ch for ch in text if is_other_digit(ch)), "")


def _bare(written: str, folded: str, shown: str) -> Parsed | TargetError:
    """A target without an operator: a number with a short unit (`100%`: `=` assumed, W401),
    else a qualitative text. One that starts with digits of another form is refused when it
    would read as a number (`①次`); a text that only starts with one (`①按时完成……`) is
    qualitative, unless the digits are of another script (`٣٠`), which is never a list mark."""
    number = _NUMBER.match(folded)
    if number is None:
        digit, end = _other_digit_run(folded, 0)
        if digit and (unicodedata.category(digit) == "Nd" or _reads_as_unit(written[end:])):
            return _other_digits(shown, digit)
        return Parsed(Target(text=written, operator=None, number=None, unit=""))
    if is_other_digit(folded[number.end() : number.end() + 1]):
        return _other_digits(shown, folded[number.end()])
    unit = written[number.end() :].strip()
    if not _reads_as_unit(unit):
        return Parsed(Target(text=written, operator=None, number=None, unit=""))
    checked = _number(shown, "=", number.group(), unit)
    if isinstance(checked, TargetError):
        return checked
    return Parsed(Target(f"={number.group()}{unit}", "=", checked, unit), "W401")


def _reads_as_unit(text: str) -> bool:
    """Whether what follows a number is a unit (short, and not a date or period word), so
    that the number is a quantity rather than the start of a qualitative text."""
    unit = text.strip()
    return len(unit) <= SHORT_UNIT and not unit.startswith(target_words().get("date_words", ()))


def _other_digit_run(folded: str, start: int) -> tuple[str, int]:
    """The first digit of another form in the number starting at `start` (after spaces and a
    sign), and where that number ends; ("", start) when it holds none."""
    position = start + len(folded[start:]) - len(folded[start:].lstrip())
    if folded[position : position + 1] in ("+", "-"):
        position += 1
    end = position
    while end < len(folded) and (folded[end].isdigit() or is_other_digit(folded[end])):
        end += 1
        while end < len(folded) - 1 and folded[end] in ",." and folded[end + 1].isdigit():
            end += 1
    digit = other_digit(folded[position:end])
    return (digit, end) if digit else ("", start)


def _worded(written: str) -> Parsed | TargetError | None:
    """A target whose operator is a word before its number (不低于20家) or after it
    (20家以上), read with the operator (W406); None when it is not one."""
    folded = fold(written)
    before, after = operator_words()
    for word in sorted(before, key=len, reverse=True):
        if not folded.startswith(word):
            continue
        rest = len(word) + len(folded[len(word) :]) - len(folded[len(word) :].lstrip())
        if _NUMBER.match(folded, rest):
            return _reword(written, before[word], written[rest:])
        digit, _ = _other_digit_run(folded, rest)
        if digit:
            return _other_digits(excerpt(written), digit)
    number = _NUMBER.match(folded)
    if number is not None:
        tail = folded[number.end() :].rstrip()
        end = number.end() + len(tail)
        for word in sorted(after, key=len, reverse=True):
            unit = written[number.end() : end - len(word)].strip()
            if tail.endswith(word) and len(unit) <= SHORT_UNIT:
                return _reword(written, after[word], f"{written[: number.end()]}{unit}")
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


def _other_digits(shown: str, digit: str) -> TargetError:
    return TargetError(
        f"“{shown}”中的“{digit}”不是 0–9 的数字",
        "数字只能用 0–9（全角 ０–９ 也可）",
    )
