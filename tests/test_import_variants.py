"""import reads forms as other departments type them: the defects of issue 15 (an indicator table
with more columns than 三级 | 指标值, a 三级 named like a 二级, 成本指标 as a 二级, labels in
other spellings, blocks a kind has no field for), and every hand-typed variant of
tests/import_variants.py, each imported into its kind's fixture or warned exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from import_variants import FIXTURES, FORMS, VARIANTS, Form, Variant, fixture_form, write_form
from test_import_invariant import assert_every_cell_accounted
from test_import_kinds import as_printed

from generator.cli import main
from generator.declaration.sources import read_checked

HINT = "（提示：若是申报的内容，请在导入的 YAML 中手工补上）"


def place(kind: str, root: Path, name: str = "form") -> Path:
    """Where an import of `kind`'s fixture goes under `root`: a project in its department's
    folder, beside its 整体 form, so that `check` finds it in place."""
    fixture = Path(FIXTURES[kind])
    if fixture.parent.name != "2024":
        department = fixture.parent.with_suffix(".yaml")
        (root / fixture.parent).mkdir(parents=True, exist_ok=True)
        shutil.copy(FORMS / department, root / department)
        return root / fixture.parent / f"{name}.yaml"
    (root / "2024").mkdir(parents=True, exist_ok=True)
    return root / "2024" / f"{name}.yaml"


def run_import(capsys, kind: str, path: Path, tmp_path: Path):
    """Import `path`: the exit status, its warnings (the lines before "→"), what `check` says
    of the YAML, the declaration and the YAML text."""
    target = place(kind, tmp_path / "imported", path.stem)
    status = main(["import", str(path), "-o", str(target)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    lines = captured.err.splitlines()
    assert lines[-1].startswith(f"{path} → {target}"), captured.out + captured.err
    checked = read_checked(target)
    text = target.read_text(encoding="utf-8")
    return status, lines[:-1], checked.diagnostics, checked.declaration, text


def expected_declaration(kind: str, text: str, tmp_path: Path):
    target = place(kind, tmp_path / "expected")
    target.write_text(text, encoding="utf-8")
    checked = read_checked(target)
    assert checked.diagnostics == ()
    return checked.declaration


def form_of(kind: str, rows: list[list[str]], tmp_path: Path, suffix: str = "xlsx") -> Path:
    """`rows` (the kind's fixture edited) typed without merges."""
    return write_form(fixture_form(kind).edit(rows, ()), tmp_path, "typed", suffix)


def w611(path: Path, line: int, col: int, text: str, kind: str) -> str:
    return (
        f"{path.as_posix()}:{line}:{col}: W611 “{text}”未导入：不属于表样“{kind}”的任何栏目{HINT}"
    )


# -- (a) an indicator table with more columns than 三级 | 指标值 --------------------------------


def test_extra_columns_of_a_kind_that_has_them_are_read_by_their_header(tmp_path, capsys):
    """The landscape form's columns in another order (分值 first, 指标值 last): each value by
    its header, not the last two cells as name and target."""
    rows = fixture_form("全国整体横版").lists()
    header = rows.index(next(r for r in rows if r[2] == "三级指标"))
    for row in rows[header : header + 6]:
        row[3:] = [row[9], row[8], row[7], row[6], row[5], row[4], row[3]]
    path = form_of("全国整体横版", rows, tmp_path)
    status, warnings, problems, decl, _ = run_import(capsys, "全国整体横版", path, tmp_path)
    assert (status, warnings, problems) == (0, [], ())
    original = read_checked(FORMS / FIXTURES["全国整体横版"]).declaration
    assert as_printed(decl) == as_printed(original)


def test_a_row_with_extra_columns_and_no_target_is_warned_not_read_from_its_last_cells(
    tmp_path, capsys
):
    rows = fixture_form("全国整体横版").lists()
    row = next(r for r, cells in enumerate(rows) if cells[2] == "农民培训人次")
    rows[row][3] = ""
    path = form_of("全国整体横版", rows, tmp_path)
    _, warnings, _, decl, _ = run_import(capsys, "全国整体横版", path, tmp_path)
    header = next(cells for cells in rows if cells[2] == "三级指标")
    dropped = "、".join(f"{h}“{t}”" for h, t in zip(header[4:], rows[row][4:], strict=True) if t)
    assert warnings == [
        f"{path.as_posix()}:{row + 1}:1: W604 “农民培训人次”没有指标值，未导入：{dropped}"
    ]
    names = [indicator.name for _, _, indicator in decl.indicators()]
    assert "农民培训人次" not in names
    assert not any("扣分" in name for name in names)


def test_extra_columns_of_a_kind_without_them_are_warned_never_read_as_name_or_target(
    tmp_path, capsys
):
    """上海整体 prints 三级目标 | 指标目标值; a form that adds 计量单位, 评(扣)分标准 and 分值
    (and 指标解释, a field the kind keeps but does not print) has each extra cell warned, and
    a row whose target is blank is warned, not read from its last two cells."""
    kind = "上海整体"
    rows = [[*row, "", "", "", ""] for row in fixture_form(kind).lists()]
    header = next(r for r, row in enumerate(rows) if row[2] == "三级目标")
    rows[header][4:8] = ["计量单位", "指标解释", "评(扣)分标准", "分值"]
    first = header + 4  # 档案数字化页数
    rows[first][4:8] = ["页", "全年扫描的页数", "完成得满分", "50"]
    rows[first + 1][4:8] = ["%", "验收合格的比例", "每低1%扣1分", "50"]
    rows[first + 1][3] = ""  # no target
    path = form_of(kind, rows, tmp_path)
    _, warnings, _, decl, _ = run_import(capsys, kind, path, tmp_path)
    line = first + 1
    assert warnings == [
        w611(path, header + 1, 5, "计量单位", kind),
        w611(path, header + 1, 7, "评(扣)分标准", kind),
        w611(path, header + 1, 8, "分值", kind),
        w611(path, line, 5, "页", kind),
        w611(path, line, 7, "完成得满分", kind),
        w611(path, line, 8, "50", kind),
        f"{path.as_posix()}:{line + 1}:1: W604 “数字化成果验收合格率”没有指标目标值，未导入："
        "指标解释“验收合格的比例”",
        w611(path, line + 1, 5, "%", kind),  # the columns the kind has not: as in any row
        w611(path, line + 1, 7, "每低1%扣1分", kind),
        w611(path, line + 1, 8, "50", kind),
    ]
    [indicator] = [i for _, _, i in decl.indicators() if i.name == "档案数字化页数"]
    assert indicator.target.text == ">=500,000页"
    assert indicator.values["指标解释"] == "全年扫描的页数"
    names = [i.name for _, _, i in decl.indicators()]
    assert "数字化成果验收合格率" not in names and "每低1%扣1分" not in names


# -- (b) a 三级 named like a 二级 -----------------------------------------------------------------


@pytest.mark.parametrize("level1", ["", "成本指标"])
def test_a_level3_named_like_its_level2_is_read(tmp_path, capsys, level1):
    """In 财预〔2021〕101号 a 成本指标 | 社会成本指标 | 社会成本指标 row is a 三级 of its own."""
    kind = "全国项目"
    rows = fixture_form(kind).lists()
    at = next(r for r, row in enumerate(rows) if row[1] == "数量指标")
    rows[at:at] = [
        ["成本指标", "经济成本指标", "生均改造成本", "", "", "<=650元"],
        [level1, "社会成本指标", "社会成本指标", "", "", "无"],
    ]
    rows[at + 2][0] = "产出指标"
    rows = [r for r in rows if r[2] != "每平方米维修成本"]
    path = form_of(kind, rows, tmp_path)
    status, warnings, problems, decl, _ = run_import(capsys, kind, path, tmp_path)
    assert (status, warnings, problems) == (0, [], ())
    assert decl.framework.name == "财预〔2021〕101号"
    [cost] = [l1 for l1 in decl.goals if l1.name == "成本指标"]
    assert [
        (l2.name, [(i.name, i.target.text) for i in l2.indicators]) for l2 in cost.children
    ] == [
        ("经济成本指标", [("生均改造成本", "<=650元")]),
        ("社会成本指标", [("社会成本指标", "无")]),
    ]


# -- (c) 成本指标 as a 二级 of 产出指标 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "row"),
    [
        ("上海整体", ["", "成本指标", "每页扫描成本", "<=2.4元"]),  # merged 一级
        ("上海整体", ["产出指标", "成本指标", "每页扫描成本", "<=2.4元"]),  # 一级 repeated
        ("上海项目", ["", "成本指标", "每页扫描成本", "<=2.4元"]),
    ],
)
def test_cost_as_a_level2_of_output_stays_where_the_form_puts_it(tmp_path, capsys, kind, row):
    """Regression (passed before): 成本指标 under 产出指标, after its 时效指标."""
    rows = fixture_form(kind).lists()
    at = next(r for r, cells in enumerate(rows) if cells[1] == "时效指标") + 1
    if rows[at][1] == "成本指标":  # the project fixture has one: replace it
        del rows[at]
    rows.insert(at, row)
    path = form_of(kind, rows, tmp_path)
    _, warnings, _, decl, _ = run_import(capsys, kind, path, tmp_path)
    assert warnings == []
    [output] = [l1 for l1 in decl.goals if l1.name == "产出指标"]
    [cost] = [l2 for l2 in output.children if l2.name == "成本指标"]
    assert [(i.name, i.target.text) for i in cost.indicators] == [("每页扫描成本", "<=2.4元")]
    assert [l1.name for l1 in decl.goals if l1.name == "成本指标"] == []


