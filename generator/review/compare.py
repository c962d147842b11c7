"""Semantic comparison of validated declarations: what changed between two years or revisions.

Compares models, never rendered files, keyed by stable identities and ignoring where things were
written (beancount's compare): indicators by (一级, 二级, 三级), tasks by 任务名称. Declarations
pair as review/pairing.py pairs them (整体 forms by 部门名称, projects by 项目名称 within their
department, then by file name; a project's new 项目名称 is a rename), each year with the same
year in a comparison over several year folders; year over year (each side one year, not the
same) any with any, and 年度 is the comparison's title, not a change. A file renamed or moved
is a change; so is a declaration added or removed. A name that disappears while a similar one
appears is reported as a likely rename, flagged as such, never silently paired. Unchanged items
are counted, not listed. Differences of numbers are exact, however many digits.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from math import floor

from generator.declaration.model import (
    KIND_KEY,
    Declaration,
    Indicator,
    Record,
    Target,
    Value,
    format_amount,
)
from generator.declaration.places import PROJECT, WHOLE
from generator.declaration.printed import amount_places, show
from generator.kinds.spec import FieldSpec, FieldType
from generator.kinds.vocabulary import base_unit, in_unit
from generator.render.context import _in_list, amounts_of
from generator.review.pairing import Pairing, pair_declarations
from generator.review.wording import EXACT as _EXACT
from generator.review.wording import number_change

RENAME_SIMILARITY = 0.6  # difflib ratio from which a removed and an added name look like one
PERCENT_LIMIT = 999_999  # a larger change in % is printed as "> +999,999 %"


@dataclass(frozen=True)
class Change:
    """One difference. `kind`: added, removed, changed, moved or renamed; `section`: header,
    budget, text, list or indicator (`group`: which list, e.g. 年度重点任务). `old`/`new` are as
    printed; `detail` explains the change (direction and size of a number, operator or unit
    change, a text's edit summary)."""

    kind: str
    section: str
    key: str
    old: str = ""
    new: str = ""
    detail: str = ""
    group: str = ""


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
    renamed_file: bool = False  # the file was renamed or moved: old_file → new_file
    old_file: str = ""  # the files' paths under what was compared
    new_file: str = ""
    paired_by: str = ""  # how the two were found to be one department (pairing.BY_…)
    note: str = ""  # what to know about the pairing (two 部门名称 paired by file name)
    category: str = WHOLE  # 整体 or 项目 (the new form's)
    project: str = ""  # a project's 项目名称 (the new one); "" for a 整体 form

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
    added: tuple[str, ...]  # declarations only on the new side: 部门名称（source）, for a
    removed: tuple[str, ...]  # project 部门名称：项目“项目名称”（source）
    summary: dict[str, int]
    notes: tuple[str, ...] = ()  # the pairs' notes, in order

    @property
    def different(self) -> bool:
        return bool(
            self.added or self.removed or any(p.changes or p.renamed_file for p in self.pairs)
        )


def compare_sets(
    old: Mapping[str, Declaration],
    new: Mapping[str, Declaration],
    old_label: str,
    new_label: str,
    pairing: Pairing | None = None,
) -> Comparison:
    """Pair the declarations of two sets, each keyed by its file's path under what was compared
    (a year folder: `x.yaml`; the declarations folder: `2023/x.yaml`), and compare each pair.
    Without a `pairing`, as pair_declarations pairs them: year over year any with any,
    otherwise each year with the same year."""
    old_years = {d.year for d in old.values()}
    new_years = {d.year for d in new.values()}
    year_over_year = len(old_years) == len(new_years) == 1 and old_years != new_years
    if pairing is None:
        pairing = pair_declarations(old, new, across_years=year_over_year)
    diffs = tuple(
        dataclasses.replace(
            compare(old[pair.old], new[pair.new]),
            renamed_file=pair.old != pair.new,
            old_file=pair.old,
            new_file=pair.new,
            paired_by=pair.by,
            note=pair.note,
        )
        for pair in pairing.pairs
    )
    added = tuple(_listed(new[k]) for k in pairing.added)
    removed = tuple(_listed(old[k]) for k in pairing.removed)
    summary = {
        kind: sum(d.count(kind) for d in diffs)
        for kind in ("added", "removed", "changed", "moved", "renamed")
    }
    summary["unchanged"] = sum(sum(d.unchanged.values()) for d in diffs)
    summary["declarations_added"] = len(added)
    summary["declarations_removed"] = len(removed)
    summary["files_renamed"] = sum(1 for d in diffs if d.renamed_file)
    return Comparison(
        old_label,
        new_label,
        min(old_years) if year_over_year else None,
        min(new_years) if year_over_year else None,
        diffs,
        added,
        removed,
        summary,
        tuple(d.note for d in diffs if d.note),
    )


def _listed(decl: Declaration) -> str:
    """A declaration added or removed, as the report lists it: its department, and a
    project's name."""
    if decl.kind.category == PROJECT:
        return f"{decl.department}：项目“{decl.project_name}”（{decl.source}）"
    return f"{decl.department}（{decl.source}）"


def compare(old: Declaration, new: Declaration) -> DeclarationDiff:
    """Every difference between two versions of one declaration, field by field of their
    kinds (a field one kind has and the other lacks counts as added or removed)."""
    changes: list[Change] = []
    unchanged: dict[str, int] = {}

    def tally(section: str, found: list[Change], compared: int) -> None:
        changes.extend(found)
        unchanged[section] = unchanged.get(section, 0) + compared - len(found)

    if old.kind.name != new.kind.name:
        changes.append(Change("changed", "header", KIND_KEY, old.kind.name, new.kind.name))
    before, after = _header_fields(old), _header_fields(new)
    renamed = _project_label(old) & _project_label(new)
    tally("header", _header_changes(before, after, renamed), len(before.keys() | after.keys()))
    budget_before, budget_after = amounts_of(old), amounts_of(new)
    tally(
        "budget",
        _budget_changes(old, new, budget_before, budget_after),
        len(budget_before.keys() | budget_after.keys()),
    )
    texts_before, texts_after = _texts(old), _texts(new)
    texts = []
    for name in dict.fromkeys([*texts_before, *texts_after]):
        was, now = texts_before.get(name, ""), texts_after.get(name, "")
        if was != now:
            detail = _text_detail(was, now)
            size = f"{len(was)} 字", f"{len(now)} 字"
            texts.append(Change("changed", "text", name, *size, detail))
    tally("text", texts, len(texts_before.keys() | texts_after.keys()))
    lists_before, lists_after = _lists(old), _lists(new)
    for name in dict.fromkeys([*lists_before, *lists_after]):
        found, same = _keyed_changes(
            "list",
            lists_before.get(name, {}),
            lists_after.get(name, {}),
            describe=lambda a, b: _text_detail(a, b),
            group=name,
        )
        changes.extend(found)
        unchanged["list"] = unchanged.get("list", 0) + same
    unchanged.setdefault("list", 0)
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
        category=new.kind.category,
        project=new.project_name,
    )


