"""The `check` and `build` commands, each one function reading top to bottom:
find → load and validate every file → (build only) context → render → write.

Nothing is written unless every declaration is valid. Each declaration is read once: the bytes
that were validated are the bytes rendered and digested. Builds are incremental: the manifest in
the output folder (generator/manifest.py) records, for each output, a digest of what it was made
from (the declaration's bytes and the environment: the generator's code and templates,
SOURCE_DATE_EPOCH, the libraries' versions); an output whose digest still matches and that still
exists is not rendered again.

The build owns the output folder's files that its manifest lists, and only those: a file of
someone else's at an output's name is never replaced. A build over PATHs answers for the
declarations under them: the outputs of one that is gone (deleted, renamed, moved to another
year) are removed; declarations built earlier from elsewhere keep their outputs while their
files exist, and each year's index lists every declaration the manifest knows in that year,
as OUT/index.html lists every year. The pages link to each other (generator/render/
navigation.py): when what a page links to changes, the page is made again, a declaration's
built earlier from elsewhere too (read again from its file, when that is as it was built).
The checks across files (one department, one file name per year) cover those too. An output
changed since it was written (saved in Excel) is made again. One build at a time writes into
an output folder (generator/build/lock.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
from collections import defaultdict, deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.build.cache import (
    ENTRY,
    FOLDER,
    ModelCache,
    digest,
    entry_path,
    environment_digest,
)
from generator.build.lock import output_lock
from generator.build.manifest import NAME as MANIFEST
from generator.build.manifest import Made, Manifest, manifest_bytes, read_manifest
from generator.build.pdf import SUFFIX as PDF
from generator.build.pdf import Prints, office_program
from generator.build.report import Report, check
from generator.build.write import Artifact, Writer
from generator.declaration.filing import Filing, filings
from generator.declaration.model import Declaration
from generator.declaration.sources import (
    Checked,
    UsageError,
    check_across_files,
    read_checked,
    resolved,
    shown_path,
)
from generator.declaration.summary import Summary
from generator.errors import Diagnostic, sort_diagnostics
from generator.render import TEMPLATES
from generator.render.navigation import INDEX, PageLinks, Site

if TYPE_CHECKING:
    from generator.render.context import DeclarationContext
    from generator.render.templates import Renderer

PARALLEL_FROM = 24  # declarations to render from which a worker pool pays for its start-up
MAX_WORKERS = 8
WORKERS = "GENERATOR_WORKERS"  # the environment variable that sets the number of workers
START_METHOD = "GENERATOR_START_METHOD"  # …and the one that says how they start: fork, spawn
PACKAGE = Path(__file__).resolve().parents[1]  # the generator: its code, data and kinds


# The files made for each declaration and for each year's index (see Renderer). A
# declaration's page links those of its files the manifest lists when the links are worked
# out (render/navigation.py FILE_LABELS); the PDF it will have is recorded there before
# (Prints.expect), so a page links its PDF exactly when the build leaves one beside it.
DECLARATION_SUFFIXES = (".md", ".docx", ".xlsx", ".html")
INDEX_SUFFIXES = (".md", ".xlsx", ".html")
DEPARTMENT_SUFFIXES = (".md", ".html")  # a department's page, beside its projects' outputs
PAGE = ".html"  # of a declaration's outputs, the one that links the others (and other pages)


def build(
    paths: Iterable[Path],
    out: Path,
    templates: Path = TEMPLATES,
    waiting: Callable[[str], None] | None = None,
    own_templates: Path | None = None,
    pdf: bool = False,
) -> Report:
    """Validate every declaration under `paths` and, when all are valid, write their outputs
    to `out/<year>/` with an index per year, and remove the outputs of declarations that are
    gone. `waiting` is told when another build holds `out` and this one waits for it.
    `own_templates`: a folder whose files replace the templates of the same name. `pdf`:
    each form's PDF too, by LibreOffice (generator/build/pdf.py)."""
    paths = list(paths)
    program = office_program() if pdf else None  # before anything is read: how to install it
    workers = worker_count()
    method = start_method()
    own = [] if own_templates is None else [own_templates]
    environment = environment_digest([PACKAGE, templates, *own])
    cache = ModelCache(out, environment)
    try:
        # a department is built whole: its page and coverage come from all its forms as they are
        report = check(paths, cache, departments=True)
        if not report.ok:
            return report
        with output_lock(out, waiting) as notes, Prints(out, report, program) as prints:
            report.notes += notes
            renderer = OnDemand(templates, own_templates)
            locked = (workers, method), prints
            _build_locked(report, cache, paths, out, renderer, environment, *locked)
        return report
    finally:
        cache.close()


