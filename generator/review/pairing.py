"""Which declaration of one set is which of another: the one pairing `diff` and `trend` share.

A department is what its declarations have in common from year to year, not its file: files get
renamed (`import --into` names them after 部门名称) and a file name may be given to another
department. So 整体 forms pair by 部门名称, first as written, then folded the way keys are
(NFKC: full-width and half-width spellings are one name), and only the rest by file name (a
department renamed in the same file). A project (项目) is one of its department's: projects pair
by (department, 项目名称) the same two ways — the department as its 整体 form is paired, so the
projects of a department renamed in its file follow it —, then the rest by their department's
folder and file name (a project renamed in the same file). A 整体 form never pairs with a
project. A pair made by file name between two names carries a note saying so: two departments'
(or projects') figures are never put side by side silently. Across years (year over year,
trend) any declarations may pair; otherwise only those of the same 年度 (two revisions of
several year folders).

The pairs (and the declarations left over) come grouped by department, in the order each
department's first file has in its set: its 整体 form, then its projects.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol

from generator.declaration.places import PROJECT, WHOLE

BY_DEPARTMENT = "department"  # the same 部门名称 (a project: and the same 项目名称)
BY_FOLDED = "folded"  # the same names but for full-width forms or spaces
BY_FILE_NAME = "file_name"  # the same file name (a project: in its department's folder)
GIVEN = "given"  # two files named on the command line: compared whatever they hold


class _Kind(Protocol):
    @property
    def category(self) -> str: ...


class Declaration(Protocol):
    """What pairing reads of a declaration: a model's Declaration, or what a build knows of
    one it does not read again (its summary, generator/render/navigation.py)."""

    @property
    def kind(self) -> _Kind: ...
    @property
    def year(self) -> int: ...
    @property
    def department(self) -> str: ...
    @property
    def project_name(self) -> str: ...
    @property
    def source(self) -> str: ...


@dataclass(frozen=True)
class Pair:
    """Two declarations taken for one department (or one project): the keys they have in
    their sets, how they were paired (BY_…), and the note to show when that needs saying."""

    old: str
    new: str
    by: str
    note: str = ""


@dataclass(frozen=True)
class Pairing:
    """The pairs in the new set's order, grouped by department, and the keys left without a
    partner on each side (in their set's order, grouped likewise)."""

    pairs: tuple[Pair, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]


def fold(name: str) -> str:
    """A 部门名称 as keys are compared: NFKC, without surrounding white space."""
    return unicodedata.normalize("NFKC", name).strip()


def pair_declarations(
    old: Mapping[str, Declaration], new: Mapping[str, Declaration], across_years: bool
) -> Pairing:
    """Pair the declarations of `old` with those of `new` (each keyed by its file's path): 整体
    forms by 部门名称, then folded 部门名称, then file name; projects by department and
    项目名称 the same ways, then by folder and file name; within one 年度 unless
    `across_years`. Where several could pair, the first of each side in its order is taken."""
    wholes = _pair(_of(old, WHOLE), _of(new, WHOLE), across_years, {})
    # A department paired by file name has another 部门名称: its projects name it so too.
    renamed = {
        fold(new[p.new].department): fold(old[p.old].department)
        for p in wholes
        if p.by == BY_FILE_NAME
    }
    projects = _pair(_of(old, PROJECT), _of(new, PROJECT), across_years, renamed)
    found = {p.new: p for p in (*wholes, *projects)}
    paired = {p.old for p in found.values()}
    return Pairing(
        tuple(found[key] for key in by_department(new) if key in found),
        tuple(key for key in by_department(new) if key not in found),
        tuple(key for key in by_department(old) if key not in paired),
    )


def by_department(decls: Mapping[str, Declaration]) -> list[str]:
    """The keys of `decls` grouped by department, in the order of each department's first key:
    its 整体 form, then its projects (in their order)."""
    first: dict[str, int] = {}
    for number, (key, decl) in enumerate(decls.items()):
        first.setdefault(_department_key(key, decl), number)
    return sorted(
        decls,
        key=lambda k: (first[_department_key(k, decls[k])], decls[k].kind.category != WHOLE),
    )


def _department_key(key: str, decl: Declaration) -> str:
    """The path of a department's 整体 form without its suffix: the folder of its projects."""
    path = PurePosixPath(key)
    return str(path.parent if decl.kind.category == PROJECT else path.with_suffix(""))


def _of(decls: Mapping[str, Declaration], category: str) -> dict[str, Declaration]:
    return {key: decl for key, decl in decls.items() if decl.kind.category == category}


Identity = tuple[int | None, str, str]


def _pair(
    old: Mapping[str, Declaration],
    new: Mapping[str, Declaration],
    across_years: bool,
    renamed: Mapping[str, str],
) -> list[Pair]:
    """Pairs of one category, stage by stage; `renamed` maps a department's (folded) new
    部门名称 to its old one."""
    unpaired = dict(old)
    found: dict[str, Pair] = {}
    for by in (BY_DEPARTMENT, BY_FOLDED, BY_FILE_NAME):
        identity = _identity(by, across_years)
        candidates: dict[Identity, list[str]] = {}
        for key, decl in unpaired.items():
            candidates.setdefault(identity(key, decl, {}), []).append(key)
        for key, decl in new.items():
            same = candidates.get(identity(key, decl, renamed))
            if key in found or not same:
                continue
            partner = same.pop(0)
            before = unpaired.pop(partner)
            note = _note(before, decl) if by == BY_FILE_NAME else ""
            found[key] = Pair(partner, key, by, note)
    return [found[key] for key in new if key in found]


def _identity(
    by: str, across_years: bool
) -> Callable[[str, Declaration, Mapping[str, str]], Identity]:
    def identity(key: str, decl: Declaration, renamed: Mapping[str, str]) -> Identity:
        year = None if across_years else decl.year
        path = PurePosixPath(key)
        if decl.kind.category == PROJECT:
            department = renamed.get(fold(decl.department), fold(decl.department))
            if by == BY_DEPARTMENT:
                return (year, department, decl.project_name)
            if by == BY_FOLDED:
                return (year, department, fold(decl.project_name))
            return (year, path.parent.name, path.name)
        if by == BY_DEPARTMENT:
            return (year, decl.department, "")
        if by == BY_FOLDED:
            return (year, fold(decl.department), "")
        return (year, path.name, "")

    return identity


def _note(old: Declaration, new: Declaration) -> str:
    if old.kind.category == PROJECT:
        was, now = old.project_name, new.project_name
        if fold(was) == fold(now):  # the department renamed: its 整体 form's note says so
            return ""
        return (
            f"按文件名配对：{old.source} 的项目“{was}”改名为 {new.source} 的“{now}”"
            "（若不是同一个项目，给其中一个文件改名）"
        )
    if fold(old.department) == fold(new.department):  # one department declared twice
        return ""
    return (
        f"按文件名配对：{old.source} 的“{old.department}”改名为 {new.source} 的“{new.department}”"
        "（若不是同一个部门，给其中一个文件改名）"
    )
