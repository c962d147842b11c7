"""The `bench` command: how fast the pipeline is, on a synthetic corpus in a temporary folder.

A corpus shaped like a real declaration (the first 整体 form under declarations/, or --shape:
its texts, budget, 一级/二级 and targets), with varied indicator counts, each department with
project forms shaped like the first example project of that year under examples/ (or
--project-shape; as many as fit in the department's 项目支出, at most PROJECTS), and single
declarations of 100, 500 and 2,000 indicators are generated, never written into declarations/.
Reported: per-declaration median time of each stage, the whole build's throughput, peak memory,
the scaling from 100 to 2,000 indicators, and our time against plain baselines (docxtpl,
row-by-row openpyxl, a bare Jinja render) on the same data; the wall time of the whole `check`
command on the shape file against a bare `yaml.safe_load` of it in a fresh interpreter (what an
editor or a pre-commit hook waits for); and, with `large`, a corpus of that many declarations
(a province's year) built as whole commands: clean, then again with nothing changed, with the
peak memory of the build process.

A `work` folder given to keep the corpus must be new, empty, or one bench made before (it
holds bench's mark, MARK): what bench made there is then replaced. A folder of anyone else's is
refused, so that bench never overwrites or builds files it did not make.
"""

from __future__ import annotations

import dataclasses
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path

from generator.authoring.emit import emit_declaration
from generator.build.build import build
from generator.build.write import Artifact, Writer
from generator.declaration.checks import validate
from generator.declaration.load import load_file
from generator.declaration.model import Declaration, Goals, Indicator, Record
from generator.declaration.places import PROJECT, WHOLE
from generator.declaration.read import read_declaration
from generator.declaration.sources import UsageError, find_declarations, read_checked
from generator.kinds.vocabulary import amount_units, in_unit
from generator.render.context import declaration_context
from generator.render.package import build_time
from generator.render.templates import SUMMARY_PAGE, Renderer

DECLARATIONS = Path("declarations")
EXAMPLES = Path("examples")
PROJECTS = 2  # project forms per department in the corpus, when they fit in its 项目支出
MARK = ".budget-bench"  # the file that says bench made a work folder
MADE = (
    "declarations",
    "build",
    "stages",
    "baseline-template.docx",
    "large",
)  # what bench makes in it
STAGES = ("load", "validate", "context", "markdown", "page", "layout", "docx", "xlsx", "write")
OUTPUTS = ("context", "markdown", "page", "layout", "docx", "xlsx")  # all a declaration's files


@dataclass
class BenchReport:
    corpus: int
    shape: str = ""  # the declaration the 整体 forms copy
    project_shape: str = ""  # the project form the projects copy ("": none in the corpus)
    projects: int = 0  # project forms in the corpus
    stages: dict[str, float] = field(default_factory=dict)  # median seconds per declaration
    baseline: dict[str, float] = field(default_factory=dict)  # docx, xlsx, markdown
    build_seconds: float = 0.0
    scaling: dict[int, float] = field(default_factory=dict)  # indicators → seconds, all outputs
    peak_rss_mb: float = 0.0
    check_seconds: float = 0.0  # the whole `check` command of the shape file, wall
    yaml_seconds: float = 0.0  # a fresh interpreter loading the shape file with yaml.safe_load
    large: LargeRun | None = None

    @property
    def outputs_median(self) -> float:
        return sum(self.stages[s] for s in OUTPUTS)

    def table(self) -> str:
        ms = 1000.0
        rows = [
            "| stage | median per declaration (ms) | plain baseline (ms) | ours / baseline |",
            "|---|--:|--:|--:|",
        ]
        for stage in STAGES:
            ours = self.stages[stage] * ms
            base = self.baseline.get(stage)
            if base:
                rows.append(
                    f"| {stage} | {ours:.2f} | {base * ms:.2f} | {ours / (base * ms):.2f} |"
                )
            else:
                rows.append(f"| {stage} | {ours:.2f} | | |")
        plain = sum(self.baseline.values()) * ms
        total = self.outputs_median * ms
        rows.append(
            "| **all outputs** (context, Markdown, HTML page, layout, DOCX, XLSX) "
            f"| {total:.2f} | {plain:.2f} | {total / plain:.2f} |"
        )
        declarations = self.corpus + self.projects
        projects = (
            f"{self.projects} project forms shaped like {self.project_shape}"
            if self.project_shape
            else "no project forms (no example project of the year to copy)"
        )
        lines = [
            f"corpus: {self.corpus} 整体 forms shaped like {self.shape}, {projects}",
            "",
            "\n".join(rows),
            "",
            f"- build of {declarations} declarations (clean, in-process): "
            f"{self.build_seconds:.2f} s, {declarations / self.build_seconds:.0f} declarations/s",
        ]
        if self.scaling:
            smallest = min(self.scaling)
            steps = ", ".join(f"{n} → {t * ms:.0f} ms" for n, t in sorted(self.scaling.items()))
            largest = max(self.scaling)
            ratio = self.scaling[largest] / self.scaling[smallest]
            lines.append(
                f"- scaling, all outputs of one declaration: {steps} "
                f"({largest // smallest}× the indicators: {ratio:.1f}× the time)"
            )
        lines.append(f"- peak RSS: {self.peak_rss_mb:.0f} MB")
        if self.check_seconds:
            lines.append(
                f"- `check` of {self.shape} (whole command, wall, median of {LATENCY_RUNS}): "
                f"{self.check_seconds * ms:.0f} ms; a bare yaml.safe_load of it in a fresh "
                f"interpreter: {self.yaml_seconds * ms:.0f} ms "
                f"({self.check_seconds / self.yaml_seconds:.1f}×)"
            )
        if self.large is not None:
            large = self.large
            lines.append(
                f"- large corpus, {large.declarations} declarations ({large.departments} "
                f"departments with their projects), whole `build` commands: clean "
                f"{large.clean_seconds:.1f} s, nothing changed {large.unchanged_seconds:.2f} s, "
                f"peak RSS of the build process {large.peak_rss_mb:.0f} MB"
            )
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class LargeRun:
    departments: int
    declarations: int
    clean_seconds: float
    unchanged_seconds: float
    peak_rss_mb: float