def _build_locked(
    report: Report,
    cache: ModelCache,
    paths: list[Path],
    out: Path,
    renderer: OnDemand,
    environment: str,
    workers: tuple[int, str],
    prints: Prints,
) -> None:
    """The rest of `build`, while it holds the output folder's lock; `prints` keeps, converts
    or removes the forms' PDFs."""
    previous = read_manifest(out)
    # Only files the manifest lists are replaced; the manifest itself and the cache are ours.
    writer = Writer(out, owns=lambda path: path in previous.files or not _is_output(path))
    _sweep_staging(writer)  # what a build killed before its commit left
    manifest, report.gone = _carried(previous, [p.resolve() for p in paths], report.checked)
    prints.previous, prints.manifest = previous, manifest
    summaries: dict[str, Summary] = {}
    report.notes += _summaries_of_others(cache, manifest, summaries, out)
    if summaries:  # the checks across files, with the declarations built earlier
        report.diagnostics = _checked_with_others(report.checked, manifest, summaries)
        if not report.ok:
            report.gone = []
            return
    stale: list[Checked] = []
    built: dict[str, Checked] = {}
    for item in report.checked:
        summary = item.summary
        assert summary is not None
        key = f"{summary.year}/{summary.slug}"
        made = Made(summary.source, resolved(item.path).as_posix(), cache.digests[summary.source])
        manifest.declarations[key] = made
        summaries[key] = summary
        manifest.files.update(dict.fromkeys(_outputs(key), made.digest))
        built[key] = item
        prints.expect(key)
    # Every page's links, from every declaration of the folder and the files made for each;
    # a declaration's page is made from its declaration and its links.
    site = Site(summaries, manifest.files)
    for key in built:  # the links are worked out again when the page is made (few are)
        _record_links(site, manifest, key)
    for key, item in built.items():
        if _up_to_date(out, previous, manifest, _outputs(key), report):
            report.skipped += 1
            cache.release(item)  # not rendered: its bytes are not needed
            prints.kept(key)
        else:
            stale.append(item)
    stale += _relinked(site, previous, manifest, built, report, (out, environment))
    # The models are read again one at a time as they are rendered, from the bytes read
    # then (never from the file as it is now), so that memory does not grow with the corpus;
    # a cache hit's diagnostics count like any other, and one with errors stops the build.
    found: list[Diagnostic] = []

    def models() -> Iterator[Declaration]:
        for item in stale:
            again = cache.reread(item)
            found.extend(again.diagnostics)
            if not again.ok or again.declaration is None:
                raise _Invalid
            yield again.declaration

    # Every file is staged (written beside its target) and all take their places together at
    # the end: a template error or an interrupt half-way leaves the earlier build as it was.
    try:
        # The pages made from summaries first, while the build holds least (a year's index
        # of thousands of rows is the largest thing a build makes at once).
        pages = _Pages(writer, renderer, environment, out, previous, manifest, report)
        _stage_indexes(pages, summaries, site)
        _stage_departments(pages, summaries, site)
        _stage_years_page(pages, summaries, site)
        count = len(stale)
        drawing = renderer.get() if count else None
        rendering = render_many(drawing, models(), *workers, count, site.declaration)
        with closing(rendering) as rendered:
            for decl, files in rendered:
                for suffix in DECLARATION_SUFFIXES:
                    _stage_output(writer, manifest, f"{decl.year}/{decl.slug}{suffix}", files)
                prints.rendered(f"{decl.year}/{decl.slug}", files[".docx"])
        prints.stage(writer)  # one LibreOffice for every PDF to make (with --pdf)
        _stage_cache(writer, cache, previous, manifest)
        for path in sorted(previous.files.keys() - manifest.files.keys()):
            writer.stage_removal(path)  # made by an earlier build, and made no longer
        # last: see Writer.commit
        writer.stage(Artifact(MANIFEST, manifest_bytes(manifest, out)))
    except _Invalid:
        writer.abort()
        report.diagnostics = sort_diagnostics(report.diagnostics + found)
        report.gone = []
        return
    except BaseException:
        writer.abort()
        raise
    report.diagnostics = sort_diagnostics(report.diagnostics + found)
    writer.commit()
    _remove_empty_years(out, writer.removed)
    report.written = [p for p in writer.written if _is_output(p)]
    report.unchanged = [p for p in writer.unchanged if _is_output(p)]
    report.removed = [p for p in writer.removed if _is_output(p)]


