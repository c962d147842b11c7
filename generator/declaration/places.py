"""Where declaration files live, and what their outputs are named by.

    declarations/<年度>/<部门>.yaml           a department's 整体 form
    declarations/<年度>/<部门>/<项目>.yaml    each of its project forms (项目)

Outputs mirror it under build/<年度>/. See generator/declaration/filing.py for what the forms
of one department must agree on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path, PurePosixPath

from generator.declaration.model import Declaration
from generator.errors import Diagnostic, Location

WHOLE, PROJECT = "整体", "项目"


def full_path(source: str) -> PurePosixPath:
    """`source` as a whole path, whatever way it was named: from the working folder when
    relative (`check x.yaml` inside 2023/), `..` and `.` resolved (`../部门/x.yaml`), links
    kept (a linked folder is where the user put it)."""
    return _full_path(source, os.getcwd())


@lru_cache(maxsize=4096)  # a name only, never the disk: asked many times of every file
def _full_path(source: str, working: str) -> PurePosixPath:
    path = Path(source)
    whole = path if path.is_absolute() else Path(working) / path
    return PurePosixPath(Path(os.path.normpath(whole)).as_posix())


def year_folder(source: str) -> str:
    """The name of the nearest folder of `source` named by a year (declarations/2023/), or ""."""
    return _year_folder(source, os.getcwd())


@lru_cache(maxsize=4096)
def _year_folder(source: str, working: str) -> str:
    folders = _full_path(source, working).parent.parts
    return next((p for p in reversed(folders) if _is_year(p)), "")


def output_slug(source: str, category: str) -> str:
    """What a declaration's outputs are named by, under build/<年度>/: a 整体 form's file name
    (minhang-cppcc-office), a project's department folder and file name
    (minhang-cppcc-office/网站运维)."""
    path = full_path(source)
    if category == PROJECT and not _is_year(path.parent.name):
        return f"{path.parent.name}/{path.stem}"
    return path.stem


def check_placement(decl: Declaration) -> Iterator[Diagnostic]:
    """A 整体 form lies in its year's folder, a project in its department's folder there
    (E240)."""
    path = full_path(decl.source)
    if not year_folder(decl.source):
        return  # W211 says where it belongs
    where = Location(decl.source, 1, 1)
    if decl.kind.category == PROJECT and _is_year(path.parent.name):
        return  # in the year's folder: E240 with the folder of its department (filing.py)
    if decl.kind.category == PROJECT and not _is_year(path.parent.parent.name):
        yield Diagnostic(
            where,
            "E240",
            f"项目表“{path.name}”放得太深：应在 <年度>/<部门>/ 中",
            f"移到 {year_folder(decl.source)}/<部门整体表的文件名>/{path.name}",
        )
    elif decl.kind.category == WHOLE and not _is_year(path.parent.name):
        yield Diagnostic(
            where,
            "E240",
            f"整体表“{path.name}”放在了 {path.parent.name}/ 中：整体表直接放在年度文件夹里",
            f"移到 {year_folder(decl.source)}/{path.name}；部门文件夹里只放它的项目表",
        )


def _is_year(name: str) -> bool:
    return name.isdigit() and len(name) == 4
