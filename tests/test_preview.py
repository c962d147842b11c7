"""`preview`: the HTML of the change reports (the build itself writes the other pages), and a
message instead of a traceback when there is nothing built yet."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL

from generator.build.build import build
from generator.cli import main


def built(tmp_path: Path) -> Path:
    folder = tmp_path / "src" / "2023"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    later = tmp_path / "src" / "2024" / "a.yaml"
    later.parent.mkdir()
    later.write_text(
        MINIMAL.read_text(encoding="utf-8")
        .replace("年度: 2023", "年度: 2024")
        .replace('"=4次"', '"=6次"'),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert build([tmp_path / "src"], out).ok
    return out


def test_preview_without_a_build_says_to_run_build_first(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["preview"]) == 2
    assert capsys.readouterr().err == (
        "错误：build：找不到构建输出目录，先运行 make build"
        "（或 python -m generator build --out build）\n"
    )


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_preview_of_a_folder_that_is_not_there(tmp_path, capsys, kind):
    out = tmp_path / "elsewhere"
    if kind == "file":
        out.write_text("a file", encoding="utf-8")
    assert main(["preview", "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"错误：{out}：找不到构建输出目录，先运行 make build"
        f"（或 python -m generator build --out {out}）\n"
    )


def test_preview_renders_the_change_reports_and_leaves_the_build_alone(tmp_path, capsys):
    out = built(tmp_path)
    pages = {p: p.read_bytes() for p in out.rglob("*.html")}
    assert {p.relative_to(out).as_posix() for p in pages} == {
        "2023/a.html", "2023/index.html", "2024/a.html", "2024/index.html", "index.html",
    }  # fmt: skip
    report = out / "diff/2023-2024.md"
    assert (
        main(["diff", str(tmp_path / "src/2023"), str(tmp_path / "src/2024"), "--out", str(report)])
        == 0
    )
    capsys.readouterr()
    assert main(["preview", "--out", str(out)]) == 0
    assert capsys.readouterr().err == f"写入 2 个 HTML 页面 → {out / 'diff'}\n"
    page = (out / "diff/2023-2024.html").read_text(encoding="utf-8")
    assert "=4次" in page and "=6次" in page
    listing = (out / "diff/index.html").read_text(encoding="utf-8")
    assert 'href="2023-2024.html"' in listing
    assert {p: p.read_bytes() for p in pages} == pages  # the build's pages are the build's


def test_preview_with_no_change_reports_writes_nothing(tmp_path, capsys):
    out = built(tmp_path)
    assert main(["preview", "--out", str(out)]) == 0
    assert capsys.readouterr().err == (
        f"没有变更报告（make diff FROM=… TO=… 生成）；申报和汇总的 HTML 页面由 build 写入 → {out}\n"
    )
    assert not (out / "diff").exists()


def reports(tmp_path: Path, *names: str) -> Path:
    """A build, and a change report OUT/diff/<name>.md for each of `names`; returns OUT."""
    out = built(tmp_path)
    for name in names:
        argv = ["diff", str(tmp_path / "src/2023"), str(tmp_path / "src/2024")]
        assert main([*argv, "--out", str(out / "diff" / f"{name}.md")]) == 0
    return out


def test_a_report_page_links_back_to_the_list_of_reports(tmp_path):
    out = reports(tmp_path, "2023-2024")
    assert main(["preview", "--out", str(out)]) == 0
    page = (out / "diff/2023-2024.html").read_text(encoding="utf-8")
    assert '<nav><a href="index.html">全部变更报告</a></nav>' in page


def test_the_page_of_a_deleted_report_goes_and_leaves_the_list(tmp_path, capsys):
    out = reports(tmp_path, "a", "b")
    mine = out / "diff/notes.html"  # not made by preview: never removed
    mine.write_text("mine", encoding="utf-8")
    assert main(["preview", "--out", str(out)]) == 0
    (out / "diff/a.md").unlink()
    capsys.readouterr()
    assert main(["preview", "--out", str(out)]) == 0
    assert capsys.readouterr().err == (
        f"删除 {out / 'diff/a.html'}（变更报告 a.md 已不存在）\n"
        f"写入 2 个 HTML 页面 → {out / 'diff'}\n"
    )
    assert not (out / "diff/a.html").exists() and (out / "diff/b.html").is_file()
    listing = (out / "diff/index.html").read_text(encoding="utf-8")
    assert "a.html" not in listing and 'href="b.html"' in listing
    assert mine.read_text(encoding="utf-8") == "mine"
    (out / "diff/b.md").unlink()  # no report left: the list goes too
    assert main(["preview", "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / "diff").iterdir()) == ["notes.html"]


def test_a_report_that_cannot_be_read_is_skipped_with_a_warning(tmp_path, capsys):
    out = reports(tmp_path, "good")
    (out / "diff/gbk.md").write_bytes("# 变更报告\n".encode("gbk"))
    (out / "diff/x.md").mkdir()
    capsys.readouterr()
    assert main(["preview", "--out", str(out)]) == 0
    assert capsys.readouterr().err == (
        f"警告：{out / 'diff/x.md'}：是一个文件夹，不是变更报告，跳过\n"
        f"警告：{out / 'diff/gbk.md'}：不是 UTF-8 编码的文本，跳过（用 UTF-8 重新保存，"
        "或用 make diff 重新生成）\n"
        f"写入 2 个 HTML 页面 → {out / 'diff'}\n"
    )
    listing = (out / "diff/index.html").read_text(encoding="utf-8")
    assert 'href="good.html"' in listing and "gbk" not in listing and "x.html" not in listing
    assert not (out / "diff/gbk.html").exists()
