"""import reads back the forms we print, of every kind: each fixture of tests/data/forms is
built, and its DOCX, its XLSX and a tab-separated export of that XLSX (as Excel or LibreOffice
save one: the cells as they show) are imported into the same declaration, without a warning.
Also: how a form's kind is recognised, and where `import --into` puts a project form."""

from __future__ import annotations

import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import DATA
from import_files import write_tsv

from generator.cli import main
from generator.declaration.checks import derived_values
from generator.declaration.sources import read_checked
from generator.importing.tsv import grid_from_tsv

FORMS = DATA / "forms"
FIXTURES = sorted(p.relative_to(FORMS) for p in FORMS.rglob("*.yaml"))
FORMATS = ["docx", "xlsx", "txt"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every fixture built once: the output folder (its <年度>/… mirrors tests/data/forms)."""
    from generator.build.build import build

    root = tmp_path_factory.mktemp("forms")
    shutil.copytree(FORMS, root / "declarations")
    assert build([root / "declarations"], root / "out").ok
    return root / "out"


def shown(value: object, number_format: str) -> str:
    """A cell's value as Excel shows it under `number_format` (the formats our XLSX uses:
    General, 0, #,##0.00… and 0.00%), which is what its text export holds."""
    if isinstance(value, datetime):
        return f"{value.year}/{value.month}/{value.day}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    number = Decimal(repr(value))
    if number_format == "General":
        return f"{number.normalize():f}" if "." in str(number) else str(number)
    places = len(number_format.partition(".")[2].rstrip("%"))
    if number_format.endswith("%"):
        return f"{number * 100:.{places}f}%"
    grouping = "," if "," in number_format else ""
    return f"{number:{grouping}.{places}f}"


def text_export(xlsx: Path, target: Path) -> Path:
    """The first worksheet of `xlsx` as tab-separated text, as Excel's "文本文件(制表符分隔)"
    saves it: each cell as shown, a cell with a tab, line break or quote quoted."""
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    lines = []
    for row in sheet.iter_rows():
        cells = [shown(cell.value, cell.number_format) for cell in row]
        lines.append(
            "\t".join(
                '"' + c.replace('"', '""') + '"' if any(ch in c for ch in '\t\n"') else c
                for c in cells
            )
        )
    target.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return target


def form_file(built: Path, fixture: Path, suffix: str, tmp_path: Path) -> Path:
    made = built / fixture.with_suffix(".xlsx" if suffix == "txt" else f".{suffix}")
    if suffix == "txt":
        return text_export(made, tmp_path / f"{fixture.stem}.txt")
    return made


def in_place(fixture: Path, root: Path) -> Path:
    """Where `fixture` goes under `root` (a project in its department's folder, with the
    department's 整体 form beside that folder, so that `check` finds the project in place)."""
    if fixture.parent.name != "2024":
        department = fixture.parent.with_suffix(".yaml")
        (root / fixture.parent).mkdir(parents=True, exist_ok=True)
        shutil.copy(FORMS / department, root / department)
    return root / fixture


def import_to(path: Path, target: Path, capsys, *options: str) -> tuple[int, list[str]]:
    status = main(["import", str(path), "-o", str(target), *options])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.err.splitlines()


def as_printed(decl) -> tuple:
    """What a declaration's form says: its kind and framework, the unit, every value the form
    prints (with the totals and shares the form computes when they are left out), and the
    indicator tree with each indicator's 定量/定性 and printed columns. Left aside is what no
    form can show: fields the kind does not print (printed: false), a flag at its default
    (汇总: false prints nothing), whether a computed value was written or computed, and whether
    指标值类型 was declared or read from the target; docs/format.md lists them."""
    kind = decl.kind
    values = {
        path: value
        for path, spec, value in decl.walk()
        if spec.type.value not in ("indicators", "group", "list")
        and spec.role != "amount_unit"
        and spec.printed
        and not (spec.default is not None and value == spec.default)
    }
    values.update((path, value) for path, value in derived_values(decl).items())
    printed = {f.key for f in kind.indicator if f.printed and f.role != "target_kind"}
    tree = tuple(
        (
            l1.name,
            l1.note,
            tuple(
                (
                    l2.name,
                    tuple(
                        (i.name, i.kind, tuple((k, v) for k, v in i.values.items() if k in printed))
                        for i in l2.indicators
                    ),
                )
                for l2 in l1.children
            ),
        )
        for l1 in decl.goals
    )
    return kind.name, decl.framework.name, decl.amount_unit, sorted(values.items()), tree


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize("fixture", FIXTURES, ids=str)
def test_every_kind_imports_back_as_it_was_declared(built, tmp_path, capsys, fixture, suffix):
    path = form_file(built, fixture, suffix, tmp_path)
    target = in_place(fixture, tmp_path / "imported")
    status, lines = import_to(path, target, capsys)
    assert lines == [f"{path} → {target}"]  # not a warning: every cell placed, nothing guessed
    assert status == 0
    imported = read_checked(target)
    assert imported.diagnostics == ()
    original = read_checked(FORMS / fixture).declaration
    assert as_printed(imported.declaration) == as_printed(original)


@pytest.mark.parametrize("fixture", FIXTURES, ids=str)
def test_every_format_of_a_form_imports_into_the_same_yaml(built, tmp_path, capsys, fixture):
    """Amounts keep the decimals the form shows (an XLSX number cell formatted #,##0.0000
    holding 1280.5 is 1,280.5000, as the DOCX prints it), dates and check boxes read alike."""
    texts = []
    for suffix in FORMATS:
        target = in_place(fixture, tmp_path / suffix)
        status, _ = import_to(form_file(built, fixture, suffix, tmp_path), target, capsys)
        assert status == 0
        texts.append(target.read_text(encoding="utf-8").split("\n", 2)[2])
    assert texts[1] == texts[0]
    assert texts[2] == texts[0]


@pytest.mark.parametrize("fixture", FIXTURES, ids=str)
def test_a_cell_beside_any_row_of_any_form_is_warned_about_and_nothing_else_moves(
    built, tmp_path, capsys, fixture
):
    """Every non-empty cell is read into a field or warned about (W611): a remark typed right
    of every row of each fixture's form, a column apart, is named in a warning each, and the
    rest reads as before. Not beside a row that ends in a field's label (主管部门 left blank
    at the end of its row): a cell right of a label is its value (docs/format.md)."""
    export = text_export(built / fixture.with_suffix(".xlsx"), tmp_path / "export.txt")
    rows = grid_from_tsv(export.read_text(encoding="utf-8"), "export").rows
    width = max(map(len, rows)) + 1
    keys = {spec.key for _, spec in read_checked(FORMS / fixture).declaration.kind.walk()}
    marked = [
        [*row, *[""] * (width - len(row)), f"备查{i}"] if remarked(row, keys) else list(row)
        for i, row in enumerate(rows)
    ]
    path = write_tsv(tmp_path / f"{fixture.stem}.txt", marked)
    lines_of = grid_from_tsv(path.read_text(encoding="utf-8"), "marked").numbers
    target = in_place(fixture, tmp_path / "imported")
    status, lines = import_to(path, target, capsys)
    assert status == 0
    source = path.as_posix()
    hint = "（提示：若是申报的内容，请在导入的 YAML 中手工补上）"
    assert lines == [
        *(
            f"{source}:{lines_of[i]}:{width + 1}: W611 “备查{i}”未导入：不属于表样"
            f"“{kind_of(fixture)}”的任何栏目{hint}"
            for i, row in enumerate(rows)
            if remarked(row, keys)
        ),
        f"{path} → {target}",
    ]
    original = read_checked(FORMS / fixture).declaration
    assert as_printed(read_checked(target).declaration) == as_printed(original)


def remarked(row: tuple[str, ...], keys: set[str]) -> bool:
    filled = [cell for cell in row if cell]
    return bool(filled) and filled[-1] not in keys


def kind_of(fixture: Path) -> str:
    return (FORMS / fixture).read_text(encoding="utf-8").split("表样: ", 1)[1].split("\n")[0]


def test_an_xlsx_saved_with_dates_percentages_and_fewer_decimals_reads_as_it_shows(
    built, tmp_path, capsys
):
    """Our XLSX as a user saves it from Excel after typing into it: 填报日期 a date cell,
    a 占比 a percentage cell, an amount shown with four decimals saved as 2400."""
    workbook = openpyxl.load_workbook(built / "2024" / "national-1.xlsx")
    sheet = workbook.worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value}
    date_cell = cells["2024年1月15日"]
    date_cell.value = datetime(2024, 1, 15)
    date_cell.number_format = 'yyyy"年"m"月"d"日"'
    share = cells.get("96.28%") or cells[0.9628]  # text, or already a percentage cell
    share.value = 0.9628
    share.number_format = "0.00%"
    path = tmp_path / "saved.xlsx"
    workbook.save(path)
    target = tmp_path / "2024" / "national-1.yaml"
    status, lines = import_to(path, target, capsys)
    assert (status, lines) == (0, [f"{path} → {target}"])
    text = target.read_text(encoding="utf-8")
    assert "填报日期: 2024-01-15\n" in text
    assert "\n  资金总额: 2,400.0000\n" in text  # a number cell 2400 formatted #,##0.0000
    imported = read_checked(target)
    assert imported.diagnostics == ()
    original = read_checked(FORMS / "2024" / "national-1.yaml").declaration
    assert as_printed(imported.declaration) == as_printed(original)


