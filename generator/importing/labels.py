"""How the importer tells a form's labels from its values: texts compared without white space,
a label cell as its key with at most a little more (numbering, a unit, a remark in brackets),
and a cell that holds nothing but labels. Shared by the recogniser and the readers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

LABEL_SLACK = 12  # characters a label cell may hold beyond its key: numbering, units
_BRACKETED = re.compile(r"[（(][^（）()]*[)）]")
_NUMERALS = "一二三四五六七八九十"  # numbering of labels: 一、部门职责
_HALF_WIDTH = str.maketrans("（）", "()")
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})  # controls, format …


def plain(text: str) -> str:
    """A label as compared: without any white space (hand-typed forms space out labels), its
    full-width brackets as half-width ones (部门（单位）名称 is 部门(单位)名称)."""
    return re.sub(r"[\s\u3000]+", "", text).translate(_HALF_WIDTH)


def is_label(cell: str, key: str) -> bool:
    """Whether `cell` (plain) is a label of `key` (plain): it holds the key, and beyond it at
    most LABEL_SLACK characters besides remarks in brackets (中期目标（2023年—2025年）)."""
    return key in cell and len(_BRACKETED.sub("", cell)) <= len(key) + LABEL_SLACK


def best_keys(cell: str, keys: Iterable[str]) -> set[str]:
    """The longest of `keys` (plain) that `cell` (plain) is a label of: 年度资金总额 is a label
    of 年度资金总额 rather than of 总额."""
    found = [key for key in keys if is_label(cell, key)]
    longest = max((len(key) for key in found), default=0)
    return {key for key in found if len(key) == longest}


def only_labels(cell: str, labels: list[str]) -> bool:
    """Whether `cell` holds nothing but labels (`labels`, longest first) and what labels are
    printed with: numbering (1、（1）一、), remarks in brackets （元）, punctuation. A value
    with a label word in it (预算备注, 备注：本年无变化, 联系电话接通率) is more than that, and so
    is a value with a remark in brackets but no label (650,000（含上年结转）)."""
    whole = rest = plain(cell)
    for label in labels:
        rest = rest.replace(label, "")
    if rest == whole:
        return False
    rest = _BRACKETED.sub("", rest)
    return not any(ch.isalpha() and ch not in _NUMERALS for ch in rest)


def visible(text: str) -> str:
    """`text` with its line breaks, control and invisible characters written as escapes (\\n,
    \\x01, \\u2028): cell texts quoted in a message or a YAML comment stay on one line, and a
    comment holds no character YAML refuses."""
    return "".join(
        ch.encode("unicode_escape").decode() if unicodedata.category(ch) in _INVISIBLE else ch
        for ch in text
    )
