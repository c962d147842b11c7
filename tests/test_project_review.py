"""The review and authoring commands serve project forms (项目) as they serve 整体 forms: `diff`
and `trend` match a project by its 项目名称 within its department, never with a 整体 form;
`new-year` carries the department folders forward; `lint` reads project indicators (中期指标值
too) and asks every project for a 成本指标; `fmt` and the schema know the project kinds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import DATA, MINIMAL, ROOT, edit, markdown_paragraphs, markdown_tables
from openpyxl import load_workbook
from test_diff_review import git

from generator.authoring.json_schema import SCHEMA_PATH
from generator.cli import main
from generator.declaration.sources import read_checked
from generator.review import lint
from generator.review.pairing import pair_declarations

FORMS = DATA / "forms" / "2024"
EDUCATION = "示例县教育局"
SCHOOLS = "产出指标 / 数量指标 / 维修改造学校数"


def department(root: Path, year: int, name: str = "national-1") -> Path:
    """`root/<year>/<name>.yaml` and its projects `root/<year>/<name>/*.yaml`, copied from the
    2024 fixtures with their 年度 made `year` (the texts and dates left as they are); returns the
    year's folder."""
    folder = root / str(year)
    for source in [FORMS / f"{name}.yaml", *sorted((FORMS / name).glob("*.yaml"))]:
        target = folder / source.relative_to(FORMS)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8").replace("年度: 2024", f"年度: {year}")
        target.write_text(text, encoding="utf-8")
    return folder


def project(folder: Path, file: str, name: str, like: str = "学生资助.yaml") -> None:
    """A project `name` in `folder/file`, a copy of the project `like` with another 项目名称."""
    text = (folder / like).read_text(encoding="utf-8")
    (folder / file).write_text(text.replace("项目名称: 学生资助", f"项目名称: {name}"), "utf-8")


