"""A JSON Schema of the declaration format, for editors (yaml-language-server: completion, hover
and squiggles while typing). Generated from the form kinds' definitions (generator/data/kinds/)
and the frameworks, the same the reader uses, so it cannot drift from `check`: one schema with
the kind (表样) as its discriminator, every field described by its kind's help text.

The schema never refuses what `check` accepts (warnings included: full-width digits, quoted
numbers, optional blocks written blank or empty, bare number targets), as editors read the
YAML (1.2: `2024-01-15` and `no` are texts). Of what `check` refuses it catches what an editor
can: unknown and missing keys, wrong shapes, 一级/二级 names, the forms of numbers, years, dates
and targets. Sums, the year's folder and the rest are left to `check` (docs/format.md).
"""

from __future__ import annotations

import json
import re
from typing import Any

from generator.declaration.load import MAX_TEXT
from generator.declaration.model import FRAMEWORK_KEY, KIND_KEY, NOTE_KEY, YEARS
from generator.declaration.read import MAX_COUNT_DIGITS
from generator.declaration.targets import fold
from generator.kinds import FormKind, Framework, form_kinds, frameworks
from generator.kinds.frameworks import SUFFIX, canonical
from generator.kinds.spec import FieldSpec, FieldType
from generator.kinds.vocabulary import amount_units, operator_words, operators

SCHEMA_ID = "https://example.invalid/budget-declarations/declaration.schema.json"
SCHEMA_PATH = "schema/declaration.schema.json"

# What `check` reads, as patterns: digits 0–9 or full-width ０–９ (read as 0–9; never `\d`, which
# matches other scripts' digits in some engines), and the full-width forms of the separators,
# which `check` folds too (NFKC). White space around a value is ignored, as `check` does.
_DIGIT = "[0-9０-９]"
_AMOUNT_TEXT = rf"^\s*(?:{_DIGIT}{{1,3}}(?:[,，]{_DIGIT}{{3}})+|{_DIGIT}+)(?:[.．]{_DIGIT}+)?\s*$"
_NUMBER = rf"{_DIGIT}{{1,15}}(?:[.．]{_DIGIT}{{1,6}})?"
_NUMBER_TEXT = rf"^\s*{_NUMBER}\s*$"
_PERCENT_TEXT = rf"^\s*{_NUMBER}\s*[%％]?\s*$"
# The years of YEARS (1980–2107), digit by digit.
_YEAR = "(?:[1１][9９][89８９][0-9０-９]|[2２][0０][0-9０-９][0-9０-９]|[2２][1１][0０][0-7０-７])"
_YEAR_TEXT = rf"^\s*{_YEAR}\s*$"
_COUNT_TEXT = rf"^\s*(?:[0０]|[1-9１-９]{_DIGIT}{{0,8}})\s*$"
_DATE_SEPARATOR = "[-./－．／]"
_DATE_TEXT = (
    rf"^\s*{_YEAR}\s*(?:{_DATE_SEPARATOR}|年)\s*{_DIGIT}{{1,2}}\s*"
    rf"(?:{_DATE_SEPARATOR}|月)\s*{_DIGIT}{{1,2}}\s*日?\s*$"
)
# Any character but white space: a text of spaces only is blank (E102).
_NOT_BLANK = r"\S"
_COUNT_MAX = 10**MAX_COUNT_DIGITS - 1
_TARGET = "target"  # the definition every target refers to
# Characters that are read as a target's operator (full-width and small forms fold to them).
_FOLDED_OPERATORS = "＜＞＝！﹤﹥﹦"


