"""Reading 指标值: the operator and the digits are normalised, the unit is printed exactly as
written (㎡ stays ㎡, ℃ stays ℃), and digits of other forms (①, ², ₁₀, 𝟏) are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import MINIMAL, markdown_tables
from projection import docx_tables, xlsx_cells

from generator.build.build import build
from generator.cli import main
from generator.declaration.read import parse_amount
from generator.declaration.targets import Parsed, TargetError, parse_target


@pytest.mark.parametrize(
    ("written", "printed", "unit"),
    [
        ("=500㎡", "=500㎡", "㎡"),
        ("=500m²", "=500m²", "m²"),
        ("≥1000m³", ">=1000m³", "m³"),
        ("<=26℃", "<=26℃", "℃"),
        ("≤10㎏", "<=10㎏", "㎏"),
        ("=５０ＡＢ", "=50ＡＢ", "ＡＢ"),
        ("＞＝９０％", ">=90％", "％"),
        ("> =11次", ">=11次", "次"),
        ("=２，０００册", "=2,000册", "册"),
    ],
)
def test_a_target_keeps_its_unit_as_written(written, printed, unit):
    parsed = parse_target(written)
    assert isinstance(parsed, Parsed)
    assert (parsed.target.text, parsed.target.unit, parsed.assumed) == (printed, unit, "")


@pytest.mark.parametrize(
    ("written", "printed", "assumed"),
    [
        ("100㎡", "=100㎡", "W401"),
        ("不低于20ｋｍ", ">=20ｋｍ", "W406"),
        ("20㎡以上", ">=20㎡", "W406"),
        ("“≥5㎞”", ">=5㎞", "W405"),
    ],
)
def test_an_inferred_operator_keeps_the_unit_as_written(written, printed, assumed):
    parsed = parse_target(written)
    assert isinstance(parsed, Parsed)
    assert (parsed.target.text, parsed.assumed) == (printed, assumed)


@pytest.mark.parametrize(
    ("written", "digit"),
    [
        ("=①次", "①"),
        ("=₁₀次", "₁"),
        ("=𝟏次", "𝟏"),
        ("=²⁶", "²"),
        ("=1₀次", "₀"),
        (">=⑳%", "⑳"),
        ("①次", "①"),
        ("不低于①次", "①"),
        ("٣٠次", "٣"),
    ],
)
def test_digits_of_other_forms_are_refused_in_a_target(written, digit):
    assert parse_target(written) == TargetError(
        f"“{written}”中的“{digit}”不是 0–9 的数字", "数字只能用 0–9（全角 ０–９ 也可）"
    )


def test_a_text_that_only_starts_with_a_circled_number_is_qualitative():
    parsed = parse_target("①按时完成全年调研并形成报告")
    assert isinstance(parsed, Parsed) and parsed.target.qualitative


def test_a_unit_with_a_superscript_is_a_unit_not_a_digit():
    parsed = parse_target("=5m²")
    assert isinstance(parsed, Parsed)
    assert (parsed.target.number, parsed.target.unit) == (Decimal(5), "m²")


def test_units_print_as_written_in_every_output(write_declaration, tmp_path):
    targets = {
        "面积": ("=500㎡", "=500㎡"),
        "体积": ("≥1000m³", ">=1000m³"),
        "温度": ("<=26℃", "<=26℃"),
        "重量": ("≤10㎏", "<=10㎏"),
        "编号": ("=５ＡＢ", "=5ＡＢ"),
    }
    lines = "".join(f'      {name}: "{written}"\n' for name, (written, _) in targets.items())
    text = MINIMAL.read_text(encoding="utf-8").replace('      会议次数: "=4次"\n', lines)
    source = write_declaration(text)
    report = build([source], tmp_path / "out")
    assert report.ok, report.diagnostics
    out = tmp_path / "out" / "2023"
    markdown = markdown_tables((out / "case.md").read_text(encoding="utf-8"))
    docx_texts = {cell.text for table in docx_tables(out / "case.docx") for cell in table}
    xlsx_texts = {cell.text for cell in xlsx_cells(out / "case.xlsx")[1]}
    markdown_texts = {cell for table in markdown for row in table for cell in row}
    for _, printed in targets.values():
        assert printed in docx_texts
        assert printed in xlsx_texts
        assert printed in markdown_texts


def test_an_imported_amount_in_digits_of_another_form_is_not_read():
    assert parse_amount("¹,295,700.00") is None
    assert parse_amount("１,295,700.00") == Decimal("1295700.00")


def test_a_qualitative_declared_target_is_printed_and_kept_as_written(tmp_path, capsys):
    source = tmp_path / "src" / "2023" / "case.yaml"
    source.parent.mkdir(parents=True)
    text = (MINIMAL.parent / "minimal-national.yaml").read_text(encoding="utf-8")
    text = text.replace(
        '        指标值: ">=90%"\n', "        指标值: 不低于90%\n        指标值类型: 定性\n"
    )
    source.write_text(text, encoding="utf-8")
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{source.as_posix()}:23:14: W402 “满意度”的指标值类型为定性，但指标值“不低于90%”是数值；"
        "按定性印出（提示：若是数值目标，把指标值类型改为定量）"
    ]  # and no W406: the target is not read as ">=90%"
    rows = markdown_tables((tmp_path / "out" / "2023" / "case.md").read_text(encoding="utf-8"))
    assert ["满意度", "不低于90%", "定性"] in [row[:3] for table in rows for row in table]
    assert main(["fmt", str(source)]) == 0
    assert '        指标值: "不低于90%"\n        指标值类型: 定性\n' in source.read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("written", "printed", "how"),
    [
        # a word that repeats the operator written before it: read, and fmt drops the word
        ("≥8,000人次以上", ">=8,000人次", "同时写了“≥”和“以上”"),
        ("≤15个工作日以内", "<=15个工作日", "同时写了“≤”和“以内”"),
        ("不低于≥90%", ">=90%", "同时写了“不低于”和“≥”"),
        (">= 90%及以上", ">=90%", "同时写了“>=”和“及以上”"),
        ("90%以上以上", ">=90%", "同时写了“以上”和“以上”"),
        # "=" with a word: the word says which comparison (forms with a fixed "=" column)
        ("=90%以上", ">=90%", "同时写了“=”和“以上”"),
        ("=不低于90%", ">=90%", "同时写了“=”和“不低于”"),
        # （含） marks the bound as included, which 以上 already does
        ("95%（含）以上", ">=95%", ""),
        ("95%(含)以下", "<=95%", ""),
        ("≥95%（含）以上", ">=95%", "同时写了“≥”和“（含）以上”"),
    ],
)
def test_an_operator_written_twice_is_read_once_with_a_warning(written, printed, how):
    parsed = parse_target(written)
    assert isinstance(parsed, Parsed)
    assert (parsed.target.text, parsed.assumed, parsed.how) == (printed, "W406", how)


@pytest.mark.parametrize(
    ("written", "message", "hint"),
    [
        (
            "不低于90%以下",
            "“不低于90%以下”中的“不低于”和“以下”是不同的运算符",
            '只写一个，例如 ">=90%" 或 "<=90%"',
        ),
        (
            "90%以上以下",
            "“90%以上以下”中的“以上”和“以下”是不同的运算符",
            '只写一个，例如 ">=90%" 或 "<=90%"',
        ),
        (
            "高于10%以上",
            "“高于10%以上”中的“高于”和“以上”是不同的运算符",
            '只写一个，例如 ">10%" 或 ">=10%"',
        ),
        (
            "=90%以上以下",
            "“=90%以上以下”中的“以上”和“以下”是不同的运算符",
            '只写一个，例如 ">=90%" 或 "<=90%"',
        ),
    ],
)
def test_contradicting_operators_are_refused(written, message, hint):
    assert parse_target(written) == TargetError(message, hint)


TWO_CONDITIONS = '一个指标值只写一个条件；上下限都要写时，分成两项指标（如 ">=1%" 和 "<=5%"）'
NOT_A_UNIT = (
    '一个指标值只写一个数字和它的单位（如 "=5天"）；范围分成两项指标（如 ">=5天" 和 "<=10天"），'
    '日期写成不带运算符的文字（如 "2024年12月底前"）'
)


@pytest.mark.parametrize(
    ("written", "message", "hint"),
    [
        ("低于5%且高于1%", "“低于5%且高于1%”在数字后又写了运算符“高于”", TWO_CONDITIONS),
        ("≥5%且≤10%", "“≥5%且≤10%”在数字后又写了运算符“≤”", TWO_CONDITIONS),
        ("大于5小于10", "“大于5小于10”在数字后又写了运算符“小于”", TWO_CONDITIONS),
        ("5%以上10%以下", "“5%以上10%以下”在数字后又写了运算符“以上”", TWO_CONDITIONS),
        ("≤3个工作日以内办结", "“≤3个工作日以内办结”在数字后又写了运算符“以内”", TWO_CONDITIONS),
        ("=5~10天", "“=5~10天”在数字“5”后又有数字：“~10天”不是单位", NOT_A_UNIT),
        ("不少于1-2次", "“不少于1-2次”在数字“1”后又有数字：“-2次”不是单位", NOT_A_UNIT),
        ("=1,0000元", "“=1,0000元”在数字“1,000”后又有数字：“0元”不是单位", NOT_A_UNIT),
        ("=1e5", "“=1e5”不能用科学计数法", "把数字完整写出，例如 1e5 写作 100000"),
        ("1e5", "“1e5”不能用科学计数法", "把数字完整写出，例如 1e5 写作 100000"),
        ("≥1.5E3人次", "“≥1.5E3人次”不能用科学计数法", "把数字完整写出，例如 1e5 写作 100000"),
        ("１ｅ５", "“１ｅ５”不能用科学计数法", "把数字完整写出，例如 1e5 写作 100000"),
    ],
)
def test_a_unit_holds_no_second_condition_or_number(written, message, hint):
    assert parse_target(written) == TargetError(message, hint)


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("=5例/10万人", "例/10万人"),
        ("<=35μg/m3", "μg/m3"),
        ("=500m2", "m2"),
        ("≥1次/2年", "次/2年"),
    ],
)
def test_a_unit_may_carry_digits_of_its_own(written, unit):
    parsed = parse_target(written)
    assert isinstance(parsed, Parsed)
    assert (parsed.target.unit, parsed.assumed) == (unit, "")


@pytest.mark.parametrize("written", ["5~10天", "1-2次", "90%-95%", "1-2次以上", "12月31日以内"])
def test_a_bare_range_is_a_qualitative_text(written):
    parsed = parse_target(written)
    assert isinstance(parsed, Parsed)
    assert (parsed.target.text, parsed.target.qualitative, parsed.assumed) == (written, True, "")


@pytest.mark.parametrize("written", ["“”", "“ ”", "「」"])
def test_empty_chinese_quotes_are_a_blank_target(written):
    assert parse_target(written) == TargetError(
        "没有填写", '中文引号里是空的：写出目标值，例如 "=100%" 或 "及时"', "E102"
    )


def test_worded_operators_are_checked_and_fixed_by_fmt(tmp_path, capsys):
    source = tmp_path / "src" / "2023" / "case.yaml"
    source.parent.mkdir(parents=True)
    text = MINIMAL.read_text(encoding="utf-8")
    twice = text.replace('会议次数: "=4次"', "会议次数: ≥8,000人次以上")
    source.write_text(twice, encoding="utf-8")
    assert main(["check", str(source)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{source.as_posix()}:24:13: W406 “会议次数”的指标目标值“≥8,000人次以上”同时写了“≥”和“以上”，"
        '按“>=8,000人次”读取（提示：写成 ">=8,000人次"；fmt 会改写）'
    )
    assert main(["fmt", str(source)]) == 0
    assert '会议次数: ">=8,000人次"' in source.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(source)]) == 0
    assert capsys.readouterr().out == ""
    contradicting = text.replace('会议次数: "=4次"', "会议次数: 不低于90%以下")
    source.write_text(contradicting, encoding="utf-8")
    assert main(["check", str(source)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{source.as_posix()}:24:13: E401 “会议次数”的指标目标值“不低于90%以下”中的“不低于”和“以下”"
        '是不同的运算符（提示：只写一个，例如 ">=90%" 或 "<=90%"）'
    )
    assert main(["fmt", str(source)]) == 1
    assert source.read_text(encoding="utf-8") == contradicting
    capsys.readouterr()
    source.write_text(text.replace('会议次数: "=4次"', "会议次数: “”"), encoding="utf-8")
    assert main(["check", str(source)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{source.as_posix()}:24:13: E102 “会议次数”的指标目标值没有填写"
        '（提示：中文引号里是空的：写出目标值，例如 "=100%" 或 "及时"）'
    )
