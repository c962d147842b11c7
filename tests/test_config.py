"""Configuration errors: a broken style file or data file exits 2 with the file and the key,
before anything is written; a declaration's own errors exit 1."""

from __future__ import annotations

import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, edit

from generator.build.build import build
from generator.cli import main

DATA_CASES = {
    "units: places not a number": (
        "units.yaml",
        "  places: 2\n",
        "  places: abc\n",
        "元.places 应为 0 到 6 之间的整数，而不是“abc”",
    ),
    "units: no unit worth 1 元": (
        "units.yaml",
        "  in_yuan: 1\n",
        "  in_yuan: 2\n",
        "没有 in_yuan 为 1 的单位（金额换算成元时要用它）",
    ),
    "framework: 二级 not a list": (
        "frameworks/shanghai-2022-13.yaml",
        "  产出指标: [数量指标, 质量指标, 时效指标, 成本指标]\n",
        "  产出指标: 数量指标\n",
        "level1.产出指标 应为二级指标名称的列表",
    ),
    "framework: a list where a mapping belongs": (
        "frameworks/88.yaml",
        "empty_level2: true\n",
        "empty_level2: true\nadd: [社会公众满意度指标]\n",
        "add 应为 一级: [二级, …] 的映射",
    ),
    "kind: an unknown field type": (
        "kinds/shanghai-department.yaml",
        "  下属预算单位个数:\n    type: integer\n",
        "  下属预算单位个数:\n    type: count\n",
        "fields.下属预算单位个数.type 未知的类型“count”；可用：text、long text、texts、amount、"
        "integer、number、percent、year、date、bool、choice、unit、target、group、list、indicators",
    ),
    "kind: a rule naming a field the kind does not have": (
        "kinds/shanghai-department.yaml",
        "    of: [预算情况.资金来源.财政拨款, 预算情况.资金来源.其他资金]\n",
        "    of: [预算情况.资金来源.财政拨款, 预算情况.资金来源.其它资金]\n",
        "rules[0].of “预算情况.资金来源.其它资金”不是这个表样的字段",
    ),
    "operators: an empty operator": (
        "operators.yaml",
        '"<>": "≠"\n',
        '"<>": ""\n',
        "<> 应为非空文字",
    ),
    "lint: a limit that is not a number": (
        "lint.yaml",
        "satisfaction_minimum: 85\n",
        "satisfaction_minimum: [85]\n",
        "satisfaction_minimum 应为 0 到 100 之间的数，而不是一个列表",
    ),
    "lint: an expected 一级 its framework does not have": (
        "lint.yaml",
        "  财预〔2021〕101号: [产出指标, 成本指标, 效益指标, 满意度指标]\n",
        "  财预〔2021〕101号: [产出指标, 投入管理指标]\n",
        "expected_level1.财预〔2021〕101号 “投入管理指标”不是财预〔2021〕101号的一级指标",
    ),
    "lint: a key missing": (
        "lint.yaml",
        "rate_suffixes: [率, 度]\n",
        "",
        "rate_suffixes 缺少该设置",
    ),
    "invisible: a range written backwards": (
        "invisible.yaml",
        '  "FE00-FE0F": 变体选择符\n',
        '  "FE0F-FE00": 变体选择符\n',
        'also.FE0F-FE00 应为十六进制码位或范围（例如 "200B"、"FE00-FE0F"），而不是“FE0F-FE00”',
    ),
    "invisible: a name for a character that is not a format character": (
        "invisible.yaml",
        '  "00AD": 软连字符\n',
        '  "4E00": 一\n',
        'names.4E00 应为一个格式控制字符（Unicode 类别 Cf）的码位，例如 "200B"',
    ),
    "operators: a spelling mapped to no operator": (
        "operators.yaml",
        '">=": ">="\n',
        '">=": 5\n',
        ">= 应为运算符 <、<=、=、>、>=、≠ 之一，而不是“5”",
    ),
    "operators: a spelling that no target can start with": (
        "operators.yaml",
        '"<>": "≠"\n',
        '"<>": "≠"\ngt: ">"\n',
        "gt 不是运算符的写法：只能由 < > = ≥ ≤ ≠ ! 组成（空格和全角写法在查找前已去掉）",
    ),
    "operators: a spelling with a space": (
        "operators.yaml",
        '"<>": "≠"\n',
        '"<>": "≠"\n"> =": ">="\n',
        "> = 不是运算符的写法：只能由 < > = ≥ ≤ ≠ ! 组成（空格和全角写法在查找前已去掉）",
    ),
    "targets: an operator word mapped to no operator": (
        "targets.yaml",
        '  不低于: ">="\n',
        '  不低于: "≧"\n',
        "operator_words.不低于 不是可用的运算符：“≧”（可用：<、<=、=、>、>=、≠）",
    ),
}


