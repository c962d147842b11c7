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

from generator.model import GLOSSARY as G
from generator.model import Declaration, Indicator

INDENT = "  "
LONG_TEXT = 40  # characters from which a text is written as a literal block
END = "$end"
SCHEMA_MODELINE = "yaml-language-server: $schema=../../schema/declaration.schema.json"
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
        self.blank_paths = blank

    def comments(self, path: str, depth: int) -> None:
        self.lines += [f"{INDENT * depth}# {text}".rstrip() for text in self.above.get(path, ())]

    def line(self, path: str, depth: int, text: str) -> None:
        self.comments(path, depth)
        note = self.inline.get(path)
        self.lines.append(f"{INDENT * depth}{text}" + (f"  # {note}" if note else ""))

    def field(self, path: str, depth: int, label: str, value: str = "") -> None:
        if path in self.blank_paths:
            value = ""
        self.line(path, depth, f"{label}: {value}" if value else f"{label}:")

    def text(self, path: str, depth: int, label: str, text: str, dash: bool = False) -> None:
        """A text field, as a literal block when long; `dash` starts a list item with it."""
        block = ("\n" in text or len(text) > LONG_TEXT) and _block_safe(text)
        block = block and path not in self.blank_paths
        self.field(path, depth, label, "|-" if block else scalar(text))
        if dash:
            self.lines[-1] = self.lines[-1].replace(
                f"{INDENT * depth}", f"{INDENT * (depth - 1)}- ", 1
            )
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
    """The YAML text of `decl`, with `comments` (lines above a key's line, by path) and
    `inline` comments (at the end of a key's line, by path); the fields at the paths in `blank`
    are written without a value (an import found none)."""
    w = _Writer(comments or {}, inline or {}, blank)
    w.comments("", 0)
    w.field(G["year"], 0, G["year"], str(decl.year))
    w.text(G["department"], 0, G["department"], decl.department)
    w.field(G["consolidated"], 0, G["consolidated"], "true" if decl.consolidated else "false")
    w.field(G["subordinate_units"], 0, G["subordinate_units"], str(decl.subordinate_units))
    w.blank()
    for name in ("duties", "annual_goal"):
        w.text(G[name], 0, G[name], getattr(decl, name))
        w.blank()
    w.field(G["tasks"], 0, G["tasks"])
    for number, task in enumerate(decl.tasks, start=1):
        item = f"{G['tasks']}[{number}]"
        w.comments(item, 1)
        w.text(f"{item}.{G['task_name']}", 2, G["task_name"], task.name, dash=True)
        w.text(f"{item}.{G['task_content']}", 2, G["task_content"], task.content)
    w.blank()
    w.field(G["amount_unit"], 0, G["amount_unit"], decl.amount_unit)
    budget = G["budget"]
    sources, structure = f"{budget}.{G['sources']}", f"{budget}.{G['structure']}"
    w.field(budget, 0, budget)
    w.field(f"{budget}.{G['total']}", 1, G["total"], _amount(decl.budget.total))
    w.field(sources, 1, G["sources"])
    w.field(f"{sources}.{G['fiscal']}", 2, G["fiscal"], _amount(decl.budget.fiscal))
    w.field(f"{sources}.{G['other_funds']}", 2, G["other_funds"], _amount(decl.budget.other_funds))
    w.field(structure, 1, G["structure"])
    w.field(f"{structure}.{G['basic']}", 2, G["basic"], _amount(decl.budget.basic))
    w.field(f"{structure}.{G['project']}", 2, G["project"], _amount(decl.budget.project))
    w.blank()
    w.field(G["year_end_assets"], 0, G["year_end_assets"], _amount(decl.year_end_assets))
    w.field(G["staff"], 0, G["staff"], str(decl.staff))
    w.field(G["internal_units"], 0, G["internal_units"], str(decl.internal_units))
    w.blank()
    w.field(G["goals"], 0, G["goals"])
    for level1 in decl.goals:
        path1 = f"{G['goals']}.{level1.name}"
        w.field(path1, 1, scalar(level1.name))
        if level1.note:
            w.text(f"{path1}.{G['note']}", 2, G["note"], level1.note)
        for level2 in level1.children:
            path2 = f"{path1}.{level2.name}"
            w.field(path2, 2, scalar(level2.name))
            for indicator in level2.indicators:
                _indicator(w, f"{path2}.{indicator.name}", indicator)
    w.comments(END, 0)
    return "\n".join(w.lines) + "\n"


def _indicator(w: _Writer, path: str, indicator: Indicator) -> None:
    target = quoted(indicator.target.text)
    if not indicator.explanation and not indicator.remark:
        w.field(path, 3, scalar(indicator.name), target)
        return
    w.field(path, 3, scalar(indicator.name))
    w.field(f"{path}.{G['target']}", 4, G["target"], target)
    for name in ("explanation", "remark"):
        if getattr(indicator, name):
            w.text(f"{path}.{G[name]}", 4, G[name], getattr(indicator, name))


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
