"""Form kinds (表样) and indicator frameworks (指标体系), read once from the package's data.

`form_kinds()` are the kinds a declaration may name in its 表样; `frameworks()` the frameworks
its 指标体系 (or its kind's default) may name. Definitions live in generator/data/kinds/ and
generator/data/frameworks/; a malformed one is a KindError naming its file and key.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from generator.kinds import vocabulary
from generator.kinds.frameworks import Framework, parse_framework
from generator.kinds.spec import FormKind, KindError, merge_kind, parse_kind
from generator.kinds.vocabulary import amount_units, load_data

__all__ = ["FormKind", "Framework", "KindError", "form_kinds", "frameworks"]


@cache
def frameworks() -> dict[str, Framework]:
    """Framework name → framework, bases before the frameworks that extend them."""
    raws = _files("frameworks")
    found: dict[str, Framework] = {}
    pending = dict(raws)
    while pending:
        ready = [
            source
            for source, raw in pending.items()
            if not isinstance(raw, dict) or raw.get("extends") in (None, *found)
        ]
        if not ready:
            source = next(iter(pending))
            raise KindError(f"{source}: extends 找不到所依据的指标体系（或循环依据）")
        for source in ready:
            framework = parse_framework(pending.pop(source), source, found)
            if framework.name in found:
                raise KindError(f"{source}: name 指标体系“{framework.name}”重复")
            found[framework.name] = framework
    return found


@cache
def form_kinds() -> dict[str, FormKind]:
    """Kind name (the value of 表样) → kind, in the order of their files."""
    raws = _files("kinds")
    merged: dict[str, dict[str, Any]] = {}
    sources: dict[str, str] = {}
    pending = dict(raws)
    while pending:
        progress = False
        for source, raw in list(pending.items()):
            if not isinstance(raw, dict):
                raise KindError(f"{source}: 顶层 应为“键: 值”的映射")
            base = raw.get("extends")
            if base is not None and base not in merged:
                continue
            data = merge_kind(merged[base], raw) if base is not None else dict(raw)
            name = data.get("name")
            if not isinstance(name, str) or not name:
                raise KindError(f"{source}: name 缺少表样的名称")
            if name in merged:
                raise KindError(f"{source}: name 表样“{name}”重复（另见 {sources[name]}）")
            merged[name] = data
            sources[name] = source
            del pending[source]
            progress = True
        if not progress:
            source = next(iter(pending))
            raise KindError(f"{source}: extends 找不到所依据的表样（或循环依据）")
    known = set(frameworks())
    units = set(amount_units())
    files = list(raws)

    def order(name: str) -> tuple[int, int]:
        """A variant right after its base: by its root base's file, then by depth."""
        depth, data = 0, raws[sources[name]]
        while isinstance(data, dict) and data.get("extends") in sources:
            name, depth = str(data["extends"]), depth + 1
            data = raws[sources[name]]
        return files.index(sources[name]), depth

    return {
        name: parse_kind(merged[name], sources[name], known, units)
        for name in sorted(merged, key=order)
    }


def _files(folder: str) -> dict[str, Any]:
    """Every YAML file of data/<folder>/, parsed, by path, in name order."""
    return {
        str(path): load_data(f"{folder}/{path.name}")
        for path in sorted((vocabulary.DATA / folder).glob("*.yaml"))
    }
