"""import: the seed's text export, our own XLSX and DOCX, and hand-typed variations of the form,
each read back into the same declaration as its YAML."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import MINIMAL, SEED_TEXT, SEED_YAML, comparable
from hypothesis import HealthCheck, given, settings
from test_properties import declarations

from generator.cli import main
from generator.authoring.emit import emit_declaration
from generator.importing.grid import grid_from_tsv
from generator.importing.read_form import read_form
from generator.declaration.sources import read_checked, read_checked_text


def model(path: Path):
    checked = read_checked(path)
    assert checked.diagnostics == ()
    return checked.declaration


def imported(path: Path, tmp_path: Path, capsys) -> tuple[object, list[str], str]:
    """Import `path` into tmp/2023/<name>.yaml: (model, warning lines, YAML text)."""
    target = tmp_path / "2023" / f"{path.stem}.yaml"
    status = main(["import", str(path), "-o", str(target)])
    captured = capsys.readouterr()
    assert status == 0, captured.out + captured.err
    warnings = [line for line in captured.err.splitlines() if " W6" in line]
    return model(target), warnings, target.read_text(encoding="utf-8")


def test_seed_export_imports_equal_to_the_declaration(tmp_path, capsys):
    decl, warnings, text = imported(SEED_TEXT, tmp_path, capsys)
    assert comparable(decl) == comparable(model(SEED_YAML))
    source = SEED_TEXT.as_posix()
    assert warnings == [
        f"{source}:46:1: W603 “党建活动次数”的目标值“> =11次”读作“>=11次”",
        f"{source}:107:1: W601 “时效指标”标签印在所属各行之后（合并单元格导出所致）：第 72–90 行中名称以“及时率/及时性”结尾的 19 项归入 产出指标 / 时效指标",
        f"{source}:108:1: W601 “社会效益指标”标签印在所属各行之后（合并单元格导出所致）：第 91–106 行中位于其后的 16 项归入 效益指标 / 社会效益指标",
    ]
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../schema/declaration.schema.json"
    assert lines[1] == (
        "# 由 seed-2023.txt 导入（表样：上海整体，按表中的栏目识别）。"
        "核对标有“导入时推断”或“原表写作”的地方。"
    )
    at = lines.index("    时效指标:")
    assert lines[at - 1].startswith("    # 导入时推断：“时效指标”标签印在所属各行之后")
    at = lines.index('      党建活动次数: ">=11次"')
    assert lines[at - 1] == "      # 原表写作“> =11次”"


@pytest.mark.parametrize("suffix", ["xlsx", "docx"])
def test_our_own_forms_import_equal(seed_outputs, tmp_path, capsys, suffix):
    decl, warnings, _ = imported(seed_outputs / f"{SEED_YAML.stem}.{suffix}", tmp_path, capsys)
    assert comparable(decl) == comparable(model(SEED_YAML))
    assert warnings == []


# The official layout for tests/data/minimal.yaml, as someone would type it into Excel.
FORM = [
    ["部门（单位）整体支出绩效目标申报表", "", "", ""],
    ["（2023年度）", "", "", ""],
    ["部门名称", "测试局", "下属预算单位个数", "0"],
    ["部门职责", "测试职责", "", ""],
    ["年度履职目标", "测试目标", "", ""],
    ["年度重点任务", "", "", ""],
    ["任务名称", "主要内容（重点工作计划）", "", ""],
    ["任务一", "内容一", "", ""],
    ["预算情况", "", "", ""],
    ["内容", "预算情况", "", ""],
    ["部门整体预算总额（元）", "100.00", "", ""],
    ["1、资金来源：（1）财政拨款", "80.00", "", ""],
    ["（2）其他资金", "20.00", "", ""],
    ["2、资金结构：（1）基本支出", "60.00", "", ""],
    ["（2）项目支出", "40.00", "", ""],
    ["年末资产总额（元）", "年末在职人数", "内设机构数", ""],
    ["10.00", "3", "1", ""],
    ["分解目标", "", "", ""],
    ["一级目标", "二级目标", "三级目标", "指标目标值"],
    ["产出指标", "数量指标", "会议次数", "=4次"],
    ["满意度指标", "服务对象满意度指标", "满意度", ">=90%"],
]


def edited(replacements: dict[str, str], rows=FORM) -> list[list[str]]:
    return [[replacements.get(cell, cell) for cell in row] for row in rows]


def write_xlsx(path: Path, rows: list[list[str]], merges=(), numbers=True) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            if not text:
                continue
            value: object = text
            if numbers and text.replace(".", "", 1).isdigit():
                value = float(text) if "." in text else int(text)
            sheet.cell(r, c).value = value
            sheet.cell(r, c).data_type = "n" if not isinstance(value, str) else "s"
    for merge in merges:
        sheet.merge_cells(merge)
    workbook.save(path)
    return path


def write_tsv(path: Path, rows: list[list[str]], encoding="utf-8") -> Path:
    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if "\n" in text or '"' in text else text

    path.write_bytes("\n".join("\t".join(cell(c) for c in row) for row in rows).encode(encoding))
    return path


def test_hand_typed_xlsx_with_blank_rows_columns_and_other_merges(tmp_path, capsys):
    rows = []
    for row in FORM:
        rows.append(["", *row, ""])  # a blank column in front and behind
        if row[0] in ("年度履职目标", "（2）项目支出", "分解目标"):
            rows.append([""] * 6)  # blank rows between sections
    merges = ["B1:E1", "C5:E5", "C6:D6", "C4:C4"]  # spans unlike ours
    decl, warnings, _ = imported(
        write_xlsx(tmp_path / "typed.xlsx", rows, merges), tmp_path, capsys
    )
    assert comparable(decl) == comparable(model(minimal_2023(tmp_path)))
    assert warnings == []


def minimal_2023(tmp_path: Path) -> Path:
    path = tmp_path / "expected" / "2023" / "minimal.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_level1_repeated_on_every_row_instead_of_merged(tmp_path, capsys):
    rows = [
        *FORM[:-2],
        ["产出指标", "数量指标", "会议次数", "=4次"],
        ["产出指标", "数量指标", "参会人数", "=30人次"],
        FORM[-1],
    ]
    decl, _, _ = imported(write_tsv(tmp_path / "repeated.txt", rows), tmp_path, capsys)
    [output, _] = decl.goals
    assert [(i.name, i.target.text) for i in output.children[0].indicators] == [
        ("会议次数", "=4次"),
        ("参会人数", "=30人次"),
    ]


def test_label_variants_text_amounts_and_operators(tmp_path, capsys):
    rows = edited(
        {
            "部门整体预算总额（元）": "部门整体预算总额",
            "年末资产总额（元）": "年末资产总额",
            "测试局": "测试局（汇总）",
            "10.00": "1,234.50",
            ">=90%": "≥ 90%",
            "=4次": "= 4次",
            "部门名称": "部 门 名 称",
        }
    )
    decl, warnings, _ = imported(
        write_xlsx(tmp_path / "variants.xlsx", rows, numbers=False), tmp_path, capsys
    )
    assert (decl.department, decl.get("汇总")) == ("测试局", True)
    assert decl.get("年末资产总额") == Decimal("1234.50")
    assert decl.get("预算情况.部门整体预算总额") == Decimal("100.00")
    targets = [i.target.text for _, _, i in decl.indicators()]
    assert targets == ["=4次", ">=90%"]
    assert len([w for w in warnings if " W603 " in w]) == 2


def test_amounts_in_wan_yuan(tmp_path, capsys):
    rows = edited(
        {
            "部门整体预算总额（元）": "部门整体预算总额（万元）",
            "年末资产总额（元）": "年末资产总额（万元）",
        }
    )
    decl, _, text = imported(write_tsv(tmp_path / "wan.txt", rows), tmp_path, capsys)
    assert decl.amount_unit == "万元"
    assert "金额单位: 万元" in text


def test_tsv_with_a_cell_wrapped_over_lines_and_gbk_encoding(tmp_path, capsys):
    rows = edited({"测试职责": "第一行\n第二行"})
    decl, warnings, _ = imported(
        write_tsv(tmp_path / "gbk.txt", rows, encoding="gb18030"), tmp_path, capsys
    )
    assert decl.get("部门职责") == "第一行\n第二行"
    # the rows after the wrapped cell are still in step
    assert decl.get("年度重点任务")[0]["任务名称"] == "任务一"
    assert any(" W605 " in w for w in warnings)


def test_inconsistent_form_keeps_its_numbers_and_check_reports_them(tmp_path, capsys):
    path = write_tsv(tmp_path / "bad.txt", edited({"20.00": "21.00"}))
    target = tmp_path / "2023" / "bad.yaml"
    assert main(["import", str(path), "-o", str(target)]) == 1
    out = capsys.readouterr().out
    assert " E201 财政拨款 + 其他资金 = 101.00 ≠ 部门整体预算总额 100.00" in out
    assert "其他资金: 21.00" in target.read_text(encoding="utf-8")


def test_refuses_to_overwrite_without_force(tmp_path, capsys):
    path = write_tsv(tmp_path / "form.txt", FORM)
    into = tmp_path / "declarations" / "2023"
    assert main(["import", str(path), "--into", str(into)]) == 0
    written = into / "form.yaml"
    written.write_text("# 手改过\n", encoding="utf-8")
    assert main(["import", str(path), "--into", str(into)]) == 2
    assert "已存在" in capsys.readouterr().err
    assert written.read_text(encoding="utf-8") == "# 手改过\n"
    assert main(["import", str(path), "--into", str(into), "--force"]) == 0
    assert "# 由 form.txt 导入" in written.read_text(encoding="utf-8")


def test_something_that_is_not_a_form(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("会议纪要\t2023年\n", encoding="utf-8")
    assert main(["import", str(path)]) == 1
    assert "E601 找不到" in capsys.readouterr().out


def test_canonical_yaml_of_the_seed_is_stable():
    decl = model(SEED_YAML)
    text = emit_declaration(decl)
    again = read_checked_text(text, "declarations/2023/x.yaml")
    assert again.diagnostics == ()
    assert comparable(again.declaration) == comparable(decl)
    assert emit_declaration(again.declaration) == text


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(declarations())
def test_canonical_yaml_round_trips_random_declarations(case):
    data, _ = case
    source = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    original = read_checked_text(source, "src/2023/random.yaml")
    assert original.diagnostics == ()
    text = emit_declaration(original.declaration)
    again = read_checked_text(text, "src/2023/random.yaml")
    assert again.diagnostics == (), text
    assert comparable(again.declaration) == comparable(original.declaration)


def test_grid_remembers_source_lines_of_wrapped_cells():
    grid = grid_from_tsv('a\t"x\ny"\nb\tc\n', "t.txt")
    assert grid.rows == (("a", "x\ny"), ("b", "c"))
    assert grid.numbers == (1, 3)
    assert read_form(grid, "t").errors[0].code == "E601"


def test_unreadable_amounts_and_rows_are_warned_about(tmp_path, capsys):
    rows = [*edited({"10.00": "十元"}), ["", "", "孤立的文字", ""]]
    path = write_tsv(tmp_path / "odd.txt", rows)
    # an amount that cannot be read is left out, never invented: check then says it is missing
    assert main(["import", str(path)]) == 1
    captured = capsys.readouterr()
    assert f"{path.as_posix()}:17:1: W602 “年末资产总额”的金额“十元”无法读取，未导入" in captured.err
    assert f"{path.as_posix()}:22:1: W604 无法识别这一行：孤立的文字，未导入" in captured.err
    assert "E102 缺少必填项“年末资产总额”" in captured.out
