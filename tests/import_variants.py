"""Hand-typed variants of the forms of every kind, as finance offices type them, for import
tests: each is the kind's fixture form (tests/data/forms, built once into a temporary folder and
read back as Excel shows its cells) changed by a small transformation, written into a test's
folder as XLSX (with merges where the variant says), DOCX or tab-separated text. Nothing here
is committed as a binary.

VARIANTS lists them: kind × variant → transformation, the file it is written as, and what the
import must give: the kind's fixture (compared as the form prints it), or the fixture with the
changes `yaml` names (a form typed in 万元 is a declaration in 万元), and exactly the warnings
`warnings` lists ({path} stands for the file imported)."""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
from conftest import DATA
from import_files import docx_parts, write_tsv, write_xlsx, write_zip

FORMS = DATA / "forms"
# the fixture each kind's variants start from
FIXTURES = {
    "上海整体": "2024/shanghai-1.yaml",
    "全国整体": "2024/national-1.yaml",
    "全国整体横版": "2024/landscape-1.yaml",
    "上海项目": "2024/shanghai-1/档案数字化.yaml",
    "全国项目": "2024/national-1/校舍维修改造.yaml",
}
_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class Form:
    """A form as cell texts (as Excel shows them) and its merged ranges (A1:D1)."""

    rows: tuple[tuple[str, ...], ...]
    merges: tuple[str, ...] = ()

    def edit(self, rows: list[list[str]], merges: tuple[str, ...] | None = None) -> Form:
        width = max(map(len, rows), default=0)
        padded = tuple(tuple([*row, *[""] * (width - len(row))]) for row in rows)
        return Form(padded, self.merges if merges is None else merges)

    def lists(self) -> list[list[str]]:
        return [list(row) for row in self.rows]

    def find(self, text: str) -> tuple[int, int]:
        """(row, col) of the first cell holding exactly `text`."""
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                if cell == text:
                    return r, c
        raise KeyError(text)


@functools.cache
def _built() -> Path:
    from generator.build.build import build

    root = Path(tempfile.mkdtemp(prefix="variants-"))
    shutil.copytree(FORMS, root / "declarations")
    assert build([root / "declarations"], root / "out").ok
    return root / "out"


def shown(value: object, number_format: str) -> str:
    """A cell's value as Excel shows it under our XLSX's number formats."""
    from test_import_kinds import shown as excel_shows

    return excel_shows(value, number_format)


