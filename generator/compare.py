"""Semantic comparison of validated declarations: what changed between two years or revisions.

Compares models, never rendered files, keyed by stable identities and ignoring where things were
written (beancount's compare): indicators by (一级, 二级, 三级), tasks by 任务名称. A declaration is
identified by (年度, 部门名称) and its file by its path under what was compared, so a comparison
over several year folders pairs each year with the same year: by path, then by (年度, 部门名称)
for a renamed file. Year over year (each side one year, not the same) files pair by file name,
then by 部门名称, and 年度 is the comparison's title, not a change. A name that disappears while
a similar one appears is reported as a likely rename, flagged as such, never silently paired.
Unchanged items are counted, not listed. Differences of numbers are exact, however many digits.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, localcontext
from fractions import Fraction
from math import floor

from generator.model import GLOSSARY as G
from generator.model import Declaration, Target, format_amount
from generator.vocabulary import base_unit, in_unit

RENAME_SIMILARITY = 0.6  # difflib ratio from which a removed and an added name look like one
PERCENT_LIMIT = 999_999  # a larger change in % is printed as "> +999,999 %"
# Sums, differences and products of decimals are exact in this context, whatever their digits.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


@dataclass(frozen=True)
class Change:
    """One difference. `kind`: added, removed, changed, moved or renamed; `section`: header,
    budget, text, task or indicator. `old`/`new` are as printed; `detail` explains the change
    (direction and size of a number, operator or unit change, a text's edit summary)."""

    kind: str
    section: str
    key: str
    old: str = ""
    new: str = ""
    detail: str = ""


@dataclass(frozen=True)
class DeclarationDiff:
    """The differences between two versions of one declaration."""

    name: str  # 部门名称 (the new one)
    old_source: str
    new_source: str
    old_year: int
    new_year: int
    changes: tuple[Change, ...]
    unchanged: dict[str, int]  # section → items compared and found equal
    renamed_file: bool = False

    def count(self, kind: str) -> int:
        return sum(1 for change in self.changes if change.kind == kind)


@dataclass(frozen=True)
class Comparison:
    """The whole comparison of two sets of declarations. `old_year`/`new_year` are set when it
    compares one year with another (year over year)."""

    old_label: str
    new_label: str
    old_year: int | None
    new_year: int | None
    pairs: tuple[DeclarationDiff, ...]  # in the order of the new side's files
    added: tuple[str, ...]  # declarations only on the new side (部门名称 (source))
    removed: tuple[str, ...]
    summary: dict[str, int]

    @property
    def different(self) -> bool:
        return bool(self.added or self.removed or any(p.changes for p in self.pairs))


def compare_sets(
    old: Mapping[str, Declaration],
    new: Mapping[str, Declaration],
    old_label: str,
    new_label: str,
) -> Comparison:
    """Pair the declarations of two sets, each keyed by its file's path under what was compared
    (a year folder: `x.yaml`; the declarations folder: `2023/x.yaml`; a single file: `.`), and
    compare each pair. Pairs by path; year over year then by file name and by 部门名称, otherwise
    by (年度, 部门名称)."""
    old_years = {d.year for d in old.values()}
    new_years = {d.year for d in new.values()}
    year_over_year = len(old_years) == len(new_years) == 1 and old_years != new_years
    unpaired = dict(old)
    found: dict[str, tuple[Declaration, bool]] = {}  # new key → (old declaration, renamed)
    rules: list[tuple[Callable[[str, Declaration], object], bool]] = [(lambda k, d: k, False)]
    if year_over_year:
        rules.append((lambda k, d: d.slug, False))
        rules.append((lambda k, d: d.department, True))
    else:
        rules.append((lambda k, d: (d.year, d.department), True))
    for identity, renamed in rules:
        candidates: dict[object, list[str]] = {}
        for key, decl in unpaired.items():
            candidates.setdefault(identity(key, decl), []).append(key)
        for key, decl in new.items():
            same = candidates.get(identity(key, decl))
            if key not in found and same:
                found[key] = (unpaired.pop(same.pop(0)), renamed)
    diffs = tuple(
        compare(found[key][0], decl, renamed_file=found[key][1])
        for key, decl in new.items()
        if key in found
    )
    added = tuple(f"{d.department}（{d.source}）" for key, d in new.items() if key not in found)
    removed = tuple(f"{d.department}（{d.source}）" for d in unpaired.values())
    summary = {
        kind: sum(d.count(kind) for d in diffs)
        for kind in ("added", "removed", "changed", "moved", "renamed")
    }
    summary["unchanged"] = sum(sum(d.unchanged.values()) for d in diffs)
    return Comparison(
        old_label,
        new_label,
        min(old_years) if year_over_year else None,
        min(new_years) if year_over_year else None,
        diffs,
        added,
        removed,
        summary,
    )


def compare(old: Declaration, new: Declaration, renamed_file: bool = False) -> DeclarationDiff:
    """Every difference between two versions of one declaration."""
    changes: list[Change] = []
    unchanged: dict[str, int] = {}

    def tally(section: str, found: list[Change], compared: int) -> None:
        changes.extend(found)
        unchanged[section] = compared - len(found)

    header = _header_changes(old, new)
    tally("header", header, len(_header_fields(old)))
    budget = _budget_changes(old, new)
    tally("budget", budget, len(old.amounts()))
    texts = []
    for name in ("duties", "annual_goal"):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            detail = _text_detail(before, after)
            size = f"{len(before)} 字", f"{len(after)} 字"
            texts.append(Change("changed", "text", G[name], *size, detail))
    tally("text", texts, 2)
    task_changes, task_same = _keyed_changes(
        "task",
        {t.name: t.content for t in old.tasks},
        {t.name: t.content for t in new.tasks},
        describe=lambda a, b: _text_detail(a, b),
    )
    changes.extend(task_changes)
    unchanged["task"] = task_same
    indicator_changes, indicator_same = _indicator_changes(old, new)
    changes.extend(indicator_changes)
    unchanged["indicator"] = indicator_same
    return DeclarationDiff(
        new.department,
        old.source,
        new.source,
        old.year,
        new.year,
        tuple(changes),
        unchanged,
        renamed_file,
    )


def _header_fields(decl: Declaration) -> dict[str, str]:
    """The compared header fields. Not 年度: it identifies the declaration (within one year)
    or the comparison (year over year), and is shown as such."""
    return {
        G["department"]: decl.department,
        G["consolidated"]: "是" if decl.consolidated else "否",
        G["subordinate_units"]: str(decl.subordinate_units),
        G["staff"]: str(decl.staff),
        G["internal_units"]: str(decl.internal_units),
        G["amount_unit"]: decl.amount_unit,
    }


def _header_changes(old: Declaration, new: Declaration) -> list[Change]:
    before, after = _header_fields(old), _header_fields(new)
    changes = []
    for key, value in after.items():
        if before[key] != value:
            detail = _number_detail(Decimal(before[key]), Decimal(value)) if value.isdigit() else ""
            changes.append(Change("changed", "header", key, before[key], value, detail))
    return changes


def _budget_changes(old: Declaration, new: Declaration) -> list[Change]:
    """Changed amounts. Across a change of 金额单位 they are compared in 元, and each side is
    shown with its own unit."""
    before, after = old.amounts(), new.amounts()
    if old.amount_unit == new.amount_unit:
        return [
            Change(
                "changed",
                "budget",
                key,
                format_amount(before[key]),
                format_amount(value),
                _money_detail(before[key], value),
            )
            for key, value in after.items()
            if before[key] != value
        ]
    yuan = base_unit()
    changes = []
    for key, value in after.items():
        with localcontext(_EXACT):  # into 元 (worth 1): a product, exact
            was = in_unit(before[key], old.amount_unit, yuan)
            now = in_unit(value, new.amount_unit, yuan)
        units = f"金额单位 {old.amount_unit} → {new.amount_unit}"
        detail = f"{_money_detail(was, now)}（按{yuan.name}计；{units}）"
        changes.append(
            Change(
                "changed",
                "budget",
                key,
                f"{format_amount(before[key])} {old.amount_unit}",
                f"{format_amount(value)} {new.amount_unit}",
                detail,
            )
        )
    return changes


def _money_detail(old: Decimal, new: Decimal) -> str:
    """Δ and Δ %: `Δ +582,752.00（+3.16 %）`."""
    delta = _EXACT.subtract(new, old)
    sign = "+" if delta >= 0 else "−"
    text = f"Δ {sign}{format_amount(delta.copy_abs())}"
    if old:
        text += f"（{_percent(delta, old)}）"
    return text


def _percent(delta: Decimal, base: Decimal) -> str:
    """`delta` as a share of `base`, exact, rounded half up to 0.01 %: `+3.16 %`. A change of
    more than PERCENT_LIMIT % (from almost nothing) is printed as `> +999,999 %`."""
    sign = "+" if delta >= 0 else "−"
    share = abs(Fraction(delta) * 100 / Fraction(base))
    if share > PERCENT_LIMIT:
        return f"> {sign}{PERCENT_LIMIT:,} %"
    hundredths = floor(share * 100 + Fraction(1, 2))
    return f"{sign}{Decimal(hundredths).scaleb(-2):,.2f} %"


def _number_detail(old: Decimal, new: Decimal) -> str:
    """The direction and size of a change of number: `↑ +30`."""
    if new == old:
        return ""
    arrow = "↑" if new > old else "↓"
    delta = _EXACT.subtract(new, old)
    return f"{arrow} {'+' if delta > 0 else '−'}{delta.copy_abs():f}"


def _target_detail(old: Target, new: Target) -> str:
    if old.qualitative or new.qualitative:
        if old.qualitative and new.qualitative:
            return "定性目标改写"
        return "定性 → 定量" if old.qualitative else "定量 → 定性"
    assert old.number is not None and new.number is not None
    parts = []
    if old.operator != new.operator:
        parts.append(f"运算符 {old.operator} → {new.operator}")
    if old.unit != new.unit:
        parts.append(f"单位 {old.unit or '（无）'} → {new.unit or '（无）'}")
    if old.number != new.number:
        parts.append(_number_detail(old.number, new.number))
    return "；".join(parts)


def _text_detail(old: str, new: str) -> str:
    """A character-level summary: how much was inserted and deleted, and what."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    inserted = deleted = 0
    samples = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            deleted += i2 - i1
            samples.append(f"删「{_excerpt(old[i1:i2], 16)}」")
        if tag in ("replace", "insert"):
            inserted += j2 - j1
            samples.append(f"增「{_excerpt(new[j1:j2], 16)}」")
    similarity = round(matcher.ratio() * 100)
    shown = "，".join(samples[:3]) + ("，……" if len(samples) > 3 else "")
    return f"增 {inserted} 字、删 {deleted} 字（相似度 {similarity} %）：{shown}"


def _excerpt(text: str, length: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def _keyed_changes(
    section: str,
    before: dict[str, str],
    after: dict[str, str],
    describe: Callable[[str, str], str],
) -> tuple[list[Change], int]:
    """Changes between two name → value mappings: changed values, likely renames, then what
    was really added or removed. Returns the changes and the count of unchanged items."""
    changes = []
    same = 0
    for name in before.keys() & after.keys():
        if before[name] == after[name]:
            same += 1
    for name, value in after.items():
        if name in before and before[name] != value:
            changes.append(
                Change(
                    "changed",
                    section,
                    name,
                    _excerpt(before[name]),
                    _excerpt(value),
                    describe(before[name], value),
                )
            )
    removed = [n for n in before if n not in after]
    added = [n for n in after if n not in before]
    for old_name, new_name in [(removed[i], added[j]) for i, j in _likely_renames(removed, added)]:
        removed.remove(old_name)
        added.remove(new_name)
        detail = "名称相似，可能是改名" + (
            "" if before[old_name] == after[new_name] else "，内容也有变化"
        )
        changes.append(Change("renamed", section, new_name, old_name, new_name, detail))
    changes += [Change("removed", section, n, _excerpt(before[n]), "") for n in removed]
    changes += [Change("added", section, n, "", _excerpt(after[n])) for n in added]
    return changes, same


def _likely_renames(removed: list[str], added: list[str]) -> list[tuple[int, int]]:
    """Index pairs (removed, added) of the most similar names, greedily, from
    RENAME_SIMILARITY up."""
    scored = sorted(
        (-difflib.SequenceMatcher(None, old, new, autojunk=False).ratio(), i, j)
        for i, old in enumerate(removed)
        for j, new in enumerate(added)
    )
    pairs: list[tuple[int, int]] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for score, i, j in scored:
        if -score >= RENAME_SIMILARITY and i not in used_old and j not in used_new:
            pairs.append((i, j))
            used_old.add(i)
            used_new.add(j)
    return pairs


def _indicator_changes(old: Declaration, new: Declaration) -> tuple[list[Change], int]:
    def keyed(decl: Declaration) -> dict[tuple[str, str, str], Target]:
        return {(l1.name, l2.name, i.name): i.target for l1, l2, i in decl.indicators()}

    before, after = keyed(old), keyed(new)
    changes = []
    same = 0
    for key, target in after.items():
        if key in before:
            if before[key] == target:
                same += 1
            else:
                changes.append(
                    Change(
                        "changed",
                        "indicator",
                        _path(key),
                        before[key].text,
                        target.text,
                        _target_detail(before[key], target),
                    )
                )
    removed = [k for k in before if k not in after]
    added = [k for k in after if k not in before]
    # The same 三级 name under another 二级: moved (and perhaps given a new target).
    for key in list(added):
        origin = next((k for k in removed if k[2] == key[2]), None)
        if origin is not None:
            removed.remove(origin)
            added.remove(key)
            detail = f"{origin[0]} / {origin[1]} → {key[0]} / {key[1]}"
            if before[origin] != after[key]:
                detail += f"；目标值 {before[origin].text} → {after[key].text}"
            changes.append(
                Change("moved", "indicator", _path(key), _path(origin), _path(key), detail)
            )
    # Within one 一级, a similar name that replaces another: a likely rename.
    for level1 in dict.fromkeys(k[0] for k in added):
        gone = [k for k in removed if k[0] == level1]
        new_keys = [k for k in added if k[0] == level1]
        for i, j in _likely_renames([k[2] for k in gone], [k[2] for k in new_keys]):
            origin, key = gone[i], new_keys[j]
            removed.remove(origin)
            added.remove(key)
            detail = "名称相似，可能是改名"
            if before[origin] != after[key]:
                detail += f"；目标值 {before[origin].text} → {after[key].text}"
            changes.append(Change("renamed", "indicator", _path(key), origin[2], key[2], detail))
    changes += [Change("removed", "indicator", _path(k), before[k].text, "") for k in removed]
    changes += [Change("added", "indicator", _path(k), "", after[k].text) for k in added]
    return changes, same


def _path(key: tuple[str, str, str]) -> str:
    return " / ".join(key)
