"""Form kinds as data: the fixtures of every 整体 kind build to DOCX, XLSX and Markdown and read
back; optional blocks are absent, not zero; amounts keep their decimals; a field added to a
kind's definition and layout is read, checked, formatted, schema'd, diffed and printed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import DATA, ROOT, edit, markdown_tables
from projection import docx_tables, xlsx_cells

from generator import kinds
from generator.authoring.json_schema import declaration_schema
from generator.build.build import build
from generator.cli import main
from generator.declaration.sources import find_declarations, read_checked

FORMS = DATA / "forms"
# every fixture: the 整体 forms, and the project forms in their departments' folders
FIXTURES = sorted(
    p.relative_to(FORMS / "2024").with_suffix("").as_posix()
    for p in (FORMS / "2024").rglob("*.yaml")
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Every fixture built once: the folder holding their 2024 outputs."""
    out = tmp_path_factory.mktemp("forms")
    report = build([FORMS], out)
    assert report.ok, report.errors
    return out / "2024"


def test_there_are_three_fixtures_of_every_kind():
    found = [read_checked(p).declaration for p in find_declarations([FORMS])]
    by_kind = {
        name: sum(1 for d in found if d and d.kind.name == name) for name in kinds.form_kinds()
    }
    assert by_kind == {
        "全国整体": 3,
        "全国整体横版": 3,
        "全国项目": 3,
        "上海整体": 3,
        "上海项目": 3,
    }


def cell_texts(path: Path) -> list[str]:
    if path.suffix == ".docx":
        return [cell.text for table in docx_tables(path) for cell in table]
    _, cells = xlsx_cells(path)
    return [cell.text for cell in cells]


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
@pytest.mark.parametrize("name", FIXTURES)
def test_every_fixture_prints_its_department_indicators_and_targets(built, name, suffix):
    decl = read_checked(FORMS / "2024" / f"{name}.yaml").declaration
    assert decl is not None
    texts = cell_texts(built / f"{name}{suffix}")
    joined = "\n".join(texts)
    assert decl.department in joined
    for _, _, indicator in decl.indicators():
        assert indicator.name in texts
        assert indicator.target.text in texts
        midterm = indicator.values.get("中期指标值")  # a project's 中期 column, when written
        if midterm is not None:
            assert getattr(midterm, "text", midterm) in texts
    for level1 in decl.goals:
        assert level1.name in texts


def test_amounts_print_with_the_decimals_the_form_uses(built):
    # 万元 to the 分 (6 decimals): printed in full in DOCX, XLSX (number format) and Markdown
    assert "512.345678" in cell_texts(built / "national-3.docx")
    _, cells = xlsx_cells(built / "national-3.xlsx")
    workbook, _ = xlsx_cells(built / "national-3.xlsx")
    sheet = workbook.active
    amount = next(c for c in cells if c.text == "512.345678")
    assert sheet.cell(amount.row, amount.col).number_format == "#,##0.000000"
    assert "512.345678" in (built / "national-3.md").read_text(encoding="utf-8")
    # 4 decimals in one form: every amount of it shows 4
    docx = cell_texts(built / "national-1.docx")
    assert {"1,280.5000", "0.0000", "1,735.5150"} <= set(docx)


def test_optional_blocks_that_were_not_written_are_not_printed(built):
    full, bare = cell_texts(built / "national-1.docx"), cell_texts(built / "national-2.docx")
    for label in ("部门预算编码", "主管部门", "年度预算安排（万元）", "填报人", "收入构成"):
        assert label in full
    for label in ("部门预算编码", "主管部门", "年度预算安排（元）", "填报人", "收入构成"):
        assert label not in bare
    # an index column a declaration has no value for is blank, and so is its total
    index = markdown_tables((built / "index.md").read_text(encoding="utf-8"))
    national = next(t for t in index if t[0][0] == "部门（单位）名称" and "项目支出" in t[0])
    column = national[0].index("项目支出")
    assert [row[column] for row in national[1:]] == ["17,355,150.00", "", "", "17,355,150.00"]


def test_what_the_kind_computes_is_printed(built):
    # 金额合计 left out: the column sums; 占比 left out: the shares of the total
    texts = cell_texts(built / "national-2.docx")
    assert {"4,850,000.00", "4,650,000.00", "200,000.00"} <= set(texts)
    shares = cell_texts(built / "landscape-2.docx")
    assert {"98.29%", "1.71%", "100.00%", "64.97%", "35.03%"} <= set(shares)


