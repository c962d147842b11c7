"""The command line: exit codes, --help, JSON diagnostics, usage errors."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import subprocess
import sys

import pytest
from conftest import MINIMAL, ROOT, SEED_YAML

from generator import cli
from generator.cli import main


def test_check_valid_tree_exits_0(write_declaration, capsys):
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    assert main(["check", str(source.parent)]) == 0
    assert capsys.readouterr().out == ""


def test_json_format(write_declaration, capsys):
    source = write_declaration(
        MINIMAL.read_text(encoding="utf-8").replace("年末在职人数: 3", "年末在职人数: 0123")
    )
    assert main(["check", "--format", "json", str(source)]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert problems == [
        {
            "severity": "error",
            "file": source.as_posix(),
            "line": 19,
            "col": 9,
            "code": "E104",
            "message": "“年末在职人数”的值“0123”以 0 开头",
            "hint": "去掉开头的 0，写 123（有的软件会把 0123 读成另一个数）",
        }
    ]


JSON_COMMANDS = [
    ["check"],
    ["build", "--out", "{out}"],
    ["lint"],
    ["lint", "--strict"],
]


@pytest.mark.parametrize("command", JSON_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("valid", [True, False], ids=["valid", "invalid"])
def test_format_json_prints_one_json_document(command, valid, write_declaration, tmp_path, capsys):
    # two lint warnings: L010 (the minimal declaration has no 效益指标), L002 ("=4": no unit)
    text = MINIMAL.read_text(encoding="utf-8").replace('"=4次"', '"=4"')
    if not valid:
        text = text.replace("年末在职人数: 3", "年末在职人数: 0123")
    source = write_declaration(text)
    argv = [arg.replace("{out}", str(tmp_path / "out")) for arg in command]
    status = main([*argv, "--format", "json", str(source)])
    captured = capsys.readouterr()
    problems = json.loads(captured.out)
    assert captured.err == ""
    assert [(p["severity"], p["code"]) for p in problems] == (
        ([("warning", "L010"), ("warning", "L002")] if argv[0] == "lint" else [])
        if valid
        else [("error", "E104")]
    )
    assert status == (0 if valid and "--strict" not in argv else 1)


@pytest.mark.parametrize("valid", [True, False], ids=["valid", "invalid"])
def test_diff_format_json_prints_one_json_document(valid, write_declaration, capsys):
    text = MINIMAL.read_text(encoding="utf-8")
    old = write_declaration(text, "old")
    new = write_declaration(
        text if valid else text.replace("年末在职人数: 3", "年末在职人数: x"), "new"
    )
    status = main(["diff", "--format", "json", str(old), str(new)])
    document = json.loads(capsys.readouterr().out)
    if valid:
        assert status == 0 and isinstance(document, dict)
    else:
        assert status == 1 and [(p["severity"], p["code"]) for p in document] == [("error", "E104")]


@pytest.mark.parametrize("command", ["trend", "fmt"])
def test_commands_without_a_json_output_do_not_take_format(command, tmp_path, capsys):
    assert main([command, "--format", "json", str(tmp_path)]) == 2
    assert capsys.readouterr().err.endswith("\n错误：无法识别的参数：--format\n")


def test_missing_path_is_a_usage_error(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope")]) == 2
    assert "文件或目录不存在" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error(capsys):
    assert main(["frobnicate"]) == 2


@pytest.mark.parametrize("command", ["check", "build"])
def test_help(command, capsys):
    assert main([command, "--help"]) == 0
    assert "PATH" in capsys.readouterr().out


def test_unwritable_output_is_an_environment_error(write_declaration, tmp_path, capsys):
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")
    assert main(["build", str(source), "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert "无法写入" in err and "Traceback" not in err


def test_python_m_generator_runs_without_traceback(write_declaration):
    source = write_declaration("部门名称：测试局\n")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", str(source)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout.startswith(f"{source.as_posix()}:1:1: E103 ")
    assert "Traceback" not in result.stderr


def test_same_file_name_twice_in_one_year(tmp_path, capsys):
    for folder, department in (("a", "测试局"), ("b", "测试二局")):
        path = tmp_path / folder / "2023" / "same.yaml"
        path.parent.mkdir(parents=True)
        path.write_text(
            MINIMAL.read_text(encoding="utf-8").replace("测试局", department), encoding="utf-8"
        )
    assert (
        main(["build", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "out")])
        == 1
    )
    assert capsys.readouterr().out.splitlines() == [
        f"{tmp_path.as_posix()}/b/2023/same.yaml:1:1: E230 与 {tmp_path.as_posix()}/a/2023/same.yaml 同为 2023 年度且文件名相同，输出会互相覆盖（提示：给其中一个文件改名）"
    ]
    assert not (tmp_path / "out").exists()


def test_same_department_twice_in_one_year_is_reported_on_both_files(tmp_path, capsys):
    folder = tmp_path / "2023"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.yaml").write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["check", str(folder)]) == 1
    captured = capsys.readouterr()
    hint = "一个部门每年只有一份申报：保留正确的一份，把另一份的内容合并进去后删除它；若是两个不同的部门，核对部门名称"
    assert captured.out.splitlines() == [
        f"{folder.as_posix()}/a.yaml:3:7: E231 2023 年度“测试局”另有申报：{folder.as_posix()}/b.yaml（提示：{hint}）",
        f"{folder.as_posix()}/b.yaml:3:7: E231 2023 年度“测试局”另有申报：{folder.as_posix()}/a.yaml（提示：{hint}）",
    ]
    assert captured.err == "2 份申报，2 份有错误，共 2 个问题\n"


def test_same_department_three_times_names_the_other_two(tmp_path, capsys):
    folder = tmp_path / "2023"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.yaml").write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["check", str(folder)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("（提示")[0] for line in lines] == [
        f"{folder.as_posix()}/{name}.yaml:3:7: E231 2023 年度“测试局”另有申报："
        + "、".join(f"{folder.as_posix()}/{other}.yaml" for other in "abc" if other != name)
        for name in "abc"
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--corpus", "0"], "参数 --corpus：应为不小于 1 的整数，而不是 0"),
        (["--corpus", "x"], "参数 --corpus：应为不小于 1 的整数，而不是 x"),
        (["--sizes", "100", "-5"], "参数 --sizes：应为不小于 1 的整数，而不是 -5"),
    ],
)
def test_bench_refuses_counts_below_one(argv, message, capsys):
    assert main(["bench", *argv]) == 2
    err = capsys.readouterr().err
    assert err.endswith(f"错误：{message}\n") and "Traceback" not in err


def test_schema_out_under_a_file_is_a_usage_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["schema", "-o", str(blocker / "sub" / "x.json")]) == 2
    assert (
        capsys.readouterr().err
        == f"错误：{blocker}：是一个文件，不能在其中写入 {blocker / 'sub' / 'x.json'}\n"
    )
    assert blocker.read_text() == "not a folder"


def test_schema_out_a_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["schema", "-o", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"错误：{tmp_path}：是一个文件夹；-o 要写文件名，例如 {tmp_path / 'declaration.schema.json'}\n"
    )


@pytest.mark.parametrize("option", ["-o", "--output"])
def test_schema_output_writes_the_schema(option, tmp_path, capsys):
    target = tmp_path / "new" / "x.json"
    assert main(["schema", option, str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "绩效目标申报"
    assert capsys.readouterr() == ("", "")


SEED = SEED_YAML.as_posix()
RENAMED = "警告：--out 已改名为 -o，请改用 -o（--out 将在下一版本停用）\n"


@pytest.mark.parametrize("command", [["schema"], ["kinds"], ["diff", str(SEED), str(SEED)]])
def test_out_of_a_command_writing_one_file_still_works_and_says_its_new_name(
    command, tmp_path, capsys
):
    assert main([*command, "-o", str(tmp_path / "new.txt")]) == 0
    capsys.readouterr()
    assert main([*command, "--out", str(tmp_path / "old.txt")]) == 0
    err = capsys.readouterr().err
    assert err.startswith(RENAMED)
    assert (tmp_path / "old.txt").read_bytes() == (tmp_path / "new.txt").read_bytes()


def test_out_and_output_at_once_is_a_usage_error(tmp_path, capsys):
    err = usage_error(["schema", "--out", str(tmp_path / "a"), "-o", str(tmp_path / "b")], capsys)
    assert err == [
        "用法：python -m generator schema [-h] [-o FILE]",
        "错误：--out 是 -o 的旧写法，两者只能写一个：写 -o",
    ]
    assert list(tmp_path.iterdir()) == []


def test_out_given_twice_the_last_one_counts(tmp_path, capsys):
    assert main(["kinds", "--out", str(tmp_path / "a"), "--out", str(tmp_path / "b")]) == 0
    assert capsys.readouterr().err == RENAMED * 2
    assert [p.name for p in tmp_path.iterdir()] == ["b"]


@pytest.mark.parametrize("command", ["build", "trend", "preview"])
def test_commands_writing_a_folder_take_out_and_not_output(command, tmp_path, capsys):
    err = usage_error([command, "-o", str(tmp_path / "x")], capsys)
    assert err[-1].startswith("错误：无法识别的参数：-o")


@pytest.mark.parametrize(
    "argv", [["lint", "--format", "json"], ["lint"], ["schema"], ["diff", "--rev", "HEAD"]]
)
def test_a_reader_that_stops_early_ends_the_command_quietly(argv):
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", *argv],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    process.stdout.close()  # as `| head` does once it has read enough
    err = process.stderr.read()
    process.stderr.close()
    assert (process.wait(), err.decode()) == (141, "")


def usage_error(argv: list[str], capsys) -> list[str]:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err.splitlines()


def test_an_unknown_option_shows_the_usage_of_its_command(capsys):
    err = usage_error(["check", "--foo", "x"], capsys)
    assert err == [
        "用法：python -m generator check [-h] [--format {text,json}] [PATH ...]",
        "错误：无法识别的参数：--foo",
    ]


def test_diff_with_four_paths_shows_the_usage_of_diff(capsys):
    err = usage_error(["diff", "a", "b", "c", "d"], capsys)
    assert err[0].startswith("用法：python -m generator diff [-h] ")
    assert (
        err[-1] == "错误：diff 需要两个路径（OLD NEW），或 --rev A[..B] [PATH...]，而这里写了 4 个"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["new-year", "2023"], "错误：缺少参数：TO"),
        (["lint", "--format", "yaml"], "错误：参数 --format：不能是“yaml”（可选：text、json）"),
        (["new-year", "2023", "next"], "错误：参数 TO：“next”不是整数"),
        (["build", "--out"], "错误：参数 --out 后面要写一个值"),
        (["lint", "--strict=yes"], "错误：参数 --strict 后面不写值，而这里写了“yes”"),
    ],
)
def test_argument_errors_are_in_chinese_under_the_usage_of_their_command(argv, message, capsys):
    err = usage_error(argv, capsys)
    assert err[0].startswith(f"用法：python -m generator {argv[0]} ")
    assert err[-1] == message


def test_an_unknown_command_shows_the_commands(capsys):
    err = usage_error(["frobnicate"], capsys)
    assert err[0] == "用法：python -m generator [-h] [--version] COMMAND ..."
    assert err[-1].startswith("错误：参数 COMMAND：不能是“frobnicate”（可选：check、build、diff、")


def parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every parser of the command line with its command path: the top level, then each
    command's."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from parsers(sub, (*path, name))


CHINESE = re.compile(r"[\u4e00-\u9fff]")
COMMANDS = [path for path, _ in parsers(cli._parser())]


def test_every_argument_and_command_has_a_help_in_chinese():
    missing = []
    for path, parser in parsers(cli._parser()):
        where = " ".join(["python -m generator", *path])
        if not CHINESE.search(parser.description or ""):
            missing.append(f"{where}: description {parser.description!r}")
        for action in parser._actions:
            if isinstance(action, cli._Renamed):  # an old spelling, hidden, says its new name
                assert action.help == argparse.SUPPRESS
                continue
            name = "/".join(action.option_strings) or action.metavar or action.dest
            if action.help == argparse.SUPPRESS or not CHINESE.search(action.help or ""):
                missing.append(f"{where} {name}: {action.help!r}")
            if isinstance(action, argparse._SubParsersAction):
                for command in action._get_subactions():
                    if not CHINESE.search(command.help or ""):
                        missing.append(f"{where} {command.dest}: {command.help!r}")
    assert missing == []


# what argparse writes in English unless told otherwise
ARGPARSE_WORDS = (
    "usage",
    "positional arguments",
    "optional arguments",
    "options:",
    "show this help message",
    "show program's version",
    "error:",
    "default",
)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda path: " ".join(path) or "top")
def test_help_of_every_command_is_in_chinese(command, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    assert main([*command, "--help"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith(f"用法：{' '.join(['python -m generator', *command])} [-h]")
    assert "  -h, --help" in captured.out and "显示本帮助并退出" in captured.out
    assert [word for word in ARGPARSE_WORDS if word in captured.out.lower()] == []
    # argparse counts 用法： as 3 columns, not 6: only the usage is wrapped by characters
    text = captured.out.split("\n\n", 1)[1]
    assert [line for line in text.splitlines() if cli._columns(line) > 98] == []


def test_help_of_check_in_full(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["check", "--help"]) == 0
    assert capsys.readouterr().out == (
        "用法：python -m generator check [-h] [--format {text,json}] [PATH ...]\n"
        "\n"
        # 98 columns, a Chinese character taking two
        "校验申报（每份申报本身，及同一年度、同一部门的各份申报之间），不写入任何文件。有错误时退出状态为\n"
        "1。\n"
        "\n"
        "位置参数:\n"
        "  PATH                  申报文件或文件夹（默认：declarations/）\n"
        "\n"
        "选项:\n"
        "  -h, --help            显示本帮助并退出\n"
        "  --format {text,json}  问题的输出格式：text 每条一行 file:line:col: CODE message；json 输出一个\n"
        "                        JSON 列表，每项带 severity（error 或 warning）\n"
    )


def test_top_level_help_lists_the_commands_in_chinese(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：python -m generator [-h] [--version] COMMAND ...\n")
    assert (
        "\n命令:\n  COMMAND     要运行的命令；各命令的用法：python -m generator COMMAND --help\n"
        in out
    )
    assert "\n    check     校验申报，不写入任何文件\n" in out
    assert "  --version   显示版本号并退出\n" in out


def test_version_prints_the_installed_version(capsys):
    assert main(["--version"]) == 0
    captured = capsys.readouterr()
    assert (
        captured.out == f"budget-declarations {importlib.metadata.version('budget-declarations')}\n"
    )
    assert captured.err == ""


def test_version_of_a_copy_that_is_not_installed_is_a_usage_error(capsys, monkeypatch):
    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    assert main(["--version"]) == 2
    assert capsys.readouterr().err == (
        "错误：找不到 budget-declarations 的安装信息，不知道版本号"
        "（在项目文件夹中运行 make，或 pip install . 安装后再试）\n"
    )


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("argument --a: not allowed with argument --b", "参数 --a 不能与 --b 同时使用"),
        ("one of the arguments --a --b is required", "缺少参数：--a、--b 中要写一个"),
        ("argument --n: expected at most one argument", "参数 --n 后面最多写一个值"),
    ],
)
def test_argparse_messages_of_options_no_command_has_yet_are_in_chinese(english, chinese):
    assert cli._in_chinese(english) == chinese


@pytest.mark.parametrize("encoding", ["cp1252", "gbk"])
def test_output_redirected_on_a_system_of_another_code_page_is_utf8(encoding, tmp_path):
    # Windows writes a redirected standard output in the system's code page (GBK on a
    # Chinese Windows, cp1252 on an English one): `import form.docx > x.yaml` must still give
    # a UTF-8 file that check reads, and never fail on a character the code page lacks.
    environment = {**os.environ, "PYTHONIOENCODING": encoding}
    run = subprocess.run(
        [sys.executable, "-m", "generator", "kinds"], capture_output=True, env=environment
    )
    assert run.returncode == 0, run.stderr
    assert "表样" in run.stdout.decode("utf-8")
    bad = subprocess.run(
        [sys.executable, "-m", "generator", "check", str(tmp_path / "无.yaml")],
        capture_output=True,
        env=environment,
    )
    assert bad.returncode == 2 and bad.stderr.decode("utf-8").startswith("错误：")
