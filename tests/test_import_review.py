"""import after the hostile review of 2026-11-27 (values and labels): a date it cannot read
whole, an amount typed with its unit, a value with a remark in brackets, a value that holds a
label's word. Each is read exactly or warned (W602 quoting the cell), never dropped, never
taken for a label. Every file is a kind's fixture form edited (tests/import_variants.py),
written into the test's tmp_path."""

from __future__ import annotations

import pytest
from import_variants import fixture_form, replaced, write_form
from test_import_invariant import assert_every_cell_accounted

from generator.cli import main


def imported(capsys, tmp_path, kind: str, changes: dict[str, str], every: bool = True):
    """Import `kind`'s fixture form with the cells `changes` names replaced: the exit status,
    the import's diagnostics (with {path} for the file; not what `check` says of the YAML) and
    the YAML; every cell placed or warned."""
    form = replaced(changes, every)(fixture_form(kind))
    path = write_form(form, tmp_path, "form", "xlsx")
    target = tmp_path / "2024" / "form.yaml"
    status = main(["import", str(path), "-o", str(target)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    text = target.read_text(encoding="utf-8")
    lines = captured.err.splitlines()[:-1]
    assert_every_cell_accounted(path, text, lines)
    own = f"{path.as_posix()}:"
    shown = [line.replace(own, "{path}:") for line in lines if line.startswith(own)]
    return status, shown, text


def w602(row: int, col: int, key: str, what: str, text: str) -> str:
    return f"{{path}}:{row}:{col}: W602 “{key}”的{what}“{text}”无法读取，留空待补"


# -- 1: a date is read only when the cell is one whole date ---------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "2024年3月",
        "2024.03",
        "20240301",
        "45352",  # a number cell (an Excel date saved without its format)
        "2024年3月1日至2024年11月30日",
        "2024年3月1日前后",
    ],
)
def test_a_date_that_is_not_one_whole_date_is_warned_with_its_text(capsys, tmp_path, written):
    status, warnings, text = imported(capsys, tmp_path, "上海项目", {"2024年3月1日": written})
    assert warnings == [w602(7, 2, "开始时间", "日期", written)]
    assert f"# 导入时原表写作“{written}”，无法读取，请填写\n开始时间:\n" in text
    assert status == 1  # check: “开始时间”没有填写


def test_a_date_of_the_national_form_that_has_no_day_is_warned(capsys, tmp_path):
    _, warnings, text = imported(capsys, tmp_path, "全国整体", {"2024年1月15日": "2024年1月"})
    assert warnings == [w602(30, 6, "填报日期", "日期", "2024年1月")]
    assert "# 导入时原表写作“2024年1月”，无法读取，请填写\n" in text


@pytest.mark.parametrize("written", ["2024-3-1", "2024/03/01", " 2024 年 3 月 1 日 "])
def test_a_whole_date_is_read(capsys, tmp_path, written):
    _, warnings, text = imported(capsys, tmp_path, "上海项目", {"2024年3月1日": written})
    assert warnings == []
    assert "\n开始时间: 2024-03-01\n" in text


# -- 2: an amount typed with its unit is converted exactly into the form's unit --------------------


def test_an_amount_typed_in_wan_yuan_on_a_form_in_yuan_is_converted(capsys, tmp_path):
    changes = {"1,200,000.00": "120万元", "0.00": "0 万元"}
    _, warnings, text = imported(capsys, tmp_path, "上海项目", changes)
    assert warnings == []
    assert (
        "项目资金:\n"
        "  # 导入时原表写作“120万元”，换算为元\n"
        "  年度资金总额: 1,200,000.00\n"
        "  # 导入时原表写作“120万元”，换算为元\n"
        "  财政拨款: 1,200,000.00\n"
        "  # 导入时原表写作“0 万元”，换算为元\n"
        "  其他资金: 0.00\n"
    ) in text


