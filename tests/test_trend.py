"""`trend`: rows grouped as the form groups them, renames and moves joined on one row, a Δ per
year step, and trend.xlsx with numbers to chart and a chart of each department's budget."""

from __future__ import annotations

import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import DATA, MINIMAL, ROOT, SEED_YAML, make_seed_tree, markdown_tables
from lxml import etree
from openpyxl import load_workbook

from generator.cli import main
from generator.render.layout import LayoutError, parse_layout

NEXT_YEAR = DATA / "2024" / SEED_YAML.name
SEED_NAME = "中国人民政治协商会议闵行区委员会办公室"
EXAMPLES = ROOT / "examples"
CHART = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}


def seed_over_two_years(tmp_path: Path) -> Path:
    """The seed (2023) and its copy with planted changes (2024, see test_compare.py)."""
    root = make_seed_tree(tmp_path)
    (root / "2024").mkdir()
    shutil.copy(NEXT_YEAR, root / "2024")
    return root


def run_trend(*paths: Path, out: Path) -> tuple[list[list[list[str]]], Path]:
    assert main(["trend", *map(str, paths), "--out", str(out)]) == 0
    return markdown_tables((out / "trend.md").read_text(encoding="utf-8")), out / "trend.xlsx"


def test_indicators_are_grouped_in_form_order_and_a_new_one_stands_in_its_group(tmp_path):
    tables, _ = run_trend(seed_over_two_years(tmp_path), out=tmp_path / "trend")
    rows = tables[0][1:]
    indicators = [row for row in rows if " / " in row[0]]
    groups = list(dict.fromkeys(row[0] for row in indicators))
    assert groups == [
        "产出指标 / 数量指标",
        "产出指标 / 质量指标",
        "产出指标 / 时效指标",
        "效益指标 / 社会效益指标",
        "满意度指标 / 服务对象满意度指标",
    ]
    # each group's rows together, in the order of the groups
    assert [row[0] for row in indicators] == sorted(
        (row[0] for row in indicators), key=groups.index
    )
    quantity = [row[1] for row in indicators if row[0] == "产出指标 / 数量指标"]
    assert quantity[:3] == ["常委会调研参与人数", "专题协商会召开数", "团结联谊活动开展数"]
    assert ["产出指标 / 数量指标", "专题协商会召开数", "", "=2次", "", ""] in indicators
    # one removed in 2024 stays where 2023 had it: after 党建活动覆盖率
    quality = [row[1] for row in indicators if row[0] == "产出指标 / 质量指标"]
    assert quality[quality.index("党建活动覆盖率") + 1] == "出版号匹配率"
    assert rows[0][:2] == ["预算（元）", "预算情况：部门整体预算总额"]  # budget first, then counts
    assert [row[0] for row in rows[: rows.index(indicators[0])]] == ["预算（元）"] * 6 + [
        "概况"
    ] * 4


def test_a_renamed_and_a_moved_indicator_each_keep_one_row_with_a_note(tmp_path):
    tables, _ = run_trend(seed_over_two_years(tmp_path), out=tmp_path / "trend")
    assert tables[0][0] == ["类别", "项目", "2023", "2024", "2023→2024", "说明"]
    rows = tables[0][1:]
    assert [
        "产出指标 / 数量指标",
        "闵行政协网站升级改造软件运维(2024)完成率",
        "=100%",
        "=100%",
        "未变",
        "2024年由“闵行政协网站升级改造软件运维完成率”改名（名称相似，视为同一指标）",
    ] in rows
    assert [
        "产出指标 / 质量指标",
        "系统重大故障发生数",
        "=0",
        "=0",
        "未变",
        "2024年由“效益指标 / 社会效益指标”移入",
    ] in rows
    labels = [row[1] for row in rows]
    assert "闵行政协网站升级改造软件运维完成率" not in labels
    assert labels.count("系统重大故障发生数") == 1


def test_each_year_step_has_its_exact_change(tmp_path):
    tables, _ = run_trend(seed_over_two_years(tmp_path), out=tmp_path / "trend")
    rows = tables[0][1:]
    assert [
        "预算（元）",
        "预算情况：部门整体预算总额",
        "18,417,248.00",
        "19,000,000.00",
        "+582,752.00",
        "",
    ] in rows
    assert ["预算（元）", "资金结构：项目支出", "4,538,100.00", "4,538,100.00", "0.00", ""] in rows
    assert ["概况", "三级指标数", "73", "73", "0", ""] in rows
    assert [
        "产出指标 / 数量指标",
        "政协志总体编撰工作完成率",
        "=30%",
        "=60%",
        "↑ +30 个百分点",
        "",
    ] in rows
    assert ["产出指标 / 时效指标", "政协工作知晓及时性", "及时", "及时", "未变", ""] in rows
    assert ["产出指标 / 质量指标", "出版号匹配率", "=100%", "", "", ""] in rows