def _outputs(key: str) -> list[str]:
    """The outputs of the declaration `key` (<年度>/<slug>)."""
    return [f"{key}{suffix}" for suffix in DECLARATION_SUFFIXES]


def _record_links(site: Site, manifest: Manifest, key: str) -> None:
    """Record the links of the page of declaration `key` in what its page is made from (they
    are worked out again when the page is made, from the same manifest)."""
    links = site.declaration(key)
    manifest.files[f"{key}{PAGE}"] = digest(manifest.declarations[key].digest, links.text())


def _relinked(
    site: Site,
    previous: Manifest,
    manifest: Manifest,
    built: Mapping[str, Checked],
    report: Report,
    where: tuple[Path, str],
) -> list[Checked]:
    """The declarations built earlier from elsewhere whose pages' links changed (a year or a
    department built now that they link to): read again from their files, to be made again
    with the others, when those are as they were built; else their pages stay as they are,
    and are said to."""
    out, environment = where
    again = []
    for key, made in sorted(manifest.declarations.items()):
        page = f"{key}{PAGE}"
        if key in built or key not in site.summaries or page not in manifest.files:
            continue
        _record_links(site, manifest, key)
        if previous.files.get(page) == manifest.files[page]:
            continue
        item = _read_again(made, environment)
        if item is None:
            manifest.files[page] = previous.files[page]  # made again by the next build
            report.notes.append(
                f"{out / page}：其他申报有变，此页的链接未能更新（这次没有构建 "
                f"{_shown_source(made)}，它或生成器在上次构建之后有变）；"
                "完整构建一次即可：make build"
            )
        else:
            again.append(item)
    return again


def _read_again(made: Made, environment: str) -> Checked | None:
    """The declaration `made` read from its file, if that holds what it was built from (the
    same bytes, in the same environment) and is valid; else None."""
    try:
        data = Path(made.path).read_bytes()
    except OSError:
        return None
    if digest(environment, made.source, data) != made.digest:
        return None
    checked = read_checked(Path(made.source), data)
    if not checked.ok or checked.declaration is None:
        return None
    return dataclasses.replace(checked, diagnostics=())  # said when it was built


def _stage_output(writer: Writer, manifest: Manifest, path: str, files: dict[str, bytes]) -> None:
    """Stage the output `path` from `files` (by suffix), and record its bytes' digest."""
    content = files[path[path.rindex(".") :]]
    writer.stage(Artifact(path, content))
    manifest.sums[path] = hashlib.sha256(content).hexdigest()


def _carried(
    previous: Manifest, scope: list[Path], checked: list[Checked]
) -> tuple[Manifest, list[tuple[str, str]]]:
    """What `previous` records of declarations built from sources outside `scope` whose files
    are still there (they stay as they are), and the (source, key) of those that are gone: a
    source under `scope` is either built again now or gone, and one outside whose file is no
    longer there is gone too."""
    manifest = Manifest()
    gone = []
    built = {resolved(item.path) for item in checked}
    for key, made in previous.declarations.items():
        if Path(made.path) in built:
            continue
        if any(Path(made.path).is_relative_to(folder) for folder in scope) or not (
            Path(made.path).is_file()
        ):
            gone.append((_shown_source(made), key))
            continue
        manifest.declarations[key] = made
        for suffix in (*DECLARATION_SUFFIXES, PDF):
            if f"{key}{suffix}" in previous.files:
                manifest.files[f"{key}{suffix}"] = previous.files[f"{key}{suffix}"]
                if f"{key}{suffix}" in previous.sums:
                    manifest.sums[f"{key}{suffix}"] = previous.sums[f"{key}{suffix}"]
        if entry_path(made.digest) in previous.files:
            manifest.files[entry_path(made.digest)] = made.digest
    return manifest, sorted(gone, key=lambda pair: pair[1])


