"""Reading a filled-in form (as a Grid) into a Declaration.

Labels are found by their text, not their position, so extra blank rows and columns, merges
that span differently, labels with or without （元）, and rows shifted by a cell all read the
same. In the indicator table each row's non-empty cells are classified: framework names
(一级/二级, from the taxonomy) are labels, and of the rest the last is the target and the one
before it the 三级 name.

Whatever is inferred rather than read (a 二级 label printed after the rows it belongs to, as
merged cells export; an operator with a stray space) gives a warning with the source row and a
comment for the YAML. Values are kept as written: a form whose sums do not add up imports with
those sums, and `check` reports them. A value is never another label: a label whose value is
blank (the next cell is empty, or is a label itself) gives a warning, and the field is written
without a value for `check` to report as missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from generator.errors import Diagnostic, Location, sort_diagnostics
from generator.grid import Grid
from generator.model import GLOSSARY as G
from generator.model import Budget, Declaration, Indicator, Level1, Level2, Target, Task
from generator.schema import parse_amount
from generator.targets import parse_target
from generator.vocabulary import amount_units, level2_by_suffix, taxonomy

_YEAR = re.compile(r"(\d{4})\s*年度")
_CONSOLIDATED = re.compile(r"\s*[（(]\s*汇总\s*[)）]\s*$")


@dataclass(frozen=True)
class ImportResult:
    """The declaration read from a form, with what was inferred (warnings, and YAML comments
    keyed by the path of the key they belong above) and the paths of the fields the form left
    blank (to be written without a value, for `check` to report), or the errors that prevented
    reading."""

    declaration: Declaration | None
    warnings: tuple[Diagnostic, ...]
    comments: dict[str, tuple[str, ...]]
    errors: tuple[Diagnostic, ...]
    blank: frozenset[str] = frozenset()


class _Missing(Exception):
    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def read_form(grid: Grid, slug: str) -> ImportResult:
    """Read the form in `grid`; `slug` names the declaration to be written."""
    reader = _FormReader(grid)
    try:
        declaration = reader.read(slug)
    except _Missing as missing:
        error = Diagnostic(
            Location(grid.source, 1, 1),
            "E601",
            f"找不到“{missing.what}”",
            "这不像是部门（单位）整体支出绩效目标申报表",
        )
        return ImportResult(None, (), {}, (error,))
    comments = {path: tuple(lines) for path, lines in reader.comments.items()}
    warnings = tuple(sort_diagnostics(reader.warnings))
    return ImportResult(declaration, warnings, comments, (), frozenset(reader.blank))


def _plain(text: str) -> str:
    """A label as compared: without any white space (hand-typed forms space out labels)."""
    return re.sub(r"[\s\u3000]+", "", text)


# The labels printed on the form; a value is never one of them.
_LABELS = frozenset(
    G[key]
    for key in (
        "department", "subordinate_units", "duties", "annual_goal", "tasks", "task_name",
        "task_content", "budget", "total", "sources", "fiscal", "other_funds", "structure",
        "basic", "project", "year_end_assets", "staff", "internal_units", "goals", "level1",
        "level2", "level3", "target",
    )
)  # fmt: skip
# Where each read field goes in the YAML (the others are top-level keys named by their label).
_PATHS = {
    "total": f"{G['budget']}.{G['total']}",
    "fiscal": f"{G['budget']}.{G['sources']}.{G['fiscal']}",
    "other_funds": f"{G['budget']}.{G['sources']}.{G['other_funds']}",
    "basic": f"{G['budget']}.{G['structure']}.{G['basic']}",
    "project": f"{G['budget']}.{G['structure']}.{G['project']}",
}
_NUMBERING = re.compile(r"^(?:\d+[、.．]|[（(]\d+[)）])+")
_NOTE = re.compile(r"[（(][^（）()]*[)）]$")


def _is_label(text: str) -> bool:
    """Whether a cell is one of the form's labels, numbered or with a unit or note
    (1、资金来源：（1）财政拨款, 部门整体预算总额（元）, 主要内容（重点工作计划））."""
    return any(
        _NOTE.sub("", _NUMBERING.sub("", part)) in _LABELS
        for part in re.split(r"[:：]", _plain(text))
    )


@dataclass
class _Segment:
    """Consecutive indicator rows under one 二级 label."""

    level1: str
    level2: str
    rows: list[tuple[str, str, int, int]] = field(default_factory=list)  # name, target, row, col
    detached: list[tuple[str, str, int]] = field(default_factory=list)  # labels printed after


@dataclass
class _FormReader:
    grid: Grid
    warnings: list[Diagnostic] = field(default_factory=list)
    comments: dict[str, list[str]] = field(default_factory=dict)
    blank: set[str] = field(default_factory=set)

    def warn(
        self,
        row: int,
        code: str,
        message: str,
        comment_at: str = "",
        comment: str = "",
        col: int = 0,
    ) -> None:
        self.warnings.append(Diagnostic(self.grid.location(row, col), code, message))
        if comment_at:
            self.comments.setdefault(comment_at, []).append(comment or message)

    # -- finding labels ---------------------------------------------------------------------

    def find(self, label: str, start: int = 0, required: bool = True) -> tuple[int, int]:
        """(row, col) of the first label cell from row `start` that holds `label`: labels may
        carry numbering and units (1、资金来源：（1）财政拨款, 部门整体预算总额（元）), values
        are long texts that merely mention it."""
        for r in range(start, len(self.grid.rows)):
            for c, cell in enumerate(self.grid.rows[r]):
                text = _plain(cell)
                if label in text and len(text) <= len(label) + 12:
                    return r, c
        if required:
            raise _Missing(label)
        return -1, -1

    def after(self, row: int, col: int) -> str:
        """The value right of the label at (row, col): the first non-empty cell, unless that
        is another label (the value was left blank)."""
        value = next((cell for cell in self.grid.rows[row][col + 1 :] if cell), "")
        return "" if _is_label(value) else value

    def value_of(self, key: str, start: int = 0) -> tuple[str, int]:
        """The value of the field `key` (a GLOSSARY key) and its row; "" when blank."""
        row, col = self.find(G[key], start)
        return self.value_at(key, row, col), row

    def value_at(self, key: str, row: int, col: int) -> str:
        value = self.after(row, col)
        if not value:
            self.left_blank(key, row, col)
        return value

    def left_blank(self, key: str, row: int, col: int) -> None:
        """The form has no value for `key`: written blank, for `check` to report."""
        label = G[key]
        path = _PATHS.get(key, label)
        self.blank.add(path)
        self.warn(
            row, "W606", f"“{label}”没有填写，留空待补", path, f"导入时原表未填写“{label}”", col
        )

    # -- the form ---------------------------------------------------------------------------

    def read(self, slug: str) -> Declaration:
        year = self._year()
        name, _ = self.value_of("department")
        consolidated = bool(_CONSOLIDATED.search(name))
        department = _CONSOLIDATED.sub("", name)
        units_text, units_row = self.value_of("subordinate_units")
        total_row, total_col = self.find(G["total"])
        label = _plain(self.grid.rows[total_row][total_col])
        unit = next((u for u in sorted(amount_units(), key=len, reverse=True) if u in label), "元")
        amounts = {
            key: self._amount(*self.value_of(key, total_row))
            for key in ("fiscal", "other_funds", "basic", "project")
        }
        total = self._amount(self.value_at("total", total_row, total_col), total_row)
        year_end = self._year_end()
        return Declaration(
            source=self.grid.source,
            slug=slug,
            year=year,
            department=department,
            consolidated=consolidated,
            subordinate_units=self._count(units_text, units_row),
            duties=self.value_of("duties")[0],
            annual_goal=self.value_of("annual_goal")[0],
            tasks=self._tasks(),
            amount_unit=unit,
            budget=Budget(total, **amounts),
            year_end_assets=self._amount(*year_end["year_end_assets"]),
            staff=self._count(*year_end["staff"]),
            internal_units=self._count(*year_end["internal_units"]),
            goals=self._goals(),
            locations={},
        )

    def _year(self) -> int:
        for row in self.grid.rows:
            for cell in row:
                match = _YEAR.search(cell)
                if match:
                    return int(match.group(1))
        raise _Missing("（××××年度）")

    def _amount(self, text: str, row: int) -> Decimal:
        """An amount; a blank one (already warned about) is a placeholder never written."""
        value = parse_amount(re.sub(r"\s*万?元$", "", text))
        if value is None:
            if text:
                self.warn(row, "W602", f"金额“{text}”无法读取，按 0 导入", "", "")
            return Decimal(0)
        return value

    def _count(self, text: str, row: int) -> int:
        value = parse_amount(text)
        if value is None or value != value.to_integral_value() or value < 0:
            if text:
                self.warn(row, "W602", f"数字“{text}”无法读取，按 0 导入")
            return 0
        return int(value)

    def _year_end(self) -> dict[str, tuple[str, int]]:
        """年末资产总额, 年末在职人数 and 内设机构数 (text, row): each right of its label (one
        label a row), or under it (the three labels on one row, their values on the next)."""
        keys = ("year_end_assets", "staff", "internal_units")
        places = {key: self.find(G[key]) for key in keys}
        found: dict[str, tuple[str, int]] = {}
        for key, (row, col) in places.items():
            beside = self.after(row, col)
            if beside:
                found[key] = (beside, row)
        below = [key for key in keys if key not in found]
        for row in sorted({places[key][0] for key in below}):
            on_row = sorted((places[key][1], key) for key in below if places[key][0] == row)
            found.update(self._values_under(row, on_row))
        for key in keys:
            if not found[key][0]:
                self.left_blank(key, *places[key])
        return found

    def _values_under(self, row: int, labels: list[tuple[int, str]]) -> dict[str, tuple[str, int]]:
        """The values on the next non-empty row under `labels` (col, key) of `row`: under each
        label, or right of it within its merge; if the values are shifted, in order."""
        rows = self.grid.rows
        values_row = next((r for r in range(row + 1, len(rows)) if any(rows[r])), row)
        values = rows[values_row] if values_row != row else ()
        if any(_is_label(v) for v in values if v):
            values = ()  # the next row is another part of the form: no values were filled in
        found = []
        for i, (col, _) in enumerate(labels):
            end = labels[i + 1][0] if i + 1 < len(labels) else len(values)
            found.append(next((v for v in values[col:end] if v), ""))
        shifted = [v for v in values if v]
        if not all(found) and len(shifted) == len(labels):
            found = shifted
        return {key: (value, values_row) for (_, key), value in zip(labels, found, strict=True)}

    def _tasks(self) -> tuple[Task, ...]:
        header, _ = self.find(G["task_name"])
        end, _ = self.find(G["budget"], header)
        tasks = []
        for r in range(header + 1, end):
            cells = [cell for cell in self.grid.rows[r] if cell]
            if cells:
                tasks.append(
                    Task(cells[0], cells[1] if len(cells) > 1 else "", self.grid.location(r))
                )
        return tuple(tasks)

    # -- the indicator table ----------------------------------------------------------------

    def _goals(self) -> tuple[Level1, ...]:
        header, _ = self.find(G["level3"], self.find(G["level1"])[0])
        framework = taxonomy()
        owner = {l2: spec.name for spec in framework.values() for l2 in spec.level2}
        notes: dict[str, str] = {}
        listed: dict[str, list[str]] = {}  # 一级 → its 二级 without 三级 (note-only 一级)
        segments: list[_Segment] = []
        level1 = ""
        rows = self.grid.rows
        for r in range(header + 1, len(rows)):
            cells = [(c, cell) for c, cell in enumerate(rows[r]) if cell]
            if not cells:
                continue
            l1 = next((t for _, t in cells if _plain(t) in framework), "")
            l2 = next((t for _, t in cells if _plain(t) in owner), "")
            rest = [
                (c, t) for c, t in cells if _plain(t) not in framework and _plain(t) not in owner
            ]
            l1, l2 = _plain(l1), _plain(l2)
            if l1:
                level1 = l1
            elif l2 and owner[l2] != level1 and not rest:
                level1 = owner[l2]
            spec = framework.get(level1)
            if spec is not None and spec.note_only and len(rest) <= 1 and (l2 or rest):
                if l2:
                    listed.setdefault(level1, []).append(l2)
                if rest:
                    notes[level1] = rest[0][1]
                continue
            if len(rest) >= 2:
                (_, name), (col, target) = rest[-2], rest[-1]
                if l2 or not segments or (l1 and l1 != segments[-1].level1):
                    inherited = segments[-1].level2 if segments and not l1 else ""
                    segments.append(_Segment(level1 or owner.get(l2, ""), l2 or inherited))
                segments[-1].rows.append((name, target, r, col))
            elif not rest and l2:
                following = next((rows[n] for n in range(r + 1, len(rows)) if any(rows[n])), None)
                label_follows = following is None or any(
                    _plain(t) in framework or _plain(t) in owner for t in following if t
                )
                if segments and label_follows:
                    segments[-1].detached.append((l1 or owner[l2], l2, r))
                else:
                    segments.append(_Segment(l1 or owner[l2], l2))
            elif rest:
                self.warn(r, "W604", f"无法识别这一行：{'、'.join(t for _, t in cells)}，未导入")
        placed: list[_Segment] = []
        for segment in segments:
            later = self._split(segment) if segment.detached else []
            placed += [segment, *later]
        return self._tree(placed, notes, listed)

    def _split(self, segment: _Segment) -> list[_Segment]:
        """Give the rows of `segment` to the labels printed after it: rows whose names end as a
        detached 二级's names do (及时率 → 时效指标) go to it; rows before the first of those
        stay; rows after go to the detached label that has no such rule."""
        suffixes = level2_by_suffix()
        labels = segment.detached
        by_rule = {l2: suffixes.get(l2, ()) for _, l2, _ in labels}
        without_rule = [(l1, l2, r) for l1, l2, r in labels if not by_rule[l2]]
        new = {l2: _Segment(l1, l2) for l1, l2, _ in labels}
        kept: list[tuple[str, str, int, int]] = []
        seen_rule = False
        for row in segment.rows:
            target_label = next(
                (l2 for l2, ends in by_rule.items() if ends and row[0].endswith(ends)), ""
            )
            if target_label:
                seen_rule = True
                new[target_label].rows.append(row)
            elif seen_rule and without_rule:
                new[without_rule[-1][1]].rows.append(row)
            else:
                kept.append(row)
        segment.rows = kept
        result = []
        for l1, l2, label_row in labels:
            moved = new[l2].rows
            if not moved:
                continue
            first, last = self.grid.numbers[moved[0][2]], self.grid.numbers[moved[-1][2]]
            how = f"名称以“{'/'.join(by_rule[l2])}”结尾" if by_rule[l2] else "位于其后"
            message = (
                f"“{l2}”标签印在所属各行之后（合并单元格导出所致）：第 {first}–{last} 行中"
                f"{how}的 {len(moved)} 项归入 {l1} / {l2}"
            )
            self.warn(
                label_row, "W601", message, f"{G['goals']}.{l1}.{l2}", f"导入时推断：{message}"
            )
            result.append(new[l2])
        segment.detached = []
        return result

    def _tree(
        self, segments: list[_Segment], notes: dict[str, str], listed: dict[str, list[str]]
    ) -> tuple[Level1, ...]:
        order: dict[str, dict[str, list[Indicator]]] = {}
        for level1, names in listed.items():
            for name in names:
                order.setdefault(level1, {}).setdefault(name, [])
        for segment in segments:
            if not segment.level2:
                for name, _, row, _ in segment.rows:
                    self.warn(row, "W604", f"“{name}”没有二级目标，未导入")
                continue
            indicators = order.setdefault(segment.level1, {}).setdefault(segment.level2, [])
            for name, written, r, col in segment.rows:
                indicators.append(
                    Indicator(
                        name,
                        self._target(written, r, segment, name),
                        "",
                        "",
                        self.grid.location(r, col),
                    )
                )
        for level1 in notes:
            order.setdefault(level1, {})
        framework = list(taxonomy())
        ranked = sorted(
            order, key=lambda n: framework.index(n) if n in framework else len(framework)
        )
        return tuple(
            Level1(
                name,
                notes.get(name, ""),
                tuple(
                    Level2(l2, tuple(rows), self.grid.location(0))
                    for l2, rows in order[name].items()
                ),
                self.grid.location(0),
            )
            for name in ranked
        )

    def _target(self, written: str, row: int, segment: _Segment, name: str) -> Target:
        parsed = parse_target(written)
        if isinstance(parsed, Target):
            if parsed.text != written and not parsed.qualitative:
                path = f"{G['goals']}.{segment.level1}.{segment.level2}.{name}"
                self.warn(
                    row,
                    "W603",
                    f"“{name}”的目标值“{written}”读作“{parsed.text}”",
                    path,
                    f"原表写作“{written}”",
                )
            return parsed
        # Kept as written; `check` reports why it is not a valid target.
        return Target(written, None, None, "")
