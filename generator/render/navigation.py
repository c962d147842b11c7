"""Which page of a build links where: a declaration's page to its own files (DOCX, XLSX, PDF,
Markdown: those the build made for it), to its year's index, to its department's page (and a
project's page to its 整体 form's), and to the same department's (or project's) pages of the
year before and the year after; a department's page and a year's index likewise; and the page
of every year (OUT/index.html), which lists each year's departments and their projects.

Worked out from what a build knows of every declaration in the output folder, those built now
and those built earlier (their summaries), and from the files it made (its manifest), so that a
page links only to pages and files that are there. The same department (or project) from year
to year is paired as `diff` and `trend` pair it (generator/review/pairing.py): each year's
forms with the latest earlier year's in which that department (project) has one.

Every href is relative to the page it is on and percent-encoded (Chinese file names), so the
pages read the same wherever the output folder is, opened from disk (file://) or copied.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from generator.declaration.filing import Filing, filings
from generator.declaration.places import PROJECT
from generator.declaration.summary import Summary
from generator.review.pairing import pair_declarations

INDEX = "index.html"  # the page of every year (OUT/index.html), a year's, a department's
Link = tuple[str, str]  # (label, href)
# A declaration's own files, in the order its page lists them, with their labels. The page
# links those the build made (`build --pdf` makes the PDF), never one that is not there.
FILE_LABELS = (
    (".docx", "Word 文件（.docx）"),
    (".xlsx", "Excel 文件（.xlsx）"),
    (".pdf", "PDF 文件（.pdf）"),
    (".md", "Markdown 文本（.md）"),
)


@dataclass(frozen=True)
class PageLinks:
    """The links of one page: where it stands (all years, its year, its department), its
    declaration's files, and the same department (project) in the years before and after."""

    nav: tuple[Link, ...] = ()
    files: tuple[Link, ...] = ()
    years: tuple[Link, ...] = ()

    def text(self) -> str:
        """The links as text, for the digest a page is made from."""
        return json.dumps([self.nav, self.files, self.years], ensure_ascii=False)


@dataclass(frozen=True)
class ProjectEntry:
    name: str
    href: str


@dataclass(frozen=True)
class DepartmentEntry:
    """A department in the page of every year: its 整体 form's page ("" without one), its
    department's page ("" without projects), its projects' pages."""

    name: str
    href: str
    page: str
    projects: tuple[ProjectEntry, ...]


@dataclass(frozen=True)
class YearEntry:
    year: int
    href: str  # the year's index
    count: int  # declarations
    departments: tuple[DepartmentEntry, ...]


@dataclass(frozen=True)
class SiteContext:
    """What the page of every year (OUT/index.html) sees: the years, newest first."""

    years: tuple[YearEntry, ...]
    count: int


@dataclass(frozen=True)
class _Category:
    category: str


@dataclass(frozen=True)
class _Form:
    """A declaration as pairing reads it, from its summary."""

    kind: _Category
    year: int
    department: str
    project_name: str
    source: str

    @staticmethod
    def of(summary: Summary) -> _Form:
        return _Form(
            _Category(summary.category),
            summary.year,
            summary.name,
            summary.roles.get("project_name", "") if summary.category == PROJECT else "",
            summary.source,
        )


