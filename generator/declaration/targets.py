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
date or period word (targets.yaml), a range (`5~10天`) or a longer text is a qualitative text.
An operator may be written as a word before the number or after the unit (targets.yaml), or
twice where the two agree (`≥20家以上`): read as one operator with W406. The unit is what
follows the number and nothing more: a second operator (`低于5%且高于1%`), operators that
disagree (`不低于90%以下`), a second number (`=5~10天`) or exponent notation (`1e5`) are
errors, never a number with the rest taken for its unit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from generator.declaration.model import Target
from generator.errors import excerpt
from generator.kinds.vocabulary import (
    OPERATOR_CHARACTERS,
    operator_words,
    operators,
    target_words,
)

_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
SHORT_UNIT = 4  # characters: a longer text after a number is a qualitative target
MAX_DIGITS = 15  # what an Excel cell holds exactly


@dataclass(frozen=True)
class TargetError:
    """Why a target text is not valid (the message follows the field's label: 指标值“=abc”…),
    with a hint, and its code: E401, or E102 for a target that holds nothing (`“”`)."""

    message: str
    hint: str
    code: str = "E401"


@dataclass(frozen=True)
class Parsed:
    """A target, and the warning its reading calls for when it was inferred rather than read:
    W401 a bare number read with `=`, W405 a target inside Chinese quotes, W406 an operator
    written as a word (不低于20家, 20家以上) or written twice (≥20家以上; `how` then says
    which). `fmt` writes each as it was read."""

    target: Target
    assumed: str = ""
    how: str = ""


@dataclass(frozen=True)
class _Mention:
    """An operator as the target writes it: a character (`≥`, `>=`) or a word (不低于, 以上)."""

    written: str
    operator: str
    explicit: bool


_QUOTED = re.compile(r"^([“‘「『])(.*)([”’」』])$", re.S)
_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』"}
_OPERATOR_RUN = re.compile(rf"[{OPERATOR_CHARACTERS}][{OPERATOR_CHARACTERS}\s]*")
_EXPONENT = re.compile(r"[eE][+-]?[0-9]")
# A digit in a unit is a second number unless it belongs to a unit symbol (m2, μg/m3) or to
# the base of a rate (例/10万人).
_SECOND_NUMBER = re.compile(r"(?<![A-Za-z/0-9.,])[0-9]")
# What may not follow the number as its unit: an operator (a `!` alone is punctuation).
_UNIT_OPERATORS = OPERATOR_CHARACTERS.replace("!", "")
_TWO_CONDITIONS = '一个指标值只写一个条件；上下限都要写时，分成两项指标（如 ">=1%" 和 "<=5%"）'
_NOT_A_UNIT = (
    '一个指标值只写一个数字和它的单位（如 "=5天"）；范围分成两项指标（如 ">=5天" 和 "<=10天"），'
    '日期写成不带运算符的文字（如 "2024年12月底前"）'
)


