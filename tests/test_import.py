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
from hypothesis import strategies as st
from import_files import (
    FORM,
    document_xml,
    docx_parts,
    edited,
    form_cells,
    sheet_xml,
    write_raw_docx,
    write_tsv,
    write_xlsx,
    write_zip,
    xlsx_parts,
)
from test_properties import declarations

from generator.authoring.emit import emit_declaration
from generator.cli import main
from generator.declaration.sources import check_file_name, read_checked, read_checked_text
from generator.importing.forms import MAX_NAME_CHARS, file_stem
from generator.importing.read_form import read_form
from generator.importing.tsv import grid_from_tsv
from generator.importing.xlsx import number_text


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
    assert "Traceback" not in captured.out + captured.err
    warnings = [line for line in captured.err.splitlines() if " W6" in line]
    return model(target), warnings, target.read_text(encoding="utf-8")


def test_seed_export_imports_equal_to_the_declaration(tmp_path, capsys):
    decl, warnings, text = imported(SEED_TEXT, tmp_path, capsys)
    assert comparable(decl) == comparable(model(SEED_YAML))
    source = SEED_TEXT.as_posix()
    assert warnings == [
        f"{source}:46:1: W603 “党建活动次数”的目标值“> =11次”读作“>=11次”",
        f"{source}:60:1: W610 这一行的单元格与表头错位，按顺序读取：三级目标“支部大会完成数”、指标目标值“=4次”",
        f"{source}:70:1: W610 这一行的单元格与表头错位，按顺序读取：三级目标“调研考察组织流程合规率”、指标目标值“=100%”",
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
    written = into / "测试局.yaml"
    written.write_text("# 手改过\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(path), "--into", str(into)]) == 2
    assert capsys.readouterr().err == (
        f"错误：{path}：未写入，{written} 已存在（确认要覆盖请加 --force）\n"
    )
    assert written.read_text(encoding="utf-8") == "# 手改过\n"
    assert main(["import", str(path), "--into", str(into), "--force"]) == 0
    assert "# 由 form.txt 导入" in written.read_text(encoding="utf-8")


def test_something_that_is_not_a_form(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("会议纪要\t2023年\n", encoding="utf-8")
    assert main(["import", str(path)]) == 1
    assert "E601 找不到" in capsys.readouterr().err  # beside the YAML's place: stdout stays clean


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
    assert (
        f"{path.as_posix()}:17:1: W602 “年末资产总额”的金额“十元”无法读取，留空待补" in captured.err
    )
    assert f"{path.as_posix()}:22:1: W604 “孤立的文字”没有指标目标值，未导入" in captured.err
    assert "E102 “年末资产总额”没有填写" in captured.err  # the YAML alone on stdout
    assert "# 导入时原表写作“十元”，无法读取，请填写\n年末资产总额:\n" in captured.out


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('<c r="B17" t="inlineStr"><is><t>26人</t></is></c>', "26人"),
        ('<c r="B17" t="inlineStr"><is><t>二十六</t></is></c>', "二十六"),
        ('<c r="B17" t="e"><v>#N/A</v></c>', "#N/A"),
        ('<c r="B17" t="b"><v>1</v></c>', "TRUE"),
        ('<c r="B17" t="d"><v>2023-12-31T00:00:00</v></c>', "2023-12-31T00:00:00"),
    ],
)
def test_a_count_that_cannot_be_read_keeps_the_cell_in_a_comment(tmp_path, capsys, cell, written):
    sheet = sheet_xml(form_cells(FORM))
    old = '<c r="B17" t="inlineStr"><is><t>3</t></is></c>'
    assert old in sheet
    path = write_zip(tmp_path / "count.xlsx", xlsx_parts(sheet.replace(old, cell)))
    target = tmp_path / "2023" / "count.yaml"
    assert main(["import", str(path), "-o", str(target)]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines()[0] == (
        f"{path.as_posix()}:17:2: W602 “年末在职人数”的数字“{written}”无法读取，留空待补"
    )
    assert f"# 导入时原表写作“{written}”，无法读取，请填写\n年末在职人数:\n" in target.read_text(
        encoding="utf-8"
    )
    assert [(d.code, d.message) for d in read_checked(target).diagnostics] == [
        ("E102", "“年末在职人数”没有填写")
    ]


def test_control_characters_of_an_unreadable_cell_are_escaped_in_message_and_comment(
    tmp_path, capsys
):
    held = "2\n6\x01人\u2028 # x\ufeff"
    path = write_tsv(tmp_path / "odd.txt", edited({"3": held, "10.00": "约\t130万"}))
    target = tmp_path / "2023" / "odd.yaml"
    assert main(["import", str(path), "-o", str(target)]) == 1
    captured = capsys.readouterr()
    shown = "2\\n6\\x01人\\u2028 # x\\ufeff"
    assert captured.err.splitlines() == [
        f"{path.as_posix()}:17:1: W602 “年末资产总额”的金额“约\\t130万”无法读取，留空待补",
        f"{path.as_posix()}:17:2: W602 “年末在职人数”的数字“{shown}”无法读取，留空待补",
        f"{path} → {target}（有 2 个问题，见上）",
    ]
    text = target.read_text(encoding="utf-8")
    assert (
        "# 导入时原表写作“约\\t130万”，无法读取，请填写\n年末资产总额:\n"
        f"# 导入时原表写作“{shown}”，无法读取，请填写\n年末在职人数:\n"
    ) in text
    assert [(d.code, d.message) for d in read_checked(target).diagnostics] == [
        ("E102", "“年末资产总额”没有填写"),
        ("E102", "“年末在职人数”没有填写"),
    ]
    # filled in by hand, the file is formatted with the comments kept where they were
    target.write_text(
        text.replace("年末资产总额:\n", "年末资产总额: 1300000\n").replace(
            "年末在职人数:\n", "年末在职人数: 26\n"
        ),
        encoding="utf-8",
    )
    assert main(["fmt", str(target)]) == 0
    capsys.readouterr()
    assert (
        "# 导入时原表写作“约\\t130万”，无法读取，请填写\n年末资产总额: 1,300,000\n"
        f"# 导入时原表写作“{shown}”，无法读取，请填写\n年末在职人数: 26\n"
    ) in target.read_text(encoding="utf-8")


# -- import --into: file names from the form's content, one outcome line per input ------------


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["import", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.out, captured.err


def department_form(tmp_path: Path, file_name: str, department: str) -> Path:
    return write_xlsx(tmp_path / file_name, edited({"测试局": department}))


def test_into_names_each_file_after_its_department(tmp_path, capsys):
    first = department_form(tmp_path, "教育局申报表.xlsx", "教育局")
    second = department_form(tmp_path, "财政局申报表.xlsx", "财政局（汇总）")
    into = tmp_path / "declarations" / "2023"
    status, out, err = run(capsys, str(first), str(second), "--into", str(into))
    assert (status, out) == (0, "")
    assert err.splitlines() == [
        f"{first} → {into / '教育局.yaml'}",
        f"{second} → {into / '财政局.yaml'}",
        "2 个文件：写入 2 个，未导入 0 个，未写入 0 个",
    ]
    assert sorted(p.name for p in into.iterdir()) == ["教育局.yaml", "财政局.yaml"]
    assert model(into / "教育局.yaml").department == "教育局"
    assert model(into / "财政局.yaml").department == "财政局"


def test_two_forms_of_one_department_in_one_run_are_not_written_over_each_other(tmp_path, capsys):
    first = department_form(tmp_path, "a.xlsx", "教育局")
    second = write_xlsx(tmp_path / "b.xlsx", edited({"测试局": "教育局", "测试职责": "另一份"}))
    into = tmp_path / "2023"
    status, _, err = run(capsys, str(first), str(second), "--into", str(into))
    assert status == 2
    target = into / "教育局.yaml"
    assert err.splitlines() == [
        f"{first} → {target}",
        f"错误：{second}：未写入，{target} 已由本次导入的 {first} 写入"
        "（两份表的部门名称相同；每个部门每年只有一份申报）",
        "2 个文件：写入 1 个，未导入 0 个，未写入 1 个",
    ]
    assert [p.name for p in into.iterdir()] == ["教育局.yaml"]
    assert model(target).get("部门职责") == "测试职责"


def test_every_file_is_reported_and_the_status_is_the_worst(tmp_path, capsys):
    bad = tmp_path / "notes.txt"
    bad.write_text("会议纪要\n", encoding="utf-8")
    good = department_form(tmp_path, "x.xlsx", "教育局")
    into = tmp_path / "2023"
    status, out, err = run(capsys, str(bad), str(good), "--into", str(into))
    assert status == 1
    assert out == (
        f"{bad.as_posix()}:1:1: E601 找不到任何申报表的栏目"
        "（提示：这不像是绩效目标申报表；若是，请用 --kind 指明表样）\n"
    )
    assert err.splitlines() == [
        f"{bad}：未导入（见上）",
        f"{good} → {into / '教育局.yaml'}",
        "2 个文件：写入 1 个，未导入 1 个，未写入 0 个",
    ]
    status, _, err = run(capsys, str(good), str(bad), "--into", str(into))
    assert status == 2  # the existing file is refused (2) and the bad form fails (1): worst wins
    assert err.splitlines()[0] == (
        f"错误：{good}：未写入，{into / '教育局.yaml'} 已存在（确认要覆盖请加 --force）"
    )


def test_a_form_with_problems_is_written_and_says_so(tmp_path, capsys):
    path = write_tsv(tmp_path / "bad.txt", edited({"20.00": "21.00"}))
    into = tmp_path / "2023"
    status, out, err = run(capsys, str(path), "--into", str(into))
    assert status == 1
    assert out.count(" E201 ") == 1
    assert err.splitlines() == [f"{path} → {into / '测试局.yaml'}（有 1 个问题，见上）"]


@pytest.mark.parametrize(
    ("department", "stem"),
    [
        ("教育局", "教育局"),
        ('教育局/体育局\\:*?"<>|', "教育局-体育局"),
        ("  上海市 财政局\u3000预算处 ", "上海市-财政局-预算处"),
        ("\x01教育局\u200b\u202e", "教育局"),
        ("教育局...", "教育局"),
        ("闵行区政协(机关)", "闵行区政协-机关"),
        ("CON", "CON_"),
        ("index", "index_"),
        ("1201", "1201_"),  # four digits would read as a year
        ("Index", "Index_"),
        ("nul.txt", "nul-txt"),
        ("lpt1.备份", "lpt1-备份"),
        ("局" * 50, "局" * 50),
        ("局" * 80, "局" * 41 + "-10a52982"),
        ("局" * 79 + "处", "局" * 41 + "-0cb9602d"),
        ("..", ""),
    ],
)
def test_file_names_are_safe_on_every_system(department, stem):
    assert file_stem(department) == stem


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=70))
def test_every_name_import_gives_passes_check(department):
    stem = file_stem(department)
    assert stem == "" or check_file_name(Path("2023") / f"{stem}.yaml") == []
    assert len(stem) <= MAX_NAME_CHARS


@pytest.mark.parametrize(
    ("department", "name"), [("index", "index_.yaml"), ("nul.txt", "nul-txt.yaml")]
)
def test_into_never_gives_a_name_check_refuses(tmp_path, capsys, department, name):
    path = department_form(tmp_path, "form.xlsx", department)
    into = tmp_path / "declarations" / "2023"
    status, _, err = run(capsys, str(path), "--into", str(into))
    assert (status, err) == (0, f"{path} → {into / name}\n")
    assert main(["check", str(into)]) == 0
    assert capsys.readouterr().out == ""


def test_departments_alike_in_their_first_50_characters_get_names_of_their_own(tmp_path, capsys):
    common = "某某市某某区" * 9  # 54 characters
    first = department_form(tmp_path, "a.xlsx", f"{common}教育局")
    second = department_form(tmp_path, "b.xlsx", f"{common}体育局")
    into = tmp_path / "2023"
    status, _, err = run(capsys, str(first), str(second), "--into", str(into))
    assert status == 0, err
    names = sorted(p.name for p in into.iterdir())
    assert len(names) == 2 and all(len(Path(n).stem) <= 50 for n in names)
    assert [model(into / n).department for n in names] == sorted(
        [f"{common}教育局", f"{common}体育局"], key=lambda d: file_stem(d)
    )


def test_two_departments_that_give_one_name_are_refused_saying_so(tmp_path, capsys):
    first = department_form(tmp_path, "a.xlsx", "教育 局")
    second = department_form(tmp_path, "b.xlsx", "教育-局")
    into = tmp_path / "2023"
    status, _, err = run(capsys, str(first), str(second), "--into", str(into))
    assert status == 2
    target = into / "教育-局.yaml"
    assert err.splitlines() == [
        f"{first} → {target}",
        f"错误：{second}：未写入，{target} 已由本次导入的 {first} 写入"
        "（部门名称“教育-局”与那份表的“教育 局”不同，但得出同一个文件名；"
        "用 -o 为这份表另指定文件名）",
        "2 个文件：写入 1 个，未导入 0 个，未写入 1 个",
    ]


def test_into_an_existing_file_is_a_usage_error(tmp_path, capsys):
    path = department_form(tmp_path, "form.xlsx", "教育局")
    existing = write_tsv(tmp_path / "教育局.yaml", FORM)
    status, out, err = run(capsys, str(path), "--into", str(existing))
    assert (status, out) == (2, "")
    assert err == f"错误：--into 要的是文件夹，{existing} 是一个文件\n"
    status, out, err = run(capsys, str(path), "--into", str(existing / "2023"))
    assert (status, out) == (2, "")
    assert err == f"错误：--into 要的是文件夹，{existing} 是一个文件，不能在其中建文件夹\n"


def test_a_department_without_a_usable_name_is_named_after_the_file(tmp_path, capsys):
    path = department_form(tmp_path, "申报表 2023.xlsx", "///")
    into = tmp_path / "2023"
    status, _, err = run(capsys, str(path), "--into", str(into))
    assert status == 0
    assert err.splitlines() == [f"{path} → {into / '申报表-2023.yaml'}"]


def test_output_and_into_together_are_a_usage_error(tmp_path, capsys):
    path = write_tsv(tmp_path / "form.txt", FORM)
    status, _, err = run(capsys, str(path), "-o", str(tmp_path / "a.yaml"), "--into", str(tmp_path))
    assert (status, err) == (2, "错误：-o 与 --into 只能选一个\n")


# -- folders, layouts ---------------------------------------------------------------------------


def test_a_folder_imports_every_form_in_it(tmp_path, capsys):
    folder = tmp_path / "收到的表"
    folder.mkdir()
    first = department_form(folder, "b-教育局.xlsx", "教育局")
    second = write_tsv(folder / "a-财政局.txt", edited({"测试局": "财政局"}))
    lock = folder / "~$b-教育局.xlsx"
    lock.write_bytes(b"\x00owner")
    (folder / "旧表").mkdir()
    (folder / ".DS_Store").write_bytes(b"\x00")
    into = tmp_path / "2023"
    status, out, err = run(capsys, str(folder), "--into", str(into))
    assert (status, out) == (0, "")
    assert err.splitlines() == [
        f"跳过 {folder / '.DS_Store'}（隐藏文件）",
        f"{second} → {into / '财政局.yaml'}",
        f"{first} → {into / '教育局.yaml'}",
        f"跳过 {lock}（Office 打开文件时留下的临时文件）",
        f"跳过 {folder / '旧表'}（子目录不导入）",
        "2 个文件：写入 2 个，未导入 0 个，未写入 0 个；另跳过 3 项",
    ]


def test_a_folder_needs_into_and_a_missing_path_is_named(tmp_path, capsys):
    folder = tmp_path / "forms"
    folder.mkdir()
    write_tsv(folder / "a.txt", FORM)
    write_tsv(folder / "b.txt", FORM)
    assert run(capsys, str(folder)) == (2, "", "错误：多个文件请用 --into 目录\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(capsys, str(empty)) == (2, "", f"错误：{empty}：目录里没有要导入的文件\n")
    missing = tmp_path / "nothing.xlsx"
    assert run(capsys, str(missing)) == (2, "", f"错误：{missing}：文件或目录不存在\n")


YEAR_END_VERTICAL = [
    ["年末资产总额（元）", "10.00", "", ""],
    ["年末在职人数", "3", "", ""],
    ["内设机构数", "1", "", ""],
]


@pytest.mark.parametrize("writer", [write_tsv, write_xlsx])
def test_year_end_figures_each_beside_its_label(tmp_path, capsys, writer):
    rows = [*FORM[:15], *YEAR_END_VERTICAL, *FORM[17:]]
    suffix = "txt" if writer is write_tsv else "xlsx"
    decl, warnings, _ = imported(writer(tmp_path / f"vertical.{suffix}", rows), tmp_path, capsys)
    assert comparable(decl) == comparable(model(minimal_2023(tmp_path)))
    assert warnings == []


def test_year_end_figures_that_cannot_be_found_are_warned_with_their_row(tmp_path, capsys):
    rows = [*FORM[:16], *FORM[17:]]  # the labels, but no row of values under them
    path = write_tsv(tmp_path / "no-values.txt", rows)
    status, out, err = run(capsys, str(path), "-o", str(tmp_path / "2023" / "x.yaml"))
    assert status == 1
    source = path.as_posix()
    assert [line for line in err.splitlines() if " W6" in line] == [
        f"{source}:16:1: W606 “年末资产总额”没有填写，留空待补",
        f"{source}:16:2: W606 “年末在职人数”没有填写，留空待补",
        f"{source}:16:3: W606 “内设机构数”没有填写，留空待补",
    ]
    assert "E102 “年末资产总额”没有填写" in out


# -- a label's value is never another label; cells are read as written ---------------------------


@pytest.mark.parametrize("writer", [write_tsv, write_xlsx])
def test_a_blank_value_is_left_blank_not_taken_from_the_next_label(tmp_path, capsys, writer):
    suffix = "txt" if writer is write_tsv else "xlsx"
    path = writer(tmp_path / f"blank.{suffix}", edited({"测试局": ""}))
    target = tmp_path / "2023" / "blank.yaml"
    status, out, err = run(capsys, str(path), "-o", str(target))
    assert status == 1
    assert [line for line in err.splitlines() if " W6" in line] == [
        f"{path.as_posix()}:3:1: W606 “部门名称”没有填写，留空待补"
    ]
    assert out == f"{target.as_posix()}:6:6: E102 “部门名称”没有填写\n"
    lines = target.read_text(encoding="utf-8").splitlines()
    at = lines.index("部门名称:")
    assert lines[at - 1] == "# 导入时原表未填写“部门名称”"
    assert "下属预算单位个数: 0" in lines


def test_a_formula_without_a_saved_result_is_named_by_its_cell(tmp_path, capsys):
    path = write_xlsx(tmp_path / "formula.xlsx", FORM)
    workbook = openpyxl.load_workbook(path)
    workbook.active["B3"] = '=A1&"局"'
    workbook.save(path)
    status, _, err = run(capsys, str(path), "-o", str(tmp_path / "2023" / "f.yaml"))
    assert status == 1
    source = path.as_posix()
    assert [line for line in err.splitlines() if " W6" in line] == [
        f"{source}:3:1: W606 “部门名称”没有填写，留空待补",
        f"{source}:3:2: W607 单元格 B3 是公式，文件中没有保存计算结果，读作空白"
        "（提示：在 Excel 或 WPS 中打开并保存一次，再导入）",
    ]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("教育&amp;体育局", "教育&体育局"),
        ("&#x6D4B;试局", "测试局"),
        ("&lt;测试局&gt;", "<测试局>"),
    ],
)
def test_docx_entities_and_character_references_are_read(tmp_path, capsys, written, read):
    rows = form_cells(FORM)
    rows[2][1] = written
    decl, warnings, _ = imported(write_raw_docx(tmp_path / "entity.docx", rows), tmp_path, capsys)
    assert decl.department == read
    assert warnings == []
    got, expected = comparable(decl), comparable(model(minimal_2023(tmp_path)))

    def without_department(values: tuple) -> tuple:
        return tuple(item for item in values if item[0] != "部门名称")

    assert without_department(got[3]) == without_department(expected[3])
    assert got[:3] + got[4:] == expected[:3] + expected[4:]


