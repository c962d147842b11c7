"""The `diff` command: compare two sets of declarations (files, year folders or git revisions)
and render the change report as Markdown or JSON.

Each declaration is keyed by its file's path under what was named: under the folder (or the
file itself) for OLD NEW, relative to the current folder for --rev, where both sides are read
under the same paths. Two files named are compared with each other; otherwise declarations
pair as review/pairing.py pairs them.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.declaration.model import Declaration
from generator.declaration.sources import Checked, UsageError, find_declarations, read_checked
from generator.errors import Diagnostic, is_error, sort_diagnostics
from generator.render import TEMPLATES
from generator.render.templates import Renderer
from generator.review.compare import Comparison, compare_sets
from generator.review.pairing import GIVEN, Pair, Pairing
from generator.review.revisions import read_at_revision, resolve_range


@dataclass(frozen=True)
class DiffResult:
    """The comparison, or (when a side is invalid) the problems that prevent it."""

    comparison: Comparison | None
    diagnostics: tuple[Diagnostic, ...]


def diff_paths(old: Path, new: Path) -> DiffResult:
    """Compare the declarations under `old` with those under `new` (files or folders; two
    files are compared with each other, whatever their names, but never a 整体 form with a
    project: UsageError)."""
    before, after = _read_under(old), _read_under(new)
    given = None
    if old.is_file() and new.is_file():  # each keyed "." (see _read_under)
        given = Pairing((Pair(".", ".", GIVEN),), (), ())
        _refuse_other_category((old, before), (new, after))
    return _compare(before, after, old.as_posix(), new.as_posix(), given)


def diff_revisions(spec: str, paths: Sequence[Path]) -> DiffResult:
    """Compare the declarations under `paths` between the git revisions `spec` names
    (`A`: A → work tree, `A..B`, `A...B`: see revisions.resolve_range)."""
    span = resolve_range(spec)
    before = read_at_revision(span.old, paths)
    if span.new is None:  # the work tree
        absent = {path for path in paths if not path.exists()}
        present = [path for path in paths if path not in absent]
        after = {_relative(p): read_checked(p) for p in find_declarations(present)}
        neither = f"在 {span.old.name} 和工作区中都不存在"
    else:
        at_new = read_at_revision(span.new, paths)
        absent, after = set(at_new.absent), at_new.files
        neither = f"在 {span.old.name} 和 {span.new.name} 中都不存在"
    # A path on either side is compared (deleted or added); one on neither is a mistake.
    for path in sorted(before.absent & absent):
        raise UsageError(f"{path.as_posix()}：{neither}")
    return _compare(before.files, after, span.old_label, span.new_label)


def render_report(
    comparison: Comparison,
    output_format: str,
    templates: Path = TEMPLATES,
    own_templates: Path | None = None,
) -> str:
    """The report as Markdown (generator/templates/diff.md.j2) or JSON."""
    if output_format == "json":
        return json.dumps(dataclasses.asdict(comparison), ensure_ascii=False, indent=1) + "\n"
    return Renderer(templates, own_templates).render_markdown("diff.md.j2", c=comparison)


def summary_line(comparison: Comparison) -> str:
    """What changed, counted: items, then declarations added or removed and files renamed
    (each one change too)."""
    s = comparison.summary
    changed = sum(v for k, v in s.items() if k not in ("unchanged", "declarations_unchanged"))
    counted = f"{changed} 处变化：修改 {s['changed']}，新增 {s['added']}，删除 {s['removed']}，"
    counted += f"移动 {s['moved']}，顺序调整 {s['reordered']}，可能改名 {s['renamed']}；"
    counted += f"未变 {s['unchanged']}"
    if comparison.added or comparison.removed:
        counted += f"；申报新增 {len(comparison.added)} 份、删除 {len(comparison.removed)} 份"
    if s["files_renamed"]:
        counted += f"；文件改名 {s['files_renamed']} 个"
    return counted


def _relative(path: Path) -> str:
    """`path` relative to the current folder, as git names the files of a revision."""
    return Path(os.path.relpath(path)).as_posix()


def _read_under(root: Path) -> dict[str, Checked]:
    """The declarations under `root` by their path under it (a file named itself: `.`)."""
    return {p.relative_to(root).as_posix(): read_checked(p) for p in find_declarations([root])}


def _compare(
    before: Mapping[str, Checked],
    after: Mapping[str, Checked],
    old: str,
    new: str,
    pairing: Pairing | None = None,
) -> DiffResult:
    problems = [
        d
        for side in (before, after)
        for item in side.values()
        for d in item.diagnostics
        if is_error(d)
    ]
    if problems:
        return DiffResult(None, tuple(sort_diagnostics(problems)))
    return DiffResult(compare_sets(_models(before), _models(after), old, new, pairing), ())


def _models(checked: Mapping[str, Checked]) -> dict[str, Declaration]:
    return {key: c.declaration for key, c in checked.items() if c.declaration is not None}


def _refuse_other_category(*files: tuple[Path, Mapping[str, Checked]]) -> None:
    """Two files named whose forms are of different categories (a 整体 form and a project):
    a UsageError, as pairing never pairs them either."""
    named = [(path, c.declaration) for path, side in files for c in side.values()]
    forms = [(path, decl.kind) for path, decl in named if decl is not None]
    if len(forms) == 2 and forms[0][1].category != forms[1][1].category:
        (old, old_kind), (new, new_kind) = forms
        raise UsageError(
            f"{old.as_posix()} 是{old_kind.category}表（{old_kind.name}），"
            f"{new.as_posix()} 是{new_kind.category}表（{new_kind.name}）："
            "两种不同的申报表不能相互比较；diff 比较同一种表（整体表与整体表，项目表与项目表）"
        )
