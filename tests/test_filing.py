"""A department's forms of one year: the 整体 form in the year's folder, its project forms in
the folder named after it; where each must lie (E240), what they must agree on (E241–E244),
the coverage of 项目支出 in mixed units, and the pages that show a department with its
projects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DATA, ROOT, edit, markdown_tables

from generator.build.build import build
from generator.cli import main

FORMS = DATA / "forms" / "2024"


@pytest.fixture
def department(tmp_path: Path) -> Path:
    """declarations/2024/ holding shanghai-1 (示例区档案馆, 项目支出 2,100,000.00 元) and its three
    projects (1,200,000.00 元, 650,000.00 元 and 15 万元) in shanghai-1/."""
    year = tmp_path / "declarations" / "2024"
    year.mkdir(parents=True)
    shutil.copy(FORMS / "shanghai-1.yaml", year)
    shutil.copytree(FORMS / "shanghai-1", year / "shanghai-1")
    return year


def check_lines(path: Path, capsys) -> tuple[int, list[str]]:
    status = main(["check", str(path)])
    return status, capsys.readouterr().out.splitlines()


def test_a_department_with_its_projects_is_valid(department, capsys):
    assert check_lines(department, capsys) == (0, [])


def test_projects_over_the_departments_project_expense_are_an_error_naming_both(department, capsys):
    # 1,200,000 + 650,000 + 15 万元 = 2,000,000.00 元; 项目支出 down to 1,900,000.00 元
    whole = department / "shanghai-1.yaml"
    edit(whole, "基本支出: 4,100,000.00", "基本支出: 4,300,000.00")
    edit(whole, "项目支出: 2,100,000.00", "项目支出: 1,900,000.00")
    status, lines = check_lines(department, capsys)
    assert status == 1
    assert lines == [
        f"{whole.as_posix()}:27:11: E243 3 份项目表的年度资金总额合计 2,000,000.00 元，"
        "超过项目支出 1,900,000.00 元（多 100,000.00 元）（提示：核对项目支出或各项目的年度资金"
        "总额（按元换算）：库房改造.yaml 650,000.00、档案利用服务.yaml 150,000.00、"
        "档案数字化.yaml 1,200,000.00）"
    ]


def test_projects_exactly_covering_the_project_expense_are_valid(department, tmp_path, capsys):
    whole = department / "shanghai-1.yaml"
    edit(whole, "基本支出: 4,100,000.00", "基本支出: 4,200,000.00")
    edit(whole, "项目支出: 2,100,000.00", "项目支出: 2,000,000.00")
    assert check_lines(department, capsys) == (0, [])
    assert build([department], tmp_path / "out").ok
    page = (tmp_path / "out/2024/shanghai-1/index.md").read_text(encoding="utf-8")
    assert "项目表覆盖项目支出的 100.0 %。" in page


def test_a_project_in_wan_yuan_is_converted_before_it_is_added(department, capsys):
    # 档案利用服务 is 15 万元 = 150,000.00 元; written as 15 元 the projects would fit in
    # 1,850,015.00 元, but 150,000.00 元 does not
    whole = department / "shanghai-1.yaml"
    edit(whole, "基本支出: 4,100,000.00", "基本支出: 4,250,000.00")
    edit(whole, "项目支出: 2,100,000.00", "项目支出: 1,950,000.00")
    status, lines = check_lines(department, capsys)
    assert status == 1 and " E243 3 份项目表的年度资金总额合计 2,000,000.00 元，" in lines[0]


def test_the_coverage_of_fewer_projects_is_shown_not_an_error(department, tmp_path, capsys):
    (department / "shanghai-1" / "库房改造.yaml").unlink()
    assert check_lines(department, capsys) == (0, [])
    assert build([department], tmp_path / "out").ok
    page = (tmp_path / "out/2024/shanghai-1/index.md").read_text(encoding="utf-8")
    # (1,200,000 + 150,000) / 2,100,000 = 64.29 %
    assert "项目表覆盖项目支出的 64.2 %。" in page
    tables = markdown_tables(page)
    assert tables[0] == [
        ["项目", "金额（元）"],
        ["项目支出（整体表）", "2,100,000.00"],
        ["项目表年度资金总额合计（2 份）", "1,350,000.00"],
    ]
    assert tables[1][1:] == [
        ["档案利用服务", "上海项目", "150,000.00", "4", "4", "0"],
        ["档案数字化", "上海项目", "1,200,000.00", "6", "5", "1"],
        ["合计", "", "1,350,000.00", "10", "9", "1"],
    ]
    # the 整体 form's tasks, each linked to the project of its name
    assert tables[2] == [
        ["任务名称", "同名的项目表"],
        ["档案数字化", "档案数字化"],
        ["档案利用服务", "档案利用服务"],
    ]
    assert "| 档案数字化 | [档案数字化](档案数字化.md) |" in page
    index = markdown_tables((tmp_path / "out/2024/index.md").read_text(encoding="utf-8"))
    assert index[-1] == [
        ["部门", "项目表", "项目支出", "项目表合计", "覆盖"],
        ["示例区档案馆", "2", "2,100,000.00", "1,350,000.00", "项目表覆盖项目支出的 64.2 %"],
    ]


def test_a_project_checked_alone_is_checked_against_its_department(department, capsys):
    whole = department / "shanghai-1.yaml"
    edit(whole, "基本支出: 4,100,000.00", "基本支出: 4,300,000.00")
    edit(whole, "项目支出: 2,100,000.00", "项目支出: 1,900,000.00")
    project = department / "shanghai-1" / "档案数字化.yaml"
    assert main(["check", str(project)]) == 1
    captured = capsys.readouterr()
    assert f"{whole.as_posix()}:27:11: E243 " in captured.out
    # the summary counts the error where it is, never "0 份有错误" with exit status 1
    assert captured.err == "1 份申报，0 份有错误，同部门另有 1 份文件有错误，共 1 个问题\n"


def test_a_project_must_lie_in_its_departments_folder(department, capsys):
    shutil.move(department / "shanghai-1" / "档案数字化.yaml", department / "档案数字化.yaml")
    status, lines = check_lines(department, capsys)
    assert status == 1
    assert lines == [
        f"{department.as_posix()}/档案数字化.yaml:1:1: E240 项目表“档案数字化.yaml”直接放在了"
        "年度文件夹 2024/ 中（提示：移到 2024/shanghai-1/档案数字化.yaml（“示例区档案馆”的整体表是 "
        f"{department.as_posix()}/shanghai-1.yaml））"
    ]


def test_a_whole_form_must_lie_in_the_year_folder(department, capsys):
    shutil.copy(FORMS / "national-1.yaml", department / "shanghai-1" / "national-1.yaml")
    status, lines = check_lines(department, capsys)
    assert status == 1
    assert lines == [
        f"{department.as_posix()}/shanghai-1/national-1.yaml:1:1: E240 整体表“national-1.yaml”"
        "放在了 shanghai-1/ 中：整体表直接放在年度文件夹里（提示：移到 2024/national-1.yaml；"
        "部门文件夹里只放它的项目表）"
    ]


def test_a_project_without_its_departments_form(department, capsys):
    (department / "shanghai-1.yaml").unlink()
    status, lines = check_lines(department, capsys)
    assert status == 1
    assert len(lines) == 3
    assert lines[0] == (
        f"{department.as_posix()}/shanghai-1/库房改造.yaml:5:9: E241 没有找到所属部门的整体表 "
        f"{department.as_posix()}/shanghai-1.yaml（2024 年度）（提示：项目表放在与部门整体表同名的"
        "文件夹中；核对文件夹名，或先写整体表）"
    )


def test_a_project_naming_another_department(department, capsys):
    project = department / "shanghai-1" / "档案数字化.yaml"
    edit(project, "申报单位名称: 示例区档案馆", "申报单位名称: 示例区图书馆")
    status, lines = check_lines(department, capsys)
    assert status == 1
    assert lines == [
        f"{project.as_posix()}:5:9: E242 项目表写的所属部门是“示例区图书馆”，而它所在文件夹的整体表 "
        f"{department.as_posix()}/shanghai-1.yaml 是“示例区档案馆”的（提示：写成整体表上的部门名称；"
        "若是另一个部门的项目，移到那个部门的文件夹）"
    ]


def test_one_project_name_twice_in_a_department(department, capsys):
    project = department / "shanghai-1" / "库房改造.yaml"
    edit(project, "项目名称: 档案库房改造", "项目名称: 档案数字化")
    status, lines = check_lines(department, capsys)
    assert status == 1
    assert [line.split(": ", 1)[0].rsplit("/", 1)[-1] for line in lines] == [
        "库房改造.yaml:6:7",
        "档案数字化.yaml:6:7",
    ]
    assert all(" E244 2024 年度本部门另有同名项目“档案数字化”：" in line for line in lines)


def test_projects_of_two_departments_may_share_a_file_name(department, capsys):
    shutil.copy(FORMS / "national-1.yaml", department)
    shutil.copytree(FORMS / "national-1", department / "national-1")
    shutil.copy(
        department / "national-1" / "学生资助.yaml", department / "national-1" / "档案数字化.yaml"
    )
    edit(department / "national-1" / "档案数字化.yaml", "项目名称: 学生资助", "项目名称: 学生资助2")
    assert check_lines(department, capsys) == (0, [])


def test_outputs_mirror_the_folders_and_go_with_their_projects(department, tmp_path):
    out = tmp_path / "out"
    assert build([department], out).ok
    projects = sorted(p.relative_to(out).as_posix() for p in (out / "2024/shanghai-1").iterdir())
    assert projects == [
        f"2024/shanghai-1/{name}{suffix}"
        for name in ("index", "库房改造", "档案利用服务", "档案数字化")
        for suffix in ((".html", ".md") if name == "index" else (".docx", ".html", ".md", ".xlsx"))
    ]
    page = (out / "2024/shanghai-1/档案数字化.html").read_text(encoding="utf-8")
    assert (
        '<a href="../../index.html">全部年度</a><a href="../index.html">2024年度汇总</a>'
        '<a href="index.html">本部门及其项目</a>'
    ) in page
    shutil.rmtree(department / "shanghai-1")
    report = build([department], out)
    assert report.ok
    assert not (out / "2024/shanghai-1").exists()  # the department's folder went with them
    assert (out / "2024/shanghai-1.docx").is_file()


def test_a_project_in_a_misspelt_folder_is_told_where_its_department_is(department, capsys):
    (department / "shanghai-1").rename(department / "shanghai-one")
    status, lines = check_lines(department, capsys)
    assert status == 1 and len(lines) == 3
    assert lines[0].endswith(
        "E241 没有找到所属部门的整体表 "
        f"{department.as_posix()}/shanghai-one.yaml（2024 年度）（提示：“示例区档案馆”的整体表是 "
        f"{department.as_posix()}/shanghai-1.yaml：移到 2024/shanghai-1/库房改造.yaml）"
    )


def test_a_project_of_another_department_is_not_counted_in_its_folders_coverage(department, capsys):
    # 示例县教育局's project (98.7650 万元) put among 示例区档案馆's, whose projects then come to
    # 2,987,650.00 元 of 2,100,000.00: only E242, naming where it belongs, and no E243
    shutil.copy(FORMS / "national-1.yaml", department)
    shutil.copytree(FORMS / "national-1", department / "national-1")
    shutil.move(department / "national-1" / "学生资助.yaml", department / "shanghai-1")
    status, lines = check_lines(department, capsys)
    assert status == 1
    assert [line.split(": ")[1].split(" ")[0] for line in lines] == ["E242"]
    assert lines[0].endswith(
        "（提示：若是“示例县教育局”的项目，移到 2024/national-1/学生资助.yaml；否则写成“示例区档案馆”）"
    )


@pytest.mark.parametrize("named", ["档案数字化.yaml", "../shanghai-1/档案数字化.yaml"])
def test_a_project_named_from_inside_its_folder_is_checked_with_its_department(
    department, capsys, monkeypatch, named
):
    whole = department / "shanghai-1.yaml"
    edit(whole, "基本支出: 4,100,000.00", "基本支出: 4,300,000.00")
    edit(whole, "项目支出: 2,100,000.00", "项目支出: 1,900,000.00")
    monkeypatch.chdir(department / "shanghai-1")
    status, lines = check_lines(Path(named), capsys)
    assert status == 1
    assert [line.split(": ")[1].split(" ")[0] for line in lines] == ["E243"]


def test_building_one_form_builds_its_whole_department_as_it_is_on_disk(department, tmp_path):
    out = tmp_path / "out"
    project = department / "shanghai-1" / "档案数字化.yaml"
    # built alone, first: the department's 整体 form and other projects are built with it
    assert build([project], out).ok
    page = (out / "2024/shanghai-1/index.md").read_text(encoding="utf-8")
    assert "项目表覆盖项目支出的 95.2 %。" in page  # 2,000,000.00 of 2,100,000.00
    assert (out / "2024/shanghai-1.docx").is_file()
    # two projects edited on disk (still within 项目支出), one of them built: the page and the
    # checks see both edits, as `check` does, never the figures built before
    edit(
        department / "shanghai-1" / "库房改造.yaml",
        "年度资金总额: 650,000.00",
        "年度资金总额: 450,000.00",
    )
    edit(
        department / "shanghai-1" / "库房改造.yaml", "财政拨款: 600,000.00", "财政拨款: 400,000.00"
    )
    edit(project, "年度资金总额: 1,200,000.00", "年度资金总额: 1,400,000.00")
    edit(project, "财政拨款: 1,200,000.00", "财政拨款: 1,400,000.00")
    assert build([project], out).ok
    page = (out / "2024/shanghai-1/index.md").read_text(encoding="utf-8")
    assert "项目表覆盖项目支出的 95.2 %。" in page  # 450,000 + 1,400,000 + 150,000
    assert "| [档案库房改造](库房改造.md) | 上海项目 | 450,000.00 |" in page


def test_a_project_checked_alone_says_when_its_department_cannot_be_checked(department, capsys):
    whole = department / "shanghai-1.yaml"
    edit(whole, "项目支出: 2,100,000.00", "项目支出: 2,100,000.001")  # E204 in the 整体 form
    project = department / "shanghai-1" / "档案数字化.yaml"
    status, lines = check_lines(project, capsys)
    assert status == 0
    assert lines == [
        f"{project.as_posix()}:1:1: W245 同部门的 {whole.as_posix()} 有错误，部门各表之间的核对"
        "（项目支出、项目名称）未进行（提示：先改正那份文件（check 它），再核对）"
    ]
    # the whole department checked: the error itself, and no W245
    status, lines = check_lines(department, capsys)
    assert status == 1 and [line.split(": ")[1][:4] for line in lines] == ["E204"]


def test_a_project_may_name_its_department_as_the_form_prints_it(tmp_path, capsys):
    # the seed is 汇总: its form prints “…办公室(汇总)”, and a project may say so too
    year = tmp_path / "2023"
    shutil.copytree(ROOT / "examples" / "2023", year)
    project = year / "minhang-cppcc-office" / "七届会议.yaml"
    edit(project, "委员会办公室\n", "委员会办公室(汇总)\n")
    assert check_lines(year, capsys) == (0, [])


def test_import_puts_a_project_naming_its_department_as_printed_in_its_folder(tmp_path, capsys):
    from openpyxl import load_workbook

    year = tmp_path / "2023"
    shutil.copytree(ROOT / "examples" / "2023", year)
    assert build([year], tmp_path / "out").ok
    form = tmp_path / "out" / "2023" / "minhang-cppcc-office" / "七届会议.xlsx"
    book = load_workbook(form)
    cell = next(
        c for row in book.active for c in row if c.value == "中国人民政治协商会议闵行区委员会办公室"
    )
    cell.value = "中国人民政治协商会议闵行区委员会办公室(汇总)"
    typed = tmp_path / "七届会议.xlsx"
    book.save(typed)
    (year / "minhang-cppcc-office" / "七届会议.yaml").unlink()
    assert main(["import", str(typed), "--into", str(year)]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"{typed} → {year / 'minhang-cppcc-office' / '区政协七届会议.yaml'}"
    )


def test_finding_the_forms_of_many_departments_grows_with_their_number_not_its_square(
    tmp_path, monkeypatch
):
    """Each department's other forms are found without comparing every file with every other
    (that took minutes for a province's 2,000 forms): path resolutions stay linear."""
    from generator.declaration.sources import find_declarations, with_departments

    year = tmp_path / "declarations" / "2024"
    year.mkdir(parents=True)
    for n in range(30):
        shutil.copy(FORMS / "shanghai-1.yaml", year / f"d{n}.yaml")
        shutil.copytree(FORMS / "shanghai-1", year / f"d{n}")
    files = find_declarations([year])
    assert len(files) == 120
    calls = []
    real = Path.resolve
    monkeypatch.setattr(Path, "resolve", lambda self, strict=False: calls.append(1) or real(self))
    found = with_departments(files)
    assert sorted(found) == sorted(files)
    assert len(calls) <= 10 * len(files)  # was 58,080 for 120 files
