"""Semantic comparison of validated declarations: what changed between two years or revisions.

Compares models, never rendered files, keyed by stable identities and ignoring where things were
written (beancount's compare): indicators by (一级, 二级, 三级), tasks by 任务名称. Declarations
pair as review/pairing.py pairs them (整体 forms by 部门名称, projects by 项目名称 within their
department, then by file name; a project's new 项目名称 is a rename), each year with the same
year in a comparison over several year folders; year over year (each side one year, not the
same) any with any, and 年度 is the comparison's title, not a change. A file renamed or moved
is a change; so is a declaration added or removed. A name that disappears while a similar one
appears is reported as a likely rename, flagged as such, never silently paired; a list item
renamed or changed says what changed in each of its fields. A change of the order the form
prints things in (tasks, the indicators of a 二级, the 二级 of a 一级, the 一级, the texts of a
list) is one change per list (review/order.py). Amounts are compared in 元: the same money in
another 金额单位 is no change (the switch of unit is said, not counted). Unchanged items are
counted, not listed. Differences of numbers are exact, however many digits; a change of a share
(%, ‰) is said in points (review/wording.py).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from math import floor
from typing import TypeVar

from generator.declaration.model import (
    KIND_KEY,
    Declaration,
    Indicator,
    Level1,
    Level2,
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
from generator.review.order import Reorder, reorder
from generator.review.pairing import Pairing, pair_declarations
from generator.review.wording import EXACT as _EXACT
from generator.review.wording import number_change

RENAME_SIMILARITY = 0.6  # difflib ratio from which a removed and an added name look like one
PERCENT_LIMIT = 999_999  # a larger change in % is printed as "> +999,999 %"
_T = TypeVar("_T")
PERCENT = "%"  # the unit a percent field prints with: its changes are said in points
KINDS = ("added", "removed", "changed", "moved", "reordered", "renamed")  # of a Change


@dataclass(frozen=True)
class Change:
    """One difference. `kind`: added, removed, changed, moved (an indicator to another 二级),
    reordered (a list printed in another order: one change per list) or renamed; `section`:
    header, budget, text, list or indicator (`group`: which list, e.g. 年度重点任务). `old`/`new`
    are as printed; `detail` explains the change (direction and size of a number, operator or
    unit change, a text's edit summary, each changed field of a list item, which items moved)."""

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
    old_unit: str = ""  # each side's 金额单位: when they differ, amounts are compared in 元
    new_unit: str = ""  # and the switch itself is no change

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
    summary = {kind: sum(d.count(kind) for d in diffs) for kind in KINDS}
    summary["unchanged"] = sum(sum(d.unchanged.values()) for d in diffs)
    summary["declarations_added"] = len(added)
    summary["declarations_removed"] = len(removed)
    summary["files_renamed"] = sum(1 for d in diffs if d.renamed_file)
    summary["declarations_unchanged"] = sum(
        1 for d in diffs if not d.changes and not d.renamed_file
    )
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
    sides = _Sides(old, new, amount_places(old), amount_places(new))

    def tally(section: str, found: list[Change], compared: int) -> None:
        changes.extend(found)
        unchanged[section] = unchanged.get(section, 0) + compared - len(found)

    if old.kind.name != new.kind.name:
        changes.append(Change("changed", "header", KIND_KEY, old.kind.name, new.kind.name))
    before, after = _header_fields(old), _header_fields(new)
    renamed = _role_label(old, "project_name") & _role_label(new, "project_name")
    units = _role_label(old, "amount_unit") | _role_label(new, "amount_unit")
    tally(
        "header",
        _header_changes(before, after, renamed, units),
        len(before.keys() | after.keys()),
    )
    budget_before, budget_after = amounts_of(old), amounts_of(new)
    tally(
        "budget",
        _budget_changes(sides, budget_before, budget_after),
        len(budget_before.keys() | budget_after.keys()),
    )
    texts_before, texts_after = _texts(old), _texts(new)
    tally("text", _text_changes(texts_before, texts_after), len(texts_before | texts_after))
    lists_before, lists_after = _lists(old), _lists(new)
    unchanged["list"] = 0
    for name in dict.fromkeys([*lists_before, *lists_after]):
        found, same = _list_changes(
            name, lists_before.get(name, _List()), lists_after.get(name, _List()), sides
        )
        changes.extend(found)
        unchanged["list"] += same
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
        old_unit=old.amount_unit,
        new_unit=new.amount_unit,
    )


