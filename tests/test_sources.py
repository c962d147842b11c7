"""Finding and reading declaration files: which file names are allowed (E232, E230), and files
that cannot be read (an environment problem: exit 2)."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import MINIMAL
from markdown_it import MarkdownIt

from generator.cli import main
from generator.declaration.sources import check_file_name, read_checked_bytes, read_checked_text
from generator.importing.forms import file_stem

HINT = (
    "文件名可以用汉字等文字、数字、“-”、“_”和全角标点，不能有空白和其他半角符号"
    "（输出文件和汇总表里的链接都以它命名）"
)
RESERVED_HINT = "换一个名字，例如用部门名称或其简称"


def year_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *names: str) -> Path:
    """`tmp/2023/` holding the minimal declaration under each of `names` (each with its own
    部门名称, so that only the names can clash); the working directory is `tmp`."""
    folder = tmp_path / "2023"
    folder.mkdir()
    for number, name in enumerate(names):
        text = MINIMAL.read_text(encoding="utf-8").replace("测试局", f"测试{number}局")
        (folder / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return folder


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("index.yaml", "E232 文件名“index.yaml”是保留的名字：汇总页 index.md、index.xlsx（年度的，部门的）用了它"
         f"（提示：{RESERVED_HINT}）"),
        ("Index.yaml", "E232 文件名“Index.yaml”是保留的名字：汇总页 index.md、index.xlsx（年度的，部门的）用了它"
         f"（提示：{RESERVED_HINT}）"),
        ("1201.yaml", "E232 文件名“1201.yaml”是四位数字，与年度文件夹无法区分（项目表的文件夹以它命名）"
         f"（提示：{RESERVED_HINT}）"),
        ("con.yml", f"E232 文件名“con.yml”是保留的名字：Windows 不允许用它作文件名（提示：{RESERVED_HINT}）"),
        ("a b.yaml", f"E232 文件名“a b.yaml”中不能有空格（提示：{HINT}，例如 a-b.yaml）"),
        ("a:b.yaml", f"E232 文件名“a:b.yaml”中不能有“:”（提示：{HINT}，例如 a-b.yaml）"),
        ("办公室(1).yaml", f"E232 文件名“办公室(1).yaml”中不能有“(”（提示：{HINT}，例如 办公室-1.yaml）"),
        ("a\nb.yaml", f"E232 文件名“a\\nb.yaml”中不能有换行（提示：{HINT}，例如 a-b.yaml）"),
        ("-a.yaml", f"E232 文件名“-a.yaml”不能以“-”开头（提示：{HINT}，例如 a.yaml）"),
        (".a.yaml", f"E232 文件名“.a.yaml”不能以“.”开头（提示：{HINT}，例如 a.yaml）"),
        ("a&b.yaml", f"E232 文件名“a&b.yaml”中不能有“&”（提示：{HINT}，例如 a-b.yaml）"),
        ("50%.yaml", f"E232 文件名“50%.yaml”中不能有“%”（提示：{HINT}，例如 50.yaml）"),
        ("一\u3000二.yaml", f"E232 文件名“一\\u3000二.yaml”中不能有全角空格（提示：{HINT}，例如 一-二.yaml）"),
        ("一\u3164二.yaml", f"E232 文件名“一\\u3164二.yaml”中不能有看不见的字符 U+3164（韩文填充符）（提示：{HINT}，例如 一-二.yaml）"),
        ("一\u200b二.yaml", f"E232 文件名“一\\u200b二.yaml”中不能有看不见的字符 U+200B（零宽空格）（提示：{HINT}，例如 一-二.yaml）"),
        ("一\ufe0f二.yaml", f"E232 文件名“一\\ufe0f二.yaml”中不能有看不见的字符 U+FE0F（变体选择符）（提示：{HINT}，例如 一-二.yaml）"),
    ],
    ids=lambda value: repr(value)[:20],
)  # fmt: skip
def test_file_names_that_break_outputs_links_or_make_are_refused_at_check(
    name, expected, tmp_path, capsys, monkeypatch
):
    year_folder(tmp_path, monkeypatch, name)
    shown = name.replace("\n", "\\n")
    for invisible in "\u3000\u3164\u200b\ufe0f":
        shown = shown.replace(invisible, f"\\u{ord(invisible):04x}")
    assert main(["check", "2023"]) == 1
    assert capsys.readouterr().out.splitlines() == [f"2023/{shown}:1:1: {expected}"]
    assert main(["build", "2023", "--out", "out"]) == 1
    assert capsys.readouterr().out.splitlines() == [f"2023/{shown}:1:1: {expected}"]
    assert not (tmp_path / "out").exists()


def test_names_that_differ_only_by_case_share_their_outputs(tmp_path, capsys, monkeypatch):
    year_folder(tmp_path, monkeypatch, "Office.yaml", "office.yaml")
    assert main(["check", "2023"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "2023/office.yaml:1:1: E230 与 2023/Office.yaml 同为 2023 年度且文件名只差大小写"
        "（在 Windows、macOS 上是同一个文件），输出会互相覆盖（提示：给其中一个文件改名）"
    ]


def test_names_that_differ_only_in_unicode_composition_are_one_name(tmp_path, capsys, monkeypatch):
    year_folder(tmp_path, monkeypatch, "caf\u00e9.yaml", "cafe\u0301.yaml")  # NFC and NFD
    assert main(["check", "2023"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "2023/caf\u00e9.yaml:1:1: E230 与 2023/cafe\u0301.yaml 同为 2023 年度且文件名只差 Unicode 写法"
        "（NFC 与 NFD，看上去一样，在 macOS 上是同一个文件），输出会互相覆盖（提示：给其中一个文件改名）"
    ]


def test_the_names_import_gives_pass_check(tmp_path, monkeypatch):
    departments = [
        "中共某区纪律检查委员会（区监察委员会）",
        "教育局、体育局",
        "某某局·办公室",
        "《某》局",
    ]
    names = [f"{file_stem(department)}.yaml" for department in departments]
    assert [check_file_name(Path("2023") / name) for name in names] == [[]] * len(names)


def test_chinese_file_names_build_and_link_from_the_index(tmp_path, capsys, monkeypatch):
    names = [
        "测试局办公室.yaml",
        "区政协（汇总）.yaml",
        "office_2-b.yaml",
        "教育局、体育局·《二》—“三”.yaml",
        "Café.yaml",
    ]
    year_folder(tmp_path, monkeypatch, *names)
    assert main(["build", "2023", "--out", "out"]) == 0
    assert capsys.readouterr().out == ""
    stems = sorted(Path(n).stem for n in names)
    for stem in stems:
        assert (tmp_path / "out/2023" / f"{stem}.docx").is_file()
    index = (tmp_path / "out/2023/index.md").read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").enable("table").parse(index)
    links = [
        unquote(str(child.attrs["href"]))
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "link_open"
    ]
    assert sorted(links) == sorted(f"{stem}.md" for stem in stems)


def test_an_unreadable_declaration_is_an_environment_error(tmp_path, capsys, monkeypatch):
    folder = year_folder(tmp_path, monkeypatch, "case.yaml")
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "case.yaml":  # what chmod 000 does (the tests may run as root)
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    for command in (["check", "2023"], ["build", "2023", "--out", "out"], ["fmt", "2023"]):
        assert main(command) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err == (
            "错误：2023/case.yaml：无法读取：Permission denied（检查文件的权限，"
            "或关闭正在占用它的程序）\n"
        )
    assert not (tmp_path / "out").exists()
    assert (folder / "case.yaml").stat().st_size > 0


def test_a_folder_named_like_a_declaration_is_searched_not_read(tmp_path, capsys, monkeypatch):
    folder = year_folder(tmp_path, monkeypatch, "case.yaml")
    (folder / "x.yaml").mkdir()
    assert main(["check", "2023"]) == 0
    assert main(["check", "2023/x.yaml"]) == 0
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("folder", ["declarations/2023年", "declarations", "declarations/二〇二三"])
def test_a_declaration_outside_a_year_folder_is_warned_about(tmp_path, capsys, folder):
    place = tmp_path / folder
    place.mkdir(parents=True)
    (place / "x.yaml").write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["check", str(place / "x.yaml")]) == 0
    name = folder.rsplit("/", 1)[-1]
    assert capsys.readouterr().out == (
        f"{(place / 'x.yaml').as_posix()}:1:1: W211 文件不在以年度命名的文件夹中（“{name}”不是年度）"
        "（提示：放到 declarations/2023/ 中，与输出 build/2023/ 对应）\n"
    )


@pytest.mark.parametrize(
    "spellings",
    [
        ["{root}/2023/case.yaml", "2023/case.yaml"],
        ["2023/case.yaml", "2023/../2023/case.yaml"],
        ["2023", "2023/case.yaml"],
        ["2023", "link/case.yaml"],  # link: a symlink to the folder 2023
    ],
    ids=["absolute and relative", "with ..", "folder and file", "symlinked folder"],
)
def test_one_file_named_twice_is_read_once(spellings, tmp_path, capsys, monkeypatch):
    year_folder(tmp_path, monkeypatch, "case.yaml")
    (tmp_path / "link").symlink_to(tmp_path / "2023", target_is_directory=True)
    paths = [spelling.format(root=tmp_path.as_posix()) for spelling in spellings]
    assert main(["check", *paths]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "1 份申报，0 份有错误，共 0 个问题\n"


E231_HINT = (
    "一个部门每年只有一份申报：保留正确的一份，把另一份的内容合并进去后删除它；"
    "若是两个不同的部门，核对部门名称"
)


def test_paths_inside_messages_are_escaped_like_locations(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "2023"
    folder.mkdir()
    for name in ("a\nb.yaml", "x.yaml"):  # one department, declared twice
        (folder / name).write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "2023"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"2023/a\\nb.yaml:1:1: E232 文件名“a\\nb.yaml”中不能有换行（提示：{HINT}，例如 a-b.yaml）",
        f"2023/a\\nb.yaml:3:7: E231 2023 年度“测试局”另有申报：2023/x.yaml（提示：{E231_HINT}）",
        f"2023/x.yaml:3:7: E231 2023 年度“测试局”另有申报：2023/a\\nb.yaml（提示：{E231_HINT}）",
    ]
    assert captured.err == "2 份申报，2 份有错误，共 3 个问题\n"


def test_a_name_twice_but_for_case_is_named_escaped(tmp_path, capsys, monkeypatch):
    year_folder(tmp_path, monkeypatch, "A\tb.yaml", "a\tb.yaml")
    assert main(["check", "2023"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"2023/A\\tb.yaml:1:1: E232 文件名“A\\tb.yaml”中不能有Tab（提示：{HINT}，例如 A-b.yaml）",
        "2023/a\\tb.yaml:1:1: E230 与 2023/A\\tb.yaml 同为 2023 年度且文件名只差大小写"
        "（在 Windows、macOS 上是同一个文件），输出会互相覆盖（提示：给其中一个文件改名）",
        f"2023/a\\tb.yaml:1:1: E232 文件名“a\\tb.yaml”中不能有Tab（提示：{HINT}，例如 a-b.yaml）",
    ]
    assert captured.err == "2 份申报，2 份有错误，共 3 个问题\n"


def test_files_whose_names_are_refused_count_as_declarations_with_errors(
    tmp_path, capsys, monkeypatch
):
    year_folder(tmp_path, monkeypatch, "a\nb.yaml", "c\td.yaml")
    assert main(["check", "2023"]) == 1
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2
    assert captured.err == "2 份申报，2 份有错误，共 2 个问题\n"


def test_a_declaration_read_from_text_or_a_revision_is_named_escaped():
    text = MINIMAL.read_text(encoding="utf-8").replace("年度: 2023", "年度: 2024")
    for checked in (
        read_checked_text(text, "2023/a\nb.yaml"),
        read_checked_bytes(text.encode(), "HEAD:2023/a\nb.yaml"),
    ):
        assert [d.location.file for d in checked.diagnostics] == [checked.name]
        assert "\n" not in checked.name and checked.name.endswith("a\\nb.yaml")


def test_yaml_files_are_found_whatever_the_case_of_their_suffix(tmp_path, capsys, monkeypatch):
    names = ["a.YAML", "b.Yml", "c.yaml.", "d.yaml ", "e.yaml.bak", "f.yaml~", "notes.txt"]
    year_folder(tmp_path, monkeypatch, *names)
    assert main(["check", "2023"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "2023/c.yaml.:1:1: E232 文件名“c.yaml.”以“.”结尾：Windows 会去掉文件名结尾的点和空格"
        "（提示：改名为 c.yaml）",
        "2023/d.yaml :1:1: E232 文件名“d.yaml ”以空格结尾：Windows 会去掉文件名结尾的点和空格"
        "（提示：改名为 d.yaml）",
    ]
    assert captured.err == "4 份申报，2 份有错误，共 2 个问题\n"


def test_a_declaration_with_an_upper_case_suffix_builds(tmp_path, capsys, monkeypatch):
    year_folder(tmp_path, monkeypatch, "Office.YML")
    assert main(["build", "2023", "--out", "out"]) == 0
    assert (tmp_path / "out/2023/Office.docx").is_file()


def test_the_year_folder_is_checked_when_checking_from_inside_it(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "declarations" / "2023"
    folder.mkdir(parents=True)
    text = MINIMAL.read_text(encoding="utf-8").replace("年度: 2023", "年度: 2024")
    (folder / "x.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(folder)
    assert main(["check", "x.yaml"]) == 1
    assert capsys.readouterr().out == (
        "x.yaml:2:5: E210 年度 2024 与所在文件夹 2023 不一致（提示：改为 2023，或把文件移到 2024 文件夹）\n"
    )


def test_missing_fields_are_listed_in_the_forms_order(write_declaration, capsys):
    path = write_declaration("表样: 上海整体\n年度: 2023\n部门名称: 甲\n")
    assert main(["check", str(path)]) == 1
    missing = [line.split("“")[1].split("”")[0] for line in capsys.readouterr().out.splitlines()]
    assert missing == [
        "下属预算单位个数", "部门职责", "年度履职目标", "年度重点任务", "预算情况",
        "年末资产总额", "年末在职人数", "内设机构数", "分解目标",
    ]  # fmt: skip


def test_a_linked_folder_is_searched_and_a_linked_file_counts_where_it_is(tmp_path):
    from generator.declaration.sources import find_declarations

    tree = tmp_path / "declarations" / "2023"
    (tree / "real").mkdir(parents=True)
    (tree / "real" / "a.yaml").write_text("x", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.yaml").write_text("x", encoding="utf-8")
    (tree / "linked").symlink_to(elsewhere, target_is_directory=True)
    (tree / "another").mkdir()
    (tree / "another" / "a.yaml").symlink_to(tree / "real" / "a.yaml")  # sorts first
    (tree / "loop").symlink_to(tmp_path / "declarations", target_is_directory=True)
    found = [p.relative_to(tree).as_posix() for p in find_declarations([tree])]
    assert found == ["linked/b.yaml", "real/a.yaml"]
