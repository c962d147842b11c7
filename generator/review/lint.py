"""Review warnings (`lint`): rules a finance reviewer applies, as a flat registry of pure
`lint_*` functions over a valid declaration. The rules' words and limits are data
(generator/data/lint.yaml); codes are documented in docs/lint.md."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from generator.config import Value, read_config
from generator.declaration.model import (
    NOTE_KEY,
    Declaration,
    Indicator,
    Level1,
    Level2,
    Record,
    Target,
)
from generator.declaration.places import PROJECT, WHOLE
from generator.errors import Diagnostic, Location
from generator.kinds import Framework, frameworks
from generator.kinds.spec import FieldType
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
    other_year_before: int
    other_year_after: int
    document_number_brackets: tuple[str, ...]
    rate_suffixes: tuple[str, ...]
    uncapped_suffixes: tuple[str, ...]
    rate_level1: frozenset[str]
    year_numerals: dict[str, int]
    year_numerals_before: str
    rate_units: dict[str, Decimal]
    expected_level1: dict[str, tuple[str, ...]]  # framework name (or DEFAULT) → its 一级
    year_range_joiners: tuple[str, ...]
    # category (整体, 项目) → framework name (or DEFAULT) → what is expected: each a choice of
    # branches, of which one is to hold a 三级
    expected_branches: dict[str, dict[str, tuple[tuple[Branch, ...], ...]]]


@dataclass(frozen=True)
class Branch:
    """A part of the indicator tree: a 一级, or a 二级 under its 一级 (`level2` "" for the 一级
    itself), as lint.yaml names it."""

    level1: str
    level2: str = ""


@cache
def vocabulary() -> LintVocabulary:
    """The rules' words and limits, from generator/data/lint.yaml (checked as read)."""
    raw = read_config(DATA / "lint.yaml")
    minimum = raw.get("satisfaction_minimum")
    minimum.number(0, 100)
    brackets = raw.get("document_number_brackets")
    for pair in brackets.items():
        if len(pair.text()) != 2:
            raise pair.fail(f"应为一对括号（两个字符，如“〔〕”），而不是“{pair.text()}”")
    return LintVocabulary(
        frozenset(raw.get("benefit_level1").texts()),
        frozenset(raw.get("vague_targets").texts()),
        raw.get("satisfaction_level1").text(),
        Decimal(str(minimum.raw)),
        frozenset(raw.get("timeliness_level2").texts()),
        raw.get("time_words").texts(),
        raw.get("restating_suffixes").texts(),
        raw.get("generic_phrases").texts(),
        raw.get("other_year_before").integer(0, 100),
        raw.get("other_year_after").integer(0, 100),
        brackets.texts(),
        raw.get("rate_suffixes").texts(),
        raw.get("uncapped_suffixes").texts(),
        frozenset(raw.get("rate_level1").texts()),
        _numerals(raw.get("year_numerals")),
        raw.get("year_numerals_before").text(),
        {unit: whole.decimal() for unit, whole in raw.get("rate_units").mapping().items()},
        _expected_level1(raw.get("expected_level1")),
        raw.get("year_range_joiners").texts(),
        _expected_branches(raw.get("expected_branches")),
    )


DEFAULT = "default"  # expected_level1's list for the frameworks it does not name
CATEGORIES = (WHOLE, PROJECT)  # the keys of expected_branches


def _expected_level1(raw: Value) -> dict[str, tuple[str, ...]]:
    """Framework name → the 一级 a declaration of it is expected to have; each a 一级 of the
    framework it is listed for."""
    known = frameworks()
    expected = {}
    for name, names in raw.mapping().items():
        listed = names.texts()
        if name != DEFAULT:
            framework = known.get(name)
            if framework is None:
                raise names.fail(f"未知的指标体系；可用：{DEFAULT}、{'、'.join(known)}")
            for level1 in listed:
                if framework.find(level1) is None:
                    raise names.fail(f"“{level1}”不是{name}的一级指标")
        expected[name] = listed
    if DEFAULT not in expected:
        raise raw.get(DEFAULT).fail("缺少该设置")
    return expected


