"""Every cell accounted for: each non-empty cell of a form that import reads is (a) placed in the
YAML it wrote, (b) one of the form's own texts (its kind's labels, title, footnotes, headings),
or (c) named in a warning at its row and column. Checked independently of the importer's own
bookkeeping (which cells it marked as read): the cells come from the importer's grid readers,
the placed values from the YAML read back as a declaration.

`assert_every_cell_accounted` is meant to be called from any import test (the hand-made variants
too); here it runs on every fixture of every kind (its DOCX, its XLSX and a tab-separated export)
and on the seed (its DOCX, XLSX and the committed text export)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SEED_TEXT, SEED_YAML
from import_files import FORM, write_tsv
from test_import_kinds import FIXTURES, FORMATS, form_file, in_place

from generator.cli import main
from generator.declaration.checks import derived_values
from generator.declaration.model import Declaration, Record
from generator.declaration.read import parse_amount
from generator.declaration.sources import read_checked_text
from generator.importing.forms import READERS
from generator.importing.labels import only_labels, plain, visible
from generator.importing.reading import Reading
from generator.importing.rules import check_marks
from generator.kinds.spec import FieldType
from generator.kinds.vocabulary import amount_units

_DIAGNOSTIC = re.compile(r"^(?P<source>.*):(?P<line>\d+):(?P<col>\d+): [EWL]\d{3} ")
_DATE = re.compile(r"^(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?$")
_YEAR = re.compile(r"^[（(]\s*(\d{4})\s*年度\s*[)）]$")
_IN_BRACKETS = re.compile(r"^(.+?)\s*[（(]\s*([^（）()]+?)\s*[)）]$", re.S)
_UNIT = re.compile(r"\s*万?元$")


def assert_every_cell_accounted(
    input_file: Path, yaml_text: str, diagnostics: Iterable[object]
) -> None:
    """Each non-empty cell of `input_file` (an .xlsx/.xlsm, .docx, .txt/.tsv form) is placed in
    `yaml_text` (the YAML import wrote for it), is one of its kind's own texts, or is named at
    its row and column by one of `diagnostics` (Diagnostic objects or the lines import
    printed). Placed means: the cell's text is a value of the declaration (white space aside;
    an amount, percentage or date by its value; a count by its number), each value used by
    one cell only, or the cell is made of such values as forms print them: check boxes (the
    ticked option a value, the others options of that field), a 一级 or 二级 name printed again
    on each of its rows (unmerged), a value with another in
    brackets (示例县教育局（312001）), numbered lines (目标1：…), a name with a flag's suffix
    ((汇总)), the （××××年度） of the 年度; a total or share the kind computes counts as placed.
    A warning names a cell when it is at the cell's row and column, or at its row quoting the
    cell's text (W604: a row of the indicator table not imported, its cells listed)."""
    source = input_file.as_posix()
    suffix = input_file.suffix.lower()
    grid, _ = READERS[suffix](input_file.read_bytes(), source)
    declaration = read_checked_text(yaml_text, "accounted.yaml").declaration
    assert declaration is not None, "the YAML is no declaration"
    warned: set[tuple[int, int]] = set()
    rows: dict[int, list[str]] = {}  # line → messages there
    for diagnostic in diagnostics:
        match = _DIAGNOSTIC.match(str(diagnostic))
        if match and match["source"] == source:
            warned.add((int(match["line"]), int(match["col"])))
            rows.setdefault(int(match["line"]), []).append(str(diagnostic)[match.end() :])
    values = Counter(_tokens(declaration))
    reading = Reading(grid, declaration.kind)
    silent = []
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            if not cell or (grid.numbers[r], c + 1) in warned:
                continue
            # a warning about the whole row (W604) that quotes the cell (its start, when long)
            if any(visible(cell)[:20] in message for message in rows.get(grid.numbers[r], ())):
                continue
            if _placed(cell, values, declaration) or _own(cell, reading):
                continue
            silent.append(f"{source}:{grid.numbers[r]}:{c + 1}: {cell!r}")
    assert not silent, "cells neither placed, nor the form's own, nor warned:\n" + "\n".join(silent)


# -- what the declaration holds, as tokens a cell is compared by ------------------------------


def _text(text: str) -> tuple[str, str]:
    return ("text", plain(text))


def _number(number: Decimal | int) -> tuple[str, Decimal]:
    return ("number", Decimal(number).normalize())


