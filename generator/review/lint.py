"""Review warnings (`lint`): rules a finance reviewer applies, as a flat registry of pure
`lint_*` functions over a valid declaration. The rules' words and limits are data
(generator/data/lint.yaml); codes are documented in docs/lint.md."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from generator.errors import Diagnostic
from generator.declaration.load import load_resource
from generator.declaration.model import Declaration
from generator.kinds.vocabulary import DATA

Rule = Callable[[Declaration], Iterator[Diagnostic]]


@dataclass(frozen=True)
class LintVocabulary:
    benefit_level1: frozenset[str]
    vague_targets: frozenset[str]
    satisfaction_level1: str
    satisfaction_minimum: Decimal
    timeliness_level2: frozenset[str]
    time_words: tuple[str, ...]
    restating_suffixes: tuple[str, ...]
    generic_phrases: tuple[str, ...]


@cache
def vocabulary() -> LintVocabulary:
    raw = load_resource(DATA / "lint.yaml")
    return LintVocabulary(
        frozenset(raw["benefit_level1"]),
        frozenset(raw["vague_targets"]),
        str(raw["satisfaction_level1"]),
        Decimal(str(raw["satisfaction_minimum"])),
        frozenset(raw["timeliness_level2"]),
        tuple(raw["time_words"]),
        tuple(raw["restating_suffixes"]),
        tuple(raw["generic_phrases"]),
    )


def lint_vague_benefit(decl: Declaration) -> Iterator[Diagnostic]:
    """L001: a qualitative 效益 target that is a bare verb (提升, 促进) cannot be measured."""
    words = vocabulary()
    for level1, _, indicator in decl.indicators():
        target = indicator.target
        vague = target.text in words.vague_targets or len(target.text) <= 1
        if level1.name in words.benefit_level1 and target.qualitative and vague:
            yield Diagnostic(
                indicator.loc,
                "L001",
                f"“{indicator.name}”的目标值“{target.text}”无法衡量",
                '写出可衡量的目标，例如 ">=90%"、"=3项" 或具体的成果',
            )


def lint_unit_missing(decl: Declaration) -> Iterator[Diagnostic]:
    """L002: a number without a unit leaves the reader to guess what is counted."""
    for _, _, indicator in decl.indicators():
        target = indicator.target
        if not target.qualitative and not target.unit:
            yield Diagnostic(
                indicator.loc,
                "L002",
                f"“{indicator.name}”的目标值“{target.text}”没有单位",
                f'写明单位，例如 "{target.text}次"、"{target.text}起" 或 "{target.text}%"',
            )


def lint_low_satisfaction(decl: Declaration) -> Iterator[Diagnostic]:
    """L003: a satisfaction target in % below the usual floor (85 %)."""
    words = vocabulary()
    for level1, _, indicator in decl.indicators():
        target = indicator.target
        if (
            level1.name == words.satisfaction_level1
            and target.number is not None
            and target.unit in ("%", "％")
            and target.number < words.satisfaction_minimum
        ):
            yield Diagnostic(
                indicator.loc,
                "L003",
                f"满意度目标“{indicator.name}”{target.text} 低于 {words.satisfaction_minimum}%",
                f'满意度目标一般不低于 {words.satisfaction_minimum}%，例如 ">=90%"',
            )


def lint_timeliness_without_time(decl: Declaration) -> Iterator[Diagnostic]:
    """L004: a 时效指标 whose name and target say nothing about time."""
    words = vocabulary()
    for _, level2, indicator in decl.indicators():
        said = indicator.name + indicator.target.text
        if level2.name in words.timeliness_level2 and not any(w in said for w in words.time_words):
            yield Diagnostic(
                indicator.loc,
                "L004",
                f"时效指标“{indicator.name}”没有说明时间要求",
                "写明时限，例如“及时率 >=95%”或“<=5个工作日”",
            )


def lint_same_indicator_twice(decl: Declaration) -> Iterator[Diagnostic]:
    """L005: one 三级 name under two 二级."""
    first: dict[str, str] = {}
    for level1, level2, indicator in decl.indicators():
        where = f"{level1.name} / {level2.name}"
        if indicator.name in first and first[indicator.name] != where:
            yield Diagnostic(
                indicator.loc,
                "L005",
                f"“{indicator.name}”同时出现在 {first[indicator.name]} 和 {where}",
                "每个三级指标只放在一个二级目标下",
            )
        first.setdefault(indicator.name, where)


def lint_restating_completion(decl: Declaration) -> Iterator[Diagnostic]:
    """L006: "…完成率 =100%" restates the task instead of measuring its result."""
    words = vocabulary()
    for _, _, indicator in decl.indicators():
        target = indicator.target
        if (
            indicator.name.endswith(words.restating_suffixes)
            and target.number == 100
            and target.unit in ("%", "％")
            and target.operator in ("=", ">=")
        ):
            yield Diagnostic(
                indicator.loc,
                "L006",
                f"“{indicator.name}”{target.text} 只是重复了任务本身",
                "用产出的数量、质量或效果来衡量，例如完成的件数或达到的标准",
            )


def lint_single_generic(decl: Declaration) -> Iterator[Diagnostic]:
    """L007: a 二级 whose only indicator is a generic phrase (工作完成率, 经常性工作)."""
    words = vocabulary()
    for level1 in decl.goals:
        for level2 in level1.children:
            if len(level2.indicators) == 1:
                indicator = level2.indicators[0]
                if any(phrase in indicator.name for phrase in words.generic_phrases):
                    yield Diagnostic(
                        indicator.loc,
                        "L007",
                        f"二级目标“{level2.name}”只有一项笼统的指标“{indicator.name}”",
                        "按重点任务分别设置具体指标",
                    )


RULES: tuple[Rule, ...] = (
    lint_vague_benefit,
    lint_unit_missing,
    lint_low_satisfaction,
    lint_timeliness_without_time,
    lint_same_indicator_twice,
    lint_restating_completion,
    lint_single_generic,
)


def lint(decl: Declaration) -> list[Diagnostic]:
    """Every review warning for a valid declaration, in file order."""
    found = [d for rule in RULES for d in rule(decl)]
    return sorted(found, key=lambda d: (d.location, d.code))
