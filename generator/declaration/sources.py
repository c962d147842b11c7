"""Finding declaration files and reading each into a checked declaration.

`read_checked` is the whole front half of the pipeline for one file:
load (YAML → located nodes) → read (schema → model) → validate (semantic rules).
`check_across_files` checks what the files of a tree must agree on, and their names, which name
the outputs and the index's links to them (E232).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.declaration.checks import validate
from generator.declaration.filing import check_filings
from generator.declaration.load import (
    LoadResult,
    invisible_name,
    is_invisible,
    load_file,
    load_text,
)
from generator.declaration.model import Declaration
from generator.declaration.places import PROJECT, WHOLE, full_path, output_slug, year_folder
from generator.declaration.read import read_declaration
from generator.declaration.summary import Summary, summarize
from generator.errors import Diagnostic, Location, is_error

SUFFIXES = (".yaml", ".yml")
# Names a declaration file may not have, in any case: the year's index shares its folder with
# the outputs, and Windows has device names no file can take.
RESERVED_NAMES = {"index": "汇总页 index.md、index.xlsx（年度的，部门的）用了它"} | {
    name: "Windows 不允许用它作文件名"
    for name in (
        "con",
        "prn",
        "aux",
        "nul",
        *(f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)),
    )
}
_NAME_RULE = (
    "文件名可以用汉字等文字、数字、“-”、“_”和全角标点，不能有空白和其他半角符号"
    "（输出文件和汇总表里的链接都以它命名）"
)
_CHARACTER_NAMES = {" ": "空格", "\u3000": "全角空格", "\n": "换行", "\t": "Tab"}


@dataclass(frozen=True, slots=True)  # slotted: a build keeps one of every declaration
class Checked:
    """A declaration file after loading and validation; `declaration` is usable only when
    `diagnostics` is empty. A valid one always has its `summary`; a build's cache may give the
    summary alone (the model is then read again only if it has to be rendered)."""

    path: Path
    declaration: Declaration | None
    diagnostics: tuple[Diagnostic, ...]
    summary: Summary | None = None

    @property
    def name(self) -> str:
        """How diagnostics name the file (shown_path): what their location's file is."""
        return shown_path(self.path)

    @property
    def ok(self) -> bool:
        """Valid: warnings may remain, errors may not."""
        return self.summary is not None and not any(is_error(d) for d in self.diagnostics)


class UsageError(Exception):
    """A path given on the command line does not exist or is not a declaration."""


def find_declarations(paths: Iterable[Path]) -> list[Path]:
    """Declaration files named by `paths` (files, or folders searched recursively), sorted;
    each file once, however often and however it is named (`/abs/x.yaml` and `x.yaml`,
    `2023/../2023/x.yaml`, a path through a symbolic link): by its first spelling."""
    found: dict[Path, Path] = {}  # the real file → how it was first named
    _RESOLVED.clear()  # a command of its own: links may have changed since the last
    for path in paths:
        if path.is_dir():
            named = sorted(p for p in _files_below(path) if is_declaration_name(p.name))
        elif path.is_file():
            named = [path]
        else:
            raise UsageError(f"{shown_path(path)}: 文件或目录不存在")
        for file in named:
            real = resolved(file)
            # a file reached through a link and where it really is: where it is (its folder
            # says which department it belongs to)
            if real not in found or (not _is_real(found[real]) and _is_real(file)):
                found[real] = file
    return sorted(found.values())


_RESOLVED: dict[Path, Path] = {}


def resolved(path: Path) -> Path:
    """`path` resolved, once for each command (find_declarations starts a command afresh): a
    build asks it of every file several times."""
    real = _RESOLVED.get(path)
    if real is None:
        real = _RESOLVED[path] = path.resolve()
    return real


def _files_below(folder: Path) -> Iterator[Path]:
    """Every file below `folder`, linked folders followed (each real folder once, so a link
    to a folder above cannot loop)."""
    seen: set[str] = set()
    for root, folders, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:
            folders[:] = []
            continue
        seen.add(real)
        folders.sort()
        for name in sorted(files):
            path = Path(root) / name
            if path.is_file():
                yield path


def _is_real(path: Path) -> bool:
    """Whether `path` names a file where it is, through no link."""
    return resolved(path) == Path(os.path.normpath(path.absolute()))