def _expected_branches(raw: Value) -> dict[str, dict[str, tuple[tuple[Branch, ...], ...]]]:
    """Category → framework name (or DEFAULT) → what a declaration is expected to have: each a
    branch (`一级` or `一级/二级`) or a list of branches one of which will do. A branch listed
    for a framework by name is one of that framework's."""
    known = frameworks()
    expected: dict[str, dict[str, tuple[tuple[Branch, ...], ...]]] = {}
    for category, by_framework in raw.mapping().items():
        if category not in CATEGORIES:
            raise by_framework.fail(f"未知的表的类别；可用：{'、'.join(CATEGORIES)}")
        expected[category] = {}
        for name, items in by_framework.mapping().items():
            framework = known.get(name)
            if name != DEFAULT and framework is None:
                raise items.fail(f"未知的指标体系；可用：{DEFAULT}、{'、'.join(known)}")
            choices = []
            for item in items.items():
                paths = item.texts() if isinstance(item.raw, list) else (item.text(),)
                branches = tuple(_branch(item, path) for path in paths)
                for branch in branches:
                    if framework is not None and _find(framework, branch) is None:
                        path = "/".join(filter(None, (branch.level1, branch.level2)))
                        raise item.fail(f"“{path}”不是{name}的一级指标或其下的二级指标")
                if not branches:
                    raise item.fail("应至少列出一个一级或“一级/二级”")
                choices.append(branches)
            expected[category][name] = tuple(choices)
    return expected


def _branch(item: Value, path: str) -> Branch:
    parts = path.split("/")
    if len(parts) > 2 or not all(p.strip() for p in parts):
        raise item.fail(f"应写成“一级”或“一级/二级”，而不是“{path}”")
    return Branch(*(p.strip() for p in parts))


def _find(framework: Framework, branch: Branch) -> str | None:
    """The framework's spelling of `branch` (“产出指标 / 成本指标”), or None when it has none."""
    level1 = framework.find(branch.level1)
    if level1 is None:
        return None
    if not branch.level2:
        return level1.name
    level2 = level1.find(branch.level2)
    return f"{level1.name} / {level2}" if level2 is not None else None


def _numerals(raw: Value) -> dict[str, int]:
    """Numeral → digit (〇 → 0), each a single character that is no digit 0–9."""
    numerals = {}
    for numeral, digit in raw.mapping().items():
        if len(numeral) != 1 or "0" <= numeral <= "9":
            raise digit.fail("应为一个数字字符（如“〇”“二”）")
        numerals[numeral] = digit.integer(0, 9)
    return numerals


@dataclass(frozen=True)
class Aim:
    """One target of an indicator: its 指标值 (`field` "", at the indicator), or another target
    field of the row, such as a project's 中期指标值 (at its own place)."""

    level1: Level1
    level2: Level2
    indicator: Indicator
    field: str
    target: Target
    at: Location

    def subject(self, text: bool = True) -> str:
        """How a warning names it: “名称”的目标值 / “名称”的中期指标值 (or, without `text`, “名称”
        and “名称”的中期指标值, for a message that quotes the target after it)."""
        name = f"“{self.indicator.name}”"
        if self.field:
            return f"{name}的{self.field}"
        return f"{name}的目标值" if text else name


def aims(decl: Declaration) -> Iterator[Aim]:
    """Every target of every indicator, in form order: each indicator's 指标值, then its other
    targets (a project's 中期指标值)."""
    for level1, level2, indicator in decl.indicators():
        yield Aim(level1, level2, indicator, "", indicator.target, indicator.loc)
        at = f"{decl.goals_key}.{level1.name}.{level2.name}.{indicator.name}"
        for key, value in indicator.values.items():
            if isinstance(value, Target) and value is not indicator.target:
                yield Aim(level1, level2, indicator, key, value, decl.where(f"{at}.{key}"))


def _named(level: Level1 | Level2, names: frozenset[str]) -> bool:
    """Whether a 一级 or 二级 is one of `names`, as written or as its framework spells it (效益 is
    效益指标)."""
    return level.name in names or level.canonical in names