# -- (d) labels in other spellings ---------------------------------------------------------------


def test_labels_of_a_shanghai_form_in_other_spellings_are_read(tmp_path, capsys):
    kind = "上海整体"
    changes = {
        "部门名称": "部门(单位)名称",
        "部门职责": "部门职能概述",
        "年度履职目标": "年度总体目标",
        "部门整体预算总额（元）": "部门整体预算总额(元)",
        "年末资产总额（元）": "年末资产总额",
        "一级目标": "一级指标",
        "二级目标": "二级指标",
        "三级目标": "三级指标",
        "指标目标值": "指标值",
    }
    rows = [[changes.get(cell, cell) for cell in row] for row in fixture_form(kind).rows]
    path = form_of(kind, rows, tmp_path)
    status, warnings, problems, decl, _ = run_import(capsys, kind, path, tmp_path)
    assert (status, warnings, problems) == (0, [], ())
    original = read_checked(FORMS / FIXTURES[kind]).declaration
    assert as_printed(decl) == as_printed(original)


@pytest.mark.parametrize(
    "changes",
    [
        {"部门（单位）名称": "部门(单位)名称", "年度总体目标": "年度总体目标："},
        {"部门（单位）名称": "单位名称", "预算金额（万元）": "预算金额(万元)"},
        {"年度绩效指标": "年度绩效目标", "部门总体资金情况（万元）": "部门总体资金情况(万元)"},
    ],
)
def test_labels_of_a_national_form_in_other_spellings_are_read(tmp_path, capsys, changes):
    kind = "全国整体"
    rows = [[changes.get(cell, cell) for cell in row] for row in fixture_form(kind).rows]
    path = form_of(kind, rows, tmp_path)
    status, warnings, problems, decl, _ = run_import(capsys, kind, path, tmp_path)
    assert (status, warnings, problems) == (0, [], ())
    original = read_checked(FORMS / FIXTURES[kind]).declaration
    assert as_printed(decl) == as_printed(original)


