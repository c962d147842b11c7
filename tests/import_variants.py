"""Hand-typed variants of the forms of every kind, as finance offices type them, for import
tests: each is the kind's fixture form (tests/data/forms, built once into a temporary folder and
read back as Excel shows its cells) changed by a small transformation, written into a test's
folder as XLSX (with merges where the variant says), DOCX or tab-separated text. Nothing here
is committed as a binary.

VARIANTS lists them: kind × variant → transformation, the file it is written as, and what the
import must give: the kind's fixture (compared as the form prints it), or the fixture with the
changes `yaml` names (a form typed in 万元 is a declaration in 万元), and exactly the warnings
`warnings` lists ({path} stands for the file imported)."""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
from conftest import DATA
from import_files import docx_parts, write_tsv, write_xlsx, write_zip

FORMS = DATA / "forms"
# the fixture each kind's variants start from
FIXTURES = {
    "上海整体": "2024/shanghai-1.yaml",
    "全国整体": "2024/national-1.yaml",
    "全国整体横版": "2024/landscape-1.yaml",
    "上海项目": "2024/shanghai-1/档案数字化.yaml",
    "全国项目": "2024/national-1/校舍维修改造.yaml",
}
_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class Form:
    """A form as cell texts (as Excel shows them) and its merged ranges (A1:D1)."""

    rows: tuple[tuple[str, ...], ...]
    merges: tuple[str, ...] = ()

    def edit(self, rows: list[list[str]], merges: tuple[str, ...] | None = None) -> Form:
        width = max(map(len, rows), default=0)
        padded = tuple(tuple([*row, *[""] * (width - len(row))]) for row in rows)
        return Form(padded, self.merges if merges is None else merges)

    def lists(self) -> list[list[str]]:
        return [list(row) for row in self.rows]

    def find(self, text: str) -> tuple[int, int]:
        """(row, col) of the first cell holding exactly `text`."""
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                if cell == text:
                    return r, c
        raise KeyError(text)


@functools.cache
def _built() -> Path:
    from generator.build.build import build

    root = Path(tempfile.mkdtemp(prefix="variants-"))
    shutil.copytree(FORMS, root / "declarations")
    assert build([root / "declarations"], root / "out").ok
    return root / "out"


def shown(value: object, number_format: str) -> str:
    """A cell's value as Excel shows it under our XLSX's number formats."""
    from test_import_kinds import shown as excel_shows

    return excel_shows(value, number_format)


