"""The validated declaration: immutable records that remember where they came from.

Identifiers are English; the form's Chinese labels appear only in GLOSSARY (and in data files and
messages). Nothing here imports a third-party library. Money is `Decimal`, always.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from generator.errors import Location

# The one glossary: English identifier → the form's label, which is also the YAML key.
GLOSSARY: dict[str, str] = {
    "year": "年度",
    "department": "部门名称",
    "consolidated": "汇总",
    "subordinate_units": "下属预算单位个数",
    "duties": "部门职责",
    "annual_goal": "年度履职目标",
    "tasks": "年度重点任务",
    "task_name": "任务名称",
    "task_content": "主要内容",
    "amount_unit": "金额单位",
    "budget": "预算情况",
    "total": "部门整体预算总额",
    "sources": "资金来源",
    "fiscal": "财政拨款",
    "other_funds": "其他资金",
    "structure": "资金结构",
    "basic": "基本支出",
    "project": "项目支出",
    "year_end_assets": "年末资产总额",
    "staff": "年末在职人数",
    "internal_units": "内设机构数",
    "goals": "分解目标",
    "level1": "一级目标",
    "level2": "二级目标",
    "level3": "三级目标",
    "target": "指标目标值",
    "explanation": "指标解释",
    "remark": "备注",
    "note": "说明",
    "quantitative": "定量",
    "qualitative": "定性",
    "consolidated_suffix": "(汇总)",
}


@dataclass(frozen=True, slots=True)
class Target:
    """A target value: `operator` `number` `unit` (定量), or only `text` (定性)."""

    text: str  # as printed: the user's text with the operator normalised
    operator: str | None
    number: Decimal | None
    unit: str

    @property
    def qualitative(self) -> bool:
        return self.operator is None


@dataclass(frozen=True, slots=True)
class Indicator:
    """A 三级目标 and its 指标目标值."""

    name: str
    target: Target
    explanation: str
    remark: str
    loc: Location


@dataclass(frozen=True, slots=True)
class Level2:
    """A 二级目标 and its 三级 indicators, in the order written."""

    name: str
    indicators: tuple[Indicator, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Level1:
    """A 一级目标; `note` is printed across its 二级 rows (投入管理指标's 说明)."""

    name: str
    note: str
    children: tuple[Level2, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Task:
    """One row of 年度重点任务."""

    name: str
    content: str
    loc: Location


@dataclass(frozen=True, slots=True)
class Budget:
    """预算情况, in the declaration's 金额单位."""

    total: Decimal
    fiscal: Decimal
    other_funds: Decimal
    basic: Decimal
    project: Decimal


@dataclass(frozen=True, slots=True)
class Declaration:
    """One 部门（单位）整体支出绩效目标申报表.

    `locations` maps a field's key path ("预算情况.资金来源.其他资金") to where it was written;
    a path absent from it was not written (and got a default or a placeholder).
    """

    source: str
    slug: str
    year: int
    department: str
    consolidated: bool
    subordinate_units: int
    duties: str
    annual_goal: str
    tasks: tuple[Task, ...]
    amount_unit: str
    budget: Budget
    year_end_assets: Decimal
    staff: int
    internal_units: int
    goals: tuple[Level1, ...]
    locations: Mapping[str, Location]

    def where(self, path: str) -> Location:
        """Where `path` was written, or the nearest enclosing place that was."""
        while path:
            if path in self.locations:
                return self.locations[path]
            path = path.rpartition(".")[0]
        return Location(self.source, 1, 1)

    def amounts(self) -> dict[str, Decimal]:
        """Every amount by its label (资金来源：财政拨款), in form order."""
        b = self.budget
        return {
            GLOSSARY["total"]: b.total,
            f"{GLOSSARY['sources']}：{GLOSSARY['fiscal']}": b.fiscal,
            f"{GLOSSARY['sources']}：{GLOSSARY['other_funds']}": b.other_funds,
            f"{GLOSSARY['structure']}：{GLOSSARY['basic']}": b.basic,
            f"{GLOSSARY['structure']}：{GLOSSARY['project']}": b.project,
            GLOSSARY["year_end_assets"]: self.year_end_assets,
        }

    def indicators(self) -> Iterator[tuple[Level1, Level2, Indicator]]:
        """Every 三级 indicator with its 一级 and 二级, in form order."""
        for level1 in self.goals:
            for level2 in level1.children:
                for indicator in level2.indicators:
                    yield level1, level2, indicator


def format_amount(value: Decimal) -> str:
    """An amount as printed on the forms: 18,417,248.00."""
    return f"{value:,.2f}"