def _tokens(decl: Declaration) -> list[Hashable]:
    """Every value of `decl` (with the totals and shares its kind computes), one token each."""
    found: list[Hashable] = []
    for _, spec, value in decl.walk():
        if spec.type in (FieldType.GROUP, FieldType.LIST, FieldType.INDICATORS):
            continue
        if isinstance(value, bool) or value is None or isinstance(value, Record):
            continue
        if isinstance(value, tuple):
            found += [_text(item) for item in value if isinstance(item, str)]
        elif isinstance(value, (Decimal, int)):
            found.append(_number(value))
        elif isinstance(value, date):
            found.append(("date", value))
        else:
            found.append(_text(str(value)))
    found += [_number(value) for value in derived_values(decl).values()]
    for level1 in decl.goals:
        found.append(_text(level1.name))
        if level1.note:
            found.append(_text(level1.note))
        for level2 in level1.children:
            found.append(_text(level2.name))
            for indicator in level2.indicators:
                found.append(_text(indicator.name))
                found.append(_text("定性" if indicator.qualitative else "定量"))
                for column in indicator.values.values():
                    text = getattr(column, "text", column)
                    found.append(_text(str(text)))
    return found


def _take(values: Counter[Hashable], *tokens: Hashable) -> bool:
    """Use each of `tokens` once (all, or none of them)."""
    needed = Counter(tokens)
    if any(values[token] < count for token, count in needed.items()):
        return False
    values.subtract(needed)
    return True


# -- (a) a cell placed in the YAML ------------------------------------------------------------


def _placed(cell: str, values: Counter[Hashable], decl: Declaration) -> bool:
    if _take(values, _text(cell)):
        return True
    if _text(cell) in _levels(decl):  # a 一级/二级 printed again on each of its rows, unmerged
        return True
    number = _as_number(cell)
    if number is not None and _take(values, number):
        return True
    typed = _in_unit(cell, decl.amount_unit)
    if typed is not None and _take(values, typed):
        return True
    day = _DATE.match(cell.strip())
    if day and _take(values, ("date", date(*map(int, day.groups())))):
        return True
    year = _YEAR.match(plain(cell))
    if year:
        return int(year[1]) == decl.year
    return (
        _boxes(cell, values, decl)
        or _numbered(cell, values, decl)
        or _flagged(cell, values, decl)
        or _bracketed(cell, values)
    )


def _levels(decl: Declaration) -> set[Hashable]:
    return {_text(l1.name) for l1 in decl.goals} | {
        _text(l2.name) for l1 in decl.goals for l2 in l1.children
    }


def _as_number(cell: str) -> tuple[str, Decimal] | None:
    """An amount, count or percentage cell by its value (1,200.00 and 1200 alike; 96.28%)."""
    text = _UNIT.sub("", cell.strip()).rstrip("%％").strip()
    amount = parse_amount(text)
    return _number(amount) if amount is not None else None


def _in_unit(cell: str, unit: str) -> tuple[str, Decimal] | None:
    """An amount typed with a unit (120万元), by its value in `unit`, the declaration's."""
    units = amount_units()
    typed = next((u for u in sorted(units, key=len, reverse=True) if cell.strip().endswith(u)), "")
    amount = parse_amount(cell.strip().removesuffix(typed)) if typed else None
    if amount is None:
        return None
    return _number(amount * units[typed].in_yuan / units[unit].in_yuan)


def _boxes(cell: str, values: Counter[Hashable], decl: Declaration) -> bool:
    """☑A  □B: the ticked option a value of a field printed as boxes, every other box one of
    that field's options, and nothing else in the cell."""
    marks = check_marks()
    written = plain(cell)
    if not any(mark in written for mark in (*marks.checked, *marks.unchecked)):
        return False
    for _, spec in decl.kind.walk():
        if spec.type is not FieldType.CHOICE or spec.print != "boxes":
            continue
        rest, ticked = written, []
        for option in sorted(spec.options, key=len, reverse=True):
            for mark in (*marks.checked, *marks.unchecked):
                if mark + plain(option) in rest:
                    rest = rest.replace(mark + plain(option), "", 1)
                    if mark in marks.checked:
                        ticked.append(option)
                    break
        if not rest and len(ticked) <= 1 and _take(values, *(_text(t) for t in ticked)):
            return True
    return False


def _numbered(cell: str, values: Counter[Hashable], decl: Declaration) -> bool:
    """A list of texts printed one per line with its numbering (目标1：…): every item a value."""
    for _, spec in decl.kind.walk():
        pattern = spec.print if isinstance(spec.print, str) else ""
        if spec.type is not FieldType.TEXTS or "{text}" not in pattern:
            continue
        head = pattern.split("{text}")[0]
        numbering = re.compile(
            r"^\s*"
            + r"\s*\d+\s*".join(re.escape(p) for p in head.split("{n}")).replace("：", "[：:]")
        )
        items: list[str] = []
        for line in cell.split("\n"):
            match = numbering.match(line)
            if match:
                items.append(line[match.end() :])
            elif items and line.strip():
                items[-1] += "\n" + line
            elif line.strip():
                break
        else:
            if items and _take(values, *(_text(item) for item in items)):
                return True
    return False