def run_bench(
    corpus: int = 200,
    sizes: tuple[int, ...] = (100, 500, 2000),
    work: Path | None = None,
    shape: Path | None = None,
    project_shape: Path | None = None,
    large: int = 0,
) -> BenchReport:
    """Generate the corpus under `work` (a new temporary folder by default), shaped like the
    declaration `shape` (by default the first 整体 form under declarations/) with projects
    shaped like `project_shape` (by default the first example project of the same year), and
    measure; with `large`, also build a corpus of that many declarations as whole commands."""
    seed = _template(shape, DECLARATIONS, WHOLE, None)
    assert seed is not None  # required: a UsageError otherwise
    project = _template(project_shape, EXAMPLES, PROJECT, seed.year, required=bool(project_shape))
    with tempfile.TemporaryDirectory(prefix="bench-") as temporary:
        root = work or Path(temporary)
        _prepare(root)
        folder = root / "declarations" / str(seed.year)
        folder.mkdir(parents=True, exist_ok=True)
        rng = random.Random(2023)
        report = BenchReport(corpus, seed.source, project.source if project else "")
        paths = _corpus(folder, seed, project, corpus, rng)
        report.projects = len(paths) - corpus
        report.stages, report.baseline = _stages(paths, root)
        started = time.perf_counter()
        result = build([root / "declarations"], root / "build")
        report.build_seconds = time.perf_counter() - started
        assert result.ok, result.diagnostics[:3]
        renderer = Renderer()
        for size in sizes:
            big = declaration_context(synthetic(seed, size, random.Random(size), f"size-{size}"))
            report.scaling[size] = _median(partial(renderer.declaration_files, big), 3)
        report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        report.check_seconds, report.yaml_seconds = _check_latency(Path(seed.source))
        if large:
            report.large = _large_run(root / "large", seed, project, large)
        return report


LATENCY_RUNS = 9


def _corpus(
    folder: Path,
    seed: Declaration,
    project: Declaration | None,
    departments: int,
    rng: random.Random,
    limit: int | None = None,
) -> list[Path]:
    """`departments` 整体 forms shaped like `seed` in `folder`, each with its projects (as many
    as fit, at most PROJECTS) in its own folder; at most `limit` files in all."""
    paths: list[Path] = []
    for number in range(departments):
        slug = f"dept-{number:05d}"
        decl = synthetic(seed, rng.randint(30, 120), rng, slug)
        paths.append(_emit(folder / f"{slug}.yaml", decl))
        for n in range(_fitting(decl, project)):
            if limit is not None and len(paths) >= limit:
                return paths
            assert project is not None
            item = synthetic(project, rng.randint(10, 40), rng, f"{slug}-{n + 1}")
            item = _named(item, decl.department, f"{slug}-{n + 1}")
            paths.append(_emit(folder / slug / f"项目{n + 1}.yaml", item))
        if limit is not None and len(paths) >= limit:
            return paths
    return paths


