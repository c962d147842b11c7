"""The seed declaration in YAML against the official form's text export, value by value.

The export is read here with the defects documented in shared/seed/README.md handled explicitly:
labels of merged cells land after their rows, one operator has a stray space, some rows shift.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import SEED_TEXT, SEED_YAML

from generator.declaration.sources import read_checked

# (一级, 二级, first 三级, last 三级) in the export's order; the 时效 and 社会效益 ranges are the
# ones the merged-cell labels printed after them belong to.
GROUPS = [
    ("产出指标", "数量指标", "常委会调研参与人数", "支部大会完成数", 24),
    ("产出指标", "质量指标", "活动安全事故发生数", "调研考察组织流程合规率", 10),
    ("产出指标", "时效指标", "调研工作完成及时率", "上级交办工作完成及时率", 19),
    ("效益指标", "社会效益指标", "建言献策有效性", "展示我国社会主义民主政治制度的特色和优势", 16),
    ("满意度指标", "服务对象满意度指标", "会议参与者满意度", "读者满意度", 4),
]


def seed_rows() -> list[list[str]]:
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    return [[cell.strip() for cell in line.split("\t")] for line in lines]


def row_after(rows: list[list[str]], label: str) -> list[str]:
    index = next(i for i, row in enumerate(rows) if row[0] == label)
    return rows[index + 1]


def cells_of(rows: list[list[str]], label: str) -> list[str]:
    return next(row for row in rows if row[0] == label)


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def seed_indicators(rows: list[list[str]]) -> list[tuple[str, str]]:
    """(三级, 目标值) pairs of 产出 onwards: the last two non-empty cells of each row."""
    start = next(i for i, row in enumerate(rows) if row[0] == "产出指标")
    pairs = []
    for row in rows[start:]:
        cells = [c for c in row if c]
        if len(cells) >= 2 and not cells[-1].endswith("指标"):
            pairs.append((cells[-2], cells[-1].replace("> =", ">=")))
    return pairs


@pytest.fixture(scope="module")
def decl():
    checked = read_checked(SEED_YAML.relative_to(SEED_YAML.parents[2]))
    assert checked.diagnostics == ()
    return checked.declaration


@pytest.fixture(scope="module", autouse=True)
def in_repo_root(request):
    import os

    old = os.getcwd()
    os.chdir(SEED_YAML.parents[2])
    yield
    os.chdir(old)


def test_header_matches_seed(decl):
    rows = seed_rows()
    name_row = cells_of(rows, "部门名称")
    assert decl.department + ("(汇总)" if decl.get("汇总") else "") == name_row[1]
    assert decl.get("汇总") is True
    assert name_row[2] == "下属预算单位个数"
    assert decl.get("下属预算单位个数") == int(name_row[3])
    assert decl.get("部门职责") == cells_of(rows, "部门职责")[1]
    assert decl.get("年度履职目标") == cells_of(rows, "年度履职目标")[1]
    assert decl.year == 2023


def test_tasks_match_seed(decl):
    rows = seed_rows()
    start = next(i for i, row in enumerate(rows) if row[0] == "任务名称") + 1
    end = next(i for i, row in enumerate(rows) if row[0] == "预算情况")
    expected = [(row[0], row[1]) for row in rows[start:end]]
    tasks = decl.get("年度重点任务")
    assert [(t["任务名称"], t["主要内容"]) for t in tasks] == expected
    assert len(tasks) == 8


def test_budget_matches_seed(decl):
    rows = seed_rows()
    assert decl.amount_unit == "元"
    assert (
        decl.get("预算情况.部门整体预算总额")
        == amount(cells_of(rows, "部门整体预算总额（元）")[1])
        == Decimal("18417248.00")
    )
    fiscal = amount(cells_of(rows, "1、资金来源：（1）财政拨款")[1])
    assert decl.get("预算情况.资金来源.财政拨款") == fiscal
    basic = amount(cells_of(rows, "2、资金结构：（1）基本支出")[1])
    assert decl.get("预算情况.资金结构.基本支出") == basic
    other, project = [
        amount(row[1]) for row in rows if row[0] == "（2）其他资金" or row[0] == "（2）项目支出"
    ]
    assert decl.get("预算情况.资金来源.其他资金") == other
    assert decl.get("预算情况.资金结构.项目支出") == project
    assets, staff, units = row_after(rows, "年末资产总额（元）")[:3]
    assert decl.get("年末资产总额") == amount(assets) == Decimal("1295700.00")
    assert (decl.get("年末在职人数"), decl.get("内设机构数")) == (int(staff), int(units)) == (26, 1)


def test_every_indicator_and_target_in_seed_order(decl):
    ours = [(i.name, i.target.text) for _, _, i in decl.indicators()]
    assert ours == seed_indicators(seed_rows())
    assert len(ours) == 73


def test_indicators_sit_in_their_level2(decl):
    pairs = seed_indicators(seed_rows())
    names = [name for name, _ in pairs]
    expected = {}
    for level1, level2, first, last, count in GROUPS:
        members = names[names.index(first) : names.index(last) + 1]
        assert len(members) == count
        expected[(level1, level2)] = members
    ours = {
        (l1.name, l2.name): [i.name for i in l2.indicators]
        for l1 in decl.goals
        for l2 in l1.children
        if l2.indicators
    }
    assert ours == expected


def test_input_management_level2_and_note(decl):
    rows = seed_rows()
    start = next(i for i, row in enumerate(rows) if row[0] == "投入管理指标")
    end = next(i for i, row in enumerate(rows) if row[0] == "产出指标")
    level2 = [
        c for row in rows[start:end] for c in row[1:3] if c.endswith(("管理", "透明度", "信息化"))
    ]
    input_management = decl.goals[0]
    assert input_management.name == "投入管理指标"
    assert [c.name for c in input_management.children] == level2
    assert len(level2) == 7
    assert input_management.note == rows[start][2]
    assert all(not c.indicators for c in input_management.children)


def test_operator_with_stray_space_is_normalised(decl):
    targets = {i.name: i.target for _, _, i in decl.indicators()}
    assert targets["党建活动次数"].text == ">=11次"
    assert (targets["党建活动次数"].operator, targets["党建活动次数"].number) == (">=", Decimal(11))
    assert targets["党建活动次数"].unit == "次"
    assert targets["建言献策有效性"].qualitative
