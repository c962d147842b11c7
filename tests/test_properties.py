"""Property-based tests: random valid declarations build into every output and read back equal;
random mutations of the seed never crash (they give diagnostics or a valid build)."""

from __future__ import annotations

import string
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path

import yaml
from conftest import SEED_YAML, markdown_tables
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from projection import docx_tables, office_text, xlsx_cells

from generator.build.build import build
from generator.declaration.load import is_invisible
from generator.declaration.sources import read_checked
from generator.declaration.targets import Parsed, parse_target
from generator.kinds import form_kinds, frameworks
from generator.render.context import declaration_context
from generator.render.templates import Renderer

# Random Unicode (no control, surrogate, unassigned, private-use or line-separator characters,
# which YAML or XML cannot carry as they are, and no invisible ones, which are refused) mixed
# with what is special somewhere downstream; in NFC, the form every text is read in.
SPECIAL = [
    *list("&<>|=：，。“”（）【】'\"*_[]`#-+@{}%\\!? \t"),
    "_x0041_",
    "]]>",
    "{{ 7*7 }}",
    "{%",
    "\u3000",
]
characters = st.characters(
    blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Cn", "Co", "Cf"),
).filter(lambda ch: not is_invisible(ch))
line = (
    st.lists(characters | st.sampled_from(SPECIAL), min_size=1, max_size=12)
    .map("".join)
    .map(lambda text: unicodedata.normalize("NFC", text))
)
name = line.map(str.strip).filter(bool)
long_text = st.lists(name, min_size=1, max_size=3).map("\n".join)


def qualitative(text: str) -> bool:
    parsed = parse_target(text)
    return isinstance(parsed, Parsed) and parsed.target.qualitative


quantitative = st.tuples(
    st.sampled_from(["=", ">=", "<=", "≥", "> ="]),
    st.decimals(min_value=0, max_value=10**6, places=1, allow_nan=False, allow_infinity=False),
    st.sampled_from(["%", "人次", "个", "", "次/年"]),
).map(lambda t: (f"{t[0]}{t[1]}{t[2]}", f"{'>=' if t[0] in ('≥', '> =') else t[0]}{t[1]}{t[2]}"))
target = quantitative | name.filter(qualitative).map(lambda t: (t, t))
money = st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False)
KIND = form_kinds()["上海整体"]
LEVEL2 = [
    (l1.name, l2)
    for l1 in frameworks()[KIND.framework].level1
    if not l1.note_only
    for l2 in l1.level2
]


@st.composite
def declarations(draw):
    """(YAML data, expected rows): a valid declaration with 0–500 indicators."""
    fiscal, other, share = draw(money), draw(money), draw(st.decimals(0, 1, places=2))
    total = fiscal + other
    basic = (total * share).quantize(Decimal("0.01"))
    indicators = draw(
        st.lists(
            st.tuples(st.sampled_from(LEVEL2), name, target),
            max_size=500,
            unique_by=lambda i: (i[0], unicodedata.normalize("NFKC", i[1])),  # else E002
        )
    )
    goals: dict = {"投入管理指标": {"说明": draw(name), "预算编审管理": None, "资产管理": None}}
    printed = {}
    for (level1, level2), indicator, (written, as_printed) in indicators:
        goals.setdefault(level1, {}).setdefault(level2, {})[indicator] = written
        printed[level1, level2, indicator] = as_printed
    tasks = draw(
        st.lists(st.tuples(name, long_text), min_size=1, max_size=5, unique_by=lambda t: t[0])
    )
    data = {
        "表样": KIND.name,
        "年度": 2023,
        "部门名称": draw(name),
        "汇总": draw(st.booleans()),
        "下属预算单位个数": draw(st.integers(0, 500)),
        "部门职责": draw(long_text),
        "年度履职目标": draw(long_text),
        "年度重点任务": [{"任务名称": n, "主要内容": c} for n, c in tasks],
        "预算情况": {
            "部门整体预算总额": f"{total:,}",
            "资金来源": {"财政拨款": str(fiscal), "其他资金": str(other)},
            "资金结构": {"基本支出": str(basic), "项目支出": str(total - basic)},
        },
        "年末资产总额": str(draw(money)),
        "年末在职人数": draw(st.integers(0, 10**5)),
        "内设机构数": draw(st.integers(0, 100)),
        "分解目标": goals,
    }
    # The form prints 一级, 二级 and 三级 in the order written.
    expected = [
        (indicator, printed[level1, level2, indicator])
        for level1, children in goals.items()
        for level2, rows in children.items()
        if isinstance(rows, dict)
        for indicator in rows
    ]
    return data, expected


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(declarations())
def test_random_valid_declarations_build_and_read_back_equal(case):
    data, expected = case
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = root / "src/2023/random.yaml"
        source.parent.mkdir(parents=True)
        source.write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=60), encoding="utf-8"
        )
        report = build([source], root / "out")
        assert report.ok, [str(d) for d in report.diagnostics]
        out = root / "out/2023"

        md = markdown_tables((out / "random.md").read_text(encoding="utf-8"))
        assert md[1][1:] == [[t["任务名称"], t["主要内容"]] for t in data["年度重点任务"]]
        md_rows = [(row[0], row[1]) for table in md[3:-1] for row in table[1:]]
        assert md_rows == expected

        upper, goals = docx_tables(out / "random.docx")
        assert next(c.text for c in upper if (c.row, c.col) == (1, 1)) == data["部门职责"]
        docx_rows = [
            (goals[i].text, goals[i + 1].text)
            for i in range(len(goals) - 1)
            if goals[i].col == 2 and goals[i].colspan == 1 and goals[i].row >= 2
        ]
        assert docx_rows == expected

        workbook, cells = xlsx_cells(out / "random.xlsx")
        sheet = workbook.active
        assert office_text(sheet["B4"].value) == data["部门职责"]
        header = max(c.row for c in cells if (c.col, c.text) == (3, "三级目标"))
        xlsx_rows = [
            (office_text(sheet.cell(c.row, 3).value), office_text(sheet.cell(c.row, 4).value))
            for c in cells
            if c.col == 3 and c.row > header and c.colspan == 1
        ]
        assert xlsx_rows == expected


SEED_TEXT = SEED_YAML.read_text(encoding="utf-8")
edit = st.tuples(
    st.integers(0, len(SEED_TEXT)),
    st.integers(0, 4),
    st.lists(
        st.sampled_from(
            list(": -\"'\n\t#&*!|>{}[],%@`")
            + list(string.digits)
            + ["：", "\u3000", "\x01", "≥", "长"]
        ),
        max_size=4,
    ).map("".join),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edit, min_size=1, max_size=4))
def test_mutated_seed_never_crashes(edits):
    text = SEED_TEXT
    for position, delete, insert in edits:
        position = min(position, len(text))
        text = text[:position] + insert + text[position + delete :]
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "2023" / "seed.yaml"
        source.parent.mkdir()
        source.write_text(text, encoding="utf-8")
        checked = read_checked(source)
        for diagnostic in checked.diagnostics:
            assert diagnostic.location.line >= 1 and diagnostic.code[0] in "EW"
            assert "\n" not in str(diagnostic)
        if checked.ok:
            assert checked.declaration is not None
            files = Renderer().declaration_files(declaration_context(checked.declaration))
            assert set(files) == {".md", ".docx", ".xlsx", ".html"}