def with_departments(files: list[Path]) -> list[Path]:
    """`files` (found by find_declarations) with the other forms of each department they
    belong to, as they lie on disk: the 整体 form beside a project's folder and the projects
    in a 整体 form's folder. What a build writes of a department (its page, its coverage) is
    then made from its forms as `check` sees them, never from some built earlier."""
    listed = _Listings()
    found = dict.fromkeys(files)
    seen = {resolved(path) for path in files}  # one file named two ways is one file
    for path in files:
        whole = Path(full_path(path.as_posix()))
        if _is_year_name(whole.parent.name):  # a 整体 form: its projects' folder
            folder = whole.parent / _stem(whole)
        elif _is_year_name(whole.parent.parent.name):  # a project: its own folder
            folder = whole.parent
        else:
            continue
        for other in _department_files(folder, listed):
            real = resolved(other)
            if real not in seen:
                seen.add(real)
                found[other] = None
    return list(found)


def _is_year_name(name: str) -> bool:
    return name.isdigit() and len(name) == 4


def is_declaration_name(name: str) -> bool:
    """Whether a file found in a folder is a declaration: `.yaml` or `.yml` in any case
    (`x.YAML`), also followed by dots or spaces, which Windows drops (`x.yaml.`: refused by
    check_file_name, never skipped in silence). Backups (`x.yaml.bak`, `x.yaml~`) are not."""
    return name.rstrip(". ").lower().endswith(SUFFIXES)


