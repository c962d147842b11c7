"""Review warnings in detail: exact messages, and what each rule leaves alone."""

from __future__ import annotations

import json
import re

from conftest import MINIMAL

from generator.cli import main
from generator.declaration.sources import read_checked
from generator.errors import Diagnostic, Location, count_by_code, without_repeated_hints
from generator.review.lint import lint

HINT_YEAR = "若是沿用往年的文字，改为本年度的内容；确指那一年的可不改"
HINT_RATE = '比率最高 100%：核对数字，例如 ">=90%"'


def warnings_for(
    write_declaration, *edits: tuple[str, str], missing_level1: bool = False
) -> list[str]:
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    year = re.search(r"^年度: (\d+)", text, re.M)
    checked = read_checked(write_declaration(text, year=year.group(1) if year else "2023"))
    assert checked.declaration is not None and not checked.diagnostics, checked.diagnostics
    name = checked.path.as_posix()
    # The minimal declaration has no 效益指标 (L010): left out here, tested on its own below.
    found = [w for w in lint(checked.declaration) if w.code != "L010" or missing_level1]
    return [str(w).replace(name, "x.yaml") for w in found]


def test_years_near_the_declared_one_are_flagged_wherever_text_is_written(write_declaration):
    assert warnings_for(
        write_declaration,
        ("年度履职目标: 测试目标", "年度履职目标: 2022年，完成上年未完成的工作"),
        ("任务名称: 任务一", "任务名称: 网站运维(2024运维)"),
        ("主要内容: 内容一", "主要内容: 延续2021年的工作，共计二十项具体内容需要逐项落实"),
        ('会议次数: "=4次"', '2022年会议次数: "=4次"'),
        ('满意度: ">=90%"', "满意度: 于2022年底前完成"),
    ) == [
        f"x.yaml:6:9: L008 年度履职目标中的 2022 不是本年度 2023：“2022年，完成上年未完成的工作”（提示：{HINT_YEAR}）",
        f"x.yaml:8:11: L008 任务名称中的 2024 不是本年度 2023：“网站运维(2024运维)”（提示：{HINT_YEAR}）",
        f"x.yaml:9:11: L008 “网站运维(2024运维)”的主要内容中的 2021 不是本年度 2023：“延续2021年的工作，共计二十项具体…”（提示：{HINT_YEAR}）",
        f"x.yaml:24:7: L008 三级目标名称中的 2022 不是本年度 2023：“2022年会议次数”（提示：{HINT_YEAR}）",
        f"x.yaml:27:12: L008 “满意度”的指标目标值中的 2022 不是本年度 2023：“于2022年底前完成”（提示：{HINT_YEAR}）",
    ]


def test_history_document_numbers_and_quantities_are_not_years_to_review(write_declaration):
    assert (
        warnings_for(
            write_declaration,
            (
                "部门职责: 测试职责",
                "部门职责: 1993年3月成立；2020年改制；依据沪财绩〔2022〕13号、【2022】5号和[2024]1号",
            ),
            ("年度履职目标: 测试目标", "年度履职目标: 2023年完成上年结转的工作；20221份档案"),
            ('会议次数: "=4次"', '会议次数: "=2022次"'),
        )
        == []
    )


def test_rates_above_100_percent_are_flagged(write_declaration):
    assert warnings_for(
        write_declaration,
        (
            '会议次数: "=4次"',
            '会议及时率: "=120%"\n      会议完成度: "<=101%"\n      收入增长率: ">=150%"',
        ),
        ('满意度: ">=90%"', '委员评价: ">=190%"'),
    ) == [
        f"x.yaml:24:7: L009 “会议及时率”的目标值“=120%”超过 100%：名称以“率”结尾，是一个比率（提示：{HINT_RATE}）",
        f"x.yaml:25:7: L009 “会议完成度”的目标值“<=101%”超过 100%：名称以“度”结尾，是一个比率（提示：{HINT_RATE}）",
        f"x.yaml:29:7: L009 “委员评价”的目标值“>=190%”超过 100%：属于满意度指标，是一个比率（提示：{HINT_RATE}）",
    ]