def test_an_entity_defined_in_a_docx_is_refused_not_dropped(tmp_path, capsys):
    # Before: the parser left &dept; unresolved, the cell read as blank and 部门名称 took the
    # next label (下属预算单位个数) as its value.
    rows = form_cells(FORM)
    rows[2][1] = "&dept;"
    prolog = '<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY dept "教育局">]>\n'
    path = write_zip(tmp_path / "entity.docx", docx_parts(document_xml(rows, prolog=prolog)))
    status, out, err = run(capsys, str(path))
    assert (status, out) == (1, "")
    assert err == (
        f"{path.as_posix()}:1:1: E605 word/document.xml 含有 <!DOCTYPE> 或 <!ENTITY> 声明："
        "Office 不会写入这些，为安全起见不读取"
        "（提示：在 Word 或 WPS 中打开，另存为 → Word 文档 (*.docx) 后再导入）\n"
        f"{path}：未导入（见上）\n"
    )


def test_excel_unicode_text_export_is_read(tmp_path, capsys):
    # Excel's "Unicode 文本 (*.txt)" is tab-separated UTF-16 with a byte order mark.
    path = write_tsv(tmp_path / "unicode.txt", FORM, encoding="utf-16")
    decl, warnings, _ = imported(path, tmp_path, capsys)
    assert comparable(decl) == comparable(model(minimal_2023(tmp_path)))
    assert warnings == []


