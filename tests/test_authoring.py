"""Authoring and review: the editor schema, lint, fmt, the HTML preview, pre-commit hooks."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import MINIMAL, ROOT, SEED_YAML, comparable, make_seed_tree, markdown_tables
from test_rules import case_bytes, load_cases

from generator.authoring.fmt import format_text
from generator.authoring.json_schema import SCHEMA_PATH, schema_text
from generator.build.build import build
from generator.cli import main
from generator.declaration.sources import read_checked, read_checked_text

SCHEMA = json.loads((ROOT / SCHEMA_PATH).read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_committed_schema_is_in_sync_with_the_code():
    assert (ROOT / SCHEMA_PATH).read_text(encoding="utf-8") == schema_text(), "run `make schema`"


def test_the_seed_names_the_schema_on_its_first_line():
    # (the seed only: the suite tests the tool, whatever a user has added to declarations/)
    first = SEED_YAML.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/declaration.schema.json"
    assert (SEED_YAML.parent / "../../schema/declaration.schema.json").resolve().is_file()


def test_schema_accepts_the_seed_and_the_minimal_declaration():
    for path in (SEED_YAML, MINIMAL):
        VALIDATOR.validate(yaml.safe_load(path.read_text(encoding="utf-8")))


# Structural rule cases an editor can decide from the YAML alone (sums, folders and YAML 1.1
# spellings are left to `check`).
STRUCTURAL = {
    "misspelt key gets a did-you-mean", "misspelt nested key", "unknown indicator field",
    "missing 部门名称", "empty 部门名称", "missing 预算情况 entirely",
    "missing 指标目标值 in an indicator mapping", "count written in Chinese numerals",
    "a list where a mapping belongs", "a mapping where text belongs", "tasks not a list",
    "indicators written as a list", "negative count", "amount with text", "unknown amount unit",
    "exponent amount 1e3", "unknown 一级", "二级 under the wrong 一级", "misspelt 二级",
    "empty 一级", "empty 分解目标", "note under a 一级 that takes none",
    "target with letters instead of a number", "operator without a number",
    "empty target", "a list at top level", "a scalar at top level",
}  # fmt: skip


@pytest.mark.parametrize(
    "case",
    [p.values[1] for p in load_cases() if p.values[1]["name"] in STRUCTURAL],
    ids=lambda c: c["name"],
)
def test_schema_rejects_what_the_validator_rejects(case):
    data = yaml.safe_load(case_bytes(case).decode("utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(data)


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it (YAML 1.2 core schema): `2024-01-15`, `no`
    and `0123` are text and 123, not a date, False and 83."""


EditorLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
EditorLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def editor_data(text: str) -> object:
    return yaml.load(text, Loader=EditorLoader)  # a SafeLoader: builds no objects