@dataclass(frozen=True)
class _Sides:
    """The two declarations compared, with the decimals each prints its amounts with."""

    old: Declaration
    new: Declaration
    old_places: int
    new_places: int

    @property
    def same_unit(self) -> bool:
        return self.old.amount_unit == self.new.amount_unit


@dataclass(frozen=True)
class _Shown:
    """A value as compared: as printed, with its field and value; an amount also in 元, so
    that the same money in another 金额单位 compares equal."""

    text: str
    spec: FieldSpec
    value: Value | None = None
    yuan: Decimal | None = None

    def same(self, other: _Shown) -> bool:
        if self.yuan is not None and other.yuan is not None:
            return self.yuan == other.yuan
        return self.text == other.text


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
_NUMBER_TYPES = frozenset({FieldType.INTEGER, FieldType.NUMBER, FieldType.PERCENT})


def _outside_lists(decl: Declaration) -> Iterator[tuple[str, FieldSpec, Value]]:
    for path, spec, value in decl.walk():
        if "[" not in path:
            yield path, spec, value


def _header_fields(decl: Declaration) -> dict[str, _Shown]:
    """The compared single values (not amounts, long texts or lists), as printed, in the
    kind's order. Not 年度: it identifies the declaration (within one year) or the comparison
    (year over year). A flag prints as 是/否, and counts with its default when not written, as
    does the 金额单位."""
    fields: dict[str, _Shown] = {}
    for path, spec in decl.kind.walk():
        if spec.type not in _HEADER_TYPES or spec.role == "year" or _in_list(decl.kind, path):
            continue
        value = decl.get(path)
        if spec.type is FieldType.BOOL:
            flag = value if isinstance(value, bool) else bool(spec.default)
            fields[_label(path)] = _Shown("是" if flag else "否", spec)
        elif spec.role == "amount_unit":
            fields[_label(path)] = _Shown(decl.amount_unit, spec)
        elif value is not None:
            fields[_label(path)] = _Shown(show(spec, value), spec, value)
    return fields


def _role_label(decl: Declaration, role: str) -> set[str]:
    """The label of the field with `role`, if the kind has one: a project's 项目名称 (a change
    of it is a rename), the 金额单位 (a change of it alone is none)."""
    path = decl.kind.role_path(role)
    return {_label(path)} if path else set()


def _header_changes(
    before: dict[str, _Shown], after: dict[str, _Shown], names: set[str], units: set[str]
) -> list[Change]:
    """Changed single values; a change of `names` is a rename. A change of the 金额单位
    (`units`) is none: the amounts are compared in 元 (DeclarationDiff says the switch)."""
    changes = []
    for key in dict.fromkeys([*after, *before]):
        was, now = before.get(key), after.get(key)
        if was is not None and now is not None and was.text == now.text:
            continue
        if was is None:
            changes.append(Change("added", "header", key, "", now.text if now else ""))
        elif now is None:
            changes.append(Change("removed", "header", key, was.text, ""))
        elif key in names:
            changes.append(Change("renamed", "header", key, was.text, now.text, "项目改名"))
        elif key not in units:
            detail = _number_detail(was, now)
            changes.append(Change("changed", "header", key, was.text, now.text, detail))
    return changes