def test_footnotes_and_the_landscape_page(built):
    from docx import Document

    document = Document(str(built / "landscape-1.docx"))
    section = document.sections[0]
    assert section.page_width > section.page_height
    notes = [p.text for p in document.paragraphs if p.style.name == "FormNote"]
    assert notes == [
        "注：“其他资金”是指与财政拨款共同用于部门（单位）履职的单位自有资金、社会资金等。"
    ]
    workbook, _ = xlsx_cells(built / "landscape-1.xlsx")
    assert workbook.active.page_setup.orientation == "landscape"


def test_every_indicator_column_of_the_landscape_kind_is_printed(built):
    tables = docx_tables(built / "landscape-1.docx")
    goals = tables[-1]
    header = [c.text for c in goals if c.row == 1]
    assert header == [
        "一级指标", "二级指标", "三级指标", "指标值", "指标值类型", "计量单位", "指标解释",
        "指标值依据", "评(扣)分标准", "分值",
    ]  # fmt: skip
    row = [c.text for c in goals if c.row == 2]
    assert row[-8:] == [
        "新建高标准农田面积", ">=2", "定量", "万亩", "当年新建并通过验收的高标准农田面积。",
        "计划标准", "完成得满分，每少 0.1 万亩扣 2 分。", "30",
    ]  # fmt: skip


def test_the_index_has_a_sheet_per_kind(built):
    from openpyxl import load_workbook

    workbook = load_workbook(built / "index.xlsx")
    assert workbook.sheetnames == [
        "全国整体", "全国整体横版", "全国项目", "上海整体", "上海项目", "部门与项目",
    ]  # fmt: skip
    rows = [[cell.value for cell in row] for row in workbook["部门与项目"].iter_rows(min_row=3)]
    assert rows == [
        ["部门", "项目表", "项目支出", "项目表合计", "覆盖"],  # None: no value in the cell
        ["示例县农业农村局", 0, None, 0, "整体表未填项目支出"],
        ["示例市生态环境局", 0, 4205000, 0, "没有项目表"],  # from 部门总体资金情况
        ["示例区市场监督管理局", 0, None, 0, "整体表未填项目支出"],
        ["示例县教育局", 3, 17355150, 10492650, "项目表覆盖项目支出的 60.4 %"],
        ["示例市文化和旅游局", 0, None, 0, "整体表未填项目支出"],
        ["示例区卫生健康委员会", 0, None, 0, "整体表未填项目支出"],
        ["示例区档案馆", 3, 2100000, 2000000, "项目表覆盖项目支出的 95.2 %"],
        ["示例区体育局(汇总)", 0, 16000000, 0, "没有项目表"],
        ["示例区图书馆", 0, 2500000, 0, "没有项目表"],
    ]
    projects = [[c.value for c in row][:3] for row in workbook["全国项目"].iter_rows(min_row=4)]
    assert projects == [
        # one project in 元, two in 万元: the sheet is in 元
        ["学生资助", "示例县教育局", 987650],
        ["教师队伍建设", "示例县教育局", 1505000],
        ["农村义务教育学校校舍维修改造", "示例县教育局", 8000000],
        ["合计", None, "=SUM(C4:C6)"],
    ]
    assert (
        workbook["上海整体"]["A1"].value
        == "2024年度 部门（单位）整体支出绩效目标申报表汇总（上海整体）"
    )


# -- a field added to a kind by editing only its definition and its layout -----------------