def read_source(path: Path) -> bytes:
    """The bytes of a declaration file; one that cannot be read is an environment problem
    (UsageError), not a problem of its content."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise UsageError(
            f"{shown_path(path)}：无法读取：{error.strerror or error}"
            "（检查文件的权限，或关闭正在占用它的程序）"
        ) from None


def shown_path(path: Path) -> str:
    """`path` as diagnostics print it: control characters and characters that cannot be seen
    in a file name written as escapes (`\\n`, `\\u200b`), so that every diagnostic stays on one
    line and shows what the name holds."""
    return _shown(path.as_posix())


def _shown(name: str) -> str:
    return "".join(
        ch if ch.isprintable() and not is_invisible(ch) else ch.encode("unicode_escape").decode()
        for ch in name
    )


def check_file_name(path: Path) -> list[Diagnostic]:
    """The problem with `path`'s name, if any: its stem names the outputs and the index links
    to them, and make and every operating system must carry it."""
    stem, name = path.stem, shown_path(Path(path.name))
    where = Location(shown_path(path), 1, 1)
    trimmed = path.name.rstrip(". ")
    if trimmed != path.name:
        end = "空格" if path.name.endswith(" ") else "“.”"
        message = f"文件名“{name}”以{end}结尾：Windows 会去掉文件名结尾的点和空格"
        return [Diagnostic(where, "E232", message, f"改名为 {shown_path(Path(trimmed))}")]
    if stem.casefold() in RESERVED_NAMES:
        reason = RESERVED_NAMES[stem.casefold()]
        return [
            Diagnostic(
                where,
                "E232",
                f"文件名“{name}”是保留的名字：{reason}",
                "换一个名字，例如用部门名称或其简称",
            )
        ]
    if looks_like_a_year(stem):  # its projects' folder would read as a year's
        return [
            Diagnostic(
                where,
                "E232",
                f"文件名“{name}”是四位数字，与年度文件夹无法区分（项目表的文件夹以它命名）",
                "换一个名字，例如用部门名称或其简称",
            )
        ]
    kept = "".join(ch if allowed_in_name(ch) else "-" for ch in stem)
    suggestion = re.sub("-+", "-", kept).strip("-_") or "部门简称"
    example = f"{_NAME_RULE}，例如 {suggestion}{path.suffix}"
    if stem[:1] in ("-", "."):
        message = f"文件名“{name}”不能以“{stem[0]}”开头"
        return [Diagnostic(where, "E232", message, example)]
    bad = next((ch for ch in stem if not allowed_in_name(ch)), None)
    if bad is not None:
        invisible = invisible_name(bad)
        if bad in _CHARACTER_NAMES:
            what = _CHARACTER_NAMES[bad]
        elif invisible is not None:
            what = f"看不见的字符 U+{ord(bad):04X}（{invisible}）"
        else:
            what = f"“{bad}”" if bad.isprintable() else f"控制字符 U+{ord(bad):04X}"
        return [Diagnostic(where, "E232", f"文件名“{name}”中不能有{what}", example)]
    return []


def reserved_stem(stem: str) -> bool:
    """Whether a file name (without suffix) is one `check` refuses whatever its characters:
    a reserved name (index, CON …) or four digits, which would read as a year."""
    return stem.casefold() in RESERVED_NAMES or looks_like_a_year(stem)


def looks_like_a_year(stem: str) -> bool:
    return stem.isdigit() and len(stem) == 4


def allowed_in_name(ch: str) -> bool:
    """ASCII punctuation and white space break links, shells or Windows (space, `(`, `#`, `%`,
    `:` …); letters, digits, marks, punctuation and symbols beyond ASCII (汉字, （）、·《》) break
    nothing. Invisible characters and white space of any script are refused."""
    if ch.isascii():
        return ch.isalnum() or ch in "-_"
    return unicodedata.category(ch)[0] in "LMNPS" and not is_invisible(ch)


def read_checked(path: Path, data: bytes | None = None) -> Checked:
    """Load, read and validate one declaration file (`data`: its bytes, if already read).
    Raises UsageError when the file cannot be read."""
    data = read_source(path) if data is None else data
    return _check_loaded(path, load_file(path, shown_path(path), data))


def read_checked_text(text: str, name: str) -> Checked:
    """Load, read and validate a declaration given as text (e.g. from a git revision); `name`
    is how diagnostics and the model name its source."""
    return _check_loaded(Path(name), load_text(text, _shown(name)))


def read_checked_bytes(data: bytes, name: str) -> Checked:
    """Load, read and validate a declaration given as bytes (e.g. from a git revision), decoded
    like a file on disk (E006 when not UTF-8); `name` is how diagnostics and the model name
    its source."""
    return _check_loaded(Path(name), load_file(Path(name), _shown(name), data))


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
    """Every file's name must be one outputs, links and make can carry (E232, also for files
    with other problems); two declarations of one year may not share a file name, not even
    but for case (they would share outputs), nor a 部门名称 (one department, declared twice:
    often an import beside the existing file). `diff` compares models and checks none of this.

    A department declared twice is reported on every one of its files, each naming the others:
    which of them is the right one cannot be told from the files, so neither is singled out."""
    checked = list(checked)
    owners: dict[tuple[int, str], Path] = {}
    departments: dict[tuple[int, str], list[Checked]] = {}
    problems = []
    for item in checked:
        problems += check_file_name(item.path)
        if item.summary is None:
            continue
        if item.summary.category == WHOLE:  # a project names the department it belongs to
            departments.setdefault((item.summary.year, item.summary.name), []).append(item)
        # Names that differ only by case, or in NFC and NFD, are one file on Windows and macOS.
        stem = output_slug(item.path.as_posix(), item.summary.category)
        key = (item.summary.year, unicodedata.normalize("NFC", stem).casefold())
        if key in owners:
            first = output_slug(owners[key].as_posix(), item.summary.category)
            same = "只差 Unicode 写法（NFC 与 NFD，看上去一样，在 macOS 上是同一个文件）"
            if first == stem:
                same = "相同"
            elif first.casefold() == stem.casefold():
                same = "只差大小写（在 Windows、macOS 上是同一个文件）"
            other = shown_path(owners[key])
            problems.append(
                Diagnostic(
                    Location(shown_path(item.path), 1, 1),
                    "E230",
                    f"与 {other} 同为 {key[0]} 年度且文件名{same}，输出会互相覆盖",
                    "给其中一个文件改名",
                )
            )
        owners.setdefault(key, item.path)
    for (year, name), items in departments.items():
        if len(items) < 2:
            continue
        for item in items:
            assert item.summary is not None
            others = "、".join(shown_path(other.path) for other in items if other is not item)
            problems.append(
                Diagnostic(
                    item.summary.name_at,
                    "E231",
                    f"{year} 年度“{name}”另有申报：{others}",
                    "一个部门每年只有一份申报：保留正确的一份，把另一份的内容合并进去后删除它；"
                    "若是两个不同的部门，核对部门名称",
                )
            )
    return problems + _check_filings(checked)


def _check_filings(checked: list[Checked]) -> list[Diagnostic]:
    """The checks across the forms of a department (filing.check_filings). A department's
    other forms that are not among `checked` (a project or a 整体 form checked alone) are read
    from where they lie: the 整体 form beside its projects' folder, the projects in it. A
    department with a form there that is not valid is left out: that form's own errors say
    what to fix first."""
    real = resolved  # each path resolved once (thousands of files)

    summaries = {real(item.path): item.summary for item in checked if item.summary}
    given = {real(item.path) for item in checked}
    blocked: dict[Path, list[Path]] = {}  # department folder → its invalid forms not given
    listed = _Listings()
    folders = {folder for item in checked if (folder := _department_folder(item)) is not None}
    for folder in sorted(folders):
        for path in _department_files(folder, listed):
            if real(path) in summaries:
                continue
            other = read_checked(path) if real(path) not in given else None
            if other is not None and other.ok and other.summary is not None:
                summaries[real(path)] = other.summary
            else:
                blocked.setdefault(folder, [])
                if real(path) not in given:
                    blocked[folder].append(path)
    kept = [
        summary
        for path, summary in summaries.items()
        if summary is not None and not any(_in_department(path, f) for f in blocked)
    ]
    problems = check_filings(kept)
    if any(p.code in _MISPLACED for p in problems):  # say where each misplaced project belongs
        problems = check_filings(kept, _wholes_beside(checked, summaries, listed))
    return problems + list(_skipped(checked, blocked))


def _skipped(checked: list[Checked], blocked: dict[Path, list[Path]]) -> Iterator[Diagnostic]:
    """W245 on each valid form given whose department could not be checked across its forms
    because another of its forms, not given, has errors (a project checked alone)."""
    for item in checked:
        folder = _department_folder(item)
        invalid = blocked.get(folder) if folder is not None else None
        if item.ok and invalid:
            names = "、".join(shown_path(p) for p in invalid)
            yield Diagnostic(
                Location(shown_path(item.path), 1, 1),
                "W245",
                f"同部门的 {names} 有错误，部门各表之间的核对（项目支出、项目名称）未进行",
                "先改正那份文件（check 它），再核对",
            )


# A project in the wrong place: its message names the folder where it belongs, if any.
_MISPLACED = {"E240", "E241", "E242"}


def _wholes_beside(
    checked: list[Checked], known: dict[Path, Summary], listed: _Listings
) -> list[Summary]:
    """The valid 整体 forms in the year folders of the projects of `checked` that are not
    among `known`: where a misplaced project's department may be."""
    years = set()
    for item in checked:
        if item.summary is not None and item.summary.category == PROJECT:
            folder = Path(full_path(item.path.as_posix())).parent
            years.add(folder if "/" not in item.summary.slug else folder.parent)
    found = []
    for year in sorted(years):
        for path in listed.files(year):
            if resolved(path) not in known:
                other = read_checked(path)
                if other.ok and other.summary is not None and other.summary.category == WHOLE:
                    found.append(other.summary)
    return found


