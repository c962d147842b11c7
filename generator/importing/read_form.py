"""Reading a filled-in form (as a Grid) into a Declaration of a form kind.

Every label comes from the kind's definition (its field keys and their aliases), so a kind the
pipeline knows is a kind it can import. Labels are found by their text, not their position:
extra blank rows and columns, merges that span differently, labels with or without （元）, and
rows shifted by a cell all read the same. A label's value is the first cell right of it that is
not itself a label, or, when a label stands right of it, the cell under it (the 年末资产总额 |
年末在职人数 | 内设机构数 row with its values below). A label's value is never another label.

In the indicator table each row's non-empty cells are classified: framework names (一级/二级)
are labels, and of the rest the last is the target and the one before it the 三级 name.
Whatever is inferred rather than read (a 二级 label printed after the rows it belongs to, as
merged cells export; an operator with a stray space; the form's kind) gives a warning with the
source row and, where it concerns a value, a comment for the YAML. Values are kept as written: a
form whose sums do not add up imports with those sums, and `check` reports them.

Every cell read into a value is recorded; at the end, every other cell that holds something and
is none of the form's own texts (labels, title, footnotes, headings) is warned about (W611) and
listed at the end of the YAML: nothing on the form is dropped without a word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

from generator.authoring.emit import END
from generator.config import read_config
from generator.declaration.model import (
    Declaration,
    Goals,
    Indicator,
    Level1,
    Level2,
    Record,
    Target,
    Value,
)
from generator.declaration.read import MAX_COUNT_DIGITS, parse_amount
from generator.declaration.targets import Parsed, parse_target
from generator.errors import Diagnostic, Location, excerpt, sort_diagnostics
from generator.importing.grid import Grid
from generator.kinds import FormKind, Framework, form_kinds, frameworks, vocabulary
from generator.kinds.frameworks import Level1Spec
from generator.kinds.spec import FieldSpec, FieldType
from generator.kinds.vocabulary import amount_units

_YEAR = re.compile(r"(\d{4})\s*年度")
_NUMBERED = re.compile(r"^\s*目标\s*\d+\s*[：:]\s*")
MAX_COUNT = 10**MAX_COUNT_DIGITS  # counts `check` reads are below it
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})  # controls, format …
_BRACKETED = re.compile(r"[（(][^（）()]*[)）]")
_NUMERALS = "一二三四五六七八九十"  # numbering of labels: 一、部门职责
LABEL_SLACK = 12  # characters a label cell may hold beyond its key: numbering, units


@dataclass(frozen=True)
class ImportResult:
    """The declaration read from a form, with what was inferred (warnings, and YAML comments
    keyed by the path of the key they belong above), or the errors that prevented reading."""

    declaration: Declaration | None
    warnings: tuple[Diagnostic, ...]
    comments: dict[str, tuple[str, ...]]
    errors: tuple[Diagnostic, ...]
    blank: frozenset[str] = frozenset()  # fields the form left blank: written without a value


@cache
def form_texts() -> tuple[str, ...]:
    """Texts forms print that are neither labels nor values (the 内容 over the budget's
    column), from import.yaml: never warned about as unplaced (W611)."""
    return read_config(vocabulary.DATA / "import.yaml").get("form_texts").texts()


@cache
def level2_by_suffix() -> dict[str, tuple[str, ...]]:
    """二级 → the endings of 三级 names that belong to it (import inference), from import.yaml."""
    raw = read_config(vocabulary.DATA / "import.yaml").get("level2_by_suffix")
    return {level2: endings.texts() for level2, endings in raw.mapping().items()}


def read_form(grid: Grid, slug: str, kind: FormKind | None = None) -> ImportResult:
    """Read the form in `grid` as `kind` (None: the kind whose labels the form has most of);
    `slug` names the declaration to be written."""
    warnings: list[Diagnostic] = []
    if kind is None:
        kind, score, tied = recognise(grid)
        if score == 0:
            error = Diagnostic(
                Location(grid.source, 1, 1),
                "E601",
                "找不到任何申报表的栏目",
                "这不像是绩效目标申报表；若是，请用 --kind 指明表样",
            )
            return ImportResult(None, (), {}, (error,))
        if tied:
            others = "、".join(tied)
            warnings.append(
                Diagnostic(
                    Location(grid.source, 1, 1),
                    "W609",
                    f"这张表与表样“{kind.name}”和“{others}”同样吻合，按栏目最少的“{kind.name}”读取",
                )
            )
    reader = _FormReader(grid, kind, frameworks()[kind.framework], warnings)
    year = reader.year()
    if year is None:
        error = Diagnostic(
            Location(grid.source, 1, 1), "E601", "找不到“（××××年度）”", "表头应写明年度"
        )
        return ImportResult(None, (), {}, (error,))
    declaration = reader.read(slug, year)
    comments = {path: tuple(lines) for path, lines in reader.comments.items()}
    warnings_found = tuple(sort_diagnostics(reader.warnings))
    return ImportResult(declaration, warnings_found, comments, (), frozenset(reader.blank))


def recognise(grid: Grid) -> tuple[FormKind, int, list[str]]:
    """The kind whose labels (top-level fields and indicator columns) the grid has most of,
    the fewest of its own missing; how many it has; and the kinds that fit as well."""
    cells = {_plain(cell) for row in grid.rows for cell in row if cell}

    def score(kind: FormKind) -> tuple[int, int]:
        fields = (*kind.fields, *kind.indicator)
        found = sum(
            1
            for spec in fields
            if any(
                _is_label(cell, _plain(key)) for key in (spec.key, *spec.aliases) for cell in cells
            )
        )
        return found, found - len(fields)

    scored = [(score(kind), kind) for kind in form_kinds().values()]
    best_score, best = max(scored, key=lambda item: item[0])
    # kinds with as many of their labels on the form: the one missing fewest was taken
    tied = [kind.name for s, kind in scored if s[0] == best_score[0] and kind is not best]
    return best, best_score[0], tied


def _plain(text: str) -> str:
    """A label as compared: without any white space (hand-typed forms space out labels)."""
    return re.sub(r"[\s\u3000]+", "", text)


def _is_label(plain: str, key: str) -> bool:
    return key in plain and len(plain) <= len(key) + LABEL_SLACK


def _only_labels(cell: str, labels: list[str]) -> bool:
    """Whether `cell` holds nothing but labels (`labels`, longest first) and what labels are
    printed with: numbering (1、（1）一、), remarks in brackets （元）, punctuation. A value
    with a label word in it (预算备注, 备注：本年无变化) is more than that."""
    plain = rest = _plain(cell)
    for label in labels:
        rest = rest.replace(label, "")
    rest = _BRACKETED.sub("", rest)
    return rest != plain and not any(ch.isalpha() and ch not in _NUMERALS for ch in rest)


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
    kind: FormKind
    framework: Framework
    warnings: list[Diagnostic]
    comments: dict[str, list[str]] = field(default_factory=dict)
    blank: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        flags = {f.key for f in self._flags()}  # printed in the department's name, not as labels
        keys = {
            name
            for _, spec in self.kind.walk()
            if spec.key not in flags
            for name in (spec.key, *spec.aliases)
        }
        keys |= {*self.kind.levels, *(f.key for f in self.kind.indicator)}
        self.labels = {_plain(k) for k in keys}
        self.unit: str | None = None
        self.used: set[tuple[int, int]] = set()  # (row, col) of the cells read into a value
        texts = (self.kind.title, *self.kind.footnotes, *form_texts())
        self.form_texts = {_plain(text) for text in texts if text}

    def warn(
        self,
        row: int,
        code: str,
        message: str,
        comment_at: str = "",
        comment: str = "",
        col: int = 0,
        hint: str = "",
    ) -> None:
        message = visible(message)
        self.warnings.append(Diagnostic(self.grid.location(row, col), code, message, hint))
        if comment_at:
            self.comments.setdefault(comment_at, []).append(visible(comment) or message)

    # -- finding labels and values ------------------------------------------------------------

    def is_label(self, cell: str) -> bool:
        plain = _plain(cell)
        return bool(plain) and any(_is_label(plain, key) for key in self.labels)

    def find(self, spec: FieldSpec, start: int = 0) -> tuple[int, int]:
        """(row, col) of the first cell from row `start` labelled with the field's key or an
        alias, or (-1, -1)."""
        keys = [_plain(k) for k in (spec.key, *spec.aliases)]
        for r in range(start, len(self.grid.rows)):
            for c, cell in enumerate(self.grid.rows[r]):
                plain = _plain(cell)
                if plain and any(_is_label(plain, key) for key in keys):
                    return r, c
        return -1, -1

    def value_at(self, row: int, col: int) -> tuple[str, int, int]:
        """The value of the label at (row, col): right of it, or under it when a label stands
        right of it; "" when neither holds one. Returns the text and its row and column."""
        cells = self.grid.rows[row]
        for c in range(col + 1, len(cells)):
            if cells[c]:
                if not self.is_label(cells[c]):
                    self.used.add((row, c))
                    return cells[c], row, c
                break
        for r in range(row + 1, len(self.grid.rows)):
            below = self.grid.rows[r]
            if any(below):
                text = below[col] if col < len(below) else ""
                if self.is_label(text):
                    return "", row, col
                self.used.add((r, col))
                return text, r, col
        return "", row, col

    # -- the form -----------------------------------------------------------------------------

    def year(self) -> int | None:
        for r, row in enumerate(self.grid.rows):
            for c, cell in enumerate(row):
                match = _YEAR.search(cell)
                if match:
                    self.used.add((r, c))
                    return int(match.group(1))
        return None

    def read(self, slug: str, year: int) -> Declaration:
        self.unit = self._unit()
        values = self.group(self.kind.fields, "", 0, year)
        self.unplaced()
        return Declaration(
            source=self.grid.source,
            slug=slug,
            kind=self.kind,
            framework=self.framework,
            values=values,
            locations={},
        )

    def unplaced(self) -> None:
        """Warn about every cell that holds something but was read into no value and is none
        of the form's own texts (labels, title, footnotes, headings): nothing is dropped
        silently. The YAML lists them at its end."""
        own = sorted(self.labels | self.form_texts, key=len, reverse=True)
        for r, row in enumerate(self.grid.rows):
            for c, cell in enumerate(row):
                if not cell or (r, c) in self.used or _only_labels(cell, own):
                    continue
                where = self.grid.location(r, c)
                self.warn(
                    r,
                    "W611",
                    f"“{excerpt(cell, 40)}”未导入：不属于表样“{self.kind.name}”的任何栏目",
                    END,
                    f"原表第 {where.line} 行第 {where.col} 列的“{cell}”未导入（不属于任何栏目）",
                    c,
                    "若是申报的内容，请在导入的 YAML 中手工补上",
                )

    def _unit(self) -> str | None:
        """The 金额单位 the form's amount labels print: （万元）, （元）; None if none does."""
        units = sorted(amount_units().values(), key=lambda u: len(u.name), reverse=True)
        for row in self.grid.rows:
            for cell in row:
                plain = _plain(cell)
                if not self.is_label(cell):
                    continue
                for unit in units:
                    if _plain(unit.label) in plain or f"({unit.name})" in plain:
                        return unit.name
        return None

    def group(self, fields: tuple[FieldSpec, ...], prefix: str, start: int, year: int) -> Record:
        values: dict[str, Value] = {}
        for spec in fields:
            path = f"{prefix}.{spec.key}" if prefix else spec.key
            value = self.field(spec, path, start, year)
            if value is not None:
                values[spec.key] = value
        return Record(values)

    def field(self, spec: FieldSpec, path: str, start: int, year: int) -> Value | None:
        kind = spec.type
        if spec.role == "year":
            return year
        if spec.role == "amount_unit":
            return self.unit  # as the form's labels print it: （元）, （万元）
        if kind is FieldType.INDICATORS:
            levels = self.goals(path)
            return Goals(levels) if levels else None  # no indicator table: `check` asks for one
        if kind is FieldType.BOOL:
            return self.flag(spec, start)
        row, col = self.find(spec, start)
        if kind is FieldType.GROUP:
            inner = self.group(spec.fields, path, max(row, start), year)
            if not inner and row >= 0 and spec.shorthand:
                text, at, at_col = self.value_at(row, col)
                child = spec.child(spec.shorthand)
                value = (
                    self.scalar(child, text, at, f"{path}.{spec.shorthand}", at_col)
                    if child and text
                    else None
                )
                return Record({spec.shorthand: value}) if value is not None else None
            return inner or None
        if kind is FieldType.LIST:
            return self.sequence(spec, path, max(row, start)) or None
        if row < 0:
            return None
        text, at, at_col = self.value_at(row, col)
        if not text:
            self.left_blank(spec, path, row, col)
            return None
        if kind is FieldType.TEXTS:
            return tuple(_NUMBERED.sub("", line) for line in text.split("\n") if line.strip())
        if spec.role == "department":
            return self.department(text)
        return self.scalar(spec, text, at, path, at_col)

    def department(self, text: str) -> str:
        """The department's name, without a flag's printed suffix such as (汇总), which the
        flag's own field records."""
        for flag in self._flags():
            printed = str(flag.print.get(True, "")) if isinstance(flag.print, dict) else ""
            pattern = _suffix(printed)
            if printed and pattern.search(text):
                return pattern.sub("", text)
        return text

    def left_blank(self, spec: FieldSpec, path: str, row: int, col: int) -> None:
        """The form has a label but no value for `spec`: written blank, for `check` to ask."""
        if not spec.required:
            return
        self.blank.add(path)
        self.warn(
            row,
            "W606",
            f"“{spec.key}”没有填写，留空待补",
            path,
            f"导入时原表未填写“{spec.key}”",
            col,
        )

    def _flags(self) -> Iterator[FieldSpec]:
        for _, spec in self.kind.walk():
            if spec.type is FieldType.BOOL and f"{{{spec.key}}}" in self.kind.display:
                yield spec

    def flag(self, spec: FieldSpec, start: int) -> bool | None:
        """A flag the form prints as a suffix of the department's name ((汇总)), or as a label
        with 是/否."""
        if any(spec is flag for flag in self._flags()):
            department = self.kind.spec(self.kind.role_path("department"))
            assert department is not None
            row, col = self.find(department)
            text = self.value_at(row, col)[0] if row >= 0 else ""
            printed = spec.print.get(True, "") if isinstance(spec.print, dict) else ""
            return True if printed and _suffix(str(printed)).search(text) else None
        row, col = self.find(spec, start)
        text = self.value_at(row, col)[0] if row >= 0 else ""
        return {"是": True, "否": False}.get(text.strip())

    def unreadable(
        self,
        spec: FieldSpec,
        at: tuple[str, int, int],
        what: str,
        text: str,
        reason: str = "无法读取",
    ) -> None:
        """A value that cannot be read is written blank (never invented), with a comment that
        keeps what the form wrote; `at` is its path and the row and column of its cell."""
        path, row, col = at
        if path:
            self.blank.add(path)
        message = f"“{spec.key}”的{what}“{excerpt(text)}”{reason}，留空待补"
        self.warn(row, "W602", message, path, f"导入时原表写作“{text}”，{reason}，请填写", col)

    def scalar(
        self, spec: FieldSpec | None, text: str, row: int, path: str = "", col: int = 0
    ) -> Value | None:
        if spec is None:
            return None
        kind = spec.type
        at = (path, row, col)
        if kind in (FieldType.TEXT, FieldType.LONG_TEXT, FieldType.CHOICE):
            return text
        if kind is FieldType.AMOUNT:
            value = parse_amount(re.sub(r"\s*万?元$", "", text))
            if value is None:
                self.unreadable(spec, at, "金额", text)
                return None
            return to_cents(value)
        if kind in (FieldType.INTEGER, FieldType.NUMBER, FieldType.PERCENT):
            number = parse_amount(text.rstrip("%％ "))
            integral = number is not None and number == number.to_integral_value()
            if number is None or number < 0 or (kind is FieldType.INTEGER and not integral):
                self.unreadable(spec, at, "数字", text)
                return None
            if kind is FieldType.INTEGER and number >= MAX_COUNT:
                # never int() of a count with thousands of digits: `check` refuses it anyway
                self.unreadable(spec, at, "数字", text, f"超过 {MAX_COUNT - 1:,}")
                return None
            return int(number) if kind is FieldType.INTEGER else number
        if kind is FieldType.DATE:
            match = re.search(r"(\d{4})\D+(\d{1,2})\D+(\d{1,2})", text)
            try:
                return date(*(int(g) for g in match.groups())) if match else None
            except ValueError:
                pass
            self.unreadable(spec, at, "日期", text)
            return None
        return text

    def sequence(self, spec: FieldSpec, path: str, start: int) -> tuple[Record, ...]:
        """The items of a list: its header row names the columns, every following row is an
        item until a row that holds another field's label."""
        leaves = list(_leaves(spec.fields, ""))
        first = leaves[0][1]
        header, _ = self.find(first, start)
        if header < 0:
            return ()
        columns: dict[str, int] = {}
        for r in (header, header + 1):
            if r >= len(self.grid.rows):
                break
            for c, cell in enumerate(self.grid.rows[r]):
                for leaf_path, leaf in leaves:
                    keys = [_plain(k) for k in (leaf.key, *leaf.aliases)]
                    if leaf_path not in columns and any(_is_label(_plain(cell), k) for k in keys):
                        columns[leaf_path] = c
        body = header + (
            2 if header + 1 < len(self.grid.rows) and self._header_row(header + 1, columns) else 1
        )
        own = {_plain(k) for _, leaf in leaves for k in (leaf.key, *leaf.aliases)}
        items: list[Record] = []
        for r in range(body, len(self.grid.rows)):
            cells = self.grid.rows[r]
            filled = [(c, cell) for c, cell in enumerate(cells) if cell]
            if not filled:
                continue
            if any(self.is_label(cell) and _plain(cell) not in own for _, cell in filled):
                break
            order = sorted(columns.items(), key=lambda item: item[1])
            record: dict[str, object] = {}
            for index, (leaf_path, col) in enumerate(order):
                end = order[index + 1][1] if index + 1 < len(order) else len(cells)
                c, text = next(((c, cells[c]) for c in range(col, end) if cells[c]), (col, ""))
                leaf = dict(leaves)[leaf_path]
                at = f"{path}[{len(items) + 1}].{leaf_path}"
                value = self.scalar(leaf, text, r, at, c) if text else None
                if text:
                    self.used.add((r, c))
                if value is not None:
                    _put(record, leaf_path, value)
            if len(filled) > len(record) and len(filled) == len(order) and len(record) < len(order):
                record = {}
                for (leaf_path, _), (c, text) in zip(order, filled, strict=True):
                    at = f"{path}[{len(items) + 1}].{leaf_path}"
                    self.used.add((r, c))
                    value = self.scalar(dict(leaves)[leaf_path], text, r, at, c)
                    if value is not None:
                        _put(record, leaf_path, value)
                self.warn(
                    r, "W610", "这一行的单元格与表头错位，按顺序读取", f"{path}[{len(items) + 1}]"
                )
            items.append(_records(record))
        return tuple(items)

    def _header_row(self, row: int, columns: dict[str, int]) -> bool:
        """Whether `row` (under a header) still belongs to the header: sub-labels only."""
        cells = [cell for cell in self.grid.rows[row] if cell]
        return bool(cells) and all(self.is_label(cell) for cell in cells)

    # -- the indicator table ----------------------------------------------------------------

    def goals(self, path: str) -> tuple[Level1, ...]:
        one, _, three = self.kind.levels
        first, _ = self.find(FieldSpec(one, FieldType.TEXT, ""))
        header, _ = self.find(FieldSpec(three, FieldType.TEXT, ""), max(first, 0))
        if header < 0:
            return ()
        framework = self.framework
        notes: dict[str, str] = {}
        listed: dict[str, list[str]] = {}  # 一级 → its 二级 without 三级 (note-only 一级)
        segments: list[_Segment] = []
        level1 = ""
        rows = self.grid.rows

        # Exact names only: a 三级 may be named like a 一级 or 二级 without its 指标 (满意度).
        def level1_of(text: str) -> Level1Spec | None:
            return next((s for s in framework.level1 if s.name == _plain(text)), None)

        def owner(text: str) -> Level1Spec | None:
            return next((s for s in framework.level1 if _plain(text) in s.level2), None)

        # An indicator column's own label is no 三级 name: a 备注 row after the table.
        columns = {_plain(k) for spec in self.kind.indicator for k in (spec.key, *spec.aliases)}

        for r in range(header + 1, len(rows)):
            cells = [(c, cell) for c, cell in enumerate(rows[r]) if cell]
            if not cells:
                continue
            found1 = next((level1_of(t) for _, t in cells if level1_of(t)), None)
            l2_text = next((t for _, t in cells if owner(t) and not level1_of(t)), "")
            home = owner(l2_text) if l2_text else None
            l2 = home.find(_plain(l2_text)) if home else ""
            rest = [(c, t) for c, t in cells if not level1_of(t) and not owner(t)]
            self.used.update((r, c) for c, t in cells if level1_of(t) or owner(t))
            if found1 is not None:
                level1 = found1.name
            elif home is not None and home.name != level1 and not rest:
                level1 = home.name
            spec = framework.find(level1) if level1 else None
            if spec is not None and spec.note_only and len(rest) <= 1 and (l2 or rest):
                if l2:
                    listed.setdefault(level1, []).append(l2)
                if rest:
                    notes[level1] = rest[0][1]
                    self.used.add((r, rest[0][0]))
                continue
            if len(rest) >= 2 and _plain(rest[-2][1]) not in columns:
                (name_col, name), (col, target) = rest[-2], rest[-1]
                self.used.update({(r, name_col), (r, col)})
                starts = found1 is not None and (not segments or found1.name != segments[-1].level1)
                if l2 or not segments or starts:
                    inherited = segments[-1].level2 if segments and found1 is None else ""
                    segments.append(
                        _Segment(level1 or (home.name if home else ""), l2 or inherited)
                    )
                segments[-1].rows.append((name, target, r, col))
            elif not rest and l2:
                following = next((rows[n] for n in range(r + 1, len(rows)) if any(rows[n])), None)
                label_follows = following is None or any(
                    level1_of(t) or owner(t) for t in following if t
                )
                owner_name = found1.name if found1 else (home.name if home else "")
                if segments and label_follows:
                    segments[-1].detached.append((owner_name, l2, r))
                else:
                    segments.append(_Segment(owner_name, l2))
            elif rest:
                self.warn(r, "W604", f"无法识别这一行：{'、'.join(t for _, t in cells)}，未导入")
                self.used.update((r, c) for c, _ in cells)  # warned about as a row
        placed: list[_Segment] = []
        for segment in segments:
            later = self._split(segment, path) if segment.detached else []
            placed += [segment, *later]
        return self._tree(placed, notes, listed, path)

    def _split(self, segment: _Segment, path: str) -> list[_Segment]:
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
            self.warn(label_row, "W601", message, f"{path}.{l1}.{l2}", f"导入时推断：{message}")
            result.append(new[l2])
        segment.detached = []
        return result

    def _tree(
        self,
        segments: list[_Segment],
        notes: dict[str, str],
        listed: dict[str, list[str]],
        path: str,
    ) -> tuple[Level1, ...]:
        order: dict[str, dict[str, list[Indicator]]] = {}
        for level1, names in listed.items():
            for name in names:
                order.setdefault(level1, {}).setdefault(name, [])
        target_key = self.kind.role_field("target", self.kind.indicator)
        assert target_key is not None
        for segment in segments:
            if not segment.level2:
                for name, _, row, _ in segment.rows:
                    self.warn(row, "W604", f"“{name}”没有二级指标，未导入")
                continue
            indicators = order.setdefault(segment.level1, {}).setdefault(segment.level2, [])
            for name, written, r, col in segment.rows:
                target = self._target(written, r, segment, name, path)
                indicators.append(
                    Indicator(
                        name,
                        target,
                        Record({target_key.key: target}),
                        self.grid.location(r, col),
                        target.qualitative,
                    )
                )
        for level1 in notes:
            order.setdefault(level1, {})
        ranked = sorted(order, key=self.framework.rank)
        return tuple(
            Level1(
                name,
                name,
                notes.get(name, ""),
                tuple(
                    Level2(l2, l2, tuple(rows), self.grid.location(0))
                    for l2, rows in order[name].items()
                ),
                self.grid.location(0),
            )
            for name in ranked
        )

    def _target(self, written: str, row: int, segment: _Segment, name: str, path: str) -> Target:
        parsed = parse_target(written)
        if isinstance(parsed, Parsed):
            if parsed.target.text != written and not parsed.target.qualitative:
                at = f"{path}.{segment.level1}.{segment.level2}.{name}"
                self.warn(
                    row,
                    "W603",
                    f"“{name}”的目标值“{written}”读作“{parsed.target.text}”",
                    at,
                    f"原表写作“{written}”",
                )
            return parsed.target
        # Kept as written; `check` reports why it is not a valid target.
        return Target(written, None, None, "")


