"""Semantic rules over a read declaration: a flat registry of pure `check_*` functions.

Each takes the Declaration and yields Diagnostics. Structural problems (types, keys) were already
reported by the schema reader; a rule skips values that were never written (`locations`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

from generator.errors import Diagnostic
from generator.model import GLOSSARY as G
from generator.model import Declaration
from generator.vocabulary import amount_units, taxonomy

Check = Callable[[Declaration], Iterator[Diagnostic]]

_SOURCES = f"{G['budget']}.{G['sources']}"
_STRUCTURE = f"{G['budget']}.{G['structure']}"
_TOTAL = f"{G['budget']}.{G['total']}"
_AMOUNT_PATHS: dict[str, Callable[[Declaration], Decimal]] = {
    _TOTAL: lambda d: d.budget.total,
    f"{_SOURCES}.{G['fiscal']}": lambda d: d.budget.fiscal,
    f"{_SOURCES}.{G['other_funds']}": lambda d: d.budget.other_funds,
    f"{_STRUCTURE}.{G['basic']}": lambda d: d.budget.basic,
    f"{_STRUCTURE}.{G['project']}": lambda d: d.budget.project,
    G["year_end_assets"]: lambda d: d.year_end_assets,
}


def check_amounts(decl: Declaration) -> Iterator[Diagnostic]:
    """Amounts are non-negative, with no more decimals than the 金额单位 allows."""
    places = amount_units()[decl.amount_unit].places
    for path, get in _AMOUNT_PATHS.items():
        if path not in decl.locations:
            continue
        value = get(decl)
        label = path.rsplit(".", 1)[-1]
        if value.is_signed():  # -0.00 too: it would print as written
            yield Diagnostic(decl.where(path), "E203", f"“{label}”不能为负数：{value}")
        if _decimals(value) > places:
            yield Diagnostic(
                decl.where(path),
                "E204",
                f"“{label}”{value} 超过 {places} 位小数",
                f"以{decl.amount_unit}为单位时最多 {places} 位小数",
            )


def _amount_reported(decl: Declaration, path: str) -> bool:
    """Whether `check_amounts` reports the amount at `path` (E203, E204)."""
    value = _AMOUNT_PATHS[path](decl)
    return value < 0 or _decimals(value) > amount_units()[decl.amount_unit].places


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def _check_sum(
    decl: Declaration, group: str, parts: tuple[str, str], code: str
) -> Iterator[Diagnostic]:
    paths = [_TOTAL, *(f"{group}.{G[p]}" for p in parts)]
    if not all(p in decl.locations for p in paths):
        return
    # an amount already reported (negative, too many decimals) would only repeat its problem
    if any(_amount_reported(decl, p) for p in paths):
        return
    total, first, second = (_AMOUNT_PATHS[p](decl) for p in paths)
    if first + second != total:
        difference = first + second - total
        # as many decimals as the figures have: a gap below the cent never prints as "0.00"
        places = max(2, *(_decimals(v) for v in (total, first, second)))

        def shown(value: Decimal) -> str:
            return f"{value:,.{places}f}"

        gap = f"多 {shown(difference)}" if difference > 0 else f"少 {shown(-difference)}"
        yield Diagnostic(
            decl.where(group),
            code,
            f"{G[parts[0]]} + {G[parts[1]]} = {shown(first + second)}"
            f" ≠ {G['total']} {shown(total)}（合计{gap}）",
            "核对各项金额，合计须与总额分毫不差",
        )


def check_budget_sources(decl: Declaration) -> Iterator[Diagnostic]:
    """财政拨款 + 其他资金 = 部门整体预算总额, to the cent."""
    yield from _check_sum(decl, _SOURCES, ("fiscal", "other_funds"), "E201")


def check_budget_structure(decl: Declaration) -> Iterator[Diagnostic]:
    """基本支出 + 项目支出 = 部门整体预算总额, to the cent."""
    yield from _check_sum(decl, _STRUCTURE, ("basic", "project"), "E202")


def check_year_matches_folder(decl: Declaration) -> Iterator[Diagnostic]:
    """A declaration in a folder named by a year declares that year."""
    folder = Path(decl.source).parent.name
    named_by_year = folder.isdigit() and len(folder) == 4
    if named_by_year and G["year"] in decl.locations and decl.year != int(folder):
        yield Diagnostic(
            decl.where(G["year"]),
            "E210",
            f"年度 {decl.year} 与所在文件夹 {folder} 不一致",
            f"改为 {folder}，或把文件移到 {decl.year} 文件夹",
        )


def check_unique_tasks(decl: Declaration) -> Iterator[Diagnostic]:
    """Each 任务名称 appears once (tasks are compared by name across years)."""
    seen: dict[str, int] = {}
    for task in decl.tasks:
        if task.name and task.name in seen:
            yield Diagnostic(
                task.loc, "E220", f"重点任务“{task.name}”重复（第一次在第 {seen[task.name]} 行）"
            )
        seen.setdefault(task.name, task.loc.line)


def check_taxonomy(decl: Declaration) -> Iterator[Diagnostic]:
    """一级 and 二级 names come from the framework, each 二级 under its own 一级."""
    framework = taxonomy()
    owner = {l2: spec.name for spec in framework.values() for l2 in spec.level2}
    if not decl.goals and G["goals"] in decl.locations:
        yield Diagnostic(decl.where(G["goals"]), "E304", "分解目标为空", "至少写一个一级目标")
    for level1 in decl.goals:
        spec = framework.get(level1.name)
        if spec is None:
            yield Diagnostic(
                level1.loc,
                "E301",
                f"未知的一级目标“{level1.name}”",
                _suggest(level1.name, list(framework)),
            )
            continue
        if not level1.children:
            yield Diagnostic(level1.loc, "E304", f"一级目标“{level1.name}”下没有二级目标")
        if level1.note and not spec.note_only:
            yield Diagnostic(
                level1.loc, "E305", f"一级目标“{level1.name}”下不能写说明", "把内容写成三级指标"
            )
        for level2 in level1.children:
            if level2.name not in spec.level2:
                home = owner.get(level2.name)
                hint = (
                    f"“{level2.name}”属于一级目标“{home}”"
                    if home
                    else _suggest(level2.name, list(spec.level2))
                )
                yield Diagnostic(
                    level2.loc,
                    "E302",
                    f"“{level2.name}”不是“{level1.name}”下的二级目标",
                    hint,
                )
            elif (
                not level2.indicators
                and not (spec.note_only and level1.note)
                # a 二级 whose shape was wrong was reported already and is not "empty"
                and f"{G['goals']}.{level1.name}.{level2.name}" in decl.locations
            ):
                yield Diagnostic(
                    level2.loc,
                    "E303",
                    f"二级目标“{level2.name}”下没有三级指标",
                    "至少写一项“指标名称: 目标值”",
                )


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.4)
    return f"是否应为“{close[0]}”？" if close else "可用：" + "、".join(known)


CHECKS: tuple[Check, ...] = (
    check_amounts,
    check_budget_sources,
    check_budget_structure,
    check_year_matches_folder,
    check_unique_tasks,
    check_taxonomy,
)


def validate(decl: Declaration) -> list[Diagnostic]:
    """Every semantic problem of `decl`."""
    return [diagnostic for check in CHECKS for diagnostic in check(decl)]
