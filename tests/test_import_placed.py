"""import places every piece of a form or says what it did not place: DOCX markup that is not
the form's visible text (tracked deletions and moves, hidden text, both branches of
mc:AlternateContent, nested tables, content controls), and cells of any file that belong to no
field of the form (W611). Every file is written by hand in the test's tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL, comparable
from import_files import (
    FORM,
    document_xml,
    docx_parts,
    edited,
    form_cells,
    write_tsv,
    write_xlsx,
    write_zip,
)

from generator.cli import main
from generator.declaration.sources import read_checked

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def run(capsys, path: Path, target: Path) -> tuple[int, str, str]:
    status = main(["import", str(path), "-o", str(target)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.out, captured.err


def docx_with(tmp_path: Path, department_xml: str, document=None) -> Path:
    """FORM as a DOCX whose 部门名称 cell (B3) holds `department_xml` inside its run's text:
    the markup closes the run to put its own elements in the paragraph."""
    rows = form_cells(FORM)
    rows[2][1] = department_xml
    xml = document_xml(rows)
    return write_zip(tmp_path / "form.docx", docx_parts(document(xml) if document else xml))


def imported(capsys, path: Path, tmp_path: Path) -> tuple[object, list[str]]:
    target = tmp_path / "2023" / "form.yaml"
    status, out, err = run(capsys, path, target)
    assert (status, out) == (0, ""), out + err
    checked = read_checked(target)
    assert checked.diagnostics == ()
    return checked.declaration, err.splitlines()[:-1]


# -- DOCX: what Word does not show is not read --------------------------------------------------


def test_text_moved_away_in_a_tracked_change_is_not_read(tmp_path, capsys):
    moved = (
        '</w:t></w:r><w:moveFrom w:id="1" w:author="a"><w:r><w:t>旧</w:t></w:r></w:moveFrom>'
        '<w:del w:id="2" w:author="a"><w:r><w:delText>删</w:delText></w:r></w:del>'
        '<w:ins w:id="3" w:author="a"><w:r><w:t>教育</w:t></w:r></w:ins><w:r><w:t>局'
    )
    path = docx_with(tmp_path, moved)
    decl, warnings = imported(capsys, path, tmp_path)
    assert decl.department == "教育局"
    assert warnings == [
        f"{path.as_posix()}:3:2: W612 文档中有未接受的修订：按接受全部修订后的文字读取"
        "（删除和移走的文字不导入）"
    ]


@pytest.mark.parametrize(("value", "hidden"), [("", True), ("true", True), ("0", False)])
def test_hidden_text_is_not_read_and_is_warned(tmp_path, capsys, value, hidden):
    attribute = f' w:val="{value}"' if value else ""
    run_xml = (
        f"</w:t></w:r><w:r><w:rPr><w:vanish{attribute}/></w:rPr><w:t>隐藏</w:t></w:r><w:r><w:t>局"
    )
    path = docx_with(tmp_path, f"教育{run_xml}")
    decl, warnings = imported(capsys, path, tmp_path)
    if hidden:
        assert decl.department == "教育局"
        assert warnings == [
            f"{path.as_posix()}:3:2: W612 隐藏文字“隐藏”未导入（Word 中设为隐藏，打印时看不到）"
        ]
    else:
        assert decl.department == "教育隐藏局"
        assert warnings == []


def alternate(choice: str, fallback: str | None) -> str:
    fallback_xml = "" if fallback is None else f"<mc:Fallback>{fallback}</mc:Fallback>"
    return (
        f'</w:t></w:r><mc:AlternateContent xmlns:mc="{MC}"><mc:Choice Requires="wps">{choice}'
        f"</mc:Choice>{fallback_xml}</mc:AlternateContent><w:r><w:t>"
    )


@pytest.mark.parametrize(
    ("markup", "read"),
    [
        (alternate("<w:r><w:t>教育局</w:t></w:r>", "<w:r><w:t>教育局</w:t></w:r>"), "教育局"),
        (alternate("<w:r><w:t>新式</w:t></w:r>", "<w:r><w:t>教育局</w:t></w:r>"), "教育局"),
        (alternate("<w:r><w:t>教育局</w:t></w:r>", None), "教育局"),
    ],
)
def test_only_one_branch_of_alternate_content_is_read(tmp_path, capsys, markup, read):
    decl, warnings = imported(capsys, docx_with(tmp_path, markup), tmp_path)
    assert decl.department == read
    assert warnings == []


def test_a_table_nested_in_a_cell_is_warned_and_not_merged_into_it(tmp_path, capsys):
    nested = (
        "教育局(汇总)</w:t></w:r></w:p><w:tbl>"
        "<w:tr><w:tc><w:p><w:r><w:t>嵌套</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p><w:r><w:t>表格</w:t></w:r></w:p></w:tc></w:tr>"
        "</w:tbl><w:p><w:r><w:t>"
    )
    path = docx_with(tmp_path, nested)
    decl, warnings = imported(capsys, path, tmp_path)
    assert decl.department == "教育局"
    assert decl.get("汇总") is True
    assert warnings == [f"{path.as_posix()}:3:2: W612 单元格中嵌套的表格未导入：嵌套、表格"]


def test_a_table_in_a_content_control_is_read(tmp_path, capsys):
    def wrapped(xml: str) -> str:
        # the table in a block content control; its first row and a cell in ones of their own,
        # as Word writes repeating sections
        cell = "<w:tc><w:p><w:r><w:t>测试局</w:t></w:r></w:p></w:tc>"
        for old, new in [
            ("<w:tbl>", "<w:sdt><w:sdtPr/><w:sdtContent><w:tbl>"),
            ("</w:tbl>", "</w:tbl></w:sdtContent></w:sdt>"),
            ("<w:tr>", "<w:sdt><w:sdtContent><w:tr>"),
            ("</w:tr>", "</w:tr></w:sdtContent></w:sdt>"),
            (cell, f"<w:sdt><w:sdtContent>{cell}</w:sdtContent></w:sdt>"),
        ]:
            assert old in xml
            xml = xml.replace(old, new, 1)
        return xml

    decl, warnings = imported(capsys, docx_with(tmp_path, "测试局", wrapped), tmp_path)
    assert comparable(decl) == comparable(read_checked(minimal(tmp_path)).declaration)
    assert warnings == []


def minimal(tmp_path: Path) -> Path:
    path = tmp_path / "expected" / "2023" / "minimal.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    return path


# -- every cell is placed or warned about (W611) ------------------------------------------------

HINT = "（提示：若是申报的内容，请在导入的 YAML 中手工补上）"


def with_rows(rows: list[list[str]], at: int, *extra: list[str]) -> list[list[str]]:
    return [*rows[:at], *extra, *rows[at:]]


@pytest.mark.parametrize("writer", [write_tsv, write_xlsx])
def test_a_budget_row_the_form_has_no_field_for_is_warned_about(tmp_path, capsys, writer):
    rows = with_rows(FORM, 13, ["（3）上年结转", "500000", "", ""])  # after （2）其他资金
    suffix = "txt" if writer is write_tsv else "xlsx"
    path = writer(tmp_path / f"extra.{suffix}", rows)
    target = tmp_path / "2023" / "extra.yaml"
    status, out, err = run(capsys, path, target)
    assert (status, out) == (0, "")
    source = path.as_posix()
    assert err.splitlines() == [
        f"{source}:14:1: W611 “（3）上年结转”未导入：不属于表样“上海整体”的任何栏目{HINT}",
        f"{source}:14:2: W611 “500000”未导入：不属于表样“上海整体”的任何栏目{HINT}",
        f"{path} → {target}",
    ]
    assert target.read_text(encoding="utf-8").endswith(
        '      满意度: ">=90%"\n'
        "# 原表第 14 行第 1 列的“（3）上年结转”未导入（不属于任何栏目）\n"
        "# 原表第 14 行第 2 列的“500000”未导入（不属于任何栏目）\n"
    )
    assert read_checked(target).diagnostics == ()


@pytest.mark.parametrize("writer", [write_tsv, write_xlsx])
def test_a_cell_beside_a_value_and_a_remark_row_are_warned_about(tmp_path, capsys, writer):
    rows = with_rows(
        edited({"100.00": "100.00"}), 17, ["备注", "本表经局务会审议", "", ""]
    )  # before 分解目标
    rows[10] = ["部门整体预算总额（元）", "100.00", "999", ""]
    suffix = "txt" if writer is write_tsv else "xlsx"
    path = writer(tmp_path / f"extra.{suffix}", rows)
    target = tmp_path / "2023" / "extra.yaml"
    status, out, err = run(capsys, path, target)
    assert (status, out) == (0, "")
    source = path.as_posix()
    assert err.splitlines() == [
        f"{source}:11:3: W611 “999”未导入：不属于表样“上海整体”的任何栏目{HINT}",
        f"{source}:18:2: W611 “本表经局务会审议”未导入：不属于表样“上海整体”的任何栏目{HINT}",
        f"{path} → {target}",
    ]


def test_a_task_cell_beyond_the_columns_of_its_table_is_warned_about(tmp_path, capsys):
    rows = [list(row) for row in FORM]
    rows[7] = ["任务一", "内容一", "补充说明", ""]  # 年度重点任务 has two columns
    path = write_tsv(tmp_path / "task.txt", rows)
    target = tmp_path / "2023" / "task.yaml"
    status, out, err = run(capsys, path, target)
    assert (status, out) == (0, "")
    assert err.splitlines()[0] == (
        f"{path.as_posix()}:8:3: W611 “补充说明”未导入：不属于表样“上海整体”的任何栏目{HINT}"
    )


def test_control_characters_of_an_unplaced_cell_stay_out_of_the_yaml(tmp_path, capsys):
    rows = with_rows(FORM, 13, ["（3）上年\n结转\x01", "", "", ""])
    path = write_tsv(tmp_path / "extra.txt", rows)
    target = tmp_path / "2023" / "extra.yaml"
    status, _, err = run(capsys, path, target)
    assert status == 0
    assert err.splitlines()[0] == (
        f"{path.as_posix()}:14:1: W611 “（3）上年\\n结转\\x01”未导入：不属于表样“上海整体”的任何栏目{HINT}"
    )
    text = target.read_text(encoding="utf-8")
    assert text.endswith("# 原表第 14 行第 1 列的“（3）上年\\n结转\\x01”未导入（不属于任何栏目）\n")
    assert read_checked(target).diagnostics == ()


def test_the_forms_own_texts_are_not_warned_about(tmp_path, capsys):
    # labels, the title, the year, 内容 over the budget's values: all of FORM is placed or
    # the form's own
    path = write_tsv(tmp_path / "form.txt", FORM)
    target = tmp_path / "2023" / "form.yaml"
    assert run(capsys, path, target) == (0, "", f"{path} → {target}\n")


@pytest.mark.parametrize("remark", ["预算备注", "备注：本年无变化", "另见附表"])
def test_a_value_that_holds_a_label_word_is_not_taken_for_a_label(tmp_path, capsys, remark):
    path = write_tsv(tmp_path / "remark.txt", with_rows(FORM, 9, ["", remark, "", ""]))
    target = tmp_path / "2023" / "remark.yaml"
    status, out, err = run(capsys, path, target)
    assert (status, out) == (0, "")
    assert err.splitlines()[0] == (
        f"{path.as_posix()}:10:2: W611 “{remark}”未导入：不属于表样“上海整体”的任何栏目{HINT}"
    )


@pytest.mark.parametrize("writer", [write_tsv, write_xlsx])
def test_a_remark_row_after_the_indicators_is_not_read_as_an_indicator(tmp_path, capsys, writer):
    suffix = "txt" if writer is write_tsv else "xlsx"
    path = writer(tmp_path / f"remark.{suffix}", [*FORM, ["备注", "本表经局务会审议", "", ""]])
    target = tmp_path / "2023" / "remark.yaml"
    status, out, err = run(capsys, path, target)
    assert (status, out) == (0, "")
    assert err.splitlines() == [
        f"{path.as_posix()}:22:1: W604 无法识别这一行：备注、本表经局务会审议，未导入",
        f"{path} → {target}",
    ]
    assert "备注" not in target.read_text(encoding="utf-8")