def three_years(tmp_path: Path) -> Path:
    """测试局 in 2022, 2023 and 2024, its amounts, a count and targets changing each year."""
    root = tmp_path / "declarations"
    years = {
        "2022": ("10.00", "3", '"=4次"', '">=90%"'),
        "2023": ("12.34", "5", '"=6次"', '">=92.5%"'),
        "2024": ("12.30", "4", '">=5次"', '">=92.5%"'),
    }
    for year, (assets, staff, meetings, satisfaction) in years.items():
        text = (
            MINIMAL.read_text(encoding="utf-8")
            .replace("年度: 2023", f"年度: {year}")
            .replace("年末资产总额: 10.00", f"年末资产总额: {assets}")
            .replace("年末在职人数: 3", f"年末在职人数: {staff}")
            .replace('"=4次"', meetings)
            .replace('">=90%"', satisfaction)
        )
        (root / year).mkdir(parents=True)
        (root / year / "bureau.yaml").write_text(text, encoding="utf-8")
    return root


def test_changes_over_three_years_in_points_and_exact_amounts(tmp_path):
    tables, workbook_path = run_trend(three_years(tmp_path), out=tmp_path / "trend")
    table = tables[0]
    assert table[0] == ["类别", "项目", "2022", "2023", "2024", "2022→2023", "2023→2024", "说明"]
    assert ["预算（元）", "年末资产总额", "10.00", "12.34", "12.30", "+2.34", "−0.04", ""] in table
    assert ["概况", "年末在职人数", "3", "5", "4", "+2", "−1", ""] in table
    assert [
        "满意度指标 / 服务对象满意度指标",
        "满意度",
        ">=90%",
        ">=92.5%",
        ">=92.5%",
        "↑ +2.5 个百分点",
        "未变",
        "",
    ] in table
    assert [
        "产出指标 / 数量指标",
        "会议次数",
        "=4次",
        "=6次",
        ">=5次",
        "↑ +2",
        "运算符 = → >=；↓ −1",
        "",
    ] in table
    sheet = load_workbook(workbook_path)["测试局"]
    header = [c.value for c in sheet[3]]
    years = ["2022", "2023", "2024", "2022→2023", "2023→2024"]
    assert header == ["类别", "项目", "说明", "运算符", "单位", *years]
    found = {row[1].value: row for row in sheet.iter_rows(min_row=4)}
    assets = found["年末资产总额"]
    assert [c.value for c in assets[3:]] == [None, "元", 10, 12.34, 12.3, 2.34, -0.04]
    assert [c.data_type for c in assets[5:]] == ["n"] * 5
    assert {c.number_format for c in assets[5:]} == {"#,##0.00"}
    satisfaction = found["满意度"]
    assert [c.value for c in satisfaction[3:8]] == [">=", "%", 90, 92.5, 92.5]
    assert [c.data_type for c in satisfaction[5:8]] == ["n"] * 3
    assert [c.value for c in satisfaction[8:]] == ["↑ +2.5 个百分点", "未变"]
    # the operator changed in 2024: that year is the target as written, never a bare 5
    meetings = found["会议次数"]
    assert [c.value for c in meetings[3:8]] == ["=", "次", 4, 6, ">=5次"]
    assert [c.data_type for c in meetings[5:8]] == ["n", "n", "s"]


def sheet_xml(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


def test_trend_xlsx_charts_each_departments_budget_lines(tmp_path):
    root = seed_over_two_years(tmp_path)
    for year in ("2023", "2024"):
        (root / year / "bureau.yaml").write_text(
            MINIMAL.read_text(encoding="utf-8").replace("年度: 2023", f"年度: {year}"),
            encoding="utf-8",
        )
    _, workbook_path = run_trend(root, out=tmp_path / "trend")
    workbook = load_workbook(workbook_path)
    assert workbook.sheetnames == ["测试局", SEED_NAME, "图表"]
    assert len(workbook["图表"]._charts) == 2
    with zipfile.ZipFile(workbook_path) as package:
        charts = sorted(n for n in package.namelist() if n.startswith("xl/charts/chart"))
    assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml"]
    chart = sheet_xml(workbook_path, "xl/charts/chart2.xml")
    sheet = workbook[SEED_NAME]
    budget = [r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 1).value == "预算（元）"]
    assert len(budget) == 6
    series = chart.findall(".//c:ser", CHART)
    quoted = f"'{SEED_NAME}'"
    assert [s.findtext("c:tx/c:strRef/c:f", namespaces=CHART) for s in series] == [
        f"{quoted}!$B${r}" for r in budget
    ]
    assert [s.findtext("c:val/c:numRef/c:f", namespaces=CHART) for s in series] == [
        f"{quoted}!$F${r}:$G${r}" for r in budget
    ]
    assert {s.findtext("c:cat/c:strRef/c:f", namespaces=CHART) for s in series} == {
        f"{quoted}!$F$3:$G$3"
    }
    assert [sheet.cell(3, c).value for c in (6, 7)] == ["2023", "2024"]
    assert [sheet.cell(budget[0], c).value for c in (2, 6, 7)] == [
        "预算情况：部门整体预算总额",
        18417248,
        19000000,
    ]
    title = "".join(chart.find("c:chart/c:title", CHART).itertext())
    assert title == f"{SEED_NAME} 预算（元）"