def test_tsv_quotes_are_read_as_spreadsheet_exports_write_them():
    text = '"十四五"规划\t"a""b"\t"第一行\r\n第二行"\t"未闭合\t""\t say "hi"\r\nx\t"y"z\n'
    grid = grid_from_tsv(text, "t.txt")
    assert grid.rows == (
        ('"十四五"规划', 'a"b', "第一行\n第二行", '"未闭合', "", 'say "hi"'),
        ("x", '"y"z'),
    )
    assert grid.numbers == (1, 3)


def test_a_quoted_phrase_at_the_start_of_a_tsv_cell_keeps_its_quotes(tmp_path, capsys):
    path = write_tsv(tmp_path / "q.txt", FORM)
    text = path.read_text(encoding="utf-8").replace("测试职责", '"十四五"规划')
    path.write_text(text, encoding="utf-8")
    decl, _, _ = imported(path, tmp_path, capsys)
    assert decl.get("部门职责") == '"十四五"规划'


def test_a_row_shifted_against_its_header_is_read_in_order_and_warned(tmp_path, capsys):
    rows = [row if row[0] != "任务一" else ["", "任务一", "", "内容一"] for row in FORM]
    decl, warnings, _ = imported(write_tsv(tmp_path / "shifted.txt", rows), tmp_path, capsys)
    assert decl.get("年度重点任务")[0]["主要内容"] == "内容一"
    assert [w.split(": ", 1)[1] for w in warnings] == ["W610 这一行的单元格与表头错位，按顺序读取"]