_HEADER_TYPES = frozenset(
    {
        FieldType.TEXT,
        FieldType.INTEGER,
        FieldType.NUMBER,
        FieldType.PERCENT,
        FieldType.DATE,
        FieldType.BOOL,
        FieldType.CHOICE,
        FieldType.UNIT,
    }
)


def _outside_lists(decl: Declaration) -> Iterator[tuple[str, FieldSpec, Value]]:
    for path, spec, value in decl.walk():
        if "[" not in path:
            yield path, spec, value


def _header_fields(decl: Declaration) -> dict[str, str]:
    """The compared single values (not amounts, long texts or lists), as printed, in the
    kind's order. Not 年度: it identifies the declaration (within one year) or the comparison
    (year over year). A flag prints as 是/否, and counts with its default when not written, as
    does the 金额单位."""
    fields: dict[str, str] = {}
    for path, spec in decl.kind.walk():
        if spec.type not in _HEADER_TYPES or spec.role == "year" or _in_list(decl.kind, path):
            continue
        value = decl.get(path)
        if spec.type is FieldType.BOOL:
            flag = value if isinstance(value, bool) else bool(spec.default)
            fields[_label(path)] = "是" if flag else "否"
        elif spec.role == "amount_unit":
            fields[_label(path)] = decl.amount_unit
        elif value is not None:
            fields[_label(path)] = show(spec, value)
    return fields


def _project_label(decl: Declaration) -> set[str]:
    """The label of a project's 项目名称 (role project_name), which names the project: a change
    of it is a rename."""
    path = decl.kind.role_path("project_name")
    return {_label(path)} if path else set()


def _header_changes(before: dict[str, str], after: dict[str, str], names: set[str]) -> list[Change]:
    changes = []
    for key in dict.fromkeys([*after, *before]):
        was, now = before.get(key), after.get(key)
        if was == now:
            continue
        if was is None:
            changes.append(Change("added", "header", key, "", now or ""))
        elif now is None:
            changes.append(Change("removed", "header", key, was, ""))
        else:
            numbers = re.fullmatch(r"\d+", was) and re.fullmatch(r"\d+", now)
            detail = number_change(Decimal(was), Decimal(now)) if numbers else ""
            if key in names:
                changes.append(Change("renamed", "header", key, was, now, "项目改名"))
            else:
                changes.append(Change("changed", "header", key, was, now, detail))
    return changes