def test_a_field_added_to_a_kind_is_read_checked_formatted_schemad_diffed_and_printed(
    kind_copy, tmp_path, capsys, monkeypatch
):
    data, templates = kind_copy
    edit(
        data / "kinds" / "shanghai-department.yaml",
        "  下属预算单位个数:\n",
        "  联系人:\n    type: text\n    required: false\n    help: 本表的联系人。\n"
        "  下属预算单位个数:\n",
    )
    edit(
        templates / "form-shanghai-department.html.j2",
        "<tr><th>部门职责</th>",
        '<tr><th>联系人</th><td colspan="3">{{ f.联系人 }}</td></tr>\n<tr><th>部门职责</th>',
    )
    minimal = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "declarations"
    for year, person in (("2023", "张示例"), ("2024", "李示例")):
        text = minimal.replace("年度: 2023", f"年度: {year}").replace(
            "下属预算单位个数: 0\n", f"下属预算单位个数: 0\n联系人: {person}\n"
        )
        (folder / year).mkdir(parents=True)
        (folder / year / "bureau.yaml").write_text(text, encoding="utf-8")
    source = folder / "2024" / "bureau.yaml"

    # read
    decl = read_checked(source).declaration
    assert decl is not None and decl.get("联系人") == "李示例"
    # checked: a list where text belongs is reported with its place
    broken = folder / "broken" / "2024" / "x.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        source.read_text(encoding="utf-8").replace("联系人: 李示例", "联系人: [李示例]")
    )
    assert main(["check", str(broken)]) == 1
    assert " E103 “联系人”应为单个值，这里是以“- ”开头的列表" in capsys.readouterr().out
    # formatted: in the place the definition gives it
    moved = folder / "moved" / "2024" / "x.yaml"
    moved.parent.mkdir(parents=True)
    moved.write_text(
        source.read_text(encoding="utf-8").replace("联系人: 李示例\n", "") + "联系人: 李示例\n"
    )
    assert main(["fmt", str(moved)]) == 0
    lines = moved.read_text(encoding="utf-8").splitlines()
    assert lines[lines.index("部门名称: 测试局") + 1] == "联系人: 李示例"
    # schema'd, with its help text
    schema = declaration_schema()
    assert (
        schema["$defs"]["kind 上海整体"]["properties"]["联系人"]["description"] == "本表的联系人。"
    )
    # diffed
    capsys.readouterr()
    assert main(["diff", "--format", "json", str(folder / "2023"), str(folder / "2024")]) == 0
    changes = json.loads(capsys.readouterr().out)["pairs"][0]["changes"]
    assert {
        "kind": "changed",
        "section": "header",
        "key": "联系人",
        "old": "张示例",
        "new": "李示例",
    }.items() <= changes[0].items()
    # printed: on the form (DOCX and XLSX) and in the summary
    assert build([folder / "2024"], tmp_path / "out", templates).ok
    out = tmp_path / "out" / "2024"
    for suffix in (".docx", ".xlsx"):
        texts = cell_texts(out / f"bureau{suffix}")
        assert texts[texts.index("联系人") + 1] == "李示例"
    summary = (out / "bureau.md").read_text(encoding="utf-8")
    assert "| 联系人 | 李示例 |" in summary


def test_an_unknown_meta_key_in_a_kind_definition_is_a_configuration_error(
    kind_copy, write_declaration, capsys
):
    data, _ = kind_copy
    edit(
        data / "kinds" / "shanghai-department.yaml",
        "category: 整体\n",
        "category: 整体\ncolour: red\n",
    )
    source = write_declaration((DATA / "minimal.yaml").read_text(encoding="utf-8"))
    assert main(["check", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"错误：{data / 'kinds' / 'shanghai-department.yaml'}: colour 未知的设置；可用："
    )


def test_a_bare_number_target_is_fixed_by_fmt(tmp_path, capsys):
    folder = tmp_path / "2024"
    folder.mkdir()
    target = folder / "x.yaml"
    shutil.copy(FORMS / "2024" / "national-2.yaml", target)
    assert main(["check", str(target)]) == 0
    assert (
        " W401 “文物修缮验收合格率”的指标值“100%”没有运算符，按“=100%”读取"
        in capsys.readouterr().out
    )
    assert main(["fmt", str(target)]) == 0
    assert '文物修缮验收合格率: "=100%"' in target.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(target)]) == 0
    assert capsys.readouterr().out == ""