def _shown_source(made: Made) -> str:
    """A recorded source as the user named it, if that still names the same file; else its
    whole path."""
    if Path(os.path.abspath(made.source)) == Path(made.path):
        return made.source
    try:
        if Path(made.source).resolve() == Path(made.path):
            return made.source
    except OSError:
        pass
    return made.path


def _checked_with_others(
    checked: list[Checked], manifest: Manifest, summaries: dict[str, Summary]
) -> list[Diagnostic]:
    """The diagnostics of `checked`, with the checks across files run on them together with
    the declarations built earlier from elsewhere (`summaries` of the manifest's records):
    those are reported on this build's files, naming the other file."""
    others = []
    for key, summary in summaries.items():
        shown = shown_path(Path(_shown_source(manifest.declarations[key])))
        located = dataclasses.replace(summary.name_at, file=shown)
        others.append(Checked(Path(shown), None, (), dataclasses.replace(summary, name_at=located)))
    names = {item.path.as_posix() for item in others}
    across = check_across_files([*others, *checked])
    return sort_diagnostics(
        [d for item in checked for d in item.diagnostics]
        + [d for d in across if d.location.file not in names]
    )


def _summaries_of_others(
    cache: ModelCache, manifest: Manifest, summaries: dict[str, Summary], out: Path
) -> list[str]:
    """Add to `summaries` those of the declarations built earlier from sources outside this
    build's PATHs, from the cache; returns a warning for each that cannot be had."""
    warnings = []
    for key, made in sorted(manifest.declarations.items()):
        if key in summaries:
            continue
        summary = cache.summary(made.digest, made.source)
        if summary is not None and f"{summary.year}/{summary.slug}" == key:
            summaries[key] = summary
        else:
            warnings.append(
                f"{out / key}.*：摘要缓存不可读，{key.split('/')[0]} 年度汇总中未列入"
                "（完整构建一次即可恢复：make build）"
            )
    return warnings


def _stage_cache(writer: Writer, cache: ModelCache, previous: Manifest, manifest: Manifest) -> None:
    """Stage the cache entries of the summaries read afresh, and record them; entries read
    stay as they are, and stay recorded if they were (the manifest lists only what the build
    wrote)."""
    for key, content in cache.entries():
        writer.stage(Artifact(entry_path(key), content))
        manifest.files[entry_path(key)] = key
    for key in cache.hits:
        if previous.files.get(entry_path(key)) == key:
            manifest.files[entry_path(key)] = key


@dataclass
class _Pages:
    """Stages the pages made from summaries (the years' indexes, the departments' pages),
    each only when what it is made from changed or it was changed by hand."""

    writer: Writer
    renderer: OnDemand
    environment: str
    out: Path
    previous: Manifest
    manifest: Manifest
    report: Report

    def stage(
        self,
        outputs: list[str],
        members: list[tuple[Summary, str]],
        files: Callable[[Renderer], Iterator[tuple[str, bytes]]],
        links: PageLinks | None = None,
    ) -> None:
        """Stage `outputs`, made by `files` from `members` (each summary with the digest of
        its declaration) and the `links` of its page, unless they are up to date. `files`
        gives them (suffix, bytes) one at a time, in the order of `outputs`: each is staged,
        and let go, before the next is made."""
        made_from = digest(
            self.environment,
            *(f"{s.slug}:{h}".encode() for s, h in members),
            links.text() if links is not None else "",
        )
        self.manifest.files.update(dict.fromkeys(outputs, made_from))
        if _up_to_date(self.out, self.previous, self.manifest, outputs, self.report):
            return
        rendered = files(self.renderer.get())
        for path in outputs:
            suffix, content = next(rendered)
            assert path.endswith(suffix)
            _stage_output(self.writer, self.manifest, path, {suffix: content})
            del content


def _stage_indexes(pages: _Pages, summaries: dict[str, Summary], site: Site) -> None:
    """Stage the index of every year the manifest knows, from the summaries of all of its
    declarations (not only those of this build)."""
    by_year: dict[int, list[tuple[Summary, str]]] = defaultdict(list)
    for key, summary in summaries.items():
        by_year[summary.year].append((summary, pages.manifest.declarations[key].digest))
    for year, members in sorted(by_year.items()):
        members.sort(key=lambda pair: pair[0].slug)
        outputs = [f"{year}/index{suffix}" for suffix in INDEX_SUFFIXES]
        links = site.index(year)
        files = partial(_index_files, year, [s for s, _ in members], links)
        pages.stage(outputs, members, files, links)