def _target_schema() -> dict[str, Any]:
    """A target: a number (read as with `=`, W401), or a text that is not blank, that has a
    number after an operator it starts with, and that `check` would not refuse for what a
    pattern can see: exponent notation (`1e5`), empty Chinese quotes (`“”`), an operator after
    the number of a target that starts with one (`≥5%且≤10%`). Built when a schema is made,
    not on import: operators.yaml and targets.yaml are read on first use."""
    characters = "".join(sorted({ch for op in operators() for ch in op})) + _FOLDED_OPERATORS
    ops = re.escape(characters)
    run = rf"[{ops}][{ops}\s]*"
    before, _ = operator_words()
    spelled = sorted({w for word in before for w in (word, fold(word))}, key=lambda w: (-len(w), w))
    words = "|".join(re.escape(word) for word in spelled)
    then = rf"(?:(?:{words})\s*(?:{run})?)?"  # after an operator: a word, and another operator
    said = rf"(?:{run}{then}|(?:{words})\s*(?:{run})?)"
    number = rf"(?:{_DIGIT}{{1,3}}(?:[,，]{_DIGIT}{{3}})+|{_DIGIT}+)(?:[.．]{_DIGIT}+)?"
    unit_ops = re.escape(characters.replace("!", "").replace("！", ""))
    text = {
        "type": "string",
        "pattern": rf"^\s*(?:{run}{then}-?{_DIGIT}|[^\s{ops}+]|\+(?!{_DIGIT}))",
        "not": {
            "anyOf": [
                {"pattern": r"^\s*[“‘「『]\s*[”’」』]\s*$"},
                {"pattern": rf"^\s*(?:{said}\s*)?[-+]?{number}[eEｅＥ][-+]?{_DIGIT}"},
                {"pattern": rf"^\s*{run}{then}-?{_DIGIT}.*[{unit_ops}]"},
            ]
        },
    }
    return {"anyOf": [{"type": "number"}, text]}


def declaration_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a declaration file: the kind named by 表样 decides
    which fields the file may have."""
    kinds = form_kinds()
    known = frameworks()
    definitions: dict[str, Any] = {_TARGET: _target_schema()}
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
        if not spec.required:
            node = _optional(node, spec)
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


def _optional(node: dict[str, Any], spec: FieldSpec) -> dict[str, Any]:
    """An optional field may also be written blank, and a list or group empty (`[]`, `{}`):
    `check` reads each as not written."""
    blank: list[dict[str, Any]] = [{"type": "null"}]
    if spec.type in (FieldType.LIST, FieldType.TEXTS):
        blank.append({"type": "array", "maxItems": 0})
    elif spec.type is FieldType.GROUP:
        blank.append({"type": "object", "maxProperties": 0})
    described = {key: value for key, value in node.items() if key != "description"}
    return {"anyOf": [described, *blank], "description": node["description"]}


def _node(spec: FieldSpec, framework_names: list[str], kind: FormKind) -> dict[str, Any]:
    kind_of = spec.type
    if kind_of is FieldType.GROUP:
        node = {**_group(spec.fields, framework_names, kind), "minProperties": 1}
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
        # YAML may read a text as a number or a boolean (`no`): `check` reads what was written
        return {
            "type": ["string", "number", "integer", "boolean"],
            "minLength": 1,
            "maxLength": MAX_TEXT,
            "pattern": _NOT_BLANK,
        }
    if kind is FieldType.YEAR:
        return {
            "anyOf": [
                {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[-1]},
                {"type": "string", "pattern": _YEAR_TEXT},
            ]
        }
    if kind is FieldType.INTEGER:
        return {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": _COUNT_MAX},
                {"type": "string", "pattern": _COUNT_TEXT},
            ]
        }
    if kind in (FieldType.NUMBER, FieldType.PERCENT):
        pattern = _PERCENT_TEXT if kind is FieldType.PERCENT else _NUMBER_TEXT
        return {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": pattern}]}
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
    return {"$ref": f"#/$defs/{_TARGET}"}


def _framework(framework: Framework, kind: str) -> dict[str, Any]:
    """The indicator tree of `kind` under one framework: its 一级 and 二级 (with or without
    指标)."""
    level1: dict[str, Any] = {}
    for spec in framework.level1:
        children: dict[str, Any] = {}
        for name in spec.level2:
            level2 = {
                "$ref": f"#/$defs/level2 {kind}",
                "description": f"二级指标“{name}”（属“{spec.name}”），下列三级指标: 指标值",
            }
            children[name] = level2
            if name.endswith(SUFFIX) and canonical(name) != name:
                children[canonical(name)] = level2
        if spec.note_only:
            note = {
                **_scalar(FieldType.TEXT),
                "description": f"“{spec.name}”的说明（本一级只写说明）",
            }
            children = {NOTE_KEY: note, **children}
        node = {
            "type": "object",
            "properties": children,
            "additionalProperties": False,
            "minProperties": 1,
            "description": f"一级指标“{spec.name}”（{framework.name}），下列二级指标",
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
