"""Import files for tests, written into a test's tmp_path: the official layout as typed into a
spreadsheet (FORM), and writers that turn rows into TSV, XLSX and DOCX files. The XLSX and DOCX
writers build the zip parts by hand, so a test can make exactly the file it needs, hostile ones
included (huge spans, far cells, DTDs, zip bombs). Nothing here is committed as a binary."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

# The official layout for tests/data/minimal.yaml, as someone would type it into Excel.
FORM = [
    ["部门（单位）整体支出绩效目标申报表", "", "", ""],
    ["（2023年度）", "", "", ""],
    ["部门名称", "测试局", "下属预算单位个数", "0"],
    ["部门职责", "测试职责", "", ""],
    ["年度履职目标", "测试目标", "", ""],
    ["年度重点任务", "", "", ""],
    ["任务名称", "主要内容（重点工作计划）", "", ""],
    ["任务一", "内容一", "", ""],
    ["预算情况", "", "", ""],
    ["内容", "预算情况", "", ""],
    ["部门整体预算总额（元）", "100.00", "", ""],
    ["1、资金来源：（1）财政拨款", "80.00", "", ""],
    ["（2）其他资金", "20.00", "", ""],
    ["2、资金结构：（1）基本支出", "60.00", "", ""],
    ["（2）项目支出", "40.00", "", ""],
    ["年末资产总额（元）", "年末在职人数", "内设机构数", ""],
    ["10.00", "3", "1", ""],
    ["分解目标", "", "", ""],
    ["一级目标", "二级目标", "三级目标", "指标目标值"],
    ["产出指标", "数量指标", "会议次数", "=4次"],
    ["满意度指标", "服务对象满意度指标", "满意度", ">=90%"],
]


def edited(replacements: dict[str, str], rows: list[list[str]] = FORM) -> list[list[str]]:
    return [[replacements.get(cell, cell) for cell in row] for row in rows]


def write_xlsx(path: Path, rows: list[list[str]], merges=(), numbers=True) -> Path:
    """An XLSX as openpyxl writes it; texts that are numbers become numbers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            if not text:
                continue
            value: object = text
            if numbers and text.replace(".", "", 1).isdigit():
                value = float(text) if "." in text else int(text)
            sheet.cell(r, c).value = value
            sheet.cell(r, c).data_type = "n" if not isinstance(value, str) else "s"
    for merge in merges:
        sheet.merge_cells(merge)
    workbook.save(path)
    return path


def write_tsv(path: Path, rows: list[list[str]], encoding="utf-8") -> Path:
    """Tab-separated text as Excel exports it: a cell with a line break, a tab or a quote is
    quoted."""

    def cell(text: str) -> str:
        quote = any(ch in text for ch in '\n\t"')
        return '"' + text.replace('"', '""') + '"' if quote else text

    path.write_bytes("\n".join("\t".join(cell(c) for c in row) for row in rows).encode(encoding))
    return path


def write_zip(path: Path, parts: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data.encode() if isinstance(data, str) else data)
    return path


XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_xml(rows: list[list[str]], prolog: str = XML) -> str:
    """A worksheet holding `rows` as inline strings; a cell's text is XML as written (so a
    test can put entities or raw markup in it)."""
    out = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            f'<c r="{column_letter(c)}{r}" t="inlineStr"><is><t>{text}</t></is></c>'
            for c, text in enumerate(row, start=1)
            if text
        )
        out.append(f'<row r="{r}">{cells}</row>')
    return f'{prolog}<worksheet xmlns="{_MAIN}"><sheetData>{"".join(out)}</sheetData></worksheet>'


def xlsx_parts(sheet: str, shared_strings: str | None = None) -> dict[str, bytes | str]:
    """The parts of a minimal XLSX whose first sheet is `sheet` (worksheet XML)."""
    rels = f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared_strings is not None:
        rels += f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": XML
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": XML
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        '<sheet name="申报表" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": XML
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{rels}</Relationships>",
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    return parts


def write_raw_xlsx(path: Path, rows: list[list[str]]) -> Path:
    return write_zip(path, xlsx_parts(sheet_xml(rows)))


def document_xml(rows: list[list[str]], prolog: str = XML, span: dict | None = None) -> str:
    """A DOCX body: the first row as a title paragraph, the rest as one table. Cell texts are
    XML as written; `span` maps (row, col) to a gridSpan value written on that cell."""
    span = span or {}

    def cell(r: int, c: int, text: str) -> str:
        properties = (
            f'<w:tcPr><w:gridSpan w:val="{span[r, c]}"/></w:tcPr>' if (r, c) in span else ""
        )
        return f"<w:tc>{properties}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    title = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in rows[0] if text)
    table = "".join(
        "<w:tr>" + "".join(cell(r, c, text) for c, text in enumerate(row)) + "</w:tr>"
        for r, row in enumerate(rows[1:], start=1)
    )
    return (
        f'{prolog}<w:document xmlns:w="{_WORD}"><w:body>{title}<w:tbl>{table}</w:tbl>'
        "</w:body></w:document>"
    )


def docx_parts(document: str) -> dict[str, bytes | str]:
    return {
        "[Content_Types].xml": XML
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": XML
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
        "</Relationships>",
        "word/document.xml": document,
    }


def write_raw_docx(path: Path, rows: list[list[str]], span: dict | None = None) -> Path:
    return write_zip(path, docx_parts(document_xml(rows, span=span)))


def form_cells(rows: list[list[str]]) -> list[list[str]]:
    """FORM's texts escaped for XML (for the raw writers, which write cell texts as XML)."""
    return [[escape(cell) for cell in row] for row in rows]


# A billion-laughs DTD: ten levels of ten references each.
ENTITY_BOMB = (
    XML
    + '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>\n"
)