def _check_latency(shape: Path) -> tuple[float, float]:
    """The median wall time of `check` of `shape` as a whole command, and of a fresh
    interpreter loading it with yaml.safe_load (each after a run that warms the caches)."""
    check = [sys.executable, "-m", "generator", "check", str(shape)]
    load = f"import yaml; yaml.safe_load(open({str(shape)!r}, encoding='utf-8'))"
    return _command_median(check), _command_median([sys.executable, "-c", load])


def _command_median(argv: list[str], repeat: int = LATENCY_RUNS) -> float:
    subprocess.run(argv, capture_output=True, check=True)  # warm-up
    return _median(lambda: subprocess.run(argv, capture_output=True, check=True), repeat)


def _large_run(
    root: Path, seed: Declaration, project: Declaration | None, declarations: int
) -> LargeRun:
    """`declarations` declarations (departments with their projects) built by whole `build`
    commands: clean, then with nothing changed; the build process's peak RSS."""
    folder = root / "declarations" / str(seed.year)
    # as many departments as it takes (each with the projects that fit) to reach the count
    paths = _corpus(folder, seed, project, declarations, random.Random(10_000), declarations)
    argv = [sys.executable, "-m", "generator", "build", str(root / "declarations")]
    argv += ["--out", str(root / "build")]
    clean = _median(lambda: subprocess.run(argv, capture_output=True, check=True), 1)
    # the largest process waited for so far: the clean build (the check runs are far smaller)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    unchanged = _command_median(argv, 3)
    wholes = sum(1 for path in paths if path.parent == folder)
    return LargeRun(wholes, len(paths), clean, unchanged, peak)


def _template(
    given: Path | None, folder: Path, category: str, year: int | None, required: bool = True
) -> Declaration | None:
    """The valid declaration `given`, or the first of `category` (and `year`) under `folder`;
    a UsageError when there is none and one is `required`."""
    candidates = [given] if given else find_declarations([folder]) if folder.is_dir() else []
    for path in candidates:
        checked = read_checked(path)
        decl = checked.declaration
        ok = checked.ok and decl is not None and decl.kind.category == category
        if ok and decl is not None and (year is None or decl.year == year):
            return decl
    if required:
        raise UsageError(f"bench 需要一份有效的{category}申报作为样板（{given or folder}）")
    return None


def _emit(path: Path, decl: Declaration) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(emit_declaration(decl), encoding="utf-8")
    return path