def test_an_amount_typed_in_yuan_on_a_form_in_wan_yuan_is_converted(capsys, tmp_path):
    changes = {"项目资金（元）": "项目资金（万元）", "1,200,000.00": "1,234,567.89元"}
    _, warnings, text = imported(capsys, tmp_path, "上海项目", changes)
    assert warnings == []
    assert "金额单位: 万元\n" in text
    assert "  # 导入时原表写作“1,234,567.89元”，换算为万元\n  财政拨款: 123.456789\n" in text


def test_an_amount_in_a_unit_the_form_has_no_name_for_is_warned(capsys, tmp_path):
    _, warnings, _ = imported(capsys, tmp_path, "上海项目", {"0.00": "0千元"})
    assert warnings == [w602(13, 4, "其他资金", "金额", "0千元")]


# -- 5: a value with a remark in brackets is no label ---------------------------------------------


@pytest.mark.parametrize(
    ("kind", "old", "new", "warning"),
    [
        ("上海项目", "1,200,000.00", "1,200,000（含上年结转）", (13, 2, "年度资金总额", "金额")),
        ("上海项目", "2024年3月1日", "2024/03/01（暂定）", (7, 2, "开始时间", "日期")),
        ("上海整体", "38", "38（含借调2人）", (18, 2, "年末在职人数", "数字")),
        ("上海整体", "0", "0（无）", (3, 4, "下属预算单位个数", "数字")),
    ],
)
def test_a_value_with_a_remark_in_brackets_is_warned_with_its_text(
    capsys, tmp_path, kind, old, new, warning
):
    _, warnings, text = imported(capsys, tmp_path, kind, {old: new}, every=False)
    assert warnings == [w602(*warning, new)]
    assert f"# 导入时原表写作“{new}”，无法读取，请填写\n" in text


# -- 6: a value holding a label's word is a value -------------------------------------------------


def test_an_indicator_named_with_a_label_word_is_an_indicator(capsys, tmp_path):
    changes = {"资助资金发放及时率": "联系电话接通率"}
    _, warnings, text = imported(capsys, tmp_path, "全国整体", changes)
    assert warnings == []
    assert '      联系电话接通率: "=100%"\n' in text
    assert "联系电话: 0000-1234567\n" in text


def test_a_task_named_with_a_label_word_is_a_task(capsys, tmp_path):
    _, warnings, text = imported(capsys, tmp_path, "全国整体", {"教师队伍建设": "年度总体目标落实"})
    assert warnings == []
    assert "  - 任务名称: 年度总体目标落实\n" in text
    assert "年度总体目标:\n  - 巩固义务教育基本均衡成果" in text


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [("档案数字化", "项目资金管理系统", "项目名称"), (None, "立项依据见附件", "立项依据")],
)
def test_a_project_value_with_a_label_word_is_its_value(capsys, tmp_path, old, new, key):
    form = fixture_form("上海项目")
    old = old or form.rows[form.find(key)[0]][1]
    _, warnings, text = imported(capsys, tmp_path, "上海项目", {old: new}, every=False)
    assert warnings == []
    assert f"\n{key}: {new}\n" in text
    assert "\n  年度资金总额: 1,200,000.00\n" in text


def test_a_value_typed_as_a_labels_text_is_said_where_the_label_stands_twice(tmp_path, capsys):
    """A value that is exactly another field's label (项目概况： as the 申报单位名称) makes that
    label stand twice; the value after the first is read into its field: said (W616)."""
    status, shown, _ = imported(capsys, tmp_path, "上海项目", {"示例区档案馆": "项目概况："})
    assert status == 1  # written, and check finds 申报单位名称 missing (E102)
    assert "{path}:3:1: W606 “申报单位名称”没有填写，留空待补" in shown
    assert (
        "{path}:3:2: W616 “项目概况”的栏目名在表中出现 2 次（第 3 行第 2 列、第 8 行第 1 列），"
        "按第一处读取，其后的值可能读错了栏目"
        "（提示：核对这几处；一处是填写的内容时，导入的 YAML 中这一栏要手工改正）"
    ) in shown
