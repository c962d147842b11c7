"""The state of reading one form as one kind: the grid, the kind's labels, what was read from
which cell, and what was inferred (warnings, YAML comments, fields left blank); how a cell's
text becomes a field's value; and, at the end, the cells nothing was read from (W611).

Shared by the field reader (importing/read_form.py) and the indicator table's reader
(importing/indicators.py). Every label comes from the kind's definition: its field keys and
aliases, its levels' words, its indicator columns, title and footnotes, and the texts
generator/data/import.yaml lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, Inexact, localcontext

from generator.authoring.emit import END
from generator.declaration.model import Value
from generator.declaration.read import MAX_COUNT_DIGITS, parse_amount
from generator.errors import Diagnostic, excerpt
from generator.importing.grid import Grid
from generator.importing.labels import best_keys, only_labels, plain, visible
from generator.importing.rules import check_marks, form_texts, in_brackets, level_words
from generator.kinds import FormKind, form_kinds
from generator.kinds.spec import FieldSpec, FieldType
from generator.kinds.vocabulary import amount_units

MAX_COUNT = 10**MAX_COUNT_DIGITS  # counts `check` reads are below it
# a cell that is one date and nothing else (2024年1月15日, 2024-1-15, 2024/01/15 0:00:00, an ISO
# date cell's 2024-01-15T00:00:00): a month alone, a range or a date with more is not read
_DATE = re.compile(
    r"\s*(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*[日号]?"
    r"(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*"
)


@dataclass
class Reading:
    grid: Grid
    kind: FormKind
    warnings: list[Diagnostic] = field(default_factory=list)
    comments: dict[str, list[str]] = field(default_factory=dict)
    blank: set[str] = field(default_factory=set)
    used: set[tuple[int, int]] = field(default_factory=set)  # cells read into a value
    unit: str = ""  # the 金额单位 amounts are read in ("": the kind's)

    def __post_init__(self) -> None:
        flags = {f.key for f in self.flags()}  # printed in the department's name, not as labels
        keys = {
            name
            for _, spec in self.kind.walk()
            if spec.key not in flags
            for name in (spec.key, *spec.aliases)
        }
        keys |= {word for level in self.kind.levels for word in level_words(level)}
        keys |= {k for f in self.kind.indicator for k in (f.key, *f.aliases)}
        keys |= {label for label, pair in in_brackets().items() if self.kind.spec(pair[0])}
        self.labels = {plain(k) for k in keys}
        texts = (self.kind.title, *self.kind.footnotes, *form_texts())
        self.texts = {plain(text) for text in texts if text}
        self.notes = {plain(text) for text in (self.kind.title, *self.kind.footnotes) if text}
        self._label_cache: dict[str, frozenset[str]] = {}
        self.own = sorted(self.labels | self.texts, key=len, reverse=True)
        # the labels of the other kinds: a heading of a block this kind has no field for
        # (部门职能 | 年度目标任务 on a form whose 年度履职目标 is a text) is no value
        foreign = {
            plain(name)
            for other in form_kinds().values()
            if other.name != self.kind.name
            for _, spec in other.walk()
            for name in (spec.key, *spec.aliases)
        }
        self.foreign = sorted(foreign - self.labels, key=len, reverse=True)

    def flags(self) -> list[FieldSpec]:
        """Flags the form prints as a suffix of the department's name ((汇总))."""
        return [
            spec
            for _, spec in self.kind.walk()
            if spec.type is FieldType.BOOL and f"{{{spec.key}}}" in self.kind.display
        ]

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

    def cell(self, row: int, col: int) -> str:
        cells = self.grid.rows[row] if 0 <= row < len(self.grid.rows) else ()
        return cells[col] if 0 <= col < len(cells) else ""

    # -- labels -------------------------------------------------------------------------------

    def label_keys(self, cell: str) -> frozenset[str]:
        """The labels (plain keys) `cell` is a label of, the longest ones only; none when the
        cell holds more than labels (联系电话接通率 is a value, not the label 联系电话)."""
        text = plain(cell)
        if text not in self._label_cache:
            label = bool(text) and only_labels(text, self.own)
            self._label_cache[text] = frozenset(best_keys(text, self.labels) if label else ())
        return self._label_cache[text]

    def is_label(self, cell: str) -> bool:
        return bool(self.label_keys(cell))

    def is_heading(self, cell: str) -> bool:
        """Whether `cell` is a label: of this kind, or nothing but labels of another kind."""
        return self.is_label(cell) or (bool(cell) and only_labels(cell, self.foreign))

    def heading_keys(self, cell: str) -> frozenset[str]:
        """The labels `cell` is, when it holds nothing but labels (not 预算备注, a value with
        the label 备注 in it)."""
        keys = self.label_keys(cell)
        return keys if keys and only_labels(cell, self.own) else frozenset()

    def is_note(self, cell: str) -> bool:
        """Whether `cell` is the form's title or one of its footnotes."""
        text = plain(cell)
        return bool(text) and any(note in text for note in self.notes)

    def unplaced(self) -> None:
        """Warn about every cell that holds something but was read into no value and is none
        of the form's own texts (labels, title, footnotes, headings): nothing is dropped
        silently. The YAML lists them at its end."""
        own = self.own
        for r, row in enumerate(self.grid.rows):
            for c, cell in enumerate(row):
                if not cell or (r, c) in self.used or only_labels(cell, own) or self.is_note(cell):
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

    # -- values -------------------------------------------------------------------------------

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

    def scalar(
        self, spec: FieldSpec, text: str, row: int, path: str = "", col: int = 0
    ) -> Value | None:
        """The value of field `spec` written `text` in the cell at (row, col); None (and a
        warning) when it cannot be read."""
        kind = spec.type
        at = (path, row, col)
        if kind is FieldType.CHOICE and spec.print == "boxes":
            return self.boxes(spec, text, at)
        if kind in (FieldType.TEXT, FieldType.LONG_TEXT, FieldType.CHOICE):
            return text
        if kind is FieldType.AMOUNT:
            return self.amount(spec, text, at)
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
            match = _DATE.fullmatch(text)
            try:
                if match:
                    return date(*(int(g) for g in match.groups()))
            except ValueError:
                pass
            self.unreadable(spec, at, "日期", text)
            return None
        return text

    def amount(self, spec: FieldSpec, text: str, at: tuple[str, int, int]) -> Decimal | None:
        """An amount, typed with a unit or without: one in another unit than the form's
        (120万元 on a form in 元) is converted exactly, and the YAML says so in a comment."""
        units = amount_units()
        unit = self.unit or self.kind.amount_unit
        written = text.strip()
        typed = next((u for u in sorted(units, key=len, reverse=True) if written.endswith(u)), "")
        value = parse_amount(written.removesuffix(typed))
        if value is None:
            self.unreadable(spec, at, "金额", text)
            return None
        if typed and typed != unit:
            with localcontext() as context:
                context.prec = len(value.as_tuple().digits) + 40
                context.traps[Inexact] = True
                value = value * units[typed].in_yuan / units[unit].in_yuan
            path = at[0]
            if path:
                comment = f"导入时原表写作“{visible(text)}”，换算为{unit}"
                self.comments.setdefault(path, []).append(comment)
        return to_cents(value)

    def boxes(self, spec: FieldSpec, text: str, at: tuple[str, int, int]) -> str | None:
        """A choice printed as check boxes (☑新增项目  □延续项目): the option ticked; a cell
        that is one option's text alone is that option. None ticked is a blank, several are
        unreadable (each with a warning)."""
        marks = check_marks()
        written = plain(text)
        if written in (plain(option) for option in spec.options):
            return next(o for o in spec.options if plain(o) == written)
        ticked = []
        rest = written
        for option in sorted(spec.options, key=len, reverse=True):
            key = plain(option)
            for mark in (*marks.checked, *marks.unchecked):
                if mark + key in rest:
                    if mark in marks.checked:
                        ticked.append(option)
                    rest = rest.replace(mark + key, "", 1)
                    break
        path, row, col = at
        if rest or len(ticked) > 1:
            self.unreadable(spec, at, "勾选", text, "无法确定勾选的是哪一项")
            return None
        if not ticked:
            self.left_blank(spec, path, row, col)
            return None
        return ticked[0]


def to_cents(amount: Decimal) -> Decimal:
    """`amount` with at least two decimals, as forms print amounts (an XLSX number cell saves
    18417248.3 for the 18,417,248.30 it shows); never rounded, exact at any size."""
    sign, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int) or exponent <= -2:
        return amount
    return Decimal((sign, (*digits, *(0,) * (exponent + 2)), -2))
