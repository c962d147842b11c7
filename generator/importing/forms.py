"""The `import` command: existing forms (XLSX, DOCX, tab-separated text) → declaration YAML.

Each form is read into a grid, the grid into a declaration (generator/importer.py), and the
declaration written as canonical YAML (generator/emit.py). The result is then checked like any
declaration, so an inconsistent form (sums that do not add up) imports as written and is
reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.authoring.emit import SCHEMA_MODELINE, emit_declaration
from generator.errors import Diagnostic, Location
from generator.importing.grid import Grid, grid_from_tsv
from generator.importing.read_form import read_form
from generator.kinds import FormKind
from generator.importing.docx import grid_from_docx
from generator.importing.xlsx import grid_from_xlsx
from generator.declaration.sources import UsageError, read_checked_text
from generator.build.write import Artifact, Writer

READERS = {".xlsx": grid_from_xlsx, ".xlsm": grid_from_xlsx, ".docx": grid_from_docx}


@dataclass(frozen=True)
class Imported:
    """One imported form: the YAML text, where it goes (None: standard output), what was
    inferred (warnings) and what `check` says of the result."""

    source: Path
    target: Path | None
    text: str
    warnings: tuple[Diagnostic, ...]
    problems: tuple[Diagnostic, ...]


def import_forms(
    files: list[Path],
    output: Path | None,
    into: Path | None,
    force: bool,
    kind: FormKind | None = None,
) -> list[Imported]:
    """Import every file; write each to `output`, or `into/<slug>.yaml`, or return the text
    for standard output. Raises UsageError before writing anything if a target exists."""
    if output is not None and len(files) != 1:
        raise UsageError("-o 只能用于一个文件；多个文件请用 --into 目录")
    if output is None and into is None and len(files) != 1:
        raise UsageError("多个文件请用 --into 目录")
    results = []
    for path in files:
        target = output or (into / f"{slugify(path.stem)}.yaml" if into else None)
        if target is not None and target.exists() and not force:
            raise UsageError(f"{target}：已存在，未覆盖（确认要覆盖请加 --force）")
        results.append(_import(path, target, kind))
    for result in results:
        if result.target is not None and result.text:
            Writer(result.target.parent).write(Artifact(result.target.name, result.text.encode()))
    return results


def slugify(stem: str) -> str:
    """A file name in ASCII letters, digits and hyphens (non-ASCII names are left out)."""
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug or "declaration"


def _import(path: Path, target: Path | None, kind: FormKind | None) -> Imported:
    if not path.is_file():
        raise UsageError(f"{path}：文件不存在")
    grid, warnings = _grid(path)
    result = read_form(grid, (target or path).stem, kind)
    if result.declaration is None:
        return Imported(path, target, "", warnings, result.errors)
    how = "按 --kind" if kind is not None else "按表中的栏目识别"
    header = {
        "": (
            SCHEMA_MODELINE,
            f"由 {path.name} 导入（表样：{result.declaration.kind.name}，{how}）。"
            "核对标有“导入时推断”或“原表写作”的地方。",
        )
    }
    text = emit_declaration(result.declaration, {**header, **result.comments})
    checked = read_checked_text(text, (target or Path(f"{path.stem}.yaml")).as_posix())
    return Imported(path, target, text, warnings + result.warnings, checked.diagnostics)


def _grid(path: Path) -> tuple[Grid, tuple[Diagnostic, ...]]:
    reader = READERS.get(path.suffix.lower())
    if reader is not None:
        try:
            return reader(path, path.as_posix()), ()
        except (OSError, ValueError, KeyError) as error:
            raise UsageError(f"{path}：无法读取（{error}）") from None
    data = path.read_bytes()
    try:
        return grid_from_tsv(data.decode("utf-8-sig"), path.as_posix()), ()
    except UnicodeDecodeError:
        # Exports from Chinese Windows are often GB 18030 (GBK): read them, and say so.
        note = Diagnostic(
            Location(path.as_posix(), 1, 1), "W605", "文件不是 UTF-8，按 GB18030（GBK）读取"
        )
        return grid_from_tsv(data.decode("gb18030", errors="replace"), path.as_posix()), (note,)