def test_years_in_full_width_digits_and_chinese_numerals_are_years(write_declaration):
    assert warnings_for(
        write_declaration,
        ("年度: 2023", "年度: 2024"),
        ("年度履职目标: 测试目标", "年度履职目标: ２０２３年，完成上年未完成的工作"),
        ("部门职责: 测试职责", "部门职责: 二〇二三年起实施；二○二二年制定"),
        ("主要内容: 内容一", "主要内容: 一二三四五六七八个环节，二〇二四年完成"),
    ) == [
        f"x.yaml:5:7: L008 部门职责中的 2023 不是本年度 2024：“二〇二三年起实施；二○二二年制定”（提示：{HINT_YEAR}）",
        f"x.yaml:5:7: L008 部门职责中的 2022 不是本年度 2024：“二〇二三年起实施；二○二二年制定”（提示：{HINT_YEAR}）",
        f"x.yaml:6:9: L008 年度履职目标中的 2023 不是本年度 2024：“２０２３年，完成上年未完成的工作”（提示：{HINT_YEAR}）",
    ]


def test_rates_over_100_percent_whatever_their_operator_or_unit(write_declaration):
    assert warnings_for(
        write_declaration,
        (
            '会议次数: "=4次"',
            '会议及时率: ">100%"\n      办结率: "=1001‰"\n      答复率: ">1000‰"\n'
            '      出席率: "=1000‰"\n      参与率: ">=100%"\n      覆盖率: "=１２０％"',
        ),
    ) == [
        f"x.yaml:24:7: L009 “会议及时率”的目标值“>100%”超过 100%：名称以“率”结尾，是一个比率（提示：{HINT_RATE}）",
        f"x.yaml:25:7: L009 “办结率”的目标值“=1001‰”超过 100%：名称以“率”结尾，是一个比率（提示：{HINT_RATE}）",
        f"x.yaml:26:7: L009 “答复率”的目标值“>1000‰”超过 100%：名称以“率”结尾，是一个比率（提示：{HINT_RATE}）",
        f"x.yaml:29:7: L009 “覆盖率”的目标值“=120％”超过 100%：名称以“率”结尾，是一个比率（提示：{HINT_RATE}）",
    ]


HINT_LEVEL1 = "补上它和它的二级目标、三级目标；确实没有这类目标的，向审核人说明"


def test_a_level1_of_the_framework_left_out_entirely_is_flagged(write_declaration):
    assert warnings_for(
        write_declaration,
        ('  满意度指标:\n    服务对象满意度指标:\n      满意度: ">=90%"\n', ""),
        missing_level1=True,
    ) == [
        "x.yaml:21:1: L010 分解目标中没有一级目标“效益指标”（沪财绩〔2022〕13号的一级目标）"
        f"（提示：{HINT_LEVEL1}）",
        "x.yaml:21:1: L010 分解目标中没有一级目标“满意度指标”（沪财绩〔2022〕13号的一级目标）"
        f"（提示：{HINT_LEVEL1}）",
    ]


def test_every_expected_level1_written_with_or_without_its_suffix_is_enough(write_declaration):
    benefit = "  效益:\n    社会效益指标:\n      影响力: 扩大\n"
    assert (
        warnings_for(
            write_declaration,
            ("  满意度指标:\n", benefit + "  满意度指标:\n"),
            ('会议次数: "=4次"', '会议次数: "=4次"'),
            missing_level1=True,
        )
        == []
    )