def _number_detail(was: _Shown, now: _Shown) -> str:
    """The direction and size of a changed number (in points for a percent), or ""."""
    old, new = was.value, now.value
    if was.spec.type not in _NUMBER_TYPES or now.spec.type not in _NUMBER_TYPES:
        return ""
    if not isinstance(old, (int, Decimal)) or not isinstance(new, (int, Decimal)):
        return ""
    if isinstance(old, bool) or isinstance(new, bool):
        return ""
    percent = was.spec.type is now.spec.type is FieldType.PERCENT
    return number_change(Decimal(old), Decimal(new), PERCENT if percent else "")


def _label(path: str) -> str:
    """A field as reports name it: its path without the top group (资金来源：财政拨款)."""
    parts = path.split(".")
    return "：".join(parts[1:]) if len(parts) > 1 else parts[0]


def _texts(decl: Declaration) -> dict[str, _Shown]:
    """Long texts and lists of texts, by key."""
    texts = {}
    for path, spec, value in _outside_lists(decl):
        if spec.type in (FieldType.LONG_TEXT, FieldType.TEXTS):
            texts[_label(path)] = _Shown(show(spec, value), spec, value)
    return texts


def _text_changes(before: dict[str, _Shown], after: dict[str, _Shown]) -> list[Change]:
    """Changed texts; a list of texts whose texts are the same in another order is one
    change of order."""
    changes = []
    for name in dict.fromkeys([*before, *after]):
        was, now = before.get(name), after.get(name)
        old, new = was.text if was else "", now.text if now else ""
        if old == new:
            continue
        order = _texts_reordered(was, now)
        if order is not None:
            changes.append(_reordered("text", name, order))
            continue
        size = f"{len(old)} 字", f"{len(new)} 字"
        changes.append(Change("changed", "text", name, *size, _text_detail(old, new)))
    return changes


def _texts_reordered(was: _Shown | None, now: _Shown | None) -> Reorder | None:
    """The change of order of a list of texts that holds the same texts in another order."""
    olds, news = (
        [str(text) for text in shown.value]
        if shown is not None and isinstance(shown.value, tuple)
        else []
        for shown in (was, now)
    )
    matched = _permutation(olds, news, str.__eq__) if olds and news else None
    return reorder(olds, news, matched) if matched is not None else None


@dataclass(frozen=True)
class _Item:
    """A list item as compared: `name` keys it (its key field, 任务名称, or 第 n 项 in a list
    without one), `label` names it in an order (the key, or its first field's value), and
    `fields` holds its other fields by label (预算金额：总额)."""

    name: str
    label: str
    fields: dict[str, _Shown]

    def same(self, other: _Item) -> bool:
        return self.fields.keys() == other.fields.keys() and all(
            field.same(other.fields[label]) for label, field in self.fields.items()
        )

    @property
    def content(self) -> str:
        return "；".join(f"{label} {field.text}" for label, field in self.fields.items())


@dataclass(frozen=True)
class _List:
    """A list's items in their order; `keyed` when they are named by a key field."""

    keyed: bool = True
    items: tuple[_Item, ...] = ()


def _lists(decl: Declaration) -> dict[str, _List]:
    """Each list's items, by the list's label."""
    lists: dict[str, _List] = {}
    places = amount_places(decl)
    yuan = base_unit()
    for path, spec, value in _outside_lists(decl):
        if spec.type is not FieldType.LIST or not isinstance(value, tuple):
            continue
        key = decl.kind.role_field("key", spec.fields)
        items = []
        records = [item for item in value if isinstance(item, Record)]
        for number, record in enumerate(records, start=1):
            fields: dict[str, _Shown] = {}
            for field_path, field in _leaves(spec.fields, ""):
                written = record.at(field_path)
                if (key is not None and field_path == key.key) or written is None:
                    continue
                in_yuan = None
                if field.type is FieldType.AMOUNT and isinstance(written, Decimal):
                    with localcontext(_EXACT):  # into 元 (worth 1): a product, exact
                        in_yuan = in_unit(written, decl.amount_unit, yuan)
                shown = show(field, written, places)
                fields["：".join(field_path.split("."))] = _Shown(shown, field, written, in_yuan)
            name = record.get(key.key) if key is not None else None
            if isinstance(name, str):
                items.append(_Item(name, name, fields))
            else:
                first = next(iter(fields.values()), None)
                items.append(_Item(f"第 {number} 项", first.text if first else "", fields))
        lists[_label(path)] = _List(key is not None, tuple(items))
    return lists


