"""Wrong kind, framework and style definitions: each is a configuration error naming the file
and the key (exit 2, one line on stderr), never a traceback and never ignored in silence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, clear_cached_readers, edit

from generator import kinds
from generator.build.build import build
from generator.cli import main

NATIONAL = "kinds/national-department.yaml"
LANDSCAPE = "kinds/national-department-landscape.yaml"
SHANGHAI = "kinds/shanghai-department.yaml"
PROJECT = "kinds/shanghai-project.yaml"
NATIONAL_PROJECT = "kinds/national-project.yaml"
RULES = "rules:\n"  # national-department.yaml: a rule put first is rules[0]

# (file, text, replacement, message after "错误：<file>: ")
CASES = {
    # 1. a rule's paths of the wrong number
    "within_year with one path": (
        NATIONAL,
        RULES,
        RULES + "  - within_year: [填报日期]\n",
        "rules[0].within_year 应为起、止两个日期字段的路径，这里有 1 个",
    ),
    "within_year with three paths": (
        NATIONAL,
        RULES,
        RULES + "  - within_year: [填报日期, 填报日期, 填报日期]\n",
        "rules[0].within_year 应为起、止两个日期字段的路径，这里有 3 个",
    ),
    # 2. print and display patterns
    "texts: an unknown placeholder": (
        NATIONAL,
        'print: "目标{n}：{text}"',
        'print: "目标{m}：{text}"',
        "fields.年度总体目标.print “目标{m}：{text}”中的 {m} 不可用：只能写 {n}（序号）和 {text}（内容）",
    ),
    "texts: a format spec": (
        NATIONAL,
        'print: "目标{n}：{text}"',
        'print: "目标{n:d}：{text!r}"',
        "fields.年度总体目标.print “目标{n:d}：{text!r}”中的 {n:d} 不可用：只能写 {n}（序号）和 {text}（内容）",
    ),
    "texts: an unclosed brace": (
        NATIONAL,
        'print: "目标{n}：{text}"',
        'print: "目标{n：{text}"',
        "fields.年度总体目标.print “目标{n：{text}”的花括号不成对（要印出花括号本身，写 {{ 或 }}）",
    ),
    "texts: a pattern that is not text": (
        NATIONAL,
        'print: "目标{n}：{text}"',
        "print: [目标]",
        "fields.年度总体目标.print 应为印法的文字，例如“目标{n}：{text}”，而不是一个列表",
    ),
    "bool: a number": (
        SHANGHAI,
        'print: {true: "(汇总)", false: ""}',
        "print: 123",
        "fields.汇总.print 应为 {true: 文字, false: 文字}（是、否时各印什么），而不是“123”",
    ),
    "bool: a text missing": (
        SHANGHAI,
        'print: {true: "(汇总)", false: ""}',
        'print: {true: "(汇总)"}',
        "fields.汇总.print.false 缺少该设置",
    ),
    "bool: a key other than true or false": (
        SHANGHAI,
        'print: {true: "(汇总)", false: ""}',
        'print: {true: "(汇总)", false: "", 是: "x"}',
        "fields.汇总.print.是 未知的设置；可用：true、false",
    ),
    "bool: a printed value that is no text": (
        SHANGHAI,
        'print: {true: "(汇总)", false: ""}',
        'print: {true: 1, false: ""}',
        "fields.汇总.print.true 应为文字，而不是“1”",
    ),
    "choice: anything but boxes": (
        PROJECT,
        "    print: boxes\n",
        "    print: box\n",
        "fields.项目类型.print 只能是 boxes（各选项都印出，所选一项打 ☑），而不是“box”",
    ),
    "print on a type that has no print": (
        NATIONAL,
        "  填报人:\n    type: text\n",
        "  填报人:\n    type: text\n    print: 填报人{text}\n",
        "fields.填报人.print 类型 text 没有 print 设置（只有 bool、texts、choice 有）",
    ),
    "display: an unknown field": (
        NATIONAL,
        'display: "{部门（单位）名称}"',
        'display: "{不存在}"',
        "display “{不存在}”不是这个表样的字段",
    ),
    "display: a path below the top": (
        SHANGHAI,
        'display: "{部门名称}{汇总}"',
        'display: "{部门名称}{预算情况.部门整体预算总额}"',
        "display “{预算情况.部门整体预算总额}”不可用：只能写顶层字段的键",
    ),
    "display: a group": (
        SHANGHAI,
        'display: "{部门名称}{汇总}"',
        'display: "{部门名称}{预算情况}"',
        "display “{预算情况}”是 group 字段，印不出来",
    ),
    "display: a format spec": (
        SHANGHAI,
        'display: "{部门名称}{汇总}"',
        'display: "{部门名称:>20}"',
        "display “{部门名称:>20}”不可用：只能写 {字段的键}",
    ),
    "display: an unclosed brace": (
        SHANGHAI,
        'display: "{部门名称}{汇总}"',
        'display: "{部门名称"',
        "display “{部门名称”的花括号不成对（要印出花括号本身，写 {{ 或 }}）",
    ),
    # 3. rules whose paths have the wrong type
    "sum: a text total": (
        NATIONAL,
        RULES,
        RULES + "  - sum: 填报人\n    of: [年度预算安排.资金总额]\n",
        "rules[0].sum “填报人”是 text 字段，应为金额（amount）字段",
    ),
    "sum: a text part": (
        NATIONAL,
        RULES,
        RULES + "  - sum: 年度预算安排.资金总额\n    of: [主管部门]\n",
        "rules[0].of “主管部门”是 text 字段，应为金额（amount）字段",
    ),
    "each: a group": (
        NATIONAL,
        "  - each: 年度主要任务\n",
        "  - each: 年度预算安排\n    sum: 资金总额\n    of: [基本支出]\n  - each: 年度主要任务\n",
        "rules[0].each “年度预算安排”是 group 字段，应为列表（list）字段",
    ),
    "each: a text part": (
        NATIONAL,
        "    of: [预算金额.财政拨款, 预算金额.其他资金]\n",
        "    of: [预算金额.财政拨款, 主要内容]\n",
        "rules[0].of “年度主要任务.主要内容”是 long text 字段，应为金额（amount）字段",
    ),
    "total: an amount": (
        NATIONAL,
        "  - total: 金额合计\n",
        "  - total: 年度预算安排.资金总额\n    of: 年度主要任务\n    columns: [预算金额.总额]\n"
        "    into: [总额]\n  - total: 金额合计\n",
        "rules[1].total “年度预算安排.资金总额”是 amount 字段，应为组（group）字段",
    ),
    "total: of a group": (
        NATIONAL,
        "    of: 年度主要任务\n",
        "    of: 年度预算安排\n",
        "rules[1].of “年度预算安排”是 group 字段，应为列表（list）字段",
    ),
    "total: a text column": (
        NATIONAL,
        "    columns: [预算金额.总额, 预算金额.财政拨款, 预算金额.其他资金]\n",
        "    columns: [主要内容, 预算金额.财政拨款, 预算金额.其他资金]\n",
        "rules[1].columns “年度主要任务.主要内容”是 long text 字段，应为金额（amount）字段",
    ),
    "shares: without amount": (
        NATIONAL,
        "  - shares: 部门总体资金情况.收入构成\n    amount: 金额\n",
        "  - shares: 部门总体资金情况.收入构成\n",
        "rules[6].amount 缺少这一项：组中每一项的金额字段的键",
    ),
    "shares: without share": (
        NATIONAL,
        "    amount: 金额\n    share: 占比\n",
        "    amount: 金额\n",
        "rules[6].share 缺少这一项：组中每一项的占比字段的键",
    ),
    "shares: an amount that is not a field": (
        NATIONAL,
        "    amount: 金额\n    share: 占比\n",
        "    amount: 金钱\n    share: 占比\n",
        "rules[6].amount “部门总体资金情况.收入构成.财政拨款.金钱”不是这个表样的字段",
    ),
    "shares: a share that is no percent": (
        NATIONAL,
        "    amount: 金额\n    share: 占比\n",
        "    amount: 金额\n    share: 金额\n",
        "rules[6].share “部门总体资金情况.收入构成.财政拨款.金额”是 amount 字段，"
        "应为百分比（percent）字段",
    ),
    "shares: not a group": (
        NATIONAL,
        "  - shares: 部门总体资金情况.收入构成\n",
        "  - shares: 年度预算安排.资金总额\n",
        "rules[6].shares “年度预算安排.资金总额”是 amount 字段，应为组（group）字段",
    ),
    "scores: a text": (
        LANDSCAPE,
        "  - scores: 分值合计\n",
        "  - scores: 填报人\n",
        "rules[11].scores “填报人”是 text 字段，应为数（number）字段",
    ),
    "scores: no indicator field with role score": (
        LANDSCAPE,
        "    role: score\n",
        "",
        "rules[11].scores 这个表样的 indicator 没有 role: score 的字段（分值）",
    ),
    "scores: a negative default": (
        LANDSCAPE,
        "    default: 100\n",
        "    default: -5\n",
        "rules[11].default 应为不小于 0 的数，而不是“-5”",
    ),
    "before: a text": (
        NATIONAL,
        RULES,
        RULES + "  - before: 填报人\n    after: 填报日期\n",
        "rules[0].before “填报人”是 text 字段，应为日期（date）字段",
    ),
    "within_year: a text": (
        NATIONAL,
        RULES,
        RULES + "  - within_year: [填报日期, 联系电话]\n",
        "rules[0].within_year “联系电话”是 text 字段，应为日期（date）字段",
    ),
    "a rule with a key it does not use": (
        NATIONAL,
        RULES,
        RULES + "  - before: 填报日期\n    after: 填报日期\n    of: [填报日期]\n",
        "rules[0].of 未知的设置；这条规则（before）可用：before、after、code",
    ),
    "at_most: a text": (
        NATIONAL,
        RULES,
        RULES + "  - at_most: 填报人\n    than: 年度预算安排.资金总额\n",
        "rules[0].at_most “填报人”是 text 字段，应为金额（amount）字段",
    ),
    "at_most: without than": (
        NATIONAL,
        RULES,
        RULES + "  - at_most: 年度预算安排.项目支出\n",
        "rules[0].than 应为字段路径",
    ),
    "equal: a text": (
        NATIONAL,
        RULES,
        RULES + "  - equal: 年度预算安排.资金总额\n    to: 主管部门\n",
        "rules[0].to “主管部门”是 text 字段，应为金额（amount）字段",
    ),
    "equal: a field and itself": (
        NATIONAL,
        RULES,
        RULES + "  - equal: 年度预算安排.资金总额\n    to: 年度预算安排.资金总额\n",
        "rules[0].to 与 equal 是同一个字段“年度预算安排.资金总额”：这条规则什么也查不出",
    ),
    "equal: a key of at_most": (
        NATIONAL,
        RULES,
        RULES + "  - equal: 年度预算安排.资金总额\n    than: 年度预算安排.项目支出\n",
        "rules[0].than 未知的设置；这条规则（equal）可用：equal、to、code",
    ),
    # 4. aliases that collide with a sibling's key or alias
    "an alias equal to another field's key": (
        NATIONAL,
        "  主管部门:\n    type: text\n",
        "  主管部门:\n    type: text\n    aliases: [填报人]\n",
        "fields.主管部门.aliases “填报人”与字段“填报人”是同一个键"
        "（键按去掉首尾空格、统一全角/半角后比较）",
    ),
    "an alias equal to another field's key in another width": (
        NATIONAL,
        "  主管部门:\n    type: text\n",
        "  主管部门:\n    type: text\n    aliases: [部门（单位）名称]\n",
        "fields.主管部门.aliases “部门（单位）名称”与字段“部门（单位）名称”是同一个键"
        "（键按去掉首尾空格、统一全角/半角后比较）",
    ),
    "an alias equal to another field's alias": (
        NATIONAL,
        "  主管部门:\n    type: text\n",
        "  主管部门:\n    type: text\n    aliases: [单位名称]\n",
        "fields.主管部门.aliases “单位名称”与字段“部门（单位）名称”的别名“单位名称”是同一个键"
        "（键按去掉首尾空格、统一全角/半角后比较）",
    ),
    "an indicator field's alias equal to another's key": (
        NATIONAL,
        "    aliases: [指标目标值]\n",
        "    aliases: [指标目标值, 备注]\n",
        "indicator.指标值.aliases “备注”与字段“备注”是同一个键"
        "（键按去掉首尾空格、统一全角/半角后比较）",
    ),
    "two keys that are the same key": (
        NATIONAL,
        "  填报人:\n",
        "  AB: {type: text, required: false, help: 试。}\n"
        "  ＡＢ: {type: text, required: false, help: 试。}\n  填报人:\n",
        "fields.ＡＢ 与字段“AB”是同一个键（键按去掉首尾空格、统一全角/半角后比较）",
    ),
    # 5. keys that break paths
    "a key with a dot": (
        NATIONAL,
        "  填报人:\n",
        '  "a.b": {type: text, required: false, help: 试。}\n  填报人:\n',
        "fields.a.b 字段的键不能含 . [ ] { } 或控制字符，也不能以空白开头或结尾：“a.b”",
    ),
    "a key with brackets": (
        NATIONAL,
        "  填报人:\n",
        '  "目标[1]": {type: text, required: false, help: 试。}\n  填报人:\n',
        "fields.目标[1] 字段的键不能含 . [ ] { } 或控制字符，也不能以空白开头或结尾：“目标[1]”",
    ),
    "a key with braces": (
        NATIONAL,
        "  填报人:\n",
        '  "{x}": {type: text, required: false, help: 试。}\n  填报人:\n',
        "fields.{x} 字段的键不能含 . [ ] { } 或控制字符，也不能以空白开头或结尾：“{x}”",
    ),
    "a key that is a number": (
        NATIONAL,
        "  填报人:\n",
        "  2024: {type: text, required: false, help: 试。}\n  填报人:\n",
        "fields.2024 字段的键应为文字（数字、日期、true/false 要加引号）",
    ),
    # 6. ambiguous frameworks
    "framework: a 一级 with and without 指标": (
        "frameworks/88.yaml",
        "  满意度指标: [服务对象满意度指标]\n",
        "  满意度指标: [服务对象满意度指标]\n  产出: [成效]\n",
        "level1.产出 一级“产出”与“产出指标”是同一项（名称带不带“指标”都是同一项）",
    ),
    "framework: a 二级 twice under one 一级": (
        "frameworks/88.yaml",
        "  产出指标: [数量指标, 质量指标, 时效指标, 成本指标]\n",
        "  产出指标: [数量指标, 质量指标, 时效指标, 成本指标, 数量]\n",
        "level1.产出指标 二级“数量”与“数量指标”是同一项（名称带不带“指标”都是同一项）",
    ),
    "framework: the same 二级 under two 一级": (
        "frameworks/88.yaml",
        "  满意度指标: [服务对象满意度指标]\n",
        "  满意度指标: [服务对象满意度指标, 质量]\n",
        "level1.满意度指标 二级“质量”已在一级“产出指标”下：一个二级只能属于一个一级"
        "（否则导入和提示分不清它属于哪个一级）",
    ),
    "framework: a 二级 repeated": (
        "frameworks/88.yaml",
        "  满意度指标: [服务对象满意度指标]\n",
        "  满意度指标: [服务对象满意度指标, 服务对象满意度指标]\n",
        "level1.满意度指标 二级“服务对象满意度指标”重复",
    ),
    "framework: a 一级 as a key that is not text": (
        "frameworks/88.yaml",
        "  满意度指标: [服务对象满意度指标]\n",
        "  满意度指标: [服务对象满意度指标]\n  1: [服务对象满意度]\n",
        "level1.1 一级的名称应为文字",
    ),
    # 7. the roles a kind's category needs, each on one field of its type, outside lists
    "a project kind without project_funds": (
        PROJECT,
        "role: project_funds, ",
        "",
        "fields 没有 role: project_funds 的字段：项目表样要用它标出年度资金总额"
        "（核对部门的项目支出 E243 靠它）",
    ),
    "a national project kind without project_funds": (
        NATIONAL_PROJECT,
        "role: project_funds, ",
        "",
        "fields 没有 role: project_funds 的字段：项目表样要用它标出年度资金总额"
        "（核对部门的项目支出 E243 靠它）",
    ),
    "a project kind without project_name": (
        PROJECT,
        "    role: project_name\n",
        "",
        "fields 没有 role: project_name 的字段：项目表样要用它标出项目名称"
        "（逐年对比和同名项目 E244 靠它）",
    ),
    "a project kind without department": (
        NATIONAL_PROJECT,
        "    role: department\n",
        "",
        "fields 没有 role: department 的字段：项目表样要用它标出所属部门（与整体表的部门名称对应）",
    ),
    "a whole kind without department": (
        NATIONAL,
        "    role: department\n",
        "",
        "fields 没有 role: department 的字段：整体表样要用它标出部门名称",
    ),
    "a role on a field of another type": (
        NATIONAL_PROJECT,
        "    type: text\n    role: project_name\n",
        "    type: text\n    role: project_funds\n",
        "fields.项目名称.role role: project_funds 要给金额（amount）字段，“项目名称”是 text 字段",
    ),
    "a role given twice": (
        NATIONAL,
        "  主管部门:\n    type: text\n",
        "  主管部门:\n    type: text\n    role: department\n",
        "fields.主管部门.role role: department 只能给一个字段，已给了“部门（单位）名称”",
    ),
    "a role in a list": (
        NATIONAL,
        "预算金额: {type: amount, required: false, help: 预算金额。}",
        "预算金额: {type: amount, required: false, role: project_expense, help: 预算金额。}",
        "fields.年度履职目标.fields.预算金额.role role: project_expense 不能给列表"
        "“年度履职目标”中的字段（每项各有一个值）",
    ),
    # 8. control characters are escaped
    "a control character in a kind's value": (
        SHANGHAI,
        "  下属预算单位个数:\n    type: integer\n",
        '  下属预算单位个数:\n    type: "integer\\n"\n',
        "fields.下属预算单位个数.type 未知的类型“integer\\n”；可用：text、long text、texts、amount、"
        "integer、number、percent、year、date、bool、choice、unit、target、group、list、indicators",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_wrong_definition_exits_2_naming_the_file_and_the_key(
    case, data_copy, write_declaration, capsys
):
    name, old, new, message = CASES[case]
    edit(data_copy / name, old, new)
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    assert main(["check", str(source)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"错误：{data_copy / name}: {message}\n"


def test_a_region_may_not_add_a_一级_or_二级_it_already_has(data_copy, write_declaration, capsys):
    region = data_copy / "frameworks" / "region.yaml"
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    region.write_text(
        "name: 示例省\nextends: 财预〔2015〕88号\nadd:\n  产出: [社会成本指标]\n", encoding="utf-8"
    )
    assert main(["check", str(source)]) == 2
    assert capsys.readouterr().err == (
        f"错误：{region}: add.产出 一级“产出”与“产出指标”是同一项（名称带不带“指标”都是同一项）\n"
    )
    clear_cached_readers()
    region.write_text(
        "name: 示例省\nextends: 财预〔2015〕88号\nadd:\n  产出指标: [质量]\n", encoding="utf-8"
    )
    assert main(["check", str(source)]) == 2
    assert capsys.readouterr().err == (
        f"错误：{region}: add.产出指标 二级“质量”与“质量指标”是同一项（名称带不带“指标”都是同一项）\n"
    )


def test_the_shipped_definitions_are_valid(write_declaration):
    # 部门（单位）名称 has the alias 部门(单位)名称: its own key in another width collides with
    # nothing; 上海整体 and 上海项目 share no layout, 全国整体横版 extends 全国整体
    assert [k for k in kinds.form_kinds()] == [
        "全国整体",
        "全国整体横版",
        "全国项目",
        "上海整体",
        "上海项目",
    ]
    assert main(["check", str(write_declaration(MINIMAL.read_text(encoding="utf-8")))]) == 0


# -- the style file ---------------------------------------------------------------------------


def templates_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "generator" / "templates", folder)
    return folder


LAYOUT = "  form-shanghai-department: {columns: [30, 26, 29, 15], xlsx_width: 92}\n"


def test_equal_widths_are_asked_for_with_one_repeated_width(write_declaration, tmp_path):
    from docx import Document

    templates = templates_copy(tmp_path)
    edit(
        templates / "form.style.yaml",
        LAYOUT,
        "  form-shanghai-department: {columns: [1], xlsx_width: 20, repeat: true}\n",
    )
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    assert build([source], tmp_path / "out", templates).ok
    table = Document(str(tmp_path / "out" / "2023" / "case.docx")).tables[0]
    widths = {column.width for column in table.columns}
    assert len(table.columns) == 4 and len(widths) == 1


# -- the shared escape ------------------------------------------------------------------------


def test_every_configuration_error_is_one_line():
    from generator.config import ConfigError, Value, printable

    assert printable("黑\n体\t\x00") == "黑\\n体\\t\\x00"
    assert printable(printable("a\nb")) == "a\\nb"  # escaping twice changes nothing
    assert str(ConfigError("x.yaml: a\nb 不对")) == "x.yaml: a\\nb 不对"
    error = Value(Path("x.yaml"), "a\rb", "c\u2028d").fail("应为“c\u2028d”")
    assert str(error) == "x.yaml: a\\rb 应为“c\\u2028d”"
