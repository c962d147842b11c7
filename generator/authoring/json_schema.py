"""A JSON Schema of the declaration format, for editors (yaml-language-server: completion, hover
and squiggles while typing). Generated from the form kinds' definitions (generator/data/kinds/)
and the frameworks, the same the reader uses, so it cannot drift from `check`: one schema with
the kind (表样) as its discriminator, every field described by its kind's help text.

The schema catches what an editor can: unknown and missing keys, wrong shapes, 一级/二级
names, the forms of numbers, years, dates and targets. Sums and the year's folder are left to
`check`.
"""

from __future__ import annotations

import json
from typing import Any

from generator.declaration.load import MAX_TEXT
from generator.declaration.model import FRAMEWORK_KEY, KIND_KEY, NOTE_KEY, YEARS
from generator.kinds import FormKind, Framework, form_kinds, frameworks
from generator.kinds.frameworks import SUFFIX, canonical
from generator.kinds.spec import FieldSpec, FieldType
from generator.kinds.vocabulary import amount_units, operators

SCHEMA_ID = "https://example.invalid/budget-declarations/declaration.schema.json"
SCHEMA_PATH = "schema/declaration.schema.json"

_AMOUNT_TEXT = r"^\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*$"
_NUMBER_TEXT = r"^\s*\d+(?:\.\d+)?\s*%?\s*$"
_DATE_TEXT = r"^\s*\d{4}\s*(?:[-./]|年)\s*\d{1,2}\s*(?:[-./]|月)\s*\d{1,2}\s*日?\s*$"


def _target_pattern() -> str:
    """A target: an operator then a number (units after it), or a text that does not start
    with an operator. Built when a schema is made, not on import: operators.yaml is read on
    first use."""
    chars = "".join(sorted({ch for op in operators() for ch in op}))
    return rf"^\s*(?:[{chars}＜＞＝][{chars}＜＞＝\s]*-?[0-9０-９]|[^\s{chars}＜＞＝+-])"