def _leaves(fields: tuple[FieldSpec, ...], prefix: str) -> Iterator[tuple[str, FieldSpec]]:
    for spec in fields:
        path = f"{prefix}.{spec.key}" if prefix else spec.key
        if spec.type is FieldType.GROUP:
            yield from _leaves(spec.fields, path)
        else:
            yield path, spec


def _list_changes(
    name: str, before: _List, after: _List, sides: _Sides
) -> tuple[list[Change], int]:
    """The changes of one list (items changed, likely renamed, removed, added, and its order)
    and the count of its unchanged items. A list without a key field is compared item by item
    in order, unless it holds the same items in another order: one change of order."""
    if not (before.keyed and after.keyed):
        matched = _permutation(before.items, after.items, _Item.same)
        if matched is not None:
            order = reorder(
                [i.label for i in before.items], [i.label for i in after.items], matched
            )
            found = [] if order is None else [_reordered("list", name, order, name)]
            return found, len(after.items)
    old_items = {item.name: item for item in before.items}
    new_items = {item.name: item for item in after.items}
    changes = []
    same = 0
    for item in after.items:
        was = old_items.get(item.name)
        if was is None:
            continue
        if was.same(item):
            same += 1
            continue
        old, new, detail = _item_changes(was, item, sides)
        changes.append(Change("changed", "list", item.name, old, new, detail, name))
    removed = [n for n in old_items if n not in new_items]
    added = [n for n in new_items if n not in old_items]
    matched_names = {n: n for n in old_items if n in new_items}
    for old_name, new_name in [(removed[i], added[j]) for i, j in _likely_renames(removed, added)]:
        removed.remove(old_name)
        added.remove(new_name)
        matched_names[old_name] = new_name
        _, _, fields = _item_changes(old_items[old_name], new_items[new_name], sides)
        detail = "；".join(filter(None, ("名称相似，可能是改名", fields)))
        changes.append(Change("renamed", "list", new_name, old_name, new_name, detail, name))
    changes += [
        Change("removed", "list", n, _excerpt(old_items[n].content), "", "", name) for n in removed
    ]
    changes += [
        Change("added", "list", n, "", _excerpt(new_items[n].content), "", name) for n in added
    ]
    if before.keyed and after.keyed:
        old_at = {item.name: i for i, item in enumerate(before.items)}
        new_at = {item.name: i for i, item in enumerate(after.items)}
        order = reorder(
            [i.label for i in before.items],
            [i.label for i in after.items],
            [(old_at[o], new_at[n]) for o, n in matched_names.items()],
        )
        if order is not None:
            changes.append(_reordered("list", name, order, name))
    return changes, same


def _reordered(section: str, key: str, order: Reorder, group: str = "") -> Change:
    return Change("reordered", section, key, order.old, order.new, order.moves, group)


def _permutation(
    before: Sequence[_T], after: Sequence[_T], same: Callable[[_T, _T], bool]
) -> list[tuple[int, int]] | None:
    """The positions (before, after) of the same items when `after` holds the items of
    `before` (each once), in any order; None when it does not."""
    if len(before) != len(after):
        return None
    unused = list(range(len(before)))
    matched = []
    for j, item in enumerate(after):
        i = next((i for i in unused if same(before[i], item)), None)
        if i is None:
            return None
        unused.remove(i)
        matched.append((i, j))
    return matched


