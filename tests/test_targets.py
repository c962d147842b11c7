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
    text = text.replace('        指标值: ">=90%"\n', "        指标值: 不低于90%\n        指标值类型: 定性\n")
    source.write_text(text, encoding="utf-8")
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{source.as_posix()}:23:14: W402 “满意度”的指标值类型为定性，但指标值“不低于90%”是数值；"
        "按定性印出（提示：若是数值目标，把指标值类型改为定量）"
    ]  # and no W406: the target is not read as ">=90%"
    rows = markdown_tables((tmp_path / "out" / "2023" / "case.md").read_text(encoding="utf-8"))
    assert ["满意度", "不低于90%", "定性"] in [row[:3] for table in rows for row in table]
    assert main(["fmt", str(source)]) == 0
    assert "        指标值: \"不低于90%\"\n        指标值类型: 定性\n" in source.read_text(encoding="utf-8")