@pytest.mark.parametrize(
    ("saved", "number_format", "shown_as"),
    [
        ("1280.5", "#,##0.0000", "1280.5000"),
        ("1.23456", "0.00", "1.23456"),  # more decimals than the format shows: none dropped
        ("0.9628", "0.00%", "96.28%"),
        ("0.5", "0%", "50%"),
        ("45306", "yyyy/m/d", "2024-01-15"),
        ("45306", 'yyyy"年"m"月"d"日"', "2024-01-15"),
        ("312001", "General", "312001"),
        ("312001", "#,##0", "312001"),  # no grouping: a code stays a code
        ("12", "@", "12"),
    ],
)
def test_an_xlsx_number_reads_as_its_format_shows_it(saved, number_format, shown_as):
    from generator.importing.number_formats import parse_format, shown

    assert shown(saved, parse_format(number_format)) == shown_as


def test_a_date_in_a_workbook_counting_from_1904():
    from generator.importing.number_formats import parse_format, shown

    assert shown("43844", parse_format("yyyy-mm-dd"), date1904=True) == "2024-01-15"


# -- which kind a form is -------------------------------------------------------------------------


def thin_form(tmp_path: Path, title: str, *rows: list[str]) -> Path:
    return write_tsv(tmp_path / "thin.txt", [[title], ["（2024年度）"], *rows])


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("项目支出绩效目标申报表", "全国项目"),
        ("上海市财政支出项目绩效目标申报表", "上海项目"),
        ("2024年上海市财政支出项目绩效目标申报表", "上海项目"),  # the title inside a longer one
    ],
)
def test_a_project_form_is_recognised_by_its_title(tmp_path, capsys, title, kind):
    path = thin_form(tmp_path, title, ["项目名称", "档案数字化"], ["申报单位名称", "示例区档案馆"])
    main(["import", str(path)])
    captured = capsys.readouterr()
    assert f"（表样：{kind}，按表中的栏目识别）" in captured.out
    assert "W609" not in captured.err