def _item_changes(old: _Item, new: _Item, sides: _Sides) -> tuple[str, str, str]:
    """What changed in a list item, field by field: the changed fields' old values, their
    new values, and each change said (an amount with its Δ, a long text with its edit
    summary, a number with its direction), each led by the field's label, joined by ；."""
    olds, news, details = [], [], []
    for label in dict.fromkeys([*old.fields, *new.fields]):
        was, now = old.fields.get(label), new.fields.get(label)
        if was is not None and now is not None and was.same(now):
            continue
        before, after, detail = _field_change(was, now, sides)
        olds.append(f"{label} {_excerpt(before)}")
        news.append(f"{label} {_excerpt(after)}")
        details.append(f"{label} {detail}")
    return "；".join(olds), "；".join(news), "；".join(details)


def _field_change(was: _Shown | None, now: _Shown | None, sides: _Sides) -> tuple[str, str, str]:
    """A changed field's old and new value as printed ("（无）" where not written) and what
    changed: an amount its Δ (each side with its unit across a change of 金额单位), a long text
    its edit summary, a number its direction."""
    field = now or was
    assert field is not None
    if field.spec.type in (FieldType.LONG_TEXT, FieldType.TEXTS):
        old_text, new_text = (s.text if s else "" for s in (was, now))
        return old_text or "（无）", new_text or "（无）", _text_detail(old_text, new_text)
    if (
        was is not None
        and now is not None
        and isinstance(was.value, Decimal)
        and isinstance(now.value, Decimal)
        and field.spec.type is FieldType.AMOUNT
    ):
        amount = _amount_change(was.value, now.value, sides)
        assert amount is not None  # the fields differ
        old, new, money = amount
        return old, new, f"{old} → {new}，{money}"
    amount_unit = field.spec.type is FieldType.AMOUNT and not sides.same_unit
    old = (was.text + (f" {sides.old.amount_unit}" if amount_unit else "")) if was else "（无）"
    new = (now.text + (f" {sides.new.amount_unit}" if amount_unit else "")) if now else "（无）"
    number = _number_detail(was, now) if was is not None and now is not None else ""
    return old, new, f"{old} → {new}" + (f"，{number}" if number else "")


def _budget_changes(
    sides: _Sides, before: dict[str, Decimal], after: dict[str, Decimal]
) -> list[Change]:
    """Changed amounts. Across a change of 金额单位 they are compared in 元, and each side is
    shown with its own unit."""
    changes = []
    old, new = sides.old, sides.new
    for key in dict.fromkeys([*after, *before]):
        was, now = before.get(key), after.get(key)
        if was is None or now is None:
            kind = "added" if was is None else "removed"
            value = now if now is not None else was
            assert value is not None
            places = sides.new_places if now is not None else sides.old_places
            unit = new.amount_unit if now is not None else old.amount_unit
            shown = f"{format_amount(value, places)}{'' if sides.same_unit else ' ' + unit}"
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
        amount = _amount_change(was, now, sides)
        if amount is not None:
            changes.append(Change("changed", "budget", key, *amount))
    return changes


def _amount_change(was: Decimal, now: Decimal, sides: _Sides) -> tuple[str, str, str] | None:
    """An amount's old and new value as printed and its Δ, or None when it is the same money.
    Across a change of 金额单位 compared in 元, each side shown with its own unit."""
    old_shown = format_amount(was, sides.old_places)
    new_shown = format_amount(now, sides.new_places)
    if sides.same_unit:
        return None if was == now else (old_shown, new_shown, _money_detail(was, now))
    yuan = base_unit()
    old_unit, new_unit = sides.old.amount_unit, sides.new.amount_unit
    with localcontext(_EXACT):  # into 元 (worth 1): a product, exact
        was_yuan = in_unit(was, old_unit, yuan)
        now_yuan = in_unit(now, new_unit, yuan)
    if was_yuan == now_yuan:
        return None  # the same money written in another unit is no change
    units = f"金额单位 {old_unit} → {new_unit}"
    detail = f"{_money_detail(was_yuan, now_yuan)}（按{yuan.name}计；{units}）"
    return f"{old_shown} {old_unit}", f"{new_shown} {new_unit}", detail


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


