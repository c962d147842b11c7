"""Writing a declaration as canonical YAML: the form's key order, quoting only where YAML needs
it (targets always quoted), long texts as literal blocks, comments where the caller asks.

Written by hand rather than by a YAML library's dumper, which cannot place comments and
chooses quoting and line folding of its own (folding would put spaces into Chinese text).
Used by `import` and by `fmt`. Comments are keyed by the same paths the reader records
(`预算情况.资金来源.其他资金`, `年度重点任务[2]`, `分解目标.产出指标.数量指标.会议次数`); "" is the
top of the file and END its end.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

from generator.declaration.model import (
    FRAMEWORK_KEY,
    KIND_KEY,
    NOTE_KEY,
    Declaration,
    Goals,
    Indicator,
    Record,
    Target,
    Value,
)
from generator.kinds.spec import FieldSpec, FieldType

INDENT = "  "
LONG_TEXT = 40  # characters from which a text is written as a literal block
END = "$end"
SCHEMA_MODELINE = "yaml-language-server: $schema=../../schema/declaration.schema.json"
# The editor's schema line with any number of "../".
_SCHEMA_LINE = re.compile(
    r"(yaml-language-server: \$schema=)((?:\.\./)+)(schema/declaration\.schema\.json)"
)
# Plain scalars YAML 1.1 would read as something other than the text itself.
_RESOLVES = re.compile(
    r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off"
    r"|Off|OFF|y|Y|n|N|[-+]?[\d_,.:]+(?:[eE][-+]?\d+)?|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)|=|<<"
    r"|\d{4}-\d{1,2}-\d{1,2}.*)$"
)
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")


class _Writer:
    def __init__(
        self,
        above: Mapping[str, tuple[str, ...]],
        inline: Mapping[str, str],
        blank: Collection[str] = (),
    ) -> None:
        self.lines: list[str] = []
        self.above = above
        self.inline = inline
        self.blank_paths = frozenset(blank)

    def left_blank(self, path: str) -> bool:
        """Whether `path`, or a field under it, is to be written without a value."""
        return path in self.blank_paths or any(p.startswith(f"{path}.") for p in self.blank_paths)

    def comments(self, path: str, depth: int) -> None:
        self.lines += [f"{INDENT * depth}# {text}".rstrip() for text in self.above.get(path, ())]

    def line(self, path: str, depth: int, text: str) -> None:
        self.comments(path, depth)
        note = self.inline.get(path)
        self.lines.append(f"{INDENT * depth}{text}" + (f"  # {note}" if note else ""))

    def field(self, path: str, depth: int, label: str, value: str = "") -> None:
        self.line(path, depth, f"{label}: {value}" if value else f"{label}:")

    def text(self, path: str, depth: int, label: str, text: str, dash: bool = False) -> None:
        """A text field, as a literal block when long; `dash` starts a list item with it."""
        block = ("\n" in text or len(text) > LONG_TEXT) and _block_safe(text)
        self.field(path, depth, label, "|-" if block else scalar(text))
        if dash:
            self.lines[-1] = self.lines[-1].replace(
                f"{INDENT * depth}", f"{INDENT * (depth - 1)}- ", 1
            )
        if block:
            pad = INDENT * (depth + 1)
            self.lines += [f"{pad}{line}" if line else "" for line in text.split("\n")]

    def item_text(self, path: str, depth: int, text: str) -> None:
        """A text as an item of a list of texts: `- text`, or `- |-` and the block."""
        block = ("\n" in text or len(text) > LONG_TEXT) and _block_safe(text)
        self.line(path, depth, "- |-" if block else f"- {scalar(text)}")
        if block:
            pad = INDENT * (depth + 1)
            self.lines += [f"{pad}{line}" if line else "" for line in text.split("\n")]

    def blank(self) -> None:
        self.lines.append("")


def emit_declaration(
    decl: Declaration,
    comments: Mapping[str, tuple[str, ...]] | None = None,
    inline: Mapping[str, str] | None = None,
    blank: Collection[str] = (),
) -> str:
    """The YAML text of `decl`, in its kind's order, with `comments` (lines above a key's
    line, by path) and `inline` comments (at the end of a key's line, by path). Fields that
    were not written stay unwritten, but those at the paths in `blank`, which are written
    without a value (an import found none: `check` will ask for it)."""
    w = _Writer(comments or {}, inline or {}, blank)
    w.comments("", 0)
    w.field(KIND_KEY, 0, KIND_KEY, scalar(decl.kind.name))
    if FRAMEWORK_KEY in decl.locations:
        w.field(FRAMEWORK_KEY, 0, FRAMEWORK_KEY, scalar(decl.framework.name))
    _fields(w, decl, decl.kind.fields, decl.values, "", 0)
    w.comments(END, 0)
    lines = w.lines
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


_BLOCKS = frozenset(
    {FieldType.LONG_TEXT, FieldType.GROUP, FieldType.LIST, FieldType.TEXTS, FieldType.INDICATORS}
)


def _fields(
    w: _Writer,
    decl: Declaration,
    fields: tuple[FieldSpec, ...],
    values: Record,
    prefix: str,
    depth: int,
) -> None:
    """The written fields of a mapping, in the kind's order. At the top level a blank line
    sets each block (long text, group, list, indicator tree) apart from what comes next; the
    金额单位 stays with the amounts that follow it."""
    previous_block = False
    previous_unit = False
    for spec in fields:
        value = values.get(spec.key)
        path = f"{prefix}.{spec.key}" if prefix else spec.key
        if value is None and w.left_blank(path):
            value = Record() if spec.type is FieldType.GROUP and path not in w.blank_paths else ""
        if value is None:
            continue
        block = spec.type in _BLOCKS
        apart = (block and not previous_unit) or previous_block
        if depth == 0 and w.lines and w.lines[-1] and apart:
            w.blank()
        _field(w, decl, spec, value, path, depth)
        previous_block, previous_unit = block, spec.role == "amount_unit"


def _field(
    w: _Writer, decl: Declaration, spec: FieldSpec, value: Value, path: str, depth: int
) -> None:
    if path in w.blank_paths:
        w.field(path, depth, spec.key)
    elif isinstance(value, Goals):
        w.field(path, depth, spec.key)
        _goals(w, decl, value, path, depth + 1)
    elif isinstance(value, Record):
        shorthand = spec.shorthand
        if shorthand and set(value) == {shorthand} and spec.child(shorthand) is not None:
            child = spec.child(shorthand)
            assert child is not None
            w.field(path, depth, spec.key, _scalar_text(child, value[shorthand]))
            return
        w.field(path, depth, spec.key)
        _fields(w, decl, spec.fields, value, path, depth + 1)
    elif spec.type is FieldType.LIST and isinstance(value, tuple):
        w.field(path, depth, spec.key)
        for number, item in enumerate(value, start=1):
            if isinstance(item, Record):
                _item(w, decl, spec, item, f"{path}[{number}]", depth + 1)
    elif spec.type is FieldType.TEXTS and isinstance(value, tuple):
        w.field(path, depth, spec.key)
        for number, text in enumerate(value, start=1):
            w.item_text(f"{path}[{number}]", depth + 1, str(text))
    elif spec.type in (FieldType.TEXT, FieldType.LONG_TEXT) and isinstance(value, str):
        w.text(path, depth, spec.key, value)
    else:
        w.field(path, depth, spec.key, _scalar_text(spec, value))


def _item(
    w: _Writer, decl: Declaration, spec: FieldSpec, item: Record, path: str, depth: int
) -> None:
    """One list item: its first field after "- ", the others under it."""
    w.comments(path, depth)
    start = len(w.lines)
    _fields(w, decl, spec.fields, item, path, depth + 1)
    if start < len(w.lines):
        first = next(
            i for i in range(start, len(w.lines)) if not w.lines[i].lstrip().startswith("#")
        )
        pad = INDENT * (depth + 1)
        w.lines[first] = w.lines[first].replace(pad, f"{INDENT * depth}- ", 1)


def _scalar_text(spec: FieldSpec, value: Value) -> str:
    """A scalar as the YAML writes it: amounts with separators, dates as 2024-01-15."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Target):
        return quoted(value.text)
    if isinstance(value, date):
        return value.isoformat()
    if spec.type is FieldType.AMOUNT and isinstance(value, Decimal):
        return f"{value:,}"
    if spec.type is FieldType.PERCENT and isinstance(value, Decimal):
        return f"{value}%"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return scalar(str(value))


def _goals(w: _Writer, decl: Declaration, goals: Goals, path: str, depth: int) -> None:
    target = decl.kind.role_field("target", decl.kind.indicator)
    assert target is not None
    for level1 in goals.levels:
        path1 = f"{path}.{level1.name}"
        w.field(path1, depth, scalar(level1.name))
        if level1.note:
            w.text(f"{path1}.{NOTE_KEY}", depth + 1, NOTE_KEY, level1.note)
        for level2 in level1.children:
            path2 = f"{path1}.{level2.name}"
            w.field(path2, depth + 1, scalar(level2.name))
            for indicator in level2.indicators:
                _indicator(w, decl, target, f"{path2}.{indicator.name}", indicator, depth + 2)


def _indicator(
    w: _Writer, decl: Declaration, target: FieldSpec, path: str, indicator: Indicator, depth: int
) -> None:
    text = quoted(indicator.target.text)
    if set(indicator.values) <= {target.key}:
        w.field(path, depth, scalar(indicator.name), text)
        return
    w.field(path, depth, scalar(indicator.name))
    _fields(w, decl, decl.kind.indicator, indicator.values, path, depth + 1)


def _block_safe(text: str) -> bool:
    """A literal block keeps the text exactly unless it starts with white space or has lines
    ending in spaces (which editors strip) or carriage returns."""
    return not text[:1].isspace() and not any(line != line.rstrip() for line in text.split("\n"))


def _amount(value: object) -> str:
    return f"{value:,}"


def scalar(text: str) -> str:
    """`text` plain when YAML reads it back as the same text, else double-quoted."""
    if (
        not text
        or text != text.strip()
        or text[0] in _INDICATORS
        or ": " in text
        or " #" in text
        or text.endswith(":")
        or any(ch in text for ch in "\n\t\r\x85\u2028\u2029\ufeff")
        or _RESOLVES.match(text)
    ):
        return quoted(text)
    return text


def quoted(text: str) -> str:
    """`text` as a double-quoted YAML scalar."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return '"' + re.sub(r"[\x7f-\x9f\u2028\u2029\ufeff]", _escape_char, escaped) + '"'


def _escape_char(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def schema_line(comment: str, source: str) -> str:
    """`comment`, the file's first, with the relative path of the editor's schema line
    (`yaml-language-server: $schema=../../schema/declaration.schema.json`) climbing as many
    folders as `source` lies below the folder that holds the year folders: two for a 整体 form
    (declarations/2024/x.yaml), three for a project (declarations/2024/部门/x.yaml), which
    otherwise points at nothing and leaves the editor without the schema. Any other comment,
    or a file outside a year folder, is left as it is."""
    found = _SCHEMA_LINE.fullmatch(comment)
    folders = Path(source).parent.parts
    years = [n for n, name in enumerate(folders) if name.isdigit() and len(name) == 4]
    if found is None or not years:
        return comment
    depth = len(folders) - years[-1] + 1
    return f"{found.group(1)}{'../' * depth}{found.group(3)}"
