"""The `new-year` command: carry a year's declarations forward to the next year's folder.

Each file is copied as text, into the same place under the new year's folder (a department's
projects into its folder there: `<TO>/<部门>/<项目>.yaml`), so comments, order, layout and line
endings stay as the author wrote them; only the value of 年度 changes, found by its recorded
location rather than by searching the text (written in full-width digits, it is rewritten in
0–9), and the dates: each moves by the years between FROM and TO (the 29th of February of a
year that has none becomes the 28th), in the format it was written in (full-width digits stay
full-width), where the reader read it, and is reported (W502) for the author to check — except
the period of a project (the dates of a `within_year` rule) that still overlaps the new 年度,
which runs on and is kept. Both years must be in YEARS, like
every declaration's, and differ. Existing files are never overwritten. The texts and comments
are copied as they are, so last year's year left in them (“2023年，……”, “(2023运维)”,
`# 2023年度申报`) is reported after copying (L008: the lint warnings of the copies' texts, and
the comments that name the old year) for the author to review.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.authoring.fmt import comments
from generator.build.write import Artifact, Writer
from generator.declaration.model import YEARS, YEARS_REASON, Declaration
from generator.declaration.printed import show
from generator.declaration.sources import (
    UsageError,
    check_file_name,
    find_declarations,
    read_checked,
    read_checked_text,
)
from generator.errors import Diagnostic, Location, is_error
from generator.kinds.spec import FieldType, WithinYearRule
from generator.review.lint import lint_other_year

_YEAR_DIGITS = re.compile("[0-9０-９]+")
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
# A date as the reader reads it (read.py), in text whose characters were folded one by one.
_DATE_PARTS = re.compile(r"([0-9]{4})\s*(?:[-./]|年)\s*([0-9]{1,2})\s*(?:[-./]|月)\s*([0-9]{1,2})")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BOM = "\ufeff"


@dataclass(frozen=True)
class NewYearReport:
    created: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    # places to review in the copies: texts naming another year (L008), dates moved (W502)
    review: tuple[Diagnostic, ...] = ()


def review_summary(review: Sequence[Diagnostic]) -> str:
    """The line after the places to review: how many name another year, how many dates were
    moved."""
    years = sum(1 for d in review if d.code == "L008")
    dates = sum(1 for d in review if d.code == "W502")
    parts = [f"{years} 处写的不是本年度的年份"] if years else []
    parts += [f"{dates} 个日期已随年度顺延"] if dates else []
    return f"以上 {'、'.join(parts)}，请逐一核对"


def carry_forward(root: Path, old_year: int, new_year: int) -> NewYearReport:
    """Copy `root/<old_year>/*.yaml` and its department folders to `root/<new_year>/`, with 年度
    set to `new_year` and the dates moved with it. Raises UsageError for a year outside
    YEARS."""
    for year in (old_year, new_year):
        if year not in YEARS:
            raise UsageError(f"年度 {year} 不在 {YEARS[0]} 到 {YEARS[-1]} 之间（{YEARS_REASON}）")
    if old_year == new_year:
        raise UsageError(
            f"FROM 和 TO 都是 {old_year}：new-year 把一个年度的申报复制到另一个年度，"
            f"例如 new-year {old_year} {old_year + 1}"
        )
    source, target = root / str(old_year), root / str(new_year)
    problems: list[Diagnostic] = []
    copies: list[Artifact] = []
    review: list[Diagnostic] = []
    for path in find_declarations([source]):
        checked = read_checked(path)
        relative = path.relative_to(source).as_posix()  # a project stays in its department
        destination = target / relative
        if destination.exists():
            problems.append(
                Diagnostic(
                    Location(destination.as_posix(), 1, 1),
                    "E501",
                    "已存在，不覆盖",
                    f"若要重新生成，先删除 {destination.as_posix()}",
                )
            )
            continue
        found = [*check_file_name(path), *checked.diagnostics]  # a bad name is carried too
        if checked.declaration is None or any(is_error(d) for d in found):
            problems.extend(d for d in found if is_error(d))
            continue
        decl = checked.declaration
        year_at = decl.where(decl.kind.role_path("year"))
        original = path.read_bytes().decode("utf-8")  # as it is: BOM and line endings kept
        bom = _BOM if original.startswith(_BOM) else ""
        copy = _replace_year(original.removeprefix(_BOM), year_at, new_year)
        copy, moved = _move_dates(copy, decl, new_year, destination.as_posix())
        copies.append(Artifact(relative, (bom + copy).encode()))
        carried = read_checked_text(copy, destination.as_posix()).declaration
        places = list(moved)
        if carried is not None:
            places += [*lint_other_year(carried), *_comments_naming(copy, carried, old_year)]
        review.extend(sorted(places, key=lambda d: (d.location, d.code)))
    if problems:
        return NewYearReport((), tuple(problems))
    writer = Writer(target)
    for artifact in copies:
        writer.write(artifact)
    return NewYearReport(tuple((target / a.path).as_posix() for a in copies), (), tuple(review))


def _comments_naming(text: str, decl: Declaration, year: int) -> Iterator[Diagnostic]:
    """L008 for each comment of `text` (the source of `decl`) that names `year`, in any
    digits (２０２３ too)."""
    for comment in comments(text, decl):
        if re.search(rf"(?<![0-9]){year}(?![0-9])", unicodedata.normalize("NFKC", comment.text)):
            yield Diagnostic(
                Location(decl.source, comment.line, comment.col),
                "L008",
                f"注释中的 {year} 不是本年度 {decl.year}：“{_shortened(comment.text)}”",
                "若是沿用往年的文字，改为本年度的内容；确指那一年的可不改",
            )


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _move_dates(
    text: str, decl: Declaration, new_year: int, shown: str
) -> tuple[str, list[Diagnostic]]:
    """`text` (the source of `decl`, its 年度 made `new_year`) with every date moved by the
    years between the two 年度, but a period that still overlaps `new_year` (a project that
    runs on), and a W502 at each date moved (as `shown` names the copy)."""
    years = new_year - decl.year
    kept: set[str] = set()
    for rule in decl.kind.rules:
        if isinstance(rule, WithinYearRule) and _overlaps(decl, rule, new_year):
            kept |= {rule.start, rule.end}
    edits: list[tuple[int, int, str]] = []
    moved = []
    starts = _line_starts(text)
    folded = _fold_each(text)
    for path, spec, value in decl.walk():
        if spec.type is not FieldType.DATE or not isinstance(value, date) or path in kept:
            continue
        at = decl.where(path)
        year = value.year + years
        day = min(value.day, calendar.monthrange(year, value.month)[1])
        # the date where the reader read it, and nowhere else (the reader reads a date only
        # from digits, 年月日, -./ and spaces, each of which folds to one character)
        begin = _value_start(text, starts, at)
        begin += len(text[begin:]) - len(text[begin:].lstrip("\"' \t\r\n"))
        found = _DATE_PARTS.match(folded, begin)
        assert found is not None, "a valid date has its year, month and day"
        edits.append((*found.span(1), _digits_like(year, found.start(1), text)))
        if day != value.day:
            edits.append((*found.span(3), _digits_like(day, found.start(3), text)))
        new = date(year, value.month, day)
        why = "" if day == value.day else f"（{year} 年没有 {value.month} 月 {value.day} 日）"
        moved.append(
            Diagnostic(
                Location(shown, at.line, at.col),
                "W502",
                f"{spec.key} {show(spec, value)} 已随年度顺延为 {show(spec, new)}{why}",
                "核对这个日期，按本年度的实际日期填写",
            )
        )
    for start, end, digits in sorted(edits, reverse=True):
        text = text[:start] + digits + text[end:]
    return text, moved


def _overlaps(decl: Declaration, period: WithinYearRule, year: int) -> bool:
    """Whether the period `decl` gives for `period` overlaps `year`."""
    start, end = decl.get(period.start), decl.get(period.end)
    if not (isinstance(start, date) and isinstance(end, date)):
        return False
    return start <= date(year, 12, 31) and end >= date(year, 1, 1)


def _fold_each(text: str) -> str:
    """`text` with each character folded by NFKC where that gives one character (２ → 2,
    ／ → /), so that places in it are places in `text`."""
    return "".join(
        folded if len(folded := unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in text
    )


def _line_starts(text: str) -> list[int]:
    """Where each line of `text` starts (lines end in LF, CRLF or CR)."""
    return [0] + [found.end() for found in _LINE_BREAK.finditer(text)]


def _digits_like(number: int, at: int, text: str) -> str:
    """`number` written in the digits of the number at `at` in `text`: full-width (０–９)
    when those are, so a date keeps the look it was written with."""
    written = _YEAR_DIGITS.match(text, at)
    full_width = written is not None and all("０" <= ch <= "９" for ch in written.group())
    return str(number).translate(_FULL_WIDTH) if full_width else str(number)


def _value_start(text: str, starts: list[int], at: Location) -> int:
    """Where in `text` the scalar recorded at `at` starts: at `at`, or for a block scalar
    (`|`, `>`) on the next line."""
    start = starts[at.line - 1] + at.col - 1
    if text[start] in "|>":
        start = starts[at.line]
    return start


def _replace_year(text: str, at: Location, new_year: int) -> str:
    """`text` with the digits of the 年度 value that starts at `at` replaced by `new_year` (a
    quote or a block scalar's header may come before them). Lines end in LF, CRLF or CR."""
    start = _value_start(text, _line_starts(text), at)
    digits = _YEAR_DIGITS.search(text, start)
    assert digits is not None, "a valid 年度 has digits"
    return text[: digits.start()] + str(new_year) + text[digits.end() :]
