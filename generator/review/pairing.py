"""Which declaration of one set is which of another: the one pairing `diff` and `trend` share.

A department is what its declarations have in common from year to year, not its file: files get
renamed (`import --into` names them after 部门名称) and a file name may be given to another
department. So declarations pair by 部门名称, first as written, then folded the way keys are
(NFKC: full-width and half-width spellings are one name), and only the rest by file name (a
department renamed in the same file). A pair made by file name between two 部门名称 carries a
note saying so: two departments' figures are never put side by side silently. Across years (year
over year, trend) any declarations may pair; otherwise only those of the same 年度 (two
revisions of several year folders).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from generator.declaration.model import Declaration

BY_DEPARTMENT = "department"  # the same 部门名称
BY_FOLDED = "folded"  # the same 部门名称 but for full-width forms or spaces
BY_FILE_NAME = "file_name"  # the same file name, another 部门名称
GIVEN = "given"  # two files named on the command line: compared whatever they hold


@dataclass(frozen=True)
class Pair:
    """Two declarations taken for one department: the keys they have in their sets, how they
    were paired (BY_…), and the note to show when that needs saying."""

    old: str
    new: str
    by: str
    note: str = ""


@dataclass(frozen=True)
class Pairing:
    """The pairs in the new set's order, and the keys left without a partner on each side."""

    pairs: tuple[Pair, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]


def fold(name: str) -> str:
    """A 部门名称 as keys are compared: NFKC, without surrounding white space."""
    return unicodedata.normalize("NFKC", name).strip()


def pair_declarations(
    old: Mapping[str, Declaration], new: Mapping[str, Declaration], across_years: bool
) -> Pairing:
    """Pair the declarations of `old` with those of `new` (each keyed by its file's path): by
    部门名称, then folded 部门名称, then file name; within one 年度 unless `across_years`.
    Where several could pair, the first of each side in its order is taken."""
    unpaired = dict(old)
    found: dict[str, Pair] = {}
    for by in (BY_DEPARTMENT, BY_FOLDED, BY_FILE_NAME):
        candidates: dict[tuple[int | None, str], list[str]] = {}
        for key, decl in unpaired.items():
            candidates.setdefault(_identity(by, key, decl, across_years), []).append(key)
        for key, decl in new.items():
            same = candidates.get(_identity(by, key, decl, across_years))
            if key in found or not same:
                continue
            partner = same.pop(0)
            before = unpaired.pop(partner)
            note = _note(before, decl) if by == BY_FILE_NAME else ""
            found[key] = Pair(partner, key, by, note)
    return Pairing(
        tuple(found[key] for key in new if key in found),
        tuple(key for key in new if key not in found),
        tuple(unpaired),
    )


def _identity(by: str, key: str, decl: Declaration, across_years: bool) -> tuple[int | None, str]:
    if by == BY_DEPARTMENT:
        name = decl.department
    elif by == BY_FOLDED:
        name = fold(decl.department)
    else:
        name = PurePosixPath(key).name
    return (None if across_years else decl.year, name)


def _note(old: Declaration, new: Declaration) -> str:
    if fold(old.department) == fold(new.department):  # one department declared twice
        return ""
    return (
        f"按文件名配对：{old.source} 的“{old.department}”改名为 {new.source} 的“{new.department}”"
        "（若不是同一个部门，给其中一个文件改名）"
    )