def lint_vague_benefit(decl: Declaration) -> Iterator[Diagnostic]:
    """L001: a qualitative 效益 target that is a bare verb (提升, 促进) cannot be measured."""
    words = vocabulary()
    for aim in aims(decl):
        target = aim.target
        vague = target.text in words.vague_targets or len(target.text) <= 1
        if _named(aim.level1, words.benefit_level1) and target.qualitative and vague:
            yield Diagnostic(
                aim.at,
                "L001",
                f"{aim.subject()}“{target.text}”无法衡量",
                '写出可衡量的目标，例如 ">=90%"、"=3项" 或具体的成果',
            )


def lint_unit_missing(decl: Declaration) -> Iterator[Diagnostic]:
    """L002: a number without a unit leaves the reader to guess what is counted (a unit in the
    row's 计量单位 column counts)."""
    unit = decl.kind.role_field("unit", decl.kind.indicator)  # a 计量单位 column, if any
    for aim in aims(decl):
        target = aim.target
        column = aim.indicator.values.get(unit.key) if unit is not None else None
        if not target.qualitative and not target.unit and not column:
            yield Diagnostic(
                aim.at,
                "L002",
                f"{aim.subject()}“{target.text}”没有单位",
                f'写明单位，例如 "{target.text}次"、"{target.text}起" 或 "{target.text}%"',
            )


def lint_low_satisfaction(decl: Declaration) -> Iterator[Diagnostic]:
    """L003: a satisfaction target in % below the usual floor (85 %)."""
    words = vocabulary()
    for aim in aims(decl):
        target = aim.target
        if (
            _named(aim.level1, frozenset({words.satisfaction_level1}))
            and target.number is not None
            and target.unit in ("%", "％")
            and target.number < words.satisfaction_minimum
        ):
            subject = aim.subject(text=False) + (" " if aim.field else "")
            yield Diagnostic(
                aim.at,
                "L003",
                f"满意度目标{subject}{target.text} 低于 {words.satisfaction_minimum}%",
                f'满意度目标一般不低于 {words.satisfaction_minimum}%，例如 ">=90%"',
            )