@functools.cache
def fixture_form(kind: str) -> Form:
    """The kind's fixture as built into XLSX: every cell as Excel shows it, and its merges."""
    path = _built() / Path(FIXTURES[kind]).with_suffix(".xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = [[shown(cell.value, cell.number_format) for cell in row] for row in sheet.iter_rows()]
    merges = tuple(sorted(str(m) for m in sheet.merged_cells.ranges))
    return Form(()).edit(rows, merges)


# -- transformations of a form --------------------------------------------------------------------

Edit = Callable[[Form], Form]


def replaced(changes: dict[str, str], every: bool = True) -> Edit:
    """Cells holding exactly a key of `changes` hold its value instead (each, or the first)."""

    def edit(form: Form) -> Form:
        seen: set[str] = set()
        rows = form.lists()
        for row in rows:
            for c, cell in enumerate(row):
                if cell in changes and (every or cell not in seen):
                    seen.add(cell)
                    row[c] = changes[cell]
        missing = set(changes) - seen
        assert not missing, missing
        return form.edit(rows)

    return edit


def substituted(pattern: str, new: str | Callable[[re.Match[str]], str]) -> Edit:
    """Every cell's text with `pattern` (a regular expression) replaced."""

    def edit(form: Form) -> Form:
        rows = [[re.sub(pattern, new, cell) for cell in row] for row in form.rows]
        assert rows != form.lists(), pattern
        return form.edit(rows)

    return edit


def unmerged(form: Form) -> Form:
    """No merged cells (a text export, or a form typed without merging)."""
    return replace(form, merges=())


def blank_rows_after(*texts: str) -> Edit:
    """An empty row after each row whose first filled cell is one of `texts`."""

    def edit(form: Form) -> Form:
        rows: list[list[str]] = []
        for row in form.lists():
            rows.append(row)
            if next((c for c in row if c), "") in texts:
                rows.append([""] * len(row))
        return unmerged(form).edit(rows)

    return edit


def blank_columns(form: Form) -> Form:
    """An empty column in front of the form and one after it."""
    return unmerged(form).edit([["", *row, ""] for row in form.rows])


def repeated_levels(form: Form) -> Form:
    """The indicator table's 一级 and 二级 written on every row instead of merged."""
    rows = form.lists()
    header = next(r for r, row in enumerate(rows) if row[2].startswith("三级"))
    for r in range(header + 1, len(rows)):
        if not rows[r][2] or rows[r][0].startswith("注"):
            break
        for c in (0, 1):
            if not rows[r][c]:
                rows[r][c] = rows[r - 1][c]
    return unmerged(form).edit(rows)


def rows_moved(top: int, count: int, to: list[list[str]]) -> Edit:
    """Rows top…top+count-1 (1-based) replaced by `to`."""

    def edit(form: Form) -> Form:
        rows = form.lists()
        rows[top - 1 : top - 1 + count] = to
        return unmerged(form).edit(rows)

    return edit


def columns_swapped(first: int, second: int, below: str, count: int = 0) -> Edit:
    """Columns `first` and `second` (0-based) exchanged in every row from the row holding
    `below` on (in `count` rows, when given)."""

    def edit(form: Form) -> Form:
        rows = form.lists()
        start = form.find(below)[0]
        for row in rows[start : start + count if count else None]:
            row[first], row[second] = row[second], row[first]
        return unmerged(form).edit(rows)

    return edit


def columns_reordered(order: list[int], below: str) -> Edit:
    """The columns in `order` (0-based) from the row holding `below` on."""

    def edit(form: Form) -> Form:
        rows = form.lists()
        start = form.find(below)[0]
        for r in range(start, len(rows)):
            rows[r] = [rows[r][c] for c in order] + rows[r][len(order) :]
        return unmerged(form).edit(rows)

    return edit


def row_dropped(text: str) -> Edit:
    """The row holding `text` left out (an optional block the form does not have)."""

    def edit(form: Form) -> Form:
        rows = form.lists()
        del rows[form.find(text)[0]]
        return unmerged(form).edit(rows)

    return edit


def column_dropped(col: int, below: str) -> Edit:
    """Column `col` (0-based) left out from the row holding `below` on (a form without it)."""

    def edit(form: Form) -> Form:
        rows = form.lists()
        start = form.find(below)[0]
        for row in rows[start:]:
            del row[col]
        return unmerged(form).edit(rows)

    return edit


def yaml_without(*patterns: str) -> Callable[[str], str]:
    """The fixture's YAML without the lines matching `patterns` (regular expressions)."""

    def edit(text: str) -> str:
        return "".join(
            line
            for line in text.splitlines(keepends=True)
            if not any(re.match(p, line) for p in patterns)
        )

    return edit


def chain(*edits: Edit) -> Edit:
    def edit(form: Form) -> Form:
        for step in edits:
            form = step(form)
        return form

    return edit


# -- writers ---------------------------------------------------------------------------------------


def write_docx(path: Path, rows: list[list[str]]) -> Path:
    """A DOCX as a hand-made Word form: the rows above the table (title, year) as paragraphs,
    the rest one table, a cell's lines as paragraphs."""
    first = next((r for r, row in enumerate(rows) if sum(1 for c in row if c) > 1), len(rows))

    def paragraphs(text: str) -> str:
        return "".join(
            f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
            for line in text.split("\n")
        )

    title = "".join(paragraphs(cell) for row in rows[:first] for cell in row if cell)
    table = "".join(
        "<w:tr>" + "".join(f"<w:tc>{paragraphs(cell)}</w:tc>" for cell in row) + "</w:tr>"
        for row in rows[first:]
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_WORD}"><w:body>{title}<w:tbl>{table}</w:tbl>'
        "</w:body></w:document>"
    )
    return write_zip(path, docx_parts(document))


def write_form(form: Form, folder: Path, name: str, suffix: str, numbers: bool = True) -> Path:
    """`form` written as `folder/name.suffix` (xlsx: with its merges)."""
    path = folder / f"{name}.{suffix}"
    rows = form.lists()
    if suffix == "xlsx":
        return write_xlsx(path, rows, form.merges, numbers=numbers)
    if suffix == "docx":
        return write_docx(path, rows)
    return write_tsv(path, rows)