def _label(path: str) -> str:
    """A field as reports name it: its path without the top group (资金来源：财政拨款)."""
    parts = path.split(".")
    return "：".join(parts[1:]) if len(parts) > 1 else parts[0]


def _texts(decl: Declaration) -> dict[str, str]:
    """Long texts and lists of texts, by key."""
    texts = {}
    for path, spec, value in _outside_lists(decl):
        if spec.type in (FieldType.LONG_TEXT, FieldType.TEXTS):
            texts[_label(path)] = show(spec, value)
    return texts


def _lists(decl: Declaration) -> dict[str, dict[str, str]]:
    """Each list's items by their key field (任务名称), or by position when it has none, with
    the rest of each item as one text: 主要内容：…；预算金额：总额：28.80 …"""
    lists: dict[str, dict[str, str]] = {}
    places = amount_places(decl)
    for path, spec, value in _outside_lists(decl):
        if spec.type is not FieldType.LIST or not isinstance(value, tuple):
            continue
        key = decl.kind.role_field("key", spec.fields)
        items: dict[str, str] = {}
        records = [item for item in value if isinstance(item, Record)]
        for number, item in enumerate(records, start=1):
            name = item.get(key.key) if key is not None else None
            label = name if isinstance(name, str) else f"第 {number} 项"
            parts = [
                f"{field_path}：{show(field, item.at(field_path), places)}"
                for field_path, field in _leaves(spec.fields, "")
                if (key is None or field_path != key.key) and item.at(field_path) is not None
            ]
            items[label] = "；".join(parts)
        lists[_label(path)] = items
    return lists


def _leaves(fields: tuple[FieldSpec, ...], prefix: str) -> Iterator[tuple[str, FieldSpec]]:
    for spec in fields:
        path = f"{prefix}.{spec.key}" if prefix else spec.key
        if spec.type is FieldType.GROUP:
            yield from _leaves(spec.fields, path)
        else:
            yield path, spec


