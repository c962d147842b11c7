"""Semantic rules over a read declaration: a flat registry of pure `check_*` functions, and the
kind's own rules (sums, column totals, comparisons, shares, scores, dates) applied as data says.

Each check takes the Declaration and yields Diagnostics. Structural problems (types, keys) were
already reported by the reader; a rule skips values that were never written, and a sum skips an
amount already reported as invalid (its figures would only repeat that problem).
`derived_values` gives what a kind computes when the form leaves it out (a 金额合计, a 占比).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from generator.declaration.load import same_name
from generator.declaration.model import NOTE_KEY, Declaration, Record, Value, format_amount
from generator.declaration.places import check_placement, full_path, year_folder
from generator.errors import Diagnostic, Location
from generator.kinds.spec import (
    AtMostRule,
    ColumnTotalRule,
    DateOrderRule,
    EqualRule,
    FieldType,
    FormKind,
    ScoresRule,
    SharesRule,
    SumRule,
    WithinYearRule,
)
from generator.kinds.vocabulary import amount_units

Check = Callable[[Declaration], Iterator[Diagnostic]]
PERCENT = Decimal("0.01")


def invalid_amounts(decl: Declaration) -> dict[str, Diagnostic]:
    """Amounts that are negative or have more decimals than the 金额单位 allows, by path."""
    places = amount_units()[decl.amount_unit].places
    found = {}
    for path, spec, value in decl.walk():
        if spec.type is not FieldType.AMOUNT or not isinstance(value, Decimal):
            continue
        label = _last(path)
        if value < 0 or (value == 0 and value.is_signed()):
            found[path] = Diagnostic(decl.where(path), "E203", f"“{label}”不能为负数：{value}")
            continue
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            found[path] = Diagnostic(
                decl.where(path),
                "E204",
                f"“{label}”{value} 超过 {places} 位小数",
                f"以{decl.amount_unit}为单位时最多 {places} 位小数",
            )
    return found


def check_amounts(decl: Declaration) -> Iterator[Diagnostic]:
    """Amounts are non-negative, with no more decimals than the 金额单位 allows."""
    yield from invalid_amounts(decl).values()


@dataclass(frozen=True)
class _Figure:
    path: str  # where it is (or would be) written
    value: Decimal


def _amount(decl: Declaration, path: str) -> Decimal | None:
    value = decl.get(path)
    return value if isinstance(value, Decimal) and not isinstance(value, bool) else None


def _sum_rules(decl: Declaration) -> Iterator[tuple[SumRule, str, list[str]]]:
    """Each sum rule with its total's and parts' full paths (once per list item for `each`)."""
    for rule in decl.kind.rules:
        if not isinstance(rule, SumRule):
            continue
        if not rule.each:
            yield rule, rule.total, list(rule.parts)
            continue
        items = decl.get(rule.each)
        for index in range(1, len(items) + 1 if isinstance(items, tuple) else 1):
            prefix = f"{rule.each}[{index}]"
            yield rule, f"{prefix}.{rule.total}", [f"{prefix}.{p}" for p in rule.parts]


def check_sums(decl: Declaration) -> Iterator[Diagnostic]:
    """Every sum rule of the kind: its total equals its parts, to the cent. An optional total
    that is not written is computed (derived_values), not checked."""
    bad = invalid_amounts(decl)
    written = _flat(decl)
    for rule, total_path, part_paths in _sum_rules(decl):
        total = written.get(total_path)
        parts = [written.get(p) for p in part_paths]
        figures = [p for p in parts if isinstance(p, Decimal)]
        if not isinstance(total, Decimal) or len(figures) != len(parts):
            continue
        if any(p in bad for p in (total_path, *part_paths)):
            continue
        found = sum(figures, Decimal(0))
        if found == total:
            continue
        labels = _labels([total_path, *part_paths])
        item = re.match(r"^(.*?\[\d+\])", total_path)
        prefix = f"{_item_label(item.group(1))}：" if item else ""
        show = _Shower([*figures, total])
        yield Diagnostic(
            decl.where(_common(part_paths) or total_path),
            rule.code,
            f"{prefix}{' + '.join(labels[1:])} = {show(found)} ≠ {labels[0]} {show(total)}"
            f"（合计{show.gap(found - total)}）",
            "核对各项金额，合计须与总额分毫不差",
        )


def check_column_totals(decl: Declaration) -> Iterator[Diagnostic]:
    """A written 金额合计 equals the column sums of its list."""
    bad = invalid_amounts(decl)
    written = _flat(decl)
    for rule in decl.kind.rules:
        if not isinstance(rule, ColumnTotalRule) or decl.get(rule.total) is None:
            continue
        items = decl.get(rule.list)
        if not isinstance(items, tuple):
            continue
        for column, into in zip(rule.columns, rule.into, strict=True):
            total_path = f"{rule.total}.{into}"
            total = written.get(total_path)
            cells = [f"{rule.list}[{i}].{column}" for i in range(1, len(items) + 1)]
            if not isinstance(total, Decimal) or any(c in bad for c in (total_path, *cells)):
                continue
            figures = [v for c in cells if isinstance(v := written.get(c), Decimal)]
            found = sum(figures, Decimal(0))
            if found != total:
                show = _Shower([*figures, total])
                name = _last(rule.total)
                yield Diagnostic(
                    decl.where(total_path),
                    rule.code,
                    f"“{name}”的{into} {show(total)} ≠ "
                    f"{rule.list}各项{column.replace('.', '')}之和 {show(found)}"
                    f"（合计{show.gap(total - found)}）",
                    f"改为 {show(found)}，或删去“{name}”让它自动计算",
                )


def check_comparisons(decl: Declaration) -> Iterator[Diagnostic]:
    """Two amounts of one form, both written, compared as the kind says: one not more than the
    other (a year's funds within the whole period's), or the same figure in two places."""
    bad = invalid_amounts(decl)
    for rule in decl.kind.rules:
        if not isinstance(rule, (AtMostRule, EqualRule)):
            continue
        first, second = (
            (rule.part, rule.whole) if isinstance(rule, AtMostRule) else (rule.first, rule.second)
        )
        one, other = _amount(decl, first), _amount(decl, second)
        if one is None or other is None or first in bad or second in bad:
            continue
        show = _Shower([one, other])
        names = _figure_labels(decl.kind, first, second)
        said = f"{names[0]} {show(one)}"
        if isinstance(rule, AtMostRule) and one > other:
            yield Diagnostic(
                decl.where(first),
                rule.code,
                f"{said} 大于{names[1]} {show(other)}（多 {show(one - other)}）",
                f"{names[0]}不能超过{names[1]}；核对两处金额",
            )
        elif isinstance(rule, EqualRule) and one != other:
            yield Diagnostic(
                decl.where(first),
                rule.code,
                f"{said} ≠ {names[1]} {show(other)}（相差 {show(abs(one - other))}）",
                f"两处是同一笔钱，金额应相同：核对{names[0]}和{names[1]}",
            )


def _figure_labels(kind: FormKind, first: str, second: str) -> tuple[str, str]:
    """How a message names two amounts: their paths after what they share, the keys joined
    by 的, without the key a group's shorthand stands for (支出构成的项目支出, not
    支出构成的项目支出的金额)."""
    common = _common([first, second])
    labels = []
    for path in (first, second):
        parent, _, key = path.rpartition(".")
        spec = kind.spec(parent) if parent else None
        if spec is not None and spec.shorthand == key:
            path = parent
        keys = path[len(common) :].lstrip(".").split(".") if common else path.split(".")
        labels.append("的".join(keys))
    return labels[0], labels[1]


def _flat(decl: Declaration) -> dict[str, Value]:
    """Every written value by its path, list items included ("年度主要任务[2].预算金额.总额")."""
    return {path: value for path, _, value in decl.walk()}


def _share(part: Decimal, total: Decimal) -> Decimal | None:
    if total == 0:
        return None
    return (part * 100 / total).quantize(PERCENT, rounding=ROUND_HALF_UP)


def check_shares(decl: Declaration) -> Iterator[Diagnostic]:
    """A written 占比 equals its amount's share of the total, to 0.01 %; a total of 0 has no
    shares, so none may be written."""
    for rule in decl.kind.rules:
        if not isinstance(rule, SharesRule):
            continue
        group = decl.get(rule.group)
        total = _amount(decl, f"{rule.group}.{rule.total}.{rule.amount}")
        if not isinstance(group, Record) or total is None:
            continue
        for key in group:
            share_path = f"{rule.group}.{key}.{rule.share}"
            written = decl.get(share_path)
            amount = _amount(decl, f"{rule.group}.{key}.{rule.amount}")
            if not isinstance(written, Decimal) or amount is None:
                continue
            computed = _share(amount, total)
            if computed is None:  # a share of nothing: no 占比 can be right
                yield Diagnostic(
                    decl.where(share_path),
                    rule.code,
                    f"“{key}”的{rule.share} {written}% 与金额不符：{rule.total}为 0，"
                    f"没有{rule.share}",
                    f"删去{rule.share}，或核对金额",
                )
            elif abs(written - computed) > PERCENT / 2:
                yield Diagnostic(
                    decl.where(share_path),
                    rule.code,
                    f"“{key}”的{rule.share} {written}% 与金额不符："
                    f"{amount} / {total} = {computed}%",
                    f"改为 {computed}%，或删去{rule.share}让它自动计算",
                )


def check_scores(decl: Declaration) -> Iterator[Diagnostic]:
    """When any indicator has a 分值, they add up to the declared total (or the default)."""
    score = decl.kind.role_field("score", decl.kind.indicator)
    if score is None:
        return
    for rule in decl.kind.rules:
        if not isinstance(rule, ScoresRule):
            continue
        scored = [
            (i, i.values.get(score.key)) for _, _, i in decl.indicators() if score.key in i.values
        ]
        if not scored:
            continue
        declared = decl.get(rule.field)
        expected = declared if isinstance(declared, Decimal) else rule.default
        found = sum((s for _, s in scored if isinstance(s, Decimal)), Decimal(0))
        missing = [i for _, _, i in decl.indicators() if score.key not in i.values]
        if missing:  # the sum means nothing yet: say what is missing
            yield Diagnostic(
                missing[0].loc,
                rule.code,
                f"填了{score.key}的表要每项三级指标都填：另有 {len(missing)} 项没有{score.key}"
                f"（第一项：“{missing[0].name}”）",
                f"给每项三级指标写{score.key}，合计为 {expected.normalize():f}",
            )
        elif found != expected:
            yield Diagnostic(
                decl.where(rule.field) if declared is not None else scored[0][0].loc,
                rule.code,
                f"各三级指标{score.key}之和为 {found.normalize():f}，应为 {expected.normalize():f}",
                f"调整各项{score.key}，或写明“{rule.field}”",
            )


def check_dates(decl: Declaration) -> Iterator[Diagnostic]:
    """Dates in order (开始 ≤ 结束), and periods that overlap the 年度."""
    for rule in decl.kind.rules:
        if isinstance(rule, DateOrderRule):
            first, second = decl.get(rule.first), decl.get(rule.second)
            if isinstance(first, date) and isinstance(second, date) and first > second:
                yield Diagnostic(
                    decl.where(rule.second),
                    rule.code,
                    f"“{_last(rule.second)}”{second.isoformat()} "
                    f"早于“{_last(rule.first)}”{first.isoformat()}",
                    "核对起止日期",
                )
        elif isinstance(rule, WithinYearRule):
            yield from _within_year(decl, rule)


def _within_year(decl: Declaration, rule: WithinYearRule) -> Iterator[Diagnostic]:
    """A period overlaps its 年度. With one date written, that date says enough: an end
    before the year, or a start after it, leaves no overlap whatever the other date is."""
    start, end = decl.get(rule.start), decl.get(rule.end)
    year = decl.year
    hint = f"项目期应与 {year} 年度有交集；核对日期或年度"
    ends_before = isinstance(end, date) and end.year < year
    starts_after = isinstance(start, date) and start.year > year
    if not year or not (ends_before or starts_after):
        return
    if isinstance(start, date) and isinstance(end, date):
        span = f"{start.isoformat()} — {end.isoformat()}"
        message = f"{_last(rule.start)}至{_last(rule.end)}（{span}）不在 {year} 年度之内"
        yield Diagnostic(decl.where(rule.start), rule.code, message, hint)
    elif isinstance(end, date):
        message = f"{_last(rule.end)} {end.isoformat()} 在 {year} 年度之前"
        yield Diagnostic(decl.where(rule.end), rule.code, message, hint)
    elif isinstance(start, date):
        message = f"{_last(rule.start)} {start.isoformat()} 在 {year} 年度之后"
        yield Diagnostic(decl.where(rule.start), rule.code, message, hint)


def check_year_matches_folder(decl: Declaration) -> Iterator[Diagnostic]:
    """A declaration lives in a folder named by its year (declarations/2023/), and declares
    that year; one in a folder that is not a year (2023年/, the declarations folder itself) is
    warned about, since its outputs go to the year it declares, not to a folder like its own."""
    path = decl.kind.role_path("year")
    folders = full_path(decl.source).parent.parts
    folder = year_folder(decl.source)
    if not folder and folders and path in decl.locations:
        yield Diagnostic(
            Location(decl.source, 1, 1),
            "W211",
            f"文件不在以年度命名的文件夹中（“{folders[-1]}”不是年度）",
            f"放到 declarations/{decl.year}/ 中，与输出 build/{decl.year}/ 对应",
        )
    if folder and path in decl.locations and decl.year != int(folder):
        yield Diagnostic(
            decl.where(path),
            "E210",
            f"{path} {decl.year} 与所在文件夹 {folder} 不一致",
            f"改为 {folder}，或把文件移到 {decl.year} 文件夹",
        )


def check_unique_keys(decl: Declaration) -> Iterator[Diagnostic]:
    """In a list with a key field (任务名称), each name appears once (lists are compared by it
    across years); names are compared as keys are, so that names that only look alike are one."""
    for path, spec, value in decl.walk():
        key = decl.kind.role_field("key", spec.fields) if spec.type is FieldType.LIST else None
        if key is None or not isinstance(value, tuple):
            continue
        seen: dict[str, tuple[str, int]] = {}  # compared as keys are (same_name)
        for index, item in enumerate(value, start=1):
            name = item.get(key.key) if isinstance(item, Record) else None
            if not isinstance(name, str):
                continue
            where = decl.where(f"{path}[{index}]")
            same = same_name(name)
            if same in seen:
                first, line = seen[same]
                how = ""
                if first != name:
                    how = f"，写作“{first}”；只差首尾空格、全角/半角或 Unicode 写法的名称是同一个"
                yield Diagnostic(
                    where, "E220", f"{spec.key}中的“{name}”重复（第一次在第 {line} 行{how}）"
                )
            seen.setdefault(same, (name, where.line))


def check_framework(decl: Declaration) -> Iterator[Diagnostic]:
    """一级 and 二级 names come from the framework, each 二级 under its own 一级, each 二级 with
    its 三级 (unless the framework allows an empty placeholder, or a note stands for them)."""
    framework = decl.framework
    key = decl.goals_key
    one, two, three = decl.kind.levels
    names = [spec.name for spec in framework.level1]
    if not decl.goals and key in decl.locations:
        yield Diagnostic(decl.where(key), "E304", f"{key}为空", f"至少写一个{one}")
    seen1: dict[str, int] = {}
    for level1 in decl.goals:
        spec = framework.find(level1.name)
        if spec is None:
            yield Diagnostic(
                level1.loc, "E301", f"未知的{one}“{level1.name}”", _suggest(level1.name, names)
            )
            continue
        if spec.name in seen1:
            yield Diagnostic(
                level1.loc,
                "E306",
                f"{one}“{level1.name}”与第 {seen1[spec.name]} 行的是同一项",
                "合并为一项（名称带不带“指标”都是同一项）",
            )
        seen1.setdefault(spec.name, level1.loc.line)
        if not level1.children:
            yield Diagnostic(level1.loc, "E304", f"{one}“{level1.name}”下没有{two}")
        if level1.note and not spec.note_only:
            yield Diagnostic(
                level1.loc,
                "E305",
                f"{one}“{level1.name}”下不能写{NOTE_KEY}",
                f"把内容写成{three}",
            )
        seen2: dict[str, int] = {}
        for level2 in level1.children:
            found = spec.find(level2.name)
            if found is None:
                home = framework.owner(level2.name)
                hint = (
                    f"“{level2.name}”属于{one}“{home.name}”"
                    if home
                    else _suggest(level2.name, list(spec.level2))
                )
                yield Diagnostic(
                    level2.loc, "E302", f"“{level2.name}”不是“{level1.name}”下的{two}", hint
                )
                continue
            if found in seen2:
                yield Diagnostic(
                    level2.loc,
                    "E306",
                    f"{two}“{level2.name}”与第 {seen2[found]} 行的是同一项",
                    "合并为一项（名称带不带“指标”都是同一项）",
                )
            seen2.setdefault(found, level2.loc.line)
            path = f"{key}.{level1.name}.{level2.name}"
            if (
                not level2.indicators
                and not framework.empty_level2
                and not (spec.note_only and level1.note)
                and path in decl.locations  # a 二级 of the wrong shape was reported already
                and not _written_under(decl, path)  # its 三级 were written, and reported
            ):
                yield Diagnostic(
                    level2.loc,
                    "E303",
                    f"{two}“{level2.name}”下没有{three}",
                    "至少写一项“指标名称: 目标值”",
                )


def _written_under(decl: Declaration, path: str) -> bool:
    """Whether anything was written under `path` (a 三级 whose target was reported)."""
    prefix = f"{path}."
    return any(p.startswith(prefix) for p in decl.locations)


def check_indicator_columns(decl: Declaration) -> Iterator[Diagnostic]:
    """Indicator values the form has no column for are warned (W404), never dropped in
    silence; a target whose unit disagrees with its 计量单位 column is warned (W403)."""
    unprinted = [f for f in decl.kind.indicator if not f.printed]
    unit = decl.kind.role_field("unit", decl.kind.indicator)
    for _, _, indicator in decl.indicators():
        for spec in unprinted:
            if spec.key in indicator.values:
                yield Diagnostic(
                    indicator.loc,
                    "W404",
                    f"“{indicator.name}”的{spec.key}不会印在“{decl.kind.name}”表上（该表样没有这一列）",
                    "它只出现在摘要（.md）中；要印出，请换用有这一列的表样",
                )
        column = indicator.values.get(unit.key) if unit is not None else None
        target = indicator.target
        # Compared in NFKC (㎡ and m2, ％ and %): a unit is printed as written, and two
        # spellings of one unit are not a disagreement.
        differs = isinstance(column, str) and _same_unit(target.unit) != _same_unit(column)
        if target.unit and differs:
            yield Diagnostic(
                indicator.loc,
                "W403",
                f"“{indicator.name}”的指标值单位“{target.unit}”与计量单位“{column}”不一致",
                f"去掉指标值里的单位，或把计量单位改为“{target.unit}”",
            )


def _same_unit(unit: str) -> str:
    return unicodedata.normalize("NFKC", unit).strip()


CHECKS: tuple[Check, ...] = (
    check_amounts,
    check_sums,
    check_column_totals,
    check_comparisons,
    check_shares,
    check_scores,
    check_dates,
    check_year_matches_folder,
    check_placement,
    check_unique_keys,
    check_framework,
    check_indicator_columns,
)


def validate(decl: Declaration) -> list[Diagnostic]:
    """Every semantic problem of `decl`."""
    return [diagnostic for check in CHECKS for diagnostic in check(decl)]


def derived_values(decl: Declaration) -> dict[str, Decimal]:
    """What the kind computes when the form leaves it out: the totals of sum rules whose
    total is optional and not written, 金额合计 from its list's columns, 占比 from amounts."""
    derived: dict[str, Decimal] = {}
    written = _flat(decl)
    for rule in decl.kind.rules:
        if isinstance(rule, ColumnTotalRule):
            items = decl.get(rule.list)
            if isinstance(items, tuple):
                for column, into in zip(rule.columns, rule.into, strict=True):
                    path = f"{rule.total}.{into}"
                    if _amount(decl, path) is None:
                        cells = [
                            written.get(f"{rule.list}[{i}].{column}")
                            for i in range(1, len(items) + 1)
                        ]
                        derived[path] = sum(
                            (c for c in cells if isinstance(c, Decimal)), Decimal(0)
                        )
        elif isinstance(rule, SumRule) and not rule.each and _amount(decl, rule.total) is None:
            parts = [_amount(decl, p) for p in rule.parts]
            if (
                parts
                and all(p is not None for p in parts)
                and decl.get(_parent(rule.total)) is not None
            ):
                derived[rule.total] = sum((p for p in parts if p is not None), Decimal(0))
        elif isinstance(rule, SharesRule):
            group = decl.get(rule.group)
            total_path = f"{rule.group}.{rule.total}.{rule.amount}"
            total = _amount(decl, total_path)
            if total is None:
                total = derived.get(total_path)
            if isinstance(group, Record) and total is not None:
                for key in group:
                    amount = _amount(decl, f"{rule.group}.{key}.{rule.amount}")
                    share = _share(amount, total) if amount is not None else None
                    path = f"{rule.group}.{key}.{rule.share}"
                    if share is not None and decl.get(path) is None:
                        derived[path] = share
    return derived


