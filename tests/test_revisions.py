"""`diff --rev`: declarations read from git's object store, whatever their file names and bytes,
and revisions that are only ever revisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import MINIMAL
from test_diff_review import git

from generator.cli import main


def bureau(name: str = "教育局", year: int = 2023) -> str:
    return (
        MINIMAL.read_text(encoding="utf-8")
        .replace("测试局", name)
        .replace("年度: 2023", f"年度: {year}")
    )


@pytest.fixture
def repository(tmp_path, monkeypatch) -> Path:
    """declarations/2023/教育局.yaml and 一 二.yaml committed on main; cwd is the repository."""
    folder = tmp_path / "declarations/2023"
    folder.mkdir(parents=True)
    (folder / "教育局.yaml").write_text(bureau(), encoding="utf-8")
    (folder / "一 二.yaml").write_text(bureau("文化局"), encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "2023")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_non_ascii_file_names_are_read_at_a_revision(repository, capsys):
    assert main(["diff", "--format", "json", "--exit-code", "--rev", "HEAD", "declarations"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(p["old_source"], p["new_source"]) for p in data["pairs"]] == [
        ("HEAD:declarations/2023/一 二.yaml", "declarations/2023/一 二.yaml"),
        ("HEAD:declarations/2023/教育局.yaml", "declarations/2023/教育局.yaml"),
    ]
    assert data["added"] == [] and data["removed"] == []
    one = ["diff", "--exit-code", "--rev", "HEAD..HEAD", "declarations/2023/教育局.yaml"]
    assert main([*one, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(p["old_source"], p["new_source"]) for p in data["pairs"]] == [
        ("HEAD:declarations/2023/教育局.yaml", "HEAD:declarations/2023/教育局.yaml")
    ]
    assert main(one) == 0  # unchanged: named in the report's last line
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == "教育局（2023 年度）"


def test_a_file_not_in_utf8_at_a_revision_is_reported_like_one_on_disk(repository, capsys):
    gbk = repository / "declarations/2023/gbk.yaml"
    gbk.write_bytes(bureau("卫生局").encode("gbk"))
    git(repository, "add", ".")
    git(repository, "commit", "-q", "-m", "saved as GBK")
    assert main(["check", "declarations"]) == 1
    on_disk = capsys.readouterr().out.splitlines()
    assert main(["diff", "--rev", "HEAD..HEAD", "declarations"]) == 1
    captured = capsys.readouterr()
    expected = [f"HEAD:{line}" for line in on_disk if " E006 " in line]
    assert expected == [
        "HEAD:declarations/2023/gbk.yaml:1:1: E006 文件不是 UTF-8 编码"
        "（提示：在编辑器中以 UTF-8 编码另存（GBK/GB2312 等编码无法读取））"
    ]
    assert captured.out.splitlines() == expected  # both sides name it alike: once
    assert captured.err == "比较的申报中有错误，先修正（见上）\n"


@pytest.mark.parametrize(
    ("rev", "named"),
    [
        ("no-such-branch", "no-such-branch"),
        ("--output=x", "--output=x"),
        ("HEAD..--output=x", "--output=x"),
        ("--output=x..HEAD", "--output=x"),
        ("-d", "-d"),
        ("HEAD:declarations", "HEAD:declarations"),
    ],
)
def test_a_revision_is_only_ever_a_revision(repository, capsys, rev, named):
    assert main(["diff", f"--rev={rev}", "declarations"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"错误：git 仓库中没有修订版本“{named}”（写分支名、标签或提交号，例如 main、HEAD~1）\n"
    )
    assert sorted(p.name for p in repository.iterdir()) == [".git", "declarations"]


def test_an_empty_revision_is_a_usage_error(repository, capsys):
    assert main(["diff", "--rev", "..HEAD", "declarations"]) == 2
    assert (
        capsys.readouterr().err
        == "错误：--rev 要写成 A、A..B 或 A...B（A、B 是修订版本，例如 main..HEAD）\n"
    )


def test_a_path_that_exists_at_neither_revision(repository, capsys):
    assert main(["diff", "--rev", "HEAD..HEAD", "declaratoins"]) == 2
    assert capsys.readouterr().err == "错误：declaratoins：在 HEAD 和 HEAD 中都不存在\n"


def test_a_path_deleted_in_the_work_tree_is_reported_as_removed(repository, capsys):
    (repository / "declarations/2023/教育局.yaml").unlink()
    args = ["diff", "--format", "json", "--exit-code", "--rev", "HEAD"]
    assert main([*args, "declarations/2023/教育局.yaml"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["removed"] == ["教育局（HEAD:declarations/2023/教育局.yaml）"]
    assert data["pairs"] == [] and data["added"] == []
    (repository / "declarations/2023/一 二.yaml").unlink()
    (repository / "declarations/2023").rmdir()
    assert main([*args, "declarations/2023"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert len(data["removed"]) == 2


def test_a_path_that_exists_neither_at_the_revision_nor_in_the_work_tree(repository, capsys):
    assert main(["diff", "--rev", "HEAD", "declaratoins"]) == 2
    assert capsys.readouterr().err == "错误：declaratoins：在 HEAD 和工作区中都不存在\n"


def test_a_path_new_in_the_work_tree_is_reported_as_added(repository, capsys):
    (repository / "declarations/2024").mkdir()
    (repository / "declarations/2024/教育局.yaml").write_text(bureau(year=2024), encoding="utf-8")
    assert main(["diff", "--format", "json", "--rev", "HEAD", "declarations/2024"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["added"] == ["教育局（declarations/2024/教育局.yaml）"]


def test_three_dots_compare_with_where_the_branch_started(repository, capsys):
    git(repository, "checkout", "-q", "-b", "change")
    edit = repository / "declarations/2023/教育局.yaml"
    edit.write_text(bureau().replace('"=4次"', '"=5次"'), encoding="utf-8")
    git(repository, "commit", "-q", "-am", "on the branch")
    git(repository, "checkout", "-q", "main")
    other = repository / "declarations/2023/一 二.yaml"
    other.write_text(bureau("文化局").replace('"=4次"', '"=9次"'), encoding="utf-8")
    git(repository, "commit", "-q", "-am", "meanwhile on main")
    assert main(["diff", "--format", "json", "--rev", "main...change", "declarations"]) == 0
    data = json.loads(capsys.readouterr().out)
    found = [(p["new_source"], c["old"], c["new"]) for p in data["pairs"] for c in p["changes"]]
    assert found == [("change:declarations/2023/教育局.yaml", "=4次", "=5次")]
    assert (data["old_label"], data["new_label"]) == ("main...change", "change")
    fork = git(repository, "rev-parse", "--short", "main~1").strip()
    assert data["pairs"][1]["old_source"] == f"{fork}:declarations/2023/教育局.yaml"


def test_outside_a_git_repository(tmp_path, capsys, monkeypatch):
    (tmp_path / "2023").mkdir()
    (tmp_path / "2023/x.yaml").write_text(bureau(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["diff", "--rev", "HEAD", "2023"]) == 2
    assert capsys.readouterr().err == (
        f"错误：--rev 要在 git 仓库里运行，{tmp_path.as_posix()} 不在 git 仓库中\n"
    )


def test_three_dots_need_a_common_history(repository, capsys):
    git(repository, "checkout", "-q", "--orphan", "unrelated")
    git(repository, "commit", "-q", "-m", "unrelated history")
    assert main(["diff", "--rev", "main...unrelated", "declarations"]) == 2
    assert capsys.readouterr().err == (
        "错误：main 与 unrelated 没有共同的历史：改用 main..unrelated\n"
    )


def test_a_symbolic_link_at_a_revision_is_refused_not_misread(repository, capsys):
    (repository / "declarations/2023/link.yaml").symlink_to("教育局.yaml")
    git(repository, "add", ".")
    git(repository, "commit", "-q", "-m", "a link")
    assert main(["diff", "--rev", "HEAD", "declarations"]) == 2
    assert capsys.readouterr().err == (
        "错误：declarations/2023/link.yaml：在 HEAD 中是符号链接，--rev 只读普通文件"
        "（把它改为普通文件）\n"
    )


def test_an_object_missing_from_the_repository(repository, capsys):
    blob = git(repository, "rev-parse", "HEAD:declarations/2023/教育局.yaml").strip()
    (repository / ".git/objects" / blob[:2] / blob[2:]).unlink()
    assert main(["diff", "--rev", "HEAD", "declarations"]) == 2
    assert (
        capsys.readouterr().err == f"错误：git 仓库中缺少对象 {blob}：先 git fetch 取得完整的历史\n"
    )


def test_a_declaration_with_an_upper_case_suffix_is_compared_at_a_revision(repository, capsys):
    # A folder finds x.YAML on disk; a revision must find it too, or an edit to it is missed.
    (repository / "declarations/2023/财政局.YAML").write_text(bureau("财政局"), encoding="utf-8")
    git(repository, "add", ".")
    git(repository, "commit", "-q", "-m", "财政局")
    edit = repository / "declarations/2023/财政局.YAML"
    edit.write_text(bureau("财政局").replace('"=4次"', '"=5次"'), encoding="utf-8")
    assert '"=4次"' in bureau("财政局")
    args = ["diff", "--format", "json", "--rev", "HEAD", "declarations"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert [pair["new_source"] for pair in data["pairs"] if pair["changes"]] == [
        "declarations/2023/财政局.YAML"
    ]