def _stage_departments(pages: _Pages, summaries: dict[str, Summary], site: Site) -> None:
    """Stage the page of every department with project forms (build/<年度>/<部门>/index.md),
    made from the summaries of its 整体 form and its projects."""
    made = {s.source: pages.manifest.declarations[key].digest for key, s in summaries.items()}
    for filing in filings(summaries.values()):
        if not filing.projects:  # the year's index says that it has none
            continue
        forms = [filing.whole] if filing.whole is not None else []
        members = [(s, made[s.source]) for s in [*forms, *filing.projects]]
        outputs = [f"{filing.year}/{filing.slug}/index{suffix}" for suffix in DEPARTMENT_SUFFIXES]
        links = site.department(filing.year, filing.slug)
        pages.stage(outputs, members, partial(_department_files, filing, links), links)


def _stage_years_page(pages: _Pages, summaries: dict[str, Summary], site: Site) -> None:
    """Stage OUT/index.html, the page of every year, when there are declarations (else the
    one made earlier is removed with the other outputs made no longer)."""
    if summaries:
        members = [
            (s, pages.manifest.declarations[key].digest) for key, s in site.summaries.items()
        ]
        pages.stage([INDEX], members, partial(_years_files, site))


def _index_files(
    year: int, summaries: list[Summary], links: PageLinks, renderer: Renderer
) -> Iterator[tuple[str, bytes]]:
    from generator.render.context import index_context

    yield from renderer.index_outputs(index_context(year, summaries), links)


def _department_files(
    filing: Filing, links: PageLinks, renderer: Renderer
) -> Iterator[tuple[str, bytes]]:
    from generator.render.department import department_context

    yield from renderer.department_outputs(department_context(filing), links)


def _years_files(site: Site, renderer: Renderer) -> Iterator[tuple[str, bytes]]:
    yield PAGE, renderer.years_page(site.context())


def _up_to_date(
    out: Path, previous: Manifest, manifest: Manifest, paths: list[str], report: Report
) -> bool:
    """Whether the outputs `paths` were made from what the manifest says they are made from
    now and are still as they were written (their bytes', not their times'); counts them as
    kept, or notes each one changed by hand."""
    if not all(previous.files.get(p) == manifest.files[p] for p in paths):
        return False
    current = True
    for path in paths:
        recorded = previous.sums.get(path)
        try:
            found = hashlib.sha256((out / path).read_bytes()).hexdigest()
        except OSError:  # gone (or not a file): made again
            current = False
            continue
        if found != recorded:
            current = False
            if recorded is not None:
                report.notes.append(
                    f"{out / path} 在上次构建之后被改过（例如在 Excel、WPS 或 Word 中保存过），"
                    "已按申报重新生成；要改内容请改申报的 YAML 文件"
                )
    if current:
        report.kept += len(paths)
        manifest.sums.update({p: previous.sums[p] for p in paths})
    return current


def worker_count() -> int:
    """How many processes render: GENERATOR_WORKERS, or 0 (its default) for one per core, at
    most MAX_WORKERS. A UsageError names the variable when its value is not a whole number."""
    value = os.environ.get(WORKERS, "").strip()
    if value and not (value.isascii() and value.isdigit()):
        raise UsageError(
            f"环境变量 {WORKERS} 的值“{os.environ[WORKERS]}”无效：应为 0（按 CPU 核数，默认）"
            "或正整数（渲染进程数，1 表示不并行）"
        )
    return min(int(value or 0) or os.cpu_count() or 1, MAX_WORKERS)


class OnDemand:
    """The renderer of a build, made (and the rendering code and its libraries loaded) the
    first time something is rendered: a build with nothing to render loads none of it."""

    def __init__(self, templates: Path, own: Path | None = None) -> None:
        self.templates = templates
        self.own = own
        self._renderer: Renderer | None = None

    def get(self) -> Renderer:
        if self._renderer is None:
            from generator.render.templates import Renderer

            self._renderer = Renderer(self.templates, self.own)
        return self._renderer


