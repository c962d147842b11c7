"""A JSON Schema of the declaration format, for editors (yaml-language-server: completion, hover
and squiggles while typing). Generated from the same declared structure the validator reads
with (generator/schema.py) and from the taxonomy, so it cannot drift from `check`.

The schema catches what an editor can: unknown and missing keys, wrong shapes, 一级/二级
names, the forms of numbers, years and targets. Sums and the year's folder are left to `check`.
"""

from __future__ import annotations

import json
from typing import Any

from generator.archive import YEARS
from generator.load import MAX_TEXT
from generator.model import GLOSSARY as G
from generator.schema import DECLARATION, GoalTree, Kind, ListOf, Record
from generator.vocabulary import amount_units, operators, taxonomy

SCHEMA_ID = "https://example.invalid/budget-declarations/declaration.schema.json"
SCHEMA_PATH = "schema/declaration.schema.json"

_AMOUNT_TEXT = r"^\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*$"


def _target_pattern() -> str:
    """A target: an operator then a number (units after it), or a text that starts with
    neither. Built when a schema is made, not on import: operators.yaml is read on first use."""
    chars = "".join(sorted({ch for op in operators() for ch in op}))
    return rf"^\s*(?:[{chars}＜＞＝][{chars}＜＞＝\s]*-?[0-9０-９]|[^\s0-9０-９{chars}＜＞＝+-])"


def declaration_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a declaration file."""
    schema = _node(DECLARATION)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "部门（单位）整体支出绩效目标申报表",
        "description": "declarations/<年度>/<slug>.yaml — see docs/format.md",
        **schema,
    }


def schema_text() -> str:
    """The schema as committed: stable key order, UTF-8, a final newline."""
    return json.dumps(declaration_schema(), ensure_ascii=False, indent=2) + "\n"


def _node(kind: Kind | Record | ListOf | GoalTree) -> dict[str, Any]:
    if isinstance(kind, Record):
        return {
            "type": "object",
            "properties": {f.key: _node(f.kind) for f in kind.fields},
            "required": [f.key for f in kind.fields if f.required],
            "additionalProperties": False,
        }
    if isinstance(kind, ListOf):
        return {"type": "array", "items": _node(kind.item), "minItems": 1}
    if isinstance(kind, GoalTree):
        return _goals()
    return _scalar(kind)


def _scalar(kind: Kind) -> dict[str, Any]:
    if kind is Kind.TEXT:
        return {"type": ["string", "number", "integer"], "minLength": 1, "maxLength": MAX_TEXT}
    if kind is Kind.YEAR:
        return {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[-1]}
    if kind is Kind.COUNT:
        return {"type": "integer", "minimum": 0}
    if kind is Kind.AMOUNT:
        return {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": _AMOUNT_TEXT},
            ],
            "description": '金额：18417248.00 或 "18,417,248.00"，最多两位小数',
        }
    if kind is Kind.BOOL:
        return {"type": "boolean"}
    if kind is Kind.UNIT:
        return {"enum": list(amount_units())}
    return {
        "type": "string",
        "pattern": _target_pattern(),
        "description": '指标目标值："=50人次"、">=90%"、"≥90%" 或定性文字（及时、有效）',
    }


def _goals() -> dict[str, Any]:
    indicator = {
        "anyOf": [
            _scalar(Kind.TARGET),
            {
                "type": "object",
                "properties": {
                    G["target"]: _scalar(Kind.TARGET),
                    G["explanation"]: _scalar(Kind.TEXT),
                    G["remark"]: _scalar(Kind.TEXT),
                },
                "required": [G["target"]],
                "additionalProperties": False,
            },
        ]
    }
    level2 = {"type": ["object", "null"], "additionalProperties": indicator, "minProperties": 1}
    properties = {}
    for spec in taxonomy().values():
        children: dict[str, Any] = {name: level2 for name in spec.level2}
        if spec.note_only:
            children = {G["note"]: _scalar(Kind.TEXT), **children}
        properties[spec.name] = {
            "type": "object",
            "properties": children,
            "additionalProperties": False,
            "minProperties": 1,
        }
    return {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "minProperties": 1,
        "description": "一级目标 → 二级目标 → 三级目标: 指标目标值",
    }