@functools.cache
def fixture_form(kind: str) -> Form:
    """The kind's fixture as built into XLSX: every cell as Excel shows it, and its merges."""
    path = _built() / Path(FIXTURES[kind]).with_suffix(".xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = [[shown(cell.value, cell.number_format) for cell in row] for row in sheet.iter_rows()]
    merges = tuple(sorted(str(m) for m in sheet.merged_cells.ranges))
    return Form(()).edit(rows, merges)


# -- transformations of a form --------------------------------------------------------------------

Edit = Callable[[Form], Form]


def replaced(changes: dict[str, str], every: bool = True) -> Edit:
    """Cells holding exactly a key of `changes` hold its value instead (each, or the first)."""

    def edit(form: Form) -> Form:
        seen: set[str] = set()
        rows = form.lists()
        for row in rows:
            for c, cell in enumerate(row):
                if cell in changes and (every or cell not in seen):
                    seen.add(cell)
                    row[c] = changes[cell]
        missing = set(changes) - seen
        assert not missing, missing
        return form.edit(rows)

    return edit


def substituted(pattern: str, new: str | Callable[[re.Match[str]], str]) -> Edit:
    """Every cell's text with `pattern` (a regular expression) replaced."""

    def edit(form: Form) -> Form:
        rows = [[re.sub(pattern, new, cell) for cell in row] for row in form.rows]
        assert rows != form.lists(), pattern
        return form.edit(rows)

    return edit


def unmerged(form: Form) -> Form:
    """No merged cells (a text export, or a form typed without merging)."""
    return replace(form, merges=())


def blank_rows_after(*texts: str) -> Edit:
    """An empty row after each row whose first filled cell is one of `texts`."""

    def edit(form: Form) -> Form:
        rows: list[list[str]] = []
        for row in form.lists():
            rows.append(row)
            if next((c for c in row if c), "") in texts:
                rows.append([""] * len(row))
        return unmerged(form).edit(rows)

    return edit


def blank_columns(form: Form) -> Form:
    """An empty column in front of the form and one after it."""
    return unmerged(form).edit([["", *row, ""] for row in form.rows])


def repeated_levels(form: Form) -> Form:
    """The indicator table's 一级 and 二级 written on every row instead of merged."""
    rows = form.lists()
    header = next(r for r, row in enumerate(rows) if row[2].startswith("三级"))
    for r in range(header + 1, len(rows)):
        if not rows[r][2] or rows[r][0].startswith("注"):
            break
        for c in (0, 1):
            if not rows[r][c]:
                rows[r][c] = rows[r - 1][c]
    return unmerged(form).edit(rows)


def rows_moved(top: int, count: int, to: list[list[str]]) -> Edit:
    """Rows top…top+count-1 (1-based) replaced by `to`."""

    def edit(form: Form) -> Form:
        rows = form.lists()
        rows[top - 1 : top - 1 + count] = to
        return unmerged(form).edit(rows)

    return edit


def columns_swapped(first: int, second: int, below: str) -> Edit:
    """Columns `first` and `second` (0-based) exchanged in every row from the row holding
    `below` on."""

    def edit(form: Form) -> Form:
        rows = form.lists()
        start = form.find(below)[0]
        for row in rows[start:]:
            row[first], row[second] = row[second], row[first]
        return unmerged(form).edit(rows)

    return edit


def row_dropped(text: str) -> Edit:
    """The rows from the one holding `text` up to the next row holding a label in its first
    cell (a whole block left out)."""

    def edit(form: Form) -> Form:
        rows = form.lists()
        del rows[form.find(text)[0]]
        return unmerged(form).edit(rows)

    return edit


def chain(*edits: Edit) -> Edit:
    def edit(form: Form) -> Form:
        for step in edits:
            form = step(form)
        return form

    return edit


# -- writers ---------------------------------------------------------------------------------------


def write_docx(path: Path, rows: list[list[str]]) -> Path:
    """A DOCX as a hand-made Word form: the rows above the table (title, year) as paragraphs,
    the rest one table, a cell's lines as paragraphs."""
    first = next((r for r, row in enumerate(rows) if sum(1 for c in row if c) > 1), len(rows))

    def paragraphs(text: str) -> str:
        return "".join(
            f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
            for line in text.split("\n")
        )

    title = "".join(paragraphs(cell) for row in rows[:first] for cell in row if cell)
    table = "".join(
        "<w:tr>" + "".join(f"<w:tc>{paragraphs(cell)}</w:tc>" for cell in row) + "</w:tr>"
        for row in rows[first:]
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_WORD}"><w:body>{title}<w:tbl>{table}</w:tbl>'
        "</w:body></w:document>"
    )
    return write_zip(path, docx_parts(document))


def write_form(form: Form, folder: Path, name: str, suffix: str, numbers: bool = True) -> Path:
    """`form` written as `folder/name.suffix` (xlsx: with its merges)."""
    path = folder / f"{name}.{suffix}"
    rows = form.lists()
    if suffix == "xlsx":
        return write_xlsx(path, rows, form.merges, numbers=numbers)
    if suffix == "docx":
        return write_docx(path, rows)
    return write_tsv(path, rows)


# -- the variants ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One hand-typed form: its kind, a name, how it differs from the kind's fixture (`edit`),
    the file it is written as, and the import's outcome: the fixture's declaration with the
    YAML changes `yaml` (old text → new text of the fixture's YAML), and exactly `warnings`."""

    kind: str
    name: str
    edit: Edit
    suffix: str = "xlsx"
    warnings: tuple[str, ...] = ()
    yaml: dict[str, str] = field(default_factory=dict)
    numbers: bool = True  # xlsx: cells that are numbers saved as numbers

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.name}"

    def write(self, folder: Path) -> Path:
        """Write the variant's input file into `folder`; returns its path."""
        form = self.edit(fixture_form(self.kind))
        return write_form(form, folder, self.name, self.suffix, self.numbers)

    def expected_yaml(self) -> str:
        """The YAML the import must be equal to (as the form prints it)."""
        text = (FORMS / FIXTURES[self.kind]).read_text(encoding="utf-8")
        for old, new in self.yaml.items():
            assert old in text, old
            text = text.replace(old, new)
        return text


VARIANTS: list[Variant] = []