@pytest.mark.parametrize("case", list(DATA_CASES))
def test_a_broken_data_file_exits_2_naming_the_file_and_the_key(
    case, data_copy, write_declaration, capsys
):
    name, old, new, message = DATA_CASES[case]
    edit(data_copy / name, old, new)
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    assert main(["lint", str(source)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"错误：{data_copy / name}: {message}\n"


def test_a_yaml_syntax_error_in_a_data_file_exits_2(data_copy, write_declaration, capsys):
    edit(
        data_copy / "frameworks/88.yaml",
        "  产出指标: [数量指标, 质量指标",
        "  产出指标: [数量指标, 质量指标:",
    )
    assert main(["check", str(write_declaration(MINIMAL.read_text(encoding="utf-8")))]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"错误：{data_copy / 'frameworks/88.yaml'}: 不是有效的 YAML（")
    assert "line 9, column" in err and "Traceback" not in err


def test_a_data_file_is_read_on_first_use_not_on_import(data_copy):
    edit(data_copy / "operators.yaml", '">=": ">="', '">=": [">="')
    # a fresh interpreter: the data folder is pointed at the copy before the CLI is imported
    program = (
        "import sys, pathlib, generator.kinds.vocabulary as v; "
        f"v.DATA = pathlib.Path({str(data_copy)!r}); "
        "from generator.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    run = partial(subprocess.run, capture_output=True, text=True, cwd=ROOT, check=False)
    assert run([sys.executable, "-c", program, "--help"]).returncode == 0
    result = run([sys.executable, "-c", program, "schema"])
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"错误：{data_copy / 'operators.yaml'}: 不是有效的 YAML（")


def templates_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "generator" / "templates", folder)
    return folder


LAYOUT = "  form-shanghai-department: {columns: [30, 26, 29, 15], xlsx_width: 92}\n"
STYLE_CASES = {
    "a quote in a colour": (
        'border: "000000"',
        "border: '00\"00'",
        'border 应为 6 位十六进制颜色 RRGGBB（例如 "000000"），而不是“00"00”',
    ),
    "a colour name": (
        'label_fill: "F2F2F2"',
        "label_fill: grey",
        'label_fill 应为 6 位十六进制颜色 RRGGBB（例如 "000000"），而不是“grey”',
    ),
    "a colour YAML reads as a number": (
        'border: "000000"',
        "border: 000000",
        'border 是颜色，要加引号，例如 "000000"（不加引号时读成了数字 0）',
    ),
    "a zero font size": (
        "body:     {east_asian: 宋体, latin: Times New Roman, size: 10.5}",
        "body:     {east_asian: 宋体, latin: Times New Roman, size: 0}",
        "fonts.body.size 应为 1 到 100 之间的数（磅），而不是“0”",
    ),
    "a font size as text": (
        "size: 16, bold: true",
        "size: big, bold: true",
        "fonts.title.size 应为 1 到 100 之间的数（磅），而不是“big”",
    ),
    "a font name XML cannot hold": (
        "latin: Arial",
        "latin: 'Arial\"/><w:b/>'",
        'fonts.title.latin 不能含 " < > & 或控制字符：“Arial"/><w:b/>”',
    ),
    "an empty font name": (
        "subtitle: {east_asian: 宋体,",
        "subtitle: {east_asian: '',",
        "fonts.subtitle.east_asian 应为非空文字",
    ),
    "bold that is not true or false": (
        "size: 16, bold: true",
        "size: 16, bold: 粗",
        "fonts.title.bold 应为 true 或 false，而不是“粗”",
    ),
    "a zero column width": (
        "columns: [30, 26, 29, 15]",
        "columns: [30, 0, 29, 15]",
        "layouts.form-shanghai-department.columns[2] 应为 0.1 到 1000 之间的数，而不是“0”",
    ),
    "a negative page width": (
        "width: 210",
        "width: -210",
        "page.width 应为 50 到 2000 之间的数（毫米），而不是“-210”",
    ),
    "margins wider than the page": (
        "margin_left: 18",
        "margin_left: 200",
        "page.margin_left 左右页边距之和应小于页面宽度 210 毫米",
    ),
    "a colour followed by a line break": (
        'border: "000000"',
        'border: "000000\\n"',
        'border 应为 6 位十六进制颜色 RRGGBB（例如 "000000"），而不是“000000\\n”',
    ),
    "an unknown key": (
        "line_spacing: 1.4",
        "line_spacing: 1.4\nline_spaceing: 1.5",
        "line_spaceing 未知的设置；可用：page、fonts、layouts、label_fill、border、table_gap、"
        "operators、line_spacing",
    ),
    "an unknown page key": (
        "  margin_right: 18",
        "  margin_right: 18\n  gutter: 5",
        "page.gutter 未知的设置；可用：width、height、margin_top、margin_bottom、margin_left、"
        "margin_right",
    ),
    "an unknown font": (
        "  label:",
        "  table: {east_asian: 宋体, latin: Arial, size: 9}\n  label:",
        "fonts.table 未知的设置；可用：body、title、subtitle、label",
    ),
    "an unknown font key": (
        "size: 16, bold: true",
        "size: 16, bold: true, italic: true",
        "fonts.title.italic 未知的设置；可用：east_asian、latin、size、bold",
    ),
    "an unknown layout key": (
        "xlsx_width: 92}",
        "xlsx_width: 92, rows: 3}",
        "layouts.form-shanghai-department.rows 未知的设置；可用：columns、xlsx_width、landscape、repeat",
    ),
    "an operator that is not one": (
        "line_spacing: 1.45",
        'line_spacing: 1.45\noperators: {"≥": "≥"}',
        "operators.≥ 未知的设置；可用：<、<=、=、>、>=、≠",
    ),
    "fewer column widths than the layout's columns": (
        "columns: [30, 26, 29, 15]",
        "columns: [30, 26, 29]",
        "layouts.form-shanghai-department.columns 有 3 个列宽，而布局模板 form-shanghai-department "
        "的表格有 4 列（列数随内容变化的布局写 repeat: true）",
    ),
    "more column widths than the layout's columns": (
        "columns: [30, 26, 29, 15]",
        "columns: [30, 26, 29, 15, 10]",
        "layouts.form-shanghai-department.columns 有 5 个列宽，而布局模板 form-shanghai-department "
        "的表格有 4 列（列数随内容变化的布局写 repeat: true）",
    ),
    "a misspelt font": (
        "  title:",
        "  titel:",
        "fonts.titel 未知的设置；可用：body、title、subtitle、label",
    ),
    "a missing font": (
        "  title:    {east_asian: 黑体, latin: Arial, size: 16, bold: true}\n",
        "",
        "fonts.title 缺少该设置",
    ),
    # (from the validation of kinds and layouts)
    "a misspelt layout": (
        "  form-shanghai-department:",
        "  form-shanghai-departmnet:",
        "layouts.form-shanghai-departmnet 不是布局模板的名称；可用：form-national-department、"
        "form-national-department-landscape、form-national-project、form-shanghai-department、"
        "form-shanghai-project、index、trend",
    ),
    "a layout that is another kind of template": (
        LAYOUT,
        LAYOUT + "  summary: {columns: [1], xlsx_width: 12}\n",
        "layouts.summary 不是布局模板的名称；可用：form-national-department、"
        "form-national-department-landscape、form-national-project、form-shanghai-department、"
        "form-shanghai-project、index、trend",
    ),
    "a kind's layout without widths": (
        LAYOUT,
        "",
        "layouts.form-shanghai-department.columns 缺少该设置：布局模板 form-shanghai-department "
        "各列的相对宽度（在 layouts 下加上 form-shanghai-department: {columns: [左起各列的宽度], "
        "xlsx_width: 总宽}；各列等宽写 columns: [1] 和 repeat: true）",
    ),
    "a control character in a font name": (
        "{east_asian: 黑体,",
        '{east_asian: "黑\\n体",',
        'fonts.title.east_asian 不能含 " < > & 或控制字符：“黑\\n体”',
    ),
    "a control character in a key": (
        "  margin_right: 18",
        '  margin_right: 18\n  "gut\\tter": 5',
        "page.gut\\tter 未知的设置；可用：width、height、margin_top、margin_bottom、margin_left、"
        "margin_right",
    ),
}


@pytest.mark.parametrize("case", list(STYLE_CASES))
def test_a_broken_style_exits_2_naming_the_key_and_writes_nothing(
    case, write_declaration, tmp_path, capsys, monkeypatch
):
    old, new, message = STYLE_CASES[case]
    templates = templates_copy(tmp_path)
    edit(templates / "form.style.yaml", old, new)
    monkeypatch.setattr("generator.build.build.build", partial(build, templates=templates))
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"错误：{templates / 'form.style.yaml'}: {message}\n"
    assert not list(out.rglob("*.docx")) and not list(out.rglob("*.xlsx"))


def test_an_empty_label_fill_and_a_quoted_size_are_read(write_declaration, tmp_path):
    templates = templates_copy(tmp_path)
    edit(templates / "form.style.yaml", 'label_fill: "F2F2F2"', 'label_fill: ""')
    edit(templates / "form.style.yaml", "size: 16,", 'size: "16",')
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    assert build([source], tmp_path / "out", templates).ok
    assert (tmp_path / "out" / "2023" / "case.docx").is_file()


def test_import_refuses_to_read_targets_with_a_broken_operators_file(data_copy, tmp_path, capsys):
    # `">=": 5` once read `>=90%` as `590%`: now no form is read with it
    edit(data_copy / "operators.yaml", '">=": ">="\n', '">=": 5\n')
    seed = ROOT / "tests" / "data" / "seed-2023.txt"
    assert main(["import", str(seed), "-o", str(tmp_path / "2023" / "x.yaml")]) == 2
    captured = capsys.readouterr()
    assert captured.err.endswith(
        f"错误：{data_copy / 'operators.yaml'}: >= 应为运算符 <、<=、=、>、>=、≠ 之一，而不是“5”\n"
    )
    assert not (tmp_path / "2023" / "x.yaml").exists()