def lint_timeliness_without_time(decl: Declaration) -> Iterator[Diagnostic]:
    """L004: a 时效指标 whose name and targets say nothing about time."""
    words = vocabulary()
    for _, level2, indicator in decl.indicators():
        targets = [v.text for v in indicator.values.values() if isinstance(v, Target)]
        said = indicator.name + "".join(targets)
        if _named(level2, words.timeliness_level2) and not any(w in said for w in words.time_words):
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
    for aim in aims(decl):
        target = aim.target
        if (
            aim.indicator.name.endswith(words.restating_suffixes)
            and target.number == 100
            and target.unit in ("%", "％")
            and target.operator in ("=", ">=")
        ):
            subject = aim.subject(text=False) + (" " if aim.field else "")
            yield Diagnostic(
                aim.at,
                "L006",
                f"{subject}{target.text} 只是重复了任务本身",
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


_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CONTEXT = 12  # characters shown on each side of a flagged year


def lint_other_year(decl: Declaration) -> Iterator[Diagnostic]:
    """L008: a year near the 年度 but not it, in any text: last year's words, left by new-year."""
    for label, text, at in _texts(decl):
        for year, snippet in _other_years(text, decl.year):
            yield Diagnostic(
                at,
                "L008",
                f"{label}中的 {year} 不是本年度 {decl.year}：“{snippet}”",
                "若是沿用往年的文字，改为本年度的内容；确指那一年的可不改",
            )


def _texts(decl: Declaration) -> Iterator[tuple[str, str, Location]]:
    """Every text an author writes (label, text, where), in form order. Of a quantitative
    target only its unit: the number is the value, not a year."""
    for path, spec, value in decl.walk():
        if spec.type in (FieldType.TEXT, FieldType.LONG_TEXT) and isinstance(value, str):
            yield _label(decl, path, spec.key), value, decl.where(path)
        elif spec.type is FieldType.TEXTS and isinstance(value, tuple):
            for number, text in enumerate(value, start=1):
                yield f"{spec.key}第 {number} 条", str(text), decl.where(f"{path}[{number}]")
    goals = decl.goals_key
    for level1 in decl.goals:
        path = f"{goals}.{level1.name}"
        yield f"“{level1.name}”的{NOTE_KEY}", level1.note, decl.where(f"{path}.{NOTE_KEY}")
        for level2 in level1.children:
            for indicator in level2.indicators:
                at = f"{path}.{level2.name}.{indicator.name}"
                yield f"{decl.kind.levels[2]}名称", indicator.name, indicator.loc
                for key, value in indicator.values.items():
                    if isinstance(value, Target):  # of a quantitative one only its unit
                        text = value.text if value.qualitative else value.unit
                        yield f"“{indicator.name}”的{key}", text, decl.where(f"{at}.{key}")
                    elif isinstance(value, str):
                        yield f"“{indicator.name}”的{key}", value, decl.where(f"{at}.{key}")


def _label(decl: Declaration, path: str, key: str) -> str:
    """A text field as the warning names it: its key, or within a list's item the item's name
    and the key (“专委会工作”的主要内容)."""
    item = re.match(r"^(.*)\[(\d+)\]\.(.*)$", path)
    if item is None:
        return key
    spec = decl.kind.spec(re.sub(r"\[\d+\]", "", item.group(1)))
    name_field = decl.kind.role_field("key", spec.fields) if spec is not None else None
    if name_field is None or name_field.key == key:
        return key
    name = decl.get(f"{item.group(1)}")
    items = [i for i in name if isinstance(i, Record)] if isinstance(name, tuple) else []
    index = int(item.group(2)) - 1
    title = items[index].get(name_field.key) if index < len(items) else None
    return f"“{title}”的{key}" if isinstance(title, str) else key


def _years(text: str) -> Iterator[tuple[int, int, int]]:
    """Each year written in `text` — in 0–9 or full-width ０–９ (2023, ２０２３), or in Chinese
    numerals followed by 年 (二〇二三年) — as (year, start, end), in the order of the text."""
    words = vocabulary()
    digits = text.translate(_FULL_WIDTH_DIGITS)  # one character for one: places stay
    found = [(int(m.group()), *m.span()) for m in _YEAR.finditer(digits)]
    numerals = "".join(re.escape(n) for n in words.year_numerals)
    if numerals:
        spelled = re.compile(
            rf"(?<![{numerals}])[{numerals}]{{4}}(?={re.escape(words.year_numerals_before)})"
        )
        for match in spelled.finditer(text):
            value = int("".join(str(words.year_numerals[n]) for n in match.group()))
            found.append((value, *match.span()))
    return iter(sorted(found, key=lambda item: item[1]))


def _spanning(text: str, years: list[tuple[int, int, int]], year: int) -> set[int]:
    """The indexes in `years` (as _years gives them) of the two ends of each range of years
    that includes `year` (“2023年—2025年”, “2023-2025”: a period, such as a project's 项目期,
    not last year's words)."""
    words = vocabulary()
    spanning: set[int] = set()
    for number in range(len(years) - 1):
        (first, _, end), (last, start, _) = years[number], years[number + 1]
        joiner = text[end:start].replace(words.year_numerals_before, "").strip()
        if joiner in words.year_range_joiners and min(first, last) <= year <= max(first, last):
            spanning |= {number, number + 1}
    return spanning


def _other_years(text: str, year: int) -> Iterator[tuple[int, str]]:
    """Each year in `text` that L008 flags, with the text around it."""
    words = vocabulary()
    years = list(_years(text))
    spanning = _spanning(text, years, year)
    for number, (found, start, end) in enumerate(years):
        if (
            number in spanning
            or found == year
            or not year - words.other_year_before <= found <= year + words.other_year_after
        ):
            continue
        enclosing = text[start - 1 : start] + text[end : end + 1]
        if enclosing in words.document_number_brackets:
            continue
        before = text[max(start - _CONTEXT, 0) : start]
        after = text[end : end + _CONTEXT]
        snippet = ("…" if start > _CONTEXT else "") + before + text[start:end] + after
        snippet += "…" if end + _CONTEXT < len(text) else ""
        yield found, " ".join(snippet.split())


def lint_rate_over_100(decl: Declaration) -> Iterator[Diagnostic]:
    """L009: a rate (a name ending in 率 or 度, or any 满意度 indicator) above 100 % — in % or
    ‰ (rate_units), and `>100%`, which is above it too."""
    words = vocabulary()
    for aim in aims(decl):
        target = aim.target
        whole = words.rate_units.get(target.unit)
        if target.number is None or whole is None:
            continue
        if target.number < whole or (target.number == whole and target.operator != ">"):
            continue
        name = aim.indicator.name
        suffix = next((s for s in words.rate_suffixes if name.endswith(s)), None)
        if suffix is not None and not name.endswith(words.uncapped_suffixes):
            why = f"名称以“{suffix}”结尾"
        elif _named(aim.level1, words.rate_level1):
            why = f"属于{aim.level1.name}"
        else:
            continue
        yield Diagnostic(
            aim.at,
            "L009",
            f"{aim.subject()}“{target.text}”超过 100%：{why}，是一个比率",
            '比率最高 100%：核对数字，例如 ">=90%"',
        )


def lint_missing_level1(decl: Declaration) -> Iterator[Diagnostic]:
    """L010: a 一级 of the framework that the declaration leaves out entirely (no 满意度指标):
    which ones are expected is data (lint.yaml's expected_level1), per framework."""
    words = vocabulary()
    framework = decl.framework
    one, two, three = decl.kind.levels
    expected = words.expected_level1.get(framework.name, words.expected_level1[DEFAULT])
    written = {framework.find(level1.name) for level1 in decl.goals}
    for name in expected:
        spec = framework.find(name)
        if spec is not None and spec not in written:
            yield Diagnostic(
                decl.where(decl.goals_key),
                "L010",
                f"{decl.goals_key}中没有{one}“{spec.name}”（{framework.name}的{one}）",
                f"补上它和它的{two}、{three}；确实没有这类目标的，向审核人说明",
            )


def lint_missing_branch(decl: Declaration) -> Iterator[Diagnostic]:
    """L011: a part of the tree a form of its category should have (every project a 成本指标):
    which ones, per category and framework, is data (lint.yaml's expected_branches). Each
    expectation names the branches that will do; those its framework does not have are left
    out, and one it has none of is not expected."""
    words = vocabulary()
    by_framework = words.expected_branches.get(decl.kind.category, {})
    framework = decl.framework
    _, _, three = decl.kind.levels
    for choice in by_framework.get(framework.name, by_framework.get(DEFAULT, ())):
        known = [(branch, shown) for branch in choice if (shown := _find(framework, branch))]
        if not known or any(_has_indicators(decl, branch) for branch, _ in known):
            continue
        at = next(
            (
                level1.loc
                for branch, _ in known
                for level1 in decl.goals
                if branch.level2 and framework.find(level1.name) == framework.find(branch.level1)
            ),
            decl.where(decl.goals_key),
        )
        names = "或".join(f"“{shown}”" for _, shown in known)
        yield Diagnostic(
            at,
            "L011",
            f"{decl.goals_key}中没有{names}下的{three}（{framework.name}：{decl.kind.category}表都应设置）",
            f"补上至少一项{three}；确实没有这类目标的，向审核人说明",
        )


def _has_indicators(decl: Declaration, branch: Branch) -> bool:
    """Whether the declaration has a 三级 under `branch`."""
    framework = decl.framework
    wanted = framework.find(branch.level1)
    for level1 in decl.goals:
        if framework.find(level1.name) != wanted or wanted is None:
            continue
        for level2 in level1.children:
            if level2.indicators and (
                not branch.level2 or wanted.find(level2.name) == wanted.find(branch.level2)
            ):
                return True
    return False


RULES: tuple[Rule, ...] = (
    lint_vague_benefit,
    lint_unit_missing,
    lint_low_satisfaction,
    lint_timeliness_without_time,
    lint_same_indicator_twice,
    lint_restating_completion,
    lint_single_generic,
    lint_other_year,
    lint_rate_over_100,
    lint_missing_level1,
    lint_missing_branch,
)


def lint(decl: Declaration) -> list[Diagnostic]:
    """Every review warning for a valid declaration, in file order."""
    found = [d for rule in RULES for d in rule(decl)]
    return sorted(found, key=lambda d: (d.location, d.code))
