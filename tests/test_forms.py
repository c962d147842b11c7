"""The official forms read back: DOCX with python-docx, XLSX with openpyxl.

Every seed value at its place, the same spans in both files, text typed as text, amounts as
numbers, fonts set for real, header rows repeating, byte-identical rebuilds.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
from conftest import MINIMAL, ROOT, SEED_YAML, make_seed_tree
from docx.oxml.ns import qn
from projection import GridCell, docx_tables, office_text, paragraph_text, xlsx_cells
from test_seed import seed_indicators, seed_rows

from generator.build.build import build

SLUG = SEED_YAML.stem


def by_place(cells: list[GridCell]) -> dict[tuple[int, int], GridCell]:
    return {(c.row, c.col): c for c in cells}


def test_docx_holds_every_seed_value_at_its_place(seed_outputs):
    upper, goals = docx_tables(seed_outputs / f"{SLUG}.docx")
    top = by_place(upper)
    assert [top[0, c].text for c in (0, 1, 2, 3)] == [
        "部门名称",
        "中国人民政治协商会议闵行区委员会办公室(汇总)",
        "下属预算单位个数",
        "1",
    ]
    assert top[1, 1].text == next(r[1] for r in seed_rows() if r[0] == "部门职责")
    assert (top[1, 1].colspan, top[3, 0].colspan) == (3, 4)
    tasks = [(top[r, 0].text, top[r, 1].text) for r in range(5, 13)]
    assert tasks == [(r[0], r[1]) for r in seed_rows()[9:17]]
    amounts = [(top[r, 0].text, top[r, 1].text) for r in range(15, 20)]
    assert amounts == [
        ("部门整体预算总额（元）", "18,417,248.00"),
        ("1、资金来源：（1）财政拨款", "18,417,248.00"),
        ("（2）其他资金", "0.00"),
        ("2、资金结构：（1）基本支出", "13,879,148.00"),
        ("（2）项目支出", "4,538,100.00"),
    ]
    assert [top[21, c].text for c in (0, 1, 2)] == ["1,295,700.00", "26", "1"]

    rows = by_place(goals)
    assert [rows[1, c].text for c in range(4)] == ["一级目标", "二级目标", "三级目标", "指标目标值"]
    indicators = [(rows[r, 2].text, rows[r, 3].text) for r in range(9, 2 + 7 + 73)]
    assert indicators == seed_indicators(seed_rows())


def test_docx_merges_level1_and_level2_over_their_rows(seed_outputs):
    goals = by_place(docx_tables(seed_outputs / f"{SLUG}.docx")[1])
    assert (goals[2, 0].text, goals[2, 0].rowspan) == ("投入管理指标", 7)
    assert (goals[2, 2].rowspan, goals[2, 2].colspan) == (7, 2)
    assert goals[2, 2].text == "根据沪财绩【2022】13号文的规定要求设置三级指标和指标值"
    assert (goals[9, 0].text, goals[9, 0].rowspan) == ("产出指标", 24 + 10 + 19)
    assert [(goals[r, 1].text, goals[r, 1].rowspan) for r in (9, 33, 43)] == [
        ("数量指标", 24),
        ("质量指标", 10),
        ("时效指标", 19),
    ]
    assert [(goals[r, 0].text, goals[r, 0].rowspan) for r in (62, 78)] == [
        ("效益指标", 16),
        ("满意度指标", 4),
    ]


def test_xlsx_has_the_docx_spans_and_values(seed_outputs):
    upper, goals = docx_tables(seed_outputs / f"{SLUG}.docx")
    _, cells = xlsx_cells(seed_outputs / f"{SLUG}.xlsx")
    # The sheet: title row, year row, then the two tables one below the other.
    expected = [GridCell(c.row + 3, c.col + 1, c.rowspan, c.colspan, c.text) for c in upper]
    expected += [GridCell(c.row + 3 + 22, c.col + 1, c.rowspan, c.colspan, c.text) for c in goals]
    sheet_cells = [c for c in cells if c.row >= 3]
    normalise = {
        "1,295,700.00": "1295700",
        "18,417,248.00": "18417248",
        "13,879,148.00": "13879148",
        "4,538,100.00": "4538100",
        "0.00": "0",
    }
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in sheet_cells] == [
        (c.row, c.col, c.rowspan, c.colspan) for c in expected
    ]
    assert [_number_text(c.text) for c in sheet_cells] == [
        normalise.get(c.text, c.text) for c in expected
    ]
    assert [(c.row, c.text) for c in cells if c.row < 3] == [
        (1, "部门（单位）整体支出绩效目标申报表"),
        (2, "（2023年度）"),
    ]


def _number_text(text: str) -> str:
    try:
        return format(Decimal(text).normalize(), "f")
    except ArithmeticError:
        return text


def test_xlsx_types_formats_and_page_setup(seed_outputs):
    workbook, _ = xlsx_cells(seed_outputs / f"{SLUG}.xlsx")
    sheet = workbook.active
    assert len(workbook.worksheets) == 1
    total = sheet["B18"]
    assert (total.value, total.data_type, total.number_format) == (18417248, "n", "#,##0.00")
    assert sheet["A18"].value == "部门整体预算总额（元）"
    targets = [sheet.cell(r, 4) for r in range(34, 34 + 73)]
    assert targets[0].value == "=50人次" and targets[0].data_type == "s"
    assert all(t.data_type == "s" and t.value for t in targets)
    assert targets[0].quotePrefix
    assert sheet["B24"].data_type == "n" and sheet["B24"].value == 26
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (
        9,
        "portrait",
        1,
        0,
    )
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$25:$26"
    assert sheet["A3"].border.left.style == "thin" and sheet["D106"].border.bottom.style == "thin"
    assert sheet["B4"].alignment.wrap_text
    # Rows of long wrapped text in merged cells are taller than one-line rows.
    one_line = sheet.row_dimensions[7].height  # 任务名称 | 主要内容（重点工作计划）
    assert sheet.row_dimensions[4].height > 3 * one_line  # 部门职责: about five lines
    assert sheet.row_dimensions[12].height > one_line  # a task name that wraps


def test_docx_fonts_language_page_and_header_rows(seed_outputs):
    document = docx.Document(str(seed_outputs / f"{SLUG}.docx"))
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        assert not any(name.endswith("Theme") or name.endswith("theme") for name in fonts.attrib)
    normal = document.styles["Normal"].element.rPr
    assert normal.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert normal.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    title = document.styles["FormTitle"].element.rPr
    assert title.rFonts.get(qn("w:eastAsia")) == "黑体"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    goals = document.tables[1]._tbl
    header_flags = [tr.trPr.find(qn("w:tblHeader")) is not None for tr in goals.tr_lst]
    assert header_flags[:2] == [True, True] and not any(header_flags[2:])
    widths = [int(g.get(qn("w:w"))) for g in goals.iter(qn("w:gridCol"))]
    assert abs(sum(widths) - (210 - 36) * 1440 / 25.4) < 5  # the table fills the text width
    body = [e for e in document.element.body if e.tag == qn("w:p")]
    assert [(p.style, paragraph_text(p)) for p in body] == [
        ("FormTitle", "部门（单位）整体支出绩效目标申报表"),
        ("FormSubtitle", "（2023年度）"),
        ("FormTableGap", ""),  # keeps the two tables apart so the header can repeat
    ]


def test_index_xlsx_has_a_row_per_declaration_and_sum_formulas(tmp_path):
    build(
        [make_seed_tree(tmp_path, ("test-bureau.yaml", MINIMAL.read_text(encoding="utf-8")))],
        tmp_path / "out",
    )
    workbook, _ = xlsx_cells(tmp_path / "out/2023/index.xlsx")
    sheet = workbook.active
    assert [sheet.cell(r, 1).value for r in (4, 5, 6)] == [
        "中国人民政治协商会议闵行区委员会办公室(汇总)",
        "测试局",
        "合计",
    ]
    assert [sheet.cell(4, c).value for c in range(2, 12)] == [
        18417248,
        18417248,
        0,
        13879148,
        4538100,
        1295700,
        26,
        73,
        56,
        17,
    ]
    assert sheet["B6"].value == "=SUM(B4:B5)" and sheet["K6"].value == "=SUM(K4:K5)"
    assert sheet["B6"].number_format == "#,##0.00"
    assert sheet.page_setup.orientation == "landscape"
    # the totals' values are stored beside their formulas, for readers that do not calculate
    # (openpyxl, file managers' and mail previews), and they are the sums Excel would compute
    values = openpyxl.load_workbook(tmp_path / "out/2023/index.xlsx", data_only=True).active
    totals = [values.cell(6, c).value for c in range(2, 12)]
    assert totals == [sum(values.cell(r, c).value for r in (4, 5)) for c in range(2, 12)]


def test_text_prints_exactly_as_written_in_docx_and_xlsx(write_declaration, tmp_path):
    nasty = "A&B <c> \"d\" 'e' | f：全角，标点\n第二行 =50人次 _x0041_ ]]> {{ 7*7 }}"
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "部门职责: 测试职责", "部门职责: " + _yaml_quote(nasty)
    )
    text = text.replace("主要内容: 内容一", "主要内容: '=SUM(A1:A2)'")
    build([write_declaration(text)], tmp_path / "out")
    upper = by_place(docx_tables(tmp_path / "out/2023/case.docx")[0])
    assert upper[1, 1].text == nasty
    assert upper[5, 1].text == "=SUM(A1:A2)"
    workbook, _ = xlsx_cells(tmp_path / "out/2023/case.xlsx")
    sheet = workbook.active
    assert office_text(sheet["B4"].value) == nasty
    assert "_x005F_x0041_" in sheet["B4"].value  # so that Office does not read it as "A"
    assert (sheet["B8"].value, sheet["B8"].data_type) == ("=SUM(A1:A2)", "s")


def _yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*"))}


def test_builds_are_byte_identical_at_different_times(tmp_path):
    """Two processes (different hash seeds), more than a second apart, in two folders."""
    make_seed_tree(tmp_path, ("test-bureau.yaml", MINIMAL.read_text(encoding="utf-8")))
    for run, seed in (("first", "1"), ("second", "2")):
        if run == "second":
            time.sleep(1.1)  # core properties and ZIP entries record seconds
        environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        subprocess.run(
            [sys.executable, "-m", "generator", "build", "declarations", "--out", run],
            cwd=tmp_path, env={**environment, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
            check=True, capture_output=True,
        )  # fmt: skip
    first, second = digests(tmp_path / "first/2023"), digests(tmp_path / "second/2023")
    assert first == second and len(first) == 11  # 2 × (.md .docx .xlsx .html) + index.*
    with zipfile.ZipFile(tmp_path / f"first/2023/{SLUG}.xlsx") as package:
        assert {info.date_time for info in package.infolist()} == {(2023, 1, 1, 0, 0, 0)}
    properties = docx.Document(str(tmp_path / f"first/2023/{SLUG}.docx")).core_properties
    assert (properties.created.year, properties.modified.year, properties.author) == (
        2023,
        2023,
        "",
    )
    workbook, _ = xlsx_cells(tmp_path / f"first/2023/{SLUG}.xlsx")
    assert workbook.properties.modified.year == workbook.properties.created.year == 2023


def test_source_date_epoch_sets_the_timestamps(tmp_path, monkeypatch):
    make_seed_tree(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    build([tmp_path / "declarations"], tmp_path / "out")
    properties = docx.Document(str(tmp_path / f"out/2023/{SLUG}.docx")).core_properties
    assert properties.created.isoformat().startswith("2023-11-14T22:13:20")
    with zipfile.ZipFile(tmp_path / f"out/2023/{SLUG}.docx") as package:
        assert {info.date_time for info in package.infolist()} == {(2023, 11, 14, 22, 13, 20)}


LONG_AMOUNT = "1,234,567.890123"  # 万元, six decimals: wider than its column at the body size


def long_amount_outputs(tmp_path: Path) -> Path:
    """A 全国项目 whose 中期资金总额 is LONG_AMOUNT, built beside its department's form: the
    folder holding the project's outputs."""
    from conftest import DATA

    source = DATA / "forms" / "2024"
    folder = tmp_path / "src" / "2024"
    (folder / "national-1").mkdir(parents=True)
    (folder / "national-1.yaml").write_text(
        (source / "national-1.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    text = (source / "national-1" / "校舍维修改造.yaml").read_text(encoding="utf-8")
    for old, new in (
        ("总额: 2,400.0000", f"总额: {LONG_AMOUNT}"),
        ("财政拨款: 2,200.0000", "财政拨款: 1,234,000.000000"),
        ("其他资金: 200.0000", "其他资金: 567.890123"),
    ):
        assert old in text
        text = text.replace(old, new)
    (folder / "national-1" / "校舍维修改造.yaml").write_text(text, encoding="utf-8")
    assert build([tmp_path / "src"], tmp_path / "out").ok
    return tmp_path / "out" / "2024" / "national-1"


def test_xlsx_number_cells_shrink_to_fit_instead_of_wrapping(tmp_path):
    workbook, _ = xlsx_cells(long_amount_outputs(tmp_path) / "校舍维修改造.xlsx")
    sheet = workbook.active
    numbers = [c for row in sheet.iter_rows() for c in row if c.data_type == "n" and c.value]
    assert Decimal(LONG_AMOUNT.replace(",", "")) in [Decimal(str(c.value)) for c in numbers]
    assert len(numbers) == 6  # 中期 and 年度: 总额, 财政拨款, 其他资金
    for cell in numbers:
        assert (cell.alignment.shrink_to_fit, cell.alignment.wrap_text) == (True, None)
    assert sheet["B3"].alignment.wrap_text  # text cells still wrap


def test_docx_prints_a_number_too_wide_for_its_cell_smaller_on_one_line(tmp_path):
    from docx.shared import Pt

    document = docx.Document(str(long_amount_outputs(tmp_path) / "校舍维修改造.docx"))
    sizes = {}
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        sizes[run.text] = run.font.size
    assert sizes[LONG_AMOUNT] is not None and sizes[LONG_AMOUNT] < Pt(10.5)
    assert sizes["567.890123"] is None  # fits: the style's size
    assert sizes["800.000000"] is None


def test_check_box_options_break_between_options_never_inside_one(tmp_path):
    """A line of check boxes that does not fit its cell is broken between two options (a cut
    option would read as one more box: "☑经常性 / 专项业务费"), in the DOCX and the XLSX alike;
    the Markdown summary keeps them on one line."""
    assert build([ROOT / "examples"], tmp_path / "out").ok
    project = tmp_path / "out" / "2023" / "minhang-cppcc-office" / "网站运维"
    types = [
        "□市委市政府已确定的新增项目  □结转项目  □其他一次性项目",
        "☑经常性专项业务费  □其他经常性项目",
    ]
    uses = ["□基本建设工程类", "☑信息化建设类", "□政策补贴类", "□政府购买服务"]
    uses += ["□资产购置类", "□其他事业专业类"]
    upper = by_place(docx_tables(project.with_suffix(".docx"))[0])
    assert [upper[r, 0].text for r in (2, 3)] == ["项目类型", "资金用途"]
    assert [upper[r, 1].text.split("\n") for r in (2, 3)] == [
        types,
        ["  ".join(uses[:4]), "  ".join(uses[4:])],
    ]
    workbook, _ = xlsx_cells(project.with_suffix(".xlsx"))
    sheet = workbook.active
    assert [sheet[f"A{r}"].value for r in (5, 6)] == ["项目类型", "资金用途"]
    # measured with more to spare: an Excel column's width depends on the machine's fonts
    assert [sheet[f"B{r}"].value.split("\n") for r in (5, 6)] == [
        types,
        ["  ".join(uses[:3]), "  ".join(uses[3:])],
    ]
    summary = project.with_suffix(".md").read_text(encoding="utf-8")
    assert "  ".join(types) in summary and "  ".join(uses) in summary


def test_an_absent_value_is_no_value_in_the_workbooks(tmp_path):
    """A one-year project has no 中期资金总额: its cell in the index holds nothing (not an empty
    text), as do the blank cells of a form."""
    assert build([ROOT / "examples"], tmp_path / "out").ok
    workbook, _ = xlsx_cells(tmp_path / "out" / "2024" / "index.xlsx")
    sheet = workbook["全国项目"]
    assert [sheet[f"{c}3"].value for c in "AF"] == ["项目名称", "中期资金总额"]
    assert [(sheet[f"A{r}"].value, sheet[f"F{r}"].value) for r in (4, 5, 6)] == [
        ("危险废物规范化管理评估", None),
        ("大气污染防治", 25000000),
        ("水环境自动监测站运行维护", None),
    ]
    assert sheet["F4"].border.left.style == "thin"  # still a cell of the table
    form = tmp_path / "out" / "2024" / "示例市生态环境局" / "大气污染防治.xlsx"
    workbook, _ = xlsx_cells(form)
    values = [c.value for row in workbook.active.iter_rows() for c in row]
    assert "" not in values