def test_the_expected_level1_depend_on_the_framework(write_declaration):
    # 财预〔2021〕101号 has 成本指标 as a 一级 of its own, and lint.yaml expects it there
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "年度: 2023\n", "指标体系: 财预〔2021〕101号\n年度: 2023\n"
    )
    text = text.replace(
        "  满意度指标:\n", "  效益指标:\n    社会效益指标:\n      影响力: 扩大\n  满意度指标:\n"
    )
    checked = read_checked(write_declaration(text))
    assert checked.declaration is not None and not checked.diagnostics, checked.diagnostics
    name = checked.path.as_posix()
    assert [str(w).replace(name, "x.yaml") for w in lint(checked.declaration)] == [
        "x.yaml:22:1: L010 分解目标中没有一级目标“成本指标”（财预〔2021〕101号的一级目标）"
        f"（提示：{HINT_LEVEL1}）",
    ]


def test_a_number_whose_unit_is_in_its_unit_column_has_a_unit():
    from conftest import DATA

    decl = read_checked(DATA / "forms" / "2024" / "landscape-1.yaml").declaration
    assert decl is not None
    assert [d.message for d in lint(decl) if d.code == "L002"] == []


def test_the_cli_says_a_hint_once_per_code_and_counts_the_warnings_per_code(
    write_declaration, capsys
):
    text = MINIMAL.read_text(encoding="utf-8").replace(
        '会议次数: "=4次"',
        '会议次数: "=4"\n      会议及时率: "=120%"\n      办结率: "=150%"\n      发文数: "=6"',
    )
    source = write_declaration(text)
    assert main(["lint", str(source)]) == 0
    captured = capsys.readouterr()
    assert captured.out.replace(source.as_posix(), "x.yaml").splitlines() == [
        f"x.yaml:21:1: L010 分解目标中没有一级目标“效益指标”（沪财绩〔2022〕13号的一级目标）（提示：{HINT_LEVEL1}）",
        'x.yaml:24:7: L002 “会议次数”的目标值“=4”没有单位（提示：写明单位，例如 "=4次"、"=4起" 或 "=4%"）',
        f"x.yaml:25:7: L009 “会议及时率”的目标值“=120%”超过 100%：名称以“率”结尾，是一个比率（提示：{HINT_RATE}）",
        "x.yaml:26:7: L009 “办结率”的目标值“=150%”超过 100%：名称以“率”结尾，是一个比率",
        'x.yaml:27:7: L002 “发文数”的目标值“=6”没有单位（提示：写明单位，例如 "=6次"、"=6起" 或 "=6%"）',
    ]
    # L002's hint names the value: each is a hint of its own, and is said
    assert captured.err == "1 份申报，5 条审核提示：L002 ×2，L009 ×2，L010 ×1\n"


def test_json_keeps_every_warning_s_hint(write_declaration, capsys):
    text = MINIMAL.read_text(encoding="utf-8").replace(
        '会议次数: "=4次"', '会议及时率: "=120%"\n      办结率: "=150%"'
    )
    assert main(["lint", "--format", "json", str(write_declaration(text))]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [(w["code"], w["hint"]) for w in found] == [
        ("L010", HINT_LEVEL1),
        ("L009", HINT_RATE),
        ("L009", HINT_RATE),
    ]


def test_a_hint_is_left_out_only_where_the_same_code_had_the_same_one():
    def at(line: int, code: str, hint: str) -> Diagnostic:
        return Diagnostic(Location("x.yaml", line, 1), code, "消息", hint)

    found = [at(1, "L001", "甲"), at(2, "L002", "甲"), at(3, "L001", "乙"), at(4, "L001", "甲")]
    assert without_repeated_hints(found) == [
        at(1, "L001", "甲"),
        at(2, "L002", "甲"),
        at(3, "L001", "乙"),
        at(4, "L001", ""),
    ]
    assert count_by_code(found) == "L001 ×3，L002 ×1"
    assert count_by_code([]) == ""


def test_lint_with_nothing_to_say_says_no_counts(write_declaration, capsys):
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "  满意度指标:\n",
        '  效益指标:\n    社会效益指标:\n      提案采纳数: ">=20件"\n  满意度指标:\n',
    )
    assert main(["lint", str(write_declaration(text))]) == 0
    assert capsys.readouterr() == ("", "1 份申报，0 条审核提示\n")
