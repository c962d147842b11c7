"""Reading a form's indicator table into the indicator tree (一级 → 二级 → 三级 and the kind's
columns of a 三级 row), and recognising the framework (指标体系) its names follow.

The table starts at its header row, the row that holds the kind's 三级 label (三级指标, 三级目标);
the header names its columns: the levels' words, and the kind's indicator columns (指标值,
中期指标值 | 年度指标值, 指标值类型 …), a cell belonging to the column whose header starts at or
left of it (a header spans its merged cells). It ends at a row that starts with the label of a
field the kind prints after the tree (填报人, 分值合计), or holds left of its 三级 column a label
of the kind's other fields or nothing but labels of another kind (填报人 on a Shanghai form), and
above a second form pasted below the first (a title or （××××年度） after the header: W611, the
rest of the sheet is not read); the form's own footnotes are skipped.

In each row the framework's names are the 一级 and 二级, wherever they stand (a hand-typed form
shifts them), up to the row's 二级: right of it stands the 三级, whatever its name (社会成本指标
| 社会成本指标); a name that is both a 一级 and a 二级 (成本指标 in Shanghai's framework) is the
一级 when a 二级 of it stands beside it, else as its column says. The other cells are read by
their column: the 三级 name and each indicator column's value (a second cell in one column, or
a cell beyond the header's columns, is not read: W611); in a row with a value in an indicator
column, the cell in the 三级 column is the 三级 name, whatever it is called (质量指标). A row
without its 三级 name or without its target is W604, naming every cell it drops; the one
exception is a row of two cells shifted left against its header (a name in a level's column,
then a target with an operator), as text exports of merged cells have them: read in order, W610.
What is inferred rather than read (a 二级 label printed after the rows it belongs to, as merged
cells export; an operator with a stray space) gives a warning and a YAML comment. A 二级 row
with no 三级 is an empty 二级, as the national forms print a placeholder.

The framework is the one that knows most of the table's 一级/二级 names: the kind's own when no
other knows more, else the one of those with fewest of its 一级 missing from the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.declaration.model import (
    QUALITATIVE,
    QUANTITATIVE,
    Indicator,
    Level1,
    Level2,
    Record,
    Target,
    Value,
)
from generator.declaration.targets import Parsed, parse_target
from generator.errors import excerpt
from generator.importing.labels import is_label, only_labels, plain
from generator.importing.reading import Reading
from generator.importing.rules import level2_by_suffix, level_words
from generator.kinds import Framework, form_kinds, frameworks
from generator.kinds.frameworks import Level1Spec, canonical
from generator.kinds.spec import FieldSpec, FieldType

LEVEL1, LEVEL2, NAME = "一级", "二级", "三级"  # the header's level columns
_YEAR_CELL = re.compile(r"^[（(]?\d{4}年度[)）]?$")  # a form's （2024年度）


@dataclass(frozen=True)
class Table:
    """Where the indicator table is: its header row, its columns (start column → LEVEL1,
    LEVEL2, NAME or an indicator field's key), and the row after its last."""

    header: int
    columns: dict[int, str]  # "": a heading the kind does not have, which ends the one before
    end: int

    def column(self, col: int) -> str:
        """The column a cell at `col` belongs to ("" left of the first)."""
        starts = [start for start in self.columns if start <= col]
        return self.columns[max(starts)] if starts else ""

    def start(self, name: str) -> int:
        return next((c for c, n in self.columns.items() if n == name), -1)


@dataclass
class _Row:
    name: str
    values: dict[str, tuple[str, int]]  # indicator field key → (text, column)
    row: int
    col: int  # the 三级 name's column
    note: str = ""  # how it was inferred (a row shifted against its header): W610


@dataclass
class _Segment:
    """Consecutive indicator rows under one 二级 label."""

    level1: str
    level2: str
    rows: list[_Row] = field(default_factory=list)
    detached: list[tuple[str, str, int]] = field(default_factory=list)  # labels printed after


def _header(reading: Reading) -> int:
    """The row of the indicator table's header (the one holding the kind's 三级 label), or -1."""
    three = tuple(plain(w) for w in level_words(reading.kind.levels[-1]))
    return next(
        (
            r
            for r, row in enumerate(reading.grid.rows)
            if any(c and any(is_label(plain(c), w) for w in three) for c in row)
        ),
        -1,
    )


def next_form(reading: Reading) -> int:
    """The row where a second form pasted below the first starts (a row after the indicator
    table's header holding a form's title or its （××××年度）), or the number of rows. Its first
    cell is warned (W611) and marked as read: the rest of it is no part of the form."""
    rows = reading.grid.rows
    titles = {plain(kind.title) for kind in form_kinds().values() if kind.title}
    header = _header(reading)
    for r in range(header + 1 if header >= 0 else len(rows), len(rows)):
        cells = [(c, cell) for c, cell in enumerate(rows[r]) if cell]
        if any(plain(cell) in titles or _YEAR_CELL.match(plain(cell)) for _, cell in cells):
            c, cell = cells[0]
            where = reading.grid.location(r)
            reading.warn(
                r,
                "W611",
                f"“{excerpt(cell, 40)}”未导入：第 {where.line} 行起是另一张申报表，只读取第一张",
                col=c,
                hint="一个文件放一张申报表；另一张请另存为文件后导入",
            )
            reading.used.add((r, c))
            return r
    return len(rows)


def find_table(reading: Reading, after: tuple[str, ...], bottom: int) -> Table | None:
    """The indicator table of the form above row `bottom`, or None; `after` are the labels
    (plain) of the fields the kind prints after the tree. It ends at a row with one of those,
    or with a label of the kind's other fields or only labels of other kinds left of its 三级
    column (填报人 on a kind without one)."""
    kind = reading.kind
    one, two, three = (tuple(plain(w) for w in level_words(level)) for level in kind.levels)
    rows = reading.grid.rows
    header = _header(reading)
    if header < 0 or header >= bottom:
        return None
    columns: dict[int, str] = {}
    for c, cell in enumerate(rows[header]):
        text = plain(cell)
        if not text:
            continue
        for words, name in ((one, LEVEL1), (two, LEVEL2), (three, NAME)):
            if any(is_label(text, word) for word in words):
                columns[c] = name
                break
        else:
            spec = _indicator_column(reading, text)
            columns[c] = spec.key if spec is not None else ""  # another heading ends a column
    name_col = next((c for c, n in columns.items() if n == NAME), len(rows[header]))
    fields = {
        plain(key)
        for _, spec in kind.walk()
        if spec.type is not FieldType.INDICATORS and spec not in kind.indicator
        for key in (spec.key, *spec.aliases)
    }
    end = bottom
    for r in range(header + 1, bottom):
        # a label of a field printed after the tree: alone in its cell, or left of the 三级;
        # left of the 三级, a label of another field, or of another kind's only
        if any(
            plain(cell) in after
            or (
                c < name_col
                and (reading.heading_keys(cell) & fields or only_labels(cell, reading.foreign))
            )
            for c, cell in enumerate(rows[r])
            if cell
        ):
            end = r
            break
    reading.used.update((header, c) for c, name in columns.items() if name)
    return Table(header, columns, end)


def _indicator_column(reading: Reading, text: str) -> FieldSpec | None:
    """The indicator field a header cell names: the one it names exactly, else the one whose
    longest key it holds (中期指标值 is not 指标值)."""
    fields = reading.kind.indicator
    exact = next((f for f in fields if text in (plain(k) for k in (f.key, *f.aliases))), None)
    if exact is not None:
        return exact
    found = [
        (len(plain(k)), f) for f in fields for k in (f.key, *f.aliases) if is_label(text, plain(k))
    ]
    return max(found, key=lambda item: item[0])[1] if found else None


def recognise_framework(reading: Reading, table: Table, default: str) -> Framework:
    """The framework whose names the table's 一级 and 二级 cells are (see the module's
    docstring); `default` is the kind's."""
    name_col = table.start(NAME)
    names = set()
    for r in range(table.header + 1, table.end):
        for c, cell in enumerate(reading.grid.rows[r]):
            if cell and (name_col < 0 or c < name_col):
                names.add(plain(cell))
    known = frameworks()

    def misfits(framework: Framework) -> int:
        return sum(1 for n in names if not (framework.find(n) or framework.owner(n)))

    written = {canonical(n) for n in names}

    def fit(framework: Framework) -> tuple[int, bool, int]:
        present = sum(1 for spec in framework.level1 if canonical(spec.name) in written)
        return -misfits(framework), framework.name == default, present - len(framework.level1)

    return max(known.values(), key=fit)


class GoalsReader:
    """Reads the rows of `table` as `framework`'s tree; `path` is the tree's key."""

    def __init__(self, reading: Reading, table: Table, framework: Framework, path: str) -> None:
        self.reading = reading
        self.table = table
        self.framework = framework
        self.path = path
        self.name_col = table.start(NAME)
        target = reading.kind.role_field("target", reading.kind.indicator)
        assert target is not None
        self.target = target
        # An indicator column's own label is no 三级 name: a 备注 row after the table.
        self.agreed = ""  # the key of a declared 定量/定性 left out as its target reads so
        self.column_labels = {
            plain(k) for spec in reading.kind.indicator for k in (spec.key, *spec.aliases)
        }

    def level1_of(self, text: str, col: int) -> Level1Spec | None:
        """The 一级 `text` names: exactly, or without its 指标 left of the 三级 column."""
        name = plain(text)
        for spec in self.framework.level1:
            if spec.name == name or (self.left(col) and canonical(spec.name) == canonical(name)):
                return spec
        return None

    def owner(self, text: str, col: int) -> Level1Spec | None:
        """The 一级 whose 二级 `text` is: exactly, or without its 指标 left of the 三级 column."""
        name = plain(text)
        for spec in self.framework.level1:
            if name in spec.level2 or (self.left(col) and spec.find(name)):
                return spec
        return None

    def left(self, col: int) -> bool:
        return self.name_col < 0 or col < self.name_col

    def read(self) -> tuple[Level1, ...]:
        reading, rows = self.reading, self.reading.grid.rows
        notes: dict[str, str] = {}
        listed: dict[str, list[str]] = {}  # 一级 → its 二级 without 三级 (note-only 一级)
        segments: list[_Segment] = []
        level1 = ""
        for r in range(self.table.header + 1, self.table.end):
            # cells outside the header's columns are no part of the table (W611 at the end)
            cells = [(c, cell) for c, cell in enumerate(rows[r]) if cell and self.table.column(c)]
            if not cells or all(reading.is_note(cell) for _, cell in cells):
                continue
            found1, l1_text, l2_text, l2_col, rest = self.classify(cells, level1, r)
            home = self.owner(l2_text, l2_col) if l2_text else None
            l2 = plain(l2_text) if home else ""  # as written: 经济效益 stays 经济效益
            if found1 is not None:
                level1 = plain(l1_text)
            elif home is not None and not self.same(home, level1) and not rest:
                level1 = home.name
            spec = self.framework.find(level1) if level1 else None
            if spec is not None and spec.note_only and len(rest) <= 1 and (l2 or rest):
                if l2:
                    listed.setdefault(level1, []).append(l2)
                if rest:
                    notes[level1] = rest[0][1]
                    reading.used.add((r, rest[0][0]))
                continue
            row = self.indicator_row(rest, r)
            if row is not None:
                starts = found1 is not None and (
                    not segments or not self.same(found1, segments[-1].level1)
                )
                if l2 or not segments or starts:
                    inherited = segments[-1].level2 if segments and found1 is None else ""
                    segments.append(
                        _Segment(level1 or (home.name if home else ""), l2 or inherited)
                    )
                segments[-1].rows.append(row)
            elif not rest and l2:
                following = next(
                    (rows[n] for n in range(r + 1, self.table.end) if any(rows[n])), None
                )
                label_follows = following is None or any(
                    self.level1_of(t, c) or self.owner(t, c) for c, t in enumerate(following) if t
                )
                owner_name = plain(l1_text) if found1 else (home.name if home else "")
                if segments and label_follows and segments[-1].rows:
                    segments[-1].detached.append((owner_name, l2, r))
                else:
                    segments.append(_Segment(owner_name, l2))
            else:
                if not all((r, c) in reading.used for c, _ in rest):
                    shown = "、".join(t for _, t in cells)
                    reading.warn(r, "W604", f"无法识别这一行：{shown}，未导入")
                    reading.used.update((r, c) for c, _ in cells)  # warned about as a row
                if l2:  # the 二级 stands: the rows after it are its
                    segments.append(_Segment(level1 or (home.name if home else ""), l2))
        placed: list[_Segment] = []
        for segment in segments:
            later = self._split(segment) if segment.detached else []
            placed += [segment, *later]
        return self._tree(placed, notes, listed)

    def same(self, spec: Level1Spec, level1: str) -> bool:
        """Whether 一级 `level1` (as written) is `spec`."""
        return bool(level1) and self.framework.find(level1) is spec

    def classify(
        self, cells: list[tuple[int, str]], level1: str, r: int
    ) -> tuple[Level1Spec | None, str, str, int, list[tuple[int, str]]]:
        """A row's 一级 (if any) and its text, its 二级 text and column ("" if none), and its
        other cells; the level cells are marked as read."""
        ones = {c: self.level1_of(t, c) for c, t in cells}
        twos = {c: self.owner(t, c) for c, t in cells}
        found1: Level1Spec | None = None
        l1_text, l2_text, l2_col = "", "", -1
        # with a value in an indicator column, the 三级 column holds the 三级 name, whatever
        # it is called (质量指标)
        valued = any(self.table.column(c) not in (LEVEL1, LEVEL2, NAME) for c, _ in cells)
        for c, text in cells:
            if valued and self.table.column(c) == NAME:
                ones[c] = twos[c] = None
                continue
            one, home = ones[c], twos[c]
            if one is not None and home is not None:  # both a 一级 and a 二级 (成本指标)
                beside = any(one.find(plain(t)) for c2, t in cells if c2 != c)
                by_column = self.table.column(c)
                if beside or (by_column == LEVEL1 and not self.same(home, level1)):
                    home = None
                else:
                    one = None
            if l2_text:  # right of the row's 二级: its 三级 (社会成本指标 | 社会成本指标)
                ones[c] = twos[c] = None
            elif one is not None and found1 is None:
                found1, l1_text = one, text
            elif home is not None:
                l2_text, l2_col = text, c
        level_cols = {c for c, _ in cells if ones[c] is not None or twos[c] is not None}
        self.reading.used.update((r, c) for c in level_cols)
        rest = [(c, t) for c, t in cells if c not in level_cols]
        return found1, l1_text, l2_text, l2_col, rest

    def indicator_row(self, rest: list[tuple[int, str]], r: int) -> _Row | None:
        """The 三级 name and values of a row's other cells, by the header's columns (cells in
        the levels' columns are not the row's: unknown 二级 names, nor a second cell in one
        column: left unread). A row without its 三级 name or its target is warned with every
        cell it drops (W604), unless it is a row shifted against its header (see `shifted`).
        None when the row holds no indicator."""
        by_column: dict[str, tuple[str, int]] = {}
        for c, text in rest:
            column = self.table.column(c)
            if column not in (LEVEL1, LEVEL2) and column not in by_column:
                by_column[column] = (text, c)  # a second cell in a column is not read: W611
        target = self.target.key
        name, name_col = by_column.get(NAME, ("", -1))
        if name and plain(name) in self.column_labels:
            return None  # a 备注 row after the table: W604 as a row
        if name and target in by_column:
            by_column.pop(NAME)
            self.reading.used.add((r, name_col))
            self.reading.used.update((r, c) for _, c in by_column.values())
            return _Row(name, by_column, r, name_col)
        shifted = self.shifted(rest, r)
        if shifted is not None or not by_column:
            return shifted  # only cells in the levels' columns: W604 as a row
        others = self.named([(c, t) for c, t in rest if c != name_col])
        if name:
            message = f"“{name}”没有{target}，未导入{'：' if others else ''}{others}"
        else:
            message = f"这一行没有三级指标名称，未导入：{others}"
        self.reading.warn(r, "W604", message)
        self.reading.used.update((r, c) for c, _ in rest)
        return None

    def shifted(self, rest: list[tuple[int, str]], r: int) -> _Row | None:
        """A row of two cells shifted left against its header (as a text export of merged
        cells has them): a name in a level's column, then a target with an operator in that or
        the 三级 column, nothing in the indicator columns: read in order and warned (W610)."""
        if len(rest) != 2:
            return None
        (name_col, name), (col, text) = rest
        if self.table.column(name_col) not in (LEVEL1, LEVEL2) or self.table.column(col) not in (
            LEVEL1,
            LEVEL2,
            NAME,
        ):
            return None
        if self.reading.is_heading(name) or plain(name) in self.column_labels:
            return None
        parsed = parse_target(text)
        if not isinstance(parsed, Parsed) or parsed.target.qualitative:
            return None
        heading = self.reading.grid.rows[self.table.header][self.name_col]
        shown = f"{plain(heading)}“{name}”、{self.target.key}“{text}”"
        self.reading.used.update({(r, name_col), (r, col)})
        note = f"这一行的单元格与表头错位，按顺序读取：{shown}"
        return _Row(name, {self.target.key: (text, col)}, r, name_col, note)

    def named(self, cells: list[tuple[int, str]]) -> str:
        """`cells` as a warning names them: each with its indicator column's key, if in one."""
        shown = []
        for c, text in cells:
            column = self.table.column(c)
            known = column not in (LEVEL1, LEVEL2, NAME, "")
            shown.append(f"{column}“{text}”" if known else f"“{text}”")
        return "、".join(shown)

    def _split(self, segment: _Segment) -> list[_Segment]:
        """Give the rows of `segment` to the labels printed after it: rows whose names end as a
        detached 二级's names do (及时率 → 时效指标) go to it; rows before the first of those
        stay; rows after go to the detached label that has no such rule. When no row ends so,
        the labels printed after are 二级 with no 三级 (empty placeholder rows)."""
        suffixes = level2_by_suffix()
        labels = segment.detached
        segment.detached = []
        by_rule = {l2: suffixes.get(l2, ()) for _, l2, _ in labels}
        if not any(
            ends and row.name.endswith(ends) for row in segment.rows for ends in by_rule.values()
        ):
            return [_Segment(l1, l2) for l1, l2, _ in labels]
        without_rule = [(l1, l2, r) for l1, l2, r in labels if not by_rule[l2]]
        new = {l2: _Segment(l1, l2) for l1, l2, _ in labels}
        kept: list[_Row] = []
        seen_rule = False
        for row in segment.rows:
            target_label = next(
                (l2 for l2, ends in by_rule.items() if ends and row.name.endswith(ends)), ""
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
        numbers = self.reading.grid.numbers
        for l1, l2, label_row in labels:
            moved = new[l2].rows
            if moved:
                first, last = numbers[moved[0].row], numbers[moved[-1].row]
                how = f"名称以“{'/'.join(by_rule[l2])}”结尾" if by_rule[l2] else "位于其后"
                message = (
                    f"“{l2}”标签印在所属各行之后（合并单元格导出所致）：第 {first}–{last} 行中"
                    f"{how}的 {len(moved)} 项归入 {l1} / {l2}"
                )
                self.reading.warn(
                    label_row, "W601", message, f"{self.path}.{l1}.{l2}", f"导入时推断：{message}"
                )
            result.append(new[l2])
        return result

    def _tree(
        self,
        segments: list[_Segment],
        notes: dict[str, str],
        listed: dict[str, list[str]],
    ) -> tuple[Level1, ...]:
        order: dict[str, dict[str, list[Indicator]]] = {}  # by the framework's 一级
        written: dict[str, str] = {}  # the framework's 一级 → as the form first wrote it

        def key(level1: str) -> str:
            spec = self.framework.find(level1)
            name = spec.name if spec else level1
            written.setdefault(name, level1)
            return name

        for level1, names in listed.items():
            for name in names:
                order.setdefault(key(level1), {}).setdefault(name, [])
        for segment in segments:
            if not segment.level2:
                for row in segment.rows:
                    dropped = "、".join(f"{k}“{text}”" for k, (text, _) in row.values.items())
                    message = f"“{row.name}”没有二级指标，未导入{'：' if dropped else ''}{dropped}"
                    self.reading.warn(row.row, "W604", message)
                continue
            indicators = order.setdefault(key(segment.level1), {}).setdefault(segment.level2, [])
            for row in segment.rows:
                indicators.append(self.indicator(segment, row))
        for level1, note in list(notes.items()):
            order.setdefault(key(level1), {})
            notes[key(level1)] = note
        where = self.reading.grid.location(self.table.header)
        levels = []
        for name in sorted(order, key=self.framework.rank):
            spec = self.framework.find(name)
            children = tuple(
                Level2(l2, (spec.find(l2) if spec else None) or l2, tuple(rows), where)
                for l2, rows in order[name].items()
            )
            levels.append(Level1(written[name], name, notes.get(name, ""), children, where))
        return tuple(levels)

    def indicator(self, segment: _Segment, row: _Row) -> Indicator:
        at = f"{self.path}.{segment.level1}.{segment.level2}.{row.name}"
        if row.note:
            self.reading.warn(row.row, "W610", row.note, at, f"导入时推断：{row.note}")
        values: dict[str, Value] = {}
        declared = ""
        for spec in self.reading.kind.indicator:
            if spec.key not in row.values:
                continue
            text, col = row.values[spec.key]
            if spec.type is FieldType.TARGET:
                values[spec.key] = self._target(text, row, at)
            elif spec.role == "target_kind":
                declared = text
            else:
                value = self.reading.scalar(spec, text, row.row, f"{at}.{spec.key}", col)
                if value is not None:
                    values[spec.key] = value
        target = values[self.target.key]
        assert isinstance(target, Target)
        qualitative = target.qualitative
        kind_spec = self.reading.kind.role_field("target_kind", self.reading.kind.indicator)
        # A declared 定量/定性 that agrees with how the target reads is what the form prints
        # for every row: written only where it differs.
        if declared and kind_spec is not None:
            inferred = QUALITATIVE if target.qualitative else QUANTITATIVE
            if declared != inferred:
                values[kind_spec.key] = declared
                qualitative = declared == QUALITATIVE
            else:
                self.agreed = kind_spec.key
        ordered = Record(
            {k: values[k] for k in (f.key for f in self.reading.kind.indicator) if k in values}
        )
        return Indicator(
            row.name, target, ordered, self.reading.grid.location(row.row, row.col), qualitative
        )

    def _target(self, written: str, row: _Row, at: str) -> Target:
        parsed = parse_target(written)
        if isinstance(parsed, Parsed):
            if parsed.target.text != written and not parsed.target.qualitative:
                self.reading.warn(
                    row.row,
                    "W603",
                    f"“{row.name}”的目标值“{written}”读作“{parsed.target.text}”",
                    at,
                    f"原表写作“{written}”",
                )
            return parsed.target
        # Kept as written; `check` reports why it is not a valid target.
        return Target(written, None, None, "")
