"""The command line: exit codes, --help, JSON diagnostics, usage errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import MINIMAL, ROOT

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
    assert main(["schema", "--out", str(blocker / "sub" / "x.json")]) == 2
    assert (
        capsys.readouterr().err
        == f"错误：{blocker}：是一个文件，不能在其中写入 {blocker / 'sub' / 'x.json'}\n"
    )
    assert blocker.read_text() == "not a folder"


def test_schema_out_a_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["schema", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"错误：{tmp_path}：是一个文件夹；--out 要写文件名，例如 {tmp_path / 'declaration.schema.json'}\n"
    )


def test_schema_out_writes_the_schema(tmp_path, capsys):
    target = tmp_path / "new" / "x.json"
    assert main(["schema", "--out", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "绩效目标申报"


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
    ],
)
def test_argument_errors_are_in_chinese_under_the_usage_of_their_command(argv, message, capsys):
    err = usage_error(argv, capsys)
    assert err[0].startswith(f"用法：python -m generator {argv[0]} ")
    assert err[-1] == message


def test_an_unknown_command_shows_the_commands(capsys):
    err = usage_error(["frobnicate"], capsys)
    assert err[0] == "用法：python -m generator [-h] COMMAND ..."
    assert err[-1].startswith("错误：参数 COMMAND：不能是“frobnicate”（可选：check、build、diff、")