def start_method() -> str:
    """How worker processes start: GENERATOR_START_METHOD (fork or spawn), or the platform's
    default (generator/build/pool.py). A UsageError names the variable when this platform
    cannot start them so."""
    from generator.build import pool

    value = os.environ.get(START_METHOD, "").strip()
    if value and value not in pool.methods():
        raise UsageError(
            f"环境变量 {START_METHOD} 的值“{os.environ[START_METHOD]}”无效：这里可用"
            f"{'、'.join(pool.methods())}（不设则为 {pool.default_method()}）"
        )
    return value or pool.default_method()


class _Invalid(Exception):
    """A declaration read again for rendering has errors (a cache entry that was wrong)."""


def render_many(
    renderer: Renderer | None,
    declarations: Iterable[Declaration],
    workers: int,
    method: str = "",
    count: int = 0,
    links: Callable[[str], PageLinks] | None = None,
) -> Generator[tuple[Declaration, dict[str, bytes]], None, None]:
    """Each declaration with its outputs, in order, a few at a time (so that memory does not
    grow with the corpus: `declarations` is read as it goes; `count` says how many there
    are); on `workers` processes started by `method` (default: the platform's) when there
    are enough declarations to pay for starting them (generator/pool.py). `links`: the links
    of each one's page, by its key (<年度>/<slug>)."""
    if renderer is None or not count:
        return
    from generator.build import pool
    from generator.render.context import declaration_context
    from generator.render.templates import render_declaration

    def context(decl: Declaration) -> DeclarationContext:
        linked = links(f"{decl.year}/{decl.slug}") if links is not None else None
        return dataclasses.replace(declaration_context(decl), links=linked)

    method = method or pool.default_method()
    if workers < 2 or count < PARALLEL_FROM or not pool.available(method):
        for decl in declarations:
            yield decl, render_declaration(renderer, context(decl))
        return
    pending: deque[Declaration] = deque()  # sent to the workers, outputs not yet back

    def contexts() -> Iterator[DeclarationContext]:
        for decl in declarations:
            pending.append(decl)
            yield context(decl)

    if method == "fork":
        # The writers (and the libraries they load) are made before the workers are forked,
        # which then share them instead of each making its own.
        _ = (renderer.docx, renderer.xlsx)
    # Spawned workers unpickle the renderer as its folders (Renderer.__reduce__) and import
    # only generator.render.templates and what it imports.
    with pool.Pool(workers, partial(render_declaration, renderer), method) as workers_pool:
        for files in workers_pool.imap(contexts()):
            yield pending.popleft(), files


def _sweep_staging(writer: Writer) -> None:
    """Remove staging files of our own names from the output folder and its year and cache
    folders (never below, never any other name)."""
    writer.sweep(".", lambda name: name in (MANIFEST, INDEX))
    writer.sweep(FOLDER, lambda name: ENTRY.fullmatch(name) is not None)
    if writer.root.is_dir():
        for folder in sorted(writer.root.iterdir()):
            if folder.name.isascii() and folder.name.isdigit() and folder.is_dir():
                writer.sweep(folder.name, lambda name: name.endswith((*DECLARATION_SUFFIXES, PDF)))
                for department in sorted(folder.iterdir()):  # projects' outputs
                    if department.is_dir() and not department.is_symlink():
                        writer.sweep(
                            f"{folder.name}/{department.name}",
                            lambda name: name.endswith((*DECLARATION_SUFFIXES, PDF)),
                        )


def _remove_empty_years(out: Path, removed: list[str]) -> None:
    """Remove the department folders, then the year folders, that removing outputs left
    empty."""
    departments = {path.rsplit("/", 1)[0] for path in removed if path.count("/") == 2}
    for department in sorted(departments):
        folder = out / department
        if folder.is_dir() and not folder.is_symlink():
            with contextlib.suppress(OSError):  # not empty: something else is in it
                folder.rmdir()
    for year in sorted({path.split("/")[0] for path in removed if "/" in path}):
        folder = out / year
        if year.isdigit() and folder.is_dir() and not folder.is_symlink():
            with contextlib.suppress(OSError):  # not empty: something else is in it
                folder.rmdir()


def _is_output(path: str) -> bool:
    return path != MANIFEST and not path.startswith(f"{FOLDER}/")