def _target_detail(old: Target, new: Target, units: tuple[str, str] = ("", "")) -> str:
    """What changed in a target: its kind, operator, unit, number. `units` are each side's
    unit where the target's number has none of its own (its row's 计量单位), so that a share
    written `>=85` beside 计量单位 % changes in points too."""
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
    old_unit, new_unit = old.unit or units[0], new.unit or units[1]
    if old.number != new.number and old_unit == new_unit:  # numbers in two units: no size
        parts.append(number_change(old.number, new.number, new_unit))
    return "；".join(parts) or "写法改变，数值相同"


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


IndicatorKey = tuple[str, str, str]  # (一级, 二级) as the framework spells them, 三级 name


def _indicator_changes(old: Declaration, new: Declaration) -> tuple[list[Change], int]:
    """Indicators matched by (一级, 二级, 三级), the framework's spelling of 一级 and 二级 (so
    经济效益 and 经济效益指标 are one), shown as the new side writes them."""

    def keyed(decl: Declaration) -> dict[IndicatorKey, Indicator]:
        return {(l1.canonical, l2.canonical, i.name): i for l1, l2, i in decl.indicators()}

    def shown(decl: Declaration) -> dict[IndicatorKey, str]:
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
        columns = _column_detail(old, new, was, indicator)
        if was.target != indicator.target:
            units = _unit(old, was), _unit(new, indicator)
            detail = "；".join(
                filter(None, (_target_detail(was.target, indicator.target, units), columns))
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
    matched = {k: k for k in after if k in before}
    found = matched_indicators(list(before), list(after))
    for origin, key, kind in found:
        moved = kind == "moved"  # a move shows the whole path, a rename the names
        said = (
            f"{origin[0]} / {origin[1]} → {key[0]} / {key[1]}" if moved else "名称相似，可能是改名"
        )
        detail = "；".join(
            filter(None, (said, _indicator_detail(old, new, before[origin], after[key])))
        )
        if moved:
            changes.append(Change(kind, "indicator", names[key], names[origin], names[key], detail))
        else:
            matched[origin] = key
            changes.append(Change(kind, "indicator", names[key], origin[2], key[2], detail))
    found_old, found_new = {m[0] for m in found}, {m[1] for m in found}
    removed = [k for k in before if k not in after and k not in found_old]
    added = [k for k in after if k not in before and k not in found_new]
    changes += [
        Change("removed", "indicator", names[k], before[k].target.text, "") for k in removed
    ]
    changes += [Change("added", "indicator", names[k], "", after[k].target.text) for k in added]
    return changes + _indicator_orders(old, new, matched), same


def _indicator_detail(
    old_decl: Declaration, new_decl: Declaration, old: Indicator, new: Indicator
) -> str:
    """What changed in an indicator that was renamed or moved: its target with its values
    and what changed in it (目标值 =15所 → =16所，↑ +1), and its other fields."""
    target = ""
    if old.target != new.target:
        units = _unit(old_decl, old), _unit(new_decl, new)
        said = _target_detail(old.target, new.target, units)
        target = f"目标值 {old.target.text} → {new.target.text}" + (f"，{said}" if said else "")
    return "；".join(filter(None, (target, _column_detail(old_decl, new_decl, old, new))))


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


def _unit(decl: Declaration, indicator: Indicator) -> str:
    """The unit of an indicator's row (its 计量单位 column), if the kind has one."""
    field = decl.kind.role_field("unit", decl.kind.indicator)
    value = indicator.values.get(field.key) if field is not None else None
    return value if isinstance(value, str) else ""


def _indicator_orders(
    old: Declaration, new: Declaration, matched: dict[IndicatorKey, IndicatorKey]
) -> list[Change]:
    """Changes of the order the form prints the indicator tree in: its 一级, the 二级 of each
    一级, the 三级 of each 二级 (those `matched` on both sides: the same, or renamed within
    their 二级). The 一级 and 二级 are matched by the framework's spelling."""
    changes = []

    def add(key: str, order: Reorder | None) -> None:
        if order is not None:
            changes.append(_reordered("indicator", key, order))

    add(new.goals_key, _order_by_name(old.goals, new.goals))
    old_levels = {l1.canonical: l1 for l1 in old.goals}
    for level1 in new.goals:
        was = old_levels.get(level1.canonical)
        if was is None:
            continue
        add(level1.name, _order_by_name(was.children, level1.children))
        old_children = {l2.canonical: l2 for l2 in was.children}
        for level2 in level1.children:
            origin = old_children.get(level2.canonical)
            if origin is None:
                continue
            ids = level1.canonical, level2.canonical
            old_at = {i.name: n for n, i in enumerate(origin.indicators)}
            new_at = {i.name: n for n, i in enumerate(level2.indicators)}
            pairs = [
                (old_at[o[2]], new_at[n[2]])
                for o, n in matched.items()
                if o[:2] == n[:2] == ids and o[2] in old_at and n[2] in new_at
            ]
            order = reorder(
                [i.name for i in origin.indicators], [i.name for i in level2.indicators], pairs
            )
            add(f"{level1.name} / {level2.name}", order)
    return changes


def _order_by_name(
    old: Sequence[Level1 | Level2], new: Sequence[Level1 | Level2]
) -> Reorder | None:
    """The change of order of the 一级 (or 二级) named alike on both sides (by the framework's
    spelling; shown as written)."""
    new_at: dict[str, int] = {}
    for n, level in enumerate(new):
        new_at.setdefault(level.canonical, n)
    old_at: dict[str, int] = {}
    for n, level in enumerate(old):
        old_at.setdefault(level.canonical, n)
    pairs = [(old_at[name], new_at[name]) for name in old_at if name in new_at]
    return reorder([x.name for x in old], [x.name for x in new], pairs)


def _columns(indicator: Indicator) -> dict[str, Value]:
    """An indicator's fields other than its target (another target, such as a project's
    中期指标值, among them)."""
    return {k: v for k, v in indicator.values.items() if v is not indicator.target}


def _column_detail(
    old_decl: Declaration, new_decl: Declaration, old: Indicator, new: Indicator
) -> str:
    """The indicator's other fields that changed: a target or a short value with its values
    (中期指标值 =42所 → =45所，↑ +3, like the target itself; 计量单位 万亩 → 亩), a long text by
    name (指标解释 有变化)."""
    before, after = _columns(old), _columns(new)
    changed = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    texts = {k: (_as_text(before.get(k)), _as_text(after.get(k))) for k in changed}
    shown = []
    for k in changed:
        was, now = texts[k]
        if not (_short(was) and _short(now)):
            continue
        said = f"{k} {was or '（无）'} → {now or '（无）'}"
        old_value, new_value = before.get(k), after.get(k)
        if isinstance(old_value, Target) and isinstance(new_value, Target):
            units = _unit(old_decl, old), _unit(new_decl, new)
            detail = _target_detail(old_value, new_value, units)
            said += f"，{detail}" if detail else ""
        shown.append(said)
    others = sorted(k for k in changed if not (_short(texts[k][0]) and _short(texts[k][1])))
    if others:
        shown.append("、".join(others) + " 有变化")
    return "；".join(shown)


def _as_text(value: Value | None) -> str:
    if value is None:
        return ""
    return value.text if isinstance(value, Target) else str(value)


SHORT_VALUE = 20  # characters: a changed column value up to this long is shown, not only named


def _short(text: str) -> bool:
    return len(text) <= SHORT_VALUE and "\n" not in text
