"""`fmt` and line endings: a file keeps its own (CRLF stays CRLF, as git's autocrlf leaves files
on Windows; mixed ones take the majority and say so; CR alone is a line break too, never a file
squashed into one comment), and `fmt --check` shows what it would change as a unified diff."""

from __future__ import annotations

from pathlib import Path

from conftest import MINIMAL

from generator.cli import main

# MINIMAL in the canonical style, with a comment above a key and one after a value.
CANONICAL = (
    MINIMAL.read_text(encoding="utf-8")
    .replace("下属预算单位个数: 0\n", "下属预算单位个数: 0\n\n")
    .replace("部门职责: 测试职责\n", "部门职责: 测试职责\n\n")
    .replace("年度履职目标: 测试目标\n", "年度履职目标: 测试目标\n\n")
    .replace("    主要内容: 内容一\n", "    主要内容: 内容一\n\n")
    .replace("    项目支出: 40.00\n", "    项目支出: 40.00\n\n")
    .replace("内设机构数: 1\n", "内设机构数: 1\n\n")
    .replace("部门名称: 测试局\n", "# 部门的全称\n部门名称: 测试局  # 与公章一致\n")
)


def written(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "src" / "2023" / "case.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_the_canonical_text_is_canonical(tmp_path, capsys):
    path = written(tmp_path, CANONICAL.encode())
    assert main(["fmt", "--check", str(path)]) == 0
    assert capsys.readouterr() == ("", "")


def test_a_crlf_file_is_not_a_formatting_problem_and_stays_crlf(tmp_path, capsys):
    data = CANONICAL.replace("\n", "\r\n").encode()
    path = written(tmp_path, data)
    assert main(["fmt", "--check", str(path)]) == 0
    assert capsys.readouterr() == ("", "")
    assert main(["fmt", str(path)]) == 0
    assert path.read_bytes() == data


def test_a_messy_crlf_file_is_formatted_in_crlf(tmp_path, capsys):
    messy = CANONICAL.replace("部门名称: 测试局", "部门名称: '测试局'").replace("\n\n", "\n")
    path = written(tmp_path, messy.replace("\n", "\r\n").encode())
    assert main(["fmt", str(path)]) == 0
    assert path.read_bytes() == CANONICAL.replace("\n", "\r\n").encode()
    assert capsys.readouterr().err == f"已格式化：{path}\n"


def test_mixed_line_endings_take_the_majority_and_say_so(tmp_path, capsys):
    lines = CANONICAL.split("\n")
    # the first three lines end in LF, the rest in CRLF
    mixed = "\n".join(lines[:4]) + "\r\n".join(["", *lines[4:]])
    path = written(tmp_path, mixed.encode())
    crlf_count = mixed.count("\r\n")
    lf_count = mixed.count("\n") - crlf_count
    assert (lf_count, crlf_count) == (3, CANONICAL.count("\n") - 3)
    note = f"（换行符不一致：CRLF {crlf_count} 行、LF 3 行，统一为 CRLF）"
    assert main(["fmt", "--check", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"需要格式化：{path}{note}\n"
    assert captured.out == ""  # the text is the same: only the line endings change
    assert main(["fmt", str(path)]) == 0
    assert capsys.readouterr().err == f"已格式化：{path}{note}\n"
    assert path.read_bytes() == CANONICAL.replace("\n", "\r\n").encode()


def test_a_file_with_cr_line_breaks_keeps_every_line(tmp_path, capsys):
    messy = CANONICAL.replace("部门名称: 测试局", "部门名称: '测试局'").replace("\n\n", "\n")
    path = written(tmp_path, messy.replace("\n", "\r").encode())
    assert main(["fmt", str(path)]) == 0
    assert path.read_bytes() == CANONICAL.replace("\n", "\r").encode()
    capsys.readouterr()
    assert main(["check", str(path)]) == 0


def test_check_prints_a_unified_diff_of_what_it_would_change(tmp_path, capsys):
    messy = CANONICAL.replace("部门名称: 测试局", "部门名称: '测试局'").replace(
        "年度履职目标: 测试目标\n\n", "年度履职目标: 测试目标\n"
    )
    path = written(tmp_path, messy.encode())
    assert main(["fmt", "--check", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == (
        f"--- {path}\n"
        f"+++ {path}\n"
        "@@ -1,12 +1,13 @@\n"
        " 表样: 上海整体\n"
        " 年度: 2023\n"
        " # 部门的全称\n"
        "-部门名称: '测试局'  # 与公章一致\n"
        "+部门名称: 测试局  # 与公章一致\n"
        " 下属预算单位个数: 0\n"
        " \n"
        " 部门职责: 测试职责\n"
        " \n"
        " 年度履职目标: 测试目标\n"
        "+\n"
        " 年度重点任务:\n"
        "   - 任务名称: 任务一\n"
        "     主要内容: 内容一\n"
    )
    assert captured.err == f"需要格式化：{path}\n"
    assert path.read_bytes() == messy.encode()


def test_a_byte_order_mark_is_kept(tmp_path, capsys):
    messy = CANONICAL.replace("部门名称: 测试局", "部门名称: '测试局'")
    path = written(tmp_path, ("\ufeff" + messy).encode())
    assert main(["fmt", str(path)]) == 0
    assert path.read_bytes() == ("\ufeff" + CANONICAL).encode()
    assert main(["fmt", "--check", str(path)]) == 0


def test_the_diff_marks_a_last_line_without_a_line_break(tmp_path, capsys):
    path = written(tmp_path, CANONICAL.removesuffix("\n").encode())
    assert main(["fmt", "--check", str(path)]) == 1
    assert capsys.readouterr().out.endswith(
        '-      满意度: ">=90%"\n\\ No newline at end of file\n+      满意度: ">=90%"\n'
    )