# -- the variants ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One hand-typed form: its kind, a name, how it differs from the kind's fixture (`edit`),
    the file it is written as, and the import's outcome: the fixture's declaration with the
    YAML changes `yaml` (old text → new text of the fixture's YAML), and exactly `warnings`."""

    kind: str
    name: str
    edit: Edit
    suffix: str = "xlsx"
    warnings: tuple[str, ...] = ()
    yaml: dict[str, str] | Callable[[str], str] = field(default_factory=dict)
    numbers: bool = True  # xlsx: cells that are numbers saved as numbers

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.name}"

    def write(self, folder: Path) -> Path:
        """Write the variant's input file into `folder`; returns its path."""
        form = self.edit(fixture_form(self.kind))
        return write_form(form, folder, self.name, self.suffix, self.numbers)

    def expected_yaml(self) -> str:
        """The YAML the import must be equal to (as the form prints it)."""
        text = (FORMS / FIXTURES[self.kind]).read_text(encoding="utf-8")
        if callable(self.yaml):
            return self.yaml(text)
        for old, new in self.yaml.items():
            assert old in text, old
            text = text.replace(old, new)
        return text


def merged_to_the_right(form: Form) -> Form:
    """Merged as someone merges by hand: each row's last filled cell over the empty cells right
    of it, nothing merged down (the fixture merges 一级 down and values across)."""
    merges = []
    for r, row in enumerate(form.rows, start=1):
        last = max((c for c, cell in enumerate(row) if cell), default=-1)
        if 0 <= last < len(row) - 1:
            merges.append(f"{_letter(last + 1)}{r}:{_letter(len(row))}{r}")
    return replace(form, merges=tuple(merges))


def _letter(number: int) -> str:
    return chr(64 + number)


_AMOUNT = r"^(\d{1,3}(?:,\d{3})*)(\.\d+)$"  # as Excel shows an amount: 6,200,000.00


def amounts_as_text(suffix: str) -> Edit:
    """Amounts typed as text with thousands separators and a unit (6,200,000.00元)."""
    return substituted(_AMOUNT, lambda m: f"{m[0]}{suffix}")


def amounts_as_numbers(form: Form) -> Form:
    """Amounts typed as numbers (an XLSX number cell, General format: 6200000)."""
    return substituted(_AMOUNT, lambda m: m[0].replace(",", ""))(form)


def amounts_times(factor: Decimal, places: int) -> Edit:
    """Amounts in another unit: each multiplied by `factor`, shown with `places` decimals."""
    return substituted(_AMOUNT, lambda m: f"{Decimal(m[0].replace(',', '')) * factor:,.{places}f}")


def yaml_amounts_times(factor: Decimal, places: int, unit: str) -> Callable[[str], str]:
    """The fixture's YAML with its amounts multiplied by `factor` and its 金额单位 `unit`."""
    amount = re.compile(
        r"^(\s*(?:总额|财政拨款|其他资金|资金总额|基本支出|项目支出|金额|年度资金总额|"
        r"合计|部门整体预算总额|年末资产总额): )([\d,.]+)$",
        re.M,
    )

    def edit(text: str) -> str:
        text = amount.sub(
            lambda m: f"{m[1]}{Decimal(m[2].replace(',', '')) * factor:,.{places}f}", text
        )
        if "\n金额单位: " not in text:  # the kind's default unit, not written
            return re.sub(r"^(项目资金:)$", f"金额单位: {unit}\n\\1", text, count=1, flags=re.M)
        return re.sub(r"^金额单位: .*$", f"金额单位: {unit}", text, flags=re.M)

    return edit


def operators(changes: dict[str, str]) -> Edit:
    """Targets typed with other operators (≥, 大于等于): `changes` maps the fixture's to them."""
    pattern = "^(" + "|".join(re.escape(old) for old in changes) + ")"
    return substituted(pattern, lambda m: changes[m[1]])


def w603(line: int, name: str, written: str, read: str) -> str:
    return f"{{path}}:{line}:1: W603 “{name}”的目标值“{written}”读作“{read}”"