def parse_target(text: str) -> Parsed | TargetError:
    """Parse one target value as written on the form: an operator (a character, a word before
    the number, a word after its unit, or several that agree), the number, its unit; or a
    qualitative text."""
    quoted = _QUOTED.match(text.strip())
    if quoted and _PAIRS[quoted.group(1)] == quoted.group(3):
        if not quoted.group(2).strip():
            return TargetError(
                "没有填写", '中文引号里是空的：写出目标值，例如 "=100%" 或 "及时"', "E102"
            )
        inner = parse_target(quoted.group(2))
        return Parsed(inner.target, "W405") if isinstance(inner, Parsed) else inner
    written = text.strip()
    # Folded character for character (＞＝５０ → >=50), so that a place in `folded` is the same
    # place in `written`: the operator and the number are read from `folded`, the unit is taken
    # from `written`. ≥ ≤ ≠ have no such form and stay.
    folded = fold(written)
    if not folded:
        return TargetError("为空", '写出目标值，例如 "=100%" 或 "及时"')
    shown = excerpt(written)
    leading = _leading(written, folded)
    if isinstance(leading, TargetError):
        return leading
    mentions, position = leading
    number = _NUMBER.match(folded, position)
    if number is None:
        return _no_number(written, folded, position, mentions)
    end = number.end()
    if is_other_digit(folded[end : end + 1]):
        return _other_digits(shown, folded[end])
    if _EXPONENT.match(folded, end):
        return TargetError(f"“{shown}”不能用科学计数法", "把数字完整写出，例如 1e5 写作 100000")
    suffixes, unit_end = _suffixes(written, folded, end)
    unit = written[end:unit_end].strip()
    condition = _second_condition(shown, unit)
    second = _second_number(shown, number.group(), unit)
    # With no operator before the number, a word after a unit makes a quantity (20家以上); after
    # a longer text, a range or a date (12月31日以内) the whole is a qualitative text.
    if not mentions and (
        not suffixes or (condition is None and (len(unit) > SHORT_UNIT or second is not None))
    ):
        return _bare(written, number, shown)
    mentions += suffixes
    fault = condition or second
    if fault is not None:
        return fault
    operator = _agreed(mentions)
    if isinstance(operator, list):
        a, b = operator
        return TargetError(
            f"“{shown}”中的“{a.written}”和“{b.written}”是不同的运算符",
            f'只写一个，例如 "{a.operator}{number.group()}{unit}" 或 '
            f'"{b.operator}{number.group()}{unit}"',
        )
    value = _number(shown, operator, number.group(), unit)
    if isinstance(value, TargetError):
        return value
    target = Target(f"{operator}{number.group()}{unit}", operator, value, unit)
    if len(mentions) == 1:
        return Parsed(target, "" if mentions[0].explicit else "W406")
    said = [f"“{m.written}”" for m in mentions]
    return Parsed(target, "W406", f"同时写了{'、'.join(said[:-1])}和{said[-1]}")


def _leading(written: str, folded: str) -> tuple[list[_Mention], int] | TargetError:
    """The operators before the number, and where the number starts: a character, a word, or
    both (≥90%, 不低于90%, =不低于90%, 不低于≥90%)."""
    mentions = []
    found = _operator_at(written, folded, 0)
    if isinstance(found, TargetError):
        return found
    position = found[1] if found else 0
    if found:
        mentions.append(found[0])
    word = _word_at(written, folded, _skip_spaces(folded, position))
    if word is None:
        return mentions, _skip_spaces(folded, position)
    mentions.append(word[0])
    again = _operator_at(written, folded, _skip_spaces(folded, word[1]))
    if isinstance(again, TargetError):
        return again
    if again is None:
        return mentions, _skip_spaces(folded, word[1])
    return [*mentions, again[0]], _skip_spaces(folded, again[1])


def _skip_spaces(folded: str, position: int) -> int:
    return len(folded) - len(folded[position:].lstrip())


def _operator_at(
    written: str, folded: str, position: int
) -> tuple[_Mention, int] | TargetError | None:
    """The operator written in characters at `position` (spaces inside it are ignored)."""
    match = _OPERATOR_RUN.match(folded, position)
    if match is None:
        return None
    spelled = re.sub(r"\s+", "", match.group())
    operator = operators().get(spelled)
    if operator is None:
        return TargetError(
            f"“{excerpt(written)}”的运算符“{spelled}”无法识别",
            "可用的运算符：" + " ".join(sorted(set(operators().values()))),
        )
    as_written = written[match.start() : match.end()].strip()
    return _Mention(as_written, operator, explicit=True), match.end()


def _word_at(written: str, folded: str, position: int) -> tuple[_Mention, int] | None:
    """The operator written as a word before the number at `position` (不低于), if any."""
    for word, folded_word, operator in _words().before:
        if folded.startswith(folded_word, position):
            end = position + len(word)
            return _Mention(written[position:end], operator, explicit=False), end
    return None


def _suffixes(written: str, folded: str, start: int) -> tuple[list[_Mention], int]:
    """The operator words after the unit (20家以上, 90%以上以下: every one, to say when they
    disagree), and where the unit ends."""
    words = _words().after
    found: list[_Mention] = []
    end = start + len(folded[start:].rstrip())
    while True:
        word = next(((w, op) for w, f, op in words if folded[start:end].endswith(f)), None)
        if word is None:
            return found, end
        found.insert(0, _Mention(written[end - len(word[0]) : end], word[1], explicit=False))
        end = start + len(folded[start : end - len(word[0])].rstrip())