def diff_json(capsys, *args: str) -> tuple[int, dict, str]:
    code = main(["diff", "--format", "json", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def pairs(data: dict) -> list[tuple[str, str, str, str, str]]:
    return [
        (p["old_file"], p["new_file"], p["paired_by"], p["category"], p["project"])
        for p in data["pairs"]
    ]


def changes(data: dict, file: str) -> list[tuple[str, str, str, str, str, str]]:
    found = next(p for p in data["pairs"] if p["new_file"] == file)
    return [
        (c["kind"], c["section"], c["key"], c["old"], c["new"], c["detail"])
        for c in found["changes"]
    ]


# -- diff -------------------------------------------------------------------------------------


def test_diff_year_over_year_matches_projects_by_name_within_their_department(tmp_path, capsys):
    root = tmp_path / "declarations"
    department(root, 2024)
    projects = department(root, 2025) / "national-1"
    (projects / "学生资助.yaml").rename(projects / "资助.yaml")  # another file, the same project
    (projects / "教师培训.yaml").unlink()
    project(projects, "营养餐.yaml", "营养改善计划", like="资助.yaml")
    schools = projects / "校舍维修改造.yaml"
    edit(
        schools, "总额: 800.0000\n    财政拨款: 730.0000", "总额: 900.0000\n    财政拨款: 830.0000"
    )
    edit(schools, '中期指标值: "=42所"', '中期指标值: "=45所"')

    code, data, err = diff_json(capsys, str(root / "2024"), str(root / "2025"))
    assert code == 0
    assert pairs(data) == [
        ("national-1.yaml", "national-1.yaml", "department", "整体", ""),
        (
            "national-1/校舍维修改造.yaml",
            "national-1/校舍维修改造.yaml",
            "department",
            "项目",
            "农村义务教育学校校舍维修改造",
        ),
        ("national-1/学生资助.yaml", "national-1/资助.yaml", "department", "项目", "学生资助"),
    ]
    r = root.as_posix()
    assert data["added"] == [f"{EDUCATION}：项目“营养改善计划”（{r}/2025/national-1/营养餐.yaml）"]
    assert data["removed"] == [
        f"{EDUCATION}：项目“教师队伍建设”（{r}/2024/national-1/教师培训.yaml）"
    ]
    assert changes(data, "national-1.yaml") == []
    assert changes(data, "national-1/资助.yaml") == []
    assert changes(data, "national-1/校舍维修改造.yaml") == [
        ("changed", "budget", "年度资金总额：总额", "800.0000", "900.0000", "Δ +100.00（+12.50 %）"),
        ("changed", "budget", "年度资金总额：财政拨款", "730.0000", "830.0000", "Δ +100.00（+13.70 %）"),
        ("changed", "indicator", SCHOOLS, "=15所", "=15所", "中期指标值 =42所 → =45所，↑ +3"),
    ]  # fmt: skip
    assert err.splitlines()[-1] == (
        "6 处变化：修改 3，新增 0，删除 0，移动 0，顺序调整 0，可能改名 0；未变 70；申报新增 1 份、删除 1 份；"
        "文件改名 1 个"
    )

    assert main(["diff", str(root / "2024"), str(root / "2025")]) == 0
    report = capsys.readouterr().out
    lines = report.splitlines()
    assert "## 示例县教育局（2024 → 2025 年度）" not in lines  # unchanged: named at the end
    assert markdown_paragraphs(report)[-1] == EDUCATION
    assert "## 示例县教育局：项目“农村义务教育学校校舍维修改造”（2024 → 2025 年度）" in lines
    assert "## 示例县教育局：项目“学生资助”（2024 → 2025 年度）" in lines
    listed = [line.partition("（")[0] for line in lines if line.startswith("- ")]
    assert listed == [
        f"- 新增：{EDUCATION}：项目“营养改善计划”",
        f"- 删除：{EDUCATION}：项目“教师队伍建设”",
    ]
    assert f"| 修改 | {SCHOOLS} | =15所 | =15所 | 中期指标值 =42所 → =45所，↑ +3 |" in lines


def test_diff_reports_a_project_renamed_in_its_file_as_a_rename(tmp_path, capsys):
    root = tmp_path / "declarations"
    department(root, 2024)
    teachers = department(root, 2025) / "national-1/教师培训.yaml"
    edit(teachers, "项目名称: 教师队伍建设", "项目名称: 教师能力提升工程")

    code, data, err = diff_json(capsys, str(root / "2024"), str(root / "2025"))
    assert code == 0
    file = "national-1/教师培训.yaml"
    assert (file, file, "file_name", "项目", "教师能力提升工程") in pairs(data)
    r = root.as_posix()
    note = (
        f"按文件名配对：{r}/2024/{file} 的项目“教师队伍建设”改名为 {r}/2025/{file} 的"
        "“教师能力提升工程”（若不是同一个项目，给其中一个文件改名）"
    )
    assert data["notes"] == [note]
    assert err.splitlines()[0] == note
    assert changes(data, file) == [
        ("renamed", "header", "项目名称", "教师队伍建设", "教师能力提升工程", "项目改名")
    ]
    assert data["added"] == data["removed"] == []
    assert data["summary"]["renamed"] == 1
    assert main(["diff", str(root / "2024"), str(root / "2025")]) == 0
    assert note in markdown_paragraphs(capsys.readouterr().out)


def model(path: Path):
    checked = read_checked(path)
    assert checked.ok, checked.diagnostics
    return checked.declaration


def test_a_whole_form_is_never_paired_with_a_project(tmp_path):
    root = tmp_path / "declarations"
    folder = department(root, 2024)
    whole = model(folder / "national-1.yaml")
    teachers = model(folder / "national-1/教师培训.yaml")
    # the same department (主管部门 = 部门名称), and the same file name
    assert teachers.department == whole.department
    for old, new in [
        ({"national-1.yaml": whole}, {"national-1/x.yaml": teachers}),
        ({"x/national-1.yaml": teachers}, {"national-1.yaml": whole}),
    ]:
        for across_years in (True, False):
            pairing = pair_declarations(old, new, across_years)
            assert pairing.pairs == ()
            assert (pairing.added, pairing.removed) == (tuple(new), tuple(old))


def test_projects_of_a_department_renamed_in_its_file_follow_it(tmp_path):
    """The 整体 form paired by file name (部门名称 changed): its projects are matched by name
    within it, whatever their files are called."""
    root = tmp_path / "declarations"
    department(root, 2024)
    folder = department(root, 2025)
    edit(
        folder / "national-1.yaml",
        "部门（单位）名称: 示例县教育局",
        "部门（单位）名称: 示例县教育体育局",
    )
    for path in (folder / "national-1").glob("*.yaml"):
        edit(path, "主管部门: 示例县教育局", "主管部门: 示例县教育体育局")
    (folder / "national-1/学生资助.yaml").rename(folder / "national-1/资助.yaml")
    old = {
        p.relative_to(root / "2024").as_posix(): model(p) for p in (root / "2024").rglob("*.yaml")
    }
    new = {p.relative_to(folder).as_posix(): model(p) for p in folder.rglob("*.yaml")}
    pairing = pair_declarations(old, new, across_years=True)
    assert sorted((p.old, p.new, p.by) for p in pairing.pairs) == [
        ("national-1.yaml", "national-1.yaml", "file_name"),
        ("national-1/学生资助.yaml", "national-1/资助.yaml", "department"),
        ("national-1/教师培训.yaml", "national-1/教师培训.yaml", "department"),
        ("national-1/校舍维修改造.yaml", "national-1/校舍维修改造.yaml", "department"),
    ]
    assert [p.note for p in pairing.pairs if p.note] == [
        f"按文件名配对：{root.as_posix()}/2024/national-1.yaml 的“示例县教育局”改名为 "
        f"{folder.as_posix()}/national-1.yaml 的“示例县教育体育局”（若不是同一个部门，给其中一个文件改名）"
    ]


def test_diff_between_revisions_reads_the_projects_in_department_folders(
    tmp_path, capsys, monkeypatch
):
    department(tmp_path / "declarations", 2024)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "2024")
    projects = tmp_path / "declarations/2024/national-1"
    project(projects, "营养餐.yaml", "营养改善计划")
    edit(projects / "教师培训.yaml", '">=1,200人次"', '">=1,500人次"')
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "a project added, one changed")
    monkeypatch.chdir(tmp_path)

    code, data, _ = diff_json(capsys, "--exit-code", "--rev", "HEAD~1..HEAD", "declarations")
    assert code == 1
    teachers = "declarations/2024/national-1/教师培训.yaml"
    assert [(p[1], p[3]) for p in pairs(data)] == [
        ("declarations/2024/national-1.yaml", "整体"),
        ("declarations/2024/national-1/学生资助.yaml", "项目"),
        (teachers, "项目"),
        ("declarations/2024/national-1/校舍维修改造.yaml", "项目"),
    ]
    assert {p[2] for p in pairs(data)} == {"department"}
    assert data["added"] == [
        f"{EDUCATION}：项目“营养改善计划”（HEAD:declarations/2024/national-1/营养餐.yaml）"
    ]
    assert data["removed"] == []
    count = "产出指标 / 数量指标 / 教师培训人次"
    assert changes(data, teachers) == [
        ("changed", "indicator", count, ">=1,200人次", ">=1,500人次", "↑ +300")
    ]

    edit(projects / "学生资助.yaml", "项目名称: 学生资助", "项目名称: 学生资助（义务教育）")
    code, data, _ = diff_json(capsys, "--rev", "HEAD", "declarations/2024/national-1")
    assert pairs(data)[0][1:3] == (
        "declarations/2024/national-1/学生资助.yaml",
        "file_name",
    )
    assert changes(data, "declarations/2024/national-1/学生资助.yaml")[0][:5] == (
        "renamed", "header", "项目名称", "学生资助", "学生资助（义务教育）"
    )  # fmt: skip