FIXTURES = sorted((ROOT / "tests" / "data" / "forms").rglob("*.yaml"))
MINIMAL_NATIONAL = MINIMAL.parent / "minimal-national.yaml"
# Inputs `check` accepts (some with a warning) that an editor must not underline.
ACCEPTED = [
    (MINIMAL, "年度: 2023", '年度: "２０２３"'),
    (MINIMAL, "年度: 2023", '年度: "2023"'),
    (MINIMAL, "年末在职人数: 3", '年末在职人数: "３"'),
    (MINIMAL, "年末资产总额: 10.00", '年末资产总额: "１０.００"'),
    (MINIMAL, "年末资产总额: 10.00", "年末资产总额: １０，０００.００"),
    (MINIMAL, "主要内容: 内容一", "主要内容: no"),
    (MINIMAL, "部门名称: 测试局", "部门名称: 2024-01-15"),
    (MINIMAL, '满意度: ">=90%"', "满意度: 90"),
    (MINIMAL, '满意度: ">=90%"', "满意度: 90.5"),
    (MINIMAL, '满意度: ">=90%"', '满意度: "-5%"'),
    (MINIMAL, '满意度: ">=90%"', '满意度: "<=-5%"'),
    (MINIMAL, '满意度: ">=90%"', "满意度: 不低于90%"),
    (MINIMAL, '满意度: ">=90%"', "满意度: =不低于90%"),
    (MINIMAL, '满意度: ">=90%"', "满意度: “>=90%”"),
    (MINIMAL, '满意度: ">=90%"', "满意度: ＞＝９０％"),
    (MINIMAL_NATIONAL, "年度总体目标:", "金额合计:\n年度履职目标:\n年度总体目标:"),
    (MINIMAL_NATIONAL, "年度总体目标:", "金额合计: {}\n年度履职目标: []\n年度总体目标:"),
    (MINIMAL_NATIONAL, "年度总体目标:", "填报日期: 2024年1月15日\n年度总体目标:"),
    (MINIMAL_NATIONAL, "年度总体目标:", "填报日期: ２０２４-０１-１５\n年度总体目标:"),
    (MINIMAL_NATIONAL, "年度总体目标:", "填报人:\n联系电话:\n年度总体目标:"),
    (MINIMAL_NATIONAL, "        分值: 40", '        分值: "40"'),
    (MINIMAL_NATIONAL, "        分值: 40", "        分值: ４０"),
]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_schema_accepts_every_fixture(path):
    assert read_checked(path).ok, "the fixture itself must pass check"
    VALIDATOR.validate(editor_data(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(("base", "old", "new"), ACCEPTED, ids=[new for _, _, new in ACCEPTED])
def test_schema_accepts_what_check_accepts(base, old, new, write_declaration):
    text = base.read_text(encoding="utf-8")
    assert old in text
    source = write_declaration(text.replace(old, new, 1))
    checked = read_checked(source)
    assert checked.ok
    VALIDATOR.validate(editor_data(source.read_text(encoding="utf-8")))


# Inputs `check` refuses that the schema refuses too.
REFUSED = [
    (MINIMAL, "年度: 2023", '年度: "１９７９"'),
    (MINIMAL, "年度: 2023", '年度: "٢٠٢٣"'),
    (MINIMAL, "年末在职人数: 3", '年末在职人数: "03"'),
    (MINIMAL, "年末在职人数: 3", "年末在职人数: 1000000000"),
    (MINIMAL, "年末资产总额: 10.00", '年末资产总额: "١٠.٠٠"'),
    (MINIMAL, "部门名称: 测试局", '部门名称: "\u3000"'),
    (MINIMAL, "年度重点任务:\n  - 任务名称: 任务一\n    主要内容: 内容一", "年度重点任务: []"),
    (MINIMAL, '满意度: ">=90%"', '满意度: "=1e5"'),
    (MINIMAL, '满意度: ">=90%"', '满意度: "1e5"'),
    (MINIMAL, '满意度: ">=90%"', '满意度: "≥5%且≤10%"'),
    (MINIMAL, '满意度: ">=90%"', "满意度: “”"),
    (MINIMAL, '满意度: ">=90%"', '满意度: "=不低于"'),
    (MINIMAL_NATIONAL, "年度总体目标:", "填报日期: 0024-01-01\n年度总体目标:"),
    (MINIMAL_NATIONAL, "年度总体目标:", "填报日期: ٢٠٢٤-01-15\n年度总体目标:"),
    (MINIMAL_NATIONAL, "年度总体目标:\n  - 目标一", "年度总体目标: []"),
    (MINIMAL_NATIONAL, "        分值: 40", '        分值: "40%"'),
]


@pytest.mark.parametrize(("base", "old", "new"), REFUSED, ids=[new for _, _, new in REFUSED])
def test_schema_refuses_what_check_refuses(base, old, new, write_declaration):
    text = base.read_text(encoding="utf-8")
    assert old in text
    source = write_declaration(text.replace(old, new, 1))
    assert not read_checked(source).ok
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(editor_data(source.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "case",
    [p.values[1] for p in load_cases() if p.values[0].stem == "accepted"],
    ids=lambda c: c["name"],
)
def test_schema_accepts_the_accepted_rule_cases(case):
    text = case_bytes(case).decode(case.get("encoding", "utf-8")).lstrip("\ufeff")
    VALIDATOR.validate(editor_data(text))


def test_all_structural_cases_exist():
    names = {p.values[1]["name"] for p in load_cases()}
    assert names >= STRUCTURAL


def test_lint_warns_about_the_seed_and_strict_fails(tmp_path, capsys):
    root = make_seed_tree(tmp_path)
    assert main(["lint", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    codes = [line.split(": ")[1].split()[0] for line in lines]
    assert (codes.count("L001"), codes.count("L006"), codes.count("L002"), len(codes)) == (
        14,
        7,
        1,
        22,
    )
    assert (
        f"{root.as_posix()}/2023/{SEED_YAML.name}:128:7: L002 “系统重大故障发生数”的目标值“=0”没有单位"
        in "\n".join(lines)
    )
    assert main(["lint", "--strict", str(root)]) == 1


QUANTITY = '    数量指标:\n      会议次数: "=4次"\n'
BENEFIT = '  效益指标:\n    社会效益指标:\n      提案采纳数: ">=20件"\n'
# The minimal declaration with a 效益指标: every 一级 the framework expects (else L010).
GOOD = MINIMAL.read_text(encoding="utf-8").replace("  满意度指标:\n", BENEFIT + "  满意度指标:\n")
LINT_CASES = {
    "L001": [('提案采纳数: ">=20件"', "工作效率: 提升")],
    "L002": [('"=4次"', '"=4"')],
    "L003": [('">=90%"', '">=80%"')],
    "L004": [(QUANTITY, QUANTITY + "    时效指标:\n      会议质量: 良好\n")],
    "L005": [(QUANTITY, QUANTITY + '    质量指标:\n      会议次数: "=4次"\n')],
    "L006": [('会议次数: "=4次"', '会议完成率: "=100%"')],
    "L007": [(QUANTITY, QUANTITY + '    质量指标:\n      经常性工作完成率: ">=90%"\n')],
    "L008": [("年度履职目标: 测试目标", "年度履职目标: 2022年目标")],
    "L009": [('">=90%"', '">=190%"')],
    "L010": [(BENEFIT, "")],
}


@pytest.mark.parametrize("code", list(LINT_CASES))
def test_each_lint_rule_fires_on_its_case(code, write_declaration, capsys):
    text = GOOD
    for old, new in LINT_CASES[code]:
        assert old in text
        text = text.replace(old, new, 1)
    status = main(["lint", str(write_declaration(text))])
    out = capsys.readouterr().out
    assert status == 0
    assert [line.split(": ", 1)[1].split()[0] for line in out.splitlines()] == [code]


def test_lint_is_quiet_on_a_good_declaration(write_declaration, capsys):
    assert main(["lint", "--strict", str(write_declaration(GOOD))]) == 0
    assert capsys.readouterr().out == ""


MESSY = """\
# yaml-language-server: $schema=../../schema/declaration.schema.json
# 测试局的申报（顶部注释）
部门名称: '测试局'   # 行尾注释
表样: 上海整体
年度: 2023
下属预算单位个数: 0
年度履职目标: "测试目标"
部门职责: |
  第一行 # 这是文字，不是注释
  第二行
年度重点任务:
    # 任务前的注释
    - 主要内容: 内容一
      任务名称: 任务一
年末资产总额: 10
预算情况:
  资金结构: {基本支出: 60.00, 项目支出: 40.00}
  部门整体预算总额: 100.00
  资金来源:
    其他资金: 20.00
    财政拨款: 80.00
年末在职人数: 3
内设机构数: 1
分解目标:
  满意度指标:
    服务对象满意度指标:
      满意度: '>=90%'
  产出指标:
    数量指标:
      # 指标前的注释
      会议次数: =4次   # 目标行尾
# 文件末尾的注释
"""


def test_fmt_makes_messy_yaml_canonical_and_keeps_comments(write_declaration, capsys):
    path = write_declaration(MESSY)
    before = read_checked(path).declaration
    assert main(["fmt", "--check", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == MESSY
    assert main(["fmt", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    after = read_checked(path)
    assert after.diagnostics == ()
    assert comparable(after.declaration) == comparable(before)
    lines = text.splitlines()
    assert lines[:3] == [
        "# yaml-language-server: $schema=../../schema/declaration.schema.json",
        "# 测试局的申报（顶部注释）",
        "表样: 上海整体",
    ]
    assert lines[3] == "年度: 2023"
    assert "部门名称: 测试局  # 行尾注释" in lines
    assert "  第一行 # 这是文字，不是注释" in lines
    assert lines[lines.index("  - 任务名称: 任务一") - 1] == "  # 任务前的注释"
    assert lines[lines.index('      会议次数: "=4次"  # 目标行尾') - 1] == "      # 指标前的注释"
    assert lines[-1] == "# 文件末尾的注释"
    capsys.readouterr()
    assert main(["fmt", "--check", str(path)]) == 0  # idempotent


def test_the_seed_is_formatted(capsys):
    assert main(["fmt", "--check", str(SEED_YAML)]) == 0


def test_fmt_leaves_invalid_files_alone(write_declaration, capsys):
    broken = MINIMAL.read_text(encoding="utf-8").replace("其他资金: 20.00", "其他资金: 21.00")
    path = write_declaration(broken)
    assert main(["fmt", str(path)]) == 1
    assert " E201 " in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == broken


def test_fmt_text_of_the_seed_is_the_seed():
    checked = read_checked(SEED_YAML)
    assert format_text(
        SEED_YAML.read_text(encoding="utf-8"), checked.declaration
    ) == SEED_YAML.read_text(encoding="utf-8")
    again = read_checked_text(SEED_YAML.read_text(encoding="utf-8"), "declarations/2023/x.yaml")
    assert comparable(again.declaration) == comparable(checked.declaration)


def test_pre_commit_example_uses_the_hooks_this_project_defines():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    example = yaml.safe_load((ROOT / "docs/pre-commit-config.yaml").read_text(encoding="utf-8"))
    defined = {hook["id"]: hook["entry"] for hook in hooks}
    used = {hook["id"] for repo in example["repos"] for hook in repo["hooks"]}
    assert used == set(defined) == {"declarations-check", "declarations-fmt"}
    assert defined["declarations-fmt"] == "python -m generator fmt --check"


@pytest.fixture
def preview_tree(tmp_path) -> Path:
    root = make_seed_tree(tmp_path, ("test-bureau.yaml", MINIMAL.read_text(encoding="utf-8")))
    out = tmp_path / "out"
    assert build([root], out).ok
    (root / "2024").mkdir()
    shutil.copy(ROOT / "tests/data/2024" / SEED_YAML.name, root / "2024")
    assert (
        main(
            [
                "diff",
                str(root / "2023"),
                str(root / "2024"),
                "--out",
                str(out / "diff/2023-2024.md"),
            ]
        )
        == 0
    )
    assert main(["preview", "--out", str(out)]) == 0
    return out


def test_preview_writes_linked_html_pages(preview_tree):
    index = (preview_tree / "2023/index.html").read_text(encoding="utf-8")
    assert 'href="minhang-cppcc-office.html"' in index and 'href="test-bureau.html"' in index
    assert (preview_tree / "diff/2023-2024.html").is_file()
    assert 'href="2023-2024.html"' in (preview_tree / "diff/index.html").read_text(encoding="utf-8")
    page = (preview_tree / "2023/minhang-cppcc-office.html").read_text(encoding="utf-8")
    assert page.count("<table>") == len(
        markdown_tables((preview_tree / "2023/minhang-cppcc-office.md").read_text(encoding="utf-8"))
    )
    assert "http" not in page.replace('href="http', "")  # nothing fetched from elsewhere


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Chromium is not installed (apt-get install chromium)",
)
def test_preview_renders_every_table_in_a_real_browser(preview_tree, tmp_path):
    for page in ("2023/index.html", "2023/minhang-cppcc-office.html", "diff/2023-2024.html"):
        markdown = (preview_tree / page).with_suffix(".md").read_text(encoding="utf-8")
        result = subprocess.run(
            [CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'chromium'}", "--dump-dom", (preview_tree / page).as_uri()],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        dom = result.stdout
        tables = markdown_tables(markdown)
        assert dom.count("<table>") == len(tables) > 0, result.stderr[-2000:]
        assert dom.count("<tr>") == sum(len(t) for t in tables)
    assert "<td>=50人次</td>" in subprocess.run(
        [CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'c2'}",
         "--dump-dom", (preview_tree / "2023/minhang-cppcc-office.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    ).stdout  # fmt: skip
