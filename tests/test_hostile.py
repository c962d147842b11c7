"""Hostile and broken environments: huge inputs, a full disk, Ctrl-C, template sandboxing."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT
from projection import docx_tables, office_text, xlsx_cells

from generator.build.build import build
from generator.cli import main
from generator.render.templates import TemplateError


def many_indicators(count: int) -> str:
    rows = "".join(f'      指标{i:05d}: "={i}次"\n' for i in range(count))
    return MINIMAL.read_text(encoding="utf-8").replace('      会议次数: "=4次"\n', rows)


def test_ten_thousand_indicators_build(write_declaration, tmp_path):
    report = build([write_declaration(many_indicators(10_000))], tmp_path / "out")
    assert report.ok
    goals = docx_tables(tmp_path / "out/2023/case.docx")[1]
    assert sum(1 for c in goals if c.col == 2) == 10_000 + 1 + 1  # with 满意度 and the header
    workbook, _ = xlsx_cells(tmp_path / "out/2023/case.xlsx")
    assert workbook.active.max_row > 10_000


def test_full_disk_is_an_environment_error_and_keeps_the_old_file(
    write_declaration, tmp_path, capsys, monkeypatch
):
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out)]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    source.write_text(
        source.read_text(encoding="utf-8").replace("测试局", "测试二局"), encoding="utf-8"
    )

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    assert main(["build", str(source), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "无法写入" in err and "No space left on device" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_ctrl_c_while_writing_leaves_only_whole_files(
    write_declaration, tmp_path, capsys, monkeypatch
):
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    source.write_text(
        source.read_text(encoding="utf-8").replace("测试局", "测试二局"), encoding="utf-8"
    )
    real_replace = os.replace
    renamed = []

    def interrupted(src, dst):
        if len(renamed) == 2:  # Ctrl-C after two files took their places
            raise KeyboardInterrupt
        real_replace(src, dst)
        renamed.append(Path(dst).name)

    monkeypatch.setattr(os, "replace", interrupted)
    assert main(["build", str(source), "--out", str(out)]) == 130
    assert "已中断" in capsys.readouterr().err
    after = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert set(after) == set(before)  # no temporary or partial file left behind
    assert {name for name in after if after[name] != before[name]} == set(renamed)


def test_template_error_while_staging_leaves_no_temporary_files(write_declaration, tmp_path):
    source = write_declaration(MINIMAL.read_text(encoding="utf-8"))
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "generator" / "templates", templates)
    index = templates / "index.md.j2"
    index.write_text(index.read_text(encoding="utf-8") + "{{ index.nope }}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="nope"):
        build([source], tmp_path / "out", templates)
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []


def test_templates_cannot_reach_python_internals(write_declaration, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "generator" / "templates", templates)
    (templates / "summary.md.j2").write_text(
        "{{ d.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8"
    )
    with pytest.raises(TemplateError, match=r"summary\.md\.j2:1: "):
        build([write_declaration(MINIMAL.read_text(encoding="utf-8"))], tmp_path / "out", templates)


NASTY = "=1+1 & <b> ]]> _x0041_ | {{ 7*7 }} {% if %}"


@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed",
)
def test_libreoffice_shows_nasty_text_as_written(write_declaration, tmp_path):
    text = MINIMAL.read_text(encoding="utf-8").replace("部门职责: 测试职责", f"部门职责: '{NASTY}'")
    assert build([write_declaration(text)], tmp_path / "out").ok
    upper = docx_tables(tmp_path / "out/2023/case.docx")[0]
    assert next(c.text for c in upper if (c.row, c.col) == (1, 1)) == NASTY
    workbook, _ = xlsx_cells(tmp_path / "out/2023/case.xlsx")
    assert office_text(workbook.active["B4"].value) == NASTY
    subprocess.run(
        [shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "csv", "--outdir", str(tmp_path / "csv"), str(tmp_path / "out/2023/case.xlsx")],
        capture_output=True, check=True, timeout=180,
    )  # fmt: skip
    csv = (tmp_path / "csv/case.csv").read_text(encoding="utf-8")
    assert NASTY in csv  # not evaluated as a formula, not unescaped to "A"