def w611(line: int, col: int, text: str, kind: str) -> str:
    return (
        f"{{path}}:{line}:{col}: W611 “{text}”未导入：不属于表样“{kind}”的任何栏目"
        "（提示：若是申报的内容，请在导入的 YAML 中手工补上）"
    )


def common(kind: str, table: str, labels: dict[str, str]) -> list[Variant]:
    """What every kind is typed with: blank rows and columns, levels on every row, another
    way of merging, half-width brackets, labels spaced out with full-width spaces; `table` is
    the label above its indicator table, `labels` a label of the kind → how it is spaced."""
    return [
        Variant(
            kind,
            "空行空列",
            chain(blank_columns, blank_rows_after("（2024年度）", table)),
        ),
        Variant(kind, "逐行重复一级二级", repeated_levels, "txt"),
        Variant(kind, "另一种合并", merged_to_the_right),
        Variant(kind, "半角括号", chain(substituted("（", "("), substituted("）", ")")), "docx"),
        Variant(kind, "全角空格", replaced(labels), "txt"),
    ]


VARIANTS: list[Variant] = [
    *common("上海整体", "分解目标", {"部门名称": "部　门　名　称", "内设机构数": " 内设机构数 "}),
    Variant(
        "上海整体",
        "金额为文字带元",
        amounts_as_text("元"),
        numbers=False,
    ),
    Variant(
        "上海整体",
        "万元",
        chain(amounts_times(Decimal("0.0001"), 6), substituted("（元）", "（万元）")),
        yaml=yaml_amounts_times(Decimal("0.0001"), 6, "万元"),
    ),
    Variant(
        "上海整体",
        "年末竖排",
        rows_moved(
            17,
            2,
            [["年末资产总额（元）", "3456789.12"], ["年末在职人数", "38"], ["内设机构数", "5"]],
        ),
    ),
    Variant(
        "上海整体",
        "运算符≥≤",
        operators({">=": "≥", "<=": "≤"}),
        "txt",
        (
            w603(25, "档案数字化页数", "≥500,000页", ">=500,000页"),
            w603(27, "查档服务办结时限", "≤3个工作日", "<=3个工作日"),
            w603(28, "档案利用人次", "≥8,000人次", ">=8,000人次"),
            w603(29, "查档群众满意度", "≥95%", ">=95%"),
        ),
    ),
    Variant("上海整体", "数字单元格", amounts_as_numbers),
    Variant(
        "上海整体",
        "标签别称",
        replaced(
            {
                "部门名称": "部门（单位）名称",
                "部门职责": "部门职能概述",
                "年度履职目标": "年度总体目标",
                "一级目标": "一级指标",
                "二级目标": "二级指标",
                "三级目标": "三级指标",
                "指标目标值": "指标值",
            }
        ),
    ),
    Variant("上海整体", "表头列序", columns_swapped(2, 3, "三级目标")),
    # -- 全国整体 (national-1): amounts in 万元, every optional block
    *common(
        "全国整体",
        "年度绩效指标",
        {"部门（单位）名称": "部门（单位）名　称", "主管部门": "主 管 部 门"},
    ),
    Variant("全国整体", "金额为文字带万元", amounts_as_text("万元"), numbers=False),
    Variant(
        "全国整体",
        "元",
        chain(amounts_times(Decimal(10000), 2), substituted("（万元）", "（元）")),
        yaml=yaml_amounts_times(Decimal(10000), 2, "元"),
    ),
    Variant("全国整体", "日期点号", replaced({"2024年1月15日": "2024.1.15"})),
    Variant(
        "全国整体",
        "缺填报人",
        row_dropped("填报人"),
        "docx",
        yaml=yaml_without("填报人:", "联系电话:", "填报日期:"),
    ),
    Variant(
        "全国整体",
        "大于等于",
        operators({">=": "大于等于", "<=": "小于等于"}),
        "txt",
        (
            w603(24, "教师培训人次", "大于等于1,200人次", ">=1,200人次"),
            w603(25, "义务教育巩固率", "大于等于99%", ">=99%"),
            w603(27, "生均公用经费", "小于等于1,500元", "<=1,500元"),
            w603(29, "适龄儿童入学率", "大于等于99.5%", ">=99.5%"),
            w603(31, "家长满意度", "大于等于90%", ">=90%"),
        ),
    ),
    Variant(
        "全国整体",
        "二级不带指标",
        replaced({"数量指标": "数量", "质量指标": "质量"}),
        yaml={"    数量指标:": "    数量:", "    质量指标:": "    质量:"},
    ),
    Variant(
        "全国整体",
        "标签别称",
        replaced({"部门（单位）名称": "单位名称", "年度绩效指标": "年度绩效目标"}),
    ),
    # -- 全国整体横版 (landscape-1): seven indicator columns
    *common(
        "全国整体横版",
        "年度绩效指标",
        {"部门（单位）名称": "部门（单位）名称　", "指标解释": "指 标 解 释"},
    ),
    Variant(
        "全国整体横版",
        "指标列序",
        columns_reordered([0, 1, 2, 9, 8, 7, 6, 5, 4, 3], "三级指标"),
        "docx",
    ),
    Variant("全国整体横版", "数字单元格", amounts_as_numbers),
    Variant(
        "全国整体横版",
        "缺指标值依据列",
        column_dropped(7, "三级指标"),
        yaml=yaml_without(r"\s+指标值依据:"),
    ),
    Variant("全国整体横版", "指标值类型留空", substituted("^定[量性]$", "")),
    Variant(
        "全国整体横版",
        "运算符≥",
        operators({">=": "≥"}),
        "txt",
        (
            w603(13, "新建高标准农田面积", "≥2", ">=2"),
            w603(14, "农民培训人次", "≥3,000", ">=3,000"),
            w603(17, "受益农户满意度", "≥90%", ">=90%"),
        ),
    ),
    # -- 上海项目 (档案数字化): check boxes, dates, amounts in 元
    *common("上海项目", "绩效指标", {"项目名称": "项 目 名 称", "开始时间": "开始时间　"}),
    Variant("上海项目", "勾选√", substituted("☑", "√")),
    Variant("上海项目", "勾选■", substituted("☑", "■"), "docx"),
    Variant(
        "上海项目",
        "日期点号",
        replaced({"2024年3月1日": "2024.3.1", "2024年11月30日": "2024.11.30"}),
    ),
    Variant(
        "上海项目",
        "日期斜杠",
        replaced({"2024年3月1日": "2024/3/1", "2024年11月30日": "2024/11/30"}),
        "txt",
    ),
    Variant(
        "上海项目",
        "万元",
        chain(amounts_times(Decimal("0.0001"), 6), substituted("（元）", "（万元）")),
        yaml=yaml_amounts_times(Decimal("0.0001"), 6, "万元"),
    ),
    Variant(
        "上海项目",
        "标签别称",
        replaced(
            {"申报单位名称": "申报单位", "保证项目实施的制度、措施": "保证项目实施的制度和措施"}
        ),
    ),
    Variant("上海项目", "金额为文字带元", amounts_as_text("元"), numbers=False),
    # -- 全国项目 (校舍维修改造): 中期 and 年度 columns, amounts in 万元
    *common("全国项目", "绩效指标", {"实施单位": "实 施 单 位", "项目期": "项目期　"}),
    Variant("全国项目", "勾选√", substituted("☑", "√"), "txt"),
    Variant("全国项目", "日期点号", replaced({"2024年1月15日": "2024.1.15"})),
    Variant(
        "全国项目",
        "元",
        chain(amounts_times(Decimal(10000), 2), substituted("（万元）", "（元）")),
        yaml=yaml_amounts_times(Decimal(10000), 2, "元"),
    ),
    Variant("全国项目", "中期年度列序", columns_swapped(4, 5, "三级指标", count=8), "docx"),
    Variant(
        "全国项目",
        "运算符≥≤",
        operators({">=": "≥", "<=": "≤"}),
        "txt",
        (  # a row's 中期 and 年度 targets each
            w603(16, "维修改造面积", "≥12,000平方米", ">=12,000平方米"),
            w603(16, "维修改造面积", "≥33,000平方米", ">=33,000平方米"),
            w603(19, "每平方米维修成本", "≤650元", "<=650元"),
            w603(21, "学生满意度", "≥90%", ">=90%"),
        ),
    ),
    Variant("全国项目", "金额为文字带万元", amounts_as_text("万元"), numbers=False),
]
