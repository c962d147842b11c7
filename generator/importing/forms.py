"""The `import` command: existing forms (XLSX, DOCX, tab-separated text) → declaration YAML.

Old binary files (.xls, .et, .doc, .wps) are first converted to XLSX/DOCX by LibreOffice, all
of a run together (importing/legacy.py); without LibreOffice each says how to install it or
save the file again. Each form is read into a grid (importing/xlsx.py, docx.py, tsv.py), the
grid into a declaration of its form kind (importing/read_form.py), and the declaration written
as canonical YAML (authoring/emit.py). The result is then checked like any declaration, so an
inconsistent form (sums that do not add up) imports as written and is reported.

Every input has one outcome (Imported.outcome): written, printed, not a readable form (its
diagnostics say why), refused (the target exists, or another form of this run took the same
name), unreadable, or skipped (in a folder: Office's lock files, hidden files, subfolders).
With --into, a file is named after the form's 部门名称, made safe as a file name on Windows,
macOS and Linux; existing files are kept unless `force`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from generator.authoring.emit import SCHEMA_MODELINE, emit_declaration, schema_line
from generator.build.write import Artifact, WriteError, Writer
from generator.declaration.model import Declaration
from generator.declaration.places import PROJECT
from generator.declaration.sources import (
    UsageError,
    allowed_in_name,
    read_checked_text,
    reserved_stem,
)
from generator.errors import Diagnostic, ExitCode, excerpt, is_error, sort_diagnostics
from generator.importing.docx import grid_from_docx
from generator.importing.grid import LIMITS, TOO_BIG_HINT, FormReadError, Grid, read_error
from generator.importing.labels import visible
from generator.importing.legacy import (
    INSTALL_HINT,
    LEGACY,
    Converted,
    convert,
    family_of,
    office,
    renamed,
)
from generator.importing.placing import Folder
from generator.importing.read_form import ImportResult, read_form
from generator.importing.tsv import READABLE_HINT, grid_from_text
from generator.importing.xlsx import grid_from_xlsx
from generator.kinds import FormKind

Reader = Callable[[bytes, str], tuple[Grid, tuple[Diagnostic, ...]]]
READERS: dict[str, Reader] = {
    ".xlsx": grid_from_xlsx,
    ".xlsm": grid_from_xlsx,
    ".docx": grid_from_docx,
    ".txt": grid_from_text,
    ".tsv": grid_from_text,
}
MAX_NAME_CHARS = 50
_HASH_CHARS = 8  # of a name cut short: "-" and this many hex digits of its SHA-256
_INVISIBLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")  # controls, format, unassigned …


class Outcome(Enum):
    WRITTEN = "written"
    PRINTED = "printed"  # for standard output
    FAILED = "failed"  # not a readable form
    REFUSED = "refused"  # read, not written
    UNREADABLE = "unreadable"  # the file could not be opened
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Imported:
    """One input: its outcome, the YAML text and where it went, what was inferred (warnings),
    what `check` says of the result or why the form could not be read (problems), and why
    it was refused, unreadable or skipped (reason)."""

    source: Path
    outcome: Outcome
    target: Path | None = None
    text: str = ""
    warnings: tuple[Diagnostic, ...] = ()
    problems: tuple[Diagnostic, ...] = ()
    reason: str = ""

    @property
    def status(self) -> ExitCode:
        if self.outcome in (Outcome.REFUSED, Outcome.UNREADABLE):
            return ExitCode.USAGE
        if self.outcome is Outcome.FAILED or any(is_error(p) for p in self.problems):
            return ExitCode.INVALID
        return ExitCode.OK

    def line(self) -> str:
        """What became of this input, for the user ("" when the YAML itself is the answer)."""
        if self.outcome is Outcome.WRITTEN:
            problems = f"（有 {len(self.problems)} 个问题，见上）" if self.problems else ""
            return f"{self.source} → {self.target}{problems}"
        if self.outcome is Outcome.FAILED:
            return f"{self.source}：未导入（见上）"
        if self.outcome is Outcome.SKIPPED:
            return f"跳过 {self.source}（{self.reason}）"
        if self.outcome is Outcome.PRINTED:
            return ""
        return f"错误：{self.source}：{self.reason}"


def import_summary(results: list[Imported]) -> str:
    """One line counting the outcomes of several inputs."""
    count = {outcome: sum(r.outcome is outcome for r in results) for outcome in Outcome}
    failed = count[Outcome.FAILED] + count[Outcome.UNREADABLE]
    files = len(results) - count[Outcome.SKIPPED]
    line = (
        f"{files} 个文件：写入 {count[Outcome.WRITTEN]} 个，未导入 {failed} 个，"
        f"未写入 {count[Outcome.REFUSED]} 个"
    )
    return line + (f"；另跳过 {count[Outcome.SKIPPED]} 项" if count[Outcome.SKIPPED] else "")


def import_forms(
    paths: list[Path],
    output: Path | None,
    into: Path | None,
    force: bool,
    kind: FormKind | None = None,
) -> list[Imported]:
    """Import every file (a folder stands for the files in it); write each to `output`, or
    to `into/<部门名称>.yaml`, or return the text for standard output. Raises UsageError,
    before reading anything, for arguments that do not fit together."""
    if output is not None and into is not None:
        raise UsageError("-o 与 --into 只能选一个")
    inputs = [item for path in paths for item in _inputs(path)]
    files = [item for item in inputs if isinstance(item, Path)]
    if output is not None and len(files) != 1:
        raise UsageError("-o 只能用于一个文件；多个文件请用 --into 目录")
    if output is None and into is None and len(files) != 1:
        raise UsageError("多个文件请用 --into 目录")
    if output is not None:
        _check_output(output, files[0])
    if into is not None:
        _check_folder(into)
    claimed: dict[str, tuple[Path, str]] = {}  # target (as file systems compare) → form, 部门
    folder = Folder(into, file_stem) if into is not None else None
    converted = _convert_legacy(files)
    read = {item: _read(item, kind, converted.get(item)) for item in files}
    written: dict[Path, Imported] = {}
    # 整体 forms first: the projects of this run then find the folder their 整体 form got
    for projects in (False, True):
        for path, form in read.items():
            if isinstance(form, _Form) and form.is_project == projects:
                written[path] = _write(form, output, folder, force, claimed)
    results = []
    for item in inputs:
        if isinstance(item, Imported):
            results.append(item)
        else:
            form = read[item]
            results.append(form if isinstance(form, Imported) else written[item])
    return results


def file_stem(text: str) -> str:
    """`text` (a 部门名称) as a file name without suffix that `check` accepts (E232, the rule
    of declaration/sources.py): invisible characters left out, white space and the ASCII
    punctuation that breaks links, shells, make or Windows (`(`, `/`, `.` …) turned into "-",
    no "-" or "_" at either end, at most MAX_NAME_CHARS characters (a longer name is cut and
    ends in a hash of the whole, so two names alike in their first characters stay two), and
    "_" after a reserved name (index, CON, LPT1 …, four digits). "" when nothing is left."""
    text = unicodedata.normalize("NFC", text)
    visible = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)
    kept = "".join(ch if allowed_in_name(ch) else "-" for ch in visible)
    stem = re.sub("-+", "-", kept).strip("-_")
    if len(stem) > MAX_NAME_CHARS:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        cut = stem[: MAX_NAME_CHARS - _HASH_CHARS - 1].rstrip("-_")
        stem = f"{cut}-{digest[:_HASH_CHARS]}"
    return f"{stem}_" if reserved_stem(stem) else stem


def _check_output(output: Path, source: Path) -> None:
    """-o names a YAML file that is not the form being imported (not even through a link)."""
    try:
        same = output.exists() and source.exists() and output.samefile(source)
    except OSError:
        same = False
    if same:
        raise UsageError(f"-o {output} 就是要导入的文件 {source}；请另指定一个 .yaml 文件")
    if output.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"-o {output}：写的是 YAML，文件名要以 .yaml 或 .yml 结尾")


def _check_folder(into: Path) -> None:
    """--into names a folder: one that exists, or one that can be made (no file in its way)."""
    if into.exists() and not into.is_dir():
        raise UsageError(f"--into 要的是文件夹，{into} 是一个文件")
    blocker = next((p for p in into.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise UsageError(f"--into 要的是文件夹，{blocker} 是一个文件，不能在其中建文件夹")


def _inputs(path: Path) -> list[Path | Imported]:
    """The files `path` names: itself, or a folder's files in name order (its lock files,
    hidden files and subfolders as skipped)."""
    if not path.is_dir():
        return [path]
    found: list[Path | Imported] = []
    for entry in sorted(path.iterdir()):
        if entry.is_dir():
            found.append(Imported(entry, Outcome.SKIPPED, reason="子目录不导入"))
        elif entry.name.startswith("~$"):
            reason = "Office 打开文件时留下的临时文件"
            found.append(Imported(entry, Outcome.SKIPPED, reason=reason))
        elif entry.name.startswith("."):
            found.append(Imported(entry, Outcome.SKIPPED, reason="隐藏文件"))
        else:
            found.append(entry)
    if not any(isinstance(item, Path) for item in found):
        raise UsageError(f"{path}：目录里没有要导入的文件")
    return found


class _Unreadable(Exception):
    """The file cannot be opened (missing, not permitted): a problem of the environment."""


@dataclass(frozen=True)
class _Form:
    """A form read and made YAML, not yet written."""

    source: Path
    declaration: Declaration
    result: ImportResult
    notes: tuple[Diagnostic, ...]
    how: str  # how its kind was found
    via: str = ""  # how it was converted before it was read (LibreOffice)
    sheet: str = ""  # the worksheet read, of a workbook with several

    @property
    def is_project(self) -> bool:
        return self.declaration.kind.category == PROJECT

    def name(self) -> str:
        """The file name (without suffix) --into gives it: a project's name, a department's."""
        named = self.declaration.role("project_name") if self.is_project else None
        text = named if isinstance(named, str) else self.declaration.department
        return file_stem(text) or file_stem(self.source.stem) or "申报"


def _convert_legacy(files: list[Path]) -> dict[Path, Converted | FormReadError]:
    """The old binary files among `files` converted by LibreOffice, or, without LibreOffice,
    each with a message saying how to read it; a new file given an old name (.xls holding an
    .xlsx) is read as what it is. Files that are not regular ones, or larger than a form, are
    left to _grid, which says so."""
    found: dict[Path, Converted | FormReadError] = {}
    legacy = {}
    for path in files:
        try:
            family = family_of(path) if path.is_file() else None
            if family is None or path.stat().st_size > LIMITS.file_bytes:
                continue
        except OSError:
            continue
        as_new = renamed(path, family) if path.suffix.lower() in LEGACY else None
        if as_new is not None:
            found[path] = as_new
        else:
            legacy[path] = family
    program = office() if legacy else None
    if program is not None:
        return {**found, **convert(legacy, program)}
    for path, family in legacy.items():
        suffix = path.suffix.lower()
        if suffix in LEGACY:  # an old file named .xlsx: ooxml.py says what it is
            found[path] = read_error(
                path.as_posix(),
                "E602",
                f"不能读取 {suffix} 文件（{LEGACY[suffix][0]}）：没有找到 LibreOffice 来转换",
                f"{INSTALL_HINT}；或{family.save}",
            )
    return found


def _read(
    path: Path, kind: FormKind | None, converted: Converted | FormReadError | None
) -> _Form | Imported:
    via = ""
    try:
        if isinstance(converted, FormReadError):
            raise converted
        if converted is None:
            grid, notes = _grid(path)
        else:
            grid, notes = _converted_grid(path, converted)
            via = converted.note
    except _Unreadable as error:
        return Imported(path, Outcome.UNREADABLE, reason=str(error))
    except FormReadError as error:
        return Imported(path, Outcome.FAILED, problems=(error.diagnostic,))
    result = read_form(grid, path.stem, kind)
    if result.declaration is None:
        return Imported(path, Outcome.FAILED, warnings=notes, problems=result.errors)
    how = "按 --kind" if kind is not None else "按表中的栏目识别"
    return _Form(path, result.declaration, result, notes, how, via, grid.sheet)


def _converted_grid(path: Path, converted: Converted) -> tuple[Grid, tuple[Diagnostic, ...]]:
    """The grid of an old file converted by LibreOffice, read as the file it was converted
    to; its messages name the old file (its cells are where they were)."""
    source = path.as_posix()
    if converted.data is None:
        if converted.broken:
            raise _Unreadable(converted.problem)
        raise read_error(source, "E606", converted.problem, converted.hint)
    return READERS[converted.suffix](converted.data, source)


def _write(
    form: _Form,
    output: Path | None,
    folder: Folder | None,
    force: bool,
    claimed: dict[str, tuple[Path, str]],
) -> Imported:
    path, result, decl = form.source, form.result, form.declaration
    target = output
    placed: list[Diagnostic] = []
    if folder is not None:
        if form.is_project:
            place = folder.place(decl, path.as_posix(), form.name())
            if place.target is None:
                return Imported(path, Outcome.REFUSED, reason=place.refused)
            target = place.target
            placed += [place.warning] if place.warning else []
        else:
            target = folder.path / f"{form.name()}.yaml"
    # the editor's schema line, as many folders up as the file will lie (a project: three)
    modeline = schema_line(SCHEMA_MODELINE, target.as_posix()) if target else SCHEMA_MODELINE
    sheet = f" 的工作表“{visible(excerpt(form.sheet))}”" if form.sheet else " "
    header = {
        "": (
            modeline,
            f"由 {path.name}{sheet}导入（{form.via + '；' if form.via else ''}"
            f"表样：{decl.kind.name}，{form.how}）。"
            "核对标有“导入时推断”或“原表写作”的地方。",
            *result.notes,
        )
    }
    text = emit_declaration(decl, {**header, **result.comments}, None, result.blank)
    checked = read_checked_text(text, (target or Path(f"{path.stem}.yaml")).as_posix())
    warnings = tuple(sort_diagnostics([*form.notes, *result.warnings, *placed]))
    if target is None:  # not a file yet: where it lies (W211) is not its problem
        found = tuple(d for d in checked.diagnostics if d.code != "W211")
        return Imported(path, Outcome.PRINTED, None, text, warnings, found)
    key = unicodedata.normalize("NFC", str(target.absolute())).casefold()
    department = unicodedata.normalize("NFC", decl.department)
    if key in claimed:
        first, other = claimed[key]
        why = "两份表的部门名称相同；每个部门每年只有一份申报"
        if form.is_project:
            why = "两份项目表的项目名称得出同一个文件名；用 -o 为这份表另指定文件名"
        elif other != department:
            why = (
                f"部门名称“{visible(department)}”与那份表的“{visible(other)}”不同，"
                "但得出同一个文件名；用 -o 为这份表另指定文件名"
            )
        reason = f"未写入，{target} 已由本次导入的 {first} 写入（{why}）"
        return Imported(path, Outcome.REFUSED, target, reason=reason)
    if target.exists() and not force:
        reason = f"未写入，{target} 已存在（确认要覆盖请加 --force）"
        return Imported(path, Outcome.REFUSED, target, reason=reason)
    try:
        Writer(target.parent).write(Artifact(target.name, text.encode()))
    except WriteError as error:
        return Imported(path, Outcome.REFUSED, target, reason=str(error))
    claimed[key] = (path, department)
    if folder is not None and not form.is_project and decl.department:
        folder.add(decl, target)
    return Imported(path, Outcome.WRITTEN, target, text, warnings, checked.diagnostics)


def _grid(path: Path) -> tuple[Grid, tuple[Diagnostic, ...]]:
    """The grid of the form in `path`, by its suffix; FormReadError for a file that is not a
    readable form, _Unreadable for one that cannot be opened."""
    source = path.as_posix()
    if not path.exists():
        raise _Unreadable("文件或目录不存在")
    if not path.is_file():
        raise _Unreadable("不是普通文件")
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None and suffix not in LEGACY:  # an old file larger than a form: E604 below
        raise _unsupported(source, suffix)
    try:
        size = path.stat().st_size
        if size > LIMITS.file_bytes:
            raise read_error(
                source,
                "E604",
                f"文件有 {size / 2**20:.1f} MB，超过导入上限 {LIMITS.file_bytes // 2**20} MB",
                TOO_BIG_HINT,
            )
        data = path.read_bytes()
    except PermissionError:
        raise _Unreadable("无法读取（权限不足）") from None
    except OSError as error:
        raise _Unreadable(f"无法读取（{error.strerror or error}）") from None
    if reader is None:
        raise _unsupported(source, suffix)
    return reader(data, source)


def _unsupported(source: str, suffix: str) -> FormReadError:
    if suffix == ".pdf":
        hint = f"用申报表的原文件（Excel 或 Word）导入；{READABLE_HINT}"
        return read_error(source, "E602", "不支持 PDF 文件", hint)
    what = f" {suffix} 文件" if suffix else "没有扩展名的文件"
    return read_error(source, "E602", f"不能读取{what}", READABLE_HINT)
