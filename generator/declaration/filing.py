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

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from pathlib import Path, PurePosixPath

from generator.declaration.load import same_name
from generator.declaration.model import format_amount
from generator.declaration.places import PROJECT
from generator.declaration.summary import Summary
from generator.errors import Diagnostic, Location
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

    def text(self, places: int | None = None) -> str:
        """“项目表覆盖项目支出的 62.4 %” (never rounded up to 100.0 % while short of it), or
        what the projects exceed it by, with `places` decimals (the unit's by default)."""
        unit = amount_units()[self.unit]
        if self.over:
            extra = format_amount(
                self.funds - self.expense, unit.print_places if places is None else places
            )
            return f"项目表合计超过项目支出 {extra} {unit.name}"
        share = self.share
        if share is None:
            return "项目支出为 0，没有项目表" if not self.funds else "项目支出为 0"
        return f"项目表覆盖项目支出的 {share.quantize(Decimal('0.1'), ROUND_DOWN)} %"


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


def check_filings(
    summaries: Iterable[Summary], elsewhere: Iterable[Summary] = ()
) -> list[Diagnostic]:
    """What the forms of one department and year must agree on: a project lies in its
    department's folder (E240 for one in the year's folder), has its 整体 form there (E241)
    and names its department as that form does (E242); the projects' 年度资金总额 do not
    exceed its 项目支出 (E243; a project of another department is not counted); no project
    name is used twice (E244). `elsewhere`: other 整体 forms of the same years, to say which
    folder a misplaced project belongs in."""
    summaries = list(summaries)
    wholes = [s for s in [*summaries, *elsewhere] if s.category != PROJECT]
    problems: list[Diagnostic] = []
    for project in summaries:
        if project.category == PROJECT and "/" not in project.slug:
            problems.append(_loose(project, _owner(project, wholes)))
    for filing in filings(s for s in summaries if s.category != PROJECT or "/" in s.slug):
        problems += _duplicates(filing)
        whole = filing.whole
        if whole is None:
            problems += (_orphan(p, filing, _owner(p, wholes)) for p in filing.projects)
            continue
        strangers = [p for p in filing.projects if not _names_department(p, whole)]
        problems += (_stranger(p, whole, _owner(p, wholes)) for p in strangers)
        own = dataclasses.replace(
            filing, projects=tuple(p for p in filing.projects if p not in strangers)
        )
        coverage = own.coverage
        if coverage is not None and coverage.over and own.projects:
            problems.append(_exceeding(whole, own.projects, coverage))
    return problems


def _owner(project: Summary, wholes: list[Summary]) -> Summary | None:
    """The 整体 form of the department a project names, in its year, if there is one."""
    return next(
        (w for w in wholes if w.year == project.year and _names_department(project, w)),
        None,
    )


def _names_department(project: Summary, whole: Summary) -> bool:
    """Whether `project` names the department of `whole`: its 部门名称, or as the form prints
    it (“…办公室(汇总)”), compared as names are."""
    return same_name(project.name) in (same_name(whole.name), same_name(whole.display))


def _file(form: Summary) -> str:
    return PurePosixPath(Path(form.source).as_posix()).name


def _place(project: Summary, owner: Summary) -> str:
    """Where a project of `owner`'s department belongs: 2024/示例区档案馆/档案数字化.yaml."""
    return f"{owner.year}/{owner.slug}/{_file(project)}"


def _loose(project: Summary, owner: Summary | None) -> Diagnostic:
    name = _file(project)
    hint = f"放进所属部门的文件夹：{project.year}/<部门整体表的文件名>/{name}"
    if owner is not None:
        hint = f"移到 {_place(project, owner)}（“{owner.name}”的整体表是 {owner.source}）"
    return Diagnostic(
        Location(project.source, 1, 1),
        "E240",
        f"项目表“{name}”直接放在了年度文件夹 {project.year}/ 中",
        hint,
    )


def _orphan(project: Summary, filing: Filing, owner: Summary | None) -> Diagnostic:
    expected = PurePosixPath(Path(project.source).as_posix()).parent
    hint = "项目表放在与部门整体表同名的文件夹中；核对文件夹名，或先写整体表"
    if owner is not None:
        hint = f"“{owner.name}”的整体表是 {owner.source}：移到 {_place(project, owner)}"
    return Diagnostic(
        project.name_at,
        "E241",
        f"没有找到所属部门的整体表 {expected}.yaml（{filing.year} 年度）",
        hint,
    )


def _stranger(project: Summary, whole: Summary, owner: Summary | None) -> Diagnostic:
    hint = "写成整体表上的部门名称；若是另一个部门的项目，移到那个部门的文件夹"
    if owner is not None:
        hint = f"若是“{owner.name}”的项目，移到 {_place(project, owner)}；否则写成“{whole.name}”"
    return Diagnostic(
        project.name_at,
        "E242",
        f"项目表写的所属部门是“{project.name}”，而它所在文件夹的整体表 {whole.source} "
        f"是“{whole.name}”的",
        hint,
    )


def _exceeding(whole: Summary, projects: tuple[Summary, ...], coverage: Coverage) -> Diagnostic:
    unit = amount_units()[coverage.unit]
    # all alike, with as many decimals as the most precise as written (converted: as needed)
    amounts = [coverage.expense, *(_shown_in(p, coverage.unit) for p in projects)]
    places = max([unit.print_places, *(_decimals(a) for a in amounts)])
    each = "、".join(f"{_file(p)} {format_amount(_in(p, coverage.unit), places)}" for p in projects)
    return Diagnostic(
        whole.role_at["project_expense"],
        "E243",
        f"{len(projects)} 份项目表的年度资金总额合计 "
        f"{format_amount(coverage.funds, places)} {unit.name}，超过项目支出 "
        f"{format_amount(coverage.expense, places)} {unit.name}"
        f"（多 {format_amount(coverage.funds - coverage.expense, places)} {unit.name}）",
        f"核对项目支出或各项目的年度资金总额（按{unit.name}换算）：{each}",
    )


def _shown_in(project: Summary, unit: str) -> Decimal:
    """A project's 年度资金总额 in `unit`: as written in its own unit, normalized when
    converted (1,505,000.00 元 is 150.5 万元, not 150.5000000)."""
    funds = _in(project, unit)
    return funds if project.amount_unit == unit else funds.normalize()


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


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
