"""import of workbooks with several sheets, and where import's output and messages go.

The sheet read is the one Excel opens on (the active sheet) when it is visible and holds a
form, else the first visible sheet, then hidden one, that holds a form; every other sheet that
holds something is named in a warning (W615), and the YAML's first comment names the sheet
read. `-o` never names the file being imported nor a file that is not YAML; with the YAML on
stdout every message goes to stderr. Files are written into each test's tmp_path."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from import_files import FORM, edited

from generator.cli import main
from generator.importing import ooxml, xlsx
from generator.importing.grid import LIMITS

HINT = "一次只导入一张表；把它另存为单独的文件再导入"
OLD = [["部门（单位）整体支出绩效目标申报表"], ["（2022年度）"], ["部门名称", "旧的名字"]]


def workbook(path: Path, sheets: dict[str, list[list[str]]], hidden=(), active=0) -> Path:
    """A workbook with one sheet per entry (name → rows), `hidden` sheets by name, the sheet
    at index `active` the one Excel opens on."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, text in enumerate(row, start=1):
                if text:
                    sheet.cell(r, c).value = text
                    sheet.cell(r, c).data_type = "s"  # "=4次" is text, not a formula
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.active = active
    book.save(path)
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["import", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.out, captured.err


def department(yaml_text: str) -> str:
    return next(line for line in yaml_text.splitlines() if line.startswith("部门名称"))


# -- which sheet is read (review 2026-11-27, items 7 and 8) -------------------------------------


def test_a_hidden_first_sheet_is_not_read_but_named(tmp_path, capsys):
    path = workbook(tmp_path / "a.xlsx", {"旧版": OLD, "申报表": FORM}, hidden={"旧版"}, active=1)
    status, out, err = run(capsys, str(path))
    assert status == 0, err
    assert department(out) == "部门名称: 测试局"
    assert "年度: 2023" in out
    assert "# 由 a.xlsx 的工作表“申报表”导入（表样：上海整体，按表中的栏目识别）。" in out
    assert err == (
        f"{path}:1:1: W615 隐藏的工作表“旧版”未导入（读取的是工作表“申报表”）（提示：{HINT}）\n"
    )


def test_the_active_sheet_is_read_when_visible(tmp_path, capsys):
    other = edited({"测试局": "另一个局"})
    path = workbook(tmp_path / "a.xlsx", {"甲": other, "乙": FORM}, active=1)
    status, out, err = run(capsys, str(path))
    assert status == 0, err
    assert department(out) == "部门名称: 测试局"
    assert err == f"{path}:1:1: W615 工作表“甲”未导入（读取的是工作表“乙”）（提示：{HINT}）\n"


def test_a_hidden_active_sheet_gives_way_to_the_first_visible_one(tmp_path, capsys):
    other = edited({"测试局": "隐藏的局"})
    path = tmp_path / "a.xlsx"
    workbook(path, {"甲": other, "乙": FORM}, hidden={"甲"}, active=0)
    status, out, err = run(capsys, str(path))
    assert status == 0, err
    assert department(out) == "部门名称: 测试局"
    assert err == (
        f"{path}:1:1: W615 隐藏的工作表“甲”未导入（读取的是工作表“乙”）（提示：{HINT}）\n"
    )


def test_a_second_form_in_the_workbook_is_named(tmp_path, capsys):
    second = edited({"测试局": "第二个局"})
    path = workbook(tmp_path / "a.xlsx", {"Sheet1": FORM, "第二张": second})
    status, out, err = run(capsys, str(path))
    assert status == 0, err
    assert department(out) == "部门名称: 测试局"
    assert "# 由 a.xlsx 的工作表“Sheet1”导入（表样：上海整体，按表中的栏目识别）。" in out
    message = f"{path}:1:1: W615 工作表“第二张”未导入（读取的是工作表“Sheet1”）（提示：{HINT}）"
    assert err == message + "\n"


def test_an_empty_first_sheet_gives_way_to_the_form(tmp_path, capsys):
    path = workbook(tmp_path / "a.xlsx", {"说明": [], "Sheet": FORM, "Sheet3": []})
    status, out, err = run(capsys, str(path))
    assert (status, err) == (0, "")
    assert department(out) == "部门名称: 测试局"
    assert "# 由 a.xlsx 的工作表“Sheet”导入（表样：上海整体，按表中的栏目识别）。" in out


def test_a_first_sheet_of_notes_gives_way_to_the_form(tmp_path, capsys):
    notes = [["填表说明：金额以元为单位"]]
    path = workbook(tmp_path / "a.xlsx", {"说明": notes, "表": FORM})
    status, out, err = run(capsys, str(path))
    assert status == 0, err
    assert department(out) == "部门名称: 测试局"
    assert err == f"{path}:1:1: W615 工作表“说明”未导入（读取的是工作表“表”）（提示：{HINT}）\n"


def test_no_form_on_any_sheet_is_reported_for_the_active_one(tmp_path, capsys):
    path = workbook(tmp_path / "a.xlsx", {"甲": [["你好"]], "乙": [["再见"]]}, active=1)
    status, out, err = run(capsys, str(path))
    assert status == 1
    assert out == ""
    assert err == (
        f"{path}:1:1: W615 工作表“甲”未导入（读取的是工作表“乙”）（提示：{HINT}）\n"
        f"{path}:1:1: E601 找不到任何申报表的栏目"
        "（提示：这不像是绩效目标申报表；若是，请用 --kind 指明表样）\n"
        f"{path}：未导入（见上）\n"
    )


def test_a_workbook_of_one_sheet_says_nothing_of_sheets(tmp_path, capsys):
    path = workbook(tmp_path / "a.xlsx", {"Sheet1": FORM})
    status, out, err = run(capsys, str(path))
    assert (status, err) == (0, "")
    assert "# 由 a.xlsx 导入（表样：上海整体，按表中的栏目识别）。" in out


# -- -o never replaces the form nor writes YAML under another suffix (item 10) -------------------


def test_output_that_is_the_input_is_refused(tmp_path, capsys):
    path = workbook(tmp_path / "a.xlsx", {"Sheet1": FORM})
    before = path.read_bytes()
    status, out, err = run(capsys, str(path), "-o", str(path), "--force")
    assert (status, out) == (2, "")
    assert err == f"错误：-o {path} 就是要导入的文件 {path}；请另指定一个 .yaml 文件\n"
    assert path.read_bytes() == before


def test_output_linked_to_the_input_is_refused(tmp_path, capsys):
    path = workbook(tmp_path / "a.xlsx", {"Sheet1": FORM})
    link = tmp_path / "a.yaml"
    os.symlink(path, link)
    before = path.read_bytes()
    status, out, err = run(capsys, str(path), "-o", str(link), "--force")
    assert (status, out) == (2, "")
    assert err == f"错误：-o {link} 就是要导入的文件 {path}；请另指定一个 .yaml 文件\n"
    assert path.read_bytes() == before


@pytest.mark.parametrize("name", ["a.xlsx", "a.txt", "a", "a.yaml.bak"])
def test_output_that_is_not_yaml_is_refused(tmp_path, capsys, name):
    path = workbook(tmp_path / "form.xlsx", {"Sheet1": FORM})
    output = tmp_path / name
    status, out, err = run(capsys, str(path), "-o", str(output))
    assert (status, out) == (2, "")
    assert err == f"错误：-o {output}：写的是 YAML，文件名要以 .yaml 或 .yml 结尾\n"
    assert not output.exists()


@pytest.mark.parametrize("name", ["a.yaml", "a.YML"])
def test_output_with_a_yaml_suffix_is_written(tmp_path, capsys, name):
    path = workbook(tmp_path / "form.xlsx", {"Sheet1": FORM})
    output = tmp_path / "2023" / name
    status, out, err = run(capsys, str(path), "-o", str(output))
    assert (status, out) == (0, "")
    assert err == f"{path} → {output}\n"
    assert department(output.read_text(encoding="utf-8")) == "部门名称: 测试局"


# -- with the YAML on stdout every message goes to stderr (item 11) ------------------------------


def test_messages_about_an_unread_file_go_to_stderr(tmp_path, capsys):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    status, out, err = run(capsys, str(path))
    assert (status, out) == (1, "")
    assert err == (
        f"{path}:1:1: E602 不支持 PDF 文件（提示：用申报表的原文件（Excel 或 Word）导入；"
        "可读取的格式：.xlsx/.xlsm、.docx、制表符分隔的文本 .txt/.tsv）\n"
        f"{path}：未导入（见上）\n"
    )


def test_messages_about_a_damaged_file_go_to_stderr(tmp_path, capsys):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a zip")
    status, out, err = run(capsys, str(path))
    assert (status, out) == (1, "")
    assert err.endswith(f"{path}：未导入（见上）\n")
    assert f"{path}:1:1: E603 不是有效的 .xlsx 文件：内容不是 zip 格式" in err


def test_a_file_that_cannot_be_opened_exits_2(tmp_path, capsys):
    path = tmp_path / "missing.xlsx"
    status, out, err = run(capsys, str(path))
    assert (status, out, err) == (2, "", f"错误：{path}：文件或目录不存在\n")


def test_messages_go_to_stdout_when_the_yaml_is_written_to_a_file(tmp_path, capsys):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    status, out, err = run(capsys, str(path), "-o", str(tmp_path / "x.yaml"))
    assert status == 1
    assert out.startswith(f"{path}:1:1: E602 不支持 PDF 文件")
    assert err == f"{path}：未导入（见上）\n"


def test_a_sheet_too_large_to_read_is_named_not_refused(tmp_path, capsys, monkeypatch):
    # a workbook's other sheet may hold more than a form: it is not read, so not refused (E604)
    for module in (ooxml, xlsx):
        monkeypatch.setattr(module, "LIMITS", replace(LIMITS, xml_part_bytes=50_000))
    numbers = [[str(n) for n in range(20)] for _ in range(200)]
    path = workbook(tmp_path / "a.xlsx", {"表": FORM, "数据": numbers})
    status, out, err = run(capsys, str(path))
    assert status == 0, err
    assert department(out) == "部门名称: 测试局"
    assert err == f"{path}:1:1: W615 工作表“数据”未导入（读取的是工作表“表”）（提示：{HINT}）\n"