def _fitting(whole: Declaration, project: Declaration | None) -> int:
    """How many copies of `project` fit in `whole`'s 项目支出 (at most PROJECTS)."""
    if project is None:
        return 0
    expense, funds = whole.role("project_expense"), project.role("project_funds")
    if not isinstance(expense, Decimal) or not isinstance(funds, Decimal) or funds <= 0:
        return PROJECTS
    units = amount_units()
    room = in_unit(expense, whole.amount_unit, units[project.amount_unit])
    return min(PROJECTS, int(room // funds))


def _named(project: Declaration, department: str, slug: str) -> Declaration:
    """`project` as a project of `department`, its name made its own."""
    kind = project.kind
    name_path = kind.role_path("project_name")
    values = dict(project.values)
    values[kind.role_path("department")] = department
    values[name_path] = f"{project.get(name_path)}（{slug}）"
    return dataclasses.replace(project, values=Record(values))


def _prepare(root: Path) -> None:
    """Make `root` a work folder of bench's own: new, empty, or made by bench before (what bench
    made there is removed); a UsageError for anything else."""
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root}：不是文件夹；--work 要给一个新的或空的文件夹")
    if root.is_dir() and any(root.iterdir()) and not (root / MARK).is_file():
        raise UsageError(
            f"{root}：文件夹不是空的，也不是 bench 建的；--work 要给一个新的或空的文件夹"
            "（bench 在其中生成 declarations/ 和 build/）"
        )
    for name in MADE:
        path = root / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    root.mkdir(parents=True, exist_ok=True)
    (root / MARK).write_text("bench 生成的语料（python -m generator bench）\n", encoding="utf-8")


def synthetic(seed: Declaration, indicators: int, rng: random.Random, slug: str) -> Declaration:
    """A declaration shaped like the seed with `indicators` indicators spread over its 二级."""
    slots = [(l1, l2) for l1 in seed.goals for l2 in l1.children if l2.indicators]
    names = [i.name for _, _, i in seed.indicators()]
    rows = [i for _, _, i in seed.indicators()]
    spread: dict[tuple[str, str], list[Indicator]] = {(a.name, b.name): [] for a, b in slots}
    for n in range(indicators):
        level1, level2 = slots[n % len(slots)]
        model = rng.choice(rows)
        name = f"{rng.choice(names)}（{n + 1}）"
        spread[level1.name, level2.name].append(
            dataclasses.replace(_unscored(model, seed), name=name)
        )
    goals = []
    for level1 in seed.goals:
        children = tuple(
            dataclasses.replace(l2, indicators=tuple(spread.get((level1.name, l2.name), ())))
            for l2 in level1.children
            if not l2.indicators or spread.get((level1.name, l2.name))
        )
        if children:
            goals.append(dataclasses.replace(level1, children=children))
    department = seed.kind.role_path("department")
    values = Record(
        {
            **seed.values,
            department: f"{seed.department}（{slug}）",
            seed.goals_key: Goals(tuple(goals)),
        }
    )
    return dataclasses.replace(seed, slug=slug, values=values, source=f"{slug}.yaml")


def _unscored(indicator: Indicator, kind: Declaration) -> Indicator:
    """`indicator` without its 分值: copies of a few indicators' scores would not add up to
    their total (E207)."""
    score = kind.kind.role_field("score", kind.kind.indicator)
    if score is None or score.key not in indicator.values:
        return indicator
    values = Record({k: v for k, v in indicator.values.items() if k != score.key})
    return dataclasses.replace(indicator, values=values)


def _stages(paths: list[Path], root: Path) -> tuple[dict[str, float], dict[str, float]]:
    from bench import baseline as bench_baseline  # imports docxtpl: only when benchmarking

    renderer = Renderer()
    writer_root = root / "stages"
    template = bench_baseline.make_docx_template(root)
    times: dict[str, list[float]] = {stage: [] for stage in STAGES}
    base: dict[str, list[float]] = {"docx": [], "xlsx": [], "markdown": []}
    clock = time.perf_counter
    for path in paths:
        t0 = clock()
        loaded = load_file(path)
        t1 = clock()
        assert loaded.root is not None
        decl, problems = read_declaration(loaded.root, path.as_posix())
        assert decl is not None, problems[:3]
        problems += validate(decl)
        t2 = clock()
        assert not problems, problems[:3]
        d = declaration_context(decl)
        t3 = clock()
        markdown = renderer.render_markdown(d.kind.summary, d=d).encode()
        t4 = clock()
        page = renderer.render_html(SUMMARY_PAGE, d=d, title=d.display, links=[]).encode()
        t5 = clock()
        layout = renderer.render_layout(d.kind.layout, landscape=d.kind.landscape, d=d)
        t6 = clock()
        docx = renderer.docx.write(layout, build_time(d.year))
        t7 = clock()
        xlsx = renderer.xlsx.write(layout, build_time(d.year))
        t8 = clock()
        writer = Writer(writer_root)
        files = ((".md", markdown), (".html", page), (".docx", docx), (".xlsx", xlsx))
        for suffix, content in files:
            writer.write(Artifact(f"{d.slug}{suffix}", content))
        t9 = clock()
        steps = (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t7 - t6, t8 - t7, t9 - t8)
        for stage, spent in zip(STAGES, steps, strict=True):
            times[stage].append(spent)
        baselines: dict[str, Callable[[], bytes]] = {
            "docx": partial(bench_baseline.docx_baseline, template, d),
            "xlsx": partial(bench_baseline.xlsx_baseline, d),
            "markdown": partial(bench_baseline.markdown_baseline, d),
        }
        for name, make in baselines.items():
            started = clock()
            make()
            base[name].append(clock() - started)
    return (
        {stage: statistics.median(values) for stage, values in times.items()},
        {name: statistics.median(values) for name, values in base.items()},
    )


def _median(run: Callable[[], object], repeat: int) -> float:
    spent = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        spent.append(time.perf_counter() - started)
    return statistics.median(spent)