# -- trend ------------------------------------------------------------------------------------


def trend_report(capsys, out: Path, *paths: Path) -> tuple[list[str], list[list[list[str]]], str]:
    """Run trend: the headings of trend.md (with their level), its tables, standard error."""
    assert main(["trend", *map(str, paths), "--out", str(out)]) == 0
    report = (out / "trend.md").read_text(encoding="utf-8")
    headings = [line for line in report.splitlines() if line.startswith("#")]
    return headings, markdown_tables(report), capsys.readouterr().err


def rows(table: list[list[str]], label: str) -> list[list[str]]:
    """The rows of `label`: group, label and the values of the two years (not the change)."""
    return [row[:4] for row in table if row[1] == label]


def test_trend_gives_a_long_running_project_one_section_under_its_department(tmp_path, capsys):
    root = tmp_path / "declarations"
    department(root, 2023)
    projects = department(root, 2024) / "national-1"
    (projects / "校舍维修改造.yaml").rename(projects / "校舍.yaml")
    edit(
        projects / "校舍.yaml",
        "总额: 800.0000\n    财政拨款: 730.0000",
        "总额: 900.0000\n    财政拨款: 830.0000",
    )
    edit(projects / "校舍.yaml", '中期指标值: "=42所"', '中期指标值: "=45所"')
    (projects / "教师培训.yaml").unlink()

    headings, tables, err = trend_report(capsys, tmp_path / "trend", root)
    assert headings == [
        "# 逐年对比（2023、2024年度）",
        f"## {EDUCATION}",
        "### 项目“学生资助”",
        "### 项目“教师队伍建设”",
        "### 项目“农村义务教育学校校舍维修改造”",
    ]
    whole, aid, teachers, schools = tables
    assert rows(whole, "三级指标数") == [["概况", "三级指标数", "8", "8"]]
    assert rows(whole, "年度资金总额：总额") == []
    assert rows(aid, "年度资金总额：总额") == [
        ["预算（万元）", "年度资金总额：总额", "98.7650", "98.7650"]
    ]
    assert rows(teachers, "年度资金总额：总额") == [
        ["预算（元）", "年度资金总额：总额", "1,505,000.00", ""]
    ]
    assert rows(schools, "年度资金总额：总额") == [
        ["预算（万元）", "年度资金总额：总额", "800.0000", "900.0000"]
    ]
    assert rows(schools, "维修改造学校数") == [
        ["产出指标 / 数量指标", "维修改造学校数", "=15所", "=15所"]
    ]
    assert rows(schools, "维修改造学校数（中期指标值）") == [
        ["产出指标 / 数量指标", "维修改造学校数（中期指标值）", "=42所", "=45所"]
    ]
    assert "按文件名配对" not in err

    sheet = load_workbook(tmp_path / "trend/trend.xlsx")[EDUCATION]
    labels = [row[0] for row in sheet.iter_rows(values_only=True) if row[0]]
    assert [text for text in labels if str(text).startswith(("逐年", EDUCATION, "项目"))] == [
        "逐年对比（2023、2024年度）",
        EDUCATION,
        "项目“学生资助”",
        "项目“教师队伍建设”",
        "项目“农村义务教育学校校舍维修改造”",
    ]


def test_trend_of_project_folders_alone_groups_them_by_their_department(tmp_path, capsys):
    root = tmp_path / "declarations"
    department(root, 2023)
    department(root, 2024)
    edit(root / "2024/national-1/教师培训.yaml", "项目名称: 教师队伍建设", "项目名称: 教师能力提升")
    folders = (root / "2023/national-1", root / "2024/national-1")
    headings, tables, err = trend_report(capsys, tmp_path / "trend", *folders)
    assert headings == [
        "# 逐年对比（2023、2024年度）",
        f"## {EDUCATION}",
        "### 项目“学生资助”",
        "### 项目“教师能力提升”",
        "### 项目“农村义务教育学校校舍维修改造”",
    ]
    assert len(tables) == 3
    note = (
        f"按文件名配对：{root.as_posix()}/2023/national-1/教师培训.yaml 的项目“教师队伍建设”改名为 "
        f"{root.as_posix()}/2024/national-1/教师培训.yaml 的“教师能力提升”（若不是同一个项目，给其中一个文件改名）"
    )
    assert err.splitlines()[0] == note
    report = (tmp_path / "trend/trend.md").read_text(encoding="utf-8")
    assert note in markdown_paragraphs(report)


