"""import with files it cannot or must not read: other formats, damaged files, files beyond what
a form can hold, XML with DTDs. Each gives one message with its code and exit status 1 (2 for a
file that cannot be opened), fast, and never a traceback. Every file is made by a helper in
tests/import_files.py inside the test's tmp_path."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import pytest
from import_files import (
    ENTITY_BOMB,
    FORM,
    document_xml,
    docx_parts,
    edited,
    form_cells,
    sheet_xml,
    write_raw_docx,
    write_raw_xlsx,
    write_tsv,
    write_xlsx,
    write_zip,
    xlsx_parts,
)

from generator.cli import main

READABLE = "可读取的格式：.xlsx/.xlsm、.docx、制表符分隔的文本 .txt/.tsv"
SAVE_XLSX = "在 Excel 或 WPS 中打开，另存为 → Excel 工作簿 (*.xlsx) 后再导入"
SAVE_DOCX = "在 Word 或 WPS 中打开，另存为 → Word 文档 (*.docx) 后再导入"
TOO_BIG = "申报表不会这么大：确认选对了文件"
TIME_LIMIT = 5.0  # seconds: generous, to catch a reader that runs for minutes, never flaky


def run(capsys, *args: str) -> tuple[int, str, str]:
    started = time.perf_counter()
    status = main(["import", *args])
    seconds = time.perf_counter() - started
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert seconds < TIME_LIMIT
    return status, captured.out, captured.err


def refused(capsys, path: Path) -> str:
    """Import `path` alone; it must fail with one message (returned), on stderr as the YAML
    would have gone to stdout, and exit status 1."""
    status, out, err = run(capsys, str(path))
    assert (status, out) == (1, ""), out + err
    message, line, end = err.split("\n")
    assert (line, end) == (f"{path}：未导入（见上）", ""), err
    return message


# -- formats that are not read (old Office files: tests/test_import_legacy.py) ------------------


@pytest.mark.parametrize(
    ("suffix", "message"),
    [
        (".pdf", f"不支持 PDF 文件（提示：用申报表的原文件（Excel 或 Word）导入；{READABLE}）"),
        (".csv", f"不能读取 .csv 文件（提示：{READABLE}）"),
        ("", f"不能读取没有扩展名的文件（提示：{READABLE}）"),
    ],
)
def test_other_formats_say_what_is_read_and_how_to_save_as_it(tmp_path, capsys, suffix, message):
    path = tmp_path / f"申报表{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    assert refused(capsys, path) == f"{path.as_posix()}:1:1: E602 {message}"


@pytest.mark.parametrize(("suffix", "save"), [(".xlsx", SAVE_XLSX), (".docx", SAVE_DOCX)])
def test_a_file_that_is_not_a_zip(tmp_path, capsys, suffix, save):
    path = tmp_path / f"form{suffix}"
    path.write_text("部门名称\t测试局\n", encoding="utf-8")
    assert refused(capsys, path) == (
        f"{path.as_posix()}:1:1: E603 不是有效的 {suffix} 文件：内容不是 zip 格式"
        f"（提示：文件可能已损坏或改过扩展名；{save}）"
    )


def test_a_zip_without_the_parts_of_a_workbook(tmp_path, capsys):
    path = write_zip(tmp_path / "form.xlsx", {"readme.txt": "hello"})
    assert refused(capsys, path) == (
        f"{path.as_posix()}:1:1: E603 不是有效的 .xlsx 文件：缺少 _rels/.rels（提示：{SAVE_XLSX}）"
    )


def test_a_damaged_xml_part(tmp_path, capsys):
    parts = xlsx_parts(sheet_xml(FORM).replace("</sheetData>", ""))
    path = write_zip(tmp_path / "form.xlsx", parts)
    message = refused(capsys, path)
    assert message.startswith(
        f"{path.as_posix()}:1:1: E603 文件已损坏：xl/worksheets/sheet1.xml 不是有效的 XML（第 2 行："
    )  # then the parser's own words, which vary with its version
    assert message.endswith(f"）（提示：{SAVE_XLSX}）")


def test_a_text_file_with_binary_content(tmp_path, capsys):
    path = tmp_path / "form.txt"
    path.write_bytes(b"\x00\x01\x02binary")
    assert refused(capsys, path) == (
        f"{path.as_posix()}:1:1: E603 不是文本文件：内容含有二进制数据（提示：{READABLE}）"
    )


# -- limits: what a real form can hold ---------------------------------------------------------


def test_a_cell_far_outside_the_form(tmp_path, capsys):
    sheet = sheet_xml(FORM).replace(
        "</sheetData>",
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    path = write_zip(tmp_path / "far.xlsx", xlsx_parts(sheet))
    assert path.stat().st_size < 10_000
    assert refused(capsys, path) == (
        f"{path.as_posix()}:1048576:16384: E604 单元格 XFD1048576 超出可导入的范围 A1:BL2000"
        "（最多 2,000 行、64 列）（提示：删除范围之外的内容后保存，再导入）"
    )


def test_a_cell_far_outside_the_form_written_by_openpyxl(tmp_path, capsys):
    path = write_xlsx(tmp_path / "far.xlsx", [*FORM, *[[""]] * 3000, ["", "", "x"]])
    assert refused(capsys, path) == (
        f"{path.as_posix()}:3022:3: E604 单元格 C3022 超出可导入的范围 A1:BL2000"
        "（最多 2,000 行、64 列）（提示：删除范围之外的内容后保存，再导入）"
    )


def test_many_rows_in_a_small_file(tmp_path, capsys):
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>行</t></is></c></row>'
        for r in range(1, 100_001)
    )
    sheet = sheet_xml(FORM).replace(
        '<sheetData><row r="1">', f'<sheetData>{rows}<row r="1">'
    )  # rows out of order too: the reader must not trust the order
    path = write_zip(tmp_path / "rows.xlsx", xlsx_parts(sheet))
    assert refused(capsys, path) == (
        f"{path.as_posix()}:2001:1: E604 单元格 A2001 超出可导入的范围 A1:BL2000"
        "（最多 2,000 行、64 列）（提示：删除范围之外的内容后保存，再导入）"
    )


def test_a_part_that_unpacks_to_more_than_a_form_can_be(tmp_path, capsys):
    sheet = sheet_xml(FORM).replace("<sheetData>", "<sheetData>" + " " * (9 * 2**20))
    path = write_zip(tmp_path / "bomb.xlsx", xlsx_parts(sheet))
    assert path.stat().st_size < 100_000
    assert refused(capsys, path) == (
        f"{path.as_posix()}:1:1: E604 xl/worksheets/sheet1.xml 解压后有 9.0 MB，"
        f"超过上限 8 MB（提示：{TOO_BIG}）"
    )


def test_a_file_larger_than_any_form(tmp_path, capsys):
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(40 * 2**20)  # sparse: nothing is written
    assert refused(capsys, path) == (
        f"{path.as_posix()}:1:1: E604 文件有 40.0 MB，超过导入上限 32 MB（提示：{TOO_BIG}）"
    )


def test_a_docx_cell_spanning_two_billion_columns(tmp_path, capsys):
    path = write_raw_docx(tmp_path / "span.docx", form_cells(FORM), span={(2, 1): 2_000_000_000})
    assert refused(capsys, path) == (
        f"{path.as_posix()}:3:2: E604 单元格横跨 2,000,000,000 列，超出可导入的上限 64 列"
        f"（提示：{TOO_BIG}）"
    )


def test_a_docx_with_more_rows_than_a_form(tmp_path, capsys):
    rows = form_cells(FORM) + [["行", "", "", ""]] * 2100
    path = write_raw_docx(tmp_path / "rows.docx", rows)
    assert refused(capsys, path) == (
        f"{path.as_posix()}:2001:1: E604 表格超过 2,000 行，超出可导入的上限（提示：{TOO_BIG}）"
    )


def test_a_tsv_with_more_rows_or_columns_than_a_form(tmp_path, capsys):
    path = write_tsv(tmp_path / "rows.txt", [*FORM, *[["行"]] * 3000])
    assert refused(capsys, path) == (
        f"{path.as_posix()}:2001:1: E604 表格超过 2,000 行，超出可导入的上限（提示：{TOO_BIG}）"
    )
    path = write_tsv(tmp_path / "columns.txt", [*FORM[:3], ["x"] * 70])
    assert refused(capsys, path) == (
        f"{path.as_posix()}:4:65: E604 一行超过 64 列，超出可导入的上限（提示：{TOO_BIG}）"
    )


@pytest.mark.parametrize("writer", [write_tsv, write_raw_xlsx])  # openpyxl would cut the text
def test_a_cell_longer_than_excel_holds(tmp_path, capsys, writer):
    long = "职" * (128 * 1024 + 1)  # also beyond the csv module's field limit
    suffix = "txt" if writer is write_tsv else "xlsx"
    path = writer(tmp_path / f"long.{suffix}", edited({"测试职责": long}))
    where = "单元格 B4 " if suffix == "xlsx" else "单元格"
    assert refused(capsys, path) == (
        f"{path.as_posix()}:4:2: E604 {where}有 131,073 个字符，超过上限 32,767"
        "（一个 Excel 单元格最多的字符数）（提示：删减这个单元格的内容后再导入）"
    )


# -- XML with a DTD: entity bombs and external entities ------------------------------------------


def dtd_message(path: Path, part: str, save: str) -> str:
    return (
        f"{path.as_posix()}:1:1: E605 {part} 含有 <!DOCTYPE> 或 <!ENTITY> 声明：Office 不会写入这些，"
        f"为安全起见不读取（提示：{save}）"
    )


def test_an_entity_bomb_in_a_worksheet(tmp_path, capsys):
    rows = form_cells(edited({"测试局": "&lol9;"}))
    path = write_zip(tmp_path / "bomb.xlsx", xlsx_parts(sheet_xml(rows, prolog=ENTITY_BOMB)))
    assert refused(capsys, path) == dtd_message(path, "xl/worksheets/sheet1.xml", SAVE_XLSX)


def test_an_entity_bomb_in_the_shared_strings(tmp_path, capsys):
    strings = (
        ENTITY_BOMB + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>&lol9;</t></si></sst>"
    )
    sheet = sheet_xml(form_cells(FORM)).replace(
        "</sheetData>", '<row r="30"><c r="A30" t="s"><v>0</v></c></row></sheetData>'
    )
    path = write_zip(tmp_path / "bomb.xlsx", xlsx_parts(sheet, shared_strings=strings))
    assert refused(capsys, path) == dtd_message(path, "xl/sharedStrings.xml", SAVE_XLSX)


def test_an_external_entity_in_a_docx(tmp_path, capsys):
    prolog = '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    rows = form_cells(FORM)
    rows[2][1] = "&x;"
    path = write_zip(tmp_path / "xxe.docx", docx_parts(document_xml(rows, prolog=prolog)))
    assert refused(capsys, path) == dtd_message(path, "word/document.xml", SAVE_DOCX)


def test_a_dtd_hidden_in_utf16(tmp_path, capsys):
    document = document_xml(form_cells(FORM), prolog=ENTITY_BOMB.replace("UTF-8", "UTF-16"))
    parts = docx_parts(document)
    parts["word/document.xml"] = document.encode("utf-16")
    path = write_zip(tmp_path / "utf16.docx", parts)
    assert refused(capsys, path) == dtd_message(path, "word/document.xml", SAVE_DOCX)


def test_an_xml_part_in_an_encoding_office_does_not_write(tmp_path, capsys):
    document = document_xml(form_cells(FORM), prolog='<?xml version="1.0" encoding="UTF-7"?>')
    path = write_zip(tmp_path / "utf7.docx", docx_parts(document))
    assert refused(capsys, path) == (
        f"{path.as_posix()}:1:1: E603 word/document.xml 的编码是 UTF-7，不是 Office 文件使用的 "
        f"UTF-8 或 UTF-16（提示：{SAVE_DOCX}）"
    )


# -- more that used to be tracebacks ----------------------------------------------------------


def test_an_escaped_lone_surrogate_in_xlsx_text_is_kept_as_written(tmp_path, capsys):
    rows = form_cells(edited({"测试局": "测试_xD800_局_x0041_"}))
    path = write_raw_xlsx(tmp_path / "escape.xlsx", rows)
    target = tmp_path / "2023" / "escape.yaml"
    status, out, err = run(capsys, str(path), "-o", str(target))
    assert (status, out) == (0, "")
    assert err.splitlines() == [
        f"{path.as_posix()}:3:2: W608 单元格 B3 中的“_xD800_”不是有效的字符转义，按原样保留",
        f"{path} → {target}",
    ]
    assert "部门名称: 测试_xD800_局A" in target.read_text(encoding="utf-8")


def test_escaped_surrogate_pairs_are_one_character(tmp_path, capsys):
    rows = form_cells(edited({"测试局": "测试局_xD83D__xDE00_"}))
    path = write_raw_xlsx(tmp_path / "pair.xlsx", rows)
    target = tmp_path / "2023" / "pair.yaml"
    assert run(capsys, str(path), "-o", str(target))[0] == 0
    assert "部门名称: 测试局😀" in target.read_text(encoding="utf-8")


def test_a_file_that_may_not_be_read(tmp_path, capsys, monkeypatch):
    path = write_tsv(tmp_path / "secret.txt", FORM)
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied", str(path))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert run(capsys, str(path)) == (2, "", f"错误：{path}：无法读取（权限不足）\n")


def test_something_that_is_not_a_regular_file(tmp_path, capsys):
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)  # reading it would wait for a writer forever
    assert run(capsys, str(path)) == (2, "", f"错误：{path}：不是普通文件\n")


def test_a_zip_member_that_cannot_be_unpacked(tmp_path, capsys):
    path = write_raw_xlsx(tmp_path / "crc.xlsx", form_cells(FORM))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 10
    data[at] ^= 0xFF  # damage the compressed sheet
    path.write_bytes(bytes(data))
    message = refused(capsys, path)
    assert message.startswith(
        f"{path.as_posix()}:1:1: E603 文件已损坏：无法解压 xl/worksheets/sheet1.xml（"
    )  # then zlib's or zipfile's own words
    assert message.endswith(f"）（提示：{SAVE_XLSX}）")


# -- integers beyond Python's int-string conversion limit (4,300 digits) ---------------------

HUGE = "9" * 5000


@pytest.mark.parametrize("span", [HUGE, "²"])  # "²" is a digit to str.isdigit, not to int()
def test_a_docx_span_that_is_no_number_python_converts(tmp_path, capsys, span):
    path = write_raw_docx(tmp_path / "span.docx", form_cells(FORM), span={(2, 1): span})
    shown = "99999999999999999999…（共 5,000 个字符）" if span == HUGE else span
    if span == HUGE:
        expected = (
            f"{path.as_posix()}:3:2: E604 单元格横跨 {shown} 列，超出可导入的上限 64 列"
            f"（提示：{TOO_BIG}）"
        )
    else:
        expected = (
            f"{path.as_posix()}:1:1: E603 文件已损坏：单元格的 gridSpan 值“²”无效"
            f"（提示：{SAVE_DOCX}）"
        )
    assert refused(capsys, path) == expected


@pytest.mark.parametrize(
    ("index", "shown"), [(HUGE, "99999999999999999999…（共 5,000 个字符）"), ("²", "²")]
)
def test_a_shared_string_index_that_is_no_number_python_converts(tmp_path, capsys, index, shown):
    strings = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>x</t></si></sst>'
    sheet = sheet_xml(form_cells(FORM)).replace(
        "</sheetData>", f'<row r="30"><c r="A30" t="s"><v>{index}</v></c></row></sheetData>'
    )
    path = write_zip(tmp_path / "sst.xlsx", xlsx_parts(sheet, shared_strings=strings))
    assert refused(capsys, path) == (
        f"{path.as_posix()}:1:1: E603 文件已损坏：xl/worksheets/sheet1.xml 中的共享字符串编号"
        f"“{shown}”无效（提示：{SAVE_XLSX}）"
    )


def test_a_row_number_that_is_no_number_python_converts(tmp_path, capsys):
    sheet = sheet_xml(form_cells(FORM)).replace(
        "</sheetData>", '<row r="²"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    )
    path = write_zip(tmp_path / "row.xlsx", xlsx_parts(sheet))
    assert refused(capsys, path) == (
        f"{path.as_posix()}:1:1: E603 文件已损坏：xl/worksheets/sheet1.xml 中的行号“²”无效"
        f"（提示：{SAVE_XLSX}）"
    )


def number_cell(reference: str, value: str) -> str:
    """FORM as an XLSX whose cell `reference` holds the number `value` (as Excel saves one)."""
    column = reference.rstrip("0123456789")
    row = int(reference[len(column) :])
    text = FORM[row - 1][ord(column) - ord("A")]
    old = f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'
    sheet = sheet_xml(form_cells(FORM))
    assert old in sheet
    return sheet.replace(old, f'<c r="{reference}"><v>{value}</v></c>')


@pytest.mark.parametrize("suffix", ["txt", "xlsx"])
@pytest.mark.parametrize(
    ("label", "cell", "row"), [("下属预算单位个数", "D3", 3), ("年末在职人数", "B17", 17)]
)
def test_a_count_with_more_digits_than_python_converts_is_left_blank(
    tmp_path, capsys, suffix, label, cell, row
):
    digits = "9" * 4301
    if suffix == "txt":
        replaced = FORM[row - 1][ord(cell[0]) - ord("A")]
        path = write_tsv(tmp_path / "count.txt", edited({replaced: digits}))
    else:
        path = write_zip(tmp_path / "count.xlsx", xlsx_parts(number_cell(cell, digits)))
    target = tmp_path / "2023" / "count.yaml"
    status, out, err = run(capsys, str(path), "-o", str(target))
    col = 4 if label == "下属预算单位个数" else 2  # the cell that holds the number
    assert status == 1
    assert err.splitlines() == [
        f"{path.as_posix()}:{row}:{col}: W602 “{label}”的数字“99999999999999999999…（共 4,301 个字符）”"
        "超过 999,999,999，留空待补",
        f"{path} → {target}（有 1 个问题，见上）",
    ]
    text = target.read_text(encoding="utf-8")
    assert f"# 导入时原表写作“{digits}”，超过 999,999,999，请填写\n{label}:\n" in text
    assert f"E102 “{label}”没有填写" in out
