"""Indicator frameworks (指标体系) as data: which 一级 and 二级 names a form may use.

A framework file lists its 一级 in the form's order, each with its 二级; `extends` takes another
framework and `add` gives a region's own 二级 (or 一级). Names are matched with or without their
trailing 指标 (经济效益 = 经济效益指标) and printed as the declaration writes them; so a framework
may not hold two 一级, or two 二级 of one 一级, that are one name that way, nor one 二级 under two
一级 (a form's 二级 cell, read without its 一级, could not be placed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.kinds.spec import KindError

SUFFIX = "指标"


def canonical(name: str) -> str:
    """The name as frameworks are compared: without a trailing 指标 (经济效益指标 → 经济效益)."""
    return name.removesuffix(SUFFIX) if name != SUFFIX else name


@dataclass(frozen=True)
class Level1Spec:
    """One 一级 of a framework and the 二级 allowed under it."""

    name: str
    level2: tuple[str, ...]
    note_only: bool  # its 二级 may be listed without 三级 when the 一级 has a 说明

    def find(self, name: str) -> str | None:
        """The framework's spelling of 二级 `name` (with or without 指标), or None."""
        wanted = canonical(name)
        return next((n for n in self.level2 if canonical(n) == wanted), None)


@dataclass(frozen=True)
class Framework:
    """A named framework: its 一级 in order, and whether an empty 二级 is a placeholder."""

    name: str
    level1: tuple[Level1Spec, ...]
    empty_level2: bool  # True: a 二级 with no 三级 prints as an empty row; False: an error

    def find(self, name: str) -> Level1Spec | None:
        """The 一级 `name` (with or without 指标), or None."""
        wanted = canonical(name)
        return next((spec for spec in self.level1 if canonical(spec.name) == wanted), None)

    def owner(self, level2: str) -> Level1Spec | None:
        """The 一级 that 二级 `level2` belongs to, if any."""
        return next((spec for spec in self.level1 if spec.find(level2)), None)

    def rank(self, level1: str) -> int:
        """The position of 一级 `level1` in the form's order (unknown names last)."""
        spec = self.find(level1)
        return self.level1.index(spec) if spec else len(self.level1)


_KEYS = {"name", "extends", "empty_level2", "level1", "add"}


def parse_framework(raw: Any, source: str, known: Mapping[str, Framework]) -> Framework:
    """A Framework from a file's data; `known` are the frameworks it may extend."""
    if not isinstance(raw, Mapping):
        raise KindError(f"{source}: 顶层 应为“键: 值”的映射")
    unknown = sorted(str(k) for k in raw if k not in _KEYS)
    if unknown:
        raise KindError(f"{source}: {unknown[0]} 未知的设置；可用：{'、'.join(sorted(_KEYS))}")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise KindError(f"{source}: name 缺少指标体系的名称")
    base = raw.get("extends")
    levels: dict[str, Level1Spec] = {}
    empty = False
    if base is not None:
        if base not in known:
            raise KindError(f"{source}: extends 未知的指标体系“{base}”")
        levels = {spec.name: spec for spec in known[base].level1}
        empty = known[base].empty_level2
    for key in ("level1", "add"):
        for level1, spec in _level1(raw.get(key), source, key):
            old = levels.get(level1)
            if old is None:
                _check_new_level1(levels, spec, source, key)
            _check_new_level2(levels, old, spec, source, key)
            if key == "add" and old is not None:
                spec = Level1Spec(level1, old.level2 + spec.level2, old.note_only or spec.note_only)
            levels[level1] = spec
    if not levels:
        raise KindError(f"{source}: level1 没有一级指标")
    flag = raw.get("empty_level2", empty)
    if not isinstance(flag, bool):
        raise KindError(f"{source}: empty_level2 应为 true 或 false")
    return Framework(name, tuple(levels.values()), flag)


_SAME = "（名称带不带“指标”都是同一项）"


def _check_new_level1(
    levels: Mapping[str, Level1Spec], new: Level1Spec, source: str, key: str
) -> None:
    """A new 一级 is not one the framework has under another spelling (产出 = 产出指标)."""
    other = next((n for n in levels if canonical(n) == canonical(new.name)), None)
    if other is not None:
        raise KindError(f"{source}: {key}.{new.name} 一级“{new.name}”与“{other}”是同一项{_SAME}")


def _check_new_level2(
    levels: Mapping[str, Level1Spec],
    old: Level1Spec | None,
    new: Level1Spec,
    source: str,
    key: str,
) -> None:
    """The 二级 of `new` (which replaces, or with `add` extends, `old`) are each one name once
    in their 一级 and in no other 一级."""
    at = f"{source}: {key}.{new.name} 二级"
    seen: dict[str, str] = {}
    kept = old.level2 if key == "add" and old is not None else ()
    for name in (*kept, *new.level2):
        same = seen.get(canonical(name))
        if same == name:
            raise KindError(f"{at}“{name}”重复")
        if same is not None:
            raise KindError(f"{at}“{name}”与“{same}”是同一项{_SAME}")
        seen[canonical(name)] = name
        home = next(
            (s for s in levels.values() if s.name != new.name and s.find(name) is not None), None
        )
        if home is not None:
            raise KindError(
                f"{at}“{name}”已在一级“{home.name}”下：一个二级只能属于一个一级"
                "（否则导入和提示分不清它属于哪个一级）"
            )


def _level1(raw: Any, source: str, key: str) -> list[tuple[str, Level1Spec]]:
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        raise KindError(f"{source}: {key} 应为 一级: [二级, …] 的映射")
    found = []
    for name, spec in raw.items():
        if not isinstance(name, str) or not name.strip():
            raise KindError(f"{source}: {key}.{name} 一级的名称应为文字")
        note_only = False
        level2 = spec
        if isinstance(spec, Mapping):
            note_only = spec.get("note_only", False)
            level2 = spec.get("level2")
        if not isinstance(level2, list) or not all(isinstance(n, str) and n for n in level2):
            raise KindError(f"{source}: {key}.{name} 应为二级指标名称的列表")
        if not isinstance(note_only, bool):
            raise KindError(f"{source}: {key}.{name}.note_only 应为 true 或 false")
        found.append((str(name), Level1Spec(str(name), tuple(level2), note_only)))
    return found