def _flagged(cell: str, values: Counter[Hashable], decl: Declaration) -> bool:
    """A name printed with the suffix of a flag that is set (示例办公室(汇总))."""
    for _, spec, value in decl.walk():
        if spec.type is not FieldType.BOOL or value is not True or not isinstance(spec.print, dict):
            continue
        suffix = plain(str(spec.print.get(True, "")).strip("()（） "))
        written = plain(cell)
        for form in (f"({suffix})", f"（{suffix}）"):
            if suffix and written.endswith(form) and _take(values, ("text", written[: -len(form)])):
                return True
    return False


def _bracketed(cell: str, values: Counter[Hashable]) -> bool:
    """Two values, the second in brackets (主管部门及代码: 示例县教育局（312001）)."""
    match = _IN_BRACKETS.match(cell.strip())
    return bool(match) and _take(values, _text(match[1]), _text(match[2]))


# -- (b) the form's own texts -----------------------------------------------------------------


def _own(cell: str, reading: Reading) -> bool:
    """A label of the kind (with its numbering and remarks in brackets), the title or a
    footnote, or a heading the importer's data lists: what reading.py counts as the form's."""
    return only_labels(cell, reading.own) or reading.is_note(cell)


# -- every fixture of every kind, and the seed ------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from conftest import DATA

    from generator.build.build import build

    root = tmp_path_factory.mktemp("forms")
    shutil.copytree(DATA / "forms", root / "declarations")
    assert build([root / "declarations"], root / "out").ok
    return root / "out"


def imported(path: Path, target: Path, capsys) -> tuple[str, list[str]]:
    """Import `path` to `target`: the YAML and every line printed."""
    main(["import", str(path), "-o", str(target)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return target.read_text(encoding="utf-8"), captured.out.splitlines() + captured.err.splitlines()


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize("fixture", FIXTURES, ids=str)
def test_every_cell_of_every_fixture_is_accounted_for(built, tmp_path, capsys, fixture, suffix):
    path = form_file(built, fixture, suffix, tmp_path)
    text, lines = imported(path, in_place(fixture, tmp_path / "imported"), capsys)
    assert_every_cell_accounted(path, text, lines)


@pytest.mark.parametrize("suffix", ["docx", "xlsx", "txt"])
def test_every_cell_of_the_seed_is_accounted_for(seed_outputs, tmp_path, capsys, suffix):
    path = SEED_TEXT if suffix == "txt" else seed_outputs / f"{SEED_YAML.stem}.{suffix}"
    target = tmp_path / "imported" / "2023" / SEED_YAML.name
    text, lines = imported(path, target, capsys)
    assert_every_cell_accounted(path, text, lines)


# -- the check itself: it finds a cell nobody accounts for ------------------------------------


def form_imported(tmp_path: Path, capsys, rows: list[list[str]]) -> tuple[Path, str, list[str]]:
    path = write_tsv(tmp_path / "form.txt", rows)
    text, lines = imported(path, tmp_path / "2023" / "form.yaml", capsys)
    return path, text, lines


def test_a_cell_warned_about_is_accounted_for_only_by_its_warning(tmp_path, capsys):
    rows = [list(row) for row in FORM]
    rows[3][2] = "额外说明"  # beside 部门职责's value: W611
    path, text, lines = form_imported(tmp_path, capsys, rows)
    assert_every_cell_accounted(path, text, lines)
    with pytest.raises(AssertionError, match=rf"{re.escape(path.as_posix())}:4:3: '额外说明'"):
        assert_every_cell_accounted(path, text, [])


def test_a_value_the_yaml_does_not_hold_is_not_accounted_for(tmp_path, capsys):
    path, text, lines = form_imported(tmp_path, capsys, FORM)
    assert_every_cell_accounted(path, text, lines)
    with pytest.raises(AssertionError, match=rf"{re.escape(path.as_posix())}:3:2: '测试局'"):
        assert_every_cell_accounted(path, text.replace("测试局", "另一个局"), lines)


def test_one_value_accounts_for_one_cell(tmp_path, capsys):
    """测试局 typed twice, the second time in a row of its own the importer ignores unwarned,
    would be caught: here the importer warns (W611), and without that warning it is caught."""
    rows = [*(list(row) for row in FORM[:4]), ["", "", "", "测试局"], *FORM[4:]]
    path, text, lines = form_imported(tmp_path, capsys, rows)
    assert_every_cell_accounted(path, text, lines)
    kept = [line for line in lines if ":5:4: W611 " not in line]
    with pytest.raises(AssertionError, match=rf"{re.escape(path.as_posix())}:5:4: '测试局'"):
        assert_every_cell_accounted(path, text, kept)


# -- defects the check found --------------------------------------------------------------------


def test_an_indicator_row_without_a_level2_names_every_cell_it_drops(tmp_path, capsys):
    rows = [list(row) for row in FORM]
    rows[19][1] = ""  # 产出指标 | (no 二级) | 会议次数 | =4次
    path, text, lines = form_imported(tmp_path, capsys, rows)
    assert f"{path.as_posix()}:20:1: W604 “会议次数”没有二级指标，未导入：指标目标值“=4次”" in lines
    assert_every_cell_accounted(path, text, lines)