def test_targets_with_chinese_quotes_or_worded_operators_are_fixed_by_fmt(tmp_path, capsys):
    folder = tmp_path / "2024"
    folder.mkdir()
    target = folder / "x.yaml"
    text = (FORMS / "2024" / "national-2.yaml").read_text(encoding="utf-8")
    text = text.replace('文物修缮验收合格率: "100%"', "文物修缮验收合格率: 100%及以上")
    assert "100%及以上" in text
    target.write_text(text, encoding="utf-8")
    assert main(["check", str(target)]) == 0
    out = capsys.readouterr().out
    assert " W406 “文物修缮验收合格率”的指标值“100%及以上”用文字写了运算符，按“>=100%”读取" in out
    assert main(["fmt", str(target)]) == 0
    assert '文物修缮验收合格率: ">=100%"' in target.read_text(encoding="utf-8")
    target.write_text(text.replace("100%及以上", "“>=100%”"), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(target)]) == 0
    assert " W405 “文物修缮验收合格率”的指标值““>=100%””两边是中文引号" in capsys.readouterr().out
    assert main(["fmt", str(target)]) == 0
    capsys.readouterr()
    assert main(["check", str(target)]) == 0
    assert capsys.readouterr().out == ""


def test_targets_as_real_forms_write_them():
    from generator.declaration.targets import Parsed, parse_target

    def read(text: str) -> tuple:
        parsed = parse_target(text)
        assert isinstance(parsed, Parsed)
        return parsed.target.operator, parsed.target.text, parsed.assumed

    assert read("100%") == ("=", "=100%", "W401")
    assert read("全年") == (None, "全年", "")
    assert read("2023年12月底前") == (None, "2023年12月底前", "")
    assert read("12月31日前完成") == (None, "12月31日前完成", "")
    assert read("≥90%") == (">=", ">=90%", "")
    assert read("“≥90%”") == (">=", ">=90%", "W405")
    assert read("「全年」") == (None, "全年", "W405")
    assert read("不低于20家") == (">=", ">=20家", "W406")
    assert read("不超过 5 天") == ("<=", "<=5天", "W406")
    assert read("20家以上") == (">=", ">=20家", "W406")
    assert read("95%及以上") == (">=", ">=95%", "W406")
    assert read("3个工作日以内") == ("<=", "<=3个工作日", "W406")
    assert read("大于等于80") == (">=", ">=80", "W406")
    # a quote that does not close, or words that are not an operator, stay as written
    assert read("“全年") == (None, "“全年", "")
    assert read("本科以上学历") == (None, "本科以上学历", "")


def test_region_frameworks_extend_the_national_ones(kind_copy, write_declaration, capsys):
    data, _ = kind_copy
    (data / "frameworks" / "region.yaml").write_text(
        "name: 示例省〔2024〕1号\nextends: 财预〔2015〕88号\nadd:\n  满意度指标: [社会公众满意度指标]\n",
        encoding="utf-8",
    )
    text = (DATA / "minimal-national.yaml").read_text(encoding="utf-8")
    text = text.replace("年度: 2023\n", "指标体系: 示例省〔2024〕1号\n年度: 2023\n")
    text = text.replace("    服务对象满意度指标:", "    社会公众满意度指标:")
    assert main(["check", str(write_declaration(text))]) == 0
    without = text.replace("指标体系: 示例省〔2024〕1号\n", "")
    assert main(["check", str(write_declaration(without, name="plain"))]) == 1
    assert re.search(
        r" E302 “社会公众满意度指标”不是“满意度指标”下的二级指标", capsys.readouterr().out
    )


def test_the_style_can_print_the_symbols_of_operators(tmp_path, write_declaration):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "generator" / "templates", templates)
    edit(
        templates / "form.style.yaml",
        '# operators: {">=": "≥", "<=": "≤"}',
        'operators: {">=": "≥", "<=": "≤"}',
    )
    source = write_declaration((DATA / "minimal.yaml").read_text(encoding="utf-8"))
    assert build([source], tmp_path / "out", templates).ok
    texts = cell_texts(tmp_path / "out" / "2023" / "case.docx")
    assert "≥90%" in texts and ">=90%" not in texts
    assert "| 满意度 | ≥90% | 定量 |" in (tmp_path / "out/2023/case.md").read_text(encoding="utf-8")


def with_a_period(data):
    """The national 整体 kind in `data` gains an optional 开始时间 and 结束时间, checked in
    order and against the year."""
    edit(
        data / "kinds" / "national-department.yaml",
        "  填报人:\n",
        "  开始时间: {type: date, required: false, help: 开始。}\n"
        "  结束时间: {type: date, required: false, help: 结束。}\n  填报人:\n",
    )
    edit(
        data / "kinds" / "national-department.yaml",
        "rules:\n",
        "rules:\n  - before: 开始时间\n    after: 结束时间\n  - within_year: [开始时间, 结束时间]\n",
    )