class Site:
    """The links of every page of an output folder, from the summaries of its declarations
    (by key, "<年度>/<slug>") and the files made (paths relative to the folder)."""

    def __init__(self, summaries: Mapping[str, Summary], files: Collection[str]) -> None:
        self.summaries = dict(sorted(summaries.items()))
        self.files = files
        self.filings = {(f.year, f.slug): f for f in filings(self.summaries.values())}
        self.years = sorted({s.year for s in self.summaries.values()})
        self.neighbours = _neighbours(self.summaries)

    def declaration(self, key: str) -> PageLinks:
        """The links of the page of declaration `key` (<年度>/<slug>.html)."""
        summary = self.summaries[key]
        page = f"{key}.html"
        year, department = summary.year, summary.slug.split("/")[0]
        nav = [self._top(page), (f"{year}年度汇总", _href(f"{year}/{INDEX}", page))]
        filing = self.filings[(year, department)]
        if filing.projects:
            nav.append(("本部门及其项目", _href(f"{year}/{department}/{INDEX}", page)))
        if summary.category == PROJECT and filing.whole is not None:
            nav.append(("部门整体表", _href(f"{year}/{department}.html", page)))
        files = tuple(
            (label, _href(f"{key}{suffix}", page))
            for suffix, label in FILE_LABELS
            if f"{key}{suffix}" in self.files
        )
        years = self._years(key, page, lambda other: f"{other}.html")
        return PageLinks(tuple(nav), files, years)

    def department(self, year: int, slug: str) -> PageLinks:
        """The links of a department's page (<年度>/<部门>/index.html)."""
        page = f"{year}/{slug}/{INDEX}"
        nav = (self._top(page), (f"{year}年度汇总", _href(f"{year}/{INDEX}", page)))
        whole = f"{year}/{slug}"
        if whole not in self.summaries:
            return PageLinks(nav)
        return PageLinks(nav, (), self._years(whole, page, self._department_page))

    def index(self, year: int) -> PageLinks:
        """The links of a year's index (<年度>/index.html)."""
        page = f"{year}/{INDEX}"
        at = self.years.index(year)
        years = []
        if at > 0:
            years.append(
                (f"上一年度（{self.years[at - 1]}）", _href(f"{self.years[at - 1]}/{INDEX}", page))
            )
        if at + 1 < len(self.years):
            years.append(
                (f"下一年度（{self.years[at + 1]}）", _href(f"{self.years[at + 1]}/{INDEX}", page))
            )
        return PageLinks((self._top(page),), (), tuple(years))

    def context(self) -> SiteContext:
        """The page of every year: each year's departments, each with its projects."""
        years = []
        for year in reversed(self.years):
            departments = [self._entry(f) for f in self.filings.values() if f.year == year]
            count = sum(1 for s in self.summaries.values() if s.year == year)
            years.append(
                YearEntry(year, _href(f"{year}/{INDEX}", INDEX), count, tuple(departments))
            )
        return SiteContext(tuple(years), len(self.summaries))

    def _entry(self, filing: Filing) -> DepartmentEntry:
        whole = filing.whole
        name = whole.display if whole is not None else filing.projects[0].name
        return DepartmentEntry(
            name,
            _href(f"{filing.year}/{filing.slug}.html", INDEX) if whole is not None else "",
            _href(f"{filing.year}/{filing.slug}/{INDEX}", INDEX) if filing.projects else "",
            tuple(
                ProjectEntry(p.display, _href(f"{p.year}/{p.slug}.html", INDEX))
                for p in filing.projects
            ),
        )

    def _top(self, page: str) -> Link:
        return ("全部年度", _href(INDEX, page))

    def _department_page(self, whole: str) -> str:
        """The page of the department of 整体 form `whole`: its department's page when it
        has projects, else the 整体 form's own."""
        summary = self.summaries[whole]
        if self.filings[(summary.year, summary.slug)].projects:
            return f"{whole}/{INDEX}"
        return f"{whole}.html"

    def _years(self, key: str, page: str, target: Callable[[str], str]) -> tuple[Link, ...]:
        before, after = self.neighbours.get(key, (None, None))
        links = []
        if before is not None:
            links.append(
                (f"上一年度（{self.summaries[before].year}）", _href(target(before), page))
            )
        if after is not None:
            links.append((f"下一年度（{self.summaries[after].year}）", _href(target(after), page)))
        return tuple(links)


def _href(target: str, page: str) -> str:
    """`target` (relative to the output folder) as a link from `page` (likewise). Both are
    names the build made (no "." or ".." in them); worked out on the names alone, as
    posixpath.relpath would but without asking for the current folder each time."""
    folders = page.split("/")[:-1]
    parts = target.split("/")
    common = 0
    while common < min(len(folders), len(parts) - 1) and folders[common] == parts[common]:
        common += 1
    return quote("/".join([".."] * (len(folders) - common) + parts[common:]))


def _neighbours(summaries: Mapping[str, Summary]) -> dict[str, tuple[str | None, str | None]]:
    """For each declaration, the same department's (project's) in the nearest year before and
    after that has one: year by year, each year's forms paired with the latest of each
    department (project) so far, as `trend` chains them."""
    forms = {key: _Form.of(summary) for key, summary in summaries.items()}
    chains: list[dict[int, str]] = []
    for year in sorted({form.year for form in forms.values()}):
        latest = {chain[max(chain)]: number for number, chain in enumerate(chains)}
        this_year = {key: form for key, form in forms.items() if form.year == year}
        if not chains:  # the first year: each starts one
            chains = [{year: key} for key in this_year]
            continue
        pairing = pair_declarations({k: forms[k] for k in latest}, this_year, across_years=True)
        for pair in pairing.pairs:
            chains[latest[pair.old]][year] = pair.new
        chains += [{year: key} for key in pairing.added]
    neighbours: dict[str, tuple[str | None, str | None]] = {}
    for chain in chains:
        keys = [chain[year] for year in sorted(chain)]
        for at, key in enumerate(keys):
            before = keys[at - 1] if at > 0 else None
            neighbours[key] = (before, keys[at + 1] if at + 1 < len(keys) else None)
    return neighbours