def _agreed(mentions: list[_Mention]) -> str | list[_Mention]:
    """The one operator the mentions agree on, or two that disagree. `=` gives way to a word
    that says more (`=90%以上` is `>=90%`): forms with a fixed `=` column are written so."""
    said = {m.operator for m in mentions}
    if len(said) > 1:
        said.discard("=")
    if len(said) == 1:
        return said.pop()
    first = next(m for m in mentions if m.operator in said)
    second = next(m for m in mentions if m.operator in said and m.operator != first.operator)
    return [first, second]


def _unit_fault(shown: str, number: str, unit: str) -> TargetError | None:
    """Why what follows a number is not its unit (_second_condition, _second_number); None
    when it is a unit."""
    return _second_condition(shown, unit) or _second_number(shown, number, unit)


def _second_condition(shown: str, unit: str) -> TargetError | None:
    """An operator, as a character or a word, in what follows the number: a second condition
    (低于5%且高于1%, ≥5%且≤10%)."""
    folded = fold(unit)
    operator = next((unit[i] for i, ch in enumerate(folded) if ch in _UNIT_OPERATORS), "")
    if not operator:
        found = {}  # where each word is, the longest at a place
        for word, folded_word in _words().shortest_first:
            at = folded.find(folded_word)
            if at >= 0:
                found[at] = unit[at : at + len(word)]
        operator = found[min(found)] if found else ""
    if operator:
        return TargetError(f"“{shown}”在数字后又写了运算符“{operator}”", _TWO_CONDITIONS)
    return None


def _second_number(shown: str, number: str, unit: str) -> TargetError | None:
    """A number in what follows the number (5~10天, 2023年12月) that is not part of a unit
    symbol (m2) or of a rate's base (例/10万人)."""
    if _SECOND_NUMBER.search(fold(unit)):
        return TargetError(f"“{shown}”在数字“{number}”后又有数字：“{unit}”不是单位", _NOT_A_UNIT)
    return None


def _no_number(
    written: str, folded: str, position: int, mentions: list[_Mention]
) -> Parsed | TargetError:
    """A target with no number where one would be: an error after an operator character, a
    qualitative text otherwise (至少完成一次, 全年), unless it has digits of another form."""
    shown = excerpt(written)
    digit, end = _other_digit_run(folded, position)
    if digit and (mentions or unicodedata.category(digit) == "Nd" or _reads_as_unit(written[end:])):
        return _other_digits(shown, digit)
    explicit = [m for m in mentions if m.explicit]
    if not explicit:
        return Parsed(Target(text=written, operator=None, number=None, unit=""))
    operator = explicit[-1].operator
    return TargetError(
        f"“{shown}”在运算符后没有数字",
        f'写成 "{operator}数字单位"，例如 "{operator}90%"',
    )


def fold(text: str) -> str:
    """`text` with every character whose NFKC form is one ASCII character written as that
    character (full-width ＞＝９０％, small ﹥, the ideographic space), all others as they are:
    one character for one. Digits of other forms (①, ², ₁) are not folded: they are refused."""
    return "".join(_fold_character(ch) for ch in text)


@dataclass(frozen=True)
class _Words:
    """The operator words of targets.yaml prepared once for reading many targets: (word, word
    folded, operator), longest first; and every word with its folded form, shortest first."""

    source: tuple[dict[str, str], dict[str, str]]
    before: tuple[tuple[str, str, str], ...]
    after: tuple[tuple[str, str, str], ...]
    shortest_first: tuple[tuple[str, str], ...]


_PREPARED: list[_Words] = []


def _words() -> _Words:
    """The prepared words of the vocabulary now in use (made again when it is read again)."""
    source = operator_words()
    if not _PREPARED or _PREPARED[0].source is not source:
        before, after = source

        def longest_first(words: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
            ordered = sorted(words.items(), key=lambda item: -len(item[0]))
            return tuple((w, fold(w), op) for w, op in ordered)

        every = sorted((*before, *after), key=len)
        _PREPARED[:] = [
            _Words(
                source,
                longest_first(before),
                longest_first(after),
                tuple((w, fold(w)) for w in every),
            )
        ]
    return _PREPARED[0]


@lru_cache(maxsize=4096)
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


def _bare(written: str, number: re.Match[str], shown: str) -> Parsed | TargetError:
    """A number without an operator: followed by a short unit (`100%`), a quantity whose `=`
    was left out (W401); followed by anything else (a date or period word, a range, a longer
    text), a qualitative text."""
    unit = written[number.end() :].strip()
    if not _reads_as_unit(unit) or _unit_fault(shown, number.group(), unit) is not None:
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
