"""Reading a filled-in form (as a Grid) into a Declaration of a form kind.

Every label comes from the kind's definition (its field keys and their aliases, and the labels
generator/data/import.yaml adds), so a kind the pipeline knows is a kind it can import. Labels
are found by their text, not their position: extra blank rows and columns, merges that span
differently, labels with or without （元）, and rows shifted by a cell all read the same.

A field is looked for inside its block: a group's fields below its label, up to the next label
that belongs to none of them, and, where groups stand side by side (收入构成 | 支出构成,
中期资金总额 | 年度资金总额), between its label and the next one's. A label's value is the first
cell right of it that is not itself a label, or, when a label stands right of it, the cell
under it (a header row with its values below); a field of a group whose label has no value
beside it is found under its column's header (金额合计 under 总额 | 财政拨款 | 其他资金, a
share's 金额 | 占比). A group the form does not print stays absent: its fields are then looked
for only by labels no other field has (so 财政拨款 in the tasks' header never makes up a
部门总体资金情况). A label's value is never another label.

Check boxes (☑新增项目  □延续项目) read as the option ticked, dates as dates, lists of texts
without their printed numbering (目标1：). Totals and shares the kind computes (金额合计, 占比)
are written only when they differ from what it computes (then `check` reports them), and a
declared 指标值类型 only where it differs from how its target reads.

The indicator table is read by importing/indicators.py. Whatever is inferred rather than read
gives a warning with the source row and, where it concerns a value, a comment for the YAML.
Values are kept as written: a form whose sums do not add up imports with those sums, and
`check` reports them. Every cell read into a value is recorded; at the end, every other cell
that holds something and is none of the form's own texts is warned about (W611).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from generator.declaration.checks import derived_values
from generator.declaration.model import FRAMEWORK_KEY, Declaration, Goals, Record, Value
from generator.errors import Diagnostic, Location, sort_diagnostics
from generator.importing.grid import Grid
from generator.importing.indicators import (
    GoalsReader,
    find_table,
    next_form,
    recognise_framework,
)
from generator.importing.labels import is_label, plain
from generator.importing.reading import Reading
from generator.importing.recognise import recognise
from generator.importing.rules import in_brackets, level2_by_suffix
from generator.kinds import FormKind, Framework, frameworks
from generator.kinds.spec import ColumnTotalRule, FieldSpec, FieldType, SharesRule
from generator.kinds.vocabulary import amount_units

_YEAR = re.compile(r"(\d{4})\s*年度")
_IN_BRACKETS = re.compile(r"^(.*?)\s*[（(]\s*([^（）()]*?)\s*[)）]\s*$", re.S)


@dataclass(frozen=True)
class ImportResult:
    """The declaration read from a form, with what was inferred (warnings, and YAML comments
    keyed by the path of the key they belong above; `notes` for the file's first comment), or
    the errors that prevented reading."""

    declaration: Declaration | None
    warnings: tuple[Diagnostic, ...]
    comments: dict[str, tuple[str, ...]]
    errors: tuple[Diagnostic, ...]
    blank: frozenset[str] = frozenset()  # fields the form left blank: written without a value
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Region:
    """Rows top…bottom-1 and columns left…right-1 of the grid."""

    top: int
    bottom: int
    left: int
    right: int

    def cells(self, grid: Grid) -> list[tuple[int, int, str]]:
        return [
            (r, c, cell)
            for r in range(self.top, self.bottom)
            for c, cell in enumerate(grid.rows[r])
            if self.left <= c < self.right and cell
        ]


def read_form(grid: Grid, slug: str, kind: FormKind | None = None) -> ImportResult:
    """Read the form in `grid` as `kind` (None: the kind the form fits best, see
    importing/recognise.py); `slug` names the declaration to be written."""
    warnings: list[Diagnostic] = []
    if kind is None:
        found = recognise(grid)
        kind = found.kind
        if found.labels == 0:
            error = Diagnostic(
                Location(grid.source, 1, 1),
                "E601",
                "找不到任何申报表的栏目",
                "这不像是绩效目标申报表；若是，请用 --kind 指明表样",
            )
            return ImportResult(None, (), {}, (error,))
        if found.tied:
            others = "、".join(found.tied)
            warnings.append(
                Diagnostic(
                    Location(grid.source, 1, 1),
                    "W609",
                    f"这张表与表样“{kind.name}”和“{others}”同样吻合，按栏目最少的“{kind.name}”读取",
                    f"若不是“{kind.name}”，请用 --kind 指明表样",
                )
            )
    reader = _FormReader(Reading(grid, kind, warnings))
    year = reader.year()
    if year is None:
        error = Diagnostic(
            Location(grid.source, 1, 1), "E601", "找不到“（××××年度）”", "表头应写明年度"
        )
        return ImportResult(None, (), {}, (error,))
    declaration = reader.read(slug, year)
    reading = reader.reading
    comments = {path: tuple(lines) for path, lines in reading.comments.items()}
    found_warnings = tuple(sort_diagnostics(reading.warnings))
    return ImportResult(
        declaration, found_warnings, comments, (), frozenset(reading.blank), tuple(reader.notes)
    )


class _FormReader:
    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.grid = reading.grid
        self.kind = reading.kind
        self.notes: list[str] = []
        self.unit: str | None = None
        self.framework: Framework = frameworks()[self.kind.framework]
        self.in_brackets: dict[str, tuple[str, int, int]] = {}  # path → value, row, col
        self.headers: set[tuple[int, int]] = set()  # labels in a header row: values below
        self.bottom = len(self.grid.rows)  # the row after the form's last
        self.twice: set[tuple[int, int]] = set()  # labels said to stand more than once
        # every key (plain) → the fields it labels; a key of one field only is unique
        owners: dict[str, set[str]] = {}
        self.subtree: dict[str, frozenset[str]] = {}
        for path, spec in self.kind.walk():
            for key in self.keys(spec):
                owners.setdefault(key, set()).add(path)
        for path, _ in self.kind.walk():
            self.subtree[path] = frozenset(
                key
                for other, spec in self.kind.walk()
                if other == path or other.startswith(f"{path}.")
                for key in self.keys(spec)
            )
        self.unique = {key for key, paths in owners.items() if len(paths) == 1}

    @staticmethod
    def keys(spec: FieldSpec) -> set[str]:
        return {plain(k) for k in (spec.key, *spec.aliases)}

    # -- finding labels and values ------------------------------------------------------------

    def find(self, spec: FieldSpec, region: Region, unique: bool = False) -> tuple[int, int]:
        """(row, col) of the first cell of `region` labelled with the field's key or an alias
        (only keys no other field has, when `unique`), or (-1, -1)."""
        keys = self.keys(spec)
        if unique:
            keys &= self.unique
        found = [
            (r, c)
            for r, c, cell in region.cells(self.grid)
            if any(is_label(plain(cell), key) for key in keys) and self.reading.is_label(cell)
        ]
        if len(found) > 1 and spec.type is not FieldType.GROUP and found[0] not in self.twice:
            self.twice.add(found[0])  # a value typed as the label's text: which is it?
            places = "、".join(f"第 {r + 1} 行第 {c + 1} 列" for r, c in found)
            self.reading.warn(
                found[0][0],
                "W616",
                f"“{spec.key}”的栏目名在表中出现 {len(found)} 次（{places}），"
                "按第一处读取，其后的值可能读错了栏目",
                col=found[0][1],
                hint="核对这几处；一处是填写的内容时，导入的 YAML 中这一栏要手工改正",
            )
        return found[0] if found else (-1, -1)

    def block(
        self, path: str, at: tuple[int, int], siblings: list[tuple[int, int]], around: Region
    ) -> Region:
        """The region of the field at `path` whose label is at `at`, inside `around`: from its
        label down to the first row with a label none of its fields has, between the labels
        of `siblings` that stand in the same row."""
        row, col = at
        same_row = [c for r, c in siblings if r == row and c != col]
        left = col if any(c < col for c in same_row) else around.left
        right = min((c for c in same_row if c > col), default=around.right)
        own = self.subtree.get(path, frozenset())
        bottom = around.bottom
        for r in range(row + 1, around.bottom):
            cells = self.grid.rows[r][left:right]
            if any(
                keys and not keys & own
                for keys in (self.reading.heading_keys(cell) for cell in cells if cell)
            ):
                bottom = r
                break
        return Region(row, bottom, left, right)

    def value_at(self, row: int, col: int, region: Region) -> tuple[str, int, int]:
        """The value of the label at (row, col): right of it, or under it when a label stands
        right of it (or nothing does); under it first when the label is in a header row (its
        row holds the labels of its block's other fields with no value between them: 年末资产总额
        | 年末在职人数 | 内设机构数); "" when neither holds one. Returns the text and its row and
        column."""
        if (row, col) in self.headers:
            below = self.below(row, col, region)
            if below[0]:
                return below
        cells = self.grid.rows[row]
        for c in range(col + 1, min(len(cells), region.right)):
            if cells[c]:
                if not self.reading.is_heading(cells[c]):
                    self.reading.used.add((row, c))
                    return cells[c], row, c
                break
        return self.below(row, col, region)

    def below(self, row: int, col: int, region: Region) -> tuple[str, int, int]:
        """The value under the label at (row, col): in the next row of `region` that holds
        anything, unless that is a label."""
        for r in range(row + 1, region.bottom):
            below = self.grid.rows[r]
            if any(below[region.left : region.right]):
                text = below[col] if col < len(below) else ""
                if self.reading.is_heading(text):
                    return "", row, col
                if text:
                    self.reading.used.add((r, col))
                return text, r, col
        return "", row, col

    def mark_headers(self, found: dict[str, tuple[int, int]]) -> None:
        """Note the labels of `found` (a block's fields) that stand in a header row."""
        by_row: dict[int, list[int]] = {}
        for row, col in found.values():
            by_row.setdefault(row, []).append(col)
        for row, cols in by_row.items():
            if len(cols) < 2:
                continue
            between = self.grid.rows[row][min(cols) : max(cols) + 1]
            if all(not cell or self.reading.is_label(cell) for cell in between):
                self.headers.update((row, col) for col in cols)

    def under_header(
        self, spec: FieldSpec, at: tuple[int, int], top: int, right: int
    ) -> tuple[str, int, int] | None:
        """The value of `spec` in the row of its group's label `at`, under the nearest header
        above that labels `spec` (between `top` and that row, right of the label); None when
        no header does."""
        row, col = at
        keys = self.keys(spec)
        for r in range(row - 1, top - 1, -1):
            for c in range(col + 1, min(right, len(self.grid.rows[r]))):
                text = plain(self.grid.rows[r][c])
                labelled = any(is_label(text, key) for key in keys)
                if text and labelled and self.reading.is_label(text):
                    value = self.reading.cell(row, c)
                    if value and not self.reading.is_label(value):
                        self.reading.used.add((row, c))
                        return value, row, c
                    return "", row, c
        return None

    # -- the form -----------------------------------------------------------------------------

    def year(self) -> int | None:
        for r, row in enumerate(self.grid.rows):
            for c, cell in enumerate(row):
                match = _YEAR.search(cell)
                if match:
                    self.reading.used.add((r, c))
                    return int(match.group(1))
        return None

    def read(self, slug: str, year: int) -> Declaration:
        self.unit = self._unit()
        self.reading.unit = self.unit or self.kind.amount_unit
        self.bottom = next_form(self.reading)  # a second form pasted below is not read
        everything = Region(0, self.bottom, 0, max(map(len, self.grid.rows), default=0))
        values = self.group(self.kind.fields, "", everything, (-1, -1), year)
        locations: dict[str, Location] = {}
        if self.framework.name != self.kind.framework:
            locations[FRAMEWORK_KEY] = self.grid.location(0)
            self.notes.append(
                f"指标体系：{self.framework.name}（按表中的一级、二级指标名称识别，"
                f"不是表样“{self.kind.name}”默认的 {self.kind.framework}）"
            )
        declaration = Declaration(
            source=self.grid.source,
            slug=slug,
            kind=self.kind,
            framework=self.framework,
            values=values,
            locations=locations,
        )
        declaration = self.computed(declaration)
        self.reading.unplaced()
        return declaration

    def _unit(self) -> str | None:
        """The 金额单位 the form's amount labels print: （万元）, （元）; None if none does."""
        units = sorted(amount_units().values(), key=lambda u: len(u.name), reverse=True)
        for row in self.grid.rows:
            for cell in row:
                text = plain(cell)
                if not self.reading.is_label(cell):
                    continue
                for unit in units:
                    if plain(unit.label) in text or f"({unit.name})" in text:
                        return unit.name
        return None

    def group(
        self,
        fields: tuple[FieldSpec, ...],
        prefix: str,
        region: Region,
        label: tuple[int, int],
        year: int,
        unique: bool = False,
        top: int = 0,
    ) -> Record:
        """The fields of a group (the whole form: prefix "") inside `region`; `label` is where
        the group's own label is ((-1, -1): not printed, and then its fields are found only by
        labels no other field has); the headers of its fields' columns are looked for from row
        `top` (the top of the block the group's label is in)."""
        self.split_brackets(fields, prefix, region)
        found: dict[str, tuple[int, int]] = {}
        for spec in fields:
            if spec.role in ("year", "amount_unit") or spec.type in (
                FieldType.INDICATORS,
                FieldType.BOOL,
            ):
                continue
            at = self.find(spec, region, unique)
            if at[0] >= 0:
                found[spec.key] = at
        self.mark_headers(found)
        values: dict[str, Value] = {}
        for spec in fields:
            path = f"{prefix}.{spec.key}" if prefix else spec.key
            at = found.get(spec.key, (-1, -1))
            if at[0] >= 0:
                others = [p for key, p in found.items() if key != spec.key]
                inner = self.block(path, at, others, region)
            else:
                inner = region
            value = self.field(spec, path, at, inner, (label, top), region, year, unique)
            if value is not None:
                values[spec.key] = value
        return Record(values)

    def field(
        self,
        spec: FieldSpec,
        path: str,
        at: tuple[int, int],
        region: Region,
        group: tuple[tuple[int, int], int],
        around: Region,
        year: int,
        unique: bool,
    ) -> Value | None:
        kind = spec.type
        if spec.role == "year":
            return year
        if spec.role == "amount_unit":
            return self.unit  # as the form's labels print it: （元）, （万元）
        if kind is FieldType.INDICATORS:
            return self.goals(path)
        if kind is FieldType.BOOL:
            return self.flag(spec)
        if path in self.in_brackets:
            text, row, col = self.in_brackets[path]
            return self.scalar_or_text(spec, path, text, row, col)
        if kind is FieldType.GROUP:
            if at[0] < 0:
                inner = self.group(spec.fields, path, around, (-1, -1), year, unique=True)
                return inner or None
            inner = self.group(spec.fields, path, region, at, year, top=around.top)
            if not inner and spec.shorthand:
                text, row, col = self.value_at(*at, region)
                child = spec.child(spec.shorthand)
                value = (
                    self.reading.scalar(child, text, row, f"{path}.{spec.shorthand}", col)
                    if child and text
                    else None
                )
                return Record({spec.shorthand: value}) if value is not None else None
            return inner or None
        if kind is FieldType.LIST:
            return self.sequence(spec, path, region if at[0] >= 0 else around) or None
        if at[0] < 0:
            group_label, top = group
            if group_label[0] >= 0:
                under = self.under_header(spec, group_label, top, around.right)
                if under is not None:
                    text, row, col = under
                    if not text:
                        self.reading.left_blank(spec, path, row, col)
                        return None
                    return self.scalar_or_text(spec, path, text, row, col)
            return None
        text, row, col = self.value_at(*at, region)
        if not text:
            self.reading.left_blank(spec, path, *at)
            return None
        return self.scalar_or_text(spec, path, text, row, col)

    def scalar_or_text(
        self, spec: FieldSpec, path: str, text: str, row: int, col: int
    ) -> Value | None:
        if spec.type is FieldType.TEXTS:
            return self.texts(spec, text, row, col)
        if spec.role == "department":
            return self.department(text)
        return self.reading.scalar(spec, text, row, path, col)

    def texts(self, spec: FieldSpec, text: str, row: int, col: int) -> tuple[str, ...]:
        """A list of texts as printed one per line, each with its numbering (目标1：…) when the
        kind prints one: a line without it continues the text before it. Lines that lack the
        kind's numbering but carry another (1、 （1） 一、) are split by theirs, and lines with
        no numbering at all stay one text; either is said (W614)."""
        pattern = spec.print if isinstance(spec.print, str) else ""
        lines = [line for line in text.split("\n") if line.strip()]
        if "{text}" not in pattern:
            return tuple(lines) if lines else ()
        head = pattern.split("{text}")[0]
        parts = [re.escape(part) for part in head.split("{n}")]
        numbered = re.compile(r"^\s*" + r"\s*\d+\s*".join(parts).replace("：", "[：:]\\s*"))
        example = head.replace("{n}", "1")
        if any(numbered.match(line) for line in lines):
            return _items(lines, numbered)
        other = [m for m in map(_OTHER_NUMBERING.match, lines) if m]
        if len(other) >= 2 and _OTHER_NUMBERING.match(lines[0]):
            items = _items(lines, _OTHER_NUMBERING)
            said = f"按其自己的编号（{other[0].group().strip()}…）分为 {len(items)} 项"
        else:
            items = ("\n".join(lines),) if lines else ()
            if len(lines) < 2:
                return items
            said = f"读作 1 项（{len(lines)} 行）"
        self.reading.warn(
            row,
            "W614",
            f"“{spec.key}”的各行没有“{example}”这样的编号，{said}",
            col=col,
            hint="核对分项；YAML 中按表样的编号写",
        )
        return items

    def split_brackets(self, fields: tuple[FieldSpec, ...], prefix: str, region: Region) -> None:
        """Fields printed under a label that names two (主管部门及代码: 示例县教育局（312001）),
        as import.yaml's in_brackets lists them: the value split into the two fields."""
        keys = {spec.key for spec in fields}
        for label, (first, second) in in_brackets().items():
            if first not in keys or second not in keys:
                continue
            target = plain(label)
            at = next(
                ((r, c) for r, c, cell in region.cells(self.grid) if plain(cell) == target), None
            )
            if at is None:
                continue
            text, row, col = self.value_at(*at, region)
            match = _IN_BRACKETS.match(text)
            base = f"{prefix}." if prefix else ""
            self.in_brackets[base + first] = (match.group(1) if match else text, row, col)
            if match and match.group(2):
                self.in_brackets[base + second] = (match.group(2), row, col)

    def department(self, text: str) -> str:
        """The department's name, without a flag's printed suffix such as (汇总), which the
        flag's own field records."""
        for flag in self.reading.flags():
            printed = str(flag.print.get(True, "")) if isinstance(flag.print, dict) else ""
            pattern = _suffix(printed)
            if printed and pattern.search(text):
                return pattern.sub("", text)
        return text

    def flag(self, spec: FieldSpec) -> bool | None:
        """A flag the form prints as a suffix of the department's name ((汇总)), or as a label
        with 是/否."""
        everything = Region(0, len(self.grid.rows), 0, max(map(len, self.grid.rows), default=0))
        if any(spec is flag for flag in self.reading.flags()):
            department = self.kind.spec(self.kind.role_path("department"))
            assert department is not None
            row, col = self.find(department, everything)
            text = self.value_at(row, col, everything)[0] if row >= 0 else ""
            printed = spec.print.get(True, "") if isinstance(spec.print, dict) else ""
            return True if printed and _suffix(str(printed)).search(text) else None
        row, col = self.find(spec, everything)
        text = self.value_at(row, col, everything)[0] if row >= 0 else ""
        return {"是": True, "否": False}.get(text.strip())

    def sequence(self, spec: FieldSpec, path: str, region: Region) -> tuple[Record, ...]:
        """The items of a list: its header row names the columns, every following row is an
        item until a row that holds another field's label."""
        leaves = list(_leaves(spec.fields, ""))
        first = leaves[0][1]
        header, _ = self.find(first, region)
        if header < 0:
            return ()
        columns: dict[str, int] = {}
        rows_found: set[int] = set()
        for r in (header, header + 1):
            if r >= region.bottom:
                break
            for c, cell in enumerate(self.grid.rows[r]):
                for leaf_path, leaf in leaves:
                    if (
                        leaf_path not in columns
                        and any(is_label(plain(cell), key) for key in self.keys(leaf))
                        and self.reading.is_label(cell)
                    ):
                        columns[leaf_path] = c
                        rows_found.add(r)
        self.reading.used.update((header, c) for c in columns.values())
        span = (min(columns.values()), max(columns.values()) + 1)
        body = header + (
            2 if header + 1 in rows_found and self._header_row(header + 1, span) else 1
        )
        own = {key for _, leaf in leaves for key in self.keys(leaf)}
        items: list[Record] = []
        order = sorted(columns.items(), key=lambda item: item[1])
        # the last column ends at the next heading right of it: cells beyond are not read (W611)
        limit = min(
            (
                c
                for r in range(header, body)
                for c, cell in enumerate(self.grid.rows[r])
                if cell and c > order[-1][1]
            ),
            default=region.right,
        )
        for r in range(body, region.bottom):
            cells = self.grid.rows[r][:limit]
            filled = [(c, cell) for c, cell in enumerate(cells) if cell]
            if not filled:
                continue
            if any(self.reading.is_label(cell) and plain(cell) not in own for _, cell in filled):
                break
            record: dict[str, object] = {}
            for index, (leaf_path, col) in enumerate(order):
                end = order[index + 1][1] if index + 1 < len(order) else len(cells)
                c, text = next(((c, cells[c]) for c in range(col, end) if cells[c]), (col, ""))
                leaf = dict(leaves)[leaf_path]
                at = f"{path}[{len(items) + 1}].{leaf_path}"
                value = self.reading.scalar(leaf, text, r, at, c) if text else None
                if text:
                    self.reading.used.add((r, c))
                if value is not None:
                    _put(record, leaf_path, value)
            placed = sum(1 for c, _ in filled if (r, c) in self.reading.used)
            if placed < len(filled) and len(filled) == len(order) and placed < len(order):
                record = {}
                for (leaf_path, _), (c, text) in zip(order, filled, strict=True):
                    at = f"{path}[{len(items) + 1}].{leaf_path}"
                    self.reading.used.add((r, c))
                    value = self.reading.scalar(dict(leaves)[leaf_path], text, r, at, c)
                    if value is not None:
                        _put(record, leaf_path, value)
                self.reading.warn(
                    r, "W610", "这一行的单元格与表头错位，按顺序读取", f"{path}[{len(items) + 1}]"
                )
            items.append(_records(record))
        return tuple(items)

    def _header_row(self, row: int, span: tuple[int, int]) -> bool:
        """Whether `row` (under a header) still belongs to the header: sub-labels only, in the
        columns `span` of the list."""
        cells = [cell for cell in self.grid.rows[row][span[0] : span[1]] if cell]
        return bool(cells) and all(self.reading.is_label(cell) for cell in cells)

    # -- the indicator table ------------------------------------------------------------------

    def goals(self, path: str) -> Goals | None:
        """The indicator tree (None when the form has no indicator table: `check` asks for
        one), read in the framework its names follow."""
        position = next(i for i, spec in enumerate(self.kind.fields) if spec.key == path)
        after = tuple(
            key
            for spec in self.kind.fields[position + 1 :]
            for key in self.keys(spec)
            if spec.role != "amount_unit"
        )
        table = find_table(self.reading, after, self.bottom)
        if table is None:
            return None
        self.framework = recognise_framework(self.reading, table, self.kind.framework)
        reader = GoalsReader(self.reading, table, self.framework, path)
        levels = reader.read()
        if reader.agreed:
            self.notes.append(
                f"原表的{reader.agreed}与各指标值的读法（有数字为定量，否则为定性）一致，"
                "未逐项写出；不一致的照原表写出"
            )
        return Goals(levels) if levels else None

    # -- what the kind computes -----------------------------------------------------------------

    def computed(self, decl: Declaration) -> Declaration:
        """`decl` without the totals and shares the form printed as the kind computes them
        (金额合计, 占比): those are computed again; one that differs is kept, for `check`."""
        paths: list[str] = []
        for rule in self.kind.rules:
            if isinstance(rule, ColumnTotalRule) and decl.get(rule.total) is not None:
                paths.append(rule.total)
            elif isinstance(rule, SharesRule):
                group = decl.get(rule.group)
                if isinstance(group, Record):
                    paths += [
                        f"{rule.group}.{key}.{rule.share}"
                        for key in group
                        if decl.get(f"{rule.group}.{key}.{rule.share}") is not None
                    ]
        if not paths:
            return decl
        values = decl.values
        for path in paths:
            values = _without(values, path)
        bare = replace(decl, values=values)
        derived = derived_values(bare)
        restored: list[str] = []
        dropped: list[str] = []
        for path in paths:
            read = decl.get(path)
            same = (
                all(derived.get(f"{path}.{key}") == read.get(key) for key in read)
                if isinstance(read, Record)
                else derived.get(path) == read
            )
            if same:
                dropped.append(path.rsplit(".", 1)[-1])
            else:
                restored.append(path)
        for path in restored:
            values = _with(values, path, decl.get(path))
        if dropped:
            names = "、".join(dict.fromkeys(dropped))
            kept = "；不一致的照原表写出，check 会报告" if restored else ""
            self.notes.append(
                f"原表印出的{names}与按各项金额计算的结果一致，未写出（生成器会计算后印出）{kept}"
            )
        return replace(decl, values=values)


def _without(record: Record, path: str) -> Record:
    head, _, rest = path.partition(".")
    if not rest:
        return Record({k: v for k, v in record.items() if k != head})
    inner = record.get(head)
    if not isinstance(inner, Record):
        return record
    return Record({**record, head: _without(inner, rest)})


def _with(record: Record, path: str, value: Value | None) -> Record:
    if value is None:
        return record
    head, _, rest = path.partition(".")
    if not rest:
        return Record({**record, head: value})
    inner = record.get(head)
    return Record(
        {**record, head: _with(inner if isinstance(inner, Record) else Record(), rest, value)}
    )


def _suffix(printed: str) -> re.Pattern[str]:
    """A printed suffix such as (汇总), matched with either kind of bracket and any spaces."""
    inner = re.escape(printed.strip("()（） "))
    return re.compile(rf"\s*[（(]\s*{inner}\s*[)）]\s*$")


def _leaves(fields: tuple[FieldSpec, ...], prefix: str) -> list[tuple[str, FieldSpec]]:
    found: list[tuple[str, FieldSpec]] = []
    for spec in fields:
        path = f"{prefix}.{spec.key}" if prefix else spec.key
        if spec.type is FieldType.GROUP:
            found += _leaves(spec.fields, path)
        else:
            found.append((path, spec))
    return found


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


__all__ = ["ImportResult", "level2_by_suffix", "read_form"]


# Numberings of list items other than a kind's own (目标1：): 1、 1. 1） （1） 一、 ①
_OTHER_NUMBERING = re.compile(
    r"^\s*(?:\d+\s*[、.．)）]|[（(]\s*\d+\s*[)）]|[一二三四五六七八九十]+\s*[、.．]|[①-⑳])\s*"
)


def _items(lines: list[str], numbered: re.Pattern[str]) -> tuple[str, ...]:
    """`lines` as items: a line `numbered` matches starts one (its numbering dropped), any
    other continues the item before it."""
    items: list[str] = []
    for line in lines:
        match = numbered.match(line)
        if match or not items:
            items.append(line[match.end() :] if match else line)
        else:
            items[-1] += "\n" + line
    return tuple(items)
