"""The JSON Schema editors use: every field a declaration can have explains itself on hover."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.authoring.json_schema import declaration_schema
from generator.kinds import form_kinds


def _properties(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every named property under `node`, however deep (objects, arrays, anyOf/allOf)."""
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            yield f"{path}/{key}", value
        for key, value in node.items():
            if key != "description":
                yield from _properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for number, value in enumerate(node):
            yield from _properties(value, f"{path}/{number}")


def test_every_field_of_every_kind_has_a_chinese_description():
    schema = declaration_schema()
    found = dict(_properties(schema, "#"))
    for name in form_kinds():
        assert any(path.startswith(f"#/$defs/kind {name}/") for path in found), name
    hovered = {path: node for path, node in found.items() if "/if/" not in path}
    undescribed = [
        path for path, node in hovered.items() if not node.get("description", "").strip()
    ]
    assert undescribed == []
    english = [
        p
        for p, n in hovered.items()
        if not any("\u4e00" <= c <= "\u9fff" for c in n["description"])
    ]
    assert english == []
    assert len(found) > 100
