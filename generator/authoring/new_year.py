"""The `new-year` command: carry a year's declarations forward to the next year's folder.

Each file is copied as text, so comments, order, layout and line endings stay as the author
wrote them; only the value of 年度 changes, found by its recorded location rather than by
searching the text (written in full-width digits, it is rewritten in 0–9). Both years must be in
archive.YEARS, like every declaration's, and differ. Existing files are never overwritten. The
texts and comments are copied as they are, so last year's year left in them (“2023年，……”,
“(2023运维)”, `# 2023年度申报`) is reported after copying (L008: the lint warnings of the
copies' texts, and the comments that name the old year) for the author to review.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.authoring.fmt import comments
from generator.build.write import Artifact, Writer
from generator.declaration.model import YEARS, YEARS_REASON, Declaration
from generator.declaration.sources import (
    UsageError,
    check_file_name,
    find_declarations,
    read_checked,
    read_checked_text,
)
from generator.errors import Diagnostic, Location, is_error
from generator.review.lint import lint_other_year

_YEAR_DIGITS = re.compile("[0-9０-９]+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BOM = "\ufeff"


@dataclass(frozen=True)
class NewYearReport:
    created: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    review: tuple[Diagnostic, ...] = ()  # places in the copies that name another year (L008)


def carry_forward(root: Path, old_year: int, new_year: int) -> NewYearReport:
    """Copy `root/<old_year>/*.yaml` to `root/<new_year>/` with 年度 set to `new_year`.
    Raises UsageError for a year outside YEARS."""
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
        destination = target / path.name
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
        year_at = checked.declaration.where(checked.declaration.kind.role_path("year"))
        original = path.read_bytes().decode("utf-8")  # as it is: BOM and line endings kept
        bom = _BOM if original.startswith(_BOM) else ""
        copy = _replace_year(original.removeprefix(_BOM), year_at, new_year)
        copies.append(Artifact(path.name, (bom + copy).encode()))
        carried = read_checked_text(copy, destination.as_posix()).declaration
        if carried is not None:
            places = [*lint_other_year(carried), *_comments_naming(copy, carried, old_year)]
            review.extend(sorted(places, key=lambda d: d.location))
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


def _replace_year(text: str, at: Location, new_year: int) -> str:
    """`text` with the digits of the 年度 value that starts at `at` replaced by `new_year` (a
    quote or a block scalar's header may come before them). Lines end in LF, CRLF or CR."""
    starts = [0] + [found.end() for found in _LINE_BREAK.finditer(text)]
    start = starts[at.line - 1] + at.col - 1
    if text[start] in "|>":  # a block scalar: the value is on the next line
        start = starts[at.line]
    digits = _YEAR_DIGITS.search(text, start)
    assert digits is not None, "a valid 年度 has digits"
    return text[: digits.start()] + str(new_year) + text[digits.end() :]
