"""The importer's domain rules, read once from generator/data/import.yaml (see its comments):
which 三级 names belong to which 二级 when a form does not say, the texts forms print besides
labels, labels that name two fields, how check boxes are marked, and the other words the
header of an indicator table names its levels with."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from generator.config import Value, read_config
from generator.kinds import vocabulary


@dataclass(frozen=True)
class CheckMarks:
    checked: tuple[str, ...]
    unchecked: tuple[str, ...]


def _rules() -> Value:
    """import.yaml, read by each rule's function once (each is cleared on its own in tests)."""
    return read_config(vocabulary.DATA / "import.yaml")


@cache
def form_texts() -> tuple[str, ...]:
    """Texts forms print that are neither labels nor values (the 内容 over the budget's
    column, 其中): never warned about as unplaced (W611)."""
    return _rules().get("form_texts").texts()


@cache
def level2_by_suffix() -> dict[str, tuple[str, ...]]:
    """二级 → the endings of 三级 names that belong to it (import inference)."""
    raw = _rules().get("level2_by_suffix")
    return {level2: endings.texts() for level2, endings in raw.mapping().items()}


@cache
def level_words(level: str) -> tuple[str, ...]:
    """The words a header may name the level a kind calls `level` with: itself first, then
    what import.yaml's level_aliases lists for it (一级目标 → 一级指标)."""
    raw = _rules().get("level_aliases").mapping()
    other = raw[level].texts() if level in raw else ()
    return (level, *other)


@cache
def in_brackets() -> dict[str, tuple[str, str]]:
    """A label naming two fields → (the field, the field printed in brackets after it)."""
    found: dict[str, tuple[str, str]] = {}
    for label, keys in _rules().get("in_brackets").mapping().items():
        pair = keys.texts()
        if len(pair) != 2:
            raise keys.fail("应为两个栏目的列表：[栏目, 括号中的栏目]")
        found[label] = (pair[0], pair[1])
    return found


@cache
def check_marks() -> CheckMarks:
    raw = _rules().get("check_marks")
    return CheckMarks(raw.get("checked").texts(), raw.get("unchecked").texts())