def _department_folder(item: Checked) -> Path | None:
    """The folder of the department a form belongs to: a project's own folder, the folder
    named after a 整体 form (whether or not it exists); None for a form that is in neither
    place (E240, W211 say so)."""
    if item.summary is None or not year_folder(item.path.as_posix()):
        return None
    path = Path(full_path(item.path.as_posix()))  # `七届会议.yaml` inside its folder, `../x/y.yaml`
    if item.summary.category == PROJECT and "/" in item.summary.slug:
        return path.parent
    if item.summary.category == WHOLE:
        return path.parent / _stem(path)
    return None


def _department_files(folder: Path, listed: _Listings) -> list[Path]:
    """The forms of the department of `folder`: the 整体 form named after it, and the project
    forms in it (`listed`: the declaration files of each folder listed so far)."""
    return [*listed.by_stem(folder.parent).get(folder.name, []), *listed.files(folder)]


class _Listings:
    """The declaration files directly in each folder, listed once per check, and by stem (a
    year of thousands of departments is not scanned once for each)."""

    def __init__(self) -> None:
        self._files: dict[Path, list[Path]] = {}
        self._stems: dict[Path, dict[str, list[Path]]] = {}

    def files(self, folder: Path) -> list[Path]:
        if folder not in self._files:
            try:
                self._files[folder] = sorted(
                    p for p in folder.iterdir() if is_declaration_name(p.name) and p.is_file()
                )
            except OSError:
                self._files[folder] = []
        return self._files[folder]

    def by_stem(self, folder: Path) -> dict[str, list[Path]]:
        if folder not in self._stems:
            stems: dict[str, list[Path]] = {}
            for path in self.files(folder):
                stems.setdefault(_stem(path), []).append(path)
            self._stems[folder] = stems
        return self._stems[folder]


def _stem(path: Path) -> str:
    """A declaration file's name without its suffix (and the dots or spaces Windows drops)."""
    return path.name.rstrip(". ").rsplit(".", 1)[0]


def _in_department(path: Path, folder: Path) -> bool:
    return (
        path.parent == folder.resolve()
        or path.parent / path.name.rstrip(". ").rsplit(".", 1)[0] == folder.resolve()
    )
