"""Writing a declaration as canonical YAML: the form's key order, quoting only where YAML needs
it (targets always quoted), long texts as literal blocks, comments where the caller asks.

Written by hand rather than by a YAML library's dumper, which cannot place comments and
chooses quoting and line folding of its own (folding would put spaces into Chinese text).
Used by `import` and by `fmt`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from generator.model import GLOSSARY as G
from generator.model import Declaration, Indicator

INDENT = "  "
LONG_TEXT = 40  # characters from which a text is written as a literal block
# Plain scalars YAML 1.1 would read as something other than the text itself.
_RESOLVES = re.compile(
    r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF"
    r"|y|Y|n|N|[-+]?[\d_,.:]+(?:[eE][-+]?\d+)?|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)|=|<<"
    r"|\d{4}-\d{1,2}-\d{1,2}.*)$"
)
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")


def emit_declaration(decl: Declaration, comments: Mapping[str, tuple[str, ...]] = {}) -> str:
    """The YAML text of `decl`; `comments` maps a key path ("分解目标.产出指标.时效指标", "" for
    the top of the file) to comment lines written above that key."""
    out: list[str] = []

    def comment(path: str, depth: int) -> None:
        for line in comments.get(path, ()):
            out.append(f"{INDENT * depth}# {line}")

    def field(path: str, key: str, value: str, depth: int) -> None:
        comment(path, depth)
        out.append(f"{INDENT * depth}{key}: {value}" if value else f"{INDENT * depth}{key}:")

    comment("", 0)
    field(G["year"], G["year"], str(decl.year), 0)
    field(G["department"], G["department"], scalar(decl.department), 0)
    field(G["consolidated"], G["consolidated"], "true" if decl.consolidated else "false", 0)
    field(G["subordinate_units"], G["subordinate_units"], str(decl.subordinate_units), 0)
    out.append("")
    for name in ("duties", "annual_goal"):
        comment(G[name], 0)
        out.extend(_text_field(G[name], getattr(decl, name), 0))
        out.append("")
    field(G["tasks"], G["tasks"], "", 0)
    for task in decl.tasks:
        lines = _text_field(G["task_name"], task.name, 2) + _text_field(
            G["task_content"], task.content, 2
        )
        lines[0] = f"{INDENT}- {lines[0].lstrip()}"
        out.extend(lines)
    out.append("")
    field(G["amount_unit"], G["amount_unit"], decl.amount_unit, 0)
    budget = decl.budget
    field(G["budget"], G["budget"], "", 0)
    field("", G["total"], _amount(budget.total), 1)
    field("", G["sources"], "", 1)
    field("", G["fiscal"], _amount(budget.fiscal), 2)
    field("", G["other_funds"], _amount(budget.other_funds), 2)
    field("", G["structure"], "", 1)
    field("", G["basic"], _amount(budget.basic), 2)
    field("", G["project"], _amount(budget.project), 2)
    out.append("")
    field(G["year_end_assets"], G["year_end_assets"], _amount(decl.year_end_assets), 0)
    field(G["staff"], G["staff"], str(decl.staff), 0)
    field(G["internal_units"], G["internal_units"], str(decl.internal_units), 0)
    out.append("")
    field(G["goals"], G["goals"], "", 0)
    for level1 in decl.goals:
        path1 = f"{G['goals']}.{level1.name}"
        field(path1, key(level1.name), "", 1)
        if level1.note:
            out.extend(_text_field(G["note"], level1.note, 2))
        for level2 in level1.children:
            path2 = f"{path1}.{level2.name}"
            field(path2, key(level2.name), "", 2)
            for indicator in level2.indicators:
                comment(f"{path2}.{indicator.name}", 3)
                out.extend(_indicator(indicator, 3))
    return "\n".join(out) + "\n"


def _indicator(indicator: Indicator, depth: int) -> list[str]:
    target = quoted(indicator.target.text)
    if not indicator.explanation and not indicator.remark:
        return [f"{INDENT * depth}{key(indicator.name)}: {target}"]
    lines = [
        f"{INDENT * depth}{key(indicator.name)}:",
        f"{INDENT * (depth + 1)}{G['target']}: {target}",
    ]
    for name in ("explanation", "remark"):
        if getattr(indicator, name):
            lines += _text_field(G[name], getattr(indicator, name), depth + 1)
    return lines


def _text_field(label: str, text: str, depth: int) -> list[str]:
    pad = INDENT * depth
    if ("\n" in text or len(text) > LONG_TEXT) and _block_safe(text):
        return [
            f"{pad}{label}: |-",
            *(f"{pad}{INDENT}{line}" if line else "" for line in text.split("\n")),
        ]
    return [f"{pad}{label}: {scalar(text)}"]


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


def key(text: str) -> str:
    return scalar(text)


def quoted(text: str) -> str:
    """`text` as a double-quoted YAML scalar."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    escaped = re.sub(
        r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]",
        lambda m: f"\\u{ord(m.group()):04x}",
        escaped,
    )
    return f'"{escaped}"'