# -- (e) whole blocks -----------------------------------------------------------------------------


def test_a_table_of_duties_on_a_form_whose_kind_has_it_is_read(tmp_path, capsys):
    """Regression (passed before): national-3's 年度履职目标 table, typed into a TSV."""
    decl_path = FORMS / "2024" / "national-3.yaml"
    from test_import_kinds import text_export

    export = text_export(Path(str(_built_xlsx("national-3"))), tmp_path / "national-3.txt")
    status, warnings, problems, decl, _ = run_import(capsys, "全国整体", export, tmp_path)
    assert (status, warnings, problems) == (0, [], ())
    assert as_printed(decl) == as_printed(read_checked(decl_path).declaration)


def _built_xlsx(name: str) -> Path:
    from import_variants import _built

    return _built() / "2024" / f"{name}.xlsx"


def test_a_table_of_duties_on_a_shanghai_form_is_warned_cell_by_cell_not_read_as_text(
    tmp_path, capsys
):
    """上海整体's 年度履职目标 is a text: a 年度履职目标 table with amounts (部门职能 | 年度目标任务
    | 支出项目名称 | 预算金额) is not read into it (its heading is no value): the field is left
    blank (W606) and every cell of the table is warned and kept in a comment (W611)."""
    kind = "上海整体"
    rows = fixture_form(kind).lists()
    at = next(r for r, row in enumerate(rows) if row[0] == "年度履职目标")
    rows[at : at + 1] = [
        ["年度履职目标", "", "", ""],
        ["部门职能", "年度目标任务", "支出项目名称", "预算金额（元）"],
        ["档案管理", "完成馆藏档案数字化扫描", "档案数字化", "1,200,000.00"],
    ]
    path = form_of(kind, rows, tmp_path)
    _, warnings, _, decl, text = run_import(capsys, kind, path, tmp_path)
    line = at + 1
    assert warnings == [
        f"{path.as_posix()}:{line}:1: W606 “年度履职目标”没有填写，留空待补",
        w611(path, line + 1, 1, "部门职能", kind),
        w611(path, line + 1, 2, "年度目标任务", kind),
        w611(path, line + 1, 3, "支出项目名称", kind),
        w611(path, line + 1, 4, "预算金额（元）", kind),
        w611(path, line + 2, 1, "档案管理", kind),
        w611(path, line + 2, 2, "完成馆藏档案数字化扫描", kind),
        w611(path, line + 2, 3, "档案数字化", kind),
        w611(path, line + 2, 4, "1,200,000.00", kind),
    ]
    assert decl.get("年度履职目标") is None
    assert f"# 原表第 {line + 2} 行第 4 列的“1,200,000.00”未导入（不属于任何栏目）" in text