def test_the_kind_given_with_kind_is_taken_whatever_the_title(tmp_path, capsys):
    path = thin_form(tmp_path, "项目支出绩效目标申报表", ["项目名称", "档案数字化"])
    main(["import", str(path), "--kind", "上海项目"])
    assert "（表样：上海项目，按 --kind）" in capsys.readouterr().out


def test_a_form_that_fits_two_project_kinds_equally_says_so(tmp_path, capsys):
    path = write_tsv(tmp_path / "thin.txt", [["（2024年度）"], ["项目名称", "档案数字化"]])
    main(["import", str(path)])
    err = capsys.readouterr().err
    assert (
        f"{path.as_posix()}:1:1: W609 这张表与表样“上海项目”和“全国项目”同样吻合，"
        "按栏目最少的“上海项目”读取（提示：若不是“上海项目”，请用 --kind 指明表样）"
    ) in err.splitlines()


# -- import --into: a project form in its department's folder ------------------------------------

PROJECTS = ["学生资助", "教师培训", "校舍维修改造"]  # of national-1 (示例县教育局)


def project_files(built: Path, tmp_path: Path, *names: str) -> Path:
    """A folder holding the DOCX of national-1's projects `names` (and of national-1 itself
    as 部门整体.docx when "整体" is among them, last in name order)."""
    folder = tmp_path / "收到的表"
    folder.mkdir(exist_ok=True)
    for name in names:
        made = built / "2024" / ("national-1.docx" if name == "整体" else f"national-1/{name}.docx")
        shutil.copy(made, folder / ("部门整体.docx" if name == "整体" else f"{name}.docx"))
    return folder


