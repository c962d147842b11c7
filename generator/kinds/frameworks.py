"""Indicator frameworks (指标体系) as data: which 一级 and 二级 names a form may use.

A framework file lists its 一级 in the form's order, each with its 二级; `extends` takes another
framework and `add` gives a region's own 二级 (or 一级). Names are matched with or without their
trailing 指标 (经济效益 = 经济效益指标) and printed as the declaration writes them.
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
            if key == "add" and old is not None:
                spec = Level1Spec(level1, old.level2 + spec.level2, old.note_only or spec.note_only)
            levels[level1] = spec
    if not levels:
        raise KindError(f"{source}: level1 没有一级指标")
    flag = raw.get("empty_level2", empty)
    if not isinstance(flag, bool):
        raise KindError(f"{source}: empty_level2 应为 true 或 false")
    return Framework(name, tuple(levels.values()), flag)


def _level1(raw: Any, source: str, key: str) -> list[tuple[str, Level1Spec]]:
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        raise KindError(f"{source}: {key} 应为 一级: [二级, …] 的映射")
    found = []
    for name, spec in raw.items():
        note_only = False
        level2 = spec
        if isinstance(spec, Mapping):
            note_only = spec.get("note_only", False)
            level2 = spec.get("level2")
        if not isinstance(level2, list) or not all(isinstance(n, str) for n in level2):
            raise KindError(f"{source}: {key}.{name} 应为二级指标名称的列表")
        if not isinstance(note_only, bool):
            raise KindError(f"{source}: {key}.{name}.note_only 应为 true 或 false")
        found.append((str(name), Level1Spec(str(name), tuple(level2), note_only)))
    return found