# -- new-year ---------------------------------------------------------------------------------

LAST_YEAR = "（提示：若是沿用往年的文字，改为本年度的内容；确指那一年的可不改）"
MOVED = "（提示：核对这个日期，按本年度的实际日期填写）"


def changed_lines(old: Path, new: Path) -> list[tuple[str, str]]:
    before = old.read_text(encoding="utf-8").splitlines()
    after = new.read_text(encoding="utf-8").splitlines()
    return [(a, b) for a, b in zip(before, after, strict=True) if a != b]


def test_new_year_copies_the_project_folders_and_moves_their_dates(tmp_path, capsys):
    root = tmp_path / "declarations"
    department(root, 2024, "shanghai-1")
    # a project running on beyond the new year keeps its period
    edit(root / "2024/shanghai-1/档案利用服务.yaml", "结束时间: 2024-12-31", "结束时间: 2026-12-31")
    assert main(["new-year", "2024", "2025", "--root", str(root)]) == 0
    captured = capsys.readouterr()
    new = root / "2025"
    assert sorted(p.relative_to(new).as_posix() for p in new.rglob("*")) == [
        "shanghai-1",
        "shanghai-1.yaml",
        "shanghai-1/库房改造.yaml",
        "shanghai-1/档案利用服务.yaml",
        "shanghai-1/档案数字化.yaml",
    ]
    old = root / "2024"
    assert changed_lines(old / "shanghai-1.yaml", new / "shanghai-1.yaml") == [
        ("年度: 2024", "年度: 2025")
    ]
    assert changed_lines(old / "shanghai-1/库房改造.yaml", new / "shanghai-1/库房改造.yaml") == [
        ("年度: 2024", "年度: 2025"),
        ("开始时间: 2023年9月1日", "开始时间: 2024年9月1日"),
        ("结束时间: 2024年6月30日", "结束时间: 2025年6月30日"),
    ]
    assert changed_lines(
        old / "shanghai-1/档案利用服务.yaml", new / "shanghai-1/档案利用服务.yaml"
    ) == [("年度: 2024", "年度: 2025")]
    assert changed_lines(
        old / "shanghai-1/档案数字化.yaml", new / "shanghai-1/档案数字化.yaml"
    ) == [
        ("年度: 2024", "年度: 2025"),
        ("开始时间: 2024-03-01", "开始时间: 2025-03-01"),
        ("结束时间: 2024-11-30", "结束时间: 2025-11-30"),
    ]
    store = (new / "shanghai-1/库房改造.yaml").as_posix()
    scans = (new / "shanghai-1/档案数字化.yaml").as_posix()
    assert captured.out.splitlines() == [
        f"{store}:1:1: L008 注释中的 2024 不是本年度 2025：“Test fixture (invented): 表样 上海项目 "
        f"over t…”{LAST_YEAR}",
        f"{store}:9:7: W502 开始时间 2023年9月1日 已随年度顺延为 2024年9月1日{MOVED}",
        f"{store}:10:7: W502 结束时间 2024年6月30日 已随年度顺延为 2025年6月30日{MOVED}",
        f"{store}:26:13: L008 “完工时间”的指标值中的 2024 不是本年度 2025：“2024年6月底前”{LAST_YEAR}",
        f"{scans}:9:7: W502 开始时间 2024年3月1日 已随年度顺延为 2025年3月1日{MOVED}",
        f"{scans}:10:7: W502 结束时间 2024年11月30日 已随年度顺延为 2025年11月30日{MOVED}",
        f"{scans}:30:13: L008 “完成时间”的指标值中的 2024 不是本年度 2025：“2024年11月底前”{LAST_YEAR}",
    ]
    assert captured.err.splitlines()[-1] == (
        "以上 3 处写的不是本年度的年份、4 个日期已随年度顺延，请逐一核对"
    )
    assert main(["check", str(new)]) == 0
    capsys.readouterr()

    # never overwritten: a project that exists already stops the whole copy
    before = {p: p.read_bytes() for p in new.rglob("*.yaml")}
    assert main(["new-year", "2024", "2025", "--root", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"{store}:1:1: E501 已存在，不覆盖（提示：若要重新生成，先删除 {store}）")
    assert len(out) == 4
    assert {p: p.read_bytes() for p in new.rglob("*.yaml")} == before


def test_new_year_moves_the_29th_of_february_to_the_28th(tmp_path, capsys):
    root = tmp_path / "declarations"
    department(root, 2024, "shanghai-1")
    edit(
        root / "2024/shanghai-1/档案数字化.yaml", "开始时间: 2024-03-01", "开始时间: ２０２４/2/29"
    )
    assert main(["new-year", "2024", "2025", "--root", str(root)]) == 0
    copy = root / "2025/shanghai-1/档案数字化.yaml"
    assert "开始时间: ２０２５/2/28" in copy.read_text(encoding="utf-8").splitlines()
    assert (
        f"{copy.as_posix()}:9:7: W502 开始时间 2024年2月29日 已随年度顺延为 2025年2月28日"
        f"（2025 年没有 2 月 29 日）{MOVED}"
    ) in capsys.readouterr().out.splitlines()
    assert main(["check", str(root / "2025")]) == 0


def test_new_year_moves_the_date_a_form_was_filled_in(tmp_path, capsys):
    root = tmp_path / "declarations"
    department(root, 2024)
    assert main(["new-year", "2024", "2025", "--root", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    whole = (root / "2025/national-1.yaml").as_posix()
    assert f"{whole}:78:7: W502 填报日期 2024年1月15日 已随年度顺延为 2025年1月15日{MOVED}" in out
    assert (root / "2025/national-1/校舍维修改造.yaml").is_file()
    assert [line.split(": ")[1].split()[0] for line in out].count("W502") == 2


# -- lint -------------------------------------------------------------------------------------


def lint_lines(capsys, *paths: Path) -> list[str]:
    assert main(["lint", *map(str, paths)]) == 0
    return capsys.readouterr().out.splitlines()


def test_lint_reads_every_target_of_a_project_indicator(tmp_path, capsys):
    """The 中期指标值 beside the 年度指标值 is a target too: each rule reads it, and warns at
    its own line; the 项目期 “2023年—2025年” spans the 年度 and names no other year by slip."""
    schools = department(tmp_path / "declarations", 2024) / "national-1/校舍维修改造.yaml"
    edit(schools, '中期指标值: "=42所"', '中期指标值: "=42"')
    edit(schools, '中期指标值: ">=33,000平方米"', "中期指标值: 2025年底前完成33,000平方米")
    edit(
        schools,
        '      工程验收合格率: "=100%"\n',
        '      工程验收合格率: {年度指标值: "=100%", 中期指标值: "=120%"}\n'
        '      改造任务完成率: {年度指标值: ">=90%", 中期指标值: "=100%"}\n',
    )
    edit(
        schools,
        '消除危房学校数: "=15所"',
        '消除危房学校数: {年度指标值: "=15所", 中期指标值: 提升}',
    )
    edit(schools, '学生满意度: ">=90%"', '学生满意度: {年度指标值: ">=90%", 中期指标值: ">=80%"}')
    name = schools.as_posix()
    assert lint_lines(capsys, schools) == [
        f"{name}:33:16: L002 “维修改造学校数”的中期指标值“=42”没有单位"
        '（提示：写明单位，例如 "=42次"、"=42起" 或 "=42%"）',
        f"{name}:36:16: L008 “维修改造面积”的中期指标值中的 2025 不是本年度 2024："
        f"“2025年底前完成33,000平…”{LAST_YEAR}",
        f"{name}:38:40: L009 “工程验收合格率”的中期指标值“=120%”超过 100%：名称以“率”结尾，是一个比率"
        '（提示：比率最高 100%：核对数字，例如 ">=90%"）',
        f"{name}:39:40: L006 “改造任务完成率”的中期指标值 =100% 只是重复了任务本身"
        "（提示：用产出的数量、质量或效果来衡量，例如完成的件数或达到的标准）",
        f"{name}:46:39: L001 “消除危房学校数”的中期指标值“提升”无法衡量"
        '（提示：写出可衡量的目标，例如 ">=90%"、"=3项" 或具体的成果）',
        f"{name}:49:38: L003 满意度目标“学生满意度”的中期指标值 >=80% 低于 85%"
        '（提示：满意度目标一般不低于 85%，例如 ">=90%"）',
    ]


COST_HINT = "（提示：补上至少一项三级指标；确实没有这类目标的，向审核人说明）"


def test_lint_asks_every_project_for_a_cost_target_where_its_framework_has_it(tmp_path, capsys):
    root = tmp_path / "declarations"
    archive = department(root, 2024, "shanghai-1") / "shanghai-1"
    education = department(root, 2024) / "national-1"
    # 财预〔2015〕88号: an empty 成本指标 placeholder sets no cost target
    edit(education / "教师培训.yaml", '      人均培训成本: "<=1,250元"\n', "")
    # 财预〔2021〕101号: 成本指标 is a 一级 (left out: L010 too)
    edit(
        education / "学生资助.yaml",
        '  成本指标:\n    经济成本指标:\n      生均资助标准: "=1,000元"\n',
        "",
    )
    found = [line for line in lint_lines(capsys, root) if " L011 " in line or " L010 " in line]
    store, service = archive / "库房改造.yaml", archive / "档案利用服务.yaml"
    missing_88 = (
        "绩效指标中没有“产出指标 / 成本指标”下的三级指标（财预〔2015〕88号：项目表都应设置）"
    )
    assert found == [
        f"{(education / '学生资助.yaml').as_posix()}:19:1: L010 绩效指标中没有一级指标“成本指标”"
        "（财预〔2021〕101号的一级指标）（提示：补上它和它的二级指标、三级指标；确实没有这类目标的，向审核人说明）",
        f"{(education / '学生资助.yaml').as_posix()}:19:1: L011 绩效指标中没有“成本指标”下的三级指标"
        f"（财预〔2021〕101号：项目表都应设置）{COST_HINT}",
        # the same hint of the same code is said once
        f"{(education / '教师培训.yaml').as_posix()}:21:3: L011 {missing_88}",
        f"{store.as_posix()}:20:3: L011 {missing_88}",
        f"{service.as_posix()}:21:3: L011 {missing_88}",
    ]


def test_lint_knows_a_level_written_without_its_suffix(write_declaration, capsys):
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "  满意度指标:\n", "  效益:\n    社会效益:\n      工作效率: 提升\n  满意度:\n"
    )
    text = text.replace('满意度: ">=90%"', '满意度: ">=80%"')
    path = write_declaration(text)
    assert lint_lines(capsys, path) == [
        f"{path.as_posix()}:27:7: L001 “工作效率”的目标值“提升”无法衡量"
        '（提示：写出可衡量的目标，例如 ">=90%"、"=3项" 或具体的成果）',
        f"{path.as_posix()}:30:7: L003 满意度目标“满意度”>=80% 低于 85%"
        '（提示：满意度目标一般不低于 85%，例如 ">=90%"）',
    ]


def test_lint_leaves_a_period_that_spans_the_year_alone(write_declaration, capsys):
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "年度履职目标: 测试目标", "年度履职目标: 落实2022—2024年规划；2021年至2022年的任务已完成"
    )
    flagged = [line for line in lint_lines(capsys, write_declaration(text)) if " L008 " in line]
    assert [re.search("中的 ([0-9]+) 不是本年度", line).group(1) for line in flagged] == [
        "2021",
        "2022",
    ]
    assert flagged[1].endswith("：“…24年规划；2021年至2022年的任务已完成”")  # its hint said above


@pytest.mark.usefixtures("data_copy")
def test_lint_data_names_categories_frameworks_and_branches_that_exist(write_declaration, capsys):
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    lint_data = lint.DATA / "lint.yaml"  # the copy data_copy made
    original = lint_data.read_text(encoding="utf-8")
    for old, new, message in [
        ("  项目:\n", "  项目表:\n", "expected_branches.项目表 未知的表的类别；可用：整体、项目"),
        (
            "    财预〔2021〕101号: [成本指标]\n",
            "    财预〔2021〕101号: [产出指标/成本指标]\n",
            "expected_branches.项目.财预〔2021〕101号[1] “产出指标/成本指标”不是财预〔2021〕101号"
            "的一级指标或其下的二级指标",
        ),
        (
            "      - [产出指标/成本指标, 成本指标]\n",
            "      - [产出指标/成本指标/单位成本]\n",
            "expected_branches.项目.default[1] 应写成“一级”或“一级/二级”，而不是“产出指标/成本指标/单位成本”",
        ),
    ]:
        lint_data.write_text(original.replace(old, new), encoding="utf-8")
        lint.vocabulary.cache_clear()
        assert main(["lint", str(source)]) == 2
        assert capsys.readouterr() == ("", f"错误：{lint_data}: {message}\n")


# -- fmt and the schema -----------------------------------------------------------------------

SCRAMBLED = """\
# yaml-language-server: $schema=../../schema/declaration.schema.json
绩效指标:
  产出指标:
    成本指标:
      单位成本: "<=650元"
    数量指标:
      维修改造学校数:
        中期指标值: "=42所"  # 三年合计
        指标值: "=15所"
  效益指标:
    社会效益指标:
      消除危房学校数: '=15所'
  满意度指标:
    服务对象满意度指标:
      学生满意度: ">=90%"
总体目标:
  年度目标: [完成 15 所学校校舍维修改造。]
  中期目标:
    - 三年内完成全县 42 所学校校舍维修改造。
项目资金:
  年度资金总额: {其他资金: 70, 财政拨款: 730, 总额: 800}
  中期资金总额: {总额: 2400, 财政拨款: 2200, 其他资金: 200}
项目期: 2023年—2025年
表样: 全国项目
项目名称: 校舍维修改造
年度: 2024
主管部门名称: 示例县教育局
实施单位: 示例县教育局基建办公室
项目属性: 延续项目
"""

FORMATTED = """\
# yaml-language-server: $schema=../../../schema/declaration.schema.json
表样: 全国项目
年度: 2024
项目名称: 校舍维修改造
主管部门: 示例县教育局
实施单位: 示例县教育局基建办公室
项目属性: 延续项目
项目期: 2023年—2025年

项目资金:
  中期资金总额:
    总额: 2,400
    财政拨款: 2,200
    其他资金: 200
  年度资金总额:
    总额: 800
    财政拨款: 730
    其他资金: 70

总体目标:
  中期目标:
    - 三年内完成全县 42 所学校校舍维修改造。
  年度目标:
    - 完成 15 所学校校舍维修改造。

绩效指标:
  产出指标:
    成本指标:
      单位成本: "<=650元"
    数量指标:
      维修改造学校数:
        年度指标值: "=15所"
        中期指标值: "=42所"  # 三年合计
  效益指标:
    社会效益指标:
      消除危房学校数: "=15所"
  满意度指标:
    服务对象满意度指标:
      学生满意度: ">=90%"
"""


def test_fmt_writes_a_project_in_its_kinds_order_with_the_schema_one_folder_up(tmp_path, capsys):
    folder = department(tmp_path / "declarations", 2024)
    path = folder / "national-1/校舍维修改造.yaml"
    path.write_text(SCRAMBLED, encoding="utf-8")
    assert main(["fmt", "--check", str(path)]) == 1
    assert "+# yaml-language-server: $schema=../../../schema/declaration.schema.json" in (
        capsys.readouterr().out.splitlines()
    )
    assert main(["fmt", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == FORMATTED
    assert main(["fmt", "--check", str(path), str(folder / "national-1.yaml")]) == 1
    out = capsys.readouterr().out
    assert "schema" not in out  # the 整体 form's “../../” is right where it lies
    assert main(["check", str(path)]) == 0


def test_fmt_keeps_a_shanghai_project_in_its_kinds_order(tmp_path, capsys):
    folder = department(tmp_path / "declarations", 2024, "shanghai-1")
    path = folder / "shanghai-1/档案数字化.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("项目资金:\n")
    end = lines.index("绩效指标:\n")
    path.write_text("".join(lines[:2] + lines[start:end] + lines[2:start] + lines[end:]), "utf-8")
    assert main(["fmt", str(path)]) == 0
    keys = [line.split(":")[0] for line in path.read_text(encoding="utf-8").splitlines()]
    top = [key for key in keys if key and not key.startswith((" ", "#"))]
    assert top == [
        "表样", "年度", "申报单位名称", "项目名称", "项目类型", "资金用途", "开始时间", "结束时间",
        "项目概况", "立项依据", "项目设立的必要性", "保证项目实施的制度、措施", "项目资金", "绩效指标",
    ]  # fmt: skip
    assert main(["check", str(path)]) == 0


SCHEMA = json.loads((ROOT / SCHEMA_PATH).read_text(encoding="utf-8"))


class Yaml12Loader(yaml.SafeLoader):
    """YAML as the editor reads it (1.2): `2024-01-15` is a text, not a date."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def editor_data(text: str) -> object:
    return yaml.load(text, Loader=Yaml12Loader)  # a SafeLoader


def test_the_schema_takes_every_project_fixture_and_its_kinds_fields_only():
    for path in sorted(FORMS.rglob("*.yaml")):
        jsonschema.validate(editor_data(path.read_text(encoding="utf-8")), SCHEMA)
    national = editor_data(SCRAMBLED)
    jsonschema.validate(national, SCHEMA)
    shanghai = editor_data((FORMS / "shanghai-1/档案数字化.yaml").read_text(encoding="utf-8"))
    for wrong in [
        {**national, "部门名称": "示例县教育局"},  # a 整体 form's field
        {**national, "表样": "上海项目"},  # another kind's fields
        {**shanghai, "项目期": "1年"},
        {k: v for k, v in national.items() if k != "项目名称"},
    ]:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(wrong, SCHEMA)
    mid = {"年度指标值": "=15所", "中期指标值": "=42所"}
    shanghai["绩效指标"]["产出指标"]["数量指标"]["档案数字化扫描页数"] = mid
    with pytest.raises(jsonschema.ValidationError, match="中期指标值"):
        jsonschema.validate(shanghai, SCHEMA)
    assert {"全国项目", "上海项目"} <= set(SCHEMA["properties"]["表样"]["enum"])
    branches = [b["if"]["properties"]["表样"]["const"] for b in SCHEMA["allOf"]]
    assert {"全国项目", "上海项目"} <= set(branches)
    kinds = SCHEMA["$defs"]
    assert list(kinds["kind 全国项目"]["properties"])[:4] == [
        "表样",
        "指标体系",
        "年度",
        "项目名称",
    ]
    assert list(kinds["kind 上海项目"]["properties"])[:4] == [
        "表样",
        "指标体系",
        "年度",
        "申报单位名称",
    ]
    assert "中期指标值" in kinds["indicator 全国项目"]["anyOf"][1]["properties"]


def dated_project(tmp_path):
    """A 2024 department with its projects under tmp_path/declarations: (that folder, the
    project with 开始时间 on line 9 and 结束时间 on line 10)."""
    root = tmp_path / "declarations"
    department(root, 2024, "shanghai-1")
    return root, root / "2024/shanghai-1/档案数字化.yaml"


def test_new_year_keeps_the_width_of_each_part_of_a_date(tmp_path, capsys):
    root, project = dated_project(tmp_path)
    edit(project, "开始时间: 2024-03-01", '开始时间: "２０２４年２月２９日"')
    edit(project, "结束时间: 2024-11-30", "结束时间: ２０２４-１１-3０")
    assert main(["new-year", "2024", "2025", "--root", str(root)]) == 0
    copy = root / "2025/shanghai-1/档案数字化.yaml"
    assert changed_lines(project, copy) == [
        ("年度: 2024", "年度: 2025"),
        ('开始时间: "２０２４年２月２９日"', '开始时间: "２０２５年２月２８日"'),
        ("结束时间: ２０２４-１１-3０", "结束时间: ２０２５-１１-3０"),
    ]
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if "W502" in line and "档案数字化" in line] == [
        f"{copy.as_posix()}:9:7: W502 开始时间 2024年2月29日 已随年度顺延为 2025年2月28日"
        f"（2025 年没有 2 月 29 日）{MOVED}",
        f"{copy.as_posix()}:10:7: W502 结束时间 2024年11月30日 已随年度顺延为 2025年11月30日{MOVED}",
    ]
    assert main(["check", str(root / "2025")]) == 0


@pytest.mark.parametrize(
    ("line", "written", "col"),
    [
        ("结束时间: 2024-11-30", '结束时间: "2024年12月㏠"', 7),  # ㏠: NFKC reads it as 1日
        ("开始时间: 2024-03-01", '开始时间: "2024年2月㏼"', 7),  # ㏼: 29日
    ],
)
def test_new_year_refuses_a_date_written_with_a_compatibility_character(
    tmp_path, capsys, line, written, col
):
    root, project = dated_project(tmp_path)
    edit(project, line, written)
    assert main(["new-year", "2024", "2025", "--root", str(root)]) == 1
    key, value = written.split(": ")
    row = 9 if key == "开始时间" else 10
    hint = "日期只能用数字 0–9（全角 ０–９ 也可）和 年、月、日、-、.、/ 写，例如 2024-01-15"
    assert capsys.readouterr().out.splitlines() == [
        f"{project.as_posix()}:{row}:{col}: E104 “{key}”应为日期，"
        f"这里是“{value.strip(chr(34))}”（提示：{hint}）"
    ]
    assert not (root / "2025").exists()


def test_new_year_edits_the_date_where_it_is_read(tmp_path, capsys):
    root, project = dated_project(tmp_path)
    edit(project, "开始时间: 2024-03-01", "开始时间: |-\n\n  2024-03-01")
    edit(project, "结束时间: 2024-11-30", "结束时间: ' 2024 年 11 月 30 日'")
    assert main(["new-year", "2024", "2025", "--root", str(root)]) == 0
    copy = root / "2025/shanghai-1/档案数字化.yaml"
    assert changed_lines(project, copy) == [
        ("年度: 2024", "年度: 2025"),
        ("  2024-03-01", "  2025-03-01"),
        ("结束时间: ' 2024 年 11 月 30 日'", "结束时间: ' 2025 年 11 月 30 日'"),
    ]
    out = [line for line in capsys.readouterr().out.splitlines() if "档案数字化.yaml" in line]
    assert [line.split(" W502 ")[1] for line in out if " W502 " in line] == [
        f"开始时间 2024年3月1日 已随年度顺延为 2025年3月1日{MOVED}",
        f"结束时间 2024年11月30日 已随年度顺延为 2025年11月30日{MOVED}",
    ]


def test_diff_of_a_whole_form_and_a_project_is_a_usage_error(tmp_path, capsys):
    folder = department(tmp_path / "declarations", 2024, "shanghai-1")
    whole, project = folder / "shanghai-1.yaml", folder / "shanghai-1" / "档案数字化.yaml"
    for old, new in ((whole, project), (project, whole)):
        assert main(["diff", str(old), str(new)]) == 2
        kinds = {whole: "整体表（上海整体）", project: "项目表（上海项目）"}
        assert capsys.readouterr() == (
            "",
            f"错误：{old.as_posix()} 是{kinds[old]}，{new.as_posix()} 是{kinds[new]}："
            "两种不同的申报表不能相互比较；diff 比较同一种表（整体表与整体表，项目表与项目表）\n",
        )


def test_trend_names_each_budget_row_with_its_group(tmp_path, capsys):
    """The rows directly in a top-level group are prefixed with its key (金额合计：总额, not a
    bare 总额 that could be any of three); deeper rows already name their group."""
    root = tmp_path / "declarations"
    department(root, 2023)
    department(root, 2024)
    _, tables, _ = trend_report(capsys, tmp_path / "trend", root)
    budget = [row[:3] for row in tables[0] if row[0] == "预算（万元）"]
    assert budget == [
        ["预算（万元）", "金额合计：总额", "1,735.5150"],
        ["预算（万元）", "金额合计：财政拨款", "1,646.2500"],
        ["预算（万元）", "金额合计：其他资金", "89.2650"],
        ["预算（万元）", "年度预算安排：资金总额", "2,400.0000"],
        ["预算（万元）", "年度预算安排：基本支出", "664.4850"],
        ["预算（万元）", "年度预算安排：项目支出", "1,735.5150"],
        ["预算（万元）", "收入构成：财政拨款：金额", "2,310.7350"],
        ["预算（万元）", "收入构成：其他资金：金额", "89.2650"],
        ["预算（万元）", "收入构成：合计：金额", "2,400.0000"],
        ["预算（万元）", "支出构成：基本支出：金额", "664.4850"],
        ["预算（万元）", "支出构成：项目支出：金额", "1,735.5150"],
        ["预算（万元）", "支出构成：合计：金额", "2,400.0000"],
    ]
    # "<" is escaped in the source, and reads as written
    assert rows(tables[0], "生均公用经费") == [
        ["产出指标 / 成本指标", "生均公用经费", "<=1,500元", "<=1,500元"]
    ]
    source = (tmp_path / "trend" / "trend.md").read_text(encoding="utf-8")
    assert "| 生均公用经费 | \\<=1,500元 | \\<=1,500元 |" in source