def year_folder(tmp_path: Path, *wholes: tuple[str, str]) -> Path:
    """declarations/2024/ holding the 整体 fixtures `wholes` (fixture, file name)."""
    folder = tmp_path / "declarations" / "2024"
    folder.mkdir(parents=True)
    for fixture, name in wholes:
        shutil.copy(FORMS / "2024" / fixture, folder / name)
    return folder


def test_a_project_form_goes_into_its_departments_folder(built, tmp_path, capsys):
    # the department's 整体 form under a name of its own, not its 部门名称
    year = year_folder(tmp_path, ("national-1.yaml", "edu.yaml"))
    source = project_files(built, tmp_path, "学生资助") / "学生资助.docx"
    assert main(["import", str(source), "--into", str(year)]) == 0
    target = year / "edu" / "学生资助.yaml"
    assert capsys.readouterr().err.splitlines() == [f"{source} → {target}"]
    assert main(["check", str(year)]) == 0
    assert read_checked(target).declaration.get("项目名称") == "学生资助"
    # one folder deeper than a 整体 form: the editor's schema line climbs three folders
    first = target.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../schema/declaration.schema.json"
    assert main(["fmt", "--check", str(target)]) == 0


def test_a_form_imported_to_the_screen_prints_only_its_yaml(built, tmp_path, capsys):
    source = project_files(built, tmp_path, "学生资助") / "学生资助.docx"
    assert main(["import", str(source)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("# yaml-language-server: $schema=")
    assert ":1:1: W211" not in captured.out + captured.err  # not a file: no folder to warn of
    written = tmp_path / "declarations" / "2024" / "示例县教育局" / "x.yaml"  # a project
    written.parent.mkdir(parents=True)
    written.write_text(captured.out, encoding="utf-8")
    assert read_checked(written).diagnostics == ()


def test_a_department_and_its_projects_imported_in_one_run_land_together(built, tmp_path, capsys):
    year = tmp_path / "declarations" / "2024"
    folder = project_files(built, tmp_path, *PROJECTS, "整体")  # the 整体 form read last
    assert main(["import", str(folder), "--into", str(year)]) == 0
    department = year / "示例县教育局"
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"{folder / '学生资助.docx'} → {department / '学生资助.yaml'}",
        f"{folder / '教师培训.docx'} → {department / '教师队伍建设.yaml'}",
        f"{folder / '校舍维修改造.docx'} → {department / '农村义务教育学校校舍维修改造.yaml'}",
        f"{folder / '部门整体.docx'} → {year / '示例县教育局.yaml'}",
        "4 个文件：写入 4 个，未导入 0 个，未写入 0 个",
    ]
    assert main(["check", str(year)]) == 0


def test_a_project_whose_department_has_no_form_there_is_put_in_its_folder_and_said_so(
    built, tmp_path, capsys
):
    year = year_folder(tmp_path, ("shanghai-1.yaml", "shanghai-1.yaml"))  # another department
    source = project_files(built, tmp_path, "学生资助") / "学生资助.docx"
    assert main(["import", str(source), "--into", str(year)]) == 0
    target = year / "示例县教育局" / "学生资助.yaml"
    assert capsys.readouterr().err.splitlines() == [
        f"{source.as_posix()}:1:1: W613 {year} 中没有主管部门“示例县教育局”的整体表："
        f"项目表写在 {target}（提示：把该部门的整体表放在 {year / '示例县教育局.yaml'}"
        "（可用 import 导入），否则 check 报告 E241）",
        f"{source} → {target}",
    ]
    assert target.exists()
    assert main(["check", str(year)]) == 1
    assert " E241 " in capsys.readouterr().out


def test_into_a_departments_own_folder_puts_the_project_there(built, tmp_path, capsys):
    year = year_folder(tmp_path, ("national-1.yaml", "edu.yaml"))
    source = project_files(built, tmp_path, "学生资助") / "学生资助.docx"
    assert main(["import", str(source), "--into", str(year / "edu")]) == 0
    assert capsys.readouterr().err.splitlines() == [f"{source} → {year / 'edu' / '学生资助.yaml'}"]


def test_a_project_form_is_not_written_over_an_existing_one_without_force(built, tmp_path, capsys):
    year = year_folder(tmp_path, ("national-1.yaml", "edu.yaml"))
    target = year / "edu" / "学生资助.yaml"
    target.parent.mkdir()
    target.write_text("mine\n", encoding="utf-8")
    source = project_files(built, tmp_path, "学生资助") / "学生资助.docx"
    assert main(["import", str(source), "--into", str(year)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"错误：{source}：未写入，{target} 已存在（确认要覆盖请加 --force）"
    ]
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert main(["import", str(source), "--into", str(year), "--force"]) == 0
    assert target.read_text(encoding="utf-8") != "mine\n"


def test_a_project_whose_department_has_two_forms_there_is_refused(built, tmp_path, capsys):
    year = year_folder(tmp_path, ("national-1.yaml", "a.yaml"), ("national-1.yaml", "b.yaml"))
    source = project_files(built, tmp_path, "学生资助") / "学生资助.docx"
    assert main(["import", str(source), "--into", str(year)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"错误：{source}：未写入，{year} 中有 2 份主管部门“示例县教育局”的整体表："
        f"{year / 'a.yaml'}、{year / 'b.yaml'}（check 报告 E231）；合并为一份，"
        "或用 -o 指定项目表写到哪里"
    ]


# -- what the kind computes: left out when it agrees, kept when it does not --------------------


def edited_export(built: Path, tmp_path: Path, fixture: str, changes: dict[str, str]) -> Path:
    """The text export of a fixture's XLSX with cells changed (old text → new text)."""
    export = text_export(built / "2024" / f"{fixture}.xlsx", tmp_path / "export.txt")
    rows = grid_from_tsv(export.read_text(encoding="utf-8"), "export").rows
    seen = {old: 0 for old in changes}
    out = []
    for row in rows:
        new_row = []
        for cell in row:
            if cell in changes and not seen[cell]:
                seen[cell] += 1
                cell = changes[cell]
            new_row.append(cell)
        out.append(new_row)
    assert all(seen.values()), seen
    return write_tsv(tmp_path / f"{fixture}.txt", out)


def test_printed_totals_and_shares_that_agree_are_left_to_be_computed(built, tmp_path, capsys):
    path = edited_export(built, tmp_path, "national-1", {})
    target = tmp_path / "2024" / "national-1.yaml"
    assert import_to(path, target, capsys)[0] == 0
    text = target.read_text(encoding="utf-8")
    assert "金额合计" not in text.split("\n", 3)[3]
    assert "占比" not in text.split("\n", 3)[3]
    assert text.splitlines()[2] == (
        "# 原表印出的金额合计、占比与按各项金额计算的结果一致，未写出（生成器会计算后印出）"
    )


def test_a_printed_total_or_share_that_does_not_agree_is_kept_for_check(built, tmp_path, capsys):
    path = edited_export(
        built, tmp_path, "national-1", {"1,646.2500": "1,600.0000", "96.28%": "95.00%"}
    )
    target = tmp_path / "2024" / "national-1.yaml"
    assert main(["import", str(path), "-o", str(target)]) == 1
    text = target.read_text(encoding="utf-8")
    assert "金额合计:\n  总额: 1,735.5150\n  财政拨款: 1,600.0000\n  其他资金: 89.2650\n" in text
    assert "    财政拨款:\n      金额: 2,310.7350\n      占比: 95.00%\n" in text
    assert text.splitlines()[2] == (  # the others agree: left out, and said so
        "# 原表印出的占比与按各项金额计算的结果一致，未写出（生成器会计算后印出）；"
        "不一致的照原表写出，check 会报告"
    )
    problems = capsys.readouterr().out.splitlines()
    assert [line.split(": ", 1)[1][:4] for line in problems] == ["E205", "E206"]


def test_a_declared_kind_of_target_that_differs_from_its_reading_is_kept(built, tmp_path, capsys):
    path = edited_export(built, tmp_path, "landscape-2", {"定量": "定性"})
    target = tmp_path / "2024" / "landscape-2.yaml"
    assert main(["import", str(path), "-o", str(target)]) == 0  # a warning (W402), as in check
    assert " W402 “治理企业数”的指标值类型为定性" in capsys.readouterr().out
    text = target.read_text(encoding="utf-8")
    assert '      治理企业数:\n        指标值: ">=35家"\n        指标值类型: 定性\n' in text
    assert text.count("指标值类型") == 2  # that one, and the note at the top


def test_a_level2_name_the_framework_does_not_have_is_said_and_its_rows_too(
    built, tmp_path, capsys
):
    # 质量 (without 指标) is the framework's 质量指标, printed as written
    changes = {"服务对象满意度指标": "社会公众满意度指标", "质量指标": "质量"}
    path = edited_export(built, tmp_path, "national-1", changes)
    target = tmp_path / "2024" / "national-1.yaml"
    status, lines = import_to(path, target, capsys)
    assert status == 0
    source = path.as_posix()
    assert lines == [
        f"{source}:31:1: W604 “家长满意度”没有二级指标，未导入：指标值“>=90%”",
        f"{source}:31:2: W611 “社会公众满意度指标”未导入：不属于表样“全国整体”的任何栏目"
        "（提示：若是申报的内容，请在导入的 YAML 中手工补上）",
        f"{path} → {target}",
    ]
    text = target.read_text(encoding="utf-8")
    assert '    质量:\n      义务教育巩固率: ">=99%"\n' in text
    assert "满意度指标:" not in text


@pytest.mark.parametrize("suffix", ["docx", "xlsx"])
def test_a_minimal_national_form_imports_without_blocks_it_does_not_print(tmp_path, capsys, suffix):
    """tests/data/minimal-national.yaml has none of the optional blocks: none is made up
    (部门总体资金情况 from the tasks' 财政拨款, 填报人 from the footnote)."""
    from generator.build.build import build

    folder = tmp_path / "declarations" / "2023"
    folder.mkdir(parents=True)
    shutil.copy(DATA / "minimal-national.yaml", folder)
    assert build([folder], tmp_path / "out").ok
    path = tmp_path / "out" / "2023" / f"minimal-national.{suffix}"
    target = tmp_path / "imported" / "2023" / "minimal-national.yaml"
    assert import_to(path, target, capsys) == (0, [f"{path} → {target}"])
    text = target.read_text(encoding="utf-8")
    for absent in ("部门总体资金情况", "年度预算安排", "填报人", "注："):
        assert absent not in text
    original = read_checked(folder / "minimal-national.yaml").declaration
    assert as_printed(read_checked(target).declaration) == as_printed(original)