def test_a_form_that_fits_two_kinds_equally_is_read_as_the_first_and_warned(tmp_path, capsys):
    rows = [
        ["部门（单位）整体支出绩效目标申报表"],
        ["（2024年度）"],
        ["部门（单位）名称", "测试厅"],
    ]
    path = write_tsv(tmp_path / "thin.txt", rows)
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "W609 这张表与表样“全国整体”和“全国整体横版”同样吻合，按栏目最少的“全国整体”读取" in err


# -- numbers as Excel saves and shows them ------------------------------------------------------


def form_with_numbers(numbers: dict[str, str]) -> str:
    """FORM's worksheet with the cells named in `numbers` (B11 …) holding those numbers, as
    Excel saves a number: `<c r="B11"><v>18417248.300000001</v></c>`."""
    sheet = sheet_xml(form_cells(FORM))
    for reference, value in numbers.items():
        row = int(reference[1:])
        old = f'<c r="{reference}" t="inlineStr"><is><t>{FORM[row - 1][1]}</t></is></c>'
        assert old in sheet
        sheet = sheet.replace(old, f'<c r="{reference}"><v>{value}</v></c>')
    return sheet


def test_binary_float_noise_of_a_saved_result_is_read_as_excel_shows_it(tmp_path, capsys):
    # a formula's result saved with 17 significant digits, as Excel writes doubles
    numbers = {
        "B11": "18417248.300000001",  # =B12+B13
        "B12": "18417228.3",
        "B13": "20",
        "B14": "18417188.299999997",
        "B15": "60.000000000000007",
    }
    path = write_zip(tmp_path / "noise.xlsx", xlsx_parts(form_with_numbers(numbers)))
    target = tmp_path / "2023" / "noise.yaml"
    status, out, err = run(capsys, str(path), "-o", str(target))
    assert (status, out, err) == (0, "", f"{path} → {target}\n")
    assert (
        "  部门整体预算总额: 18,417,248.30\n"
        "  资金来源:\n"
        "    财政拨款: 18,417,228.30\n"
        "    其他资金: 20.00\n"
        "  资金结构:\n"
        "    基本支出: 18,417,188.30\n"
        "    项目支出: 60.00\n"
    ) in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("saved", "shown"),
    [
        ("18417248.300000001", "18417248.3"),  # 17 significant digits: rounded to 15
        ("0.30000000000000004", "0.3"),
        ("-0.30000000000000004", "-0.3"),
        ("2.6749999999999998", "2.675"),
        ("9.9999999999999995E-2", "0.1"),
        ("1234567890.1234567", "1234567890.12346"),
        ("123456789012345678", "123456789012346000"),
        ("12345678901234.5", "12345678901234.5"),  # 15 significant digits: as saved
        ("100.50", "100.50"),
        ("0.1", "0.1"),
        ("1E+3", "1000"),
        ("0.000000000000000001", "0.000000000000000001"),
        ("1E+40", "1E+40"),  # absurd: kept as written
        ("abc", "abc"),
    ],
)
def test_numbers_are_read_with_the_15_significant_digits_excel_shows(saved, shown):
    assert number_text(saved) == shown