def test_dates_in_order_and_within_the_year_are_checked_as_a_kind_says(
    kind_copy, write_declaration, capsys
):
    with_a_period(kind_copy[0])
    base = (DATA / "forms" / "2024" / "national-2.yaml").read_text(encoding="utf-8")
    late = base + "开始时间: 2024-12-01\n结束时间: 2024-03-01\n"
    elsewhere = base + "开始时间: 2021-01-01\n结束时间: 2022-12-31\n"
    assert main(["check", str(write_declaration(late, "late", "2024"))]) == 1
    out = capsys.readouterr().out
    assert "E208 “结束时间”2024-03-01 早于“开始时间”2024-12-01（提示：核对起止日期）" in out
    assert main(["check", str(write_declaration(elsewhere, "elsewhere", "2024"))]) == 1
    out = capsys.readouterr().out
    assert "E209 开始时间至结束时间（2021-01-01 — 2022-12-31）不在 2024 年度之内" in out


def test_scores_and_shares_are_numbers_in_the_xlsx(built):
    # a SUM over 分值, or a chart of 占比, needs numbers, not numbers stored as text
    from openpyxl import load_workbook

    sheet = load_workbook(built / "landscape-2.xlsx").active
    column = [c for c in sheet["J"] if c.value is not None]
    header = next(i for i, c in enumerate(column) if c.value == "分值")
    assert [(c.value, c.number_format) for c in column[header + 1 :]] == [
        (30, "#,##0"), (20, "#,##0"), (10, "#,##0"), (60, "#,##0"),
    ]  # fmt: skip
    shares = [c for row in load_workbook(built / "national-1.xlsx").active for c in row]
    percents = [(c.value, c.number_format) for c in shares if c.number_format.endswith("%")]
    assert percents == [
        (0.9628, "0.00%"), (0.2769, "0.00%"), (0.0372, "0.00%"), (0.7231, "0.00%"),
        (1, "0.00%"), (1, "0.00%"),
    ]  # fmt: skip


def test_a_summary_prints_a_share_column_only_where_there_are_shares(built):
    text = (built / "national-1.md").read_text(encoding="utf-8")
    tables = markdown_tables(text)
    totals = next(t for t in tables if t[1][0] == "总额")
    assert totals == [
        ["项目", "金额"],
        ["总额", "1,735.5150"],
        ["财政拨款", "1,646.2500"],
        ["其他资金", "89.2650"],
    ]
    plan = next(t for t in tables if t[1][0] == "资金总额")
    assert plan[0] == ["项目", "金额", "占比"]


def test_a_period_with_one_date_written_is_checked_against_the_year(
    kind_copy, write_declaration, capsys
):
    with_a_period(kind_copy[0])
    base = (DATA / "forms" / "2024" / "national-2.yaml").read_text(encoding="utf-8")
    lines = len(base.splitlines())
    ended = write_declaration(base + "结束时间: 2023-06-01\n", "ended", "2024")
    assert main(["check", str(ended)]) == 1
    assert errors(capsys.readouterr().out) == [
        f"{ended.as_posix()}:{lines + 1}:7: E209 结束时间 2023-06-01 在 2024 年度之前"
        "（提示：项目期应与 2024 年度有交集；核对日期或年度）"
    ]
    later = write_declaration(base + "开始时间: 2025-01-01\n", "later", "2024")
    assert main(["check", str(later)]) == 1
    assert errors(capsys.readouterr().out) == [
        f"{later.as_posix()}:{lines + 1}:7: E209 开始时间 2025-01-01 在 2024 年度之后"
        "（提示：项目期应与 2024 年度有交集；核对日期或年度）"
    ]
    for text in ("结束时间: 2024-01-01\n", "开始时间: 2024-12-31\n", "开始时间: 2023-01-01\n"):
        assert main(["check", str(write_declaration(base + text, "within", "2024"))]) == 0
        assert errors(capsys.readouterr().out) == []


def errors(out: str) -> list[str]:
    """The lines of `out` that report an error (E…), warnings left out."""
    return [line for line in out.splitlines() if re.search(r":\d+:\d+: E\d{3} ", line)]