def declaration_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a declaration file: the kind named by 表样 decides
    which fields the file may have."""
    kinds = form_kinds()
    known = frameworks()
    definitions: dict[str, Any] = {}
    branches = []
    for name, kind in kinds.items():
        definitions[f"indicator {name}"] = _indicator(kind, list(known))
        definitions[f"level2 {name}"] = {
            "type": ["object", "null"],
            "additionalProperties": {"$ref": f"#/$defs/indicator {name}"},
            "description": "三级指标: 指标值（或写成映射，列出本表样的指标栏目）",
        }
        for framework in known.values():
            definitions[f"tree {name} {framework.name}"] = _framework(framework, name)
        definitions[f"kind {name}"] = _kind(kind, list(known))
        branches.append(
            {
                "if": {"properties": {KIND_KEY: {"const": name}}, "required": [KIND_KEY]},
                "then": {"$ref": f"#/$defs/kind {name}"},
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "绩效目标申报",
        "description": (
            "declarations/<年度>/<文件名>.yaml：第一行的“表样”决定可写哪些栏目。见 docs/format.md"
        ),
        "type": "object",
        "required": [KIND_KEY],
        "properties": {KIND_KEY: _kind_key(kinds), FRAMEWORK_KEY: _framework_key(known)},
        "allOf": branches,
        "$defs": definitions,
    }


def schema_text() -> str:
    """The schema as committed: stable key order, UTF-8, a final newline."""
    return json.dumps(declaration_schema(), ensure_ascii=False, indent=2) + "\n"


def _kind_key(kinds: dict[str, FormKind]) -> dict[str, Any]:
    listed = "；".join(f"{name}：{kind.help}" for name, kind in kinds.items())
    return {"enum": list(kinds), "description": f"表样（申报表的格式）。{listed}"}


def _framework_key(known: dict[str, Framework]) -> dict[str, Any]:
    return {
        "enum": list(known),
        "description": "指标体系（选填）：不写则用表样默认的体系。可用：" + "、".join(known),
    }


def _kind(kind: FormKind, framework_names: list[str]) -> dict[str, Any]:
    node = _group(kind.fields, framework_names, kind)
    node["properties"] = {
        KIND_KEY: {"const": kind.name, "description": kind.help},
        FRAMEWORK_KEY: {"enum": framework_names, "description": "指标体系（选填）"},
        **node["properties"],
    }
    return node


def _group(
    fields: tuple[FieldSpec, ...], framework_names: list[str], kind: FormKind
) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[Any] = []
    for spec in fields:
        node = _node(spec, framework_names, kind)
        properties[spec.key] = node
        for alias in spec.aliases:
            properties[alias] = {**node, "description": f"同“{spec.key}”。{spec.help}"}
        if spec.required and not spec.aliases:
            required.append(spec.key)
    group: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        group["required"] = required
    either = [
        {"anyOf": [{"required": [name]} for name in (spec.key, *spec.aliases)]}
        for spec in fields
        if spec.required and spec.aliases
    ]
    if either:
        group["allOf"] = either
    return group


def _node(spec: FieldSpec, framework_names: list[str], kind: FormKind) -> dict[str, Any]:
    kind_of = spec.type
    if kind_of is FieldType.GROUP:
        node = _group(spec.fields, framework_names, kind)
        if spec.shorthand:
            child = spec.child(spec.shorthand)
            assert child is not None
            node = {"anyOf": [node, _node(child, framework_names, kind)]}
    elif kind_of is FieldType.LIST:
        node = {"type": "array", "items": _group(spec.fields, framework_names, kind), "minItems": 1}
    elif kind_of is FieldType.TEXTS:
        text = _scalar(FieldType.TEXT)
        node = {"anyOf": [{"type": "array", "items": text, "minItems": 1}, text]}
    elif kind_of is FieldType.INDICATORS:
        # any framework's tree: the one 指标体系 names, or the kind's; `check` says which
        node = {"anyOf": [{"$ref": f"#/$defs/tree {kind.name} {name}"} for name in framework_names]}
    elif kind_of is FieldType.CHOICE:
        node = {"enum": list(spec.options)}
    else:
        node = _scalar(kind_of)
    return {**node, "description": spec.help}


def _indicator(kind: FormKind, framework_names: list[str]) -> dict[str, Any]:
    target = kind.role_field("target", kind.indicator)
    assert target is not None
    return {"anyOf": [_scalar(FieldType.TARGET), _group(kind.indicator, framework_names, kind)]}


def _scalar(kind: FieldType) -> dict[str, Any]:
    if kind in (FieldType.TEXT, FieldType.LONG_TEXT):
        return {"type": ["string", "number", "integer"], "minLength": 1, "maxLength": MAX_TEXT}
    if kind is FieldType.YEAR:
        return {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[-1]}
    if kind is FieldType.INTEGER:
        return {"type": "integer", "minimum": 0}
    if kind in (FieldType.NUMBER, FieldType.PERCENT):
        return {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": _NUMBER_TEXT},
            ]
        }
    if kind is FieldType.AMOUNT:
        return {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": _AMOUNT_TEXT},
            ]
        }
    if kind is FieldType.DATE:
        return {"type": "string", "pattern": _DATE_TEXT}
    if kind is FieldType.BOOL:
        return {"type": "boolean"}
    if kind is FieldType.UNIT:
        return {"enum": list(amount_units())}
    return {"type": "string", "pattern": _target_pattern()}


def _framework(framework: Framework, kind: str) -> dict[str, Any]:
    """The indicator tree of `kind` under one framework: its 一级 and 二级 (with or without
    指标)."""
    level1: dict[str, Any] = {}
    for spec in framework.level1:
        children: dict[str, Any] = {}
        for name in spec.level2:
            children[name] = {"$ref": f"#/$defs/level2 {kind}"}
            if name.endswith(SUFFIX) and canonical(name) != name:
                children[canonical(name)] = {"$ref": f"#/$defs/level2 {kind}"}
        if spec.note_only:
            children = {NOTE_KEY: _scalar(FieldType.TEXT), **children}
        node = {
            "type": "object",
            "properties": children,
            "additionalProperties": False,
            "minProperties": 1,
        }
        level1[spec.name] = node
        if canonical(spec.name) != spec.name:
            level1[canonical(spec.name)] = node
    return {
        "type": "object",
        "properties": level1,
        "additionalProperties": False,
        "minProperties": 1,
        "description": f"{framework.name}：一级 → 二级 → 三级: 指标值",
    }