def test_trend_xlsx_is_the_same_bytes_each_time(tmp_path):
    paths = [EXAMPLES, seed_over_two_years(tmp_path)]
    for path in paths:
        first = run_trend(path, out=tmp_path / "one")[1].read_bytes()
        second = run_trend(path, out=tmp_path / "two")[1].read_bytes()
        assert first == second
        with zipfile.ZipFile(tmp_path / "one" / "trend.xlsx") as package:
            core = package.read("docProps/core.xml").decode()
        assert "2024-01-01T00:00:00Z" in core


def test_a_project_over_the_years_has_its_changes_and_renames(tmp_path):
    tables, workbook_path = run_trend(EXAMPLES, out=tmp_path / "trend")
    report = (tmp_path / "trend" / "trend.md").read_text(encoding="utf-8")
    assert "### 项目“大气污染防治”" in report
    department = next(t for t in tables if any(r[1] == "年度预算安排：资金总额" for r in t))
    assert department[0] == [
        "类别",
        "项目",
        "2022",
        "2023",
        "2024",
        "2022→2023",
        "2023→2024",
        "说明",
    ]
    assert [
        "预算（万元）",
        "年度预算安排：资金总额",
        "2,380.0000",
        "2,510.0000",
        "2,650.0000",
        "+130.0000",
        "+140.0000",
        "",
    ] in department
    assert [
        "效益指标 / 生态效益指标",
        "空气质量优良天数比率",
        ">=82%",
        ">=84%",
        ">=85%",
        "↑ +2 个百分点",
        "↑ +1 个百分点",
        "2024年由“空气质量优良天数比例”改名（名称相似，视为同一指标）",
    ] in department
    assert [
        "产出指标 / 质量指标",
        "监测数据有效率",
        ">=92%",
        ">=95%",
        ">=95%",
        "↑ +3 个百分点",
        "未变",
        "2023年由“产出指标 / 数量指标”移入",
    ] in department
    air = next(t for t in tables if any("=30个" in r for r in t))  # 大气污染防治, 2023 and 2024
    assert [
        "预算（万元）",
        "年度资金总额：总额",
        "",
        "820.0000",
        "860.0000",
        "",
        "+40.0000",
        "",
    ] in air
    assert [
        "产出指标 / 数量指标",
        "完成治理企业数（中期指标值）",
        "",
        ">=180家",
        ">=180家",
        "",
        "未变",
        "",
    ] in air
    workbook = load_workbook(workbook_path)
    assert workbook.sheetnames[-1] == "图表"


CHARTED = (
    '<table><tr><th>项目</th><th class="chart-x">2023</th><th class="chart-x">2024</th></tr>'
    '<tr class="chart"><td class="chart-name">总额</td><td class="amount">1.00</td>'
    '<td class="amount">2.00</td></tr></table>'
)

UNMARKED = CHARTED.replace(' class="chart-x"', "")  # no header cell says where the years are


@pytest.mark.parametrize(
    ("html", "message"),
    [
        (
            f'<section title="a" chart="图">{CHARTED}</section>',
            '有 class="chart" 的行，却没有放图表的 <section class="charts">',
        ),
        (
            f'<section title="a">{CHARTED}</section><section title="图表" class="charts"/>',
            '“a”有 class="chart" 的行，其 <section> 却没有 chart="图表标题"',
        ),
        (
            f'<section title="a" chart="图">{UNMARKED}</section>'
            '<section title="图表" class="charts"/>',
            '图表的行所在的表格须有一行连续的 class="chart-x" 表头单元格',
        ),
    ],
)
def test_a_layout_whose_chart_cannot_be_drawn_is_refused(html, message):
    with pytest.raises(LayoutError) as error:
        parse_layout(html, "trend")
    assert str(error.value) == message


def test_a_layout_chart_is_drawn_from_its_rows_cells(tmp_path):
    from generator.render.templates import Renderer

    html = (
        f'<section title="a" chart="图">{CHARTED}</section><section title="图表" class="charts"/>'
    )
    renderer = Renderer()
    data = renderer.xlsx.write(parse_layout(html, "trend"), datetime(2024, 1, 1, tzinfo=UTC))
    (tmp_path / "x.xlsx").write_bytes(data)
    chart = sheet_xml(tmp_path / "x.xlsx", "xl/charts/chart1.xml")
    assert chart.findtext(".//c:ser/c:val/c:numRef/c:f", namespaces=CHART) == "'a'!$B$2:$C$2"
    assert chart.findtext(".//c:ser/c:tx/c:strRef/c:f", namespaces=CHART) == "'a'!$A$2"
    assert chart.findtext(".//c:ser/c:cat/c:strRef/c:f", namespaces=CHART) == "'a'!$B$1:$C$1"
    assert load_workbook(tmp_path / "x.xlsx").sheetnames == ["a", "图表"]
