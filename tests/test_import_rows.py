"""import reads the indicator table's rows by their columns (review 25, items 3, 4, 9, 12): a
row typed under the table (a signature, 填报人 on a kind without it, 审核人 | 审核日期), a row
whose 三级 column is blank, a 三级 named like a 二级, a second form pasted below the first, and
a row shifted against its header: each read by its columns, or warned with every cell it
drops, never read from its "last two cells" in silence. Every file is written into tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_variants import FIXTURES, FORMS, fixture_form, write_form
from test_import_invariant import assert_every_cell_accounted
from test_import_kinds import as_printed
from test_import_variants import run_import, w611

from generator.declaration.sources import read_checked


def typed(kind: str, rows: list[list[str]], tmp_path: Path, suffix: str = "xlsx") -> Path:
    """`rows` (the kind's fixture edited, each as wide as the fixture) typed without merges."""
    width = len(fixture_form(kind).rows[0])
    rows = [[*row, *[""] * (width - len(row))] for row in rows]
    return write_form(fixture_form(kind).edit(rows, ()), tmp_path, "typed", suffix)


def fixture(kind: str):
    return read_checked(FORMS / FIXTURES[kind]).declaration


def names(decl) -> list[str]:
    return [indicator.name for _, _, indicator in decl.indicators()]


def imported(capsys, kind: str, path: Path, tmp_path: Path):
    status, warnings, problems, decl, text = run_import(capsys, kind, path, tmp_path)
    assert_every_cell_accounted(path, text, warnings)
    return status, warnings, problems, decl


# -- item 3: rows typed under the indicator table ---------------------------------------------


@pytest.mark.parametrize("suffix", ["xlsx", "docx"])
def test_a_signature_row_under_the_table_is_warned_not_an_indicator(tmp_path, capsys, suffix):
    kind = "上海项目"
    rows = [*fixture_form(kind).lists(), ["单位负责人签字", "李四"]]
    path = typed(kind, rows, tmp_path, suffix)
    status, warnings, problems, decl = imported(capsys, kind, path, tmp_path)
    assert warnings == [
        f"{path.as_posix()}:{len(rows)}:1: W604 无法识别这一行：单位负责人签字、李四，未导入"
    ]
    assert (status, problems) == (0, ())
    assert as_printed(decl) == as_printed(fixture(kind))


def test_a_signature_in_the_level3_column_has_no_target_and_is_warned(tmp_path, capsys):
    kind = "上海项目"
    rows = [*fixture_form(kind).lists(), ["", "单位负责人签字", "李四"]]
    path = typed(kind, rows, tmp_path)
    _, warnings, _, decl = imported(capsys, kind, path, tmp_path)
    assert warnings == [
        f"{path.as_posix()}:{len(rows)}:1: W604 “李四”没有指标值，未导入：“单位负责人签字”"
    ]
    assert as_printed(decl) == as_printed(fixture(kind))


def test_a_filler_row_on_a_kind_without_one_ends_the_table_and_each_cell_is_warned(
    tmp_path, capsys
):
    """填报人 is a label of the national kinds: on a 上海项目 form it is no indicator row but
    the end of the table, and each of its cells (the phone number too) is W611."""
    kind = "上海项目"
    rows = [
        *fixture_form(kind).lists(),
        ["填报人", "张三", "联系电话", "021-12345678"],
        ["单位负责人签字", "李四"],
    ]
    path = typed(kind, rows, tmp_path)
    _, warnings, _, decl = imported(capsys, kind, path, tmp_path)
    line = len(rows) - 1
    assert warnings == [
        w611(path, line, 1, "填报人", kind),
        w611(path, line, 2, "张三", kind),
        w611(path, line, 3, "联系电话", kind),
        w611(path, line, 4, "021-12345678", kind),
        w611(path, line + 1, 1, "单位负责人签字", kind),
        w611(path, line + 1, 2, "李四", kind),
    ]
    assert as_printed(decl) == as_printed(fixture(kind))


def test_a_reviewer_row_is_warned_with_every_cell_and_the_filler_is_read(tmp_path, capsys):
    kind = "全国项目"
    rows = fixture_form(kind).lists()
    at = next(r for r, row in enumerate(rows) if row[0] == "填报人")
    rows.insert(at, ["审核人", "赵五", "审核日期", "2024年1月20日", "", ""])
    path = typed(kind, rows, tmp_path)
    _, warnings, _, decl = imported(capsys, kind, path, tmp_path)
    assert warnings == [
        f"{path.as_posix()}:{at + 1}:1: W604 “审核日期”没有年度指标值，未导入："
        "“审核人”、“赵五”、“2024年1月20日”"
    ]
    assert "审核日期" not in names(decl)
    assert as_printed(decl) == as_printed(fixture(kind))  # 填报人 … read into their fields


# -- item 4: a row whose 三级 column is blank ---------------------------------------------------


def test_a_row_without_its_level3_name_is_warned_naming_every_cell(tmp_path, capsys):
    kind = "上海整体"
    rows = [[*row, ""] for row in fixture_form(kind).lists()]
    header = next(r for r, row in enumerate(rows) if row[2] == "三级目标")
    rows[header][4] = "指标解释"
    at = next(r for r, row in enumerate(rows) if row[2] == "查档服务办结时限")
    rows[at][2], rows[at][4] = "", "办结时限的解释"
    path = typed(kind, rows, tmp_path)
    _, warnings, _, decl = imported(capsys, kind, path, tmp_path)
    assert warnings == [
        f"{path.as_posix()}:{at + 1}:1: W604 这一行没有三级指标名称，未导入："
        "指标目标值“<=3个工作日”、指标解释“办结时限的解释”"
    ]
    [output] = [l1 for l1 in decl.goals if l1.name == "产出指标"]
    assert [(l2.name, [i.name for i in l2.indicators]) for l2 in output.children] == [
        ("数量指标", ["档案数字化页数"]),
        ("质量指标", ["数字化成果验收合格率"]),
        ("时效指标", []),
    ]


def test_a_landscape_row_without_its_level3_name_is_warned_naming_every_cell(tmp_path, capsys):
    kind = "全国整体横版"
    rows = fixture_form(kind).lists()
    at = next(r for r, row in enumerate(rows) if row[2] == "农民培训人次")
    dropped = rows[at][3:]
    rows[at][2] = ""
    path = typed(kind, rows, tmp_path)
    _, warnings, _, decl = imported(capsys, kind, path, tmp_path)
    header = next(row for row in rows if row[2] == "三级指标")
    columns = dict(zip(header[3:], dropped, strict=True))
    shown = "、".join(f"{column}“{text}”" for column, text in columns.items() if text)
    assert warnings == [
        f"{path.as_posix()}:{at + 1}:1: W604 这一行没有三级指标名称，未导入：{shown}"
    ]
    assert "农民培训人次" not in names(decl)
    assert not any("扣分" in name or name.startswith("=") for name in names(decl))


# -- item 12: a 三级 named like a 二级 ------------------------------------------------------------


@pytest.mark.parametrize("name", ["质量指标", "成本指标", "社会效益指标"])
def test_a_level3_named_like_a_level2_is_read_as_the_level3(tmp_path, capsys, name):
    kind = "上海项目"
    rows = fixture_form(kind).lists()
    at = next(r for r, row in enumerate(rows) if row[2] == "档案数字化扫描页数") + 1
    rows.insert(at, ["", "", name, "=100%"])
    path = typed(kind, rows, tmp_path)
    status, warnings, problems, decl = imported(capsys, kind, path, tmp_path)
    assert (status, warnings, problems) == (0, [], ())
    [output] = [l1 for l1 in decl.goals if l1.name == "产出指标"]
    [quantity] = [l2 for l2 in output.children if l2.name == "数量指标"]
    assert [(i.name, i.target.text) for i in quantity.indicators] == [
        ("档案数字化扫描页数", ">=500,000页"),
        (name, "=100%"),
    ]


# -- item 9: two forms stacked in one sheet ------------------------------------------------------


def test_a_second_form_below_the_first_ends_the_table_and_is_warned(tmp_path, capsys):
    kind = "上海项目"
    first = fixture_form(kind).lists()
    second = [[cell.replace("档案数字化", "档案修复") for cell in row] for row in first]
    rows = [*first, [""] * 4, *second]
    path = typed(kind, rows, tmp_path)
    status, warnings, problems, decl = imported(capsys, kind, path, tmp_path)
    start = len(first) + 2
    assert warnings[0] == (
        f"{path.as_posix()}:{start}:1: W611 “上海市财政支出项目绩效目标申报表”未导入：第 {start} "
        "行起是另一张申报表，只读取第一张（提示：一个文件放一张申报表；另一张请另存为文件后导入）"
    )
    assert all(" W611 " in warning for warning in warnings)
    assert all(int(warning.split(":")[1]) >= start for warning in warnings)
    assert (status, problems) == (0, ())
    assert as_printed(decl) == as_printed(fixture(kind))
    assert not any("档案修复" in name for name in names(decl))


# -- the "last two cells" of a row shifted against its header -----------------------------------


def test_a_row_shifted_left_is_read_in_order_and_warned(tmp_path, capsys):
    kind = "上海项目"
    rows = fixture_form(kind).lists()
    at = next(r for r, row in enumerate(rows) if row[2] == "档案数字化扫描页数") + 1
    rows.insert(at, ["", "扫描批次数", "=4批", ""])
    path = typed(kind, rows, tmp_path)
    _, warnings, _, decl = imported(capsys, kind, path, tmp_path)
    assert warnings == [
        f"{path.as_posix()}:{at + 1}:1: W610 这一行的单元格与表头错位，按顺序读取："
        "三级指标“扫描批次数”、指标值“=4批”"
    ]
    [output] = [l1 for l1 in decl.goals if l1.name == "产出指标"]
    [quantity] = [l2 for l2 in output.children if l2.name == "数量指标"]
    assert [(i.name, i.target.text) for i in quantity.indicators][1] == ("扫描批次数", "=4批")


def test_a_shifted_row_whose_value_is_no_target_is_not_read(tmp_path, capsys):
    kind = "上海项目"
    rows = fixture_form(kind).lists()
    at = next(r for r, row in enumerate(rows) if row[2] == "档案数字化扫描页数") + 1
    rows.insert(at, ["", "经办人", "王五", ""])
    path = typed(kind, rows, tmp_path)
    _, warnings, _, decl = imported(capsys, kind, path, tmp_path)
    assert warnings == [f"{path.as_posix()}:{at + 1}:1: W604 “王五”没有指标值，未导入：“经办人”"]
    assert as_printed(decl) == as_printed(fixture(kind))