# -- messages -------------------------------------------------------------------------------


def _last(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path.rsplit(".", 1)[-1])


def _parent(path: str) -> str:
    return path.rpartition(".")[0]


def _common(paths: list[str]) -> str:
    """The longest common dotted prefix of `paths`."""
    split = [p.split(".") for p in paths]
    common = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return ".".join(common)


def _labels(paths: list[str]) -> list[str]:
    """Short names for a rule's figures: their last keys, or, where those collide, what follows
    the paths' common part (收入构成合计金额 and 支出构成合计金额)."""
    last = [_last(p) for p in paths]
    if len(set(last)) == len(last):
        return last
    common = _common(paths)
    return [re.sub(r"\[\d+\]", "", p[len(common) :].lstrip(".")).replace(".", "") for p in paths]


def _item_label(path: str) -> str:
    match = re.match(r"^(.*)\[(\d+)\]$", path)
    return f"{match.group(1)}第 {match.group(2)} 项" if match else path


class _Shower:
    """Prints the figures of one message with the decimals that show every one of them
    exactly (at least 2): a gap below the cent never reads "0.00"."""

    def __init__(self, figures: list[Decimal]) -> None:
        self.places = 2
        for value in figures:
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int):
                self.places = max(self.places, -exponent)

    def __call__(self, value: Decimal) -> str:
        return format_amount(value, self.places)

    def gap(self, difference: Decimal) -> str:
        return f"多 {self(difference)}" if difference > 0 else f"少 {self(-difference)}"


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.4)
    return f"是否应为“{close[0]}”？" if close else "可用：" + "、".join(known)
