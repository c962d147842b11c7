"""A department's filing for one year: its 整体 form and its project forms (项目), where each
lives, and what they must agree on.

One layout (docs/format.md, "A department and its projects"):

    declarations/<年度>/<部门>.yaml           the department's 整体 form
    declarations/<年度>/<部门>/<项目>.yaml    each of its project forms

and the outputs mirror it (build/<年度>/<部门>/<项目>.docx …). A project names its department
(主管部门, 申报单位名称); that department's 整体 form is the file its folder is named after. The
projects' 年度资金总额 add up to at most the 整体 form's 项目支出 (in 元, whatever the units of
each form): more is an error (E243), less is the coverage the index and the department's page
show.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path, PurePosixPath

from generator.declaration.load import same_name
from generator.declaration.model import format_amount
from generator.declaration.places import PROJECT
from generator.declaration.summary import Summary
from generator.errors import Diagnostic
from generator.kinds.vocabulary import amount_units, in_unit


def department_of(summary: Summary) -> str:
    """The output name (slug) of the 整体 form a declaration belongs to: its own for a 整体
    form, its folder's for a project."""
    return summary.slug.split("/")[0]


@dataclass(frozen=True)
class Coverage:
    """How much of a 整体 form's 项目支出 its project forms cover, in the 整体 form's unit."""

    expense: Decimal  # 项目支出
    funds: Decimal  # the projects' 年度资金总额, added up
    unit: str

    @property
    def share(self) -> Decimal | None:
        """The projects' share of 项目支出, in percent (None when 项目支出 is 0)."""
        return self.funds * 100 / self.expense if self.expense else None

    @property
    def over(self) -> bool:
        return self.funds > self.expense

    def text(self) -> str:
        """“项目表覆盖项目支出的 62.4 %”, or what the projects exceed it by."""
        places = amount_units()[self.unit].print_places
        if self.over:
            extra = format_amount(self.funds - self.expense, places)
            return f"项目表合计超过项目支出 {extra}"
        share = self.share
        if share is None:
            return "项目支出为 0"
        return f"项目表覆盖项目支出的 {share.quantize(Decimal('0.1'), ROUND_HALF_UP)} %"


@dataclass(frozen=True)
class Filing:
    """One department's forms of one year: its 整体 form (None when it has none) and its
    projects, in the order of their output names."""

    year: int
    slug: str  # the 整体 form's output name, and its projects' folder
    whole: Summary | None
    projects: tuple[Summary, ...]

    @property
    def coverage(self) -> Coverage | None:
        """None without a 整体 form that gives its 项目支出."""
        if self.whole is None or "project_expense" not in self.whole.roles:
            return None
        unit = self.whole.amount_unit
        expense = Decimal(self.whole.roles["project_expense"])
        funds = sum((_in(p, unit) for p in self.projects), Decimal(0))
        return Coverage(expense, funds, unit)

    def project_for(self, reference: str) -> Summary | None:
        """The project a task or 支出项目名称 of the 整体 form names, if one has that name."""
        wanted = same_name(reference)
        return next(
            (p for p in self.projects if same_name(p.roles.get("project_name", "")) == wanted),
            None,
        )


def _in(project: Summary, unit: str) -> Decimal:
    """A project's 年度资金总额 converted to `unit`."""
    funds = project.roles.get("project_funds")
    if funds is None:
        return Decimal(0)
    return in_unit(Decimal(funds), project.amount_unit, amount_units()[unit])


def filings(summaries: Iterable[Summary]) -> list[Filing]:
    """The filings of `summaries`: every 整体 form with its projects, and the projects whose
    整体 form is not among them, grouped by year and department folder."""
    wholes: dict[tuple[int, str], Summary] = {}
    projects: dict[tuple[int, str], list[Summary]] = {}
    for summary in summaries:
        key = (summary.year, department_of(summary))
        if summary.category == PROJECT:
            projects.setdefault(key, []).append(summary)
        else:
            wholes.setdefault(key, summary)
    return [
        Filing(
            year,
            slug,
            wholes.get((year, slug)),
            tuple(sorted(projects.get((year, slug), []), key=lambda p: p.slug)),
        )
        for year, slug in sorted(wholes.keys() | projects.keys())
    ]


def check_filings(summaries: Iterable[Summary]) -> list[Diagnostic]:
    """What the forms of one department and year must agree on: a project has its 整体 form
    (E241) and names its department as that form does (E242); the projects' 年度资金总额 do not
    exceed its 项目支出 (E243); no project name is used twice (E244)."""
    problems: list[Diagnostic] = []
    for filing in filings(summaries):
        problems += _duplicates(filing)
        whole = filing.whole
        if whole is None:
            for project in filing.projects:
                expected = PurePosixPath(Path(project.source).as_posix()).parent
                problems.append(
                    Diagnostic(
                        project.name_at,
                        "E241",
                        f"没有找到所属部门的整体表 {expected}.yaml（{filing.year} 年度）",
                        "项目表放在与部门整体表同名的文件夹中；核对文件夹名，或先写整体表",
                    )
                )
            continue
        for project in filing.projects:
            if same_name(project.name) != same_name(whole.name):
                problems.append(
                    Diagnostic(
                        project.name_at,
                        "E242",
                        f"所属部门写的是“{project.name}”，而整体表 {whole.source} 的部门是"
                        f"“{whole.name}”",
                        "写成整体表上的部门名称；若是另一个部门的项目，移到那个部门的文件夹",
                    )
                )
        coverage = filing.coverage
        if coverage is not None and coverage.over and filing.projects:
            places = amount_units()[coverage.unit].print_places
            label = amount_units()[coverage.unit].name
            names = "、".join(p.source for p in filing.projects)
            problems.append(
                Diagnostic(
                    whole.role_at["project_expense"],
                    "E243",
                    f"{len(filing.projects)} 份项目表的年度资金总额合计 "
                    f"{format_amount(coverage.funds, places)} {label}，超过项目支出 "
                    f"{format_amount(coverage.expense, places)} {label}"
                    f"（多 {format_amount(coverage.funds - coverage.expense, places)} {label}）",
                    f"核对项目支出或各项目的年度资金总额（金额已按各表的金额单位换算）：{names}",
                )
            )
    return problems


def _duplicates(filing: Filing) -> Iterator[Diagnostic]:
    by_name: dict[str, list[Summary]] = {}
    for project in filing.projects:
        by_name.setdefault(same_name(project.roles.get("project_name", "")), []).append(project)
    for items in by_name.values():
        if len(items) < 2:
            continue
        for project in items:
            others = "、".join(other.source for other in items if other is not project)
            yield Diagnostic(
                project.role_at.get("project_name", project.name_at),
                "E244",
                f"{filing.year} 年度本部门另有同名项目“{project.roles.get('project_name', '')}”："
                f"{others}",
                "一个项目每年一份项目表：合并为一份，或核对项目名称",
            )
