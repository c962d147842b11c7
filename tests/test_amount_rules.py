"""Amounts that must agree across one form, as the kinds' `at_most` and `equal` rules say: a
project's 年度资金总额 within its 中期资金总额 (E212), the national 整体 form's 年度预算安排 and
部门总体资金情况 giving the same figures (E213); and the 项目支出 a department's projects are
held to (E243), taken from whichever of those blocks is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DATA, edit
from test_filing import check_lines

from generator.kinds import form_kinds

FORMS = DATA / "forms" / "2024"


@pytest.fixture
def national(tmp_path: Path) -> Path:
    """declarations/2024/ holding national-1 (示例县教育局, 全国整体, 项目支出 1,735.5150 万元)
    and its three projects in national-1/: 学生资助 98.7650 万元, 教师培训 1,505,000.00 元 and
    校舍维修改造 800.0000 万元 (中期资金总额 2,400.0000 万元)."""
    year = tmp_path / "declarations" / "2024"
    year.mkdir(parents=True)
    shutil.copy(FORMS / "national-1.yaml", year)
    shutil.copytree(FORMS / "national-1", year / "national-1")
    return year


# -- E212: a year's funds within the funds of the whole period --------------------------------

MIDTERM = (
    "  中期资金总额:\n    总额: 2,400.0000\n    财政拨款: 2,200.0000\n    其他资金: 200.0000\n"
)


def test_a_years_funds_over_the_whole_periods_are_an_error_naming_both(national, capsys):
    project = national / "national-1" / "校舍维修改造.yaml"
    edit(
        project,
        MIDTERM,
        "  中期资金总额:\n    总额: 100.0000\n    财政拨款: 90.0000\n    其他资金: 10.0000\n",
    )
    edit(project, "    总额: 800.0000\n", "    总额: 860.0000\n")
    edit(project, "    财政拨款: 730.0000\n", "    财政拨款: 790.0000\n")
    status, lines = check_lines(project, capsys)
    assert status == 1
    hint = "（提示：{0}不能超过{1}；核对两处金额）"
    year, period = "年度资金总额的{}", "中期资金总额的{}"
    assert lines == [
        f"{project.as_posix()}:18:9: E212 年度资金总额的总额 860.0000 大于中期资金总额的总额 "
        "100.0000（多 760.0000）" + hint.format(year.format("总额"), period.format("总额")),
        f"{project.as_posix()}:19:11: E212 年度资金总额的财政拨款 790.0000 大于中期资金总额的"
        "财政拨款 90.0000（多 700.0000）"
        + hint.format(year.format("财政拨款"), period.format("财政拨款")),
        f"{project.as_posix()}:20:11: E212 年度资金总额的其他资金 70.0000 大于中期资金总额的"
        "其他资金 10.0000（多 60.0000）"
        + hint.format(year.format("其他资金"), period.format("其他资金")),
    ]


def test_each_part_of_the_years_funds_is_held_to_its_own_part(national, capsys):
    # 总额 800 ≤ 2,400 and 财政拨款 730 ≤ 2,380, but 其他资金 70 > 20
    project = national / "national-1" / "校舍维修改造.yaml"
    edit(
        project,
        MIDTERM,
        "  中期资金总额:\n    总额: 2,400.0000\n    财政拨款: 2,380.0000\n    其他资金: 20.0000\n",
    )
    status, lines = check_lines(project, capsys)
    assert status == 1
    assert [line.split(": ", 1)[1] for line in lines] == [
        "E212 年度资金总额的其他资金 70.0000 大于中期资金总额的其他资金 20.0000（多 50.0000）"
        "（提示：年度资金总额的其他资金不能超过中期资金总额的其他资金；核对两处金额）"
    ]


def test_a_years_funds_equal_to_the_periods_or_without_a_period_are_valid(national, capsys):
    project = national / "national-1" / "校舍维修改造.yaml"
    edit(
        project,
        MIDTERM,
        "  中期资金总额:\n    总额: 800.0000\n    财政拨款: 730.0000\n    其他资金: 70.0000\n",
    )
    assert check_lines(project, capsys) == (0, [])
    edit(
        project,
        "  中期资金总额:\n    总额: 800.0000\n    财政拨款: 730.0000\n    其他资金: 70.0000\n",
        "",
    )
    assert check_lines(project, capsys) == (0, [])


def test_an_amount_reported_as_invalid_is_not_compared_again(national, capsys):
    project = national / "national-1" / "校舍维修改造.yaml"
    edit(project, "    其他资金: 200.0000\n", "    其他资金: -200.0000\n")
    edit(project, "    总额: 2,400.0000\n", "    总额: 2,000.0000\n")
    status, lines = check_lines(project, capsys)
    assert status == 1
    assert [line.split(": ", 1)[1].split(" ", 1)[0] for line in lines] == ["E203"]


# -- E213: two blocks of the national 整体 form that give the same figures ---------------------

PLAN = "年度预算安排:\n  资金总额: 2,400.0000\n  基本支出: 664.4850\n  项目支出: 1,735.5150\n"
SPENT = "  支出构成:\n    基本支出: 664.4850\n    项目支出: 1,735.5150\n    合计: 2,400.0000\n"


@pytest.mark.parametrize("name", ["national-1", "landscape"])
def test_the_budget_plan_and_the_overall_funds_must_agree(national, name, capsys):
    whole = national / "national-1.yaml"
    if name == "landscape":
        edit(whole, "表样: 全国整体\n", "表样: 全国整体横版\n")
    edit(whole, PLAN, PLAN.replace("664.4850", "1,190.0000").replace("1,735.5150", "1,210.0000"))
    edit(whole, SPENT, SPENT.replace("664.4850", "2,300.0000").replace("1,735.5150", "100.0000"))
    status, lines = check_lines(whole, capsys)
    assert status == 1
    assert lines == [
        f"{whole.as_posix()}:40:9: E213 年度预算安排的基本支出 1,190.0000 ≠ 部门总体资金情况的"
        "支出构成的基本支出 2,300.0000（相差 1,110.0000）（提示：两处是同一笔钱，金额应相同："
        "核对年度预算安排的基本支出和部门总体资金情况的支出构成的基本支出）",
        f"{whole.as_posix()}:41:9: E213 年度预算安排的项目支出 1,210.0000 ≠ 部门总体资金情况的"
        "支出构成的项目支出 100.0000（相差 1,110.0000）（提示：两处是同一笔钱，金额应相同："
        "核对年度预算安排的项目支出和部门总体资金情况的支出构成的项目支出）",
    ]


def test_the_totals_of_the_two_blocks_must_agree(national, capsys):
    whole = national / "national-1.yaml"
    edit(
        whole,
        PLAN,
        "年度预算安排:\n  资金总额: 2,500.0000\n  基本支出: 764.4850\n  项目支出: 1,735.5150\n",
    )
    status, lines = check_lines(whole, capsys)
    assert status == 1
    assert [line.split(": ", 1)[1] for line in lines] == [
        "E213 年度预算安排的资金总额 2,500.0000 ≠ 部门总体资金情况的支出构成的合计 2,400.0000"
        "（相差 100.0000）（提示：两处是同一笔钱，金额应相同：核对年度预算安排的资金总额和"
        "部门总体资金情况的支出构成的合计）",
        "E213 年度预算安排的基本支出 764.4850 ≠ 部门总体资金情况的支出构成的基本支出 664.4850"
        "（相差 100.0000）（提示：两处是同一笔钱，金额应相同：核对年度预算安排的基本支出和"
        "部门总体资金情况的支出构成的基本支出）",
    ]


def test_one_block_alone_is_not_compared(national, capsys):
    whole = national / "national-1.yaml"
    edit(whole, PLAN, "")
    assert check_lines(national, capsys) == (0, [])


# -- E243: the 项目支出 of whichever block is written ------------------------------------------


def test_both_project_expense_fields_have_the_role_and_the_first_is_the_roles_path():
    kind = form_kinds()["全国整体"]
    paths = ("年度预算安排.项目支出", "部门总体资金情况.支出构成.项目支出.金额")
    assert kind.role_paths("project_expense") == paths
    assert kind.role_path("project_expense") == paths[0]
    assert form_kinds()["全国整体横版"].role_paths("project_expense") == paths
    assert form_kinds()["上海整体"].role_paths("project_expense") == ("预算情况.资金结构.项目支出",)
    assert kind.role_paths("project_funds") == ()


def test_projects_are_held_to_the_overall_funds_when_the_plan_is_not_written(national, capsys):
    # the projects: 98.7650 + 150.5000 (1,505,000.00 元) + 800.0000 = 1,049.2650 万元
    whole = national / "national-1.yaml"
    edit(whole, PLAN, "")
    edit(whole, SPENT, SPENT.replace("664.4850", "1,400.0000").replace("1,735.5150", "1,000.0000"))
    status, lines = check_lines(national, capsys)
    assert status == 1
    assert lines == [
        # every figure with the 4 decimals the forms write
        f"{whole.as_posix()}:48:11: E243 3 份项目表的年度资金总额合计 1,049.2650 万元，"
        "超过项目支出 1,000.0000 万元（多 49.2650 万元）（提示：核对项目支出或各项目的年度资金"
        "总额（按万元换算）：学生资助.yaml 98.7650、教师培训.yaml 150.5000、"
        "校舍维修改造.yaml 800.0000）"
    ]


def test_the_plan_is_taken_when_both_blocks_are_written(national, capsys):
    whole = national / "national-1.yaml"
    edit(whole, PLAN, PLAN.replace("664.4850", "1,400.0000").replace("1,735.5150", "1,000.0000"))
    edit(whole, SPENT, SPENT.replace("664.4850", "1,400.0000").replace("1,735.5150", "1,000.0000"))
    status, lines = check_lines(national, capsys)
    assert status == 1
    assert len(lines) == 1
    assert lines[0].startswith(f"{whole.as_posix()}:41:9: E243 3 份项目表的年度资金总额合计 ")
