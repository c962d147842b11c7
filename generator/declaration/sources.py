"""Finding declaration files and reading each into a checked declaration.

`read_checked` is the whole front half of the pipeline for one file:
load (YAML → located nodes) → read (schema → model) → validate (semantic rules).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.declaration.checks import validate
from generator.declaration.load import LoadResult, load_file, load_text
from generator.declaration.model import Declaration
from generator.declaration.read import read_declaration
from generator.declaration.summary import Summary, summarize
from generator.errors import Diagnostic, Location, is_error

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Checked:
    """A declaration file after loading and validation; `declaration` is usable only when
    `diagnostics` is empty. A valid one always has its `summary`; a build's cache may give the
    summary alone (the model is then read again only if it has to be rendered)."""

    path: Path
    declaration: Declaration | None
    diagnostics: tuple[Diagnostic, ...]
    summary: Summary | None = None

    @property
    def ok(self) -> bool:
        """Valid: warnings may remain, errors may not."""
        return self.summary is not None and not any(is_error(d) for d in self.diagnostics)


class UsageError(Exception):
    """A path given on the command line does not exist or is not a declaration."""


def find_declarations(paths: Iterable[Path]) -> list[Path]:
    """Declaration files named by `paths` (files, or folders searched recursively), sorted."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif path.is_file():
            found.add(path)
        else:
            raise UsageError(f"{path}: 文件或目录不存在")
    return sorted(found)


def read_checked(path: Path, data: bytes | None = None) -> Checked:
    """Load, read and validate one declaration file (`data`: its bytes, if already read)."""
    return _check_loaded(path, load_file(path, path.as_posix(), data))


def read_checked_text(text: str, name: str) -> Checked:
    """Load, read and validate a declaration given as text (e.g. from a git revision); `name`
    is how diagnostics and the model name its source."""
    return _check_loaded(Path(name), load_text(text, name))


def read_checked_bytes(data: bytes, name: str) -> Checked:
    """Load, read and validate a declaration given as bytes (e.g. from a git revision), decoded
    like a file on disk (E006 when not UTF-8); `name` is how diagnostics and the model name
    its source."""
    return _check_loaded(Path(name), load_file(Path(name), name, data))


def _check_loaded(path: Path, loaded: LoadResult) -> Checked:
    name = loaded.name
    diagnostics = list(loaded.diagnostics)
    if loaded.root is None:
        return Checked(path, None, tuple(diagnostics))
    declaration, problems = read_declaration(loaded.root, name)
    diagnostics += problems
    if declaration is None:
        return Checked(path, None, tuple(diagnostics))
    diagnostics += validate(declaration)
    valid = not any(is_error(d) for d in diagnostics)
    summary = summarize(declaration) if valid else None
    return Checked(path, declaration, tuple(diagnostics), summary)


def check_across_files(checked: Iterable[Checked]) -> list[Diagnostic]:
    """Two declarations of one year may not share a file name (they would share outputs) nor a
    部门名称 (one department, declared twice: often an import beside the existing file).

    A department declared twice is reported on every one of its files, each naming the others:
    which of them is the right one cannot be told from the files, so neither is singled out."""
    owners: dict[tuple[int, str], Path] = {}
    departments: dict[tuple[int, str], list[Checked]] = {}
    problems = []
    for item in checked:
        if item.summary is None:
            continue
        departments.setdefault((item.summary.year, item.summary.name), []).append(item)
        key = (item.summary.year, item.summary.slug)
        if key in owners:
            problems.append(
                Diagnostic(
                    Location(item.path.as_posix(), 1, 1),
                    "E230",
                    f"与 {owners[key].as_posix()} 同为 {key[0]} 年度且文件名相同，输出会互相覆盖",
                    "给其中一个文件改名",
                )
            )
        owners.setdefault(key, item.path)
    for (year, name), items in departments.items():
        if len(items) < 2:
            continue
        for item in items:
            assert item.summary is not None
            others = "、".join(other.path.as_posix() for other in items if other is not item)
            problems.append(
                Diagnostic(
                    item.summary.name_at,
                    "E231",
                    f"{year} 年度“{name}”另有申报：{others}",
                    "一个部门每年只有一份申报：保留正确的一份，把另一份的内容合并进去后删除它；"
                    "若是两个不同的部门，核对部门名称",
                )
            )
    return problems