def _budget_changes(
    old: Declaration, new: Declaration, before: dict[str, Decimal], after: dict[str, Decimal]
) -> list[Change]:
    """Changed amounts. Across a change of 金额单位 they are compared in 元, and each side is
    shown with its own unit."""
    changes = []
    old_places, new_places = amount_places(old), amount_places(new)
    same_unit = old.amount_unit == new.amount_unit
    yuan = base_unit()
    for key in dict.fromkeys([*after, *before]):
        was, now = before.get(key), after.get(key)
        if was is None or now is None:
            kind = "added" if was is None else "removed"
            value = now if now is not None else was
            assert value is not None
            places = new_places if now is not None else old_places
            unit = new.amount_unit if now is not None else old.amount_unit
            shown = f"{format_amount(value, places)}{'' if same_unit else ' ' + unit}"
            changes.append(
                Change(
                    kind,
                    "budget",
                    key,
                    shown if was is not None else "",  # 0.00 is shown too
                    shown if now is not None else "",
                )
            )
            continue
        if same_unit:
            if was != now:
                changes.append(
                    Change(
                        "changed",
                        "budget",
                        key,
                        format_amount(was, old_places),
                        format_amount(now, new_places),
                        _money_detail(was, now),
                    )
                )
            continue
        with localcontext(_EXACT):  # into 元 (worth 1): a product, exact
            was_yuan = in_unit(was, old.amount_unit, yuan)
            now_yuan = in_unit(now, new.amount_unit, yuan)
        if was_yuan == now_yuan:
            continue  # the same money written in another unit is no change
        units = f"金额单位 {old.amount_unit} → {new.amount_unit}"
        detail = f"{_money_detail(was_yuan, now_yuan)}（按{yuan.name}计；{units}）"
        changes.append(
            Change(
                "changed",
                "budget",
                key,
                f"{format_amount(was, old_places)} {old.amount_unit}",
                f"{format_amount(now, new_places)} {new.amount_unit}",
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


def target_change(old: Target, new: Target) -> str:
    """How a target changed, as `diff` says it (`↑ +30 个百分点`, `运算符 = → >=；↓ −1`,
    `定性 → 定量`); "" when it did not."""
    return "" if old == new else _target_detail(old, new)


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
        parts.append(
            number_change(old.number, new.number, new.unit if new.unit == old.unit else "")
        )
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
    group: str = "",
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
                    group,
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
        changes.append(Change("renamed", section, new_name, old_name, new_name, detail, group))
    changes += [Change("removed", section, n, _excerpt(before[n]), "", "", group) for n in removed]
    changes += [Change("added", section, n, "", _excerpt(after[n]), "", group) for n in added]
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
    """Indicators matched by (一级, 二级, 三级), the framework's spelling of 一级 and 二级 (so
    经济效益 and 经济效益指标 are one), shown as the new side writes them."""

    def keyed(decl: Declaration) -> dict[tuple[str, str, str], Indicator]:
        return {(l1.canonical, l2.canonical, i.name): i for l1, l2, i in decl.indicators()}

    def shown(decl: Declaration) -> dict[tuple[str, str, str], str]:
        return {
            (l1.canonical, l2.canonical, i.name): " / ".join((l1.name, l2.name, i.name))
            for l1, l2, i in decl.indicators()
        }

    before, after = keyed(old), keyed(new)
    names = {**shown(old), **shown(new)}
    changes = []
    same = 0
    for key, indicator in after.items():
        if key not in before:
            continue
        was = before[key]
        columns = _column_detail(was, indicator)
        if was.target != indicator.target:
            detail = "；".join(
                filter(None, (_target_detail(was.target, indicator.target), columns))
            )
        elif columns:
            detail = columns
        else:
            same += 1
            continue
        changes.append(
            Change(
                "changed",
                "indicator",
                names[key],
                was.target.text,
                indicator.target.text,
                detail,
            )
        )
    matched = matched_indicators(list(before), list(after))
    for origin, key, kind in matched:
        if kind == "moved":
            detail = f"{origin[0]} / {origin[1]} → {key[0]} / {key[1]}"
        else:
            detail = "名称相似，可能是改名"
        if before[origin].target != after[key].target:
            detail += f"；目标值 {before[origin].target.text} → {after[key].target.text}"
        moved = kind == "moved"  # a move shows the whole path, a rename the names
        changes.append(
            Change(
                kind,
                "indicator",
                names[key],
                names[origin] if moved else origin[2],
                names[key] if moved else key[2],
                detail,
            )
        )
    found_old, found_new = {m[0] for m in matched}, {m[1] for m in matched}
    removed = [k for k in before if k not in after and k not in found_old]
    added = [k for k in after if k not in before and k not in found_new]
    changes += [
        Change("removed", "indicator", names[k], before[k].target.text, "") for k in removed
    ]
    changes += [Change("added", "indicator", names[k], "", after[k].target.text) for k in added]
    return changes, same


IndicatorKey = tuple[str, str, str]  # (一级, 二级) as the framework spells them, 三级 name


def matched_indicators(
    before: list[IndicatorKey], after: list[IndicatorKey]
) -> list[tuple[IndicatorKey, IndicatorKey, str]]:
    """The indicators of `before` found again in `after` under another key, as (old key, new
    key, "moved" or "renamed"): first the same 三级 name under another 二级 (moved), then,
    within one 一级, a similar name that replaces another (a likely rename). `diff` reports
    them; `trend` joins their rows."""
    removed = [k for k in before if k not in after]
    added = [k for k in after if k not in before]
    found: list[tuple[IndicatorKey, IndicatorKey, str]] = []
    for key in list(added):
        origin = next((k for k in removed if k[2] == key[2]), None)
        if origin is not None:
            removed.remove(origin)
            added.remove(key)
            found.append((origin, key, "moved"))
    for level1 in dict.fromkeys(k[0] for k in added):
        gone = [k for k in removed if k[0] == level1]
        new_keys = [k for k in added if k[0] == level1]
        for i, j in _likely_renames([k[2] for k in gone], [k[2] for k in new_keys]):
            removed.remove(gone[i])
            added.remove(new_keys[j])
            found.append((gone[i], new_keys[j], "renamed"))
    return found


def _columns(indicator: Indicator) -> dict[str, str]:
    """An indicator's fields other than its target, as text (another target, such as a
    project's 中期指标值, as printed)."""
    return {
        k: v.text if isinstance(v, Target) else str(v)
        for k, v in indicator.values.items()
        if v is not indicator.target
    }


def _column_detail(old: Indicator, new: Indicator) -> str:
    """The indicator's other fields that changed: a target or a short value with its values
    (中期指标值 =42所 → =45所, 计量单位 万亩 → 亩, like the target itself), a long text by name
    (指标解释 有变化)."""
    before, after = _columns(old), _columns(new)
    changed = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    shown = [
        f"{k} {before.get(k) or '（无）'} → {after.get(k) or '（无）'}"
        for k in changed
        if _short(before.get(k, "")) and _short(after.get(k, ""))
    ]
    others = sorted(
        k for k in changed if not (_short(before.get(k, "")) and _short(after.get(k, "")))
    )
    if others:
        shown.append("、".join(others) + " 有变化")
    return "；".join(shown)


SHORT_VALUE = 20  # characters: a changed column value up to this long is shown, not only named


def _short(text: str) -> bool:
    return len(text) <= SHORT_VALUE and "\n" not in text


def _path(key: tuple[str, str, str]) -> str:
    return " / ".join(key)
