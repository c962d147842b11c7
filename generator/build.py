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
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.cache import FOLDER as CACHE_FOLDER
from generator.cache import ModelCache, digest_tree
from generator.cache import digest as cache_digest
from generator.context import DeclarationContext, declaration_context, index_context
from generator.errors import Diagnostic, sort_diagnostics
from generator.model import Declaration
from generator.render import TEMPLATES, Renderer
from generator.sources import Checked, check_unique_outputs, find_declarations, read_checked
from generator.write import Artifact, Writer

MANIFEST = ".manifest.json"
PARALLEL_FROM = 24  # declarations to render from which a worker pool pays for its start-up
MAX_WORKERS = 8
PACKAGE = Path(__file__).resolve().parent


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
    def ok(self) -> bool:
        return not self.diagnostics


def check(paths: Iterable[Path], cache: ModelCache | None = None) -> Report:
    """Load and validate every declaration under `paths`; write nothing (`cache` only reads
    and remembers)."""
    report = Report()
    read = cache.checked if cache is not None else read_checked
    report.checked = [read(path) for path in find_declarations(paths)]
    report.diagnostics = sort_diagnostics(
        [d for item in report.checked for d in item.diagnostics]
        + check_unique_outputs(report.checked)
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
    declarations = [item.declaration for item in report.checked if item.declaration]
    renderer = Renderer(templates)
    writer = Writer(out)
    artifacts: list[Artifact] = []
    manifest = _read_manifest(out)
    new_manifest: dict[str, str] = {}
    by_year: dict[int, list[tuple[Declaration, str]]] = defaultdict(list)
    contexts: dict[str, DeclarationContext] = {}

    def context_of(decl: Declaration) -> DeclarationContext:
        if decl.source not in contexts:
            contexts[decl.source] = declaration_context(decl)
        return contexts[decl.source]

    stale: list[Declaration] = []
    for decl in declarations:
        digest = cache.digests[decl.source]
        by_year[decl.year].append((decl, digest))
        paths_out = [f"{decl.year}/{decl.slug}{suffix}" for suffix in DECLARATION_SUFFIXES]
        new_manifest.update(dict.fromkeys(paths_out, digest))
        if _up_to_date(out, manifest, paths_out, digest):
            report.skipped += 1
        else:
            stale.append(decl)
    rendered = render_many(renderer, [context_of(d) for d in stale])
    for decl, files in zip(stale, rendered, strict=True):
        for suffix in DECLARATION_SUFFIXES:
            artifacts.append(Artifact(f"{decl.year}/{decl.slug}{suffix}", files[suffix]))

    for year, members in sorted(by_year.items()):
        members.sort(key=lambda pair: pair[0].slug)
        digest = cache_digest(environment, *(f"{d.slug}:{h}".encode() for d, h in members))
        paths_out = [f"{year}/index{suffix}" for suffix in INDEX_SUFFIXES]
        new_manifest.update(dict.fromkeys(paths_out, digest))
        if _up_to_date(out, manifest, paths_out, digest):
            continue
        index = index_context(year, [context_of(d) for d, _ in members])
        files = renderer.index_files(index)
        for suffix in INDEX_SUFFIXES:
            artifacts.append(Artifact(f"{year}/index{suffix}", files[suffix]))

    # Everything is rendered before anything is written: a template error half-way through
    # must not leave a build that is half old, half new.
    artifacts.append(Artifact(MANIFEST, _manifest_bytes({**manifest, **new_manifest})))
    artifacts += [Artifact(path, content) for path, content in cache.entries().items()]
    for artifact in artifacts:
        writer.write(artifact)
    cache.prune()
    report.written = [p for p in writer.written if _is_output(p)]
    report.unchanged = [p for p in writer.unchanged if _is_output(p)]
    return report


def _up_to_date(out: Path, manifest: dict[str, str], paths: list[str], digest: str) -> bool:
    return all(manifest.get(p) == digest and (out / p).is_file() for p in paths)


def render_many(renderer: Renderer, contexts: list[DeclarationContext]) -> list[dict[str, bytes]]:
    """The outputs of each context, in order; on all cores when there are enough to pay for
    starting the workers (each builds its own renderer)."""
    workers = min(int(os.environ.get("GENERATOR_WORKERS", 0)) or os.cpu_count() or 1, MAX_WORKERS)
    if workers < 2 or len(contexts) < PARALLEL_FROM:
        return [renderer.declaration_files(context) for context in contexts]
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(renderer.folder,),
    ) as pool:
        return list(pool.map(_render_in_worker, contexts, chunksize=8))


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