def test_overall_goals_on_a_form_whose_kind_has_no_field_for_them_are_warned(tmp_path, capsys):
    kind = "上海项目"
    rows = fixture_form(kind).lists()
    at = next(r for r, row in enumerate(rows) if row[0] == "项目资金（元）")
    rows.insert(at, ["年度总体目标", "目标1：完成扫描 50 万页。", "", ""])
    path = form_of(kind, rows, tmp_path)
    status, warnings, problems, decl, text = run_import(capsys, kind, path, tmp_path)
    assert (status, problems) == (0, ())
    assert warnings == [
        w611(path, at + 1, 1, "年度总体目标", kind),
        w611(path, at + 1, 2, "目标1：完成扫描 50 万页。", kind),
    ]
    assert (
        f"# 原表第 {at + 1} 行第 2 列的“目标1：完成扫描 50 万页。”未导入（不属于任何栏目）" in text
    )
    original = read_checked(FORMS / FIXTURES[kind]).declaration
    assert as_printed(decl) == as_printed(original)


# -- the hand-typed variants ----------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_a_hand_typed_variant_imports_into_its_kinds_declaration(tmp_path, capsys, variant):
    path = variant.write(tmp_path)
    status, warnings, problems, decl, text = run_import(capsys, variant.kind, path, tmp_path)
    assert warnings == [w.format(path=path.as_posix()) for w in variant.warnings]
    assert problems == ()
    assert status == 0
    expected = expected_declaration(variant.kind, variant.expected_yaml(), tmp_path)
    assert as_printed(decl) == as_printed(expected)
    assert_every_cell_accounted(path, text, warnings)


def test_there_are_ten_different_variants_of_every_kind(tmp_path):
    for kind in FIXTURES:
        variants: list[Variant] = [v for v in VARIANTS if v.kind == kind]
        assert len(variants) >= 10, kind
        inputs = {(v.suffix, v.edit(fixture_form(kind))) for v in variants}
        assert len(inputs) == len(variants), kind  # each a real different input
        assert all(form != fixture_form(kind) for _, form in inputs if isinstance(form, Form))


@pytest.mark.parametrize(
    ("numbering", "said"),
    [
        (("1、", "2、", "3、"), "1、"),
        (("（1）", "（2）", "（3）"), "（1）"),
        (("一、", "二、", "三、"), "一、"),
    ],
)
def test_goals_numbered_otherwise_are_split_by_their_numbers_and_said(
    tmp_path, capsys, numbering, said
):
    kind = "全国整体"
    rows = fixture_form(kind).lists()
    at, col = next(
        (r, c) for r, row in enumerate(rows) for c, cell in enumerate(row) if "目标1：" in cell
    )
    for n, number in enumerate(numbering, start=1):
        rows[at][col] = rows[at][col].replace(f"目标{n}：", number)
    path = form_of(kind, rows, tmp_path)
    status, warnings, problems, decl, text = run_import(capsys, kind, path, tmp_path)
    assert (status, problems) == (0, ())
    assert warnings == [
        f"{path.as_posix()}:{at + 1}:{col + 1}: W614 “年度总体目标”的各行没有“目标1：”这样的编号，"
        f"按其自己的编号（{said}…）分为 3 项（提示：核对分项；YAML 中按表样的编号写）"
    ]
    original = read_checked(FORMS / FIXTURES[kind]).declaration
    assert as_printed(decl) == as_printed(original)
    assert_every_cell_accounted(path, text, warnings)


def test_goals_without_any_numbering_stay_one_item_and_are_said(tmp_path, capsys):
    kind = "全国整体"
    rows = fixture_form(kind).lists()
    at, col = next(
        (r, c) for r, row in enumerate(rows) for c, cell in enumerate(row) if "目标1：" in cell
    )
    rows[at][col] = "\n".join(line.split("：", 1)[1] for line in rows[at][col].split("\n"))
    path = form_of(kind, rows, tmp_path)
    status, warnings, _, decl, _ = run_import(capsys, kind, path, tmp_path)
    assert status == 0
    assert warnings == [
        f"{path.as_posix()}:{at + 1}:{col + 1}: W614 “年度总体目标”的各行没有“目标1：”这样的编号，"
        "读作 1 项（3 行）（提示：核对分项；YAML 中按表样的编号写）"
    ]
    assert len(decl.get("年度总体目标")) == 1