def to_cents(amount: Decimal) -> Decimal:
    """`amount` with at least two decimals, as forms print amounts (an XLSX number cell saves
    18417248.3 for the 18,417,248.30 it shows); never rounded, exact at any size."""
    sign, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int) or exponent <= -2:
        return amount
    return Decimal((sign, (*digits, *(0,) * (exponent + 2)), -2))


def visible(text: str) -> str:
    """`text` with its line breaks, control and invisible characters written as escapes (\\n,
    \\x01, \\u2028): cell texts quoted in a message or a YAML comment stay on one line, and a
    comment holds no character YAML refuses."""
    return "".join(
        ch.encode("unicode_escape").decode() if unicodedata.category(ch) in _INVISIBLE else ch
        for ch in text
    )


def _suffix(printed: str) -> re.Pattern[str]:
    """A printed suffix such as (汇总), matched with either kind of bracket and any spaces."""
    inner = re.escape(printed.strip("()（） "))
    return re.compile(rf"\s*[（(]\s*{inner}\s*[)）]\s*$")


def _leaves(fields: tuple[FieldSpec, ...], prefix: str) -> Iterator[tuple[str, FieldSpec]]:
    for spec in fields:
        path = f"{prefix}.{spec.key}" if prefix else spec.key
        if spec.type is FieldType.GROUP:
            yield from _leaves(spec.fields, path)
        else:
            yield path, spec


def _put(record: dict[str, object], path: str, value: Value) -> None:
    """Set dotted `path` in a nest of plain dicts (made Records by `_records`)."""
    *groups, key = path.split(".")
    target: dict[str, object] = record
    for group in groups:
        target = target.setdefault(group, {})  # type: ignore[assignment]
    target[key] = value


def _records(nested: dict[str, object]) -> Record:
    return Record(
        {k: _records(v) if isinstance(v, dict) else v for k, v in nested.items()}  # type: ignore[misc]
    )
