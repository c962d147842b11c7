"""diff, trend and new-year: the seed against a 2024 copy with planted changes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import (
    DATA,
    MINIMAL,
    ROOT,
    SEED_YAML,
    make_seed_tree,
    markdown_paragraphs,
    markdown_tables,
)
from projection import xlsx_cells

from generator.build.build import build
from generator.cli import main
from generator.declaration.sources import read_checked
from generator.review.compare import compare

NEXT_YEAR = DATA / "2024" / SEED_YAML.name

# Every change planted in tests/data/2024/minhang-cppcc-office.yaml, once each. 年度 is not
# one: year over year the report's title names both years.
PLANTED = {
    ("changed", "budget", "部门整体预算总额", "18,417,248.00", "19,000,000.00"),
    ("changed", "budget", "资金来源：财政拨款", "18,417,248.00", "19,000,000.00"),
    ("changed", "budget", "资金结构：基本支出", "13,879,148.00", "14,461,900.00"),
    ("changed", "text", "部门职责", "215 字", "233 字"),
    (
        "renamed",
        "list",
        "闵行政协网站升级改版(2024运维)",
        "闵行政协网站升级改版(2023运维)",
        "闵行政协网站升级改版(2024运维)",
    ),
    ("changed", "indicator", "产出指标 / 数量指标 / 政协志总体编撰工作完成率", "=30%", "=60%"),
    (
        "moved",
        "indicator",
        "产出指标 / 质量指标 / 系统重大故障发生数",
        "效益指标 / 社会效益指标 / 系统重大故障发生数",
        "产出指标 / 质量指标 / 系统重大故障发生数",
    ),
    (
        "renamed",
        "indicator",
        "产出指标 / 数量指标 / 闵行政协网站升级改造软件运维(2024)完成率",
        "闵行政协网站升级改造软件运维完成率",
        "闵行政协网站升级改造软件运维(2024)完成率",
    ),
    ("removed", "indicator", "产出指标 / 质量指标 / 出版号匹配率", "=100%", ""),
    ("added", "indicator", "产出指标 / 数量指标 / 专题协商会召开数", "", "=2次"),
}


def model(path: Path):
    checked = read_checked(path)
    assert checked.ok, checked.diagnostics
    return checked.declaration


def test_every_planted_change_is_reported_exactly_once():
    diff = compare(model(SEED_YAML), model(NEXT_YEAR))
    reported = [(c.kind, c.section, c.key, c.old, c.new) for c in diff.changes]
    assert len(reported) == len(set(reported)) == len(PLANTED)
    assert set(reported) == PLANTED
    details = {c.key: c.detail for c in diff.changes}
    assert details["部门整体预算总额"] == "Δ +582,752.00（+3.16 %）"
    assert details["产出指标 / 数量指标 / 政协志总体编撰工作完成率"] == "↑ +30 个百分点"
    assert (
        details["部门职责"] == "增 18 字、删 0 字（相似度 96 %）：增「2024年继续推进专门协商机构…」"
    )
    assert details["闵行政协网站升级改版(2024运维)"] == (
        "名称相似，可能是改名；主要内容 增 1 字、删 1 字（相似度 94 %）：删「3」，增「4」"
    )
    assert diff.unchanged == {"header": 6, "budget": 3, "text": 1, "list": 7, "indicator": 69}


def test_comparing_a_declaration_with_itself_finds_nothing():
    diff = compare(model(SEED_YAML), model(SEED_YAML))
    assert diff.changes == ()
    assert diff.unchanged == {"header": 6, "budget": 6, "text": 2, "list": 8, "indicator": 73}


def test_target_details_name_operator_unit_and_kind_changes(write_declaration):
    base = MINIMAL.read_text(encoding="utf-8")
    old = model(write_declaration(base, "old"))
    edited = base.replace('"=4次"', '">=4人次"').replace('">=90%"', '"提升"')
    diff = compare(old, model(write_declaration(edited, "new")))
    assert {c.key: c.detail for c in diff.changes} == {
        "产出指标 / 数量指标 / 会议次数": "运算符 = → >=；单位 次 → 人次",
        "满意度指标 / 服务对象满意度指标 / 满意度": "定量 → 定性",
    }


def year_folders(tmp_path: Path) -> Path:
    root = make_seed_tree(tmp_path)
    (root / "2024").mkdir()
    shutil.copy(NEXT_YEAR, root / "2024")
    return root


def test_markdown_report_is_valid_and_starts_with_the_summary(tmp_path, capsys, monkeypatch):
    root = year_folders(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "declarations/2023", "declarations/2024"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(
        "# 申报变更：2023 → 2024 年度（declarations/2023 → declarations/2024）\n"
    )
    tables = markdown_tables(captured.out)
    assert tables[0] == [
        ["变化", "数量"],
        ["新增", "1"],
        ["删除", "1"],
        ["修改", "5"],
        ["移动", "1"],
        ["顺序调整", "0"],
        ["可能改名", "2"],
        ["新增申报", "0"],
        ["删除申报", "0"],
        ["文件改名", "0"],
        ["未变", "86"],
        ["未变申报", "0"],
    ]
    rows = [row for table in tables[1:] for row in table[1:]]
    assert all(len(row) == 5 for table in tables[1:] for row in table)
    assert len(rows) == len(PLANTED)
    assert [
        "移动",
        "产出指标 / 质量指标 / 系统重大故障发生数",
        "效益指标 / 社会效益指标 / 系统重大故障发生数",
        "产出指标 / 质量指标 / 系统重大故障发生数",
        "效益指标 / 社会效益指标 → 产出指标 / 质量指标",
    ] in rows
    assert captured.err.strip() == (
        "10 处变化：修改 5，新增 1，删除 1，移动 1，顺序调整 0，可能改名 2；未变 86"
    )
    assert root.is_dir()


def test_json_and_exit_code(tmp_path, capsys, monkeypatch):
    year_folders(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert (
        main(["diff", "--format", "json", "--exit-code", "declarations/2023", "declarations/2024"])
        == 1
    )
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {
        "added": 1,
        "removed": 1,
        "changed": 5,
        "moved": 1,
        "reordered": 0,
        "renamed": 2,
        "unchanged": 86,
        "declarations_added": 0,
        "declarations_removed": 0,
        "files_renamed": 0,
        "declarations_unchanged": 0,
    }
    assert {(c["kind"], c["key"]) for c in data["pairs"][0]["changes"]} == {
        (k, key) for k, _, key, _, _ in PLANTED
    }
    assert (data["old_year"], data["new_year"]) == (2023, 2024)
    assert (data["pairs"][0]["old_year"], data["pairs"][0]["new_year"]) == (2023, 2024)
    assert main(["diff", "--exit-code", "declarations/2023", "declarations/2023"]) == 0


def test_declarations_pair_by_slug_then_by_department_name(tmp_path, capsys, monkeypatch):
    root = year_folders(tmp_path)
    (root / "2024" / SEED_YAML.name).rename(root / "2024" / "renamed.yaml")
    (root / "2023" / "gone.yaml").write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    new_one = (
        MINIMAL.read_text(encoding="utf-8")
        .replace("测试局", "新设局")
        .replace("年度: 2023", "年度: 2024")
    )
    (root / "2024" / "new.yaml").write_text(new_one, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "--format", "json", "declarations/2023", "declarations/2024"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["renamed_file"] for p in data["pairs"]] == [True]
    assert data["added"] == ["新设局（declarations/2024/new.yaml）"]
    assert data["removed"] == ["测试局（declarations/2023/gone.yaml）"]


def test_invalid_side_is_reported_not_compared(tmp_path, capsys, monkeypatch):
    root = year_folders(tmp_path)
    broken = root / "2024" / SEED_YAML.name
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("其他资金: 0.00", "其他资金: 1.00"),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "declarations/2023", "declarations/2024"]) == 1
    assert " E201 " in capsys.readouterr().out


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_diff_between_git_revisions_and_the_work_tree(tmp_path, capsys, monkeypatch):
    make_seed_tree(tmp_path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "2023")
    seed = tmp_path / "declarations/2023" / SEED_YAML.name
    seed.write_text(seed.read_text(encoding="utf-8").replace('"=30%"', '"=40%"'), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "declarations")  # paths are taken relative to where one stands
    assert main(["diff", "--rev", "HEAD", "--format", "json", "2023"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(c["key"], c["old"], c["new"]) for c in data["pairs"][0]["changes"]] == [
        ("产出指标 / 数量指标 / 政协志总体编撰工作完成率", "=30%", "=40%")
    ]
    assert data["old_label"] == "HEAD" and data["new_label"] == "工作区"
    git(tmp_path, "commit", "-q", "-am", "40%")
    assert main(["diff", "--rev", "HEAD~1..HEAD", "--exit-code", "2023"]) == 1
    assert "=30% | =40% | ↑ +10 个百分点" in capsys.readouterr().out
    assert main(["diff", "--rev", "HEAD..HEAD", "--exit-code", "2023"]) == 0
    assert main(["diff", "--rev", "no-such-revision", "2023"]) == 2


def test_trend_has_a_column_per_year(tmp_path, capsys):
    root = year_folders(tmp_path)
    assert main(["trend", str(root), "--out", str(tmp_path / "trend")]) == 0
    table = markdown_tables((tmp_path / "trend/trend.md").read_text(encoding="utf-8"))[0]
    assert table[0] == ["类别", "项目", "2023", "2024", "2023→2024", "说明"]
    rows = [row[:4] for row in table]
    assert ["预算（元）", "预算情况：部门整体预算总额", "18,417,248.00", "19,000,000.00"] in rows
    assert ["产出指标 / 数量指标", "政协志总体编撰工作完成率", "=30%", "=60%"] in rows
    assert ["产出指标 / 质量指标", "出版号匹配率", "=100%", ""] in rows
    assert ["产出指标 / 数量指标", "专题协商会召开数", "", "=2次"] in rows
    workbook, cells = xlsx_cells(tmp_path / "trend/trend.xlsx")
    sheet = workbook.active
    total = next(c for c in cells if c.text == "预算情况：部门整体预算总额")
    assert [sheet.cell(total.row, col).value for col in (6, 7)] == [18417248, 19000000]
    assert sheet.cell(total.row, 6).number_format == "#,##0.00"


def test_new_year_copies_forward_keeping_comments_and_refuses_to_overwrite(tmp_path, capsys):
    root = make_seed_tree(tmp_path)
    assert main(["new-year", "2023", "2024", "--root", str(root)]) == 0
    copy = root / "2024" / SEED_YAML.name
    old_lines = SEED_YAML.read_text(encoding="utf-8").splitlines()
    new_lines = copy.read_text(encoding="utf-8").splitlines()
    assert [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b] == [
        ("年度: 2023", "年度: 2024")
    ]
    assert compare(model(SEED_YAML), model(copy)).changes == ()
    capsys.readouterr()
    copy.write_text("# 已经开始编辑\n" + copy.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["new-year", "2023", "2024", "--root", str(root)]) == 1
    assert capsys.readouterr().out.startswith(f"{copy.as_posix()}:1:1: E501 已存在，不覆盖")
    assert copy.read_text(encoding="utf-8").startswith("# 已经开始编辑")


def test_new_year_prints_the_places_that_still_name_last_year(tmp_path, capsys):
    root = make_seed_tree(tmp_path)
    assert main(["new-year", "2023", "2024", "--root", str(root)]) == 0
    copy = root / "2024" / SEED_YAML.name
    captured = capsys.readouterr()
    hint = "（提示：若是沿用往年的文字，改为本年度的内容；确指那一年的可不改）"
    name = copy.as_posix()
    comment = f"{name}:2:1: L008 注释中的 2023 不是本年度 2024：“部门（单位）整体支出绩效目标申报表 — 2023年度”{hint}"
    assert captured.out.splitlines() == [
        comment,
        f"{name}:13:9: L008 年度履职目标中的 2023 不是本年度 2024：“2023年，区政协在中共闵行区委…”{hint}",
        f"{name}:27:11: L008 任务名称中的 2023 不是本年度 2024：“闵行政协网站升级改版(2023运维)”{hint}",
        f"{name}:28:11: L008 “闵行政协网站升级改版(2023运维)”的主要内容中的 2023 不是本年度 2024：“闵行政协网站升级改版(2023运维)”{hint}",
        f"{name}:29:11: L008 任务名称中的 2023 不是本年度 2024：“政协履职积分管理系统(2023运维)”{hint}",
        f"{name}:30:11: L008 “政协履职积分管理系统(2023运维)”的主要内容中的 2023 不是本年度 2024：“政协履职积分管理系统(2023运维)”{hint}",
    ]
    assert captured.err == f"新建 {name}\n以上 6 处写的不是本年度的年份，请逐一核对\n"
    assert "(2023运维)" in copy.read_text(encoding="utf-8")  # written all the same, as it was
    assert main(["lint", str(copy)]) == 0  # lint reads the texts; comments are new-year's
    # lint says the rule's hint once, at its first warning
    texts = captured.out.splitlines()[1:]
    assert [line for line in capsys.readouterr().out.splitlines() if " L008 " in line] == [
        texts[0],
        *(line.removesuffix(hint) for line in texts[1:]),
    ]


@pytest.mark.skipif(
    not (ROOT / ".venv" / ".installed").exists(), reason="needs the project's .venv"
)
def test_make_diff_writes_the_report(tmp_path):
    root = year_folders(tmp_path)
    result = subprocess.run(
        ["make", "-C", str(ROOT), "diff", "FROM=2023", "TO=2024", f"DECLARATIONS={root}", f"OUT={tmp_path / 'out'}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = (tmp_path / "out/diff/2023-2024.md").read_text(encoding="utf-8")
    assert report.startswith("# 申报变更：")
    assert markdown_tables(report)[0][1:3] == [["新增", "1"], ["删除", "1"]]
    assert "10 处变化" in result.stderr


def test_amounts_in_different_units_are_compared_and_summed_in_yuan(tmp_path, capsys):
    root = year_folders(tmp_path)
    wan = root / "2024" / SEED_YAML.name
    text = wan.read_text(encoding="utf-8").replace("金额单位: 元", "金额单位: 万元")
    for old, new in [
        ("19,000,000.00", "1,900.00"),
        ("14,461,900.00", "1,446.19"),
        ("4,538,100.00", "453.81"),
        ("1,295,700.00", "129.57"),
    ]:
        text = text.replace(old, new)
    wan.write_text(text, encoding="utf-8")
    diff = compare(model(SEED_YAML), model(wan))
    budget = {c.key: (c.old, c.new, c.detail) for c in diff.changes if c.section == "budget"}
    assert budget["部门整体预算总额"] == (
        "18,417,248.00 元",
        "1,900.00 万元",
        "Δ +582,752.00（+3.16 %）（按元计；金额单位 元 → 万元）",
    )
    assert "年末资产总额" not in budget  # the same money, written in 万元: no change
    assert "金额单位" not in {c.key for c in diff.changes}  # the switch itself is none
    assert main(["diff", str(root / "2023"), str(root / "2024")]) == 0
    paragraphs = markdown_paragraphs(capsys.readouterr().out)
    assert "金额单位：元 → 万元（金额都按元比较，数额相同的不算变化）" in paragraphs
    assert main(["trend", str(root), "--out", str(tmp_path / "trend")]) == 0
    table = markdown_tables((tmp_path / "trend/trend.md").read_text(encoding="utf-8"))[0]
    assert [
        "预算（元）",
        "预算情况：部门整体预算总额",
        "18,417,248.00",
        "19,000,000.00",
        "+582,752.00",
        "",
    ] in table
    (root / "2024" / "other.yaml").write_text(
        MINIMAL.read_text(encoding="utf-8").replace("年度: 2023", "年度: 2024"), encoding="utf-8"
    )
    assert build([root / "2024"], tmp_path / "out").ok
    index = markdown_tables((tmp_path / "out/2024/index.md").read_text(encoding="utf-8"))[0]
    assert (
        index[1][1] == "19,000,000.00"
        and index[2][1] == "100.00"
        and index[-1][1] == "19,000,100.00"
    )


def test_two_files_are_compared_with_each_other_whatever_their_names(tmp_path, capsys):
    other = tmp_path / "elsewhere" / "bureau.yml"
    other.parent.mkdir()
    other.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("年度: 2023", "年度: 2024"), encoding="utf-8"
    )
    code = main(["diff", "--format", "json", str(SEED_YAML), str(other)])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["added"] == [] and data["removed"] == []
    assert [(p["old_source"], p["new_source"], p["renamed_file"]) for p in data["pairs"]] == [
        (SEED_YAML.as_posix(), other.as_posix(), False)
    ]
    header = [(c["key"], c["old"], c["new"]) for c in data["pairs"][0]["changes"][:2]]
    assert header == [
        ("部门名称", "中国人民政治协商会议闵行区委员会办公室", "测试局"),
        ("汇总", "是", "否"),
    ]
    assert (data["old_year"], data["new_year"]) == (2023, 2024)


def test_year_folders_pair_by_department_then_by_file_name(tmp_path, capsys, monkeypatch):
    root = year_folders(tmp_path)
    (root / "2023" / "a.yaml").write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "2024" / "b.yaml").write_text(
        MINIMAL.read_text(encoding="utf-8").replace("年度: 2023", "年度: 2024"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "--format", "json", "declarations/2023", "declarations/2024"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(p["old_source"], p["new_source"], p["renamed_file"]) for p in data["pairs"]] == [
        ("declarations/2023/a.yaml", "declarations/2024/b.yaml", True),
        ("declarations/2023/minhang-cppcc-office.yaml", "declarations/2024/minhang-cppcc-office.yaml", False),
    ]  # fmt: skip
    assert data["pairs"][0]["changes"] == []


def extreme(write_declaration, old_assets: str, new_assets: str, old_target: str, new_target: str):
    base = MINIMAL.read_text(encoding="utf-8")
    old = base.replace("年末资产总额: 10.00", f"年末资产总额: {old_assets}").replace(
        '"=4次"', f'"={old_target}次"'
    )
    new = base.replace("年末资产总额: 10.00", f"年末资产总额: {new_assets}").replace(
        '"=4次"', f'"={new_target}次"'
    )
    diff = compare(model(write_declaration(old, "old")), model(write_declaration(new, "new")))
    return [c.detail for c in diff.changes]


# The largest amount and the target numbers with the most digits a declaration may hold
# (amounts under 10 万亿元, 15 digits in a target number: docs/format.md).
HUGE = "9,999,999,999,999.99"


@pytest.mark.parametrize(
    ("assets", "targets", "details"),
    [
        (
            ("0.01", HUGE),
            ("0.00000000000001", "999999999999999"),
            [
                "Δ +9,999,999,999,999.98（> +999,999 %）",
                "↑ +999999999999998.99999999999999",
            ],
        ),
        (
            (HUGE, "0.01"),
            ("999999999999999", "0.00000000000001"),
            [
                "Δ −9,999,999,999,999.98（−100.00 %）",
                "↓ −999999999999998.99999999999999",
            ],
        ),
        (("0.01", "12.34"), ("0.0000001", "0.0000002"), ["Δ +12.33（+123,300.00 %）", "↑ +0.0000001"]),
        (("0.01", "100.00"), ("1", "1"), ["Δ +99.99（+999,900.00 %）"]),
        (("0.01", "100.01"), ("1", "1"), ["Δ +100.00（> +999,999 %）"]),
        (("8.00", "8.01"), ("1", "1"), ["Δ +0.01（+0.13 %）"]),
        ((HUGE, HUGE.replace(",999.99", ",999.98")), ("1", "1"), ["Δ −0.01（−0.00 %）"]),
    ],
)  # fmt: skip
def test_deltas_are_exact_and_percentages_never_overflow(
    write_declaration, assets, targets, details
):
    assert extreme(write_declaration, *assets, *targets) == details


def test_trend_xlsx_gives_each_department_a_sheet_whose_header_repeats_alone(tmp_path):
    root = year_folders(tmp_path)
    for year in ("2023", "2024"):
        (root / year / "bureau.yaml").write_text(
            MINIMAL.read_text(encoding="utf-8").replace("年度: 2023", f"年度: {year}"),
            encoding="utf-8",
        )
    assert main(["trend", str(root), "--out", str(tmp_path / "trend")]) == 0
    from openpyxl import load_workbook

    workbook = load_workbook(tmp_path / "trend/trend.xlsx")
    assert workbook.sheetnames == ["测试局", "中国人民政治协商会议闵行区委员会办公室", "图表"]
    for sheet in workbook.worksheets[:2]:
        # only the table's own header row repeats on every printed page
        assert sheet.print_title_rows == "$3:$3"
        assert [c.value for c in sheet[3]][:2] == ["类别", "项目"]


def test_an_amount_of_zero_removed_or_added_shows_its_zero(write_declaration):
    base = (DATA / "forms" / "2024" / "national-2.yaml").read_text(encoding="utf-8")
    planned = base.replace(
        "金额单位: 元",
        "金额单位: 元\n年度预算安排:\n  资金总额: 100.00\n  基本支出: 100.00\n  项目支出: 0.00",
        1,
    )
    assert planned != base
    old, new = (
        model(write_declaration(planned, "old", "2024")),
        model(write_declaration(base, "new", "2024")),
    )
    removed = {c.key: c.old for c in compare(old, new).changes if c.kind == "removed"}
    assert removed["项目支出"] == "0.00"
    added = {c.key: c.new for c in compare(new, old).changes if c.kind == "added"}
    assert added["项目支出"] == "0.00"


def test_a_changed_indicator_column_shows_its_values_when_short(write_declaration):
    base = (DATA / "forms" / "2024" / "landscape-1.yaml").read_text(encoding="utf-8")
    edited = base.replace("计量单位: 万亩", "计量单位: 亩", 1)
    assert edited != base
    old, new = (
        model(write_declaration(base, "old", "2024")),
        model(write_declaration(edited, "new", "2024")),
    )
    details = {c.key: c.detail for c in compare(old, new).changes}
    assert details == {"产出指标 / 数量指标 / 新建高标准农田面积": "计量单位 万亩 → 亩"}


@pytest.mark.parametrize(
    ("old", "new", "detail"),
    [
        ("=60%", "=70%", "↑ +10 个百分点"),
        (">=95%", ">=92.5%", "↓ −2.5 个百分点"),
        ("<=3‰", "<=2‰", "↓ −1 个千分点"),
        ("=4次", "=6次", "↑ +2"),
        ("=60%", "=70‰", "单位 % → ‰"),
    ],
)
def test_a_change_of_a_share_is_said_in_points(write_declaration, old, new, detail):
    base = MINIMAL.read_text(encoding="utf-8")
    sides = [
        model(write_declaration(base.replace('"=4次"', f'"{v}"'), n))
        for n, v in enumerate((old, new))
    ]
    changed = compare(*sides).changes
    assert [(c.kind, c.detail) for c in changed] == [("changed", detail)]


# -- what a change says: a task's fields, orders, units, points (issue 17) ---------------------

FORMS = DATA / "forms" / "2024"
TEACHERS = [
    ("组织教师全员培训", "组织教师全员轮训"),
    ("总额: 356.2500\n      财政拨款: 356.2500", "总额: 400.0000\n      财政拨款: 400.0000"),
    ("总额: 1,735.5150\n  财政拨款: 1,646.2500", "总额: 1,779.2650\n  财政拨款: 1,690.0000"),
    ("项目支出: 1,735.5150", "项目支出: 1,779.2650"),
    ("基本支出: 664.4850", "基本支出: 620.7350"),
]
TEACHERS_FIELDS = (
    "主要内容 增 1 字、删 1 字（相似度 97 %）：删「培」，增「轮」；"
    "预算金额：总额 356.2500 → 400.0000，Δ +43.75（+12.28 %）；"
    "预算金额：财政拨款 356.2500 → 400.0000，Δ +43.75（+12.28 %）"
)


def edited(write_declaration, source: Path, *edits: tuple[str, str]):
    """The declaration at `source` and a copy with every `old` replaced by `new`."""
    base = source.read_text(encoding="utf-8")
    text = base
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    year = str(model(source).year)
    return (
        model(write_declaration(base, "old", year)),
        model(write_declaration(text, "new", year)),
    )


def section(diff, name: str) -> list[tuple[str, str, str, str, str]]:
    return [(c.kind, c.key, c.old, c.new, c.detail) for c in diff.changes if c.section == name]


def test_a_changed_task_shows_each_changed_field(write_declaration):
    diff = compare(*edited(write_declaration, FORMS / "national-1.yaml", *TEACHERS))
    assert section(diff, "list") == [
        (
            "changed",
            "教师队伍建设",
            "主要内容 组织教师全员培训，实施骨干教师培养计划，完善教师交流轮岗。；"
            "预算金额：总额 356.2500；预算金额：财政拨款 356.2500",
            "主要内容 组织教师全员轮训，实施骨干教师培养计划，完善教师交流轮岗。；"
            "预算金额：总额 400.0000；预算金额：财政拨款 400.0000",
            TEACHERS_FIELDS,
        )
    ]


def test_a_renamed_task_shows_what_changed_in_its_content(write_declaration):
    renamed = ("任务名称: 教师队伍建设", "任务名称: 教师队伍建设工程")
    diff = compare(*edited(write_declaration, FORMS / "national-1.yaml", renamed, *TEACHERS))
    assert section(diff, "list") == [
        (
            "renamed",
            "教师队伍建设工程",
            "教师队伍建设",
            "教师队伍建设工程",
            "名称相似，可能是改名；" + TEACHERS_FIELDS,
        )
    ]
    only_renamed = compare(*edited(write_declaration, FORMS / "national-1.yaml", renamed))
    assert [c.detail for c in only_renamed.changes] == ["名称相似，可能是改名"]


def test_a_renamed_indicator_shows_its_target_and_columns_change(write_declaration):
    diff = compare(
        *edited(
            write_declaration,
            FORMS / "national-1" / "校舍维修改造.yaml",
            ("维修改造学校数:", "维修改造学校总数:"),
            ('"=15所"\n        中期指标值: "=42所"', '"=16所"\n        中期指标值: "=45所"'),
            ('工程验收合格率: "=100%"', '工程验收合格比率: "=98%"'),
        )
    )
    assert section(diff, "indicator") == [
        (
            "renamed",
            "产出指标 / 数量指标 / 维修改造学校总数",
            "维修改造学校数",
            "维修改造学校总数",
            "名称相似，可能是改名；目标值 =15所 → =16所，↑ +1；中期指标值 =42所 → =45所，↑ +3",
        ),
        (
            "renamed",
            "产出指标 / 质量指标 / 工程验收合格比率",
            "工程验收合格率",
            "工程验收合格比率",
            "名称相似，可能是改名；目标值 =100% → =98%，↓ −2 个百分点",
        ),
    ]


def test_an_indicator_moved_to_another_level2_shows_its_target_change(write_declaration):
    diff = compare(
        *edited(
            write_declaration,
            FORMS / "national-1.yaml",
            ('      义务教育巩固率: ">=99%"\n', ""),
            (
                '适龄儿童入学率: ">=99.5%"',
                '适龄儿童入学率: ">=99.5%"\n      义务教育巩固率: ">=99.2%"',
            ),
        )
    )
    assert section(diff, "indicator") == [
        (
            "moved",
            "效益指标 / 社会效益指标 / 义务教育巩固率",
            "产出指标 / 质量指标 / 义务教育巩固率",
            "效益指标 / 社会效益指标 / 义务教育巩固率",
            "产出指标 / 质量指标 → 效益指标 / 社会效益指标；目标值 >=99% → >=99.2%，↑ +0.2 个百分点",
        )
    ]


SEED_TASKS = (
    "  - 任务名称: 专委会工作\n"
    "    主要内容: |-\n"
    "      1.界别工作；2.提案和反映社情民意；3.委员学习培训；4.专题视察；5.课题调研；6.专委会日常工作。\n"
)
SEED_PARTY = (
    "  - 任务名称: 党建工作\n"
    "    主要内容: 1.召开有关党建工作会议；2.开展有关党建工作调研；3.组织有关党建活动。\n"
)


def test_tasks_reordered_are_one_change_naming_the_new_order(write_declaration):
    diff = compare(
        *edited(write_declaration, SEED_YAML, (SEED_TASKS + SEED_PARTY, SEED_PARTY + SEED_TASKS))
    )
    assert [(c.kind, c.section, c.key, c.old, c.new, c.detail, c.group) for c in diff.changes] == [
        (
            "reordered",
            "list",
            "年度重点任务",
            "专委会工作、党建工作、…",
            "党建工作、专委会工作、…",
            "“党建工作”从第 2 位移到第 1 位",
            "年度重点任务",
        )
    ]
    assert diff.unchanged["list"] == 8


def test_a_task_added_or_removed_is_no_change_of_order(write_declaration):
    diff = compare(*edited(write_declaration, SEED_YAML, (SEED_TASKS, "")))
    assert [(c.kind, c.key) for c in diff.changes] == [("removed", "专委会工作")]


def test_a_task_renamed_and_moved_is_a_rename_and_a_change_of_order(write_declaration):
    moved = SEED_PARTY.replace("党建工作\n", "党建工作任务\n")
    diff = compare(
        *edited(write_declaration, SEED_YAML, (SEED_TASKS + SEED_PARTY, moved + SEED_TASKS))
    )
    assert [(c.kind, c.key, c.new) for c in diff.changes] == [
        ("renamed", "党建工作任务", "党建工作任务"),
        ("reordered", "年度重点任务", "党建工作任务、专委会工作、…"),
    ]


def test_indicators_reordered_within_their_level2_and_levels_reordered(write_declaration):
    count = '      常委会调研参与人数: "=50人次"\n      团结联谊活动开展数: "=1次"\n'
    swapped = '      团结联谊活动开展数: "=1次"\n      常委会调研参与人数: "=50人次"\n'
    old, new = edited(write_declaration, SEED_YAML, (count, swapped))
    assert section(compare(old, new), "indicator") == [
        (
            "reordered",
            "产出指标 / 数量指标",
            "常委会调研参与人数、团结联谊活动开展数、…",
            "团结联谊活动开展数、常委会调研参与人数、…",
            "“团结联谊活动开展数”从第 2 位移到第 1 位",
        )
    ]
    social = '    社会效益指标:\n      适龄儿童入学率: ">=99.5%"\n'
    lasting = "    可持续影响指标:\n      教育信息化应用水平: 逐年提高\n"
    old, new = edited(
        write_declaration, FORMS / "national-1.yaml", (social + lasting, lasting + social)
    )
    assert section(compare(old, new), "indicator") == [
        (
            "reordered",
            "效益指标",
            "…、社会效益指标、可持续影响指标",
            "…、可持续影响指标、社会效益指标",
            "“可持续影响指标”从第 3 位移到第 2 位",
        )
    ]
    base = MINIMAL.read_text(encoding="utf-8")
    output, satisfaction = base.split("  满意度指标:\n")
    levels = output.split("分解目标:\n")
    swapped_levels = levels[0] + "分解目标:\n  满意度指标:\n" + satisfaction + levels[1]
    old = model(write_declaration(base, "old"))
    new = model(write_declaration(swapped_levels, "new"))
    assert section(compare(old, new), "indicator") == [
        (
            "reordered",
            "分解目标",
            "产出指标、满意度指标",
            "满意度指标、产出指标",
            "“满意度指标”从第 2 位移到第 1 位",
        )
    ]


def test_list_items_reordered_are_one_change(write_declaration):
    goals = (
        "  - 巩固义务教育基本均衡成果，全县义务教育巩固率保持在 99% 以上。\n"
        "  - 建设一支结构合理、素质优良的教师队伍。\n"
    )
    swapped = goals.split("\n")[1] + "\n" + goals.split("\n")[0] + "\n"
    diff = compare(*edited(write_declaration, FORMS / "national-1.yaml", (goals, swapped)))
    assert section(diff, "text") == [
        (
            "reordered",
            "年度总体目标",
            "巩固义务教育基本均衡成…、建设一支结构合理、素质…、…",
            "建设一支结构合理、素质…、巩固义务教育基本均衡成…、…",
            "“建设一支结构合理、素质…”从第 2 位移到第 1 位",
        )
    ]
    first = "  - 部门职能: 组织实施基本公共卫生服务\n    年度目标任务: 居民健康档案规范化建档率达到 80%\n    支出项目名称: 基本公共卫生服务\n    预算金额: 512.345678\n"
    second = "  - 部门职能: 卫生应急管理\n    年度目标任务: 完成突发公共卫生事件应急演练\n    支出项目名称: 卫生应急演练\n"
    diff = compare(
        *edited(write_declaration, FORMS / "national-3.yaml", (first + second, second + first))
    )
    assert [(c.kind, c.key, c.old, c.new, c.detail) for c in diff.changes] == [
        (
            "reordered",
            "年度履职目标",
            "组织实施基本公共卫生服务、卫生应急管理",
            "卫生应急管理、组织实施基本公共卫生服务",
            "“卫生应急管理”从第 2 位移到第 1 位",
        )
    ]


def in_other_unit(path: Path, unit: str) -> str:
    """The declaration at `path` with its 金额单位 made `unit` and every amount written in it:
    the same money (18,417,248.00 元 is 1,841.7248 万元)."""
    from generator.declaration.model import format_amount
    from generator.kinds.spec import FieldType
    from generator.kinds.vocabulary import amount_units

    decl = model(path)
    units = amount_units()
    factor = Decimal(units[decl.amount_unit].in_yuan) / Decimal(units[unit].in_yuan)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for field_path, spec, value in decl.walk():
        if spec.type is FieldType.AMOUNT:
            where = decl.locations[field_path]
            line = lines[where.line - 1]
            written = re.match(r"[\d,.]+", line[where.col - 1 :])
            assert written is not None, line
            end = where.col - 1 + written.end()
            converted = format_amount(value * factor, 2)
            lines[where.line - 1] = line[: where.col - 1] + converted + line[end:]
    text = "".join(lines)
    key = decl.kind.role_path("amount_unit")
    assert f"\n{key}: {decl.amount_unit}\n" in text
    return text.replace(f"\n{key}: {decl.amount_unit}\n", f"\n{key}: {unit}\n")


@pytest.mark.parametrize(
    ("source", "unit", "amount"),
    [
        (SEED_YAML, "万元", "部门整体预算总额: 1,841.7248"),
        (FORMS / "national-1.yaml", "元", "总额: 3,562,500.00"),
        (FORMS / "national-3.yaml", "元", "预算金额: 5,123,456.78"),
    ],
)
def test_the_same_money_in_another_unit_is_no_change(tmp_path, capsys, source, unit, amount):
    year = str(model(source).year)
    for side in ("old", "new"):
        (tmp_path / side / year).mkdir(parents=True)
    shutil.copy(source, tmp_path / "old" / year / source.name)
    converted = in_other_unit(source, unit)
    assert amount in converted
    (tmp_path / "new" / year / source.name).write_text(converted, encoding="utf-8")
    old, new = str(tmp_path / "old" / year), str(tmp_path / "new" / year)
    was = model(source).amount_unit

    assert main(["diff", "--exit-code", "--format", "json", old, new]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert [(p["changes"], p["old_unit"], p["new_unit"]) for p in data["pairs"]] == [
        ([], was, unit)
    ]
    assert data["summary"]["unchanged"] == sum(data["pairs"][0]["unchanged"].values())
    assert captured.err.startswith("0 处变化：")

    assert main(["diff", "--exit-code", old, new]) == 0
    report = capsys.readouterr().out
    assert markdown_paragraphs(report)[-2:] == [
        f"{model(source).department}（{year} 年度；金额单位 {was} → {unit}）",
        "金额单位改了的申报，金额都按元比较，数额相同的不算变化。",
    ]
    assert len(markdown_tables(report)) == 1  # the summary, and no change


def test_a_change_of_a_share_on_the_form_is_said_in_points(write_declaration):
    diff = compare(
        *edited(
            write_declaration,
            FORMS / "national-1.yaml",
            (
                "金额: 2,310.7350\n      占比: 96.28%\n    其他资金: 89.2650",
                "金额: 2,300.0000\n      占比: 95.83%\n    其他资金: 100.0000",
            ),
        )
    )
    assert section(diff, "header") == [
        ("changed", "收入构成：财政拨款：占比", "96.28%", "95.83%", "↓ −0.45 个百分点")
    ]


def test_a_target_whose_unit_is_in_its_own_column_is_said_in_points(write_declaration):
    diff = compare(
        *edited(write_declaration, FORMS / "landscape-3.yaml", ('指标值: ">=85"', '指标值: ">=90"'))
    )
    assert [c.detail for c in diff.changes] == ["↑ +5 个百分点"]


def test_a_column_target_in_percent_is_said_in_points(write_declaration):
    base = FORMS / "national-1" / "校舍维修改造.yaml"
    text = base.read_text(encoding="utf-8").replace(
        '工程验收合格率: "=100%"',
        '工程验收合格率:\n        年度指标值: "=100%"\n        中期指标值: "=95%"',
    )
    path = write_declaration(text, "base", "2024")
    diff = compare(*edited(write_declaration, path, ('中期指标值: "=95%"', '中期指标值: "=98%"')))
    assert [c.detail for c in diff.changes] == ["中期指标值 =95% → =98%，↑ +3 个百分点"]


def test_a_change_of_order_is_counted_and_reported_in_markdown_and_json(tmp_path, capsys):
    root = make_seed_tree(tmp_path)
    (root / "2024").mkdir()
    text = SEED_YAML.read_text(encoding="utf-8").replace("年度: 2023", "年度: 2024")
    assert SEED_TASKS + SEED_PARTY in text
    (root / "2024" / SEED_YAML.name).write_text(
        text.replace(SEED_TASKS + SEED_PARTY, SEED_PARTY + SEED_TASKS), encoding="utf-8"
    )
    old, new = str(root / "2023"), str(root / "2024")
    assert main(["diff", "--exit-code", old, new]) == 1
    captured = capsys.readouterr()
    summary = markdown_tables(captured.out)[0]
    assert summary[4:6] == [["移动", "0"], ["顺序调整", "1"]]
    assert markdown_tables(captured.out)[1] == [
        ["变化", "项目", "原", "新", "说明"],
        [
            "顺序调整",
            "年度重点任务",
            "专委会工作、党建工作、…",
            "党建工作、专委会工作、…",
            "“党建工作”从第 2 位移到第 1 位",
        ],
    ]
    assert captured.err == (
        "1 处变化：修改 0，新增 0，删除 0，移动 0，顺序调整 1，可能改名 0；未变 95\n"
    )
    assert main(["diff", "--format", "json", old, new]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["reordered"] == 1 and data["summary"]["moved"] == 0
    assert [(c["kind"], c["section"], c["key"]) for c in data["pairs"][0]["changes"]] == [
        ("reordered", "list", "年度重点任务")
    ]


def test_a_task_amount_from_zero_says_its_change(write_declaration):
    diff = compare(
        *edited(
            write_declaration,
            FORMS / "national-1.yaml",
            (
                "总额: 356.2500\n      财政拨款: 356.2500\n      其他资金: 0\n",
                "总额: 400.0000\n      财政拨款: 356.2500\n      其他资金: 43.7500\n",
            ),
            (
                "总额: 1,735.5150\n  财政拨款: 1,646.2500\n  其他资金: 89.2650",
                "总额: 1,779.2650\n  财政拨款: 1,646.2500\n  其他资金: 133.0150",
            ),
            ("项目支出: 1,735.5150", "项目支出: 1,779.2650"),
            ("基本支出: 664.4850", "基本支出: 620.7350"),
            (
                "金额: 2,310.7350\n      占比: 96.28%\n    其他资金: 89.2650",
                "金额: 2,266.9850\n      占比: 94.46%\n    其他资金: 133.0150",
            ),
        )
    )
    assert [c.detail for c in diff.changes if c.section == "list"] == [
        "预算金额：总额 356.2500 → 400.0000，Δ +43.75（+12.28 %）；"
        "预算金额：其他资金 0.0000 → 43.7500，Δ +43.75"
    ]
    assert section(diff, "header") == [
        ("changed", "收入构成：财政拨款：占比", "96.28%", "94.46%", "↓ −1.82 个百分点")
    ]


def test_diff_never_writes_its_report_over_a_declaration(tmp_path, capsys):
    old, new = tmp_path / "2023" / "a.yaml", tmp_path / "2024" / "a.yaml"
    for path, year in ((old, "2023"), (new, "2024")):
        path.parent.mkdir()
        path.write_text(MINIMAL.read_text(encoding="utf-8").replace("2023", year), "utf-8")
    before = old.read_bytes()
    for target in (old, tmp_path / "report.YML"):
        assert main(["diff", str(old.parent), str(new.parent), "-o", str(target)]) == 2
        err = capsys.readouterr().err
        assert err == (
            f"错误：{target}：-o 写的是报告（Markdown 或 JSON），不能写进 .yaml/.yml 文件；"
            f"请换个名字，例如 {target.with_suffix('.md')}\n"
        )
    assert old.read_bytes() == before and not (tmp_path / "report.YML").exists()
    link = tmp_path / "report.md"  # a link to a declaration: its target is what is written
    link.symlink_to(old)
    assert main(["diff", str(old.parent), str(new.parent), "-o", str(link)]) == 2
    assert "不能写进 .yaml/.yml 文件" in capsys.readouterr().err
    assert old.read_bytes() == before


@pytest.mark.parametrize(
    ("old", "new", "detail"),
    [
        (">=85%", ">=0.9", "单位 % → （无）"),  # numbers in two units: no arrow, no size
        (">=95%", ">=95.00%", "写法改变，数值相同"),
    ],
)
def test_a_target_in_another_unit_or_spelling_says_only_that(write_declaration, old, new, detail):
    base = MINIMAL.read_text(encoding="utf-8")
    sides = [
        model(write_declaration(base.replace('"=4次"', f'"{v}"'), n))
        for n, v in enumerate((old, new))
    ]
    assert [(c.kind, c.detail) for c in compare(*sides).changes] == [("changed", detail)]


def test_trend_never_writes_over_a_file_it_did_not_make(tmp_path, capsys):
    root, out = year_folders(tmp_path), tmp_path / "trend"
    out.mkdir()
    (out / "trend.md").write_text("我的笔记\n", encoding="utf-8")
    assert main(["trend", str(root), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"错误：{out / 'trend.md'}：不是 trend 生成的文件（记录 .trend.json 中没有它），"
        "不会覆盖；请把它移走或删除，再运行 trend\n"
    )
    assert (out / "trend.md").read_text(encoding="utf-8") == "我的笔记\n"
    assert not (out / "trend.xlsx").exists()
    (out / "trend.md").unlink()
    assert main(["trend", str(root), "--out", str(out)]) == 0  # its own files: made again
    (out / "trend.md").write_text("改过\n", encoding="utf-8")
    assert main(["trend", str(root), "--out", str(out)]) == 0
    assert (out / "trend.md").read_text(encoding="utf-8").startswith("#")


def test_trend_refused_writes_nothing_at_all(tmp_path, capsys):
    root, out = year_folders(tmp_path), tmp_path / "trend"
    out.mkdir()
    (out / "trend.xlsx").write_bytes(b"mine")
    assert main(["trend", str(root), "--out", str(out)]) == 2
    assert "不是 trend 生成的文件" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["trend.xlsx"]
    assert (out / "trend.xlsx").read_bytes() == b"mine"
