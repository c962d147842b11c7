"""The reference of the form kinds (`kinds` command, docs/kinds.md): every kind with its fields,
their types, whether required and their help texts, its indicator row, its checks and its index,
written from the kinds' definitions so that it cannot drift from them."""

from __future__ import annotations

from collections.abc import Iterator

from generator.kinds import FormKind, form_kinds, frameworks
from generator.kinds.spec import (
    AtMostRule,
    ColumnTotalRule,
    DateOrderRule,
    EqualRule,
    FieldSpec,
    FieldType,
    Rule,
    ScoresRule,
    SharesRule,
    SumRule,
    WithinYearRule,
)

DOCS_PATH = "docs/kinds.md"
TYPE_WORDS = {
    FieldType.TEXT: "文字",
    FieldType.LONG_TEXT: "长文字",
    FieldType.TEXTS: "文字列表（目标1、目标2…）",
    FieldType.AMOUNT: "金额",
    FieldType.INTEGER: "整数 ≥ 0",
    FieldType.NUMBER: "数字 ≥ 0",
    FieldType.PERCENT: "百分比",
    FieldType.YEAR: "年份",
    FieldType.DATE: "日期",
    FieldType.BOOL: "true / false",
    FieldType.CHOICE: "选一项",
    FieldType.UNIT: "金额单位",
    FieldType.TARGET: "指标值",
    FieldType.GROUP: "一组",
    FieldType.LIST: "列表，每项以“- ”开头",
    FieldType.INDICATORS: "指标表",
}


def kinds_reference() -> str:
    """The Markdown reference of every form kind."""
    lines = [
        "# 表样 (form kinds)",
        "",
        "<!-- Written by `python -m generator kinds -o docs/kinds.md` (`make schema`) from",
        "     generator/data/kinds/; a test keeps this copy in sync. Do not edit by hand. -->",
        "",
        "A declaration names its kind in its first key, `表样: …`. The kinds and what each holds:",
        "",
        "| 表样 | form | 指标体系 (default) | 金额单位 (default) | page |",
        "|---|---|---|---|---|",
    ]
    for kind in form_kinds().values():
        page = "landscape" if kind.landscape else "portrait"
        lines.append(
            f"| `{kind.name}` | {kind.title} | {kind.framework} | {kind.amount_unit} | {page} |"
        )
    for kind in form_kinds().values():
        lines += ["", *_kind(kind)]
    lines += ["", "## 指标体系 (frameworks)", ""]
    lines.append("A declaration may name another than its kind's with `指标体系: …`.")
    for framework in frameworks().values():
        empty = "an empty placeholder row" if framework.empty_level2 else "an error (E303)"
        lines += ["", f"### {framework.name}", "", f"A 二级 written with no 三级 is {empty}.", ""]
        lines += ["| 一级 | 二级 |", "|---|---|"]
        for level1 in framework.level1:
            note = "（may carry a `说明` instead of 三级）" if level1.note_only else ""
            lines.append(f"| {level1.name}{note} | {'、'.join(level1.level2)} |")
    return "\n".join(lines) + "\n"


def _kind(kind: FormKind) -> Iterator[str]:
    yield f"## `{kind.name}`"
    yield ""
    yield kind.help
    yield ""
    yield (
        f"Layout template `generator/templates/{kind.layout}`; "
        f"definition `{_relative(kind.source)}`. "
        f"The indicator tree's levels are called {'、'.join(kind.levels)}."
    )
    yield ""
    yield "| key | type | required | what it holds |"
    yield "|---|---|---|---|"
    yield from _rows(kind.fields, "")
    yield ""
    yield "Each 三级 row of the indicator tree (`名称: 指标值`, or a mapping of these):"
    yield ""
    yield "| key | type | required | printed on the form | what it holds |"
    yield "|---|---|---|---|---|"
    for spec in kind.indicator:
        printed = "yes" if spec.printed else "no (warned: W404)"
        yield (
            f"| `{spec.key}`{_aliases(spec)} | {_type(spec)} | {_required(spec)} | {printed} "
            f"| {_cell(spec.help)} |"
        )
    checks = [_rule(rule) for rule in kind.rules]
    if checks:
        yield ""
        yield "Checks across fields:"
        yield ""
        yield from (f"- {check}" for check in checks)
    if kind.index:
        yield ""
        yield "The year's index lists: " + "、".join(c.label for c in kind.index) + "."
    if kind.footnotes:
        yield ""
        yield "Footnotes printed under the form: " + " ".join(kind.footnotes)


def _rows(fields: tuple[FieldSpec, ...], prefix: str) -> Iterator[str]:
    for spec in fields:
        path = f"{prefix}.{spec.key}" if prefix else spec.key
        key = f"`{path}`{_aliases(spec)}"
        yield f"| {key} | {_type(spec)} | {_required(spec)} | {_cell(spec.help)} |"
        if spec.type in (FieldType.GROUP, FieldType.LIST):
            yield from _rows(spec.fields, path + ("[]" if spec.type is FieldType.LIST else ""))


def _type(spec: FieldSpec) -> str:
    word = TYPE_WORDS[spec.type]
    if spec.type is FieldType.CHOICE:
        word += "：" + "、".join(spec.options)
    if spec.shorthand:
        word += f"（或只写{spec.shorthand}）"
    return word


def _required(spec: FieldSpec) -> str:
    if spec.required:
        return "yes"
    return "no" if spec.default is None else f"no ({str(spec.default).lower()})"


def _aliases(spec: FieldSpec) -> str:
    return f"（也可写 {'、'.join(spec.aliases)}）" if spec.aliases else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rule(rule: Rule) -> str:
    if isinstance(rule, SumRule):
        where = f"in each item of `{rule.each}`, " if rule.each else ""
        return f"{where}`{rule.total}` = {' + '.join(f'`{p}`' for p in rule.parts)} ({rule.code})"
    if isinstance(rule, ColumnTotalRule):
        return (
            f"`{rule.total}` = the column sums of `{rule.list}` "
            f"({', '.join(rule.columns)}); computed when not written ({rule.code})"
        )
    if isinstance(rule, SharesRule):
        return (
            f"in `{rule.group}`, each `{rule.share}` = its `{rule.amount}` / "
            f"`{rule.total}.{rule.amount}`; computed when not written ({rule.code})"
        )
    if isinstance(rule, ScoresRule):
        return f"the 分值 add up to `{rule.field}` (or {rule.default}) ({rule.code})"
    if isinstance(rule, DateOrderRule):
        return f"`{rule.first}` is not after `{rule.second}` ({rule.code})"
    if isinstance(rule, AtMostRule):
        return f"`{rule.part}` ≤ `{rule.whole}` when both are written ({rule.code})"
    if isinstance(rule, EqualRule):
        return f"`{rule.first}` = `{rule.second}` when both are written ({rule.code})"
    assert isinstance(rule, WithinYearRule)
    return f"`{rule.start}` … `{rule.end}` overlaps the 年度 ({rule.code})"


def _relative(source: str) -> str:
    marker = "generator/data/"
    return source[source.index(marker) :] if marker in source else source
