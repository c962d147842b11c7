"""The `check` and `build` commands, each one function reading top to bottom:
find → load and validate every file → (build only) context → render → write.

Nothing is written unless every declaration is valid. Builds are incremental: a manifest in the
output folder records, for each output, a digest of what it was made from (the declaration's
bytes and the generator's own code and templates); an output whose digest still matches and
that still exists is not rendered again.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.build.cache import FOLDER as CACHE_FOLDER
from generator.build.cache import ModelCache, digest_tree
from generator.build.cache import digest as cache_digest
from generator.build.write import Artifact, Writer
from generator.declaration.model import Declaration
from generator.declaration.sources import (
    Checked,
    check_across_files,
    find_declarations,
    read_checked,
)
from generator.declaration.summary import Summary
from generator.errors import Diagnostic, is_error, sort_diagnostics
from generator.render.context import DeclarationContext, declaration_context, index_context
from generator.render.templates import TEMPLATES, Renderer

MANIFEST = ".manifest.json"
PARALLEL_FROM = 24  # declarations to render from which a worker pool pays for its start-up
MAX_WORKERS = 8
CHUNK = 64  # declarations handed to the workers at a time
PACKAGE = Path(__file__).resolve().parents[1]


# The files made for each declaration and for each year's index (see Renderer).
DECLARATION_SUFFIXES = (".md", ".docx", ".xlsx")
INDEX_SUFFIXES = (".md", ".xlsx")


@dataclass
class Report:
    """What a command found and did."""

    checked: list[Checked] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: int = 0  # declarations whose outputs were already up to date

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if is_error(d)]

    @property
    def warnings(self) -> list[Diagnostic]:
        """What was read but looks wrong (W…): printed, not blocking."""
        return [d for d in self.diagnostics if not is_error(d)]

    @property
    def ok(self) -> bool:
        return not self.errors


def check(paths: Iterable[Path], cache: ModelCache | None = None) -> Report:
    """Load and validate every declaration under `paths`; write nothing (`cache` only reads
    and remembers)."""
    report = Report()
    read = cache.checked if cache is not None else read_checked
    report.checked = [read(path) for path in find_declarations(paths)]
    report.diagnostics = sort_diagnostics(
        [d for item in report.checked for d in item.diagnostics]
        + check_across_files(report.checked)
    )
    return report


def build(paths: Iterable[Path], out: Path, templates: Path = TEMPLATES) -> Report:
    """Validate every declaration under `paths` and, when all are valid, write their outputs
    to `out/<year>/` with an index per year."""
    environment = digest_tree([PACKAGE, templates])
    cache = ModelCache(out, environment)
    report = check(paths, cache)
    if not report.ok:
        return report
    renderer = Renderer(templates)
    writer = Writer(out)
    manifest = _read_manifest(out)
    new_manifest: dict[str, str] = {}
    by_year: dict[int, list[tuple[Summary, str]]] = defaultdict(list)
    stale: list[Checked] = []
    for item in report.checked:
        summary = item.summary
        assert summary is not None
        digest = cache.digests[summary.source]
        by_year[summary.year].append((summary, digest))
        paths_out = [f"{summary.year}/{summary.slug}{suffix}" for suffix in DECLARATION_SUFFIXES]
        new_manifest.update(dict.fromkeys(paths_out, digest))
        if _up_to_date(out, manifest, paths_out, digest):
            report.skipped += 1
        else:
            stale.append(item)
    # Every file is staged (written beside its target) and all take their places together at
    # the end: a template error half-way leaves the earlier build as it was.
    try:
        models = [_model(item) for item in stale]
        for decl, files in zip(models, render_many(renderer, models), strict=True):
            for suffix in DECLARATION_SUFFIXES:
                writer.stage(Artifact(f"{decl.year}/{decl.slug}{suffix}", files[suffix]))
        for year, members in sorted(by_year.items()):
            members.sort(key=lambda pair: pair[0].slug)
            digest = cache_digest(environment, *(f"{s.slug}:{h}".encode() for s, h in members))
            paths_out = [f"{year}/index{suffix}" for suffix in INDEX_SUFFIXES]
            new_manifest.update(dict.fromkeys(paths_out, digest))
            if _up_to_date(out, manifest, paths_out, digest):
                continue
            files = renderer.index_files(index_context(year, [s for s, _ in members]))
            for suffix in INDEX_SUFFIXES:
                writer.stage(Artifact(f"{year}/index{suffix}", files[suffix]))
        writer.stage(Artifact(MANIFEST, _manifest_bytes({**manifest, **new_manifest})))
        for path, content in cache.entries():
            writer.stage(Artifact(path, content))
    except BaseException:
        writer.abort()
        raise
    writer.commit()
    cache.prune()
    report.written = [p for p in writer.written if _is_output(p)]
    report.unchanged = [p for p in writer.unchanged if _is_output(p)]
    return report


def _model(item: Checked) -> Declaration:
    """The full model of a checked declaration, read again if the cache gave only its summary."""
    if item.declaration is not None:
        return item.declaration
    declaration = read_checked(item.path).declaration
    assert declaration is not None
    return declaration


def _up_to_date(out: Path, manifest: dict[str, str], paths: list[str], digest: str) -> bool:
    return all(manifest.get(p) == digest and (out / p).is_file() for p in paths)


def render_many(renderer: Renderer, declarations: list[Declaration]) -> Iterator[dict[str, bytes]]:
    """The outputs of each declaration, in order, a chunk at a time (so that memory does not
    grow with the corpus); on all cores when there are enough to pay for starting the workers,
    each of which builds its own renderer."""
    workers = min(int(os.environ.get("GENERATOR_WORKERS", 0)) or os.cpu_count() or 1, MAX_WORKERS)
    if workers < 2 or len(declarations) < PARALLEL_FROM:
        for decl in declarations:
            yield renderer.declaration_files(declaration_context(decl))
        return
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(renderer.folder,),
    ) as pool:
        for start in range(0, len(declarations), CHUNK):
            contexts = [declaration_context(d) for d in declarations[start : start + CHUNK]]
            yield from pool.map(_render_in_worker, contexts, chunksize=4)


_worker_renderer: Renderer | None = None


def _start_worker(templates: Path) -> None:
    global _worker_renderer
    _worker_renderer = Renderer(templates)


def _render_in_worker(context: DeclarationContext) -> dict[str, bytes]:
    assert _worker_renderer is not None
    return _worker_renderer.declaration_files(context)


def _is_output(path: str) -> bool:
    return path != MANIFEST and not path.startswith(f"{CACHE_FOLDER}/")


def _read_manifest(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _manifest_bytes(manifest: dict[str, str]) -> bytes:
    return (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
